/* gst-bitnet: regression-analyzer, compares runs with a baseline and gives a verdict
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-regression-elements.h"
#include "gst-bitnet/bench/bn-analysis-private.h"

#include <gst-bitnet/bench/bn-json-private.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

/**
 * SECTION:element-regression-analyzer
 * @title: regression-analyzer
 *
 * Compares measured runs (`bench/run`) with a baseline and says, metric by
 * metric, whether performance regressed: decode throughput, per-token
 * latency (each run's median, or with #BnRegressionAnalyzer:latency-statistic
 * its 10th percentile or minimum), first-token latency, peak memory and,
 * when a quantizer ran, accuracy. For each metric it computes the ratio of the current median to
 * the baseline median with a 95% confidence interval on log values, and
 * gives a verdict from where the whole interval lies:
 *
 * - CRITICAL / WARNING: wholly past the critical / warning threshold;
 * - IMPROVEMENT: wholly past the warning threshold on the good side;
 * - STABLE: wholly inside the warning band;
 * - INCONCLUSIVE: the interval straddles a bound, there are too few samples
 *   (6 per side at least), or the platform, model fingerprint or compute
 *   path differ (reported, never compared);
 * - NO_BASELINE: the baselines file has none for this platform and
 *   implementation, or does not exist (the report says how to make one).
 *
 * A baseline that keeps point values without their runs (the seed's
 * hand-written files) is compared one-sample: the interval of the current
 * median against the stored value, taken as exact; every report labels such
 * rows `one-sample`, since the baseline's own noise is unknown.
 *
 * Two modes. Against a file: link runs to the `sink` pad; the baseline is
 * `baselines.<platform>.<implementation>` of #BnRegressionAnalyzer:baselines
 * (for `gst-bitnet`, the seed's `rust_implementation` entry when the file has
 * no `gst-bitnet` one), whose `thresholds` block is used unless a threshold
 * property overrides it.
 * Side by side: link the runs of the reference to the `baseline` pad and
 * those of the candidate to the `candidate` pad, e.g. two kernel-executor
 * branches of one tee'd model, which cancels the drift of the machine
 * between a stored baseline and today (branches run one after the other,
 * not interleaved).
 *
 * The report (one table with a marker per level and the reason in words,
 * or JSON per docs/schemas/regression.schema.json) goes to
 * #BnRegressionAnalyzer:output or standard output. A `regression-verdict`
 * element message carries the overall verdict. With
 * #BnRegressionAnalyzer:fail-on-regression, a CRITICAL verdict posts a
 * #BN_REGRESSION_ERROR, so bn-launch exits with status 3. With
 * #BnRegressionAnalyzer:fail-on-inconclusive, so does a verdict that cannot
 * vouch for the candidate: INCONCLUSIVE (too few samples, an interval
 * straddling a bound, a mismatched baseline) or NO_BASELINE.
 * When the `src`
 * pad is linked, the current runs are forwarded and followed by a
 * `bench/verdict` record holding the JSON report (for report-sink).
 *
 * |[
 * bn-launch receipt-src location=ci/inference.json ! regression-analyzer fail-on-regression=true
 * ]|
 */

typedef enum { FORMAT_HUMAN, FORMAT_JSON } Format;
typedef enum { ROLE_SINK, ROLE_BASELINE, ROLE_CANDIDATE, N_ROLES } Role;
static const char *const role_pads[N_ROLES] = { "sink", "baseline", "candidate" };

