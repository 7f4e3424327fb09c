/*
** sql_guard.c — the SQLite authorizer for every connection qm opens. It denies by default:
** every action code SQLite can ask about is listed below with its rule, and one it does not
** list is refused. Model SQL may not ATTACH files, load extensions, write in a read-only run,
** create triggers, touch anything named qm_* (the engine's; nor rename a table to such a
** name), set the schema version, or set any pragma but a few harmless ones (names compared
** without case). The refusal's reason is
** kept so the error says why, not just "not authorized". docs/db.md lists the rules.
*/
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "sql_guard.h"

typedef enum {
  R_ALLOW,     /* reading, transactions, savepoints, recursive queries */
  R_DENY,      /* never: the reason is in the table */
  R_WRITE,     /* a change of the rows of table a1 (ANALYZE: statistics of a1) */
  R_ALTER,     /* ALTER TABLE: a1 is the database, a2 the table */
  R_SCHEMA,    /* create or drop object a1 (on table a2, for indexes and triggers) */
  R_TEMP,      /* create or drop a TEMP object: lives and dies with the connection */
  R_TRIGGER,   /* create a trigger: the engine only */
  R_PRAGMA,
  R_FUNCTION
} Rule;

typedef struct { int code; Rule rule; const char *why; } Action;

/* every action code of SQLite's authorizer (sqlite3.h, "Authorizer Action Codes") */
static const Action actions[] = {
  { SQLITE_CREATE_INDEX, R_SCHEMA, NULL },
  { SQLITE_CREATE_TABLE, R_SCHEMA, NULL },
  { SQLITE_CREATE_TEMP_INDEX, R_TEMP, NULL },
  { SQLITE_CREATE_TEMP_TABLE, R_TEMP, NULL },
  { SQLITE_CREATE_TEMP_TRIGGER, R_TRIGGER, NULL },
  { SQLITE_CREATE_TEMP_VIEW, R_TEMP, NULL },
  { SQLITE_CREATE_TRIGGER, R_TRIGGER, NULL },
  { SQLITE_CREATE_VIEW, R_SCHEMA, NULL },
  { SQLITE_DELETE, R_WRITE, NULL },
  { SQLITE_DROP_INDEX, R_SCHEMA, NULL },
  { SQLITE_DROP_TABLE, R_SCHEMA, NULL },
  { SQLITE_DROP_TEMP_INDEX, R_TEMP, NULL },
  { SQLITE_DROP_TEMP_TABLE, R_TEMP, NULL },
  { SQLITE_DROP_TEMP_TRIGGER, R_TEMP, NULL },
  { SQLITE_DROP_TEMP_VIEW, R_TEMP, NULL },
  { SQLITE_DROP_TRIGGER, R_SCHEMA, NULL },
  { SQLITE_DROP_VIEW, R_SCHEMA, NULL },
  { SQLITE_INSERT, R_WRITE, NULL },
  { SQLITE_PRAGMA, R_PRAGMA, NULL },
  { SQLITE_READ, R_ALLOW, NULL },
  { SQLITE_SELECT, R_ALLOW, NULL },
  { SQLITE_TRANSACTION, R_ALLOW, NULL },
  { SQLITE_UPDATE, R_WRITE, NULL },
  /* VACUUM attaches a copy (SQLite prepares an ATTACH for it): the same rule, named */
  { SQLITE_ATTACH, R_DENY, "ATTACH and DETACH are not allowed (nor VACUUM, which attaches a copy of the database): qm works on the database it was given" },
  { SQLITE_DETACH, R_DENY, "ATTACH and DETACH are not allowed: qm works on the database it was given" },
  { SQLITE_ALTER_TABLE, R_ALTER, NULL },
  { SQLITE_REINDEX, R_SCHEMA, NULL },
  { SQLITE_ANALYZE, R_WRITE, NULL },
  { SQLITE_CREATE_VTABLE, R_DENY, "virtual tables cannot be created or dropped from qm" },
  { SQLITE_DROP_VTABLE, R_DENY, "virtual tables cannot be created or dropped from qm" },
  { SQLITE_FUNCTION, R_FUNCTION, NULL },
  { SQLITE_SAVEPOINT, R_ALLOW, NULL },
  { SQLITE_RECURSIVE, R_ALLOW, NULL },
  { SQLITE_COPY, R_DENY, "COPY is not allowed" },  /* no longer used by SQLite */
};

