/* gst-bitnet: the fields of a `bench/run` record, in one place
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-run-record.h"

#include <glib/gi18n-lib.h>

/**
 * SECTION:bn-run-record
 * @title: Run records
 * @short_description: the `bench/run` record: one table of fields, typed accessors
 *
 * A run record is a #BnRecord of media type #BN_RUN_MEDIA_TYPE: one per
 * timed iteration of an executor. Its fields are listed once, in the
 * #BnRunField enumeration and the table behind bn_run_field_name(), as
 * GStreamer's message constructors and parsers know every field of a
 * message in one file. Executors build records with bn_run_record_new()
 * and the typed setters; sinks, validators and analyzers read them with
 * the typed getters, which check the field's type in the table. The
 * meaning of every field is in docs/schemas/bench-run.md.
 *
 * |[<!-- language="C" -->
 * g_autoptr (BnRecord) run = bn_run_record_new ();
 * bn_run_record_set_double (run, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, 31.5);
 * double tps = bn_run_record_get_double (run, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, 0);
 * ]|
 */

typedef enum { K_STRING, K_INT, K_DOUBLE, K_BOOLEAN, K_ARRAY, K_OBJECT } Kind;

typedef struct {
  const char *name;
  Kind kind;
  const char *unit;
  const char *doc;
  Kind element; /* of an array field */
} FieldInfo;

