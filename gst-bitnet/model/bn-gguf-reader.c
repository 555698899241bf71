/* gst-bitnet: GGUF reader
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#undef G_LOG_DOMAIN
#define G_LOG_DOMAIN "bn-gguf"

#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "bn-gguf-private.h"
#include <gst-bitnet/bn-file-private.h>

/**
 * SECTION:bn-gguf
 * @title: BnGguf
 * @short_description: a validated, memory-mapped GGUF file
 *
 * bn_gguf_open() maps a GGUF file read-only and validates its structure
 * without reading any tensor data: header, metadata and tensor infos are
 * parsed, every size and count is checked against the file size with
 * overflow-safe arithmetic before it is used, and tensors are checked to
 * lie aligned inside the data section without overlapping. The cost of
 * opening a file therefore depends on its metadata, not on its weights.
 *
 * A #BnGguf is immutable and reference counted; tensor data is reached
 * through #BnGgufTensorInfo.data, which points into the map.
 *
 * Type ids 36 to 39 mean I2_S, I8_S, TL1 and TL2 in the bitnet.cpp fork
 * of ggml, but retired IQ4_NL_4_4, IQ4_NL_4_8, IQ4_NL_8_8 and MXFP4 in
 * upstream ggml. The reader decides per file: a `general.architecture` of
 * `bitnet-b1.58` or `bitnet-25` (names only bitnet.cpp uses) means the
 * fork; otherwise each such tensor's slot in the data section (the bytes
 * up to the next tensor, or to the end of the file) must fit exactly one of
 * the two readings, and all tensors must agree. When the file does not
 * decide, opening fails with %BN_GGUF_ERROR_AMBIGUOUS_TYPE.
 */

G_DEFINE_BOXED_TYPE (BnGguf, bn_gguf, bn_gguf_ref, bn_gguf_unref)

typedef struct {
  BnGguf *gguf;
  const guint8 *base;
  guint64 size;
  guint64 pos;
  GError **error;
} Reader;

/* Minimum encoded sizes, used to refuse huge counts before allocating. */
#define MIN_KV_SIZE 13     /* key length, type, 1-byte value */
#define MIN_TENSOR_SIZE 24 /* name length, n_dims, type, offset */

static gboolean G_GNUC_PRINTF (4, 5) fail (Reader *r, guint64 at, BnGgufError code, const char *format, ...)
{
  g_autofree char *msg = NULL;
  va_list ap;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (r->error, BN_GGUF_ERROR, code, _("%s: at byte %llu: %s"), r->gguf->name, (unsigned long long) at, msg);
  return FALSE;
}

static gboolean
need (Reader *r, guint64 n, const char *what)
{
  if (r->size - r->pos >= n)
    return TRUE;
  return fail (r, r->pos, BN_GGUF_ERROR_TRUNCATED,
               _("the file ends inside %s (%llu bytes needed, %llu left). The file is "
                  "truncated: copy or convert it again."),
               what, (unsigned long long) n, (unsigned long long) (r->size - r->pos));
}

/* Refuses a count of elements that cannot fit in the rest of the file. */
static gboolean
check_count (Reader *r, guint64 at, guint64 n, guint64 min_size, const char *what)
{
  guint64 left = r->size - r->pos;

  if (n <= left / min_size)
    return TRUE;
  return fail (r, at, BN_GGUF_ERROR_TRUNCATED,
               _("%llu %s need at least %llu bytes each but only %llu bytes remain. The "
                  "file is truncated or the count is corrupt."),
               (unsigned long long) n, what, (unsigned long long) min_size, (unsigned long long) left);
}

static guint32
le32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static guint64
le64 (const guint8 *p)
{
  return (guint64) le32 (p) | (guint64) le32 (p + 4) << 32;
}

static gboolean
read_u32 (Reader *r, guint32 *v, const char *what)
{
  if (!need (r, 4, what))
    return FALSE;
  *v = le32 (r->base + r->pos);
  r->pos += 4;
  return TRUE;
}