/* What a pragma may do on a model's connection: M_NO (refused), M_READ (only read, without an
** argument), M_QUERY (read with an argument that names a table, index or check), M_SET (a
** per-connection setting a model may change). The engine's connection may use every pragma
** but those with E_NO: they corrupt files or loosen SQLite's own defences, for anyone. */
enum { M_NO, M_READ, M_QUERY, M_SET };
enum { E_OK, E_NO };
typedef struct { const char *name; int model, engine; } Pragma;

static const Pragma pragmas[] = {
  { "application_id", M_READ, E_OK },
  { "auto_vacuum", M_READ, E_OK },
  { "automatic_index", M_SET, E_OK },
  { "busy_timeout", M_READ, E_OK },
  { "cache_size", M_SET, E_OK },
  { "case_sensitive_like", M_SET, E_OK },
  { "cell_size_check", M_NO, E_NO },
  { "collation_list", M_READ, E_OK },
  { "compile_options", M_READ, E_OK },
  { "data_store_directory", M_NO, E_NO },
  { "data_version", M_READ, E_OK },
  { "defer_foreign_keys", M_SET, E_OK },
  { "database_list", M_READ, E_OK },
  { "encoding", M_READ, E_OK },
  { "foreign_key_check", M_QUERY, E_OK },
  { "foreign_key_list", M_QUERY, E_OK },
  { "foreign_keys", M_SET, E_OK },     /* the connection's own checks (a dump turns them off) */
  { "freelist_count", M_READ, E_OK },
  { "function_list", M_READ, E_OK },
  { "hard_heap_limit", M_NO, E_NO },   /* process-wide: qm keeps SQLite's budget itself */
  { "index_info", M_QUERY, E_OK },
  { "index_list", M_QUERY, E_OK },
  { "index_xinfo", M_QUERY, E_OK },
  { "integrity_check", M_QUERY, E_OK },
  { "journal_mode", M_READ, E_OK },
  { "legacy_alter_table", M_NO, E_NO },
  { "legacy_file_format", M_NO, E_NO },
  { "locking_mode", M_READ, E_OK },
  { "max_page_count", M_READ, E_OK },
  { "mmap_size", M_NO, E_NO },
  { "module_list", M_READ, E_OK },
  { "page_count", M_READ, E_OK },
  { "page_size", M_READ, E_OK },
  { "pragma_list", M_READ, E_OK },
  { "query_only", M_SET, E_OK },
  { "quick_check", M_QUERY, E_OK },
  { "reverse_unordered_selects", M_SET, E_OK },
  { "schema_version", M_READ, E_NO },  /* E_NO: setting it; reading is fine (below) */
  { "soft_heap_limit", M_NO, E_NO },
  { "table_info", M_QUERY, E_OK },
  { "table_list", M_QUERY, E_OK },
  { "table_xinfo", M_QUERY, E_OK },
  { "temp_store", M_READ, E_OK },
  { "temp_store_directory", M_NO, E_NO },
  { "threads", M_NO, E_NO },           /* SQLite's helper threads would allocate beside Lua */
  { "trusted_schema", M_NO, E_NO },
  { "user_version", M_READ, E_OK },    /* the engine's schema version */
  { "writable_schema", M_NO, E_NO },
};

/* functions no connection may call (also disabled at the connection where SQLite can) */
static const char *const denied_functions[] = { "load_extension", "fts3_tokenizer", NULL };

static int is_engine_name(const char *name) {
  return name != NULL && strncasecmp(name, "qm_", 3) == 0;
}

static int is_temp(const char *dbname) {
  return dbname != NULL && strcasecmp(dbname, "temp") == 0;
}

/* SQLite's own schema table: changed as the bookkeeping of a CREATE or DROP already checked
** (users cannot write it directly: defensive mode, writable_schema refused) */
static int is_schema_table(const char *name) {
  return name != NULL && (strcasecmp(name, "sqlite_master") == 0 || strcasecmp(name, "sqlite_schema") == 0 ||
                          strcasecmp(name, "sqlite_temp_master") == 0 ||
                          strcasecmp(name, "sqlite_temp_schema") == 0);
}

/* keep "before ARG after" as the reason and refuse */
static int deny(QmGuard *g, const char *before, const char *arg, const char *after) {
  snprintf(g->reason, sizeof g->reason, "%s%s%s", before, arg ? arg : "", after);
  return SQLITE_DENY;
}

static int read_only(QmGuard *g) {
  return deny(g, "the database is open read-only: writing needs --write", NULL, "");
}

/* "table qm_units belongs to the engine ..." */
static int engine_only(QmGuard *g, const char *kind, const char *name) {
  snprintf(g->reason, sizeof g->reason, "%s %s belongs to the engine and can only be changed "
           "through qm's own functions (names starting with qm_ are qm's)", kind, name);
  return SQLITE_DENY;
}

