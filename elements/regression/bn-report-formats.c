/* gst-bitnet: the files report-sink writes, rendered from performance-report.json
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gst-bitnet/bench/bn-json-private.h>

#include "bn-report.h"
#include "gst-bitnet/bench/bn-analysis-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/* ---- reading the report ------------------------------------------------------------ */

static JsonObject *
obj (JsonObject *o, const char *m)
{
  JsonNode *n = o ? json_object_get_member (o, m) : NULL;
  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static JsonArray *
arr (JsonObject *o, const char *m)
{
  JsonNode *n = o ? json_object_get_member (o, m) : NULL;
  return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

static double
num (JsonObject *o, const char *m)
{
  JsonNode *n = o ? json_object_get_member (o, m) : NULL;
  if (!n || !JSON_NODE_HOLDS_VALUE (n))
    return NAN;
  GType t = json_node_get_value_type (n);
  return t == G_TYPE_DOUBLE || t == G_TYPE_INT64 ? json_node_get_double (n) : NAN;
}

static const char *
str (JsonObject *o, const char *m)
{
  JsonNode *n = o ? json_object_get_member (o, m) : NULL;
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n)
                                                                                         : NULL;
}

/* stat @field (median, ci95_low...) of figure @fig of benchmark @b */
static double
stat (JsonObject *b, const char *fig, const char *field)
{
  return num (obj (b, fig), field);
}

static char *
fmt (double v, const char *format)
{
  return isfinite (v) ? g_strdup_printf (format, v) : g_strdup ("-");
}

/* Markdown table cells cannot hold a bare | or a line break. */
static char *
md_escape (const char *s)
{
  GString *o = g_string_new (NULL);
  for (; s && *s; s++) {
    if (*s == '|')
      g_string_append (o, "\\|");
    else if (*s == '\n')
      g_string_append_c (o, ' ');
    else
      g_string_append_c (o, *s);
  }
  return g_string_free (o, FALSE);
}

static BnLevel
level_from_name (const char *name)
{
  for (int l = 0; l < BN_N_LEVELS; l++)
    if (!g_strcmp0 (name, bn_level_name (l)))
      return l;
  return BN_N_LEVELS;
}

/* ---- Markdown ------------------------------------------------------------------------- */

/* One regression verdict (regression-analyzer's JSON) as Markdown. */
char *
bn_report_verdict_markdown (JsonObject *v)
{
  GString *s = g_string_new (NULL);
  const char *status = str (v, "status");
  const char *file = str (v, "baselines_file");
  BnLevel level = level_from_name (status);
  if (file)
    g_string_append_printf (s, _("**Overall: %s %s** (%s on %s, against %s)\n\n"), bn_level_emoji (level),
                            status ? status : "?", str (v, "implementation"), str (v, "platform"), file);
  else
    g_string_append_printf (s, _("**Overall: %s %s** (candidate against baseline, side by side, on %s)\n\n"),
                            bn_level_emoji (level), status ? status : "?", str (v, "platform"));
  const char *comparison = str (v, "comparison");
  if (!g_strcmp0 (comparison, "one-sample") || !g_strcmp0 (comparison, "mixed"))
    g_string_append_printf (s,
                            _("> **%s comparison:** the rows marked one-sample compare the current runs' median "
                               "interval with a stored point value; the baseline's own noise is unknown.\n\n"),
                            !g_strcmp0 (comparison, "mixed") ? _("Mixed one-sample / two-sample") : _("One-sample"));
  g_string_append_printf (s, "| | %s | %s | %s | %s | %s | p | %s | %s |\n|---|---|--:|--:|--:|---|--:|---|---|\n",
                          _("metric"), _("baseline"), _("current"), _("change"),
                          /* xgettext:no-c-format */ _("95% interval"), _("verdict"), _("reason"));
  JsonArray *alerts = arr (v, "alerts");
  for (guint i = 0; alerts && i < json_array_get_length (alerts); i++) {
    JsonObject *a = json_array_get_object_element (alerts, i);
    const char *unit = str (a, "unit");
    const char *vf = unit && *unit ? "%.4g" : "%.6g";
    g_autofree char *b = fmt (num (a, "baseline"), vf);
    g_autofree char *c = fmt (num (a, "current"), vf);
    g_autofree char *ch = fmt (num (a, "change_percent"), "%+.1f%%");
    JsonObject *iv = obj (a, "interval");
    gboolean pct = iv && !g_strcmp0 (str (iv, "unit"), "percent");
    g_autofree char *ivt =
        iv ? g_strdup_printf (pct ? "[%+.1f%%, %+.1f%%]" : "[%+.2g, %+.2g]", num (iv, "low"), num (iv, "high"))
           : g_strdup ("-");
    g_autofree char *p = fmt (num (a, "p_value"), "%.3f");
    g_autofree char *msg = md_escape (str (a, "message"));
    const char *lv = str (a, "level");
    g_string_append_printf (s, "| %s | %s | %s %s | %s %s | %s | %s | %s | %s | %s |\n",
                            bn_level_emoji (level_from_name (lv)), str (a, "label"), b, unit ? unit : "", c,
                            unit ? unit : "", ch, ivt, p, lv, msg);
  }
  JsonArray *mm = arr (v, "mismatches");
  for (guint i = 0; mm && i < json_array_get_length (mm); i++) {
    JsonObject *m = json_array_get_object_element (mm, i);
    g_string_append_printf (s,
                            bn_json_boolean_or (m, "blocking", FALSE)
                                ? _("\n> **Mismatch, not compared:** %s differs: baseline `%s`, current `%s`\n")
                                : _("\n> Note: %s differs: baseline `%s`, current `%s`\n"),
                            str (m, "field"), str (m, "baseline"), str (m, "current"));
  }
  JsonArray *notes = arr (v, "notes");
  for (guint i = 0; notes && i < json_array_get_length (notes); i++)
    g_string_append_printf (s, _("\n> Note: %s\n"), json_array_get_string_element (notes, i));
  return g_string_free (s, FALSE);
}

static void
results_table (GString *s, JsonObject *report, gboolean full)
{
  JsonArray *bs = arr (report, "benchmarks");
  if (full)
    g_string_append_printf (s,
                            "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n"
                            "|---|--:|--:|--:|--:|--:|--:|--:|--:|\n",
                            _("benchmark"), _("runs"),
                            /* xgettext:no-c-format */ _("decode tok/s, median [95% interval]"), _("prefill tok/s"),
                            _("first token ms"), _("token latency p50 / p95 / p99 ms"), _("peak memory MB"),
                            _("CPU %"), _("of bandwidth ceiling"));
  else
    g_string_append_printf (s, "| %s | %s | %s | %s | %s | %s |\n|---|--:|--:|--:|--:|--:|\n", _("benchmark"),
                            _("runs"), _("decode tok/s"), _("first token ms"), _("token latency p50 ms"),
                            _("peak memory MB"));
  for (guint i = 0; bs && i < json_array_get_length (bs); i++) {
    JsonObject *b = json_array_get_object_element (bs, i);
    g_autofree char *dec = fmt (stat (b, "decode_tokens_per_second", "median"), "%.2f");
    double lo = stat (b, "decode_tokens_per_second", "ci95_low"),
           hi = stat (b, "decode_tokens_per_second", "ci95_high");
    g_autofree char *ci = isfinite (lo) ? g_strdup_printf (" [%.2f, %.2f]", lo, hi) : g_strdup ("");
    g_autofree char *first = fmt (stat (b, "first_token_latency_ms", "median"), "%.2f");
    g_autofree char *p50 = fmt (stat (b, "token_latency_ms", "p50"), "%.3f");
    g_autofree char *mem = fmt (stat (b, "peak_memory_mb", "max"), "%.0f");
    if (!full) {
      g_string_append_printf (s, "| %s | %.0f | %s | %s | %s | %s |\n", str (b, "name"), num (b, "runs"), dec, first,
                              p50, mem);
      continue;
    }
    g_autofree char *pre = fmt (stat (b, "prefill_tokens_per_second", "median"), "%.1f");
    g_autofree char *p95 = fmt (stat (b, "token_latency_ms", "p95"), "%.3f");
    g_autofree char *p99 = fmt (stat (b, "token_latency_ms", "p99"), "%.3f");
    g_autofree char *cpu = fmt (stat (b, "cpu_utilization_percent", "median"), "%.0f");
    g_autofree char *frac = fmt (100 * stat (b, "fraction_of_ceiling", "median"), "%.0f%%");
    g_string_append_printf (s, "| %s | %.0f | %s%s | %s | %s | %s / %s / %s | %s | %s | %s |\n", str (b, "name"),
                            num (b, "runs"), dec, ci, pre, first, p50, p95, p99, mem, cpu, frac);
  }
}

/* performance-report.md: results, verdicts, environment, method. */
char *
bn_report_markdown (JsonObject *report)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, _("# Performance report\n\nGenerated %s by %s.\n\n## Results\n\n"),
                          str (report, "timestamp"), str (report, "generator"));
  results_table (s, report, TRUE);
  JsonArray *bs = arr (report, "benchmarks");
  for (guint i = 0; bs && i < json_array_get_length (bs); i++) {
    JsonObject *b = json_array_get_object_element (bs, i);
    JsonArray *k = arr (b, "kernels");
    GString *ks = g_string_new (NULL);
    for (guint j = 0; k && j < json_array_get_length (k); j++)
      g_string_append_printf (ks, "%s`%s`", j ? ", " : "", json_array_get_string_element (k, j));
    g_autofree char *kt = g_string_free (ks, FALSE);
    g_string_append_printf (s, _("\n%s: model `%s`, kernels %s.\n"), str (b, "name"),
                            str (obj (b, "config"), "model_fingerprint") ? str (obj (b, "config"), "model_fingerprint")
                                                                         : "?",
                            *kt ? kt : "-");
  }
  /* xgettext:no-c-format */
  g_string_append (s, _("\nFigures are medians over runs. The interval in brackets is the distribution-free 95% "
                         "interval of the median (shown from 6 runs). Token latency percentiles pool every decoded "
                         "token.\n"));

  JsonArray *vs = arr (report, "regression");
  if (vs && json_array_get_length (vs)) {
    g_string_append (s, _("\n## Regression verdicts\n\n"));
    for (guint i = 0; i < json_array_get_length (vs); i++) {
      g_autofree char *v = bn_report_verdict_markdown (json_array_get_object_element (vs, i));
      g_string_append_printf (s, "%s\n", v);
    }
  }

  JsonObject *sys = obj (report, "system");
  g_string_append_printf (s, _("\n## Environment\n\n| | |\n|---|---|\n"));
  static const struct {
    const char *key, *label;
  } env[] = {
    { "cpu_model", N_("CPU") },
    { "cores", N_("cores") },
    { "simd_features", N_("SIMD features") },
    { "os", N_("operating system") },
    { "kernel", N_("kernel") },
    { "platform", N_("platform") },
    { "compiler", N_("compiler") },
    { "build_type", N_("build type") },
    { "build_commit", N_("build commit") },
    { "version", N_("gst-bitnet version") },
  };
  for (guint i = 0; i < G_N_ELEMENTS (env); i++) {
    JsonNode *n = sys ? json_object_get_member (sys, env[i].key) : NULL;
    if (!n || !JSON_NODE_HOLDS_VALUE (n))
      continue;
    g_autofree char *t =
        json_node_get_value_type (n) == G_TYPE_STRING ? g_strdup (json_node_get_string (n)) : json_to_string (n, FALSE);
    g_autofree char *e = md_escape (t);
    g_string_append_printf (s, "| %s | %s |\n", _ (env[i].label), e);
  }
  return g_string_free (s, FALSE);
}

