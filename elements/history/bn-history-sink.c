/* gst-bitnet: history-sink, files every run into the history database
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gst-bitnet/bench/bn-json-private.h>

#include <gst-bitnet/bench/bn-baselines-private.h>
#include <gst-bitnet/bench/bn-signing-private.h>

#include "bn-history-elements.h"
#include "bn-history-db.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

/**
 * SECTION:element-history-sink
 * @title: history-sink
 *
 * Files every run it receives (`bench/run`) into a history database, whole:
 * the record as JSON, and beside it the platform, a fingerprint of the
 * machine, the implementation and configuration, the commit measured and
 * its date, the model fingerprint, the strict-mode flags in effect and the
 * bandwidth ceiling measured in the run; every numeric member again as a
 * metric row and every array of numbers (the per-token latencies) as
 * sample rows.
 *
 * #BnHistorySink:location is a SQLite file (created, in WAL mode, with a
 * versioned schema migrated on open; several processes may write at once)
 * or a `postgresql://` connection string for a history shared by several
 * CI runners. All runs of one pipeline go in one transaction. See
 * docs/history.md.
 *
 * |[
 * bn-launch receipt-src location=ci/inference.json ! history-sink
 * bn-launch baselines-src location=crossval/baselines.json ! history-sink
 * ]|
 *
 * Runs read back from files (receipt-src, baselines-src) are filed where
 * they were measured, not where they are imported: with platform, commit
 * and implementation left auto, the platform, machine fingerprint and build
 * commit come from the machine the file recorded, the implementation from
 * the baselines file, and a commit this checkout does not know is dated by
 * the measurement.
 */

struct _BnHistorySink {
  BnElement parent_instance;
  char *location, *platform, *implementation, *configuration, *commit, *commit_date;
  guint busy_timeout;
  GPtrArray *runs;
};

G_DEFINE_FINAL_TYPE (BnHistorySink, bn_history_sink, BN_TYPE_ELEMENT)

enum {
  PROP_0,
  PROP_LOCATION,
  PROP_PLATFORM,
  PROP_IMPLEMENTATION,
  PROP_CONFIGURATION,
  PROP_COMMIT,
  PROP_COMMIT_DATE,
  PROP_BUSY_TIMEOUT,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

static char **
string_slot (BnHistorySink *self, guint id)
{
  switch (id) {
  case PROP_LOCATION: return &self->location;
  case PROP_PLATFORM: return &self->platform;
  case PROP_IMPLEMENTATION: return &self->implementation;
  case PROP_CONFIGURATION: return &self->configuration;
  case PROP_COMMIT: return &self->commit;
  case PROP_COMMIT_DATE: return &self->commit_date;
  default: return NULL;
  }
}

static void
bn_history_sink_finalize (GObject *object)
{
  BnHistorySink *self = BN_HISTORY_SINK (object);
  for (guint id = PROP_LOCATION; id <= PROP_COMMIT_DATE; id++)
    g_free (*string_slot (self, id));
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  G_OBJECT_CLASS (bn_history_sink_parent_class)->finalize (object);
}

static void
bn_history_sink_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnHistorySink *self = BN_HISTORY_SINK (object);
  bn_history_property_get (string_slot (self, id), &self->busy_timeout, value);
}

static void
bn_history_sink_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnHistorySink *self = BN_HISTORY_SINK (object);
  bn_history_property_set (string_slot (self, id), &self->busy_timeout, value);
}

static gboolean
is_auto (const char *v)
{
  return !v || !*v || !strcmp (v, "auto");
}

/* "2026-12-03T11:00:00+01:00" -> "2026-12-03T10:00:00Z"; NULL if unreadable */
static char *
utc_iso (const char *text)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_iso8601 (text, NULL);
  if (!t)
    return NULL;
  g_autoptr (GDateTime) u = g_date_time_to_utc (t);
  return g_date_time_format (u, "%Y-%m-%dT%H:%M:%SZ");
}

/* @want (a commit, or NULL for the checkout's HEAD) and its commit date,
 * when the working directory is a git checkout that knows it; else @want
 * undated, or without @want the commit the toolkit was built from. */
