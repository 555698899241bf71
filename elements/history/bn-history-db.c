/* gst-bitnet: the history database (SQLite file or PostgreSQL server)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "bn-history-db.h"
#include <gst-bitnet/bn-file-private.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

typedef gboolean (*RowFunc) (const char *const *values, guint n_values, gpointer data, GError **error);

typedef struct {
  const char *name;
  /* runs @sql (with `?` placeholders) with text parameters (NULL: SQL NULL) */
  gboolean (*query) (BnHistoryDb *db, const char *sql, guint n, const char *const *params, RowFunc row, gpointer data,
                     GError **error);
  void (*close) (BnHistoryDb *db);
  const char *id_column;    /* the runs table's key */
  const char *begin_write;  /* a transaction that excludes other writers */
  const char *lock_schema;  /* nullable: serializes migrations */
  const char *table_exists; /* one parameter: the table name; one row, a count */
  const char *count_tables; /* every table of the database or schema */
} Backend;

struct _BnHistoryDb {
  const Backend *backend;
  char *location; /* for messages; never a password */
  sqlite3 *sqlite;
  PGconn *pg;
  int version;
  gboolean in_transaction;
};

/* ---- SQLite ---- */

static gboolean
sqlite_fail (BnHistoryDb *db, int rc, GError **error)
{
  int code = rc & 0xff;
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                 _("History %s is locked by another process for too long (%s); retry, or raise busy-timeout"),
                 db->location, sqlite3_errmsg (db->sqlite));
  else if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                 _("History %s is not a usable SQLite database (%s): move it aside or restore it from a backup"),
                 db->location, sqlite3_errmsg (db->sqlite));
  else
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("History %s: %s"), db->location,
                 sqlite3_errmsg (db->sqlite));
  return FALSE;
}

static gboolean
sqlite_query (BnHistoryDb *db, const char *sql, guint n, const char *const *params, RowFunc row, gpointer data,
              GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db->sqlite, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return sqlite_fail (db, rc, error);
  for (guint i = 0; i < n; i++)
    rc = params[i] ? sqlite3_bind_text (stmt, i + 1, params[i], -1, SQLITE_TRANSIENT) : sqlite3_bind_null (stmt, i + 1);
  gboolean ok = TRUE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    guint cols = sqlite3_column_count (stmt);
    const char *values[16] = { 0 };
    for (guint c = 0; c < cols && c < G_N_ELEMENTS (values); c++)
      values[c] = (const char *) sqlite3_column_text (stmt, c);
    if (row && !row (values, MIN (cols, G_N_ELEMENTS (values)), data, error)) {
      ok = FALSE;
      break;
    }
  }
  if (ok && rc != SQLITE_DONE) {
    ok = sqlite_fail (db, rc, error);
  }
  sqlite3_finalize (stmt);
  return ok;
}

static void
sqlite_close (BnHistoryDb *db)
{
  sqlite3_close (db->sqlite);
}

static const Backend sqlite_backend = {
  .name = "SQLite",
  .query = sqlite_query,
  .close = sqlite_close,
  .id_column = "id INTEGER PRIMARY KEY AUTOINCREMENT",
  .begin_write = "BEGIN IMMEDIATE",
  .lock_schema = NULL,
  .table_exists = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
  .count_tables = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
};

/* ---- PostgreSQL ---- */

static gboolean
pg_query (BnHistoryDb *db, const char *sql, guint n, const char *const *params, RowFunc row, gpointer data,
          GError **error)
{
  /* `?` becomes `$1`, `$2`...: the statements never hold a literal `?` */
  g_autoptr (GString) text = g_string_new (NULL);
  guint k = 0;
  for (const char *c = sql; *c; c++)
    if (*c == '?')
      g_string_append_printf (text, "$%u", ++k);
    else
      g_string_append_c (text, *c);
  PGresult *res = PQexecParams (db->pg, text->str, n, NULL, params, NULL, NULL, 0);
  ExecStatusType st = PQresultStatus (res);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    g_autofree char *msg = g_strstrip (g_strdup (PQresultErrorMessage (res)));
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("History %s: %s"), db->location, msg);
    PQclear (res);
    return FALSE;
  }
  gboolean ok = TRUE;
  int rows = PQntuples (res), cols = MIN (PQnfields (res), 16);
  for (int r = 0; r < rows && ok && row; r++) {
    const char *values[16] = { 0 };
    for (int c = 0; c < cols; c++)
      values[c] = PQgetisnull (res, r, c) ? NULL : PQgetvalue (res, r, c);
    ok = row (values, cols, data, error);
  }
  PQclear (res);
  return ok;
}

