/* Tests of BnTokenizer: hand-checked encodings with a tiny vocabulary, round
 * trips, special tokens, errors, and the vocabulary generator. */
#ifndef BN_COMPILATION
#define BN_COMPILATION /* this header alone, without the rest of the library */
#endif
#include <gst-bitnet/model/model.h>

#include <string.h>

/* ---- a tiny hand-made vocabulary ------------------------------------- */

/* GPT-2's byte alphabet, written independently of the library: the
 * printable bytes keep their code point, the others get U+0100 onwards in
 * byte order. */
static gunichar
byte_char (guint b)
{
  guint n = 0;
  for (guint x = 0; x < 256; x++) {
    gboolean printable = (x >= '!' && x <= '~') || (x >= 0xa1 && x <= 0xac) || x >= 0xae;
    if (x == b)
      return printable ? x : 0x100 + n;
    if (!printable)
      n++;
  }
  g_assert_not_reached ();
}

/* Ids 0..255 are the bytes; then the results of the merges below, in
 * order; then the extra tokens. */
static const char *const tiny_merges[] = {
  "Ġ t",   /* 256 Ġt */
  "h e",   /* 257 he */
  "Ġt he", /* 258 Ġthe */
  "a t",   /* 259 at */
  "Ġ c",   /* 260 Ġc */
  "Ġc at", /* 261 Ġcat */
  "l l",   /* 262 ll */
  "he ll", /* 263 hell */
  "o r",   /* 264 or */
  "Ġ w",   /* 265 Ġw */
  "Ġw or", /* 266 Ġwor */
  "1 2",   /* 267 12 */
  "12 3",  /* 268 123 */
  "o n",   /* 269 on */
  "d on",  /* 270 don */
  "' t",   /* 271 't */
  "Ċ Ċ",   /* 272 ĊĊ */
};

enum {
  T_GT = 256,
  T_HE,
  T_GTHE,
  T_AT,
  T_GC,
  T_GCAT,
  T_LL,
  T_HELL,
  T_OR,
  T_GW,
  T_GWOR,
  T_12,
  T_123,
  T_ON,
  T_DON,
  T_APOS_T,
  T_NLNL,
  T_GHELLO, /* 273: a token no merge leads to */
  T_BOS,    /* 274 <|begin_of_text|> */
  T_EOS,    /* 275 <|end_of_text|> */
  T_BANGS,  /* 276 "!!", a control token */
  N_TINY
};

typedef struct {
  GPtrArray *tokens;
  GArray *types;
} Tiny;

static void
tiny_clear (Tiny *t)
{
  g_ptr_array_unref (t->tokens);
  g_array_unref (t->types);
}

static void
tiny_add (Tiny *t, const char *text, gint32 type)
{
  g_ptr_array_add (t->tokens, g_strdup (text));
  g_array_append_val (t->types, type);
}

static Tiny
tiny_vocab (void)
{
  Tiny t = { g_ptr_array_new_with_free_func (g_free), g_array_new (FALSE, FALSE, sizeof (gint32)) };

  for (guint b = 0; b < 256; b++) {
    char buf[8] = { 0 };
    g_unichar_to_utf8 (byte_char (b), buf);
    tiny_add (&t, buf, BN_TOKEN_TYPE_NORMAL);
  }
  for (guint i = 0; i < G_N_ELEMENTS (tiny_merges); i++) {
    g_auto (GStrv) parts = g_strsplit (tiny_merges[i], " ", 2);
    g_autofree char *joined = g_strconcat (parts[0], parts[1], NULL);
    tiny_add (&t, joined, BN_TOKEN_TYPE_NORMAL);
  }
  tiny_add (&t, "Ġhello", BN_TOKEN_TYPE_NORMAL);
  tiny_add (&t, "<|begin_of_text|>", BN_TOKEN_TYPE_CONTROL);
  tiny_add (&t, "<|end_of_text|>", BN_TOKEN_TYPE_CONTROL);
  tiny_add (&t, "!!", BN_TOKEN_TYPE_CONTROL);
  g_assert_cmpuint (t.tokens->len, ==, N_TINY);
  return t;
}

static BnTokenizer *
tiny_tokenizer (const char *pre)
{
  g_autoptr (GError) error = NULL;
  Tiny t = tiny_vocab ();
  BnTokenizer *tok = bn_tokenizer_new ("gpt2", pre, (const char *const *) t.tokens->pdata, t.tokens->len,
                                       (const gint32 *) (void *) t.types->data, tiny_merges, G_N_ELEMENTS (tiny_merges),
                                       T_BOS, T_EOS, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tok);
  tiny_clear (&t);
  return tok;
}

/* Encodes @len bytes of @text and compares with the -1-terminated @expect;
 * then checks that decoding gives the bytes back. */
