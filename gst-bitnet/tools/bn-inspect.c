/* bn-inspect: describe the available elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gst-bitnet/bn.h>
#include <gst-bitnet/bn-i18n-private.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

static const char *
type_label (GParamSpec *p)
{
  GType t = p->value_type;
  if (t == G_TYPE_BOOLEAN)
    return "Boolean";
  if (t == G_TYPE_INT)
    return "Integer";
  if (t == G_TYPE_UINT)
    return "Unsigned Integer";
  if (t == G_TYPE_LONG)
    return "Long";
  if (t == G_TYPE_ULONG)
    return "Unsigned Long";
  if (t == G_TYPE_INT64)
    return "Integer64";
  if (t == G_TYPE_UINT64)
    return "Unsigned Integer64";
  if (t == G_TYPE_FLOAT)
    return "Float";
  if (t == G_TYPE_DOUBLE)
    return "Double";
  if (t == G_TYPE_STRING)
    return "String";
  if (t == G_TYPE_STRV)
    return "String list";
  if (G_TYPE_IS_ENUM (t))
    return "Enum";
  if (G_TYPE_IS_FLAGS (t))
    return "Flags";
  if (t == BN_TYPE_CAPS)
    return "Caps";
  return g_type_name (t);
}

/* Range as text, or NULL when the type has none. */
static char *
range_text (GParamSpec *p)
{
  const char *u = bn_param_unit_get_suffix (bn_param_spec_get_unit (p));
#define R(TYPE, FMT)                                                                                                   \
  if (G_IS_PARAM_SPEC_##TYPE (p))                                                                                      \
  return g_strdup_printf ("%" FMT "%s - %" FMT "%s", G_PARAM_SPEC_##TYPE (p)->minimum, u,                              \
                          G_PARAM_SPEC_##TYPE (p)->maximum, u)
  R (INT, "d");
  R (UINT, "u");
  R (LONG, "ld");
  R (ULONG, "lu");
  R (INT64, G_GINT64_FORMAT);
  R (UINT64, G_GUINT64_FORMAT);
  R (FLOAT, "g");
  R (DOUBLE, "g");
#undef R
  return NULL;
}

static char **
flag_names (GParamSpec *p)
{
  GPtrArray *a = g_ptr_array_new ();
  if (p->flags & G_PARAM_READABLE)
    g_ptr_array_add (a, g_strdup ("readable"));
  if (p->flags & G_PARAM_WRITABLE)
    g_ptr_array_add (a, g_strdup ("writable"));
  if (p->flags & G_PARAM_CONSTRUCT_ONLY)
    g_ptr_array_add (a, g_strdup ("construct-only"));
  if (p->flags & G_PARAM_DEPRECATED)
    g_ptr_array_add (a, g_strdup ("deprecated"));
  g_ptr_array_add (a, NULL);
  return (char **) g_ptr_array_free (a, FALSE);
}

static JsonNode *
value_to_json (const GValue *v)
{
  JsonNode *n = json_node_new (JSON_NODE_VALUE);
  GType t = G_VALUE_TYPE (v);
  if (t == G_TYPE_BOOLEAN)
    json_node_set_boolean (n, g_value_get_boolean (v));
  else if (t == G_TYPE_INT)
    json_node_set_int (n, g_value_get_int (v));
  else if (t == G_TYPE_UINT)
    json_node_set_int (n, g_value_get_uint (v));
  else if (t == G_TYPE_LONG)
    json_node_set_int (n, g_value_get_long (v));
  else if (t == G_TYPE_ULONG)
    json_node_set_int (n, (gint64) g_value_get_ulong (v));
  else if (t == G_TYPE_INT64)
    json_node_set_int (n, g_value_get_int64 (v));
  else if (t == G_TYPE_UINT64)
    json_node_set_double (n, (double) g_value_get_uint64 (v));
  else if (t == G_TYPE_FLOAT)
    json_node_set_double (n, g_value_get_float (v));
  else if (t == G_TYPE_DOUBLE)
    json_node_set_double (n, g_value_get_double (v));
  else if (t == G_TYPE_STRING) {
    if (g_value_get_string (v))
      json_node_set_string (n, g_value_get_string (v));
    else
      json_node_init_null (n);
  } else {
    g_autofree char *s = bn_value_to_display_string (v);
    json_node_set_string (n, s);
  }
  return n;
}

static int
list_elements (gboolean json)
{
  g_autoptr (GPtrArray) factories = bn_registry_get_factories ();
  g_autoptr (GPtrArray) plugins = bn_registry_get_plugins ();
  if (json) {
    g_autoptr (JsonBuilder) b = json_builder_new ();
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "elements");
    json_builder_begin_array (b);
    for (guint i = 0; i < factories->len; i++) {
      BnElementFactory *f = factories->pdata[i];
      BnPlugin *pl = bn_element_factory_get_plugin (f);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, bn_element_factory_get_name (f));
      json_builder_set_member_name (b, "long-name");
      json_builder_add_string_value (b, bn_element_factory_get_metadata (f, BN_ELEMENT_METADATA_LONGNAME));
      json_builder_set_member_name (b, "klass");
      json_builder_add_string_value (b, bn_element_factory_get_metadata (f, BN_ELEMENT_METADATA_KLASS));
      json_builder_set_member_name (b, "description");
      json_builder_add_string_value (b, bn_element_factory_get_metadata (f, BN_ELEMENT_METADATA_DESCRIPTION));
      json_builder_set_member_name (b, "plugin");
      json_builder_add_string_value (b, pl ? bn_plugin_get_name (pl) : "static");
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
    json_builder_set_member_name (b, "plugin-count");
    json_builder_add_int_value (b, plugins->len);
    json_builder_end_object (b);
    g_autoptr (JsonNode) root = json_builder_get_root (b);
    g_autofree char *s = json_to_string (root, TRUE);
    printf ("%s\n", s);
    return 0;
  }
  for (guint i = 0; i < factories->len; i++) {
    BnElementFactory *f = factories->pdata[i];
    BnPlugin *pl = bn_element_factory_get_plugin (f);
    printf ("%s:  %s: %s\n", pl ? bn_plugin_get_name (pl) : "static", bn_element_factory_get_name (f),
            bn_element_factory_get_metadata (f, BN_ELEMENT_METADATA_DESCRIPTION));
  }
  printf (_("\nTotal count: %u elements in %u plugins\n"), factories->len, plugins->len);
  if (factories->len == 0)
    printf (_("No plugins found: set BN_PLUGIN_PATH to the directory holding them.\n"));
  return 0;
}

static void
describe_json (BnElementFactory *f, BnElement *e)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  BnPlugin *pl = bn_element_factory_get_plugin (f);
  const char *keys[] = { BN_ELEMENT_METADATA_LONGNAME, BN_ELEMENT_METADATA_KLASS, BN_ELEMENT_METADATA_DESCRIPTION,
                         BN_ELEMENT_METADATA_AUTHOR };

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, bn_element_factory_get_name (f));
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++) {
    json_builder_set_member_name (b, keys[i]);
    json_builder_add_string_value (b, bn_element_factory_get_metadata (f, keys[i]));
  }
  json_builder_set_member_name (b, "plugin");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, pl ? bn_plugin_get_name (pl) : "static");
  json_builder_set_member_name (b, "filename");
  json_builder_add_string_value (b, pl ? bn_plugin_get_filename (pl) : NULL);
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, pl ? bn_plugin_get_version (pl) : BN_VERSION);
  json_builder_set_member_name (b, "license");
  json_builder_add_string_value (b, pl ? bn_plugin_get_license (pl) : NULL);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "pad-templates");
  json_builder_begin_array (b);
  g_autoptr (GList) templates = bn_element_factory_get_pad_templates (f);
  for (GList *l = templates; l; l = l->next) {
    g_autofree char *caps = bn_caps_to_string (bn_pad_template_get_caps (l->data));
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "name");
    json_builder_add_string_value (b, bn_pad_template_get_name_template (l->data));
    json_builder_set_member_name (b, "direction");
    json_builder_add_string_value (b, bn_pad_template_get_direction (l->data) == BN_PAD_SRC ? "src" : "sink");
    json_builder_set_member_name (b, "presence");
    json_builder_add_string_value (b, bn_pad_template_get_presence (l->data) == BN_PAD_ALWAYS ? "always" : "request");
    json_builder_set_member_name (b, "caps");
    json_builder_add_string_value (b, caps);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "properties");
  json_builder_begin_array (b);
  guint n = 0;
  g_autofree GParamSpec **specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (e), &n);
  for (guint i = 0; i < n; i++) {
    GParamSpec *p = specs[i];
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "name");
    json_builder_add_string_value (b, p->name);
    json_builder_set_member_name (b, "nick");
    json_builder_add_string_value (b, g_param_spec_get_nick (p));
    json_builder_set_member_name (b, "blurb");
    json_builder_add_string_value (b, g_param_spec_get_blurb (p));
    json_builder_set_member_name (b, "type");
    json_builder_add_string_value (b, type_label (p));
    json_builder_set_member_name (b, "flags");
    json_builder_begin_array (b);
    g_auto (GStrv) flags = flag_names (p);
    for (guint j = 0; flags[j]; j++)
      json_builder_add_string_value (b, flags[j]);
    json_builder_end_array (b);
    json_builder_set_member_name (b, "default");
    json_builder_add_value (b, value_to_json (g_param_spec_get_default_value (p)));
    if (p->flags & G_PARAM_READABLE) {
      GValue v = G_VALUE_INIT;
      g_value_init (&v, p->value_type);
      g_object_get_property (G_OBJECT (e), p->name, &v);
      json_builder_set_member_name (b, "current");
      json_builder_add_value (b, value_to_json (&v));
      g_value_unset (&v);
    }
    g_autofree char *range = range_text (p);
    if (range) {
      json_builder_set_member_name (b, "range");
      json_builder_add_string_value (b, range);
    }
    if (bn_param_spec_get_unit (p) != BN_PARAM_UNIT_NONE) {
      json_builder_set_member_name (b, "unit");
      json_builder_add_string_value (b, bn_param_unit_get_suffix (bn_param_spec_get_unit (p)));
    }
    if (G_IS_PARAM_SPEC_ENUM (p) || G_IS_PARAM_SPEC_FLAGS (p)) {
      json_builder_set_member_name (b, "choices");
      json_builder_begin_array (b);
      if (G_IS_PARAM_SPEC_ENUM (p)) {
        GEnumClass *k = G_PARAM_SPEC_ENUM (p)->enum_class;
        for (guint j = 0; j < k->n_values; j++)
          json_builder_add_string_value (b, k->values[j].value_nick);
      } else {
        GFlagsClass *k = G_PARAM_SPEC_FLAGS (p)->flags_class;
        for (guint j = 0; j < k->n_values; j++)
          json_builder_add_string_value (b, k->values[j].value_nick);
      }
      json_builder_end_array (b);
    }
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);

  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *s = json_to_string (root, TRUE);
  printf ("%s\n", s);
}

