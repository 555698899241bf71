/* gst-bitnet: registration of the models plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-model-elements.h"

/* Posts the model summary as information (bn-launch -v) and as a
 * structured element message named "model-info". */
void
bn_post_model_info (BnElement *element, BnModel *model)
{
  g_autofree char *text = bn_model_describe (model);
  bn_element_post_info (element, text);
  GVariantDict d;
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "architecture", "s", bn_model_get_architecture (model));
  g_variant_dict_insert (&d, "weight-format", "s", bn_model_get_weight_format (model));
  g_variant_dict_insert (&d, "parameters", "t", bn_model_get_n_params (model));
  g_variant_dict_insert (&d, "ternary-parameters", "t", bn_model_get_n_ternary_params (model));
  g_variant_dict_insert (&d, "tensor-bytes", "t", bn_model_get_tensor_bytes (model));
  g_variant_dict_insert (&d, "fingerprint", "s", bn_model_get_fingerprint (model));
  g_variant_dict_insert (&d, "load-time-us", "x", bn_model_get_load_time (model));
  if (bn_model_get_path (model)) {
    g_variant_dict_insert (&d, "path", "s", bn_model_get_path (model));
    g_variant_dict_insert (&d, "file-size", "t", bn_model_get_file_size (model));
    g_variant_dict_insert (&d, "mapped-bytes", "t", bn_model_get_mapped_bytes (model));
  }
  bn_element_post_message (element, bn_message_new_element (element, "model-info", g_variant_dict_end (&d)));
}

static gboolean
plugin_init (BnPlugin *plugin, GError **error)
{
  return bn_element_register (plugin, "loader", 0, BN_TYPE_LOADER)
         && bn_element_register (plugin, "fixture-src", 0, BN_TYPE_FIXTURE_SRC)
         && bn_element_register (plugin, "model-sink", 0, BN_TYPE_MODEL_SINK);
}

BN_PLUGIN_DEFINE (models, "Models: GGUF loader, fixture synthesis, GGUF writer", plugin_init, BN_VERSION,
                  "LGPL-2.1-or-later", "gst-bitnet", "gst-bitnet project")
