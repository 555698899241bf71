/* gst-bitnet: GGUF metadata values, reading them
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "bn-gguf-private.h"

/**
 * bn_gguf_value_get_value_type:
 * @value: a #BnGgufValue
 *
 * Gets the type of @value.
 *
 * Returns: the type
 *
 * Since: 0.1
 */
BnGgufValueType
bn_gguf_value_get_value_type (const BnGgufValue *value)
{
  g_return_val_if_fail (value != NULL, BN_GGUF_VALUE_UINT8);
  return value->type;
}

static guint64
scalar_uint (BnGgufValueType type, const guint8 *p)
{
  switch (type) {
  case BN_GGUF_VALUE_UINT8:
  case BN_GGUF_VALUE_BOOL: return p[0];
  case BN_GGUF_VALUE_UINT16: return (guint64) p[0] | (guint64) p[1] << 8;
  case BN_GGUF_VALUE_UINT32: return (guint64) p[0] | (guint64) p[1] << 8 | (guint64) p[2] << 16 | (guint64) p[3] << 24;
  case BN_GGUF_VALUE_UINT64: {
    guint64 v = 0;
    for (int i = 7; i >= 0; i--)
      v = v << 8 | p[i];
    return v;
  }
  default: return 0;
  }
}

static gint64
scalar_int (BnGgufValueType type, const guint8 *p)
{
  switch (type) {
  case BN_GGUF_VALUE_INT8: return (gint8) p[0];
  case BN_GGUF_VALUE_INT16: return (gint16) scalar_uint (BN_GGUF_VALUE_UINT16, p);
  case BN_GGUF_VALUE_INT32: return (gint32) scalar_uint (BN_GGUF_VALUE_UINT32, p);
  case BN_GGUF_VALUE_INT64: return (gint64) scalar_uint (BN_GGUF_VALUE_UINT64, p);
  default: return 0;
  }
}

static gdouble
scalar_double (BnGgufValueType type, const guint8 *p)
{
  if (type == BN_GGUF_VALUE_FLOAT32) {
    guint32 bits = (guint32) scalar_uint (BN_GGUF_VALUE_UINT32, p);
    gfloat f;
    memcpy (&f, &bits, sizeof f);
    return f;
  }
  if (type == BN_GGUF_VALUE_FLOAT64) {
    guint64 bits = scalar_uint (BN_GGUF_VALUE_UINT64, p);
    gdouble d;
    memcpy (&d, &bits, sizeof d);
    return d;
  }
  return 0;
}

static gboolean
is_unsigned (BnGgufValueType t)
{
  return t == BN_GGUF_VALUE_UINT8 || t == BN_GGUF_VALUE_UINT16 || t == BN_GGUF_VALUE_UINT32 || t == BN_GGUF_VALUE_UINT64
         || t == BN_GGUF_VALUE_BOOL;
}

static gboolean
is_signed (BnGgufValueType t)
{
  return t == BN_GGUF_VALUE_INT8 || t == BN_GGUF_VALUE_INT16 || t == BN_GGUF_VALUE_INT32 || t == BN_GGUF_VALUE_INT64;
}

static gboolean
is_float (BnGgufValueType t)
{
  return t == BN_GGUF_VALUE_FLOAT32 || t == BN_GGUF_VALUE_FLOAT64;
}

/**
 * bn_gguf_value_get_uint:
 * @value: a value of an unsigned type (`u8`, `u16`, `u32`, `u64`) or `bool`
 *
 * Gets an unsigned value, widened to 64 bits.
 *
 * Returns: the value
 *
 * Since: 0.1
 */
guint64
bn_gguf_value_get_uint (const BnGgufValue *value)
{
  g_return_val_if_fail (value != NULL && is_unsigned (value->type), 0);
  switch (value->type) {
  case BN_GGUF_VALUE_UINT8: return value->v.u8;
  case BN_GGUF_VALUE_BOOL: return value->v.b;
  case BN_GGUF_VALUE_UINT16: return value->v.u16;
  case BN_GGUF_VALUE_UINT32: return value->v.u32;
  default: return value->v.u64;
  }
}

/**
 * bn_gguf_value_get_int:
 * @value: a value of a signed type (`i8`, `i16`, `i32`, `i64`)
 *
 * Gets a signed value, widened to 64 bits.
 *
 * Returns: the value
 *
 * Since: 0.1
 */
