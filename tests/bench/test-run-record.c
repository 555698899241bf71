/* Tests of the run-record API (gst-bitnet/bench/bn-run-record.h). */
#include <gst-bitnet/bench/bench.h>
#include <string.h>

static void
test_table (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint f = 0; f < BN_RUN_N_FIELDS; f++) {
    const char *name = bn_run_field_name (f);
    g_assert_nonnull (name);
    g_assert_cmpuint (strspn (name, "abcdefghijklmnopqrstuvwxyz0123456789_"), ==, strlen (name));
    g_assert_false (g_hash_table_contains (seen, name));
    g_hash_table_add (seen, (gpointer) name);
    g_assert_cmpstr (bn_run_field_doc (f), !=, "");
    g_assert_true (bn_run_field_type (f) != G_TYPE_INVALID);
  }
  g_assert_cmpstr (bn_run_field_name (BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND), ==, "decode_tokens_per_second");
  g_assert_cmpstr (bn_run_field_unit (BN_RUN_FIELD_PREFILL_MS), ==, "ms");
  g_assert_null (bn_run_field_unit (BN_RUN_FIELD_COMPUTE_PATH));
  g_assert_true (bn_run_field_type (BN_RUN_FIELD_KERNELS) == JSON_TYPE_ARRAY);
  g_assert_true (bn_run_field_type (BN_RUN_FIELD_ITERATION) == G_TYPE_INT64);
  /* arrays say what they hold; nothing else has elements */
  for (guint f = 0; f < BN_RUN_N_FIELDS; f++) {
    GType e = bn_run_field_element_type (f);
    if (bn_run_field_type (f) == JSON_TYPE_ARRAY)
      g_assert_true (e == G_TYPE_STRING || e == G_TYPE_INT64 || e == G_TYPE_DOUBLE);
    else
      g_assert_true (e == G_TYPE_INVALID);
  }
  g_assert_true (bn_run_field_element_type (BN_RUN_FIELD_KERNELS) == G_TYPE_STRING);
  g_assert_true (bn_run_field_element_type (BN_RUN_FIELD_TOKEN_IDS) == G_TYPE_INT64);
  g_assert_true (bn_run_field_element_type (BN_RUN_FIELD_DECODE_LATENCY_MS) == G_TYPE_DOUBLE);
}

static void
test_round_trip (void)
{
  g_autoptr (BnRecord) run = bn_run_record_new ();
  g_assert_cmpstr (bn_caps_get_media_type (bn_item_get_caps (BN_ITEM (run)), 0), ==, BN_RUN_MEDIA_TYPE);
  g_assert_false (bn_run_record_has (run, BN_RUN_FIELD_SEED));
  bn_run_record_set_int (run, BN_RUN_FIELD_SEED, 42);
  bn_run_record_set_double (run, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, 31.5);
  bn_run_record_set_boolean (run, BN_RUN_FIELD_GREEDY, TRUE);
  bn_run_record_set_string (run, BN_RUN_FIELD_COMPUTE_PATH, "real");
  JsonArray *k = json_array_new ();
  json_array_add_string_element (k, "i2s_gemv");
  bn_run_record_take_array (run, BN_RUN_FIELD_KERNELS, k);
  bn_run_record_take_object (run, BN_RUN_FIELD_LLAMA_CPP, json_object_new ());

  g_assert_true (bn_run_record_has (run, BN_RUN_FIELD_SEED));
  g_assert_cmpint (bn_run_record_get_int (run, BN_RUN_FIELD_SEED, -1), ==, 42);
  g_assert_cmpfloat (bn_run_record_get_double (run, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, 0), ==, 31.5);
  g_assert_true (bn_run_record_get_boolean (run, BN_RUN_FIELD_GREEDY, FALSE));
  g_assert_cmpstr (bn_run_record_get_string (run, BN_RUN_FIELD_COMPUTE_PATH), ==, "real");
  g_assert_cmpuint (json_array_get_length (bn_run_record_get_array (run, BN_RUN_FIELD_KERNELS)), ==, 1);
  g_assert_nonnull (bn_run_record_get_object (run, BN_RUN_FIELD_LLAMA_CPP));
  /* the JSON member is the table's name */
  JsonObject *o = bn_record_get_object (run);
  g_assert_cmpfloat (json_object_get_double_member (o, "decode_tokens_per_second"), ==, 31.5);

  /* absent fields give the fallback */
  g_assert_cmpfloat (bn_run_record_get_double (run, BN_RUN_FIELD_PREFILL_MS, -2), ==, -2);
  g_assert_null (bn_run_record_get_string (run, BN_RUN_FIELD_TEXT));
  g_assert_null (bn_run_record_get_array (run, BN_RUN_FIELD_TOKEN_IDS));
  /* so do members of the wrong JSON type (a hand-edited receipt) */
  json_object_set_string_member (o, "prefill_ms", "fast");
  g_assert_cmpfloat (bn_run_record_get_double (run, BN_RUN_FIELD_PREFILL_MS, -3), ==, -3);
  json_object_set_int_member (o, "text", 1);
  g_assert_null (bn_run_record_get_string (run, BN_RUN_FIELD_TEXT));
}

