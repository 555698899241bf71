/* gst-bitnet: bn-llama-worker, llama.cpp in a process of its own
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-llama-api.h"
#include "bn-llama-protocol.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/*
 * Serves reference-executor's requests (bn-llama-protocol.h) on standard
 * input and output. It is the only program of the project that loads
 * libllama: when llama.cpp asserts or crashes, this process dies and the
 * element reports it (docs/crossval.md, "The worker").
 *
 * llama.cpp's warnings and errors go to standard error, which the element
 * keeps in a file and quotes when the worker dies. Anything llama.cpp
 * prints on standard output goes there too: the replies travel on a
 * duplicate of the original standard output.
 *
 * Test hook (never for production use): BN_LLAMA_WORKER_ABORT_AT=OP[:N[:SIG]]
 * makes the worker die by signal SIG (ABRT, SEGV or KILL; default ABRT)
 * when it receives the N-th (default 1st) request OP (an op name of
 * bn-llama-protocol.h: load, eval...), to test how the element reports a
 * worker that died; SIG STOP makes it hang instead (stopped), to test
 * that a cancelled or timed-out pipeline kills it, and EXIT makes it
 * answer that request and then exit with status 3, so that the element's
 * next request finds no reader (a worker gone between two requests).
 */

typedef struct {
  int in, out;
  const BnLlamaApi *api;
  void *model, *ctx;
  const void *vocab;
  gboolean has_vocab;
  int32_t n_logits;
  guint counts[BN_LLAMA_OP_UNLOAD + 1];
  GByteArray *reply;
} Worker;

/* all @n bytes read from (or written to) @fd; FALSE at the end of the
 * stream or on an error */
