/* gst-bitnet kernels: CPU feature detection and run-time dispatch
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bn-kernels-private.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

/* The build defines BN_NO_SIMD_VARIANTS when its compiler cannot build
 * the x86 or NEON variant files (bn_kernels_get() then offers scalar). */
#if defined(__x86_64__) && !defined(BN_NO_SIMD_VARIANTS)
#include <cpuid.h>
#define BN_ARCH_X86 1
#endif
#if defined(__aarch64__) && !defined(BN_NO_SIMD_VARIANTS)
#include <sys/auxv.h>
#define BN_ARCH_ARM64 1
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#endif

/* SIMD128 is chosen when the module is built, not at run time: an engine
 * without it refuses the whole module when it validates it. */
#if defined(__wasm_simd128__) && !defined(BN_NO_SIMD_VARIANTS)
#define BN_ARCH_WASM 1
#endif

/* ---- CPU features ------------------------------------------------------ */

#ifdef BN_ARCH_X86
static uint64_t
read_xcr0 (void)
{
  uint32_t eax, edx;

  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return ((uint64_t) edx << 32) | eax;
}
#endif

static unsigned
detect_features (void)
{
  unsigned f = 0;

#ifdef BN_ARCH_X86
  unsigned a, b, c, d, max_leaf = 0;
  unsigned c1 = 0, b7 = 0, c7 = 0;
  uint64_t xcr0 = 0;

  if (!__get_cpuid (0, &max_leaf, &b, &c, &d))
    return 0;
  __get_cpuid (1, &a, &b, &c1, &d);
  if (max_leaf >= 7)
    __cpuid_count (7, 0, a, b7, c7, d);
  if (c1 & (1u << 27)) /* OSXSAVE */
    xcr0 = read_xcr0 ();

  if ((xcr0 & 0x6) == 0x6 && (c1 & (1u << 28))            /* AVX */
      && (c1 & (1u << 12)) /* FMA */ && (c1 & (1u << 29)) /* F16C */
      && (b7 & (1u << 5)) /* AVX2 */)
    f |= BN_CPU_AVX2;
  if ((f & BN_CPU_AVX2) && (xcr0 & 0xe6) == 0xe6 && (b7 & (1u << 16)) /* F */ && (b7 & (1u << 30)) /* BW */
      && (b7 & (1u << 31)) /* VL */ && (c7 & (1u << 11)) /* VNNI */)
    f |= BN_CPU_AVX512;
#endif

#ifdef BN_ARCH_ARM64
  unsigned long hw = getauxval (AT_HWCAP);

  f |= BN_CPU_NEON; /* ASIMD is mandatory on AArch64 */
  if (hw & HWCAP_ASIMDDP)
    f |= BN_CPU_NEON_DOTPROD;
#endif

#ifdef BN_ARCH_WASM
  f |= BN_CPU_SIMD128;
#endif

  return f;
}

unsigned
bn_cpu_features (void)
{
  /* cpuid is cheap and its answer constant: no cache, no global */
  return detect_features ();
}

const char *
bn_cpu_features_describe (unsigned features, char *buf, size_t len)
{
  if (!buf || len == 0)
    return "";
  snprintf (buf, len, "%s%s%s%s%s%s", features & BN_CPU_AVX2 ? "avx2+fma+f16c " : "",
            features & BN_CPU_AVX512 ? "avx512f+bw+vl+vnni " : "", features & BN_CPU_NEON ? "neon " : "",
            features & BN_CPU_NEON_DOTPROD ? "dotprod " : "", features & BN_CPU_SIMD128 ? "simd128 " : "",
            features ? "" : "baseline");
  /* drop the trailing space */
  {
    size_t n = strlen (buf);
    if (n > 0 && buf[n - 1] == ' ')
      buf[n - 1] = '\0';
  }
  return buf;
}

/* ---- tables -------------------------------------------------------------- */

#define E(n, f)                                                                                                        \
  {                                                                                                                    \
    n, f                                                                                                               \
  }

/* the references have the same signature, minus restrict */
static void
head_f16_scalar (const uint16_t *w, size_t cols, const float *x, size_t row_begin, size_t row_end, float *restrict y)
{
  bn_head_f16_ref (w, cols, x, row_begin, row_end, y);
}

