/*
** qm_bench.c — the national-scale consensus benchmark (issue 4). Generates deterministic data
** in the engine's schema (98 municipalities x 300 units x 10 participants x 40 questions,
** about 12 M responses; --scale shrinks it), then prints side by side:
**   floor   SQLite stepping the floor query (count, avg, min, max per round and question)
**   window  the same statistics plus median and IQR in one hand-written window-function query
**   qm      qm computing every question's consensus statistics and flags (stdlib, streamed)
** and qm's peak memory (the Lua state's, and the process's maximum resident set).
** Usage: qm_bench [--scale F] [--db FILE] [--reuse] [--generate-only] [--no-window]
**        qm_bench step FILE SQL   -- steps SQL over FILE in C (qm's SQL functions registered)
**                                    and prints rows=N seconds=S: a floor for bench/run.py
**        qm_bench exec REPORT CMD [ARGS...]  -- runs CMD and writes its wall and CPU seconds,
**                                    peak resident set and exit status to the file REPORT:
**                                    a small parent, so the child's peak is its own (a child of
**                                    Python starts from Python's resident set)
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>
#include <lauxlib.h>
#include "host.h"
#include "qm_limits.h"
#include "sqlfuncs.h"

static const char FLOOR_SQL[] =
  "SELECT round_id, question, count(*), avg(score), min(score), max(score) "
  "FROM qm_responses GROUP BY round_id, question";

/* qm's one pass, stepped in C: how much of qm's time is SQLite's */
static const char QM_SQL[] =
  "SELECT consensus_blob(score, 21, 5, 5) FROM qm_responses GROUP BY round_id, question";

static const char WINDOW_SQL[] =
  "WITH ranked AS (SELECT round_id, question, score, "
  "  row_number() OVER (PARTITION BY round_id, question ORDER BY score) AS rn, "
  "  count(*) OVER (PARTITION BY round_id, question) AS cnt "
  "  FROM qm_responses WHERE score IS NOT NULL) "
  "SELECT round_id, question, count(*), avg(score), min(score), max(score), max(score) - min(score), "
  "  avg(CASE WHEN rn IN ((cnt + 1) / 2, (cnt + 2) / 2) THEN score END), "
  "  max(CASE WHEN rn = (3 * cnt + 3) / 4 THEN score END) - max(CASE WHEN rn = (cnt + 3) / 4 THEN score END), "
  "  sqrt((sum(score * score) - sum(score) * sum(score) / count(*)) / max(count(*) - 1, 1)) "
  "FROM ranked GROUP BY round_id, question";

/* the process's CPU time so far (user + system), seconds: the steadier figure on a busy machine */
static double cpu_now(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* step every row of sql in C: SQLite's own time for the query (wall, and CPU in *cpu when
** given); returns rows or -1 */
static long step_all(const char *path, const char *sql, double *secs, double *cpu) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  long rows = 0;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) goto fail;
  double t0 = qmL_now(), c0 = cpu_now();
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) goto fail;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) rows++;
  if (rc != SQLITE_DONE) goto fail;
  *secs = qmL_now() - t0;
  if (cpu) *cpu = cpu_now() - c0;
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rows;
fail:
  fprintf(stderr, "qm_bench: %s\n", db ? sqlite3_errmsg(db) : "cannot open the database");
  sqlite3_finalize(st);
  sqlite3_close(db);
  return -1;
}

static long max_rss_kb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/* call require("qm.engine.bench")[fn](args...) with string/number args given as a format */
static int call_bench(QmHost *h, const char *fn, const char *path, double a, double b, double c, double d, int nres) {
  lua_State *L = h->L;
  lua_getglobal(L, "require");
  lua_pushliteral(L, "qm.engine.bench");
  if (qmH_pcall(h, 1, 1) != LUA_OK) return qmH_report(h, LUA_ERRRUN), -1;
  lua_getfield(L, -1, fn);
  lua_remove(L, -2);
  lua_pushstring(L, path);
  lua_pushinteger(L, (lua_Integer)a);
  lua_pushinteger(L, (lua_Integer)b);
  lua_pushinteger(L, (lua_Integer)c);
  lua_pushinteger(L, (lua_Integer)d);
  int st = qmH_pcall(h, 5, nres);
  if (st != LUA_OK) { qmH_report(h, st); return -1; }
  return 0;
}

/* the folder a database file goes in, made when it is missing (bench/data is not in git) */
static int make_parent(const char *path) {
  const char *slash = strrchr(path, '/');
  if (slash == NULL || slash == path) return 0;
  char dir[4096];
  size_t n = (size_t)(slash - path);
  if (n >= sizeof dir) return -1;
  memcpy(dir, path, n);
  dir[n] = '\0';
  if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
    fprintf(stderr, "qm_bench: cannot create %s: %s\n", dir, strerror(errno));
    return -1;
  }
  return 0;
}

/* qm_bench step FILE SQL: one query stepped in C, nothing else (the floors of bench/run.py) */
static int step_mode(const char *path, const char *sql) {
  if (sqlite3_auto_extension((void (*)(void))qmSql_register_auto) != SQLITE_OK) return 3;
  double secs = 0, cpu = 0;
  long rows = step_all(path, sql, &secs, &cpu);
  if (rows < 0) return 3;
  printf("rows=%ld seconds=%.3f cpu_seconds=%.3f\n", rows, secs, cpu);
  return 0;
}

