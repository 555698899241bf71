/* gst-bitnet: a description of the machine and build, for receipts
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_BENCH_INSIDE) && !defined(BN_BENCH_COMPILATION)
#error "Only <gst-bitnet/bench/bench.h> can be included directly."
#endif

#include <json-glib/json-glib.h>
#include <gst-bitnet/bench/bench-prelude.h>

G_BEGIN_DECLS

BN_BENCH_API JsonObject *bn_machine_info (void);
BN_BENCH_API char *bn_machine_platform (void);
BN_BENCH_API const char *bn_machine_emulator (void);
BN_BENCH_API void bn_machine_memory_mb (double *rss_mb, double *peak_mb);
BN_BENCH_API guint64 bn_machine_total_memory (void);
BN_BENCH_API double bn_machine_read_bandwidth_of (gconstpointer data, gsize bytes, guint n_threads);
BN_BENCH_API double bn_machine_read_bandwidth (gsize bytes, guint n_threads);

G_END_DECLS
