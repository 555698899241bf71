/* Tests of reference-executor and crossval against llama.cpp.
 *
 * They need the llama.cpp build that `make crossval-deps` fetches
 * (build-aux/fetch-llama-cpp.sh); without it every test that would run
 * llama.cpp is skipped with the reason, so machines without network pass. */
#include <gst-bitnet/bn.h>
#include <json-glib/json-glib.h>
#include <gst-bitnet/model/model.h>
#include <gst-bitnet/bench/bench.h>
#include <glib/gstdio.h>
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

#include "bn-test-schema.h"

#define PIN "3.22.1"

static char *tmpdir;
static char *library; /* libllama.so, or NULL when absent */
static const char *skip_reason;

static char *
default_library (void)
{
  const char *dir = g_getenv ("BN_LLAMA_CPP_DIR");
  if (dir && *dir)
    return g_build_filename (dir, "lib", "libllama.so", NULL);
  return g_build_filename (g_get_user_cache_dir (), "gst-bitnet", "llama.cpp", PIN, "lib", "libllama.so", NULL);
}

static gboolean
need_llama (void)
{
  if (library)
    return TRUE;
  g_test_skip (skip_reason);
  return FALSE;
}

static char *
path_in_tmp (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static gboolean
run (const char *desc, GError **error)
{
  g_autoptr (GError) perr = NULL;
  g_autoptr (BnElement) p = bn_parse_launch (desc, &perr);
  g_assert_no_error (perr);
  return bn_pipeline_run (BN_PIPELINE (p), error);
}

/* writes fixture SIZE (arch bitnet, WEIGHTS) to a file; returns its path */
static char *
fixture_file (const char *size, const char *weights, const char *extra)
{
  g_autofree char *name = g_strdup_printf ("%s-%s%s.gguf", size, weights, extra && *extra ? "-x" : "");
  char *path = path_in_tmp (name);
  g_autofree char *desc = g_strdup_printf ("fixture-src size=%s arch=bitnet weights=%s %s ! model-sink location=%s",
                                           size, weights, extra ? extra : "", path);
  g_autoptr (GError) error = NULL;
  g_assert_true (run (desc, &error));
  g_assert_no_error (error);
  return path;
}

/* ours and llama.cpp on FILE, one thread, through crossval; the result file */
static gboolean
crossval_file (const char *ours_src, const char *file, const char *opts, const char *out, GError **error)
{
  g_autofree char *desc = g_strdup_printf (
      "%s ! kernel-executor threads=1 tokens=24 iterations=3 warmup=0 keep-logits=true %s ! c.ours "
      "loader location=%s ! reference-executor threads=1 tokens=24 iterations=3 warmup=0 keep-logits=true %s "
      "! c.reference "
      "crossval name=c print=false location=%s",
      ours_src, opts, file, opts, out);
  return run (desc, error);
}

static JsonObject *
group0 (JsonObject *r)
{
  return json_array_get_object_element (json_object_get_array_member (r, "groups"), 0);
}

static void
assert_pass_figures (const char *out)
{
  g_autoptr (JsonNode) n = bn_test_json_load (out);
  JsonObject *r = json_node_get_object (n);
  g_assert_cmpstr (json_object_get_string_member (r, "status"), ==, "pass");
  g_assert_cmpstr (json_object_get_string_member (r, "kind"), ==, "gst-bitnet/comparison-results");
  g_assert_true (json_object_get_boolean_member (r, "same_model_file"));
  JsonObject *ref = json_object_get_object_member (r, "reference");
  g_assert_cmpstr (bn_run_object_get_string (ref, BN_RUN_FIELD_BACKEND), ==, "llama.cpp");
  g_assert_nonnull (strstr (bn_run_object_get_string (ref, BN_RUN_FIELD_BACKEND_VERSION), "llama.cpp"));
  JsonObject *g = group0 (r);
  g_assert_cmpint (json_object_get_int_member (g, "threads"), ==, 1);
  JsonObject *acc = json_object_get_object_member (g, "accuracy");
  JsonObject *lg = json_object_get_object_member (acc, "logits");
  g_assert_cmpint (json_object_get_int_member (lg, "steps"), ==, 24);
  g_assert_cmpint (json_object_get_int_member (lg, "steps_compared"), >=, 1);
  g_assert_cmpfloat (json_object_get_double_member (lg, "cosine_min"), >=, 0.99);
  g_assert_cmpfloat (json_object_get_double_member (lg, "cosine_min"), <=, 1.0 + 1e-9);
  JsonObject *tok = json_object_get_object_member (acc, "tokens");
  g_assert_cmpint (json_object_get_int_member (tok, "compared"), ==, 24);
  JsonObject *prompt = json_object_get_object_member (acc, "prompt");
  g_assert_true (json_object_get_boolean_member (prompt, "identical"));
  JsonObject *sp = json_object_get_object_member (g, "speed");
  JsonObject *d = json_object_get_object_member (sp, "decode_ratio");
  g_assert_cmpfloat (json_object_get_double_member (d, "ratio"), >, 0);
  g_assert_cmpint (json_object_get_int_member (d, "ours_samples"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (d, "reference_samples"), ==, 3);
  double lo = json_object_get_double_member (d, "ci95_low"), hi = json_object_get_double_member (d, "ci95_high");
  g_assert_cmpfloat (lo, <=, json_object_get_double_member (d, "ratio"));
  g_assert_cmpfloat (hi, >=, json_object_get_double_member (d, "ratio"));
  g_assert_true (json_object_has_member (json_object_get_object_member (sp, "prefill_ratio"), "ratio"));
}

static void
test_fixtures_pass (void)
{
  if (!need_llama ())
    return;
  const char *sizes[] = { "tiny", "small" };
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
    g_autofree char *file = fixture_file (sizes[i], "tq2_0", NULL);
    g_autofree char *out = path_in_tmp ("cmp.json");
    g_autofree char *src = g_strdup_printf ("loader location=%s", file);
    g_autoptr (GError) error = NULL;
    if (!crossval_file (src, file, "n-prompt=16", out, &error))
      g_error ("crossval of the %s fixture failed: %s", sizes[i], error->message);
    assert_pass_figures (out);
  }
}

static void
test_tq1_0_passes (void)
{
  if (!need_llama ())
    return;
  g_autofree char *file = fixture_file ("tiny", "tq1_0", NULL);
  g_autofree char *out = path_in_tmp ("cmp-tq1.json");
  g_autofree char *src = g_strdup_printf ("loader location=%s", file);
  g_autoptr (GError) error = NULL;
  if (!crossval_file (src, file, "n-prompt=16", out, &error))
    g_error ("crossval of a TQ1_0 fixture failed: %s", error->message);
  assert_pass_figures (out);
}

static void
test_text_prompt_tokenization (void)
{
  if (!need_llama ())
    return;
  g_autofree char *file = fixture_file ("tiny", "tq2_0", NULL);
  g_autofree char *out = path_in_tmp ("cmp-text.json");
  g_autofree char *src = g_strdup_printf ("loader location=%s", file);
  g_autoptr (GError) error = NULL;
  if (!crossval_file (src, file, "prompt=\"The quick brown fox, 123 times.\"", out, &error))
    g_error ("crossval with a text prompt failed: %s", error->message);
  g_autoptr (JsonNode) n = bn_test_json_load (out);
  JsonObject *prompt = json_object_get_object_member (
      json_object_get_object_member (group0 (json_node_get_object (n)), "accuracy"), "prompt");
  g_assert_cmpstr (json_object_get_string_member (prompt, "kind"), ==, "text");
  g_assert_true (json_object_get_boolean_member (prompt, "identical"));
  g_assert_cmpint (json_object_get_int_member (prompt, "ours_tokens"), >, 2);
}

static void
test_wrong_rope_fails (void)
{
  if (!need_llama ())
    return;
  /* the file says RoPE base 10000; ours runs the same weights with 400000 */
  g_autofree char *file = fixture_file ("tiny", "tq2_0", NULL);
  g_autofree char *out = path_in_tmp ("cmp-wrong.json");
  g_autoptr (GError) error = NULL;
  g_assert_false (crossval_file ("fixture-src size=tiny arch=bitnet weights=tq2_0 rope-theta=400000", file,
                                 "n-prompt=16", out, &error));
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "Cross-validation against llama.cpp failed, first at step 0"));
  g_assert_nonnull (strstr (error->message, "cosine similarity"));
  /* the results are written all the same, marked failed */
  g_autoptr (JsonNode) n = bn_test_json_load (out);
  JsonObject *r = json_node_get_object (n);
  g_assert_cmpstr (json_object_get_string_member (r, "status"), ==, "fail");
  g_assert_cmpint (json_object_get_int_member (r, "first_failing_step"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (r, "failures")), >=, 1);

  /* and bn-launch exits 1 with the message */
  g_autofree char *loc = g_strdup_printf ("location=%s", file);
  g_clear_error (&error);
  g_autoptr (GSubprocess) p =
      g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, g_getenv ("BN_LAUNCH"),
                        "-q", "fixture-src", "size=tiny", "arch=bitnet", "weights=tq2_0", "rope-theta=400000", "!",
                        "kernel-executor", "threads=1", "tokens=8", "iterations=1", "warmup=0", "keep-logits=true", "!",
                        "c.ours", "loader", loc, "!", "reference-executor", "threads=1", "tokens=8", "iterations=1",
                        "warmup=0", "keep-logits=true", "!", "c.reference", "crossval", "name=c", NULL);
  g_assert_no_error (error);
  g_autofree char *sout = NULL, *serr = NULL;
  g_subprocess_communicate_utf8 (p, NULL, NULL, &sout, &serr, &error);
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 1);
  g_assert_nonnull (strstr (serr, "first at step 0"));
  g_assert_nonnull (strstr (sout, "crossval: FAIL"));
}

