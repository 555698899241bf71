/* gst-bitnet: baselines-src, reads a baselines file back as runs
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-regression-elements.h"
#include <gst-bitnet/bench/bn-baselines-private.h>
#include <gst-bitnet/bench/bn-json-private.h>
#include <gst-bitnet/bench/bn-signing-private.h>

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/**
 * SECTION:element-baselines-src
 * @title: baselines-src
 *
 * Reads a baselines file (`crossval/baselines.json`, as baseline-sink and
 * `scripts/generate-performance-baselines.sh` write it) and pushes the runs
 * each baseline was made of as `bench/run` records, so that baselines kept
 * before the history existed go into it with one pipeline:
 *
 * |[
 * bn-launch baselines-src location=crossval/baselines.json ! history-sink
 * ]|
 *
 * A baseline with per-run samples gives one run per sample: its decode
 * speed, median token latency, first-token latency, peak memory, CPU share,
 * accuracy and, when the per-token latencies divide evenly, that run's own
 * latencies; the configuration (format, threads, tokens, prompt, executor,
 * seed) and the model fingerprint come from the baseline. A baseline of
 * point values only (the seed's format) gives one run of them, marked
 * `baseline_one_sample`. Every run carries its provenance as receipt-src's
 * runs do: `source` (the file, platform and implementation), the baseline's
 * machine (`receipt_machine`, with the platform) and date
 * (`receipt_timestamp`), and `baseline_implementation`, which history-sink
 * files the run under when its implementation is auto.
 *
 * A baseline of mock runs (`compute_path` other than "real") is pushed as it
 * is and refused by whatever would keep it (history-sink, baseline-sink).
 * A malformed file is an error naming it and the member.
 */

struct _BnBaselinesSrc {
  BnElement parent_instance;
  char *location, *platform, *implementation;
  JsonObject *root;
  GPtrArray *entries; /* (platform, implementation) pairs still to push, as "p\nimpl" */
  guint next;
};

G_DEFINE_FINAL_TYPE (BnBaselinesSrc, bn_baselines_src, BN_TYPE_ELEMENT)

enum { PROP_0, PROP_LOCATION, PROP_PLATFORM, PROP_IMPLEMENTATION, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
bn_baselines_src_finalize (GObject *object)
{
  BnBaselinesSrc *self = BN_BASELINES_SRC (object);
  g_free (self->location);
  g_free (self->platform);
  g_free (self->implementation);
  g_clear_pointer (&self->root, json_object_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  G_OBJECT_CLASS (bn_baselines_src_parent_class)->finalize (object);
}

static char **
slot (BnBaselinesSrc *self, guint id)
{
  return id == PROP_LOCATION ? &self->location : id == PROP_PLATFORM ? &self->platform : &self->implementation;
}

static void
bn_baselines_src_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  g_value_set_string (value, *slot (BN_BASELINES_SRC (object), id));
}

static void
bn_baselines_src_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  char **s = slot (BN_BASELINES_SRC (object), id);
  g_free (*s);
  *s = g_value_dup_string (value);
}

static gboolean
matches (const char *want, const char *name)
{
  return !want || !*want || !strcmp (want, "all") || !strcmp (want, name);
}

static gboolean
bn_baselines_src_start (BnElement *element, GError **error)
{
  BnBaselinesSrc *self = BN_BASELINES_SRC (element);
  g_clear_pointer (&self->root, json_object_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  self->next = 0;
  if (!self->location || !*self->location) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS, _("baselines-src needs location=FILE"));
    return FALSE;
  }
  self->root = bn_baselines_load (self->location, error);
  if (!self->root)
    return FALSE;
  self->entries = g_ptr_array_new_with_free_func (g_free);
  JsonObject *platforms = json_object_get_object_member (self->root, "baselines");
  g_autoptr (GList) pnames = json_object_get_members (platforms);
  for (GList *p = pnames; p; p = p->next) {
    JsonNode *pn = json_object_get_member (platforms, p->data);
    if (!matches (self->platform, p->data) || !JSON_NODE_HOLDS_OBJECT (pn))
      continue;
    g_autoptr (GList) inames = json_object_get_members (json_node_get_object (pn));
    for (GList *i = inames; i; i = i->next)
      if (matches (self->implementation, i->data)
          && JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (pn), i->data)))
        g_ptr_array_add (self->entries, g_strdup_printf ("%s\n%s", (char *) p->data, (char *) i->data));
  }
  if (!self->entries->len) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                 _("The baselines file %s holds no baseline for platform %s, implementation %s"), self->location,
                 self->platform ? self->platform : "all", self->implementation ? self->implementation : "all");
    return FALSE;
  }
  return TRUE;
}

