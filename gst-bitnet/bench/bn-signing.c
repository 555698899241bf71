/* gst-bitnet: signed receipts (Ed25519 keys, DSSE envelopes, in-toto statements)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-json-private.h"

#include "bn-signing-private.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A receipt is signed as a DSSE envelope (payloadType, base64 payload,
 * signatures [{keyid, sig}]) whose payload is an in-toto Statement v1: its
 * subject is the receipt file (name, sha256 of its bytes) and its predicate
 * holds the receipt itself, the model fingerprint, the build, the machine
 * and the signing time. The signature is Ed25519 (libsodium) over DSSE's
 * pre-authentication encoding. See docs/receipts.md for the threat model. */

#define PAYLOAD_TYPE "application/vnd.in-toto+json"
#define STATEMENT_TYPE "https://in-toto.io/Statement/v1"
#define PREDICATE_TYPE "https://gst-bitnet.org/receipt/v1"

/* the quark name is stringized: clang-format must not space it */
/* clang-format off */
G_DEFINE_QUARK (bn-signing-error-quark, bn_signing_error)
/* clang-format on */

struct _BnSigningKey {
  char *keyid;
  guint8 sk[crypto_sign_SECRETKEYBYTES];
  guint8 pk[crypto_sign_PUBLICKEYBYTES];
};

typedef struct {
  char *keyid;
  char *path;
  guint8 pk[crypto_sign_PUBLICKEYBYTES];
} TrustedKey;

struct _BnKeyring {
  GPtrArray *keys; /* TrustedKey* */
};

static gboolean
init_sodium (GError **error)
{
  if (sodium_init () < 0) {
    g_set_error (error, BN_SIGNING_ERROR, BN_SIGNING_ERROR_KEY, _("libsodium could not be initialised"));
    return FALSE;
  }
  return TRUE;
}

static gboolean
valid_name (const char *name)
{
  if (!name || !*name || strlen (name) > 64)
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return name[0] != '.';
}

/* "NAME (ed25519 1a2b3c4d5e6f7a8b)": a key's name and the start of the hash of its public key */
static char *
describe (const char *keyid, const guint8 *pk)
{
  guint8 h[8];
  char hex[17];
  crypto_generichash (h, sizeof h, pk, crypto_sign_PUBLICKEYBYTES, NULL, 0);
  sodium_bin2hex (hex, sizeof hex, h, sizeof h);
  return g_strdup_printf ("%s (ed25519 %s)", keyid, hex);
}

static gboolean
write_key_file (const char *path, JsonObject *o, int mode, GError **error)
{
  g_autoptr (JsonNode) n = json_node_init_object (json_node_alloc (), o);
  g_autofree char *text = json_to_string (n, TRUE);
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    int e = errno;
    g_set_error (error, BN_SIGNING_ERROR, BN_SIGNING_ERROR_KEY, _("Cannot create key file %s: %s%s"), path,
                 g_strerror (e), e == EEXIST ? _(" (a key is never overwritten: remove it first)") : "");
    return FALSE;
  }
  gsize len = strlen (text);
  gboolean ok = write (fd, text, len) == (gssize) len && write (fd, "\n", 1) == 1 && fsync (fd) == 0;
  ok &= close (fd) == 0;
  if (!ok)
    g_set_error (error, BN_SIGNING_ERROR, BN_SIGNING_ERROR_KEY, _("Cannot write key file %s"), path);
  return ok;
}

/*
 * bn_signing_key_generate:
 *
 * Makes an Ed25519 key pair named @name in @dir: `NAME.key` (secret, mode
 * 0600, never overwritten) and `NAME.pub` (public, for trusted-key lists).
 */
