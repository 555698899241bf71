/* gst-bitnet: fakesrc, pushes empty items
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-core-elements.h"

/**
 * SECTION:element-fakesrc
 * @title: fakesrc
 *
 * Pushes #BnItem:num-items empty items with caps `application/x-fake`, for
 * trying pipelines out. It measures nothing.
 */

struct _BnFakeSrc {
  BnElement parent_instance;
  guint num_items;
  guint pushed;
  guint64 sleep_us;
};

G_DEFINE_FINAL_TYPE (BnFakeSrc, bn_fake_src, BN_TYPE_ELEMENT)

enum { PROP_0, PROP_NUM_ITEMS, PROP_SLEEP, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
bn_fake_src_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnFakeSrc *self = BN_FAKE_SRC (object);
  switch (id) {
  case PROP_NUM_ITEMS: g_value_set_uint (value, self->num_items); break;
  case PROP_SLEEP: g_value_set_uint64 (value, self->sleep_us); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_fake_src_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnFakeSrc *self = BN_FAKE_SRC (object);
  switch (id) {
  case PROP_NUM_ITEMS:
    if (self->num_items != g_value_get_uint (value)) {
      self->num_items = g_value_get_uint (value);
      g_object_notify_by_pspec (object, pspec);
    }
    break;
  case PROP_SLEEP:
    if (self->sleep_us != g_value_get_uint64 (value)) {
      self->sleep_us = g_value_get_uint64 (value);
      g_object_notify_by_pspec (object, pspec);
    }
    break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static gboolean
bn_fake_src_start (BnElement *element, GError **error)
{
  BN_FAKE_SRC (element)->pushed = 0;
  return TRUE;
}

static BnFlowReturn
bn_fake_src_produce (BnElement *element)
{
  BnFakeSrc *self = BN_FAKE_SRC (element);
  if (self->pushed >= self->num_items)
    return BN_FLOW_EOS;
  if (self->sleep_us) {
    /* wait in small steps so cancellation is prompt */
    gint64 end = g_get_monotonic_time () + (gint64) self->sleep_us;
    while (g_get_monotonic_time () < end && !bn_element_is_cancelled (element))
      g_usleep (MIN (10000, end - g_get_monotonic_time () + 1));
  }
  g_autoptr (BnCaps) caps = bn_caps_new_simple ("application/x-fake", "index", G_TYPE_INT, (int) self->pushed, NULL);
  self->pushed++;
  bn_element_post_progress (element, (double) self->pushed / self->num_items, "fakesrc");
  return bn_element_push (element, bn_item_new (caps));
}

static void
bn_fake_src_class_init (BnFakeSrcClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);

  object_class->get_property = bn_fake_src_get_property;
  object_class->set_property = bn_fake_src_set_property;
  element_class->start = bn_fake_src_start;
  element_class->produce = bn_fake_src_produce;

  props[PROP_NUM_ITEMS] =
      g_param_spec_uint ("num-items", "Number of items", "How many empty items to push before end of stream", 0,
                         G_MAXUINT, 1, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_SLEEP] = bn_param_spec_set_unit (
      g_param_spec_uint64 ("sleep", "Sleep",
                           "Time to wait before pushing each item (e.g. 10ms), to try "
                           "progress display and cancellation",
                           0, 3600ULL * G_USEC_PER_SEC, 0,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
      BN_PARAM_UNIT_MICROSECONDS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  bn_element_class_set_metadata (element_class, "Fake source", "Source",
                                 "Pushes empty items, for trying pipelines (measures nothing)",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "src", BN_PAD_SRC, BN_PAD_ALWAYS, "application/x-fake");
}

static void
bn_fake_src_init (BnFakeSrc *self)
{
  self->num_items = 1;
}