/* what a1 of a CREATE or DROP names */
static const char *object_kind(int action) {
  switch (action) {
  case SQLITE_CREATE_INDEX: case SQLITE_DROP_INDEX: case SQLITE_CREATE_TEMP_INDEX:
  case SQLITE_DROP_TEMP_INDEX: case SQLITE_REINDEX: return "index";
  case SQLITE_CREATE_VIEW: case SQLITE_DROP_VIEW: case SQLITE_CREATE_TEMP_VIEW:
  case SQLITE_DROP_TEMP_VIEW: return "view";
  case SQLITE_CREATE_TRIGGER: case SQLITE_DROP_TRIGGER: case SQLITE_CREATE_TEMP_TRIGGER:
  case SQLITE_DROP_TEMP_TRIGGER: return "trigger";
  default: return "table";
  }
}

/* a change (action) of table `table` in database `dbname` */
static int check_write(QmGuard *g, int action, const char *table, const char *dbname) {
  if (is_temp(dbname)) return SQLITE_OK;  /* temporary tables live and die with the connection */
  if (is_schema_table(table)) return SQLITE_OK;
  if (!g->writable) return read_only(g);
  if (!g->engine && is_engine_name(table)) return engine_only(g, "table", table);
  /* the planner's statistics steer the engine's queries too: a model may drop them (DROP
  ** TABLE and ANALYZE do) but not write them; sqlite_sequence concerns only a model's own
  ** tables (no qm_* table uses AUTOINCREMENT) */
  if (!g->engine && table != NULL && strncasecmp(table, "sqlite_stat", 11) == 0 && action != SQLITE_DELETE)
    return deny(g, "table ", table, " is SQLite's own and cannot be written from a model");
  return SQLITE_OK;
}

/* create or drop `object` (on `table`, for an index or trigger) in database `dbname` */
static int check_schema(QmGuard *g, int action, const char *object, const char *table, const char *dbname) {
  if (!g->engine && is_engine_name(object)) return engine_only(g, object_kind(action), object);
  if (!g->engine && is_engine_name(table)) return engine_only(g, "table", table);
  if (is_temp(dbname)) return SQLITE_OK;
  if (!g->writable) return read_only(g);
  return SQLITE_OK;
}

/* One token of SQL text `s` after white space and comments, into tok (a quoted identifier
** without its quotes); returns the text after it, or NULL at the end or when it does not fit.
** Identifier characters as SQLite's tokenizer has them: letters, digits, _, $ and bytes of
** UTF-8 sequences. */
static int ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

static const char *sql_token(const char *s, char *tok, size_t n) {
  for (;;) {
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v') s++;
    if (s[0] == '-' && s[1] == '-') { while (*s != '\0' && *s != '\n') s++; continue; }
    if (s[0] == '/' && s[1] == '*') {
      const char *end = strstr(s + 2, "*/");
      if (end == NULL) return NULL;
      s = end + 2;
      continue;
    }
    break;
  }
  if (*s == '\0') return NULL;
  size_t k = 0;
  char q = *s == '[' ? ']' : (*s == '"' || *s == '`' || *s == '\'') ? *s : '\0';
  if (q != '\0') {
    for (s++;; s++) {
      if (*s == '\0') return NULL;
      if (*s == q) {
        if (q != ']' && s[1] == q) s++;  /* a doubled quote is one quote character */
        else { s++; break; }
      }
      if (k + 1 >= n) return NULL;
      tok[k++] = *s;
    }
  } else if (ident_char(*s)) {
    while (ident_char(*s)) {
      if (k + 1 >= n) return NULL;
      tok[k++] = *s++;
    }
  } else {
    tok[k++] = *s++;  /* punctuation, one character */
  }
  tok[k] = '\0';
  return s;
}

/* ALTER TABLE [schema.]name RENAME TO new: 1, the new name in `to`; 0 for another ALTER TABLE
** (a column added, renamed or dropped); -1 when the text cannot be read so. */
static int renamed_to(const char *sql, char *to, size_t n) {
  char tok[256];
  const char *s = sql;
  if ((s = sql_token(s, tok, sizeof tok)) == NULL || strcasecmp(tok, "ALTER") != 0) return -1;
  if ((s = sql_token(s, tok, sizeof tok)) == NULL || strcasecmp(tok, "TABLE") != 0) return -1;
  if ((s = sql_token(s, tok, sizeof tok)) == NULL) return -1;  /* the table, or its schema */
  if ((s = sql_token(s, tok, sizeof tok)) == NULL) return -1;
  if (strcmp(tok, ".") == 0) {
    if ((s = sql_token(s, tok, sizeof tok)) == NULL) return -1;  /* the table */
    if ((s = sql_token(s, tok, sizeof tok)) == NULL) return -1;
  }
  if (strcasecmp(tok, "RENAME") != 0) return 0;
  if ((s = sql_token(s, tok, sizeof tok)) == NULL) return -1;
  if (strcasecmp(tok, "TO") != 0) return 0;  /* RENAME [COLUMN] a TO b */
  return sql_token(s, to, n) == NULL ? -1 : 1;
}

