/* gst-bitnet: reading untrusted JSON files and writing ours
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst-bitnet/bn.h>
#include <gst-bitnet/bench/bench.h>

G_BEGIN_DECLS

/* Limits on every JSON file the toolkit reads (receipts, baselines, run
 * records), checked before json-glib sees a byte. */
#define BN_JSON_MAX_SIZE (64u * 1024 * 1024)
#define BN_JSON_MAX_DEPTH 64

/* Refuses @text whose arrays and objects nest deeper than @max_depth,
 * naming the byte offset; json-glib's recursive parser would exhaust the
 * stack long before its own limit. */
BN_BENCH_API gboolean bn_json_check_depth (const char *text, gsize length, guint max_depth, const char *what,
                                           GError **error);

/* Parses @text (bounded in size and depth); @what names it in messages. */
BN_BENCH_API JsonNode *bn_json_parse_bounded (const char *text, gsize length, const char *what, GError **error);

/* Reads and parses @path: a regular file (FIFOs and devices refused before
 * they can block), at most BN_JSON_MAX_SIZE bytes, nested at most
 * BN_JSON_MAX_DEPTH deep. Errors are G_FILE_ERROR or JSON_PARSER_ERROR. */
BN_BENCH_API JsonNode *bn_json_load_file (const char *path, const char *what, GError **error);

/* Fails naming the first member (a.b[3].c) holding NaN or an infinity,
 * which JSON cannot represent. */
BN_BENCH_API gboolean bn_json_check_finite (JsonNode *node, GError **error);

/* Serialises @object (indented, with a final newline), refusing non-finite
 * numbers. */
BN_BENCH_API char *bn_json_to_text (JsonObject *object, GError **error);

/* A new JSON array of the @n numbers at @values. */
BN_BENCH_API JsonArray *bn_json_doubles (const double *values, guint n);

/* The type of each known member of a `bench/run` record
 * (docs/schemas/bench-run.md): a record from a file whose member has another
 * type is refused, naming the member, before any element reads it. Unknown
 * members are extensions and pass. @where names the record in messages. */
BN_BENCH_API gboolean bn_run_record_check (JsonObject *record, const char *where, GError **error);

/* bn_run_record_check() on a record arriving at an element, named by its
 * source file when it has one. */
BN_BENCH_API gboolean bn_run_check_types (BnRecord *run, GError **error);

/* Members of hostile JSON read safely: the member's value when it holds
 * one of the asked type, else @fallback (json-glib's *_with_default
 * getters emit a critical for a member that is an object, array or null).
 * Doubles accept integers; nothing else converts. */
BN_BENCH_API const char *bn_json_string_or (JsonObject *object, const char *member, const char *fallback);
BN_BENCH_API gint64 bn_json_int_or (JsonObject *object, const char *member, gint64 fallback);
BN_BENCH_API double bn_json_double_or (JsonObject *object, const char *member, double fallback);
BN_BENCH_API gboolean bn_json_boolean_or (JsonObject *object, const char *member, gboolean fallback);
BN_BENCH_API JsonObject *bn_json_object_or (JsonObject *object, const char *member);
BN_BENCH_API JsonArray *bn_json_array_or (JsonObject *object, const char *member);

/* bn_json_write_atomic() for a success claim: in a pipeline, renamed into
 * place only when the whole run succeeds (bn-file-private.h) */
BN_BENCH_API gboolean bn_json_write_deferred (const char *path, JsonObject *object, GError **error);

G_END_DECLS
