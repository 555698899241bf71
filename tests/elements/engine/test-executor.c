/* Tests of kernel-executor and mock-executor. */
#include <gst-bitnet/bn.h>
#include <gst-bitnet/bench/bench.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

/* Runs @desc and returns the bench/run records that reached the fakesink-like
 * collector (a summary-sink writing JSON), parsed. */
static JsonArray *
run_records (const char *desc_fmt, const char *extra, GError **error)
{
  static guint counter;
  g_autofree char *out = g_strdup_printf ("%s/bn-exec-%d-%u.json", g_get_tmp_dir (), getpid (), counter++);
  g_autofree char *desc =
      g_strdup_printf ("%s %s ! summary-sink silent=true location=%s", desc_fmt, extra ? extra : "", out);
  g_autoptr (GError) perr = NULL;
  g_autoptr (BnElement) p = bn_parse_launch (desc, &perr);
  g_assert_no_error (perr);
  if (!bn_pipeline_run (BN_PIPELINE (p), error))
    return NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (parser, out, NULL));
  g_unlink (out);
  JsonArray *results = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "results");
  JsonArray *runs = json_array_new ();
  for (guint i = 0; i < json_array_get_length (results); i++) {
    JsonObject *o = json_array_get_object_element (results, i);
    if (!g_strcmp0 (json_object_get_string_member (o, "type"), BN_RUN_MEDIA_TYPE))
      json_array_add_object_element (runs, json_object_ref (json_object_get_object_member (o, "result")));
  }
  return runs;
}

static char *
join_array (JsonArray *a)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (a); i++) {
    JsonNode *n = json_array_get_element (a, i);
    if (json_node_get_value_type (n) == G_TYPE_STRING)
      g_string_append_printf (s, "%s,", json_node_get_string (n));
    else
      g_string_append_printf (s, "%" G_GINT64_FORMAT ",", json_node_get_int (n));
  }
  return g_string_free (s, FALSE);
}

#define TINY "loader fixture=tiny ! quantizer format=i2s ! kernel-executor warmup=0"

static void
test_real_runs (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) runs = run_records (TINY, "tokens=8 iterations=2 threads=2", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (runs), ==, 2);
  g_autofree char *tok0 = NULL, *dig0 = NULL;
  for (guint i = 0; i < 2; i++) {
    JsonObject *r = json_array_get_object_element (runs, i);
    g_assert_cmpstr (bn_run_object_get_string (r, BN_RUN_FIELD_COMPUTE_PATH), ==, "real");
    g_assert_cmpstr (bn_run_object_get_string (r, BN_RUN_FIELD_BACKEND), ==, "cpu");
    g_assert_cmpint (bn_run_object_get_int (r, BN_RUN_FIELD_TOKENS_GENERATED, -1), ==, 8);
    g_assert_cmpint (bn_run_object_get_int (r, BN_RUN_FIELD_THREADS, -1), ==, 2);
    g_assert_cmpfloat (bn_run_object_get_double (r, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, NAN), >, 0);
    g_assert_cmpfloat (bn_run_object_get_double (r, BN_RUN_FIELD_FIRST_TOKEN_LATENCY_MS, NAN), >, 0);
    g_assert_cmpfloat (bn_run_object_get_double (r, BN_RUN_FIELD_LATENCY_P99_MS, NAN), >=,
                       bn_run_object_get_double (r, BN_RUN_FIELD_LATENCY_P50_MS, NAN));
    g_assert_cmpuint (json_array_get_length (bn_run_object_get_array (r, BN_RUN_FIELD_DECODE_LATENCY_MS)), ==, 7);
    g_assert_cmpuint (json_array_get_length (bn_run_object_get_array (r, BN_RUN_FIELD_LOGITS_DIGESTS)), ==, 8);
    JsonArray *k = bn_run_object_get_array (r, BN_RUN_FIELD_KERNELS);
    g_assert_cmpuint (json_array_get_length (k), >, 0);
    gboolean i2s = FALSE;
    for (guint j = 0; j < json_array_get_length (k); j++) {
      const char *name = json_array_get_string_element (k, j);
      g_assert_null (strstr (name, "mock"));
      i2s |= g_str_has_prefix (name, "i2s_");
    }
    g_assert_true (i2s);
    g_assert_true (bn_run_object_has (r, BN_RUN_FIELD_QUANTIZER_ACCURACY));
    g_autofree char *tok = join_array (bn_run_object_get_array (r, BN_RUN_FIELD_TOKEN_IDS));
    g_autofree char *dig = join_array (bn_run_object_get_array (r, BN_RUN_FIELD_LOGITS_DIGESTS));
    if (i == 0) {
      tok0 = g_steal_pointer (&tok);
      dig0 = g_steal_pointer (&dig);
    } else {
      /* greedy decoding of the same prompt: identical iterations */
      g_assert_cmpstr (tok, ==, tok0);
      g_assert_cmpstr (dig, ==, dig0);
    }
  }
}

