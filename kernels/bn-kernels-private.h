/* gst-bitnet kernels: internals shared by the reference and SIMD files
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every helper that turns integers into floats lives here, so that each
 * variant (compiled with its own -m flags, and -ffp-contract=off) performs
 * exactly the same float operations in the same order.
 */
#pragma once

#include <math.h>
#include <string.h>

#include "bn-ktypes.h"
#include "bn-act.h"
#include "bn-f16.h"
#include "bn-ternary.h"
#include "bn-dispatch.h"
#include "bn-head.h"

#ifndef __SIZEOF_INT128__
#error "the gst-bitnet kernels need a 64-bit target with __int128"
#endif

#if defined(__GNUC__)
#define BN_INTERNAL __attribute__ ((visibility ("hidden")))
#define BN_LIKELY(x) __builtin_expect (!!(x), 1)
#else
#define BN_INTERNAL
#define BN_LIKELY(x) (x)
#endif

/* ---- outputs ---------------------------------------------------------- */

/* y of a per-tensor-scale format (I2S, TL1, TL2). */
static inline float
bn_finish_tensor (int32_t idot, const BnActQ8 *act, const BnTernary *w)
{
  return (float) idot * (act->scale_inv * w->scale);
}

static inline void
bn_store_row (const BnTernary *w, const BnActQ8 *act, size_t t, size_t r, int32_t dot, int32_t *idot, float *y)
{
  size_t o = t * w->rows + r;

  if (idot)
    idot[o] = dot;
  if (y)
    y[o] = bn_finish_tensor (dot, act, w);
}

/* Per-block f16 scales (TQ formats) accumulate exactly in fixed point:
 * sum_b d_b * dot_b = acc * 2^-24 with d_b = mant * 2^(shift - 24);
 * |mant * dot_b| < 2^26 and shift <= 29, so 128 bits never overflow. The
 * float result is then independent of the order of the blocks. */
typedef struct {
  __int128 acc;
  int32_t dot; /* plain sum of block dots (idot output) */
  int bad;     /* a block scale was inf/NaN */
} BnBlockAcc;

static inline void
bn_block_acc_add (BnBlockAcc *a, uint16_t d, int32_t dot)
{
  int32_t mant;
  int shift;

  a->dot += dot;
  if (!bn_f16_fixed (d, &mant, &shift)) {
    a->bad = 1;
    return;
  }
  a->acc += (__int128) ((int64_t) mant * dot) * ((int64_t) 1 << shift);
}

static inline void
bn_store_blocks (const BnTernary *w, const BnActQ8 *act, size_t t, size_t r, const BnBlockAcc *a, int32_t *idot,
                 float *y)
{
  size_t o = t * w->rows + r;

  if (idot)
    idot[o] = a->dot;
  if (y) {
    if (a->bad)
      y[o] = NAN;
    else
      y[o] = (float) ldexp ((double) a->acc, -24) * act->scale_inv;
  }
}

/* ---- layout helpers --------------------------------------------------- */

/* I2S: byte offset and shift of (row r, col c); k128 = cols rounded up to
 * 128. Row-major, bitnet.cpp's x86 I2_S layout: each row is k128 / 4
 * bytes; block b (columns 128b..128b+127) is 32 bytes whose byte m holds
 * columns 128b + m, +32, +64, +96 at bits 6, 4, 2, 0 (code = q + 1). */
static inline size_t
bn_i2s_offset (size_t k128, size_t r, size_t c, unsigned *shift)
{
  *shift = (unsigned) (6 - 2 * ((c % 128) / 32));
  return r * (k128 / 4) + (c / 128) * 32 + (c % 32);
}

/* I2S GEMV reads the RN rows of a tile as RN interleaved streams, which
 * hardware prefetchers follow poorly (26% of DRAM bandwidth measured on
 * Zen 4 without this): at block @b, fetch the bytes of the rows one tile
 * plus 4 KB ahead (contiguous), RN / 2 cache lines per block, so that the
 * whole next tiles are in flight. Prefetches never fault past the end. */
