/* gst-bitnet: GGUF builder, collecting metadata and tensors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#undef G_LOG_DOMAIN
#define G_LOG_DOMAIN "bn-gguf"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "bn-gguf-private.h"

/**
 * SECTION:bn-gguf-builder
 * @title: BnGgufBuilder
 * @short_description: writes GGUF files
 *
 * A #BnGgufBuilder collects metadata (in insertion order, each key once)
 * and tensors (in insertion order, each name once), then writes them as a
 * GGUF file laid out exactly as llama.cpp's `gguf_write_to_file()` does:
 * header, metadata, tensor infos, zero padding up to the alignment, then
 * each tensor's data followed by zero padding up to the alignment, with
 * tensor offsets assigned in order. Files it writes for the `bitnet`
 * architecture therefore load in llama.cpp (as long as their tensor types
 * are ones llama.cpp knows and no metadata value is an array of arrays).
 *
 * bn_gguf_builder_write() is atomic: it streams into a temporary file in
 * the target's directory (tensor data is written straight from where it
 * lies, never gathered in one buffer), calls fsync(), and renames the
 * temporary file over the target. On any failure the temporary file is
 * removed and the target is left as it was.
 *
 * bn_gguf_builder_new_from_gguf() starts from an opened file, so that
 * reading a file, copying it and reading the copy gives the same metadata
 * and tensors, and for files laid out as llama.cpp writes them, the same
 * bytes.
 */

G_DEFINE_BOXED_TYPE (BnGgufBuilder, bn_gguf_builder, bn_gguf_builder_ref, bn_gguf_builder_unref)

static void
tensor_clear (gpointer p)
{
  BnGgufBuilderTensor *t = p;
  g_free (t->name);
  g_clear_pointer (&t->bytes, g_bytes_unref);
}