static void
check_encode_len (BnTokenizer *tok, const char *text, gssize len, gboolean add_bos, const gint32 *expect)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr (GBytes) back = NULL;
  gsize n_expect = 0, back_len;
  const char *back_data;

  if (len < 0)
    len = (gssize) strlen (text);
  g_assert_true (bn_tokenizer_encode (tok, text, len, add_bos, ids, &error));
  g_assert_no_error (error);
  while (expect[n_expect] >= 0)
    n_expect++;
  g_assert_cmpmem (ids->data, ids->len * sizeof (gint32), expect, n_expect * sizeof (gint32));

  back = bn_tokenizer_decode_bytes (tok, (const gint32 *) (void *) ids->data, ids->len, TRUE, &error);
  g_assert_no_error (error);
  back_data = g_bytes_get_data (back, &back_len);
  g_assert_cmpmem (back_data, back_len, text, (gsize) len);
}

#define CHECK(tok, text, ...) check_encode_len ((tok), (text), -1, FALSE, (const gint32[]){ __VA_ARGS__, -1 })

static void
test_byte_alphabet (void)
{
  g_autoptr (BnTokenizer) tok = tiny_tokenizer ("llama-bpe");

  /* Known fixed points of GPT-2's table. */
  g_assert_cmpuint (byte_char (' '), ==, 0x120);
  g_assert_cmpuint (byte_char ('\n'), ==, 0x10a);
  g_assert_cmpuint (byte_char (0x7f), ==, 0x121);
  g_assert_cmpuint (byte_char (0xad), ==, 0x143);
  g_assert_cmpuint (byte_char ('A'), ==, 'A');

  /* Every single byte is its own token, and decodes to itself. */
  for (guint b = 0; b < 256; b++) {
    char text[1] = { (char) b };
    gint32 expect[] = { (gint32) b, -1 };
    g_autoptr (GBytes) piece = bn_tokenizer_token_to_piece (tok, (gint32) b, NULL);
    check_encode_len (tok, text, 1, FALSE, expect);
    g_assert_cmpmem (g_bytes_get_data (piece, NULL), g_bytes_get_size (piece), text, 1);
  }
}

static void
test_encode_words (void)
{
  g_autoptr (BnTokenizer) tok = tiny_tokenizer ("llama-bpe");

  g_assert_cmpstr (bn_tokenizer_get_model (tok), ==, "gpt2");
  g_assert_cmpstr (bn_tokenizer_get_pre (tok), ==, "llama3");
  g_assert_cmpuint (bn_tokenizer_get_n_tokens (tok), ==, N_TINY);
  g_assert_cmpuint (bn_tokenizer_get_n_merges (tok), ==, G_N_ELEMENTS (tiny_merges));

  /* "the": t h e -> t he (no merge joins t and he) */
  CHECK (tok, "the", 't', T_HE);
  /* " the": Ġt (rank 0) then he (1) then Ġthe (2) */
  CHECK (tok, " the", T_GTHE);
  /* " cat": a t (3) first although Ġ c (4) is further left, then Ġc at (5) */
  CHECK (tok, "the cat", 't', T_HE, T_GCAT);
  /* "hello" -> he, ll, hell + o; " world" -> or, Ġw, Ġwor + l d */
  CHECK (tok, "hello world", T_HELL, 'o', T_GWOR, 'l', 'd');
  /* Llama 3 takes a word that is a token whole (ignore_merges), even when
   * no merge leads to it. */
  CHECK (tok, " hello", T_GHELLO);
  /* Runs of the same pair merge left to right. */
  CHECK (tok, "llll", T_LL, T_LL);
  CHECK (tok, "lllll", T_LL, T_LL, 'l');
  CHECK (tok, " the the", T_GTHE, T_GTHE);
}

static void
test_encode_long_word (void)
{
  g_autoptr (BnTokenizer) tok = tiny_tokenizer ("llama-bpe");
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autofree char *text = g_strnfill (10001, 'l');

  g_assert_true (bn_tokenizer_encode (tok, text, -1, FALSE, ids, NULL));
  g_assert_cmpuint (ids->len, ==, 5001);
  for (guint i = 0; i < 5000; i++)
    g_assert_cmpint (g_array_index (ids, gint32, i), ==, T_LL);
  g_assert_cmpint (g_array_index (ids, gint32, 5000), ==, 'l');
}

static void
test_encode_digits (void)
{
  g_autoptr (BnTokenizer) llama = tiny_tokenizer ("llama-bpe");
  g_autoptr (BnTokenizer) gpt2 = tiny_tokenizer ("gpt2");

  /* Llama 3 cuts numbers into groups of at most three digits, from the left. */
  CHECK (llama, "12345", T_123, '4', '5');
  CHECK (llama, "123123", T_123, T_123);
  /* "1212" is "121" + "2" for Llama 3, one word for GPT-2. */
  CHECK (llama, "1212", T_12, '1', '2');
  CHECK (gpt2, "1212", T_12, T_12);
  /* A space is never glued to a number by Llama 3. */
  CHECK (llama, " 123", ' ', T_123);
}