/* ALTER TABLE on a model's connection: besides the write rules, never a new qm_* name
** (SQLite tells the authorizer only the old one, so the new one is read from the text) */
static int check_alter(QmGuard *g, int action, const char *table, const char *dbname) {
  int rc = check_write(g, action, table, dbname);
  /* no text: SQLite preparing the statement again after a schema change; the same text
  ** was checked when it was first prepared */
  if (rc != SQLITE_OK || g->engine || is_temp(dbname) || g->sql == NULL) return rc;
  char to[256];
  int r = renamed_to(g->sql, to, sizeof to);
  if (r < 0)
    return deny(g, "ALTER TABLE ", table, ": qm cannot read what the table is renamed to, so a model may not run it");
  if (r == 1 && is_engine_name(to)) {
    snprintf(g->reason, sizeof g->reason, "table %.80s cannot be renamed to %.80s: names starting with "
             "qm_ are qm's", table, to);
    return SQLITE_DENY;
  }
  return SQLITE_OK;
}

static int check_pragma(QmGuard *g, const char *name, const char *arg) {
  const Pragma *p = NULL;
  for (size_t i = 0; name != NULL && i < sizeof pragmas / sizeof pragmas[0]; i++)
    if (strcasecmp(name, pragmas[i].name) == 0) { p = &pragmas[i]; break; }
  if (g->engine) {
    if (p != NULL && p->engine == E_NO && arg != NULL) return deny(g, "PRAGMA ", name, " cannot be set from qm");
    return SQLITE_OK;
  }
  int mode = p ? p->model : M_NO;
  if (mode == M_NO) return deny(g, "PRAGMA ", name, " is not available to a model");
  if (mode == M_READ && arg != NULL) {
    if (strcasecmp(p->name, "user_version") == 0 || strcasecmp(p->name, "application_id") == 0)
      return deny(g, "PRAGMA ", name, " belongs to the engine (it is qm's schema version) and cannot be set from a model");
    return deny(g, "PRAGMA ", name, " can be read but not set from a model");
  }
  return SQLITE_OK;
}

static int check_function(QmGuard *g, const char *name) {
  for (int i = 0; name != NULL && denied_functions[i]; i++)
    if (strcasecmp(name, denied_functions[i]) == 0) return deny(g, "", name, " is not allowed");
  return SQLITE_OK;
}

static int authorize(void *ud, int action, const char *a1, const char *a2, const char *dbname,
                     const char *inner) {
  QmGuard *g = ud;
  (void)inner;  /* the trigger or view an action comes from: judged like any other action */
  const Action *act = NULL;
  for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
    if (actions[i].code == action) { act = &actions[i]; break; }
  if (act == NULL) {
    char code[48];
    snprintf(code, sizeof code, "%d", action);
    return deny(g, "SQL action ", code, " is not known to qm and so not allowed");
  }
  switch (act->rule) {
  case R_ALLOW: return SQLITE_OK;
  case R_DENY: return deny(g, act->why, NULL, "");
  case R_WRITE: return check_write(g, action, a1, dbname);
  case R_ALTER: return check_alter(g, action, a2, a1);
  case R_SCHEMA: return check_schema(g, action, a1, action == SQLITE_REINDEX ? NULL : a2, dbname);
  case R_TEMP: return SQLITE_OK;  /* the connection's own: even qm_* names shadow only for it */
  case R_TRIGGER:
    if (!g->engine)
      return deny(g, "triggers cannot be created from a model (a trigger would run with the rights "
                  "of whoever writes the table)", NULL, "");
    return check_schema(g, action, a1, a2, dbname);
  case R_PRAGMA: return check_pragma(g, a1, a2);
  case R_FUNCTION: return check_function(g, a2);
  }
  return deny(g, "not allowed", NULL, "");
}

void qmG_install(sqlite3 *db, QmGuard *g, int writable, int engine) {
  g->writable = writable;
  g->engine = engine;
  g->reason[0] = '\0';
  g->sql = NULL;
  sqlite3_set_authorizer(db, authorize, g);
}

int qmG_listed(int action) {
  for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
    if (actions[i].code == action) return 1;
  return 0;
}
