/* Tests of receipt-sink, receipt-src and strict-validator. */
#include <gst-bitnet/bn.h>
#include <gst-bitnet/bench/bench.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <stdlib.h>

#include "bn-test-schema.h"
#include "bn-test-emulated.h"

static char *tmpdir;
static JsonNode *schema;

static void
save (const char *path, JsonNode *n)
{
  g_autofree char *text = json_to_string (n, TRUE);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static gboolean
run (const char *desc, GError **error)
{
  g_autoptr (GError) perr = NULL;
  g_autoptr (BnElement) p = bn_parse_launch (desc, &perr);
  g_assert_no_error (perr);
  return bn_pipeline_run (BN_PIPELINE (p), error);
}

#define ALL "gates=fail-on-mock+require-quantization+validate-performance+validate-accuracy+validate-determinism"

static char *good_receipt;

static void
test_real_run_passes (void)
{
  good_receipt = g_build_filename (tmpdir, "inference.json", NULL);
  g_autofree char *desc = g_strdup_printf ("loader fixture=tiny ! quantizer ! kernel-executor tokens=8 iterations=2 "
                                           "warmup=0 ! strict-validator " ALL " ! receipt-sink location=%s",
                                           good_receipt);
  g_autoptr (GError) error = NULL;
  g_assert_true (run (desc, &error));
  g_assert_no_error (error);
  bn_test_schema_assert_valid (schema, good_receipt);
  g_autoptr (JsonNode) n = bn_test_json_load (good_receipt);
  JsonObject *r = json_node_get_object (n);
  g_assert_cmpstr (json_object_get_string_member (r, "compute_path"), ==, "real");
  JsonObject *pb = json_object_get_object_member (r, "performance_baseline");
  g_assert_cmpint (json_object_get_int_member (pb, "tokens_generated"), ==, 8);
  g_assert_cmpfloat (json_object_get_double_member (pb, "tokens_per_second"), >, 0);
  JsonObject *x = json_object_get_object_member (r, "gst_bitnet");
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (x, "runs")), ==, 2);
  g_assert_true (json_object_has_member (x, "accuracy"));
  /* and it validates again when read back */
  g_autofree char *again =
      g_strdup_printf ("receipt-src location=%s ! strict-validator " ALL " ! fakesink", good_receipt);
  g_assert_true (run (again, &error));
  g_assert_no_error (error);
}

static void
test_mock_refused (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "mock.json", NULL);
  g_autofree char *desc = g_strdup_printf ("loader fixture=tiny ! mock-executor ! strict-validator gates=fail-on-mock "
                                           "! receipt-sink location=%s",
                                           path);
  g_autoptr (GError) error = NULL;
  g_assert_false (run (desc, &error));
  g_assert_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_MOCK);
  g_assert_true (g_str_has_prefix (error->message, "Strict mode: Mock computation detected"));
  /* no receipt claims success for a refused run */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static GError *
validate_edited (void (*edit) (JsonObject *r), const char *gates)
{
  g_autoptr (JsonNode) n = bn_test_json_load (good_receipt);
  edit (json_node_get_object (n));
  g_autofree char *path = g_build_filename (tmpdir, "edited.json", NULL);
  save (path, n);
  g_autofree char *desc =
      g_strdup_printf ("receipt-src location=%s ! strict-validator gates=%s ! fakesink", path, gates);
  GError *error = NULL;
  run (desc, &error);
  return error;
}

static JsonObject *
run0 (JsonObject *r)
{
  return json_array_get_object_element (
      json_object_get_array_member (json_object_get_object_member (r, "gst_bitnet"), "runs"), 0);
}