static void
test_encode_pre_gpt2 (void)
{
  g_autoptr (BnTokenizer) gpt2 = tiny_tokenizer ("gpt2");
  g_autoptr (BnTokenizer) def = tiny_tokenizer (NULL);
  g_autoptr (BnTokenizer) unknown = tiny_tokenizer ("no-such-pre");

  g_assert_cmpstr (bn_tokenizer_get_pre (gpt2), ==, "gpt2");
  g_assert_cmpstr (bn_tokenizer_get_pre (def), ==, "default");
  g_assert_cmpstr (bn_tokenizer_get_pre (unknown), ==, "default");
  /* No ignore_merges outside Llama 3: " hello" goes through the merges. */
  CHECK (gpt2, " hello", ' ', T_HELL, 'o');
  CHECK (def, " hello", ' ', T_HELL, 'o');
  CHECK (unknown, "the cat", 't', T_HE, T_GCAT);
}

static void
test_encode_contractions (void)
{
  g_autoptr (BnTokenizer) tok = tiny_tokenizer ("llama-bpe");

  CHECK (tok, "don't", T_DON, T_APOS_T);
  CHECK (tok, " don't", ' ', T_DON, T_APOS_T);
  /* Llama 3 contractions ignore case; no merge applies to the capitals. */
  CHECK (tok, "DON'T", 'D', 'O', 'N', '\'', 'T');
}

static void
test_encode_whitespace (void)
{
  g_autoptr (BnTokenizer) tok = tiny_tokenizer ("llama-bpe");

  /* "\n\n\n" is one word: ĊĊ then Ċ. */
  CHECK (tok, "a\n\n\nb", 'a', T_NLNL, '\n', 'b');
  /* Punctuation takes the newlines after it: ".\n\n" is one word. */
  CHECK (tok, "a.\n\nb", 'a', '.', T_NLNL, 'b');
  /* Of three spaces before a word, the last one goes with the word. */
  CHECK (tok, "a   the", 'a', ' ', ' ', T_GTHE);
  CHECK (tok, "\r\n", '\r', '\n');
  CHECK (tok, "\t the", '\t', T_GTHE);
  CHECK (tok, "end ", 'e', 'n', 'd', ' ');
}

static void
test_encode_utf8 (void)
{
  g_autoptr (BnTokenizer) tok = tiny_tokenizer ("llama-bpe");

  /* A 4-byte character is four byte tokens. */
  CHECK (tok, " \xf0\x9f\x98\x80", ' ', 0xf0, 0x9f, 0x98, 0x80);
  CHECK (tok, "\xf0\x9f\x98\x80the", 0xf0, 0x9f, 0x98, 0x80, 't', T_HE);
  /* é is a letter: " é" then " the". */
  CHECK (tok, " \xc3\xa9 the", ' ', 0xc3, 0xa9, T_GTHE);
}

static void
test_encode_invalid_utf8 (void)
{
  g_autoptr (BnTokenizer) tok = tiny_tokenizer ("llama-bpe");
  const gint32 ids[] = { 'a', 'b', 0xff, 'c', 'd' };
  g_autofree char *text = NULL;

  CHECK (tok,
         "ab\xff"
         "cd",
         'a', 'b', 0xff, 'c', 'd');
  CHECK (tok, "\xff the", 0xff, T_GTHE);
  CHECK (tok, "\xe2\x82", 0xe2, 0x82);           /* a truncated character */
  CHECK (tok, "\xed\xa0\x80", 0xed, 0xa0, 0x80); /* a UTF-16 surrogate */
  CHECK (tok, "\xc0\xaf", 0xc0, 0xaf);           /* an overlong form */
  check_encode_len (tok, "a\0b the", 7, FALSE, (const gint32[]){ 'a', 0, 'b', T_GTHE, -1 });

  /* The text variant of decode replaces what is not UTF-8. */
  text = bn_tokenizer_decode (tok, ids, G_N_ELEMENTS (ids), FALSE, NULL);
  g_assert_cmpstr (text, ==,
                   "ab\xef\xbf\xbd"
                   "cd");
  g_clear_pointer (&text, g_free);
  text = bn_tokenizer_decode (tok, (const gint32[]){ 'a', 0, 'b' }, 3, FALSE, NULL);
  g_assert_cmpstr (text, ==,
                   "a\xef\xbf\xbd"
                   "b");
  g_assert_true (g_utf8_validate (text, -1, NULL));
}

static void
test_encode_empty_and_bos (void)
{
  g_autoptr (BnTokenizer) tok = tiny_tokenizer ("llama-bpe");
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint32));

  g_assert_true (bn_tokenizer_encode (tok, "", -1, FALSE, ids, NULL));
  g_assert_cmpuint (ids->len, ==, 0);
  g_assert_true (bn_tokenizer_encode (tok, NULL, 0, FALSE, ids, NULL));
  g_assert_cmpuint (ids->len, ==, 0);
  check_encode_len (tok, "", 0, TRUE, (const gint32[]){ T_BOS, -1 });
  check_encode_len (tok, " the", -1, TRUE, (const gint32[]){ T_BOS, T_GTHE, -1 });

  /* Ids are appended to what the array already holds. */
  g_array_append_val (ids, (gint32){ 7 });
  g_assert_true (bn_tokenizer_encode (tok, " the", -1, TRUE, ids, NULL));
  g_assert_cmpuint (ids->len, ==, 3);
  g_assert_cmpint (g_array_index (ids, gint32, 0), ==, 7);
  g_assert_cmpint (g_array_index (ids, gint32, 1), ==, T_BOS);
}

