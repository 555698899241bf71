/* gst-bitnet: a structured result flowing between elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(BN_BENCH_INSIDE) && !defined(BN_BENCH_COMPILATION)
#error "Only <gst-bitnet/bench/bench.h> can be included directly."
#endif

#include <json-glib/json-glib.h>
#include <gst-bitnet/bn.h>
#include <gst-bitnet/bench/bench-prelude.h>

G_BEGIN_DECLS

#define BN_TYPE_RECORD (bn_record_get_type ())
BN_BENCH_API
G_DECLARE_FINAL_TYPE (BnRecord, bn_record, BN, RECORD, BnItem)

BN_BENCH_API BnRecord *bn_record_new (const char *media_type, JsonObject *object);
BN_BENCH_API JsonObject *bn_record_get_object (BnRecord *record);
BN_BENCH_API double bn_record_get_double (BnRecord *record, const char *member, double fallback);
BN_BENCH_API const char *bn_record_get_string (BnRecord *record, const char *member);
BN_BENCH_API char *bn_record_to_json (BnRecord *record, gboolean pretty);

BN_BENCH_API gboolean bn_json_write_atomic (const char *path, JsonObject *object, GError **error);

G_END_DECLS
