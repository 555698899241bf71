/* gst-bitnet: a BitNet model flowing between elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-model.h"
#include "bn-model-private.h"

#include "bn-tokenizer.h"
#include "kernels/bn-ktypes.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

/**
 * SECTION:bn-model
 * @title: BnModel
 * @short_description: a BitNet model: hyperparameters, tensors, metadata
 *
 * A #BnModel is the item that `loader` and `fixture-src` produce and that
 * `quantizer`, `kernel-executor` and `model-sink` consume. It holds the
 * GGUF metadata in file order, the tensors (memory-mapped when loaded from
 * a file, so a model is never read twice), and the #BnModelConfig that
 * bn_model_update_config() derives and checks from the metadata.
 *
 * Its caps are `model/bitnet, arch=(string)..., format=(string)...` where
 * the format is that of the ternary layer weights (`i2s`, `tq2_0`,
 * `tq1_0`, or a float type for latent weights).
 *
 * The fingerprint identifies a model by all of it: a BLAKE2b-256 of every
 * metadata key and value (so rms-eps or the RoPE base count) and of every
 * tensor's name, type, shape and every byte, taken once by
 * bn_model_update_config(). The same pass refuses float tensors (norms,
 * scales, embeddings) holding NaN or infinity. A model loaded unchanged
 * from a file is fingerprinted once per process for that file's (path,
 * device, inode, size, modification time).
 */

/**
 * bn_model_error_quark:
 *
 * Gets the #GQuark of this error domain.
 *
 * Returns: the #GQuark of the domain.
 *
 * Since: 0.1
 */
/* the quark name is stringized: clang-format must not space it */
/* clang-format off */
G_DEFINE_QUARK (bn-model-error-quark, bn_model_error)
/* clang-format on */

typedef struct {
  char *key;
  BnGgufValue *value;
} Kv;

typedef struct {
  BnTensor t;
  char *name;
  GBytes *bytes; /* owner of t.data, or NULL when it lies in the mapped file */
} Entry;

/**
 * BnModel:
 *
 * A BitNet model: metadata, tensors and configuration.
 *
 * Since: 0.1
 */
struct _BnModel {
  BnItem parent_instance;
  GPtrArray *kvs;           /* Kv* in insertion order */
  GHashTable *kv_index;     /* key -> Kv* */
  GPtrArray *tensors;       /* Entry* */
  GHashTable *tensor_index; /* name -> Entry* */
  BnGguf *gguf;             /* owner of mapped tensor data */
  BnModelConfig config;
  gboolean have_config;
  char *arch_name;
  char *weight_format;
  char *fingerprint;
  gboolean from_file; /* tensors and metadata exactly as in @path */
  char *path;
  guint64 file_size, mapped_bytes;
  gint64 load_time_us;
  GHashTable *kernel_weights; /* "layer/name" -> KernelWeight* */
  GHashTable *annotations;    /* key -> GVariant* */
};

typedef struct {
  BnTernary ternary; /* plain struct from kernels/ */
  GBytes *owner;
} KernelWeight;

static void
kernel_weight_free (gpointer data)
{
  KernelWeight *k = data;
  g_clear_pointer (&k->owner, g_bytes_unref);
  g_free (k);
}

G_DEFINE_FINAL_TYPE (BnModel, bn_model, BN_TYPE_ITEM)

static void
kv_free (gpointer data)
{
  Kv *kv = data;
  g_free (kv->key);
  bn_gguf_value_free (kv->value);
  g_free (kv);
}

static void
entry_free (gpointer data)
{
  Entry *e = data;
  g_free (e->name);
  g_clear_pointer (&e->bytes, g_bytes_unref);
  g_free (e);
}

static void
bn_model_finalize (GObject *object)
{
  BnModel *self = BN_MODEL (object);
  g_hash_table_unref (self->kv_index);
  g_ptr_array_unref (self->kvs);
  g_hash_table_unref (self->tensor_index);
  g_ptr_array_unref (self->tensors);
  g_clear_pointer (&self->gguf, bn_gguf_unref);
  g_free (self->arch_name);
  g_free (self->weight_format);
  g_free (self->fingerprint);
  g_free (self->path);
  g_hash_table_unref (self->kernel_weights);
  g_hash_table_unref (self->annotations);
  G_OBJECT_CLASS (bn_model_parent_class)->finalize (object);
}

static void
bn_model_class_init (BnModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bn_model_finalize;
}

static void
bn_model_init (BnModel *self)
{
  self->kvs = g_ptr_array_new_with_free_func (kv_free);
  self->kv_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->tensors = g_ptr_array_new_with_free_func (entry_free);
  self->tensor_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->load_time_us = -1;
  self->kernel_weights = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, kernel_weight_free);
  self->annotations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_variant_unref);
}

/**
 * bn_model_new:
 *
 * Creates an empty model, to be filled with bn_model_set_metadata() and
 * bn_model_add_tensor(), then checked with bn_model_update_config().
 *
 * Returns: (transfer full): a new model.
 *
 * Since: 0.1
 */
BnModel *
bn_model_new (void)
{
  g_autoptr (BnCaps) caps = bn_caps_from_string ("model/bitnet", NULL);
  return g_object_new (BN_TYPE_MODEL, "caps", caps, NULL);
}

/**
 * bn_model_set_metadata:
 * @model: an unsealed model
 * @key: the GGUF key
 * @value: (transfer full): its value
 *
 * Adds or replaces a metadata entry; new keys keep insertion order.
 *
 * Since: 0.1
 */
void
bn_model_set_metadata (BnModel *model, const char *key, BnGgufValue *value)
{
  g_return_if_fail (BN_IS_MODEL (model));
  g_return_if_fail (key && value);
  BN_ITEM_CHECK_WRITABLE (model);
  model->from_file = FALSE;
  g_clear_pointer (&model->fingerprint, g_free);
  Kv *kv = g_hash_table_lookup (model->kv_index, key);
  if (kv) {
    bn_gguf_value_free (kv->value);
    kv->value = value;
    return;
  }
  kv = g_new0 (Kv, 1);
  kv->key = g_strdup (key);
  kv->value = value;
  g_ptr_array_add (model->kvs, kv);
  g_hash_table_insert (model->kv_index, kv->key, kv);
}

