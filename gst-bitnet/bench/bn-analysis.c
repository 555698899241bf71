/* gst-bitnet: comparing measured runs with a baseline, metric by metric
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For each metric: the ratio of the current median to the baseline median
 * with a confidence interval computed on log values (bn-stats.c); the
 * verdict follows from where the whole interval lies against the
 * thresholds (docs/regression.md, docs/design/0005-regression-statistics.md).
 */
#include "config.h"

#include "bn-json-private.h"

#include "bn-analysis-private.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

static const char *const level_names[BN_N_LEVELS] = { "CRITICAL",    "WARNING", "INCONCLUSIVE",
                                                      "IMPROVEMENT", "STABLE",  "NO_BASELINE" };
static const char *const level_markers[BN_N_LEVELS] = { "!!", "! ", "??", "++", "==", "--" };
static const char *const level_emoji[BN_N_LEVELS] = { "\xf0\x9f\x9a\xa8", "\xe2\x9a\xa0\xef\xb8\x8f", "\xe2\x9d\x94",
                                                      "\xe2\x9c\x85",     "\xe2\x84\xb9\xef\xb8\x8f", "\xe2\x9e\x96" };

const char *
bn_level_name (BnLevel level)
{
  return level < BN_N_LEVELS ? level_names[level] : "?";
}

/* An ASCII marker for terminals and CI logs. */
const char *
bn_level_marker (BnLevel level)
{
  return level < BN_N_LEVELS ? level_markers[level] : "  ";
}

/* The seed's markers (rotating light, warning sign, check mark, information)
 * plus a question mark and a dash, for Markdown. */
const char *
bn_level_emoji (BnLevel level)
{
  return level < BN_N_LEVELS ? level_emoji[level] : "";
}

/* "two-sample", "one-sample", or %NULL when nothing was compared. */
const char *
bn_comparison_name (BnComparison comparison)
{
  return comparison == BN_COMPARISON_TWO_SAMPLE   ? "two-sample"
         : comparison == BN_COMPARISON_ONE_SAMPLE ? "one-sample"
                                                  : NULL;
}

/* The comparison of the whole analysis: "two-sample", "one-sample", "mixed"
 * (a baseline that keeps the runs of some metrics only), or %NULL. */
static const char *
overall_comparison (BnAnalysis *a)
{
  gboolean seen[3] = { FALSE };
  for (guint i = 0; i < a->results->len; i++)
    seen[g_array_index (a->results, BnMetricResult, i).comparison] = TRUE;
  if (seen[BN_COMPARISON_ONE_SAMPLE] && seen[BN_COMPARISON_TWO_SAMPLE])
    return "mixed";
  return bn_comparison_name (seen[BN_COMPARISON_ONE_SAMPLE]   ? BN_COMPARISON_ONE_SAMPLE
                             : seen[BN_COMPARISON_TWO_SAMPLE] ? BN_COMPARISON_TWO_SAMPLE
                                                              : BN_COMPARISON_NONE);
}

static void
mismatch_free (gpointer p)
{
  BnMismatch *m = p;
  g_free (m->field);
  g_free (m->baseline);
  g_free (m->current);
  g_free (m);
}

void
bn_analysis_free (BnAnalysis *a)
{
  if (!a)
    return;
  for (guint i = 0; a->results && i < a->results->len; i++)
    g_free (g_array_index (a->results, BnMetricResult, i).message);
  g_clear_pointer (&a->results, g_array_unref);
  g_clear_pointer (&a->mismatches, g_ptr_array_unref);
  g_clear_pointer (&a->notes, g_ptr_array_unref);
  g_clear_pointer (&a->baseline, json_object_unref);
  g_clear_pointer (&a->current, json_object_unref);
  g_free (a->mode);
  g_free (a->platform);
  g_free (a->current_platform);
  g_free (a->implementation);
  g_free (a->baseline_key);
  g_free (a->baselines_file);
  g_free (a->thresholds_source);
  g_free (a);
}

/* ---- mismatches --------------------------------------------------------------- */

/* The text of @key in @entry, its machine or its config object (numbers
 * and strings alike), or %NULL. */
static char *
entry_text (JsonObject *entry, const char *key)
{
  const char *where[] = { NULL, "machine", "config" };
  for (guint i = 0; entry && i < G_N_ELEMENTS (where); i++) {
    JsonObject *o = entry;
    if (where[i]) {
      JsonNode *n = json_object_get_member (entry, where[i]);
      if (!n || !JSON_NODE_HOLDS_OBJECT (n))
        continue;
      o = json_node_get_object (n);
    }
    JsonNode *n = json_object_get_member (o, key);
    if (!n || !JSON_NODE_HOLDS_VALUE (n))
      continue;
    if (json_node_get_value_type (n) == G_TYPE_STRING)
      return g_strdup (json_node_get_string (n));
    return json_to_string (n, FALSE);
  }
  return NULL;
}

static void
add_mismatch (BnAnalysis *a, const char *field, const char *b, const char *c, gboolean blocking)
{
  BnMismatch *m = g_new0 (BnMismatch, 1);
  m->field = g_strdup (field);
  m->baseline = g_strdup (b ? b : "");
  m->current = g_strdup (c ? c : "");
  m->blocking = blocking && !a->opt.compare_mismatched;
  g_ptr_array_add (a->mismatches, m);
}