static void
head_q8_0_scalar (const uint8_t *w, size_t cols, const BnActQ8 *act, size_t row_begin, size_t row_end,
                  float *restrict y)
{
  bn_head_q8_0_ref (w, cols, act, row_begin, row_end, y);
}

static void
head_screen_scalar (const int8_t *q, size_t cols, const int16_t *p, size_t row_begin, size_t row_end,
                    int32_t *restrict y)
{
  bn_head_screen_ref (q, cols, p, row_begin, row_end, y);
}

static const BnKernels table_scalar = {
  BN_KERNEL_SCALAR,
  "scalar",
  "c",
  {
      { E ("i2s_gemv_scalar", bn_i2s_gemm_ref), E ("i2s_gemm_scalar", bn_i2s_gemm_ref) },
      { E ("tl1_gemv_scalar", bn_tl1_gemm_ref), E ("tl1_gemm_scalar", bn_tl1_gemm_ref) },
      { E ("tl2_gemv_scalar", bn_tl2_gemm_ref), E ("tl2_gemm_scalar", bn_tl2_gemm_ref) },
      { E ("tq2_0_gemv_scalar", bn_tq2_0_gemm_ref), E ("tq2_0_gemm_scalar", bn_tq2_0_gemm_ref) },
      { E ("tq1_0_gemv_scalar", bn_tq1_0_gemm_ref), E ("tq1_0_gemm_scalar", bn_tq1_0_gemm_ref) },
  },
  {
      { NULL, NULL },
      { "tl1_lut_scalar", bn_tl1_build_lut_ref },
      { "tl2_lut_scalar", bn_tl2_build_lut_ref },
      { NULL, NULL },
      { NULL, NULL },
  },
  { "head_f16_scalar", head_f16_scalar },
  { "head_q8_0_scalar", head_q8_0_scalar },
  { "head_screen_scalar", head_screen_scalar },
};

#ifdef BN_ARCH_X86
static const BnKernels table_avx2 = {
  BN_KERNEL_AVX2,
  "avx2",
  "avx2+fma+f16c",
  {
      { E ("i2s_gemv_avx2", bn_i2s_gemv_avx2), E ("i2s_gemm_avx2", bn_i2s_gemm_avx2) },
      { E ("tl1_gemv_avx2", bn_tl1_gemv_avx2), E ("tl1_gemm_avx2", bn_tl1_gemm_avx2) },
      { E ("tl2_gemv_avx2", bn_tl2_gemv_avx2), E ("tl2_gemm_avx2", bn_tl2_gemm_avx2) },
      { E ("tq2_0_gemv_avx2", bn_tq2_0_gemm_avx2), E ("tq2_0_gemm_avx2", bn_tq2_0_gemm_avx2) },
      { E ("tq1_0_gemv_avx2", bn_tq1_0_gemm_avx2), E ("tq1_0_gemm_avx2", bn_tq1_0_gemm_avx2) },
  },
  {
      { NULL, NULL },
      { "tl1_lut_avx2", bn_tl1_build_lut_avx2 },
      { "tl2_lut_avx2", bn_tl2_build_lut_avx2 },
      { NULL, NULL },
      { NULL, NULL },
  },
  { "head_f16_avx2", bn_head_f16_avx2 },
  { "head_q8_0_avx2", bn_head_q8_0_avx2 },
  { "head_screen_avx2", bn_head_screen_avx2 },
};

