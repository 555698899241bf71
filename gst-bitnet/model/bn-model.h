/* gst-bitnet: a BitNet model flowing between elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_MODEL_INSIDE) && !defined(BN_MODEL_COMPILATION)
#error "Only <gst-bitnet/model/model.h> can be included directly."
#endif

#include <gst-bitnet/bn.h>
#include <gst-bitnet/model/model-prelude.h>
#include <gst-bitnet/model/bn-gguf.h>
#include <gst-bitnet/model/bn-tokenizer.h>

G_BEGIN_DECLS

/**
 * BN_MODEL_ERROR:
 *
 * Error domain for models whose metadata or tensors the engine cannot use.
 *
 * Since: 0.1
 */
#define BN_MODEL_ERROR (bn_model_error_quark ())
BN_MODEL_API GQuark bn_model_error_quark (void);

/**
 * BnModelError:
 * @BN_MODEL_ERROR_UNSUPPORTED_ARCH: `general.architecture` is not a BitNet one.
 * @BN_MODEL_ERROR_MISSING_KEY: a required hyperparameter is absent.
 * @BN_MODEL_ERROR_INCONSISTENT: hyperparameters contradict each other.
 * @BN_MODEL_ERROR_MISSING_TENSOR: a required tensor is absent.
 * @BN_MODEL_ERROR_BAD_SHAPE: a tensor's shape does not fit the hyperparameters.
 * @BN_MODEL_ERROR_UNSUPPORTED_TYPE: a tensor's type cannot be read.
 * @BN_MODEL_ERROR_INVALID: an argument is invalid (e.g. duplicate tensor).
 * @BN_MODEL_ERROR_NON_FINITE: a float tensor (norm, scale, embedding,
 *   weight) holds NaN or infinity. Since: 0.2
 *
 * Codes of the #BN_MODEL_ERROR domain. New codes are only ever appended.
 *
 * Since: 0.1
 */
typedef enum {
  BN_MODEL_ERROR_UNSUPPORTED_ARCH,
  BN_MODEL_ERROR_MISSING_KEY,
  BN_MODEL_ERROR_INCONSISTENT,
  BN_MODEL_ERROR_MISSING_TENSOR,
  BN_MODEL_ERROR_BAD_SHAPE,
  BN_MODEL_ERROR_UNSUPPORTED_TYPE,
  BN_MODEL_ERROR_INVALID,
  BN_MODEL_ERROR_NON_FINITE,
} BnModelError;

/**
 * BnArch:
 * @BN_ARCH_BITNET: llama.cpp's `bitnet`: SiLU-gated FFN, optional
 *   per-tensor `.scale` tensors.
 * @BN_ARCH_BITNET_B158: bitnet.cpp's `bitnet-b1.58` (BitNet b1.58 2B4T;
 *   also read from `bitnet-25`): squared-ReLU-gated FFN.
 *
 * The two BitNet architectures; one engine runs both from #BnModelConfig.
 *
 * Since: 0.1
 */
typedef enum {
  BN_ARCH_BITNET,
  BN_ARCH_BITNET_B158, /*< nick=bitnet-b1.58 >*/
} BnArch;

/**
 * BnFfnAct:
 * @BN_FFN_ACT_SILU: `silu(gate(x)) * up(x)`.
 * @BN_FFN_ACT_RELU2: `relu(gate(x))^2 * up(x)`.
 *
 * The gating activation of the feed-forward block.
 *
 * Since: 0.1
 */
typedef enum {
  BN_FFN_ACT_SILU,
  BN_FFN_ACT_RELU2,
} BnFfnAct;

/**
 * BnModelConfig:
 * @arch: the architecture
 * @ffn_act: the FFN activation implied by @arch
 * @n_vocab: vocabulary size (rows of the embedding)
 * @n_ctx: trained context length
 * @n_embd: hidden size
 * @n_ff: feed-forward size
 * @n_layer: number of blocks
 * @n_head: attention heads
 * @n_head_kv: key/value heads (grouped-query attention)
 * @head_dim: @n_embd / @n_head
 * @rope_dim: rotated dimensions per head
 * @rope_theta: RoPE frequency base
 * @rms_eps: RMSNorm epsilon
 * @tied_head: whether the output head is the embedding (no `output.weight`)
 *
 * Hyperparameters read from (or written to) GGUF metadata.
 *
 * Since: 0.1
 */
typedef struct {
  BnArch arch;
  BnFfnAct ffn_act;
  guint32 n_vocab;
  guint32 n_ctx;
  guint32 n_embd;
  guint32 n_ff;
  guint32 n_layer;
  guint32 n_head;
  guint32 n_head_kv;
  guint32 head_dim;
  guint32 rope_dim;
  float rope_theta;
  float rms_eps;
  gboolean tied_head;
} BnModelConfig;

