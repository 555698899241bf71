/* gst-bitnet: summary-sink, prints a table of results and writes them as JSON
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gst-bitnet/bench/bn-json-private.h>

#include "bn-kernel-elements.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

/**
 * SECTION:element-summary-sink
 * @title: summary-sink
 *
 * Collects result records from any number of inputs and, at end of stream, prints them as a table on
 * standard output (unless #BnSummarySink:silent) and writes them all as one
 * JSON document to #BnSummarySink:location, atomically. A pipeline that
 * fails or is cancelled before end of stream writes nothing.
 */

struct _BnSummarySink {
  BnElement parent_instance;
  char *location;
  gboolean silent;
  GPtrArray *records;
};

G_DEFINE_FINAL_TYPE (BnSummarySink, bn_summary_sink, BN_TYPE_ELEMENT)

enum { PROP_0, PROP_LOCATION, PROP_SILENT, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
bn_summary_sink_finalize (GObject *object)
{
  BnSummarySink *self = BN_SUMMARY_SINK (object);
  g_free (self->location);
  g_clear_pointer (&self->records, g_ptr_array_unref);
  G_OBJECT_CLASS (bn_summary_sink_parent_class)->finalize (object);
}

static void
bn_summary_sink_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnSummarySink *self = BN_SUMMARY_SINK (object);
  switch (id) {
  case PROP_LOCATION: g_value_set_string (value, self->location); break;
  case PROP_SILENT: g_value_set_boolean (value, self->silent); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_summary_sink_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnSummarySink *self = BN_SUMMARY_SINK (object);
  switch (id) {
  case PROP_LOCATION:
    g_free (self->location);
    self->location = g_value_dup_string (value);
    break;
  case PROP_SILENT: self->silent = g_value_get_boolean (value); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static gboolean
bn_summary_sink_start (BnElement *element, GError **error)
{
  BnSummarySink *self = BN_SUMMARY_SINK (element);
  g_clear_pointer (&self->records, g_ptr_array_unref);
  self->records = g_ptr_array_new_with_free_func (g_object_unref);
  return TRUE;
}

static BnFlowReturn
bn_summary_sink_chain (BnElement *element, BnPad *pad, BnItem *item)
{
  BnSummarySink *self = BN_SUMMARY_SINK (element);
  if (!BN_IS_RECORD (item)) {
    g_object_unref (item);
    return BN_FLOW_OK;
  }
  g_ptr_array_add (self->records, item);
  return BN_FLOW_OK;
}

static void
print_kernel_table (GPtrArray *records)
{
  printf ("\n%-6s %-8s %-26s %-11s %-9s %12s %22s %10s %9s %8s %11s\n", "format", "variant", "kernel", "shape",
          "memory", "median us", "95% CI (us)", "Gweight/s", "GB/s", "of BW", "accuracy");
  for (guint i = 0; i < records->len; i++) {
    BnRecord *r = records->pdata[i];
    if (g_strcmp0 (bn_caps_get_media_type (bn_item_get_caps (BN_ITEM (r)), 0), "bench/kernel"))
      continue;
    JsonObject *o = bn_record_get_object (r);
    JsonObject *acc = json_object_get_object_member (o, "accuracy");
    g_autofree char *shape =
        g_strdup_printf ("%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT, json_object_get_int_member (o, "rows"),
                         json_object_get_int_member (o, "cols"));
    g_autofree char *ci = g_strdup_printf ("[%.1f, %.1f]", bn_record_get_double (r, "ci95_low_ns", 0) / 1e3,
                                           bn_record_get_double (r, "ci95_high_ns", 0) / 1e3);
    double frac = bn_record_get_double (r, "fraction_of_bandwidth", -1);
    g_autofree char *fr = frac >= 0 ? g_strdup_printf ("%.0f%%", frac * 100) : g_strdup ("-");
    g_autofree char *ac = g_strdup_printf ("%.1e %s", json_object_get_double_member (acc, "output_rel_mse"),
                                           json_object_get_boolean_member (acc, "pass") ? "ok" : "FAIL");
    printf ("%-6s %-8s %-26s %-11s %-9s %12.1f %22s %10.1f %9.2f %8s %11s\n", bn_record_get_string (r, "format"),
            bn_record_get_string (r, "variant"), bn_record_get_string (r, "kernel"), shape,
            bn_record_get_string (r, "memory"), bn_record_get_double (r, "median_ns", 0) / 1e3, ci,
            bn_record_get_double (r, "gweights_per_s", 0), bn_record_get_double (r, "gb_per_s", 0), fr, ac);
  }
  double bw = 0;
  for (guint i = 0; i < records->len; i++)
    bw = MAX (bw, bn_record_get_double (records->pdata[i], "read_bandwidth_gb_per_s", 0));
  if (bw > 0)
    printf (_("Single-thread DRAM read bandwidth measured in this run: %.1f GB/s\n"), bw);
  fflush (stdout);
}

static gboolean
is_type (BnRecord *r, const char *type)
{
  return !g_strcmp0 (bn_caps_get_media_type (bn_item_get_caps (BN_ITEM (r)), 0), type);
}

static void
print_run_table (GPtrArray *records)
{
  g_autoptr (GArray) lat = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) dec = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GHashTable) kernels = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) knames = g_ptr_array_new ();
  guint n = 0;
  double peak = 0, bound = 0, cpu = 0, frac = 0, first = 0, prefill = 0;
  double cand = 0, cand_max = 0, fallbacks = 0;
  const char *path = NULL, *head = NULL;

