/* Tests of the history plugin: the database on SQLite and PostgreSQL
 * (schema, migration, concurrent writers, round trip, hostile files), the
 * change-point statistics, changepoint-analyzer and trend-sink. */
#include <gst-bitnet/bn.h>
#include <gst-bitnet/bench/bench.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "gst-bitnet/bench/bn-changepoint-private.h"
#include "bn-test-schema.h"

static char *tmpdir;

/* ---- helpers ---- */

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* A receipt holding @n runs of throughput around @tps (deterministic
 * spread), each with every kind of member a run has. */
static char *
write_receipt (const char *name, guint n, double tps, guint tag)
{
  JsonObject *root = json_object_new ();
  json_object_set_string_member (root, "schema_version", "1.0.0");
  json_object_set_string_member (root, "timestamp", "2026-12-01T00:00:00Z");
  json_object_set_string_member (root, "compute_path", "real");
  json_object_set_string_member (root, "backend", "cpu");
  json_object_set_array_member (root, "kernels", json_array_new ());
  json_object_set_boolean_member (root, "deterministic", TRUE);
  JsonObject *pb = json_object_new ();
  json_object_set_int_member (pb, "tokens_generated", 8);
  json_object_set_double_member (pb, "total_time_ms", 10);
  json_object_set_double_member (pb, "tokens_per_second", tps);
  json_object_set_double_member (pb, "first_token_latency_ms", 2);
  json_object_set_double_member (pb, "average_token_latency_ms", 1);
  json_object_set_double_member (pb, "memory_usage_mb", 100);
  json_object_set_object_member (root, "performance_baseline", pb);
  JsonObject *x = json_object_new ();
  JsonArray *runs = json_array_new ();
  for (guint i = 0; i < n; i++) {
    JsonObject *r = json_object_new ();
    json_object_set_string_member (r, bn_run_field_name (BN_RUN_FIELD_COMPUTE_PATH), "real");
    json_object_set_string_member (r, bn_run_field_name (BN_RUN_FIELD_WEIGHT_FORMAT), "i2s");
    json_object_set_int_member (r, bn_run_field_name (BN_RUN_FIELD_THREADS), 2);
    json_object_set_int_member (r, bn_run_field_name (BN_RUN_FIELD_TOKENS_REQUESTED), 8);
    json_object_set_int_member (r, bn_run_field_name (BN_RUN_FIELD_ITERATION), i);
    json_object_set_int_member (r, "writer", tag);
    json_object_set_boolean_member (r, bn_run_field_name (BN_RUN_FIELD_DETERMINISTIC), TRUE);
    json_object_set_double_member (r, bn_run_field_name (BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND),
                                   tps * (1 + 0.01 * ((int) ((i * 7 + 3) % 5) - 2)));
    json_object_set_double_member (r, bn_run_field_name (BN_RUN_FIELD_CEILING_TOKENS_PER_SECOND), tps * 4);
    json_object_set_string_member (r, bn_run_field_name (BN_RUN_FIELD_MODEL_FINGERPRINT), "sha256:abc");
    JsonArray *lat = json_array_new ();
    for (guint k = 0; k < 4; k++)
      json_array_add_double_element (lat, 1.25 + k * 0.5 + i);
    json_object_set_array_member (r, bn_run_field_name (BN_RUN_FIELD_DECODE_LATENCY_MS), lat);
    JsonObject *nested = json_object_new ();
    json_object_set_string_member (nested, "note", "kept whole");
    json_object_set_object_member (r, "extra", nested);
    json_array_add_object_element (runs, r);
  }
  json_object_set_array_member (x, "runs", runs);
  json_object_set_object_member (root, "gst_bitnet", x);
  char *path = tmp_path (name);
  g_autoptr (GError) error = NULL;
  g_assert_true (bn_json_write_atomic (path, root, &error));
  g_assert_no_error (error);
  json_object_unref (root);
  return path;
}

static gboolean
run_pipeline (const char *desc, GError **error)
{
  g_autoptr (GError) perr = NULL;
  g_autoptr (BnElement) p = bn_parse_launch (desc, &perr);
  g_assert_no_error (perr);
  return bn_pipeline_run (BN_PIPELINE (p), error);
}

static void
on_handoff (BnElement *sink, BnItem *item, BnPad *pad, GPtrArray *out)
{
  if (BN_IS_RECORD (item))
    g_ptr_array_add (out, json_object_ref (bn_record_get_object (BN_RECORD (item))));
}

/* The records history-src gives back for @props (JsonObject*). */
static GPtrArray *
read_history (const char *location, const char *props, GError **error)
{
  g_autofree char *desc = g_strdup_printf ("history-src location=\"%s\" %s ! fakesink name=out signal-handoffs=true",
                                           location, props ? props : "");
  g_autoptr (GError) perr = NULL;
  g_autoptr (BnElement) p = bn_parse_launch (desc, &perr);
  g_assert_no_error (perr);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  BnElement *sink = bn_bin_get_by_name (BN_BIN (p), "out");
  g_signal_connect (sink, "handoff", G_CALLBACK (on_handoff), out);
  if (!bn_pipeline_run (BN_PIPELINE (p), error)) {
    g_ptr_array_unref (out);
    return NULL;
  }
  return out;
}