static GType
format_get_type (void)
{
  static gsize id;
  static const GEnumValue v[] = {
    { FORMAT_HUMAN, "a table for people and CI logs", "human" },
    { FORMAT_JSON, "JSON (docs/schemas/regression.schema.json)", "json" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, g_enum_register_static ("BnRegressionFormat", v));
  return id;
}

static GType
latency_samples_get_type (void)
{
  static gsize id;
  static const GEnumValue v[] = {
    { 0, "the p50 of each run is one sample (honest: runs are the independent unit)", "per-run" },
    { 1, "every token is one sample (too narrow an interval; for demonstration)", "per-token" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, g_enum_register_static ("BnRegressionLatencySamples", v));
  return id;
}

/* the token-latency statistic compared, by property value */
static const BnMetric latency_metrics[] = { BN_METRIC_LATENCY_P50, BN_METRIC_LATENCY_P10, BN_METRIC_LATENCY_MIN };

static GType
latency_statistic_get_type (void)
{
  static gsize id;
  static const GEnumValue v[] = {
    { 0, "each run's median per-token latency", "p50" },
    { 1, "each run's 10th percentile: robust to additive, bursty noise (docs/regression.md)", "p10" },
    { 2, "each run's fastest token: the least disturbed, and the most sensitive to a lucky token", "min" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, g_enum_register_static ("BnRegressionLatencyStatistic", v));
  return id;
}

struct _BnRegressionAnalyzer {
  BnElement parent_instance;
  char *baselines, *platform, *implementation, *output;
  Format format;
  gboolean fail, fail_inconclusive, silent, compare_mismatched, per_token;
  guint latency_statistic; /* index into latency_metrics */
  double confidence, min_cpu_share;
  double critical[BN_N_LIMITS], warning[BN_N_LIMITS]; /* < 0: from the file or the defaults */

  GPtrArray *runs[N_ROLES];
  JsonObject *file; /* the baselines file, when read */
  BnThresholds thresholds;
  char *thresholds_source;
};

G_DEFINE_FINAL_TYPE (BnRegressionAnalyzer, bn_regression_analyzer, BN_TYPE_ELEMENT)

enum {
  PROP_0,
  PROP_BASELINES,
  PROP_PLATFORM,
  PROP_IMPLEMENTATION,
  PROP_FORMAT,
  PROP_OUTPUT,
  PROP_SILENT,
  PROP_FAIL,
  PROP_CONFIDENCE,
  PROP_COMPARE_MISMATCHED,
  PROP_LATENCY_SAMPLES,
  PROP_MIN_CPU_SHARE,
  PROP_CRIT_THROUGHPUT,
  PROP_WARN_THROUGHPUT,
  PROP_CRIT_LATENCY,
  PROP_WARN_LATENCY,
  PROP_CRIT_MEMORY,
  PROP_WARN_MEMORY,
  PROP_CRIT_ACCURACY,
  PROP_WARN_ACCURACY,
  PROP_FAIL_INCONCLUSIVE,
  PROP_LATENCY_STATISTIC,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

/* the threshold properties, in PROP_ order from PROP_CRIT_THROUGHPUT */
static double *
threshold_slot (BnRegressionAnalyzer *self, guint id)
{
  guint i = id - PROP_CRIT_THROUGHPUT;
  return i % 2 ? &self->warning[i / 2] : &self->critical[i / 2];
}

static void
bn_regression_analyzer_finalize (GObject *object)
{
  BnRegressionAnalyzer *self = BN_REGRESSION_ANALYZER (object);
  g_free (self->baselines);
  g_free (self->platform);
  g_free (self->implementation);
  g_free (self->output);
  g_free (self->thresholds_source);
  for (int r = 0; r < N_ROLES; r++)
    g_clear_pointer (&self->runs[r], g_ptr_array_unref);
  g_clear_pointer (&self->file, json_object_unref);
  G_OBJECT_CLASS (bn_regression_analyzer_parent_class)->finalize (object);
}

static void
bn_regression_analyzer_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnRegressionAnalyzer *self = BN_REGRESSION_ANALYZER (object);
  switch (id) {
  case PROP_BASELINES: g_value_set_string (value, self->baselines); break;
  case PROP_PLATFORM: g_value_set_string (value, self->platform); break;
  case PROP_IMPLEMENTATION: g_value_set_string (value, self->implementation); break;
  case PROP_FORMAT: g_value_set_enum (value, self->format); break;
  case PROP_OUTPUT: g_value_set_string (value, self->output); break;
  case PROP_SILENT: g_value_set_boolean (value, self->silent); break;
  case PROP_FAIL: g_value_set_boolean (value, self->fail); break;
  case PROP_FAIL_INCONCLUSIVE: g_value_set_boolean (value, self->fail_inconclusive); break;
  case PROP_CONFIDENCE: g_value_set_double (value, self->confidence); break;
  case PROP_COMPARE_MISMATCHED: g_value_set_boolean (value, self->compare_mismatched); break;
  case PROP_LATENCY_SAMPLES: g_value_set_enum (value, self->per_token); break;
  case PROP_MIN_CPU_SHARE: g_value_set_double (value, self->min_cpu_share); break;
  case PROP_LATENCY_STATISTIC: g_value_set_enum (value, self->latency_statistic); break;
  default:
    if (id >= PROP_CRIT_THROUGHPUT && id <= PROP_WARN_ACCURACY)
      g_value_set_double (value, *threshold_slot (self, id));
    else
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
set_string (char **slot, const GValue *value)
{
  g_free (*slot);
  *slot = g_value_dup_string (value);
}

static void
bn_regression_analyzer_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnRegressionAnalyzer *self = BN_REGRESSION_ANALYZER (object);
  switch (id) {
  case PROP_BASELINES: set_string (&self->baselines, value); break;
  case PROP_PLATFORM: set_string (&self->platform, value); break;
  case PROP_IMPLEMENTATION: set_string (&self->implementation, value); break;
  case PROP_FORMAT: self->format = g_value_get_enum (value); break;
  case PROP_OUTPUT: set_string (&self->output, value); break;
  case PROP_SILENT: self->silent = g_value_get_boolean (value); break;
  case PROP_FAIL: self->fail = g_value_get_boolean (value); break;
  case PROP_FAIL_INCONCLUSIVE: self->fail_inconclusive = g_value_get_boolean (value); break;
  case PROP_CONFIDENCE: self->confidence = g_value_get_double (value); break;
  case PROP_COMPARE_MISMATCHED: self->compare_mismatched = g_value_get_boolean (value); break;
  case PROP_LATENCY_SAMPLES: self->per_token = g_value_get_enum (value) != 0; break;
  case PROP_MIN_CPU_SHARE: self->min_cpu_share = g_value_get_double (value); break;
  case PROP_LATENCY_STATISTIC: self->latency_statistic = g_value_get_enum (value); break;
  default:
    if (id >= PROP_CRIT_THROUGHPUT && id <= PROP_WARN_ACCURACY)
      *threshold_slot (self, id) = g_value_get_double (value);
    else
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

/* `ra.baseline` and `ra.candidate` name their templates, whichever request
 * template the link picked first. */
static BnPad *
bn_regression_analyzer_request_new_pad (BnElement *element, BnPadTemplate *templ, const char *name, GError **error)
{
  if (name) {
    BnPadTemplate *t = bn_element_class_get_pad_template (BN_ELEMENT_GET_CLASS (element), name);
    if (t && bn_pad_template_get_direction (t) == bn_pad_template_get_direction (templ))
      templ = t;
  }
  return BN_ELEMENT_CLASS (bn_regression_analyzer_parent_class)->request_new_pad (element, templ, name, error);
}

static gboolean
side_by_side (BnRegressionAnalyzer *self)
{
  return bn_element_get_static_pad (BN_ELEMENT (self), "baseline") != NULL;
}

static gboolean
bn_regression_analyzer_start (BnElement *element, GError **error)
{
  BnRegressionAnalyzer *self = BN_REGRESSION_ANALYZER (element);
  gboolean sink = bn_element_get_static_pad (element, "sink") != NULL;
  gboolean base = bn_element_get_static_pad (element, "baseline") != NULL;
  gboolean cand = bn_element_get_static_pad (element, "candidate") != NULL;

  for (int r = 0; r < N_ROLES; r++) {
    g_clear_pointer (&self->runs[r], g_ptr_array_unref);
    self->runs[r] = g_ptr_array_new_with_free_func (g_object_unref);
  }
  g_clear_pointer (&self->file, json_object_unref);
  g_clear_pointer (&self->thresholds_source, g_free);

  if (sink && (base || cand)) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_GRAPH,
                 _("regression-analyzer compares either runs on its sink pad with a baselines file, or its baseline "
                    "pad with its candidate pad side by side; not both"));
    return FALSE;
  }
  if (base != cand) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_GRAPH,
                 _("regression-analyzer side by side needs both its baseline and candidate pads linked "
                    "(... ! ra.baseline  ... ! ra.candidate)"));
    return FALSE;
  }
  if (!sink && !base) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_NOT_LINKED,
                 _("regression-analyzer has no input: link runs to it (executor ! regression-analyzer)"));
    return FALSE;
  }
  if (!base && (!self->baselines || !*self->baselines)) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS, _("regression-analyzer needs baselines=FILE"));
    return FALSE;
  }

  if (self->per_token && self->latency_statistic) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("regression-analyzer: latency-samples=per-token pools every token, which has no per-run %s; "
                    "use latency-samples=per-run"),
                 bn_metric_info (latency_metrics[self->latency_statistic])->key);
    return FALSE;
  }

  /* thresholds: the seed's defaults, then the file's, then the properties */
  bn_thresholds_init_defaults (&self->thresholds);
  gboolean from_file = FALSE, overridden = FALSE;
  /* a missing file is no baseline at all: every verdict NO_BASELINE, saying
   * how to make one; an unreadable or malformed one is an error */
  if (self->baselines && *self->baselines && g_file_test (self->baselines, G_FILE_TEST_EXISTS)) {
    if (!(self->file = bn_baselines_load (self->baselines, error)))
      return FALSE;
    from_file = bn_thresholds_read (&self->thresholds, self->file);
  }
  for (int k = 0; k < BN_N_LIMITS; k++) {
    if (self->critical[k] >= 0) {
      self->thresholds.critical[k] = self->critical[k];
      overridden = TRUE;
    }
    if (self->warning[k] >= 0) {
      self->thresholds.warning[k] = self->warning[k];
      overridden = TRUE;
    }
  }
  if (!bn_thresholds_check (&self->thresholds, error))
    return FALSE;
  self->thresholds_source = g_strdup_printf ("%s%s", from_file ? self->baselines : _("the defaults"),
                                             overridden ? _(", overridden by properties") : "");
  return TRUE;
}

