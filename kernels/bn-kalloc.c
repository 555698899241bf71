/* gst-bitnet kernels: the aligned allocator of packed and activation buffers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bn-ktypes.h"

#include <stdlib.h>

void *
bn_kalloc (size_t size)
{
  return aligned_alloc (BN_KALIGN, bn_round_up (size ? size : 1, BN_KALIGN));
}

void
bn_kfree (void *ptr)
{
  free (ptr);
}
