/* gst-bitnet: the history database (SQLite file or PostgreSQL server)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One schema on two engines; the location's scheme decides which:
 * `postgresql://...` or `postgres://...` is a libpq connection string,
 * anything else (optionally `sqlite:` prefixed) a SQLite file.
 * docs/history.md describes the tables.
 */
#pragma once

#include <gst-bitnet/bench/bench.h>

G_BEGIN_DECLS

/* The schema this build writes; older databases are migrated on open. */
#define BN_HISTORY_SCHEMA_VERSION 2

typedef struct _BnHistoryDb BnHistoryDb;

/* What a run is filed under, besides the record itself. */
typedef struct {
  const char *recorded_at; /* UTC, ISO 8601 */
  const char *platform;    /* os-arch */
  const char *machine;     /* fingerprint of the machine */
  const char *implementation;
  const char *configuration;
  const char *commit;
  const char *commit_date;          /* UTC, ISO 8601; nullable */
  const char *model_fingerprint;    /* nullable */
  const char *strict_outcome;       /* nullable */
  double ceiling_tokens_per_second; /* NAN when not measured */
} BnHistoryRunInfo;

/* Filters of a selection; NULL members select everything. @from and @to
 * bound the commit range (both included) in history order. */
typedef struct {
  const char *platform, *implementation, *configuration, *metric;
  const char *since, *until;
  const char *from, *to;
} BnHistoryQuery;

gboolean bn_history_location_is_postgres (const char *location);
BnHistoryDb *bn_history_db_open (const char *location, gboolean create, guint busy_timeout_ms, GError **error);
void bn_history_db_close (BnHistoryDb *db);
int bn_history_db_get_version (BnHistoryDb *db);
gboolean bn_history_db_insert (BnHistoryDb *db, const BnHistoryRunInfo *info, JsonObject *record, gint64 *id,
                               GError **error);
gboolean bn_history_db_transaction (BnHistoryDb *db, gboolean commit, GError **error);
gboolean bn_history_db_begin (BnHistoryDb *db, GError **error);
GPtrArray *bn_history_db_select (BnHistoryDb *db, const BnHistoryQuery *query, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BnHistoryDb, bn_history_db_close)

G_END_DECLS
