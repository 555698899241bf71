/* gst-bitnet: registration of the engine plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-engine-elements.h"

static gboolean
plugin_init (BnPlugin *plugin, GError **error)
{
  return bn_element_register (plugin, "kernel-executor", 0, BN_TYPE_KERNEL_EXECUTOR)
         && bn_element_register (plugin, "mock-executor", 0, BN_TYPE_MOCK_EXECUTOR);
}

BN_PLUGIN_DEFINE (engine, "Inference: kernel-executor (real), mock-executor (fabricated, for tests)", plugin_init,
                  BN_VERSION, "LGPL-2.1-or-later", "gst-bitnet", "gst-bitnet project")