static void
find_mismatches (BnAnalysis *a)
{
  /* what the comparison means depends on these: never compared silently */
  if (g_strcmp0 (a->platform, a->current_platform))
    add_mismatch (a, "platform", a->platform, a->current_platform, TRUE);
  static const char *const blocking[] = { "model_fingerprint", "compute_path", NULL };
  for (guint i = 0; blocking[i]; i++) {
    g_autofree char *b = entry_text (a->baseline, blocking[i]);
    g_autofree char *c = entry_text (a->current, blocking[i]);
    if (b && c && strcmp (b, c))
      add_mismatch (a, blocking[i], b, c, TRUE);
    else if (!b && c && !strcmp (blocking[i], "model_fingerprint"))
      g_ptr_array_add (a->notes, g_strdup (_("The baseline records no model fingerprint: it cannot be checked "
                                              "to be of the same model")));
  }
  /* an emulator's timings (qemu-user) say nothing of a native machine's:
   * never compared, whatever compare-mismatched says */
  g_autofree char *be = entry_text (a->baseline, "emulated");
  g_autofree char *ce = entry_text (a->current, "emulated");
  if (g_strcmp0 (be ? be : "false", ce ? ce : "false")) {
    add_mismatch (a, "emulated", be ? be : "false", ce ? ce : "false", TRUE);
    ((BnMismatch *) a->mismatches->pdata[a->mismatches->len - 1])->blocking = TRUE;
    g_ptr_array_add (a->notes, g_strdup (_("Timings measured under emulation (emulated: true) are never compared "
                                            "with native ones")));
  }
  /* these explain a difference without making the comparison meaningless */
  static const char *const explaining[] = { "cpu_model",        "simd_features", "build_type",    "compiler", "threads",
                                            "tokens_requested", "prompt_tokens", "weight_format", NULL };
  for (guint i = 0; explaining[i]; i++) {
    g_autofree char *b = entry_text (a->baseline, explaining[i]);
    g_autofree char *c = entry_text (a->current, explaining[i]);
    if (b && c && strcmp (b, c))
      add_mismatch (a, explaining[i], b, c, FALSE);
  }
  g_autofree char *measured_on = entry_text (a->baseline, "platform");
  if (measured_on && g_strcmp0 (measured_on, a->platform))
    g_ptr_array_add (a->notes, g_strdup_printf (_("The baseline kept under platform %s was measured on %s"),
                                                a->platform, measured_on));
}

static char *
blocking_summary (BnAnalysis *a)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < a->mismatches->len; i++) {
    BnMismatch *m = a->mismatches->pdata[i];
    if (!m->blocking)
      continue;
    if (s->len)
      g_string_append (s, "; ");
    g_string_append_printf (s, _("%s differs (baseline %s, current %s)"), m->field, m->baseline, m->current);
  }
  return g_string_free (s, !s->len);
}

/* ---- one metric --------------------------------------------------------------- */

static GArray *
current_samples (BnAnalysis *a, BnMetric m, JsonObject *entry)
{
  const char *key = bn_metric_info (m)->key;
  if (m == BN_METRIC_LATENCY_P50 && a->opt.per_token_latency)
    key = BN_SAMPLES_PER_TOKEN;
  return bn_baseline_entry_samples (entry, key);
}

static char *
interval_text (double conf, double c, double lo, double hi, gboolean relative)
{
  if (relative)
    return g_strdup_printf (_("change %+.1f%% (%.0f%% interval %+.1f%% to %+.1f%%)"), c, conf * 100, lo, hi);
  return g_strdup_printf (_("change %+.4g (range of the differences %+.4g to %+.4g)"), c, lo, hi);
}

static char *
share_text (double share)
{
  return isfinite (share) ? g_strdup_printf ("%.0f%%", share * 100) : g_strdup (_("an unknown share"));
}

static double
median_samples (JsonObject *entry, const char *key)
{
  g_autoptr (GArray) v = entry ? bn_baseline_entry_samples (entry, key) : NULL;
  return v ? bn_stats_median ((double *) v->data, v->len) : NAN;
}

static double
least_sample (JsonObject *entry, const char *key)
{
  g_autoptr (GArray) v = entry ? bn_baseline_entry_samples (entry, key) : NULL;
  double least = NAN;
  for (guint i = 0; v && i < v->len; i++)
    least = isnan (least) ? g_array_index (v, double, i) : MIN (least, g_array_index (v, double, i));
  return least;
}

/* The verdict of an interval [wlo, whi] of the change measured in the bad
 * direction (a decrease for throughput, an increase for latency); also
 * the calibrator's replay of compare-builds.py's rule. */
BnLevel
bn_level_of_interval (double wlo, double whi, double warn, double crit)
{
  if (wlo > crit)
    return BN_LEVEL_CRITICAL;
  if (wlo > warn)
    return BN_LEVEL_WARNING;
  if (whi < -warn)
    return BN_LEVEL_IMPROVEMENT;
  if (wlo >= -warn && whi <= warn)
    return BN_LEVEL_STABLE;
  return BN_LEVEL_INCONCLUSIVE;
}

static char *
explain (BnMetricResult *r, const BnMetricInfo *info, double conf, double wlo, double whi)
{
  gboolean rel = info->relative;
  const char *pct = rel ? "%" : "";
  const char *bad = info->higher_is_better ? _("decrease") : _("increase");
  const char *good = info->higher_is_better ? _("increase") : _("decrease");
  g_autofree char *iv = interval_text (conf, r->change, r->lo, r->hi, rel);
  switch (r->level) {
  case BN_LEVEL_CRITICAL:
    return g_strdup_printf (_("%s lies wholly beyond the critical threshold, a %g%s %s"), iv, r->critical, pct, bad);
  case BN_LEVEL_WARNING:
    return g_strdup_printf (_("%s lies wholly beyond the warning threshold, a %g%s %s (not wholly beyond the "
                               "critical %g%s)"),
                            iv, r->warning, pct, bad, r->critical, pct);
  case BN_LEVEL_IMPROVEMENT:
    return g_strdup_printf (_("%s lies wholly beyond a %g%s %s, the practical-significance bound"), iv, r->warning,
                            pct, good);
  case BN_LEVEL_STABLE:
    return g_strdup_printf (_("%s lies wholly within \xc2\xb1%g%s, the warning threshold"), iv, r->warning, pct);
  default: {
    GString *b = g_string_new (NULL);
    double bounds[] = { -r->warning, r->warning, r->critical };
    const char *names[] = { _("the improvement bound"), _("the warning threshold"), _("the critical threshold") };
    for (guint i = 0; i < G_N_ELEMENTS (bounds); i++)
      if (wlo < bounds[i] && whi > bounds[i])
        g_string_append_printf (b, "%s%s", b->len ? ", " : "", names[i]);
    g_autofree char *crossed = g_string_free (b, FALSE);
    return g_strdup_printf (_("%s straddles %s: more runs (the interval narrows about as 1/sqrt(n)) or a "
                               "side-by-side comparison would settle it"),
                            iv, *crossed ? crossed : _("a bound"));
  }
  }
}

