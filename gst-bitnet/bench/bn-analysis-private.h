/* gst-bitnet: comparing measured runs with a baseline, metric by metric
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "bn-baselines-private.h"

G_BEGIN_DECLS

/* Verdicts, most severe first. The overall status is the most severe
 * verdict among compared metrics; NO_BASELINE only when none was. */
typedef enum {
  BN_LEVEL_CRITICAL,
  BN_LEVEL_WARNING,
  BN_LEVEL_INCONCLUSIVE,
  BN_LEVEL_IMPROVEMENT,
  BN_LEVEL_STABLE,
  BN_LEVEL_NO_BASELINE,
  BN_N_LEVELS
} BnLevel;

/* How a metric was compared: the baseline's runs against the current runs
 * (two-sample), or the current runs against a figure the baseline keeps
 * without its runs (one-sample, docs/design/0014-one-sample-baselines.md). */
typedef enum { BN_COMPARISON_NONE, BN_COMPARISON_TWO_SAMPLE, BN_COMPARISON_ONE_SAMPLE } BnComparison;

typedef struct {
  BnMetric metric;
  BnLevel level;
  BnComparison comparison;  /* NONE: no baseline figure */
  double baseline, current; /* medians; NAN when absent */
  double change;            /* percent; for absolute metrics, the difference */
  gboolean has_interval;
  double lo, hi; /* interval of the change, same unit */
  gboolean has_p;
  double p;
  gboolean p_exact;
  guint n_baseline, n_current;
  double warning, critical; /* thresholds applied */
  /* on a busy machine (throughput, first-token latency): the interval
   * widened by all the waiting the CPU shares can explain, in percent */
  gboolean has_contention_interval;
  double contention_lo, contention_hi;
  char *message;
} BnMetricResult;

typedef struct {
  char *field;
  char *baseline;
  char *current;
  gboolean blocking;
} BnMismatch;

typedef struct {
  const char *mode;             /* "baselines" or "side-by-side" */
  const char *platform;         /* the baseline's platform key */
  const char *current_platform; /* where the current runs were measured */
  const char *implementation;
  const char *baseline_key;   /* the implementation key the baseline was found under; nullable: implementation */
  const char *baselines_file; /* nullable */
  const char *thresholds_source;
  BnThresholds thresholds;
  double confidence;
  gboolean compare_mismatched;
  gboolean per_token_latency;
  /* which token-latency statistic to compare: BN_METRIC_LATENCY_P50 (also
   * for any metric that is not one of them, so 0 means p50), _P10 or _MIN */
  BnMetric latency_metric;
  gboolean skip_memory;
  double min_cpu_share; /* 0: no interference guard */
  /* nullable, read during bn_analysis_run() only: the file's calibration of
   * this platform and implementation (regression-calibrator), quoted in
   * the notes with a warning when the runs are too few for its power */
  JsonObject *calibration;
} BnAnalysisOptions;

typedef struct {
  BnAnalysisOptions opt; /* strings owned below */
  char *mode, *platform, *current_platform, *implementation, *baseline_key, *baselines_file, *thresholds_source;
  BnLevel status;
  JsonObject *baseline; /* nullable */
  JsonObject *current;
  GArray *results;                                  /* BnMetricResult */
  GPtrArray *mismatches;                            /* BnMismatch* */
  GPtrArray *notes;                                 /* char* */
  double cpu_share_baseline, cpu_share_current;     /* medians; NAN when unknown */
  double least_share_baseline, least_share_current; /* the lowest share of a run; NAN when unknown */
  gboolean disturbed;
} BnAnalysis;

BN_BENCH_API BnLevel bn_level_of_interval (double wlo, double whi, double warning, double critical);
BN_BENCH_API const char *bn_level_name (BnLevel level);
BN_BENCH_API const char *bn_level_marker (BnLevel level);
BN_BENCH_API const char *bn_level_emoji (BnLevel level);
BN_BENCH_API const char *bn_comparison_name (BnComparison comparison);

BN_BENCH_API BnAnalysis *bn_analysis_run (const BnAnalysisOptions *options, JsonObject *baseline, JsonObject *current);
BN_BENCH_API void bn_analysis_free (BnAnalysis *analysis);
BN_BENCH_API JsonObject *bn_analysis_to_json (BnAnalysis *analysis);
BN_BENCH_API char *bn_analysis_to_text (BnAnalysis *analysis);
BN_BENCH_API GVariant *bn_analysis_to_variant (BnAnalysis *analysis);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BnAnalysis, bn_analysis_free)

G_END_DECLS
