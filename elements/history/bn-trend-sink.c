/* gst-bitnet: trend-sink, draws each series of a history and writes the HTML report
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gst-bitnet/bench/bn-json-private.h>
#include <gst-bitnet/bn-file-private.h>

#include "bn-history-elements.h"
#include "gst-bitnet/bench/bn-baselines-private.h"

#include <cairo.h>
#include <cairo-svg.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

/**
 * SECTION:element-trend-sink
 * @title: trend-sink
 *
 * Draws the trend of each series of a history: runs (`bench/run`, from
 * history-src, usually through changepoint-analyzer) over commits, the
 * change points of the `bench/changepoints` report that follows them, the
 * stored baseline band (the baseline's median +- the warning threshold, from
 * #BnTrendSink:baselines) and, for throughput, the bandwidth ceiling
 * measured in each run. Each plot is written with cairo as SVG and PNG
 * under `trends/` of #BnTrendSink:directory, and gathered with tables and
 * verdicts into one static page, `index.html` (no server, no network,
 * opens from disk); a "Performance history" section with the PNG plots is
 * written into #BnTrendSink:markdown (replacing an earlier one).
 *
 * |[
 * bn-launch history-src ! changepoint-analyzer ! trend-sink
 * ]|
 */

struct _BnTrendSink {
  BnElement parent_instance;
  char *directory, *baselines, *markdown, *title;
  GPtrArray *runs;
  JsonObject *report;
};

G_DEFINE_FINAL_TYPE (BnTrendSink, bn_trend_sink, BN_TYPE_ELEMENT)

enum { PROP_0, PROP_DIRECTORY, PROP_BASELINES, PROP_MARKDOWN, PROP_TITLE, N_PROPS };
static GParamSpec *props[N_PROPS];

#define PLOT_W 900
#define PLOT_H 360

static char **
slot (BnTrendSink *self, guint id)
{
  char **slots[] = { NULL, &self->directory, &self->baselines, &self->markdown, &self->title };
  return slots[id];
}

static void
bn_trend_sink_finalize (GObject *object)
{
  BnTrendSink *self = BN_TREND_SINK (object);
  for (guint id = PROP_DIRECTORY; id < N_PROPS; id++)
    g_free (*slot (self, id));
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  g_clear_pointer (&self->report, json_object_unref);
  G_OBJECT_CLASS (bn_trend_sink_parent_class)->finalize (object);
}

static void
bn_trend_sink_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  g_value_set_string (value, *slot (BN_TREND_SINK (object), id));
}

static void
bn_trend_sink_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  char **s = slot (BN_TREND_SINK (object), id);
  g_free (*s);
  *s = g_value_dup_string (value);
}

static gboolean
bn_trend_sink_start (BnElement *element, GError **error)
{
  BnTrendSink *self = BN_TREND_SINK (element);
  if (!self->directory || !*self->directory) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS, _("trend-sink needs directory=DIR"));
    return FALSE;
  }
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  g_clear_pointer (&self->report, json_object_unref);
  self->runs = g_ptr_array_new_with_free_func (g_object_unref);
  return TRUE;
}

static BnFlowReturn
bn_trend_sink_chain (BnElement *element, BnPad *pad, BnItem *item)
{
  BnTrendSink *self = BN_TREND_SINK (element);
  g_autoptr (BnItem) owned = item;
  if (!BN_IS_RECORD (item))
    return BN_FLOW_OK;
  if (!g_strcmp0 (bn_caps_get_media_type (bn_item_get_caps (item), 0), "bench/changepoints")) {
    g_clear_pointer (&self->report, json_object_unref);
    self->report = json_object_ref (bn_record_get_object (BN_RECORD (item)));
  } else {
    g_ptr_array_add (self->runs, g_steal_pointer (&owned));
  }
  return BN_FLOW_OK;
}

/* ---- one plot ---- */

typedef struct {
  const char *title, *metric;
  GArray *values;                    /* double per run */
  GArray *ceiling;                   /* double per run, NAN when unknown */
  GPtrArray *commits;                /* const char* per run */
  JsonArray *points;                 /* change points of the report; nullable */
  double band_lo, band_mid, band_hi; /* NAN: no baseline */
} Plot;

