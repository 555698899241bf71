/* gst-bitnet: the inference engine (forward pass over a BnModel)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-engine.h"
#include <gst-bitnet/bn.h>

#include "kernels/forward/bn-forward.h"
#include "kernels/bn-kernels.h"
#include "kernels/bn-threads.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

/**
 * SECTION:bn-engine
 * @title: BnEngine
 * @short_description: the BitNet b1.58 forward pass over a model
 *
 * A #BnEngine runs a #BnModel of either BitNet architecture (llama.cpp's
 * `bitnet`, bitnet.cpp's `bitnet-b1.58`) on the CPU: bn_engine_eval()
 * takes a prompt (many tokens, through the batched ternary kernels) or one
 * token (a decode step, through the GEMV kernels), appends it to the KV
 * cache and returns the logits of the last token.
 *
 * Ternary weights are used as the kernels read them, never expanded to
 * float: the kernel-format weights that the `quantizer` element attached
 * (bn_model_get_kernel_weight()), else TQ2_0/TQ1_0 and x86 I2_S tensors in
 * place (bitnet.cpp's x86 I2_S is the I2S kernel layout), else other I2_S
 * tensors repacked once. Float latent
 * weights are refused (#BN_ENGINE_ERROR_UNSUPPORTED): add a `quantizer`.
 *
 * Work is split over a persistent thread team so that every output value
 * is computed by one thread in a fixed order: logits are bit-identical for
 * any number of threads, across runs, and between a prompt and the same
 * tokens decoded one by one. An engine serves one caller at a time.
 * Details: docs/engine.md.
 */

/**
 * BnEngine:
 *
 * The forward pass of one model with its KV cache and thread team.
 *
 * Since: 0.1
 */
struct _BnEngine {
  GObject parent_instance;
  BnModel *model;
  BnFwd *fwd;
  const BnKernels *kernels;
  guint n_vocab;
  GPtrArray *owned; /* bn_kalloc'd repacked weights */
  float *norms;     /* aligned copies handed to the forward pass */
};

G_DEFINE_FINAL_TYPE (BnEngine, bn_engine, G_TYPE_OBJECT)

/**
 * bn_engine_error_quark:
 *
 * Gets the #BN_ENGINE_ERROR quark.
 *
 * Returns: the #BN_ENGINE_ERROR quark.
 *
 * Since: 0.1
 */
/* the quark name is stringized: clang-format must not space it */
/* clang-format off */
G_DEFINE_QUARK (bn-engine-error-quark, bn_engine_error)
/* clang-format on */

static void
bn_engine_finalize (GObject *object)
{
  BnEngine *self = BN_ENGINE (object);
  g_clear_pointer (&self->fwd, bn_fwd_free);
  g_clear_pointer (&self->owned, g_ptr_array_unref);
  g_clear_pointer (&self->norms, g_free);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (bn_engine_parent_class)->finalize (object);
}

static void
bn_engine_class_init (BnEngineClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bn_engine_finalize;
}

static void
bn_engine_init (BnEngine *self)
{
  self->owned = g_ptr_array_new_with_free_func (bn_kfree);
}

/* ---- weights --------------------------------------------------------------- */

/* I2_S tensors are repacked on the engine's threads (one tensor each) */
typedef struct {
  const BnTensor *t;
  void *dst;
  gsize size;
  BnTernary *out;
  int rc;
} Repack;

typedef struct {
  Repack *jobs;
  guint n;
} RepackSet;

static void
repack_share (void *data, unsigned ith, unsigned nth)
{
  RepackSet *set = data;
  for (guint i = ith; i < set->n; i += nth) {
    Repack *r = &set->jobs[i];
    r->rc = bn_i2s_from_file (r->dst, r->size, r->t->data, r->t->size, r->t->dims[1], r->t->dims[0], BN_I2S_FILE_X86,
                              r->out);
  }
}

