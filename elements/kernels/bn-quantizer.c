/* gst-bitnet: quantizer, puts the ternary layers of a model into a kernel format
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-kernel-elements.h"

#include "kernels/bn-dispatch.h"
#include "kernels/bn-f16.h"
#include "kernels/bn-head.h"
#include "kernels/bn-ternary.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/**
 * SECTION:element-quantizer
 * @title: quantizer
 *
 * Converts every ternary layer of the incoming model into a kernel format
 * (`i2s`, `tl1`, `tl2`, `tq2_0`, `tq1_0`): float latent weights by absmean
 * ternarization, other ternary formats without loss. Norms and embeddings
 * are left alone; `head=q8_0` turns the tied embedding/head into Q8_0.
 *
 * For each layer it measures accuracy on a fixed, seeded set of
 * activations (see docs/design/0004-accuracy.md): the relative MSE of the
 * kernel's output against an FP32 product on the same int8 activations
 * (the format's and kernel's own error, gated by #BnQuantizer:tolerance),
 * and, against the FP32 product with the source weights and unquantized
 * activations, the relative MSE, cosine and max abs error of the whole
 * quantized path. Results are posted as a `quantizer-accuracy` element
 * message and attached to the model for receipts.
 */

typedef enum { HEAD_KEEP, HEAD_F16, HEAD_Q8_0 } HeadFormat;

