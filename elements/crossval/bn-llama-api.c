/* gst-bitnet: llama.cpp's C API, loaded at run time
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-llama-api.h"
#include <gst-bitnet/bn-file-private.h>

#include <glib/gi18n-lib.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * The library is opened with dlopen() the first time an element asks for
 * it and stays loaded for the life of the process: ggml registers its
 * backends globally and does not support being unloaded. One BnLlamaApi
 * per library path.
 */

static GMutex lock;
static GHashTable *loaded; /* path -> BnLlamaApi */
static GString *capture;   /* where log lines go while an element captures */
static char *last_cpu_backend;

char *
bn_llama_default_dir (void)
{
  const char *env = g_getenv ("BN_LLAMA_CPP_DIR");
  if (env && *env)
    return g_strdup (env);
  return g_build_filename (g_get_user_cache_dir (), "gst-bitnet", "llama.cpp", BN_LLAMA_CPP_PIN, NULL);
}

char *
bn_llama_default_library (void)
{
  g_autofree char *dir = bn_llama_default_dir ();
  return g_build_filename (dir, "lib", "libllama.so", NULL);
}

/* ggml/llama log lines: kept while the worker captures them (to explain a
 * failure), else sent to the debug log; warnings and errors also go to
 * standard error, which the element quotes when the worker dies. Level 3
 * is GGML_LOG_LEVEL_WARN, 4 GGML_LOG_LEVEL_ERROR, 5 continues the
 * previous line. */
static void
log_cb (int level, const char *text, void *user_data)
{
  static int last_level;
  if (level == 5)
    level = last_level;
  last_level = level;
  const char *hit = strstr (text, "loaded CPU backend from ");
  g_mutex_lock (&lock);
  if (hit) {
    g_free (last_cpu_backend);
    last_cpu_backend = g_path_get_basename (hit + strlen ("loaded CPU backend from "));
    g_strchomp (last_cpu_backend);
  }
  if (capture && level >= 3)
    g_string_append (capture, text);
  g_mutex_unlock (&lock);
  if (level >= 3)
    fputs (text, stderr);
  g_debug ("llama.cpp: %s", text);
}

void
bn_llama_capture_begin (GString *sink)
{
  g_mutex_lock (&lock);
  capture = sink;
  g_mutex_unlock (&lock);
}

void
bn_llama_capture_end (void)
{
  g_mutex_lock (&lock);
  capture = NULL;
  g_mutex_unlock (&lock);
}

/* key=value lines of the VERSION file that build-aux/fetch-llama-cpp.sh
 * writes beside lib/, when @dir is such a directory */
static char *
version_field (const char *lib_dir, const char *key)
{
  g_autofree char *top = g_path_get_dirname (lib_dir);
  g_autofree char *path = g_build_filename (top, "VERSION", NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  size_t klen = strlen (key);
  for (guint i = 0; lines[i]; i++)
    if (!strncmp (lines[i], key, klen) && lines[i][klen] == '=')
      return g_strdup (lines[i] + klen + 1);
  return NULL;
}

static void
api_free (BnLlamaApi *api)
{
  g_free (api->path);
  g_free (api->dir);
  g_free (api->version);
  g_free (api->commit);
  g_free (api->system_info);
  g_free (api->cpu_backend);
  g_free (api);
}

#define SYM(field, name, required)                                                                                     \
  G_STMT_START                                                                                                         \
  {                                                                                                                    \
    *(void **) (&api->field) = dlsym (handle, name);                                                                   \
    if (!api->field && required) {                                                                                     \
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,                                                       \
                   _("%s has no symbol %s: not a llama.cpp library, or a version "                                    \
                      "too old or too new for reference-executor (it was written "                                     \
                      "against node-llama-cpp %s)"),                                                                   \
                   path, name, BN_LLAMA_CPP_PIN);                                                                      \
      api_free (api);                                                                                                  \
      return NULL;                                                                                                     \
    }                                                                                                                  \
  }                                                                                                                    \
  G_STMT_END