/* ci-summary.md: short enough for a CI job page. */
char *
bn_report_ci_summary (JsonObject *report)
{
  GString *s = g_string_new (NULL);
  JsonArray *vs = arr (report, "regression");
  BnLevel worst = BN_N_LEVELS;
  for (guint i = 0; vs && i < json_array_get_length (vs); i++) {
    BnLevel l = level_from_name (str (json_array_get_object_element (vs, i), "status"));
    if (l != BN_LEVEL_NO_BASELINE && (worst == BN_N_LEVELS || worst == BN_LEVEL_NO_BASELINE || l < worst))
      worst = l;
    else if (worst == BN_N_LEVELS)
      worst = l;
  }
  if (worst < BN_N_LEVELS)
    g_string_append_printf (s, _("### %s benchmark: %s %s\n\n"), str (report, "name"), bn_level_emoji (worst),
                            bn_level_name (worst));
  else
    g_string_append_printf (s, _("### %s benchmark\n\n"), str (report, "name"));
  results_table (s, report, FALSE);
  for (guint i = 0; vs && i < json_array_get_length (vs); i++) {
    g_autofree char *v = bn_report_verdict_markdown (json_array_get_object_element (vs, i));
    g_string_append_printf (s, "\n%s", v);
  }
  JsonObject *sys = obj (report, "system");
  g_string_append_printf (s, _("\n<sub>%s, %s, %s build %s, %s</sub>\n"), str (sys, "cpu_model"),
                          str (sys, "platform"), str (sys, "build_type"), str (sys, "build_commit"),
                          str (report, "generator"));
  return g_string_free (s, FALSE);
}

