/* gst-bitnet: the bench library's symbol export macro
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:bench-prelude
 * @title: Bench export macro
 * @short_description: marks the exported symbols of libgstbitnet-bench-1.0
 *
 * Every public function of the bench library is declared with
 * BN_BENCH_API; the rest of the library is hidden.
 */

#pragma once

#include <glib.h>

/**
 * BN_BENCH_API:
 *
 * Marks a function of libgstbitnet-bench-1.0 as exported (all other symbols
 * of the library are hidden).
 *
 * Since: 0.2
 */
#if defined(BN_BENCH_COMPILATION) && defined(__GNUC__)
#define BN_BENCH_API __attribute__ ((visibility ("default"))) extern
#else
#define BN_BENCH_API extern
#endif
