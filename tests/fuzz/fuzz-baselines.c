/* libFuzzer target for baselines files (crossval/baselines.json).
 *
 * Each input is a baselines file, ours or the seed's point-value format.
 * Validation must accept it or say what is wrong; lookups, the seed
 * fallback, thresholds and sample arrays of whatever it accepted must
 * never crash, hang or leak.
 */
#include <gst-bitnet/bn.h>
#include <gst-bitnet/bench/bench.h>
#include <gst-bitnet/bench/bn-baselines-private.h>
#include <gst-bitnet/bench/bn-json-private.h>
#include <stdint.h>

int LLVMFuzzerInitialize (int *argc, char **argv[]);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char **argv[])
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL);
  bn_init (argc, argv);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size > 1 << 16)
    return 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = bn_json_parse_bounded ((const char *) data, size, "fuzz input", &error);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root))
    return 0;
  JsonObject *o = json_node_get_object (root);
  if (!bn_baselines_validate (o, "fuzz.json", &error)) {
    g_assert_nonnull (error);
    return 0;
  }
  BnThresholds t;
  bn_thresholds_init_defaults (&t);
  if (bn_thresholds_read (&t, o)) {
    g_autoptr (GError) terr = NULL;
    if (bn_thresholds_check (&t, &terr)) {
      g_autoptr (JsonObject) back = bn_thresholds_to_json (&t);
      g_assert_nonnull (back);
    }
  }
  static const char *const platforms[] = { "linux-x86_64", "linux-aarch64", "", "\xff", NULL };
  static const char *const impls[] = { BN_BASELINES_IMPLEMENTATION, BN_BASELINES_SEED_IMPLEMENTATION, "llama.cpp",
                                       NULL };
  for (guint p = 0; platforms[p]; p++)
    for (guint i = 0; impls[i]; i++) {
      const char *key = NULL;
      JsonObject *entry = bn_baselines_find (o, platforms[p], impls[i], &key);
      if (!entry)
        continue;
      for (guint m = 0; m < BN_N_METRICS; m++) {
        const BnMetricInfo *info = bn_metric_info (m);
        g_autoptr (GArray) samples = bn_baseline_entry_samples (entry, info->key);
        for (guint k = 0; samples && k < samples->len; k++)
          (void) g_array_index (samples, double, k);
        (void) bn_baseline_entry_headline (entry, info->key);
      }
      g_autoptr (GArray) lat = bn_baseline_entry_samples (entry, BN_SAMPLES_PER_TOKEN);
      g_assert_true (!lat || lat->len < G_MAXUINT);
      (void) bn_baseline_entry_string (entry, "model_fingerprint");
    }
  return 0;
}
