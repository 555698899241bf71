/* gst-bitnet: tee, one input to many outputs
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-core-elements.h"

#include <glib/gi18n-lib.h>

/**
 * SECTION:element-tee
 * @title: tee
 *
 * Pushes every incoming item to each of its request source pads, in pad
 * order, sharing the item by reference. Branches run one after the other,
 * never concurrently, so timings in one branch are not disturbed by work in
 * another.
 *
 * |[
 * bn-launch fakesrc num-items=3 ! tee name=t  t. ! fakesink  t. ! fakesink
 * ]|
 */

struct _BnTee {
  BnElement parent_instance;
};

G_DEFINE_FINAL_TYPE (BnTee, bn_tee, BN_TYPE_ELEMENT)

static BnFlowReturn
bn_tee_chain (BnElement *element, BnPad *pad, BnItem *item)
{
  return bn_element_push (element, item);
}

static gboolean
bn_tee_start (BnElement *element, GError **error)
{
  if (bn_element_count_pads (element, BN_PAD_SRC) == 0) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_NOT_LINKED,
                 _("tee %s has no output: link at least one branch (name=t  t. ! fakesink)"),
                 bn_element_get_name (element));
    return FALSE;
  }
  return TRUE;
}

static void
bn_tee_class_init (BnTeeClass *klass)
{
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);

  element_class->chain = bn_tee_chain;
  element_class->start = bn_tee_start;
  bn_element_class_set_metadata (element_class, "Tee", "Generic", "Sends every item to each of its branches",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "sink", BN_PAD_SINK, BN_PAD_ALWAYS, "ANY");
  bn_element_class_add_static_pad_template (element_class, "src_%u", BN_PAD_SRC, BN_PAD_REQUEST, "ANY");
}

static void
bn_tee_init (BnTee *self)
{
}
