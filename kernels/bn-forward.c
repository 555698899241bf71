/* gst-bitnet kernels: the BitNet b1.58 forward pass
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Per micro-batch of up to ubatch tokens, per block:
 *
 *   act_e = q8(rmsnorm(x, attn_norm))                       prologue
 *   q, k, v = W_qkv act_e; scale; RoPE(q, k); K/V -> cache  team: heads
 *   att = softmax(q K^T / sqrt(hd)) V (causal, GQA)         team: (head, token)
 *   act_e = q8(rmsnorm(att, attn_sub_norm))                 prologue
 *   x += s_o W_o act_e                                      team: rows
 *   act_e = q8(rmsnorm(x, ffn_norm))                        prologue
 *   h = act(s_g W_gate act_e) * (s_u W_up act_e)            team: rows
 *   act_f = q8(rmsnorm(h, ffn_sub_norm))                    prologue
 *   x += s_d W_down act_f                                   team: rows
 *
 * then, for the last token, the final RMSNorm and the head (team: vocab
 * rows). Prologues run per token (on the team when there are several
 * tokens). Every output element is written by exactly one thread, whose
 * arithmetic does not depend on how the work was split: results are
 * bit-identical for any thread count. Docs: docs/engine.md.
 */
#include "bn-fwd-private.h"
#include "bn-threads.h"

#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_UBATCH 64
#define MAX_NAMES 32
/* weight bytes per product call when a prompt has more tokens than one
 * weight pass takes: the tile stays in L2 across the passes */
#define TILE_BYTES ((size_t) 256 * 1024)

/* activation consumers: which projections read which quantized input */
enum {
  GROUP_QKV,
  GROUP_O,
  GROUP_GU,
  GROUP_DOWN,
  N_GROUPS
};

typedef struct {
  const char *names[MAX_NAMES];
  size_t n;
  char pad[BN_KALIGN];          /* no false sharing between threads */
} NameSet;

struct BnFwd {
  BnFwdModel m;
  BnFwdLayer *layers;
  float *norms;                 /* owned copies of every norm vector */
  const BnKernels *k;
  BnTeam *team;
  unsigned nth;
  size_t n_ctx, ub, kv_dim, pos;
  int kv_f16, q8k;
  BnTernaryFormat *lut_fmt;     /* n_layer x N_GROUPS; N_FORMATS = none */

  void *kv;                     /* [layer][K|V][kv head][n_ctx][head_dim] */
  size_t kv_elt;

  float *x, *yq, *yk, *yv, *att, *yo, *yg, *yu, *hf;
  BnActQ8 *act_e, *act_f;
  uint8_t *act_e_buf, *act_f_buf;
  size_t act_e_size, act_f_size;
  uint8_t *lut_e, *lut_f;
  size_t lut_e_size, lut_f_size;
  BnBlockQ8K *q8k_e, *q8k_f;
  size_t nb_e, nb_f;
  float *nrm;                   /* matching mode: normed inputs */
  float *normed;                /* head input */
  BnActQ8 head_act;
  uint8_t *head_act_buf;
  float *rope_cs;               /* ub x rope_dim: cos then sin */
  double *inv_freq;
  float *scores;                /* nth x n_ctx */
  NameSet *names;               /* nth */

  uint64_t bytes_per_token, kv_bytes;
  void *allocs[32];
  size_t n_allocs;
};

typedef struct {
  BnFwd *f;
  const BnFwdLayer *L;
  size_t layer, n_tok;
  atomic_int status;
  /* prologue */
  const float *src;
  size_t stride;
  const float *norm;
  BnActQ8 *acts;
  uint8_t *lut;
  size_t lut_size;
  BnTernaryFormat lut_fmt;
  BnBlockQ8K *blocks;
  size_t nb;
  /* head */
  float *logits;
} Job;

static void
set_err (char *err, size_t len, const char *fmt, ...)
{
  va_list ap;

  if (!err || !len)
    return;
  va_start (ap, fmt);
  vsnprintf (err, len, fmt, ap);
  va_end (ap);
}

static void
note (BnFwd *f, unsigned ith, const char *name)
{
  NameSet *s = &f->names[ith];

  if (!name)
    return;
  for (size_t i = 0; i < s->n; i++)
    if (s->names[i] == name)
      return;
  if (s->n < MAX_NAMES)
    s->names[s->n++] = name;
}

static void
fail (Job *j, int rc)
{
  int expected = BN_K_OK;

  if (rc != BN_K_OK)
    atomic_compare_exchange_strong (&j->status, &expected, rc);
}

static void *
alloc (BnFwd *f, size_t size)
{
  void *p;

  if (f->n_allocs == sizeof f->allocs / sizeof f->allocs[0])
    return NULL;
  p = bn_kalloc (size);
  if (p) {
    memset (p, 0, bn_round_up (size ? size : 1, BN_KALIGN));
    f->allocs[f->n_allocs++] = p;
  }
  return p;
}