static void
pg_close (BnHistoryDb *db)
{
  PQfinish (db->pg);
}

static const Backend pg_backend = {
  .name = "PostgreSQL",
  .query = pg_query,
  .close = pg_close,
  .id_column = "id BIGSERIAL PRIMARY KEY",
  .begin_write = "BEGIN",
  /* any constant key: every gst-bitnet writer of this database takes it */
  .lock_schema = "SELECT pg_advisory_xact_lock(7188012015)",
  .table_exists = "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() "
                  "AND table_name = ?",
  .count_tables = "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()",
};

/* ---- common ---- */

static gboolean
exec (BnHistoryDb *db, const char *sql, GError **error)
{
  return db->backend->query (db, sql, 0, NULL, NULL, NULL, error);
}

static gboolean
first_int_row (const char *const *values, guint n, gpointer data, GError **error)
{
  *(gint64 *) data = n && values[0] ? g_ascii_strtoll (values[0], NULL, 10) : 0;
  return TRUE;
}

static gboolean
query_int (BnHistoryDb *db, const char *sql, const char *param, gint64 *value, GError **error)
{
  *value = 0;
  return db->backend->query (db, sql, param ? 1 : 0, &param, first_int_row, value, error);
}

/*
 * Inserts the numeric members of @record as metrics and its arrays of
 * numbers as samples, both under @run_id.
 */
static gboolean
insert_metrics (BnHistoryDb *db, const char *run_id, JsonObject *record, GError **error)
{
  g_autoptr (GList) members = json_object_get_members (record);
  for (GList *l = members; l; l = l->next) {
    const char *name = l->data;
    JsonNode *node = json_object_get_member (record, name);
    char num[G_ASCII_DTOSTR_BUF_SIZE];
    if (JSON_NODE_HOLDS_VALUE (node)
        && (json_node_get_value_type (node) == G_TYPE_DOUBLE || json_node_get_value_type (node) == G_TYPE_INT64)) {
      g_ascii_dtostr (num, sizeof num, json_node_get_double (node));
      const char *p[] = { run_id, name, num };
      if (!db->backend->query (db, "INSERT INTO bn_metrics (run_id, name, value) VALUES (?, ?, ?)", 3, p, NULL, NULL,
                               error))
        return FALSE;
    } else if (JSON_NODE_HOLDS_ARRAY (node)) {
      JsonArray *a = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (a); i++) {
        JsonNode *e = json_array_get_element (a, i);
        if (!JSON_NODE_HOLDS_VALUE (e)
            || (json_node_get_value_type (e) != G_TYPE_DOUBLE && json_node_get_value_type (e) != G_TYPE_INT64))
          break;
        char idx[16];
        g_snprintf (idx, sizeof idx, "%u", i);
        g_ascii_dtostr (num, sizeof num, json_node_get_double (e));
        const char *p[] = { run_id, name, idx, num };
        if (!db->backend->query (db, "INSERT INTO bn_samples (run_id, metric, idx, value) VALUES (?, ?, ?, ?)", 4, p,
                                 NULL, NULL, error))
          return FALSE;
      }
    }
  }
  return TRUE;
}

static JsonObject *
parse_object (const char *text, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!text || !json_parser_load_from_data (parser, text, -1, error))
    return NULL;
  JsonNode *root = json_parser_get_root (parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error_literal (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, "not a JSON object");
    return NULL;
  }
  return json_node_dup_object (root);
}

