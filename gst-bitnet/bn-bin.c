/* gst-bitnet: containers of elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-bin.h"
#include "bn-private.h"

/**
 * SECTION:bn-bin
 * @title: BnBin
 * @short_description: an element holding other elements
 *
 * A bin owns its children; names are unique within a bin. #BnPipeline is
 * the top-level bin that runs the graph.
 *
 * A bin gives each child it adds a bus of its own (bn_element_set_bus()).
 * Every message a child posts there reaches #BnBinClass.handle_message in
 * the posting thread; the default passes it on to the bin's own bus, so
 * messages rise from bin to bin up to the pipeline, which records the
 * first error and hands the messages to the application. No child ever
 * calls its bin or its pipeline.
 */

typedef struct {
  GPtrArray *children; /* BnElement*, owned */
  BnBus *child_bus;    /* given to each child; its sync handler is handle_message */
} BnBinPrivate;

/**
 * BnBin:
 *
 * An element that holds other elements.
 *
 * Since: 0.1
 */
G_DEFINE_TYPE_WITH_PRIVATE (BnBin, bn_bin, BN_TYPE_ELEMENT)

static void
forget_child (BnElement *child)
{
  _bn_element_set_parent (child, NULL);
  bn_element_set_bus (child, NULL);
}

static BnBusSyncReply
on_child_message (BnBus *bus, BnMessage *message, gpointer user_data)
{
  BnBin *bin = user_data;
  BN_BIN_GET_CLASS (bin)->handle_message (bin, g_object_ref (message));
  return BN_BUS_DROP;
}

static void
bn_bin_default_handle_message (BnBin *bin, BnMessage *message)
{
  bn_element_post_message (BN_ELEMENT (bin), message);
}

static void
bn_bin_dispose (GObject *object)
{
  BnBinPrivate *priv = bn_bin_get_instance_private (BN_BIN (object));
  if (priv->children) {
    for (guint i = 0; i < priv->children->len; i++)
      forget_child (priv->children->pdata[i]);
    g_ptr_array_set_size (priv->children, 0);
  }
  if (priv->child_bus)
    bn_bus_set_sync_handler (priv->child_bus, NULL, NULL, NULL);
  g_clear_object (&priv->child_bus);
  G_OBJECT_CLASS (bn_bin_parent_class)->dispose (object);
}

static void
bn_bin_finalize (GObject *object)
{
  BnBinPrivate *priv = bn_bin_get_instance_private (BN_BIN (object));
  g_ptr_array_unref (priv->children);
  G_OBJECT_CLASS (bn_bin_parent_class)->finalize (object);
}

static void
bn_bin_class_init (BnBinClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = bn_bin_dispose;
  G_OBJECT_CLASS (klass)->finalize = bn_bin_finalize;
  klass->handle_message = bn_bin_default_handle_message;
  bn_element_class_set_metadata (BN_ELEMENT_CLASS (klass), "Bin", "Generic/Bin", "Holds other elements", "gst-bitnet");
}

static void
bn_bin_init (BnBin *self)
{
  BnBinPrivate *priv = bn_bin_get_instance_private (self);
  priv->children = g_ptr_array_new_with_free_func (g_object_unref);
  priv->child_bus = bn_bus_new ();
  bn_bus_set_sync_handler (priv->child_bus, on_child_message, self, NULL);
}

/**
 * bn_bin_new:
 * @name: (nullable): the bin's name
 *
 * Creates a new, empty bin.
 *
 * Returns: (transfer floating): a new, empty bin.
 *
 * Since: 0.1
 */
BnElement *
bn_bin_new (const char *name)
{
  return g_object_new (BN_TYPE_BIN, "name", name, NULL);
}

/**
 * bn_bin_add:
 * @bin: a bin
 * @element: (transfer floating): an element without a parent
 *
 * Adds @element to @bin, sinking its floating reference, and gives it the
 * bus on which @bin handles its children's messages.
 *
 * Returns: %TRUE, or %FALSE (with a critical warning) when @element already
 *   has a parent or its name is taken in @bin.
 *
 * Since: 0.1
 */
gboolean
bn_bin_add (BnBin *bin, BnElement *element)
{
  g_return_val_if_fail (BN_IS_BIN (bin), FALSE);
  g_return_val_if_fail (BN_IS_ELEMENT (element), FALSE);
  g_return_val_if_fail ((gpointer) bin != (gpointer) element, FALSE);
  BnBinPrivate *priv = bn_bin_get_instance_private (bin);

  if (bn_element_get_parent (element)) {
    g_critical ("Element %s already has a parent", bn_element_get_name (element));
    return FALSE;
  }
  for (guint i = 0; i < priv->children->len; i++)
    if (!g_strcmp0 (bn_element_get_name (priv->children->pdata[i]), bn_element_get_name (element))) {
      g_critical ("Name %s is already taken in bin %s", bn_element_get_name (element),
                  bn_element_get_name (BN_ELEMENT (bin)));
      g_object_ref_sink (element);
      g_object_unref (element);
      return FALSE;
    }
  g_ptr_array_add (priv->children, g_object_ref_sink (element));
  _bn_element_set_parent (element, BN_ELEMENT (bin));
  bn_element_set_bus (element, priv->child_bus);
  return TRUE;
}

