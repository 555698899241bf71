/* gst-bitnet: strict-validator, refuses mock, incomplete or implausible results
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-receipt-elements.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/**
 * SECTION:element-strict-validator
 * @title: strict-validator
 *
 * Checks every `bench/run` that passes through against the strict-mode
 * gates armed by #BnStrictValidator:gates (default: from the environment,
 * see bn_strict_flags_from_env()) and forwards it when it passes. A failed
 * gate stops the pipeline with a #BN_STRICT_ERROR, so bn-launch exits with
 * status 4 and no receipt downstream is written.
 *
 * - fail-on-mock: compute path `real` and no kernel name containing `mock`,
 *   else "Strict mode: Mock computation detected";
 * - require-quantization: a real quantized kernel (`i2s_`, `tl1_`, `tl2_`,
 *   `tq*`) ran, else "Strict mode: Required quantization kernel not
 *   available";
 * - validate-performance: every requested token generated, speed above 0,
 *   and speed (measured and claimed) not above the physical ceiling: the
 *   read bandwidth measured by this element divided by the bytes read per
 *   token, times #BnStrictValidator:ceiling-margin (a model under 32 MiB
 *   may run from cache: the bandwidth is then multiplied by 8); without a
 *   bytes-per-token figure, #BnStrictValidator:max-tokens-per-second. Else
 *   "Strict mode: Suspicious performance detected: X tok/s";
 * - validate-accuracy: the quantizer's accuracy within its tolerance;
 * - validate-determinism: identical tokens and logits digests across runs.
 *
 * With the ci-enhanced gate, every gate's outcome for every run is written
 * as JSON to #BnStrictValidator:gate-log.
 */

struct _BnStrictValidator {
  BnElement parent_instance;
  BnStrictFlags gates;
  double max_tps, margin;
  char *gate_log;
  double bandwidth_gbs;
  GPtrArray *runs;
  JsonArray *log;
};

G_DEFINE_FINAL_TYPE (BnStrictValidator, bn_strict_validator, BN_TYPE_ELEMENT)

