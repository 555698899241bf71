/* gst-bitnet: pads and pad templates
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_INSIDE) && !defined(BN_COMPILATION)
#error "Only <gst-bitnet/bn.h> can be included directly."
#endif

#include <glib-object.h>
#include <gst-bitnet/bn-export.h>
#include <gst-bitnet/bn-types.h>
#include <gst-bitnet/bn-caps.h>
#include <gst-bitnet/bn-item.h>

G_BEGIN_DECLS

/**
 * BnPadDirection:
 * @BN_PAD_SRC: items leave the element through the pad.
 * @BN_PAD_SINK: items enter the element through the pad.
 *
 * The direction of a pad.
 *
 * Since: 0.1
 */
typedef enum {
  BN_PAD_SRC,
  BN_PAD_SINK,
} BnPadDirection;

/**
 * BnPadPresence:
 * @BN_PAD_ALWAYS: the element always has the pad; it must be linked.
 * @BN_PAD_REQUEST: the pad is created on request, e.g. by linking to
 *   `tee.` or `tee.src_%u`.
 *
 * When a pad of a template exists.
 *
 * Since: 0.1
 */
typedef enum {
  BN_PAD_ALWAYS,
  BN_PAD_REQUEST,
} BnPadPresence;

/**
 * BnFlowReturn:
 * @BN_FLOW_OK: the item was handled.
 * @BN_FLOW_EOS: the element wants no more items (sources: no more to
 *   produce).
 * @BN_FLOW_CANCELLED: the pipeline was cancelled.
 * @BN_FLOW_NOT_LINKED: the pad is not linked.
 * @BN_FLOW_NOT_NEGOTIATED: the item's caps do not fit the link.
 * @BN_FLOW_ERROR: an element failed and posted an error message.
 *
 * What pushing an item or end of stream returned.
 *
 * Since: 0.1
 */
typedef enum {
  BN_FLOW_OK = 0,
  BN_FLOW_EOS = -1,
  BN_FLOW_CANCELLED = -2,
  BN_FLOW_NOT_LINKED = -3,
  BN_FLOW_NOT_NEGOTIATED = -4,
  BN_FLOW_ERROR = -5,
} BnFlowReturn;

BN_API const char *bn_flow_get_name (BnFlowReturn ret);

#define BN_TYPE_PAD_TEMPLATE (bn_pad_template_get_type ())
BN_API
G_DECLARE_FINAL_TYPE (BnPadTemplate, bn_pad_template, BN, PAD_TEMPLATE, GObject)

BN_API BnPadTemplate *bn_pad_template_new (const char *name_template, BnPadDirection direction, BnPadPresence presence,
                                           BnCaps *caps);
BN_API const char *bn_pad_template_get_name_template (BnPadTemplate *templ);
BN_API BnPadDirection bn_pad_template_get_direction (BnPadTemplate *templ);
BN_API BnPadPresence bn_pad_template_get_presence (BnPadTemplate *templ);
BN_API BnCaps *bn_pad_template_get_caps (BnPadTemplate *templ);

#define BN_TYPE_PAD (bn_pad_get_type ())
BN_API
G_DECLARE_FINAL_TYPE (BnPad, bn_pad, BN, PAD, GObject)

BN_API BnPad *bn_pad_new_from_template (BnPadTemplate *templ, const char *name);
BN_API const char *bn_pad_get_name (BnPad *pad);
BN_API BnPadDirection bn_pad_get_direction (BnPad *pad);
BN_API BnPadTemplate *bn_pad_get_template (BnPad *pad);
BN_API BnElement *bn_pad_get_parent_element (BnPad *pad);
BN_API BnPad *bn_pad_get_peer (BnPad *pad);
BN_API gboolean bn_pad_is_linked (BnPad *pad);
BN_API BnCaps *bn_pad_get_link_caps (BnPad *pad);
BN_API gboolean bn_pad_is_eos (BnPad *pad);
BN_API guint64 bn_pad_get_item_count (BnPad *pad);
BN_API char *bn_pad_get_path_string (BnPad *pad);

BN_API gboolean bn_pad_link (BnPad *src, BnPad *sink, BnCaps *filter, GError **error);
BN_API void bn_pad_unlink (BnPad *src, BnPad *sink);
BN_API BnFlowReturn bn_pad_push (BnPad *pad, BnItem *item);
BN_API BnFlowReturn bn_pad_push_eos (BnPad *pad);

G_END_DECLS