typedef struct {
  BnHistoryDb *db;
  GPtrArray *rows; /* char* id, char* record, ... */
} Backfill;

static gboolean
collect_pair (const char *const *values, guint n, gpointer data, GError **error)
{
  GPtrArray *rows = data;
  g_ptr_array_add (rows, g_strdup (values[0]));
  g_ptr_array_add (rows, g_strdup (values[1]));
  return TRUE;
}

/* version 1 -> 2: the per-run metrics and per-token samples in tables of
 * their own, filled from the records already stored */
static gboolean
backfill_v2 (BnHistoryDb *db, GError **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  if (!db->backend->query (db, "SELECT id, record FROM bn_runs ORDER BY id", 0, NULL, collect_pair, rows, error))
    return FALSE;
  for (guint i = 0; i + 1 < rows->len; i += 2) {
    g_autoptr (GError) perr = NULL;
    g_autoptr (JsonObject) rec = parse_object (rows->pdata[i + 1], &perr);
    if (!rec) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                   _("History %s: run %s holds no readable record (%s); the migration to schema 2 stopped"),
                   db->location, (char *) rows->pdata[i], perr->message);
      return FALSE;
    }
    if (!insert_metrics (db, rows->pdata[i], rec, error))
      return FALSE;
  }
  return TRUE;
}

typedef struct {
  const char *ddl[6]; /* %s: the id column */
  gboolean (*fill) (BnHistoryDb *db, GError **error);
} Migration;

/* migrations[v] takes a database from version v to v + 1; only ever append */
static const Migration migrations[BN_HISTORY_SCHEMA_VERSION] = {
  { { "CREATE TABLE bn_schema (version INTEGER NOT NULL)", "INSERT INTO bn_schema (version) VALUES (0)",
      "CREATE TABLE bn_runs (%s, recorded_at TEXT NOT NULL, platform TEXT NOT NULL, machine TEXT NOT NULL, "
      "implementation TEXT NOT NULL, configuration TEXT NOT NULL, commit_id TEXT NOT NULL, commit_date TEXT, "
      "model_fingerprint TEXT, strict_outcome TEXT, ceiling_tokens_per_second DOUBLE PRECISION, "
      "record TEXT NOT NULL)",
      NULL },
    NULL },
  { { "CREATE TABLE bn_metrics (run_id BIGINT NOT NULL REFERENCES bn_runs (id), name TEXT NOT NULL, "
      "value DOUBLE PRECISION NOT NULL, PRIMARY KEY (run_id, name))",
      "CREATE TABLE bn_samples (run_id BIGINT NOT NULL REFERENCES bn_runs (id), metric TEXT NOT NULL, "
      "idx INTEGER NOT NULL, value DOUBLE PRECISION NOT NULL, PRIMARY KEY (run_id, metric, idx))",
      "CREATE INDEX bn_runs_series ON bn_runs (platform, implementation, configuration)", NULL },
    backfill_v2 },
};

gboolean
bn_history_db_transaction (BnHistoryDb *db, gboolean commit, GError **error)
{
  if (!db->in_transaction)
    return TRUE;
  db->in_transaction = FALSE;
  return exec (db, commit ? "COMMIT" : "ROLLBACK", error);
}

gboolean
bn_history_db_begin (BnHistoryDb *db, GError **error)
{
  if (!exec (db, db->backend->begin_write, error))
    return FALSE;
  db->in_transaction = TRUE;
  return TRUE;
}

