/* gst-bitnet: regression-calibrator, measures the gate's error rates on this machine
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-regression-elements.h"
#include "gst-bitnet/bench/bn-analysis-private.h"

#include <gst-bitnet/bench/bn-json-private.h>
#include <gst-bitnet/bn-file-private.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/**
 * SECTION:element-regression-calibrator
 * @title: regression-calibrator
 *
 * Measures how the regression gate behaves on this machine for one
 * configuration: how often it raises a false alarm when nothing changed,
 * and how often it detects a slowdown of known size. It takes runs, in
 * the order they were measured, from an executor whose
 * `inject-schedule` interleaves unslowed runs with runs slowed on purpose
 * (`0,0.1,0,0.25`), and judges blocks of #BnRegressionCalibrator:runs runs
 * with the analyzer's own analysis (bn_analysis_run(), side-by-side rules):
 *
 * - **A/A**: consecutive blocks of unslowed runs, one against the next (a
 *   baseline measured just before); a WARNING or CRITICAL is a false alarm;
 * - **detection**: each block of runs slowed by the same fraction against
 *   the unslowed runs measured among them (interleaved), and against the
 *   unslowed runs measured just before them (a stored baseline); a WARNING
 *   or CRITICAL on decode throughput or token latency is a detection;
 * - **confirmed**: a stored-baseline alarm (A/A or detection) re-judged on
 *   the interleaved pairs measured after the block, as
 *   detect-performance-regression.py --confirm-with does; it stands only if
 *   they alarm too;
 * - **interleaved pairs**: compare-builds.py's rule replayed on the same
 *   runs (median per-pair log ratio, sign-test interval, sequential looks
 *   at #BnRegressionCalibrator:min-pairs, every
 *   #BnRegressionCalibrator:look-every, up to
 *   #BnRegressionCalibrator:max-pairs, Bonferroni), on
 *   #BnRegressionCalibrator:pair-metric;
 * - the time each verdict took (the runs' own total_time_ms);
 * - the same data judged by the seed's fixed-percentage rule (the median
 *   moved past the warning threshold, no interval), side by side;
 * - the noise: median and robust coefficient of variation (1.4826 MAD /
 *   median) of the unslowed runs' decode speed and token latency, and the
 *   runs per side that would detect each slowdown with 90% power.
 *
 * The result is printed, written to #BnRegressionCalibrator:output and
 * stored in the baselines file (#BnRegressionCalibrator:location) under
 * `calibration.<platform>.<implementation>`, merged under the file's lock
 * as baseline-sink merges; regression-analyzer quotes it in every report
 * and warns when a comparison has fewer runs than the calibration says a
 * detection needs. `pipelines/calibrate.bnp` runs it; docs/regression.md
 * explains the table.
 */

struct _BnRegressionCalibrator {
  BnElement parent_instance;
  char *location, *platform, *implementation, *output, *pair_metric;
  guint runs, lock_timeout, min_pairs, max_pairs, look_every;
  double confidence, min_cpu_share;
  gboolean silent, store;

  guint metric;      /* index into pair_metrics */
  double pair_level; /* confidence of each look (Bonferroni) */
  guint n_looks;

  GPtrArray *all; /* BnRecord, in arrival order */
  BnThresholds thresholds;
};

G_DEFINE_FINAL_TYPE (BnRegressionCalibrator, bn_regression_calibrator, BN_TYPE_ELEMENT)