static gboolean
repack_all (GArray *jobs, guint n_threads, GError **error)
{
  RepackSet set = { (Repack *) jobs->data, jobs->len };
  if (!jobs->len)
    return TRUE;
  BnTeam *team = bn_team_new (MIN (n_threads, jobs->len));
  if (!team) {
    g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_RESOURCE, _("Cannot start %u threads"), n_threads);
    return FALSE;
  }
  bn_team_run (team, repack_share, &set);
  bn_team_free (team);
  for (guint i = 0; i < set.n; i++)
    if (set.jobs[i].rc != BN_K_OK) {
      const BnTensor *t = set.jobs[i].t;
      g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_UNSUPPORTED,
                   _("Cannot read I2_S tensor %s (%" PRIu64 " x %" PRIu64 ", %zu bytes): %s"), t->name, t->dims[1],
                   t->dims[0], (size_t) t->size, bn_kstatus_to_string (set.jobs[i].rc));
      return FALSE;
    }
  return TRUE;
}

/* fills @out now, or (I2_S) queues a repack into @repacks */
static gboolean
load_ternary (BnEngine *self, guint layer, const char *name, BnTernary *out, GArray *repacks, GError **error)
{
  const BnTernary *kw = bn_model_get_kernel_weight (self->model, layer, name);
  if (kw) {
    *out = *kw;
    return TRUE;
  }
  const BnTensor *t = bn_model_get_layer_tensor (self->model, layer, name);
  if (!t) {
    g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_UNSUPPORTED, _("The model has no tensor blk.%u.%s.weight"),
                 layer, name);
    return FALSE;
  }
  size_t rows = t->n_dims == 2 ? t->dims[1] : 0, cols = t->dims[0];
  switch (t->type) {
  case BN_GGUF_TYPE_TQ2_0:
  case BN_GGUF_TYPE_TQ1_0:
    *out = (BnTernary){
      t->type == BN_GGUF_TYPE_TQ2_0 ? BN_TERNARY_TQ2_0 : BN_TERNARY_TQ1_0, rows, cols, t->data, t->size, 1.0f
    };
    if (bn_ternary_check_shape (out->format, rows, cols) != BN_K_OK
        || t->size < bn_ternary_packed_size (out->format, rows, cols)) {
      g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_UNSUPPORTED,
                   _("Tensor %s (%s, %zu x %zu) cannot be run: its rows must be multiples of 256 "
                      "and its data complete"),
                   t->name, bn_gguf_type_name (t->type), rows, cols);
      return FALSE;
    }
    return TRUE;
  case BN_GGUF_TYPE_I2_S: {
    /* x86 I2_S with whole-block rows is the I2S kernel layout: run in place */
    int rc = bn_i2s_view_file (t->data, t->size, rows, cols, BN_I2S_FILE_X86, out);
    if (rc == BN_K_OK)
      return TRUE;
    if (rc != BN_K_ERR_SHAPE) {
      g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_UNSUPPORTED,
                   _("Cannot read I2_S tensor %s (%zu x %zu, %zu bytes): %s"), t->name, rows, cols, (size_t) t->size,
                   bn_kstatus_to_string (rc));
      return FALSE;
    }
    gsize size = bn_ternary_packed_size (BN_TERNARY_I2S, rows, cols);
    if (!size || bn_i2s_file_size (rows, cols, BN_I2S_FILE_X86) == 0) {
      g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_UNSUPPORTED,
                   _("I2_S tensor %s (%zu x %zu) has a shape the I2S kernels cannot run"), t->name, rows, cols);
      return FALSE;
    }
    void *buf = bn_kalloc (size);
    if (!buf) {
      g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_RESOURCE,
                   _("Out of memory repacking I2_S tensor %s (%zu bytes)"), t->name, (size_t) size);
      return FALSE;
    }
    g_ptr_array_add (self->owned, buf);
    Repack r = { t, buf, size, out, BN_K_OK };
    g_array_append_val (repacks, r);
    return TRUE;
  }
  case BN_GGUF_TYPE_F32:
  case BN_GGUF_TYPE_F16:
  case BN_GGUF_TYPE_BF16:
    g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_UNSUPPORTED,
                 _("Tensor %s holds float latent weights (%s): the engine runs ternary weights "
                    "only, never float copies of them; add a quantizer element before the "
                    "executor (e.g. \"quantizer format=i2s\")"),
                 t->name, bn_gguf_type_name (t->type));
    return FALSE;
  default:
    g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_UNSUPPORTED,
                 _("Tensor %s has type %s, which the engine cannot run (it runs I2_S, TQ2_0, TQ1_0 "
                    "and the quantizer's kernel formats)"),
                 t->name, bn_gguf_type_name (t->type));
    return FALSE;
  }
}