gint64
bn_gguf_value_get_int (const BnGgufValue *value)
{
  g_return_val_if_fail (value != NULL && is_signed (value->type), 0);
  switch (value->type) {
  case BN_GGUF_VALUE_INT8: return value->v.i8;
  case BN_GGUF_VALUE_INT16: return value->v.i16;
  case BN_GGUF_VALUE_INT32: return value->v.i32;
  default: return value->v.i64;
  }
}

/**
 * bn_gguf_value_get_double:
 * @value: an `f32` or `f64` value
 *
 * Gets a floating-point value (an `f32` converts exactly).
 *
 * Returns: the value
 *
 * Since: 0.1
 */
gdouble
bn_gguf_value_get_double (const BnGgufValue *value)
{
  g_return_val_if_fail (value != NULL && is_float (value->type), 0);
  return value->type == BN_GGUF_VALUE_FLOAT32 ? value->v.f32 : value->v.f64;
}

/**
 * bn_gguf_value_get_boolean:
 * @value: a `bool` value
 *
 * Gets a boolean value.
 *
 * Returns: the value
 *
 * Since: 0.1
 */
gboolean
bn_gguf_value_get_boolean (const BnGgufValue *value)
{
  g_return_val_if_fail (value != NULL && value->type == BN_GGUF_VALUE_BOOL, FALSE);
  return value->v.b != 0;
}

/**
 * bn_gguf_value_get_string:
 * @value: a `string` value
 * @length: (out) (optional): where to store the length in bytes
 *
 * Gets a string value. It is NUL-terminated, but may also contain NUL
 * bytes (use @length) and, in a file, need not be valid UTF-8.
 *
 * Returns: (transfer none): the string, owned by @value
 *
 * Since: 0.1
 */
const char *
bn_gguf_value_get_string (const BnGgufValue *value, gsize *length)
{
  g_return_val_if_fail (value != NULL && value->type == BN_GGUF_VALUE_STRING, NULL);
  if (length)
    *length = value->str_len;
  return value->str;
}

/**
 * bn_gguf_value_get_element_type:
 * @value: an array value
 *
 * Gets the type of an array's elements.
 *
 * Returns: the element type
 *
 * Since: 0.1
 */
BnGgufValueType
bn_gguf_value_get_element_type (const BnGgufValue *value)
{
  g_return_val_if_fail (value != NULL && value->type == BN_GGUF_VALUE_ARRAY, BN_GGUF_VALUE_UINT8);
  return value->element_type;
}

/**
 * bn_gguf_value_get_n_elements:
 * @value: an array value
 *
 * Gets the number of elements of an array.
 *
 * Returns: the number of elements
 *
 * Since: 0.1
 */
guint64
bn_gguf_value_get_n_elements (const BnGgufValue *value)
{
  g_return_val_if_fail (value != NULL && value->type == BN_GGUF_VALUE_ARRAY, 0);
  return value->n_elements;
}

/**
 * bn_gguf_value_get_array_data:
 * @value: an array of numbers or booleans
 * @n_bytes: (out) (optional): where to store the size in bytes
 *
 * Gets the elements of a numeric array as stored in the file:
 * little-endian and possibly unaligned, so copy them with memcpy() rather
 * than casting the pointer.
 *
 * Returns: (transfer none) (nullable): the elements, %NULL when empty
 *
 * Since: 0.1
 */
gconstpointer
bn_gguf_value_get_array_data (const BnGgufValue *value, gsize *n_bytes)
{
  g_return_val_if_fail (value != NULL && value->type == BN_GGUF_VALUE_ARRAY, NULL);
  g_return_val_if_fail (bn_gguf_value_type_size (value->element_type) != 0, NULL);
  if (n_bytes)
    *n_bytes = value->n_elements * bn_gguf_value_type_size (value->element_type);
  return value->data;
}

static const guint8 *
element_ptr (const BnGgufValue *value, guint64 index)
{
  return value->data + index * bn_gguf_value_type_size (value->element_type);
}

/**
 * bn_gguf_value_get_array_uint:
 * @value: an array of an unsigned type or of `bool`
 * @index: the element, below bn_gguf_value_get_n_elements()
 *
 * Gets one element of an unsigned array.
 *
 * Returns: the element
 *
 * Since: 0.1
 */
