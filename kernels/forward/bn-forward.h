/* gst-bitnet kernels: the BitNet b1.58 forward pass
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One code path for both architectures (llama.cpp `bitnet`, SiLU-gated FFN,
 * and bitnet.cpp `bitnet-b1.58`, squared-ReLU-gated FFN), parameterized by
 * BnFwdModel. Ternary projections run through the kernels' dispatch
 * (bn_ternary_gemm): GEMV for one token, the batched kernels (up to
 * BN_GEMM_MAX_TOKENS tokens per weight pass) for prompts. Work is split
 * over a persistent thread team so that every output element is computed
 * by one thread in a fixed order: results are bit-identical for any thread
 * count. Plain C11, no GLib; GLib glue: gst-bitnet/bn-engine.h.
 * Documentation: docs/engine.md.
 */
#pragma once

#include "../bn-ktypes.h"
#include "../bn-dispatch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The ternary projections of a block, in this order. */
typedef enum {
  BN_FWD_Q = 0,
  BN_FWD_K,
  BN_FWD_V,
  BN_FWD_O,
  BN_FWD_GATE,
  BN_FWD_UP,
  BN_FWD_DOWN,
  BN_FWD_N_PROJ
} BnFwdProj;

typedef enum {
  BN_FWD_FFN_SILU = 0, /* silu(gate) * up (llama.cpp bitnet) */
  BN_FWD_FFN_RELU2,    /* relu(gate)^2 * up (bitnet-b1.58) */
} BnFwdFfnAct;

/* Element types of the embedding and of the output head. */
typedef enum {
  BN_FWD_F32 = 0,
  BN_FWD_F16,
  BN_FWD_Q8_0, /* ggml Q8_0: blocks of 32 int8 + f16 scale */
} BnFwdFloatType;

/**
 * BnFwdLayer:
 * @w: the projections (views; data not owned, must outlive the BnFwd)
 * @scale: per-tensor output scales (llama.cpp `.scale` tensors; 1 = none),
 *   multiplied into the projection's float output
 * @attn_norm: RMSNorm weights (n_embd floats), copied by bn_fwd_new()
 * @attn_sub_norm: n_embd floats, before attn_output
 * @ffn_norm: n_embd floats
 * @ffn_sub_norm: n_ff floats, before ffn_down
 */
typedef struct {
  BnTernary w[BN_FWD_N_PROJ];
  float scale[BN_FWD_N_PROJ];
  const float *attn_norm;
  const float *attn_sub_norm;
  const float *ffn_norm;
  const float *ffn_sub_norm;
} BnFwdLayer;

/**
 * BnFwdModel:
 *
 * Everything the forward pass reads. Weight and table data are used in
 * place (never copied, never converted to float); norms are copied.
 * @embd and @head are n_vocab rows of n_embd values in their type (rows of
 * Q8_0 are n_embd / 32 blocks of 34 bytes); @head may equal @embd (tied).
 * Pointers need no particular alignment.
 */
typedef struct {
  size_t n_vocab;
  size_t n_embd;
  size_t n_ff;
  size_t n_layer;
  size_t n_head;
  size_t n_head_kv;
  size_t head_dim; /* n_embd / n_head */
  size_t rope_dim; /* even, <= head_dim */
  float rope_theta;
  float rms_eps;
  BnFwdFfnAct ffn_act;
  BnFwdFloatType embd_type;
  const void *embd;
  BnFwdFloatType head_type;
  const void *head;
  const float *output_norm; /* n_embd floats, copied */
  const BnFwdLayer *layers; /* n_layer entries, copied */
} BnFwdModel;

/**
 * BnFwdOptions:
 * @n_threads: threads of the team, caller included (>= 1)
 * @n_ctx: KV cache positions (>= 1)
 * @kv_f16: store K and V as f16 (else f32)
 * @act_q8k: "matching mode": ternary products take llama.cpp-style Q8_K
 *   activations (one scale per 256) through the scalar
 *   bn_ternary_gemv_q8k_ref(); slow, for cross-validation only
 * @ubatch: tokens per micro-batch of a prompt (0: 64)
 * @kernels: the dispatch table (NULL: bn_kernels_active()); also picks the
 *   variant of the float kernels (head, attention)
 */
typedef struct {
  unsigned n_threads;
  size_t n_ctx;
  int kv_f16;
  int act_q8k;
  size_t ubatch;
  const BnKernels *kernels;
} BnFwdOptions;

typedef struct BnFwd BnFwd;

/* Checks @model and @opts, allocates every buffer (KV cache, scratch) and
 * starts the team. On failure returns a BnKStatus and writes a message to
 * @err (nullable). */
BN_KERNEL_API int bn_fwd_new (const BnFwdModel *model, const BnFwdOptions *opts, BnFwd **out, char *err,
                              size_t err_len);
BN_KERNEL_API void bn_fwd_free (BnFwd *f);

