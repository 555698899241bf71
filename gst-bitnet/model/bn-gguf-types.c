/* gst-bitnet: ggml tensor types and GGUF value types
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "bn-gguf-private.h"

/**
 * SECTION:bn-gguf-types
 * @title: GGUF types
 * @short_description: ggml tensor types: names, sizes, support
 *
 * Every tensor of a GGUF file has a ggml type. The table below gives each
 * known type its name, its block size (elements per block) and its type
 * size (bytes per block), from ggml's `type_traits` and the bitnet.cpp
 * fork. Three fork types have a per-tensor size rule instead:
 *
 * - I2_S and TL1: `n / 4 + 32` bytes for `n` elements (2 bits per weight,
 *   then a 32-byte block whose first 4 bytes are the float32 scale);
 * - TL2: `((ne0 - 256) * rows / 3 * 5 / 8) + (256 * rows / 2 * 4 / 8)`,
 *   rounded up to 32, plus 32 (needs `ne0 >= 256`).
 *
 * Only F32, F16, BF16, Q8_0, TQ1_0, TQ2_0 and I2_S can be read by the
 * engine (bn_gguf_type_is_supported()); the other types are known so that
 * files holding them can still be opened, listed and copied.
 */

/**
 * bn_gguf_error_quark:
 *
 * Gets the #GQuark of the #BN_GGUF_ERROR domain.
 *
 * Returns: the #GQuark of the #BN_GGUF_ERROR domain.
 *
 * Since: 0.1
 */
/* the quark name is stringized: clang-format must not space it */
/* clang-format off */
G_DEFINE_QUARK (bn-gguf-error-quark, bn_gguf_error)
/* clang-format on */

typedef enum {
  SIZE_BLOCKS, /* n / block_size * type_size */
  SIZE_I2S,    /* n / 4 + 32 */
  SIZE_TL2,    /* see the section comment */
} SizeRule;

typedef struct {
  BnGgufType type;
  const char *name;
  guint block_size;
  guint type_size;
  SizeRule rule;
  gboolean supported;
} TypeInfo;

static const TypeInfo type_table[] = {
  { BN_GGUF_TYPE_F32, "F32", 1, 4, SIZE_BLOCKS, TRUE },
  { BN_GGUF_TYPE_F16, "F16", 1, 2, SIZE_BLOCKS, TRUE },
  { BN_GGUF_TYPE_Q4_0, "Q4_0", 32, 18, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_Q4_1, "Q4_1", 32, 20, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_Q5_0, "Q5_0", 32, 22, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_Q5_1, "Q5_1", 32, 24, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_Q8_0, "Q8_0", 32, 34, SIZE_BLOCKS, TRUE },
  { BN_GGUF_TYPE_Q8_1, "Q8_1", 32, 36, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_Q2_K, "Q2_K", 256, 84, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_Q3_K, "Q3_K", 256, 110, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_Q4_K, "Q4_K", 256, 144, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_Q5_K, "Q5_K", 256, 176, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_Q6_K, "Q6_K", 256, 210, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_Q8_K, "Q8_K", 256, 292, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_IQ2_XXS, "IQ2_XXS", 256, 66, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_IQ2_XS, "IQ2_XS", 256, 74, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_IQ3_XXS, "IQ3_XXS", 256, 98, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_IQ1_S, "IQ1_S", 256, 50, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_IQ4_NL, "IQ4_NL", 32, 18, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_IQ3_S, "IQ3_S", 256, 110, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_IQ2_S, "IQ2_S", 256, 82, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_IQ4_XS, "IQ4_XS", 256, 136, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_I8, "I8", 1, 1, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_I16, "I16", 1, 2, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_I32, "I32", 1, 4, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_I64, "I64", 1, 8, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_F64, "F64", 1, 8, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_IQ1_M, "IQ1_M", 256, 56, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_BF16, "BF16", 1, 2, SIZE_BLOCKS, TRUE },
  { BN_GGUF_TYPE_Q4_0_4_4, "Q4_0_4_4", 32, 18, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_Q4_0_4_8, "Q4_0_4_8", 32, 18, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_Q4_0_8_8, "Q4_0_8_8", 32, 18, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_TQ1_0, "TQ1_0", 256, 54, SIZE_BLOCKS, TRUE },
  { BN_GGUF_TYPE_TQ2_0, "TQ2_0", 256, 66, SIZE_BLOCKS, TRUE },
  { BN_GGUF_TYPE_I2_S, "I2_S", 4, 1, SIZE_I2S, TRUE },
  { BN_GGUF_TYPE_I8_S, "I8_S", 1, 1, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_TL1, "TL1", 4, 1, SIZE_I2S, FALSE },
  { BN_GGUF_TYPE_TL2, "TL2", 0, 0, SIZE_TL2, FALSE },
  { BN_GGUF_TYPE_IQ4_NL_4_4, "IQ4_NL_4_4", 32, 18, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_IQ4_NL_4_8, "IQ4_NL_4_8", 32, 18, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_IQ4_NL_8_8, "IQ4_NL_8_8", 32, 18, SIZE_BLOCKS, FALSE },
  { BN_GGUF_TYPE_MXFP4, "MXFP4", 32, 17, SIZE_BLOCKS, FALSE },
};

