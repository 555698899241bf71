/* gst-bitnet: the element's side of bn-llama-worker
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-llama-client.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/*
 * One worker process per client: spawned with GSubprocess, requests on its
 * standard input, replies on its standard output (bn-llama-protocol.h),
 * its standard error in an unlinked temporary file that is read back when
 * it dies. Every wait for a reply honours the element's cancellable: a
 * cancelled or timed-out pipeline kills the worker instead of waiting for
 * llama.cpp to finish.
 */

struct _BnLlamaClient {
  GSubprocess *proc;
  GOutputStream *to;
  GInputStream *from;
  GCancellable *cancellable;
  int err_fd;        /* the worker's standard error, unlinked */
  GHashTable *facts; /* the open reply's key=value lines */
  char *dead;        /* why the worker is gone, once it is */
  char pid[16];
};

/* The worker executable: $BN_LLAMA_WORKER, else bn-llama-worker beside
 * this plugin (the build tree), else the installed one. */
char *
bn_llama_worker_path (void)
{
  const char *env = g_getenv ("BN_LLAMA_WORKER");
  if (env && *env)
    return g_strdup (env);
  Dl_info info;
  if (dladdr ((void *) bn_llama_worker_path, &info) && info.dli_fname) {
    g_autofree char *dir = g_path_get_dirname (info.dli_fname);
    char *beside = g_build_filename (dir, "bn-llama-worker", NULL);
    if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
      return beside;
    g_free (beside);
  }
  return g_strdup (BN_LLAMA_WORKER_INSTALLED);
}

static const char *
signal_name (int sig)
{
  static const struct {
    int sig;
    const char *name;
  } names[] = {
    { SIGABRT, "SIGABRT" }, { SIGSEGV, "SIGSEGV" }, { SIGBUS, "SIGBUS" },   { SIGFPE, "SIGFPE" },
    { SIGILL, "SIGILL" },   { SIGKILL, "SIGKILL" }, { SIGTERM, "SIGTERM" }, { SIGTRAP, "SIGTRAP" },
    { SIGPIPE, "SIGPIPE" }, { SIGXCPU, "SIGXCPU" }, { SIGINT, "SIGINT" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (names[i].sig == sig)
      return names[i].name;
  return "signal";
}

/* The last @n_lines lines of the worker's standard error (at most 2000
 * bytes), or NULL when it wrote nothing. */
static char *
stderr_tail (BnLlamaClient *self, guint n_lines)
{
  off_t size = lseek (self->err_fd, 0, SEEK_END);
  if (size <= 0)
    return NULL;
  gsize want = MIN ((gsize) size, 2000);
  g_autofree char *buf = g_malloc (want + 1);
  ssize_t got = pread (self->err_fd, buf, want, size - (off_t) want);
  if (got <= 0)
    return NULL;
  buf[got] = 0;
  g_strstrip (buf);
  const char *start = buf + strlen (buf);
  for (guint seen = 0; start > buf; start--)
    if (start[-1] == '\n' && ++seen == n_lines)
      break;
  return *start ? g_utf8_make_valid (start, -1) : NULL;
}

/* Sets @error to why the worker, gone during @op, is gone. */
static void
worker_died (BnLlamaClient *self, BnLlamaOp op, GError **error)
{
  if (!self->dead) {
    g_subprocess_wait (self->proc, NULL, NULL);
    g_autofree char *tail = stderr_tail (self, 6);
    g_autofree char *how = NULL;
    if (g_subprocess_get_if_signaled (self->proc)) {
      int sig = g_subprocess_get_term_sig (self->proc);
      how = g_strdup_printf (_("killed by %s (%s)"), signal_name (sig), g_strsignal (sig));
    } else if (g_subprocess_get_if_exited (self->proc)) {
      how = g_strdup_printf (_("exited with status %d"), g_subprocess_get_exit_status (self->proc));
    } else {
      how = g_strdup (_("closed its output"));
    }
    self->dead =
        g_strdup_printf (_("llama.cpp died in its worker process (bn-llama-worker, pid %s) during the request '%s': "
                            "%s; its last words on standard error: %s"),
                         self->pid, bn_llama_op_name (op), how, tail ? tail : _("(nothing)"));
  }
  g_set_error_literal (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED, self->dead);
}

/* A cancelled wait: the worker is killed, not waited for. */
static void
kill_worker (BnLlamaClient *self)
{
  g_subprocess_force_exit (self->proc);
  g_subprocess_wait (self->proc, NULL, NULL);
  g_free (self->dead);
  self->dead = g_strdup (_("The run was cancelled: the llama.cpp worker was killed"));
}

/* Writes to the worker with SIGPIPE blocked on this thread: a worker that
 * died between two requests must give an error, not end this process
 * (the default action of SIGPIPE). A SIGPIPE raised meanwhile is taken
 * off the thread before the mask is restored. */
static gboolean
send_all (BnLlamaClient *self, const void *buf, gsize n, GError **error)
{
  sigset_t pipe_set, old;
  sigemptyset (&pipe_set);
  sigaddset (&pipe_set, SIGPIPE);
  pthread_sigmask (SIG_BLOCK, &pipe_set, &old);
  gsize done = 0;
  gboolean ok = g_output_stream_write_all (self->to, buf, n, &done, self->cancellable, error);
  sigset_t pending;
  if (!ok && !sigismember (&old, SIGPIPE) && sigpending (&pending) == 0 && sigismember (&pending, SIGPIPE)) {
    const struct timespec zero = { 0, 0 };
    sigtimedwait (&pipe_set, NULL, &zero);
  }
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  return ok;
}

/* A request or reply that did not get through: cancelled (@local says
 * so), or the worker is gone. */
static void
lost (BnLlamaClient *self, BnLlamaOp op, const GError *local, GError **error)
{
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    kill_worker (self);
    g_set_error_literal (error, BN_CORE_ERROR, BN_CORE_ERROR_CANCELLED, self->dead);
  } else {
    worker_died (self, op, error);
  }
}

GBytes *
bn_llama_client_call (BnLlamaClient *self, BnLlamaOp op, const void *payload, gsize len, GError **error)
{
  if (self->dead) {
    g_set_error_literal (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED, self->dead);
    return NULL;
  }
  guint32 head[2] = { op, (guint32) len };
  g_autoptr (GError) local = NULL;
  gsize done = 0;
  if (!send_all (self, head, sizeof head, &local) || (len && !send_all (self, payload, len, &local))
      || !g_input_stream_read_all (self->from, head, sizeof head, &done, self->cancellable, &local)
      || done != sizeof head) {
    lost (self, op, local, error);
    return NULL;
  }
  if (head[1] > BN_LLAMA_MAX_PAYLOAD) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED,
                 _("The llama.cpp worker sent a reply of %u bytes to '%s': a broken stream"), head[1],
                 bn_llama_op_name (op));
    kill_worker (self);
    return NULL;
  }
  guint8 *buf = g_malloc (head[1] + 1);
  if (!g_input_stream_read_all (self->from, buf, head[1], &done, self->cancellable, &local) || done != head[1]) {
    g_free (buf);
    lost (self, op, local, error);
    return NULL;
  }
  buf[head[1]] = 0;
  if (head[0] != BN_LLAMA_STATUS_OK) {
    gint32 code = BN_CORE_ERROR_FAILED;
    if (head[1] >= 4)
      memcpy (&code, buf, 4);
    g_set_error_literal (error, BN_CORE_ERROR, code, head[1] >= 4 ? (const char *) buf + 4 : "");
    g_free (buf);
    return NULL;
  }
  return g_bytes_new_take (buf, head[1]);
}