static inline void
bn_i2s_prefetch_ahead (const uint8_t *tile, size_t nb, size_t b, int rn)
{
  const uint8_t *ahead = tile + (size_t) rn * nb * 32 + 4096;

  for (int i = 0; i < rn; i += 2)
    __builtin_prefetch (ahead + (b * (size_t) rn + (size_t) i) * 32, 0, 3);
}

/* TL1 / TL2 geometry (docs/kernels.md "TL1", "TL2").
 * Rows form 32-row groups. The blocks of a group (TL1 superblocks, TL2
 * units) are stored panel by panel (8 groups) and chunk by chunk: for
 * chunk c, each group's run of blocks in turn. A kernel then walks one
 * chunk of the activation tables (4 KB, kept in L1) across the panel's
 * groups while the weights stream sequentially. TL2 groups end with 16
 * bytes of tail-pair nibbles, stored after the panel's runs.
 *
 * TL1 superblock: 8 pairs x 32 rows in 128 bytes, two 16-row sub-blocks of
 * 64 index bytes, byte (sub s, lane L, slot j) = 64 s + 16 L + j, the low
 * nibble for pair L and the high nibble for pair L + 4.
 *
 * TL2 unit: 16 triples x 32 rows in 320 bytes, five 64-byte word planes;
 * row r's 80-bit value (plane j = bits 16 j .. 16 j + 15, the int16 at byte
 * 2 r of plane j) holds the 5-bit code of triple i at bits 5 i .. 5 i + 4:
 * magnitude | sign << 4. */
#define BN_TL_PANEL 8
#define BN_TL1_CHUNK 16 /* superblocks: 16 x 256 table bytes */
#define BN_TL2_CHUNK 4  /* units: 4 x 16 x 64 table bytes */
#define BN_TL1_SB_BYTES 128
#define BN_TL2_UNIT 16
#define BN_TL2_UNIT_BYTES 320
#define BN_TL_LUT_SB_BYTES 256
#define BN_TL2_TAIL_BYTES 16

typedef struct {
  size_t n_blocks;    /* superblocks (TL1) or units (TL2) per group */
  size_t block_bytes; /* 128 (TL1) or 320 (TL2) */
  size_t chunk;       /* blocks per chunk */
  size_t tail_bytes;  /* 0 (TL1), 16 (TL2 tail-pair nibbles) */
  size_t n_groups;
} BnTlGeom;

static inline size_t
bn_tl1_n_sb (size_t cols)
{
  return bn_round_up ((cols + 1) / 2, 8) / 8;
}

static inline size_t
bn_tl2_n_units (size_t cols)
{
  return (cols / 3 + BN_TL2_UNIT - 1) / BN_TL2_UNIT;
}

static inline BnTlGeom
bn_tl_geom (BnTernaryFormat format, size_t rows, size_t cols)
{
  BnTlGeom g;

  if (format == BN_TERNARY_TL2) {
    g.n_blocks = bn_tl2_n_units (cols);
    g.block_bytes = BN_TL2_UNIT_BYTES;
    g.chunk = BN_TL2_CHUNK;
    g.tail_bytes = BN_TL2_TAIL_BYTES;
  } else {
    g.n_blocks = bn_tl1_n_sb (cols);
    g.block_bytes = BN_TL1_SB_BYTES;
    g.chunk = BN_TL1_CHUNK;
    g.tail_bytes = 0;
  }
  g.n_groups = bn_round_up (rows, BN_TL_ROWS) / BN_TL_ROWS;
  return g;
}

static inline size_t
bn_tl_group_bytes (const BnTlGeom *g)
{
  return g->n_blocks * g->block_bytes + g->tail_bytes;
}

/* groups in the panel of group @grp */
static inline size_t
bn_tl_panel_size (const BnTlGeom *g, size_t grp)
{
  size_t first = grp / BN_TL_PANEL * BN_TL_PANEL;

  return g->n_groups - first < BN_TL_PANEL ? g->n_groups - first : BN_TL_PANEL;
}