static gboolean
load_norm (BnEngine *self, const char *name, guint64 n, float *dst, GError **error)
{
  const BnTensor *t = bn_model_find_tensor (self->model, name);
  if (!t) {
    g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_UNSUPPORTED, _("The model has no tensor %s"), name);
    return FALSE;
  }
  if (t->type != BN_GGUF_TYPE_F32 || t->n_elements != n || t->size < n * sizeof (float)) {
    g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_UNSUPPORTED,
                 _("Norm tensor %s is %s with %" PRIu64 " values; the engine reads F32 "
                    "norms of %" PRIu64 " values"),
                 name, bn_gguf_type_name (t->type), t->n_elements, n);
    return FALSE;
  }
  memcpy (dst, t->data, n * sizeof (float));
  return TRUE;
}

static gboolean
load_table (const BnTensor *t, guint64 n_embd, guint64 n_vocab, BnFwdFloatType *type, GError **error)
{
  guint64 row;
  switch (t->type) {
  case BN_GGUF_TYPE_F32:
    *type = BN_FWD_F32;
    row = 4 * n_embd;
    break;
  case BN_GGUF_TYPE_F16:
    *type = BN_FWD_F16;
    row = 2 * n_embd;
    break;
  case BN_GGUF_TYPE_Q8_0:
    *type = BN_FWD_Q8_0;
    row = n_embd / BN_Q8_0_BLOCK * BN_Q8_0_BLOCK_BYTES;
    if (n_embd % BN_Q8_0_BLOCK) {
      g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_UNSUPPORTED,
                   _("Tensor %s is Q8_0 but its rows (%" PRIu64 ") are not multiples "
                      "of 32"),
                   t->name, n_embd);
      return FALSE;
    }
    break;
  default:
    g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_UNSUPPORTED,
                 _("Tensor %s has type %s; the engine reads embeddings and heads in F32, F16 or "
                    "Q8_0 (the quantizer's head=q8_0 or head=f16 converts it)"),
                 t->name, bn_gguf_type_name (t->type));
    return FALSE;
  }
  if (t->n_dims != 2 || t->dims[0] != n_embd || t->dims[1] != n_vocab || t->size < row * n_vocab) {
    g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_UNSUPPORTED,
                 _("Tensor %s does not hold %" PRIu64 " rows of %" PRIu64 " values"), t->name, n_vocab, n_embd);
    return FALSE;
  }
  return TRUE;
}

/* ---- public API ------------------------------------------------------------ */

/**
 * bn_engine_new:
 * @model: a model checked by bn_model_update_config()
 * @opts: (nullable): how to run it; %NULL for the defaults
 * @error: return location for a #GError
 *
 * Prepares @model for inference: finds the kernel form of every ternary
 * layer (see the section description), copies the norms, allocates the KV
 * cache and every buffer a pass needs, and starts the thread team. The
 * engine keeps a reference on @model, whose tensors it reads in place.
 *
 * Returns: (transfer full) (nullable): a new engine, or %NULL with
 *   @error set (#BN_ENGINE_ERROR).
 *
 * Since: 0.1
 */
