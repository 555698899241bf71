/* gst-bitnet: a file truncated while mapped becomes an error, not SIGBUS
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Reading a page of a mapped file past its end raises SIGBUS, and another
 * process may truncate a model file while we compute on it. Each GGUF
 * mapping is registered here; a SIGBUS handler that finds the faulting
 * address inside a registered mapping maps zero pages over the rest of it,
 * marks it, and returns, so the computation finishes on zeros. The engine
 * then asks bn_mapping_guard_check() after each evaluation and fails with an
 * error naming the file. A fault outside every registered mapping goes to
 * the previous handler (or kills the process as before).
 * See docs/design/0013-hostile-inputs.md for the alternatives weighed.
 */
#undef G_LOG_DOMAIN
#define G_LOG_DOMAIN "bn-gguf"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bn-gguf-private.h"

#define MAX_GUARDS 256

typedef struct {
  const guint8 *volatile base;
  volatile gsize size;
  volatile sig_atomic_t hit;
} Guard;

static Guard guards[MAX_GUARDS];
static GMutex guards_lock;
static struct sigaction previous;
static gsize page_size;

static void
on_sigbus (int sig, siginfo_t *info, void *context)
{
  uintptr_t addr = (uintptr_t) info->si_addr;
  for (guint i = 0; i < MAX_GUARDS; i++) {
    uintptr_t base = (uintptr_t) guards[i].base, size = guards[i].size;
    if (!base || addr < base || addr >= base + size)
      continue;
    uintptr_t start = addr & ~(uintptr_t) (page_size - 1);
    uintptr_t end = (base + size + page_size - 1) & ~(uintptr_t) (page_size - 1);
    if (mmap ((void *) start, end - start, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
      guards[i].hit = 1;
      return;
    }
  }
  /* not ours */
  if ((previous.sa_flags & SA_SIGINFO) && previous.sa_sigaction)
    previous.sa_sigaction (sig, info, context);
  else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN)
    previous.sa_handler (sig);
  else
    signal (SIGBUS, SIG_DFL); /* the access faults again and ends the process */
}

static void
install_once (void)
{
  static gsize done = 0;
  if (!g_once_init_enter (&done))
    return;
  page_size = (gsize) sysconf (_SC_PAGESIZE);
  struct sigaction sa = { 0 };
  sa.sa_sigaction = on_sigbus;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGBUS, &sa, &previous);
  g_once_init_leave (&done, 1);
}

/* Watches @size bytes mapped at @base. */
void
bn_mapping_guard_add (const void *base, gsize size)
{
  if (!base || !size)
    return;
  install_once ();
  g_mutex_lock (&guards_lock);
  for (guint i = 0; i < MAX_GUARDS; i++)
    if (!guards[i].base) {
      guards[i].hit = 0;
      guards[i].size = size;
      guards[i].base = base;
      break;
    }
  g_mutex_unlock (&guards_lock);
}

/* Stops watching the mapping at @base (before it is unmapped). */
void
bn_mapping_guard_remove (const void *base)
{
  g_mutex_lock (&guards_lock);
  for (guint i = 0; i < MAX_GUARDS; i++)
    if (guards[i].base == base) {
      guards[i].base = NULL;
      guards[i].size = 0;
    }
  g_mutex_unlock (&guards_lock);
}

/* Fails when a read of the mapping at @base ran past the end of its file
 * (truncated while mapped), naming @display. */
gboolean
bn_mapping_guard_check (const void *base, const char *display, GError **error)
{
  gboolean hit = FALSE;
  g_mutex_lock (&guards_lock);
  for (guint i = 0; i < MAX_GUARDS; i++)
    if (base && guards[i].base == base)
      hit = guards[i].hit;
  g_mutex_unlock (&guards_lock);
  if (hit)
    g_set_error (error, BN_GGUF_ERROR, BN_GGUF_ERROR_TRUNCATED,
                 _("The file %s was truncated while it was mapped: the bytes past its new end were read as "
                    "zeros, so these results are invalid. Leave a model file unchanged while it is in use "
                    "(copy it first)."),
                 display);
  return !hit;
}
