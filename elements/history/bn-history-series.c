/* gst-bitnet: series of a history, shared by changepoint-analyzer and trend-sink
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-history-elements.h"

#include <string.h>

/* The string @member of @run's `history` member; "" when absent. */
const char *
bn_history_filed (JsonObject *run, const char *member)
{
  JsonObject *h = json_object_has_member (run, "history") ? json_object_get_object_member (run, "history") : NULL;
  JsonNode *n = h ? json_object_get_member (h, member) : NULL;
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n)
                                                                                         : "";
}

/* Groups the records of @runs (BnRecord) by platform, implementation and
 * configuration: fills @by_key (key -> GPtrArray of JsonObject*, not
 * owned) and returns the keys in first-seen order. */
GPtrArray *
bn_history_split_series (GPtrArray *runs, GHashTable *by_key)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < runs->len; i++) {
    JsonObject *o = bn_record_get_object (runs->pdata[i]);
    char *key = g_strjoin ("\n", bn_history_filed (o, "platform"), bn_history_filed (o, "implementation"),
                           bn_history_filed (o, "configuration"), NULL);
    GPtrArray *series = g_hash_table_lookup (by_key, key);
    if (!series) {
      series = g_ptr_array_new ();
      g_hash_table_insert (by_key, g_strdup (key), series);
      g_ptr_array_add (keys, key);
    } else {
      g_free (key);
    }
    g_ptr_array_add (series, o);
  }
  return keys;
}

/* Whether a larger value of @metric is better: rates, fractions and
 * accuracy yes; times, sizes and anything else no. */
gboolean
bn_history_higher_is_better (const char *metric)
{
  return strstr (metric, "per_second") || strstr (metric, "fraction") || strstr (metric, "accuracy")
         || strstr (metric, "cosine");
}

/* The properties of history-sink and history-src: strings, except the one
 * unsigned (busy-timeout) for which @string_slot is NULL. */
void
bn_history_property_get (char **string_slot, guint *uint_slot, GValue *value)
{
  if (string_slot)
    g_value_set_string (value, *string_slot);
  else
    g_value_set_uint (value, *uint_slot);
}

void
bn_history_property_set (char **string_slot, guint *uint_slot, const GValue *value)
{
  if (!string_slot) {
    *uint_slot = g_value_get_uint (value);
    return;
  }
  g_free (*string_slot);
  *string_slot = g_value_dup_string (value);
}
