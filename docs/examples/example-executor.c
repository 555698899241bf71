/* example-executor: a complete executor in one short file (docs/guide.md).
 * It runs the model through the toolkit's own engine with its defaults;
 * BnBaseExecutor does the prompt, the loop, the clock and the record.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst-bitnet/bench/bench.h>

#define EXAMPLE_TYPE_EXECUTOR (example_executor_get_type ())
G_DECLARE_FINAL_TYPE (ExampleExecutor, example_executor, EXAMPLE, EXECUTOR, BnBaseExecutor)

struct _ExampleExecutor {
  BnBaseExecutor parent_instance;
  BnEngine *engine;
};

G_DEFINE_FINAL_TYPE (ExampleExecutor, example_executor, BN_TYPE_BASE_EXECUTOR)

static gboolean
example_load (BnBaseExecutor *base, BnModel *model, GError **error)
{
  return TRUE; /* the model item is already in memory */
}

static gboolean
example_prepare (BnBaseExecutor *base, guint n_ctx, guint n_threads, guint n_prompt, GError **error)
{
  BnEngineOptions opts = { .n_threads = n_threads, .n_ctx = n_ctx, .kv_f16 = TRUE };
  EXAMPLE_EXECUTOR (base)->engine = bn_engine_new (bn_base_executor_get_model (base), &opts, error);
  return EXAMPLE_EXECUTOR (base)->engine != NULL;
}

static void
example_reset (BnBaseExecutor *base)
{
  bn_engine_reset (EXAMPLE_EXECUTOR (base)->engine);
}

static gboolean
example_prefill (BnBaseExecutor *base, gint32 *tokens, guint n, float *logits, GError **error)
{
  return bn_engine_eval (EXAMPLE_EXECUTOR (base)->engine, tokens, n, logits, error);
}

static gboolean
example_decode (BnBaseExecutor *base, gint32 token, float *logits, GError **error)
{
  return bn_engine_eval (EXAMPLE_EXECUTOR (base)->engine, &token, 1, logits, error);
}

static void
example_describe (BnBaseExecutor *base, BnRecord *run)
{
  BnEngine *engine = EXAMPLE_EXECUTOR (base)->engine;
  g_autoptr (GPtrArray) used = bn_engine_get_kernels_used (engine);
  JsonArray *kernels = json_array_new ();
  for (guint i = 0; i < used->len; i++)
    json_array_add_string_element (kernels, used->pdata[i]);
  bn_run_record_set_string (run, BN_RUN_FIELD_BACKEND, "cpu");
  bn_run_record_take_array (run, BN_RUN_FIELD_KERNELS, kernels);
  bn_run_record_set_double (run, BN_RUN_FIELD_BYTES_PER_TOKEN, (double) bn_engine_get_bytes_per_token (engine));
  bn_run_record_set_string (run, BN_RUN_FIELD_MODEL_FINGERPRINT,
                            bn_model_get_fingerprint (bn_base_executor_get_model (base)));
}

static void
example_unload (BnBaseExecutor *base)
{
  g_clear_object (&EXAMPLE_EXECUTOR (base)->engine);
}

static void
example_executor_class_init (ExampleExecutorClass *klass)
{
  BnBaseExecutorClass *executor_class = BN_BASE_EXECUTOR_CLASS (klass);
  executor_class->load = example_load;
  executor_class->prepare = example_prepare;
  executor_class->reset = example_reset;
  executor_class->prefill = example_prefill;
  executor_class->decode = example_decode;
  executor_class->describe = example_describe;
  executor_class->unload = example_unload;
  bn_element_class_set_metadata (BN_ELEMENT_CLASS (klass), "Example executor", "Transform",
                                 "Runs the model through the engine's defaults (docs/guide.md)",
                                 "gst-bitnet developers");
}

static void
example_executor_init (ExampleExecutor *self)
{
}

static gboolean
example_plugin_init (BnPlugin *plugin, GError **error)
{
  return bn_element_register (plugin, "example-executor", 0, EXAMPLE_TYPE_EXECUTOR);
}
