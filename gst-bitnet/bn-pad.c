/* gst-bitnet: pads and pad templates
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-pad.h"
#include "bn-error.h"
#include "bn-private.h"

#include <glib/gi18n-lib.h>

/**
 * SECTION:bn-pad
 * @title: BnPad
 * @short_description: the connection points of elements
 *
 * Elements receive items on sink pads and push them out of source pads.
 * Pads are made from #BnPadTemplate objects that the element class
 * declares: always pads exist with every instance; request pads are
 * created when something links to them (`tee.src_%u`). Linking a source
 * pad to a sink pad intersects their caps (and an optional filter); an
 * empty intersection refuses the link, naming both pads and both caps.
 */

/**
 * bn_flow_get_name:
 * @ret: a flow return
 *
 * Gets a short name for @ret, e.g. `not-negotiated`.
 *
 * Returns: (transfer none): a short name for @ret, e.g. `not-negotiated`.
 *
 * Since: 0.1
 */
const char *
bn_flow_get_name (BnFlowReturn ret)
{
  switch (ret) {
  case BN_FLOW_OK: return "ok";
  case BN_FLOW_EOS: return "eos";
  case BN_FLOW_CANCELLED: return "cancelled";
  case BN_FLOW_NOT_LINKED: return "not-linked";
  case BN_FLOW_NOT_NEGOTIATED: return "not-negotiated";
  case BN_FLOW_ERROR: return "error";
  default: return "unknown";
  }
}

/* ---- BnPadTemplate ------------------------------------------------------ */

/**
 * BnPadTemplate:
 *
 * Describes the pads an element class can have.
 *
 * Since: 0.1
 */
struct _BnPadTemplate {
  GObject parent_instance;
  char *name_template;
  BnPadDirection direction;
  BnPadPresence presence;
  BnCaps *caps;
};

G_DEFINE_FINAL_TYPE (BnPadTemplate, bn_pad_template, G_TYPE_OBJECT)

static void
bn_pad_template_finalize (GObject *object)
{
  BnPadTemplate *self = BN_PAD_TEMPLATE (object);
  g_free (self->name_template);
  g_clear_pointer (&self->caps, bn_caps_unref);
  G_OBJECT_CLASS (bn_pad_template_parent_class)->finalize (object);
}

static void
bn_pad_template_class_init (BnPadTemplateClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bn_pad_template_finalize;
}

static void
bn_pad_template_init (BnPadTemplate *self)
{
}

/**
 * bn_pad_template_new:
 * @name_template: the pad name, or a pattern with `%u` for request pads
 * @direction: the direction of its pads
 * @presence: when its pads exist
 * @caps: what its pads accept or produce
 *
 * Creates a new pad template.
 *
 * Returns: (transfer full): a new pad template.
 *
 * Since: 0.1
 */
BnPadTemplate *
bn_pad_template_new (const char *name_template, BnPadDirection direction, BnPadPresence presence, BnCaps *caps)
{
  g_return_val_if_fail (name_template != NULL, NULL);
  g_return_val_if_fail (caps != NULL, NULL);
  BnPadTemplate *t = g_object_new (BN_TYPE_PAD_TEMPLATE, NULL);
  t->name_template = g_strdup (name_template);
  t->direction = direction;
  t->presence = presence;
  t->caps = bn_caps_ref (caps);
  return t;
}

/**
 * bn_pad_template_get_name_template:
 * @templ: a pad template
 *
 * Gets the name or name pattern.
 *
 * Returns: (transfer none): the name or name pattern.
 *
 * Since: 0.1
 */
const char *
bn_pad_template_get_name_template (BnPadTemplate *templ)
{
  g_return_val_if_fail (BN_IS_PAD_TEMPLATE (templ), NULL);
  return templ->name_template;
}

/**
 * bn_pad_template_get_direction:
 * @templ: a pad template
 *
 * Gets the direction of its pads.
 *
 * Returns: the direction of its pads.
 *
 * Since: 0.1
 */
