/* gst-bitnet: GGUF reader, metadata and tensor access
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#undef G_LOG_DOMAIN
#define G_LOG_DOMAIN "bn-gguf"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "bn-gguf-private.h"

/**
 * bn_gguf_check_intact:
 * @self: a #BnGguf
 * @error: return location for a #GError
 *
 * Checks that no read of the mapped file ran past its end. A file
 * truncated by another process while it is mapped would raise SIGBUS; the
 * library turns the missing pages into zeros instead, and this call
 * reports that the data read were not the file's.
 *
 * Returns: %TRUE when the mapping is intact (always for a file held in
 *   memory); %FALSE with %BN_GGUF_ERROR_TRUNCATED naming the file otherwise
 *
 * Since: 0.2
 */
gboolean
bn_gguf_check_intact (BnGguf *self, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  if (!self->mapped)
    return TRUE;
  return bn_mapping_guard_check (self->base, self->name, error);
}

/**
 * bn_gguf_get_path:
 * @self: a #BnGguf
 *
 * Gets the path the file was opened from.
 *
 * Returns: (nullable) (type filename): the path, or %NULL for a file made
 *   with bn_gguf_new_from_bytes()
 *
 * Since: 0.1
 */
const char *
bn_gguf_get_path (BnGguf *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->path;
}

/**
 * bn_gguf_get_version:
 * @self: a #BnGguf
 *
 * Gets the GGUF version of the file.
 *
 * Returns: 2 or 3
 *
 * Since: 0.1
 */
guint32
bn_gguf_get_version (BnGguf *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->version;
}

/**
 * bn_gguf_get_alignment:
 * @self: a #BnGguf
 *
 * Gets the alignment of the data section and of each tensor
 * (`general.alignment`, or %BN_GGUF_DEFAULT_ALIGNMENT).
 *
 * Returns: the alignment in bytes, a power of two
 *
 * Since: 0.1
 */
guint32
bn_gguf_get_alignment (BnGguf *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->alignment;
}

/**
 * bn_gguf_get_file_size:
 * @self: a #BnGguf
 *
 * Gets the size of the file.
 *
 * Returns: the size in bytes
 *
 * Since: 0.1
 */
guint64
bn_gguf_get_file_size (BnGguf *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->size;
}

/**
 * bn_gguf_get_mapped_size:
 * @self: a #BnGguf
 *
 * Gets how many bytes of address space the file's memory map takes. Pages
 * are only read from disk when touched.
 *
 * Returns: the mapped size in bytes; 0 for a file made with
 *   bn_gguf_new_from_bytes()
 *
 * Since: 0.1
 */
guint64
bn_gguf_get_mapped_size (BnGguf *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->mapped ? self->size : 0;
}

/**
 * bn_gguf_get_data_offset:
 * @self: a #BnGguf
 *
 * Gets the file offset of the data section.
 *
 * Returns: the offset in bytes, a multiple of the alignment
 *
 * Since: 0.1
 */
guint64
bn_gguf_get_data_offset (BnGguf *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->data_offset;
}

/**
 * bn_gguf_get_data_size:
 * @self: a #BnGguf
 *
 * Gets the size of the data section (from its start to the end of the
 * file).
 *
 * Returns: the size in bytes
 *
 * Since: 0.1
 */
guint64
bn_gguf_get_data_size (BnGguf *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->data_size;
}

/**
 * bn_gguf_get_bytes:
 * @self: a #BnGguf
 *
 * Gets the whole file as #GBytes (sharing the map, not copying it).
 *
 * Returns: (transfer full): the content of the file
 *
 * Since: 0.1
 */
GBytes *
bn_gguf_get_bytes (BnGguf *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (self->bytes)
    return g_bytes_ref (self->bytes);
  return g_mapped_file_get_bytes (self->mapped);
}

/**
 * bn_gguf_get_architecture:
 * @self: a #BnGguf
 *
 * Gets `general.architecture`, e.g. `"bitnet"` or `"bitnet-b1.58"`.
 *
 * Returns: (nullable): the architecture, or %NULL if the file has no such
 *   string key
 *
 * Since: 0.1
 */
const char *
bn_gguf_get_architecture (BnGguf *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->architecture;
}