/**
 * bn_model_get_metadata:
 * @model: a model
 * @key: a GGUF key
 *
 * Gets the value, or %NULL.
 *
 * Returns: (transfer none) (nullable): the value, or %NULL.
 *
 * Since: 0.1
 */
const BnGgufValue *
bn_model_get_metadata (BnModel *model, const char *key)
{
  g_return_val_if_fail (BN_IS_MODEL (model), NULL);
  Kv *kv = g_hash_table_lookup (model->kv_index, key);
  return kv ? kv->value : NULL;
}

/**
 * bn_model_get_n_metadata:
 * @model: a model
 *
 * Gets the number of metadata entries.
 *
 * Returns: the number of metadata entries.
 *
 * Since: 0.1
 */
guint
bn_model_get_n_metadata (BnModel *model)
{
  g_return_val_if_fail (BN_IS_MODEL (model), 0);
  return model->kvs->len;
}

/**
 * bn_model_get_metadata_key:
 * @model: a model
 * @index: below bn_model_get_n_metadata()
 *
 * Gets the key of entry @index, in order.
 *
 * Returns: (transfer none): the key of entry @index, in order.
 *
 * Since: 0.1
 */
const char *
bn_model_get_metadata_key (BnModel *model, guint index)
{
  g_return_val_if_fail (BN_IS_MODEL (model), NULL);
  g_return_val_if_fail (index < model->kvs->len, NULL);
  return ((Kv *) model->kvs->pdata[index])->key;
}

static gboolean
add_entry (BnModel *model, const char *name, BnGgufType type, guint n_dims, const guint64 *dims, const guint8 *data,
           gsize size, GBytes *bytes, GError **error)
{
  guint64 expect = 0;
  if (g_hash_table_contains (model->tensor_index, name)) {
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_INVALID, _("Tensor %s is already in the model"), name);
    return FALSE;
  }
  if (n_dims < 1 || n_dims > 4 || !bn_gguf_type_compute_size (type, n_dims, dims, &expect) || expect != size) {
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_BAD_SHAPE,
                 _("Tensor %s: %zu bytes do not hold its shape in type %s "
                    "(%" PRIu64 " expected)"),
                 name, size, bn_gguf_type_name (type), expect);
    return FALSE;
  }
  Entry *e = g_new0 (Entry, 1);
  e->name = g_strdup (name);
  e->bytes = bytes ? g_bytes_ref (bytes) : NULL;
  e->t.name = e->name;
  e->t.type = type;
  e->t.n_dims = n_dims;
  e->t.n_elements = 1;
  for (guint i = 0; i < n_dims; i++) {
    e->t.dims[i] = dims[i];
    e->t.n_elements *= dims[i];
  }
  e->t.data = data;
  e->t.size = size;
  g_ptr_array_add (model->tensors, e);
  g_hash_table_insert (model->tensor_index, e->name, e);
  return TRUE;
}

/**
 * bn_model_add_tensor:
 * @model: an unsealed model
 * @name: the tensor name
 * @type: its element type
 * @n_dims: 1 to 4
 * @dims: (array length=n_dims): its dimensions, innermost first
 * @data: its bytes; a reference is kept
 * @error: return location for a #GError
 *
 * Adds a tensor whose data the model shares.
 *
 * Returns: %TRUE, or %FALSE if the name is taken or the size does not fit.
 *
 * Since: 0.1
 */
gboolean
bn_model_add_tensor (BnModel *model, const char *name, BnGgufType type, guint n_dims, const guint64 *dims, GBytes *data,
                     GError **error)
{
  g_return_val_if_fail (BN_IS_MODEL (model), FALSE);
  g_return_val_if_fail (!bn_item_is_sealed (BN_ITEM (model)), FALSE);
  gsize size = 0;
  const guint8 *p = g_bytes_get_data (data, &size);
  model->from_file = FALSE;
  g_clear_pointer (&model->fingerprint, g_free);
  return add_entry (model, name, type, n_dims, dims, p, size, data, error);
}

/**
 * bn_model_replace_tensor:
 * @model: an unsealed model
 * @name: an existing tensor
 * @type: the new element type
 * @data: the new bytes, for the same shape; a reference is kept
 * @error: return location for a #GError
 *
 * Replaces a tensor's type and data, keeping its shape and position (what
 * a quantizer does).
 *
 * Returns: %TRUE on success.
 *
 * Since: 0.1
 */
gboolean
bn_model_replace_tensor (BnModel *model, const char *name, BnGgufType type, GBytes *data, GError **error)
{
  g_return_val_if_fail (BN_IS_MODEL (model), FALSE);
  g_return_val_if_fail (!bn_item_is_sealed (BN_ITEM (model)), FALSE);
  Entry *e = g_hash_table_lookup (model->tensor_index, name);
  guint64 expect = 0;
  gsize size = 0;
  const guint8 *p = g_bytes_get_data (data, &size);
  if (!e) {
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_MISSING_TENSOR, _("The model has no tensor %s"), name);
    return FALSE;
  }
  if (!bn_gguf_type_compute_size (type, e->t.n_dims, e->t.dims, &expect) || expect != size) {
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_BAD_SHAPE,
                 _("Tensor %s: %zu bytes do not hold its shape in type %s"), name, size, bn_gguf_type_name (type));
    return FALSE;
  }
  g_clear_pointer (&e->bytes, g_bytes_unref);
  e->bytes = g_bytes_ref (data);
  e->t.type = type;
  e->t.data = p;
  e->t.size = size;
  model->from_file = FALSE;
  g_clear_pointer (&model->fingerprint, g_free);
  return TRUE;
}

/**
 * bn_model_new_from_gguf:
 * @gguf: an opened GGUF file
 * @error: return location for a #GError
 *
 * Makes a model of @gguf: metadata copied, tensors shared with the file's
 * memory map, configuration checked with bn_model_update_config().
 *
 * Returns: (transfer full) (nullable): the model, or %NULL with @error in
 *   the #BN_MODEL_ERROR domain.
 *
 * Since: 0.1
 */
