/* gst-bitnet tests: hostile GGUF input
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every class of malformed file must give a GError of the BN_GGUF_ERROR
 * domain naming a byte offset, never a crash or a read outside the input.
 * Inputs are handed to the reader in exact-size heap copies so that
 * AddressSanitizer catches any read past their end.
 *
 * `test-gguf-hostile --write-corpus DIR` writes every case to DIR as
 * `<error>--<case>.gguf` (and valid files as `valid--<case>.gguf`): that
 * is how tests/gguf-hostile/ and tests/fuzz/corpus/gguf/ were made.
 */
#include <string.h>

#include <gst-bitnet/bn.h>
#include <gst-bitnet/model/model.h>

#include "gguf-raw.h"

static const char *const code_nicks[] = {
  [BN_GGUF_ERROR_IO] = "io",
  [BN_GGUF_ERROR_TRUNCATED] = "truncated",
  [BN_GGUF_ERROR_BAD_MAGIC] = "bad-magic",
  [BN_GGUF_ERROR_UNSUPPORTED_VERSION] = "unsupported-version",
  [BN_GGUF_ERROR_BIG_ENDIAN] = "big-endian",
  [BN_GGUF_ERROR_CORRUPT] = "corrupt",
  [BN_GGUF_ERROR_UNSUPPORTED_TYPE] = "unsupported-type",
  [BN_GGUF_ERROR_DUPLICATE] = "duplicate",
  [BN_GGUF_ERROR_ALIGNMENT] = "alignment",
  [BN_GGUF_ERROR_TENSOR_BOUNDS] = "tensor-bounds",
  [BN_GGUF_ERROR_AMBIGUOUS_TYPE] = "ambiguous-type",
};

/* one key "a" of type @type, the value to be appended by the caller */
static Raw *
one_kv (guint32 type)
{
  Raw *r = raw_header (3, 0, 1);
  raw_str (r, "a");
  raw_u32 (r, type);
  return r;
}

/* one tensor after an optional general.architecture, with @data_len
 * bytes of data */
static Raw *
one_tensor_full (const char *arch, guint32 n_dims, const guint64 *dims, guint32 type, guint64 offset, gsize data_len)
{
  Raw *r = raw_header (3, 1, arch ? 1 : 0);
  if (arch)
    raw_kv_str (r, "general.architecture", arch);
  raw_tensor (r, "t", n_dims, dims, type, offset);
  raw_pad (r, 32);
  raw_zeros (r, data_len);
  return r;
}

static Raw *
one_tensor (guint32 n_dims, const guint64 *dims, guint32 type, guint64 offset, gsize data_len)
{
  return one_tensor_full (NULL, n_dims, dims, type, offset, data_len);
}

#define DIMS(...) ((const guint64[]){ __VA_ARGS__ })
#define N_DIMS(...) ((guint32) (sizeof ((const guint64[]){ __VA_ARGS__ }) / sizeof (guint64)))
#define TENSOR(type, offset, len, ...) one_tensor (N_DIMS (__VA_ARGS__), DIMS (__VA_ARGS__), type, offset, len)

static Raw *
c_bad_magic (void)
{
  Raw *r = raw_header (3, 0, 0);
  r->data[3] = 'X';
  return r;
}
static Raw *
c_short (void)
{
  Raw *r = g_byte_array_new ();
  raw_bytes (r, "GG", 2);
  return r;
}
static Raw *
c_version_1 (void)
{
  return raw_header (1, 0, 0);
}
static Raw *
c_version_4 (void)
{
  return raw_header (4, 0, 0);
}
static Raw *
c_big_endian (void)
{
  return raw_header (0x03000000, 0, 0);
}
static Raw *
c_header_cut (void)
{
  Raw *r = raw_header (3, 0, 0);
  g_byte_array_set_size (r, 20);
  return r;
}
static Raw *
c_huge_kv_count (void)
{
  Raw *r = raw_header (3, 0, G_GUINT64_CONSTANT (1) << 62);
  raw_zeros (r, 64);
  return r;
}
static Raw *
c_huge_tensor_count (void)
{
  Raw *r = raw_header (3, G_GUINT64_CONSTANT (1) << 60, 0);
  raw_zeros (r, 64);
  return r;
}
static Raw *
c_max_counts (void)
{
  Raw *r = raw_header (3, G_MAXUINT64, G_MAXUINT64);
  raw_zeros (r, 64);
  return r;
}