/**
 * bn_bin_add_many:
 * @bin: a bin
 * @first: (transfer floating): an element
 * @...: more elements, ending with %NULL
 *
 * Adds several elements.
 *
 * Since: 0.1
 */
void
bn_bin_add_many (BnBin *bin, BnElement *first, ...)
{
  va_list ap;
  va_start (ap, first);
  for (BnElement *e = first; e; e = va_arg (ap, BnElement *))
    bn_bin_add (bin, e);
  va_end (ap);
}

/**
 * bn_bin_remove:
 * @bin: a bin
 * @element: one of its children
 *
 * Removes and unreferences @element.
 *
 * Returns: %TRUE if @element was a child.
 *
 * Since: 0.1
 */
gboolean
bn_bin_remove (BnBin *bin, BnElement *element)
{
  g_return_val_if_fail (BN_IS_BIN (bin), FALSE);
  BnBinPrivate *priv = bn_bin_get_instance_private (bin);
  if (bn_element_get_parent (element) != BN_ELEMENT (bin))
    return FALSE;
  forget_child (element);
  return g_ptr_array_remove (priv->children, element);
}

/**
 * bn_bin_get_by_name:
 * @bin: a bin
 * @name: an element name
 *
 * Looks for @name among the children, then recursively in child bins.
 *
 * Returns: (transfer none) (nullable): the element, or %NULL.
 *
 * Since: 0.1
 */
BnElement *
bn_bin_get_by_name (BnBin *bin, const char *name)
{
  g_return_val_if_fail (BN_IS_BIN (bin), NULL);
  BnBinPrivate *priv = bn_bin_get_instance_private (bin);
  for (guint i = 0; i < priv->children->len; i++)
    if (!g_strcmp0 (bn_element_get_name (priv->children->pdata[i]), name))
      return priv->children->pdata[i];
  for (guint i = 0; i < priv->children->len; i++)
    if (BN_IS_BIN (priv->children->pdata[i])) {
      BnElement *e = bn_bin_get_by_name (priv->children->pdata[i], name);
      if (e)
        return e;
    }
  return NULL;
}

/**
 * bn_bin_get_n_children:
 * @bin: a bin
 *
 * Gets the number of direct children.
 *
 * Returns: the number of direct children.
 *
 * Since: 0.1
 */
guint
bn_bin_get_n_children (BnBin *bin)
{
  g_return_val_if_fail (BN_IS_BIN (bin), 0);
  BnBinPrivate *priv = bn_bin_get_instance_private (bin);
  return priv->children->len;
}

/**
 * bn_bin_get_child:
 * @bin: a bin
 * @index: below bn_bin_get_n_children()
 *
 * Gets the child at @index, in the order added.
 *
 * Returns: (transfer none): the child at @index, in the order added.
 *
 * Since: 0.1
 */
BnElement *
bn_bin_get_child (BnBin *bin, guint index)
{
  g_return_val_if_fail (BN_IS_BIN (bin), NULL);
  BnBinPrivate *priv = bn_bin_get_instance_private (bin);
  g_return_val_if_fail (index < priv->children->len, NULL);
  return priv->children->pdata[index];
}

static void
collect (BnBin *bin, GPtrArray *out)
{
  BnBinPrivate *priv = bn_bin_get_instance_private (bin);
  for (guint i = 0; i < priv->children->len; i++) {
    BnElement *e = priv->children->pdata[i];
    if (BN_IS_BIN (e))
      collect (BN_BIN (e), out);
    else
      g_ptr_array_add (out, e);
  }
}

/**
 * bn_bin_get_elements_recursive:
 * @bin: a bin
 *
 * Gets every element that is not a bin, inside @bin and its child bins, in the order added.
 *
 * Returns: (transfer container) (element-type BnElement): every element
 *   that is not a bin, inside @bin and its child bins, in the order added.
 *
 * Since: 0.1
 */
GPtrArray *
bn_bin_get_elements_recursive (BnBin *bin)
{
  g_return_val_if_fail (BN_IS_BIN (bin), NULL);
  GPtrArray *out = g_ptr_array_new ();
  collect (bin, out);
  return out;
}
