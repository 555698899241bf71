/* gst-bitnet: bn-kernel-probe, a quick single-thread throughput probe of
 * the ternary GEMV kernels (not a test: it asserts nothing)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For each 2B4T layer shape x format x variant it prints weights/s with the
 * matrix resident in cache (one matrix, repeated) and streaming from DRAM
 * (a set of copies larger than the last-level cache, cycled), next to the
 * single-thread DRAM read bandwidth measured in the same run.
 *
 *   bn-kernel-probe [--seconds=S] [--stream-mb=MB] [--formats=i2s,tl2]
 *                   [--variants=avx512,avx2] [--shapes=2560x6912,...]
 *                   [--threads=N] [--hugepages]
 *
 * The DRAM figure is always one thread; --threads splits each GEMV's rows
 * over N threads in lock-step (a barrier after every product). "gemm x8"
 * is the batched product of 8 tokens, cache-resident, one thread, counted
 * as 8 x rows x cols weight-token products per call. TL table building
 * ("lut") is per token and not included in the product figures.
 * --formats=head (or no --formats) adds the f16 and Q8_0 output head.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <pthread.h>

#include "kernels/bn-kernels.h"
#include "bn-probe.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

typedef struct {
  size_t rows, cols;
} Shape;

/* tokens per batched product in the "gemm x8" column */
#define GEMM_TOKENS 8

static uint64_t rng = 88172645463325252ull;

static int
listed (const char *list, const char *name)
{
  size_t n = strlen (name);
  const char *p = list;

  if (!list)
    return 1;
  while ((p = strstr (p, name))) {
    if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
      return 1;
    p += n;
  }
  return 0;
}

/* Single-thread read bandwidth: sum a buffer with wide loads, best of 3. */
#if defined(__x86_64__)
__attribute__ ((target ("avx2")))
#endif
static double
read_bandwidth (const uint8_t *buf, size_t size, volatile uint64_t *sink)
{
  double best = 0.0;

  for (int rep = 0; rep < 3; rep++) {
    double t0 = bn_probe_now (), dt;
#if defined(__x86_64__)
    __m256i a0 = _mm256_setzero_si256 (), a1 = a0, a2 = a0, a3 = a0;
    for (size_t i = 0; i + 128 <= size; i += 128) {
      a0 = _mm256_add_epi64 (a0, _mm256_load_si256 ((const __m256i *) (buf + i)));
      a1 = _mm256_add_epi64 (a1, _mm256_load_si256 ((const __m256i *) (buf + i + 32)));
      a2 = _mm256_add_epi64 (a2, _mm256_load_si256 ((const __m256i *) (buf + i + 64)));
      a3 = _mm256_add_epi64 (a3, _mm256_load_si256 ((const __m256i *) (buf + i + 96)));
    }
    a0 = _mm256_add_epi64 (_mm256_add_epi64 (a0, a1), _mm256_add_epi64 (a2, a3));
    *sink += (uint64_t) _mm256_extract_epi64 (a0, 0);
#else
    uint64_t s = 0;
    for (size_t i = 0; i + 8 <= size; i += 8) {
      uint64_t v;
      memcpy (&v, buf + i, 8);
      s += v;
    }
    *sink += s;
#endif
    dt = bn_probe_now () - t0;
    if (size / dt > best)
      best = (double) size / dt;
  }
  return best / 1e9;
}

typedef struct {
  BnTernary *mats;
  size_t n;
} MatSet;

typedef struct {
  const BnKernelEntry *e;
  const MatSet *set;
  const BnActQ8 *act;
  float *y;
  size_t row_begin, row_end;
  size_t iters;
  pthread_barrier_t *barrier;
} Worker;

static void *
worker_run (void *data)
{
  Worker *wk = data;

  for (size_t i = 0; i < wk->iters; i++) {
    const BnTernary *w = &wk->set->mats[i % wk->set->n];
    wk->e->fn (w, wk->act, 1, wk->row_begin, wk->row_end, NULL, wk->y);
    /* lock-step, like a thread team between two layers */
    pthread_barrier_wait (wk->barrier);
  }
  return NULL;
}

/* Runs GEMVs cycling over @set for about @seconds on @threads threads
 * (rows split at multiples of the format's row alignment); returns
 * weights/s. */
