/*
** sql_guard.c — the SQLite authorizer for every connection qm opens. Model SQL may not
** ATTACH files, load extensions, write in a read-only run, change the engine's own qm_*
** tables, or set pragmas that weaken the database. The refusal's reason is kept so the
** error says why, not just "not authorized".
*/
#include <stdio.h>
#include <string.h>
#include "sql_guard.h"

/* pragmas nobody may set: they can corrupt the file or loosen SQLite's own defences */
static const char *const denied_pragmas[] = {
  "writable_schema", "schema_version", "trusted_schema", "cell_size_check", "legacy_file_format",
  "journal_mode", "locking_mode", "mmap_size", "temp_store_directory", "data_store_directory", NULL };

static int is_engine_table(const char *name) {
  return name != NULL && strncmp(name, "qm_", 3) == 0;
}

static int is_temp(const char *dbname) {
  return dbname != NULL && strcmp(dbname, "temp") == 0;
}

/* keep "before ARG after" as the reason and refuse */
static int deny(QmGuard *g, const char *before, const char *arg, const char *after) {
  snprintf(g->reason, sizeof g->reason, "%s%s%s", before, arg ? arg : "", after);
  return SQLITE_DENY;
}

/* a statement that changes table `table` in database `dbname` */
static int check_write(QmGuard *g, const char *table, const char *dbname) {
  if (is_temp(dbname)) return SQLITE_OK;
  /* SQLite reports its own schema bookkeeping (e.g. for pragma_table_info) as updates of
  ** sqlite_master; users cannot write it (defensive mode, writable_schema refused) */
  if (table != NULL && (strcmp(table, "sqlite_master") == 0 || strcmp(table, "sqlite_schema") == 0)) return SQLITE_OK;  /* temporary tables live and die with the connection */
  if (!g->writable) return deny(g, "the database is open read-only: writing needs --write", NULL, "");
  if (!g->engine && is_engine_table(table))
    return deny(g, "table ", table, " belongs to the engine and can only be changed through qm's own functions");
  return SQLITE_OK;
}

static int authorize(void *ud, int action, const char *a1, const char *a2, const char *dbname,
                     const char *trigger) {
  QmGuard *g = ud;
  (void)trigger;
  switch (action) {
  case SQLITE_ATTACH:
  case SQLITE_DETACH:
    return deny(g, "ATTACH and DETACH are not allowed: qm works on the database it was given", NULL, "");
  case SQLITE_FUNCTION:
    if (a2 && strcmp(a2, "load_extension") == 0)
      return deny(g, "load_extension is not allowed", NULL, "");
    return SQLITE_OK;
  case SQLITE_PRAGMA:
    if (a2 == NULL) return SQLITE_OK;  /* reading a pragma */
    for (int i = 0; denied_pragmas[i]; i++)
      if (a1 && strcmp(a1, denied_pragmas[i]) == 0 && !(g->engine && strcmp(a1, "journal_mode") == 0))
        return deny(g, "PRAGMA ", a1, " cannot be set from qm");
    if (!g->writable && a1 && strcmp(a1, "user_version") == 0)
      return deny(g, "the database is open read-only: writing needs --write", NULL, "");
    return SQLITE_OK;
  case SQLITE_INSERT: case SQLITE_UPDATE: case SQLITE_DELETE:
  case SQLITE_CREATE_TABLE: case SQLITE_DROP_TABLE: case SQLITE_CREATE_INDEX:
  case SQLITE_DROP_INDEX: case SQLITE_CREATE_TRIGGER: case SQLITE_DROP_TRIGGER:
  case SQLITE_ANALYZE: case SQLITE_REINDEX:
    return check_write(g, a1 && (action == SQLITE_CREATE_INDEX || action == SQLITE_DROP_INDEX ||
                                 action == SQLITE_CREATE_TRIGGER || action == SQLITE_DROP_TRIGGER) ? a2 : a1,
                       dbname);
  case SQLITE_ALTER_TABLE:
    return check_write(g, a2, a1);  /* for ALTER, a1 is the database and a2 the table */
  case SQLITE_CREATE_VIEW: case SQLITE_DROP_VIEW:
    return check_write(g, a1, dbname);
  case SQLITE_CREATE_VTABLE: case SQLITE_DROP_VTABLE:
    return deny(g, "virtual tables cannot be created or dropped from qm", NULL, "");
  case SQLITE_CREATE_TEMP_TABLE: case SQLITE_CREATE_TEMP_INDEX: case SQLITE_CREATE_TEMP_TRIGGER:
  case SQLITE_CREATE_TEMP_VIEW: case SQLITE_DROP_TEMP_TABLE: case SQLITE_DROP_TEMP_INDEX:
  case SQLITE_DROP_TEMP_TRIGGER: case SQLITE_DROP_TEMP_VIEW:
    return SQLITE_OK;
  default:
    return SQLITE_OK;
  }
}

void qmG_install(sqlite3 *db, QmGuard *g, int writable, int engine) {
  g->writable = writable;
  g->engine = engine;
  g->reason[0] = '\0';
  sqlite3_set_authorizer(db, authorize, g);
}
