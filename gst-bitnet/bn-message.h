/* gst-bitnet: messages posted on a pipeline's bus
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_INSIDE) && !defined(BN_COMPILATION)
#error "Only <gst-bitnet/bn.h> can be included directly."
#endif

#include <glib-object.h>
#include <gst-bitnet/bn-export.h>
#include <gst-bitnet/bn-types.h>

G_BEGIN_DECLS

/**
 * BnMessageType:
 * @BN_MESSAGE_ERROR: an element failed; the pipeline stops.
 * @BN_MESSAGE_WARNING: something went wrong but the pipeline goes on.
 * @BN_MESSAGE_INFO: information for the user.
 * @BN_MESSAGE_PROGRESS: progress of a long operation, with a fraction.
 * @BN_MESSAGE_EOS: the pipeline finished: every sink saw end of stream.
 * @BN_MESSAGE_ELEMENT: element-specific, with a name and a #GVariant
 *   payload (e.g. a regression verdict).
 * @BN_MESSAGE_STATE_CHANGED: the pipeline started or stopped.
 * @BN_MESSAGE_ANY: every type, for filters.
 *
 * The kinds of #BnMessage. Flags, so that a filter can name several.
 *
 * Since: 0.1
 */
typedef enum {
  BN_MESSAGE_ERROR = 1 << 0,
  BN_MESSAGE_WARNING = 1 << 1,
  BN_MESSAGE_INFO = 1 << 2,
  BN_MESSAGE_PROGRESS = 1 << 3,
  BN_MESSAGE_EOS = 1 << 4,
  BN_MESSAGE_ELEMENT = 1 << 5,
  BN_MESSAGE_STATE_CHANGED = 1 << 6,
  BN_MESSAGE_ANY = 0x7f, /*< skip >*/
} BnMessageType;

#define BN_TYPE_MESSAGE (bn_message_get_type ())
BN_API
G_DECLARE_FINAL_TYPE (BnMessage, bn_message, BN, MESSAGE, GObject)

BN_API BnMessage *bn_message_new_error (BnElement *src, const GError *error, const char *debug);
BN_API BnMessage *bn_message_new_warning (BnElement *src, const GError *error, const char *debug);
BN_API BnMessage *bn_message_new_info (BnElement *src, const char *text);
BN_API BnMessage *bn_message_new_progress (BnElement *src, double fraction, const char *text);
BN_API BnMessage *bn_message_new_eos (BnElement *src);
BN_API BnMessage *bn_message_new_element (BnElement *src, const char *name, GVariant *payload);
BN_API BnMessage *bn_message_new_state_changed (BnElement *src, gboolean running);

BN_API BnMessageType bn_message_get_message_type (BnMessage *message);
BN_API const char *bn_message_type_get_name (BnMessageType type);
BN_API BnElement *bn_message_get_src (BnMessage *message);
BN_API const char *bn_message_get_src_path (BnMessage *message);
BN_API guint64 bn_message_get_seqnum (BnMessage *message);
BN_API gint64 bn_message_get_timestamp (BnMessage *message);

BN_API void bn_message_parse_error (BnMessage *message, GError **error, char **debug);
BN_API void bn_message_parse_warning (BnMessage *message, GError **error, char **debug);
BN_API const char *bn_message_get_text (BnMessage *message);
BN_API void bn_message_parse_progress (BnMessage *message, double *fraction, const char **text);
BN_API const char *bn_message_get_name (BnMessage *message);
BN_API GVariant *bn_message_get_payload (BnMessage *message);
BN_API gboolean bn_message_get_running (BnMessage *message);
BN_API char *bn_message_to_string (BnMessage *message);

G_END_DECLS
