/* gst-bitnet kernel tests: a minimal TAP producer in plain C
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The kernel tests run where GLib is absent (cross-compiled for aarch64
 * under qemu-user), so they print TAP themselves instead of using GTest.
 */
#pragma once

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int ktap_count;
static int ktap_failures;

static inline void
ktap_diag (const char *fmt, ...)
{
  va_list ap;

  fputs ("# ", stdout);
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  fputc ('\n', stdout);
}

static inline int
ktap_ok (int ok, const char *fmt, ...)
{
  va_list ap;

  printf ("%sok %d - ", ok ? "" : "not ", ++ktap_count);
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  fputc ('\n', stdout);
  fflush (stdout);
  if (!ok)
    ktap_failures++;
  return ok;
}

static inline void
ktap_skip (const char *reason, const char *fmt, ...)
{
  va_list ap;

  printf ("ok %d - ", ++ktap_count);
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  printf (" # SKIP %s\n", reason);
  fflush (stdout);
}

/* Prints the plan (at the end, as TAP allows) and returns the exit code. */
static inline int
ktap_done (void)
{
  printf ("1..%d\n", ktap_count);
  return ktap_failures ? 1 : 0;
}

/* ---- deterministic random numbers (xorshift64*) -------------------- */

typedef struct {
  uint64_t s;
} KRand;

static inline void
krand_seed (KRand *r, uint64_t seed)
{
  r->s = seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
  if (!r->s)
    r->s = 1;
}

static inline uint64_t
krand_u64 (KRand *r)
{
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return r->s * 0x2545F4914F6CDD1Dull;
}

/* uniform in [lo, hi] */
static inline int
krand_int (KRand *r, int lo, int hi)
{
  return lo + (int) (krand_u64 (r) % (uint64_t) (hi - lo + 1));
}

/* uniform in [0, 1) */
static inline double
krand_unit (KRand *r)
{
  return (double) (krand_u64 (r) >> 11) * (1.0 / 9007199254740992.0);
}

/* approximately normal (sum of 4 uniforms, scaled) */
static inline float
krand_normal (KRand *r)
{
  double s = 0.0;

  for (int i = 0; i < 4; i++)
    s += krand_unit (r);
  return (float) ((s - 2.0) * 1.7320508);
}

static inline uint64_t
ktest_seed (void)
{
  const char *s = getenv ("BN_TEST_SEED");

  return s ? strtoull (s, NULL, 0) : 20250401u;
}