enum {
  PROP_0,
  PROP_LOCATION,
  PROP_PLATFORM,
  PROP_IMPLEMENTATION,
  PROP_OUTPUT,
  PROP_RUNS,
  PROP_CONFIDENCE,
  PROP_MIN_CPU_SHARE,
  PROP_SILENT,
  PROP_STORE,
  PROP_LOCK_TIMEOUT,
  PROP_PAIR_METRIC,
  PROP_MIN_PAIRS,
  PROP_MAX_PAIRS,
  PROP_LOOK_EVERY,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

/* the figure of one run that the interleaved pairs compare, as
 * compare-builds.py's --metric: decode tok/s, or the median, 10th percentile
 * or minimum of the run's per-step decode latencies (bn_run_figure()) */
static const char *const pair_metrics[] = { "decode", "p50", "p10", "min" };
static const BnMetric pair_figures[] = { BN_METRIC_THROUGHPUT, BN_METRIC_LATENCY_P50, BN_METRIC_LATENCY_P10,
                                         BN_METRIC_LATENCY_MIN };

static void
bn_regression_calibrator_finalize (GObject *object)
{
  BnRegressionCalibrator *self = BN_REGRESSION_CALIBRATOR (object);
  g_free (self->location);
  g_free (self->platform);
  g_free (self->implementation);
  g_free (self->output);
  g_free (self->pair_metric);
  g_clear_pointer (&self->all, g_ptr_array_unref);
  G_OBJECT_CLASS (bn_regression_calibrator_parent_class)->finalize (object);
}

static void
bn_regression_calibrator_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnRegressionCalibrator *self = BN_REGRESSION_CALIBRATOR (object);
  switch (id) {
  case PROP_LOCATION: g_value_set_string (value, self->location); break;
  case PROP_PLATFORM: g_value_set_string (value, self->platform); break;
  case PROP_IMPLEMENTATION: g_value_set_string (value, self->implementation); break;
  case PROP_OUTPUT: g_value_set_string (value, self->output); break;
  case PROP_RUNS: g_value_set_uint (value, self->runs); break;
  case PROP_CONFIDENCE: g_value_set_double (value, self->confidence); break;
  case PROP_MIN_CPU_SHARE: g_value_set_double (value, self->min_cpu_share); break;
  case PROP_SILENT: g_value_set_boolean (value, self->silent); break;
  case PROP_STORE: g_value_set_boolean (value, self->store); break;
  case PROP_LOCK_TIMEOUT: g_value_set_uint (value, self->lock_timeout); break;
  case PROP_PAIR_METRIC: g_value_set_string (value, self->pair_metric); break;
  case PROP_MIN_PAIRS: g_value_set_uint (value, self->min_pairs); break;
  case PROP_MAX_PAIRS: g_value_set_uint (value, self->max_pairs); break;
  case PROP_LOOK_EVERY: g_value_set_uint (value, self->look_every); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
set_string (char **slot, const GValue *value)
{
  g_free (*slot);
  *slot = g_value_dup_string (value);
}

static void
bn_regression_calibrator_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnRegressionCalibrator *self = BN_REGRESSION_CALIBRATOR (object);
  switch (id) {
  case PROP_LOCATION: set_string (&self->location, value); break;
  case PROP_PLATFORM: set_string (&self->platform, value); break;
  case PROP_IMPLEMENTATION: set_string (&self->implementation, value); break;
  case PROP_OUTPUT: set_string (&self->output, value); break;
  case PROP_RUNS: self->runs = g_value_get_uint (value); break;
  case PROP_CONFIDENCE: self->confidence = g_value_get_double (value); break;
  case PROP_MIN_CPU_SHARE: self->min_cpu_share = g_value_get_double (value); break;
  case PROP_SILENT: self->silent = g_value_get_boolean (value); break;
  case PROP_STORE: self->store = g_value_get_boolean (value); break;
  case PROP_LOCK_TIMEOUT: self->lock_timeout = g_value_get_uint (value); break;
  case PROP_PAIR_METRIC: set_string (&self->pair_metric, value); break;
  case PROP_MIN_PAIRS: self->min_pairs = g_value_get_uint (value); break;
  case PROP_MAX_PAIRS: self->max_pairs = g_value_get_uint (value); break;
  case PROP_LOOK_EVERY: self->look_every = g_value_get_uint (value); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static gboolean
bn_regression_calibrator_start (BnElement *element, GError **error)
{
  BnRegressionCalibrator *self = BN_REGRESSION_CALIBRATOR (element);
  g_clear_pointer (&self->all, g_ptr_array_unref);
  self->all = g_ptr_array_new_with_free_func (g_object_unref);
  if (!self->location || !*self->location || !self->implementation || !*self->implementation) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("regression-calibrator needs location=FILE (the baselines file) and implementation=NAME"));
    return FALSE;
  }
  self->metric = G_N_ELEMENTS (pair_metrics);
  for (guint i = 0; i < G_N_ELEMENTS (pair_metrics); i++)
    if (!g_strcmp0 (self->pair_metric, pair_metrics[i]))
      self->metric = i;
  if (self->metric == G_N_ELEMENTS (pair_metrics)) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("regression-calibrator pair-metric=%s: expected decode, p50, p10 or min"),
                 self->pair_metric ? self->pair_metric : "");
    return FALSE;
  }
  /* below this the analyzer calls every block INCONCLUSIVE: the rows would
   * measure nothing (tried: runs=5 at 95% gave 0 alarms and 0 detections in
   * 2000 runs of the 2b fixture) */
  gsize need_runs = bn_stats_median_ci_min_n (self->confidence);
  if (self->runs < need_runs) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("regression-calibrator runs=%u: an interval at %.0f%% confidence needs at least %u runs per "
                    "side, so every comparison would be INCONCLUSIVE"),
                 self->runs, 100 * self->confidence, (guint) need_runs);
    return FALSE;
  }
  if (self->min_pairs > self->max_pairs) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("regression-calibrator min-pairs=%u is above max-pairs=%u"), self->min_pairs, self->max_pairs);
    return FALSE;
  }
  /* compare-builds.py's looks: at min-pairs, every look-every pairs, and at
   * max-pairs; each at the confidence divided among them (Bonferroni) */
  self->n_looks = (self->max_pairs - self->min_pairs) / self->look_every + 1;
  if ((self->max_pairs - self->min_pairs) % self->look_every)
    self->n_looks++;
  self->pair_level = 1 - (1 - self->confidence) / self->n_looks;
  gsize need = bn_stats_median_ci_min_n (self->pair_level);
  if (self->min_pairs < need) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("regression-calibrator min-pairs=%u: %u looks at %.0f%% overall confidence need %.4f per look, "
                    "which needs at least %u pairs"),
                 self->min_pairs, self->n_looks, 100 * self->confidence, self->pair_level, (guint) need);
    return FALSE;
  }
  /* the thresholds the gate will apply: the file's, else the defaults; a
   * corrupt file is found before anything is measured */
  bn_thresholds_init_defaults (&self->thresholds);
  if (g_file_test (self->location, G_FILE_TEST_EXISTS)) {
    g_autoptr (JsonObject) file = bn_baselines_load (self->location, error);
    if (!file)
      return FALSE;
    bn_thresholds_read (&self->thresholds, file);
  }
  return TRUE;
}

