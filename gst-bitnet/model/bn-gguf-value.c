/* gst-bitnet: GGUF metadata values
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "bn-gguf-private.h"

/**
 * SECTION:bn-gguf-value
 * @title: BnGgufValue
 * @short_description: one GGUF metadata value
 *
 * A #BnGgufValue holds one metadata value of any GGUF type: a number, a
 * boolean, a string, or an array of any of these including arrays of
 * strings and arrays of arrays. Values read from a file are owned by the
 * #BnGguf and borrow its memory map for numeric arrays; values made with
 * the constructors here own their memory and are given to a
 * #BnGgufBuilder with bn_gguf_builder_add_value().
 *
 * Numeric arrays are kept as in the file: little-endian, possibly
 * unaligned. Read them element by element with
 * bn_gguf_value_get_array_uint() and friends, or copy them with memcpy()
 * from bn_gguf_value_get_array_data().
 */

G_DEFINE_BOXED_TYPE (BnGgufValue, bn_gguf_value, bn_gguf_value_copy, bn_gguf_value_free)

static BnGgufValue *
value_new (BnGgufValueType type)
{
  BnGgufValue *v = g_new0 (BnGgufValue, 1);
  v->type = type;
  return v;
}

/**
 * bn_gguf_value_new_uint8:
 * @v: the value
 *
 * Makes a `u8` value.
 *
 * Returns: (transfer full): a new value
 *
 * Since: 0.1
 */
BnGgufValue *
bn_gguf_value_new_uint8 (guint8 v)
{
  BnGgufValue *value = value_new (BN_GGUF_VALUE_UINT8);
  value->v.u8 = v;
  return value;
}

/**
 * bn_gguf_value_new_int8:
 * @v: the value
 *
 * Makes an `i8` value.
 *
 * Returns: (transfer full): a new value
 *
 * Since: 0.1
 */
BnGgufValue *
bn_gguf_value_new_int8 (gint8 v)
{
  BnGgufValue *value = value_new (BN_GGUF_VALUE_INT8);
  value->v.i8 = v;
  return value;
}

/**
 * bn_gguf_value_new_uint16:
 * @v: the value
 *
 * Makes a `u16` value.
 *
 * Returns: (transfer full): a new value
 *
 * Since: 0.1
 */
BnGgufValue *
bn_gguf_value_new_uint16 (guint16 v)
{
  BnGgufValue *value = value_new (BN_GGUF_VALUE_UINT16);
  value->v.u16 = v;
  return value;
}

/**
 * bn_gguf_value_new_int16:
 * @v: the value
 *
 * Makes an `i16` value.
 *
 * Returns: (transfer full): a new value
 *
 * Since: 0.1
 */
BnGgufValue *
bn_gguf_value_new_int16 (gint16 v)
{
  BnGgufValue *value = value_new (BN_GGUF_VALUE_INT16);
  value->v.i16 = v;
  return value;
}

/**
 * bn_gguf_value_new_uint32:
 * @v: the value
 *
 * Makes a `u32` value.
 *
 * Returns: (transfer full): a new value
 *
 * Since: 0.1
 */
BnGgufValue *
bn_gguf_value_new_uint32 (guint32 v)
{
  BnGgufValue *value = value_new (BN_GGUF_VALUE_UINT32);
  value->v.u32 = v;
  return value;
}

/**
 * bn_gguf_value_new_int32:
 * @v: the value
 *
 * Makes an `i32` value.
 *
 * Returns: (transfer full): a new value
 *
 * Since: 0.1
 */
BnGgufValue *
bn_gguf_value_new_int32 (gint32 v)
{
  BnGgufValue *value = value_new (BN_GGUF_VALUE_INT32);
  value->v.i32 = v;
  return value;
}

/**
 * bn_gguf_value_new_float32:
 * @v: the value
 *
 * Makes an `f32` value.
 *
 * Returns: (transfer full): a new value
 *
 * Since: 0.1
 */