static Raw *
c_huge_array (void)
{
  Raw *r = one_kv (9);
  raw_u32 (r, 10); /* u64 elements: n * 8 overflows */
  raw_u64 (r, G_GUINT64_CONSTANT (1) << 61);
  raw_zeros (r, 32);
  return r;
}

static Raw *
c_huge_string_array (void)
{
  Raw *r = one_kv (9);
  raw_u32 (r, 8);
  raw_u64 (r, G_GUINT64_CONSTANT (1) << 62);
  raw_zeros (r, 32);
  return r;
}

static Raw *
c_huge_nested_array (void)
{
  Raw *r = one_kv (9);
  raw_u32 (r, 9);
  raw_u64 (r, G_GUINT64_CONSTANT (1) << 60);
  raw_zeros (r, 32);
  return r;
}

static Raw *
c_string_past_end (void)
{
  Raw *r = one_kv (8);
  raw_u64 (r, 1000);
  raw_bytes (r, "hello", 5);
  return r;
}

static Raw *
c_string_length_max (void)
{
  Raw *r = one_kv (8);
  raw_u64 (r, G_MAXUINT64);
  raw_bytes (r, "hello", 5);
  return r;
}

static Raw *
c_array_string_past_end (void)
{
  Raw *r = one_kv (9);
  raw_u32 (r, 8);
  raw_u64 (r, 2);
  raw_str (r, "ok");
  raw_u64 (r, G_MAXUINT64 - 4);
  raw_zeros (r, 8);
  return r;
}

static Raw *
c_key_past_end (void)
{
  Raw *r = raw_header (3, 0, 1);
  raw_u64 (r, G_GUINT64_CONSTANT (1) << 63);
  raw_zeros (r, 16);
  return r;
}

static Raw *
c_bad_value_type (void)
{
  Raw *r = one_kv (13);
  raw_u32 (r, 0);
  return r;
}
static Raw *
c_bad_array_type (void)
{
  Raw *r = one_kv (9);
  raw_u32 (r, 99);
  raw_u64 (r, 0);
  return r;
}
static Raw *
c_bad_bool (void)
{
  Raw *r = one_kv (7);
  raw_u8 (r, 2);
  return r;
}

static Raw *
c_bad_bool_array (void)
{
  Raw *r = one_kv (9);
  raw_u32 (r, 7);
  raw_u64 (r, 3);
  raw_bytes (r, "\1\0\5", 3);
  return r;
}

static Raw *
c_deep_nesting (void)
{
  Raw *r = one_kv (9);
  for (int i = 0; i < 17; i++) {
    raw_u32 (r, 9);
    raw_u64 (r, 1);
  }
  raw_u32 (r, 4);
  raw_u64 (r, 0);
  return r;
}

static Raw *
c_non_utf8_key (void)
{
  Raw *r = raw_header (3, 0, 1);
  raw_str (r, "general.\xff\xfe");
  raw_u32 (r, 4);
  raw_u32 (r, 1);
  return r;
}

static Raw *
c_nul_in_key (void)
{
  Raw *r = raw_header (3, 0, 1);
  raw_u64 (r, 3);
  raw_bytes (r, "a\0b", 3);
  raw_u32 (r, 4);
  raw_u32 (r, 1);
  return r;
}

static Raw *
c_duplicate_key (void)
{
  Raw *r = raw_header (3, 0, 2);
  raw_kv_str (r, "general.name", "one");
  raw_kv_str (r, "general.name", "two");
  return r;
}

static Raw *
alignment_case (guint32 type, guint64 value)
{
  Raw *r = raw_header (3, 0, 1);
  raw_str (r, "general.alignment");
  raw_u32 (r, type);
  if (type == 4)
    raw_u32 (r, (guint32) value);
  else
    raw_u64 (r, value);
  return r;
}

static Raw *
c_alignment_zero (void)
{
  return alignment_case (4, 0);
}
static Raw *
c_alignment_48 (void)
{
  return alignment_case (4, 48);
}
static Raw *
c_alignment_u64 (void)
{
  return alignment_case (10, 32);
}

