/* test_sqlfuncs.c — qm's SQL statistics functions on hand data, and the authorizer. */
#include <stdlib.h>
#include <sqlite3.h>
#include "check.h"
#include "sqlfuncs.h"
#include "sql_guard.h"

static sqlite3 *open_with(const char *values) {
  sqlite3 *db = NULL;
  sqlite3_open(":memory:", &db);
  qmSql_register(db);
  sqlite3_exec(db, "CREATE TABLE v(g TEXT, x)", NULL, NULL, NULL);
  char sql[1024];
  snprintf(sql, sizeof sql, "INSERT INTO v VALUES %s", values);
  if (values[0]) sqlite3_exec(db, sql, NULL, NULL, NULL);
  return db;
}

/* the single value of sql; *isnull set when it is NULL */
static double value(sqlite3 *db, const char *sql, int *isnull) {
  sqlite3_stmt *st = NULL;
  double v = -999;
  *isnull = 0;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) { fprintf(stderr, "%s\n", sqlite3_errmsg(db)); return v; }
  if (sqlite3_step(st) == SQLITE_ROW) {
    if (sqlite3_column_type(st, 0) == SQLITE_NULL) *isnull = 1;
    else v = sqlite3_column_double(st, 0);
  }
  sqlite3_finalize(st);
  return v;
}

static const char *text(sqlite3 *db, const char *sql, char *buf, size_t len) {
  sqlite3_stmt *st = NULL;
  buf[0] = '\0';
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) { snprintf(buf, len, "ERR %s", sqlite3_errmsg(db)); return buf; }
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW && sqlite3_column_text(st, 0)) snprintf(buf, len, "%s", sqlite3_column_text(st, 0));
  else if (rc != SQLITE_ROW) snprintf(buf, len, "ERR %s", sqlite3_errmsg(db));
  sqlite3_finalize(st);
  return buf;
}

TEST(median_of_odd_and_even_counts_ignoring_nulls) {
  int n;
  sqlite3 *db = open_with("('a',3),('a',1),('a',2),('b',4),('b',1),('b',NULL),('b',3),('b',2)");
  CHECK_NEAR(value(db, "SELECT median(x) FROM v WHERE g='a'", &n), 2, 1e-12);
  CHECK_NEAR(value(db, "SELECT median(x) FROM v WHERE g='b'", &n), 2.5, 1e-12);
  sqlite3_close(db);
}

TEST(aggregates_over_no_values_are_null) {
  int n;
  sqlite3 *db = open_with("('a',NULL)");
  const char *fns[] = { "median(x)", "percentile(x, 50)", "iqr(x)", "stddev(x)", "variance(x)",
                        "mode(x)", "modes(x)", "rwg(x, 5)", "pct_within_median(x, 1)", "mode_outside(x)",
                        "consensus_stats(x, 5, 1)", NULL };
  for (int i = 0; fns[i]; i++) {
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT %s FROM v", fns[i]);
    value(db, sql, &n);
    if (!n) fprintf(stderr, "  not NULL: %s\n", fns[i]);
    CHECK(n);
  }
  sqlite3_close(db);
}

TEST(one_value_has_no_spread) {
  int n;
  sqlite3 *db = open_with("('a',7)");
  CHECK_NEAR(value(db, "SELECT median(x) FROM v", &n), 7, 0);
  value(db, "SELECT stddev(x) FROM v", &n);
  CHECK(n);
  value(db, "SELECT rwg(x, 5) FROM v", &n);
  CHECK(n);
  CHECK_NEAR(value(db, "SELECT iqr(x) FROM v", &n), 0, 0);
  CHECK_NEAR(value(db, "SELECT percentile(x, 90) FROM v", &n), 7, 0);
  sqlite3_close(db);
}