static const BnKernels table_avx512 = {
  BN_KERNEL_AVX512,
  "avx512",
  "avx512f+bw+vl+vnni",
  {
      { E ("i2s_gemv_avx512vnni", bn_i2s_gemv_avx512), E ("i2s_gemm_avx512vnni", bn_i2s_gemm_avx512) },
      { E ("tl1_gemv_avx512bw", bn_tl1_gemv_avx512), E ("tl1_gemm_avx512bw", bn_tl1_gemm_avx512) },
      { E ("tl2_gemv_avx512bw", bn_tl2_gemv_avx512), E ("tl2_gemm_avx512bw", bn_tl2_gemm_avx512) },
      { E ("tq2_0_gemv_avx512vnni", bn_tq2_0_gemm_avx512), E ("tq2_0_gemm_avx512vnni", bn_tq2_0_gemm_avx512) },
      { E ("tq1_0_gemv_avx512vnni", bn_tq1_0_gemm_avx512), E ("tq1_0_gemm_avx512vnni", bn_tq1_0_gemm_avx512) },
  },
  {
      { NULL, NULL },
      { "tl1_lut_avx2", bn_tl1_build_lut_avx2 },
      { "tl2_lut_avx2", bn_tl2_build_lut_avx2 },
      { NULL, NULL },
      { NULL, NULL },
  },
  { "head_f16_avx512", bn_head_f16_avx2 }, /* the same 256-bit loop */
  { "head_q8_0_avx512vnni", bn_head_q8_0_avx512 },
  { "head_screen_avx512vnni", bn_head_screen_avx512 },
};
#endif

#ifdef BN_ARCH_ARM64
static const BnKernels table_neon = {
  BN_KERNEL_NEON,
  "neon",
  "asimd",
  {
      { E ("i2s_gemv_neon", bn_i2s_gemm_neon), E ("i2s_gemm_neon", bn_i2s_gemm_neon) },
      { E ("tl1_gemv_neon", bn_tl1_gemm_neon), E ("tl1_gemm_neon", bn_tl1_gemm_neon) },
      { E ("tl2_gemv_neon", bn_tl2_gemm_neon), E ("tl2_gemm_neon", bn_tl2_gemm_neon) },
      { E ("tq2_0_gemv_neon", bn_tq2_0_gemm_neon), E ("tq2_0_gemm_neon", bn_tq2_0_gemm_neon) },
      { E ("tq1_0_gemv_neon", bn_tq1_0_gemm_neon), E ("tq1_0_gemm_neon", bn_tq1_0_gemm_neon) },
  },
  {
      { NULL, NULL },
      { "tl1_lut_scalar", bn_tl1_build_lut_ref },
      { "tl2_lut_scalar", bn_tl2_build_lut_ref },
      { NULL, NULL },
      { NULL, NULL },
  },
  { "head_f16_neon", bn_head_f16_neon },
  { "head_q8_0_neon", bn_head_q8_0_neon },
  { "head_screen_neon", bn_head_screen_neon },
};

static const BnKernels table_neon_dotprod = {
  BN_KERNEL_NEON,
  "neon",
  "asimd+dotprod",
  {
      { E ("i2s_gemv_neon_dotprod", bn_i2s_gemm_neondot), E ("i2s_gemm_neon_dotprod", bn_i2s_gemm_neondot) },
      { E ("tl1_gemv_neon", bn_tl1_gemm_neon), E ("tl1_gemm_neon", bn_tl1_gemm_neon) },
      { E ("tl2_gemv_neon", bn_tl2_gemm_neon), E ("tl2_gemm_neon", bn_tl2_gemm_neon) },
      { E ("tq2_0_gemv_neon_dotprod", bn_tq2_0_gemm_neondot), E ("tq2_0_gemm_neon_dotprod", bn_tq2_0_gemm_neondot) },
      { E ("tq1_0_gemv_neon_dotprod", bn_tq1_0_gemm_neondot), E ("tq1_0_gemm_neon_dotprod", bn_tq1_0_gemm_neondot) },
  },
  {
      { NULL, NULL },
      { "tl1_lut_scalar", bn_tl1_build_lut_ref },
      { "tl2_lut_scalar", bn_tl2_build_lut_ref },
      { NULL, NULL },
      { NULL, NULL },
  },
  { "head_f16_neon", bn_head_f16_neondot },
  { "head_q8_0_neon_dotprod", bn_head_q8_0_neondot },
  { "head_screen_neon", bn_head_screen_neondot },
};
#endif

