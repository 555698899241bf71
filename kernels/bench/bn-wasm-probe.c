/* gst-bitnet: bn-wasm-probe, single-thread throughput of the ternary GEMV
 * kernels in a WebAssembly build (not a test: it asserts nothing)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bn-kernel-probe needs threads and mmap, which wasm32-wasi lacks; this
 * probe times one 2560x2560 matrix (cache-resident) per format and variant
 * (scalar and SIMD128) and prints weights/s. The figures are those of the
 * WebAssembly engine that runs it (Node.js's V8 here), compiled to the
 * host's instructions at load time: they are labelled as such and are never
 * comparable with a native build's.
 *
 *   node tests/kernels/wasi-run.mjs bn-wasm-probe.wasm [SECONDS]
 */
#include <stdio.h>
#include <stdlib.h>

#include "kernels/bn-kernels.h"
#include "bn-probe.h"

int
main (int argc, char **argv)
{
  const size_t rows = 2560, cols = 2560;
  const double seconds = argc > 1 ? atof (argv[1]) : 0.3;
  uint64_t rng = 88172645463325252ull;
  int8_t *codes = malloc (rows * cols);
  float *x = malloc (cols * sizeof (float)), *y = malloc (rows * sizeof (float));
  size_t asz = bn_act_buffer_size (cols);
  void *abuf = bn_kalloc (asz);
  BnActQ8 act;

  if (!codes || !x || !y || !abuf)
    return 1;
  for (size_t i = 0; i < rows * cols; i++)
    codes[i] = (int8_t) ((int) (bn_probe_rand (&rng) % 3) - 1);
  for (size_t i = 0; i < cols; i++)
    x[i] = (float) ((double) (bn_probe_rand (&rng) % 2001) / 1000.0 - 1.0);
  bn_act_init (&act, abuf, asz, cols);

  printf ("# kernel-bench (wasm32-wasi, one thread, %zux%zu in cache): figures of a WebAssembly engine, "
          "not of native code\n",
          rows, cols);
  printf ("%-6s %-8s %-22s %10s\n", "format", "variant", "kernel", "Gweights/s");
  for (int f = 0; f < BN_TERNARY_N_FORMATS; f++) {
    size_t size = bn_ternary_packed_size (f, rows, cols);
    size_t lsz = bn_ternary_lut_size (f, cols);
    void *lut = lsz ? bn_kalloc (lsz) : NULL;
    uint8_t *data = bn_kalloc (size);
    BnTernary w;

    if (!data || (lsz && !lut) || bn_ternary_pack_codes (f, data, size, codes, rows, cols, 0.5f, &w) != BN_K_OK)
      return 1;
    for (int v = 0; v < BN_KERNEL_N_VARIANTS; v++) {
      const BnKernels *k = bn_kernels_get ((BnKernelVariant) v);
      const char *name = NULL;
      double t0, dt;
      size_t n = 0;

      if (!k)
        continue;
      bn_act_quantize (&act, x);
      if (lut)
        bn_act_build_lut (k, &act, f, lut, lsz, NULL);
      t0 = bn_probe_now ();
      do {
        bn_ternary_gemm (k, &w, &act, 1, 0, rows, NULL, y, &name);
        n++;
        dt = bn_probe_now () - t0;
      } while (dt < seconds);
      printf ("%-6s %-8s %-22s %10.2f\n", bn_ternary_format_name (f), k->name, name,
              (double) n * rows * cols / dt / 1e9);
    }
    bn_kfree (data);
    bn_kfree (lut);
  }
  bn_kfree (abuf);
  free (codes);
  free (x);
  free (y);
  return 0;
}
