/* gst-bitnet: a description of the machine and build, for receipts
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_INSIDE) && !defined(BN_COMPILATION)
#error "Only <gst-bitnet/bn.h> can be included directly."
#endif

#include <json-glib/json-glib.h>
#include <gst-bitnet/bn-export.h>

G_BEGIN_DECLS

BN_API JsonObject *bn_machine_info (void);
BN_API char *bn_machine_platform (void);
BN_API void bn_machine_memory_mb (double *rss_mb,
                                 double *peak_mb);
BN_API double bn_machine_read_bandwidth_of (gconstpointer data,
                                           gsize         bytes,
                                           guint         n_threads);
BN_API double bn_machine_read_bandwidth (gsize bytes,
                                          guint n_threads);

G_END_DECLS
