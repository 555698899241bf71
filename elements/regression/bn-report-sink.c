/* gst-bitnet: report-sink, writes performance reports and exports for other tools
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-regression-elements.h"
#include "gst-bitnet/bench/bn-baselines-private.h"
#include "gst-bitnet/bench/bn-json-private.h"
#include "bn-report.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/**
 * SECTION:element-report-sink
 * @title: report-sink
 *
 * Collects `bench/run` records and `bench/verdict` records (from
 * regression-analyzer) on any number of inputs and, at end of stream,
 * writes into #BnReportSink:dir, each file atomically:
 *
 * - `performance-report.json`: the machine, one summary per benchmark
 *   configuration (median, mean, standard deviation, range and the
 *   distribution-free 95% interval of the median of each figure, with the raw
 *   per-run samples), the regression verdicts, and every run record under
 *   `gst_bitnet.runs` (receipt-src reads the report back as runs);
 * - `performance-report.md`: the same for people: tables, verdicts,
 *   environment;
 * - `system-info.json`: the machine and build (bn_machine_info());
 * - `llama-bench.json` and `llama-bench.csv`: rows in llama-bench's JSON and
 *   CSV output formats, one `pp` and one `tg` test per configuration;
 * - `bencher.json`: Bencher Metric Format (throughput in tokens/s, latency
 *   in nanoseconds, with the 95% interval as lower and upper values);
 * - `github-action-benchmark-bigger.json` and
 *   `github-action-benchmark-smaller.json`: github-action-benchmark's
 *   customBiggerIsBetter and customSmallerIsBetter inputs;
 * - `ci-summary.md`: a short Markdown summary for a CI job page
 *   (`cat ci-summary.md >> $GITHUB_STEP_SUMMARY`).
 *
 * A pipeline that fails or is cancelled before end of stream writes
 * nothing.
 */

struct _BnReportSink {
  BnElement parent_instance;
  char *dir, *name;
  GPtrArray *runs;
  GPtrArray *verdicts;
  GPtrArray *others;
};

G_DEFINE_FINAL_TYPE (BnReportSink, bn_report_sink, BN_TYPE_ELEMENT)

