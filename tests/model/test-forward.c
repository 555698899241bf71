/* gst-bitnet tests: the forward pass (BnEngine) against a float reference
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The reference below is written independently of kernels/forward/bn-forward-pass.c:
 * one token at a time, in double precision, with the ternary weights
 * expanded to their codes (bn_ternary_unpack_rows) times their scale.
 * It emulates the one lossy step that is part of the model definition,
 * the per-token int8 quantization of every projection input (absmax,
 * round half to even, in float as docs/facts.md section 2 defines it), and
 * the storage rounding of the KV cache (f32 or f16).
 *
 * Tolerance: the engine keeps the residual stream, RoPE angles, softmax
 * and sums in float where the reference uses double. Those differences
 * are ~1e-7 relative; they matter only when they move an activation across
 * a rounding boundary of the int8 quantization (a change of one step,
 * 1/127 of the token's largest value, in one input of one projection).
 * Over the 24 positions compared here the largest logit difference stays
 * below 1e-4 of the logits' standard deviation (printed by each test);
 * the assertion allows 1e-3, and the greedy argmax must be identical.
 */
#include <gst-bitnet/bn.h>
#include <gst-bitnet/model/model.h>

#include "kernels/bn-kernels.h"
#include "kernels/forward/bn-forward.h"

#include <math.h>
#include <string.h>

#define TOL 1e-3
#define N_PROMPT 8
#define N_DECODE 16

/* ---- models ---------------------------------------------------------------- */

static BnModel *
fixture (BnArch arch, const char *size)
{
  BnFixtureParams p;
  g_autoptr (GError) error = NULL;
  g_assert_true (bn_fixture_params_init (&p, size, arch, &error));
  BnModel *m = bn_fixture_generate (&p, &error);
  g_assert_no_error (error);
  return m;
}

/* a second shape: GQA 3:1 (b1.58, I2_S, hidden 384) or 4:1 with partial
 * RoPE, TQ1_0 weights and llama.cpp .scale tensors (bitnet) */
