/* gst-bitnet: the base class of executors (the timed prefill and decode loop)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bench.h"
#include "bn-json-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <sys/resource.h>

/**
 * SECTION:bn-base-executor
 * @title: BnBaseExecutor
 * @short_description: base class of elements that run a model and measure it
 *
 * An executor takes a `model/bitnet` item and pushes one `bench/run`
 * record (#BN_RUN_MEDIA_TYPE) per timed iteration. #BnBaseExecutor does
 * everything executors share, as GStreamer's base transform does for
 * filters: the prompt (#BnBaseExecutor:prompt-tokens, #BnBaseExecutor:prompt
 * through the subclass's tokenizer, or the synthetic prompt of
 * #BnBaseExecutor:seed), the context-size check, #BnBaseExecutor:warmup
 * untimed and #BnBaseExecutor:iterations timed iterations, progress
 * messages, cancellation, the clock, CPU time and share, memory, every
 * decode latency and its percentiles, the SHA-256 of the logits at every
 * step, and the run record (bn-run-record.h).
 *
 * A subclass implements a few virtual methods (#BnBaseExecutorClass):
 * load the model, prefill a batch, decode one token, reset the cache,
 * describe what ran. It never reads the clock: every time in a record
 * was measured here, around the subclass's own calls. A subclass whose
 * backend runs elsewhere (another process) may report the backend's own
 * time of a call with bn_base_executor_report_call_time(), measured there
 * around the backend's calls, so that moving inputs and logits between
 * processes is not counted; the base class refuses a report longer than
 * the call it measured.
 *
 * |[<!-- language="C" -->
 * static gboolean
 * my_decode (BnBaseExecutor *base, gint32 token, float *logits, GError **error)
 * {
 *   return my_backend_eval (MY_EXECUTOR (base)->backend, &token, 1, logits, error);
 * }
 *
 * static void
 * my_executor_class_init (MyExecutorClass *klass)
 * {
 *   BnBaseExecutorClass *executor_class = BN_BASE_EXECUTOR_CLASS (klass);
 *   executor_class->load = my_load;
 *   executor_class->reset = my_reset;
 *   executor_class->prefill = my_prefill;
 *   executor_class->decode = my_decode;
 *   executor_class->describe = my_describe;
 * }
 * ]|
 *
 * docs/guide.md has a complete executor, compiled in the tests.
 */

enum {
  PROP_0,
  PROP_THREADS,
  PROP_PROMPT,
  PROP_PROMPT_TOKENS,
  PROP_N_PROMPT,
  PROP_TOKENS,
  PROP_ITERATIONS,
  PROP_WARMUP,
  PROP_CTX_SIZE,
  PROP_SEED,
  PROP_KEEP_LOGITS,
  PROP_INJECT_SLOWDOWN,
  PROP_INJECT_SCHEDULE,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

typedef struct {
  guint threads;
  char *prompt;
  char **prompt_tokens;
  guint n_prompt, tokens, iterations, warmup, ctx_size;
  guint64 seed;
  gboolean keep_logits;
  double inject_slowdown;
  char *inject_schedule;
  GArray *schedule; /* double, parsed from inject_schedule while a model runs */
  gboolean sampling;
  gboolean logits_partial;
  /* while a model item is being run */
  BnModel *model;
  GArray *prompt_ids;
  guint n_vocab, n_threads;
  gint64 reported_ns; /* bn_base_executor_report_call_time() of the running call, else -1 */
} BnBaseExecutorPrivate;

/**
 * BnBaseExecutor:
 *
 * The abstract base of executors: an element that runs a model and
 * measures it.
 *
 * Since: 0.2
 */
G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (BnBaseExecutor, bn_base_executor, BN_TYPE_ELEMENT)

#define PRIV(self) ((BnBaseExecutorPrivate *) bn_base_executor_get_instance_private (self))

static void
bn_base_executor_finalize (GObject *object)
{
  BnBaseExecutorPrivate *priv = PRIV (BN_BASE_EXECUTOR (object));
  g_free (priv->prompt);
  g_strfreev (priv->prompt_tokens);
  g_free (priv->inject_schedule);
  G_OBJECT_CLASS (bn_base_executor_parent_class)->finalize (object);
}

static void
bn_base_executor_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnBaseExecutorPrivate *priv = PRIV (BN_BASE_EXECUTOR (object));
  switch (id) {
  case PROP_THREADS: g_value_set_uint (value, priv->threads); break;
  case PROP_PROMPT: g_value_set_string (value, priv->prompt); break;
  case PROP_PROMPT_TOKENS: g_value_set_boxed (value, priv->prompt_tokens); break;
  case PROP_N_PROMPT: g_value_set_uint (value, priv->n_prompt); break;
  case PROP_TOKENS: g_value_set_uint (value, priv->tokens); break;
  case PROP_ITERATIONS: g_value_set_uint (value, priv->iterations); break;
  case PROP_WARMUP: g_value_set_uint (value, priv->warmup); break;
  case PROP_CTX_SIZE: g_value_set_uint (value, priv->ctx_size); break;
  case PROP_SEED: g_value_set_uint64 (value, priv->seed); break;
  case PROP_KEEP_LOGITS: g_value_set_boolean (value, priv->keep_logits); break;
  case PROP_INJECT_SLOWDOWN: g_value_set_double (value, priv->inject_slowdown); break;
  case PROP_INJECT_SCHEDULE: g_value_set_string (value, priv->inject_schedule); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_base_executor_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnBaseExecutorPrivate *priv = PRIV (BN_BASE_EXECUTOR (object));
  switch (id) {
  case PROP_THREADS: priv->threads = g_value_get_uint (value); break;
  case PROP_PROMPT:
    g_free (priv->prompt);
    priv->prompt = g_value_dup_string (value);
    break;
  case PROP_PROMPT_TOKENS:
    g_strfreev (priv->prompt_tokens);
    priv->prompt_tokens = g_value_dup_boxed (value);
    break;
  case PROP_N_PROMPT: priv->n_prompt = g_value_get_uint (value); break;
  case PROP_TOKENS: priv->tokens = g_value_get_uint (value); break;
  case PROP_ITERATIONS: priv->iterations = g_value_get_uint (value); break;
  case PROP_WARMUP: priv->warmup = g_value_get_uint (value); break;
  case PROP_CTX_SIZE: priv->ctx_size = g_value_get_uint (value); break;
  case PROP_SEED: priv->seed = g_value_get_uint64 (value); break;
  case PROP_KEEP_LOGITS: priv->keep_logits = g_value_get_boolean (value); break;
  case PROP_INJECT_SLOWDOWN: priv->inject_slowdown = g_value_get_double (value); break;
  case PROP_INJECT_SCHEDULE:
    g_free (priv->inject_schedule);
    priv->inject_schedule = g_value_dup_string (value);
    break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static gboolean
bn_base_executor_start (BnElement *element, GError **error)
{
  BnBaseExecutorPrivate *priv = PRIV (BN_BASE_EXECUTOR (element));
  if (priv->prompt && priv->prompt_tokens) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("Give either prompt (text) or prompt-tokens (ids), not both"));
    return FALSE;
  }
  if (priv->iterations == 0) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS, _("iterations must be at least 1"));
    return FALSE;
  }
  return TRUE;
}

