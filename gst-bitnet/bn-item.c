/* gst-bitnet: payload items
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-item.h"

/**
 * SECTION:bn-item
 * @title: BnItem
 * @short_description: the payloads that flow between elements
 *
 * An item is a GObject carrying one payload (a model, a run result, a
 * verdict...) together with the #BnCaps that describe it. Pushing an item
 * seals it: from then on it is immutable and may be shared by reference
 * between the branches of a `tee` without copying.
 */

typedef struct {
  BnCaps *caps;
  gint sealed;
} BnItemPrivate;

/**
 * BnItem:
 *
 * A payload flowing between elements; immutable once pushed.
 *
 * Since: 0.1
 */
G_DEFINE_TYPE_WITH_PRIVATE (BnItem, bn_item, G_TYPE_OBJECT)

enum { PROP_0, PROP_CAPS, PROP_SEALED, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
bn_item_finalize (GObject *object)
{
  BnItemPrivate *priv = bn_item_get_instance_private (BN_ITEM (object));
  g_clear_pointer (&priv->caps, bn_caps_unref);
  G_OBJECT_CLASS (bn_item_parent_class)->finalize (object);
}

static void
bn_item_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnItem *self = BN_ITEM (object);
  switch (id) {
  case PROP_CAPS: g_value_set_boxed (value, bn_item_get_caps (self)); break;
  case PROP_SEALED: g_value_set_boolean (value, bn_item_is_sealed (self)); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_item_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  switch (id) {
  case PROP_CAPS:
    if (g_value_get_boxed (value))
      bn_item_set_caps (BN_ITEM (object), g_value_get_boxed (value));
    break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_item_class_init (BnItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bn_item_finalize;
  object_class->get_property = bn_item_get_property;
  object_class->set_property = bn_item_set_property;

  /**
   * BnItem:caps:
   *
   * What the item is, as caps with one structure.
   *
   * Since: 0.1
   */
  props[PROP_CAPS] =
      g_param_spec_boxed ("caps", "Caps", "What the item is", BN_TYPE_CAPS, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /**
   * BnItem:sealed:
   *
   * Whether the item was pushed and is therefore immutable.
   *
   * Since: 0.1
   */
  props[PROP_SEALED] = g_param_spec_boolean ("sealed", "Sealed", "Whether the item was pushed and is immutable", FALSE,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
bn_item_init (BnItem *self)
{
  BnItemPrivate *priv = bn_item_get_instance_private (self);
  priv->caps = bn_caps_new_any ();
}

/**
 * bn_item_new:
 * @caps: (nullable): what the item is; %NULL means `ANY`
 *
 * Creates a plain item that carries no data besides its caps (used by
 * `fakesrc` and tests).
 *
 * Returns: (transfer full): a new item.
 *
 * Since: 0.1
 */
BnItem *
bn_item_new (BnCaps *caps)
{
  return g_object_new (BN_TYPE_ITEM, "caps", caps, NULL);
}

/**
 * bn_item_get_caps:
 * @item: an item
 *
 * Gets the caps of @item.
 *
 * Returns: (transfer none): the caps of @item.
 *
 * Since: 0.1
 */
BnCaps *
bn_item_get_caps (BnItem *item)
{
  g_return_val_if_fail (BN_IS_ITEM (item), NULL);
  BnItemPrivate *priv = bn_item_get_instance_private (item);
  return priv->caps;
}

/**
 * bn_item_set_caps:
 * @item: an item not yet sealed
 * @caps: the new caps
 *
 * Replaces the caps of @item.
 *
 * Since: 0.1
 */
void
bn_item_set_caps (BnItem *item, BnCaps *caps)
{
  g_return_if_fail (BN_IS_ITEM (item));
  g_return_if_fail (caps != NULL);
  BN_ITEM_CHECK_WRITABLE (item);
  BnItemPrivate *priv = bn_item_get_instance_private (item);
  BnCaps *old = priv->caps;
  priv->caps = bn_caps_ref (caps);
  if (old)
    bn_caps_unref (old);
  g_object_notify_by_pspec (G_OBJECT (item), props[PROP_CAPS]);
}

/**
 * bn_item_seal:
 * @item: an item
 *
 * Makes @item immutable. Pushing an item seals it; sealing twice is
 * harmless.
 *
 * Since: 0.1
 */
void
bn_item_seal (BnItem *item)
{
  g_return_if_fail (BN_IS_ITEM (item));
  BnItemPrivate *priv = bn_item_get_instance_private (item);
  g_atomic_int_set (&priv->sealed, 1);
}

/**
 * bn_item_is_sealed:
 * @item: an item
 *
 * Checks whether @item is immutable.
 *
 * Returns: whether @item is immutable.
 *
 * Since: 0.1
 */
gboolean
bn_item_is_sealed (BnItem *item)
{
  g_return_val_if_fail (BN_IS_ITEM (item), TRUE);
  BnItemPrivate *priv = bn_item_get_instance_private (item);
  return g_atomic_int_get (&priv->sealed) != 0;
}