static void
test_wrong_rope_tolerance_off (void)
{
  if (!need_llama ())
    return;
  /* the same mismatch only reported when asked not to fail */
  g_autofree char *file = fixture_file ("tiny", "tq2_0", NULL);
  g_autofree char *desc = g_strdup_printf (
      "fixture-src size=tiny arch=bitnet weights=tq2_0 rope-theta=400000 ! kernel-executor threads=1 tokens=4 "
      "iterations=1 warmup=0 keep-logits=true ! c.ours loader location=%s ! reference-executor threads=1 tokens=4 "
      "iterations=1 warmup=0 keep-logits=true ! c.reference crossval name=c print=false fail-on-mismatch=false "
      "! fakesink",
      file);
  g_autoptr (GError) error = NULL;
  g_assert_true (run (desc, &error));
  g_assert_no_error (error);
}

/* ours running bitnet.cpp's architecture (ReLU^2) against llama.cpp's
 * bitnet (SiLU) on otherwise identical weights: not the same model */
static void
test_architecture_mismatch_fails (void)
{
  if (!need_llama ())
    return;
  g_autofree char *file = fixture_file ("tiny", "tq2_0", NULL);
  g_autofree char *out = path_in_tmp ("cmp-arch.json");
  g_autoptr (GError) error = NULL;
  g_assert_false (
      crossval_file ("fixture-src size=tiny arch=bitnet-b1.58 weights=tq2_0", file, "n-prompt=16", out, &error));
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "ours ran architecture bitnet-b1.58 and llama.cpp bitnet (silu FFN)"));
}

