/* gst-bitnet: GGUF model files, reading and writing
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
 * BN_GGUF_ERROR:
 *
 * Error domain of the GGUF reader and writer. Errors in this domain use
 * #BnGgufError codes; their messages name the file and the byte offset
 * where the problem was found.
 *
 * Since: 0.1
 */
#define BN_GGUF_ERROR (bn_gguf_error_quark ())

/**
 * BnGgufError:
 * @BN_GGUF_ERROR_IO: the file could not be opened, mapped, written or
 *   renamed; the message carries the system error.
 * @BN_GGUF_ERROR_TRUNCATED: the file ends before a structure it declares.
 * @BN_GGUF_ERROR_BAD_MAGIC: the file does not start with `GGUF`.
 * @BN_GGUF_ERROR_UNSUPPORTED_VERSION: a GGUF version other than 2 or 3.
 * @BN_GGUF_ERROR_BIG_ENDIAN: a big-endian GGUF file.
 * @BN_GGUF_ERROR_CORRUPT: a value that no valid file contains (an unknown
 *   metadata type, a key that is not UTF-8, more than 4 dimensions, a zero
 *   dimension, an impossible count...).
 * @BN_GGUF_ERROR_UNSUPPORTED_TYPE: a tensor type id this reader does not
 *   know, so that the tensor's size cannot be computed.
 * @BN_GGUF_ERROR_DUPLICATE: a metadata key or a tensor name appears twice.
 * @BN_GGUF_ERROR_ALIGNMENT: `general.alignment` is not a power of two, or
 *   a tensor offset is not a multiple of it.
 * @BN_GGUF_ERROR_TENSOR_BOUNDS: a tensor lies outside the data section or
 *   overlaps another one.
 * @BN_GGUF_ERROR_AMBIGUOUS_TYPE: a tensor type id in 36..39 could mean a
 *   bitnet.cpp type or an upstream ggml type, and the file does not say
 *   which.
 * @BN_GGUF_ERROR_NOT_FOUND: a metadata key or tensor asked for is absent.
 * @BN_GGUF_ERROR_TYPE_MISMATCH: a metadata value is not of the type asked
 *   for, or does not fit in it.
 * @BN_GGUF_ERROR_INVALID: a #BnGgufBuilder was given something it cannot
 *   write (a bad key, a tensor whose data size does not match its shape).
 *
 * Codes of the #BN_GGUF_ERROR domain. New codes are only ever appended.
 *
 * Since: 0.1
 */
typedef enum {
  BN_GGUF_ERROR_IO,
  BN_GGUF_ERROR_TRUNCATED,
  BN_GGUF_ERROR_BAD_MAGIC,
  BN_GGUF_ERROR_UNSUPPORTED_VERSION,
  BN_GGUF_ERROR_BIG_ENDIAN,
  BN_GGUF_ERROR_CORRUPT,
  BN_GGUF_ERROR_UNSUPPORTED_TYPE,
  BN_GGUF_ERROR_DUPLICATE,
  BN_GGUF_ERROR_ALIGNMENT,
  BN_GGUF_ERROR_TENSOR_BOUNDS,
  BN_GGUF_ERROR_AMBIGUOUS_TYPE,
  BN_GGUF_ERROR_NOT_FOUND,
  BN_GGUF_ERROR_TYPE_MISMATCH,
  BN_GGUF_ERROR_INVALID,
} BnGgufError;

/**
 * BN_GGUF_DEFAULT_ALIGNMENT:
 *
 * The alignment of the data section and of every tensor when a file has
 * no `general.alignment` key (as in llama.cpp).
 *
 * Since: 0.1
 */
#define BN_GGUF_DEFAULT_ALIGNMENT 32

/**
 * BN_GGUF_MAX_DIMS:
 *
 * The largest number of dimensions a tensor may have (ggml's limit).
 *
 * Since: 0.1
 */
#define BN_GGUF_MAX_DIMS 4

/**
 * BN_GGUF_MAX_NAME:
 *
 * The longest tensor name, in bytes, that llama.cpp accepts (one less than
 * ggml's `GGML_MAX_NAME`). Longer names are refused by the reader and the
 * writer.
 *
 * Since: 0.1
 */
#define BN_GGUF_MAX_NAME 63

