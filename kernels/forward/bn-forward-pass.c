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
#include "bn-forward-private.h"

#include <math.h>
#include <stdatomic.h>

/* weight bytes per product call when a prompt has more tokens than one
 * weight pass takes: the tile stays in L2 across the passes */
#ifndef BN_FWD_TILE_BYTES
#define BN_FWD_TILE_BYTES ((size_t) 256 * 1024)
#endif

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
  /* certified head */
  float scr_step;
  double scr_x_norm, scr_err_norm;
  size_t n_cand;
} Job;

static void
fail (Job *j, int rc)
{
  int expected = BN_K_OK;

  if (rc != BN_K_OK)
    atomic_compare_exchange_strong (&j->status, &expected, rc);
}

/* ---- the pieces of a block -------------------------------------------- */

/* K or V row of (layer, kv head, position) */
static inline void *
kv_at (BnFwd *f, size_t layer, int is_v, size_t g, size_t p)
{
  size_t idx = (((layer * 2 + (size_t) is_v) * f->m.n_head_kv + g) * f->n_ctx + p) * f->m.head_dim;

  return (uint8_t *) f->kv + idx * f->kv_elt;
}

/* y (n_tok x rows) = W acts over rows [rb, re) */
static int
project (BnFwd *f, unsigned ith, const BnTernary *w, const BnActQ8 *acts, const BnBlockQ8K *blocks, size_t nb,
         size_t n_tok, size_t rb, size_t re, float *y)
{
  const char *name = NULL;
  size_t tile = re - rb;
  int rc = BN_K_OK;

  if (rb >= re)
    return BN_K_OK;
  if (blocks) {
    for (size_t t = 0; t < n_tok && rc == BN_K_OK; t++)
      rc = bn_ternary_gemv_q8k_ref (w, blocks + t * nb, rb, re, y + t * w->rows);
    bn_fwd_note (f, ith, "ternary_gemv_q8k_ref");
    return rc;
  }
  if (n_tok > BN_GEMM_MAX_TOKENS) {
    size_t align = bn_ternary_row_align (w->format);
    size_t row_bytes = bn_ternary_packed_size (w->format, w->rows, w->cols) / w->rows + 1;
    tile = BN_FWD_TILE_BYTES / row_bytes / align * align;
    if (tile < align)
      tile = align;
  }
  for (size_t r0 = rb; r0 < re && rc == BN_K_OK; r0 += tile) {
    size_t r1 = re - r0 < tile ? re : r0 + tile;
    rc = bn_ternary_gemm (f->k, w, acts, n_tok, r0, r1, NULL, y, &name);
  }
  bn_fwd_note (f, ith, name);
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
      f->ops->norm (&j->acts[t], src, j->norm, f->m.rms_eps, n);
      bn_act_quantize_q8k (n, k, j->blocks + t * j->nb);
      bn_fwd_note (f, ith, "act_q8k");
      continue;
    }
    f->ops->norm (&j->acts[t], src, j->norm, f->m.rms_eps, NULL);
    bn_fwd_note (f, ith, f->ops->norm_name);
    if (j->lut_fmt != BN_TERNARY_N_FORMATS) {
      const char *name = NULL;
      fail (j, bn_act_build_lut (f->k, &j->acts[t], j->lut_fmt, j->lut + t * j->lut_size, j->lut_size, &name));
      bn_fwd_note (f, ith, name);
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
prologue (BnFwd *f, Job *j, const float *src, size_t stride, const float *norm, int group)
{
  int is_f = group == GROUP_DOWN;

  j->src = src;
  j->stride = stride;
  j->norm = norm;
  j->acts = is_f ? f->act_f : f->act_e;
  j->lut = is_f ? f->lut_f : f->lut_e;
  j->lut_size = is_f ? f->lut_f_size : f->lut_e_size;
  j->lut_fmt = f->q8k ? BN_TERNARY_N_FORMATS : f->lut_fmt[j->layer * N_GROUPS + group];
  j->blocks = f->q8k ? (is_f ? f->q8k_f : f->q8k_e) : NULL;
  j->nb = is_f ? f->nb_f : f->nb_e;
  return run (f, j, job_prologue, j->n_tok > 1);
}

static void
store_kv (BnFwd *f, size_t layer, int is_v, size_t g, size_t p, const float *src)
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
    { BN_FWD_Q, 0, nh, m->n_embd, f->yq },
    { BN_FWD_K, nh, nkv, f->kv_dim, f->yk },
    { BN_FWD_V, nh + nkv, nkv, f->kv_dim, f->yv },
  };
  size_t u0, u1;

  /* units of work: the heads of Q, then of K, then of V (rows of a head
   * are consecutive), so a thread can finish its heads right away */
  bn_team_split (nh + 2 * nkv, 1, ith, nth, &u0, &u1);
  for (int i = 0; i < 3; i++) {
    size_t a = u0 > parts[i].first ? u0 : parts[i].first;
    size_t b = u1 < parts[i].first + parts[i].count ? u1 : parts[i].first + parts[i].count;
    const int p = parts[i].proj;
    const float s = j->L->scale[p];
    size_t h0, h1;

    if (a >= b)
      continue;
    h0 = a - parts[i].first;
    h1 = b - parts[i].first;
    fail (j, project (f, ith, &j->L->w[p], f->act_e, blocks, f->nb_e, j->n_tok, h0 * hd, h1 * hd, parts[i].y));
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
      bn_fwd_note (f, ith, "rope_neox");
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

    name = bn_fwd_attend (f->ops, f->yq + t * m->n_embd + h * hd, kv_at (f, j->layer, 0, g, 0),
                          kv_at (f, j->layer, 1, g, 0), f->kv_f16, f->pos + t + 1, hd, scale, scores,
                          f->att + t * m->n_embd + h * hd);
  }
  bn_fwd_note (f, ith, name);
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
residual_proj (Job *j, unsigned ith, unsigned nth, int p, BnActQ8 *acts, const BnBlockQ8K *blocks, size_t nb)
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

  residual_proj (j, ith, nth, BN_FWD_O, j->f->act_e, j->f->q8k ? j->f->q8k_e : NULL, j->f->nb_e);
}

