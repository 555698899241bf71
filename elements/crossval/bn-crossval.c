/* gst-bitnet: crossval, compares our runs with llama.cpp's
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-crossval-elements.h"
#include "bn-crossval-util.h"
#include <gst-bitnet/bench/bn-json-private.h>

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/**
 * SECTION:element-crossval
 * @title: crossval
 *
 * Compares the `bench/run` records of our engine (sink pad `ours`, from
 * kernel-executor) with those of the reference (sink pad `reference`, from
 * reference-executor) on the same model and prompt, after end of stream on
 * both:
 *
 * - per step (step 0: the logits after prefill, which give token 0; step s:
 *   after decoding token s-1): maximum absolute difference, mean squared
 *   error and cosine similarity of the logits, agreement of the top-k
 *   token sets and of the argmax, up to the first step where the greedy
 *   tokens diverge (later steps see different contexts);
 * - the greedy token sequences: exact match rate and first divergence step;
 * - a text prompt's tokenization, token by token (ours vs llama.cpp's);
 * - speed: ours / reference for decode and prefill tokens per second, the
 *   ratio of the medians over the timed iterations with a 95% bootstrap
 *   interval, per thread count.
 *
 * Logits are compared when both executors ran with `keep-logits=true`
 * (the first timed record of each carries them); otherwise only tokens.
 * Records are grouped by their `threads` member: accuracy and speed are
 * reported for each thread count. More runs can be linked to the request
 * pads `ours_%u` / `reference_%u`, so a pipeline can interleave rounds of
 * the two implementations (see pipelines/crossval.bnp).
 *
 * Tolerances are properties (defaults justified in
 * docs/design/0006-crossval-tolerances.md). When one is broken the element
 * still pushes its `crossval/result` record and writes
 * #BnCrossval:location, then fails the pipeline with a message naming the
 * first failing step (bn-launch exits 1), unless
 * #BnCrossval:fail-on-mismatch is off.
 */

