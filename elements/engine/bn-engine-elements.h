/* gst-bitnet: the elements of the engine plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst-bitnet/bn.h>
#include <gst-bitnet/model/model.h>
#include <gst-bitnet/bench/bench.h>

G_BEGIN_DECLS

#define BN_TYPE_KERNEL_EXECUTOR (bn_kernel_executor_get_type ())
G_DECLARE_FINAL_TYPE (BnKernelExecutor, bn_kernel_executor, BN, KERNEL_EXECUTOR, BnBaseExecutor)

#define BN_TYPE_MOCK_EXECUTOR (bn_mock_executor_get_type ())
G_DECLARE_FINAL_TYPE (BnMockExecutor, bn_mock_executor, BN, MOCK_EXECUTOR, BnBaseExecutor)

G_END_DECLS
