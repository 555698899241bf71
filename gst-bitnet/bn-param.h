/* gst-bitnet: property values from text
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_INSIDE) && !defined(BN_COMPILATION)
#error "Only <gst-bitnet/bn.h> can be included directly."
#endif

#include <glib-object.h>
#include <gst-bitnet/bn-export.h>

G_BEGIN_DECLS

/**
 * BnParamUnit:
 * @BN_PARAM_UNIT_NONE: a plain number.
 * @BN_PARAM_UNIT_BYTES: a size in bytes; text may use `k`, `M`, `G`, `T`
 *   (powers of 1000) or `KiB`, `MiB`, `GiB`, `TiB` (powers of 1024).
 * @BN_PARAM_UNIT_NANOSECONDS: a duration held in nanoseconds; text may use
 *   `ns`, `us`, `ms`, `s`, `min`, `h`.
 * @BN_PARAM_UNIT_MICROSECONDS: a duration held in microseconds.
 * @BN_PARAM_UNIT_MILLISECONDS: a duration held in milliseconds.
 * @BN_PARAM_UNIT_SECONDS: a duration held in seconds.
 *
 * The unit of a numeric property, declared with
 * bn_param_spec_set_unit(); pipeline text may then carry a suffix that is
 * converted to it (`warmup-time=500ms`, `max-size=1.5GiB`). A number with
 * no suffix is in the property's own unit.
 *
 * Since: 0.1
 */
typedef enum {
  BN_PARAM_UNIT_NONE,
  BN_PARAM_UNIT_BYTES,
  BN_PARAM_UNIT_NANOSECONDS,
  BN_PARAM_UNIT_MICROSECONDS,
  BN_PARAM_UNIT_MILLISECONDS,
  BN_PARAM_UNIT_SECONDS,
} BnParamUnit;

BN_API GParamSpec *bn_param_spec_set_unit (GParamSpec *pspec, BnParamUnit unit);
BN_API BnParamUnit bn_param_spec_get_unit (GParamSpec *pspec);
BN_API const char *bn_param_unit_get_suffix (BnParamUnit unit);
BN_API gboolean bn_value_set_from_string (GValue *value, GParamSpec *pspec, const char *string, GError **error);
BN_API char *bn_value_to_display_string (const GValue *value);

G_END_DECLS
