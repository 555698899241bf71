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
#include <sys/resource.h>
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

enum {
  PROP_0,
  PROP_LIBRARY,
  PROP_LOCATION,
  PROP_THREADS,
  PROP_PROMPT,
  PROP_PROMPT_TOKENS,
  PROP_N_PROMPT,
  PROP_TOKENS,
  PROP_ITERATIONS,
  PROP_WARMUP,
  PROP_CTX_SIZE,
  PROP_SEED,
  PROP_KEEP_LOGITS,
  PROP_FLASH_ATTN,
  N_PROPS
};

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
  BnElement parent_instance;
  char *library, *location, *prompt;
  char **prompt_tokens;
  guint threads, n_prompt, tokens, iterations, warmup, ctx_size;
  guint64 seed;
  gboolean keep_logits;
  FlashAttn flash_attn;
  const BnLlamaApi *api;
};

G_DEFINE_FINAL_TYPE (BnReferenceExecutor, bn_reference_executor, BN_TYPE_ELEMENT)

static void
bn_reference_executor_finalize (GObject *object)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (object);
  g_free (self->library);
  g_free (self->location);
  g_free (self->prompt);
  g_strfreev (self->prompt_tokens);
  G_OBJECT_CLASS (bn_reference_executor_parent_class)->finalize (object);
}

static void
bn_reference_executor_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (object);
  switch (id) {
  case PROP_LIBRARY: g_value_set_string (value, self->library); break;
  case PROP_LOCATION: g_value_set_string (value, self->location); break;
  case PROP_THREADS: g_value_set_uint (value, self->threads); break;
  case PROP_PROMPT: g_value_set_string (value, self->prompt); break;
  case PROP_PROMPT_TOKENS: g_value_set_boxed (value, self->prompt_tokens); break;
  case PROP_N_PROMPT: g_value_set_uint (value, self->n_prompt); break;
  case PROP_TOKENS: g_value_set_uint (value, self->tokens); break;
  case PROP_ITERATIONS: g_value_set_uint (value, self->iterations); break;
  case PROP_WARMUP: g_value_set_uint (value, self->warmup); break;
  case PROP_CTX_SIZE: g_value_set_uint (value, self->ctx_size); break;
  case PROP_SEED: g_value_set_uint64 (value, self->seed); break;
  case PROP_KEEP_LOGITS: g_value_set_boolean (value, self->keep_logits); break;
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
  case PROP_THREADS: self->threads = g_value_get_uint (value); break;
  case PROP_PROMPT:
    g_free (self->prompt);
    self->prompt = g_value_dup_string (value);
    break;
  case PROP_PROMPT_TOKENS:
    g_strfreev (self->prompt_tokens);
    self->prompt_tokens = g_value_dup_boxed (value);
    break;
  case PROP_N_PROMPT: self->n_prompt = g_value_get_uint (value); break;
  case PROP_TOKENS: self->tokens = g_value_get_uint (value); break;
  case PROP_ITERATIONS: self->iterations = g_value_get_uint (value); break;
  case PROP_WARMUP: self->warmup = g_value_get_uint (value); break;
  case PROP_CTX_SIZE: self->ctx_size = g_value_get_uint (value); break;
  case PROP_SEED: self->seed = g_value_get_uint64 (value); break;
  case PROP_KEEP_LOGITS: self->keep_logits = g_value_get_boolean (value); break;
  case PROP_FLASH_ATTN: self->flash_attn = g_value_get_enum (value); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static gboolean
bn_reference_executor_start (BnElement *element, GError **error)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (element);
  if (self->prompt && self->prompt_tokens) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("Give either prompt (text) or prompt-tokens (ids), not both"));
    return FALSE;
  }
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

/* The prompt as token ids: the rules of kernel-executor, with llama.cpp's
 * own tokenizer for a text prompt (crossval compares the two). */