static const FieldInfo fields[BN_RUN_N_FIELDS] = {
  [BN_RUN_FIELD_COMPUTE_PATH] = { "compute_path", K_STRING, NULL,
                                  N_("`real` from a real executor, `mock` from mock-executor") },
  [BN_RUN_FIELD_BACKEND] = { "backend", K_STRING, NULL, N_("`cpu`, `cuda` or `llama.cpp`") },
  [BN_RUN_FIELD_BACKEND_VERSION] = { "backend_version", K_STRING, NULL,
                                     N_("version of the backend library (reference-executor)") },
  [BN_RUN_FIELD_EXECUTOR] = { "executor", K_STRING, NULL, N_("element that produced the record") },
  [BN_RUN_FIELD_ITERATION] = { "iteration", K_INT, NULL, N_("0-based index among timed iterations") },
  [BN_RUN_FIELD_THREADS] = { "threads", K_INT, NULL, N_("worker threads of the engine") },
  [BN_RUN_FIELD_DETERMINISTIC] = { "deterministic", K_BOOLEAN, NULL, N_("`BITNET_DETERMINISTIC` in force") },
  [BN_RUN_FIELD_GREEDY] = { "greedy", K_BOOLEAN, NULL, N_("greedy decoding used") },
  [BN_RUN_FIELD_SEED] = { "seed", K_INT, NULL, N_("sampling and synthetic-prompt seed") },
  [BN_RUN_FIELD_TOKENS_REQUESTED] = { "tokens_requested", K_INT, "tokens", N_("tokens asked for") },
  [BN_RUN_FIELD_TOKENS_GENERATED] = { "tokens_generated", K_INT, "tokens", N_("tokens produced") },
  [BN_RUN_FIELD_PROMPT_TOKENS] = { "prompt_tokens", K_INT, "tokens", N_("length of the prompt") },
  [BN_RUN_FIELD_PREFILL_MS] = { "prefill_ms", K_DOUBLE, "ms", N_("prompt processing time (one batched pass)") },
  [BN_RUN_FIELD_PREFILL_TOKENS_PER_SECOND] = { "prefill_tokens_per_second", K_DOUBLE, "tokens/s",
                                               N_("prompt tokens per second of prefill") },
  [BN_RUN_FIELD_FIRST_TOKEN_LATENCY_MS] = { "first_token_latency_ms", K_DOUBLE, "ms",
                                            N_("start of prefill to the first sampled token") },
  [BN_RUN_FIELD_DECODE_MS] = { "decode_ms", K_DOUBLE, "ms", N_("sum of the decode steps") },
  [BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND] = { "decode_tokens_per_second", K_DOUBLE, "tokens/s",
                                              N_("decode steps per second") },
  [BN_RUN_FIELD_TOKENS_PER_SECOND] = { "tokens_per_second", K_DOUBLE, "tokens/s",
                                       N_("generated tokens over the whole iteration") },
  [BN_RUN_FIELD_TOTAL_TIME_MS] = { "total_time_ms", K_DOUBLE, "ms", N_("wall time of the iteration") },
  [BN_RUN_FIELD_AVERAGE_TOKEN_LATENCY_MS] = { "average_token_latency_ms", K_DOUBLE, "ms", N_("mean decode step") },
  [BN_RUN_FIELD_LATENCY_P50_MS] = { "latency_p50_ms", K_DOUBLE, "ms", N_("median decode step") },
  [BN_RUN_FIELD_LATENCY_P95_MS] = { "latency_p95_ms", K_DOUBLE, "ms", N_("95th percentile of the decode steps") },
  [BN_RUN_FIELD_LATENCY_P99_MS] = { "latency_p99_ms", K_DOUBLE, "ms", N_("99th percentile of the decode steps") },
  [BN_RUN_FIELD_DECODE_LATENCY_MS] = { "decode_latency_ms", K_ARRAY, "ms", N_("every decode step"), K_DOUBLE },
  [BN_RUN_FIELD_PREFILL_LATENCY_MS] = { "prefill_latency_ms", K_ARRAY, "ms", N_("every prefill pass"), K_DOUBLE },
  [BN_RUN_FIELD_CPU_UTILIZATION_PERCENT] = { "cpu_utilization_percent", K_DOUBLE, "%",
                                             N_("user + system CPU time over wall time") },
  [BN_RUN_FIELD_MEMORY_USAGE_MB] = { "memory_usage_mb", K_DOUBLE, "MiB",
                                     N_("resident memory at the end of the iteration") },
  [BN_RUN_FIELD_PEAK_MEMORY_MB] = { "peak_memory_mb", K_DOUBLE, "MiB", N_("peak resident memory of the process") },
  [BN_RUN_FIELD_KV_CACHE_MB] = { "kv_cache_mb", K_DOUBLE, "MiB", N_("bytes of the KV cache") },
  [BN_RUN_FIELD_MODEL_BYTES_MB] = { "model_bytes_mb", K_DOUBLE, "MiB", N_("bytes of all the model's tensors") },
  [BN_RUN_FIELD_PEAK_MEMORY_BOUND_MB] = { "peak_memory_bound_mb", K_DOUBLE, "MiB",
                                          N_("the peak the engine is designed to stay under") },
  [BN_RUN_FIELD_MODEL_LOAD_TIME_MS] = { "model_load_time_ms", K_DOUBLE, "ms",
                                        N_("load (or synthesis) time of the model") },
  [BN_RUN_FIELD_MODEL_MAPPED_MB] = { "model_mapped_mb", K_DOUBLE, "MiB", N_("bytes of the model file mapped") },
  [BN_RUN_FIELD_BYTES_PER_TOKEN] = { "bytes_per_token", K_DOUBLE, "bytes", N_("weight bytes read per decoded token") },
  [BN_RUN_FIELD_READ_BANDWIDTH_GB_PER_S] = { "read_bandwidth_gb_per_s", K_DOUBLE, "GB/s",
                                             N_("read bandwidth of the executor's threads") },
  [BN_RUN_FIELD_CEILING_TOKENS_PER_SECOND] = { "ceiling_tokens_per_second", K_DOUBLE, "tokens/s",
                                               N_("bandwidth over bytes per token") },
  [BN_RUN_FIELD_FRACTION_OF_CEILING] = { "fraction_of_ceiling", K_DOUBLE, NULL,
                                         N_("decode tokens/s over the ceiling") },
  [BN_RUN_FIELD_MODEL_FINGERPRINT] = { "model_fingerprint", K_STRING, NULL, N_("identifies the model's content") },
  [BN_RUN_FIELD_MODEL_ARCHITECTURE] = { "model_architecture", K_STRING, NULL, N_("the model's architecture") },
  [BN_RUN_FIELD_WEIGHT_FORMAT] = { "weight_format", K_STRING, NULL, N_("the kernel format of the weights") },
  [BN_RUN_FIELD_KERNELS] = { "kernels", K_ARRAY, NULL, N_("names of the kernels that really ran"), K_STRING },
  [BN_RUN_FIELD_TOKEN_IDS] = { "token_ids", K_ARRAY, NULL, N_("the generated tokens"), K_INT },
  [BN_RUN_FIELD_TEXT] = { "text", K_STRING, NULL, N_("their text, when the model has a vocabulary") },
  [BN_RUN_FIELD_LOGITS_DIGESTS] = { "logits_digests", K_ARRAY, NULL,
                                    N_("SHA-256 of the logits after prefill and every decode step"), K_STRING },
  [BN_RUN_FIELD_QUANTIZER_ACCURACY] = { "quantizer_accuracy", K_OBJECT, NULL, N_("the quantizer's accuracy results") },
  [BN_RUN_FIELD_LLAMA_CPP] = { "llama_cpp", K_OBJECT, NULL, N_("library, version and system info of llama.cpp") },
  [BN_RUN_FIELD_MODEL_PATH] = { "model_path", K_STRING, NULL, N_("the GGUF file the executor ran") },
  [BN_RUN_FIELD_FFN_ACTIVATION] = { "ffn_activation", K_STRING, NULL, N_("the FFN activation of the run") },
  [BN_RUN_FIELD_LOGITS_STEPS] = { "logits_steps", K_INT, NULL, N_("steps of the kept logits") },
  [BN_RUN_FIELD_LOGITS_N_VOCAB] = { "logits_n_vocab", K_INT, NULL, N_("logits per kept step") },
  [BN_RUN_FIELD_PROMPT_TOKEN_IDS] = { "prompt_token_ids", K_ARRAY, NULL, N_("the prompt's token ids"), K_INT },
  [BN_RUN_FIELD_PROMPT_KIND] = { "prompt_kind", K_STRING, NULL,
                                 N_("how the prompt was given: `ids`, `text` or `synthetic`") },
  [BN_RUN_FIELD_KV_TYPE] = { "kv_type", K_STRING, NULL,
                             N_("element type of the KV cache (`f16`, `f32`), for replay") },
  [BN_RUN_FIELD_MATCH_LLAMA] = { "match_llama", K_BOOLEAN, NULL,
                                 N_("activations quantized per block of 256 as llama.cpp does, for replay") },
  [BN_RUN_FIELD_INJECTED_SLOWDOWN] = { "injected_slowdown", K_DOUBLE, NULL,
                                       N_("calibration only: the fraction by which each decode step was slowed on "
                                           "purpose (inject-slowdown); strict mode, baseline-sink, the history and "
                                           "the reports refuse such runs") },
  [BN_RUN_FIELD_EMULATED] = { "emulated", K_BOOLEAN, NULL,
                              N_("measured under an emulator (qemu-user): its timings are never compared with a "
                                  "native machine's") },
  [BN_RUN_FIELD_HEAD_MODE] = { "head_mode", K_STRING, NULL,
                               N_("how the output head ran: `full` (every logit) or `certified` (exact logits of "
                                   "the rows that can rank among the best head_top_k, -infinity elsewhere)") },
  [BN_RUN_FIELD_HEAD_TOP_K] = { "head_top_k", K_INT, NULL, N_("best logits the certified head keeps exact") },
  [BN_RUN_FIELD_HEAD_CANDIDATES_MEAN] = { "head_candidates_mean", K_DOUBLE, "rows",
                                          N_("rows whose logit was computed exactly, per step (the whole "
                                              "vocabulary with the full head)") },
  [BN_RUN_FIELD_HEAD_CANDIDATES_MAX] = { "head_candidates_max", K_INT, "rows", N_("the most such rows in one step") },
  [BN_RUN_FIELD_HEAD_FALLBACKS] = { "head_fallbacks", K_INT, NULL,
                                    N_("steps on which the certified head ran the full head") },
};

