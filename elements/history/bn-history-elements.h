/* gst-bitnet: the elements of the history plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst-bitnet/bn.h>
#include <gst-bitnet/bench/bench.h>

G_BEGIN_DECLS

#define BN_TYPE_HISTORY_SINK (bn_history_sink_get_type ())
G_DECLARE_FINAL_TYPE (BnHistorySink, bn_history_sink, BN, HISTORY_SINK, BnElement)

#define BN_TYPE_HISTORY_SRC (bn_history_src_get_type ())
G_DECLARE_FINAL_TYPE (BnHistorySrc, bn_history_src, BN, HISTORY_SRC, BnElement)

#define BN_TYPE_CHANGEPOINT_ANALYZER (bn_changepoint_analyzer_get_type ())
G_DECLARE_FINAL_TYPE (BnChangepointAnalyzer, bn_changepoint_analyzer, BN, CHANGEPOINT_ANALYZER, BnElement)

#define BN_TYPE_TREND_SINK (bn_trend_sink_get_type ())
G_DECLARE_FINAL_TYPE (BnTrendSink, bn_trend_sink, BN, TREND_SINK, BnElement)

/* the default history location of history-sink and history-src */
#define BN_HISTORY_DEFAULT_LOCATION "benchmark-results/history.db"

const char *bn_history_filed (JsonObject *run, const char *member);
GPtrArray *bn_history_split_series (GPtrArray *runs, GHashTable *by_key);
gboolean bn_history_higher_is_better (const char *metric);
void bn_history_property_get (char **string_slot, guint *uint_slot, GValue *value);
void bn_history_property_set (char **string_slot, guint *uint_slot, const GValue *value);

G_END_DECLS
