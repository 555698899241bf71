/* Tests of the regression plugin: statistics, baseline-sink, regression-analyzer, report-sink. */
#include <gst-bitnet/bn.h>
#include <gst-bitnet/bench/bench.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <stdlib.h>

#include "bn-test-schema.h"
#include "bn-test-emulated.h"

static char *tmpdir;
static JsonNode *regression_schema, *baselines_schema;
static char *platform;

static char *
contents (const char *path)
{
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static char *
tmp (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* ---- crafted runs, written as receipts (receipt-src reads their runs back) ---- */

typedef struct {
  guint n;
  double tps, tps_spread; /* value * (1 + spread * f), f spread evenly over [-1/2, 1/2] */
  double lat, lat_spread; /* per-token decode latency, ms */
  double first, first_spread;
  double mem;
  double cosine;
  const char *fingerprint;
  const char *compute_path;
  int generated; /* 0: all 8 */
  double cpu;    /* cpu_utilization_percent of each run (2 threads); 0: not recorded */
  double burst;  /* > 0: in every odd run, the last four of the 7 tokens take this many times longer */
} Runs;

#define FP_A "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define FP_B "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static Runs
runs_like (double tps, double lat, double first)
{
  return (Runs){ .n = 8,
                 .tps = tps,
                 .tps_spread = 0.02,
                 .lat = lat,
                 .lat_spread = 0.02,
                 .first = first,
                 .first_spread = 0.02,
                 .mem = 300,
                 .cosine = 0.9999,
                 .fingerprint = FP_A,
                 .compute_path = "real" };
}

static double
spread (guint i, guint n)
{
  return n > 1 ? ((i * 5 + 3) % n) / (double) (n - 1) - 0.5 : 0;
}

static char *
write_receipt (const char *name, const Runs *r)
{
  JsonObject *root = json_object_new ();
  json_object_set_string_member (root, "schema_version", "1.0.0");
  json_object_set_string_member (root, "timestamp", "2025-11-25T00:00:00Z");
  json_object_set_string_member (root, "compute_path", r->compute_path);
  json_object_set_string_member (root, "backend", "cpu");
  JsonArray *k = json_array_new ();
  json_array_add_string_element (k, "i2s_gemv_avx512vnni");
  json_object_set_array_member (root, "kernels", k);
  json_object_set_boolean_member (root, "deterministic", FALSE);
  JsonObject *pb = json_object_new ();
  json_object_set_int_member (pb, "tokens_generated", 8);
  json_object_set_double_member (pb, "total_time_ms", 10);
  json_object_set_double_member (pb, "tokens_per_second", r->tps);
  json_object_set_double_member (pb, "first_token_latency_ms", r->first);
  json_object_set_double_member (pb, "average_token_latency_ms", r->lat);
  json_object_set_double_member (pb, "memory_usage_mb", r->mem);
  json_object_set_object_member (root, "performance_baseline", pb);
  JsonObject *x = json_object_new ();
  json_object_set_string_member (x, "status", "success");
  json_object_set_object_member (x, "machine", bn_machine_info ());
  JsonArray *runs = json_array_new ();
  for (guint i = 0; i < r->n; i++) {
    double f = spread (i, r->n);
    g_autoptr (BnRecord) run = bn_run_record_new ();
    bn_run_record_set_string (run, BN_RUN_FIELD_COMPUTE_PATH, r->compute_path);
    bn_run_record_set_string (run, BN_RUN_FIELD_BACKEND, "cpu");
    bn_run_record_set_string (run, BN_RUN_FIELD_EXECUTOR, "kernel-executor");
    bn_run_record_set_int (run, BN_RUN_FIELD_ITERATION, i);
    bn_run_record_set_int (run, BN_RUN_FIELD_THREADS, 2);
    bn_run_record_set_int (run, BN_RUN_FIELD_TOKENS_REQUESTED, 8);
    bn_run_record_set_int (run, BN_RUN_FIELD_TOKENS_GENERATED, r->generated ? r->generated : 8);
    bn_run_record_set_int (run, BN_RUN_FIELD_PROMPT_TOKENS, 8);
    bn_run_record_set_double (run, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, r->tps * (1 + r->tps_spread * f));
    bn_run_record_set_double (run, BN_RUN_FIELD_PREFILL_TOKENS_PER_SECOND, 2 * r->tps);
    bn_run_record_set_double (run, BN_RUN_FIELD_FIRST_TOKEN_LATENCY_MS, r->first * (1 + r->first_spread * f));
    bn_run_record_set_double (run, BN_RUN_FIELD_DECODE_MS, 7000 / r->tps);
    bn_run_record_set_double (run, BN_RUN_FIELD_PREFILL_MS, 4000 / r->tps);
    bn_run_record_set_double (run, BN_RUN_FIELD_PEAK_MEMORY_MB, r->mem);
    bn_run_record_set_double (run, BN_RUN_FIELD_BYTES_PER_TOKEN, 5e6);
    if (r->cpu > 0)
      bn_run_record_set_double (run, BN_RUN_FIELD_CPU_UTILIZATION_PERCENT, r->cpu);
    JsonArray *lat = json_array_new ();
    for (guint j = 0; j < 7; j++)
      json_array_add_double_element (lat, r->lat * (1 + r->lat_spread * f) * (1 + 0.01 * ((int) (j % 3) - 1))
                                              * (r->burst > 0 && i % 2 && j >= 3 ? r->burst : 1));
    bn_run_record_take_array (run, BN_RUN_FIELD_DECODE_LATENCY_MS, lat);
    JsonArray *kk = json_array_new ();
    json_array_add_string_element (kk, "i2s_gemv_avx512vnni");
    bn_run_record_take_array (run, BN_RUN_FIELD_KERNELS, kk);
    bn_run_record_set_string (run, BN_RUN_FIELD_MODEL_FINGERPRINT, r->fingerprint);
    bn_run_record_set_string (run, BN_RUN_FIELD_MODEL_ARCHITECTURE, "bitnet-b1.58");
    bn_run_record_set_string (run, BN_RUN_FIELD_WEIGHT_FORMAT, "i2s");
    JsonObject *acc = json_object_new ();
    json_object_set_boolean_member (acc, "pass", TRUE);
    json_object_set_double_member (acc, "cosine-min", r->cosine);
    bn_run_record_take_object (run, BN_RUN_FIELD_QUANTIZER_ACCURACY, acc);
    json_array_add_object_element (runs, json_object_ref (bn_record_get_object (run)));
  }
  json_object_set_array_member (x, "runs", runs);
  json_object_set_object_member (root, "gst_bitnet", x);
  g_autoptr (JsonNode) n = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (n, root);
  g_autofree char *text = json_to_string (n, TRUE);
  char *path = tmp (name);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static gboolean
run_pipeline (const char *desc, BnElement **keep, GError **error)
{
  g_autoptr (GError) perr = NULL;
  BnElement *p = bn_parse_launch (desc, &perr);
  g_assert_no_error (perr);
  gboolean ok = bn_pipeline_run (BN_PIPELINE (p), error);
  if (keep)
    *keep = p;
  else
    g_object_unref (p);
  return ok;
}

/* Makes a baselines file of @r's runs under @plat (NULL: this machine). */
static void
make_baseline (const char *file, const char *plat, const Runs *r)
{
  g_autofree char *receipt = write_receipt ("baseline-receipt.json", r);
  g_autofree char *desc = g_strdup_printf ("receipt-src location=%s ! baseline-sink location=%s%s%s", receipt, file,
                                           plat ? " platform=" : "", plat ? plat : "");
  g_autoptr (GError) error = NULL;
  if (!run_pipeline (desc, NULL, &error))
    g_error ("baseline-sink failed: %s", error->message);
}

/* Runs the analyzer on @r's runs against @file; returns its JSON report,
 * validated against the schema, or NULL with @error. */
static JsonNode *
analyze_receipt (const char *file, const char *receipt, const char *extra, GError **error)
{
  g_autofree char *out = tmp ("analysis.json");
  g_unlink (out);
  g_autofree char *desc = g_strdup_printf ("receipt-src location=%s ! regression-analyzer baselines=%s format=json "
                                           "output=%s silent=true %s",
                                           receipt, file, out, extra ? extra : "");
  if (!run_pipeline (desc, NULL, error))
    return NULL;
  bn_test_schema_assert_valid (regression_schema, out);
  return bn_test_json_load (out);
}

static JsonNode *
analyze (const char *file, const Runs *r, const char *extra, GError **error)
{
  g_autofree char *receipt = write_receipt ("current-receipt.json", r);
  return analyze_receipt (file, receipt, extra, error);
}

static JsonObject *
alert (JsonNode *report, const char *metric)
{
  JsonArray *a = json_object_get_array_member (json_node_get_object (report), "alerts");
  for (guint i = 0; i < json_array_get_length (a); i++) {
    JsonObject *o = json_array_get_object_element (a, i);
    if (!strcmp (json_object_get_string_member (o, "metric"), metric))
      return o;
  }
  return NULL;
}

static const char *
level (JsonNode *report, const char *metric)
{
  JsonObject *a = alert (report, metric);
  return a ? json_object_get_string_member (a, "level") : "(absent)";
}

static const char *
status (JsonNode *report)
{
  return json_object_get_string_member (json_node_get_object (report), "status");
}

static gboolean
has_mismatch (JsonNode *report, const char *field, gboolean blocking)
{
  JsonArray *a = json_object_get_array_member (json_node_get_object (report), "mismatches");
  for (guint i = 0; i < json_array_get_length (a); i++) {
    JsonObject *m = json_array_get_object_element (a, i);
    if (!strcmp (json_object_get_string_member (m, "field"), field)
        && json_object_get_boolean_member (m, "blocking") == blocking)
      return TRUE;
  }
  return FALSE;
}

/* ---- verdicts ---- */

static char *verdict_file;

/* A baseline of 8 runs at 1000 tok/s, 1 ms per token, 5 ms to the first token. */
static const char *
verdict_baseline (void)
{
  if (!verdict_file) {
    verdict_file = tmp ("verdicts.json");
    Runs base = runs_like (1000, 1.0, 5.0);
    make_baseline (verdict_file, NULL, &base);
    bn_test_schema_assert_valid (baselines_schema, verdict_file);
  }
  return verdict_file;
}

static void
test_every_verdict (void)
{
  verdict_baseline ();
  Runs base = runs_like (1000, 1.0, 5.0);
  g_autoptr (GError) error = NULL;

  /* the same distribution: every interval within the warning band */
  g_autoptr (JsonNode) stable = analyze (verdict_file, &base, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status (stable), ==, "STABLE");
  g_assert_cmpstr (level (stable, "throughput_tokens_per_second"), ==, "STABLE");
  g_assert_cmpstr (level (stable, "latency_p50_ms"), ==, "STABLE");
  g_assert_cmpstr (level (stable, "memory_usage_mb"), ==, "STABLE");
  g_assert_cmpstr (level (stable, "accuracy_score"), ==, "STABLE");
  /* runs on both sides: a two-sample comparison, labelled as such */
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (stable), "comparison"), ==, "two-sample");
  g_assert_cmpstr (json_object_get_string_member (alert (stable, "throughput_tokens_per_second"), "comparison"), ==,
                   "two-sample");
  g_assert_cmpstr (
      json_object_get_string_member (
          json_object_get_object_member (alert (stable, "throughput_tokens_per_second"), "interval"), "method"),
      ==, "price-bonett-ratio-of-medians");
  g_assert_null (
      strstr (json_object_get_string_member (alert (stable, "throughput_tokens_per_second"), "message"), "one-sample"));

  /* 30% slower, accuracy down by 0.02: critical */
  Runs slow = runs_like (700, 1.43, 5.0);
  slow.cosine = 0.9799;
  g_autoptr (JsonNode) crit = analyze (verdict_file, &slow, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status (crit), ==, "CRITICAL");
  g_assert_cmpstr (level (crit, "throughput_tokens_per_second"), ==, "CRITICAL");
  g_assert_cmpstr (level (crit, "latency_p50_ms"), ==, "CRITICAL");
  g_assert_cmpstr (level (crit, "first_token_latency_ms"), ==, "STABLE");
  g_assert_cmpstr (level (crit, "accuracy_score"), ==, "CRITICAL");
  JsonObject *a = alert (crit, "throughput_tokens_per_second");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (a, "change_percent"), -30, 1e-9);
  JsonObject *iv = json_object_get_object_member (a, "interval");
  g_assert_cmpfloat (json_object_get_double_member (iv, "high"), <, -15);
  g_assert_cmpfloat (json_object_get_double_member (iv, "low"), <, json_object_get_double_member (iv, "high"));
  /* 8 against 8 fully separated: exact p = 2 / C(16, 8) */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (a, "p_value"), 2.0 / 12870, 1e-12);
  g_assert_cmpstr (json_object_get_string_member (a, "p_value_method"), ==, "mann-whitney-exact");
  g_assert_nonnull (strstr (json_object_get_string_member (a, "message"), "critical threshold"));

  /* 12% slower, 20% more latency: past the warning threshold, not wholly past the critical */
  Runs warn = runs_like (880, 1.2, 5.0);
  g_autoptr (JsonNode) w = analyze (verdict_file, &warn, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status (w), ==, "WARNING");
  g_assert_cmpstr (level (w, "throughput_tokens_per_second"), ==, "WARNING");
  g_assert_cmpstr (level (w, "latency_p50_ms"), ==, "WARNING");

  /* 20% faster everywhere: improvement */
  Runs fast = runs_like (1200, 0.8, 4.0);
  g_autoptr (JsonNode) imp = analyze (verdict_file, &fast, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status (imp), ==, "IMPROVEMENT");
  g_assert_cmpstr (level (imp, "throughput_tokens_per_second"), ==, "IMPROVEMENT");
  g_assert_cmpstr (level (imp, "first_token_latency_ms"), ==, "IMPROVEMENT");
  g_assert_cmpstr (level (imp, "memory_usage_mb"), ==, "STABLE");

  /* 7% slower but noisy (+-20%): the interval straddles the warning threshold */
  Runs noisy = runs_like (930, 1.0, 5.0);
  noisy.tps_spread = 0.4;
  g_autoptr (JsonNode) inc = analyze (verdict_file, &noisy, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status (inc), ==, "INCONCLUSIVE");
  g_assert_cmpstr (level (inc, "throughput_tokens_per_second"), ==, "INCONCLUSIVE");
  const char *why = json_object_get_string_member (alert (inc, "throughput_tokens_per_second"), "message");
  g_assert_nonnull (strstr (why, "straddles"));
  g_assert_nonnull (strstr (why, "the warning threshold"));

  /* 5 runs: too few for a 95% interval, whatever the data say */
  Runs few = runs_like (500, 2.0, 10.0);
  few.n = 5;
  g_autoptr (JsonNode) f = analyze (verdict_file, &few, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status (f), ==, "INCONCLUSIVE");
  a = alert (f, "throughput_tokens_per_second");
  g_assert_nonnull (strstr (json_object_get_string_member (a, "message"), "at least 6"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (a, "interval")));
  /* ... yet a Mann-Whitney p is given from 3 samples per side */
  g_assert_false (JSON_NODE_HOLDS_NULL (json_object_get_member (a, "p_value")));

  /* no baseline for this implementation */
  g_autoptr (JsonNode) none = analyze (verdict_file, &base, "implementation=llama.cpp", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status (none), ==, "NO_BASELINE");
  g_assert_cmpstr (level (none, "throughput_tokens_per_second"), ==, "NO_BASELINE");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (json_node_get_object (none), "baseline")));

  /* runs that waited for a core (half the CPU time they asked for): their
   * throughput measures the waiting; the median token latency still counts */
  Runs busy = runs_like (700, 1.43, 5.0);
  busy.cpu = 100;
  g_autoptr (JsonNode) dist = analyze (verdict_file, &busy, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (level (dist, "throughput_tokens_per_second"), ==, "INCONCLUSIVE");
  g_assert_nonnull (strstr (json_object_get_string_member (alert (dist, "throughput_tokens_per_second"), "message"),
                            "machine was busy"));
  g_assert_cmpstr (level (dist, "latency_p50_ms"), ==, "CRITICAL");
  JsonObject *cpu = json_object_get_object_member (json_node_get_object (dist), "cpu_share");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (cpu, "current"), 0.5, 1e-12);
  g_assert_true (json_object_get_boolean_member (cpu, "disturbed"));
  g_autoptr (JsonNode) unguarded = analyze (verdict_file, &busy, "min-cpu-share=0", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (level (unguarded, "throughput_tokens_per_second"), ==, "CRITICAL");
  /* ... but ten times slower is more than waiting for half the CPU can
   * explain: a finding on a busy machine too (contention-aware verdicts) */
  Runs crawl = runs_like (100, 1.43, 50.0);
  crawl.cpu = 100;
  g_autoptr (JsonNode) cr = analyze (verdict_file, &crawl, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (level (cr, "throughput_tokens_per_second"), ==, "CRITICAL");
  g_assert_cmpstr (level (cr, "first_token_latency_ms"), ==, "CRITICAL");
  g_assert_nonnull (strstr (json_object_get_string_member (alert (cr, "throughput_tokens_per_second"), "message"),
                            "even allowing for the busy machine"));
  /* its widened interval lies wholly beyond the critical 15% */
  g_assert_cmpfloat (
      json_object_get_double_member (
          json_object_get_object_member (alert (cr, "throughput_tokens_per_second"), "contention_interval"), "high"),
      <, -15);

  /* per-token latency samples: 56 of them, and a note that says why it is not the default */
  g_autoptr (JsonNode) tok = analyze (verdict_file, &base, "latency-samples=per-token", &error);
  g_assert_no_error (error);
  a = alert (tok, "latency_p50_ms");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (a, "samples"), "current"), ==, 56);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (tok), "notes")), >=, 1);
}

