/* gst-bitnet: fixture-src, synthesizes BitNet models
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-model-elements.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

/**
 * SECTION:element-fixture-src
 * @title: fixture-src
 *
 * Synthesizes a BitNet model deterministically from #BnFixtureSrc:seed
 * (see bn_fixture_generate()): sizes `tiny`, `small`, `medium` and `2b`
 * (the BitNet b1.58 2B4T shape), either architecture, ternary weights
 * (`i2_s`, `tq2_0`, `tq1_0`) or float latent weights (`f32`, `f16`) for
 * quantizer tests, and any hyperparameter overridden. With
 * #BnFixtureSrc:location it also writes the GGUF file (atomically) before
 * pushing the model. This replaces the seed project's `gen-fixtures`.
 *
 * |[
 * bn-launch fixture-src size=tiny ! model-sink location=/tmp/t.gguf
 * bn-launch fixture-src size=2b weights=i2_s location=/tmp/2b.gguf ! fakesink
 * ]|
 */

typedef enum { SIZE_TINY, SIZE_SMALL, SIZE_MEDIUM, SIZE_2B } FixtureSize;
typedef enum { W_AUTO, W_I2S, W_TQ2_0, W_TQ1_0, W_F32, W_F16 } FixtureWeights;
typedef enum { E_F16, E_F32 } FixtureEmbd;

