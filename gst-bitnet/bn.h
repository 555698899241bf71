/* gst-bitnet: the header applications include
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:bn
 * @title: Umbrella header
 * @short_description: the one header applications include
 *
 * Applications include `gst-bitnet/bn.h`; the individual headers refuse direct inclusion.
 */

#pragma once

#define BN_INSIDE

#include <gst-bitnet/bn-export.h>
#include <gst-bitnet/bn-version.h>
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
#include <gst-bitnet/bn-gguf.h>
#include <gst-bitnet/bn-model.h>
#include <gst-bitnet/bn-engine.h>
#include <gst-bitnet/bn-record.h>
#include <gst-bitnet/bn-machine.h>
#include <gst-bitnet/bn-strict.h>
#include <gst-bitnet/bn-fixture.h>
#include <gst-bitnet/bn-tokenizer.h>
#include <gst-bitnet/bn-parse.h>
#include <gst-bitnet/bn-init.h>

#undef BN_INSIDE
