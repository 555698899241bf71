/* gst-bitnet: property values from text
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-param.h"
#include "bn-caps.h"
#include "bn-parse.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

/**
 * SECTION:bn-param
 * @title: Property values
 * @short_description: converting text into property values
 *
 * The pipeline parser sets element properties from text according to each
 * property's #GParamSpec: integers and floats are range-checked, booleans
 * accept `true/false/yes/no/on/off/1/0`, enums and flags take their nicks
 * (flags joined with `+`), caps and string lists parse, and numbers may
 * carry a size or duration suffix when the property declares a
 * #BnParamUnit.
 */

static GQuark
unit_quark (void)
{
  static GQuark q;
  if (!q)
    q = g_quark_from_static_string ("bn-param-unit");
  return q;
}

/**
 * bn_param_spec_set_unit:
 * @pspec: a numeric #GParamSpec
 * @unit: its unit
 *
 * Declares the unit of a property so that text values may carry a suffix.
 *
 * Returns: (transfer none): @pspec, for chaining in class_init.
 *
 * Since: 0.1
 */
GParamSpec *
bn_param_spec_set_unit (GParamSpec *pspec, BnParamUnit unit)
{
  g_return_val_if_fail (G_IS_PARAM_SPEC (pspec), pspec);
  g_param_spec_set_qdata (pspec, unit_quark (), GINT_TO_POINTER (unit));
  return pspec;
}

/**
 * bn_param_spec_get_unit:
 * @pspec: a #GParamSpec
 *
 * Gets the unit declared with bn_param_spec_set_unit(), or %BN_PARAM_UNIT_NONE.
 *
 * Returns: the unit declared with bn_param_spec_set_unit(), or
 *   %BN_PARAM_UNIT_NONE.
 *
 * Since: 0.1
 */
BnParamUnit
bn_param_spec_get_unit (GParamSpec *pspec)
{
  g_return_val_if_fail (G_IS_PARAM_SPEC (pspec), BN_PARAM_UNIT_NONE);
  return GPOINTER_TO_INT (g_param_spec_get_qdata (pspec, unit_quark ()));
}

/**
 * bn_param_unit_get_suffix:
 * @unit: a unit
 *
 * Gets the unit's symbol (`B`, `ns`, `us`, `ms`, `s`), or an empty string.
 *
 * Returns: (transfer none): the unit's symbol (`B`, `ns`, `us`, `ms`, `s`),
 *   or an empty string.
 *
 * Since: 0.1
 */
const char *
bn_param_unit_get_suffix (BnParamUnit unit)
{
  static const char *const s[] = { "", "B", "ns", "us", "ms", "s" };
  return unit < G_N_ELEMENTS (s) ? s[unit] : "";
}

typedef struct {
  const char *suffix;
  double factor;
} Suffix;

static const Suffix size_suffixes[] = {
  { "B", 1 },     { "k", 1e3 },      { "K", 1e3 },         { "kB", 1e3 },           { "KB", 1e3 },
  { "M", 1e6 },   { "MB", 1e6 },     { "G", 1e9 },         { "GB", 1e9 },           { "T", 1e12 },
  { "TB", 1e12 }, { "KiB", 1024.0 }, { "MiB", 1048576.0 }, { "GiB", 1073741824.0 }, { "TiB", 1099511627776.0 },
  { NULL, 0 },
};

static const Suffix time_suffixes[] = {
  /* in nanoseconds */
  { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "min", 60e9 }, { "h", 3600e9 }, { NULL, 0 },
};

/* Parses "<number>[suffix]" into a double in the property's own unit. */
static gboolean
parse_number (const char *string, BnParamUnit unit, gboolean integral, double *out, gboolean *had_fraction,
              GError **error)
{
  const char *s = string;
  char *end = NULL;
  double v;

  while (g_ascii_isspace (*s))
    s++;
  if (!*s)
    goto bad;
  if (integral && !strpbrk (s, ".eE") && unit == BN_PARAM_UNIT_NONE) {
    /* exact for 64-bit integers: parsed by the caller */
    *out = 0;
    *had_fraction = FALSE;
    return TRUE;
  }
  v = g_ascii_strtod (s, &end);
  if (end == s || isnan (v))
    goto bad;
  *had_fraction = v != floor (v);
  if (*end) {
    const Suffix *table = unit == BN_PARAM_UNIT_BYTES  ? size_suffixes
                          : unit == BN_PARAM_UNIT_NONE ? NULL
                                                       : time_suffixes;
    double base = unit == BN_PARAM_UNIT_MICROSECONDS   ? 1e3
                  : unit == BN_PARAM_UNIT_MILLISECONDS ? 1e6
                  : unit == BN_PARAM_UNIT_SECONDS      ? 1e9
                                                       : 1;
    const Suffix *hit = NULL;
    for (const Suffix *x = table; x && x->suffix; x++)
      if (!strcmp (end, x->suffix))
        hit = x;
    if (!hit)
      goto bad;
    v = v * hit->factor / base;
    *had_fraction = v != floor (v);
  }
  *out = v;
  return TRUE;

bad:
  if (unit == BN_PARAM_UNIT_BYTES)
    g_set_error (error, BN_PARSE_ERROR, BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY,
                 _("\"%s\" is not a size (examples: 4096, 64k, 1.5GiB)"), string);
  else if (unit != BN_PARAM_UNIT_NONE)
    g_set_error (error, BN_PARSE_ERROR, BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY,
                 _("\"%s\" is not a duration (examples: 250ms, 2s, 1min; a bare number is in %s)"), string,
                 bn_param_unit_get_suffix (unit));
  else
    g_set_error (error, BN_PARSE_ERROR, BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY, _("\"%s\" is not a number"), string);
  return FALSE;
}

