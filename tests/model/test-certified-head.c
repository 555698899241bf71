/* gst-bitnet tests: the certified head against the full f16 head
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An engine with the certified head (bn_engine_set_certified_head) and one
 * with the full head run the same tokens; at every step the certified
 * logits must be the full head's bit for bit wherever they are finite,
 * -infinity only for tokens strictly below the k-th best full logit, and
 * the greedy token and the k best (logit, id) pairs identical. Heads with
 * near-ties (duplicated rows, rows one f16 ulp apart), a head whose every
 * row is the same (the fallback), both architectures, several seeds,
 * thread counts and kernel variants.
 */
#include <gst-bitnet/bn.h>
#include <gst-bitnet/model/model.h>

#include "kernels/bn-kernels.h"

#include <math.h>
#include <string.h>

static BnModel *
fixture (BnArch arch, const char *size, guint64 seed)
{
  BnFixtureParams p;
  g_autoptr (GError) error = NULL;
  g_assert_true (bn_fixture_params_init (&p, size, arch, &error));
  p.seed = seed;
  BnModel *m = bn_fixture_generate (&p, &error);
  g_assert_no_error (error);
  g_assert_true (bn_model_update_config (m, &error));
  return m;
}

static BnEngine *
engine (BnModel *m, guint threads, const char *variant, guint top_k)
{
  g_autoptr (GError) error = NULL;
  BnEngineOptions o = { .n_threads = threads, .kernel_variant = variant };
  BnEngine *e = bn_engine_new (m, &o, &error);
  g_assert_no_error (error);
  g_assert_true (bn_engine_set_certified_head (e, top_k, &error));
  g_assert_no_error (error);
  return e;
}

/* ids of the k best logits in the total order (logit descending, id
 * ascending) that top-k sampling uses */
static void
top_k (const float *l, guint n, guint k, guint *ids)
{
  for (guint j = 0; j < k; j++) {
    guint best = G_MAXUINT;
    for (guint i = 0; i < n; i++) {
      gboolean taken = FALSE;
      for (guint t = 0; t < j && !taken; t++)
        taken = ids[t] == i;
      if (!taken && (best == G_MAXUINT || l[i] > l[best]))
        best = i;
    }
    ids[j] = best;
  }
}

/* one step's comparison; returns whether the full head's best value was
 * tied (two ids or more) */
static gboolean
check_step (const float *full, const float *cert, guint n, guint k)
{
  guint fk[64], ck[64];
  top_k (full, n, k, fk);
  top_k (cert, n, k, ck);
  for (guint j = 0; j < k; j++) {
    g_assert_cmpuint (fk[j], ==, ck[j]);
    g_assert_true (memcmp (&full[fk[j]], &cert[ck[j]], sizeof (float)) == 0);
  }
  g_assert_cmpuint ((guint) bn_logits_argmax (full, n), ==, (guint) bn_logits_argmax (cert, n));
  for (guint i = 0; i < n; i++) {
    if (cert[i] == -INFINITY)
      g_assert_cmpfloat (full[i], <, full[fk[k - 1]]); /* strictly below the k-th best */
    else
      g_assert_true (memcmp (&full[i], &cert[i], sizeof (float)) == 0);
  }
  guint ties = 0;
  for (guint i = 0; i < n; i++)
    ties += full[i] == full[fk[0]];
  return ties > 1;
}

/* prompt, then greedy decoding from the full head's tokens; returns the
 * number of steps whose best logit was tied */
static guint
compare (BnEngine *full, BnEngine *cert, guint k, guint64 seed, guint n_prompt, guint n_decode)
{
  g_autoptr (GError) error = NULL;
  guint nv = bn_engine_get_n_vocab (full), tied = 0;
  g_autofree float *lf = g_new (float, nv), *lc = g_new (float, nv);
  g_autoptr (GArray) prompt = g_array_new (FALSE, FALSE, sizeof (gint32));
  bn_synthetic_prompt (seed, n_prompt, nv, prompt);
  bn_engine_reset (full);
  bn_engine_reset (cert);
  g_assert_true (bn_engine_eval (full, (gint32 *) prompt->data, prompt->len, lf, &error));
  g_assert_true (bn_engine_eval (cert, (gint32 *) prompt->data, prompt->len, lc, &error));
  g_assert_no_error (error);
  tied += check_step (lf, lc, nv, k);
  for (guint s = 0; s < n_decode; s++) {
    gint32 tok = bn_logits_argmax (lf, nv);
    g_assert_true (bn_engine_eval (full, &tok, 1, lf, &error));
    g_assert_true (bn_engine_eval (cert, &tok, 1, lc, &error));
    g_assert_no_error (error);
    tied += check_step (lf, lc, nv, k);
  }
  BnEngineHeadStats st;
  bn_engine_get_head_stats (cert, &st);
  g_assert_cmpuint (st.steps, ==, n_decode + 1);
  g_assert_cmpuint (st.candidates, >=, (guint64) k * st.steps);
  g_assert_cmpuint (st.candidates_max, <=, nv);
  return tied;
}