TEST(percentile_interpolates_linearly_between_ranks) {
  int n;
  sqlite3 *db = open_with("('a',1),('a',2),('a',3),('a',4)");
  CHECK_NEAR(value(db, "SELECT percentile(x, 25) FROM v", &n), 1.75, 1e-12);
  CHECK_NEAR(value(db, "SELECT percentile(x, 75) FROM v", &n), 3.25, 1e-12);
  CHECK_NEAR(value(db, "SELECT percentile(x, 0) FROM v", &n), 1, 1e-12);
  CHECK_NEAR(value(db, "SELECT percentile(x, 100) FROM v", &n), 4, 1e-12);
  CHECK_NEAR(value(db, "SELECT iqr(x) FROM v", &n), 1.5, 1e-12);
  char buf[128];
  text(db, "SELECT percentile(x, 101) FROM v", buf, sizeof buf);
  CHECK(strstr(buf, "p must be between 0 and 100") != NULL);
  sqlite3_close(db);
}

TEST(sample_variance_and_stddev) {
  int n;
  sqlite3 *db = open_with("('a',2),('a',4),('a',4),('a',4),('a',5),('a',5),('a',7),('a',9)");
  CHECK_NEAR(value(db, "SELECT variance(x) FROM v", &n), 32.0 / 7.0, 1e-12);
  CHECK_NEAR(value(db, "SELECT stddev(x) FROM v", &n), sqrt(32.0 / 7.0), 1e-12);
  sqlite3_close(db);
}

TEST(mode_takes_the_smallest_of_tied_modes) {
  int n;
  char buf[64];
  sqlite3 *db = open_with("('a',4),('a',3),('a',4),('a',3),('a',1)");
  CHECK_NEAR(value(db, "SELECT mode(x) FROM v", &n), 3, 0);
  CHECK_STR(text(db, "SELECT modes(x) FROM v", buf, sizeof buf), "3,4");
  CHECK_NEAR(value(db, "SELECT mode_outside(x) FROM v", &n), 3, 0);
  sqlite3_close(db);
}

TEST(rwg_truncates_at_zero_and_is_one_for_agreement) {
  int n;
  sqlite3 *db = open_with("('a',3),('a',3),('a',3),('b',1),('b',5),('b',1),('b',5),('c',2),('c',3)");
  CHECK_NEAR(value(db, "SELECT rwg(x, 5) FROM v WHERE g='a'", &n), 1, 1e-12);
  CHECK_NEAR(value(db, "SELECT rwg(x, 5) FROM v WHERE g='b'", &n), 0, 1e-12);
  /* s² = 0.5, σ²EU = (25-1)/12 = 2 -> 0.75 */
  CHECK_NEAR(value(db, "SELECT rwg(x, 5) FROM v WHERE g='c'", &n), 0.75, 1e-12);
  char buf[128];
  text(db, "SELECT rwg(x, 1) FROM v", buf, sizeof buf);
  CHECK(strstr(buf, "at least 2") != NULL);
  sqlite3_close(db);
}

TEST(pct_within_median) {
  int n;
  sqlite3 *db = open_with("('a',50),('a',55),('a',60),('a',90),('a',10)");
  CHECK_NEAR(value(db, "SELECT pct_within_median(x, 5) FROM v", &n), 0.6, 1e-12);
  sqlite3_close(db);
}

TEST(non_numeric_text_is_an_error) {
  char buf[128];
  sqlite3 *db = open_with("('a','abc')");
  text(db, "SELECT median(x) FROM v", buf, sizeof buf);
  CHECK(strstr(buf, "median(): value 'abc' is not a number") != NULL);
  sqlite3_close(db);
}

TEST(numeric_text_is_converted) {
  int n;
  sqlite3 *db = open_with("('a','3'),('a','5')");
  CHECK_NEAR(value(db, "SELECT median(x) FROM v", &n), 4, 1e-12);
  sqlite3_close(db);
}

TEST(large_groups_spill_to_the_heap) {
  int n;
  sqlite3 *db = open_with("");
  sqlite3_exec(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 1001) "
                   "INSERT INTO v SELECT 'a', i FROM c", NULL, NULL, NULL);
  CHECK_NEAR(value(db, "SELECT median(x) FROM v", &n), 501, 1e-12);
  CHECK_NEAR(value(db, "SELECT percentile(x, 10) FROM v", &n), 101, 1e-12);
  sqlite3_close(db);
}

