/* gst-bitnet: GGUF writer, streaming a builder to disk atomically
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#undef G_LOG_DOMAIN
#define G_LOG_DOMAIN "bn-gguf"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "bn-gguf-private.h"
#include <gst-bitnet/bn-file-private.h>

/* ---- streaming output ---- */

#define BUFFER_SIZE (256 * 1024)

typedef struct {
  int fd;
  const char *display;
  guint8 *buf;
  gsize used;
  guint64 written;
  GError **error;
} Out;

static gboolean
write_all (Out *o, const guint8 *p, gsize n)
{
  while (n > 0) {
    gssize r = write (o->fd, p, MIN (n, (gsize) 1 << 30));
    if (r < 0) {
      int saved = errno;
      if (saved == EINTR)
        continue;
      g_set_error (o->error, BN_GGUF_ERROR, BN_GGUF_ERROR_IO,
                   _("Cannot write %s (at byte %llu): %s. Free some space or choose "
                      "another location."),
                   o->display, (unsigned long long) o->written, g_strerror (saved));
      return FALSE;
    }
    p += r;
    n -= (gsize) r;
    o->written += (guint64) r;
  }
  return TRUE;
}

static gboolean
flush (Out *o)
{
  gsize n = o->used;
  o->used = 0;
  return write_all (o, o->buf, n);
}

static gboolean
put (Out *o, const void *p, gsize n)
{
  if (n == 0)
    return TRUE;
  if (n >= BUFFER_SIZE)
    return flush (o) && write_all (o, p, n);
  if (o->used + n > BUFFER_SIZE && !flush (o))
    return FALSE;
  memcpy (o->buf + o->used, p, n);
  o->used += n;
  return TRUE;
}

static gboolean
put_u32 (Out *o, guint32 v)
{
  guint8 le[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
  return put (o, le, 4);
}

static gboolean
put_u64 (Out *o, guint64 v)
{
  guint8 le[8];
  for (int i = 0; i < 8; i++)
    le[i] = (guint8) (v >> (8 * i));
  return put (o, le, 8);
}

static gboolean
put_string (Out *o, const char *s, gsize len)
{
  return put_u64 (o, len) && put (o, s, len);
}

static gboolean
put_padding (Out *o, guint64 current, guint32 alignment)
{
  static const guint8 zeros[64] = { 0 };
  guint64 target, n;

  if (!bn_gguf_pad (current, alignment, &target))
    return FALSE;
  for (n = target - current; n > 0;) {
    gsize chunk = MIN (n, sizeof zeros);
    if (!put (o, zeros, chunk))
      return FALSE;
    n -= chunk;
  }
  return TRUE;
}

static gboolean
put_value (Out *o, const BnGgufValue *v)
{
  switch (v->type) {
  case BN_GGUF_VALUE_STRING: return put_string (o, v->str, v->str_len);
  case BN_GGUF_VALUE_ARRAY:
    if (!put_u32 (o, v->element_type) || !put_u64 (o, v->n_elements))
      return FALSE;
    if (v->element_type == BN_GGUF_VALUE_STRING) {
      for (guint64 i = 0; i < v->n_elements; i++)
        if (!put_string (o, v->str + v->offsets[i], v->offsets[i + 1] - v->offsets[i] - 1))
          return FALSE;
      return TRUE;
    }
    if (v->element_type == BN_GGUF_VALUE_ARRAY) {
      for (guint64 i = 0; i < v->n_elements; i++)
        if (!put_value (o, &v->children[i]))
          return FALSE;
      return TRUE;
    }
    return put (o, v->data, v->n_elements * bn_gguf_value_type_size (v->element_type));
  case BN_GGUF_VALUE_UINT16:
  case BN_GGUF_VALUE_INT16: {
    guint8 le[2] = { v->v.u16 & 0xff, v->v.u16 >> 8 };
    return put (o, le, 2);
  }
  case BN_GGUF_VALUE_UINT32:
  case BN_GGUF_VALUE_INT32:
  case BN_GGUF_VALUE_FLOAT32: return put_u32 (o, v->v.u32);
  case BN_GGUF_VALUE_UINT64:
  case BN_GGUF_VALUE_INT64:
  case BN_GGUF_VALUE_FLOAT64: return put_u64 (o, v->v.u64);
  default: return put (o, &v->v.u8, 1);
  }
}

/* Type ids 36..39: unless the architecture says bitnet.cpp, the reader
 * decides from each tensor's slot (its size padded to the alignment, as
 * written here). Refuse to write a file in which it could not. */
static gboolean
check_decidable (BnGgufBuilder *self, const char *display, GError **error)
{
  const char *arch = NULL;

  for (guint i = 0; i < self->keys->len; i++) {
    const BnGgufValue *v = g_ptr_array_index (self->values, i);
    if (g_str_equal (g_ptr_array_index (self->keys, i), "general.architecture") && v->type == BN_GGUF_VALUE_STRING)
      arch = v->str;
  }
  if (bn_gguf_arch_is_bitnet_fork (arch))
    return TRUE;
  for (guint i = 0; i < self->tensors->len; i++) {
    const BnGgufBuilderTensor *t = &g_array_index (self->tensors, BnGgufBuilderTensor, i);
    BnGgufFamily family = bn_gguf_type_get_family (t->type);
    guint32 id = bn_gguf_type_get_file_id (t->type);
    BnGgufType other;
    guint64 size, slot, padded;

    if (family == BN_GGUF_FAMILY_NONE)
      continue;
    other =
        bn_gguf_type_from_file_id (id, family == BN_GGUF_FAMILY_FORK ? BN_GGUF_FAMILY_UPSTREAM : BN_GGUF_FAMILY_FORK);
    if (!bn_gguf_pad (t->size, self->alignment, &slot) || !bn_gguf_type_compute_size (other, t->n_dims, t->dims, &size)
        || !bn_gguf_pad (size, self->alignment, &padded) || size > slot || slot > padded)
      continue;
    g_set_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_INVALID,
                 _("Cannot write %s: tensor '%s' has type %s (id %u), which readers could "
                    "not tell from %s at that size. Set general.architecture to "
                    "bitnet-b1.58 for bitnet.cpp types, or use another type."),
                 display, t->name, bn_gguf_type_name (t->type), id, bn_gguf_type_name (other));
    return FALSE;
  }
  return TRUE;
}

