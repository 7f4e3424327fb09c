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
  CHECK(strstr(buf, "p must be between 0 and 100 (a percentage), not 101") != NULL);
  sqlite3_close(db);
}

TEST(sample_variance_and_stddev) {
  int n;
  sqlite3 *db = open_with("('a',2),('a',4),('a',4),('a',4),('a',5),('a',5),('a',7),('a',9)");
  CHECK_NEAR(value(db, "SELECT variance(x) FROM v", &n), 32.0 / 7.0, 1e-12);
  CHECK_NEAR(value(db, "SELECT stddev(x) FROM v", &n), sqrt(32.0 / 7.0), 1e-12);
  sqlite3_close(db);
}

TEST(mode_resolves_ties_by_a_named_rule_defaulting_to_the_middle_mode) {
  int n;
  char buf[256];
  sqlite3 *db = open_with("('a',4),('a',3),('a',4),('a',3),('a',1),"
                          "('b',1),('b',1),('b',1),('b',5),('b',5),('b',5),('b',3),"
                          "('c',2),('c',2),('c',7)");
  CHECK_STR(text(db, "SELECT modes(x) FROM v WHERE g='a'", buf, sizeof buf), "3,4");
  CHECK_NEAR(value(db, "SELECT mode_outside(x) FROM v WHERE g='a'", &n), 3, 0);
  /* 1 1 1 5 5 5 3: the default is not biased downwards (was 1) */
  CHECK_NEAR(value(db, "SELECT mode(x) FROM v WHERE g='b'", &n), 3, 0);
  CHECK_NEAR(value(db, "SELECT mode(x, 'median') FROM v WHERE g='b'", &n), 3, 0);
  CHECK_NEAR(value(db, "SELECT mode(x, 'lowest') FROM v WHERE g='b'", &n), 1, 0);
  CHECK_NEAR(value(db, "SELECT mode(x, 'highest') FROM v WHERE g='b'", &n), 5, 0);
  value(db, "SELECT mode(x, 'flag') FROM v WHERE g='b'", &n);
  CHECK(n);  /* a tie under 'flag' has no single mode */
  CHECK_NEAR(value(db, "SELECT mode(x, 'flag') FROM v WHERE g='c'", &n), 2, 0);
  CHECK_NEAR(value(db, "SELECT mode(x) FROM v WHERE g='a'", &n), 3.5, 0);
  CHECK(strstr(text(db, "SELECT mode(x, 'smallest') FROM v", buf, sizeof buf),
               "ties must be 'median', 'lowest', 'highest' or 'flag'") != NULL);
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
  char buf[1024];
  sqlite3 *db = open_with("('a',60),('a',70),('a',70),('a',90)");
  CHECK_STR(text(db, "SELECT consensus_stats(x, 21, 10, 5) FROM v", buf, sizeof buf),
            "{\"n\":4,\"mean\":72.5,\"median\":70,\"mode\":70,\"modes\":[70],\"mode_outside\":2,"
            "\"sd\":12.583057392117917,\"variance\":158.33333333333334,\"q1\":67.5,\"q3\":75,\"iqr\":7.5,"
            "\"min\":60,\"max\":90,\"range\":30,\"within_k\":0.75,\"rwg\":0.8272727272727273,"
            "\"k\":10,\"A\":21,\"step\":5,\"ties\":\"median\",\"reasons\":{}}");
  sqlite3_close(db);
}

