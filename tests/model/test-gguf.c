/* gst-bitnet tests: GGUF reader and writer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gst-bitnet/bn.h>
#include <gst-bitnet/model/model.h>

#include "gguf-raw.h"

typedef struct {
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = test_tmpdir_new ();
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  test_tmpdir_remove (f->dir);
  g_free (f->dir);
}

static char *
path_in (Fixture *f, const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

/* deterministic tensor bytes, alive for the whole run */
static const guint8 *
pattern (gsize size, guint seed)
{
  static GPtrArray *keep;
  guint8 *p = g_malloc (size ? size : 1);

  for (gsize i = 0; i < size; i++)
    p[i] = (guint8) (i * 7 + seed * 13 + (i >> 8));
  if (keep == NULL)
    keep = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (keep, p);
  return p;
}

static const char *const tokens[] = { "a", "", "hello world", "\xc3\xa9", NULL };
static const gint32 token_types[] = { 1, 2, 3, -4 };
static const gfloat scores[] = { 0.5f, -1.25f, 3e-7f, 100.0f };
static const guint8 flags[] = { 1, 0, 1 };
static const guint32 inner_u32[] = { 1, 2, 3 };

/* A small file with a value of every metadata type and four tensors; the
 * last tensor is 32 bytes, so the file ends without padding. */
static BnGgufBuilder *
build_sample (const char *arch)
{
  g_autoptr (GError) error = NULL;
  BnGgufBuilder *b = bn_gguf_builder_new (3, 0);
  static const char *const inner_strs[] = { "x", "y" };
  BnGgufValue *inner[3];
  guint64 d_embd[] = { 8, 4 }, d_q[] = { 256, 2 }, d_down[] = { 64, 1 }, d_norm[] = { 8 };
  g_autoptr (GBytes) embd = g_bytes_new (pattern (64, 1), 64);

  g_assert_true (bn_gguf_builder_add_string (b, "general.architecture", arch, &error));
  g_assert_true (bn_gguf_builder_add_string (b, "general.name", "sample", &error));
  g_assert_true (bn_gguf_builder_add_value (b, "test.u8", bn_gguf_value_new_uint8 (200), &error));
  g_assert_true (bn_gguf_builder_add_value (b, "test.i8", bn_gguf_value_new_int8 (-100), &error));
  g_assert_true (bn_gguf_builder_add_value (b, "test.u16", bn_gguf_value_new_uint16 (60000), &error));
  g_assert_true (bn_gguf_builder_add_value (b, "test.i16", bn_gguf_value_new_int16 (-30000), &error));
  g_assert_true (bn_gguf_builder_add_u32 (b, "bitnet.block_count", 2, &error));
  g_assert_true (bn_gguf_builder_add_i32 (b, "test.i32", -5, &error));
  g_assert_true (bn_gguf_builder_add_f32 (b, "bitnet.attention.layer_norm_rms_epsilon", 1e-5f, &error));
  g_assert_true (bn_gguf_builder_add_bool (b, "test.bool", TRUE, &error));
  g_assert_true (bn_gguf_builder_add_u64 (b, "test.u64", G_MAXUINT64, &error));
  g_assert_true (bn_gguf_builder_add_value (b, "test.i64", bn_gguf_value_new_int64 (G_MININT64), &error));
  g_assert_true (bn_gguf_builder_add_value (b, "test.f64", bn_gguf_value_new_float64 (G_PI), &error));
  g_assert_true (bn_gguf_builder_add_string_array (b, "tokenizer.ggml.tokens", tokens, -1, &error));
  g_assert_true (bn_gguf_builder_add_value (b, "tokenizer.ggml.token_type",
                                            bn_gguf_value_new_array (BN_GGUF_VALUE_INT32, token_types, 4), &error));
  g_assert_true (bn_gguf_builder_add_value (b, "tokenizer.ggml.scores",
                                            bn_gguf_value_new_array (BN_GGUF_VALUE_FLOAT32, scores, 4), &error));
  g_assert_true (
      bn_gguf_builder_add_value (b, "test.flags", bn_gguf_value_new_array (BN_GGUF_VALUE_BOOL, flags, 3), &error));
  inner[0] = bn_gguf_value_new_array (BN_GGUF_VALUE_UINT32, inner_u32, 3);
  inner[1] = bn_gguf_value_new_string_array (inner_strs, 2);
  inner[2] = bn_gguf_value_new_array (BN_GGUF_VALUE_FLOAT64, NULL, 0);
  g_assert_true (bn_gguf_builder_add_value (b, "test.nested", bn_gguf_value_new_array_of_arrays (inner, 3), &error));
  g_assert_true (bn_gguf_builder_add_tensor_bytes (b, "token_embd.weight", BN_GGUF_TYPE_F16, 2, d_embd, embd, &error));
  g_assert_true (
      bn_gguf_builder_add_tensor (b, "blk.0.attn_q.weight", BN_GGUF_TYPE_TQ2_0, 2, d_q, pattern (132, 2), 132, &error));
  g_assert_true (bn_gguf_builder_add_tensor (b, "blk.0.ffn_down.weight", BN_GGUF_TYPE_Q8_0, 2, d_down, pattern (68, 3),
                                             68, &error));
  g_assert_true (
      bn_gguf_builder_add_tensor (b, "output_norm.weight", BN_GGUF_TYPE_F32, 1, d_norm, pattern (32, 4), 32, &error));
  g_assert_no_error (error);
  return b;
}