/* ---- the seed's baselines file: point values only, compared one-sample ---- */

#define SEED_PLATFORM "linux-x86_64"

/* @n runs as kernel-executor makes them, built with the run-record API:
 * decode throughput @tps and per-token latency @lat (ms) spread over +-1%,
 * peak memory @mem MB, the quantizer's minimum cosine @cosine, and CPU use
 * @cpu percent of one thread (0: not recorded). They are written as a
 * performance report (report-sink's shape: its runs under gst_bitnet.runs),
 * which receipt-src reads back. */
static char *
write_seed_runs (guint n, double tps, double lat, double mem, double cosine, double cpu)
{
  JsonArray *runs = json_array_new ();
  for (guint i = 0; i < n; i++) {
    double f = 1 + 0.02 * spread (i, n);
    g_autoptr (BnRecord) r = bn_run_record_new ();
    bn_run_record_set_string (r, BN_RUN_FIELD_COMPUTE_PATH, "real");
    bn_run_record_set_string (r, BN_RUN_FIELD_BACKEND, "cpu");
    bn_run_record_set_string (r, BN_RUN_FIELD_EXECUTOR, "kernel-executor");
    bn_run_record_set_int (r, BN_RUN_FIELD_ITERATION, i);
    bn_run_record_set_int (r, BN_RUN_FIELD_THREADS, 1);
    bn_run_record_set_int (r, BN_RUN_FIELD_TOKENS_REQUESTED, 8);
    bn_run_record_set_int (r, BN_RUN_FIELD_TOKENS_GENERATED, 8);
    bn_run_record_set_int (r, BN_RUN_FIELD_PROMPT_TOKENS, 8);
    bn_run_record_set_double (r, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, tps * f);
    bn_run_record_set_double (r, BN_RUN_FIELD_FIRST_TOKEN_LATENCY_MS, 2 * lat * f);
    JsonArray *steps = json_array_new (); /* the run's median step is lat * f */
    for (guint j = 0; j < 7; j++)
      json_array_add_double_element (steps, lat * f * (1 + 0.01 * ((int) (j % 3) - 1)));
    bn_run_record_take_array (r, BN_RUN_FIELD_DECODE_LATENCY_MS, steps);
    bn_run_record_set_double (r, BN_RUN_FIELD_PEAK_MEMORY_MB, mem);
    if (cpu > 0)
      bn_run_record_set_double (r, BN_RUN_FIELD_CPU_UTILIZATION_PERCENT, cpu);
    JsonArray *kernels = json_array_new ();
    json_array_add_string_element (kernels, "i2s_gemv_avx2");
    bn_run_record_take_array (r, BN_RUN_FIELD_KERNELS, kernels);
    bn_run_record_set_string (r, BN_RUN_FIELD_MODEL_FINGERPRINT, FP_A);
    bn_run_record_set_string (r, BN_RUN_FIELD_WEIGHT_FORMAT, "i2s");
    JsonObject *acc = json_object_new ();
    json_object_set_boolean_member (acc, "pass", TRUE);
    json_object_set_double_member (acc, "cosine-min", cosine);
    bn_run_record_take_object (r, BN_RUN_FIELD_QUANTIZER_ACCURACY, acc);
    json_array_add_object_element (runs, json_object_ref (bn_record_get_object (r)));
  }
  JsonObject *x = json_object_new ();
  json_object_set_array_member (x, "runs", runs);
  g_autoptr (JsonObject) report = json_object_new ();
  json_object_set_array_member (report, "benchmarks", json_array_new ());
  json_object_set_object_member (report, "gst_bitnet", x);
  char *path = tmp ("seed-runs.json");
  g_autoptr (GError) error = NULL;
  g_assert_true (bn_json_write_atomic (path, report, &error));
  g_assert_no_error (error);
  return path;
}