/* How much slower than its own speed a side can have looked: a run that got
 * the share s of the CPU time it asked for took at most 1/s of the wall
 * time it needed; unknown or above 1, no bound (0) or none needed (1). */
static double
explainable (double least_share)
{
  return isfinite (least_share) && least_share > 0 ? MIN (least_share, 1.0) : 0;
}

/* The verdict of a relative metric whose change and interval are set, in
 * percent: from the thresholds. On a busy machine the wall time of a whole
 * phase (throughput, first-token latency) measured waiting too: the
 * interval is widened by every slowdown the lowest CPU share of each side
 * can explain, and only a verdict that holds over the widened interval is
 * given; otherwise INCONCLUSIVE, saying why
 * (docs/design/0019-contention-aware-verdicts.md). */
static void
decide_relative (BnAnalysis *a, BnMetricResult *r, const BnMetricInfo *info, double conf)
{
  double wlo = info->higher_is_better ? -r->hi : r->lo, whi = info->higher_is_better ? -r->lo : r->hi;
  if (a->disturbed && (r->metric == BN_METRIC_THROUGHPUT || r->metric == BN_METRIC_FIRST_TOKEN)) {
    /* true ratio = observed ratio x (how much the baseline was slowed) / (how much the current was):
     * a throughput within [lo s_b, hi / s_c], a time within [lo s_c, hi / s_b] */
    double sb = explainable (a->least_share_baseline), sc = explainable (a->least_share_current);
    double rlo = 1 + r->lo / 100, rhi = 1 + r->hi / 100;
    double lo = info->higher_is_better ? rlo * sb : rlo * sc;
    double den = info->higher_is_better ? sc : sb;
    double hi = den > 0 ? rhi / den : INFINITY;
    r->has_contention_interval = TRUE;
    r->contention_lo = (lo - 1) * 100;
    r->contention_hi = (hi - 1) * 100;
    double clo = info->higher_is_better ? -r->contention_hi : r->contention_lo;
    double chi = info->higher_is_better ? -r->contention_lo : r->contention_hi;
    BnLevel level = bn_level_of_interval (clo, chi, r->warning, r->critical);
    g_autofree char *iv = interval_text (conf, r->change, r->lo, r->hi, TRUE);
    g_autofree char *sbt = share_text (a->cpu_share_baseline), *sct = share_text (a->cpu_share_current);
    g_autofree char *lbt = share_text (a->least_share_baseline), *lct = share_text (a->least_share_current);
    g_autofree char *wide = isfinite (r->contention_hi)
                                ? g_strdup_printf ("[%+.1f%%, %+.1f%%]", r->contention_lo, r->contention_hi)
                                : g_strdup_printf ("[%+.1f%%, %s]", r->contention_lo, _("unbounded"));
    r->level = level;
    if (level == BN_LEVEL_INCONCLUSIVE) {
      r->message = g_strdup_printf (_("%s, but the machine was busy: the baseline runs got %s and the current "
                                       "runs %s of the CPU time they asked for (below %.0f%%; lowest %s and %s), "
                                       "so this figure measures waiting as much as computing: allowing for it, "
                                       "the change lies in %s, which settles nothing; the token latency p50 is "
                                       "robust to it, or rerun on a quiet machine"),
                                    iv, sbt, sct, a->opt.min_cpu_share * 100, lbt, lct, wide);
    } else {
      g_autofree char *why = explain (r, info, conf, clo, chi);
      r->message = g_strdup_printf (_("%s, even allowing for the busy machine: the runs got %s and %s of the CPU "
                                       "time they asked for (lowest %s and %s), and with every slowdown that "
                                       "waiting can explain the change still lies in %s"),
                                    why, sbt, sct, lbt, lct, wide);
    }
    return;
  }
  r->level = bn_level_of_interval (wlo, whi, r->warning, r->critical);
  r->message = explain (r, info, conf, wlo, whi);
}

/* Two-sample, relative: the ratio of the medians with Price and Bonett's
 * interval (docs/design/0005-regression-statistics.md). */
static void
compare_two_samples (BnAnalysis *a, BnMetricResult *r, const BnMetricInfo *info, GArray *base, GArray *cur)
{
  double conf = a->opt.confidence;
  gsize need = bn_stats_median_ci_min_n (conf);
  double ratio, lo, hi;
  if (base->len < need || cur->len < need) {
    r->level = BN_LEVEL_INCONCLUSIVE;
    r->message = g_strdup_printf (_("too few samples for a %.0f%% interval: %u in the baseline and %u now; at least "
                                     "%u are needed on each side (below that, not even [min, max] covers a median "
                                     "with %.0f%% confidence)"),
                                  conf * 100, base->len, cur->len, (guint) need, conf * 100);
  } else if (!bn_stats_ratio_of_medians ((double *) base->data, base->len, (double *) cur->data, cur->len, conf, &ratio,
                                         &lo, &hi)) {
    r->level = BN_LEVEL_INCONCLUSIVE;
    r->message = g_strdup (_("the samples are not all positive: no interval on log values"));
  } else {
    r->has_interval = TRUE;
    r->change = (ratio - 1) * 100;
    r->lo = (lo - 1) * 100;
    r->hi = (hi - 1) * 100;
    decide_relative (a, r, info, conf);
  }
}

