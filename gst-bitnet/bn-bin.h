/* gst-bitnet: containers of elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_INSIDE) && !defined(BN_COMPILATION)
#error "Only <gst-bitnet/bn.h> can be included directly."
#endif

#include <gst-bitnet/bn-element.h>

G_BEGIN_DECLS

#define BN_TYPE_BIN (bn_bin_get_type ())
BN_API
G_DECLARE_DERIVABLE_TYPE (BnBin, bn_bin, BN, BIN, BnElement)

/**
 * BnBinClass:
 * @parent_class: the parent class
 * @handle_message: called in the posting thread for each message a child
 *   posts (transfer full). The default posts it on the bin's own bus, or
 *   logs it when the bin has none (see bn_element_post_message()).
 *   Subclasses that chain up keep messages rising to the application.
 *   Since: 0.2
 *
 * The class of bins.
 *
 * Since: 0.1
 */
struct _BnBinClass {
  BnElementClass parent_class;

  void (*handle_message) (BnBin *bin, BnMessage *message);

  /*< private >*/
  gpointer padding[7];
};

BN_API BnElement *bn_bin_new (const char *name);
BN_API gboolean bn_bin_add (BnBin *bin, BnElement *element);
BN_API void bn_bin_add_many (BnBin *bin, BnElement *first, ...) G_GNUC_NULL_TERMINATED;
BN_API gboolean bn_bin_remove (BnBin *bin, BnElement *element);
BN_API BnElement *bn_bin_get_by_name (BnBin *bin, const char *name);
BN_API guint bn_bin_get_n_children (BnBin *bin);
BN_API BnElement *bn_bin_get_child (BnBin *bin, guint index);
BN_API GPtrArray *bn_bin_get_elements_recursive (BnBin *bin);

G_END_DECLS