static inline size_t
bn_tl_n_chunks (const BnTlGeom *g)
{
  return (g->n_blocks + g->chunk - 1) / g->chunk;
}

static inline size_t
bn_tl_chunk_len (const BnTlGeom *g, size_t c)
{
  size_t first = c * g->chunk;

  return g->n_blocks - first < g->chunk ? g->n_blocks - first : g->chunk;
}

/* byte offset of group @grp's run of chunk @c */
static inline size_t
bn_tl_run_offset (const BnTlGeom *g, size_t grp, size_t c)
{
  size_t panel = grp / BN_TL_PANEL;

  return panel * BN_TL_PANEL * bn_tl_group_bytes (g) + bn_tl_panel_size (g, grp) * c * g->chunk * g->block_bytes
         + (grp % BN_TL_PANEL) * bn_tl_chunk_len (g, c) * g->block_bytes;
}

/* byte offset of group @grp's tail nibbles (TL2, after the panel's runs) */
static inline size_t
bn_tl_tail_offset (const BnTlGeom *g, size_t grp)
{
  size_t panel = grp / BN_TL_PANEL;

  return panel * BN_TL_PANEL * bn_tl_group_bytes (g) + bn_tl_panel_size (g, grp) * g->n_blocks * g->block_bytes
         + (grp % BN_TL_PANEL) * g->tail_bytes;
}

/* byte offset of the block holding slot @t (pair or triple) of group @grp */
static inline size_t
bn_tl_block_offset (const BnTlGeom *g, size_t grp, size_t t)
{
  size_t per = g->tail_bytes ? BN_TL2_UNIT : 8;
  size_t blk = t / per;

  return bn_tl_run_offset (g, grp, blk / g->chunk) + (blk % g->chunk) * g->block_bytes;
}

/* TL2 activation tables (per token, docs/kernels.md "TL2 tables"):
 *  A: per triple, 32 int16 (64 bytes): T(m) at m, -T(m) at 16 + m
 *  B: per triple, the low bytes of T(0..15) then their high bytes
 *  then the 9 int16 of the tail pair, padded to 64 bytes. */
static inline size_t
bn_tl2_lut_b_offset (size_t cols)
{
  return bn_tl2_n_units (cols) * BN_TL2_UNIT * 64;
}

static inline const int16_t *
bn_tl2_tail_lut (const void *lut, size_t cols)
{
  return (const int16_t *) ((const uint8_t *) lut + bn_tl2_n_units (cols) * BN_TL2_UNIT * 96);
}

/* TQ1_0 digit extraction: trit n of a byte stored as ceil(v * 256 / 243). */
static inline int
bn_tq1_trit (uint8_t q, unsigned n)
{
  static const uint8_t pow3[5] = { 1, 3, 9, 27, 81 };
  uint8_t v = (uint8_t) (q * pow3[n]);

  return ((uint16_t) v * 3) >> 8;
}

/* Element -> (byte, digit) of a TQ1_0 block; bytes 48..51 are qh. */
static inline void
bn_tq1_position (size_t j, size_t *byte, unsigned *digit)
{
  if (j < 160) {
    *byte = j % 32;
    *digit = (unsigned) (j / 32);
  } else if (j < 240) {
    *byte = 32 + (j - 160) % 16;
    *digit = (unsigned) ((j - 160) / 16);
  } else {
    *byte = 48 + (j - 240) % 4;
    *digit = (unsigned) ((j - 240) / 4);
  }
}

/* ---- SIMD variants (defined in x86/ *-avx2.c, *-avx512.c and arm/
 * *-neon*.c, each file compiled with its own target flags) -------------- */

#define BN_DECLARE_GEMM(name)                                                                                          \
  BN_INTERNAL void name (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,   \
                         int32_t *restrict idot, float *restrict y)

