/* gst-bitnet: reference-executor, runs the same model through llama.cpp
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-crossval-elements.h"
#include "bn-crossval-util.h"
#include "bn-llama-client.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/**
 * SECTION:element-reference-executor
 * @title: reference-executor
 *
 * Runs the GGUF file of the model it receives through llama.cpp's C API,
 * loaded at run time with dlopen() (no build-time dependency) by a worker
 * process, bn-llama-worker, so that an assertion or a crash inside
 * llama.cpp is an error of this element instead of the end of the
 * pipeline: the pinned build that `make crossval-deps` fetches, or the
 * user's own with #BnReferenceExecutor:library. The times of prefill and
 * decode are measured in the worker around the llama.cpp calls, so the
 * transfer of the logits between the processes is not counted. A model
 * without a vocabulary (`tokenizer.ggml.model` `none`) runs on token ids.
 * It mirrors kernel-executor: the same
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
  BnLlamaClient *llama; /* the worker, from start to stop */
  /* while a model is run: the file, our view of it, what llama.cpp said of it */
  char *path, *tmp;
  BnGguf *gguf;
  BnModel *ours;
  gboolean has_vocab;
  gint32 vocab_override; /* <arch>.vocab_size given to llama.cpp for a file without a vocabulary, else 0 */
  guint n_ctx, n_batch;
  double load_ms, kv_mb;
  double cpu0_s;   /* the worker's CPU time at the start of the iteration */
  GError *pending; /* an error of reset, reported by the next call */
};

G_DEFINE_FINAL_TYPE (BnReferenceExecutor, bn_reference_executor, BN_TYPE_BASE_EXECUTOR)

static void
bn_reference_executor_finalize (GObject *object)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (object);
  g_free (self->library);
  g_free (self->location);
  g_clear_pointer (&self->llama, bn_llama_client_free);
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
pinned_layout (BnReferenceExecutor *self)
{
  return !g_strcmp0 (bn_llama_client_get (self->llama, "pinned_layout"), "1");
}

static const char *
fact (BnReferenceExecutor *self, const char *key)
{
  const char *v = bn_llama_client_get (self->llama, key);
  return v ? v : "";
}

static gboolean
bn_reference_executor_start (BnElement *element, GError **error)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (element);
  if (!BN_ELEMENT_CLASS (bn_reference_executor_parent_class)->start (element, error))
    return FALSE;
  /* started now, so a missing library fails before any model is made */
  g_clear_pointer (&self->llama, bn_llama_client_free);
  self->llama = bn_llama_client_new (self->library, bn_element_get_cancellable (element), error);
  if (!self->llama)
    return FALSE;
  if (self->flash_attn != FA_AUTO && !pinned_layout (self)) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("flash-attn=%s needs the layout of llama_context_params of node-llama-cpp %s, and %s "
                    "(%s) has another one: leave flash-attn=auto"),
                 self->flash_attn == FA_ENABLED ? "enabled" : "disabled", BN_LLAMA_CPP_PIN, fact (self, "path"),
                 fact (self, "version"));
    return FALSE;
  }
  return TRUE;
}

static void
bn_reference_executor_stop (BnElement *element)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (element);
  g_clear_pointer (&self->llama, bn_llama_client_free);
  if (BN_ELEMENT_CLASS (bn_reference_executor_parent_class)->stop)
    BN_ELEMENT_CLASS (bn_reference_executor_parent_class)->stop (element);
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

/* A file without a vocabulary (`tokenizer.ggml.model` none or no_vocab)
 * runs on token ids. llama.cpp then sizes its logits by `<arch>.vocab_size`
 * and, without that key, has none (llama_decode asserts): the key is given
 * through llama.cpp's metadata overrides, from the output's shape. */
static gboolean
vocab_override (BnReferenceExecutor *self, GError **error)
{
  const char *tok = bn_gguf_has_key (self->gguf, "tokenizer.ggml.model")
                        ? bn_gguf_get_string (self->gguf, "tokenizer.ggml.model", NULL)
                        : NULL;
  const char *arch = bn_gguf_get_architecture (self->gguf);
  self->vocab_override = 0;
  if (!tok || (strcmp (tok, "none") && strcmp (tok, "no_vocab")) || !arch)
    return TRUE;
  g_autofree char *key = g_strdup_printf ("%s.vocab_size", arch);
  if (bn_gguf_has_key (self->gguf, key))
    return TRUE;
  if (!pinned_layout (self)) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("%s has no vocabulary (tokenizer.ggml.model %s) and no %s: llama.cpp cannot size its logits, "
                    "and %s (%s) is not the pinned build whose parameters can supply it; add %s to the file"),
                 self->path, tok, key, fact (self, "path"), fact (self, "version"), key);
    return FALSE;
  }
  self->vocab_override = (gint32) bn_model_get_config (self->ours)->n_vocab;
  return TRUE;
}

static GBytes *
call (BnReferenceExecutor *self, BnLlamaOp op, const void *payload, gsize len, GError **error)
{
  return bn_llama_client_call (self->llama, op, payload, len, error);
}

