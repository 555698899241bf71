/* gst-bitnet: the fields of a `bench/run` record, in one place
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_BENCH_INSIDE) && !defined(BN_BENCH_COMPILATION)
#error "Only <gst-bitnet/bench/bench.h> can be included directly."
#endif

#include <gst-bitnet/bench/bn-record.h>

G_BEGIN_DECLS

/**
 * BN_RUN_MEDIA_TYPE:
 *
 * The media type of a run record: `bench/run`.
 *
 * Since: 0.2
 */
#define BN_RUN_MEDIA_TYPE "bench/run"

/**
 * BN_RUN_SCHEMA_VERSION:
 *
 * The version of the run record's fields (docs/schemas/bench-run.md); it
 * grows when a field is added or changes meaning.
 *
 * Since: 0.2
 */
#define BN_RUN_SCHEMA_VERSION "1.0.0"

/**
 * BnRunField:
 * @BN_RUN_FIELD_COMPUTE_PATH: `compute_path`: `real` from a real executor, `mock` from mock-executor
 * @BN_RUN_FIELD_BACKEND: `backend`: `cpu`, `cuda` or `llama.cpp`
 * @BN_RUN_FIELD_BACKEND_VERSION: `backend_version`: version of the backend library (reference-executor)
 * @BN_RUN_FIELD_EXECUTOR: `executor`: element that produced the record
 * @BN_RUN_FIELD_ITERATION: `iteration`: 0-based index among timed iterations
 * @BN_RUN_FIELD_THREADS: `threads`: worker threads of the engine
 * @BN_RUN_FIELD_DETERMINISTIC: `deterministic`: `BITNET_DETERMINISTIC` in force
 * @BN_RUN_FIELD_GREEDY: `greedy`: greedy decoding used
 * @BN_RUN_FIELD_SEED: `seed`: sampling and synthetic-prompt seed
 * @BN_RUN_FIELD_TOKENS_REQUESTED: `tokens_requested`: tokens asked for
 * @BN_RUN_FIELD_TOKENS_GENERATED: `tokens_generated`: tokens produced
 * @BN_RUN_FIELD_PROMPT_TOKENS: `prompt_tokens`: length of the prompt
 * @BN_RUN_FIELD_PREFILL_MS: `prefill_ms`: prompt processing time (one batched pass)
 * @BN_RUN_FIELD_PREFILL_TOKENS_PER_SECOND: `prefill_tokens_per_second`: prompt tokens per second of prefill
 * @BN_RUN_FIELD_FIRST_TOKEN_LATENCY_MS: `first_token_latency_ms`: start of prefill to the first sampled token
 * @BN_RUN_FIELD_DECODE_MS: `decode_ms`: sum of the decode steps
 * @BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND: `decode_tokens_per_second`: decode steps per second
 * @BN_RUN_FIELD_TOKENS_PER_SECOND: `tokens_per_second`: generated tokens over the whole iteration
 * @BN_RUN_FIELD_TOTAL_TIME_MS: `total_time_ms`: wall time of the iteration
 * @BN_RUN_FIELD_AVERAGE_TOKEN_LATENCY_MS: `average_token_latency_ms`: mean decode step
 * @BN_RUN_FIELD_LATENCY_P50_MS: `latency_p50_ms`: median decode step
 * @BN_RUN_FIELD_LATENCY_P95_MS: `latency_p95_ms`: 95th percentile of the decode steps
 * @BN_RUN_FIELD_LATENCY_P99_MS: `latency_p99_ms`: 99th percentile of the decode steps
 * @BN_RUN_FIELD_DECODE_LATENCY_MS: `decode_latency_ms`: every decode step
 * @BN_RUN_FIELD_PREFILL_LATENCY_MS: `prefill_latency_ms`: every prefill pass
 * @BN_RUN_FIELD_CPU_UTILIZATION_PERCENT: `cpu_utilization_percent`: user + system CPU time over wall time
 * @BN_RUN_FIELD_MEMORY_USAGE_MB: `memory_usage_mb`: resident memory at the end of the iteration
 * @BN_RUN_FIELD_PEAK_MEMORY_MB: `peak_memory_mb`: peak resident memory of the process
 * @BN_RUN_FIELD_KV_CACHE_MB: `kv_cache_mb`: bytes of the KV cache
 * @BN_RUN_FIELD_MODEL_BYTES_MB: `model_bytes_mb`: bytes of all the model's tensors
 * @BN_RUN_FIELD_PEAK_MEMORY_BOUND_MB: `peak_memory_bound_mb`: the peak the engine is designed to stay under
 * @BN_RUN_FIELD_MODEL_LOAD_TIME_MS: `model_load_time_ms`: load (or synthesis) time of the model
 * @BN_RUN_FIELD_MODEL_MAPPED_MB: `model_mapped_mb`: bytes of the model file mapped
 * @BN_RUN_FIELD_BYTES_PER_TOKEN: `bytes_per_token`: weight bytes read per decoded token
 * @BN_RUN_FIELD_READ_BANDWIDTH_GB_PER_S: `read_bandwidth_gb_per_s`: read bandwidth of the executor's threads
 * @BN_RUN_FIELD_CEILING_TOKENS_PER_SECOND: `ceiling_tokens_per_second`: bandwidth over bytes per token
 * @BN_RUN_FIELD_FRACTION_OF_CEILING: `fraction_of_ceiling`: decode tokens/s over the ceiling
 * @BN_RUN_FIELD_MODEL_FINGERPRINT: `model_fingerprint`: identifies the model's content
 * @BN_RUN_FIELD_MODEL_ARCHITECTURE: `model_architecture`: the model's architecture
 * @BN_RUN_FIELD_WEIGHT_FORMAT: `weight_format`: the kernel format of the weights
 * @BN_RUN_FIELD_KERNELS: `kernels`: names of the kernels that really ran
 * @BN_RUN_FIELD_TOKEN_IDS: `token_ids`: the generated tokens
 * @BN_RUN_FIELD_TEXT: `text`: their text, when the model has a vocabulary
 * @BN_RUN_FIELD_LOGITS_DIGESTS: `logits_digests`: SHA-256 of the logits after prefill and every decode step
 * @BN_RUN_FIELD_QUANTIZER_ACCURACY: `quantizer_accuracy`: the quantizer's accuracy results
 * @BN_RUN_FIELD_LLAMA_CPP: `llama_cpp`: library, version and system info of llama.cpp
 * @BN_RUN_FIELD_MODEL_PATH: `model_path`: the GGUF file the executor ran
 * @BN_RUN_FIELD_FFN_ACTIVATION: `ffn_activation`: the FFN activation of the run
 * @BN_RUN_FIELD_LOGITS_STEPS: `logits_steps`: steps of the kept logits
 * @BN_RUN_FIELD_LOGITS_N_VOCAB: `logits_n_vocab`: logits per kept step
 * @BN_RUN_FIELD_PROMPT_TOKEN_IDS: `prompt_token_ids`: the prompt's token ids
 * @BN_RUN_FIELD_PROMPT_KIND: `prompt_kind`: how the prompt was given: `ids`, `text` or `synthetic`
 * @BN_RUN_FIELD_KV_TYPE: `kv_type`: element type of the KV cache (`f16`, `f32`), for replay
 * @BN_RUN_FIELD_MATCH_LLAMA: `match_llama`: activations quantized per block of 256 as llama.cpp does, for replay
 * @BN_RUN_FIELD_INJECTED_SLOWDOWN: `injected_slowdown`: calibration only: the fraction by which each decode step
 *   was slowed on purpose (inject-slowdown); strict mode, baseline-sink, the history and the reports refuse such runs
 * @BN_RUN_FIELD_EMULATED: `emulated`: measured under an emulator (qemu-user): its timings are never compared with
 *   a native machine's (since 0.2)
 * @BN_RUN_FIELD_HEAD_MODE: `head_mode`: how the output head ran: `full` (every logit) or `certified` (exact
 *   logits of the rows that can rank among the best `head_top_k`, -infinity elsewhere) (since 0.2)
 * @BN_RUN_FIELD_HEAD_TOP_K: `head_top_k`: best logits the certified head keeps exact (since 0.2)
 * @BN_RUN_FIELD_HEAD_CANDIDATES_MEAN: `head_candidates_mean`: rows whose logit was computed exactly, per step
 *   (the whole vocabulary with the full head) (since 0.2)
 * @BN_RUN_FIELD_HEAD_CANDIDATES_MAX: `head_candidates_max`: the most such rows in one step (since 0.2)
 * @BN_RUN_FIELD_HEAD_FALLBACKS: `head_fallbacks`: steps on which the certified head ran the full head (since 0.2)
 * @BN_RUN_N_FIELDS: the number of fields
 *
 * Every member of a `bench/run` record. Code names a field by its value
 * here and never spells its JSON name; bn_run_field_name() gives the name,
 * bn_run_field_type(), bn_run_field_unit() and bn_run_field_doc() the
 * rest of the one table that describes them. Only grows, at its end.
 *
 * Since: 0.2
 */
