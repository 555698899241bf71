/* gst-bitnet: library initialization
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_INSIDE) && !defined(BN_COMPILATION)
#error "Only <gst-bitnet/bn.h> can be included directly."
#endif

#include <glib.h>
#include <gst-bitnet/bn-export.h>

G_BEGIN_DECLS

BN_API void bn_init (int *argc, char ***argv);
BN_API gboolean bn_init_check (int *argc, char ***argv, GError **error);
BN_API gboolean bn_is_initialized (void);
BN_API void bn_version (guint *major, guint *minor, guint *micro);
BN_API const char *bn_version_string (void);
BN_API const char *bn_build_commit (void);

G_END_DECLS