static void
job_down (void *data, unsigned ith, unsigned nth)
{
  Job *j = data;

  residual_proj (j, ith, nth, BN_FWD_DOWN, j->f->act_f, j->f->q8k ? j->f->q8k_f : NULL, j->f->nb_f);
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

  bn_team_split (nf, rows_align (L, BN_FWD_GATE, BN_FWD_UP), ith, nth, &r0, &r1);
  fail (j, project (f, ith, &L->w[BN_FWD_GATE], f->act_e, blocks, f->nb_e, j->n_tok, r0, r1, f->yg));
  fail (j, project (f, ith, &L->w[BN_FWD_UP], f->act_e, blocks, f->nb_e, j->n_tok, r0, r1, f->yu));
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
  bn_fwd_note (f, ith, f->m.ffn_act == BN_FWD_FFN_SILU ? "ffn_silu" : "ffn_relu2");
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
    fail (j, bn_head_f16_gemv (f->k, m->head, m->n_vocab, m->n_embd, f->normed, r0, r1, j->logits, &name));
    break;
  case BN_FWD_Q8_0:
    fail (j, bn_head_q8_0_gemv (f->k, m->head, m->n_vocab, m->n_embd, &f->head_act, r0, r1, j->logits, &name));
    break;
  }
  bn_fwd_note (f, ith, name);
}

/* ---- certified head ---------------------------------------------------- */

/* the screening copy, rows split over the team */
static void
job_screen_build (void *data, unsigned ith, unsigned nth)
{
  Job *j = data;
  BnFwd *f = j->f;
  const size_t nv = f->m.n_vocab;
  size_t r0, r1;

  bn_team_split (nv, 16, ith, nth, &r0, &r1);
  if (r0 < r1)
    fail (j, bn_head_screen_build (f->m.head, f->m.n_embd, r0, r1, f->scr_q, f->scr_rows, f->scr_rows + nv,
                                   f->scr_rows + 2 * nv));
}

/* screening sums, then per row the interval of its float logit: the upper
 * bound (rounded up to float) goes to logits[r], the lower bound into the
 * thread's list of its scr_k best (descending) */
