/* gst-bitnet: receipt-src, reads receipts back as runs
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-receipt-elements.h"
#include <gst-bitnet/bench/bn-signing-private.h>

#include <gst-bitnet/bench/bn-json-private.h>
#include <gst-bitnet/bn-file-private.h>

#include <glib/gi18n-lib.h>
#include <string.h>
#include <stdlib.h>
#include <math.h>

/**
 * SECTION:element-receipt-src
 * @title: receipt-src
 *
 * Reads receipts (#BnReceiptSrc:location: one or more files separated by
 * commas, each possibly a glob such as `ci/run-*.json`) and pushes their runs
 * as `bench/run` records, so that receipts made elsewhere go through the
 * same strict validation and regression analysis as live runs. A
 * gst-bitnet receipt gives back every run it recorded; a receipt with only
 * the seed's schema-1.0.0 fields gives one run made of them; a performance
 * report (`performance-report.json` from report-sink, recognised by its
 * `benchmarks` member) gives back the runs it summarises. Every receipt run
 * carries the receipt's headline claim (`claimed_tokens_per_second`) so an
 * edited headline cannot hide behind honest runs.
 *
 * Each run also carries the SHA-256 of the file's bytes, its index in the
 * receipt, the receipt's timestamp and, when a signed envelope lies beside
 * the receipt (`X.json` -> `X.dsse.json`), that envelope, so that
 * strict-validator and baseline-sink can check the signature and that the
 * run is the one signed. Members of these names inside the file are
 * replaced, never believed.
 *
 * Malformed JSON or a missing field is an error naming the file and field.
 */

struct _BnReceiptSrc {
  BnElement parent_instance;
  char **locations;
  GPtrArray *files;
  guint next;
};

G_DEFINE_FINAL_TYPE (BnReceiptSrc, bn_receipt_src, BN_TYPE_ELEMENT)

enum { PROP_0, PROP_LOCATION, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
bn_receipt_src_finalize (GObject *object)
{
  BnReceiptSrc *self = BN_RECEIPT_SRC (object);
  g_strfreev (self->locations);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  G_OBJECT_CLASS (bn_receipt_src_parent_class)->finalize (object);
}

static void
bn_receipt_src_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  g_value_set_boxed (value, BN_RECEIPT_SRC (object)->locations);
}

static void
bn_receipt_src_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnReceiptSrc *self = BN_RECEIPT_SRC (object);
  g_strfreev (self->locations);
  self->locations = g_value_dup_boxed (value);
}

static int
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static gboolean
bn_receipt_src_start (BnElement *element, GError **error)
{
  BnReceiptSrc *self = BN_RECEIPT_SRC (element);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  self->files = g_ptr_array_new_with_free_func (g_free);
  self->next = 0;
  for (guint i = 0; self->locations && self->locations[i]; i++) {
    const char *loc = self->locations[i];
    if (!strpbrk (loc, "*?[")) {
      g_ptr_array_add (self->files, g_strdup (loc));
      continue;
    }
    g_autofree char *dir = g_path_get_dirname (loc);
    g_autofree char *pattern = g_path_get_basename (loc);
    g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
    guint before = self->files->len;
    for (const char *n; d && (n = g_dir_read_name (d));)
      if (g_pattern_match_simple (pattern, n))
        g_ptr_array_add (self->files, g_build_filename (dir, n, NULL));
    if (self->files->len == before) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("No receipt matches %s"), loc);
      return FALSE;
    }
    /* globbed files in a stable order */
    qsort (self->files->pdata + before, self->files->len - before, sizeof (gpointer), cmp_str);
  }
  if (!self->files->len) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS, _("receipt-src needs location=FILE[,FILE...]"));
    return FALSE;
  }
  return TRUE;
}

static const char *const required[] = { "schema_version", "timestamp",     "compute_path",         "backend",
                                        "kernels",        "deterministic", "performance_baseline", NULL };
static const char *const required_pb[] = { "tokens_generated",
                                           "total_time_ms",
                                           "tokens_per_second",
                                           "first_token_latency_ms",
                                           "average_token_latency_ms",
                                           "memory_usage_mb",
                                           NULL };