static BnGgufBuilder *
builder_alloc (guint32 version, guint32 alignment)
{
  BnGgufBuilder *self = g_new0 (BnGgufBuilder, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->version = version;
  self->alignment = alignment;
  self->keys = g_ptr_array_new_with_free_func (g_free);
  self->values = g_ptr_array_new_with_free_func ((GDestroyNotify) bn_gguf_value_free);
  self->key_set = g_hash_table_new (g_str_hash, g_str_equal);
  self->tensors = g_array_new (FALSE, TRUE, sizeof (BnGgufBuilderTensor));
  g_array_set_clear_func (self->tensors, tensor_clear);
  self->tensor_names = g_hash_table_new (g_str_hash, g_str_equal);
  return self;
}

/**
 * bn_gguf_builder_new:
 * @version: the GGUF version to write, 2 or 3 (use 3)
 * @alignment: the alignment of the data section and tensors, a power of
 *   two, or 0 for %BN_GGUF_DEFAULT_ALIGNMENT
 *
 * Makes an empty builder. When @alignment is not the default, a
 * `general.alignment` entry is added first, as llama.cpp requires.
 *
 * Returns: (transfer full): a new builder
 *
 * Since: 0.1
 */
BnGgufBuilder *
bn_gguf_builder_new (guint32 version, guint32 alignment)
{
  BnGgufBuilder *self;

  g_return_val_if_fail (version == 2 || version == 3, NULL);
  g_return_val_if_fail (alignment == 0 || bn_gguf_is_power_of_two (alignment), NULL);

  if (alignment == 0)
    alignment = BN_GGUF_DEFAULT_ALIGNMENT;
  self = builder_alloc (version, alignment);
  if (alignment != BN_GGUF_DEFAULT_ALIGNMENT)
    bn_gguf_builder_add_u32 (self, "general.alignment", alignment, NULL);
  return self;
}

/**
 * bn_gguf_builder_new_from_gguf:
 * @gguf: an opened file
 *
 * Makes a builder holding a copy of @gguf's metadata, in file order, and
 * all its tensors, in file order, with the same version and alignment.
 * Tensor data is not copied: the builder keeps a reference on @gguf and
 * writes from its map.
 *
 * Returns: (transfer full): a new builder
 *
 * Since: 0.1
 */
BnGgufBuilder *
bn_gguf_builder_new_from_gguf (BnGguf *gguf)
{
  BnGgufBuilder *self;

  g_return_val_if_fail (gguf != NULL, NULL);

  self = builder_alloc (gguf->version, gguf->alignment);
  self->source = bn_gguf_ref (gguf);
  for (gsize i = 0; i < gguf->n_kv; i++) {
    BnGgufValue *copy = bn_gguf_value_copy (&gguf->kv[i].value);
    char *key = g_strdup (gguf->kv[i].key);
    g_ptr_array_add (self->keys, key);
    g_ptr_array_add (self->values, copy);
    g_hash_table_add (self->key_set, key);
  }
  for (gsize i = 0; i < gguf->n_tensors; i++) {
    const BnGgufTensorInfo *info = &gguf->tensors[i];
    BnGgufBuilderTensor t = { 0 };

    t.name = g_strdup (info->name);
    t.type = info->type;
    t.n_dims = info->n_dims;
    memcpy (t.dims, info->dims, sizeof t.dims);
    t.data = info->data;
    t.size = info->size;
    g_array_append_val (self->tensors, t);
    g_hash_table_add (self->tensor_names, t.name);
    if (bn_gguf_type_get_family (t.type) != BN_GGUF_FAMILY_NONE)
      self->family = bn_gguf_type_get_family (t.type);
  }
  return self;
}

/**
 * bn_gguf_builder_ref:
 * @self: a #BnGgufBuilder
 *
 * Takes a reference.
 *
 * Returns: (transfer full): @self
 *
 * Since: 0.1
 */
BnGgufBuilder *
bn_gguf_builder_ref (BnGgufBuilder *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * bn_gguf_builder_unref:
 * @self: (transfer full): a #BnGgufBuilder
 *
 * Drops a reference.
 *
 * Since: 0.1
 */
void
bn_gguf_builder_unref (BnGgufBuilder *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_hash_table_unref (self->key_set);
  g_hash_table_unref (self->tensor_names);
  g_ptr_array_unref (self->keys);
  g_ptr_array_unref (self->values);
  g_array_unref (self->tensors);
  g_clear_pointer (&self->source, bn_gguf_unref);
  g_free (self);
}

/**
 * bn_gguf_builder_get_alignment:
 * @self: a #BnGgufBuilder
 *
 * Gets the alignment the file will be written with.
 *
 * Returns: the alignment in bytes
 *
 * Since: 0.1
 */
guint32
bn_gguf_builder_get_alignment (BnGgufBuilder *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->alignment;
}

static gboolean invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *format, ...)
{
  g_autofree char *msg = NULL;
  va_list ap;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error_literal (error, BN_GGUF_ERROR, BN_GGUF_ERROR_INVALID, msg);
  return FALSE;
}

/**
 * bn_gguf_builder_add_value:
 * @self: a #BnGgufBuilder
 * @key: the key, non-empty UTF-8 of at most 65535 bytes
 * @value: (transfer full): the value
 * @error: return location for a #GError
 *
 * Appends a metadata entry. A key may only be added once. Adding
 * `general.alignment` (a u32 power of two) sets the alignment the file is
 * written with.
 *
 * Returns: %TRUE on success; %FALSE with %BN_GGUF_ERROR_DUPLICATE or
 *   %BN_GGUF_ERROR_INVALID, and @value freed
 *
 * Since: 0.1
 */
gboolean
bn_gguf_builder_add_value (BnGgufBuilder *self, const char *key, BnGgufValue *value, GError **error)
{
  g_autoptr (BnGgufValue) owned = value;
  gsize len;
  char *copy;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  len = strlen (key);
  if (len == 0 || len > G_MAXUINT16 || !g_utf8_validate_len (key, len, NULL))
    return invalid (error,
                    _("The metadata key '%s' is not valid: keys are non-empty UTF-8 "
                       "text of at most 65535 bytes."),
                    g_utf8_validate_len (key, len, NULL) ? key : "(not UTF-8)");
  if (g_hash_table_contains (self->key_set, key)) {
    g_set_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_DUPLICATE,
                 _("The metadata key '%s' was already added; each key may appear once."), key);
    return FALSE;
  }
  if (g_str_equal (key, "general.alignment")) {
    if (value->type != BN_GGUF_VALUE_UINT32 || !bn_gguf_is_power_of_two (value->v.u32))
      return invalid (error, _("general.alignment must be a u32 power of two."));
    self->alignment = value->v.u32;
  }
  copy = g_strdup (key);
  g_ptr_array_add (self->keys, copy);
  g_ptr_array_add (self->values, g_steal_pointer (&owned));
  g_hash_table_add (self->key_set, copy);
  return TRUE;
}