gboolean
bn_signing_key_generate (const char *dir, const char *name, char **secret_path, char **public_path, GError **error)
{
  if (!init_sodium (error))
    return FALSE;
  if (!valid_name (name)) {
    g_set_error (
        error, BN_SIGNING_ERROR, BN_SIGNING_ERROR_KEY,
        _("Key name \"%s\" is not valid: use 1 to 64 letters, digits, '-', '_' or '.', not starting with '.'"),
        name ? name : "");
    return FALSE;
  }
  if (g_mkdir_with_parents (dir, 0700) != 0) {
    g_set_error (error, BN_SIGNING_ERROR, BN_SIGNING_ERROR_KEY, _("Cannot create key directory %s: %s"), dir,
                 g_strerror (errno));
    return FALSE;
  }
  guint8 pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair (pk, sk);
  g_autofree char *base = g_strconcat (name, ".key", NULL), *pbase = g_strconcat (name, ".pub", NULL);
  g_autofree char *spath = g_build_filename (dir, base, NULL), *ppath = g_build_filename (dir, pbase, NULL);
  g_autofree char *skb = g_base64_encode (sk, sizeof sk), *pkb = g_base64_encode (pk, sizeof pk);
  sodium_memzero (sk, sizeof sk);
  g_autoptr (JsonObject) so = json_object_new (), po = json_object_new ();
  json_object_set_string_member (so, "keyid", name);
  json_object_set_string_member (so, "algorithm", "ed25519");
  json_object_set_string_member (so, "secret_key", skb);
  json_object_set_string_member (po, "keyid", name);
  json_object_set_string_member (po, "algorithm", "ed25519");
  json_object_set_string_member (po, "public_key", pkb);
  gboolean ok = write_key_file (spath, so, 0600, error) && write_key_file (ppath, po, 0644, error);
  sodium_memzero (skb, strlen (skb));
  if (ok && secret_path)
    *secret_path = g_steal_pointer (&spath);
  if (ok && public_path)
    *public_path = g_steal_pointer (&ppath);
  return ok;
}

/* reads a key file's keyid and the base64 member @member of @len bytes */
static gboolean
read_key (const char *path, const char *member, guint8 *out, gsize len, char **keyid, GError **error)
{
  g_autoptr (GError) e = NULL;
  /* bounded, and never blocking on a FIFO given as a key */
  g_autoptr (JsonNode) root = bn_json_load_file (path, _("key file"), &e);
  if (!root) {
    g_set_error (error, BN_SIGNING_ERROR, BN_SIGNING_ERROR_KEY, _("Cannot read key file %s: %s"), path, e->message);
    return FALSE;
  }
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  const char *id = o ? bn_json_string_or (o, "keyid", NULL) : NULL;
  const char *alg = o ? bn_json_string_or (o, "algorithm", NULL) : NULL;
  const char *b64 = o ? bn_json_string_or (o, member, NULL) : NULL;
  gsize n = 0;
  g_autofree guint8 *raw = b64 ? g_base64_decode (b64, &n) : NULL;
  if (!valid_name (id) || g_strcmp0 (alg, "ed25519") || n != len) {
    if (raw)
      sodium_memzero (raw, n);
    g_set_error (error, BN_SIGNING_ERROR, BN_SIGNING_ERROR_KEY,
                 _("Key file %s is not an ed25519 key with \"keyid\" and \"%s\" (make one with bn-key generate)"),
                 path, member);
    return FALSE;
  }
  memcpy (out, raw, len);
  sodium_memzero (raw, n);
  *keyid = g_strdup (id);
  return TRUE;
}

/*
 * bn_signing_key_load:
 *
 * Loads a secret key, refusing a file that is not a plain file owned by the
 * current user, or that its group or others may read or write.
 */
BnSigningKey *
bn_signing_key_load (const char *path, GError **error)
{
  if (!init_sodium (error))
    return NULL;
  GStatBuf sb;
  if (g_lstat (path, &sb) != 0) {
    g_set_error (error, BN_SIGNING_ERROR, BN_SIGNING_ERROR_KEY, _("Cannot read key file %s: %s"), path,
                 g_strerror (errno));
    return NULL;
  }
  if (!S_ISREG (sb.st_mode) || sb.st_uid != getuid () || (sb.st_mode & 077)) {
    g_set_error (error, BN_SIGNING_ERROR, BN_SIGNING_ERROR_PERMISSIONS,
                 _("Secret key %s is refused: it must be a plain file (not a link) owned by you and readable by "
                    "you only (mode %04o; run chmod 600 %s)"),
                 path, (guint) (sb.st_mode & 07777), path);
    return NULL;
  }
  BnSigningKey *key = sodium_malloc (sizeof *key);
  key->keyid = NULL;
  if (!read_key (path, "secret_key", key->sk, sizeof key->sk, &key->keyid, error)) {
    bn_signing_key_free (key);
    return NULL;
  }
  crypto_sign_ed25519_sk_to_pk (key->pk, key->sk);
  return key;
}

