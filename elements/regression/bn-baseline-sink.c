/* gst-bitnet: baseline-sink, turns measured runs into this platform's baseline
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-regression-elements.h"
#include "gst-bitnet/bench/bn-baselines-private.h"

#include <gst-bitnet/bench/bn-json-private.h>
#include <gst-bitnet/bn-file-private.h>
#include <glib/gi18n-lib.h>

/**
 * SECTION:element-baseline-sink
 * @title: baseline-sink
 *
 * Aggregates the measured runs it receives into the baseline of
 * #BnBaselineSink:implementation on #BnBaselineSink:platform (the seed's
 * generate-performance-baselines): the median of each metric, every raw
 * sample (per run, and every per-token decode latency), the number of runs,
 * the date, the build commit, the machine and the model fingerprint. It
 * merges the baseline into #BnBaselineSink:location without touching other
 * platforms or implementations, keeps the `thresholds` block (writing the
 * seed's defaults when there is none), writes the file atomically and keeps
 * the previous one as `<location>.bak`.
 *
 * Runs that strict validation would refuse are refused with a
 * #BN_STRICT_ERROR (bn-launch exits with status 4): not on the real compute
 * path, a mock kernel, fewer tokens than requested, accuracy outside its
 * tolerance. Fewer than #BnBaselineSink:min-runs runs are refused too: the
 * analyzer cannot give a 95% interval from fewer than 6. An existing file
 * that is not a valid baselines file is an error naming it, checked before
 * anything is measured, and it is never overwritten.
 *
 * The read-merge-write runs under an advisory lock (flock() on
 * `<location>.lock`), so that any number of baseline-sinks merging into one
 * file at once lose nothing; a writer that cannot take the lock within
 * #BnBaselineSink:lock-timeout seconds fails with a message naming the lock.
 *
 * |[
 * bn-launch loader fixture=small ! quantizer ! kernel-executor iterations=10 ! baseline-sink
 * ]|
 */

struct _BnBaselineSink {
  BnElement parent_instance;
  char *location, *platform, *implementation;
  guint min_runs;
  guint lock_timeout;
  GPtrArray *runs;
};

G_DEFINE_FINAL_TYPE (BnBaselineSink, bn_baseline_sink, BN_TYPE_ELEMENT)

enum { PROP_0, PROP_LOCATION, PROP_PLATFORM, PROP_IMPLEMENTATION, PROP_MIN_RUNS, PROP_LOCK_TIMEOUT, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
bn_baseline_sink_finalize (GObject *object)
{
  BnBaselineSink *self = BN_BASELINE_SINK (object);
  g_free (self->location);
  g_free (self->platform);
  g_free (self->implementation);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  G_OBJECT_CLASS (bn_baseline_sink_parent_class)->finalize (object);
}

static void
bn_baseline_sink_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnBaselineSink *self = BN_BASELINE_SINK (object);
  switch (id) {
  case PROP_LOCATION: g_value_set_string (value, self->location); break;
  case PROP_PLATFORM: g_value_set_string (value, self->platform); break;
  case PROP_IMPLEMENTATION: g_value_set_string (value, self->implementation); break;
  case PROP_MIN_RUNS: g_value_set_uint (value, self->min_runs); break;
  case PROP_LOCK_TIMEOUT: g_value_set_uint (value, self->lock_timeout); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_baseline_sink_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnBaselineSink *self = BN_BASELINE_SINK (object);
  switch (id) {
  case PROP_LOCATION:
    g_free (self->location);
    self->location = g_value_dup_string (value);
    break;
  case PROP_PLATFORM:
    g_free (self->platform);
    self->platform = g_value_dup_string (value);
    break;
  case PROP_IMPLEMENTATION:
    g_free (self->implementation);
    self->implementation = g_value_dup_string (value);
    break;
  case PROP_MIN_RUNS: self->min_runs = g_value_get_uint (value); break;
  case PROP_LOCK_TIMEOUT: self->lock_timeout = g_value_get_uint (value); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

/* The existing file, or a new empty one when there is none. */
static JsonObject *
load_or_new (const char *path, GError **error)
{
  if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
    JsonObject *o = json_object_new ();
    json_object_set_string_member (o, "version", "1.0.0");
    return o;
  }
  return bn_baselines_load (path, error);
}

/* Under the lock: reads the file again (another platform may have been
 * added while we measured), puts @entry in and writes it back. */
static gboolean
merge_and_save (BnBaselineSink *self, JsonObject *entry, gboolean *had, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (JsonObject) root = load_or_new (self->location, &local);
  if (!root) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("%s; nothing was written"), local->message);
    return FALSE;
  }
  if (!json_object_has_member (root, "version"))
    json_object_set_string_member (root, "version", "1.0.0");
  JsonNode *bn = json_object_get_member (root, "baselines");
  if (!bn) {
    json_object_set_object_member (root, "baselines", json_object_new ());
    bn = json_object_get_member (root, "baselines");
  }
  JsonObject *baselines = json_node_get_object (bn);
  JsonNode *pn = json_object_get_member (baselines, self->platform);
  if (!pn) {
    json_object_set_object_member (baselines, self->platform, json_object_new ());
    pn = json_object_get_member (baselines, self->platform);
  }
  json_object_set_object_member (json_node_get_object (pn), self->implementation, json_object_ref (entry));
  if (!json_object_has_member (root, "thresholds")) {
    BnThresholds t;
    bn_thresholds_init_defaults (&t);
    json_object_set_object_member (root, "thresholds", bn_thresholds_to_json (&t));
  }
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  json_object_set_string_member (root, "updated", date);

