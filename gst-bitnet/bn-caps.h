/* gst-bitnet: capabilities of a link
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
 * BnCaps:
 *
 * What may flow on a link: a list of structures, each a media type such as
 * `model/bitnet` plus typed fields (`format=i2s`). A field may hold a list
 * of alternative strings (`format={ i2s, tl1 }`). The special caps `ANY`
 * accept everything; `EMPTY` accept nothing.
 *
 * #BnCaps are immutable once created and shared by reference.
 *
 * Since: 0.1
 */
typedef struct _BnCaps BnCaps;

#define BN_TYPE_CAPS (bn_caps_get_type ())
BN_API GType bn_caps_get_type (void);

/**
 * BN_CAPS_ERROR:
 *
 * Error domain for caps strings that cannot be parsed.
 *
 * Since: 0.1
 */
#define BN_CAPS_ERROR (bn_caps_error_quark ())
BN_API GQuark bn_caps_error_quark (void);

/**
 * BnCapsError:
 * @BN_CAPS_ERROR_SYNTAX: the string is not valid caps syntax.
 *
 * Codes of the #BN_CAPS_ERROR domain.
 *
 * Since: 0.1
 */
typedef enum {
  BN_CAPS_ERROR_SYNTAX,
} BnCapsError;

BN_API BnCaps *bn_caps_new_any (void);
BN_API BnCaps *bn_caps_new_empty (void);
BN_API BnCaps *bn_caps_new_simple (const char *media_type, const char *first_field, ...) G_GNUC_NULL_TERMINATED;
BN_API BnCaps *bn_caps_from_string (const char *string, GError **error);
BN_API BnCaps *bn_caps_ref (BnCaps *caps);
BN_API void bn_caps_unref (BnCaps *caps);
BN_API char *bn_caps_to_string (const BnCaps *caps);

BN_API gboolean bn_caps_is_any (const BnCaps *caps);
BN_API gboolean bn_caps_is_empty (const BnCaps *caps);
BN_API gboolean bn_caps_is_equal (const BnCaps *a, const BnCaps *b);
BN_API guint bn_caps_get_size (const BnCaps *caps);
BN_API const char *bn_caps_get_media_type (const BnCaps *caps, guint index);
BN_API const GValue *bn_caps_get_field (const BnCaps *caps, guint index, const char *field);
BN_API const char *bn_caps_get_string (const BnCaps *caps, guint index, const char *field);

BN_API BnCaps *bn_caps_intersect (const BnCaps *a, const BnCaps *b);
BN_API gboolean bn_caps_can_intersect (const BnCaps *a, const BnCaps *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BnCaps, bn_caps_unref)

G_END_DECLS