static BnGguf *
write_and_open (BnGgufBuilder *b, const char *path)
{
  g_autoptr (GError) error = NULL;
  BnGguf *gguf;

  g_assert_true (bn_gguf_builder_write (b, path, &error));
  g_assert_no_error (error);
  gguf = bn_gguf_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (gguf);
  return gguf;
}

static void
assert_error_at (GError *error, int code)
{
  g_assert_error (error, BN_GGUF_ERROR, code);
  g_assert_nonnull (strstr (error->message, "at byte "));
}

static void
test_read_minimal (Fixture *f, gconstpointer data)
{
  g_autoptr (BnGgufBuilder) b = build_sample ("bitnet");
  g_autofree char *path = path_in (f, "sample.gguf");
  g_autoptr (BnGguf) gguf = write_and_open (b, path);
  g_autoptr (GError) error = NULL;
  const BnGgufValue *v, *nested;
  const BnGgufTensorInfo *t;
  guint32 u32 = 0;
  gint32 i32 = 0;
  guint64 u64 = 0, expected_end;
  gfloat f32 = 0;
  gboolean flag = FALSE;
  gsize len;

  g_assert_cmpuint (bn_gguf_get_version (gguf), ==, 3);
  g_assert_cmpuint (bn_gguf_get_alignment (gguf), ==, 32);
  g_assert_cmpstr (bn_gguf_get_architecture (gguf), ==, "bitnet");
  g_assert_cmpstr (bn_gguf_get_path (gguf), ==, path);
  g_assert_cmpuint (bn_gguf_get_n_metadata (gguf), ==, 18);
  g_assert_cmpstr (bn_gguf_get_metadata_key (gguf, 0), ==, "general.architecture");
  g_assert_cmpstr (bn_gguf_get_metadata_key (gguf, 6), ==, "bitnet.block_count");
  g_assert_cmpstr (bn_gguf_get_metadata_key (gguf, 17), ==, "test.nested");

  /* typed getters: integers widen when they fit, and only then */
  g_assert_true (bn_gguf_get_u32 (gguf, "bitnet.block_count", &u32, &error));
  g_assert_cmpuint (u32, ==, 2);
  g_assert_true (bn_gguf_get_u32 (gguf, "test.u8", &u32, &error));
  g_assert_cmpuint (u32, ==, 200);
  g_assert_true (bn_gguf_get_i32 (gguf, "test.i32", &i32, &error));
  g_assert_cmpint (i32, ==, -5);
  g_assert_true (bn_gguf_get_i32 (gguf, "test.i16", &i32, &error));
  g_assert_cmpint (i32, ==, -30000);
  g_assert_true (bn_gguf_get_u64 (gguf, "test.u64", &u64, &error));
  g_assert_cmpuint (u64, ==, G_MAXUINT64);
  g_assert_true (bn_gguf_get_f32 (gguf, "bitnet.attention.layer_norm_rms_epsilon", &f32, &error));
  g_assert_cmpfloat (f32, ==, 1e-5f);
  g_assert_true (bn_gguf_get_bool (gguf, "test.bool", &flag, &error));
  g_assert_true (flag);
  g_assert_cmpstr (bn_gguf_get_string (gguf, "general.name", &error), ==, "sample");
  g_assert_no_error (error);

  g_assert_false (bn_gguf_get_u32 (gguf, "test.i32", &u32, &error));
  assert_error_at (error, BN_GGUF_ERROR_TYPE_MISMATCH);
  g_assert_nonnull (strstr (error->message, "test.i32"));
  g_clear_error (&error);
  g_assert_false (bn_gguf_get_i32 (gguf, "test.u64", &i32, &error));
  g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_TYPE_MISMATCH);
  g_clear_error (&error);
  g_assert_null (bn_gguf_get_string (gguf, "bitnet.context_length", &error));
  g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "bitnet.context_length"));
  g_clear_error (&error);
  g_assert_null (bn_gguf_get_array (gguf, "tokenizer.ggml.tokens", BN_GGUF_VALUE_INT32, &error));
  g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_TYPE_MISMATCH);
  g_clear_error (&error);

  /* every value type reads back */
  g_assert_cmpint (bn_gguf_value_get_int (bn_gguf_lookup (gguf, "test.i8")), ==, -100);
  g_assert_cmpuint (bn_gguf_value_get_uint (bn_gguf_lookup (gguf, "test.u16")), ==, 60000);
  g_assert_cmpint (bn_gguf_value_get_int (bn_gguf_lookup (gguf, "test.i64")), ==, G_MININT64);
  g_assert_cmpfloat (bn_gguf_value_get_double (bn_gguf_lookup (gguf, "test.f64")), ==, G_PI);
  g_assert_false (bn_gguf_has_key (gguf, "general.alignment"));

  v = bn_gguf_get_array (gguf, "tokenizer.ggml.tokens", BN_GGUF_VALUE_STRING, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bn_gguf_value_get_n_elements (v), ==, 4);
  for (guint i = 0; i < 4; i++) {
    g_assert_cmpstr (bn_gguf_value_get_array_string (v, i, &len), ==, tokens[i]);
    g_assert_cmpuint (len, ==, strlen (tokens[i]));
  }
  v = bn_gguf_lookup (gguf, "tokenizer.ggml.token_type");
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (bn_gguf_value_get_array_int (v, i), ==, token_types[i]);
  v = bn_gguf_lookup (gguf, "tokenizer.ggml.scores");
  for (guint i = 0; i < 4; i++)
    g_assert_cmpfloat ((gfloat) bn_gguf_value_get_array_double (v, i), ==, scores[i]);
  v = bn_gguf_lookup (gguf, "test.flags");
  g_assert_cmpuint (bn_gguf_value_get_array_uint (v, 0), ==, 1);
  g_assert_cmpuint (bn_gguf_value_get_array_uint (v, 1), ==, 0);

  nested = bn_gguf_lookup (gguf, "test.nested");
  g_assert_cmpint (bn_gguf_value_get_element_type (nested), ==, BN_GGUF_VALUE_ARRAY);
  g_assert_cmpuint (bn_gguf_value_get_n_elements (nested), ==, 3);
  v = bn_gguf_value_get_array_element (nested, 0);
  g_assert_cmpuint (bn_gguf_value_get_array_uint (v, 2), ==, 3);
  v = bn_gguf_value_get_array_element (nested, 1);
  g_assert_cmpstr (bn_gguf_value_get_array_string (v, 1, NULL), ==, "y");
  v = bn_gguf_value_get_array_element (nested, 2);
  g_assert_cmpint (bn_gguf_value_get_element_type (v), ==, BN_GGUF_VALUE_FLOAT64);
  g_assert_cmpuint (bn_gguf_value_get_n_elements (v), ==, 0);

  /* tensors: shape, type, size, aligned offsets, data in the map */
  g_assert_cmpuint (bn_gguf_get_n_tensors (gguf), ==, 4);
  t = bn_gguf_find_tensor (gguf, "blk.0.attn_q.weight");
  g_assert_nonnull (t);
  g_assert_true (t == bn_gguf_get_tensor (gguf, 1));
  g_assert_cmpint (t->type, ==, BN_GGUF_TYPE_TQ2_0);
  g_assert_cmpuint (t->n_dims, ==, 2);
  g_assert_cmpuint (t->dims[0], ==, 256);
  g_assert_cmpuint (t->dims[1], ==, 2);
  g_assert_cmpuint (t->dims[2], ==, 1);
  g_assert_cmpuint (t->n_elements, ==, 512);
  g_assert_cmpuint (t->size, ==, 132);
  g_assert_cmpuint (t->offset, ==, 64);
  g_assert_cmpmem (t->data, t->size, pattern (132, 2), 132);
  t = bn_gguf_get_tensor (gguf, 2);
  g_assert_cmpuint (t->offset, ==, 64 + 160);
  g_assert_cmpuint (t->size, ==, 68);
  t = bn_gguf_get_tensor (gguf, 3);
  g_assert_cmpuint (t->offset, ==, 64 + 160 + 96);
  g_assert_null (bn_gguf_find_tensor (gguf, "output.weight"));

  g_assert_cmpuint (bn_gguf_get_data_offset (gguf) % 32, ==, 0);
  expected_end = bn_gguf_get_data_offset (gguf) + 64 + 160 + 96 + 32;
  g_assert_cmpuint (bn_gguf_get_file_size (gguf), ==, expected_end);
  g_assert_cmpuint (bn_gguf_get_data_size (gguf), ==, 64 + 160 + 96 + 32);
  g_assert_cmpuint (bn_gguf_get_mapped_size (gguf), ==, expected_end);
}

