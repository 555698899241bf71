/* gst-bitnet kernels: the loop nest shared by the TL1 / TL2 SIMD products
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Panels of 8 row groups, chunk by chunk (bn-kernels-private.h): each
 * group's run of a chunk is handed to a format- and ISA-specific @run
 * function for every token of a tile, with that token's chunk of tables
 * (hot in L1 across the panel) and the group's 32 int32 row sums. Memory
 * order is execution order, so the weights stream sequentially.
 * Included by the SIMD files; @run is a constant, inlined.
 */
#pragma once

#include "bn-kernels-private.h"

/* adds the products of @cl blocks at @run to sums[0..31] */
typedef void (*BnTlRunFn) (const uint8_t *run, size_t cl, const uint8_t *lut, int32_t *sums);

#define BN_TL_TILE 4

static inline __attribute__ ((always_inline)) void
bn_tl_drive (const BnTernary *w, const BnActQ8 *acts, size_t n_tokens, size_t row_begin, size_t row_end,
             int32_t *restrict idot, float *restrict y, BnTlRunFn run, size_t lut_offset, size_t lut_block)
{
  const BnTlGeom geo = bn_tl_geom (w->format, w->rows, w->cols);
  const size_t n_chunks = bn_tl_n_chunks (&geo);
  const size_t g_begin = row_begin / BN_TL_ROWS;
  const size_t g_end = (row_end + BN_TL_ROWS - 1) / BN_TL_ROWS;
  const size_t stride = BN_TL_PANEL * BN_TL_ROWS;
  const int tl2 = w->format == BN_TERNARY_TL2;

  for (size_t p0 = g_begin / BN_TL_PANEL * BN_TL_PANEL; p0 < g_end; p0 += BN_TL_PANEL) {
    const size_t ga = p0 > g_begin ? p0 : g_begin;
    const size_t gb = p0 + BN_TL_PANEL < g_end ? p0 + BN_TL_PANEL : g_end;

    for (size_t t0 = 0; t0 < n_tokens; t0 += BN_TL_TILE) {
      const size_t tn = n_tokens - t0 < BN_TL_TILE ? n_tokens - t0 : BN_TL_TILE;
      int32_t sums[BN_TL_TILE * BN_TL_PANEL * BN_TL_ROWS];

      memset (sums, 0, sizeof sums);
      for (size_t c = 0; c < n_chunks; c++) {
        const size_t cl = bn_tl_chunk_len (&geo, c);

        for (size_t g = ga; g < gb; g++) {
          const uint8_t *blocks = w->data + bn_tl_run_offset (&geo, g, c);

          for (size_t t = 0; t < tn; t++)
            run (blocks, cl, (const uint8_t *) acts[t0 + t].lut + lut_offset + c * geo.chunk * lut_block,
                 sums + t * stride + (g - p0) * BN_TL_ROWS);
        }
      }

      for (size_t g = ga; g < gb; g++) {
        const uint8_t *tail = w->data + bn_tl_tail_offset (&geo, g);

        for (size_t i = 0; i < BN_TL_ROWS; i++) {
          size_t r = g * BN_TL_ROWS + i;
          if (r < row_begin || r >= row_end)
            continue;
          for (size_t t = 0; t < tn; t++) {
            const BnActQ8 *act = &acts[t0 + t];
            int32_t dot = sums[t * stride + (g - p0) * BN_TL_ROWS + i];
            if (tl2) {
              unsigned idx = (tail[i / 2] >> (4 * (i % 2))) & 0x0f;
              if (idx < 9)
                dot += bn_tl2_tail_lut (act->lut, w->cols)[idx];
            }
            bn_store_row (w, act, t0 + t, r, dot, idot, y);
          }
        }
      }
    }
  }
}
