/* Tests of the quantizer, kernel-bench and summary-sink elements. */
#include <gst-bitnet/bn.h>
#include <json-glib/json-glib.h>
#include <gst-bitnet/model/model.h>
#include <glib/gstdio.h>
#include <string.h>
#include <stdlib.h>

static char *tmpdir;

/* Runs @desc; returns the messages of the run. */
static GPtrArray *
run (const char *desc, GError **error)
{
  g_autoptr (GError) perr = NULL;
  g_autoptr (BnElement) p = bn_parse_launch (desc, &perr);
  g_assert_no_error (perr);
  bn_pipeline_run (BN_PIPELINE (p), error);
  GPtrArray *msgs = g_ptr_array_new_with_free_func (g_object_unref);
  for (BnMessage *m; (m = bn_bus_pop (bn_pipeline_get_bus (BN_PIPELINE (p))));)
    g_ptr_array_add (msgs, m);
  return msgs;
}

static void
run_only (const char *desc, GError **error)
{
  g_ptr_array_unref (run (desc, error));
}

static GVariant *
find_payload (GPtrArray *msgs, const char *name)
{
  for (guint i = 0; i < msgs->len; i++)
    if (!g_strcmp0 (bn_message_get_name (msgs->pdata[i]), name))
      return bn_message_get_payload (msgs->pdata[i]);
  return NULL;
}

static void
test_quantize_latent_all_formats (void)
{
  const char *formats[] = { "i2s", "tl1", "tl2", "tq2_0", "tq1_0" };
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++) {
    g_autofree char *desc =
        g_strdup_printf ("fixture-src size=tiny weights=f32 ! quantizer format=%s ! fakesink", formats[i]);
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) msgs = run (desc, &error);
    g_assert_no_error (error);
    GVariant *acc = find_payload (msgs, "quantizer-accuracy");
    g_assert_nonnull (acc);
    g_autoptr (GVariantDict) d = g_variant_dict_new (acc);
    gboolean pass = FALSE;
    double out = 1, e2e = 1, cosine = 0;
    const char *fmt = NULL;
    g_assert_true (g_variant_dict_lookup (d, "pass", "b", &pass));
    g_assert_true (g_variant_dict_lookup (d, "output-rel-mse", "d", &out));
    g_assert_true (g_variant_dict_lookup (d, "e2e-rel-mse", "d", &e2e));
    g_assert_true (g_variant_dict_lookup (d, "cosine-min", "d", &cosine));
    g_assert_true (g_variant_dict_lookup (d, "format", "&s", &fmt));
    g_assert_cmpstr (fmt, ==, formats[i]);
    g_assert_true (pass);
    g_assert_cmpfloat (out, <=, 1e-5);
    /* ternarizing Gaussian latent weights costs accuracy, but not all of it */
    g_assert_cmpfloat (e2e, >, 1e-3);
    g_assert_cmpfloat (cosine, >, 0.8);
    g_autoptr (GVariant) layers = g_variant_dict_lookup_value (d, "layers", G_VARIANT_TYPE_VARDICT);
    g_assert_cmpuint (g_variant_n_children (layers), ==, 14);
  }
}

static void
test_quantize_lossless (void)
{
  /* ternary to ternary keeps every weight: zero weight error */
  const char *pairs[][2] = { { "tq2_0", "i2s" }, { "i2_s", "tl2" }, { "tq1_0", "tq2_0" }, { "tq2_0", "tl1" } };
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++) {
    g_autofree char *desc = g_strdup_printf (
        "fixture-src size=tiny arch=bitnet weights=%s ! quantizer format=%s ! fakesink", pairs[i][0], pairs[i][1]);
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) msgs = run (desc, &error);
    g_assert_no_error (error);
    g_autoptr (GVariantDict) d = g_variant_dict_new (find_payload (msgs, "quantizer-accuracy"));
    double w = 1;
    g_assert_true (g_variant_dict_lookup (d, "weight-rel-mse", "d", &w));
    g_assert_cmpfloat (w, <, 1e-12);
  }
}

