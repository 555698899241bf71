/* gst-bitnet kernel tests: f16 conversions, activation quantization, format
 * round trips, lossless conversions, bitnet.cpp I2_S and ggml TQ layouts,
 * accuracy of the float outputs
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <string.h>

#include "kernels/bn-kernels.h"
#include "ktap.h"

static int
is_tq (int f)
{
  return f == BN_TERNARY_TQ2_0 || f == BN_TERNARY_TQ1_0;
}

/* ---- f16 ------------------------------------------------------------ */

static void
test_f16 (KRand *r)
{
  int ok = 1;

  /* every f16 survives f16 -> f32 -> f16 (NaNs stay NaN) */
  for (uint32_t h = 0; h < 65536; h++) {
    float f = bn_f16_to_f32 ((uint16_t) h);
    uint16_t back = bn_f32_to_f16 (f);
    if (isnan (f) ? !((back & 0x7c00) == 0x7c00 && (back & 0x3ff)) : back != h) {
      ktap_diag ("f16 0x%04x -> %g -> 0x%04x", h, f, back);
      ok = 0;
      break;
    }
  }
  ktap_ok (ok, "/kernels/f16/roundtrip-all");

  /* known values: 1, -2, 65504, smallest subnormal, rounding to even */
  ok = bn_f32_to_f16 (1.0f) == 0x3c00 && bn_f32_to_f16 (-2.0f) == 0xc000 && bn_f32_to_f16 (65504.0f) == 0x7bff
       && bn_f32_to_f16 (65520.0f) == 0x7c00 /* ties to even -> inf */
       && bn_f32_to_f16 (65519.99f) == 0x7bff && bn_f32_to_f16 (ldexpf (1.0f, -24)) == 0x0001
       && bn_f32_to_f16 (ldexpf (1.0f, -25)) == 0x0000 /* tie to even */
       && bn_f32_to_f16 (ldexpf (1.5f, -25)) == 0x0001 && bn_f32_to_f16 (1.0f + ldexpf (1.0f, -11)) == 0x3c00 /* tie */
       && bn_f32_to_f16 (1.0f + 3 * ldexpf (1.0f, -11)) == 0x3c02 && bn_f16_to_f32 (0x0001) == ldexpf (1.0f, -24)
       && bn_f16_to_f32 (0x03ff) == ldexpf (1023.0f, -24) && isinf (bn_f16_to_f32 (0xfc00))
       && bn_f16_to_f32 (0xfc00) < 0;
  ktap_ok (ok, "/kernels/f16/known-values");

  /* against the exact rule: the nearest f16, ties to the even mantissa */
  ok = 1;
  for (int i = 0; i < 200000 && ok; i++) {
    uint32_t bits = (uint32_t) krand_u64 (r);
    float f, lo_f, hi_f;
    uint16_t h, alt;
    memcpy (&f, &bits, 4);
    if (isnan (f) || fabsf (f) >= 65520.0f)
      continue;
    h = bn_f32_to_f16 (f);
    lo_f = bn_f16_to_f32 (h);
    /* neighbour on the other side of f */
    alt = (uint16_t) ((fabsf (lo_f) < fabsf (f)) ? h + 1 : h - 1);
    if ((h & 0x7fff) == 0 && fabsf (lo_f) >= fabsf (f))
      continue;
    hi_f = bn_f16_to_f32 (alt);
    {
      double d0 = fabs ((double) lo_f - f), d1 = fabs ((double) hi_f - f);
      if (d0 > d1 || (d0 == d1 && (h & 1)))
        ok = 0;
    }
    if (!ok)
      ktap_diag ("%.9g -> 0x%04x", f, h);
  }
  ktap_ok (ok, "/kernels/f16/nearest-even");

#if defined(__FLT16_MAX__)
  ok = 1;
  for (int i = 0; i < 200000 && ok; i++) {
    uint32_t bits = (uint32_t) krand_u64 (r);
    float f;
    _Float16 hw;
    uint16_t hb;
    memcpy (&f, &bits, 4);
    if (isnan (f))
      continue;
    hw = (_Float16) f;
    memcpy (&hb, &hw, 2);
    ok = hb == bn_f32_to_f16 (f);
    if (!ok)
      ktap_diag ("%.9g: hw 0x%04x, ours 0x%04x", f, hb, bn_f32_to_f16 (f));
  }
  ktap_ok (ok, "/kernels/f16/matches-_Float16");
#else
  ktap_skip ("no _Float16", "/kernels/f16/matches-_Float16");
#endif
}