static gboolean
migrate (BnHistoryDb *db, GError **error)
{
  if (!bn_history_db_begin (db, error))
    return FALSE;
  if (db->backend->lock_schema && !exec (db, db->backend->lock_schema, error))
    goto fail;
  gint64 has_schema, tables, version = 0;
  if (!query_int (db, db->backend->table_exists, "bn_schema", &has_schema, error))
    goto fail;
  if (has_schema) {
    if (!query_int (db, "SELECT max(version) FROM bn_schema", NULL, &version, error))
      goto fail;
  } else {
    if (!query_int (db, db->backend->count_tables, NULL, &tables, error))
      goto fail;
    if (tables) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                   _("%s is a %s database but not a gst-bitnet history (it has tables but no bn_schema); "
                      "give history-sink a file or database of its own"),
                   db->location, db->backend->name);
      goto fail;
    }
  }
  if (version > BN_HISTORY_SCHEMA_VERSION) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                 _("History %s has schema version %" PRId64 ", newer than this gst-bitnet knows (%d): "
                    "use a newer gst-bitnet"),
                 db->location, version, BN_HISTORY_SCHEMA_VERSION);
    goto fail;
  }
  for (gint64 v = version; v < BN_HISTORY_SCHEMA_VERSION; v++) {
    const Migration *m = &migrations[v];
    for (guint i = 0; m->ddl[i]; i++) {
      g_autofree char *sql = g_strdup_printf (m->ddl[i], db->backend->id_column);
      if (!exec (db, sql, error))
        goto fail;
    }
    if (m->fill && !m->fill (db, error))
      goto fail;
    char next[16];
    g_snprintf (next, sizeof next, "%" G_GINT64_FORMAT, v + 1);
    const char *p = next;
    if (!db->backend->query (db, "UPDATE bn_schema SET version = ?", 1, &p, NULL, NULL, error))
      goto fail;
    if (v > 0)
      g_info ("history %s migrated from schema %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT, db->location, v, v + 1);
  }
  db->version = BN_HISTORY_SCHEMA_VERSION;
  return bn_history_db_transaction (db, TRUE, error);
fail:
  bn_history_db_transaction (db, FALSE, NULL);
  return FALSE;
}

/*
 * bn_history_location_is_postgres:
 * @location: a history location
 *
 * Returns: whether @location names a PostgreSQL database
 */
gboolean
bn_history_location_is_postgres (const char *location)
{
  return g_str_has_prefix (location, "postgresql://") || g_str_has_prefix (location, "postgres://");
}

/* a connection string for messages: no password */
static char *
describe_location (const char *location)
{
  if (!bn_history_location_is_postgres (location))
    return g_strdup (location);
  g_autoptr (GUri) uri = g_uri_parse (location, G_URI_FLAGS_HAS_PASSWORD, NULL);
  if (!uri)
    return g_strdup ("postgresql://...");
  char port[16] = "";
  if (g_uri_get_port (uri) > 0)
    g_snprintf (port, sizeof port, ":%d", g_uri_get_port (uri));
  return g_strdup_printf ("postgresql://%s%s%s", g_uri_get_host (uri) ? g_uri_get_host (uri) : "", port,
                          g_uri_get_path (uri));
}

/*
 * bn_history_db_open:
 * @location: a SQLite file (optionally `sqlite:` prefixed) or a
 *   `postgresql://` connection string
 * @create: whether a missing SQLite file is created
 * @busy_timeout_ms: how long to wait for another writer's lock
 * @error: return location for a #GError
 *
 * Opens the history, creating or migrating its schema.
 *
 * Returns: (transfer full) (nullable): the database
 */
