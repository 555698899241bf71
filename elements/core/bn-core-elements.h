/* gst-bitnet: the elements of the coreelements plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst-bitnet/bn.h>

G_BEGIN_DECLS

#define BN_TYPE_TEE (bn_tee_get_type ())
G_DECLARE_FINAL_TYPE (BnTee, bn_tee, BN, TEE, BnElement)

#define BN_TYPE_FAKE_SRC (bn_fake_src_get_type ())
G_DECLARE_FINAL_TYPE (BnFakeSrc, bn_fake_src, BN, FAKE_SRC, BnElement)

#define BN_TYPE_FAKE_SINK (bn_fake_sink_get_type ())
G_DECLARE_FINAL_TYPE (BnFakeSink, bn_fake_sink, BN, FAKE_SINK, BnElement)

G_END_DECLS