typedef struct {
  double x0, x1, y0, y1, lo, hi;
  guint n;
} Frame;

static double
fx (const Frame *f, double i)
{
  return f->n > 1 ? f->x0 + (f->x1 - f->x0) * i / (f->n - 1) : (f->x0 + f->x1) / 2;
}

static double
fy (const Frame *f, double v)
{
  return f->y1 - (f->y1 - f->y0) * (v - f->lo) / (f->hi - f->lo);
}

static void
text_at (cairo_t *cr, double x, double y, double size, const char *text, double align)
{
  cairo_text_extents_t e;
  cairo_set_font_size (cr, size);
  cairo_text_extents (cr, text, &e);
  cairo_move_to (cr, x - align * e.x_advance, y);
  cairo_show_text (cr, text);
}

static void
draw_axes (cairo_t *cr, const Frame *f, const Plot *p)
{
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  text_at (cr, f->x0, 20, 13, p->title, 0);
  cairo_set_line_width (cr, 1);
  for (int t = 0; t <= 5; t++) {
    double v = f->lo + (f->hi - f->lo) * t / 5, y = fy (f, v);
    cairo_set_source_rgb (cr, 0.88, 0.88, 0.88);
    cairo_move_to (cr, f->x0, y);
    cairo_line_to (cr, f->x1, y);
    cairo_stroke (cr);
    char label[32];
    g_snprintf (label, sizeof label, "%.4g", v);
    cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
    text_at (cr, f->x0 - 6, y + 4, 10, label, 1);
  }
  /* commit boundaries, labelled under the axis */
  for (guint i = 0; i < p->commits->len; i++) {
    if (i && !g_strcmp0 (p->commits->pdata[i], p->commits->pdata[i - 1]))
      continue;
    double x = fx (f, i);
    cairo_set_source_rgb (cr, 0.8, 0.8, 0.8);
    cairo_move_to (cr, x, f->y0);
    cairo_line_to (cr, x, f->y1);
    cairo_stroke (cr);
    g_autofree char *c = g_strndup (p->commits->pdata[i], 7);
    cairo_save (cr);
    cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
    cairo_move_to (cr, x + 3, f->y1 + 8);
    cairo_rotate (cr, G_PI / 4);
    cairo_set_font_size (cr, 9);
    cairo_show_text (cr, c);
    cairo_restore (cr);
  }
}