/* bitnet.cpp's formats and architecture: refused with the reason */
static void
test_refusals (void)
{
  if (!need_llama ())
    return;
  struct {
    const char *fixture;
    const char *expect;
  } cases[] = {
    { "fixture-src size=tiny arch=bitnet weights=i2_s", "I2_S, a type of the bitnet.cpp fork" },
    { "fixture-src size=tiny arch=bitnet-b1.58 weights=tq2_0", "architecture bitnet-b1.58" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *file = path_in_tmp ("refused.gguf");
    g_autofree char *desc = g_strdup_printf ("%s location=%s ! reference-executor tokens=2 iterations=1 warmup=0 "
                                             "! fakesink",
                                             cases[i].fixture, file);
    g_autoptr (GError) error = NULL;
    g_assert_false (run (desc, &error));
    if (!strstr (error->message, cases[i].expect))
      g_error ("case %u: expected «%s» in «%s»", i, cases[i].expect, error->message);
  }
}

/* no llama.cpp: a clear error that says how to get it (runs everywhere) */
static void
test_missing_library (void)
{
  g_autoptr (GError) error = NULL;
  g_assert_false (run ("fixture-src size=tiny arch=bitnet weights=tq2_0 ! reference-executor "
                       "library=/nonexistent/libllama.so ! fakesink",
                       &error));
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE);
  g_assert_nonnull (strstr (error->message, "/nonexistent/libllama.so"));
  g_assert_nonnull (strstr (error->message, "make crossval-deps"));
  /* the default location, unset: the same advice */
  g_autofree char *empty = path_in_tmp ("no-llama");
  g_setenv ("BN_LLAMA_CPP_DIR", empty, TRUE);
  g_autoptr (GError) e2 = NULL;
  g_assert_false (run ("fixture-src size=tiny arch=bitnet weights=tq2_0 ! reference-executor ! fakesink", &e2));
  g_assert_nonnull (strstr (e2->message, "make crossval-deps"));
  g_assert_nonnull (strstr (e2->message, "llama.cpp is not installed"));
  g_unsetenv ("BN_LLAMA_CPP_DIR");
}

