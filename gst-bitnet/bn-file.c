/* gst-bitnet: reading and replacing files without harming what is there
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-file-private.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMP_TAG ".bn-tmp."

const char *
bn_file_kind_name (guint st_mode)
{
  if (S_ISREG (st_mode))
    return _("a regular file");
  if (S_ISDIR (st_mode))
    return _("a directory");
  if (S_ISLNK (st_mode))
    return _("a symbolic link");
  if (S_ISFIFO (st_mode))
    return _("a FIFO (named pipe)");
  if (S_ISCHR (st_mode))
    return _("a character device");
  if (S_ISBLK (st_mode))
    return _("a block device");
  if (S_ISSOCK (st_mode))
    return _("a socket");
  return _("not a regular file");
}

static void
set_errno_error (GError **error, int e, const char *format, const char *path)
{
  g_autofree char *display = g_filename_display_name (path);
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), format, display, g_strerror (e));
}

int
bn_file_open_input (const char *path, const char *what, GError **error)
{
  g_return_val_if_fail (path != NULL, -1);
  /* O_NONBLOCK: opening a FIFO with no writer must not hang */
  int fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0) {
    set_errno_error (error, errno, _("Cannot open %s: %s"), path);
    return -1;
  }
  struct stat st;
  if (fstat (fd, &st) != 0) {
    set_errno_error (error, errno, _("Cannot open %s: %s"), path);
    close (fd);
    return -1;
  }
  if (!S_ISREG (st.st_mode)) {
    g_autofree char *display = g_filename_display_name (path);
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                 _("The %s %s is %s, not a regular file: refusing to read it (give a regular file)"),
                 what ? what : _("input"), display, bn_file_kind_name (st.st_mode));
    close (fd);
    return -1;
  }
  int flags = fcntl (fd, F_GETFL);
  if (flags >= 0)
    fcntl (fd, F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

static gboolean
read_all (int fd, char *buf, gsize want, gsize *got)
{
  gsize n = 0;
  while (n < want) {
    ssize_t r = read (fd, buf + n, want - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return FALSE;
    if (r == 0)
      break;
    n += (gsize) r;
  }
  *got = n;
  return TRUE;
}

gboolean
bn_file_read_bounded (const char *path, const char *what, gsize max_size, char **contents, gsize *length,
                      GError **error)
{
  g_return_val_if_fail (path != NULL && contents != NULL, FALSE);
  int fd = bn_file_open_input (path, what, error);
  if (fd < 0)
    return FALSE;
  struct stat st;
  if (fstat (fd, &st) != 0) {
    set_errno_error (error, errno, _("Cannot read %s: %s"), path);
    close (fd);
    return FALSE;
  }
  if ((guint64) st.st_size > max_size) {
    g_autofree char *display = g_filename_display_name (path);
    g_autofree char *size = g_format_size_full ((guint64) st.st_size, G_FORMAT_SIZE_IEC_UNITS);
    g_autofree char *limit = g_format_size_full (max_size, G_FORMAT_SIZE_IEC_UNITS);
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                 _("The %s %s is %s, more than the limit of %s for such files"), what ? what : _("input"), display,
                 size, limit);
    close (fd);
    return FALSE;
  }
  /* one byte more than the size, to notice a file that grew meanwhile */
  gsize cap = (gsize) st.st_size + 1;
  g_autofree char *buf = g_try_malloc (cap + 1);
  gsize got = 0;
  if (!buf || !read_all (fd, buf, cap, &got)) {
    set_errno_error (error, buf ? errno : ENOMEM, _("Cannot read %s: %s"), path);
    close (fd);
    return FALSE;
  }
  close (fd);
  if (got > (gsize) st.st_size) {
    g_autofree char *display = g_filename_display_name (path);
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                 _("The %s %s grew while it was read; read it again once its writer is done"),
                 what ? what : _("input"), display);
    return FALSE;
  }
  buf[got] = '\0';
  if (length)
    *length = got;
  *contents = g_steal_pointer (&buf);
  return TRUE;
}