enum {
  PROP_0,
  PROP_LOCATION,
  PROP_MIN_COSINE,
  PROP_MAX_REL_DIFF,
  PROP_GREEDY_STEPS,
  PROP_TOP_K,
  PROP_MIN_TOP_K_AGREEMENT,
  PROP_TIE_MARGIN,
  PROP_SAME_TOKENIZATION,
  PROP_FAIL_ON_MISMATCH,
  PROP_PRINT,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

struct _BnCrossval {
  BnElement parent_instance;
  char *location;
  double min_cosine, max_rel_diff, min_top_k_agreement, tie_margin;
  guint greedy_steps, top_k;
  gboolean same_tokenization, fail_on_mismatch, print;
  GPtrArray *ours, *reference; /* BnRecord, in arrival order */
};

G_DEFINE_FINAL_TYPE (BnCrossval, bn_crossval, BN_TYPE_ELEMENT)

static void
bn_crossval_finalize (GObject *object)
{
  BnCrossval *self = BN_CROSSVAL (object);
  g_free (self->location);
  g_clear_pointer (&self->ours, g_ptr_array_unref);
  g_clear_pointer (&self->reference, g_ptr_array_unref);
  G_OBJECT_CLASS (bn_crossval_parent_class)->finalize (object);
}

static void
bn_crossval_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnCrossval *self = BN_CROSSVAL (object);
  switch (id) {
  case PROP_LOCATION: g_value_set_string (value, self->location); break;
  case PROP_MIN_COSINE: g_value_set_double (value, self->min_cosine); break;
  case PROP_MAX_REL_DIFF: g_value_set_double (value, self->max_rel_diff); break;
  case PROP_GREEDY_STEPS: g_value_set_uint (value, self->greedy_steps); break;
  case PROP_TOP_K: g_value_set_uint (value, self->top_k); break;
  case PROP_MIN_TOP_K_AGREEMENT: g_value_set_double (value, self->min_top_k_agreement); break;
  case PROP_TIE_MARGIN: g_value_set_double (value, self->tie_margin); break;
  case PROP_SAME_TOKENIZATION: g_value_set_boolean (value, self->same_tokenization); break;
  case PROP_FAIL_ON_MISMATCH: g_value_set_boolean (value, self->fail_on_mismatch); break;
  case PROP_PRINT: g_value_set_boolean (value, self->print); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_crossval_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnCrossval *self = BN_CROSSVAL (object);
  switch (id) {
  case PROP_LOCATION:
    g_free (self->location);
    self->location = g_value_dup_string (value);
    break;
  case PROP_MIN_COSINE: self->min_cosine = g_value_get_double (value); break;
  case PROP_MAX_REL_DIFF: self->max_rel_diff = g_value_get_double (value); break;
  case PROP_GREEDY_STEPS: self->greedy_steps = g_value_get_uint (value); break;
  case PROP_TOP_K: self->top_k = g_value_get_uint (value); break;
  case PROP_MIN_TOP_K_AGREEMENT: self->min_top_k_agreement = g_value_get_double (value); break;
  case PROP_TIE_MARGIN: self->tie_margin = g_value_get_double (value); break;
  case PROP_SAME_TOKENIZATION: self->same_tokenization = g_value_get_boolean (value); break;
  case PROP_FAIL_ON_MISMATCH: self->fail_on_mismatch = g_value_get_boolean (value); break;
  case PROP_PRINT: self->print = g_value_get_boolean (value); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static gboolean
bn_crossval_start (BnElement *element, GError **error)
{
  BnCrossval *self = BN_CROSSVAL (element);
  g_clear_pointer (&self->ours, g_ptr_array_unref);
  g_clear_pointer (&self->reference, g_ptr_array_unref);
  self->ours = g_ptr_array_new_with_free_func (g_object_unref);
  self->reference = g_ptr_array_new_with_free_func (g_object_unref);
  return TRUE;
}

static BnFlowReturn
bn_crossval_chain (BnElement *element, BnPad *pad, BnItem *item)
{
  BnCrossval *self = BN_CROSSVAL (element);
  if (!BN_IS_RECORD (item) || g_strcmp0 (bn_caps_get_media_type (bn_item_get_caps (item), 0), BN_RUN_MEDIA_TYPE)) {
    g_object_unref (item);
    return BN_FLOW_OK;
  }
  gboolean ours = g_str_has_prefix (bn_pad_get_name (pad), "ours");
  g_ptr_array_add (ours ? self->ours : self->reference, item);
  return BN_FLOW_OK;
}

/* request pads: `ours_%u` and `reference_%u` by the name asked for */
static BnPad *
bn_crossval_request_new_pad (BnElement *element, BnPadTemplate *templ, const char *name, GError **error)
{
  BnElementClass *klass = BN_ELEMENT_GET_CLASS (element);
  if (name && bn_pad_template_get_direction (templ) == BN_PAD_SINK) {
    const char *which = g_str_has_prefix (name, "reference") ? "reference_%u" : "ours_%u";
    templ = bn_element_class_get_pad_template (klass, which);
    if (!strcmp (name, which))
      name = NULL;
  }
  return BN_ELEMENT_CLASS (bn_crossval_parent_class)->request_new_pad (element, templ, name, error);
}

/* ---- accuracy ----------------------------------------------------------- */

typedef struct {
  double max_abs, rel, mse, cosine, topk;
  gboolean argmax_same;
} Step;

static int
cmp_idx_desc (const void *a, const void *b, void *data)
{
  const float *l = data;
  guint x = *(const guint *) a, y = *(const guint *) b;
  if (l[x] != l[y])
    return l[x] > l[y] ? -1 : 1;
  return x < y ? -1 : x > y;
}

/* the k largest (logit, then lowest id) of @l, in @idx */
static void
top_k (const float *l, guint n, guint k, guint *idx)
{
  /* partial selection: keep the k best seen so far, sorted */
  guint m = 0;
  for (guint i = 0; i < n; i++) {
    if (m == k && !(l[i] > l[idx[k - 1]]))
      continue;
    guint j = m < k ? m++ : k - 1;
    while (j > 0 && l[i] > l[idx[j - 1]]) {
      idx[j] = idx[j - 1];
      j--;
    }
    idx[j] = i;
  }
  g_qsort_with_data (idx, m, sizeof (guint), cmp_idx_desc, (gpointer) l);
}

static void
compare_step (const float *a, const float *b, guint n, guint k, Step *s)
{
  double dot = 0, na = 0, nb = 0, se = 0, maxd = 0, maxb = 0;
  guint ia = 0, ib = 0;
  for (guint i = 0; i < n; i++) {
    double x = a[i], y = b[i], d = fabs (x - y);
    dot += x * y;
    na += x * x;
    nb += y * y;
    se += d * d;
    maxd = MAX (maxd, d);
    maxb = MAX (maxb, fabs (y));
    if (a[i] > a[ia])
      ia = i;
    if (b[i] > b[ib])
      ib = i;
  }
  s->max_abs = maxd;
  s->rel = maxb > 0 ? maxd / maxb : maxd;
  s->mse = se / n;
  s->cosine = na > 0 && nb > 0 ? dot / sqrt (na * nb) : (na == nb ? 1 : 0);
  s->argmax_same = ia == ib;
  k = MIN (k, n);
  g_autofree guint *ta = g_new (guint, k);
  g_autofree guint *tb = g_new (guint, k);
  top_k (a, n, k, ta);
  top_k (b, n, k, tb);
  guint common = 0;
  for (guint i = 0; i < k; i++)
    for (guint j = 0; j < k; j++)
      common += ta[i] == tb[j];
  s->topk = k ? (double) common / k : 1;
}

static const char *
or_unknown (const char *s)
{
  return s ? s : "?";
}

static GArray *
int_array (BnRecord *run, BnRunField field)
{
  GArray *v = g_array_new (FALSE, FALSE, sizeof (gint32));
  JsonArray *a = bn_run_record_get_array (run, field);
  for (guint i = 0; a && i < json_array_get_length (a); i++) {
    gint32 x = (gint32) json_array_get_int_element (a, i);
    g_array_append_val (v, x);
  }
  return v;
}

typedef struct {
  GString *first;  /* the first failure, by step */
  gint first_step; /* -1: not step-bound */
  JsonArray *all;  /* every failure, as text */
} Failures;

static void fail_at (Failures *f, gint step, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
fail_at (Failures *f, gint step, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  json_array_add_string_element (f->all, msg);
  /* the earliest step wins; failures not bound to a step come first */
  gboolean better =
      !f->first->len || (step < 0 && f->first_step >= 0) || (step >= 0 && f->first_step >= 0 && step < f->first_step);
  if (better) {
    g_string_assign (f->first, msg);
    f->first_step = step;
  }
}

/* Compares one run of ours with one of the reference; adds the accuracy
 * object to @group. */
static void
compare_runs (BnCrossval *self, BnRecord *o_rec, BnRecord *r_rec, guint threads, JsonObject *group, Failures *f,
              GString *summary)
{
  JsonObject *acc = json_object_new ();
  json_object_set_int_member (acc, "ours_iteration", bn_run_record_get_int (o_rec, BN_RUN_FIELD_ITERATION, 0));
  json_object_set_int_member (acc, "reference_iteration", bn_run_record_get_int (r_rec, BN_RUN_FIELD_ITERATION, 0));

  /* prompts */
  g_autoptr (GArray) po = int_array (o_rec, BN_RUN_FIELD_PROMPT_TOKEN_IDS);
  g_autoptr (GArray) pr = int_array (r_rec, BN_RUN_FIELD_PROMPT_TOKEN_IDS);
  const char *kind_o = bn_run_record_get_string (o_rec, BN_RUN_FIELD_PROMPT_KIND);
  const char *kind_r = bn_run_record_get_string (r_rec, BN_RUN_FIELD_PROMPT_KIND);
  if (po->len && pr->len) {
    guint n = MIN (po->len, pr->len), first = n;
    for (guint i = 0; i < n && first == n; i++)
      if (g_array_index (po, gint32, i) != g_array_index (pr, gint32, i))
        first = i;
    gboolean same = first == n && po->len == pr->len;
    JsonObject *tk = json_object_new ();
    json_object_set_string_member (tk, "kind", kind_o ? kind_o : "unknown");
    json_object_set_boolean_member (tk, "identical", same);
    json_object_set_int_member (tk, "ours_tokens", po->len);
    json_object_set_int_member (tk, "reference_tokens", pr->len);
    if (!same)
      json_object_set_int_member (tk, "first_difference", first);
    json_object_set_array_member (tk, "ours",
                                  json_array_ref (bn_run_record_get_array (o_rec, BN_RUN_FIELD_PROMPT_TOKEN_IDS)));
    json_object_set_array_member (tk, "reference",
                                  json_array_ref (bn_run_record_get_array (r_rec, BN_RUN_FIELD_PROMPT_TOKEN_IDS)));
    json_object_set_object_member (acc, "prompt", tk);
    if (!same) {
      gboolean text = !g_strcmp0 (kind_o, "text") && !g_strcmp0 (kind_r, "text");
      if (!text)
        fail_at (f, -1,
                 _("threads=%u: the two runs had different prompts (%u and %u tokens, first "
                    "difference at token %u): give both executors the same prompt settings"),
                 threads, po->len, pr->len, first);
      else if (self->same_tokenization)
        fail_at (f, -1,
                 _("threads=%u: the prompt tokenizes differently: token %u is %d in ours and %d in "
                    "llama.cpp (%u vs %u tokens)"),
                 threads, first, first < po->len ? g_array_index (po, gint32, first) : -1,
                 first < pr->len ? g_array_index (pr, gint32, first) : -1, po->len, pr->len);
    }
  }

  /* the same function? a bitnet-b1.58 model (ReLU^2) is not what llama.cpp's bitnet graph (SiLU) runs */
  const char *arch_o = bn_run_record_get_string (o_rec, BN_RUN_FIELD_MODEL_ARCHITECTURE);
  const char *arch_r = bn_run_record_get_string (r_rec, BN_RUN_FIELD_MODEL_ARCHITECTURE);
  if (arch_o && arch_r && strcmp (arch_o, arch_r))
    fail_at (f, -1, _("threads=%u: ours ran architecture %s and llama.cpp %s (%s FFN): not the same model"), threads,
             arch_o, arch_r, or_unknown (bn_run_record_get_string (r_rec, BN_RUN_FIELD_FFN_ACTIVATION)));

  /* greedy tokens */
  if (!bn_run_record_get_boolean (o_rec, BN_RUN_FIELD_GREEDY, TRUE))
    fail_at (f, -1,
             _("threads=%u: our run did not decode greedily (temperature > 0): tokens cannot be "
                "compared; unset temperature on kernel-executor"),
             threads);
  g_autoptr (GArray) to = int_array (o_rec, BN_RUN_FIELD_TOKEN_IDS);
  g_autoptr (GArray) tr = int_array (r_rec, BN_RUN_FIELD_TOKEN_IDS);
  guint nt = MIN (to->len, tr->len), same = 0;
  gint diverge = -1;
  for (guint i = 0; i < nt; i++) {
    if (g_array_index (to, gint32, i) == g_array_index (tr, gint32, i))
      same++;
    else if (diverge < 0)
      diverge = (gint) i;
  }
  JsonObject *tok = json_object_new ();
  json_object_set_int_member (tok, "compared", nt);
  json_object_set_int_member (tok, "identical", same);
  json_object_set_double_member (tok, "exact_match_rate", nt ? (double) same / nt : 0);
  if (diverge >= 0)
    json_object_set_int_member (tok, "first_divergence_step", diverge);
  else
    json_object_set_null_member (tok, "first_divergence_step");
  json_object_set_object_member (acc, "tokens", tok);

  /* logits */
  GBytes *lo = g_object_get_data (G_OBJECT (o_rec), BN_RUN_LOGITS_KEY);
  GBytes *lr = g_object_get_data (G_OBJECT (r_rec), BN_RUN_LOGITS_KEY);
  guint nvo = bn_run_record_get_int (o_rec, BN_RUN_FIELD_LOGITS_N_VOCAB, 0);
  guint nvr = bn_run_record_get_int (r_rec, BN_RUN_FIELD_LOGITS_N_VOCAB, 0);
  gboolean have_logits = lo && lr && nvo && nvo == nvr;
  const float *a = NULL, *b = NULL;
  guint steps = 0;
  if (have_logits) {
    gsize so, sr;
    a = g_bytes_get_data (lo, &so);
    b = g_bytes_get_data (lr, &sr);
    steps = MIN (so, sr) / sizeof (float) / nvo;
  }

  /* the first divergence: how close the two tokens were in each */
  double rel_margin = NAN;
  if (diverge >= 0) {
    gint32 t_o = g_array_index (to, gint32, diverge), t_r = g_array_index (tr, gint32, diverge);
    JsonObject *dv = json_object_new ();
    json_object_set_int_member (dv, "step", diverge);
    json_object_set_int_member (dv, "ours_token", t_o);
    json_object_set_int_member (dv, "reference_token", t_r);
    if (have_logits && (guint) diverge < steps && (guint) t_o < nvo && (guint) t_r < nvo) {
      const float *ra = b + (gsize) diverge * nvo, *oa = a + (gsize) diverge * nvo;
      double scale = 0;
      for (guint i = 0; i < nvo; i++)
        scale = MAX (scale, fabs (ra[i]));
      double ref_margin = ra[t_r] - ra[t_o], ours_margin = oa[t_o] - oa[t_r];
      rel_margin = scale > 0 ? ref_margin / scale : ref_margin;
      json_object_set_double_member (dv, "reference_margin", ref_margin);
      json_object_set_double_member (dv, "ours_margin", ours_margin);
      json_object_set_double_member (dv, "reference_margin_relative", rel_margin);
      json_object_set_boolean_member (dv, "near_tie", rel_margin <= self->tie_margin);
    }
    json_object_set_object_member (tok, "divergence", dv);
  }

  g_string_append_printf (summary, _("accuracy (threads=%u): "), threads);
  if (have_logits) {
    /* after a divergence the two see different contexts */
    guint cmp = diverge >= 0 ? MIN (steps, (guint) diverge + 1) : steps;
    JsonArray *cos_a = json_array_new (), *mse_a = json_array_new (), *abs_a = json_array_new ();
    JsonArray *topk_a = json_array_new ();
    double min_cos = 1, sum_cos = 0, max_abs = 0, max_rel = 0, sum_mse = 0, sum_topk = 0, min_topk = 1;
    guint argmax_same = 0;
    for (guint s = 0; s < cmp; s++) {
      Step st;
      compare_step (a + (gsize) s * nvo, b + (gsize) s * nvo, nvo, self->top_k, &st);
      json_array_add_double_element (cos_a, st.cosine);
      json_array_add_double_element (mse_a, st.mse);
      json_array_add_double_element (abs_a, st.max_abs);
      json_array_add_double_element (topk_a, st.topk);
      min_cos = MIN (min_cos, st.cosine);
      sum_cos += st.cosine;
      max_abs = MAX (max_abs, st.max_abs);
      max_rel = MAX (max_rel, st.rel);
      sum_mse += st.mse;
      sum_topk += st.topk;
      min_topk = MIN (min_topk, st.topk);
      argmax_same += st.argmax_same;
      if (st.cosine < self->min_cosine)
        fail_at (f, s, _("threads=%u, step %u: cosine similarity of the logits %.6f < %.6g (min-cosine)"), threads, s,
                 st.cosine, self->min_cosine);
      if (st.rel > self->max_rel_diff)
        fail_at (f, s,
                 _("threads=%u, step %u: max |logit difference| %.4g is %.4g of the largest |logit|, "
                    "above %.4g (max-rel-diff)"),
                 threads, s, st.max_abs, st.rel, self->max_rel_diff);
      if (st.topk < self->min_top_k_agreement)
        fail_at (f, s, _("threads=%u, step %u: top-%u agreement %.3f < %.3f (min-top-k-agreement)"), threads, s,
                 self->top_k, st.topk, self->min_top_k_agreement);
    }
    JsonObject *lg = json_object_new ();
    json_object_set_int_member (lg, "n_vocab", nvo);
    json_object_set_int_member (lg, "steps", steps);
    json_object_set_int_member (lg, "steps_compared", cmp);
    json_object_set_double_member (lg, "cosine_min", cmp ? min_cos : NAN);
    json_object_set_double_member (lg, "cosine_mean", cmp ? sum_cos / cmp : NAN);
    json_object_set_double_member (lg, "max_abs_diff", max_abs);
    json_object_set_double_member (lg, "max_rel_diff", max_rel);
    json_object_set_double_member (lg, "mse_mean", cmp ? sum_mse / cmp : NAN);
    json_object_set_int_member (lg, "top_k", self->top_k);
    json_object_set_double_member (lg, "top_k_agreement_mean", cmp ? sum_topk / cmp : NAN);
    json_object_set_double_member (lg, "top_k_agreement_min", cmp ? min_topk : NAN);
    json_object_set_double_member (lg, "argmax_agreement", cmp ? (double) argmax_same / cmp : NAN);
    json_object_set_array_member (lg, "cosine", cos_a);
    json_object_set_array_member (lg, "mse", mse_a);
    json_object_set_array_member (lg, "max_abs_diff_per_step", abs_a);
    json_object_set_array_member (lg, "top_k_agreement", topk_a);
    json_object_set_object_member (acc, "logits", lg);
    g_string_append_printf (summary,
                            _("%u steps compared: cosine min %.6f mean %.6f, max |diff| %.4g (%.3g of max |logit|), "
                               "MSE %.3g, top-%u agreement %.3f (min %.2f); "),
                            cmp, min_cos, cmp ? sum_cos / cmp : NAN, max_abs, max_rel, cmp ? sum_mse / cmp : NAN,
                            self->top_k, cmp ? sum_topk / cmp : NAN, min_topk);
  } else {
    if (lo && lr && nvo != nvr)
      fail_at (f, -1,
               _("threads=%u: the logits have %u entries in ours and %u in llama.cpp: not the same "
                  "vocabulary"),
               threads, nvo, nvr);
    g_string_append (summary, _("logits not compared (set keep-logits=true on both executors); "));
  }
  /* after the logits: at one step, a logits failure is the cause, the token the effect */
  guint must = MIN (self->greedy_steps, nt);
  if (diverge >= 0 && (guint) diverge < must) {
    if (isnan (rel_margin) || rel_margin > self->tie_margin)
      fail_at (f, diverge,
               _("threads=%u, step %d: ours generated token %d, llama.cpp %d (identical greedy tokens "
                  "are required for the first %u steps: greedy-steps; llama.cpp's margin between "
                  "the two is %.3g of its largest |logit|, tie-margin %.3g)"),
               threads, diverge, g_array_index (to, gint32, diverge), g_array_index (tr, gint32, diverge),
               self->greedy_steps, rel_margin, self->tie_margin);
  }
  if (diverge >= 0 && !isnan (rel_margin))
    g_string_append_printf (summary,
                            _("greedy tokens %u/%u identical, first divergence at step %d (%s: "
                               "llama.cpp's margin %.3g of its largest |logit|)\n"),
                            same, nt, diverge, rel_margin <= self->tie_margin ? _("a near tie") : _("not a near tie"),
                            rel_margin);
  else if (diverge >= 0)
    g_string_append_printf (summary, _("greedy tokens %u/%u identical, first divergence at step %d\n"), same, nt,
                            diverge);
  else
    g_string_append_printf (summary, _("greedy tokens %u/%u identical\n"), same, nt);
  json_object_set_object_member (group, "accuracy", acc);
}

/* ---- speed ---------------------------------------------------------------- */

static GArray *
figures (GPtrArray *runs, BnRunField field)
{
  GArray *v = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < runs->len; i++) {
    double d = bn_run_record_get_double (runs->pdata[i], field, NAN);
    if (!isnan (d))
      g_array_append_val (v, d);
  }
  return v;
}

static JsonObject *
side_figures (GPtrArray *runs)
{
  JsonObject *s = json_object_new ();
  BnRecord *first = runs->pdata[0];
  static const BnRunField medians[] = {
    BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND,
    BN_RUN_FIELD_PREFILL_TOKENS_PER_SECOND,
    BN_RUN_FIELD_FIRST_TOKEN_LATENCY_MS,
    BN_RUN_FIELD_AVERAGE_TOKEN_LATENCY_MS,
    BN_RUN_FIELD_LATENCY_P50_MS,
    BN_RUN_FIELD_LATENCY_P95_MS,
    BN_RUN_FIELD_PEAK_MEMORY_MB,
    BN_RUN_FIELD_CPU_UTILIZATION_PERCENT,
    BN_RUN_FIELD_BYTES_PER_TOKEN,
    BN_RUN_FIELD_READ_BANDWIDTH_GB_PER_S,
    BN_RUN_FIELD_CEILING_TOKENS_PER_SECOND,
    BN_RUN_FIELD_FRACTION_OF_CEILING,
  };
  json_object_set_int_member (s, "iterations", runs->len);
  json_object_set_string_member (s, bn_run_field_name (BN_RUN_FIELD_BACKEND),
                                 or_unknown (bn_run_record_get_string (first, BN_RUN_FIELD_BACKEND)));
  for (guint i = 0; i < G_N_ELEMENTS (medians); i++) {
    g_autoptr (GArray) v = figures (runs, medians[i]);
    g_autofree char *name = g_strconcat (bn_run_field_name (medians[i]), "_median", NULL);
    double m = bn_cv_median (v);
    if (isnan (m))
      json_object_set_null_member (s, name);
    else
      json_object_set_double_member (s, name, m);
  }
  /* every run's speeds, and the first run's token counts, under their own names */
  static const BnRunField speeds[] = { BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, BN_RUN_FIELD_PREFILL_TOKENS_PER_SECOND };
  for (guint i = 0; i < G_N_ELEMENTS (speeds); i++) {
    g_autoptr (GArray) v = figures (runs, speeds[i]);
    json_object_set_array_member (s, bn_run_field_name (speeds[i]), bn_json_doubles ((const double *) v->data, v->len));
  }
  static const BnRunField counts[] = { BN_RUN_FIELD_PROMPT_TOKENS, BN_RUN_FIELD_TOKENS_GENERATED };
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    json_object_set_int_member (s, bn_run_field_name (counts[i]), bn_run_record_get_int (first, counts[i], 0));
  return s;
}

static void
set_num (JsonObject *o, const char *name, double v)
{
  if (isnan (v))
    json_object_set_null_member (o, name);
  else
    json_object_set_double_member (o, name, v);
}

static JsonObject *
ratio_object (GPtrArray *ours, GPtrArray *ref, BnRunField field, guint64 seed, BnRatioCi *ci)
{
  g_autoptr (GArray) a = figures (ours, field);
  g_autoptr (GArray) b = figures (ref, field);
  bn_cv_ratio_ci (a, b, seed, ci);
  JsonObject *o = json_object_new ();
  set_num (o, "ratio", ci->estimate);
  set_num (o, "ci95_low", ci->lo);
  set_num (o, "ci95_high", ci->hi);
  json_object_set_int_member (o, "ours_samples", ci->n_a);
  json_object_set_int_member (o, "reference_samples", ci->n_b);
  json_object_set_string_member (o, "method",
                                 "ratio of medians, 95% percentile bootstrap (4000 resamples, "
                                 "each side resampled on its own)");
  if (isnan (ci->lo))
    json_object_set_string_member (o, "note", "fewer than 3 iterations on a side: no interval");
  return o;
}

static char *
ratio_text (const BnRatioCi *ci)
{
  if (isnan (ci->estimate))
    return g_strdup ("-");
  if (isnan (ci->lo))
    return g_strdup_printf ("%.2fx [no CI: n=%u/%u]", ci->estimate, ci->n_a, ci->n_b);
  return g_strdup_printf ("%.2fx [%.2f, %.2f]", ci->estimate, ci->lo, ci->hi);
}

/* ---- the result ------------------------------------------------------------- */

static JsonObject *
identity (JsonObject *o)
{
  JsonObject *id = json_object_new ();
  /* copied under their own names */
  static const BnRunField fields[] = {
    BN_RUN_FIELD_EXECUTOR,       BN_RUN_FIELD_BACKEND,           BN_RUN_FIELD_BACKEND_VERSION,
    BN_RUN_FIELD_COMPUTE_PATH,   BN_RUN_FIELD_MODEL_FINGERPRINT, BN_RUN_FIELD_MODEL_ARCHITECTURE,
    BN_RUN_FIELD_FFN_ACTIVATION, BN_RUN_FIELD_WEIGHT_FORMAT,     BN_RUN_FIELD_MODEL_PATH,
    BN_RUN_FIELD_KERNELS,        BN_RUN_FIELD_LLAMA_CPP,
  };
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++) {
    JsonNode *n = json_object_get_member (o, bn_run_field_name (fields[i]));
    if (n)
      json_object_set_member (id, bn_run_field_name (fields[i]), json_node_copy (n));
  }
  return id;
}

static BnFlowReturn
bn_crossval_finish (BnElement *element)
{
  BnCrossval *self = BN_CROSSVAL (element);
  g_autoptr (GError) error = NULL;

  if (!self->ours->len || !self->reference->len) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_FAILED,
                      _("crossval received %u runs of ours and %u of the reference: nothing to compare "
                         "(link kernel-executor to the ours pad and reference-executor to the reference pad)"),
                      self->ours->len, self->reference->len);
    return BN_FLOW_ERROR;
  }
  Failures f = { g_string_new (NULL), -1, json_array_new () };
  g_autoptr (GString) summary = g_string_new (NULL);
  JsonObject *first_o = bn_record_get_object (self->ours->pdata[0]);
  JsonObject *first_r = bn_record_get_object (self->reference->pdata[0]);

