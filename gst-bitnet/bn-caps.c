/* gst-bitnet: capabilities of a link
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-caps.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

/**
 * SECTION:bn-caps
 * @title: BnCaps
 * @short_description: what may flow on a link
 *
 * Caps describe the items a pad produces or accepts, in the syntax of
 * GStreamer caps: `model/bitnet, format=i2s; model/gguf`. Linking two
 * pads intersects their caps; an empty intersection refuses the link.
 *
 * Field values are strings, integers, doubles or booleans, inferred from
 * their text or forced with a type in parentheses: `bits=(int)2`. A list
 * of strings in braces, `format={ i2s, tl1 }`, means any one of them.
 */

typedef struct {
  GQuark name;
  GValue value; /* string, int, double, boolean, or G_TYPE_STRV (a set) */
} Field;

typedef struct {
  char *media_type;
  GArray *fields; /* of Field */
} Structure;

struct _BnCaps {
  gatomicrefcount ref;
  gboolean any;
  GPtrArray *structures; /* of Structure */
};

G_DEFINE_BOXED_TYPE (BnCaps, bn_caps, bn_caps_ref, bn_caps_unref)
/**
 * bn_caps_error_quark:
 *
 * Gets the #GQuark of this error domain.
 *
 * Returns: the #GQuark of the domain.
 *
 * Since: 0.1
 */
/* the quark name is stringized: clang-format must not space it */
/* clang-format off */
G_DEFINE_QUARK (bn-caps-error-quark, bn_caps_error)
/* clang-format on */

static void
field_clear (gpointer data)
{
  Field *f = data;
  g_value_unset (&f->value);
}

static Structure *
structure_new (const char *media_type)
{
  Structure *s = g_new0 (Structure, 1);
  s->media_type = g_strdup (media_type);
  s->fields = g_array_new (FALSE, TRUE, sizeof (Field));
  g_array_set_clear_func (s->fields, field_clear);
  return s;
}

static void
structure_free (gpointer data)
{
  Structure *s = data;
  g_free (s->media_type);
  g_array_unref (s->fields);
  g_free (s);
}

static const Field *
structure_find (const Structure *s, GQuark name)
{
  for (guint i = 0; i < s->fields->len; i++) {
    const Field *f = &g_array_index (s->fields, Field, i);
    if (f->name == name)
      return f;
  }
  return NULL;
}

static void
structure_take_field (Structure *s, const char *name, GValue *value)
{
  Field f = { g_quark_from_string (name), G_VALUE_INIT };
  for (guint i = 0; i < s->fields->len; i++) {
    Field *old = &g_array_index (s->fields, Field, i);
    if (old->name == f.name) {
      g_value_unset (&old->value);
      old->value = *value;
      return;
    }
  }
  f.value = *value;
  g_array_append_val (s->fields, f);
}

static BnCaps *
caps_alloc (void)
{
  BnCaps *caps = g_new0 (BnCaps, 1);
  g_atomic_ref_count_init (&caps->ref);
  caps->structures = g_ptr_array_new_with_free_func (structure_free);
  return caps;
}

/**
 * bn_caps_new_any:
 *
 * Creates caps that accept everything.
 *
 * Returns: (transfer full): new `ANY` caps.
 *
 * Since: 0.1
 */
BnCaps *
bn_caps_new_any (void)
{
  BnCaps *caps = caps_alloc ();
  caps->any = TRUE;
  return caps;
}

/**
 * bn_caps_new_empty:
 *
 * Creates caps that accept nothing.
 *
 * Returns: (transfer full): new `EMPTY` caps.
 *
 * Since: 0.1
 */
BnCaps *
bn_caps_new_empty (void)
{
  return caps_alloc ();
}

/**
 * bn_caps_new_simple:
 * @media_type: the media type, e.g. `model/bitnet`
 * @first_field: (nullable): name of the first field, followed by its
 *   #GType and value, then further name/type/value triples, ending with
 *   %NULL. Supported types: %G_TYPE_STRING, %G_TYPE_INT, %G_TYPE_DOUBLE,
 *   %G_TYPE_BOOLEAN.
 * @...: the type and value of the first field, then further fields.
 *
 * Creates caps with one structure.
 *
 * Returns: (transfer full): the new caps.
 *
 * Since: 0.1
 */