/* Opens the file, checks what llama.cpp cannot run, and loads it. */
static gboolean
bn_reference_executor_load (BnBaseExecutor *base, BnModel *item, GError **error)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (base);
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

  if (!vocab_override (self, error))
    return FALSE;

  g_autofree char *arch_key = g_strdup_printf ("%s.vocab_size", bn_gguf_get_architecture (self->gguf));
  g_autoptr (GByteArray) req = g_byte_array_new ();
  g_byte_array_append (req, (const guint8 *) &self->vocab_override, 4);
  g_byte_array_append (req, (const guint8 *) arch_key, strlen (arch_key) + 1);
  g_byte_array_append (req, (const guint8 *) self->path, strlen (self->path));
  g_autoptr (GBytes) reply = call (self, BN_LLAMA_OP_LOAD, req->data, req->len, &local);
  if (!reply || g_bytes_get_size (reply) != 16) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("llama.cpp (%s) cannot load %s: %s"),
                 fact (self, "version"), self->path, local ? local->message : _("a malformed reply"));
    return FALSE;
  }
  const guint8 *r = g_bytes_get_data (reply, NULL);
  gint32 nv, nl;
  memcpy (&nv, r, 4);
  memcpy (&nl, r + 4, 4);
  memcpy (&self->load_ms, r + 8, 8);
  self->has_vocab = nv > 0;
  if (nl > 0)
    bn_base_executor_set_n_vocab (base, (guint) nl);
  return TRUE;
}

/* A text prompt through llama.cpp's own tokenizer (crossval compares the two). */
static gboolean
bn_reference_executor_tokenize (BnBaseExecutor *base, const char *text, GArray *ids, GError **error)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (base);
  g_autoptr (GBytes) reply = NULL;
  if (self->has_vocab)
    reply = call (self, BN_LLAMA_OP_TOKENIZE, text, strlen (text), NULL);
  if (!reply || g_bytes_get_size (reply) < 4) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("llama.cpp could not tokenize the prompt (the model has no vocabulary?); use "
                    "prompt-tokens or n-prompt"));
    return FALSE;
  }
  gsize n;
  const gint32 *v = g_bytes_get_data (reply, &n);
  g_array_set_size (ids, 0);
  g_array_append_vals (ids, v, (guint) (n / 4));
  return TRUE;
}

static gboolean
bn_reference_executor_prepare (BnBaseExecutor *base, guint n_ctx, guint n_threads, guint n_prompt, GError **error)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (base);
  BnModel *desc = self->ours ? self->ours : bn_base_executor_get_model (base);
  const BnModelConfig *cfg = bn_model_get_config (desc);
  /* the prompt in one batched pass, like ours; flash-attn other than auto
   * only with the pinned layout (checked in start) */
  self->n_ctx = n_ctx;
  self->n_batch = MAX (n_prompt, 1);
  gint32 req[5] = { (gint32) n_ctx, (gint32) self->n_batch, (gint32) self->n_batch, (gint32) n_threads,
                    self->flash_attn };
  g_autoptr (GError) local = NULL;
  g_autoptr (GBytes) reply = call (self, BN_LLAMA_OP_CONTEXT, req, sizeof req, &local);
  if (!reply) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                 _("llama.cpp cannot make a context of %u positions for %s: %s"), n_ctx, self->path, local->message);
    return FALSE;
  }
  /* keys and values in f16, llama.cpp's default (and kernel-executor's) */
  self->kv_mb = 2.0 * cfg->n_layer * n_ctx * cfg->n_head_kv * cfg->head_dim * 2 / 1048576.0;
  return TRUE;
}

/* the worker's CPU seconds, resident and peak resident MB; FALSE when it
 * is gone */
static gboolean
usage (BnReferenceExecutor *self, double v[3], GError **error)
{
  g_autoptr (GBytes) reply = call (self, BN_LLAMA_OP_USAGE, NULL, 0, error);
  if (!reply)
    return FALSE;
  if (g_bytes_get_size (reply) != 3 * sizeof (double)) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED, _("The llama.cpp worker sent a malformed reply"));
    return FALSE;
  }
  memcpy (v, g_bytes_get_data (reply, NULL), 3 * sizeof (double));
  return TRUE;
}

static void
bn_reference_executor_reset (BnBaseExecutor *base)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (base);
  double v[3] = { 0 };
  g_autoptr (GBytes) reply = NULL;
  if (!self->pending && usage (self, v, &self->pending))
    reply = call (self, BN_LLAMA_OP_CLEAR, NULL, 0, &self->pending);
  self->cpu0_s = v[0];
}

/* One batch through the worker, its logits into @logits; the time of the
 * step is the worker's time of the llama.cpp calls. */