/**
 * bn_gguf_get_n_metadata:
 * @self: a #BnGguf
 *
 * Gets the number of metadata entries.
 *
 * Returns: the number of entries
 *
 * Since: 0.1
 */
gsize
bn_gguf_get_n_metadata (BnGguf *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_kv;
}

/**
 * bn_gguf_get_metadata_key:
 * @self: a #BnGguf
 * @index: the entry, in file order, below bn_gguf_get_n_metadata()
 *
 * Gets the key of a metadata entry.
 *
 * Returns: (transfer none): the key, valid UTF-8
 *
 * Since: 0.1
 */
const char *
bn_gguf_get_metadata_key (BnGguf *self, gsize index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_kv, NULL);
  return self->kv[index].key;
}

/**
 * bn_gguf_get_metadata_value:
 * @self: a #BnGguf
 * @index: the entry, in file order, below bn_gguf_get_n_metadata()
 *
 * Gets the value of a metadata entry.
 *
 * Returns: (transfer none): the value, owned by @self
 *
 * Since: 0.1
 */
const BnGgufValue *
bn_gguf_get_metadata_value (BnGguf *self, gsize index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_kv, NULL);
  return &self->kv[index].value;
}

static BnGgufKeyValue *
find_kv (BnGguf *self, const char *key)
{
  gpointer idx = g_hash_table_lookup (self->kv_index, key);
  return idx ? &self->kv[GPOINTER_TO_SIZE (idx) - 1] : NULL;
}

/**
 * bn_gguf_lookup:
 * @self: a #BnGguf
 * @key: a metadata key
 *
 * Finds a metadata value by key.
 *
 * Returns: (transfer none) (nullable): the value, owned by @self, or %NULL
 *
 * Since: 0.1
 */
const BnGgufValue *
bn_gguf_lookup (BnGguf *self, const char *key)
{
  BnGgufKeyValue *kv;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);
  kv = find_kv (self, key);
  return kv ? &kv->value : NULL;
}

/**
 * bn_gguf_has_key:
 * @self: a #BnGguf
 * @key: a metadata key
 *
 * Tells whether the file has a metadata entry for @key.
 *
 * Returns: %TRUE if it has
 *
 * Since: 0.1
 */
gboolean
bn_gguf_has_key (BnGguf *self, const char *key)
{
  return bn_gguf_lookup (self, key) != NULL;
}

static BnGgufKeyValue *
find_or_fail (BnGguf *self, const char *key, GError **error)
{
  BnGgufKeyValue *kv = find_kv (self, key);

  if (kv == NULL)
    g_set_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_NOT_FOUND,
                 _("%s: the metadata key '%s' is missing. The model was converted without "
                    "it: convert it again with a llama.cpp that knows its architecture."),
                 self->name, key);
  return kv;
}

static gboolean
mismatch (BnGguf *self, BnGgufKeyValue *kv, const char *expected, GError **error)
{
  g_autofree char *shown = bn_gguf_value_to_string (&kv->value, 4);

  g_set_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_TYPE_MISMATCH,
               _("%s: at byte %llu: the metadata key '%s' holds the %s %s, but %s is "
                  "expected."),
               self->name, (unsigned long long) kv->offset, kv->key, bn_gguf_value_type_name (kv->value.type), shown,
               expected);
  return FALSE;
}

/* Reads an integer of any type as sign and magnitude. */
static gboolean
integer_of (const BnGgufValue *v, gboolean *negative, guint64 *magnitude)
{
  gint64 i;

  switch (v->type) {
  case BN_GGUF_VALUE_UINT8:
  case BN_GGUF_VALUE_UINT16:
  case BN_GGUF_VALUE_UINT32:
  case BN_GGUF_VALUE_UINT64:
    *negative = FALSE;
    *magnitude = bn_gguf_value_get_uint (v);
    return TRUE;
  case BN_GGUF_VALUE_INT8:
  case BN_GGUF_VALUE_INT16:
  case BN_GGUF_VALUE_INT32:
  case BN_GGUF_VALUE_INT64:
    i = bn_gguf_value_get_int (v);
    *negative = i < 0;
    *magnitude = i < 0 ? (guint64) (-(i + 1)) + 1 : (guint64) i;
    return TRUE;
  default: return FALSE;
  }
}