static void
record (const char *location, const char *receipt, const char *props)
{
  g_autofree char *desc = g_strdup_printf ("receipt-src location=%s ! history-sink location=\"%s\" %s", receipt,
                                           location, props ? props : "");
  g_autoptr (GError) error = NULL;
  g_assert_true (run_pipeline (desc, &error));
  g_assert_no_error (error);
}

static gint64
sqlite_count (const char *file, const char *sql)
{
  sqlite3 *db;
  g_assert_cmpint (sqlite3_open_v2 (file, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_stmt *st;
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  gint64 v = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  sqlite3_close (db);
  return v;
}

static void
sqlite_exec (const char *file, const char *sql)
{
  sqlite3 *db;
  g_assert_cmpint (sqlite3_open (file, &db), ==, SQLITE_OK);
  char *err = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &err);
  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, err);
  sqlite3_close (db);
}

/* ---- PostgreSQL: BN_HISTORY_TEST_PG names a database the tests may wipe ---- */

static const char *
pg_location (void)
{
  const char *loc = g_getenv ("BN_HISTORY_TEST_PG");
  if (!loc || !*loc) {
    g_test_skip ("BN_HISTORY_TEST_PG is not set: no PostgreSQL server to test against (.ci/run starts one)");
    return NULL;
  }
  PGconn *c = PQconnectdb (loc);
  if (PQstatus (c) != CONNECTION_OK) {
    g_autofree char *why =
        g_strdup_printf ("PostgreSQL at BN_HISTORY_TEST_PG is not reachable: %s", PQerrorMessage (c));
    PQfinish (c);
    g_test_skip (why);
    return NULL;
  }
  PGresult *r = PQexec (c, "SET client_min_messages = warning; "
                           "DROP TABLE IF EXISTS bn_samples, bn_metrics, bn_runs, bn_schema");
  g_assert_cmpint (PQresultStatus (r), ==, PGRES_COMMAND_OK);
  PQclear (r);
  PQfinish (c);
  return loc;
}

static gint64
pg_count (const char *loc, const char *sql)
{
  PGconn *c = PQconnectdb (loc);
  PGresult *r = PQexec (c, sql);
  g_assert_cmpint (PQresultStatus (r), ==, PGRES_TUPLES_OK);
  gint64 v = g_ascii_strtoll (PQgetvalue (r, 0, 0), NULL, 10);
  PQclear (r);
  PQfinish (c);
  return v;
}

/* ---- shared bodies, run on both engines ---- */

static void
check_round_trip (const char *location)
{
  g_autofree char *receipt = write_receipt ("roundtrip.json", 3, 50, 0);
  record (location, receipt, "commit=0123456789abcdef commit-date=2026-11-30T10:00:00+01:00 platform=test-plat");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) runs = read_history (location, "platform=test-plat", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 3);

  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (parser, receipt, NULL));
  JsonArray *orig = json_object_get_array_member (
      json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "gst_bitnet"), "runs");
  for (guint i = 0; i < runs->len; i++) {
    JsonObject *got = runs->pdata[i];
    JsonObject *h = json_object_get_object_member (got, "history");
    g_assert_cmpstr (json_object_get_string_member (h, "commit"), ==, "0123456789abcdef");
    g_assert_cmpstr (json_object_get_string_member (h, "commit_date"), ==, "2026-11-30T09:00:00Z");
    g_assert_cmpstr (json_object_get_string_member (h, "platform"), ==, "test-plat");
    g_assert_cmpstr (json_object_get_string_member (h, "configuration"), ==, "i2s t2 n8");
    g_assert_cmpstr (json_object_get_string_member (h, "model_fingerprint"), ==, "sha256:abc");
    g_assert_cmpfloat (json_object_get_double_member (h, "ceiling_tokens_per_second"), ==, 200);
    g_assert_cmpuint (strlen (json_object_get_string_member (h, "machine")), ==, 16);
    /* every member of the run comes back equal */
    JsonObject *want = json_array_get_object_element (orig, i);
    g_autoptr (GList) members = json_object_get_members (want);
    for (GList *l = members; l; l = l->next) {
      JsonNode *a = json_object_get_member (want, l->data), *b = json_object_get_member (got, l->data);
      g_assert_nonnull (b);
      g_assert_true (json_node_equal (a, b));
    }
  }
}