/* issue 10: rwg compares variances in scale steps */
TEST(rwg_on_a_points_scale_is_computed_in_scale_steps) {
  int n;
  char buf[512];
  sqlite3 *db = open_with("('kik',60),('kik',70),('kik',70),('kik',75),('kik',80),('kik',65),('kik',70),('kik',90),('kik',70),"
                          "('caf',3),('caf',4),('caf',4),('caf',5),('caf',3)");
  CHECK_NEAR(value(db, "SELECT rwg(x, 21, 5) FROM v WHERE g='kik'", &n), 0.9174242424242425, 1e-15);
  CHECK_NEAR(value(db, "SELECT rwg(x, 6) FROM v WHERE g='caf'", &n), 0.76, 1e-15);
  CHECK_NEAR(value(db, "SELECT rwg(x, 6, 1) FROM v WHERE g='caf'", &n), 0.76, 1e-15);
  /* points given as if they were steps: the span gives the mistake away */
  CHECK(strstr(text(db, "SELECT rwg(x, 21) FROM v WHERE g='kik'", buf, sizeof buf),
               "rwg(): the scores span 30, more than a scale of 21 answer options 1 apart can (20)") != NULL);
  CHECK(strstr(text(db, "SELECT consensus_stats(x, 21, 5) FROM v WHERE g='kik'", buf, sizeof buf),
               "consensus_stats(): the scores span 30") != NULL);
  /* consensus_stats agrees with rwg() */
  CHECK(strstr(text(db, "SELECT consensus_stats(x, 21, 5, 5) FROM v WHERE g='kik'", buf, sizeof buf),
               "\"rwg\":0.91742424242424") != NULL);
  /* a scale without a countable set of options: rwg is NULL, with the reason */
  value(db, "SELECT rwg(x, NULL) FROM v WHERE g='caf'", &n);
  CHECK(n);
  CHECK(strstr(text(db, "SELECT consensus_stats(x, NULL, 1) FROM v WHERE g='caf'", buf, sizeof buf),
               "\"rwg\":null,\"k\":1,\"A\":null,\"step\":1,\"ties\":\"median\","
               "\"reasons\":{\"rwg\":\"the scale has no countable set of answer options\"}}") != NULL);
  sqlite3_close(db);
}

TEST(a_panel_of_one_gives_null_sd_and_rwg_with_reasons) {
  char buf[1024];
  sqlite3 *db = open_with("('a',4),('a',NULL)");
  const char *js = text(db, "SELECT consensus_stats(x, 5, 1) FROM v", buf, sizeof buf);
  CHECK(strstr(js, "\"sd\":null,\"variance\":null,") != NULL);
  CHECK(strstr(js, "\"rwg\":null,") != NULL);
  CHECK(strstr(js, "\"reasons\":{\"sd\":\"fewer than 2 scores\",\"variance\":\"fewer than 2 scores\","
                   "\"rwg\":\"fewer than 2 scores\"}") != NULL);
  sqlite3_close(db);
}

TEST(infinity_never_reaches_json_and_median_skips_it) {
  int n;
  char buf[1024];
  sqlite3 *db = open_with("('a',1),('a',2),('a',9e999),('b',1),('b',9e999),('c',-9e999),('c',9e999)");
  CHECK_NEAR(value(db, "SELECT median(x) FROM v WHERE g='a'", &n), 2, 0);   /* was NULL: 2 + 0 × inf */
  CHECK(!n);
  CHECK(isinf(value(db, "SELECT median(x) FROM v WHERE g='b'", &n)));      /* as Python's statistics */
  value(db, "SELECT median(x) FROM v WHERE g='c'", &n);
  CHECK(n);                                                                /* −inf and inf: undefined */
  const char *groups[] = { "a", "b", "c", NULL };
  for (int i = 0; groups[i]; i++) {
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT consensus_stats(x, NULL, 1) FROM v WHERE g='%s'", groups[i]);
    const char *js = text(db, sql, buf, sizeof buf);
    /* no number but finite ones before the reasons (whose text may say "infinite") */
    const char *end = strstr(js, "\"reasons\"");
    int bad = end == NULL;
    for (const char *c = js; end && c < end; c++)
      if (strncmp(c, "inf", 3) == 0 || strncmp(c, "Inf", 3) == 0 || strncmp(c, "nan", 3) == 0 || strncmp(c, "NaN", 3) == 0) bad = 1;
    if (bad) fprintf(stderr, "  %s\n", js);
    CHECK(!bad);
    CHECK(strstr(js, "\"reasons\":{\"") != NULL);
  }
  CHECK(strstr(text(db, "SELECT consensus_stats(x, NULL, 1) FROM v WHERE g='a'", buf, sizeof buf),
               "\"mean\":null") != NULL);
  CHECK(strstr(buf, "\"mean\":\"not finite: a score is infinite\"") != NULL);
  /* 1 2 inf: each once, so inf is one of the modes: null in the list, with its reason */
  CHECK(strstr(buf, "\"modes\":[1,2,null]") != NULL);
  CHECK(strstr(buf, "\"modes\":\"a mode is infinite: null in JSON\"") != NULL);
  CHECK(strstr(text(db, "SELECT consensus_stats(x, NULL, 1) FROM v WHERE g='b'", buf, sizeof buf),
               "\"modes\":[1,null]") != NULL);
  CHECK(strstr(buf, "\"modes\":\"a mode") != NULL);
  /* on a scale with answer options too: an infinite score is no wrong A or step (was the error
  ** "the scores span inf, ... give the scale's step"), its statistics are null with reasons */
  const char *js = text(db, "SELECT consensus_stats(x, 5, 1) FROM v WHERE g='a'", buf, sizeof buf);
  CHECK(strstr(js, "\"rwg\":null") != NULL);
  CHECK(strstr(js, "\"rwg\":\"undefined: a score is infinite\"") != NULL);
  CHECK(strstr(js, "span") == NULL);
  value(db, "SELECT rwg(x, 5) FROM v WHERE g='c'", &n);
  CHECK(n);
  sqlite3_close(db);
}