BnCaps *
bn_caps_new_simple (const char *media_type, const char *first_field, ...)
{
  BnCaps *caps = caps_alloc ();
  Structure *s = structure_new (media_type);
  va_list ap;

  va_start (ap, first_field);
  for (const char *name = first_field; name; name = va_arg (ap, const char *)) {
    GType type = va_arg (ap, GType);
    GValue v = G_VALUE_INIT;
    g_value_init (&v, type);
    if (type == G_TYPE_STRING)
      g_value_set_string (&v, va_arg (ap, const char *));
    else if (type == G_TYPE_INT)
      g_value_set_int (&v, va_arg (ap, int));
    else if (type == G_TYPE_DOUBLE)
      g_value_set_double (&v, va_arg (ap, double));
    else if (type == G_TYPE_BOOLEAN)
      g_value_set_boolean (&v, va_arg (ap, gboolean));
    else
      g_critical ("bn_caps_new_simple: unsupported field type %s", g_type_name (type));
    structure_take_field (s, name, &v);
  }
  va_end (ap);
  g_ptr_array_add (caps->structures, s);
  return caps;
}

/**
 * bn_caps_ref:
 * @caps: caps
 *
 * Takes a reference.
 *
 * Returns: (transfer full): @caps
 *
 * Since: 0.1
 */
BnCaps *
bn_caps_ref (BnCaps *caps)
{
  g_return_val_if_fail (caps != NULL, NULL);
  g_atomic_ref_count_inc (&caps->ref);
  return caps;
}

/**
 * bn_caps_unref:
 * @caps: (transfer full): caps
 *
 * Drops a reference; the caps are freed with the last one.
 *
 * Since: 0.1
 */
void
bn_caps_unref (BnCaps *caps)
{
  g_return_if_fail (caps != NULL);
  if (g_atomic_ref_count_dec (&caps->ref)) {
    g_ptr_array_unref (caps->structures);
    g_free (caps);
  }
}

/* ---- parsing ---------------------------------------------------------- */

typedef struct {
  const char *start;
  const char *p;
  GError **error;
} Scanner;

static void
skip_ws (Scanner *sc)
{
  while (*sc->p && g_ascii_isspace (*sc->p))
    sc->p++;
}

static gboolean
fail (Scanner *sc, const char *what)
{
  g_set_error (sc->error, BN_CAPS_ERROR, BN_CAPS_ERROR_SYNTAX, _("Invalid caps \"%s\": %s at character %d"), sc->start,
               what, (int) (sc->p - sc->start) + 1);
  return FALSE;
}

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '-' || c == '.' || c == '/' || c == '+' || c == ':' || c == '*';
}

static char *
scan_word (Scanner *sc)
{
  const char *s = sc->p;
  if (*sc->p == '"') {
    GString *out = g_string_new (NULL);
    sc->p++;
    while (*sc->p && *sc->p != '"') {
      if (*sc->p == '\\' && sc->p[1])
        sc->p++;
      g_string_append_c (out, *sc->p++);
    }
    if (*sc->p != '"') {
      g_string_free (out, TRUE);
      fail (sc, _("unterminated quoted string"));
      return NULL;
    }
    sc->p++;
    return g_string_free (out, FALSE);
  }
  while (is_word_char (*sc->p))
    sc->p++;
  if (sc->p == s) {
    fail (sc, _("expected a name or value"));
    return NULL;
  }
  return g_strndup (s, sc->p - s);
}

static gboolean
value_from_text (const char *text, GType forced, GValue *v, Scanner *sc)
{
  char *end = NULL;

  if (forced == G_TYPE_STRING) {
    g_value_init (v, G_TYPE_STRING);
    g_value_set_string (v, text);
    return TRUE;
  }
  if (forced == G_TYPE_BOOLEAN
      || (forced == G_TYPE_INVALID && (!g_ascii_strcasecmp (text, "true") || !g_ascii_strcasecmp (text, "false")))) {
    if (g_ascii_strcasecmp (text, "true") && g_ascii_strcasecmp (text, "false"))
      return fail (sc, _("expected true or false"));
    g_value_init (v, G_TYPE_BOOLEAN);
    g_value_set_boolean (v, !g_ascii_strcasecmp (text, "true"));
    return TRUE;
  }
  gint64 i = g_ascii_strtoll (text, &end, 10);
  if (*text && end && *end == '\0' && i >= G_MININT && i <= G_MAXINT
      && (forced == G_TYPE_INVALID || forced == G_TYPE_INT)) {
    g_value_init (v, G_TYPE_INT);
    g_value_set_int (v, (int) i);
    return TRUE;
  }
  double d = g_ascii_strtod (text, &end);
  if (*text && end && *end == '\0' && (forced == G_TYPE_INVALID || forced == G_TYPE_DOUBLE)) {
    g_value_init (v, G_TYPE_DOUBLE);
    g_value_set_double (v, d);
    return TRUE;
  }
  if (forced == G_TYPE_INT)
    return fail (sc, _("expected an integer"));
  if (forced == G_TYPE_DOUBLE)
    return fail (sc, _("expected a number"));
  g_value_init (v, G_TYPE_STRING);
  g_value_set_string (v, text);
  return TRUE;
}