static void
test_special_tokens (void)
{
  g_autoptr (BnTokenizer) tok = tiny_tokenizer ("llama-bpe");
  const char *text = "<|begin_of_text|> the<|end_of_text|>!!";
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint32));
  const gint32 seq[] = { T_BOS, T_GTHE, T_GCAT, T_BANGS, T_EOS };
  g_autofree char *skipped = NULL, *kept = NULL;
  g_autoptr (GBytes) piece = NULL;

  /* Special-token text is plain text: no control token comes out, even
   * for a word that is exactly the text of one ("!!"). */
  g_assert_true (bn_tokenizer_encode (tok, text, -1, FALSE, ids, NULL));
  for (guint i = 0; i < ids->len; i++)
    g_assert_false (bn_tokenizer_is_special (tok, g_array_index (ids, gint32, i)));
  check_encode_len (tok, "!!", -1, FALSE, (const gint32[]){ '!', '!', -1 });
  g_array_append_val (ids, (gint32){ -1 });
  check_encode_len (tok, text, -1, FALSE, (const gint32 *) (void *) ids->data);

  g_assert_true (bn_tokenizer_is_special (tok, T_BOS));
  g_assert_true (bn_tokenizer_is_special (tok, T_EOS));
  g_assert_true (bn_tokenizer_is_special (tok, T_BANGS));
  g_assert_false (bn_tokenizer_is_special (tok, T_GTHE));
  g_assert_false (bn_tokenizer_is_special (tok, -1));
  g_assert_false (bn_tokenizer_is_special (tok, N_TINY));
  g_assert_cmpint (bn_tokenizer_get_bos (tok), ==, T_BOS);
  g_assert_cmpint (bn_tokenizer_get_eos (tok), ==, T_EOS);
  g_assert_cmpint (bn_tokenizer_get_token_type (tok, T_BOS), ==, BN_TOKEN_TYPE_CONTROL);
  g_assert_cmpint (bn_tokenizer_get_token_type (tok, T_HE), ==, BN_TOKEN_TYPE_NORMAL);
  g_assert_cmpint (bn_tokenizer_get_token_type (tok, 9999), ==, BN_TOKEN_TYPE_UNDEFINED);
  g_assert_cmpstr (bn_tokenizer_get_token_text (tok, T_GTHE), ==, "Ġthe");
  g_assert_null (bn_tokenizer_get_token_text (tok, -3));
  g_assert_cmpint (bn_tokenizer_find_token (tok, "<|end_of_text|>"), ==, T_EOS);
  g_assert_cmpint (bn_tokenizer_find_token (tok, "Ġcat"), ==, T_GCAT);
  g_assert_cmpint (bn_tokenizer_find_token (tok, "nope"), ==, -1);

  skipped = bn_tokenizer_decode (tok, seq, G_N_ELEMENTS (seq), TRUE, NULL);
  g_assert_cmpstr (skipped, ==, " the cat");
  kept = bn_tokenizer_decode (tok, seq, G_N_ELEMENTS (seq), FALSE, NULL);
  g_assert_cmpstr (kept, ==, "<|begin_of_text|> the cat!!<|end_of_text|>");

  piece = bn_tokenizer_token_to_piece (tok, T_GTHE, NULL);
  g_assert_cmpmem (g_bytes_get_data (piece, NULL), g_bytes_get_size (piece), " the", 4);
  g_clear_pointer (&piece, g_bytes_unref);
  piece = bn_tokenizer_token_to_piece (tok, T_EOS, NULL);
  g_assert_cmpmem (g_bytes_get_data (piece, NULL), g_bytes_get_size (piece), "<|end_of_text|>", 15);
}

static void
test_decode_errors (void)
{
  g_autoptr (BnTokenizer) tok = tiny_tokenizer ("llama-bpe");
  const gint32 bad[][2] = { { T_HE, -1 }, { T_HE, N_TINY }, { G_MAXINT32, 0 } };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) error = NULL;
    g_autofree char *text = bn_tokenizer_decode (tok, bad[i], 2, FALSE, &error);
    g_assert_null (text);
    g_assert_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_UNKNOWN_TOKEN);
  }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) piece = bn_tokenizer_token_to_piece (tok, N_TINY, &error);
    g_assert_null (piece);
    g_assert_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_UNKNOWN_TOKEN);
  }
  {
    g_autoptr (GError) error = NULL;
    g_autofree char *text = bn_tokenizer_decode (tok, NULL, 0, FALSE, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (text, ==, "");
  }
}

static void
test_boxed (void)
{
  g_autoptr (BnTokenizer) tok = tiny_tokenizer ("llama-bpe");
  BnTokenizer *copy = g_boxed_copy (BN_TYPE_TOKENIZER, tok);

  g_assert_true (copy == tok);
  g_boxed_free (BN_TYPE_TOKENIZER, copy);
  g_assert_cmpstr (g_type_name (BN_TYPE_TOKENIZER), ==, "BnTokenizer");
}

/* ---- errors at construction ------------------------------------------ */

