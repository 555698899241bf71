/* Tests of the registry: plugins from directories, static registration. */
#include <gst-bitnet/bn.h>
#include <glib/gstdio.h>
#include <string.h>

static void
test_loaded_from_path (void)
{
  /* BN_PLUGIN_PATH (set by the test harness) names two directories */
  g_autoptr (GPtrArray) plugins = bn_registry_get_plugins ();
  gboolean core = FALSE, test = FALSE;
  for (guint i = 0; i < plugins->len; i++) {
    const char *name = bn_plugin_get_name (plugins->pdata[i]);
    core |= !strcmp (name, "coreelements");
    test |= !strcmp (name, "testelements");
    g_assert_nonnull (bn_plugin_get_filename (plugins->pdata[i]));
  }
  g_assert_true (core);
  g_assert_true (test);
  BnElementFactory *f = bn_element_factory_find ("tee");
  g_assert_nonnull (f);
  g_assert_cmpstr (bn_plugin_get_name (bn_element_factory_get_plugin (f)), ==, "coreelements");
  g_assert_cmpstr (bn_element_factory_get_metadata (f, BN_ELEMENT_METADATA_KLASS), ==, "Generic");
  g_assert_null (bn_element_factory_find ("no-such-element"));
  g_assert_null (bn_element_factory_make ("no-such-element", NULL));
}

static void
test_scan_empty_and_bad (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bn-plugins-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bn_registry_scan_path (dir), ==, 0);
  g_assert_cmpuint (bn_registry_scan_path ("/nonexistent/dir"), ==, 0);

  /* a file that is not a shared object */
  g_autofree char *junk = g_build_filename (dir, "libjunk." G_MODULE_SUFFIX, NULL);
  g_assert_true (g_file_set_contents (junk, "not an ELF file", -1, NULL));
  BnPlugin *pl = bn_plugin_load_file (junk, &error);
  g_assert_null (pl);
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_PLUGIN);
  g_assert_nonnull (strstr (error->message, junk));
  g_clear_error (&error);
  g_test_expect_message ("bn-core", G_LOG_LEVEL_WARNING, "*Cannot load plugin*");
  g_assert_cmpuint (bn_registry_scan_path (dir), ==, 0);
  g_test_assert_expected_messages ();
  g_unlink (junk);

  /* a real shared object of this architecture that is not a plugin (libm;
   * the other architecture's would fail to load for another reason) */
#if defined(__aarch64__)
  const char *libm = "/lib/aarch64-linux-gnu/libm.so.6";
#else
  const char *libm = "/lib/x86_64-linux-gnu/libm.so.6";
#endif
  if (g_file_test (libm, G_FILE_TEST_EXISTS)) {
    pl = bn_plugin_load_file (libm, &error);
    g_assert_null (pl);
    g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_PLUGIN);
    g_assert_nonnull (strstr (error->message, "BN_PLUGIN_DEFINE"));
    g_clear_error (&error);
  }
  g_rmdir (dir);
}

static void
test_reload_refused (void)
{
  BnElementFactory *f = bn_element_factory_find ("fakesrc");
  const char *file = bn_plugin_get_filename (bn_element_factory_get_plugin (f));
  g_autoptr (GError) error = NULL;
  g_assert_null (bn_plugin_load_file (file, &error));
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_PLUGIN);
  g_assert_nonnull (strstr (error->message, "already loaded"));
}

/* An element compiled into this test program. */
#define TEST_TYPE_LOCAL (test_local_get_type ())
G_DECLARE_FINAL_TYPE (TestLocal, test_local, TEST, LOCAL, BnElement)
struct _TestLocal {
  BnElement parent;
};
G_DEFINE_FINAL_TYPE (TestLocal, test_local, BN_TYPE_ELEMENT)
static void
test_local_class_init (TestLocalClass *k)
{
  bn_element_class_set_metadata (BN_ELEMENT_CLASS (k), "Local", "Sink", "In the program", "tests");
  bn_element_class_add_static_pad_template (BN_ELEMENT_CLASS (k), "sink", BN_PAD_SINK, BN_PAD_ALWAYS, "ANY");
}
static void
test_local_init (TestLocal *s)
{
}

static gboolean
local_init (BnPlugin *plugin, GError **error)
{
  return bn_element_register (plugin, "local-element", 0, TEST_TYPE_LOCAL);
}

static const BnPluginDesc local_desc = {
  BN_VERSION_MAJOR,    BN_VERSION_MINOR, "local", "in-program elements", local_init, "1.0",
  "LGPL-2.1-or-later", "tests",          "tests",
};

static const BnPluginDesc future_desc = {
  BN_VERSION_MAJOR + 1, 0,       "future", "built for another major version", local_init, "1.0",
  "LGPL-2.1-or-later",  "tests", "tests",
};

static void
test_static_registration (void)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (bn_plugin_register_static (&local_desc, &error));
  g_assert_no_error (error);
  g_autoptr (BnElement) e = g_object_ref_sink (bn_element_factory_make ("local-element", NULL));
  g_assert_nonnull (e);
  g_assert_cmpstr (bn_element_get_name (e), ==, "local-element0");
  g_assert_false (bn_plugin_register_static (&future_desc, &error));
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_PLUGIN);
  g_assert_nonnull (strstr (error->message, "rebuild"));
  /* a name taken by another plugin keeps the first */
  g_test_expect_message ("bn-core", G_LOG_LEVEL_WARNING, "*tee*already provided*coreelements*");
  g_assert_false (bn_element_register (NULL, "tee", 0, TEST_TYPE_LOCAL));
  g_test_assert_expected_messages ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bn_init (&argc, &argv);
  g_test_add_func ("/plugin/loaded-from-path", test_loaded_from_path);
  g_test_add_func ("/plugin/scan-empty-and-bad", test_scan_empty_and_bad);
  g_test_add_func ("/plugin/reload-refused", test_reload_refused);
  g_test_add_func ("/plugin/static-registration", test_static_registration);
  return g_test_run ();
}