static void
draw_plot (cairo_t *cr, const Plot *p)
{
  Frame f = { .x0 = 70, .x1 = PLOT_W - 20, .y0 = 34, .y1 = PLOT_H - 64, .n = p->values->len };
  f.lo = INFINITY;
  f.hi = -INFINITY;
  for (guint i = 0; i < p->values->len; i++) {
    double v = g_array_index (p->values, double, i), c = g_array_index (p->ceiling, double, i);
    f.lo = MIN (f.lo, v);
    f.hi = MAX (f.hi, v);
    if (isfinite (c))
      f.hi = MAX (f.hi, c);
  }
  if (isfinite (p->band_lo)) {
    f.lo = MIN (f.lo, p->band_lo);
    f.hi = MAX (f.hi, p->band_hi);
  }
  if (!isfinite (f.lo)) {
    f.lo = 0;
    f.hi = 1;
  }
  double pad = (f.hi - f.lo) * 0.08 + fabs (f.hi) * 1e-6 + 1e-12;
  f.lo -= pad;
  f.hi += pad;
  draw_axes (cr, &f, p);

  if (isfinite (p->band_lo)) {
    cairo_set_source_rgba (cr, 0.2, 0.65, 0.3, 0.15);
    cairo_rectangle (cr, f.x0, fy (&f, p->band_hi), f.x1 - f.x0, fy (&f, p->band_lo) - fy (&f, p->band_hi));
    cairo_fill (cr);
    cairo_set_source_rgb (cr, 0.2, 0.55, 0.3);
    double dash[] = { 6, 4 };
    cairo_set_dash (cr, dash, 2, 0);
    cairo_move_to (cr, f.x0, fy (&f, p->band_mid));
    cairo_line_to (cr, f.x1, fy (&f, p->band_mid));
    cairo_stroke (cr);
    cairo_set_dash (cr, NULL, 0, 0);
    text_at (cr, f.x1 - 4, fy (&f, p->band_hi) - 4, 10, _("baseline band"), 1);
  }

  /* the bandwidth ceiling of each run */
  gboolean started = FALSE;
  cairo_set_source_rgb (cr, 0.9, 0.5, 0.1);
  cairo_set_line_width (cr, 1.5);
  for (guint i = 0; i < p->ceiling->len; i++) {
    double c = g_array_index (p->ceiling, double, i);
    if (!isfinite (c))
      continue;
    if (started)
      cairo_line_to (cr, fx (&f, i), fy (&f, c));
    else
      cairo_move_to (cr, fx (&f, i), fy (&f, c));
    started = TRUE;
  }
  if (started) {
    cairo_stroke (cr);
    text_at (cr, f.x0 + 4, fy (&f, g_array_index (p->ceiling, double, 0)) - 5, 10, _("bandwidth ceiling"), 0);
  }

  /* segment means between change points, then the change points */
  guint n_points = p->points ? json_array_get_length (p->points) : 0;
  guint from = 0;
  cairo_set_source_rgb (cr, 0.1, 0.2, 0.6);
  cairo_set_line_width (cr, 2);
  for (guint k = 0; k <= n_points && p->values->len; k++) {
    guint to = k < n_points ? json_object_get_int_member (json_array_get_object_element (p->points, k), "index")
                            : p->values->len;
    double s = 0;
    for (guint i = from; i < to; i++)
      s += g_array_index (p->values, double, i);
    if (to > from) {
      cairo_move_to (cr, fx (&f, from), fy (&f, s / (to - from)));
      cairo_line_to (cr, fx (&f, to - 1), fy (&f, s / (to - from)));
      cairo_stroke (cr);
    }
    from = to;
  }
  for (guint k = 0; k < n_points; k++) {
    JsonObject *cp = json_array_get_object_element (p->points, k);
    double x = fx (&f, json_object_get_int_member (cp, "index") - 0.5);
    cairo_set_source_rgb (cr, 0.8, 0.1, 0.1);
    double dash[] = { 4, 3 };
    cairo_set_dash (cr, dash, 2, 0);
    cairo_set_line_width (cr, 1.5);
    cairo_move_to (cr, x, f.y0);
    cairo_line_to (cr, x, f.y1);
    cairo_stroke (cr);
    cairo_set_dash (cr, NULL, 0, 0);
    char label[48];
    g_snprintf (label, sizeof label, "%+.1f%%", json_object_get_double_member (cp, "change_percent"));
    text_at (cr, x + 3, f.y0 + 12, 11, label, 0);
  }

  /* the runs */
  cairo_set_source_rgb (cr, 0.15, 0.35, 0.85);
  for (guint i = 0; i < p->values->len; i++) {
    cairo_arc (cr, fx (&f, i), fy (&f, g_array_index (p->values, double, i)), 2.6, 0, 2 * G_PI);
    cairo_fill (cr);
  }
}

static gboolean
write_plot (const Plot *p, const char *svg, const char *png, GError **error)
{
  cairo_surface_t *s = cairo_svg_surface_create (svg, PLOT_W, PLOT_H);
  cairo_t *cr = cairo_create (s);
  draw_plot (cr, p);
  cairo_destroy (cr);
  cairo_surface_finish (s);
  cairo_status_t st = cairo_surface_status (s);
  cairo_surface_destroy (s);
  if (st == CAIRO_STATUS_SUCCESS) {
    s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, PLOT_W, PLOT_H);
    cr = cairo_create (s);
    draw_plot (cr, p);
    cairo_destroy (cr);
    st = cairo_surface_write_to_png (s, png);
    cairo_surface_destroy (s);
  }
  if (st != CAIRO_STATUS_SUCCESS) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot draw %s: %s"), svg,
                 cairo_status_to_string (st));
    return FALSE;
  }
  return TRUE;
}

/* ---- the report ---- */

