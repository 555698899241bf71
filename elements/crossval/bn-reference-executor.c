/* gst-bitnet: reference-executor, runs the same model through llama.cpp
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-crossval-elements.h"
#include "bn-crossval-util.h"
#include "bn-llama-api.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/**
 * SECTION:element-reference-executor
 * @title: reference-executor
 *
 * Runs the GGUF file of the model it receives through llama.cpp's C API,
 * loaded at run time with dlopen() (no build-time dependency): the pinned
 * build that `make crossval-deps` fetches, or the user's own with
 * #BnReferenceExecutor:library. It mirrors kernel-executor: the same
 * prompt (text, ids, or the same synthetic prompt from the same seed),
 * thread count, greedy decoding, warm-up and timed iterations, and it
 * pushes the same `bench/run` records (docs/schemas/bench-run.md) with
 * `backend` `llama.cpp`, the library's version, every latency sample,
 * the generated tokens and the SHA-256 of the logits at every step. With
 * #BnReferenceExecutor:keep-logits the first timed record carries the
 * logits themselves, for `crossval`.
 *
 * The file comes from the model item (bn_model_get_path()), else
 * #BnReferenceExecutor:location, else `BITNET_GGUF`; a model that exists
 * only in memory is written to a temporary file first. Before llama.cpp
 * sees it the file is checked: llama.cpp runs the `bitnet` architecture
 * (SiLU FFN) with TQ1_0/TQ2_0/F16/F32 weights; `bitnet-b1.58` and the
 * bitnet.cpp types I2_S, TL1, TL2 are refused with the reason.
 *
 * |[
 * bn-launch fixture-src arch=bitnet weights=tq2_0 location=/tmp/t.gguf ! reference-executor threads=1 ! summary-sink
 * ]|
 */

enum { PROP_0, PROP_LIBRARY, PROP_LOCATION, PROP_FLASH_ATTN, N_PROPS };

typedef enum { FA_AUTO = -1, FA_DISABLED = 0, FA_ENABLED = 1 } FlashAttn;

static GType
flash_attn_get_type (void)
{
  static gsize id;
  static const GEnumValue v[] = {
    { FA_AUTO, "llama.cpp's default (auto: on where the backend supports it)", "auto" },
    { FA_DISABLED, "off: attention in f32 through separate KQ, softmax, KQV", "disabled" },
    { FA_ENABLED, "on: fused flash attention", "enabled" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, g_enum_register_static ("BnReferenceFlashAttn", v));
  return id;
}
static GParamSpec *props[N_PROPS];

struct _BnReferenceExecutor {
  BnBaseExecutor parent_instance;
  char *library, *location;
  FlashAttn flash_attn;
  const BnLlamaApi *api;
  /* while a model is run: the file, our view of it, llama.cpp's model and context */
  char *path, *tmp;
  BnGguf *gguf;
  BnModel *ours;
  void *model, *ctx;
  const void *vocab;
  gboolean has_vocab;
  double load_ms, kv_mb;
};

G_DEFINE_FINAL_TYPE (BnReferenceExecutor, bn_reference_executor, BN_TYPE_BASE_EXECUTOR)

static void
bn_reference_executor_finalize (GObject *object)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (object);
  g_free (self->library);
  g_free (self->location);
  G_OBJECT_CLASS (bn_reference_executor_parent_class)->finalize (object);
}