BnEngine *
bn_engine_new (BnModel *model, const BnEngineOptions *opts, GError **error)
{
  g_return_val_if_fail (BN_IS_MODEL (model), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  BnEngineOptions defaults = { 0 };
  if (!opts)
    opts = &defaults;
  const BnModelConfig *c = bn_model_get_config (model);
  if (!c) {
    g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_INVALID,
                 _("The model has not been checked (bn_model_update_config)"));
    return NULL;
  }

  g_autoptr (BnEngine) self = g_object_new (BN_TYPE_ENGINE, NULL);
  self->model = g_object_ref (model);
  self->n_vocab = c->n_vocab;

  char kerr[256];
  if (bn_kernels_select (opts->kernel_variant, &self->kernels, kerr, sizeof kerr) != BN_K_OK) {
    g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_KERNEL, _("Cannot select the kernels: %s"), kerr);
    return NULL;
  }
  guint n_threads = opts->n_threads ? opts->n_threads : g_get_num_processors ();
  guint n_ctx = opts->n_ctx ? opts->n_ctx : c->n_ctx;
  if (n_threads > 256) {
    g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_INVALID, _("%u threads asked; the engine runs at most 256"),
                 n_threads);
    return NULL;
  }

  /* norms: 4 per block, then output_norm, in one aligned block */
  gsize per_layer = 3 * (gsize) c->n_embd + c->n_ff;
  self->norms = g_new (float, per_layer * c->n_layer + c->n_embd);
  g_autofree BnFwdLayer *layers = g_new0 (BnFwdLayer, c->n_layer);
  g_autoptr (GArray) repacks = g_array_new (FALSE, FALSE, sizeof (Repack));
  for (guint l = 0; l < c->n_layer; l++) {
    BnFwdLayer *L = &layers[l];
    float *n = self->norms + l * per_layer;
    char name[96];
#define NORM(field, suffix, len, off)                                                                                  \
  g_snprintf (name, sizeof name, "blk.%u." suffix ".weight", l);                                                       \
  if (!load_norm (self, name, len, n + (off), error))                                                                  \
    return NULL;                                                                                                       \
  L->field = n + (off);
    NORM (attn_norm, "attn_norm", c->n_embd, 0)
    NORM (attn_sub_norm, "attn_sub_norm", c->n_embd, c->n_embd)
    NORM (ffn_norm, "ffn_norm", c->n_embd, 2 * (gsize) c->n_embd)
    NORM (ffn_sub_norm, "ffn_sub_norm", c->n_ff, 3 * (gsize) c->n_embd)
#undef NORM
    for (int p = 0; p < BN_FWD_N_PROJ; p++) {
      const char *pname = BN_MODEL_TERNARY_NAMES[p];
      if (!load_ternary (self, l, pname, &L->w[p], repacks, error))
        return NULL;
      L->scale[p] = bn_model_get_layer_scale (model, l, pname);
    }
  }
  if (!repack_all (repacks, n_threads, error))
    return NULL;
  float *out_norm = self->norms + per_layer * c->n_layer;
  if (!load_norm (self, "output_norm.weight", c->n_embd, out_norm, error))
    return NULL;

  const BnTensor *embd = bn_model_find_tensor (model, "token_embd.weight");
  const BnTensor *head = bn_model_find_tensor (model, "output.weight");
  if (!head)
    head = embd;
  BnFwdModel fm = {
    .n_vocab = c->n_vocab,
    .n_embd = c->n_embd,
    .n_ff = c->n_ff,
    .n_layer = c->n_layer,
    .n_head = c->n_head,
    .n_head_kv = c->n_head_kv,
    .head_dim = c->head_dim,
    .rope_dim = c->rope_dim,
    .rope_theta = c->rope_theta,
    .rms_eps = c->rms_eps,
    .ffn_act = c->ffn_act == BN_FFN_ACT_SILU ? BN_FWD_FFN_SILU : BN_FWD_FFN_RELU2,
    .output_norm = out_norm,
    .layers = layers,
  };
  if (!embd || !load_table (embd, c->n_embd, c->n_vocab, &fm.embd_type, error)
      || !load_table (head, c->n_embd, c->n_vocab, &fm.head_type, error)) {
    if (!embd)
      g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_UNSUPPORTED,
                   _("The model has no tensor token_embd.weight"));
    return NULL;
  }
  fm.embd = embd->data;
  fm.head = head->data;

  BnFwdOptions fo = {
    .n_threads = n_threads,
    .n_ctx = n_ctx,
    .kv_f16 = opts->kv_f16 != FALSE,
    .act_q8k = opts->act_q8k_matching != FALSE,
    .kernels = self->kernels,
  };
  char ferr[256] = "";
  int rc = bn_fwd_new (&fm, &fo, &self->fwd, ferr, sizeof ferr);
  if (rc != BN_K_OK) {
    g_set_error (error, BN_ENGINE_ERROR, rc == BN_K_ERR_NOMEM ? BN_ENGINE_ERROR_RESOURCE : BN_ENGINE_ERROR_UNSUPPORTED,
                 _("Cannot run the model: %s"), ferr);
    return NULL;
  }
  g_debug ("engine: %u threads, %u positions (%s KV, %" G_GUINT64_FORMAT " bytes), kernels %s, "
           "%" G_GUINT64_FORMAT " bytes of weights per token",
           n_threads, n_ctx, opts->kv_f16 ? "f16" : "f32", bn_fwd_kv_bytes (self->fwd), self->kernels->name,
           bn_fwd_bytes_per_token (self->fwd));
  return g_steal_pointer (&self);
}

