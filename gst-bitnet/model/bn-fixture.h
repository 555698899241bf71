/* gst-bitnet: synthesized BitNet models
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_MODEL_INSIDE) && !defined(BN_MODEL_COMPILATION)
#error "Only <gst-bitnet/model/model.h> can be included directly."
#endif

#include <gst-bitnet/model/bn-model.h>

G_BEGIN_DECLS

/**
 * BnFixtureParams:
 * @arch: the architecture
 * @n_vocab: vocabulary size (at least 258)
 * @n_ctx: context length
 * @n_embd: hidden size
 * @n_ff: feed-forward size
 * @n_layer: blocks
 * @n_head: attention heads
 * @n_head_kv: key/value heads
 * @rope_theta: RoPE base
 * @rms_eps: RMSNorm epsilon
 * @weight_type: type of the ternary layers: %BN_GGUF_TYPE_I2_S,
 *   %BN_GGUF_TYPE_TQ2_0, %BN_GGUF_TYPE_TQ1_0 (ternary) or
 *   %BN_GGUF_TYPE_F32, %BN_GGUF_TYPE_F16 (float latent weights)
 * @embd_type: type of the embedding: %BN_GGUF_TYPE_F16 or %BN_GGUF_TYPE_F32
 * @tensor_scales: write llama.cpp-style `blk.N.X.scale` tensors (ternary
 *   TQ blocks then carry scale 1)
 * @seed: the seed; equal parameters give equal bytes on any machine
 *
 * What to synthesize. bn_fixture_params_init() fills it for a named size.
 *
 * Since: 0.1
 */
typedef struct {
  BnArch arch;
  guint32 n_vocab, n_ctx, n_embd, n_ff, n_layer, n_head, n_head_kv;
  float rope_theta, rms_eps;
  BnGgufType weight_type;
  BnGgufType embd_type;
  gboolean tensor_scales;
  guint64 seed;
} BnFixtureParams;

BN_MODEL_API gboolean bn_fixture_params_init (BnFixtureParams *params, const char *size, BnArch arch, GError **error);
BN_MODEL_API BnModel *bn_fixture_generate (const BnFixtureParams *params, GError **error);

G_END_DECLS