/* The analyzer's JSON report on @runs against the seed's file; @extra more
 * properties. The file's platform is named: on another machine the
 * mismatch is reported and compared anyway. */
static JsonNode *
analyze_seed (const char *runs, const char *extra)
{
  g_autofree char *file = g_test_build_filename (G_TEST_DIST, "elements", "regression", "seed-baselines.json", NULL);
  g_autofree char *props =
      g_strdup_printf ("platform=" SEED_PLATFORM "%s %s",
                       strcmp (platform, SEED_PLATFORM) ? " compare-mismatched=true" : "", extra ? extra : "");
  g_autoptr (GError) error = NULL;
  JsonNode *rep = analyze_receipt (file, runs, props, &error);
  g_assert_no_error (error);
  return rep;
}

static const char *
member (JsonNode *report, const char *name)
{
  return json_object_get_string_member (json_node_get_object (report), name);
}

/* Every compared row of @report is labelled one-sample, in its comparison,
 * its interval's method and its message, and a note says what that means. */
static void
assert_one_sample (JsonNode *report)
{
  g_assert_cmpstr (member (report, "comparison"), ==, "one-sample");
  const char *metrics[] = { "throughput_tokens_per_second", "latency_p50_ms", "memory_usage_mb" };
  for (guint i = 0; i < G_N_ELEMENTS (metrics); i++) {
    JsonObject *a = alert (report, metrics[i]);
    g_assert_cmpstr (json_object_get_string_member (a, "comparison"), ==, "one-sample");
    g_assert_true (g_str_has_prefix (json_object_get_string_member (a, "message"), "one-sample"));
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (a, "samples"), "baseline"), ==, 0);
  }
  JsonNode *iv = json_object_get_member (alert (report, "throughput_tokens_per_second"), "interval");
  if (!JSON_NODE_HOLDS_NULL (iv))
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (iv), "method"), ==,
                     "median-interval-vs-point");
  JsonArray *notes = json_object_get_array_member (json_node_get_object (report), "notes");
  g_assert_true (g_str_has_prefix (json_array_get_string_element (notes, 0), "One-sample comparison"));
  g_assert_nonnull (strstr (json_array_get_string_element (notes, 0), "the baseline's own noise is unknown"));
}

static void
test_seed_baselines (void)
{
  if (bn_test_skip_if_emulated ())
    return;
  g_autofree char *file = g_test_build_filename (G_TEST_DIST, "elements", "regression", "seed-baselines.json", NULL);
  bn_test_schema_assert_valid (baselines_schema, file);

  /* runs equal to the stored figures: STABLE, metric by metric */
  g_autofree char *equal = write_seed_runs (8, 125.3, 89.2, 1024.5, 0.9987, 0);
  g_autoptr (JsonNode) same = analyze_seed (equal, NULL);
  g_assert_cmpstr (status (same), ==, "STABLE");
  g_assert_cmpstr (level (same, "throughput_tokens_per_second"), ==, "STABLE");
  g_assert_cmpstr (level (same, "latency_p50_ms"), ==, "STABLE");
  g_assert_cmpstr (level (same, "memory_usage_mb"), ==, "STABLE");
  g_assert_cmpstr (level (same, "accuracy_score"), ==, "STABLE");
  g_assert_cmpstr (level (same, "first_token_latency_ms"), ==, "NO_BASELINE"); /* the seed keeps none */
  assert_one_sample (same);
  /* the seed's rust_implementation entry, read as gst-bitnet's, and said so */
  g_assert_cmpstr (member (same, "implementation"), ==, "gst-bitnet");
  g_assert_cmpstr (member (same, "baseline_implementation"), ==, "rust_implementation");
  JsonObject *a = alert (same, "throughput_tokens_per_second");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (a, "baseline"), 125.3, 1e-9);
  JsonObject *iv = json_object_get_object_member (a, "interval");
  g_assert_cmpfloat (json_object_get_double_member (iv, "low"), <, 0);
  g_assert_cmpfloat (json_object_get_double_member (iv, "high"), >, 0);
  g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (alert (same, "accuracy_score"), "interval"), "method"),
                   ==, "range-vs-point");

  /* runs 3x slower: CRITICAL on throughput and token latency */
  g_autofree char *slow = write_seed_runs (8, 125.3 / 3, 89.2 * 3, 1024.5, 0.9987, 0);
  g_autoptr (JsonNode) crit = analyze_seed (slow, NULL);
  g_assert_cmpstr (status (crit), ==, "CRITICAL");
  g_assert_cmpstr (level (crit, "throughput_tokens_per_second"), ==, "CRITICAL");
  g_assert_cmpstr (level (crit, "latency_p50_ms"), ==, "CRITICAL");
  g_assert_cmpstr (level (crit, "memory_usage_mb"), ==, "STABLE");
  g_assert_cmpfloat_with_epsilon (
      json_object_get_double_member (alert (crit, "throughput_tokens_per_second"), "change_percent"), -200.0 / 3, 1e-6);
  g_assert_nonnull (
      strstr (json_object_get_string_member (alert (crit, "latency_p50_ms"), "message"), "critical threshold"));
  assert_one_sample (crit);

  /* 11% slower, 20% more token latency: past the seed's warning thresholds, not its critical ones */
  g_autofree char *warn = write_seed_runs (8, 125.3 * 0.89, 89.2 * 1.2, 1024.5, 0.9987, 0);
  g_autoptr (JsonNode) w = analyze_seed (warn, NULL);
  g_assert_cmpstr (status (w), ==, "WARNING");
  g_assert_cmpstr (level (w, "throughput_tokens_per_second"), ==, "WARNING");
  g_assert_cmpstr (level (w, "latency_p50_ms"), ==, "WARNING");

  /* 5 runs: too few for an interval of their median, whatever they say */
  g_autofree char *few = write_seed_runs (5, 125.3 / 3, 89.2 * 3, 1024.5, 0.9987, 0);
  g_autoptr (JsonNode) f = analyze_seed (few, NULL);
  g_assert_cmpstr (status (f), ==, "INCONCLUSIVE");
  g_assert_nonnull (
      strstr (json_object_get_string_member (alert (f, "throughput_tokens_per_second"), "message"), "at least 6"));
  assert_one_sample (f);

  /* runs that got half the CPU they asked for: waiting explains up to half
   * the speed, so a third of it is still a finding (contention-aware) ... */
  g_autofree char *busy = write_seed_runs (8, 125.3 / 3, 89.2 * 3, 1024.5, 0.9987, 50);
  g_autoptr (JsonNode) b = analyze_seed (busy, NULL);
  g_assert_cmpstr (level (b, "throughput_tokens_per_second"), ==, "CRITICAL");
  JsonObject *bt = alert (b, "throughput_tokens_per_second");
  g_assert_nonnull (strstr (json_object_get_string_member (bt, "message"), "even allowing for the busy machine"));
  JsonObject *ci = json_object_get_object_member (bt, "contention_interval");
  g_assert_cmpfloat (json_object_get_double_member (ci, "high"), <, -15); /* wholly beyond the critical 15% */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (ci, "least_cpu_share_current"), 0.5, 1e-9);
  g_assert_cmpstr (level (b, "latency_p50_ms"), ==, "CRITICAL");
  /* ... while a slowdown of 1.5x is within what waiting explains */
  g_autofree char *busy2 = write_seed_runs (8, 125.3 / 1.5, 89.2, 1024.5, 0.9987, 50);
  g_autoptr (JsonNode) b2 = analyze_seed (busy2, NULL);
  g_assert_cmpstr (level (b2, "throughput_tokens_per_second"), ==, "INCONCLUSIVE");
  g_assert_nonnull (strstr (json_object_get_string_member (alert (b2, "throughput_tokens_per_second"), "message"),
                            "machine was busy"));
  g_assert_nonnull (strstr (json_object_get_string_member (alert (b2, "throughput_tokens_per_second"), "message"),
                            "settles nothing"));
  g_assert_cmpstr (level (b2, "latency_p50_ms"), ==, "STABLE");

  /* the seed's entry stands for gst-bitnet only */
  g_autoptr (JsonNode) other = analyze_seed (equal, "implementation=llama.cpp");
  g_assert_cmpstr (status (other), ==, "NO_BASELINE");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (json_node_get_object (other), "comparison")));
}