static gboolean
read_u64 (Reader *r, guint64 *v, const char *what)
{
  if (!need (r, 8, what))
    return FALSE;
  *v = le64 (r->base + r->pos);
  r->pos += 8;
  return TRUE;
}

static gboolean
read_string (Reader *r, const guint8 **s, guint64 *len, const char *what)
{
  if (!read_u64 (r, len, what) || !need (r, *len, what))
    return FALSE;
  *s = r->base + r->pos;
  r->pos += *len;
  return TRUE;
}

static gboolean parse_value (Reader *r, guint32 type, BnGgufValue *out, guint depth, const char *key);

static gboolean
parse_string_array (Reader *r, BnGgufValue *out, guint64 n)
{
  guint64 start = r->pos, total = 0, pos = 0;

  /* first pass: bounds and total size; n <= left / 8 was checked */
  for (guint64 i = 0; i < n; i++) {
    const guint8 *s;
    guint64 len;
    if (!read_string (r, &s, &len, _("a string of an array")))
      return FALSE;
    total += len + 1; /* cannot overflow: bounded by the file size */
  }
  out->offsets = g_new (guint64, n + 1);
  out->str = g_malloc (total + 1);
  out->str_len = total;
  r->pos = start;
  for (guint64 i = 0; i < n; i++) {
    guint64 len = le64 (r->base + r->pos);
    memcpy (out->str + pos, r->base + r->pos + 8, len);
    out->str[pos + len] = '\0';
    out->offsets[i] = pos;
    pos += len + 1;
    r->pos += 8 + len;
  }
  out->offsets[n] = pos;
  out->str[total] = '\0';
  return TRUE;
}

static gboolean
parse_array (Reader *r, BnGgufValue *out, guint depth, const char *key)
{
  guint64 at = r->pos, n, n_bytes;
  guint32 element_type;
  gsize size;

  if (depth >= BN_GGUF_MAX_NESTING)
    return fail (r, at, BN_GGUF_ERROR_CORRUPT,
                 _("the value of key '%s' nests arrays more than %d deep. The file is corrupt."), key,
                 BN_GGUF_MAX_NESTING);
  if (!read_u32 (r, &element_type, _("an array header")) || !read_u64 (r, &n, _("an array header")))
    return FALSE;
  if (!bn_gguf_value_type_is_valid (element_type))
    return fail (r, at, BN_GGUF_ERROR_CORRUPT,
                 _("the array of key '%s' has element type %u, which GGUF does not define "
                    "(0 to 12). The file is corrupt."),
                 key, element_type);
  out->element_type = element_type;

  size = bn_gguf_value_type_size (element_type);
  if (size != 0) {
    if (!check_count (r, at, n, size, _("array elements")))
      return FALSE;
    n_bytes = n * size;
    out->data = r->base + r->pos;
    out->n_elements = n;
    if (element_type == BN_GGUF_VALUE_BOOL)
      for (guint64 i = 0; i < n; i++)
        if (out->data[i] > 1)
          return fail (r, r->pos + i, BN_GGUF_ERROR_CORRUPT,
                       _("element %llu of the boolean array '%s' is %u; booleans are 0 or "
                          "1. The file is corrupt."),
                       (unsigned long long) i, key, out->data[i]);
    r->pos += n_bytes;
    return TRUE;
  }
  if (element_type == BN_GGUF_VALUE_STRING) {
    if (!check_count (r, at, n, 8, _("strings")))
      return FALSE;
    out->n_elements = n;
    return parse_string_array (r, out, n);
  }
  /* arrays of arrays: each element is a whole array value */
  if (!check_count (r, at, n, 12, _("nested arrays")))
    return FALSE;
  out->children = g_new0 (BnGgufValue, n ? n : 1);
  out->n_elements = n;
  for (guint64 i = 0; i < n; i++)
    if (!parse_value (r, BN_GGUF_VALUE_ARRAY, &out->children[i], depth + 1, key))
      return FALSE;
  return TRUE;
}

