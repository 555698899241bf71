/* gst-bitnet: a run checked by the validator itself: types, ranges, finiteness, internal consistency
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-signing-private.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>

/* the name of the first non-finite number under @node, or NULL */
static char *
non_finite (JsonNode *node, const char *path)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return isfinite (json_node_get_double (node)) ? NULL : g_strdup (path);
  if (JSON_NODE_HOLDS_ARRAY (node)) {
    JsonArray *a = json_node_get_array (node);
    for (guint i = 0; i < json_array_get_length (a); i++) {
      g_autofree char *p = g_strdup_printf ("%s[%u]", path, i);
      char *bad = non_finite (json_array_get_element (a, i), p);
      if (bad)
        return bad;
    }
  } else if (JSON_NODE_HOLDS_OBJECT (node)) {
    JsonObject *o = json_node_get_object (node);
    g_autoptr (GList) m = json_object_get_members (o);
    for (GList *l = m; l; l = l->next) {
      g_autofree char *p = *path ? g_strconcat (path, ".", l->data, NULL) : g_strdup (l->data);
      char *bad = non_finite (json_object_get_member (o, l->data), p);
      if (bad)
        return bad;
    }
  }
  return NULL;
}

static gboolean
is_number (JsonNode *n)
{
  return n && JSON_NODE_HOLDS_VALUE (n)
         && (json_node_get_value_type (n) == G_TYPE_DOUBLE || json_node_get_value_type (n) == G_TYPE_INT64);
}

static gboolean
near (double a, double b)
{
  return fabs (a - b) <= 1e-6 * MAX (fabs (a), fabs (b)) + 1e-9;
}

static const BnRunField numbers[] = {
  BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND,
  BN_RUN_FIELD_TOKENS_PER_SECOND,
  BN_RUN_FIELD_TOTAL_TIME_MS,
  BN_RUN_FIELD_DECODE_MS,
  BN_RUN_FIELD_FIRST_TOKEN_LATENCY_MS,
  BN_RUN_FIELD_AVERAGE_TOKEN_LATENCY_MS,
  BN_RUN_FIELD_PREFILL_MS,
  BN_RUN_FIELD_BYTES_PER_TOKEN,
  BN_RUN_FIELD_MEMORY_USAGE_MB,
  BN_RUN_FIELD_PEAK_MEMORY_MB,
};
static const BnRunField counts[] = { BN_RUN_FIELD_TOKENS_GENERATED, BN_RUN_FIELD_TOKENS_REQUESTED,
                                     BN_RUN_FIELD_PROMPT_TOKENS, BN_RUN_FIELD_THREADS };

/* the member of @run named @field, present or not */
static JsonNode *
field (JsonObject *run, BnRunField f)
{
  return json_object_get_member (run, bn_run_field_name (f));
}

/* a number of at least 0, when present and not null */
static gboolean
nonnegative (JsonNode *n)
{
  return !n || JSON_NODE_HOLDS_NULL (n) || (is_number (n) && json_node_get_double (n) >= 0);
}

/*
 * bn_run_inconsistency:
 *
 * Checks a run as the validator sees it, believing none of it: every
 * number finite; counts integers in range; times, speeds and sizes numbers
 * not below zero; `compute_path` a string and `kernels` strings; decode
 * tok/s equal to the decode samples over their total time and tok/s equal
 * to the tokens over the total time; one token id and logits digest per
 * token; the receipt's timestamp between 2024 and now.
 *
 * Returns: (transfer full) (nullable): what is wrong, or %NULL.
 */