static size_t
float_row_bytes (BnFwdFloatType t, size_t n)
{
  switch (t) {
    case BN_FWD_F32:
      return 4 * n;
    case BN_FWD_F16:
      return 2 * n;
    case BN_FWD_Q8_0:
      return n / BN_Q8_0_BLOCK * BN_Q8_0_BLOCK_BYTES;
  }
  return 0;
}

static int
is_tl (BnTernaryFormat fmt)
{
  return fmt == BN_TERNARY_TL1 || fmt == BN_TERNARY_TL2;
}

/* ---- model checks ----------------------------------------------------- */

static const char *const proj_names[BN_FWD_N_PROJ] = {
  "attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up",
  "ffn_down"
};

static int
check_model (const BnFwdModel *m, char *err, size_t len)
{
  if (!m->n_vocab || !m->n_embd || !m->n_ff || !m->n_layer || !m->n_head
      || !m->n_head_kv || !m->head_dim || !m->layers || !m->embd || !m->head
      || !m->output_norm) {
    set_err (err, len, "the model description is incomplete");
    return BN_K_ERR_INVALID;
  }
  if (m->n_embd != m->n_head * m->head_dim || m->n_head % m->n_head_kv
      || m->rope_dim % 2 || m->rope_dim > m->head_dim) {
    set_err (err, len, "inconsistent shape: hidden %zu, %zu heads of %zu, "
        "%zu kv heads, rope %zu", m->n_embd, m->n_head, m->head_dim,
        m->n_head_kv, m->rope_dim);
    return BN_K_ERR_SHAPE;
  }
  if (!(m->rms_eps > 0.0f) || (m->rope_dim && !(m->rope_theta > 0.0f))) {
    set_err (err, len, "RMS epsilon and RoPE base must be positive");
    return BN_K_ERR_INVALID;
  }
  if ((unsigned) m->embd_type > BN_FWD_Q8_0
      || (unsigned) m->head_type > BN_FWD_Q8_0
      || (unsigned) m->ffn_act > BN_FWD_FFN_RELU2) {
    set_err (err, len, "unknown embedding, head or activation type");
    return BN_K_ERR_INVALID;
  }
  if ((m->embd_type == BN_FWD_Q8_0 || m->head_type == BN_FWD_Q8_0)
      && m->n_embd % BN_Q8_0_BLOCK) {
    set_err (err, len, "Q8_0 rows need the hidden size (%zu) to be a "
        "multiple of 32", m->n_embd);
    return BN_K_ERR_SHAPE;
  }
  if (m->head_type == BN_FWD_F16 && ((uintptr_t) m->head) % 2) {
    set_err (err, len, "the f16 head is not 2-byte aligned");
    return BN_K_ERR_INVALID;
  }
  for (size_t l = 0; l < m->n_layer; l++) {
    const BnFwdLayer *L = &m->layers[l];
    const size_t kv = m->n_head_kv * m->head_dim;
    const size_t want[BN_FWD_N_PROJ][2] = {
      {m->n_embd, m->n_embd}, {kv, m->n_embd}, {kv, m->n_embd},
      {m->n_embd, m->n_embd}, {m->n_ff, m->n_embd}, {m->n_ff, m->n_embd},
      {m->n_embd, m->n_ff}
    };

    if (!L->attn_norm || !L->attn_sub_norm || !L->ffn_norm
        || !L->ffn_sub_norm) {
      set_err (err, len, "block %zu lacks a norm", l);
      return BN_K_ERR_INVALID;
    }
    for (int p = 0; p < BN_FWD_N_PROJ; p++) {
      const BnTernary *w = &L->w[p];

      if ((unsigned) w->format >= BN_TERNARY_N_FORMATS || !w->data) {
        set_err (err, len, "blk.%zu.%s has no weights", l, proj_names[p]);
        return BN_K_ERR_INVALID;
      }
      if (w->rows != want[p][0] || w->cols != want[p][1]
          || bn_ternary_check_shape (w->format, w->rows, w->cols) != BN_K_OK) {
        set_err (err, len, "blk.%zu.%s is %zu x %zu in %s; the model needs "
            "%zu x %zu", l, proj_names[p], w->rows, w->cols,
            bn_ternary_format_name (w->format), want[p][0], want[p][1]);
        return BN_K_ERR_SHAPE;
      }
      if (w->size < bn_ternary_packed_size (w->format, w->rows, w->cols)) {
        set_err (err, len, "blk.%zu.%s holds %zu bytes, fewer than %s needs",
            l, proj_names[p], w->size, bn_ternary_format_name (w->format));
        return BN_K_ERR_BUFFER;
      }
      if (!is_tl (w->format) && w->format != BN_TERNARY_I2S
          && ((uintptr_t) w->data) % 2) {
        set_err (err, len, "blk.%zu.%s is not 2-byte aligned", l,
            proj_names[p]);
        return BN_K_ERR_INVALID;
      }
      if ((is_tl (w->format) || w->format == BN_TERNARY_I2S)
          && ((uintptr_t) w->data) % BN_KALIGN) {
        set_err (err, len, "blk.%zu.%s (%s) is not %d-byte aligned", l,
            proj_names[p], bn_ternary_format_name (w->format), BN_KALIGN);
        return BN_K_ERR_INVALID;
      }
    }
  }
  return BN_K_OK;
}

