/* gst-bitnet: replay of a run record against the model file (strict-validator replay=N)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-replay.h"

#include <gst-bitnet/bench/bn-json-private.h>

#include <glib/gi18n-lib.h>
#include <inttypes.h>
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
 *
 * A run of llama.cpp (reference-executor, backend "llama.cpp") replays
 * through reference-executor itself, found the same way, so through
 * llama.cpp's worker process: the same library (its version must be the
 * recorded one), thread count, context size, batch, KV type and flash
 * attention as the record says, on the model file, greedily from the
 * recorded prompt. llama.cpp on the CPU gives bit-identical logits in
 * another process with the same settings (measured: docs/receipts.md), so
 * the digests and tokens are compared exactly, step by step.
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
take_first (BnElement *sink, BnItem *item, BnPad *pad, gpointer data)
{
  BnItem **out = data;
  if (!*out)
    *out = g_object_ref (item);
}

/* A pipeline `loader location=<the model file> ! @factory ! fakesink`
 * whose sink hands its first item to *@first; @middle is the element of
 * @factory. NULL, with @error, when an element is missing (@plugins says
 * where they come from) or does not link. */
static BnElement *
chain_new (BnReplayer *r, const char *factory, const char *plugins, BnElement **middle, BnItem **first, GError **error)
{
  g_autoptr (BnElement) pipeline = bn_pipeline_new ("replay");
  BnElement *loader = bn_element_factory_make ("loader", NULL);
  BnElement *mid = bn_element_factory_make (factory, NULL);
  BnElement *sink = bn_element_factory_make ("fakesink", NULL);
  if (!loader || !mid || !sink) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_PLUGIN,
                 _("Replay needs the loader, %s and fakesink elements (plugins %s)"), factory, plugins);
    g_clear_object (&loader);
    g_clear_object (&mid);
    g_clear_object (&sink);
    return NULL;
  }
  bn_bin_add_many (BN_BIN (pipeline), loader, mid, sink, NULL);
  g_object_set (loader, "location", r->path, NULL);
  g_object_set (sink, "signal-handoffs", TRUE, NULL);
  if (!bn_element_link (loader, mid, error) || !bn_element_link (mid, sink, error))
    return NULL;
  g_signal_connect (sink, "handoff", G_CALLBACK (take_first), first);
  *middle = mid;
  return g_steal_pointer (&pipeline);
}

/* The model file as the run saw it: loaded, then quantized to @format. */
static BnModel *
load_model (BnReplayer *r, const char *format, GError **error)
{
  BnModel *cached = g_hash_table_lookup (r->models, format);
  if (cached)
    return cached;
  BnElement *quantizer;
  BnModel *model = NULL;
  g_autoptr (BnElement) pipeline =
      chain_new (r, "quantizer", "models, kernels, coreelements", &quantizer, (BnItem **) &model, error);
  if (!pipeline || !set_from_string (quantizer, "format", format, error))
    return NULL;
  if (!bn_pipeline_run (BN_PIPELINE (pipeline), error)) {
    g_clear_object (&model);
    return NULL;
  }
  if (!BN_IS_MODEL (model)) {
    g_clear_object (&model);
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

/* The run of llama.cpp again, through reference-executor with the
 * recorded settings: the first @n_tokens steps, greedily from @prompt.
 * Returns its record. */
static BnRecord *
run_llama (BnReplayer *r, BnRecord *run, const GArray *prompt, guint n_tokens, GError **error)
{
  JsonObject *lib = bn_run_record_get_object (run, BN_RUN_FIELD_LLAMA_CPP);
  const char *library = lib ? bn_json_string_or (lib, "library", NULL) : NULL;
  gint64 n_ctx = lib ? bn_json_int_or (lib, "n_ctx", 0) : 0;
  gint64 n_batch = lib ? bn_json_int_or (lib, "n_batch", 0) : 0;
  gint64 threads = bn_run_record_get_int (run, BN_RUN_FIELD_THREADS, 0);
  const char *kv = lib ? bn_json_string_or (lib, "kv_type", NULL) : NULL;
  const char *fa = lib ? bn_json_string_or (lib, "flash_attn", "auto") : "auto";
  if (!library || n_ctx <= 0 || n_batch <= 0 || threads <= 0 || !kv) {
    g_set_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_REPLAY,
                 _("the llama.cpp run lacks what a replay needs (threads and llama_cpp's library, n_ctx, n_batch, "
                    "kv_type: recorded since gst-bitnet 0.2's worker)"));
    return NULL;
  }
  if (strcmp (kv, "f16") || n_batch != prompt->len) {
    g_set_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_REPLAY,
                 _("the llama.cpp run used KV type %s and a batch of %" PRId64 " for a prompt of %u tokens: "
                    "reference-executor can only run f16 and the whole prompt in one batch"),
                 kv, n_batch, prompt->len);
    return NULL;
  }
  BnElement *ref;
  BnItem *again = NULL;
  g_autoptr (BnElement) pipeline =
      chain_new (r, "reference-executor", "models, crossval, coreelements", &ref, &again, error);
  if (!pipeline)
    return NULL;
  g_autoptr (GString) ids = g_string_new (NULL);
  for (guint i = 0; i < prompt->len; i++)
    g_string_append_printf (ids, "%s%d", i ? "," : "", g_array_index (prompt, gint32, i));
  g_autofree char *n_threads = g_strdup_printf ("%" PRId64, threads);
  g_autofree char *ctx = g_strdup_printf ("%" PRId64, n_ctx);
  g_autofree char *tokens = g_strdup_printf ("%u", n_tokens);
  const char *settings[][2] = {
    { "library", library }, { "threads", n_threads }, { "ctx-size", ctx }, { "flash-attn", fa },
    { "tokens", tokens },   { "iterations", "1" },    { "warmup", "0" },   { "prompt-tokens", ids->str },
  };
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    if (!set_from_string (ref, settings[i][0], settings[i][1], error))
      return NULL;
  g_autoptr (GError) local = NULL;
  if (!bn_pipeline_run (BN_PIPELINE (pipeline), &local) || !BN_IS_RECORD (again)) {
    g_clear_object (&again);
    g_set_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_REPLAY, _("llama.cpp could not run %s again: %s"), r->path,
                 local ? local->message : _("no run came out"));
    return NULL;
  }
  return BN_RECORD (again);
}

