/* Tests' JSON helpers: loading files and checking them against docs/schemas/.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The JSON Schema subset the schemas use: $ref (#/$defs/...), anyOf, type
 * (one or a list), enum, minimum, maximum, pattern, required, properties,
 * additionalProperties, items. A schema using anything else fails loudly
 * rather than passing by not checking.
 */
#include "bn-test-schema.h"

#include <string.h>

static gboolean
type_ok (JsonNode *n, const char *type)
{
  if (!strcmp (type, "null"))
    return JSON_NODE_HOLDS_NULL (n);
  if (!strcmp (type, "object"))
    return JSON_NODE_HOLDS_OBJECT (n);
  if (!strcmp (type, "array"))
    return JSON_NODE_HOLDS_ARRAY (n);
  if (!JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  GType t = json_node_get_value_type (n);
  if (!strcmp (type, "string"))
    return t == G_TYPE_STRING;
  if (!strcmp (type, "boolean"))
    return t == G_TYPE_BOOLEAN;
  if (!strcmp (type, "integer"))
    return t == G_TYPE_INT64;
  if (!strcmp (type, "number"))
    return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
  g_error ("schema type %s is not supported by the test checker", type);
  return FALSE;
}

static gboolean
is_num (JsonNode *n)
{
  return JSON_NODE_HOLDS_VALUE (n)
         && (json_node_get_value_type (n) == G_TYPE_INT64 || json_node_get_value_type (n) == G_TYPE_DOUBLE);
}

static gboolean
is_string (JsonNode *n)
{
  return JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING;
}

static gboolean validate (JsonNode *n, JsonObject *s, JsonObject *root, const char *path, GString *err);

/* $ref, anyOf and type: whether @n is of the kind @s describes */
static gboolean
validate_kind (JsonNode *n, JsonObject *s, JsonObject *root, const char *path, GString *err)
{
  if (json_object_has_member (s, "$ref")) {
    const char *ref = json_object_get_string_member (s, "$ref");
    if (!g_str_has_prefix (ref, "#/$defs/"))
      g_error ("schema $ref %s is not supported by the test checker", ref);
    JsonObject *target = json_object_get_object_member (json_object_get_object_member (root, "$defs"), ref + 8);
    if (!validate (n, target, root, path, err))
      return FALSE;
  }
  if (json_object_has_member (s, "anyOf")) {
    JsonArray *any = json_object_get_array_member (s, "anyOf");
    gboolean one = FALSE;
    for (guint i = 0; i < json_array_get_length (any) && !one; i++) {
      g_autoptr (GString) ignored = g_string_new (NULL);
      one = validate (n, json_array_get_object_element (any, i), root, path, ignored);
    }
    if (!one) {
      g_string_append_printf (err, "%s: matches none of anyOf; ", path);
      return FALSE;
    }
  }
  if (json_object_has_member (s, "type")) {
    JsonNode *t = json_object_get_member (s, "type");
    gboolean ok = FALSE;
    if (JSON_NODE_HOLDS_ARRAY (t)) {
      for (guint i = 0; i < json_array_get_length (json_node_get_array (t)); i++)
        ok |= type_ok (n, json_array_get_string_element (json_node_get_array (t), i));
    } else {
      ok = type_ok (n, json_node_get_string (t));
    }
    if (!ok) {
      g_string_append_printf (err, "%s: wrong type; ", path);
      return FALSE;
    }
  }
  return TRUE;
}

/* enum, minimum, maximum, pattern: whether the value @n is allowed */
static gboolean
validate_value (JsonNode *n, JsonObject *s, const char *path, GString *err)
{
  if (json_object_has_member (s, "enum")) {
    JsonArray *e = json_object_get_array_member (s, "enum");
    gboolean in = FALSE;
    for (guint i = 0; i < json_array_get_length (e); i++)
      in |= json_node_equal (n, json_array_get_element (e, i));
    if (!in) {
      g_string_append_printf (err, "%s: not one of the allowed values; ", path);
      return FALSE;
    }
  }
  if (is_num (n) && json_object_has_member (s, "minimum")
      && json_node_get_double (n) < json_object_get_double_member (s, "minimum")) {
    g_string_append_printf (err, "%s: below the minimum; ", path);
    return FALSE;
  }
  if (is_num (n) && json_object_has_member (s, "maximum")
      && json_node_get_double (n) > json_object_get_double_member (s, "maximum")) {
    g_string_append_printf (err, "%s: above the maximum; ", path);
    return FALSE;
  }
  if (is_string (n) && json_object_has_member (s, "pattern")
      && !g_regex_match_simple (json_object_get_string_member (s, "pattern"), json_node_get_string (n), 0, 0)) {
    g_string_append_printf (err, "%s: does not match %s; ", path, json_object_get_string_member (s, "pattern"));
    return FALSE;
  }
  return TRUE;
}

/* required, properties, additionalProperties of the object @o */
static gboolean
validate_members (JsonObject *o, JsonObject *s, JsonObject *root, const char *path, GString *err)
{
  gboolean ok = TRUE;
  if (json_object_has_member (s, "required")) {
    JsonArray *r = json_object_get_array_member (s, "required");
    for (guint i = 0; i < json_array_get_length (r); i++)
      if (!json_object_has_member (o, json_array_get_string_element (r, i))) {
        g_string_append_printf (err, "%s: missing %s; ", path, json_array_get_string_element (r, i));
        ok = FALSE;
      }
  }
  JsonObject *props = json_object_has_member (s, "properties") ? json_object_get_object_member (s, "properties") : NULL;
  JsonNode *extra = json_object_get_member (s, "additionalProperties");
  g_autoptr (GList) names = json_object_get_members (o);
  for (GList *l = names; l; l = l->next) {
    g_autofree char *p = g_strdup_printf ("%s.%s", path, (char *) l->data);
    if (props && json_object_has_member (props, l->data))
      ok &=
          validate (json_object_get_member (o, l->data), json_object_get_object_member (props, l->data), root, p, err);
    else if (extra && JSON_NODE_HOLDS_VALUE (extra) && !json_node_get_boolean (extra)) {
      g_string_append_printf (err, "%s: not allowed; ", p);
      ok = FALSE;
    } else if (extra && JSON_NODE_HOLDS_OBJECT (extra))
      ok &= validate (json_object_get_member (o, l->data), json_node_get_object (extra), root, p, err);
  }
  return ok;
}

static gboolean
validate (JsonNode *n, JsonObject *s, JsonObject *root, const char *path, GString *err)
{
  if (!validate_kind (n, s, root, path, err) || !validate_value (n, s, path, err))
    return FALSE;
  gboolean ok = TRUE;
  if (JSON_NODE_HOLDS_OBJECT (n))
    ok = validate_members (json_node_get_object (n), s, root, path, err);
  if (JSON_NODE_HOLDS_ARRAY (n) && json_object_has_member (s, "items")) {
    JsonArray *a = json_node_get_array (n);
    for (guint i = 0; i < json_array_get_length (a); i++) {
      g_autofree char *p = g_strdup_printf ("%s[%u]", path, i);
      ok &= validate (json_array_get_element (a, i), json_object_get_object_member (s, "items"), root, p, err);
    }
  }
  return ok;
}

/* The JSON document at @path (transfer full); the test fails if it cannot
 * be read or parsed. */
JsonNode *
bn_test_json_load (const char *path)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  g_autoptr (GError) error = NULL;
  if (!json_parser_load_from_file (p, path, &error))
    g_error ("cannot load %s: %s", path, error->message);
  return json_node_copy (json_parser_get_root (p));
}

/* docs/schemas/@name of the source tree (transfer full). */
JsonNode *
bn_test_schema_load (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "docs", "schemas", name, NULL);
  return bn_test_json_load (path);
}

/* Whether @instance satisfies @schema; when not, what does not is appended
 * to @err ("$.member[2]: wrong type; "). */
gboolean
bn_test_schema_validate (JsonNode *schema, JsonNode *instance, GString *err)
{
  JsonObject *root = json_node_get_object (schema);
  return validate (instance, root, root, "$", err);
}

/* Fails the test unless the JSON file @path satisfies @schema. */
void
bn_test_schema_assert_valid (JsonNode *schema, const char *path)
{
  g_autoptr (JsonNode) n = bn_test_json_load (path);
  g_autoptr (GString) err = g_string_new (NULL);
  if (!bn_test_schema_validate (schema, n, err))
    g_error ("%s does not validate: %s", path, err->str);
}
