/* Tests of BnModel, the fixture generator, and the loader/fixture-src/model-sink elements. */
#include <gst-bitnet/bn.h>
#include <gst-bitnet/model/model.h>
#include <glib/gstdio.h>
#include <string.h>
#include <math.h>

static char *tmpdir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static BnModel *
fixture (const char *size, BnArch arch, BnGgufType wt, guint64 seed)
{
  BnFixtureParams p;
  g_autoptr (GError) error = NULL;
  g_assert_true (bn_fixture_params_init (&p, size, arch, &error));
  if (wt)
    p.weight_type = wt;
  p.seed = seed;
  BnModel *m = bn_fixture_generate (&p, &error);
  g_assert_no_error (error);
  return m;
}

static GBytes *
read_file (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (g_steal_pointer (&data), len);
}

static void
test_fixture_deterministic (void)
{
  g_autoptr (BnModel) a = fixture ("tiny", BN_ARCH_BITNET_B158, 0, 42);
  g_autoptr (BnModel) b = fixture ("tiny", BN_ARCH_BITNET_B158, 0, 42);
  g_autoptr (BnModel) c = fixture ("tiny", BN_ARCH_BITNET_B158, 0, 43);
  g_assert_cmpstr (bn_model_get_fingerprint (a), ==, bn_model_get_fingerprint (b));
  g_assert_cmpstr (bn_model_get_fingerprint (a), !=, bn_model_get_fingerprint (c));
  g_autofree char *pa = tmp_path ("a.gguf"), *pb = tmp_path ("b.gguf");
  g_autoptr (GError) error = NULL;
  g_assert_true (bn_model_write_gguf (a, pa, &error));
  g_assert_true (bn_model_write_gguf (b, pb, &error));
  g_autoptr (GBytes) ba = read_file (pa), bb = read_file (pb);
  g_assert_true (g_bytes_equal (ba, bb));
  /* "tiny" is for fast unit tests: well under 1 MB */
  g_assert_cmpuint (g_bytes_get_size (ba), <, 1024 * 1024);
  const BnModelConfig *cfg = bn_model_get_config (a);
  g_assert_cmpuint (cfg->n_layer, ==, 2);
  g_assert_cmpint (cfg->ffn_act, ==, BN_FFN_ACT_RELU2);
  g_assert_cmpstr (bn_model_get_weight_format (a), ==, "i2s");
  g_assert_true (cfg->tied_head);
}

static void
test_fixture_2b_shape (void)
{
  BnFixtureParams p;
  g_assert_true (bn_fixture_params_init (&p, "2b", BN_ARCH_BITNET_B158, NULL));
  /* BitNet b1.58 2B4T (docs/facts.md section 1) */
  g_assert_cmpuint (p.n_embd, ==, 2560);
  g_assert_cmpuint (p.n_ff, ==, 6912);
  g_assert_cmpuint (p.n_layer, ==, 30);
  g_assert_cmpuint (p.n_head, ==, 20);
  g_assert_cmpuint (p.n_head_kv, ==, 5);
  g_assert_cmpuint (p.n_vocab, ==, 128256);
  g_assert_cmpuint (p.n_ctx, ==, 4096);
  g_assert_cmpfloat (p.rope_theta, ==, 500000.0f);
  guint64 per_layer = 2560ull * 2560 * 2 + 2560ull * 640 * 2 + 2560ull * 6912 * 3;
  g_assert_cmpuint (per_layer, ==, 69468160);
  g_autoptr (GError) error = NULL;
  g_assert_false (bn_fixture_params_init (&p, "huge", BN_ARCH_BITNET, &error));
  g_assert_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_INVALID);
}

