/* gst-bitnet kernels: a persistent worker team
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Hand-off protocol (all atomics sequentially consistent):
 *  - the caller stores the job and @pending, then increments @gen; if a
 *    worker announced itself in @sleepers it broadcasts @cv_work under the
 *    mutex. A worker increments @sleepers under the mutex and re-reads
 *    @gen before waiting, so either the caller sees the sleeper or the
 *    sleeper sees the new generation (no lost wake-up).
 *  - each worker decrements @pending when its share returns; the last one
 *    signals @cv_done if the caller announced in @waiting that it sleeps.
 *    The caller re-reads @pending under the mutex after announcing.
 */
#include "bn-threads.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

/* pause iterations before each yield, and yields before sleeping: a
 * worker spins about 0.1-0.3 ms (pause takes 10-140 cycles depending on
 * the core) after a job, enough to catch the next job of a pass, which
 * comes microseconds later */
#define SPIN_PAUSES 1000
#define SPIN_YIELDS 8

struct BnTeam {
  unsigned n;
  unsigned n_started;
  pthread_t *threads;
  BnTeamFn fn;
  void *ctx;
  atomic_uint gen;
  atomic_uint pending;
  atomic_uint sleepers;
  atomic_uint waiting;
  atomic_int quit;
  pthread_mutex_t mu;
  pthread_cond_t cv_work;
  pthread_cond_t cv_done;
};

typedef struct {
  BnTeam *team;
  unsigned ith;
} WorkerArg;

static inline void
cpu_relax (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/* Spins (then yields) while *v == @old; returns the last value read,
 * still @old if the spinning budget ran out. */
static unsigned
spin_while_equal (atomic_uint *v, unsigned old)
{
  unsigned x = old;

  for (int y = 0; y <= SPIN_YIELDS; y++) {
    for (int i = 0; i < SPIN_PAUSES; i++) {
      x = atomic_load (v);
      if (x != old)
        return x;
      cpu_relax ();
    }
    if (y < SPIN_YIELDS)
      sched_yield ();
  }
  return x;
}

/* Spins (then yields) until *v == 0; returns the last value read. */
static unsigned
spin_until_zero (atomic_uint *v)
{
  unsigned x = 1;

  for (int y = 0; y <= SPIN_YIELDS; y++) {
    for (int i = 0; i < SPIN_PAUSES; i++) {
      x = atomic_load (v);
      if (x == 0)
        return 0;
      cpu_relax ();
    }
    if (y < SPIN_YIELDS)
      sched_yield ();
  }
  return x;
}

static void *
worker_main (void *data)
{
  WorkerArg *arg = data;
  BnTeam *t = arg->team;
  unsigned ith = arg->ith, seen = 0;

  free (arg);
  for (;;) {
    unsigned g = spin_while_equal (&t->gen, seen);

    if (g == seen) {
      pthread_mutex_lock (&t->mu);
      atomic_fetch_add (&t->sleepers, 1);
      while ((g = atomic_load (&t->gen)) == seen)
        pthread_cond_wait (&t->cv_work, &t->mu);
      atomic_fetch_sub (&t->sleepers, 1);
      pthread_mutex_unlock (&t->mu);
    }
    seen = g;
    if (atomic_load (&t->quit))
      break;
    t->fn (t->ctx, ith, t->n);
    if (atomic_fetch_sub (&t->pending, 1) == 1 && atomic_load (&t->waiting)) {
      pthread_mutex_lock (&t->mu);
      pthread_cond_signal (&t->cv_done);
      pthread_mutex_unlock (&t->mu);
    }
  }
  return NULL;
}

static void
post (BnTeam *t)
{
  atomic_fetch_add (&t->gen, 1);
  if (atomic_load (&t->sleepers) > 0) {
    pthread_mutex_lock (&t->mu);
    pthread_cond_broadcast (&t->cv_work);
    pthread_mutex_unlock (&t->mu);
  }
}

BnTeam *
bn_team_new (unsigned n_threads)
{
  BnTeam *t;

  if (n_threads < 1 || n_threads > BN_TEAM_MAX_THREADS)
    return NULL;
  t = calloc (1, sizeof *t);
  if (!t)
    return NULL;
  t->n = n_threads;
  atomic_init (&t->gen, 0);
  atomic_init (&t->pending, 0);
  atomic_init (&t->sleepers, 0);
  atomic_init (&t->waiting, 0);
  atomic_init (&t->quit, 0);
  pthread_mutex_init (&t->mu, NULL);
  pthread_cond_init (&t->cv_work, NULL);
  pthread_cond_init (&t->cv_done, NULL);
  if (n_threads > 1) {
    t->threads = calloc (n_threads - 1, sizeof *t->threads);
    if (!t->threads) {
      bn_team_free (t);
      return NULL;
    }
  }
  for (unsigned i = 1; i < n_threads; i++) {
    WorkerArg *arg = malloc (sizeof *arg);

    if (!arg) {
      bn_team_free (t);
      return NULL;
    }
    arg->team = t;
    arg->ith = i;
    if (pthread_create (&t->threads[i - 1], NULL, worker_main, arg) != 0) {
      free (arg);
      bn_team_free (t);
      return NULL;
    }
    t->n_started++;
  }
  return t;
}

unsigned
bn_team_size (const BnTeam *team)
{
  return team ? team->n : 0;
}

void
bn_team_run (BnTeam *t, BnTeamFn fn, void *ctx)
{
  if (t->n == 1) {
    fn (ctx, 0, 1);
    return;
  }
  t->fn = fn;
  t->ctx = ctx;
  atomic_store (&t->pending, t->n - 1);
  post (t);
  fn (ctx, 0, t->n);
  if (spin_until_zero (&t->pending) != 0) {
    pthread_mutex_lock (&t->mu);
    atomic_store (&t->waiting, 1);
    while (atomic_load (&t->pending) != 0)
      pthread_cond_wait (&t->cv_done, &t->mu);
    atomic_store (&t->waiting, 0);
    pthread_mutex_unlock (&t->mu);
  }
}

void
bn_team_free (BnTeam *t)
{
  if (!t)
    return;
  if (t->n_started > 0) {
    atomic_store (&t->quit, 1);
    post (t);
    for (unsigned i = 0; i < t->n_started; i++)
      pthread_join (t->threads[i], NULL);
  }
  free (t->threads);
  pthread_mutex_destroy (&t->mu);
  pthread_cond_destroy (&t->cv_work);
  pthread_cond_destroy (&t->cv_done);
  free (t);
}
