/* gst-bitnet: replay of a run record against the model file
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst-bitnet/bn.h>
#include <gst-bitnet/model/model.h>
#include <gst-bitnet/bench/bench.h>

G_BEGIN_DECLS

typedef struct _BnReplayer BnReplayer;

BnReplayer *bn_replayer_new (const char *model_path);
void bn_replayer_free (BnReplayer *r);
gboolean bn_replayer_bytes_per_token (BnReplayer *r, const char *format, double *bytes, GError **error);
gboolean bn_replayer_check (BnReplayer *r, BnRecord *run, guint n_steps, GRand *rand, char **summary, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BnReplayer, bn_replayer_free)

G_END_DECLS
