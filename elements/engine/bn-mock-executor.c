/* gst-bitnet: mock-executor, fabricated results clearly marked as mock
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-engine-elements.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

/**
 * SECTION:element-mock-executor
 * @title: mock-executor
 *
 * MOCK: emits `bench/run` records with fabricated timings, `compute_path`
 * `mock` and kernel names starting with `mock_`. It computes nothing. It
 * exists only so that strict validation can be shown to refuse such
 * results; never use its figures.
 */

struct _BnMockExecutor {
  BnElement parent_instance;
  guint tokens, iterations;
  double tokens_per_second;
};

G_DEFINE_FINAL_TYPE (BnMockExecutor, bn_mock_executor, BN_TYPE_ELEMENT)

enum { PROP_0, PROP_TOKENS, PROP_ITERATIONS, PROP_TPS, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
bn_mock_executor_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnMockExecutor *self = BN_MOCK_EXECUTOR (object);
  switch (id) {
  case PROP_TOKENS: g_value_set_uint (value, self->tokens); break;
  case PROP_ITERATIONS: g_value_set_uint (value, self->iterations); break;
  case PROP_TPS: g_value_set_double (value, self->tokens_per_second); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_mock_executor_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnMockExecutor *self = BN_MOCK_EXECUTOR (object);
  switch (id) {
  case PROP_TOKENS: self->tokens = g_value_get_uint (value); break;
  case PROP_ITERATIONS: self->iterations = g_value_get_uint (value); break;
  case PROP_TPS: self->tokens_per_second = g_value_get_double (value); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

#define MAX_SAMPLES (1u << 22)

static BnFlowReturn
bn_mock_executor_chain (BnElement *element, BnPad *pad, BnItem *item)
{
  BnMockExecutor *self = BN_MOCK_EXECUTOR (element);
  g_object_unref (item);
  /* every latency sample is held as a JSON node (about 100 bytes) */
  if ((guint64) self->tokens * self->iterations > MAX_SAMPLES) {
    BN_ELEMENT_ERROR (element, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS,
                      _("tokens=%u x iterations=%u makes %" PRIu64 " latency samples; at most %u are "
                         "held in memory: lower tokens or iterations"),
                      self->tokens, self->iterations, (guint64) self->tokens * self->iterations, MAX_SAMPLES);
    return BN_FLOW_ERROR;
  }
  static const BnRunField latencies[] = {
    BN_RUN_FIELD_FIRST_TOKEN_LATENCY_MS, BN_RUN_FIELD_AVERAGE_TOKEN_LATENCY_MS, BN_RUN_FIELD_LATENCY_P50_MS,
    BN_RUN_FIELD_LATENCY_P95_MS,         BN_RUN_FIELD_LATENCY_P99_MS,
  };
  for (guint it = 0; it < self->iterations; it++) {
    double ms = 1000.0 / self->tokens_per_second;
    BnRecord *run = bn_run_record_new ();
    bn_run_record_set_string (run, BN_RUN_FIELD_COMPUTE_PATH, "mock");
    bn_run_record_set_boolean (run, BN_RUN_FIELD_EMULATED, bn_machine_emulator () != NULL);
    bn_run_record_set_string (run, BN_RUN_FIELD_BACKEND, "mock");
    bn_run_record_set_string (run, BN_RUN_FIELD_EXECUTOR, "mock-executor");
    bn_run_record_set_int (run, BN_RUN_FIELD_ITERATION, it);
    bn_run_record_set_int (run, BN_RUN_FIELD_THREADS, 1);
    bn_run_record_set_int (run, BN_RUN_FIELD_TOKENS_REQUESTED, self->tokens);
    bn_run_record_set_int (run, BN_RUN_FIELD_TOKENS_GENERATED, self->tokens);
    bn_run_record_set_double (run, BN_RUN_FIELD_TOKENS_PER_SECOND, self->tokens_per_second);
    bn_run_record_set_double (run, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, self->tokens_per_second);
    bn_run_record_set_double (run, BN_RUN_FIELD_TOTAL_TIME_MS, ms * self->tokens);
    for (guint i = 0; i < G_N_ELEMENTS (latencies); i++)
      bn_run_record_set_double (run, latencies[i], ms);
    bn_run_record_set_double (run, BN_RUN_FIELD_MEMORY_USAGE_MB, 0);
    JsonArray *k = json_array_new ();
    json_array_add_string_element (k, "mock_gemv");
    json_array_add_string_element (k, "mock_attention");
    bn_run_record_take_array (run, BN_RUN_FIELD_KERNELS, k);
    JsonArray *lat = json_array_new ();
    for (guint i = 0; i < self->tokens; i++)
      json_array_add_double_element (lat, ms);
    bn_run_record_take_array (run, BN_RUN_FIELD_DECODE_LATENCY_MS, lat);
    BnFlowReturn r = bn_element_push (element, BN_ITEM (run));
    if (r != BN_FLOW_OK)
      return r;
  }
  return BN_FLOW_OK;
}

static void
bn_mock_executor_class_init (BnMockExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = bn_mock_executor_get_property;
  object_class->set_property = bn_mock_executor_set_property;
  element_class->chain = bn_mock_executor_chain;
  props[PROP_TOKENS] = g_param_spec_uint ("tokens", "Tokens", "Tokens the fake runs claim", 1, 1 << 20, 64, rw);
  props[PROP_ITERATIONS] = g_param_spec_uint ("iterations", "Iterations", "Fake runs to emit", 1, 1000, 3, rw);
  props[PROP_TPS] = g_param_spec_double ("tokens-per-second", "Tokens per second",
                                         "The fabricated speed (the seed's mock claimed 200)", 0.001, 1e9, 200, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "MOCK executor (fabricated results)", "Transform",
                                 "MOCK: emits fabricated runs marked compute_path=mock with mock_ kernels, "
                                 "only so strict validation can be shown to refuse them; computes nothing",
                                 "gst-bitnet developers");
  bn_element_class_add_static_pad_template (element_class, "sink", BN_PAD_SINK, BN_PAD_ALWAYS, "ANY");
  bn_element_class_add_static_pad_template (element_class, "src", BN_PAD_SRC, BN_PAD_ALWAYS, "bench/run");
}

static void
bn_mock_executor_init (BnMockExecutor *self)
{
  self->tokens = 64;
  self->iterations = 3;
  self->tokens_per_second = 200;
}