/**
 * BnGgufValueType:
 * @BN_GGUF_VALUE_UINT8: unsigned 8-bit integer
 * @BN_GGUF_VALUE_INT8: signed 8-bit integer
 * @BN_GGUF_VALUE_UINT16: unsigned 16-bit integer
 * @BN_GGUF_VALUE_INT16: signed 16-bit integer
 * @BN_GGUF_VALUE_UINT32: unsigned 32-bit integer
 * @BN_GGUF_VALUE_INT32: signed 32-bit integer
 * @BN_GGUF_VALUE_FLOAT32: IEEE 754 binary32
 * @BN_GGUF_VALUE_BOOL: boolean, one byte holding 0 or 1
 * @BN_GGUF_VALUE_STRING: a string: 64-bit length, then the bytes
 * @BN_GGUF_VALUE_ARRAY: an array: element type, 64-bit count, elements;
 *   elements may themselves be arrays
 * @BN_GGUF_VALUE_UINT64: unsigned 64-bit integer
 * @BN_GGUF_VALUE_INT64: signed 64-bit integer
 * @BN_GGUF_VALUE_FLOAT64: IEEE 754 binary64
 *
 * The types of GGUF metadata values, with the numbers they have in files.
 *
 * Since: 0.1
 */
typedef enum {
  BN_GGUF_VALUE_UINT8 = 0,
  BN_GGUF_VALUE_INT8 = 1,
  BN_GGUF_VALUE_UINT16 = 2,
  BN_GGUF_VALUE_INT16 = 3,
  BN_GGUF_VALUE_UINT32 = 4,
  BN_GGUF_VALUE_INT32 = 5,
  BN_GGUF_VALUE_FLOAT32 = 6,
  BN_GGUF_VALUE_BOOL = 7,
  BN_GGUF_VALUE_STRING = 8,
  BN_GGUF_VALUE_ARRAY = 9,
  BN_GGUF_VALUE_UINT64 = 10,
  BN_GGUF_VALUE_INT64 = 11,
  BN_GGUF_VALUE_FLOAT64 = 12,
} BnGgufValueType;

/**
 * BN_GGUF_TYPE_UPSTREAM_ALT:
 *
 * Flag set in the #BnGgufType of the upstream ggml types whose file id
 * (36..39) is also used by the bitnet.cpp fork. The id written in files
 * is `type & 0xff`; see bn_gguf_type_get_file_id().
 *
 * Since: 0.1
 */
#define BN_GGUF_TYPE_UPSTREAM_ALT 0x100

/**
 * BnGgufType:
 * @BN_GGUF_TYPE_F32: 32-bit float
 * @BN_GGUF_TYPE_F16: 16-bit float
 * @BN_GGUF_TYPE_Q4_0: 4-bit, blocks of 32
 * @BN_GGUF_TYPE_Q4_1: 4-bit with minimum, blocks of 32
 * @BN_GGUF_TYPE_Q5_0: 5-bit, blocks of 32
 * @BN_GGUF_TYPE_Q5_1: 5-bit with minimum, blocks of 32
 * @BN_GGUF_TYPE_Q8_0: 8-bit, blocks of 32 with an f16 scale
 * @BN_GGUF_TYPE_Q8_1: 8-bit with sum, blocks of 32
 * @BN_GGUF_TYPE_Q2_K: k-quant, 2-bit
 * @BN_GGUF_TYPE_Q3_K: k-quant, 3-bit
 * @BN_GGUF_TYPE_Q4_K: k-quant, 4-bit
 * @BN_GGUF_TYPE_Q5_K: k-quant, 5-bit
 * @BN_GGUF_TYPE_Q6_K: k-quant, 6-bit
 * @BN_GGUF_TYPE_Q8_K: k-quant, 8-bit (activations)
 * @BN_GGUF_TYPE_IQ2_XXS: i-quant
 * @BN_GGUF_TYPE_IQ2_XS: i-quant
 * @BN_GGUF_TYPE_IQ3_XXS: i-quant
 * @BN_GGUF_TYPE_IQ1_S: i-quant
 * @BN_GGUF_TYPE_IQ4_NL: i-quant, blocks of 32
 * @BN_GGUF_TYPE_IQ3_S: i-quant
 * @BN_GGUF_TYPE_IQ2_S: i-quant
 * @BN_GGUF_TYPE_IQ4_XS: i-quant
 * @BN_GGUF_TYPE_I8: 8-bit integer
 * @BN_GGUF_TYPE_I16: 16-bit integer
 * @BN_GGUF_TYPE_I32: 32-bit integer
 * @BN_GGUF_TYPE_I64: 64-bit integer
 * @BN_GGUF_TYPE_F64: 64-bit float
 * @BN_GGUF_TYPE_IQ1_M: i-quant
 * @BN_GGUF_TYPE_BF16: bfloat16
 * @BN_GGUF_TYPE_Q4_0_4_4: retired interleaved Q4_0 (late 2024 files)
 * @BN_GGUF_TYPE_Q4_0_4_8: retired interleaved Q4_0 (late 2024 files)
 * @BN_GGUF_TYPE_Q4_0_8_8: retired interleaved Q4_0 (late 2024 files)
 * @BN_GGUF_TYPE_TQ1_0: ternary, 1.6875 bits per weight
 * @BN_GGUF_TYPE_TQ2_0: ternary, 2.0625 bits per weight
 * @BN_GGUF_TYPE_I2_S: bitnet.cpp ternary, 2 bits per weight plus one
 *   float scale per tensor (n/4 + 32 bytes)
 * @BN_GGUF_TYPE_I8_S: bitnet.cpp 8-bit activations
 * @BN_GGUF_TYPE_TL1: bitnet.cpp lookup-table ternary, pairs of weights
 * @BN_GGUF_TYPE_TL2: bitnet.cpp lookup-table ternary, triples of weights
 * @BN_GGUF_TYPE_IQ4_NL_4_4: retired upstream interleaved IQ4_NL (file id 36)
 * @BN_GGUF_TYPE_IQ4_NL_4_8: retired upstream interleaved IQ4_NL (file id 37)
 * @BN_GGUF_TYPE_IQ4_NL_8_8: retired upstream interleaved IQ4_NL (file id 38)
 * @BN_GGUF_TYPE_MXFP4: upstream microscaling FP4 (file id 39)
 * @BN_GGUF_TYPE_INVALID: no type
 *
 * Tensor types (ggml types). Below 36 the value is the id stored in files.
 * Ids 36..39 mean different things in upstream ggml and in the bitnet.cpp
 * fork: the fork's types keep the plain id, the upstream ones carry
 * #BN_GGUF_TYPE_UPSTREAM_ALT. The reader decides which one a file means
 * (see bn_gguf_open()).
 *
 * Since: 0.1
 */
