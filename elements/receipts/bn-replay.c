/* gst-bitnet: replay of a run record against the model file (strict-validator replay=N)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-replay.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/*
 * A replay re-executes a recorded run with the toolkit's own engine: the
 * prompt's token ids, then every generated token in turn, comparing the
 * SHA-256 of the logits with the record's at each step and, for a greedy
 * run, the argmax with the recorded next token. The engine's results do
 * not depend on the thread count, so a run from any machine replays here
 * bit for bit. The model comes from the file the user names, loaded and
 * quantized to the run's weight format through the loader and quantizer
 * elements (found in the registry at run time, as a bin finds its
 * children), once per format.
 */

struct _BnReplayer {
  char *path;
  GHashTable *models; /* weight format -> BnModel */
};

BnReplayer *
bn_replayer_new (const char *model_path)
{
  BnReplayer *r = g_new0 (BnReplayer, 1);
  r->path = g_strdup (model_path);
  r->models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  return r;
}

void
bn_replayer_free (BnReplayer *r)
{
  if (!r)
    return;
  g_free (r->path);
  g_hash_table_unref (r->models);
  g_free (r);
}

static gboolean
set_from_string (BnElement *e, const char *name, const char *text, GError **error)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (e), name);
  g_auto (GValue) v = G_VALUE_INIT;
  g_value_init (&v, pspec->value_type);
  if (!bn_value_set_from_string (&v, pspec, text, error))
    return FALSE;
  g_object_set_property (G_OBJECT (e), name, &v);
  return TRUE;
}

static void
take_model (BnElement *sink, BnItem *item, BnPad *pad, gpointer data)
{
  BnModel **out = data;
  if (BN_IS_MODEL (item) && !*out)
    *out = BN_MODEL (g_object_ref (item));
}

/* The model file as the run saw it: loaded, then quantized to @format. */
static BnModel *
load_model (BnReplayer *r, const char *format, GError **error)
{
  BnModel *cached = g_hash_table_lookup (r->models, format);
  if (cached)
    return cached;
  g_autoptr (BnElement) pipeline = bn_pipeline_new ("replay");
  BnElement *loader = bn_element_factory_make ("loader", NULL);
  BnElement *quantizer = bn_element_factory_make ("quantizer", NULL);
  BnElement *sink = bn_element_factory_make ("fakesink", NULL);
  if (!loader || !quantizer || !sink) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_PLUGIN,
                 _("Replay needs the loader, quantizer and fakesink elements (plugins models, kernels, "
                    "coreelements)"));
    g_clear_object (&loader);
    g_clear_object (&quantizer);
    g_clear_object (&sink);
    return NULL;
  }
  bn_bin_add_many (BN_BIN (pipeline), loader, quantizer, sink, NULL);
  g_object_set (loader, "location", r->path, NULL);
  g_object_set (sink, "signal-handoffs", TRUE, NULL);
  if (!set_from_string (quantizer, "format", format, error))
    return NULL;
  if (!bn_element_link (loader, quantizer, error) || !bn_element_link (quantizer, sink, error))
    return NULL;
  BnModel *model = NULL;
  g_signal_connect (sink, "handoff", G_CALLBACK (take_model), &model);
  if (!bn_pipeline_run (BN_PIPELINE (pipeline), error)) {
    g_clear_object (&model);
    return NULL;
  }
  if (!model) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_FAILED, _("Replay: %s gave no model"), r->path);
    return NULL;
  }
  g_hash_table_insert (r->models, g_strdup (format), model);
  return model;
}

gboolean
bn_replayer_bytes_per_token (BnReplayer *r, const char *format, double *bytes, GError **error)
{
  BnModel *model = load_model (r, format, error);
  if (!model)
    return FALSE;
  BnEngineOptions opts = { 0 };
  opts.n_threads = 1;
  opts.n_ctx = 1;
  opts.kv_f16 = TRUE;
  g_autoptr (BnEngine) engine = bn_engine_new (model, &opts, error);
  if (!engine)
    return FALSE;
  *bytes = (double) bn_engine_get_bytes_per_token (engine);
  return TRUE;
}

/* @a as gint32 ids, refusing anything else. */
static gboolean
ids_of (JsonArray *a, const char *what, guint n_vocab, GArray *ids, GError **error)
{
  for (guint i = 0; a && i < json_array_get_length (a); i++) {
    JsonNode *n = json_array_get_element (a, i);
    gint64 v = JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_INT64 ? json_node_get_int (n) : -1;
    if (v < 0 || v >= n_vocab) {
      g_set_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_REPLAY,
                   _("%s[%u] is not a token id of this model (vocabulary of %u)"), what, i, n_vocab);
      return FALSE;
    }
    gint32 id = (gint32) v;
    g_array_append_val (ids, id);
  }
  return TRUE;
}

/* The steps to check: @n_steps of @n chosen at random, all when n_steps >= n. */
static gboolean *
choose_steps (guint n, guint n_steps, GRand *rand, guint *last)
{
  gboolean *chosen = g_new0 (gboolean, n);
  guint picked = 0;
  *last = 0;
  for (guint i = 0; i < n; i++) {
    /* selection sampling: each step kept with probability needed / left */
    if (g_rand_int_range (rand, 0, n - i) < (gint32) (MIN (n_steps, n) - picked)) {
      chosen[i] = TRUE;
      picked++;
      *last = i;
    }
  }
  return chosen;
}