static gboolean
transfer (int fd, void *buf, size_t n, gboolean writing)
{
  guint8 *p = buf;
  while (n > 0) {
    ssize_t r = writing ? write (fd, p, n) : read (fd, p, n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return FALSE;
    p += r;
    n -= (size_t) r;
  }
  return TRUE;
}

static gboolean
send_reply (Worker *w, uint32_t status)
{
  uint32_t head[2] = { status, w->reply->len };
  return transfer (w->out, head, sizeof head, TRUE) && transfer (w->out, w->reply->data, w->reply->len, TRUE);
}

static void
put (Worker *w, const void *data, size_t n)
{
  g_byte_array_append (w->reply, data, (guint) n);
}

/* an error reply: the BnCoreError code, then the message; the worker goes on */
static gboolean
fail_code (Worker *w, int32_t code, const char *msg)
{
  g_byte_array_set_size (w->reply, 0);
  put (w, &code, 4);
  put (w, msg, strlen (msg));
  return send_reply (w, BN_LLAMA_STATUS_ERROR);
}

static G_GNUC_PRINTF (2, 3) gboolean fail (Worker *w, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  return fail_code (w, BN_CORE_ERROR_FAILED, msg);
}

/* the test hook: BN_LLAMA_WORKER_ABORT_AT=OP[:N[:SIG]]; TRUE when the
 * worker is to exit after its reply */
static gboolean
test_hook (Worker *w, uint32_t op)
{
  const char *spec = g_getenv ("BN_LLAMA_WORKER_ABORT_AT");
  if (!spec || !*spec)
    return FALSE;
  g_auto (GStrv) parts = g_strsplit (spec, ":", 3);
  if (strcmp (parts[0], bn_llama_op_name (op)) != 0)
    return FALSE;
  guint64 n = parts[1] ? g_ascii_strtoull (parts[1], NULL, 10) : 1;
  if (w->counts[op] != (n ? n : 1))
    return FALSE;
  if (parts[1] && parts[2] && !strcmp (parts[2], "EXIT"))
    return TRUE;
  int sig = SIGABRT;
  if (parts[1] && parts[2])
    sig = !strcmp (parts[2], "SEGV")   ? SIGSEGV
          : !strcmp (parts[2], "KILL") ? SIGKILL
          : !strcmp (parts[2], "STOP") ? SIGSTOP
                                       : SIGABRT;
  fprintf (stderr, "bn-llama-worker: test hook BN_LLAMA_WORKER_ABORT_AT=%s: dying at request %s #%u\n", spec,
           bn_llama_op_name (op), w->counts[op]);
  fflush (stderr);
  signal (sig, SIG_DFL);
  raise (sig);
  _exit (134);
  return FALSE;
}

static void
unload (Worker *w)
{
  if (w->ctx)
    w->api->free (w->ctx);
  if (w->model)
    w->api->model_free (w->model);
  w->ctx = w->model = NULL;
  w->vocab = NULL;
  w->has_vocab = FALSE;
  w->n_logits = 0;
}

static gboolean
op_open (Worker *w, const char *library)
{
  g_autoptr (GError) error = NULL;
  w->api = bn_llama_api_get (*library ? library : NULL, &error);
  if (!w->api)
    return fail_code (w, error->code, error->message);
  const BnLlamaApi *api = w->api;
  g_autoptr (GString) s = g_string_new (NULL);
  g_string_append_printf (s, "path=%s\nversion=%s\nsystem_info=%s\npinned_layout=%d\npid=%d\n", api->path, api->version,
                          api->system_info, api->pinned_layout ? 1 : 0, (int) getpid ());
  if (api->commit)
    g_string_append_printf (s, "commit=%s\n", api->commit);
  if (api->cpu_backend)
    g_string_append_printf (s, "cpu_backend=%s\n", api->cpu_backend);
  put (w, s->str, s->len);
  return send_reply (w, BN_LLAMA_STATUS_OK);
}

/* payload: int32 vocab_size override (0: none), then the key it goes
 * under (NUL-terminated), then the path */
static gboolean
op_load (Worker *w, const guint8 *p, uint32_t len)
{
  const BnLlamaApi *api = w->api;
  if (len < 5 || !memchr (p + 4, 0, len - 4))
    return fail (w, "load: malformed request");
  int32_t vocab_size;
  memcpy (&vocab_size, p, 4);
  const char *key = (const char *) p + 4;
  g_autofree char *path = g_strndup (key + strlen (key) + 1, len - 4 - strlen (key) - 1);
  unload (w);
  BnLlamaModelParams mp = api->model_default_params ();
  BnLlamaKvOverride kv[2];
  memset (kv, 0, sizeof kv);
  if (vocab_size > 0) {
    /* only sent when the layout is the pinned one (the element checks) */
    kv[0].tag = BN_LLAMA_KV_OVERRIDE_TYPE_INT;
    g_strlcpy (kv[0].key, key, sizeof kv[0].key);
    kv[0].val_i64 = vocab_size;
    const BnLlamaKvOverride *ptr = kv;
    memcpy (mp.bytes + BN_LLAMA_MODEL_OFF_KV_OVERRIDES, &ptr, sizeof ptr);
  }
  g_autoptr (GString) log = g_string_new (NULL);
  bn_llama_capture_begin (log);
  gint64 t0 = g_get_monotonic_time ();
  w->model = api->model_load_from_file (path, mp);
  double load_ms = (g_get_monotonic_time () - t0) / 1000.0;
  bn_llama_capture_end ();
  if (!w->model) {
    g_strstrip (log->str);
    return fail (w, "%s", log->len ? log->str : "no reason given");
  }
  w->vocab = api->model_get_vocab (w->model);
  w->n_logits = w->vocab ? api->vocab_n_tokens (w->vocab) : 0;
  w->has_vocab = w->vocab && w->n_logits > 0 && (!api->vocab_type || api->vocab_type (w->vocab) != 0);
  int32_t n_vocab = w->has_vocab ? w->n_logits : 0;
  put (w, &n_vocab, 4);
  put (w, &w->n_logits, 4);
  put (w, &load_ms, sizeof load_ms);
  return send_reply (w, BN_LLAMA_STATUS_OK);
}

static gboolean
op_context (Worker *w, const guint8 *p, uint32_t len)
{
  const BnLlamaApi *api = w->api;
  int32_t v[5];
  if (len != sizeof v || !w->model)
    return fail (w, "context: malformed request or no model loaded");
  memcpy (v, p, sizeof v);
  if (w->ctx)
    api->free (w->ctx);
  BnLlamaContextParams cp = api->context_default_params ();
  cp.head.n_ctx = (uint32_t) v[0];
  cp.head.n_batch = (uint32_t) v[1];
  cp.head.n_ubatch = (uint32_t) v[2];
  if (v[4] != -1) /* the element checked the pinned layout */
    memcpy (cp.bytes + BN_LLAMA_CTX_OFF_FLASH_ATTN, &v[4], sizeof v[4]);
  g_autoptr (GString) log = g_string_new (NULL);
  bn_llama_capture_begin (log);
  w->ctx = api->init_from_model (w->model, cp);
  bn_llama_capture_end ();
  if (!w->ctx) {
    g_strstrip (log->str);
    return fail (w, "%s", log->len ? log->str : "no reason given");
  }
  api->set_n_threads (w->ctx, v[3], v[3]);
  return send_reply (w, BN_LLAMA_STATUS_OK);
}

static gboolean
op_tokenize (Worker *w, const guint8 *p, uint32_t len)
{
  if (!w->has_vocab)
    return fail (w, "the model has no vocabulary");
  g_autoptr (GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (int32_t), len + 8);
  g_array_set_size (ids, len + 8);
  int32_t n = w->api->tokenize (w->vocab, (const char *) p, (int32_t) len, (int32_t *) ids->data, (int32_t) ids->len,
                                TRUE, FALSE);
  if (n < 0) {
    g_array_set_size (ids, (guint) -n);
    n = w->api->tokenize (w->vocab, (const char *) p, (int32_t) len, (int32_t *) ids->data, (int32_t) ids->len, TRUE,
                          FALSE);
  }
  if (n < 0)
    return fail (w, "llama_tokenize failed (%d)", n);
  put (w, ids->data, (size_t) n * sizeof (int32_t));
  return send_reply (w, BN_LLAMA_STATUS_OK);
}

static gboolean
op_detokenize (Worker *w, const guint8 *p, uint32_t len)
{
  if (!w->has_vocab)
    return fail (w, "the model has no vocabulary");
  char buf[256];
  for (uint32_t i = 0; i + 4 <= len; i += 4) {
    int32_t id;
    memcpy (&id, p + i, 4);
    if (id < 0 || id >= w->n_logits)
      continue;
    int32_t n = w->api->token_to_piece (w->vocab, id, buf, sizeof buf, 0, FALSE);
    if (n > 0)
      put (w, buf, (size_t) n);
  }
  return send_reply (w, BN_LLAMA_STATUS_OK);
}

static gboolean
op_clear (Worker *w)
{
  if (!w->ctx)
    return fail (w, "clear: no context");
  if (w->api->get_memory && w->api->memory_clear)
    w->api->memory_clear (w->api->get_memory (w->ctx), TRUE);
  else
    w->api->kv_self_clear (w->ctx);
  return send_reply (w, BN_LLAMA_STATUS_OK);
}

/* The timed call: llama_decode of one batch up to its logits. The clock
 * is read here, around the llama calls only, so the pipe transfer of the
 * logits is not counted as llama.cpp's time. */
static gboolean
op_eval (Worker *w, guint8 *p, uint32_t len)
{
  const BnLlamaApi *api = w->api;
  if (!w->ctx || len < 4 || len % 4)
    return fail (w, "eval: malformed request or no context");
  int32_t n = (int32_t) (len / 4);
  for (int32_t i = 0; i < n; i++) {
    int32_t id;
    memcpy (&id, p + 4 * i, 4);
    if (id < 0 || id >= w->n_logits)
      return fail (w, "token id %d is outside llama.cpp's vocabulary of %d", id, w->n_logits);
  }
  gint64 t0 = g_get_monotonic_time ();
  int32_t rc = api->decode (w->ctx, api->batch_get_one ((int32_t *) p, n));
  const float *logits = NULL;
  if (rc == 0) {
    if (api->synchronize)
      api->synchronize (w->ctx);
    logits = api->get_logits_ith (w->ctx, -1);
  }
  gint64 ns = (g_get_monotonic_time () - t0) * 1000;
  if (rc != 0)
    return fail (w, "llama_decode of %d tokens failed (%d)", n, rc);
  if (!logits)
    return fail (w, "llama.cpp returned no logits");
  put (w, &ns, sizeof ns);
  put (w, logits, (size_t) w->n_logits * sizeof (float));
  return send_reply (w, BN_LLAMA_STATUS_OK);
}

static gboolean
op_usage (Worker *w)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  double v[3];
  v[0] = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  v[2] = ru.ru_maxrss / 1024.0; /* kB on Linux */
  v[1] = v[2];
  g_autofree char *status = NULL;
  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL)) {
    const char *rss = strstr (status, "VmRSS:");
    if (rss)
      v[1] = g_ascii_strtod (rss + 6, NULL) / 1024.0;
  }
  put (w, v, sizeof v);
  return send_reply (w, BN_LLAMA_STATUS_OK);
}

