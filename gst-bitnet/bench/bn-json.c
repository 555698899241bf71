/* gst-bitnet: reading untrusted JSON files and writing ours
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every JSON file the toolkit reads comes through bn_json_load_file(): size
 * and nesting are bounded before parsing, and the records it holds are
 * type-checked against one table before an element reads a member
 * (docs/design/0013-hostile-inputs.md).
 */
#include "config.h"

#include "bn-json-private.h"
#include "bn-signing-private.h"

#include <gst-bitnet/bn-file-private.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

gboolean
bn_json_check_depth (const char *text, gsize length, guint max_depth, const char *what, GError **error)
{
  guint depth = 0;
  gboolean in_string = FALSE;
  for (gsize i = 0; i < length; i++) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        i++;
      else if (c == '"')
        in_string = FALSE;
      continue;
    }
    if (c == '"') {
      in_string = TRUE;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                     _("%s: arrays and objects nest deeper than %u levels at byte %zu"
                        " (no file the toolkit writes comes near; refusing to parse it)"),
                     what, max_depth, i);
        return FALSE;
      }
    } else if ((c == ']' || c == '}') && depth) {
      depth--;
    }
  }
  return TRUE;
}

JsonNode *
bn_json_parse_bounded (const char *text, gsize length, const char *what, GError **error)
{
  if (length > BN_JSON_MAX_SIZE) {
    g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                 _("%s: %zu bytes, more than the limit of %u MiB"), what, length, BN_JSON_MAX_SIZE >> 20);
    return NULL;
  }
  if (memchr (text, '\0', length)) {
    g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                 _("%s: a NUL byte at offset %zu (JSON is text)"), what,
                 (gsize) ((const char *) memchr (text, '\0', length) - text));
    return NULL;
  }
  if (!bn_json_check_depth (text, length, BN_JSON_MAX_DEPTH, what, error))
    return NULL;
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local = NULL;
  if (!json_parser_load_from_data (parser, text, (gssize) length, &local)) {
    g_set_error (error, JSON_PARSER_ERROR, local->code, _("%s is not valid JSON: %s"), what, local->message);
    return NULL;
  }
  JsonNode *root = json_parser_get_root (parser);
  if (!root) {
    g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA, _("%s is empty"), what);
    return NULL;
  }
  return json_node_copy (root);
}

JsonNode *
bn_json_load_file (const char *path, const char *what, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!bn_file_read_bounded (path, what, BN_JSON_MAX_SIZE, &text, &len, error))
    return NULL;
  g_autofree char *display = g_filename_display_name (path);
  return bn_json_parse_bounded (text, len, display, error);
}

/* ---- non-finite numbers --------------------------------------------------------- */

static gboolean
find_non_finite (JsonNode *node, GString *where)
{
  switch (JSON_NODE_TYPE (node)) {
  case JSON_NODE_VALUE:
    return json_node_get_value_type (node) == G_TYPE_DOUBLE && !isfinite (json_node_get_double (node));
  case JSON_NODE_ARRAY: {
    JsonArray *a = json_node_get_array (node);
    for (guint i = 0; i < json_array_get_length (a); i++) {
      gsize len = where->len;
      g_string_append_printf (where, "[%u]", i);
      if (find_non_finite (json_array_get_element (a, i), where))
        return TRUE;
      g_string_truncate (where, len);
    }
    return FALSE;
  }
  case JSON_NODE_OBJECT: {
    JsonObject *o = json_node_get_object (node);
    JsonObjectIter it;
    const char *name;
    JsonNode *member;
    json_object_iter_init (&it, o);
    while (json_object_iter_next (&it, &name, &member)) {
      gsize len = where->len;
      g_string_append_printf (where, "%s%s", len ? "." : "", name);
      if (find_non_finite (member, where))
        return TRUE;
      g_string_truncate (where, len);
    }
    return FALSE;
  }
  default: return FALSE;
  }
}

