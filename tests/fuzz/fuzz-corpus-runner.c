/* Runs a fuzz target over every file of its corpus directories, as a test.
 * Used in every build so that the hostile inputs are exercised even where
 * libFuzzer is not available. Prints TAP. */
#include <glib.h>
#include <stdio.h>
#include <stdint.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
main (int argc, char **argv)
{
  guint n = 0;
  LLVMFuzzerInitialize (&argc, &argv);
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  for (int i = 1; i < argc; i++) {
    g_autoptr (GDir) dir = g_dir_open (argv[i], 0, NULL);
    if (!dir) {
      g_ptr_array_add (files, g_strdup (argv[i]));
      continue;
    }
    for (const char *name; (name = g_dir_read_name (dir));)
      g_ptr_array_add (files, g_build_filename (argv[i], name, NULL));
  }
  printf ("1..%u\n", files->len);
  for (guint i = 0; i < files->len; i++) {
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents (files->pdata[i], &data, &len, NULL)) {
      printf ("not ok %u - %s (unreadable)\n", ++n, (char *) files->pdata[i]);
      continue;
    }
    LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
    printf ("ok %u - %s\n", ++n, (char *) files->pdata[i]);
  }
  return 0;
}
