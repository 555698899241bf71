/* gst-bitnet: strict-validator, refuses mock, incomplete or implausible results
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-receipt-elements.h"
#include "bn-replay.h"
#include <gst-bitnet/bench/bn-signing-private.h>

#include <gst-bitnet/bench/bn-json-private.h>
#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>
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
 * - validate-determinism: identical tokens and logits digests across runs;
 * - require-signature (armed by strict mode): a run read from a receipt
 *   file must be one of the runs of that file as signed by a key of
 *   #BnStrictValidator:trusted-keys (default `BITNET_TRUSTED_KEYS`), the
 *   file unchanged since; the signer is named in the log. Only
 *   #BnStrictValidator:allow-unsigned (default `BITNET_ALLOW_UNSIGNED`)
 *   lets unsigned runs through. Runs measured in this pipeline need no
 *   signature;
 * - consistency (with validate-performance): the validator checks each run
 *   itself instead of believing it: every number finite, counts and times
 *   of the right type and range, tok/s equal to tokens over time, latency
 *   samples summing to the decode time, one token id and logits digest per
 *   token, a receipt timestamp between 2024 and now, and the receipt's
 *   headline equal to the median of its runs.
 *
 * With #BnStrictValidator:model (the GGUF file the runs used), the
 * validator believes no bytes-per-token figure at all: it computes the
 * bytes read per token from the model file itself, quantized to each
 * run's weight format. With #BnStrictValidator:replay set to N as well, it
 * re-executes each run of the toolkit's engine: the recorded prompt, then
 * the recorded tokens, comparing the logits digest (and, for a greedy
 * run, the chosen token) at every step up to the last of N steps chosen
 * at random, and refuses the first mismatch with its step named ("replay"
 * gate, #BN_STRICT_ERROR_REPLAY): the tokens must have come from this
 * model. Runs of llama.cpp (reference-executor) replay through
 * reference-executor with the library, threads, context, batch and KV
 * type they record, compared digest by digest and token by token; runs of
 * other backends are refused by the gate as not replayable here.
 *
 * A receipt measured on another machine (its `gst_bitnet.machine` names
 * another CPU, core count, architecture or SIMD set) is judged against the
 * read bandwidth that machine measured, as recorded in the receipt, when a
 * trusted key signed it (or when signatures are not required); with
 * require-signature armed and no trusted signature (allow-unsigned) it is
 * refused as unverifiable ("Strict mode: Unverifiable performance").
 *
 * With require-signature armed, the plausibility ceiling uses a run's
 * bytes-per-token figure only when it was measured here or signed by a
 * trusted key; the figure of an unsigned receipt let through by
 * allow-unsigned is not believed and #BnStrictValidator:max-tokens-per-second
 * applies.
 *
 * With the ci-enhanced gate, every gate's outcome for every run is written
 * as JSON to #BnStrictValidator:gate-log.
 */

struct _BnStrictValidator {
  BnElement parent_instance;
  BnStrictFlags gates;
  double max_tps, margin;
  char *gate_log;
  char **trusted_keys;
  gboolean allow_unsigned;
  BnKeyring *ring;
  double bandwidth_gbs;
  char *model;
  guint replay;
  BnReplayer *replayer;
  GRand *rand;
  JsonObject *here; /* this machine, as receipts describe theirs */
  GPtrArray *runs;
  JsonArray *log;
};

G_DEFINE_FINAL_TYPE (BnStrictValidator, bn_strict_validator, BN_TYPE_ELEMENT)