BnGgufValue *
bn_gguf_value_new_float32 (gfloat v)
{
  BnGgufValue *value = value_new (BN_GGUF_VALUE_FLOAT32);
  value->v.f32 = v;
  return value;
}

/**
 * bn_gguf_value_new_bool:
 * @v: the value
 *
 * Makes a `bool` value.
 *
 * Returns: (transfer full): a new value
 *
 * Since: 0.1
 */
BnGgufValue *
bn_gguf_value_new_bool (gboolean v)
{
  BnGgufValue *value = value_new (BN_GGUF_VALUE_BOOL);
  value->v.b = v ? 1 : 0;
  return value;
}

/**
 * bn_gguf_value_new_string_len:
 * @v: (array length=length): the bytes of the string
 * @length: the number of bytes
 *
 * Makes a `string` value from @length bytes, which may contain NUL bytes.
 *
 * Returns: (transfer full): a new value
 *
 * Since: 0.1
 */
BnGgufValue *
bn_gguf_value_new_string_len (const char *v, gsize length)
{
  BnGgufValue *value;

  g_return_val_if_fail (v != NULL || length == 0, NULL);

  value = value_new (BN_GGUF_VALUE_STRING);
  value->str = g_malloc (length + 1);
  if (length)
    memcpy (value->str, v, length);
  value->str[length] = '\0';
  value->str_len = length;
  return value;
}

/**
 * bn_gguf_value_new_string:
 * @v: a NUL-terminated string
 *
 * Makes a `string` value.
 *
 * Returns: (transfer full): a new value
 *
 * Since: 0.1
 */
BnGgufValue *
bn_gguf_value_new_string (const char *v)
{
  g_return_val_if_fail (v != NULL, NULL);
  return bn_gguf_value_new_string_len (v, strlen (v));
}

/**
 * bn_gguf_value_new_uint64:
 * @v: the value
 *
 * Makes a `u64` value.
 *
 * Returns: (transfer full): a new value
 *
 * Since: 0.1
 */
BnGgufValue *
bn_gguf_value_new_uint64 (guint64 v)
{
  BnGgufValue *value = value_new (BN_GGUF_VALUE_UINT64);
  value->v.u64 = v;
  return value;
}

/**
 * bn_gguf_value_new_int64:
 * @v: the value
 *
 * Makes an `i64` value.
 *
 * Returns: (transfer full): a new value
 *
 * Since: 0.1
 */
BnGgufValue *
bn_gguf_value_new_int64 (gint64 v)
{
  BnGgufValue *value = value_new (BN_GGUF_VALUE_INT64);
  value->v.i64 = v;
  return value;
}

/**
 * bn_gguf_value_new_float64:
 * @v: the value
 *
 * Makes an `f64` value.
 *
 * Returns: (transfer full): a new value
 *
 * Since: 0.1
 */
BnGgufValue *
bn_gguf_value_new_float64 (gdouble v)
{
  BnGgufValue *value = value_new (BN_GGUF_VALUE_FLOAT64);
  value->v.f64 = v;
  return value;
}

/* Converts @n elements of @size bytes between host and little-endian
 * order, in place (the conversion is its own inverse). */
static void
swap_to_le (guint8 *data, gsize size, guint64 n)
{
#if G_BYTE_ORDER == G_BIG_ENDIAN
  for (guint64 i = 0; i < n; i++)
    for (gsize a = 0, b = size - 1; a < b; a++, b--) {
      guint8 t = data[i * size + a];
      data[i * size + a] = data[i * size + b];
      data[i * size + b] = t;
    }
#else
  (void) data;
  (void) size;
  (void) n;
#endif
}