static gboolean
write_contents (BnGgufBuilder *self, Out *o)
{
  guint n = self->tensors->len;
  guint64 offset = 0, padded;

  if (!put (o, "GGUF", 4) || !put_u32 (o, self->version) || !put_u64 (o, n) || !put_u64 (o, self->keys->len))
    return FALSE;
  for (guint i = 0; i < self->keys->len; i++) {
    const char *key = g_ptr_array_index (self->keys, i);
    const BnGgufValue *v = g_ptr_array_index (self->values, i);
    if (!put_string (o, key, strlen (key)) || !put_u32 (o, v->type) || !put_value (o, v))
      return FALSE;
  }
  for (guint i = 0; i < n; i++) {
    const BnGgufBuilderTensor *t = &g_array_index (self->tensors, BnGgufBuilderTensor, i);
    if (!put_string (o, t->name, strlen (t->name)) || !put_u32 (o, t->n_dims))
      return FALSE;
    for (guint d = 0; d < t->n_dims; d++)
      if (!put_u64 (o, t->dims[d]))
        return FALSE;
    if (!put_u32 (o, bn_gguf_type_get_file_id (t->type)) || !put_u64 (o, offset))
      return FALSE;
    if (!bn_gguf_pad (t->size, self->alignment, &padded) || !g_uint64_checked_add (&offset, offset, padded)) {
      g_set_error (o->error, BN_GGUF_ERROR, BN_GGUF_ERROR_INVALID,
                   _("Cannot write %s: its data section would exceed 2^64 bytes."), o->display);
      return FALSE;
    }
  }
  if (!put_padding (o, o->written + o->used, self->alignment))
    return FALSE;
  for (guint i = 0; i < n; i++) {
    const BnGgufBuilderTensor *t = &g_array_index (self->tensors, BnGgufBuilderTensor, i);
    if (!put (o, t->data, t->size) || !put_padding (o, t->size, self->alignment))
      return FALSE;
  }
  return flush (o);
}

/**
 * bn_gguf_builder_write:
 * @self: a #BnGgufBuilder
 * @path: (type filename): the file to write
 * @error: return location for a #GError
 *
 * Writes the file atomically (see the section documentation): either
 * @path holds the complete new file, or it is left untouched and no
 * temporary file remains. A @path that exists and is not a regular file
 * (a symbolic link, a device node, a FIFO, a directory) is refused and left
 * as it is; `-` writes the file to standard output.
 *
 * Before anything is written, a file the reader could not read back is
 * refused: a tensor of type id 36..39 whose size also fits the other
 * meaning of its id, when `general.architecture` does not say bitnet.cpp.
 *
 * Returns: %TRUE on success; %FALSE with %BN_GGUF_ERROR_IO, or
 *   %BN_GGUF_ERROR_INVALID for a file that could not be read back
 *
 * Since: 0.1
 */
gboolean
bn_gguf_builder_write (BnGgufBuilder *self, const char *path, GError **error)
{
  g_autofree char *display = NULL;
  g_autofree guint8 *buf = NULL;
  g_autoptr (BnAtomicFile) file = NULL;
  g_autoptr (GError) local = NULL;
  Out o = { 0 };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  display = g_filename_display_name (path);
  if (!check_decidable (self, display, error))
    return FALSE;
  file = bn_atomic_file_new (path, FALSE, &local);
  if (file == NULL) {
    g_set_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_IO, "%s", local->message);
    return FALSE;
  }
  buf = g_malloc (BUFFER_SIZE);
  o.fd = bn_atomic_file_get_fd (file);
  o.buf = buf;
  o.display = display;
  o.error = error;

  if (!write_contents (self, &o))
    return FALSE;
  if (!bn_atomic_file_commit (file, &local)) {
    g_set_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_IO, "%s", local->message);
    return FALSE;
  }
  g_debug ("wrote %s: %" G_GUINT64_FORMAT " bytes, %u keys, %u tensors", display, o.written, self->keys->len,
           self->tensors->len);
  return TRUE;
}
