/* Tests of the JSON reading and writing every receipt, baseline and run
 * record goes through: bounded before parsing, typed before use, finite
 * when written. */
#include <gst-bitnet/bench/bench.h>
#include <gst-bitnet/bench/bn-json-private.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

/* 100,000 levels of nesting (200 KB) are refused before json-glib recurses. */
static void
test_depth_bounded (void)
{
  gsize n = 100000;
  g_autofree char *text = g_malloc (2 * n + 1);
  memset (text, '[', n);
  memset (text + n, ']', n);
  text[2 * n] = '\0';
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = bn_json_parse_bounded (text, 2 * n, "deep.json", &error);
  g_assert_null (root);
  g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "deep.json"));
  g_assert_nonnull (strstr (error->message, "64 levels"));
  g_clear_error (&error);
  /* brackets inside strings do not count */
  const char *ok = "{\"a\": \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}";
  g_autoptr (JsonNode) fine = bn_json_parse_bounded (ok, strlen (ok), "ok.json", &error);
  g_assert_no_error (error);
  g_assert_nonnull (fine);
}

/* A NUL byte is refused with its offset. */
static void
test_nul_refused (void)
{
  const char text[] = "{\"a\": 1}\0garbage";
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = bn_json_parse_bounded (text, sizeof text - 1, "nul.json", &error);
  g_assert_null (root);
  g_assert_nonnull (strstr (error->message, "offset 8"));
}

/* NaN and infinities are never written: the writer fails naming the member
 * and leaves no file. */
static void
test_non_finite_never_written (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bn-json-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "r.json", NULL);
  g_autoptr (JsonObject) o = json_object_new ();
  JsonObject *inner = json_object_new ();
  JsonArray *a = json_array_new ();
  json_array_add_double_element (a, 1.0);
  json_array_add_double_element (a, NAN);
  json_object_set_array_member (inner, "scale", a);
  json_object_set_object_member (o, "quantizer", inner);
  g_assert_false (bn_json_write_atomic (path, o, &error));
  g_assert_nonnull (strstr (error->message, "quantizer.scale[1]"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  json_array_remove_element (a, 1);
  json_array_add_double_element (a, INFINITY);
  g_assert_false (bn_json_write_atomic (path, o, &error));
  g_clear_error (&error);
  json_array_remove_element (a, 1);
  g_assert_true (bn_json_write_atomic (path, o, &error));
  g_assert_no_error (error);
  g_unlink (path);
  g_rmdir (dir);
}

/* Every known member of a run record has its type checked, naming it. */
static void
test_run_record_types (void)
{
  static const struct {
    const char *json, *member;
  } bad[] = {
    { "{\"kernels\": [7]}", "kernels" },
    { "{\"kernels\": \"i2s\"}", "kernels" },
    { "{\"compute_path\": 1}", "compute_path" },
    { "{\"tokens_generated\": 1.5}", "tokens_generated" },
    { "{\"decode_latency_ms\": [1, \"x\"]}", "decode_latency_ms" },
    { "{\"decode_tokens_per_second\": 1e999}", "decode_tokens_per_second" },
    { "{\"quantizer_accuracy\": 3}", "quantizer_accuracy" },
    { "{\"quantizer_accuracy\": {\"pass\": \"yes\"}}", "quantizer_accuracy.pass" },
    { "{\"token_ids\": [1, 2.5]}", "token_ids" },
    { "{\"deterministic\": null}", "deterministic" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (JsonNode) n = json_from_string (bad[i].json, &error);
    g_assert_no_error (error);
    g_assert_false (bn_run_record_check (json_node_get_object (n), "run 0", &error));
    g_autofree char *quoted = g_strdup_printf ("\"%s\"", bad[i].member);
    g_assert_nonnull (strstr (error->message, quoted));
  }
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) good = json_from_string ("{\"kernels\": [\"i2s_avx2\"], \"tokens_generated\": 4, "
                                                "\"decode_tokens_per_second\": 12, \"extension\": [7]}",
                                                &error);
  g_assert_true (bn_run_record_check (json_node_get_object (good), "run 0", &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/read/depth-bounded", test_depth_bounded);
  g_test_add_func ("/json/read/nul-refused", test_nul_refused);
  g_test_add_func ("/json/write/non-finite-never-written", test_non_finite_never_written);
  g_test_add_func ("/json/run-record/types", test_run_record_types);
  return g_test_run ();
}