/**
 * bn_gguf_get_u32:
 * @self: a #BnGguf
 * @key: a metadata key
 * @value: (out): where to store the value
 * @error: return location for a #GError
 *
 * Gets an integer metadata value that must fit in a #guint32. Any integer
 * type is accepted (converters differ), as long as the value fits.
 *
 * Returns: %TRUE on success; %FALSE with %BN_GGUF_ERROR_NOT_FOUND or
 *   %BN_GGUF_ERROR_TYPE_MISMATCH
 *
 * Since: 0.1
 */
gboolean
bn_gguf_get_u32 (BnGguf *self, const char *key, guint32 *value, GError **error)
{
  BnGgufKeyValue *kv;
  gboolean neg;
  guint64 mag;

  g_return_val_if_fail (self != NULL && key != NULL, FALSE);
  if (!(kv = find_or_fail (self, key, error)))
    return FALSE;
  if (!integer_of (&kv->value, &neg, &mag) || neg || mag > G_MAXUINT32)
    return mismatch (self, kv, _("an integer from 0 to 4294967295"), error);
  if (value)
    *value = (guint32) mag;
  return TRUE;
}

/**
 * bn_gguf_get_i32:
 * @self: a #BnGguf
 * @key: a metadata key
 * @value: (out): where to store the value
 * @error: return location for a #GError
 *
 * Gets an integer metadata value that must fit in a #gint32 (e.g.
 * `tokenizer.ggml.padding_token_id`, which may be -1).
 *
 * Returns: %TRUE on success; %FALSE with %BN_GGUF_ERROR_NOT_FOUND or
 *   %BN_GGUF_ERROR_TYPE_MISMATCH
 *
 * Since: 0.1
 */
gboolean
bn_gguf_get_i32 (BnGguf *self, const char *key, gint32 *value, GError **error)
{
  BnGgufKeyValue *kv;
  gboolean neg;
  guint64 mag;

  g_return_val_if_fail (self != NULL && key != NULL, FALSE);
  if (!(kv = find_or_fail (self, key, error)))
    return FALSE;
  if (!integer_of (&kv->value, &neg, &mag) || mag > (neg ? (guint64) G_MAXINT32 + 1 : G_MAXINT32))
    return mismatch (self, kv, _("an integer from -2147483648 to 2147483647"), error);
  if (value)
    *value = neg ? (gint32) (-(gint64) mag) : (gint32) mag;
  return TRUE;
}

/**
 * bn_gguf_get_u64:
 * @self: a #BnGguf
 * @key: a metadata key
 * @value: (out): where to store the value
 * @error: return location for a #GError
 *
 * Gets a non-negative integer metadata value of any integer type.
 *
 * Returns: %TRUE on success; %FALSE with %BN_GGUF_ERROR_NOT_FOUND or
 *   %BN_GGUF_ERROR_TYPE_MISMATCH
 *
 * Since: 0.1
 */
gboolean
bn_gguf_get_u64 (BnGguf *self, const char *key, guint64 *value, GError **error)
{
  BnGgufKeyValue *kv;
  gboolean neg;
  guint64 mag;

  g_return_val_if_fail (self != NULL && key != NULL, FALSE);
  if (!(kv = find_or_fail (self, key, error)))
    return FALSE;
  if (!integer_of (&kv->value, &neg, &mag) || neg)
    return mismatch (self, kv, _("a non-negative integer"), error);
  if (value)
    *value = mag;
  return TRUE;
}

/**
 * bn_gguf_get_f32:
 * @self: a #BnGguf
 * @key: a metadata key
 * @value: (out): where to store the value
 * @error: return location for a #GError
 *
 * Gets a floating-point metadata value (`f32`, or `f64` rounded to
 * float).
 *
 * Returns: %TRUE on success; %FALSE with %BN_GGUF_ERROR_NOT_FOUND or
 *   %BN_GGUF_ERROR_TYPE_MISMATCH
 *
 * Since: 0.1
 */