static Raw *
c_n_dims_5 (void)
{
  return TENSOR (0, 0, 32, 1, 1, 1, 1, 8);
}
static Raw *
c_zero_dim (void)
{
  return TENSOR (0, 0, 32, 8, 0);
}
static Raw *
c_dim_too_big (void)
{
  return TENSOR (0, 0, 32, G_MAXUINT64);
}
static Raw *
c_dims_overflow (void)
{
  return TENSOR (0, 0, 32, G_GUINT64_CONSTANT (1) << 32, G_GUINT64_CONSTANT (1) << 32);
}
static Raw *
c_unknown_type_100 (void)
{
  return TENSOR (100, 0, 32, 8);
}
static Raw *
c_retired_type_4 (void)
{
  return TENSOR (4, 0, 32, 8);
}
static Raw *
c_misaligned (void)
{
  return TENSOR (0, 8, 64, 8);
}
static Raw *
c_offset_past_end (void)
{
  return TENSOR (0, 4096, 32, 8);
}
static Raw *
c_size_past_end (void)
{
  return TENSOR (0, 0, 64, 1024);
}
static Raw *
c_offset_overflow (void)
{
  return TENSOR (0, G_MAXUINT64 - 31, 32, 8);
}
static Raw *
c_block_mismatch (void)
{
  return TENSOR (8, 0, 64, 31);
}

static Raw *
c_data_missing (void)
{
  Raw *r = raw_header (3, 1, 0);
  raw_tensor (r, "t", 1, DIMS (8), 0, 0); /* ends at byte 57: not aligned */
  return r;
}

static Raw *
c_duplicate_tensor (void)
{
  Raw *r = raw_header (3, 2, 0);
  raw_tensor (r, "t", 1, DIMS (8), 0, 0);
  raw_tensor (r, "t", 1, DIMS (8), 0, 32);
  raw_pad (r, 32);
  raw_zeros (r, 64);
  return r;
}

static Raw *
c_overlap (void)
{
  Raw *r = raw_header (3, 2, 0);
  raw_tensor (r, "a", 1, DIMS (16), 0, 0);
  raw_tensor (r, "b", 1, DIMS (8), 0, 32);
  raw_pad (r, 32);
  raw_zeros (r, 64);
  return r;
}

static Raw *
c_long_tensor_name (void)
{
  Raw *r = raw_header (3, 1, 0);
  char name[65];
  memset (name, 'n', 64);
  name[64] = '\0';
  raw_tensor (r, name, 1, DIMS (8), 0, 0);
  raw_pad (r, 32);
  raw_zeros (r, 32);
  return r;
}

static Raw *
c_non_utf8_tensor_name (void)
{
  Raw *r = raw_header (3, 1, 0);
  raw_tensor (r, "blk.\xc0.weight", 1, DIMS (8), 0, 0);
  raw_pad (r, 32);
  raw_zeros (r, 32);
  return r;
}

/* I2_S [96] is 56 bytes and IQ4_NL_4_4 [96] 54: a 64-byte slot fits both */
static Raw *
c_ambiguous_both (void)
{
  return one_tensor_full ("llama", 1, DIMS (96), 36, 0, 64);
}
/* I2_S [1024] is 288 bytes, IQ4_NL_4_4 576: a 100-byte slot fits neither */
static Raw *
c_ambiguous_neither (void)
{
  return one_tensor_full ("llama", 1, DIMS (1024), 36, 0, 100);
}

static Raw *
c_ambiguous_mixed (void)
{
  Raw *r = raw_header (3, 2, 1);
  raw_kv_str (r, "general.architecture", "llama");
  raw_tensor (r, "i2s", 1, DIMS (1024), 36, 0); /* fits I2_S only */
  raw_tensor (r, "mx", 1, DIMS (64), 39, 288);  /* fits MXFP4 only */
  raw_pad (r, 32);
  raw_zeros (r, 288 + 64);
  return r;
}

static Raw *
c_tl2_too_narrow (void)
{
  return one_tensor_full ("bitnet-b1.58", 1, DIMS (128), 39, 0, 64);
}

