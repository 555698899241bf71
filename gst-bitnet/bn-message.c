/* gst-bitnet: bus messages
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-message.h"
#include "bn-enum-types.h"
#include "bn-element.h"

/**
 * SECTION:bn-message
 * @title: BnMessage
 * @short_description: what elements tell the application
 *
 * Elements post messages on their pipeline's #BnBus: errors (with a
 * #GError and a debug string), warnings, information, progress with a
 * fraction, end of stream, and element-specific messages carrying a named
 * #GVariant payload. Each message records the path of the element that
 * posted it (`/pipeline0/fakesink0`), so it stays meaningful after the
 * element is gone.
 */

/**
 * BnMessage:
 *
 * A message posted by an element on the bus.
 *
 * Since: 0.1
 */
struct _BnMessage {
  GObject parent_instance;
  BnMessageType type;
  BnElement *src;
  char *src_path;
  guint64 seqnum;
  gint64 timestamp;
  GError *error;
  char *debug; /* or the text of info/progress */
  double fraction;
  char *name;
  GVariant *payload;
  gboolean running;
};

G_DEFINE_FINAL_TYPE (BnMessage, bn_message, G_TYPE_OBJECT)

static void
bn_message_finalize (GObject *object)
{
  BnMessage *self = BN_MESSAGE (object);
  g_clear_object (&self->src);
  g_free (self->src_path);
  g_clear_error (&self->error);
  g_free (self->debug);
  g_free (self->name);
  g_clear_pointer (&self->payload, g_variant_unref);
  G_OBJECT_CLASS (bn_message_parent_class)->finalize (object);
}

static void
bn_message_class_init (BnMessageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bn_message_finalize;
}

static void
bn_message_init (BnMessage *self)
{
  self->fraction = -1.0;
}

static BnMessage *
message_new (BnMessageType type, BnElement *src)
{
  static guint64 seqnum;
  BnMessage *msg = g_object_new (BN_TYPE_MESSAGE, NULL);
  msg->type = type;
  if (src) {
    msg->src = g_object_ref (src);
    msg->src_path = bn_element_get_path_string (src);
  } else {
    msg->src_path = g_strdup ("(none)");
  }
  msg->seqnum = g_atomic_pointer_add (&seqnum, 1) + 1;
  msg->timestamp = g_get_monotonic_time ();
  return msg;
}

/**
 * bn_message_new_error:
 * @src: (nullable): the element that failed
 * @error: what failed
 * @debug: (nullable): details for developers
 *
 * Creates a new error message.
 *
 * Returns: (transfer full): a new error message.
 *
 * Since: 0.1
 */
BnMessage *
bn_message_new_error (BnElement *src, const GError *error, const char *debug)
{
  g_return_val_if_fail (error != NULL, NULL);
  BnMessage *msg = message_new (BN_MESSAGE_ERROR, src);
  msg->error = g_error_copy (error);
  msg->debug = g_strdup (debug);
  return msg;
}

/**
 * bn_message_new_warning:
 * @src: (nullable): the element that warns
 * @error: what went wrong
 * @debug: (nullable): details for developers
 *
 * Creates a new warning message.
 *
 * Returns: (transfer full): a new warning message.
 *
 * Since: 0.1
 */
BnMessage *
bn_message_new_warning (BnElement *src, const GError *error, const char *debug)
{
  g_return_val_if_fail (error != NULL, NULL);
  BnMessage *msg = message_new (BN_MESSAGE_WARNING, src);
  msg->error = g_error_copy (error);
  msg->debug = g_strdup (debug);
  return msg;
}

/**
 * bn_message_new_info:
 * @src: (nullable): the element that informs
 * @text: the information, for people
 *
 * Creates a new information message.
 *
 * Returns: (transfer full): a new information message.
 *
 * Since: 0.1
 */
BnMessage *
bn_message_new_info (BnElement *src, const char *text)
{
  BnMessage *msg = message_new (BN_MESSAGE_INFO, src);
  msg->debug = g_strdup (text);
  return msg;
}

/**
 * bn_message_new_progress:
 * @src: (nullable): the element making progress
 * @fraction: done fraction in [0, 1], or a negative number when unknown
 * @text: (nullable): what is being done
 *
 * Creates a new progress message.
 *
 * Returns: (transfer full): a new progress message.
 *
 * Since: 0.1
 */
BnMessage *
bn_message_new_progress (BnElement *src, double fraction, const char *text)
{
  BnMessage *msg = message_new (BN_MESSAGE_PROGRESS, src);
  msg->fraction = fraction < 0 ? -1.0 : CLAMP (fraction, 0.0, 1.0);
  msg->debug = g_strdup (text);
  return msg;
}