typedef enum {
  BN_GGUF_TYPE_F32 = 0,
  BN_GGUF_TYPE_F16 = 1,
  BN_GGUF_TYPE_Q4_0 = 2,
  BN_GGUF_TYPE_Q4_1 = 3,
  BN_GGUF_TYPE_Q5_0 = 6,
  BN_GGUF_TYPE_Q5_1 = 7,
  BN_GGUF_TYPE_Q8_0 = 8,
  BN_GGUF_TYPE_Q8_1 = 9,
  BN_GGUF_TYPE_Q2_K = 10,
  BN_GGUF_TYPE_Q3_K = 11,
  BN_GGUF_TYPE_Q4_K = 12,
  BN_GGUF_TYPE_Q5_K = 13,
  BN_GGUF_TYPE_Q6_K = 14,
  BN_GGUF_TYPE_Q8_K = 15,
  BN_GGUF_TYPE_IQ2_XXS = 16,
  BN_GGUF_TYPE_IQ2_XS = 17,
  BN_GGUF_TYPE_IQ3_XXS = 18,
  BN_GGUF_TYPE_IQ1_S = 19,
  BN_GGUF_TYPE_IQ4_NL = 20,
  BN_GGUF_TYPE_IQ3_S = 21,
  BN_GGUF_TYPE_IQ2_S = 22,
  BN_GGUF_TYPE_IQ4_XS = 23,
  BN_GGUF_TYPE_I8 = 24,
  BN_GGUF_TYPE_I16 = 25,
  BN_GGUF_TYPE_I32 = 26,
  BN_GGUF_TYPE_I64 = 27,
  BN_GGUF_TYPE_F64 = 28,
  BN_GGUF_TYPE_IQ1_M = 29,
  BN_GGUF_TYPE_BF16 = 30,
  BN_GGUF_TYPE_Q4_0_4_4 = 31,
  BN_GGUF_TYPE_Q4_0_4_8 = 32,
  BN_GGUF_TYPE_Q4_0_8_8 = 33,
  BN_GGUF_TYPE_TQ1_0 = 34,
  BN_GGUF_TYPE_TQ2_0 = 35,
  BN_GGUF_TYPE_I2_S = 36,
  BN_GGUF_TYPE_I8_S = 37,
  BN_GGUF_TYPE_TL1 = 38,
  BN_GGUF_TYPE_TL2 = 39,
  BN_GGUF_TYPE_IQ4_NL_4_4 = BN_GGUF_TYPE_UPSTREAM_ALT | 36,
  BN_GGUF_TYPE_IQ4_NL_4_8 = BN_GGUF_TYPE_UPSTREAM_ALT | 37,
  BN_GGUF_TYPE_IQ4_NL_8_8 = BN_GGUF_TYPE_UPSTREAM_ALT | 38,
  BN_GGUF_TYPE_MXFP4 = BN_GGUF_TYPE_UPSTREAM_ALT | 39,
  BN_GGUF_TYPE_INVALID = -1,
} BnGgufType;

