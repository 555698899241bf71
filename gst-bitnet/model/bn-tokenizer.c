/* gst-bitnet: byte-level BPE tokenizer of GGUF models
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-tokenizer-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#undef G_LOG_DOMAIN
#define G_LOG_DOMAIN "bn-tokenizer"

/**
 * SECTION:bn-tokenizer
 * @title: BnTokenizer
 * @short_description: text to token ids and back
 *
 * A #BnTokenizer turns text into the token ids a model reads and token ids
 * back into text. It implements the byte-level BPE of GPT-2 and Llama 3
 * (GGUF `tokenizer.ggml.model` = `gpt2`): the text is cut into words by a
 * regular expression (the pre-tokenizer named by `tokenizer.ggml.pre`),
 * each byte of a word becomes one character of a 256-character alphabet
 * (GPT-2's byte-to-unicode table: printable bytes stand for themselves, the
 * others, space among them, take code points from U+0100 on, so a space is
 * `Ġ`, U+0120), and the merges of `tokenizer.ggml.merges` join adjacent
 * symbols, lowest rank first, until no merge applies. Every byte sequence
 * can be encoded, UTF-8 or not, and decoding gives the bytes back.
 *
 * Model `none` has no vocabulary: encoding fails, decoding prints ids as
 * `<id>`. SentencePiece (`llama`) is not supported.
 *
 * Special tokens (control tokens, and the BOS and EOS tokens) are never
 * produced from text: the text `<|begin_of_text|>` is encoded as ordinary
 * characters. A BOS token is only added when asked for.
 *
 * See `docs/tokenizer.md` for the pre-tokenizer expressions and the
 * vocabulary generator of fixture models.
 */

G_DEFINE_BOXED_TYPE (BnTokenizer, bn_tokenizer, bn_tokenizer_ref, bn_tokenizer_unref)
/**
 * bn_tokenizer_error_quark:
 *
 * Gets the #GQuark of this error domain.
 *
 * Returns: the #GQuark of the domain.
 *
 * Since: 0.1
 */
/* the quark name is stringized: clang-format must not space it */
/* clang-format off */
G_DEFINE_QUARK (bn-tokenizer-error-quark, bn_tokenizer_error)
/* clang-format on */

/* ---- construction ------------------------------------------------------ */

/* Inserts a merge; returns the slot already holding the pair, if any. */
static const BnTokenizerPair *
pair_insert (BnTokenizer *tok, gint32 left, gint32 right, gint32 rank, gint32 result)
{
  guint64 key = _bn_tokenizer_pair_key (left, right);
  gsize mask = ((gsize) 1 << tok->pair_bits) - 1;

  for (gsize i = _bn_tokenizer_pair_slot (tok, key);; i = (i + 1) & mask) {
    BnTokenizerPair *s = &tok->pairs[i];
    if (s->rank < 0) {
      s->key = key;
      s->rank = rank;
      s->result = result;
      return NULL;
    }
    if (s->key == key)
      return s;
  }
}

/**
 * bn_tokenizer_ref:
 * @tokenizer: a tokenizer
 *
 * Takes a reference.
 *
 * Returns: (transfer full): @tokenizer
 *
 * Since: 0.1
 */
BnTokenizer *
bn_tokenizer_ref (BnTokenizer *tokenizer)
{
  g_return_val_if_fail (tokenizer != NULL, NULL);
  g_atomic_ref_count_inc (&tokenizer->ref_count);
  return tokenizer;
}

/**
 * bn_tokenizer_unref:
 * @tokenizer: (transfer full): a tokenizer
 *
 * Drops a reference; the tokenizer is freed with the last one.
 *
 * Since: 0.1
 */
void
bn_tokenizer_unref (BnTokenizer *tokenizer)
{
  g_return_if_fail (tokenizer != NULL);
  if (!g_atomic_ref_count_dec (&tokenizer->ref_count))
    return;
  g_clear_pointer (&tokenizer->regex, g_regex_unref);
  g_free (tokenizer->text_pool);
  g_free (tokenizer->texts);
  g_free (tokenizer->types);
  g_clear_pointer (&tokenizer->pieces, g_bytes_unref);
  g_free (tokenizer->piece_offsets);
  g_clear_pointer (&tokenizer->by_text, g_hash_table_unref);
  g_free (tokenizer->pairs);
  g_free (tokenizer);
}