/* the report's change points for series @s and @metric */
static JsonArray *
points_of (JsonObject *report, JsonObject *run, const char *metric)
{
  JsonArray *all = report ? json_object_get_array_member (report, "series") : NULL;
  for (guint i = 0; all && i < json_array_get_length (all); i++) {
    JsonObject *s = json_array_get_object_element (all, i);
    if (g_strcmp0 (json_object_get_string_member (s, "platform"), bn_history_filed (run, "platform"))
        || g_strcmp0 (json_object_get_string_member (s, "implementation"), bn_history_filed (run, "implementation"))
        || g_strcmp0 (json_object_get_string_member (s, "configuration"), bn_history_filed (run, "configuration")))
      continue;
    JsonArray *metrics = json_object_get_array_member (s, "metrics");
    for (guint k = 0; k < json_array_get_length (metrics); k++) {
      JsonObject *m = json_array_get_object_element (metrics, k);
      if (!g_strcmp0 (json_object_get_string_member (m, "metric"), metric))
        return json_object_get_array_member (m, "change_points");
    }
  }
  return NULL;
}

static char *
slug (const char *text)
{
  GString *s = g_string_new (NULL);
  for (const char *c = text; *c; c++)
    g_string_append_c (s, g_ascii_isalnum (*c) ? g_ascii_tolower (*c) : '-');
  return g_string_free (s, FALSE);
}

/* the baseline band of throughput for @run's platform and implementation */
static void
baseline_band (JsonObject *file, JsonObject *run, const char *metric, Plot *p)
{
  p->band_lo = p->band_mid = p->band_hi = NAN;
  if (!file || g_strcmp0 (metric, bn_run_field_name (BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND)))
    return;
  JsonObject *entry =
      bn_baselines_lookup (file, bn_history_filed (run, "platform"), bn_history_filed (run, "implementation"));
  if (!entry)
    return;
  double mid = bn_baseline_entry_headline (entry, bn_metric_info (BN_METRIC_THROUGHPUT)->key);
  BnThresholds t;
  bn_thresholds_init_defaults (&t);
  bn_thresholds_read (&t, file);
  if (!isfinite (mid) || mid <= 0)
    return;
  double w = t.warning[BN_LIMIT_THROUGHPUT] / 100;
  p->band_mid = mid;
  p->band_lo = mid * (1 - w);
  p->band_hi = mid * (1 + w);
}

static void
html_points (GString *h, GString *md, JsonArray *points)
{
  if (!points || !json_array_get_length (points)) {
    g_string_append_printf (h, "<p class=\"verdict stable\">%s</p>\n",
                            _("No change point: stable over this history."));
    g_string_append_printf (md, "%s\n\n", _("No change point: stable over this history."));
    return;
  }
  g_string_append_printf (h,
                          "<table class=\"changepoints\"><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                          "<th>%s</th><th>%s</th></tr>\n",
                          _("verdict"), _("before"), _("after"), _("step"),
                          /* xgettext:no-c-format */ _("95% interval"), _("p-value"));
  g_string_append_printf (md, "| %s | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|\n", _("verdict"),
                          _("before"), _("after"), _("step"), _("95% interval"), _("p-value"));
  for (guint k = 0; k < json_array_get_length (points); k++) {
    JsonObject *cp = json_array_get_object_element (points, k);
    gboolean bad = !g_strcmp0 (json_object_get_string_member (cp, "direction"), "regression");
    gboolean fresh = json_object_get_boolean_member (cp, "new");
    JsonArray *ci = json_object_get_array_member (cp, "interval_percent");
    g_autofree char *before_id = g_strndup (json_object_get_string_member (cp, "commit_before"), 12);
    g_autofree char *after_id = g_strndup (json_object_get_string_member (cp, "commit_after"), 12);
    g_autofree char *before = g_markup_escape_text (before_id, -1);
    g_autofree char *after = g_markup_escape_text (after_id, -1);
    const char *verdict = bad ? _("REGRESSION") : _("IMPROVEMENT");
    g_string_append_printf (h,
                            "<tr class=\"%s\"><td>%s%s</td><td><code>%s</code></td><td><code>%s</code></td>"
                            "<td>%+.1f%%</td><td>[%+.1f%%, %+.1f%%]</td><td>%.2g</td></tr>\n",
                            bad ? "regression" : "improvement", verdict, fresh ? _(" (new)") : "", before, after,
                            json_object_get_double_member (cp, "change_percent"), json_array_get_double_element (ci, 0),
                            json_array_get_double_element (ci, 1), json_object_get_double_member (cp, "p_value"));
    g_string_append_printf (md, "| %s%s | `%s` | `%s` | %+.1f%% | [%+.1f%%, %+.1f%%] | %.2g |\n", verdict,
                            fresh ? _(" (new)") : "", before, after,
                            json_object_get_double_member (cp, "change_percent"), json_array_get_double_element (ci, 0),
                            json_array_get_double_element (ci, 1), json_object_get_double_member (cp, "p_value"));
  }
  g_string_append (h, "</table>\n");
  g_string_append_c (md, '\n');
}