/* ---- activations ------------------------------------------------------ */

static void
test_act (KRand *r)
{
  const size_t k = 1000;
  size_t sz = bn_act_buffer_size (k);
  void *buf = bn_kalloc (sz), *buf2 = bn_kalloc (sz);
  float *x = malloc (k * sizeof (float)), *w = malloc (k * sizeof (float));
  float *n = malloc (k * sizeof (float));
  BnActQ8 a, b;
  int ok;
  int32_t sum = 0, bs = 0;
  float amax = 0.0f;
  size_t imax = 0;

  for (size_t i = 0; i < k; i++) {
    x[i] = krand_normal (r) * 3.0f;
    w[i] = 0.5f + (float) krand_unit (r);
    if (fabsf (x[i]) > amax) {
      amax = fabsf (x[i]);
      imax = i;
    }
  }
  bn_act_init (&a, buf, sz, k);
  bn_act_quantize (&a, x);
  for (size_t i = 0; i < a.k_pad; i++)
    sum += a.q[i];
  for (size_t b2 = 0; b2 < a.k_pad / 256; b2++)
    bs += a.bsum[b2];
  ok = a.k_pad == 1024 && a.q[imax] == (x[imax] > 0 ? 127 : -127) && sum == a.sum && bs == a.sum
       && fabsf (a.scale - 127.0f / amax) < 1e-3f && a.q[k] == 0 && a.q[a.k_pad - 1] == 0;
  for (size_t i = 0; i < k && ok; i++)
    ok = fabsf ((float) a.q[i] - x[i] * a.scale) <= 0.5f + 1e-4f;
  ktap_ok (ok, "/kernels/act/per-token");

  /* a zero vector quantizes to zeros without dividing by zero */
  memset (n, 0, k * sizeof (float));
  bn_act_quantize (&a, n);
  ok = a.sum == 0 && isfinite (a.scale) && isfinite (a.scale_inv);
  ktap_ok (ok, "/kernels/act/zero-vector");

  /* fused RMSNorm equals RMSNorm followed by quantization */
  {
    double ss = 0.0;
    float inv;
    for (size_t i = 0; i < k; i++)
      ss += (double) x[i] * x[i];
    inv = (float) (1.0 / sqrt (ss / k + 1e-5));
    bn_act_init (&b, buf2, sz, k);
    bn_act_quantize_rmsnorm (&a, x, w, 1e-5f, n);
    {
      float *ref = malloc (k * sizeof (float));
      for (size_t i = 0; i < k; i++)
        ref[i] = x[i] * inv * w[i];
      bn_act_quantize (&b, ref);
      ok =
          memcmp (a.q, b.q, k) == 0 && a.scale == b.scale && a.sum == b.sum && memcmp (n, ref, k * sizeof (float)) == 0;
      free (ref);
    }
  }
  ktap_ok (ok, "/kernels/act/rmsnorm-fused");

  /* Q8_K: largest magnitude -> -127, d = 1 / iscale, int16 group sums */
  {
    BnBlockQ8K blocks[4];
    int s16 = 0;
    bn_act_quantize_q8k (x, k, blocks);
    ok = 1;
    for (int bb = 0; bb < 4 && ok; bb++) {
      size_t nn = k - bb * 256 < 256 ? k - bb * 256 : 256;
      float bmax = 0.0f;
      size_t im = 0;
      for (size_t j = 0; j < nn; j++)
        if (fabsf (x[bb * 256 + j]) > bmax) {
          bmax = fabsf (x[bb * 256 + j]);
          im = j;
        }
      ok = blocks[bb].qs[im] == -127;
      for (size_t j = 0; j < nn && ok; j++)
        ok = fabsf (blocks[bb].qs[j] * blocks[bb].d - x[bb * 256 + j]) <= 0.5f * fabsf (blocks[bb].d) * 1.001f;
      for (size_t j = nn; j < 256 && ok; j++)
        ok = blocks[bb].qs[j] == 0;
      for (int g = 0; g < 16; g++) {
        s16 = 0;
        for (int j = 0; j < 16; j++)
          s16 += blocks[bb].qs[g * 16 + j];
        ok &= s16 == blocks[bb].bsums[g];
      }
    }
  }
  ktap_ok (ok, "/kernels/act/q8k-blocks");

  free (x);
  free (w);
  free (n);
  bn_kfree (buf);
  bn_kfree (buf2);
}