static const int group_of[BN_FWD_N_PROJ] = {
  GROUP_QKV, GROUP_QKV, GROUP_QKV, GROUP_O, GROUP_GU, GROUP_GU, GROUP_DOWN
};

static int
plan_luts (BnFwd *f, char *err, size_t len)
{
  for (size_t l = 0; l < f->m.n_layer; l++) {
    BnTernaryFormat *g = &f->lut_fmt[l * N_GROUPS];

    for (int i = 0; i < N_GROUPS; i++)
      g[i] = BN_TERNARY_N_FORMATS;
    for (int p = 0; p < BN_FWD_N_PROJ; p++) {
      BnTernaryFormat fmt = f->layers[l].w[p].format;
      BnTernaryFormat *slot = &g[group_of[p]];

      if (!is_tl (fmt))
        continue;
      if (*slot != BN_TERNARY_N_FORMATS && *slot != fmt) {
        set_err (err, len, "block %zu mixes TL1 and TL2 weights that read "
            "the same activations (blk.%zu.%s); convert them to one format",
            l, l, proj_names[p]);
        return BN_K_ERR_LUT;
      }
      *slot = fmt;
    }
  }
  return BN_K_OK;
}

static size_t
lut_size_for (size_t k)
{
  size_t a = bn_ternary_lut_size (BN_TERNARY_TL1, k);
  size_t b = bn_ternary_lut_size (BN_TERNARY_TL2, k);

  return bn_round_up (a > b ? a : b, BN_KALIGN);
}

/* ---- construction ----------------------------------------------------- */