BnPadDirection
bn_pad_template_get_direction (BnPadTemplate *templ)
{
  g_return_val_if_fail (BN_IS_PAD_TEMPLATE (templ), BN_PAD_SRC);
  return templ->direction;
}

/**
 * bn_pad_template_get_presence:
 * @templ: a pad template
 *
 * Gets when its pads exist.
 *
 * Returns: when its pads exist.
 *
 * Since: 0.1
 */
BnPadPresence
bn_pad_template_get_presence (BnPadTemplate *templ)
{
  g_return_val_if_fail (BN_IS_PAD_TEMPLATE (templ), BN_PAD_ALWAYS);
  return templ->presence;
}

/**
 * bn_pad_template_get_caps:
 * @templ: a pad template
 *
 * Gets the caps of its pads.
 *
 * Returns: (transfer none): the caps of its pads.
 *
 * Since: 0.1
 */
BnCaps *
bn_pad_template_get_caps (BnPadTemplate *templ)
{
  g_return_val_if_fail (BN_IS_PAD_TEMPLATE (templ), NULL);
  return templ->caps;
}

/* ---- BnPad -------------------------------------------------------------- */

/**
 * BnPad:
 *
 * A connection point of an element.
 *
 * Since: 0.1
 */
struct _BnPad {
  GObject parent_instance;
  char *name;
  BnPadTemplate *templ;
  BnElement *parent; /* not owned: the element owns its pads */
  BnPad *peer;       /* not owned */
  BnCaps *link_caps;
  gboolean eos;
  guint64 items;
};

G_DEFINE_FINAL_TYPE (BnPad, bn_pad, G_TYPE_OBJECT)

static void
bn_pad_dispose (GObject *object)
{
  BnPad *self = BN_PAD (object);
  if (self->peer) {
    if (self->templ->direction == BN_PAD_SRC)
      bn_pad_unlink (self, self->peer);
    else
      bn_pad_unlink (self->peer, self);
  }
  G_OBJECT_CLASS (bn_pad_parent_class)->dispose (object);
}

static void
bn_pad_finalize (GObject *object)
{
  BnPad *self = BN_PAD (object);
  g_free (self->name);
  g_clear_object (&self->templ);
  g_clear_pointer (&self->link_caps, bn_caps_unref);
  G_OBJECT_CLASS (bn_pad_parent_class)->finalize (object);
}

static void
bn_pad_class_init (BnPadClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = bn_pad_dispose;
  G_OBJECT_CLASS (klass)->finalize = bn_pad_finalize;
}

static void
bn_pad_init (BnPad *self)
{
}

/**
 * bn_pad_new_from_template:
 * @templ: the template
 * @name: (nullable): the pad's name; %NULL uses the template's name
 *
 * Creates a new pad, not yet added to an element.
 *
 * Returns: (transfer full): a new pad, not yet added to an element.
 *
 * Since: 0.1
 */
BnPad *
bn_pad_new_from_template (BnPadTemplate *templ, const char *name)
{
  g_return_val_if_fail (BN_IS_PAD_TEMPLATE (templ), NULL);
  BnPad *pad = g_object_new (BN_TYPE_PAD, NULL);
  pad->templ = g_object_ref (templ);
  pad->name = g_strdup (name ? name : templ->name_template);
  return pad;
}

/**
 * bn_pad_get_name:
 * @pad: a pad
 *
 * Gets the pad's name, unique within its element.
 *
 * Returns: (transfer none): the pad's name, unique within its element.
 *
 * Since: 0.1
 */
const char *
bn_pad_get_name (BnPad *pad)
{
  g_return_val_if_fail (BN_IS_PAD (pad), NULL);
  return pad->name;
}

