/* gst-bitnet: plugins, element factories and the registry
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-plugin.h"
#include "bn-error.h"
#include "bn-private.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

/**
 * SECTION:bn-plugin
 * @title: Plugins and factories
 * @short_description: how elements are found by name
 *
 * Elements live in plugins: shared modules that export a #BnPluginDesc
 * (see BN_PLUGIN_DEFINE()). bn_init() loads every module in the
 * directories of `BN_PLUGIN_PATH` (separated by `:`), then those of
 * `BN_PLUGIN_SYSTEM_PATH` or, when that is unset, the installed plugin
 * directory. Each plugin registers element factories by name;
 * bn_element_factory_make() creates elements from them. Programs may also
 * register elements they contain with bn_plugin_register_static().
 *
 * When two plugins register the same element name, the first one loaded
 * wins and a warning names both.
 */

/**
 * BnPlugin:
 *
 * A loaded plugin module and the elements it registered.
 *
 * Since: 0.1
 */
struct _BnPlugin {
  GObject parent_instance;
  const BnPluginDesc *desc;
  char *filename;
  GModule *module;
};

G_DEFINE_FINAL_TYPE (BnPlugin, bn_plugin, G_TYPE_OBJECT)

/**
 * BnElementFactory:
 *
 * Creates elements of one registered type by name.
 *
 * Since: 0.1
 */
struct _BnElementFactory {
  GObject parent_instance;
  char *name;
  GType type;
  guint rank;
  BnPlugin *plugin; /* not owned: plugins live as long as the registry */
  gint counter;
};

G_DEFINE_FINAL_TYPE (BnElementFactory, bn_element_factory, G_TYPE_OBJECT)

static GMutex registry_lock;
static GHashTable *registry_factories; /* name -> BnElementFactory, owned */
static GPtrArray *registry_plugins;    /* BnPlugin, owned */

static void
registry_ensure (void)
{
  if (!registry_factories) {
    registry_factories = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
    registry_plugins = g_ptr_array_new_with_free_func (g_object_unref);
  }
}

static void
bn_plugin_finalize (GObject *object)
{
  BnPlugin *self = BN_PLUGIN (object);
  g_free (self->filename);
  /* modules stay resident: their types are registered for the process */
  G_OBJECT_CLASS (bn_plugin_parent_class)->finalize (object);
}

static void
bn_plugin_class_init (BnPluginClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bn_plugin_finalize;
}

static void
bn_plugin_init (BnPlugin *self)
{
}

/**
 * bn_plugin_get_name:
 * @plugin: a plugin
 *
 * Gets the plugin's name.
 *
 * Returns: (transfer none): the plugin's name.
 *
 * Since: 0.1
 */
const char *
bn_plugin_get_name (BnPlugin *plugin)
{
  g_return_val_if_fail (BN_IS_PLUGIN (plugin), NULL);
  return plugin->desc->name;
}

/**
 * bn_plugin_get_description:
 * @plugin: a plugin
 *
 * Gets what the plugin provides.
 *
 * Returns: (transfer none): what the plugin provides.
 *
 * Since: 0.1
 */
const char *
bn_plugin_get_description (BnPlugin *plugin)
{
  g_return_val_if_fail (BN_IS_PLUGIN (plugin), NULL);
  return plugin->desc->description;
}

/**
 * bn_plugin_get_version:
 * @plugin: a plugin
 *
 * Gets the plugin's version.
 *
 * Returns: (transfer none): the plugin's version.
 *
 * Since: 0.1
 */
const char *
bn_plugin_get_version (BnPlugin *plugin)
{
  g_return_val_if_fail (BN_IS_PLUGIN (plugin), NULL);
  return plugin->desc->version;
}

/**
 * bn_plugin_get_license:
 * @plugin: a plugin
 *
 * Gets the plugin's license.
 *
 * Returns: (transfer none): the plugin's license.
 *
 * Since: 0.1
 */
const char *
bn_plugin_get_license (BnPlugin *plugin)
{
  g_return_val_if_fail (BN_IS_PLUGIN (plugin), NULL);
  return plugin->desc->license;
}

/**
 * bn_plugin_get_filename:
 * @plugin: a plugin
 *
 * Gets the module file, or %NULL for a plugin registered statically.
 *
 * Returns: (transfer none) (nullable): the module file, or %NULL for a
 *   plugin registered statically.
 *
 * Since: 0.1
 */
const char *
bn_plugin_get_filename (BnPlugin *plugin)
{
  g_return_val_if_fail (BN_IS_PLUGIN (plugin), NULL);
  return plugin->filename;
}