/* per commit: runs, median of the metric and of the ceiling */
static void
html_commits (GString *h, const Plot *p)
{
  g_string_append_printf (h,
                          "<details><summary>%s</summary><table class=\"commits\"><tr><th>%s</th><th>%s</th>"
                          "<th>%s</th><th>%s</th></tr>\n",
                          _("Runs per commit"), _("commit"), _("runs"), _("median"), _("ceiling (median)"));
  for (guint i = 0; i < p->values->len;) {
    guint j = i;
    while (j < p->values->len && !g_strcmp0 (p->commits->pdata[j], p->commits->pdata[i]))
      j++;
    g_autofree double *v = g_new (double, j - i);
    g_autofree double *c = g_new (double, j - i);
    guint nc = 0;
    for (guint k = i; k < j; k++) {
      v[k - i] = g_array_index (p->values, double, k);
      if (isfinite (g_array_index (p->ceiling, double, k)))
        c[nc++] = g_array_index (p->ceiling, double, k);
    }
    bn_doubles_sort (v, j - i);
    bn_doubles_sort (c, nc);
    g_autofree char *commit = g_markup_escape_text (p->commits->pdata[i], -1);
    g_string_append_printf (h, "<tr><td><code>%.12s</code></td><td>%u</td><td>%.4g</td><td>%.4g</td></tr>\n", commit,
                            j - i, bn_percentile (v, j - i, 50), nc ? bn_percentile (c, nc, 50) : NAN);
    i = j;
  }
  g_string_append (h, "</table></details>\n");
}

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>%s</title>\n<style>\n"
    "body{font-family:sans-serif;margin:2em;max-width:960px;color:#222}\n"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}\n"
    "tr.regression td{background:#fdecea}tr.improvement td{background:#eaf7ee}\n"
    ".verdict.stable{color:#2a7a3a}img.trend{width:100%%;border:1px solid #ddd}\n"
    "</style></head><body>\n<h1>%s</h1>\n<p id=\"summary\">%s</p>\n<p id=\"render-status\">%s</p>\n";

/* the page checks itself: every plot decoded, or it says which did not */
static const char html_tail[] =
    "<script>\n"
    "window.addEventListener('load', function () {\n"
    "  var imgs = document.querySelectorAll('img.trend'), bad = [];\n"
    "  for (var i = 0; i < imgs.length; i++)\n"
    "    if (!imgs[i].complete || imgs[i].naturalWidth === 0) bad.push(imgs[i].getAttribute('src'));\n"
    "  var s = document.getElementById('render-status');\n"
    "  s.textContent = bad.length ? 'plots missing: ' + bad.join(', ') : 'rendered: ' + imgs.length + ' plots';\n"
    "  document.body.setAttribute('data-rendered', bad.length ? 'incomplete' : 'complete');\n"
    "});\n"
    "</script>\n</body></html>\n";