#ifdef BN_ARCH_WASM
static const BnKernels table_simd128 = {
  BN_KERNEL_SIMD128,
  "simd128",
  "wasm-simd128",
  {
      { E ("i2s_gemv_simd128", bn_i2s_gemm_simd128), E ("i2s_gemm_simd128", bn_i2s_gemm_simd128) },
      { E ("tl1_gemv_simd128", bn_tl1_gemm_simd128), E ("tl1_gemm_simd128", bn_tl1_gemm_simd128) },
      { E ("tl2_gemv_simd128", bn_tl2_gemm_simd128), E ("tl2_gemm_simd128", bn_tl2_gemm_simd128) },
      { E ("tq2_0_gemv_simd128", bn_tq2_0_gemm_simd128), E ("tq2_0_gemm_simd128", bn_tq2_0_gemm_simd128) },
      { E ("tq1_0_gemv_simd128", bn_tq1_0_gemm_simd128), E ("tq1_0_gemm_simd128", bn_tq1_0_gemm_simd128) },
  },
  {
      { NULL, NULL },
      { "tl1_lut_scalar", bn_tl1_build_lut_ref },
      { "tl2_lut_scalar", bn_tl2_build_lut_ref },
      { NULL, NULL },
      { NULL, NULL },
  },
  /* the heads stay scalar: the float head has no SIMD128 twin yet */
  { "head_f16_scalar", head_f16_scalar },
  { "head_q8_0_scalar", head_q8_0_scalar },
  { "head_screen_scalar", head_screen_scalar },
};
#endif

#undef E

/* ---- variants -------------------------------------------------------- */

static const char *const variant_names[BN_KERNEL_N_VARIANTS] = {
  "scalar", "avx2", "avx512", "neon", "simd128",
};

const char *
bn_kernel_variant_name (BnKernelVariant v)
{
  if ((unsigned) v >= BN_KERNEL_N_VARIANTS)
    return "invalid";
  return variant_names[v];
}

int
bn_kernel_variant_from_name (const char *name, BnKernelVariant *v)
{
  if (!name || !v)
    return BN_K_ERR_INVALID;
  for (int i = 0; i < BN_KERNEL_N_VARIANTS; i++) {
    if (strcasecmp (name, variant_names[i]) == 0) {
      *v = (BnKernelVariant) i;
      return BN_K_OK;
    }
  }
  return BN_K_ERR_UNKNOWN_VARIANT;
}

int
bn_kernel_variant_compiled (BnKernelVariant v)
{
  switch (v) {
  case BN_KERNEL_SCALAR: return 1;
#ifdef BN_ARCH_X86
  case BN_KERNEL_AVX2:
  case BN_KERNEL_AVX512: return 1;
#endif
#ifdef BN_ARCH_ARM64
  case BN_KERNEL_NEON: return 1;
#endif
#ifdef BN_ARCH_WASM
  case BN_KERNEL_SIMD128: return 1;
#endif
  default: return 0;
  }
}

static unsigned
variant_requirement (BnKernelVariant v)
{
  switch (v) {
  case BN_KERNEL_AVX2: return BN_CPU_AVX2;
  case BN_KERNEL_AVX512: return BN_CPU_AVX512;
  case BN_KERNEL_NEON: return BN_CPU_NEON;
  case BN_KERNEL_SIMD128: return BN_CPU_SIMD128;
  default: return 0;
  }
}

int
bn_kernel_variant_supported (BnKernelVariant v)
{
  unsigned need = variant_requirement (v);

  return bn_kernel_variant_compiled (v) && (bn_cpu_features () & need) == need;
}

BnKernelVariant
bn_kernel_variant_best (void)
{
  static const BnKernelVariant order[] = {
    BN_KERNEL_AVX512,
    BN_KERNEL_AVX2,
    BN_KERNEL_NEON,
    BN_KERNEL_SIMD128,
  };

  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
    if (bn_kernel_variant_supported (order[i]))
      return order[i];
  return BN_KERNEL_SCALAR;
}

const BnKernels *
bn_kernels_get (BnKernelVariant v)
{
  if (!bn_kernel_variant_supported (v))
    return NULL;
  switch (v) {
  case BN_KERNEL_SCALAR: return &table_scalar;
#ifdef BN_ARCH_X86
  case BN_KERNEL_AVX2: return &table_avx2;
  case BN_KERNEL_AVX512: return &table_avx512;
#endif
#ifdef BN_ARCH_ARM64
  case BN_KERNEL_NEON: return (bn_cpu_features () & BN_CPU_NEON_DOTPROD) ? &table_neon_dotprod : &table_neon;
#endif
#ifdef BN_ARCH_WASM
  case BN_KERNEL_SIMD128: return &table_simd128;
#endif
  default: return NULL;
  }
}

