/* gst-bitnet: a small deterministic BPE vocabulary for fixture models
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-tokenizer-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#undef G_LOG_DOMAIN
#define G_LOG_DOMAIN "bn-tokenizer"

/* The training text: plain English prose written for this project, about
 * computing and measurement. Changing one byte of it changes every
 * generated vocabulary (and the checksum recorded in the tests). */
static const char corpus[] =
    "Measurement is the quiet foundation of every computer that we trust. Before a program can "
    "be called fast, someone has to decide what fast means, how it will be measured, and how "
    "much the measurement itself can be believed. A clock on the wall, a counter in the "
    "processor and a timer in the operating system all tell a different story about the same "
    "second.\n\n"
    "The first computers were measured in additions per second. An engineer would run a loop "
    "that added two numbers a million times, read the time before and after, and divide. The "
    "number was honest only if the loop did what it claimed to do. If the compiler noticed "
    "that the result was never used, it could remove the loop, and the machine would appear "
    "infinitely fast. That is the oldest trap in benchmarking, and it still catches people "
    "today.\n\n"
    "A good measurement has three parts: the thing being measured, the instrument, and the "
    "uncertainty. We often forget the third part. When a test reports 12.5 tokens per second, "
    "it should also say whether the next run might give 11 or 14. A single number without "
    "its spread is a rumour, not a result. Repeat the run, keep every sample, and report the "
    "median together with an interval that you would be willing to defend.\n\n"
    "Memory is usually the limit. A processor can multiply numbers far faster than the "
    "memory can deliver them, so the speed of a large model is set by how many bytes each "
    "token has to read. If a model stores its weights in two bits instead of sixteen, it "
    "reads eight times fewer bytes, and on a machine that waits for memory it may run "
    "almost eight times faster. The arithmetic is simple; the engineering is not.\n\n"
    "Ternary weights take one of three values: minus one, zero, or plus one. A product with "
    "such a weight is either a subtraction, nothing at all, or an addition. The scale that "
    "turns these small integers back into real numbers is kept aside and applied once at the "
    "end. Activations are rounded to eight bit integers for each token, so that the inner "
    "loop works only with small whole numbers and the processor can do many of them in one "
    "instruction.\n\n"
    "Caches change the picture again. Data that was read a moment ago is cheap to read once "
    "more; data that lives far away in main memory is expensive. A kernel that touches each "
    "weight once, in the order it is stored, lets the hardware fetch the next lines before "
    "they are needed. A kernel that jumps around waits. The difference between the two can "
    "be larger than any clever trick inside the loop.\n\n"
    "Threads help until they don't. Two cores can share the work of one matrix, but they "
    "also share the memory bus, the last level cache and the power budget. On a busy "
    "machine another program may take a core away for a few milliseconds, and the slowest "
    "thread decides when the step is finished. That is why a careful benchmark records the "
    "number of threads, the load of the machine and the temperature of the processor along "
    "with its figures.\n\n"
    "Noise is not an enemy to be hidden; it is a fact to be reported. Timings on a shared "
    "computer move from minute to minute. A comparison between two versions of a program is "
    "fair only when both run on the same machine, close together in time, with the same "
    "inputs and the same settings. Even then the honest answer is sometimes that the two "
    "cannot be told apart, and a tool should be able to say so plainly.\n\n"
    "Statistics give us words for that honesty. The median is robust when a few runs are "
    "slow for reasons that have nothing to do with the code. A confidence interval says how "
    "far the true value might be from the one we saw. A rank test asks whether one set of "
    "samples tends to be larger than another without assuming that the errors follow a bell "
    "curve. None of these methods can rescue a measurement that was wrong to begin with.\n\n"
    "Correctness comes before speed. A kernel that is twice as fast and gives the wrong "
    "answer is simply broken. Every fast version of a computation should be checked against "
    "a slow and obvious one, written so plainly that a reader can see it is right. When the "
    "arithmetic is done with integers, the two must agree bit for bit; when it is done with "
    "floating point numbers, they must agree within a tolerance that is chosen in advance "
    "and written down.\n\n"
    "A language model turns text into tokens before it can compute anything. The text is cut "
    "into words and pieces of words, and each piece becomes a number from a vocabulary of a "
    "few thousand or a hundred thousand entries. The model reads the numbers, predicts the "
    "next one, and the tokenizer turns the predictions back into text. If the tokenizer "
    "loses a byte on the way, no amount of careful arithmetic will bring it back.\n\n"
    "Files carry models from one program to another. A file format has to say how many "
    "tensors it holds, what shape each one has, how its numbers are packed and where its "
    "bytes begin. A reader that trusts a file too much can be led to read past the end of "
    "its buffer, so every size and every offset is checked before it is used, and a file "
    "that lies about itself is refused with a message that says where the lie was found.\n\n"
    "In the end a benchmark is a small experiment. It has a question, a method, a result "
    "and a record of the conditions under which it was made, so that someone else can run "
    "it again next week on another machine and see whether the answer still holds. The "
    "numbers matter, but the method matters more: a number that cannot be reproduced "
    "teaches us nothing about the computer, only about the day it was measured.\n";