static void
check_concurrent (const char *location, guint writers, guint per_writer)
{
  const char *launch = g_getenv ("BN_LAUNCH");
  g_autoptr (GPtrArray) procs = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint w = 0; w < writers; w++) {
    g_autofree char *name = g_strdup_printf ("writer-%u.json", w);
    g_autofree char *receipt = write_receipt (name, per_writer, 40 + w, w);
    g_autofree char *loc = g_strdup_printf ("location=%s", receipt);
    g_autofree char *hloc = g_strdup_printf ("location=%s", location);
    g_autoptr (GError) error = NULL;
    GSubprocess *p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, launch, "-q", "receipt-src", loc, "!",
                                       "history-sink", hloc, "commit=cafe", "platform=concurrent", NULL);
    g_assert_no_error (error);
    g_ptr_array_add (procs, p);
  }
  for (guint w = 0; w < writers; w++) {
    g_autoptr (GError) error = NULL;
    g_assert_true (g_subprocess_wait_check (procs->pdata[w], NULL, &error));
    g_assert_no_error (error);
  }
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) runs = read_history (location, "platform=concurrent", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, writers * per_writer);
  /* nothing lost, nothing twice: every (writer, iteration) once */
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < runs->len; i++) {
    char *k = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                               json_object_get_int_member (runs->pdata[i], "writer"),
                               bn_run_object_get_int (runs->pdata[i], BN_RUN_FIELD_ITERATION, -1));
    g_assert_true (g_hash_table_add (seen, k));
  }
}

/* ---- SQLite ---- */

static void
test_sqlite_create (void)
{
  g_autofree char *db = tmp_path ("create.db");
  g_autofree char *receipt = write_receipt ("create.json", 2, 10, 0);
  record (db, receipt, NULL);
  g_assert_cmpint (sqlite_count (db, "SELECT max(version) FROM bn_schema"), ==, 2);
  g_assert_cmpint (sqlite_count (db, "SELECT count(*) FROM bn_runs"), ==, 2);
  /* every numeric member a metric, every array of numbers samples */
  g_assert_cmpint (sqlite_count (db, "SELECT count(*) FROM bn_metrics WHERE name = 'decode_tokens_per_second'"), ==, 2);
  g_assert_cmpint (sqlite_count (db, "SELECT count(*) FROM bn_samples WHERE metric = 'decode_latency_ms'"), ==, 8);
  sqlite3 *h;
  g_assert_cmpint (sqlite3_open (db, &h), ==, SQLITE_OK);
  sqlite3_stmt *st;
  sqlite3_prepare_v2 (h, "PRAGMA journal_mode", -1, &st, NULL);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (st, 0), ==, "wal");
  sqlite3_finalize (st);
  sqlite3_close (h);
}

static void
test_sqlite_migrate (void)
{
  g_autofree char *db = tmp_path ("v1.db");
  /* a history written by schema 1: runs only, no metric or sample tables */
  sqlite_exec (db,
               "CREATE TABLE bn_schema (version INTEGER NOT NULL); INSERT INTO bn_schema VALUES (1);"
               "CREATE TABLE bn_runs (id INTEGER PRIMARY KEY AUTOINCREMENT, recorded_at TEXT NOT NULL, "
               "platform TEXT NOT NULL, machine TEXT NOT NULL, implementation TEXT NOT NULL, "
               "configuration TEXT NOT NULL, commit_id TEXT NOT NULL, commit_date TEXT, model_fingerprint TEXT, "
               "strict_outcome TEXT, ceiling_tokens_per_second DOUBLE PRECISION, record TEXT NOT NULL);"
               "INSERT INTO bn_runs (recorded_at, platform, machine, implementation, configuration, commit_id, "
               "commit_date, record) VALUES ('2026-01-01T00:00:00Z', 'old', 'm', 'gst-bitnet', 'c', 'aaaa', "
               "'2026-01-01T00:00:00Z', '{\"decode_tokens_per_second\": 12.5, \"decode_latency_ms\": [1, 2, 3]}');");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) runs = read_history (db, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  g_assert_cmpfloat (bn_run_object_get_double (runs->pdata[0], BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, NAN), ==, 12.5);
  g_assert_cmpint (sqlite_count (db, "SELECT max(version) FROM bn_schema"), ==, 2);
  g_assert_cmpint (sqlite_count (db, "SELECT count(*) FROM bn_metrics WHERE name = 'decode_tokens_per_second' "
                                     "AND value = 12.5"),
                   ==, 1);
  g_assert_cmpint (sqlite_count (db, "SELECT count(*) FROM bn_samples WHERE metric = 'decode_latency_ms'"), ==, 3);
  /* and new runs go in beside the old */
  g_autofree char *receipt = write_receipt ("after-migration.json", 2, 10, 0);
  record (db, receipt, NULL);
  g_assert_cmpint (sqlite_count (db, "SELECT count(*) FROM bn_runs"), ==, 3);
}

static void
test_sqlite_round_trip (void)
{
  g_autofree char *db = tmp_path ("roundtrip.db");
  check_round_trip (db);
}

static void
test_sqlite_concurrent (void)
{
  g_autofree char *db = tmp_path ("concurrent.db");
  check_concurrent (db, 6, 10);
  g_assert_cmpint (sqlite_count (db, "SELECT count(*) FROM bn_runs"), ==, 60);
  g_assert_cmpint (sqlite_count (db, "SELECT count(*) FROM bn_samples"), ==, 240);
}