BnModel *
bn_model_new_from_gguf (BnGguf *gguf, GError **error)
{
  g_return_val_if_fail (gguf != NULL, NULL);
  g_autoptr (BnModel) model = bn_model_new ();
  model->gguf = bn_gguf_ref (gguf);
  for (gsize i = 0; i < bn_gguf_get_n_metadata (gguf); i++)
    bn_model_set_metadata (model, bn_gguf_get_metadata_key (gguf, i),
                           bn_gguf_value_copy (bn_gguf_get_metadata_value (gguf, i)));
  for (gsize i = 0; i < bn_gguf_get_n_tensors (gguf); i++) {
    const BnGgufTensorInfo *ti = bn_gguf_get_tensor (gguf, i);
    if (!add_entry (model, ti->name, ti->type, ti->n_dims, ti->dims, ti->data, ti->size, NULL, error))
      return NULL;
  }
  if (bn_gguf_get_path (gguf))
    bn_model_set_source (model, bn_gguf_get_path (gguf), bn_gguf_get_file_size (gguf), bn_gguf_get_mapped_size (gguf));
  model->from_file = bn_gguf_get_path (gguf) != NULL;
  if (!bn_model_update_config (model, error))
    return NULL;
  return g_steal_pointer (&model);
}

/**
 * bn_model_check_intact:
 * @model: a model
 * @error: return location for a #GError
 *
 * Checks that the file whose memory map holds the model's tensors was not
 * truncated while tensors were read (see bn_gguf_check_intact()).
 *
 * Returns: %TRUE when every tensor read was the file's; %FALSE with
 *   %BN_GGUF_ERROR_TRUNCATED naming the file otherwise
 *
 * Since: 0.2
 */
gboolean
bn_model_check_intact (BnModel *model, GError **error)
{
  g_return_val_if_fail (BN_IS_MODEL (model), FALSE);
  return !model->gguf || bn_gguf_check_intact (model->gguf, error);
}

/**
 * bn_model_copy_unsealed:
 * @model: a model
 *
 * Makes a writable model sharing @model's tensor data, for transforms such
 * as the quantizer.
 *
 * Returns: (transfer full): the copy.
 *
 * Since: 0.1
 */
BnModel *
bn_model_copy_unsealed (BnModel *model)
{
  g_return_val_if_fail (BN_IS_MODEL (model), NULL);
  BnModel *copy = bn_model_new ();
  if (model->gguf)
    copy->gguf = bn_gguf_ref (model->gguf);
  for (guint i = 0; i < model->kvs->len; i++) {
    Kv *kv = model->kvs->pdata[i];
    bn_model_set_metadata (copy, kv->key, bn_gguf_value_copy (kv->value));
  }
  for (guint i = 0; i < model->tensors->len; i++) {
    Entry *e = model->tensors->pdata[i];
    add_entry (copy, e->name, e->t.type, e->t.n_dims, e->t.dims, e->t.data, e->t.size, e->bytes, NULL);
  }
  copy->config = model->config;
  copy->have_config = model->have_config;
  copy->arch_name = g_strdup (model->arch_name);
  copy->weight_format = g_strdup (model->weight_format);
  copy->path = g_strdup (model->path);
  copy->file_size = model->file_size;
  copy->mapped_bytes = model->mapped_bytes;
  copy->load_time_us = model->load_time_us;
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, model->kernel_weights);
  while (g_hash_table_iter_next (&it, &k, &v)) {
    KernelWeight *src = v, *dst = g_new0 (KernelWeight, 1);
    dst->ternary = src->ternary;
    dst->owner = src->owner ? g_bytes_ref (src->owner) : NULL;
    g_hash_table_insert (copy->kernel_weights, g_strdup (k), dst);
  }
  g_hash_table_iter_init (&it, model->annotations);
  while (g_hash_table_iter_next (&it, &k, &v))
    g_hash_table_insert (copy->annotations, g_strdup (k), g_variant_ref (v));
  bn_item_set_caps (BN_ITEM (copy), bn_item_get_caps (BN_ITEM (model)));
  return copy;
}

/* ---- configuration -------------------------------------------------------- */

static gboolean
meta_uint (BnModel *m, const char *key, gboolean required, guint32 def, guint32 *out, GError **error)
{
  const BnGgufValue *v = bn_model_get_metadata (m, key);
  if (!v) {
    if (required) {
      g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_MISSING_KEY,
                   _("The model has no %s: it is required to run it"), key);
      return FALSE;
    }
    *out = def;
    return TRUE;
  }
  switch (bn_gguf_value_get_value_type (v)) {
  case BN_GGUF_VALUE_UINT8:
  case BN_GGUF_VALUE_UINT16:
  case BN_GGUF_VALUE_UINT32:
  case BN_GGUF_VALUE_UINT64: {
    guint64 u = bn_gguf_value_get_uint (v);
    if (u > G_MAXUINT32)
      break;
    *out = (guint32) u;
    return TRUE;
  }
  case BN_GGUF_VALUE_INT8:
  case BN_GGUF_VALUE_INT16:
  case BN_GGUF_VALUE_INT32:
  case BN_GGUF_VALUE_INT64: {
    gint64 i = bn_gguf_value_get_int (v);
    if (i < 0 || i > G_MAXUINT32)
      break;
    *out = (guint32) i;
    return TRUE;
  }
  default: break;
  }
  g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_INCONSISTENT,
               _("Metadata %s must be a non-negative 32-bit integer"), key);
  return FALSE;
}

static gboolean
meta_float (BnModel *m, const char *key, float def, float *out, GError **error)
{
  const BnGgufValue *v = bn_model_get_metadata (m, key);
  if (!v) {
    *out = def;
    return TRUE;
  }
  BnGgufValueType t = bn_gguf_value_get_value_type (v);
  if (t == BN_GGUF_VALUE_FLOAT32 || t == BN_GGUF_VALUE_FLOAT64) {
    *out = (float) bn_gguf_value_get_double (v);
    return TRUE;
  }
  g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_INCONSISTENT, _("Metadata %s must be a floating-point number"),
               key);
  return FALSE;
}