static double
run_gemv (const BnKernels *k, const MatSet *set, const BnActQ8 *act, size_t n_tokens, float *y, double seconds,
          int threads)
{
  const BnTernary *w0 = &set->mats[0];
  const BnKernelEntry *e = bn_kernels_entry (k, w0->format, n_tokens);
  const size_t align = bn_ternary_row_align (w0->format);
  size_t iters = 0, batch;
  double t0, dt;

  /* warm-up and calibration: one pass over the set */
  t0 = bn_probe_now ();
  for (size_t i = 0; i < set->n; i++)
    e->fn (&set->mats[i], act, n_tokens, 0, w0->rows, NULL, y);
  dt = (bn_probe_now () - t0) / (double) set->n;
  batch = (size_t) (seconds / dt / 4) + 1;

  if (threads <= 1) {
    t0 = bn_probe_now ();
    do {
      for (size_t b = 0; b < batch; b++) {
        e->fn (&set->mats[iters % set->n], act, n_tokens, 0, w0->rows, NULL, y);
        iters++;
      }
      dt = bn_probe_now () - t0;
    } while (dt < seconds);
  } else {
    Worker wk[16];
    pthread_t tid[16];
    pthread_barrier_t barrier;
    size_t per = (w0->rows / align + threads - 1) / threads * align;

    iters = batch * 4;
    pthread_barrier_init (&barrier, NULL, (unsigned) threads);
    t0 = bn_probe_now ();
    for (int t = 0; t < threads; t++) {
      wk[t].e = e;
      wk[t].set = set;
      wk[t].act = act;
      wk[t].y = y;
      wk[t].row_begin = t * per < w0->rows ? t * per : w0->rows;
      wk[t].row_end = (t + 1) * per < w0->rows ? (t + 1) * per : w0->rows;
      wk[t].iters = iters;
      wk[t].barrier = &barrier;
      pthread_create (&tid[t], NULL, worker_run, &wk[t]);
    }
    for (int t = 0; t < threads; t++)
      pthread_join (tid[t], NULL);
    dt = bn_probe_now () - t0;
    pthread_barrier_destroy (&barrier);
  }
  return (double) iters * (double) n_tokens * (double) w0->rows * (double) w0->cols / dt;
}

/* The tied output head of 2B4T (128256 x 2560), f16 and Q8_0: it does
 * not fit any cache, so one pass over it is a streaming figure. */
static void
probe_head (const char *variants, double seconds)
{
  const size_t rows = 128256, cols = 2560;
  uint16_t *wh = bn_kalloc (rows * cols * 2);
  uint8_t *wq = bn_kalloc (bn_q8_0_size (rows, cols));
  float *x = malloc (cols * sizeof (float)), *y = malloc (rows * 4);
  float *row = malloc (cols * sizeof (float));
  size_t asz = bn_act_buffer_size (cols);
  void *abuf = bn_kalloc (asz);
  BnActQ8 act;

  for (size_t c = 0; c < cols; c++)
    x[c] = (float) ((double) (bn_probe_rand (&rng) % 2001) / 1000.0 - 1.0);
  for (size_t r = 0; r < rows; r++) {
    for (size_t c = 0; c < cols; c++) {
      row[c] = (float) ((double) (bn_probe_rand (&rng) % 2001) / 50000.0 - 0.02);
      wh[r * cols + c] = bn_f32_to_f16 (row[c]);
    }
    bn_q8_0_quantize (row, 1, cols, wq + r * bn_q8_0_size (1, cols));
  }
  bn_act_init (&act, abuf, asz, cols);
  bn_act_quantize (&act, x);

  printf ("# output head %zux%zu (2B4T, tied), one pass per call\n", rows, cols);
  for (int v = 0; v < BN_KERNEL_N_VARIANTS; v++) {
    const BnKernels *k = bn_kernels_get ((BnKernelVariant) v);
    const char *name = NULL;
    double t0, dt;
    int n;

    if (!k || !listed (variants, k->name) || v == BN_KERNEL_SCALAR)
      continue;
    for (int fmt = 0; fmt < 2; fmt++) {
      double bytes = fmt ? (double) bn_q8_0_size (rows, cols) : (double) rows * cols * 2;
      t0 = bn_probe_now ();
      n = 0;
      do {
        if (fmt)
          bn_head_q8_0_gemv (k, wq, rows, cols, &act, 0, rows, y, &name);
        else
          bn_head_f16_gemv (k, wh, rows, cols, x, 0, rows, y, &name);
        n++;
        dt = bn_probe_now () - t0;
      } while (dt < seconds);
      printf ("%-10s %-6s %-8s %-24s %9s %9.1f %9.2f\n", "head", fmt ? "q8_0" : "f16", k->name, name, "-",
              (double) n * rows * cols / dt / 1e9, (double) n * bytes / dt / 1e9);
    }
  }
  bn_kfree (wh);
  bn_kfree (wq);
  bn_kfree (abuf);
  free (x);
  free (y);
  free (row);
}