gboolean
_bn_tokenizer_is_special (const BnTokenizer *tok, gint32 id)
{
  if (id < 0 || (tok->n_tokens > 0 && (gsize) id >= tok->n_tokens))
    return FALSE;
  if (id == tok->bos || id == tok->eos)
    return TRUE;
  return tok->types != NULL && tok->types[id] == BN_TOKEN_TYPE_CONTROL;
}

/* The id of an ordinary (not special) token, or -1. */
gint32
_bn_tokenizer_lookup_text (const BnTokenizer *tok, const char *text)
{
  gpointer v = g_hash_table_lookup (tok->by_text, text);
  gint32 id = GPOINTER_TO_INT (v) - 1;

  if (id < 0 || _bn_tokenizer_is_special (tok, id))
    return -1;
  return id;
}

static gboolean
check_special_id (BnTokenizer *tok, const char *what, gint32 id, GError **error)
{
  if (id == -1 || (id >= 0 && (tok->n_tokens == 0 || (gsize) id < tok->n_tokens)))
    return TRUE;
  g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_INVALID,
               _("the %s token id %d is outside the vocabulary of %llu tokens (use -1 for "
                  "none)"),
               what, id, (unsigned long long) tok->n_tokens);
  return FALSE;
}

static gboolean
load_tokens (BnTokenizer *tok, const char *const *tokens, const gint32 *token_types, GError **error)
{
  gsize pool_len = 0, at = 0;
  g_autoptr (GByteArray) pieces = g_byte_array_new ();

  if (tokens == NULL || tok->n_tokens == 0) {
    g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_INVALID,
                 _("a 'gpt2' tokenizer needs a vocabulary, and none was given"));
    return FALSE;
  }
  if (tok->n_tokens > G_MAXINT32) {
    g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_INVALID,
                 _("the vocabulary has %llu tokens; ids are 32-bit, so at most %d are possible"),
                 (unsigned long long) tok->n_tokens, G_MAXINT32);
    return FALSE;
  }

  for (gsize i = 0; i < tok->n_tokens; i++) {
    gsize len;
    if (tokens[i] == NULL) {
      g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_INVALID, _("token %llu is missing (NULL)"),
                   (unsigned long long) i);
      return FALSE;
    }
    len = strlen (tokens[i]);
    if (!g_utf8_validate_len (tokens[i], len, NULL)) {
      g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_INVALID, _("token %llu is not valid UTF-8"),
                   (unsigned long long) i);
      return FALSE;
    }
    if (token_types != NULL && (token_types[i] < BN_TOKEN_TYPE_UNDEFINED || token_types[i] > BN_TOKEN_TYPE_BYTE)) {
      g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_INVALID,
                   _("token %llu ('%s') has type %d; token types are 0 to 6"), (unsigned long long) i, tokens[i],
                   token_types[i]);
      return FALSE;
    }
    pool_len += len + 1;
  }

  tok->text_pool = g_malloc (pool_len);
  tok->texts = g_new (char *, tok->n_tokens);
  tok->types = g_new (gint32, tok->n_tokens);
  tok->piece_offsets = g_new (gsize, tok->n_tokens + 1);
  tok->by_text = g_hash_table_new (g_str_hash, g_str_equal);

  for (gsize i = 0; i < tok->n_tokens; i++) {
    gsize len = strlen (tokens[i]);
    gpointer old;
    gboolean byte_level = TRUE;

    tok->texts[i] = memcpy (tok->text_pool + at, tokens[i], len + 1);
    at += len + 1;
    tok->types[i] = token_types != NULL ? token_types[i] : BN_TOKEN_TYPE_NORMAL;
    if (g_hash_table_lookup_extended (tok->by_text, tok->texts[i], NULL, &old)) {
      g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_INVALID, _("token %llu ('%s') repeats token %d"),
                   (unsigned long long) i, tok->texts[i], GPOINTER_TO_INT (old) - 1);
      return FALSE;
    }
    g_hash_table_insert (tok->by_text, tok->texts[i], GINT_TO_POINTER ((gint) i + 1));

    /* What the token decodes to: the bytes its characters stand for, or its
     * text itself for control and user-defined tokens and for tokens with
     * characters outside the byte alphabet. */
    tok->piece_offsets[i] = pieces->len;
    if (tok->types[i] != BN_TOKEN_TYPE_CONTROL && tok->types[i] != BN_TOKEN_TYPE_USER_DEFINED) {
      for (const char *p = tok->texts[i]; *p; p = g_utf8_next_char (p)) {
        int b = _bn_tokenizer_unichar_to_byte (g_utf8_get_char (p));
        if (b < 0) {
          byte_level = FALSE;
          g_byte_array_set_size (pieces, (guint) tok->piece_offsets[i]);
          break;
        }
        guint8 byte = (guint8) b;
        g_byte_array_append (pieces, &byte, 1);
      }
    } else {
      byte_level = FALSE;
    }
    if (!byte_level)
      g_byte_array_append (pieces, (const guint8 *) tok->texts[i], (guint) len);
  }
  tok->piece_offsets[tok->n_tokens] = pieces->len;
  tok->pieces = g_byte_array_free_to_bytes (g_steal_pointer (&pieces));
  return TRUE;
}

