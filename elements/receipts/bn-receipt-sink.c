/* gst-bitnet: receipt-sink, writes ci/inference.json from measured runs
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-receipt-elements.h"
#include <gst-bitnet/bn-file-private.h>
#include <gst-bitnet/bench/bn-signing-private.h>

#include <gst-bitnet/bench/bn-json-private.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <errno.h>
#include <math.h>

/**
 * SECTION:element-receipt-sink
 * @title: receipt-sink
 *
 * Aggregates the `bench/run` records it receives into one receipt in the
 * seed's schema 1.0.0 (`schema_version`, `timestamp`, `compute_path`,
 * `backend`, `kernels`, `deterministic`, `performance_baseline`), with
 * gst-bitnet's additions kept apart in a `gst_bitnet` object (latency
 * percentiles, every raw sample, prefill, CPU use, model and machine
 * fingerprints, thread count, strict and deterministic settings, quantizer
 * accuracy, fraction of the bandwidth ceiling). Schema:
 * docs/schemas/receipt.schema.json.
 *
 * The receipt is written at end of stream and, in a pipeline, put in
 * place only when the whole pipeline has succeeded (two-phase commit: a
 * failure in another branch, such as baseline-sink refusing too few runs,
 * discards it). A pipeline that fails or is cancelled never leaves a
 * receipt claiming success: by default nothing is written (an older
 * receipt stays as it was); with #BnReceiptSink:write-failed a receipt
 * marked `"status": "failed"` without performance figures is written.
 *
 * With #BnReceiptSink:signing-key (default `BITNET_SIGNING_KEY`) the
 * receipt is also signed: a DSSE envelope beside it (`X.json` ->
 * `X.dsse.json`) holds an in-toto statement binding the receipt file's
 * SHA-256, the receipt itself, the model fingerprint, the build, the machine
 * and the time, signed with Ed25519. Make keys with `bn-key generate`; a
 * secret key readable by others is refused. See docs/receipts.md.
 */

struct _BnReceiptSink {
  BnElement parent_instance;
  char *location;
  char *signing_key;
  gboolean write_failed;
  char *written; /* the receipt as written at end of stream */
  GPtrArray *runs;
  gboolean finished;
};

G_DEFINE_FINAL_TYPE (BnReceiptSink, bn_receipt_sink, BN_TYPE_ELEMENT)

