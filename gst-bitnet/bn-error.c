/* gst-bitnet: error domains
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-error.h"

/**
 * SECTION:bn-error
 * @title: Error domains
 * @short_description: GError domains of the core library
 *
 * Each area of gst-bitnet reports failures in its own #GError domain.
 * bn-launch maps the domain of the first error to its exit status.
 */

/**
 * bn_core_error_quark:
 *
 * Gets the #GQuark of the #BN_CORE_ERROR domain.
 *
 * Returns: the #GQuark of the #BN_CORE_ERROR domain.
 *
 * Since: 0.1
 */
/* the quark name is stringized: clang-format must not space it */
/* clang-format off */
G_DEFINE_QUARK (bn-core-error-quark, bn_core_error)
/* clang-format on */

/**
 * bn_strict_error_quark:
 *
 * Gets the #GQuark of the #BN_STRICT_ERROR domain.
 *
 * Returns: the #GQuark of the #BN_STRICT_ERROR domain.
 *
 * Since: 0.1
 */
/* the quark name is stringized: clang-format must not space it */
/* clang-format off */
G_DEFINE_QUARK (bn-strict-error-quark, bn_strict_error)
/* clang-format on */

/**
 * bn_regression_error_quark:
 *
 * Gets the #GQuark of the #BN_REGRESSION_ERROR domain.
 *
 * Returns: the #GQuark of the #BN_REGRESSION_ERROR domain.
 *
 * Since: 0.1
 */
/* the quark name is stringized: clang-format must not space it */
/* clang-format off */
G_DEFINE_QUARK (bn-regression-error-quark, bn_regression_error)
/* clang-format on */