static void
expect_new_error (const char *model, const char *const *merges, gsize n_merges, gint32 bos, gint32 eos,
                  void (*edit) (Tiny *), int code, const char *in_message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BnTokenizer) tok = NULL;
  Tiny t = tiny_vocab ();

  if (edit != NULL)
    edit (&t);
  tok = bn_tokenizer_new (model, "llama-bpe", (const char *const *) t.tokens->pdata, t.tokens->len,
                          (const gint32 *) (void *) t.types->data, merges, n_merges, bos, eos, &error);
  tiny_clear (&t);
  g_assert_null (tok);
  g_assert_error (error, BN_TOKENIZER_ERROR, code);
  if (in_message != NULL && strstr (error->message, in_message) == NULL)
    g_error ("'%s' not found in the message '%s'", in_message, error->message);
}

static void
edit_duplicate (Tiny *t)
{
  g_free (t->tokens->pdata[T_GHELLO]);
  t->tokens->pdata[T_GHELLO] = g_strdup ("Ġthe");
}

static void
edit_bad_type (Tiny *t)
{
  g_array_index (t->types, gint32, 5) = 9;
}

static void
edit_not_utf8 (Tiny *t)
{
  g_free (t->tokens->pdata[T_GHELLO]);
  t->tokens->pdata[T_GHELLO] = g_strdup ("\xff\xfe");
}

static void
test_new_errors (void)
{
  const char *unknown_part[] = { "h e", "q zz" };
  const char *unknown_result[] = { "h e", "e h" };
  const char *no_space[] = { "he" };
  const char *trailing_space[] = { "h " };
  const char *repeated[] = { "h e", "a t", "h e" };
  const char *special[] = { "! !!" };
  const char *null_merge[] = { "h e", NULL };

  expect_new_error ("gpt2", tiny_merges, 2, T_BOS, T_EOS, edit_duplicate, BN_TOKENIZER_ERROR_INVALID,
                    "repeats token 258");
  expect_new_error ("gpt2", tiny_merges, 2, T_BOS, T_EOS, edit_bad_type, BN_TOKENIZER_ERROR_INVALID, "token 5");
  expect_new_error ("gpt2", tiny_merges, 2, T_BOS, T_EOS, edit_not_utf8, BN_TOKENIZER_ERROR_INVALID, "UTF-8");
  expect_new_error ("gpt2", unknown_part, 2, T_BOS, T_EOS, NULL, BN_TOKENIZER_ERROR_INVALID, "merge 1 ('q zz')");
  expect_new_error ("gpt2", unknown_result, 2, T_BOS, T_EOS, NULL, BN_TOKENIZER_ERROR_INVALID,
                    "merge 1 ('e h') refers to 'eh'");
  expect_new_error ("gpt2", no_space, 1, T_BOS, T_EOS, NULL, BN_TOKENIZER_ERROR_INVALID, "merge 0");
  expect_new_error ("gpt2", trailing_space, 1, T_BOS, T_EOS, NULL, BN_TOKENIZER_ERROR_INVALID, "merge 0");
  expect_new_error ("gpt2", repeated, 3, T_BOS, T_EOS, NULL, BN_TOKENIZER_ERROR_INVALID,
                    "merge 2 ('h e') repeats merge 0");
  expect_new_error ("gpt2", special, 1, T_BOS, T_EOS, NULL, BN_TOKENIZER_ERROR_INVALID, "special");
  expect_new_error ("gpt2", null_merge, 2, T_BOS, T_EOS, NULL, BN_TOKENIZER_ERROR_INVALID, "merge 1");
  expect_new_error ("gpt2", tiny_merges, 2, N_TINY, T_EOS, NULL, BN_TOKENIZER_ERROR_INVALID, "BOS");
  expect_new_error ("gpt2", tiny_merges, 2, T_BOS, -2, NULL, BN_TOKENIZER_ERROR_INVALID, "EOS");
  expect_new_error ("llama", NULL, 0, -1, -1, NULL, BN_TOKENIZER_ERROR_UNSUPPORTED, "'llama'");
  expect_new_error ("bert", NULL, 0, -1, -1, NULL, BN_TOKENIZER_ERROR_UNSUPPORTED, "'bert'");
  expect_new_error (NULL, NULL, 0, -1, -1, NULL, BN_TOKENIZER_ERROR_INVALID, NULL);

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (BnTokenizer) tok = bn_tokenizer_new ("gpt2", NULL, NULL, 0, NULL, NULL, 0, -1, -1, &error);
    g_assert_null (tok);
    g_assert_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_INVALID);
  }
}

static void
test_no_types_no_bos (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BnTokenizer) tok = NULL;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint32));
  Tiny t = tiny_vocab ();

  /* Without types every token is normal, but BOS and EOS stay special. */
  tok = bn_tokenizer_new ("gpt2", "llama-bpe", (const char *const *) t.tokens->pdata, t.tokens->len, NULL, tiny_merges,
                          G_N_ELEMENTS (tiny_merges), -1, T_EOS, &error);
  tiny_clear (&t);
  g_assert_no_error (error);
  g_assert_cmpint (bn_tokenizer_get_token_type (tok, T_BOS), ==, BN_TOKEN_TYPE_NORMAL);
  g_assert_false (bn_tokenizer_is_special (tok, T_BOS));
  g_assert_true (bn_tokenizer_is_special (tok, T_EOS));
  g_assert_cmpint (bn_tokenizer_get_bos (tok), ==, -1);
  /* "!!" is an ordinary token now. */
  check_encode_len (tok, "!!", -1, FALSE, (const gint32[]){ T_BANGS, -1 });

  g_assert_false (bn_tokenizer_encode (tok, "x", -1, TRUE, ids, &error));
  g_assert_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_NO_BOS);
}