static void
resolve_commit (const char *want, const char *want_date, char **commit, char **date)
{
  *commit = g_strdup (want);
  *date = want_date ? utc_iso (want_date) : NULL;
  if (*commit && *date)
    return;
  g_autofree char *out = NULL;
  g_autofree char *rev = g_strdup_printf ("%s^{commit}", *commit ? *commit : "HEAD");
  const char *argv[] = { "git", "log", "-1", "--format=%H%n%cI", rev, NULL };
  int status = -1;
  if (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                    NULL, &status, NULL)
      && g_spawn_check_wait_status (status, NULL)) {
    g_auto (GStrv) lines = g_strsplit (g_strstrip (out), "\n", 2);
    if (!*commit && lines[0])
      *commit = g_strdup (lines[0]);
    if (!*date && lines[0] && lines[1])
      *date = utc_iso (lines[1]);
  }
  if (!*commit)
    *commit = g_strdup (bn_build_commit ());
}

/* A short stable fingerprint of a machine description (bn_machine_info()):
 * what decides its speed. */
static char *
machine_fingerprint (JsonObject *info)
{
  static const char *const keys[] = { "cpu_model", "cores", "simd_features", "os", "arch", NULL };
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  for (guint i = 0; keys[i]; i++) {
    JsonNode *n = json_object_get_member (info, keys[i]);
    g_autofree char *v = n ? json_to_string (n, FALSE) : g_strdup ("");
    g_checksum_update (sum, (const guchar *) v, -1);
    g_checksum_update (sum, (const guchar *) "\n", 1);
  }
  return g_strndup (g_checksum_get_string (sum), 16);
}

/* Where a run read from a file was measured (receipt-src and baselines-src
 * set it), or NULL for a run measured in this pipeline. */
static JsonObject *
measured_on (JsonObject *run)
{
  JsonNode *n = json_object_get_member (run, BN_RUN_RECEIPT_MACHINE);
  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

/* "i2s t2 n64 p128": what the numbers of a run depend on, besides code and machine */
static char *
configuration_of (JsonObject *o)
{
  static const struct {
    BnRunField field;
    const char *prefix;
  } parts[] = {
    { BN_RUN_FIELD_WEIGHT_FORMAT, "" },
    { BN_RUN_FIELD_THREADS, "t" },
    { BN_RUN_FIELD_TOKENS_REQUESTED, "n" },
    { BN_RUN_FIELD_PROMPT_TOKENS, "p" },
  };
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++) {
    JsonNode *n = json_object_get_member (o, bn_run_field_name (parts[i].field));
    if (!n || !JSON_NODE_HOLDS_VALUE (n))
      continue;
    if (s->len)
      g_string_append_c (s, ' ');
    if (json_node_get_value_type (n) == G_TYPE_STRING)
      g_string_append_printf (s, "%s%s", parts[i].prefix, json_node_get_string (n));
    else
      g_string_append_printf (s, "%s%" G_GINT64_FORMAT, parts[i].prefix, (gint64) json_node_get_double (n));
  }
  if (!s->len)
    g_string_append (s, "default");
  return g_string_free (s, FALSE);
}

static char *
strict_flags_text (void)
{
  BnStrictFlags flags = bn_strict_flags_from_env ();
  if (!flags)
    return g_strdup ("off");
  g_autoptr (GFlagsClass) klass = g_type_class_ref (bn_strict_flags_get_type ());
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < klass->n_values; i++)
    if (klass->values[i].value && (flags & klass->values[i].value) == klass->values[i].value)
      g_string_append_printf (s, "%s%s", s->len ? "," : "", klass->values[i].value_nick);
  return g_string_free (s, FALSE);
}

static gboolean
bn_history_sink_start (BnElement *element, GError **error)
{
  BnHistorySink *self = BN_HISTORY_SINK (element);
  if (!self->location || !*self->location) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("history-sink needs location=FILE or postgresql://..."));
    return FALSE;
  }
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  self->runs = g_ptr_array_new_with_free_func (g_object_unref);
  return TRUE;
}