static BnFlowReturn
bn_regression_calibrator_chain (BnElement *element, BnPad *pad, BnItem *item)
{
  BnRegressionCalibrator *self = BN_REGRESSION_CALIBRATOR (element);
  if (!BN_IS_RECORD (item) || g_strcmp0 (bn_caps_get_media_type (bn_item_get_caps (item), 0), BN_RUN_MEDIA_TYPE)) {
    g_object_unref (item);
    return BN_FLOW_OK;
  }
  g_autoptr (GError) error = NULL;
  if (!bn_run_check_types (BN_RECORD (item), &error) || !bn_run_check_real (BN_RECORD (item), self->all->len, &error)) {
    g_object_unref (item);
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  g_ptr_array_add (self->all, item);
  return BN_FLOW_OK;
}

static double
slowdown_of (BnRecord *run)
{
  return bn_run_record_get_double (run, BN_RUN_FIELD_INJECTED_SLOWDOWN, 0);
}

/* ---- judging blocks ------------------------------------------------------------- */

/* one row of the table; seconds and pairs are sums over its comparisons */
typedef struct {
  guint comparisons, alarms, inconclusive, stable_or_better, naive, overturned;
  double seconds;
  guint pairs;
} Tally;

/* the run's own wall time (total_time_ms), 0 when it did not record it */
static double
seconds_of (BnRecord *run)
{
  double ms = bn_run_record_get_double (run, BN_RUN_FIELD_TOTAL_TIME_MS, NAN);
  return isfinite (ms) && ms > 0 ? ms / 1000 : 0;
}

static double
seconds_of_block (GPtrArray *all, const guint *index, guint n)
{
  double t = 0;
  for (guint i = 0; i < n; i++)
    t += seconds_of (all->pdata[index[i]]);
  return t;
}

static GPtrArray *
pick (GPtrArray *all, const guint *index, guint n)
{
  GPtrArray *runs = g_ptr_array_new ();
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (runs, all->pdata[index[i]]);
  return runs;
}

static const BnMetricResult *
result_of (BnAnalysis *a, BnMetric m)
{
  for (guint i = 0; i < a->results->len; i++)
    if (g_array_index (a->results, BnMetricResult, i).metric == m)
      return &g_array_index (a->results, BnMetricResult, i);
  return NULL;
}

static gboolean
is_alarm (BnLevel l)
{
  return l == BN_LEVEL_WARNING || l == BN_LEVEL_CRITICAL;
}

/* The seed's rule: the median moved past the warning threshold. */
static gboolean
naive_alarm (BnAnalysis *a, const BnThresholds *t)
{
  const BnMetricResult *tp = result_of (a, BN_METRIC_THROUGHPUT), *lat = result_of (a, BN_METRIC_LATENCY_P50);
  return (tp && isfinite (tp->change) && -tp->change > t->warning[BN_LIMIT_THROUGHPUT])
         || (lat && isfinite (lat->change) && lat->change > t->warning[BN_LIMIT_LATENCY]);
}

/* the token-latency statistics the analyzer offers (latency-statistic=) */
static const BnMetric statistics[] = { BN_METRIC_LATENCY_P50, BN_METRIC_LATENCY_P10, BN_METRIC_LATENCY_MIN };
static const char *const statistic_names[] = { "p50", "p10", "min" };
#define N_STATISTICS G_N_ELEMENTS (statistics)

/* one verdict counted into @t */
static void
count_level (Tally *t, BnLevel l)
{
  t->comparisons++;
  t->alarms += is_alarm (l);
  t->inconclusive += l == BN_LEVEL_INCONCLUSIVE;
  t->stable_or_better += l == BN_LEVEL_STABLE || l == BN_LEVEL_IMPROVEMENT;
}

/* counts the token-latency row of @a in @t */
static void
count_statistic (BnAnalysis *a, BnMetric m, Tally *t)
{
  const BnMetricResult *r = result_of (a, m);
  count_level (t, r ? r->level : BN_LEVEL_NO_BASELINE);
}

/* the more severe of two levels (alarms first, then INCONCLUSIVE) */
static BnLevel
worse (BnLevel a, BnLevel b)
{
  static const BnLevel order[] = { BN_LEVEL_CRITICAL, BN_LEVEL_WARNING, BN_LEVEL_INCONCLUSIVE };
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (a == order[i] || b == order[i])
      return order[i];
  return a == BN_LEVEL_STABLE || b == BN_LEVEL_STABLE ? BN_LEVEL_STABLE : a;
}

/* Judges @current against @baseline (indexes into self->all) and counts.
 * A/A counts any alarm (what CI would report); a detection counts an alarm
 * on the decode metrics, which the injected slowdown moves. @per_statistic
 * (N_STATISTICS tallies) counts the token-latency row alone, once per
 * statistic, on the same blocks. @verdict gets the level counted (A/A: the
 * analysis' status when it alarms, else the decode row; a detection: the
 * worse of the two decode rows). The runs' own time is added to the tally
 * (the candidate block alone when the baseline is a @stored one). */
static gboolean
judge (BnRegressionCalibrator *self, const guint *baseline, const guint *current, gboolean detection, gboolean stored,
       Tally *t, Tally *per_statistic, BnLevel *verdict, GError **error)
{
  g_autoptr (GPtrArray) b = pick (self->all, baseline, self->runs);
  g_autoptr (GPtrArray) c = pick (self->all, current, self->runs);
  g_autoptr (JsonObject) be = bn_baseline_entry_from_runs (b, error);
  g_autoptr (JsonObject) ce = be ? bn_baseline_entry_from_runs (c, error) : NULL;
  if (!ce)
    return FALSE;
  g_autofree char *here = bn_machine_platform ();
  BnAnalysisOptions opt = {
    .mode = "side-by-side",
    .platform = here,
    .current_platform = here,
    .implementation = self->implementation,
    .thresholds_source = self->location,
    .thresholds = self->thresholds,
    .confidence = self->confidence,
    .skip_memory = TRUE,
    .min_cpu_share = self->min_cpu_share,
  };
  g_autoptr (BnAnalysis) a = bn_analysis_run (&opt, be, ce);
  const BnMetricResult *tp = result_of (a, BN_METRIC_THROUGHPUT), *lat = result_of (a, BN_METRIC_LATENCY_P50);
  BnLevel decode = tp ? tp->level : BN_LEVEL_NO_BASELINE;
  BnLevel token = lat ? lat->level : BN_LEVEL_NO_BASELINE;
  gboolean alarm = detection ? is_alarm (decode) || is_alarm (token) : is_alarm (a->status);
  t->comparisons++;
  t->alarms += alarm;
  t->inconclusive += !alarm && (decode == BN_LEVEL_INCONCLUSIVE || token == BN_LEVEL_INCONCLUSIVE);
  t->stable_or_better += decode == BN_LEVEL_STABLE || decode == BN_LEVEL_IMPROVEMENT;
  t->naive += naive_alarm (a, &self->thresholds);
  t->seconds += seconds_of_block (self->all, current, self->runs)
                + (stored ? 0 : seconds_of_block (self->all, baseline, self->runs));
  if (verdict) /* an A/A alarm is any alarm; otherwise its decode row, as counted above */
    *verdict = detection ? worse (decode, token) : is_alarm (a->status) ? a->status : decode;
  for (guint k = 0; per_statistic && k < N_STATISTICS; k++) {
    if (statistics[k] == BN_METRIC_LATENCY_P50) {
      count_statistic (a, statistics[k], &per_statistic[k]);
      continue;
    }
    opt.latency_metric = statistics[k];
    g_autoptr (BnAnalysis) other = bn_analysis_run (&opt, be, ce);
    count_statistic (other, statistics[k], &per_statistic[k]);
  }
  return TRUE;
}

/* ---- interleaved pairs, compare-builds.py's rule -------------------------------- */

/* two runs measured next to each other: a baseline and a candidate */
typedef struct {
  guint base, candidate;
} Pair;

/* compare-builds.py's verdict on an interval [lo, hi] of the change in
 * percent, with the latency thresholds or the throughput ones */
static BnLevel
pair_level (BnRegressionCalibrator *self, double lo, double hi)
{
  gboolean higher = pair_figures[self->metric] == BN_METRIC_THROUGHPUT;
  BnLimit limit = higher ? BN_LIMIT_THROUGHPUT : BN_LIMIT_LATENCY;
  double warning = self->thresholds.warning[limit], critical = self->thresholds.critical[limit];
  return higher ? bn_level_of_interval (-hi, -lo, warning, critical) : bn_level_of_interval (lo, hi, warning, critical);
}

/* One sequential comparison over the pairs @p (at most max-pairs of
 * @avail): looks at min-pairs, every look-every pairs and at max-pairs, and
 * stops at the first look that settles. Adds the pairs and the runs' time
 * to @t's sums, not to its counts; @used (nullable) gets the pairs it took. */
static BnLevel
pairs_verdict (BnRegressionCalibrator *self, const Pair *p, guint avail, Tally *t, guint *used)
{
  guint budget = MIN (avail, self->max_pairs);
  g_autofree double *b = g_new (double, MAX (budget, 1));
  g_autofree double *c = g_new (double, MAX (budget, 1));
  BnLevel verdict = BN_LEVEL_INCONCLUSIVE;
  for (guint n = 1; n <= budget; n++) {
    if (used)
      *used = n;
    b[n - 1] = bn_run_figure (self->all->pdata[p[n - 1].base], pair_figures[self->metric]);
    c[n - 1] = bn_run_figure (self->all->pdata[p[n - 1].candidate], pair_figures[self->metric]);
    t->pairs++;
    t->seconds += seconds_of (self->all->pdata[p[n - 1].base]) + seconds_of (self->all->pdata[p[n - 1].candidate]);
    gboolean look = n >= self->min_pairs && ((n - self->min_pairs) % self->look_every == 0 || n == self->max_pairs);
    double ratio, lo, hi;
    if (!look)
      continue;
    if (!bn_stats_paired_ratio (b, c, n, self->pair_level, &ratio, &lo, &hi))
      return BN_LEVEL_INCONCLUSIVE; /* a figure missing or not positive */
    verdict = pair_level (self, 100 * (lo - 1), 100 * (hi - 1));
    if (verdict != BN_LEVEL_INCONCLUSIVE)
      break;
  }
  return verdict;
}

/* Consecutive sequential comparisons over @pairs, each with a full budget
 * of max-pairs ahead of it, counted into @t. */
static void
pairs_tally (BnRegressionCalibrator *self, GArray *pairs, Tally *t)
{
  guint used;
  for (guint at = 0; at + self->max_pairs <= pairs->len; at += used)
    count_level (t, pairs_verdict (self, &g_array_index (pairs, Pair, at), pairs->len - at, t, &used));
}

/* A stored comparison's @stored verdict, confirmed as
 * detect-performance-regression.py --confirm-with does: an alarm is
 * re-measured on the interleaved pairs measured after it (from @from; near
 * the end of the data, the last max-pairs pairs) and stands only if they
 * raise one too (the milder of the two); otherwise their verdict is final. */
static void
confirm (BnRegressionCalibrator *self, BnLevel stored, double seconds, GArray *pairs, guint from, Tally *t)
{
  BnLevel final = stored;
  t->seconds += seconds;
  if (is_alarm (stored) && pairs->len) {
    if (from + self->max_pairs > pairs->len)
      from = pairs->len > self->max_pairs ? pairs->len - self->max_pairs : 0;
    BnLevel again = pairs_verdict (self, &g_array_index (pairs, Pair, from), pairs->len - from, t, NULL);
    final = !is_alarm (again) ? again : (again == BN_LEVEL_WARNING ? again : stored);
    t->overturned += !is_alarm (again);
  }
  count_level (t, final);
}

/* A/A pairs: consecutive unslowed runs, the first the baseline in every
 * other pair (ABBA). Detection pairs: each run slowed by @s with the
 * unslowed run just before it or, in every other pair, just after it. */
static GArray *
make_pairs (BnRegressionCalibrator *self, GArray *plain, double s)
{
  GArray *pairs = g_array_new (FALSE, FALSE, sizeof (Pair));
  if (s == 0) {
    for (guint k = 0; 2 * k + 1 < plain->len; k++) {
      guint x = g_array_index (plain, guint, 2 * k), y = g_array_index (plain, guint, 2 * k + 1);
      Pair q = { k % 2 ? y : x, k % 2 ? x : y };
      g_array_append_val (pairs, q);
    }
    return pairs;
  }
  guint j = 0;
  for (guint i = 0; i < self->all->len; i++) {
    if (slowdown_of (self->all->pdata[i]) != s)
      continue;
    gboolean prev = i > 0 && slowdown_of (self->all->pdata[i - 1]) == 0;
    gboolean next = i + 1 < self->all->len && slowdown_of (self->all->pdata[i + 1]) == 0;
    if (!prev && !next)
      continue;
    Pair q = { (j % 2 == 0 && prev) || !next ? i - 1 : i + 1, i };
    g_array_append_val (pairs, q);
    j++;
  }
  return pairs;
}

static JsonObject *statistics_json (const Tally *per_statistic, const char *alarms_name);

static JsonObject *
tally_json (const Tally *t, const char *alarms_name)
{
  JsonObject *o = json_object_new ();
  json_object_set_int_member (o, "comparisons", t->comparisons);
  json_object_set_int_member (o, alarms_name, t->alarms);
  json_object_set_double_member (o, "rate", t->comparisons ? (double) t->alarms / t->comparisons : 0);
  json_object_set_int_member (o, "inconclusive", t->inconclusive);
  json_object_set_int_member (o, "called_stable_or_improvement", t->stable_or_better);
  json_object_set_int_member (o, "seed_rule", t->naive);
  json_object_set_double_member (o, "seconds_to_verdict", t->comparisons ? t->seconds / t->comparisons : 0);
  if (t->pairs)
    json_object_set_double_member (o, "pairs_to_verdict", (double) t->pairs / t->comparisons);
  if (t->overturned)
    json_object_set_int_member (o, "not_confirmed", t->overturned);
  return o;
}

static JsonObject *
statistics_json (const Tally *per_statistic, const char *alarms_name)
{
  JsonObject *o = json_object_new ();
  for (guint k = 0; k < N_STATISTICS; k++)
    json_object_set_object_member (o, statistic_names[k], tally_json (&per_statistic[k], alarms_name));
  return o;
}

/* ---- noise and power ------------------------------------------------------------ */

/* median and robust coefficient of variation of @field over @runs */
static JsonObject *
noise_json (BnRegressionCalibrator *self, GArray *runs, BnRunField field, double *cv)
{
  g_autoptr (GArray) v = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < runs->len; i++) {
    double x = bn_run_record_get_double (self->all->pdata[g_array_index (runs, guint, i)], field, NAN);
    if (isfinite (x))
      g_array_append_val (v, x);
  }
  *cv = NAN;
  if (!v->len)
    return NULL; /* not recorded by these runs */
  double med = bn_stats_median ((double *) v->data, v->len);
  for (guint i = 0; i < v->len; i++)
    g_array_index (v, double, i) = fabs (g_array_index (v, double, i) - med);
  double mad = bn_stats_median ((double *) v->data, v->len);
  *cv = med > 0 ? 1.4826 * mad / med : NAN;
  JsonObject *o = json_object_new ();
  json_object_set_double_member (o, "median", med);
  json_object_set_double_member (o, "cv_percent", 100 * *cv);
  return o;
}

