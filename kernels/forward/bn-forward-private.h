/* gst-bitnet kernels: internals of the forward pass (state, float operations)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The float operations of a pass other than the ternary products and the
 * head: the fused RMSNorm + int8 quantization, attention and RoPE. The
 * scalar functions in bn-forward-ops.c define the arithmetic; the x86 variant
 * (x86/bn-forward-ops-avx2.c, built with its own target flags) performs the same float
 * operations in the same order and returns the same bits. Every sum has a
 * fixed order that depends only on its length, never on the thread count:
 *
 *  - dot products of n floats (attention scores, f32 head rows) keep 16
 *    lane sums, acc[j] = acc[j] + a[i + j] * b[i + j] (a multiply then an
 *    add, no FMA) for i = 0, 16, ...; missing tail elements add 0 * 0;
 *    then acc[j] = acc[j] + acc[j + s] for s = 8, 4, 2, 1;
 *  - the RMSNorm sum of squares keeps 8 double lane sums of x * x (exact
 *    products), then the same halving tree (s = 4, 2, 1);
 *  - attention value sums are elementwise, in position order;
 *  - maxima are order-free (NaN inputs are skipped, as fmaxf does).
 */
#pragma once

#include "bn-kernels-private.h"
#include "bn-forward.h"

#include "../bn-threads.h"

#define BN_FWD_DEFAULT_UBATCH 64
#define BN_FWD_MAX_NAMES 32

typedef struct BnFwdOps BnFwdOps;

/* activation consumers: which projections read which quantized input */
enum { GROUP_QKV, GROUP_O, GROUP_GU, GROUP_DOWN, N_GROUPS };

typedef struct {
  const char *names[BN_FWD_MAX_NAMES];
  size_t n;
  char pad[BN_KALIGN]; /* no false sharing between threads */
} NameSet;

struct BnFwd {
  BnFwdModel m;
  BnFwdLayer *layers;
  float *norms; /* owned copies of every norm vector */
  const BnKernels *k;
  const BnFwdOps *ops;
  BnTeam *team;
  unsigned nth;
  size_t n_ctx, ub, kv_dim, pos;
  int kv_f16, q8k;
  BnTernaryFormat *lut_fmt; /* n_layer x N_GROUPS; N_FORMATS = none */

  void *kv; /* [layer][K|V][kv head][n_ctx][head_dim] */
  size_t kv_elt;

  float *x, *yq, *yk, *yv, *att, *yo, *yg, *yu, *hf;
  BnActQ8 *act_e, *act_f;
  uint8_t *act_e_buf, *act_f_buf;
  size_t act_e_size, act_f_size;
  uint8_t *lut_e, *lut_f;
  size_t lut_e_size, lut_f_size;
  BnBlockQ8K *q8k_e, *q8k_f;
  size_t nb_e, nb_f;
  float *nrm;    /* matching mode: normed inputs */
  float *normed; /* head input */
  BnActQ8 head_act;
  uint8_t *head_act_buf;
  float *rope_cs; /* ub x rope_dim: cos then sin */
  double *inv_freq;
  float *scores;  /* nth x n_ctx */
  NameSet *names; /* nth */

  /* certified head (bn_fwd_set_head_certified): the screening copy, built
   * on first use; scr_k == 0 runs the full head */
  size_t scr_k, scr_limit;
  int8_t *scr_q;     /* n_vocab x n_embd */
  float *scr_rows;   /* scale, err_coef, wq_norm: n_vocab each */
  int16_t *scr_p;    /* the activations, n_embd */
  int32_t *scr_sums; /* n_vocab screening sums, then the candidates */
  double *scr_lows;  /* nth x BN_FWD_CERT_MAX_K best lower bounds */
  int scr_state;     /* 0 not built, 1 built, -1 the head cannot be screened */
  BnFwdHeadStats head_stats;

  uint64_t bytes_per_token, kv_bytes;
  void *allocs[32];
  size_t n_allocs;
};

/* records a kernel name in thread @ith's set (each thread its own: no
 * locks; bn_fwd_kernels_used() merges them) */
static inline void
bn_fwd_note (BnFwd *f, unsigned ith, const char *name)
{
  NameSet *s = &f->names[ith];

  if (!name)
    return;
  for (size_t i = 0; i < s->n; i++)
    if (s->names[i] == name)
      return;
  if (s->n < BN_FWD_MAX_NAMES)
    s->names[s->n++] = name;
}