int
bn_fwd_new (const BnFwdModel *model, const BnFwdOptions *opts, BnFwd **out,
    char *err, size_t err_len)
{
  BnFwd *f;
  const BnFwdModel *m = model;
  size_t ne, nf, ub, nl, any_tl_e = 0, any_tl_f = 0;
  int rc;
  char kerr[256];

  if (out)
    *out = NULL;
  if (!model || !opts || !out) {
    set_err (err, err_len, "missing argument");
    return BN_K_ERR_INVALID;
  }
  if ((rc = check_model (model, err, err_len)) != BN_K_OK)
    return rc;
  if (opts->n_threads < 1 || opts->n_threads > BN_TEAM_MAX_THREADS
      || opts->n_ctx < 1) {
    set_err (err, err_len, "threads must be 1..%d and the context at least 1",
        BN_TEAM_MAX_THREADS);
    return BN_K_ERR_INVALID;
  }

  f = calloc (1, sizeof *f);
  if (!f)
    goto nomem;
  f->m = *model;
  f->k = opts->kernels;
  if (!f->k) {
    if (bn_kernels_init (kerr, sizeof kerr) != BN_K_OK) {
      set_err (err, err_len, "%s", kerr);
      bn_fwd_free (f);
      return BN_K_ERR_UNSUPPORTED_VARIANT;
    }
    f->k = bn_kernels_active ();
  }
  f->nth = opts->n_threads;
  f->n_ctx = opts->n_ctx;
  f->kv_f16 = opts->kv_f16 != 0;
  f->q8k = opts->act_q8k != 0;
  ub = opts->ubatch ? opts->ubatch : DEFAULT_UBATCH;
  f->ub = ub = ub < f->n_ctx ? ub : f->n_ctx;
  ne = m->n_embd;
  nf = m->n_ff;
  nl = m->n_layer;
  f->kv_dim = m->n_head_kv * m->head_dim;

  f->layers = calloc (nl, sizeof *f->layers);
  f->lut_fmt = calloc (nl * N_GROUPS, sizeof *f->lut_fmt);
  f->norms = alloc (f, ((3 * ne + nf) * nl + ne) * sizeof (float));
  f->names = alloc (f, f->nth * sizeof *f->names);
  if (!f->layers || !f->lut_fmt || !f->norms || !f->names)
    goto nomem;
  for (size_t l = 0; l < nl; l++) {
    float *n = f->norms + l * (3 * ne + nf);

    f->layers[l] = m->layers[l];
    memcpy (n, m->layers[l].attn_norm, ne * sizeof (float));
    memcpy (n + ne, m->layers[l].attn_sub_norm, ne * sizeof (float));
    memcpy (n + 2 * ne, m->layers[l].ffn_norm, ne * sizeof (float));
    memcpy (n + 3 * ne, m->layers[l].ffn_sub_norm, nf * sizeof (float));
    f->layers[l].attn_norm = n;
    f->layers[l].attn_sub_norm = n + ne;
    f->layers[l].ffn_norm = n + 2 * ne;
    f->layers[l].ffn_sub_norm = n + 3 * ne;
  }
  memcpy (f->norms + (3 * ne + nf) * nl, m->output_norm, ne * sizeof (float));
  f->m.output_norm = f->norms + (3 * ne + nf) * nl;
  f->m.layers = f->layers;
  if ((rc = plan_luts (f, err, err_len)) != BN_K_OK) {
    bn_fwd_free (f);
    return rc;
  }
  for (size_t l = 0; l < nl && !f->q8k; l++) {
    const BnTernaryFormat *g = &f->lut_fmt[l * N_GROUPS];
    any_tl_e |= g[GROUP_QKV] != BN_TERNARY_N_FORMATS
        || g[GROUP_O] != BN_TERNARY_N_FORMATS
        || g[GROUP_GU] != BN_TERNARY_N_FORMATS;
    any_tl_f |= g[GROUP_DOWN] != BN_TERNARY_N_FORMATS;
  }

  /* KV cache */
  f->kv_elt = f->kv_f16 ? 2 : 4;
  f->kv_bytes = (uint64_t) nl * 2 * f->n_ctx * f->kv_dim * f->kv_elt;
  if (f->kv_bytes / (nl * 2 * f->kv_elt) / f->kv_dim != f->n_ctx
      || f->kv_bytes > SIZE_MAX / 2) {
    set_err (err, err_len, "a KV cache of %zu positions is too large",
        f->n_ctx);
    bn_fwd_free (f);
    return BN_K_ERR_NOMEM;
  }
  /* the cache is not zeroed: positions >= pos are never read */
  f->kv = bn_kalloc ((size_t) f->kv_bytes);
  if (!f->kv)
    goto nomem;

  /* scratch */
  f->x = alloc (f, ub * ne * sizeof (float));
  f->yq = alloc (f, ub * ne * sizeof (float));
  f->yk = alloc (f, ub * f->kv_dim * sizeof (float));
  f->yv = alloc (f, ub * f->kv_dim * sizeof (float));
  f->att = alloc (f, ub * ne * sizeof (float));
  f->yo = alloc (f, ub * ne * sizeof (float));
  f->yg = alloc (f, ub * nf * sizeof (float));
  f->yu = alloc (f, ub * nf * sizeof (float));
  f->hf = alloc (f, ub * nf * sizeof (float));
  f->act_e_size = bn_act_buffer_size (ne);
  f->act_f_size = bn_act_buffer_size (nf);
  f->act_e_buf = alloc (f, ub * f->act_e_size);
  f->act_f_buf = alloc (f, ub * f->act_f_size);
  f->act_e = calloc (ub, sizeof *f->act_e);
  f->act_f = calloc (ub, sizeof *f->act_f);
  f->normed = alloc (f, ne * sizeof (float));
  f->head_act_buf = alloc (f, f->act_e_size);
  f->scores = alloc (f, f->nth * f->n_ctx * sizeof (float));
  f->rope_cs = alloc (f, ub * (m->rope_dim ? m->rope_dim : 1) *
      sizeof (float));
  f->inv_freq = alloc (f, (m->rope_dim / 2 + 1) * sizeof (double));
  if (!f->x || !f->yq || !f->yk || !f->yv || !f->att || !f->yo || !f->yg
      || !f->yu || !f->hf || !f->act_e_buf || !f->act_f_buf || !f->act_e
      || !f->act_f || !f->normed || !f->head_act_buf || !f->scores
      || !f->rope_cs || !f->inv_freq)
    goto nomem;
  for (size_t t = 0; t < ub; t++) {
    bn_act_init (&f->act_e[t], f->act_e_buf + t * f->act_e_size,
        f->act_e_size, ne);
    bn_act_init (&f->act_f[t], f->act_f_buf + t * f->act_f_size,
        f->act_f_size, nf);
  }
  bn_act_init (&f->head_act, f->head_act_buf, f->act_e_size, ne);
  if (any_tl_e) {
    f->lut_e_size = lut_size_for (ne);
    if (!(f->lut_e = alloc (f, ub * f->lut_e_size)))
      goto nomem;
  }
  if (any_tl_f) {
    f->lut_f_size = lut_size_for (nf);
    if (!(f->lut_f = alloc (f, ub * f->lut_f_size)))
      goto nomem;
  }
  if (f->q8k) {
    f->nb_e = (ne + 255) / 256;
    f->nb_f = (nf + 255) / 256;
    f->q8k_e = alloc (f, ub * f->nb_e * sizeof (BnBlockQ8K));
    f->q8k_f = alloc (f, ub * f->nb_f * sizeof (BnBlockQ8K));
    f->nrm = alloc (f, ub * (ne > nf ? ne : nf) * sizeof (float));
    if (!f->q8k_e || !f->q8k_f || !f->nrm)
      goto nomem;
  }
  for (size_t i = 0; i < m->rope_dim / 2; i++)
    f->inv_freq[i] = pow ((double) m->rope_theta,
        -2.0 * (double) i / (double) m->rope_dim);

  /* bytes read per decoded token */
  f->bytes_per_token = float_row_bytes (m->embd_type, ne) +
      (uint64_t) m->n_vocab * float_row_bytes (m->head_type, ne) +
      ((uint64_t) ((3 * ne + nf) * nl + ne)) * sizeof (float);
  for (size_t l = 0; l < nl; l++)
    for (int p = 0; p < BN_FWD_N_PROJ; p++) {
      const BnTernary *w = &f->layers[l].w[p];
      f->bytes_per_token += bn_ternary_packed_size (w->format, w->rows,
          w->cols);
    }

  f->team = bn_team_new (f->nth);
  if (!f->team) {
    set_err (err, err_len, "cannot start %u threads", f->nth);
    bn_fwd_free (f);
    return BN_K_ERR_NOMEM;
  }
  *out = f;
  return BN_K_OK;

nomem:
  set_err (err, err_len, "out of memory (KV cache %.1f MB for %zu positions)",
      f ? (double) f->kv_bytes / 1e6 : 0.0, opts->n_ctx);
  bn_fwd_free (f);
  return BN_K_ERR_NOMEM;
}