static gboolean
eval (BnReferenceExecutor *self, gint32 *tokens, guint n, float *logits, GError **error)
{
  if (self->pending) {
    g_propagate_error (error, g_steal_pointer (&self->pending));
    return FALSE;
  }
  if (n == 0) {
    /* llama.cpp asserts on an empty batch (the worker would die of it) */
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED, _("No tokens to evaluate"));
    return FALSE;
  }
  guint n_vocab = bn_base_executor_get_n_vocab (BN_BASE_EXECUTOR (self));
  for (guint i = 0; i < n; i++)
    if (tokens[i] < 0 || (guint) tokens[i] >= n_vocab) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED,
                   _("Token %d (at index %u) is outside the vocabulary of %u tokens"), tokens[i], i, n_vocab);
      return FALSE;
    }
  g_autoptr (GBytes) reply = call (self, BN_LLAMA_OP_EVAL, tokens, n * sizeof (gint32), error);
  if (!reply)
    return FALSE;
  gsize len;
  const guint8 *r = g_bytes_get_data (reply, &len);
  if (len != 8 + (gsize) n_vocab * sizeof (float)) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED, _("llama.cpp returned %zu logits where %u were expected"),
                 (size_t) (len >= 8 ? (len - 8) / sizeof (float) : 0), n_vocab);
    return FALSE;
  }
  gint64 ns;
  memcpy (&ns, r, 8);
  memcpy (logits, r + 8, n_vocab * sizeof (float));
  bn_base_executor_report_call_time (BN_BASE_EXECUTOR (self), ns);
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
  g_autoptr (GBytes) reply = call (self, BN_LLAMA_OP_DETOKENIZE, ids, n * sizeof (gint32), NULL);
  if (!reply)
    return NULL;
  gsize len;
  const char *text = g_bytes_get_data (reply, &len);
  return g_utf8_make_valid (text, (gssize) len);
}

static void
bn_reference_executor_describe (BnBaseExecutor *base, BnRecord *run)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (base);
  BnModel *desc = self->ours ? self->ours : bn_base_executor_get_model (base);
  const char *arch = bn_gguf_get_architecture (self->gguf);
  bn_run_record_set_string (run, BN_RUN_FIELD_BACKEND, "llama.cpp");
  bn_run_record_set_string (run, BN_RUN_FIELD_BACKEND_VERSION, fact (self, "version"));
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
  const char *cpu_backend = bn_llama_client_get (self->llama, "cpu_backend");
  g_autofree char *k = g_strdup_printf ("llama.cpp:%s", cpu_backend ? cpu_backend : "cpu");
  json_array_add_string_element (kernels, k);
  bn_run_record_take_array (run, BN_RUN_FIELD_KERNELS, kernels);
  JsonObject *lib = json_object_new ();
  json_object_set_string_member (lib, "library", fact (self, "path"));
  json_object_set_string_member (lib, "version", fact (self, "version"));
  if (bn_llama_client_get (self->llama, "commit"))
    json_object_set_string_member (lib, "commit", fact (self, "commit"));
  json_object_set_string_member (lib, "system_info", fact (self, "system_info"));
  if (cpu_backend)
    json_object_set_string_member (lib, "cpu_backend", cpu_backend);
  /* what a replay needs to run it again the same way */
  json_object_set_string_member (lib, "kv_type", "f16");
  json_object_set_int_member (lib, "n_ctx", self->n_ctx);
  json_object_set_int_member (lib, "n_batch", self->n_batch);
  json_object_set_int_member (lib, "n_ubatch", self->n_batch);
  if (self->vocab_override)
    json_object_set_int_member (lib, "vocab_size_override", self->vocab_override);
  json_object_set_string_member (lib, "timing", "worker");
  json_object_set_string_member (lib, "flash_attn",
                                 self->flash_attn == FA_AUTO      ? "auto"
                                 : self->flash_attn == FA_ENABLED ? "enabled"
                                                                  : "disabled");
  bn_run_record_take_object (run, BN_RUN_FIELD_LLAMA_CPP, lib);

  /* llama.cpp runs in the worker: its CPU time and memory are the
   * worker's, added to what the base class measured in this process */
  double v[3];
  if (usage (self, v, NULL)) {
    double total_ms = bn_run_record_get_double (run, BN_RUN_FIELD_TOTAL_TIME_MS, 0);
    double own_s = bn_run_record_get_double (run, BN_RUN_FIELD_CPU_UTILIZATION_PERCENT, 0) * total_ms / 1e5;
    if (total_ms > 0)
      bn_run_record_set_double (run, BN_RUN_FIELD_CPU_UTILIZATION_PERCENT,
                                100.0 * (own_s + v[0] - self->cpu0_s) / (total_ms / 1000.0));
    bn_run_record_set_double (run, BN_RUN_FIELD_MEMORY_USAGE_MB,
                              bn_run_record_get_double (run, BN_RUN_FIELD_MEMORY_USAGE_MB, 0) + v[1]);
    bn_run_record_set_double (run, BN_RUN_FIELD_PEAK_MEMORY_MB,
                              bn_run_record_get_double (run, BN_RUN_FIELD_PEAK_MEMORY_MB, 0) + v[2]);
  }
}

static void
bn_reference_executor_unload (BnBaseExecutor *base)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (base);
  g_autoptr (GBytes) reply = NULL;
  if (self->llama && !self->pending)
    reply = call (self, BN_LLAMA_OP_UNLOAD, NULL, 0, NULL);
  g_clear_error (&self->pending);
  self->has_vocab = FALSE;
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
  element_class->stop = bn_reference_executor_stop;
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