static gboolean
expect_tensor (BnModel *m, const char *name, guint64 d0, guint64 d1, gboolean required, GError **error)
{
  Entry *e = g_hash_table_lookup (m->tensor_index, name);
  if (!e) {
    if (required)
      g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_MISSING_TENSOR, _("The model has no tensor %s"), name);
    return !required;
  }
  guint64 want_dims = d1 ? 2 : 1;
  gboolean ok = e->t.n_elements == d0 * (d1 ? d1 : 1) && e->t.dims[0] == d0 && (want_dims == 1 || e->t.dims[1] == d1);
  if (!ok) {
    g_autofree char *shape = NULL;
    GString *s = g_string_new (NULL);
    for (guint i = 0; i < e->t.n_dims; i++)
      g_string_append_printf (s, "%s%" G_GUINT64_FORMAT, i ? " x " : "", e->t.dims[i]);
    shape = g_string_free (s, FALSE);
    if (d1)
      g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_BAD_SHAPE,
                   _("Tensor %s has shape %s; the hyperparameters need %" PRIu64 " x %" PRIu64), name, shape, d0, d1);
    else
      g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_BAD_SHAPE,
                   _("Tensor %s has shape %s; the hyperparameters need %" PRIu64), name, shape, d0);
    return FALSE;
  }
  if (!bn_gguf_type_is_supported (e->t.type)) {
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_UNSUPPORTED_TYPE,
                 _("Tensor %s has type %s, which the engine cannot read (it reads F32, F16, "
                    "BF16, Q8_0, TQ1_0, TQ2_0 and I2_S)"),
                 name, bn_gguf_type_name (e->t.type));
    return FALSE;
  }
  return TRUE;
}

static const char *
format_name (BnGgufType t)
{
  switch (t) {
  case BN_GGUF_TYPE_I2_S: return "i2s";
  case BN_GGUF_TYPE_TQ2_0: return "tq2_0";
  case BN_GGUF_TYPE_TQ1_0: return "tq1_0";
  case BN_GGUF_TYPE_F32: return "f32";
  case BN_GGUF_TYPE_F16: return "f16";
  case BN_GGUF_TYPE_BF16: return "bf16";
  case BN_GGUF_TYPE_Q8_0: return "q8_0";
  default: return "unknown";
  }
}

/**
 * bn_model_update_config:
 * @model: an unsealed model
 * @error: return location for a #GError
 *
 * Reads the architecture and hyperparameters from the metadata, checks
 * them against each other and against every tensor's presence, shape and
 * type, and sets the caps and fingerprint.
 *
 * Returns: %TRUE if the engine can run the model; %FALSE with an error
 *   naming the key or tensor at fault otherwise.
 *
 * Since: 0.1
 */
gboolean
bn_model_update_config (BnModel *model, GError **error)
{
  g_return_val_if_fail (BN_IS_MODEL (model), FALSE);
  g_return_val_if_fail (!bn_item_is_sealed (BN_ITEM (model)), FALSE);
  BnModelConfig c = { 0 };
  const BnGgufValue *av = bn_model_get_metadata (model, "general.architecture");
  const char *arch =
      av && bn_gguf_value_get_value_type (av) == BN_GGUF_VALUE_STRING ? bn_gguf_value_get_string (av, NULL) : NULL;

  if (!arch) {
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_MISSING_KEY, _("The model has no general.architecture string"));
    return FALSE;
  }
  if (!strcmp (arch, "bitnet")) {
    c.arch = BN_ARCH_BITNET;
    c.ffn_act = BN_FFN_ACT_SILU;
  } else if (!strcmp (arch, "bitnet-b1.58") || !strcmp (arch, "bitnet-25")) {
    c.arch = BN_ARCH_BITNET_B158;
    c.ffn_act = BN_FFN_ACT_RELU2;
  } else {
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_UNSUPPORTED_ARCH,
                 _("Architecture \"%s\" is not a BitNet model: the engine runs \"bitnet\" "
                    "(llama.cpp) and \"bitnet-b1.58\" (bitnet.cpp)"),
                 arch);
    return FALSE;
  }

#define KEY(suffix) (g_snprintf (key, sizeof key, "%s." suffix, arch), key)
  char key[128];
  if (!meta_uint (model, KEY ("embedding_length"), TRUE, 0, &c.n_embd, error)
      || !meta_uint (model, KEY ("block_count"), TRUE, 0, &c.n_layer, error)
      || !meta_uint (model, KEY ("feed_forward_length"), TRUE, 0, &c.n_ff, error)
      || !meta_uint (model, KEY ("attention.head_count"), TRUE, 0, &c.n_head, error)
      || !meta_uint (model, KEY ("context_length"), TRUE, 0, &c.n_ctx, error)
      || !meta_uint (model, KEY ("attention.head_count_kv"), FALSE, c.n_head, &c.n_head_kv, error)
      || !meta_float (model, KEY ("attention.layer_norm_rms_epsilon"), 1e-5f, &c.rms_eps, error)
      || !meta_float (model, KEY ("rope.freq_base"), 10000.0f, &c.rope_theta, error))
    return FALSE;

  if (c.n_embd == 0 || c.n_layer == 0 || c.n_ff == 0 || c.n_head == 0 || c.n_head_kv == 0 || c.n_ctx == 0) {
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_INCONSISTENT,
                 _("Hyperparameters of %s must be positive (embedding %u, blocks %u, "
                    "feed-forward %u, heads %u/%u, context %u)"),
                 arch, c.n_embd, c.n_layer, c.n_ff, c.n_head, c.n_head_kv, c.n_ctx);
    return FALSE;
  }
  if (c.n_embd % c.n_head) {
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_INCONSISTENT,
                 _("%u attention heads do not divide the hidden size %u"), c.n_head, c.n_embd);
    return FALSE;
  }
  if (c.n_head % c.n_head_kv) {
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_INCONSISTENT,
                 _("%u key/value heads do not divide the %u attention heads"), c.n_head_kv, c.n_head);
    return FALSE;
  }
  c.head_dim = c.n_embd / c.n_head;
  if (!meta_uint (model, KEY ("rope.dimension_count"), FALSE, c.head_dim, &c.rope_dim, error))
    return FALSE;
  if (c.rope_dim > c.head_dim || c.rope_dim % 2) {
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_INCONSISTENT,
                 _("RoPE dimension %u must be even and at most the head size %u"), c.rope_dim, c.head_dim);
    return FALSE;
  }
  if (!(c.rope_theta > 0) || !(c.rms_eps > 0) || !isfinite (c.rope_theta) || !isfinite (c.rms_eps)) {
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_INCONSISTENT,
                 _("RoPE base (%g) and RMS epsilon (%g) must be finite and positive"), c.rope_theta, c.rms_eps);
    return FALSE;
  }

  Entry *embd = g_hash_table_lookup (model->tensor_index, "token_embd.weight");
  if (!embd) {
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_MISSING_TENSOR, _("The model has no tensor token_embd.weight"));
    return FALSE;
  }
  c.n_vocab = embd->t.n_dims == 2 ? (guint32) embd->t.dims[1] : 0;
  guint32 vocab_key = 0;
  if (!meta_uint (model, KEY ("vocab_size"), FALSE, c.n_vocab, &vocab_key, error))
    return FALSE;
  if (vocab_key != c.n_vocab) {
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_INCONSISTENT,
                 _("%s says %u tokens but token_embd.weight has %u rows"), key, vocab_key, c.n_vocab);
    return FALSE;
  }
