/* gst-bitnet: registration of the crossval plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-crossval-elements.h"

static gboolean
plugin_init (BnPlugin *plugin, GError **error)
{
  return bn_element_register (plugin, "reference-executor", 0, BN_TYPE_REFERENCE_EXECUTOR)
         && bn_element_register (plugin, "crossval", 0, BN_TYPE_CROSSVAL);
}

BN_PLUGIN_DEFINE (crossval, "Cross-validation against llama.cpp: reference-executor, crossval", plugin_init, BN_VERSION,
                  "LGPL-2.1-or-later", "gst-bitnet", "gst-bitnet project")