/* The prompt as token ids: ids as given, text through the subclass's
 * tokenizer, or the synthetic prompt of the seed. */
static gboolean
make_prompt (BnBaseExecutor *self, GArray *ids, GError **error)
{
  BnBaseExecutorPrivate *priv = PRIV (self);
  BnBaseExecutorClass *klass = BN_BASE_EXECUTOR_GET_CLASS (self);
  guint n_vocab = MIN (priv->n_vocab, bn_model_get_config (priv->model)->n_vocab);
  if (priv->prompt_tokens)
    return bn_token_ids_parse ((const char *const *) priv->prompt_tokens, n_vocab, ids, error);
  if (priv->prompt) {
    if (!klass->tokenize) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                   _("%s cannot tokenize text: give prompt-tokens or n-prompt"), G_OBJECT_TYPE_NAME (self));
      return FALSE;
    }
    return klass->tokenize (self, priv->prompt, ids, error);
  }
  bn_synthetic_prompt (priv->seed, priv->n_prompt, n_vocab, ids);
  return TRUE;
}

static guint
resolve_threads (BnBaseExecutorPrivate *priv)
{
  const char *env = g_getenv ("BITNET_NUM_THREADS");
  guint n = priv->threads ? priv->threads
            : env && *env ? (guint) MIN (g_ascii_strtoull (env, NULL, 10), 1024)
                          : g_get_num_processors ();
  return MAX (n, 1);
}

static double
cpu_seconds (const struct rusage *a, const struct rusage *b)
{
  return (b->ru_utime.tv_sec - a->ru_utime.tv_sec) + (b->ru_utime.tv_usec - a->ru_utime.tv_usec) / 1e6
         + (b->ru_stime.tv_sec - a->ru_stime.tv_sec) + (b->ru_stime.tv_usec - a->ru_stime.tv_usec) / 1e6;
}

static JsonArray *
json_ints (const gint32 *v, guint n)
{
  JsonArray *a = json_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    json_array_add_int_element (a, v[i]);
  return a;
}

/* What one iteration measured, for its record. */
typedef struct {
  guint iteration;
  gboolean greedy;
  double slowdown; /* injected on purpose (calibration); 0: none */
  gint64 t0, t_prefill, t_first, t_end;
  double cpu_s;
  GArray *generated; /* gint32 */
  GArray *decode_ms; /* double */
  GPtrArray *digests;
} Measured;