/* sample @i of @key, else (one-sample baselines) the headline figure */
static double
sample_at (JsonObject *entry, const char *key, guint i, guint n_runs)
{
  g_autoptr (GArray) v = bn_baseline_entry_samples (entry, key);
  if (v && v->len == n_runs)
    return g_array_index (v, double, i);
  return n_runs == 1 && !v ? bn_baseline_entry_headline (entry, key) : NAN;
}

static void
set_if_finite (BnRecord *run, BnRunField field, double value)
{
  if (isfinite (value))
    bn_run_record_set_double (run, field, value);
}

/* One run of the baseline: run @i of @n_runs; @tokens the pooled per-token
 * latencies (nullable), @one_sample when the baseline keeps no samples. */
static BnRecord *
run_of (BnBaselinesSrc *self, const char *platform, const char *impl, JsonObject *entry, guint i, guint n_runs,
        GArray *tokens, gboolean one_sample)
{
  BnRecord *run = bn_run_record_new ();
  JsonObject *o = bn_record_get_object (run);
  /* the configuration and identity the baseline recorded, where they are run fields */
  guint n_copied;
  const BnRunField *copied = bn_baseline_config_fields (&n_copied);
  JsonNode *cn = json_object_get_member (entry, "config");
  JsonObject *config = cn && JSON_NODE_HOLDS_OBJECT (cn) ? json_node_get_object (cn) : NULL;
  for (guint k = 0; config && k < n_copied; k++) {
    JsonNode *v = json_object_get_member (config, bn_run_field_name (copied[k]));
    if (v && JSON_NODE_HOLDS_VALUE (v))
      json_object_set_member (o, bn_run_field_name (copied[k]), json_node_copy (v));
  }
  const char *path = bn_baseline_entry_string (entry, "compute_path");
  bn_run_record_set_string (run, BN_RUN_FIELD_COMPUTE_PATH, path ? path : "(none)");
  const char *fp = bn_baseline_entry_string (entry, "model_fingerprint");
  if (fp)
    bn_run_record_set_string (run, BN_RUN_FIELD_MODEL_FINGERPRINT, fp);
  gint64 req = bn_run_record_get_int (run, BN_RUN_FIELD_TOKENS_REQUESTED, -1);
  if (req >= 0)
    bn_run_record_set_int (run, BN_RUN_FIELD_TOKENS_GENERATED, req); /* baselines keep complete runs only */
  bn_run_record_set_int (run, BN_RUN_FIELD_ITERATION, i);

  const BnMetricInfo *tput = bn_metric_info (BN_METRIC_THROUGHPUT);
  set_if_finite (run, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, sample_at (entry, tput->key, i, n_runs));
  set_if_finite (run, BN_RUN_FIELD_LATENCY_P50_MS,
                 sample_at (entry, bn_metric_info (BN_METRIC_LATENCY_P50)->key, i, n_runs));
  set_if_finite (run, BN_RUN_FIELD_FIRST_TOKEN_LATENCY_MS,
                 sample_at (entry, bn_metric_info (BN_METRIC_FIRST_TOKEN)->key, i, n_runs));
  set_if_finite (run, BN_RUN_FIELD_PEAK_MEMORY_MB,
                 sample_at (entry, bn_metric_info (BN_METRIC_MEMORY)->key, i, n_runs));
  double share = sample_at (entry, BN_SAMPLES_CPU_SHARE, i, n_runs);
  double threads = (double) MAX (bn_run_record_get_int (run, BN_RUN_FIELD_THREADS, 1), 1);
  set_if_finite (run, BN_RUN_FIELD_CPU_UTILIZATION_PERCENT, share * 100 * threads);
  double cosine = sample_at (entry, bn_metric_info (BN_METRIC_ACCURACY)->key, i, n_runs);
  if (isfinite (cosine)) {
    JsonObject *acc = json_object_new ();
    json_object_set_double_member (acc, "cosine-min", cosine);
    json_object_set_object_member (o, bn_run_field_name (BN_RUN_FIELD_QUANTIZER_ACCURACY), acc);
  }
  /* this run's own per-token latencies, when the pooled samples split evenly */
  if (tokens && req > 1 && tokens->len == n_runs * (guint) (req - 1)) {
    guint per = (guint) (req - 1);
    json_object_set_array_member (o, bn_run_field_name (BN_RUN_FIELD_DECODE_LATENCY_MS),
                                  bn_json_doubles ((const double *) tokens->data + (gsize) i * per, per));
  }

  /* provenance, as receipt-src marks its runs */
  g_autofree char *source = g_strdup_printf ("%s#%s/%s", self->location, platform, impl);
  json_object_set_string_member (o, BN_RUN_SOURCE, source);
  /* a copy of its own: the platform is added to it */
  JsonNode *mn = json_object_get_member (entry, "machine");
  JsonObject *machine = json_object_new ();
  if (mn && JSON_NODE_HOLDS_OBJECT (mn)) {
    JsonObject *from = json_node_get_object (mn);
    g_autoptr (GList) names = json_object_get_members (from);
    for (GList *l = names; l; l = l->next) {
      JsonNode *v = json_object_get_member (from, l->data);
      if (JSON_NODE_HOLDS_VALUE (v))
        json_object_set_member (machine, l->data, json_node_copy (v));
    }
  }
  json_object_set_string_member (machine, "platform", platform);
  json_object_set_object_member (o, BN_RUN_RECEIPT_MACHINE, machine);
  const char *date = bn_baseline_entry_string (entry, "date");
  if (date)
    json_object_set_string_member (o, BN_RUN_RECEIPT_TIMESTAMP, date);
  json_object_set_string_member (o, BN_RUN_BASELINE_IMPLEMENTATION, impl);
  if (one_sample)
    json_object_set_boolean_member (o, BN_RUN_BASELINE_ONE_SAMPLE, TRUE);
  return run;
}