static void
test_model_none (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BnTokenizer) tok = bn_tokenizer_new ("none", NULL, NULL, 10, NULL, NULL, 0, 1, 2, &error);
  g_autoptr (BnTokenizer) unsized = bn_tokenizer_new ("none", NULL, NULL, 0, NULL, NULL, 0, -1, -1, &error);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autofree char *text = NULL, *skipped = NULL, *big = NULL;
  g_autofree char *out_of_range = NULL;
  g_autoptr (GBytes) piece = NULL;
  const gint32 seq[] = { 1, 5, 9, 2 };

  g_assert_no_error (error);
  g_assert_cmpstr (bn_tokenizer_get_model (tok), ==, "none");
  g_assert_cmpuint (bn_tokenizer_get_n_tokens (tok), ==, 10);
  g_assert_false (bn_tokenizer_encode (tok, "hello", -1, FALSE, ids, &error));
  g_assert_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_NO_VOCABULARY);
  g_clear_error (&error);

  text = bn_tokenizer_decode (tok, seq, G_N_ELEMENTS (seq), FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "<1><5><9><2>");
  skipped = bn_tokenizer_decode (tok, seq, G_N_ELEMENTS (seq), TRUE, &error);
  g_assert_cmpstr (skipped, ==, "<5><9>");
  piece = bn_tokenizer_token_to_piece (tok, 7, &error);
  g_assert_cmpmem (g_bytes_get_data (piece, NULL), g_bytes_get_size (piece), "<7>", 3);
  g_assert_null (bn_tokenizer_get_token_text (tok, 7));

  out_of_range = bn_tokenizer_decode (tok, (const gint32[]){ 10 }, 1, FALSE, &error);
  g_assert_null (out_of_range);
  g_assert_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_UNKNOWN_TOKEN);
  g_clear_error (&error);
  /* Without a size, any id that is not negative is accepted. */
  big = bn_tokenizer_decode (unsized, (const gint32[]){ 128255 }, 1, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (big, ==, "<128255>");
}

/* ---- the vocabulary generator ---------------------------------------- */

/* Sentences from the generator's built-in text. */
static const char *const corpus_sample[] = {
  "Measurement is the quiet foundation of every computer that we trust.",
  "A good measurement has three parts: the thing being measured, the instrument, and the "
  "uncertainty.",
  "When a test reports 12.5 tokens per second, it should also say whether the next run might "
  "give 11 or 14.",
  "Threads help until they don't. Two cores can share the work of one matrix, but they also "
  "share the memory bus, the last level cache and the power budget.",
  "Noise is not an enemy to be hidden; it is a fact to be reported.",
  "That is why a careful benchmark records the number of threads, the load of the machine and "
  "the temperature of the processor along with its figures.\n\n",
  "Ternary weights take one of three values: minus one, zero, or plus one.",
};

static char *
vocab_checksum (GPtrArray *tokens, GArray *types, GPtrArray *merges)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  for (guint i = 0; i < tokens->len; i++) {
    g_autofree char *line =
        g_strdup_printf ("%d %s\n", g_array_index (types, gint32, i), (const char *) tokens->pdata[i]);
    g_checksum_update (sum, (const guchar *) line, -1);
  }
  for (guint i = 0; i < merges->len; i++) {
    g_checksum_update (sum, (const guchar *) merges->pdata[i], -1);
    g_checksum_update (sum, (const guchar *) "\n", 1);
  }
  return g_strdup (g_checksum_get_string (sum));
}

typedef struct {
  GPtrArray *tokens;
  GArray *types;
  GPtrArray *merges;
  gint32 bos;
  gint32 eos;
} Vocab;

static void
vocab_clear (Vocab *v)
{
  g_clear_pointer (&v->tokens, g_ptr_array_unref);
  g_clear_pointer (&v->types, g_array_unref);
  g_clear_pointer (&v->merges, g_ptr_array_unref);
}

