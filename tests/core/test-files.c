/* Tests of the file helpers every reader and writer goes through:
 * non-regular targets refused and left untouched, stale temporaries
 * cleaned, advisory locks with a timeout, bounded reads that never block. */
#include <gst-bitnet/bn.h>
#include <gst-bitnet/bn-file-private.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

static char *
tmpdir (void)
{
  g_autoptr (GError) error = NULL;
  char *d = g_dir_make_tmp ("bn-files-XXXXXX", &error);
  g_assert_no_error (error);
  return d;
}

static void
rm_rf (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  for (const char *n; d && (n = g_dir_read_name (d));) {
    g_autofree char *p = g_build_filename (dir, n, NULL);
    if (g_file_test (p, G_FILE_TEST_IS_DIR) && !g_file_test (p, G_FILE_TEST_IS_SYMLINK))
      rm_rf (p);
    else
      g_unlink (p);
  }
  g_rmdir (dir);
}

static guint
count_entries (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  while (d && g_dir_read_name (d))
    n++;
  return n;
}

/* Each kind of non-regular target is refused, named, and left as it was. */
static void
test_refuse_non_regular (void)
{
  g_autofree char *dir = tmpdir ();
  g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
  g_autofree char *sub = g_build_filename (dir, "sub", NULL);
  g_autofree char *link = g_build_filename (dir, "link", NULL);
  g_autofree char *dev = g_build_filename (dir, "full", NULL);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  g_assert_cmpint (symlink ("/proc/self/fd/1", link), ==, 0);
  gboolean have_dev = mknod (dev, S_IFCHR | 0600, makedev (1, 7)) == 0;
  struct {
    const char *path, *kind;
  } cases[] = { { fifo, "FIFO" }, { sub, "directory" }, { link, "symbolic link" }, { dev, "character device" } };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    if (cases[i].path == dev && !have_dev)
      continue; /* mknod needs privileges */
    g_autoptr (GError) error = NULL;
    g_assert_false (bn_file_replace_contents (cases[i].path, "{}\n", -1, &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
    g_assert_nonnull (strstr (error->message, cases[i].kind));
    g_assert_nonnull (strstr (error->message, cases[i].path));
  }
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  GStatBuf st;
  g_assert_cmpint (g_lstat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  if (have_dev) {
    g_assert_cmpint (g_lstat (dev, &st), ==, 0);
    g_assert_true (S_ISCHR (st.st_mode));
  }
  /* no temporary left behind */
  g_assert_cmpuint (count_entries (dir), ==, have_dev ? 4 : 3);
  rm_rf (dir);
}

/* A regular file is replaced; missing directories are created. */
static void
test_replace_regular (void)
{
  g_autofree char *dir = tmpdir ();
  g_autofree char *path = g_build_filename (dir, "a", "b", "out.json", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (bn_file_replace_contents (path, "one", -1, &error));
  g_assert_true (bn_file_replace_contents (path, "two", -1, &error));
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "two");
  g_autofree char *parent = g_path_get_dirname (path);
  g_assert_cmpuint (count_entries (parent), ==, 1);
  rm_rf (dir);
}

/* "-" is standard output, written through, never replaced. */
static void
test_dash_is_stdout (void)
{
  if (g_test_subprocess ()) {
    g_autoptr (GError) error = NULL;
    g_assert_true (bn_file_replace_contents ("-", "to standard output\n", -1, &error));
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("to standard output\n");
}

/* Temporaries of our naming whose writer died are removed by the next
 * writer; those of a live process are left alone. */
static void
test_stale_temporaries (void)
{
  g_autofree char *dir = tmpdir ();
  g_autofree char *path = g_build_filename (dir, "r.json", NULL);
  pid_t child = fork ();
  if (child == 0)
    _exit (0);
  waitpid (child, NULL, 0);
  g_autofree char *dead = g_strdup_printf ("%s/.r.json.bn-tmp.%d.AbCdEf", dir, (int) child);
  g_autofree char *live = g_strdup_printf ("%s/.r.json.bn-tmp.%d.AbCdEf", dir, (int) getppid ());
  g_autofree char *other = g_strdup_printf ("%s/.other.json.bn-tmp.%d.AbCdEf", dir, (int) child);
  g_assert_true (g_file_set_contents (dead, "partial", -1, NULL));
  g_assert_true (g_file_set_contents (live, "in progress", -1, NULL));
  g_assert_true (g_file_set_contents (other, "partial", -1, NULL));
  g_autoptr (GError) error = NULL;
  g_assert_true (bn_file_replace_contents (path, "{}", -1, &error));
  g_assert_false (g_file_test (dead, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (live, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
  rm_rf (dir);
}

/* A second locker waits, then fails naming the lock; once released, the
 * lock is taken. */
static void
test_lock_timeout (void)
{
  g_autofree char *dir = tmpdir ();
  g_autofree char *path = g_build_filename (dir, "baselines.json", NULL);
  g_autoptr (GError) error = NULL;
  int a = bn_file_lock (path, 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a, >=, 0);
  gint64 t0 = g_get_monotonic_time ();
  int b = bn_file_lock (path, 200, &error);
  g_assert_cmpint (b, ==, -1);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_AGAIN);
  g_assert_nonnull (strstr (error->message, "baselines.json.lock"));
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 150000);
  g_clear_error (&error);
  bn_file_unlock (a);
  b = bn_file_lock (path, 200, &error);
  g_assert_no_error (error);
  bn_file_unlock (b);
  rm_rf (dir);
}

/* Reading a FIFO with no writer is refused at once, not a hang; a file
 * over the limit is refused with the limit named. */
static void
test_read_bounded (void)
{
  g_autofree char *dir = tmpdir ();
  g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
  g_autofree char *big = g_build_filename (dir, "big", NULL);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_autoptr (GError) error = NULL;
  char *text = NULL;
  g_assert_false (bn_file_read_bounded (fifo, "receipt", 1024, &text, NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
  g_assert_nonnull (strstr (error->message, "receipt"));
  g_assert_nonnull (strstr (error->message, "FIFO"));
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (big, "0123456789", -1, NULL));
  g_assert_false (bn_file_read_bounded (big, "receipt", 4, &text, NULL, &error));
  g_assert_nonnull (strstr (error->message, "limit"));
  g_clear_error (&error);
  gsize len = 0;
  g_assert_true (bn_file_read_bounded (big, "receipt", 10, &text, &len, &error));
  g_assert_cmpuint (len, ==, 10);
  g_assert_cmpstr (text, ==, "0123456789");
  g_free (text);
  rm_rf (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/files/write/refuse-non-regular", test_refuse_non_regular);
  g_test_add_func ("/files/write/replace-regular", test_replace_regular);
  g_test_add_func ("/files/write/dash-is-stdout", test_dash_is_stdout);
  g_test_add_func ("/files/write/stale-temporaries", test_stale_temporaries);
  g_test_add_func ("/files/lock/timeout", test_lock_timeout);
  g_test_add_func ("/files/read/bounded", test_read_bounded);
  return g_test_run ();
}