static gboolean
parse_field_value (Scanner *sc, GValue *v)
{
  GType forced = G_TYPE_INVALID;

  skip_ws (sc);
  if (*sc->p == '(') {
    sc->p++;
    g_autofree char *type = scan_word (sc);
    if (!type)
      return FALSE;
    if (*sc->p != ')')
      return fail (sc, _("expected ')' after the type"));
    sc->p++;
    if (!strcmp (type, "string") || !strcmp (type, "s"))
      forced = G_TYPE_STRING;
    else if (!strcmp (type, "int") || !strcmp (type, "i"))
      forced = G_TYPE_INT;
    else if (!strcmp (type, "double") || !strcmp (type, "d") || !strcmp (type, "float"))
      forced = G_TYPE_DOUBLE;
    else if (!strcmp (type, "boolean") || !strcmp (type, "bool") || !strcmp (type, "b"))
      forced = G_TYPE_BOOLEAN;
    else
      return fail (sc, _("unknown field type (use string, int, double or boolean)"));
    skip_ws (sc);
  }
  if (*sc->p == '{') {
    g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
    sc->p++;
    for (;;) {
      skip_ws (sc);
      char *item = scan_word (sc);
      if (!item)
        return FALSE;
      g_ptr_array_add (items, item);
      skip_ws (sc);
      if (*sc->p == ',') {
        sc->p++;
        continue;
      }
      if (*sc->p == '}') {
        sc->p++;
        break;
      }
      return fail (sc, _("expected ',' or '}' in a list"));
    }
    if (forced != G_TYPE_INVALID && forced != G_TYPE_STRING)
      return fail (sc, _("lists may only hold strings"));
    g_ptr_array_add (items, NULL);
    g_value_init (v, G_TYPE_STRV);
    g_value_set_boxed (v, items->pdata);
    return TRUE;
  }
  g_autofree char *text = scan_word (sc);
  if (!text)
    return FALSE;
  return value_from_text (text, forced, v, sc);
}

/**
 * bn_caps_from_string:
 * @string: caps in text form, e.g. `model/bitnet, format={ i2s, tl1 }`
 * @error: return location for a #GError
 *
 * Parses caps. Several structures are separated by `;`.
 *
 * Returns: (transfer full) (nullable): the caps, or %NULL with @error set
 *   (#BN_CAPS_ERROR_SYNTAX, giving the character position).
 *
 * Since: 0.1
 */
BnCaps *
bn_caps_from_string (const char *string, GError **error)
{
  g_autoptr (BnCaps) caps = NULL;
  Scanner sc = { string, string, error };

  g_return_val_if_fail (string != NULL, NULL);

  skip_ws (&sc);
  if (!strcmp (sc.p, "ANY"))
    return bn_caps_new_any ();
  caps = caps_alloc ();
  if (!strcmp (sc.p, "EMPTY"))
    return g_steal_pointer (&caps);
  if (*sc.p == '\0') {
    fail (&sc, _("empty caps"));
    return NULL;
  }

  for (;;) {
    skip_ws (&sc);
    g_autofree char *media = scan_word (&sc);
    if (!media)
      return NULL;
    if (!strchr (media, '/')) {
      fail (&sc, _("a media type has the form type/subtype"));
      return NULL;
    }
    Structure *s = structure_new (media);
    g_ptr_array_add (caps->structures, s);
    skip_ws (&sc);
    while (*sc.p == ',') {
      sc.p++;
      skip_ws (&sc);
      g_autofree char *name = scan_word (&sc);
      if (!name)
        return NULL;
      skip_ws (&sc);
      if (*sc.p != '=') {
        fail (&sc, _("expected '=' after the field name"));
        return NULL;
      }
      sc.p++;
      GValue v = G_VALUE_INIT;
      if (!parse_field_value (&sc, &v))
        return NULL;
      structure_take_field (s, name, &v);
      skip_ws (&sc);
    }
    if (*sc.p == ';') {
      sc.p++;
      continue;
    }
    if (*sc.p != '\0') {
      fail (&sc, _("unexpected character"));
      return NULL;
    }
    break;
  }
  return g_steal_pointer (&caps);
}

