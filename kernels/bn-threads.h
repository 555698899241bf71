/* gst-bitnet kernels: a persistent worker team for the forward pass
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * n - 1 worker threads are created once; bn_team_run() hands them a job
 * and runs share 0 on the calling thread. Workers spin briefly between
 * jobs (a forward pass posts a few jobs per layer, microseconds apart) and
 * then sleep on a condition variable, so an idle team costs no CPU and an
 * oversubscribed machine still makes progress. No thread is created or
 * joined per job. Docs: docs/engine.md "Threads".
 */
#pragma once

#include "bn-ktypes.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct BnTeam BnTeam;

/* One share of a job: @ith in [0, @nth). */
typedef void (*BnTeamFn) (void *ctx, unsigned ith, unsigned nth);

/* Largest team. */
#define BN_TEAM_MAX_THREADS 256

/* A team of @n_threads (1 .. BN_TEAM_MAX_THREADS) threads counting the
 * caller; NULL if a thread cannot be created or memory is short. */
BN_KERNEL_API BnTeam *bn_team_new (unsigned n_threads);
BN_KERNEL_API unsigned bn_team_size (const BnTeam *team);

/* Runs fn (ctx, i, n) for every i < n, share 0 on the calling thread, and
 * returns when all shares have returned; what the shares wrote is then
 * visible to the caller. Not reentrant: one caller at a time. */
BN_KERNEL_API void bn_team_run (BnTeam *team, BnTeamFn fn, void *ctx);

/* Stops and joins the workers. */
BN_KERNEL_API void bn_team_free (BnTeam *team);

/* Splits @n items into @nth contiguous shares whose bounds are multiples
 * of @align (except at @n): share @ith is [*begin, *end). */
static inline void
bn_team_split (size_t n, size_t align, unsigned ith, unsigned nth, size_t *begin, size_t *end)
{
  size_t units = (n + align - 1) / align;
  size_t b = units * ith / nth * align, e = units * (ith + 1) / nth * align;

  *begin = b < n ? b : n;
  *end = e < n ? e : n;
}

#ifdef __cplusplus
}
#endif
