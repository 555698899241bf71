/* gst-bitnet: bn-forward-probe, decode and prefill speed of the forward
 * pass on the BitNet b1.58 2B4T shape (not a test: it asserts nothing)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Synthesizes random ternary weights directly in a kernel format (valid
 * codes, shapes of 2B4T: hidden 2560, FFN 6912, 30 blocks, 20/5 heads,
 * vocabulary 128256, f16 or Q8_0 tied head), then for each thread count:
 *
 *  - read bandwidth: the threads stream a 1 GB buffer (best of 3);
 *  - prefill: a prompt of --prefill tokens with the logits of the last
 *    (best of --reps), tokens per second;
 *  - decode: --decode steps of one token with logits after a 16-token
 *    prompt (best of --reps), tokens per second, next to the memory-bound
 *    ceiling = bandwidth / bytes of weights per token.
 *
 *   bn-forward-probe [--threads=1,2] [--prefill=128] [--decode=32]
 *                    [--reps=2] [--format=i2s|tl2|tq2_0] [--head=f16|q8_0]
 *                    [--layers=30] [--ctx=512] [--kv=f32|f16]
 *                    [--ubatch=64]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernels/bn-kernels.h"
#include "bn-probe.h"
#include "kernels/forward/bn-forward.h"
#include "kernels/bn-membw.h"
#include "kernels/bn-threads.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

/* bytes whose four 2-bit fields are codes 0..2 (q + 1) */
static void
fill_codes (uint8_t *dst, size_t n)
{
  uint8_t b81[81];

  for (int i = 0; i < 81; i++)
    b81[i] = (uint8_t) ((i % 3) | (i / 3 % 3) << 2 | (i / 9 % 3) << 4 | (i / 27) << 6);
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = bn_probe_rand (&rng);
    for (size_t k = 0; k < 8 && i + k < n; k++, v >>= 8)
      dst[i + k] = b81[(v & 0xff) % 81];
  }
}

static int
make_matrix (BnTernaryFormat fmt, size_t rows, size_t cols, BnTernary *out)
{
  float scale = 1.0f / 32.0f;
  size_t i2s_size = bn_ternary_packed_size (BN_TERNARY_I2S, rows, cols);
  uint8_t *i2s = bn_kalloc (i2s_size);
  BnTernary src = { BN_TERNARY_I2S, rows, cols, i2s, i2s_size, scale };

  if (!i2s)
    return -1;
  if (fmt == BN_TERNARY_TQ2_0) {
    size_t size = bn_ternary_packed_size (fmt, rows, cols);
    uint8_t *d = bn_kalloc (size);
    uint16_t h = bn_f32_to_f16 (scale);
    for (size_t b = 0; b < size / BN_TQ2_0_BLOCK_BYTES; b++) {
      fill_codes (d + b * BN_TQ2_0_BLOCK_BYTES, 64);
      memcpy (d + b * BN_TQ2_0_BLOCK_BYTES + 64, &h, 2);
    }
    bn_kfree (i2s);
    *out = (BnTernary){ fmt, rows, cols, d, size, 1.0f };
    return 0;
  }
  fill_codes (i2s, i2s_size); /* 2B shapes: no padding in I2S */
  if (fmt == BN_TERNARY_I2S) {
    *out = src;
    return 0;
  }
  {
    size_t size = bn_ternary_packed_size (fmt, rows, cols);
    uint8_t *d = bn_kalloc (size);
    int rc = bn_ternary_convert (&src, fmt, d, size, 0, out);
    bn_kfree (i2s);
    return rc;
  }
}

typedef struct {
  const uint8_t *buf;
  size_t size;
  uint64_t sink[64];
} BwJob;

static void
bw_share (void *data, unsigned ith, unsigned nth)
{
  BwJob *j = data;
  size_t b, e;

  bn_team_split (j->size, 4096, ith, nth, &b, &e);
  j->sink[ith % 64] += bn_membw_read (j->buf + b, e - b);
}

