/* gst-bitnet: a structured result flowing between elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-record.h"
#include "bn-json-private.h"

#include <gst-bitnet/bn-file-private.h>

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

/**
 * SECTION:bn-record
 * @title: BnRecord
 * @short_description: a measured result as a JSON object
 *
 * Results of benchmarks (`bench/kernel` from `kernel-bench`, for instance)
 * travel as records: a JSON object plus caps naming what it is. Sinks
 * print and write them without knowing every field; the fields of each
 * media type are documented in docs/schemas/.
 */

/**
 * BnRecord:
 *
 * A structured result: a JSON object with caps.
 *
 * Since: 0.1
 */
struct _BnRecord {
  BnItem parent_instance;
  JsonObject *object;
};

G_DEFINE_FINAL_TYPE (BnRecord, bn_record, BN_TYPE_ITEM)

static void
bn_record_finalize (GObject *object)
{
  g_clear_pointer (&BN_RECORD (object)->object, json_object_unref);
  G_OBJECT_CLASS (bn_record_parent_class)->finalize (object);
}

static void
bn_record_class_init (BnRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bn_record_finalize;
}

static void
bn_record_init (BnRecord *self)
{
}

/**
 * bn_record_new:
 * @media_type: what the record is, e.g. `bench/kernel`
 * @object: (transfer full): its fields
 *
 * Creates a new record; @object must not be changed once the record is pushed.
 *
 * Returns: (transfer full): a new record; @object must not be changed
 *   once the record is pushed.
 *
 * Since: 0.1
 */
BnRecord *
bn_record_new (const char *media_type, JsonObject *object)
{
  g_return_val_if_fail (media_type && object, NULL);
  g_autoptr (BnCaps) caps = bn_caps_new_simple (media_type, NULL, NULL);
  BnRecord *r = g_object_new (BN_TYPE_RECORD, "caps", caps, NULL);
  r->object = object;
  return r;
}

/**
 * bn_record_get_object:
 * @record: a record
 *
 * Gets its fields (read-only).
 *
 * Returns: (transfer none): its fields (read-only).
 *
 * Since: 0.1
 */
JsonObject *
bn_record_get_object (BnRecord *record)
{
  g_return_val_if_fail (BN_IS_RECORD (record), NULL);
  return record->object;
}

/**
 * bn_record_get_double:
 * @record: a record
 * @member: a top-level member name
 * @fallback: returned when the member is absent or not a number
 *
 * Gets the member's value as a double.
 *
 * Returns: the member's value as a double.
 *
 * Since: 0.1
 */
double
bn_record_get_double (BnRecord *record, const char *member, double fallback)
{
  g_return_val_if_fail (BN_IS_RECORD (record), fallback);
  JsonNode *n = json_object_get_member (record->object, member);
  if (!n || JSON_NODE_TYPE (n) != JSON_NODE_VALUE)
    return fallback;
  GType t = json_node_get_value_type (n);
  if (t == G_TYPE_DOUBLE || t == G_TYPE_INT64)
    return json_node_get_double (n);
  return fallback;
}

/**
 * bn_record_get_string:
 * @record: a record
 * @member: a top-level member name
 *
 * Gets the member's string, or %NULL.
 *
 * Returns: (transfer none) (nullable): the member's string, or %NULL.
 *
 * Since: 0.1
 */
const char *
bn_record_get_string (BnRecord *record, const char *member)
{
  g_return_val_if_fail (BN_IS_RECORD (record), NULL);
  JsonNode *n = json_object_get_member (record->object, member);
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n)
                                                                                         : NULL;
}

/**
 * bn_record_to_json:
 * @record: a record
 * @pretty: indent the output
 *
 * Gets the record's fields as JSON text.
 *
 * Returns: (transfer full): the record's fields as JSON text.
 *
 * Since: 0.1
 */
char *
bn_record_to_json (BnRecord *record, gboolean pretty)
{
  g_return_val_if_fail (BN_IS_RECORD (record), NULL);
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, record->object);
  return json_to_string (node, pretty);
}

/**
 * bn_json_write_atomic:
 * @path: the file to write
 * @object: its content
 * @error: return location for a #GError
 *
 * Writes @object as indented JSON to @path, creating directories, through a
 * temporary file renamed over @path: readers see the old file or the new
 * one, never a part. A @path that exists and is not a regular file (a
 * symbolic link, device node, FIFO, directory) is refused and left as it
 * is; `-` writes to standard output. An @object holding NaN or an infinity
 * is refused (JSON cannot represent them) and nothing is written.
 *
 * Returns: %TRUE on success.
 *
 * Since: 0.1
 */
gboolean
bn_json_write_atomic (const char *path, JsonObject *object, GError **error)
{
  g_autofree char *text = bn_json_to_text (object, error);
  return text && bn_file_replace_contents (path, text, -1, error);
}