static void
test_roundtrip_all_types (void)
{
  const BnGgufType types[] = { BN_GGUF_TYPE_I2_S, BN_GGUF_TYPE_TQ2_0, BN_GGUF_TYPE_TQ1_0, BN_GGUF_TYPE_F32,
                               BN_GGUF_TYPE_F16 };
  const BnArch arches[] = { BN_ARCH_BITNET, BN_ARCH_BITNET_B158 };
  for (guint a = 0; a < G_N_ELEMENTS (arches); a++)
    for (guint i = 0; i < G_N_ELEMENTS (types); i++) {
      g_autoptr (BnModel) m = fixture ("tiny", arches[a], types[i], 7);
      g_autofree char *p1 = tmp_path ("rt1.gguf"), *p2 = tmp_path ("rt2.gguf");
      g_autoptr (GError) error = NULL;
      g_assert_true (bn_model_write_gguf (m, p1, &error));
      g_assert_no_error (error);
      g_autoptr (BnGguf) g = bn_gguf_open (p1, &error);
      g_assert_no_error (error);
      g_autoptr (BnModel) back = bn_model_new_from_gguf (g, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (bn_model_get_fingerprint (back), ==, bn_model_get_fingerprint (m));
      g_assert_cmpuint (bn_model_get_n_tensors (back), ==, bn_model_get_n_tensors (m));
      g_assert_true (bn_model_write_gguf (back, p2, &error));
      g_autoptr (GBytes) b1 = read_file (p1), b2 = read_file (p2);
      g_assert_true (g_bytes_equal (b1, b2));
      g_assert_cmpuint (bn_model_get_file_size (back), ==, g_bytes_get_size (b1));
      g_assert_cmpuint (bn_model_get_config (back)->ffn_act, ==,
                        arches[a] == BN_ARCH_BITNET ? BN_FFN_ACT_SILU : BN_FFN_ACT_RELU2);
    }
}

static void
test_tensor_scales (void)
{
  BnFixtureParams p;
  bn_fixture_params_init (&p, "tiny", BN_ARCH_BITNET, NULL);
  p.tensor_scales = TRUE;
  g_autoptr (GError) error = NULL;
  g_autoptr (BnModel) m = bn_fixture_generate (&p, &error);
  g_assert_no_error (error);
  float s = bn_model_get_layer_scale (m, 1, "ffn_down");
  g_assert_cmpfloat_with_epsilon (s, sqrtf (1.5f / 512), 1e-6);
  g_assert_cmpfloat (bn_model_get_layer_scale (m, 0, "no_such"), ==, 1.0f);
}

typedef struct {
  const char *key;
  BnGgufValue *value;
  BnModelError code;
  const char *fragment;
} Broken;

static void
test_config_errors (void)
{
  g_autoptr (BnModel) base = fixture ("tiny", BN_ARCH_BITNET_B158, 0, 1);
  Broken cases[] = {
    { "general.architecture", bn_gguf_value_new_string ("llama"), BN_MODEL_ERROR_UNSUPPORTED_ARCH,
      "\"llama\" is not a BitNet model" },
    { "bitnet-b1.58.attention.head_count", bn_gguf_value_new_uint32 (3), BN_MODEL_ERROR_INCONSISTENT,
      "3 attention heads do not divide the hidden size 256" },
    { "bitnet-b1.58.attention.head_count_kv", bn_gguf_value_new_uint32 (3), BN_MODEL_ERROR_INCONSISTENT,
      "3 key/value heads" },
    { "bitnet-b1.58.embedding_length", bn_gguf_value_new_uint32 (512), BN_MODEL_ERROR_BAD_SHAPE,
      "token_embd.weight has shape 256 x 512" },
    { "bitnet-b1.58.block_count", bn_gguf_value_new_uint32 (3), BN_MODEL_ERROR_MISSING_TENSOR,
      "blk.2.attn_norm.weight" },
    { "bitnet-b1.58.feed_forward_length", bn_gguf_value_new_string ("x"), BN_MODEL_ERROR_INCONSISTENT,
      "feed_forward_length must be" },
    { "bitnet-b1.58.rope.dimension_count", bn_gguf_value_new_uint32 (65), BN_MODEL_ERROR_INCONSISTENT,
      "RoPE dimension 65" },
    { "bitnet-b1.58.vocab_size", bn_gguf_value_new_uint32 (100), BN_MODEL_ERROR_INCONSISTENT,
      "100 tokens but token_embd.weight has 512 rows" },
    { "bitnet-b1.58.context_length", bn_gguf_value_new_uint32 (0), BN_MODEL_ERROR_INCONSISTENT, "must be positive" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (BnModel) m = bn_model_copy_unsealed (base);
    bn_model_set_metadata (m, cases[i].key, cases[i].value);
    g_autoptr (GError) error = NULL;
    g_assert_false (bn_model_update_config (m, &error));
    if (!g_error_matches (error, BN_MODEL_ERROR, cases[i].code) || !strstr (error->message, cases[i].fragment))
      g_error ("case %u (%s): %s", i, cases[i].key, error->message);
  }

  /* a missing required key */
  g_autoptr (BnModel) m = bn_model_new ();
  for (guint i = 0; i < bn_model_get_n_metadata (base); i++) {
    const char *k = bn_model_get_metadata_key (base, i);
    if (strcmp (k, "bitnet-b1.58.embedding_length"))
      bn_model_set_metadata (m, k, bn_gguf_value_copy (bn_model_get_metadata (base, k)));
  }
  g_autoptr (GError) error = NULL;
  g_assert_false (bn_model_update_config (m, &error));
  g_assert_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_MISSING_KEY);
  g_assert_nonnull (strstr (error->message, "bitnet-b1.58.embedding_length"));

  /* a tensor of a type the engine cannot read */
  g_autoptr (BnModel) q = bn_model_copy_unsealed (base);
  const BnTensor *t = bn_model_find_tensor (q, "blk.0.attn_q.weight");
  guint64 size = 0;
  bn_gguf_type_compute_size (BN_GGUF_TYPE_Q4_0, t->n_dims, t->dims, &size);
  g_autoptr (GBytes) zeros = g_bytes_new_take (g_malloc0 (size), size);
  g_clear_error (&error);
  g_assert_true (bn_model_replace_tensor (q, "blk.0.attn_q.weight", BN_GGUF_TYPE_Q4_0, zeros, &error));
  g_assert_false (bn_model_update_config (q, &error));
  g_assert_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_UNSUPPORTED_TYPE);
  g_assert_nonnull (strstr (error->message, "Q4_0"));
}