static gboolean
set_integer (GValue *value, GParamSpec *pspec, const char *string, GError **error)
{
  GType t = G_PARAM_SPEC_VALUE_TYPE (pspec);
  gboolean is_signed = t == G_TYPE_INT || t == G_TYPE_LONG || t == G_TYPE_INT64;
  gint64 smin = 0, smax = 0;
  guint64 umin = 0, umax = 0;
  BnParamUnit unit = bn_param_spec_get_unit (pspec);
  double d = 0;
  gboolean frac = FALSE;

  if (G_IS_PARAM_SPEC_INT (pspec)) {
    smin = G_PARAM_SPEC_INT (pspec)->minimum;
    smax = G_PARAM_SPEC_INT (pspec)->maximum;
  } else if (G_IS_PARAM_SPEC_LONG (pspec)) {
    smin = G_PARAM_SPEC_LONG (pspec)->minimum;
    smax = G_PARAM_SPEC_LONG (pspec)->maximum;
  } else if (G_IS_PARAM_SPEC_INT64 (pspec)) {
    smin = G_PARAM_SPEC_INT64 (pspec)->minimum;
    smax = G_PARAM_SPEC_INT64 (pspec)->maximum;
  } else if (G_IS_PARAM_SPEC_UINT (pspec)) {
    umin = G_PARAM_SPEC_UINT (pspec)->minimum;
    umax = G_PARAM_SPEC_UINT (pspec)->maximum;
  } else if (G_IS_PARAM_SPEC_ULONG (pspec)) {
    umin = G_PARAM_SPEC_ULONG (pspec)->minimum;
    umax = G_PARAM_SPEC_ULONG (pspec)->maximum;
  } else {
    umin = G_PARAM_SPEC_UINT64 (pspec)->minimum;
    umax = G_PARAM_SPEC_UINT64 (pspec)->maximum;
  }

  if (!parse_number (string, unit, TRUE, &d, &frac, error))
    return FALSE;

  gboolean exact = unit == BN_PARAM_UNIT_NONE && !strpbrk (string, ".eE");
  gint64 sv = 0;
  guint64 uv = 0;
  if (exact) {
    g_autoptr (GError) local = NULL;
    gboolean ok = is_signed ? g_ascii_string_to_signed (string, 10, G_MININT64, G_MAXINT64, &sv, &local)
                            : g_ascii_string_to_unsigned (string, 10, 0, G_MAXUINT64, &uv, &local);
    if (!ok) {
      g_set_error (error, BN_PARSE_ERROR, BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY,
                   is_signed || string[0] != '-' ? _("\"%s\" is not a whole number")
                                                 : _("\"%s\" is negative; a value >= 0 is needed"),
                   string);
      return FALSE;
    }
  } else {
    if (frac) {
      g_set_error (error, BN_PARSE_ERROR, BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY,
                   _("\"%s\" is not a whole number of %s"), string,
                   unit == BN_PARAM_UNIT_NONE ? "units" : bn_param_unit_get_suffix (unit));
      return FALSE;
    }
    if (is_signed) {
      if (d < -9.2e18 || d > 9.2e18)
        goto range;
      sv = (gint64) d;
    } else {
      if (d < 0 || d > 1.8e19)
        goto range;
      uv = (guint64) d;
    }
  }

  if (is_signed ? (sv < smin || sv > smax) : (uv < umin || uv > umax))
    goto range;
  if (t == G_TYPE_INT)
    g_value_set_int (value, (int) sv);
  else if (t == G_TYPE_LONG)
    g_value_set_long (value, (long) sv);
  else if (t == G_TYPE_INT64)
    g_value_set_int64 (value, sv);
  else if (t == G_TYPE_UINT)
    g_value_set_uint (value, (guint) uv);
  else if (t == G_TYPE_ULONG)
    g_value_set_ulong (value, (gulong) uv);
  else
    g_value_set_uint64 (value, uv);
  return TRUE;

range:
  if (is_signed)
    g_set_error (error, BN_PARSE_ERROR, BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY,
                 _("%s is out of range: allowed %" PRId64 " to %" PRId64 "%s"), string, smin, smax,
                 bn_param_unit_get_suffix (unit));
  else
    g_set_error (error, BN_PARSE_ERROR, BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY,
                 _("%s is out of range: allowed %" PRIu64 " to %" PRIu64 "%s"), string, umin, umax,
                 bn_param_unit_get_suffix (unit));
  return FALSE;
}