static gboolean
load_merges (BnTokenizer *tok, const char *const *merges, gsize n_merges, GError **error)
{
  g_autoptr (GString) joined = g_string_new (NULL);
  gsize want = 2 * n_merges + 1;

  if (n_merges == 0)
    return TRUE;
  if (merges == NULL || n_merges > G_MAXINT32) {
    g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_INVALID,
                 _("%llu merges were announced but cannot be read"), (unsigned long long) n_merges);
    return FALSE;
  }
  tok->pair_bits = 4;
  while (((gsize) 1 << tok->pair_bits) < want)
    tok->pair_bits++;
  tok->pairs = g_new (BnTokenizerPair, (gsize) 1 << tok->pair_bits);
  for (gsize i = 0; i < ((gsize) 1 << tok->pair_bits); i++)
    tok->pairs[i].rank = -1;

  for (gsize i = 0; i < n_merges; i++) {
    const char *m = merges[i], *space;
    g_autofree char *left_text = NULL;
    const char *right_text, *missing = NULL;
    gint32 left, right, result;
    const BnTokenizerPair *dup;

    if (m == NULL || !g_utf8_validate (m, -1, NULL)) {
      g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_INVALID,
                   _("merge %llu is missing or not valid UTF-8"), (unsigned long long) i);
      return FALSE;
    }
    /* As llama.cpp: the first space after the first byte separates the two
     * tokens, so that a token may itself be a space. */
    space = m[0] != '\0' ? strchr (m + 1, ' ') : NULL;
    if (space == NULL || space[1] == '\0') {
      g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_INVALID,
                   _("merge %llu ('%s') is not two tokens separated by a space"), (unsigned long long) i, m);
      return FALSE;
    }
    left_text = g_strndup (m, (gsize) (space - m));
    right_text = space + 1;
    g_string_assign (joined, left_text);
    g_string_append (joined, right_text);
    left = _bn_tokenizer_lookup_text (tok, left_text);
    right = _bn_tokenizer_lookup_text (tok, right_text);
    result = _bn_tokenizer_lookup_text (tok, joined->str);
    if (left < 0)
      missing = left_text;
    else if (right < 0)
      missing = right_text;
    else if (result < 0)
      missing = joined->str;
    if (missing != NULL) {
      gboolean special = g_hash_table_contains (tok->by_text, missing);
      g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_INVALID,
                   special ? _("merge %llu ('%s') refers to '%s', which is a special token")
                           : _("merge %llu ('%s') refers to '%s', which is not in the "
                                "vocabulary"),
                   (unsigned long long) i, m, missing);
      return FALSE;
    }
    dup = pair_insert (tok, left, right, (gint32) i, result);
    if (dup != NULL) {
      g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_INVALID, _("merge %llu ('%s') repeats merge %d"),
                   (unsigned long long) i, m, dup->rank);
      return FALSE;
    }
  }
  tok->n_merges = n_merges;
  return TRUE;
}