/* ---- elements, through bn-launch ------------------------------------------- */

typedef struct {
  int status;
  char *out, *err;
} Run;

static Run
launch (const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) g_getenv ("BN_LAUNCH"));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) p = g_subprocess_newv (
      (const char *const *) argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  Run r = { 0 };
  g_subprocess_communicate_utf8 (p, NULL, NULL, &r.out, &r.err, &error);
  r.status = g_subprocess_get_exit_status (p);
  return r;
}
#define LAUNCH(...) launch ((const char *const[]){ __VA_ARGS__, NULL })

static void
run_free (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}

static void
expect (const char *hay, const char *needle)
{
  if (!strstr (hay, needle))
    g_error ("expected «%s» in:\n%s", needle, hay);
}

static void
test_elements_fixture_to_file_and_back (void)
{
  g_autofree char *path = tmp_path ("t.gguf");
  g_autofree char *loc = g_strdup_printf ("location=%s", path);
  Run r = LAUNCH ("fixture-src", "size=tiny", "!", "model-sink", loc);
  g_assert_cmpint (r.status, ==, 0);
  run_free (&r);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  r = LAUNCH ("-v", "loader", loc, "!", "fakesink");
  g_assert_cmpint (r.status, ==, 0);
  expect (r.out, "bitnet-b1.58, 0.00");
  expect (r.out, "i2s weights");
  expect (r.out, "tensor types:");
  expect (r.out, "fingerprint blake2b:");
  expect (r.out, "load time");
  run_free (&r);

  /* BITNET_GGUF is the default location */
  g_setenv ("BITNET_GGUF", path, TRUE);
  r = LAUNCH ("loader", "!", "fakesink");
  g_assert_cmpint (r.status, ==, 0);
  run_free (&r);
  g_unsetenv ("BITNET_GGUF");

  /* copy a file through the pipeline */
  g_autofree char *copy = tmp_path ("sub/dir/copy.gguf");
  g_autofree char *cloc = g_strdup_printf ("location=%s", copy);
  r = LAUNCH ("loader", loc, "!", "model-sink", cloc);
  g_assert_cmpint (r.status, ==, 0);
  run_free (&r);
  g_autoptr (GBytes) a = read_file (path), b = read_file (copy);
  g_assert_true (g_bytes_equal (a, b));
}