guint64
bn_gguf_value_get_array_uint (const BnGgufValue *value, guint64 index)
{
  g_return_val_if_fail (value != NULL && value->type == BN_GGUF_VALUE_ARRAY, 0);
  g_return_val_if_fail (is_unsigned (value->element_type), 0);
  g_return_val_if_fail (index < value->n_elements, 0);
  return scalar_uint (value->element_type, element_ptr (value, index));
}

/**
 * bn_gguf_value_get_array_int:
 * @value: an array of a signed type
 * @index: the element, below bn_gguf_value_get_n_elements()
 *
 * Gets one element of a signed array (e.g. `tokenizer.ggml.token_type`).
 *
 * Returns: the element
 *
 * Since: 0.1
 */
gint64
bn_gguf_value_get_array_int (const BnGgufValue *value, guint64 index)
{
  g_return_val_if_fail (value != NULL && value->type == BN_GGUF_VALUE_ARRAY, 0);
  g_return_val_if_fail (is_signed (value->element_type), 0);
  g_return_val_if_fail (index < value->n_elements, 0);
  return scalar_int (value->element_type, element_ptr (value, index));
}

/**
 * bn_gguf_value_get_array_double:
 * @value: an array of `f32` or `f64`
 * @index: the element, below bn_gguf_value_get_n_elements()
 *
 * Gets one element of a floating-point array (e.g.
 * `tokenizer.ggml.scores`).
 *
 * Returns: the element
 *
 * Since: 0.1
 */
gdouble
bn_gguf_value_get_array_double (const BnGgufValue *value, guint64 index)
{
  g_return_val_if_fail (value != NULL && value->type == BN_GGUF_VALUE_ARRAY, 0);
  g_return_val_if_fail (is_float (value->element_type), 0);
  g_return_val_if_fail (index < value->n_elements, 0);
  return scalar_double (value->element_type, element_ptr (value, index));
}

/**
 * bn_gguf_value_get_array_string:
 * @value: an array of strings
 * @index: the element, below bn_gguf_value_get_n_elements()
 * @length: (out) (optional): where to store the length in bytes
 *
 * Gets one string of an array of strings (e.g. `tokenizer.ggml.tokens`).
 * It is NUL-terminated but may contain NUL bytes: use @length.
 *
 * Returns: (transfer none): the string, owned by @value
 *
 * Since: 0.1
 */
const char *
bn_gguf_value_get_array_string (const BnGgufValue *value, guint64 index, gsize *length)
{
  g_return_val_if_fail (value != NULL && value->type == BN_GGUF_VALUE_ARRAY, NULL);
  g_return_val_if_fail (value->element_type == BN_GGUF_VALUE_STRING, NULL);
  g_return_val_if_fail (index < value->n_elements, NULL);
  if (length)
    *length = value->offsets[index + 1] - value->offsets[index] - 1;
  return value->str + value->offsets[index];
}

/**
 * bn_gguf_value_get_array_element:
 * @value: an array of arrays
 * @index: the element, below bn_gguf_value_get_n_elements()
 *
 * Gets one array of an array of arrays.
 *
 * Returns: (transfer none): the inner array, owned by @value
 *
 * Since: 0.1
 */
const BnGgufValue *
bn_gguf_value_get_array_element (const BnGgufValue *value, guint64 index)
{
  g_return_val_if_fail (value != NULL && value->type == BN_GGUF_VALUE_ARRAY, NULL);
  g_return_val_if_fail (value->element_type == BN_GGUF_VALUE_ARRAY, NULL);
  g_return_val_if_fail (index < value->n_elements, NULL);
  return &value->children[index];
}

/**
 * bn_gguf_value_equal:
 * @a: a #BnGgufValue
 * @b: a #BnGgufValue
 *
 * Compares two values deeply: same type, same element type, same bytes
 * (floating-point values are compared bit for bit).
 *
 * Returns: %TRUE if @a and @b would be written identically
 *
 * Since: 0.1
 */
