/* gst-bitnet kernels: the forward pass, construction and reports
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Checks a BnFwdModel, copies its norms, plans the TL tables, allocates
 * the KV cache and every buffer a pass uses (nothing is allocated later),
 * and starts the thread team. The pass itself: bn-forward-pass.c.
 */
#include "bn-forward-private.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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

static int
is_tl (BnTernaryFormat fmt)
{
  return fmt == BN_TERNARY_TL1 || fmt == BN_TERNARY_TL2;
}

/* ---- model checks ----------------------------------------------------- */

static const char *const proj_names[BN_FWD_N_PROJ] = { "attn_q",   "attn_k", "attn_v",  "attn_output",
                                                       "ffn_gate", "ffn_up", "ffn_down" };

static int
check_model (const BnFwdModel *m, char *err, size_t len)
{
  if (!m->n_vocab || !m->n_embd || !m->n_ff || !m->n_layer || !m->n_head || !m->n_head_kv || !m->head_dim || !m->layers
      || !m->embd || !m->head || !m->output_norm) {
    set_err (err, len, "the model description is incomplete");
    return BN_K_ERR_INVALID;
  }
  if (m->n_embd != m->n_head * m->head_dim || m->n_head % m->n_head_kv || m->rope_dim % 2
      || m->rope_dim > m->head_dim) {
    set_err (err, len,
             "inconsistent shape: hidden %zu, %zu heads of %zu, "
             "%zu kv heads, rope %zu",
             m->n_embd, m->n_head, m->head_dim, m->n_head_kv, m->rope_dim);
    return BN_K_ERR_SHAPE;
  }
  if (!(m->rms_eps > 0.0f) || (m->rope_dim && !(m->rope_theta > 0.0f))) {
    set_err (err, len, "RMS epsilon and RoPE base must be positive");
    return BN_K_ERR_INVALID;
  }
  if ((unsigned) m->embd_type > BN_FWD_Q8_0 || (unsigned) m->head_type > BN_FWD_Q8_0
      || (unsigned) m->ffn_act > BN_FWD_FFN_RELU2) {
    set_err (err, len, "unknown embedding, head or activation type");
    return BN_K_ERR_INVALID;
  }
  if ((m->embd_type == BN_FWD_Q8_0 || m->head_type == BN_FWD_Q8_0) && m->n_embd % BN_Q8_0_BLOCK) {
    set_err (err, len,
             "Q8_0 rows need the hidden size (%zu) to be a "
             "multiple of 32",
             m->n_embd);
    return BN_K_ERR_SHAPE;
  }
  if (m->head_type == BN_FWD_F16 && ((uintptr_t) m->head) % 2) {
    set_err (err, len, "the f16 head is not 2-byte aligned");
    return BN_K_ERR_INVALID;
  }
  for (size_t l = 0; l < m->n_layer; l++) {
    const BnFwdLayer *L = &m->layers[l];
    const size_t kv = m->n_head_kv * m->head_dim;
    const size_t want[BN_FWD_N_PROJ][2] = { { m->n_embd, m->n_embd }, { kv, m->n_embd },      { kv, m->n_embd },
                                            { m->n_embd, m->n_embd }, { m->n_ff, m->n_embd }, { m->n_ff, m->n_embd },
                                            { m->n_embd, m->n_ff } };

    if (!L->attn_norm || !L->attn_sub_norm || !L->ffn_norm || !L->ffn_sub_norm) {
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
        set_err (err, len,
                 "blk.%zu.%s is %zu x %zu in %s; the model needs "
                 "%zu x %zu",
                 l, proj_names[p], w->rows, w->cols, bn_ternary_format_name (w->format), want[p][0], want[p][1]);
        return BN_K_ERR_SHAPE;
      }
      if (w->size < bn_ternary_packed_size (w->format, w->rows, w->cols)) {
        set_err (err, len, "blk.%zu.%s holds %zu bytes, fewer than %s needs", l, proj_names[p], w->size,
                 bn_ternary_format_name (w->format));
        return BN_K_ERR_BUFFER;
      }
      /* I2S reads its blocks unaligned (GGUF data is 32-byte aligned) */
      if (!is_tl (w->format) && w->format != BN_TERNARY_I2S && ((uintptr_t) w->data) % 2) {
        set_err (err, len, "blk.%zu.%s is not 2-byte aligned", l, proj_names[p]);
        return BN_K_ERR_INVALID;
      }
      if (is_tl (w->format) && ((uintptr_t) w->data) % BN_KALIGN) {
        set_err (err, len, "blk.%zu.%s (%s) is not %d-byte aligned", l, proj_names[p],
                 bn_ternary_format_name (w->format), BN_KALIGN);
        return BN_K_ERR_INVALID;
      }
    }
  }
  return BN_K_OK;
}

