/* gst-bitnet kernels: float operations of the forward pass, AVX2 + F16C
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Built with -mavx2 -mfma -mf16c and -ffp-contract=off; used by the avx2
 * and avx512 variants (these operations stream little data: 256-bit
 * vectors suffice). Each function performs the float operations of its
 * scalar twin in forward/bn-forward-ops.c in the same order (16 float lanes = two
 * ymm registers, 8 double lanes = two ymm registers; no FMA), so the
 * results are the same bits. Shapes these loops do not tile (a head size
 * not a multiple of 16) go to the scalar code.
 */
#include <immintrin.h>

#include "forward/bn-forward-private.h"

/* ---- helpers ---------------------------------------------------------- */

/* acc[j] += acc[j + s] for s = 8, 4, 2, 1 over lanes lo (0-7), hi (8-15) */
static inline float
reduce16 (__m256 lo, __m256 hi)
{
  __m256 v = _mm256_add_ps (lo, hi);
  __m128 w = _mm_add_ps (_mm256_castps256_ps128 (v), _mm256_extractf128_ps (v, 1));

  w = _mm_add_ps (w, _mm_movehl_ps (w, w));
  w = _mm_add_ss (w, _mm_shuffle_ps (w, w, 1));
  return _mm_cvtss_f32 (w);
}

static inline __m256
load_f16x8 (const uint16_t *p)
{
  return _mm256_cvtph_ps (_mm_loadu_si128 ((const __m128i *) p));
}

static inline __m256i
tail_mask (size_t n)
{
  const __m256i idx = _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7);

  return _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) n), idx);
}

/* ---- RMSNorm + quantization ------------------------------------------- */