static void
test_read_from_bytes (Fixture *f, gconstpointer data)
{
  g_autoptr (BnGgufBuilder) b = build_sample ("bitnet");
  g_autofree char *path = path_in (f, "sample.gguf");
  g_autoptr (BnGguf) mapped = write_and_open (b, path);
  g_autoptr (GBytes) bytes = bn_gguf_get_bytes (mapped);
  g_autoptr (GError) error = NULL;
  g_autoptr (BnGguf) gguf = bn_gguf_new_from_bytes (bytes, &error);

  g_assert_no_error (error);
  g_assert_null (bn_gguf_get_path (gguf));
  g_assert_cmpuint (bn_gguf_get_mapped_size (gguf), ==, 0);
  g_assert_cmpuint (bn_gguf_get_file_size (gguf), ==, bn_gguf_get_file_size (mapped));
  for (gsize i = 0; i < bn_gguf_get_n_metadata (gguf); i++)
    g_assert_true (bn_gguf_value_equal (bn_gguf_get_metadata_value (gguf, i), bn_gguf_get_metadata_value (mapped, i)));
}

static void
test_read_special_shapes (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BnGguf) gguf = NULL;
  g_autoptr (GBytes) bytes = NULL;
  const BnGgufTensorInfo *t;
  Raw *r;

  /* a scalar tensor (n_dims 0, as gguf-py writes `.scale` tensors) */
  r = raw_header (2, 1, 0);
  raw_tensor (r, "blk.0.attn_q.scale", 0, NULL, 0, 0);
  raw_pad (r, 32);
  raw_bytes (r, "\0\0\200?", 4);
  bytes = raw_finish (r);
  gguf = bn_gguf_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bn_gguf_get_version (gguf), ==, 2);
  t = bn_gguf_get_tensor (gguf, 0);
  g_assert_cmpuint (t->n_dims, ==, 0);
  g_assert_cmpuint (t->n_elements, ==, 1);
  g_assert_cmpuint (t->size, ==, 4);
  g_clear_pointer (&gguf, bn_gguf_unref);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* no tensors: the file may end right after the metadata */
  r = raw_header (3, 0, 1);
  raw_kv_str (r, "general.architecture", "bitnet");
  bytes = raw_finish (r);
  gguf = bn_gguf_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bn_gguf_get_n_tensors (gguf), ==, 0);
  g_assert_cmpuint (bn_gguf_get_data_size (gguf), ==, 0);
}