/**
 * bn_gguf_builder_add_u32:
 * @self: a #BnGgufBuilder
 * @key: the key
 * @value: the value
 * @error: return location for a #GError
 *
 * Appends a `u32` metadata entry (see bn_gguf_builder_add_value()).
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
bn_gguf_builder_add_u32 (BnGgufBuilder *self, const char *key, guint32 value, GError **error)
{
  return bn_gguf_builder_add_value (self, key, bn_gguf_value_new_uint32 (value), error);
}

/**
 * bn_gguf_builder_add_i32:
 * @self: a #BnGgufBuilder
 * @key: the key
 * @value: the value
 * @error: return location for a #GError
 *
 * Appends an `i32` metadata entry (see bn_gguf_builder_add_value()).
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
bn_gguf_builder_add_i32 (BnGgufBuilder *self, const char *key, gint32 value, GError **error)
{
  return bn_gguf_builder_add_value (self, key, bn_gguf_value_new_int32 (value), error);
}

/**
 * bn_gguf_builder_add_u64:
 * @self: a #BnGgufBuilder
 * @key: the key
 * @value: the value
 * @error: return location for a #GError
 *
 * Appends a `u64` metadata entry (see bn_gguf_builder_add_value()).
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
bn_gguf_builder_add_u64 (BnGgufBuilder *self, const char *key, guint64 value, GError **error)
{
  return bn_gguf_builder_add_value (self, key, bn_gguf_value_new_uint64 (value), error);
}

/**
 * bn_gguf_builder_add_f32:
 * @self: a #BnGgufBuilder
 * @key: the key
 * @value: the value
 * @error: return location for a #GError
 *
 * Appends an `f32` metadata entry (see bn_gguf_builder_add_value()).
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
bn_gguf_builder_add_f32 (BnGgufBuilder *self, const char *key, gfloat value, GError **error)
{
  return bn_gguf_builder_add_value (self, key, bn_gguf_value_new_float32 (value), error);
}

/**
 * bn_gguf_builder_add_bool:
 * @self: a #BnGgufBuilder
 * @key: the key
 * @value: the value
 * @error: return location for a #GError
 *
 * Appends a `bool` metadata entry (see bn_gguf_builder_add_value()).
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
bn_gguf_builder_add_bool (BnGgufBuilder *self, const char *key, gboolean value, GError **error)
{
  return bn_gguf_builder_add_value (self, key, bn_gguf_value_new_bool (value), error);
}

/**
 * bn_gguf_builder_add_string:
 * @self: a #BnGgufBuilder
 * @key: the key
 * @value: the value, NUL-terminated
 * @error: return location for a #GError
 *
 * Appends a `string` metadata entry (see bn_gguf_builder_add_value()).
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
bn_gguf_builder_add_string (BnGgufBuilder *self, const char *key, const char *value, GError **error)
{
  g_return_val_if_fail (value != NULL, FALSE);
  return bn_gguf_builder_add_value (self, key, bn_gguf_value_new_string (value), error);
}

/**
 * bn_gguf_builder_add_string_array:
 * @self: a #BnGgufBuilder
 * @key: the key
 * @strv: (array length=n_elements): the strings
 * @n_elements: the number of strings, or -1 if @strv is %NULL-terminated
 * @error: return location for a #GError
 *
 * Appends an array of strings (see bn_gguf_builder_add_value()).
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
bn_gguf_builder_add_string_array (BnGgufBuilder *self, const char *key, const char *const *strv, gssize n_elements,
                                  GError **error)
{
  BnGgufValue *value = bn_gguf_value_new_string_array (strv, n_elements);
  g_return_val_if_fail (value != NULL, FALSE);
  return bn_gguf_builder_add_value (self, key, value, error);
}

static gboolean
add_tensor (BnGgufBuilder *self, const char *name, BnGgufType type, guint n_dims, const guint64 *dims,
            gconstpointer data, gsize size, GBytes *bytes, GError **error)
{
  BnGgufBuilderTensor t = { 0 };
  BnGgufFamily family;
  guint64 expected;
  gsize len;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (n_dims == 0 || dims != NULL, FALSE);
  g_return_val_if_fail (data != NULL || size == 0, FALSE);

  len = strlen (name);
  if (len == 0 || len > BN_GGUF_MAX_NAME || !g_utf8_validate_len (name, len, NULL))
    return invalid (error,
                    _("The tensor name '%s' is not valid: names are non-empty UTF-8 "
                       "text of at most %d bytes (llama.cpp's limit)."),
                    g_utf8_validate_len (name, len, NULL) ? name : "(not UTF-8)", BN_GGUF_MAX_NAME);
  if (g_hash_table_contains (self->tensor_names, name)) {
    g_set_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_DUPLICATE,
                 _("The tensor '%s' was already added; each name may appear once."), name);
    return FALSE;
  }
  if (n_dims > BN_GGUF_MAX_DIMS)
    return invalid (error, _("The tensor '%s' has %u dimensions; at most %d are allowed."), name, n_dims,
                    BN_GGUF_MAX_DIMS);
  if (!bn_gguf_type_is_known (type))
    return invalid (error, _("The tensor '%s' has an unknown type (%d)."), name, (int) type);
  if (!bn_gguf_type_compute_size (type, n_dims, dims, &expected))
    return invalid (error,
                    _("The shape of tensor '%s' does not fit type %s: every dimension "
                       "must be at least 1 and the innermost a multiple of %u."),
                    name, bn_gguf_type_name (type), bn_gguf_type_get_block_size (type));
  if (expected != size)
    return invalid (error,
                    _("The tensor '%s' of type %s needs %llu bytes for its shape, but "
                       "%llu were given."),
                    name, bn_gguf_type_name (type), (unsigned long long) expected, (unsigned long long) size);
  family = bn_gguf_type_get_family (type);
  if (family != BN_GGUF_FAMILY_NONE && self->family != BN_GGUF_FAMILY_NONE && family != self->family)
    return invalid (error,
                    _("The tensor '%s' of type %s cannot share a file with tensors of "
                       "the other meaning of ggml type ids 36 to 39 (bitnet.cpp "
                       "versus upstream ggml): readers could not tell them apart."),
                    name, bn_gguf_type_name (type));
  if (family != BN_GGUF_FAMILY_NONE)
    self->family = family;

  t.name = g_strdup (name);
  t.type = type;
  t.n_dims = n_dims;
  for (guint d = 0; d < BN_GGUF_MAX_DIMS; d++)
    t.dims[d] = d < n_dims ? dims[d] : 1;
  t.data = data;
  t.size = size;
  t.bytes = bytes ? g_bytes_ref (bytes) : NULL;
  g_array_append_val (self->tensors, t);
  g_hash_table_add (self->tensor_names, t.name);
  return TRUE;
}

/**
 * bn_gguf_builder_add_tensor: (skip)
 * @self: a #BnGgufBuilder
 * @name: the tensor name, non-empty UTF-8 of at most %BN_GGUF_MAX_NAME
 *   bytes
 * @type: the tensor type
 * @n_dims: the number of dimensions, 0 to %BN_GGUF_MAX_DIMS
 * @dims: (array length=n_dims) (nullable): the dimensions, innermost first
 * @data: (array length=size): the tensor data, borrowed: it must stay
 *   valid and unchanged until the builder is written
 * @size: the size of @data, which must equal the size computed from @type
 *   and @dims (bn_gguf_type_compute_size())
 * @error: return location for a #GError
 *
 * Appends a tensor, without copying its data. Language bindings use
 * bn_gguf_builder_add_tensor_bytes(), which keeps the data alive.
 *
 * Returns: %TRUE on success; %FALSE with %BN_GGUF_ERROR_DUPLICATE or
 *   %BN_GGUF_ERROR_INVALID
 *
 * Since: 0.1
 */