/**
 * bn_engine_reset:
 * @e: an engine
 *
 * Empties the KV cache: the next bn_engine_eval() starts at position 0.
 * Also zeroes the counters of bn_engine_get_head_stats().
 *
 * Since: 0.1
 */
void
bn_engine_reset (BnEngine *e)
{
  g_return_if_fail (BN_IS_ENGINE (e));
  bn_fwd_reset (e->fwd);
}

/**
 * bn_engine_eval:
 * @e: an engine
 * @tokens: (array length=n_tokens): token ids
 * @n_tokens: how many (at least 1)
 * @logits_last: (out caller-allocates) (array) (nullable): room for
 *   bn_engine_get_n_vocab() floats, the logits of the last token; %NULL
 *   skips the output head
 * @error: return location for a #GError
 *
 * Runs @tokens at the next positions and appends them to the KV cache: a
 * prompt when @n_tokens > 1 (batched products, up to 16 tokens per pass
 * over the weights), a decode step when @n_tokens is 1. Nothing changes
 * when it fails with #BN_ENGINE_ERROR_CONTEXT_FULL or
 * #BN_ENGINE_ERROR_BAD_TOKEN.
 *
 * Returns: %TRUE on success.
 *
 * Since: 0.1
 */
gboolean
bn_engine_eval (BnEngine *e, const gint32 *tokens, guint n_tokens, float *logits_last, GError **error)
{
  g_return_val_if_fail (BN_IS_ENGINE (e), FALSE);
  g_return_val_if_fail (tokens != NULL || n_tokens == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  size_t pos = bn_fwd_pos (e->fwd), n_ctx = bn_fwd_n_ctx (e->fwd);

  if (n_tokens == 0) {
    g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_INVALID, _("No tokens to evaluate"));
    return FALSE;
  }
  if (n_tokens > n_ctx - pos) {
    g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_CONTEXT_FULL,
                 _("The context is full: %u more tokens at position %zu exceed the %zu positions "
                    "of the KV cache (reset the engine or give it a larger context)"),
                 n_tokens, pos, n_ctx);
    return FALSE;
  }
  for (guint i = 0; i < n_tokens; i++)
    if (tokens[i] < 0 || (guint) tokens[i] >= e->n_vocab) {
      g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_BAD_TOKEN,
                   _("Token %d (at index %u) is outside the vocabulary of %u tokens"), tokens[i], i, e->n_vocab);
      return FALSE;
    }
  int rc = bn_fwd_eval (e->fwd, tokens, n_tokens, logits_last);
  if (rc != BN_K_OK) {
    g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_FAILED, _("The forward pass failed at position %zu: %s"), pos,
                 bn_kstatus_to_string (rc));
    return FALSE;
  }
  /* a model file truncated while mapped was read as zeros: say so */
  return bn_model_check_intact (e->model, error);
}

