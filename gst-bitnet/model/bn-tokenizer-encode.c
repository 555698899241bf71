/* gst-bitnet: tokenizer encoding: pre-tokenizer, byte alphabet, BPE merges
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-tokenizer-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#undef G_LOG_DOMAIN
#define G_LOG_DOMAIN "bn-tokenizer"

/* ---- the byte-level alphabet ------------------------------------------ */

/* GPT-2's table: the bytes 0x21..0x7e, 0xa1..0xac and 0xae..0xff stand for
 * themselves; the 68 others, in byte order, take U+0100 onwards. */
gunichar
_bn_tokenizer_byte_to_unichar (guint8 byte)
{
  if ((byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || byte >= 0xae)
    return byte;
  if (byte <= 0x20)
    return 0x100 + byte;
  if (byte <= 0xa0)
    return 0x100 + 0x21 + (byte - 0x7f);
  return 0x100 + 0x21 + 0x22; /* 0xad */
}

/* The inverse: the byte a character stands for, or -1. */
int
_bn_tokenizer_unichar_to_byte (gunichar c)
{
  if ((c >= 0x21 && c <= 0x7e) || (c >= 0xa1 && c <= 0xac) || (c >= 0xae && c <= 0xff))
    return (int) c;
  if (c >= 0x100 && c <= 0x120)
    return (int) (c - 0x100);
  if (c >= 0x121 && c <= 0x142)
    return (int) (c - 0x121 + 0x7f);
  if (c == 0x143)
    return 0xad;
  return -1;
}

/* ---- pre-tokenizer ------------------------------------------------------ */

GRegex *
_bn_tokenizer_regex_new (const char *pattern)
{
  g_autoptr (GError) error = NULL;
  GRegex *regex = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, &error);

  /* The patterns are constants (bn-tokenizer-private.h): failing to compile one is a
   * bug or a GLib built without Unicode properties. */
  if (regex == NULL)
    g_error ("cannot compile the pre-tokenizer expression: %s", error->message);
  return regex;
}

/* Length of the UTF-8 character at @p (NUL counts as a character), or 0 if
 * the bytes there are not valid UTF-8. */
static gsize
utf8_char_len (const char *p, gsize max)
{
  guint8 b = (guint8) *p;
  gunichar c;

  if (b < 0x80)
    return 1;
  c = g_utf8_get_char_validated (p, (gssize) max);
  if (c == (gunichar) -1 || c == (gunichar) -2)
    return 0;
  return (gsize) g_utf8_skip[b];
}

/* Where the bytes that are not UTF-8 were replaced by U+FFFD (3 bytes) in
 * the cleaned copy of a text, to map offsets in the copy back to the text.
 * Offsets are asked for in increasing order, so a cursor is enough. */
typedef struct {
  GArray *replaced; /* guint32 offsets in the copy, increasing */
  guint cursor;
} OffsetMap;

static gsize
text_offset (OffsetMap *map, gsize clean_offset)
{
  if (map->replaced == NULL)
    return clean_offset;
  while (map->cursor < map->replaced->len && g_array_index (map->replaced, guint32, map->cursor) < clean_offset)
    map->cursor++;
  return clean_offset - 2 * (gsize) map->cursor;
}

/* _bn_tokenizer_split:
 *
 * Cuts @text into words with @regex and calls @func on each, in order.
 * The words cover the text exactly: text between matches (which the
 * supported patterns never leave) is a word of its own.
 *
 * PCRE needs valid UTF-8, so each byte that is not part of a valid
 * character is matched as U+FFFD (a symbol, as llama.cpp reads it) in a
 * cleaned copy, and the words handed to @func are mapped back to the
 * original bytes.
 */
gboolean
_bn_tokenizer_split (GRegex *regex, const char *text, gsize len, BnTokenizerWordFunc func, gpointer user_data,
                     GError **error)
{
  g_autoptr (GMatchInfo) match = NULL;
  g_autoptr (GString) clean = NULL;
  g_autoptr (GArray) replaced = NULL;
  g_autoptr (GError) local_error = NULL;
  OffsetMap map = { NULL, 0 };
  const char *subject = text;
  gsize subject_len = len, last = 0, at, start, end;

  if (len == 0)
    return TRUE;
  if (len > G_MAXINT / 4) {
    g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_INVALID,
                 _("the text is %llu bytes long; the tokenizer takes at most %d bytes at once"),
                 (unsigned long long) len, G_MAXINT / 4);
    return FALSE;
  }

  /* g_utf8_validate_len() also refuses NUL bytes, which are valid here:
   * they take the slow path, and are copied as they are. */
  if (!g_utf8_validate_len (text, len, NULL)) {
    clean = g_string_sized_new (len + 16);
    replaced = g_array_new (FALSE, FALSE, sizeof (guint32));
    for (gsize i = 0; i < len;) {
      gsize n = utf8_char_len (text + i, len - i);
      if (n > 0) {
        g_string_append_len (clean, text + i, (gssize) n);
        i += n;
      } else {
        guint32 offset = (guint32) clean->len;
        g_array_append_val (replaced, offset);
        g_string_append (clean, "\xef\xbf\xbd");
        i++;
      }
    }
    subject = clean->str;
    subject_len = clean->len;
    map.replaced = replaced;
  }

  g_regex_match_full (regex, subject, (gssize) subject_len, 0, 0, &match, &local_error);
  while (local_error == NULL && g_match_info_matches (match)) {
    int s, e;
    g_match_info_fetch_pos (match, 0, &s, &e);
    at = text_offset (&map, last);
    start = text_offset (&map, (gsize) s);
    end = text_offset (&map, (gsize) e);
    if (start > at && !func (text + at, start - at, user_data, error))
      return FALSE;
    if (end > start && !func (text + start, end - start, user_data, error))
      return FALSE;
    last = (gsize) e;
    g_match_info_next (match, &local_error);
  }
  at = text_offset (&map, last);
  if (local_error != NULL) {
    g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_INVALID, _("the pre-tokenizer failed at byte %llu: %s"),
                 (unsigned long long) at, local_error->message);
    return FALSE;
  }
  if (at < len && !func (text + at, len - at, user_data, error))
    return FALSE;
  return TRUE;
}

