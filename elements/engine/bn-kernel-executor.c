/* gst-bitnet: kernel-executor, runs real BitNet inference and measures it
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-engine-elements.h"

#include <glib/gi18n-lib.h>
#include <math.h>

/**
 * SECTION:element-kernel-executor
 * @title: kernel-executor
 *
 * Runs the model it receives through the real forward pass (#BnEngine):
 * prefill of the prompt with the batched kernels, then decoding token by
 * token with GEMV, for #BnBaseExecutor:warmup untimed and
 * #BnBaseExecutor:iterations timed iterations (a #BnBaseExecutor: the
 * base class owns the loop, the clock and the record). Each timed iteration
 * pushes a `bench/run` record (docs/schemas/bench-run.md) with every
 * per-token latency sample, first-token latency, prefill and decode
 * tokens/s, memory, CPU use, the kernels that really ran, the generated
 * tokens and text, a digest of the logits at every step, and the fraction
 * of the memory-bandwidth ceiling reached: bytes read per token against
 * the better of the read bandwidths measured at start and right after the
 * iteration (at most once a second), over the model's largest tensor when it is at least 256 MB
 * (the bytes the decode reads; no extra memory), else a 256 MB buffer.
 *
 * Greedy decoding by default; `temperature`, `top-k` and `top-p` sample
 * with `seed`. `BITNET_DETERMINISTIC=1` forces greedy decoding.
 *
 * With #BnBaseExecutor:keep-logits the first timed iteration's record
 * also carries the float logits of every step (after prefill and after
 * each decode step) as a GBytes of `logits_steps * logits_n_vocab` floats
 * under the object data key `bn-run-logits`, plus the prompt's token ids
 * (`prompt_token_ids`, `prompt_kind`), for `crossval`. Copying them happens
 * outside the timed regions.
 *
 * `head-mode=certified` runs the certified head (bn_engine_set_certified_head()):
 * an int8 screening copy of the f16 head bounds every logit, and only the
 * rows that can rank first (greedy) or among the `top-k` best (sampling
 * with `top-k` up to 64) are computed with the f16 head's kernel. Tokens,
 * and the logits of those rows, are bit-identical to `head-mode=full`'s;
 * the other logits are -infinity, so the logits digests differ from the
 * full head's. Where every logit is needed, the full head runs whatever
 * the property says: with #BnBaseExecutor:keep-logits (crossval) and
 * when sampling with `top-k=0` or above 64. Every record says which head
 * ran (`head_mode`), the rows computed exactly per step
 * (`head_candidates_mean`, `head_candidates_max`; the vocabulary with the
 * full head) and the steps that fell back to the full head
 * (`head_fallbacks`). The default is `full`. Details: docs/engine.md.
 */

typedef enum { DEVICE_CPU, DEVICE_CUDA } Device;
typedef enum { KV_F16, KV_F32 } KvType;
typedef enum { HEAD_FULL, HEAD_CERTIFIED } HeadMode;

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

static GType
head_mode_get_type (void)
{
  static gsize id;
  static const GEnumValue v[] = {
    { HEAD_FULL, "Every logit from the f16 (or Q8_0) head", "full" },
    { HEAD_CERTIFIED, "Screen with an int8 copy, compute exactly only the rows that can rank first (or top-k)",
      "certified" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&id))
    g_once_init_leave (&id, g_enum_register_static ("BnExecutorHeadMode", v));
  return id;
}

