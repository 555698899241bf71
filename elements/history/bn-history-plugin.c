/* gst-bitnet: registration of the history plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-history-elements.h"

static gboolean
plugin_init (BnPlugin *plugin, GError **error)
{
  return bn_element_register (plugin, "history-sink", 0, BN_TYPE_HISTORY_SINK)
         && bn_element_register (plugin, "history-src", 0, BN_TYPE_HISTORY_SRC)
         && bn_element_register (plugin, "changepoint-analyzer", 0, BN_TYPE_CHANGEPOINT_ANALYZER)
         && bn_element_register (plugin, "trend-sink", 0, BN_TYPE_TREND_SINK);
}

BN_PLUGIN_DEFINE (history, "Performance history: history-sink, history-src, changepoint-analyzer, trend-sink",
                  plugin_init, BN_VERSION, "LGPL-2.1-or-later", "gst-bitnet", "gst-bitnet project")