/* ---- printing --------------------------------------------------------- */

static void
append_value (GString *out, const GValue *v)
{
  if (G_VALUE_HOLDS (v, G_TYPE_STRV)) {
    const char *const *items = g_value_get_boxed (v);
    g_string_append (out, "{ ");
    for (guint i = 0; items && items[i]; i++)
      g_string_append_printf (out, "%s%s", i ? ", " : "", items[i]);
    g_string_append (out, " }");
  } else if (G_VALUE_HOLDS_STRING (v)) {
    const char *s = g_value_get_string (v);
    gboolean plain = s && *s;
    for (const char *c = s; plain && *c; c++)
      plain = is_word_char (*c);
    if (plain)
      g_string_append_printf (out, "(string)%s", s);
    else {
      g_autofree char *esc = g_strescape (s ? s : "", NULL);
      g_string_append_printf (out, "(string)\"%s\"", esc);
    }
  } else if (G_VALUE_HOLDS_INT (v)) {
    g_string_append_printf (out, "(int)%d", g_value_get_int (v));
  } else if (G_VALUE_HOLDS_DOUBLE (v)) {
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append_printf (out, "(double)%s", g_ascii_dtostr (buf, sizeof buf, g_value_get_double (v)));
  } else if (G_VALUE_HOLDS_BOOLEAN (v)) {
    g_string_append_printf (out, "(boolean)%s", g_value_get_boolean (v) ? "true" : "false");
  }
}

/**
 * bn_caps_to_string:
 * @caps: caps
 *
 * Serializes caps; bn_caps_from_string() reads the result back.
 *
 * Returns: (transfer full): a newly allocated string.
 *
 * Since: 0.1
 */
char *
bn_caps_to_string (const BnCaps *caps)
{
  g_return_val_if_fail (caps != NULL, NULL);
  if (caps->any)
    return g_strdup ("ANY");
  if (caps->structures->len == 0)
    return g_strdup ("EMPTY");

  GString *out = g_string_new (NULL);
  for (guint i = 0; i < caps->structures->len; i++) {
    const Structure *s = caps->structures->pdata[i];
    if (i)
      g_string_append (out, "; ");
    g_string_append (out, s->media_type);
    for (guint j = 0; j < s->fields->len; j++) {
      const Field *f = &g_array_index (s->fields, Field, j);
      g_string_append_printf (out, ", %s=", g_quark_to_string (f->name));
      append_value (out, &f->value);
    }
  }
  return g_string_free (out, FALSE);
}

/* ---- queries ---------------------------------------------------------- */

/**
 * bn_caps_is_any:
 * @caps: caps
 *
 * Checks whether @caps accept everything.
 *
 * Returns: whether @caps accept everything.
 *
 * Since: 0.1
 */
gboolean
bn_caps_is_any (const BnCaps *caps)
{
  g_return_val_if_fail (caps != NULL, FALSE);
  return caps->any;
}

/**
 * bn_caps_is_empty:
 * @caps: caps
 *
 * Checks whether @caps accept nothing.
 *
 * Returns: whether @caps accept nothing.
 *
 * Since: 0.1
 */
gboolean
bn_caps_is_empty (const BnCaps *caps)
{
  g_return_val_if_fail (caps != NULL, TRUE);
  return !caps->any && caps->structures->len == 0;
}

/**
 * bn_caps_get_size:
 * @caps: caps
 *
 * Gets the number of structures in @caps (0 for `ANY` and `EMPTY`).
 *
 * Returns: the number of structures in @caps (0 for `ANY` and `EMPTY`).
 *
 * Since: 0.1
 */