static const TypeInfo *
lookup_type (BnGgufType type)
{
  for (gsize i = 0; i < G_N_ELEMENTS (type_table); i++)
    if (type_table[i].type == type)
      return &type_table[i];
  return NULL;
}

gboolean
bn_gguf_type_is_known (BnGgufType type)
{
  return lookup_type (type) != NULL;
}

gboolean
bn_gguf_type_id_is_contested (guint32 id)
{
  return id >= 36 && id <= 39;
}

BnGgufType
bn_gguf_type_from_file_id (guint32 id, BnGgufFamily family)
{
  BnGgufType type;

  if (id > 0xff)
    return BN_GGUF_TYPE_INVALID;
  if (bn_gguf_type_id_is_contested (id)) {
    if (family == BN_GGUF_FAMILY_NONE)
      return BN_GGUF_TYPE_INVALID;
    type = family == BN_GGUF_FAMILY_UPSTREAM ? (BnGgufType) (BN_GGUF_TYPE_UPSTREAM_ALT | id) : (BnGgufType) id;
  } else
    type = (BnGgufType) id;
  return lookup_type (type) ? type : BN_GGUF_TYPE_INVALID;
}

BnGgufFamily
bn_gguf_type_get_family (BnGgufType type)
{
  if (type == BN_GGUF_TYPE_INVALID)
    return BN_GGUF_FAMILY_NONE;
  if (type & BN_GGUF_TYPE_UPSTREAM_ALT)
    return BN_GGUF_FAMILY_UPSTREAM;
  return bn_gguf_type_id_is_contested ((guint32) type) ? BN_GGUF_FAMILY_FORK : BN_GGUF_FAMILY_NONE;
}

gboolean
bn_gguf_arch_is_bitnet_fork (const char *arch)
{
  return arch != NULL && (g_str_equal (arch, "bitnet-b1.58") || g_str_equal (arch, "bitnet-25"));
}

/**
 * bn_gguf_type_name:
 * @type: a #BnGgufType
 *
 * Gets the name of a tensor type as llama.cpp's gguf-py spells it, e.g.
 * `"TQ2_0"` or `"I2_S"`.
 *
 * Returns: (nullable): the name, or %NULL for an unknown type
 *
 * Since: 0.1
 */
const char *
bn_gguf_type_name (BnGgufType type)
{
  const TypeInfo *info = lookup_type (type);
  return info ? info->name : NULL;
}

/**
 * bn_gguf_type_from_name:
 * @name: a type name such as `"tq2_0"` (case does not matter)
 * @type: (out): where to store the type
 *
 * Finds a tensor type by its name.
 *
 * Returns: %TRUE if @name is a known type
 *
 * Since: 0.1
 */
gboolean
bn_gguf_type_from_name (const char *name, BnGgufType *type)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (gsize i = 0; i < G_N_ELEMENTS (type_table); i++)
    if (g_ascii_strcasecmp (type_table[i].name, name) == 0) {
      if (type)
        *type = type_table[i].type;
      return TRUE;
    }
  return FALSE;
}

/**
 * bn_gguf_type_is_supported:
 * @type: a #BnGgufType
 *
 * Tells whether the engine can read tensors of @type: F32, F16, BF16,
 * Q8_0, TQ1_0, TQ2_0 and I2_S.
 *
 * Returns: %TRUE if tensors of @type can be used for inference
 *
 * Since: 0.1
 */
gboolean
bn_gguf_type_is_supported (BnGgufType type)
{
  const TypeInfo *info = lookup_type (type);
  return info != NULL && info->supported;
}

/**
 * bn_gguf_type_get_file_id:
 * @type: a known #BnGgufType
 *
 * Gets the id stored in files for @type (the value without
 * #BN_GGUF_TYPE_UPSTREAM_ALT).
 *
 * Returns: the file id, or %G_MAXUINT32 for an unknown type
 *
 * Since: 0.1
 */
guint32
bn_gguf_type_get_file_id (BnGgufType type)
{
  if (!lookup_type (type))
    return G_MAXUINT32;
  return (guint32) type & 0xff;
}

/**
 * bn_gguf_type_get_block_size:
 * @type: a #BnGgufType
 *
 * Gets how many elements one block of @type holds. For I2_S and TL1 this
 * is 4 (one byte), not counting the 32-byte per-tensor trailer; TL2 has no
 * fixed block and gives 0.
 *
 * Returns: the block size in elements, or 0
 *
 * Since: 0.1
 */