static BnPlugin *
plugin_register (const BnPluginDesc *desc, const char *filename, GModule *module, GError **error)
{
  if (desc->major_version != BN_VERSION_MAJOR || desc->minor_version > BN_VERSION_MINOR) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_PLUGIN,
                 _("Plugin %s (%s) was built for gst-bitnet %d.%d, this is %d.%d; rebuild it"), desc->name,
                 filename ? filename : "static", desc->major_version, desc->minor_version, BN_VERSION_MAJOR,
                 BN_VERSION_MINOR);
    return NULL;
  }
  g_mutex_lock (&registry_lock);
  registry_ensure ();
  for (guint i = 0; i < registry_plugins->len; i++)
    if (!strcmp (bn_plugin_get_name (registry_plugins->pdata[i]), desc->name)) {
      BnPlugin *existing = registry_plugins->pdata[i];
      g_mutex_unlock (&registry_lock);
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_PLUGIN,
                   _("Plugin %s from %s is already loaded from %s; skipped"), desc->name,
                   filename ? filename : "static", existing->filename ? existing->filename : "static");
      return NULL;
    }
  BnPlugin *plugin = g_object_new (BN_TYPE_PLUGIN, NULL);
  plugin->desc = desc;
  plugin->filename = g_strdup (filename);
  plugin->module = module;
  g_ptr_array_add (registry_plugins, plugin);
  g_mutex_unlock (&registry_lock);

  if (!desc->init (plugin, error)) {
    g_prefix_error (error, _("Plugin %s failed to initialize: "), desc->name);
    return NULL;
  }
  return plugin;
}

/**
 * bn_plugin_register_static:
 * @desc: a plugin descriptor compiled into the program
 * @error: return location for a #GError
 *
 * Registers the elements of a plugin that is part of the program rather
 * than a module.
 *
 * Returns: %TRUE on success.
 *
 * Since: 0.1
 */
gboolean
bn_plugin_register_static (const BnPluginDesc *desc, GError **error)
{
  g_return_val_if_fail (desc != NULL, FALSE);
  return plugin_register (desc, NULL, NULL, error) != NULL;
}

/**
 * bn_plugin_load_file:
 * @filename: path of a plugin module
 * @error: return location for a #GError
 *
 * Loads a plugin module and registers its elements.
 *
 * Returns: (transfer none) (nullable): the plugin, owned by the registry.
 *
 * Since: 0.1
 */
BnPlugin *
bn_plugin_load_file (const char *filename, GError **error)
{
  g_return_val_if_fail (filename != NULL, NULL);
  GModule *module = g_module_open (filename, G_MODULE_BIND_LOCAL);
  if (!module) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_PLUGIN, _("Cannot load plugin %s: %s"), filename,
                 g_module_error ());
    return NULL;
  }
  gpointer sym = NULL;
  if (!g_module_symbol (module, "bn_plugin_desc", &sym) || !sym) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_PLUGIN,
                 _("%s is not a gst-bitnet plugin: it has no bn_plugin_desc symbol "
                    "(use BN_PLUGIN_DEFINE)"),
                 filename);
    g_module_close (module);
    return NULL;
  }
  BnPlugin *plugin = plugin_register (sym, filename, module, error);
  if (!plugin) {
    g_module_close (module);
    return NULL;
  }
  g_module_make_resident (module);
  return plugin;
}

static gint
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Whether the module at @path is already loaded (a directory listed twice,
 * or reached both directly and through its parent). */
static gboolean
already_loaded (const char *path)
{
  g_autofree char *real = realpath (path, NULL);
  gboolean found = FALSE;
  g_mutex_lock (&registry_lock);
  registry_ensure ();
  for (guint i = 0; i < registry_plugins->len && !found; i++) {
    BnPlugin *p = registry_plugins->pdata[i];
    if (p->filename) {
      g_autofree char *other = realpath (p->filename, NULL);
      found = real && other && !strcmp (real, other);
    }
  }
  g_mutex_unlock (&registry_lock);
  return found;
}

