/* gst-bitnet: byte-level BPE tokenizer of GGUF models
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_MODEL_INSIDE) && !defined(BN_MODEL_COMPILATION)
#error "Only <gst-bitnet/model/model.h> can be included directly."
#endif

#include <glib.h>
#include <glib-object.h>
#include <gst-bitnet/model/model-prelude.h>

G_BEGIN_DECLS

/**
 * BnTokenizer:
 *
 * The tokenizer of a model: its vocabulary, its merges and the rules that
 * cut text into words before the merges apply. Built from the
 * `tokenizer.ggml.*` metadata of a GGUF file with bn_tokenizer_new(), or
 * from a vocabulary synthesized by bn_tokenizer_build_vocab().
 *
 * A #BnTokenizer is immutable once created and shared by reference; it may
 * be used from several threads at once.
 *
 * Since: 0.1
 */
typedef struct _BnTokenizer BnTokenizer;

#define BN_TYPE_TOKENIZER (bn_tokenizer_get_type ())
BN_MODEL_API GType bn_tokenizer_get_type (void);

/**
 * BN_TOKENIZER_ERROR:
 *
 * Error domain of the tokenizer. Errors in this domain use
 * #BnTokenizerError codes.
 *
 * Since: 0.1
 */
#define BN_TOKENIZER_ERROR (bn_tokenizer_error_quark ())
BN_MODEL_API GQuark bn_tokenizer_error_quark (void);

/**
 * BnTokenizerError:
 * @BN_TOKENIZER_ERROR_INVALID: the vocabulary, token types, merges or
 *   special token ids given to bn_tokenizer_new() are inconsistent (a
 *   duplicate token, a merge naming a token that does not exist, an id out
 *   of range...); the message says which entry.
 * @BN_TOKENIZER_ERROR_UNSUPPORTED: the tokenizer model (for instance
 *   `llama`, SentencePiece) is not supported.
 * @BN_TOKENIZER_ERROR_UNKNOWN_TOKEN: a token id outside the vocabulary was
 *   given to decode, or a byte of the text has no token.
 * @BN_TOKENIZER_ERROR_NO_VOCABULARY: text was given to a tokenizer of model
 *   `none`, which has no vocabulary to encode it with.
 * @BN_TOKENIZER_ERROR_NO_BOS: a beginning-of-sequence token was asked for
 *   and the vocabulary has none.
 *
 * Codes of the #BN_TOKENIZER_ERROR domain. New codes are only ever
 * appended.
 *
 * Since: 0.1
 */
typedef enum {
  BN_TOKENIZER_ERROR_INVALID,
  BN_TOKENIZER_ERROR_UNSUPPORTED,
  BN_TOKENIZER_ERROR_UNKNOWN_TOKEN,
  BN_TOKENIZER_ERROR_NO_VOCABULARY,
  BN_TOKENIZER_ERROR_NO_BOS,
} BnTokenizerError;

/**
 * BnTokenType:
 * @BN_TOKEN_TYPE_UNDEFINED: no type recorded.
 * @BN_TOKEN_TYPE_NORMAL: an ordinary token of text.
 * @BN_TOKEN_TYPE_UNKNOWN: the token standing for unknown text.
 * @BN_TOKEN_TYPE_CONTROL: a control token such as `<|begin_of_text|>`:
 *   never produced from text, skipped by decoding when asked to.
 * @BN_TOKEN_TYPE_USER_DEFINED: a token added by the model's authors.
 * @BN_TOKEN_TYPE_UNUSED: a token that is not used.
 * @BN_TOKEN_TYPE_BYTE: a token standing for one byte.
 *
 * The kinds of tokens, with the numbers the GGUF key
 * `tokenizer.ggml.token_type` stores (those of llama.cpp).
 *
 * Since: 0.1
 */
typedef enum {
  BN_TOKEN_TYPE_UNDEFINED = 0,
  BN_TOKEN_TYPE_NORMAL = 1,
  BN_TOKEN_TYPE_UNKNOWN = 2,
  BN_TOKEN_TYPE_CONTROL = 3,
  BN_TOKEN_TYPE_USER_DEFINED = 4,
  BN_TOKEN_TYPE_UNUSED = 5,
  BN_TOKEN_TYPE_BYTE = 6,
} BnTokenType;

BN_MODEL_API BnTokenizer *bn_tokenizer_new (const char *model, const char *pre, const char *const *tokens,
                                            gsize n_tokens, const gint32 *token_types, const char *const *merges,
                                            gsize n_merges, gint32 bos_id, gint32 eos_id, GError **error);
BN_MODEL_API BnTokenizer *bn_tokenizer_ref (BnTokenizer *tokenizer);
BN_MODEL_API void bn_tokenizer_unref (BnTokenizer *tokenizer);

BN_MODEL_API gboolean bn_tokenizer_encode (BnTokenizer *tokenizer, const char *text, gssize len, gboolean add_bos,
                                           GArray *out_ids, GError **error);
BN_MODEL_API GBytes *bn_tokenizer_decode_bytes (BnTokenizer *tokenizer, const gint32 *ids, gsize n_ids,
                                                gboolean skip_special, GError **error);
BN_MODEL_API char *bn_tokenizer_decode (BnTokenizer *tokenizer, const gint32 *ids, gsize n_ids, gboolean skip_special,
                                        GError **error);
BN_MODEL_API GBytes *bn_tokenizer_token_to_piece (BnTokenizer *tokenizer, gint32 id, GError **error);

BN_MODEL_API const char *bn_tokenizer_get_model (BnTokenizer *tokenizer);
BN_MODEL_API const char *bn_tokenizer_get_pre (BnTokenizer *tokenizer);
BN_MODEL_API gsize bn_tokenizer_get_n_tokens (BnTokenizer *tokenizer);
BN_MODEL_API gsize bn_tokenizer_get_n_merges (BnTokenizer *tokenizer);
BN_MODEL_API gint32 bn_tokenizer_get_bos (BnTokenizer *tokenizer);
BN_MODEL_API gint32 bn_tokenizer_get_eos (BnTokenizer *tokenizer);
BN_MODEL_API const char *bn_tokenizer_get_token_text (BnTokenizer *tokenizer, gint32 id);
BN_MODEL_API BnTokenType bn_tokenizer_get_token_type (BnTokenizer *tokenizer, gint32 id);
BN_MODEL_API gint32 bn_tokenizer_find_token (BnTokenizer *tokenizer, const char *text);
BN_MODEL_API gboolean bn_tokenizer_is_special (BnTokenizer *tokenizer, gint32 id);

BN_MODEL_API gboolean bn_tokenizer_build_vocab (guint n_vocab, guint max_merges, GPtrArray **tokens,
                                                GArray **token_types, GPtrArray **merges, gint32 *bos_id,
                                                gint32 *eos_id, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BnTokenizer, bn_tokenizer_unref)

G_END_DECLS