static gboolean
set_float (GValue *value, GParamSpec *pspec, const char *string, GError **error)
{
  double d = 0, min, max;
  gboolean frac;
  BnParamUnit unit = bn_param_spec_get_unit (pspec);
  if (unit == BN_PARAM_UNIT_NONE) {
    char *end = NULL;
    d = g_ascii_strtod (string, &end);
    if (end == string || *end || isnan (d)) {
      g_set_error (error, BN_PARSE_ERROR, BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY, _("\"%s\" is not a number"), string);
      return FALSE;
    }
  } else if (!parse_number (string, unit, FALSE, &d, &frac, error)) {
    return FALSE;
  }
  if (G_IS_PARAM_SPEC_DOUBLE (pspec)) {
    min = G_PARAM_SPEC_DOUBLE (pspec)->minimum;
    max = G_PARAM_SPEC_DOUBLE (pspec)->maximum;
  } else {
    min = G_PARAM_SPEC_FLOAT (pspec)->minimum;
    max = G_PARAM_SPEC_FLOAT (pspec)->maximum;
  }
  if (d < min || d > max) {
    g_set_error (error, BN_PARSE_ERROR, BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY,
                 _("%s is out of range: allowed %g to %g%s"), string, min, max, bn_param_unit_get_suffix (unit));
    return FALSE;
  }
  if (G_IS_PARAM_SPEC_DOUBLE (pspec))
    g_value_set_double (value, d);
  else
    g_value_set_float (value, (float) d);
  return TRUE;
}

static char *
enum_choices (GEnumClass *klass)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < klass->n_values; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", klass->values[i].value_nick);
  return g_string_free (s, FALSE);
}

static gboolean
set_enum (GValue *value, GParamSpec *pspec, const char *string, GError **error)
{
  GEnumClass *klass = G_PARAM_SPEC_ENUM (pspec)->enum_class;
  GEnumValue *v = g_enum_get_value_by_nick (klass, string);
  if (!v)
    v = g_enum_get_value_by_name (klass, string);
  if (!v) {
    g_autofree char *choices = enum_choices (klass);
    g_set_error (error, BN_PARSE_ERROR, BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY, _("\"%s\" is not one of: %s"), string,
                 choices);
    return FALSE;
  }
  g_value_set_enum (value, v->value);
  return TRUE;
}

static gboolean
set_flags (GValue *value, GParamSpec *pspec, const char *string, GError **error)
{
  GFlagsClass *klass = G_PARAM_SPEC_FLAGS (pspec)->flags_class;
  g_auto (GStrv) parts = g_strsplit_set (string, "+|,", -1);
  guint flags = 0;
  for (guint i = 0; parts[i]; i++) {
    char *p = g_strstrip (parts[i]);
    if (!*p)
      continue;
    GFlagsValue *v = g_flags_get_value_by_nick (klass, p);
    if (!v)
      v = g_flags_get_value_by_name (klass, p);
    if (!v) {
      GString *s = g_string_new (NULL);
      for (guint j = 0; j < klass->n_values; j++)
        g_string_append_printf (s, "%s%s", j ? ", " : "", klass->values[j].value_nick);
      g_set_error (error, BN_PARSE_ERROR, BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY,
                   _("\"%s\" is not one of: %s (join several with +)"), p, s->str);
      g_string_free (s, TRUE);
      return FALSE;
    }
    flags |= v->value;
  }
  g_value_set_flags (value, flags);
  return TRUE;
}

/**
 * bn_value_set_from_string:
 * @value: a #GValue initialized to the type of @pspec
 * @pspec: the property
 * @string: the text
 * @error: return location for a #GError
 *
 * Converts @string into a value of @pspec's type, checking ranges.
 *
 * Returns: %TRUE on success; %FALSE with @error
 *   (#BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY) saying what is allowed.
 *
 * Since: 0.1
 */