static guint
scan_dir (const char *directory, guint depth)
{
  g_autoptr (GDir) dir = g_dir_open (directory, 0, NULL);
  guint n = 0;
  if (!dir)
    return 0;

  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  for (const char *name; (name = g_dir_read_name (dir));)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, str_ptr_cmp); /* deterministic order */

  for (guint i = 0; i < names->len; i++) {
    const char *name = names->pdata[i];
    g_autofree char *path = g_build_filename (directory, name, NULL);
    if (g_str_has_suffix (name, "." G_MODULE_SUFFIX) && g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
      g_autoptr (GError) error = NULL;
      if (already_loaded (path))
        continue;
      if (bn_plugin_load_file (path, &error))
        n++;
      else
        g_log (BN_LOG_DOMAIN_CORE, G_LOG_LEVEL_WARNING, "%s", error->message);
    } else if (depth > 0 && name[0] != '.' && !g_str_has_suffix (name, ".p") && g_file_test (path, G_FILE_TEST_IS_DIR)
               && !g_file_test (path, G_FILE_TEST_IS_SYMLINK)) {
      n += scan_dir (path, depth - 1);
    }
  }
  return n;
}

/**
 * bn_registry_scan_path:
 * @directory: a directory
 *
 * Loads every plugin module (`*.so`, or the platform's suffix) in
 * @directory and in its subdirectories two levels down, in name order.
 * Modules that fail to load are reported as warnings and skipped.
 *
 * Returns: the number of plugins loaded.
 *
 * Since: 0.1
 */
guint
bn_registry_scan_path (const char *directory)
{
  g_return_val_if_fail (directory != NULL, 0);
  return scan_dir (directory, 2);
}

/**
 * bn_registry_get_plugins:
 *
 * Gets the loaded plugins, in load order.
 *
 * Returns: (transfer container) (element-type BnPlugin): the loaded
 *   plugins, in load order.
 *
 * Since: 0.1
 */
GPtrArray *
bn_registry_get_plugins (void)
{
  g_mutex_lock (&registry_lock);
  registry_ensure ();
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < registry_plugins->len; i++)
    g_ptr_array_add (out, g_object_ref (registry_plugins->pdata[i]));
  g_mutex_unlock (&registry_lock);
  return out;
}

/* ---- factories ---------------------------------------------------------- */

static void
bn_element_factory_finalize (GObject *object)
{
  BnElementFactory *self = BN_ELEMENT_FACTORY (object);
  g_free (self->name);
  G_OBJECT_CLASS (bn_element_factory_parent_class)->finalize (object);
}

static void
bn_element_factory_class_init (BnElementFactoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bn_element_factory_finalize;
}

static void
bn_element_factory_init (BnElementFactory *self)
{
}

/**
 * bn_element_register:
 * @plugin: (nullable): the plugin providing the element
 * @name: the factory name used in pipelines, e.g. `kernel-executor`
 * @rank: a preference among factories doing the same job (0 = none)
 * @type: a #GType deriving from #BnElement
 *
 * Registers an element factory. Call it from a #BnPluginInitFunc.
 *
 * Returns: %TRUE, or %FALSE (with a warning) if @name is taken.
 *
 * Since: 0.1
 */
gboolean
bn_element_register (BnPlugin *plugin, const char *name, guint rank, GType type)
{
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (g_type_is_a (type, BN_TYPE_ELEMENT), FALSE);

  g_mutex_lock (&registry_lock);
  registry_ensure ();
  BnElementFactory *existing = g_hash_table_lookup (registry_factories, name);
  if (existing) {
    g_mutex_unlock (&registry_lock);
    g_log (BN_LOG_DOMAIN_CORE, G_LOG_LEVEL_WARNING,
           "Element %s of plugin %s is already provided by plugin %s; keeping the first", name,
           plugin ? bn_plugin_get_name (plugin) : "static",
           existing->plugin ? bn_plugin_get_name (existing->plugin) : "static");
    return FALSE;
  }
  BnElementFactory *f = g_object_new (BN_TYPE_ELEMENT_FACTORY, NULL);
  f->name = g_strdup (name);
  f->type = type;
  f->rank = rank;
  f->plugin = plugin;
  g_hash_table_insert (registry_factories, f->name, f);
  g_mutex_unlock (&registry_lock);
  return TRUE;
}

/**
 * bn_element_factory_find:
 * @name: a factory name
 *
 * Gets the factory, or %NULL.
 *
 * Returns: (transfer none) (nullable): the factory, or %NULL.
 *
 * Since: 0.1
 */
BnElementFactory *
bn_element_factory_find (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);
  g_mutex_lock (&registry_lock);
  registry_ensure ();
  BnElementFactory *f = g_hash_table_lookup (registry_factories, name);
  g_mutex_unlock (&registry_lock);
  return f;
}

static gint
factory_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(BnElementFactory **) a)->name, (*(BnElementFactory **) b)->name);
}