  printf ("\n%-4s %-9s %8s %10s %10s %9s %9s %9s %9s %9s %7s %8s\n", "iter", "path", "threads", "decode t/s",
          "prefill t/s", "first ms", "p50 ms", "p95 ms", "p99 ms", "peak MB", "CPU %", "ceiling");
  for (guint i = 0; i < records->len; i++) {
    BnRecord *r = records->pdata[i];
    if (!is_type (r, BN_RUN_MEDIA_TYPE))
      continue;
    n++;
    path = bn_run_record_get_string (r, BN_RUN_FIELD_COMPUTE_PATH);
    double d = bn_run_record_get_double (r, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, 0);
    g_array_append_val (dec, d);
    peak = MAX (peak, bn_run_record_get_double (r, BN_RUN_FIELD_PEAK_MEMORY_MB, 0));
    bound = MAX (bound, bn_run_record_get_double (r, BN_RUN_FIELD_PEAK_MEMORY_BOUND_MB, 0));
    cpu += bn_run_record_get_double (r, BN_RUN_FIELD_CPU_UTILIZATION_PERCENT, 0);
    frac += bn_run_record_get_double (r, BN_RUN_FIELD_FRACTION_OF_CEILING, 0);
    first += bn_run_record_get_double (r, BN_RUN_FIELD_FIRST_TOKEN_LATENCY_MS, 0);
    prefill += bn_run_record_get_double (r, BN_RUN_FIELD_PREFILL_TOKENS_PER_SECOND, 0);
    if (bn_run_record_has (r, BN_RUN_FIELD_HEAD_MODE)) {
      head = bn_run_record_get_string (r, BN_RUN_FIELD_HEAD_MODE);
      cand += bn_run_record_get_double (r, BN_RUN_FIELD_HEAD_CANDIDATES_MEAN, 0);
      cand_max = MAX (cand_max, bn_run_record_get_int (r, BN_RUN_FIELD_HEAD_CANDIDATES_MAX, 0));
      fallbacks += bn_run_record_get_int (r, BN_RUN_FIELD_HEAD_FALLBACKS, 0);
    }
    JsonArray *a = bn_run_record_get_array (r, BN_RUN_FIELD_DECODE_LATENCY_MS);
    if (a) {
      for (guint j = 0; j < json_array_get_length (a); j++) {
        double v = json_array_get_double_element (a, j);
        g_array_append_val (lat, v);
      }
    }
    a = bn_run_record_get_array (r, BN_RUN_FIELD_KERNELS);
    if (a) {
      for (guint j = 0; j < json_array_get_length (a); j++) {
        const char *k = json_array_get_string_element (a, j);
        if (!g_hash_table_contains (kernels, k)) {
          g_hash_table_add (kernels, (gpointer) k);
          g_ptr_array_add (knames, (gpointer) k);
        }
      }
    }
    printf (
        "%-4" G_GINT64_FORMAT " %-9s %8" G_GINT64_FORMAT " %10.2f %10.1f %9.1f %9.2f %9.2f %9.2f %9.0f %7.0f %7.0f%%\n",
        bn_run_record_get_int (r, BN_RUN_FIELD_ITERATION, 0), path, bn_run_record_get_int (r, BN_RUN_FIELD_THREADS, 0),
        d, bn_run_record_get_double (r, BN_RUN_FIELD_PREFILL_TOKENS_PER_SECOND, 0),
        bn_run_record_get_double (r, BN_RUN_FIELD_FIRST_TOKEN_LATENCY_MS, 0),
        bn_run_record_get_double (r, BN_RUN_FIELD_LATENCY_P50_MS, 0),
        bn_run_record_get_double (r, BN_RUN_FIELD_LATENCY_P95_MS, 0),
        bn_run_record_get_double (r, BN_RUN_FIELD_LATENCY_P99_MS, 0),
        bn_run_record_get_double (r, BN_RUN_FIELD_PEAK_MEMORY_MB, 0),
        bn_run_record_get_double (r, BN_RUN_FIELD_CPU_UTILIZATION_PERCENT, 0),
        100 * bn_run_record_get_double (r, BN_RUN_FIELD_FRACTION_OF_CEILING, 0));
  }
  if (!n)
    return;
  bn_doubles_sort ((double *) lat->data, lat->len);
  bn_doubles_sort ((double *) dec->data, dec->len);
  g_ptr_array_add (knames, NULL);
  g_autofree char *ks = g_strjoinv (", ", (char **) knames->pdata);
  /* mock executors report no bound */
  g_autofree char *mem =
      bound > 0 ? g_strdup_printf (_("%.0f MB (bound %.0f MB)"), peak, bound) : g_strdup_printf (_("%.0f MB"), peak);
  printf (_("Summary of %u runs (%s): decode %.2f tok/s (median), prefill %.1f tok/s, first token %.1f ms, "
             "latency P50 %.2f / P95 %.2f / P99 %.2f ms, peak memory %s, CPU %.0f%%, "
             "%.0f%% of the memory-bandwidth ceiling\nKernels: %s\n"),
          n, path ? path : "?", bn_percentile ((const double *) dec->data, dec->len, 50), prefill / n, first / n,
          bn_percentile ((const double *) lat->data, lat->len, 50),
          bn_percentile ((const double *) lat->data, lat->len, 95),
          bn_percentile ((const double *) lat->data, lat->len, 99), mem, cpu / n, 100 * frac / n, ks);
  /* the last run's head mode: one executor feeds a summary */
  if (head)
    printf (_("Head: %s, %.1f candidate rows per step computed exactly (max %.0f), %.0f fallbacks to the full head\n"),
            head, cand / n, cand_max, fallbacks);
  fflush (stdout);
}