/* The table, the Markdown reports and the bus message say one-sample too. */
static void
test_seed_baselines_reports (void)
{
  if (bn_test_skip_if_emulated ())
    return;
  g_autofree char *file = g_test_build_filename (G_TEST_DIST, "elements", "regression", "seed-baselines.json", NULL);
  g_autofree char *slow = write_seed_runs (8, 125.3 / 3, 89.2 * 3, 1024.5, 0.9987, 0);
  g_autofree char *table = tmp ("seed-analysis.txt");
  g_autofree char *dir = tmp ("seed-report");
  g_autofree char *desc =
      g_strdup_printf ("receipt-src location=%s ! regression-analyzer baselines=%s platform=" SEED_PLATFORM
                       " compare-mismatched=true format=human output=%s silent=true "
                       "! report-sink dir=%s",
                       slow, file, table, dir);
  BnElement *p = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (run_pipeline (desc, &p, &error));
  g_assert_no_error (error);

  g_autofree char *text = contents (table);
  g_assert_nonnull (strstr (text, "Baseline: stored point values only"));
  g_assert_nonnull (strstr (text, "Note: One-sample comparison"));
  g_assert_nonnull (strstr (text, "rust_implementation"));
  g_assert_nonnull (strstr (text, "CRITICAL     one-sample"));
  g_assert_nonnull (strstr (text, "Overall: CRITICAL"));

  const char *md[] = { "performance-report.md", "ci-summary.md" };
  for (guint i = 0; i < G_N_ELEMENTS (md); i++) {
    g_autofree char *path = g_build_filename (dir, md[i], NULL);
    g_autofree char *m = contents (path);
    g_assert_nonnull (strstr (m, "**One-sample comparison:**"));
    g_assert_nonnull (strstr (m, "| CRITICAL | one-sample"));
  }
  g_autofree char *rp = g_build_filename (dir, "performance-report.json", NULL);
  g_autoptr (JsonNode) report = bn_test_json_load (rp);
  JsonArray *v = json_object_get_array_member (json_node_get_object (report), "regression");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (v, 0), "comparison"), ==,
                   "one-sample");

  gboolean found = FALSE;
  for (BnMessage *m; (m = bn_bus_pop (bn_pipeline_get_bus (BN_PIPELINE (p))));) {
    if (bn_message_get_message_type (m) == BN_MESSAGE_ELEMENT
        && !g_strcmp0 (bn_message_get_name (m), "regression-verdict")) {
      const char *c = NULL;
      g_assert_true (g_variant_lookup (bn_message_get_payload (m), "comparison", "&s", &c));
      g_assert_cmpstr (c, ==, "one-sample");
      found = TRUE;
    }
    g_object_unref (m);
  }
  g_assert_true (found);
  g_object_unref (p);
}

/* ---- thresholds ---- */

static void
set_thresholds (const char *file, double crit, double warn)
{
  g_autoptr (JsonNode) n = bn_test_json_load (file);
  JsonObject *t = json_object_get_object_member (json_node_get_object (n), "thresholds");
  json_object_set_double_member (json_object_get_object_member (t, "critical"), "throughput_decrease_percent", crit);
  json_object_set_double_member (json_object_get_object_member (t, "warning"), "throughput_decrease_percent", warn);
  g_autofree char *text = json_to_string (n, TRUE);
  g_assert_true (g_file_set_contents (file, text, -1, NULL));
}

static void
test_thresholds (void)
{
  g_autofree char *file = tmp ("thresholds.json");
  Runs base = runs_like (1000, 1.0, 5.0);
  make_baseline (file, NULL, &base);
  Runs cur = runs_like (880, 1.0, 5.0);
  g_autoptr (GError) error = NULL;

  /* the defaults written by baseline-sink: 12% slower is a warning */
  g_autoptr (JsonNode) r1 = analyze (file, &cur, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (level (r1, "throughput_tokens_per_second"), ==, "WARNING");

  /* the file's thresholds are used: critical from 10% */
  set_thresholds (file, 10, 5);
  g_autoptr (JsonNode) r2 = analyze (file, &cur, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (level (r2, "throughput_tokens_per_second"), ==, "CRITICAL");
  JsonObject *t = json_object_get_object_member (json_node_get_object (r2), "thresholds");
  g_assert_cmpfloat (
      json_object_get_double_member (json_object_get_object_member (t, "critical"), "throughput_decrease_percent"), ==,
      10);
  g_assert_cmpstr (json_object_get_string_member (t, "source"), ==, file);

  /* properties override the file */
  g_autoptr (JsonNode) r3 = analyze (file, &cur, "critical-throughput-decrease=15", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (level (r3, "throughput_tokens_per_second"), ==, "WARNING");
  t = json_object_get_object_member (json_node_get_object (r3), "thresholds");
  g_assert_nonnull (strstr (json_object_get_string_member (t, "source"), "overridden"));

  /* a warning above the critical threshold is refused */
  g_autoptr (JsonNode) r4 = analyze (file, &cur, "warning-throughput-decrease=20", &error);
  g_assert_null (r4);
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS);
  g_assert_nonnull (strstr (error->message, "throughput_decrease_percent"));
  g_clear_error (&error);

  /* an unknown threshold in the file is an error, never silently ignored */
  g_autofree char *text = contents (file);
  g_autofree char *typo = g_strdup (text);
  char *at = strstr (typo, "throughput_decrease_percent");
  memcpy (at, "throughput_decrease_percant", strlen ("throughput_decrease_percant"));
  g_assert_true (g_file_set_contents (file, typo, -1, NULL));
  g_autoptr (JsonNode) r5 = analyze (file, &cur, NULL, &error);
  g_assert_null (r5);
  g_assert_nonnull (strstr (error->message, file));
  g_assert_nonnull (strstr (error->message, "throughput_decrease_percant"));
}

/* ---- platforms, merging, mismatches ---- */

static void
test_platforms_and_merge (void)
{
  g_autofree char *file = tmp ("platforms.json");
  g_autofree char *bak = g_strconcat (file, ".bak", NULL);
  Runs here = runs_like (1000, 1.0, 5.0);
  make_baseline (file, NULL, &here);
  g_assert_false (g_file_test (bak, G_FILE_TEST_EXISTS));
  set_thresholds (file, 12, 6); /* the user's thresholds survive merges */
  g_autofree char *before = contents (file);
  g_autoptr (JsonNode) nb = bn_test_json_load (file);
  JsonObject *entry = json_object_get_object_member (
      json_object_get_object_member (json_object_get_object_member (json_node_get_object (nb), "baselines"), platform),
      "gst-bitnet");
  g_autoptr (JsonNode) en = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (en, entry);
  g_autofree char *entry_before = json_to_string (en, FALSE);

  /* a second platform, half as fast */
  Runs other = runs_like (500, 2.0, 10.0);
  make_baseline (file, "test-arm64", &other);
  bn_test_schema_assert_valid (baselines_schema, file);
  g_autofree char *kept = contents (bak);
  g_assert_cmpstr (kept, ==, before); /* the previous file, byte for byte */
  g_autoptr (JsonNode) na = bn_test_json_load (file);
  JsonObject *root = json_node_get_object (na);
  JsonObject *bl = json_object_get_object_member (root, "baselines");
  g_assert_true (json_object_has_member (bl, "test-arm64"));
  g_autoptr (JsonNode) en2 = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (en2,
                        json_object_get_object_member (json_object_get_object_member (bl, platform), "gst-bitnet"));
  g_autofree char *entry_after = json_to_string (en2, FALSE);
  g_assert_cmpstr (entry_after, ==, entry_before); /* this platform untouched */
  g_assert_cmpfloat (json_object_get_double_member (
                         json_object_get_object_member (json_object_get_object_member (root, "thresholds"), "critical"),
                         "throughput_decrease_percent"),
                     ==, 12);

  /* platform=auto picks this machine's baseline */
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) r1 = analyze (file, &here, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status (r1), ==, "STABLE");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (r1), "platform"), ==, platform);

  /* another platform's baseline is reported as a mismatch, not compared */
  g_autoptr (JsonNode) r2 = analyze (file, &here, "platform=test-arm64", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status (r2), ==, "INCONCLUSIVE");
  g_assert_true (has_mismatch (r2, "platform", TRUE));
  g_assert_nonnull (
      strstr (json_object_get_string_member (alert (r2, "throughput_tokens_per_second"), "message"), "not compared"));
  /* ... unless asked to, and then still reported */
  g_autoptr (JsonNode) r3 = analyze (file, &here, "platform=test-arm64 compare-mismatched=true", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (level (r3, "throughput_tokens_per_second"), ==, "IMPROVEMENT");
  g_assert_true (has_mismatch (r3, "platform", FALSE));

  /* another model is never compared silently */
  Runs model_b = here;
  model_b.fingerprint = FP_B;
  g_autoptr (JsonNode) r4 = analyze (file, &model_b, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status (r4), ==, "INCONCLUSIVE");
  g_assert_true (has_mismatch (r4, "model_fingerprint", TRUE));
}

