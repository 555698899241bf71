/* gst-bitnet: a description of the machine and build, for receipts
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-machine.h"
#include <gst-bitnet/bn.h>

#include "kernels/bn-dispatch.h"
#include "kernels/bn-membw.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <sys/utsname.h>

/**
 * SECTION:bn-machine
 * @title: Machine information
 * @short_description: what ran a measurement
 *
 * Receipts and baselines record the machine they were measured on: CPU
 * model, cores, SIMD features, operating system and kernel, compiler,
 * build type and commit, so that results of different machines are never
 * compared silently.
 */

static char *
cpu_model (void)
{
  g_autofree char *info = NULL;
  if (g_file_get_contents ("/proc/cpuinfo", &info, NULL, NULL)) {
    for (char *line = info; line && *line;) {
      char *nl = strchr (line, '\n');
      if (nl)
        *nl = '\0';
      if (g_str_has_prefix (line, "model name") || g_str_has_prefix (line, "Model")) {
        char *colon = strchr (line, ':');
        if (colon)
          return g_strstrip (g_strdup (colon + 1));
      }
      line = nl ? nl + 1 : NULL;
    }
  }
  return g_strdup ("unknown");
}

/**
 * bn_machine_platform:
 *
 * Gets the platform name used to key baselines, `os-arch` such as
 * `linux-x86_64`.
 *
 * Returns: (transfer full): the platform name.
 *
 * Since: 0.1
 */
char *
bn_machine_platform (void)
{
  struct utsname u;
  if (uname (&u) != 0)
    return g_strdup ("unknown");
  g_autofree char *os = g_ascii_strdown (u.sysname, -1);
  return g_strdup_printf ("%s-%s", os, u.machine);
}

/* The architecture /proc/cpuinfo describes, when it is not the one this
 * program was built for: qemu-user (7.2, Debian 12's) passes the host's
 * file through to the program it emulates. */
static const char *
cpuinfo_foreign_arch (void)
{
  g_autofree char *info = NULL;
  if (!g_file_get_contents ("/proc/cpuinfo", &info, NULL, NULL))
    return NULL;
#if defined(__x86_64__) || defined(__i386__)
  /* arm64 kernels write a "CPU implementer" line per core */
  if (strstr (info, "\nCPU implementer"))
    return "arm";
#else
  /* x86 kernels write "vendor_id" and a "flags" line with sse2 */
  if (strstr (info, "\nvendor_id\t") && strstr (info, " sse2"))
    return "x86";
#endif
  return NULL;
}

static gpointer
detect_emulator (gpointer data)
{
  const char *env = g_getenv ("BN_EMULATOR");
  if (env && *env)
    return g_strdup_printf ("%s (BN_EMULATOR)", env);
  const char *foreign = cpuinfo_foreign_arch ();
  if (foreign) {
    struct utsname u;
    return g_strdup_printf ("a %s program on an %s CPU (/proc/cpuinfo)", uname (&u) == 0 ? u.machine : "?", foreign);
  }
  return NULL;
}

/**
 * bn_machine_emulator:
 *
 * Tells whether this process runs under an emulator such as qemu-user, whose
 * timings say nothing about the machine it emulates: run records, receipts
 * and baselines then say `emulated`, and strict mode and the regression
 * analyzer refuse to compare them with native ones. Two signs are read (see
 * docs/platforms.md): the `BN_EMULATOR` environment variable, which
 * build-aux/qemu-aarch64.sh and the aarch64 cross file set and children
 * inherit, and a /proc/cpuinfo that describes another architecture than the
 * one this library was built for. The answer is computed once.
 *
 * Returns: (nullable): the emulator in a few words, or %NULL when this
 *   process runs natively.
 *
 * Since: 0.2
 */
const char *
bn_machine_emulator (void)
{
  static GOnce once = G_ONCE_INIT;
  return g_once (&once, detect_emulator, NULL);
}