/* head-mode=certified: the full head's tokens, greedy and with top-k
 * sampling; the record says which head ran; keep-logits runs the full head */
static void
test_certified_head (void)
{
  static const char *const modes[] = {
    "tokens=12 iterations=1 threads=2",
    "tokens=12 iterations=1 threads=2 temperature=0.8 top-k=5 seed=9",
  };
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++) {
    g_autoptr (GError) error = NULL;
    g_autofree char *cert_args = g_strdup_printf ("%s head-mode=certified", modes[i]);
    g_autoptr (JsonArray) full = run_records (TINY, modes[i], &error);
    g_assert_no_error (error);
    g_autoptr (JsonArray) cert = run_records (TINY, cert_args, &error);
    g_assert_no_error (error);
    JsonObject *f = json_array_get_object_element (full, 0), *c = json_array_get_object_element (cert, 0);
    g_autofree char *tf = join_array (bn_run_object_get_array (f, BN_RUN_FIELD_TOKEN_IDS));
    g_autofree char *tc = join_array (bn_run_object_get_array (c, BN_RUN_FIELD_TOKEN_IDS));
    g_assert_cmpstr (tf, ==, tc);
    g_assert_cmpstr (bn_run_object_get_string (f, BN_RUN_FIELD_HEAD_MODE), ==, "full");
    g_assert_cmpfloat (bn_run_object_get_double (f, BN_RUN_FIELD_HEAD_CANDIDATES_MEAN, 0), ==, 512);
    g_assert_cmpstr (bn_run_object_get_string (c, BN_RUN_FIELD_HEAD_MODE), ==, "certified");
    g_assert_cmpint (bn_run_object_get_int (c, BN_RUN_FIELD_HEAD_TOP_K, 0), ==, i ? 5 : 1);
    double mean = bn_run_object_get_double (c, BN_RUN_FIELD_HEAD_CANDIDATES_MEAN, 0);
    g_assert_cmpfloat (mean, >=, i ? 5 : 1);
    g_assert_cmpfloat (mean, <, 512);
    g_assert_cmpint (bn_run_object_get_int (c, BN_RUN_FIELD_HEAD_CANDIDATES_MAX, 0), >=, (gint64) mean);
    g_assert_cmpint (bn_run_object_get_int (c, BN_RUN_FIELD_HEAD_FALLBACKS, -1), ==, 0);
    /* the screening copy replaces the f16 head's bytes */
    g_assert_cmpfloat (bn_run_object_get_double (c, BN_RUN_FIELD_BYTES_PER_TOKEN, 0), <,
                       bn_run_object_get_double (f, BN_RUN_FIELD_BYTES_PER_TOKEN, 0));
  }
  /* every logit is needed: the full head runs, and says so */
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) kept = run_records (TINY, "tokens=4 iterations=1 keep-logits=true head-mode=certified", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bn_run_object_get_string (json_array_get_object_element (kept, 0), BN_RUN_FIELD_HEAD_MODE), ==,
                   "full");
  g_autoptr (JsonArray) all = run_records (TINY, "tokens=4 iterations=1 temperature=0.5 head-mode=certified", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bn_run_object_get_string (json_array_get_object_element (all, 0), BN_RUN_FIELD_HEAD_MODE), ==,
                   "full");
  /* an output head that is not f16 is refused */
  g_autoptr (JsonArray) q8 = run_records ("loader fixture=tiny ! quantizer format=i2s head=q8_0 ! kernel-executor "
                                          "warmup=0",
                                          "tokens=4 iterations=1 head-mode=certified", &error);
  g_assert_null (q8);
  g_assert_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_UNSUPPORTED);
}