typedef struct {
  const char *file;
  double claimed;
  char *sha256;
  JsonNode *timestamp;
  JsonNode *envelope;
  JsonNode *machine; /* gst_bitnet.machine: where the runs were measured */
} Origin;

/* what a run says of the file it came from: set here, whatever the file holds */
static void
mark_origin (JsonObject *o, const Origin *origin, gint64 index)
{
  json_object_set_string_member (o, BN_RUN_SOURCE, origin->file);
  static const char *const filing[] = { BN_RUN_BASELINE_IMPLEMENTATION, BN_RUN_BASELINE_ONE_SAMPLE };
  for (guint i = 0; i < G_N_ELEMENTS (filing); i++)
    if (json_object_has_member (o, filing[i]))
      json_object_remove_member (o, filing[i]);
  json_object_set_double_member (o, BN_RUN_CLAIMED_TPS, origin->claimed);
  json_object_set_string_member (o, BN_RUN_RECEIPT_SHA256, origin->sha256);
  json_object_set_int_member (o, BN_RUN_RECEIPT_INDEX, index);
  json_object_set_member (o, BN_RUN_RECEIPT_TIMESTAMP,
                          origin->timestamp ? json_node_copy (origin->timestamp) : json_node_new (JSON_NODE_NULL));
  if (origin->machine)
    json_object_set_member (o, BN_RUN_RECEIPT_MACHINE, json_node_copy (origin->machine));
  else if (json_object_has_member (o, BN_RUN_RECEIPT_MACHINE))
    json_object_remove_member (o, BN_RUN_RECEIPT_MACHINE);
  if (origin->envelope)
    json_object_set_member (o, BN_RUN_ENVELOPE, json_node_copy (origin->envelope));
  else if (json_object_has_member (o, BN_RUN_ENVELOPE))
    json_object_remove_member (o, BN_RUN_ENVELOPE);
}
/* the seed's top-level members this element reads, with their types */
static const struct {
  const char *name;
  GType type;
  const char *what;
} seed_types[] = {
  { "schema_version", G_TYPE_STRING, N_("a string") },      { "timestamp", G_TYPE_STRING, N_("a string") },
  { "compute_path", G_TYPE_STRING, N_("a string") },        { "backend", G_TYPE_STRING, N_("a string") },
  { "deterministic", G_TYPE_BOOLEAN, N_("true or false") }, { NULL },
};

/* A performance report (report-sink) holds its runs under gst_bitnet.runs;
 * it makes no headline claim of its own. */
static BnFlowReturn
push_report_runs (BnElement *element, const char *file, JsonObject *x)
{
  JsonNode *n = x ? json_object_get_member (x, "runs") : NULL;
  JsonArray *runs = n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
  if (!runs || !json_array_get_length (runs)) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                      _("Performance report %s holds no runs (field \"gst_bitnet.runs\"): it was written "
                         "by another tool or an older report-sink; give the receipt instead"),
                      file);
    return BN_FLOW_ERROR;
  }
  BnFlowReturn ret = BN_FLOW_OK;
  for (guint i = 0; i < json_array_get_length (runs) && ret == BN_FLOW_OK; i++) {
    JsonNode *e = json_array_get_element (runs, i);
    if (!JSON_NODE_HOLDS_OBJECT (e)) {
      BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                        _("Performance report %s: run %u is not a JSON object"), file, i);
      return BN_FLOW_ERROR;
    }
    JsonNode *copy = json_node_copy (e);
    JsonObject *o = json_node_dup_object (copy);
    json_node_unref (copy);
    json_object_set_string_member (o, BN_RUN_SOURCE, file);
    ret = bn_element_push (element, BN_ITEM (bn_record_new (BN_RUN_MEDIA_TYPE, o)));
  }
  return ret;
}