#undef KEY

  guint32 kv_dim = c.n_head_kv * c.head_dim;
  if (!expect_tensor (model, "token_embd.weight", c.n_embd, c.n_vocab, TRUE, error)
      || !expect_tensor (model, "output_norm.weight", c.n_embd, 0, TRUE, error))
    return FALSE;
  c.tied_head = !g_hash_table_contains (model->tensor_index, "output.weight");
  if (!c.tied_head && !expect_tensor (model, "output.weight", c.n_embd, c.n_vocab, TRUE, error))
    return FALSE;

  BnGgufType wtype = BN_GGUF_TYPE_INVALID;
  gboolean mixed = FALSE;
  for (guint32 l = 0; l < c.n_layer; l++) {
    struct {
      const char *n;
      guint64 d0, d1;
    } want[] = {
      { "attn_norm", c.n_embd, 0 },   { "attn_sub_norm", c.n_embd, 0 },      { "ffn_norm", c.n_embd, 0 },
      { "ffn_sub_norm", c.n_ff, 0 },  { "attn_q", c.n_embd, c.n_embd },      { "attn_k", c.n_embd, kv_dim },
      { "attn_v", c.n_embd, kv_dim }, { "attn_output", c.n_embd, c.n_embd }, { "ffn_gate", c.n_embd, c.n_ff },
      { "ffn_up", c.n_embd, c.n_ff }, { "ffn_down", c.n_ff, c.n_embd },
    };
    for (guint i = 0; i < G_N_ELEMENTS (want); i++) {
      char name[96];
      g_snprintf (name, sizeof name, "blk.%u.%s.weight", l, want[i].n);
      if (!expect_tensor (model, name, want[i].d0, want[i].d1, TRUE, error))
        return FALSE;
      if (want[i].d1) {
        BnGgufType t = ((Entry *) g_hash_table_lookup (model->tensor_index, name))->t.type;
        if (wtype == BN_GGUF_TYPE_INVALID)
          wtype = t;
        else if (t != wtype)
          mixed = TRUE;
        g_snprintf (name, sizeof name, "blk.%u.%s.scale", l, want[i].n);
        if (!expect_tensor (model, name, 1, 0, FALSE, error))
          return FALSE;
      }
    }
  }

  model->config = c;
  model->have_config = TRUE;
  g_free (model->arch_name);
  model->arch_name = g_strdup (arch);
  g_free (model->weight_format);
  model->weight_format = g_strdup (mixed ? "mixed" : format_name (wtype));
  g_clear_pointer (&model->fingerprint, g_free);
  model->fingerprint = _bn_model_compute_fingerprint (model, model->from_file ? model->path : NULL, error);
  if (!model->fingerprint)
    return FALSE;
  g_autoptr (BnCaps) caps = bn_caps_new_simple ("model/bitnet", "arch", G_TYPE_STRING, arch, "format", G_TYPE_STRING,
                                                model->weight_format, NULL);
  bn_item_set_caps (BN_ITEM (model), caps);
  return TRUE;
}

/* ---- accessors ------------------------------------------------------------ */

/**
 * bn_model_get_config:
 * @model: a model checked by bn_model_update_config()
 *
 * Gets its hyperparameters.
 *
 * Returns: (transfer none): its hyperparameters.
 *
 * Since: 0.1
 */
const BnModelConfig *
bn_model_get_config (BnModel *model)
{
  g_return_val_if_fail (BN_IS_MODEL (model), NULL);
  g_return_val_if_fail (model->have_config, NULL);
  return &model->config;
}

/**
 * bn_model_get_architecture:
 * @model: a model
 *
 * Gets `general.architecture` as written in the file (`bitnet`, `bitnet-b1.58` or `bitnet-25`).
 *
 * Returns: (transfer none) (nullable): `general.architecture` as written
 *   in the file (`bitnet`, `bitnet-b1.58` or `bitnet-25`).
 *
 * Since: 0.1
 */
const char *
bn_model_get_architecture (BnModel *model)
{
  g_return_val_if_fail (BN_IS_MODEL (model), NULL);
  return model->arch_name;
}

/**
 * bn_model_get_n_tensors:
 * @model: a model
 *
 * Gets the number of tensors.
 *
 * Returns: the number of tensors.
 *
 * Since: 0.1
 */
guint
bn_model_get_n_tensors (BnModel *model)
{
  g_return_val_if_fail (BN_IS_MODEL (model), 0);
  return model->tensors->len;
}

/**
 * bn_model_get_tensor:
 * @model: a model
 * @index: below bn_model_get_n_tensors()
 *
 * Gets tensor @index, in file order.
 *
 * Returns: (transfer none): tensor @index, in file order.
 *
 * Since: 0.1
 */
const BnTensor *
bn_model_get_tensor (BnModel *model, guint index)
{
  g_return_val_if_fail (BN_IS_MODEL (model), NULL);
  g_return_val_if_fail (index < model->tensors->len, NULL);
  return &((Entry *) model->tensors->pdata[index])->t;
}

/**
 * bn_model_find_tensor:
 * @model: a model
 * @name: a tensor name
 *
 * Gets the tensor, or %NULL.
 *
 * Returns: (transfer none) (nullable): the tensor, or %NULL.
 *
 * Since: 0.1
 */