gboolean
bn_gguf_get_f32 (BnGguf *self, const char *key, gfloat *value, GError **error)
{
  BnGgufKeyValue *kv;

  g_return_val_if_fail (self != NULL && key != NULL, FALSE);
  if (!(kv = find_or_fail (self, key, error)))
    return FALSE;
  if (kv->value.type != BN_GGUF_VALUE_FLOAT32 && kv->value.type != BN_GGUF_VALUE_FLOAT64)
    return mismatch (self, kv, _("a floating-point number"), error);
  if (value)
    *value = (gfloat) bn_gguf_value_get_double (&kv->value);
  return TRUE;
}

/**
 * bn_gguf_get_bool:
 * @self: a #BnGguf
 * @key: a metadata key
 * @value: (out): where to store the value
 * @error: return location for a #GError
 *
 * Gets a boolean metadata value.
 *
 * Returns: %TRUE on success; %FALSE with %BN_GGUF_ERROR_NOT_FOUND or
 *   %BN_GGUF_ERROR_TYPE_MISMATCH
 *
 * Since: 0.1
 */
gboolean
bn_gguf_get_bool (BnGguf *self, const char *key, gboolean *value, GError **error)
{
  BnGgufKeyValue *kv;

  g_return_val_if_fail (self != NULL && key != NULL, FALSE);
  if (!(kv = find_or_fail (self, key, error)))
    return FALSE;
  if (kv->value.type != BN_GGUF_VALUE_BOOL)
    return mismatch (self, kv, _("a boolean"), error);
  if (value)
    *value = kv->value.v.b != 0;
  return TRUE;
}

/**
 * bn_gguf_get_string:
 * @self: a #BnGguf
 * @key: a metadata key
 * @error: return location for a #GError
 *
 * Gets a string metadata value. The string is NUL-terminated; use
 * bn_gguf_lookup() and bn_gguf_value_get_string() for strings that may
 * contain NUL bytes.
 *
 * Returns: (transfer none) (nullable): the string, owned by @self, or
 *   %NULL with %BN_GGUF_ERROR_NOT_FOUND or %BN_GGUF_ERROR_TYPE_MISMATCH
 *
 * Since: 0.1
 */
const char *
bn_gguf_get_string (BnGguf *self, const char *key, GError **error)
{
  BnGgufKeyValue *kv;

  g_return_val_if_fail (self != NULL && key != NULL, NULL);
  if (!(kv = find_or_fail (self, key, error)))
    return NULL;
  if (kv->value.type != BN_GGUF_VALUE_STRING) {
    mismatch (self, kv, _("a string"), error);
    return NULL;
  }
  return kv->value.str;
}

/**
 * bn_gguf_get_array:
 * @self: a #BnGguf
 * @key: a metadata key
 * @element_type: the element type the array must have
 * @error: return location for a #GError
 *
 * Gets an array metadata value whose elements have @element_type.
 *
 * Returns: (transfer none) (nullable): the array, owned by @self, or
 *   %NULL with %BN_GGUF_ERROR_NOT_FOUND or %BN_GGUF_ERROR_TYPE_MISMATCH
 *
 * Since: 0.1
 */
const BnGgufValue *
bn_gguf_get_array (BnGguf *self, const char *key, BnGgufValueType element_type, GError **error)
{
  BnGgufKeyValue *kv;

  g_return_val_if_fail (self != NULL && key != NULL, NULL);
  if (!(kv = find_or_fail (self, key, error)))
    return NULL;
  if (kv->value.type != BN_GGUF_VALUE_ARRAY || kv->value.element_type != element_type) {
    g_autofree char *expected = g_strdup_printf (_("an array of %s"), bn_gguf_value_type_name (element_type));
    mismatch (self, kv, expected, error);
    return NULL;
  }
  return &kv->value;
}

/**
 * bn_gguf_get_n_tensors:
 * @self: a #BnGguf
 *
 * Gets the number of tensors.
 *
 * Returns: the number of tensors
 *
 * Since: 0.1
 */
gsize
bn_gguf_get_n_tensors (BnGguf *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_tensors;
}

/**
 * bn_gguf_get_tensor:
 * @self: a #BnGguf
 * @index: the tensor, in file order, below bn_gguf_get_n_tensors()
 *
 * Gets a tensor's info and data.
 *
 * Returns: (transfer none): the tensor, owned by @self
 *
 * Since: 0.1
 */