enum { PROP_0, PROP_LOCATION, PROP_WRITE_FAILED, PROP_SIGNING_KEY, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
bn_receipt_sink_finalize (GObject *object)
{
  BnReceiptSink *self = BN_RECEIPT_SINK (object);
  g_free (self->location);
  g_free (self->signing_key);
  g_free (self->written);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  G_OBJECT_CLASS (bn_receipt_sink_parent_class)->finalize (object);
}

static void
bn_receipt_sink_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnReceiptSink *self = BN_RECEIPT_SINK (object);
  switch (id) {
  case PROP_LOCATION: g_value_set_string (value, self->location); break;
  case PROP_WRITE_FAILED: g_value_set_boolean (value, self->write_failed); break;
  case PROP_SIGNING_KEY: g_value_set_string (value, self->signing_key); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_receipt_sink_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnReceiptSink *self = BN_RECEIPT_SINK (object);
  switch (id) {
  case PROP_LOCATION:
    g_free (self->location);
    self->location = g_value_dup_string (value);
    break;
  case PROP_WRITE_FAILED: self->write_failed = g_value_get_boolean (value); break;
  case PROP_SIGNING_KEY:
    g_free (self->signing_key);
    self->signing_key = g_value_dup_string (value);
    break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static double
median_of (GPtrArray *runs, BnRunField field)
{
  g_autoptr (GArray) v = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < runs->len; i++) {
    if (bn_run_record_has (runs->pdata[i], field)) {
      double d = bn_run_record_get_double (runs->pdata[i], field, 0);
      g_array_append_val (v, d);
    }
  }
  /* a member no run has reads 0, as receipts always wrote it */
  return v->len ? bn_stats_median ((const double *) v->data, v->len) : 0;
}

static JsonNode *
copy_field (JsonObject *o, BnRunField field)
{
  JsonNode *n = json_object_get_member (o, bn_run_field_name (field));
  return n ? json_node_copy (n) : json_node_new (JSON_NODE_NULL);
}

/* The receipt of @runs (bench/run records, at least one). */
JsonObject *
bn_receipt_build (GPtrArray *runs, BnStrictFlags strict)
{
  JsonObject *first = bn_record_get_object (runs->pdata[0]);
  JsonObject *r = json_object_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *ts = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");

  json_object_set_string_member (r, "schema_version", "1.0.0");
  json_object_set_string_member (r, "timestamp", ts);
  /* the compute path is "real" only if every run says so */
  const char *path = "real";
  for (guint i = 0; i < runs->len; i++) {
    const char *p = bn_run_record_get_string (runs->pdata[i], BN_RUN_FIELD_COMPUTE_PATH);
    if (g_strcmp0 (p, "real"))
      path = p ? p : "unknown";
  }
  json_object_set_string_member (r, "compute_path", path);
  json_object_set_member (r, "backend", copy_field (first, BN_RUN_FIELD_BACKEND));
  /* every kernel any run invoked, in first-seen order */
  JsonArray *kernels = json_array_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < runs->len; i++) {
    JsonArray *k = bn_run_record_get_array (runs->pdata[i], BN_RUN_FIELD_KERNELS);
    for (guint j = 0; k && j < json_array_get_length (k); j++) {
      const char *name = json_array_get_string_element (k, j);
      if (g_hash_table_add (seen, (gpointer) name))
        json_array_add_string_element (kernels, name);
    }
  }
  json_object_set_array_member (r, "kernels", kernels);
  json_object_set_boolean_member (r, "deterministic",
                                  bn_run_object_get_boolean (first, BN_RUN_FIELD_DETERMINISTIC, FALSE));

  JsonObject *pb = json_object_new ();
  json_object_set_int_member (pb, "tokens_generated", bn_run_object_get_int (first, BN_RUN_FIELD_TOKENS_GENERATED, 0));
  json_object_set_double_member (pb, "total_time_ms", median_of (runs, BN_RUN_FIELD_TOTAL_TIME_MS));
  json_object_set_double_member (pb, "tokens_per_second", median_of (runs, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND));
  json_object_set_double_member (pb, "first_token_latency_ms", median_of (runs, BN_RUN_FIELD_FIRST_TOKEN_LATENCY_MS));
  json_object_set_double_member (pb, "average_token_latency_ms",
                                 median_of (runs, BN_RUN_FIELD_AVERAGE_TOKEN_LATENCY_MS));
  double mem = 0;
  for (guint i = 0; i < runs->len; i++)
    mem = MAX (mem,
               bn_run_record_get_double (runs->pdata[i], BN_RUN_FIELD_PEAK_MEMORY_MB,
                                         bn_run_record_get_double (runs->pdata[i], BN_RUN_FIELD_MEMORY_USAGE_MB, 0)));
  json_object_set_double_member (pb, "memory_usage_mb", mem);
  json_object_set_object_member (r, "performance_baseline", pb);

  /* gst-bitnet's additions */
  JsonObject *x = json_object_new ();
  json_object_set_string_member (x, "status", "success");
  json_object_set_int_member (x, "iterations", runs->len);
  json_object_set_int_member (x, "tokens_requested", bn_run_object_get_int (first, BN_RUN_FIELD_TOKENS_REQUESTED, 0));
  json_object_set_member (x, "threads", copy_field (first, BN_RUN_FIELD_THREADS));
  g_autoptr (GArray) lat = g_array_new (FALSE, FALSE, sizeof (double));
  JsonArray *iters = json_array_new ();
  for (guint i = 0; i < runs->len; i++) {
    JsonObject *o = bn_record_get_object (runs->pdata[i]);
    json_array_add_object_element (iters, json_object_ref (o));
    JsonArray *a = bn_run_record_get_array (runs->pdata[i], BN_RUN_FIELD_DECODE_LATENCY_MS);
    for (guint j = 0; a && j < json_array_get_length (a); j++) {
      double d = json_array_get_double_element (a, j);
      g_array_append_val (lat, d);
    }
  }
  bn_doubles_sort ((double *) lat->data, lat->len);
  JsonObject *l = json_object_new ();
  json_object_set_double_member (l, "p50_ms", bn_percentile ((const double *) lat->data, lat->len, 50));
  json_object_set_double_member (l, "p95_ms", bn_percentile ((const double *) lat->data, lat->len, 95));
  json_object_set_double_member (l, "p99_ms", bn_percentile ((const double *) lat->data, lat->len, 99));
  json_object_set_int_member (l, "samples", lat->len);
  json_object_set_object_member (x, "latency", l);
  JsonObject *pf = json_object_new ();
  json_object_set_int_member (pf, "tokens", bn_run_object_get_int (first, BN_RUN_FIELD_PROMPT_TOKENS, 0));
  json_object_set_double_member (pf, "tokens_per_second", median_of (runs, BN_RUN_FIELD_PREFILL_TOKENS_PER_SECOND));
  json_object_set_double_member (pf, "ms", median_of (runs, BN_RUN_FIELD_PREFILL_MS));
  json_object_set_object_member (x, "prefill", pf);
  json_object_set_double_member (x, "cpu_utilization_percent", median_of (runs, BN_RUN_FIELD_CPU_UTILIZATION_PERCENT));
  JsonObject *model = json_object_new ();
  json_object_set_member (model, "fingerprint", copy_field (first, BN_RUN_FIELD_MODEL_FINGERPRINT));
  json_object_set_member (model, "architecture", copy_field (first, BN_RUN_FIELD_MODEL_ARCHITECTURE));
  json_object_set_member (model, "weight_format", copy_field (first, BN_RUN_FIELD_WEIGHT_FORMAT));
  json_object_set_double_member (model, "load_time_ms", median_of (runs, BN_RUN_FIELD_MODEL_LOAD_TIME_MS));
  json_object_set_object_member (x, "model", model);
  json_object_set_object_member (x, "machine", bn_machine_info ());
  JsonObject *settings = json_object_new ();
  g_autofree char *sf = g_flags_to_string (BN_TYPE_STRICT_FLAGS, strict);
  json_object_set_string_member (settings, "strict_gates", strict ? sf : "none");
  json_object_set_boolean_member (settings, "strict_mode", bn_env_is_true ("BITNET_STRICT_MODE"));
  json_object_set_boolean_member (settings, "deterministic_env", bn_env_is_true ("BITNET_DETERMINISTIC"));
  json_object_set_member (settings, "seed", copy_field (first, BN_RUN_FIELD_SEED));
  json_object_set_member (settings, "greedy", copy_field (first, BN_RUN_FIELD_GREEDY));
  json_object_set_object_member (x, "settings", settings);
  if (bn_run_object_has (first, BN_RUN_FIELD_QUANTIZER_ACCURACY))
    json_object_set_member (x, "accuracy", copy_field (first, BN_RUN_FIELD_QUANTIZER_ACCURACY));
  JsonObject *bw = json_object_new ();
  json_object_set_member (bw, "bytes_per_token", copy_field (first, BN_RUN_FIELD_BYTES_PER_TOKEN));
  json_object_set_double_member (bw, "read_bandwidth_gb_per_s", median_of (runs, BN_RUN_FIELD_READ_BANDWIDTH_GB_PER_S));
  json_object_set_double_member (bw, "ceiling_tokens_per_second",
                                 median_of (runs, BN_RUN_FIELD_CEILING_TOKENS_PER_SECOND));
  json_object_set_double_member (bw, "fraction_of_ceiling", median_of (runs, BN_RUN_FIELD_FRACTION_OF_CEILING));
  json_object_set_object_member (x, "bandwidth", bw);
  json_object_set_array_member (x, "runs", iters);
  json_object_set_object_member (r, "gst_bitnet", x);
  return r;
}

static gboolean
bn_receipt_sink_start (BnElement *element, GError **error)
{
  BnReceiptSink *self = BN_RECEIPT_SINK (element);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  self->runs = g_ptr_array_new_with_free_func (g_object_unref);
  self->finished = FALSE;
  if (!self->location || !*self->location) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS, _("receipt-sink needs location=FILE"));
    return FALSE;
  }
  return TRUE;
}

