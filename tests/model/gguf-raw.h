/* gst-bitnet tests: a raw GGUF byte emitter, independent of the library's
 * writer, for hand-made valid and hostile files.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

typedef GByteArray Raw;

static inline void
raw_u8 (Raw *r, guint8 v)
{
  g_byte_array_append (r, &v, 1);
}

static inline void
raw_u32 (Raw *r, guint32 v)
{
  for (int i = 0; i < 4; i++)
    raw_u8 (r, (guint8) (v >> (8 * i)));
}

static inline void
raw_u64 (Raw *r, guint64 v)
{
  for (int i = 0; i < 8; i++)
    raw_u8 (r, (guint8) (v >> (8 * i)));
}

static inline void
raw_bytes (Raw *r, const void *p, gsize n)
{
  g_byte_array_append (r, p, (guint) n);
}

static inline void
raw_str (Raw *r, const char *s)
{
  raw_u64 (r, strlen (s));
  raw_bytes (r, s, strlen (s));
}

static inline void
raw_zeros (Raw *r, gsize n)
{
  for (gsize i = 0; i < n; i++)
    raw_u8 (r, 0);
}

static inline void
raw_pad (Raw *r, guint align)
{
  while (r->len % align)
    raw_u8 (r, 0);
}

static inline Raw *
raw_header (guint32 version, guint64 n_tensors, guint64 n_kv)
{
  Raw *r = g_byte_array_new ();
  raw_bytes (r, "GGUF", 4);
  raw_u32 (r, version);
  raw_u64 (r, n_tensors);
  raw_u64 (r, n_kv);
  return r;
}

static inline void
raw_kv_u32 (Raw *r, const char *key, guint32 v)
{
  raw_str (r, key);
  raw_u32 (r, 4);
  raw_u32 (r, v);
}

static inline void
raw_kv_str (Raw *r, const char *key, const char *v)
{
  raw_str (r, key);
  raw_u32 (r, 8);
  raw_str (r, v);
}

/* dims innermost first; n_dims may exceed 4 for hostile files */
static inline void
raw_tensor (Raw *r, const char *name, guint32 n_dims, const guint64 *dims, guint32 type, guint64 offset)
{
  raw_str (r, name);
  raw_u32 (r, n_dims);
  for (guint32 d = 0; d < n_dims; d++)
    raw_u64 (r, dims[d]);
  raw_u32 (r, type);
  raw_u64 (r, offset);
}

static inline GBytes *
raw_finish (Raw *r)
{
  return g_byte_array_free_to_bytes (r);
}

/* A temporary directory for one test, removed with everything in it. */
static inline char *
test_tmpdir_new (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("test-gguf-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

static inline guint
test_dir_count (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  if (d == NULL)
    return 0;
  while (g_dir_read_name (d))
    n++;
  return n;
}

static inline void
test_tmpdir_remove (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d)
    while ((name = g_dir_read_name (d))) {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        test_tmpdir_remove (path);
      else
        g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}
