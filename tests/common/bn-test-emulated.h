/* gst-bitnet tests: cases that judge native timings, under an emulator
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst-bitnet/bench/bench.h>

/* Under an emulator (the aarch64 build under qemu-user, docs/platforms.md)
 * strict mode and the regression analyzer refuse to judge the native
 * timings of the receipts and baselines these cases were written with, as
 * they must: such a case is skipped there, saying so, and returns TRUE. */
static inline gboolean
bn_test_skip_if_emulated (void)
{
  if (!bn_machine_emulator ())
    return FALSE;
  g_autofree char *why = g_strdup_printf ("runs under %s: native timings are not judged here", bn_machine_emulator ());
  g_test_skip (why);
  return TRUE;
}