static gboolean
parse_value (Reader *r, guint32 type, BnGgufValue *out, guint depth, const char *key)
{
  const guint8 *p;
  guint64 len;
  gsize size;

  out->type = type;
  if (type == BN_GGUF_VALUE_STRING) {
    if (!read_string (r, &p, &len, _("a string value")))
      return FALSE;
    out->str = g_malloc (len + 1);
    memcpy (out->str, p, len);
    out->str[len] = '\0';
    out->str_len = len;
    return TRUE;
  }
  if (type == BN_GGUF_VALUE_ARRAY)
    return parse_array (r, out, depth, key);

  size = bn_gguf_value_type_size (type);
  if (!need (r, size, _("a metadata value")))
    return FALSE;
  p = r->base + r->pos;
  switch (size) {
  case 1:
    out->v.u8 = p[0];
    if (type == BN_GGUF_VALUE_BOOL && p[0] > 1)
      return fail (r, r->pos, BN_GGUF_ERROR_CORRUPT,
                   _("the boolean '%s' is %u; booleans are 0 or 1. The file is corrupt."), key, p[0]);
    break;
  case 2: out->v.u16 = (guint16) (p[0] | p[1] << 8); break;
  case 4: out->v.u32 = le32 (p); break;
  default: out->v.u64 = le64 (p); break;
  }
  r->pos += size;
  return TRUE;
}

static gboolean
parse_header (Reader *r, guint64 *n_tensors, guint64 *n_kv)
{
  const guint8 *p = r->base;
  guint32 version;

  if (r->size < 4 || memcmp (p, "GGUF", 4) != 0) {
    if (r->size < 4)
      return fail (r, 0, BN_GGUF_ERROR_TRUNCATED, _("the file is %llu bytes long, too short to be a GGUF file."),
                   (unsigned long long) r->size);
    return fail (r, 0, BN_GGUF_ERROR_BAD_MAGIC,
                 _("the file starts with bytes %02x %02x %02x %02x, not \"GGUF\": it is not "
                    "a GGUF model. Convert it with llama.cpp's convert_hf_to_gguf.py."),
                 p[0], p[1], p[2], p[3]);
  }
  r->pos = 4;
  if (!read_u32 (r, &version, _("the header")))
    return FALSE;
  if ((version & 0xffff) == 0 && version != 0)
    return fail (r, 4, BN_GGUF_ERROR_BIG_ENDIAN,
                 _("this is a big-endian GGUF file (version %u, stored byte-swapped). Only "
                    "little-endian files are supported; convert the model again without "
                    "--bigendian."),
                 GUINT32_SWAP_LE_BE (version));
  if (version == 1)
    return fail (r, 4, BN_GGUF_ERROR_UNSUPPORTED_VERSION,
                 _("GGUF version 1 (32-bit counts) is no longer supported. Convert the "
                    "model again with a current llama.cpp to get version 3."));
  if (version != 2 && version != 3)
    return fail (r, 4, BN_GGUF_ERROR_UNSUPPORTED_VERSION,
                 _("GGUF version %u is not supported (only versions 2 and 3 are). Convert "
                    "the model to version 3."),
                 version);
  r->gguf->version = version;
  return read_u64 (r, n_tensors, _("the header")) && read_u64 (r, n_kv, _("the header"));
}