static void
test_loader_errors (void)
{
  g_autofree char *missing = tmp_path ("missing.gguf");
  g_autofree char *mloc = g_strdup_printf ("location=%s", missing);
  Run r = LAUNCH ("loader", mloc, "!", "fakesink");
  g_assert_cmpint (r.status, ==, 1);
  expect (r.err, "loader");
  expect (r.err, missing);
  run_free (&r);

  /* truncated copy of a valid file */
  g_autofree char *good = tmp_path ("good.gguf"), *cut = tmp_path ("cut.gguf");
  g_autoptr (BnModel) m = fixture ("tiny", BN_ARCH_BITNET, 0, 3);
  g_assert_true (bn_model_write_gguf (m, good, NULL));
  g_autoptr (GBytes) bytes = read_file (good);
  g_assert_true (g_file_set_contents (cut, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes) / 2, NULL));
  g_autofree char *cloc = g_strdup_printf ("location=%s", cut);
  r = LAUNCH ("loader", cloc, "!", "fakesink");
  g_assert_cmpint (r.status, ==, 1);
  expect (r.err, "Cannot load model");
  expect (r.err, "offset");
  run_free (&r);

  /* no location at all */
  g_unsetenv ("BITNET_GGUF");
  r = LAUNCH ("loader", "!", "fakesink");
  g_assert_cmpint (r.status, ==, 1);
  expect (r.err, "BITNET_GGUF");
  run_free (&r);

  /* a GGUF file of another architecture */
  g_autoptr (BnModel) other = bn_model_copy_unsealed (m);
  bn_model_set_metadata (other, "general.architecture", bn_gguf_value_new_string ("llama"));
  g_autofree char *llama = tmp_path ("llama.gguf");
  g_assert_true (bn_model_write_gguf (other, llama, NULL));
  g_autofree char *lloc = g_strdup_printf ("location=%s", llama);
  r = LAUNCH ("loader", lloc, "!", "fakesink");
  g_assert_cmpint (r.status, ==, 1);
  expect (r.err, "\"llama\" is not a BitNet model");
  run_free (&r);
}

static void
test_model_sink_atomic (void)
{
  /* a path that cannot be created: nothing is left behind */
  g_autofree char *blocker = tmp_path ("blocker");
  g_assert_true (g_file_set_contents (blocker, "x", 1, NULL));
  g_autofree char *bad = g_build_filename (blocker, "m.gguf", NULL);
  g_autofree char *loc = g_strdup_printf ("location=%s", bad);
  Run r = LAUNCH ("fixture-src", "!", "model-sink", loc);
  g_assert_cmpint (r.status, ==, 1);
  expect (r.err, "model-sink");
  run_free (&r);
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));

  /* an existing file is replaced only by a complete one */
  g_autofree char *target = tmp_path ("keep.gguf");
  g_assert_true (g_file_set_contents (target, "old", 3, NULL));
  g_autofree char *tloc = g_strdup_printf ("location=%s", target);
  r = LAUNCH ("fixture-src", "hidden=100", "!", "model-sink", tloc); /* inconsistent: fails before writing */
  g_assert_cmpint (r.status, ==, 1);
  run_free (&r);
  g_autofree char *content = NULL;
  g_assert_true (g_file_get_contents (target, &content, NULL, NULL));
  g_assert_cmpstr (content, ==, "old");
}

static void
test_gen_fixtures_pipeline (void)
{
  g_autofree char *file = g_test_build_filename (G_TEST_DIST, "..", "pipelines", "gen-fixtures.bnp", NULL);
  g_autofree char *def = g_strdup_printf ("DIR=%s/fixtures", tmpdir);
  Run r = LAUNCH ("-q", "-f", file, "-D", def, "-D", "MEDIUM=small");
  g_assert_cmpint (r.status, ==, 0);
  run_free (&r);
  const char *names[] = { "tiny.gguf", "small.gguf", "medium.gguf" };
  for (guint i = 0; i < 3; i++) {
    g_autofree char *p = g_build_filename (tmpdir, "fixtures", names[i], NULL);
    g_autoptr (GError) error = NULL;
    g_autoptr (BnGguf) g = bn_gguf_open (p, &error);
    g_assert_no_error (error);
    g_autoptr (BnModel) m = bn_model_new_from_gguf (g, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (bn_model_get_config (m)->n_layer, >, 0);
  }
}

static void
rm_rf (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR)) {
    g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
    for (const char *n; d && (n = g_dir_read_name (d));) {
      g_autofree char *c = g_build_filename (path, n, NULL);
      rm_rf (c);
    }
    g_rmdir (path);
  } else {
    g_unlink (path);
  }
}

