/* gst-bitnet kernels: I2S products, AArch64 NEON with dotprod (sdot)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Built with -march=armv8.2-a+dotprod; selected at run time when the CPU
 * reports asimddp.
 */
#define BN_NEON_DOTPROD 1
#include "bn-i2s-neon.c"
