/* gst-bitnet kernel tests: every SIMD variant is bit-identical to the
 * scalar reference, for every format, ragged shapes, adversarial inputs,
 * row ranges and batches.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <string.h>

#include "kernels/bn-kernels.h"
#include "ktap.h"

typedef enum {
  IN_RANDOM,         /* random codes, random full-range int8 */
  IN_PLUS_MAX,       /* all +1 weights, all +127 activations */
  IN_MINUS_MIN,      /* all -1 weights, all -128 activations */
  IN_PLUS_MIN,       /* all +1 weights, all -128 activations */
  IN_ZERO_W,         /* all-zero weights, random activations */
  IN_RANDOM_EXTREME, /* random codes, activations -128 / 127 */
  IN_SPARSE,         /* mostly-zero codes, random activations */
  N_INPUTS
} InputKind;

static const char *const input_names[N_INPUTS] = {
  "random", "plus-max", "minus-min", "plus-min", "zero-weights", "random-extreme", "sparse",
};

typedef struct {
  size_t rows, cols;
} Shape;

/* ragged in both directions: cols not a multiple of 2, 3, 64, 256; rows
 * not a multiple of the 4- or 32-row interleave */
static const Shape shapes[] = {
  { 1, 1 },   { 3, 5 },    { 5, 7 },    { 2, 64 },    { 33, 129 },  { 17, 255 },
  { 9, 256 }, { 31, 770 }, { 4, 1000 }, { 37, 2560 }, { 35, 6925 }, { 6, 6912 },
};

static const Shape tq_shapes[] = {
  { 1, 256 }, { 3, 512 }, { 33, 768 }, { 37, 2560 }, { 6, 6912 }, { 5, 7168 },
};

static int
is_tq (BnTernaryFormat f)
{
  return f == BN_TERNARY_TQ2_0 || f == BN_TERNARY_TQ1_0;
}

static int
is_tl (BnTernaryFormat f)
{
  return f == BN_TERNARY_TL1 || f == BN_TERNARY_TL2;
}

static void
fill_codes (KRand *r, InputKind kind, int8_t *codes, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    switch (kind) {
    case IN_PLUS_MAX:
    case IN_PLUS_MIN: codes[i] = 1; break;
    case IN_MINUS_MIN: codes[i] = -1; break;
    case IN_ZERO_W: codes[i] = 0; break;
    case IN_SPARSE: codes[i] = krand_int (r, 0, 15) == 0 ? (int8_t) krand_int (r, -1, 1) : 0; break;
    default: codes[i] = (int8_t) krand_int (r, -1, 1);
    }
  }
}

static void
fill_acts (KRand *r, InputKind kind, int8_t *q, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    switch (kind) {
    case IN_PLUS_MAX: q[i] = 127; break;
    case IN_MINUS_MIN:
    case IN_PLUS_MIN: q[i] = -128; break;
    case IN_RANDOM_EXTREME: q[i] = krand_int (r, 0, 1) ? 127 : -128; break;
    default: q[i] = (int8_t) krand_int (r, -128, 127);
    }
  }
}

/* random f16 scales: normal, subnormal, negative, zero */
static uint16_t
random_f16 (KRand *r)
{
  switch (krand_int (r, 0, 9)) {
  case 0: return 0;
  case 1: return (uint16_t) krand_int (r, 1, 0x3ff); /* subnormal */
  case 2: return (uint16_t) (0x8000 | krand_int (r, 0x0400, 0x7bff));
  default: return (uint16_t) krand_int (r, 0x0400, 0x7bff);
  }
}

typedef struct {
  BnTernary w;
  void *data;
  BnActQ8 acts[BN_GEMM_MAX_TOKENS + 1];
  void *act_buf[BN_GEMM_MAX_TOKENS + 1];
  void *lut_ref[BN_GEMM_MAX_TOKENS + 1];
  void *lut_var[BN_GEMM_MAX_TOKENS + 1];
  size_t n_acts;
} Case;

static int
case_build (Case *c, KRand *r, BnTernaryFormat f, Shape s, InputKind kind, size_t n_acts)
{
  int8_t *codes = malloc (s.rows * s.cols);
  int8_t *q = malloc (s.cols);
  size_t size = bn_ternary_packed_size (f, s.rows, s.cols);
  int rc;

  memset (c, 0, sizeof *c);
  c->data = bn_kalloc (size);
  fill_codes (r, kind, codes, s.rows * s.cols);
  if (is_tq (f)) {
    size_t nb = s.rows * s.cols / 256;
    uint16_t *d = malloc (nb * sizeof *d);
    for (size_t i = 0; i < nb; i++)
      d[i] = random_f16 (r);
    rc = f == BN_TERNARY_TQ2_0 ? bn_tq2_0_pack_codes (c->data, codes, s.rows, s.cols, d, 0.0f)
                               : bn_tq1_0_pack_codes (c->data, codes, s.rows, s.cols, d, 0.0f);
    c->w.format = f;
    c->w.rows = s.rows;
    c->w.cols = s.cols;
    c->w.data = c->data;
    c->w.size = size;
    c->w.scale = 1.0f;
    free (d);
  } else {
    rc = bn_ternary_pack_codes (f, c->data, size, codes, s.rows, s.cols, (float) (0.01 + krand_unit (r)), &c->w);
  }

  c->n_acts = n_acts;
  for (size_t t = 0; t < n_acts && rc == BN_K_OK; t++) {
    size_t sz = bn_act_buffer_size (s.cols);
    c->act_buf[t] = bn_kalloc (sz);
    bn_act_init (&c->acts[t], c->act_buf[t], sz, s.cols);
    fill_acts (r, kind, q, s.cols);
    bn_act_set (&c->acts[t], q, (float) (0.5 + 100.0 * krand_unit (r)));
  }
  free (codes);
  free (q);
  return rc;
}