static void
test_quantize_refuses_shape (void)
{
  g_autoptr (GError) error = NULL;
  run_only ("fixture-src size=tiny weights=f32 hidden=128 ffn=384 heads=2 kv-heads=1 "
            "! quantizer format=tq2_0 ! fakesink",
            &error);
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS);
  g_assert_nonnull (strstr (error->message, "cannot be tiled by format tq2_0"));
}

static void
test_head_q8_0 (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "q8.gguf", NULL);
  g_autofree char *desc =
      g_strdup_printf ("fixture-src size=tiny ! quantizer head=q8_0 ! model-sink location=%s", path);
  g_autoptr (GError) error = NULL;
  run_only (desc, &error);
  g_assert_no_error (error);
  g_autoptr (BnGguf) g = bn_gguf_open (path, &error);
  g_assert_no_error (error);
  g_autoptr (BnModel) m = bn_model_new_from_gguf (g, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bn_model_find_tensor (m, "token_embd.weight")->type, ==, BN_GGUF_TYPE_Q8_0);
}

static void
test_kernel_bench_records (void)
{
  g_autofree char *out = g_build_filename (tmpdir, "k.json", NULL);
  g_autofree char *desc =
      g_strdup_printf ("kernel-bench formats=i2s,tl2,tq2_0 shapes=256x512 variants=all warmup-time=1ms "
                       "measurement-time=5ms min-samples=5 ! summary-sink silent=true location=%s",
                       out);
  g_autoptr (GError) error = NULL;
  run_only (desc, &error);
  g_assert_no_error (error);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (parser, out, &error));
  JsonArray *results = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "results");
  g_assert_cmpuint (json_array_get_length (results), >=, 3);
  for (guint i = 0; i < json_array_get_length (results); i++) {
    JsonObject *o = json_array_get_object_element (results, i);
    g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "bench/kernel");
    JsonObject *r = json_object_get_object_member (o, "result");
    g_assert_cmpint (json_array_get_length (json_object_get_array_member (r, "samples_ns")), >=, 5);
    double med = json_object_get_double_member (r, "median_ns");
    g_assert_cmpfloat (json_object_get_double_member (r, "ci95_low_ns"), <=, med);
    g_assert_cmpfloat (json_object_get_double_member (r, "ci95_high_ns"), >=, med);
    g_assert_cmpfloat (json_object_get_double_member (r, "gweights_per_s"), >, 0);
    g_assert_true (json_object_get_boolean_member (json_object_get_object_member (r, "accuracy"), "pass"));
    /* the kernel that really ran is named after its format */
    g_assert_true (
        g_str_has_prefix (json_object_get_string_member (r, "kernel"), json_object_get_string_member (r, "format")));
  }
}

static void
test_kernel_bench_bad_settings (void)
{
  g_autoptr (GError) error = NULL;
  run_only ("kernel-bench shapes=12by34 ! summary-sink silent=true", &error);
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS);
  g_assert_nonnull (strstr (error->message, "ROWSxCOLS"));
  g_clear_error (&error);
  run_only ("kernel-bench formats=q4 ! summary-sink silent=true", &error);
  g_assert_nonnull (strstr (error->message, "unknown format \"q4\""));
  g_clear_error (&error);
  run_only ("kernel-bench variants=sse9 ! summary-sink silent=true", &error);
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bn_init (&argc, &argv);
  tmpdir = g_dir_make_tmp ("bn-kelem-XXXXXX", NULL);
  g_test_add_func ("/kernel-elements/quantizer/latent-all-formats", test_quantize_latent_all_formats);
  g_test_add_func ("/kernel-elements/quantizer/lossless", test_quantize_lossless);
  g_test_add_func ("/kernel-elements/quantizer/refuses-shape", test_quantize_refuses_shape);
  g_test_add_func ("/kernel-elements/quantizer/head-q8_0", test_head_q8_0);
  g_test_add_func ("/kernel-elements/kernel-bench/records", test_kernel_bench_records);
  g_test_add_func ("/kernel-elements/kernel-bench/bad-settings", test_kernel_bench_bad_settings);
  int rc = g_test_run ();
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
  (void) !system (cmd);
  return rc;
}