static void
test_read_io_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *missing = path_in (f, "missing.gguf");
  g_autofree char *empty = path_in (f, "empty.gguf");
  g_autoptr (GError) error = NULL;

  g_assert_null (bn_gguf_open (missing, &error));
  g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "missing.gguf"));
  g_clear_error (&error);

  g_assert_null (bn_gguf_open (f->dir, &error));
  g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_IO);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (empty, "", 0, &error));
  g_assert_null (bn_gguf_open (empty, &error));
  g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_TRUNCATED);
  g_assert_nonnull (strstr (error->message, "empty.gguf: at byte 0"));
}

/* The writer's layout, byte for byte, against a file emitted by hand the
 * way llama.cpp's gguf_write_to_file() lays it out. */
static void
test_write_layout (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BnGgufBuilder) b = bn_gguf_builder_new (3, 0);
  g_autofree char *path = path_in (f, "layout.gguf");
  g_autofree char *contents = NULL;
  guint64 da[] = { 3 }, db[] = { 5 };
  const guint8 *pa = pattern (12, 5), *pb = pattern (10, 6);
  gsize len;
  Raw *r;

  g_assert_true (bn_gguf_builder_add_string (b, "general.architecture", "bitnet", &error));
  g_assert_true (bn_gguf_builder_add_u32 (b, "bitnet.block_count", 1, &error));
  g_assert_true (bn_gguf_builder_add_tensor (b, "a", BN_GGUF_TYPE_F32, 1, da, pa, 12, &error));
  g_assert_true (bn_gguf_builder_add_tensor (b, "b", BN_GGUF_TYPE_F16, 1, db, pb, 10, &error));
  g_assert_true (bn_gguf_builder_write (b, path, &error));
  g_assert_no_error (error);

  r = raw_header (3, 2, 2);
  raw_kv_str (r, "general.architecture", "bitnet");
  raw_kv_u32 (r, "bitnet.block_count", 1);
  raw_tensor (r, "a", 1, da, 0, 0);
  raw_tensor (r, "b", 1, db, 1, 32);
  raw_pad (r, 32);
  raw_bytes (r, pa, 12);
  raw_pad (r, 32);
  raw_bytes (r, pb, 10);
  raw_pad (r, 32);

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_cmpmem (contents, len, r->data, r->len);
  g_byte_array_unref (r);
}

static void
assert_same_model (BnGguf *a, BnGguf *b)
{
  g_assert_cmpuint (bn_gguf_get_version (a), ==, bn_gguf_get_version (b));
  g_assert_cmpuint (bn_gguf_get_alignment (a), ==, bn_gguf_get_alignment (b));
  g_assert_cmpuint (bn_gguf_get_n_metadata (a), ==, bn_gguf_get_n_metadata (b));
  for (gsize i = 0; i < bn_gguf_get_n_metadata (a); i++) {
    g_assert_cmpstr (bn_gguf_get_metadata_key (a, i), ==, bn_gguf_get_metadata_key (b, i));
    g_assert_true (bn_gguf_value_equal (bn_gguf_get_metadata_value (a, i), bn_gguf_get_metadata_value (b, i)));
  }
  g_assert_cmpuint (bn_gguf_get_n_tensors (a), ==, bn_gguf_get_n_tensors (b));
  for (gsize i = 0; i < bn_gguf_get_n_tensors (a); i++) {
    const BnGgufTensorInfo *ta = bn_gguf_get_tensor (a, i), *tb = bn_gguf_get_tensor (b, i);
    g_assert_cmpstr (ta->name, ==, tb->name);
    g_assert_cmpint (ta->type, ==, tb->type);
    g_assert_cmpuint (ta->n_dims, ==, tb->n_dims);
    g_assert_cmpmem (ta->dims, sizeof ta->dims, tb->dims, sizeof tb->dims);
    g_assert_cmpmem (ta->data, ta->size, tb->data, tb->size);
  }
}

/* reader -> writer -> reader: same bytes, same metadata, same tensors */
static BnGguf *
roundtrip (Fixture *f, BnGgufBuilder *b, const char *name)
{
  g_autofree char *a_path = path_in (f, name);
  g_autofree char *b_path = g_strconcat (a_path, ".copy", NULL);
  g_autofree char *a_bytes = NULL, *b_bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (BnGguf) a = write_and_open (b, a_path);
  g_autoptr (BnGgufBuilder) copy = bn_gguf_builder_new_from_gguf (a);
  g_autoptr (BnGguf) c = write_and_open (copy, b_path);
  gsize a_len, b_len;

  g_assert_true (g_file_get_contents (a_path, &a_bytes, &a_len, &error));
  g_assert_true (g_file_get_contents (b_path, &b_bytes, &b_len, &error));
  g_assert_cmpmem (a_bytes, a_len, b_bytes, b_len);
  assert_same_model (a, c);
  return g_steal_pointer (&a);
}