static const int group_of[BN_FWD_N_PROJ] = { GROUP_QKV, GROUP_QKV, GROUP_QKV, GROUP_O, GROUP_GU, GROUP_GU, GROUP_DOWN };

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
        set_err (err, len,
                 "block %zu mixes TL1 and TL2 weights that read "
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
bn_fwd_new (const BnFwdModel *model, const BnFwdOptions *opts, BnFwd **out, char *err, size_t err_len)
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
  if (opts->n_threads < 1 || opts->n_threads > BN_TEAM_MAX_THREADS || opts->n_ctx < 1) {
    set_err (err, err_len, "threads must be 1..%d and the context at least 1", BN_TEAM_MAX_THREADS);
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
  f->ops = bn_fwd_ops_get (f->k->variant);
  f->nth = opts->n_threads;
  f->n_ctx = opts->n_ctx;
  f->kv_f16 = opts->kv_f16 != 0;
  f->q8k = opts->act_q8k != 0;
  ub = opts->ubatch ? opts->ubatch : BN_FWD_DEFAULT_UBATCH;
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
    any_tl_e |= g[GROUP_QKV] != BN_TERNARY_N_FORMATS || g[GROUP_O] != BN_TERNARY_N_FORMATS
                || g[GROUP_GU] != BN_TERNARY_N_FORMATS;
    any_tl_f |= g[GROUP_DOWN] != BN_TERNARY_N_FORMATS;
  }

  /* KV cache */
  f->kv_elt = f->kv_f16 ? 2 : 4;
  f->kv_bytes = (uint64_t) nl * 2 * f->n_ctx * f->kv_dim * f->kv_elt;
  if (f->kv_bytes / (nl * 2 * f->kv_elt) / f->kv_dim != f->n_ctx || f->kv_bytes > SIZE_MAX / 2) {
    set_err (err, err_len, "a KV cache of %zu positions is too large", f->n_ctx);
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
  f->rope_cs = alloc (f, ub * (m->rope_dim ? m->rope_dim : 1) * sizeof (float));
  f->inv_freq = alloc (f, (m->rope_dim / 2 + 1) * sizeof (double));
  if (!f->x || !f->yq || !f->yk || !f->yv || !f->att || !f->yo || !f->yg || !f->yu || !f->hf || !f->act_e_buf
      || !f->act_f_buf || !f->act_e || !f->act_f || !f->normed || !f->head_act_buf || !f->scores || !f->rope_cs
      || !f->inv_freq)
    goto nomem;
  for (size_t t = 0; t < ub; t++) {
    bn_act_init (&f->act_e[t], f->act_e_buf + t * f->act_e_size, f->act_e_size, ne);
    bn_act_init (&f->act_f[t], f->act_f_buf + t * f->act_f_size, f->act_f_size, nf);
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
    f->inv_freq[i] = pow ((double) m->rope_theta, -2.0 * (double) i / (double) m->rope_dim);

  /* bytes read per decoded token */
  f->bytes_per_token = bn_fwd_float_row_bytes (m->embd_type, ne)
                       + (uint64_t) m->n_vocab * bn_fwd_float_row_bytes (m->head_type, ne)
                       + ((uint64_t) ((3 * ne + nf) * nl + ne)) * sizeof (float);
  for (size_t l = 0; l < nl; l++)
    for (int p = 0; p < BN_FWD_N_PROJ; p++) {
      const BnTernary *w = &f->layers[l].w[p];
      f->bytes_per_token += bn_ternary_packed_size (w->format, w->rows, w->cols);
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
  set_err (err, err_len, "out of memory (KV cache %.1f MB for %zu positions)", f ? (double) f->kv_bytes / 1e6 : 0.0,
           opts->n_ctx);
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
  bn_kfree (f->scr_q);
  bn_kfree (f->scr_rows);
  bn_kfree (f->scr_p);
  bn_kfree (f->scr_sums);
  bn_kfree (f->scr_lows);
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
  if (f) {
    f->pos = 0;
    memset (&f->head_stats, 0, sizeof f->head_stats);
  }
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
  if (!f)
    return 0;
  if (f->scr_k)
    return f->bytes_per_token - (uint64_t) f->m.n_vocab * bn_fwd_float_row_bytes (f->m.head_type, f->m.n_embd)
           + (uint64_t) f->m.n_vocab * (f->m.n_embd + 3 * sizeof (float));
  return f->bytes_per_token;
}

uint64_t
bn_fwd_kv_bytes (const BnFwd *f)
{
  return f ? f->kv_bytes : 0;
}

size_t
bn_fwd_kernels_used (const BnFwd *f, const char **names, size_t max)
{
  const char *all[BN_FWD_MAX_NAMES * 4];
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