static gboolean
parse_metadata (Reader *r, guint64 n_kv)
{
  BnGguf *self = r->gguf;

  if (!check_count (r, 16, n_kv, MIN_KV_SIZE, _("metadata entries")))
    return FALSE;
  self->kv = g_new0 (BnGgufKeyValue, n_kv ? n_kv : 1);
  self->kv_index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint64 i = 0; i < n_kv; i++) {
    BnGgufKeyValue *kv = &self->kv[i];
    const guint8 *key;
    guint64 key_len, at = r->pos;
    guint32 type;

    if (!read_string (r, &key, &key_len, _("a metadata key")))
      return FALSE;
    if (memchr (key, '\0', key_len) != NULL || !g_utf8_validate_len ((const char *) key, key_len, NULL))
      return fail (r, at, BN_GGUF_ERROR_CORRUPT,
                   _("the key of metadata entry %llu is not valid UTF-8 text. The file is "
                      "corrupt."),
                   (unsigned long long) i);
    kv->key = g_string_chunk_insert_len (self->names, (const char *) key, (gssize) key_len);
    kv->offset = at;
    self->n_kv = i + 1;
    if (g_hash_table_contains (self->kv_index, kv->key)) {
      BnGgufKeyValue *first = &self->kv[GPOINTER_TO_SIZE (g_hash_table_lookup (self->kv_index, kv->key)) - 1];
      return fail (r, at, BN_GGUF_ERROR_DUPLICATE,
                   _("the metadata key '%s' appears twice (first at byte %llu). The file "
                      "is corrupt."),
                   kv->key, (unsigned long long) first->offset);
    }
    g_hash_table_insert (self->kv_index, kv->key, GSIZE_TO_POINTER (i + 1));

    at = r->pos;
    if (!read_u32 (r, &type, _("a metadata value type")))
      return FALSE;
    if (!bn_gguf_value_type_is_valid (type))
      return fail (r, at, BN_GGUF_ERROR_CORRUPT,
                   _("the key '%s' has value type %u, which GGUF does not define (0 to 12). "
                      "The file is corrupt."),
                   kv->key, type);
    if (!parse_value (r, type, &kv->value, 0, kv->key))
      return FALSE;
  }
  return TRUE;
}

static gboolean
parse_alignment (Reader *r)
{
  BnGguf *self = r->gguf;
  gpointer idx = g_hash_table_lookup (self->kv_index, "general.alignment");
  BnGgufKeyValue *kv;

  self->alignment = BN_GGUF_DEFAULT_ALIGNMENT;
  if (idx == NULL)
    return TRUE;
  kv = &self->kv[GPOINTER_TO_SIZE (idx) - 1];
  if (kv->value.type != BN_GGUF_VALUE_UINT32)
    return fail (r, kv->offset, BN_GGUF_ERROR_ALIGNMENT,
                 _("general.alignment is a %s; it must be a u32. The file is corrupt."),
                 bn_gguf_value_type_name (kv->value.type));
  if (!bn_gguf_is_power_of_two (kv->value.v.u32))
    return fail (r, kv->offset, BN_GGUF_ERROR_ALIGNMENT,
                 _("general.alignment is %u; it must be a nonzero power of two. The file is "
                    "corrupt."),
                 kv->value.v.u32);
  self->alignment = kv->value.v.u32;
  return TRUE;
}

