/* gst-bitnet: synthesized BitNet models
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-fixture.h"
#include "bn-tokenizer.h"

#include "kernels/bn-f16.h"
#include "kernels/bn-ternary.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

/**
 * SECTION:bn-fixture
 * @title: Fixtures
 * @short_description: deterministic synthesized BitNet models
 *
 * No weights can be downloaded where gst-bitnet is tested, so it
 * synthesizes real GGUF models of real shapes: random ternary weights
 * (codes -1/0/+1 with equal probability, one absmean-style scale per
 * tensor chosen so activations keep unit scale), float norms near 1,
 * Gaussian f16 embeddings, and a byte-level BPE vocabulary. Every tensor
 * draws from its own xoshiro256** stream seeded from the fixture seed and
 * the tensor's index, so the bytes depend only on the parameters.
 *
 * Sizes: `tiny` (well under 1 MB), `small`, `medium`, and `2b`, the exact
 * BitNet b1.58 2B4T shape.
 */

/* ---- random numbers: splitmix64 seeding, xoshiro256** ------------------- */

typedef struct {
  guint64 s[4];
} Rng;

static guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static void
rng_seed (Rng *r, guint64 seed, guint64 stream)
{
  guint64 x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
  for (int i = 0; i < 4; i++)
    r->s[i] = splitmix64 (&x);
}

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static inline guint64
rng_next (Rng *r)
{
  guint64 *s = r->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

/* Bytes whose four 2-bit fields are each 0, 1 or 2 (ternary codes + 1). */
static guint8 byte81[81];

static void
init_byte81 (void)
{
  for (int i = 0; i < 81; i++)
    byte81[i] = (guint8) ((i % 3) | ((i / 3 % 3) << 2) | ((i / 9 % 3) << 4) | ((i / 27) << 6));
}

static void
fill_ternary_bytes (Rng *r, guint8 *dst, gsize n)
{
  gsize i = 0;
  while (i < n) {
    guint64 v = rng_next (r);
    /* two uniform draws in [0, 81) per 64-bit word (Lemire's multiply) */
    for (int k = 0; k < 2 && i < n; k++, v >>= 32)
      dst[i++] = byte81[((v & 0xffffffffULL) * 81) >> 32];
  }
}

/* Approximately normal (Irwin-Hall of four bytes), mean 0, std 1. */
static inline float
gauss_from32 (guint32 v)
{
  int sum = (int) (v & 0xff) + (int) ((v >> 8) & 0xff) + (int) ((v >> 16) & 0xff) + (int) (v >> 24);
  return (float) (sum - 510) / 147.8f;
}

static void
fill_gauss_f32 (Rng *r, float *dst, gsize n, float mean, float std)
{
  for (gsize i = 0; i < n; i += 2) {
    guint64 v = rng_next (r);
    dst[i] = mean + std * gauss_from32 ((guint32) v);
    if (i + 1 < n)
      dst[i + 1] = mean + std * gauss_from32 ((guint32) (v >> 32));
  }
}

static void
fill_gauss_f16 (Rng *r, guint16 *dst, gsize n, float std)
{
  guint16 table[1021];
  for (int s = 0; s <= 1020; s++)
    table[s] = bn_f32_to_f16 ((float) (s - 510) / 147.8f * std);
  for (gsize i = 0; i < n; i += 2) {
    guint64 v = rng_next (r);
    guint64 b = (v & 0x00ff00ff00ff00ffULL) + ((v >> 8) & 0x00ff00ff00ff00ffULL);
    guint64 q = (b & 0x0000ffff0000ffffULL) + ((b >> 16) & 0x0000ffff0000ffffULL);
    dst[i] = table[q & 0xffff];
    if (i + 1 < n)
      dst[i + 1] = table[(q >> 32) & 0xffff];
  }
}

/* ---- parameters ----------------------------------------------------------- */

/**
 * bn_fixture_params_init:
 * @params: (out caller-allocates): the parameters to fill
 * @size: `tiny`, `small`, `medium` or `2b`
 * @arch: the architecture
 * @error: return location for a #GError
 *
 * Fills @params for a named size with the architecture's default weight
 * type (I2_S for `bitnet-b1.58`, TQ2_0 for `bitnet`, which llama.cpp
 * reads), f16 embeddings and seed 42.
 *
 * Returns: %TRUE, or %FALSE for an unknown size.
 *
 * Since: 0.1
 */
gboolean
bn_fixture_params_init (BnFixtureParams *params, const char *size, BnArch arch, GError **error)
{
  static const struct {
    const char *name;
    guint32 vocab, ctx, embd, ff, layers, heads, kv;
    float theta;
  } sizes[] = {
    { "tiny", 512, 256, 256, 512, 2, 4, 2, 10000.0f },
    { "small", 2048, 1024, 512, 1536, 4, 8, 4, 10000.0f },
    { "medium", 8192, 2048, 1024, 2816, 8, 16, 4, 500000.0f },
    { "2b", 128256, 4096, 2560, 6912, 30, 20, 5, 500000.0f },
  };
  g_return_val_if_fail (params && size, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    if (!g_ascii_strcasecmp (size, sizes[i].name)) {
      *params = (BnFixtureParams){
        .arch = arch,
        .n_vocab = sizes[i].vocab,
        .n_ctx = sizes[i].ctx,
        .n_embd = sizes[i].embd,
        .n_ff = sizes[i].ff,
        .n_layer = sizes[i].layers,
        .n_head = sizes[i].heads,
        .n_head_kv = sizes[i].kv,
        .rope_theta = sizes[i].theta,
        .rms_eps = 1e-5f,
        .weight_type = arch == BN_ARCH_BITNET ? BN_GGUF_TYPE_TQ2_0 : BN_GGUF_TYPE_I2_S,
        .embd_type = BN_GGUF_TYPE_F16,
        .tensor_scales = FALSE,
        .seed = 42,
      };
      return TRUE;
    }
  g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_INVALID,
               _("Unknown fixture size \"%s\": use tiny, small, medium or 2b"), size);
  return FALSE;
}

static gboolean
check_params (const BnFixtureParams *p, GError **error)
{
  guint align = 0;
  switch (p->weight_type) {
  case BN_GGUF_TYPE_I2_S: align = 128; break;
  case BN_GGUF_TYPE_TQ2_0:
  case BN_GGUF_TYPE_TQ1_0: align = 256; break;
  case BN_GGUF_TYPE_F32:
  case BN_GGUF_TYPE_F16: align = 1; break;
  default:
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_UNSUPPORTED_TYPE,
                 _("Fixtures hold f32, f16, tq2_0, tq1_0 or i2_s weights, not %s"),
                 bn_gguf_type_name (p->weight_type));
    return FALSE;
  }
  if (p->embd_type != BN_GGUF_TYPE_F16 && p->embd_type != BN_GGUF_TYPE_F32) {
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_UNSUPPORTED_TYPE,
                 _("Fixture embeddings are f16 or f32, not %s"), bn_gguf_type_name (p->embd_type));
    return FALSE;
  }
  if (!p->n_embd || !p->n_ff || !p->n_layer || !p->n_head || !p->n_head_kv || !p->n_ctx || p->n_embd % p->n_head
      || p->n_head % p->n_head_kv || (p->n_embd / p->n_head) % 2) {
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_INCONSISTENT,
                 _("Fixture shape is inconsistent: hidden %u, heads %u, kv heads %u (heads must "
                    "divide the hidden size into an even head size, kv heads divide heads)"),
                 p->n_embd, p->n_head, p->n_head_kv);
    return FALSE;
  }
  if (p->n_embd % align || p->n_ff % align) {
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_INCONSISTENT,
                 _("%s weights need the hidden size (%u) and feed-forward size (%u) to be "
                    "multiples of %u"),
                 bn_gguf_type_name (p->weight_type), p->n_embd, p->n_ff, align);
    return FALSE;
  }
  if (p->n_vocab < 258 || p->n_vocab > 1u << 24) {
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_INCONSISTENT,
                 _("Fixture vocabulary size %u is out of range (258 to 16777216)"), p->n_vocab);
    return FALSE;
  }
  if (!isfinite (p->rope_theta) || p->rope_theta <= 0 || !isfinite (p->rms_eps) || p->rms_eps <= 0) {
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_INCONSISTENT,
                 _("Fixture RoPE base (%g) and RMS epsilon (%g) must be finite and positive"), p->rope_theta,
                 p->rms_eps);
    return FALSE;
  }
  /* the tensors are synthesized in memory: refuse a shape that cannot fit
   * rather than abort in the allocator */
  double head_dim = (double) p->n_embd / p->n_head, kv = p->n_head_kv * head_dim;
  double per_layer = 2.0 * p->n_embd * p->n_embd + 2.0 * p->n_embd * kv + 3.0 * p->n_embd * p->n_ff;
  double bpw = p->weight_type == BN_GGUF_TYPE_F32 ? 4 : p->weight_type == BN_GGUF_TYPE_F16 ? 2 : 0.25;
  double bytes = (double) p->n_embd * p->n_vocab * (p->embd_type == BN_GGUF_TYPE_F32 ? 4 : 2)
                 + per_layer * p->n_layer * bpw + 4.0 * p->n_layer * (3.0 * p->n_embd + p->n_ff);
  double limit = (double) sysconf (_SC_PHYS_PAGES) * (double) sysconf (_SC_PAGESIZE);
  if (limit > 0 && bytes > limit) {
    g_autofree char *need = g_format_size_full ((guint64) MIN (bytes, 1e19), G_FORMAT_SIZE_IEC_UNITS);
    g_autofree char *have = g_format_size_full ((guint64) limit, G_FORMAT_SIZE_IEC_UNITS);
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_INCONSISTENT,
                 _("A fixture of hidden %u, feed-forward %u, %u layers and %u tokens needs %s of tensors, more "
                    "than this machine's %s of memory: choose a smaller shape"),
                 p->n_embd, p->n_ff, p->n_layer, p->n_vocab, need, have);
    return FALSE;
  }
  return TRUE;
}