/* replaces the "Performance history" section of @path (or appends one) */
static gboolean
write_markdown (const char *path, const char *section, GError **error)
{
  static const char marker[] = "<!-- history: begin -->";
  g_autofree char *old = NULL;
  gsize old_len = 0;
  g_autoptr (GError) local = NULL;
  /* a FIFO, device or oversized file is refused, never read (a FIFO would block) */
  if (!bn_file_read_bounded (path, _("Markdown report"), 64u << 20, &old, &old_len, &local)
      && !g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
  GString *s = g_string_new (old ? old : "");
  char *at = strstr (s->str, marker);
  if (at)
    g_string_truncate (s, at - s->str);
  else if (s->len && s->str[s->len - 1] != '\n')
    g_string_append_c (s, '\n');
  g_string_append_printf (s, "%s\n%s", marker, section);
  g_autofree char *text = g_string_free (s, FALSE);
  return bn_write_text_atomically (path, text, error);
}

static BnFlowReturn
bn_trend_sink_finish (BnElement *element)
{
  BnTrendSink *self = BN_TREND_SINK (element);
  g_autoptr (GError) error = NULL;
  g_autofree char *trends = g_build_filename (self->directory, "trends", NULL);
  if (g_mkdir_with_parents (trends, 0755) != 0) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot create %s: %s"), trends,
                      g_strerror (errno));
    return BN_FLOW_ERROR;
  }
  g_autoptr (JsonObject) baselines = NULL;
  if (self->baselines && *self->baselines && g_file_test (self->baselines, G_FILE_TEST_EXISTS))
    baselines = bn_baselines_load (self->baselines, NULL);

  g_autoptr (GHashTable) by_key =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GPtrArray) keys = bn_history_split_series (self->runs, by_key);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *when = g_date_time_format (now, "%Y-%m-%d %H:%M UTC");
  guint n_regressions = self->report ? bn_json_int_or (self->report, "n_new_regressions", 0) : 0;
  g_autofree char *summary =
      g_strdup_printf (_("%u runs in %u series; generated %s. %s"), self->runs->len, keys->len, when,
                       n_regressions ? _("New regression: see the red rows.") : _("No new regression."));
  g_autofree char *title = g_markup_escape_text (self->title, -1);
  GString *h = g_string_new (NULL);
  g_string_append_printf (h, html_head, title, title, summary, _("rendering..."));
  GString *md = g_string_new (NULL);
  g_string_append_printf (md, "## %s\n\n%s\n\n", _("Performance history"), summary);

  guint n_plots = 0;
  for (guint i = 0; i < keys->len; i++) {
    GPtrArray *series = g_hash_table_lookup (by_key, keys->pdata[i]);
    JsonObject *first = series->pdata[0];
    g_autoptr (GPtrArray) metrics = g_ptr_array_new ();
    JsonArray *rm = NULL;
    for (guint s = 0; self->report && s < json_array_get_length (json_object_get_array_member (self->report, "series"));
         s++) {
      JsonObject *so = json_array_get_object_element (json_object_get_array_member (self->report, "series"), s);
      if (!g_strcmp0 (json_object_get_string_member (so, "configuration"), bn_history_filed (first, "configuration"))
          && !g_strcmp0 (json_object_get_string_member (so, "platform"), bn_history_filed (first, "platform")))
        rm = json_object_get_array_member (so, "metrics");
    }
    for (guint k = 0; rm && k < json_array_get_length (rm); k++)
      g_ptr_array_add (metrics,
                       (gpointer) json_object_get_string_member (json_array_get_object_element (rm, k), "metric"));
    if (!metrics->len)
      g_ptr_array_add (metrics, (gpointer) bn_run_field_name (BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND));

    g_autofree char *heading =
        g_strdup_printf ("%s %s [%s]", bn_history_filed (first, "platform"), bn_history_filed (first, "implementation"),
                         bn_history_filed (first, "configuration"));
    g_autofree char *heading_html = g_markup_escape_text (heading, -1);
    g_string_append_printf (h, "<section class=\"series\"><h2>%s</h2>\n", heading_html);
    g_string_append_printf (md, "### %s\n\n", heading);
    for (guint k = 0; k < metrics->len; k++) {
      const char *metric = metrics->pdata[k];
      Plot p = { .metric = metric,
                 .values = g_array_new (FALSE, FALSE, sizeof (double)),
                 .ceiling = g_array_new (FALSE, FALSE, sizeof (double)),
                 .commits = g_ptr_array_new () };
      for (guint r = 0; r < series->len; r++) {
        JsonObject *o = series->pdata[r];
        JsonNode *n = json_object_get_member (o, metric);
        if (!n || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) == G_TYPE_STRING)
          continue;
        double v = json_node_get_double (n);
        double c = !strcmp (metric, bn_run_field_name (BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND))
                       ? bn_run_object_get_double (o, BN_RUN_FIELD_CEILING_TOKENS_PER_SECOND, NAN)
                       : NAN;
        g_array_append_val (p.values, v);
        g_array_append_val (p.ceiling, c);
        g_ptr_array_add (p.commits, (gpointer) bn_history_filed (o, "commit"));
      }
      g_autofree char *plot_title = g_strdup_printf ("%s: %s", heading, metric);
      p.title = plot_title;
      p.points = points_of (self->report, first, metric);
      baseline_band (baselines, first, metric, &p);
      g_autofree char *base = g_strdup_printf ("%s-%s", (char *) keys->pdata[i], metric);
      g_autofree char *name = slug (base);
      g_autofree char *svg = g_strdup_printf ("%s/%s.svg", trends, name);
      g_autofree char *png = g_strdup_printf ("%s/%s.png", trends, name);
      gboolean ok = write_plot (&p, svg, png, &error);
      if (ok) {
        g_string_append_printf (h, "<h3>%s</h3>\n", metric);
        html_points (h, md, p.points);
        g_string_append_printf (h, "<img class=\"trend\" src=\"trends/%s.svg\" alt=\"%s %s\">\n", name, heading_html,
                                metric);
        g_string_append_printf (md, "![%s](trends/%s.png)\n\n", plot_title, name);
        html_commits (h, &p);
        n_plots++;
      }
      g_array_unref (p.values);
      g_array_unref (p.ceiling);
      g_ptr_array_unref (p.commits);
      if (!ok) {
        g_string_free (h, TRUE);
        g_string_free (md, TRUE);
        BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, "%s", error->message);
        return BN_FLOW_ERROR;
      }
    }
    g_string_append (h, "</section>\n");
  }
  g_string_append (h, html_tail);
  g_autofree char *html = g_string_free (h, FALSE);
  g_autofree char *section = g_string_free (md, FALSE);
  g_autofree char *index = g_build_filename (self->directory, "index.html", NULL);
  if (!bn_write_text_atomically (index, html, &error)
      || (self->markdown && *self->markdown && !write_markdown (self->markdown, section, &error))) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, "%s", error->message);
    return BN_FLOW_ERROR;
  }
  g_autofree char *msg = g_strdup_printf (_("trends: %u plots, report %s"), n_plots, index);
  bn_element_post_info (element, msg);
  return BN_FLOW_OK;
}