/**
 * bn_machine_info:
 *
 * Describes this machine and build as a JSON object with members
 * `cpu_model`, `cores`, `simd_features`, `os`, `kernel`, `arch`,
 * `platform`, `compiler`, `build_type`, `build_commit`, `version` and
 * `emulated` (with `emulator` naming it when true: bn_machine_emulator()).
 *
 * Returns: (transfer full): a new JSON object.
 *
 * Since: 0.1
 */
JsonObject *
bn_machine_info (void)
{
  JsonObject *o = json_object_new ();
  struct utsname u;
  char feat[256];
  g_autofree char *cpu = cpu_model ();
  g_autofree char *platform = bn_machine_platform ();
  json_object_set_string_member (o, "cpu_model", cpu);
  json_object_set_int_member (o, "cores", g_get_num_processors ());
  json_object_set_string_member (o, "simd_features", bn_cpu_features_describe (bn_cpu_features (), feat, sizeof feat));
  if (uname (&u) == 0) {
    json_object_set_string_member (o, "os", u.sysname);
    json_object_set_string_member (o, "kernel", u.release);
    json_object_set_string_member (o, "arch", u.machine);
  }
  json_object_set_string_member (o, "platform", platform);
  json_object_set_string_member (o, "compiler", BN_COMPILER);
  json_object_set_string_member (o, "build_type", BN_BUILD_TYPE);
  json_object_set_string_member (o, "build_commit", bn_build_commit ());
  json_object_set_string_member (o, "version", bn_version_string ());
  json_object_set_boolean_member (o, "emulated", bn_machine_emulator () != NULL);
  if (bn_machine_emulator ())
    json_object_set_string_member (o, "emulator", bn_machine_emulator ());
  return o;
}

/**
 * bn_machine_total_memory:
 *
 * Gets the physical memory of this machine, the bound elements check
 * size properties against before allocating.
 *
 * Returns: the machine's physical memory in bytes (0 when unknown).
 *
 * Since: 0.2
 */
guint64
bn_machine_total_memory (void)
{
  long pages = sysconf (_SC_PHYS_PAGES), page = sysconf (_SC_PAGESIZE);
  return pages > 0 && page > 0 ? (guint64) pages * (guint64) page : 0;
}

/* The process's peak before the last bandwidth probe reset the kernel's
 * high-water mark (see bn_machine_read_bandwidth()), in MiB; 0 when none did. */
static double peak_before_probe_mb;
G_LOCK_DEFINE_STATIC (peak_before_probe);

static void
read_memory_mb (double *rss_mb, double *hwm_mb)
{
  *rss_mb = *hwm_mb = 0;
  g_autofree char *status = NULL;
  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return;
  g_auto (GStrv) lines = g_strsplit (status, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    if (g_str_has_prefix (lines[i], "VmRSS:"))
      *rss_mb = g_ascii_strtod (lines[i] + 6, NULL) / 1024.0;
    else if (g_str_has_prefix (lines[i], "VmHWM:"))
      *hwm_mb = g_ascii_strtod (lines[i] + 6, NULL) / 1024.0;
  }
}

/**
 * bn_machine_memory_mb:
 * @rss_mb: (out): resident memory of this process now (VmRSS), in MiB
 * @peak_mb: (out): its peak so far (VmHWM), in MiB, not counting the
 *   buffers of bn_machine_read_bandwidth() where the kernel lets the peak
 *   be reset
 *
 * Reads the process's memory use; both are 0 where /proc is missing.
 *
 * Since: 0.1
 */
void
bn_machine_memory_mb (double *rss_mb, double *peak_mb)
{
  read_memory_mb (rss_mb, peak_mb);
  G_LOCK (peak_before_probe);
  *peak_mb = MAX (*peak_mb, peak_before_probe_mb);
  G_UNLOCK (peak_before_probe);
}

typedef struct {
  const guint8 *buf;
  gsize bytes;
  guint64 sink;
} ReadJob;