static BnFlowReturn
bn_receipt_sink_chain (BnElement *element, BnPad *pad, BnItem *item)
{
  BnReceiptSink *self = BN_RECEIPT_SINK (element);
  if (!BN_IS_RECORD (item) || g_strcmp0 (bn_caps_get_media_type (bn_item_get_caps (item), 0), BN_RUN_MEDIA_TYPE)) {
    g_object_unref (item);
    return BN_FLOW_OK;
  }
  g_autoptr (GError) error = NULL;
  if (!bn_run_check_types (BN_RECORD (item), &error)) {
    g_object_unref (item);
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  g_ptr_array_add (self->runs, item);
  return BN_FLOW_OK;
}

/* signs the receipt as written (@bytes: the file's contents): an envelope
 * beside it */
static BnFlowReturn
sign (BnReceiptSink *self, JsonObject *receipt, const char *bytes)
{
  BnElement *element = BN_ELEMENT (self);
  g_autoptr (GError) error = NULL;
  gsize len = strlen (bytes);
  g_autoptr (BnSigningKey) key = bn_signing_key_load (self->signing_key, &error);
  if (!key) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS, _("Cannot sign the receipt %s: %s"),
                      self->location, error->message);
    return BN_FLOW_ERROR;
  }
  g_autofree char *digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) bytes, len);
  g_autofree char *name = g_path_get_basename (self->location);
  g_autoptr (JsonObject) env = bn_receipt_sign (key, receipt, name, digest);
  g_autofree char *path = bn_receipt_envelope_path (self->location);
  if (!bn_json_write_deferred (path, env, &error)) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot write the envelope %s: %s"), path,
                      error->message);
    return BN_FLOW_ERROR;
  }
  g_autofree char *who = bn_signing_key_describe (key);
  g_autofree char *text = g_strdup_printf (_("receipt signed by %s: %s"), who, path);
  bn_element_post_info (element, text);
  return BN_FLOW_OK;
}