/**
 * bn_engine_set_certified_head:
 * @e: an engine
 * @top_k: how many of the best logits must be exact: 1 for greedy
 *   decoding, k for top-k sampling (at most 64); 0 returns to the full head
 * @error: return location for a #GError
 *
 * Turns the certified head on or off. With it, bn_engine_eval() computes
 * the output head in two passes: a screening pass over an int8 copy of the
 * f16 head (made on the first call, by the engine's threads; 1 byte per
 * weight instead of 2) bounds every logit in an interval, and only the
 * rows whose interval reaches the @top_k-th best lower bound (the
 * candidates) are computed with the f16 head's own kernel. Their logits
 * are bit-identical to the full head's; every other logit is written as
 * -infinity. The @top_k best logits, ties included, are always among the
 * candidates, so the argmax (lowest id among equal maxima) and the
 * @top_k best logits equal the full head's by construction. When more than
 * a quarter of the vocabulary are candidates, the full head runs instead
 * (counted in bn_engine_get_head_stats()). The bound: docs/engine.md,
 * section "Certified head".
 *
 * Returns: %TRUE on success; %FALSE with #BN_ENGINE_ERROR_UNSUPPORTED when
 *   the head is not f16 or holds a value that is not finite,
 *   #BN_ENGINE_ERROR_INVALID when @top_k is out of range, or
 *   #BN_ENGINE_ERROR_RESOURCE.
 *
 * Since: 0.2
 */
gboolean
bn_engine_set_certified_head (BnEngine *e, guint top_k, GError **error)
{
  g_return_val_if_fail (BN_IS_ENGINE (e), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  const BnTensor *head = bn_model_find_tensor (e->model, "output.weight");
  if (!head)
    head = bn_model_find_tensor (e->model, "token_embd.weight");
  if (top_k > 0 && head && head->type != BN_GGUF_TYPE_F16) {
    g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_UNSUPPORTED,
                 _("The certified head screens an F16 output head; %s is %s"), head->name,
                 bn_gguf_type_name (head->type));
    return FALSE;
  }
  if (top_k > BN_FWD_CERT_MAX_K || (top_k > 0 && top_k >= e->n_vocab)) {
    g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_INVALID,
                 _("The certified head keeps 1 to %d of the best logits, fewer than the vocabulary; %u asked"),
                 BN_FWD_CERT_MAX_K, top_k);
    return FALSE;
  }
  int rc = bn_fwd_set_head_certified (e->fwd, top_k);
  if (rc == BN_K_ERR_NOMEM) {
    g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_RESOURCE,
                 _("Out of memory for the screening copy of the output head"));
    return FALSE;
  }
  if (rc != BN_K_OK) {
    g_set_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_UNSUPPORTED,
                 _("The output head cannot be screened: a row holds a value that is not finite"));
    return FALSE;
  }
  return TRUE;
}

/**
 * bn_engine_get_certified_head:
 * @e: an engine
 *
 * Gets how many of the best logits the certified head keeps exact.
 *
 * Returns: the top_k of bn_engine_set_certified_head(), 0 when the full
 *   head runs.
 *
 * Since: 0.2
 */
guint
bn_engine_get_certified_head (BnEngine *e)
{
  g_return_val_if_fail (BN_IS_ENGINE (e), 0);
  return (guint) bn_fwd_get_head_certified (e->fwd);
}

/**
 * bn_engine_get_head_stats:
 * @e: an engine
 * @stats: (out caller-allocates): the counters
 *
 * Gets the certified head's counters since the last bn_engine_reset() (or
 * since the engine was made).
 *
 * Since: 0.2
 */
void
bn_engine_get_head_stats (BnEngine *e, BnEngineHeadStats *stats)
{
  g_return_if_fail (BN_IS_ENGINE (e));
  g_return_if_fail (stats != NULL);
  BnFwdHeadStats s;
  bn_fwd_head_stats (e->fwd, &s);
  stats->steps = s.steps;
  stats->candidates = s.candidates;
  stats->candidates_max = s.candidates_max;
  stats->fallbacks = s.fallbacks;
}