/* ---- tensors ------------------------------------------------------------ */

typedef struct {
  BnModel *model;
  const BnFixtureParams *p;
  guint64 stream;
} Gen;

static gboolean
add (Gen *g, const char *name, BnGgufType type, guint n_dims, guint64 d0, guint64 d1, gpointer data, gsize size,
     GError **error)
{
  guint64 dims[2] = { d0, d1 };
  g_autoptr (GBytes) bytes = g_bytes_new_take (data, size);
  return bn_model_add_tensor (g->model, name, type, n_dims, dims, bytes, error);
}

static gboolean
add_norm (Gen *g, const char *name, guint64 n, GError **error)
{
  Rng r;
  rng_seed (&r, g->p->seed, g->stream++);
  float *w = g_new (float, n);
  fill_gauss_f32 (&r, w, n, 1.0f, 0.05f);
  return add (g, name, BN_GGUF_TYPE_F32, 1, n, 0, w, n * sizeof (float), error);
}

static gboolean
add_linear (Gen *g, guint layer, const char *lname, guint64 in, guint64 out, GError **error)
{
  const BnFixtureParams *p = g->p;
  char name[96];
  Rng r;
  guint64 n = in * out, size = 0;
  guint64 dims[2] = { in, out };
  /* unit-variance outputs for unit-RMS inputs: 2/3 of the codes are nonzero */
  float scale = sqrtf (1.5f / (float) in);

  rng_seed (&r, p->seed, g->stream++);
  g_snprintf (name, sizeof name, "blk.%u.%s.weight", layer, lname);
  bn_gguf_type_compute_size (p->weight_type, 2, dims, &size);
  guint8 *data = g_malloc (size);

  switch (p->weight_type) {
  case BN_GGUF_TYPE_F32: fill_gauss_f32 (&r, (float *) data, n, 0.0f, scale); break;
  case BN_GGUF_TYPE_F16: fill_gauss_f16 (&r, (guint16 *) data, n, scale); break;
  case BN_GGUF_TYPE_I2_S:
    /* bitnet.cpp x86 layout: n/4 bytes of 2-bit codes, then the float scale */
    fill_ternary_bytes (&r, data, n / 4);
    memset (data + n / 4, 0, size - n / 4);
    memcpy (data + n / 4, &scale, sizeof scale);
    break;
  case BN_GGUF_TYPE_TQ2_0: {
    guint16 d = bn_f32_to_f16 (p->tensor_scales ? 1.0f : scale);
    for (guint64 b = 0; b < n / 256; b++) {
      guint8 *blk = data + b * 66;
      fill_ternary_bytes (&r, blk, 64);
      memcpy (blk + 64, &d, 2);
    }
    break;
  }
  case BN_GGUF_TYPE_TQ1_0: {
    /* codes a few rows at a time, packed by the kernels' TQ1_0 packer */
    const guint64 rows_per_chunk = 16;
    gsize row_bytes = bn_tq1_0_packed_size (1, in);
    int8_t *codes = g_new (int8_t, rows_per_chunk * in);
    guint8 *tmp = g_new (guint8, rows_per_chunk * in / 4 + 8);
    for (guint64 row = 0; row < out; row += rows_per_chunk) {
      guint64 rows = MIN (rows_per_chunk, out - row);
      fill_ternary_bytes (&r, tmp, rows * in / 4);
      for (guint64 i = 0; i < rows * in; i++)
        codes[i] = (int8_t) (((tmp[i / 4] >> (2 * (i % 4))) & 3) - 1);
      bn_tq1_0_pack_codes (data + row * row_bytes, codes, rows, in, NULL, p->tensor_scales ? 1.0f : scale);
    }
    g_free (codes);
    g_free (tmp);
    break;
  }
  default: g_assert_not_reached ();
  }
  if (!add (g, name, p->weight_type, 2, in, out, data, size, error))
    return FALSE;

  if (p->tensor_scales && (p->weight_type == BN_GGUF_TYPE_TQ2_0 || p->weight_type == BN_GGUF_TYPE_TQ1_0)) {
    g_snprintf (name, sizeof name, "blk.%u.%s.scale", layer, lname);
    float *s = g_new (float, 1);
    *s = scale;
    return add (g, name, BN_GGUF_TYPE_F32, 1, 1, 0, s, sizeof (float), error);
  }
  return TRUE;
}

