/* libFuzzer target for run records and signature envelopes.
 *
 * Each input is JSON that claims to be a `bench/run` record (as receipt-src
 * hands the validators) or a DSSE envelope. The bounded parser, the type
 * and consistency checks, every typed getter of the run-record API and the
 * envelope and run verification must refuse bad input with an error and
 * never crash, hang or leak.
 */
#include <gst-bitnet/bn.h>
#include <gst-bitnet/bench/bench.h>
#include <gst-bitnet/bench/bn-baselines-private.h>
#include <gst-bitnet/bench/bn-json-private.h>
#include <gst-bitnet/bench/bn-signing-private.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerInitialize (int *argc, char **argv[]);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static BnKeyring *ring;

int
LLVMFuzzerInitialize (int *argc, char **argv[])
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL);
  bn_init (argc, argv);
  /* a key of our own, so that envelopes are opened for real */
  g_autofree char *dir = g_dir_make_tmp ("bn-fuzz-keys-XXXXXX", NULL);
  g_autofree char *secret = NULL, *pub = NULL;
  g_autoptr (GError) error = NULL;
  if (!bn_signing_key_generate (dir, "fuzz", &secret, &pub, &error))
    g_error ("%s", error->message);
  const char *keys[] = { pub, NULL };
  ring = bn_keyring_load (keys, &error);
  if (!ring)
    g_error ("%s", error->message);
  g_unlink (secret);
  g_unlink (pub);
  g_rmdir (dir);
  return 0;
}

/* every field through the getter of its type (each getter returns its
 * fallback for a member of another JSON type: the input's problem) */
static void
read_every_field (BnRecord *run)
{
  for (guint f = 0; f < BN_RUN_N_FIELDS; f++) {
    GType t = bn_run_field_type (f);
    (void) bn_run_record_has (run, f);
    if (t == G_TYPE_INT64)
      (void) bn_run_record_get_int (run, f, 0);
    else if (t == G_TYPE_DOUBLE)
      (void) bn_run_record_get_double (run, f, 0);
    else if (t == G_TYPE_BOOLEAN)
      (void) bn_run_record_get_boolean (run, f, FALSE);
    else if (t == G_TYPE_STRING)
      (void) bn_run_record_get_string (run, f);
    else if (t == JSON_TYPE_ARRAY)
      (void) bn_run_record_get_array (run, f);
    else
      (void) bn_run_record_get_object (run, f);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size > 1 << 16)
    return 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = bn_json_parse_bounded ((const char *) data, size, "fuzz input", &error);
  if (!root) {
    g_assert_nonnull (error);
    return 0;
  }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return 0;
  JsonObject *o = json_node_get_object (root);

  /* as an envelope */
  g_autofree char *signer = NULL;
  g_autoptr (GError) env_error = NULL;
  g_autoptr (JsonObject) statement = bn_envelope_open (o, ring, &signer, &env_error);
  g_assert_true (statement || env_error);

  /* as a run record */
  g_autoptr (BnRecord) run = bn_record_new (BN_RUN_MEDIA_TYPE, json_object_ref (o));
  g_autoptr (GError) type_error = NULL;
  gboolean typed = bn_run_check_types (run, &type_error);
  g_assert_true (typed || type_error);
  read_every_field (run);
  if (!typed)
    return 0;
  g_free (bn_run_inconsistency (o));
  g_autoptr (GError) real_error = NULL;
  g_assert_true (bn_run_check_real (run, 0, &real_error) || real_error);
  g_autoptr (GError) strict_error = NULL;
  g_assert_true (bn_run_check_strict (run, 0, &strict_error) || strict_error);
  g_autoptr (GError) verify_error = NULL;
  g_autofree char *who = NULL;
  g_assert_true (bn_receipt_run_verify (o, ring, &who, &verify_error) || verify_error);
  return 0;
}