static BnModel *
custom (BnArch arch)
{
  BnFixtureParams p;
  g_autoptr (GError) error = NULL;
  g_assert_true (bn_fixture_params_init (&p, "tiny", arch, &error));
  p.n_vocab = 300;
  p.n_ctx = 64;
  p.n_layer = 3;
  p.seed = 7;
  p.embd_type = BN_GGUF_TYPE_F32;
  if (arch == BN_ARCH_BITNET_B158) {
    p.n_embd = 384;
    p.n_ff = 640;
    p.n_head = 6;
    p.n_head_kv = 2;
  } else {
    p.n_embd = 512;
    p.n_ff = 768;
    p.n_head = 8;
    p.n_head_kv = 2;
    p.weight_type = BN_GGUF_TYPE_TQ1_0;
    p.tensor_scales = TRUE;
  }
  g_autoptr (BnModel) m = bn_fixture_generate (&p, &error);
  g_assert_no_error (error);
  if (arch == BN_ARCH_BITNET)
    bn_model_set_metadata (m, "bitnet.rope.dimension_count", bn_gguf_value_new_uint32 (32));
  g_assert_true (bn_model_update_config (m, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&m);
}

static BnEngine *
engine (BnModel *m, guint threads, gboolean kv_f16, const char *variant)
{
  g_autoptr (GError) error = NULL;
  BnEngineOptions o = { .n_threads = threads, .kv_f16 = kv_f16, .kernel_variant = variant };
  BnEngine *e = bn_engine_new (m, &o, &error);
  g_assert_no_error (error);
  g_assert_nonnull (e);
  return e;
}

/* ---- the reference --------------------------------------------------------- */

typedef struct {
  int8_t *codes;
  double scale; /* weight scale x the optional .scale tensor */
  gsize rows, cols;
} RefMat;

typedef struct {
  const BnModelConfig *c;
  gboolean kv_f16, q8k;
  RefMat *w;          /* n_layer x 7 */
  float *norms;       /* n_layer x (3 n_embd + n_ff), then output_norm */
  float *embd, *head; /* n_vocab x n_embd each */
  gboolean head_q8;
  double *K, *V; /* [layer][pos][kv_dim] */
  guint pos, n_ctx;
} Ref;

static void
tensor_to_f32 (const BnTensor *t, float *out)
{
  switch (t->type) {
  case BN_GGUF_TYPE_F32: memcpy (out, t->data, t->n_elements * 4); break;
  case BN_GGUF_TYPE_F16:
    for (guint64 i = 0; i < t->n_elements; i++) {
      guint16 h;
      memcpy (&h, t->data + 2 * i, 2);
      out[i] = bn_f16_to_f32 (h);
    }
    break;
  case BN_GGUF_TYPE_Q8_0: bn_q8_0_dequantize (t->data, t->dims[1], t->dims[0], out); break;
  default: g_assert_not_reached ();
  }
}

static void
ref_load_mat (BnModel *m, guint l, const char *name, RefMat *out)
{
  const BnTernary *kw = bn_model_get_kernel_weight (m, l, name);
  const BnTensor *t = bn_model_get_layer_tensor (m, l, name);
  BnTernary v = { 0 };
  void *tmp = NULL;
  float s = 0.0f;

  if (kw) {
    v = *kw;
  } else if (t->type == BN_GGUF_TYPE_I2_S) {
    gsize size = bn_ternary_packed_size (BN_TERNARY_I2S, t->dims[1], t->dims[0]);
    tmp = bn_kalloc (size);
    g_assert_cmpint (bn_i2s_from_file (tmp, size, t->data, t->size, t->dims[1], t->dims[0], BN_I2S_FILE_X86, &v), ==,
                     BN_K_OK);
  } else {
    g_assert_true (t->type == BN_GGUF_TYPE_TQ2_0 || t->type == BN_GGUF_TYPE_TQ1_0);
    v = (BnTernary){ t->type == BN_GGUF_TYPE_TQ2_0 ? BN_TERNARY_TQ2_0 : BN_TERNARY_TQ1_0,
                     t->dims[1],
                     t->dims[0],
                     t->data,
                     t->size,
                     1.0f };
  }
  out->rows = v.rows;
  out->cols = v.cols;
  out->codes = g_new (int8_t, v.rows * v.cols);
  g_assert_cmpint (bn_ternary_unpack_rows (&v, 0, v.rows, out->codes), ==, BN_K_OK);
  g_assert_cmpint (bn_ternary_uniform_scale (&v, &s), ==, BN_K_OK);
  out->scale = (double) s * bn_model_get_layer_scale (m, l, name);
  bn_kfree (tmp);
}

static Ref *
ref_new (BnModel *m, gboolean kv_f16, gboolean q8k)
{
  Ref *r = g_new0 (Ref, 1);
  const BnModelConfig *c = r->c = bn_model_get_config (m);
  gsize per = 3 * c->n_embd + c->n_ff;
  r->kv_f16 = kv_f16;
  r->q8k = q8k;
  r->n_ctx = c->n_ctx;
  r->w = g_new0 (RefMat, c->n_layer * 7);
  r->norms = g_new (float, per * c->n_layer + c->n_embd);
  for (guint l = 0; l < c->n_layer; l++) {
    const char *norms[] = { "attn_norm", "attn_sub_norm", "ffn_norm", "ffn_sub_norm" };
    for (int i = 0; i < 4; i++) {
      const BnTensor *t = bn_model_get_layer_tensor (m, l, norms[i]);
      memcpy (r->norms + l * per + i * c->n_embd, t->data, t->n_elements * 4);
    }
    for (int p = 0; p < 7; p++)
      ref_load_mat (m, l, BN_MODEL_TERNARY_NAMES[p], &r->w[l * 7 + p]);
  }
  memcpy (r->norms + per * c->n_layer, bn_model_find_tensor (m, "output_norm.weight")->data, c->n_embd * 4);
  const BnTensor *e = bn_model_find_tensor (m, "token_embd.weight");
  const BnTensor *h = bn_model_find_tensor (m, "output.weight");
  r->embd = g_new (float, (gsize) c->n_vocab * c->n_embd);
  tensor_to_f32 (e, r->embd);
  if (h) {
    r->head = g_new (float, (gsize) c->n_vocab * c->n_embd);
    tensor_to_f32 (h, r->head);
  }
  r->head_q8 = (h ? h : e)->type == BN_GGUF_TYPE_Q8_0;
  gsize kv = (gsize) c->n_layer * c->n_ctx * c->n_head_kv * c->head_dim;
  r->K = g_new0 (double, kv);
  r->V = g_new0 (double, kv);
  return r;
}

static void
ref_free (Ref *r)
{
  for (guint i = 0; i < r->c->n_layer * 7; i++)
    g_free (r->w[i].codes);
  g_free (r->w);
  g_free (r->norms);
  g_free (r->embd);
  g_free (r->head);
  g_free (r->K);
  g_free (r->V);
  g_free (r);
}

/* RMSNorm in double, rounded to float (the projection input) */
static void
ref_rmsnorm (const double *x, const float *w, gsize k, float eps, float *out)
{
  double ss = 0.0;
  for (gsize i = 0; i < k; i++)
    ss += x[i] * x[i];
  double inv = 1.0 / sqrt (ss / (double) k + eps);
  for (gsize i = 0; i < k; i++)
    out[i] = (float) (x[i] * inv * w[i]);
}

/* per-token absmax int8 quantization, as docs/facts.md section 2 defines it */
static float
ref_quantize (const float *n, gsize k, int8_t *q)
{
  float amax = 0.0f;
  for (gsize i = 0; i < k; i++)
    amax = fmaxf (amax, fabsf (n[i]));
  float a = 127.0f / fmaxf (amax, 1e-5f);
  for (gsize i = 0; i < k; i++)
    q[i] = (int8_t) fminf (fmaxf (rintf (n[i] * a), -128.0f), 127.0f);
  return a;
}

static void
ref_proj (Ref *r, const RefMat *m, const float *n, double *y)
{
  g_autofree int8_t *q = g_new (int8_t, m->cols);
  if (r->q8k) {
    gsize nb = (m->cols + 255) / 256;
    g_autofree BnBlockQ8K *b = g_new (BnBlockQ8K, nb);
    bn_act_quantize_q8k (n, m->cols, b);
    for (gsize row = 0; row < m->rows; row++) {
      double acc = 0.0;
      for (gsize blk = 0; blk < nb; blk++) {
        gint64 dot = 0;
        for (gsize j = 0; j < 256 && blk * 256 + j < m->cols; j++)
          dot += m->codes[row * m->cols + blk * 256 + j] * b[blk].qs[j];
        acc += (double) dot * b[blk].d;
      }
      y[row] = acc * m->scale;
    }
    return;
  }
  float a = ref_quantize (n, m->cols, q);
  for (gsize row = 0; row < m->rows; row++) {
    gint64 dot = 0;
    for (gsize c = 0; c < m->cols; c++)
      dot += m->codes[row * m->cols + c] * q[c];
    y[row] = (double) dot * m->scale / a;
  }
}

static double
kv_round (Ref *r, double v)
{
  return r->kv_f16 ? bn_f16_to_f32 (bn_f32_to_f16 ((float) v)) : (double) (float) v;
}

static void
ref_rope (double *x, guint rope_dim, guint pos, float theta)
{
  guint half = rope_dim / 2;
  for (guint i = 0; i < half; i++) {
    double a = pos * pow (theta, -2.0 * i / rope_dim), c = cos (a), s = sin (a);
    double x0 = x[i], x1 = x[half + i];
    x[i] = x0 * c - x1 * s;
    x[half + i] = x0 * s + x1 * c;
  }
}

static void
ref_step (Ref *r, gint32 token, double *logits)
{
  const BnModelConfig *c = r->c;
  gsize ne = c->n_embd, nf = c->n_ff, hd = c->head_dim, kvd = c->n_head_kv * hd;
  gsize per = 3 * ne + nf;
  g_autofree double *x = g_new (double, ne), *q = g_new (double, ne), *k = g_new (double, kvd),
                    *v = g_new (double, kvd), *att = g_new (double, ne), *o = g_new (double, ne),
                    *g = g_new (double, nf), *u = g_new (double, nf), *s = g_new (double, r->pos + 1);
  g_autofree float *n = g_new (float, MAX (ne, nf));

  g_assert_cmpuint (r->pos, <, r->n_ctx);
  for (gsize i = 0; i < ne; i++)
    x[i] = r->embd[(gsize) token * ne + i];
  for (guint l = 0; l < c->n_layer; l++) {
    const float *nw = r->norms + l * per;
    RefMat *w = &r->w[l * 7];
    double *K = r->K + (gsize) l * r->n_ctx * kvd, *V = r->V + (gsize) l * r->n_ctx * kvd;

    ref_rmsnorm (x, nw, ne, c->rms_eps, n);
    ref_proj (r, &w[0], n, q);
    ref_proj (r, &w[1], n, k);
    ref_proj (r, &w[2], n, v);
    for (guint h = 0; h < c->n_head; h++)
      ref_rope (q + h * hd, c->rope_dim, r->pos, c->rope_theta);
    for (guint h = 0; h < c->n_head_kv; h++)
      ref_rope (k + h * hd, c->rope_dim, r->pos, c->rope_theta);
    for (gsize i = 0; i < kvd; i++) {
      K[r->pos * kvd + i] = kv_round (r, k[i]);
      V[r->pos * kvd + i] = kv_round (r, v[i]);
    }
    for (guint h = 0; h < c->n_head; h++) {
      gsize kh = h / (c->n_head / c->n_head_kv);
      const double *qh = q + h * hd;
      double max = -INFINITY, sum = 0.0;
      /* the engine rounds q to float (its projection output) */
      for (guint p = 0; p <= r->pos; p++) {
        double d = 0.0;
        for (gsize i = 0; i < hd; i++)
          d += (double) (float) qh[i] * K[p * kvd + kh * hd + i];
        s[p] = d / sqrt ((double) hd);
        max = MAX (max, s[p]);
      }
      for (guint p = 0; p <= r->pos; p++)
        sum += (s[p] = exp (s[p] - max));
      for (gsize i = 0; i < hd; i++) {
        double a = 0.0;
        for (guint p = 0; p <= r->pos; p++)
          a += s[p] * V[p * kvd + kh * hd + i];
        att[h * hd + i] = a / sum;
      }
    }
    ref_rmsnorm (att, nw + ne, ne, c->rms_eps, n);
    ref_proj (r, &w[3], n, o);
    for (gsize i = 0; i < ne; i++)
      x[i] += o[i];
    ref_rmsnorm (x, nw + 2 * ne, ne, c->rms_eps, n);
    ref_proj (r, &w[4], n, g);
    ref_proj (r, &w[5], n, u);
    for (gsize i = 0; i < nf; i++) {
      double a = g[i];
      a = c->ffn_act == BN_FFN_ACT_SILU ? a / (1.0 + exp (-a)) : (a > 0 ? a * a : 0.0);
      g[i] = a * u[i];
    }
    ref_rmsnorm (g, nw + 3 * ne, nf, c->rms_eps, n);
    ref_proj (r, &w[6], n, o);
    for (gsize i = 0; i < ne; i++)
      x[i] += o[i];
  }
  r->pos++;
  if (!logits)
    return;
  ref_rmsnorm (x, r->norms + per * c->n_layer, ne, c->rms_eps, n);
  const float *head = r->head ? r->head : r->embd;
  if (r->head_q8) {
    g_autofree int8_t *qa = g_new (int8_t, ne);
    float a = ref_quantize (n, ne, qa);
    for (gsize i = 0; i < ne; i++)
      n[i] = qa[i] / a;
  } else if (r->q8k) {
    for (gsize i = 0; i < ne; i++)
      n[i] = bn_f16_to_f32 (bn_f32_to_f16 (n[i]));
  }
  for (gsize t = 0; t < c->n_vocab; t++) {
    double acc = 0.0;
    for (gsize i = 0; i < ne; i++)
      acc += (double) head[t * ne + i] * n[i];
    logits[t] = acc;
  }
}

/* ---- comparisons ----------------------------------------------------------- */

static double
rel_diff (const float *a, const double *ref, gsize n)
{
  double mean = 0.0, var = 0.0, maxd = 0.0;
  for (gsize i = 0; i < n; i++)
    mean += ref[i];
  mean /= n;
  for (gsize i = 0; i < n; i++) {
    var += (ref[i] - mean) * (ref[i] - mean);
    maxd = MAX (maxd, fabs (a[i] - ref[i]));
  }
  return maxd / sqrt (var / n);
}

static gsize
argmax_f (const float *a, gsize n)
{
  gsize b = 0;
  for (gsize i = 1; i < n; i++)
    if (a[i] > a[b])
      b = i;
  return b;
}

static gsize
argmax_d (const double *a, gsize n)
{
  gsize b = 0;
  for (gsize i = 1; i < n; i++)
    if (a[i] > a[b])
      b = i;
  return b;
}

static gint32
prompt_token (guint i, guint n_vocab)
{
  return (gint32) ((i * 2654435761u + 17u) % n_vocab);
}

/* prompt of N_PROMPT, then N_DECODE greedy steps; engine and reference
 * must agree within TOL of the logit std and pick the same tokens */
static void
compare_with_reference (BnModel *m, gboolean kv_f16, gboolean q8k, guint threads)
{
  g_autoptr (GError) error = NULL;
  BnEngineOptions o = { .n_threads = threads, .kv_f16 = kv_f16, .act_q8k_matching = q8k };
  g_autoptr (BnEngine) e = bn_engine_new (m, &o, &error);
  g_assert_no_error (error);
  Ref *r = ref_new (m, kv_f16, q8k);
  guint nv = bn_engine_get_n_vocab (e);
  g_autofree float *logits = g_new (float, nv);
  g_autofree double *ref = g_new (double, nv);
  gint32 prompt[N_PROMPT];
  double worst = 0.0;

  for (guint i = 0; i < N_PROMPT; i++)
    prompt[i] = prompt_token (i, nv);
  g_assert_true (bn_engine_eval (e, prompt, N_PROMPT, logits, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < N_PROMPT; i++)
    ref_step (r, prompt[i], i + 1 == N_PROMPT ? ref : NULL);
  for (guint step = 0; step <= N_DECODE; step++) {
    double d = rel_diff (logits, ref, nv);
    worst = MAX (worst, d);
    if (d >= TOL)
      g_test_message ("position %u: max |logit - reference| = %g of the std", r->pos, d);
    g_assert_cmpfloat (d, <, TOL);
    gsize next = argmax_f (logits, nv);
    g_assert_cmpuint (next, ==, argmax_d (ref, nv));
    if (step == N_DECODE)
      break;
    gint32 tok = (gint32) next;
    g_assert_true (bn_engine_eval (e, &tok, 1, logits, &error));
    g_assert_no_error (error);
    ref_step (r, tok, ref);
  }
  g_assert_cmpuint (bn_engine_get_pos (e), ==, N_PROMPT + N_DECODE);
  g_test_message ("%s, KV %s%s, %u threads: worst max |logit diff| / std = %.3g", bn_model_get_architecture (m),
                  kv_f16 ? "f16" : "f32", q8k ? ", matching mode" : "", threads, worst);
  ref_free (r);
}

static void
test_reference_tiny (gconstpointer data)
{
  guint v = GPOINTER_TO_UINT (data);
  g_autoptr (BnModel) m = fixture (v & 1 ? BN_ARCH_BITNET : BN_ARCH_BITNET_B158, "tiny");
  compare_with_reference (m, (v & 2) != 0, FALSE, 2);
}

static void
test_reference_custom (gconstpointer data)
{
  guint v = GPOINTER_TO_UINT (data);
  g_autoptr (BnModel) m = custom (v & 1 ? BN_ARCH_BITNET : BN_ARCH_BITNET_B158);
  g_assert_cmpuint (bn_model_get_config (m)->n_head_kv, <, bn_model_get_config (m)->n_head);
  compare_with_reference (m, (v & 2) != 0, FALSE, 3);
}

static void
test_matching_mode (void)
{
  g_autoptr (BnModel) m = fixture (BN_ARCH_BITNET, "tiny");
  compare_with_reference (m, TRUE, TRUE, 2);
}

/* ---- determinism ----------------------------------------------------------- */

/* a prompt of @n_prompt, then @n_decode greedy steps; every logit kept */
static float *
run_sequence (BnEngine *e, guint n_prompt, guint n_decode)
{
  g_autoptr (GError) error = NULL;
  guint nv = bn_engine_get_n_vocab (e);
  float *all = g_new (float, (gsize) nv *(n_decode + 1));
  g_autofree gint32 *prompt = g_new (gint32, n_prompt);
  for (guint i = 0; i < n_prompt; i++)
    prompt[i] = prompt_token (i, nv);
  bn_engine_reset (e);
  g_assert_true (bn_engine_eval (e, prompt, n_prompt, all, &error));
  for (guint s = 0; s < n_decode; s++) {
    gint32 tok = (gint32) argmax_f (all + (gsize) s * nv, nv);
    g_assert_true (bn_engine_eval (e, &tok, 1, all + (gsize) (s + 1) * nv, &error));
    g_assert_no_error (error);
  }
  return all;
}

static void
test_threads (gconstpointer data)
{
  gboolean kv_f16 = GPOINTER_TO_INT (data);
  g_autoptr (BnModel) m = fixture (BN_ARCH_BITNET_B158, "tiny");
  const guint n_prompt = 21, n_decode = 6;
  g_autofree float *first = NULL;
  gsize bytes = 0;

  for (guint t = 1; t <= 4; t++) {
    g_autoptr (BnEngine) e = engine (m, t, kv_f16, NULL);
    g_assert_cmpuint (bn_engine_get_n_threads (e), ==, t);
    for (int rep = 0; rep < 2; rep++) {
      g_autofree float *all = run_sequence (e, n_prompt, n_decode);
      bytes = sizeof (float) * bn_engine_get_n_vocab (e) * (n_decode + 1);
      if (!first)
        first = g_steal_pointer (&all);
      else
        g_assert_cmpmem (all, bytes, first, bytes);
    }
  }
}

/* prefill(n) then decode == n single-token decodes, bit for bit: the
 * batched and GEMV kernels return identical integer dots and the same
 * float epilogue, and every other step is per token. 70 tokens cross a
 * micro-batch (64) and use the row-tiled batched path (> 16 tokens). */
static void
test_prefill_vs_decode (void)
{
  g_autoptr (BnModel) m = fixture (BN_ARCH_BITNET, "tiny");
  g_autoptr (GError) error = NULL;
  g_autoptr (BnEngine) a = engine (m, 2, TRUE, NULL);
  g_autoptr (BnEngine) b = engine (m, 3, TRUE, NULL);
  const guint n = 70;
  guint nv = bn_engine_get_n_vocab (a);
  g_autofree float *la = g_new (float, nv), *lb = g_new (float, nv);
  g_autofree gint32 *prompt = g_new (gint32, n);

  for (guint i = 0; i < n; i++)
    prompt[i] = prompt_token (i, nv);
  g_assert_true (bn_engine_eval (a, prompt, n, la, &error));
  for (guint i = 0; i < n; i++)
    g_assert_true (bn_engine_eval (b, prompt + i, 1, i + 1 == n ? lb : NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (la, nv * sizeof (float), lb, nv * sizeof (float));
  for (int s = 0; s < 3; s++) {
    gint32 tok = (gint32) argmax_f (la, nv);
    g_assert_true (bn_engine_eval (a, &tok, 1, la, &error));
    g_assert_true (bn_engine_eval (b, &tok, 1, lb, &error));
    g_assert_cmpmem (la, nv * sizeof (float), lb, nv * sizeof (float));
  }
  g_assert_cmpuint (bn_engine_get_pos (a), ==, n + 3);

  /* a prompt split in two evals gives the same bits too */
  bn_engine_reset (b);
  g_assert_true (bn_engine_eval (b, prompt, 30, NULL, &error));
  g_assert_true (bn_engine_eval (b, prompt + 30, n - 30, lb, &error));
  bn_engine_reset (a);
  g_assert_true (bn_engine_eval (a, prompt, n, la, &error));
  g_assert_cmpmem (la, nv * sizeof (float), lb, nv * sizeof (float));
}

/* the scalar variant against the best one: the ternary kernels give the
 * same bits; the f16 head may add in another order */
static void
test_variants (void)
{
  g_autoptr (BnModel) m = fixture (BN_ARCH_BITNET_B158, "tiny");
  g_autoptr (BnEngine) s = engine (m, 2, FALSE, "scalar");
  g_autoptr (BnEngine) b = engine (m, 2, FALSE, "auto");
  g_autofree float *ls = run_sequence (s, 9, 4), *lb = run_sequence (b, 9, 4);
  guint nv = bn_engine_get_n_vocab (s);
  g_autofree double *ref = g_new (double, nv);
  for (guint k = 0; k < 5; k++) {
    for (guint i = 0; i < nv; i++)
      ref[i] = ls[(gsize) k * nv + i];
    g_assert_cmpfloat (rel_diff (lb + (gsize) k * nv, ref, nv), <, 1e-5);
  }
  g_test_message ("best variant: %s", bn_engine_get_kernel_variant (b));
}

/* the float operations of each variant return the scalar bits */
static void
test_float_ops (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20250401);
  const gsize ks[] = { 1, 7, 31, 32, 256, 300, 2560, 6913 };
  const gsize hds[] = { 16, 64, 80, 128, 100 };

  for (int v = 0; v < BN_KERNEL_N_VARIANTS; v++) {
    if (!bn_kernels_get ((BnKernelVariant) v))
      continue;
    const char *norm_name = NULL, *attn_name = NULL;
    for (guint i = 0; i < G_N_ELEMENTS (ks); i++) {
      gsize k = ks[i], size = bn_act_buffer_size (k);
      void *b0 = bn_kalloc (size), *b1 = bn_kalloc (size), *b2 = bn_kalloc (size);
      g_autofree float *x = g_new (float, k), *w = g_new (float, k);
      g_autofree float *n0 = g_new (float, k), *n1 = g_new (float, k);
      BnActQ8 a0, a1, a2;
      for (gsize j = 0; j < k; j++) {
        x[j] = (float) g_rand_double_range (rand, -3.0, 3.0);
        w[j] = (float) g_rand_double_range (rand, 0.5, 1.5);
      }
      x[k / 2] = 40.0f;
      bn_act_init (&a0, b0, size, k);
      bn_act_init (&a1, b1, size, k);
      bn_act_init (&a2, b2, size, k);
      g_assert_cmpint (bn_fwd_rmsnorm_q8 (BN_KERNEL_SCALAR, &a0, x, w, 1e-5f, n0, NULL), ==, BN_K_OK);
      g_assert_cmpint (bn_fwd_rmsnorm_q8 ((BnKernelVariant) v, &a1, x, w, 1e-5f, n1, &norm_name), ==, BN_K_OK);
      g_assert_cmpmem (a0.q, a0.k_pad, a1.q, a1.k_pad);
      g_assert_cmpmem (n0, k * 4, n1, k * 4);
      g_assert_true (a0.scale == a1.scale && a0.sum == a1.sum);
      g_assert_cmpmem (a0.bsum, a0.k_pad / 64, a1.bsum, a1.k_pad / 64);
      /* the same quantization as the kernels' own fused RMSNorm, up to
       * the order of the double sum of squares */
      bn_act_quantize_rmsnorm (&a2, x, w, 1e-5f, NULL);
      guint diff = 0;
      for (gsize j = 0; j < k; j++) {
        g_assert_cmpint (ABS (a2.q[j] - a0.q[j]), <=, 1);
        diff += a2.q[j] != a0.q[j];
      }
      g_assert_cmpuint (diff, <=, 1 + k / 1000);
      bn_kfree (b0);
      bn_kfree (b1);
      bn_kfree (b2);
    }
    for (guint i = 0; i < G_N_ELEMENTS (hds); i++)
      for (gsize n_pos = 1; n_pos <= 37; n_pos += 6)
        for (int f16 = 0; f16 < 2; f16++) {
          gsize hd = hds[i];
          g_autofree float *q = g_new (float, hd), *kf = g_new (float, hd *n_pos);
          g_autofree float *vf = g_new (float, hd *n_pos), *s = g_new (float, n_pos);
          g_autofree float *o0 = g_new (float, hd), *o1 = g_new (float, hd);
          g_autofree guint16 *kh = g_new (guint16, hd * n_pos), *vh = g_new (guint16, hd * n_pos);
          for (gsize j = 0; j < hd; j++)
            q[j] = (float) g_rand_double_range (rand, -2.0, 2.0);
          for (gsize j = 0; j < hd * n_pos; j++) {
            kf[j] = (float) g_rand_double_range (rand, -2.0, 2.0);
            vf[j] = (float) g_rand_double_range (rand, -2.0, 2.0);
            kh[j] = bn_f32_to_f16 (kf[j]);
            vh[j] = bn_f32_to_f16 (vf[j]);
          }
          const void *kk = f16 ? (const void *) kh : kf, *vv = f16 ? (const void *) vh : vf;
          g_assert_cmpint (bn_fwd_attention (BN_KERNEL_SCALAR, q, kk, vv, f16, n_pos, hd, 0.125f, s, o0, NULL), ==,
                           BN_K_OK);
          g_assert_cmpint (bn_fwd_attention ((BnKernelVariant) v, q, kk, vv, f16, n_pos, hd, 0.125f, s, o1, &attn_name),
                           ==, BN_K_OK);
          g_assert_cmpmem (o0, hd * 4, o1, hd * 4);
          /* against a double-precision softmax */
          double sc[64], mx = -1e300, sum = 0.0;
          for (gsize p = 0; p < n_pos; p++) {
            double d = 0.0;
            for (gsize j = 0; j < hd; j++)
              d += (double) q[j] * (f16 ? bn_f16_to_f32 (kh[p * hd + j]) : kf[p * hd + j]);
            sc[p] = d * 0.125;
            mx = MAX (mx, sc[p]);
          }
          for (gsize p = 0; p < n_pos; p++)
            sum += (sc[p] = exp (sc[p] - mx));
          for (gsize j = 0; j < hd; j++) {
            double o = 0.0;
            for (gsize p = 0; p < n_pos; p++)
              o += sc[p] * (f16 ? bn_f16_to_f32 (vh[p * hd + j]) : vf[p * hd + j]);
            g_assert_cmpfloat (fabs (o / sum - o1[j]), <, 1e-5);
          }
        }
    g_test_message ("%s: %s, %s", bn_kernels_get ((BnKernelVariant) v)->name, norm_name, attn_name);
  }
}

/* ---- kernel formats -------------------------------------------------------- */

static void
attach (BnModel *m, BnTernaryFormat fmt)
{
  const BnModelConfig *c = bn_model_get_config (m);
  for (guint l = 0; l < c->n_layer; l++)
    for (int p = 0; p < 7; p++) {
      const char *name = BN_MODEL_TERNARY_NAMES[p];
      const BnTensor *t = bn_model_get_layer_tensor (m, l, name);
      gsize rows = t->dims[1], cols = t->dims[0];
      BnTernary src = { 0 }, dst = { 0 };
      void *tmp = NULL;
      if (t->type == BN_GGUF_TYPE_I2_S) {
        gsize s = bn_ternary_packed_size (BN_TERNARY_I2S, rows, cols);
        tmp = bn_kalloc (s);
        g_assert_cmpint (bn_i2s_from_file (tmp, s, t->data, t->size, rows, cols, BN_I2S_FILE_X86, &src), ==, BN_K_OK);
      } else {
        src = (BnTernary){ BN_TERNARY_TQ2_0, rows, cols, t->data, t->size, 1.0f };
      }
      gsize size = bn_ternary_packed_size (fmt, rows, cols);
      void *buf = bn_kalloc (size);
      g_assert_cmpint (bn_ternary_convert (&src, fmt, buf, size, 0, &dst), ==, BN_K_OK);
      g_autoptr (GBytes) owner = g_bytes_new_with_free_func (buf, size, bn_kfree, buf);
      g_assert_true (bn_model_set_kernel_weight (m, l, name, &dst, owner));
      bn_kfree (tmp);
    }
}

static gboolean
has_prefix (GPtrArray *names, const char *prefix)
{
  for (guint i = 0; i < names->len; i++)
    if (g_str_has_prefix (names->pdata[i], prefix))
      return TRUE;
  return FALSE;
}

/* kernel weights attached as by the quantizer: TL2, TL1 and I2S hold the
 * same codes and scale as the file, so the logits are the same bits */
static void
test_quantizer_formats (void)
{
  g_autoptr (BnModel) plain = fixture (BN_ARCH_BITNET_B158, "tiny");
  g_autoptr (BnEngine) e0 = engine (plain, 2, FALSE, NULL);
  g_autofree float *l0 = run_sequence (e0, 20, 3);
  const BnTernaryFormat fmts[] = { BN_TERNARY_TL2, BN_TERNARY_TL1 };

  for (guint i = 0; i < G_N_ELEMENTS (fmts); i++) {
    g_autoptr (BnModel) m = fixture (BN_ARCH_BITNET_B158, "tiny");
    attach (m, fmts[i]);
    g_autoptr (BnEngine) e = engine (m, 3, FALSE, NULL);
    g_autofree float *l = run_sequence (e, 20, 3);
    gsize bytes = 4 * sizeof (float) * bn_engine_get_n_vocab (e);
    g_assert_cmpmem (l, bytes, l0, bytes);
    g_autoptr (GPtrArray) used = bn_engine_get_kernels_used (e);
    const char *pfx = fmts[i] == BN_TERNARY_TL2 ? "tl2_" : "tl1_";
    g_autofree char *gemv = g_strconcat (pfx, "gemv_", NULL);
    g_autofree char *gemm = g_strconcat (pfx, "gemm_", NULL);
    g_autofree char *lut = g_strconcat (pfx, "lut_", NULL);
    g_assert_true (has_prefix (used, gemv));
    g_assert_true (has_prefix (used, gemm));
    g_assert_true (has_prefix (used, lut));
    g_assert_false (has_prefix (used, "i2s_"));
    /* the model-level reference reads the attached weights too */
    if (i == 0)
      compare_with_reference (m, FALSE, FALSE, 2);
  }

  /* bitnet TQ2_0 -> I2S (one uniform block scale per tensor) */
  g_autoptr (BnModel) tq = fixture (BN_ARCH_BITNET, "tiny");
  g_autoptr (BnEngine) et = engine (tq, 2, FALSE, NULL);
  g_autofree float *lt = run_sequence (et, 20, 3);
  g_autoptr (BnModel) mi = fixture (BN_ARCH_BITNET, "tiny");
  attach (mi, BN_TERNARY_I2S);
  g_autoptr (BnEngine) ei = engine (mi, 2, FALSE, NULL);
  g_autofree float *li = run_sequence (ei, 20, 3);
  guint nv = bn_engine_get_n_vocab (ei);
  g_autofree double *ref = g_new (double, nv);
  for (guint i = 0; i < nv; i++)
    ref[i] = lt[i];
  /* TQ2_0 folds the f16 block scale in exactly; I2S multiplies a float
   * scale: the same codes, outputs within float rounding */
  g_assert_cmpfloat (rel_diff (li, ref, nv), <, TOL);
}

/* the tied head as Q8_0 (the quantizer's head=q8_0) */
static void
test_head_q8_0 (void)
{
  g_autoptr (BnModel) m = fixture (BN_ARCH_BITNET_B158, "tiny");
  g_autoptr (GError) error = NULL;
  const BnTensor *t = bn_model_find_tensor (m, "token_embd.weight");
  g_autofree float *w = g_new (float, t->n_elements);
  tensor_to_f32 (t, w);
  gsize size = bn_q8_0_size (t->dims[1], t->dims[0]);
  guint8 *q = g_malloc (size);
  g_assert_cmpint (bn_q8_0_quantize (w, t->dims[1], t->dims[0], q), ==, BN_K_OK);
  g_autoptr (GBytes) bytes = g_bytes_new_take (q, size);
  g_assert_true (bn_model_replace_tensor (m, "token_embd.weight", BN_GGUF_TYPE_Q8_0, bytes, &error));
  g_assert_true (bn_model_update_config (m, &error));
  g_assert_no_error (error);
  compare_with_reference (m, FALSE, FALSE, 2);
  g_autoptr (BnEngine) e = engine (m, 1, FALSE, NULL);
  g_free (run_sequence (e, 3, 1));
  g_autoptr (GPtrArray) used = bn_engine_get_kernels_used (e);
  g_assert_true (has_prefix (used, "head_q8_0_"));
  g_assert_true (has_prefix (used, "embd_q8_0"));
  /* the head and the embedding row shrink from 2 to 34/32 bytes a value */
  g_autoptr (BnModel) f16 = fixture (BN_ARCH_BITNET_B158, "tiny");
  g_autoptr (BnEngine) e16 = engine (f16, 1, FALSE, NULL);
  guint64 rows = t->dims[1] + 1, saved = rows * (t->dims[0] * 2 - size / t->dims[1]);
  g_assert_cmpuint (bn_engine_get_bytes_per_token (e16) - bn_engine_get_bytes_per_token (e), ==, saved);
}

/* ---- reports --------------------------------------------------------------- */

static void
test_kernels_used (void)
{
  g_autoptr (BnModel) m = fixture (BN_ARCH_BITNET_B158, "tiny");
  g_autoptr (GError) error = NULL;
  g_autoptr (BnEngine) e = engine (m, 2, FALSE, NULL);
  g_autoptr (GPtrArray) before = bn_engine_get_kernels_used (e);
  g_assert_cmpuint (before->len, ==, 0);

  gint32 toks[4] = { 1, 2, 3, 4 };
  g_assert_true (bn_engine_eval (e, toks, 4, NULL, &error));
  g_autoptr (GPtrArray) prefill = bn_engine_get_kernels_used (e);
  g_assert_true (has_prefix (prefill, "i2s_gemm_"));
  g_assert_false (has_prefix (prefill, "i2s_gemv_"));
  g_assert_false (has_prefix (prefill, "head_")); /* no logits asked */

  g_autofree float *logits = g_new (float, bn_engine_get_n_vocab (e));
  g_assert_true (bn_engine_eval (e, toks, 1, logits, &error));
  g_autoptr (GPtrArray) used = bn_engine_get_kernels_used (e);
  const char *want[] = { "i2s_gemv_", "head_f16_", "attn_f32", "rmsnorm_q8", "rope_neox", "ffn_relu2", "embd_f16" };
  for (guint i = 0; i < G_N_ELEMENTS (want); i++) {
    if (!has_prefix (used, want[i]))
      g_test_message ("missing %s", want[i]);
    g_assert_true (has_prefix (used, want[i]));
  }
  for (guint i = 0; i < used->len; i++)
    for (guint j = i + 1; j < used->len; j++)
      g_assert_cmpstr (used->pdata[i], !=, used->pdata[j]);
}

static void
test_bytes_per_token (void)
{
  g_autoptr (BnModel) m = fixture (BN_ARCH_BITNET_B158, "tiny");
  const BnModelConfig *c = bn_model_get_config (m);
  g_autoptr (BnEngine) e = engine (m, 1, TRUE, NULL);
  guint64 ternary = 0;
  for (guint l = 0; l < c->n_layer; l++)
    for (int p = 0; p < 7; p++)
      ternary += bn_model_get_layer_tensor (m, l, BN_MODEL_TERNARY_NAMES[p])->n_elements / 4;
  guint64 norms = 4ull * ((3 * c->n_embd + c->n_ff) * c->n_layer + c->n_embd);
  guint64 head = 2ull * c->n_vocab * c->n_embd;
  g_assert_cmpuint (bn_engine_get_bytes_per_token (e), ==, ternary + norms + head + 2 * c->n_embd);
  g_assert_cmpuint (bn_engine_get_kv_bytes (e), ==, 2ull * c->n_layer * c->n_ctx * c->n_head_kv * c->head_dim * 2);
  g_assert_cmpuint (bn_engine_get_n_ctx (e), ==, c->n_ctx);
}

/* ---- errors ---------------------------------------------------------------- */

static void
test_context_full (void)
{
  g_autoptr (BnModel) m = fixture (BN_ARCH_BITNET_B158, "tiny");
  g_autoptr (GError) error = NULL;
  BnEngineOptions o = { .n_threads = 2, .n_ctx = 8 };
  g_autoptr (BnEngine) e = bn_engine_new (m, &o, &error);
  g_assert_no_error (error);
  gint32 toks[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

  g_assert_false (bn_engine_eval (e, toks, 9, NULL, &error));
  g_assert_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_CONTEXT_FULL);
  g_clear_error (&error);
  g_assert_true (bn_engine_eval (e, toks, 6, NULL, &error));
  g_assert_false (bn_engine_eval (e, toks, 3, NULL, &error));
  g_assert_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_CONTEXT_FULL);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_cmpuint (bn_engine_get_pos (e), ==, 6);
  g_assert_true (bn_engine_eval (e, toks, 2, NULL, &error));
  g_assert_cmpuint (bn_engine_get_pos (e), ==, 8);
  g_assert_false (bn_engine_eval (e, toks, 1, NULL, &error));
  g_assert_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_CONTEXT_FULL);
  g_clear_error (&error);
  bn_engine_reset (e);
  g_assert_cmpuint (bn_engine_get_pos (e), ==, 0);
  g_assert_true (bn_engine_eval (e, toks, 8, NULL, &error));
  g_assert_false (bn_engine_eval (e, toks, 0, NULL, &error));
  g_assert_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_INVALID);
}