TEST(consensus_stats_in_one_pass) {
  char buf[512];
  sqlite3 *db = open_with("('a',60),('a',70),('a',70),('a',90)");
  CHECK_STR(text(db, "SELECT consensus_stats(x, 101, 10) FROM v", buf, sizeof buf),
            "{\"n\":4,\"mean\":72.5,\"median\":70.0,\"sd\":12.5830573921179,\"rwg\":0.813725490196078,"
            "\"iqr\":7.5,\"min\":60.0,\"max\":90.0,\"range\":30.0,\"modes\":[70.0],\"mode_outside\":2,\"within_k\":0.75}");
  sqlite3_close(db);
}

/* ---------------------------------------------------------------- authorizer */

static int exec_rc(sqlite3 *db, const char *sql) {
  return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

TEST(authorizer_denies_attach_and_load_extension) {
  QmGuard g;
  sqlite3 *db = NULL;
  sqlite3_open(":memory:", &db);
  qmG_install(db, &g, 1, 0);
  CHECK(exec_rc(db, "ATTACH '/tmp/qm-attach-test.db' AS x") == SQLITE_AUTH);
  CHECK(strstr(g.reason, "ATTACH") != NULL);
  CHECK(exec_rc(db, "SELECT load_extension('x')") != SQLITE_OK);
  sqlite3_close(db);
}

TEST(authorizer_protects_engine_tables_from_model_connections) {
  QmGuard g;
  sqlite3 *db = NULL;
  sqlite3_open(":memory:", &db);
  qmG_install(db, &g, 1, 1);  /* engine: may create and fill qm_ tables */
  CHECK(exec_rc(db, "CREATE TABLE qm_units(id); INSERT INTO qm_units VALUES (1); CREATE TABLE mine(a)") == SQLITE_OK);
  qmG_install(db, &g, 1, 0);  /* a model's connection */
  CHECK(exec_rc(db, "INSERT INTO qm_units VALUES (2)") == SQLITE_AUTH);
  CHECK(strstr(g.reason, "table qm_units belongs to the engine") != NULL);
  CHECK(exec_rc(db, "UPDATE qm_units SET id = 3") == SQLITE_AUTH);
  CHECK(exec_rc(db, "DELETE FROM qm_units") == SQLITE_AUTH);
  CHECK(exec_rc(db, "DROP TABLE qm_units") == SQLITE_AUTH);
  CHECK(exec_rc(db, "INSERT INTO mine VALUES (1)") == SQLITE_OK);
  CHECK(exec_rc(db, "SELECT * FROM qm_units") == SQLITE_OK);
  sqlite3_close(db);
}

TEST(authorizer_refuses_writes_on_read_only_connections_but_allows_temp) {
  QmGuard g;
  sqlite3 *db = NULL;
  sqlite3_open(":memory:", &db);
  exec_rc(db, "CREATE TABLE t(a)");
  qmG_install(db, &g, 0, 0);
  CHECK(exec_rc(db, "INSERT INTO t VALUES (1)") == SQLITE_AUTH);
  CHECK(strstr(g.reason, "read-only: writing needs --write") != NULL);
  CHECK(exec_rc(db, "CREATE TABLE u(a)") == SQLITE_AUTH);
  CHECK(exec_rc(db, "CREATE TEMP TABLE scratch(a); INSERT INTO scratch VALUES (1)") == SQLITE_OK);
  CHECK(exec_rc(db, "PRAGMA writable_schema = 1") == SQLITE_AUTH);
  sqlite3_close(db);
}

/* first_by / last_by / nth_last_by: the value at a position in an order, without a window */
TEST(first_last_and_nth_last_by_key) {
  sqlite3 *db = NULL;
  sqlite3_open(":memory:", &db);
  qmSql_register(db);
  sqlite3_exec(db, "CREATE TABLE t(g, v, k, k2);"
               "INSERT INTO t VALUES ('a', 1, 3, 0), ('a', 2, 1, 0), ('a', 3, 2, 0), ('a', 4, 3, 1), ('a', NULL, 9, 0),"
               " ('b', 7, 'x', 0), ('b', 8, 5, 0), ('b', 9, 5.5, 0), ('c', 9, NULL, 0),"
               " ('d', 'early', '2025-01-01', 'c2'), ('d', 'late', '2025-02-01', 'c1'), ('d', 'tie', '2025-02-01', 'c0')",
               NULL, NULL, NULL);
  char buf[64];
  int isnull;
  CHECK_NEAR(value(db, "SELECT first_by(v, k) FROM t WHERE g = 'a'", &isnull), 2, 0);
  /* ties on key1 without key2: last_by keeps the later row, first_by the earlier */
  CHECK_NEAR(value(db, "SELECT last_by(v, k) FROM t WHERE g = 'a'", &isnull), 4, 0);
  CHECK_NEAR(value(db, "SELECT last_by(v, k, k2) FROM t WHERE g = 'a'", &isnull), 4, 0);
  CHECK_NEAR(value(db, "SELECT nth_last_by(v, 2, k, k2) FROM t WHERE g = 'a'", &isnull), 1, 0);
  CHECK_NEAR(value(db, "SELECT nth_last_by(v, 4, k, k2) FROM t WHERE g = 'a'", &isnull), 2, 0);
  value(db, "SELECT nth_last_by(v, 5, k, k2) FROM t WHERE g = 'a'", &isnull);
  CHECK(isnull);  /* fewer rows than n (the NULL value is left out) */
  /* numbers sort before text; integers and reals by value */
  CHECK_NEAR(value(db, "SELECT last_by(v, k) FROM t WHERE g = 'b'", &isnull), 7, 0);
  CHECK_NEAR(value(db, "SELECT nth_last_by(v, 2, k) FROM t WHERE g = 'b'", &isnull), 9, 0);
  CHECK_NEAR(value(db, "SELECT first_by(v, k) FROM t WHERE g = 'b'", &isnull), 8, 0);
  value(db, "SELECT last_by(v, k) FROM t WHERE g = 'c'", &isnull);
  CHECK(isnull);  /* a NULL key is left out */
  /* text keys (dates) with a second key breaking the tie */
  CHECK_STR(text(db, "SELECT last_by(v, k, k2) FROM t WHERE g = 'd'", buf, sizeof buf), "late");
  CHECK_STR(text(db, "SELECT nth_last_by(v, 2, k, k2) FROM t WHERE g = 'd'", buf, sizeof buf), "tie");
  CHECK_STR(text(db, "SELECT first_by(v, k, k2) FROM t WHERE g = 'd'", buf, sizeof buf), "early");
  /* per group, in one pass */
  CHECK_STR(text(db, "SELECT group_concat(x) FROM (SELECT last_by(v, k, k2) AS x FROM t GROUP BY g ORDER BY g)", buf, sizeof buf),
            "4,7,late");
  CHECK(strstr(text(db, "SELECT nth_last_by(v, 0, k) FROM t", buf, sizeof buf), "n must be a whole number from 1 to 32") != NULL);
  CHECK(strstr(text(db, "SELECT nth_last_by(v, 33, k) FROM t", buf, sizeof buf), "n must be a whole number from 1 to 32") != NULL);
  sqlite3_close(db);
}

int main(void) {
  RUN(median_of_odd_and_even_counts_ignoring_nulls);
  RUN(aggregates_over_no_values_are_null);
  RUN(one_value_has_no_spread);
  RUN(percentile_interpolates_linearly_between_ranks);
  RUN(sample_variance_and_stddev);
  RUN(mode_takes_the_smallest_of_tied_modes);
  RUN(rwg_truncates_at_zero_and_is_one_for_agreement);
  RUN(pct_within_median);
  RUN(non_numeric_text_is_an_error);
  RUN(numeric_text_is_converted);
  RUN(large_groups_spill_to_the_heap);
  RUN(consensus_stats_in_one_pass);
  RUN(first_last_and_nth_last_by_key);
  RUN(authorizer_denies_attach_and_load_extension);
  RUN(authorizer_protects_engine_tables_from_model_connections);
  RUN(authorizer_refuses_writes_on_read_only_connections_but_allows_temp);
  return DONE();
}