/* ---- atomic replacement ---------------------------------------------------- */

/* a run's deferred renames and held locks, per thread */
typedef struct {
  char *tmp, *path, *dir;
} Pending;

typedef struct {
  GArray *pending; /* Pending */
  GArray *locks;   /* int */
} Transaction;

static void
pending_clear (gpointer data)
{
  Pending *p = data;
  g_free (p->tmp);
  g_free (p->path);
  g_free (p->dir);
}

static GPrivate transaction_key;

struct _BnAtomicFile {
  char *path;
  char *dir;
  char *tmp; /* NULL when writing to standard output */
  int fd;
  gboolean done;
  gboolean deferred; /* a success claim: renamed when the run succeeds */
};

/* Refuses a target that exists and is not a regular file, saying what it is. */
static gboolean
check_target (const char *path, GError **error)
{
  struct stat st;
  if (g_lstat (path, &st) != 0) {
    if (errno == ENOENT)
      return TRUE;
    set_errno_error (error, errno, _("Cannot examine %s: %s"), path);
    return FALSE;
  }
  if (S_ISREG (st.st_mode))
    return TRUE;
  g_autofree char *display = g_filename_display_name (path);
  if (S_ISLNK (st.st_mode)) {
    g_autofree char *to = g_file_read_link (path, NULL);
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                 _("%s is a symbolic link (to %s): refusing to replace it. Give the path of a regular file "
                    "(or - for standard output)."),
                 display, to ? to : "?");
  } else {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                 _("%s exists and is %s, not a regular file: refusing to replace it. Give the path of a "
                    "regular file (or - for standard output)."),
                 display, bn_file_kind_name (st.st_mode));
  }
  return FALSE;
}

/* Removes the temporaries of @base in @dir whose writing process is gone. */
static void
clean_stale (const char *dir, const char *base)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  if (!d)
    return;
  g_autofree char *prefix = g_strconcat (".", base, TMP_TAG, NULL);
  gsize plen = strlen (prefix);
  for (const char *name; (name = g_dir_read_name (d));) {
    if (strncmp (name, prefix, plen) != 0)
      continue;
    char *end = NULL;
    guint64 pid = g_ascii_strtoull (name + plen, &end, 10);
    if (end == name + plen || *end != '.' || pid == 0 || pid > G_MAXINT)
      continue;
    if ((pid_t) pid == getpid () || kill ((pid_t) pid, 0) == 0 || errno != ESRCH)
      continue;
    g_autofree char *full = g_build_filename (dir, name, NULL);
    struct stat st;
    if (g_lstat (full, &st) == 0 && S_ISREG (st.st_mode) && st.st_uid == getuid ()) {
      g_debug ("removing %s, left behind by process %" G_GUINT64_FORMAT, full, pid);
      g_unlink (full);
    }
  }
}

BnAtomicFile *
bn_atomic_file_new (const char *path, gboolean create_dirs, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autoptr (BnAtomicFile) self = g_new0 (BnAtomicFile, 1);
  self->path = g_strdup (path);
  self->fd = -1;
  if (!strcmp (path, "-")) {
    self->fd = STDOUT_FILENO;
    return g_steal_pointer (&self);
  }
  if (!*path) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("An empty file name was given"));
    return NULL;
  }
  if (!check_target (path, error))
    return NULL;
  self->dir = g_path_get_dirname (path);
  if (create_dirs && g_mkdir_with_parents (self->dir, 0755) != 0) {
    set_errno_error (error, errno, _("Cannot create directory %s: %s"), self->dir);
    return NULL;
  }
  g_autofree char *base = g_path_get_basename (path);
  clean_stale (self->dir, base);
  self->tmp = g_strdup_printf ("%s%c.%s" TMP_TAG "%d.XXXXXX", self->dir, G_DIR_SEPARATOR, base, (int) getpid ());
  self->fd = g_mkstemp_full (self->tmp, O_WRONLY | O_CLOEXEC, 0666);
  if (self->fd < 0) {
    int e = errno;
    g_clear_pointer (&self->tmp, g_free);
    set_errno_error (error, e,
                     _("Cannot create a temporary file next to %s: %s. Check that the directory is "
                        "writable."),
                     path);
    return NULL;
  }
  /* mkstemp makes 0600; a replaced file gets the usual 0666 & ~umask */
  mode_t mask = umask (0);
  umask (mask);
  fchmod (self->fd, 0666 & ~mask);
  return g_steal_pointer (&self);
}