static BnFlowReturn
bn_summary_sink_finish (BnElement *element)
{
  BnSummarySink *self = BN_SUMMARY_SINK (element);
  gboolean kernels = FALSE, runs = FALSE;
  for (guint i = 0; i < self->records->len; i++) {
    kernels |= is_type (self->records->pdata[i], "bench/kernel");
    runs |= is_type (self->records->pdata[i], BN_RUN_MEDIA_TYPE);
  }
  if (!self->silent && kernels)
    print_kernel_table (self->records);
  if (!self->silent && runs)
    print_run_table (self->records);
  if (!self->location)
    return BN_FLOW_OK;

  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "generator");
  json_builder_add_string_value (b, bn_version_string ());
  json_builder_set_member_name (b, "results");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->records->len; i++) {
    BnRecord *r = self->records->pdata[i];
    JsonNode *n = json_node_new (JSON_NODE_OBJECT);
    json_node_set_object (n, bn_record_get_object (r));
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "type");
    json_builder_add_string_value (b, bn_caps_get_media_type (bn_item_get_caps (BN_ITEM (r)), 0));
    json_builder_set_member_name (b, "result");
    json_builder_add_value (b, n);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autoptr (GError) error = NULL;
  if (!bn_json_write_deferred (self->location, json_node_get_object (root), &error)) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot write results to %s: %s"),
                      self->location, error->message);
    return BN_FLOW_ERROR;
  }
  g_autofree char *info = g_strdup_printf (_("wrote %u results to %s"), self->records->len, self->location);
  bn_element_post_info (element, info);
  return BN_FLOW_OK;
}

static void
bn_summary_sink_class_init (BnSummarySinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bn_summary_sink_finalize;
  object_class->get_property = bn_summary_sink_get_property;
  object_class->set_property = bn_summary_sink_set_property;
  element_class->start = bn_summary_sink_start;
  element_class->chain = bn_summary_sink_chain;
  element_class->finish = bn_summary_sink_finish;

  props[PROP_LOCATION] =
      g_param_spec_string ("location", "Location", "JSON file to write the results to (atomically)", NULL, rw);
  props[PROP_SILENT] = g_param_spec_boolean ("silent", "Silent", "Do not print the table", FALSE, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Summary sink", "Sink",
                                 "Prints result records as a table and writes them as JSON", "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "sink_%u", BN_PAD_SINK, BN_PAD_REQUEST, "ANY");
}

static void
bn_summary_sink_init (BnSummarySink *self)
{
}
