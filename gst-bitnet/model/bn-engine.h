/* gst-bitnet: the inference engine (forward pass over a BnModel)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_MODEL_INSIDE) && !defined(BN_MODEL_COMPILATION)
#error "Only <gst-bitnet/model/model.h> can be included directly."
#endif

#include <gst-bitnet/model/bn-model.h>

G_BEGIN_DECLS

/**
 * BN_ENGINE_ERROR:
 *
 * Error domain of the inference engine. Errors in this domain use
 * #BnEngineError codes.
 *
 * Since: 0.1
 */
#define BN_ENGINE_ERROR (bn_engine_error_quark ())
BN_MODEL_API GQuark bn_engine_error_quark (void);

/**
 * BnEngineError:
 * @BN_ENGINE_ERROR_UNSUPPORTED: the model holds a tensor the engine cannot
 *   run (float latent weights, a norm that is not F32, an embedding type
 *   other than F32/F16/Q8_0...); the message names the tensor.
 * @BN_ENGINE_ERROR_INVALID: an option or argument is invalid.
 * @BN_ENGINE_ERROR_CONTEXT_FULL: the tokens do not fit in the KV cache.
 * @BN_ENGINE_ERROR_BAD_TOKEN: a token id is outside the vocabulary.
 * @BN_ENGINE_ERROR_KERNEL: the requested kernel variant cannot run here.
 * @BN_ENGINE_ERROR_RESOURCE: memory or threads could not be obtained.
 * @BN_ENGINE_ERROR_FAILED: a kernel reported a failure during a pass.
 *
 * Codes of the #BN_ENGINE_ERROR domain. New codes are only ever appended.
 *
 * Since: 0.1
 */
typedef enum {
  BN_ENGINE_ERROR_UNSUPPORTED,
  BN_ENGINE_ERROR_INVALID,
  BN_ENGINE_ERROR_CONTEXT_FULL,
  BN_ENGINE_ERROR_BAD_TOKEN,
  BN_ENGINE_ERROR_KERNEL,
  BN_ENGINE_ERROR_RESOURCE,
  BN_ENGINE_ERROR_FAILED,
} BnEngineError;

/**
 * BnEngineOptions:
 * @n_threads: threads of the engine's team, the calling thread included;
 *   0 uses one per processor
 * @n_ctx: positions of the KV cache; 0 uses the model's context length
 * @kv_f16: store keys and values as f16 (half the memory) instead of f32
 * @act_q8k_matching: "matching mode": ternary projections take
 *   llama.cpp-style Q8_K activations (one scale per block of 256) through
 *   a scalar reference product, and the f16 head takes f16-rounded
 *   activations, to compare logits with llama.cpp; slow
 * @kernel_variant: (nullable): `scalar`, `avx2`, `avx512`, `neon` or
 *   `auto`; %NULL reads `BITNET_KERNEL` (unset: the best the CPU runs)
 *
 * How to run a model. A zero-filled struct asks for the defaults.
 *
 * Since: 0.1
 */
typedef struct {
  guint n_threads;
  guint n_ctx;
  gboolean kv_f16;
  gboolean act_q8k_matching;
  const char *kernel_variant;
} BnEngineOptions;

#define BN_TYPE_ENGINE (bn_engine_get_type ())
BN_MODEL_API
G_DECLARE_FINAL_TYPE (BnEngine, bn_engine, BN, ENGINE, GObject)

BN_MODEL_API BnEngine *bn_engine_new (BnModel *model, const BnEngineOptions *opts, GError **error);
BN_MODEL_API void bn_engine_reset (BnEngine *e);
BN_MODEL_API gboolean bn_engine_eval (BnEngine *e, const gint32 *tokens, guint n_tokens, float *logits_last,
                                      GError **error);
BN_MODEL_API BnModel *bn_engine_get_model (BnEngine *e);
BN_MODEL_API guint bn_engine_get_n_vocab (BnEngine *e);
BN_MODEL_API guint bn_engine_get_pos (BnEngine *e);
BN_MODEL_API guint bn_engine_get_n_ctx (BnEngine *e);
BN_MODEL_API guint bn_engine_get_n_threads (BnEngine *e);
BN_MODEL_API const char *bn_engine_get_kernel_variant (BnEngine *e);
BN_MODEL_API GPtrArray *bn_engine_get_kernels_used (BnEngine *e);
BN_MODEL_API guint64 bn_engine_get_bytes_per_token (BnEngine *e);
BN_MODEL_API guint64 bn_engine_get_kv_bytes (BnEngine *e);

/**
 * BnEngineHeadStats:
 * @steps: evaluations of the output head since the last bn_engine_reset()
 *   while the certified head was on
 * @candidates: rows whose logits were computed exactly, summed over those
 *   steps (the candidate sets, including those of fallback steps)
 * @candidates_max: the largest candidate set of one step
 * @fallbacks: steps on which the full head ran instead (too many
 *   candidates, or a head input that is not finite)
 *
 * Counters of the certified head (bn_engine_set_certified_head()).
 *
 * Since: 0.2
 */
typedef struct {
  guint64 steps;
  guint64 candidates;
  guint64 candidates_max;
  guint64 fallbacks;
} BnEngineHeadStats;

BN_MODEL_API gboolean bn_engine_set_certified_head (BnEngine *e, guint top_k, GError **error);
BN_MODEL_API guint bn_engine_get_certified_head (BnEngine *e);
BN_MODEL_API void bn_engine_get_head_stats (BnEngine *e, BnEngineHeadStats *stats);

BN_MODEL_API void bn_synthetic_prompt (guint64 seed, guint n, guint n_vocab, GArray *ids);
BN_MODEL_API gboolean bn_token_ids_parse (const char *const *strv, guint n_vocab, GArray *ids, GError **error);
BN_MODEL_API gint32 bn_logits_argmax (const float *logits, guint n);
BN_MODEL_API char *bn_logits_digest (const float *logits, guint n);

G_END_DECLS
