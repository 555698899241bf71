/* gst-bitnet: history-src, reads runs back from the history database
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-history-elements.h"
#include "bn-history-db.h"

#include <glib/gi18n-lib.h>

/**
 * SECTION:element-history-src
 * @title: history-src
 *
 * Selects runs from a history database (see history-sink) and pushes them
 * as `bench/run` records in history order (commit date, then the order
 * they were recorded), like receipt-src. Each record is the one stored,
 * plus a `history` member with what it was filed under: `run_id`,
 * `recorded_at`, `platform`, `machine`, `implementation`, `configuration`,
 * `commit`, `commit_date`, `model_fingerprint`, `strict_outcome` and
 * `ceiling_tokens_per_second`.
 *
 * Every filter property left empty selects everything; #BnHistorySrc:from
 * and #BnHistorySrc:to bound a commit range (prefixes of commit ids).
 *
 * |[
 * bn-launch history-src platform=linux-x86_64 metric=decode_tokens_per_second ! changepoint-analyzer
 * ]|
 */

struct _BnHistorySrc {
  BnElement parent_instance;
  char *location, *platform, *implementation, *configuration, *metric, *since, *until, *from, *to;
  guint busy_timeout;
  GPtrArray *runs;
  guint next;
};

G_DEFINE_FINAL_TYPE (BnHistorySrc, bn_history_src, BN_TYPE_ELEMENT)

enum {
  PROP_0,
  PROP_LOCATION,
  PROP_PLATFORM,
  PROP_IMPLEMENTATION,
  PROP_CONFIGURATION,
  PROP_METRIC,
  PROP_SINCE,
  PROP_UNTIL,
  PROP_FROM,
  PROP_TO,
  PROP_BUSY_TIMEOUT,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

static char **
string_slot (BnHistorySrc *self, guint id)
{
  char **slots[] = { NULL,          &self->location, &self->platform, &self->implementation, &self->configuration,
                     &self->metric, &self->since,    &self->until,    &self->from,           &self->to };
  return id < G_N_ELEMENTS (slots) ? slots[id] : NULL;
}

static void
bn_history_src_finalize (GObject *object)
{
  BnHistorySrc *self = BN_HISTORY_SRC (object);
  for (guint id = PROP_LOCATION; id <= PROP_TO; id++)
    g_free (*string_slot (self, id));
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  G_OBJECT_CLASS (bn_history_src_parent_class)->finalize (object);
}

static void
bn_history_src_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnHistorySrc *self = BN_HISTORY_SRC (object);
  bn_history_property_get (string_slot (self, id), &self->busy_timeout, value);
}

static void
bn_history_src_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnHistorySrc *self = BN_HISTORY_SRC (object);
  bn_history_property_set (string_slot (self, id), &self->busy_timeout, value);
}

static gboolean
bn_history_src_start (BnElement *element, GError **error)
{
  BnHistorySrc *self = BN_HISTORY_SRC (element);
  if (!self->location || !*self->location) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("history-src needs location=FILE or postgresql://..."));
    return FALSE;
  }
  g_autoptr (BnHistoryDb) db = bn_history_db_open (self->location, FALSE, self->busy_timeout, error);
  if (!db)
    return FALSE;
  BnHistoryQuery q = {
    .platform = self->platform,
    .implementation = self->implementation,
    .configuration = self->configuration,
    .metric = self->metric,
    .since = self->since,
    .until = self->until,
    .from = self->from,
    .to = self->to,
  };
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  self->runs = bn_history_db_select (db, &q, error);
  self->next = 0;
  return self->runs != NULL;
}

static BnFlowReturn
bn_history_src_produce (BnElement *element)
{
  BnHistorySrc *self = BN_HISTORY_SRC (element);
  if (self->next >= self->runs->len)
    return BN_FLOW_EOS;
  JsonObject *o = json_object_ref (self->runs->pdata[self->next++]);
  return bn_element_push (element, BN_ITEM (bn_record_new (BN_RUN_MEDIA_TYPE, o)));
}

static void
bn_history_src_class_init (BnHistorySrcClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bn_history_src_finalize;
  object_class->get_property = bn_history_src_get_property;
  object_class->set_property = bn_history_src_set_property;
  element_class->start = bn_history_src_start;
  element_class->produce = bn_history_src_produce;

  props[PROP_LOCATION] =
      g_param_spec_string ("location", "Location", "History database: a SQLite file or postgresql://user@host/db",
                           BN_HISTORY_DEFAULT_LOCATION, rw);
  props[PROP_PLATFORM] =
      g_param_spec_string ("platform", "Platform", "Only runs of this platform (empty: all)", NULL, rw);
  props[PROP_IMPLEMENTATION] = g_param_spec_string ("implementation", "Implementation",
                                                    "Only runs of this implementation (empty: all)", NULL, rw);
  props[PROP_CONFIGURATION] = g_param_spec_string ("configuration", "Configuration",
                                                   "Only runs of this configuration, e.g. \"i2s t2 n64 p128\" "
                                                   "(empty: all)",
                                                   NULL, rw);
  props[PROP_METRIC] = g_param_spec_string ("metric", "Metric",
                                            "Only runs that measured this metric, e.g. decode_tokens_per_second "
                                            "(empty: all)",
                                            NULL, rw);
  props[PROP_SINCE] = g_param_spec_string ("since", "Since",
                                           "Only runs whose commit date is at or after this UTC date "
                                           "(ISO 8601 prefix, e.g. 2026-11-01)",
                                           NULL, rw);
  props[PROP_UNTIL] = g_param_spec_string ("until", "Until",
                                           "Only runs whose commit date is at or before this UTC date "
                                           "(ISO 8601; 2026-12-01T23:59:59Z includes that whole day)",
                                           NULL, rw);
  props[PROP_FROM] =
      g_param_spec_string ("from", "From commit", "First commit of the range (a prefix of its id)", NULL, rw);
  props[PROP_TO] = g_param_spec_string ("to", "To commit", "Last commit of the range (a prefix of its id)", NULL, rw);
  props[PROP_BUSY_TIMEOUT] = g_param_spec_uint (
      "busy-timeout", "Busy timeout", "Milliseconds to wait while a writer holds the database", 0, 3600000, 10000, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "History source", "Source",
                                 "Selects runs from the history database and pushes them in history order",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "src", BN_PAD_SRC, BN_PAD_ALWAYS, BN_RUN_MEDIA_TYPE);
}

static void
bn_history_src_init (BnHistorySrc *self)
{
  self->location = g_strdup (BN_HISTORY_DEFAULT_LOCATION);
  self->busy_timeout = 10000;
}
