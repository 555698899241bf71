/* gst-bitnet: the base class of every element
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_INSIDE) && !defined(BN_COMPILATION)
#error "Only <gst-bitnet/bn.h> can be included directly."
#endif

#include <gio/gio.h>
#include <gst-bitnet/bn-export.h>
#include <gst-bitnet/bn-types.h>
#include <gst-bitnet/bn-pad.h>
#include <gst-bitnet/bn-message.h>
#include <gst-bitnet/bn-bus.h>

G_BEGIN_DECLS

/**
 * BnState:
 * @BN_STATE_NULL: stopped; no resources held.
 * @BN_STATE_READY: started: files open, buffers allocated.
 * @BN_STATE_PLAYING: items are flowing.
 *
 * The states an element goes through. Pipelines start their elements from
 * the sinks to the sources and stop them the other way round.
 *
 * Since: 0.1
 */
typedef enum {
  BN_STATE_NULL,
  BN_STATE_READY,
  BN_STATE_PLAYING,
} BnState;

/**
 * BN_ELEMENT_METADATA_LONGNAME:
 *
 * Metadata key of an element's human-readable name.
 *
 * Since: 0.1
 */
#define BN_ELEMENT_METADATA_LONGNAME "long-name"
/**
 * BN_ELEMENT_METADATA_KLASS:
 *
 * Metadata key of an element's class: `Source`, `Transform`, `Sink`,
 * `Analyzer`, joined with `/` when several apply.
 *
 * Since: 0.1
 */
#define BN_ELEMENT_METADATA_KLASS "klass"
/**
 * BN_ELEMENT_METADATA_DESCRIPTION:
 *
 * Metadata key of an element's one-line description.
 *
 * Since: 0.1
 */
#define BN_ELEMENT_METADATA_DESCRIPTION "description"
/**
 * BN_ELEMENT_METADATA_AUTHOR:
 *
 * Metadata key of an element's authors.
 *
 * Since: 0.1
 */
#define BN_ELEMENT_METADATA_AUTHOR "author"

#define BN_TYPE_ELEMENT (bn_element_get_type ())
BN_API
G_DECLARE_DERIVABLE_TYPE (BnElement, bn_element, BN, ELEMENT, GInitiallyUnowned)

/**
 * BnElementClass:
 * @parent_class: the parent class
 * @start: acquire resources before items flow; runs in the caller's
 *   thread, sinks first. Return %FALSE with @error set to refuse.
 * @stop: release resources; sources first.
 * @produce: sources only: produce (push) the next item(s) and return
 *   %BN_FLOW_OK, or %BN_FLOW_EOS when there are no more.
 * @chain: receive an item on a sink pad (transfer full).
 * @sink_eos: end of stream arrived on a sink pad. The default waits for
 *   every sink pad, then calls @finish and pushes end of stream on every
 *   source pad.
 * @finish: all input has arrived: emit what depends on all of it (an
 *   aggregate, a verdict) and write files.
 * @request_new_pad: create a pad from a request template; the default
 *   numbers `%u` templates in order.
 *
 * The virtual methods of elements. All but @start and @stop run in the
 * pipeline's worker thread. A method that fails posts an error message
 * (bn_element_post_error()) and returns %BN_FLOW_ERROR.
 *
 * Since: 0.1
 */
struct _BnElementClass {
  GInitiallyUnownedClass parent_class;

  gboolean (*start) (BnElement *self, GError **error);
  void (*stop) (BnElement *self);
  BnFlowReturn (*produce) (BnElement *self);
  BnFlowReturn (*chain) (BnElement *self, BnPad *pad, BnItem *item);
  BnFlowReturn (*sink_eos) (BnElement *self, BnPad *pad);
  BnFlowReturn (*finish) (BnElement *self);
  BnPad *(*request_new_pad) (BnElement *self, BnPadTemplate *templ, const char *name, GError **error);

  /*< private >*/
  gpointer padding[12];
};

BN_API void bn_element_class_set_metadata (BnElementClass *klass, const char *long_name, const char *classification,
                                           const char *description, const char *author);
BN_API const char *bn_element_class_get_metadata (BnElementClass *klass, const char *key);
BN_API void bn_element_class_add_pad_template (BnElementClass *klass, BnPadTemplate *templ);
BN_API void bn_element_class_add_static_pad_template (BnElementClass *klass, const char *name_template,
                                                      BnPadDirection direction, BnPadPresence presence,
                                                      const char *caps);
BN_API BnPadTemplate *bn_element_class_get_pad_template (BnElementClass *klass, const char *name_template);
BN_API GList *bn_element_class_get_pad_template_list (BnElementClass *klass);

BN_API const char *bn_element_get_name (BnElement *element);
BN_API char *bn_element_get_path_string (BnElement *element);
BN_API BnElement *bn_element_get_parent (BnElement *element);
BN_API const char *bn_element_get_factory_name (BnElement *element);
BN_API BnState bn_element_get_state (BnElement *element);

BN_API BnPad *bn_element_get_static_pad (BnElement *element, const char *name);
BN_API GPtrArray *bn_element_get_pads (BnElement *element);
BN_API BnPad *bn_element_request_pad (BnElement *element, BnPadTemplate *templ, const char *name, GError **error);
BN_API gboolean bn_element_add_pad (BnElement *element, BnPad *pad);
BN_API guint bn_element_count_pads (BnElement *element, BnPadDirection direction);

BN_API gboolean bn_element_link (BnElement *src, BnElement *sink, GError **error);
BN_API gboolean bn_element_link_pads (BnElement *src, const char *srcpadname, BnElement *sink, const char *sinkpadname,
                                      BnCaps *filter, GError **error);

BN_API BnFlowReturn bn_element_push (BnElement *element, BnItem *item);
BN_API BnFlowReturn bn_element_push_eos (BnElement *element);

BN_API void bn_element_set_bus (BnElement *element, BnBus *bus);
BN_API BnBus *bn_element_get_bus (BnElement *element);
BN_API GCancellable *bn_element_get_cancellable (BnElement *element);
BN_API gboolean bn_element_is_cancelled (BnElement *element);
BN_API void bn_element_post_message (BnElement *element, BnMessage *message);
BN_API void bn_element_post_error (BnElement *element, const GError *error, const char *debug);
BN_API void bn_element_post_error_literal (BnElement *element, GQuark domain, int code, const char *message);
BN_API void bn_element_post_warning (BnElement *element, const GError *error, const char *debug);
BN_API void bn_element_post_info (BnElement *element, const char *text);
BN_API void bn_element_post_progress (BnElement *element, double fraction, const char *text);

/**
 * BN_ELEMENT_ERROR:
 * @el: the element
 * @domain: a #GError domain
 * @code: its code
 * @...: printf-style format and arguments of the message
 *
 * Posts an error message from @el with a formatted text.
 *
 * Since: 0.1
 */
#define BN_ELEMENT_ERROR(el, domain, code, ...)                                                                        \
  G_STMT_START                                                                                                         \
  {                                                                                                                    \
    g_autofree char *__bn_msg = g_strdup_printf (__VA_ARGS__);                                                         \
    bn_element_post_error_literal (BN_ELEMENT (el), domain, code, __bn_msg);                                           \
  }                                                                                                                    \
  G_STMT_END

G_END_DECLS