static inline size_t
bn_fwd_float_row_bytes (BnFwdFloatType t, size_t n)
{
  switch (t) {
  case BN_FWD_F32: return 4 * n;
  case BN_FWD_F16: return 2 * n;
  case BN_FWD_Q8_0: return n / BN_Q8_0_BLOCK * BN_Q8_0_BLOCK_BYTES;
  }
  return 0;
}

typedef void (*BnFwdNormFn) (BnActQ8 *act, const float *x, const float *w, float eps, float *normed);
/* s[p] = dot (q, k + p * hd) * scale for p < n_pos */
typedef void (*BnFwdScoresF32Fn) (const float *q, const float *k, size_t n_pos, size_t hd, float scale,
                                  float *restrict s);
typedef void (*BnFwdScoresF16Fn) (const float *q, const uint16_t *k, size_t n_pos, size_t hd, float scale,
                                  float *restrict s);
/* out[d] = sum_p e[p] * v[p * hd + d], from 0, in position order */
typedef void (*BnFwdWsumF32Fn) (const float *e, const float *v, size_t n_pos, size_t hd, float *restrict out);
typedef void (*BnFwdWsumF16Fn) (const float *e, const uint16_t *v, size_t n_pos, size_t hd, float *restrict out);

struct BnFwdOps {
  const char *norm_name; /* "rmsnorm_q8", "rmsnorm_q8_avx2" */
  const char *attn_f32_name;
  const char *attn_f16_name;
  BnFwdNormFn norm;
  BnFwdScoresF32Fn scores_f32;
  BnFwdScoresF16Fn scores_f16;
  BnFwdWsumF32Fn wsum_f32;
  BnFwdWsumF16Fn wsum_f16;
};

/* The operations for @variant (scalar where no SIMD version exists). */
BN_INTERNAL const BnFwdOps *bn_fwd_ops_get (BnKernelVariant variant);

#if defined(__x86_64__) && !defined(BN_NO_SIMD_VARIANTS)
BN_INTERNAL extern const BnFwdOps bn_fwd_ops_avx2;
#endif

/* One query head over positions [0, n_pos) of its KV head: out =
 * softmax(q . K^T * scale) V; @k and @v point at position 0 (rows of hd
 * values, f16 when @kv_f16); @scores holds n_pos floats. The softmax
 * (max, expf, sum in position order) is scalar in every variant. Returns
 * the kernel name. */
BN_INTERNAL const char *bn_fwd_attend (const BnFwdOps *ops, const float *q, const void *k, const void *v, int kv_f16,
                                       size_t n_pos, size_t hd, float scale, float *restrict scores,
                                       float *restrict out);

/* NEOX RoPE on one head: pairs (i, i + rope_dim / 2), i < rope_dim / 2,
 * rotated by the angle whose cosine and sine are cs[i] and
 * cs[rope_dim / 2 + i]. */
BN_INTERNAL void bn_fwd_rope (float *x, size_t rope_dim, const float *cs);

/* y[r] = 16-lane dot (x, row r) for rows [row_begin, row_end) of an f32
 * matrix with n columns (any alignment). */
BN_INTERNAL void bn_fwd_head_f32 (const void *w, size_t n, const float *x, size_t row_begin, size_t row_end,
                                  float *restrict y);

/* Sets the quantized fields of @act from q[0..k): scale, sums, no table. */
static inline void
bn_fwd_act_finish (BnActQ8 *act, float a)
{
  int32_t total = 0;

  memset (act->q + act->k, 0, act->k_pad - act->k);
  for (size_t b = 0; b < act->k_pad / 256; b++) {
    int32_t s = 0;
    for (size_t i = 0; i < 256; i++)
      s += act->q[b * 256 + i];
    act->bsum[b] = s;
    total += s;
  }
  act->sum = total;
  act->scale = a;
  act->scale_inv = 1.0f / a;
  act->lut = NULL;
  act->lut_format = BN_TERNARY_N_FORMATS;
}

/* f16 bits -> f32, exact, inline */
static inline float
bn_fwd_f16 (uint16_t h)
{
  uint32_t sign = (uint32_t) (h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
  float f;

  if (exp == 0) {
    /* zero or subnormal: mant * 2^-24, exact in float */
    f = (float) mant * 5.9604644775390625e-8f;
    return sign ? -f : f;
  }
  if (exp == 0x1f)
    bits = sign | 0x7f800000u | (mant << 13);
  else
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  memcpy (&f, &bits, sizeof f);
  return f;
}