/**
 * BnGgufTensorInfo:
 * @name: the tensor name (NUL-terminated, valid UTF-8)
 * @type: the resolved tensor type
 * @type_id: the type id as stored in the file
 * @n_dims: the number of dimensions as stored (0..4; 0 is a scalar)
 * @dims: the dimensions, innermost (contiguous) first; unused ones are 1
 * @n_elements: the product of the dimensions
 * @offset: the offset of the data relative to the data section
 * @size: the size of the data in bytes, computed from @type and @dims
 * @data: the data, inside the file's memory map; never read while the file
 *   is validated
 * @info_offset: the file offset of this tensor's info record, for messages
 *
 * A read-only view of one tensor of a #BnGguf. It stays valid as long as
 * the #BnGguf it came from.
 *
 * Since: 0.1
 */
typedef struct {
  const char *name;
  BnGgufType type;
  guint32 type_id;
  guint n_dims;
  guint64 dims[BN_GGUF_MAX_DIMS];
  guint64 n_elements;
  guint64 offset;
  guint64 size;
  const guint8 *data;
  guint64 info_offset;
} BnGgufTensorInfo;

/**
 * BnGgufValue:
 *
 * An opaque metadata value. Values returned by a #BnGguf belong to it; the
 * ones made by the bn_gguf_value_new_*() functions belong to the caller
 * until given to a #BnGgufBuilder.
 *
 * Since: 0.1
 */
typedef struct _BnGgufValue BnGgufValue;

/**
 * BnGguf:
 *
 * An opened, validated, immutable GGUF file. Reference counted; safe to
 * share between threads.
 *
 * Since: 0.1
 */
typedef struct _BnGguf BnGguf;

/**
 * BnGgufBuilder:
 *
 * Collects metadata and tensors and writes them as a GGUF file.
 *
 * Since: 0.1
 */
typedef struct _BnGgufBuilder BnGgufBuilder;

#define BN_TYPE_GGUF (bn_gguf_get_type ())
#define BN_TYPE_GGUF_VALUE (bn_gguf_value_get_type ())
#define BN_TYPE_GGUF_BUILDER (bn_gguf_builder_get_type ())

BN_MODEL_API GQuark bn_gguf_error_quark (void);

/* tensor types */
BN_MODEL_API const char *bn_gguf_type_name (BnGgufType type);
BN_MODEL_API gboolean bn_gguf_type_from_name (const char *name, BnGgufType *type);
BN_MODEL_API gboolean bn_gguf_type_is_supported (BnGgufType type);
BN_MODEL_API guint32 bn_gguf_type_get_file_id (BnGgufType type);
BN_MODEL_API guint bn_gguf_type_get_block_size (BnGgufType type);
BN_MODEL_API guint bn_gguf_type_get_type_size (BnGgufType type);
BN_MODEL_API gboolean bn_gguf_type_compute_size (BnGgufType type, guint n_dims, const guint64 *dims, guint64 *size);
BN_MODEL_API const char *bn_gguf_value_type_name (BnGgufValueType type);

