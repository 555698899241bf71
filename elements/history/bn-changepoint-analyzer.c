/* gst-bitnet: changepoint-analyzer, finds the change points of each series of a history
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-history-elements.h"
#include "gst-bitnet/bench/bn-changepoint-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/**
 * SECTION:element-changepoint-analyzer
 * @title: changepoint-analyzer
 *
 * Finds change points in the history: runs (`bench/run`, usually from
 * history-src, in history order) are grouped into series by platform,
 * implementation and configuration (their `history` member), and each
 * metric of #BnChangepointAnalyzer:metrics is split with E-divisive means
 * and a Welch t-test (deterministic, as Apache Otava does; see
 * docs/history.md). Each change point reports the commits on either side,
 * the step in percent with a 95% interval, and its p-value.
 *
 * A change point among the last #BnChangepointAnalyzer:window runs of a
 * series is new. With #BnChangepointAnalyzer:fail-on-change, a new change
 * point in the worse direction (throughput down, latency or memory up)
 * posts a #BN_REGRESSION_ERROR, so bn-launch exits with status 3 as for a
 * critical regression. The report goes to #BnChangepointAnalyzer:output
 * (JSON) or, as a table, to standard output; a `changepoints` element
 * message carries the counts. When the `src` pad is linked, the runs are
 * forwarded, followed by a `bench/changepoints` record with the JSON report
 * (for trend-sink).
 *
 * |[
 * bn-launch history-src ! changepoint-analyzer fail-on-change=true
 * ]|
 */

struct _BnChangepointAnalyzer {
  BnElement parent_instance;
  char **metrics;
  char *output;
  double max_p, min_change;
  guint min_size, window;
  gboolean fail, silent;
  GPtrArray *runs;
};

G_DEFINE_FINAL_TYPE (BnChangepointAnalyzer, bn_changepoint_analyzer, BN_TYPE_ELEMENT)