static Vocab
build (guint n_vocab, guint max_merges)
{
  g_autoptr (GError) error = NULL;
  Vocab v = { 0 };

  g_assert_true (
      bn_tokenizer_build_vocab (n_vocab, max_merges, &v.tokens, &v.types, &v.merges, &v.bos, &v.eos, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (v.tokens->len, ==, n_vocab);
  g_assert_cmpuint (v.types->len, ==, n_vocab);
  return v;
}

static BnTokenizer *
vocab_tokenizer (const Vocab *v)
{
  g_autoptr (GError) error = NULL;
  BnTokenizer *tok = bn_tokenizer_new ("gpt2", "llama-bpe", (const char *const *) v->tokens->pdata, v->tokens->len,
                                       (const gint32 *) (void *) v->types->data, (const char *const *) v->merges->pdata,
                                       v->merges->len, v->bos, v->eos, &error);
  g_assert_no_error (error);
  return tok;
}

static void
test_vocab_shape (void)
{
  Vocab v = build (512, 2000);
  g_autoptr (BnTokenizer) tok = vocab_tokenizer (&v);

  /* 256 bytes + 254 merges (each adds a token) + 2 special tokens. */
  g_assert_cmpuint (v.merges->len, ==, 254);
  g_assert_cmpint (v.bos, ==, 510);
  g_assert_cmpint (v.eos, ==, 511);
  g_assert_cmpstr (v.tokens->pdata[v.bos], ==, "<|begin_of_text|>");
  g_assert_cmpstr (v.tokens->pdata[v.eos], ==, "<|end_of_text|>");
  g_assert_cmpstr (v.tokens->pdata[' '], ==, "Ġ");
  g_assert_cmpstr (v.tokens->pdata['a'], ==, "a");
  for (guint i = 0; i < 510; i++)
    g_assert_cmpint (g_array_index (v.types, gint32, i), ==, BN_TOKEN_TYPE_NORMAL);
  g_assert_cmpint (g_array_index (v.types, gint32, 510), ==, BN_TOKEN_TYPE_CONTROL);
  /* The most frequent pair of the text comes first. */
  g_assert_cmpstr (v.merges->pdata[0], ==, "Ġ t");
  g_assert_cmpuint (bn_tokenizer_get_n_merges (tok), ==, 254);
  vocab_clear (&v);

  /* The smallest vocabulary has no merges; the 2B4T size is padded with
   * reserved control tokens. */
  v = build (258, 2000);
  g_assert_cmpuint (v.merges->len, ==, 0);
  g_assert_cmpint (v.bos, ==, 256);
  vocab_clear (&v);
  v = build (300, 0);
  g_assert_cmpuint (v.merges->len, ==, 0);
  g_assert_cmpstr (v.tokens->pdata[258], ==, "<|reserved_special_token_0|>");
  g_assert_cmpstr (v.tokens->pdata[299], ==, "<|reserved_special_token_41|>");
  g_assert_cmpint (g_array_index (v.types, gint32, 299), ==, BN_TOKEN_TYPE_CONTROL);
  vocab_clear (&v);
}

static void
test_vocab_large (void)
{
  Vocab v = build (128256, 2000);
  g_autoptr (BnTokenizer) tok = vocab_tokenizer (&v);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autofree char *last = NULL;

  /* The text runs out of pairs that occur twice before 2000 merges. */
  g_assert_cmpuint (v.merges->len, <, 2000);
  g_assert_cmpuint (v.merges->len, >, 400);
  g_assert_cmpint (v.bos, ==, 256 + (gint32) v.merges->len);
  last = g_strdup_printf ("<|reserved_special_token_%u|>", 128255 - 258 - v.merges->len);
  g_assert_cmpstr (v.tokens->pdata[128255], ==, last);
  g_assert_cmpuint (bn_tokenizer_get_n_tokens (tok), ==, 128256);

  /* Frequent words of the text are single tokens. */
  g_assert_true (bn_tokenizer_encode (tok, " measurement", -1, FALSE, ids, NULL));
  g_assert_cmpuint (ids->len, ==, 1);
  vocab_clear (&v);
}

static void
test_vocab_errors (void)
{
  const guint bad[] = { 0, 256, 257, (1u << 24) + 1 };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) error = NULL;
    Vocab v = { 0 };
    g_assert_false (bn_tokenizer_build_vocab (bad[i], 10, &v.tokens, &v.types, &v.merges, &v.bos, &v.eos, &error));
    g_assert_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_INVALID);
    g_assert_null (v.tokens);
  }
}

