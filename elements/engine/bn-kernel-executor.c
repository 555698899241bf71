/* gst-bitnet: kernel-executor, runs real BitNet inference and measures it
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-engine-elements.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#include <sys/resource.h>

/**
 * SECTION:element-kernel-executor
 * @title: kernel-executor
 *
 * Runs the model it receives through the real forward pass (#BnEngine):
 * prefill of the prompt with the batched kernels, then decoding token by
 * token with GEMV, for #BnKernelExecutor:warmup untimed and
 * #BnKernelExecutor:iterations timed iterations. Each timed iteration
 * pushes a `bench/run` record (docs/schemas/bench-run.md) with every
 * per-token latency sample, first-token latency, prefill and decode
 * tokens/s, memory, CPU use, the kernels that really ran, the generated
 * tokens and text, a digest of the logits at every step, and the fraction
 * of the memory-bandwidth ceiling reached: bytes read per token against
 * the better of the read bandwidths measured at start and right after the
 * iteration, over the model's largest tensor when it is at least 256 MB
 * (the bytes the decode reads; no extra memory), else a 256 MB buffer.
 *
 * Greedy decoding by default; `temperature`, `top-k` and `top-p` sample
 * with `seed`. `BITNET_DETERMINISTIC=1` forces greedy decoding.
 *
 * With #BnKernelExecutor:keep-logits the first timed iteration's record
 * also carries the float logits of every step (after prefill and after
 * each decode step) as a GBytes of `logits_steps * logits_n_vocab` floats
 * under the object data key `bn-run-logits`, plus the prompt's token ids
 * (`prompt_token_ids`, `prompt_kind`), for `crossval`. Copying them happens
 * outside the timed regions.
 */

typedef enum { DEVICE_CPU, DEVICE_CUDA } Device;
typedef enum { KV_F16, KV_F32 } KvType;