/* Runs per side for 90% power to flag a @slowdown (0.1: steps 10% longer)
 * as a throughput WARNING: the interval of the log ratio of medians must
 * clear the warning threshold. Normal approximation, per-run noise @cv on
 * the log scale, the median's efficiency 2/pi: n = pi cv^2 ((z_a + z_b) /
 * (ln (1 + s) + ln (1 - w)))^2. 0 when no run count can (s within w). */
static guint
runs_for_power (double cv, double slowdown, double warning_percent, double confidence)
{
  double margin = log1p (slowdown) + log1p (-warning_percent / 100);
  if (margin <= 0 || !isfinite (cv))
    return 0;
  double z = bn_stats_norm_quantile (1 - (1 - confidence) / 2) + bn_stats_norm_quantile (0.9);
  double n = G_PI * cv * cv * (z / margin) * (z / margin);
  return (guint) MAX (ceil (n), 2);
}

/* ---- the calibration ------------------------------------------------------------ */

/* the @n unslowed runs nearest (in arrival order) to @center */
static void
nearest (GArray *plain, double center, guint n, guint *out)
{
  guint len = plain->len, lo = 0;
  while (lo < len && g_array_index (plain, guint, lo) < center)
    lo++;
  /* take n consecutive entries around lo */
  guint start = lo >= n / 2 ? lo - n / 2 : 0;
  if (start + n > len)
    start = len - n;
  for (guint i = 0; i < n; i++)
    out[i] = g_array_index (plain, guint, start + i);
}