void
bn_fwd_free (BnFwd *f)
{
  if (!f)
    return;
  bn_team_free (f->team);
  bn_kfree (f->kv);
  for (size_t i = 0; i < f->n_allocs; i++)
    bn_kfree (f->allocs[i]);
  free (f->layers);
  free (f->lut_fmt);
  free (f->act_e);
  free (f->act_f);
  free (f);
}

void
bn_fwd_reset (BnFwd *f)
{
  if (f)
    f->pos = 0;
}

size_t
bn_fwd_pos (const BnFwd *f)
{
  return f ? f->pos : 0;
}

size_t
bn_fwd_n_ctx (const BnFwd *f)
{
  return f ? f->n_ctx : 0;
}

unsigned
bn_fwd_n_threads (const BnFwd *f)
{
  return f ? f->nth : 0;
}

uint64_t
bn_fwd_bytes_per_token (const BnFwd *f)
{
  return f ? f->bytes_per_token : 0;
}

uint64_t
bn_fwd_kv_bytes (const BnFwd *f)
{
  return f ? f->kv_bytes : 0;
}

size_t
bn_fwd_kernels_used (const BnFwd *f, const char **names, size_t max)
{
  const char *all[MAX_NAMES * 4];
  size_t n = 0;

  if (!f)
    return 0;
  for (unsigned t = 0; t < f->nth; t++)
    for (size_t i = 0; i < f->names[t].n; i++) {
      const char *name = f->names[t].names[i];
      size_t j = 0;

      while (j < n && strcmp (all[j], name))
        j++;
      if (j == n && n < sizeof all / sizeof all[0])
        all[n++] = name;
    }
  for (size_t i = 0; i < n && i < max; i++)
    names[i] = all[i];
  return n;
}

/* ---- the pieces of a block -------------------------------------------- */

/* K or V row of (layer, kv head, position) */
static inline void *
kv_at (BnFwd *f, size_t layer, int is_v, size_t g, size_t p)
{
  size_t idx = (((layer * 2 + (size_t) is_v) * f->m.n_head_kv + g) * f->n_ctx
      + p) * f->m.head_dim;

  return (uint8_t *) f->kv + idx * f->kv_elt;
}

/* y (n_tok x rows) = W acts over rows [rb, re) */
static int
project (BnFwd *f, unsigned ith, const BnTernary *w, const BnActQ8 *acts,
    const BnBlockQ8K *blocks, size_t nb, size_t n_tok, size_t rb, size_t re,
    float *y)
{
  const char *name = NULL;
  size_t tile = re - rb;
  int rc = BN_K_OK;

  if (rb >= re)
    return BN_K_OK;
  if (blocks) {
    for (size_t t = 0; t < n_tok && rc == BN_K_OK; t++)
      rc = bn_ternary_gemv_q8k_ref (w, blocks + t * nb, rb, re,
          y + t * w->rows);
    note (f, ith, "ternary_gemv_q8k_ref");
    return rc;
  }
  if (n_tok > BN_GEMM_MAX_TOKENS) {
    size_t align = bn_ternary_row_align (w->format);
    size_t row_bytes = bn_ternary_packed_size (w->format, w->rows, w->cols) /
        w->rows + 1;
    tile = TILE_BYTES / row_bytes / align * align;
    if (tile < align)
      tile = align;
  }
  for (size_t r0 = rb; r0 < re && rc == BN_K_OK; r0 += tile) {
    size_t r1 = re - r0 < tile ? re : r0 + tile;
    rc = bn_ternary_gemm (f->k, w, acts, n_tok, r0, r1, NULL, y, &name);
  }
  note (f, ith, name);
  return rc;
}