/* One-sample, relative: the distribution-free interval of the current
 * median (bn_stats_median_ci()) divided by the stored point value, which is
 * taken as exact: the baseline's own noise is unknown
 * (docs/design/0014-one-sample-baselines.md). */
static void
compare_one_sample (BnAnalysis *a, BnMetricResult *r, const BnMetricInfo *info, GArray *cur)
{
  double conf = a->opt.confidence;
  double lo, hi;
  if (!(r->baseline > 0)) {
    r->level = BN_LEVEL_INCONCLUSIVE;
    r->message = g_strdup_printf (_("the stored %s is not positive: no ratio to it"), _ (info->label));
  } else if (!bn_stats_median_ci ((double *) cur->data, cur->len, conf, &lo, &hi, NULL)) {
    r->level = BN_LEVEL_INCONCLUSIVE;
    r->message = g_strdup_printf (_("too few runs for a %.0f%% interval of the current median: %u now, at least %u "
                                     "are needed (the baseline keeps a point value only, so the interval comes from "
                                     "the current runs alone)"),
                                  conf * 100, cur->len, (guint) bn_stats_median_ci_min_n (conf));
  } else {
    r->has_interval = TRUE;
    r->lo = (lo / r->baseline - 1) * 100;
    r->hi = (hi / r->baseline - 1) * 100;
    decide_relative (a, r, info, conf);
  }
}

/* Absolute (deterministic figures: same model, same seed): the interval is
 * the range of every difference, usually a single point; a stored point
 * value is a range of one. */
static void
compare_absolute (BnAnalysis *a, BnMetricResult *r, const BnMetricInfo *info, GArray *base, GArray *cur)
{
  double bmin = r->baseline, bmax = r->baseline, cmin = G_MAXDOUBLE, cmax = -G_MAXDOUBLE;
  if (base) {
    bmin = G_MAXDOUBLE;
    bmax = -G_MAXDOUBLE;
    for (guint i = 0; i < base->len; i++) {
      bmin = MIN (bmin, g_array_index (base, double, i));
      bmax = MAX (bmax, g_array_index (base, double, i));
    }
  }
  for (guint i = 0; i < cur->len; i++) {
    cmin = MIN (cmin, g_array_index (cur, double, i));
    cmax = MAX (cmax, g_array_index (cur, double, i));
  }
  r->has_interval = TRUE;
  r->lo = cmin - bmax;
  r->hi = cmax - bmin;
  double wlo = info->higher_is_better ? -r->hi : r->lo, whi = info->higher_is_better ? -r->lo : r->hi;
  r->level = bn_level_of_interval (wlo, whi, r->warning, r->critical);
  r->message = explain (r, info, a->opt.confidence, wlo, whi);
}

static void
compare_metric (BnAnalysis *a, BnMetric m, const char *blocked)
{
  const BnMetricInfo *info = bn_metric_info (m);
  g_autoptr (GArray) cur = current_samples (a, m, a->current);
  if (!cur)
    return; /* not measured now: no row (the notes say so for the main metrics) */
  BnMetricResult r = { 0 };
  r.metric = m;
  r.current = bn_stats_median ((double *) cur->data, cur->len);
  r.n_current = cur->len;
  r.baseline = r.change = r.lo = r.hi = r.p = NAN;
  r.warning = a->opt.thresholds.warning[info->limit];
  r.critical = a->opt.thresholds.critical[info->limit];

  g_autoptr (GArray) base = a->baseline ? current_samples (a, m, a->baseline) : NULL;
  if (base) {
    r.baseline = bn_stats_median ((double *) base->data, base->len);
    r.n_baseline = base->len;
  } else if (a->baseline) {
    r.baseline = bn_baseline_entry_headline (a->baseline, info->key);
  }
  if (isfinite (r.baseline))
    r.comparison = base ? BN_COMPARISON_TWO_SAMPLE : BN_COMPARISON_ONE_SAMPLE;
  if (isfinite (r.baseline) && r.baseline != 0)
    r.change = info->relative ? (r.current / r.baseline - 1) * 100 : r.current - r.baseline;

  if (!a->baseline) {
    r.level = BN_LEVEL_NO_BASELINE;
    r.message = a->baselines_file
                    ? g_strdup_printf (_("no baseline for implementation %s on platform %s in %s: make one "
                                          "with scripts/generate-performance-baselines.sh or "
                                          "bn-launch -f pipelines/baseline.bnp"),
                                       a->implementation, a->platform, a->baselines_file)
                    : g_strdup (_("no baseline runs"));
  } else if (!isfinite (r.baseline)) {
    r.level = BN_LEVEL_NO_BASELINE;
    r.message = g_strdup_printf (_("the baseline has no %s"), _ (info->label));
  } else if (blocked) {
    r.level = BN_LEVEL_INCONCLUSIVE;
    r.message = g_strdup_printf (_("not compared: %s"), blocked);
  } else if (!info->relative) {
    compare_absolute (a, &r, info, base, cur);
  } else if (base) {
    compare_two_samples (a, &r, info, base, cur);
  } else {
    compare_one_sample (a, &r, info, cur);
  }
  if (r.comparison == BN_COMPARISON_ONE_SAMPLE && !blocked) {
    /* every reader of the row sees that the baseline's noise is not in it */
    char *labelled = g_strdup_printf (_("one-sample (current runs against a stored point value): %s"), r.message);
    g_free (r.message);
    r.message = labelled;
  }
  if (!blocked && info->relative && base && base->len >= BN_STATS_MIN_MANN_WHITNEY
      && cur->len >= BN_STATS_MIN_MANN_WHITNEY) {
    BnMannWhitney mw;
    if (bn_stats_mann_whitney ((double *) cur->data, cur->len, (double *) base->data, base->len, TRUE, &mw)) {
      r.has_p = TRUE;
      r.p = mw.p;
      r.p_exact = mw.exact;
    }
  }
  g_array_append_val (a->results, r);
}

