/* gst-bitnet kernels: what each BnKStatus means, in words
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bn-ktypes.h"

const char *
bn_kstatus_to_string (int status)
{
  switch (status) {
  case BN_K_OK: return "success";
  case BN_K_ERR_INVALID: return "invalid argument";
  case BN_K_ERR_SHAPE: return "the format cannot tile this matrix shape";
  case BN_K_ERR_BUFFER: return "buffer too small";
  case BN_K_ERR_SCALE: return "conversion would lose scale information";
  case BN_K_ERR_UNKNOWN_VARIANT: return "unknown kernel variant";
  case BN_K_ERR_UNSUPPORTED_VARIANT: return "kernel variant not supported by this CPU or build";
  case BN_K_ERR_NOMEM: return "out of memory";
  case BN_K_ERR_LUT: return "table-lookup product without tables built for its format";
  case BN_K_ERR_DATA: return "packed data holds an invalid code";
  default: return "unknown error";
  }
}