static void
test_roundtrip_identical (Fixture *f, gconstpointer data)
{
  g_autoptr (BnGgufBuilder) b = build_sample ("bitnet");
  g_autoptr (BnGguf) gguf = roundtrip (f, b, "sample.gguf");

  g_assert_cmpuint (bn_gguf_get_n_tensors (gguf), ==, 4);
}

static void
test_roundtrip_alignment (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BnGgufBuilder) b = bn_gguf_builder_new (3, 64);
  g_autoptr (BnGguf) gguf = NULL;
  guint64 d[] = { 5 };
  guint32 align = 0;

  g_assert_cmpuint (bn_gguf_builder_get_alignment (b), ==, 64);
  g_assert_true (bn_gguf_builder_add_tensor (b, "x", BN_GGUF_TYPE_F32, 1, d, pattern (20, 7), 20, &error));
  g_assert_true (bn_gguf_builder_add_tensor (b, "y", BN_GGUF_TYPE_F32, 1, d, pattern (20, 8), 20, &error));
  gguf = roundtrip (f, b, "align64.gguf");
  g_assert_true (bn_gguf_get_u32 (gguf, "general.alignment", &align, &error));
  g_assert_cmpuint (align, ==, 64);
  g_assert_cmpuint (bn_gguf_get_alignment (gguf), ==, 64);
  g_assert_cmpuint (bn_gguf_get_data_offset (gguf) % 64, ==, 0);
  g_assert_cmpuint (bn_gguf_get_tensor (gguf, 1)->offset, ==, 64);
}

/* Type ids 36..39 resolved from the architecture or from tensor sizes. */
static void
test_roundtrip_contested_types (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BnGgufBuilder) fork = bn_gguf_builder_new (3, 0);
  g_autoptr (BnGgufBuilder) sized = bn_gguf_builder_new (3, 0);
  g_autoptr (BnGgufBuilder) upstream = bn_gguf_builder_new (3, 0);
  g_autoptr (BnGguf) a = NULL, b = NULL, c = NULL;
  guint64 d_i2s[] = { 128, 2 }, d_tl2[] = { 256, 4 }, d_big[] = { 1024 }, d_mx[] = { 64 };

  g_assert_true (bn_gguf_builder_add_string (fork, "general.architecture", "bitnet-b1.58", &error));
  g_assert_true (bn_gguf_builder_add_tensor (fork, "w", BN_GGUF_TYPE_I2_S, 2, d_i2s, pattern (96, 9), 96, &error));
  g_assert_true (bn_gguf_builder_add_tensor (fork, "v", BN_GGUF_TYPE_TL2, 2, d_tl2, pattern (288, 9), 288, &error));
  a = roundtrip (f, fork, "fork.gguf");
  g_assert_cmpint (bn_gguf_get_tensor (a, 0)->type, ==, BN_GGUF_TYPE_I2_S);
  g_assert_cmpint (bn_gguf_get_tensor (a, 1)->type, ==, BN_GGUF_TYPE_TL2);
  g_assert_cmpuint (bn_gguf_get_tensor (a, 1)->type_id, ==, 39);

  /* llama.cpp's `bitnet` architecture: I2_S recognized by its n/4 + 32 size */
  g_assert_true (bn_gguf_builder_add_string (sized, "general.architecture", "bitnet", &error));
  g_assert_true (bn_gguf_builder_add_tensor (sized, "w", BN_GGUF_TYPE_I2_S, 1, d_big, pattern (288, 9), 288, &error));
  b = roundtrip (f, sized, "sized.gguf");
  g_assert_cmpint (bn_gguf_get_tensor (b, 0)->type, ==, BN_GGUF_TYPE_I2_S);

  g_assert_true (bn_gguf_builder_add_string (upstream, "general.architecture", "llama", &error));
  g_assert_true (bn_gguf_builder_add_tensor (upstream, "m", BN_GGUF_TYPE_MXFP4, 1, d_mx, pattern (34, 9), 34, &error));
  c = roundtrip (f, upstream, "upstream.gguf");
  g_assert_cmpint (bn_gguf_get_tensor (c, 0)->type, ==, BN_GGUF_TYPE_MXFP4);
  g_assert_cmpuint (bn_gguf_get_tensor (c, 0)->type_id, ==, 39);
  g_assert_no_error (error);
}