/*
 * bn_signing_key_free:
 */
void
bn_signing_key_free (BnSigningKey *key)
{
  if (!key)
    return;
  g_free (key->keyid);
  sodium_free (key);
}

/*
 * bn_signing_key_describe:
 */
char *
bn_signing_key_describe (BnSigningKey *key)
{
  return describe (key->keyid, key->pk);
}

static void
trusted_key_free (gpointer data)
{
  TrustedKey *k = data;
  g_free (k->keyid);
  g_free (k->path);
  g_free (k);
}

/*
 * bn_keyring_load:
 *
 * Loads public keys (`NAME.pub` files made by bn-key) as a trusted list.
 */
BnKeyring *
bn_keyring_load (const char *const *paths, GError **error)
{
  if (!init_sodium (error))
    return NULL;
  BnKeyring *ring = g_new0 (BnKeyring, 1);
  ring->keys = g_ptr_array_new_with_free_func (trusted_key_free);
  for (guint i = 0; paths && paths[i]; i++) {
    if (!*paths[i])
      continue;
    TrustedKey *k = g_new0 (TrustedKey, 1);
    k->path = g_strdup (paths[i]);
    if (!read_key (paths[i], "public_key", k->pk, sizeof k->pk, &k->keyid, error)) {
      trusted_key_free (k);
      bn_keyring_free (ring);
      return NULL;
    }
    g_ptr_array_add (ring->keys, k);
  }
  return ring;
}

/*
 * bn_keyring_from_env:
 *
 * The trusted keys listed in `BITNET_TRUSTED_KEYS` (paths separated by ':').
 */
BnKeyring *
bn_keyring_from_env (GError **error)
{
  const char *v = g_getenv ("BITNET_TRUSTED_KEYS");
  g_auto (GStrv) paths = g_strsplit (v ? v : "", G_SEARCHPATH_SEPARATOR_S, -1);
  return bn_keyring_load ((const char *const *) paths, error);
}

/*
 * bn_keyring_free:
 */
void
bn_keyring_free (BnKeyring *ring)
{
  if (!ring)
    return;
  g_ptr_array_unref (ring->keys);
  g_free (ring);
}

/*
 * bn_keyring_get_n_keys:
 */
guint
bn_keyring_get_n_keys (BnKeyring *ring)
{
  return ring ? ring->keys->len : 0;
}

/*
 * bn_receipt_envelope_path:
 *
 * Where the envelope of a receipt lives: `X.json` -> `X.dsse.json`.
 */
char *
bn_receipt_envelope_path (const char *receipt_path)
{
  if (g_str_has_suffix (receipt_path, ".json"))
    return g_strdup_printf ("%.*s.dsse.json", (int) (strlen (receipt_path) - 5), receipt_path);
  return g_strconcat (receipt_path, ".dsse.json", NULL);
}

/* DSSE's pre-authentication encoding */
static GBytes *
pae (const char *type, const guint8 *body, gsize len)
{
  GByteArray *a = g_byte_array_new ();
  g_autofree char *head = g_strdup_printf ("DSSEv1 %zu %s %zu ", strlen (type), type, len);
  g_byte_array_append (a, (const guint8 *) head, strlen (head));
  g_byte_array_append (a, body, len);
  return g_byte_array_free_to_bytes (a);
}

static JsonNode *
member_copy (JsonObject *o, const char *m)
{
  JsonNode *n = o ? json_object_get_member (o, m) : NULL;
  return n ? json_node_copy (n) : json_node_new (JSON_NODE_NULL);
}

/*
 * bn_receipt_sign:
 *
 * Signs @receipt, written as @receipt_name whose bytes hash to
 * @receipt_sha256, with @key: a DSSE envelope of an in-toto statement.
 */