guint
bn_caps_get_size (const BnCaps *caps)
{
  g_return_val_if_fail (caps != NULL, 0);
  return caps->structures->len;
}

/**
 * bn_caps_get_media_type:
 * @caps: caps
 * @index: index of a structure, below bn_caps_get_size()
 *
 * Gets the media type of structure @index.
 *
 * Returns: (transfer none): the media type of structure @index.
 *
 * Since: 0.1
 */
const char *
bn_caps_get_media_type (const BnCaps *caps, guint index)
{
  g_return_val_if_fail (caps != NULL, NULL);
  g_return_val_if_fail (index < caps->structures->len, NULL);
  return ((Structure *) caps->structures->pdata[index])->media_type;
}

/**
 * bn_caps_get_field:
 * @caps: caps
 * @index: index of a structure
 * @field: the field name
 *
 * Gets the field's value, or %NULL when the structure has no such field. A list of alternatives is a %G_TYPE_STRV.
 *
 * Returns: (transfer none) (nullable): the field's value, or %NULL when the
 *   structure has no such field. A list of alternatives is a %G_TYPE_STRV.
 *
 * Since: 0.1
 */
const GValue *
bn_caps_get_field (const BnCaps *caps, guint index, const char *field)
{
  g_return_val_if_fail (caps != NULL, NULL);
  g_return_val_if_fail (index < caps->structures->len, NULL);
  const Field *f = structure_find (caps->structures->pdata[index], g_quark_try_string (field));
  return f ? &f->value : NULL;
}

/**
 * bn_caps_get_string:
 * @caps: caps
 * @index: index of a structure
 * @field: the field name
 *
 * Gets the string value of @field, or %NULL when it is absent or not a single string.
 *
 * Returns: (transfer none) (nullable): the string value of @field, or
 *   %NULL when it is absent or not a single string.
 *
 * Since: 0.1
 */
const char *
bn_caps_get_string (const BnCaps *caps, guint index, const char *field)
{
  const GValue *v = bn_caps_get_field (caps, index, field);
  return v && G_VALUE_HOLDS_STRING (v) ? g_value_get_string (v) : NULL;
}

static gboolean
values_equal (const GValue *a, const GValue *b)
{
  if (G_VALUE_TYPE (a) != G_VALUE_TYPE (b))
    return FALSE;
  if (G_VALUE_HOLDS (a, G_TYPE_STRV)) {
    const char *const *x = g_value_get_boxed (a), *const *y = g_value_get_boxed (b);
    return g_strv_equal (x, y);
  }
  if (G_VALUE_HOLDS_STRING (a))
    return g_strcmp0 (g_value_get_string (a), g_value_get_string (b)) == 0;
  if (G_VALUE_HOLDS_INT (a))
    return g_value_get_int (a) == g_value_get_int (b);
  if (G_VALUE_HOLDS_DOUBLE (a))
    return g_value_get_double (a) == g_value_get_double (b);
  return g_value_get_boolean (a) == g_value_get_boolean (b);
}

/**
 * bn_caps_is_equal:
 * @a: caps
 * @b: caps
 *
 * Checks whether @a and @b hold the same structures with the same fields in the same order.
 *
 * Returns: whether @a and @b hold the same structures with the same fields
 *   in the same order.
 *
 * Since: 0.1
 */
gboolean
bn_caps_is_equal (const BnCaps *a, const BnCaps *b)
{
  g_return_val_if_fail (a && b, FALSE);
  if (a->any != b->any || a->structures->len != b->structures->len)
    return FALSE;
  for (guint i = 0; i < a->structures->len; i++) {
    const Structure *x = a->structures->pdata[i], *y = b->structures->pdata[i];
    if (strcmp (x->media_type, y->media_type) || x->fields->len != y->fields->len)
      return FALSE;
    for (guint j = 0; j < x->fields->len; j++) {
      const Field *f = &g_array_index (x->fields, Field, j);
      const Field *g = &g_array_index (y->fields, Field, j);
      if (f->name != g->name || !values_equal (&f->value, &g->value))
        return FALSE;
    }
  }
  return TRUE;
}

/* ---- intersection ----------------------------------------------------- */

static gboolean
strv_contains (const char *const *set, const char *s)
{
  return set && s && g_strv_contains (set, s);
}