static const char *
pre_name (const char *pre, gboolean *llama3)
{
  static const char *const llama3_names[] = { "llama-bpe", "llama3", "llama-v3" };

  *llama3 = FALSE;
  if (pre == NULL || *pre == '\0' || g_str_equal (pre, "default"))
    return "default";
  if (g_str_equal (pre, "gpt2") || g_str_equal (pre, "gpt-2"))
    return "gpt2";
  for (guint i = 0; i < G_N_ELEMENTS (llama3_names); i++) {
    if (g_str_equal (pre, llama3_names[i])) {
      *llama3 = TRUE;
      return "llama3";
    }
  }
  g_debug ("pre-tokenizer '%s' is not known; using the default (GPT-2) expression", pre);
  return "default";
}

/**
 * bn_tokenizer_new:
 * @model: the tokenizer model, the GGUF value `tokenizer.ggml.model`:
 *   `gpt2` (byte-level BPE) or `none` (no vocabulary)
 * @pre: (nullable): the pre-tokenizer, `tokenizer.ggml.pre`: `llama-bpe`
 *   (also spelt `llama3`) or `gpt2`; %NULL or any other name means
 *   `default`, which uses GPT-2's expression
 * @tokens: (array length=n_tokens) (nullable): the vocabulary,
 *   `tokenizer.ggml.tokens`, in the byte-level alphabet; ignored for `none`
 * @n_tokens: the number of tokens; for `none`, the number of ids (0 if not
 *   known: every id is then accepted)
 * @token_types: (array length=n_tokens) (nullable): the #BnTokenType of
 *   each token, `tokenizer.ggml.token_type`; %NULL makes every token
 *   %BN_TOKEN_TYPE_NORMAL
 * @merges: (array length=n_merges) (nullable): the merges,
 *   `tokenizer.ggml.merges`, highest priority first, each two tokens
 *   separated by one space
 * @n_merges: the number of merges
 * @bos_id: the beginning-of-sequence token, or -1 for none
 * @eos_id: the end-of-sequence token, or -1 for none
 * @error: return location for a #GError
 *
 * Builds a tokenizer and checks that what it is given is consistent: no
 * token appears twice, every token type is known, every merge names two
 * ordinary tokens whose concatenation is a token, no merge appears twice,
 * and @bos_id and @eos_id are in the vocabulary.
 *
 * The special tokens of the tokenizer are the tokens of type
 * %BN_TOKEN_TYPE_CONTROL and the BOS and EOS tokens whatever their type.
 * All data is copied.
 *
 * Returns: (transfer full) (nullable): the tokenizer, or %NULL with @error
 *   set (%BN_TOKENIZER_ERROR_UNSUPPORTED for a model other than `gpt2` or
 *   `none`, %BN_TOKENIZER_ERROR_INVALID otherwise).
 *
 * Since: 0.1
 */