/**
 * bn_gguf_value_new_array:
 * @element_type: the type of the elements; neither %BN_GGUF_VALUE_STRING
 *   nor %BN_GGUF_VALUE_ARRAY
 * @elements: (nullable): @n_elements values of the matching C type
 *   (#guint8, #gint8, #guint16, #gint16, #guint32, #gint32, #gfloat,
 *   #guint8 holding 0 or 1 for booleans, #guint64, #gint64, #gdouble), in
 *   host byte order
 * @n_elements: the number of elements
 *
 * Makes an array of numbers or booleans. The elements are copied.
 *
 * Returns: (transfer full): a new value
 *
 * Since: 0.1
 */
BnGgufValue *
bn_gguf_value_new_array (BnGgufValueType element_type, gconstpointer elements, gsize n_elements)
{
  gsize size = bn_gguf_value_type_size (element_type);
  BnGgufValue *value;
  guint8 *data = NULL;
  gsize n_bytes;

  g_return_val_if_fail (size != 0, NULL);
  g_return_val_if_fail (elements != NULL || n_elements == 0, NULL);
  g_return_val_if_fail (g_size_checked_mul (&n_bytes, n_elements, size), NULL);

  value = value_new (BN_GGUF_VALUE_ARRAY);
  value->element_type = element_type;
  value->n_elements = n_elements;
  if (n_bytes) {
    data = g_memdup2 (elements, n_bytes);
    if (element_type == BN_GGUF_VALUE_BOOL)
      for (gsize i = 0; i < n_elements; i++)
        data[i] = data[i] ? 1 : 0;
    swap_to_le (data, size, n_elements);
  }
  value->data = data;
  value->owns_data = TRUE;
  return value;
}

static void
fill_string_array (BnGgufValue *value, const char *const *strv, const gsize *lengths, gsize n)
{
  gsize total = 0, pos = 0;

  for (gsize i = 0; i < n; i++)
    total += lengths[i] + 1;
  value->type = BN_GGUF_VALUE_ARRAY;
  value->element_type = BN_GGUF_VALUE_STRING;
  value->n_elements = n;
  value->offsets = g_new (guint64, n + 1);
  value->str = g_malloc (total + 1);
  value->str_len = total;
  for (gsize i = 0; i < n; i++) {
    value->offsets[i] = pos;
    if (lengths[i])
      memcpy (value->str + pos, strv[i], lengths[i]);
    value->str[pos + lengths[i]] = '\0';
    pos += lengths[i] + 1;
  }
  value->offsets[n] = pos;
  value->str[total] = '\0';
}

/**
 * bn_gguf_value_new_string_array:
 * @strv: (array length=n_elements): the strings
 * @n_elements: the number of strings, or -1 if @strv is %NULL-terminated
 *
 * Makes an array of strings, e.g. `tokenizer.ggml.tokens`. The strings
 * are copied.
 *
 * Returns: (transfer full): a new value
 *
 * Since: 0.1
 */
BnGgufValue *
bn_gguf_value_new_string_array (const char *const *strv, gssize n_elements)
{
  g_autofree gsize *lengths = NULL;
  BnGgufValue *value;
  gsize n;

  g_return_val_if_fail (strv != NULL || n_elements <= 0, NULL);

  if (n_elements < 0)
    n = strv ? g_strv_length ((char **) strv) : 0;
  else
    n = (gsize) n_elements;
  lengths = g_new (gsize, n + 1);
  for (gsize i = 0; i < n; i++) {
    g_return_val_if_fail (strv[i] != NULL, NULL);
    lengths[i] = strlen (strv[i]);
  }
  value = value_new (BN_GGUF_VALUE_ARRAY);
  fill_string_array (value, strv, lengths, n);
  return value;
}

/**
 * bn_gguf_value_new_array_of_arrays:
 * @arrays: (array length=n_arrays) (transfer full): array values
 * @n_arrays: the number of arrays
 *
 * Makes an array whose elements are arrays (they need not share an
 * element type or a length). Takes ownership of every value in @arrays,
 * not of the C array itself.
 *
 * Note that llama.cpp refuses arrays of arrays: do not use them in files
 * meant for it.
 *
 * Returns: (transfer full): a new value
 *
 * Since: 0.1
 */
