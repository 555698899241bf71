/* gst-bitnet: the model library's umbrella header
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:model
 * @title: Model library
 * @short_description: GGUF files, models, tokenizer, inference engine and fixtures
 *
 * libgstbitnet-model-1.0 (pkg-config `gst-bitnet-model-1.0`) holds what
 * knows about models: the GGUF reader and writer, #BnModel, the byte-level
 * BPE tokenizer, the inference engine and the synthetic fixtures.
 * Applications include `gst-bitnet/model/model.h`; the individual headers
 * refuse direct inclusion. It depends on the dataflow core only for
 * #BnItem (a model flows between elements); the core never includes it.
 * Its log domain is `bn-model`.
 */

#pragma once

#define BN_MODEL_INSIDE

#include <gst-bitnet/bn.h>
#include <gst-bitnet/model/model-prelude.h>
/* Hidden from g-ir-scanner, which names registered members after their
 * nicks: BnArch's "bitnet-b1.58" is no valid identifier. The GIR describes
 * the model's enums from their C members (BnModel.Arch.BITNET_B158). */
#ifndef __GI_SCANNER__
#include <gst-bitnet/model/bn-model-enum-types.h>
#endif
#include <gst-bitnet/model/bn-gguf.h>
#include <gst-bitnet/model/bn-tokenizer.h>
#include <gst-bitnet/model/bn-model.h>
#include <gst-bitnet/model/bn-engine.h>
#include <gst-bitnet/model/bn-fixture.h>

#undef BN_MODEL_INSIDE