static void
test_threads_identical (void)
{
  g_autofree char *ref = NULL;
  for (guint t = 1; t <= 3; t++) {
    g_autofree char *extra = g_strdup_printf ("tokens=6 iterations=1 threads=%u", t);
    g_autoptr (GError) error = NULL;
    g_autoptr (JsonArray) runs = run_records (TINY, extra, &error);
    g_assert_no_error (error);
    JsonObject *r = json_array_get_object_element (runs, 0);
    g_autofree char *dig = join_array (bn_run_object_get_array (r, BN_RUN_FIELD_LOGITS_DIGESTS));
    if (!ref)
      ref = g_steal_pointer (&dig);
    else
      g_assert_cmpstr (dig, ==, ref);
  }
}

static void
test_prompt_text (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) runs = run_records (TINY, "tokens=4 iterations=1 prompt=\"the measurement of speed\"", &error);
  g_assert_no_error (error);
  JsonObject *r = json_array_get_object_element (runs, 0);
  g_assert_cmpint (bn_run_object_get_int (r, BN_RUN_FIELD_PROMPT_TOKENS, -1), >=, 3);
  g_assert_true (bn_run_object_has (r, BN_RUN_FIELD_TEXT));
}

static void
test_sampling_seeded (void)
{
  g_autofree char *a = NULL, *b = NULL;
  for (guint i = 0; i < 2; i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (JsonArray) runs = run_records (TINY, "tokens=12 iterations=1 temperature=1.5 top-k=50 seed=7", &error);
    g_assert_no_error (error);
    JsonObject *r = json_array_get_object_element (runs, 0);
    g_assert_false (bn_run_object_get_boolean (r, BN_RUN_FIELD_GREEDY, TRUE));
    char *s = join_array (bn_run_object_get_array (r, BN_RUN_FIELD_TOKEN_IDS));
    if (i == 0)
      a = s;
    else
      b = s;
  }
  g_assert_cmpstr (a, ==, b);
  /* BITNET_DETERMINISTIC=1 forces greedy decoding */
  g_setenv ("BITNET_DETERMINISTIC", "1", TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) runs = run_records (TINY, "tokens=4 iterations=1 temperature=1.5", &error);
  g_unsetenv ("BITNET_DETERMINISTIC");
  g_assert_no_error (error);
  g_assert_true (bn_run_object_get_boolean (json_array_get_object_element (runs, 0), BN_RUN_FIELD_GREEDY, FALSE));
}

static void
test_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) a = run_records (TINY, "device=cuda", &error);
  g_assert_null (a);
  g_assert_nonnull (strstr (error->message, "CUDA"));
  g_clear_error (&error);
  g_autoptr (JsonArray) b = run_records (TINY, "ctx-size=4 tokens=8", &error);
  g_assert_null (b);
  g_assert_nonnull (strstr (error->message, "ctx-size 4"));
  g_clear_error (&error);
  g_autoptr (JsonArray) c = run_records (TINY, "prompt-tokens=1,99999", &error);
  g_assert_null (c);
  g_assert_nonnull (strstr (error->message, "99999"));
}

static gboolean
cancel_soon (gpointer p)
{
  bn_pipeline_cancel (p);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_between_tokens (void)
{
  g_autoptr (GError) error = NULL;
  /* 100,000 tokens: minutes uncancelled even on a fast machine, so a stop
   * within 20 s (a loaded machine under a sanitizer took 3.3 s) is the
   * cancellation, not the run ending */
  g_autoptr (BnElement) p = bn_parse_launch ("loader fixture=small ! kernel-executor warmup=0 iterations=200 "
                                             "tokens=500 ctx-size=600 ! fakesink",
                                             &error);
  g_assert_no_error (error);
  g_assert_true (bn_pipeline_start (BN_PIPELINE (p), &error));
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_timeout_add (500, cancel_soon, p);
  g_timeout_add (600, (GSourceFunc) g_main_loop_quit, loop);
  g_main_loop_run (loop);
  gint64 t0 = g_get_monotonic_time ();
  bn_pipeline_stop (BN_PIPELINE (p));
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 20 * G_USEC_PER_SEC);
  g_autoptr (GError) e = bn_pipeline_dup_error (BN_PIPELINE (p));
  g_assert_error (e, BN_CORE_ERROR, BN_CORE_ERROR_CANCELLED);
}