#if defined(__x86_64__)
BN_DECLARE_GEMM (bn_i2s_gemv_avx2);
BN_DECLARE_GEMM (bn_i2s_gemm_avx2);
BN_DECLARE_GEMM (bn_i2s_gemv_avx512);
BN_DECLARE_GEMM (bn_i2s_gemm_avx512);
BN_DECLARE_GEMM (bn_tl1_gemv_avx2);
BN_DECLARE_GEMM (bn_tl1_gemm_avx2);
BN_DECLARE_GEMM (bn_tl2_gemv_avx2);
BN_DECLARE_GEMM (bn_tl2_gemm_avx2);
BN_DECLARE_GEMM (bn_tl1_gemv_avx512);
BN_DECLARE_GEMM (bn_tl1_gemm_avx512);
BN_DECLARE_GEMM (bn_tl2_gemv_avx512);
BN_DECLARE_GEMM (bn_tl2_gemm_avx512);
BN_DECLARE_GEMM (bn_tq2_0_gemm_avx2);
BN_DECLARE_GEMM (bn_tq1_0_gemm_avx2);
BN_DECLARE_GEMM (bn_tq2_0_gemm_avx512);
BN_DECLARE_GEMM (bn_tq1_0_gemm_avx512);
BN_INTERNAL void bn_tl1_build_lut_avx2 (const BnActQ8 *act, void *lut);
BN_INTERNAL void bn_tl2_build_lut_avx2 (const BnActQ8 *act, void *lut);
#endif

#define BN_DECLARE_HEAD_F16(suffix)                                                                                    \
  BN_INTERNAL void bn_head_f16_##suffix (const uint16_t *w, size_t cols, const float *x, size_t row_begin,             \
                                         size_t row_end, float *restrict y)
#define BN_DECLARE_HEAD_Q8_0(suffix)                                                                                   \
  BN_INTERNAL void bn_head_q8_0_##suffix (const uint8_t *w, size_t cols, const BnActQ8 *act, size_t row_begin,         \
                                          size_t row_end, float *restrict y)

#define BN_DECLARE_HEAD_SCREEN(suffix)                                                                                 \
  BN_INTERNAL void bn_head_screen_##suffix (const int8_t *q, size_t cols, const int16_t *p, size_t row_begin,          \
                                            size_t row_end, int32_t *restrict y)

#if defined(__x86_64__)
BN_DECLARE_HEAD_SCREEN (avx2);
BN_DECLARE_HEAD_SCREEN (avx512);
BN_DECLARE_HEAD_F16 (avx2); /* also the avx512 variant's */
BN_DECLARE_HEAD_Q8_0 (avx2);
BN_DECLARE_HEAD_Q8_0 (avx512);
#endif
#if defined(__aarch64__)
BN_DECLARE_HEAD_F16 (neon);
BN_DECLARE_HEAD_Q8_0 (neon);
BN_DECLARE_HEAD_SCREEN (neon);
BN_DECLARE_HEAD_SCREEN (neondot);
BN_DECLARE_HEAD_F16 (neondot);
BN_DECLARE_HEAD_Q8_0 (neondot);
#endif

#if defined(__aarch64__)
BN_DECLARE_GEMM (bn_i2s_gemm_neon);
BN_DECLARE_GEMM (bn_i2s_gemm_neondot);
BN_DECLARE_GEMM (bn_tl1_gemm_neon);
BN_DECLARE_GEMM (bn_tl2_gemm_neon);
BN_DECLARE_GEMM (bn_tq2_0_gemm_neon);
BN_DECLARE_GEMM (bn_tq2_0_gemm_neondot);
BN_DECLARE_GEMM (bn_tq1_0_gemm_neon);
BN_DECLARE_GEMM (bn_tq1_0_gemm_neondot);
#endif

#if defined(__wasm_simd128__)
BN_DECLARE_GEMM (bn_i2s_gemm_simd128);
BN_DECLARE_GEMM (bn_tl1_gemm_simd128);
BN_DECLARE_GEMM (bn_tl2_gemm_simd128);
BN_DECLARE_GEMM (bn_tq2_0_gemm_simd128);
BN_DECLARE_GEMM (bn_tq1_0_gemm_simd128);
#endif