enum {
  PROP_0,
  PROP_METRICS,
  PROP_OUTPUT,
  PROP_MAX_P,
  PROP_MIN_SIZE,
  PROP_MIN_CHANGE,
  PROP_WINDOW,
  PROP_FAIL,
  PROP_SILENT,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

static void
bn_changepoint_analyzer_finalize (GObject *object)
{
  BnChangepointAnalyzer *self = BN_CHANGEPOINT_ANALYZER (object);
  g_strfreev (self->metrics);
  g_free (self->output);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  G_OBJECT_CLASS (bn_changepoint_analyzer_parent_class)->finalize (object);
}

static void
bn_changepoint_analyzer_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnChangepointAnalyzer *self = BN_CHANGEPOINT_ANALYZER (object);
  switch (id) {
  case PROP_METRICS: g_value_set_boxed (value, self->metrics); break;
  case PROP_OUTPUT: g_value_set_string (value, self->output); break;
  case PROP_MAX_P: g_value_set_double (value, self->max_p); break;
  case PROP_MIN_SIZE: g_value_set_uint (value, self->min_size); break;
  case PROP_MIN_CHANGE: g_value_set_double (value, self->min_change); break;
  case PROP_WINDOW: g_value_set_uint (value, self->window); break;
  case PROP_FAIL: g_value_set_boolean (value, self->fail); break;
  case PROP_SILENT: g_value_set_boolean (value, self->silent); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_changepoint_analyzer_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnChangepointAnalyzer *self = BN_CHANGEPOINT_ANALYZER (object);
  switch (id) {
  case PROP_METRICS:
    g_strfreev (self->metrics);
    self->metrics = g_value_dup_boxed (value);
    break;
  case PROP_OUTPUT:
    g_free (self->output);
    self->output = g_value_dup_string (value);
    break;
  case PROP_MAX_P: self->max_p = g_value_get_double (value); break;
  case PROP_MIN_SIZE: self->min_size = g_value_get_uint (value); break;
  case PROP_MIN_CHANGE: self->min_change = g_value_get_double (value); break;
  case PROP_WINDOW: self->window = g_value_get_uint (value); break;
  case PROP_FAIL: self->fail = g_value_get_boolean (value); break;
  case PROP_SILENT: self->silent = g_value_get_boolean (value); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static gboolean
bn_changepoint_analyzer_start (BnElement *element, GError **error)
{
  BnChangepointAnalyzer *self = BN_CHANGEPOINT_ANALYZER (element);
  if (!self->metrics || !self->metrics[0]) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("changepoint-analyzer needs metrics=NAME[,NAME...], e.g. decode_tokens_per_second"));
    return FALSE;
  }
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  self->runs = g_ptr_array_new_with_free_func (g_object_unref);
  return TRUE;
}

static BnFlowReturn
bn_changepoint_analyzer_chain (BnElement *element, BnPad *pad, BnItem *item)
{
  BnChangepointAnalyzer *self = BN_CHANGEPOINT_ANALYZER (element);
  if (BN_IS_RECORD (item))
    g_ptr_array_add (self->runs, g_object_ref (item));
  if (bn_element_count_pads (element, BN_PAD_SRC))
    return bn_element_push (element, item);
  g_object_unref (item);
  return BN_FLOW_OK;
}

static JsonObject *
analyze_metric (BnChangepointAnalyzer *self, GPtrArray *series, const char *metric, guint *n_new_bad)
{
  g_autoptr (GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GPtrArray) used = g_ptr_array_new ();
  for (guint i = 0; i < series->len; i++) {
    JsonNode *n = json_object_get_member (series->pdata[i], metric);
    if (!n || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) == G_TYPE_STRING)
      continue;
    double v = json_node_get_double (n);
    g_array_append_val (values, v);
    g_ptr_array_add (used, series->pdata[i]);
  }
  JsonObject *m = json_object_new ();
  gboolean hib = bn_history_higher_is_better (metric);
  json_object_set_string_member (m, "metric", metric);
  json_object_set_boolean_member (m, "higher_is_better", hib);
  json_object_set_int_member (m, "n_runs", values->len);
  JsonArray *points = json_array_new ();
  BnChangePointOptions opt = { .max_p = self->max_p, .min_size = self->min_size, .min_change = self->min_change };
  g_autoptr (GArray) cps = bn_changepoints_find ((double *) values->data, values->len, &opt);
  for (guint i = 0; i < cps->len; i++) {
    BnChangePoint *cp = &g_array_index (cps, BnChangePoint, i);
    JsonObject *before = used->pdata[cp->index - 1], *after = used->pdata[cp->index];
    gboolean worse = hib ? cp->change < 0 : cp->change > 0;
    gboolean fresh = cp->index + self->window >= values->len;
    JsonObject *p = json_object_new ();
    json_object_set_int_member (p, "index", cp->index);
    json_object_set_string_member (p, "commit_before", bn_history_filed (before, "commit"));
    json_object_set_string_member (p, "commit_after", bn_history_filed (after, "commit"));
    json_object_set_string_member (p, "date_after", bn_history_filed (after, "commit_date"));
    json_object_set_double_member (p, "mean_before", cp->mean_before);
    json_object_set_double_member (p, "mean_after", cp->mean_after);
    json_object_set_double_member (p, "change_percent", cp->change);
    JsonArray *ci = json_array_new ();
    json_array_add_double_element (ci, cp->lo);
    json_array_add_double_element (ci, cp->hi);
    json_object_set_array_member (p, "interval_percent", ci);
    json_object_set_double_member (p, "p_value", cp->p);
    json_object_set_int_member (p, "n_before", cp->n_before);
    json_object_set_int_member (p, "n_after", cp->n_after);
    json_object_set_string_member (p, "direction", worse ? "regression" : "improvement");
    json_object_set_boolean_member (p, "new", fresh);
    json_array_add_object_element (points, p);
    if (fresh && worse)
      (*n_new_bad)++;
  }
  json_object_set_array_member (m, "change_points", points);
  return m;
}