/**
 * bn_pad_get_direction:
 * @pad: a pad
 *
 * Checks whether items leave (%BN_PAD_SRC) or enter (%BN_PAD_SINK).
 *
 * Returns: whether items leave (%BN_PAD_SRC) or enter (%BN_PAD_SINK).
 *
 * Since: 0.1
 */
BnPadDirection
bn_pad_get_direction (BnPad *pad)
{
  g_return_val_if_fail (BN_IS_PAD (pad), BN_PAD_SRC);
  return pad->templ->direction;
}

/**
 * bn_pad_get_template:
 * @pad: a pad
 *
 * Gets the template the pad was made from.
 *
 * Returns: (transfer none): the template the pad was made from.
 *
 * Since: 0.1
 */
BnPadTemplate *
bn_pad_get_template (BnPad *pad)
{
  g_return_val_if_fail (BN_IS_PAD (pad), NULL);
  return pad->templ;
}

/**
 * bn_pad_get_parent_element:
 * @pad: a pad
 *
 * Gets the element owning the pad.
 *
 * Returns: (transfer none) (nullable): the element owning the pad.
 *
 * Since: 0.1
 */
BnElement *
bn_pad_get_parent_element (BnPad *pad)
{
  g_return_val_if_fail (BN_IS_PAD (pad), NULL);
  return pad->parent;
}

void
_bn_pad_set_parent (BnPad *pad, BnElement *parent)
{
  pad->parent = parent;
}

void
_bn_pad_reset (BnPad *pad)
{
  pad->eos = FALSE;
  pad->items = 0;
}

/**
 * bn_pad_get_peer:
 * @pad: a pad
 *
 * Gets the pad linked to @pad.
 *
 * Returns: (transfer none) (nullable): the pad linked to @pad.
 *
 * Since: 0.1
 */
BnPad *
bn_pad_get_peer (BnPad *pad)
{
  g_return_val_if_fail (BN_IS_PAD (pad), NULL);
  return pad->peer;
}

/**
 * bn_pad_is_linked:
 * @pad: a pad
 *
 * Checks whether @pad has a peer.
 *
 * Returns: whether @pad has a peer.
 *
 * Since: 0.1
 */
gboolean
bn_pad_is_linked (BnPad *pad)
{
  g_return_val_if_fail (BN_IS_PAD (pad), FALSE);
  return pad->peer != NULL;
}

/**
 * bn_pad_get_link_caps:
 * @pad: a linked pad
 *
 * Gets the caps negotiated when the pad was linked (the intersection of both templates and the filter).
 *
 * Returns: (transfer none) (nullable): the caps negotiated when the pad was
 *   linked (the intersection of both templates and the filter).
 *
 * Since: 0.1
 */
BnCaps *
bn_pad_get_link_caps (BnPad *pad)
{
  g_return_val_if_fail (BN_IS_PAD (pad), NULL);
  return pad->link_caps;
}

/**
 * bn_pad_is_eos:
 * @pad: a pad
 *
 * Checks whether end of stream went through @pad in the current run.
 *
 * Returns: whether end of stream went through @pad in the current run.
 *
 * Since: 0.1
 */
gboolean
bn_pad_is_eos (BnPad *pad)
{
  g_return_val_if_fail (BN_IS_PAD (pad), FALSE);
  return pad->eos;
}

/**
 * bn_pad_get_item_count:
 * @pad: a pad
 *
 * Gets how many items went through @pad in the current run.
 *
 * Returns: how many items went through @pad in the current run.
 *
 * Since: 0.1
 */
guint64
bn_pad_get_item_count (BnPad *pad)
{
  g_return_val_if_fail (BN_IS_PAD (pad), 0);
  return pad->items;
}

/**
 * bn_pad_get_path_string:
 * @pad: a pad
 *
 * Gets `element-path:pad-name`, for messages.
 *
 * Returns: (transfer full): `element-path:pad-name`, for messages.
 *
 * Since: 0.1
 */