typedef struct {
  BnArch arch;
  const char *size;
} Case;

static const Case cases[] = {
  { BN_ARCH_BITNET_B158, "tiny" },
  { BN_ARCH_BITNET, "tiny" },
  { BN_ARCH_BITNET_B158, "small" },
  { BN_ARCH_BITNET, "small" },
};

/* greedy and top-k over seeds of the model and of the prompt */
static void
test_seeds (gconstpointer data)
{
  const Case *c = data;
  static const guint ks[] = { 1, 8, 40 };
  for (guint64 seed = 1; seed <= 3; seed++) {
    g_autoptr (BnModel) m = fixture (c->arch, c->size, seed);
    g_autoptr (BnEngine) full = engine (m, 1, NULL, 0);
    for (guint i = 0; i < G_N_ELEMENTS (ks); i++) {
      g_autoptr (BnEngine) cert = engine (m, 1 + (seed + i) % 3, NULL, ks[i]);
      g_assert_cmpuint (bn_engine_get_certified_head (cert), ==, ks[i]);
      compare (full, cert, ks[i], seed * 100 + i, 7, 20);
      BnEngineHeadStats st;
      bn_engine_get_head_stats (cert, &st);
      g_assert_cmpuint (st.fallbacks, ==, 0);
      g_test_message ("%s seed %" G_GUINT64_FORMAT " k %u: %.1f candidates a step (max %" G_GUINT64_FORMAT ")", c->size,
                      seed, ks[i], (double) st.candidates / st.steps, st.candidates_max);
    }
  }
}

static guint16
f16_at (const guint8 *data, gsize i)
{
  guint16 h;
  memcpy (&h, data + 2 * i, 2);
  return h;
}

/* the tied f16 head rewritten by @edit, row by row */
static void
rewrite_head (BnModel *m, void (*edit) (guint16 *rows, guint n_vocab, guint n_embd))
{
  g_autoptr (GError) error = NULL;
  const BnTensor *t = bn_model_find_tensor (m, "token_embd.weight");
  g_assert_cmpint (t->type, ==, BN_GGUF_TYPE_F16);
  guint n_embd = (guint) t->dims[0], n_vocab = (guint) t->dims[1];
  guint16 *rows = g_new (guint16, t->n_elements);
  for (gsize i = 0; i < t->n_elements; i++)
    rows[i] = f16_at (t->data, i);
  edit (rows, n_vocab, n_embd);
  g_autoptr (GBytes) b = g_bytes_new_take (rows, t->n_elements * 2);
  g_assert_true (bn_model_replace_tensor (m, "token_embd.weight", BN_GGUF_TYPE_F16, b, &error));
  g_assert_true (bn_model_update_config (m, &error));
  g_assert_no_error (error);
}

/* groups of four rows: a row, its exact copy, the copy one ulp up in one
 * element, one ulp down in another; ids ascending within a group so that
 * ties must be broken toward the lowest id */
static void
edit_near_ties (guint16 *rows, guint n_vocab, guint n_embd)
{
  for (guint r = 0; r + 3 < n_vocab; r += 4) {
    guint16 *a = rows + (gsize) r * n_embd;
    for (guint j = 1; j < 4; j++)
      memcpy (a + (gsize) j * n_embd, a, n_embd * 2);
    guint c1 = r % n_embd, c2 = (r / 4 + 7) % n_embd;
    a[2 * n_embd + c1] = (guint16) (a[2 * n_embd + c1] + 1); /* one ulp away from zero */
    if ((a[3 * n_embd + c2] & 0x7fff) != 0)
      a[3 * n_embd + c2] = (guint16) (a[3 * n_embd + c2] - 1); /* one ulp toward zero */
  }
}

static void
test_near_ties (gconstpointer data)
{
  const Case *c = data;
  guint tied = 0;
  for (guint64 seed = 1; seed <= 2; seed++) {
    g_autoptr (BnModel) m = fixture (c->arch, c->size, seed + 10);
    rewrite_head (m, edit_near_ties);
    g_autoptr (BnEngine) full = engine (m, 1, NULL, 0);
    static const guint ks[] = { 1, 3, 6 };
    for (guint i = 0; i < G_N_ELEMENTS (ks); i++) {
      g_autoptr (BnEngine) cert = engine (m, 2, NULL, ks[i]);
      tied += compare (full, cert, ks[i], seed * 10 + i, 5, 16);
    }
  }
  /* duplicated rows: the best logit is shared by two ids or more at most
   * steps, so tie-breaking was exercised */
  g_test_message ("%u steps with a tied best logit", tied);
  g_assert_cmpuint (tied, >, 0);
}

