/* gst-bitnet: the elements of the regression plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst-bitnet/bn.h>
#include <gst-bitnet/model/model.h>
#include <gst-bitnet/bench/bench.h>

G_BEGIN_DECLS

#define BN_TYPE_REGRESSION_ANALYZER (bn_regression_analyzer_get_type ())
G_DECLARE_FINAL_TYPE (BnRegressionAnalyzer, bn_regression_analyzer, BN, REGRESSION_ANALYZER, BnElement)

#define BN_TYPE_BASELINE_SINK (bn_baseline_sink_get_type ())
G_DECLARE_FINAL_TYPE (BnBaselineSink, bn_baseline_sink, BN, BASELINE_SINK, BnElement)

#define BN_TYPE_REPORT_SINK (bn_report_sink_get_type ())
G_DECLARE_FINAL_TYPE (BnReportSink, bn_report_sink, BN, REPORT_SINK, BnElement)

#define BN_TYPE_BASELINES_SRC (bn_baselines_src_get_type ())
G_DECLARE_FINAL_TYPE (BnBaselinesSrc, bn_baselines_src, BN, BASELINES_SRC, BnElement)

#define BN_TYPE_REGRESSION_CALIBRATOR (bn_regression_calibrator_get_type ())
G_DECLARE_FINAL_TYPE (BnRegressionCalibrator, bn_regression_calibrator, BN, REGRESSION_CALIBRATOR, BnElement)

G_END_DECLS