/* The calibration's rates in a note, and a warning when this comparison
 * has fewer runs per side than the calibration says 90% power needs for
 * the smallest slowdown it measured that reaches the warning threshold. */
static void
quote_calibration (BnAnalysis *a, JsonObject *cal)
{
  JsonObject *aa = bn_json_object_or (cal, "false_alarms");
  JsonObject *noise = bn_json_object_or (bn_json_object_or (cal, "noise"), "decode_tokens_per_second");
  JsonArray *det = bn_json_array_or (cal, "detection");
  if (!aa || !det)
    return;
  double cv = bn_json_double_or (noise, "cv_percent", NAN);
  GString *s = g_string_new (NULL);
  g_string_append_printf (s,
                          _("Calibrated on this platform %s with %u runs per side (regression-calibrator): false "
                             "alarms %u of %u A/A comparisons"),
                          bn_json_string_or (cal, "date", "?"), (guint) bn_json_int_or (cal, "runs_per_side", 0),
                          (guint) bn_json_int_or (aa, "alarms", 0), (guint) bn_json_int_or (aa, "comparisons", 0));
  guint need = 0, n_det = json_array_get_length (det);
  double need_size = NAN;
  for (guint i = 0; i < n_det && i < 16; i++) {
    JsonNode *dn = json_array_get_element (det, i);
    JsonObject *d = JSON_NODE_HOLDS_OBJECT (dn) ? json_node_get_object (dn) : NULL;
    JsonObject *t = bn_json_object_or (d, "interleaved");
    double size = bn_json_double_or (d, "slowdown_percent", NAN);
    if (!t || !isfinite (size))
      continue;
    g_string_append_printf (s, _("; a %.0f%% slowdown detected in %u of %u"), size,
                            (guint) bn_json_int_or (t, "detected", 0), (guint) bn_json_int_or (t, "comparisons", 0));
    gint64 k = bn_json_int_or (d, "runs_for_90_percent_power", 0);
    if (k > 0 && (isnan (need_size) || size < need_size)) {
      need_size = size;
      need = (guint) MIN (k, G_MAXUINT);
    }
  }
  if (isfinite (cv))
    g_string_append_printf (s, _("; decode speed noise CV %.1f%%"), cv);
  const char *best = bn_json_string_or (cal, "recommended_latency_statistic", NULL);
  if (best)
    g_string_append_printf (s, _("; token latency statistic with the fewest false alarms here: %s"), best);
  g_ptr_array_add (a->notes, g_string_free (s, FALSE));

  guint n = 0;
  for (guint i = 0; i < a->results->len; i++) {
    BnMetricResult *r = &g_array_index (a->results, BnMetricResult, i);
    if (r->metric == BN_METRIC_THROUGHPUT && r->comparison == BN_COMPARISON_TWO_SAMPLE)
      n = MIN (r->n_baseline, r->n_current);
  }
  if (n && need && n < need)
    g_ptr_array_add (a->notes, g_strdup_printf (_("With %u runs per side this comparison has less than 90%% power to "
                                                   "detect a %.0f%% slowdown on this machine (as calibrated): about "
                                                   "%u runs per side would"),
                                                n, need_size, need));
}

/* Compares @current (a baseline entry made of the runs measured now, see
 * bn_baseline_entry_from_runs()) with @baseline (nullable: NO_BASELINE). */
