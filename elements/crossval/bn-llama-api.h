/* gst-bitnet: llama.cpp's C API, loaded at run time (by bn-llama-worker only)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst-bitnet/bn.h>
#include <gst-bitnet/model/model.h>
#include <gst-bitnet/bench/bench.h>
#include <stdbool.h>
#include <stdint.h>

G_BEGIN_DECLS

/* The npm package whose build `make crossval-deps` fetches. */
#define BN_LLAMA_CPP_PIN "3.22.1"

/*
 * Our own declarations of the parts of llama.h we use, checked against
 * llama.h of node-llama-cpp 3.22.1 (llama.cpp de3ff81); see
 * docs/crossval.md. The parameter structs are only ever obtained from the
 * library's *_default_params() and handed back to it; of their fields we
 * touch the first three of llama_context_params (n_ctx, n_batch, n_ubatch,
 * at the same offsets since 2024) and the first two of
 * llama_model_quantize_params (nthread, ftype). Everything else stays
 * opaque, in a buffer larger than any version's struct (160 and 80 bytes
 * in 3.22.1; build-aux/fetch-llama-cpp.sh checks both against llama.h), so
 * a library with a longer struct still works. Thread counts are set with
 * llama_set_n_threads(), not through the struct.
 */
typedef union {
  guint8 bytes[1024];
  guint64 align_;
} BnLlamaModelParams;

typedef union {
  struct {
    uint32_t n_ctx, n_batch, n_ubatch;
  } head;
  guint8 bytes[1024];
  guint64 align_;
} BnLlamaContextParams;

typedef union {
  struct {
    int32_t nthread;
    int32_t ftype;
  } head;
  guint8 bytes[1024];
  guint64 align_;
} BnLlamaQuantizeParams;

/* Offsets in llama_context_params of 3.22.1 (llama.h, checked by
 * build-aux/fetch-llama-cpp.sh), used only when the library's defaults
 * show that layout (BnLlamaApi.pinned_layout): n_threads and
 * n_threads_batch are 4 (GGML_DEFAULT_N_THREADS), flash_attn_type is -1
 * (auto), type_k and type_v are 1 (f16). */
#define BN_LLAMA_CTX_OFF_N_THREADS 28
#define BN_LLAMA_CTX_OFF_N_THREADS_BATCH 32
#define BN_LLAMA_CTX_OFF_FLASH_ATTN 52
#define BN_LLAMA_CTX_OFF_TYPE_K 104
#define BN_LLAMA_CTX_OFF_TYPE_V 108

/* Offset of kv_overrides in llama_model_params of 3.22.1 (checked by
 * build-aux/fetch-llama-cpp.sh), written only with the pinned layout: a
 * file without a vocabulary gets `<arch>.vocab_size` this way. */
#define BN_LLAMA_MODEL_OFF_KV_OVERRIDES 64

/* struct llama_model_kv_override (unchanged since 2024); an array of them
 * ends with an entry whose key is empty */
#define BN_LLAMA_KV_OVERRIDE_TYPE_INT 0
typedef struct {
  int32_t tag;
  char key[128];
  union {
    int64_t val_i64;
    double val_f64;
    bool val_bool;
    char val_str[128];
  };
} BnLlamaKvOverride;

/* struct llama_batch: unchanged since 2023 */
typedef struct {
  int32_t n_tokens;
  int32_t *token;
  float *embd;
  int32_t *pos;
  int32_t *n_seq_id;
  int32_t **seq_id;
  int8_t *logits;
} BnLlamaBatch;

/* enum llama_ftype */
#define BN_LLAMA_FTYPE_MOSTLY_TQ1_0 36
#define BN_LLAMA_FTYPE_MOSTLY_TQ2_0 37

typedef void (*BnLlamaLogCallback) (int level, const char *text, void *user_data);

typedef struct {
  char *path;             /* the library, as given */
  char *dir;              /* where its ggml backends are looked for */
  char *version;          /* e.g. "node-llama-cpp 3.22.1, llama.cpp de3ff81, ggml 0.25.1" */
  char *commit;           /* llama.cpp commit when known, else ggml's */
  char *system_info;      /* llama_print_system_info () */
  char *cpu_backend;      /* the ggml CPU backend variant it loaded, when it said */
  gboolean pinned_layout; /* llama_context_params is laid out as in 3.22.1 */
  void *handle;

  void (*backend_init) (void);
  void (*log_set) (BnLlamaLogCallback cb, void *user_data);
  BnLlamaModelParams (*model_default_params) (void);
  BnLlamaContextParams (*context_default_params) (void);
  void *(*model_load_from_file) (const char *path, BnLlamaModelParams params);
  void (*model_free) (void *model);
  void *(*init_from_model) (void *model, BnLlamaContextParams params);
  void (*free) (void *ctx);
  void (*set_n_threads) (void *ctx, int32_t n_threads, int32_t n_threads_batch);
  BnLlamaBatch (*batch_get_one) (int32_t *tokens, int32_t n_tokens);
  int32_t (*decode) (void *ctx, BnLlamaBatch batch);
  float *(*get_logits_ith) (void *ctx, int32_t i);
  void (*synchronize) (void *ctx); /* optional */
  const void *(*model_get_vocab) (const void *model);
  int32_t (*vocab_n_tokens) (const void *vocab);
  int32_t (*vocab_type) (const void *vocab); /* optional; 0 is LLAMA_VOCAB_TYPE_NONE */
  int32_t (*tokenize) (const void *vocab, const char *text, int32_t len, int32_t *tokens, int32_t n_max,
                       bool add_special, bool parse_special);
  int32_t (*token_to_piece) (const void *vocab, int32_t token, char *buf, int32_t len, int32_t lstrip, bool special);
  void *(*get_memory) (const void *ctx);       /* optional (2025-) */
  void (*memory_clear) (void *mem, bool data); /* optional (2025-) */
  void (*kv_self_clear) (void *ctx);           /* optional (older) */
  const char *(*print_system_info) (void);
  void (*model_save_to_file) (const void *model, const char *path);                             /* optional */
  BnLlamaQuantizeParams (*model_quantize_default_params) (void);                                /* optional */
  uint32_t (*model_quantize) (const char *in, const char *out, const BnLlamaQuantizeParams *p); /* optional */
} BnLlamaApi;

char *bn_llama_default_dir (void);
char *bn_llama_default_library (void);
const BnLlamaApi *bn_llama_api_get (const char *library, GError **error);
void bn_llama_capture_begin (GString *sink);
void bn_llama_capture_end (void);

G_END_DECLS
