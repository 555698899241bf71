/* gst-bitnet: model internals shared between the model library's files
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst-bitnet/model/model.h>

G_BEGIN_DECLS

/* the fingerprint pass (bn-model-fingerprint.c): every metadata value and
 * tensor byte hashed, float tensors scanned for NaN and infinity */
char *_bn_model_compute_fingerprint (BnModel *model, const char *cache_path, GError **error);

G_END_DECLS