/* Empties the KV cache (position 0) and zeroes the head counters. */
BN_KERNEL_API void bn_fwd_reset (BnFwd *f);

/* Runs @n_tokens tokens at positions pos .. pos + n_tokens - 1 (one
 * micro-batch of up to ubatch tokens at a time; n_tokens == 1 is a decode
 * step through the GEMV kernels) and appends them to the KV cache. If
 * @logits (nullable) is given, writes the n_vocab logits of the last
 * token; without it the head is skipped. Refuses (BN_K_ERR_INVALID,
 * nothing changed) a token outside [0, n_vocab) or pos + n_tokens > n_ctx.
 * Allocates nothing. */
BN_KERNEL_API int bn_fwd_eval (BnFwd *f, const int32_t *tokens, size_t n_tokens, float *logits);

BN_KERNEL_API size_t bn_fwd_pos (const BnFwd *f);
BN_KERNEL_API size_t bn_fwd_n_ctx (const BnFwd *f);
BN_KERNEL_API unsigned bn_fwd_n_threads (const BnFwd *f);

/* Bytes of weights read per decoded token (packed ternary weights, norm
 * vectors, one embedding row, every row of the head; with the certified
 * head its screening copy, 1 byte per weight and 12 per row, instead of
 * the f16 rows, the candidates' rows not counted). */
BN_KERNEL_API uint64_t bn_fwd_bytes_per_token (const BnFwd *f);
/* Bytes allocated for the KV cache. */
BN_KERNEL_API uint64_t bn_fwd_kv_bytes (const BnFwd *f);

/* ---- certified head ------------------------------------------------------
 *
 * With an f16 head, bn_fwd_set_head_certified (f, k) makes every later
 * evaluation that asks for logits run the certified head: a screening
 * pass over an int8 copy of the head (bn_head_screen_*, built once, by the
 * team, on the first call) bounds every row's float logit in an interval;
 * the rows whose upper bound reaches the k-th best lower bound (the
 * candidates) are re-scored with the f16 head kernel itself, so their
 * logits are bit-identical to the full head's; every other row gets
 * -INFINITY. Every row that the full head would rank among its k best
 * (ties included) is a candidate, so the argmax (lowest id among equal
 * maxima) and the k best logits are the full head's by construction.
 * When there are more than n_vocab / 4 candidates, or the head input is
 * not finite, the full head runs instead (a fallback: every logit is
 * written). */

#define BN_FWD_CERT_MAX_K 64

/**
 * BnFwdHeadStats:
 * @steps: evaluations of the head while certified
 * @candidates: sum over those steps of the candidate rows (fallbacks included)
 * @candidates_max: the largest candidate set of one step
 * @fallbacks: steps that ran the full head
 */
typedef struct {
  uint64_t steps;
  uint64_t candidates;
  uint64_t candidates_max;
  uint64_t fallbacks;
} BnFwdHeadStats;

/* @top_k 0 returns to the full head; 1..BN_FWD_CERT_MAX_K certifies the
 * top @top_k. BN_K_ERR_INVALID (nothing changed) when the head is not f16,
 * @top_k is out of range or not below n_vocab, or a row of the head is not
 * finite; BN_K_ERR_NOMEM. */
BN_KERNEL_API int bn_fwd_set_head_certified (BnFwd *f, size_t top_k);
BN_KERNEL_API size_t bn_fwd_get_head_certified (const BnFwd *f);
/* Counters since bn_fwd_new() or the last bn_fwd_reset(). */
BN_KERNEL_API void bn_fwd_head_stats (const BnFwd *f, BnFwdHeadStats *out);

/* Names of the kernels that ran so far (static strings), each once, in the
 * order first seen; writes up to @max into @names, returns how many there
 * are. */
BN_KERNEL_API size_t bn_fwd_kernels_used (const BnFwd *f, const char **names, size_t max);

/* ---- building blocks, exported for tests -------------------------------- */

/* The fused RMSNorm + per-token int8 quantization of the pass with the
 * float operations of @variant (every variant returns the scalar bits):
 * n = x / sqrt(mean(x^2) + eps) * w (@w nullable; the sum of squares in 8
 * double lanes), a = 127 / max(max|n|, 1e-5), q = clamp(round_half_even
 * (n * a), -128, 127). @normed (nullable) receives n; *name (nullable) the
 * kernel name. */
BN_KERNEL_API int bn_fwd_rmsnorm_q8 (BnKernelVariant variant, BnActQ8 *act, const float *x, const float *w, float eps,
                                     float *normed, const char **name);

/* Causal attention of one query head @q (hd floats) over @n_pos rows of
 * @k and @v (hd values each, f16 when @kv_f16), scale @scale, with the
 * float operations of @variant; @scores holds n_pos floats. */
BN_KERNEL_API int bn_fwd_attention (BnKernelVariant variant, const float *q, const void *k, const void *v, int kv_f16,
                                    size_t n_pos, size_t hd, float scale, float *scores, float *out, const char **name);

#ifdef __cplusplus
}
#endif