enum {
  PROP_0,
  PROP_DEVICE,
  PROP_TEMPERATURE,
  PROP_TOP_K,
  PROP_TOP_P,
  PROP_KV_TYPE,
  PROP_MATCH_LLAMA,
  PROP_HEAD_MODE,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

struct _BnKernelExecutor {
  BnBaseExecutor parent_instance;
  Device device;
  double temperature, top_p;
  guint top_k;
  KvType kv_type;
  gboolean match_llama;
  HeadMode head_mode;
  double bandwidth_gbs;
  double recent_gbs; /* the last probe after a decode, at recent_at (monotonic us; 0: none yet) */
  gint64 recent_at;
  /* while a model is run */
  BnEngine *engine;
  BnTokenizer *tok;
};

G_DEFINE_FINAL_TYPE (BnKernelExecutor, bn_kernel_executor, BN_TYPE_BASE_EXECUTOR)

static void
bn_kernel_executor_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnKernelExecutor *self = BN_KERNEL_EXECUTOR (object);
  switch (id) {
  case PROP_DEVICE: g_value_set_enum (value, self->device); break;
  case PROP_TEMPERATURE: g_value_set_double (value, self->temperature); break;
  case PROP_TOP_K: g_value_set_uint (value, self->top_k); break;
  case PROP_TOP_P: g_value_set_double (value, self->top_p); break;
  case PROP_KV_TYPE: g_value_set_enum (value, self->kv_type); break;
  case PROP_MATCH_LLAMA: g_value_set_boolean (value, self->match_llama); break;
  case PROP_HEAD_MODE: g_value_set_enum (value, self->head_mode); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_kernel_executor_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnKernelExecutor *self = BN_KERNEL_EXECUTOR (object);
  switch (id) {
  case PROP_DEVICE: self->device = g_value_get_enum (value); break;
  case PROP_TEMPERATURE:
    self->temperature = g_value_get_double (value);
    bn_base_executor_set_sampling (BN_BASE_EXECUTOR (self), self->temperature > 0);
    break;
  case PROP_TOP_K: self->top_k = g_value_get_uint (value); break;
  case PROP_TOP_P: self->top_p = g_value_get_double (value); break;
  case PROP_KV_TYPE: self->kv_type = g_value_get_enum (value); break;
  case PROP_MATCH_LLAMA: self->match_llama = g_value_get_boolean (value); break;
  case PROP_HEAD_MODE: self->head_mode = g_value_get_enum (value); break;
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
  if (!BN_ELEMENT_CLASS (bn_kernel_executor_parent_class)->start (element, error))
    return FALSE;
  self->bandwidth_gbs = 0; /* measured with the engine's thread count */
  self->recent_gbs = 0;
  self->recent_at = 0;
  guint iterations, warmup, tokens;
  g_object_get (self, "iterations", &iterations, "warmup", &warmup, "tokens", &tokens, NULL);
  g_debug ("%s: %u iteration(s) after %u warm-up, %u token(s) each", bn_element_get_name (element), iterations, warmup,
           tokens);
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

/* Seeded temperature / top-k / top-p sampling over candidates in a total
 * order (logit, then id), so the same seed gives the same tokens on any
 * machine; the base class decodes greedily when temperature is 0. */
static gint32
bn_kernel_executor_sample (BnBaseExecutor *base, const float *logits, guint n, GRand *rand)
{
  BnKernelExecutor *self = BN_KERNEL_EXECUTOR (base);
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

static gboolean
bn_kernel_executor_load (BnBaseExecutor *base, BnModel *model, GError **error)
{
  BnKernelExecutor *self = BN_KERNEL_EXECUTOR (base);
  self->tok = bn_model_new_tokenizer (model, NULL); /* NULL: no vocabulary, no text */
  return TRUE;
}

static gboolean
bn_kernel_executor_tokenize (BnBaseExecutor *base, const char *text, GArray *ids, GError **error)
{
  BnKernelExecutor *self = BN_KERNEL_EXECUTOR (base);
  if (!self->tok) /* again, for the reason */
    self->tok = bn_model_new_tokenizer (bn_base_executor_get_model (base), error);
  return self->tok && bn_tokenizer_encode (self->tok, text, -1, TRUE, ids, error);
}

/* head-mode=certified where nothing needs every logit: greedy decoding
 * (top 1) or sampling among at most 64 (top-k) */
static gboolean
setup_head (BnKernelExecutor *self, GError **error)
{
  BnBaseExecutor *base = BN_BASE_EXECUTOR (self);
  gboolean keep = FALSE;
  g_object_get (self, "keep-logits", &keep, NULL);
  gboolean sampling = self->temperature > 0 && !bn_env_is_true ("BITNET_DETERMINISTIC");
  guint k = sampling ? self->top_k : 1;
  if (self->head_mode != HEAD_CERTIFIED || keep || k == 0 || k > 64) {
    if (self->head_mode == HEAD_CERTIFIED)
      g_debug ("%s: head-mode=certified, but %s: the full head runs", bn_element_get_name (BN_ELEMENT (self)),
               keep ? "keep-logits needs every logit" : "sampling needs more than the best 64 logits");
    k = 0;
  }
  bn_base_executor_set_logits_partial (base, k > 0);
  return bn_engine_set_certified_head (self->engine, k, error);
}

static gboolean
bn_kernel_executor_prepare (BnBaseExecutor *base, guint n_ctx, guint n_threads, guint n_prompt, GError **error)
{
  BnKernelExecutor *self = BN_KERNEL_EXECUTOR (base);
  BnModel *model = bn_base_executor_get_model (base);
  BnEngineOptions opts = { 0 };
  opts.n_threads = n_threads;
  opts.n_ctx = n_ctx;
  opts.kv_f16 = self->kv_type == KV_F16;
  opts.act_q8k_matching = self->match_llama;
  self->engine = bn_engine_new (model, &opts, error);
  if (!self->engine || !setup_head (self, error))
    return FALSE;
  /* the read bandwidth for as many threads as the engine uses, measured
   * now: each run's ceiling is the better of this and its own figure */
  self->bandwidth_gbs = measure_bandwidth (model, bn_engine_get_n_threads (self->engine));
  return TRUE;
}

static void
bn_kernel_executor_reset (BnBaseExecutor *base)
{
  bn_engine_reset (BN_KERNEL_EXECUTOR (base)->engine);
}

static gboolean
bn_kernel_executor_prefill (BnBaseExecutor *base, gint32 *tokens, guint n, float *logits, GError **error)
{
  return bn_engine_eval (BN_KERNEL_EXECUTOR (base)->engine, tokens, n, logits, error);
}

static gboolean
bn_kernel_executor_decode (BnBaseExecutor *base, gint32 token, float *logits, GError **error)
{
  return bn_engine_eval (BN_KERNEL_EXECUTOR (base)->engine, &token, 1, logits, error);
}

static char *
bn_kernel_executor_detokenize (BnBaseExecutor *base, const gint32 *ids, guint n)
{
  BnKernelExecutor *self = BN_KERNEL_EXECUTOR (base);
  return self->tok ? bn_tokenizer_decode (self->tok, ids, n, TRUE, NULL) : NULL;
}

/* which head ran, with its counters since the iteration's reset */
static void
describe_head (BnEngine *engine, BnRecord *run)
{
  guint k = bn_engine_get_certified_head (engine);
  BnEngineHeadStats st;
  bn_engine_get_head_stats (engine, &st);
  bn_run_record_set_string (run, BN_RUN_FIELD_HEAD_MODE, k ? "certified" : "full");
  if (k) {
    bn_run_record_set_int (run, BN_RUN_FIELD_HEAD_TOP_K, k);
    bn_run_record_set_double (run, BN_RUN_FIELD_HEAD_CANDIDATES_MEAN,
                              st.steps ? (double) st.candidates / (double) st.steps : 0);
    bn_run_record_set_int (run, BN_RUN_FIELD_HEAD_CANDIDATES_MAX, (gint64) st.candidates_max);
    bn_run_record_set_int (run, BN_RUN_FIELD_HEAD_FALLBACKS, (gint64) st.fallbacks);
  } else {
    /* every row of the head, every step */
    bn_run_record_set_double (run, BN_RUN_FIELD_HEAD_CANDIDATES_MEAN, bn_engine_get_n_vocab (engine));
    bn_run_record_set_int (run, BN_RUN_FIELD_HEAD_CANDIDATES_MAX, bn_engine_get_n_vocab (engine));
    bn_run_record_set_int (run, BN_RUN_FIELD_HEAD_FALLBACKS, 0);
  }
}

static void
bn_kernel_executor_describe (BnBaseExecutor *base, BnRecord *run)
{
  BnKernelExecutor *self = BN_KERNEL_EXECUTOR (base);
  BnModel *model = bn_base_executor_get_model (base);
  BnEngine *engine = self->engine;
  double bytes = (double) bn_engine_get_bytes_per_token (engine);
  /* the shared machine's bandwidth moves from minute to minute: measured
   * again right after this iteration's decode (at most once a second: a
   * probe of a small model's 256 MB buffer costs more than its run), the
   * better of that and the start-up figure is the ceiling (never
   * flattering the fraction) */
  gint64 now = g_get_monotonic_time ();
  if (!self->recent_at || now - self->recent_at >= G_USEC_PER_SEC) {
    self->recent_gbs = measure_bandwidth (model, bn_engine_get_n_threads (engine));
    self->recent_at = g_get_monotonic_time ();
  }
  double bw = MAX (self->bandwidth_gbs, self->recent_gbs);
  double ceiling = bw > 0 ? bw * 1e9 / bytes : 0;
  double decode_tps = bn_run_record_get_double (run, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, 0);
  double kv_mb = bn_engine_get_kv_bytes (engine) / 1048576.0;
  double model_mb = bn_model_get_tensor_bytes (model) / 1048576.0;

  bn_run_record_set_string (run, BN_RUN_FIELD_BACKEND, "cpu");
  bn_run_record_set_string (run, BN_RUN_FIELD_KV_TYPE, self->kv_type == KV_F16 ? "f16" : "f32");
  bn_run_record_set_boolean (run, BN_RUN_FIELD_MATCH_LLAMA, self->match_llama);
  describe_head (engine, run);
  bn_run_record_set_int (run, BN_RUN_FIELD_THREADS, bn_engine_get_n_threads (engine));
  bn_run_record_set_double (run, BN_RUN_FIELD_KV_CACHE_MB, kv_mb);
  bn_run_record_set_double (run, BN_RUN_FIELD_MODEL_LOAD_TIME_MS, bn_model_get_load_time (model) / 1000.0);
  bn_run_record_set_double (run, BN_RUN_FIELD_MODEL_MAPPED_MB, bn_model_get_mapped_bytes (model) / 1048576.0);
  /* issue 5's memory bound: the model's bytes (mapped or in memory) + the
   * KV cache + 200 MB; peak_memory_mb is compared with it */
  bn_run_record_set_double (run, BN_RUN_FIELD_MODEL_BYTES_MB, model_mb);
  /* the certified head holds its screening copy on top (1 byte a weight,
   * 12 a row) */
  const BnModelConfig *c = bn_model_get_config (model);
  double screen_mb = bn_engine_get_certified_head (engine) ? (double) c->n_vocab * (c->n_embd + 12) / 1048576.0 : 0;
  bn_run_record_set_double (run, BN_RUN_FIELD_PEAK_MEMORY_BOUND_MB, model_mb + kv_mb + screen_mb + 200e6 / 1048576.0);
  bn_run_record_set_double (run, BN_RUN_FIELD_BYTES_PER_TOKEN, bytes);
  bn_run_record_set_double (run, BN_RUN_FIELD_READ_BANDWIDTH_GB_PER_S, bw);
  bn_run_record_set_double (run, BN_RUN_FIELD_CEILING_TOKENS_PER_SECOND, ceiling);
  bn_run_record_set_double (run, BN_RUN_FIELD_FRACTION_OF_CEILING, ceiling > 0 ? decode_tps / ceiling : 0);
  bn_run_record_set_string (run, BN_RUN_FIELD_MODEL_FINGERPRINT, bn_model_get_fingerprint (model));
  bn_run_record_set_string (run, BN_RUN_FIELD_MODEL_ARCHITECTURE, bn_model_get_architecture (model));
  bn_run_record_set_string (run, BN_RUN_FIELD_WEIGHT_FORMAT,
                            bn_caps_get_string (bn_item_get_caps (BN_ITEM (model)), 0, "format"));
  g_autoptr (GPtrArray) kernels = bn_engine_get_kernels_used (engine);
  JsonArray *names = json_array_sized_new (kernels->len);
  for (guint i = 0; i < kernels->len; i++)
    json_array_add_string_element (names, kernels->pdata[i]);
  bn_run_record_take_array (run, BN_RUN_FIELD_KERNELS, names);
  GVariant *acc = bn_model_get_annotation (model, "quantizer-accuracy");
  if (acc) {
    JsonNode *node = json_gvariant_serialize (acc);
    bn_run_record_take_object (run, BN_RUN_FIELD_QUANTIZER_ACCURACY, json_node_dup_object (node));
    json_node_unref (node);
  }
}

static void
bn_kernel_executor_unload (BnBaseExecutor *base)
{
  BnKernelExecutor *self = BN_KERNEL_EXECUTOR (base);
  g_clear_object (&self->engine);
  g_clear_pointer (&self->tok, bn_tokenizer_unref);
}

static void
bn_kernel_executor_class_init (BnKernelExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  BnBaseExecutorClass *executor_class = BN_BASE_EXECUTOR_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = bn_kernel_executor_get_property;
  object_class->set_property = bn_kernel_executor_set_property;
  element_class->start = bn_kernel_executor_start;
  executor_class->load = bn_kernel_executor_load;
  executor_class->tokenize = bn_kernel_executor_tokenize;
  executor_class->prepare = bn_kernel_executor_prepare;
  executor_class->reset = bn_kernel_executor_reset;
  executor_class->prefill = bn_kernel_executor_prefill;
  executor_class->decode = bn_kernel_executor_decode;
  executor_class->sample = bn_kernel_executor_sample;
  executor_class->detokenize = bn_kernel_executor_detokenize;
  executor_class->describe = bn_kernel_executor_describe;
  executor_class->unload = bn_kernel_executor_unload;

  props[PROP_DEVICE] =
      g_param_spec_enum ("device", "Device", "Where inference runs", device_get_type (), DEVICE_CPU, rw);
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
  /**
   * BnKernelExecutor:head-mode:
   *
   * How the output head runs: `full` computes every logit; `certified`
   * screens the f16 head with an int8 copy and computes exactly only the
   * rows that can rank first (or among the `top-k` best when sampling),
   * with tokens identical to `full`'s by construction. The full head runs
   * anyway with #BnBaseExecutor:keep-logits or when sampling over more
   * than 64 tokens; an output head that is not f16 is refused.
   *
   * Since: 0.2
   */
  props[PROP_HEAD_MODE] = g_param_spec_enum ("head-mode", "Head mode",
                                             "full: every logit; certified: exact logits only for the tokens that "
                                             "can rank first (or top-k), the same tokens at a lower cost",
                                             head_mode_get_type (), HEAD_FULL, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "Kernel executor", "Transform",
                                 "Runs real BitNet inference (prefill + decode) and emits one run "
                                 "record per timed iteration",
                                 "gst-bitnet developers");
}

static void
bn_kernel_executor_init (BnKernelExecutor *self)
{
  self->top_p = 1.0;
}
