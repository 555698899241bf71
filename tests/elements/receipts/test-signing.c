/* Tests of signed receipts: keys, envelopes, and a corpus of forgeries that
 * strict validation must refuse, each with its reason named. */
#include <gst-bitnet/bn.h>
#include <gst-bitnet/bench/bench.h>
#include <gst-bitnet/bench/bn-signing-private.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <stdlib.h>

#include "bn-test-schema.h"
#include "bn-test-emulated.h"

static char *tmpdir, *secret, *public, *other_public, *genuine;

static gboolean
run (const char *desc, GError **error)
{
  g_autoptr (GError) perr = NULL;
  g_autoptr (BnElement) p = bn_parse_launch (desc, &perr);
  g_assert_no_error (perr);
  return bn_pipeline_run (BN_PIPELINE (p), error);
}

static char *
in_tmp (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

#define STRICT "gates=fail-on-mock+require-quantization+validate-performance+validate-accuracy+require-signature"

/* validates @path in strict mode against the trusted key (plus @extra properties) */
static GError *
validate (const char *path, const char *extra)
{
  g_autofree char *desc =
      g_strdup_printf ("receipt-src location=%s ! strict-validator " STRICT " trusted-keys=%s %s ! fakesink", path,
                       public, extra ? extra : "");
  GError *error = NULL;
  run (desc, &error);
  return error;
}

static void
test_keys (void)
{
  g_autofree char *dir = in_tmp ("keys");
  g_autoptr (GError) error = NULL;
  g_assert_true (bn_signing_key_generate (dir, "ci-runner", &secret, &public, &error));
  g_assert_no_error (error);
  GStatBuf sb;
  g_assert_cmpint (g_stat (secret, &sb), ==, 0);
  g_assert_cmpint (sb.st_mode & 0777, ==, 0600);
  /* a key is never overwritten */
  g_assert_false (bn_signing_key_generate (dir, "ci-runner", NULL, NULL, &error));
  g_assert_error (error, BN_SIGNING_ERROR, BN_SIGNING_ERROR_KEY);
  g_clear_error (&error);
  g_assert_false (bn_signing_key_generate (dir, "../escape", NULL, NULL, &error));
  g_assert_error (error, BN_SIGNING_ERROR, BN_SIGNING_ERROR_KEY);
  g_clear_error (&error);
  /* a secret key others may read is refused, with the fix named */
  g_assert_cmpint (g_chmod (secret, 0644), ==, 0);
  g_autoptr (BnSigningKey) loose = bn_signing_key_load (secret, &error);
  g_assert_null (loose);
  g_assert_error (error, BN_SIGNING_ERROR, BN_SIGNING_ERROR_PERMISSIONS);
  g_assert_nonnull (strstr (error->message, "chmod 600"));
  g_clear_error (&error);
  g_assert_cmpint (g_chmod (secret, 0600), ==, 0);
  g_autoptr (BnSigningKey) key = bn_signing_key_load (secret, &error);
  g_assert_no_error (error);
  g_autofree char *who = bn_signing_key_describe (key);
  g_assert_true (g_str_has_prefix (who, "ci-runner (ed25519 "));
  g_autofree char *other_dir = in_tmp ("other");
  g_assert_true (bn_signing_key_generate (other_dir, "intruder", NULL, &other_public, &error));
}

static void
test_genuine_passes (void)
{
  genuine = in_tmp ("inference.json");
  g_autofree char *desc = g_strdup_printf ("loader fixture=tiny ! quantizer ! kernel-executor tokens=8 iterations=3 "
                                           "warmup=0 ! receipt-sink location=%s signing-key=%s",
                                           genuine, secret);
  g_autoptr (GError) error = NULL;
  g_assert_true (run (desc, &error));
  g_assert_no_error (error);
  g_autofree char *env = bn_receipt_envelope_path (genuine);
  g_assert_true (g_str_has_suffix (env, "inference.dsse.json"));
  g_assert_true (g_file_test (env, G_FILE_TEST_EXISTS));
  /* it validates, and the log says who signed */
  g_autofree char *log = in_tmp ("gates.json");
  g_autoptr (GError) e = validate (genuine, NULL);
  g_assert_no_error (e);
  g_autofree char *d2 = g_strdup_printf ("receipt-src location=%s ! strict-validator " STRICT "+ci-enhanced "
                                         "trusted-keys=%s gate-log=%s ! fakesink",
                                         genuine, public, log);
  g_assert_true (run (d2, &error));
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (log, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "signed by ci-runner (ed25519 "));
  /* the envelope binds receipt, model, build, machine and time */
  g_autoptr (JsonNode) en = bn_test_json_load (env);
  const char *keys[] = { public, NULL };
  g_autoptr (BnKeyring) ring = bn_keyring_load (keys, &error);
  g_autofree char *signer = NULL;
  g_autoptr (JsonObject) st = bn_envelope_open (json_node_get_object (en), ring, &signer, &error);
  g_assert_no_error (error);
  JsonObject *pred = json_object_get_object_member (st, "predicate");
  const char *members[] = { "receipt", "model_fingerprint", "build", "machine", "signed_at" };
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    g_assert_true (json_object_has_member (pred, members[i]));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (pred, "model_fingerprint"), "blake2b:"));
}