typedef struct {
  const char *name;
  Raw *(*make) (void);
  BnGgufError code;
  const char *needle; /* must appear in the message, or NULL */
} HostileCase;

static const HostileCase cases[] = {
  { "bad-magic", c_bad_magic, BN_GGUF_ERROR_BAD_MAGIC, "GGUF" },
  { "short", c_short, BN_GGUF_ERROR_TRUNCATED, NULL },
  { "version-1", c_version_1, BN_GGUF_ERROR_UNSUPPORTED_VERSION, "version 1" },
  { "version-4", c_version_4, BN_GGUF_ERROR_UNSUPPORTED_VERSION, "version 4" },
  { "big-endian", c_big_endian, BN_GGUF_ERROR_BIG_ENDIAN, "big-endian" },
  { "header-cut", c_header_cut, BN_GGUF_ERROR_TRUNCATED, NULL },
  { "huge-kv-count", c_huge_kv_count, BN_GGUF_ERROR_TRUNCATED, "4611686018427387904" },
  { "huge-tensor-count", c_huge_tensor_count, BN_GGUF_ERROR_TRUNCATED, "tensor infos" },
  { "max-counts", c_max_counts, BN_GGUF_ERROR_TRUNCATED, NULL },
  { "huge-array", c_huge_array, BN_GGUF_ERROR_TRUNCATED, "array elements" },
  { "huge-string-array", c_huge_string_array, BN_GGUF_ERROR_TRUNCATED, "strings" },
  { "huge-nested-array", c_huge_nested_array, BN_GGUF_ERROR_TRUNCATED, "nested arrays" },
  { "string-past-end", c_string_past_end, BN_GGUF_ERROR_TRUNCATED, NULL },
  { "string-length-max", c_string_length_max, BN_GGUF_ERROR_TRUNCATED, NULL },
  { "array-string-past-end", c_array_string_past_end, BN_GGUF_ERROR_TRUNCATED, NULL },
  { "key-past-end", c_key_past_end, BN_GGUF_ERROR_TRUNCATED, NULL },
  { "bad-value-type", c_bad_value_type, BN_GGUF_ERROR_CORRUPT, "value type 13" },
  { "bad-array-type", c_bad_array_type, BN_GGUF_ERROR_CORRUPT, "element type 99" },
  { "bad-bool", c_bad_bool, BN_GGUF_ERROR_CORRUPT, "0 or 1" },
  { "bad-bool-array", c_bad_bool_array, BN_GGUF_ERROR_CORRUPT, "0 or 1" },
  { "deep-nesting", c_deep_nesting, BN_GGUF_ERROR_CORRUPT, "deep" },
  { "non-utf8-key", c_non_utf8_key, BN_GGUF_ERROR_CORRUPT, "UTF-8" },
  { "nul-in-key", c_nul_in_key, BN_GGUF_ERROR_CORRUPT, "UTF-8" },
  { "duplicate-key", c_duplicate_key, BN_GGUF_ERROR_DUPLICATE, "general.name" },
  { "alignment-zero", c_alignment_zero, BN_GGUF_ERROR_ALIGNMENT, "power of two" },
  { "alignment-48", c_alignment_48, BN_GGUF_ERROR_ALIGNMENT, "48" },
  { "alignment-u64", c_alignment_u64, BN_GGUF_ERROR_ALIGNMENT, "u32" },
  { "n-dims-5", c_n_dims_5, BN_GGUF_ERROR_CORRUPT, "5 dimensions" },
  { "zero-dim", c_zero_dim, BN_GGUF_ERROR_CORRUPT, "dimension 1" },
  { "dim-too-big", c_dim_too_big, BN_GGUF_ERROR_CORRUPT, NULL },
  { "dims-overflow", c_dims_overflow, BN_GGUF_ERROR_CORRUPT, "overflows" },
  { "unknown-type-100", c_unknown_type_100, BN_GGUF_ERROR_UNSUPPORTED_TYPE, "type id 100" },
  { "retired-type-4", c_retired_type_4, BN_GGUF_ERROR_UNSUPPORTED_TYPE, "'t'" },
  { "duplicate-tensor", c_duplicate_tensor, BN_GGUF_ERROR_DUPLICATE, "'t'" },
  { "long-tensor-name", c_long_tensor_name, BN_GGUF_ERROR_CORRUPT, "64 bytes" },
  { "non-utf8-tensor-name", c_non_utf8_tensor_name, BN_GGUF_ERROR_CORRUPT, "UTF-8" },
  { "misaligned-offset", c_misaligned, BN_GGUF_ERROR_ALIGNMENT, "alignment 32" },
  { "overlap", c_overlap, BN_GGUF_ERROR_TENSOR_BOUNDS, "overlaps" },
  { "offset-past-end", c_offset_past_end, BN_GGUF_ERROR_TENSOR_BOUNDS, "4096" },
  { "size-past-end", c_size_past_end, BN_GGUF_ERROR_TENSOR_BOUNDS, "4096 bytes" },
  { "offset-overflow", c_offset_overflow, BN_GGUF_ERROR_TENSOR_BOUNDS, NULL },
  { "block-mismatch", c_block_mismatch, BN_GGUF_ERROR_CORRUPT, "Q8_0" },
  { "data-missing", c_data_missing, BN_GGUF_ERROR_TRUNCATED, "data section" },
  { "ambiguous-both", c_ambiguous_both, BN_GGUF_ERROR_AMBIGUOUS_TYPE, "I2_S in bitnet.cpp but IQ4_NL_4_4" },
  { "ambiguous-neither", c_ambiguous_neither, BN_GGUF_ERROR_AMBIGUOUS_TYPE, "neither" },
  { "ambiguous-mixed", c_ambiguous_mixed, BN_GGUF_ERROR_AMBIGUOUS_TYPE, "MXFP4" },
  { "tl2-too-narrow", c_tl2_too_narrow, BN_GGUF_ERROR_CORRUPT, "TL2" },
};