BnTokenizer *
bn_tokenizer_new (const char *model, const char *pre, const char *const *tokens, gsize n_tokens,
                  const gint32 *token_types, const char *const *merges, gsize n_merges, gint32 bos_id, gint32 eos_id,
                  GError **error)
{
  g_autoptr (BnTokenizer) tok = NULL;
  gboolean llama3;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (model == NULL) {
    g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_INVALID,
                 _("no tokenizer model was given (tokenizer.ggml.model is missing)"));
    return NULL;
  }
  if (g_str_equal (model, "llama")) {
    g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_UNSUPPORTED,
                 _("tokenizer model 'llama' (SentencePiece) is not supported; supported "
                    "models are 'gpt2' (byte-level BPE) and 'none'"));
    return NULL;
  }
  if (!g_str_equal (model, "gpt2") && !g_str_equal (model, "none")) {
    g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_UNSUPPORTED,
                 _("tokenizer model '%s' is not supported; supported models are 'gpt2' "
                    "(byte-level BPE) and 'none'"),
                 model);
    return NULL;
  }

  tok = g_new0 (BnTokenizer, 1);
  g_atomic_ref_count_init (&tok->ref_count);
  tok->n_tokens = n_tokens;
  tok->bos = -1;
  tok->eos = -1;
  for (guint b = 0; b < 256; b++)
    tok->byte_token[b] = -1;

  if (!check_special_id (tok, "BOS", bos_id, error) || !check_special_id (tok, "EOS", eos_id, error))
    return NULL;
  tok->bos = bos_id;
  tok->eos = eos_id;

  if (g_str_equal (model, "none")) {
    if (n_tokens > G_MAXINT32) {
      g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_INVALID,
                   _("the vocabulary has %llu tokens; ids are 32-bit, so at most %d are "
                      "possible"),
                   (unsigned long long) n_tokens, G_MAXINT32);
      return NULL;
    }
    tok->model = BN_TOKENIZER_MODEL_NONE;
    tok->pre = "default";
    return g_steal_pointer (&tok);
  }

  tok->model = BN_TOKENIZER_MODEL_GPT2;
  tok->pre = pre_name (pre, &llama3);
  tok->ignore_merges = llama3;
  if (!load_tokens (tok, tokens, token_types, error) || !load_merges (tok, merges, n_merges, error))
    return NULL;

  for (guint b = 0; b < 256; b++) {
    char buf[8] = { 0 };
    g_unichar_to_utf8 (_bn_tokenizer_byte_to_unichar ((guint8) b), buf);
    tok->byte_token[b] = _bn_tokenizer_lookup_text (tok, buf);
  }
  tok->regex = _bn_tokenizer_regex_new (llama3 ? BN_TOKENIZER_PATTERN_LLAMA3 : BN_TOKENIZER_PATTERN_GPT2);
  return g_steal_pointer (&tok);
}

/* ---- decoding ----------------------------------------------------------- */

static gboolean
check_id (BnTokenizer *tok, gint32 id, GError **error)
{
  if (id >= 0 && (tok->n_tokens == 0 || (gsize) id < tok->n_tokens))
    return TRUE;
  g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_UNKNOWN_TOKEN,
               _("token id %d is outside the vocabulary of %llu tokens"), id, (unsigned long long) tok->n_tokens);
  return FALSE;
}

static void
append_piece (BnTokenizer *tok, GByteArray *out, gint32 id)
{
  if (tok->model == BN_TOKENIZER_MODEL_NONE) {
    char buf[16];
    int n = g_snprintf (buf, sizeof buf, "<%d>", id);
    g_byte_array_append (out, (const guint8 *) buf, (guint) n);
  } else {
    const guint8 *data = g_bytes_get_data (tok->pieces, NULL);
    gsize start = tok->piece_offsets[id], end = tok->piece_offsets[id + 1];
    if (end > start)
      g_byte_array_append (out, data + start, (guint) (end - start));
  }
}

/**
 * bn_tokenizer_decode_bytes:
 * @tokenizer: a tokenizer
 * @ids: (array length=n_ids): token ids
 * @n_ids: the number of ids
 * @skip_special: whether to leave out special tokens (control tokens, BOS
 *   and EOS)
 * @error: return location for a #GError
 *
 * Decodes token ids into the bytes they stand for. The result is not
 * always valid UTF-8: ids that end inside a character leave the start of
 * that character. Special tokens that are kept decode to their text, such
 * as `<|end_of_text|>`. With model `none`, each id is written `<id>`.
 *
 * Returns: (transfer full) (nullable): the bytes, or %NULL with @error set
 *   (%BN_TOKENIZER_ERROR_UNKNOWN_TOKEN) if an id is outside the vocabulary.
 *
 * Since: 0.1
 */