/* a copy of the genuine receipt, edited, with the genuine envelope beside it */
static char *
forge (const char *name, void (*edit) (JsonObject *r), gboolean keep_envelope)
{
  g_autoptr (JsonNode) n = bn_test_json_load (genuine);
  if (edit)
    edit (json_node_get_object (n));
  g_autofree char *path = in_tmp (name);
  g_autofree char *json = json_to_string (n, TRUE);
  g_autoptr (GString) text = g_string_new (json);
  g_string_replace (text, "123456.75", "1e999", 0);
  g_assert_true (g_file_set_contents (path, text->str, -1, NULL));
  g_autofree char *src = bn_receipt_envelope_path (genuine), *dst = bn_receipt_envelope_path (path);
  g_autofree char *env = NULL;
  g_assert_true (g_file_get_contents (src, &env, NULL, NULL));
  if (keep_envelope)
    g_assert_true (g_file_set_contents (dst, env, -1, NULL));
  else
    g_remove (dst);
  return g_steal_pointer (&path);
}

static JsonObject *
runs_of (JsonObject *r, guint i)
{
  return json_array_get_object_element (
      json_object_get_array_member (json_object_get_object_member (r, "gst_bitnet"), "runs"), i);
}

static void
edit_speed_10x (JsonObject *r)
{
  /* every tok/s figure times ten, latency samples untouched */
  JsonObject *pb = json_object_get_object_member (r, "performance_baseline");
  json_object_set_double_member (pb, "tokens_per_second", 10 * json_object_get_double_member (pb, "tokens_per_second"));
  JsonArray *runs = json_object_get_array_member (json_object_get_object_member (r, "gst_bitnet"), "runs");
  for (guint i = 0; i < json_array_get_length (runs); i++) {
    JsonObject *o = json_array_get_object_element (runs, i);
    json_object_set_double_member (o, bn_run_field_name (BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND),
                                   10 * bn_run_object_get_double (o, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, NAN));
    json_object_set_double_member (o, bn_run_field_name (BN_RUN_FIELD_TOKENS_PER_SECOND),
                                   10 * bn_run_object_get_double (o, BN_RUN_FIELD_TOKENS_PER_SECOND, NAN));
  }
}
static void
edit_fingerprint (JsonObject *r)
{
  for (guint i = 0; i < 3; i++)
    json_object_set_string_member (runs_of (r, i), bn_run_field_name (BN_RUN_FIELD_MODEL_FINGERPRINT),
                                   "blake2b:0000000000000000000000000000000000000000000000000000000000000000");
}
static void
edit_cpu (JsonObject *r)
{
  json_object_set_string_member (
      json_object_get_object_member (json_object_get_object_member (r, "gst_bitnet"), "machine"), "cpu_model",
      "AMD EPYC 9999 (made up)");
}
static void
edit_1999 (JsonObject *r)
{
  json_object_set_string_member (r, "timestamp", "1999-01-01T00:00:00Z");
}
static void
edit_tokens (JsonObject *r)
{
  JsonArray *t = bn_run_object_get_array (runs_of (r, 1), BN_RUN_FIELD_TOKEN_IDS);
  json_array_remove_element (t, 0);
  json_array_add_int_element (t, 7);
}
static void
edit_negative (JsonObject *r)
{
  json_object_set_double_member (runs_of (r, 0), bn_run_field_name (BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND), -1);
}
/* JSON has no infinity: the number is written as 1e999, which parses as one */
#define INF_MARK 123456.75
static void
edit_inf (JsonObject *r)
{
  json_object_set_double_member (runs_of (r, 0), bn_run_field_name (BN_RUN_FIELD_PREFILL_MS), INF_MARK);
}
static void
edit_bytes (JsonObject *r)
{
  json_object_set_double_member (runs_of (r, 0), bn_run_field_name (BN_RUN_FIELD_BYTES_PER_TOKEN), 1e-30);
}
static void
edit_headline (JsonObject *r)
{
  JsonObject *pb = json_object_get_object_member (r, "performance_baseline");
  json_object_set_double_member (pb, "tokens_per_second", 2 * json_object_get_double_member (pb, "tokens_per_second"));
}
static void
edit_compute_path (JsonObject *r)
{
  json_object_set_int_member (runs_of (r, 0), bn_run_field_name (BN_RUN_FIELD_COMPUTE_PATH), 42);
}
static void
edit_embed_envelope (JsonObject *r)
{
  /* the forger plants a genuine envelope inside the runs of an unsigned file */
  g_autofree char *env = bn_receipt_envelope_path (genuine);
  g_autoptr (JsonNode) n = bn_test_json_load (env);
  json_object_set_member (runs_of (r, 0), "envelope", json_node_copy (n));
  edit_speed_10x (r);
}