static void
bn_reference_executor_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (object);
  switch (id) {
  case PROP_LIBRARY: g_value_set_string (value, self->library); break;
  case PROP_LOCATION: g_value_set_string (value, self->location); break;
  case PROP_FLASH_ATTN: g_value_set_enum (value, self->flash_attn); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_reference_executor_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (object);
  switch (id) {
  case PROP_LIBRARY:
    g_free (self->library);
    self->library = g_value_dup_string (value);
    break;
  case PROP_LOCATION:
    g_free (self->location);
    self->location = g_value_dup_string (value);
    break;
  case PROP_FLASH_ATTN: self->flash_attn = g_value_get_enum (value); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static gboolean
bn_reference_executor_start (BnElement *element, GError **error)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (element);
  if (!BN_ELEMENT_CLASS (bn_reference_executor_parent_class)->start (element, error))
    return FALSE;
  /* opened now, so a missing library fails before any model is made */
  self->api = bn_llama_api_get (self->library, error);
  if (!self->api)
    return FALSE;
  if (self->flash_attn != FA_AUTO && !self->api->pinned_layout) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("flash-attn=%s needs the layout of llama_context_params of node-llama-cpp %s, and %s "
                    "(%s) has another one: leave flash-attn=auto"),
                 self->flash_attn == FA_ENABLED ? "enabled" : "disabled", BN_LLAMA_CPP_PIN, self->api->path,
                 self->api->version);
    return FALSE;
  }
  return TRUE;
}

/* The file llama.cpp should read for @model; *tmp is set when it had to be
 * written out. */
static char *
model_file (BnReferenceExecutor *self, BnModel *model, char **tmp, GError **error)
{
  const char *p = bn_model_get_path (model);
  if (p && g_file_test (p, G_FILE_TEST_IS_REGULAR))
    return g_strdup (p);
  if (self->location && *self->location)
    return g_strdup (self->location);
  const char *env = g_getenv ("BITNET_GGUF");
  if (env && *env)
    return g_strdup (env);
  /* a model that exists only in memory (fixture-src without location) */
  int fd = g_file_open_tmp ("bn-reference-XXXXXX.gguf", tmp, error);
  if (fd < 0)
    return NULL;
  close (fd);
  if (!bn_model_write_gguf (model, *tmp, error)) {
    g_unlink (*tmp);
    g_clear_pointer (tmp, g_free);
    return NULL;
  }
  return g_strdup (*tmp);
}

/* What llama.cpp cannot run, said before it tries (its own message for an
 * unknown tensor type is an assertion deep in the loader). */
static gboolean
check_file (const char *path, BnGguf *gguf, GError **error)
{
  const char *arch = bn_gguf_get_architecture (gguf);
  if (arch && (!strcmp (arch, "bitnet-b1.58") || !strcmp (arch, "bitnet-25"))) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("%s has architecture %s (bitnet.cpp's BitNet b1.58 with a ReLU^2 FFN): llama.cpp "
                    "only runs the `bitnet` architecture (SiLU FFN), so it cannot be the reference for "
                    "this model; cross-validate a model made with arch=bitnet "
                    "(fixture-src arch=bitnet weights=tq2_0)"),
                 path, arch);
    return FALSE;
  }
  for (gsize i = 0; i < bn_gguf_get_n_tensors (gguf); i++) {
    const BnGgufTensorInfo *t = bn_gguf_get_tensor (gguf, i);
    switch ((int) t->type) {
    case BN_GGUF_TYPE_I2_S:
    case BN_GGUF_TYPE_I8_S:
    case BN_GGUF_TYPE_TL1:
    case BN_GGUF_TYPE_TL2:
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                   _("%s: tensor %s is %s, a type of the bitnet.cpp fork that llama.cpp cannot read "
                      "(its type id %u means something else upstream); convert the model to TQ2_0 or "
                      "TQ1_0 first: loader location=%s ! quantizer format=tq2_0 ! model-sink location=..."),
                   path, t->name, bn_gguf_type_name (t->type), t->type_id, path);
      return FALSE;
    default: break;
    }
  }
  return TRUE;
}

static void
memory_clear (const BnLlamaApi *api, void *ctx)
{
  if (api->get_memory && api->memory_clear)
    api->memory_clear (api->get_memory (ctx), TRUE);
  else
    api->kv_self_clear (ctx);
}