/* ---- formats ------------------------------------------------------- */

static void
test_roundtrip (KRand *r)
{
  static const size_t shapes[][2] = {
    { 1, 1 }, { 3, 5 }, { 33, 129 }, { 31, 770 }, { 64, 256 }, { 5, 2560 }, { 37, 768 },
  };

  for (int f = 0; f < BN_TERNARY_N_FORMATS; f++) {
    int ok = 1;
    for (size_t si = 0; si < sizeof shapes / sizeof shapes[0] && ok; si++) {
      size_t rows = shapes[si][0], cols = shapes[si][1];
      size_t size = bn_ternary_packed_size (f, rows, cols);
      int8_t *codes, *back;
      void *data;
      BnTernary m;

      if (is_tq (f) && cols % 256) {
        ok &= size == 0 && bn_ternary_check_shape (f, rows, cols) == BN_K_ERR_SHAPE;
        continue;
      }
      codes = malloc (rows * cols);
      back = malloc (rows * cols);
      data = bn_kalloc (size);
      for (size_t i = 0; i < rows * cols; i++)
        codes[i] = (int8_t) krand_int (r, -1, 1);
      ok &= bn_ternary_pack_codes (f, data, size, codes, rows, cols, 0.25f, &m) == BN_K_OK;
      ok &= bn_ternary_unpack_rows (&m, 0, rows, back) == BN_K_OK;
      ok &= memcmp (codes, back, rows * cols) == 0;
      /* a sub-range unpacks the same rows */
      if (rows > 2) {
        ok &= bn_ternary_unpack_rows (&m, 1, rows - 1, back) == BN_K_OK;
        ok &= memcmp (codes + cols, back, (rows - 2) * cols) == 0;
      }
      /* an invalid code is refused */
      codes[0] = 2;
      ok &= bn_ternary_pack_codes (f, data, size, codes, rows, cols, 0.25f, &m) == BN_K_ERR_DATA;
      ok &= bn_ternary_pack_codes (f, data, size - 1, codes, rows, cols, 0.25f, &m) == BN_K_ERR_BUFFER;
      free (codes);
      free (back);
      bn_kfree (data);
    }
    ktap_ok (ok, "/kernels/%s/pack-unpack", bn_ternary_format_name (f));
  }
}