static void
print_table (JsonObject *report)
{
  JsonArray *all = json_object_get_array_member (report, "series");
  g_print (_("Change points (E-divisive, Welch t-test p <= %g)\n"), json_object_get_double_member (report, "max_p"));
  for (guint i = 0; i < json_array_get_length (all); i++) {
    JsonObject *s = json_array_get_object_element (all, i);
    JsonArray *metrics = json_object_get_array_member (s, "metrics");
    for (guint k = 0; k < json_array_get_length (metrics); k++) {
      JsonObject *m = json_array_get_object_element (metrics, k);
      JsonArray *pts = json_object_get_array_member (m, "change_points");
      g_print ("%s %s [%s] %s: %" G_GINT64_FORMAT " runs, %u change points\n",
               json_object_get_string_member (s, "platform"), json_object_get_string_member (s, "implementation"),
               json_object_get_string_member (s, "configuration"), json_object_get_string_member (m, "metric"),
               json_object_get_int_member (m, "n_runs"), json_array_get_length (pts));
      for (guint j = 0; j < json_array_get_length (pts); j++) {
        JsonObject *p = json_array_get_object_element (pts, j);
        JsonArray *ci = json_object_get_array_member (p, "interval_percent");
        g_print ("  %s %.12s -> %.12s  %+.1f%% [%+.1f%%, %+.1f%%]  p=%.2g%s\n",
                 !strcmp (json_object_get_string_member (p, "direction"), "regression") ? "[REGRESSION]"
                                                                                        : "[IMPROVEMENT]",
                 json_object_get_string_member (p, "commit_before"), json_object_get_string_member (p, "commit_after"),
                 json_object_get_double_member (p, "change_percent"), json_array_get_double_element (ci, 0),
                 json_array_get_double_element (ci, 1), json_object_get_double_member (p, "p_value"),
                 json_object_get_boolean_member (p, "new") ? _(" (new)") : "");
      }
    }
  }
}

static BnFlowReturn
bn_changepoint_analyzer_finish (BnElement *element)
{
  BnChangepointAnalyzer *self = BN_CHANGEPOINT_ANALYZER (element);
  g_autoptr (GHashTable) by_key =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GPtrArray) keys = bn_history_split_series (self->runs, by_key);
  JsonObject *report = json_object_new ();
  json_object_set_string_member (report, "method", "e-divisive means, Welch t-test");
  json_object_set_double_member (report, "max_p", self->max_p);
  json_object_set_int_member (report, "min_size", self->min_size);
  json_object_set_double_member (report, "min_change_percent", self->min_change);
  json_object_set_int_member (report, "window", self->window);
  JsonArray *all = json_array_new ();
  guint n_new_bad = 0, n_points = 0;
  for (guint i = 0; i < keys->len; i++) {
    GPtrArray *series = g_hash_table_lookup (by_key, keys->pdata[i]);
    JsonObject *s = json_object_new ();
    json_object_set_string_member (s, "platform", bn_history_filed (series->pdata[0], "platform"));
    json_object_set_string_member (s, "implementation", bn_history_filed (series->pdata[0], "implementation"));
    json_object_set_string_member (s, "configuration", bn_history_filed (series->pdata[0], "configuration"));
    JsonArray *metrics = json_array_new ();
    for (guint k = 0; self->metrics[k]; k++) {
      JsonObject *m = analyze_metric (self, series, self->metrics[k], &n_new_bad);
      n_points += json_array_get_length (json_object_get_array_member (m, "change_points"));
      json_array_add_object_element (metrics, m);
    }
    json_object_set_array_member (s, "metrics", metrics);
    json_array_add_object_element (all, s);
  }
  json_object_set_array_member (report, "series", all);
  json_object_set_int_member (report, "n_change_points", n_points);
  json_object_set_int_member (report, "n_new_regressions", n_new_bad);

  g_autoptr (GError) error = NULL;
  if (self->output && *self->output && !bn_json_write_atomic (self->output, report, &error)) {
    json_object_unref (report);
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, "%s", error->message);
    return BN_FLOW_ERROR;
  }
  if (!self->silent && (!self->output || !*self->output))
    print_table (report);
  GVariantDict d;
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "series", "u", keys->len);
  g_variant_dict_insert (&d, "change-points", "u", n_points);
  g_variant_dict_insert (&d, "new-regressions", "u", n_new_bad);
  bn_element_post_message (element, bn_message_new_element (element, "changepoints", g_variant_dict_end (&d)));

  BnFlowReturn ret = BN_FLOW_OK;
  if (bn_element_count_pads (element, BN_PAD_SRC))
    ret = bn_element_push (element, BN_ITEM (bn_record_new ("bench/changepoints", report)));
  else
    json_object_unref (report);
  if (ret != BN_FLOW_OK)
    return ret;
  if (self->fail && n_new_bad) {
    bn_element_push_eos (element);
    BN_ELEMENT_ERROR (element, BN_REGRESSION_ERROR, BN_REGRESSION_ERROR_CRITICAL,
                      _("A new change point for the worse among the last %u runs: %u series stepped down"),
                      self->window, n_new_bad);
    return BN_FLOW_ERROR;
  }
  return BN_FLOW_OK;
}

