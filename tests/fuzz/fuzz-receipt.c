/* libFuzzer target for receipt files read by receipt-src and judged by
 * strict-validator: the path a hostile receipt really takes.
 *
 * Each input is written to a scratch file and run through
 * `receipt-src ! strict-validator ! fakesink` (without validate-performance,
 * whose bandwidth measurement would make each input take seconds; the
 * consistency checks it adds are fuzzed in fuzz-records). The pipeline must end, with
 * or without an error that names what is wrong, and never crash, hang or
 * leak.
 */
#include <gst-bitnet/bn.h>
#include <glib/gstdio.h>
#include <stdint.h>

int LLVMFuzzerInitialize (int *argc, char **argv[]);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char *dir, *path;
static char *desc;

int
LLVMFuzzerInitialize (int *argc, char **argv[])
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL);
  bn_init (argc, argv);
  dir = g_dir_make_tmp ("bn-fuzz-receipt-XXXXXX", NULL);
  path = g_build_filename (dir, "inference.json", NULL);
  desc = g_strdup_printf ("receipt-src location=%s ! strict-validator "
                          "gates=fail-on-mock+require-quantization+validate-accuracy+validate-determinism+"
                          "require-signature allow-unsigned=true ! fakesink",
                          path);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size > 1 << 16)
    return 0;
  if (!g_file_set_contents (path, (const char *) data, size, NULL))
    g_error ("cannot write %s", path);
  g_autoptr (GError) perr = NULL;
  g_autoptr (BnElement) p = bn_parse_launch (desc, &perr);
  g_assert_no_error (perr);
  g_autoptr (GError) error = NULL;
  if (!bn_pipeline_run (BN_PIPELINE (p), &error)) {
    g_assert_nonnull (error);
    g_assert_nonnull (error->message);
  }
  return 0;
}