/* ---- broken inputs: clear errors, nothing lost ---- */

static void
test_corrupt_and_missing (void)
{
  Runs r = runs_like (1000, 1.0, 5.0);
  g_autofree char *receipt = write_receipt ("corrupt-receipt.json", &r);
  const char *bad[] = {
    "{ \"baselines\": { \"linux-x86_64\": [1, 2", /* truncated */
    "[]",                                         /* not an object */
    "{ \"baselines\": { \"linux-x86_64\": 3 } }", /* misplaced value */
    "{ \"baselines\": { \"p\": { \"i\": { \"samples\": { \"throughput_tokens_per_second\": [1, \"x\"] } } } } }",
  };
  const char *what[] = { "not valid JSON", "not a JSON object", "baselines.linux-x86_64",
                         "baselines.p.i.samples.throughput_tokens_per_second[1]" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autofree char *file = tmp ("corrupt.json");
    g_autofree char *bak = g_strconcat (file, ".bak", NULL);
    g_assert_true (g_file_set_contents (file, bad[i], -1, NULL));
    /* baseline-sink refuses before measuring, and leaves the file as it was */
    g_autofree char *d1 = g_strdup_printf ("receipt-src location=%s ! baseline-sink location=%s", receipt, file);
    g_autoptr (GError) e1 = NULL;
    g_assert_false (run_pipeline (d1, NULL, &e1));
    g_assert_nonnull (e1);
    if (!strstr (e1->message, file) || !strstr (e1->message, what[i]))
      g_error ("case %u: unclear error: %s", i, e1->message);
    g_autofree char *after = contents (file);
    g_assert_cmpstr (after, ==, bad[i]);
    g_assert_false (g_file_test (bak, G_FILE_TEST_EXISTS));
    /* the analyzer names the file too */
    g_autoptr (GError) e2 = NULL;
    g_autoptr (JsonNode) rep = analyze (file, &r, NULL, &e2);
    g_assert_null (rep);
    if (!strstr (e2->message, file) || !strstr (e2->message, what[i]))
      g_error ("case %u: unclear error: %s", i, e2->message);
  }
  /* a missing file is no baseline: NO_BASELINE, saying how to make one */
  g_autofree char *missing = tmp ("no-such-baselines.json");
  g_autoptr (GError) e3 = NULL;
  g_autoptr (JsonNode) rep = analyze (missing, &r, NULL, &e3);
  g_assert_no_error (e3);
  g_assert_nonnull (rep);
  g_autofree char *text = json_to_string (rep, FALSE);
  g_assert_nonnull (strstr (text, "\"status\":\"NO_BASELINE\""));
  g_assert_nonnull (strstr (text, "baseline.bnp"));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

static void
test_baseline_sink_refuses (void)
{
  g_autofree char *file = tmp ("refuse.json");
  Runs good = runs_like (1000, 1.0, 5.0);
  make_baseline (file, NULL, &good);
  g_autofree char *before = contents (file);
  struct {
    Runs r;
    GQuark domain;
    int code;
    const char *msg;
  } cases[] = {
    { good, BN_STRICT_ERROR, BN_STRICT_ERROR_MOCK, "Mock computation detected" },
    { good, BN_STRICT_ERROR, BN_STRICT_ERROR_INCOMPLETE, "5 of 8 tokens" },
    { good, BN_CORE_ERROR, BN_CORE_ERROR_FAILED, "at least 6" },
  };
  cases[0].r.compute_path = "mock";
  cases[1].r.generated = 5;
  cases[2].r.n = 5;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *receipt = write_receipt ("refused-receipt.json", &cases[i].r);
    g_autofree char *desc = g_strdup_printf ("receipt-src location=%s ! baseline-sink location=%s", receipt, file);
    g_autoptr (GError) error = NULL;
    g_assert_false (run_pipeline (desc, NULL, &error));
    if (!g_error_matches (error, cases[i].domain, cases[i].code) || !strstr (error->message, cases[i].msg))
      g_error ("case %u: got %s", i, error ? error->message : "no error");
    g_autofree char *after = contents (file);
    g_assert_cmpstr (after, ==, before);
  }
}

/* ---- side by side, bus message, exit codes, reports ---- */

static void
test_side_by_side (void)
{
  Runs base = runs_like (1000, 1.0, 5.0), cand = runs_like (600, 1.7, 5.0);
  g_autofree char *rb = write_receipt ("sbs-base.json", &base);
  g_autofree char *rc = write_receipt ("sbs-cand.json", &cand);
  g_autofree char *out = tmp ("sbs.json");
  g_autofree char *desc =
      g_strdup_printf ("receipt-src location=%s ! ra.baseline  receipt-src location=%s ! ra.candidate "
                       " regression-analyzer name=ra baselines=%s/none.json format=json output=%s "
                       "silent=true",
                       rb, rc, tmpdir, out);
  BnElement *p = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (run_pipeline (desc, &p, &error));
  g_assert_no_error (error);
  bn_test_schema_assert_valid (regression_schema, out);
  g_autoptr (JsonNode) rep = bn_test_json_load (out);
  JsonObject *o = json_node_get_object (rep);
  g_assert_cmpstr (json_object_get_string_member (o, "mode"), ==, "side-by-side");
  g_assert_cmpstr (status (rep), ==, "CRITICAL");
  g_assert_cmpstr (level (rep, "throughput_tokens_per_second"), ==, "CRITICAL");
  g_assert_null (alert (rep, "memory_usage_mb")); /* one process: not comparable */
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (o, "baselines_file")));

  /* the verdict on the bus */
  gboolean found = FALSE;
  for (BnMessage *m; (m = bn_bus_pop (bn_pipeline_get_bus (BN_PIPELINE (p))));) {
    if (bn_message_get_message_type (m) == BN_MESSAGE_ELEMENT
        && !g_strcmp0 (bn_message_get_name (m), "regression-verdict")) {
      GVariant *v = bn_message_get_payload (m);
      const char *st = NULL;
      guint32 crit = 0;
      g_assert_true (g_variant_lookup (v, "status", "&s", &st));
      g_assert_true (g_variant_lookup (v, "critical", "u", &crit));
      g_assert_cmpstr (st, ==, "CRITICAL");
      g_assert_cmpuint (crit, >=, 1);
      found = TRUE;
    }
    g_object_unref (m);
  }
  g_assert_true (found);
  g_object_unref (p);

  /* half a side-by-side set-up is refused before anything runs */
  g_autofree char *half = g_strdup_printf ("receipt-src location=%s ! ra.baseline  regression-analyzer name=ra", rb);
  g_autoptr (GError) e2 = NULL;
  g_assert_false (run_pipeline (half, NULL, &e2));
  g_assert_nonnull (strstr (e2->message, "candidate"));
}

/* Additive, bursty noise: the candidate is the same code, but in half its
 * runs four of the seven tokens took three times longer. Per-token
 * latencies of a quiet run: 0.99, 1, 1.01, 0.99, 1, 1.01, 0.99 ms (sorted
 * .99 .99 .99 1 1 1.01 1.01: p50 1, p10 .99, min .99); of a bursty one .99,
 * 1, 1.01, 2.97, 3, 3.03, 2.97 (sorted: p50 2.97, p10 .99 + .6 x .01 =
 * .996, min .99). Over the 8 runs: p50 median (1 + 2.97) / 2 = 1.985
 * against 1 (+98.5%); p10 (.99 + .996) / 2 = .993 against .99 (+0.303%);
 * min .99 against .99. */
static void
test_low_quantiles (void)
{
  Runs base = runs_like (1000, 1.0, 5.0), cand = runs_like (1000, 1.0, 5.0);
  base.lat_spread = cand.lat_spread = 0;
  cand.burst = 3;
  g_autofree char *rb = write_receipt ("lq-base.json", &base);
  g_autofree char *rc = write_receipt ("lq-cand.json", &cand);
  static const struct {
    const char *statistic, *metric;
    double baseline, current, change;
  } cases[] = {
    { "p50", "latency_p50_ms", 1.0, 1.985, 98.5 },
    { "p10", "latency_p10_ms", 0.99, 0.993, (0.993 / 0.99 - 1) * 100 },
    { "min", "latency_min_ms", 0.99, 0.99, 0 },
  };
  const char *all[] = { "latency_p50_ms", "latency_p10_ms", "latency_min_ms" };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *out = tmp ("lq.json");
    g_autofree char *desc =
        g_strdup_printf ("receipt-src location=%s ! ra.baseline  receipt-src location=%s ! ra.candidate "
                         " regression-analyzer name=ra baselines=%s/none.json format=json output=%s silent=true "
                         "latency-statistic=%s",
                         rb, rc, tmpdir, out, cases[i].statistic);
    g_autoptr (GError) error = NULL;
    g_assert_true (run_pipeline (desc, NULL, &error));
    g_assert_no_error (error);
    bn_test_schema_assert_valid (regression_schema, out);
    g_autoptr (JsonNode) rep = bn_test_json_load (out);
    JsonObject *a = alert (rep, cases[i].metric);
    g_assert_nonnull (a);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (a, "baseline"), cases[i].baseline, 1e-9);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (a, "current"), cases[i].current, 1e-9);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (a, "change_percent"), cases[i].change, 1e-6);
    /* one token-latency row per analysis, the chosen one */
    for (guint k = 0; k < G_N_ELEMENTS (all); k++)
      if (strcmp (all[k], cases[i].metric))
        g_assert_null (alert (rep, all[k]));
    if (i == 0)
      g_assert_cmpstr (json_object_get_string_member (a, "level"), !=, "STABLE");
    else
      g_assert_cmpstr (json_object_get_string_member (a, "level"), ==, "STABLE");
    g_assert_cmpstr (json_object_get_string_member (a, "label"), ==,
                     i == 0   ? "token latency p50"
                     : i == 1 ? "token latency p10"
                              : "token latency minimum");
  }

  /* pooling every token has no per-run p10: refused before anything runs */
  g_autofree char *pooled =
      g_strdup_printf ("receipt-src location=%s ! regression-analyzer baselines=%s/none.json silent=true "
                       "latency-statistic=p10 latency-samples=per-token",
                       rc, tmpdir);
  g_autoptr (GError) e2 = NULL;
  g_assert_false (run_pipeline (pooled, NULL, &e2));
  g_assert_nonnull (strstr (e2->message, "latency-samples=per-run"));
}