int
bn_kernels_select (const char *request, const BnKernels **out, char *err, size_t err_len)
{
  BnKernelVariant v;
  char feat[96];

  if (!out)
    return BN_K_ERR_INVALID;
  *out = NULL;
  if (!request)
    request = getenv ("BITNET_KERNEL");

  if (!request || !*request || strcasecmp (request, "auto") == 0) {
    *out = bn_kernels_get (bn_kernel_variant_best ());
    return BN_K_OK;
  }
  if (bn_kernel_variant_from_name (request, &v) != BN_K_OK) {
    if (err && err_len)
      snprintf (err, err_len,
                "BITNET_KERNEL=%s names no kernel variant; "
                "use one of scalar, avx2, avx512, neon, simd128, auto",
                request);
    return BN_K_ERR_UNKNOWN_VARIANT;
  }
  if (!bn_kernel_variant_supported (v)) {
    if (err && err_len) {
      if (!bn_kernel_variant_compiled (v))
        snprintf (err, err_len,
                  "BITNET_KERNEL=%s: the %s kernels are not "
                  "built for this architecture",
                  request, variant_names[v]);
      else
        snprintf (err, err_len,
                  "BITNET_KERNEL=%s: this CPU lacks the "
                  "instructions the %s kernels need (it has: %s); unset "
                  "BITNET_KERNEL or choose %s",
                  request, variant_names[v], bn_cpu_features_describe (bn_cpu_features (), feat, sizeof feat),
                  variant_names[bn_kernel_variant_best ()]);
    }
    return BN_K_ERR_UNSUPPORTED_VARIANT;
  }
  *out = bn_kernels_get (v);
  return BN_K_OK;
}

/* the one global: the table chosen by bn_kernels_init() */
static _Atomic (const BnKernels *) active_table;

int
bn_kernels_init (char *err, size_t err_len)
{
  const BnKernels *k, *expected = NULL;
  int rc;

  if (atomic_load (&active_table))
    return BN_K_OK;
  rc = bn_kernels_select (NULL, &k, err, err_len);
  if (rc != BN_K_OK)
    return rc;
  /* a concurrent first call may have won; both chose from the same env */
  atomic_compare_exchange_strong (&active_table, &expected, k);
  return BN_K_OK;
}

const BnKernels *
bn_kernels_active (void)
{
  return atomic_load (&active_table);
}

/* ---- entry points --------------------------------------------------- */

const BnKernelEntry *
bn_kernels_entry (const BnKernels *k, BnTernaryFormat format, size_t n_tokens)
{
  const BnKernelEntry *e;

  if (!k || (unsigned) format >= BN_TERNARY_N_FORMATS)
    return NULL;
  if (n_tokens > 1 && k->ternary[format][BN_KOP_GEMM].fn)
    e = &k->ternary[format][BN_KOP_GEMM];
  else
    e = &k->ternary[format][BN_KOP_GEMV];
  return e->fn ? e : NULL;
}

