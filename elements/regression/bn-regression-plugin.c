/* gst-bitnet: registration of the regression plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-regression-elements.h"

static gboolean
plugin_init (BnPlugin *plugin, GError **error)
{
  return bn_element_register (plugin, "regression-analyzer", 0, BN_TYPE_REGRESSION_ANALYZER)
         && bn_element_register (plugin, "baseline-sink", 0, BN_TYPE_BASELINE_SINK)
         && bn_element_register (plugin, "report-sink", 0, BN_TYPE_REPORT_SINK)
         && bn_element_register (plugin, "baselines-src", 0, BN_TYPE_BASELINES_SRC)
         && bn_element_register (plugin, "regression-calibrator", 0, BN_TYPE_REGRESSION_CALIBRATOR);
}

BN_PLUGIN_DEFINE (regression,
                  "Baselines, regression verdicts and reports: regression-analyzer, baseline-sink, "
                  "report-sink, baselines-src, regression-calibrator",
                  plugin_init, BN_VERSION, "LGPL-2.1-or-later", "gst-bitnet", "gst-bitnet project")