static void
job_prologue (void *data, unsigned ith, unsigned nth)
{
  Job *j = data;
  BnFwd *f = j->f;
  size_t t0, t1, k = j->acts[0].k;

  bn_team_split (j->n_tok, 1, ith, nth, &t0, &t1);
  for (size_t t = t0; t < t1; t++) {
    const float *src = j->src + t * j->stride;

    if (j->blocks) {
      float *n = f->nrm + t * j->stride;
      bn_act_quantize_rmsnorm (&j->acts[t], src, j->norm, f->m.rms_eps, n);
      bn_act_quantize_q8k (n, k, j->blocks + t * j->nb);
      note (f, ith, "rmsnorm_q8k");
      continue;
    }
    bn_act_quantize_rmsnorm (&j->acts[t], src, j->norm, f->m.rms_eps, NULL);
    note (f, ith, "rmsnorm_q8");
    if (j->lut_fmt != BN_TERNARY_N_FORMATS) {
      const char *name = NULL;
      fail (j, bn_act_build_lut (f->k, &j->acts[t], j->lut_fmt,
              j->lut + t * j->lut_size, j->lut_size, &name));
      note (f, ith, name);
    }
  }
}

static int
run (BnFwd *f, Job *j, BnTeamFn fn, int parallel)
{
  if (parallel && f->nth > 1)
    bn_team_run (f->team, fn, j);
  else
    fn (j, 0, 1);
  return atomic_load (&j->status);
}

/* act = q8(rmsnorm(src)) (+ tables) for every token of the batch */
static int
prologue (BnFwd *f, Job *j, const float *src, size_t stride,
    const float *norm, int group)
{
  int is_f = group == GROUP_DOWN;

  j->src = src;
  j->stride = stride;
  j->norm = norm;
  j->acts = is_f ? f->act_f : f->act_e;
  j->lut = is_f ? f->lut_f : f->lut_e;
  j->lut_size = is_f ? f->lut_f_size : f->lut_e_size;
  j->lut_fmt = f->q8k ? BN_TERNARY_N_FORMATS :
      f->lut_fmt[j->layer * N_GROUPS + group];
  j->blocks = f->q8k ? (is_f ? f->q8k_f : f->q8k_e) : NULL;
  j->nb = is_f ? f->nb_f : f->nb_e;
  return run (f, j, job_prologue, j->n_tok > 1);
}

static void
store_kv (BnFwd *f, size_t layer, int is_v, size_t g, size_t p,
    const float *src)
{
  void *dst = kv_at (f, layer, is_v, g, p);
  const size_t hd = f->m.head_dim;

  if (f->kv_f16) {
    uint16_t *d = dst;
    for (size_t i = 0; i < hd; i++)
      d[i] = bn_f32_to_f16 (src[i]);
  } else {
    memcpy (dst, src, hd * sizeof (float));
  }
}

static void
job_qkv (void *data, unsigned ith, unsigned nth)
{
  Job *j = data;
  BnFwd *f = j->f;
  const BnFwdModel *m = &f->m;
  const size_t hd = m->head_dim, nh = m->n_head, nkv = m->n_head_kv;
  const BnBlockQ8K *blocks = f->q8k ? f->q8k_e : NULL;
  struct {
    int proj;
    size_t first, count, rows;
    float *y;
  } parts[3] = {
    {BN_FWD_Q, 0, nh, m->n_embd, f->yq},
    {BN_FWD_K, nh, nkv, f->kv_dim, f->yk},
    {BN_FWD_V, nh + nkv, nkv, f->kv_dim, f->yv},
  };
  size_t u0, u1;

  /* units of work: the heads of Q, then of K, then of V (rows of a head
   * are consecutive), so a thread can finish its heads right away */
  bn_team_split (nh + 2 * nkv, 1, ith, nth, &u0, &u1);
  for (int i = 0; i < 3; i++) {
    size_t a = u0 > parts[i].first ? u0 : parts[i].first;
    size_t b = u1 < parts[i].first + parts[i].count ? u1 :
        parts[i].first + parts[i].count;
    const int p = parts[i].proj;
    const float s = j->L->scale[p];
    size_t h0, h1;

    if (a >= b)
      continue;
    h0 = a - parts[i].first;
    h1 = b - parts[i].first;
    fail (j, project (f, ith, &j->L->w[p], f->act_e, blocks, f->nb_e,
            j->n_tok, h0 * hd, h1 * hd, parts[i].y));
    for (size_t t = 0; t < j->n_tok; t++) {
      float *yt = parts[i].y + t * parts[i].rows;

      for (size_t r = h0 * hd; r < h1 * hd; r++)
        yt[r] = yt[r] * s;
      for (size_t h = h0; h < h1; h++) {
        if (p != BN_FWD_V && m->rope_dim)
          bn_fwd_rope (yt + h * hd, m->rope_dim, f->rope_cs + t * m->rope_dim);
        if (p != BN_FWD_Q)
          store_kv (f, j->layer, p == BN_FWD_V, h, f->pos + t, yt + h * hd);
      }
    }
    if (p != BN_FWD_V && m->rope_dim)
      note (f, ith, "rope_neox");
  }
}