static void
bn_trend_sink_class_init (BnTrendSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bn_trend_sink_finalize;
  object_class->get_property = bn_trend_sink_get_property;
  object_class->set_property = bn_trend_sink_set_property;
  element_class->start = bn_trend_sink_start;
  element_class->chain = bn_trend_sink_chain;
  element_class->finish = bn_trend_sink_finish;

  props[PROP_DIRECTORY] = g_param_spec_string (
      "directory", "Directory", "Where index.html and the plots (trends/*.svg, *.png) go", "benchmark-results", rw);
  props[PROP_BASELINES] = g_param_spec_string ("baselines", "Baselines",
                                               "Baselines file whose entry for each series' platform and "
                                               "implementation is drawn as a band (skipped when absent)",
                                               "crossval/baselines.json", rw);
  props[PROP_MARKDOWN] = g_param_spec_string ("markdown", "Markdown",
                                              "Markdown report that gets a Performance history section with the "
                                              "PNG plots (paths relative to the directory; empty: none)",
                                              "benchmark-results/performance-report.md", rw);
  props[PROP_TITLE] =
      g_param_spec_string ("title", "Title", "Title of the HTML report", "gst-bitnet performance history", rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Trend sink", "Sink",
                                 "Draws each series of a history (cairo SVG and PNG) into a static HTML report",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "sink", BN_PAD_SINK, BN_PAD_ALWAYS, "ANY");
}

static void
bn_trend_sink_init (BnTrendSink *self)
{
  self->directory = g_strdup ("benchmark-results");
  self->baselines = g_strdup ("crossval/baselines.json");
  self->markdown = g_strdup ("benchmark-results/performance-report.md");
  self->title = g_strdup ("gst-bitnet performance history");
}