/* Blocks of runs slowed by @s against the unslowed runs among them and
 * just before them. */
static JsonObject *
detect (BnRegressionCalibrator *self, GArray *plain, double s, double cv_tp, guint *detected, GError **error)
{
  guint n = self->runs;
  g_autofree guint *ref = g_new (guint, n);
  g_autoptr (GArray) slowed = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < self->all->len; i++)
    if (slowdown_of (self->all->pdata[i]) == s)
      g_array_append_val (slowed, i);
  Tally inter = { 0 }, before = { 0 }, confirmed = { 0 }, paired = { 0 }, stat[N_STATISTICS] = { { 0 } };
  g_autoptr (GArray) pairs = make_pairs (self, plain, s);
  for (guint j = 0; (j + 1) * n <= slowed->len; j++) {
    const guint *block = &g_array_index (slowed, guint, j * n);
    nearest (plain, (block[0] + block[n - 1]) / 2.0, n, ref);
    if (!judge (self, ref, block, TRUE, FALSE, &inter, stat, NULL, error))
      return NULL;
    /* the n unslowed runs measured just before the block */
    guint m = 0;
    while (m < plain->len && g_array_index (plain, guint, m) < block[0])
      m++;
    BnLevel v;
    if (m < n)
      continue;
    if (!judge (self, &g_array_index (plain, guint, m - n), block, TRUE, TRUE, &before, NULL, &v, error))
      return NULL;
    confirm (self, v, seconds_of_block (self->all, block, n), pairs, (j + 1) * n, &confirmed);
  }
  pairs_tally (self, pairs, &paired);
  JsonObject *d = json_object_new ();
  json_object_set_double_member (d, "slowdown_percent", 100 * s);
  json_object_set_object_member (d, "interleaved", tally_json (&inter, "detected"));
  json_object_set_object_member (d, "preceding", tally_json (&before, "detected"));
  json_object_set_object_member (d, "preceding_confirmed", tally_json (&confirmed, "detected"));
  json_object_set_object_member (d, "pairs", tally_json (&paired, "detected"));
  json_object_set_object_member (d, "latency_statistics", statistics_json (stat, "detected"));
  for (guint k = 0; k < N_STATISTICS; k++)
    detected[k] += stat[k].alarms;
  json_object_set_int_member (
      d, "runs_for_90_percent_power",
      runs_for_power (cv_tp, s, self->thresholds.warning[BN_LIMIT_THROUGHPUT], self->confidence));
  return d;
}