static void
test_convert (KRand *r)
{
  const size_t rows = 7, cols = 768;
  int8_t *codes = malloc (rows * cols), *back = malloc (rows * cols);

  for (size_t i = 0; i < rows * cols; i++)
    codes[i] = (int8_t) krand_int (r, -1, 1);

  for (int from = 0; from < BN_TERNARY_N_FORMATS; from++) {
    int ok = 1;
    size_t s0 = bn_ternary_packed_size (from, rows, cols);
    void *d0 = bn_kalloc (s0);
    BnTernary src;

    /* 0.375 is exact in f16 */
    bn_ternary_pack_codes (from, d0, s0, codes, rows, cols, 0.375f, &src);
    for (int to = 0; to < BN_TERNARY_N_FORMATS; to++) {
      size_t s1 = bn_ternary_packed_size (to, rows, cols);
      void *d1 = bn_kalloc (s1);
      BnTernary dst;
      float s;
      ok &= bn_ternary_convert (&src, to, d1, s1, 0, &dst) == BN_K_OK;
      ok &= bn_ternary_unpack_rows (&dst, 0, rows, back) == BN_K_OK;
      ok &= memcmp (codes, back, rows * cols) == 0;
      ok &= bn_ternary_uniform_scale (&dst, &s) == BN_K_OK && s == 0.375f;
      bn_kfree (d1);
    }
    ktap_ok (ok, "/kernels/%s/convert-lossless", bn_ternary_format_name (from));
    bn_kfree (d0);
  }

  /* per-block scales: TQ2_0 <-> TQ1_0 keeps them, I2S refuses them */
  {
    size_t nb = rows * cols / 256;
    uint16_t *d = malloc (nb * 2), *d2 = malloc (nb * 2);
    size_t s2 = bn_tq2_0_packed_size (rows, cols);
    size_t s1 = bn_tq1_0_packed_size (rows, cols);
    size_t si = bn_i2s_packed_size (rows, cols);
    void *b2 = bn_kalloc (s2), *b1 = bn_kalloc (s1), *bi = bn_kalloc (si);
    BnTernary m2, m1, mi;
    int ok = 1;

    for (size_t i = 0; i < nb; i++)
      d[i] = (uint16_t) krand_int (r, 0x2000, 0x3bff);
    bn_tq2_0_pack_codes (b2, codes, rows, cols, d, 0.0f);
    m2 = (BnTernary){ BN_TERNARY_TQ2_0, rows, cols, b2, s2, 1.0f };
    ok &= bn_ternary_convert (&m2, BN_TERNARY_TQ1_0, b1, s1, 0, &m1) == BN_K_OK;
    bn_tq1_0_block_scales (&m1, d2);
    ok &= memcmp (d, d2, nb * 2) == 0;
    bn_ternary_unpack_rows (&m1, 0, rows, back);
    ok &= memcmp (codes, back, rows * cols) == 0;
    ok &= bn_ternary_convert (&m2, BN_TERNARY_I2S, bi, si, 0, &mi) == BN_K_ERR_SCALE;
    /* and a per-tensor scale not exact in f16 needs the rounding flag */
    bn_ternary_pack_codes (BN_TERNARY_I2S, bi, si, codes, rows, cols, 0.1f, &mi);
    ok &= bn_ternary_convert (&mi, BN_TERNARY_TQ2_0, b2, s2, 0, &m2) == BN_K_ERR_SCALE;
    ok &= bn_ternary_convert (&mi, BN_TERNARY_TQ2_0, b2, s2, BN_CONVERT_ROUND_SCALE, &m2) == BN_K_OK;
    ktap_ok (ok, "/kernels/tq/block-scales-kept-or-refused");
    free (d);
    free (d2);
    bn_kfree (b2);
    bn_kfree (b1);
    bn_kfree (bi);
  }
  free (codes);
  free (back);
}

/* bitnet.cpp I2_S, written here from its definition: blocks of QK elements
 * in QK / 4 bytes, element j of a block in byte j % (QK / 4) at shift
 * 6 - 2 (j / (QK / 4)), codes 0/1/2 = -1/0/+1, then the float32 scale. */
static void
test_i2_s (KRand *r)
{
  const BnI2SFileLayout layouts[] = { BN_I2S_FILE_X86, BN_I2S_FILE_ARM };
  const size_t rows = 6, cols = 320; /* 320 is not a multiple of 256 */
  const size_t n = rows * cols;
  int8_t *codes = malloc (n), *back = malloc (n);

  for (size_t i = 0; i < n; i++)
    codes[i] = (int8_t) krand_int (r, -1, 1);

  for (int li = 0; li < 2; li++) {
    size_t qk = (size_t) layouts[li], fsize;
    uint8_t *file, *file2;
    float scale = 0.7071f;
    void *data = bn_kalloc (bn_i2s_packed_size (rows, cols));
    BnTernary m;
    int ok;

    fsize = bn_i2s_file_size (rows, cols, layouts[li]);
    file = calloc (1, fsize);
    file2 = calloc (1, fsize);
    for (size_t j = 0; j < n; j++) {
      size_t jj = j % qk, grp = qk / 4;
      file[(j / qk) * grp + jj % grp] |= (uint8_t) ((codes[j] + 1) << (6 - 2 * (jj / grp)));
    }
    memcpy (file + n / 4, &scale, 4);

    ok = fsize == n / 4 + 32;
    ok &= bn_i2s_from_file (data, bn_i2s_packed_size (rows, cols), file, fsize, rows, cols, layouts[li], &m) == BN_K_OK;
    ok &= m.scale == scale;
    bn_ternary_unpack_rows (&m, 0, rows, back);
    ok &= memcmp (codes, back, n) == 0;
    ok &= bn_i2s_to_file (&m, file2, fsize, layouts[li]) == BN_K_OK;
    ok &= memcmp (file, file2, fsize) == 0;
    /* code 3 does not exist */
    file[0] |= 0xc0;
    ok &= bn_i2s_from_file (data, bn_i2s_packed_size (rows, cols), file, fsize, rows, cols, layouts[li], &m)
          == BN_K_ERR_DATA;
    ok &= bn_i2s_file_size (rows, 7, layouts[li]) == 0;
    ktap_ok (ok, "/kernels/i2s/bitnet-cpp-i2_s/%s", li == 0 ? "x86" : "arm");
    free (file);
    free (file2);
    bn_kfree (data);
  }
  free (codes);
  free (back);
}