static gboolean
prompt_ids (BnReferenceExecutor *self, const void *vocab, guint n_vocab, GArray *ids, GError **error)
{
  const BnLlamaApi *api = self->api;
  if (self->prompt_tokens)
    return bn_token_ids_parse ((const char *const *) self->prompt_tokens, n_vocab, ids, error);
  if (self->prompt) {
    int len = (int) strlen (self->prompt);
    g_array_set_size (ids, len + 8);
    int n = api->tokenize (vocab, self->prompt, len, (int32_t *) ids->data, (int32_t) ids->len, TRUE, FALSE);
    if (n < 0) {
      g_array_set_size (ids, -n);
      n = api->tokenize (vocab, self->prompt, len, (int32_t *) ids->data, (int32_t) ids->len, TRUE, FALSE);
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
  bn_synthetic_prompt (self->seed, self->n_prompt, n_vocab, ids);
  return TRUE;
}

static gint32
argmax (const float *l, guint n)
{
  guint best = 0;
  for (guint i = 1; i < n; i++)
    if (l[i] > l[best])
      best = i;
  return (gint32) best;
}

typedef struct {
  void *ctx;
  const void *vocab;
  guint n_vocab; /* logits per step */
  gboolean has_vocab;
  GArray *prompt;
  const char *path;
  const char *fingerprint, *arch, *format;
  double load_ms, mapped_mb, bytes_per_token, kv_mb;
  guint n_threads;
} Run;

static void
memory_clear (const BnLlamaApi *api, void *ctx)
{
  if (api->get_memory && api->memory_clear)
    api->memory_clear (api->get_memory (ctx), TRUE);
  else
    api->kv_self_clear (ctx);
}

static gboolean
eval (const BnLlamaApi *api, Run *r, gint32 *tokens, guint n, float *logits, GError **error)
{
  int rc = api->decode (r->ctx, api->batch_get_one (tokens, (int32_t) n));
  if (rc != 0) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED, _("llama_decode of %u tokens failed (%d)"), n, rc);
    return FALSE;
  }
  if (api->synchronize)
    api->synchronize (r->ctx);
  const float *l = api->get_logits_ith (r->ctx, -1);
  if (!l) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED, _("llama.cpp returned no logits"));
    return FALSE;
  }
  memcpy (logits, l, r->n_vocab * sizeof (float));
  return TRUE;
}

static char *
detokenize (const BnLlamaApi *api, Run *r, GArray *ids)
{
  if (!r->has_vocab)
    return NULL;
  GString *s = g_string_new (NULL);
  char buf[256];
  for (guint i = 0; i < ids->len; i++) {
    int n = api->token_to_piece (r->vocab, g_array_index (ids, gint32, i), buf, sizeof buf, 0, FALSE);
    if (n > 0)
      g_string_append_len (s, buf, n);
  }
  if (!g_utf8_validate (s->str, s->len, NULL)) {
    g_autofree char *valid = g_utf8_make_valid (s->str, s->len);
    g_string_assign (s, valid);
  }
  return g_string_free (s, FALSE);
}