static JsonObject *
calibrate (BnRegressionCalibrator *self, GError **error)
{
  guint n = self->runs;
  g_autoptr (GArray) plain = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) sizes = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < self->all->len; i++) {
    double s = slowdown_of (self->all->pdata[i]);
    gboolean known = s == 0;
    for (guint k = 0; k < sizes->len && !known; k++)
      known = g_array_index (sizes, double, k) == s;
    if (!known)
      g_array_append_val (sizes, s);
    if (s == 0)
      g_array_append_val (plain, i);
  }
  if (plain->len < 2 * n) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED,
                 _("regression-calibrator received %u unslowed runs; one A/A comparison needs 2 x runs=%u: run "
                    "more iterations"),
                 plain->len, n);
    return NULL;
  }

  /* A/A: consecutive blocks */
  Tally aa = { 0 }, aa_confirmed = { 0 }, aa_paired = { 0 }, aa_stat[N_STATISTICS] = { { 0 } };
  g_autoptr (GArray) aa_pairs = make_pairs (self, plain, 0);
  for (guint k = 0; (2 * k + 2) * n <= plain->len; k++) {
    const guint *current = &g_array_index (plain, guint, (2 * k + 1) * n);
    BnLevel v;
    if (!judge (self, &g_array_index (plain, guint, 2 * k * n), current, FALSE, TRUE, &aa, aa_stat, &v, error))
      return NULL;
    /* the first pair of unslowed runs measured after the current block */
    confirm (self, v, seconds_of_block (self->all, current, n), aa_pairs, (k + 1) * n, &aa_confirmed);
  }
  pairs_tally (self, aa_pairs, &aa_paired);

  double cv_tp, cv_lat;
  JsonObject *noise = json_object_new ();
  static const BnRunField noisy[] = { BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, BN_RUN_FIELD_LATENCY_P50_MS };
  double *cvs[] = { &cv_tp, &cv_lat };
  for (guint i = 0; i < G_N_ELEMENTS (noisy); i++) {
    JsonObject *f = noise_json (self, plain, noisy[i], cvs[i]);
    if (f)
      json_object_set_object_member (noise, bn_run_field_name (noisy[i]), f);
  }

  JsonArray *detection = json_array_new ();
  guint detected[N_STATISTICS] = { 0 };
  for (guint k = 0; k < sizes->len; k++) {
    JsonObject *d = detect (self, plain, g_array_index (sizes, double, k), cv_tp, detected, error);
    if (!d) {
      json_array_unref (detection);
      json_object_unref (noise);
      return NULL;
    }
    json_array_add_object_element (detection, d);
  }

  JsonObject *o = json_object_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  json_object_set_string_member (o, "date", date);
  json_object_set_int_member (o, "runs_per_side", n);
  json_object_set_int_member (o, "runs", self->all->len);
  json_object_set_double_member (o, "confidence", self->confidence);
  json_object_set_double_member (o, "min_cpu_share", self->min_cpu_share);
  json_object_set_object_member (o, "thresholds", bn_thresholds_to_json (&self->thresholds));
  BnRecord *first = self->all->pdata[0];
  static const BnRunField config[] = { BN_RUN_FIELD_MODEL_FINGERPRINT, BN_RUN_FIELD_THREADS,
                                       BN_RUN_FIELD_TOKENS_REQUESTED, BN_RUN_FIELD_PROMPT_TOKENS };
  JsonObject *c = json_object_new ();
  JsonObject *fo = bn_record_get_object (first);
  for (guint i = 0; i < G_N_ELEMENTS (config); i++) {
    const char *name = bn_run_field_name (config[i]);
    if (json_object_has_member (fo, name))
      json_object_set_member (c, name, json_node_copy (json_object_get_member (fo, name)));
  }
  json_object_set_object_member (o, "configuration", c);
  json_object_set_object_member (o, "noise", noise);
  json_object_set_object_member (o, "false_alarms", tally_json (&aa, "alarms"));
  json_object_set_object_member (o, "false_alarms_confirmed", tally_json (&aa_confirmed, "alarms"));
  json_object_set_object_member (o, "false_alarms_pairs", tally_json (&aa_paired, "alarms"));
  JsonObject *pj = json_object_new ();
  json_object_set_string_member (pj, "metric", pair_metrics[self->metric]);
  json_object_set_int_member (pj, "min_pairs", self->min_pairs);
  json_object_set_int_member (pj, "max_pairs", self->max_pairs);
  json_object_set_int_member (pj, "look_every", self->look_every);
  json_object_set_int_member (pj, "looks", self->n_looks);
  json_object_set_double_member (pj, "level_per_look", self->pair_level);
  json_object_set_object_member (o, "pairs", pj);
  json_object_set_array_member (o, "detection", detection);
  /* the statistic with the fewest false alarms, then the most detections */
  guint best = 0;
  for (guint k = 1; k < N_STATISTICS; k++)
    if (aa_stat[k].alarms < aa_stat[best].alarms
        || (aa_stat[k].alarms == aa_stat[best].alarms && detected[k] > detected[best]))
      best = k;
  json_object_set_object_member (o, "latency_statistics", statistics_json (aa_stat, "alarms"));
  json_object_set_string_member (o, "recommended_latency_statistic", statistic_names[best]);
  return o;
}

/* ---- output --------------------------------------------------------------------- */

/* one row of the table; @seed: the row judged blocks, so the seed's rule applies */
static void
append_row (GString *s, const char *label, JsonObject *t, const char *count, gboolean seed)
{
  if (!t)
    return;
  g_autofree char *naive = seed ? g_strdup_printf ("%u", (guint) bn_json_int_or (t, "seed_rule", 0)) : g_strdup ("-");
  g_string_append_printf (s, "%-40s %5u / %-3u %6.1f%% %7u %6u %9s %10.2f\n", label,
                          (guint) bn_json_int_or (t, count, 0), (guint) bn_json_int_or (t, "comparisons", 0),
                          100 * bn_json_double_or (t, "rate", 0), (guint) bn_json_int_or (t, "inconclusive", 0),
                          (guint) bn_json_int_or (t, "called_stable_or_improvement", 0), naive,
                          bn_json_double_or (t, "seconds_to_verdict", 0));
}