static gboolean
parse_tensor_infos (Reader *r, guint64 n_tensors)
{
  BnGguf *self = r->gguf;

  if (!check_count (r, 8, n_tensors, MIN_TENSOR_SIZE, _("tensor infos")))
    return FALSE;
  self->tensors = g_new0 (BnGgufTensorInfo, n_tensors ? n_tensors : 1);
  self->tensor_index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint64 i = 0; i < n_tensors; i++) {
    BnGgufTensorInfo *t = &self->tensors[i];
    const guint8 *name;
    guint64 name_len, at = r->pos;
    guint32 n_dims;

    t->info_offset = at;
    if (!read_string (r, &name, &name_len, _("a tensor name")))
      return FALSE;
    if (name_len > BN_GGUF_MAX_NAME)
      return fail (r, at, BN_GGUF_ERROR_CORRUPT,
                   _("the name of tensor %llu is %llu bytes long; llama.cpp allows at most "
                      "%d. The file is corrupt."),
                   (unsigned long long) i, (unsigned long long) name_len, BN_GGUF_MAX_NAME);
    if (memchr (name, '\0', name_len) != NULL || !g_utf8_validate_len ((const char *) name, name_len, NULL))
      return fail (r, at, BN_GGUF_ERROR_CORRUPT,
                   _("the name of tensor %llu is not valid UTF-8 text. The file is corrupt."), (unsigned long long) i);
    t->name = g_string_chunk_insert_len (self->names, (const char *) name, (gssize) name_len);
    self->n_tensors = i + 1;
    if (g_hash_table_contains (self->tensor_index, t->name))
      return fail (r, at, BN_GGUF_ERROR_DUPLICATE, _("the tensor name '%s' appears twice. The file is corrupt."),
                   t->name);
    g_hash_table_insert (self->tensor_index, (gpointer) t->name, t);

    if (!read_u32 (r, &n_dims, _("a tensor info")))
      return FALSE;
    if (n_dims > BN_GGUF_MAX_DIMS)
      return fail (r, r->pos - 4, BN_GGUF_ERROR_CORRUPT,
                   _("tensor '%s' has %u dimensions; at most %d are allowed. The file is "
                      "corrupt."),
                   t->name, n_dims, BN_GGUF_MAX_DIMS);
    t->n_dims = n_dims;
    t->n_elements = 1;
    for (guint d = 0; d < BN_GGUF_MAX_DIMS; d++)
      t->dims[d] = 1;
    for (guint d = 0; d < n_dims; d++) {
      if (!read_u64 (r, &t->dims[d], _("a tensor info")))
        return FALSE;
      if (t->dims[d] == 0 || t->dims[d] > G_MAXINT64)
        return fail (r, r->pos - 8, BN_GGUF_ERROR_CORRUPT,
                     _("dimension %u of tensor '%s' is %llu; dimensions must be between 1 "
                        "and 2^63-1. The file is corrupt."),
                     d, t->name, (unsigned long long) t->dims[d]);
      if (!g_uint64_checked_mul (&t->n_elements, t->n_elements, t->dims[d]) || t->n_elements > G_MAXINT64)
        return fail (r, r->pos - 8, BN_GGUF_ERROR_CORRUPT,
                     _("the element count of tensor '%s' overflows 63 bits. The file is "
                        "corrupt."),
                     t->name);
    }
    if (!read_u32 (r, &t->type_id, _("a tensor info")))
      return FALSE;
    if (!bn_gguf_type_id_is_contested (t->type_id)
        && bn_gguf_type_from_file_id (t->type_id, BN_GGUF_FAMILY_NONE) == BN_GGUF_TYPE_INVALID)
      return fail (r, r->pos - 4, BN_GGUF_ERROR_UNSUPPORTED_TYPE,
                   _("tensor '%s' has ggml type id %u, which this reader does not know, so "
                      "its size cannot be computed. Convert the model with tensors of a known "
                      "type (the engine reads F32, F16, BF16, Q8_0, TQ1_0, TQ2_0 and I2_S)."),
                   t->name, t->type_id);
    t->type = bn_gguf_type_from_file_id (t->type_id, BN_GGUF_FAMILY_NONE);
    if (!read_u64 (r, &t->offset, _("a tensor info")))
      return FALSE;
  }
  return TRUE;
}

static int
compare_offsets (const void *a, const void *b)
{
  const BnGgufTensorInfo *ta = *(const BnGgufTensorInfo *const *) a;
  const BnGgufTensorInfo *tb = *(const BnGgufTensorInfo *const *) b;

  if (ta->offset != tb->offset)
    return ta->offset < tb->offset ? -1 : 1;
  return ta < tb ? -1 : (ta > tb ? 1 : 0);
}

/* TRUE if a tensor of @type and @t's shape fills a @slot-byte slot: its
 * data, then at most the padding to the alignment. */
static gboolean
fits_slot (const BnGgufTensorInfo *t, BnGgufType type, guint64 slot, guint32 alignment)
{
  guint64 size, padded;

  if (!bn_gguf_type_compute_size (type, t->n_dims, t->dims, &size))
    return FALSE;
  if (!bn_gguf_pad (size, alignment, &padded))
    return FALSE;
  return size <= slot && slot <= padded;
}