typedef enum {
  BN_RUN_FIELD_COMPUTE_PATH,
  BN_RUN_FIELD_BACKEND,
  BN_RUN_FIELD_BACKEND_VERSION,
  BN_RUN_FIELD_EXECUTOR,
  BN_RUN_FIELD_ITERATION,
  BN_RUN_FIELD_THREADS,
  BN_RUN_FIELD_DETERMINISTIC,
  BN_RUN_FIELD_GREEDY,
  BN_RUN_FIELD_SEED,
  BN_RUN_FIELD_TOKENS_REQUESTED,
  BN_RUN_FIELD_TOKENS_GENERATED,
  BN_RUN_FIELD_PROMPT_TOKENS,
  BN_RUN_FIELD_PREFILL_MS,
  BN_RUN_FIELD_PREFILL_TOKENS_PER_SECOND,
  BN_RUN_FIELD_FIRST_TOKEN_LATENCY_MS,
  BN_RUN_FIELD_DECODE_MS,
  BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND,
  BN_RUN_FIELD_TOKENS_PER_SECOND,
  BN_RUN_FIELD_TOTAL_TIME_MS,
  BN_RUN_FIELD_AVERAGE_TOKEN_LATENCY_MS,
  BN_RUN_FIELD_LATENCY_P50_MS,
  BN_RUN_FIELD_LATENCY_P95_MS,
  BN_RUN_FIELD_LATENCY_P99_MS,
  BN_RUN_FIELD_DECODE_LATENCY_MS,
  BN_RUN_FIELD_PREFILL_LATENCY_MS,
  BN_RUN_FIELD_CPU_UTILIZATION_PERCENT,
  BN_RUN_FIELD_MEMORY_USAGE_MB,
  BN_RUN_FIELD_PEAK_MEMORY_MB,
  BN_RUN_FIELD_KV_CACHE_MB,
  BN_RUN_FIELD_MODEL_BYTES_MB,
  BN_RUN_FIELD_PEAK_MEMORY_BOUND_MB,
  BN_RUN_FIELD_MODEL_LOAD_TIME_MS,
  BN_RUN_FIELD_MODEL_MAPPED_MB,
  BN_RUN_FIELD_BYTES_PER_TOKEN,
  BN_RUN_FIELD_READ_BANDWIDTH_GB_PER_S,
  BN_RUN_FIELD_CEILING_TOKENS_PER_SECOND,
  BN_RUN_FIELD_FRACTION_OF_CEILING,
  BN_RUN_FIELD_MODEL_FINGERPRINT,
  BN_RUN_FIELD_MODEL_ARCHITECTURE,
  BN_RUN_FIELD_WEIGHT_FORMAT,
  BN_RUN_FIELD_KERNELS,
  BN_RUN_FIELD_TOKEN_IDS,
  BN_RUN_FIELD_TEXT,
  BN_RUN_FIELD_LOGITS_DIGESTS,
  BN_RUN_FIELD_QUANTIZER_ACCURACY,
  BN_RUN_FIELD_LLAMA_CPP,
  BN_RUN_FIELD_MODEL_PATH,
  BN_RUN_FIELD_FFN_ACTIVATION,
  BN_RUN_FIELD_LOGITS_STEPS,
  BN_RUN_FIELD_LOGITS_N_VOCAB,
  BN_RUN_FIELD_PROMPT_TOKEN_IDS,
  BN_RUN_FIELD_PROMPT_KIND,
  BN_RUN_FIELD_KV_TYPE,
  BN_RUN_FIELD_MATCH_LLAMA,
  BN_RUN_FIELD_INJECTED_SLOWDOWN,
  BN_RUN_FIELD_EMULATED,
  BN_RUN_FIELD_HEAD_MODE,
  BN_RUN_FIELD_HEAD_TOP_K,
  BN_RUN_FIELD_HEAD_CANDIDATES_MEAN,
  BN_RUN_FIELD_HEAD_CANDIDATES_MAX,
  BN_RUN_FIELD_HEAD_FALLBACKS,
  BN_RUN_N_FIELDS
} BnRunField;

