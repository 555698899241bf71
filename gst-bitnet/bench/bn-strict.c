/* gst-bitnet: strict mode settings from the environment
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-strict.h"

#include <string.h>

/**
 * SECTION:bn-strict
 * @title: Strict mode
 * @short_description: the gates and the environment variables that arm them
 *
 * `BITNET_STRICT_MODE=1` (or `true`) arms every gate.
 * `BITNET_STRICT_FAIL_ON_MOCK`, `BITNET_STRICT_REQUIRE_QUANTIZATION` and
 * `BITNET_STRICT_VALIDATE_PERFORMANCE` each arm one. With
 * `BITNET_DETERMINISTIC=1` the determinism gate is armed too.
 * `BITNET_CI_ENHANCED_STRICT` with `CI` set adds a per-gate JSON log.
 * Strict mode also requires receipts read from files to be signed by a key
 * listed in `BITNET_TRUSTED_KEYS` unless `BITNET_ALLOW_UNSIGNED=1`.
 * Element properties override the environment.
 */

/**
 * bn_env_is_true:
 * @name: an environment variable
 *
 * Checks whether @name is set to `1`, `true`, `yes` or `on` (any case).
 *
 * Returns: whether the variable is set to a true value.
 *
 * Since: 0.1
 */
gboolean
bn_env_is_true (const char *name)
{
  const char *v = g_getenv (name);
  return v
         && (!strcmp (v, "1") || !g_ascii_strcasecmp (v, "true") || !g_ascii_strcasecmp (v, "yes")
             || !g_ascii_strcasecmp (v, "on"));
}

/**
 * bn_strict_flags_from_env:
 *
 * Reads the strict-mode variables.
 *
 * Returns: the gates the environment arms.
 *
 * Since: 0.1
 */
BnStrictFlags
bn_strict_flags_from_env (void)
{
  BnStrictFlags f = BN_STRICT_NONE;
  if (bn_env_is_true ("BITNET_STRICT_MODE"))
    f |= BN_STRICT_FAIL_ON_MOCK | BN_STRICT_REQUIRE_QUANTIZATION | BN_STRICT_VALIDATE_PERFORMANCE
         | BN_STRICT_VALIDATE_ACCURACY | BN_STRICT_REQUIRE_SIGNATURE;
  if (bn_env_is_true ("BITNET_STRICT_FAIL_ON_MOCK"))
    f |= BN_STRICT_FAIL_ON_MOCK;
  if (bn_env_is_true ("BITNET_STRICT_REQUIRE_QUANTIZATION"))
    f |= BN_STRICT_REQUIRE_QUANTIZATION;
  if (bn_env_is_true ("BITNET_STRICT_VALIDATE_PERFORMANCE"))
    f |= BN_STRICT_VALIDATE_PERFORMANCE;
  if (bn_env_is_true ("BITNET_DETERMINISTIC"))
    f |= BN_STRICT_VALIDATE_DETERMINISM;
  if (bn_env_is_true ("BITNET_CI_ENHANCED_STRICT") && g_getenv ("CI") && *g_getenv ("CI"))
    f |= BN_STRICT_CI_ENHANCED;
  return f;
}