static void
test_types_table (void)
{
  guint64 d1[] = { 64 }, d2[] = { 256, 3 }, d3[] = { 128, 2 }, d4[] = { 31 }, d5[] = { 512, 2 };
  guint64 size = 0;
  BnGgufType type = BN_GGUF_TYPE_INVALID;
  const BnGgufType supported[] = { BN_GGUF_TYPE_F32,   BN_GGUF_TYPE_F16,   BN_GGUF_TYPE_BF16, BN_GGUF_TYPE_Q8_0,
                                   BN_GGUF_TYPE_TQ1_0, BN_GGUF_TYPE_TQ2_0, BN_GGUF_TYPE_I2_S };
  guint n_supported = 0;

  g_assert_true (bn_gguf_type_compute_size (BN_GGUF_TYPE_Q8_0, 1, d1, &size));
  g_assert_cmpuint (size, ==, 68);
  g_assert_true (bn_gguf_type_compute_size (BN_GGUF_TYPE_TQ2_0, 2, d2, &size));
  g_assert_cmpuint (size, ==, 3 * 66);
  g_assert_true (bn_gguf_type_compute_size (BN_GGUF_TYPE_TQ1_0, 2, d2, &size));
  g_assert_cmpuint (size, ==, 3 * 54);
  g_assert_true (bn_gguf_type_compute_size (BN_GGUF_TYPE_I2_S, 2, d3, &size));
  g_assert_cmpuint (size, ==, 256 / 4 + 32);
  g_assert_true (bn_gguf_type_compute_size (BN_GGUF_TYPE_TL2, 2, d5, &size));
  g_assert_cmpuint (size, ==, 288); /* (256*2/3*5/8 = 106) + 128, padded to 256, + 32 */
  g_assert_true (bn_gguf_type_compute_size (BN_GGUF_TYPE_BF16, 1, d4, &size));
  g_assert_cmpuint (size, ==, 62);
  g_assert_false (bn_gguf_type_compute_size (BN_GGUF_TYPE_Q8_0, 1, d4, &size));
  g_assert_false (bn_gguf_type_compute_size (BN_GGUF_TYPE_TL2, 1, d1, &size));
  g_assert_false (bn_gguf_type_compute_size (BN_GGUF_TYPE_INVALID, 1, d1, &size));

  g_assert_cmpstr (bn_gguf_type_name (BN_GGUF_TYPE_I2_S), ==, "I2_S");
  g_assert_cmpstr (bn_gguf_type_name (BN_GGUF_TYPE_MXFP4), ==, "MXFP4");
  g_assert_null (bn_gguf_type_name ((BnGgufType) 4));
  g_assert_true (bn_gguf_type_from_name ("tq2_0", &type));
  g_assert_cmpint (type, ==, BN_GGUF_TYPE_TQ2_0);
  g_assert_false (bn_gguf_type_from_name ("q4_2", &type));
  g_assert_cmpuint (bn_gguf_type_get_file_id (BN_GGUF_TYPE_MXFP4), ==, 39);
  g_assert_cmpuint (bn_gguf_type_get_file_id (BN_GGUF_TYPE_TL2), ==, 39);
  g_assert_cmpuint (bn_gguf_type_get_block_size (BN_GGUF_TYPE_Q6_K), ==, 256);
  g_assert_cmpuint (bn_gguf_type_get_type_size (BN_GGUF_TYPE_Q6_K), ==, 210);

  for (int id = 0; id < 0x200; id++)
    if (bn_gguf_type_is_supported ((BnGgufType) id))
      n_supported++;
  g_assert_cmpuint (n_supported, ==, G_N_ELEMENTS (supported));
  for (guint i = 0; i < G_N_ELEMENTS (supported); i++)
    g_assert_true (bn_gguf_type_is_supported (supported[i]));
}

static void
test_value_strings (void)
{
  static const char *const strv[] = { "a\"b", "\xff", NULL };
  const gint16 nums[] = { -1, 2, 3, 4, 5 };
  g_autoptr (BnGgufValue) s = bn_gguf_value_new_string_array (strv, -1);
  g_autoptr (BnGgufValue) n = bn_gguf_value_new_array (BN_GGUF_VALUE_INT16, nums, 5);
  g_autoptr (BnGgufValue) f = bn_gguf_value_new_float32 (0.1f);
  g_autoptr (BnGgufValue) copy = bn_gguf_value_copy (n);
  g_autofree char *s_text = bn_gguf_value_to_string (s, 0);
  g_autofree char *n_text = bn_gguf_value_to_string (n, 3);
  g_autofree char *f_text = bn_gguf_value_to_string (f, 0);

  g_assert_cmpstr (s_text, ==, "[\"a\\\"b\", \"\\357\\277\\275\"]");
  g_assert_cmpstr (n_text, ==, "[-1, 2, 3, ... (5 i16 in all)]");
  g_assert_cmpstr (f_text, ==, "0.100000001");
  g_assert_true (bn_gguf_value_equal (n, copy));
  g_assert_false (bn_gguf_value_equal (n, s));
  g_assert_cmpint (bn_gguf_value_get_array_int (copy, 4), ==, 5);
}