static void
job_screen (void *data, unsigned ith, unsigned nth)
{
  Job *j = data;
  BnFwd *f = j->f;
  const size_t nv = f->m.n_vocab, ne = f->m.n_embd, k = f->scr_k;
  const float *scale = f->scr_rows, *err = f->scr_rows + nv, *wqn = f->scr_rows + 2 * nv;
  double *lows = f->scr_lows + (size_t) ith * BN_FWD_CERT_MAX_K;
  const char *name = NULL;
  size_t r0, r1;

  for (size_t i = 0; i < k; i++)
    lows[i] = -INFINITY;
  bn_team_split (nv, 16, ith, nth, &r0, &r1);
  if (r0 >= r1)
    return;
  fail (j, bn_head_screen_gemv (f->k, f->scr_q, nv, ne, f->scr_p, r0, r1, f->scr_sums, &name));
  bn_fwd_note (f, ith, name);
  for (size_t r = r0; r < r1; r++) {
    double lo, hi;
    float up;

    bn_head_screen_interval (f->scr_sums[r], scale[r], j->scr_step, err[r], wqn[r], j->scr_x_norm, j->scr_err_norm, ne,
                             &lo, &hi);
    up = (float) hi;
    j->logits[r] = (double) up < hi ? nextafterf (up, INFINITY) : up;
    if (lo > lows[k - 1]) {
      size_t i = k - 1;
      for (; i > 0 && lows[i - 1] < lo; i--)
        lows[i] = lows[i - 1];
      lows[i] = lo;
    }
  }
}

/* the candidates' logits with the f16 head kernel, one row per call: the
 * same bits as the full head's */
static void
job_rescore (void *data, unsigned ith, unsigned nth)
{
  Job *j = data;
  BnFwd *f = j->f;
  const BnFwdModel *m = &f->m;
  const char *name = NULL;
  size_t i0, i1;

  bn_team_split (j->n_cand, 1, ith, nth, &i0, &i1);
  for (size_t i = i0; i < i1; i++) {
    const size_t r = (size_t) f->scr_sums[i];
    fail (j, bn_head_f16_gemv (f->k, m->head, m->n_vocab, m->n_embd, f->normed, r, r + 1, j->logits, &name));
  }
  bn_fwd_note (f, ith, name);
}

/* the k-th largest lower bound over every thread's sorted list */
static double
kth_lower_bound (const BnFwd *f)
{
  size_t at[BN_TEAM_MAX_THREADS] = { 0 };
  double v = -INFINITY;

  for (size_t n = 0; n < f->scr_k; n++) {
    unsigned best = 0;
    for (unsigned t = 1; t < f->nth; t++)
      if (f->scr_lows[t * BN_FWD_CERT_MAX_K + at[t]] > f->scr_lows[best * BN_FWD_CERT_MAX_K + at[best]])
        best = t;
    v = f->scr_lows[best * BN_FWD_CERT_MAX_K + at[best]];
    if (at[best] + 1 < f->scr_k)
      at[best]++;
    else if (n + 1 < f->scr_k) {
      /* this list is spent: hide it behind -inf */
      f->scr_lows[best * BN_FWD_CERT_MAX_K + at[best]] = -INFINITY;
    }
  }
  return v;
}

static int
run_head_certified (BnFwd *f, Job *j)
{
  const size_t nv = f->m.n_vocab;
  BnFwdHeadStats *st = &f->head_stats;
  size_t n = 0;
  double thr;
  int rc;

  st->steps++;
  if (bn_head_screen_act (f->normed, f->m.n_embd, f->scr_p, &j->scr_step, &j->scr_x_norm, &j->scr_err_norm)
      != BN_K_OK) {
    /* a non-finite input: the full head writes what it makes of it */
    st->fallbacks++;
    return run (f, j, job_head, 1);
  }
  if ((rc = run (f, j, job_screen, 1)) != BN_K_OK)
    return rc;
  thr = kth_lower_bound (f);
  for (size_t r = 0; r < nv; r++) {
    if ((double) j->logits[r] >= thr) {
      if (n < f->scr_limit)
        f->scr_sums[n] = (int32_t) r;
      n++;
    }
    j->logits[r] = -INFINITY;
  }
  st->candidates += n;
  if (n > st->candidates_max)
    st->candidates_max = n;
  if (n > f->scr_limit) {
    st->fallbacks++;
    return run (f, j, job_head, 1);
  }
  j->n_cand = n;
  return run (f, j, job_rescore, n >= 64);
}

