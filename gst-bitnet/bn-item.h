/* gst-bitnet: payload items flowing between elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_INSIDE) && !defined(BN_COMPILATION)
#error "Only <gst-bitnet/bn.h> can be included directly."
#endif

#include <glib-object.h>
#include <gst-bitnet/bn-export.h>
#include <gst-bitnet/bn-caps.h>

G_BEGIN_DECLS

#define BN_TYPE_ITEM (bn_item_get_type ())
BN_API
G_DECLARE_DERIVABLE_TYPE (BnItem, bn_item, BN, ITEM, GObject)

/**
 * BnItemClass:
 * @parent_class: the parent class
 *
 * The class of payload items. Subclasses (models, runs, verdicts...) add
 * their own data and must refuse changes once bn_item_is_sealed() is true.
 *
 * Since: 0.1
 */
struct _BnItemClass {
  GObjectClass parent_class;

  /*< private >*/
  gpointer padding[8];
};

BN_API BnItem *bn_item_new (BnCaps *caps);
BN_API BnCaps *bn_item_get_caps (BnItem *item);
BN_API void bn_item_set_caps (BnItem *item, BnCaps *caps);
BN_API void bn_item_seal (BnItem *item);
BN_API gboolean bn_item_is_sealed (BnItem *item);

/**
 * BN_ITEM_CHECK_WRITABLE:
 * @item: a #BnItem
 *
 * Returns from the current function (which returns void) with a critical
 * warning when @item was already pushed and is therefore immutable.
 *
 * Since: 0.1
 */
#define BN_ITEM_CHECK_WRITABLE(item) g_return_if_fail (!bn_item_is_sealed (BN_ITEM (item)))

G_END_DECLS