static BnFlowReturn
bn_regression_analyzer_chain (BnElement *element, BnPad *pad, BnItem *item)
{
  BnRegressionAnalyzer *self = BN_REGRESSION_ANALYZER (element);
  if (!BN_IS_RECORD (item) || g_strcmp0 (bn_caps_get_media_type (bn_item_get_caps (item), 0), BN_RUN_MEDIA_TYPE)) {
    g_object_unref (item);
    return BN_FLOW_OK;
  }
  g_autoptr (GError) error = NULL;
  if (!bn_run_check_types (BN_RECORD (item), &error) || !bn_run_check_real (BN_RECORD (item), 0, &error)) {
    g_object_unref (item);
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  Role role = ROLE_SINK;
  for (int r = 0; r < N_ROLES; r++)
    if (!strcmp (bn_pad_get_name (pad), role_pads[r]))
      role = r;
  g_ptr_array_add (self->runs[role], g_object_ref (item));
  if (role == ROLE_BASELINE) {
    g_object_unref (item);
    return BN_FLOW_OK;
  }
  /* the current runs go on to a report */
  return bn_element_push (element, item);
}

static gboolean
write_report (BnRegressionAnalyzer *self, BnAnalysis *a, JsonObject *json)
{
  g_autofree char *text = bn_analysis_to_text (a);
  g_autoptr (GError) error = NULL;
  gboolean to_file = self->output && *self->output;
  if (to_file
      && !(self->format == FORMAT_JSON ? bn_json_write_atomic (self->output, json, &error)
                                       : bn_write_text_atomically (self->output, text, &error))) {
    BN_ELEMENT_ERROR (self, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot write the regression report %s: %s"),
                      self->output, error->message);
    return FALSE;
  }
  if (self->silent)
    return TRUE;
  if (!to_file && self->format == FORMAT_JSON) {
    g_autoptr (JsonNode) n = json_node_new (JSON_NODE_OBJECT);
    json_node_set_object (n, json);
    g_autofree char *t = json_to_string (n, TRUE);
    printf ("%s\n", t);
  } else {
    fputs (text, stdout);
  }
  fflush (stdout);
  return TRUE;
}

static BnFlowReturn
bn_regression_analyzer_finish (BnElement *element)
{
  BnRegressionAnalyzer *self = BN_REGRESSION_ANALYZER (element);
  gboolean side = side_by_side (self);
  GPtrArray *current = self->runs[side ? ROLE_CANDIDATE : ROLE_SINK];
  g_autoptr (GError) error = NULL;

  if (!current->len || (side && !self->runs[ROLE_BASELINE]->len)) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_FAILED,
                      _("No run reached the %s pad of regression-analyzer: nothing to compare"),
                      !current->len ? role_pads[side ? ROLE_CANDIDATE : ROLE_SINK] : role_pads[ROLE_BASELINE]);
    return BN_FLOW_ERROR;
  }
  g_autoptr (JsonObject) cur = bn_baseline_entry_from_runs (current, &error);
  g_autoptr (JsonObject) base = NULL;
  if (cur && side)
    base = bn_baseline_entry_from_runs (self->runs[ROLE_BASELINE], &error);
  if (!cur || (side && !base)) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_FAILED, "%s", error->message);
    return BN_FLOW_ERROR;
  }

  g_autofree char *here = bn_machine_platform ();
  const char *platform =
      !self->platform || !*self->platform || !strcmp (self->platform, "auto") ? here : self->platform;
  BnAnalysisOptions opt = {
    .mode = side ? "side-by-side" : "baselines",
    .platform = platform,
    .current_platform = here,
    .implementation = self->implementation,
    .baselines_file = side ? NULL : self->baselines,
    .thresholds_source = self->thresholds_source,
    .thresholds = self->thresholds,
    .confidence = self->confidence,
    .compare_mismatched = self->compare_mismatched,
    .per_token_latency = self->per_token,
    .latency_metric = latency_metrics[self->latency_statistic],
    .skip_memory = side,
    .min_cpu_share = self->min_cpu_share,
  };
  const char *key = NULL;
  JsonObject *stored = side         ? base
                       : self->file ? bn_baselines_find (self->file, platform, self->implementation, &key)
                                    : NULL;
  opt.baseline_key = key;
  opt.calibration = bn_json_object_or (bn_json_object_or (bn_json_object_or (self->file, "calibration"), platform),
                                       self->implementation);
  g_autoptr (BnAnalysis) a = bn_analysis_run (&opt, stored, cur);
  JsonObject *json = bn_analysis_to_json (a);

  if (!write_report (self, a, json)) {
    json_object_unref (json);
    return BN_FLOW_ERROR;
  }
  bn_element_post_message (element, bn_message_new_element (element, "regression-verdict", bn_analysis_to_variant (a)));
  g_autofree char *info = g_strdup_printf (_("regression analysis: %s"), bn_level_name (a->status));
  bn_element_post_info (element, info);

  BnFlowReturn ret = BN_FLOW_OK;
  if (bn_element_count_pads (element, BN_PAD_SRC))
    ret = bn_element_push (element, BN_ITEM (bn_record_new ("bench/verdict", json)));
  else
    json_object_unref (json);
  if (ret != BN_FLOW_OK)
    return ret;

  if (self->fail && a->status == BN_LEVEL_CRITICAL) {
    /* let a report downstream finish before the gate stops the pipeline */
    bn_element_push_eos (element);
    GString *what = g_string_new (NULL);
    for (guint i = 0; i < a->results->len; i++) {
      BnMetricResult *r = &g_array_index (a->results, BnMetricResult, i);
      if (r->level == BN_LEVEL_CRITICAL)
        g_string_append_printf (what, "%s%s: %s", what->len ? "; " : "", _ (bn_metric_info (r->metric)->label),
                                r->message);
    }
    g_autofree char *w = g_string_free (what, FALSE);
    BN_ELEMENT_ERROR (element, BN_REGRESSION_ERROR, BN_REGRESSION_ERROR_CRITICAL,
                      _("Critical performance regression on %s: %s"), platform, w);
    return BN_FLOW_ERROR;
  }
  if (self->fail_inconclusive && (a->status == BN_LEVEL_INCONCLUSIVE || a->status == BN_LEVEL_NO_BASELINE)) {
    bn_element_push_eos (element);
    GString *why = g_string_new (NULL);
    for (guint i = 0; i < a->results->len; i++) {
      BnMetricResult *r = &g_array_index (a->results, BnMetricResult, i);
      if (r->level == BN_LEVEL_INCONCLUSIVE || r->level == BN_LEVEL_NO_BASELINE)
        g_string_append_printf (why, "%s%s: %s", why->len ? "; " : "", _ (bn_metric_info (r->metric)->label),
                                r->message);
    }
    g_autofree char *w = g_string_free (why, FALSE);
    BN_ELEMENT_ERROR (element, BN_REGRESSION_ERROR, BN_REGRESSION_ERROR_INCONCLUSIVE,
                      _("The regression gate cannot vouch for these runs on %s (%s, fail-on-inconclusive): %s"),
                      platform, bn_level_name (a->status), *w ? w : _("no baseline to compare with"));
    return BN_FLOW_ERROR;
  }
  return BN_FLOW_OK;
}