static BnFlowReturn
bn_history_sink_chain (BnElement *element, BnPad *pad, BnItem *item)
{
  BnHistorySink *self = BN_HISTORY_SINK (element);
  if (!BN_IS_RECORD (item)) {
    g_object_unref (item);
    return BN_FLOW_OK;
  }
  /* mock runs never enter the history; in strict mode neither do runs of
   * receipts no trusted key signed */
  g_autoptr (GError) error = NULL;
  if (!g_strcmp0 (bn_caps_get_media_type (bn_item_get_caps (item), 0), BN_RUN_MEDIA_TYPE)
      && (!bn_run_check_types (BN_RECORD (item), &error)
          || !bn_run_check_real (BN_RECORD (item), self->runs->len, &error)
          || !bn_run_check_unslowed (BN_RECORD (item), self->runs->len, &error)
          || !bn_run_check_signed (BN_RECORD (item), self->runs->len, &error))) {
    g_object_unref (item);
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  g_ptr_array_add (self->runs, item);
  return BN_FLOW_OK;
}

static BnFlowReturn
bn_history_sink_finish (BnElement *element)
{
  BnHistorySink *self = BN_HISTORY_SINK (element);
  g_autoptr (GError) error = NULL;
  if (!bn_history_location_is_postgres (self->location)) {
    const char *path = g_str_has_prefix (self->location, "sqlite:") ? self->location + 7 : self->location;
    g_autofree char *dir = g_path_get_dirname (path);
    g_mkdir_with_parents (dir, 0755);
  }
  g_autoptr (BnHistoryDb) db = bn_history_db_open (self->location, TRUE, self->busy_timeout, &error);
  if (!db) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, "%s", error->message);
    return BN_FLOW_ERROR;
  }
  g_autofree char *commit = NULL, *date = NULL;
  resolve_commit (is_auto (self->commit) ? NULL : self->commit, is_auto (self->commit_date) ? NULL : self->commit_date,
                  &commit, &date);
  g_autofree char *here = bn_machine_platform ();
  g_autoptr (JsonObject) this_machine = bn_machine_info ();
  g_autofree char *machine = machine_fingerprint (this_machine);
  g_autofree char *strict = strict_flags_text ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *recorded = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *msg = NULL;
  /* commit -> its date, for the commits files recorded (one git call each) */
  g_autoptr (GHashTable) dates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (!bn_history_db_begin (db, &error))
    goto fail;
  for (guint i = 0; i < self->runs->len; i++) {
    BnRecord *run = self->runs->pdata[i];
    JsonObject *o = bn_record_get_object (run);
    JsonObject *where = measured_on (o);
    g_autofree char *config = is_auto (self->configuration) ? configuration_of (o) : g_strdup (self->configuration);
    g_autofree char *their_machine = where ? machine_fingerprint (where) : NULL;
    const char *platform = is_auto (self->platform) ? bn_json_string_or (where, "platform", here) : self->platform;
    const char *impl = is_auto (self->implementation)
                           ? bn_json_string_or (o, BN_RUN_BASELINE_IMPLEMENTATION, BN_BASELINES_IMPLEMENTATION)
                           : self->implementation;
    const char *run_commit = commit, *run_date = date;
    const char *built = is_auto (self->commit) ? bn_json_string_or (where, "build_commit", NULL) : NULL;
    if (built && *built) {
      if (!g_hash_table_contains (dates, built)) {
        g_autofree char *full = NULL, *when = NULL;
        resolve_commit (built, NULL, &full, &when);
        if (!when) /* a commit this checkout does not know: dated by the measurement */
          when = utc_iso (bn_json_string_or (o, BN_RUN_RECEIPT_TIMESTAMP, ""));
        g_hash_table_insert (dates, g_strdup (built), g_steal_pointer (&when));
      }
      run_commit = built;
      run_date = g_hash_table_lookup (dates, built);
    }
    BnHistoryRunInfo info = {
      .recorded_at = recorded,
      .platform = platform,
      .machine = their_machine ? their_machine : machine,
      .implementation = impl,
      .configuration = config,
      .commit = run_commit,
      .commit_date = run_date,
      .model_fingerprint = bn_run_record_get_string (run, BN_RUN_FIELD_MODEL_FINGERPRINT),
      .strict_outcome = strict,
      .ceiling_tokens_per_second = bn_run_record_get_double (run, BN_RUN_FIELD_CEILING_TOKENS_PER_SECOND, NAN),
    };
    if (!bn_history_db_insert (db, &info, o, NULL, &error))
      goto fail;
  }
  if (!bn_history_db_transaction (db, TRUE, &error))
    goto fail;
  if (g_hash_table_size (dates))
    msg = g_strdup_printf (_("history: %u runs recorded in %s, filed under the %u commits their files name"),
                           self->runs->len, self->location, g_hash_table_size (dates));
  else
    msg = g_strdup_printf (_("history: %u runs of commit %.12s recorded in %s"), self->runs->len, commit,
                           self->location);
  bn_element_post_info (element, msg);
  return BN_FLOW_OK;