BN_BENCH_API const char *bn_run_field_name (BnRunField field);
BN_BENCH_API GType bn_run_field_type (BnRunField field);
BN_BENCH_API GType bn_run_field_element_type (BnRunField field);
BN_BENCH_API const char *bn_run_field_unit (BnRunField field);
BN_BENCH_API const char *bn_run_field_doc (BnRunField field);

BN_BENCH_API BnRecord *bn_run_record_new (void);
BN_BENCH_API gboolean bn_run_record_has (BnRecord *run, BnRunField field);
BN_BENCH_API void bn_run_record_set_int (BnRecord *run, BnRunField field, gint64 value);
BN_BENCH_API void bn_run_record_set_double (BnRecord *run, BnRunField field, double value);
BN_BENCH_API void bn_run_record_set_boolean (BnRecord *run, BnRunField field, gboolean value);
BN_BENCH_API void bn_run_record_set_string (BnRecord *run, BnRunField field, const char *value);
BN_BENCH_API void bn_run_record_take_array (BnRecord *run, BnRunField field, JsonArray *value);
BN_BENCH_API void bn_run_record_take_object (BnRecord *run, BnRunField field, JsonObject *value);
BN_BENCH_API gint64 bn_run_record_get_int (BnRecord *run, BnRunField field, gint64 fallback);
BN_BENCH_API double bn_run_record_get_double (BnRecord *run, BnRunField field, double fallback);
BN_BENCH_API gboolean bn_run_record_get_boolean (BnRecord *run, BnRunField field, gboolean fallback);
BN_BENCH_API const char *bn_run_record_get_string (BnRecord *run, BnRunField field);
BN_BENCH_API JsonArray *bn_run_record_get_array (BnRecord *run, BnRunField field);
BN_BENCH_API JsonObject *bn_run_record_get_object (BnRecord *run, BnRunField field);

BN_BENCH_API gboolean bn_run_object_has (JsonObject *run, BnRunField field);
BN_BENCH_API gint64 bn_run_object_get_int (JsonObject *run, BnRunField field, gint64 fallback);
BN_BENCH_API double bn_run_object_get_double (JsonObject *run, BnRunField field, double fallback);
BN_BENCH_API gboolean bn_run_object_get_boolean (JsonObject *run, BnRunField field, gboolean fallback);
BN_BENCH_API const char *bn_run_object_get_string (JsonObject *run, BnRunField field);
BN_BENCH_API JsonArray *bn_run_object_get_array (JsonObject *run, BnRunField field);
BN_BENCH_API JsonObject *bn_run_object_get_object (JsonObject *run, BnRunField field);

G_END_DECLS
