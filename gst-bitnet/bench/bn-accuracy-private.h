/* gst-bitnet: accuracy of a quantized kernel against FP32 (quantizer, kernel-bench)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst-bitnet/bench/bench.h>

#include "kernels/bn-dispatch.h"

G_BEGIN_DECLS

/*
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

BN_BENCH_API void bn_measure_accuracy (const BnKernels *k, const BnTernary *q, const float *w_ref, guint sample_rows,
                                       GRand *rand, const char **kernel_name, BnAccuracy *acc);

G_END_DECLS
