/* gst-bitnet kernels: umbrella header
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The compute layer of gst-bitnet in plain C11 (no GLib): ternary weight
 * formats, activation quantization, SIMD products with run-time dispatch.
 * Include as "kernels/bn-kernels.h". Documentation: docs/kernels.md.
 */
#pragma once

#include "bn-ktypes.h"
#include "bn-f16.h"
#include "bn-act.h"
#include "bn-ternary.h"
#include "bn-dispatch.h"
#include "bn-head.h"