static void
test_vocab_deterministic (void)
{
  /* Recorded once and checked on other machines: the vocabulary depends on
   * nothing but the arguments. If the built-in text or the training rule
   * changes, fixture models change too: update these on purpose. */
  const struct {
    guint n_vocab, max_merges;
    const char *sha256;
  } cases[] = {
    { 512, 2000, "8976a7bf16a4d4f46fe2acba118c698a5b84125e6223abade1a014644693d587" },
    { 128256, 2000, "559d7c12ec174ee320a8244a63b89cd51e62d69156632b205de501ebd9d43aaa" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    Vocab a = build (cases[i].n_vocab, cases[i].max_merges);
    Vocab b = build (cases[i].n_vocab, cases[i].max_merges);
    g_autofree char *sum_a = vocab_checksum (a.tokens, a.types, a.merges);
    g_autofree char *sum_b = vocab_checksum (b.tokens, b.types, b.merges);

    g_assert_cmpstr (sum_a, ==, sum_b);
    g_assert_cmpstr (sum_a, ==, cases[i].sha256);
    vocab_clear (&a);
    vocab_clear (&b);
  }
}

static void
test_vocab_round_trip (void)
{
  Vocab v = build (512, 2000);
  g_autoptr (BnTokenizer) tok = vocab_tokenizer (&v);
  g_autoptr (GRand) rand = g_rand_new_with_seed (1234);
  g_autoptr (GPtrArray) words = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (corpus_sample); i++) {
    g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint32));
    g_autofree char *back = NULL;
    g_auto (GStrv) split = g_strsplit (corpus_sample[i], " ", -1);

    g_assert_true (bn_tokenizer_encode (tok, corpus_sample[i], -1, TRUE, ids, NULL));
    /* The merges make the text shorter than its bytes. */
    g_assert_cmpuint (ids->len, <, strlen (corpus_sample[i]) * 3 / 5);
    back = bn_tokenizer_decode (tok, (const gint32 *) (void *) ids->data, ids->len, TRUE, NULL);
    g_assert_cmpstr (back, ==, corpus_sample[i]);
    for (guint k = 0; split[k] != NULL; k++)
      g_ptr_array_add (words, g_strdup (split[k]));
  }

  /* Texts made of the words of the sample in random order, with random
   * separators. */
  for (guint round = 0; round < 50; round++) {
    static const char *const seps[] = { " ", "  ", "\n", ", ", " - ", "\t", "" };
    g_autoptr (GString) text = g_string_new (NULL);
    g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint32));
    g_autofree char *back = NULL;
    guint n = (guint) g_rand_int_range (rand, 1, 40);

    for (guint k = 0; k < n; k++) {
      g_string_append (text, words->pdata[g_rand_int_range (rand, 0, (gint32) words->len)]);
      g_string_append (text, seps[g_rand_int_range (rand, 0, G_N_ELEMENTS (seps))]);
    }
    g_assert_true (bn_tokenizer_encode (tok, text->str, -1, FALSE, ids, NULL));
    back = bn_tokenizer_decode (tok, (const gint32 *) (void *) ids->data, ids->len, FALSE, NULL);
    g_assert_cmpstr (back, ==, text->str);
  }
  vocab_clear (&v);
}

static void
test_random_bytes_round_trip (void)
{
  Vocab v = build (512, 2000);
  g_autoptr (BnTokenizer) tok = vocab_tokenizer (&v);
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);

  /* Any bytes at all come back exactly, and never as special tokens. */
  for (guint round = 0; round < 200; round++) {
    guint8 text[64];
    gsize len = (gsize) g_rand_int_range (rand, 0, sizeof text);
    g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint32));
    g_autoptr (GBytes) back = NULL;

    for (gsize k = 0; k < len; k++) {
      /* Mostly letters and spaces, so that merges apply. */
      guint32 r = g_rand_int (rand);
      text[k] = (r & 3) == 0 ? (guint8) (r >> 8) : (guint8) " etaonish\n"[(r >> 8) % 10];
    }
    g_assert_true (bn_tokenizer_encode (tok, (const char *) text, (gssize) len, FALSE, ids, NULL));
    for (guint k = 0; k < ids->len; k++)
      g_assert_false (bn_tokenizer_is_special (tok, g_array_index (ids, gint32, k)));
    back = bn_tokenizer_decode_bytes (tok, (const gint32 *) (void *) ids->data, ids->len, FALSE, NULL);
    g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), text, len);
  }
  vocab_clear (&v);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tokenizer/byte-alphabet", test_byte_alphabet);
  g_test_add_func ("/tokenizer/encode/words", test_encode_words);
  g_test_add_func ("/tokenizer/encode/long-word", test_encode_long_word);
  g_test_add_func ("/tokenizer/encode/digits", test_encode_digits);
  g_test_add_func ("/tokenizer/encode/pre-gpt2", test_encode_pre_gpt2);
  g_test_add_func ("/tokenizer/encode/contractions", test_encode_contractions);
  g_test_add_func ("/tokenizer/encode/whitespace", test_encode_whitespace);
  g_test_add_func ("/tokenizer/encode/utf8", test_encode_utf8);
  g_test_add_func ("/tokenizer/encode/invalid-utf8", test_encode_invalid_utf8);
  g_test_add_func ("/tokenizer/encode/empty-and-bos", test_encode_empty_and_bos);
  g_test_add_func ("/tokenizer/special-tokens", test_special_tokens);
  g_test_add_func ("/tokenizer/decode/errors", test_decode_errors);
  g_test_add_func ("/tokenizer/boxed", test_boxed);
  g_test_add_func ("/tokenizer/new/errors", test_new_errors);
  g_test_add_func ("/tokenizer/new/no-types-no-bos", test_no_types_no_bos);
  g_test_add_func ("/tokenizer/model-none", test_model_none);
  g_test_add_func ("/tokenizer/vocab/shape", test_vocab_shape);
  g_test_add_func ("/tokenizer/vocab/large", test_vocab_large);
  g_test_add_func ("/tokenizer/vocab/errors", test_vocab_errors);
  g_test_add_func ("/tokenizer/vocab/deterministic", test_vocab_deterministic);
  g_test_add_func ("/tokenizer/vocab/round-trip", test_vocab_round_trip);
  g_test_add_func ("/tokenizer/vocab/random-bytes", test_random_bytes_round_trip);

  return g_test_run ();
}
