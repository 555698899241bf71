/* gst-bitnet: plugins and element factories
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_INSIDE) && !defined(BN_COMPILATION)
#error "Only <gst-bitnet/bn.h> can be included directly."
#endif

#include <gmodule.h>
#include <gst-bitnet/bn-element.h>
#include <gst-bitnet/bn-version.h>

G_BEGIN_DECLS

/**
 * BnPluginInitFunc:
 * @plugin: the plugin being loaded
 * @error: return location for a #GError
 *
 * Registers a plugin's elements with bn_element_register().
 *
 * Returns: %TRUE on success.
 *
 * Since: 0.1
 */
typedef gboolean (*BnPluginInitFunc) (BnPlugin *plugin, GError **error);

/**
 * BnPluginDesc:
 * @major_version: the major version of gst-bitnet the plugin was built for
 * @minor_version: the minor version
 * @name: the plugin's name
 * @description: what it provides
 * @init: registers its elements
 * @version: the plugin's own version
 * @license: its license
 * @package: the package shipping it
 * @origin: where it comes from (a URL or organisation)
 *
 * What a plugin module exports as the symbol `bn_plugin_desc` (use
 * BN_PLUGIN_DEFINE()).
 *
 * Since: 0.1
 */
typedef struct {
  int major_version;
  int minor_version;
  const char *name;
  const char *description;
  BnPluginInitFunc init;
  const char *version;
  const char *license;
  const char *package;
  const char *origin;
} BnPluginDesc;

/**
 * BN_PLUGIN_DEFINE:
 * @name: the plugin's name, a C identifier
 * @description: what it provides
 * @init: a #BnPluginInitFunc
 * @version: the plugin's version string
 * @license: its license
 * @package: the package shipping it
 * @origin: where it comes from
 *
 * Declares the descriptor that lets bn_init() load a plugin module found
 * in `BN_PLUGIN_PATH` or the system plugin directory.
 *
 * Since: 0.1
 */
#define BN_PLUGIN_DEFINE(name, description, init, version, license, package, origin)                                   \
  G_MODULE_EXPORT const BnPluginDesc bn_plugin_desc = {                                                                \
    BN_VERSION_MAJOR, BN_VERSION_MINOR, #name, description, init, version, license, package, origin                    \
  };

#define BN_TYPE_PLUGIN (bn_plugin_get_type ())
BN_API
G_DECLARE_FINAL_TYPE (BnPlugin, bn_plugin, BN, PLUGIN, GObject)

BN_API const char *bn_plugin_get_name (BnPlugin *plugin);
BN_API const char *bn_plugin_get_description (BnPlugin *plugin);
BN_API const char *bn_plugin_get_version (BnPlugin *plugin);
BN_API const char *bn_plugin_get_license (BnPlugin *plugin);
BN_API const char *bn_plugin_get_filename (BnPlugin *plugin);
BN_API gboolean bn_plugin_register_static (const BnPluginDesc *desc, GError **error);
BN_API BnPlugin *bn_plugin_load_file (const char *filename, GError **error);

#define BN_TYPE_ELEMENT_FACTORY (bn_element_factory_get_type ())
BN_API
G_DECLARE_FINAL_TYPE (BnElementFactory, bn_element_factory, BN, ELEMENT_FACTORY, GObject)

BN_API gboolean bn_element_register (BnPlugin *plugin, const char *name, guint rank, GType type);
BN_API BnElementFactory *bn_element_factory_find (const char *name);
BN_API BnElement *bn_element_factory_make (const char *factory_name, const char *name);
BN_API BnElement *bn_element_factory_create (BnElementFactory *factory, const char *name);
BN_API const char *bn_element_factory_get_name (BnElementFactory *factory);
BN_API GType bn_element_factory_get_element_type (BnElementFactory *factory);
BN_API BnPlugin *bn_element_factory_get_plugin (BnElementFactory *factory);
BN_API const char *bn_element_factory_get_metadata (BnElementFactory *factory, const char *key);
BN_API GList *bn_element_factory_get_pad_templates (BnElementFactory *factory);

BN_API GPtrArray *bn_registry_get_factories (void);
BN_API GPtrArray *bn_registry_get_plugins (void);
BN_API guint bn_registry_scan_path (const char *directory);

G_END_DECLS
