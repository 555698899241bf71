/* gst-bitnet: mock-executor, a paced stand-in for an engine, marked as mock
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-engine-elements.h"

#include <string.h>

/**
 * SECTION:element-mock-executor
 * @title: mock-executor
 *
 * MOCK: a #BnBaseExecutor that runs no model. Each prefill and decode step
 * waits 1/#BnMockExecutor:tokens-per-second seconds and writes fake logits
 * that make greedy decoding count upwards through the vocabulary. The base
 * class measures it like any executor, so its records carry every field
 * of a real run, and it marks them `compute_path` `mock`, `backend` `mock`
 * and kernels `mock_gemv`, `mock_attention`. It exists only so that strict
 * validation, receipt checks and the history can be shown to refuse such
 * results: never use its figures.
 *
 * |[
 * bn-launch loader fixture=tiny ! mock-executor ! strict-validator ! fakesink
 * ]| fails with the strict gate's "Mock computation" error.
 */

struct _BnMockExecutor {
  BnBaseExecutor parent_instance;
  double tokens_per_second;
};

G_DEFINE_FINAL_TYPE (BnMockExecutor, bn_mock_executor, BN_TYPE_BASE_EXECUTOR)

enum { PROP_0, PROP_TPS, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
bn_mock_executor_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BnMockExecutor *self = BN_MOCK_EXECUTOR (object);
  switch (id) {
  case PROP_TPS: g_value_set_double (value, self->tokens_per_second); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
bn_mock_executor_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BnMockExecutor *self = BN_MOCK_EXECUTOR (object);
  switch (id) {
  case PROP_TPS: self->tokens_per_second = g_value_get_double (value); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static gboolean
mock_load (BnBaseExecutor *base, BnModel *model, GError **error)
{
  return TRUE; /* nothing is computed from the weights */
}

static void
mock_reset (BnBaseExecutor *base)
{
}

/* The fake step: wait out the pace, then make @token + 1 the argmax. */
static void
mock_step (BnBaseExecutor *base, gint32 token, float *logits)
{
  guint n_vocab = bn_base_executor_get_n_vocab (base);
  /* in slices, so that a slow pace does not hold up a cancellation */
  double wait_us = G_USEC_PER_SEC / BN_MOCK_EXECUTOR (base)->tokens_per_second;
  for (; wait_us > 0 && !bn_element_is_cancelled (BN_ELEMENT (base)); wait_us -= 10000)
    g_usleep ((gulong) MIN (wait_us, 10000));
  memset (logits, 0, n_vocab * sizeof (float));
  logits[((guint) token + 1) % n_vocab] = 1.0f;
}

static gboolean
mock_prefill (BnBaseExecutor *base, gint32 *tokens, guint n, float *logits, GError **error)
{
  mock_step (base, n ? tokens[n - 1] : 0, logits);
  return TRUE;
}

static gboolean
mock_decode (BnBaseExecutor *base, gint32 token, float *logits, GError **error)
{
  mock_step (base, token, logits);
  return TRUE;
}

static void
mock_describe (BnBaseExecutor *base, BnRecord *run)
{
  JsonArray *kernels = json_array_new ();
  json_array_add_string_element (kernels, "mock_gemv");
  json_array_add_string_element (kernels, "mock_attention");
  bn_run_record_set_string (run, BN_RUN_FIELD_COMPUTE_PATH, "mock");
  bn_run_record_set_string (run, BN_RUN_FIELD_BACKEND, "mock");
  bn_run_record_take_array (run, BN_RUN_FIELD_KERNELS, kernels);
}

static void
bn_mock_executor_class_init (BnMockExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BnElementClass *element_class = BN_ELEMENT_CLASS (klass);
  BnBaseExecutorClass *executor_class = BN_BASE_EXECUTOR_CLASS (klass);

  object_class->get_property = bn_mock_executor_get_property;
  object_class->set_property = bn_mock_executor_set_property;
  executor_class->load = mock_load;
  executor_class->reset = mock_reset;
  executor_class->prefill = mock_prefill;
  executor_class->decode = mock_decode;
  executor_class->describe = mock_describe;
  /**
   * BnMockExecutor:tokens-per-second:
   *
   * The pace of the fake steps: each prefill and decode step waits
   * 1/tokens-per-second seconds (the seed's mock claimed 200).
   */
  props[PROP_TPS] = g_param_spec_double ("tokens-per-second", "Tokens per second",
                                         "Pace of the fake steps: each waits 1/tokens-per-second s (the seed's mock "
                                         "claimed 200)",
                                         0.1, 1e6, 200, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  bn_element_class_set_metadata (element_class, "MOCK executor (no model runs)", "Transform",
                                 "MOCK: runs no model; paced fake steps measured by the base class, marked "
                                 "compute_path=mock with mock_ kernels, only so strict validation can be shown "
                                 "to refuse them",
                                 "gst-bitnet developers");
}

static void
bn_mock_executor_init (BnMockExecutor *self)
{
  self->tokens_per_second = 200;
}