static GType
device_get_type (void)
{
  static gsize id;
  static const GEnumValue v[] = {
    { DEVICE_CPU, "CPU (SIMD kernels chosen at run time)", "cpu" },
    { DEVICE_CUDA, "NVIDIA GPU through CUDA", "cuda" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, g_enum_register_static ("BnExecutorDevice", v));
  return id;
}

static GType
kv_get_type (void)
{
  static gsize id;
  static const GEnumValue v[] = {
    { KV_F16, "float16 KV cache", "f16" },
    { KV_F32, "float32 KV cache", "f32" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, g_enum_register_static ("BnExecutorKvType", v));
  return id;
}

enum {
  PROP_0,
  PROP_DEVICE,
  PROP_THREADS,
  PROP_PROMPT,
  PROP_PROMPT_TOKENS,
  PROP_N_PROMPT,
  PROP_TOKENS,
  PROP_ITERATIONS,
  PROP_WARMUP,
  PROP_CTX_SIZE,
  PROP_SEED,
  PROP_TEMPERATURE,
  PROP_TOP_K,
  PROP_TOP_P,
  PROP_KV_TYPE,
  PROP_MATCH_LLAMA,
  PROP_KEEP_LOGITS,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

struct _BnKernelExecutor {
  BnElement parent_instance;
  Device device;
  guint threads;
  char *prompt;
  char **prompt_tokens;
  guint n_prompt, tokens, iterations, warmup, ctx_size;
  guint64 seed;
  double temperature, top_p;
  guint top_k;
  KvType kv_type;
  gboolean match_llama;
  gboolean keep_logits;
  double bandwidth_gbs;
};

G_DEFINE_FINAL_TYPE (BnKernelExecutor, bn_kernel_executor, BN_TYPE_ELEMENT)

static void
bn_kernel_executor_finalize (GObject *object)
{
  BnKernelExecutor *self = BN_KERNEL_EXECUTOR (object);
  g_free (self->prompt);
  g_strfreev (self->prompt_tokens);
  G_OBJECT_CLASS (bn_kernel_executor_parent_class)->finalize (object);
}

static void
bn_kernel_executor_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnKernelExecutor *self = BN_KERNEL_EXECUTOR (object);
  switch (id) {
  case PROP_DEVICE: g_value_set_enum (value, self->device); break;
  case PROP_THREADS: g_value_set_uint (value, self->threads); break;
  case PROP_PROMPT: g_value_set_string (value, self->prompt); break;
  case PROP_PROMPT_TOKENS: g_value_set_boxed (value, self->prompt_tokens); break;
  case PROP_N_PROMPT: g_value_set_uint (value, self->n_prompt); break;
  case PROP_TOKENS: g_value_set_uint (value, self->tokens); break;
  case PROP_ITERATIONS: g_value_set_uint (value, self->iterations); break;
  case PROP_WARMUP: g_value_set_uint (value, self->warmup); break;
  case PROP_CTX_SIZE: g_value_set_uint (value, self->ctx_size); break;
  case PROP_SEED: g_value_set_uint64 (value, self->seed); break;
  case PROP_TEMPERATURE: g_value_set_double (value, self->temperature); break;
  case PROP_TOP_K: g_value_set_uint (value, self->top_k); break;
  case PROP_TOP_P: g_value_set_double (value, self->top_p); break;
  case PROP_KV_TYPE: g_value_set_enum (value, self->kv_type); break;
  case PROP_MATCH_LLAMA: g_value_set_boolean (value, self->match_llama); break;
  case PROP_KEEP_LOGITS: g_value_set_boolean (value, self->keep_logits); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_kernel_executor_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnKernelExecutor *self = BN_KERNEL_EXECUTOR (object);
  switch (id) {
  case PROP_DEVICE: self->device = g_value_get_enum (value); break;
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
  case PROP_TEMPERATURE: self->temperature = g_value_get_double (value); break;
  case PROP_TOP_K: self->top_k = g_value_get_uint (value); break;
  case PROP_TOP_P: self->top_p = g_value_get_double (value); break;
  case PROP_KV_TYPE: self->kv_type = g_value_get_enum (value); break;
  case PROP_MATCH_LLAMA: self->match_llama = g_value_get_boolean (value); break;
  case PROP_KEEP_LOGITS: self->keep_logits = g_value_get_boolean (value); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static gboolean
bn_kernel_executor_start (BnElement *element, GError **error)
{
  BnKernelExecutor *self = BN_KERNEL_EXECUTOR (element);
  if (self->device == DEVICE_CUDA) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("device=cuda: this build has no CUDA backend (configure with -Dcuda=enabled on a "
                    "machine with nvcc and an NVIDIA GPU); use device=cpu"));
    return FALSE;
  }
  if ((self->prompt ? 1 : 0) + (self->prompt_tokens ? 1 : 0) > 1) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                 _("Give either prompt (text) or prompt-tokens (ids), not both"));
    return FALSE;
  }
  if (self->iterations == 0) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS, _("iterations must be at least 1"));
    return FALSE;
  }
  self->bandwidth_gbs = 0; /* measured with the engine's thread count */
  g_debug ("%s: %u iteration(s) after %u warm-up, %u token(s) each", bn_element_get_name (element), self->iterations,
           self->warmup, self->tokens);
  return TRUE;
}

/* The prompt as token ids. */
static gboolean
prompt_ids (BnKernelExecutor *self, BnModel *model, BnTokenizer **tok, GArray *ids, GError **error)
{
  const BnModelConfig *cfg = bn_model_get_config (model);
  if (self->prompt_tokens)
    return bn_token_ids_parse ((const char *const *) self->prompt_tokens, cfg->n_vocab, ids, error);
  if (self->prompt) {
    if (!(*tok = bn_model_new_tokenizer (model, error)))
      return FALSE;
    return bn_tokenizer_encode (*tok, self->prompt, -1, TRUE, ids, error);
  }
  bn_synthetic_prompt (self->seed, self->n_prompt, cfg->n_vocab, ids);
  return TRUE;
}

typedef struct {
  const float *logits;
} SortCtx;