/* a run read back as JSON, not wrapped in a record: the same getters */
static void
test_object (void)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  g_assert_true (json_parser_load_from_data (
      p,
      "{\"seed\": 7, \"decode_tokens_per_second\": 12, \"greedy\": false, \"backend\": \"cpu\", "
      "\"token_ids\": [1, 2], \"llama_cpp\": {}, \"prefill_ms\": \"fast\", \"text\": 3}",
      -1, NULL));
  JsonObject *o = json_node_get_object (json_parser_get_root (p));
  g_assert_true (bn_run_object_has (o, BN_RUN_FIELD_SEED));
  g_assert_false (bn_run_object_has (o, BN_RUN_FIELD_THREADS));
  g_assert_cmpint (bn_run_object_get_int (o, BN_RUN_FIELD_SEED, -1), ==, 7);
  g_assert_cmpint (bn_run_object_get_int (o, BN_RUN_FIELD_THREADS, -1), ==, -1);
  /* an integer where a number is due is that number */
  g_assert_cmpfloat (bn_run_object_get_double (o, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, -1), ==, 12);
  g_assert_false (bn_run_object_get_boolean (o, BN_RUN_FIELD_GREEDY, TRUE));
  g_assert_true (bn_run_object_get_boolean (o, BN_RUN_FIELD_DETERMINISTIC, TRUE));
  g_assert_cmpstr (bn_run_object_get_string (o, BN_RUN_FIELD_BACKEND), ==, "cpu");
  g_assert_cmpuint (json_array_get_length (bn_run_object_get_array (o, BN_RUN_FIELD_TOKEN_IDS)), ==, 2);
  g_assert_nonnull (bn_run_object_get_object (o, BN_RUN_FIELD_LLAMA_CPP));
  g_assert_null (bn_run_object_get_object (o, BN_RUN_FIELD_QUANTIZER_ACCURACY));
  /* members of the wrong JSON type give the fallback */
  g_assert_cmpfloat (bn_run_object_get_double (o, BN_RUN_FIELD_PREFILL_MS, -3), ==, -3);
  g_assert_null (bn_run_object_get_string (o, BN_RUN_FIELD_TEXT));
}

static void
test_wrong_type_refused (void)
{
  if (g_test_subprocess ()) {
    g_autoptr (BnRecord) run = bn_run_record_new ();
    bn_run_record_set_string (run, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, "fast");
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/run-record/table", test_table);
  g_test_add_func ("/run-record/round-trip", test_round_trip);
  g_test_add_func ("/run-record/object", test_object);
  g_test_add_func ("/run-record/wrong-type-refused", test_wrong_type_refused);
  return g_test_run ();
}