static BnRecord *
make_record (BnBaseExecutor *self, const Measured *m)
{
  BnBaseExecutorPrivate *priv = PRIV (self);
  BnBaseExecutorClass *klass = BN_BASE_EXECUTOR_GET_CLASS (self);
  const GArray *prompt = priv->prompt_ids;
  double prefill_ms = (m->t_prefill - m->t0) / 1000.0;
  double total_ms = (m->t_end - m->t0) / 1000.0;
  double decode_total_ms = 0;
  for (guint i = 0; i < m->decode_ms->len; i++)
    decode_total_ms += g_array_index (m->decode_ms, double, i);
  g_autoptr (GArray) sorted = g_array_copy (m->decode_ms);
  bn_doubles_sort ((double *) sorted->data, sorted->len);
  const double *sv = (const double *) sorted->data;
  double rss_mb, peak_mb;
  bn_machine_memory_mb (&rss_mb, &peak_mb);
  const char *factory = bn_element_get_factory_name (BN_ELEMENT (self));

  BnRecord *run = bn_run_record_new ();
  bn_run_record_set_string (run, BN_RUN_FIELD_COMPUTE_PATH, "real");
  bn_run_record_set_boolean (run, BN_RUN_FIELD_EMULATED, bn_machine_emulator () != NULL);
  bn_run_record_set_string (run, BN_RUN_FIELD_EXECUTOR, factory ? factory : G_OBJECT_TYPE_NAME (self));
  bn_run_record_set_int (run, BN_RUN_FIELD_ITERATION, m->iteration);
  bn_run_record_set_int (run, BN_RUN_FIELD_THREADS, priv->n_threads);
  bn_run_record_set_boolean (run, BN_RUN_FIELD_DETERMINISTIC, bn_env_is_true ("BITNET_DETERMINISTIC"));
  bn_run_record_set_boolean (run, BN_RUN_FIELD_GREEDY, m->greedy);
  if (m->slowdown > 0)
    bn_run_record_set_double (run, BN_RUN_FIELD_INJECTED_SLOWDOWN, m->slowdown);
  bn_run_record_set_int (run, BN_RUN_FIELD_SEED, (gint64) priv->seed);
  bn_run_record_set_int (run, BN_RUN_FIELD_TOKENS_REQUESTED, priv->tokens);
  bn_run_record_set_int (run, BN_RUN_FIELD_TOKENS_GENERATED, m->generated->len);
  bn_run_record_set_int (run, BN_RUN_FIELD_PROMPT_TOKENS, prompt->len);
  bn_run_record_set_double (run, BN_RUN_FIELD_PREFILL_MS, prefill_ms);
  bn_run_record_set_double (run, BN_RUN_FIELD_PREFILL_TOKENS_PER_SECOND,
                            prefill_ms > 0 ? prompt->len / (prefill_ms / 1000.0) : 0);
  bn_run_record_set_double (run, BN_RUN_FIELD_FIRST_TOKEN_LATENCY_MS, (m->t_first - m->t0) / 1000.0);
  bn_run_record_set_double (run, BN_RUN_FIELD_DECODE_MS, decode_total_ms);
  bn_run_record_set_double (run, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND,
                            decode_total_ms > 0 ? m->decode_ms->len / (decode_total_ms / 1000.0) : 0);
  bn_run_record_set_double (run, BN_RUN_FIELD_TOKENS_PER_SECOND,
                            total_ms > 0 ? m->generated->len / (total_ms / 1000.0) : 0);
  bn_run_record_set_double (run, BN_RUN_FIELD_TOTAL_TIME_MS, total_ms);
  bn_run_record_set_double (run, BN_RUN_FIELD_AVERAGE_TOKEN_LATENCY_MS,
                            m->decode_ms->len ? decode_total_ms / m->decode_ms->len : 0);
  bn_run_record_set_double (run, BN_RUN_FIELD_LATENCY_P50_MS, bn_percentile (sv, sorted->len, 50));
  bn_run_record_set_double (run, BN_RUN_FIELD_LATENCY_P95_MS, bn_percentile (sv, sorted->len, 95));
  bn_run_record_set_double (run, BN_RUN_FIELD_LATENCY_P99_MS, bn_percentile (sv, sorted->len, 99));
  bn_run_record_set_double (run, BN_RUN_FIELD_CPU_UTILIZATION_PERCENT,
                            total_ms > 0 ? 100.0 * m->cpu_s / (total_ms / 1000.0) : 0);
  bn_run_record_set_double (run, BN_RUN_FIELD_MEMORY_USAGE_MB, rss_mb);
  bn_run_record_set_double (run, BN_RUN_FIELD_PEAK_MEMORY_MB, peak_mb);
  g_autofree char *text =
      klass->detokenize ? klass->detokenize (self, (const gint32 *) m->generated->data, m->generated->len) : NULL;
  if (text)
    bn_run_record_set_string (run, BN_RUN_FIELD_TEXT, text);
  bn_run_record_take_array (run, BN_RUN_FIELD_TOKEN_IDS,
                            json_ints ((const gint32 *) m->generated->data, m->generated->len));
  bn_run_record_take_array (run, BN_RUN_FIELD_DECODE_LATENCY_MS,
                            bn_json_doubles ((const double *) m->decode_ms->data, m->decode_ms->len));
  bn_run_record_take_array (run, BN_RUN_FIELD_PREFILL_LATENCY_MS, bn_json_doubles (&prefill_ms, 1));
  /* what a replay needs to re-execute the run (strict-validator replay=N) */
  bn_run_record_set_string (run, BN_RUN_FIELD_PROMPT_KIND,
                            priv->prompt_tokens ? "ids"
                            : priv->prompt      ? "text"
                                                : "synthetic");
  bn_run_record_take_array (run, BN_RUN_FIELD_PROMPT_TOKEN_IDS, json_ints ((const gint32 *) prompt->data, prompt->len));
  JsonArray *digests = json_array_sized_new (m->digests->len);
  for (guint i = 0; i < m->digests->len; i++)
    json_array_add_string_element (digests, m->digests->pdata[i]);
  bn_run_record_take_array (run, BN_RUN_FIELD_LOGITS_DIGESTS, digests);
  klass->describe (self, run);
  return run;
}