static char *
calibration_text (JsonObject *o, const char *platform, const char *implementation)
{
  GString *s = g_string_new (NULL);
  JsonObject *noise = bn_json_object_or (o, "noise");
  JsonObject *tp = noise ? bn_json_object_or (noise, "decode_tokens_per_second") : NULL;
  JsonObject *lat = noise ? bn_json_object_or (noise, "latency_p50_ms") : NULL;
  guint n = bn_json_int_or (o, "runs_per_side", 0);
  g_string_append_printf (s, _("Calibration of the regression gate: %s on %s, %u runs per side (%u runs in all)\n"),
                          implementation, platform, n, (guint) bn_json_int_or (o, "runs", 0));
  g_string_append_printf (
      s, _("Noise of the unslowed runs: decode %.2f tok/s (CV %.2f%%), token p50 %.4f ms (CV %.2f%%)\n"),
      bn_json_double_or (tp, "median", NAN), bn_json_double_or (tp, "cv_percent", NAN),
      bn_json_double_or (lat, "median", NAN), bn_json_double_or (lat, "cv_percent", NAN));
  JsonObject *th = bn_json_object_or (o, "thresholds");
  JsonObject *w = th ? bn_json_object_or (th, "warning") : NULL, *c = th ? bn_json_object_or (th, "critical") : NULL;
  g_string_append_printf (s, _("Thresholds: decode -%g%% / -%g%%, token latency +%g%% / +%g%% (warning / critical)\n"),
                          bn_json_double_or (w, "throughput_decrease_percent", NAN),
                          bn_json_double_or (c, "throughput_decrease_percent", NAN),
                          bn_json_double_or (w, "latency_increase_percent", NAN),
                          bn_json_double_or (c, "latency_increase_percent", NAN));
  JsonObject *pj = bn_json_object_or (o, "pairs");
  if (pj)
    g_string_append_printf (s,
                            _("Interleaved pairs (compare-builds.py's rule): %s, looks at %u pairs, then every %u up "
                               "to %u, each at %.4f (Bonferroni over %u looks)\n"),
                            bn_json_string_or (pj, "metric", "?"), (guint) bn_json_int_or (pj, "min_pairs", 0),
                            (guint) bn_json_int_or (pj, "look_every", 0), (guint) bn_json_int_or (pj, "max_pairs", 0),
                            bn_json_double_or (pj, "level_per_look", NAN), (guint) bn_json_int_or (pj, "looks", 0));
  g_string_append_printf (s, "%-40s %11s %7s %7s %6s %9s %10s\n", _("comparison"), _("alarms"), _("rate"),
                          _("incon."), _("stable"), _("seed rule"), _("s/verdict"));
  static const char *const aa_modes[] = { "false_alarms", "false_alarms_confirmed", "false_alarms_pairs" };
  const char *aa_labels[] = { _("A/A, stored before"), _("A/A, stored before, confirmed"),
                              _("A/A, interleaved pairs") };
  for (guint k = 0; k < G_N_ELEMENTS (aa_modes); k++)
    append_row (s, aa_labels[k], bn_json_object_or (o, aa_modes[k]), "alarms", k == 0);
  JsonArray *det = bn_json_array_or (o, "detection");
  for (guint i = 0; det && i < json_array_get_length (det); i++) {
    JsonObject *d = json_array_get_object_element (det, i);
    static const char *const modes[] = { "interleaved", "preceding", "preceding_confirmed", "pairs" };
    const char *labels[] = { _("%.0f%% slower, interleaved"), _("%.0f%% slower, stored before"),
                             _("%.0f%% slower, stored before, confirmed"), _("%.0f%% slower, interleaved pairs") };
    for (guint k = 0; k < G_N_ELEMENTS (modes); k++) {
      g_autofree char *label = g_strdup_printf (labels[k], bn_json_double_or (d, "slowdown_percent", NAN));
      append_row (s, label, bn_json_object_or (d, modes[k]), "detected", k < 2);
    }
    guint need = bn_json_int_or (d, "runs_for_90_percent_power", 0);
    if (need)
      g_string_append_printf (s, _("  %u runs per side would detect a %.0f%% slowdown with 90%% power here\n"), need,
                              bn_json_double_or (d, "slowdown_percent", NAN));
    else
      g_string_append_printf (s,
                              _("  a %.0f%% slowdown does not reach the warning threshold: no run count detects it\n"),
                              bn_json_double_or (d, "slowdown_percent", NAN));
  }
  /* the token-latency row alone, per statistic, on the same blocks */
  JsonObject *stats = bn_json_object_or (o, "latency_statistics");
  for (guint k = 0; stats && k < N_STATISTICS; k++) {
    JsonObject *t = bn_json_object_or (stats, statistic_names[k]);
    g_string_append_printf (s, _("token latency %s: false alarms %u / %u"), statistic_names[k],
                            (guint) bn_json_int_or (t, "alarms", 0), (guint) bn_json_int_or (t, "comparisons", 0));
    for (guint i = 0; det && i < json_array_get_length (det); i++) {
      JsonObject *d = json_array_get_object_element (det, i);
      JsonObject *dt = bn_json_object_or (bn_json_object_or (d, "latency_statistics"), statistic_names[k]);
      g_string_append_printf (s, _(", %.0f%% slower detected %u / %u"), bn_json_double_or (d, "slowdown_percent", NAN),
                              (guint) bn_json_int_or (dt, "detected", 0),
                              (guint) bn_json_int_or (dt, "comparisons", 0));
    }
    g_string_append_c (s, '\n');
  }
  if (stats)
    g_string_append_printf (s, _("Fewest false alarms, then most detections: latency-statistic=%s\n"),
                            bn_json_string_or (o, "recommended_latency_statistic", "?"));
  return g_string_free (s, FALSE);
}

/* Under the lock: reads the file again and merges @cal in. */
static gboolean
store (BnRegressionCalibrator *self, const char *platform, JsonObject *cal, GError **error)
{
  int lock = bn_file_lock (self->location, self->lock_timeout * 1000, error);
  if (lock < 0)
    return FALSE;
  g_autoptr (JsonObject) root = NULL;
  if (g_file_test (self->location, G_FILE_TEST_EXISTS)) {
    root = bn_baselines_load (self->location, error);
  } else {
    root = json_object_new ();
    json_object_set_string_member (root, "version", "1.0.0");
  }
  gboolean ok = root != NULL;
  if (ok) {
    JsonObject *all = bn_json_object_or (root, "calibration");
    if (!all) {
      all = json_object_new ();
      json_object_set_object_member (root, "calibration", all);
    }
    JsonObject *per = bn_json_object_or (all, platform);
    if (!per) {
      per = json_object_new ();
      json_object_set_object_member (all, platform, per);
    }
    json_object_set_object_member (per, self->implementation, json_object_ref (cal));
    ok = bn_baselines_save (self->location, root, error);
  }
  bn_file_unlock (lock);
  return ok;
}