static void
test_sqlite_select (void)
{
  g_autofree char *db = tmp_path ("select.db");
  const char *commits[] = { "c1", "c2", "c3", "c4" };
  for (guint i = 0; i < G_N_ELEMENTS (commits); i++) {
    g_autofree char *receipt = write_receipt ("select.json", 2, 10 + i, 0);
    g_autofree char *props = g_strdup_printf ("commit=%s commit-date=2026-11-0%uT00:00:00Z", commits[i], i + 1);
    record (db, receipt, props);
  }
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) range = read_history (db, "from=c2 to=c3", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (range->len, ==, 4);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (range->pdata[0], "history"), "commit"),
                   ==, "c2");
  g_autoptr (GPtrArray) since = read_history (db, "since=2026-11-03", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (since->len, ==, 4);
  g_autoptr (GPtrArray) none = read_history (db, "metric=no_such_metric", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
  g_autoptr (GPtrArray) bad = read_history (db, "from=zz", &error);
  g_assert_null (bad);
  g_assert_nonnull (strstr (error->message, "no run of commit zz"));
}

static void
expect_refused (const char *db, const char *what)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) runs = read_history (db, NULL, &error);
  g_assert_null (runs);
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE);
  if (!strstr (error->message, what))
    g_error ("expected \"%s\" in: %s", what, error->message);
}

static void
test_sqlite_hostile (void)
{
  g_autofree char *corrupt = tmp_path ("corrupt.db");
  g_assert_true (g_file_set_contents (corrupt, "this is not a database, only text that pretends\n", -1, NULL));
  expect_refused (corrupt, "not a usable SQLite database");

  /* a real SQLite file, truncated in the middle of its pages */
  g_autofree char *good = tmp_path ("truncated.db");
  g_autofree char *receipt = write_receipt ("truncated.json", 20, 10, 0);
  record (good, receipt, NULL);
  sqlite_exec (good, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;");
  g_autofree char *bytes = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (good, &bytes, &len, NULL));
  g_assert_cmpuint (len, >, 4096);
  memset (bytes + 100, 0xA5, 600); /* the schema page */
  g_assert_true (g_file_set_contents (good, bytes, len, NULL));
  expect_refused (good, "not a usable SQLite database");

  g_autofree char *foreign = tmp_path ("foreign.db");
  sqlite_exec (foreign, "CREATE TABLE customers (id INTEGER, name TEXT)");
  expect_refused (foreign, "not a gst-bitnet history");

  g_autofree char *newer = tmp_path ("newer.db");
  sqlite_exec (newer, "CREATE TABLE bn_schema (version INTEGER NOT NULL); INSERT INTO bn_schema VALUES (99)");
  expect_refused (newer, "newer than this gst-bitnet knows");

  g_autofree char *missing = tmp_path ("missing.db");
  expect_refused (missing, "No history at");
}