/* Interop: files written by model-sink and fixture-src run in llama.cpp
 * (every weight type its `bitnet` architecture reads), with the records
 * kernel-executor writes. */
static void
test_our_files_in_llama (void)
{
  if (!need_llama ())
    return;
  const char *weights[] = { "tq2_0", "tq1_0", "f16", "f32" };
  for (guint i = 0; i < G_N_ELEMENTS (weights); i++) {
    g_autofree char *file = fixture_file ("tiny", weights[i], "tensor-scales=true");
    g_autofree char *out = path_in_tmp ("runs.json");
    g_autofree char *desc = g_strdup_printf ("loader location=%s ! reference-executor threads=1 tokens=4 "
                                             "iterations=2 warmup=0 ! summary-sink silent=true location=%s",
                                             file, out);
    g_autoptr (GError) error = NULL;
    if (!run (desc, &error))
      g_error ("llama.cpp did not run our %s file: %s", weights[i], error->message);
    g_autofree char *text = NULL;
    g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "\"llama.cpp\""));
  }
}

/* Interop the other way: a TQ2_0 file written by llama.cpp's own quantizer
 * (llama_model_quantize, as the llama-quantize tool) from our float fixture
 * loads in our loader and agrees with llama.cpp on it. */
typedef struct {
  int32_t nthread, ftype, output_tensor_type, token_embedding_type;
  guint8 rest[1008];
} QParams;

static void
test_llama_file_in_ours (void)
{
  if (!need_llama ())
    return;
  g_autofree char *f32 = fixture_file ("tiny", "f32", NULL);
  g_autofree char *tq2 = path_in_tmp ("by-llama-tq2_0.gguf");
  void *h = dlopen (library, RTLD_NOW | RTLD_LOCAL);
  g_assert_nonnull (h);
  void (*load_all) (const char *) = (void (*) (const char *)) dlsym (h, "ggml_backend_load_all_from_path");
  void (*init) (void) = (void (*) (void)) dlsym (h, "llama_backend_init");
  QParams (*defaults) (void) = (QParams (*) (void)) dlsym (h, "llama_model_quantize_default_params");
  uint32_t (*quantize) (const char *, const char *, const QParams *) =
      (uint32_t (*) (const char *, const char *, const QParams *)) dlsym (h, "llama_model_quantize");
  g_assert_true (load_all && init && defaults && quantize);
  g_autofree char *dir = g_path_get_dirname (library);
  load_all (dir);
  init ();
  QParams qp = defaults ();
  qp.nthread = 1;
  qp.ftype = 37;             /* LLAMA_FTYPE_MOSTLY_TQ2_0 */
  qp.output_tensor_type = 1; /* GGML_TYPE_F16 */
  qp.token_embedding_type = 1;
  g_assert_cmpuint (quantize (f32, tq2, &qp), ==, 0);

  g_autoptr (GError) error = NULL;
  g_autoptr (BnGguf) gguf = bn_gguf_open (tq2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bn_gguf_get_architecture (gguf), ==, "bitnet");
  g_assert_cmpint (bn_gguf_find_tensor (gguf, "blk.0.attn_q.weight")->type, ==, BN_GGUF_TYPE_TQ2_0);
  g_autoptr (BnModel) model = bn_model_new_from_gguf (gguf, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bn_model_get_weight_format (model), ==, "tq2_0");

  g_autofree char *out = path_in_tmp ("cmp-llama-file.json");
  g_autofree char *src = g_strdup_printf ("loader location=%s", tq2);
  if (!crossval_file (src, tq2, "n-prompt=16", out, &error))
    g_error ("crossval on llama.cpp's own TQ2_0 file failed: %s", error->message);
  assert_pass_figures (out);
}