JsonObject *
bn_receipt_sign (BnSigningKey *key, JsonObject *receipt, const char *receipt_name, const char *receipt_sha256)
{
  JsonObject *x =
      json_object_has_member (receipt, "gst_bitnet") ? json_object_get_object_member (receipt, "gst_bitnet") : NULL;
  JsonObject *model = x && json_object_has_member (x, "model") ? json_object_get_object_member (x, "model") : NULL;
  g_autoptr (JsonObject) machine = bn_machine_info ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  g_autoptr (JsonObject) st = json_object_new ();
  json_object_set_string_member (st, "_type", STATEMENT_TYPE);
  JsonArray *subjects = json_array_new ();
  JsonObject *subject = json_object_new ();
  json_object_set_string_member (subject, "name", receipt_name);
  JsonObject *digest = json_object_new ();
  json_object_set_string_member (digest, "sha256", receipt_sha256);
  json_object_set_object_member (subject, "digest", digest);
  json_array_add_object_element (subjects, subject);
  json_object_set_array_member (st, "subject", subjects);
  json_object_set_string_member (st, "predicateType", PREDICATE_TYPE);
  JsonObject *pred = json_object_new ();
  json_object_set_member (pred, "model_fingerprint", member_copy (model, "fingerprint"));
  JsonObject *build = json_object_new ();
  json_object_set_member (build, "commit", member_copy (machine, "build_commit"));
  json_object_set_member (build, "compiler", member_copy (machine, "compiler"));
  json_object_set_member (build, "build_type", member_copy (machine, "build_type"));
  json_object_set_member (build, "version", member_copy (machine, "version"));
  json_object_set_object_member (pred, "build", build);
  json_object_set_object_member (pred, "machine", json_object_ref (machine));
  g_autofree char *ts = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  json_object_set_string_member (pred, "signed_at", ts);
  json_object_set_object_member (pred, "receipt", json_object_ref (receipt));
  json_object_set_object_member (st, "predicate", pred);

  g_autoptr (JsonNode) sn = json_node_init_object (json_node_alloc (), st);
  g_autofree char *payload = json_to_string (sn, FALSE);
  g_autoptr (GBytes) msg = pae (PAYLOAD_TYPE, (const guint8 *) payload, strlen (payload));
  guint8 sig[crypto_sign_BYTES];
  gsize mlen = 0;
  const guint8 *m = g_bytes_get_data (msg, &mlen);
  crypto_sign_detached (sig, NULL, m, mlen, key->sk);

  JsonObject *env = json_object_new ();
  json_object_set_string_member (env, "payloadType", PAYLOAD_TYPE);
  g_autofree char *payload64 = g_base64_encode ((const guint8 *) payload, strlen (payload));
  json_object_set_string_member (env, "payload", payload64);
  JsonArray *sigs = json_array_new ();
  JsonObject *s = json_object_new ();
  json_object_set_string_member (s, "keyid", key->keyid);
  g_autofree char *sig64 = g_base64_encode (sig, sizeof sig);
  json_object_set_string_member (s, "sig", sig64);
  json_array_add_object_element (sigs, s);
  json_object_set_array_member (env, "signatures", sigs);
  return env;
}

static gboolean
malformed (GError **error, const char *what)
{
  g_set_error (error, BN_SIGNING_ERROR, BN_SIGNING_ERROR_MALFORMED, _("The receipt's envelope is malformed: %s"),
               what);
  return FALSE;
}

/*
 * bn_envelope_open:
 *
 * Verifies a DSSE envelope against the trusted keys of @ring and gives back
 * its in-toto statement; @signer names the key that signed.
 */
