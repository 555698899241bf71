/* Tests of BnBaseExecutor through the guide's example executor
 * (docs/examples/example-executor.c, compiled here as the guide shows it). */
#include "example-executor.c"

#include <math.h>
#include <string.h>

static GPtrArray *run (const char *executor, GError **error);

/* A backend gone wrong: its third decode step writes a NaN. The base
 * class must fail the run with the step named, not record it. */
#define TEST_TYPE_BROKEN_EXECUTOR (test_broken_executor_get_type ())
G_DECLARE_FINAL_TYPE (TestBrokenExecutor, test_broken_executor, TEST, BROKEN_EXECUTOR, BnBaseExecutor)
struct _TestBrokenExecutor {
  BnBaseExecutor parent_instance;
  guint steps;
};
G_DEFINE_FINAL_TYPE (TestBrokenExecutor, test_broken_executor, BN_TYPE_BASE_EXECUTOR)

static gboolean
broken_load (BnBaseExecutor *base, BnModel *model, GError **error)
{
  return TRUE;
}
static void
broken_reset (BnBaseExecutor *base)
{
  TEST_BROKEN_EXECUTOR (base)->steps = 0;
}
static gboolean
broken_eval (BnBaseExecutor *base, gint32 *tokens, guint n, float *logits, GError **error)
{
  guint n_vocab = bn_base_executor_get_n_vocab (base);
  for (guint i = 0; i < n_vocab; i++)
    logits[i] = (float) ((i * 7919u) % 101u);
  if (TEST_BROKEN_EXECUTOR (base)->steps++ == 3)
    logits[5] = NAN;
  return TRUE;
}
static gboolean
broken_decode (BnBaseExecutor *base, gint32 token, float *logits, GError **error)
{
  return broken_eval (base, &token, 1, logits, error);
}
static void
broken_describe (BnBaseExecutor *base, BnRecord *run)
{
}
static void
test_broken_executor_class_init (TestBrokenExecutorClass *klass)
{
  BnBaseExecutorClass *executor_class = BN_BASE_EXECUTOR_CLASS (klass);
  executor_class->load = broken_load;
  executor_class->reset = broken_reset;
  executor_class->prefill = broken_eval;
  executor_class->decode = broken_decode;
  executor_class->describe = broken_describe;
}
static void
test_broken_executor_init (TestBrokenExecutor *self)
{
}

static void
test_non_finite_logits (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) runs = run ("broken-executor tokens=8 iterations=1 warmup=0", &error);
  g_assert_null (runs);
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "non-finite at step 3 (NaN for token id 5)"));
}

static gboolean
test_plugin_init (BnPlugin *plugin, GError **error)
{
  return example_plugin_init (plugin, error)
         && bn_element_register (plugin, "broken-executor", 0, TEST_TYPE_BROKEN_EXECUTOR);
}

static const BnPluginDesc example_plugin = {
  .major_version = BN_VERSION_MAJOR,
  .minor_version = BN_VERSION_MINOR,
  .name = "example",
  .description = "the guide's example executor and a broken one",
  .init = test_plugin_init,
  .version = "1.0",
  .license = "LGPL-2.1-or-later",
  .package = "gst-bitnet tests",
  .origin = "docs/guide.md",
};

static void
collect (BnElement *sink, BnItem *item, BnPad *pad, gpointer data)
{
  g_ptr_array_add (data, g_object_ref (item));
}

/* Runs SOURCE ! EXECUTOR ! fakesink and returns the run records. */
static GPtrArray *
run (const char *executor, GError **error)
{
  g_autofree char *desc = g_strdup_printf (
      "fixture-src size=tiny ! quantizer format=i2s ! %s ! fakesink name=sink signal-handoffs=true", executor);
  g_autoptr (GError) perr = NULL;
  g_autoptr (BnElement) p = bn_parse_launch (desc, &perr);
  g_assert_no_error (perr);
  BnElement *sink = bn_bin_get_by_name (BN_BIN (p), "sink");
  GPtrArray *runs = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (sink, "handoff", G_CALLBACK (collect), runs);
  if (!bn_pipeline_run (BN_PIPELINE (p), error))
    g_clear_pointer (&runs, g_ptr_array_unref);
  return runs;
}

static char *
joined (BnRecord *r, BnRunField field)
{
  g_autoptr (JsonNode) node = json_node_init_array (json_node_alloc (), bn_run_record_get_array (r, field));
  return json_to_string (node, FALSE);
}

#define ARGS "tokens=6 iterations=2 warmup=1 n-prompt=5 threads=1"

/* The base class measures and records; the example only evaluates: the
 * same engine through kernel-executor gives the same tokens and logits. */