enum { PROP_0, PROP_DIR, PROP_BENCHMARK_NAME, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
bn_report_sink_finalize (GObject *object)
{
  BnReportSink *self = BN_REPORT_SINK (object);
  g_free (self->dir);
  g_free (self->name);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  g_clear_pointer (&self->verdicts, g_ptr_array_unref);
  g_clear_pointer (&self->others, g_ptr_array_unref);
  G_OBJECT_CLASS (bn_report_sink_parent_class)->finalize (object);
}

static void
bn_report_sink_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnReportSink *self = BN_REPORT_SINK (object);
  switch (id) {
  case PROP_DIR: g_value_set_string (value, self->dir); break;
  case PROP_BENCHMARK_NAME: g_value_set_string (value, self->name); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_report_sink_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnReportSink *self = BN_REPORT_SINK (object);
  switch (id) {
  case PROP_DIR:
    g_free (self->dir);
    self->dir = g_value_dup_string (value);
    break;
  case PROP_BENCHMARK_NAME:
    g_free (self->name);
    self->name = g_value_dup_string (value);
    break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static gboolean
bn_report_sink_start (BnElement *element, GError **error)
{
  BnReportSink *self = BN_REPORT_SINK (element);
  if (!self->dir || !*self->dir || !self->name || !*self->name) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("report-sink needs dir=DIRECTORY and benchmark-name=NAME"));
    return FALSE;
  }
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  g_clear_pointer (&self->verdicts, g_ptr_array_unref);
  g_clear_pointer (&self->others, g_ptr_array_unref);
  self->runs = g_ptr_array_new_with_free_func (g_object_unref);
  self->verdicts = g_ptr_array_new_with_free_func (g_object_unref);
  self->others = g_ptr_array_new_with_free_func (g_object_unref);
  return TRUE;
}

static BnFlowReturn
bn_report_sink_chain (BnElement *element, BnPad *pad, BnItem *item)
{
  BnReportSink *self = BN_REPORT_SINK (element);
  if (!BN_IS_RECORD (item)) {
    g_object_unref (item);
    return BN_FLOW_OK;
  }
  const char *type = bn_caps_get_media_type (bn_item_get_caps (item), 0);
  g_autoptr (GError) error = NULL;
  if (!g_strcmp0 (type, BN_RUN_MEDIA_TYPE)
      && (!bn_run_check_real (BN_RECORD (item), self->runs->len, &error)
          || !bn_run_check_unslowed (BN_RECORD (item), self->runs->len, &error))) {
    /* a mock run is never reported or exported, whatever the environment */
    g_object_unref (item);
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  g_ptr_array_add (!g_strcmp0 (type, BN_RUN_MEDIA_TYPE) ? self->runs
                   : !g_strcmp0 (type, "bench/verdict") ? self->verdicts
                                                        : self->others,
                   item);
  return BN_FLOW_OK;
}

/* ---- the report ------------------------------------------------------------------ */

static gboolean
is_number (JsonNode *n)
{
  return n && JSON_NODE_HOLDS_VALUE (n)
         && (json_node_get_value_type (n) == G_TYPE_DOUBLE || json_node_get_value_type (n) == G_TYPE_INT64);
}

static void
push (GArray *a, double v)
{
  if (isfinite (v))
    g_array_append_val (a, v);
}

/* median, mean, standard deviation, range and the distribution-free 95%
 * interval of the median (null below 6 values) of @v */
static JsonObject *
stats (GArray *v, gboolean keep_samples)
{
  JsonObject *o = json_object_new ();
  const double *d = (const double *) v->data;
  json_object_set_int_member (o, "n", v->len);
  if (!v->len) {
    json_object_set_null_member (o, "median");
    return o;
  }
  double sum = 0, min = d[0], max = d[0];
  for (guint i = 0; i < v->len; i++) {
    sum += d[i];
    min = MIN (min, d[i]);
    max = MAX (max, d[i]);
  }
  double mean = sum / v->len, ss = 0;
  for (guint i = 0; i < v->len; i++)
    ss += (d[i] - mean) * (d[i] - mean);
  json_object_set_double_member (o, "median", bn_stats_median (d, v->len));
  json_object_set_double_member (o, "mean", mean);
  json_object_set_double_member (o, "stddev", v->len > 1 ? sqrt (ss / (v->len - 1)) : 0);
  json_object_set_double_member (o, "min", min);
  json_object_set_double_member (o, "max", max);
  double lo, hi;
  if (bn_stats_median_ci (d, v->len, 0.95, &lo, &hi, NULL)) {
    json_object_set_double_member (o, "ci95_low", lo);
    json_object_set_double_member (o, "ci95_high", hi);
  } else {
    json_object_set_null_member (o, "ci95_low");
    json_object_set_null_member (o, "ci95_high");
  }
  if (keep_samples) {
    json_object_set_array_member (o, "samples", bn_json_doubles (d, v->len));
  }
  return o;
}

static char *
field_text (JsonObject *o, BnRunField field)
{
  JsonNode *n = json_object_get_member (o, bn_run_field_name (field));
  if (!n || !JSON_NODE_HOLDS_VALUE (n))
    return g_strdup ("");
  if (json_node_get_value_type (n) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (n));
  return json_to_string (n, FALSE);
}

/* the fields that make a configuration, copied under their own names */
static const BnRunField config_fields[] = {
  BN_RUN_FIELD_MODEL_FINGERPRINT, BN_RUN_FIELD_MODEL_ARCHITECTURE, BN_RUN_FIELD_WEIGHT_FORMAT, BN_RUN_FIELD_THREADS,
  BN_RUN_FIELD_TOKENS_REQUESTED,  BN_RUN_FIELD_PROMPT_TOKENS,      BN_RUN_FIELD_BACKEND,       BN_RUN_FIELD_EXECUTOR,
  BN_RUN_FIELD_COMPUTE_PATH,      BN_RUN_FIELD_BYTES_PER_TOKEN,
};

/* One configuration's runs summarized. */
static JsonObject *
benchmark (const char *prefix, GPtrArray *runs)
{
  JsonObject *first = bn_record_get_object (runs->pdata[0]);
  JsonObject *b = json_object_new ();
  g_autofree char *fp = field_text (first, BN_RUN_FIELD_MODEL_FINGERPRINT);
  g_autofree char *fmt = field_text (first, BN_RUN_FIELD_WEIGHT_FORMAT);
  g_autofree char *threads = field_text (first, BN_RUN_FIELD_THREADS);
  g_autofree char *tokens = field_text (first, BN_RUN_FIELD_TOKENS_REQUESTED);
  const char *hex = g_str_has_prefix (fp, "sha256:") ? fp + 7 : fp;
  g_autofree char *short_fp = g_strndup (hex, 8);
  g_autofree char *name = g_strdup_printf ("%s/%s%s%s/t%s/tg%s", prefix, *fmt ? fmt : "model", *short_fp ? "-" : "",
                                           short_fp, *threads ? threads : "?", *tokens ? tokens : "?");
  json_object_set_string_member (b, "name", name);
  json_object_set_int_member (b, "runs", runs->len);
  JsonObject *config = json_object_new ();
  for (guint i = 0; i < G_N_ELEMENTS (config_fields); i++) {
    const char *field = bn_run_field_name (config_fields[i]);
    JsonNode *n = json_object_get_member (first, field);
    if (n)
      json_object_set_member (config, field, json_node_copy (n));
  }
  json_object_set_object_member (b, "config", config);

  enum { DEC, PRE, FIRST, MEM, CPU, FRAC, RUN_P50, RUN_P10, RUN_MIN, DEC_MS, PRE_MS, TOK, N };
  GArray *v[N];
  for (int i = 0; i < N; i++)
    v[i] = g_array_new (FALSE, FALSE, sizeof (double));
  JsonArray *kernels = json_array_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint r = 0; r < runs->len; r++) {
    BnRecord *run = runs->pdata[r];
    double dec = bn_run_record_get_double (run, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, NAN);
    push (v[DEC], isfinite (dec) ? dec : bn_run_record_get_double (run, BN_RUN_FIELD_TOKENS_PER_SECOND, NAN));
    push (v[PRE], bn_run_record_get_double (run, BN_RUN_FIELD_PREFILL_TOKENS_PER_SECOND, NAN));
    push (v[FIRST], bn_run_record_get_double (run, BN_RUN_FIELD_FIRST_TOKEN_LATENCY_MS, NAN));
    double peak = bn_run_record_get_double (run, BN_RUN_FIELD_PEAK_MEMORY_MB, NAN);
    push (v[MEM], isfinite (peak) ? peak : bn_run_record_get_double (run, BN_RUN_FIELD_MEMORY_USAGE_MB, NAN));
    push (v[CPU], bn_run_record_get_double (run, BN_RUN_FIELD_CPU_UTILIZATION_PERCENT, NAN));
    push (v[FRAC], bn_run_record_get_double (run, BN_RUN_FIELD_FRACTION_OF_CEILING, NAN));
    push (v[DEC_MS], bn_run_record_get_double (run, BN_RUN_FIELD_DECODE_MS, NAN));
    push (v[PRE_MS], bn_run_record_get_double (run, BN_RUN_FIELD_PREFILL_MS, NAN));
    JsonArray *ln = bn_run_record_get_array (run, BN_RUN_FIELD_DECODE_LATENCY_MS);
    g_autoptr (GArray) lat = g_array_new (FALSE, FALSE, sizeof (double));
    for (guint i = 0; ln && i < json_array_get_length (ln); i++) {
      JsonNode *e = json_array_get_element (ln, i);
      if (is_number (e))
        push (lat, json_node_get_double (e));
    }
    g_array_append_vals (v[TOK], lat->data, lat->len);
    push (v[RUN_P50], lat->len ? bn_stats_median ((double *) lat->data, lat->len)
                               : bn_run_record_get_double (run, BN_RUN_FIELD_LATENCY_P50_MS, NAN));
    if (lat->len) {
      push (v[RUN_P10], bn_stats_quantile ((double *) lat->data, lat->len, 0.1));
      push (v[RUN_MIN], bn_stats_quantile ((double *) lat->data, lat->len, 0));
    }
    JsonArray *kn = bn_run_record_get_array (run, BN_RUN_FIELD_KERNELS);
    for (guint i = 0; kn && i < json_array_get_length (kn); i++) {
      const char *k = json_array_get_string_element (kn, i);
      if (k && g_hash_table_add (seen, (gpointer) k))
        json_array_add_string_element (kernels, k);
    }
  }
  json_object_set_array_member (b, "kernels", kernels);
  json_object_set_object_member (b, "decode_tokens_per_second", stats (v[DEC], TRUE));
  json_object_set_object_member (b, "prefill_tokens_per_second", stats (v[PRE], TRUE));
  json_object_set_object_member (b, "first_token_latency_ms", stats (v[FIRST], TRUE));
  json_object_set_object_member (b, "run_latency_p50_ms", stats (v[RUN_P50], TRUE));
  json_object_set_object_member (b, "run_latency_p10_ms", stats (v[RUN_P10], TRUE));
  json_object_set_object_member (b, "run_latency_min_ms", stats (v[RUN_MIN], TRUE));
  JsonObject *tok = json_object_new ();
  json_object_set_int_member (tok, "samples", v[TOK]->len);
  if (v[TOK]->len) {
    json_object_set_double_member (tok, "p50", bn_stats_quantile ((double *) v[TOK]->data, v[TOK]->len, 0.50));
    json_object_set_double_member (tok, "p95", bn_stats_quantile ((double *) v[TOK]->data, v[TOK]->len, 0.95));
    json_object_set_double_member (tok, "p99", bn_stats_quantile ((double *) v[TOK]->data, v[TOK]->len, 0.99));
  }
  json_object_set_object_member (b, "token_latency_ms", tok);
  json_object_set_object_member (b, "decode_ms", stats (v[DEC_MS], TRUE));
  json_object_set_object_member (b, "prefill_ms", stats (v[PRE_MS], TRUE));
  json_object_set_object_member (b, "peak_memory_mb", stats (v[MEM], TRUE));
  json_object_set_object_member (b, "cpu_utilization_percent", stats (v[CPU], FALSE));
  json_object_set_object_member (b, "fraction_of_ceiling", stats (v[FRAC], FALSE));
  for (int i = 0; i < N; i++)
    g_array_unref (v[i]);
  return b;
}

/* The runs grouped by configuration (model, format, threads, tokens...),
 * in first-seen order. */
static JsonArray *
benchmarks (const char *prefix, GPtrArray *runs)
{
  g_autoptr (GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) order = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < runs->len; i++) {
    JsonObject *o = bn_record_get_object (runs->pdata[i]);
    GString *key = g_string_new (NULL);
    for (guint m = 0; m < G_N_ELEMENTS (config_fields); m++) {
      g_autofree char *t = field_text (o, config_fields[m]);
      g_string_append_printf (key, "%s\x1f", t);
    }
    g_autofree char *k = g_string_free (key, FALSE);
    GPtrArray *g = g_hash_table_lookup (groups, k);
    if (!g) {
      g = g_ptr_array_new ();
      g_hash_table_insert (groups, g_steal_pointer (&k), g);
      g_ptr_array_add (order, g);
    }
    g_ptr_array_add (g, runs->pdata[i]);
  }
  JsonArray *a = json_array_new ();
  for (guint i = 0; i < order->len; i++)
    json_array_add_object_element (a, benchmark (prefix, order->pdata[i]));
  return a;
}

