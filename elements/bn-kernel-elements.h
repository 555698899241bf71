/* gst-bitnet: the elements of the kernels plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst-bitnet/bn.h>

#include "kernels/bn-dispatch.h"

G_BEGIN_DECLS

#define BN_TYPE_QUANTIZER (bn_quantizer_get_type ())
G_DECLARE_FINAL_TYPE (BnQuantizer, bn_quantizer, BN, QUANTIZER, BnElement)

#define BN_TYPE_SUMMARY_SINK (bn_summary_sink_get_type ())
G_DECLARE_FINAL_TYPE (BnSummarySink, bn_summary_sink, BN, SUMMARY_SINK, BnElement)

#define BN_TYPE_KERNEL_BENCH (bn_kernel_bench_get_type ())
G_DECLARE_FINAL_TYPE (BnKernelBench, bn_kernel_bench, BN, KERNEL_BENCH, BnElement)

/**
 * BnAccuracy:
 * @out_rel_mse: relative MSE of the kernel's output against an FP32 product
 *   with the same int8 activations (the format's own error)
 * @e2e_rel_mse: relative MSE against FP32 with the reference weights and
 *   unquantized activations (the whole quantized path)
 * @cosine: cosine similarity of the same comparison
 * @max_abs: largest absolute error of the same comparison
 * @weight_rel_mse: relative MSE of the dequantized weights
 */
typedef struct {
  double out_rel_mse, e2e_rel_mse, cosine, max_abs, weight_rel_mse;
} BnAccuracy;

GType bn_ternary_format_enum_get_type (void);
double bn_format_default_tolerance (BnTernaryFormat f);
void bn_measure_accuracy (const BnKernels *k, const BnTernary *q, const float *w_ref,
                          guint sample_rows, GRand *rand, const char **kernel_name,
                          BnAccuracy *acc);

G_END_DECLS