  *had = g_file_test (self->location, G_FILE_TEST_EXISTS);
  if (!bn_baselines_save (self->location, root, &local)) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot write the baselines file %s: %s"),
                 self->location, local->message);
    return FALSE;
  }
  return TRUE;
}

static gboolean
bn_baseline_sink_start (BnElement *element, GError **error)
{
  BnBaselineSink *self = BN_BASELINE_SINK (element);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  self->runs = g_ptr_array_new_with_free_func (g_object_unref);
  if (!self->location || !*self->location || !self->platform || !*self->platform || !self->implementation
      || !*self->implementation) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("baseline-sink needs location=FILE, platform=NAME and implementation=NAME"));
    return FALSE;
  }
  /* a corrupt file is found before anything is measured */
  g_autoptr (JsonObject) existing = load_or_new (self->location, error);
  return existing != NULL;
}

static BnFlowReturn
bn_baseline_sink_chain (BnElement *element, BnPad *pad, BnItem *item)
{
  BnBaselineSink *self = BN_BASELINE_SINK (element);
  if (!BN_IS_RECORD (item) || g_strcmp0 (bn_caps_get_media_type (bn_item_get_caps (item), 0), BN_RUN_MEDIA_TYPE)) {
    g_object_unref (item);
    return BN_FLOW_OK;
  }
  g_autoptr (GError) error = NULL;
  if (!bn_run_check_types (BN_RECORD (item), &error)
      || !bn_run_check_strict (BN_RECORD (item), self->runs->len, &error)) {
    g_object_unref (item);
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  g_ptr_array_add (self->runs, item);
  return BN_FLOW_OK;
}

static BnFlowReturn
bn_baseline_sink_finish (BnElement *element)
{
  BnBaselineSink *self = BN_BASELINE_SINK (element);
  g_autoptr (GError) error = NULL;
  if (self->runs->len < self->min_runs) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_FAILED,
                      _("baseline-sink received %u runs; a baseline needs at least %u (min-runs) so that the "
                         "analyzer can give a 95%% interval: run more iterations. %s was left untouched"),
                      self->runs->len, self->min_runs, self->location);
    return BN_FLOW_ERROR;
  }
  g_autoptr (JsonObject) entry = bn_baseline_entry_from_runs (self->runs, &error);
  if (!entry) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("%s; nothing was written"), error->message);
    return BN_FLOW_ERROR;
  }
  gboolean had = FALSE;
  int lock = bn_file_lock (self->location, self->lock_timeout * 1000, &error);
  if (lock < 0) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot write the baselines file %s: %s"),
                      self->location, error->message);
    return BN_FLOW_ERROR;
  }
  gboolean ok = merge_and_save (self, entry, &had, &error);
  bn_file_unlock (lock);
  if (!ok) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, "%s", error->message);
    return BN_FLOW_ERROR;
  }
  g_autofree char *info =
      g_strdup_printf (had ? _("baseline of %s on %s written to %s (%u runs); the previous file "
                                "is %s.bak")
                           : _("baseline of %s on %s written to %s (%u runs)"),
                       self->implementation, self->platform, self->location, self->runs->len, self->location);
  bn_element_post_info (element, info);
  return BN_FLOW_OK;
}

static void
bn_baseline_sink_class_init (BnBaselineSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  g_autofree char *platform = bn_machine_platform ();

  object_class->finalize = bn_baseline_sink_finalize;
  object_class->get_property = bn_baseline_sink_get_property;
  object_class->set_property = bn_baseline_sink_set_property;
  element_class->start = bn_baseline_sink_start;
  element_class->chain = bn_baseline_sink_chain;
  element_class->finish = bn_baseline_sink_finish;

  props[PROP_LOCATION] = g_param_spec_string ("location", "Location",
                                              "Baselines file to merge into (written atomically; the previous one "
                                              "is kept as LOCATION.bak)",
                                              "crossval/baselines.json", rw);
  /* the default is this machine's platform (copied by the param spec) */
  props[PROP_PLATFORM] = g_param_spec_string (
      "platform", "Platform", "Platform key of the baseline, os-arch (default: this machine's)", platform, rw);
  props[PROP_IMPLEMENTATION] = g_param_spec_string (
      "implementation", "Implementation", "Implementation key of the baseline under its platform", "gst-bitnet", rw);
  props[PROP_MIN_RUNS] = g_param_spec_uint ("min-runs", "Minimum runs",
                                            "Fewest runs a baseline may be made of (the analyzer needs 6 per side "
                                            "for a 95% interval)",
                                            1, 100000, 6, rw);
  props[PROP_LOCK_TIMEOUT] = g_param_spec_uint ("lock-timeout", "Lock timeout",
                                                "Seconds to wait for another writer's lock on the baselines file "
                                                "(LOCATION.lock) before failing",
                                                0, 3600, 60, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Baseline sink", "Sink",
                                 "Aggregates measured runs into this platform's baseline and merges it into the "
                                 "baselines file (crossval/baselines.json)",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "sink", BN_PAD_SINK, BN_PAD_ALWAYS, BN_RUN_MEDIA_TYPE);
}

static void
bn_baseline_sink_init (BnBaselineSink *self)
{
  self->location = g_strdup ("crossval/baselines.json");
  self->platform = bn_machine_platform ();
  self->implementation = g_strdup ("gst-bitnet");
  self->min_runs = 6;
  self->lock_timeout = 60;
}
