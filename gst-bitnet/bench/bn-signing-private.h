/* gst-bitnet: signed receipts (Ed25519 keys, DSSE envelopes, in-toto statements)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst-bitnet/bench/bench.h>

G_BEGIN_DECLS

/* Errors of keys and envelopes; codes only ever appended. */
#define BN_SIGNING_ERROR (bn_signing_error_quark ())
typedef enum {
  BN_SIGNING_ERROR_KEY,           /* unreadable or malformed key file */
  BN_SIGNING_ERROR_PERMISSIONS,   /* secret key readable by others, not ours, not a plain file */
  BN_SIGNING_ERROR_UNSIGNED,      /* no envelope */
  BN_SIGNING_ERROR_UNTRUSTED,     /* signed by no key of the trusted list */
  BN_SIGNING_ERROR_BAD_SIGNATURE, /* a trusted key's signature does not verify */
  BN_SIGNING_ERROR_MISMATCH,      /* the run or file differs from what was signed */
  BN_SIGNING_ERROR_MALFORMED,     /* an envelope or statement of the wrong shape */
} BnSigningError;

BN_BENCH_API GQuark bn_signing_error_quark (void);

typedef struct _BnSigningKey BnSigningKey;
BN_BENCH_API gboolean bn_signing_key_generate (const char *dir, const char *name, char **secret_path,
                                               char **public_path, GError **error);
BN_BENCH_API BnSigningKey *bn_signing_key_load (const char *path, GError **error);
BN_BENCH_API void bn_signing_key_free (BnSigningKey *key);
BN_BENCH_API char *bn_signing_key_describe (BnSigningKey *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BnSigningKey, bn_signing_key_free)

typedef struct _BnKeyring BnKeyring;
BN_BENCH_API BnKeyring *bn_keyring_load (const char *const *paths, GError **error);
BN_BENCH_API BnKeyring *bn_keyring_from_env (GError **error);
BN_BENCH_API void bn_keyring_free (BnKeyring *ring);
BN_BENCH_API guint bn_keyring_get_n_keys (BnKeyring *ring);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BnKeyring, bn_keyring_free)

/* Members receipt-src adds to each run of a receipt file */
#define BN_RUN_SOURCE "source"
#define BN_RUN_ENVELOPE "envelope"
#define BN_RUN_RECEIPT_SHA256 "receipt_sha256"
#define BN_RUN_RECEIPT_INDEX "receipt_run_index"
#define BN_RUN_CLAIMED_TPS "claimed_tokens_per_second"
#define BN_RUN_RECEIPT_TIMESTAMP "receipt_timestamp"
#define BN_RUN_RECEIPT_MACHINE "receipt_machine"
/* Members baselines-src adds to each run of a baselines file (receipt-src
 * removes them from receipt runs: a file cannot choose how it is filed) */
#define BN_RUN_BASELINE_IMPLEMENTATION "baseline_implementation"
#define BN_RUN_BASELINE_ONE_SAMPLE "baseline_one_sample"

BN_BENCH_API char *bn_receipt_envelope_path (const char *receipt_path);
BN_BENCH_API JsonObject *bn_receipt_sign (BnSigningKey *key, JsonObject *receipt, const char *receipt_name,
                                          const char *receipt_sha256);
BN_BENCH_API JsonObject *bn_envelope_open (JsonObject *envelope, BnKeyring *ring, char **signer, GError **error);
BN_BENCH_API gboolean bn_receipt_run_verify (JsonObject *run, BnKeyring *ring, char **signer, GError **error);

/* a run checked by the validator itself (bn-run-check.c): what is wrong, or NULL */
BN_BENCH_API char *bn_run_inconsistency (JsonObject *run);

G_END_DECLS