static int
launch (const char *file, const Runs *r, const char *extra)
{
  g_autofree char *receipt = write_receipt ("launch-receipt.json", r);
  g_autofree char *ra = g_strdup_printf ("baselines=%s", file);
  g_autoptr (GError) error = NULL;
  g_autofree char *loc = g_strdup_printf ("location=%s", receipt);
  g_autoptr (GSubprocess) p =
      g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                        g_getenv ("BN_LAUNCH"), "-q", "receipt-src", loc, "!", "regression-analyzer", ra, extra, NULL);
  g_assert_no_error (error);
  g_autofree char *err = NULL;
  g_subprocess_communicate_utf8 (p, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  int rc = g_subprocess_get_exit_status (p);
  if (rc == 3)
    g_assert_nonnull (strstr (err, "Critical performance regression"));
  return rc;
}

static void
test_exit_codes (void)
{
  verdict_baseline ();
  Runs same = runs_like (1000, 1.0, 5.0), slow = runs_like (700, 1.43, 5.0);
  g_assert_cmpint (launch (verdict_file, &slow, "fail-on-regression=true"), ==, 3);
  g_assert_cmpint (launch (verdict_file, &same, "fail-on-regression=true"), ==, 0);
  g_assert_cmpint (launch (verdict_file, &slow, "fail-on-regression=false"), ==, 0);
}

static void
test_report_sink (void)
{
  verdict_baseline ();
  Runs slow = runs_like (700, 1.43, 5.0);
  g_autofree char *receipt = write_receipt ("report-receipt.json", &slow);
  g_autofree char *dir = tmp ("report");
  g_autofree char *desc = g_strdup_printf ("receipt-src location=%s ! regression-analyzer baselines=%s silent=true "
                                           "fail-on-regression=true ! report-sink dir=%s",
                                           receipt, verdict_file, dir);
  g_autoptr (GError) error = NULL;
  /* the gate fails the pipeline, after the report is written */
  g_assert_false (run_pipeline (desc, NULL, &error));
  g_assert_error (error, BN_REGRESSION_ERROR, BN_REGRESSION_ERROR_CRITICAL);
  const char *files[] = { "performance-report.json",
                          "performance-report.md",
                          "system-info.json",
                          "llama-bench.json",
                          "llama-bench.csv",
                          "bencher.json",
                          "github-action-benchmark-bigger.json",
                          "github-action-benchmark-smaller.json",
                          "ci-summary.md" };
  for (guint i = 0; i < G_N_ELEMENTS (files); i++) {
    g_autofree char *f = g_build_filename (dir, files[i], NULL);
    if (!g_file_test (f, G_FILE_TEST_EXISTS))
      g_error ("%s was not written", f);
  }
  g_autofree char *rp = g_build_filename (dir, "performance-report.json", NULL);
  g_autoptr (JsonNode) report = bn_test_json_load (rp);
  JsonObject *r = json_node_get_object (report);
  JsonArray *bs = json_object_get_array_member (r, "benchmarks");
  g_assert_cmpuint (json_array_get_length (bs), ==, 1);
  JsonObject *b = json_array_get_object_element (bs, 0);
  g_assert_cmpint (json_object_get_int_member (b, "runs"), ==, 8);
  JsonObject *dec = json_object_get_object_member (b, "decode_tokens_per_second");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (dec, "median"), 700, 1e-9);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (dec, "samples")), ==, 8);
  JsonArray *v = json_object_get_array_member (r, "regression");
  g_assert_cmpuint (json_array_get_length (v), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (v, 0), "status"), ==, "CRITICAL");
  g_assert_true (json_object_has_member (json_object_get_object_member (r, "system"), "cpu_model"));

  /* llama-bench rows: a pp and a tg test with llama-bench's fields */
  g_autofree char *lp = g_build_filename (dir, "llama-bench.json", NULL);
  g_autoptr (JsonNode) ln = bn_test_json_load (lp);
  JsonArray *rows = json_node_get_array (ln);
  g_assert_cmpuint (json_array_get_length (rows), ==, 2);
  const char *fields[] = { "build_commit", "cpu_info",   "model_type", "n_threads", "n_prompt",
                           "n_gen",        "test_time",  "avg_ns",     "stddev_ns", "avg_ts",
                           "stddev_ts",    "samples_ns", "samples_ts" };
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_assert_true (json_object_has_member (json_array_get_object_element (rows, 1), fields[i]));
  JsonObject *tg = json_array_get_object_element (rows, 1);
  g_assert_cmpint (json_object_get_int_member (tg, "n_gen"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (tg, "n_prompt"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (rows, 0), "n_prompt"), ==, 8);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (tg, "samples_ts")), ==, 8);
  g_autofree char *cp = g_build_filename (dir, "llama-bench.csv", NULL);
  g_autofree char *csv = contents (cp);
  g_assert_true (g_str_has_prefix (csv, "build_commit,build_number,cpu_info,gpu_info,backends,model_filename,"));
  g_assert_nonnull (strstr (csv, ",avg_ns,stddev_ns,avg_ts,stddev_ts\n"));
  g_assert_null (strstr (csv, "samples_ns"));

  /* Bencher Metric Format: benchmark -> measure -> value with the interval */
  g_autofree char *bp = g_build_filename (dir, "bencher.json", NULL);
  g_autoptr (JsonNode) bn = bn_test_json_load (bp);
  g_autofree char *bname = g_strdup_printf ("%s/decode", json_object_get_string_member (b, "name"));
  JsonObject *tp =
      json_object_get_object_member (json_object_get_object_member (json_node_get_object (bn), bname), "throughput");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (tp, "value"), 700, 1e-9);
  g_assert_cmpfloat (json_object_get_double_member (tp, "lower_value"), <=, 700);
  g_assert_cmpfloat (json_object_get_double_member (tp, "upper_value"), >=, 700);

  /* github-action-benchmark: [{name, unit, value, range, extra}] */
  g_autofree char *gp = g_build_filename (dir, "github-action-benchmark-bigger.json", NULL);
  g_autoptr (JsonNode) gn = bn_test_json_load (gp);
  JsonObject *g0 = json_array_get_object_element (json_node_get_array (gn), 0);
  g_assert_cmpstr (json_object_get_string_member (g0, "unit"), ==, "tokens/s");
  g_assert_true (json_object_has_member (g0, "range") && json_object_has_member (g0, "extra"));
  g_autofree char *sp = g_build_filename (dir, "ci-summary.md", NULL);
  g_autofree char *summary = contents (sp);
  g_assert_nonnull (strstr (summary, "CRITICAL"));
}

static void
test_real_runs (void)
{
  /* figures from real inference: the tiny fixture, 6 runs per side */
  g_autofree char *file = tmp ("real.json");
  g_autofree char *out = tmp ("real-analysis.json");
  g_autofree char *d1 = g_strdup_printf ("loader fixture=tiny ! quantizer ! kernel-executor tokens=8 iterations=6 "
                                         "warmup=1 ! baseline-sink location=%s",
                                         file);
  g_autoptr (GError) error = NULL;
  g_assert_true (run_pipeline (d1, NULL, &error));
  g_assert_no_error (error);
  bn_test_schema_assert_valid (baselines_schema, file);
  g_autoptr (JsonNode) n = bn_test_json_load (file);
  JsonObject *e = json_object_get_object_member (
      json_object_get_object_member (json_object_get_object_member (json_node_get_object (n), "baselines"), platform),
      "gst-bitnet");
  g_assert_cmpint (json_object_get_int_member (e, "sample_count"), ==, 6);
  JsonObject *s = json_object_get_object_member (e, "samples");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (s, "throughput_tokens_per_second")), ==, 6);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (s, "decode_latency_ms")), ==, 6 * 7);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (e, "model_fingerprint"), "blake2b:"));

  g_autofree char *d2 =
      g_strdup_printf ("loader fixture=tiny ! quantizer ! kernel-executor tokens=8 iterations=6 "
                       "warmup=1 ! regression-analyzer baselines=%s format=json output=%s silent=true",
                       file, out);
  g_assert_true (run_pipeline (d2, NULL, &error));
  g_assert_no_error (error);
  bn_test_schema_assert_valid (regression_schema, out);
  g_autoptr (JsonNode) rep = bn_test_json_load (out);
  /* same model, same machine: compared, whatever the noise says */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (rep), "mismatches")), ==,
                    0);
  g_assert_nonnull (alert (rep, "throughput_tokens_per_second"));
  g_assert_cmpstr (level (rep, "accuracy_score"), ==, "STABLE"); /* deterministic */

  /* the same baseline said to be measured the other way (emulated or
   * native): its timings are not compared, even with compare-mismatched */
  gboolean here_emulated = bn_machine_emulator () != NULL;
  g_assert_true (json_object_get_boolean_member (e, "emulated") == here_emulated);
  json_object_set_boolean_member (e, "emulated", !here_emulated);
  g_autofree char *flipped = json_to_string (n, TRUE);
  g_assert_true (g_file_set_contents (file, flipped, -1, NULL));
  g_autofree char *d3 = g_strdup_printf ("loader fixture=tiny ! quantizer ! kernel-executor tokens=8 iterations=6 "
                                         "warmup=1 ! regression-analyzer baselines=%s format=json output=%s "
                                         "silent=true compare-mismatched=true",
                                         file, out);
  g_assert_true (run_pipeline (d3, NULL, &error));
  g_assert_no_error (error);
  g_autoptr (JsonNode) rep2 = bn_test_json_load (out);
  g_assert_cmpstr (status (rep2), ==, "INCONCLUSIVE");
  JsonArray *mm = json_object_get_array_member (json_node_get_object (rep2), "mismatches");
  g_assert_cmpuint (json_array_get_length (mm), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (mm, 0), "field"), ==, "emulated");
  g_autofree char *notes = json_to_string (json_object_get_member (json_node_get_object (rep2), "notes"), FALSE);
  g_assert_nonnull (strstr (notes, "never compared with native ones"));
}

