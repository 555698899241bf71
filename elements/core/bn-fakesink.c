/* gst-bitnet: fakesink, discards items
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-core-elements.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

/**
 * SECTION:element-fakesink
 * @title: fakesink
 *
 * Accepts any item and discards it, counting what it received in the
 * read-only #BnFakeSink:items-received property. With #BnFakeSink:dump it
 * posts an information message describing each item. With
 * #BnFakeSink:signal-handoffs it emits #BnFakeSink::handoff for each item,
 * which is how an application (or a Python script through introspection)
 * reads the typed items a pipeline produced, such as the `bench/run` and
 * `bench/verdict` records.
 */

struct _BnFakeSink {
  BnElement parent_instance;
  guint64 received;
  gboolean dump;
  gboolean signal_handoffs;
};

G_DEFINE_FINAL_TYPE (BnFakeSink, bn_fake_sink, BN_TYPE_ELEMENT)

enum { PROP_0, PROP_ITEMS_RECEIVED, PROP_DUMP, PROP_SIGNAL_HANDOFFS, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { SIGNAL_HANDOFF, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
bn_fake_sink_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnFakeSink *self = BN_FAKE_SINK (object);
  switch (id) {
  case PROP_ITEMS_RECEIVED: g_value_set_uint64 (value, self->received); break;
  case PROP_DUMP: g_value_set_boolean (value, self->dump); break;
  case PROP_SIGNAL_HANDOFFS: g_value_set_boolean (value, self->signal_handoffs); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_fake_sink_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnFakeSink *self = BN_FAKE_SINK (object);
  switch (id) {
  case PROP_DUMP:
    if (self->dump != g_value_get_boolean (value)) {
      self->dump = g_value_get_boolean (value);
      g_object_notify_by_pspec (object, pspec);
    }
    break;
  case PROP_SIGNAL_HANDOFFS:
    if (self->signal_handoffs != g_value_get_boolean (value)) {
      self->signal_handoffs = g_value_get_boolean (value);
      g_object_notify_by_pspec (object, pspec);
    }
    break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static gboolean
bn_fake_sink_start (BnElement *element, GError **error)
{
  BN_FAKE_SINK (element)->received = 0;
  return TRUE;
}

static BnFlowReturn
bn_fake_sink_chain (BnElement *element, BnPad *pad, BnItem *item)
{
  BnFakeSink *self = BN_FAKE_SINK (element);
  self->received++;
  if (self->dump) {
    g_autofree char *caps = bn_caps_to_string (bn_item_get_caps (item));
    g_autofree char *text =
        g_strdup_printf (_("item %" PRIu64 ": %s (%s)"), self->received, caps, G_OBJECT_TYPE_NAME (item));
    bn_element_post_info (element, text);
  }
  if (self->signal_handoffs)
    g_signal_emit (self, signals[SIGNAL_HANDOFF], 0, item, pad);
  g_object_unref (item);
  return BN_FLOW_OK;
}

static BnFlowReturn
bn_fake_sink_finish (BnElement *element)
{
  g_object_notify_by_pspec (G_OBJECT (element), props[PROP_ITEMS_RECEIVED]);
  return BN_FLOW_OK;
}

static void
bn_fake_sink_class_init (BnFakeSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);

  object_class->get_property = bn_fake_sink_get_property;
  object_class->set_property = bn_fake_sink_set_property;
  element_class->start = bn_fake_sink_start;
  element_class->chain = bn_fake_sink_chain;
  element_class->finish = bn_fake_sink_finish;

  props[PROP_ITEMS_RECEIVED] =
      g_param_spec_uint64 ("items-received", "Items received", "How many items arrived in the current run", 0,
                           G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_DUMP] = g_param_spec_boolean ("dump", "Dump", "Post an information message describing each item", FALSE,
                                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_SIGNAL_HANDOFFS] =
      g_param_spec_boolean ("signal-handoffs", "Signal handoffs", "Emit the handoff signal for each item", FALSE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * BnFakeSink::handoff:
   * @sink: the fakesink
   * @item: (transfer none): the item that arrived; take a reference to keep it
   * @pad: (transfer none): the pad it arrived on
   *
   * Emitted for each item when #BnFakeSink:signal-handoffs is %TRUE, in
   * the pipeline's worker thread, before the item is discarded.
   *
   * Since: 0.2
   */
  signals[SIGNAL_HANDOFF] = g_signal_new ("handoff", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 2, BN_TYPE_ITEM, BN_TYPE_PAD);

  bn_element_class_set_metadata (element_class, "Fake sink", "Sink", "Discards every item, counting them",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "sink", BN_PAD_SINK, BN_PAD_ALWAYS, "ANY");
}

static void
bn_fake_sink_init (BnFakeSink *self)
{
}
