/* gst-bitnet: the header applications include
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:bn
 * @title: Umbrella header
 * @short_description: the one header applications include
 *
 * Applications include `gst-bitnet/bn.h` for the dataflow core
 * (libgstbitnet-1.0); the individual headers refuse direct inclusion. The
 * model library (`gst-bitnet/model/model.h`) and the benchmarking library
 * (`gst-bitnet/bench/bench.h`) have umbrella headers of their own; this one
 * never includes them.
 */

#pragma once

#define BN_INSIDE

#include <gst-bitnet/bn-export.h>
#include <gst-bitnet/bn-version.h>
#include <gst-bitnet/bn-enum-types.h>
#include <gst-bitnet/bn-error.h>
#include <gst-bitnet/bn-caps.h>
#include <gst-bitnet/bn-item.h>
#include <gst-bitnet/bn-message.h>
#include <gst-bitnet/bn-bus.h>
#include <gst-bitnet/bn-pad.h>
#include <gst-bitnet/bn-element.h>
#include <gst-bitnet/bn-bin.h>
#include <gst-bitnet/bn-pipeline.h>
#include <gst-bitnet/bn-plugin.h>
#include <gst-bitnet/bn-param.h>
#include <gst-bitnet/bn-parse.h>
#include <gst-bitnet/bn-init.h>

#undef BN_INSIDE