/* Pair counts of one training step, in an open-addressing table. */
typedef struct {
  guint64 key;
  gint64 count; /* 0: empty */
} CountSlot;

typedef struct {
  CountSlot *slots;
  guint bits;
  GArray *used; /* guint32 slot indexes, to clear and to scan */
} Counts;

typedef struct {
  gint32 *symbols;
  guint n;
  gint64 freq;
} Word;

static inline guint64
count_key (gint32 left, gint32 right)
{
  return ((guint64) (guint32) left << 32) | (guint32) right;
}

static void
counts_add (Counts *c, gint32 left, gint32 right, gint64 freq)
{
  guint64 key = count_key (left, right);
  gsize mask = ((gsize) 1 << c->bits) - 1;

  for (gsize i = (gsize) ((key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> (64 - c->bits));; i = (i + 1) & mask) {
    CountSlot *s = &c->slots[i];
    if (s->count == 0) {
      guint32 at = (guint32) i;
      s->key = key;
      s->count = freq;
      g_array_append_val (c->used, at);
      return;
    }
    if (s->key == key) {
      s->count += freq;
      return;
    }
  }
}

static gboolean
collect_word (const char *word, gsize len, gpointer user_data, GError **error)
{
  GHashTable *freqs = user_data;
  g_autofree char *key = g_strndup (word, len);
  gpointer old = g_hash_table_lookup (freqs, key);

  g_hash_table_replace (freqs, g_steal_pointer (&key), GSIZE_TO_POINTER (GPOINTER_TO_SIZE (old) + 1));
  return TRUE;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* TRUE if the pair (a1, b1) comes before (a2, b2) in byte order of their
 * texts: the tie-break between pairs of equal count. */
static gboolean
pair_precedes (GPtrArray *texts, gint32 a1, gint32 b1, gint32 a2, gint32 b2)
{
  int c = strcmp (texts->pdata[a1], texts->pdata[a2]);
  if (c == 0)
    c = strcmp (texts->pdata[b1], texts->pdata[b2]);
  return c < 0;
}

/* Learns up to @max_merges merges; appends the new tokens to @texts and the
 * merges to @merges. */
static void
train (guint max_merges, guint max_new_tokens, GPtrArray *texts, GHashTable *by_text, GPtrArray *merges)
{
  g_autoptr (GHashTable) freqs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GRegex) regex = _bn_tokenizer_regex_new (BN_TOKENIZER_PATTERN_LLAMA3);
  g_autofree Word *words = NULL;
  g_autofree gpointer keys = NULL;
  guint n_words, n_symbols = 0, new_tokens = 0;
  Counts counts = { 0 };

  /* The corpus is plain ASCII: the split cannot fail. */
  _bn_tokenizer_split (regex, corpus, sizeof corpus - 1, collect_word, freqs, NULL);

  /* Words in byte order, so that nothing depends on hash table order. */
  keys = g_hash_table_get_keys_as_array (freqs, &n_words);
  qsort (keys, n_words, sizeof (gpointer), compare_strings);
  words = g_new0 (Word, n_words);
  for (guint i = 0; i < n_words; i++) {
    const char *w = ((const char **) keys)[i];
    words[i].n = (guint) strlen (w);
    words[i].symbols = g_new (gint32, words[i].n);
    for (guint k = 0; k < words[i].n; k++)
      words[i].symbols[k] = (guint8) w[k]; /* token id = byte value */
    words[i].freq = (gint64) GPOINTER_TO_SIZE (g_hash_table_lookup (freqs, w));
    n_symbols += words[i].n;
  }

  counts.bits = 4;
  while (((gsize) 1 << counts.bits) < 2 * (gsize) n_symbols + 1)
    counts.bits++;
  counts.slots = g_new0 (CountSlot, (gsize) 1 << counts.bits);
  counts.used = g_array_new (FALSE, FALSE, sizeof (guint32));

  while (merges->len < max_merges && new_tokens < max_new_tokens) {
    gint32 best_a = -1, best_b = -1, result;
    gint64 best = 0;
    g_autofree char *joined = NULL;
    gpointer existing;

    for (guint i = 0; i < counts.used->len; i++)
      counts.slots[g_array_index (counts.used, guint32, i)].count = 0;
    g_array_set_size (counts.used, 0);
    for (guint i = 0; i < n_words; i++)
      for (guint k = 0; k + 1 < words[i].n; k++)
        counts_add (&counts, words[i].symbols[k], words[i].symbols[k + 1], words[i].freq);

    for (guint i = 0; i < counts.used->len; i++) {
      const CountSlot *s = &counts.slots[g_array_index (counts.used, guint32, i)];
      gint32 a = (gint32) (s->key >> 32), b = (gint32) (s->key & 0xffffffffu);
      if (s->count > best || (s->count == best && pair_precedes (texts, a, b, best_a, best_b))) {
        best = s->count;
        best_a = a;
        best_b = b;
      }
    }
    if (best < 2)
      break; /* every pair left occurs once: nothing worth learning */

    joined = g_strconcat (texts->pdata[best_a], texts->pdata[best_b], NULL);
    if (g_hash_table_lookup_extended (by_text, joined, NULL, &existing)) {
      result = GPOINTER_TO_INT (existing);
    } else {
      result = (gint32) texts->len;
      g_ptr_array_add (texts, g_strdup (joined));
      g_hash_table_insert (by_text, texts->pdata[result], GINT_TO_POINTER (result));
      new_tokens++;
    }
    g_ptr_array_add (merges, g_strconcat (texts->pdata[best_a], " ", texts->pdata[best_b], NULL));

    for (guint i = 0; i < n_words; i++) {
      Word *w = &words[i];
      guint out = 0;
      for (guint k = 0; k < w->n; k++) {
        if (k + 1 < w->n && w->symbols[k] == best_a && w->symbols[k + 1] == best_b) {
          w->symbols[out++] = result;
          k++;
        } else {
          w->symbols[out++] = w->symbols[k];
        }
      }
      w->n = out;
    }
  }

  for (guint i = 0; i < n_words; i++)
    g_free (words[i].symbols);
  g_free (counts.slots);
  g_array_unref (counts.used);
}

/* The largest vocabulary bn_tokenizer_build_vocab() makes. */
#define MAX_VOCAB (1u << 24)

/**
 * bn_tokenizer_build_vocab:
 * @n_vocab: the size of the vocabulary, from 258 to 16777216
 * @max_merges: the most merges to learn
 * @tokens: (out) (transfer full) (element-type utf8): return location for
 *   the @n_vocab tokens, in the byte-level alphabet
 * @token_types: (out) (transfer full) (element-type gint32): return
 *   location for the #BnTokenType of each token
 * @merges: (out) (transfer full) (element-type utf8): return location for
 *   the merges, each two tokens separated by a space
 * @bos_id: (out): return location for the id of `<|begin_of_text|>`
 * @eos_id: (out): return location for the id of `<|end_of_text|>`
 * @error: return location for a #GError
 *
 * Synthesizes a byte-level BPE vocabulary for fixture models, in the shape
 * of Llama 3's, for use with model `gpt2` and pre-tokenizer `llama-bpe`:
 *
 * - tokens 0 to 255 are the 256 bytes in byte order (token 32, a space, is
 *   `Ġ`), of type %BN_TOKEN_TYPE_NORMAL;
 * - then the tokens made by merges learned from a built-in English text of
 *   about 6 KB, cut into words with the Llama 3 expression: at each step
 *   the adjacent pair that occurs most often is merged, ties going to the
 *   pair whose texts come first in byte order; learning stops after
 *   @max_merges merges, when no pair occurs twice, or when only room for
 *   the two special tokens is left;
 * - then `<|begin_of_text|>` and `<|end_of_text|>`, of type
 *   %BN_TOKEN_TYPE_CONTROL;
 * - then `<|reserved_special_token_0|>`, `_1`... up to @n_vocab tokens, of
 *   type %BN_TOKEN_TYPE_CONTROL.
 *
 * The result depends only on @n_vocab and @max_merges: not on the machine,
 * the locale or the GLib version.
 *
 * Returns: %TRUE on success; %FALSE with @error set
 *   (%BN_TOKENIZER_ERROR_INVALID) if @n_vocab is out of range.
 *
 * Since: 0.1
 */
gboolean
bn_tokenizer_build_vocab (guint n_vocab, guint max_merges, GPtrArray **tokens, GArray **token_types, GPtrArray **merges,
                          gint32 *bos_id, gint32 *eos_id, GError **error)
{
  g_autoptr (GPtrArray) texts = NULL;
  g_autoptr (GPtrArray) merge_list = NULL;
  g_autoptr (GArray) types = NULL;
  g_autoptr (GHashTable) by_text = NULL;
  const gint32 normal = BN_TOKEN_TYPE_NORMAL, control = BN_TOKEN_TYPE_CONTROL;
  gint32 bos, eos;

  g_return_val_if_fail (tokens != NULL && token_types != NULL && merges != NULL, FALSE);
  g_return_val_if_fail (bos_id != NULL && eos_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_vocab < 256 + 2 || n_vocab > MAX_VOCAB) {
    g_set_error (error, BN_TOKENIZER_ERROR, BN_TOKENIZER_ERROR_INVALID,
                 _("a generated vocabulary has from %u to %u tokens (256 bytes and 2 special "
                    "tokens at least), not %u"),
                 256u + 2u, MAX_VOCAB, n_vocab);
    return FALSE;
  }

  texts = g_ptr_array_new_full (n_vocab + 1, g_free);
  merge_list = g_ptr_array_new_with_free_func (g_free);
  by_text = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint b = 0; b < 256; b++) {
    char buf[8] = { 0 };
    g_unichar_to_utf8 (_bn_tokenizer_byte_to_unichar ((guint8) b), buf);
    g_ptr_array_add (texts, g_strdup (buf));
    g_hash_table_insert (by_text, texts->pdata[b], GINT_TO_POINTER ((gint) b));
  }

  train (max_merges, n_vocab - 256 - 2, texts, by_text, merge_list);

  types = g_array_sized_new (FALSE, FALSE, sizeof (gint32), n_vocab);
  for (guint i = 0; i < texts->len; i++)
    g_array_append_val (types, normal);
  bos = (gint32) texts->len;
  g_ptr_array_add (texts, g_strdup ("<|begin_of_text|>"));
  eos = (gint32) texts->len;
  g_ptr_array_add (texts, g_strdup ("<|end_of_text|>"));
  for (guint i = 0; texts->len < n_vocab; i++)
    g_ptr_array_add (texts, g_strdup_printf ("<|reserved_special_token_%u|>", i));
  while (types->len < texts->len)
    g_array_append_val (types, control);

  *tokens = g_steal_pointer (&texts);
  *token_types = g_steal_pointer (&types);
  *merges = g_steal_pointer (&merge_list);
  *bos_id = bos;
  *eos_id = eos;
  return TRUE;
}
