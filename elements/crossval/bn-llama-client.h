/* gst-bitnet: the element's side of bn-llama-worker
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst-bitnet/bn.h>

#include "bn-llama-protocol.h"

G_BEGIN_DECLS

/* The npm package whose build `make crossval-deps` fetches. */
#define BN_LLAMA_CPP_PIN "3.22.1"

typedef struct _BnLlamaClient BnLlamaClient;

char *bn_llama_worker_path (void);
BnLlamaClient *bn_llama_client_new (const char *library, GCancellable *cancellable, GError **error);
const char *bn_llama_client_get (BnLlamaClient *self, const char *key);
GBytes *bn_llama_client_call (BnLlamaClient *self, BnLlamaOp op, const void *payload, gsize len, GError **error);
void bn_llama_client_free (BnLlamaClient *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BnLlamaClient, bn_llama_client_free)

G_END_DECLS
