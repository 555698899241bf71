/* libFuzzer target for the pipeline parser.
 *
 * Each input is a pipeline description; parsing must either succeed or
 * fail with a BN_PARSE_ERROR that carries a position, and never crash or
 * leak. Successful pipelines are also checked (not run).
 */
#include <gst-bitnet/bn.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL);
  bn_init (argc, argv);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size > 4096)
    return 0;
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (BnParseContext) ctx = bn_parse_context_new ();
  bn_parse_context_set_variable (ctx, "N", "3");
  g_autoptr (GError) error = NULL;
  g_autoptr (BnElement) p = bn_parse_launch_full (text, ctx, &error);
  if (p) {
    g_autoptr (GError) check = NULL;
    bn_pipeline_check (BN_PIPELINE (p), &check);
  } else {
    g_assert_nonnull (error);
    g_assert_true (error->domain == BN_PARSE_ERROR);
    g_assert_nonnull (error->message);
  }
  return 0;
}
