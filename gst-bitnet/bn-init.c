/* gst-bitnet: library initialization
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-i18n-private.h"
#include "bn-init.h"
#include "bn-pipeline.h"
#include "bn-plugin.h"
#include "bn-private.h"
#include "bn-version.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

/**
 * SECTION:bn-init
 * @title: Initialization
 * @short_description: bn_init() and version information
 *
 * Call bn_init() once before anything else. It sets up translations (from
 * the directory in `BN_LOCALEDIR` when that variable is set, else from the
 * installed locale directory), applies `BN_DEBUG`, and loads plugins:
 *
 * - every directory in `BN_PLUGIN_PATH` (separated by `:`), first;
 * - then every directory in `BN_PLUGIN_SYSTEM_PATH`, or the installed
 *   plugin directory when that variable is unset (set it to an empty
 *   string to load no installed plugin).
 *
 * `BN_DEBUG` selects debug output by log domain and level: a
 * comma-separated list of rules `PATTERN[:LEVEL]`, where PATTERN names log
 * domains (`*` is a wildcard, `all` means every domain) and LEVEL is
 * `debug` (the default), `info` or `none`; the last rule matching a domain
 * decides. The core logs under `bn-core`, the libraries under `bn-model`
 * and `bn-bench`, each plugin under `bn-<plugin>` (`bn-engine`,
 * `bn-kernels`...). For example `BN_DEBUG=bn-engine:debug` shows the engine
 * plugin's debug messages only, `BN_DEBUG='bn-*,bn-model:none'` those of
 * everything but the model library. Domains no rule matches follow
 * `G_MESSAGES_DEBUG`. With `BN_DEBUG` set, bn_init() installs a GLib log
 * writer (g_log_set_writer_func()).
 */

static gsize initialized;

static void
scan_list (const char *list)
{
  g_auto (GStrv) dirs = g_strsplit (list, G_SEARCHPATH_SEPARATOR_S, -1);
  for (guint i = 0; dirs[i]; i++)
    if (*dirs[i]) {
      guint n = bn_registry_scan_path (dirs[i]);
      g_log (BN_LOG_DOMAIN_CORE, G_LOG_LEVEL_DEBUG, "loaded %u plugin(s) from %s", n, dirs[i]);
    }
}

const char *
bn_i18n_bind_textdomain (void)
{
  const char *dir = g_getenv ("BN_LOCALEDIR");
  if (!dir || !*dir)
    dir = BN_LOCALEDIR;
  bindtextdomain (GETTEXT_PACKAGE, dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  return dir;
}

/**
 * bn_init_check:
 * @argc: (inout) (nullable): the program's argument count (unused for now)
 * @argv: (inout) (nullable) (array length=argc): its arguments
 * @error: return location for a #GError
 *
 * Initializes gst-bitnet; safe to call several times and from several
 * threads.
 *
 * Returns: %TRUE once initialized.
 *
 * Since: 0.1
 */
gboolean
bn_init_check (int *argc, char ***argv, GError **error)
{
  if (g_once_init_enter (&initialized)) {
    bn_i18n_bind_textdomain ();
    _bn_debug_init ();
    /* make the core types known before plugins refer to them */
    g_type_ensure (BN_TYPE_PIPELINE);
    g_type_ensure (BN_TYPE_CAPS);

    const char *path = g_getenv ("BN_PLUGIN_PATH");
    if (path)
      scan_list (path);
    const char *system = g_getenv ("BN_PLUGIN_SYSTEM_PATH");
    scan_list (system ? system : BN_PLUGIN_DIR);
    g_once_init_leave (&initialized, 1);
  }
  return TRUE;
}

/**
 * bn_init:
 * @argc: (inout) (nullable): the program's argument count
 * @argv: (inout) (nullable) (array length=argc): its arguments
 *
 * Initializes gst-bitnet; see bn_init_check().
 *
 * Since: 0.1
 */
void
bn_init (int *argc, char ***argv)
{
  bn_init_check (argc, argv, NULL);
}

/**
 * bn_is_initialized:
 *
 * Checks whether bn_init() has run.
 *
 * Returns: whether bn_init() has run.
 *
 * Since: 0.1
 */
gboolean
bn_is_initialized (void)
{
  return g_atomic_pointer_get (&initialized) != 0;
}

/**
 * bn_version:
 * @major: (out) (optional): the major version
 * @minor: (out) (optional): the minor version
 * @micro: (out) (optional): the micro version
 *
 * Gives the version of the library in use.
 *
 * Since: 0.1
 */
void
bn_version (guint *major, guint *minor, guint *micro)
{
  if (major)
    *major = BN_VERSION_MAJOR;
  if (minor)
    *minor = BN_VERSION_MINOR;
  if (micro)
    *micro = BN_VERSION_MICRO;
}

/**
 * bn_version_string:
 *
 * Gets e.g. `gst-bitnet 0.1.0`.
 *
 * Returns: (transfer none): e.g. `gst-bitnet 0.1.0`.
 *
 * Since: 0.1
 */
const char *
bn_version_string (void)
{
  return "gst-bitnet " BN_VERSION;
}

/**
 * bn_build_commit:
 *
 * Gets the git commit the library was built from, or an empty string outside a checkout.
 *
 * Returns: (transfer none): the git commit the library was built from, or
 *   an empty string outside a checkout.
 *
 * Since: 0.1
 */
const char *
bn_build_commit (void)
{
  return BN_BUILD_COMMIT;
}