static void
test_write_refusals (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BnGgufBuilder) b = bn_gguf_builder_new (3, 0);
  guint64 d[] = { 4 }, zero[] = { 0 };
  char long_name[80];

  g_assert_true (bn_gguf_builder_add_u32 (b, "k", 1, &error));
  g_assert_false (bn_gguf_builder_add_u32 (b, "k", 2, &error));
  g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_false (bn_gguf_builder_add_u32 (b, "", 2, &error));
  g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bn_gguf_builder_add_u32 (b, "bad\xff", 2, &error));
  g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bn_gguf_builder_add_u64 (b, "general.alignment", 64, &error));
  g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bn_gguf_builder_add_u32 (b, "general.alignment", 48, &error));
  g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (bn_gguf_builder_add_tensor (b, "t", BN_GGUF_TYPE_F32, 1, d, pattern (16, 1), 16, &error));
  g_assert_false (bn_gguf_builder_add_tensor (b, "t", BN_GGUF_TYPE_F32, 1, d, pattern (16, 1), 16, &error));
  g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_false (bn_gguf_builder_add_tensor (b, "u", BN_GGUF_TYPE_F32, 1, d, pattern (15, 1), 15, &error));
  g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "16 bytes"));
  g_clear_error (&error);
  g_assert_false (bn_gguf_builder_add_tensor (b, "u", BN_GGUF_TYPE_Q8_0, 1, d, pattern (4, 1), 4, &error));
  g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bn_gguf_builder_add_tensor (b, "u", BN_GGUF_TYPE_F32, 1, zero, NULL, 0, &error));
  g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_INVALID);
  g_clear_error (&error);
  memset (long_name, 'n', sizeof long_name - 1);
  long_name[64] = '\0';
  g_assert_false (bn_gguf_builder_add_tensor (b, long_name, BN_GGUF_TYPE_F32, 1, d, pattern (16, 1), 16, &error));
  g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_INVALID);
  g_clear_error (&error);

  /* a file the reader could not decide is refused before anything is written */
  {
    g_autoptr (BnGgufBuilder) amb = bn_gguf_builder_new (3, 0);
    g_assert_true (bn_gguf_builder_add_string (amb, "general.architecture", "bitnet", &error));
    g_assert_true (
        bn_gguf_builder_add_tensor (amb, "w", BN_GGUF_TYPE_I2_S, 1, (guint64[]){ 96 }, pattern (56, 1), 56, &error));
    g_assert_false (bn_gguf_builder_write (amb, "/nonexistent-dir/x.gguf", &error));
    g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "IQ4_NL_4_4"));
    g_clear_error (&error);
  }

  /* I2_S (bitnet.cpp id 36) and MXFP4 (upstream id 39) cannot share a file */
  g_assert_true (bn_gguf_builder_add_tensor (b, "i", BN_GGUF_TYPE_I2_S, 1, d, pattern (33, 1), 33, &error));
  g_assert_false (
      bn_gguf_builder_add_tensor (b, "m", BN_GGUF_TYPE_MXFP4, 1, (guint64[]){ 32 }, pattern (17, 1), 17, &error));
  g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_INVALID);
}

static void
test_write_missing_dir (Fixture *f, gconstpointer data)
{
  g_autoptr (BnGgufBuilder) b = build_sample ("bitnet");
  g_autofree char *missing = path_in (f, "no-such-dir");
  g_autofree char *path = g_build_filename (missing, "model.gguf", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_false (bn_gguf_builder_write (b, path, &error));
  g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "model.gguf"));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (test_dir_count (f->dir), ==, 0);
}

static void
test_write_replaces (Fixture *f, gconstpointer data)
{
  g_autoptr (BnGgufBuilder) b = build_sample ("bitnet");
  g_autofree char *path = path_in (f, "model.gguf");
  g_autoptr (GError) error = NULL;
  g_autoptr (BnGguf) gguf = NULL;

  g_assert_true (g_file_set_contents (path, "old contents", -1, &error));
  gguf = write_and_open (b, path);
  g_assert_cmpuint (bn_gguf_get_n_tensors (gguf), ==, 4);
  g_assert_cmpuint (test_dir_count (f->dir), ==, 1);
}

/* The target is a directory: refused before anything is written, and
 * neither it nor a temporary file is left changed. */
static void
test_write_rename_fails (Fixture *f, gconstpointer data)
{
  g_autoptr (BnGgufBuilder) b = build_sample ("bitnet");
  g_autofree char *path = path_in (f, "model.gguf");
  g_autofree char *inside = g_build_filename (path, "keep", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
  g_assert_true (g_file_set_contents (inside, "x", -1, &error));
  g_assert_false (bn_gguf_builder_write (b, path, &error));
  g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "directory"));
  g_assert_true (g_file_test (inside, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (test_dir_count (f->dir), ==, 1);
}

/* A file truncated by someone else while mapped: reading past its new end
 * reads zeros instead of ending the process with SIGBUS, and the file is
 * reported as not intact, by name. */
static void
test_truncated_while_mapped (Fixture *f, gconstpointer data)
{
  g_autoptr (BnGgufBuilder) b = bn_gguf_builder_new (3, 0);
  g_autofree char *path = path_in (f, "model.gguf");
  g_autoptr (GError) error = NULL;
  guint64 d[] = { 256 * 1024 };

  g_assert_true (
      bn_gguf_builder_add_tensor (b, "big", BN_GGUF_TYPE_F32, 1, d, pattern (1024 * 1024, 5), 1024 * 1024, &error));
  g_assert_true (bn_gguf_builder_write (b, path, &error));
  g_autoptr (BnGguf) gguf = bn_gguf_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (bn_gguf_check_intact (gguf, &error));
  const BnGgufTensorInfo *t = bn_gguf_find_tensor (gguf, "big");
  g_assert_nonnull (t);
  g_assert_cmpint (truncate (path, 8192), ==, 0);
  guint64 sum = 0;
  for (gsize i = 0; i < t->size; i += 512)
    sum += ((const volatile guint8 *) t->data)[i];
  g_assert_cmpuint (sum, <, 2048 * 256);
  g_assert_false (bn_gguf_check_intact (gguf, &error));
  g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_TRUNCATED);
  g_assert_nonnull (strstr (error->message, "model.gguf"));
  g_assert_nonnull (strstr (error->message, "truncated"));
}

/* A write that fails half way (file size limit, as on a full disk) leaves
 * the old file and no temporary file. */