TEST(percentile_p_is_a_percentage_and_fractions_are_refused) {
  int n;
  char buf[512];
  sqlite3 *db = open_with("('a',1),('a',2),('a',3),('a',4),('a',5)");
  CHECK(strstr(text(db, "SELECT percentile(x, 0.5) FROM v", buf, sizeof buf),
               "percentile(): p = 0.5 is a percentage from 0 to 100") != NULL);
  CHECK(strstr(buf, "write 50 for that") != NULL);
  CHECK_NEAR(value(db, "SELECT percentile(x, '0.5%') FROM v", &n), 1.02, 1e-12);
  CHECK_NEAR(value(db, "SELECT percentile(x, '50%') FROM v", &n), 3, 0);
  CHECK_NEAR(value(db, "SELECT percentile(x, 1) FROM v", &n), 1.04, 1e-12);
  CHECK_NEAR(value(db, "SELECT percentile(x, 0) FROM v", &n), 1, 0);
  CHECK(strstr(text(db, "SELECT percentile(x, 'half') FROM v", buf, sizeof buf), "is not a percentage") != NULL);
  CHECK(strstr(text(db, "SELECT percentile(x, NULL) FROM v", buf, sizeof buf), "p must not be NULL") != NULL);
  /* p varying between rows is an error, not the first row's p */
  CHECK(strstr(text(db, "SELECT percentile(x, x * 10) FROM v", buf, sizeof buf),
               "percentile(): p must be the same in every row of a group") != NULL);
  sqlite3_close(db);
}