/* qm_bench exec REPORT CMD...: CMD's wall and CPU seconds, peak RSS (kB) and exit status */
static int exec_mode(const char *report, char **cmd) {
  double t0 = qmL_now();
  pid_t pid = fork();
  if (pid < 0) { perror("qm_bench: fork"); return 3; }
  if (pid == 0) {
    execvp(cmd[0], cmd);
    fprintf(stderr, "qm_bench: cannot run %s: %s\n", cmd[0], strerror(errno));
    _exit(127);
  }
  int status = 0;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) { perror("qm_bench: wait4"); return 3; }
  double wall = qmL_now() - t0;
  double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  FILE *f = fopen(report, "w");
  if (f == NULL) { fprintf(stderr, "qm_bench: cannot write %s: %s\n", report, strerror(errno)); return 3; }
  fprintf(f, "seconds=%.6f cpu_seconds=%.6f max_rss_kb=%ld status=%d\n", wall, cpu, ru.ru_maxrss, code);
  if (fclose(f) != 0) return 3;
  return code;
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "step") == 0) return step_mode(argv[2], argv[3]);
  if (argc >= 4 && strcmp(argv[1], "exec") == 0) return exec_mode(argv[2], argv + 3);
  double scale = 1.0;
  const char *path = QM_BENCH_DATA "/national.db";
  int reuse = 0, generate_only = 0, skip_window = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc) scale = atof(argv[++i]);
    else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) path = argv[++i];
    else if (strcmp(argv[i], "--reuse") == 0) reuse = 1;
    else if (strcmp(argv[i], "--generate-only") == 0) generate_only = 1;
    else if (strcmp(argv[i], "--no-window") == 0) skip_window = 1;
    else {
      fprintf(stderr, "usage: qm_bench [--scale F] [--db FILE] [--reuse] [--generate-only] [--no-window]\n"
                      "       qm_bench step FILE SQL\n");
      return 2;
    }
  }
  if (sqlite3_auto_extension((void (*)(void))qmSql_register_auto) != SQLITE_OK) return 3;
  int municipalities = 98, units = (int)(300 * scale + 0.5), participants = 10, questions = 40;
  if (units < 1) units = 1;
  QmHost *h = qmH_new(0, 0);
  if (h == NULL) return 4;
  if (!reuse) {
    if (make_parent(path) != 0) return 3;
    double t0 = qmL_now();
    if (call_bench(h, "generate", path, municipalities, units, participants, questions, 1) != 0) return 1;
    printf("generated %lld responses (%d municipalities x %d units x %d participants x %d questions) in %.1f s\n",
           (long long)lua_tointeger(h->L, -1), municipalities, units, participants, questions, qmL_now() - t0);
    lua_pop(h->L, 1);
  }
  if (generate_only) { qmH_free(h); return 0; }
  double floor_s = 0, window_s = 0, qmsql_s = 0, floor_c = 0, window_c = 0, qmsql_c = 0;
  long groups = step_all(path, FLOOR_SQL, &floor_s, &floor_c);
  if (groups < 0 || (!skip_window && step_all(path, WINDOW_SQL, &window_s, &window_c) < 0)) return 3;
  if (step_all(path, QM_SQL, &qmsql_s, &qmsql_c) < 0) return 3;
  long rss_before = max_rss_kb();
  QmHost *q = qmH_new(0, 0);
  double t0 = qmL_now(), c0 = cpu_now();
  if (call_bench(q, "consensus_all", path, 21, 5, 0, 0, 3) != 0) return 1;
  double qm_s = qmL_now() - t0, qm_c = cpu_now() - c0;
  long long nq = (long long)lua_tointeger(q->L, -3), flagged = (long long)lua_tointeger(q->L, -2);
  printf("questions (round x question): %ld\n", groups);
  printf("%-44s %8s %8s\n", "", "wall", "CPU");
  printf("%-44s %8.2f s %6.2f s\n", "floor: SQLite, count/avg/min/max", floor_s, floor_c);
  if (!skip_window)
    printf("%-44s %8.2f s %6.2f s  (%.2fx floor CPU)\n", "window: one SQL statement with median, IQR", window_s,
           window_c, window_c / floor_c);
  printf("%-44s %8.2f s %6.2f s  (%.2fx floor CPU)\n", "qm: consensus statistics + flags", qm_s, qm_c, qm_c / floor_c);
  printf("%-44s %8.2f s %6.2f s  (%.2fx floor CPU)\n", "  of which qm's SQL pass alone", qmsql_s, qmsql_c, qmsql_c / floor_c);
  printf("qm: %lld questions, %lld flagged for discussion\n", nq, flagged);
  printf("qm peak memory: Lua state %.1f MB; process max RSS %.1f MB (%.1f MB before qm's pass)\n",
         (double)q->limits.peak / (1024.0 * 1024.0), (double)max_rss_kb() / 1024.0, (double)rss_before / 1024.0);
  qmH_free(q);
  qmH_free(h);
  return 0;
}