static void
test_sqlite_locked (void)
{
  g_autofree char *db = tmp_path ("locked.db");
  g_autofree char *receipt = write_receipt ("locked.json", 1, 10, 0);
  record (db, receipt, NULL);
  sqlite3 *h;
  g_assert_cmpint (sqlite3_open (db, &h), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (h, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_autofree char *desc =
      g_strdup_printf ("receipt-src location=%s ! history-sink location=%s busy-timeout=200", receipt, db);
  g_autoptr (GError) error = NULL;
  g_assert_false (run_pipeline (desc, &error));
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE);
  g_assert_nonnull (strstr (error->message, "locked by another process"));
  sqlite3_exec (h, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (h);
  /* once released, the same pipeline goes through */
  g_clear_error (&error);
  g_assert_true (run_pipeline (desc, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite_count (db, "SELECT count(*) FROM bn_runs"), ==, 2);
}

/* ---- PostgreSQL ---- */

static void
test_pg_round_trip (void)
{
  const char *loc = pg_location ();
  if (loc)
    check_round_trip (loc);
}

static void
test_pg_concurrent (void)
{
  const char *loc = pg_location ();
  if (!loc)
    return;
  check_concurrent (loc, 6, 10);
  g_assert_cmpint (pg_count (loc, "SELECT count(*) FROM bn_samples"), ==, 240);
}

static void
test_pg_migrate (void)
{
  const char *loc = pg_location ();
  if (!loc)
    return;
  PGconn *c = PQconnectdb (loc);
  PGresult *r = PQexec (c, "CREATE TABLE bn_schema (version INTEGER NOT NULL); INSERT INTO bn_schema VALUES (1);"
                           "CREATE TABLE bn_runs (id BIGSERIAL PRIMARY KEY, recorded_at TEXT NOT NULL, "
                           "platform TEXT NOT NULL, machine TEXT NOT NULL, implementation TEXT NOT NULL, "
                           "configuration TEXT NOT NULL, commit_id TEXT NOT NULL, commit_date TEXT, "
                           "model_fingerprint TEXT, strict_outcome TEXT, ceiling_tokens_per_second DOUBLE PRECISION, "
                           "record TEXT NOT NULL);"
                           "INSERT INTO bn_runs (recorded_at, platform, machine, implementation, configuration, "
                           "commit_id, record) VALUES ('2026-01-01T00:00:00Z', 'old', 'm', 'gst-bitnet', 'c', 'aaaa', "
                           "'{\"decode_tokens_per_second\": 12.5}')");
  g_assert_cmpint (PQresultStatus (r), ==, PGRES_COMMAND_OK);
  PQclear (r);
  PQfinish (c);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) runs = read_history (loc, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  g_assert_cmpint (pg_count (loc, "SELECT max(version) FROM bn_schema"), ==, 2);
  g_assert_cmpint (pg_count (loc, "SELECT count(*) FROM bn_metrics"), ==, 1);
}

static void
test_pg_refused (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) runs = read_history ("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", NULL, &error);
  g_assert_null (runs);
  g_assert_error (error, BN_CORE_ERROR, BN_CORE_ERROR_RESOURCE);
  g_assert_nonnull (strstr (error->message, "Cannot connect to the history database"));
}

/* ---- change points ---- */

/* deterministic noise: a GRand with a fixed seed, normal by Box-Muller */
static double
normal (GRand *r)
{
  double u = g_rand_double_range (r, 1e-12, 1), v = g_rand_double (r);
  return sqrt (-2 * log (u)) * cos (2 * G_PI * v);
}

static void
test_student_t (void)
{
  /* reference values of Student's t distribution */
  g_assert_cmpfloat_with_epsilon (bn_stats_student_t_two_sided_p (2.0, 10), 0.0733880, 1e-6);
  g_assert_cmpfloat_with_epsilon (bn_stats_student_t_two_sided_p (1.0, 1), 0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (bn_stats_student_t_quantile (0.975, 10), 2.228139, 1e-5);
  g_assert_cmpfloat_with_epsilon (bn_stats_student_t_quantile (0.975, 1e6), 1.959966, 1e-4);
  double t, df, p;
  const double x[] = { 1, 2, 3, 4 }, y[] = { 2, 4, 6, 8, 10 };
  g_assert_true (bn_stats_welch (x, 4, y, 5, &t, &df, &p));
  /* by hand: means 2.5 and 6, variances 5/3 and 10 */
  g_assert_cmpfloat_with_epsilon (t, 3.5 / sqrt (5.0 / 12 + 2), 1e-12);
  g_assert_false (bn_stats_welch (x, 1, y, 5, &t, &df, &p));
}

static void
test_changepoint_steps (void)
{
  g_autoptr (GRand) r = g_rand_new_with_seed (15);
  const double steps[] = { -0.30, -0.10, -0.05, 0.10 };
  for (guint s = 0; s < G_N_ELEMENTS (steps); s++) {
    double v[40];
    for (guint i = 0; i < 40; i++)
      v[i] = 100 * (i >= 25 ? 1 + steps[s] : 1) * (1 + 0.01 * normal (r));
    g_autoptr (GArray) cps = bn_changepoints_find (v, 40, NULL);
    g_assert_cmpuint (cps->len, ==, 1);
    BnChangePoint *cp = &g_array_index (cps, BnChangePoint, 0);
    g_assert_cmpuint (cp->index, ==, 25);
    g_assert_cmpfloat (cp->lo, <=, steps[s] * 100 + 1.5);
    g_assert_cmpfloat (cp->hi, >=, steps[s] * 100 - 1.5);
    g_assert_cmpfloat (cp->p, <=, 0.001);
  }
  /* two steps */
  double v[60];
  for (guint i = 0; i < 60; i++)
    v[i] = (i < 20 ? 100 : i < 40 ? 80 : 95) * (1 + 0.01 * normal (r));
  g_autoptr (GArray) two = bn_changepoints_find (v, 60, NULL);
  g_assert_cmpuint (two->len, ==, 2);
  g_assert_cmpuint (g_array_index (two, BnChangePoint, 0).index, ==, 20);
  g_assert_cmpuint (g_array_index (two, BnChangePoint, 1).index, ==, 40);
}

static void
test_changepoint_flat (void)
{
  g_autoptr (GRand) r = g_rand_new_with_seed (1558);
  guint alarms = 0;
  for (guint k = 0; k < 100; k++) {
    double v[40];
    for (guint i = 0; i < 40; i++)
      v[i] = 100 * (1 + 0.03 * normal (r));
    g_autoptr (GArray) cps = bn_changepoints_find (v, 40, NULL);
    alarms += cps->len > 0;
  }
  /* at p <= 0.001 a handful in a hundred at most */
  g_assert_cmpuint (alarms, <=, 5);
  /* the same values, the same answer */
  double v[30];
  for (guint i = 0; i < 30; i++)
    v[i] = i < 15 ? 10 + (i % 3) * 0.1 : 12 + (i % 3) * 0.1;
  g_autoptr (GArray) a = bn_changepoints_find (v, 30, NULL);
  g_autoptr (GArray) b = bn_changepoints_find (v, 30, NULL);
  g_assert_cmpuint (a->len, ==, 1);
  g_assert_cmpmem (a->data, a->len * sizeof (BnChangePoint), b->data, b->len * sizeof (BnChangePoint));
}

/* ---- changepoint-analyzer and trend-sink ---- */

static char *
history_with_step (const char *name, gboolean step_at_end)
{
  char *db = tmp_path (name);
  for (guint c = 0; c < 6; c++) {
    gboolean slow = step_at_end ? c == 5 : c == 2 || c == 3;
    g_autofree char *receipt = write_receipt ("step.json", 6, slow ? 70 : 100, c);
    g_autofree char *props = g_strdup_printf ("commit=commit%u commit-date=2026-11-1%uT00:00:00Z platform=p", c, c);
    record (db, receipt, props);
  }
  return db;
}

static int
launch_status (const char *pipeline)
{
  g_autofree char *cmd = g_strdup_printf ("%s -q %s", g_getenv ("BN_LAUNCH"), pipeline);
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;
  g_assert_true (g_spawn_command_line_sync (cmd, &out, &err, &status, NULL));
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_analyzer_fail_on_change (void)
{
  g_autofree char *end = history_with_step ("step-end.db", TRUE);
  g_autofree char *mid = history_with_step ("step-mid.db", FALSE);
  g_autofree char *report = tmp_path ("changepoints.json");
  g_autofree char *p1 = g_strdup_printf ("history-src location=%s ! changepoint-analyzer fail-on-change=true "
                                         "window=6 output=%s",
                                         end, report);
  g_assert_cmpint (launch_status (p1), ==, 3);
  g_autoptr (JsonNode) schema = bn_test_schema_load ("changepoints.schema.json");
  bn_test_schema_assert_valid (schema, report);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (parser, report, NULL));
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "n_new_regressions"), ==, 1);
  JsonObject *cp = json_array_get_object_element (
      json_object_get_array_member (
          json_array_get_object_element (
              json_object_get_array_member (
                  json_array_get_object_element (json_object_get_array_member (root, "series"), 0), "metrics"),
              0),
          "change_points"),
      0);
  g_assert_cmpstr (json_object_get_string_member (cp, "commit_before"), ==, "commit4");
  g_assert_cmpstr (json_object_get_string_member (cp, "commit_after"), ==, "commit5");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (cp, "change_percent"), -30, 1.5);

  /* a slowdown reverted long ago: two change points, neither new */
  g_autofree char *p2 = g_strdup_printf ("history-src location=%s ! changepoint-analyzer fail-on-change=true "
                                         "window=6 output=%s",
                                         mid, report);
  g_assert_cmpint (launch_status (p2), ==, 0);
  bn_test_schema_assert_valid (schema, report);
  g_assert_true (json_parser_load_from_file (parser, report, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "n_change_points"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (root, "n_new_regressions"), ==, 0);
}

static void
test_trend_report (void)
{
  g_autofree char *db = history_with_step ("trend.db", FALSE);
  g_autofree char *dir = tmp_path ("report");
  g_autofree char *md = tmp_path ("report/performance-report.md");
  g_mkdir_with_parents (dir, 0755);
  g_assert_true (g_file_set_contents (md, "# Performance report\n\nearlier content\n", -1, NULL));
  g_autofree char *desc = g_strdup_printf ("history-src location=%s ! changepoint-analyzer silent=true ! "
                                           "trend-sink directory=%s markdown=%s",
                                           db, dir, md);
  for (int round = 0; round < 2; round++) {
    g_autoptr (GError) error = NULL;
    g_assert_true (run_pipeline (desc, &error));
    g_assert_no_error (error);
  }
  g_autofree char *name = g_strdup ("p-gst-bitnet-i2s-t2-n8-decode-tokens-per-second");
  g_autofree char *png = g_strdup_printf ("%s/trends/%s.png", dir, name);
  g_autofree char *svg = g_strdup_printf ("%s/trends/%s.svg", dir, name);
  g_autofree char *bytes = NULL, *text = NULL, *html = NULL, *mdtext = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (png, &bytes, &len, NULL));
  g_assert_cmpmem (bytes, 8, "\x89PNG\r\n\x1a\n", 8);
  g_assert_true (g_file_get_contents (svg, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "<svg"));
  g_autofree char *index = g_build_filename (dir, "index.html", NULL);
  g_assert_true (g_file_get_contents (index, &html, NULL, NULL));
  g_assert_nonnull (strstr (html, "trends/p-gst-bitnet-i2s-t2-n8-decode-tokens-per-second.svg"));
  g_assert_nonnull (strstr (html, "<tr class=\"regression\">"));
  g_assert_nonnull (strstr (html, "<tr class=\"improvement\">"));
  g_assert_null (strstr (html, "http://"));
  g_assert_null (strstr (html, "https://"));
  g_assert_true (g_file_get_contents (md, &mdtext, NULL, NULL));
  g_assert_true (g_str_has_prefix (mdtext, "# Performance report\n\nearlier content\n"));
  /* written twice, present once */
  char *first = strstr (mdtext, "## Performance history");
  g_assert_nonnull (first);
  g_assert_null (strstr (first + 1, "## Performance history"));
  g_assert_nonnull (strstr (mdtext, "(trends/p-gst-bitnet-i2s-t2-n8-decode-tokens-per-second.png)"));
}

