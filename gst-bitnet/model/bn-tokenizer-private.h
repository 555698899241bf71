/* gst-bitnet: tokenizer internals shared by the tokenizer, its encoder and
 * the vocabulary generator
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "bn-tokenizer.h"

G_BEGIN_DECLS

/* The Llama-3 pre-tokenizer split (Meta-Llama-3 tokenizer.json, the same
 * as tiktoken's cl100k_base). */
#define BN_TOKENIZER_PATTERN_LLAMA3                                                                                    \
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"                                             \
  "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"

/* GPT-2's split (openai/gpt-2 src/encoder.py). */
#define BN_TOKENIZER_PATTERN_GPT2                                                                                      \
  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+"                                                  \
  "|\\s+(?!\\S)|\\s+"

typedef enum {
  BN_TOKENIZER_MODEL_NONE,
  BN_TOKENIZER_MODEL_GPT2,
} BnTokenizerModel;

/* Merges are looked up by pair of token ids in an open-addressing table. */
typedef struct {
  guint64 key;   /* left id << 32 | right id */
  gint32 rank;   /* -1: empty slot */
  gint32 result; /* id of the merged token */
} BnTokenizerPair;

struct _BnTokenizer {
  gatomicrefcount ref_count;
  BnTokenizerModel model;
  const char *pre;        /* static: "llama3", "gpt2" or "default" */
  gboolean ignore_merges; /* a word that is a token is taken whole (Llama 3) */
  GRegex *regex;

  gsize n_tokens;
  char *text_pool;        /* the vocabulary strings, NUL-terminated */
  char **texts;           /* n_tokens pointers into text_pool */
  gint32 *types;          /* n_tokens BnTokenType */
  GBytes *pieces;         /* the bytes each token decodes to, end to end */
  gsize *piece_offsets;   /* n_tokens + 1 */
  GHashTable *by_text;    /* text -> GINT_TO_POINTER (id + 1) */
  gint32 byte_token[256]; /* the token of each single byte, or -1 */

  gsize n_merges;
  BnTokenizerPair *pairs; /* 1 << pair_bits slots; NULL without merges */
  guint pair_bits;

  gint32 bos;
  gint32 eos;
};

static inline guint64
_bn_tokenizer_pair_key (gint32 left, gint32 right)
{
  return ((guint64) (guint32) left << 32) | (guint32) right;
}

/* The first slot to probe for @key. */
static inline gsize
_bn_tokenizer_pair_slot (const BnTokenizer *tok, guint64 key)
{
  return (gsize) ((key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> (64 - tok->pair_bits));
}

/* Called for each word, a byte range of the original text (which may hold
 * bytes that are not UTF-8). */
typedef gboolean (*BnTokenizerWordFunc) (const char *word, gsize len, gpointer user_data, GError **error);

GRegex *_bn_tokenizer_regex_new (const char *pattern);
gboolean _bn_tokenizer_split (GRegex *regex, const char *text, gsize len, BnTokenizerWordFunc func, gpointer user_data,
                              GError **error);
gunichar _bn_tokenizer_byte_to_unichar (guint8 byte);
int _bn_tokenizer_unichar_to_byte (gunichar c);
gboolean _bn_tokenizer_is_special (const BnTokenizer *tok, gint32 id);
gint32 _bn_tokenizer_lookup_text (const BnTokenizer *tok, const char *text);

G_END_DECLS