static void
test_float_weights (void)
{
  BnFixtureParams p;
  g_autoptr (GError) error = NULL;
  g_assert_true (bn_fixture_params_init (&p, "tiny", BN_ARCH_BITNET, &error));
  p.weight_type = BN_GGUF_TYPE_F16;
  g_autoptr (BnModel) m = bn_fixture_generate (&p, &error);
  g_assert_no_error (error);
  g_autoptr (BnEngine) e = bn_engine_new (m, NULL, &error);
  g_assert_null (e);
  g_assert_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "blk.0.attn_q.weight"));
  g_assert_nonnull (strstr (error->message, "quantizer"));
  g_test_message ("%s", error->message);
}

static void
test_bad_token (void)
{
  g_autoptr (BnModel) m = fixture (BN_ARCH_BITNET_B158, "tiny");
  g_autoptr (GError) error = NULL;
  g_autoptr (BnEngine) e = engine (m, 2, FALSE, NULL);
  gint32 nv = (gint32) bn_engine_get_n_vocab (e);
  gint32 bad[][3] = { { 1, -1, 2 }, { nv, 0, 0 }, { 0, 1, G_MAXINT32 } };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_assert_false (bn_engine_eval (e, bad[i], 3, NULL, &error));
    g_assert_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_BAD_TOKEN);
    g_clear_error (&error);
    g_assert_cmpuint (bn_engine_get_pos (e), ==, 0);
  }
  gint32 last = nv - 1;
  g_assert_true (bn_engine_eval (e, &last, 1, NULL, &error));
  g_assert_no_error (error);
}