static void
job_attn (void *data, unsigned ith, unsigned nth)
{
  Job *j = data;
  BnFwd *f = j->f;
  const BnFwdModel *m = &f->m;
  const size_t hd = m->head_dim, n_tok = j->n_tok;
  const size_t group = m->n_head / m->n_head_kv;
  const float scale = 1.0f / sqrtf ((float) hd);
  float *scores = f->scores + (size_t) ith * f->n_ctx;
  const char *name = NULL;
  size_t i0, i1;

  /* (head, token) pairs, head-major: every share gets a mix of short and
   * long causal spans */
  bn_team_split (m->n_head * n_tok, 1, ith, nth, &i0, &i1);
  for (size_t i = i0; i < i1; i++) {
    size_t h = i / n_tok, t = i % n_tok, g = h / group;

    name = bn_fwd_attend (f->yq + t * m->n_embd + h * hd,
        kv_at (f, j->layer, 0, g, 0), kv_at (f, j->layer, 1, g, 0),
        f->kv_f16, f->pos + t + 1, hd, scale, scores,
        f->att + t * m->n_embd + h * hd);
  }
  note (f, ith, name);
}

static size_t
rows_align (const BnFwdLayer *L, int p0, int p1)
{
  size_t a = bn_ternary_row_align (L->w[p0].format);
  size_t b = bn_ternary_row_align (L->w[p1].format);

  return a > b ? a : b;
}

/* x += s * W act over a share of the rows (attn_output, ffn_down) */
static void
residual_proj (Job *j, unsigned ith, unsigned nth, int p, BnActQ8 *acts,
    const BnBlockQ8K *blocks, size_t nb)
{
  BnFwd *f = j->f;
  const BnTernary *w = &j->L->w[p];
  const float s = j->L->scale[p];
  const size_t ne = f->m.n_embd;
  size_t r0, r1;

  bn_team_split (w->rows, rows_align (j->L, p, p), ith, nth, &r0, &r1);
  fail (j, project (f, ith, w, acts, blocks, nb, j->n_tok, r0, r1, f->yo));
  for (size_t t = 0; t < j->n_tok; t++) {
    float *x = f->x + t * ne;
    const float *y = f->yo + t * ne;
    for (size_t r = r0; r < r1; r++)
      x[r] = x[r] + y[r] * s;
  }
}

static void
job_o (void *data, unsigned ith, unsigned nth)
{
  Job *j = data;

  residual_proj (j, ith, nth, BN_FWD_O, j->f->act_e,
      j->f->q8k ? j->f->q8k_e : NULL, j->f->nb_e);
}

static void
job_down (void *data, unsigned ith, unsigned nth)
{
  Job *j = data;

  residual_proj (j, ith, nth, BN_FWD_DOWN, j->f->act_f,
      j->f->q8k ? j->f->q8k_f : NULL, j->f->nb_f);
}

static void
job_gate_up (void *data, unsigned ith, unsigned nth)
{
  Job *j = data;
  BnFwd *f = j->f;
  const BnFwdLayer *L = j->L;
  const size_t nf = f->m.n_ff;
  const BnBlockQ8K *blocks = f->q8k ? f->q8k_e : NULL;
  const float sg = L->scale[BN_FWD_GATE], su = L->scale[BN_FWD_UP];
  size_t r0, r1;

  bn_team_split (nf, rows_align (L, BN_FWD_GATE, BN_FWD_UP), ith, nth, &r0,
      &r1);
  fail (j, project (f, ith, &L->w[BN_FWD_GATE], f->act_e, blocks, f->nb_e,
          j->n_tok, r0, r1, f->yg));
  fail (j, project (f, ith, &L->w[BN_FWD_UP], f->act_e, blocks, f->nb_e,
          j->n_tok, r0, r1, f->yu));
  for (size_t t = 0; t < j->n_tok; t++) {
    const float *g = f->yg + t * nf, *u = f->yu + t * nf;
    float *h = f->hf + t * nf;

    if (f->m.ffn_act == BN_FWD_FFN_SILU) {
      for (size_t r = r0; r < r1; r++) {
        float a = g[r] * sg;
        h[r] = a / (1.0f + expf (-a)) * (u[r] * su);
      }
    } else {
      for (size_t r = r0; r < r1; r++) {
        float a = g[r] * sg;
        a = a > 0.0f ? a * a : 0.0f;
        h[r] = a * (u[r] * su);
      }
    }
  }
  note (f, ith, f->m.ffn_act == BN_FWD_FFN_SILU ? "ffn_silu" : "ffn_relu2");
}

static void
job_head (void *data, unsigned ith, unsigned nth)
{
  Job *j = data;
  BnFwd *f = j->f;
  const BnFwdModel *m = &f->m;
  const char *name = NULL;
  size_t r0, r1;

  bn_team_split (m->n_vocab, 16, ith, nth, &r0, &r1);
  if (r0 >= r1)
    return;
  switch (m->head_type) {
    case BN_FWD_F32:
      bn_fwd_head_f32 (m->head, m->n_embd, f->normed, r0, r1, j->logits);
      name = "head_f32_c";
      break;
    case BN_FWD_F16:
      fail (j, bn_head_f16_gemv (f->k, m->head, m->n_vocab, m->n_embd,
              f->normed, r0, r1, j->logits, &name));
      break;
    case BN_FWD_Q8_0:
      fail (j, bn_head_q8_0_gemv (f->k, m->head, m->n_vocab, m->n_embd,
              &f->head_act, r0, r1, j->logits, &name));
      break;
  }
  note (f, ith, name);
}