enum {
  PROP_0,
  PROP_GATES,
  PROP_MAX_TPS,
  PROP_MARGIN,
  PROP_GATE_LOG,
  PROP_TRUSTED_KEYS,
  PROP_ALLOW_UNSIGNED,
  PROP_MODEL,
  PROP_REPLAY,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

static void
bn_strict_validator_finalize (GObject *object)
{
  BnStrictValidator *self = BN_STRICT_VALIDATOR (object);
  g_free (self->gate_log);
  g_strfreev (self->trusted_keys);
  g_free (self->model);
  g_clear_pointer (&self->replayer, bn_replayer_free);
  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_pointer (&self->here, json_object_unref);
  g_clear_pointer (&self->ring, bn_keyring_free);
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
  case PROP_TRUSTED_KEYS: g_value_set_boxed (value, self->trusted_keys); break;
  case PROP_ALLOW_UNSIGNED: g_value_set_boolean (value, self->allow_unsigned); break;
  case PROP_MODEL: g_value_set_string (value, self->model); break;
  case PROP_REPLAY: g_value_set_uint (value, self->replay); break;
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
  case PROP_GATE_LOG:
    g_free (self->gate_log);
    self->gate_log = g_value_dup_string (value);
    break;
  case PROP_TRUSTED_KEYS:
    g_strfreev (self->trusted_keys);
    self->trusted_keys = g_value_dup_boxed (value);
    break;
  case PROP_ALLOW_UNSIGNED: self->allow_unsigned = g_value_get_boolean (value); break;
  case PROP_MODEL:
    g_free (self->model);
    self->model = g_value_dup_string (value);
    break;
  case PROP_REPLAY: self->replay = g_value_get_uint (value); break;
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
  self->bandwidth_gbs = self->gates & BN_STRICT_VALIDATE_PERFORMANCE
                            ? bn_machine_read_bandwidth (256u << 20, g_get_num_processors ())
                            : 0;
  if (self->replay && !(self->model && *self->model)) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("replay=%u needs model=PATH: the GGUF file the runs were made with"), self->replay);
    return FALSE;
  }
  if (self->model && *self->model && !g_file_test (self->model, G_FILE_TEST_IS_REGULAR)) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("model=%s: no such file"), self->model);
    return FALSE;
  }
  g_clear_pointer (&self->replayer, bn_replayer_free);
  g_clear_pointer (&self->rand, g_rand_free);
  if (self->model && *self->model) {
    self->replayer = bn_replayer_new (self->model);
    self->rand = g_rand_new (); /* unpredictable: a forger cannot know which steps are checked */
  }
  g_clear_pointer (&self->here, json_object_unref);
  self->here = bn_machine_info ();
  g_clear_pointer (&self->ring, bn_keyring_free);
  self->ring = bn_keyring_load ((const char *const *) self->trusted_keys, error);
  return self->ring != NULL;
}

static gboolean
write_log (BnStrictValidator *self, GError **error)
{
  if (!(self->gates & BN_STRICT_CI_ENHANCED) || !self->gate_log)
    return TRUE;
  g_autoptr (JsonObject) o = json_object_new ();
  json_object_set_string_member (o, "generator", bn_version_string ());
  json_object_set_double_member (o, "read_bandwidth_gb_per_s", self->bandwidth_gbs);
  json_object_set_array_member (o, "gates", json_array_ref (self->log));
  return bn_json_write_atomic (self->gate_log, o, error);
}

/* Records a gate outcome; on failure posts the error and returns FALSE. */
static gboolean
gate (BnStrictValidator *self, const char *name, guint run, gboolean passed, int code, const char *message,
      const char *detail)
{
  JsonObject *e = json_object_new ();
  json_object_set_string_member (e, "gate", name);
  json_object_set_int_member (e, "run", run);
  json_object_set_boolean_member (e, "passed", passed);
  json_object_set_string_member (e, "detail", detail ? detail : "");
  json_array_add_object_element (self->log, e);
  if (passed)
    return TRUE;
  g_autoptr (GError) log_error = NULL;
  if (!write_log (self, &log_error))
    bn_element_post_warning (BN_ELEMENT (self), log_error, NULL);
  g_autoptr (GError) err =
      g_error_new (BN_STRICT_ERROR, code, "%s%s%s", message, detail ? " (" : "", detail ? detail : "");
  if (detail) {
    g_autofree char *m = g_strconcat (err->message, ")", NULL);
    g_free (err->message);
    err->message = g_steal_pointer (&m);
  }
  bn_element_post_error (BN_ELEMENT (self), err, NULL);
  return FALSE;
}

/* like gate(), with @detail logged whether the gate passes or not (the signer) */
static gboolean
gate_detail (BnStrictValidator *self, const char *name, guint run, gboolean passed, int code, const char *message,
             const char *detail)
{
  if (!gate (self, name, run, passed, code, message, passed ? NULL : detail))
    return FALSE;
  JsonObject *e = json_array_get_object_element (self->log, json_array_get_length (self->log) - 1);
  json_object_set_string_member (e, "detail", detail);
  bn_element_post_info (BN_ELEMENT (self), detail);
  return TRUE;
}

/* The receipt's machine in a few words when it is not this one (another
 * CPU, core count, architecture or SIMD set), else NULL. */