/* Attaches the kept logits to the first timed record. */
static void
attach_logits (BnBaseExecutor *self, BnRecord *run, GByteArray *kept, guint steps)
{
  BnBaseExecutorPrivate *priv = PRIV (self);
  bn_run_record_set_int (run, BN_RUN_FIELD_LOGITS_STEPS, steps);
  bn_run_record_set_int (run, BN_RUN_FIELD_LOGITS_N_VOCAB, priv->n_vocab);
  g_object_set_data_full (G_OBJECT (run), BN_BASE_EXECUTOR_LOGITS_KEY, g_byte_array_free_to_bytes (kept),
                          (GDestroyNotify) g_bytes_unref);
}

static void
post_progress (BnBaseExecutor *self, guint iteration, guint token)
{
  BnBaseExecutorPrivate *priv = PRIV (self);
  g_autofree char *text =
      g_strdup_printf (_("iteration %u/%u, token %u/%u"), iteration + 1, priv->iterations, token, priv->tokens);
  bn_element_post_progress (BN_ELEMENT (self), (iteration + (double) token / priv->tokens) / priv->iterations, text);
}

/* FALSE, with the step and the first offending token id in @error, when
 * @logits hold a NaN or an infinity: a broken model must not produce a
 * run, let alone a fast one. With @partial logits (a certified head),
 * -infinity marks the tokens that cannot rank first and is allowed.
 * Checked outside the timed regions. */
static gboolean
logits_finite (const float *logits, guint n, gboolean partial, guint step, GError **error)
{
  for (guint i = 0; i < n; i++)
    if (!isfinite (logits[i]) && !(partial && logits[i] == -INFINITY)) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED,
                   _("The logits went non-finite at step %u (%s for token id %u): the model's weights or the "
                      "engine are broken; no run is recorded"),
                   step, isnan (logits[i]) ? "NaN" : "infinity", i);
      return FALSE;
    }
  return TRUE;
}

/* After a prefill or decode call that started at @start (on the clock
 * `now - *hidden`): when the subclass reported the backend's own time,
 * the rest of the call (transfers) is added to @hidden so every later mark
 * leaves it out. FALSE when the report is longer than the call. */
static gboolean
hide_transfer (BnBaseExecutor *self, gint64 start, gint64 *hidden, guint step, GError **error)
{
  BnBaseExecutorPrivate *priv = PRIV (self);
  gint64 ns = priv->reported_ns;
  priv->reported_ns = -1;
  if (ns < 0)
    return TRUE;
  gint64 wall_us = g_get_monotonic_time () - *hidden - start;
  gint64 us = (ns + 500) / 1000;
  if (us > wall_us + 1) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED,
                 _("Step %u: the backend reported %.3f ms for a call that took %.3f ms: no run is recorded"), step,
                 ns / 1e6, wall_us / 1e3);
    return FALSE;
  }
  *hidden += MAX (wall_us - us, 0);
  return TRUE;
}

/* One iteration: prefill, then decode token by token; a record when
 * @timed. Only the subclass's prefill, decode and sample calls are inside
 * the clock's marks; digests and kept logits are taken between steps, as
 * the latency samples exclude them. */