TEST(argument_checks_are_the_same_in_every_function) {
  char a[512], b[512];
  sqlite3 *db = open_with("('a',1),('a',2),('a',NULL)");
  /* A = 1 */
  text(db, "SELECT rwg(x, 1) FROM v", a, sizeof a);
  text(db, "SELECT consensus_stats(x, 1, 1) FROM v", b, sizeof b);
  CHECK(strstr(a, "A, the number of answer options of the scale, must be a whole number of at least 2, not 1") != NULL);
  CHECK(strstr(b, "A, the number of answer options of the scale, must be a whole number of at least 2, not 1") != NULL);
  CHECK(strstr(text(db, "SELECT consensus_blob(x, 2.5, 1) FROM v", b, sizeof b), "at least 2, not 2.5") != NULL);
  /* k NULL */
  text(db, "SELECT pct_within_median(x, NULL) FROM v", a, sizeof a);
  text(db, "SELECT consensus_stats(x, 5, NULL) FROM v", b, sizeof b);
  CHECK(strstr(a, "k must not be NULL") != NULL);
  CHECK(strstr(b, "k must not be NULL") != NULL);
  CHECK(strstr(text(db, "SELECT consensus_blob(x, 5, NULL) FROM v", b, sizeof b), "k must not be NULL") != NULL);
  CHECK(strstr(text(db, "SELECT pct_within_median(x, -1) FROM v", a, sizeof a), "k must be a number of at least 0") != NULL);
  /* step */
  CHECK(strstr(text(db, "SELECT rwg(x, 5, 0) FROM v", a, sizeof a), "step, the distance between two answer options") != NULL);
  CHECK(strstr(text(db, "SELECT consensus_stats(x, 5, 1, NULL) FROM v", b, sizeof b), "step, the distance between two answer options") != NULL);
  /* arguments are checked on rows whose score is NULL too */
  sqlite3_exec(db, "CREATE TABLE dk(x); INSERT INTO dk VALUES (NULL)", NULL, NULL, NULL);
  CHECK(strstr(text(db, "SELECT consensus_stats(x, 1, 1) FROM dk", b, sizeof b), "at least 2") != NULL);
  /* varying A or k */
  CHECK(strstr(text(db, "SELECT rwg(x, 4 + coalesce(x, 0)) FROM v", a, sizeof a), "rwg(): A must be the same in every row") != NULL);
  CHECK(strstr(text(db, "SELECT pct_within_median(x, coalesce(x, 0)) FROM v", a, sizeof a), "k must be the same in every row") != NULL);
  sqlite3_close(db);
}

TEST(variance_is_two_pass_and_exact_on_large_offsets) {
  int n;
  sqlite3 *db = open_with("('a',1000000000.1),('a',1000000000.2),('a',1000000000.3),('a',1000000000.4)");
  /* Python: statistics.variance([1e9+0.1, 1e9+0.2, 1e9+0.3, 1e9+0.4]) */
  double v = value(db, "SELECT variance(x) FROM v", &n);
  CHECK(fabs(v - 0.016666658719382593) <= 1e-15 * 0.0167);
  CHECK_NEAR(value(db, "SELECT stddev(x) FROM v", &n), 0.129099414093878, 1e-14);
  sqlite3_close(db);
}

TEST(buffers_come_from_sqlite_heap_and_a_limit_gives_nomem) {
  sqlite3 *db = open_with("");
  sqlite3_exec(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 300000) "
                   "INSERT INTO v SELECT 'a', i FROM c", NULL, NULL, NULL);
  sqlite3_int64 old = sqlite3_hard_heap_limit64(-1);
  sqlite3_hard_heap_limit64(sqlite3_memory_used() + 1000000);  /* 300 000 doubles need 2.4 MB */
  int rc = sqlite3_exec(db, "SELECT median(x) FROM v", NULL, NULL, NULL);
  sqlite3_hard_heap_limit64(old);
  CHECK(rc == SQLITE_NOMEM);
  int n;
  CHECK_NEAR(value(db, "SELECT median(x) FROM v", &n), 150000.5, 0);
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
  RUN(mode_resolves_ties_by_a_named_rule_defaulting_to_the_middle_mode);
  RUN(rwg_truncates_at_zero_and_is_one_for_agreement);
  RUN(pct_within_median);
  RUN(non_numeric_text_is_an_error);
  RUN(numeric_text_is_converted);
  RUN(large_groups_spill_to_the_heap);
  RUN(consensus_stats_in_one_pass);
  RUN(rwg_on_a_points_scale_is_computed_in_scale_steps);
  RUN(a_panel_of_one_gives_null_sd_and_rwg_with_reasons);
  RUN(infinity_never_reaches_json_and_median_skips_it);
  RUN(percentile_p_is_a_percentage_and_fractions_are_refused);
  RUN(argument_checks_are_the_same_in_every_function);
  RUN(variance_is_two_pass_and_exact_on_large_offsets);
  RUN(buffers_come_from_sqlite_heap_and_a_limit_gives_nomem);
  RUN(first_last_and_nth_last_by_key);
  RUN(authorizer_denies_attach_and_load_extension);
  RUN(authorizer_protects_engine_tables_from_model_connections);
  RUN(authorizer_refuses_writes_on_read_only_connections_but_allows_temp);
  return DONE();
}
