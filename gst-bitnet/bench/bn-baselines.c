/* gst-bitnet: the baselines file (crossval/baselines.json) and the metrics it keeps
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Shape (docs/schemas/baselines.schema.json), the seed's with raw samples:
 *
 *   { "version": "1.0.0",
 *     "baselines": { "<platform>": { "<implementation>": {
 *         "throughput_tokens_per_second": ..., "latency_p50_ms": ...,
 *         "latency_p95_ms": ..., "latency_p99_ms": ...,
 *         "first_token_latency_ms": ..., "memory_usage_mb": ...,
 *         "accuracy_score": ..., "samples": { "<metric>": [ ... ] },
 *         "sample_count": N, "date": ..., "build_commit": ...,
 *         "machine": { ... }, "model_fingerprint": ..., ... } } },
 *     "thresholds": { "critical": { ... }, "warning": { ... } } }
 */
#include "config.h"

#include "bn-baselines-private.h"
#include "bn-signing-private.h"
#include "bn-json-private.h"

#include <gst-bitnet/bn-file-private.h>

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

static const BnMetricInfo metrics[BN_N_METRICS] = {
  [BN_METRIC_THROUGHPUT] = { "throughput_tokens_per_second", N_("decode throughput"), "tok/s", TRUE, TRUE,
                             BN_LIMIT_THROUGHPUT },
  [BN_METRIC_LATENCY_P50] = { "latency_p50_ms", N_("token latency p50"), "ms", FALSE, TRUE, BN_LIMIT_LATENCY },
  [BN_METRIC_LATENCY_P10] = { "latency_p10_ms", N_("token latency p10"), "ms", FALSE, TRUE, BN_LIMIT_LATENCY },
  [BN_METRIC_LATENCY_MIN] = { "latency_min_ms", N_("token latency minimum"), "ms", FALSE, TRUE, BN_LIMIT_LATENCY },
  [BN_METRIC_FIRST_TOKEN] = { "first_token_latency_ms", N_("first-token latency"), "ms", FALSE, TRUE,
                              BN_LIMIT_LATENCY },
  [BN_METRIC_MEMORY] = { "memory_usage_mb", N_("peak memory"), "MB", FALSE, TRUE, BN_LIMIT_MEMORY },
  [BN_METRIC_ACCURACY] = { "accuracy_score", N_("accuracy (cosine)"), "", TRUE, FALSE, BN_LIMIT_ACCURACY },
};

static const char *const limit_keys[BN_N_LIMITS] = {
  [BN_LIMIT_THROUGHPUT] = "throughput_decrease_percent",
  [BN_LIMIT_LATENCY] = "latency_increase_percent",
  [BN_LIMIT_MEMORY] = "memory_increase_percent",
  [BN_LIMIT_ACCURACY] = "accuracy_drop",
};

/* the largest meaningful value of each threshold: a throughput cannot drop
 * by more than 100%, a cosine by more than 1; latency and memory may grow
 * a hundredfold. The analyzer's properties have the same ranges. */
static const double limit_max[BN_N_LIMITS] = {
  [BN_LIMIT_THROUGHPUT] = 100,
  [BN_LIMIT_LATENCY] = 10000,
  [BN_LIMIT_MEMORY] = 10000,
  [BN_LIMIT_ACCURACY] = 1,
};

/* headline members that must be numbers when present */
static const char *const number_members[] = { "throughput_tokens_per_second",
                                              "latency_p50_ms",
                                              "latency_p10_ms",
                                              "latency_min_ms",
                                              "latency_p95_ms",
                                              "latency_p99_ms",
                                              "first_token_latency_ms",
                                              "memory_usage_mb",
                                              "accuracy_score",
                                              NULL };

/* the quantile of each run's per-token latencies of each token-latency metric */
static const double token_quantiles[BN_N_METRICS] = {
  [BN_METRIC_THROUGHPUT] = NAN, [BN_METRIC_LATENCY_P50] = 0.5, [BN_METRIC_LATENCY_P10] = 0.1,
  [BN_METRIC_LATENCY_MIN] = 0,  [BN_METRIC_FIRST_TOKEN] = NAN, [BN_METRIC_MEMORY] = NAN,
  [BN_METRIC_ACCURACY] = NAN,
};

const BnMetricInfo *
bn_metric_info (BnMetric metric)
{
  g_return_val_if_fail (metric < BN_N_METRICS, NULL);
  return &metrics[metric];
}

gboolean
bn_metric_is_token_latency (BnMetric metric)
{
  return isfinite (bn_metric_token_quantile (metric));
}