static GType
head_get_type (void)
{
  static gsize id;
  static const GEnumValue v[] = {
    { HEAD_KEEP, "keep the embedding's type", "keep" },
    { HEAD_F16, "float16", "f16" },
    { HEAD_Q8_0, "Q8_0: int8 with an f16 scale per 32 (half the bytes of f16)", "q8_0" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, g_enum_register_static ("BnQuantizerHead", v));
  return id;
}

GType
bn_ternary_format_enum_get_type (void)
{
  static gsize id;
  static const GEnumValue v[] = {
    { BN_TERNARY_I2S, "I2S: 2-bit codes, per-tensor scale", "i2s" },
    { BN_TERNARY_TL1, "TL1: pairs into a 9-entry lookup table", "tl1" },
    { BN_TERNARY_TL2, "TL2: triples, 4-bit index + sign (1.67 bits)", "tl2" },
    { BN_TERNARY_TQ2_0, "TQ2_0: llama.cpp, 2.06 bits", "tq2_0" },
    { BN_TERNARY_TQ1_0, "TQ1_0: llama.cpp, 1.69 bits", "tq1_0" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, g_enum_register_static ("BnTernaryFormatEnum", v));
  return id;
}

struct _BnQuantizer {
  BnElement parent_instance;
  BnTernaryFormat format;
  HeadFormat head;
  double tolerance;
  guint accuracy_rows;
  guint64 seed;
};

G_DEFINE_FINAL_TYPE (BnQuantizer, bn_quantizer, BN_TYPE_ELEMENT)

enum { PROP_0, PROP_FORMAT, PROP_HEAD, PROP_TOLERANCE, PROP_ACCURACY_ROWS, PROP_SEED, N_PROPS };
static GParamSpec *props[N_PROPS];

/* Default tolerance of the relative output MSE, per format (docs/design/0004-accuracy.md). */
double
bn_format_default_tolerance (BnTernaryFormat f)
{
  return f == BN_TERNARY_TL1 || f == BN_TERNARY_TL2 ? 1e-4 : 1e-5;
}

static void
bn_quantizer_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnQuantizer *self = BN_QUANTIZER (object);
  switch (id) {
  case PROP_FORMAT: g_value_set_enum (value, self->format); break;
  case PROP_HEAD: g_value_set_enum (value, self->head); break;
  case PROP_TOLERANCE: g_value_set_double (value, self->tolerance); break;
  case PROP_ACCURACY_ROWS: g_value_set_uint (value, self->accuracy_rows); break;
  case PROP_SEED: g_value_set_uint64 (value, self->seed); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_quantizer_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnQuantizer *self = BN_QUANTIZER (object);
  switch (id) {
  case PROP_FORMAT: self->format = g_value_get_enum (value); break;
  case PROP_HEAD: self->head = g_value_get_enum (value); break;
  case PROP_TOLERANCE: self->tolerance = g_value_get_double (value); break;
  case PROP_ACCURACY_ROWS: self->accuracy_rows = g_value_get_uint (value); break;
  case PROP_SEED: self->seed = g_value_get_uint64 (value); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

/* Float weights of a float tensor, rows x cols row-major. */
static float *
tensor_to_f32 (const BnTensor *t)
{
  float *w = g_new (float, t->n_elements);
  if (t->type == BN_GGUF_TYPE_F32) {
    memcpy (w, t->data, t->n_elements * sizeof (float));
  } else if (t->type == BN_GGUF_TYPE_F16) {
    bn_f16_to_f32_row ((const uint16_t *) t->data, w, t->n_elements);
  } else { /* BF16 */
    for (guint64 i = 0; i < t->n_elements; i++) {
      guint16 h;
      memcpy (&h, t->data + 2 * i, 2);
      guint32 bits = (guint32) h << 16;
      memcpy (&w[i], &bits, 4);
    }
  }
  return w;
}

static GBytes *
kalloc_bytes (gsize size, gpointer *ptr)
{
  *ptr = bn_kalloc (size);
  return *ptr ? g_bytes_new_with_free_func (*ptr, size, bn_kfree, *ptr) : NULL;
}

static gboolean
quantize_layer (BnQuantizer *self, BnModel *out, const BnKernels *k, guint layer, const char *name, GRand *rand,
                GVariantBuilder *layers, BnAccuracy *worst, const char **kernel_name, GError **error)
{
  const BnTensor *t = bn_model_get_layer_tensor (out, layer, name);
  size_t rows = t->dims[1], cols = t->dims[0];
  BnTernary src = { 0 }, q = { 0 };
  g_autofree float *w = NULL;
  g_autoptr (GBytes) src_owner = NULL, q_owner = NULL;
  gpointer ptr = NULL;
  int rc = BN_K_OK;

  if (bn_ternary_check_shape (self->format, rows, cols) != BN_K_OK) {
    g_set_error (
        error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS, _("Tensor %s (%zu x %zu) cannot be tiled by format %s: %s"),
        t->name, rows, cols, bn_ternary_format_name (self->format),
        self->format == BN_TERNARY_TQ2_0 || self->format == BN_TERNARY_TQ1_0 ? _("its rows must be multiples of 256")
                                                                             : _("its shape is out of range"));
    return FALSE;
  }
  gsize qsize = bn_ternary_packed_size (self->format, rows, cols);

  switch (t->type) {
  case BN_GGUF_TYPE_F32:
  case BN_GGUF_TYPE_F16:
  case BN_GGUF_TYPE_BF16:
    w = tensor_to_f32 (t);
    if (!(q_owner = kalloc_bytes (qsize, &ptr)))
      goto nomem;
    rc = bn_ternary_pack_f32 (self->format, ptr, qsize, w, rows, cols, &q);
    break;
  case BN_GGUF_TYPE_TQ2_0:
  case BN_GGUF_TYPE_TQ1_0:
    src = (BnTernary){
      t->type == BN_GGUF_TYPE_TQ2_0 ? BN_TERNARY_TQ2_0 : BN_TERNARY_TQ1_0, rows, cols, t->data, t->size, 1.0f
    };
    break;
  case BN_GGUF_TYPE_I2_S: {
    /* in place when the file bytes are the kernel layout: the model's own
     * tensor keeps the data alive (no owner, no copy) */
    rc = bn_i2s_view_file (t->data, t->size, rows, cols, BN_I2S_FILE_X86, &src);
    if (rc != BN_K_ERR_SHAPE)
      break;
    gsize s = bn_ternary_packed_size (BN_TERNARY_I2S, rows, cols);
    if (!(src_owner = kalloc_bytes (s, &ptr)))
      goto nomem;
    rc = bn_i2s_from_file (ptr, s, t->data, t->size, rows, cols, BN_I2S_FILE_X86, &src);
    break;
  }
  default:
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("Tensor %s has type %s; the quantizer reads float or ternary weights"), t->name,
                 bn_gguf_type_name (t->type));
    return FALSE;
  }
  if (rc == BN_K_OK && !w) {
    if (src.format == self->format) {
      q = src; /* already in the kernel format: shared, no copy */
      q_owner = src_owner ? g_bytes_ref (src_owner) : NULL;
    } else {
      if (!(q_owner = kalloc_bytes (qsize, &ptr)))
        goto nomem;
      rc = bn_ternary_convert (&src, self->format, ptr, qsize, BN_CONVERT_ROUND_SCALE, &q);
    }
  }
  if (rc != BN_K_OK) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS, _("Cannot convert tensor %s (%s) to %s: %s%s"), t->name,
                 bn_gguf_type_name (t->type), bn_ternary_format_name (self->format), bn_kstatus_to_string (rc),
                 rc == BN_K_ERR_SCALE ? _(" (its blocks have different scales: use format=tq2_0 or tq1_0, "
                                           "which keep one scale per block)")
                                      : "");
    return FALSE;
  }

  if (!w) {
    w = g_new (float, rows *cols);
    bn_ternary_dequantize (&src, w);
  }
  BnAccuracy a;
  bn_measure_accuracy (k, &q, w, self->accuracy_rows, rand, kernel_name, &a);
  g_variant_builder_add (layers, "{sv}", t->name,
                         g_variant_new_parsed ("{'output-rel-mse': <%d>, 'e2e-rel-mse': <%d>, "
                                               "'cosine': <%d>, 'max-abs-error': <%d>, "
                                               "'weight-rel-mse': <%d>}",
                                               a.out_rel_mse, a.e2e_rel_mse, a.cosine, a.max_abs, a.weight_rel_mse));
  worst->out_rel_mse = MAX (worst->out_rel_mse, a.out_rel_mse);
  worst->e2e_rel_mse = MAX (worst->e2e_rel_mse, a.e2e_rel_mse);
  worst->cosine = MIN (worst->cosine, a.cosine);
  worst->max_abs = MAX (worst->max_abs, a.max_abs);
  worst->weight_rel_mse = MAX (worst->weight_rel_mse, a.weight_rel_mse);
  return bn_model_set_kernel_weight (out, layer, name, &q, q_owner);

nomem:
  g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Out of memory converting tensor %s"), t->name);
  return FALSE;
}

static gboolean
convert_head (BnQuantizer *self, BnModel *out, GError **error)
{
  const BnTensor *e = bn_model_find_tensor (out, "token_embd.weight");
  BnGgufType want = self->head == HEAD_Q8_0 ? BN_GGUF_TYPE_Q8_0 : BN_GGUF_TYPE_F16;
  if (self->head == HEAD_KEEP || e->type == want)
    return TRUE;
  g_autofree float *w = NULL;
  if (e->type == BN_GGUF_TYPE_Q8_0) {
    w = g_new (float, e->n_elements);
    bn_q8_0_dequantize (e->data, e->dims[1], e->dims[0], w);
  } else {
    w = tensor_to_f32 (e);
  }
  gsize size = want == BN_GGUF_TYPE_Q8_0 ? bn_q8_0_size (e->dims[1], e->dims[0]) : e->n_elements * 2;
  guint8 *data = g_malloc (size);
  if (want == BN_GGUF_TYPE_Q8_0)
    bn_q8_0_quantize (w, e->dims[1], e->dims[0], data);
  else
    bn_f32_to_f16_row (w, (uint16_t *) data, e->n_elements);
  g_autoptr (GBytes) bytes = g_bytes_new_take (data, size);
  return bn_model_replace_tensor (out, "token_embd.weight", want, bytes, error);
}

static BnFlowReturn
bn_quantizer_chain (BnElement *element, BnPad *pad, BnItem *item)
{
  BnQuantizer *self = BN_QUANTIZER (element);
  g_autoptr (BnItem) owned = item;
  g_autoptr (GError) error = NULL;
  char err[256];
  const BnKernels *k = NULL;
  if (bn_kernels_select (NULL, &k, err, sizeof err) != BN_K_OK) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS, "%s", err);
    return BN_FLOW_ERROR;
  }
  BnModel *in = BN_MODEL (owned);
  g_autoptr (BnModel) out = bn_model_copy_unsealed (in);
  const BnModelConfig *cfg = bn_model_get_config (in);
  g_autoptr (GRand) rand = g_rand_new_with_seed ((guint32) self->seed);
  GVariantBuilder layers;
  g_variant_builder_init (&layers, G_VARIANT_TYPE_VARDICT);
  BnAccuracy worst = { 0, 0, 1.0, 0, 0 };
  const char *kernel_name = NULL;
  guint n = 0, total = cfg->n_layer * 7;
  gint64 t0 = g_get_monotonic_time ();

  for (guint l = 0; l < cfg->n_layer; l++)
    for (const char *const *name = BN_MODEL_TERNARY_NAMES; *name; name++) {
      if (bn_element_is_cancelled (element)) {
        g_variant_builder_clear (&layers);
        return BN_FLOW_CANCELLED;
      }
      if (!quantize_layer (self, out, k, l, *name, rand, &layers, &worst, &kernel_name, &error)) {
        g_variant_builder_clear (&layers);
        bn_element_post_error (element, error, NULL);
        return BN_FLOW_ERROR;
      }
      bn_element_post_progress (element, (double) ++n / total, *name);
    }
  if (!convert_head (self, out, &error) || !bn_model_update_config (out, &error)) {
    g_variant_builder_clear (&layers);
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  const char *fmt = bn_ternary_format_name (self->format);
  double tol = self->tolerance > 0 ? self->tolerance : bn_format_default_tolerance (self->format);
  gboolean pass = worst.out_rel_mse <= tol;
  GVariant *acc = g_variant_new_parsed (
      "{'format': <%s>, 'kernel': <%s>, 'tolerance': <%d>, 'pass': <%b>, "
      "'output-rel-mse': <%d>, 'e2e-rel-mse': <%d>, 'cosine-min': <%d>, 'max-abs-error': <%d>, "
      "'weight-rel-mse': <%d>, 'seed': <%t>, 'layers': <%@a{sv}>}",
      fmt, kernel_name ? kernel_name : "", tol, pass, worst.out_rel_mse, worst.e2e_rel_mse, worst.cosine, worst.max_abs,
      worst.weight_rel_mse, self->seed, g_variant_builder_end (&layers));
  bn_model_set_annotation (out, "quantizer-accuracy", acc);
  g_autoptr (BnCaps) caps = bn_caps_new_simple ("model/bitnet", "arch", G_TYPE_STRING, bn_model_get_architecture (out),
                                                "format", G_TYPE_STRING, fmt, NULL);
  bn_item_set_caps (BN_ITEM (out), caps);
  bn_element_post_message (element, bn_message_new_element (element, "quantizer-accuracy", g_variant_ref (acc)));
  g_autofree char *text = g_strdup_printf (
      _("%u layers to %s in %.2f s (kernel %s): output rel. MSE %.3g (tolerance %.3g, %s), "
         "end-to-end rel. MSE %.3g, min cosine %.6f, max abs error %.4g"),
      total, fmt, (g_get_monotonic_time () - t0) / 1e6, kernel_name ? kernel_name : "?", worst.out_rel_mse, tol,
      pass ? _("pass") : _("FAIL"), worst.e2e_rel_mse, worst.cosine, worst.max_abs);
  bn_element_post_info (element, text);
  if (!pass) {
    g_autoptr (GError) w =
        g_error_new (BN_STRICT_ERROR, BN_STRICT_ERROR_ACCURACY, _("Quantizer accuracy outside tolerance: %s"), text);
    bn_element_post_warning (element, w, NULL);
  }
  return bn_element_push (element, BN_ITEM (g_steal_pointer (&out)));
}

