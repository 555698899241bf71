/* gst-bitnet: registration of the receipts plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-receipt-elements.h"

static gboolean
plugin_init (BnPlugin *plugin, GError **error)
{
  return bn_element_register (plugin, "receipt-sink", 0, BN_TYPE_RECEIPT_SINK)
         && bn_element_register (plugin, "receipt-src", 0, BN_TYPE_RECEIPT_SRC)
         && bn_element_register (plugin, "strict-validator", 0, BN_TYPE_STRICT_VALIDATOR);
}

BN_PLUGIN_DEFINE (receipts, "Receipts and strict validation: receipt-sink, receipt-src, strict-validator", plugin_init,
                  BN_VERSION, "LGPL-2.1-or-later", "gst-bitnet", "gst-bitnet project")