static double
bandwidth (unsigned nth)
{
  const size_t size = (size_t) 1 << 30;
  BwJob j = { bn_kalloc (size), size, { 0 } };
  BnTeam *team = bn_team_new (nth);
  double best = 0.0;

  memset ((void *) j.buf, 1, size);
  for (int r = 0; r < 3; r++) {
    double t0 = bn_probe_now ();
    bn_team_run (team, bw_share, &j);
    double gbs = (double) size / (bn_probe_now () - t0) / 1e9;
    best = gbs > best ? gbs : best;
  }
  bn_team_free (team);
  bn_kfree ((void *) j.buf);
  return best;
}

int
main (int argc, char **argv)
{
  unsigned threads[8] = { 1, 2 }, n_threads = 2;
  size_t n_prefill = 128, n_decode = 32, reps = 2, n_layer = 30, n_ctx = 512;
  size_t ubatch = 0;
  int kv_f16 = 0;
  BnTernaryFormat fmt = BN_TERNARY_I2S;
  BnFwdFloatType head_type = BN_FWD_F16;
  const size_t ne = 2560, nf = 6912, nh = 20, nkv = 5, hd = 128;
  const size_t nv = 128256;
  char err[256];

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strncmp (a, "--threads=", 10)) {
      char *p = (char *) a + 10;
      n_threads = 0;
      while (*p && n_threads < 8) {
        threads[n_threads++] = (unsigned) strtoul (p, &p, 10);
        if (*p == ',')
          p++;
      }
    } else if (!strncmp (a, "--prefill=", 10)) {
      n_prefill = strtoul (a + 10, NULL, 10);
    } else if (!strncmp (a, "--decode=", 9)) {
      n_decode = strtoul (a + 9, NULL, 10);
    } else if (!strncmp (a, "--reps=", 7)) {
      reps = strtoul (a + 7, NULL, 10);
    } else if (!strncmp (a, "--layers=", 9)) {
      n_layer = strtoul (a + 9, NULL, 10);
    } else if (!strncmp (a, "--ubatch=", 9)) {
      ubatch = strtoul (a + 9, NULL, 10);
    } else if (!strncmp (a, "--ctx=", 6)) {
      n_ctx = strtoul (a + 6, NULL, 10);
    } else if (!strcmp (a, "--kv=f16")) {
      kv_f16 = 1;
    } else if (!strncmp (a, "--format=", 9)) {
      if (bn_ternary_format_from_name (a + 9, &fmt) != BN_K_OK) {
        fprintf (stderr, "unknown format %s\n", a + 9);
        return 2;
      }
    } else if (!strcmp (a, "--head=q8_0")) {
      head_type = BN_FWD_Q8_0;
    } else if (strcmp (a, "--head=f16")) {
      fprintf (stderr, "unknown option %s (see the source header)\n", a);
      return 2;
    }
  }
  if (n_prefill + 16 + n_decode > n_ctx)
    n_ctx = n_prefill + 16 + n_decode;
  if (bn_kernels_init (err, sizeof err) != BN_K_OK) {
    fprintf (stderr, "%s\n", err);
    return 1;
  }

  /* weights */
  BnFwdLayer *layers = calloc (n_layer, sizeof *layers);
  float *ones = malloc (nf * sizeof (float));
  for (size_t i = 0; i < nf; i++)
    ones[i] = 1.0f;
  double t0 = bn_probe_now ();
  for (size_t l = 0; l < n_layer; l++) {
    const size_t shape[BN_FWD_N_PROJ][2] = { { ne, ne }, { nkv * hd, ne }, { nkv * hd, ne }, { ne, ne },
                                             { nf, ne }, { nf, ne },       { ne, nf } };
    for (int p = 0; p < BN_FWD_N_PROJ; p++) {
      if (make_matrix (fmt, shape[p][0], shape[p][1], &layers[l].w[p])) {
        fprintf (stderr, "cannot build weights\n");
        return 1;
      }
      layers[l].scale[p] = 1.0f;
    }
    layers[l].attn_norm = layers[l].attn_sub_norm = ones;
    layers[l].ffn_norm = layers[l].ffn_sub_norm = ones;
  }
  size_t head_size = head_type == BN_FWD_F16 ? nv * ne * 2 : nv * (ne / 32) * 34;
  uint8_t *head = bn_kalloc (head_size);
  if (head_type == BN_FWD_F16) {
    uint16_t *h = (uint16_t *) head;
    for (size_t i = 0; i < nv * ne; i++)
      h[i] = bn_f32_to_f16 ((float) ((int) (bn_probe_rand (&rng) % 2001) - 1000) * 2e-5f);
  } else {
    for (size_t b = 0; b < nv * ne / 32; b++) {
      uint8_t *blk = head + b * 34;
      uint16_t d = bn_f32_to_f16 (1e-4f);
      memcpy (blk, &d, 2);
      for (int i = 0; i < 32; i += 8) {
        uint64_t v = bn_probe_rand (&rng);
        memcpy (blk + 2 + i, &v, 8);
      }
    }
  }
  BnFwdModel m = {
    .n_vocab = nv,
    .n_embd = ne,
    .n_ff = nf,
    .n_layer = n_layer,
    .n_head = nh,
    .n_head_kv = nkv,
    .head_dim = hd,
    .rope_dim = hd,
    .rope_theta = 500000.0f,
    .rms_eps = 1e-5f,
    .ffn_act = BN_FWD_FFN_RELU2,
    .embd_type = head_type,
    .embd = head,
    .head_type = head_type,
    .head = head,
    .output_norm = ones,
    .layers = layers,
  };
  printf ("bn-forward-probe: 2B4T shape, %zu blocks, %s weights, %s head, "
          "%s kernels, KV %s; weights built in %.1f s\n",
          n_layer, bn_ternary_format_name (fmt), head_type == BN_FWD_F16 ? "f16" : "q8_0", bn_kernels_active ()->name,
          kv_f16 ? "f16" : "f32", bn_probe_now () - t0);

  int32_t *prompt = malloc ((n_prefill + 16) * sizeof (int32_t));
  float *logits = malloc (nv * sizeof (float));
  for (size_t i = 0; i < n_prefill + 16; i++)
    prompt[i] = (int32_t) (bn_probe_rand (&rng) % nv);

  printf ("%-8s %10s %10s %10s %12s %10s %10s\n", "threads", "read GB/s", "MB/token", "ceiling", "decode tok/s",
          "of ceiling", "prefill");
  for (unsigned ti = 0; ti < n_threads; ti++) {
    BnFwdOptions o = { .n_threads = threads[ti], .n_ctx = n_ctx, .kv_f16 = kv_f16, .ubatch = ubatch };
    BnFwd *f;
    double best_dec = 0.0, best_pre = 0.0, bw;

    if (bn_fwd_new (&m, &o, &f, err, sizeof err) != BN_K_OK) {
      fprintf (stderr, "%s\n", err);
      return 1;
    }
    bw = bandwidth (threads[ti]);
    for (size_t r = 0; r < reps; r++) {
      bn_fwd_reset (f);
      double a = bn_probe_now ();
      bn_fwd_eval (f, prompt, n_prefill, logits);
      double pre = (double) n_prefill / (bn_probe_now () - a);
      bn_fwd_reset (f);
      bn_fwd_eval (f, prompt, 16, logits);
      a = bn_probe_now ();
      for (size_t s = 0; s < n_decode; s++) {
        int32_t tok = prompt[s % 16];
        bn_fwd_eval (f, &tok, 1, logits);
      }
      double dec = (double) n_decode / (bn_probe_now () - a);
      best_pre = pre > best_pre ? pre : best_pre;
      best_dec = dec > best_dec ? dec : best_dec;
    }
    double mb = (double) bn_fwd_bytes_per_token (f) / 1e6;
    double ceil = bw * 1e3 / mb;
    printf ("%-8u %10.1f %10.1f %10.1f %12.2f %9.0f%% %10.1f\n", threads[ti], bw, mb, ceil, best_dec,
            100.0 * best_dec / ceil, best_pre);
    {
      const char *names[64];
      size_t n = bn_fwd_kernels_used (f, names, 64);
      printf ("         kernels:");
      for (size_t i = 0; i < n && i < 64; i++)
        printf (" %s", names[i]);
      printf ("\n");
    }
    bn_fwd_free (f);
  }
  return 0;
}