static void
edit_10x (JsonObject *r)
{
  JsonObject *pb = json_object_get_object_member (r, "performance_baseline");
  JsonObject *o = run0 (r);
  double ceiling = bn_run_object_get_double (o, BN_RUN_FIELD_READ_BANDWIDTH_GB_PER_S, NAN) * 1e9 * 8
                   / bn_run_object_get_double (o, BN_RUN_FIELD_BYTES_PER_TOKEN, NAN);
  json_object_set_double_member (pb, "tokens_per_second", 10 * ceiling * 2);
}
static void
edit_incomplete (JsonObject *r)
{
  json_object_set_int_member (run0 (r), bn_run_field_name (BN_RUN_FIELD_TOKENS_GENERATED), 5);
}
static void
edit_kernels (JsonObject *r)
{
  JsonArray *k = json_array_new ();
  json_array_add_string_element (k, "f32_gemv_fallback");
  json_object_set_array_member (run0 (r), bn_run_field_name (BN_RUN_FIELD_KERNELS), k);
}
static void
edit_accuracy (JsonObject *r)
{
  json_object_set_boolean_member (bn_run_object_get_object (run0 (r), BN_RUN_FIELD_QUANTIZER_ACCURACY), "pass", FALSE);
}
static void
edit_tokens (JsonObject *r)
{
  JsonArray *t = json_array_new ();
  json_array_add_int_element (t, 1);
  json_object_set_array_member (run0 (r), bn_run_field_name (BN_RUN_FIELD_TOKEN_IDS), t);
}
static void
edit_mock_kernel (JsonObject *r)
{
  json_array_add_string_element (bn_run_object_get_array (run0 (r), BN_RUN_FIELD_KERNELS), "mock_gemv");
}
/* run 0 said to be measured the other way (emulated here when this process
 * is native, native when it runs under qemu) */
static void
edit_emulated (JsonObject *r)
{
  json_object_set_boolean_member (run0 (r), bn_run_field_name (BN_RUN_FIELD_EMULATED), bn_machine_emulator () == NULL);
}
static void
edit_none (JsonObject *r)
{
}

static void
test_gates_both_ways (void)
{
  struct {
    void (*edit) (JsonObject *);
    const char *gates;
    int code;
    const char *msg;
  } cases[] = {
    { edit_none, "fail-on-mock+require-quantization+validate-performance+validate-accuracy+validate-determinism", -1,
      NULL },
    { edit_10x, "validate-performance", BN_STRICT_ERROR_PLAUSIBILITY,
      "Strict mode: Suspicious performance detected: " },
    { edit_incomplete, "validate-performance", BN_STRICT_ERROR_INCOMPLETE, "5 of 8 tokens" },
    { edit_kernels, "require-quantization", BN_STRICT_ERROR_QUANTIZATION,
      "Strict mode: Required quantization kernel not available" },
    { edit_accuracy, "validate-accuracy", BN_STRICT_ERROR_ACCURACY, "Accuracy outside tolerance" },
    { edit_tokens, "validate-determinism", BN_STRICT_ERROR_DETERMINISM, "run 1 differs" },
    { edit_mock_kernel, "fail-on-mock", BN_STRICT_ERROR_MOCK, "mock_gemv" },
    { edit_emulated, "validate-performance", BN_STRICT_ERROR_PLAUSIBILITY,
      "Strict mode: Emulated and native timings compared" },
    /* each edit passes when its gate is not armed */
    { edit_10x, "fail-on-mock", -1, NULL },
    { edit_kernels, "validate-performance", -1, NULL },
    { edit_emulated, "fail-on-mock+require-quantization", -1, NULL },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) e = validate_edited (cases[i].edit, cases[i].gates);
    if (cases[i].code < 0) {
      if (e)
        g_error ("case %u: unexpected failure: %s", i, e->message);
      continue;
    }
    if (!e || !g_error_matches (e, BN_STRICT_ERROR, cases[i].code) || !strstr (e->message, cases[i].msg))
      g_error ("case %u: expected strict error %d «%s», got %s", i, cases[i].code, cases[i].msg,
               e ? e->message : "none");
  }
}