/**
 * bn_engine_get_model:
 * @e: an engine
 *
 * Gets the model it runs.
 *
 * Returns: (transfer none): the model it runs.
 *
 * Since: 0.1
 */
BnModel *
bn_engine_get_model (BnEngine *e)
{
  g_return_val_if_fail (BN_IS_ENGINE (e), NULL);
  return e->model;
}

/**
 * bn_engine_get_n_vocab:
 * @e: an engine
 *
 * Gets the number of logits bn_engine_eval() writes.
 *
 * Returns: the number of logits bn_engine_eval() writes.
 *
 * Since: 0.1
 */
guint
bn_engine_get_n_vocab (BnEngine *e)
{
  g_return_val_if_fail (BN_IS_ENGINE (e), 0);
  return e->n_vocab;
}

/**
 * bn_engine_get_pos:
 * @e: an engine
 *
 * Gets the number of tokens in the KV cache (the next position).
 *
 * Returns: the number of tokens in the KV cache (the next position).
 *
 * Since: 0.1
 */
guint
bn_engine_get_pos (BnEngine *e)
{
  g_return_val_if_fail (BN_IS_ENGINE (e), 0);
  return (guint) bn_fwd_pos (e->fwd);
}

/**
 * bn_engine_get_n_ctx:
 * @e: an engine
 *
 * Gets the positions of the KV cache.
 *
 * Returns: the positions of the KV cache.
 *
 * Since: 0.1
 */
guint
bn_engine_get_n_ctx (BnEngine *e)
{
  g_return_val_if_fail (BN_IS_ENGINE (e), 0);
  return (guint) bn_fwd_n_ctx (e->fwd);
}

/**
 * bn_engine_get_n_threads:
 * @e: an engine
 *
 * Gets the threads of its team, the calling thread included.
 *
 * Returns: the threads of its team, the calling thread included.
 *
 * Since: 0.1
 */
guint
bn_engine_get_n_threads (BnEngine *e)
{
  g_return_val_if_fail (BN_IS_ENGINE (e), 0);
  return bn_fwd_n_threads (e->fwd);
}

/**
 * bn_engine_get_kernel_variant:
 * @e: an engine
 *
 * Gets the kernel variant it runs (`scalar`, `avx2`, `avx512`, `neon`).
 *
 * Returns: (transfer none): the kernel variant it runs (`scalar`, `avx2`,
 *   `avx512`, `neon`).
 *
 * Since: 0.1
 */
const char *
bn_engine_get_kernel_variant (BnEngine *e)
{
  g_return_val_if_fail (BN_IS_ENGINE (e), NULL);
  return e->kernels->name;
}

/**
 * bn_engine_get_kernels_used:
 * @e: an engine
 *
 * The kernels that actually ran in the passes so far, as reported by the
 * calls themselves, e.g. `i2s_gemv_avx512vnni`, `i2s_gemm_avx512vnni`,
 * `tl2_lut_avx2`, `head_f16_avx512`, `attn_f32`, `rmsnorm_q8`,
 * `rope_neox`, `ffn_relu2`, `embd_f16`. Empty before the first pass.
 *
 * Returns: (transfer container) (element-type utf8): their names, each
 *   once (static strings).
 *
 * Since: 0.1
 */
GPtrArray *
bn_engine_get_kernels_used (BnEngine *e)
{
  g_return_val_if_fail (BN_IS_ENGINE (e), NULL);
  size_t n = bn_fwd_kernels_used (e->fwd, NULL, 0);
  GPtrArray *a = g_ptr_array_sized_new ((guint) n);
  if (n) {
    const char **names = g_new (const char *, n);
    n = MIN (n, bn_fwd_kernels_used (e->fwd, names, n));
    for (size_t i = 0; i < n; i++)
      g_ptr_array_add (a, (gpointer) names[i]);
    g_free (names);
  }
  return a;
}