static int
launch_file (const char *pipeline, const char *const *defines, char **out)
{
  g_autofree char *file = g_test_build_filename (G_TEST_DIST, "..", "pipelines", pipeline, NULL);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) g_getenv ("BN_LAUNCH"));
  g_ptr_array_add (argv, "-q");
  g_ptr_array_add (argv, "-f");
  g_ptr_array_add (argv, file);
  for (guint i = 0; defines[i]; i++) {
    g_ptr_array_add (argv, "-D");
    g_ptr_array_add (argv, (gpointer) defines[i]);
  }
  g_ptr_array_add (argv, NULL);
  g_autoptr (GSubprocessLauncher) l =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_cwd (l, tmpdir); /* the pipelines' default paths land here */
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) p = g_subprocess_launcher_spawnv (l, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, NULL, NULL, out, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (p);
}

static void
test_shipped_pipelines (void)
{
  /* the seed's workflow end to end: baseline.bnp, then regression.bnp on the receipt it wrote */
  const char *base[] = { "SIZE=tiny", "TOKENS=8", "ITERATIONS=6", NULL };
  g_autofree char *o1 = NULL, *o2 = NULL, *o3 = NULL;
  int rc = launch_file ("baseline.bnp", base, &o1);
  if (rc != 0)
    g_error ("baseline.bnp exited with %d: %s", rc, o1);
  g_autofree char *file = g_build_filename (tmpdir, "crossval", "baselines.json", NULL);
  bn_test_schema_assert_valid (baselines_schema, file);
  const char *reg[] = { "REPORT_FORMAT=json", "OUTPUT=regression-analysis.json", NULL };
  rc = launch_file ("regression.bnp", reg, &o2);
  if (rc != 0)
    g_error ("regression.bnp exited with %d: %s", rc, o2);
  g_autofree char *analysis = g_build_filename (tmpdir, "regression-analysis.json", NULL);
  bn_test_schema_assert_valid (regression_schema, analysis);
  g_autoptr (JsonNode) rep = bn_test_json_load (analysis);
  /* a receipt compared with the baseline made of the same runs: no change at all */
  g_assert_cmpfloat (json_object_get_double_member (alert (rep, "throughput_tokens_per_second"), "change_percent"), ==,
                     0);
  g_assert_cmpstr (status (rep), !=, "CRITICAL");
  g_autofree char *md = g_build_filename (tmpdir, "benchmark-results", "performance-report.md", NULL);
  g_assert_true (g_file_test (md, G_FILE_TEST_EXISTS));
  /* side by side, as shipped (2 threads against 1), only reporting */
  const char *sbs[] = { "SIZE=tiny", "TOKENS=8", "ITERATIONS=6", "REPORT_FORMAT=json", NULL };
  rc = launch_file ("side-by-side.bnp", sbs, &o3);
  if (rc != 0)
    g_error ("side-by-side.bnp exited with %d: %s", rc, o3);
  g_assert_nonnull (strstr (o3, "\"mode\" : \"side-by-side\""));
}

/* Crafted runs in the order 0, 10%, 0, 25% (as inject-schedule=0,0.1,0,0.25
 * makes them), 80 in all, each with the wall time its speed implies
 * (11000 / tok/s ms: 0.11 s unslowed). @fast_start: the first 12 runs
 * (unslowed and slowed alike) 25% faster, as a machine that slowed down
 * after a stored baseline was measured. */
static char *
write_calibration_receipt (const char *name, gboolean fast_start)
{
  Runs r = runs_like (100, 10, 20);
  r.n = 80;
  r.tps_spread = r.lat_spread = 0.002;
  g_autofree char *receipt = write_receipt (name, &r);
  g_autoptr (JsonNode) root = bn_test_json_load (receipt);
  JsonArray *runs =
      json_object_get_array_member (json_object_get_object_member (json_node_get_object (root), "gst_bitnet"), "runs");
  static const double schedule[] = { 0, 0.1, 0, 0.25 };
  for (guint i = 0; i < json_array_get_length (runs); i++) {
    JsonObject *o = json_array_get_object_element (runs, i);
    double s = schedule[i % 4], k = (1 + s) / (fast_start && i < 12 ? 1.25 : 1);
    if (s > 0)
      json_object_set_double_member (o, "injected_slowdown", s);
    double tps = json_object_get_double_member (o, "decode_tokens_per_second") / k;
    json_object_set_double_member (o, "decode_tokens_per_second", tps);
    json_object_set_double_member (o, "total_time_ms", 11000 / tps);
    json_object_set_double_member (o, "tokens_per_second", 8 / (11 / tps));
    JsonArray *lat = json_object_get_array_member (o, "decode_latency_ms");
    for (guint j = 0; j < json_array_get_length (lat); j++)
      json_node_set_double (json_array_get_element (lat, j), json_array_get_double_element (lat, j) * k);
  }
  g_autofree char *text = json_to_string (root, TRUE);
  g_assert_true (g_file_set_contents (receipt, text, -1, NULL));
  return g_steal_pointer (&receipt);
}

static JsonObject *
object_member (JsonObject *o, const char *name)
{
  g_assert_true (json_object_has_member (o, name));
  return json_object_get_object_member (o, name);
}

/* regression-calibrator on write_calibration_receipt()'s runs: 40 unslowed
 * runs give 3 A/A comparisons of 6 runs per side, all STABLE; every slowed
 * block is detected; the interleaved pairs (one look at 10 pairs) and the
 * confirmed rows on the same runs; the counts and times are the
 * hand-computed ones; the file keeps it and the analyzer quotes it, warning
 * when a comparison has too few runs. */