static gboolean
valid (BnRunField field)
{
  return (guint) field < BN_RUN_N_FIELDS;
}

static GType
gtype_of (Kind kind)
{
  switch (kind) {
  case K_STRING: return G_TYPE_STRING;
  case K_INT: return G_TYPE_INT64;
  case K_DOUBLE: return G_TYPE_DOUBLE;
  case K_BOOLEAN: return G_TYPE_BOOLEAN;
  case K_ARRAY: return JSON_TYPE_ARRAY;
  case K_OBJECT: return JSON_TYPE_OBJECT;
  }
  return G_TYPE_INVALID;
}

/**
 * bn_run_field_name:
 * @field: a field
 *
 * Gets the field's JSON member name, e.g. `decode_tokens_per_second`.
 *
 * Returns: (transfer none): the member name.
 *
 * Since: 0.2
 */
const char *
bn_run_field_name (BnRunField field)
{
  g_return_val_if_fail (valid (field), NULL);
  return fields[field].name;
}

/**
 * bn_run_field_type:
 * @field: a field
 *
 * Gets the type of the field's value: %G_TYPE_STRING, %G_TYPE_INT64,
 * %G_TYPE_DOUBLE, %G_TYPE_BOOLEAN, %JSON_TYPE_ARRAY or %JSON_TYPE_OBJECT.
 *
 * Returns: the type of the field's value.
 *
 * Since: 0.2
 */