gboolean
bn_json_check_finite (JsonNode *node, GError **error)
{
  g_autoptr (GString) where = g_string_new (NULL);
  if (!find_non_finite (node, where))
    return TRUE;
  g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED,
               _("The member %s is not a finite number, which JSON cannot hold: a measurement went wrong "
                  "upstream; nothing was written"),
               where->len ? where->str : "(root)");
  return FALSE;
}

char *
bn_json_to_text (JsonObject *object, GError **error)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, object);
  if (!bn_json_check_finite (node, error))
    return NULL;
  g_autofree char *text = json_to_string (node, TRUE);
  return g_strconcat (text, "\n", NULL);
}

JsonArray *
bn_json_doubles (const double *values, guint n)
{
  JsonArray *a = json_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    json_array_add_double_element (a, values[i]);
  return a;
}

/* ---- bench/run records -------------------------------------------------------------- */

typedef enum {
  T_NUMBER,
  T_INT,
  T_STRING,
  T_BOOL,
  T_OBJECT,
  T_NUMBERS, /* array of numbers */
  T_INTS,    /* array of integers */
  T_STRINGS, /* array of strings */
} FieldType;

/* members that receipt-src adds to the runs it reads; the run's own are in BnRunField */
static const struct {
  const char *name;
  FieldType type;
} receipt_fields[] = {
  { BN_RUN_CLAIMED_TPS, T_NUMBER },
  { BN_RUN_SOURCE, T_STRING },
};

static FieldType
scalar_type (GType type)
{
  if (type == G_TYPE_INT64)
    return T_INT;
  if (type == G_TYPE_STRING)
    return T_STRING;
  if (type == G_TYPE_BOOLEAN)
    return T_BOOL;
  return T_NUMBER;
}

/* the type a field of the run-record table must have */
static FieldType
run_field_type (BnRunField field)
{
  GType type = bn_run_field_type (field);
  if (type == JSON_TYPE_OBJECT)
    return T_OBJECT;
  if (type != JSON_TYPE_ARRAY)
    return scalar_type (type);
  switch (scalar_type (bn_run_field_element_type (field))) {
  case T_INT: return T_INTS;
  case T_STRING: return T_STRINGS;
  default: return T_NUMBERS;
  }
}

static const char *const type_names[] = {
  [T_NUMBER] = N_("a number"),           [T_INT] = N_("an integer"),
  [T_STRING] = N_("a string"),           [T_BOOL] = N_("true or false"),
  [T_OBJECT] = N_("an object"),          [T_NUMBERS] = N_("an array of numbers"),
  [T_INTS] = N_("an array of integers"), [T_STRINGS] = N_("an array of strings"),
};

static gboolean
value_is (JsonNode *n, FieldType t)
{
  if (!n)
    return FALSE;
  switch (t) {
  case T_OBJECT: return JSON_NODE_HOLDS_OBJECT (n);
  case T_NUMBERS:
  case T_INTS:
  case T_STRINGS: {
    if (!JSON_NODE_HOLDS_ARRAY (n))
      return FALSE;
    JsonArray *a = json_node_get_array (n);
    FieldType e = t == T_NUMBERS ? T_NUMBER : t == T_INTS ? T_INT : T_STRING;
    for (guint i = 0; i < json_array_get_length (a); i++)
      if (!value_is (json_array_get_element (a, i), e))
        return FALSE;
    return TRUE;
  }
  default: break;
  }
  if (!JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  GType v = json_node_get_value_type (n);
  switch (t) {
  case T_NUMBER: return (v == G_TYPE_DOUBLE && isfinite (json_node_get_double (n))) || v == G_TYPE_INT64;
  case T_INT: return v == G_TYPE_INT64;
  case T_STRING: return v == G_TYPE_STRING;
  case T_BOOL: return v == G_TYPE_BOOLEAN;
  default: return FALSE;
  }
}

/* the members of quantizer_accuracy that elements read */
static const struct {
  const char *name;
  FieldType type;
} accuracy_fields[] = {
  { "pass", T_BOOL },         { "format", T_STRING }, { "tolerance", T_NUMBER }, { "output-rel-mse", T_NUMBER },
  { "cosine-min", T_NUMBER },
};

static gboolean
member_check (JsonObject *record, const char *name, FieldType type, const char *where, GError **error)
{
  JsonNode *n = json_object_get_member (record, name);
  if (n && !value_is (n, type)) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                 _("%s: the member \"%s\" must be %s (docs/schemas/bench-run.md)"), where, name, _ (type_names[type]));
    return FALSE;
  }
  return TRUE;
}