/**
 * bn_message_new_eos:
 * @src: (nullable): the pipeline that finished
 *
 * Creates a new end-of-stream message.
 *
 * Returns: (transfer full): a new end-of-stream message.
 *
 * Since: 0.1
 */
BnMessage *
bn_message_new_eos (BnElement *src)
{
  return message_new (BN_MESSAGE_EOS, src);
}

/**
 * bn_message_new_element:
 * @src: (nullable): the element
 * @name: the kind of message, e.g. `regression-verdict`
 * @payload: (nullable): structured data; a floating reference is sunk
 *
 * Creates a new element-specific message.
 *
 * Returns: (transfer full): a new element-specific message.
 *
 * Since: 0.1
 */
BnMessage *
bn_message_new_element (BnElement *src, const char *name, GVariant *payload)
{
  g_return_val_if_fail (name != NULL, NULL);
  BnMessage *msg = message_new (BN_MESSAGE_ELEMENT, src);
  msg->name = g_strdup (name);
  msg->payload = payload ? g_variant_ref_sink (payload) : NULL;
  return msg;
}

/**
 * bn_message_new_state_changed:
 * @src: (nullable): the pipeline
 * @running: whether it started (%TRUE) or stopped
 *
 * Creates a new state message.
 *
 * Returns: (transfer full): a new state message.
 *
 * Since: 0.1
 */
BnMessage *
bn_message_new_state_changed (BnElement *src, gboolean running)
{
  BnMessage *msg = message_new (BN_MESSAGE_STATE_CHANGED, src);
  msg->running = running;
  return msg;
}

/**
 * bn_message_get_message_type:
 * @message: a message
 *
 * Gets the kind of @message.
 *
 * Returns: the kind of @message.
 *
 * Since: 0.1
 */
BnMessageType
bn_message_get_message_type (BnMessage *message)
{
  g_return_val_if_fail (BN_IS_MESSAGE (message), 0);
  return message->type;
}

/**
 * bn_message_type_get_name:
 * @type: one message type
 *
 * Gets the nick of @type, e.g. `error`.
 *
 * Returns: (transfer none): the nick of @type, e.g. `error`.
 *
 * Since: 0.1
 */
const char *
bn_message_type_get_name (BnMessageType type)
{
  GFlagsClass *klass = g_type_class_ref (BN_TYPE_MESSAGE_TYPE);
  GFlagsValue *v = g_flags_get_first_value (klass, type);
  const char *nick = v ? v->value_nick : "unknown";
  g_type_class_unref (klass);
  return nick;
}

/**
 * bn_message_get_src:
 * @message: a message
 *
 * Gets the element that posted @message.
 *
 * Returns: (transfer none) (nullable): the element that posted @message.
 *
 * Since: 0.1
 */
BnElement *
bn_message_get_src (BnMessage *message)
{
  g_return_val_if_fail (BN_IS_MESSAGE (message), NULL);
  return message->src;
}

/**
 * bn_message_get_src_path:
 * @message: a message
 *
 * Gets the path of the posting element at the time it posted, e.g. `/pipeline0/fakesink0`.
 *
 * Returns: (transfer none): the path of the posting element at the time
 *   it posted, e.g. `/pipeline0/fakesink0`.
 *
 * Since: 0.1
 */
const char *
bn_message_get_src_path (BnMessage *message)
{
  g_return_val_if_fail (BN_IS_MESSAGE (message), NULL);
  return message->src_path;
}

/**
 * bn_message_get_seqnum:
 * @message: a message
 *
 * Gets a number that grows with every message created in the process.
 *
 * Returns: a number that grows with every message created in the process.
 *
 * Since: 0.1
 */
guint64
bn_message_get_seqnum (BnMessage *message)
{
  g_return_val_if_fail (BN_IS_MESSAGE (message), 0);
  return message->seqnum;
}

/**
 * bn_message_get_timestamp:
 * @message: a message
 *
 * Gets the monotonic time (g_get_monotonic_time()) of creation.
 *
 * Returns: the monotonic time (g_get_monotonic_time()) of creation.
 *
 * Since: 0.1
 */
gint64
bn_message_get_timestamp (BnMessage *message)
{
  g_return_val_if_fail (BN_IS_MESSAGE (message), 0);
  return message->timestamp;
}

static void
parse_error_or_warning (BnMessage *message, BnMessageType type, GError **error, char **debug)
{
  g_return_if_fail (BN_IS_MESSAGE (message));
  g_return_if_fail (message->type == type);
  if (error)
    *error = g_error_copy (message->error);
  if (debug)
    *debug = g_strdup (message->debug);
}

/**
 * bn_message_parse_error:
 * @message: an error message
 * @error: (out) (optional) (transfer full): the error
 * @debug: (out) (optional) (transfer full) (nullable): the debug string
 *
 * Extracts the content of an error message.
 *
 * Since: 0.1
 */