double
bn_metric_token_quantile (BnMetric metric)
{
  g_return_val_if_fail (metric < BN_N_METRICS, NAN);
  return token_quantiles[metric];
}

const char *
bn_limit_key (BnLimit limit)
{
  g_return_val_if_fail (limit < BN_N_LIMITS, NULL);
  return limit_keys[limit];
}

double
bn_limit_max (BnLimit limit)
{
  g_return_val_if_fail (limit < BN_N_LIMITS, 0);
  return limit_max[limit];
}

/* The seed's thresholds (critical 15% / 25%, warning 8% / 15% for
 * throughput / latency), plus ours for memory and accuracy. */
void
bn_thresholds_init_defaults (BnThresholds *t)
{
  t->critical[BN_LIMIT_THROUGHPUT] = 15;
  t->critical[BN_LIMIT_LATENCY] = 25;
  t->critical[BN_LIMIT_MEMORY] = 20;
  t->critical[BN_LIMIT_ACCURACY] = 0.01;
  t->warning[BN_LIMIT_THROUGHPUT] = 8;
  t->warning[BN_LIMIT_LATENCY] = 15;
  t->warning[BN_LIMIT_MEMORY] = 10;
  t->warning[BN_LIMIT_ACCURACY] = 0.001;
}

static gboolean
is_number (JsonNode *n)
{
  if (!n || !JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  GType t = json_node_get_value_type (n);
  return t == G_TYPE_DOUBLE || t == G_TYPE_INT64;
}

/* Takes the thresholds present in @root (validated) over those in @t.
 * Returns whether @root has a thresholds block. */
gboolean
bn_thresholds_read (BnThresholds *t, JsonObject *root)
{
  JsonNode *n = json_object_get_member (root, "thresholds");
  if (!n || !JSON_NODE_HOLDS_OBJECT (n))
    return FALSE;
  JsonObject *th = json_node_get_object (n);
  for (int level = 0; level < 2; level++) {
    JsonNode *ln = json_object_get_member (th, level ? "warning" : "critical");
    if (!ln || !JSON_NODE_HOLDS_OBJECT (ln))
      continue;
    JsonObject *lo = json_node_get_object (ln);
    for (int k = 0; k < BN_N_LIMITS; k++) {
      JsonNode *v = json_object_get_member (lo, limit_keys[k]);
      if (is_number (v))
        (level ? t->warning : t->critical)[k] = json_node_get_double (v);
    }
  }
  return TRUE;
}

gboolean
bn_thresholds_check (const BnThresholds *t, GError **error)
{
  for (int k = 0; k < BN_N_LIMITS; k++) {
    if (!(t->warning[k] >= 0 && t->warning[k] <= limit_max[k])
        || !(t->critical[k] >= 0 && t->critical[k] <= limit_max[k])) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                   _("Threshold %s must be a number from 0 to %g (warning %g, critical %g)"), limit_keys[k],
                   limit_max[k], t->warning[k], t->critical[k]);
      return FALSE;
    }
    if (t->warning[k] > t->critical[k]) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                   _("The warning threshold %s (%g) is above the critical one (%g): a warning must come first"),
                   limit_keys[k], t->warning[k], t->critical[k]);
      return FALSE;
    }
  }
  return TRUE;
}

JsonObject *
bn_thresholds_to_json (const BnThresholds *t)
{
  JsonObject *o = json_object_new ();
  for (int level = 0; level < 2; level++) {
    JsonObject *l = json_object_new ();
    for (int k = 0; k < BN_N_LIMITS; k++)
      json_object_set_double_member (l, limit_keys[k], (level ? t->warning : t->critical)[k]);
    json_object_set_object_member (o, level ? "warning" : "critical", l);
  }
  return o;
}

/* ---- runs ----------------------------------------------------------------- */

/* Refuses a run not on the real compute path or that used a mock kernel,
 * whatever the environment: mock results never enter a baseline, a
 * verdict or an export. */