int
bn_atomic_file_get_fd (BnAtomicFile *file)
{
  g_return_val_if_fail (file != NULL, -1);
  return file->fd;
}

const char *
bn_atomic_file_get_path (BnAtomicFile *file)
{
  g_return_val_if_fail (file != NULL, NULL);
  return file->path;
}

gboolean
bn_atomic_file_write (BnAtomicFile *file, const void *data, gsize length, GError **error)
{
  g_return_val_if_fail (file != NULL && file->fd >= 0 && !file->done, FALSE);
  const char *p = data;
  while (length) {
    ssize_t w = write (file->fd, p, length);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      set_errno_error (error, w < 0 ? errno : ENOSPC, _("Cannot write %s: %s"),
                       file->tmp ? file->path : _("standard output"));
      return FALSE;
    }
    p += w;
    length -= (gsize) w;
  }
  return TRUE;
}

gboolean
bn_atomic_file_commit (BnAtomicFile *file, GError **error)
{
  g_return_val_if_fail (file != NULL && !file->done, FALSE);
  if (!file->tmp) {
    file->done = TRUE;
    return TRUE;
  }
  if (fsync (file->fd) != 0) {
    set_errno_error (error, errno, _("Cannot flush %s to disk: %s"), file->path);
    return FALSE;
  }
  int fd = file->fd;
  file->fd = -1;
  if (close (fd) != 0) {
    set_errno_error (error, errno, _("Cannot write %s: %s"), file->path);
    return FALSE;
  }
  /* the target may have changed kind since we opened: look again */
  if (!check_target (file->path, error))
    return FALSE;
  Transaction *t = file->deferred ? g_private_get (&transaction_key) : NULL;
  if (t) {
    /* renamed when the whole run has succeeded */
    Pending p = { g_steal_pointer (&file->tmp), g_strdup (file->path), g_strdup (file->dir) };
    g_array_append_val (t->pending, p);
    file->done = TRUE;
    return TRUE;
  }
  if (g_rename (file->tmp, file->path) != 0) {
    set_errno_error (error, errno, _("Cannot replace %s with the new file: %s. The old file, if any, is unchanged."),
                     file->path);
    return FALSE;
  }
  g_clear_pointer (&file->tmp, g_free);
  file->done = TRUE;
  int dfd = g_open (file->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dfd >= 0) {
    fsync (dfd);
    close (dfd);
  }
  return TRUE;
}

void
bn_atomic_file_free (BnAtomicFile *file)
{
  if (!file)
    return;
  if (file->tmp) {
    if (file->fd >= 0)
      close (file->fd);
    g_unlink (file->tmp);
  }
  g_free (file->tmp);
  g_free (file->dir);
  g_free (file->path);
  g_free (file);
}

static gboolean
replace_contents (const char *path, const char *data, gssize length, gboolean deferred, GError **error)
{
  g_autoptr (BnAtomicFile) f = bn_atomic_file_new (path, TRUE, error);
  if (!f)
    return FALSE;
  f->deferred = deferred;
  return bn_atomic_file_write (f, data, length < 0 ? strlen (data) : (gsize) length, error)
         && bn_atomic_file_commit (f, error);
}