static void
case_free (Case *c)
{
  bn_kfree (c->data);
  for (size_t t = 0; t < c->n_acts; t++) {
    bn_kfree (c->act_buf[t]);
    bn_kfree (c->lut_ref[t]);
    bn_kfree (c->lut_var[t]);
  }
}

/* Builds reference tables (scalar builder) and the variant's, checks they
 * are byte-identical, leaves the variant's attached. */
static int
case_luts (Case *c, const BnKernels *ks, const BnKernels *kv)
{
  BnTernaryFormat f = c->w.format;
  size_t sz = bn_ternary_lut_size (f, c->w.cols);
  int same = 1;

  if (!is_tl (f))
    return 1;
  for (size_t t = 0; t < c->n_acts; t++) {
    c->lut_ref[t] = bn_kalloc (sz);
    c->lut_var[t] = bn_kalloc (sz);
    bn_act_build_lut (ks, &c->acts[t], f, c->lut_ref[t], sz, NULL);
    bn_act_build_lut (kv, &c->acts[t], f, c->lut_var[t], sz, NULL);
    same &= memcmp (c->lut_ref[t], c->lut_var[t], sz) == 0;
  }
  return same;
}

typedef struct {
  int32_t *idot;
  float *y;
} Out;

static void
out_alloc (Out *o, size_t n)
{
  o->idot = malloc (n * sizeof (int32_t));
  o->y = malloc (n * sizeof (float));
  /* poison: rows a kernel must not write keep this pattern */
  memset (o->idot, 0xa5, n * sizeof (int32_t));
  memset (o->y, 0xa5, n * sizeof (float));
}

static void
out_free (Out *o)
{
  free (o->idot);
  free (o->y);
}

static int
out_equal (const Out *a, const Out *b, size_t n, const char **what)
{
  for (size_t i = 0; i < n; i++) {
    if (a->idot[i] != b->idot[i]) {
      ktap_diag ("idot[%zu]: %d vs %d", i, a->idot[i], b->idot[i]);
      *what = "idot";
      return 0;
    }
    if (memcmp (&a->y[i], &b->y[i], sizeof (float)) != 0) {
      ktap_diag ("y[%zu]: %.9g vs %.9g", i, a->y[i], b->y[i]);
      *what = "y";
      return 0;
    }
  }
  return 1;
}

/* One format x variant x input kind over every shape: GEMV over the full
 * range and over ragged sub-ranges, and batches of 3 and 17 tokens. */
static void
check_parity (const BnKernels *ks, const BnKernels *kv, BnTernaryFormat f, InputKind kind, KRand *r)
{
  const Shape *list = is_tq (f) ? tq_shapes : shapes;
  size_t n_shapes = is_tq (f) ? sizeof tq_shapes / sizeof tq_shapes[0] : sizeof shapes / sizeof shapes[0];
  int ok = 1, luts_ok = 1;
  const char *what = "";
  char shape_note[64] = "";

  for (size_t si = 0; si < n_shapes && ok; si++) {
    static const size_t batches[] = { 1, 3, 17 };
    Shape s = list[si];

    for (size_t bi = 0; bi < 3 && ok; bi++) {
      size_t nt = batches[bi];
      size_t n = nt * s.rows;
      Case c;
      Out ref, var;

      if (case_build (&c, r, f, s, kind, nt) != BN_K_OK) {
        ok = 0;
        what = "pack";
        break;
      }
      luts_ok &= case_luts (&c, ks, kv);
      out_alloc (&ref, n);
      out_alloc (&var, n);

      bn_ternary_gemm_ref (&c.w, c.acts, nt > BN_GEMM_MAX_TOKENS ? 1 : nt, 0, s.rows, ref.idot, ref.y);
      if (nt > BN_GEMM_MAX_TOKENS) {
        /* the reference takes at most 16 tokens at a time */
        for (size_t t = 1; t < nt; t++)
          bn_ternary_gemm_ref (&c.w, c.acts + t, 1, 0, s.rows, ref.idot + t * s.rows, ref.y + t * s.rows);
      }

      if (nt == 1) {
        /* three calls over ragged row ranges cover every row once */
        size_t a = s.rows / 3, b = s.rows - s.rows / 4;
        bn_ternary_gemm (kv, &c.w, c.acts, 1, 0, a, var.idot, var.y, NULL);
        bn_ternary_gemm (kv, &c.w, c.acts, 1, a, b, var.idot, var.y, NULL);
        bn_ternary_gemm (kv, &c.w, c.acts, 1, b, s.rows, var.idot, var.y, NULL);
        ok &= out_equal (&ref, &var, n, &what);
        /* and the full range in one call */
        memset (var.idot, 0xa5, n * sizeof (int32_t));
        bn_ternary_gemm (kv, &c.w, c.acts, 1, 0, s.rows, var.idot, var.y, NULL);
        ok &= out_equal (&ref, &var, n, &what);
      } else {
        size_t a = s.rows / 2;
        bn_ternary_gemm (kv, &c.w, c.acts, nt, 0, a, var.idot, var.y, NULL);
        bn_ternary_gemm (kv, &c.w, c.acts, nt, a, s.rows, var.idot, var.y, NULL);
        ok &= out_equal (&ref, &var, n, &what);
      }
      if (!ok)
        snprintf (shape_note, sizeof shape_note, " (%zux%zu, %zu tokens, %s)", s.rows, s.cols, nt, what);
      out_free (&ref);
      out_free (&var);
      case_free (&c);
    }
  }
  ktap_ok (ok && luts_ok, "/kernels/%s/parity/%s/%s%s%s", bn_ternary_format_name (f), kv->name, input_names[kind],
           shape_note, luts_ok ? "" : " (tables differ)");
}