GType
bn_run_field_type (BnRunField field)
{
  g_return_val_if_fail (valid (field), G_TYPE_INVALID);
  return gtype_of (fields[field].kind);
}

/**
 * bn_run_field_element_type:
 * @field: a field
 *
 * Gets the type of the elements of an array field: %G_TYPE_STRING,
 * %G_TYPE_INT64 or %G_TYPE_DOUBLE.
 *
 * Returns: the type of the field's elements, or %G_TYPE_INVALID for a
 *   field that is not an array.
 *
 * Since: 0.2
 */
GType
bn_run_field_element_type (BnRunField field)
{
  g_return_val_if_fail (valid (field), G_TYPE_INVALID);
  return fields[field].kind == K_ARRAY ? gtype_of (fields[field].element) : G_TYPE_INVALID;
}

/**
 * bn_run_field_unit:
 * @field: a field
 *
 * Gets the unit of the field's numbers (`ms`, `MiB`, `tokens/s`...).
 *
 * Returns: (transfer none) (nullable): the unit, or %NULL for a field
 *   without one.
 *
 * Since: 0.2
 */
const char *
bn_run_field_unit (BnRunField field)
{
  g_return_val_if_fail (valid (field), NULL);
  return fields[field].unit;
}

/**
 * bn_run_field_doc:
 * @field: a field
 *
 * Gets a one-line, translated description of the field.
 *
 * Returns: (transfer none): the description.
 *
 * Since: 0.2
 */
const char *
bn_run_field_doc (BnRunField field)
{
  g_return_val_if_fail (valid (field), NULL);
  return _ (fields[field].doc);
}

/**
 * bn_run_record_new:
 *
 * Creates an empty run record (media type #BN_RUN_MEDIA_TYPE) for an
 * executor to fill with the setters before it pushes the record.
 *
 * Returns: (transfer full): a new run record.
 *
 * Since: 0.2
 */
BnRecord *
bn_run_record_new (void)
{
  return bn_record_new (BN_RUN_MEDIA_TYPE, json_object_new ());
}

/* The record's object for a setter, after checking the field's kind. */
static JsonObject *
settable (BnRecord *run, BnRunField field, Kind kind)
{
  g_return_val_if_fail (BN_IS_RECORD (run), NULL);
  g_return_val_if_fail (valid (field), NULL);
  g_return_val_if_fail (fields[field].kind == kind, NULL);
  return bn_record_get_object (run);
}

/* The field's node when it is present and of @kind, else NULL. */
static JsonNode *
member (JsonObject *run, BnRunField field, Kind kind)
{
  g_return_val_if_fail (run != NULL, NULL);
  g_return_val_if_fail (valid (field), NULL);
  g_return_val_if_fail (fields[field].kind == kind, NULL);
  JsonNode *n = json_object_get_member (run, fields[field].name);
  if (!n)
    return NULL;
  switch (kind) {
  case K_ARRAY: return JSON_NODE_HOLDS_ARRAY (n) ? n : NULL;
  case K_OBJECT: return JSON_NODE_HOLDS_OBJECT (n) ? n : NULL;
  default: return JSON_NODE_HOLDS_VALUE (n) ? n : NULL;
  }
}

static JsonObject *
object_of (BnRecord *run)
{
  g_return_val_if_fail (BN_IS_RECORD (run), NULL);
  return bn_record_get_object (run);
}

/**
 * bn_run_record_has:
 * @run: a run record
 * @field: a field
 *
 * Checks whether the record carries @field.
 *
 * Returns: %TRUE when the field is present.
 *
 * Since: 0.2
 */
gboolean
bn_run_record_has (BnRecord *run, BnRunField field)
{
  JsonObject *o = object_of (run);
  return o && bn_run_object_has (o, field);
}

/**
 * bn_run_record_set_int:
 * @run: a run record not yet pushed
 * @field: an integer field
 * @value: its value
 *
 * Sets an integer field.
 *
 * Since: 0.2
 */
void
bn_run_record_set_int (BnRecord *run, BnRunField field, gint64 value)
{
  JsonObject *o = settable (run, field, K_INT);
  if (o)
    json_object_set_int_member (o, fields[field].name, value);
}

/**
 * bn_run_record_set_double:
 * @run: a run record not yet pushed
 * @field: a number field
 * @value: its value
 *
 * Sets a number field.
 *
 * Since: 0.2
 */
