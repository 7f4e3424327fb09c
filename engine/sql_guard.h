/*
** sql_guard.h — the SQLite authorizer that keeps SQL in bounds (see sql_guard.c).
*/
#ifndef QM_SQL_GUARD_H
#define QM_SQL_GUARD_H

#include <sqlite3.h>

typedef struct QmGuard {
  int writable;        /* the connection was opened for writing */
  int engine;          /* the engine's own connection: may change qm_* tables */
  char reason[256];    /* why the last statement was refused, for the error message */
  const char *sql;     /* the SQL being prepared (set around sqlite3_prepare_v2 by whoever
                       ** prepares a model's SQL), else NULL: the new name of ALTER TABLE ...
                       ** RENAME TO is only in the text */
} QmGuard;

/* Install the authorizer on db; g must live as long as the connection. */
void qmG_install(sqlite3 *db, QmGuard *g, int writable, int engine);
/* Whether the authorizer's table lists action code `action` (one it does not is refused). */
int qmG_listed(int action);

#endif