BnGgufValue *
bn_gguf_value_new_array_of_arrays (BnGgufValue **arrays, gsize n_arrays)
{
  BnGgufValue *value;

  g_return_val_if_fail (arrays != NULL || n_arrays == 0, NULL);
  for (gsize i = 0; i < n_arrays; i++)
    g_return_val_if_fail (arrays[i] != NULL && arrays[i]->type == BN_GGUF_VALUE_ARRAY, NULL);

  value = value_new (BN_GGUF_VALUE_ARRAY);
  value->element_type = BN_GGUF_VALUE_ARRAY;
  value->n_elements = n_arrays;
  value->children = g_new0 (BnGgufValue, n_arrays ? n_arrays : 1);
  for (gsize i = 0; i < n_arrays; i++) {
    value->children[i] = *arrays[i];
    g_free (arrays[i]);
    arrays[i] = NULL;
  }
  return value;
}

void
bn_gguf_value_clear (BnGgufValue *value)
{
  if (value->children) {
    for (guint64 i = 0; i < value->n_elements; i++)
      bn_gguf_value_clear (&value->children[i]);
    g_free (value->children);
  }
  if (value->owns_data)
    g_free ((gpointer) value->data);
  g_free (value->str);
  g_free (value->offsets);
  memset (value, 0, sizeof *value);
}

void
bn_gguf_value_copy_into (BnGgufValue *dest, const BnGgufValue *src)
{
  *dest = *src;
  dest->owns_data = FALSE;
  dest->data = NULL;
  dest->str = NULL;
  dest->offsets = NULL;
  dest->children = NULL;

  if (src->type == BN_GGUF_VALUE_STRING) {
    dest->str = g_memdup2 (src->str, src->str_len + 1);
    return;
  }
  if (src->type != BN_GGUF_VALUE_ARRAY)
    return;
  if (src->element_type == BN_GGUF_VALUE_STRING) {
    dest->str = g_memdup2 (src->str, src->str_len + 1);
    dest->offsets = g_memdup2 (src->offsets, (src->n_elements + 1) * sizeof (guint64));
  } else if (src->element_type == BN_GGUF_VALUE_ARRAY) {
    dest->children = g_new0 (BnGgufValue, src->n_elements ? src->n_elements : 1);
    for (guint64 i = 0; i < src->n_elements; i++)
      bn_gguf_value_copy_into (&dest->children[i], &src->children[i]);
  } else {
    gsize n_bytes = src->n_elements * bn_gguf_value_type_size (src->element_type);
    dest->data = n_bytes ? g_memdup2 (src->data, n_bytes) : NULL;
    dest->owns_data = TRUE;
  }
}

/**
 * bn_gguf_value_copy:
 * @value: a #BnGgufValue
 *
 * Makes a deep copy of @value that owns all its memory (it no longer
 * depends on the file @value was read from).
 *
 * Returns: (transfer full): the copy
 *
 * Since: 0.1
 */
BnGgufValue *
bn_gguf_value_copy (const BnGgufValue *value)
{
  BnGgufValue *copy;

  g_return_val_if_fail (value != NULL, NULL);
  copy = g_new0 (BnGgufValue, 1);
  bn_gguf_value_copy_into (copy, value);
  return copy;
}

/**
 * bn_gguf_value_free:
 * @value: (nullable): a #BnGgufValue made by a constructor or
 *   bn_gguf_value_copy()
 *
 * Frees a value. Never call it on values owned by a #BnGguf.
 *
 * Since: 0.1
 */
void
bn_gguf_value_free (BnGgufValue *value)
{
  if (value == NULL)
    return;
  bn_gguf_value_clear (value);
  g_free (value);
}
