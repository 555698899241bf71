/* gst-bitnet: registration of the kernels plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-kernel-elements.h"

static gboolean
plugin_init (BnPlugin *plugin, GError **error)
{
  char err[256];
  /* BITNET_KERNEL is checked once here so a bad value is reported early */
  if (bn_kernels_init (err, sizeof err) != 0)
    g_warning ("%s", err);
  return bn_element_register (plugin, "quantizer", 0, BN_TYPE_QUANTIZER)
         && bn_element_register (plugin, "kernel-bench", 0, BN_TYPE_KERNEL_BENCH)
         && bn_element_register (plugin, "summary-sink", 0, BN_TYPE_SUMMARY_SINK);
}

BN_PLUGIN_DEFINE (kernels, "Ternary kernels: quantizer, kernel-bench, summary-sink", plugin_init, BN_VERSION,
                  "LGPL-2.1-or-later", "gst-bitnet", "gst-bitnet project")