GBytes *
bn_tokenizer_decode_bytes (BnTokenizer *tokenizer, const gint32 *ids, gsize n_ids, gboolean skip_special,
                           GError **error)
{
  g_autoptr (GByteArray) out = NULL;

  g_return_val_if_fail (tokenizer != NULL, NULL);
  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  out = g_byte_array_sized_new ((guint) MIN (n_ids * 4, G_MAXUINT / 2));
  for (gsize i = 0; i < n_ids; i++) {
    if (!check_id (tokenizer, ids[i], error))
      return NULL;
    if (skip_special && _bn_tokenizer_is_special (tokenizer, ids[i]))
      continue;
    append_piece (tokenizer, out, ids[i]);
  }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/**
 * bn_tokenizer_decode:
 * @tokenizer: a tokenizer
 * @ids: (array length=n_ids): token ids
 * @n_ids: the number of ids
 * @skip_special: whether to leave out special tokens (control tokens, BOS
 *   and EOS)
 * @error: return location for a #GError
 *
 * Decodes token ids into text, as bn_tokenizer_decode_bytes() does, then
 * makes the result valid UTF-8: each invalid sequence (and each NUL byte)
 * becomes U+FFFD. Use bn_tokenizer_decode_bytes() to get the exact bytes.
 *
 * Returns: (transfer full) (nullable): the text, valid UTF-8, or %NULL with
 *   @error set if an id is outside the vocabulary.
 *
 * Since: 0.1
 */
char *
bn_tokenizer_decode (BnTokenizer *tokenizer, const gint32 *ids, gsize n_ids, gboolean skip_special, GError **error)
{
  g_autoptr (GBytes) bytes = bn_tokenizer_decode_bytes (tokenizer, ids, n_ids, skip_special, error);
  gsize len;
  const char *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  return g_utf8_make_valid (data != NULL ? data : "", (gssize) len);
}

/**
 * bn_tokenizer_token_to_piece:
 * @tokenizer: a tokenizer
 * @id: a token id
 * @error: return location for a #GError
 *
 * Gives the bytes one token decodes to, for printing tokens as they are
 * generated. A special token gives its text; with model `none`, `<id>`.
 *
 * Returns: (transfer full) (nullable): the bytes, or %NULL with @error set
 *   (%BN_TOKENIZER_ERROR_UNKNOWN_TOKEN) if @id is outside the vocabulary.
 *
 * Since: 0.1
 */
GBytes *
bn_tokenizer_token_to_piece (BnTokenizer *tokenizer, gint32 id, GError **error)
{
  g_return_val_if_fail (tokenizer != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_id (tokenizer, id, error))
    return NULL;
  if (tokenizer->model == BN_TOKENIZER_MODEL_NONE) {
    char *s = g_strdup_printf ("<%d>", id);
    return g_bytes_new_take (s, strlen (s));
  }
  return g_bytes_new_from_bytes (tokenizer->pieces, tokenizer->piece_offsets[id],
                                 tokenizer->piece_offsets[id + 1] - tokenizer->piece_offsets[id]);
}

/* ---- accessors ---------------------------------------------------------- */

/**
 * bn_tokenizer_get_model:
 * @tokenizer: a tokenizer
 *
 * Gives the tokenizer model.
 *
 * Returns: `gpt2` or `none`.
 *
 * Since: 0.1
 */
const char *
bn_tokenizer_get_model (BnTokenizer *tokenizer)
{
  g_return_val_if_fail (tokenizer != NULL, NULL);
  return tokenizer->model == BN_TOKENIZER_MODEL_NONE ? "none" : "gpt2";
}

/**
 * bn_tokenizer_get_pre:
 * @tokenizer: a tokenizer
 *
 * Gives the pre-tokenizer in use, which may differ from the name given to
 * bn_tokenizer_new(): `llama3` (for `llama-bpe`, `llama3` and `llama-v3`),
 * `gpt2`, or `default` (GPT-2's expression, for any other name).
 *
 * Returns: the name of the pre-tokenizer.
 *
 * Since: 0.1
 */
const char *
bn_tokenizer_get_pre (BnTokenizer *tokenizer)
{
  g_return_val_if_fail (tokenizer != NULL, NULL);
  return tokenizer->pre;
}

/**
 * bn_tokenizer_get_n_tokens:
 * @tokenizer: a tokenizer
 *
 * Gives the size of the vocabulary (for model `none`, the number of ids
 * given at creation, possibly 0).
 *
 * Returns: the number of tokens.
 *
 * Since: 0.1
 */
gsize
bn_tokenizer_get_n_tokens (BnTokenizer *tokenizer)
{
  g_return_val_if_fail (tokenizer != NULL, 0);
  return tokenizer->n_tokens;
}

/**
 * bn_tokenizer_get_n_merges:
 * @tokenizer: a tokenizer
 *
 * Gives the number of merges.
 *
 * Returns: the number of merges.
 *
 * Since: 0.1
 */
gsize
bn_tokenizer_get_n_merges (BnTokenizer *tokenizer)
{
  g_return_val_if_fail (tokenizer != NULL, 0);
  return tokenizer->n_merges;
}

/**
 * bn_tokenizer_get_bos:
 * @tokenizer: a tokenizer
 *
 * Gives the beginning-of-sequence token.
 *
 * Returns: its id, or -1 if there is none.
 *
 * Since: 0.1
 */
gint32
bn_tokenizer_get_bos (BnTokenizer *tokenizer)
{
  g_return_val_if_fail (tokenizer != NULL, -1);
  return tokenizer->bos;
}

/**
 * bn_tokenizer_get_eos:
 * @tokenizer: a tokenizer
 *
 * Gives the end-of-sequence token.
 *
 * Returns: its id, or -1 if there is none.
 *
 * Since: 0.1
 */
gint32
bn_tokenizer_get_eos (BnTokenizer *tokenizer)
{
  g_return_val_if_fail (tokenizer != NULL, -1);
  return tokenizer->eos;
}

/**
 * bn_tokenizer_get_token_text:
 * @tokenizer: a tokenizer
 * @id: a token id
 *
 * Gives a token as the vocabulary writes it, in the byte-level alphabet
 * (` the` is `Ġthe`).
 *
 * Returns: (nullable): the text, owned by @tokenizer, or %NULL if @id is
 *   outside the vocabulary or the model is `none`.
 *
 * Since: 0.1
 */
const char *
bn_tokenizer_get_token_text (BnTokenizer *tokenizer, gint32 id)
{
  g_return_val_if_fail (tokenizer != NULL, NULL);
  if (tokenizer->texts == NULL || id < 0 || (gsize) id >= tokenizer->n_tokens)
    return NULL;
  return tokenizer->texts[id];
}

/**
 * bn_tokenizer_get_token_type:
 * @tokenizer: a tokenizer
 * @id: a token id
 *
 * Gives the type of a token. Without token types, tokens are
 * %BN_TOKEN_TYPE_NORMAL.
 *
 * Returns: the type, or %BN_TOKEN_TYPE_UNDEFINED if @id is outside the
 *   vocabulary or the model is `none`.
 *
 * Since: 0.1
 */
BnTokenType
bn_tokenizer_get_token_type (BnTokenizer *tokenizer, gint32 id)
{
  g_return_val_if_fail (tokenizer != NULL, BN_TOKEN_TYPE_UNDEFINED);
  if (tokenizer->types == NULL || id < 0 || (gsize) id >= tokenizer->n_tokens)
    return BN_TOKEN_TYPE_UNDEFINED;
  return (BnTokenType) tokenizer->types[id];
}

/**
 * bn_tokenizer_find_token:
 * @tokenizer: a tokenizer
 * @text: a token as the vocabulary writes it, e.g. `<|eot_id|>` or `Ġthe`
 *
 * Looks a token up by its text, special tokens included.
 *
 * Returns: its id, or -1 if no token has this text.
 *
 * Since: 0.1
 */
gint32
bn_tokenizer_find_token (BnTokenizer *tokenizer, const char *text)
{
  g_return_val_if_fail (tokenizer != NULL, -1);
  g_return_val_if_fail (text != NULL, -1);
  if (tokenizer->by_text == NULL)
    return -1;
  return GPOINTER_TO_INT (g_hash_table_lookup (tokenizer->by_text, text)) - 1;
}

/**
 * bn_tokenizer_is_special:
 * @tokenizer: a tokenizer
 * @id: a token id
 *
 * Tells whether a token is special: a control token, or the BOS or EOS
 * token. Special tokens are never produced by bn_tokenizer_encode() from
 * text, and decoding leaves them out when asked to.
 *
 * Returns: %TRUE if @id is a special token; %FALSE otherwise, and for ids
 *   outside the vocabulary.
 *
 * Since: 0.1
 */
gboolean
bn_tokenizer_is_special (BnTokenizer *tokenizer, gint32 id)
{
  g_return_val_if_fail (tokenizer != NULL, FALSE);
  return _bn_tokenizer_is_special (tokenizer, id);
}
