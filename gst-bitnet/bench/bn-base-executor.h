/* gst-bitnet: the base class of executors (the timed prefill and decode loop)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_BENCH_INSIDE) && !defined(BN_BENCH_COMPILATION)
#error "Only <gst-bitnet/bench/bench.h> can be included directly."
#endif

#include <gst-bitnet/bench/bn-record.h>

G_BEGIN_DECLS

/**
 * BN_BASE_EXECUTOR_LOGITS_KEY:
 *
 * The object data key under which a run record made with
 * #BnBaseExecutor:keep-logits carries every step's float logits, a
 * #GBytes of `logits_steps * logits_n_vocab` floats (read by `crossval`).
 *
 * Since: 0.2
 */
#define BN_BASE_EXECUTOR_LOGITS_KEY "bn-run-logits"

#define BN_TYPE_BASE_EXECUTOR (bn_base_executor_get_type ())
BN_BENCH_API
G_DECLARE_DERIVABLE_TYPE (BnBaseExecutor, bn_base_executor, BN, BASE_EXECUTOR, BnElement)

/**
 * BnBaseExecutorClass:
 * @parent_class: the element class
 * @load: prepares the backend for @model (opens files, loads weights); may
 *   call bn_base_executor_set_n_vocab(). Called once per model item, before
 *   the prompt is tokenized. Required.
 * @tokenize: turns a text prompt into token ids (BOS as the vocabulary
 *   asks). Optional: without it a text prompt is refused.
 * @prepare: makes the KV cache or context for @n_ctx positions, @n_threads
 *   threads and prompts of @n_prompt tokens. Called after @load, before the
 *   first iteration. Optional.
 * @reset: forgets the KV cache before each iteration. Required.
 * @prefill: evaluates @n prompt tokens in one batch (@tokens is a scratch
 *   copy the subclass may modify) and writes the last position's logits
 *   to @logits (`n_vocab` floats). Timed. Required.
 * @decode: evaluates one token and writes its logits to @logits. Timed,
 *   once per decode step. Required.
 * @sample: picks the next token from @logits when sampling was turned on
 *   with bn_base_executor_set_sampling() and `BITNET_DETERMINISTIC` is not
 *   set; otherwise the base class takes the argmax (lowest id among equal
 *   maxima). Timed with the step. Optional.
 * @detokenize: the text of @n generated tokens, or %NULL when the model has
 *   no vocabulary. Optional.
 * @describe: adds what only the subclass knows to a finished run record
 *   (backend, kernels that ran, bytes per token, model facts...). Runs
 *   outside the timed region; may overwrite any field the base class set.
 *   Required.
 * @unload: releases what @load and @prepare made. Called once per model
 *   item, on success and on failure alike. Optional.
 *
 * The virtual methods of an executor. The base class owns the rest: the
 * prompt (ids, text through @tokenize, or the synthetic prompt of the
 * seed), the context check, warm-up and timed iterations, progress
 * messages, cancellation, the clock, rusage and CPU share, memory figures,
 * per-token latencies and their percentiles, logits digests, and the run
 * record itself. A subclass never measures time, so it cannot report a
 * time it did not spend.
 *
 * Since: 0.2
 */
struct _BnBaseExecutorClass {
  BnElementClass parent_class;

  gboolean (*load) (BnBaseExecutor *self, BnModel *model, GError **error);
  gboolean (*tokenize) (BnBaseExecutor *self, const char *text, GArray *ids, GError **error);
  gboolean (*prepare) (BnBaseExecutor *self, guint n_ctx, guint n_threads, guint n_prompt, GError **error);
  void (*reset) (BnBaseExecutor *self);
  gboolean (*prefill) (BnBaseExecutor *self, gint32 *tokens, guint n, float *logits, GError **error);
  gboolean (*decode) (BnBaseExecutor *self, gint32 token, float *logits, GError **error);
  gint32 (*sample) (BnBaseExecutor *self, const float *logits, guint n_vocab, GRand *rand);
  char *(*detokenize) (BnBaseExecutor *self, const gint32 *ids, guint n);
  void (*describe) (BnBaseExecutor *self, BnRecord *run);
  void (*unload) (BnBaseExecutor *self);

  /*< private >*/
  gpointer padding[8];
};

BN_BENCH_API BnModel *bn_base_executor_get_model (BnBaseExecutor *self);
BN_BENCH_API const GArray *bn_base_executor_get_prompt (BnBaseExecutor *self);
BN_BENCH_API guint bn_base_executor_get_n_vocab (BnBaseExecutor *self);
BN_BENCH_API void bn_base_executor_set_n_vocab (BnBaseExecutor *self, guint n_vocab);
BN_BENCH_API void bn_base_executor_set_sampling (BnBaseExecutor *self, gboolean sampling);
BN_BENCH_API void bn_base_executor_set_logits_partial (BnBaseExecutor *self, gboolean partial);
BN_BENCH_API void bn_base_executor_report_call_time (BnBaseExecutor *self, gint64 ns);
BN_BENCH_API guint bn_base_executor_get_tokens (BnBaseExecutor *self);
BN_BENCH_API guint64 bn_base_executor_get_seed (BnBaseExecutor *self);

G_END_DECLS