/* x86 I2_S tensors with rows of whole 128-column blocks are the I2S
 * kernel layout byte for byte: viewed in place, copied, written back as is */
static void
test_i2_s_in_place (KRand *r)
{
  const size_t rows = 5, cols = 384, n = rows * cols;
  const size_t fsize = bn_i2s_file_size (rows, cols, BN_I2S_FILE_X86);
  uint8_t *file = calloc (1, fsize), *file2 = calloc (1, fsize);
  int8_t *codes = malloc (n), *back = malloc (n);
  void *data = bn_kalloc (bn_i2s_packed_size (rows, cols));
  float scale = 0.25f;
  BnTernary v, c;
  int ok;

  for (size_t j = 0; j < n; j++) {
    size_t jj = j % 128;
    codes[j] = (int8_t) krand_int (r, -1, 1);
    file[(j / 128) * 32 + jj % 32] |= (uint8_t) ((codes[j] + 1) << (6 - 2 * (jj / 32)));
  }
  memcpy (file + n / 4, &scale, 4);

  ok = bn_i2s_packed_size (rows, cols) == n / 4;
  ok &= bn_i2s_view_file (file, fsize, rows, cols, BN_I2S_FILE_X86, &v) == BN_K_OK;
  ok &= v.data == file && v.scale == scale && v.format == BN_TERNARY_I2S;
  bn_ternary_unpack_rows (&v, 0, rows, back);
  ok &= memcmp (codes, back, n) == 0;
  ok &=
      bn_i2s_from_file (data, bn_i2s_packed_size (rows, cols), file, fsize, rows, cols, BN_I2S_FILE_X86, &c) == BN_K_OK;
  ok &= memcmp (data, file, n / 4) == 0;
  ok &= bn_i2s_to_file (&v, file2, fsize, BN_I2S_FILE_X86) == BN_K_OK;
  ok &= memcmp (file, file2, fsize) == 0;
  /* no view where the bytes differ (ARM blocks, partial blocks) */
  ok &= bn_i2s_view_file (file, fsize, rows, cols, BN_I2S_FILE_ARM, &v) == BN_K_ERR_SHAPE;
  ok &= bn_i2s_view_file (file, fsize, 6, 320, BN_I2S_FILE_X86, &v) == BN_K_ERR_SHAPE;
  ok &= bn_i2s_view_file (file, n / 4, rows, cols, BN_I2S_FILE_X86, &v) == BN_K_ERR_BUFFER;
  /* a code 3 anywhere, here in the last byte, is refused */
  file[n / 4 - 1] |= 0x03 << 2;
  ok &= bn_i2s_view_file (file, fsize, rows, cols, BN_I2S_FILE_X86, &v) == BN_K_ERR_DATA;
  ok &= bn_i2s_from_file (data, bn_i2s_packed_size (rows, cols), file, fsize, rows, cols, BN_I2S_FILE_X86, &c)
        == BN_K_ERR_DATA;
  ktap_ok (ok, "/kernels/i2s/bitnet-cpp-i2_s/in-place");
  free (file);
  free (file2);
  free (codes);
  free (back);
  bn_kfree (data);
}