/* Opens the file, checks what llama.cpp cannot run, and loads it. */
static gboolean
bn_reference_executor_load (BnBaseExecutor *base, BnModel *item, GError **error)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (base);
  const BnLlamaApi *api = self->api;
  g_autoptr (GError) local = NULL;
  self->path = model_file (self, item, &self->tmp, &local);
  if (!self->path) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot write the model to a file for llama.cpp: %s"),
                 local->message);
    return FALSE;
  }
  self->gguf = bn_gguf_open (self->path, &local);
  if (!self->gguf) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot read %s: %s"), self->path, local->message);
    return FALSE;
  }
  if (!check_file (self->path, self->gguf, error))
    return FALSE;
  /* our own view of the file, for its fingerprint and shape */
  self->ours = bn_model_new_from_gguf (self->gguf, NULL);

  g_autoptr (GString) log = g_string_new (NULL);
  bn_llama_capture_begin (log);
  gint64 t0 = g_get_monotonic_time ();
  self->model = api->model_load_from_file (self->path, api->model_default_params ());
  self->load_ms = (g_get_monotonic_time () - t0) / 1000.0;
  bn_llama_capture_end ();
  if (!self->model) {
    g_strstrip (log->str);
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("llama.cpp (%s) cannot load %s: %s"), api->version,
                 self->path, log->len ? log->str : _("no reason given"));
    return FALSE;
  }
  self->vocab = api->model_get_vocab (self->model);
  int nv = self->vocab ? api->vocab_n_tokens (self->vocab) : 0;
  self->has_vocab = nv > 0;
  if (nv > 0)
    bn_base_executor_set_n_vocab (base, (guint) nv);
  return TRUE;
}

/* A text prompt through llama.cpp's own tokenizer (crossval compares the two). */
static gboolean
bn_reference_executor_tokenize (BnBaseExecutor *base, const char *text, GArray *ids, GError **error)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (base);
  const BnLlamaApi *api = self->api;
  int len = (int) strlen (text);
  int n = -1;
  if (self->has_vocab) {
    g_array_set_size (ids, len + 8);
    n = api->tokenize (self->vocab, text, len, (int32_t *) ids->data, (int32_t) ids->len, TRUE, FALSE);
    if (n < 0) {
      g_array_set_size (ids, -n);
      n = api->tokenize (self->vocab, text, len, (int32_t *) ids->data, (int32_t) ids->len, TRUE, FALSE);
    }
  }
  if (n <= 0) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("llama.cpp could not tokenize the prompt (the model has no vocabulary?); use "
                    "prompt-tokens or n-prompt"));
    return FALSE;
  }
  g_array_set_size (ids, n);
  return TRUE;
}

static gboolean
bn_reference_executor_prepare (BnBaseExecutor *base, guint n_ctx, guint n_threads, guint n_prompt, GError **error)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (base);
  const BnLlamaApi *api = self->api;
  BnModel *desc = self->ours ? self->ours : bn_base_executor_get_model (base);
  const BnModelConfig *cfg = bn_model_get_config (desc);
  BnLlamaContextParams cp = api->context_default_params ();
  cp.head.n_ctx = n_ctx;
  cp.head.n_batch = MAX (n_prompt, 1); /* the prompt in one batched pass, like ours */
  cp.head.n_ubatch = MAX (n_prompt, 1);
  if (self->flash_attn != FA_AUTO) { /* checked in start: the pinned layout */
    gint32 fa = self->flash_attn;
    memcpy (cp.bytes + BN_LLAMA_CTX_OFF_FLASH_ATTN, &fa, sizeof fa);
  }
  g_autoptr (GString) log = g_string_new (NULL);
  bn_llama_capture_begin (log);
  self->ctx = api->init_from_model (self->model, cp);
  bn_llama_capture_end ();
  if (!self->ctx) {
    g_strstrip (log->str);
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                 _("llama.cpp cannot make a context of %u positions for %s: %s"), n_ctx, self->path,
                 log->len ? log->str : _("no reason given"));
    return FALSE;
  }
  api->set_n_threads (self->ctx, (int32_t) n_threads, (int32_t) n_threads);
  /* keys and values in f16, llama.cpp's default (and kernel-executor's) */
  self->kv_mb = 2.0 * cfg->n_layer * n_ctx * cfg->n_head_kv * cfg->head_dim * 2 / 1048576.0;
  return TRUE;
}