int
main (int argc, char **argv)
{
  static const Shape all_shapes[] = {
    { 2560, 2560 },
    { 640, 2560 },
    { 6912, 2560 },
    { 2560, 6912 },
  };
  const char *formats = NULL, *variants = NULL, *shape_list = NULL;
  double seconds = 0.3;
  int hugepages = 0, threads = 1;
  size_t stream_bytes = (size_t) 512 << 20;
  volatile uint64_t sink = 0;
  uint8_t *bwbuf;
  double dram;
  char feat[96];

  for (int i = 1; i < argc; i++) {
    if (strncmp (argv[i], "--seconds=", 10) == 0)
      seconds = atof (argv[i] + 10);
    else if (strncmp (argv[i], "--stream-mb=", 12) == 0)
      stream_bytes = (size_t) atol (argv[i] + 12) << 20;
    else if (strncmp (argv[i], "--threads=", 10) == 0)
      threads = atoi (argv[i] + 10) < 1 ? 1 : atoi (argv[i] + 10) > 16 ? 16 : atoi (argv[i] + 10);
    else if (strcmp (argv[i], "--hugepages") == 0)
      hugepages = 1;
    else if (strncmp (argv[i], "--formats=", 10) == 0)
      formats = argv[i] + 10;
    else if (strncmp (argv[i], "--variants=", 11) == 0)
      variants = argv[i] + 11;
    else if (strncmp (argv[i], "--shapes=", 9) == 0)
      shape_list = argv[i] + 9;
    else {
      fprintf (stderr,
               "usage: %s [--seconds=S] [--stream-mb=MB] "
               "[--formats=a,b] [--variants=a,b] [--shapes=RxC,...] "
               "[--threads=N] [--hugepages]\n",
               argv[0]);
      return 2;
    }
  }

  printf ("# bn-kernel-probe: %d thread(s) for the kernels, CPU features: "
          "%s\n",
          threads, bn_cpu_features_describe (bn_cpu_features (), feat, sizeof feat));
  bwbuf = bn_kalloc (stream_bytes);
  memset (bwbuf, 1, stream_bytes);
  dram = read_bandwidth (bwbuf, stream_bytes, &sink);
  bn_kfree (bwbuf);
  printf ("# DRAM read bandwidth (1 thread, %zu MB, best of 3): %.2f GB/s\n", stream_bytes >> 20, dram);
  printf ("# cache: one matrix, repeated; stream: copies totalling >= %zu MB "
          "cycled; %.2f s per figure\n",
          stream_bytes >> 20, seconds);
  printf ("%-10s %-6s %-8s %-24s %9s %9s %9s %7s %8s %9s\n", "shape", "format", "variant", "kernel", "cache", "stream",
          "stream", "of", "lut", "gemm x8");
  printf ("%-10s %-6s %-8s %-24s %9s %9s %9s %7s %8s %9s\n", "", "", "", "", "Gw/s", "Gw/s", "GB/s", "DRAM", "us/tok",
          "Gw/s");

  for (size_t si = 0; si < sizeof all_shapes / sizeof all_shapes[0]; si++) {
    Shape s = all_shapes[si];
    char sname[32];
    size_t asz = bn_act_buffer_size (s.cols);
    void *abuf = bn_kalloc (asz);
    int8_t *codes = malloc (s.rows * s.cols);
    float *x = malloc (s.cols * sizeof (float));
    float *y = malloc (s.rows * sizeof (float));
    BnActQ8 act, batch[GEMM_TOKENS];
    void *batch_buf[GEMM_TOKENS], *batch_lut[GEMM_TOKENS];
    float *ybatch = malloc (GEMM_TOKENS * s.rows * sizeof (float));
    size_t max_lut = bn_ternary_lut_size (BN_TERNARY_TL1, s.cols) > bn_ternary_lut_size (BN_TERNARY_TL2, s.cols)
                         ? bn_ternary_lut_size (BN_TERNARY_TL1, s.cols)
                         : bn_ternary_lut_size (BN_TERNARY_TL2, s.cols);

    for (size_t t = 0; t < GEMM_TOKENS; t++) {
      batch_buf[t] = bn_kalloc (asz);
      batch_lut[t] = bn_kalloc (max_lut);
      bn_act_init (&batch[t], batch_buf[t], asz, s.cols);
    }
    snprintf (sname, sizeof sname, "%zux%zu", s.rows, s.cols);
    if (!listed (shape_list, sname))
      goto next_shape;
    for (size_t i = 0; i < s.rows * s.cols; i++)
      codes[i] = (int8_t) ((int) (bn_probe_rand (&rng) % 3) - 1);
    for (size_t i = 0; i < s.cols; i++)
      x[i] = (float) ((double) (bn_probe_rand (&rng) % 2001) / 1000.0 - 1.0);
    bn_act_init (&act, abuf, asz, s.cols);

    for (int f = 0; f < BN_TERNARY_N_FORMATS; f++) {
      size_t size = bn_ternary_packed_size (f, s.rows, s.cols);
      size_t lsz = bn_ternary_lut_size (f, s.cols);
      size_t n_copies = stream_bytes / size + 1;
      void *lut = lsz ? bn_kalloc (lsz) : NULL;
      uint8_t *one = bn_kalloc (size);
      uint8_t *many;
      BnTernary base;
      MatSet cache_set, stream_set;

      if (!listed (formats, bn_ternary_format_name (f)))
        goto next_format;
      bn_ternary_pack_codes (f, one, size, codes, s.rows, s.cols, 0.5f, &base);
      many = aligned_alloc ((size_t) 2 << 20, bn_round_up (size * n_copies, (size_t) 2 << 20));
      if (many && hugepages)
        madvise (many, bn_round_up (size * n_copies, (size_t) 2 << 20), MADV_HUGEPAGE);
      if (!many) {
        fprintf (stderr, "out of memory for %zu copies\n", n_copies);
        return 1;
      }
      stream_set.mats = malloc (n_copies * sizeof (BnTernary));
      stream_set.n = n_copies;
      for (size_t c = 0; c < n_copies; c++) {
        memcpy (many + c * size, one, size);
        stream_set.mats[c] = base;
        stream_set.mats[c].data = many + c * size;
      }
      cache_set.mats = &base;
      cache_set.n = 1;

      for (int v = 0; v < BN_KERNEL_N_VARIANTS; v++) {
        const BnKernels *k = bn_kernels_get ((BnKernelVariant) v);
        const char *lname = NULL;
        double gc, gs, gb, lut_us = 0.0;

        if (!k || !listed (variants, k->name))
          continue;
        bn_act_quantize (&act, x);
        if (lut) {
          double t0 = bn_probe_now ();
          int n = 0;
          do {
            bn_act_build_lut (k, &act, f, lut, lsz, &lname);
            n++;
          } while (bn_probe_now () - t0 < 0.02);
          lut_us = (bn_probe_now () - t0) / n * 1e6;
        }
        gc = run_gemv (k, &cache_set, &act, 1, y, seconds, threads);
        gs = run_gemv (k, &stream_set, &act, 1, y, seconds, threads);
        for (size_t t = 0; t < GEMM_TOKENS; t++) {
          bn_act_quantize (&batch[t], x);
          if (lut)
            bn_act_build_lut (k, &batch[t], f, batch_lut[t], lsz, NULL);
        }
        gb = threads > 1 ? 0.0 : run_gemv (k, &cache_set, batch, GEMM_TOKENS, ybatch, seconds, 1);
        printf ("%-10s %-6s %-8s %-24s %9.1f %9.1f %9.2f %6.0f%% ", sname, bn_ternary_format_name (f), k->name,
                bn_kernels_entry (k, f, 1)->name, gc / 1e9, gs / 1e9,
                gs * (double) size / ((double) s.rows * (double) s.cols) / 1e9,
                100.0 * gs * (double) size / ((double) s.rows * (double) s.cols) / 1e9 / dram);
        if (lut)
          printf ("%8.2f", lut_us);
        else
          printf ("%8s", "-");
        printf (" %9.1f\n", gb / 1e9);
        fflush (stdout);
      }
      free (stream_set.mats);
      free (many);
    next_format:
      bn_kfree (one);
      bn_kfree (lut);
    }
  next_shape:
    for (size_t t = 0; t < GEMM_TOKENS; t++) {
      bn_kfree (batch_buf[t]);
      bn_kfree (batch_lut[t]);
    }
    free (ybatch);
    free (codes);
    free (x);
    free (y);
    bn_kfree (abuf);
  }
  if (listed (formats, "head"))
    probe_head (variants, seconds);
  (void) sink;
  return 0;
}
