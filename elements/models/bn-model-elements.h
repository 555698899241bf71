/* gst-bitnet: the elements of the models plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst-bitnet/bn.h>
#include <gst-bitnet/model/model.h>
#include <gst-bitnet/bench/bench.h>

G_BEGIN_DECLS

#define BN_TYPE_LOADER (bn_loader_get_type ())
G_DECLARE_FINAL_TYPE (BnLoader, bn_loader, BN, LOADER, BnElement)

#define BN_TYPE_FIXTURE_SRC (bn_fixture_src_get_type ())
G_DECLARE_FINAL_TYPE (BnFixtureSrc, bn_fixture_src, BN, FIXTURE_SRC, BnElement)

#define BN_TYPE_MODEL_SINK (bn_model_sink_get_type ())
G_DECLARE_FINAL_TYPE (BnModelSink, bn_model_sink, BN, MODEL_SINK, BnElement)

void bn_post_model_info (BnElement *element, BnModel *model);
gboolean bn_model_elements_write (BnElement *element, BnModel *model, const char *location);

G_END_DECLS