void
bn_message_parse_error (BnMessage *message, GError **error, char **debug)
{
  parse_error_or_warning (message, BN_MESSAGE_ERROR, error, debug);
}

/**
 * bn_message_parse_warning:
 * @message: a warning message
 * @error: (out) (optional) (transfer full): the warning
 * @debug: (out) (optional) (transfer full) (nullable): the debug string
 *
 * Extracts the content of a warning message.
 *
 * Since: 0.1
 */
void
bn_message_parse_warning (BnMessage *message, GError **error, char **debug)
{
  parse_error_or_warning (message, BN_MESSAGE_WARNING, error, debug);
}

/**
 * bn_message_get_text:
 * @message: an info or progress message
 *
 * Gets its text.
 *
 * Returns: (transfer none) (nullable): its text.
 *
 * Since: 0.1
 */
const char *
bn_message_get_text (BnMessage *message)
{
  g_return_val_if_fail (BN_IS_MESSAGE (message), NULL);
  return message->type & (BN_MESSAGE_INFO | BN_MESSAGE_PROGRESS) ? message->debug : NULL;
}

/**
 * bn_message_parse_progress:
 * @message: a progress message
 * @fraction: (out) (optional): the fraction done, negative when unknown
 * @text: (out) (optional) (transfer none): what is being done
 *
 * Extracts the content of a progress message.
 *
 * Since: 0.1
 */
void
bn_message_parse_progress (BnMessage *message, double *fraction, const char **text)
{
  g_return_if_fail (BN_IS_MESSAGE (message));
  g_return_if_fail (message->type == BN_MESSAGE_PROGRESS);
  if (fraction)
    *fraction = message->fraction;
  if (text)
    *text = message->debug;
}

/**
 * bn_message_get_name:
 * @message: an element message
 *
 * Gets the name of an element-specific message, %NULL for other kinds.
 *
 * Returns: (transfer none) (nullable): the name of an element-specific
 *   message, %NULL for other kinds.
 *
 * Since: 0.1
 */
const char *
bn_message_get_name (BnMessage *message)
{
  g_return_val_if_fail (BN_IS_MESSAGE (message), NULL);
  return message->name;
}

/**
 * bn_message_get_payload:
 * @message: an element message
 *
 * Gets the payload of an element-specific message.
 *
 * Returns: (transfer none) (nullable): the payload of an element-specific
 *   message.
 *
 * Since: 0.1
 */
GVariant *
bn_message_get_payload (BnMessage *message)
{
  g_return_val_if_fail (BN_IS_MESSAGE (message), NULL);
  return message->payload;
}

/**
 * bn_message_get_running:
 * @message: a state-changed message
 *
 * Checks whether the pipeline started (%TRUE) or stopped.
 *
 * Returns: whether the pipeline started (%TRUE) or stopped.
 *
 * Since: 0.1
 */
gboolean
bn_message_get_running (BnMessage *message)
{
  g_return_val_if_fail (BN_IS_MESSAGE (message), FALSE);
  return message->running;
}

/**
 * bn_message_to_string:
 * @message: a message
 *
 * Describes @message in one line, for logs and `bn-launch -m`.
 *
 * Returns: (transfer full): a newly allocated string.
 *
 * Since: 0.1
 */
char *
bn_message_to_string (BnMessage *message)
{
  g_return_val_if_fail (BN_IS_MESSAGE (message), NULL);
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "#%" G_GUINT64_FORMAT " %s from %s", message->seqnum,
                          bn_message_type_get_name (message->type), message->src_path);
  switch (message->type) {
  case BN_MESSAGE_ERROR:
  case BN_MESSAGE_WARNING:
    g_string_append_printf (s, ": %s (%s %d)", message->error->message, g_quark_to_string (message->error->domain),
                            message->error->code);
    if (message->debug)
      g_string_append_printf (s, " [%s]", message->debug);
    break;
  case BN_MESSAGE_INFO: g_string_append_printf (s, ": %s", message->debug ? message->debug : ""); break;
  case BN_MESSAGE_PROGRESS:
    if (message->fraction >= 0)
      g_string_append_printf (s, ": %.1f%%", message->fraction * 100.0);
    if (message->debug)
      g_string_append_printf (s, " %s", message->debug);
    break;
  case BN_MESSAGE_ELEMENT:
    g_string_append_printf (s, ": %s", message->name);
    if (message->payload) {
      g_autofree char *p = g_variant_print (message->payload, FALSE);
      g_string_append_printf (s, " %s", p);
    }
    break;
  case BN_MESSAGE_STATE_CHANGED: g_string_append (s, message->running ? ": running" : ": stopped"); break;
  default: break;
  }
  return g_string_free (s, FALSE);
}