static void
test_foreign_receipt_fallback_limit (void)
{
  if (bn_test_skip_if_emulated ())
    return;
  /* a receipt with only the seed's fields has no bytes-per-token figure:
   * the fallback limit (150 tok/s as in the seed) applies */
  const char *tmpl = "{\"schema_version\":\"1.0.0\",\"timestamp\":\"2025-10-03T00:00:00Z\",\"compute_path\":\"real\","
                     "\"backend\":\"cpu\",\"kernels\":[\"i2s_gemv\"],\"deterministic\":true,"
                     "\"performance_baseline\":{\"tokens_generated\":100,\"total_time_ms\":5000,"
                     "\"tokens_per_second\":%s,\"first_token_latency_ms\":250,\"average_token_latency_ms\":50,"
                     "\"memory_usage_mb\":1024}}";
  const char *speeds[] = { "20.0", "200.0" };
  for (guint i = 0; i < 2; i++) {
    g_autofree char *json = g_strdup_printf (tmpl, speeds[i]);
    g_autofree char *path = g_build_filename (tmpdir, "seed.json", NULL);
    g_assert_true (g_file_set_contents (path, json, -1, NULL));
    g_autofree char *desc = g_strdup_printf (
        "receipt-src location=%s ! strict-validator gates=validate-performance+fail-on-mock ! fakesink", path);
    g_autoptr (GError) error = NULL;
    gboolean ok = run (desc, &error);
    g_assert_cmpint (ok, ==, i == 0);
    if (i == 1)
      g_assert_nonnull (strstr (error->message, "Suspicious performance detected: 200.0 tok/s"));
  }
}

static void
test_receipt_src_errors (void)
{
  g_autofree char *bad = g_build_filename (tmpdir, "bad.json", NULL);
  g_assert_true (g_file_set_contents (bad, "{ \"schema_version\": ", -1, NULL));
  g_autofree char *d1 = g_strdup_printf ("receipt-src location=%s ! fakesink", bad);
  g_autoptr (GError) e1 = NULL;
  g_assert_false (run (d1, &e1));
  g_assert_nonnull (strstr (e1->message, bad));

  g_autoptr (JsonNode) n = bn_test_json_load (good_receipt);
  json_object_remove_member (json_object_get_object_member (json_node_get_object (n), "performance_baseline"),
                             "tokens_per_second");
  g_autofree char *miss = g_build_filename (tmpdir, "missing.json", NULL);
  save (miss, n);
  g_autofree char *d2 = g_strdup_printf ("receipt-src location=%s ! fakesink", miss);
  g_autoptr (GError) e2 = NULL;
  g_assert_false (run (d2, &e2));
  g_assert_nonnull (strstr (e2->message, "performance_baseline.tokens_per_second"));
  g_assert_nonnull (strstr (e2->message, miss));

  /* globs */
  g_autofree char *glob = g_build_filename (tmpdir, "inference*.json", NULL);
  g_autofree char *d3 = g_strdup_printf ("receipt-src location=%s ! fakesink", glob);
  g_autoptr (GError) e3 = NULL;
  g_assert_true (run (d3, &e3));
}

static void
test_atomic_under_failure (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "keep.json", NULL);
  g_assert_true (g_file_set_contents (path, "previous", -1, NULL));
  /* a failure in the middle of the run: the old file stays untouched */
  g_autofree char *d1 =
      g_strdup_printf ("loader fixture=tiny ! quantizer ! kernel-executor tokens=4 iterations=3 warmup=0 "
                       "! test-fail after=1 ! receipt-sink location=%s",
                       path);
  g_autoptr (GError) e1 = NULL;
  g_assert_false (run (d1, &e1));
  g_autofree char *content = NULL;
  g_assert_true (g_file_get_contents (path, &content, NULL, NULL));
  g_assert_cmpstr (content, ==, "previous");
  /* asked to, it writes a receipt marked failed, with no figures */
  g_autofree char *d2 =
      g_strdup_printf ("loader fixture=tiny ! quantizer ! kernel-executor tokens=4 iterations=3 warmup=0 "
                       "! test-fail after=1 ! receipt-sink write-failed=true location=%s",
                       path);
  g_autoptr (GError) e2 = NULL;
  g_assert_false (run (d2, &e2));
  bn_test_schema_assert_valid (schema, path);
  g_autoptr (JsonNode) n = bn_test_json_load (path);
  JsonObject *r = json_node_get_object (n);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (r, "gst_bitnet"), "status"), ==,
                   "failed");
  g_assert_false (json_object_has_member (r, "performance_baseline"));
  g_assert_cmpstr (json_object_get_string_member (r, "compute_path"), ==, "none");
}