/* ---- llama-bench --------------------------------------------------------------------- */

static void
mean_sd (JsonArray *a, double scale, double *mean, double *sd)
{
  guint n = a ? json_array_get_length (a) : 0;
  double sum = 0, ss = 0;
  for (guint i = 0; i < n; i++)
    sum += json_array_get_double_element (a, i) * scale;
  *mean = n ? sum / n : 0;
  for (guint i = 0; i < n; i++) {
    double d = json_array_get_double_element (a, i) * scale - *mean;
    ss += d * d;
  }
  *sd = n > 1 ? sqrt (ss / (n - 1)) : 0;
}

static JsonArray *
scaled (JsonArray *a, double scale, gboolean integer)
{
  JsonArray *o = json_array_new ();
  for (guint i = 0; a && i < json_array_get_length (a); i++) {
    double v = json_array_get_double_element (a, i) * scale;
    if (integer)
      json_array_add_int_element (o, (gint64) llround (v));
    else
      json_array_add_double_element (o, v);
  }
  return o;
}

static JsonObject *
llama_row (JsonObject *report, JsonObject *b, gboolean tg)
{
  JsonObject *sys = obj (report, "system"), *cfg = obj (b, "config");
  JsonObject *r = json_object_new ();
  const char *backend = str (cfg, "backend");
  g_autofree char *backends = g_ascii_strup (backend ? backend : "cpu", -1);
  g_autofree char *type =
      g_strdup_printf ("%s %s", str (cfg, "model_architecture") ? str (cfg, "model_architecture") : "bitnet",
                       str (cfg, "weight_format") ? str (cfg, "weight_format") : "?");
  double prompt = num (cfg, "prompt_tokens"), gen = num (cfg, "tokens_requested");
  JsonArray *ns = arr (obj (b, tg ? "decode_ms" : "prefill_ms"), "samples");
  JsonArray *ts = arr (obj (b, tg ? "decode_tokens_per_second" : "prefill_tokens_per_second"), "samples");
  double avg_ns, sd_ns, avg_ts, sd_ts;
  mean_sd (ns, 1e6, &avg_ns, &sd_ns);
  mean_sd (ts, 1, &avg_ts, &sd_ts);
  /* llama-bench's fields, in its order; what gst-bitnet does not have is
   * given its neutral value (docs/regression.md lists them) */
  json_object_set_string_member (r, "build_commit", str (sys, "build_commit") ? str (sys, "build_commit") : "");
  json_object_set_int_member (r, "build_number", 0);
  json_object_set_string_member (r, "cpu_info", str (sys, "cpu_model") ? str (sys, "cpu_model") : "");
  json_object_set_string_member (r, "gpu_info", "");
  json_object_set_string_member (r, "backends", backends);
  json_object_set_string_member (r, "model_filename", str (b, "name"));
  json_object_set_string_member (r, "model_type", type);
  json_object_set_int_member (
      r, "model_size",
      isfinite (num (obj (b, "config"), "bytes_per_token")) ? (gint64) num (obj (b, "config"), "bytes_per_token") : 0);
  json_object_set_int_member (r, "model_n_params", 0);
  json_object_set_int_member (r, "n_batch", isfinite (prompt) ? (gint64) prompt : 0);
  json_object_set_int_member (r, "n_ubatch", isfinite (prompt) ? (gint64) prompt : 0);
  json_object_set_int_member (r, "n_threads", isfinite (num (cfg, "threads")) ? (gint64) num (cfg, "threads") : 0);
  json_object_set_string_member (r, "cpu_mask", "0x0");
  json_object_set_boolean_member (r, "cpu_strict", FALSE);
  json_object_set_int_member (r, "poll", 0);
  json_object_set_string_member (r, "type_k", ""); /* runs do not record the KV type */
  json_object_set_string_member (r, "type_v", "");
  json_object_set_int_member (r, "n_gpu_layers", 0);
  json_object_set_string_member (r, "split_mode", "none");
  json_object_set_int_member (r, "main_gpu", 0);
  json_object_set_boolean_member (r, "no_kv_offload", FALSE);
  json_object_set_boolean_member (r, "flash_attn", FALSE);
  json_object_set_string_member (r, "tensor_split", "0.00");
  json_object_set_boolean_member (r, "use_mmap", TRUE);
  json_object_set_boolean_member (r, "embeddings", FALSE);
  json_object_set_int_member (r, "n_prompt", tg ? 0 : (isfinite (prompt) ? (gint64) prompt : 0));
  json_object_set_int_member (r, "n_gen", tg ? (isfinite (gen) ? (gint64) gen : 0) : 0);
  json_object_set_int_member (r, "n_depth", 0);
  json_object_set_string_member (r, "test_time", str (report, "timestamp"));
  json_object_set_int_member (r, "avg_ns", (gint64) llround (avg_ns));
  json_object_set_int_member (r, "stddev_ns", (gint64) llround (sd_ns));
  json_object_set_double_member (r, "avg_ts", avg_ts);
  json_object_set_double_member (r, "stddev_ts", sd_ts);
  json_object_set_array_member (r, "samples_ns", scaled (ns, 1e6, TRUE));
  json_object_set_array_member (r, "samples_ts", scaled (ts, 1, FALSE));
  return r;
}