/* Two thread counts and request pads: one group each, interleaved rounds. */
static void
test_groups_and_rounds (void)
{
  if (!need_llama ())
    return;
  g_autofree char *file = fixture_file ("tiny", "tq2_0", NULL);
  g_autofree char *out = path_in_tmp ("cmp-groups.json");
  g_autofree char *desc = g_strdup_printf (
      "loader location=%s ! tee name=t "
      "t. ! kernel-executor threads=1 tokens=8 iterations=2 warmup=0 keep-logits=true ! c.ours "
      "t. ! reference-executor threads=1 tokens=8 iterations=2 warmup=0 keep-logits=true ! c.reference "
      "t. ! kernel-executor threads=2 tokens=8 iterations=2 warmup=0 ! c.ours_%%u "
      "t. ! reference-executor threads=2 tokens=8 iterations=2 warmup=0 ! c.reference_%%u "
      "t. ! kernel-executor threads=1 tokens=8 iterations=2 warmup=0 ! c.ours_%%u "
      "t. ! reference-executor threads=1 tokens=8 iterations=2 warmup=0 ! c.reference_%%u "
      "crossval name=c print=false location=%s ! fakesink",
      file, out);
  g_autoptr (GError) error = NULL;
  if (!run (desc, &error))
    g_error ("%s", error->message);
  g_autoptr (JsonNode) n = bn_test_json_load (out);
  JsonArray *groups = json_object_get_array_member (json_node_get_object (n), "groups");
  g_assert_cmpuint (json_array_get_length (groups), ==, 2);
  JsonObject *g1 = json_array_get_object_element (groups, 0), *g2 = json_array_get_object_element (groups, 1);
  g_assert_cmpint (json_object_get_int_member (g1, "threads"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (g2, "threads"), ==, 2);
  JsonObject *d1 = json_object_get_object_member (json_object_get_object_member (g1, "speed"), "decode_ratio");
  g_assert_cmpint (json_object_get_int_member (d1, "ours_samples"), ==, 4);
  g_assert_true (json_object_has_member (json_object_get_object_member (g1, "accuracy"), "logits"));
  /* the thread-2 group kept no logits: tokens only */
  g_assert_false (json_object_has_member (json_object_get_object_member (g2, "accuracy"), "logits"));
  g_assert_cmpint (
      json_object_get_int_member (
          json_object_get_object_member (json_object_get_object_member (g2, "accuracy"), "tokens"), "compared"),
      ==, 8);
  /* two samples a side: no interval claimed */
  JsonObject *d2 = json_object_get_object_member (json_object_get_object_member (g2, "speed"), "decode_ratio");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (d2, "ci95_low")));
}

/* A Python that can run llama.cpp's gguf-py (numpy, yaml), and gguf-py
 * itself (fetched by `make crossval-deps` beside the library); FALSE, the
 * test skipped with the reason, when either is missing. */
static gboolean
need_gguf_py (char **python, char **gguf_py)
{
  if (!need_llama ())
    return FALSE;
  g_autofree char *lib_dir = g_path_get_dirname (library);
  g_autofree char *top = g_path_get_dirname (lib_dir);
  g_autofree char *dir = g_build_filename (top, "gguf-py", NULL);
  g_autofree char *init = g_build_filename (dir, "gguf", "__init__.py", NULL);
  if (!g_file_test (init, G_FILE_TEST_EXISTS)) {
    g_test_skip ("llama.cpp's gguf-py is not installed beside the library: run `make crossval-deps`");
    return FALSE;
  }
  const char *candidates[] = { g_getenv ("BN_TEST_PYTHON"), "python3", "/usr/bin/python3" };
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++) {
    if (!candidates[i] || !*candidates[i])
      continue;
    g_autoptr (GSubprocess) p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                                  NULL, candidates[i], "-c", "import numpy, yaml", NULL);
    if (p && g_subprocess_wait_check (p, NULL, NULL)) {
      *python = g_strdup (candidates[i]);
      *gguf_py = g_steal_pointer (&dir);
      return TRUE;
    }
  }
  g_test_skip ("no Python with numpy and yaml for llama.cpp's gguf-py (apt-get install python3-numpy python3-yaml)");
  return FALSE;
}

/* A file without a vocabulary, written by llama.cpp's own gguf-py
 * (tokenizer.ggml.model none, no <arch>.vocab_size): in process, llama.cpp
 * aborted on it; now it runs on token ids and crossval compares them. */