/* Parses @data from an exact-size heap copy; on success walks everything
 * a consumer would touch. */
static BnGguf *
parse_copy (const guint8 *data, gsize len, GError **error)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, len);
  BnGguf *gguf = bn_gguf_new_from_bytes (bytes, error);

  if (gguf == NULL)
    return NULL;
  for (gsize i = 0; i < bn_gguf_get_n_metadata (gguf); i++) {
    g_autofree char *text = bn_gguf_value_to_string (bn_gguf_get_metadata_value (gguf, i), 8);
    g_assert_nonnull (bn_gguf_get_metadata_key (gguf, i));
    g_assert_nonnull (text);
  }
  for (gsize i = 0; i < bn_gguf_get_n_tensors (gguf); i++) {
    const BnGgufTensorInfo *t = bn_gguf_get_tensor (gguf, i);
    volatile guint8 edge = t->data[0] ^ t->data[t->size - 1];
    (void) edge;
    g_assert_true (bn_gguf_find_tensor (gguf, t->name) == t);
  }
  g_free (bn_gguf_sample_digest (gguf));
  return gguf;
}

static void
assert_gguf_error (GError *error, int code, const char *needle)
{
  g_assert_error (error, BN_GGUF_ERROR, code);
  g_assert_nonnull (strstr (error->message, "at byte "));
  if (needle && !strstr (error->message, needle))
    g_error ("message '%s' lacks '%s'", error->message, needle);
}

static void
test_case (gconstpointer data)
{
  const HostileCase *c = data;
  g_autoptr (GByteArray) raw = c->make ();
  g_autoptr (GError) error = NULL;
  g_autoptr (BnGguf) gguf = parse_copy (raw->data, raw->len, &error);

  g_assert_null (gguf);
  g_test_message ("%s", error ? error->message : "(no error)");
  assert_gguf_error (error, c->code, c->needle);
}

/* A valid file with a value of every type and three tensors; its last
 * tensor is 32 bytes, so the file does not end with padding and every
 * strict prefix of it is invalid. */