/* ---- evaluation ------------------------------------------------------- */

static void
embed (BnFwd *f, const int32_t *tokens, size_t n_tok)
{
  const BnFwdModel *m = &f->m;
  const size_t ne = m->n_embd, rb = float_row_bytes (m->embd_type, ne);
  static const char *const names[] = { "embd_f32", "embd_f16", "embd_q8_0" };

  for (size_t t = 0; t < n_tok; t++) {
    const uint8_t *row = (const uint8_t *) m->embd + (size_t) tokens[t] * rb;
    float *x = f->x + t * ne;

    switch (m->embd_type) {
      case BN_FWD_F32:
        memcpy (x, row, ne * sizeof (float));
        break;
      case BN_FWD_F16:
        for (size_t i = 0; i < ne; i++) {
          uint16_t h;
          memcpy (&h, row + 2 * i, 2);
          x[i] = bn_fwd_f16 (h);
        }
        break;
      case BN_FWD_Q8_0:
        bn_q8_0_dequantize (row, 1, ne, x);
        break;
    }
  }
  note (f, 0, names[m->embd_type]);
}

static void
rope_table (BnFwd *f, size_t n_tok)
{
  const size_t rd = f->m.rope_dim, half = rd / 2;

  for (size_t t = 0; t < n_tok; t++) {
    float *cs = f->rope_cs + t * rd;
    for (size_t i = 0; i < half; i++) {
      double a = (double) (f->pos + t) * f->inv_freq[i];
      cs[i] = (float) cos (a);
      cs[half + i] = (float) sin (a);
    }
  }
}

static int
run_batch (BnFwd *f, const int32_t *tokens, size_t n_tok)
{
  const BnFwdModel *m = &f->m;
  Job j;
  int rc = BN_K_OK;

  memset (&j, 0, sizeof j);
  j.f = f;
  j.n_tok = n_tok;
  atomic_init (&j.status, BN_K_OK);
  embed (f, tokens, n_tok);
  rope_table (f, n_tok);

  for (size_t l = 0; l < m->n_layer && rc == BN_K_OK; l++) {
    const BnFwdLayer *L = &f->layers[l];

    j.L = L;
    j.layer = l;
    if ((rc = prologue (f, &j, f->x, m->n_embd, L->attn_norm, GROUP_QKV))
        || (rc = run (f, &j, job_qkv, 1))
        || (rc = run (f, &j, job_attn, 1))
        || (rc = prologue (f, &j, f->att, m->n_embd, L->attn_sub_norm,
                GROUP_O))
        || (rc = run (f, &j, job_o, 1))
        || (rc = prologue (f, &j, f->x, m->n_embd, L->ffn_norm, GROUP_GU))
        || (rc = run (f, &j, job_gate_up, 1))
        || (rc = prologue (f, &j, f->hf, m->n_ff, L->ffn_sub_norm,
                GROUP_DOWN))
        || (rc = run (f, &j, job_down, 1)))
      break;
  }
  if (rc == BN_K_OK)
    f->pos += n_tok;
  return rc;
}

static int
run_head (BnFwd *f, size_t last, float *logits)
{
  Job j;

  memset (&j, 0, sizeof j);
  j.f = f;
  j.logits = logits;
  atomic_init (&j.status, BN_K_OK);
  bn_act_quantize_rmsnorm (&f->head_act, f->x + last * f->m.n_embd,
      f->m.output_norm, f->m.rms_eps, f->normed);
  note (f, 0, "rmsnorm_q8");
  if (f->q8k && f->m.head_type == BN_FWD_F16) {
    /* llama.cpp converts the input of an f16 product to f16 */
    for (size_t i = 0; i < f->m.n_embd; i++)
      f->normed[i] = bn_f16_to_f32 (bn_f32_to_f16 (f->normed[i]));
  }
  return run (f, &j, job_head, 1);
}

int
bn_fwd_eval (BnFwd *f, const int32_t *tokens, size_t n_tokens, float *logits)
{
  size_t last = 0;
  int rc = BN_K_OK;

  if (!f || !tokens || n_tokens == 0 || n_tokens > f->n_ctx - f->pos)
    return BN_K_ERR_INVALID;
  for (size_t t = 0; t < n_tokens; t++)
    if (tokens[t] < 0 || (size_t) tokens[t] >= f->m.n_vocab)
      return BN_K_ERR_INVALID;

  for (size_t s = 0; s < n_tokens && rc == BN_K_OK; s += f->ub) {
    size_t n = n_tokens - s < f->ub ? n_tokens - s : f->ub;
    rc = run_batch (f, tokens + s, n);
    last = n - 1;
  }
  if (rc == BN_K_OK && logits)
    rc = run_head (f, last, logits);
  return rc;
}