gboolean
bn_run_record_check (JsonObject *record, const char *where, GError **error)
{
  for (BnRunField f = 0; f < BN_RUN_N_FIELDS; f++)
    if (!member_check (record, bn_run_field_name (f), run_field_type (f), where, error))
      return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (receipt_fields); i++)
    if (!member_check (record, receipt_fields[i].name, receipt_fields[i].type, where, error))
      return FALSE;
  JsonNode *an = json_object_get_member (record, bn_run_field_name (BN_RUN_FIELD_QUANTIZER_ACCURACY));
  for (guint i = 0; an && i < G_N_ELEMENTS (accuracy_fields); i++) {
    JsonNode *n = json_object_get_member (json_node_get_object (an), accuracy_fields[i].name);
    if (n && !value_is (n, accuracy_fields[i].type)) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                   _("%s: the member \"quantizer_accuracy.%s\" must be %s (docs/schemas/bench-run.md)"), where,
                   accuracy_fields[i].name, _ (type_names[accuracy_fields[i].type]));
      return FALSE;
    }
  }
  return TRUE;
}

gboolean
bn_run_check_types (BnRecord *run, GError **error)
{
  const char *source = bn_record_get_string (run, BN_RUN_SOURCE);
  g_autofree char *where = source ? g_strdup_printf (_("A run from %s"), source) : g_strdup (_("A run"));
  return bn_run_record_check (bn_record_get_object (run), where, error);
}

gboolean
bn_json_write_deferred (const char *path, JsonObject *object, GError **error)
{
  g_autofree char *text = bn_json_to_text (object, error);
  return text && bn_file_replace_contents_deferred (path, text, -1, error);
}

static GType
value_type (JsonObject *object, const char *member)
{
  JsonNode *n = object ? json_object_get_member (object, member) : NULL;
  return n && JSON_NODE_HOLDS_VALUE (n) ? json_node_get_value_type (n) : G_TYPE_INVALID;
}

const char *
bn_json_string_or (JsonObject *object, const char *member, const char *fallback)
{
  return value_type (object, member) == G_TYPE_STRING ? json_object_get_string_member (object, member) : fallback;
}

gint64
bn_json_int_or (JsonObject *object, const char *member, gint64 fallback)
{
  return value_type (object, member) == G_TYPE_INT64 ? json_object_get_int_member (object, member) : fallback;
}

double
bn_json_double_or (JsonObject *object, const char *member, double fallback)
{
  GType t = value_type (object, member);
  return t == G_TYPE_DOUBLE || t == G_TYPE_INT64 ? json_object_get_double_member (object, member) : fallback;
}

gboolean
bn_json_boolean_or (JsonObject *object, const char *member, gboolean fallback)
{
  return value_type (object, member) == G_TYPE_BOOLEAN ? json_object_get_boolean_member (object, member) : fallback;
}

/* The member's object, or %NULL (absent, another type, or @object %NULL). */
JsonObject *
bn_json_object_or (JsonObject *object, const char *member)
{
  JsonNode *n = object ? json_object_get_member (object, member) : NULL;
  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

/* The member's array, or %NULL (absent, another type, or @object %NULL). */
JsonArray *
bn_json_array_or (JsonObject *object, const char *member)
{
  JsonNode *n = object ? json_object_get_member (object, member) : NULL;
  return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}
