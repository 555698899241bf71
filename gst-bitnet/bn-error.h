/* gst-bitnet: error domains of the core library
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_INSIDE) && !defined(BN_COMPILATION)
#error "Only <gst-bitnet/bn.h> can be included directly."
#endif

#include <glib.h>
#include <gst-bitnet/bn-export.h>

G_BEGIN_DECLS

/**
 * BN_CORE_ERROR:
 *
 * Error domain for failures of the object model and of elements at run
 * time. Errors in this domain use #BnCoreError codes.
 *
 * Since: 0.1
 */
#define BN_CORE_ERROR (bn_core_error_quark ())

/**
 * BnCoreError:
 * @BN_CORE_ERROR_FAILED: a generic failure; the message says what.
 * @BN_CORE_ERROR_NOT_LINKED: a pad that must be linked is not.
 * @BN_CORE_ERROR_NEGOTIATION: the caps of an item or link did not match.
 * @BN_CORE_ERROR_STATE: an operation was asked in the wrong state.
 * @BN_CORE_ERROR_SETTINGS: an element's properties are inconsistent.
 * @BN_CORE_ERROR_RESOURCE: a file or other resource could not be used.
 * @BN_CORE_ERROR_PLUGIN: a plugin could not be loaded.
 * @BN_CORE_ERROR_GRAPH: the pipeline graph is invalid (a cycle, a
 *   dangling link).
 * @BN_CORE_ERROR_CANCELLED: the pipeline was cancelled.
 *
 * Codes of the #BN_CORE_ERROR domain. New codes are only ever appended.
 *
 * Since: 0.1
 */
typedef enum {
  BN_CORE_ERROR_FAILED,
  BN_CORE_ERROR_NOT_LINKED,
  BN_CORE_ERROR_NEGOTIATION,
  BN_CORE_ERROR_STATE,
  BN_CORE_ERROR_SETTINGS,
  BN_CORE_ERROR_RESOURCE,
  BN_CORE_ERROR_PLUGIN,
  BN_CORE_ERROR_GRAPH,
  BN_CORE_ERROR_CANCELLED,
} BnCoreError;

/**
 * BN_STRICT_ERROR:
 *
 * Error domain of strict validation gates. An error message in this domain
 * makes bn-launch exit with status 4.
 *
 * Since: 0.1
 */
#define BN_STRICT_ERROR (bn_strict_error_quark ())

/**
 * BnStrictError:
 * @BN_STRICT_ERROR_MOCK: mock computation detected.
 * @BN_STRICT_ERROR_QUANTIZATION: a required quantized kernel is missing.
 * @BN_STRICT_ERROR_INCOMPLETE: fewer tokens than requested, or no speed.
 * @BN_STRICT_ERROR_ACCURACY: accuracy outside the format's tolerance.
 * @BN_STRICT_ERROR_DETERMINISM: iterations disagree under determinism.
 * @BN_STRICT_ERROR_PLAUSIBILITY: a figure exceeds the physical ceiling.
 * @BN_STRICT_ERROR_SIGNATURE: a receipt is unsigned, signed by an untrusted
 *   key, or changed after signing. Since: 0.2
 * @BN_STRICT_ERROR_INCONSISTENT: a receipt's figures contradict each other,
 *   are of the wrong type or range, not finite, or its time is not sane.
 *   Since: 0.2
 * @BN_STRICT_ERROR_REPLAY: re-executing a recorded step with the model at
 *   hand gave other logits or another token. Since: 0.2
 *
 * Codes of the #BN_STRICT_ERROR domain. New codes are only ever appended.
 *
 * Since: 0.1
 */
typedef enum {
  BN_STRICT_ERROR_MOCK,
  BN_STRICT_ERROR_QUANTIZATION,
  BN_STRICT_ERROR_INCOMPLETE,
  BN_STRICT_ERROR_ACCURACY,
  BN_STRICT_ERROR_DETERMINISM,
  BN_STRICT_ERROR_PLAUSIBILITY,
  BN_STRICT_ERROR_SIGNATURE,
  BN_STRICT_ERROR_INCONSISTENT,
  BN_STRICT_ERROR_REPLAY,
} BnStrictError;

/**
 * BN_REGRESSION_ERROR:
 *
 * Error domain of regression gates. An error message in this domain makes
 * bn-launch exit with status 3.
 *
 * Since: 0.1
 */
#define BN_REGRESSION_ERROR (bn_regression_error_quark ())

/**
 * BnRegressionError:
 * @BN_REGRESSION_ERROR_CRITICAL: a critical regression was found while
 *   the gate was armed.
 * @BN_REGRESSION_ERROR_INCONCLUSIVE: the verdict was INCONCLUSIVE or
 *   NO_BASELINE while fail-on-inconclusive was set (Since: 0.2).
 *
 * Codes of the #BN_REGRESSION_ERROR domain. New codes are only ever
 * appended.
 *
 * Since: 0.1
 */
typedef enum {
  BN_REGRESSION_ERROR_CRITICAL,
  BN_REGRESSION_ERROR_INCONCLUSIVE,
} BnRegressionError;

BN_API GQuark bn_core_error_quark (void);
BN_API GQuark bn_strict_error_quark (void);
BN_API GQuark bn_regression_error_quark (void);

G_END_DECLS
