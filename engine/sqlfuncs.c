/* sqlfuncs.c — placeholder until the SQL statistics functions land (see sqlfuncs.h). */
#include "sqlfuncs.h"
int qmSql_register(sqlite3 *db) { (void)db; return SQLITE_OK; }