static GBytes *
valid_sample (const char *arch)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BnGgufBuilder) b = bn_gguf_builder_new (3, 0);
  g_autofree char *dir = test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "sample.gguf", NULL);
  static const char *const strv[] = { "<s>", "", "\xe2\x96\x81the", NULL };
  static const guint16 u16s[] = { 1, 65535 };
  static guint8 data[66 + 96 + 32];
  BnGgufValue *inner[2];
  char *contents;
  gsize len;

  for (gsize i = 0; i < sizeof data; i++)
    data[i] = (guint8) (i * 31 + 7);
  g_assert_true (bn_gguf_builder_add_string (b, "general.architecture", arch, &error));
  g_assert_true (bn_gguf_builder_add_value (b, "k.u8", bn_gguf_value_new_uint8 (1), &error));
  g_assert_true (bn_gguf_builder_add_value (b, "k.i8", bn_gguf_value_new_int8 (-1), &error));
  g_assert_true (bn_gguf_builder_add_value (b, "k.u16", bn_gguf_value_new_uint16 (2), &error));
  g_assert_true (bn_gguf_builder_add_value (b, "k.i16", bn_gguf_value_new_int16 (-2), &error));
  g_assert_true (bn_gguf_builder_add_u32 (b, "k.u32", 3, &error));
  g_assert_true (bn_gguf_builder_add_i32 (b, "k.i32", -3, &error));
  g_assert_true (bn_gguf_builder_add_f32 (b, "k.f32", 0.5f, &error));
  g_assert_true (bn_gguf_builder_add_bool (b, "k.bool", TRUE, &error));
  g_assert_true (bn_gguf_builder_add_u64 (b, "k.u64", 4, &error));
  g_assert_true (bn_gguf_builder_add_value (b, "k.i64", bn_gguf_value_new_int64 (-4), &error));
  g_assert_true (bn_gguf_builder_add_value (b, "k.f64", bn_gguf_value_new_float64 (0.25), &error));
  g_assert_true (bn_gguf_builder_add_string_array (b, "k.strings", strv, -1, &error));
  inner[0] = bn_gguf_value_new_array (BN_GGUF_VALUE_UINT16, u16s, 2);
  inner[1] = bn_gguf_value_new_string_array (strv, 2);
  g_assert_true (bn_gguf_builder_add_value (b, "k.nested", bn_gguf_value_new_array_of_arrays (inner, 2), &error));
  g_assert_true (bn_gguf_builder_add_tensor (b, "blk.0.attn_q.weight", BN_GGUF_TYPE_TQ2_0, 1, (guint64[]){ 256 }, data,
                                             66, &error));
  g_assert_true (bn_gguf_builder_add_tensor (b, "blk.0.attn_k.weight", BN_GGUF_TYPE_I2_S, 2, (guint64[]){ 128, 2 },
                                             data + 66, 96, &error));
  g_assert_true (bn_gguf_builder_add_tensor (b, "output_norm.weight", BN_GGUF_TYPE_F32, 1, (guint64[]){ 8 },
                                             data + 66 + 96, 32, &error));
  g_assert_true (bn_gguf_builder_write (b, path, &error));
  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  test_tmpdir_remove (dir);
  return g_bytes_new_take (contents, len);
}

static void
test_valid_sample (void)
{
  g_autoptr (GBytes) bytes = valid_sample ("bitnet-b1.58");
  g_autoptr (GError) error = NULL;
  g_autoptr (BnGguf) gguf = parse_copy (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);

  g_assert_no_error (error);
  g_assert_cmpuint (bn_gguf_get_n_tensors (gguf), ==, 3);
  g_assert_cmpint (bn_gguf_get_tensor (gguf, 1)->type, ==, BN_GGUF_TYPE_I2_S);
}

/* Every prefix of a valid file, cut in every section, is refused. */
static void
test_truncated (void)
{
  g_autoptr (GBytes) bytes = valid_sample ("bitnet-b1.58");
  const guint8 *data = g_bytes_get_data (bytes, NULL);
  gsize size = g_bytes_get_size (bytes);

  for (gsize len = 0; len < size; len++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (BnGguf) gguf = parse_copy (data, len, &error);

    if (gguf != NULL)
      g_error ("a prefix of %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes was accepted", len, size);
    g_assert_error (error, BN_GGUF_ERROR, error->code);
    if (error->code != BN_GGUF_ERROR_TRUNCATED && error->code != BN_GGUF_ERROR_TENSOR_BOUNDS)
      g_error ("prefix %" G_GSIZE_FORMAT ": unexpected error %d: %s", len, error->code, error->message);
    g_assert_nonnull (strstr (error->message, "at byte "));
  }
}