static gboolean
serve (Worker *w, uint32_t op, guint8 *p, uint32_t len)
{
  if (op == BN_LLAMA_OP_OPEN) {
    g_autofree char *lib = g_strndup ((const char *) p, len);
    return op_open (w, lib);
  }
  if (!w->api)
    return fail (w, "request %s before open", bn_llama_op_name (op));
  switch (op) {
  case BN_LLAMA_OP_LOAD: return op_load (w, p, len);
  case BN_LLAMA_OP_CONTEXT: return op_context (w, p, len);
  case BN_LLAMA_OP_TOKENIZE: return op_tokenize (w, p, len);
  case BN_LLAMA_OP_DETOKENIZE: return op_detokenize (w, p, len);
  case BN_LLAMA_OP_CLEAR: return op_clear (w);
  case BN_LLAMA_OP_EVAL: return op_eval (w, p, len);
  case BN_LLAMA_OP_USAGE: return op_usage (w);
  case BN_LLAMA_OP_UNLOAD: unload (w); return send_reply (w, BN_LLAMA_STATUS_OK);
  default: return fail (w, "unknown request %u", op);
  }
}

int
main (int argc, char **argv)
{
  if (argc > 1) {
    fprintf (stderr,
             "Usage: %s\nRuns llama.cpp for reference-executor: requests on standard input, replies on "
             "standard output (see docs/crossval.md). Not meant to be run by hand.\n",
             argv[0]);
    return 2;
  }
  Worker w = { 0 };
  w.in = STDIN_FILENO;
  /* replies on a private copy of standard output; stray prints of the
   * library go to standard error */
  w.out = dup (STDOUT_FILENO);
  if (w.out < 0 || dup2 (STDERR_FILENO, STDOUT_FILENO) < 0) {
    perror ("bn-llama-worker");
    return 1;
  }
  signal (SIGPIPE, SIG_IGN);
  w.reply = g_byte_array_new ();
  g_autofree guint8 *payload = NULL;
  for (;;) {
    uint32_t head[2];
    if (!transfer (w.in, head, sizeof head, FALSE))
      break; /* the element closed the pipe: done */
    if (head[1] > BN_LLAMA_MAX_PAYLOAD) {
      fprintf (stderr, "bn-llama-worker: a request of %u bytes: broken stream\n", head[1]);
      return 1;
    }
    payload = g_realloc (payload, head[1] + 1);
    if (!transfer (w.in, payload, head[1], FALSE))
      break;
    payload[head[1]] = 0;
    if (head[0] <= BN_LLAMA_OP_UNLOAD)
      w.counts[head[0]]++;
    gboolean exit_after = test_hook (&w, head[0]);
    g_byte_array_set_size (w.reply, 0);
    if (!serve (&w, head[0], payload, head[1]))
      break; /* the element went away */
    if (exit_after) {
      fprintf (stderr, "bn-llama-worker: test hook BN_LLAMA_WORKER_ABORT_AT: exiting after request %s #%u\n",
               bn_llama_op_name (head[0]), w.counts[head[0]]);
      /* a clean exit with a status: the model freed first, so that a leak
       * checker (the ASan build) does not turn it into an abort */
      if (w.api)
        unload (&w);
      g_byte_array_unref (w.reply);
      return 3;
    }
  }
  if (w.api)
    unload (&w);
  g_byte_array_unref (w.reply);
  return 0;
}
