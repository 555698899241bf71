/* gst-bitnet: the model library's symbol export macro
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:model-prelude
 * @title: Model export macro
 * @short_description: marks the exported symbols of libgstbitnet-model-1.0
 *
 * Every public function of the model library is declared with
 * BN_MODEL_API; the rest of the library is hidden.
 */

#pragma once

#include <glib.h>

/**
 * BN_MODEL_API:
 *
 * Marks a function of libgstbitnet-model-1.0 as exported (all other symbols
 * of the library are hidden).
 *
 * Since: 0.2
 */
#if defined(BN_MODEL_COMPILATION) && defined(__GNUC__)
#define BN_MODEL_API __attribute__ ((visibility ("default"))) extern
#else
#define BN_MODEL_API extern
#endif