/* llama-bench -o json rows: a pp test (prefill) and a tg test (decode) per
 * benchmark. */
JsonArray *
bn_report_llama_bench (JsonObject *report)
{
  JsonArray *rows = json_array_new ();
  JsonArray *bs = arr (report, "benchmarks");
  for (guint i = 0; bs && i < json_array_get_length (bs); i++) {
    JsonObject *b = json_array_get_object_element (bs, i);
    json_array_add_object_element (rows, llama_row (report, b, FALSE));
    json_array_add_object_element (rows, llama_row (report, b, TRUE));
  }
  return rows;
}

/* llama-bench -o csv: the same rows without the sample arrays, every value
 * quoted, booleans as 0/1. */
char *
bn_report_llama_bench_csv (JsonArray *rows)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (rows); i++) {
    JsonObject *r = json_array_get_object_element (rows, i);
    g_autoptr (GList) members = json_object_get_members (r);
    if (i == 0) {
      gboolean first = TRUE;
      for (GList *l = members; l; l = l->next) {
        if (JSON_NODE_HOLDS_ARRAY (json_object_get_member (r, l->data)))
          continue;
        g_string_append_printf (s, "%s%s", first ? "" : ",", (char *) l->data);
        first = FALSE;
      }
      g_string_append_c (s, '\n');
    }
    gboolean first = TRUE;
    for (GList *l = members; l; l = l->next) {
      JsonNode *n = json_object_get_member (r, l->data);
      if (JSON_NODE_HOLDS_ARRAY (n))
        continue;
      g_autofree char *v = NULL;
      GType t = json_node_get_value_type (n);
      if (t == G_TYPE_STRING)
        v = g_strdup (json_node_get_string (n));
      else if (t == G_TYPE_BOOLEAN)
        v = g_strdup (json_node_get_boolean (n) ? "1" : "0");
      else if (t == G_TYPE_DOUBLE)
        v = g_strdup_printf ("%.6f", json_node_get_double (n));
      else
        v = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (n));
      g_string_append (s, first ? "\"" : ",\"");
      for (const char *c = v; *c; c++) {
        if (*c == '"')
          g_string_append_c (s, '"');
        g_string_append_c (s, *c);
      }
      g_string_append_c (s, '"');
      first = FALSE;
    }
    g_string_append_c (s, '\n');
  }
  return g_string_free (s, FALSE);
}