BnAnalysis *
bn_analysis_run (const BnAnalysisOptions *opt, JsonObject *baseline, JsonObject *current)
{
  BnAnalysis *a = g_new0 (BnAnalysis, 1);
  a->opt = *opt;
  a->opt.mode = a->mode = g_strdup (opt->mode);
  a->opt.platform = a->platform = g_strdup (opt->platform);
  a->opt.current_platform = a->current_platform = g_strdup (opt->current_platform);
  a->opt.implementation = a->implementation = g_strdup (opt->implementation);
  a->opt.baseline_key = a->baseline_key = g_strdup (opt->baseline_key ? opt->baseline_key : opt->implementation);
  a->opt.baselines_file = a->baselines_file = g_strdup (opt->baselines_file);
  a->opt.thresholds_source = a->thresholds_source = g_strdup (opt->thresholds_source);
  a->baseline = baseline ? json_object_ref (baseline) : NULL;
  a->current = json_object_ref (current);
  a->results = g_array_new (FALSE, TRUE, sizeof (BnMetricResult));
  a->mismatches = g_ptr_array_new_with_free_func (mismatch_free);
  a->notes = g_ptr_array_new_with_free_func (g_free);

  if (a->baseline)
    find_mismatches (a);
  a->cpu_share_baseline = median_samples (a->baseline, BN_SAMPLES_CPU_SHARE);
  a->cpu_share_current = median_samples (a->current, BN_SAMPLES_CPU_SHARE);
  a->least_share_baseline = least_sample (a->baseline, BN_SAMPLES_CPU_SHARE);
  a->least_share_current = least_sample (a->current, BN_SAMPLES_CPU_SHARE);
  a->disturbed = opt->min_cpu_share > 0
                 && ((isfinite (a->cpu_share_baseline) && a->cpu_share_baseline < opt->min_cpu_share)
                     || (isfinite (a->cpu_share_current) && a->cpu_share_current < opt->min_cpu_share));
  g_autofree char *blocked = blocking_summary (a);
  BnMetric latency = bn_metric_is_token_latency (opt->latency_metric) ? opt->latency_metric : BN_METRIC_LATENCY_P50;
  a->opt.latency_metric = latency;
  for (BnMetric m = 0; m < BN_N_METRICS; m++) {
    if (bn_metric_is_token_latency (m) && m != latency)
      continue; /* one token-latency statistic per analysis: each row is one more chance of a false alarm */
    if (m == BN_METRIC_MEMORY && opt->skip_memory) {
      g_ptr_array_add (a->notes, g_strdup (_("Peak memory is not compared side by side: it is the peak of the "
                                              "whole process, which both branches share")));
      continue;
    }
    guint before = a->results->len;
    compare_metric (a, m, blocked);
    if (a->results->len == before && m != BN_METRIC_ACCURACY)
      g_ptr_array_add (
          a->notes, g_strdup_printf (_("The current runs carry no %s: not compared"), _ (bn_metric_info (m)->label)));
  }
  if (opt->per_token_latency)
    g_ptr_array_add (a->notes, g_strdup (_("Token latency is compared over every per-token sample, as if they "
                                            "were independent: consecutive tokens share the machine's state, so "
                                            "the interval is too narrow (latency-samples=per-run is the honest "
                                            "choice)")));

  if (g_strcmp0 (a->baseline_key, a->implementation) && a->baseline)
    g_ptr_array_insert (a->notes, 0,
                        g_strdup_printf (_("The baseline is the %s entry (the seed's name for the implementation "
                                            "under test), read as %s's: the file has no %s entry on %s; the first "
                                            "baseline-sink run writes one, which then takes precedence"),
                                         a->baseline_key, a->implementation, a->implementation, a->platform));
  const char *comparison = overall_comparison (a);
  if (!g_strcmp0 (comparison, "one-sample") || !g_strcmp0 (comparison, "mixed"))
    g_ptr_array_insert (
        a->notes, 0,
        g_strdup (_("One-sample comparison: the baseline keeps point values without their runs, so the current "
                     "runs' median interval is compared with the stored point value; the baseline's own noise is "
                     "unknown and counts for nothing in the interval. Regenerate the baseline with baseline-sink "
                     "(pipelines/baseline.bnp) for a two-sample comparison")));

  if (opt->calibration)
    quote_calibration (a, opt->calibration);

  a->status = BN_LEVEL_NO_BASELINE;
  for (guint i = 0; i < a->results->len; i++) {
    BnLevel l = g_array_index (a->results, BnMetricResult, i).level;
    if (l != BN_LEVEL_NO_BASELINE && (a->status == BN_LEVEL_NO_BASELINE || l < a->status))
      a->status = l;
  }
  return a;
}

/* ---- output ---------------------------------------------------------------------- */

static void
set_number_or_null (JsonObject *o, const char *member, double v)
{
  if (isfinite (v))
    json_object_set_double_member (o, member, v);
  else
    json_object_set_null_member (o, member);
}

static void
set_string_or_null (JsonObject *o, const char *member, const char *s)
{
  if (s)
    json_object_set_string_member (o, member, s);
  else
    json_object_set_null_member (o, member);
}

static JsonObject *
side_summary (JsonObject *entry)
{
  JsonObject *o = json_object_new ();
  json_object_set_int_member (o, "sample_count", bn_json_int_or (entry, "sample_count", 0));
  set_string_or_null (o, "date", bn_baseline_entry_string (entry, "date"));
  set_string_or_null (o, "build_commit", bn_baseline_entry_string (entry, "build_commit"));
  set_string_or_null (o, "model_fingerprint", bn_baseline_entry_string (entry, "model_fingerprint"));
  JsonNode *m = json_object_get_member (entry, "machine");
  if (m && JSON_NODE_HOLDS_OBJECT (m))
    json_object_set_member (o, "machine", json_node_copy (m));
  JsonNode *c = json_object_get_member (entry, "config");
  if (c && JSON_NODE_HOLDS_OBJECT (c))
    json_object_set_member (o, "config", json_node_copy (c));
  return o;
}