static void
test_environment (void)
{
  const char *vars[] = { "BITNET_STRICT_MODE",
                         "BITNET_STRICT_FAIL_ON_MOCK",
                         "BITNET_STRICT_REQUIRE_QUANTIZATION",
                         "BITNET_STRICT_VALIDATE_PERFORMANCE",
                         "BITNET_DETERMINISTIC",
                         "BITNET_CI_ENHANCED_STRICT",
                         "CI" };
  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    g_unsetenv (vars[i]);
  g_assert_cmpint (bn_strict_flags_from_env (), ==, BN_STRICT_NONE);
  g_setenv ("BITNET_STRICT_MODE", "true", TRUE);
  g_assert_cmpint (bn_strict_flags_from_env (), ==,
                   BN_STRICT_FAIL_ON_MOCK | BN_STRICT_REQUIRE_QUANTIZATION | BN_STRICT_VALIDATE_PERFORMANCE
                       | BN_STRICT_VALIDATE_ACCURACY | BN_STRICT_REQUIRE_SIGNATURE);
  g_setenv ("BITNET_STRICT_MODE", "0", TRUE);
  g_assert_cmpint (bn_strict_flags_from_env (), ==, BN_STRICT_NONE);
  g_setenv ("BITNET_STRICT_FAIL_ON_MOCK", "1", TRUE);
  g_assert_cmpint (bn_strict_flags_from_env (), ==, BN_STRICT_FAIL_ON_MOCK);
  g_unsetenv ("BITNET_STRICT_FAIL_ON_MOCK");
  g_setenv ("BITNET_STRICT_REQUIRE_QUANTIZATION", "yes", TRUE);
  g_assert_cmpint (bn_strict_flags_from_env (), ==, BN_STRICT_REQUIRE_QUANTIZATION);
  g_unsetenv ("BITNET_STRICT_REQUIRE_QUANTIZATION");
  g_setenv ("BITNET_STRICT_VALIDATE_PERFORMANCE", "1", TRUE);
  g_assert_cmpint (bn_strict_flags_from_env (), ==, BN_STRICT_VALIDATE_PERFORMANCE);
  g_unsetenv ("BITNET_STRICT_VALIDATE_PERFORMANCE");
  g_setenv ("BITNET_DETERMINISTIC", "1", TRUE);
  g_assert_cmpint (bn_strict_flags_from_env (), ==, BN_STRICT_VALIDATE_DETERMINISM);
  g_unsetenv ("BITNET_DETERMINISTIC");
  g_setenv ("BITNET_CI_ENHANCED_STRICT", "1", TRUE);
  g_assert_cmpint (bn_strict_flags_from_env (), ==, BN_STRICT_NONE); /* needs CI too */
  g_setenv ("CI", "true", TRUE);
  g_assert_cmpint (bn_strict_flags_from_env (), ==, BN_STRICT_CI_ENHANCED);

  /* the enhanced gate writes a per-gate log (a live run: an unsigned
   * receipt would be refused in strict mode, see test-signing.c) */
  g_autofree char *log = g_build_filename (tmpdir, "gates.json", NULL);
  g_autofree char *desc = g_strdup_printf ("loader fixture=tiny ! quantizer ! kernel-executor tokens=8 iterations=2 "
                                           "warmup=0 ! strict-validator gate-log=%s ! fakesink",
                                           log);
  g_setenv ("BITNET_STRICT_MODE", "1", TRUE);
  g_autoptr (GError) error = NULL;
  g_assert_true (run (desc, &error));
  g_autoptr (JsonNode) n = bn_test_json_load (log);
  JsonArray *gates = json_object_get_array_member (json_node_get_object (n), "gates");
  g_assert_cmpuint (json_array_get_length (gates), >=, 8);
  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    g_unsetenv (vars[i]);
}