/* ---- merges ---------------------------------------------------------- */

static const BnTokenizerPair *
pair_lookup (const BnTokenizer *tok, gint32 left, gint32 right)
{
  guint64 key = _bn_tokenizer_pair_key (left, right);
  gsize mask = ((gsize) 1 << tok->pair_bits) - 1;

  if (tok->pairs == NULL)
    return NULL;
  for (gsize i = _bn_tokenizer_pair_slot (tok, key);; i = (i + 1) & mask) {
    const BnTokenizerPair *s = &tok->pairs[i];
    if (s->rank < 0)
      return NULL;
    if (s->key == key)
      return s;
  }
}

/* ---- encoding ----------------------------------------------------------- */

typedef struct {
  gint32 rank;
  gint32 pos;  /* of the left symbol */
  gint32 left; /* the ids the pair had when queued */
  gint32 right;
  gint32 result;
} Candidate;

typedef struct {
  BnTokenizer *tok;
  GArray *out;
  GArray *ids;  /* gint32 per symbol; -1 once merged away */
  GArray *next; /* gint32 */
  GArray *prev; /* gint32 */
  GArray *heap; /* Candidate */
  GString *text;
} Encoder;

static inline gboolean
candidate_before (const Candidate *a, const Candidate *b)
{
  return a->rank < b->rank || (a->rank == b->rank && a->pos < b->pos);
}

static void
heap_push (GArray *heap, const Candidate *c)
{
  Candidate *h;
  guint i;

  g_array_append_vals (heap, c, 1);
  h = (Candidate *) (void *) heap->data;
  for (i = heap->len - 1; i > 0;) {
    guint parent = (i - 1) / 2;
    Candidate tmp;
    if (!candidate_before (&h[i], &h[parent]))
      break;
    tmp = h[i];
    h[i] = h[parent];
    h[parent] = tmp;
    i = parent;
  }
}

static Candidate
heap_pop (GArray *heap)
{
  Candidate *h = (Candidate *) (void *) heap->data;
  Candidate top = h[0];
  guint n = heap->len - 1, i = 0;

  h[0] = h[n];
  g_array_set_size (heap, n);
  for (;;) {
    guint l = 2 * i + 1, r = l + 1, best = i;
    Candidate tmp;
    if (l < n && candidate_before (&h[l], &h[best]))
      best = l;
    if (r < n && candidate_before (&h[r], &h[best]))
      best = r;
    if (best == i)
      break;
    tmp = h[i];
    h[i] = h[best];
    h[best] = tmp;
    i = best;
  }
  return top;
}

static void
queue_pair (Encoder *e, gint32 pos)
{
  gint32 *ids = (gint32 *) (void *) e->ids->data;
  gint32 nx;
  const BnTokenizerPair *s;
  Candidate c;

  if (pos < 0)
    return;
  nx = g_array_index (e->next, gint32, pos);
  if (nx < 0)
    return;
  s = pair_lookup (e->tok, ids[pos], ids[nx]);
  if (s == NULL)
    return;
  c.rank = s->rank;
  c.pos = pos;
  c.left = ids[pos];
  c.right = ids[nx];
  c.result = s->result;
  heap_push (e->heap, &c);
}

/* Applies the merges to one word, as Hugging Face tokenizers and llama.cpp
 * do: repeatedly merge the adjacent pair of lowest rank, the leftmost one
 * among equals. */
