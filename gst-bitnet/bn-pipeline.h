/* gst-bitnet: the top-level bin that runs a graph
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_INSIDE) && !defined(BN_COMPILATION)
#error "Only <gst-bitnet/bn.h> can be included directly."
#endif

#include <gst-bitnet/bn-bin.h>

G_BEGIN_DECLS

#define BN_TYPE_PIPELINE (bn_pipeline_get_type ())
BN_API
G_DECLARE_FINAL_TYPE (BnPipeline, bn_pipeline, BN, PIPELINE, BnBin)

BN_API BnElement *bn_pipeline_new (const char *name);
BN_API BnBus *bn_pipeline_get_bus (BnPipeline *pipeline);
BN_API GCancellable *bn_pipeline_get_cancellable (BnPipeline *pipeline);
BN_API gboolean bn_pipeline_check (BnPipeline *pipeline, GError **error);
BN_API gboolean bn_pipeline_start (BnPipeline *pipeline, GError **error);
BN_API void bn_pipeline_cancel (BnPipeline *pipeline);
BN_API void bn_pipeline_wait (BnPipeline *pipeline);
BN_API void bn_pipeline_stop (BnPipeline *pipeline);
BN_API gboolean bn_pipeline_run (BnPipeline *pipeline, GError **error);
BN_API gboolean bn_pipeline_is_running (BnPipeline *pipeline);
BN_API GError *bn_pipeline_dup_error (BnPipeline *pipeline);

G_END_DECLS