fail:
  BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, "%s", error->message);
  return BN_FLOW_ERROR;
}

static void
bn_history_sink_class_init (BnHistorySinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bn_history_sink_finalize;
  object_class->get_property = bn_history_sink_get_property;
  object_class->set_property = bn_history_sink_set_property;
  element_class->start = bn_history_sink_start;
  element_class->chain = bn_history_sink_chain;
  element_class->finish = bn_history_sink_finish;

  props[PROP_LOCATION] = g_param_spec_string ("location", "Location",
                                              "History database: a SQLite file, or postgresql://user@host/db "
                                              "(a libpq connection string) for a shared history",
                                              BN_HISTORY_DEFAULT_LOCATION, rw);
  props[PROP_PLATFORM] = g_param_spec_string ("platform", "Platform",
                                              "Platform the runs are filed under: auto (where a run read from a "
                                              "file was measured, else this machine, os-arch) or a name",
                                              "auto", rw);
  props[PROP_IMPLEMENTATION] =
      g_param_spec_string ("implementation", "Implementation",
                           "Implementation the runs are filed under: auto (the one a baselines "
                           "file names for its runs, else gst-bitnet) or a name",
                           "auto", rw);
  props[PROP_CONFIGURATION] = g_param_spec_string ("configuration", "Configuration",
                                                   "Configuration the runs are filed under: auto (weight format, "
                                                   "threads, tokens and prompt length of each run, e.g. "
                                                   "\"i2s t2 n64 p128\") or a name",
                                                   "auto", rw);
  props[PROP_COMMIT] = g_param_spec_string ("commit", "Commit",
                                            "Commit measured: auto (for a run read from a file, the build commit "
                                            "it recorded; else HEAD of the git checkout in the working "
                                            "directory, else the commit bn-launch was built from) or a commit",
                                            "auto", rw);
  props[PROP_COMMIT_DATE] = g_param_spec_string ("commit-date", "Commit date",
                                                 "Date of the commit (ISO 8601): auto (from git) or a date; "
                                                 "runs are ordered by it",
                                                 "auto", rw);
  props[PROP_BUSY_TIMEOUT] =
      g_param_spec_uint ("busy-timeout", "Busy timeout", "Milliseconds to wait while another writer holds the database",
                         0, 3600000, 10000, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "History sink", "Sink",
                                 "Files every run into the history database (SQLite or PostgreSQL)",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "sink", BN_PAD_SINK, BN_PAD_ALWAYS, BN_RUN_MEDIA_TYPE);
}

static void
bn_history_sink_init (BnHistorySink *self)
{
  self->location = g_strdup (BN_HISTORY_DEFAULT_LOCATION);
  self->platform = g_strdup ("auto");
  self->implementation = g_strdup ("auto");
  self->configuration = g_strdup ("auto");
  self->commit = g_strdup ("auto");
  self->commit_date = g_strdup ("auto");
  self->busy_timeout = 10000;
}