static void
test_mock_marked (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) runs = run_records ("loader fixture=tiny ! mock-executor iterations=2", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (runs), ==, 2);
  JsonObject *r = json_array_get_object_element (runs, 0);
  g_assert_cmpstr (bn_run_object_get_string (r, BN_RUN_FIELD_COMPUTE_PATH), ==, "mock");
  g_assert_true (
      g_str_has_prefix (json_array_get_string_element (bn_run_object_get_array (r, BN_RUN_FIELD_KERNELS), 0), "mock_"));
  /* a subclass of the base executor: measured like any run, complete, and
   * never faster than its pace (each step sleeps 1/200 s at least) */
  g_assert_cmpstr (bn_run_object_get_string (r, BN_RUN_FIELD_EXECUTOR), ==, "mock-executor");
  g_assert_cmpuint (json_array_get_length (bn_run_object_get_array (r, BN_RUN_FIELD_DECODE_LATENCY_MS)), ==, 63);
  g_assert_cmpuint (json_array_get_length (bn_run_object_get_array (r, BN_RUN_FIELD_LOGITS_DIGESTS)), ==, 64);
  double tps = bn_run_object_get_double (r, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, 0);
  g_assert_cmpfloat (tps, >, 0);
  g_assert_cmpfloat (tps, <=, 200.0);
  /* fake logits make greedy decoding count upwards */
  JsonArray *ids = bn_run_object_get_array (r, BN_RUN_FIELD_TOKEN_IDS);
  for (guint i = 1; i < json_array_get_length (ids); i++)
    g_assert_cmpint (json_array_get_int_element (ids, i), ==, json_array_get_int_element (ids, i - 1) + 1);
}

/* the ceiling's bandwidth is read over existing memory (a model's own
 * weights): any alignment, split between threads, nothing allocated */
static void
test_bandwidth_of (void)
{
  const gsize n = 64u << 20;
  guint8 *buf = g_malloc (n + 64);
  memset (buf, 7, n + 64);
  for (guint threads = 1; threads <= 2; threads++) {
    double gbs = bn_machine_read_bandwidth_of (buf + 3, n, threads);
    g_assert_cmpfloat (gbs, >, 0.1);
    g_assert_cmpfloat (gbs, <, 10000);
  }
  /* too small to split into aligned runs */
  g_assert_cmpfloat (bn_machine_read_bandwidth_of (buf + 1, 200, 2), ==, 0);
  g_assert_cmpfloat (bn_machine_read_bandwidth_of (NULL, 0, 1), ==, 0);
  g_assert_cmpfloat (bn_machine_read_bandwidth (0, 1), ==, 0);
  g_free (buf);
}

/* the bandwidth probe's buffer is not the workload's memory: it never
 * raises the peak a run reports (run in a fresh process, whose peak is small) */
static void
test_probe_not_in_peak (void)
{
  if (!g_test_subprocess ()) {
    if (access ("/proc/self/clear_refs", W_OK) != 0) {
      g_test_skip ("/proc/self/clear_refs is not writable here: the peak cannot be reset");
      return;
    }
    g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed ();
    return;
  }
  double rss, before, after;
  bn_machine_memory_mb (&rss, &before);
  g_assert_cmpfloat (bn_machine_read_bandwidth (256u << 20, 1), >, 0.1);
  bn_machine_memory_mb (&rss, &after);
  g_assert_cmpfloat (after, <, before + 64);
  /* what the process itself holds still counts */
  gsize n = 128u << 20;
  guint8 *mine = g_malloc (n);
  memset (mine, 3, n);
  bn_machine_memory_mb (&rss, &after);
  g_assert_cmpfloat (after, >=, before + 100);
  g_free (mine);
}

/* inject-slowdown (calibration): the runs say so, and nothing that keeps or
 * judges measurements takes them; the analyzer still gives a verdict */