static gboolean
encode_word (const char *word, gsize len, gpointer user_data, GError **error)
{
  Encoder *e = user_data;
  BnTokenizer *tok = e->tok;
  gint32 *ids, *next, *prev;
  gint32 n = (gint32) len;

  for (gsize i = 0; i < len; i++) {
    if (tok->byte_token[(guint8) word[i]] < 0) {
      g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_UNKNOWN_TOKEN,
                   _("byte 0x%02x of the text has no token in the vocabulary"), (guint) (guint8) word[i]);
      return FALSE;
    }
  }
  if (len == 1) {
    g_array_append_val (e->out, tok->byte_token[(guint8) word[0]]);
    return TRUE;
  }
  if (tok->ignore_merges) {
    gint32 id;
    g_string_truncate (e->text, 0);
    for (gsize i = 0; i < len; i++)
      g_string_append_unichar (e->text, _bn_tokenizer_byte_to_unichar ((guint8) word[i]));
    id = _bn_tokenizer_lookup_text (tok, e->text->str);
    if (id >= 0) {
      g_array_append_val (e->out, id);
      return TRUE;
    }
  }

  g_array_set_size (e->ids, (guint) len);
  g_array_set_size (e->next, (guint) len);
  g_array_set_size (e->prev, (guint) len);
  g_array_set_size (e->heap, 0);
  ids = (gint32 *) (void *) e->ids->data;
  next = (gint32 *) (void *) e->next->data;
  prev = (gint32 *) (void *) e->prev->data;
  for (gint32 i = 0; i < n; i++) {
    ids[i] = tok->byte_token[(guint8) word[i]];
    next[i] = i + 1 < n ? i + 1 : -1;
    prev[i] = i - 1;
  }
  for (gint32 i = 0; i + 1 < n; i++)
    queue_pair (e, i);

  while (e->heap->len > 0) {
    Candidate c = heap_pop (e->heap);
    gint32 r = next[c.pos];
    if (ids[c.pos] != c.left || r < 0 || ids[r] != c.right)
      continue; /* stale: one of the symbols has changed since */
    ids[c.pos] = c.result;
    ids[r] = -1;
    next[c.pos] = next[r];
    if (next[r] >= 0)
      prev[next[r]] = c.pos;
    queue_pair (e, prev[c.pos]);
    queue_pair (e, c.pos);
  }

  for (gint32 i = 0; i >= 0; i = next[i])
    g_array_append_val (e->out, ids[i]);
  return TRUE;
}

/**
 * bn_tokenizer_encode:
 * @tokenizer: a tokenizer
 * @text: (array length=len) (element-type guint8): the text; any bytes,
 *   UTF-8 or not
 * @len: the length of @text in bytes, or -1 if it is NUL-terminated
 * @add_bos: whether to start with the BOS token
 * @out_ids: (element-type gint32): an array of #gint32 the token ids are
 *   appended to
 * @error: return location for a #GError
 *
 * Encodes text into token ids. Text that is not valid UTF-8 is encoded
 * byte by byte, so that decoding gives it back exactly. Special tokens are
 * never produced from text: `<|begin_of_text|>` in @text is encoded as the
 * ordinary characters it is made of.
 *
 * On error @out_ids may hold part of the ids.
 *
 * Returns: %TRUE on success; %FALSE with @error set for a tokenizer without
 *   vocabulary (%BN_TOKENIZER_ERROR_NO_VOCABULARY), @add_bos without a BOS
 *   token (%BN_TOKENIZER_ERROR_NO_BOS), or a byte the vocabulary cannot
 *   express (%BN_TOKENIZER_ERROR_UNKNOWN_TOKEN).
 *
 * Since: 0.1
 */
gboolean
bn_tokenizer_encode (BnTokenizer *tokenizer, const char *text, gssize len, gboolean add_bos, GArray *out_ids,
                     GError **error)
{
  Encoder e = { 0 };
  gboolean ok;

  g_return_val_if_fail (tokenizer != NULL, FALSE);
  g_return_val_if_fail (text != NULL || len == 0, FALSE);
  g_return_val_if_fail (out_ids != NULL, FALSE);
  g_return_val_if_fail (g_array_get_element_size (out_ids) == sizeof (gint32), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (tokenizer->model == BN_TOKENIZER_MODEL_NONE) {
    g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_NO_VOCABULARY,
                 _("the model has no vocabulary (tokenizer model 'none'): text cannot be "
                    "encoded; give token ids instead"));
    return FALSE;
  }
  if (add_bos) {
    if (tokenizer->bos < 0) {
      g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_NO_BOS,
                   _("a BOS token was asked for, but the vocabulary has none"));
      return FALSE;
    }
    g_array_append_val (out_ids, tokenizer->bos);
  }
  if (len < 0)
    len = (gssize) strlen (text);

  e.tok = tokenizer;
  e.out = out_ids;
  e.ids = g_array_new (FALSE, FALSE, sizeof (gint32));
  e.next = g_array_new (FALSE, FALSE, sizeof (gint32));
  e.prev = g_array_new (FALSE, FALSE, sizeof (gint32));
  e.heap = g_array_new (FALSE, FALSE, sizeof (Candidate));
  e.text = g_string_new (NULL);
  ok = _bn_tokenizer_split (tokenizer->regex, text, (gsize) len, encode_word, &e, error);
  g_array_unref (e.ids);
  g_array_unref (e.next);
  g_array_unref (e.prev);
  g_array_unref (e.heap);
  g_string_free (e.text, TRUE);
  return ok;
}