  /* thread counts, in order of first appearance */
  g_autoptr (GArray) counts = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint side = 0; side < 2; side++) {
    GPtrArray *runs = side ? self->reference : self->ours;
    for (guint i = 0; i < runs->len; i++) {
      gint64 t = bn_run_record_get_int (runs->pdata[i], BN_RUN_FIELD_THREADS, 0);
      gboolean seen = FALSE;
      for (guint j = 0; j < counts->len; j++)
        seen |= g_array_index (counts, gint64, j) == t;
      if (!seen)
        g_array_append_val (counts, t);
    }
  }

  const char *fo = bn_run_object_get_string (first_o, BN_RUN_FIELD_MODEL_FINGERPRINT);
  const char *fr = bn_run_object_get_string (first_r, BN_RUN_FIELD_MODEL_FINGERPRINT);
  g_autoptr (GString) table = g_string_new (NULL);
  g_string_append_printf (table, "%-8s %14s %14s %-24s %14s %14s %-24s\n", _("threads"), _("decode ours"),
                          _("llama.cpp"), /* xgettext:no-c-format */ _("ratio [95% CI]"), _("prefill ours"),
                          _("llama.cpp"), _("ratio [95% CI]"));
  JsonArray *groups = json_array_new ();
  g_autoptr (GString) bandwidth = g_string_new (NULL);
  for (guint g = 0; g < counts->len; g++) {
    gint64 t = g_array_index (counts, gint64, g);
    g_autoptr (GPtrArray) o = g_ptr_array_new ();
    g_autoptr (GPtrArray) r = g_ptr_array_new ();
    BnRecord *ol = NULL, *rl = NULL;
    for (guint side = 0; side < 2; side++) {
      GPtrArray *runs = side ? self->reference : self->ours;
      for (guint i = 0; i < runs->len; i++) {
        BnRecord *rec = runs->pdata[i];
        if (bn_run_record_get_int (rec, BN_RUN_FIELD_THREADS, 0) != t)
          continue;
        g_ptr_array_add (side ? r : o, rec);
        BnRecord **l = side ? &rl : &ol;
        if (!*l && g_object_get_data (G_OBJECT (rec), BN_RUN_LOGITS_KEY))
          *l = rec;
      }
    }
    JsonObject *grp = json_object_new ();
    json_object_set_int_member (grp, "threads", t);
    if (!o->len || !r->len) {
      g_string_append_printf (summary,
                              _("threads=%" PRId64 ": runs from one side only (%u ours, %u "
                                 "reference): not compared\n"),
                              t, o->len, r->len);
      json_object_set_string_member (grp, "note", "runs from one side only");
      json_array_add_object_element (groups, grp);
      continue;
    }
    compare_runs (self, ol && rl ? ol : o->pdata[0], ol && rl ? rl : r->pdata[0], (guint) t, grp, &f, summary);
    JsonObject *sp = json_object_new ();
    json_object_set_object_member (sp, "ours", side_figures (o));
    json_object_set_object_member (sp, "reference", side_figures (r));
    BnRatioCi dci, pci;
    json_object_set_object_member (sp, "decode_ratio",
                                   ratio_object (o, r, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, 42 + t, &dci));
    json_object_set_object_member (sp, "prefill_ratio",
                                   ratio_object (o, r, BN_RUN_FIELD_PREFILL_TOKENS_PER_SECOND, 4242 + t, &pci));
    json_object_set_object_member (grp, "speed", sp);
    json_array_add_object_element (groups, grp);
    g_autoptr (GArray) od = figures (o, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND);
    g_autoptr (GArray) rd = figures (r, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND);
    g_autoptr (GArray) op = figures (o, BN_RUN_FIELD_PREFILL_TOKENS_PER_SECOND);
    g_autoptr (GArray) rp = figures (r, BN_RUN_FIELD_PREFILL_TOKENS_PER_SECOND);
    g_autofree char *dt = ratio_text (&dci);
    g_autofree char *pt = ratio_text (&pci);
    g_string_append_printf (table, "%-8" G_GINT64_FORMAT " %10.2f t/s %10.2f t/s %-24s %10.1f t/s %10.1f t/s %-24s\n",
                            t, bn_cv_median (od), bn_cv_median (rd), dt, bn_cv_median (op), bn_cv_median (rp), pt);
    /* what bounds decode: bytes read per token against the read bandwidth
     * kernel-executor measured with this thread count */
    g_autoptr (GArray) ob = figures (o, BN_RUN_FIELD_BYTES_PER_TOKEN);
    g_autoptr (GArray) rb = figures (r, BN_RUN_FIELD_BYTES_PER_TOKEN);
    g_autoptr (GArray) bw = figures (o, BN_RUN_FIELD_READ_BANDWIDTH_GB_PER_S);
    double obm = bn_cv_median (ob), rbm = bn_cv_median (rb), bwm = bn_cv_median (bw);
    JsonObject *mem = json_object_new ();
    set_num (mem, "ours_bytes_per_token", obm);
    set_num (mem, "reference_bytes_per_token", rbm);
    set_num (mem, "read_bandwidth_gb_per_s", bwm);
    set_num (mem, "ours_effective_read_gb_per_s", obm * bn_cv_median (od) / 1e9);
    set_num (mem, "reference_effective_read_gb_per_s", rbm * bn_cv_median (rd) / 1e9);
    set_num (mem, "ours_ceiling_tokens_per_second", obm > 0 ? bwm * 1e9 / obm : NAN);
    set_num (mem, "reference_ceiling_tokens_per_second", rbm > 0 ? bwm * 1e9 / rbm : NAN);
    json_object_set_object_member (sp, "memory_bound", mem);
    /* a run that got fewer cores than it asked for measured the machine's
     * other load, not the implementation: say so beside the ratio */
    g_autoptr (GArray) oc = figures (o, BN_RUN_FIELD_CPU_UTILIZATION_PERCENT);
    g_autoptr (GArray) rc = figures (r, BN_RUN_FIELD_CPU_UTILIZATION_PERCENT);
    double share_o = bn_cv_median (oc) / (100.0 * MAX (t, 1)), share_r = bn_cv_median (rc) / (100.0 * MAX (t, 1));
    gboolean contended = share_o < 0.85 || share_r < 0.85;
    set_num (sp, "ours_cpu_share", share_o);
    set_num (sp, "reference_cpu_share", share_r);
    json_object_set_boolean_member (sp, "contended", contended);
    if (contended)
      g_string_append_printf (bandwidth,
                              _("WARNING: threads=%" PRId64 ": the runs got %.0f%% (ours) and %.0f%% "
                                 "(llama.cpp) of the CPU time they asked for: the machine was busy and this "
                                 "group's speed ratio measures that, not the implementations\n"),
                              t, 100 * share_o, 100 * share_r);
    if (obm > 0 && rbm > 0 && bwm > 0)
      g_string_append_printf (bandwidth,
                              _("threads=%" PRId64 ": bytes per token ours %.0f MB, llama.cpp %.0f MB; read "
                                 "bandwidth %.1f GB/s (measured by kernel-executor) gives decode ceilings of %.1f and "
                                 "%.1f tok/s; decode reads at %.1f GB/s (ours) and %.1f GB/s (llama.cpp)\n"),
                              t, obm / 1e6, rbm / 1e6, bwm, bwm * 1e9 / obm, bwm * 1e9 / rbm,
                              obm * bn_cv_median (od) / 1e9, rbm * bn_cv_median (rd) / 1e9);
  }

  gboolean pass = f.first->len == 0;
  JsonObject *res = json_object_new ();
  json_object_set_string_member (res, "status", pass ? "pass" : "fail");
  json_object_set_array_member (res, "failures", f.all);
  if (!pass && f.first_step >= 0)
    json_object_set_int_member (res, "first_failing_step", f.first_step);
  else
    json_object_set_null_member (res, "first_failing_step");
  JsonObject *tol = json_object_new ();
  json_object_set_double_member (tol, "min_cosine", self->min_cosine);
  json_object_set_double_member (tol, "max_rel_diff", self->max_rel_diff);
  json_object_set_int_member (tol, "greedy_steps", self->greedy_steps);
  json_object_set_int_member (tol, "top_k", self->top_k);
  json_object_set_double_member (tol, "min_top_k_agreement", self->min_top_k_agreement);
  json_object_set_double_member (tol, "tie_margin", self->tie_margin);
  json_object_set_boolean_member (tol, "same_tokenization", self->same_tokenization);
  json_object_set_object_member (res, "tolerances", tol);
  json_object_set_object_member (res, "ours", identity (first_o));
  json_object_set_object_member (res, "reference", identity (first_r));
  json_object_set_boolean_member (res, "same_model_file", fo && fr && !strcmp (fo, fr));
  json_object_set_array_member (res, "groups", groups);

  if (self->print) {
    printf (_("Cross-validation: %s (%s) vs %s (%s)\n"),
            or_unknown (bn_run_object_get_string (first_o, BN_RUN_FIELD_EXECUTOR)),
            or_unknown (bn_run_object_get_string (first_o, BN_RUN_FIELD_WEIGHT_FORMAT)),
            or_unknown (bn_run_object_get_string (first_r, BN_RUN_FIELD_BACKEND)),
            or_unknown (bn_run_object_get_string (first_r, BN_RUN_FIELD_BACKEND_VERSION)));
    printf (_("model %s; prompt %" PRId64 " tokens, %" PRId64 " generated%s\n"), fo ? fo : "?",
            bn_run_object_get_int (first_o, BN_RUN_FIELD_PROMPT_TOKENS, 0),
            bn_run_object_get_int (first_o, BN_RUN_FIELD_TOKENS_GENERATED, 0),
            fo && fr && strcmp (fo, fr) ? _("; NOTE: the reference ran a file with another fingerprint") : "");
    printf ("%s%s%s", summary->str, table->str, bandwidth->str);
    if (pass)
      printf (_("crossval: PASS (cosine >= %g per step, identical greedy tokens for the first %u steps)\n"),
              self->min_cosine, self->greedy_steps);
    else
      printf (_("crossval: FAIL: %s\n"), f.first->str);
    fflush (stdout);
  }

  if (self->location && *self->location) {
    g_autoptr (JsonObject) file = json_object_new ();
    g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *ts = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
    json_object_set_string_member (file, "schema_version", "1.0.0");
    json_object_set_string_member (file, "kind", "gst-bitnet/comparison-results");
    json_object_set_string_member (file, "timestamp", ts);
    json_object_set_object_member (file, "machine", bn_machine_info ());
    GList *members = json_object_get_members (res);
    for (GList *l = members; l; l = l->next)
      json_object_set_member (file, l->data, json_node_copy (json_object_get_member (res, l->data)));
    g_list_free (members);
    if (!bn_json_write_atomic (self->location, file, &error)) {
      json_object_unref (res);
      g_string_free (f.first, TRUE);
      BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot write %s: %s"), self->location,
                        error->message);
      return BN_FLOW_ERROR;
    }
    g_autofree char *text = g_strdup_printf (_("comparison results written to %s"), self->location);
    bn_element_post_info (element, text);
  }

  BnFlowReturn ret = bn_element_push (element, BN_ITEM (bn_record_new ("crossval/result", res)));
  if (ret != BN_FLOW_OK && ret != BN_FLOW_NOT_LINKED) {
    g_string_free (f.first, TRUE);
    return ret;
  }
  if (!pass && self->fail_on_mismatch) {
    if (f.first_step >= 0)
      BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_FAILED,
                        _("Cross-validation against llama.cpp failed, first at step %d: %s"), f.first_step,
                        f.first->str);
    else
      BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_FAILED,
                        _("Cross-validation against llama.cpp failed: %s"), f.first->str);
    g_string_free (f.first, TRUE);
    return BN_FLOW_ERROR;
  }
  g_string_free (f.first, TRUE);
  return BN_FLOW_OK;
}