static void
bn_reference_executor_reset (BnBaseExecutor *base)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (base);
  memory_clear (self->api, self->ctx);
}

static gboolean
eval (BnReferenceExecutor *self, gint32 *tokens, guint n, float *logits, GError **error)
{
  const BnLlamaApi *api = self->api;
  int rc = api->decode (self->ctx, api->batch_get_one (tokens, (int32_t) n));
  if (rc != 0) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED, _("llama_decode of %u tokens failed (%d)"), n, rc);
    return FALSE;
  }
  if (api->synchronize)
    api->synchronize (self->ctx);
  const float *l = api->get_logits_ith (self->ctx, -1);
  if (!l) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED, _("llama.cpp returned no logits"));
    return FALSE;
  }
  memcpy (logits, l, bn_base_executor_get_n_vocab (BN_BASE_EXECUTOR (self)) * sizeof (float));
  return TRUE;
}

static gboolean
bn_reference_executor_prefill (BnBaseExecutor *base, gint32 *tokens, guint n, float *logits, GError **error)
{
  return eval (BN_REFERENCE_EXECUTOR (base), tokens, n, logits, error);
}

static gboolean
bn_reference_executor_decode (BnBaseExecutor *base, gint32 token, float *logits, GError **error)
{
  return eval (BN_REFERENCE_EXECUTOR (base), &token, 1, logits, error);
}

static char *
bn_reference_executor_detokenize (BnBaseExecutor *base, const gint32 *ids, guint n)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (base);
  if (!self->has_vocab)
    return NULL;
  GString *s = g_string_new (NULL);
  char buf[256];
  for (guint i = 0; i < n; i++) {
    int len = self->api->token_to_piece (self->vocab, ids[i], buf, sizeof buf, 0, FALSE);
    if (len > 0)
      g_string_append_len (s, buf, len);
  }
  if (!g_utf8_validate (s->str, s->len, NULL)) {
    g_autofree char *valid = g_utf8_make_valid (s->str, s->len);
    g_string_assign (s, valid);
  }
  return g_string_free (s, FALSE);
}

static void
bn_reference_executor_describe (BnBaseExecutor *base, BnRecord *run)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (base);
  const BnLlamaApi *api = self->api;
  BnModel *desc = self->ours ? self->ours : bn_base_executor_get_model (base);
  const char *arch = bn_gguf_get_architecture (self->gguf);
  bn_run_record_set_string (run, BN_RUN_FIELD_BACKEND, "llama.cpp");
  bn_run_record_set_string (run, BN_RUN_FIELD_BACKEND_VERSION, api->version);
  bn_run_record_set_double (run, BN_RUN_FIELD_KV_CACHE_MB, self->kv_mb);
  bn_run_record_set_double (run, BN_RUN_FIELD_MODEL_LOAD_TIME_MS, self->load_ms);
  bn_run_record_set_double (run, BN_RUN_FIELD_MODEL_MAPPED_MB, bn_gguf_get_file_size (self->gguf) / 1048576.0);
  /* every tensor is read once per token; the tied embedding is the head */
  bn_run_record_set_double (run, BN_RUN_FIELD_BYTES_PER_TOKEN, (double) bn_gguf_get_data_size (self->gguf));
  bn_run_record_set_string (run, BN_RUN_FIELD_MODEL_FINGERPRINT, bn_model_get_fingerprint (desc));
  bn_run_record_set_string (run, BN_RUN_FIELD_MODEL_ARCHITECTURE, arch);
  bn_run_record_set_string (run, BN_RUN_FIELD_WEIGHT_FORMAT, bn_model_get_weight_format (desc));
  bn_run_record_set_string (run, BN_RUN_FIELD_MODEL_PATH, self->path);
  /* llama.cpp's `bitnet` graph: silu(gate) * up (src/models/bitnet.cpp) */
  bn_run_record_set_string (run, BN_RUN_FIELD_FFN_ACTIVATION, !g_strcmp0 (arch, "bitnet") ? "silu" : "unknown");
  JsonArray *kernels = json_array_new ();
  g_autofree char *k = g_strdup_printf ("llama.cpp:%s", api->cpu_backend ? api->cpu_backend : "cpu");
  json_array_add_string_element (kernels, k);
  bn_run_record_take_array (run, BN_RUN_FIELD_KERNELS, kernels);
  JsonObject *lib = json_object_new ();
  json_object_set_string_member (lib, "library", api->path);
  json_object_set_string_member (lib, "version", api->version);
  if (api->commit)
    json_object_set_string_member (lib, "commit", api->commit);
  json_object_set_string_member (lib, "system_info", api->system_info);
  if (api->cpu_backend)
    json_object_set_string_member (lib, "cpu_backend", api->cpu_backend);
  json_object_set_string_member (lib, "flash_attn",
                                 self->flash_attn == FA_AUTO      ? "auto"
                                 : self->flash_attn == FA_ENABLED ? "enabled"
                                                                  : "disabled");
  bn_run_record_take_object (run, BN_RUN_FIELD_LLAMA_CPP, lib);
}

