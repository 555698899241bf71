/* gst-bitnet: strict mode settings from the environment
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_BENCH_INSIDE) && !defined(BN_BENCH_COMPILATION)
#error "Only <gst-bitnet/bench/bench.h> can be included directly."
#endif

#include <glib-object.h>
#include <gst-bitnet/bench/bench-prelude.h>

G_BEGIN_DECLS

/**
 * BnStrictFlags:
 * @BN_STRICT_NONE: no gate.
 * @BN_STRICT_FAIL_ON_MOCK: refuse mock compute paths and `mock` kernels.
 * @BN_STRICT_REQUIRE_QUANTIZATION: require a real quantized kernel for
 *   every ternary layer.
 * @BN_STRICT_VALIDATE_PERFORMANCE: require every requested token, a
 *   positive speed, and a physically plausible speed.
 * @BN_STRICT_VALIDATE_ACCURACY: require the quantizer's accuracy within
 *   the format's tolerance.
 * @BN_STRICT_VALIDATE_DETERMINISM: require identical tokens and logits
 *   digests across iterations (with `BITNET_DETERMINISTIC=1`).
 * @BN_STRICT_CI_ENHANCED: write a per-gate JSON log (CI with
 *   `BITNET_CI_ENHANCED_STRICT`).
 * @BN_STRICT_REQUIRE_SIGNATURE: require runs read from receipt files to be
 *   signed by a trusted key (unless told allow-unsigned). Since: 0.2
 * @BN_STRICT_ALL: every gate.
 *
 * The strict-mode gates.
 *
 * Since: 0.1
 */
typedef enum {
  BN_STRICT_NONE = 0, /*< skip >*/
  BN_STRICT_FAIL_ON_MOCK = 1 << 0,
  BN_STRICT_REQUIRE_QUANTIZATION = 1 << 1,
  BN_STRICT_VALIDATE_PERFORMANCE = 1 << 2,
  BN_STRICT_VALIDATE_ACCURACY = 1 << 3,
  BN_STRICT_VALIDATE_DETERMINISM = 1 << 4,
  BN_STRICT_CI_ENHANCED = 1 << 5,
  BN_STRICT_REQUIRE_SIGNATURE = 1 << 6,
  BN_STRICT_ALL = 0x5f, /*< skip >*/
} BnStrictFlags;

BN_BENCH_API BnStrictFlags bn_strict_flags_from_env (void);
BN_BENCH_API gboolean bn_env_is_true (const char *name);

G_END_DECLS