static BnLlamaApi *
api_open (const char *path, GError **error)
{
  if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
    g_autofree char *def = bn_llama_default_library ();
    if (!strcmp (path, def))
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                   _("llama.cpp is not installed (no %s): run `make crossval-deps` "
                      "(build-aux/fetch-llama-cpp.sh) to fetch the pinned build, or give "
                      "library=/path/to/libllama.so of your own build"),
                   path);
    else
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                   _("library=%s: no such file (run `make crossval-deps` for the pinned "
                      "llama.cpp build)"),
                   path);
    return NULL;
  }
  /* dlopen would block on a FIFO (ignoring SIGTERM) and read a device: a regular file only */
  int fd = bn_file_open_input (path, _("llama.cpp library"), error);
  if (fd < 0)
    return NULL;
  close (fd);
  /* RTLD_LOCAL: its symbols stay out of the global namespace; RTLD_NOW:
   * a missing dependency shows here, not in the middle of a run */
  void *handle = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot load llama.cpp from %s: %s"), path,
                 dlerror ());
    return NULL;
  }
  BnLlamaApi *api = g_new0 (BnLlamaApi, 1);
  api->path = g_strdup (path);
  api->handle = handle;
  char resolved[4096];
  api->dir = realpath (path, resolved) ? g_path_get_dirname (resolved) : g_path_get_dirname (path);

  void (*load_all_from_path) (const char *) = NULL;
  void (*ggml_log_set) (BnLlamaLogCallback, void *) = NULL;
  const char *(*ggml_version) (void) = NULL;
  const char *(*ggml_commit) (void) = NULL;
  *(void **) (&load_all_from_path) = dlsym (handle, "ggml_backend_load_all_from_path");
  *(void **) (&ggml_log_set) = dlsym (handle, "ggml_log_set");
  *(void **) (&ggml_version) = dlsym (handle, "ggml_version");
  *(void **) (&ggml_commit) = dlsym (handle, "ggml_commit");

  SYM (backend_init, "llama_backend_init", TRUE);
  SYM (log_set, "llama_log_set", TRUE);
  SYM (model_default_params, "llama_model_default_params", TRUE);
  SYM (context_default_params, "llama_context_default_params", TRUE);
  SYM (model_load_from_file, "llama_model_load_from_file", TRUE);
  SYM (model_free, "llama_model_free", TRUE);
  SYM (init_from_model, "llama_init_from_model", TRUE);
  SYM (free, "llama_free", TRUE);
  SYM (set_n_threads, "llama_set_n_threads", TRUE);
  SYM (batch_get_one, "llama_batch_get_one", TRUE);
  SYM (decode, "llama_decode", TRUE);
  SYM (get_logits_ith, "llama_get_logits_ith", TRUE);
  SYM (synchronize, "llama_synchronize", FALSE);
  SYM (model_get_vocab, "llama_model_get_vocab", TRUE);
  SYM (vocab_n_tokens, "llama_vocab_n_tokens", TRUE);
  SYM (vocab_type, "llama_vocab_type", FALSE);
  SYM (tokenize, "llama_tokenize", TRUE);
  SYM (token_to_piece, "llama_token_to_piece", TRUE);
  SYM (get_memory, "llama_get_memory", FALSE);
  SYM (memory_clear, "llama_memory_clear", FALSE);
  SYM (kv_self_clear, "llama_kv_self_clear", FALSE);
  SYM (print_system_info, "llama_print_system_info", TRUE);
  SYM (model_save_to_file, "llama_model_save_to_file", FALSE);
  SYM (model_quantize_default_params, "llama_model_quantize_default_params", FALSE);
  SYM (model_quantize, "llama_model_quantize", FALSE);
  if (!(api->get_memory && api->memory_clear) && !api->kv_self_clear) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                 _("%s has neither llama_memory_clear nor llama_kv_self_clear: cannot reset "
                    "the KV cache between iterations"),
                 path);
    api_free (api);
    return NULL;
  }

  api->log_set (log_cb, NULL);
  if (ggml_log_set)
    ggml_log_set (log_cb, NULL);
  /* prebuilt libraries pick their CPU backend at run time: without this,
   * loading a model fails with "no backends are loaded" */
  if (load_all_from_path)
    load_all_from_path (api->dir);
  api->backend_init ();

  BnLlamaContextParams cp = api->context_default_params ();
  gint32 at[5];
  const guint off[5] = { BN_LLAMA_CTX_OFF_N_THREADS, BN_LLAMA_CTX_OFF_N_THREADS_BATCH, BN_LLAMA_CTX_OFF_FLASH_ATTN,
                         BN_LLAMA_CTX_OFF_TYPE_K, BN_LLAMA_CTX_OFF_TYPE_V };
  for (guint i = 0; i < 5; i++)
    memcpy (&at[i], cp.bytes + off[i], sizeof (gint32));
  BnLlamaModelParams mp = api->model_default_params ();
  void *kv_overrides;
  memcpy (&kv_overrides, mp.bytes + BN_LLAMA_MODEL_OFF_KV_OVERRIDES, sizeof kv_overrides);
  api->pinned_layout = at[0] == 4 && at[1] == 4 && at[2] == -1 && at[3] == 1 && at[4] == 1 && kv_overrides == NULL
                       && dlsym (handle, "llama_flash_attn_type_name") != NULL;

  g_mutex_lock (&lock);
  api->cpu_backend = g_strdup (last_cpu_backend);
  g_mutex_unlock (&lock);
  api->system_info = g_strstrip (g_strdup (api->print_system_info ()));
  g_autofree char *pkg = version_field (api->dir, "package_version");
  g_autofree char *commit = version_field (api->dir, "llama_cpp_commit");
  const char *gv = ggml_version ? ggml_version () : NULL;
  const char *gc = ggml_commit ? ggml_commit () : NULL;
  GString *v = g_string_new (NULL);
  if (pkg)
    g_string_append_printf (v, "node-llama-cpp %s", pkg);
  if (commit)
    g_string_append_printf (v, "%sllama.cpp %.7s", v->len ? ", " : "", commit);
  if (gv)
    g_string_append_printf (v, "%sggml %s%s%s%s", v->len ? ", " : "", gv, gc ? " (" : "", gc ? gc : "", gc ? ")" : "");
  if (!v->len)
    g_string_append (v, "unknown (no VERSION file, no ggml_version symbol)");
  api->version = g_string_free (v, FALSE);
  api->commit = g_strdup (commit ? commit : gc);
  return api;
}

const BnLlamaApi *
bn_llama_api_get (const char *library, GError **error)
{
  g_autofree char *def = NULL;
  if (!library || !*library)
    library = def = bn_llama_default_library ();
  g_mutex_lock (&lock);
  if (!loaded)
    loaded = g_hash_table_new (g_str_hash, g_str_equal);
  BnLlamaApi *api = g_hash_table_lookup (loaded, library);
  g_mutex_unlock (&lock);
  if (api)
    return api;
  /* opened outside the lock: the library logs through log_cb while loading */
  api = api_open (library, error);
  if (!api)
    return NULL;
  g_mutex_lock (&lock);
  BnLlamaApi *other = g_hash_table_lookup (loaded, library);
  if (other) {
    /* another thread was faster; the library is refcounted by dlopen */
    dlclose (api->handle);
    api_free (api);
    api = other;
  } else {
    g_hash_table_insert (loaded, api->path, api);
  }
  g_mutex_unlock (&lock);
  return api;
}