static void
norm_avx2 (BnActQ8 *act, const float *x, const float *w, float eps, float *normed)
{
  const size_t k = act->k;
  __m256d s0 = _mm256_setzero_pd (), s1 = s0;
  __m256 m = _mm256_setzero_ps ();
  const __m256 absmask = _mm256_castsi256_ps (_mm256_set1_epi32 (0x7fffffff));
  size_t i = 0;
  float inv, amax, a;

  /* 8 double lanes: s0 = lanes 0-3, s1 = lanes 4-7 */
  for (; i + 8 <= k; i += 8) {
    __m256 v = _mm256_loadu_ps (x + i);
    __m256d d0 = _mm256_cvtps_pd (_mm256_castps256_ps128 (v));
    __m256d d1 = _mm256_cvtps_pd (_mm256_extractf128_ps (v, 1));
    s0 = _mm256_add_pd (s0, _mm256_mul_pd (d0, d0));
    s1 = _mm256_add_pd (s1, _mm256_mul_pd (d1, d1));
  }
  if (i < k) {
    __m256 v = _mm256_maskload_ps (x + i, tail_mask (k - i));
    __m256d d0 = _mm256_cvtps_pd (_mm256_castps256_ps128 (v));
    __m256d d1 = _mm256_cvtps_pd (_mm256_extractf128_ps (v, 1));
    s0 = _mm256_add_pd (s0, _mm256_mul_pd (d0, d0));
    s1 = _mm256_add_pd (s1, _mm256_mul_pd (d1, d1));
  }
  {
    __m256d t = _mm256_add_pd (s0, s1);
    __m128d u = _mm_add_pd (_mm256_castpd256_pd128 (t), _mm256_extractf128_pd (t, 1));
    u = _mm_add_sd (u, _mm_unpackhi_pd (u, u));
    inv = (float) (1.0 / sqrt (_mm_cvtsd_f64 (u) / (double) k + (double) eps));
  }

  /* normalize, maximum of |n| (NaN skipped: max_ps returns its second
   * operand when one is NaN) */
  {
    const __m256 vinv = _mm256_set1_ps (inv);
    for (i = 0; i + 8 <= k; i += 8) {
      __m256 n = _mm256_mul_ps (_mm256_loadu_ps (x + i), vinv);
      if (w)
        n = _mm256_mul_ps (n, _mm256_loadu_ps (w + i));
      if (normed)
        _mm256_storeu_ps (normed + i, n);
      m = _mm256_max_ps (_mm256_and_ps (n, absmask), m);
    }
    {
      __m128 h = _mm_max_ps (_mm256_castps256_ps128 (m), _mm256_extractf128_ps (m, 1));
      h = _mm_max_ps (h, _mm_movehl_ps (h, h));
      h = _mm_max_ss (h, _mm_shuffle_ps (h, h, 1));
      amax = _mm_cvtss_f32 (h);
    }
    for (; i < k; i++) {
      float n = x[i] * inv, an;
      if (w)
        n = n * w[i];
      if (normed)
        normed[i] = n;
      an = fabsf (n);
      amax = an > amax ? an : amax;
    }
  }
  a = 127.0f / (amax > 1e-5f ? amax : 1e-5f);

  /* quantize 32 at a time */
  {
    const __m256 vinv = _mm256_set1_ps (inv), va = _mm256_set1_ps (a);
    const __m256 lo = _mm256_set1_ps (-128.0f), hi = _mm256_set1_ps (127.0f);
    const __m256i perm = _mm256_setr_epi32 (0, 4, 1, 5, 2, 6, 3, 7);
    for (i = 0; i + 32 <= k; i += 32) {
      __m256i q[4];
      for (int b = 0; b < 4; b++) {
        __m256 n = _mm256_mul_ps (_mm256_loadu_ps (x + i + 8 * b), vinv);
        if (w)
          n = _mm256_mul_ps (n, _mm256_loadu_ps (w + i + 8 * b));
        n = _mm256_round_ps (_mm256_mul_ps (n, va), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        n = _mm256_min_ps (_mm256_max_ps (n, lo), hi);
        q[b] = _mm256_cvtps_epi32 (n);
      }
      {
        __m256i p16a = _mm256_packs_epi32 (q[0], q[1]);
        __m256i p16b = _mm256_packs_epi32 (q[2], q[3]);
        __m256i p8 = _mm256_packs_epi16 (p16a, p16b);
        _mm256_storeu_si256 ((__m256i *) (act->q + i), _mm256_permutevar8x32_epi32 (p8, perm));
      }
    }
    for (; i < k; i++) {
      float n = x[i] * inv, v;
      if (w)
        n = n * w[i];
      v = rintf (n * a);
      v = v > -128.0f ? v : -128.0f;
      v = v < 127.0f ? v : 127.0f;
      act->q[i] = (int8_t) v;
    }
  }
  bn_fwd_act_finish (act, a);
}

/* ---- attention -------------------------------------------------------- */

#define SCORES_BODY(LOADK)                                                                                             \
  size_t p = 0;                                                                                                        \
  for (; p + 4 <= n_pos; p += 4) {                                                                                     \
    __m256 l0 = _mm256_setzero_ps (), h0 = l0, l1 = l0, h1 = l0;                                                       \
    __m256 l2 = l0, h2 = l0, l3 = l0, h3 = l0;                                                                         \
    for (size_t i = 0; i < hd; i += 16) {                                                                              \
      const __m256 ql = _mm256_loadu_ps (q + i);                                                                       \
      const __m256 qh = _mm256_loadu_ps (q + i + 8);                                                                   \
      l0 = _mm256_add_ps (l0, _mm256_mul_ps (ql, LOADK (p, i)));                                                       \
      h0 = _mm256_add_ps (h0, _mm256_mul_ps (qh, LOADK (p, i + 8)));                                                   \
      l1 = _mm256_add_ps (l1, _mm256_mul_ps (ql, LOADK (p + 1, i)));                                                   \
      h1 = _mm256_add_ps (h1, _mm256_mul_ps (qh, LOADK (p + 1, i + 8)));                                               \
      l2 = _mm256_add_ps (l2, _mm256_mul_ps (ql, LOADK (p + 2, i)));                                                   \
      h2 = _mm256_add_ps (h2, _mm256_mul_ps (qh, LOADK (p + 2, i + 8)));                                               \
      l3 = _mm256_add_ps (l3, _mm256_mul_ps (ql, LOADK (p + 3, i)));                                                   \
      h3 = _mm256_add_ps (h3, _mm256_mul_ps (qh, LOADK (p + 3, i + 8)));                                               \
    }                                                                                                                  \
    s[p] = reduce16 (l0, h0) * scale;                                                                                  \
    s[p + 1] = reduce16 (l1, h1) * scale;                                                                              \
    s[p + 2] = reduce16 (l2, h2) * scale;                                                                              \
    s[p + 3] = reduce16 (l3, h3) * scale;                                                                              \
  }                                                                                                                    \
  for (; p < n_pos; p++) {                                                                                             \
    __m256 l0 = _mm256_setzero_ps (), h0 = l0;                                                                         \
    for (size_t i = 0; i < hd; i += 16) {                                                                              \
      l0 = _mm256_add_ps (l0, _mm256_mul_ps (_mm256_loadu_ps (q + i), LOADK (p, i)));                                  \
      h0 = _mm256_add_ps (h0, _mm256_mul_ps (_mm256_loadu_ps (q + i + 8), LOADK (p, i + 8)));                          \
    }                                                                                                                  \
    s[p] = reduce16 (l0, h0) * scale;                                                                                  \
  }

static void
scores_f32_avx2 (const float *q, const float *k, size_t n_pos, size_t hd, float scale, float *restrict s)
{
#define LOADK(pp, ii) _mm256_loadu_ps (k + (pp) *hd + (ii))
  if (hd % 16) {
    bn_fwd_ops_get (BN_KERNEL_SCALAR)->scores_f32 (q, k, n_pos, hd, scale, s);
    return;
  }
  SCORES_BODY (LOADK);
#undef LOADK
}

static void
scores_f16_avx2 (const float *q, const uint16_t *k, size_t n_pos, size_t hd, float scale, float *restrict s)
{
#define LOADK(pp, ii) load_f16x8 (k + (pp) *hd + (ii))
  if (hd % 16) {
    bn_fwd_ops_get (BN_KERNEL_SCALAR)->scores_f16 (q, k, n_pos, hd, scale, s);
    return;
  }
  SCORES_BODY (LOADK);
#undef LOADK
}

#define WSUM_BODY(LOADV)                                                                                               \
  for (size_t d0 = 0; d0 < hd; d0 += 64) {                                                                             \
    const size_t nv = (hd - d0 < 64 ? hd - d0 : 64) / 8;                                                               \
    __m256 acc[8];                                                                                                     \
    for (size_t j = 0; j < 8; j++)                                                                                     \
      acc[j] = _mm256_setzero_ps ();                                                                                   \
    for (size_t p = 0; p < n_pos; p++) {                                                                               \
      const __m256 ep = _mm256_set1_ps (e[p]);                                                                         \
      for (size_t j = 0; j < nv; j++)                                                                                  \
        acc[j] = _mm256_add_ps (acc[j], _mm256_mul_ps (ep, LOADV (p, d0 + 8 * j)));                                    \
    }                                                                                                                  \
    for (size_t j = 0; j < nv; j++)                                                                                    \
      _mm256_storeu_ps (out + d0 + 8 * j, acc[j]);                                                                     \
  }

static void
wsum_f32_avx2 (const float *e, const float *v, size_t n_pos, size_t hd, float *restrict out)
{
#define LOADV(pp, dd) _mm256_loadu_ps (v + (pp) *hd + (dd))
  if (hd % 8) {
    bn_fwd_ops_get (BN_KERNEL_SCALAR)->wsum_f32 (e, v, n_pos, hd, out);
    return;
  }
  WSUM_BODY (LOADV);
#undef LOADV
}

static void
wsum_f16_avx2 (const float *e, const uint16_t *v, size_t n_pos, size_t hd, float *restrict out)
{
#define LOADV(pp, dd) load_f16x8 (v + (pp) *hd + (dd))
  if (hd % 8) {
    bn_fwd_ops_get (BN_KERNEL_SCALAR)->wsum_f16 (e, v, n_pos, hd, out);
    return;
  }
  WSUM_BODY (LOADV);
#undef LOADV
}

const BnFwdOps bn_fwd_ops_avx2 = {
  .norm_name = "rmsnorm_q8_avx2",
  .attn_f32_name = "attn_f32_avx2",
  .attn_f16_name = "attn_f16_avx2",
  .norm = norm_avx2,
  .scores_f32 = scores_f32_avx2,
  .scores_f16 = scores_f16_avx2,
  .wsum_f32 = wsum_f32_avx2,
  .wsum_f16 = wsum_f16_avx2,
};
