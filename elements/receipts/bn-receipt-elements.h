/* gst-bitnet: the elements of the receipts plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst-bitnet/bn.h>
#include <gst-bitnet/model/model.h>
#include <gst-bitnet/bench/bench.h>

G_BEGIN_DECLS

#define BN_TYPE_RECEIPT_SINK (bn_receipt_sink_get_type ())
G_DECLARE_FINAL_TYPE (BnReceiptSink, bn_receipt_sink, BN, RECEIPT_SINK, BnElement)

#define BN_TYPE_RECEIPT_SRC (bn_receipt_src_get_type ())
G_DECLARE_FINAL_TYPE (BnReceiptSrc, bn_receipt_src, BN, RECEIPT_SRC, BnElement)

#define BN_TYPE_STRICT_VALIDATOR (bn_strict_validator_get_type ())
G_DECLARE_FINAL_TYPE (BnStrictValidator, bn_strict_validator, BN, STRICT_VALIDATOR, BnElement)

JsonObject *bn_receipt_build (GPtrArray *runs, BnStrictFlags strict);

G_END_DECLS