/* The analysis as JSON (docs/schemas/regression.schema.json). */
JsonObject *
bn_analysis_to_json (BnAnalysis *a)
{
  JsonObject *o = json_object_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *ts = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  json_object_set_string_member (o, "schema_version", "1.0.0");
  json_object_set_string_member (o, "generator", bn_version_string ());
  json_object_set_string_member (o, "timestamp", ts);
  json_object_set_string_member (o, "mode", a->mode);
  json_object_set_string_member (o, "status", bn_level_name (a->status));
  json_object_set_string_member (o, "platform", a->platform);
  json_object_set_string_member (o, "implementation", a->implementation);
  set_string_or_null (o, "baseline_implementation", a->baseline ? a->baseline_key : NULL);
  set_string_or_null (o, "comparison", overall_comparison (a));
  set_string_or_null (o, "baselines_file", a->baselines_file);
  json_object_set_double_member (o, "confidence", a->opt.confidence);
  json_object_set_string_member (o, "latency_samples", a->opt.per_token_latency ? "per-token" : "per-run");
  JsonObject *th = bn_thresholds_to_json (&a->opt.thresholds);
  json_object_set_string_member (th, "source", a->thresholds_source);
  json_object_set_object_member (o, "thresholds", th);
  if (a->baseline)
    json_object_set_object_member (o, "baseline", side_summary (a->baseline));
  else
    json_object_set_null_member (o, "baseline");
  json_object_set_object_member (o, "current", side_summary (a->current));
  JsonObject *cpu = json_object_new ();
  set_number_or_null (cpu, "baseline", a->cpu_share_baseline);
  set_number_or_null (cpu, "current", a->cpu_share_current);
  json_object_set_double_member (cpu, "minimum", a->opt.min_cpu_share);
  json_object_set_boolean_member (cpu, "disturbed", a->disturbed);
  json_object_set_object_member (o, "cpu_share", cpu);

  JsonArray *mm = json_array_new ();
  for (guint i = 0; i < a->mismatches->len; i++) {
    BnMismatch *m = a->mismatches->pdata[i];
    JsonObject *e = json_object_new ();
    json_object_set_string_member (e, "field", m->field);
    json_object_set_string_member (e, "baseline", m->baseline);
    json_object_set_string_member (e, "current", m->current);
    json_object_set_boolean_member (e, "blocking", m->blocking);
    json_array_add_object_element (mm, e);
  }
  json_object_set_array_member (o, "mismatches", mm);
  JsonArray *notes = json_array_new ();
  for (guint i = 0; i < a->notes->len; i++)
    json_array_add_string_element (notes, a->notes->pdata[i]);
  json_object_set_array_member (o, "notes", notes);

  guint counts[BN_N_LEVELS] = { 0 };
  JsonArray *alerts = json_array_new ();
  for (guint i = 0; i < a->results->len; i++) {
    BnMetricResult *r = &g_array_index (a->results, BnMetricResult, i);
    const BnMetricInfo *info = bn_metric_info (r->metric);
    counts[r->level]++;
    JsonObject *e = json_object_new ();
    json_object_set_string_member (e, "level", bn_level_name (r->level));
    json_object_set_string_member (e, "metric", info->key);
    json_object_set_string_member (e, "label", _ (info->label));
    json_object_set_string_member (e, "unit", info->unit);
    json_object_set_string_member (e, "message", r->message);
    set_string_or_null (e, "comparison", bn_comparison_name (r->comparison));
    set_number_or_null (e, "current", r->current);
    set_number_or_null (e, "baseline", r->baseline);
    set_number_or_null (
        e, "change_percent",
        info->relative ? r->change
                       : (isfinite (r->baseline) && r->baseline != 0 ? (r->current / r->baseline - 1) * 100 : NAN));
    if (!info->relative)
      set_number_or_null (e, "change_absolute", r->change);
    if (r->has_interval) {
      JsonObject *iv = json_object_new ();
      json_object_set_double_member (iv, "low", r->lo);
      json_object_set_double_member (iv, "high", r->hi);
      json_object_set_string_member (iv, "unit", info->relative ? "percent" : "absolute");
      json_object_set_double_member (iv, "confidence", info->relative ? a->opt.confidence : 1.0);
      gboolean one = r->comparison == BN_COMPARISON_ONE_SAMPLE;
      json_object_set_string_member (iv, "method",
                                     info->relative
                                         ? (one ? "median-interval-vs-point" : "price-bonett-ratio-of-medians")
                                         : (one ? "range-vs-point" : "range-of-differences"));
      json_object_set_object_member (e, "interval", iv);
    } else {
      json_object_set_null_member (e, "interval");
    }
    if (r->has_contention_interval) {
      JsonObject *ci = json_object_new ();
      json_object_set_double_member (ci, "low", r->contention_lo);
      set_number_or_null (ci, "high", isfinite (r->contention_hi) ? r->contention_hi : NAN);
      set_number_or_null (ci, "least_cpu_share_baseline", a->least_share_baseline);
      set_number_or_null (ci, "least_cpu_share_current", a->least_share_current);
      json_object_set_object_member (e, "contention_interval", ci);
    }
    JsonObject *t = json_object_new ();
    json_object_set_double_member (t, "warning", r->warning);
    json_object_set_double_member (t, "critical", r->critical);
    json_object_set_string_member (t, "direction", info->higher_is_better ? "decrease" : "increase");
    json_object_set_string_member (t, "unit", info->relative ? "percent" : "absolute");
    json_object_set_object_member (e, "threshold", t);
    if (r->has_p) {
      json_object_set_double_member (e, "p_value", r->p);
      json_object_set_string_member (e, "p_value_method", r->p_exact ? "mann-whitney-exact" : "mann-whitney-normal");
    } else {
      json_object_set_null_member (e, "p_value");
      json_object_set_null_member (e, "p_value_method");
    }
    JsonObject *n = json_object_new ();
    json_object_set_int_member (n, "baseline", r->n_baseline);
    json_object_set_int_member (n, "current", r->n_current);
    json_object_set_object_member (e, "samples", n);
    json_array_add_object_element (alerts, e);
  }
  json_object_set_array_member (o, "alerts", alerts);
  JsonObject *s = json_object_new ();
  json_object_set_int_member (s, "metrics", a->results->len);
  json_object_set_int_member (s, "critical", counts[BN_LEVEL_CRITICAL]);
  json_object_set_int_member (s, "warning", counts[BN_LEVEL_WARNING]);
  json_object_set_int_member (s, "improvement", counts[BN_LEVEL_IMPROVEMENT]);
  json_object_set_int_member (s, "stable", counts[BN_LEVEL_STABLE]);
  json_object_set_int_member (s, "inconclusive", counts[BN_LEVEL_INCONCLUSIVE]);
  json_object_set_int_member (s, "no_baseline", counts[BN_LEVEL_NO_BASELINE]);
  json_object_set_object_member (o, "summary", s);
  return o;
}

static char *
value_text (double v, const char *unit)
{
  if (!isfinite (v))
    return g_strdup ("-");
  double a = fabs (v);
  const char *f = !*unit ? "%.6g" : a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : a >= 1 ? "%.2f" : "%.3g";
  g_autofree char *n = g_strdup_printf (f, v);
  return *unit ? g_strdup_printf ("%s %s", n, unit) : g_steal_pointer (&n);
}

/* The analysis as one table for a terminal or a CI log: a marker per
 * level, the figures, and the reason in words. */
