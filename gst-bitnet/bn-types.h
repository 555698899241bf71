/* gst-bitnet: forward declarations of the core types
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_INSIDE) && !defined(BN_COMPILATION)
#error "Only <gst-bitnet/bn.h> can be included directly."
#endif

typedef struct _BnElement BnElement;
typedef struct _BnPad BnPad;
typedef struct _BnPadTemplate BnPadTemplate;
typedef struct _BnBin BnBin;
typedef struct _BnPipeline BnPipeline;
typedef struct _BnBus BnBus;
typedef struct _BnMessage BnMessage;
typedef struct _BnPlugin BnPlugin;