gboolean
bn_run_check_real (BnRecord *run, guint index, GError **error)
{
  const char *path = bn_run_record_get_string (run, BN_RUN_FIELD_COMPUTE_PATH);
  const char *source = bn_record_get_string (run, BN_RUN_SOURCE);
  g_autofree char *where = source ? g_strdup_printf (_(" in %s"), source) : g_strdup ("");
  JsonArray *k = bn_run_record_get_array (run, BN_RUN_FIELD_KERNELS);

  if (g_strcmp0 (path, "real")) {
    g_set_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_MOCK,
                 _("Strict mode: Mock computation detected (run %u%s: compute_path \"%s\"): "
                    "a baseline is made of real measurements only"),
                 index, where, path ? path : "(none)");
    return FALSE;
  }
  for (guint i = 0; k && i < json_array_get_length (k); i++) {
    const char *name = json_array_get_string_element (k, i);
    if (name && strstr (name, "mock")) {
      g_set_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_MOCK,
                   _("Strict mode: Mock computation detected (run %u%s: kernel %s)"), index, where, name);
      return FALSE;
    }
  }
  return TRUE;
}

/* Refuses a run slowed on purpose (an executor's inject-slowdown, for
 * calibrating a gate), whatever the environment: it is not a measurement. */
gboolean
bn_run_check_unslowed (BnRecord *run, guint index, GError **error)
{
  double slowed = bn_run_record_get_double (run, BN_RUN_FIELD_INJECTED_SLOWDOWN, 0);
  if (slowed == 0)
    return TRUE;
  const char *source = bn_record_get_string (run, BN_RUN_SOURCE);
  g_autofree char *where = source ? g_strdup_printf (_(" in %s"), source) : g_strdup ("");
  g_set_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_MOCK,
               _("Strict mode: Injected slowdown (run %u%s was slowed by %g%% on purpose, inject-slowdown: a "
                  "calibration run, not a measurement)"),
               index, where, slowed * 100);
  return FALSE;
}

/* In strict mode (BITNET_STRICT_MODE), refuses a run read from a receipt
 * file that is not signed by a key of BITNET_TRUSTED_KEYS (unless
 * BITNET_ALLOW_UNSIGNED lets an unsigned one through); runs measured in the
 * pipeline pass. */
gboolean
bn_run_check_signed (BnRecord *run, guint index, GError **error)
{
  const char *source = bn_record_get_string (run, BN_RUN_SOURCE);
  if (!source || !(bn_strict_flags_from_env () & BN_STRICT_REQUIRE_SIGNATURE))
    return TRUE;
  g_autoptr (GError) e = NULL;
  g_autoptr (BnKeyring) ring = bn_keyring_from_env (&e);
  if (!(ring && bn_receipt_run_verify (bn_record_get_object (run), ring, NULL, &e))
      && !(bn_env_is_true ("BITNET_ALLOW_UNSIGNED")
           && g_error_matches (e, BN_SIGNING_ERROR, BN_SIGNING_ERROR_UNSIGNED))) {
    g_set_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_SIGNATURE,
                 _("Strict mode: Receipt signature refused (run %u in %s: %s)"), index, source, e->message);
    return FALSE;
  }
  return TRUE;
}

/* Refuses a run that strict validation would refuse: not on the real
 * compute path, a mock kernel (bn_run_check_real()), fewer tokens than
 * requested or no speed, or the quantizer's accuracy outside its tolerance;
 * in strict mode (BITNET_STRICT_MODE), a run read from a receipt file that
 * is not signed by a key of BITNET_TRUSTED_KEYS (unless
 * BITNET_ALLOW_UNSIGNED lets an unsigned one through). */
gboolean
bn_run_check_strict (BnRecord *run, guint index, GError **error)
{
  const char *source = bn_record_get_string (run, BN_RUN_SOURCE);
  g_autofree char *where = source ? g_strdup_printf (_(" in %s"), source) : g_strdup ("");
  if (!bn_run_check_real (run, index, error) || !bn_run_check_unslowed (run, index, error)
      || !bn_run_check_signed (run, index, error))
    return FALSE;
  gint64 req = bn_run_record_get_int (run, BN_RUN_FIELD_TOKENS_REQUESTED, -1);
  gint64 got = bn_run_record_get_int (run, BN_RUN_FIELD_TOKENS_GENERATED, -1);
  double tps = bn_run_record_get_double (run, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND,
                                         bn_run_record_get_double (run, BN_RUN_FIELD_TOKENS_PER_SECOND, 0));
  if (got < 0 || got != req || !(tps > 0) || !isfinite (tps)) {
    g_set_error (
        error, BN_STRICT_ERROR, BN_STRICT_ERROR_INCOMPLETE,
        _("Strict mode: Incomplete run (run %u%s: %" PRId64 " of %" PRId64 " tokens generated at %.3f tok/s)"), index,
        where, got, req, tps);
    return FALSE;
  }
  JsonObject *acc = bn_run_record_get_object (run, BN_RUN_FIELD_QUANTIZER_ACCURACY);
  if (acc && !bn_json_boolean_or (acc, "pass", TRUE)) {
    g_set_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_ACCURACY,
                 _("Strict mode: Accuracy outside tolerance (run %u%s)"), index, where);
    return FALSE;
  }
  return TRUE;
}

