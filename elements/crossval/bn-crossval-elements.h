/* gst-bitnet: the elements of the crossval plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst-bitnet/bn.h>
#include <gst-bitnet/model/model.h>
#include <gst-bitnet/bench/bench.h>

G_BEGIN_DECLS

#define BN_TYPE_REFERENCE_EXECUTOR (bn_reference_executor_get_type ())
G_DECLARE_FINAL_TYPE (BnReferenceExecutor, bn_reference_executor, BN, REFERENCE_EXECUTOR, BnBaseExecutor)

#define BN_TYPE_CROSSVAL (bn_crossval_get_type ())
G_DECLARE_FINAL_TYPE (BnCrossval, bn_crossval, BN, CROSSVAL, BnElement)

/*
 * The logits of every step of a run travel beside its `bench/run` record,
 * not inside its JSON (32 MB per run for a 128256-token vocabulary): a
 * GBytes of `logits_steps * logits_n_vocab` native floats, set as object
 * data under this key before the record is pushed. kernel-executor
 * (keep-logits=true) and reference-executor (keep-logits=true) attach them;
 * crossval reads them. The JSON members `logits_steps` and
 * `logits_n_vocab` give the shape.
 */
#define BN_RUN_LOGITS_KEY BN_BASE_EXECUTOR_LOGITS_KEY

/* The synthetic prompt of kernel-executor: n ids drawn from the seed. */

G_END_DECLS