static void
bn_quantizer_class_init (BnQuantizerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = bn_quantizer_get_property;
  object_class->set_property = bn_quantizer_set_property;
  element_class->chain = bn_quantizer_chain;

  props[PROP_FORMAT] = g_param_spec_enum ("format", "Format", "Kernel format of the ternary layers",
                                          bn_ternary_format_enum_get_type (), BN_TERNARY_I2S, rw);
  props[PROP_HEAD] =
      g_param_spec_enum ("head", "Head", "Format of the tied embedding/output head", head_get_type (), HEAD_KEEP, rw);
  props[PROP_TOLERANCE] = g_param_spec_double ("tolerance", "Tolerance",
                                               "Largest relative output MSE accepted (0: the format's "
                                               "default, 1e-5 for I2S/TQ, 1e-4 for TL1/TL2)",
                                               0, 1, 0, rw);
  props[PROP_ACCURACY_ROWS] = g_param_spec_uint ("accuracy-rows", "Accuracy rows",
                                                 "Rows per layer used to measure accuracy, evenly "
                                                 "spread (0: all)",
                                                 0, G_MAXUINT, 256, rw);
  props[PROP_SEED] = g_param_spec_uint64 ("seed", "Seed", "Seed of the accuracy activations", 0, G_MAXUINT32, 1234, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Quantizer", "Transform",
                                 "Converts the ternary layers to a kernel format and measures "
                                 "accuracy against FP32",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "sink", BN_PAD_SINK, BN_PAD_ALWAYS, "model/bitnet");
  bn_element_class_add_static_pad_template (element_class, "src", BN_PAD_SRC, BN_PAD_ALWAYS,
                                            "model/bitnet, format={ i2s, tl1, tl2, tq2_0, tq1_0 }");
}

static void
bn_quantizer_init (BnQuantizer *self)
{
  self->format = BN_TERNARY_I2S;
  self->accuracy_rows = 256;
  self->seed = 1234;
}