enum { PROP_0, PROP_GATES, PROP_MAX_TPS, PROP_MARGIN, PROP_GATE_LOG, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
bn_strict_validator_finalize (GObject *object)
{
  BnStrictValidator *self = BN_STRICT_VALIDATOR (object);
  g_free (self->gate_log);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  g_clear_pointer (&self->log, json_array_unref);
  G_OBJECT_CLASS (bn_strict_validator_parent_class)->finalize (object);
}

static void
bn_strict_validator_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnStrictValidator *self = BN_STRICT_VALIDATOR (object);
  switch (id) {
  case PROP_GATES: g_value_set_flags (value, self->gates); break;
  case PROP_MAX_TPS: g_value_set_double (value, self->max_tps); break;
  case PROP_MARGIN: g_value_set_double (value, self->margin); break;
  case PROP_GATE_LOG: g_value_set_string (value, self->gate_log); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_strict_validator_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnStrictValidator *self = BN_STRICT_VALIDATOR (object);
  switch (id) {
  case PROP_GATES: self->gates = g_value_get_flags (value); break;
  case PROP_MAX_TPS: self->max_tps = g_value_get_double (value); break;
  case PROP_MARGIN: self->margin = g_value_get_double (value); break;
  case PROP_GATE_LOG: g_free (self->gate_log); self->gate_log = g_value_dup_string (value); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static gboolean
bn_strict_validator_start (BnElement *element, GError **error)
{
  BnStrictValidator *self = BN_STRICT_VALIDATOR (element);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  g_clear_pointer (&self->log, json_array_unref);
  self->runs = g_ptr_array_new_with_free_func (g_object_unref);
  self->log = json_array_new ();
  self->bandwidth_gbs = self->gates & BN_STRICT_VALIDATE_PERFORMANCE ? bn_machine_read_bandwidth (256u << 20, g_get_num_processors ()) : 0;
  return TRUE;
}

static void
write_log (BnStrictValidator *self)
{
  if (!(self->gates & BN_STRICT_CI_ENHANCED) || !self->gate_log)
    return;
  g_autoptr (JsonObject) o = json_object_new ();
  json_object_set_string_member (o, "generator", bn_version_string ());
  json_object_set_double_member (o, "read_bandwidth_gb_per_s", self->bandwidth_gbs);
  json_object_set_array_member (o, "gates", json_array_ref (self->log));
  bn_json_write_atomic (self->gate_log, o, NULL);
}

/* Records a gate outcome; on failure posts the error and returns FALSE. */
static gboolean
gate (BnStrictValidator *self, const char *name, guint run, gboolean passed, int code,
      const char *message, const char *detail)
{
  JsonObject *e = json_object_new ();
  json_object_set_string_member (e, "gate", name);
  json_object_set_int_member (e, "run", run);
  json_object_set_boolean_member (e, "passed", passed);
  json_object_set_string_member (e, "detail", detail ? detail : "");
  json_array_add_object_element (self->log, e);
  if (passed)
    return TRUE;
  write_log (self);
  g_autoptr (GError) err = g_error_new (BN_STRICT_ERROR, code, "%s%s%s", message, detail ? " (" : "",
                                        detail ? detail : "");
  if (detail) {
    g_autofree char *m = g_strconcat (err->message, ")", NULL);
    g_free (err->message);
    err->message = g_steal_pointer (&m);
  }
  bn_element_post_error (BN_ELEMENT (self), err, NULL);
  return FALSE;
}

static gboolean
check_run (BnStrictValidator *self, BnRecord *rec, guint idx)
{
  JsonObject *o = bn_record_get_object (rec);
  const char *path = bn_record_get_string (rec, "compute_path");
  JsonArray *k = json_object_has_member (o, "kernels") ? json_object_get_array_member (o, "kernels") : NULL;
  const char *source = bn_record_get_string (rec, "source");
  g_autofree char *where = source ? g_strdup_printf (_(" in %s"), source) : g_strdup ("");

  if (self->gates & BN_STRICT_FAIL_ON_MOCK) {
    const char *mock = NULL;
    for (guint i = 0; k && i < json_array_get_length (k); i++)
      if (strstr (json_array_get_string_element (k, i), "mock"))
        mock = json_array_get_string_element (k, i);
    g_autofree char *d = g_strdup_printf (_("run %u%s: compute_path \"%s\"%s%s"), idx, where, path ? path : "(none)",
                                          mock ? _(", kernel ") : "", mock ? mock : "");
    if (!gate (self, "fail-on-mock", idx, !g_strcmp0 (path, "real") && !mock, BN_STRICT_ERROR_MOCK,
               "Strict mode: Mock computation detected", g_strcmp0 (path, "real") || mock ? d : NULL))
      return FALSE;
  }
  if (self->gates & BN_STRICT_REQUIRE_QUANTIZATION) {
    static const char *const prefixes[] = { "i2s_", "tl1_", "tl2_", "tq1_0_", "tq2_0_", NULL };
    gboolean found = FALSE;
    for (guint i = 0; k && i < json_array_get_length (k) && !found; i++)
      for (guint p = 0; prefixes[p]; p++)
        found |= g_str_has_prefix (json_array_get_string_element (k, i), prefixes[p]);
    g_autofree char *d = g_strdup_printf (_("run %u%s: no i2s_/tl1_/tl2_/tq kernel among the %u that ran"),
                                          idx, where, k ? json_array_get_length (k) : 0);
    if (!gate (self, "require-quantization", idx, found, BN_STRICT_ERROR_QUANTIZATION,
               "Strict mode: Required quantization kernel not available", found ? NULL : d))
      return FALSE;
  }
  if (self->gates & BN_STRICT_VALIDATE_PERFORMANCE) {
    gint64 req = json_object_get_int_member_with_default (o, "tokens_requested", -1);
    gint64 got = json_object_get_int_member_with_default (o, "tokens_generated", -1);
    double tps = bn_record_get_double (rec, "decode_tokens_per_second", bn_record_get_double (rec, "tokens_per_second", 0));
    gboolean complete = got >= 0 && got == req && tps > 0;
    g_autofree char *d = g_strdup_printf (_("run %u%s: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                                            " tokens generated at %.3f tok/s"), idx, where, got, req, tps);
    if (!gate (self, "complete", idx, complete, BN_STRICT_ERROR_INCOMPLETE,
               "Strict mode: Incomplete run", complete ? NULL : d))
      return FALSE;
    double claimed = MAX (tps, bn_record_get_double (rec, "claimed_tokens_per_second", 0));
    double bytes = bn_record_get_double (rec, "bytes_per_token", 0);
    double ceiling;
    g_autofree char *basis = NULL;
    if (bytes > 0 && self->bandwidth_gbs > 0) {
      double bw = self->bandwidth_gbs * (bytes < 32.0 * 1048576 ? 8 : 1);
      ceiling = bw * 1e9 / bytes * self->margin;
      basis = g_strdup_printf (_("ceiling %.1f tok/s = %.1f GB/s read bandwidth of all cores measured here%s / %.0f bytes per "
                                 "token x margin %.2f"), ceiling, self->bandwidth_gbs,
                               bytes < 32.0 * 1048576 ? _(" x 8 (cache-resident model)") : "", bytes, self->margin);
    } else {
      ceiling = self->max_tps;
      basis = g_strdup_printf (_("no bytes-per-token figure: limit max-tokens-per-second=%.1f"), ceiling);
    }
    g_autofree char *msg = g_strdup_printf ("Strict mode: Suspicious performance detected: %.1f tok/s", claimed);
    g_autofree char *d2 = g_strdup_printf (_("run %u%s: %s"), idx, where, basis);
    if (!gate (self, "plausibility", idx, claimed <= ceiling, BN_STRICT_ERROR_PLAUSIBILITY, msg,
               claimed <= ceiling ? NULL : d2))
      return FALSE;
  }
  if (self->gates & BN_STRICT_VALIDATE_ACCURACY) {
    JsonObject *acc = json_object_has_member (o, "quantizer_accuracy") ? json_object_get_object_member (o, "quantizer_accuracy") : NULL;
    gboolean pass = acc && json_object_get_boolean_member_with_default (acc, "pass", FALSE);
    g_autofree char *d = acc ? g_strdup_printf (_("run %u%s: output relative MSE %.3g against tolerance %.3g (%s)"), idx, where,
                                                json_object_get_double_member_with_default (acc, "output-rel-mse", -1),
                                                json_object_get_double_member_with_default (acc, "tolerance", -1),
                                                json_object_get_string_member_with_default (acc, "format", "?"))
                             : g_strdup_printf (_("run %u%s: no accuracy results (put a quantizer before the executor)"), idx, where);
    if (!gate (self, "accuracy", idx, pass, BN_STRICT_ERROR_ACCURACY, "Strict mode: Accuracy outside tolerance",
               pass ? NULL : d))
      return FALSE;
  }
  return TRUE;
}

static BnFlowReturn
bn_strict_validator_chain (BnElement *element, BnPad *pad, BnItem *item)
{
  BnStrictValidator *self = BN_STRICT_VALIDATOR (element);
  if (!BN_IS_RECORD (item) || g_strcmp0 (bn_caps_get_media_type (bn_item_get_caps (item), 0), "bench/run"))
    return bn_element_push (element, item);
  if (!check_run (self, BN_RECORD (item), self->runs->len)) {
    g_object_unref (item);
    return BN_FLOW_ERROR;
  }
  g_ptr_array_add (self->runs, g_object_ref (item));
  return bn_element_push (element, item);
}

static char *
member_text (JsonObject *o, const char *m)
{
  JsonNode *n = json_object_get_member (o, m);
  return n ? json_to_string (n, FALSE) : g_strdup ("");
}

static BnFlowReturn
bn_strict_validator_finish (BnElement *element)
{
  BnStrictValidator *self = BN_STRICT_VALIDATOR (element);
  if ((self->gates & BN_STRICT_VALIDATE_DETERMINISM) && self->runs->len > 1) {
    JsonObject *a = bn_record_get_object (self->runs->pdata[0]);
    g_autofree char *ta = member_text (a, "token_ids"), *da = member_text (a, "logits_digests");
    for (guint i = 1; i < self->runs->len; i++) {
      JsonObject *b = bn_record_get_object (self->runs->pdata[i]);
      g_autofree char *tb = member_text (b, "token_ids"), *db = member_text (b, "logits_digests");
      gboolean same = !strcmp (ta, tb) && !strcmp (da, db);
      g_autofree char *d = g_strdup_printf (_("run %u differs from run 0 in its %s"), i,
                                            strcmp (ta, tb) ? _("tokens") : _("logits digests"));
      if (!gate (self, "determinism", i, same, BN_STRICT_ERROR_DETERMINISM,
                 "Strict mode: Non-deterministic results across iterations", same ? NULL : d))
        return BN_FLOW_ERROR;
    }
  }
  write_log (self);
  g_autofree char *text = g_strdup_printf (_("%u runs passed the strict gates"), self->runs->len);
  bn_element_post_info (element, text);
  return BN_FLOW_OK;
}

static void
bn_strict_validator_class_init (BnStrictValidatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bn_strict_validator_finalize;
  object_class->get_property = bn_strict_validator_get_property;
  object_class->set_property = bn_strict_validator_set_property;
  element_class->start = bn_strict_validator_start;
  element_class->chain = bn_strict_validator_chain;
  element_class->finish = bn_strict_validator_finish;

  props[PROP_GATES] = g_param_spec_flags ("gates", "Gates",
                                          "Gates to enforce (default from BITNET_STRICT_MODE, "
                                          "BITNET_STRICT_FAIL_ON_MOCK, BITNET_STRICT_REQUIRE_QUANTIZATION, "
                                          "BITNET_STRICT_VALIDATE_PERFORMANCE, BITNET_DETERMINISTIC, "
                                          "BITNET_CI_ENHANCED_STRICT with CI)",
                                          BN_TYPE_STRICT_FLAGS, 0, rw);
  props[PROP_MAX_TPS] = g_param_spec_double ("max-tokens-per-second", "Max tokens per second",
                                             "Plausibility limit when a run gives no bytes-per-token figure "
                                             "(150 as in the seed)", 0, 1e9, 150, rw);
  props[PROP_MARGIN] = g_param_spec_double ("ceiling-margin", "Ceiling margin",
                                            "Factor on the physical ceiling before a speed is called "
                                            "implausible", 1, 100, 1.5, rw);
  props[PROP_GATE_LOG] = g_param_spec_string ("gate-log", "Gate log",
                                              "Where the ci-enhanced gate writes each gate's outcome as JSON",
                                              "ci/strict-gates.json", rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Strict validator", "Analyzer",
                                 "Refuses mock, incomplete, inaccurate, non-deterministic or physically "
                                 "implausible runs (strict mode)", "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "sink", BN_PAD_SINK, BN_PAD_ALWAYS, "ANY");
  bn_element_class_add_static_pad_template (element_class, "src", BN_PAD_SRC, BN_PAD_ALWAYS, "ANY");
}

static void
bn_strict_validator_init (BnStrictValidator *self)
{
  self->gates = bn_strict_flags_from_env ();
  self->max_tps = 150;
  self->margin = 1.5;
  self->gate_log = g_strdup ("ci/strict-gates.json");
}