const BnTensor *
bn_model_find_tensor (BnModel *model, const char *name)
{
  g_return_val_if_fail (BN_IS_MODEL (model), NULL);
  Entry *e = g_hash_table_lookup (model->tensor_index, name);
  return e ? &e->t : NULL;
}

/**
 * bn_model_get_layer_tensor:
 * @model: a model
 * @layer: a block index
 * @name: the layer name, e.g. `attn_q` or `ffn_norm`
 *
 * Gets `blk.<layer>.<name>.weight`.
 *
 * Returns: (transfer none) (nullable): `blk.<layer>.<name>.weight`.
 *
 * Since: 0.1
 */
const BnTensor *
bn_model_get_layer_tensor (BnModel *model, guint layer, const char *name)
{
  char full[96];
  g_snprintf (full, sizeof full, "blk.%u.%s.weight", layer, name);
  return bn_model_find_tensor (model, full);
}

/**
 * bn_model_get_layer_scale:
 * @model: a model
 * @layer: a block index
 * @name: the layer name, e.g. `attn_q`
 *
 * Gets the value of the optional `blk.<layer>.<name>.scale` tensor (llama.cpp's `bitnet` per-tensor scale), or 1 when
 * absent.
 *
 * Returns: the value of the optional `blk.<layer>.<name>.scale` tensor
 *   (llama.cpp's `bitnet` per-tensor scale), or 1 when absent.
 *
 * Since: 0.1
 */
float
bn_model_get_layer_scale (BnModel *model, guint layer, const char *name)
{
  char full[96];
  g_snprintf (full, sizeof full, "blk.%u.%s.scale", layer, name);
  const BnTensor *t = bn_model_find_tensor (model, full);
  if (!t || t->type != BN_GGUF_TYPE_F32 || t->size < 4)
    return 1.0f;
  float v;
  memcpy (&v, t->data, sizeof v);
  return v;
}

/**
 * bn_model_get_weight_format:
 * @model: a model
 *
 * Gets the format of the ternary layer weights (`i2s`, `tq2_0`, `tq1_0`, `f32`, `f16`, `bf16`, `q8_0`), or `mixed`.
 *
 * Returns: (transfer none): the format of the ternary layer weights
 *   (`i2s`, `tq2_0`, `tq1_0`, `f32`, `f16`, `bf16`, `q8_0`), or `mixed`.
 *
 * Since: 0.1
 */
const char *
bn_model_get_weight_format (BnModel *model)
{
  g_return_val_if_fail (BN_IS_MODEL (model), NULL);
  return model->weight_format ? model->weight_format : "unknown";
}

/**
 * bn_model_get_n_params:
 * @model: a model
 *
 * Gets the number of parameters (elements of every tensor).
 *
 * Returns: the number of parameters (elements of every tensor).
 *
 * Since: 0.1
 */
guint64
bn_model_get_n_params (BnModel *model)
{
  g_return_val_if_fail (BN_IS_MODEL (model), 0);
  guint64 n = 0;
  for (guint i = 0; i < model->tensors->len; i++)
    n += ((Entry *) model->tensors->pdata[i])->t.n_elements;
  return n;
}

/**
 * bn_model_get_n_ternary_params:
 * @model: a model with a configuration
 *
 * Gets the number of weights of the ternary linear layers.
 *
 * Returns: the number of weights of the ternary linear layers.
 *
 * Since: 0.1
 */
guint64
bn_model_get_n_ternary_params (BnModel *model)
{
  g_return_val_if_fail (BN_IS_MODEL (model), 0);
  guint64 n = 0;
  for (guint l = 0; model->have_config && l < model->config.n_layer; l++)
    for (const char *const *name = BN_MODEL_TERNARY_NAMES; *name; name++) {
      const BnTensor *t = bn_model_get_layer_tensor (model, l, *name);
      n += t ? t->n_elements : 0;
    }
  return n;
}

/**
 * bn_model_get_tensor_bytes:
 * @model: a model
 *
 * Gets the bytes of every tensor together.
 *
 * Returns: the bytes of every tensor together.
 *
 * Since: 0.1
 */
guint64
bn_model_get_tensor_bytes (BnModel *model)
{
  g_return_val_if_fail (BN_IS_MODEL (model), 0);
  guint64 n = 0;
  for (guint i = 0; i < model->tensors->len; i++)
    n += ((Entry *) model->tensors->pdata[i])->t.size;
  return n;
}

/**
 * bn_model_get_fingerprint:
 * @model: a model
 *
 * Gets the model's fingerprint: `blake2b:<hex>`, the BLAKE2b-256 of every
 * metadata key and value and of every tensor's name, type, shape and bytes.
 * Two models differing in any byte that the engine reads have different
 * fingerprints. Taken by bn_model_update_config(); for a model that was
 * never checked, taken now.
 *
 * Returns: (transfer none): `blake2b:` and 64 hex digits.
 *
 * Since: 0.1
 */
const char *
bn_model_get_fingerprint (BnModel *model)
{
  g_return_val_if_fail (BN_IS_MODEL (model), NULL);
  if (!model->fingerprint) {
    g_autoptr (GError) error = NULL;
    model->fingerprint = _bn_model_compute_fingerprint (model, NULL, &error);
    if (!model->fingerprint) {
      /* a broken model still gets a name, flagged as such */
      g_warning ("%s", error->message);
      model->fingerprint = g_strdup ("blake2b:non-finite");
    }
  }
  return model->fingerprint;
}

/**
 * bn_model_set_source:
 * @model: an unsealed model
 * @path: (nullable): the file it came from
 * @file_size: the file's size in bytes
 * @mapped_bytes: the bytes of the memory map
 *
 * Records where the model came from.
 *
 * Since: 0.1
 */
void
bn_model_set_source (BnModel *model, const char *path, guint64 file_size, guint64 mapped_bytes)
{
  g_return_if_fail (BN_IS_MODEL (model));
  BN_ITEM_CHECK_WRITABLE (model);
  g_free (model->path);
  model->path = g_strdup (path);
  model->file_size = file_size;
  model->mapped_bytes = mapped_bytes;
}

/**
 * bn_model_get_path:
 * @model: a model
 *
 * Gets the file it was loaded from or written to.
 *
 * Returns: (transfer none) (nullable): the file it was loaded from or
 *   written to.
 *
 * Since: 0.1
 */