static GType
size_get_type (void)
{
  static gsize id;
  static const GEnumValue v[] = {
    { SIZE_TINY, "tiny: 2 layers, hidden 256 (under 1 MB)", "tiny" },
    { SIZE_SMALL, "small: 4 layers, hidden 512", "small" },
    { SIZE_MEDIUM, "medium: 8 layers, hidden 1024", "medium" },
    { SIZE_2B, "2b: BitNet b1.58 2B4T shape, 30 layers, hidden 2560", "2b" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, g_enum_register_static ("BnFixtureSize", v));
  return id;
}

static GType
weights_get_type (void)
{
  static gsize id;
  static const GEnumValue v[] = {
    { W_AUTO, "auto: i2_s for bitnet-b1.58, tq2_0 for bitnet", "auto" },
    { W_I2S, "I2_S ternary (bitnet.cpp)", "i2_s" },
    { W_TQ2_0, "TQ2_0 ternary (llama.cpp)", "tq2_0" },
    { W_TQ1_0, "TQ1_0 ternary (llama.cpp)", "tq1_0" },
    { W_F32, "float32 latent weights", "f32" },
    { W_F16, "float16 latent weights", "f16" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, g_enum_register_static ("BnFixtureWeights", v));
  return id;
}

static GType
embd_get_type (void)
{
  static gsize id;
  static const GEnumValue v[] = {
    { E_F16, "float16", "f16" },
    { E_F32, "float32", "f32" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, g_enum_register_static ("BnFixtureEmbedding", v));
  return id;
}

enum {
  PROP_0,
  PROP_SIZE,
  PROP_ARCH,
  PROP_WEIGHTS,
  PROP_EMBEDDING,
  PROP_SEED,
  PROP_VOCAB,
  PROP_CTX,
  PROP_HIDDEN,
  PROP_FFN,
  PROP_LAYERS,
  PROP_HEADS,
  PROP_KV_HEADS,
  PROP_ROPE_THETA,
  PROP_RMS_EPS,
  PROP_TENSOR_SCALES,
  PROP_LOCATION,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

struct _BnFixtureSrc {
  BnElement parent_instance;
  FixtureSize size;
  BnArch arch;
  FixtureWeights weights;
  FixtureEmbd embd;
  guint64 seed;
  guint overrides[7]; /* vocab, ctx, hidden, ffn, layers, heads, kv-heads; 0 = size default */
  double rope_theta, rms_eps;
  gboolean tensor_scales;
  char *location;
  gboolean done;
};

G_DEFINE_FINAL_TYPE (BnFixtureSrc, bn_fixture_src, BN_TYPE_ELEMENT)

static void
bn_fixture_src_finalize (GObject *object)
{
  g_free (BN_FIXTURE_SRC (object)->location);
  G_OBJECT_CLASS (bn_fixture_src_parent_class)->finalize (object);
}

static void
bn_fixture_src_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnFixtureSrc *self = BN_FIXTURE_SRC (object);
  switch (id) {
  case PROP_SIZE: g_value_set_enum (value, self->size); break;
  case PROP_ARCH: g_value_set_enum (value, self->arch); break;
  case PROP_WEIGHTS: g_value_set_enum (value, self->weights); break;
  case PROP_EMBEDDING: g_value_set_enum (value, self->embd); break;
  case PROP_SEED: g_value_set_uint64 (value, self->seed); break;
  case PROP_VOCAB:
  case PROP_CTX:
  case PROP_HIDDEN:
  case PROP_FFN:
  case PROP_LAYERS:
  case PROP_HEADS:
  case PROP_KV_HEADS: g_value_set_uint (value, self->overrides[id - PROP_VOCAB]); break;
  case PROP_ROPE_THETA: g_value_set_double (value, self->rope_theta); break;
  case PROP_RMS_EPS: g_value_set_double (value, self->rms_eps); break;
  case PROP_TENSOR_SCALES: g_value_set_boolean (value, self->tensor_scales); break;
  case PROP_LOCATION: g_value_set_string (value, self->location); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_fixture_src_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnFixtureSrc *self = BN_FIXTURE_SRC (object);
  switch (id) {
  case PROP_SIZE: self->size = g_value_get_enum (value); break;
  case PROP_ARCH: self->arch = g_value_get_enum (value); break;
  case PROP_WEIGHTS: self->weights = g_value_get_enum (value); break;
  case PROP_EMBEDDING: self->embd = g_value_get_enum (value); break;
  case PROP_SEED: self->seed = g_value_get_uint64 (value); break;
  case PROP_VOCAB:
  case PROP_CTX:
  case PROP_HIDDEN:
  case PROP_FFN:
  case PROP_LAYERS:
  case PROP_HEADS:
  case PROP_KV_HEADS: self->overrides[id - PROP_VOCAB] = g_value_get_uint (value); break;
  case PROP_ROPE_THETA: self->rope_theta = g_value_get_double (value); break;
  case PROP_RMS_EPS: self->rms_eps = g_value_get_double (value); break;
  case PROP_TENSOR_SCALES: self->tensor_scales = g_value_get_boolean (value); break;
  case PROP_LOCATION:
    g_free (self->location);
    self->location = g_value_dup_string (value);
    break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static gboolean
bn_fixture_src_start (BnElement *element, GError **error)
{
  BN_FIXTURE_SRC (element)->done = FALSE;
  return TRUE;
}

static BnFlowReturn
bn_fixture_src_produce (BnElement *element)
{
  BnFixtureSrc *self = BN_FIXTURE_SRC (element);
  static const char *const size_names[] = { "tiny", "small", "medium", "2b" };
  g_autoptr (GError) error = NULL;
  BnFixtureParams p;

  if (self->done)
    return BN_FLOW_EOS;
  self->done = TRUE;
  bn_fixture_params_init (&p, size_names[self->size], self->arch, NULL);
  guint32 *fields[] = { &p.n_vocab, &p.n_ctx, &p.n_embd, &p.n_ff, &p.n_layer, &p.n_head, &p.n_head_kv };
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (self->overrides[i])
      *fields[i] = self->overrides[i];
  if (self->rope_theta > 0)
    p.rope_theta = (float) self->rope_theta;
  if (self->rms_eps > 0)
    p.rms_eps = (float) self->rms_eps;
  static const BnGgufType wt[] = {
    0, BN_GGUF_TYPE_I2_S, BN_GGUF_TYPE_TQ2_0, BN_GGUF_TYPE_TQ1_0, BN_GGUF_TYPE_F32, BN_GGUF_TYPE_F16
  };
  if (self->weights != W_AUTO)
    p.weight_type = wt[self->weights];
  p.embd_type = self->embd == E_F32 ? BN_GGUF_TYPE_F32 : BN_GGUF_TYPE_F16;
  p.tensor_scales = self->tensor_scales;
  p.seed = self->seed;

  bn_element_post_progress (element, -1, _("synthesizing"));
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (BnModel) model = bn_fixture_generate (&p, &error);
  if (!model) {
    BN_ELEMENT_ERROR (element, error->domain, error->code, _("Cannot synthesize the fixture: %s"), error->message);
    return BN_FLOW_ERROR;
  }
  bn_model_set_load_time (model, g_get_monotonic_time () - t0);
  if (self->location) {
    if (!bn_model_elements_write (element, model, self->location))
      return BN_FLOW_ERROR;
    GStatBuf st;
    if (g_stat (self->location, &st) == 0)
      bn_model_set_source (model, self->location, (guint64) st.st_size, 0);
  }
  bn_element_post_progress (element, 1.0, _("synthesized"));
  bn_post_model_info (element, model);
  return bn_element_push (element, BN_ITEM (g_steal_pointer (&model)));
}

static void
bn_fixture_src_class_init (BnFixtureSrcClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bn_fixture_src_finalize;
  object_class->get_property = bn_fixture_src_get_property;
  object_class->set_property = bn_fixture_src_set_property;
  element_class->start = bn_fixture_src_start;
  element_class->produce = bn_fixture_src_produce;

  props[PROP_SIZE] = g_param_spec_enum ("size", "Size", "Model shape", size_get_type (), SIZE_TINY, rw);
  props[PROP_ARCH] = g_param_spec_enum ("arch", "Architecture",
                                        "bitnet (llama.cpp, SiLU FFN) or bitnet-b1.58 (bitnet.cpp, ReLU^2 FFN)",
                                        BN_TYPE_ARCH, BN_ARCH_BITNET_B158, rw);
  props[PROP_WEIGHTS] =
      g_param_spec_enum ("weights", "Weights", "Type of the ternary layer weights", weights_get_type (), W_AUTO, rw);
  props[PROP_EMBEDDING] =
      g_param_spec_enum ("embedding", "Embedding", "Type of the tied embedding/head", embd_get_type (), E_F16, rw);
  props[PROP_SEED] = g_param_spec_uint64 ("seed", "Seed",
                                          "Seed of the synthesis (default: $BITNET_SEED, else 42); "
                                          "same seed, same bytes",
                                          0, G_MAXUINT64, 42, rw);
  const char *names[] = { "vocab", "ctx", "hidden", "ffn", "layers", "heads", "kv-heads" };
  const char *blurbs[] = { "Vocabulary size (0: from size)",  "Context length (0: from size)",
                           "Hidden size (0: from size)",      "Feed-forward size (0: from size)",
                           "Number of blocks (0: from size)", "Attention heads (0: from size)",
                           "Key/value heads (0: from size)" };
  /* past these, a fixture is no longer a model anyone ships (2B4T: vocab
   * 128256, hidden 2560, ffn 6912, 30 layers, 20 heads) */
  const guint max[] = { 1u << 20, 1u << 20, 1u << 16, 1u << 18, 1024, 1024, 1024 };
  for (guint i = 0; i < 7; i++)
    props[PROP_VOCAB + i] = g_param_spec_uint (names[i], names[i], blurbs[i], 0, max[i], 0, rw);
  props[PROP_ROPE_THETA] =
      g_param_spec_double ("rope-theta", "RoPE base", "RoPE frequency base (0: from size)", 0, 1e9, 0, rw);
  props[PROP_RMS_EPS] = g_param_spec_double ("rms-eps", "RMS epsilon", "RMSNorm epsilon (0: 1e-5)", 0, 1, 0, rw);
  props[PROP_TENSOR_SCALES] = g_param_spec_boolean ("tensor-scales", "Tensor scales",
                                                    "Write llama.cpp-style blk.N.X.scale tensors "
                                                    "(TQ weights then carry block scale 1)",
                                                    FALSE, rw);
  props[PROP_LOCATION] =
      g_param_spec_string ("location", "Location", "Also write the model to this GGUF file (atomically)", NULL, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Fixture source", "Source",
                                 "Synthesizes a BitNet model (tiny/small/medium/2b) deterministically "
                                 "from a seed",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "src", BN_PAD_SRC, BN_PAD_ALWAYS, "model/bitnet");
}

static void
bn_fixture_src_init (BnFixtureSrc *self)
{
  const char *seed = g_getenv ("BITNET_SEED");
  self->arch = BN_ARCH_BITNET_B158;
  self->seed = 42;
  if (seed && *seed)
    self->seed = g_ascii_strtoull (seed, NULL, 10);
}