static void
append (GArray *a, double v)
{
  if (isfinite (v))
    g_array_append_val (a, v);
}

/* copies @field of the run @from, under its own name */
static void
copy_field (JsonObject *to, JsonObject *from, BnRunField field)
{
  const char *name = bn_run_field_name (field);
  JsonNode *n = json_object_get_member (from, name);
  if (n)
    json_object_set_member (to, name, json_node_copy (n));
}

/* the run fields a baseline keeps in its config: what its numbers depend on */
static const BnRunField config_fields[] = {
  BN_RUN_FIELD_BACKEND,
  BN_RUN_FIELD_EXECUTOR,
  BN_RUN_FIELD_THREADS,
  BN_RUN_FIELD_TOKENS_REQUESTED,
  BN_RUN_FIELD_PROMPT_TOKENS,
  BN_RUN_FIELD_WEIGHT_FORMAT,
  BN_RUN_FIELD_MODEL_ARCHITECTURE,
  BN_RUN_FIELD_SEED,
};

/* The run fields of a baseline's config member, @n_fields of them. */
const BnRunField *
bn_baseline_config_fields (guint *n_fields)
{
  *n_fields = G_N_ELEMENTS (config_fields);
  return config_fields;
}

/* every decode step's latency that @run recorded (the numbers among them) */
static GArray *
decode_latencies (BnRecord *run)
{
  GArray *lat = g_array_new (FALSE, FALSE, sizeof (double));
  JsonArray *ln = bn_run_record_get_array (run, BN_RUN_FIELD_DECODE_LATENCY_MS);
  for (guint j = 0; ln && j < json_array_get_length (ln); j++) {
    JsonNode *e = json_array_get_element (ln, j);
    if (is_number (e))
      append (lat, json_node_get_double (e));
  }
  return lat;
}

/* token-latency metric @m of @run from its step latencies @lat: the median
 * survives in latency_p50_ms without them, the low quantiles do not */
static double
latency_figure (BnRecord *run, GArray *lat, BnMetric m)
{
  if (!lat->len)
    return m == BN_METRIC_LATENCY_P50 ? bn_run_record_get_double (run, BN_RUN_FIELD_LATENCY_P50_MS, NAN) : NAN;
  if (m == BN_METRIC_LATENCY_P50)
    return bn_stats_median ((double *) lat->data, lat->len);
  return bn_stats_quantile ((double *) lat->data, lat->len, token_quantiles[m]);
}

/* The figure of one run that metric @m of a baseline is made of: decode
 * tok/s (tokens_per_second in older records), or the median, 10th
 * percentile or minimum of its per-step decode latencies; NAN when the run
 * does not have it. Only those four metrics. */
double
bn_run_figure (BnRecord *run, BnMetric m)
{
  g_return_val_if_fail (m == BN_METRIC_THROUGHPUT || bn_metric_is_token_latency (m), NAN);
  if (m == BN_METRIC_THROUGHPUT)
    return bn_run_record_get_double (run, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND,
                                     bn_run_record_get_double (run, BN_RUN_FIELD_TOKENS_PER_SECOND, NAN));
  g_autoptr (GArray) lat = decode_latencies (run);
  return latency_figure (run, lat, m);
}

/* The baseline of @runs (bench/run records, at least one): the median of
 * each metric over the runs, its raw per-run samples, every per-token
 * decode latency, when and on what it was measured. Fails when the runs
 * are of different models. */