static void
set_u32 (BnModel *m, const char *arch, const char *suffix, guint32 v)
{
  g_autofree char *key = g_strdup_printf ("%s.%s", arch, suffix);
  bn_model_set_metadata (m, key, bn_gguf_value_new_uint32 (v));
}

static void
set_f32 (BnModel *m, const char *arch, const char *suffix, float v)
{
  g_autofree char *key = g_strdup_printf ("%s.%s", arch, suffix);
  bn_model_set_metadata (m, key, bn_gguf_value_new_float32 (v));
}

static gboolean
add_vocabulary (BnModel *m, guint32 n_vocab, GError **error)
{
  g_autoptr (GPtrArray) tokens = NULL, merges = NULL;
  g_autoptr (GArray) types = NULL;
  gint32 bos = -1, eos = -1;
  if (!bn_tokenizer_build_vocab (n_vocab, 2000, &tokens, &types, &merges, &bos, &eos, error))
    return FALSE;
  g_ptr_array_add (tokens, NULL);
  g_ptr_array_add (merges, NULL);
  bn_model_set_metadata (m, "tokenizer.ggml.model", bn_gguf_value_new_string ("gpt2"));
  bn_model_set_metadata (m, "tokenizer.ggml.pre", bn_gguf_value_new_string ("llama-bpe"));
  bn_model_set_metadata (m, "tokenizer.ggml.tokens",
                         bn_gguf_value_new_string_array ((const char *const *) tokens->pdata, tokens->len - 1));
  bn_model_set_metadata (m, "tokenizer.ggml.token_type",
                         bn_gguf_value_new_array (BN_GGUF_VALUE_INT32, types->data, types->len));
  bn_model_set_metadata (m, "tokenizer.ggml.merges",
                         bn_gguf_value_new_string_array ((const char *const *) merges->pdata, merges->len - 1));
  bn_model_set_metadata (m, "tokenizer.ggml.bos_token_id", bn_gguf_value_new_uint32 ((guint32) bos));
  bn_model_set_metadata (m, "tokenizer.ggml.eos_token_id", bn_gguf_value_new_uint32 ((guint32) eos));
  bn_model_set_metadata (m, "tokenizer.ggml.add_bos_token", bn_gguf_value_new_bool (TRUE));
  return TRUE;
}