static void
test_no_vocab_file (void)
{
  g_autofree char *python = NULL, *gguf_py = NULL;
  if (!need_gguf_py (&python, &gguf_py))
    return;
  g_autofree char *file = fixture_file ("tiny", "tq2_0", NULL);
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "elements", "crossval", "gguf-no-vocab.py", NULL);
  /* with <arch>.vocab_size (llama.cpp makes dummy tokens; its detokenizer
   * asserted) and without (it has no logits size: given by an override) */
  for (guint drop = 0; drop < 2; drop++) {
    g_autofree char *bare = path_in_tmp (drop ? "no-vocab-size.gguf" : "no-vocab.gguf");
    g_autoptr (GError) error = NULL;
    g_autoptr (GSubprocess) p = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, python, script, gguf_py, file, bare,
                                                  drop ? "--drop-vocab-size" : NULL, NULL);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_wait_check (p, NULL, &error));
    g_assert_no_error (error);
    g_autoptr (BnGguf) gguf = bn_gguf_open (bare, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (bn_gguf_get_string (gguf, "tokenizer.ggml.model", NULL), ==, "none");
    g_assert_false (bn_gguf_has_key (gguf, "tokenizer.ggml.tokens"));
    g_assert_cmpint (bn_gguf_has_key (gguf, "bitnet.vocab_size"), ==, !drop);

    g_autofree char *out = path_in_tmp ("cmp-no-vocab.json");
    g_autofree char *src = g_strdup_printf ("loader location=%s", bare);
    if (!crossval_file (src, bare, "n-prompt=16", out, &error))
      g_error ("crossval of a file without a vocabulary failed: %s", error->message);
    assert_pass_figures (out);
    g_autoptr (JsonNode) n = bn_test_json_load (out);
    JsonObject *ref = json_object_get_object_member (json_node_get_object (n), "reference");
    JsonObject *lib = json_object_get_object_member (ref, "llama_cpp");
    g_autoptr (BnModel) model = bn_model_new_from_gguf (gguf, &error);
    g_assert_no_error (error);
    if (drop)
      g_assert_cmpint (json_object_get_int_member (lib, "vocab_size_override"), ==,
                       bn_model_get_config (model)->n_vocab);
    else
      g_assert_false (json_object_has_member (lib, "vocab_size_override"));

    /* a text prompt has nothing to be tokenized with: a clear refusal */
    g_autofree char *desc = g_strdup_printf (
        "loader location=%s ! reference-executor threads=1 tokens=4 iterations=1 warmup=0 prompt=hello ! fakesink",
        bare);
    g_autoptr (GError) e2 = NULL;
    g_assert_false (run (desc, &e2));
    g_assert_nonnull (strstr (e2->message, "no vocabulary"));
  }
}

/* bn-launch running reference-executor on FILE with the worker's test hook
 * set to HOOK (and bn-launch's --timeout, when not NULL); its exit status
 * (a crash would be a signal) and stderr */
static int
launch_with_hook (const char *file, const char *hook, const char *timeout, char **err)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) l =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (l, "BN_LLAMA_WORKER_ABORT_AT", hook, TRUE);
  g_autofree char *loc = g_strdup_printf ("location=%s", file);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) g_getenv ("BN_LAUNCH"));
  g_ptr_array_add (argv, "-q");
  if (timeout) {
    g_ptr_array_add (argv, "--timeout");
    g_ptr_array_add (argv, (char *) timeout);
  }
  const char *pipeline[] = {
    "loader",   loc,          "!", "reference-executor", "threads=1", "tokens=8", "iterations=2",
    "warmup=1", "n-prompt=8", "!", "fakesink",           NULL
  };
  for (guint i = 0; pipeline[i]; i++)
    g_ptr_array_add (argv, (char *) pipeline[i]);
  g_ptr_array_add (argv, NULL);
  g_autoptr (GSubprocess) p = g_subprocess_launcher_spawnv (l, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, NULL, NULL, NULL, err, &error);
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_if_signaled (p));
  return g_subprocess_get_exit_status (p);
}

/* llama.cpp dying (abort, segfault, SIGKILL) at a chosen request is an
 * element error naming llama.cpp, the signal and the worker's last words,
 * never a crash of bn-launch (BN_LLAMA_WORKER_ABORT_AT, a test hook) */
