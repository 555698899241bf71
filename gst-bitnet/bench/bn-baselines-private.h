/* gst-bitnet: the baselines file (crossval/baselines.json) and the metrics it keeps
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst-bitnet/bn.h>
#include <gst-bitnet/bench/bench.h>

G_BEGIN_DECLS

/* The metrics compared, in table order. The three token-latency
 * statistics (each run's median, 10th percentile and minimum per-token
 * decode latency) are alternatives: an analysis compares the one its
 * options name (BnAnalysisOptions.latency_metric), p50 unless told. */
typedef enum {
  BN_METRIC_THROUGHPUT,
  BN_METRIC_LATENCY_P50,
  BN_METRIC_LATENCY_P10,
  BN_METRIC_LATENCY_MIN,
  BN_METRIC_FIRST_TOKEN,
  BN_METRIC_MEMORY,
  BN_METRIC_ACCURACY,
  BN_N_METRICS
} BnMetric;

/* The threshold families of the file's thresholds block. */
typedef enum { BN_LIMIT_THROUGHPUT, BN_LIMIT_LATENCY, BN_LIMIT_MEMORY, BN_LIMIT_ACCURACY, BN_N_LIMITS } BnLimit;

typedef struct {
  const char *key;   /* member of a baseline and of its samples */
  const char *label; /* translatable (N_) */
  const char *unit;
  gboolean higher_is_better;
  gboolean relative; /* ratio of medians with an interval; else an absolute difference */
  BnLimit limit;
} BnMetricInfo;

typedef struct {
  double critical[BN_N_LIMITS];
  double warning[BN_N_LIMITS];
} BnThresholds;

/* samples key of every per-token decode latency (not a metric of its own) */
#define BN_SAMPLES_PER_TOKEN "decode_latency_ms"
/* samples key of the share of the CPU each run got: CPU time over
 * threads x wall time (1: never waited for a core) */
#define BN_SAMPLES_CPU_SHARE "cpu_share"

/* our implementation key, and the seed's key for the implementation under
 * test, read as ours when the file has no entry of ours (docs/regression.md) */
#define BN_BASELINES_IMPLEMENTATION "gst-bitnet"
#define BN_BASELINES_SEED_IMPLEMENTATION "rust_implementation"

BN_BENCH_API const BnMetricInfo *bn_metric_info (BnMetric metric);
/* whether @metric is one of the per-run token-latency statistics */
BN_BENCH_API gboolean bn_metric_is_token_latency (BnMetric metric);
/* the quantile of each run's per-token latencies that @metric is (0.5, 0.1,
 * 0 for the minimum), or NAN for another metric */
BN_BENCH_API double bn_metric_token_quantile (BnMetric metric);
/* one run's figure behind a throughput or token-latency metric of a baseline
 * (decode tok/s; the median, 10th percentile or minimum step latency) */
BN_BENCH_API double bn_run_figure (BnRecord *run, BnMetric metric);
BN_BENCH_API const char *bn_limit_key (BnLimit limit);
/* the largest value the threshold of @limit may take */
BN_BENCH_API double bn_limit_max (BnLimit limit);

BN_BENCH_API void bn_thresholds_init_defaults (BnThresholds *thresholds);
BN_BENCH_API gboolean bn_thresholds_read (BnThresholds *thresholds, JsonObject *root);
BN_BENCH_API gboolean bn_thresholds_check (const BnThresholds *thresholds, GError **error);
BN_BENCH_API JsonObject *bn_thresholds_to_json (const BnThresholds *thresholds);

BN_BENCH_API gboolean bn_run_check_real (BnRecord *run, guint index, GError **error);
BN_BENCH_API gboolean bn_run_check_signed (BnRecord *run, guint index, GError **error);
BN_BENCH_API gboolean bn_run_check_unslowed (BnRecord *run, guint index, GError **error);
BN_BENCH_API gboolean bn_run_check_strict (BnRecord *run, guint index, GError **error);
BN_BENCH_API JsonObject *bn_baseline_entry_from_runs (GPtrArray *runs, GError **error);
BN_BENCH_API const BnRunField *bn_baseline_config_fields (guint *n_fields);
BN_BENCH_API GArray *bn_baseline_entry_samples (JsonObject *entry, const char *key);
BN_BENCH_API double bn_baseline_entry_headline (JsonObject *entry, const char *key);
BN_BENCH_API const char *bn_baseline_entry_string (JsonObject *entry, const char *key);

BN_BENCH_API JsonObject *bn_baselines_load (const char *path, GError **error);
BN_BENCH_API gboolean bn_baselines_validate (JsonObject *root, const char *path, GError **error);
BN_BENCH_API JsonObject *bn_baselines_lookup (JsonObject *root, const char *platform, const char *implementation);
BN_BENCH_API JsonObject *bn_baselines_find (JsonObject *root, const char *platform, const char *implementation,
                                            const char **key);
BN_BENCH_API gboolean bn_baselines_save (const char *path, JsonObject *root, GError **error);
BN_BENCH_API gboolean bn_write_text_atomically (const char *path, const char *text, GError **error);

G_END_DECLS