static void
describe_text (BnElementFactory *f, BnElement *e)
{
  BnPlugin *pl = bn_element_factory_get_plugin (f);
  printf (_("Factory Details:\n"));
  printf ("  %-20s %s\n", _("Long-name"), bn_element_factory_get_metadata (f, BN_ELEMENT_METADATA_LONGNAME));
  printf ("  %-20s %s\n", _("Klass"), bn_element_factory_get_metadata (f, BN_ELEMENT_METADATA_KLASS));
  printf ("  %-20s %s\n", _("Description"), bn_element_factory_get_metadata (f, BN_ELEMENT_METADATA_DESCRIPTION));
  printf ("  %-20s %s\n\n", _("Author"), bn_element_factory_get_metadata (f, BN_ELEMENT_METADATA_AUTHOR));

  printf (_("Plugin Details:\n"));
  if (pl) {
    printf ("  %-20s %s\n", _("Name"), bn_plugin_get_name (pl));
    printf ("  %-20s %s\n", _("Description"), bn_plugin_get_description (pl));
    printf ("  %-20s %s\n", _("Filename"), bn_plugin_get_filename (pl) ? bn_plugin_get_filename (pl) : _("(static)"));
    printf ("  %-20s %s\n", _("Version"), bn_plugin_get_version (pl));
    printf ("  %-20s %s\n\n", _("License"), bn_plugin_get_license (pl));
  } else {
    printf ("  %s\n\n", _("(registered by the program)"));
  }

  printf (_("Pad Templates:\n"));
  g_autoptr (GList) templates = bn_element_factory_get_pad_templates (f);
  if (!templates)
    printf ("  %s\n", _("none"));
  for (GList *l = templates; l; l = l->next) {
    g_autofree char *caps = bn_caps_to_string (bn_pad_template_get_caps (l->data));
    printf ("  %s template: '%s'\n", bn_pad_template_get_direction (l->data) == BN_PAD_SRC ? "SRC" : "SINK",
            bn_pad_template_get_name_template (l->data));
    printf ("    %s %s\n", _("Availability:"),
            bn_pad_template_get_presence (l->data) == BN_PAD_ALWAYS ? _("Always") : _("On request"));
    printf ("    %s %s\n\n", _("Capabilities:"), caps);
  }

  printf (_("Element Properties:\n"));
  guint n = 0;
  g_autofree GParamSpec **specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (e), &n);
  for (guint i = 0; i < n; i++) {
    GParamSpec *p = specs[i];
    g_auto (GStrv) flags = flag_names (p);
    g_autofree char *flagstr = g_strjoinv (", ", flags);
    g_autofree char *def = bn_value_to_display_string (g_param_spec_get_default_value (p));
    g_autofree char *range = range_text (p);
    printf ("  %-22s: %s\n", p->name, g_param_spec_get_blurb (p));
    printf ("  %-22s  %s %s\n", "", _("flags:"), flagstr);
    printf ("  %-22s  %s", "", type_label (p));
    if (range)
      printf (". %s %s", _("Range:"), range);
    printf (". %s %s", _("Default:"), def);
    if (p->flags & G_PARAM_READABLE) {
      GValue v = G_VALUE_INIT;
      g_value_init (&v, p->value_type);
      g_object_get_property (G_OBJECT (e), p->name, &v);
      if (g_param_values_cmp (p, &v, g_param_spec_get_default_value (p)) != 0) {
        g_autofree char *cur = bn_value_to_display_string (&v);
        printf (". %s %s", _("Current:"), cur);
      }
      g_value_unset (&v);
    }
    printf ("\n");
    if (G_IS_PARAM_SPEC_ENUM (p)) {
      GEnumClass *k = G_PARAM_SPEC_ENUM (p)->enum_class;
      for (guint j = 0; j < k->n_values; j++)
        printf ("  %-22s     (%d): %-14s - %s\n", "", k->values[j].value, k->values[j].value_nick,
                k->values[j].value_name);
    } else if (G_IS_PARAM_SPEC_FLAGS (p)) {
      GFlagsClass *k = G_PARAM_SPEC_FLAGS (p)->flags_class;
      for (guint j = 0; j < k->n_values; j++)
        printf ("  %-22s     (0x%08x): %-14s - %s\n", "", k->values[j].value, k->values[j].value_nick,
                k->values[j].value_name);
    }
    if (bn_param_spec_get_unit (p) != BN_PARAM_UNIT_NONE)
      printf ("  %-22s  %s %s\n", "", _("Unit:"), bn_param_unit_get_suffix (bn_param_spec_get_unit (p)));
  }
}