JsonObject *
bn_baseline_entry_from_runs (GPtrArray *runs, GError **error)
{
  g_return_val_if_fail (runs && runs->len, NULL);
  const char *fingerprint = NULL;
  for (guint i = 0; i < runs->len; i++) {
    const char *fp = bn_run_record_get_string (runs->pdata[i], BN_RUN_FIELD_MODEL_FINGERPRINT);
    if (fp && fingerprint && strcmp (fp, fingerprint)) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED,
                   _("The runs are of different models (%s, then %s in run %u): a baseline describes one model"),
                   fingerprint, fp, i);
      return NULL;
    }
    fingerprint = fingerprint ? fingerprint : fp;
  }

  GArray *s[BN_N_METRICS];
  for (int m = 0; m < BN_N_METRICS; m++)
    s[m] = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) tokens = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) p95 = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) p99 = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) share = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < runs->len; i++) {
    BnRecord *r = runs->pdata[i];
    append (s[BN_METRIC_THROUGHPUT], bn_run_figure (r, BN_METRIC_THROUGHPUT));
    g_autoptr (GArray) lat = decode_latencies (r);
    g_array_append_vals (tokens, lat->data, lat->len);
    for (BnMetric m = BN_METRIC_LATENCY_P50; m <= BN_METRIC_LATENCY_MIN; m++)
      append (s[m], latency_figure (r, lat, m));
    append (p95, bn_run_record_get_double (r, BN_RUN_FIELD_LATENCY_P95_MS, NAN));
    append (p99, bn_run_record_get_double (r, BN_RUN_FIELD_LATENCY_P99_MS, NAN));
    append (s[BN_METRIC_FIRST_TOKEN], bn_run_record_get_double (r, BN_RUN_FIELD_FIRST_TOKEN_LATENCY_MS, NAN));
    append (s[BN_METRIC_MEMORY],
            bn_run_record_get_double (r, BN_RUN_FIELD_PEAK_MEMORY_MB,
                                      bn_run_record_get_double (r, BN_RUN_FIELD_MEMORY_USAGE_MB, NAN)));
    double threads = (double) bn_run_record_get_int (r, BN_RUN_FIELD_THREADS, 1);
    append (share, bn_run_record_get_double (r, BN_RUN_FIELD_CPU_UTILIZATION_PERCENT, NAN) / (100 * MAX (threads, 1)));
    JsonObject *acc = bn_run_record_get_object (r, BN_RUN_FIELD_QUANTIZER_ACCURACY);
    if (acc)
      append (s[BN_METRIC_ACCURACY], bn_json_double_or (acc, "cosine-min", NAN));
  }

  JsonObject *entry = json_object_new ();
  JsonObject *samples = json_object_new ();
  for (int m = 0; m < BN_N_METRICS; m++) {
    if (!s[m]->len)
      continue;
    json_object_set_double_member (entry, metrics[m].key, bn_stats_median ((double *) s[m]->data, s[m]->len));
    json_object_set_array_member (samples, metrics[m].key, bn_json_doubles ((const double *) s[m]->data, s[m]->len));
    if (m == BN_METRIC_LATENCY_P50) {
      /* tail percentiles over every token when there are samples */
      GArray *src95 = tokens->len ? tokens : p95, *src99 = tokens->len ? tokens : p99;
      double q95 = tokens->len ? bn_stats_quantile ((double *) src95->data, src95->len, 0.95)
                               : bn_stats_median ((double *) src95->data, src95->len);
      double q99 = tokens->len ? bn_stats_quantile ((double *) src99->data, src99->len, 0.99)
                               : bn_stats_median ((double *) src99->data, src99->len);
      if (isfinite (q95))
        json_object_set_double_member (entry, "latency_p95_ms", q95);
      if (isfinite (q99))
        json_object_set_double_member (entry, "latency_p99_ms", q99);
    }
  }
  if (tokens->len)
    json_object_set_array_member (samples, BN_SAMPLES_PER_TOKEN,
                                  bn_json_doubles ((const double *) tokens->data, tokens->len));
  if (share->len)
    json_object_set_array_member (samples, BN_SAMPLES_CPU_SHARE,
                                  bn_json_doubles ((const double *) share->data, share->len));
  json_object_set_object_member (entry, "samples", samples);
  json_object_set_int_member (entry, "sample_count", runs->len);

  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  JsonObject *machine = bn_machine_info ();
  json_object_set_string_member (entry, "date", date);
  json_object_set_string_member (entry, "build_commit", bn_json_string_or (machine, "build_commit", ""));
  json_object_set_object_member (entry, "machine", machine);
  if (fingerprint)
    json_object_set_string_member (entry, "model_fingerprint", fingerprint);

  JsonObject *first = bn_record_get_object (runs->pdata[0]);
  copy_field (entry, first, BN_RUN_FIELD_COMPUTE_PATH);
  /* runs measured under an emulator make an emulated baseline: its timings
   * are never compared with native ones (bn-analysis.c), and it keeps what
   * an emulator can vouch for, the first run's tokens and logits digests */
  gboolean emulated = bn_machine_emulator () != NULL;
  for (guint i = 0; i < runs->len; i++)
    emulated |= bn_run_record_get_boolean (runs->pdata[i], BN_RUN_FIELD_EMULATED, FALSE);
  json_object_set_boolean_member (entry, bn_run_field_name (BN_RUN_FIELD_EMULATED), emulated);
  if (emulated) {
    JsonObject *correctness = json_object_new ();
    copy_field (correctness, first, BN_RUN_FIELD_TOKEN_IDS);
    copy_field (correctness, first, BN_RUN_FIELD_LOGITS_DIGESTS);
    copy_field (correctness, first, BN_RUN_FIELD_KERNELS);
    json_object_set_object_member (entry, "correctness", correctness);
  }
  JsonObject *config = json_object_new ();
  for (guint i = 0; i < G_N_ELEMENTS (config_fields); i++)
    copy_field (config, first, config_fields[i]);
  json_object_set_object_member (entry, "config", config);

  for (int m = 0; m < BN_N_METRICS; m++)
    g_array_unref (s[m]);
  return entry;
}