static void
test_worker_dies (void)
{
  if (!need_llama ())
    return;
  g_autofree char *file = fixture_file ("tiny", "tq2_0", NULL);
  const struct {
    const char *hook, *signal, *request;
  } cases[] = {
    { "eval:5", "SIGABRT", "'eval'" },
    { "load:1:SEGV", "SIGSEGV", "'load'" },
    { "clear:3:KILL", "SIGKILL", "'clear'" },
    /* gone between two requests: the next one (a write to a pipe without
     * reader) is an error, not a SIGPIPE of bn-launch */
    { "usage:2:EXIT", "exited with status 3", "'clear'" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *err = NULL;
    int status = launch_with_hook (file, cases[i].hook, NULL, &err);
    if (status != 1 || !strstr (err, "llama.cpp died") || !strstr (err, cases[i].signal)
        || !strstr (err, cases[i].request))
      g_error ("hook %s: exit %d, stderr: %s", cases[i].hook, status, err);
    /* its last words: what the worker wrote before dying */
    if (strcmp (cases[i].signal, "SIGKILL"))
      g_assert_nonnull (strstr (err, "BN_LLAMA_WORKER_ABORT_AT"));
    g_assert_false (g_str_has_prefix (cases[i].signal, "exited") && strstr (err, "SIGPIPE"));
  }
  /* a worker that hangs (stopped at its 2nd eval): the timeout cancels
   * the pipeline, the element kills the worker and bn-launch exits 124 at
   * once, not after its 5 s grace for elements that ignore cancellation */
  g_autofree char *err = NULL;
  gint64 t0 = g_get_monotonic_time ();
  int status = launch_with_hook (file, "eval:2:STOP", "1", &err);
  double s = (g_get_monotonic_time () - t0) / 1e6;
  if (status != 124 || s >= 5.5)
    g_error ("a hung worker: exit %d after %.1f s: %s", status, s, err);

  /* in process, through the element: the error and its domain */
  g_setenv ("BN_LLAMA_WORKER_ABORT_AT", "eval:3", TRUE);
  g_autofree char *desc = g_strdup_printf (
      "loader location=%s ! reference-executor threads=1 tokens=8 iterations=1 warmup=0 ! fakesink", file);
  g_autoptr (GError) error = NULL;
  g_assert_false (run (desc, &error));
  g_unsetenv ("BN_LLAMA_WORKER_ABORT_AT");
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "llama.cpp died"));
  g_assert_nonnull (strstr (error->message, "SIGABRT"));
}

/* Issue 19: a receipt of llama.cpp's runs replays through the worker with
 * the library, threads, context, batch and KV type it records; an edited
 * token is refused at its step. */
static void
test_reference_replay (void)
{
  if (!need_llama ())
    return;
  g_autofree char *file = fixture_file ("tiny", "tq2_0", NULL);
  g_autofree char *receipt = path_in_tmp ("reference-receipt.json");
  g_autofree char *make = g_strdup_printf ("loader location=%s ! reference-executor threads=2 tokens=8 iterations=2 "
                                           "warmup=0 n-prompt=6 ! receipt-sink location=%s",
                                           file, receipt);
  g_autoptr (GError) error = NULL;
  g_assert_true (run (make, &error));
  g_assert_no_error (error);
  g_autofree char *check = g_strdup_printf (
      "receipt-src location=%s ! strict-validator gates=fail-on-mock model=%s replay=8 ! fakesink", receipt, file);
  if (!run (check, &error))
    g_error ("a genuine llama.cpp receipt did not replay: %s", error->message);

  /* token 3 of the first run edited */
  g_autoptr (JsonNode) n = bn_test_json_load (receipt);
  JsonObject *run0 = json_array_get_object_element (
      json_object_get_array_member (json_object_get_object_member (json_node_get_object (n), "gst_bitnet"), "runs"), 0);
  g_assert_cmpstr (bn_run_object_get_string (run0, BN_RUN_FIELD_BACKEND), ==, "llama.cpp");
  JsonNode *t3 = json_array_get_element (bn_run_object_get_array (run0, BN_RUN_FIELD_TOKEN_IDS), 3);
  json_node_set_int (t3, (json_node_get_int (t3) + 1) % 100);
  g_autofree char *edited = path_in_tmp ("reference-edited.json");
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, n);
  g_assert_true (json_generator_to_file (gen, edited, &error));
  g_autofree char *check2 = g_strdup_printf (
      "receipt-src location=%s ! strict-validator gates=fail-on-mock model=%s replay=8 ! fakesink", edited, file);
  g_assert_false (run (check2, &error));
  g_assert_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_REPLAY);
  if (!strstr (error->message, "step 3: greedy decoding gives token"))
    g_error ("unexpected refusal: %s", error->message);
}

