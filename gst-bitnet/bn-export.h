/* gst-bitnet: symbol export macro
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:bn-export
 * @title: Symbol export
 * @short_description: the BN_API macro
 *
 * Every public function of libgstbitnet-1.0 is declared with #BN_API; all other symbols are hidden.
 */

#pragma once

#if !defined(BN_INSIDE) && !defined(BN_COMPILATION)
#error "Only <gst-bitnet/bn.h> can be included directly."
#endif

/**
 * BN_API:
 *
 * Marks a symbol as part of the public ABI of libgstbitnet-1.0. Everything
 * else is hidden.
 */
#if defined(BN_COMPILATION) && defined(__GNUC__)
#define BN_API __attribute__ ((visibility ("default"))) extern
#else
#define BN_API extern
#endif