/* Intersects two field values into @out; FALSE when they exclude each other. */
static gboolean
intersect_values (const GValue *a, const GValue *b, GValue *out)
{
  gboolean alist = G_VALUE_HOLDS (a, G_TYPE_STRV), blist = G_VALUE_HOLDS (b, G_TYPE_STRV);

  if (alist && blist) {
    const char *const *x = g_value_get_boxed (a), *const *y = g_value_get_boxed (b);
    g_autoptr (GPtrArray) common = g_ptr_array_new ();
    for (guint i = 0; x && x[i]; i++)
      if (strv_contains (y, x[i]))
        g_ptr_array_add (common, (gpointer) x[i]);
    if (common->len == 0)
      return FALSE;
    if (common->len == 1) {
      g_value_init (out, G_TYPE_STRING);
      g_value_set_string (out, common->pdata[0]);
    } else {
      g_ptr_array_add (common, NULL);
      g_value_init (out, G_TYPE_STRV);
      g_value_set_boxed (out, common->pdata);
    }
    return TRUE;
  }
  if (alist || blist) {
    const GValue *list = alist ? a : b, *one = alist ? b : a;
    if (!G_VALUE_HOLDS_STRING (one) || !strv_contains (g_value_get_boxed (list), g_value_get_string (one)))
      return FALSE;
    g_value_init (out, G_TYPE_STRING);
    g_value_copy (one, out);
    return TRUE;
  }
  if (!values_equal (a, b))
    return FALSE;
  g_value_init (out, G_VALUE_TYPE (a));
  g_value_copy (a, out);
  return TRUE;
}

static Structure *
intersect_structures (const Structure *a, const Structure *b)
{
  if (strcmp (a->media_type, b->media_type) != 0)
    return NULL;

  Structure *s = structure_new (a->media_type);
  for (guint i = 0; i < a->fields->len; i++) {
    const Field *fa = &g_array_index (a->fields, Field, i);
    const Field *fb = structure_find (b, fa->name);
    GValue v = G_VALUE_INIT;
    if (!fb) {
      g_value_init (&v, G_VALUE_TYPE (&fa->value));
      g_value_copy (&fa->value, &v);
    } else if (!intersect_values (&fa->value, &fb->value, &v)) {
      structure_free (s);
      return NULL;
    }
    structure_take_field (s, g_quark_to_string (fa->name), &v);
  }
  for (guint i = 0; i < b->fields->len; i++) {
    const Field *fb = &g_array_index (b->fields, Field, i);
    if (structure_find (a, fb->name))
      continue;
    GValue v = G_VALUE_INIT;
    g_value_init (&v, G_VALUE_TYPE (&fb->value));
    g_value_copy (&fb->value, &v);
    structure_take_field (s, g_quark_to_string (fb->name), &v);
  }
  return s;
}

/**
 * bn_caps_intersect:
 * @a: caps
 * @b: caps
 *
 * Computes what both @a and @b accept: every pair of structures with the
 * same media type whose common fields agree (a list agrees with any of its
 * members; two lists agree on their common members).
 *
 * Returns: (transfer full): the intersection, possibly empty.
 *
 * Since: 0.1
 */
BnCaps *
bn_caps_intersect (const BnCaps *a, const BnCaps *b)
{
  g_return_val_if_fail (a && b, NULL);
  if (a->any)
    return bn_caps_ref ((BnCaps *) b);
  if (b->any)
    return bn_caps_ref ((BnCaps *) a);

  BnCaps *out = caps_alloc ();
  for (guint i = 0; i < a->structures->len; i++)
    for (guint j = 0; j < b->structures->len; j++) {
      Structure *s = intersect_structures (a->structures->pdata[i], b->structures->pdata[j]);
      if (s)
        g_ptr_array_add (out->structures, s);
    }
  return out;
}

/**
 * bn_caps_can_intersect:
 * @a: caps
 * @b: caps
 *
 * Checks whether bn_caps_intersect() of @a and @b would not be empty.
 *
 * Returns: whether bn_caps_intersect() of @a and @b would not be empty.
 *
 * Since: 0.1
 */
gboolean
bn_caps_can_intersect (const BnCaps *a, const BnCaps *b)
{
  g_autoptr (BnCaps) i = bn_caps_intersect (a, b);
  return !bn_caps_is_empty (i);
}
