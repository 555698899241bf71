/* gst-bitnet: registration of the coreelements plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-core-elements.h"

static gboolean
plugin_init (BnPlugin *plugin, GError **error)
{
  return bn_element_register (plugin, "tee", 0, BN_TYPE_TEE)
         && bn_element_register (plugin, "fakesrc", 0, BN_TYPE_FAKE_SRC)
         && bn_element_register (plugin, "fakesink", 0, BN_TYPE_FAKE_SINK);
}

BN_PLUGIN_DEFINE (coreelements, "Composition and test elements: tee, fakesrc, fakesink", plugin_init, BN_VERSION,
                  "LGPL-2.1-or-later", "gst-bitnet", "gst-bitnet project")