gboolean
bn_file_replace_contents (const char *path, const char *data, gssize length, GError **error)
{
  return replace_contents (path, data, length, FALSE, error);
}

/* ---- advisory locks ----------------------------------------------------------- */

int
bn_file_lock (const char *path, guint timeout_ms, GError **error)
{
  g_return_val_if_fail (path != NULL, -1);
  g_autofree char *lock = g_strconcat (path, ".lock", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0755) != 0) {
    set_errno_error (error, errno, _("Cannot create directory %s: %s"), dir);
    return -1;
  }
  int fd = g_open (lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0666);
  if (fd < 0) {
    set_errno_error (error, errno, _("Cannot open the lock file %s: %s"), lock);
    return -1;
  }
  struct stat st;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
    g_autofree char *display = g_filename_display_name (lock);
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("The lock file %s is not a regular file"), display);
    close (fd);
    return -1;
  }
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint sleep_us = 1000;
  while (flock (fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      set_errno_error (error, errno, _("Cannot lock %s: %s"), lock);
      close (fd);
      return -1;
    }
    if (g_get_monotonic_time () >= deadline) {
      g_autofree char *display = g_filename_display_name (lock);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_AGAIN,
                   _("Another process has held the lock %s for more than %.1f s; try again when it is done"), display,
                   timeout_ms / 1000.0);
      close (fd);
      return -1;
    }
    g_usleep (sleep_us);
    sleep_us = MIN (sleep_us * 2, 50000);
  }
  return fd;
}

void
bn_file_unlock (int fd)
{
  Transaction *t = g_private_get (&transaction_key);
  if (t && fd >= 0) {
    /* held until the deferred files are renamed: nobody merges in between */
    g_array_append_val (t->locks, fd);
    return;
  }
  if (fd >= 0) {
    flock (fd, LOCK_UN);
    close (fd);
  }
}

gboolean
bn_file_replace_contents_deferred (const char *path, const char *data, gssize length, GError **error)
{
  return replace_contents (path, data, length, TRUE, error);
}

void
bn_file_transaction_begin (void)
{
  g_return_if_fail (g_private_get (&transaction_key) == NULL);
  Transaction *t = g_new0 (Transaction, 1);
  t->pending = g_array_new (FALSE, FALSE, sizeof (Pending));
  g_array_set_clear_func (t->pending, pending_clear);
  t->locks = g_array_new (FALSE, FALSE, sizeof (int));
  g_private_set (&transaction_key, t);
}

gboolean
bn_file_transaction_active (void)
{
  return g_private_get (&transaction_key) != NULL;
}

gboolean
bn_file_transaction_end (gboolean commit, GError **error)
{
  Transaction *t = g_private_get (&transaction_key);
  g_return_val_if_fail (t != NULL, FALSE);
  g_private_set (&transaction_key, NULL);
  gboolean ok = TRUE;
  for (guint i = 0; i < t->pending->len; i++) {
    Pending *p = &g_array_index (t->pending, Pending, i);
    if (!commit || !ok) {
      g_unlink (p->tmp);
      continue;
    }
    if (!check_target (p->path, error)) {
      g_unlink (p->tmp);
      ok = FALSE;
      continue;
    }
    if (g_rename (p->tmp, p->path) != 0) {
      set_errno_error (error, errno, _("Cannot replace %s with the new file: %s. The old file, if any, is unchanged."),
                       p->path);
      g_unlink (p->tmp);
      ok = FALSE;
      continue;
    }
    int dfd = g_open (p->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    if (dfd >= 0) {
      fsync (dfd);
      close (dfd);
    }
  }
  for (guint i = 0; i < t->locks->len; i++) {
    int fd = g_array_index (t->locks, int, i);
    flock (fd, LOCK_UN);
    close (fd);
  }
  g_array_unref (t->pending);
  g_array_unref (t->locks);
  g_free (t);
  return ok;
}