const BnGgufTensorInfo *
bn_gguf_get_tensor (BnGguf *self, gsize index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_tensors, NULL);
  return &self->tensors[index];
}

/**
 * bn_gguf_find_tensor:
 * @self: a #BnGguf
 * @name: a tensor name
 *
 * Finds a tensor by name.
 *
 * Returns: (transfer none) (nullable): the tensor, owned by @self, or
 *   %NULL if there is none of that name
 *
 * Since: 0.1
 */
const BnGgufTensorInfo *
bn_gguf_find_tensor (BnGguf *self, const char *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (self->tensor_index, name);
}

#define SAMPLE_SIZE 4096
#define SAMPLE_STRIDE (1024 * 1024)

static void
checksum_u64 (GChecksum *checksum, guint64 v)
{
  guint8 le[8];
  for (int i = 0; i < 8; i++)
    le[i] = (guint8) (v >> (8 * i));
  g_checksum_update (checksum, le, sizeof le);
}

/**
 * bn_gguf_checksum_update_sampled:
 * @checksum: a #GChecksum
 * @data: (array length=size): the bytes to sample
 * @size: the number of bytes
 *
 * Feeds @checksum with a sample of @data that does not require reading it
 * all: its size as a little-endian u64, then the whole of it when it is at
 * most 8 KiB; otherwise its first 4 KiB, 4 KiB at every multiple of 1 MiB
 * that leaves room for the tail, and its last 4 KiB. A 1.2 GB model is
 * sampled with about 5 MB of reads, so a fingerprint costs milliseconds,
 * and any change of size, of the edges of a tensor, or of a sampled window
 * changes it. (It is a fingerprint, not an integrity check: a change
 * between windows goes unseen.)
 *
 * Since: 0.1
 */
void
bn_gguf_checksum_update_sampled (GChecksum *checksum, const guint8 *data, gsize size)
{
  g_return_if_fail (checksum != NULL);
  g_return_if_fail (data != NULL || size == 0);

  checksum_u64 (checksum, size);
  if (size <= 2 * SAMPLE_SIZE) {
    g_checksum_update (checksum, data, (gssize) size);
    return;
  }
  g_checksum_update (checksum, data, SAMPLE_SIZE);
  for (gsize at = SAMPLE_STRIDE; at <= size - 2 * SAMPLE_SIZE; at += SAMPLE_STRIDE)
    g_checksum_update (checksum, data + at, SAMPLE_SIZE);
  g_checksum_update (checksum, data + size - SAMPLE_SIZE, SAMPLE_SIZE);
}

/**
 * bn_gguf_sample_digest:
 * @self: a #BnGguf
 *
 * Computes a fast SHA-256 fingerprint of the model in the file: its
 * architecture, then for every tensor in file order its name, type name,
 * number of dimensions, four dimensions and byte size, and a sample of its
 * data as bn_gguf_checksum_update_sampled() takes it. Metadata other than
 * the architecture is not included.
 *
 * Returns: (transfer full): the digest as 64 lowercase hex digits
 *
 * Since: 0.1
 */
char *
bn_gguf_sample_digest (BnGguf *self)
{
  g_autoptr (GChecksum) checksum = NULL;
  const char *arch;

  g_return_val_if_fail (self != NULL, NULL);

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  arch = self->architecture ? self->architecture : "";
  g_checksum_update (checksum, (const guchar *) arch, (gssize) strlen (arch) + 1);
  checksum_u64 (checksum, self->n_tensors);
  for (gsize i = 0; i < self->n_tensors; i++) {
    const BnGgufTensorInfo *t = &self->tensors[i];
    const char *type = bn_gguf_type_name (t->type);

    g_checksum_update (checksum, (const guchar *) t->name, (gssize) strlen (t->name) + 1);
    g_checksum_update (checksum, (const guchar *) type, (gssize) strlen (type) + 1);
    checksum_u64 (checksum, t->n_dims);
    for (guint d = 0; d < BN_GGUF_MAX_DIMS; d++)
      checksum_u64 (checksum, t->dims[d]);
    bn_gguf_checksum_update_sampled (checksum, t->data, t->size);
  }
  return g_strdup (g_checksum_get_string (checksum));
}