/* Resolves type ids 36..39 (see the section documentation). */
static gboolean
resolve_contested (Reader *r, BnGgufTensorInfo **sorted, gsize n)
{
  BnGguf *self = r->gguf;
  gboolean fork_arch = bn_gguf_arch_is_bitnet_fork (self->architecture);
  const BnGgufTensorInfo *first = NULL;
  BnGgufFamily first_family = BN_GGUF_FAMILY_NONE;

  for (gsize i = 0; i < n; i++) {
    BnGgufTensorInfo *t = sorted[i];
    BnGgufType fork_type, up_type;
    BnGgufFamily family;

    if (!bn_gguf_type_id_is_contested (t->type_id))
      continue;
    fork_type = bn_gguf_type_from_file_id (t->type_id, BN_GGUF_FAMILY_FORK);
    up_type = bn_gguf_type_from_file_id (t->type_id, BN_GGUF_FAMILY_UPSTREAM);
    if (fork_arch)
      family = BN_GGUF_FAMILY_FORK;
    else {
      guint64 end = self->data_size, slot;
      gboolean fork_fits, up_fits;

      for (gsize j = i + 1; j < n; j++)
        if (sorted[j]->offset > t->offset) {
          end = sorted[j]->offset;
          break;
        }
      slot = end > t->offset ? end - t->offset : 0;
      fork_fits = fits_slot (t, fork_type, slot, self->alignment);
      up_fits = fits_slot (t, up_type, slot, self->alignment);
      if (fork_fits == up_fits)
        return fail (r, t->info_offset, BN_GGUF_ERROR_AMBIGUOUS_TYPE,
                     _("tensor '%s' has type id %u, which is %s in bitnet.cpp but %s in "
                        "upstream ggml; general.architecture is '%s' and the tensor's "
                        "%llu-byte slot fits %s. Refusing to guess: give the file a "
                        "bitnet.cpp architecture (bitnet-b1.58) or convert the tensor "
                        "to an unambiguous type."),
                     t->name, t->type_id, bn_gguf_type_name (fork_type), bn_gguf_type_name (up_type),
                     self->architecture ? self->architecture : "(none)", (unsigned long long) slot,
                     fork_fits ? _("both") : _("neither"));
      family = fork_fits ? BN_GGUF_FAMILY_FORK : BN_GGUF_FAMILY_UPSTREAM;
    }
    t->type = family == BN_GGUF_FAMILY_FORK ? fork_type : up_type;
    if (first == NULL) {
      first = t;
      first_family = family;
    } else if (family != first_family)
      return fail (r, t->info_offset, BN_GGUF_ERROR_AMBIGUOUS_TYPE,
                   _("tensor '%s' reads as %s but tensor '%s' as %s: a file uses either "
                      "the bitnet.cpp or the upstream meaning of type ids 36 to 39, not "
                      "both. Refusing to guess."),
                   t->name, bn_gguf_type_name (t->type), first->name, bn_gguf_type_name (first->type));
  }
  return TRUE;
}

static char *
shape_rule (BnGgufType type)
{
  switch (type) {
  case BN_GGUF_TYPE_TL2: return g_strdup (_("it needs an innermost dimension of at least 256"));
  case BN_GGUF_TYPE_I2_S:
  case BN_GGUF_TYPE_TL1: return g_strdup (_("it needs a multiple of 4 elements"));
  default:
    return g_strdup_printf (_("the innermost dimension must be a multiple of %u"), bn_gguf_type_get_block_size (type));
  }
}