const char *
bn_model_get_path (BnModel *model)
{
  g_return_val_if_fail (BN_IS_MODEL (model), NULL);
  return model->path;
}

/**
 * bn_model_get_file_size:
 * @model: a model
 *
 * Gets the size of its file in bytes, 0 when it has none.
 *
 * Returns: the size of its file in bytes, 0 when it has none.
 *
 * Since: 0.1
 */
guint64
bn_model_get_file_size (BnModel *model)
{
  g_return_val_if_fail (BN_IS_MODEL (model), 0);
  return model->file_size;
}

/**
 * bn_model_get_mapped_bytes:
 * @model: a model
 *
 * Gets the bytes memory-mapped for it, 0 for a model built in memory.
 *
 * Returns: the bytes memory-mapped for it, 0 for a model built in memory.
 *
 * Since: 0.1
 */
guint64
bn_model_get_mapped_bytes (BnModel *model)
{
  g_return_val_if_fail (BN_IS_MODEL (model), 0);
  return model->mapped_bytes;
}

/**
 * bn_model_set_load_time:
 * @model: an unsealed model
 * @microseconds: how long loading took
 *
 * Records the load time measured by the element that made the model.
 *
 * Since: 0.1
 */
void
bn_model_set_load_time (BnModel *model, gint64 microseconds)
{
  g_return_if_fail (BN_IS_MODEL (model));
  BN_ITEM_CHECK_WRITABLE (model);
  model->load_time_us = microseconds;
}

/**
 * bn_model_get_load_time:
 * @model: a model
 *
 * Gets the load (or synthesis) time in microseconds, -1 if unknown.
 *
 * Returns: the load (or synthesis) time in microseconds, -1 if unknown.
 *
 * Since: 0.1
 */
gint64
bn_model_get_load_time (BnModel *model)
{
  g_return_val_if_fail (BN_IS_MODEL (model), -1);
  return model->load_time_us;
}

/**
 * bn_model_describe:
 * @model: a model
 *
 * Summarizes the model in one paragraph for people (`bn-launch -v`).
 *
 * Returns: (transfer full): the text.
 *
 * Since: 0.1
 */
char *
bn_model_describe (BnModel *model)
{
  g_return_val_if_fail (BN_IS_MODEL (model), NULL);
  GString *s = g_string_new (NULL);
  g_autoptr (GHashTable) types = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < model->tensors->len; i++) {
    BnGgufType t = ((Entry *) model->tensors->pdata[i])->t.type;
    g_hash_table_insert (types, GINT_TO_POINTER (t),
                         GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (types, GINT_TO_POINTER (t))) + 1));
  }
  g_autofree char *size = g_format_size (bn_model_get_tensor_bytes (model));
  g_string_append_printf (s, "%s, %.3f G parameters (%.3f G ternary, %s weights), %s of tensors",
                          model->arch_name ? model->arch_name : "?", bn_model_get_n_params (model) / 1e9,
                          bn_model_get_n_ternary_params (model) / 1e9, bn_model_get_weight_format (model), size);
  if (model->have_config)
    g_string_append_printf (s,
                            "; %u layers, hidden %u, ffn %u, heads %u/%u, vocab %u, ctx %u, "
                            "rope %g, %s",
                            model->config.n_layer, model->config.n_embd, model->config.n_ff, model->config.n_head,
                            model->config.n_head_kv, model->config.n_vocab, model->config.n_ctx,
                            model->config.rope_theta, model->config.ffn_act == BN_FFN_ACT_SILU ? "silu" : "relu2");
  g_string_append (s, "; tensor types:");
  for (int t = 0; t < 0x200; t++) {
    guint n = GPOINTER_TO_UINT (g_hash_table_lookup (types, GINT_TO_POINTER (t)));
    if (n)
      g_string_append_printf (s, " %u %s", n, bn_gguf_type_name (t));
  }
  g_string_append_printf (s, "; fingerprint %s", bn_model_get_fingerprint (model));
  if (model->path) {
    g_autofree char *fs = g_format_size (model->file_size);
    g_autofree char *ms = g_format_size (model->mapped_bytes);
    g_string_append_printf (s, "; file %s (%s, %s mapped)", model->path, fs, ms);
  }
  if (model->load_time_us >= 0)
    g_string_append_printf (s, "; load time %.3f ms", model->load_time_us / 1000.0);
  return g_string_free (s, FALSE);
}

/**
 * bn_model_set_kernel_weight:
 * @model: an unsealed model
 * @layer: a block index
 * @name: the layer name, e.g. `attn_q`
 * @ternary: a `BnTernary` (kernels/bn-ktypes.h) describing the weights in
 *   a kernel format; the struct is copied
 * @owner: (nullable): keeps the packed data alive; a reference is taken
 *
 * Attaches the kernel-ready form of a ternary layer, as made by the
 * `quantizer` element. The GGUF tensor stays as it was.
 *
 * Returns: %TRUE.
 *
 * Since: 0.1
 */
gboolean
bn_model_set_kernel_weight (BnModel *model, guint layer, const char *name, gconstpointer ternary, GBytes *owner)
{
  g_return_val_if_fail (BN_IS_MODEL (model), FALSE);
  g_return_val_if_fail (!bn_item_is_sealed (BN_ITEM (model)), FALSE);
  g_return_val_if_fail (ternary != NULL, FALSE);
  KernelWeight *k = g_new0 (KernelWeight, 1);
  memcpy (&k->ternary, ternary, sizeof k->ternary);
  k->owner = owner ? g_bytes_ref (owner) : NULL;
  g_hash_table_replace (model->kernel_weights, g_strdup_printf ("%u/%s", layer, name), k);
  return TRUE;
}

/**
 * bn_model_get_kernel_weight:
 * @model: a model
 * @layer: a block index
 * @name: the layer name
 *
 * Gets the `BnTernary` attached with bn_model_set_kernel_weight(), or %NULL.
 *
 * Returns: (transfer none) (nullable): the `BnTernary` attached with
 *   bn_model_set_kernel_weight(), or %NULL.
 *
 * Since: 0.1
 */