/**
 * bn_registry_get_factories:
 *
 * Gets every registered factory, sorted by name.
 *
 * Returns: (transfer container) (element-type BnElementFactory): every
 *   registered factory, sorted by name.
 *
 * Since: 0.1
 */
GPtrArray *
bn_registry_get_factories (void)
{
  g_mutex_lock (&registry_lock);
  registry_ensure ();
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, registry_factories);
  while (g_hash_table_iter_next (&it, NULL, &value))
    g_ptr_array_add (out, g_object_ref (value));
  g_mutex_unlock (&registry_lock);
  g_ptr_array_sort (out, factory_cmp);
  return out;
}

/**
 * bn_element_factory_create:
 * @factory: a factory
 * @name: (nullable): the element's name; %NULL gives `<factory>N`
 *
 * Creates a new element.
 *
 * Returns: (transfer floating): a new element.
 *
 * Since: 0.1
 */
BnElement *
bn_element_factory_create (BnElementFactory *factory, const char *name)
{
  g_return_val_if_fail (BN_IS_ELEMENT_FACTORY (factory), NULL);
  g_autofree char *auto_name = NULL;
  if (!name)
    name = auto_name = g_strdup_printf ("%s%d", factory->name, g_atomic_int_add (&factory->counter, 1));
  BnElement *e = g_object_new (factory->type, "name", name, NULL);
  _bn_element_set_factory_name (e, factory->name);
  return e;
}

/**
 * bn_element_factory_make:
 * @factory_name: a registered factory name, e.g. `tee`
 * @name: (nullable): the element's name
 *
 * Creates a new element, or %NULL when no factory has that name.
 *
 * Returns: (transfer floating) (nullable): a new element, or %NULL when no
 *   factory has that name.
 *
 * Since: 0.1
 */
BnElement *
bn_element_factory_make (const char *factory_name, const char *name)
{
  BnElementFactory *f = bn_element_factory_find (factory_name);
  return f ? bn_element_factory_create (f, name) : NULL;
}

/**
 * bn_element_factory_get_name:
 * @factory: a factory
 *
 * Gets the factory's name.
 *
 * Returns: (transfer none): the factory's name.
 *
 * Since: 0.1
 */
const char *
bn_element_factory_get_name (BnElementFactory *factory)
{
  g_return_val_if_fail (BN_IS_ELEMENT_FACTORY (factory), NULL);
  return factory->name;
}

/**
 * bn_element_factory_get_element_type:
 * @factory: a factory
 *
 * Gets the #GType of the elements it makes.
 *
 * Returns: the #GType of the elements it makes.
 *
 * Since: 0.1
 */
GType
bn_element_factory_get_element_type (BnElementFactory *factory)
{
  g_return_val_if_fail (BN_IS_ELEMENT_FACTORY (factory), G_TYPE_INVALID);
  return factory->type;
}

/**
 * bn_element_factory_get_plugin:
 * @factory: a factory
 *
 * Gets the plugin that registered it.
 *
 * Returns: (transfer none) (nullable): the plugin that registered it.
 *
 * Since: 0.1
 */
BnPlugin *
bn_element_factory_get_plugin (BnElementFactory *factory)
{
  g_return_val_if_fail (BN_IS_ELEMENT_FACTORY (factory), NULL);
  return factory->plugin;
}

/**
 * bn_element_factory_get_metadata:
 * @factory: a factory
 * @key: a metadata key such as %BN_ELEMENT_METADATA_LONGNAME
 *
 * Gets the element class's metadata.
 *
 * Returns: (transfer none) (nullable): the element class's metadata.
 *
 * Since: 0.1
 */
const char *
bn_element_factory_get_metadata (BnElementFactory *factory, const char *key)
{
  g_return_val_if_fail (BN_IS_ELEMENT_FACTORY (factory), NULL);
  BnElementClass *klass = g_type_class_ref (factory->type);
  const char *v = bn_element_class_get_metadata (klass, key);
  g_type_class_unref (klass); /* classes of static types are never freed */
  return v;
}

/**
 * bn_element_factory_get_pad_templates:
 * @factory: a factory
 *
 * Gets the pad templates of its elements.
 *
 * Returns: (transfer container) (element-type BnPadTemplate): the pad
 *   templates of its elements.
 *
 * Since: 0.1
 */
GList *
bn_element_factory_get_pad_templates (BnElementFactory *factory)
{
  g_return_val_if_fail (BN_IS_ELEMENT_FACTORY (factory), NULL);
  BnElementClass *klass = g_type_class_ref (factory->type);
  GList *l = bn_element_class_get_pad_template_list (klass);
  g_type_class_unref (klass);
  return l;
}