static char *
foreign_machine (BnStrictValidator *self, JsonObject *run)
{
  static const char *const keys[] = { "cpu_model", "cores", "arch", "simd_features" };
  JsonNode *n = json_object_get_member (run, BN_RUN_RECEIPT_MACHINE);
  if (!n || !JSON_NODE_HOLDS_OBJECT (n))
    return NULL;
  JsonObject *m = json_node_get_object (n);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++) {
    JsonNode *a = json_object_get_member (m, keys[i]), *b = json_object_get_member (self->here, keys[i]);
    if (!a || !b || !json_node_equal (a, b)) {
      JsonNode *cpu = json_object_get_member (m, "cpu_model");
      g_autofree char *text = cpu ? json_to_string (cpu, FALSE) : g_strdup (_("an unnamed CPU"));
      return g_strdup_printf (_("%s, %" PRId64 " cores"), text, bn_json_int_or (m, "cores", 0));
    }
  }
  return NULL;
}

static gboolean
check_run (BnStrictValidator *self, BnRecord *rec, guint idx)
{
  JsonObject *o = bn_record_get_object (rec);
  const char *path = bn_run_record_get_string (rec, BN_RUN_FIELD_COMPUTE_PATH);
  JsonArray *k = bn_run_record_get_array (rec, BN_RUN_FIELD_KERNELS);
  const char *source = bn_record_get_string (rec, BN_RUN_SOURCE);
  g_autofree char *where = source ? g_strdup_printf (_(" in %s"), source) : g_strdup ("");

  gboolean signed_ok = FALSE, verified = FALSE;
  if ((self->gates & BN_STRICT_REQUIRE_SIGNATURE) && source) {
    g_autoptr (GError) e = NULL;
    g_autofree char *signer = NULL;
    signed_ok = verified = bn_receipt_run_verify (o, self->ring, &signer, &e);
    gboolean pass =
        signed_ok || (self->allow_unsigned && g_error_matches (e, BN_SIGNING_ERROR, BN_SIGNING_ERROR_UNSIGNED));
    g_autofree char *d = signed_ok ? g_strdup_printf (_("run %u%s: signed by %s"), idx, where, signer)
                                   : g_strdup_printf (_("run %u%s: %s%s"), idx, where, e->message,
                                                      pass ? _(" (allowed: allow-unsigned)") : "");
    if (!gate_detail (self, "signature", idx, pass, BN_STRICT_ERROR_SIGNATURE, "Strict mode: Receipt signature refused",
                      d))
      return FALSE;
  } else {
    /* measured in this pipeline, or signatures not asked for: believed as before */
    signed_ok = TRUE;
  }
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
    /* a calibration run (inject-slowdown) is real computation, slowed on purpose: not a measurement */
    double slowed = bn_run_record_get_double (rec, BN_RUN_FIELD_INJECTED_SLOWDOWN, 0);
    g_autofree char *ds = g_strdup_printf (_("run %u%s: each decode step slowed by %g%% on purpose (inject-slowdown)"),
                                           idx, where, slowed * 100);
    if (!gate (self, "fail-on-mock", idx, slowed == 0, BN_STRICT_ERROR_MOCK, "Strict mode: Injected slowdown",
               slowed == 0 ? NULL : ds))
      return FALSE;
  }
  if (self->gates & BN_STRICT_REQUIRE_QUANTIZATION) {
    static const char *const prefixes[] = { "i2s_", "tl1_", "tl2_", "tq1_0_", "tq2_0_", NULL };
    gboolean found = FALSE;
    for (guint i = 0; k && i < json_array_get_length (k) && !found; i++)
      for (guint p = 0; prefixes[p]; p++)
        found |= g_str_has_prefix (json_array_get_string_element (k, i), prefixes[p]);
    g_autofree char *d = g_strdup_printf (_("run %u%s: no i2s_/tl1_/tl2_/tq kernel among the %u that ran"), idx, where,
                                          k ? json_array_get_length (k) : 0);
    if (!gate (self, "require-quantization", idx, found, BN_STRICT_ERROR_QUANTIZATION,
               "Strict mode: Required quantization kernel not available", found ? NULL : d))
      return FALSE;
  }
  if (self->gates & BN_STRICT_VALIDATE_PERFORMANCE) {
    gint64 req = bn_run_record_get_int (rec, BN_RUN_FIELD_TOKENS_REQUESTED, -1);
    gint64 got = bn_run_record_get_int (rec, BN_RUN_FIELD_TOKENS_GENERATED, -1);
    double tps = bn_run_record_get_double (rec, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND,
                                           bn_run_record_get_double (rec, BN_RUN_FIELD_TOKENS_PER_SECOND, 0));
    gboolean complete = got >= 0 && got == req && tps > 0;
    g_autofree char *d = g_strdup_printf (_("run %u%s: %" PRId64 " of %" PRId64 " tokens generated at %.3f tok/s"),
                                          idx, where, got, req, tps);
    if (!gate (self, "complete", idx, complete, BN_STRICT_ERROR_INCOMPLETE, "Strict mode: Incomplete run",
               complete ? NULL : d))
      return FALSE;
    g_autofree char *why = bn_run_inconsistency (o);
    g_autofree char *dc = why ? g_strdup_printf (_("run %u%s: %s"), idx, where, why) : NULL;
    if (!gate (self, "consistency", idx, !why, BN_STRICT_ERROR_INCONSISTENT, "Strict mode: Inconsistent receipt", dc))
      return FALSE;
    /* an emulator's timings say nothing of a native machine's, and the
     * reverse: compared only with those of the same kind */
    gboolean run_emulated = bn_run_record_get_boolean (rec, BN_RUN_FIELD_EMULATED, FALSE);
    gboolean here_emulated = bn_machine_emulator () != NULL;
    if (run_emulated != here_emulated) {
      g_autofree char *de =
          run_emulated
              ? g_strdup_printf (
                  _("run %u%s: measured under emulation (emulated: true): its timings are never compared "
                     "with this native machine's bandwidth"),
                  idx, where)
              : g_strdup_printf (_("run %u%s: measured natively, validated under emulation (%s): native timings are "
                                    "never compared with an emulator's bandwidth"),
                                 idx, where, bn_machine_emulator ());
      if (!gate (self, "plausibility", idx, FALSE, BN_STRICT_ERROR_PLAUSIBILITY,
                 "Strict mode: Emulated and native timings compared", de))
        return FALSE;
    }
    double claimed = MAX (tps, bn_record_get_double (rec, BN_RUN_CLAIMED_TPS, 0));
    /* a figure from an unsigned file is the forger's own: not believed */
    double bytes = signed_ok ? bn_run_record_get_double (rec, BN_RUN_FIELD_BYTES_PER_TOKEN, 0) : 0;
    g_autofree char *bytes_from = g_strdup (_("bytes per token"));
    const char *format = bn_run_record_get_string (rec, BN_RUN_FIELD_WEIGHT_FORMAT);
    if (self->replayer && format) {
      /* the model file at hand: its own figure, whatever the run says */
      g_autoptr (GError) e = NULL;
      if (!bn_replayer_bytes_per_token (self->replayer, format, &bytes, &e)) {
        bn_element_post_error (BN_ELEMENT (self), e, NULL);
        return FALSE;
      }
      g_free (bytes_from);
      bytes_from = g_strdup_printf (_("bytes per token computed from %s"), self->model);
    }
    /* whose bandwidth: this machine's, or for a receipt measured elsewhere
     * the figure that machine measured, when a trusted key vouches for it */
    double bw_base = self->bandwidth_gbs;
    g_autofree char *bw_from = g_strdup (_("read bandwidth of all cores measured here"));
    g_autofree char *foreign = source ? foreign_machine (self, o) : NULL;
    if (foreign) {
      double theirs = bn_run_record_get_double (rec, BN_RUN_FIELD_READ_BANDWIDTH_GB_PER_S, 0);
      gboolean vouched = verified || !(self->gates & BN_STRICT_REQUIRE_SIGNATURE);
      g_autofree char *du = g_strdup_printf (
          _("run %u%s: measured on another machine (%s)%s: its speed cannot be judged against this machine's "
             "bandwidth"),
          idx, where, foreign,
          vouched ? _(" without a read-bandwidth figure") : _(" and not signed by a trusted key"));
      if (!gate (self, "plausibility", idx, vouched && theirs > 0, BN_STRICT_ERROR_PLAUSIBILITY,
                 "Strict mode: Unverifiable performance", vouched && theirs > 0 ? NULL : du))
        return FALSE;
      bw_base = theirs;
      g_free (bw_from);
      bw_from = g_strdup_printf (verified ? _("read bandwidth measured on %s (signed)")
                                          : _("read bandwidth measured on %s (believed: signatures not required)"),
                                 foreign);
    }
    double ceiling;
    g_autofree char *basis = NULL;
    if (bytes > 0 && bw_base > 0) {
      double bw = bw_base * (bytes < 32.0 * 1048576 ? 8 : 1);
      ceiling = bw * 1e9 / bytes * self->margin;
      basis = g_strdup_printf (_("ceiling %.1f tok/s = %.1f GB/s %s%s / %.0f %s x margin %.2f"), ceiling, bw_base,
                               bw_from, bytes < 32.0 * 1048576 ? _(" x 8 (cache-resident model)") : "", bytes,
                               bytes_from, self->margin);
    } else {
      ceiling = self->max_tps;
      basis = g_strdup_printf (signed_ok ? _("no bytes-per-token figure: limit max-tokens-per-second=%.1f")
                                         : _("the bytes-per-token figure of an unsigned receipt is not believed: "
                                              "limit max-tokens-per-second=%.1f"),
                               ceiling);
    }
    g_autofree char *msg = g_strdup_printf ("Strict mode: Suspicious performance detected: %.1f tok/s", claimed);
    g_autofree char *d2 = g_strdup_printf (_("run %u%s: %s"), idx, where, basis);
    if (!gate (self, "plausibility", idx, claimed <= ceiling, BN_STRICT_ERROR_PLAUSIBILITY, msg,
               claimed <= ceiling ? NULL : d2))
      return FALSE;
  }
  if (self->replay && self->replayer) {
    g_autoptr (GError) e = NULL;
    g_autofree char *summary = NULL;
    gboolean same = bn_replayer_check (self->replayer, rec, self->replay, self->rand, &summary, &e);
    g_autofree char *d = g_strdup_printf (_("run %u%s: %s"), idx, where, same ? summary : e->message);
    if (!gate_detail (self, "replay", idx, same, BN_STRICT_ERROR_REPLAY, "Strict mode: Replay does not match", d))
      return FALSE;
  }
  if (self->gates & BN_STRICT_VALIDATE_ACCURACY) {
    JsonObject *acc = bn_run_record_get_object (rec, BN_RUN_FIELD_QUANTIZER_ACCURACY);
    gboolean pass = acc && bn_json_boolean_or (acc, "pass", FALSE);
    g_autofree char *d =
        acc ? g_strdup_printf (_("run %u%s: output relative MSE %.3g against tolerance %.3g (%s)"), idx, where,
                               bn_json_double_or (acc, "output-rel-mse", -1), bn_json_double_or (acc, "tolerance", -1),
                               bn_json_string_or (acc, "format", "?"))
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
  if (!BN_IS_RECORD (item) || g_strcmp0 (bn_caps_get_media_type (bn_item_get_caps (item), 0), BN_RUN_MEDIA_TYPE))
    return bn_element_push (element, item);
  g_autoptr (GError) error = NULL;
  if (!bn_run_check_types (BN_RECORD (item), &error)) {
    g_object_unref (item);
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  if (!check_run (self, BN_RECORD (item), self->runs->len)) {
    g_object_unref (item);
    return BN_FLOW_ERROR;
  }
  g_ptr_array_add (self->runs, g_object_ref (item));
  return bn_element_push (element, item);
}

static char *
field_text (JsonObject *o, BnRunField field)
{
  JsonNode *n = json_object_get_member (o, bn_run_field_name (field));
  return n ? json_to_string (n, FALSE) : g_strdup ("");
}

/* the headline of each receipt file is the median of its runs */
static gboolean
check_headlines (BnStrictValidator *self)
{
  for (guint i = 0; i < self->runs->len; i++) {
    const char *src = bn_record_get_string (self->runs->pdata[i], BN_RUN_SOURCE);
    JsonObject *o = bn_record_get_object (self->runs->pdata[i]);
    if (!src || bn_json_int_or (o, BN_RUN_RECEIPT_INDEX, -1) != 0)
      continue;
    g_autoptr (GArray) v = g_array_new (FALSE, FALSE, sizeof (double));
    for (guint j = i; j < self->runs->len; j++)
      if (!g_strcmp0 (bn_record_get_string (self->runs->pdata[j], BN_RUN_SOURCE), src)) {
        double d = bn_run_record_get_double (self->runs->pdata[j], BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, NAN);
        g_array_append_val (v, d);
      }
    bn_doubles_sort ((double *) v->data, v->len);
    double median = bn_percentile ((const double *) v->data, v->len, 50);
    double claimed = bn_record_get_double (self->runs->pdata[i], BN_RUN_CLAIMED_TPS, NAN);
    gboolean same = fabs (claimed - median) <= 1e-6 * MAX (1.0, fabs (median));
    g_autofree char *d = g_strdup_printf (
        _("%s: headline tokens_per_second %.6g is not the median %.6g of its %u runs"), src, claimed, median, v->len);
    if (!gate (self, "consistency", i, same, BN_STRICT_ERROR_INCONSISTENT, "Strict mode: Inconsistent receipt",
               same ? NULL : d))
      return FALSE;
  }
  return TRUE;
}

static BnFlowReturn
bn_strict_validator_finish (BnElement *element)
{
  BnStrictValidator *self = BN_STRICT_VALIDATOR (element);
  if ((self->gates & BN_STRICT_VALIDATE_PERFORMANCE) && !check_headlines (self))
    return BN_FLOW_ERROR;
  if ((self->gates & BN_STRICT_VALIDATE_DETERMINISM) && self->runs->len > 1) {
    JsonObject *a = bn_record_get_object (self->runs->pdata[0]);
    g_autofree char *ta = field_text (a, BN_RUN_FIELD_TOKEN_IDS), *da = field_text (a, BN_RUN_FIELD_LOGITS_DIGESTS);
    for (guint i = 1; i < self->runs->len; i++) {
      JsonObject *b = bn_record_get_object (self->runs->pdata[i]);
      g_autofree char *tb = field_text (b, BN_RUN_FIELD_TOKEN_IDS), *db = field_text (b, BN_RUN_FIELD_LOGITS_DIGESTS);
      gboolean same = !strcmp (ta, tb) && !strcmp (da, db);
      g_autofree char *d = g_strdup_printf (_("run %u differs from run 0 in its %s"), i,
                                            strcmp (ta, tb) ? _("tokens") : _("logits digests"));
      if (!gate (self, "determinism", i, same, BN_STRICT_ERROR_DETERMINISM,
                 "Strict mode: Non-deterministic results across iterations", same ? NULL : d))
        return BN_FLOW_ERROR;
    }
  }
  g_autoptr (GError) error = NULL;
  if (!write_log (self, &error)) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot write the gate log %s: %s"),
                      self->gate_log, error->message);
    return BN_FLOW_ERROR;
  }
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
                                             "(150 as in the seed)",
                                             0, 1e9, 150, rw);
  props[PROP_MARGIN] = g_param_spec_double ("ceiling-margin", "Ceiling margin",
                                            "Factor on the physical ceiling before a speed is called "
                                            "implausible",
                                            1, 100, 1.5, rw);
  props[PROP_GATE_LOG] =
      g_param_spec_string ("gate-log", "Gate log", "Where the ci-enhanced gate writes each gate's outcome as JSON",
                           "ci/strict-gates.json", rw);
  props[PROP_TRUSTED_KEYS] = g_param_spec_boxed ("trusted-keys", "Trusted keys",
                                                 "Public key files (NAME.pub from bn-key) whose signatures are "
                                                 "trusted, comma-separated; default BITNET_TRUSTED_KEYS "
                                                 "(':'-separated)",
                                                 G_TYPE_STRV, rw);
  props[PROP_ALLOW_UNSIGNED] = g_param_spec_boolean ("allow-unsigned", "Allow unsigned",
                                                     "Let runs of unsigned receipt files through the signature "
                                                     "gate (their bytes-per-token figure is still not believed); "
                                                     "default BITNET_ALLOW_UNSIGNED",
                                                     FALSE, rw);
  props[PROP_MODEL] = g_param_spec_string ("model", "Model",
                                           "The GGUF file the runs were made with: bytes per token are computed "
                                           "from it, never taken from a receipt, and replay re-executes runs on it",
                                           NULL, rw);
  props[PROP_REPLAY] = g_param_spec_uint ("replay", "Replay",
                                          "Re-execute each run on model= up to the last of N steps chosen at "
                                          "random, comparing logits digests and tokens (0: off)",
                                          0, G_MAXUINT, 0, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Strict validator", "Analyzer",
                                 "Refuses mock, incomplete, inaccurate, non-deterministic or physically "
                                 "implausible runs (strict mode)",
                                 "gst-bitnet developers");
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
  const char *keys = g_getenv ("BITNET_TRUSTED_KEYS");
  self->trusted_keys = g_strsplit (keys ? keys : "", G_SEARCHPATH_SEPARATOR_S, -1);
  self->allow_unsigned = bn_env_is_true ("BITNET_ALLOW_UNSIGNED");
}