/* the shipped pipelines: record a (short) run, then the trend report */
static void
test_pipelines (void)
{
  g_autofree char *pipelines = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "pipelines", NULL);
  g_autofree char *db = tmp_path ("pipelines.db");
  g_autofree char *dir = tmp_path ("pipelines-report");
  g_autofree char *p1 = g_strdup_printf ("-f %s/history.bnp -D SIZE=tiny -D ITERATIONS=3 -D TOKENS=8 -D WARMUP=0 "
                                         "-D HISTORY=%s -D RECEIPT=%s/receipt.json -D COMMIT=pipeline-test",
                                         pipelines, db, tmpdir);
  g_assert_cmpint (launch_status (p1), ==, 0);
  g_assert_cmpint (sqlite_count (db, "SELECT count(*) FROM bn_runs WHERE commit_id = 'pipeline-test' "
                                     "AND ceiling_tokens_per_second > 0"),
                   ==, 3);
  g_autofree char *p2 = g_strdup_printf ("-f %s/trends.bnp -D HISTORY=%s -D REPORT_DIR=%s -D FAIL=true "
                                         "-D CHANGEPOINTS=%s/cp.json -D MARKDOWN=%s/performance-report.md",
                                         pipelines, db, dir, dir, dir);
  g_assert_cmpint (launch_status (p2), ==, 0);
  g_autofree char *index = g_build_filename (dir, "index.html", NULL);
  g_autofree char *html = NULL;
  g_assert_true (g_file_get_contents (index, &html, NULL, NULL));
  g_assert_nonnull (strstr (html, "<p id=\"summary\">3 runs in 1 series"));
  g_assert_nonnull (strstr (html, "<img class=\"trend\""));
}