int
main (int argc, char **argv)
{
  gboolean json = FALSE, version = FALSE;
  g_auto (GStrv) rest = NULL;
  g_autoptr (GError) error = NULL;

  setlocale (LC_ALL, "");
  setlocale (LC_NUMERIC, "C"); /* numbers in files and messages keep the decimal point */
  bn_i18n_bind_textdomain ();
  textdomain (GETTEXT_PACKAGE);

  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print machine-readable JSON"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, N_("[ELEMENT]") },
    { NULL },
  };
  g_autoptr (GOptionContext) octx = g_option_context_new (N_("[ELEMENT]"));
  g_option_context_set_translation_domain (octx, GETTEXT_PACKAGE);
  g_option_context_set_summary (octx, _("Lists the available elements, or describes one: metadata, pad templates\n"
                                         "and every property with its type, range, default and meaning."));
  g_option_context_add_main_entries (octx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (octx, &argc, &argv, &error)) {
    g_printerr ("bn-inspect: %s\n", error->message);
    return 2;
  }
  if (version) {
    printf ("bn-inspect %s\n", BN_VERSION);
    return 0;
  }
  bn_init (&argc, &argv);

  if (!rest)
    return list_elements (json);
  if (rest[1]) {
    g_printerr (_("bn-inspect: give one element name at a time\n"));
    return 2;
  }

  BnElementFactory *f = bn_element_factory_find (rest[0]);
  if (!f) {
    /* the parser knows how to suggest a factory name */
    g_autoptr (BnParseContext) pctx = bn_parse_context_new ();
    g_autoptr (GError) perr = NULL;
    BnElement *none = bn_parse_launch_full (rest[0], pctx, &perr);
    g_clear_object (&none);
    const char *best = bn_parse_context_get_suggestion (pctx);
    if (best)
      g_printerr (_("No such element: \"%s\"; did you mean \"%s\"?\n"), rest[0], best);
    else
      g_printerr (_("No such element: \"%s\" (run bn-inspect without arguments to list them)\n"), rest[0]);
    return 1;
  }
  g_autoptr (BnElement) e = g_object_ref_sink (bn_element_factory_create (f, NULL));
  if (json)
    describe_json (f, e);
  else
    describe_text (f, e);
  return 0;
}
