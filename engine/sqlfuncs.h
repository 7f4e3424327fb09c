/*
** sqlfuncs.h — statistics as SQL functions written in C (median, percentile, stddev,
** variance, mode, iqr, rwg, ...), registered on every connection qm opens.
*/
#ifndef QM_SQLFUNCS_H
#define QM_SQLFUNCS_H

#include <sqlite3.h>

/* Register every qm SQL function on db; returns an SQLite result code. */
int qmSql_register(sqlite3 *db);
/* first_by, last_by, nth_last_by (sqlfuncs_by.c); qmSql_register calls it */
int qmSql_register_by(sqlite3 *db);
/* sqlite3_auto_extension entry point: registers the functions on every connection a
** program opens with the plain C API (the benchmark's comparison queries). */
int qmSql_register_auto(sqlite3 *db, const char **err, const void *api);

#endif