/* The samples of @key kept in @entry, or %NULL when it keeps none. */
GArray *
bn_baseline_entry_samples (JsonObject *entry, const char *key)
{
  JsonNode *sn = entry ? json_object_get_member (entry, "samples") : NULL;
  if (!sn || !JSON_NODE_HOLDS_OBJECT (sn))
    return NULL;
  JsonNode *an = json_object_get_member (json_node_get_object (sn), key);
  if (!an || !JSON_NODE_HOLDS_ARRAY (an))
    return NULL;
  JsonArray *a = json_node_get_array (an);
  GArray *v = g_array_sized_new (FALSE, FALSE, sizeof (double), json_array_get_length (a));
  for (guint i = 0; i < json_array_get_length (a); i++) {
    JsonNode *e = json_array_get_element (a, i);
    if (is_number (e))
      append (v, json_node_get_double (e));
  }
  if (!v->len) {
    g_array_unref (v);
    return NULL;
  }
  return v;
}

/* The headline figure @key of @entry, or NAN. */
double
bn_baseline_entry_headline (JsonObject *entry, const char *key)
{
  JsonNode *n = entry ? json_object_get_member (entry, key) : NULL;
  return is_number (n) ? json_node_get_double (n) : NAN;
}

/* A string member of @entry, or of its machine or config object. */
const char *
bn_baseline_entry_string (JsonObject *entry, const char *key)
{
  if (!entry)
    return NULL;
  const char *where[] = { NULL, "machine", "config" };
  for (guint i = 0; i < G_N_ELEMENTS (where); i++) {
    JsonObject *o = entry;
    if (where[i]) {
      JsonNode *n = json_object_get_member (entry, where[i]);
      if (!n || !JSON_NODE_HOLDS_OBJECT (n))
        continue;
      o = json_node_get_object (n);
    }
    JsonNode *n = json_object_get_member (o, key);
    if (n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
      return json_node_get_string (n);
  }
  return NULL;
}

/* ---- the file ---------------------------------------------------------------- */

static gboolean
fail (GError **error, const char *path, const char *where, const char *what)
{
  g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
               _("The baselines file %s is malformed: %s %s (fix or restore it, e.g. from %s.bak)"), path, where, what,
               path);
  return FALSE;
}

static gboolean
validate_entry (JsonObject *e, const char *path, const char *where, GError **error)
{
  for (guint i = 0; number_members[i]; i++) {
    JsonNode *n = json_object_get_member (e, number_members[i]);
    if (n && !is_number (n)) {
      g_autofree char *w = g_strdup_printf ("%s.%s", where, number_members[i]);
      return fail (error, path, w, _("is not a number"));
    }
  }
  JsonNode *c = json_object_get_member (e, "sample_count");
  if (c && (!JSON_NODE_HOLDS_VALUE (c) || json_node_get_value_type (c) != G_TYPE_INT64 || json_node_get_int (c) < 0)) {
    g_autofree char *w = g_strdup_printf ("%s.sample_count", where);
    return fail (error, path, w, _("is not a non-negative integer"));
  }
  JsonNode *f = json_object_get_member (e, "model_fingerprint");
  if (f && (!JSON_NODE_HOLDS_VALUE (f) || json_node_get_value_type (f) != G_TYPE_STRING)) {
    g_autofree char *w = g_strdup_printf ("%s.model_fingerprint", where);
    return fail (error, path, w, _("is not a string"));
  }
  JsonNode *sn = json_object_get_member (e, "samples");
  if (!sn)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (sn)) {
    g_autofree char *w = g_strdup_printf ("%s.samples", where);
    return fail (error, path, w, _("is not an object"));
  }
  JsonObject *s = json_node_get_object (sn);
  g_autoptr (GList) keys = json_object_get_members (s);
  for (GList *l = keys; l; l = l->next) {
    JsonNode *an = json_object_get_member (s, l->data);
    g_autofree char *w = g_strdup_printf ("%s.samples.%s", where, (char *) l->data);
    if (!JSON_NODE_HOLDS_ARRAY (an))
      return fail (error, path, w, _("is not an array of numbers"));
    JsonArray *a = json_node_get_array (an);
    for (guint i = 0; i < json_array_get_length (a); i++) {
      JsonNode *v = json_array_get_element (a, i);
      if (!is_number (v) || !isfinite (json_node_get_double (v))) {
        g_autofree char *wi = g_strdup_printf ("%s[%u]", w, i);
        return fail (error, path, wi, _("is not a number"));
      }
    }
  }
  return TRUE;
}