static gint
by_logit (gconstpointer a, gconstpointer b, gpointer data)
{
  const float *l = ((SortCtx *) data)->logits;
  guint x = *(const guint *) a, y = *(const guint *) b;
  if (l[x] != l[y])
    return l[x] > l[y] ? -1 : 1;
  return x < y ? -1 : x > y;
}

/* Samples the next token: greedy (lowest id among equal maxima) or seeded
 * temperature / top-k / top-p over candidates in a total order (logit,
 * then id), so the same seed gives the same tokens on any machine. */
static gint32
sample (BnKernelExecutor *self, const float *logits, guint n, GRand *rand, gboolean greedy)
{
  guint best = 0;
  for (guint i = 1; i < n; i++)
    if (logits[i] > logits[best])
      best = i;
  if (greedy || self->temperature <= 0)
    return (gint32) best;
  g_autofree guint *idx = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    idx[i] = i;
  SortCtx ctx = { logits };
  g_qsort_with_data (idx, n, sizeof (guint), by_logit, &ctx);
  guint keep = self->top_k ? MIN (self->top_k, n) : n;
  g_autofree double *p = g_new (double, keep);
  double sum = 0, maxl = logits[idx[0]];
  for (guint i = 0; i < keep; i++)
    sum += p[i] = exp ((logits[idx[i]] - maxl) / self->temperature);
  double mass = 0;
  guint cut = keep;
  for (guint i = 0; i < keep; i++) {
    mass += p[i] / sum;
    if (mass >= self->top_p) {
      cut = i + 1;
      break;
    }
  }
  double total = 0;
  for (guint i = 0; i < cut; i++)
    total += p[i];
  double u = g_rand_double (rand) * total;
  for (guint i = 0; i < cut; i++) {
    u -= p[i];
    if (u <= 0)
      return (gint32) idx[i];
  }
  return (gint32) idx[cut - 1];
}

/* Read bandwidth for @n_threads: over the model's largest tensor when it
 * is far larger than any cache (the f16 head of 2B4T: 657 MB), so that the
 * ceiling is measured on bytes the decode itself reads and costs no memory;
 * else over a new 256 MB buffer. */
static double
measure_bandwidth (BnModel *model, guint n_threads)
{
  const gsize min_bytes = 256u << 20;
  const BnTensor *big = NULL;
  for (guint i = 0; i < bn_model_get_n_tensors (model); i++) {
    const BnTensor *t = bn_model_get_tensor (model, i);
    if (!big || t->size > big->size)
      big = t;
  }
  if (big && big->size >= min_bytes)
    return bn_machine_read_bandwidth_of (big->data, big->size, n_threads);
  return bn_machine_read_bandwidth (min_bytes, n_threads);
}