/* The integer dot products do not depend on the format: every format
 * holding the same codes gives the same idot as I2S (the scalar
 * references are independent implementations of each layout). */
static void
check_formats_agree (const BnKernels *ks, KRand *r)
{
  int ok = 1;

  for (size_t si = 0; si < sizeof tq_shapes / sizeof tq_shapes[0]; si++) {
    Shape s = tq_shapes[si];
    int8_t *codes = malloc (s.rows * s.cols);
    int8_t *q = malloc (s.cols);
    int32_t *base = malloc (s.rows * sizeof (int32_t));
    int32_t *other = malloc (s.rows * sizeof (int32_t));
    size_t asz = bn_act_buffer_size (s.cols);
    void *abuf = bn_kalloc (asz);
    BnActQ8 act;

    fill_codes (r, IN_RANDOM, codes, s.rows * s.cols);
    fill_acts (r, IN_RANDOM, q, s.cols);
    bn_act_init (&act, abuf, asz, s.cols);
    bn_act_set (&act, q, 3.0f);

    for (int f = 0; f < BN_TERNARY_N_FORMATS; f++) {
      size_t size = bn_ternary_packed_size (f, s.rows, s.cols);
      size_t lsz = bn_ternary_lut_size (f, s.cols);
      void *data = bn_kalloc (size);
      void *lut = lsz ? bn_kalloc (lsz) : NULL;
      BnTernary w;

      bn_ternary_pack_codes (f, data, size, codes, s.rows, s.cols, 0.5f, &w);
      if (lut)
        bn_act_build_lut (ks, &act, f, lut, lsz, NULL);
      bn_ternary_gemm_ref (&w, &act, 1, 0, s.rows, f == 0 ? base : other, NULL);
      if (f != 0 && memcmp (base, other, s.rows * sizeof (int32_t)) != 0) {
        ktap_diag ("%s differs from i2s at %zux%zu", bn_ternary_format_name (f), s.rows, s.cols);
        ok = 0;
      }
      act.lut = NULL;
      bn_kfree (lut);
      bn_kfree (data);
    }
    /* and from the plain definition */
    for (size_t rr = 0; rr < s.rows; rr++) {
      int32_t d = 0;
      for (size_t cc = 0; cc < s.cols; cc++)
        d += codes[rr * s.cols + cc] * q[cc];
      ok &= d == base[rr];
    }
    free (codes);
    free (q);
    free (base);
    free (other);
    bn_kfree (abuf);
  }
  ktap_ok (ok, "/kernels/all/reference/formats-agree");
}

int
main (void)
{
  const BnKernels *ks = bn_kernels_get (BN_KERNEL_SCALAR);
  KRand r;

  krand_seed (&r, ktest_seed ());
  ktap_diag ("seed %llu (set BN_TEST_SEED to change)", (unsigned long long) ktest_seed ());
  check_formats_agree (ks, &r);

  for (int v = 0; v < BN_KERNEL_N_VARIANTS; v++) {
    const BnKernels *kv = bn_kernels_get ((BnKernelVariant) v);

    for (int f = 0; f < BN_TERNARY_N_FORMATS; f++) {
      for (int kind = 0; kind < N_INPUTS; kind++) {
        if (!bn_kernel_variant_compiled ((BnKernelVariant) v))
          continue;
        if (!kv) {
          ktap_skip ("CPU lacks the instructions", "/kernels/%s/parity/%s/%s", bn_ternary_format_name (f),
                     bn_kernel_variant_name ((BnKernelVariant) v), input_names[kind]);
          continue;
        }
        check_parity (ks, kv, (BnTernaryFormat) f, (InputKind) kind, &r);
      }
    }
  }
  return ktap_done ();
}