/* ggml TQ layouts: bytes computed by hand from ggml-quants.c's definition */
static void
test_tq_known (void)
{
  const int8_t vals[3] = { -1, 0, 1 };
  /* TQ2_0: a byte of four equal codes q+1 */
  const uint8_t tq2_byte[3] = { 0x00, 0x55, 0xaa };
  /* TQ1_0: 5 equal trits t -> ceil(v * 256 / 243), v = t * 121; the qh
   * bytes hold 4 trits then a zero trit: v = t * 120 */
  const uint8_t tq1_qs[3] = { 0, 128, 255 };
  const uint8_t tq1_qh[3] = { 0, 127, 253 };
  int8_t codes[256];
  uint8_t blk[66];
  int ok = 1;

  for (int v = 0; v < 3; v++) {
    memset (codes, vals[v], sizeof codes);
    bn_tq2_0_pack_codes (blk, codes, 1, 256, NULL, 1.0f);
    for (int i = 0; i < 64; i++)
      ok &= blk[i] == tq2_byte[v];
    ok &= blk[64] == 0 && blk[65] == (v == 1 ? 0 : 0x3c);
    bn_tq1_0_pack_codes (blk, codes, 1, 256, NULL, 1.0f);
    for (int i = 0; i < 48; i++)
      ok &= blk[i] == tq1_qs[v];
    for (int i = 48; i < 52; i++)
      ok &= blk[i] == tq1_qh[v];
  }
  ktap_ok (ok, "/kernels/tq/known-bytes");

  /* element order: one +1 at position j lands where ggml reads it back */
  ok = 1;
  for (int j = 0; j < 256; j++) {
    uint8_t b2[66], b1[54];
    size_t expect_byte;
    unsigned shift;
    memset (codes, 0, sizeof codes);
    codes[j] = 1;
    bn_tq2_0_pack_codes (b2, codes, 1, 256, NULL, 1.0f);
    /* dequantize_row_tq2_0: j = 128 h + 32 l + m <- qs[32 h + m] >> 2 l */
    expect_byte = (size_t) (j / 128 * 32 + j % 32);
    shift = (unsigned) (2 * ((j % 128) / 32));
    ok &= ((b2[expect_byte] >> shift) & 3) == 2;
    bn_tq1_0_pack_codes (b1, codes, 1, 256, NULL, 1.0f);
    {
      /* dequantize_row_tq1_0 order: qs[0..31] digit n -> 32 n + m; qs[32..47]
       * digit n -> 160 + 16 n + m; qh[m] digit n -> 240 + 4 n + m */
      static const uint8_t pow3[5] = { 1, 3, 9, 27, 81 };
      size_t byte;
      int digit;
      uint8_t q;
      if (j < 160) {
        byte = (size_t) (j % 32);
        digit = j / 32;
      } else if (j < 240) {
        byte = (size_t) (32 + (j - 160) % 16);
        digit = (j - 160) / 16;
      } else {
        byte = (size_t) (48 + (j - 240) % 4);
        digit = (j - 240) / 4;
      }
      q = (uint8_t) (b1[byte] * pow3[digit]);
      ok &= (((uint16_t) q * 3) >> 8) == 2;
    }
  }
  ktap_ok (ok, "/kernels/tq/element-order");

  /* ggml's block-absmax quantizer: d = max|w|, codes = round(w / d) */
  {
    float w[512];
    uint8_t out2[132], out1[108];
    int8_t back[512];
    BnTernary m;
    for (int i = 0; i < 512; i++)
      w[i] = (float) ((i * 37) % 7 - 3) * (i < 256 ? 0.5f : 0.25f);
    ok = bn_tq2_0_quantize_ggml (out2, w, 1, 512) == BN_K_OK;
    ok &= bn_f16_to_f32 ((uint16_t) (out2[64] | out2[65] << 8)) == 1.5f;
    ok &= bn_f16_to_f32 ((uint16_t) (out2[130] | out2[131] << 8)) == 0.75f;
    m = (BnTernary){ BN_TERNARY_TQ2_0, 1, 512, out2, sizeof out2, 1.0f };
    bn_ternary_unpack_rows (&m, 0, 1, back);
    for (int i = 0; i < 512; i++) {
      float d = i < 256 ? 1.5f : 0.75f;
      ok &= back[i] == (int8_t) lroundf (w[i] / d);
    }
    ok &= bn_tq1_0_quantize_ggml (out1, w, 1, 512) == BN_K_OK;
    m = (BnTernary){ BN_TERNARY_TQ1_0, 1, 512, out1, sizeof out1, 1.0f };
    {
      int8_t back1[512];
      bn_ternary_unpack_rows (&m, 0, 1, back1);
      ok &= memcmp (back, back1, 512) == 0;
    }
    ktap_ok (ok, "/kernels/tq/ggml-quantizer");
  }
}

/* ---- accuracy of the float output ------------------------------------ */