static gboolean
check_tensors (Reader *r)
{
  BnGguf *self = r->gguf;
  g_autofree BnGgufTensorInfo **sorted = NULL;
  gsize n = self->n_tensors;
  guint64 prev_end = 0;

  sorted = g_new (BnGgufTensorInfo *, n ? n : 1);
  for (gsize i = 0; i < n; i++) {
    BnGgufTensorInfo *t = &self->tensors[i];
    sorted[i] = t;
    if (t->offset % self->alignment != 0)
      return fail (r, t->info_offset, BN_GGUF_ERROR_ALIGNMENT,
                   _("tensor '%s' starts at data offset %llu, which is not a multiple of "
                      "the alignment %u. The file is corrupt."),
                   t->name, (unsigned long long) t->offset, self->alignment);
    if (t->offset >= self->data_size)
      return fail (r, t->info_offset, BN_GGUF_ERROR_TENSOR_BOUNDS,
                   _("tensor '%s' starts at data offset %llu, past the end of the data "
                      "section (%llu bytes from byte %llu). The file is truncated or "
                      "corrupt."),
                   t->name, (unsigned long long) t->offset, (unsigned long long) self->data_size,
                   (unsigned long long) self->data_offset);
  }
  qsort (sorted, n, sizeof *sorted, compare_offsets);
  if (!resolve_contested (r, sorted, n))
    return FALSE;

  for (gsize i = 0; i < n; i++) {
    BnGgufTensorInfo *t = sorted[i];
    guint64 end;

    if (!bn_gguf_type_compute_size (t->type, t->n_dims, t->dims, &t->size)) {
      g_autofree char *rule = shape_rule (t->type);
      return fail (r, t->info_offset, BN_GGUF_ERROR_CORRUPT,
                   _("tensor '%s' of type %s has %llu elements with an innermost "
                      "dimension of %llu, which that type cannot hold (%s). The file is "
                      "corrupt."),
                   t->name, bn_gguf_type_name (t->type), (unsigned long long) t->n_elements,
                   (unsigned long long) t->dims[0], rule);
    }
    if (!g_uint64_checked_add (&end, t->offset, t->size) || end > self->data_size)
      return fail (r, t->info_offset, BN_GGUF_ERROR_TENSOR_BOUNDS,
                   _("tensor '%s' (%s, %llu bytes at data offset %llu) ends past the end of "
                      "the file (the data section holds %llu bytes). The file is truncated "
                      "or corrupt."),
                   t->name, bn_gguf_type_name (t->type), (unsigned long long) t->size, (unsigned long long) t->offset,
                   (unsigned long long) self->data_size);
    if (i > 0 && t->offset < prev_end)
      return fail (r, t->info_offset, BN_GGUF_ERROR_TENSOR_BOUNDS,
                   _("tensor '%s' (data offset %llu) overlaps tensor '%s' (data offsets "
                      "%llu to %llu). The file is corrupt."),
                   t->name, (unsigned long long) t->offset, sorted[i - 1]->name,
                   (unsigned long long) sorted[i - 1]->offset, (unsigned long long) prev_end);
    prev_end = end;
    t->data = self->base + self->data_offset + t->offset;
  }
  return TRUE;
}

static gboolean
parse (BnGguf *self, GError **error)
{
  Reader r = { self, self->base, self->size, 0, error };
  guint64 n_tensors, n_kv;
  gpointer idx;

  if (!parse_header (&r, &n_tensors, &n_kv) || !parse_metadata (&r, n_kv) || !parse_alignment (&r))
    return FALSE;

  idx = g_hash_table_lookup (self->kv_index, "general.architecture");
  if (idx && self->kv[GPOINTER_TO_SIZE (idx) - 1].value.type == BN_GGUF_VALUE_STRING)
    self->architecture = self->kv[GPOINTER_TO_SIZE (idx) - 1].value.str;

  if (!parse_tensor_infos (&r, n_tensors))
    return FALSE;

  /* the data section starts at the next multiple of the alignment */
  if (!bn_gguf_pad (r.pos, self->alignment, &self->data_offset))
    return fail (&r, r.pos, BN_GGUF_ERROR_ALIGNMENT, _("the data section offset overflows."));
  if (self->data_offset > self->size && n_tensors > 0)
    return fail (&r, r.pos, BN_GGUF_ERROR_TRUNCATED,
                 _("the data section should start at byte %llu but the file is only %llu "
                    "bytes long. The file is truncated: copy or convert it again."),
                 (unsigned long long) self->data_offset, (unsigned long long) self->size);
  self->data_size = self->data_offset <= self->size ? self->size - self->data_offset : 0;

  if (!check_tensors (&r))
    return FALSE;

  g_debug ("%s: GGUF v%u, %" G_GSIZE_FORMAT " keys, %" G_GSIZE_FORMAT " tensors, "
           "alignment %u, data at %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT " bytes)",
           self->name, self->version, self->n_kv, self->n_tensors, self->alignment, self->data_offset, self->data_size);
  return TRUE;
}