static void
test_injected_slowdown (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) runs = run_records (TINY, "inject-slowdown=0.5 iterations=2", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < json_array_get_length (runs); i++)
    g_assert_cmpfloat (
        bn_run_object_get_double (json_array_get_object_element (runs, i), BN_RUN_FIELD_INJECTED_SLOWDOWN, 0), ==, 0.5);
  g_autofree char *dir = g_dir_make_tmp ("bn-inject-XXXXXX", NULL);
  const char *sinks[] = { "strict-validator gates=fail-on-mock ! fakesink", "baseline-sink location=%s/b.json",
                          "history-sink location=%s/h.db", "report-sink dir=%s/r" };
  for (guint i = 0; i < G_N_ELEMENTS (sinks); i++) {
    /* the aarch64 cross build has no history plugin (docs/platforms.md) */
    if (g_str_has_prefix (sinks[i], "history-sink") && !bn_element_factory_find ("history-sink"))
      continue;
    g_autofree char *sink = g_strdup_printf (sinks[i], dir);
    g_autofree char *desc = g_strdup_printf ("%s inject-slowdown=0.25 iterations=6 ! %s", TINY, sink);
    g_autoptr (BnElement) p = bn_parse_launch (desc, NULL);
    g_assert_nonnull (p);
    g_clear_error (&error);
    g_assert_false (bn_pipeline_run (BN_PIPELINE (p), &error));
    g_assert_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_MOCK);
    g_assert_nonnull (strstr (error->message, "Injected slowdown"));
  }
  g_autofree char *b = g_build_filename (dir, "b.json", NULL);
  g_assert_false (g_file_test (b, G_FILE_TEST_EXISTS));
  g_autofree char *desc =
      g_strdup_printf ("%s inject-slowdown=0.25 iterations=6 ! regression-analyzer baselines=%s silent=true "
                       "output=%s/v.json format=json ! fakesink",
                       TINY, b, dir);
  g_autoptr (BnElement) p = bn_parse_launch (desc, NULL);
  g_clear_error (&error);
  g_assert_true (bn_pipeline_run (BN_PIPELINE (p), &error));
  g_assert_no_error (error);
  g_autofree char *cmd = g_strdup_printf ("rm -rf %s", dir);
  (void) !system (cmd);
}

/* inject-schedule: the timed iterations take the fractions in turn (warm-ups
 * never), each run marked with its own; a bad item is named */
static void
test_inject_schedule (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) runs = run_records (TINY, "inject-schedule=0,0.1,0,0.25 iterations=6", &error);
  g_assert_no_error (error);
  static const double want[] = { 0, 0.1, 0, 0.25, 0, 0.1 };
  g_assert_cmpuint (json_array_get_length (runs), ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    g_assert_cmpfloat (
        bn_run_object_get_double (json_array_get_object_element (runs, i), BN_RUN_FIELD_INJECTED_SLOWDOWN, 0), ==,
        want[i]);
  g_autoptr (JsonArray) none = run_records (TINY, "inject-schedule=0,-1 iterations=2", &error);
  g_assert_null (none);
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS);
  g_assert_nonnull (strstr (error->message, "item 2 (\"-1\")"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bn_init (&argc, &argv);
  g_test_add_func ("/executor/real-runs", test_real_runs);
  g_test_add_func ("/executor/threads-identical", test_threads_identical);
  g_test_add_func ("/executor/certified-head", test_certified_head);
  g_test_add_func ("/executor/prompt-text", test_prompt_text);
  g_test_add_func ("/executor/sampling-seeded", test_sampling_seeded);
  g_test_add_func ("/executor/errors", test_errors);
  g_test_add_func ("/executor/cancel-between-tokens", test_cancel_between_tokens);
  g_test_add_func ("/executor/mock-marked", test_mock_marked);
  g_test_add_func ("/executor/bandwidth-of", test_bandwidth_of);
  g_test_add_func ("/executor/probe-not-in-peak", test_probe_not_in_peak);
  g_test_add_func ("/executor/injected-slowdown", test_injected_slowdown);
  g_test_add_func ("/executor/inject-schedule", test_inject_schedule);
  return g_test_run ();
}