gboolean
bn_gguf_value_equal (const BnGgufValue *a, const BnGgufValue *b)
{
  gsize size;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  if (a->type != b->type)
    return FALSE;
  switch (a->type) {
  case BN_GGUF_VALUE_STRING: return a->str_len == b->str_len && memcmp (a->str, b->str, a->str_len) == 0;
  case BN_GGUF_VALUE_ARRAY:
    if (a->element_type != b->element_type || a->n_elements != b->n_elements)
      return FALSE;
    if (a->element_type == BN_GGUF_VALUE_STRING)
      return a->str_len == b->str_len && memcmp (a->str, b->str, a->str_len) == 0
             && memcmp (a->offsets, b->offsets, (a->n_elements + 1) * sizeof (guint64)) == 0;
    if (a->element_type == BN_GGUF_VALUE_ARRAY) {
      for (guint64 i = 0; i < a->n_elements; i++)
        if (!bn_gguf_value_equal (&a->children[i], &b->children[i]))
          return FALSE;
      return TRUE;
    }
    size = a->n_elements * bn_gguf_value_type_size (a->element_type);
    return size == 0 || memcmp (a->data, b->data, size) == 0;
  default: return memcmp (&a->v, &b->v, bn_gguf_value_type_size (a->type)) == 0;
  }
}

static void
append_quoted (GString *out, const char *s, gsize len)
{
  g_autofree char *valid = g_utf8_make_valid (s, (gssize) len);
  g_autofree char *escaped = g_strescape (valid, NULL);
  g_string_append_c (out, '"');
  g_string_append (out, escaped);
  g_string_append_c (out, '"');
}

static void
append_scalar (GString *out, BnGgufValueType type, const guint8 *le)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (is_unsigned (type) && type != BN_GGUF_VALUE_BOOL)
    g_string_append_printf (out, "%" G_GUINT64_FORMAT, scalar_uint (type, le));
  else if (type == BN_GGUF_VALUE_BOOL)
    g_string_append (out, le[0] ? "true" : "false");
  else if (is_signed (type))
    g_string_append_printf (out, "%" G_GINT64_FORMAT, scalar_int (type, le));
  else
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, type == BN_GGUF_VALUE_FLOAT32 ? "%.9g" : "%.17g",
                                           scalar_double (type, le)));
}

static void
append_value (GString *out, const BnGgufValue *value, gsize max_elements)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  guint64 n;

  if (value->type == BN_GGUF_VALUE_STRING) {
    append_quoted (out, value->str, value->str_len);
    return;
  }
  if (value->type == BN_GGUF_VALUE_BOOL) {
    g_string_append (out, value->v.b ? "true" : "false");
    return;
  }
  if (is_unsigned (value->type)) {
    g_string_append_printf (out, "%" G_GUINT64_FORMAT, bn_gguf_value_get_uint (value));
    return;
  }
  if (is_signed (value->type)) {
    g_string_append_printf (out, "%" G_GINT64_FORMAT, bn_gguf_value_get_int (value));
    return;
  }
  if (is_float (value->type)) {
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, value->type == BN_GGUF_VALUE_FLOAT32 ? "%.9g" : "%.17g",
                                           bn_gguf_value_get_double (value)));
    return;
  }

  n = value->n_elements;
  if (max_elements != 0 && n > max_elements)
    n = max_elements;
  g_string_append_c (out, '[');
  for (guint64 i = 0; i < n; i++) {
    if (i)
      g_string_append (out, ", ");
    if (value->element_type == BN_GGUF_VALUE_STRING)
      append_quoted (out, value->str + value->offsets[i], value->offsets[i + 1] - value->offsets[i] - 1);
    else if (value->element_type == BN_GGUF_VALUE_ARRAY)
      append_value (out, &value->children[i], max_elements);
    else
      append_scalar (out, value->element_type, element_ptr (value, i));
  }
  if (n < value->n_elements)
    g_string_append_printf (out, ", ... (%" G_GUINT64_FORMAT " %s in all)", value->n_elements,
                            bn_gguf_value_type_name (value->element_type));
  g_string_append_c (out, ']');
}

/**
 * bn_gguf_value_to_string:
 * @value: a #BnGgufValue
 * @max_elements: the most array elements to show, 0 for all
 *
 * Formats a value for people: numbers in decimal, floats in the C locale,
 * strings quoted and escaped (invalid UTF-8 replaced), arrays in brackets
 * and shortened after @max_elements elements.
 *
 * Returns: (transfer full): the text
 *
 * Since: 0.1
 */
char *
bn_gguf_value_to_string (const BnGgufValue *value, gsize max_elements)
{
  GString *out;

  g_return_val_if_fail (value != NULL, NULL);
  out = g_string_new (NULL);
  append_value (out, value, max_elements);
  return g_string_free (out, FALSE);
}
