/* gst-bitnet kernels: CPU feature detection and run-time kernel dispatch
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "bn-ktypes.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * BnKernelVariant:
 *
 * Instruction-set variants. BITNET_KERNEL=scalar|avx2|avx512|neon|simd128 forces
 * one; "auto" (or unset) picks the best the CPU supports.
 */
typedef enum {
  BN_KERNEL_SCALAR = 0,
  BN_KERNEL_AVX2,    /* AVX2 + FMA + F16C */
  BN_KERNEL_AVX512,  /* AVX-512 F/BW/VL + VNNI (vpdpbusd) */
  BN_KERNEL_NEON,    /* AArch64 ASIMD, dotprod (sdot) if present */
  BN_KERNEL_SIMD128, /* WebAssembly SIMD128 (wasm32 builds with -msimd128) */
  BN_KERNEL_N_VARIANTS
} BnKernelVariant;

typedef enum {
  BN_KOP_GEMV = 0, /* one token */
  BN_KOP_GEMM,     /* 2..BN_GEMM_MAX_TOKENS tokens, one weight pass */
  BN_KOP_N
} BnKernelOp;

/* CPU feature bits (bn_cpu_features). */
#define BN_CPU_AVX2 (1u << 0)   /* AVX2, FMA, F16C, OS saves ymm */
#define BN_CPU_AVX512 (1u << 1) /* F, BW, VL, VNNI, OS saves zmm */
#define BN_CPU_NEON (1u << 2)
#define BN_CPU_NEON_DOTPROD (1u << 3)
#define BN_CPU_SIMD128 (1u << 4) /* a WebAssembly module built with SIMD128 */

/* A product kernel; see bn_ternary_gemm_ref() for the contract. */
typedef void (*BnTernaryGemmFn) (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin,
                                 size_t row_end, int32_t *restrict idot, float *restrict y);

typedef void (*BnLutBuildFn) (const BnActQ8 *act, void *lut);

typedef struct {
  const char *name; /* e.g. "i2s_gemv_avx512vnni" */
  BnTernaryGemmFn fn;
} BnKernelEntry;

typedef struct {
  const char *name; /* e.g. "tl2_lut_avx2" */
  BnLutBuildFn fn;
} BnLutEntry;

/* Output-head products (bn-head.h). */
typedef void (*BnHeadF16GemvFn) (const uint16_t *w, size_t cols, const float *x, size_t row_begin, size_t row_end,
                                 float *restrict y);
typedef void (*BnHeadQ8GemvFn) (const uint8_t *w, size_t cols, const BnActQ8 *act, size_t row_begin, size_t row_end,
                                float *restrict y);

typedef struct {
  const char *name; /* e.g. "head_f16_avx512" */
  BnHeadF16GemvFn fn;
} BnHeadF16Entry;

typedef struct {
  const char *name; /* e.g. "head_q8_0_avx512vnni" */
  BnHeadQ8GemvFn fn;
} BnHeadQ8Entry;

/* The certified head's screening product (bn_head_screen_ref). */
typedef void (*BnHeadScreenFn) (const int8_t *q, size_t cols, const int16_t *p, size_t row_begin, size_t row_end,
                                int32_t *restrict y);

typedef struct {
  const char *name; /* e.g. "head_screen_avx512vnni" */
  BnHeadScreenFn fn;
} BnHeadScreenEntry;

/**
 * BnKernels:
 *
 * The dispatch table of one variant. Tables are constant; the library
 * keeps a single pointer to the one chosen by bn_kernels_init().
 * A NULL GEMM entry means the GEMV kernel is called once per token.
 */
typedef struct {
  BnKernelVariant variant;
  const char *name; /* "scalar", "avx2", "avx512", "neon", "simd128" */
  const char *isa;  /* instruction sets the kernels use */
  BnKernelEntry ternary[BN_TERNARY_N_FORMATS][BN_KOP_N];
  BnLutEntry lut[BN_TERNARY_N_FORMATS];
  BnHeadF16Entry head_f16;
  BnHeadQ8Entry head_q8_0;
  BnHeadScreenEntry head_screen;
} BnKernels;

BN_KERNEL_API unsigned bn_cpu_features (void);
/* Writes e.g. "avx2 avx512 (f bw vl vnni)" into @buf. */
BN_KERNEL_API const char *bn_cpu_features_describe (unsigned features, char *buf, size_t len);

BN_KERNEL_API const char *bn_kernel_variant_name (BnKernelVariant v);
BN_KERNEL_API int bn_kernel_variant_from_name (const char *name, BnKernelVariant *v);
/* Built into this library (depends on the target architecture). */
BN_KERNEL_API int bn_kernel_variant_compiled (BnKernelVariant v);
/* Built, and this CPU has the instructions. */
BN_KERNEL_API int bn_kernel_variant_supported (BnKernelVariant v);
BN_KERNEL_API BnKernelVariant bn_kernel_variant_best (void);

/* The table of @v, or NULL when the variant is not supported here. */
BN_KERNEL_API const BnKernels *bn_kernels_get (BnKernelVariant v);

/* Chooses a table from @request ("scalar", "avx2", "avx512", "neon",
 * "simd128", "auto"; NULL reads BITNET_KERNEL; unset/empty means auto). An unknown
 * name or a variant the CPU lacks is refused with a message in @err. */
BN_KERNEL_API int bn_kernels_select (const char *request, const BnKernels **out, char *err, size_t err_len);

/* Selects from BITNET_KERNEL once and keeps the result for
 * bn_kernels_active(). Later calls return the first outcome's table or
 * retry after a failure. Thread-safe. */
BN_KERNEL_API int bn_kernels_init (char *err, size_t err_len);
BN_KERNEL_API const BnKernels *bn_kernels_active (void);

/* The entry bn_ternary_gemm() calls for @n_tokens tokens (per chunk of
 * BN_GEMM_MAX_TOKENS). */
BN_KERNEL_API const BnKernelEntry *bn_kernels_entry (const BnKernels *k, BnTernaryFormat format, size_t n_tokens);

/* y = W x for n_tokens activation rows and rows [row_begin, row_end),
 * outputs indexed t * w->rows + r (either may be NULL). Checks shapes and
 * TL tables, then runs the variant's kernel; *kernel_name (nullable)
 * receives the name of the kernel that ran. No allocation. */
BN_KERNEL_API int bn_ternary_gemm (const BnKernels *k, const BnTernary *w, const BnActQ8 *acts, size_t n_tokens,
                                   size_t row_begin, size_t row_end, int32_t *idot, float *y, const char **kernel_name);

/* Builds the TL1/TL2 table of @act into @lut (bn_ternary_lut_size bytes,
 * BN_KALIGN-aligned) and attaches it; a no-op for other formats. */
BN_KERNEL_API int bn_act_build_lut (const BnKernels *k, BnActQ8 *act, BnTernaryFormat format, void *lut,
                                    size_t lut_size, const char **kernel_name);

#ifdef __cplusplus
}
#endif