/* Checks the shape of a baselines file: what the analyzer reads must be
 * what the file means, so unknown thresholds and misplaced values are
 * errors rather than silently ignored. */
gboolean
bn_baselines_validate (JsonObject *root, const char *path, GError **error)
{
  JsonNode *bn = json_object_get_member (root, "baselines");
  if (bn) {
    if (!JSON_NODE_HOLDS_OBJECT (bn))
      return fail (error, path, "baselines", _("is not an object of platforms"));
    JsonObject *b = json_node_get_object (bn);
    g_autoptr (GList) platforms = json_object_get_members (b);
    for (GList *p = platforms; p; p = p->next) {
      JsonNode *pn = json_object_get_member (b, p->data);
      g_autofree char *wp = g_strdup_printf ("baselines.%s", (char *) p->data);
      if (!JSON_NODE_HOLDS_OBJECT (pn))
        return fail (error, path, wp, _("is not an object of implementations"));
      JsonObject *po = json_node_get_object (pn);
      g_autoptr (GList) impls = json_object_get_members (po);
      for (GList *i = impls; i; i = i->next) {
        JsonNode *in = json_object_get_member (po, i->data);
        g_autofree char *wi = g_strdup_printf ("%s.%s", wp, (char *) i->data);
        if (!JSON_NODE_HOLDS_OBJECT (in))
          return fail (error, path, wi, _("is not an object"));
        if (!validate_entry (json_node_get_object (in), path, wi, error))
          return FALSE;
      }
    }
  }
  /* calibration.<platform>.<implementation>: objects (regression-calibrator;
   * their members are read with type-checked getters) */
  JsonNode *cn = json_object_get_member (root, "calibration");
  if (cn && !JSON_NODE_HOLDS_OBJECT (cn))
    return fail (error, path, "calibration", _("is not an object of platforms"));
  g_autoptr (GList) cplatforms = cn ? json_object_get_members (json_node_get_object (cn)) : NULL;
  for (GList *p = cplatforms; p; p = p->next) {
    JsonNode *pn = json_object_get_member (json_node_get_object (cn), p->data);
    g_autofree char *wp = g_strdup_printf ("calibration.%s", (char *) p->data);
    if (!JSON_NODE_HOLDS_OBJECT (pn))
      return fail (error, path, wp, _("is not an object of implementations"));
    g_autoptr (GList) impls = json_object_get_members (json_node_get_object (pn));
    for (GList *i = impls; i; i = i->next)
      if (!JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (pn), i->data))) {
        g_autofree char *wi = g_strdup_printf ("%s.%s", wp, (char *) i->data);
        return fail (error, path, wi, _("is not an object"));
      }
  }
  JsonNode *tn = json_object_get_member (root, "thresholds");
  if (!tn)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (tn))
    return fail (error, path, "thresholds", _("is not an object"));
  JsonObject *t = json_node_get_object (tn);
  g_autoptr (GList) levels = json_object_get_members (t);
  for (GList *l = levels; l; l = l->next) {
    g_autofree char *wl = g_strdup_printf ("thresholds.%s", (char *) l->data);
    if (strcmp (l->data, "critical") && strcmp (l->data, "warning"))
      return fail (error, path, wl, _("is not a known level (critical, warning)"));
    JsonNode *ln = json_object_get_member (t, l->data);
    if (!JSON_NODE_HOLDS_OBJECT (ln))
      return fail (error, path, wl, _("is not an object"));
    JsonObject *lo = json_node_get_object (ln);
    g_autoptr (GList) keys = json_object_get_members (lo);
    for (GList *k = keys; k; k = k->next) {
      g_autofree char *wk = g_strdup_printf ("%s.%s", wl, (char *) k->data);
      gboolean known = FALSE;
      for (int i = 0; i < BN_N_LIMITS; i++)
        known |= !strcmp (k->data, limit_keys[i]);
      if (!known)
        return fail (error, path, wk,
                     _("is not a known threshold (throughput_decrease_percent, latency_increase_percent, "
                        "memory_increase_percent, accuracy_drop)"));
      JsonNode *v = json_object_get_member (lo, k->data);
      if (!is_number (v) || json_node_get_double (v) < 0)
        return fail (error, path, wk, _("is not a non-negative number"));
    }
  }
  /* bounded and ordered as the analyzer's properties are */
  BnThresholds th;
  g_autoptr (GError) local = NULL;
  bn_thresholds_init_defaults (&th);
  bn_thresholds_read (&th, root);
  if (!bn_thresholds_check (&th, &local))
    return fail (error, path, "thresholds:", local->message);
  return TRUE;
}