static BnFlowReturn
bn_receipt_src_produce (BnElement *element)
{
  BnReceiptSrc *self = BN_RECEIPT_SRC (element);
  if (self->next >= self->files->len)
    return BN_FLOW_EOS;
  const char *file = self->files->pdata[self->next++];
  g_autoptr (GError) error = NULL;
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_autoptr (JsonNode) root = NULL;
  if (bn_file_read_bounded (file, _("receipt"), BN_JSON_MAX_SIZE, &bytes, &len, &error))
    root = bn_json_parse_bounded (bytes, len, file, &error);
  if (!root) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot read receipt %s: %s"), file,
                      error->message);
    return BN_FLOW_ERROR;
  }
  if (!JSON_NODE_HOLDS_OBJECT (root)) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Receipt %s is not a JSON object"), file);
    return BN_FLOW_ERROR;
  }
  JsonObject *r = json_node_get_object (root);
  JsonNode *xn = json_object_get_member (r, "gst_bitnet");
  if (xn && !JSON_NODE_HOLDS_OBJECT (xn)) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                      _("Receipt %s: field \"gst_bitnet\" must be an object"), file);
    return BN_FLOW_ERROR;
  }
  JsonObject *x = xn ? json_node_get_object (xn) : NULL;
  if (json_object_has_member (r, "benchmarks"))
    return push_report_runs (element, file, x);
  JsonNode *status = x ? json_object_get_member (x, "status") : NULL;
  if (status && JSON_NODE_HOLDS_VALUE (status) && json_node_get_value_type (status) == G_TYPE_STRING
      && !g_strcmp0 (json_node_get_string (status), "failed")) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_FAILED,
                      _("Receipt %s records a failed run: it holds no figures"), file);
    return BN_FLOW_ERROR;
  }
  for (guint i = 0; required[i]; i++)
    if (!json_object_has_member (r, required[i])) {
      BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                        _("Receipt %s has no field \"%s\" (schema 1.0.0 requires it)"), file, required[i]);
      return BN_FLOW_ERROR;
    }
  JsonNode *pbn = json_object_get_member (r, "performance_baseline");
  if (!JSON_NODE_HOLDS_OBJECT (pbn)) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                      _("Receipt %s: field \"performance_baseline\" must be an object"), file);
    return BN_FLOW_ERROR;
  }
  JsonObject *pb = json_node_get_object (pbn);
  for (guint i = 0; required_pb[i]; i++) {
    JsonNode *n = json_object_get_member (pb, required_pb[i]);
    if (!n || !JSON_NODE_HOLDS_VALUE (n)
        || (json_node_get_value_type (n) != G_TYPE_DOUBLE && json_node_get_value_type (n) != G_TYPE_INT64)
        || !isfinite (json_node_get_double (n))) {
      BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                        _("Receipt %s: field \"performance_baseline.%s\" is missing or not a finite number"), file,
                        required_pb[i]);
      return BN_FLOW_ERROR;
    }
  }
  if (!JSON_NODE_HOLDS_ARRAY (json_object_get_member (r, "kernels"))) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                      _("Receipt %s: field \"kernels\" must be an array"), file);
    return BN_FLOW_ERROR;
  }
  for (guint i = 0; seed_types[i].name; i++) {
    JsonNode *n = json_object_get_member (r, seed_types[i].name);
    if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != seed_types[i].type) {
      BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Receipt %s: field \"%s\" must be %s"), file,
                        seed_types[i].name, _ (seed_types[i].what));
      return BN_FLOW_ERROR;
    }
  }
  double claimed = json_object_get_double_member (pb, "tokens_per_second");
  g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) bytes, len);
  JsonNode *machine = x ? json_object_get_member (x, "machine") : NULL;
  Origin origin = { file, claimed,
                    sha,  json_object_get_member (r, "timestamp"),
                    NULL, machine && JSON_NODE_HOLDS_OBJECT (machine) ? machine : NULL };
  g_autoptr (JsonNode) envelope = NULL;
  g_autofree char *envpath = bn_receipt_envelope_path (file);
  if (g_file_test (envpath, G_FILE_TEST_EXISTS)) {
    envelope = bn_json_load_file (envpath, _("envelope"), &error);
    if (!envelope || !JSON_NODE_HOLDS_OBJECT (envelope)) {
      BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot read the envelope %s: %s"), envpath,
                        error ? error->message : _("not a JSON object"));
      return BN_FLOW_ERROR;
    }
    origin.envelope = envelope;
  }
  JsonNode *runs_node = x ? json_object_get_member (x, "runs") : NULL;
  if (runs_node && !JSON_NODE_HOLDS_ARRAY (runs_node)) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                      _("Receipt %s: field \"gst_bitnet.runs\" must be an array of runs"), file);
    return BN_FLOW_ERROR;
  }
  JsonArray *runs = runs_node ? json_node_get_array (runs_node) : NULL;
  BnFlowReturn ret = BN_FLOW_OK;
  if (runs && json_array_get_length (runs)) {
    for (guint i = 0; i < json_array_get_length (runs) && ret == BN_FLOW_OK; i++) {
      JsonNode *run = json_array_get_element (runs, i);
      g_autofree char *where = g_strdup_printf (_("Receipt %s, run %u"), file, i);
      if (!JSON_NODE_HOLDS_OBJECT (run)) {
        BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("%s is not an object"), where);
        return BN_FLOW_ERROR;
      }
      JsonObject *o = json_node_dup_object (run);
      mark_origin (o, &origin, i);
      if (!bn_run_record_check (o, where, &error)) {
        json_object_unref (o);
        bn_element_post_error (element, error, NULL);
        return BN_FLOW_ERROR;
      }
      ret = bn_element_push (element, BN_ITEM (bn_record_new (BN_RUN_MEDIA_TYPE, o)));
    }
    return ret;
  }
  /* the seed's fields only: one run made of them */
  g_autoptr (BnRecord) run = bn_run_record_new ();
  JsonObject *o = bn_record_get_object (run);
  bn_run_record_set_string (run, BN_RUN_FIELD_COMPUTE_PATH, json_object_get_string_member (r, "compute_path"));
  json_object_set_member (o, bn_run_field_name (BN_RUN_FIELD_BACKEND),
                          json_node_copy (json_object_get_member (r, "backend")));
  json_object_set_member (o, bn_run_field_name (BN_RUN_FIELD_KERNELS),
                          json_node_copy (json_object_get_member (r, "kernels")));
  bn_run_record_set_boolean (run, BN_RUN_FIELD_DETERMINISTIC, bn_json_boolean_or (r, "deterministic", FALSE));
  gint64 toks = json_object_get_int_member (pb, "tokens_generated");
  bn_run_record_set_int (run, BN_RUN_FIELD_TOKENS_GENERATED, toks);
  bn_run_record_set_int (run, BN_RUN_FIELD_TOKENS_REQUESTED, toks);
  bn_run_record_set_double (run, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, claimed);
  bn_run_record_set_double (run, BN_RUN_FIELD_TOKENS_PER_SECOND, claimed);
  json_object_set_double_member (o, BN_RUN_CLAIMED_TPS, claimed);
  bn_run_record_set_double (run, BN_RUN_FIELD_TOTAL_TIME_MS, json_object_get_double_member (pb, "total_time_ms"));
  bn_run_record_set_double (run, BN_RUN_FIELD_FIRST_TOKEN_LATENCY_MS,
                            json_object_get_double_member (pb, "first_token_latency_ms"));
  bn_run_record_set_double (run, BN_RUN_FIELD_AVERAGE_TOKEN_LATENCY_MS,
                            json_object_get_double_member (pb, "average_token_latency_ms"));
  bn_run_record_set_double (run, BN_RUN_FIELD_MEMORY_USAGE_MB, json_object_get_double_member (pb, "memory_usage_mb"));
  mark_origin (o, &origin, -1);
  if (!bn_run_record_check (o, file, &error)) {
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  return bn_element_push (element, BN_ITEM (g_steal_pointer (&run)));
}

static void
bn_receipt_src_class_init (BnReceiptSrcClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);

  object_class->finalize = bn_receipt_src_finalize;
  object_class->get_property = bn_receipt_src_get_property;
  object_class->set_property = bn_receipt_src_set_property;
  element_class->start = bn_receipt_src_start;
  element_class->produce = bn_receipt_src_produce;
  props[PROP_LOCATION] =
      g_param_spec_boxed ("location", "Location", "Receipt files, comma-separated; each may be a glob (ci/*.json)",
                          G_TYPE_STRV, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Receipt source", "Source",
                                 "Reads receipts (ci/inference.json) and pushes their runs", "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "src", BN_PAD_SRC, BN_PAD_ALWAYS, BN_RUN_MEDIA_TYPE);
}

static void
bn_receipt_src_init (BnReceiptSrc *self)
{
}