void
bn_run_record_set_double (BnRecord *run, BnRunField field, double value)
{
  JsonObject *o = settable (run, field, K_DOUBLE);
  if (o)
    json_object_set_double_member (o, fields[field].name, value);
}

/**
 * bn_run_record_set_boolean:
 * @run: a run record not yet pushed
 * @field: a boolean field
 * @value: its value
 *
 * Sets a boolean field.
 *
 * Since: 0.2
 */
void
bn_run_record_set_boolean (BnRecord *run, BnRunField field, gboolean value)
{
  JsonObject *o = settable (run, field, K_BOOLEAN);
  if (o)
    json_object_set_boolean_member (o, fields[field].name, value);
}

/**
 * bn_run_record_set_string:
 * @run: a run record not yet pushed
 * @field: a string field
 * @value: its value
 *
 * Sets a string field.
 *
 * Since: 0.2
 */
void
bn_run_record_set_string (BnRecord *run, BnRunField field, const char *value)
{
  JsonObject *o = settable (run, field, K_STRING);
  if (o)
    json_object_set_string_member (o, fields[field].name, value);
}

/**
 * bn_run_record_take_array:
 * @run: a run record not yet pushed
 * @field: an array field
 * @value: (transfer full): its value
 *
 * Sets an array field, taking @value.
 *
 * Since: 0.2
 */
void
bn_run_record_take_array (BnRecord *run, BnRunField field, JsonArray *value)
{
  JsonObject *o = settable (run, field, K_ARRAY);
  if (o)
    json_object_set_array_member (o, fields[field].name, value);
  else
    json_array_unref (value);
}

/**
 * bn_run_record_take_object:
 * @run: a run record not yet pushed
 * @field: an object field
 * @value: (transfer full): its value
 *
 * Sets an object field, taking @value.
 *
 * Since: 0.2
 */
void
bn_run_record_take_object (BnRecord *run, BnRunField field, JsonObject *value)
{
  JsonObject *o = settable (run, field, K_OBJECT);
  if (o)
    json_object_set_object_member (o, fields[field].name, value);
  else
    json_object_unref (value);
}

/**
 * bn_run_record_get_int:
 * @run: a run record
 * @field: an integer field
 * @fallback: returned when the field is absent or not a number
 *
 * Gets an integer field.
 *
 * Returns: the field's value, or @fallback.
 *
 * Since: 0.2
 */
gint64
bn_run_record_get_int (BnRecord *run, BnRunField field, gint64 fallback)
{
  JsonObject *o = object_of (run);
  return o ? bn_run_object_get_int (o, field, fallback) : fallback;
}

/**
 * bn_run_record_get_double:
 * @run: a run record
 * @field: a number field
 * @fallback: returned when the field is absent or not a number
 *
 * Gets a number field.
 *
 * Returns: the field's value, or @fallback.
 *
 * Since: 0.2
 */
double
bn_run_record_get_double (BnRecord *run, BnRunField field, double fallback)
{
  JsonObject *o = object_of (run);
  return o ? bn_run_object_get_double (o, field, fallback) : fallback;
}

/**
 * bn_run_record_get_boolean:
 * @run: a run record
 * @field: a boolean field
 * @fallback: returned when the field is absent or not a boolean
 *
 * Gets a boolean field.
 *
 * Returns: the field's value, or @fallback.
 *
 * Since: 0.2
 */
gboolean
bn_run_record_get_boolean (BnRecord *run, BnRunField field, gboolean fallback)
{
  JsonObject *o = object_of (run);
  return o ? bn_run_object_get_boolean (o, field, fallback) : fallback;
}

/**
 * bn_run_record_get_string:
 * @run: a run record
 * @field: a string field
 *
 * Gets a string field.
 *
 * Returns: (transfer none) (nullable): the field's value, or %NULL when it
 *   is absent or not a string.
 *
 * Since: 0.2
 */
const char *
bn_run_record_get_string (BnRecord *run, BnRunField field)
{
  JsonObject *o = object_of (run);
  return o ? bn_run_object_get_string (o, field) : NULL;
}

/**
 * bn_run_record_get_array:
 * @run: a run record
 * @field: an array field
 *
 * Gets an array field.
 *
 * Returns: (transfer none) (nullable): the field's value, or %NULL when it
 *   is absent or not an array.
 *
 * Since: 0.2
 */
JsonArray *
bn_run_record_get_array (BnRecord *run, BnRunField field)
{
  JsonObject *o = object_of (run);
  return o ? bn_run_object_get_array (o, field) : NULL;
}

