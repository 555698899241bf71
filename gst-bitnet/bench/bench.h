/* gst-bitnet: the benchmarking library's umbrella header
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:bench
 * @title: Benchmarking library
 * @short_description: run records, machine facts, strict mode and statistics
 *
 * libgstbitnet-bench-1.0 (pkg-config `gst-bitnet-bench-1.0`) is to the
 * executors and analyzers what GStreamer's base library is to its
 * elements: the run record, the facts of the machine, the strict-mode
 * configuration and the statistics every element shares. Applications
 * include `gst-bitnet/bench/bench.h`; the individual headers refuse direct
 * inclusion. Its log domain is `bn-bench`.
 */

#pragma once

#define BN_BENCH_INSIDE

#include <gst-bitnet/bn.h>
#include <gst-bitnet/model/model.h>
#include <gst-bitnet/bench/bench-prelude.h>
#include <gst-bitnet/bench/bn-bench-enum-types.h>
#include <gst-bitnet/bench/bn-record.h>
#include <gst-bitnet/bench/bn-run-record.h>
#include <gst-bitnet/bench/bn-base-executor.h>
#include <gst-bitnet/bench/bn-machine.h>
#include <gst-bitnet/bench/bn-strict.h>
#include <gst-bitnet/bench/bn-stats.h>

#undef BN_BENCH_INSIDE