static void
test_pipeline_file (void)
{
  if (!need_llama ())
    return;
  g_autofree char *bnp = g_test_build_filename (G_TEST_DIST, "..", "pipelines", "crossval.bnp", NULL);
  g_autofree char *out = path_in_tmp ("pipeline/comparison-results.json");
  g_autofree char *fx = path_in_tmp ("pipeline-fixture.gguf");
  g_autofree char *d_out = g_strdup_printf ("OUT=%s", out);
  g_autofree char *d_fx = g_strdup_printf ("FIXTURE=%s", fx);
  g_autoptr (GError) error = NULL;
  g_unsetenv ("BITNET_GGUF");
  g_autoptr (GSubprocess) p =
      g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, g_getenv ("BN_LAUNCH"),
                        "-q", "-f", bnp, "-D", "SIZE=tiny", "-D", "TOKENS=8", "-D", "PROMPT_TOKENS=8", "-D",
                        "ITERATIONS=3", "-D", "WARMUP=0", "-D", d_out, "-D", d_fx, NULL);
  g_assert_no_error (error);
  g_autofree char *sout = NULL, *serr = NULL;
  g_subprocess_communicate_utf8 (p, NULL, NULL, &sout, &serr, &error);
  if (g_subprocess_get_exit_status (p) != 0)
    g_error ("crossval.bnp failed: %s%s", sout, serr);
  g_assert_nonnull (strstr (sout, "crossval: PASS"));
  g_assert_nonnull (strstr (sout, "accuracy (threads=1)"));
  g_assert_nonnull (strstr (sout, "ratio [95% CI]"));
  g_autoptr (JsonNode) n = bn_test_json_load (out);
  JsonArray *groups = json_object_get_array_member (json_node_get_object (n), "groups");
  g_assert_cmpuint (json_array_get_length (groups), ==, 2);
  JsonObject *d = json_object_get_object_member (
      json_object_get_object_member (json_array_get_object_element (groups, 0), "speed"), "decode_ratio");
  g_assert_cmpint (json_object_get_int_member (d, "ours_samples"), ==, 6);
  g_assert_false (JSON_NODE_HOLDS_NULL (json_object_get_member (d, "ci95_low")));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bn_init (&argc, &argv);
  tmpdir = g_dir_make_tmp ("bn-crossval-XXXXXX", NULL);
  g_autofree char *lib = default_library ();
  g_autofree char *reason = NULL;
  /* (under ASan + UBSan with leak detection the prebuilt llama.cpp runs
   * clean too: nothing to skip there) */
  void *handle = NULL;
  if (!g_file_test (lib, G_FILE_TEST_EXISTS))
    reason = g_strdup_printf ("llama.cpp is not installed (%s): run `make crossval-deps`", lib);
  else if (!(handle = dlopen (lib, RTLD_LAZY | RTLD_LOCAL)))
    /* the pinned npm build is for x86_64 Linux: an aarch64 build of the
     * toolkit (docs/platforms.md) finds it and cannot load it */
    reason = g_strdup_printf ("llama.cpp at %s does not load in this process (%s)", lib, dlerror ());
  else {
    dlclose (handle);
    library = g_steal_pointer (&lib);
  }
  skip_reason = reason;

  g_test_add_func ("/crossval/missing-library", test_missing_library);
  g_test_add_func ("/crossval/fixtures-pass", test_fixtures_pass);
  g_test_add_func ("/crossval/tq1_0-passes", test_tq1_0_passes);
  g_test_add_func ("/crossval/text-prompt-tokenization", test_text_prompt_tokenization);
  g_test_add_func ("/crossval/wrong-rope-fails", test_wrong_rope_fails);
  g_test_add_func ("/crossval/wrong-rope-reported-only", test_wrong_rope_tolerance_off);
  g_test_add_func ("/crossval/architecture-mismatch-fails", test_architecture_mismatch_fails);
  g_test_add_func ("/crossval/refusals", test_refusals);
  g_test_add_func ("/crossval/interop/our-files-in-llama", test_our_files_in_llama);
  g_test_add_func ("/crossval/interop/llama-file-in-ours", test_llama_file_in_ours);
  g_test_add_func ("/crossval/groups-and-rounds", test_groups_and_rounds);
  g_test_add_func ("/crossval/pipeline-file", test_pipeline_file);
  g_test_add_func ("/crossval/worker/no-vocab-file", test_no_vocab_file);
  g_test_add_func ("/crossval/worker/dies", test_worker_dies);
  g_test_add_func ("/crossval/replay/reference", test_reference_replay);
  int rc = g_test_run ();
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
  (void) !system (cmd);
  g_free (library);
  return rc;
}