gboolean
bn_gguf_builder_add_tensor (BnGgufBuilder *self, const char *name, BnGgufType type, guint n_dims, const guint64 *dims,
                            gconstpointer data, gsize size, GError **error)
{
  return add_tensor (self, name, type, n_dims, dims, data, size, NULL, error);
}

/**
 * bn_gguf_builder_add_tensor_bytes:
 * @self: a #BnGgufBuilder
 * @name: the tensor name (see bn_gguf_builder_add_tensor())
 * @type: the tensor type
 * @n_dims: the number of dimensions, 0 to %BN_GGUF_MAX_DIMS
 * @dims: (array length=n_dims) (nullable): the dimensions, innermost first
 * @bytes: the tensor data; the builder keeps a reference
 * @error: return location for a #GError
 *
 * Appends a tensor whose data is held by @bytes.
 *
 * Returns: %TRUE on success; %FALSE with %BN_GGUF_ERROR_DUPLICATE or
 *   %BN_GGUF_ERROR_INVALID
 *
 * Since: 0.1
 */
gboolean
bn_gguf_builder_add_tensor_bytes (BnGgufBuilder *self, const char *name, BnGgufType type, guint n_dims,
                                  const guint64 *dims, GBytes *bytes, GError **error)
{
  gconstpointer data;
  gsize size;

  g_return_val_if_fail (bytes != NULL, FALSE);
  data = g_bytes_get_data (bytes, &size);
  return add_tensor (self, name, type, n_dims, dims, data, size, bytes, error);
}