char *
bn_pad_get_path_string (BnPad *pad)
{
  g_return_val_if_fail (BN_IS_PAD (pad), NULL);
  if (!pad->parent)
    return g_strdup (pad->name);
  g_autofree char *path = bn_element_get_path_string (pad->parent);
  return g_strdup_printf ("%s:%s", path, pad->name);
}

static char *
pad_label (BnPad *pad)
{
  if (!pad->parent)
    return g_strdup (pad->name);
  return g_strdup_printf ("%s:%s", bn_element_get_name (pad->parent), pad->name);
}

/**
 * bn_pad_link:
 * @src: a source pad
 * @sink: a sink pad
 * @filter: (nullable): caps the link must further satisfy
 * @error: return location for a #GError
 *
 * Links two pads after checking their directions and intersecting their
 * caps with each other and with @filter.
 *
 * Returns: %TRUE on success; %FALSE with @error (#BN_CORE_ERROR_NEGOTIATION
 *   naming both pads and caps, or #BN_CORE_ERROR_GRAPH) otherwise.
 *
 * Since: 0.1
 */
gboolean
bn_pad_link (BnPad *src, BnPad *sink, BnCaps *filter, GError **error)
{
  g_return_val_if_fail (BN_IS_PAD (src) && BN_IS_PAD (sink), FALSE);
  g_autofree char *src_label = pad_label (src);
  g_autofree char *sink_label = pad_label (sink);

  if (src->templ->direction != BN_PAD_SRC || sink->templ->direction != BN_PAD_SINK) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_GRAPH,
                 _("Cannot link %s to %s: links go from a source pad to a sink pad"), src_label, sink_label);
    return FALSE;
  }
  if (src->peer || sink->peer) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_GRAPH, _("Cannot link %s to %s: %s is already linked"), src_label,
                 sink_label, src->peer ? src_label : sink_label);
    return FALSE;
  }
  if (src->parent && src->parent == sink->parent) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_GRAPH, _("Cannot link %s to %s: an element cannot feed itself"),
                 src_label, sink_label);
    return FALSE;
  }

  g_autoptr (BnCaps) caps = bn_caps_intersect (src->templ->caps, sink->templ->caps);
  if (filter && !bn_caps_is_empty (caps)) {
    g_autoptr (BnCaps) filtered = bn_caps_intersect (caps, filter);
    g_clear_pointer (&caps, bn_caps_unref);
    caps = g_steal_pointer (&filtered);
  }
  if (bn_caps_is_empty (caps)) {
    g_autofree char *a = bn_caps_to_string (src->templ->caps);
    g_autofree char *b = bn_caps_to_string (sink->templ->caps);
    if (filter) {
      g_autofree char *f = bn_caps_to_string (filter);
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_NEGOTIATION,
                   _("Cannot link %s to %s through filter \"%s\": %s produces \"%s\" "
                      "and %s accepts \"%s\""),
                   src_label, sink_label, f, src_label, a, sink_label, b);
    } else {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_NEGOTIATION,
                   _("Cannot link %s to %s: %s produces \"%s\" but %s accepts \"%s\""), src_label, sink_label,
                   src_label, a, sink_label, b);
    }
    return FALSE;
  }

  src->peer = sink;
  sink->peer = src;
  src->link_caps = bn_caps_ref (caps);
  sink->link_caps = bn_caps_ref (caps);
  return TRUE;
}

/**
 * bn_pad_unlink:
 * @src: a source pad
 * @sink: the sink pad linked to it
 *
 * Undoes bn_pad_link().
 *
 * Since: 0.1
 */
void
bn_pad_unlink (BnPad *src, BnPad *sink)
{
  g_return_if_fail (BN_IS_PAD (src) && BN_IS_PAD (sink));
  g_return_if_fail (src->peer == sink && sink->peer == src);
  src->peer = NULL;
  sink->peer = NULL;
  g_clear_pointer (&src->link_caps, bn_caps_unref);
  g_clear_pointer (&sink->link_caps, bn_caps_unref);
}

