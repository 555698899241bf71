/* gst-bitnet: where the translations are found
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Shared by the core (bn_init()) and the tools, which bind the text domain
 * before they parse their options.
 */
#pragma once

#include <gst-bitnet/bn.h>

G_BEGIN_DECLS

/* Binds the gst-bitnet-1.0 text domain, UTF-8, to the directory in the
 * environment variable BN_LOCALEDIR when it is set and not empty (a build
 * tree's po/ directory holds <lang>/LC_MESSAGES/gst-bitnet-1.0.mo, so the
 * uninstalled tools can run translated), else to the installed locale
 * directory. Returns the directory. */
BN_API const char *bn_i18n_bind_textdomain (void);

G_END_DECLS