static BnFlowReturn
bn_receipt_sink_finish (BnElement *element)
{
  BnReceiptSink *self = BN_RECEIPT_SINK (element);
  g_autoptr (GError) error = NULL;
  self->finished = TRUE;
  if (!self->runs->len) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_FAILED,
                      _("No run reached receipt-sink: nothing measured, no receipt written to %s"), self->location);
    return BN_FLOW_ERROR;
  }
  g_autoptr (JsonObject) r = bn_receipt_build (self->runs, bn_strict_flags_from_env ());
  /* signed as serialized here: in a pipeline the file reaches its place
   * only when the whole run has succeeded */
  g_autofree char *bytes = bn_json_to_text (r, &error);
  if (!bytes || !bn_file_replace_contents_deferred (self->location, bytes, -1, &error)) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot write the receipt %s: %s"),
                      self->location, error->message);
    return BN_FLOW_ERROR;
  }
  g_free (self->written);
  self->written = g_strdup (bytes);
  g_autofree char *text = g_strdup_printf (_("receipt written to %s (%u runs)"), self->location, self->runs->len);
  bn_element_post_info (element, text);
  return self->signing_key && *self->signing_key ? sign (self, r, bytes) : BN_FLOW_OK;
}

static void
bn_receipt_sink_stop (BnElement *element)
{
  BnReceiptSink *self = BN_RECEIPT_SINK (element);
  g_autofree char *written = g_steal_pointer (&self->written);
  if (!self->write_failed)
    return;
  /* the receipt reached its place only if the whole run succeeded (the
   * pipeline's two-phase commit); otherwise it claims nothing */
  g_autofree char *on_disk = NULL;
  if (self->finished && written && g_file_get_contents (self->location, &on_disk, NULL, NULL)
      && !strcmp (on_disk, written))
    return;
  /* the run did not succeed: say so, and claim nothing */
  g_autoptr (JsonObject) r = json_object_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *ts = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  json_object_set_string_member (r, "schema_version", "1.0.0");
  json_object_set_string_member (r, "timestamp", ts);
  json_object_set_string_member (r, "compute_path", "none");
  json_object_set_array_member (r, "kernels", json_array_new ());
  JsonObject *x = json_object_new ();
  json_object_set_string_member (x, "status", "failed");
  json_object_set_int_member (x, "runs_received", self->runs ? self->runs->len : 0);
  json_object_set_object_member (x, "machine", bn_machine_info ());
  json_object_set_object_member (r, "gst_bitnet", x);
  g_autoptr (GError) error = NULL;
  if (!bn_json_write_atomic (self->location, r, &error))
    g_warning ("receipt-sink: %s", error->message);
}

static void
bn_receipt_sink_class_init (BnReceiptSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bn_receipt_sink_finalize;
  object_class->get_property = bn_receipt_sink_get_property;
  object_class->set_property = bn_receipt_sink_set_property;
  element_class->start = bn_receipt_sink_start;
  element_class->chain = bn_receipt_sink_chain;
  element_class->finish = bn_receipt_sink_finish;
  element_class->stop = bn_receipt_sink_stop;

  props[PROP_LOCATION] =
      g_param_spec_string ("location", "Location", "Receipt file (written atomically)", "ci/inference.json", rw);
  props[PROP_WRITE_FAILED] = g_param_spec_boolean ("write-failed", "Write failed",
                                                   "When the pipeline fails or is cancelled, write a receipt "
                                                   "marked failed (with no figures) instead of nothing",
                                                   FALSE, rw);
  props[PROP_SIGNING_KEY] = g_param_spec_string ("signing-key", "Signing key",
                                                 "Ed25519 secret key file (made by bn-key generate, mode 0600) "
                                                 "that signs the receipt into X.dsse.json beside it; default "
                                                 "BITNET_SIGNING_KEY, none: unsigned",
                                                 NULL, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Receipt sink", "Sink",
                                 "Writes the measured runs as a receipt (ci/inference.json, schema 1.0.0)",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "sink", BN_PAD_SINK, BN_PAD_ALWAYS, BN_RUN_MEDIA_TYPE);
}

static void
bn_receipt_sink_init (BnReceiptSink *self)
{
  self->location = g_strdup ("ci/inference.json");
  self->signing_key = g_strdup (g_getenv ("BITNET_SIGNING_KEY"));
}
