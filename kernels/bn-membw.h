/* gst-bitnet kernels: memory read bandwidth probe
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "bn-ktypes.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reads @size bytes at @buf (64-byte aligned, size a multiple of 256) once,
 * with the widest loads the build allows; returns a value that depends on
 * every byte so the reads cannot be optimized away. */
BN_KERNEL_API uint64_t bn_membw_read (const void *buf, size_t size);

#ifdef __cplusplus
}
#endif