JsonObject *
bn_envelope_open (JsonObject *envelope, BnKeyring *ring, char **signer, GError **error)
{
  if (!init_sodium (error))
    return NULL;
  const char *type = bn_json_string_or (envelope, "payloadType", NULL);
  const char *payload64 = bn_json_string_or (envelope, "payload", NULL);
  JsonNode *sn = json_object_get_member (envelope, "signatures");
  if (g_strcmp0 (type, PAYLOAD_TYPE) || !payload64 || !sn || !JSON_NODE_HOLDS_ARRAY (sn)) {
    malformed (error, _("it needs payloadType \"" PAYLOAD_TYPE "\", a payload and signatures"));
    return NULL;
  }
  gsize plen = 0;
  g_autofree guint8 *payload = g_base64_decode (payload64, &plen);
  g_autoptr (GBytes) msg = pae (type, payload, plen);
  gsize mlen = 0;
  const guint8 *m = g_bytes_get_data (msg, &mlen);
  JsonArray *sigs = json_node_get_array (sn);
  const char *bad = NULL, *unknown = NULL;
  const TrustedKey *good = NULL;
  for (guint i = 0; i < json_array_get_length (sigs) && !good; i++) {
    JsonNode *en = json_array_get_element (sigs, i);
    JsonObject *e = JSON_NODE_HOLDS_OBJECT (en) ? json_node_get_object (en) : NULL;
    const char *keyid = e ? bn_json_string_or (e, "keyid", NULL) : NULL;
    const char *sig64 = e ? bn_json_string_or (e, "sig", NULL) : NULL;
    gsize slen = 0;
    g_autofree guint8 *sig = sig64 ? g_base64_decode (sig64, &slen) : NULL;
    gboolean known = FALSE;
    for (guint k = 0; ring && k < ring->keys->len && !good && keyid; k++) {
      const TrustedKey *tk = ring->keys->pdata[k];
      if (strcmp (tk->keyid, keyid))
        continue;
      known = TRUE;
      if (slen == crypto_sign_BYTES && crypto_sign_verify_detached (sig, m, mlen, tk->pk) == 0)
        good = tk;
    }
    if (!good && known)
      bad = keyid;
    else if (!good && !unknown)
      unknown = keyid ? keyid : "(no keyid)";
  }
  if (!good && bad) {
    g_set_error (
        error, BN_SIGNING_ERROR, BN_SIGNING_ERROR_BAD_SIGNATURE,
        _("the signature of trusted key %s does not verify: the envelope was changed after signing, or another key of that name signed it"),
        bad);
    return NULL;
  }
  if (!good) {
    g_set_error (
        error, BN_SIGNING_ERROR, BN_SIGNING_ERROR_UNTRUSTED,
        _("signed by key \"%s\", which is not among the %u trusted keys (BITNET_TRUSTED_KEYS or trusted-keys=)"),
        unknown ? unknown : "(none)", bn_keyring_get_n_keys (ring));
    return NULL;
  }
  g_autoptr (JsonParser) p = json_parser_new ();
  if (!json_parser_load_from_data (p, (const char *) payload, (gssize) plen, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p))) {
    malformed (error, _("the signed payload is not a JSON object"));
    return NULL;
  }
  JsonObject *st = json_node_get_object (json_parser_get_root (p));
  JsonNode *pn = json_object_get_member (st, "predicate");
  if (g_strcmp0 (bn_json_string_or (st, "_type", NULL), STATEMENT_TYPE)
      || g_strcmp0 (bn_json_string_or (st, "predicateType", NULL), PREDICATE_TYPE) || !pn
      || !JSON_NODE_HOLDS_OBJECT (pn)) {
    malformed (error, _("the signed statement is not a gst-bitnet receipt statement"));
    return NULL;
  }
  if (signer)
    *signer = describe (good->keyid, good->pk);
  return json_object_ref (st);
}

static const char *const added_members[] = { BN_RUN_SOURCE,          BN_RUN_ENVELOPE,
                                             BN_RUN_RECEIPT_SHA256,  BN_RUN_RECEIPT_INDEX,
                                             BN_RUN_CLAIMED_TPS,     BN_RUN_RECEIPT_TIMESTAMP,
                                             BN_RUN_RECEIPT_MACHINE, NULL };

/* the first member of @a and @b (objects) whose values differ, or NULL */
static const char *
first_difference (JsonObject *a, JsonObject *b)
{
  g_autoptr (GList) ma = json_object_get_members (a);
  for (GList *l = ma; l; l = l->next) {
    JsonNode *nb = json_object_get_member (b, l->data);
    if (!nb || !json_node_equal (json_object_get_member (a, l->data), nb))
      return l->data;
  }
  g_autoptr (GList) mb = json_object_get_members (b);
  for (GList *l = mb; l; l = l->next)
    if (!json_object_has_member (a, l->data))
      return l->data;
  return NULL;
}