static BnFlowReturn
run_iteration (BnReferenceExecutor *self, Run *r, guint iteration, gboolean timed, BnRecord **out)
{
  BnElement *element = BN_ELEMENT (self);
  const BnLlamaApi *api = self->api;
  g_autofree float *logits = g_new (float, r->n_vocab);
  g_autoptr (GArray) prompt = g_array_copy (r->prompt); /* llama_batch wants it writable */
  g_autoptr (GArray) generated = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr (GArray) decode_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GPtrArray) digests = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GByteArray) kept = self->keep_logits && timed && iteration == 0 ? g_byte_array_new () : NULL;
  g_autoptr (GError) error = NULL;
  struct rusage ru0, ru1;

  memory_clear (api, r->ctx);
  getrusage (RUSAGE_SELF, &ru0);
  gint64 t0 = g_get_monotonic_time ();
  if (!eval (api, r, (gint32 *) prompt->data, prompt->len, logits, &error)) {
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  gint64 t_prefill = g_get_monotonic_time ();
  g_ptr_array_add (digests, bn_logits_digest (logits, r->n_vocab));
  gint32 next = argmax (logits, r->n_vocab);
  gint64 t_first = g_get_monotonic_time ();
  if (kept)
    g_byte_array_append (kept, (const guint8 *) logits, r->n_vocab * sizeof (float));

  for (guint i = 0; i < self->tokens; i++) {
    if (bn_element_is_cancelled (element))
      return BN_FLOW_CANCELLED;
    g_array_append_val (generated, next);
    if (i + 1 == self->tokens)
      break;
    gint64 a = g_get_monotonic_time ();
    if (!eval (api, r, &next, 1, logits, &error)) {
      bn_element_post_error (element, error, NULL);
      return BN_FLOW_ERROR;
    }
    next = argmax (logits, r->n_vocab);
    double ms = (g_get_monotonic_time () - a) / 1000.0;
    g_array_append_val (decode_ms, ms);
    g_ptr_array_add (digests, bn_logits_digest (logits, r->n_vocab));
    if (kept)
      g_byte_array_append (kept, (const guint8 *) logits, r->n_vocab * sizeof (float));
    if (timed && (i % 8 == 0 || i + 2 == self->tokens)) {
      g_autofree char *text = g_strdup_printf (_("llama.cpp: iteration %u/%u, token %u/%u"), iteration + 1,
                                               self->iterations, i + 2, self->tokens);
      bn_element_post_progress (element, (iteration + (i + 2.0) / self->tokens) / self->iterations, text);
    }
  }
  gint64 t_end = g_get_monotonic_time ();
  getrusage (RUSAGE_SELF, &ru1);
  if (!timed)
    return BN_FLOW_OK;

  double prefill_ms = (t_prefill - t0) / 1000.0;
  double first_ms = (t_first - t0) / 1000.0;
  double decode_total = 0;
  for (guint i = 0; i < decode_ms->len; i++)
    decode_total += g_array_index (decode_ms, double, i);
  double total_ms = (t_end - t0) / 1000.0;
  double cpu_s = (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) + (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6
                 + (ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) + (ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
  g_autoptr (GArray) sorted = g_array_copy (decode_ms);
  bn_doubles_sort ((double *) sorted->data, sorted->len);
  const double *sv = (const double *) sorted->data;
  double decode_tps = decode_total > 0 ? decode_ms->len / (decode_total / 1000.0) : 0;
  double rss, peak;
  bn_machine_memory_mb (&rss, &peak);
  g_autofree char *text = detokenize (api, r, generated);

  JsonObject *o = json_object_new ();
#define STR(k, v) json_object_set_string_member (o, k, v)
#define NUM(k, v) json_object_set_double_member (o, k, v)
#define INT(k, v) json_object_set_int_member (o, k, v)
#define BOOL(k, v) json_object_set_boolean_member (o, k, v)
  STR ("compute_path", "real");
  STR ("backend", "llama.cpp");
  STR ("backend_version", api->version);
  STR ("executor", "reference-executor");
  INT ("iteration", iteration);
  INT ("threads", r->n_threads);
  BOOL ("deterministic", bn_env_is_true ("BITNET_DETERMINISTIC"));
  BOOL ("greedy", TRUE);
  INT ("seed", (gint64) self->seed);
  INT ("tokens_requested", self->tokens);
  INT ("tokens_generated", generated->len);
  INT ("prompt_tokens", prompt->len);
  NUM ("prefill_ms", prefill_ms);
  NUM ("prefill_tokens_per_second", prefill_ms > 0 ? prompt->len / (prefill_ms / 1000.0) : 0);
  NUM ("first_token_latency_ms", first_ms);
  NUM ("decode_ms", decode_total);
  NUM ("decode_tokens_per_second", decode_tps);
  NUM ("tokens_per_second", total_ms > 0 ? generated->len / (total_ms / 1000.0) : 0);
  NUM ("total_time_ms", total_ms);
  NUM ("average_token_latency_ms", decode_ms->len ? decode_total / decode_ms->len : 0);
  NUM ("latency_p50_ms", bn_percentile (sv, sorted->len, 50));
  NUM ("latency_p95_ms", bn_percentile (sv, sorted->len, 95));
  NUM ("latency_p99_ms", bn_percentile (sv, sorted->len, 99));
  NUM ("cpu_utilization_percent", total_ms > 0 ? 100.0 * cpu_s / (total_ms / 1000.0) : 0);
  NUM ("memory_usage_mb", rss);
  NUM ("peak_memory_mb", peak);
  NUM ("kv_cache_mb", r->kv_mb);
  NUM ("model_load_time_ms", r->load_ms);
  NUM ("model_mapped_mb", r->mapped_mb);
  NUM ("bytes_per_token", r->bytes_per_token);
  STR ("model_fingerprint", r->fingerprint);
  STR ("model_architecture", r->arch);
  STR ("weight_format", r->format);
  STR ("model_path", r->path);
  /* llama.cpp's `bitnet` graph: silu(gate) * up (src/models/bitnet.cpp) */
  STR ("ffn_activation", !g_strcmp0 (r->arch, "bitnet") ? "silu" : "unknown");
  if (text)
    STR ("text", text);
  JsonArray *kernels = json_array_new ();
  g_autofree char *k = g_strdup_printf ("llama.cpp:%s", api->cpu_backend ? api->cpu_backend : "cpu");
  json_array_add_string_element (kernels, k);
  json_object_set_array_member (o, "kernels", kernels);
  json_object_set_array_member (o, "token_ids", bn_cv_json_ints ((const gint32 *) generated->data, generated->len));
  json_object_set_array_member (o, "decode_latency_ms", bn_cv_json_doubles (decode_ms));
  JsonArray *pl = json_array_new ();
  json_array_add_double_element (pl, prefill_ms);
  json_object_set_array_member (o, "prefill_latency_ms", pl);
  JsonArray *dg = json_array_new ();
  for (guint i = 0; i < digests->len; i++)
    json_array_add_string_element (dg, digests->pdata[i]);
  json_object_set_array_member (o, "logits_digests", dg);
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
  json_object_set_object_member (o, "llama_cpp", lib);
  if (kept) {
    INT ("logits_steps", digests->len);
    INT ("logits_n_vocab", r->n_vocab);
    STR ("prompt_kind", self->prompt_tokens ? "ids" : self->prompt ? "text" : "synthetic");
    json_object_set_array_member (o, "prompt_token_ids", bn_cv_json_ints ((const gint32 *) prompt->data, prompt->len));
  }
#undef STR
#undef NUM
#undef INT
#undef BOOL
  *out = bn_record_new ("bench/run", o);
  if (kept)
    g_object_set_data_full (G_OBJECT (*out), BN_RUN_LOGITS_KEY, g_byte_array_free_to_bytes (g_steal_pointer (&kept)),
                            (GDestroyNotify) g_bytes_unref);
  return BN_FLOW_OK;
}

static BnFlowReturn
run_model (BnReferenceExecutor *self, BnModel *item, const char *path)
{
  BnElement *element = BN_ELEMENT (self);
  const BnLlamaApi *api = self->api;
  g_autoptr (GError) error = NULL;

  g_autoptr (BnGguf) gguf = bn_gguf_open (path, &error);
  if (!gguf) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot read %s: %s"), path, error->message);
    return BN_FLOW_ERROR;
  }
  if (!check_file (path, gguf, &error)) {
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  /* our own view of the file, for its fingerprint and shape */
  g_autoptr (BnModel) ours = bn_model_new_from_gguf (gguf, NULL);
  BnModel *desc = ours ? ours : item;
  const BnModelConfig *cfg = bn_model_get_config (desc);

  g_autoptr (GString) log = g_string_new (NULL);
  bn_llama_capture_begin (log);
  gint64 t0 = g_get_monotonic_time ();
  BnLlamaModelParams mp = api->model_default_params ();
  void *model = api->model_load_from_file (path, mp);
  double load_ms = (g_get_monotonic_time () - t0) / 1000.0;
  bn_llama_capture_end ();
  if (!model) {
    g_strstrip (log->str);
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("llama.cpp (%s) cannot load %s: %s"),
                      api->version, path, log->len ? log->str : _("no reason given"));
    return BN_FLOW_ERROR;
  }

  Run r = { 0 };
  r.path = path;
  r.vocab = api->model_get_vocab (model);
  int nv = r.vocab ? api->vocab_n_tokens (r.vocab) : 0;
  r.has_vocab = nv > 0;
  r.n_vocab = nv > 0 ? (guint) nv : cfg->n_vocab;
  r.fingerprint = bn_model_get_fingerprint (desc);
  r.arch = bn_gguf_get_architecture (gguf);
  r.format = bn_model_get_weight_format (desc);
  r.load_ms = load_ms;
  r.mapped_mb = bn_gguf_get_file_size (gguf) / 1048576.0;
  /* every tensor is read once per token; the tied embedding is the head */
  r.bytes_per_token = (double) bn_gguf_get_data_size (gguf);

  g_autoptr (GArray) prompt = g_array_new (FALSE, FALSE, sizeof (gint32));
  if (!prompt_ids (self, r.vocab, MIN (r.n_vocab, cfg->n_vocab), prompt, &error)) {
    api->model_free (model);
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  r.prompt = prompt;
  guint needed = prompt->len + self->tokens;
  guint n_ctx = self->ctx_size ? self->ctx_size : MIN (needed, cfg->n_ctx);
  if (needed > n_ctx) {
    api->model_free (model);
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                      _("The prompt (%u tokens) and %u generated tokens need a context of %u, more than "
                         "ctx-size %u (the model was trained for %u)"),
                      prompt->len, self->tokens, needed, n_ctx, cfg->n_ctx);
    return BN_FLOW_ERROR;
  }
  const char *env_threads = g_getenv ("BITNET_NUM_THREADS");
  r.n_threads = self->threads                 ? self->threads
                : env_threads && *env_threads ? (guint) g_ascii_strtoull (env_threads, NULL, 10)
                                              : g_get_num_processors ();
  r.n_threads = MAX (r.n_threads, 1);

  BnLlamaContextParams cp = api->context_default_params ();
  cp.head.n_ctx = n_ctx;
  cp.head.n_batch = MAX (prompt->len, 1); /* the prompt in one batched pass, like ours */
  cp.head.n_ubatch = MAX (prompt->len, 1);
  if (self->flash_attn != FA_AUTO) { /* checked in start: the pinned layout */
    gint32 fa = self->flash_attn;
    memcpy (cp.bytes + BN_LLAMA_CTX_OFF_FLASH_ATTN, &fa, sizeof fa);
  }
  g_string_truncate (log, 0);
  bn_llama_capture_begin (log);
  r.ctx = api->init_from_model (model, cp);
  bn_llama_capture_end ();
  if (!r.ctx) {
    api->model_free (model);
    g_strstrip (log->str);
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                      _("llama.cpp cannot make a context of %u positions for %s: %s"), n_ctx, path,
                      log->len ? log->str : _("no reason given"));
    return BN_FLOW_ERROR;
  }
  api->set_n_threads (r.ctx, (int32_t) r.n_threads, (int32_t) r.n_threads);
  /* keys and values in f16, llama.cpp's default (and kernel-executor's) */
  r.kv_mb = 2.0 * cfg->n_layer * n_ctx * cfg->n_head_kv * cfg->head_dim * 2 / 1048576.0;

  BnFlowReturn ret = BN_FLOW_OK;
  for (guint w = 0; w < self->warmup && ret == BN_FLOW_OK; w++) {
    bn_element_post_progress (element, 0.0, _("llama.cpp warm-up"));
    ret = run_iteration (self, &r, w, FALSE, NULL);
  }
  for (guint it = 0; it < self->iterations && ret == BN_FLOW_OK; it++) {
    BnRecord *rec = NULL;
    ret = run_iteration (self, &r, it, TRUE, &rec);
    if (ret == BN_FLOW_OK)
      ret = bn_element_push (element, BN_ITEM (rec));
  }
  api->free (r.ctx);
  api->model_free (model);
  return ret;
}