/* ---- Bencher Metric Format -------------------------------------------------------------- */

static void
bmf_metric (JsonObject *bench, const char *measure, JsonObject *fig, const char *field, double scale)
{
  double v = num (fig, field);
  if (!isfinite (v))
    return;
  JsonObject *m = json_object_new ();
  json_object_set_double_member (m, "value", v * scale);
  double lo = num (fig, "ci95_low"), hi = num (fig, "ci95_high");
  if (!strcmp (field, "median") && isfinite (lo) && isfinite (hi)) {
    json_object_set_double_member (m, "lower_value", lo * scale);
    json_object_set_double_member (m, "upper_value", hi * scale);
  }
  json_object_set_object_member (bench, measure, m);
}

/* Bencher Metric Format: {benchmark: {measure: {value, lower_value,
 * upper_value}}}; throughput in tokens/s, latency in nanoseconds (Bencher's
 * built-in measures), bounds from the 95% interval of the median. */
JsonObject *
bn_report_bencher (JsonObject *report)
{
  JsonObject *o = json_object_new ();
  JsonArray *bs = arr (report, "benchmarks");
  for (guint i = 0; bs && i < json_array_get_length (bs); i++) {
    JsonObject *b = json_array_get_object_element (bs, i);
    const char *name = str (b, "name");
    struct {
      const char *suffix, *measure, *fig, *field;
      double scale;
    } m[] = {
      { "decode", "throughput", "decode_tokens_per_second", "median", 1 },
      { "decode", "latency", "run_latency_p50_ms", "median", 1e6 },
      { "prefill", "throughput", "prefill_tokens_per_second", "median", 1 },
      { "first-token", "latency", "first_token_latency_ms", "median", 1e6 },
      { "memory", "peak-memory-mb", "peak_memory_mb", "max", 1 },
    };
    for (guint j = 0; j < G_N_ELEMENTS (m); j++) {
      g_autofree char *bn = g_strdup_printf ("%s/%s", name, m[j].suffix);
      JsonObject *bench = obj (o, bn);
      if (!bench) {
        json_object_set_object_member (o, bn, json_object_new ());
        bench = obj (o, bn);
      }
      bmf_metric (bench, m[j].measure, obj (b, m[j].fig), m[j].field, m[j].scale);
    }
  }
  return o;
}

