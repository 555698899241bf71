/* gst-bitnet: the framing between reference-executor and bn-llama-worker
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <stdint.h>

/*
 * bn-llama-worker runs llama.cpp in a child process, so that an abort or a
 * crash inside llama.cpp is an element error instead of the end of the
 * pipeline (docs/crossval.md, "The worker"; docs/design/0021-llama-worker.md).
 *
 * The element writes requests to the worker's standard input and reads
 * replies from its standard output; the worker's standard error is a file
 * the element reads when the worker dies. Both ends run on the same
 * machine, so numbers travel in host byte order.
 *
 *   request: uint32 op, uint32 length, length bytes of payload
 *   reply:   uint32 status (0 ok, 1 error), uint32 length, payload
 *
 * An error reply's payload is an int32 BnCoreError code, then a UTF-8
 * message (llama.cpp's own log lines when it gave any); the worker stays
 * usable after it. Requests are
 * answered in order, one reply each; the end of standard input ends the
 * worker (it frees what it holds and exits 0).
 */

#define BN_LLAMA_STATUS_OK 0
#define BN_LLAMA_STATUS_ERROR 1

/* payloads longer than this are a broken stream, not a request */
#define BN_LLAMA_MAX_PAYLOAD (1u << 30)

typedef enum {
  /* payload: libllama.so path (empty: the default). reply: key=value lines
   * (path, version, commit, system_info, cpu_backend, pinned_layout, pid) */
  BN_LLAMA_OP_OPEN = 1,
  /* payload: GGUF path. reply: int32 n_vocab (tokens of llama.cpp's
   * vocabulary, 0 without one), int32 n_logits (entries of a logits row),
   * double load_ms */
  BN_LLAMA_OP_LOAD = 2,
  /* payload: uint32 n_ctx, n_batch, n_ubatch, int32 n_threads, flash_attn
   * (-1 auto, 0 disabled, 1 enabled). reply: empty */
  BN_LLAMA_OP_CONTEXT = 3,
  /* payload: text. reply: int32 token ids (BOS as the vocabulary asks) */
  BN_LLAMA_OP_TOKENIZE = 4,
  /* payload: int32 token ids. reply: their text */
  BN_LLAMA_OP_DETOKENIZE = 5,
  /* payload: empty. reply: empty (the KV cache is cleared) */
  BN_LLAMA_OP_CLEAR = 6,
  /* payload: int32 token ids (one batch). reply: int64 nanoseconds the
   * worker measured around llama_decode + llama_synchronize +
   * llama_get_logits_ith, then float logits of the last position */
  BN_LLAMA_OP_EVAL = 7,
  /* payload: empty. reply: double CPU seconds (user + system, since the
   * worker started), double resident MB, double peak resident MB */
  BN_LLAMA_OP_USAGE = 8,
  /* payload: empty. reply: empty (context and model freed) */
  BN_LLAMA_OP_UNLOAD = 9,
} BnLlamaOp;

/* The names of the ops, for messages and for BN_LLAMA_WORKER_ABORT_AT. */
static inline const char *
bn_llama_op_name (uint32_t op)
{
  static const char *const names[] = {
    [BN_LLAMA_OP_OPEN] = "open",
    [BN_LLAMA_OP_LOAD] = "load",
    [BN_LLAMA_OP_CONTEXT] = "context",
    [BN_LLAMA_OP_TOKENIZE] = "tokenize",
    [BN_LLAMA_OP_DETOKENIZE] = "detokenize",
    [BN_LLAMA_OP_CLEAR] = "clear",
    [BN_LLAMA_OP_EVAL] = "eval",
    [BN_LLAMA_OP_USAGE] = "usage",
    [BN_LLAMA_OP_UNLOAD] = "unload",
  };
  return op < sizeof names / sizeof names[0] && names[op] ? names[op] : "unknown";
}