BnHistoryDb *
bn_history_db_open (const char *location, gboolean create, guint busy_timeout_ms, GError **error)
{
  g_autoptr (BnHistoryDb) db = g_new0 (BnHistoryDb, 1);
  db->location = describe_location (location);
  if (bn_history_location_is_postgres (location)) {
    db->backend = &pg_backend;
    db->pg = PQconnectdb (location);
    if (PQstatus (db->pg) != CONNECTION_OK) {
      g_autofree char *msg = g_strstrip (g_strdup (PQerrorMessage (db->pg)));
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot connect to the history database %s: %s"),
                   db->location, msg);
      return NULL;
    }
    g_autofree char *timeout = g_strdup_printf ("SET lock_timeout = %u", busy_timeout_ms);
    if (!exec (db, "SET client_min_messages = warning", error) || !exec (db, timeout, error))
      return NULL;
  } else {
    const char *path = g_str_has_prefix (location, "sqlite:") ? location + 7 : location;
    db->backend = &sqlite_backend;
    GStatBuf st;
    if (g_strcmp0 (path, "-") == 0 || !*path) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                   _("The history \"%s\" must name a database file (a history cannot be standard output)"), path);
      return NULL;
    }
    /* a dangling link would make SQLite create its target, wherever it points */
    if (g_lstat (path, &st) == 0 && S_ISLNK (st.st_mode) && g_stat (path, &st) != 0) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                   _("The history %s is a symbolic link to a missing file: refusing to create a database through it"),
                   path);
      return NULL;
    }
    /* SQLite would block on a FIFO or write into a device: a regular file or none */
    if (g_stat (path, &st) == 0 && !S_ISREG (st.st_mode)) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                   _("The history %s is %s, not a database file: refusing to open it"), path,
                   bn_file_kind_name (st.st_mode));
      return NULL;
    }
    if (!create && !g_file_test (path, G_FILE_TEST_EXISTS)) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE,
                   _("No history at %s: record runs into it with history-sink first"), path);
      return NULL;
    }
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2 (path, &db->sqlite, flags, NULL);
    if (rc != SQLITE_OK) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Cannot open the history %s: %s"), path,
                   db->sqlite ? sqlite3_errmsg (db->sqlite) : sqlite3_errstr (rc));
      return NULL;
    }
    sqlite3_busy_timeout (db->sqlite, busy_timeout_ms);
    sqlite3_extended_result_codes (db->sqlite, 1);
    /* WAL: readers never wait for the writer; writers queue on busy-timeout */
    if (!exec (db, "PRAGMA journal_mode = WAL", error) || !exec (db, "PRAGMA foreign_keys = ON", error))
      return NULL;
  }
  if (!migrate (db, error))
    return NULL;
  return g_steal_pointer (&db);
}

void
bn_history_db_close (BnHistoryDb *db)
{
  if (!db)
    return;
  if (db->in_transaction)
    bn_history_db_transaction (db, FALSE, NULL);
  if (db->sqlite || db->pg)
    db->backend->close (db);
  g_free (db->location);
  g_free (db);
}

int
bn_history_db_get_version (BnHistoryDb *db)
{
  return db->version;
}

static gboolean
id_row (const char *const *values, guint n, gpointer data, GError **error)
{
  *(char **) data = g_strdup (values[0]);
  return TRUE;
}

/*
 * bn_history_db_insert:
 * Files @record under @info, with its metrics and samples. Call inside
 * bn_history_db_begin() ... bn_history_db_transaction().
 */
