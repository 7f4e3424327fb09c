/*
** sqlfuncs.h — statistics as SQL functions written in C (median, percentile, stddev,
** variance, mode, iqr, rwg, ...), registered on every connection qm opens.
*/
#ifndef QM_SQLFUNCS_H
#define QM_SQLFUNCS_H

#include <sqlite3.h>

/* Register every qm SQL function on db; returns an SQLite result code. */
int qmSql_register(sqlite3 *db);

#endif
