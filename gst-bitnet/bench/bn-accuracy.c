/* gst-bitnet: accuracy of a ternary kernel format against FP32
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-accuracy-private.h"

#include "kernels/bn-ternary.h"

#include <math.h>
#include <string.h>

/* Measures @q against reference weights @w_ref (rows x cols, FP32) on four
 * seeded Gaussian activation vectors, over @sample_rows rows evenly spread
 * (0: all). See docs/design/0004-accuracy.md. */
void
bn_measure_accuracy (const BnKernels *k, const BnTernary *q, const float *w_ref, guint sample_rows, GRand *rand,
                     const char **kernel_name, BnAccuracy *acc)
{
  const guint n_tok = 4;
  size_t cols = q->cols, rows = q->rows;
  guint n_rows = MIN (sample_rows ? sample_rows : rows, rows);
  g_autofree float *x = g_new (float, n_tok *cols);
  g_autofree float *xq = g_new (float, n_tok *cols);
  g_autofree float *wq = g_new (float, cols);
  g_autofree int8_t *codes = g_new (int8_t, cols);
  BnActQ8 acts[4];
  void *bufs[4] = { NULL }, *luts[4] = { NULL };
  size_t lut_size = bn_ternary_lut_size (q->format, cols);

  for (guint i = 0; i < n_tok * cols; i += 2) {
    double u1 = g_rand_double (rand), u2 = g_rand_double (rand);
    double r = sqrt (-2.0 * log (u1 > 0 ? u1 : 1e-300));
    x[i] = (float) (r * cos (2 * G_PI * u2));
    if (i + 1 < n_tok * cols)
      x[i + 1] = (float) (r * sin (2 * G_PI * u2));
  }
  for (guint t = 0; t < n_tok; t++) {
    bufs[t] = bn_kalloc (bn_act_buffer_size (cols));
    bn_act_init (&acts[t], bufs[t], bn_act_buffer_size (cols), cols);
    bn_act_quantize (&acts[t], x + t * cols);
    for (size_t c = 0; c < cols; c++)
      xq[t * cols + c] = bn_act_value (&acts[t], c);
    if (lut_size) {
      luts[t] = bn_kalloc (lut_size);
      bn_act_build_lut (k, &acts[t], q->format, luts[t], lut_size, NULL);
    }
  }

  double se_q = 0, ref_q2 = 0, se_e = 0, ref_e2 = 0, dot = 0, yy = 0, maxabs = 0, wse = 0, w2 = 0;
  /* outputs land at y[t * rows + r] whatever the row range */
  g_autofree float *y = g_new0 (float, n_tok *rows);
  /* the per-tensor scale of the formats that have one; the TQ formats'
   * per-block scales are read per row below (asking bn_ternary_uniform_scale
   * of them scans every row of the matrix: once per sampled row, quantizing
   * the 2b fixture to TQ2_0 took over five minutes) */
  gboolean per_block = q->format == BN_TERNARY_TQ2_0 || q->format == BN_TERNARY_TQ1_0;
  float scale = 1.0f;
  if (!per_block && bn_ternary_uniform_scale (q, &scale) != BN_K_OK)
    scale = 1.0f;
  for (guint i = 0; i < n_rows; i++) {
    size_t r = (size_t) ((guint64) i * rows / n_rows);
    bn_ternary_gemm (k, q, acts, n_tok, r, r + 1, NULL, y, kernel_name);
    bn_ternary_unpack_rows (q, r, r + 1, codes);
    g_autofree float *deq = NULL;
    if (per_block) {
      /* per-block scales: dequantize the row through the reference path */
      deq = g_new (float, cols);
      /* a one-row view of a TQ matrix starts at the row's first block */
      size_t row_bytes = bn_ternary_packed_size (q->format, 1, cols);
      BnTernary one = *q;
      one.rows = 1;
      one.data = q->data + r * row_bytes;
      one.size = row_bytes;
      bn_ternary_dequantize (&one, deq);
      memcpy (wq, deq, cols * sizeof (float));
    } else {
      for (size_t c = 0; c < cols; c++)
        wq[c] = codes[c] * scale;
    }
    for (guint t = 0; t < n_tok; t++) {
      double ref_q = 0, ref_e = 0;
      for (size_t c = 0; c < cols; c++) {
        ref_q += (double) wq[c] * xq[t * cols + c];
        ref_e += (double) w_ref[r * cols + c] * x[t * cols + c];
      }
      double yt = y[t * rows + r];
      se_q += (yt - ref_q) * (yt - ref_q);
      ref_q2 += ref_q * ref_q;
      se_e += (yt - ref_e) * (yt - ref_e);
      ref_e2 += ref_e * ref_e;
      dot += yt * ref_e;
      yy += yt * yt;
      maxabs = MAX (maxabs, fabs (yt - ref_e));
    }
    for (size_t c = 0; c < cols; c++) {
      double d = (double) wq[c] - w_ref[r * cols + c];
      wse += d * d;
      w2 += (double) w_ref[r * cols + c] * w_ref[r * cols + c];
    }
  }
  for (guint t = 0; t < n_tok; t++) {
    bn_kfree (bufs[t]);
    bn_kfree (luts[t]);
  }
  acc->out_rel_mse = ref_q2 > 0 ? se_q / ref_q2 : 0;
  acc->e2e_rel_mse = ref_e2 > 0 ? se_e / ref_e2 : 0;
  acc->cosine = yy > 0 && ref_e2 > 0 ? dot / sqrt (yy * ref_e2) : 1.0;
  acc->max_abs = maxabs;
  acc->weight_rel_mse = w2 > 0 ? wse / w2 : 0;
}