gconstpointer
bn_model_get_kernel_weight (BnModel *model, guint layer, const char *name)
{
  g_return_val_if_fail (BN_IS_MODEL (model), NULL);
  char key[96];
  g_snprintf (key, sizeof key, "%u/%s", layer, name);
  KernelWeight *k = g_hash_table_lookup (model->kernel_weights, key);
  return k ? &k->ternary : NULL;
}

/**
 * bn_model_set_annotation:
 * @model: an unsealed model
 * @key: a name, e.g. `quantizer-accuracy`
 * @value: a value; a floating reference is sunk
 *
 * Attaches a result about the model (e.g. the quantizer's accuracy) so
 * that receipts downstream can report it.
 *
 * Since: 0.1
 */
void
bn_model_set_annotation (BnModel *model, const char *key, GVariant *value)
{
  g_return_if_fail (BN_IS_MODEL (model));
  BN_ITEM_CHECK_WRITABLE (model);
  g_hash_table_replace (model->annotations, g_strdup (key), g_variant_ref_sink (value));
}

/**
 * bn_model_get_annotation:
 * @model: a model
 * @key: a name
 *
 * Gets the annotation, or %NULL.
 *
 * Returns: (transfer none) (nullable): the annotation, or %NULL.
 *
 * Since: 0.1
 */
GVariant *
bn_model_get_annotation (BnModel *model, const char *key)
{
  g_return_val_if_fail (BN_IS_MODEL (model), NULL);
  return g_hash_table_lookup (model->annotations, key);
}

static const char **
string_array (const BnGgufValue *v, gsize *n)
{
  *n = v ? bn_gguf_value_get_n_elements (v) : 0;
  const char **out = g_new0 (const char *, *n + 1);
  for (gsize i = 0; i < *n; i++)
    out[i] = bn_gguf_value_get_array_string (v, i, NULL);
  return out;
}

/**
 * bn_model_new_tokenizer:
 * @model: a model
 * @error: return location for a #GError
 *
 * Builds the tokenizer described by the model's `tokenizer.ggml.*`
 * metadata.
 *
 * Returns: (transfer full) (nullable): a #BnTokenizer, or %NULL with @error
 *   set when the model has no usable vocabulary.
 *
 * Since: 0.1
 */
BnTokenizer *
bn_model_new_tokenizer (BnModel *model, GError **error)
{
  g_return_val_if_fail (BN_IS_MODEL (model), NULL);
  const BnGgufValue *mv = bn_model_get_metadata (model, "tokenizer.ggml.model");
  const BnGgufValue *pv = bn_model_get_metadata (model, "tokenizer.ggml.pre");
  const BnGgufValue *tv = bn_model_get_metadata (model, "tokenizer.ggml.tokens");
  const BnGgufValue *yv = bn_model_get_metadata (model, "tokenizer.ggml.token_type");
  const BnGgufValue *gv = bn_model_get_metadata (model, "tokenizer.ggml.merges");
  const char *kind =
      mv && bn_gguf_value_get_value_type (mv) == BN_GGUF_VALUE_STRING ? bn_gguf_value_get_string (mv, NULL) : "none";
  const char *pre =
      pv && bn_gguf_value_get_value_type (pv) == BN_GGUF_VALUE_STRING ? bn_gguf_value_get_string (pv, NULL) : NULL;
  gsize n_tokens = 0, n_merges = 0;
  if ((tv && bn_gguf_value_get_element_type (tv) != BN_GGUF_VALUE_STRING)
      || (gv && bn_gguf_value_get_element_type (gv) != BN_GGUF_VALUE_STRING)) {
    g_set_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_INCONSISTENT,
                 _("tokenizer.ggml.tokens and tokenizer.ggml.merges must be arrays of strings"));
    return NULL;
  }
  g_autofree const char **tokens = string_array (tv, &n_tokens);
  g_autofree const char **merges = string_array (gv, &n_merges);
  g_autofree gint32 *types = NULL;
  if (yv && bn_gguf_value_get_n_elements (yv) == n_tokens) {
    types = g_new (gint32, n_tokens);
    for (gsize i = 0; i < n_tokens; i++)
      types[i] = (gint32) bn_gguf_value_get_array_int (yv, i);
  }
  guint32 bos = 0, eos = 0;
  gboolean has_bos = meta_uint (model, "tokenizer.ggml.bos_token_id", FALSE, G_MAXUINT32, &bos, NULL);
  gboolean has_eos = meta_uint (model, "tokenizer.ggml.eos_token_id", FALSE, G_MAXUINT32, &eos, NULL);
  return bn_tokenizer_new (kind, pre, tokens, n_tokens, types, merges, n_merges,
                           has_bos && bos != G_MAXUINT32 ? (gint32) bos : -1,
                           has_eos && eos != G_MAXUINT32 ? (gint32) eos : -1, error);
}

/**
 * bn_model_write_gguf:
 * @model: a model
 * @path: where to write
 * @error: return location for a #GError
 *
 * Writes the metadata and tensors as a GGUF v3 file, atomically: the file
 * appears complete or not at all.
 *
 * Returns: %TRUE on success.
 *
 * Since: 0.1
 */
gboolean
bn_model_write_gguf (BnModel *model, const char *path, GError **error)
{
  g_return_val_if_fail (BN_IS_MODEL (model), FALSE);
  guint32 alignment = 32;
  const BnGgufValue *av = bn_model_get_metadata (model, "general.alignment");
  if (av && bn_gguf_value_get_value_type (av) == BN_GGUF_VALUE_UINT32)
    alignment = (guint32) bn_gguf_value_get_uint (av);
  g_autoptr (BnGgufBuilder) b = bn_gguf_builder_new (3, alignment);
  for (guint i = 0; i < model->kvs->len; i++) {
    Kv *kv = model->kvs->pdata[i];
    if (!bn_gguf_builder_add_value (b, kv->key, bn_gguf_value_copy (kv->value), error))
      return FALSE;
  }
  for (guint i = 0; i < model->tensors->len; i++) {
    const BnTensor *t = &((Entry *) model->tensors->pdata[i])->t;
    if (!bn_gguf_builder_add_tensor (b, t->name, t->type, t->n_dims, t->dims, t->data, t->size, error))
      return FALSE;
  }
  return bn_gguf_builder_write (b, path, error);
}
