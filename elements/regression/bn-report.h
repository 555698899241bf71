/* gst-bitnet: the files report-sink writes, rendered from performance-report.json
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every export is computed from the one report object, so the Markdown,
 * llama-bench, Bencher and github-action-benchmark files cannot disagree
 * with performance-report.json.
 */
#pragma once

#include <gst-bitnet/bn.h>
#include <gst-bitnet/model/model.h>
#include <gst-bitnet/bench/bench.h>

G_BEGIN_DECLS

char *bn_report_markdown (JsonObject *report);
char *bn_report_ci_summary (JsonObject *report);
char *bn_report_verdict_markdown (JsonObject *verdict);
JsonArray *bn_report_llama_bench (JsonObject *report);
char *bn_report_llama_bench_csv (JsonArray *rows);
JsonObject *bn_report_bencher (JsonObject *report);
JsonArray *bn_report_github_action_benchmark (JsonObject *report, gboolean bigger_is_better);

G_END_DECLS