gboolean
bn_history_db_insert (BnHistoryDb *db, const BnHistoryRunInfo *info, JsonObject *record, gint64 *id, GError **error)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), record);
  g_autofree char *text = json_to_string (node, FALSE);
  char ceiling[G_ASCII_DTOSTR_BUF_SIZE];
  if (isfinite (info->ceiling_tokens_per_second))
    g_ascii_dtostr (ceiling, sizeof ceiling, info->ceiling_tokens_per_second);
  const char *p[] = { info->recorded_at,
                      info->platform,
                      info->machine,
                      info->implementation,
                      info->configuration,
                      info->commit,
                      info->commit_date,
                      info->model_fingerprint,
                      info->strict_outcome,
                      isfinite (info->ceiling_tokens_per_second) ? ceiling : NULL,
                      text };
  g_autofree char *run_id = NULL;
  if (!db->backend->query (db,
                           "INSERT INTO bn_runs (recorded_at, platform, machine, implementation, configuration, "
                           "commit_id, commit_date, model_fingerprint, strict_outcome, ceiling_tokens_per_second, "
                           "record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                           G_N_ELEMENTS (p), p, id_row, &run_id, error))
    return FALSE;
  if (id)
    *id = g_ascii_strtoll (run_id, NULL, 10);
  return insert_metrics (db, run_id, record, error);
}

/* columns of a selected run, in SELECT order */
static const char *const run_columns[] = {
  "run_id", "recorded_at", "platform",          "machine",        "implementation",           "configuration",
  "commit", "commit_date", "model_fingerprint", "strict_outcome", "ceiling_tokens_per_second"
};

static gboolean
run_row (const char *const *values, guint n, gpointer data, GError **error)
{
  g_autoptr (GError) perr = NULL;
  JsonObject *rec = parse_object (values[G_N_ELEMENTS (run_columns)], &perr);
  if (!rec) {
    g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE, _("Run %s of the history holds no readable record: %s"),
                 values[0], perr->message);
    return FALSE;
  }
  JsonObject *h = json_object_new ();
  for (guint c = 0; c < G_N_ELEMENTS (run_columns); c++) {
    const char *name = run_columns[c];
    if (!values[c])
      json_object_set_null_member (h, name);
    else if (c == 0)
      json_object_set_int_member (h, name, g_ascii_strtoll (values[c], NULL, 10));
    else if (c == G_N_ELEMENTS (run_columns) - 1)
      json_object_set_double_member (h, name, g_ascii_strtod (values[c], NULL));
    else
      json_object_set_string_member (h, name, values[c]);
  }
  json_object_set_object_member (rec, "history", h);
  g_ptr_array_add (data, rec);
  return TRUE;
}

/*
 * bn_history_db_select:
 * Returns: (transfer full) (element-type JsonObject): the runs matching
 *   @query in history order (commit date, then insertion), each record with
 *   a `history` member holding what it was filed under
 */
GPtrArray *
bn_history_db_select (BnHistoryDb *db, const BnHistoryQuery *q, GError **error)
{
  g_autoptr (GString) sql = g_string_new ("SELECT id, recorded_at, platform, machine, implementation, "
                                          "configuration, commit_id, commit_date, model_fingerprint, "
                                          "strict_outcome, ceiling_tokens_per_second, record FROM bn_runs WHERE 1 = 1");
  const char *params[8];
  guint n = 0;
  const struct {
    const char *value, *clause;
  } filters[] = {
    { q->platform, " AND platform = ?" },
    { q->implementation, " AND implementation = ?" },
    { q->configuration, " AND configuration = ?" },
    { q->metric, " AND id IN (SELECT run_id FROM bn_metrics WHERE name = ?)" },
    { q->since, " AND COALESCE(commit_date, recorded_at) >= ?" },
    { q->until, " AND COALESCE(commit_date, recorded_at) <= ?" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    if (filters[i].value && *filters[i].value) {
      g_string_append (sql, filters[i].clause);
      params[n++] = filters[i].value;
    }
  g_string_append (sql, " ORDER BY COALESCE(commit_date, recorded_at), id");
  g_autoptr (GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  if (!db->backend->query (db, sql->str, n, params, run_row, runs, error))
    return NULL;
  /* the commit range, in history order */
  if ((q->from && *q->from) || (q->to && *q->to)) {
    gint first = -1, last = -1;
    for (guint i = 0; i < runs->len; i++) {
      const char *c =
          json_object_get_string_member (json_object_get_object_member (runs->pdata[i], "history"), "commit");
      if (q->from && *q->from && first < 0 && g_str_has_prefix (c, q->from))
        first = i;
      if (q->to && *q->to && g_str_has_prefix (c, q->to))
        last = i;
    }
    if ((q->from && *q->from && first < 0) || (q->to && *q->to && last < 0)) {
      g_set_error (error, BN_CORE_ERROR, BN_CORE_ERROR_SETTINGS, _("History %s has no run of commit %s"), db->location,
                   q->from && *q->from && first < 0 ? q->from : q->to);
      return NULL;
    }
    if (last >= 0)
      g_ptr_array_remove_range (runs, last + 1, runs->len - last - 1);
    if (first > 0)
      g_ptr_array_remove_range (runs, 0, first);
  }
  return g_steal_pointer (&runs);
}