const char *
bn_llama_client_get (BnLlamaClient *self, const char *key)
{
  return g_hash_table_lookup (self->facts, key);
}

BnLlamaClient *
bn_llama_client_new (const char *library, GCancellable *cancellable, GError **error)
{
  g_autofree char *exe = bn_llama_worker_path ();
  if (!g_file_test (exe, G_FILE_TEST_IS_EXECUTABLE)) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                 _("The llama.cpp worker %s is missing: reinstall gst-bitnet, or name it with BN_LLAMA_WORKER"), exe);
    return NULL;
  }
  g_autofree char *err_path = NULL;
  int err_fd = g_file_open_tmp ("bn-llama-worker-XXXXXX.log", &err_path, error);
  if (err_fd < 0)
    return NULL;
  g_unlink (err_path);
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_take_stderr_fd (launcher, dup (err_fd));
  /* ggml_abort would otherwise try to attach a debugger for a backtrace */
  g_subprocess_launcher_setenv (launcher, "GGML_NO_BACKTRACE", "1", FALSE);
  GSubprocess *proc = g_subprocess_launcher_spawn (launcher, error, exe, NULL);
  if (!proc) {
    close (err_fd);
    return NULL;
  }
  g_autoptr (BnLlamaClient) self = g_new0 (BnLlamaClient, 1);
  self->proc = proc;
  g_strlcpy (self->pid, g_subprocess_get_identifier (proc) ? g_subprocess_get_identifier (proc) : "?",
             sizeof self->pid);
  self->to = g_subprocess_get_stdin_pipe (proc);
  self->from = g_subprocess_get_stdout_pipe (proc);
  self->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  self->err_fd = err_fd;
  self->facts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *lib = library ? library : "";
  g_autoptr (GBytes) reply = bn_llama_client_call (self, BN_LLAMA_OP_OPEN, lib, strlen (lib), error);
  if (!reply)
    return NULL;
  g_auto (GStrv) lines = g_strsplit (g_bytes_get_data (reply, NULL), "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    char *eq = strchr (lines[i], '=');
    if (eq)
      g_hash_table_insert (self->facts, g_strndup (lines[i], eq - lines[i]), g_strdup (eq + 1));
  }
  return g_steal_pointer (&self);
}

void
bn_llama_client_free (BnLlamaClient *self)
{
  if (!self)
    return;
  if (!self->dead) {
    /* the end of its input ends the worker (it frees what it holds) */
    g_output_stream_close (self->to, NULL, NULL);
    g_subprocess_wait (self->proc, NULL, NULL);
  }
  g_clear_object (&self->proc);
  g_clear_object (&self->cancellable);
  if (self->err_fd >= 0)
    close (self->err_fd);
  g_clear_pointer (&self->facts, g_hash_table_unref);
  g_free (self->dead);
  g_free (self);
}