static void
expect (GError *e, int code, const char *reason, const char *name)
{
  /* a member of the wrong type (or not finite) is refused before any gate,
   * by receipt-src's type checks, naming the member */
  g_autofree char *member = g_strdup (reason);
  *strchrnul (member, ' ') = '\0';
  g_autofree char *quoted = g_strdup_printf ("\"%s\" must be", member);
  gboolean early = e && g_error_matches (e, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE) && strstr (e->message, quoted);
  if (!early && (!e || !g_error_matches (e, BN_STRICT_ERROR, code) || !strstr (e->message, reason)))
    g_error ("forgery %s: expected strict error %d naming «%s», got %s", name, code, reason, e ? e->message : "none");
}

static void
test_forgeries (void)
{
  struct {
    const char *name;
    void (*edit) (JsonObject *);
    gboolean envelope;
    const char *extra;
    int code;
    const char *reason;
  } cases[] = {
    /* signed, then edited: the signature no longer covers the file */
    { "speed-10x.json", edit_speed_10x, TRUE, NULL, BN_STRICT_ERROR_SIGNATURE, "changed after it was signed" },
    { "zero-fingerprint.json", edit_fingerprint, TRUE, NULL, BN_STRICT_ERROR_SIGNATURE, "changed after it was signed" },
    { "made-up-cpu.json", edit_cpu, TRUE, NULL, BN_STRICT_ERROR_SIGNATURE, "changed after it was signed" },
    { "1999.json", edit_1999, TRUE, NULL, BN_STRICT_ERROR_SIGNATURE, "changed after it was signed" },
    { "edited-tokens.json", edit_tokens, TRUE, NULL, BN_STRICT_ERROR_SIGNATURE, "changed after it was signed" },
    /* unsigned copies: refused as unsigned */
    { "unsigned.json", NULL, FALSE, NULL, BN_STRICT_ERROR_SIGNATURE, "is not signed" },
    { "planted-envelope.json", edit_embed_envelope, FALSE, NULL, BN_STRICT_ERROR_SIGNATURE, "is not signed" },
    /* a key not in the list */
    { "untrusted.json", NULL, TRUE, "trusted-keys=OTHER", BN_STRICT_ERROR_SIGNATURE, "not among the 1 trusted keys" },
    /* unsigned but allowed through: the validator's own checks refuse them */
    { "speed-10x-unsigned.json", edit_speed_10x, FALSE, "allow-unsigned=true", BN_STRICT_ERROR_INCONSISTENT,
      "is not the 7 samples over their" },
    { "negative.json", edit_negative, FALSE, "allow-unsigned=true", BN_STRICT_ERROR_INCOMPLETE, "tok/s" },
    { "inf.json", edit_inf, FALSE, "allow-unsigned=true", BN_STRICT_ERROR_INCONSISTENT,
      "prefill_ms is not a finite number" },
    { "tiny-bytes.json", edit_bytes, FALSE, "allow-unsigned=true", BN_STRICT_ERROR_INCONSISTENT, "below 1 KiB" },
    { "1999-unsigned.json", edit_1999, FALSE, "allow-unsigned=true", BN_STRICT_ERROR_INCONSISTENT, "before 2024" },
    { "headline.json", edit_headline, FALSE, "allow-unsigned=true max-tokens-per-second=1e9",
      BN_STRICT_ERROR_INCONSISTENT, "is not the median" },
    { "compute-path-42.json", edit_compute_path, FALSE, "allow-unsigned=true", BN_STRICT_ERROR_MOCK, "compute_path" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *path = forge (cases[i].name, cases[i].edit, cases[i].envelope);
    g_autofree char *extra = cases[i].extra && !strcmp (cases[i].extra, "trusted-keys=OTHER")
                                 ? g_strdup_printf ("trusted-keys=%s", other_public)
                                 : g_strdup (cases[i].extra);
    g_autofree char *desc =
        g_strdup_printf ("receipt-src location=%s ! strict-validator " STRICT " trusted-keys=%s %s ! fakesink", path,
                         extra && g_str_has_prefix (extra, "trusted-keys=") ? extra + 13 : public,
                         extra && !g_str_has_prefix (extra, "trusted-keys=") ? extra : "");
    g_autoptr (GError) e = NULL;
    run (desc, &e);
    expect (e, cases[i].code, cases[i].reason, cases[i].name);
  }
  /* a flipped signature byte */
  g_autofree char *path = forge ("bad-sig.json", NULL, TRUE);
  g_autofree char *envp = bn_receipt_envelope_path (path);
  g_autoptr (JsonNode) en = bn_test_json_load (envp);
  JsonObject *s0 =
      json_array_get_object_element (json_object_get_array_member (json_node_get_object (en), "signatures"), 0);
  gsize len = 0;
  g_autofree guint8 *sig = g_base64_decode (json_object_get_string_member (s0, "sig"), &len);
  sig[5] ^= 1;
  g_autofree char *sig64 = g_base64_encode (sig, len);
  json_object_set_string_member (s0, "sig", sig64);
  g_autofree char *text = json_to_string (en, FALSE);
  g_assert_true (g_file_set_contents (envp, text, -1, NULL));
  g_autoptr (GError) e = validate (path, NULL);
  expect (e, BN_STRICT_ERROR_SIGNATURE, "does not verify", "bad-sig");
}

/* the genuine receipt as if measured on another machine, re-signed by the
 * trusted key (@sign) or left unsigned; @bw_factor scales the bandwidth
 * that machine recorded */
static char *
foreign_receipt (const char *name, gboolean sign, double bw_factor)
{
  g_autoptr (JsonNode) n = bn_test_json_load (genuine);
  JsonObject *x = json_object_get_object_member (json_node_get_object (n), "gst_bitnet");
  JsonObject *m = json_object_get_object_member (x, "machine");
  json_object_set_string_member (m, "cpu_model", "Foreign CPU 9000");
  json_object_set_int_member (m, "cores", 64);
  JsonArray *runs = json_object_get_array_member (x, "runs");
  for (guint i = 0; i < json_array_get_length (runs); i++) {
    JsonObject *o = json_array_get_object_element (runs, i);
    json_object_set_double_member (o, bn_run_field_name (BN_RUN_FIELD_READ_BANDWIDTH_GB_PER_S),
                                   bw_factor * bn_run_object_get_double (o, BN_RUN_FIELD_READ_BANDWIDTH_GB_PER_S, NAN));
  }
  g_autofree char *path = in_tmp (name);
  g_autofree char *text = json_to_string (n, TRUE);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_autofree char *env_path = bn_receipt_envelope_path (path);
  g_remove (env_path);
  if (sign) {
    g_autoptr (GError) error = NULL;
    g_autoptr (BnSigningKey) key = bn_signing_key_load (secret, &error);
    g_assert_no_error (error);
    g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
    g_autoptr (JsonObject) env = bn_receipt_sign (key, json_node_get_object (n), name, digest);
    g_autoptr (JsonNode) en = json_node_init_object (json_node_alloc (), env);
    g_autofree char *env_text = json_to_string (en, TRUE);
    g_assert_true (g_file_set_contents (env_path, env_text, -1, NULL));
  }
  return g_steal_pointer (&path);
}

/* A receipt from another machine is judged against the bandwidth that
 * machine measured when a trusted key vouches for it, else refused. */
static void
test_foreign_machine (void)
{
  g_autofree char *ok = foreign_receipt ("foreign.json", TRUE, 1);
  g_autoptr (GError) e = validate (ok, NULL);
  g_assert_no_error (e);

  /* signed, with a bandwidth too low for its speed: its own figure judges it */
  g_autofree char *slow = foreign_receipt ("foreign-slow.json", TRUE, 1e-4);
  e = validate (slow, NULL);
  expect (e, BN_STRICT_ERROR_PLAUSIBILITY, "measured on \"Foreign CPU 9000\", 64 cores (signed)", "foreign-slow");
  g_clear_error (&e);

  /* unsigned, let through the signature gate: unverifiable */
  g_autofree char *unsigned_path = foreign_receipt ("foreign-unsigned.json", FALSE, 1);
  e = validate (unsigned_path, "allow-unsigned=true");
  expect (e, BN_STRICT_ERROR_PLAUSIBILITY, "Unverifiable performance", "foreign-unsigned");
  g_assert_nonnull (strstr (e->message, "and not signed by a trusted key"));
}

/* hand-typed files of the corpus in tests/elements/receipts/forgeries/ */
static void
test_corpus_files (void)
{
  if (bn_test_skip_if_emulated ())
    return;
  struct {
    const char *file;
    const char *extra;
    int code;
    const char *reason;
  } cases[] = {
    { "handtyped-1e300.json", NULL, BN_STRICT_ERROR_SIGNATURE, "is not signed" },
    { "handtyped-1e300.json", "allow-unsigned=true", BN_STRICT_ERROR_INCONSISTENT, "below 1 KiB" },
    { "mock-sed-real.json", NULL, BN_STRICT_ERROR_SIGNATURE, "is not signed" },
    { "mock-sed-real.json", "allow-unsigned=true", BN_STRICT_ERROR_PLAUSIBILITY, "200.0 tok/s" },
    { "headline-contradictions.json", "allow-unsigned=true", -1, "compute_path" },
    { "non-finite.json", "allow-unsigned=true", -1, "not a finite number" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *path =
        g_build_filename (g_getenv ("G_TEST_SRCDIR"), "elements", "receipts", "forgeries", cases[i].file, NULL);
    g_autoptr (GError) e = validate (path, cases[i].extra);
    if (!e || (cases[i].code >= 0 && !g_error_matches (e, BN_STRICT_ERROR, cases[i].code))
        || !strstr (e->message, cases[i].reason))
      g_error ("%s: expected an error naming «%s», got %s", cases[i].file, cases[i].reason, e ? e->message : "none");
  }
}

/* mock results never travel: refused by the analyzer, baseline-sink and
 * report-sink with no strict variable set */
static void
test_mock_never_travels (void)
{
  g_unsetenv ("BITNET_STRICT_MODE");
  g_autofree char *bl = in_tmp ("baselines.json"), *dir = in_tmp ("report"), *empty = in_tmp ("empty-baselines.json");
  g_assert_true (g_file_set_contents (empty, "{\"version\": \"1.0.0\", \"baselines\": {}}", -1, NULL));
  const char *sinks[] = { "regression-analyzer baselines=%s", "baseline-sink location=%s",
                          "report-sink dir=%s benchmark-name=mock" };
  for (guint i = 0; i < G_N_ELEMENTS (sinks); i++) {
    g_autofree char *sink = g_strdup_printf (sinks[i], i == 0 ? empty : i == 1 ? bl : dir);
    g_autofree char *desc = g_strdup_printf ("loader fixture=tiny ! mock-executor tokens=4 iterations=1 ! %s", sink);
    g_autoptr (GError) e = NULL;
    g_assert_false (run (desc, &e));
    if (!g_error_matches (e, BN_STRICT_ERROR, BN_STRICT_ERROR_MOCK))
      g_error ("%s: expected a mock refusal, got %s", sink, e ? e->message : "none");
  }
  g_assert_false (g_file_test (bl, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bn_init (&argc, &argv);
  tmpdir = g_dir_make_tmp ("bn-signing-XXXXXX", NULL);
  g_test_add_func ("/signing/keys", test_keys);
  g_test_add_func ("/signing/genuine-passes", test_genuine_passes);
  g_test_add_func ("/signing/forgeries-refused", test_forgeries);
  g_test_add_func ("/signing/foreign-machine", test_foreign_machine);
  g_test_add_func ("/signing/corpus-files", test_corpus_files);
  g_test_add_func ("/signing/mock-never-travels", test_mock_never_travels);
  int rc = g_test_run ();
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
  (void) !system (cmd);
  return rc;
}