static JsonObject *
build_report (BnReportSink *self)
{
  JsonObject *r = json_object_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *ts = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  json_object_set_string_member (r, "schema_version", "1.0.0");
  json_object_set_string_member (r, "generator", bn_version_string ());
  json_object_set_string_member (r, "timestamp", ts);
  json_object_set_string_member (r, "name", self->name);
  json_object_set_object_member (r, "system", bn_machine_info ());
  json_object_set_array_member (r, "benchmarks", benchmarks (self->name, self->runs));
  JsonArray *v = json_array_new ();
  for (guint i = 0; i < self->verdicts->len; i++)
    json_array_add_object_element (v, json_object_ref (bn_record_get_object (self->verdicts->pdata[i])));
  json_object_set_array_member (r, "regression", v);
  JsonArray *others = json_array_new ();
  for (guint i = 0; i < self->others->len; i++) {
    BnRecord *rec = self->others->pdata[i];
    JsonObject *e = json_object_new ();
    json_object_set_string_member (e, "type", bn_caps_get_media_type (bn_item_get_caps (BN_ITEM (rec)), 0));
    json_object_set_object_member (e, "result", json_object_ref (bn_record_get_object (rec)));
    json_array_add_object_element (others, e);
  }
  json_object_set_array_member (r, "other_results", others);
  /* every run as measured, so receipt-src (and the regression detector) can
   * read a performance report back as runs, as it reads a receipt */
  JsonArray *runs = json_array_new ();
  for (guint i = 0; i < self->runs->len; i++)
    json_array_add_object_element (runs, json_object_ref (bn_record_get_object (self->runs->pdata[i])));
  JsonObject *x = json_object_new ();
  json_object_set_array_member (x, "runs", runs);
  json_object_set_object_member (r, "gst_bitnet", x);
  return r;
}