static void
bn_changepoint_analyzer_class_init (BnChangepointAnalyzerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bn_changepoint_analyzer_finalize;
  object_class->get_property = bn_changepoint_analyzer_get_property;
  object_class->set_property = bn_changepoint_analyzer_set_property;
  element_class->start = bn_changepoint_analyzer_start;
  element_class->chain = bn_changepoint_analyzer_chain;
  element_class->finish = bn_changepoint_analyzer_finish;

  props[PROP_METRICS] = g_param_spec_boxed ("metrics", "Metrics",
                                            "Run members to analyse, comma-separated (rates are better higher; "
                                            "times and sizes lower)",
                                            G_TYPE_STRV, rw);
  props[PROP_OUTPUT] =
      g_param_spec_string ("output", "Output", "JSON report file (empty: a table on stdout)", NULL, rw);
  props[PROP_MAX_P] = g_param_spec_double ("max-p", "Maximum p-value",
                                           "A split is a change point when the Welch t-test between its sides "
                                           "gives p at or below this",
                                           1e-12, 0.5, 0.001, rw);
  props[PROP_MIN_SIZE] =
      g_param_spec_uint ("min-size", "Minimum segment", "Fewest runs between two change points", 2, 1000, 3, rw);
  props[PROP_MIN_CHANGE] = g_param_spec_double ("min-change", "Minimum change",
                                                "Steps smaller than this percent of the mean before are ignored "
                                                "(0: every significant step)",
                                                0, 100, 0, rw);
  props[PROP_WINDOW] = g_param_spec_uint ("window", "Window", "A change point among the last N runs of a series is new",
                                          1, 100000, 5, rw);
  props[PROP_FAIL] =
      g_param_spec_boolean ("fail-on-change", "Fail on change",
                            "Fail (bn-launch exit status 3) on a new change point for the worse", FALSE, rw);
  props[PROP_SILENT] = g_param_spec_boolean ("silent", "Silent", "Print no table", FALSE, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Change-point analyzer", "Analyzer",
                                 "Finds change points in each series of a history (E-divisive means, t-test)",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "sink", BN_PAD_SINK, BN_PAD_ALWAYS, BN_RUN_MEDIA_TYPE);
  bn_element_class_add_static_pad_template (element_class, "src", BN_PAD_SRC, BN_PAD_REQUEST, "ANY");
}

static void
bn_changepoint_analyzer_init (BnChangepointAnalyzer *self)
{
  const char *const defaults[] = { bn_run_field_name (BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND), NULL };
  self->metrics = g_strdupv ((char **) defaults);
  self->max_p = 0.001;
  self->min_size = 3;
  self->window = 5;
}