/* values */
BN_MODEL_API GType bn_gguf_value_get_type (void);
BN_MODEL_API BnGgufValue *bn_gguf_value_new_uint8 (guint8 v);
BN_MODEL_API BnGgufValue *bn_gguf_value_new_int8 (gint8 v);
BN_MODEL_API BnGgufValue *bn_gguf_value_new_uint16 (guint16 v);
BN_MODEL_API BnGgufValue *bn_gguf_value_new_int16 (gint16 v);
BN_MODEL_API BnGgufValue *bn_gguf_value_new_uint32 (guint32 v);
BN_MODEL_API BnGgufValue *bn_gguf_value_new_int32 (gint32 v);
BN_MODEL_API BnGgufValue *bn_gguf_value_new_float32 (gfloat v);
BN_MODEL_API BnGgufValue *bn_gguf_value_new_bool (gboolean v);
BN_MODEL_API BnGgufValue *bn_gguf_value_new_string (const char *v);
BN_MODEL_API BnGgufValue *bn_gguf_value_new_string_len (const char *v, gsize length);
BN_MODEL_API BnGgufValue *bn_gguf_value_new_uint64 (guint64 v);
BN_MODEL_API BnGgufValue *bn_gguf_value_new_int64 (gint64 v);
BN_MODEL_API BnGgufValue *bn_gguf_value_new_float64 (gdouble v);
BN_MODEL_API BnGgufValue *bn_gguf_value_new_array (BnGgufValueType element_type, gconstpointer elements,
                                                   gsize n_elements);
BN_MODEL_API BnGgufValue *bn_gguf_value_new_string_array (const char *const *strv, gssize n_elements);
BN_MODEL_API BnGgufValue *bn_gguf_value_new_array_of_arrays (BnGgufValue **arrays, gsize n_arrays);
BN_MODEL_API BnGgufValue *bn_gguf_value_copy (const BnGgufValue *value);
BN_MODEL_API void bn_gguf_value_free (BnGgufValue *value);

BN_MODEL_API BnGgufValueType bn_gguf_value_get_value_type (const BnGgufValue *value);
BN_MODEL_API guint64 bn_gguf_value_get_uint (const BnGgufValue *value);
BN_MODEL_API gint64 bn_gguf_value_get_int (const BnGgufValue *value);
BN_MODEL_API gdouble bn_gguf_value_get_double (const BnGgufValue *value);
BN_MODEL_API gboolean bn_gguf_value_get_boolean (const BnGgufValue *value);
BN_MODEL_API const char *bn_gguf_value_get_string (const BnGgufValue *value, gsize *length);
BN_MODEL_API BnGgufValueType bn_gguf_value_get_element_type (const BnGgufValue *value);
BN_MODEL_API guint64 bn_gguf_value_get_n_elements (const BnGgufValue *value);
BN_MODEL_API gconstpointer bn_gguf_value_get_array_data (const BnGgufValue *value, gsize *n_bytes);
BN_MODEL_API guint64 bn_gguf_value_get_array_uint (const BnGgufValue *value, guint64 index);
BN_MODEL_API gint64 bn_gguf_value_get_array_int (const BnGgufValue *value, guint64 index);
BN_MODEL_API gdouble bn_gguf_value_get_array_double (const BnGgufValue *value, guint64 index);
BN_MODEL_API const char *bn_gguf_value_get_array_string (const BnGgufValue *value, guint64 index, gsize *length);
BN_MODEL_API const BnGgufValue *bn_gguf_value_get_array_element (const BnGgufValue *value, guint64 index);
BN_MODEL_API gboolean bn_gguf_value_equal (const BnGgufValue *a, const BnGgufValue *b);
BN_MODEL_API char *bn_gguf_value_to_string (const BnGgufValue *value, gsize max_elements);

/* reader */
BN_MODEL_API GType bn_gguf_get_type (void);
BN_MODEL_API BnGguf *bn_gguf_open (const char *path, GError **error);
BN_MODEL_API BnGguf *bn_gguf_new_from_bytes (GBytes *bytes, GError **error);
BN_MODEL_API BnGguf *bn_gguf_ref (BnGguf *self);
BN_MODEL_API void bn_gguf_unref (BnGguf *self);

BN_MODEL_API const char *bn_gguf_get_path (BnGguf *self);
BN_MODEL_API gboolean bn_gguf_check_intact (BnGguf *self, GError **error);
BN_MODEL_API guint32 bn_gguf_get_version (BnGguf *self);
BN_MODEL_API guint32 bn_gguf_get_alignment (BnGguf *self);
BN_MODEL_API guint64 bn_gguf_get_file_size (BnGguf *self);
BN_MODEL_API guint64 bn_gguf_get_mapped_size (BnGguf *self);
BN_MODEL_API guint64 bn_gguf_get_data_offset (BnGguf *self);
BN_MODEL_API guint64 bn_gguf_get_data_size (BnGguf *self);
BN_MODEL_API GBytes *bn_gguf_get_bytes (BnGguf *self);
BN_MODEL_API const char *bn_gguf_get_architecture (BnGguf *self);