/**
 * bn_pad_push:
 * @pad: a linked source pad
 * @item: (transfer full): the item
 *
 * Seals @item and hands it to the peer element's chain function, in the
 * calling thread. An item whose caps do not fit the link is refused: an
 * error message is posted and %BN_FLOW_NOT_NEGOTIATED returned.
 *
 * Returns: what the downstream element returned.
 *
 * Since: 0.1
 */
BnFlowReturn
bn_pad_push (BnPad *pad, BnItem *item)
{
  g_autoptr (BnItem) owned = item;

  g_return_val_if_fail (BN_IS_PAD (pad), BN_FLOW_ERROR);
  g_return_val_if_fail (BN_IS_ITEM (item), BN_FLOW_ERROR);
  g_return_val_if_fail (pad->templ->direction == BN_PAD_SRC, BN_FLOW_ERROR);

  bn_item_seal (item);
  if (pad->parent && bn_element_is_cancelled (pad->parent))
    return BN_FLOW_CANCELLED;
  if (!pad->peer) {
    g_autofree char *label = pad_label (pad);
    if (pad->parent)
      BN_ELEMENT_ERROR (pad->parent, BN_CORE_ERROR, BN_CORE_ERROR_NOT_LINKED, _("Pad %s is not linked"), label);
    return BN_FLOW_NOT_LINKED;
  }
  if (pad->eos) {
    g_autofree char *label = pad_label (pad);
    if (pad->parent)
      BN_ELEMENT_ERROR (pad->parent, BN_CORE_ERROR, BN_CORE_ERROR_STATE, _("Item pushed on %s after end of stream"),
                        label);
    return BN_FLOW_ERROR;
  }
  if (!bn_caps_can_intersect (bn_item_get_caps (item), pad->link_caps)) {
    g_autofree char *label = pad_label (pad);
    g_autofree char *peer_label = pad_label (pad->peer);
    g_autofree char *ic = bn_caps_to_string (bn_item_get_caps (item));
    g_autofree char *lc = bn_caps_to_string (pad->link_caps);
    if (pad->parent)
      BN_ELEMENT_ERROR (pad->parent, BN_CORE_ERROR, BN_CORE_ERROR_NEGOTIATION,
                        _("Item \"%s\" pushed on %s does not fit the link to %s (\"%s\")"), ic, label, peer_label, lc);
    return BN_FLOW_NOT_NEGOTIATED;
  }

  BnPad *peer = pad->peer;
  BnElement *element = peer->parent;
  BnElementClass *klass = BN_ELEMENT_GET_CLASS (element);
  pad->items++;
  peer->items++;
  if (!klass->chain) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_FAILED,
                      _("Element %s has a sink pad but no chain function"), bn_element_get_name (element));
    return BN_FLOW_ERROR;
  }
  return klass->chain (element, peer, g_steal_pointer (&owned));
}

/**
 * bn_pad_push_eos:
 * @pad: a linked source pad
 *
 * Tells the downstream element that no more items will come through
 * @pad. Pushing end of stream twice is harmless.
 *
 * Returns: what the downstream element returned.
 *
 * Since: 0.1
 */
BnFlowReturn
bn_pad_push_eos (BnPad *pad)
{
  g_return_val_if_fail (BN_IS_PAD (pad), BN_FLOW_ERROR);
  g_return_val_if_fail (pad->templ->direction == BN_PAD_SRC, BN_FLOW_ERROR);

  if (pad->eos)
    return BN_FLOW_OK;
  pad->eos = TRUE;
  if (!pad->peer)
    return BN_FLOW_NOT_LINKED;
  BnPad *peer = pad->peer;
  peer->eos = TRUE;
  BnElement *element = peer->parent;
  return BN_ELEMENT_GET_CLASS (element)->sink_eos (element, peer);
}
