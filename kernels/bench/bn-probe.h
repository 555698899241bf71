/* gst-bitnet: what the probes in kernels/bench/ share (a clock and a
 * random source); they print figures and assert nothing
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <stdint.h>
#include <time.h>

/* monotonic seconds */
static inline double
bn_probe_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

/* xorshift64: the next value of the sequence held in @state (nonzero) */
static inline uint64_t
bn_probe_rand (uint64_t *state)
{
  *state ^= *state << 13;
  *state ^= *state >> 7;
  *state ^= *state << 17;
  return *state;
}