/* mock runs never enter the history, whatever the environment */
static void
test_mock_refused (void)
{
  g_autofree char *db = tmp_path ("mock.db");
  g_autofree char *desc =
      g_strdup_printf ("loader fixture=tiny ! mock-executor iterations=2 ! history-sink location=%s", db);
  g_autoptr (GError) error = NULL;
  g_assert_false (run_pipeline (desc, &error));
  g_assert_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_MOCK);
  g_assert_nonnull (strstr (error->message, "Mock computation detected"));
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
}

/* baselines files go into the history with one pipeline, filed where and
 * when they were measured; what is not a real run stays out */
static void
test_import_baselines (void)
{
  g_autofree char *b = tmp_path ("import-baselines.json");
  g_autofree char *db = tmp_path ("import.db");
  g_autoptr (GError) error = NULL;
  /* a real baseline of six runs, filed under a platform of its own */
  g_autofree char *make = g_strdup_printf ("loader fixture=tiny ! quantizer format=i2s ! kernel-executor tokens=5 "
                                           "iterations=6 warmup=0 threads=1 ! baseline-sink location=%s "
                                           "platform=linux-far",
                                           b);
  g_assert_true (run_pipeline (make, &error));
  g_assert_no_error (error);
  g_autofree char *imp = g_strdup_printf ("baselines-src location=%s ! history-sink location=%s", b, db);
  g_assert_true (run_pipeline (imp, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite_count (db, "SELECT count(*) FROM bn_runs WHERE platform = 'linux-far' AND implementation = "
                                     "'gst-bitnet' AND configuration = 'i2s t1 n5 p8' AND commit_date IS NOT NULL"),
                   ==, 6);
  /* each run's own four per-token latencies, and its speed as the baseline keeps it */
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (b, &text, NULL, NULL));
  g_autoptr (JsonNode) bn = json_from_string (text, &error);
  g_assert_no_error (error);
  JsonObject *entry = json_object_get_object_member (
      json_object_get_object_member (json_object_get_object_member (json_node_get_object (bn), "baselines"),
                                     "linux-far"),
      "gst-bitnet");
  JsonArray *speeds =
      json_object_get_array_member (json_object_get_object_member (entry, "samples"), "throughput_tokens_per_second");
  g_autoptr (GPtrArray) runs = read_history (db, "platform=linux-far", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 6);
  for (guint i = 0; i < runs->len; i++) {
    JsonObject *r = runs->pdata[i];
    g_assert_cmpfloat (bn_run_object_get_double (r, BN_RUN_FIELD_DECODE_TOKENS_PER_SECOND, 0), ==,
                       json_array_get_double_element (speeds, i));
    g_assert_cmpuint (json_array_get_length (bn_run_object_get_array (r, BN_RUN_FIELD_DECODE_LATENCY_MS)), ==, 4);
    g_assert_cmpstr (bn_run_object_get_string (r, BN_RUN_FIELD_COMPUTE_PATH), ==, "real");
  }
  g_assert_cmpint (
      sqlite_count (db, "SELECT count(DISTINCT commit_id) FROM bn_runs WHERE commit_id = (SELECT commit_id FROM "
                        "bn_runs LIMIT 1) AND length(commit_id) > 0"),
      ==, 1);

  /* the seed's point values say nothing of how they were measured: refused, the file named */
  g_autofree char *seed =
      g_build_filename (g_getenv ("G_TEST_SRCDIR"), "elements", "regression", "seed-baselines.json", NULL);
  g_autofree char *db2 = tmp_path ("import-seed.db");
  g_autofree char *p2 = g_strdup_printf ("baselines-src location=%s ! history-sink location=%s", seed, db2);
  g_clear_error (&error);
  g_assert_false (run_pipeline (p2, &error));
  g_assert_error (error, BN_STRICT_ERROR, BN_STRICT_ERROR_MOCK);
  g_assert_nonnull (strstr (error->message, "seed-baselines.json#linux-x86_64/rust_implementation"));
  g_assert_false (g_file_test (db2, G_FILE_TEST_EXISTS));

  /* a platform the file does not hold, a file that is not a baselines file */
  g_autofree char *p3 = g_strdup_printf ("baselines-src location=%s platform=plan9 ! history-sink location=%s", b, db2);
  g_clear_error (&error);
  g_assert_false (run_pipeline (p3, &error));
  g_assert_nonnull (strstr (error->message, "holds no baseline for platform plan9"));
  g_autofree char *junk = tmp_path ("import-junk.json");
  g_assert_true (g_file_set_contents (junk, "{\"baselines\": [1]}", -1, NULL));
  g_autofree char *p4 = g_strdup_printf ("baselines-src location=%s ! history-sink location=%s", junk, db2);
  g_clear_error (&error);
  g_assert_false (run_pipeline (p4, &error));
  g_assert_nonnull (strstr (error->message, junk));

  /* a receipt cannot choose how it is filed */
  g_autofree char *r = write_receipt ("import-forged.json", 2, 50, 9);
  g_autofree char *rt = NULL;
  g_assert_true (g_file_get_contents (r, &rt, NULL, NULL));
  g_autoptr (GString) forged = g_string_new (rt);
  g_string_replace (forged, "\"writer\"", "\"baseline_implementation\":\"llama.cpp\",\"writer\"", 0);
  g_assert_true (g_file_set_contents (r, forged->str, -1, NULL));
  g_autofree char *db3 = tmp_path ("import-forged.db");
  record (db3, r, NULL);
  g_assert_cmpint (sqlite_count (db3, "SELECT count(*) FROM bn_runs WHERE implementation = 'gst-bitnet'"), ==, 2);

  /* both at once: the shipped pipeline */
  g_autofree char *pipelines = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "pipelines", NULL);
  g_autofree char *db4 = tmp_path ("import-both.db");
  g_autofree char *p5 =
      g_strdup_printf ("-f %s/import-history.bnp -D RECEIPTS=%s -D BASELINES=%s -D HISTORY=%s", pipelines, r, b, db4);
  g_assert_cmpint (launch_status (p5), ==, 0);
  g_assert_cmpint (sqlite_count (db4, "SELECT count(*) FROM bn_runs"), ==, 8);
  g_assert_cmpint (sqlite_count (db4, "SELECT count(*) FROM bn_runs WHERE platform = 'linux-far'"), ==, 6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  if (!bn_init_check (&argc, &argv, &error))
    g_error ("%s", error->message);
  tmpdir = g_dir_make_tmp ("bn-history-XXXXXX", NULL);
  g_test_add_func ("/history/sqlite/create", test_sqlite_create);
  g_test_add_func ("/history/sqlite/migrate-from-1", test_sqlite_migrate);
  g_test_add_func ("/history/sqlite/round-trip", test_sqlite_round_trip);
  g_test_add_func ("/history/sqlite/concurrent-writers", test_sqlite_concurrent);
  g_test_add_func ("/history/sqlite/select", test_sqlite_select);
  g_test_add_func ("/history/sqlite/hostile", test_sqlite_hostile);
  g_test_add_func ("/history/sqlite/locked", test_sqlite_locked);
  g_test_add_func ("/history/postgres/round-trip", test_pg_round_trip);
  g_test_add_func ("/history/postgres/concurrent-writers", test_pg_concurrent);
  g_test_add_func ("/history/postgres/migrate-from-1", test_pg_migrate);
  g_test_add_func ("/history/postgres/unreachable", test_pg_refused);
  g_test_add_func ("/changepoint/student-t", test_student_t);
  g_test_add_func ("/changepoint/steps", test_changepoint_steps);
  g_test_add_func ("/changepoint/flat", test_changepoint_flat);
  g_test_add_func ("/changepoint/analyzer/fail-on-change", test_analyzer_fail_on_change);
  g_test_add_func ("/trends/report", test_trend_report);
  g_test_add_func ("/history/pipelines", test_pipelines);
  g_test_add_func ("/history/mock-refused", test_mock_refused);
  g_test_add_func ("/history/import-baselines", test_import_baselines);
  int ret = g_test_run ();
  g_autofree char *cmd = g_strdup_printf ("rm -rf %s", tmpdir);
  if (ret == 0 && !g_getenv ("BN_KEEP_TMP"))
    (void) !system (cmd);
  return ret;
}