static BnFlowReturn
run_iteration (BnKernelExecutor *self, BnModel *model, BnEngine *engine, BnTokenizer *tok, GArray *prompt,
               guint iteration, gboolean timed, BnRecord **out)
{
  BnElement *element = BN_ELEMENT (self);
  guint n_vocab = bn_engine_get_n_vocab (engine);
  g_autofree float *logits = g_new (float, n_vocab);
  g_autoptr (GArray) generated = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr (GArray) decode_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GPtrArray) digests = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  gboolean greedy = bn_env_is_true ("BITNET_DETERMINISTIC") || self->temperature <= 0;
  g_autoptr (GRand) rand = g_rand_new_with_seed ((guint32) self->seed);
  struct rusage ru0, ru1;
  /* every step's logits, for crossval: first timed iteration only */
  g_autoptr (GByteArray) kept = self->keep_logits && timed && iteration == 0 ? g_byte_array_new () : NULL;

  bn_engine_reset (engine);
  getrusage (RUSAGE_SELF, &ru0);
  gint64 t0 = g_get_monotonic_time ();
  if (!bn_engine_eval (engine, (const gint32 *) prompt->data, prompt->len, logits, &error)) {
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  gint64 t_prefill = g_get_monotonic_time ();
  g_ptr_array_add (digests, bn_logits_digest (logits, n_vocab));
  gint32 next = sample (self, logits, n_vocab, rand, greedy);
  gint64 t_first = g_get_monotonic_time ();
  if (kept)
    g_byte_array_append (kept, (const guint8 *) logits, n_vocab * sizeof (float));

  for (guint i = 0; i < self->tokens; i++) {
    if (bn_element_is_cancelled (element))
      return BN_FLOW_CANCELLED;
    g_array_append_val (generated, next);
    if (i + 1 == self->tokens)
      break;
    gint64 a = g_get_monotonic_time ();
    if (!bn_engine_eval (engine, &next, 1, logits, &error)) {
      bn_element_post_error (element, error, NULL);
      return BN_FLOW_ERROR;
    }
    next = sample (self, logits, n_vocab, rand, greedy);
    double ms = (g_get_monotonic_time () - a) / 1000.0;
    g_array_append_val (decode_ms, ms);
    g_ptr_array_add (digests, bn_logits_digest (logits, n_vocab));
    if (kept)
      g_byte_array_append (kept, (const guint8 *) logits, n_vocab * sizeof (float));
    if (timed && (i % 8 == 0 || i + 2 == self->tokens)) {
      g_autofree char *text =
          g_strdup_printf (_("iteration %u/%u, token %u/%u"), iteration + 1, self->iterations, i + 2, self->tokens);
      bn_element_post_progress (element, (iteration + (i + 2.0) / self->tokens) / self->iterations, text);
    }
  }
  gint64 t_end = g_get_monotonic_time ();
  getrusage (RUSAGE_SELF, &ru1);
  if (!timed)
    return BN_FLOW_OK;

  double prefill_ms = (t_prefill - t0) / 1000.0;
  double first_ms = (t_first - t0) / 1000.0;
  double decode_total_ms = 0;
  for (guint i = 0; i < decode_ms->len; i++)
    decode_total_ms += g_array_index (decode_ms, double, i);
  double total_ms = (t_end - t0) / 1000.0;
  double cpu_s = (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) + (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6
                 + (ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) + (ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
  g_autoptr (GArray) sorted = g_array_copy (decode_ms);
  bn_doubles_sort ((double *) sorted->data, sorted->len);
  double decode_tps = decode_total_ms > 0 ? decode_ms->len / (decode_total_ms / 1000.0) : 0;
  double bytes = (double) bn_engine_get_bytes_per_token (engine);
  /* the shared machine's bandwidth moves from minute to minute: measured
   * again right after this iteration's decode, the better of that and the
   * start-up figure is the ceiling (never flattering the fraction) */
  double bw = MAX (self->bandwidth_gbs, measure_bandwidth (model, bn_engine_get_n_threads (engine)));
  double ceiling = bw > 0 ? bw * 1e9 / bytes : 0;
  double rss_mb, peak_mb;
  bn_machine_memory_mb (&rss_mb, &peak_mb);
  g_autoptr (GPtrArray) kernels = bn_engine_get_kernels_used (engine);
  g_autofree char *text =
      tok ? bn_tokenizer_decode (tok, (const gint32 *) generated->data, generated->len, TRUE, NULL) : NULL;

  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
#define STR(k, v) (json_builder_set_member_name (b, k), json_builder_add_string_value (b, v))
#define NUM(k, v) (json_builder_set_member_name (b, k), json_builder_add_double_value (b, v))
#define INT(k, v) (json_builder_set_member_name (b, k), json_builder_add_int_value (b, v))
#define BOOL(k, v) (json_builder_set_member_name (b, k), json_builder_add_boolean_value (b, v))
  STR ("compute_path", "real");
  STR ("backend", "cpu");
  STR ("executor", "kernel-executor");
  INT ("iteration", iteration);
  INT ("threads", bn_engine_get_n_threads (engine));
  BOOL ("deterministic", bn_env_is_true ("BITNET_DETERMINISTIC"));
  BOOL ("greedy", greedy);
  INT ("seed", (gint64) self->seed);
  INT ("tokens_requested", self->tokens);
  INT ("tokens_generated", generated->len);
  INT ("prompt_tokens", prompt->len);
  NUM ("prefill_ms", prefill_ms);
  NUM ("prefill_tokens_per_second", prefill_ms > 0 ? prompt->len / (prefill_ms / 1000.0) : 0);
  NUM ("first_token_latency_ms", first_ms);
  NUM ("decode_ms", decode_total_ms);
  NUM ("decode_tokens_per_second", decode_tps);
  NUM ("tokens_per_second", total_ms > 0 ? generated->len / (total_ms / 1000.0) : 0);
  NUM ("total_time_ms", total_ms);
  NUM ("average_token_latency_ms", decode_ms->len ? decode_total_ms / decode_ms->len : 0);
  NUM ("latency_p50_ms", bn_percentile ((const double *) sorted->data, sorted->len, 50));
  NUM ("latency_p95_ms", bn_percentile ((const double *) sorted->data, sorted->len, 95));
  NUM ("latency_p99_ms", bn_percentile ((const double *) sorted->data, sorted->len, 99));
  NUM ("cpu_utilization_percent", total_ms > 0 ? 100.0 * cpu_s / (total_ms / 1000.0) : 0);
  NUM ("memory_usage_mb", rss_mb);
  NUM ("peak_memory_mb", peak_mb);
  NUM ("kv_cache_mb", bn_engine_get_kv_bytes (engine) / 1048576.0);
  NUM ("model_load_time_ms", bn_model_get_load_time (model) / 1000.0);
  NUM ("model_mapped_mb", bn_model_get_mapped_bytes (model) / 1048576.0);
  /* issue 5's memory bound: the model's bytes (mapped or in memory) + the
   * KV cache + 200 MB; peak_memory_mb is compared with it */
  double model_mb = bn_model_get_tensor_bytes (model) / 1048576.0;
  NUM ("model_bytes_mb", model_mb);
  NUM ("peak_memory_bound_mb", model_mb + bn_engine_get_kv_bytes (engine) / 1048576.0 + 200e6 / 1048576.0);
  NUM ("bytes_per_token", bytes);
  NUM ("read_bandwidth_gb_per_s", bw);
  NUM ("ceiling_tokens_per_second", ceiling);
  NUM ("fraction_of_ceiling", ceiling > 0 ? decode_tps / ceiling : 0);
  STR ("model_fingerprint", bn_model_get_fingerprint (model));
  STR ("model_architecture", bn_model_get_architecture (model));
  STR ("weight_format", bn_caps_get_string (bn_item_get_caps (BN_ITEM (model)), 0, "format"));
  if (text)
    STR ("text", text);
  json_builder_set_member_name (b, "kernels");
  json_builder_begin_array (b);
  for (guint i = 0; i < kernels->len; i++)
    json_builder_add_string_value (b, kernels->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "token_ids");
  json_builder_begin_array (b);
  for (guint i = 0; i < generated->len; i++)
    json_builder_add_int_value (b, g_array_index (generated, gint32, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "decode_latency_ms");
  json_builder_begin_array (b);
  for (guint i = 0; i < decode_ms->len; i++)
    json_builder_add_double_value (b, g_array_index (decode_ms, double, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "prefill_latency_ms");
  json_builder_begin_array (b);
  json_builder_add_double_value (b, prefill_ms);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "logits_digests");
  json_builder_begin_array (b);
  for (guint i = 0; i < digests->len; i++)
    json_builder_add_string_value (b, digests->pdata[i]);
  json_builder_end_array (b);
  if (kept) {
    INT ("logits_steps", digests->len);
    INT ("logits_n_vocab", n_vocab);
    STR ("prompt_kind", self->prompt_tokens ? "ids" : self->prompt ? "text" : "synthetic");
    json_builder_set_member_name (b, "prompt_token_ids");
    json_builder_begin_array (b);
    for (guint i = 0; i < prompt->len; i++)
      json_builder_add_int_value (b, g_array_index (prompt, gint32, i));
    json_builder_end_array (b);
  }
  GVariant *acc = bn_model_get_annotation (model, "quantizer-accuracy");
  if (acc) {
    json_builder_set_member_name (b, "quantizer_accuracy");
    json_builder_add_value (b, json_gvariant_serialize (acc));
  }
  json_builder_end_object (b);
#undef STR
#undef NUM
#undef INT
#undef BOOL
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  *out = bn_record_new ("bench/run", json_node_dup_object (root));
  if (kept) /* read by crossval (elements/crossval: BN_RUN_LOGITS_KEY) */
    g_object_set_data_full (G_OBJECT (*out), "bn-run-logits", g_byte_array_free_to_bytes (g_steal_pointer (&kept)),
                            (GDestroyNotify) g_bytes_unref);
  return BN_FLOW_OK;
}

static BnFlowReturn
bn_kernel_executor_chain (BnElement *element, BnPad *pad, BnItem *item)
{
  BnKernelExecutor *self = BN_KERNEL_EXECUTOR (element);
  g_autoptr (BnItem) owned = item;
  BnModel *model = BN_MODEL (owned);
  g_autoptr (GError) error = NULL;
  g_autoptr (BnTokenizer) tok = NULL;
  g_autoptr (GArray) prompt = g_array_new (FALSE, FALSE, sizeof (gint32));

  if (!prompt_ids (self, model, &tok, prompt, &error)) {
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  if (!tok)
    tok = bn_model_new_tokenizer (model, NULL);
  guint needed = prompt->len + self->tokens;
  const BnModelConfig *cfg = bn_model_get_config (model);
  guint n_ctx = self->ctx_size ? self->ctx_size : MIN (needed, cfg->n_ctx);
  if (needed > n_ctx) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                      _("The prompt (%u tokens) and %u generated tokens need a context of %u, more than "
                         "ctx-size %u (the model was trained for %u)"),
                      prompt->len, self->tokens, needed, n_ctx, cfg->n_ctx);
    return BN_FLOW_ERROR;
  }
  BnEngineOptions opts = { 0 };
  const char *env_threads = g_getenv ("BITNET_NUM_THREADS");
  opts.n_threads = self->threads                 ? self->threads
                   : env_threads && *env_threads ? (guint) g_ascii_strtoull (env_threads, NULL, 10)
                                                 : g_get_num_processors ();
  opts.n_ctx = n_ctx;
  opts.kv_f16 = self->kv_type == KV_F16;
  opts.act_q8k_matching = self->match_llama;
  g_autoptr (BnEngine) engine = bn_engine_new (model, &opts, &error);
  if (!engine) {
    bn_element_post_error (element, error, NULL);
    return BN_FLOW_ERROR;
  }
  /* the read bandwidth for as many threads as the engine uses, measured
   * now: each run's ceiling is the better of this and its own figure */
  self->bandwidth_gbs = measure_bandwidth (model, bn_engine_get_n_threads (engine));
  for (guint w = 0; w < self->warmup; w++) {
    bn_element_post_progress (element, 0.0, _("warm-up"));
    BnFlowReturn r = run_iteration (self, model, engine, tok, prompt, w, FALSE, NULL);
    if (r != BN_FLOW_OK)
      return r;
  }
  for (guint it = 0; it < self->iterations; it++) {
    BnRecord *rec = NULL;
    BnFlowReturn r = run_iteration (self, model, engine, tok, prompt, it, TRUE, &rec);
    if (r != BN_FLOW_OK)
      return r;
    r = bn_element_push (element, BN_ITEM (rec));
    if (r != BN_FLOW_OK)
      return r;
  }
  return BN_FLOW_OK;
}

static void
bn_kernel_executor_class_init (BnKernelExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bn_kernel_executor_finalize;
  object_class->get_property = bn_kernel_executor_get_property;
  object_class->set_property = bn_kernel_executor_set_property;
  element_class->start = bn_kernel_executor_start;
  element_class->chain = bn_kernel_executor_chain;

  props[PROP_DEVICE] =
      g_param_spec_enum ("device", "Device", "Where inference runs", device_get_type (), DEVICE_CPU, rw);
  props[PROP_THREADS] = g_param_spec_uint ("threads", "Threads",
                                           "Worker threads (0: $BITNET_NUM_THREADS, else all cores); "
                                           "results are identical for any count",
                                           0, 1024, 0, rw);
  props[PROP_PROMPT] = g_param_spec_string ("prompt", "Prompt",
                                            "Prompt text (tokenized with the "
                                            "model's vocabulary, BOS added)",
                                            NULL, rw);
  props[PROP_PROMPT_TOKENS] =
      g_param_spec_boxed ("prompt-tokens", "Prompt tokens", "Prompt as comma-separated token ids", G_TYPE_STRV, rw);
  props[PROP_N_PROMPT] = g_param_spec_uint ("n-prompt", "Synthetic prompt length",
                                            "Length of a synthetic prompt drawn from the seed when "
                                            "neither prompt nor prompt-tokens is set (0: 8)",
                                            0, 1 << 20, 0, rw);
  props[PROP_TOKENS] = g_param_spec_uint ("tokens", "Tokens", "Tokens to generate per iteration", 1, 1 << 20, 64, rw);
  props[PROP_ITERATIONS] = g_param_spec_uint ("iterations", "Iterations",
                                              "Timed iterations, one run "
                                              "record each",
                                              1, 100000, 3, rw);
  props[PROP_WARMUP] = g_param_spec_uint ("warmup", "Warm-up", "Untimed iterations first", 0, 1000, 1, rw);
  props[PROP_CTX_SIZE] =
      g_param_spec_uint ("ctx-size", "Context size", "KV cache length (0: prompt + tokens)", 0, 1 << 20, 0, rw);
  props[PROP_SEED] = g_param_spec_uint64 ("seed", "Seed",
                                          "Seed of sampling and of a synthetic prompt "
                                          "(default $BITNET_SEED, else 42)",
                                          0, G_MAXUINT32, 42, rw);
  props[PROP_TEMPERATURE] =
      g_param_spec_double ("temperature", "Temperature", "Sampling temperature (0: greedy)", 0, 100, 0, rw);
  props[PROP_TOP_K] =
      g_param_spec_uint ("top-k", "Top k", "Sample among the k likeliest (0: all)", 0, G_MAXUINT, 0, rw);
  props[PROP_TOP_P] = g_param_spec_double ("top-p", "Top p", "Nucleus sampling mass", 0, 1, 1, rw);
  props[PROP_KV_TYPE] =
      g_param_spec_enum ("kv-type", "KV type", "Element type of the KV cache", kv_get_type (), KV_F16, rw);
  props[PROP_MATCH_LLAMA] = g_param_spec_boolean ("match-llama", "Match llama.cpp",
                                                  "Quantize activations per block of 256 as llama.cpp "
                                                  "does (for tight cross-validation)",
                                                  FALSE, rw);
  props[PROP_KEEP_LOGITS] = g_param_spec_boolean ("keep-logits", "Keep logits",
                                                  "Attach every step's float logits and the prompt's "
                                                  "token ids to the first timed run record (for crossval)",
                                                  FALSE, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Kernel executor", "Transform",
                                 "Runs real BitNet inference (prefill + decode) and emits one run "
                                 "record per timed iteration",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "sink", BN_PAD_SINK, BN_PAD_ALWAYS, "model/bitnet");
  bn_element_class_add_static_pad_template (element_class, "src", BN_PAD_SRC, BN_PAD_ALWAYS, "bench/run");
}

static void
bn_kernel_executor_init (BnKernelExecutor *self)
{
  const char *seed = g_getenv ("BITNET_SEED");
  self->tokens = 64;
  self->iterations = 3;
  self->warmup = 1;
  self->top_p = 1.0;
  self->seed = seed && *seed ? g_ascii_strtoull (seed, NULL, 10) : 42;
}