static void
test_example_matches_kernel_executor (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ours = run ("example-executor " ARGS, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) ref = run ("kernel-executor " ARGS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ours->len, ==, 2);
  g_assert_cmpuint (ref->len, ==, 2);
  for (guint i = 0; i < 2; i++) {
    BnRecord *r = ours->pdata[i];
    g_assert_cmpstr (bn_caps_get_media_type (bn_item_get_caps (BN_ITEM (r)), 0), ==, BN_RUN_MEDIA_TYPE);
    g_assert_cmpstr (bn_run_record_get_string (r, BN_RUN_FIELD_COMPUTE_PATH), ==, "real");
    g_assert_cmpstr (bn_run_record_get_string (r, BN_RUN_FIELD_EXECUTOR), ==, "example-executor");
    g_assert_cmpstr (bn_run_record_get_string (r, BN_RUN_FIELD_BACKEND), ==, "cpu");
    g_assert_cmpint (bn_run_record_get_int (r, BN_RUN_FIELD_ITERATION, -1), ==, i);
    g_assert_cmpint (bn_run_record_get_int (r, BN_RUN_FIELD_THREADS, -1), ==, 1);
    g_assert_cmpint (bn_run_record_get_int (r, BN_RUN_FIELD_TOKENS_GENERATED, -1), ==, 6);
    g_assert_cmpint (bn_run_record_get_int (r, BN_RUN_FIELD_PROMPT_TOKENS, -1), ==, 5);
    g_assert_true (bn_run_record_get_boolean (r, BN_RUN_FIELD_GREEDY, FALSE));
    g_assert_cmpuint (json_array_get_length (bn_run_record_get_array (r, BN_RUN_FIELD_DECODE_LATENCY_MS)), ==, 5);
    g_assert_cmpuint (json_array_get_length (bn_run_record_get_array (r, BN_RUN_FIELD_LOGITS_DIGESTS)), ==, 6);
    double p50 = bn_run_record_get_double (r, BN_RUN_FIELD_LATENCY_P50_MS, -1);
    double p99 = bn_run_record_get_double (r, BN_RUN_FIELD_LATENCY_P99_MS, -1);
    g_assert_cmpfloat (p50, >, 0);
    g_assert_cmpfloat (p99, >=, p50);
    g_assert_cmpfloat (bn_run_record_get_double (r, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, 0), >, 0);
    g_assert_cmpfloat (bn_run_record_get_double (r, BN_RUN_FIELD_PREFILL_MS, 0), >, 0);
    g_assert_cmpfloat (bn_run_record_get_double (r, BN_RUN_FIELD_FIRST_TOKEN_LATENCY_MS, 0), >=,
                       bn_run_record_get_double (r, BN_RUN_FIELD_PREFILL_MS, 0));
    g_assert_cmpfloat (bn_run_record_get_double (r, BN_RUN_FIELD_PEAK_MEMORY_MB, 0), >, 0);
    g_assert_true (bn_run_record_has (r, BN_RUN_FIELD_CPU_UTILIZATION_PERCENT));
    g_assert_cmpfloat (bn_run_record_get_double (r, BN_RUN_FIELD_BYTES_PER_TOKEN, 0), >, 0);

    g_autofree char *t_ours = joined (r, BN_RUN_FIELD_TOKEN_IDS);
    g_autofree char *t_ref = joined (ref->pdata[i], BN_RUN_FIELD_TOKEN_IDS);
    g_assert_cmpstr (t_ours, ==, t_ref);
    g_autofree char *d_ours = joined (r, BN_RUN_FIELD_LOGITS_DIGESTS);
    g_autofree char *d_ref = joined (ref->pdata[i], BN_RUN_FIELD_LOGITS_DIGESTS);
    g_assert_cmpstr (d_ours, ==, d_ref);
  }
}

/* keep-logits attaches every step's logits to the first timed record only */
static void
test_keep_logits (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) runs = run ("example-executor keep-logits=true " ARGS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 2);
  BnRecord *first = runs->pdata[0];
  GBytes *logits = g_object_get_data (G_OBJECT (first), BN_BASE_EXECUTOR_LOGITS_KEY);
  g_assert_nonnull (logits);
  gint64 steps = bn_run_record_get_int (first, BN_RUN_FIELD_LOGITS_STEPS, 0);
  gint64 n_vocab = bn_run_record_get_int (first, BN_RUN_FIELD_LOGITS_N_VOCAB, 0);
  g_assert_cmpint (steps, ==, 6);
  g_assert_cmpuint (g_bytes_get_size (logits), ==, (gsize) (steps * n_vocab) * sizeof (float));
  g_assert_cmpstr (bn_run_record_get_string (first, BN_RUN_FIELD_PROMPT_KIND), ==, "synthetic");
  g_assert_cmpuint (json_array_get_length (bn_run_record_get_array (first, BN_RUN_FIELD_PROMPT_TOKEN_IDS)), ==, 5);
  g_assert_null (g_object_get_data (G_OBJECT (runs->pdata[1]), BN_BASE_EXECUTOR_LOGITS_KEY));
  g_assert_false (bn_run_record_has (runs->pdata[1], BN_RUN_FIELD_LOGITS_STEPS));
}

/* the base class's own checks, with the element named */
static void
test_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) none = run ("example-executor prompt=hello tokens=2", &error);
  g_assert_null (none);
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS);
  g_assert_nonnull (strstr (error->message, "cannot tokenize text"));
  g_clear_error (&error);

  g_autoptr (GPtrArray) both = run ("example-executor prompt=hello prompt-tokens=1,2 tokens=2", &error);
  g_assert_null (both);
  g_assert_nonnull (strstr (error->message, "not both"));
  g_clear_error (&error);

  g_autoptr (GPtrArray) big = run ("example-executor n-prompt=4 tokens=8 ctx-size=6", &error);
  g_assert_null (big);
  g_assert_nonnull (strstr (error->message, "need a context of 12, more than ctx-size 6"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bn_init (&argc, &argv);
  g_autoptr (GError) error = NULL;
  if (!bn_plugin_register_static (&example_plugin, &error))
    g_error ("%s", error->message);
  g_test_add_func ("/bench/base-executor/example-matches-kernel-executor", test_example_matches_kernel_executor);
  g_test_add_func ("/bench/base-executor/keep-logits", test_keep_logits);
  g_test_add_func ("/bench/base-executor/errors", test_errors);
  g_test_add_func ("/bench/base-executor/non-finite-logits", test_non_finite_logits);
  return g_test_run ();
}