char *
bn_run_inconsistency (JsonObject *run)
{
  g_autoptr (JsonNode) root = json_node_init_object (json_node_alloc (), run);
  g_autofree char *bad = non_finite (root, "");
  if (bad)
    return g_strdup_printf (_("field %s is not a finite number"), bad);
  JsonNode *cp = field (run, BN_RUN_FIELD_COMPUTE_PATH);
  if (!cp || !JSON_NODE_HOLDS_VALUE (cp) || json_node_get_value_type (cp) != G_TYPE_STRING)
    return g_strdup (_("field compute_path is missing or not a string"));
  JsonNode *kn = field (run, BN_RUN_FIELD_KERNELS);
  if (!kn || !JSON_NODE_HOLDS_ARRAY (kn))
    return g_strdup (_("field kernels is missing or not an array"));
  for (guint i = 0; i < json_array_get_length (json_node_get_array (kn)); i++) {
    JsonNode *e = json_array_get_element (json_node_get_array (kn), i);
    if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
      return g_strdup_printf (_("field kernels[%u] is not a string"), i);
  }
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++) {
    JsonNode *n = field (run, counts[i]);
    if (n
        && (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64 || json_node_get_int (n) < 0
            || json_node_get_int (n) > 100000000))
      return g_strdup_printf (_("field %s is not a whole number between 0 and 1e8"), bn_run_field_name (counts[i]));
  }
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    if (!nonnegative (field (run, numbers[i])))
      return g_strdup_printf (_("field %s is not a number of at least 0"), bn_run_field_name (numbers[i]));
  if (!nonnegative (json_object_get_member (run, BN_RUN_CLAIMED_TPS)))
    return g_strdup_printf (_("field %s is not a number of at least 0"), BN_RUN_CLAIMED_TPS);
  JsonNode *bn = field (run, BN_RUN_FIELD_BYTES_PER_TOKEN);
  if (is_number (bn) && json_node_get_double (bn) < 1024)
    return g_strdup_printf (_("bytes_per_token %.3g is below 1 KiB: no transformer reads so little per token"),
                            json_node_get_double (bn));
  gint64 toks = bn_run_object_get_int (run, BN_RUN_FIELD_TOKENS_GENERATED, -1);
  JsonNode *ln = field (run, BN_RUN_FIELD_DECODE_LATENCY_MS);
  if (ln && JSON_NODE_HOLDS_ARRAY (ln) && bn_run_object_has (run, BN_RUN_FIELD_DECODE_MS)) {
    JsonArray *a = json_node_get_array (ln);
    guint n = json_array_get_length (a);
    double sum = 0;
    for (guint i = 0; i < n; i++) {
      JsonNode *e = json_array_get_element (a, i);
      if (!is_number (e) || json_node_get_double (e) < 0)
        return g_strdup_printf (_("decode_latency_ms[%u] is not a number of at least 0"), i);
      sum += json_node_get_double (e);
    }
    double decode_ms = bn_run_object_get_double (run, BN_RUN_FIELD_DECODE_MS, 0);
    if (toks > 0 && n != (guint64) toks - 1)
      return g_strdup_printf (_("%u decode latency samples for %" PRId64 " tokens (expected one fewer)"), n, toks);
    if (fabs (sum - decode_ms) > 1e-6 * MAX (sum, decode_ms) + 1e-3)
      return g_strdup_printf (_("the decode latency samples add up to %.6g ms, not the decode_ms %.6g"), sum,
                              decode_ms);
    double tps = bn_run_object_get_double (run, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, 0);
    double expect = decode_ms > 0 ? n / (decode_ms / 1000.0) : 0;
    if (!near (tps, expect))
      return g_strdup_printf (_("decode_tokens_per_second %.6g is not the %u samples over their %.6g ms (%.6g tok/s)"),
                              tps, n, decode_ms, expect);
    double avg = bn_run_object_get_double (run, BN_RUN_FIELD_AVERAGE_TOKEN_LATENCY_MS, 0);
    if (bn_run_object_has (run, BN_RUN_FIELD_AVERAGE_TOKEN_LATENCY_MS) && !near (avg, n ? decode_ms / n : 0))
      return g_strdup_printf (_("average_token_latency_ms %.6g is not the mean of the samples (%.6g)"), avg,
                              n ? decode_ms / n : 0);
  }
  if (bn_run_object_has (run, BN_RUN_FIELD_TOTAL_TIME_MS) && bn_run_object_has (run, BN_RUN_FIELD_DECODE_MS)) {
    double total = bn_run_object_get_double (run, BN_RUN_FIELD_TOTAL_TIME_MS, 0);
    double tps = bn_run_object_get_double (run, BN_RUN_FIELD_TOKENS_PER_SECOND, 0);
    double expect = total > 0 && toks > 0 ? toks / (total / 1000.0) : 0;
    if (!near (tps, expect))
      return g_strdup_printf (_("tokens_per_second %.6g is not the %" PRId64 " tokens over total_time_ms %.6g"), tps,
                              toks, total);
    if (bn_run_object_get_double (run, BN_RUN_FIELD_DECODE_MS, 0) > total * (1 + 1e-9))
      return g_strdup (_("decode_ms is longer than total_time_ms"));
  }
  static const BnRunField per_token[] = { BN_RUN_FIELD_TOKEN_IDS, BN_RUN_FIELD_LOGITS_DIGESTS };
  for (guint i = 0; i < G_N_ELEMENTS (per_token) && toks >= 0; i++) {
    JsonNode *n = field (run, per_token[i]);
    if (n && (!JSON_NODE_HOLDS_ARRAY (n) || json_array_get_length (json_node_get_array (n)) != (guint64) toks))
      return g_strdup_printf (_("field %s does not hold one entry per generated token (%" PRId64 ")"),
                              bn_run_field_name (per_token[i]), toks);
  }
  JsonNode *tn = json_object_get_member (run, BN_RUN_RECEIPT_TIMESTAMP);
  if (tn) {
    const char *ts =
        JSON_NODE_HOLDS_VALUE (tn) && json_node_get_value_type (tn) == G_TYPE_STRING ? json_node_get_string (tn) : NULL;
    g_autoptr (GDateTime) t = ts ? g_date_time_new_from_iso8601 (ts, NULL) : NULL;
    g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
    if (!t)
      return g_strdup (_("the receipt's timestamp is not an RFC 3339 time"));
    if (g_date_time_get_year (t) < 2024 || g_date_time_difference (t, now) > 300 * G_TIME_SPAN_SECOND)
      return g_strdup_printf (_("the receipt's timestamp %s is before 2024 or in the future"), ts);
  }
  return NULL;
}
