/* gst-bitnet kernels: common types, status codes, alignment helpers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Plain C11: no GLib. See docs/kernels.md for every in-memory layout.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * BN_KERNEL_API:
 *
 * Exports a kernel symbol from the shared library the kernels are linked
 * into (libgstbitnet-1.0 hides everything else).
 */
#if defined(__GNUC__)
#define BN_KERNEL_API __attribute__ ((visibility ("default"))) extern
#else
#define BN_KERNEL_API extern
#endif

/* Packed buffers and activation buffers are aligned to this many bytes. */
#define BN_KALIGN 64

/* Activations are zero-padded to a multiple of this many elements, so that
 * kernels may read whole blocks past the logical end of a row. */
#define BN_ACT_PAD 256

/* Largest supported reduction length K (int32 accumulators cannot overflow
 * below this, see docs/kernels.md "Overflow"). */
#define BN_MAX_COLS ((size_t) 1 << 18)

/* The batched product handles up to this many tokens per pass over the
 * weights; bn_ternary_gemm() splits larger batches. */
#define BN_GEMM_MAX_TOKENS 64

/**
 * BnKStatus:
 *
 * Status codes returned by kernel functions. Zero is success; the enum only
 * grows at its end.
 */
typedef enum {
  BN_K_OK = 0,
  BN_K_ERR_INVALID = -1,             /* NULL pointer, zero size, bad enum value */
  BN_K_ERR_SHAPE = -2,               /* the format cannot tile this rows x cols */
  BN_K_ERR_BUFFER = -3,              /* destination or source buffer too small */
  BN_K_ERR_SCALE = -4,               /* conversion would lose scale information */
  BN_K_ERR_UNKNOWN_VARIANT = -5,     /* BITNET_KERNEL names no variant */
  BN_K_ERR_UNSUPPORTED_VARIANT = -6, /* variant not built or CPU lacks it */
  BN_K_ERR_NOMEM = -7,
  BN_K_ERR_LUT = -8,  /* TL1/TL2 product without a matching table */
  BN_K_ERR_DATA = -9, /* packed data holds an invalid code */
} BnKStatus;

BN_KERNEL_API const char *bn_kstatus_to_string (int status);

/**
 * BnTernaryFormat:
 *
 * Ternary weight formats. The numbering is this library's own (it is not a
 * ggml type id).
 */
typedef enum {
  BN_TERNARY_I2S = 0,
  BN_TERNARY_TL1,
  BN_TERNARY_TL2,
  BN_TERNARY_TQ2_0,
  BN_TERNARY_TQ1_0,
  BN_TERNARY_N_FORMATS
} BnTernaryFormat;

BN_KERNEL_API const char *bn_ternary_format_name (BnTernaryFormat format);
BN_KERNEL_API int bn_ternary_format_from_name (const char *name, BnTernaryFormat *format);

/**
 * BnTernary:
 * @format: layout of @data
 * @rows: output features (N)
 * @cols: input features (K), the reduction length
 * @data: packed weights (not owned); BN_KALIGN-aligned for the library's own
 *   formats (I2S, TL1, TL2); TQ2_0/TQ1_0 are ggml byte streams and need
 *   only 2-byte alignment
 * @size: bytes at @data
 * @scale: per-tensor weight scale (I2S, TL1, TL2); 1.0 for TQ2_0/TQ1_0,
 *   whose f16 scales live inside @data, one per block of 256
 *
 * A read-only view of a packed ternary matrix W (rows x cols); products
 * compute y = W x for int8 activations x.
 */
typedef struct {
  BnTernaryFormat format;
  size_t rows;
  size_t cols;
  const uint8_t *data;
  size_t size;
  float scale;
} BnTernary;

/**
 * BnActQ8:
 * @q: quantized activations, @k_pad values, zero past @k, BN_KALIGN-aligned
 * @k: logical length
 * @k_pad: @k rounded up to BN_ACT_PAD
 * @scale: a = 127 / max(max|x|, 1e-5); q ~= x * a
 * @scale_inv: 1 / a (what integer dot products are multiplied by)
 * @sum: sum of @q (for the q+1 unsigned-code correction)
 * @bsum: sum of @q per block of 256, @k_pad / 256 entries
 * @lut: TL1 or TL2 lookup tables built from @q, or NULL
 * @lut_format: the format @lut was built for
 *
 * One token's int8 activations (per-token absmax quantization).
 */
typedef struct {
  int8_t *q;
  size_t k;
  size_t k_pad;
  float scale;
  float scale_inv;
  int32_t sum;
  int32_t *bsum;
  void *lut;
  BnTernaryFormat lut_format;
} BnActQ8;

BN_KERNEL_API void *bn_kalloc (size_t size);
BN_KERNEL_API void bn_kfree (void *ptr);

static inline size_t
bn_round_up (size_t n, size_t m)
{
  return (n + m - 1) / m * m;
}

#ifdef __cplusplus
}
#endif