/*
 * bn_receipt_run_verify:
 *
 * Checks that @run (a run read by receipt-src) is exactly a run of a receipt
 * signed by a key of @ring, in a file unchanged since signing, with the
 * signed headline.
 */
gboolean
bn_receipt_run_verify (JsonObject *run, BnKeyring *ring, char **signer, GError **error)
{
  JsonNode *en = json_object_get_member (run, BN_RUN_ENVELOPE);
  if (!en || !JSON_NODE_HOLDS_OBJECT (en)) {
    g_set_error (error, BN_SIGNING_ERROR, BN_SIGNING_ERROR_UNSIGNED,
                 _("the receipt is not signed (no envelope %s beside it)"),
                 bn_json_string_or (run, BN_RUN_SOURCE, "?"));
    return FALSE;
  }
  g_autofree char *who = NULL;
  g_autoptr (JsonObject) st = bn_envelope_open (json_node_get_object (en), ring, &who, error);
  if (!st)
    return FALSE;
  /* the file read is the file signed */
  JsonNode *subj = json_object_get_member (st, "subject");
  JsonArray *sa = subj && JSON_NODE_HOLDS_ARRAY (subj) ? json_node_get_array (subj) : NULL;
  JsonNode *s0 = sa && json_array_get_length (sa) == 1 ? json_array_get_element (sa, 0) : NULL;
  JsonObject *so = s0 && JSON_NODE_HOLDS_OBJECT (s0) ? json_node_get_object (s0) : NULL;
  JsonNode *dn = so ? json_object_get_member (so, "digest") : NULL;
  const char *digest =
      dn && JSON_NODE_HOLDS_OBJECT (dn) ? bn_json_string_or (json_node_get_object (dn), "sha256", NULL) : NULL;
  const char *read = bn_json_string_or (run, BN_RUN_RECEIPT_SHA256, NULL);
  if (!digest || g_strcmp0 (digest, read)) {
    g_set_error (error, BN_SIGNING_ERROR, BN_SIGNING_ERROR_MISMATCH,
                 _("the receipt file was changed after it was signed by %s (sha256 %s, signed %s)"), who,
                 read ? read : "?", digest ? digest : "?");
    return FALSE;
  }
  /* the run is the signed run, member for member */
  JsonObject *pred = json_object_get_object_member (st, "predicate");
  JsonNode *rn = json_object_get_member (pred, "receipt");
  JsonObject *r = rn && JSON_NODE_HOLDS_OBJECT (rn) ? json_node_get_object (rn) : NULL;
  JsonNode *xn = r ? json_object_get_member (r, "gst_bitnet") : NULL;
  JsonObject *x = xn && JSON_NODE_HOLDS_OBJECT (xn) ? json_node_get_object (xn) : NULL;
  JsonNode *runs_n = x ? json_object_get_member (x, "runs") : NULL;
  JsonArray *runs = runs_n && JSON_NODE_HOLDS_ARRAY (runs_n) ? json_node_get_array (runs_n) : NULL;
  gint64 idx = bn_json_int_or (run, BN_RUN_RECEIPT_INDEX, -1);
  if (!runs || idx < 0 || idx >= json_array_get_length (runs)
      || !JSON_NODE_HOLDS_OBJECT (json_array_get_element (runs, idx))) {
    g_set_error (error, BN_SIGNING_ERROR, BN_SIGNING_ERROR_MISMATCH,
                 _("run %" PRId64 " is not among the runs signed by %s"), idx, who);
    return FALSE;
  }
  g_autoptr (JsonObject) mine = json_object_new ();
  g_autoptr (GList) members = json_object_get_members (run);
  for (GList *l = members; l; l = l->next)
    if (!g_strv_contains (added_members, l->data))
      json_object_set_member (mine, l->data, json_node_copy (json_object_get_member (run, l->data)));
  const char *diff = first_difference (mine, json_node_get_object (json_array_get_element (runs, idx)));
  if (diff) {
    g_set_error (error, BN_SIGNING_ERROR, BN_SIGNING_ERROR_MISMATCH,
                 _("run %" PRId64 " differs from the run signed by %s in field \"%s\""), idx, who, diff);
    return FALSE;
  }
  if (signer)
    *signer = g_steal_pointer (&who);
  return TRUE;
}