/* Every byte of the header, metadata and tensor infos set to a few hostile
 * values: either a valid file or a GGUF error, never a crash. */
static void
test_mutations (void)
{
  g_autoptr (GBytes) bytes = valid_sample ("bitnet");
  g_autoptr (BnGguf) valid = bn_gguf_new_from_bytes (bytes, NULL);
  gsize size = g_bytes_get_size (bytes), head = bn_gguf_get_data_offset (valid);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), size);
  guint accepted = 0, refused = 0;

  for (gsize pos = 0; pos < head; pos++) {
    const guint8 saved = copy[pos];
    const guint8 values[] = { 0x00, 0xff, 0x80, 0x7f, (guint8) (saved ^ 1), (guint8) (saved + 1) };

    for (gsize v = 0; v < G_N_ELEMENTS (values); v++) {
      g_autoptr (GError) error = NULL;
      g_autoptr (BnGguf) gguf = NULL;

      copy[pos] = values[v];
      gguf = parse_copy (copy, size, &error);
      if (gguf)
        accepted++;
      else {
        g_assert_true (error->domain == BN_GGUF_ERROR);
        refused++;
      }
    }
    copy[pos] = saved;
  }
  g_test_message ("%u mutations accepted, %u refused", accepted, refused);
  g_assert_cmpuint (refused, >, 0);
}

/* The checked-in corpus: tests/gguf-hostile/<error>--<case>.gguf must fail
 * with <error>; valid--<case>.gguf must open. */
static void
test_corpus (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "model", "gguf-hostile", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  if (d == NULL) {
    g_test_skip ("tests/model/gguf-hostile not found (set G_TEST_SRCDIR)");
    return;
  }
  while ((name = g_dir_read_name (d))) {
    g_autofree char *path = g_build_filename (dir, name, NULL);
    g_autofree char *nick = NULL;
    g_autoptr (GError) error = NULL;
    g_autoptr (BnGguf) gguf = NULL;
    const char *sep = strstr (name, "--");

    if (!g_str_has_suffix (name, ".gguf") || sep == NULL)
      continue;
    nick = g_strndup (name, (gsize) (sep - name));
    gguf = bn_gguf_open (path, &error);
    n++;
    if (g_str_equal (nick, "valid")) {
      g_assert_no_error (error);
      continue;
    }
    if (gguf != NULL)
      g_error ("%s was accepted", name);
    g_assert_true (error->domain == BN_GGUF_ERROR);
    if ((gsize) error->code >= G_N_ELEMENTS (code_nicks) || g_strcmp0 (code_nicks[error->code], nick) != 0)
      g_error ("%s failed with %d: %s", name, error->code, error->message);
  }
  g_assert_cmpuint (n, >=, G_N_ELEMENTS (cases));
}

static int
write_corpus (const char *dir)
{
  const char *arches[] = { "bitnet", "bitnet-b1.58" };

  g_mkdir_with_parents (dir, 0755);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GByteArray) raw = cases[i].make ();
    g_autofree char *file = g_strdup_printf ("%s/%s--%s.gguf", dir, code_nicks[cases[i].code], cases[i].name);
    if (!g_file_set_contents (file, (const char *) raw->data, raw->len, NULL))
      return 1;
  }
  for (gsize i = 0; i < G_N_ELEMENTS (arches); i++) {
    g_autoptr (GBytes) bytes = valid_sample (arches[i]);
    g_autofree char *file = g_strdup_printf ("%s/valid--%s.gguf", dir, arches[i]);
    if (!g_file_set_contents (file, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), NULL))
      return 1;
  }
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc == 3 && g_str_equal (argv[1], "--write-corpus"))
    return write_corpus (argv[2]);

  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *path = g_strdup_printf ("/gguf/hostile/%s", cases[i].name);
    g_test_add_data_func (path, &cases[i], test_case);
  }
  g_test_add_func ("/gguf/hostile/valid-sample", test_valid_sample);
  g_test_add_func ("/gguf/hostile/truncated", test_truncated);
  g_test_add_func ("/gguf/hostile/mutations", test_mutations);
  g_test_add_func ("/gguf/hostile/corpus", test_corpus);
  return g_test_run ();
}