static BnFlowReturn
bn_baselines_src_produce (BnElement *element)
{
  BnBaselinesSrc *self = BN_BASELINES_SRC (element);
  if (self->next >= self->entries->len)
    return BN_FLOW_EOS;
  g_auto (GStrv) key = g_strsplit (self->entries->pdata[self->next++], "\n", 2);
  JsonObject *entry = bn_baselines_lookup (self->root, key[0], key[1]);
  const BnMetricInfo *tput = bn_metric_info (BN_METRIC_THROUGHPUT);
  g_autoptr (GArray) speeds = bn_baseline_entry_samples (entry, tput->key);
  guint n_runs = speeds ? speeds->len : 1;
  /* the pooled per-token latencies, split back per run below */
  g_autoptr (GArray) tokens = bn_baseline_entry_samples (entry, BN_SAMPLES_PER_TOKEN);
  if (!speeds && !isfinite (bn_baseline_entry_headline (entry, tput->key))) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                      _("The baselines file %s: baseline %s/%s has no %s, neither samples nor a figure"),
                      self->location, key[0], key[1], tput->key);
    return BN_FLOW_ERROR;
  }
  BnFlowReturn ret = BN_FLOW_OK;
  for (guint i = 0; i < n_runs && ret == BN_FLOW_OK; i++) {
    g_autoptr (BnRecord) run = run_of (self, key[0], key[1], entry, i, n_runs, tokens, !speeds);
    g_autofree char *where =
        g_strdup_printf (_("The baselines file %s, baseline %s/%s, run %u"), self->location, key[0], key[1], i);
    g_autoptr (GError) error = NULL;
    if (!bn_run_record_check (bn_record_get_object (run), where, &error)) {
      bn_element_post_error (element, error, NULL);
      return BN_FLOW_ERROR;
    }
    ret = bn_element_push (element, BN_ITEM (g_steal_pointer (&run)));
  }
  return ret;
}

static void
bn_baselines_src_class_init (BnBaselinesSrcClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bn_baselines_src_finalize;
  object_class->get_property = bn_baselines_src_get_property;
  object_class->set_property = bn_baselines_src_set_property;
  element_class->start = bn_baselines_src_start;
  element_class->produce = bn_baselines_src_produce;
  props[PROP_LOCATION] =
      g_param_spec_string ("location", "Location", "The baselines file (crossval/baselines.json)", NULL, rw);
  props[PROP_PLATFORM] =
      g_param_spec_string ("platform", "Platform", "Platform whose baselines are read, or all", "all", rw);
  props[PROP_IMPLEMENTATION] = g_param_spec_string ("implementation", "Implementation",
                                                    "Implementation whose baselines are read, or all", "all", rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Baselines source", "Source",
                                 "Reads a baselines file and pushes the runs of each baseline",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "src", BN_PAD_SRC, BN_PAD_ALWAYS, BN_RUN_MEDIA_TYPE);
}

static void
bn_baselines_src_init (BnBaselinesSrc *self)
{
  self->platform = g_strdup ("all");
  self->implementation = g_strdup ("all");
}
