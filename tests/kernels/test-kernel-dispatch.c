/* gst-bitnet kernel tests: run-time dispatch, BITNET_KERNEL, kernel names
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "kernels/bn-kernels.h"
#include "ktap.h"

static int
has_prefix (const char *s, const char *prefix)
{
  return s && strncmp (s, prefix, strlen (prefix)) == 0;
}

int
main (void)
{
  const BnKernels *k = NULL;
  char err[256], feat[96];
  unsigned features = bn_cpu_features ();
  int rc, ok;

  ktap_diag ("CPU features: %s; best variant: %s", bn_cpu_features_describe (features, feat, sizeof feat),
             bn_kernel_variant_name (bn_kernel_variant_best ()));

  /* auto, explicit and environment selection */
  unsetenv ("BITNET_KERNEL");
  rc = bn_kernels_select (NULL, &k, err, sizeof err);
  ktap_ok (rc == BN_K_OK && k && k->variant == bn_kernel_variant_best (), "/kernels/dispatch/auto");
  rc = bn_kernels_select ("scalar", &k, err, sizeof err);
  ktap_ok (rc == BN_K_OK && k && k->variant == BN_KERNEL_SCALAR, "/kernels/dispatch/force-scalar");
  setenv ("BITNET_KERNEL", "SCALAR", 1);
  rc = bn_kernels_select (NULL, &k, err, sizeof err);
  ktap_ok (rc == BN_K_OK && k && k->variant == BN_KERNEL_SCALAR, "/kernels/dispatch/env-case-insensitive");

  /* an unknown name is refused with a message naming it */
  setenv ("BITNET_KERNEL", "avx1024", 1);
  err[0] = '\0';
  rc = bn_kernels_select (NULL, &k, err, sizeof err);
  ok = rc == BN_K_ERR_UNKNOWN_VARIANT && k == NULL && strstr (err, "avx1024") && strstr (err, "scalar");
  ktap_diag ("message: %s", err);
  ktap_ok (ok, "/kernels/dispatch/unknown-refused");

  /* every variant this CPU or build lacks is refused, with a reason */
  for (int v = 0; v < BN_KERNEL_N_VARIANTS; v++) {
    const char *name = bn_kernel_variant_name ((BnKernelVariant) v);
    setenv ("BITNET_KERNEL", name, 1);
    err[0] = '\0';
    rc = bn_kernels_select (NULL, &k, err, sizeof err);
    if (bn_kernel_variant_supported ((BnKernelVariant) v)) {
      ktap_ok (rc == BN_K_OK && k && (int) k->variant == v && !strcmp (k->name, name), "/kernels/dispatch/force/%s",
               name);
    } else {
      ok = rc == BN_K_ERR_UNSUPPORTED_VARIANT && k == NULL && strstr (err, name)
           && (strstr (err, "lacks") || strstr (err, "not built"));
      ktap_diag ("message: %s", err);
      ktap_ok (ok, "/kernels/dispatch/refuse/%s", name);
    }
  }

  /* init keeps its first successful choice */
  setenv ("BITNET_KERNEL", "bogus", 1);
  rc = bn_kernels_init (err, sizeof err);
  ok = rc == BN_K_ERR_UNKNOWN_VARIANT && bn_kernels_active () == NULL;
  setenv ("BITNET_KERNEL", "scalar", 1);
  rc = bn_kernels_init (err, sizeof err);
  ok &= rc == BN_K_OK && bn_kernels_active () && bn_kernels_active ()->variant == BN_KERNEL_SCALAR;
  unsetenv ("BITNET_KERNEL");
  ok &= bn_kernels_init (err, sizeof err) == BN_K_OK && bn_kernels_active ()->variant == BN_KERNEL_SCALAR;
  ktap_ok (ok, "/kernels/dispatch/init-once");

  /* names: <format>_<gemv|gemm>_<variant...>, and the name reported by a
   * product is the name of the entry that ran */
  for (int v = 0; v < BN_KERNEL_N_VARIANTS; v++) {
    const BnKernels *kv = bn_kernels_get ((BnKernelVariant) v);
    if (!kv)
      continue;
    ok = 1;
    for (int f = 0; f < BN_TERNARY_N_FORMATS; f++) {
      const size_t rows = 40, cols = 512;
      size_t size = bn_ternary_packed_size (f, rows, cols);
      size_t asz = bn_act_buffer_size (cols);
      size_t lsz = bn_ternary_lut_size (f, cols);
      void *data = bn_kalloc (size);
      int8_t *codes = calloc (rows, cols);
      BnActQ8 acts[2];
      void *ab[2], *lb[2];
      float y[2 * 40];
      const char *ran = NULL;
      char prefix[32];
      BnTernary w;

      bn_ternary_pack_codes (f, data, size, codes, rows, cols, 1.0f, &w);
      for (int t = 0; t < 2; t++) {
        ab[t] = bn_kalloc (asz);
        lb[t] = lsz ? bn_kalloc (lsz) : NULL;
        bn_act_init (&acts[t], ab[t], asz, cols);
      }
      /* a TL product without tables is refused */
      if (lsz)
        ok &= bn_ternary_gemm (kv, &w, acts, 1, 0, rows, NULL, y, &ran) == BN_K_ERR_LUT;
      for (int t = 0; t < 2; t++)
        if (lsz)
          ok &= bn_act_build_lut (kv, &acts[t], f, lb[t], lsz, NULL) == BN_K_OK;
      snprintf (prefix, sizeof prefix, "%s_gemv_", bn_ternary_format_name (f));
      ok &= bn_ternary_gemm (kv, &w, acts, 1, 0, rows, NULL, y, &ran) == BN_K_OK && has_prefix (ran, prefix)
            && ran == bn_kernels_entry (kv, f, 1)->name;
      snprintf (prefix, sizeof prefix, "%s_gemm_", bn_ternary_format_name (f));
      ok &= bn_ternary_gemm (kv, &w, acts, 2, 0, rows, NULL, y, &ran) == BN_K_OK && has_prefix (ran, prefix);
      ktap_diag ("%s: %s / %s", kv->name, bn_kernels_entry (kv, f, 1)->name, ran);
      /* bad row ranges and mismatched activations are refused */
      ok &= bn_ternary_gemm (kv, &w, acts, 1, 3, rows + 1, NULL, y, NULL) == BN_K_ERR_INVALID;
      acts[0].k = cols - 1;
      ok &= bn_ternary_gemm (kv, &w, acts, 1, 0, rows, NULL, y, NULL) == BN_K_ERR_INVALID;
      for (int t = 0; t < 2; t++) {
        bn_kfree (ab[t]);
        bn_kfree (lb[t]);
      }
      bn_kfree (data);
      free (codes);
    }
    ktap_ok (ok, "/kernels/dispatch/names/%s", kv->name);
  }

  return ktap_done ();
}