/**
 * bn_run_record_get_object:
 * @run: a run record
 * @field: an object field
 *
 * Gets an object field.
 *
 * Returns: (transfer none) (nullable): the field's value, or %NULL when it
 *   is absent or not an object.
 *
 * Since: 0.2
 */
JsonObject *
bn_run_record_get_object (BnRecord *run, BnRunField field)
{
  JsonObject *o = object_of (run);
  return o ? bn_run_object_get_object (o, field) : NULL;
}

/**
 * bn_run_object_has:
 * @run: the object of a run record, e.g. one run of a receipt
 * @field: a field
 *
 * Checks whether @run carries @field; the bn_run_object_*() getters read
 * a run as the bn_run_record_*() ones do, from a #JsonObject that is not
 * wrapped in a #BnRecord (a run read back from a receipt or a report).
 *
 * Returns: %TRUE when the field is present.
 *
 * Since: 0.2
 */
gboolean
bn_run_object_has (JsonObject *run, BnRunField field)
{
  g_return_val_if_fail (run != NULL, FALSE);
  g_return_val_if_fail (valid (field), FALSE);
  return json_object_has_member (run, fields[field].name);
}

/**
 * bn_run_object_get_int:
 * @run: the object of a run record
 * @field: an integer field
 * @fallback: returned when the field is absent or not a number
 *
 * Gets an integer field of @run, like bn_run_record_get_int().
 *
 * Returns: the field's value, or @fallback.
 *
 * Since: 0.2
 */
gint64
bn_run_object_get_int (JsonObject *run, BnRunField field, gint64 fallback)
{
  JsonNode *n = member (run, field, K_INT);
  if (!n)
    return fallback;
  GType t = json_node_get_value_type (n);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE ? json_node_get_int (n) : fallback;
}

/**
 * bn_run_object_get_double:
 * @run: the object of a run record
 * @field: a number field
 * @fallback: returned when the field is absent or not a number
 *
 * Gets a number field of @run, like bn_run_record_get_double().
 *
 * Returns: the field's value, or @fallback.
 *
 * Since: 0.2
 */
double
bn_run_object_get_double (JsonObject *run, BnRunField field, double fallback)
{
  JsonNode *n = member (run, field, K_DOUBLE);
  if (!n)
    return fallback;
  GType t = json_node_get_value_type (n);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE ? json_node_get_double (n) : fallback;
}

/**
 * bn_run_object_get_boolean:
 * @run: the object of a run record
 * @field: a boolean field
 * @fallback: returned when the field is absent or not a boolean
 *
 * Gets a boolean field of @run, like bn_run_record_get_boolean().
 *
 * Returns: the field's value, or @fallback.
 *
 * Since: 0.2
 */
gboolean
bn_run_object_get_boolean (JsonObject *run, BnRunField field, gboolean fallback)
{
  JsonNode *n = member (run, field, K_BOOLEAN);
  return n && json_node_get_value_type (n) == G_TYPE_BOOLEAN ? json_node_get_boolean (n) : fallback;
}

/**
 * bn_run_object_get_string:
 * @run: the object of a run record
 * @field: a string field
 *
 * Gets a string field of @run, like bn_run_record_get_string().
 *
 * Returns: (transfer none) (nullable): the field's value, or %NULL when it
 *   is absent or not a string.
 *
 * Since: 0.2
 */
const char *
bn_run_object_get_string (JsonObject *run, BnRunField field)
{
  JsonNode *n = member (run, field, K_STRING);
  return n && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n) : NULL;
}

/**
 * bn_run_object_get_array:
 * @run: the object of a run record
 * @field: an array field
 *
 * Gets an array field of @run, like bn_run_record_get_array().
 *
 * Returns: (transfer none) (nullable): the field's value, or %NULL when it
 *   is absent or not an array.
 *
 * Since: 0.2
 */
JsonArray *
bn_run_object_get_array (JsonObject *run, BnRunField field)
{
  JsonNode *n = member (run, field, K_ARRAY);
  return n ? json_node_get_array (n) : NULL;
}

/**
 * bn_run_object_get_object:
 * @run: the object of a run record
 * @field: an object field
 *
 * Gets an object field of @run, like bn_run_record_get_object().
 *
 * Returns: (transfer none) (nullable): the field's value, or %NULL when it
 *   is absent or not an object.
 *
 * Since: 0.2
 */
JsonObject *
bn_run_object_get_object (JsonObject *run, BnRunField field)
{
  JsonNode *n = member (run, field, K_OBJECT);
  return n ? json_node_get_object (n) : NULL;
}