/**
 * bn_engine_get_bytes_per_token:
 * @e: an engine
 *
 * The bytes of weights one decoded token reads: every ternary weight as
 * packed in the format that runs, the norm vectors, one embedding row and
 * the whole output head. Divide a read bandwidth by it for the
 * memory-bound ceiling in tokens per second. The KV cache is not counted
 * (it grows with the position; see bn_engine_get_kv_bytes()).
 *
 * Returns: bytes per token.
 *
 * Since: 0.1
 */
guint64
bn_engine_get_bytes_per_token (BnEngine *e)
{
  g_return_val_if_fail (BN_IS_ENGINE (e), 0);
  return bn_fwd_bytes_per_token (e->fwd);
}

/**
 * bn_engine_get_kv_bytes:
 * @e: an engine
 *
 * Gets the bytes allocated for the KV cache (layers x 2 x positions x key/value width x 2 or 4 bytes).
 *
 * Returns: the bytes allocated for the KV cache (layers x 2 x positions x
 *   key/value width x 2 or 4 bytes).
 *
 * Since: 0.1
 */
guint64
bn_engine_get_kv_bytes (BnEngine *e)
{
  g_return_val_if_fail (BN_IS_ENGINE (e), 0);
  return bn_fwd_kv_bytes (e->fwd);
}

/**
 * bn_synthetic_prompt:
 * @seed: the seed
 * @n: number of tokens (0 gives 8)
 * @n_vocab: the model's vocabulary size
 * @ids: (element-type gint32): where the ids are appended
 *
 * Appends a synthetic prompt: @n ids drawn from @seed among the first 256
 * tokens (the byte tokens of a BPE vocabulary). Every executor uses this
 * rule, so ours and the reference run the same prompt.
 *
 * Since: 0.1
 */
void
bn_synthetic_prompt (guint64 seed, guint n, guint n_vocab, GArray *ids)
{
  g_autoptr (GRand) r = g_rand_new_with_seed ((guint32) (seed ^ 0x5eed));
  if (!n)
    n = 8;
  for (guint i = 0; i < n; i++) {
    gint32 id = g_rand_int_range (r, 0, MIN (n_vocab, 256));
    g_array_append_val (ids, id);
  }
}

/**
 * bn_token_ids_parse:
 * @strv: (array zero-terminated=1): token ids as text
 * @n_vocab: the vocabulary size
 * @ids: (element-type gint32): where the ids are appended
 * @error: return location for a #GError
 *
 * Parses token ids given as text (a `prompt-tokens` property), each below
 * @n_vocab.
 *
 * Returns: %TRUE, or %FALSE with @error naming the bad entry.
 *
 * Since: 0.1
 */
gboolean
bn_token_ids_parse (const char *const *strv, guint n_vocab, GArray *ids, GError **error)
{
  for (guint i = 0; strv && strv[i]; i++) {
    guint64 v;
    if (!n_vocab || !g_ascii_string_to_unsigned (strv[i], 10, 0, n_vocab - 1, &v, NULL)) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS, _("prompt-tokens: \"%s\" is not a token id below %u"),
                   strv[i], n_vocab);
      return FALSE;
    }
    gint32 id = (gint32) v;
    g_array_append_val (ids, id);
  }
  return TRUE;
}

/**
 * bn_logits_argmax:
 * @logits: (array length=n): logits of one step
 * @n: how many, at least 1
 *
 * Gets the greedy choice: the token with the highest logit, the lowest id
 * among equal maxima, as every executor and replay decode greedily.
 *
 * Returns: the token id.
 *
 * Since: 0.2
 */
gint32
bn_logits_argmax (const float *logits, guint n)
{
  g_return_val_if_fail (logits != NULL && n > 0, 0);
  guint best = 0;
  for (guint i = 1; i < n; i++)
    if (logits[i] > logits[best])
      best = i;
  return (gint32) best;
}

/**
 * bn_logits_digest:
 * @logits: (array length=n): logits of one step
 * @n: how many
 *
 * Gets the SHA-256 of the logits' bytes, for determinism checks.
 *
 * Returns: (transfer full): the hexadecimal digest.
 *
 * Since: 0.1
 */
char *
bn_logits_digest (const float *logits, guint n)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) logits, n * sizeof (float));
}