static void
test_bad_norm_and_variant (void)
{
  g_autoptr (BnModel) m = fixture (BN_ARCH_BITNET_B158, "tiny");
  g_autoptr (GError) error = NULL;
  BnEngineOptions o = { .kernel_variant = "no-such-variant" };
  g_autoptr (BnEngine) e0 = bn_engine_new (m, &o, &error);
  g_assert_null (e0);
  g_assert_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_KERNEL);
  g_clear_error (&error);

  const BnTensor *t = bn_model_find_tensor (m, "blk.1.ffn_sub_norm.weight");
  guint16 *h = g_new (guint16, t->n_elements);
  for (guint64 i = 0; i < t->n_elements; i++)
    h[i] = bn_f32_to_f16 (((const float *) t->data)[i]);
  g_autoptr (GBytes) b = g_bytes_new_take (h, t->n_elements * 2);
  g_assert_true (bn_model_replace_tensor (m, "blk.1.ffn_sub_norm.weight", BN_GGUF_TYPE_F16, b, &error));
  g_assert_true (bn_model_update_config (m, &error));
  g_autoptr (BnEngine) e = bn_engine_new (m, NULL, &error);
  g_assert_null (e);
  g_assert_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "blk.1.ffn_sub_norm.weight"));
  g_clear_error (&error);

  /* an I2_S tensor holding code 3 (no ternary value) */
  g_autoptr (BnModel) m2 = fixture (BN_ARCH_BITNET_B158, "tiny");
  const BnTensor *w = bn_model_get_layer_tensor (m2, 1, "ffn_up");
  guint8 *bad = g_memdup2 (w->data, w->size);
  bad[100] = 0xff;
  g_autoptr (GBytes) bb = g_bytes_new_take (bad, w->size);
  g_assert_true (bn_model_replace_tensor (m2, "blk.1.ffn_up.weight", BN_GGUF_TYPE_I2_S, bb, &error));
  g_autoptr (BnEngine) e2 = bn_engine_new (m2, NULL, &error);
  g_assert_null (e2);
  g_assert_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "blk.1.ffn_up.weight"));
  g_test_message ("%s", error->message);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/forward/reference/bitnet-b1.58/kv-f32", GUINT_TO_POINTER (0), test_reference_tiny);
  g_test_add_data_func ("/forward/reference/bitnet/kv-f32", GUINT_TO_POINTER (1), test_reference_tiny);
  g_test_add_data_func ("/forward/reference/bitnet-b1.58/kv-f16", GUINT_TO_POINTER (2), test_reference_tiny);
  g_test_add_data_func ("/forward/reference/bitnet/kv-f16", GUINT_TO_POINTER (3), test_reference_tiny);
  g_test_add_data_func ("/forward/reference/gqa/bitnet-b1.58/kv-f32", GUINT_TO_POINTER (0), test_reference_custom);
  g_test_add_data_func ("/forward/reference/gqa/bitnet/kv-f16", GUINT_TO_POINTER (3), test_reference_custom);
  g_test_add_func ("/forward/reference/matching-mode", test_matching_mode);
  g_test_add_data_func ("/forward/determinism/threads/kv-f32", GINT_TO_POINTER (FALSE), test_threads);
  g_test_add_data_func ("/forward/determinism/threads/kv-f16", GINT_TO_POINTER (TRUE), test_threads);
  g_test_add_func ("/forward/determinism/prefill-vs-decode", test_prefill_vs_decode);
  g_test_add_func ("/forward/determinism/variants", test_variants);
  g_test_add_func ("/forward/determinism/float-ops", test_float_ops);
  g_test_add_func ("/forward/formats/quantizer", test_quantizer_formats);
  g_test_add_func ("/forward/formats/head-q8_0", test_head_q8_0);
  g_test_add_func ("/forward/report/kernels-used", test_kernels_used);
  g_test_add_func ("/forward/report/bytes-per-token", test_bytes_per_token);
  g_test_add_func ("/forward/errors/context-full", test_context_full);
  g_test_add_func ("/forward/errors/float-weights", test_float_weights);
  g_test_add_func ("/forward/errors/bad-token", test_bad_token);
  g_test_add_func ("/forward/errors/bad-tensors-and-variant", test_bad_norm_and_variant);
  return g_test_run ();
}