BN_MODEL_API gsize bn_gguf_get_n_metadata (BnGguf *self);
BN_MODEL_API const char *bn_gguf_get_metadata_key (BnGguf *self, gsize index);
BN_MODEL_API const BnGgufValue *bn_gguf_get_metadata_value (BnGguf *self, gsize index);
BN_MODEL_API const BnGgufValue *bn_gguf_lookup (BnGguf *self, const char *key);
BN_MODEL_API gboolean bn_gguf_has_key (BnGguf *self, const char *key);
BN_MODEL_API gboolean bn_gguf_get_u32 (BnGguf *self, const char *key, guint32 *value, GError **error);
BN_MODEL_API gboolean bn_gguf_get_i32 (BnGguf *self, const char *key, gint32 *value, GError **error);
BN_MODEL_API gboolean bn_gguf_get_u64 (BnGguf *self, const char *key, guint64 *value, GError **error);
BN_MODEL_API gboolean bn_gguf_get_f32 (BnGguf *self, const char *key, gfloat *value, GError **error);
BN_MODEL_API gboolean bn_gguf_get_bool (BnGguf *self, const char *key, gboolean *value, GError **error);
BN_MODEL_API const char *bn_gguf_get_string (BnGguf *self, const char *key, GError **error);
BN_MODEL_API const BnGgufValue *bn_gguf_get_array (BnGguf *self, const char *key, BnGgufValueType element_type,
                                                   GError **error);

BN_MODEL_API gsize bn_gguf_get_n_tensors (BnGguf *self);
BN_MODEL_API const BnGgufTensorInfo *bn_gguf_get_tensor (BnGguf *self, gsize index);
BN_MODEL_API const BnGgufTensorInfo *bn_gguf_find_tensor (BnGguf *self, const char *name);

BN_MODEL_API void bn_gguf_checksum_update_sampled (GChecksum *checksum, const guint8 *data, gsize size);
BN_MODEL_API char *bn_gguf_sample_digest (BnGguf *self);

/* writer */
BN_MODEL_API GType bn_gguf_builder_get_type (void);
BN_MODEL_API BnGgufBuilder *bn_gguf_builder_new (guint32 version, guint32 alignment);
BN_MODEL_API BnGgufBuilder *bn_gguf_builder_new_from_gguf (BnGguf *gguf);
BN_MODEL_API BnGgufBuilder *bn_gguf_builder_ref (BnGgufBuilder *self);
BN_MODEL_API void bn_gguf_builder_unref (BnGgufBuilder *self);
BN_MODEL_API guint32 bn_gguf_builder_get_alignment (BnGgufBuilder *self);

BN_MODEL_API gboolean bn_gguf_builder_add_value (BnGgufBuilder *self, const char *key, BnGgufValue *value,
                                                 GError **error);
BN_MODEL_API gboolean bn_gguf_builder_add_u32 (BnGgufBuilder *self, const char *key, guint32 value, GError **error);
BN_MODEL_API gboolean bn_gguf_builder_add_i32 (BnGgufBuilder *self, const char *key, gint32 value, GError **error);
BN_MODEL_API gboolean bn_gguf_builder_add_u64 (BnGgufBuilder *self, const char *key, guint64 value, GError **error);
BN_MODEL_API gboolean bn_gguf_builder_add_f32 (BnGgufBuilder *self, const char *key, gfloat value, GError **error);
BN_MODEL_API gboolean bn_gguf_builder_add_bool (BnGgufBuilder *self, const char *key, gboolean value, GError **error);
BN_MODEL_API gboolean bn_gguf_builder_add_string (BnGgufBuilder *self, const char *key, const char *value,
                                                  GError **error);
BN_MODEL_API gboolean bn_gguf_builder_add_string_array (BnGgufBuilder *self, const char *key, const char *const *strv,
                                                        gssize n_elements, GError **error);
BN_MODEL_API gboolean bn_gguf_builder_add_tensor (BnGgufBuilder *self, const char *name, BnGgufType type, guint n_dims,
                                                  const guint64 *dims, gconstpointer data, gsize size, GError **error);
BN_MODEL_API gboolean bn_gguf_builder_add_tensor_bytes (BnGgufBuilder *self, const char *name, BnGgufType type,
                                                        guint n_dims, const guint64 *dims, GBytes *bytes,
                                                        GError **error);
BN_MODEL_API gboolean bn_gguf_builder_write (BnGgufBuilder *self, const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BnGguf, bn_gguf_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BnGgufValue, bn_gguf_value_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BnGgufBuilder, bn_gguf_builder_unref)

G_END_DECLS