/* the fingerprint covers every metadata value and every tensor byte */
static void
test_fingerprint_covers_all (void)
{
  g_autoptr (BnModel) a = fixture ("tiny", BN_ARCH_BITNET_B158, 0, 42);
  const char *fa = bn_model_get_fingerprint (a);
  g_assert_true (g_str_has_prefix (fa, "blake2b:"));
  g_assert_cmpuint (strlen (fa), ==, strlen ("blake2b:") + 64);
  g_autoptr (GError) error = NULL;
  /* metadata the old sampled fingerprint ignored: rms-eps, RoPE base */
  const char *keys[] = { "bitnet-b1.58.attention.layer_norm_rms_epsilon", "bitnet-b1.58.rope.freq_base" };
  for (guint k = 0; k < G_N_ELEMENTS (keys); k++) {
    g_autoptr (BnModel) b = bn_model_copy_unsealed (a);
    g_assert_nonnull (bn_model_get_metadata (b, keys[k]));
    bn_model_set_metadata (b, keys[k], bn_gguf_value_new_float32 (0.5f));
    g_assert_true (bn_model_update_config (b, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (bn_model_get_fingerprint (b), !=, fa);
  }
  /* one byte in the middle of the largest tensor, away from any sampled window */
  const BnTensor *big = NULL;
  for (guint i = 0; i < bn_model_get_n_tensors (a); i++)
    if (!big || bn_model_get_tensor (a, i)->size > big->size)
      big = bn_model_get_tensor (a, i);
  guint8 *copy = g_memdup2 (big->data, big->size);
  copy[big->size / 2 + 4097] ^= 0x40;
  g_autoptr (GBytes) bytes = g_bytes_new_take (copy, big->size);
  g_autoptr (BnModel) c = bn_model_copy_unsealed (a);
  g_assert_true (bn_model_replace_tensor (c, big->name, big->type, bytes, &error));
  g_assert_true (bn_model_update_config (c, &error));
  g_assert_cmpstr (bn_model_get_fingerprint (c), !=, fa);
  /* the same model written and read back keeps its fingerprint (cached the second time) */
  g_autofree char *path = tmp_path ("fp.gguf");
  g_assert_true (bn_model_write_gguf (a, path, &error));
  for (guint round = 0; round < 2; round++) {
    g_autoptr (BnGguf) g = bn_gguf_open (path, &error);
    g_assert_no_error (error);
    g_autoptr (BnModel) back = bn_model_new_from_gguf (g, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (bn_model_get_fingerprint (back), ==, fa);
  }
}

/* a model whose norm holds NaN is refused at load, naming the tensor */
static void
test_non_finite_refused (void)
{
  g_autoptr (BnModel) a = fixture ("tiny", BN_ARCH_BITNET_B158, 0, 42);
  const BnTensor *norm = bn_model_find_tensor (a, "blk.1.ffn_norm.weight");
  g_assert_nonnull (norm);
  g_assert_cmpint (norm->type, ==, BN_GGUF_TYPE_F32);
  float *v = g_memdup2 (norm->data, norm->size);
  v[3] = NAN;
  g_autoptr (GBytes) bytes = g_bytes_new_take (v, norm->size);
  g_autoptr (BnModel) b = bn_model_copy_unsealed (a);
  g_autoptr (GError) error = NULL;
  g_assert_true (bn_model_replace_tensor (b, norm->name, norm->type, bytes, &error));
  g_assert_false (bn_model_update_config (b, &error));
  g_assert_error (error, BN_MODEL_ERROR, BN_MODEL_ERROR_NON_FINITE);
  g_assert_nonnull (strstr (error->message, "blk.1.ffn_norm.weight"));
  g_assert_nonnull (strstr (error->message, "element 3"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bn_init (&argc, &argv);
  tmpdir = g_dir_make_tmp ("bn-model-XXXXXX", NULL);
  g_test_add_func ("/model/fixture/deterministic", test_fixture_deterministic);
  g_test_add_func ("/model/fingerprint/covers-all", test_fingerprint_covers_all);
  g_test_add_func ("/model/fingerprint/non-finite-refused", test_non_finite_refused);
  g_test_add_func ("/model/fixture/2b-shape", test_fixture_2b_shape);
  g_test_add_func ("/model/fixture/tensor-scales", test_tensor_scales);
  g_test_add_func ("/model/roundtrip/all-types", test_roundtrip_all_types);
  g_test_add_func ("/model/config/errors", test_config_errors);
  g_test_add_func ("/model/elements/fixture-file-loader-copy", test_elements_fixture_to_file_and_back);
  g_test_add_func ("/model/elements/loader-errors", test_loader_errors);
  g_test_add_func ("/model/elements/model-sink-atomic", test_model_sink_atomic);
  g_test_add_func ("/model/pipelines/gen-fixtures", test_gen_fixtures_pipeline);
  int rc = g_test_run ();
  rm_rf (tmpdir);
  g_free (tmpdir);
  return rc;
}
