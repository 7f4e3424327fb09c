/*
** sql_budget.h — SQLite's part of the one --max-memory budget (see sql_budget.c).
*/
#ifndef QM_SQL_BUDGET_H
#define QM_SQL_BUDGET_H

#include <stddef.h>
#include "qm_limits.h"

/* The name of the VFS whose temporary files count against the budget; read-only
** connections open through it. */
#define QM_BUDGET_VFS "qm-budget"

/* Route SQLite's allocations through the counting allocator and register the VFS. Must run
** before SQLite's first use in the process; later calls do nothing. SQLITE_OK, or an SQLite
** error code when SQLite was already initialised by someone else (then nothing is counted). */
int qmB_install(void);
/* Count SQLite's memory and temporary files against lim's --max-memory (NULL: no cap).
** SQLite's allocator is process-wide, so one budget is attached at a time. */
void qmB_attach(QmLimits *lim);
/* Stop counting against lim, if it is the attached budget. */
void qmB_detach(QmLimits *lim);
/* Bytes SQLite holds now (all connections), and bytes in counted temporary files. */
size_t qmB_sqlite_used(void);
size_t qmB_temp_used(void);
/* The most SQLite's memory and the counted temporary files ever held in this process. */
size_t qmB_sqlite_peak(void);
size_t qmB_temp_peak(void);
/* What counts against lim besides its Lua heap: SQLite's memory when lim is the attached
** budget, else 0. */
size_t qmB_held(const QmLimits *lim);
/* QM_MEM_SQLITE or QM_MEM_TEMP when the budget refused SQLite memory (SQLITE_NOMEM follows)
** or a temporary file's growth (SQLITE_FULL follows) since the last call, else 0; held (if
** not NULL) gets what Lua, SQLite and the files held at that refusal. Clears the mark. */
int qmB_take_refusal(size_t held[3]);

#endif