/* every row the same: every row is a candidate, the full head runs */
static void
edit_all_equal (guint16 *rows, guint n_vocab, guint n_embd)
{
  for (guint r = 1; r < n_vocab; r++)
    memcpy (rows + (gsize) r * n_embd, rows, n_embd * 2);
}

static void
test_fallback (void)
{
  g_autoptr (BnModel) m = fixture (BN_ARCH_BITNET_B158, "tiny", 3);
  rewrite_head (m, edit_all_equal);
  g_autoptr (BnEngine) full = engine (m, 1, NULL, 0);
  g_autoptr (BnEngine) cert = engine (m, 2, NULL, 1);
  compare (full, cert, 1, 5, 4, 6);
  BnEngineHeadStats st;
  bn_engine_get_head_stats (cert, &st);
  g_assert_cmpuint (st.fallbacks, ==, st.steps);
  g_assert_cmpuint (st.candidates_max, ==, bn_engine_get_n_vocab (cert));
}

/* every kernel variant this machine runs, certified against its own full
 * head (the re-scored rows come from the same kernel) */
static void
test_variants (void)
{
  g_autoptr (BnModel) m = fixture (BN_ARCH_BITNET, "small", 4);
  for (int v = 0; v < BN_KERNEL_N_VARIANTS; v++) {
    if (!bn_kernel_variant_supported ((BnKernelVariant) v))
      continue;
    const char *name = bn_kernel_variant_name ((BnKernelVariant) v);
    g_autoptr (BnEngine) full = engine (m, 2, name, 0);
    g_autoptr (BnEngine) cert = engine (m, 2, name, 2);
    compare (full, cert, 2, 77, 6, 10);
    g_autoptr (GPtrArray) used = bn_engine_get_kernels_used (cert);
    gboolean screened = FALSE;
    for (guint i = 0; i < used->len; i++)
      screened |= g_str_has_prefix (used->pdata[i], "head_screen_");
    g_assert_true (screened);
  }
}

static void
test_refused (void)
{
  g_autoptr (BnModel) m = fixture (BN_ARCH_BITNET_B158, "tiny", 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (BnEngine) e = engine (m, 1, NULL, 0);
  g_assert_false (bn_engine_set_certified_head (e, 65, &error));
  g_assert_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (bn_engine_get_certified_head (e), ==, 0);
  /* bytes per token: the screening copy (1 byte a weight, 12 a row)
   * replaces the f16 rows, and back */
  guint64 full_bytes = bn_engine_get_bytes_per_token (e);
  const BnModelConfig *c = bn_model_get_config (m);
  g_assert_true (bn_engine_set_certified_head (e, 1, &error));
  g_assert_cmpuint (full_bytes - bn_engine_get_bytes_per_token (e), ==, (guint64) c->n_vocab * (c->n_embd - 12));
  g_assert_true (bn_engine_set_certified_head (e, 0, &error));
  g_assert_cmpuint (bn_engine_get_bytes_per_token (e), ==, full_bytes);

  /* a Q8_0 head is not screened */
  const BnTensor *t = bn_model_find_tensor (m, "token_embd.weight");
  g_autofree float *w = g_new (float, t->n_elements);
  for (gsize i = 0; i < t->n_elements; i++)
    w[i] = bn_f16_to_f32 (f16_at (t->data, i));
  gsize size = bn_q8_0_size (t->dims[1], t->dims[0]);
  guint8 *q = g_malloc (size);
  g_assert_cmpint (bn_q8_0_quantize (w, t->dims[1], t->dims[0], q), ==, BN_K_OK);
  g_autoptr (GBytes) bytes = g_bytes_new_take (q, size);
  g_autoptr (BnModel) mq = fixture (BN_ARCH_BITNET_B158, "tiny", 1);
  g_assert_true (bn_model_replace_tensor (mq, "token_embd.weight", BN_GGUF_TYPE_Q8_0, bytes, &error));
  g_assert_true (bn_model_update_config (mq, &error));
  g_autoptr (BnEngine) eq = engine (mq, 1, NULL, 0);
  g_assert_false (bn_engine_set_certified_head (eq, 1, &error));
  g_assert_error (error, BN_ENGINE_ERROR, BN_ENGINE_ERROR_UNSUPPORTED);
  g_clear_error (&error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    const char *arch = cases[i].arch == BN_ARCH_BITNET ? "bitnet" : "bitnet-b1.58";
    g_autofree char *seeds = g_strdup_printf ("/certified-head/seeds/%s/%s", arch, cases[i].size);
    g_autofree char *ties = g_strdup_printf ("/certified-head/near-ties/%s/%s", arch, cases[i].size);
    g_test_add_data_func (seeds, &cases[i], test_seeds);
    g_test_add_data_func (ties, &cases[i], test_near_ties);
  }
  g_test_add_func ("/certified-head/fallback", test_fallback);
  g_test_add_func ("/certified-head/variants", test_variants);
  g_test_add_func ("/certified-head/refused", test_refused);
  return g_test_run ();
}