static void
test_accuracy (KRand *r)
{
  const BnKernels *k = bn_kernels_get (bn_kernel_variant_best ());
  const size_t rows = 96, cols = 2560;

  for (int f = 0; f < BN_TERNARY_N_FORMATS; f++) {
    float *w = malloc (rows * cols * sizeof (float));
    float *x = malloc (cols * sizeof (float));
    float *y = malloc (rows * sizeof (float));
    float *deq = malloc (rows * cols * sizeof (float));
    size_t size = bn_ternary_packed_size (f, rows, cols);
    size_t asz = bn_act_buffer_size (cols), lsz = bn_ternary_lut_size (f, cols);
    void *data = bn_kalloc (size), *abuf = bn_kalloc (asz);
    void *lut = lsz ? bn_kalloc (lsz) : NULL;
    double err = 0.0, norm = 0.0, qerr = 0.0, fnorm = 0.0;
    BnTernary m;
    BnActQ8 act;
    int ok;

    for (size_t i = 0; i < rows * cols; i++)
      w[i] = krand_normal (r) * 0.02f;
    for (size_t i = 0; i < cols; i++)
      x[i] = krand_normal (r);
    ok = bn_ternary_pack_f32 (f, data, size, w, rows, cols, &m) == BN_K_OK;
    bn_ternary_dequantize (&m, deq);
    bn_act_init (&act, abuf, asz, cols);
    bn_act_quantize (&act, x);
    if (lut)
      bn_act_build_lut (k, &act, f, lut, lsz, NULL);
    ok &= bn_ternary_gemm (k, &m, &act, 1, 0, rows, NULL, y, NULL) == BN_K_OK;
    for (size_t rr = 0; rr < rows; rr++) {
      double exact = 0.0, full = 0.0;
      for (size_t c = 0; c < cols; c++) {
        exact += (double) deq[rr * cols + c] * bn_act_value (&act, c);
        full += (double) w[rr * cols + c] * x[c];
      }
      err += (y[rr] - exact) * (y[rr] - exact);
      norm += exact * exact;
      qerr += (y[rr] - full) * (y[rr] - full);
      fnorm += full * full;
    }
    /* the kernel computes the dequantized product up to float rounding;
     * the ternary + int8 quantization itself costs far more (~0.3) */
    ok &= sqrt (err / norm) < 1e-6 && sqrt (qerr / fnorm) < 0.6;
    ktap_ok (ok,
             "/kernels/%s/accuracy/%s (rel err %.2g vs dequantized, "
             "%.2g vs fp32)",
             bn_ternary_format_name (f), k->name, sqrt (err / norm), sqrt (qerr / fnorm));
    free (w);
    free (x);
    free (y);
    free (deq);
    bn_kfree (data);
    bn_kfree (abuf);
    bn_kfree (lut);
  }
}

/* matching mode against its definition */
static void
test_q8k_mode (KRand *r)
{
  const size_t rows = 5, cols = 768;
  int8_t *codes = malloc (rows * cols);
  float *x = malloc (cols * sizeof (float)), y[5];
  BnBlockQ8K blocks[3];
  int ok = 1;

  for (size_t i = 0; i < rows * cols; i++)
    codes[i] = (int8_t) krand_int (r, -1, 1);
  for (size_t i = 0; i < cols; i++)
    x[i] = krand_normal (r);
  bn_act_quantize_q8k (x, cols, blocks);
  for (int f = 0; f < BN_TERNARY_N_FORMATS; f++) {
    size_t size = bn_ternary_packed_size (f, rows, cols);
    void *data = bn_kalloc (size);
    BnTernary m;
    bn_ternary_pack_codes (f, data, size, codes, rows, cols, 0.5f, &m);
    ok &= bn_ternary_gemv_q8k_ref (&m, blocks, 0, rows, y) == BN_K_OK;
    for (size_t rr = 0; rr < rows; rr++) {
      float s = 0.0f;
      for (size_t b = 0; b < 3; b++) {
        int32_t d = 0;
        for (size_t j = 0; j < 256; j++)
          d += codes[rr * cols + b * 256 + j] * blocks[b].qs[j];
        s += (float) d * (blocks[b].d * 0.5f);
      }
      ok &= s == y[rr];
    }
    bn_kfree (data);
  }
  ktap_ok (ok, "/kernels/all/q8k-matching-mode");
  free (codes);
  free (x);
}

int
main (void)
{
  KRand r;

  krand_seed (&r, ktest_seed ());
  test_f16 (&r);
  test_act (&r);
  test_roundtrip (&r);
  test_convert (&r);
  test_i2_s (&r);
  test_i2_s_in_place (&r);
  test_tq_known ();
  test_accuracy (&r);
  test_q8k_mode (&r);
  return ktap_done ();
}