/**
 * BnTensor:
 * @name: the tensor's name, e.g. `blk.0.attn_q.weight`
 * @type: its element type
 * @n_dims: number of dimensions (1 to 4)
 * @dims: dimensions, innermost first (GGUF order: `[in, out]` for weights)
 * @n_elements: product of @dims
 * @data: its bytes (read-only; memory-mapped for loaded files)
 * @size: number of bytes at @data
 *
 * A tensor of a #BnModel. Owned by the model; never modified.
 *
 * Since: 0.1
 */
typedef struct {
  const char *name;
  BnGgufType type;
  guint n_dims;
  guint64 dims[4];
  guint64 n_elements;
  const guint8 *data;
  gsize size;
} BnTensor;

#define BN_TYPE_MODEL (bn_model_get_type ())
BN_MODEL_API
G_DECLARE_FINAL_TYPE (BnModel, bn_model, BN, MODEL, BnItem)

BN_MODEL_API BnModel *bn_model_new (void);
BN_MODEL_API BnModel *bn_model_new_from_gguf (BnGguf *gguf, GError **error);
BN_MODEL_API BnModel *bn_model_copy_unsealed (BnModel *model);
BN_MODEL_API gboolean bn_model_check_intact (BnModel *model, GError **error);
BN_MODEL_API void bn_model_set_metadata (BnModel *model, const char *key, BnGgufValue *value);
BN_MODEL_API const BnGgufValue *bn_model_get_metadata (BnModel *model, const char *key);
BN_MODEL_API guint bn_model_get_n_metadata (BnModel *model);
BN_MODEL_API const char *bn_model_get_metadata_key (BnModel *model, guint index);
BN_MODEL_API gboolean bn_model_add_tensor (BnModel *model, const char *name, BnGgufType type, guint n_dims,
                                           const guint64 *dims, GBytes *data, GError **error);
BN_MODEL_API gboolean bn_model_replace_tensor (BnModel *model, const char *name, BnGgufType type, GBytes *data,
                                               GError **error);
BN_MODEL_API gboolean bn_model_update_config (BnModel *model, GError **error);

BN_MODEL_API const BnModelConfig *bn_model_get_config (BnModel *model);
BN_MODEL_API const char *bn_model_get_architecture (BnModel *model);
BN_MODEL_API guint bn_model_get_n_tensors (BnModel *model);
BN_MODEL_API const BnTensor *bn_model_get_tensor (BnModel *model, guint index);
BN_MODEL_API const BnTensor *bn_model_find_tensor (BnModel *model, const char *name);
BN_MODEL_API const BnTensor *bn_model_get_layer_tensor (BnModel *model, guint layer, const char *name);
BN_MODEL_API float bn_model_get_layer_scale (BnModel *model, guint layer, const char *name);
BN_MODEL_API const char *bn_model_get_weight_format (BnModel *model);
BN_MODEL_API guint64 bn_model_get_n_params (BnModel *model);
BN_MODEL_API guint64 bn_model_get_n_ternary_params (BnModel *model);
BN_MODEL_API guint64 bn_model_get_tensor_bytes (BnModel *model);
BN_MODEL_API const char *bn_model_get_fingerprint (BnModel *model);
BN_MODEL_API char *bn_model_describe (BnModel *model);

BN_MODEL_API void bn_model_set_source (BnModel *model, const char *path, guint64 file_size, guint64 mapped_bytes);
BN_MODEL_API const char *bn_model_get_path (BnModel *model);
BN_MODEL_API guint64 bn_model_get_file_size (BnModel *model);
BN_MODEL_API guint64 bn_model_get_mapped_bytes (BnModel *model);
BN_MODEL_API void bn_model_set_load_time (BnModel *model, gint64 microseconds);
BN_MODEL_API gint64 bn_model_get_load_time (BnModel *model);

BN_MODEL_API gboolean bn_model_set_kernel_weight (BnModel *model, guint layer, const char *name, gconstpointer ternary,
                                                  GBytes *owner);
BN_MODEL_API gconstpointer bn_model_get_kernel_weight (BnModel *model, guint layer, const char *name);
BN_MODEL_API void bn_model_set_annotation (BnModel *model, const char *key, GVariant *value);
BN_MODEL_API GVariant *bn_model_get_annotation (BnModel *model, const char *key);

BN_MODEL_API BnTokenizer *bn_model_new_tokenizer (BnModel *model, GError **error);

BN_MODEL_API gboolean bn_model_write_gguf (BnModel *model, const char *path, GError **error);

/**
 * BN_MODEL_TERNARY_NAMES:
 *
 * The per-block linear layers that hold ternary weights, as the suffixes
 * of `blk.N.<name>.weight`, %NULL-terminated.
 *
 * Since: 0.1
 */
#define BN_MODEL_TERNARY_NAMES                                                                                         \
  ((const char *const[]){ "attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down", NULL })

G_END_DECLS