/* Steps 0..@last of a llama.cpp run against the same steps run again. */
static gboolean
check_llama (BnReplayer *r, BnRecord *run, const GArray *prompt, const GArray *tokens, guint last, GError **error)
{
  g_autoptr (BnRecord) again = run_llama (r, run, prompt, last + 1, error);
  if (!again)
    return FALSE;
  const char *version = bn_run_record_get_string (run, BN_RUN_FIELD_BACKEND_VERSION);
  const char *now = bn_run_record_get_string (again, BN_RUN_FIELD_BACKEND_VERSION);
  if (g_strcmp0 (version, now)) {
    g_set_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_REPLAY,
                 _("the run used llama.cpp %s and the library it names is now %s: it cannot be replayed"),
                 version ? version : "(unknown)", now ? now : "(unknown)");
    return FALSE;
  }
  JsonArray *digests = bn_run_record_get_array (run, BN_RUN_FIELD_LOGITS_DIGESTS);
  JsonArray *d2 = bn_run_record_get_array (again, BN_RUN_FIELD_LOGITS_DIGESTS);
  JsonArray *t2 = bn_run_record_get_array (again, BN_RUN_FIELD_TOKEN_IDS);
  for (guint step = 0; step <= last; step++) {
    const char *recorded = json_array_get_string_element (digests, step);
    const char *digest = d2 && step < json_array_get_length (d2) ? json_array_get_string_element (d2, step) : NULL;
    if (g_strcmp0 (digest, recorded)) {
      g_set_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_REPLAY,
                   _("step %u: llama.cpp's logits on %s are %s, the record says %s: the run did not come from this "
                      "model with these tokens and settings"),
                   step, r->path, digest ? digest : "(none)", recorded ? recorded : "(not a string)");
      return FALSE;
    }
    gint64 next = t2 && step < json_array_get_length (t2) ? json_array_get_int_element (t2, step) : -1;
    if (next != g_array_index (tokens, gint32, step)) {
      g_set_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_REPLAY,
                   _("step %u: greedy decoding gives token %" PRId64 ", the record says %d"), step, next,
                   g_array_index (tokens, gint32, step));
      return FALSE;
    }
  }
  return TRUE;
}

gboolean
bn_replayer_check (BnReplayer *r, BnRecord *run, guint n_steps, GRand *rand, char **summary, GError **error)
{
  const char *format = bn_run_record_get_string (run, BN_RUN_FIELD_WEIGHT_FORMAT);
  JsonArray *prompt_a = bn_run_record_get_array (run, BN_RUN_FIELD_PROMPT_TOKEN_IDS);
  JsonArray *tokens_a = bn_run_record_get_array (run, BN_RUN_FIELD_TOKEN_IDS);
  JsonArray *digests = bn_run_record_get_array (run, BN_RUN_FIELD_LOGITS_DIGESTS);
  const char *backend = bn_run_record_get_string (run, BN_RUN_FIELD_BACKEND);
  gboolean llama = !g_strcmp0 (backend, "llama.cpp");
  if (g_strcmp0 (backend, "cpu") && !llama) {
    g_set_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_REPLAY,
                 _("backend \"%s\": only runs of the toolkit's own engine (backend cpu) and of llama.cpp replay "
                    "here"),
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
  if (llama) {
    g_autoptr (GArray) prompt = g_array_new (FALSE, FALSE, sizeof (gint32));
    g_autoptr (GArray) tokens = g_array_new (FALSE, FALSE, sizeof (gint32));
    /* ids are checked against the vocabulary by llama.cpp's worker */
    if (!ids_of (prompt_a, bn_run_field_name (BN_RUN_FIELD_PROMPT_TOKEN_IDS), G_MAXINT32, prompt, error)
        || !ids_of (tokens_a, bn_run_field_name (BN_RUN_FIELD_TOKEN_IDS), G_MAXINT32, tokens, error))
      return FALSE;
    guint last;
    g_autofree gboolean *chosen = choose_steps (tokens->len, n_steps, rand, &last);
    if (!check_llama (r, run, prompt, tokens, last, error))
      return FALSE;
    guint checked = 0;
    for (guint i = 0; i <= last; i++)
      checked += chosen[i] ? 1 : 0;
    *summary = g_strdup_printf (_("replayed steps 0-%u of %u through llama.cpp (%s, %" PRId64 " threads) against %s "
                                   "(%u chosen at random), logits and tokens identical"),
                                last, tokens->len, bn_run_record_get_string (run, BN_RUN_FIELD_BACKEND_VERSION),
                                bn_run_record_get_int (run, BN_RUN_FIELD_THREADS, 0), r->path, checked);
    return TRUE;
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