static void
test_write_fails_midway (Fixture *f, gconstpointer data)
{
  if (g_test_subprocess ()) {
    g_autofree char *path = path_in (f, "model.gguf");
    g_autofree char *contents = NULL;
    g_autoptr (GError) error = NULL;
    g_autoptr (BnGgufBuilder) b = bn_gguf_builder_new (3, 0);
    guint64 d[] = { 256 * 1024 };
    struct rlimit limit = { 64 * 1024, 64 * 1024 };

    g_assert_true (g_file_set_contents (path, "old contents", -1, &error));
    g_assert_true (
        bn_gguf_builder_add_tensor (b, "big", BN_GGUF_TYPE_F32, 1, d, pattern (1024 * 1024, 3), 1024 * 1024, &error));
    signal (SIGXFSZ, SIG_IGN);
    g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
    g_assert_false (bn_gguf_builder_write (b, path, &error));
    g_assert_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_IO);
    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "old contents");
    g_assert_cmpuint (test_dir_count (f->dir), ==, 1);
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_digest (Fixture *f, gconstpointer data)
{
  g_autoptr (BnGgufBuilder) b1 = build_sample ("bitnet");
  g_autoptr (BnGgufBuilder) b2 = build_sample ("bitnet");
  g_autoptr (BnGgufBuilder) b3 = build_sample ("bitnet-b1.58");
  g_autofree char *p1 = path_in (f, "1.gguf"), *p2 = path_in (f, "2.gguf"), *p3 = path_in (f, "3.gguf");
  g_autoptr (BnGguf) g1 = NULL, g2 = NULL, g3 = NULL, g4 = NULL;
  g_autofree char *d1 = NULL, *d2 = NULL, *d3 = NULL, *d4 = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  guint8 *copy;
  gsize size;

  g_assert_true (bn_gguf_builder_add_string (b2, "general.description", "metadata only", &error));
  g1 = write_and_open (b1, p1);
  g2 = write_and_open (b2, p2);
  g3 = write_and_open (b3, p3);
  d1 = bn_gguf_sample_digest (g1);
  d2 = bn_gguf_sample_digest (g2);
  d3 = bn_gguf_sample_digest (g3);
  g_assert_cmpuint (strlen (d1), ==, 64);
  g_assert_cmpstr (d1, ==, d2); /* other metadata does not count */
  g_assert_cmpstr (d1, !=, d3); /* the architecture does */

  /* one byte of tensor data changes it */
  bytes = bn_gguf_get_bytes (g1);
  copy = g_bytes_unref_to_data (g_steal_pointer (&bytes), &size);
  copy[bn_gguf_get_data_offset (g1) + 70] ^= 1;
  bytes = g_bytes_new_take (copy, size);
  g4 = bn_gguf_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  d4 = bn_gguf_sample_digest (g4);
  g_assert_cmpstr (d1, !=, d4);
}

/* The documented sampling: windows at 0, every 1 MiB, and the tail. */
static void
test_digest_sampling (void)
{
  gsize size = 3 * 1024 * 1024 + 100;
  g_autofree guint8 *buf = g_malloc0 (size);
  g_autofree char *base = NULL, *in_window = NULL, *outside = NULL;
  g_autoptr (GChecksum) c = NULL;

  c = g_checksum_new (G_CHECKSUM_SHA256);
  bn_gguf_checksum_update_sampled (c, buf, size);
  base = g_strdup (g_checksum_get_string (c));

  buf[1024 * 1024 + 10] = 1;
  g_checksum_reset (c);
  bn_gguf_checksum_update_sampled (c, buf, size);
  in_window = g_strdup (g_checksum_get_string (c));
  g_assert_cmpstr (base, !=, in_window);

  buf[1024 * 1024 + 10] = 0;
  buf[1024 * 1024 + 5000] = 1;
  g_checksum_reset (c);
  bn_gguf_checksum_update_sampled (c, buf, size);
  outside = g_strdup (g_checksum_get_string (c));
  g_assert_cmpstr (base, ==, outside);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/gguf/read/minimal", test_read_minimal);
  ADD ("/gguf/read/from-bytes", test_read_from_bytes);
  ADD ("/gguf/read/special-shapes", test_read_special_shapes);
  ADD ("/gguf/read/io-errors", test_read_io_errors);
  ADD ("/gguf/write/layout", test_write_layout);
  ADD ("/gguf/write/missing-dir", test_write_missing_dir);
  ADD ("/gguf/write/replaces", test_write_replaces);
  ADD ("/gguf/write/rename-fails", test_write_rename_fails);
  ADD ("/gguf/open/truncated-while-mapped", test_truncated_while_mapped);
  ADD ("/gguf/write/fails-midway", test_write_fails_midway);
  ADD ("/gguf/roundtrip/identical", test_roundtrip_identical);
  ADD ("/gguf/roundtrip/alignment", test_roundtrip_alignment);
  ADD ("/gguf/roundtrip/contested-types", test_roundtrip_contested_types);
  ADD ("/gguf/digest/file", test_digest);
#undef ADD
  g_test_add_func ("/gguf/types/table", test_types_table);
  g_test_add_func ("/gguf/value/strings", test_value_strings);
  g_test_add_func ("/gguf/write/refusals", test_write_refusals);
  g_test_add_func ("/gguf/digest/sampling", test_digest_sampling);

  return g_test_run ();
}