gboolean
bn_replayer_check (BnReplayer *r, BnRecord *run, guint n_steps, GRand *rand, char **summary, GError **error)
{
  const char *format = bn_run_record_get_string (run, BN_RUN_FIELD_WEIGHT_FORMAT);
  JsonArray *prompt_a = bn_run_record_get_array (run, BN_RUN_FIELD_PROMPT_TOKEN_IDS);
  JsonArray *tokens_a = bn_run_record_get_array (run, BN_RUN_FIELD_TOKEN_IDS);
  JsonArray *digests = bn_run_record_get_array (run, BN_RUN_FIELD_LOGITS_DIGESTS);
  const char *backend = bn_run_record_get_string (run, BN_RUN_FIELD_BACKEND);
  if (g_strcmp0 (backend, "cpu")) {
    g_set_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_REPLAY,
                 _("backend \"%s\": only runs of the toolkit's own engine (backend cpu) replay here"),
                 backend ? backend : "(none)");
    return FALSE;
  }
  if (!format || !prompt_a || !json_array_get_length (prompt_a) || !tokens_a || !digests
      || json_array_get_length (digests) != json_array_get_length (tokens_a) || !json_array_get_length (tokens_a)) {
    g_set_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_REPLAY,
                 _("the record lacks what a replay needs (weight_format, prompt_token_ids, token_ids and one "
                    "logits digest per token)"));
    return FALSE;
  }
  g_autoptr (GError) load_error = NULL;
  BnModel *model = load_model (r, format, &load_error);
  if (!model) {
    g_set_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_REPLAY, _("cannot load %s as %s: %s"), r->path, format,
                 load_error->message);
    return FALSE;
  }
  const BnModelConfig *cfg = bn_model_get_config (model);
  g_autoptr (GArray) prompt = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr (GArray) tokens = g_array_new (FALSE, FALSE, sizeof (gint32));
  if (!ids_of (prompt_a, bn_run_field_name (BN_RUN_FIELD_PROMPT_TOKEN_IDS), cfg->n_vocab, prompt, error)
      || !ids_of (tokens_a, bn_run_field_name (BN_RUN_FIELD_TOKEN_IDS), cfg->n_vocab, tokens, error))
    return FALSE;
  guint n = tokens->len;
  if ((guint64) prompt->len + n > cfg->n_ctx) {
    g_set_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_REPLAY,
                 _("%u prompt and %u generated tokens exceed the model's context of %u"), prompt->len, n, cfg->n_ctx);
    return FALSE;
  }
  const char *kv = bn_run_record_get_string (run, BN_RUN_FIELD_KV_TYPE);
  BnEngineOptions opts = { 0 };
  opts.n_threads = g_get_num_processors ();
  opts.n_ctx = prompt->len + n;
  opts.kv_f16 = g_strcmp0 (kv, "f32") != 0;
  opts.act_q8k_matching = bn_run_record_get_boolean (run, BN_RUN_FIELD_MATCH_LLAMA, FALSE);
  g_autoptr (GError) engine_error = NULL;
  g_autoptr (BnEngine) engine = bn_engine_new (model, &opts, &engine_error);
  if (!engine) {
    g_set_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_REPLAY, _("no engine for %s: %s"), r->path,
                 engine_error->message);
    return FALSE;
  }
  gboolean greedy = bn_run_record_get_boolean (run, BN_RUN_FIELD_GREEDY, FALSE);
  guint last;
  g_autofree gboolean *chosen = choose_steps (n, n_steps, rand, &last);
  guint n_vocab = bn_engine_get_n_vocab (engine);
  g_autofree float *logits = g_new (float, n_vocab);
  guint checked = 0;
  /* step 0 is the prefill; step i > 0 decodes token_ids[i - 1] */
  for (guint step = 0; step <= last; step++) {
    gboolean ok = step == 0 ? bn_engine_eval (engine, (const gint32 *) prompt->data, prompt->len, logits, error)
                            : bn_engine_eval (engine, &g_array_index (tokens, gint32, step - 1), 1, logits, error);
    if (!ok)
      return FALSE;
    /* every step up to the last chosen one is recomputed (the cache needs
     * it) and so is checked too; the random choice decides how far */
    g_autofree char *digest = bn_logits_digest (logits, n_vocab);
    const char *recorded = json_array_get_string_element (digests, step);
    if (g_strcmp0 (digest, recorded)) {
      g_set_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_REPLAY,
                   _("step %u: the logits of %s are %s, the record says %s: the run did not come from this "
                      "model with these tokens"),
                   step, r->path, digest, recorded ? recorded : "(not a string)");
      return FALSE;
    }
    gint32 next = bn_logits_argmax (logits, n_vocab);
    if (greedy && next != g_array_index (tokens, gint32, step)) {
      g_set_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_REPLAY,
                   _("step %u: greedy decoding gives token %d, the record says %d"), step, next,
                   g_array_index (tokens, gint32, step));
      return FALSE;
    }
    checked += chosen[step] ? 1 : 0;
  }
  *summary = g_strdup_printf (_("replayed steps 0-%u of %u against %s (%u chosen at random), logits and tokens "
                                 "identical"),
                              last, n, r->path, checked);
  return TRUE;
}