static void
test_exit_code_4 (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) p = g_subprocess_new (
      G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, g_getenv ("BN_LAUNCH"), "loader",
      "fixture=tiny", "!", "mock-executor", "!", "strict-validator", "gates=fail-on-mock", "!", "fakesink", NULL);
  g_assert_no_error (error);
  g_autofree char *err = NULL;
  g_subprocess_communicate_utf8 (p, NULL, NULL, NULL, &err, &error);
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 4);
  g_assert_nonnull (strstr (err, "Strict mode: Mock computation detected"));
}

/* replay re-executes the recorded run on the model file: a genuine receipt
 * passes, edited tokens, a swapped model of the same shape and a speed
 * multiplied by ten (its latencies untouched) are each refused */
static void
edit_token_3 (JsonObject *r)
{
  JsonArray *t = bn_run_object_get_array (run0 (r), BN_RUN_FIELD_TOKEN_IDS);
  JsonNode *n = json_array_get_element (t, 3);
  json_node_set_int (n, (json_node_get_int (n) + 1) % 100);
}
static void
edit_speed_10x (JsonObject *r)
{
  JsonObject *o = run0 (r);
  json_object_set_double_member (o, bn_run_field_name (BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND),
                                 10 * bn_run_object_get_double (o, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, NAN));
}

static void
test_replay (void)
{
  g_autofree char *model = g_build_filename (tmpdir, "replay.gguf", NULL);
  g_autofree char *other = g_build_filename (tmpdir, "other.gguf", NULL);
  g_autofree char *receipt = g_build_filename (tmpdir, "replay.json", NULL);
  g_autofree char *make = g_strdup_printf ("fixture-src size=tiny location=%s ! quantizer format=i2s ! kernel-executor "
                                           "tokens=8 iterations=2 warmup=0 n-prompt=6 threads=2 ! receipt-sink "
                                           "location=%s",
                                           model, receipt);
  g_autofree char *make_other = g_strdup_printf ("fixture-src size=tiny seed=7 location=%s ! fakesink", other);
  g_autoptr (GError) error = NULL;
  g_assert_true (run (make, &error));
  g_assert_true (run (make_other, &error));
  g_assert_no_error (error);

  /* genuine: every step replays identically, on fewer threads than it ran */
  g_autofree char *check = g_strdup_printf (
      "receipt-src location=%s ! strict-validator gates=fail-on-mock model=%s replay=8 ! fakesink", receipt, model);
  g_assert_true (run (check, &error));
  g_assert_no_error (error);

  /* the same run against another model of the same shape */
  g_autofree char *swapped = g_strdup_printf (
      "receipt-src location=%s ! strict-validator gates=fail-on-mock model=%s replay=8 ! fakesink", receipt, other);
  g_assert_false (run (swapped, &error));
  g_assert_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_REPLAY);
  g_assert_nonnull (strstr (error->message, "step 0: the logits of"));
  g_clear_error (&error);

  /* one token edited: caught at that step */
  g_autofree char *gates = g_strdup_printf ("fail-on-mock model=%s replay=8", model);
  g_free (good_receipt);
  good_receipt = g_strdup (receipt);
  error = validate_edited (edit_token_3, gates);
  g_assert_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_REPLAY);
  g_assert_nonnull (strstr (error->message, "step 3: greedy decoding gives token"));
  g_clear_error (&error);

  /* speed multiplied: the consistency checks refuse it before any replay */
  g_autofree char *perf = g_strdup_printf ("fail-on-mock+validate-performance model=%s replay=8", model);
  error = validate_edited (edit_speed_10x, perf);
  g_assert_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_INCONSISTENT);
  g_clear_error (&error);

  /* replay needs the model */
  g_autofree char *bare =
      g_strdup_printf ("receipt-src location=%s ! strict-validator gates=fail-on-mock replay=2 ! fakesink", receipt);
  g_assert_false (run (bare, &error));
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS);
  g_assert_nonnull (strstr (error->message, "replay=2 needs model=PATH"));
}