static char *
json_text (JsonNode *n)
{
  g_autofree char *t = json_to_string (n, TRUE);
  return g_strconcat (t, "\n", NULL);
}

static char *
array_text (JsonArray *a)
{
  g_autoptr (JsonNode) n = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (n, a);
  return json_text (n);
}

static BnFlowReturn
bn_report_sink_finish (BnElement *element)
{
  BnReportSink *self = BN_REPORT_SINK (element);
  if (!self->runs->len && !self->verdicts->len) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_FAILED,
                      _("Nothing reached report-sink: no run and no verdict, no report written to %s"), self->dir);
    return BN_FLOW_ERROR;
  }
  g_autoptr (JsonObject) report = build_report (self);
  g_autoptr (JsonObject) system = bn_machine_info ();
  g_autoptr (JsonArray) llama = bn_report_llama_bench (report);
  g_autoptr (JsonObject) bencher = bn_report_bencher (report);
  g_autoptr (JsonArray) bigger = bn_report_github_action_benchmark (report, TRUE);
  g_autoptr (JsonArray) smaller = bn_report_github_action_benchmark (report, FALSE);
  /* JSON objects through the library's writer, the rest as text; each atomic */
  struct {
    const char *file;
    JsonObject *object;
    char *text;
  } files[] = {
    { "performance-report.json", report, NULL },
    { "performance-report.md", NULL, bn_report_markdown (report) },
    { "system-info.json", system, NULL },
    { "llama-bench.json", NULL, array_text (llama) },
    { "llama-bench.csv", NULL, bn_report_llama_bench_csv (llama) },
    { "bencher.json", bencher, NULL },
    { "github-action-benchmark-bigger.json", NULL, array_text (bigger) },
    { "github-action-benchmark-smaller.json", NULL, array_text (smaller) },
    { "ci-summary.md", NULL, bn_report_ci_summary (report) },
  };
  BnFlowReturn ret = BN_FLOW_OK;
  for (guint i = 0; i < G_N_ELEMENTS (files); i++) {
    g_autofree char *path = g_build_filename (self->dir, files[i].file, NULL);
    g_autoptr (GError) error = NULL;
    gboolean ok = ret != BN_FLOW_OK
                  || (files[i].object ? bn_json_write_atomic (path, files[i].object, &error)
                                      : bn_write_text_atomically (path, files[i].text, &error));
    if (!ok) {
      BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot write the report %s: %s"), path,
                        error->message);
      ret = BN_FLOW_ERROR;
    }
    g_free (files[i].text);
  }
  if (ret == BN_FLOW_OK) {
    g_autofree char *info = g_strdup_printf (_("report of %u runs and %u verdicts written to %s"), self->runs->len,
                                             self->verdicts->len, self->dir);
    bn_element_post_info (element, info);
  }
  return ret;
}

static void
bn_report_sink_class_init (BnReportSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bn_report_sink_finalize;
  object_class->get_property = bn_report_sink_get_property;
  object_class->set_property = bn_report_sink_set_property;
  element_class->start = bn_report_sink_start;
  element_class->chain = bn_report_sink_chain;
  element_class->finish = bn_report_sink_finish;

  props[PROP_DIR] = g_param_spec_string (
      "dir", "Directory", "Directory to write the report files to (each written atomically)", "benchmark-results/", rw);
  props[PROP_BENCHMARK_NAME] = g_param_spec_string (
      "benchmark-name", "Benchmark name",
      "Prefix of benchmark names in the exports (NAME/FORMAT-MODEL/tTHREADS/tgTOKENS) and the title of the CI summary",
      "gst-bitnet", rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Report sink", "Sink",
                                 "Writes performance reports (JSON, Markdown, system info) and exports for "
                                 "llama-bench, Bencher, github-action-benchmark and CI job summaries",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "sink_%u", BN_PAD_SINK, BN_PAD_REQUEST, "ANY");
}

static void
bn_report_sink_init (BnReportSink *self)
{
  self->dir = g_strdup ("benchmark-results/");
  self->name = g_strdup ("gst-bitnet");
}