static void
bn_regression_analyzer_class_init (BnRegressionAnalyzerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bn_regression_analyzer_finalize;
  object_class->get_property = bn_regression_analyzer_get_property;
  object_class->set_property = bn_regression_analyzer_set_property;
  element_class->start = bn_regression_analyzer_start;
  element_class->chain = bn_regression_analyzer_chain;
  element_class->finish = bn_regression_analyzer_finish;
  element_class->request_new_pad = bn_regression_analyzer_request_new_pad;

  props[PROP_BASELINES] = g_param_spec_string ("baselines", "Baselines",
                                               "Baselines file (the seed's crossval/baselines.json); side by side "
                                               "it is read only for its thresholds, when it exists",
                                               "crossval/baselines.json", rw);
  props[PROP_PLATFORM] = g_param_spec_string ("platform", "Platform",
                                              "Platform whose baseline to compare with: auto (this machine, "
                                              "os-arch such as linux-x86_64) or a name; a platform other than "
                                              "this machine's is reported as a mismatch and not compared",
                                              "auto", rw);
  props[PROP_IMPLEMENTATION] = g_param_spec_string ("implementation", "Implementation",
                                                    "Implementation whose baseline to compare with (the key under "
                                                    "the platform; for gst-bitnet, a file with no such entry is "
                                                    "read through the seed's rust_implementation entry)",
                                                    BN_BASELINES_IMPLEMENTATION, rw);
  props[PROP_FORMAT] = g_param_spec_enum ("format", "Format", "Report format", format_get_type (), FORMAT_HUMAN, rw);
  props[PROP_OUTPUT] = g_param_spec_string ("output", "Output",
                                            "File to write the report to, atomically (standard output when unset; "
                                            "the table is then also printed unless silent)",
                                            NULL, rw);
  props[PROP_SILENT] = g_param_spec_boolean ("silent", "Silent", "Print nothing on standard output", FALSE, rw);
  props[PROP_FAIL] = g_param_spec_boolean ("fail-on-regression", "Fail on regression",
                                           "Stop with a regression error (bn-launch exit status 3) when any metric "
                                           "is CRITICAL",
                                           FALSE, rw);
  props[PROP_FAIL_INCONCLUSIVE] = g_param_spec_boolean ("fail-on-inconclusive", "Fail on inconclusive",
                                                        "Stop with a regression error (bn-launch exit status 3) when "
                                                        "the verdict is INCONCLUSIVE or NO_BASELINE: the gate "
                                                        "cannot vouch for the runs",
                                                        FALSE, rw);
  props[PROP_CONFIDENCE] =
      g_param_spec_double ("confidence", "Confidence",
                           "Confidence level of the intervals (0.95: at least 6 runs per side)", 0.5, 0.999, 0.95, rw);
  props[PROP_COMPARE_MISMATCHED] = g_param_spec_boolean ("compare-mismatched", "Compare mismatched",
                                                         "Compare even when the platform, model fingerprint or "
                                                         "compute path differ (the mismatch is still reported)",
                                                         FALSE, rw);
  props[PROP_LATENCY_SAMPLES] = g_param_spec_enum (
      "latency-samples", "Latency samples", "What one sample of token latency is", latency_samples_get_type (), 0, rw);
  props[PROP_LATENCY_STATISTIC] =
      g_param_spec_enum ("latency-statistic", "Latency statistic",
                         "Which per-run statistic of the per-token decode latencies is compared (one value per run; "
                         "the interval is over runs): the median, the 10th percentile or the minimum",
                         latency_statistic_get_type (), 0, rw);
  props[PROP_MIN_CPU_SHARE] = g_param_spec_double ("min-cpu-share", "Minimum CPU share",
                                                   "Below this median share of the CPU time the runs asked for (CPU "
                                                   "time / threads / wall time) on either side, the machine was busy "
                                                   "and throughput and first-token latency are INCONCLUSIVE (0: never)",
                                                   0, 1, 0.9, rw);
  static const struct {
    const char *name, *nick, *blurb;
    BnLimit limit;
  } th[] = {
    { "critical-throughput-decrease", "Critical throughput decrease",
      "Decode throughput decrease in % that is CRITICAL (-1: from the baselines file, else 15)", BN_LIMIT_THROUGHPUT },
    { "warning-throughput-decrease", "Warning throughput decrease",
      "Decode throughput decrease in % that is a WARNING, and the improvement bound (-1: from the file, else 8)",
      BN_LIMIT_THROUGHPUT },
    { "critical-latency-increase", "Critical latency increase",
      "Latency increase in % that is CRITICAL (-1: from the baselines file, else 25)", BN_LIMIT_LATENCY },
    { "warning-latency-increase", "Warning latency increase",
      "Latency increase in % that is a WARNING, and the improvement bound (-1: from the file, else 15)",
      BN_LIMIT_LATENCY },
    { "critical-memory-increase", "Critical memory increase",
      "Peak memory increase in % that is CRITICAL (-1: from the baselines file, else 20)", BN_LIMIT_MEMORY },
    { "warning-memory-increase", "Warning memory increase",
      "Peak memory increase in % that is a WARNING (-1: from the baselines file, else 10)", BN_LIMIT_MEMORY },
    { "critical-accuracy-drop", "Critical accuracy drop",
      "Drop of the accuracy score (minimum cosine) that is CRITICAL (-1: from the file, else 0.01)",
      BN_LIMIT_ACCURACY },
    { "warning-accuracy-drop", "Warning accuracy drop",
      "Drop of the accuracy score (minimum cosine) that is a WARNING (-1: from the file, else 0.001)",
      BN_LIMIT_ACCURACY },
  };
  for (guint i = 0; i < G_N_ELEMENTS (th); i++)
    props[PROP_CRIT_THROUGHPUT + i] =
        g_param_spec_double (th[i].name, th[i].nick, th[i].blurb, -1, bn_limit_max (th[i].limit), -1, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);

  bn_element_class_set_metadata (element_class, "Regression analyzer", "Analyzer",
                                 "Compares runs with a baseline (a file or a side-by-side branch) and gives "
                                 "honest verdicts: CRITICAL, WARNING, IMPROVEMENT, STABLE, INCONCLUSIVE, NO_BASELINE",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "sink", BN_PAD_SINK, BN_PAD_REQUEST, BN_RUN_MEDIA_TYPE);
  bn_element_class_add_static_pad_template (element_class, "baseline", BN_PAD_SINK, BN_PAD_REQUEST, BN_RUN_MEDIA_TYPE);
  bn_element_class_add_static_pad_template (element_class, "candidate", BN_PAD_SINK, BN_PAD_REQUEST, BN_RUN_MEDIA_TYPE);
  bn_element_class_add_static_pad_template (element_class, "src", BN_PAD_SRC, BN_PAD_REQUEST, "ANY");
}

static void
bn_regression_analyzer_init (BnRegressionAnalyzer *self)
{
  self->baselines = g_strdup ("crossval/baselines.json");
  self->platform = g_strdup ("auto");
  self->implementation = g_strdup (BN_BASELINES_IMPLEMENTATION);
  self->confidence = 0.95;
  self->min_cpu_share = 0.9;
  for (int k = 0; k < BN_N_LIMITS; k++)
    self->critical[k] = self->warning[k] = -1;
}