static BnGguf *
gguf_alloc (const char *name)
{
  BnGguf *self = g_new0 (BnGguf, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->name = g_strdup (name);
  self->names = g_string_chunk_new (4096);
  return self;
}

static void
gguf_free (BnGguf *self)
{
  for (gsize i = 0; i < self->n_kv; i++)
    bn_gguf_value_clear (&self->kv[i].value);
  g_free (self->kv);
  g_free (self->tensors);
  g_clear_pointer (&self->kv_index, g_hash_table_unref);
  g_clear_pointer (&self->tensor_index, g_hash_table_unref);
  g_string_chunk_free (self->names);
  if (self->mapped)
    bn_mapping_guard_remove (self->base);
  g_clear_pointer (&self->mapped, g_mapped_file_unref);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_free (self->name);
  g_free (self->path);
  g_free (self);
}

/**
 * bn_gguf_open:
 * @path: (type filename): the file to open
 * @error: return location for a #GError
 *
 * Maps a GGUF file read-only and validates it (see the section
 * documentation). Tensor data is not read.
 *
 * Returns: (transfer full): the file, or %NULL with @error set in the
 *   #BN_GGUF_ERROR domain
 *
 * Since: 0.1
 */
BnGguf *
bn_gguf_open (const char *path, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *display = NULL;
  GMappedFile *mapped;
  BnGguf *self;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_name (path);
  /* a FIFO or device is refused before anything can block on it */
  fd = bn_file_open_input (path, _("GGUF file"), &local);
  mapped = fd < 0 ? NULL : g_mapped_file_new_from_fd (fd, FALSE, &local);
  if (fd >= 0)
    close (fd);
  if (mapped == NULL) {
    g_set_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_IO,
                 _("Cannot open the GGUF file %s: %s. Check the path and its permissions."), display, local->message);
    return NULL;
  }
  self = gguf_alloc (display);
  self->path = g_strdup (path);
  self->mapped = mapped;
  self->base = (const guint8 *) g_mapped_file_get_contents (mapped);
  self->size = g_mapped_file_get_length (mapped);
  bn_mapping_guard_add (self->base, self->size);
  if (!parse (self, error)) {
    gguf_free (self);
    return NULL;
  }
  return self;
}

/**
 * bn_gguf_new_from_bytes:
 * @bytes: the whole content of a GGUF file
 * @error: return location for a #GError
 *
 * Validates a GGUF file held in memory, as bn_gguf_open() does. The
 * #BnGguf keeps a reference on @bytes; tensor data points into it.
 *
 * Returns: (transfer full): the file, or %NULL with @error set in the
 *   #BN_GGUF_ERROR domain
 *
 * Since: 0.1
 */
BnGguf *
bn_gguf_new_from_bytes (GBytes *bytes, GError **error)
{
  BnGguf *self;
  gsize size;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = gguf_alloc (_("(memory)"));
  self->bytes = g_bytes_ref (bytes);
  self->base = g_bytes_get_data (bytes, &size);
  self->size = size;
  if (!parse (self, error)) {
    gguf_free (self);
    return NULL;
  }
  return self;
}

/**
 * bn_gguf_ref:
 * @self: a #BnGguf
 *
 * Takes a reference.
 *
 * Returns: (transfer full): @self
 *
 * Since: 0.1
 */
BnGguf *
bn_gguf_ref (BnGguf *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * bn_gguf_unref:
 * @self: (transfer full): a #BnGguf
 *
 * Drops a reference; the last one unmaps the file.
 *
 * Since: 0.1
 */
void
bn_gguf_unref (BnGguf *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_ref_count_dec (&self->ref_count))
    gguf_free (self);
}