/* Reads and checks a baselines file. A missing, unreadable, non-JSON or
 * malformed file is an error naming it. */
JsonObject *
bn_baselines_load (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr (GError) local = NULL;
  if (!bn_file_read_bounded (path, _("baselines file"), BN_JSON_MAX_SIZE, &text, &len, &local)) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                 _("Cannot read the baselines file %s: %s (make one with pipelines/baseline.bnp)"), path,
                 local->message);
    return NULL;
  }
  g_autofree char *what = g_strdup_printf (_("The baselines file %s"), path);
  g_autoptr (JsonNode) root = bn_json_parse_bounded (text, len, what, &local);
  if (!root) {
    g_set_error_literal (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, local->message);
    return NULL;
  }
  if (!JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("The baselines file %s is not a JSON object"), path);
    return NULL;
  }
  JsonObject *o = json_node_dup_object (root);
  if (!bn_baselines_validate (o, path, error)) {
    json_object_unref (o);
    return NULL;
  }
  return o;
}

/* The baseline of @implementation on @platform, or %NULL. */
JsonObject *
bn_baselines_lookup (JsonObject *root, const char *platform, const char *implementation)
{
  JsonNode *bn = json_object_get_member (root, "baselines");
  if (!bn || !JSON_NODE_HOLDS_OBJECT (bn))
    return NULL;
  JsonNode *pn = json_object_get_member (json_node_get_object (bn), platform);
  if (!pn || !JSON_NODE_HOLDS_OBJECT (pn))
    return NULL;
  JsonNode *in = json_object_get_member (json_node_get_object (pn), implementation);
  return in && JSON_NODE_HOLDS_OBJECT (in) ? json_node_get_object (in) : NULL;
}

/* The baseline of @implementation on @platform, or %NULL; for our own
 * implementation, when the file keeps none under its name, the seed's entry
 * for its implementation under test (BN_BASELINES_SEED_IMPLEMENTATION), so
 * a file written for the seed gives verdicts as it is. @key (optional) is
 * set to the key the entry was found under. */
JsonObject *
bn_baselines_find (JsonObject *root, const char *platform, const char *implementation, const char **key)
{
  const char *name = implementation;
  JsonObject *entry = bn_baselines_lookup (root, platform, name);
  if (!entry && !g_strcmp0 (implementation, BN_BASELINES_IMPLEMENTATION)) {
    name = BN_BASELINES_SEED_IMPLEMENTATION;
    entry = bn_baselines_lookup (root, platform, name);
  }
  if (key)
    *key = entry ? name : NULL;
  return entry;
}

/* Writes @text to @path through bn_file_replace_contents(): a temporary
 * renamed over a regular file, never over anything else. */
gboolean
bn_write_text_atomically (const char *path, const char *text, GError **error)
{
  return bn_file_replace_contents (path, text, -1, error);
}

/* Replaces @path by @root atomically, first keeping the previous file,
 * byte for byte, as @path.bak. */
gboolean
bn_baselines_save (const char *path, JsonObject *root, GError **error)
{
  g_autofree char *old = NULL;
  gsize len = 0;
  if (g_file_test (path, G_FILE_TEST_EXISTS)) {
    g_autofree char *bak = g_strconcat (path, ".bak", NULL);
    if (!bn_file_read_bounded (path, _("baselines file"), BN_JSON_MAX_SIZE, &old, &len, error)
        || !bn_file_replace_contents_deferred (bak, old, (gssize) len, error))
      return FALSE;
  }
  return bn_json_write_deferred (path, root, error);
}