static BnFlowReturn
bn_reference_executor_chain (BnElement *element, BnPad *pad, BnItem *item)
{
  BnReferenceExecutor *self = BN_REFERENCE_EXECUTOR (element);
  g_autoptr (BnItem) owned = item;
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *path = model_file (self, BN_MODEL (owned), &tmp, &error);
  if (!path) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                      _("Cannot write the model to a file for llama.cpp: %s"), error->message);
    return BN_FLOW_ERROR;
  }
  BnFlowReturn ret = run_model (self, BN_MODEL (owned), path);
  if (tmp)
    g_unlink (tmp);
  return ret;
}

static void
bn_reference_executor_class_init (BnReferenceExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bn_reference_executor_finalize;
  object_class->get_property = bn_reference_executor_get_property;
  object_class->set_property = bn_reference_executor_set_property;
  element_class->start = bn_reference_executor_start;
  element_class->chain = bn_reference_executor_chain;

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
  props[PROP_THREADS] = g_param_spec_uint ("threads", "Threads",
                                           "llama.cpp threads for decode and prefill (0: "
                                           "$BITNET_NUM_THREADS, else all cores)",
                                           0, 1024, 0, rw);
  props[PROP_PROMPT] = g_param_spec_string ("prompt", "Prompt",
                                            "Prompt text (tokenized by llama.cpp, "
                                            "BOS added as the vocabulary asks)",
                                            NULL, rw);
  props[PROP_PROMPT_TOKENS] =
      g_param_spec_boxed ("prompt-tokens", "Prompt tokens", "Prompt as comma-separated token ids", G_TYPE_STRV, rw);
  props[PROP_N_PROMPT] = g_param_spec_uint ("n-prompt", "Synthetic prompt length",
                                            "Length of the synthetic prompt drawn from the seed (as "
                                            "kernel-executor) when neither prompt nor prompt-tokens is "
                                            "set (0: 8)",
                                            0, 1 << 20, 0, rw);
  props[PROP_TOKENS] =
      g_param_spec_uint ("tokens", "Tokens", "Tokens to generate per iteration (greedy)", 1, 1 << 20, 64, rw);
  props[PROP_ITERATIONS] =
      g_param_spec_uint ("iterations", "Iterations", "Timed iterations, one run record each", 1, 100000, 3, rw);
  props[PROP_WARMUP] = g_param_spec_uint ("warmup", "Warm-up", "Untimed iterations first", 0, 1000, 1, rw);
  props[PROP_CTX_SIZE] =
      g_param_spec_uint ("ctx-size", "Context size", "KV cache length (0: prompt + tokens)", 0, 1 << 20, 0, rw);
  props[PROP_SEED] = g_param_spec_uint64 ("seed", "Seed",
                                          "Seed of the synthetic prompt, as kernel-executor's "
                                          "(default $BITNET_SEED, else 42)",
                                          0, G_MAXUINT32, 42, rw);
  props[PROP_KEEP_LOGITS] = g_param_spec_boolean ("keep-logits", "Keep logits",
                                                  "Attach every step's float logits and the prompt's token "
                                                  "ids to the first timed run record (for crossval)",
                                                  FALSE, rw);
  props[PROP_FLASH_ATTN] = g_param_spec_enum ("flash-attn", "Flash attention",
                                              "llama.cpp's attention path (other than auto only with the "
                                              "pinned build, whose parameter layout is known)",
                                              flash_attn_get_type (), FA_AUTO, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Reference executor (llama.cpp)", "Transform",
                                 "Runs the model's GGUF file through llama.cpp (loaded at run time) and "
                                 "emits run records like kernel-executor's",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "sink", BN_PAD_SINK, BN_PAD_ALWAYS, "model/bitnet");
  bn_element_class_add_static_pad_template (element_class, "src", BN_PAD_SRC, BN_PAD_ALWAYS, "bench/run");
}

static void
bn_reference_executor_init (BnReferenceExecutor *self)
{
  const char *seed = g_getenv ("BITNET_SEED");
  self->tokens = 64;
  self->iterations = 3;
  self->warmup = 1;
  self->seed = seed && *seed ? g_ascii_strtoull (seed, NULL, 10) : 42;
  self->flash_attn = FA_AUTO;
}
