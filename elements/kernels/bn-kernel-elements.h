/* gst-bitnet: the elements of the kernels plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst-bitnet/bn.h>
#include <gst-bitnet/model/model.h>
#include <gst-bitnet/bench/bench.h>

#include "gst-bitnet/bench/bn-accuracy-private.h"

#include "kernels/bn-dispatch.h"

G_BEGIN_DECLS

#define BN_TYPE_QUANTIZER (bn_quantizer_get_type ())
G_DECLARE_FINAL_TYPE (BnQuantizer, bn_quantizer, BN, QUANTIZER, BnElement)

#define BN_TYPE_SUMMARY_SINK (bn_summary_sink_get_type ())
G_DECLARE_FINAL_TYPE (BnSummarySink, bn_summary_sink, BN, SUMMARY_SINK, BnElement)

#define BN_TYPE_KERNEL_BENCH (bn_kernel_bench_get_type ())
G_DECLARE_FINAL_TYPE (BnKernelBench, bn_kernel_bench, BN, KERNEL_BENCH, BnElement)

GType bn_ternary_format_enum_get_type (void);
double bn_format_default_tolerance (BnTernaryFormat f);

G_END_DECLS
