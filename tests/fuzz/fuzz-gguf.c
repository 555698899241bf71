/* gst-bitnet: libFuzzer target for the GGUF reader
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Parses the input with bn_gguf_new_from_bytes() from an exact-size copy;
 * on success walks every metadata value and tensor the way a consumer
 * would and copies the file into a builder. Any crash, sanitizer report,
 * GLib critical or warning is a bug. Seed corpus: tests/fuzz/corpus/gguf/.
 *
 * Built with -fsanitize=fuzzer it is a libFuzzer target. Built with
 * -DBN_FUZZ_STANDALONE (any compiler) it is a replay program: every file
 * named on its command line, or found in a directory named there, is fed
 * to the target once, so the corpus runs in `make check` without clang.
 */
#include <stdint.h>
#include <string.h>

#include <gst-bitnet/bn.h>
#include <gst-bitnet/model/model.h>

static void
walk_value (const BnGgufValue *v, guint depth)
{
  g_autofree char *text = bn_gguf_value_to_string (v, 16);
  guint64 n;

  switch (bn_gguf_value_get_value_type (v)) {
  case BN_GGUF_VALUE_STRING: (void) bn_gguf_value_get_string (v, NULL); break;
  case BN_GGUF_VALUE_ARRAY:
    n = bn_gguf_value_get_n_elements (v);
    for (guint64 i = 0; i < n && i < 64; i++)
      switch (bn_gguf_value_get_element_type (v)) {
      case BN_GGUF_VALUE_STRING: (void) bn_gguf_value_get_array_string (v, i, NULL); break;
      case BN_GGUF_VALUE_ARRAY: walk_value (bn_gguf_value_get_array_element (v, i), depth + 1); break;
      case BN_GGUF_VALUE_FLOAT32:
      case BN_GGUF_VALUE_FLOAT64: (void) bn_gguf_value_get_array_double (v, i); break;
      case BN_GGUF_VALUE_INT8:
      case BN_GGUF_VALUE_INT16:
      case BN_GGUF_VALUE_INT32:
      case BN_GGUF_VALUE_INT64: (void) bn_gguf_value_get_array_int (v, i); break;
      default: (void) bn_gguf_value_get_array_uint (v, i); break;
      }
    if (n > 0 && bn_gguf_value_get_element_type (v) != BN_GGUF_VALUE_STRING
        && bn_gguf_value_get_element_type (v) != BN_GGUF_VALUE_ARRAY) {
      gsize size = 0;
      const guint8 *data = bn_gguf_value_get_array_data (v, &size);
      volatile guint8 edge = data[0] ^ data[size - 1];
      (void) edge;
    }
    break;
  default: break;
  }
  (void) text;
}

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean initialized;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (BnGguf) gguf = NULL;
  g_autoptr (BnGgufBuilder) copy = NULL;
  g_autofree char *digest = NULL;

  if (!initialized) {
    g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    initialized = TRUE;
  }

  bytes = g_bytes_new (data, size);
  gguf = bn_gguf_new_from_bytes (bytes, &error);
  if (gguf == NULL) {
    /* every failure is a GGUF error naming a byte offset */
    if (error == NULL || error->domain != BN_GGUF_ERROR || !strstr (error->message, "at byte "))
      __builtin_trap ();
    return 0;
  }

  for (gsize i = 0; i < bn_gguf_get_n_metadata (gguf); i++) {
    const char *key = bn_gguf_get_metadata_key (gguf, i);
    if (bn_gguf_lookup (gguf, key) != bn_gguf_get_metadata_value (gguf, i))
      __builtin_trap ();
    walk_value (bn_gguf_get_metadata_value (gguf, i), 0);
  }
  for (gsize i = 0; i < bn_gguf_get_n_tensors (gguf); i++) {
    const BnGgufTensorInfo *t = bn_gguf_get_tensor (gguf, i);
    volatile guint8 edge = t->data[0] ^ t->data[t->size - 1];
    (void) edge;
    if (bn_gguf_find_tensor (gguf, t->name) != t || bn_gguf_type_name (t->type) == NULL)
      __builtin_trap ();
  }
  digest = bn_gguf_sample_digest (gguf);
  copy = bn_gguf_builder_new_from_gguf (gguf);
  return 0;
}

#ifdef BN_FUZZ_STANDALONE
static int
replay (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;

  if (g_file_test (path, G_FILE_TEST_IS_DIR)) {
    g_autoptr (GDir) dir = g_dir_open (path, 0, &error);
    const char *name;
    int n = 0;

    if (dir == NULL)
      g_error ("%s", error->message);
    while ((name = g_dir_read_name (dir))) {
      g_autofree char *child = g_build_filename (path, name, NULL);
      n += replay (child);
    }
    return n;
  }
  if (!g_file_get_contents (path, &contents, &len, &error))
    g_error ("%s", error->message);
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, len);
  return 1;
}

int
main (int argc, char **argv)
{
  int n = 0;

  for (int i = 1; i < argc; i++)
    n += replay (argv[i]);
  g_print ("replayed %d inputs\n", n);
  return n > 0 ? 0 : 1;
}
#endif