static BnFlowReturn
run_iteration (BnBaseExecutor *self, guint iteration, gboolean timed, BnRecord **out)
{
  BnBaseExecutorPrivate *priv = PRIV (self);
  BnBaseExecutorClass *klass = BN_BASE_EXECUTOR_GET_CLASS (self);
  BnElement *element = BN_ELEMENT (self);
  guint n_vocab = priv->n_vocab;
  g_autofree float *logits = g_new (float, n_vocab);
  g_autoptr (GArray) scratch = g_array_copy (priv->prompt_ids);
  g_autoptr (GArray) generated = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr (GArray) decode_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GPtrArray) digests = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  gboolean greedy = bn_env_is_true ("BITNET_DETERMINISTIC") || !priv->sampling || !klass->sample;
  g_autoptr (GRand) rand = g_rand_new_with_seed ((guint32) priv->seed);
  g_autoptr (GByteArray) kept = priv->keep_logits && timed && iteration == 0 ? g_byte_array_new () : NULL;
  struct rusage ru0, ru1;
  /* calibration: the schedule's entry for this timed iteration, else the
   * fixed fraction; warm-ups are never slowed */
  double slowdown = !timed           ? 0
                    : priv->schedule ? g_array_index (priv->schedule, double, iteration % priv->schedule->len)
                                     : priv->inject_slowdown;

  /* time left out of the marks: transfers, when the subclass reports its
   * backend's own time (bn_base_executor_report_call_time()) */
  gint64 hidden = 0;
#define NOW() (g_get_monotonic_time () - hidden)

  klass->reset (self);
  getrusage (RUSAGE_SELF, &ru0);
  priv->reported_ns = -1;
  gint64 t0 = NOW ();
  if (!klass->prefill (self, (gint32 *) scratch->data, scratch->len, logits, &error)
      || !hide_transfer (self, t0, &hidden, 0, &error)) {
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  gint64 t_prefill = NOW ();
  gint32 next = greedy ? bn_logits_argmax (logits, n_vocab) : klass->sample (self, logits, n_vocab, rand);
  gint64 t_first = NOW ();
  if (!logits_finite (logits, n_vocab, priv->logits_partial, 0, &error)) {
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  g_ptr_array_add (digests, bn_logits_digest (logits, n_vocab));
  if (kept)
    g_byte_array_append (kept, (const guint8 *) logits, n_vocab * sizeof (float));

  for (guint i = 0; i < priv->tokens; i++) {
    if (bn_element_is_cancelled (element))
      return BN_FLOW_CANCELLED;
    g_array_append_val (generated, next);
    if (i + 1 == priv->tokens)
      break;
    gint64 a = NOW ();
    if (!klass->decode (self, next, logits, &error) || !hide_transfer (self, a, &hidden, i + 1, &error)) {
      bn_element_post_error (element, error, NULL);
      return BN_FLOW_ERROR;
    }
    next = greedy ? bn_logits_argmax (logits, n_vocab) : klass->sample (self, logits, n_vocab, rand);
    if (slowdown > 0) {
      /* calibration: busy, so that the run's CPU share stays what it was */
      gint64 until = g_get_monotonic_time () + (gint64) ((NOW () - a) * slowdown);
      while (g_get_monotonic_time () < until)
        ;
    }
    double ms = (NOW () - a) / 1000.0;
    g_array_append_val (decode_ms, ms);
    if (!logits_finite (logits, n_vocab, priv->logits_partial, i + 1, &error)) {
      bn_element_post_error (element, error, NULL);
      return BN_FLOW_ERROR;
    }
    g_ptr_array_add (digests, bn_logits_digest (logits, n_vocab));
    if (kept)
      g_byte_array_append (kept, (const guint8 *) logits, n_vocab * sizeof (float));
    if (timed && (i % 8 == 0 || i + 2 == priv->tokens))
      post_progress (self, iteration, i + 2);
  }
  gint64 t_end = NOW ();
#undef NOW
  getrusage (RUSAGE_SELF, &ru1);
  if (hidden)
    g_debug ("iteration %u: %.3f ms of transfers to and from the backend left out of the times", iteration,
             hidden / 1e3);
  if (!timed)
    return BN_FLOW_OK;

  Measured m = { iteration, greedy,    slowdown, t0, t_prefill, t_first, t_end, cpu_seconds (&ru0, &ru1),
                 generated, decode_ms, digests };
  *out = make_record (self, &m);
  if (kept)
    attach_logits (self, *out, g_steal_pointer (&kept), digests->len);
  return BN_FLOW_OK;
}

/* "0,0.1,0,0.25": fractions in [0, 10], at most 1000 of them */
static GArray *
parse_schedule (const char *text, GError **error)
{
  g_auto (GStrv) items = g_strsplit (text, ",", 0);
  g_autoptr (GArray) v = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; items[i]; i++) {
    char *end = NULL;
    const char *item = g_strstrip (items[i]);
    double x = g_ascii_strtod (item, &end);
    if (!*item || *end || !isfinite (x) || x < 0 || x > 10 || i >= 1000) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                   _("inject-schedule \"%s\": item %u (\"%s\") is not a fraction between 0 and 10 (at most 1000 "
                      "items, e.g. 0,0.1,0,0.25)"),
                   text, i + 1, item);
      return NULL;
    }
    g_array_append_val (v, x);
  }
  return g_steal_pointer (&v);
}