int
bn_ternary_gemm (const BnKernels *k, const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin,
                 size_t row_end, int32_t *idot, float *y, const char **kernel_name)
{
  const BnKernelEntry *e;
  int is_tl;

  if (!k || !w || !acts || !w->data || n_tokens == 0 || row_begin > row_end || row_end > w->rows)
    return BN_K_ERR_INVALID;
  if (bn_ternary_check_shape (w->format, w->rows, w->cols) != BN_K_OK)
    return BN_K_ERR_SHAPE;
  if (w->size < bn_ternary_packed_size (w->format, w->rows, w->cols))
    return BN_K_ERR_BUFFER;

  is_tl = w->format == BN_TERNARY_TL1 || w->format == BN_TERNARY_TL2;
  for (size_t t = 0; t < n_tokens; t++) {
    if (acts[t].k != w->cols || !acts[t].q || ((uintptr_t) acts[t].q) % BN_KALIGN != 0)
      return BN_K_ERR_INVALID;
    if (is_tl && (!acts[t].lut || acts[t].lut_format != w->format))
      return BN_K_ERR_LUT;
  }

  if (n_tokens == 1) {
    e = bn_kernels_entry (k, w->format, 1);
    if (kernel_name)
      *kernel_name = e->name;
    if (row_begin < row_end)
      e->fn (w, acts, 1, row_begin, row_end, idot, y);
    return BN_K_OK;
  }

  e = bn_kernels_entry (k, w->format, n_tokens);
  if (kernel_name)
    *kernel_name = e->name;
  if (row_begin == row_end)
    return BN_K_OK;
  for (size_t t0 = 0; t0 < n_tokens; t0 += BN_GEMM_MAX_TOKENS) {
    size_t n = n_tokens - t0 < BN_GEMM_MAX_TOKENS ? n_tokens - t0 : BN_GEMM_MAX_TOKENS;
    int32_t *io = idot ? idot + t0 * w->rows : NULL;
    float *yo = y ? y + t0 * w->rows : NULL;

    if (e == &k->ternary[w->format][BN_KOP_GEMM] || n == 1) {
      e->fn (w, acts + t0, n, row_begin, row_end, io, yo);
    } else {
      /* no batched kernel: one GEMV per token */
      for (size_t t = 0; t < n; t++)
        e->fn (w, acts + t0 + t, 1, row_begin, row_end, io ? io + t * w->rows : NULL, yo ? yo + t * w->rows : NULL);
    }
  }
  return BN_K_OK;
}

int
bn_act_build_lut (const BnKernels *k, BnActQ8 *act, BnTernaryFormat format, void *lut, size_t lut_size,
                  const char **kernel_name)
{
  const BnLutEntry *e;

  if (!k || !act || (unsigned) format >= BN_TERNARY_N_FORMATS)
    return BN_K_ERR_INVALID;
  e = &k->lut[format];
  if (!e->fn) {
    if (kernel_name)
      *kernel_name = NULL;
    return BN_K_OK;
  }
  if (!lut || ((uintptr_t) lut) % BN_KALIGN != 0 || lut_size < bn_ternary_lut_size (format, act->k))
    return BN_K_ERR_BUFFER;
  e->fn (act, lut);
  act->lut = lut;
  act->lut_format = format;
  if (kernel_name)
    *kernel_name = e->name;
  return BN_K_OK;
}

int
bn_head_f16_gemv (const BnKernels *k, const uint16_t *w, size_t rows, size_t cols, const float *x, size_t row_begin,
                  size_t row_end, float *y, const char **kernel_name)
{
  if (!k || !w || !x || !y || cols == 0 || row_begin > row_end || row_end > rows)
    return BN_K_ERR_INVALID;
  if (kernel_name)
    *kernel_name = k->head_f16.name;
  k->head_f16.fn (w, cols, x, row_begin, row_end, y);
  return BN_K_OK;
}

int
bn_head_screen_gemv (const BnKernels *k, const int8_t *q, size_t rows, size_t cols, const int16_t *p, size_t row_begin,
                     size_t row_end, int32_t *y, const char **kernel_name)
{
  if (!k || !q || !p || !y || cols == 0 || row_begin > row_end || row_end > rows || ((uintptr_t) p) % BN_KALIGN != 0)
    return BN_K_ERR_INVALID;
  if (kernel_name)
    *kernel_name = k->head_screen.name;
  k->head_screen.fn (q, cols, p, row_begin, row_end, y);
  return BN_K_OK;
}

int
bn_head_q8_0_gemv (const BnKernels *k, const uint8_t *w, size_t rows, size_t cols, const BnActQ8 *act, size_t row_begin,
                   size_t row_end, float *y, const char **kernel_name)
{
  if (!k || !w || !act || !y || row_begin > row_end || row_end > rows || act->k != cols
      || ((uintptr_t) act->q) % BN_KALIGN != 0)
    return BN_K_ERR_INVALID;
  if (cols % BN_Q8_0_BLOCK != 0)
    return BN_K_ERR_SHAPE;
  if (kernel_name)
    *kernel_name = k->head_q8_0.name;
  k->head_q8_0.fn (w, cols, act, row_begin, row_end, y);
  return BN_K_OK;
}