static void
bn_reference_executor_unload (BnBaseExecutor *base)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (base);
  if (self->ctx)
    self->api->free (self->ctx);
  if (self->model)
    self->api->model_free (self->model);
  self->ctx = self->model = NULL;
  self->vocab = NULL;
  if (self->tmp)
    g_unlink (self->tmp);
  g_clear_pointer (&self->tmp, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_object (&self->ours);
  g_clear_pointer (&self->gguf, bn_gguf_unref);
}

static void
bn_reference_executor_class_init (BnReferenceExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  BnBaseExecutorClass *executor_class = BN_BASE_EXECUTOR_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bn_reference_executor_finalize;
  object_class->get_property = bn_reference_executor_get_property;
  object_class->set_property = bn_reference_executor_set_property;
  element_class->start = bn_reference_executor_start;
  executor_class->load = bn_reference_executor_load;
  executor_class->tokenize = bn_reference_executor_tokenize;
  executor_class->prepare = bn_reference_executor_prepare;
  executor_class->reset = bn_reference_executor_reset;
  executor_class->prefill = bn_reference_executor_prefill;
  executor_class->decode = bn_reference_executor_decode;
  executor_class->detokenize = bn_reference_executor_detokenize;
  executor_class->describe = bn_reference_executor_describe;
  executor_class->unload = bn_reference_executor_unload;

  props[PROP_LIBRARY] = g_param_spec_string ("library", "Library",
                                             "libllama.so to load (default: the build `make crossval-deps` "
                                             "fetched, in $BN_LLAMA_CPP_DIR or "
                                             "~/.cache/gst-bitnet/llama.cpp/" BN_LLAMA_CPP_PIN "/lib)",
                                             NULL, rw);
  props[PROP_LOCATION] = g_param_spec_string ("location", "Location",
                                              "GGUF file to run when the model item has no file "
                                              "(default: $BITNET_GGUF, else the item written to a "
                                              "temporary file)",
                                              NULL, rw);
  props[PROP_FLASH_ATTN] = g_param_spec_enum ("flash-attn", "Flash attention",
                                              "llama.cpp's attention path (other than auto only with the "
                                              "pinned build, whose parameter layout is known)",
                                              flash_attn_get_type (), FA_AUTO, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Reference executor (llama.cpp)", "Transform",
                                 "Runs the model's GGUF file through llama.cpp (loaded at run time) and "
                                 "emits run records like kernel-executor's",
                                 "gst-bitnet developers");
}

static void
bn_reference_executor_init (BnReferenceExecutor *self)
{
  self->flash_attn = FA_AUTO;
}