gboolean
bn_value_set_from_string (GValue *value, GParamSpec *pspec, const char *string, GError **error)
{
  g_return_val_if_fail (G_IS_VALUE (value), FALSE);
  g_return_val_if_fail (G_IS_PARAM_SPEC (pspec), FALSE);
  g_return_val_if_fail (string != NULL, FALSE);
  GType t = G_PARAM_SPEC_VALUE_TYPE (pspec);

  if (t == G_TYPE_STRING) {
    g_value_set_string (value, string);
    return TRUE;
  }
  if (t == G_TYPE_BOOLEAN) {
    static const char *const yes[] = { "true", "yes", "on", "1", NULL };
    static const char *const no[] = { "false", "no", "off", "0", NULL };
    for (guint i = 0; yes[i]; i++)
      if (!g_ascii_strcasecmp (string, yes[i])) {
        g_value_set_boolean (value, TRUE);
        return TRUE;
      }
    for (guint i = 0; no[i]; i++)
      if (!g_ascii_strcasecmp (string, no[i])) {
        g_value_set_boolean (value, FALSE);
        return TRUE;
      }
    g_set_error (error, BN_PARSE_ERROR, BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY,
                 _("\"%s\" is not a boolean (use true/false, yes/no, on/off or 1/0)"), string);
    return FALSE;
  }
  if (t == G_TYPE_INT || t == G_TYPE_UINT || t == G_TYPE_LONG || t == G_TYPE_ULONG || t == G_TYPE_INT64
      || t == G_TYPE_UINT64)
    return set_integer (value, pspec, string, error);
  if (t == G_TYPE_DOUBLE || t == G_TYPE_FLOAT)
    return set_float (value, pspec, string, error);
  if (G_TYPE_IS_ENUM (t))
    return set_enum (value, pspec, string, error);
  if (G_TYPE_IS_FLAGS (t))
    return set_flags (value, pspec, string, error);
  if (t == G_TYPE_STRV) {
    g_auto (GStrv) parts = g_strsplit (string, ",", -1);
    for (guint i = 0; parts[i]; i++)
      g_strstrip (parts[i]);
    g_value_set_boxed (value, parts);
    return TRUE;
  }
  if (t == BN_TYPE_CAPS) {
    g_autoptr (GError) local = NULL;
    g_autoptr (BnCaps) caps = bn_caps_from_string (string, &local);
    if (!caps) {
      g_set_error_literal (error, BN_PARSE_ERROR, BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY, local->message);
      return FALSE;
    }
    g_value_set_boxed (value, caps);
    return TRUE;
  }
  g_set_error (error, BN_PARSE_ERROR, BN_PARSE_ERROR_COULD_NOT_SET_PROPERTY,
               _("properties of type %s cannot be set from text"), g_type_name (t));
  return FALSE;
}

/**
 * bn_value_to_display_string:
 * @value: a value
 *
 * Formats a property value for people: enums and flags by nick, strings
 * quoted, caps serialized.
 *
 * Returns: (transfer full): a newly allocated string.
 *
 * Since: 0.1
 */
char *
bn_value_to_display_string (const GValue *value)
{
  g_return_val_if_fail (G_IS_VALUE (value), NULL);
  GType t = G_VALUE_TYPE (value);
  if (t == G_TYPE_STRING) {
    const char *s = g_value_get_string (value);
    if (!s)
      return g_strdup ("null");
    g_autofree char *esc = g_strescape (s, NULL);
    return g_strdup_printf ("\"%s\"", esc);
  }
  if (G_TYPE_IS_ENUM (t)) {
    GEnumClass *klass = g_type_class_ref (t);
    GEnumValue *v = g_enum_get_value (klass, g_value_get_enum (value));
    char *out = g_strdup (v ? v->value_nick : "(invalid)");
    g_type_class_unref (klass);
    return out;
  }
  if (G_TYPE_IS_FLAGS (t)) {
    GFlagsClass *klass = g_type_class_ref (t);
    guint f = g_value_get_flags (value);
    GString *s = g_string_new (NULL);
    for (guint i = 0; i < klass->n_values; i++)
      if (klass->values[i].value && (f & klass->values[i].value) == klass->values[i].value)
        g_string_append_printf (s, "%s%s", s->len ? "+" : "", klass->values[i].value_nick);
    g_type_class_unref (klass);
    if (!s->len)
      g_string_append (s, "(none)");
    return g_string_free (s, FALSE);
  }
  if (t == BN_TYPE_CAPS)
    return g_value_get_boxed (value) ? bn_caps_to_string (g_value_get_boxed (value)) : g_strdup ("null");
  if (t == G_TYPE_STRV) {
    const char *const *v = g_value_get_boxed (value);
    return v ? g_strjoinv (",", (char **) v) : g_strdup ("");
  }
  if (t == G_TYPE_DOUBLE || t == G_TYPE_FLOAT) {
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    double d = t == G_TYPE_DOUBLE ? g_value_get_double (value) : g_value_get_float (value);
    return g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", d));
  }
  return g_strdup_value_contents (value);
}