static gpointer
read_part (gpointer data)
{
  ReadJob *j = data;
  j->sink = bn_membw_read (j->buf, j->bytes);
  return NULL;
}

/**
 * bn_machine_read_bandwidth_of:
 * @data: memory to read (larger than the last-level cache)
 * @bytes: its size
 * @n_threads: threads reading disjoint parts at once (1 for one core)
 *
 * Measures the memory read bandwidth available to @n_threads threads over
 * memory that already exists, e.g. a model's own weights, so that the
 * measurement adds nothing to the process's memory: the best of three
 * passes, each thread reading its part. The first pass also pages in
 * whatever is not resident yet.
 *
 * Returns: the bandwidth in GB/s (10^9 bytes per second), 0 when @bytes
 *   is too small to split.
 *
 * Since: 0.1
 */
double
bn_machine_read_bandwidth_of (gconstpointer data, gsize bytes, guint n_threads)
{
  g_return_val_if_fail (data != NULL || bytes == 0, 0);
  n_threads = CLAMP (n_threads, 1, 64);
  /* the reader uses aligned 32-byte loads of whole 256-byte runs */
  const guint8 *buf = (const guint8 *) (((guintptr) data + 255) & ~(guintptr) 255);
  gsize skip = buf - (const guint8 *) data;
  if (bytes <= skip)
    return 0;
  gsize part = (bytes - skip) / n_threads / 256 * 256;
  if (!part)
    return 0;
  double best = 0;
  ReadJob jobs[64];
  GThread *threads[64];
  for (int rep = 0; rep < 3; rep++) {
    gint64 t0 = g_get_monotonic_time ();
    for (guint t = 0; t < n_threads; t++) {
      jobs[t] = (ReadJob){ buf + t * part, part, 0 };
      threads[t] = t ? g_thread_new ("bn-membw", read_part, &jobs[t]) : NULL;
    }
    read_part (&jobs[0]);
    for (guint t = 1; t < n_threads; t++)
      g_thread_join (threads[t]);
    gint64 dt = g_get_monotonic_time () - t0;
    if (dt > 0)
      best = MAX (best, part * n_threads / (dt / 1e6) / 1e9);
  }
  return best;
}

/**
 * bn_machine_read_bandwidth:
 * @bytes: size of the buffer read (larger than the last-level cache)
 * @n_threads: threads reading disjoint parts at once (1 for one core)
 *
 * Measures the memory read bandwidth available to @n_threads threads: the
 * best of three passes over a new buffer of @bytes, split between the
 * threads (see bn_machine_read_bandwidth_of() to read existing memory).
 * The buffer is unmapped afterwards and, where Linux lets a process reset
 * its high-water mark, left out of the peak bn_machine_memory_mb() reports.
 *
 * Returns: the bandwidth in GB/s (10^9 bytes per second).
 *
 * Since: 0.1
 */
double
bn_machine_read_bandwidth (gsize bytes, guint n_threads)
{
  if (!bytes)
    return 0;
  /* mapped and unmapped here, not through malloc, so that the pages are
   * gone once measured (a sanitizer's quarantine would keep them) */
  double rss_mb, before_mb;
  read_memory_mb (&rss_mb, &before_mb);
  guint8 *buf = mmap (NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (buf == MAP_FAILED)
    return 0;
  memset (buf, 1, bytes);
  double best = bn_machine_read_bandwidth_of (buf, bytes, n_threads);
  munmap (buf, bytes);
  /* the probe is not the workload's memory: reset the kernel's high-water
   * mark (Linux: 5 to clear_refs) and keep the peak from before the probe */
  G_LOCK (peak_before_probe);
  int fd = g_open ("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC, 0);
  if (fd >= 0 && write (fd, "5", 1) == 1)
    peak_before_probe_mb = MAX (peak_before_probe_mb, before_mb);
  if (fd >= 0)
    close (fd);
  G_UNLOCK (peak_before_probe);
  return best;
}