guint
bn_gguf_type_get_block_size (BnGgufType type)
{
  const TypeInfo *info = lookup_type (type);
  return info ? info->block_size : 0;
}

/**
 * bn_gguf_type_get_type_size:
 * @type: a #BnGgufType
 *
 * Gets the size in bytes of one block of @type (see
 * bn_gguf_type_get_block_size()).
 *
 * Returns: the block's size in bytes, or 0
 *
 * Since: 0.1
 */
guint
bn_gguf_type_get_type_size (BnGgufType type)
{
  const TypeInfo *info = lookup_type (type);
  return info ? info->type_size : 0;
}

/**
 * bn_gguf_type_compute_size:
 * @type: a #BnGgufType
 * @n_dims: the number of dimensions, 0 to %BN_GGUF_MAX_DIMS
 * @dims: (array length=n_dims) (nullable): the dimensions, innermost first
 * @size: (out) (optional): where to store the size in bytes
 *
 * Computes the size of a tensor's data. The innermost dimension must be a
 * multiple of the type's block size (for I2_S and TL1 the element count
 * must be a multiple of 4; TL2 needs an innermost dimension of at least
 * 256). Every dimension must be at least 1.
 *
 * Returns: %FALSE if the type is unknown, the shape does not fit the type,
 *   or the size overflows 64 bits
 *
 * Since: 0.1
 */
gboolean
bn_gguf_type_compute_size (BnGgufType type, guint n_dims, const guint64 *dims, guint64 *size)
{
  const TypeInfo *info = lookup_type (type);
  guint64 n = 1, ne0, rows, s, t;

  if (info == NULL || n_dims > BN_GGUF_MAX_DIMS || (n_dims > 0 && dims == NULL))
    return FALSE;
  for (guint i = 0; i < n_dims; i++)
    if (dims[i] == 0 || !g_uint64_checked_mul (&n, n, dims[i]))
      return FALSE;
  if (n > G_MAXINT64)
    return FALSE;
  ne0 = n_dims > 0 ? dims[0] : 1;
  rows = n / ne0;

  switch (info->rule) {
  case SIZE_BLOCKS:
    if (ne0 % info->block_size != 0)
      return FALSE;
    if (!g_uint64_checked_mul (&s, n / info->block_size, info->type_size))
      return FALSE;
    break;
  case SIZE_I2S:
    if (n % 4 != 0)
      return FALSE;
    s = n / 4 + 32;
    break;
  case SIZE_TL2:
    /* bitnet.cpp: a TL2 region of (ne0 - 256) columns at 5 bits per 3
     * weights and a 256-column tail at 2 bits per weight, padded to 32,
     * then 32 bytes for the scale. */
    if (ne0 < 256)
      return FALSE;
    if (!g_uint64_checked_mul (&s, ne0 - 256, rows))
      return FALSE;
    s = s / 3 * 5 / 8;
    if (!g_uint64_checked_mul (&t, 256, rows))
      return FALSE;
    t = t / 2 * 4 / 8;
    if (!g_uint64_checked_add (&s, s, t) || !bn_gguf_pad (s, 32, &s) || !g_uint64_checked_add (&s, s, 32))
      return FALSE;
    break;
  default: g_assert_not_reached ();
  }
  if (size)
    *size = s;
  return TRUE;
}

static const char *const value_type_names[] = {
  "u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64", "f64",
};

/**
 * bn_gguf_value_type_name:
 * @type: a #BnGgufValueType
 *
 * Gets a short name of a metadata value type (`"u32"`, `"string"`...).
 *
 * Returns: the name, or `"invalid"`
 *
 * Since: 0.1
 */
const char *
bn_gguf_value_type_name (BnGgufValueType type)
{
  if ((guint) type < G_N_ELEMENTS (value_type_names))
    return value_type_names[type];
  return "invalid";
}

gboolean
bn_gguf_value_type_is_valid (guint32 type)
{
  return type <= BN_GGUF_VALUE_FLOAT64;
}

gsize
bn_gguf_value_type_size (guint32 type)
{
  switch (type) {
  case BN_GGUF_VALUE_UINT8:
  case BN_GGUF_VALUE_INT8:
  case BN_GGUF_VALUE_BOOL: return 1;
  case BN_GGUF_VALUE_UINT16:
  case BN_GGUF_VALUE_INT16: return 2;
  case BN_GGUF_VALUE_UINT32:
  case BN_GGUF_VALUE_INT32:
  case BN_GGUF_VALUE_FLOAT32: return 4;
  case BN_GGUF_VALUE_UINT64:
  case BN_GGUF_VALUE_INT64:
  case BN_GGUF_VALUE_FLOAT64: return 8;
  default: return 0;
  }
}