char *
bn_analysis_to_text (BnAnalysis *a)
{
  GString *s = g_string_new (NULL);
  if (a->baselines_file)
    g_string_append_printf (s, _("Regression analysis: %s on %s against %s\n"), a->implementation, a->platform,
                            a->baselines_file);
  else
    g_string_append_printf (s, _("Regression analysis, side by side: candidate against baseline on %s\n"),
                            a->platform);
  if (a->baseline && !g_strcmp0 (overall_comparison (a), "one-sample")) {
    g_string_append_printf (
        s, _("Baseline: stored point values only (no runs kept); current: %" PRId64 " runs; thresholds from %s\n"),
        bn_json_int_or (a->current, "sample_count", 0), a->thresholds_source);
  } else if (a->baseline) {
    const char *commit = bn_baseline_entry_string (a->baseline, "build_commit");
    g_string_append_printf (
        s, _("Baseline: %" PRId64 " runs, %s, build %s; current: %" PRId64 " runs; thresholds from %s\n"),
        bn_json_int_or (a->baseline, "sample_count", 0),
        bn_baseline_entry_string (a->baseline, "date") ? bn_baseline_entry_string (a->baseline, "date") : "?",
        commit && *commit ? commit : "?", bn_json_int_or (a->current, "sample_count", 0), a->thresholds_source);
  }
  if (a->baseline && (isfinite (a->cpu_share_baseline) || isfinite (a->cpu_share_current))) {
    g_autofree char *sb = share_text (a->cpu_share_baseline), *sc = share_text (a->cpu_share_current);
    g_string_append_printf (s,
                            _("CPU share (CPU time / threads / wall time, median of runs): baseline %s, current "
                               "%s%s\n"),
                            sb, sc, a->disturbed ? _(": the machine was busy") : "");
  }
  for (guint i = 0; i < a->mismatches->len; i++) {
    BnMismatch *m = a->mismatches->pdata[i];
    g_string_append_printf (s,
                            m->blocking ? _("MISMATCH: %s differs: baseline %s, current %s (not compared)\n")
                                        : _("Note: %s differs: baseline %s, current %s\n"),
                            m->field, m->baseline, m->current);
  }
  for (guint i = 0; i < a->notes->len; i++)
    g_string_append_printf (s, _("Note: %s\n"), (char *) a->notes->pdata[i]);

  g_string_append_printf (s, "\n   %-20s %14s %14s %8s %20s %7s  %-12s %s\n", _("metric"), _("baseline"),
                          _("current"), _("change"), _("interval"), "p", _("verdict"), _("reason"));
  for (guint i = 0; i < a->results->len; i++) {
    BnMetricResult *r = &g_array_index (a->results, BnMetricResult, i);
    const BnMetricInfo *info = bn_metric_info (r->metric);
    g_autofree char *b = value_text (r->baseline, info->unit);
    g_autofree char *c = value_text (r->current, info->unit);
    g_autofree char *ch = !isfinite (r->change) ? g_strdup ("-")
                          : info->relative      ? g_strdup_printf ("%+.1f%%", r->change)
                                                : g_strdup_printf ("%+.2g", r->change);
    g_autofree char *iv = !r->has_interval ? g_strdup ("-")
                          : info->relative ? g_strdup_printf ("[%+.1f%%, %+.1f%%]", r->lo, r->hi)
                                           : g_strdup_printf ("[%+.2g, %+.2g]", r->lo, r->hi);
    g_autofree char *p = !r->has_p      ? g_strdup ("-")
                         : r->p < 0.001 ? g_strdup ("<0.001")
                                        : g_strdup_printf ("%.3f", r->p);
    g_string_append_printf (s, "%s %-20s %14s %14s %8s %20s %7s  %-12s %s\n", bn_level_marker (r->level),
                            _ (info->label), b, c, ch, iv, p, bn_level_name (r->level), r->message);
  }
  g_string_append_printf (s, _("\nOverall: %s\n"), bn_level_name (a->status));
  return g_string_free (s, FALSE);
}

/* The payload of the regression-verdict element message. */
GVariant *
bn_analysis_to_variant (BnAnalysis *a)
{
  GVariantBuilder b, metrics;
  guint counts[BN_N_LEVELS] = { 0 };
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_init (&metrics, G_VARIANT_TYPE ("a{ss}"));
  for (guint i = 0; i < a->results->len; i++) {
    BnMetricResult *r = &g_array_index (a->results, BnMetricResult, i);
    counts[r->level]++;
    g_variant_builder_add (&metrics, "{ss}", bn_metric_info (r->metric)->key, bn_level_name (r->level));
  }
  g_variant_builder_add (&b, "{sv}", "status", g_variant_new_string (bn_level_name (a->status)));
  g_variant_builder_add (&b, "{sv}", "mode", g_variant_new_string (a->mode));
  g_variant_builder_add (&b, "{sv}", "platform", g_variant_new_string (a->platform));
  g_variant_builder_add (&b, "{sv}", "implementation", g_variant_new_string (a->implementation));
  const char *comparison = overall_comparison (a);
  g_variant_builder_add (&b, "{sv}", "comparison", g_variant_new_string (comparison ? comparison : "none"));
  g_variant_builder_add (&b, "{sv}", "critical", g_variant_new_uint32 (counts[BN_LEVEL_CRITICAL]));
  g_variant_builder_add (&b, "{sv}", "warning", g_variant_new_uint32 (counts[BN_LEVEL_WARNING]));
  g_variant_builder_add (&b, "{sv}", "improvement", g_variant_new_uint32 (counts[BN_LEVEL_IMPROVEMENT]));
  g_variant_builder_add (&b, "{sv}", "stable", g_variant_new_uint32 (counts[BN_LEVEL_STABLE]));
  g_variant_builder_add (&b, "{sv}", "inconclusive", g_variant_new_uint32 (counts[BN_LEVEL_INCONCLUSIVE]));
  g_variant_builder_add (&b, "{sv}", "no-baseline", g_variant_new_uint32 (counts[BN_LEVEL_NO_BASELINE]));
  g_variant_builder_add (&b, "{sv}", "metrics", g_variant_builder_end (&metrics));
  return g_variant_builder_end (&b); /* floating */
}