static void
test_calibrator (void)
{
  g_autofree char *receipt = write_calibration_receipt ("calibration-receipt.json", FALSE);
  g_autofree char *file = tmp ("calibrated.json");
  g_autofree char *out = tmp ("calibration.json");
  g_unlink (file);
  g_autofree char *desc = g_strdup_printf (
      "receipt-src location=%s ! regression-calibrator runs=6 min-pairs=10 max-pairs=10 location=%s output=%s "
      "silent=true",
      receipt, file, out);
  g_autoptr (GError) error = NULL;
  gboolean ok = run_pipeline (desc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  g_autoptr (JsonNode) stored = bn_test_json_load (file);
  JsonObject *cal = json_object_get_object_member (
      json_object_get_object_member (json_object_get_object_member (json_node_get_object (stored), "calibration"),
                                     platform),
      "gst-bitnet");
  g_assert_cmpint (json_object_get_int_member (cal, "runs_per_side"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (cal, "runs"), ==, 80);
  JsonObject *aa = json_object_get_object_member (cal, "false_alarms");
  g_assert_cmpint (json_object_get_int_member (aa, "comparisons"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (aa, "alarms"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (aa, "called_stable_or_improvement"), ==, 3);
  JsonArray *det = json_object_get_array_member (cal, "detection");
  g_assert_cmpuint (json_array_get_length (det), ==, 2);
  for (guint k = 0; k < 2; k++) {
    JsonObject *d = json_array_get_object_element (det, k);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (d, "slowdown_percent"), k ? 25 : 10, 1e-9);
    JsonObject *in = json_object_get_object_member (d, "interleaved");
    JsonObject *pre = json_object_get_object_member (d, "preceding");
    /* 20 slowed runs: 3 blocks; the first has fewer than 6 unslowed runs before it */
    g_assert_cmpint (json_object_get_int_member (in, "comparisons"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (in, "detected"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (pre, "comparisons"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (pre, "detected"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (in, "called_stable_or_improvement"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (d, "runs_for_90_percent_power"), >=, 2);
  }
  /* the token-latency row alone, once per statistic, on the same blocks */
  JsonObject *stats = json_object_get_object_member (cal, "latency_statistics");
  static const char *const names[] = { "p50", "p10", "min" };
  for (guint k = 0; k < G_N_ELEMENTS (names); k++) {
    JsonObject *t = json_object_get_object_member (stats, names[k]);
    g_assert_cmpint (json_object_get_int_member (t, "comparisons"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (t, "alarms"), ==, 0);
    /* +25% token latency clears the 15% warning whatever the statistic; +10% does not */
    JsonObject *d25 = json_object_get_object_member (
        json_object_get_object_member (json_array_get_object_element (det, 1), "latency_statistics"), names[k]);
    JsonObject *d10 = json_object_get_object_member (
        json_object_get_object_member (json_array_get_object_element (det, 0), "latency_statistics"), names[k]);
    g_assert_cmpint (json_object_get_int_member (d25, "detected"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (d10, "detected"), ==, 0);
  }
  g_assert_cmpstr (json_object_get_string_member (cal, "recommended_latency_statistic"), ==, "p50");

  /* the time a verdict took: the candidate's 6 runs of 0.11 s against a stored baseline */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (aa, "seconds_to_verdict"), 0.66, 0.01);
  /* confirmation changes nothing where nothing alarmed */
  JsonObject *aac = object_member (cal, "false_alarms_confirmed");
  g_assert_cmpint (json_object_get_int_member (aac, "comparisons"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (aac, "alarms"), ==, 0);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (aac, "seconds_to_verdict"), 0.66, 0.01);
  /* 20 pairs of consecutive unslowed runs: two comparisons of 10 pairs, STABLE */
  JsonObject *aap = object_member (cal, "false_alarms_pairs");
  g_assert_cmpint (json_object_get_int_member (aap, "comparisons"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (aap, "alarms"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (aap, "called_stable_or_improvement"), ==, 2);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (aap, "pairs_to_verdict"), 10, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (aap, "seconds_to_verdict"), 2.2, 0.01);
  JsonObject *pj = object_member (cal, "pairs");
  g_assert_cmpstr (json_object_get_string_member (pj, "metric"), ==, "decode");
  g_assert_cmpint (json_object_get_int_member (pj, "looks"), ==, 1);
  for (guint k = 0; k < 2; k++) {
    JsonObject *d = json_array_get_object_element (det, k);
    /* 20 slowed runs, each paired with an unslowed neighbour: two comparisons, each detected at its one look
     * (the default thresholds: 10% slower is -9.1% decode, a WARNING; 25% is -20%, CRITICAL) */
    JsonObject *dp = object_member (d, "pairs");
    g_assert_cmpint (json_object_get_int_member (dp, "comparisons"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (dp, "detected"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (dp, "called_stable_or_improvement"), ==, 0);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (dp, "seconds_to_verdict"), k ? 2.475 : 2.31, 0.01);
    /* the stored alarms stand when the pairs after them confirm */
    JsonObject *dc = object_member (d, "preceding_confirmed");
    g_assert_cmpint (json_object_get_int_member (dc, "comparisons"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (dc, "detected"), ==, 2);
    g_assert_false (json_object_has_member (dc, "not_confirmed"));
  }
  g_autoptr (JsonNode) written = bn_test_json_load (out);
  g_assert_true (json_object_has_member (json_node_get_object (written), "noise"));

  /* the analyzer quotes it; with fewer runs than the calibration needs, it warns */
  Runs cur = runs_like (100, 10, 20);
  make_baseline (file, NULL, &cur);
  g_autofree char *cr = write_receipt ("calibration-current.json", &cur);
  g_autoptr (JsonNode) rep = analyze_receipt (file, cr, NULL, &error);
  g_assert_no_error (error);
  g_autofree char *rt = json_to_string (rep, FALSE);
  g_assert_nonnull (strstr (rt, "Calibrated on this platform"));
  g_assert_nonnull (strstr (rt, "false alarms 0 of 3 A/A comparisons"));
  g_assert_null (strstr (rt, "less than 90% power"));
  json_object_set_int_member (json_array_get_object_element (det, 0), "runs_for_90_percent_power", 50);
  /* the baseline made above is kept: put the edited calibration back into that file */
  g_autoptr (JsonNode) now = bn_test_json_load (file);
  json_object_set_member (json_node_get_object (now), "calibration",
                          json_node_copy (json_object_get_member (json_node_get_object (stored), "calibration")));
  g_autofree char *merged = json_to_string (now, TRUE);
  g_assert_true (g_file_set_contents (file, merged, -1, NULL));
  g_autoptr (JsonNode) rep2 = analyze_receipt (file, cr, NULL, &error);
  g_assert_no_error (error);
  g_autofree char *rt2 = json_to_string (rep2, FALSE);
  g_assert_nonnull (strstr (rt2, "With 8 runs per side this comparison has less than 90% power to detect a 10% "
                                 "slowdown on this machine (as calibrated): about 50 runs per side would"));

  /* a calibration member of the wrong shape is refused, naming it */
  g_assert_true (g_file_set_contents (file, "{\"calibration\": {\"linux-x86_64\": [1]}}", -1, NULL));
  g_autoptr (JsonNode) bad = analyze_receipt (file, cr, NULL, &error);
  g_assert_null (bad);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "calibration.linux-x86_64"));
  g_clear_error (&error);

  /* too few unslowed runs: an error saying how many are needed */
  g_unlink (file);
  g_autofree char *few = g_strdup_printf ("receipt-src location=%s ! regression-calibrator runs=50 location=%s "
                                          "silent=true",
                                          receipt, file);
  g_assert_false (run_pipeline (few, NULL, &error));
  g_assert_nonnull (strstr (error->message, "2 x runs=50"));
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* settings of the pairs refused before anything is measured */
  static const char *const bad_settings[][2] = {
    { "pair-metric=p99", "pair-metric=p99: expected decode, p50, p10 or min" },
    { "min-pairs=20 max-pairs=10", "min-pairs=20 is above max-pairs=10" },
    /* looks at 4, 9, ..., 39 and 40: 9 looks at 99.44% each need 9 pairs */
    { "min-pairs=4", "min-pairs=4: 9 looks" },
    /* 5 runs a side give no 95% interval of a median */
    { "runs=5", "runs=5: an interval at 95% confidence needs at least 6 runs per side" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad_settings); i++) {
    g_autofree char *d = g_strdup_printf ("receipt-src location=%s ! regression-calibrator %s location=%s silent=true",
                                          receipt, bad_settings[i][0], file);
    g_assert_false (run_pipeline (d, NULL, &error));
    g_assert_nonnull (strstr (error->message, bad_settings[i][1]));
    g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
    g_clear_error (&error);
  }
}

/* A machine that slowed down after the stored baseline: the first A/A
 * comparison (fast runs as the baseline) alarms against the stored
 * baseline; the interleaved pairs measured after it do not confirm it, so
 * the confirmed row has no false alarm and says one alarm was overturned,
 * its time including the 10 pairs measured to confirm. */
static void
test_calibrator_confirmation (void)
{
  g_autofree char *receipt = write_calibration_receipt ("calibration-drift.json", TRUE);
  g_autofree char *file = tmp ("calibrated-drift.json");
  g_autofree char *out = tmp ("calibration-drift-out.json");
  g_unlink (file);
  g_autofree char *desc = g_strdup_printf ("receipt-src location=%s ! regression-calibrator runs=6 min-pairs=10 "
                                           "max-pairs=10 location=%s output=%s store=false silent=true",
                                           receipt, file, out);
  g_autoptr (GError) error = NULL;
  gboolean ok = run_pipeline (desc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS)); /* store=false */
  g_autoptr (JsonNode) root = bn_test_json_load (out);
  JsonObject *cal = json_node_get_object (root);
  JsonObject *aa = object_member (cal, "false_alarms");
  g_assert_cmpint (json_object_get_int_member (aa, "alarms"), ==, 1);
  JsonObject *aac = object_member (cal, "false_alarms_confirmed");
  g_assert_cmpint (json_object_get_int_member (aac, "comparisons"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (aac, "alarms"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (aac, "not_confirmed"), ==, 1);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (aac, "seconds_to_verdict"), (3 * 0.66 + 2.2) / 3,
                                  0.01);
  /* the pairs compare neighbours: the drift between blocks does not reach them */
  JsonObject *aap = object_member (cal, "false_alarms_pairs");
  g_assert_cmpint (json_object_get_int_member (aap, "alarms"), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bn_init (&argc, &argv);
  tmpdir = g_dir_make_tmp ("bn-regression-XXXXXX", NULL);
  platform = bn_machine_platform ();
  regression_schema = bn_test_schema_load ("regression.schema.json");
  baselines_schema = bn_test_schema_load ("baselines.schema.json");
  g_test_add_func ("/regression/analyzer/every-verdict", test_every_verdict);
  g_test_add_func ("/regression/analyzer/seed-baselines", test_seed_baselines);
  g_test_add_func ("/regression/analyzer/seed-baselines-reports", test_seed_baselines_reports);
  g_test_add_func ("/regression/analyzer/thresholds", test_thresholds);
  g_test_add_func ("/regression/analyzer/platforms-merge-mismatch", test_platforms_and_merge);
  g_test_add_func ("/regression/files/corrupt-or-missing", test_corrupt_and_missing);
  g_test_add_func ("/regression/baseline-sink/refuses", test_baseline_sink_refuses);
  g_test_add_func ("/regression/analyzer/side-by-side", test_side_by_side);
  g_test_add_func ("/regression/analyzer/low-quantiles", test_low_quantiles);
  g_test_add_func ("/regression/launch/exit-codes", test_exit_codes);
  g_test_add_func ("/regression/report-sink/files", test_report_sink);
  g_test_add_func ("/regression/real-runs", test_real_runs);
  g_test_add_func ("/regression/pipelines/workflow", test_shipped_pipelines);
  g_test_add_func ("/regression/calibrator", test_calibrator);
  g_test_add_func ("/regression/calibrator/confirmation", test_calibrator_confirmation);
  int rc = g_test_run ();
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
  (void) !system (cmd);
  json_node_unref (regression_schema);
  json_node_unref (baselines_schema);
  g_free (verdict_file);
  g_free (platform);
  g_free (tmpdir);
  return rc;
}
