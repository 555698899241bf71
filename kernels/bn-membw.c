/* gst-bitnet kernels: memory read bandwidth probe
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bn-membw.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__ ((target ("avx2"))) static uint64_t
read_avx2 (const void *buf, size_t size)
{
  const __m256i *p = buf;
  __m256i a = _mm256_setzero_si256 (), b = a, c = a, d = a;
  for (size_t i = 0; i < size / 32; i += 8) {
    a = _mm256_xor_si256 (a, _mm256_load_si256 (p + i));
    b = _mm256_xor_si256 (b, _mm256_load_si256 (p + i + 1));
    c = _mm256_xor_si256 (c, _mm256_load_si256 (p + i + 2));
    d = _mm256_xor_si256 (d, _mm256_load_si256 (p + i + 3));
    a = _mm256_xor_si256 (a, _mm256_load_si256 (p + i + 4));
    b = _mm256_xor_si256 (b, _mm256_load_si256 (p + i + 5));
    c = _mm256_xor_si256 (c, _mm256_load_si256 (p + i + 6));
    d = _mm256_xor_si256 (d, _mm256_load_si256 (p + i + 7));
  }
  __m256i x = _mm256_xor_si256 (_mm256_xor_si256 (a, b), _mm256_xor_si256 (c, d));
  return (uint64_t) _mm256_extract_epi64 (x, 0) ^ (uint64_t) _mm256_extract_epi64 (x, 3);
}
#endif

static uint64_t
read_generic (const void *buf, size_t size)
{
  const uint64_t *p = buf;
  uint64_t a = 0, b = 0, c = 0, d = 0;
  for (size_t i = 0; i < size / 8; i += 4) {
    a ^= p[i];
    b ^= p[i + 1];
    c ^= p[i + 2];
    d ^= p[i + 3];
  }
  return a ^ b ^ c ^ d;
}

uint64_t
bn_membw_read (const void *buf, size_t size)
{
#if defined(__x86_64__)
  if (__builtin_cpu_supports ("avx2"))
    return read_avx2 (buf, size);
#endif
  return read_generic (buf, size);
}
