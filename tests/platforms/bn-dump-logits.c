/* gst-bitnet: bn-dump-logits, the logits of a greedy run of the engine on a
 * GGUF file, for comparing two builds (an x86 and an aarch64 one, under
 * qemu) that cannot share a pipeline (tests/platforms/crossval-logits.py).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   bn-dump-logits MODEL.gguf OUT.f32 STEPS PROMPT_TOKENS SEED
 *
 * Evaluates a synthetic prompt of PROMPT_TOKENS ids (bn_synthetic_prompt,
 * SEED) in one pass, then decodes greedily: step 0 is the logits after the
 * prompt, step s those after decoding token s-1, as crossval's kept logits.
 * Writes STEPS x n_vocab little-endian float32 to OUT.f32 and prints one
 * JSON object: n_vocab, steps, tokens, kernel_variant, kernels, digests.
 */
#include <gst-bitnet/bn.h>
#include <gst-bitnet/model/model.h>

#include <json-glib/json-glib.h>

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;

  bn_init (&argc, &argv);
  if (argc != 6) {
    g_printerr ("usage: %s MODEL.gguf OUT.f32 STEPS PROMPT_TOKENS SEED\n", argv[0]);
    return 2;
  }
  guint steps = (guint) g_ascii_strtoull (argv[3], NULL, 10);
  guint n_prompt = (guint) g_ascii_strtoull (argv[4], NULL, 10);
  guint64 seed = g_ascii_strtoull (argv[5], NULL, 10);
  g_autoptr (BnGguf) gguf = bn_gguf_open (argv[1], &error);
  g_autoptr (BnModel) model = gguf ? bn_model_new_from_gguf (gguf, &error) : NULL;
  BnEngineOptions opts = { .n_threads = 1 };
  g_autoptr (BnEngine) engine = model ? bn_engine_new (model, &opts, &error) : NULL;
  if (!engine || steps == 0 || n_prompt == 0) {
    g_printerr ("%s: %s\n", argv[0], error ? error->message : "STEPS and PROMPT_TOKENS must be positive");
    return 1;
  }
  guint n_vocab = bn_engine_get_n_vocab (engine);
  g_autoptr (GArray) prompt = g_array_new (FALSE, FALSE, sizeof (gint32));
  bn_synthetic_prompt (seed, n_prompt, n_vocab, prompt);
  g_autofree float *logits = g_new (float, (gsize) steps *n_vocab);
  g_autoptr (JsonArray) tokens = json_array_new ();
  g_autoptr (JsonArray) digests = json_array_new ();
  for (guint s = 0; s < steps; s++) {
    float *l = logits + (gsize) s * n_vocab;
    gboolean ok = s == 0 ? bn_engine_eval (engine, (const gint32 *) prompt->data, prompt->len, l, &error)
                         : bn_engine_eval (engine, &(gint32){ (gint32) json_array_get_int_element (tokens, s - 1) }, 1,
                                           l, &error);
    if (!ok) {
      g_printerr ("%s: step %u: %s\n", argv[0], s, error->message);
      return 1;
    }
    json_array_add_int_element (tokens, bn_logits_argmax (l, n_vocab));
    g_autofree char *digest = bn_logits_digest (l, n_vocab);
    json_array_add_string_element (digests, digest);
  }
  if (!g_file_set_contents (argv[2], (const char *) logits, (gssize) ((gsize) steps * n_vocab * sizeof (float)),
                            &error)) {
    g_printerr ("%s: %s\n", argv[0], error->message);
    return 1;
  }
  g_autoptr (JsonObject) out = json_object_new ();
  json_object_set_int_member (out, "n_vocab", n_vocab);
  json_object_set_int_member (out, "steps", steps);
  json_object_set_array_member (out, "tokens", json_array_ref (tokens));
  json_object_set_string_member (out, "kernel_variant", bn_engine_get_kernel_variant (engine));
  g_autoptr (GPtrArray) used = bn_engine_get_kernels_used (engine);
  JsonArray *kernels = json_array_new ();
  for (guint i = 0; used && i < used->len; i++)
    json_array_add_string_element (kernels, used->pdata[i]);
  json_object_set_array_member (out, "kernels", kernels);
  json_object_set_array_member (out, "digests", json_array_ref (digests));
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), out);
  g_autofree char *text = json_to_string (node, FALSE);
  g_print ("%s\n", text);
  return 0;
}