/* two-phase commit: a receipt written at end of stream reaches its place
 * only when the whole pipeline succeeds (baseline.bnp's case: baseline-sink
 * refuses 5 runs on one tee branch, receipt-sink on the other) */
static void
test_two_phase (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "two-phase", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_autofree char *receipt = g_build_filename (dir, "inference.json", NULL);
  g_autofree char *baselines = g_build_filename (dir, "baselines.json", NULL);
  g_assert_true (g_file_set_contents (receipt, "{\"older\": true}", -1, NULL));
  const char *fmt = "loader fixture=tiny ! quantizer ! kernel-executor tokens=4 warmup=0 threads=1 iterations=%u "
                    "! tee name=t t. ! receipt-sink location=%s %s t. ! baseline-sink location=%s platform=p "
                    "implementation=gst-bitnet";
  g_autofree char *failing = g_strdup_printf (fmt, 5, receipt, "", baselines);
  g_autoptr (GError) error = NULL;
  g_assert_false (run (failing, &error));
  g_assert_nonnull (strstr (error->message, "needs at least 6"));
  g_clear_error (&error);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (receipt, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "{\"older\": true}");
  /* no temporary left behind */
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  for (const char *name; (name = g_dir_read_name (d));)
    g_assert_true (!strcmp (name, "inference.json"));

  /* write-failed: the receipt says the run failed */
  g_autofree char *marked = g_strdup_printf (fmt, 5, receipt, "write-failed=true", baselines);
  g_assert_false (run (marked, &error));
  g_clear_error (&error);
  g_autoptr (JsonNode) n = bn_test_json_load (receipt);
  JsonObject *x = json_object_get_object_member (json_node_get_object (n), "gst_bitnet");
  g_assert_cmpstr (json_object_get_string_member (x, "status"), ==, "failed");

  /* a run that succeeds puts both files in place */
  g_autofree char *good = g_strdup_printf (fmt, 6, receipt, "", baselines);
  g_assert_true (run (good, &error));
  g_assert_no_error (error);
  g_autoptr (JsonNode) r = bn_test_json_load (receipt);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (r), "compute_path"), ==, "real");
  g_assert_true (g_file_test (baselines, G_FILE_TEST_IS_REGULAR));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bn_init (&argc, &argv);
  tmpdir = g_dir_make_tmp ("bn-receipts-XXXXXX", NULL);
  schema = bn_test_schema_load ("receipt.schema.json");
  g_test_add_func ("/receipts/real-run-passes-and-validates", test_real_run_passes);
  g_test_add_func ("/receipts/mock-refused", test_mock_refused);
  g_test_add_func ("/receipts/gates-both-ways", test_gates_both_ways);
  g_test_add_func ("/receipts/foreign-receipt-fallback-limit", test_foreign_receipt_fallback_limit);
  g_test_add_func ("/receipts/receipt-src-errors", test_receipt_src_errors);
  g_test_add_func ("/receipts/atomic-under-failure", test_atomic_under_failure);
  g_test_add_func ("/receipts/environment", test_environment);
  g_test_add_func ("/receipts/exit-code-4", test_exit_code_4);
  g_test_add_func ("/receipts/two-phase", test_two_phase);
  g_test_add_func ("/receipts/replay", test_replay);
  int rc = g_test_run ();
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
  (void) !system (cmd);
  json_node_unref (schema);
  return rc;
}