/* ---- github-action-benchmark ---------------------------------------------------------- */

static void
gab_entry (JsonArray *a, JsonObject *b, const char *label, const char *unit, const char *fig, const char *field,
           JsonObject *sys)
{
  JsonObject *f = obj (b, fig);
  double v = num (f, field);
  if (!isfinite (v))
    return;
  JsonObject *e = json_object_new ();
  g_autofree char *name = g_strdup_printf ("%s %s", str (b, "name"), label);
  json_object_set_string_member (e, "name", name);
  json_object_set_string_member (e, "unit", unit);
  json_object_set_double_member (e, "value", v);
  double lo = num (f, "ci95_low"), hi = num (f, "ci95_high");
  if (!strcmp (field, "median") && isfinite (lo) && isfinite (hi)) {
    g_autofree char *range = g_strdup_printf ("\xc2\xb1 %.3g", (hi - lo) / 2);
    json_object_set_string_member (e, "range", range);
  }
  g_autofree char *los = isfinite (lo) ? g_strdup_printf ("%.4g", lo) : g_strdup ("-");
  g_autofree char *his = isfinite (hi) ? g_strdup_printf ("%.4g", hi) : g_strdup ("-");
  const char *model = str (obj (b, "config"), "model_fingerprint");
  g_autofree char *extra = g_strdup_printf (_("%s of %.0f runs; 95%% interval of the median [%s, %s]; model %s; "
                                               "%s, commit %s"),
                                            field, num (b, "runs"), los, his, model ? model : "?",
                                            str (sys, "cpu_model"), str (sys, "build_commit"));
  json_object_set_string_member (e, "extra", extra);
  json_array_add_object_element (a, e);
}

/* github-action-benchmark's custom input, [{name, unit, value, range,
 * extra}]: tool customBiggerIsBetter (throughputs) or
 * customSmallerIsBetter (latencies, memory), one file each since the tool
 * applies to a whole file. */
JsonArray *
bn_report_github_action_benchmark (JsonObject *report, gboolean bigger)
{
  JsonArray *a = json_array_new ();
  JsonObject *sys = obj (report, "system");
  JsonArray *bs = arr (report, "benchmarks");
  for (guint i = 0; bs && i < json_array_get_length (bs); i++) {
    JsonObject *b = json_array_get_object_element (bs, i);
    if (bigger) {
      gab_entry (a, b, "decode throughput", "tokens/s", "decode_tokens_per_second", "median", sys);
      gab_entry (a, b, "prefill throughput", "tokens/s", "prefill_tokens_per_second", "median", sys);
    } else {
      gab_entry (a, b, "token latency p50", "ms", "run_latency_p50_ms", "median", sys);
      gab_entry (a, b, "first-token latency", "ms", "first_token_latency_ms", "median", sys);
      gab_entry (a, b, "peak memory", "MB", "peak_memory_mb", "max", sys);
    }
  }
  return a;
}
