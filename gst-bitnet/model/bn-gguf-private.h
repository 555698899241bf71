/* gst-bitnet: GGUF internals shared by the reader, the writer and values
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "bn-gguf.h"

G_BEGIN_DECLS

/* Arrays of arrays may nest; deeper nesting than this is refused so that a
 * hostile file cannot exhaust the stack. */
#define BN_GGUF_MAX_NESTING 16

struct _BnGgufValue {
  BnGgufValueType type;
  BnGgufValueType element_type; /* ARRAY only */
  gboolean owns_data;           /* ARRAY of fixed-size elements: @data is ours */
  guint64 n_elements;           /* ARRAY only */
  union {
    guint8 u8;
    gint8 i8;
    guint16 u16;
    gint16 i16;
    guint32 u32;
    gint32 i32;
    gfloat f32;
    guint8 b;
    guint64 u64;
    gint64 i64;
    gdouble f64;
  } v;
  /* STRING: a NUL-terminated copy of the bytes, @str_len long.
   * ARRAY of STRING: a pool of NUL-terminated strings; @offsets has
   * @n_elements + 1 entries, string i is at @str + @offsets[i] and is
   * @offsets[i + 1] - @offsets[i] - 1 bytes long. */
  char *str;
  gsize str_len;
  guint64 *offsets;
  /* ARRAY of fixed-size elements: little-endian elements, possibly
   * unaligned, n_elements * size bytes. */
  const guint8 *data;
  /* ARRAY of ARRAY: n_elements values. */
  BnGgufValue *children;
};

/* One metadata entry of a file. */
typedef struct {
  char *key; /* in BnGguf.names */
  guint64 offset;
  BnGgufValue value;
} BnGgufKeyValue;

struct _BnGguf {
  gatomicrefcount ref_count;
  char *name;
  char *path;
  GMappedFile *mapped;
  GBytes *bytes;
  const guint8 *base;
  guint64 size;
  guint32 version;
  guint32 alignment;
  guint64 data_offset;
  guint64 data_size;
  BnGgufKeyValue *kv;
  gsize n_kv;
  GHashTable *kv_index;
  BnGgufTensorInfo *tensors;
  gsize n_tensors;
  GHashTable *tensor_index;
  GStringChunk *names;
  const char *architecture;
};

/* bn-mapping-guard.c: SIGBUS on a file truncated while mapped */
G_GNUC_INTERNAL void bn_mapping_guard_add (const void *base, gsize size);
G_GNUC_INTERNAL void bn_mapping_guard_remove (const void *base);
G_GNUC_INTERNAL gboolean bn_mapping_guard_check (const void *base, const char *display, GError **error);

/* fixed size in bytes of a scalar value type, 0 for STRING and ARRAY and
 * for unknown types */
G_GNUC_INTERNAL gsize bn_gguf_value_type_size (guint32 type);
G_GNUC_INTERNAL gboolean bn_gguf_value_type_is_valid (guint32 type);
G_GNUC_INTERNAL void bn_gguf_value_clear (BnGgufValue *value);
G_GNUC_INTERNAL void bn_gguf_value_copy_into (BnGgufValue *dest, const BnGgufValue *src);

/* Type table lookups. */
typedef enum {
  BN_GGUF_FAMILY_NONE,     /* id below 36: the same in every ggml */
  BN_GGUF_FAMILY_FORK,     /* bitnet.cpp meaning of 36..39 */
  BN_GGUF_FAMILY_UPSTREAM, /* upstream ggml meaning of 36..39 */
} BnGgufFamily;

G_GNUC_INTERNAL gboolean bn_gguf_type_is_known (BnGgufType type);
G_GNUC_INTERNAL BnGgufType bn_gguf_type_from_file_id (guint32 id, BnGgufFamily family);
G_GNUC_INTERNAL gboolean bn_gguf_type_id_is_contested (guint32 id);
G_GNUC_INTERNAL BnGgufFamily bn_gguf_type_get_family (BnGgufType type);
G_GNUC_INTERNAL gboolean bn_gguf_arch_is_bitnet_fork (const char *arch);

/* One tensor of a builder; @bytes keeps @data alive when set. */
typedef struct {
  char *name;
  BnGgufType type;
  guint n_dims;
  guint64 dims[BN_GGUF_MAX_DIMS];
  const guint8 *data;
  guint64 size;
  GBytes *bytes;
} BnGgufBuilderTensor;

struct _BnGgufBuilder {
  gatomicrefcount ref_count;
  guint32 version;
  guint32 alignment;
  GPtrArray *keys;
  GPtrArray *values;
  GHashTable *key_set;
  GArray *tensors;
  GHashTable *tensor_names;
  BnGgufFamily family;
  BnGguf *source;
};

static inline gboolean
bn_gguf_is_power_of_two (guint64 v)
{
  return v != 0 && (v & (v - 1)) == 0;
}

/* Rounds @v up to a multiple of @align (a power of two); FALSE on
 * overflow. */
static inline gboolean
bn_gguf_pad (guint64 v, guint64 align, guint64 *out)
{
  guint64 r;
  if (!g_uint64_checked_add (&r, v, align - 1))
    return FALSE;
  *out = r & ~(align - 1);
  return TRUE;
}

G_END_DECLS