static void
bn_crossval_class_init (BnCrossvalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bn_crossval_finalize;
  object_class->get_property = bn_crossval_get_property;
  object_class->set_property = bn_crossval_set_property;
  element_class->start = bn_crossval_start;
  element_class->chain = bn_crossval_chain;
  element_class->finish = bn_crossval_finish;
  element_class->request_new_pad = bn_crossval_request_new_pad;

  props[PROP_LOCATION] = g_param_spec_string ("location", "Location",
                                              "Write comparison-results.json here (atomically); unset: "
                                              "no file",
                                              NULL, rw);
  props[PROP_MIN_COSINE] = g_param_spec_double ("min-cosine", "Minimum cosine",
                                                "Smallest cosine similarity of the logits allowed at any "
                                                "compared step",
                                                -1, 1, 0.99, rw);
  props[PROP_MAX_REL_DIFF] = g_param_spec_double ("max-rel-diff", "Maximum relative difference",
                                                  "Largest |logit difference| allowed at a step, as a "
                                                  "fraction of the reference's largest |logit|",
                                                  0, 1000, 0.15, rw);
  props[PROP_GREEDY_STEPS] = g_param_spec_uint ("greedy-steps", "Greedy steps",
                                                "The greedy tokens must be identical for this many first "
                                                "steps (0: not checked)",
                                                0, 1 << 20, 16, rw);
  props[PROP_TOP_K] = g_param_spec_uint ("top-k", "Top k",
                                         "Size of the top-k token sets compared at each "
                                         "step",
                                         1, 1000, 5, rw);
  props[PROP_MIN_TOP_K_AGREEMENT] = g_param_spec_double ("min-top-k-agreement", "Minimum top-k agreement",
                                                         "Smallest share of common tokens in the two top-k "
                                                         "sets allowed at any compared step (0: not checked)",
                                                         0, 1, 0.6, rw);
  props[PROP_TIE_MARGIN] = g_param_spec_double ("tie-margin", "Tie margin",
                                                "A greedy divergence within greedy-steps is accepted as a near "
                                                "tie when llama.cpp's margin between the two tokens is at most "
                                                "this fraction of its largest |logit| (0: never)",
                                                0, 1, 0.08, rw);
  props[PROP_SAME_TOKENIZATION] = g_param_spec_boolean ("same-tokenization", "Same tokenization",
                                                        "A text prompt must tokenize to the same ids in "
                                                        "ours and in llama.cpp",
                                                        TRUE, rw);
  props[PROP_FAIL_ON_MISMATCH] = g_param_spec_boolean ("fail-on-mismatch", "Fail on mismatch",
                                                       "Fail the pipeline when a tolerance is broken (else "
                                                       "only report it)",
                                                       TRUE, rw);
  props[PROP_PRINT] = g_param_spec_boolean ("print", "Print",
                                            "Print the accuracy and speed summary on "
                                            "standard output",
                                            TRUE, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Cross-validation", "Analyzer",
                                 "Compares our engine's runs with llama.cpp's: logits, greedy tokens, "
                                 "tokenization and speed",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "ours", BN_PAD_SINK, BN_PAD_ALWAYS, BN_RUN_MEDIA_TYPE);
  bn_element_class_add_static_pad_template (element_class, "reference", BN_PAD_SINK, BN_PAD_ALWAYS, BN_RUN_MEDIA_TYPE);
  bn_element_class_add_static_pad_template (element_class, "ours_%u", BN_PAD_SINK, BN_PAD_REQUEST, BN_RUN_MEDIA_TYPE);
  bn_element_class_add_static_pad_template (element_class, "reference_%u", BN_PAD_SINK, BN_PAD_REQUEST,
                                            BN_RUN_MEDIA_TYPE);
  bn_element_class_add_static_pad_template (element_class, "src", BN_PAD_SRC, BN_PAD_REQUEST, "crossval/result");
}

static void
bn_crossval_init (BnCrossval *self)
{
  self->min_cosine = 0.99;
  self->max_rel_diff = 0.15;
  self->greedy_steps = 16;
  self->top_k = 5;
  self->min_top_k_agreement = 0.6;
  self->tie_margin = 0.08;
  self->same_tokenization = TRUE;
  self->fail_on_mismatch = TRUE;
  self->print = TRUE;
}