static BnFlowReturn
bn_regression_calibrator_finish (BnElement *element)
{
  BnRegressionCalibrator *self = BN_REGRESSION_CALIBRATOR (element);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) cal = calibrate (self, &error);
  if (!cal) {
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  g_autofree char *here = bn_machine_platform ();
  const char *platform =
      !self->platform || !*self->platform || !strcmp (self->platform, "auto") ? here : self->platform;
  g_autofree char *text = calibration_text (cal, platform, self->implementation);
  if (self->output && *self->output && !bn_json_write_atomic (self->output, cal, &error)) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot write the calibration %s: %s"),
                      self->output, error->message);
    return BN_FLOW_ERROR;
  }
  if (self->store && !store (self, platform, cal, &error)) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                      _("Cannot store the calibration in the baselines file %s: %s"), self->location, error->message);
    return BN_FLOW_ERROR;
  }
  if (!self->silent) {
    fputs (text, stdout);
    fflush (stdout);
  }
  g_autofree char *info = g_strdup_printf (self->store ? _("calibration of %s on %s stored in %s")
                                                       : _("calibration of %s on %s (not stored)"),
                                           self->implementation, platform, self->location);
  bn_element_post_info (element, info);
  return BN_FLOW_OK;
}

static void
bn_regression_calibrator_class_init (BnRegressionCalibratorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bn_regression_calibrator_finalize;
  object_class->get_property = bn_regression_calibrator_get_property;
  object_class->set_property = bn_regression_calibrator_set_property;
  element_class->start = bn_regression_calibrator_start;
  element_class->chain = bn_regression_calibrator_chain;
  element_class->finish = bn_regression_calibrator_finish;

  props[PROP_LOCATION] = g_param_spec_string ("location", "Location",
                                              "Baselines file: its thresholds are calibrated, and the result is "
                                              "stored in it under calibration.PLATFORM.IMPLEMENTATION",
                                              "crossval/baselines.json", rw);
  props[PROP_PLATFORM] =
      g_param_spec_string ("platform", "Platform", "Platform key (auto: this machine's)", "auto", rw);
  props[PROP_IMPLEMENTATION] =
      g_param_spec_string ("implementation", "Implementation", "Implementation key", BN_BASELINES_IMPLEMENTATION, rw);
  props[PROP_OUTPUT] =
      g_param_spec_string ("output", "Output", "Also write the calibration as JSON to this file", NULL, rw);
  props[PROP_RUNS] = g_param_spec_uint ("runs", "Runs per side",
                                        "Runs on each side of a comparison: the count the gate will use (a "
                                        "baseline's iterations)",
                                        2, 1000, 10, rw);
  props[PROP_CONFIDENCE] = g_param_spec_double ("confidence", "Confidence",
                                                "Confidence level of the intervals, as "
                                                "regression-analyzer's",
                                                0.5, 0.999, 0.95, rw);
  props[PROP_MIN_CPU_SHARE] = g_param_spec_double ("min-cpu-share", "Minimum CPU share",
                                                   "As regression-analyzer's min-cpu-share", 0, 1, 0.9, rw);
  props[PROP_SILENT] = g_param_spec_boolean ("silent", "Silent", "Do not print the table", FALSE, rw);
  props[PROP_STORE] = g_param_spec_boolean ("store", "Store",
                                            "Store the calibration in the baselines file (false: only print and "
                                            "write output)",
                                            TRUE, rw);
  props[PROP_LOCK_TIMEOUT] =
      g_param_spec_uint ("lock-timeout", "Lock timeout",
                         "Seconds to wait for another writer's lock on the baselines file", 0, 3600, 60, rw);
  props[PROP_PAIR_METRIC] = g_param_spec_string ("pair-metric", "Pair metric",
                                                 "Figure of each run the interleaved pairs compare, as "
                                                 "compare-builds.py's --metric: decode (tok/s), or the run's p50, "
                                                 "p10 or min per-token latency",
                                                 "decode", rw);
  props[PROP_MIN_PAIRS] = g_param_spec_uint ("min-pairs", "Minimum pairs",
                                             "Pairs before the first look of the interleaved comparison, as "
                                             "compare-builds.py's --min-pairs",
                                             1, 10000, 10, rw);
  props[PROP_MAX_PAIRS] = g_param_spec_uint ("max-pairs", "Maximum pairs",
                                             "Budget of the interleaved comparison in pairs, as compare-builds.py's "
                                             "--max-pairs",
                                             1, 10000, 40, rw);
  props[PROP_LOOK_EVERY] = g_param_spec_uint ("look-every", "Look every",
                                              "Pairs between looks of the interleaved comparison, as "
                                              "compare-builds.py's --look-every",
                                              1, 10000, 5, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Regression gate calibrator", "Sink",
                                 "Measures the regression gate's false-alarm and detection rates on this machine "
                                 "from interleaved unslowed and injected-slowdown runs, and stores them in the "
                                 "baselines file",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "sink", BN_PAD_SINK, BN_PAD_ALWAYS, BN_RUN_MEDIA_TYPE);
}

static void
bn_regression_calibrator_init (BnRegressionCalibrator *self)
{
  self->location = g_strdup ("crossval/baselines.json");
  self->platform = g_strdup ("auto");
  self->implementation = g_strdup (BN_BASELINES_IMPLEMENTATION);
  self->runs = 10;
  self->confidence = 0.95;
  self->min_cpu_share = 0.9;
  self->store = TRUE;
  self->lock_timeout = 60;
  self->pair_metric = g_strdup ("decode");
  self->min_pairs = 10;
  self->max_pairs = 40;
  self->look_every = 5;
}