int
bn_fwd_set_head_certified (BnFwd *f, size_t top_k)
{
  const size_t nv = f ? f->m.n_vocab : 0, ne = f ? f->m.n_embd : 0;
  Job j;
  int rc;

  if (!f)
    return BN_K_ERR_INVALID;
  if (top_k == 0) {
    f->scr_k = 0;
    return BN_K_OK;
  }
  if (f->m.head_type != BN_FWD_F16 || top_k > BN_FWD_CERT_MAX_K || top_k >= nv || f->scr_state < 0
      || bn_head_screen_act_max (ne) == 0)
    return BN_K_ERR_INVALID;
  if (f->scr_state == 0) {
    f->scr_q = bn_kalloc (nv * ne);
    f->scr_rows = bn_kalloc (3 * nv * sizeof (float));
    f->scr_p = bn_kalloc (ne * sizeof (int16_t));
    f->scr_sums = bn_kalloc (nv * sizeof (int32_t));
    f->scr_lows = bn_kalloc ((size_t) f->nth * BN_FWD_CERT_MAX_K * sizeof (double));
    if (!f->scr_q || !f->scr_rows || !f->scr_p || !f->scr_sums || !f->scr_lows)
      return BN_K_ERR_NOMEM; /* freed by bn_fwd_free() */
    memset (&j, 0, sizeof j);
    j.f = f;
    atomic_init (&j.status, BN_K_OK);
    if ((rc = run (f, &j, job_screen_build, 1)) != BN_K_OK) {
      f->scr_state = -1;
      return rc;
    }
    f->scr_state = 1;
    /* the full head costs n_vocab rows after the screening; re-scoring a
     * quarter of them in scattered single-row calls is already close to
     * that (docs/engine.md, "Certified head") */
    f->scr_limit = nv / 4;
  }
  f->scr_k = top_k;
  return BN_K_OK;
}

size_t
bn_fwd_get_head_certified (const BnFwd *f)
{
  return f ? f->scr_k : 0;
}

void
bn_fwd_head_stats (const BnFwd *f, BnFwdHeadStats *out)
{
  if (!out)
    return;
  if (f)
    *out = f->head_stats;
  else
    memset (out, 0, sizeof *out);
}

/* ---- evaluation ------------------------------------------------------- */

static void
embed (BnFwd *f, const int32_t *tokens, size_t n_tok)
{
  const BnFwdModel *m = &f->m;
  const size_t ne = m->n_embd, rb = bn_fwd_float_row_bytes (m->embd_type, ne);
  static const char *const names[] = { "embd_f32", "embd_f16", "embd_q8_0" };

  for (size_t t = 0; t < n_tok; t++) {
    const uint8_t *row = (const uint8_t *) m->embd + (size_t) tokens[t] * rb;
    float *x = f->x + t * ne;

    switch (m->embd_type) {
    case BN_FWD_F32: memcpy (x, row, ne * sizeof (float)); break;
    case BN_FWD_F16:
      for (size_t i = 0; i < ne; i++) {
        uint16_t h;
        memcpy (&h, row + 2 * i, 2);
        x[i] = bn_fwd_f16 (h);
      }
      break;
    case BN_FWD_Q8_0: bn_q8_0_dequantize (row, 1, ne, x); break;
    }
  }
  bn_fwd_note (f, 0, names[m->embd_type]);
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
    if ((rc = prologue (f, &j, f->x, m->n_embd, L->attn_norm, GROUP_QKV)) || (rc = run (f, &j, job_qkv, 1))
        || (rc = run (f, &j, job_attn, 1)) || (rc = prologue (f, &j, f->att, m->n_embd, L->attn_sub_norm, GROUP_O))
        || (rc = run (f, &j, job_o, 1)) || (rc = prologue (f, &j, f->x, m->n_embd, L->ffn_norm, GROUP_GU))
        || (rc = run (f, &j, job_gate_up, 1)) || (rc = prologue (f, &j, f->hf, m->n_ff, L->ffn_sub_norm, GROUP_DOWN))
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
  f->ops->norm (&f->head_act, f->x + last * f->m.n_embd, f->m.output_norm, f->m.rms_eps, f->normed);
  bn_fwd_note (f, 0, f->ops->norm_name);
  if (f->q8k && f->m.head_type == BN_FWD_F16) {
    /* llama.cpp converts the input of an f16 product to f16 */
    for (size_t i = 0; i < f->m.n_embd; i++)
      f->normed[i] = bn_f16_to_f32 (bn_f32_to_f16 (f->normed[i]));
  }
  if (f->scr_k)
    return run_head_certified (f, &j);
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