static BnFlowReturn
run_model (BnBaseExecutor *self)
{
  BnBaseExecutorPrivate *priv = PRIV (self);
  BnBaseExecutorClass *klass = BN_BASE_EXECUTOR_GET_CLASS (self);
  BnElement *element = BN_ELEMENT (self);
  g_autoptr (GError) error = NULL;

  if (!make_prompt (self, priv->prompt_ids, &error)) {
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  g_clear_pointer (&priv->schedule, g_array_unref);
  if (priv->inject_schedule && *priv->inject_schedule
      && !(priv->schedule = parse_schedule (priv->inject_schedule, &error))) {
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  const BnModelConfig *cfg = bn_model_get_config (priv->model);
  guint needed = priv->prompt_ids->len + priv->tokens;
  guint n_ctx = priv->ctx_size ? priv->ctx_size : MIN (needed, cfg->n_ctx);
  if (needed > n_ctx) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                      _("The prompt (%u tokens) and %u generated tokens need a context of %u, more than "
                         "ctx-size %u (the model was trained for %u)"),
                      priv->prompt_ids->len, priv->tokens, needed, n_ctx, cfg->n_ctx);
    return BN_FLOW_ERROR;
  }
  priv->n_threads = resolve_threads (priv);
  if (klass->prepare && !klass->prepare (self, n_ctx, priv->n_threads, priv->prompt_ids->len, &error)) {
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  for (guint w = 0; w < priv->warmup; w++) {
    bn_element_post_progress (element, 0.0, _("warm-up"));
    BnFlowReturn r = run_iteration (self, w, FALSE, NULL);
    if (r != BN_FLOW_OK)
      return r;
  }
  for (guint it = 0; it < priv->iterations; it++) {
    BnRecord *run = NULL;
    BnFlowReturn r = run_iteration (self, it, TRUE, &run);
    if (r == BN_FLOW_OK)
      r = bn_element_push (element, BN_ITEM (run));
    if (r != BN_FLOW_OK)
      return r;
  }
  return BN_FLOW_OK;
}

static BnFlowReturn
bn_base_executor_chain (BnElement *element, BnPad *pad, BnItem *item)
{
  BnBaseExecutor *self = BN_BASE_EXECUTOR (element);
  BnBaseExecutorPrivate *priv = PRIV (self);
  BnBaseExecutorClass *klass = BN_BASE_EXECUTOR_GET_CLASS (self);
  g_autoptr (BnItem) owned = item;
  g_autoptr (GError) error = NULL;

  priv->model = BN_MODEL (owned);
  priv->n_vocab = bn_model_get_config (priv->model)->n_vocab;
  priv->n_threads = 0;
  priv->prompt_ids = g_array_new (FALSE, FALSE, sizeof (gint32));
  BnFlowReturn ret;
  if (klass->load (self, priv->model, &error)) {
    ret = run_model (self);
  } else {
    bn_element_post_error (element, error, NULL);
    ret = BN_FLOW_ERROR;
  }
  if (klass->unload)
    klass->unload (self);
  g_clear_pointer (&priv->prompt_ids, g_array_unref);
  g_clear_pointer (&priv->schedule, g_array_unref);
  priv->model = NULL;
  return ret;
}

static void
bn_base_executor_class_init (BnBaseExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bn_base_executor_finalize;
  object_class->get_property = bn_base_executor_get_property;
  object_class->set_property = bn_base_executor_set_property;
  element_class->start = bn_base_executor_start;
  element_class->chain = bn_base_executor_chain;

  /**
   * BnBaseExecutor:threads:
   *
   * Worker threads; 0 takes `BITNET_NUM_THREADS`, else every core.
   *
   * Since: 0.2
   */
  props[PROP_THREADS] = g_param_spec_uint ("threads", "Threads",
                                           "Worker threads (0: $BITNET_NUM_THREADS, else all cores)", 0, 1024, 0, rw);
  /**
   * BnBaseExecutor:prompt:
   *
   * Prompt text, tokenized by the subclass's tokenizer (BOS as the
   * vocabulary asks).
   *
   * Since: 0.2
   */
  props[PROP_PROMPT] = g_param_spec_string ("prompt", "Prompt",
                                            "Prompt text (tokenized with the model's vocabulary, BOS added)", NULL, rw);
  /**
   * BnBaseExecutor:prompt-tokens:
   *
   * Prompt as token ids.
   *
   * Since: 0.2
   */
  props[PROP_PROMPT_TOKENS] =
      g_param_spec_boxed ("prompt-tokens", "Prompt tokens", "Prompt as comma-separated token ids", G_TYPE_STRV, rw);
  /**
   * BnBaseExecutor:n-prompt:
   *
   * Length of the synthetic prompt drawn from #BnBaseExecutor:seed when
   * neither prompt is set (0: 8).
   *
   * Since: 0.2
   */
  props[PROP_N_PROMPT] = g_param_spec_uint ("n-prompt", "Synthetic prompt length",
                                            "Length of a synthetic prompt drawn from the seed when "
                                            "neither prompt nor prompt-tokens is set (0: 8)",
                                            0, 1 << 20, 0, rw);
  /**
   * BnBaseExecutor:tokens:
   *
   * Tokens generated per iteration.
   *
   * Since: 0.2
   */
  props[PROP_TOKENS] = g_param_spec_uint ("tokens", "Tokens", "Tokens to generate per iteration", 1, 1 << 20, 64, rw);
  /**
   * BnBaseExecutor:iterations:
   *
   * Timed iterations, one run record each.
   *
   * Since: 0.2
   */
  props[PROP_ITERATIONS] =
      g_param_spec_uint ("iterations", "Iterations", "Timed iterations, one run record each", 1, 100000, 3, rw);
  /**
   * BnBaseExecutor:warmup:
   *
   * Untimed iterations before the timed ones.
   *
   * Since: 0.2
   */
  props[PROP_WARMUP] = g_param_spec_uint ("warmup", "Warm-up", "Untimed iterations first", 0, 1000, 1, rw);
  /**
   * BnBaseExecutor:ctx-size:
   *
   * Positions of the KV cache (0: prompt + tokens).
   *
   * Since: 0.2
   */
  props[PROP_CTX_SIZE] =
      g_param_spec_uint ("ctx-size", "Context size", "KV cache length (0: prompt + tokens)", 0, 1 << 20, 0, rw);
  /**
   * BnBaseExecutor:seed:
   *
   * Seed of sampling and of the synthetic prompt (default `BITNET_SEED`,
   * else 42).
   *
   * Since: 0.2
   */
  props[PROP_SEED] = g_param_spec_uint64 ("seed", "Seed",
                                          "Seed of sampling and of a synthetic prompt "
                                          "(default $BITNET_SEED, else 42)",
                                          0, G_MAXUINT32, 42, rw);
  /**
   * BnBaseExecutor:keep-logits:
   *
   * Attach every step's float logits (#BN_BASE_EXECUTOR_LOGITS_KEY) and
   * the prompt's token ids to the first timed record.
   *
   * Since: 0.2
   */
  props[PROP_KEEP_LOGITS] = g_param_spec_boolean ("keep-logits", "Keep logits",
                                                  "Attach every step's float logits and the prompt's "
                                                  "token ids to the first timed run record (for crossval)",
                                                  FALSE, rw);
  /**
   * BnBaseExecutor:inject-slowdown:
   *
   * Calibration only: slows each decode step by this fraction of its own
   * time, busy-waiting so that the CPU share stays honest, to measure how
   * often a regression gate detects a slowdown of known size. The runs say
   * so (`injected_slowdown`); strict mode, baseline-sink, the history and
   * the reports refuse them.
   *
   * Since: 0.2
   */
  props[PROP_INJECT_SLOWDOWN] =
      g_param_spec_double ("inject-slowdown", "Injected slowdown",
                           "Calibration only: slow each decode step by this fraction of its time (0.1: 10% slower); "
                           "the runs are marked and refused by strict mode, baseline-sink, the history and reports",
                           0, 10, 0, rw);
  /**
   * BnBaseExecutor:inject-schedule:
   *
   * Calibration only: a comma-separated cycle of slowdown fractions, one
   * per timed iteration (`0,0.1,0,0.25`: unslowed, 10% slower, unslowed,
   * 25% slower, then again), so that a calibration measures unslowed and
   * slowed runs interleaved, under the same machine state. Overrides
   * #BnBaseExecutor:inject-slowdown; warm-ups are never slowed. Each slowed
   * run is marked as #BnBaseExecutor:inject-slowdown marks it.
   *
   * Since: 0.2
   */
  props[PROP_INJECT_SCHEDULE] =
      g_param_spec_string ("inject-schedule", "Injected slowdown schedule",
                           "Calibration only: comma-separated slowdown fractions applied in turn to the timed "
                           "iterations (0,0.1,0,0.25); overrides inject-slowdown; slowed runs are marked",
                           NULL, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_add_static_pad_template (element_class, "sink", BN_PAD_SINK, BN_PAD_ALWAYS, "model/bitnet");
  bn_element_class_add_static_pad_template (element_class, "src", BN_PAD_SRC, BN_PAD_ALWAYS, BN_RUN_MEDIA_TYPE);
}

static void
bn_base_executor_init (BnBaseExecutor *self)
{
  BnBaseExecutorPrivate *priv = PRIV (self);
  const char *seed = g_getenv ("BITNET_SEED");
  priv->tokens = 64;
  priv->iterations = 3;
  priv->warmup = 1;
  priv->seed = seed && *seed ? g_ascii_strtoull (seed, NULL, 10) : 42;
}

/**
 * bn_base_executor_get_model:
 * @self: an executor
 *
 * Gets the model being run, between the @load and @unload virtual methods.
 *
 * Returns: (transfer none) (nullable): the model, or %NULL outside a run.
 *
 * Since: 0.2
 */
BnModel *
bn_base_executor_get_model (BnBaseExecutor *self)
{
  g_return_val_if_fail (BN_IS_BASE_EXECUTOR (self), NULL);
  return PRIV (self)->model;
}

/**
 * bn_base_executor_get_prompt:
 * @self: an executor
 *
 * Gets the prompt's token ids, known from the @prepare virtual method on.
 *
 * Returns: (transfer none) (nullable) (element-type gint32): the prompt,
 *   or %NULL outside a run.
 *
 * Since: 0.2
 */
const GArray *
bn_base_executor_get_prompt (BnBaseExecutor *self)
{
  g_return_val_if_fail (BN_IS_BASE_EXECUTOR (self), NULL);
  return PRIV (self)->prompt_ids;
}

/**
 * bn_base_executor_get_n_vocab:
 * @self: an executor
 *
 * Gets the number of logits per step.
 *
 * Returns: the logits per step: the model's vocabulary unless the
 *   subclass set another with bn_base_executor_set_n_vocab().
 *
 * Since: 0.2
 */
guint
bn_base_executor_get_n_vocab (BnBaseExecutor *self)
{
  g_return_val_if_fail (BN_IS_BASE_EXECUTOR (self), 0);
  return PRIV (self)->n_vocab;
}

/**
 * bn_base_executor_set_n_vocab:
 * @self: an executor
 * @n_vocab: logits per step, at least 1
 *
 * Sets how many logits the backend writes per step, when it differs from
 * the model's configuration (a backend that pads its vocabulary). Call it
 * from the @load virtual method.
 *
 * Since: 0.2
 */
void
bn_base_executor_set_n_vocab (BnBaseExecutor *self, guint n_vocab)
{
  g_return_if_fail (BN_IS_BASE_EXECUTOR (self));
  g_return_if_fail (n_vocab > 0);
  PRIV (self)->n_vocab = n_vocab;
}

/**
 * bn_base_executor_set_sampling:
 * @self: an executor
 * @sampling: whether the @sample virtual method picks tokens
 *
 * Turns sampling on or off; off (the default), the base class decodes
 * greedily. `BITNET_DETERMINISTIC=1` forces greedy decoding either way.
 *
 * Since: 0.2
 */
void
bn_base_executor_set_sampling (BnBaseExecutor *self, gboolean sampling)
{
  g_return_if_fail (BN_IS_BASE_EXECUTOR (self));
  PRIV (self)->sampling = sampling;
}

/**
 * bn_base_executor_set_logits_partial:
 * @self: an executor
 * @partial: whether the backend writes only the logits that can rank
 *   among the best (a certified head) and -infinity for the others
 *
 * Tells the base class that -infinity in the logits is the backend's mark
 * for tokens that cannot rank among the best, not a broken model: the
 * check that refuses non-finite logits lets it pass. The logits digests
 * are then those of the partial logits. Call it from @prepare; a subclass
 * that sets it must write full logits when #BnBaseExecutor:keep-logits is
 * set or when it samples over the whole vocabulary.
 *
 * Since: 0.2
 */
void
bn_base_executor_set_logits_partial (BnBaseExecutor *self, gboolean partial)
{
  g_return_if_fail (BN_IS_BASE_EXECUTOR (self));
  PRIV (self)->logits_partial = partial;
}

/**
 * bn_base_executor_report_call_time:
 * @self: an executor
 * @ns: nanoseconds the backend spent in this call, measured where it runs
 *
 * Called from the @prefill or @decode virtual method of a subclass whose
 * backend runs in another process (reference-executor's llama.cpp
 * worker): the backend's own time of the call, measured around the
 * backend's calls in that process, replaces the base class's measure of
 * the whole call, which also holds the transfer of the request and the
 * logits. The difference is left out of every time of the record
 * (prefill, first-token latency, decode latencies, total). A report
 * longer than the call as the base class measured it fails the call:
 * a subclass cannot report a time that was not spent.
 *
 * Since: 0.2
 */
void
bn_base_executor_report_call_time (BnBaseExecutor *self, gint64 ns)
{
  g_return_if_fail (BN_IS_BASE_EXECUTOR (self));
  g_return_if_fail (ns >= 0);
  PRIV (self)->reported_ns = ns;
}

/**
 * bn_base_executor_get_tokens:
 * @self: an executor
 *
 * Gets #BnBaseExecutor:tokens.
 *
 * Returns: the tokens generated per iteration.
 *
 * Since: 0.2
 */
guint
bn_base_executor_get_tokens (BnBaseExecutor *self)
{
  g_return_val_if_fail (BN_IS_BASE_EXECUTOR (self), 0);
  return PRIV (self)->tokens;
}

/**
 * bn_base_executor_get_seed:
 * @self: an executor
 *
 * Gets #BnBaseExecutor:seed.
 *
 * Returns: the seed of sampling and of the synthetic prompt.
 *
 * Since: 0.2
 */
guint64
bn_base_executor_get_seed (BnBaseExecutor *self)
{
  g_return_val_if_fail (BN_IS_BASE_EXECUTOR (self), 0);
  return PRIV (self)->seed;
}