/**
 * bn_fixture_generate:
 * @params: what to synthesize
 * @error: return location for a #GError
 *
 * Synthesizes a model deterministically from @params.
 *
 * Returns: (transfer full) (nullable): an unsealed, checked model, or
 *   %NULL when the parameters are inconsistent.
 *
 * Since: 0.1
 */
BnModel *
bn_fixture_generate (const BnFixtureParams *p, GError **error)
{
  static gsize once;
  if (g_once_init_enter (&once)) {
    init_byte81 ();
    g_once_init_leave (&once, 1);
  }
  if (!check_params (p, error))
    return NULL;

  g_autoptr (BnModel) m = bn_model_new ();
  const char *arch = p->arch == BN_ARCH_BITNET ? "bitnet" : "bitnet-b1.58";
  guint32 head_dim = p->n_embd / p->n_head;
  g_autofree char *name = g_strdup_printf ("gst-bitnet fixture %ux%u, %u layers, seed %" G_GUINT64_FORMAT, p->n_embd,
                                           p->n_ff, p->n_layer, p->seed);

  bn_model_set_metadata (m, "general.architecture", bn_gguf_value_new_string (arch));
  bn_model_set_metadata (m, "general.name", bn_gguf_value_new_string (name));
  bn_model_set_metadata (m, "general.source", bn_gguf_value_new_string ("gst-bitnet fixture-src"));
  bn_model_set_metadata (m, "gst-bitnet.fixture.seed", bn_gguf_value_new_uint64 (p->seed));
  set_u32 (m, arch, "vocab_size", p->n_vocab);
  set_u32 (m, arch, "context_length", p->n_ctx);
  set_u32 (m, arch, "embedding_length", p->n_embd);
  set_u32 (m, arch, "block_count", p->n_layer);
  set_u32 (m, arch, "feed_forward_length", p->n_ff);
  set_u32 (m, arch, "attention.head_count", p->n_head);
  set_u32 (m, arch, "attention.head_count_kv", p->n_head_kv);
  set_u32 (m, arch, "rope.dimension_count", head_dim);
  set_f32 (m, arch, "rope.freq_base", p->rope_theta);
  set_f32 (m, arch, "attention.layer_norm_rms_epsilon", p->rms_eps);
  if (!add_vocabulary (m, p->n_vocab, error))
    return NULL;

  Gen g = { m, p, 0 };
  guint64 kv = (guint64) p->n_head_kv * head_dim;
  guint64 n = (guint64) p->n_embd * p->n_vocab;
  Rng r;
  rng_seed (&r, p->seed, g.stream++);
  float embd_std = 1.0f / sqrtf ((float) p->n_embd);
  if (p->embd_type == BN_GGUF_TYPE_F16) {
    guint16 *e = g_new (guint16, n);
    fill_gauss_f16 (&r, e, n, embd_std);
    if (!add (&g, "token_embd.weight", BN_GGUF_TYPE_F16, 2, p->n_embd, p->n_vocab, e, n * 2, error))
      return NULL;
  } else {
    float *e = g_new (float, n);
    fill_gauss_f32 (&r, e, n, 0.0f, embd_std);
    if (!add (&g, "token_embd.weight", BN_GGUF_TYPE_F32, 2, p->n_embd, p->n_vocab, e, n * 4, error))
      return NULL;
  }
  if (!add_norm (&g, "output_norm.weight", p->n_embd, error))
    return NULL;

  for (guint32 l = 0; l < p->n_layer; l++) {
    char nm[96];
#define NORM(x, len) (g_snprintf (nm, sizeof nm, "blk.%u." x ".weight", l), add_norm (&g, nm, len, error))
    if (!NORM ("attn_norm", p->n_embd) || !add_linear (&g, l, "attn_q", p->n_embd, p->n_embd, error)
        || !add_linear (&g, l, "attn_k", p->n_embd, kv, error) || !add_linear (&g, l, "attn_v", p->n_embd, kv, error)
        || !NORM ("attn_sub_norm", p->n_embd) || !add_linear (&g, l, "attn_output", p->n_embd, p->n_embd, error)
        || !NORM ("ffn_norm", p->n_embd) || !add_linear (&g, l, "ffn_gate", p->n_embd, p->n_ff, error)
        || !add_linear (&g, l, "ffn_up", p->n_embd, p->n_ff, error) || !NORM ("ffn_sub_norm", p->n_ff)
        || !add_linear (&g, l, "ffn_down", p->n_ff, p->n_embd, error))
      return NULL;
#undef NORM
  }
  if (!bn_model_update_config (m, error))
    return NULL;
  return g_steal_pointer (&m);
}
