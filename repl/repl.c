/*
** repl.c — the analyst's interactive shell: the terminal side. Reads input with GNU
** readline (or libedit's compatible interface), keeps a de-duplicated, bounded history
** file (multi-line entries kept whole), completes with candidates from the Lua side
** (stdlib/qm/engine/repl.lua), gathers
** multi-line input until it is complete, and turns Ctrl-C into "stop this command" or
** "clear this line" rather than "quit". Without a terminal it reads commands from stdin
** like `sqlite3 < file`: no prompts, no banner, errors at the script's own line.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <unistd.h>
#include <sqlite3.h>
#include <lauxlib.h>
#if QM_USE_LIBEDIT
#include <editline/readline.h>
#else
#include <readline/readline.h>
#include <readline/history.h>
#endif
#include "host.h"
#include "qm.h"
#include "qm_limits.h"
#include "repl.h"

#define HISTORY_MAX 1000

typedef struct Repl {
  lua_State *L;
  QmHost *host;
  int modref;            /* registry reference to the qm.engine.repl module */
  char history[4096];    /* history file path, "" for none */
  int failed;            /* a command failed (the exit code in script mode) */
} Repl;

/* one session at a time: readline's callbacks take no user data */
static Repl *current = NULL;

/* ---------------------------------------------------------------- calling Lua */

/* Every call into Lua from here runs inside one protected call (lua.c's pmain idea): the
** arguments are C values pushed by `trampoline` inside the protected call, and results are
** copied out inside it too, so no Lua error (a memory limit while pushing a 6 MB line, an
** error while reading the candidates) can longjmp through readline's frames or end the
** REPL. An error is printed and the call reports failure. */
typedef struct Call {
  Repl *r;
  const char *fn;
  const char *arg[2];    /* string arguments (NULL: none) */
  size_t len[2];
  int nargs;
  int boolarg, has_bool; /* a boolean argument after the strings */
  long intarg;           /* an integer argument after those (has_int) */
  int has_int;
  int sql_complete;      /* then sqlite3_complete as a Lua function */
  int want;              /* 0 nothing, 1 boolean, 2 string into buf, 3 candidates */
  int result;            /* the boolean */
  char *buf;             /* the string result */
  size_t buflen;
  int cands;             /* 3: -1 for "complete file names", else the number copied */
} Call;

static char **candidates = NULL;
static int ncandidates = 0, next_candidate = 0;

static void free_candidates(void) {
  for (int i = 0; i < ncandidates; i++) free(candidates[i]);
  free(candidates);
  candidates = NULL;
  ncandidates = next_candidate = 0;
}

static int l_sql_complete(lua_State *L) {
  lua_pushboolean(L, sqlite3_complete(luaL_checkstring(L, 1)));
  return 1;
}

static int trampoline(lua_State *L) {
  Call *c = lua_touserdata(L, 1);
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->r->modref);
  lua_getfield(L, -1, c->fn);
  int n = 0;
  for (int i = 0; i < c->nargs; i++, n++) lua_pushlstring(L, c->arg[i], c->len[i]);
  if (c->has_bool) { lua_pushboolean(L, c->boolarg); n++; }
  if (c->has_int) { lua_pushinteger(L, (lua_Integer)c->intarg); n++; }
  if (c->sql_complete) { lua_pushcfunction(L, l_sql_complete); n++; }
  lua_call(L, n, c->want ? 1 : 0);
  if (c->want == 1) c->result = lua_toboolean(L, -1);
  if (c->want == 2 && c->buflen > 0) {
    const char *v = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    snprintf(c->buf, c->buflen, "%s", v ? v : "");
  }
  if (c->want == 3) {
    c->cands = -1;
    if (lua_istable(L, -1)) {
      lua_Integer k = luaL_len(L, -1);
      int cap = k > 0 && k < 100000 ? (int)k : 0;
      candidates = calloc((size_t)cap + 1, sizeof *candidates);
      for (int i = 0; candidates && i < cap; i++) {
        lua_rawgeti(L, -1, i + 1);
        const char *v = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        char *copy = v ? strdup(v) : NULL;
        if (copy) candidates[ncandidates++] = copy;
        lua_pop(L, 1);
      }
      c->cands = ncandidates;
    }
  }
  return 0;
}

/* run c inside a protected call; 1 on success, 0 after printing the error */
static int run(Call *c) {
  lua_State *L = c->r->L;
  int top = lua_gettop(L);
  if (!lua_checkstack(L, 4)) return 0;
  lua_pushcfunction(L, trampoline);
  lua_pushlightuserdata(L, c);
  int st = qmH_pcall(c->r->host, 1, 0);
  if (st != LUA_OK) {
    qmH_report(c->r->host, st);
    c->r->failed = 1;
  }
  lua_settop(L, top);
  return st == LUA_OK;
}

static int call0(Repl *r, const char *fn) {
  Call c = { .r = r, .fn = fn };
  return run(&c);
}

/* is the gathered input complete (a whole Lua chunk, SQL up to ;, or a dot-command)? */
static int input_complete(Repl *r, const char *input) {
  Call c = { .r = r, .fn = "complete_input", .nargs = 1, .arg = { input }, .len = { strlen(input) }, .sql_complete = 1, .want = 1 };
  if (!run(&c)) return 1;
  return c.result;
}

/* run one input; `line` is the line of standard input it began on (0 at a terminal), so
** errors in a script name the script's own line. A command can fail without raising (a
** .read whose commands reported their own errors): it returns false. */
static void execute(Repl *r, const char *input, long line) {
  Call c = { .r = r, .fn = "execute", .nargs = 1, .arg = { input }, .len = { strlen(input) },
             .has_int = 1, .intarg = line, .want = 1 };
  if (run(&c) && !c.result) r->failed = 1;
  fflush(stdout);
}

static int quitting(Repl *r) {
  Call c = { .r = r, .fn = "quitting", .want = 1 };
  return run(&c) && c.result;
}

static const char *prompt(Repl *r, int continuing, char *buf, size_t len) {
  Call c = { .r = r, .fn = "prompt", .has_bool = 1, .boolarg = continuing, .want = 2, .buf = buf, .buflen = len };
  buf[0] = '\0';
  if (!run(&c) || buf[0] == '\0') snprintf(buf, len, "%s", continuing ? "...> " : "qm> ");
  return buf;
}

/* ---------------------------------------------------------------- history */

static void history_path(Repl *r) {
  const char *p = getenv("QM_HISTORY");
  const char *home = getenv("HOME");
  if (p != NULL) snprintf(r->history, sizeof r->history, "%s", p);
  else if (home != NULL) snprintf(r->history, sizeof r->history, "%s/.qm_history", home);
  else r->history[0] = '\0';
}

/* The history file is qm's own: a first line naming the format, then one entry per line
** with a line break inside an entry written as \n and a backslash as \\, so a multi-line
** entry (a function typed over several lines) comes back as one entry after a restart, with
** GNU readline and libedit alike (their own files split such an entry, or differ). A file
** without the first line (written by an older qm) is read as readline's or libedit's. */
#define HISTORY_FORMAT "#qm-history-1"

/* undo the escapes in place: \n, \\ (qm's), or libedit's octal escapes (\040) */
static void unescape(char *s, int octal) {
  char *w = s;
  for (char *p = s; *p; p++) {
    if (*p != '\\' || p[1] == '\0') { *w++ = *p; continue; }
    if (!octal && p[1] == 'n') { *w++ = '\n'; p++; }
    else if (!octal && p[1] == '\\') { *w++ = '\\'; p++; }
    else if (octal && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
      *w++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
      p += 3;
    } else if (octal && p[1] == '\\') { *w++ = '\\'; p++; }
    else *w++ = *p;
  }
  *w = '\0';
}

static void history_load(Repl *r) {
  FILE *f = fopen(r->history, "r");
  if (f == NULL) return;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int first = 1, ours = 0, libedit = 0;
  while ((n = getline(&line, &cap, f)) >= 0) {
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    if (first) {
      first = 0;
      if (strcmp(line, HISTORY_FORMAT) == 0) { ours = 1; continue; }
      if (strcmp(line, "_HiStOrY_V2_") == 0) { libedit = 1; continue; }
    }
    if (ours || libedit) unescape(line, libedit);
    if (*line) add_history(line);
  }
  free(line);
  fclose(f);
}

/* write the history to FILE.tmp (readable by the user only: it holds their queries) and
** rename it over FILE, so a full disk or a second qm never leaves half a file */
static void history_save(Repl *r) {
  char tmp[sizeof r->history + 8];
  if (snprintf(tmp, sizeof tmp, "%s.tmp", r->history) >= (int)sizeof tmp) return;
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
  if (fd < 0) return;
  FILE *f = fdopen(fd, "w");
  if (f == NULL) { close(fd); remove(tmp); return; }
  fputs(HISTORY_FORMAT "\n", f);
  HIST_ENTRY **list = history_list();
  for (int i = 0; list && list[i]; i++) {
    for (const char *p = list[i]->line; *p; p++) {
      if (*p == '\n') fputs("\\n", f);
      else if (*p == '\\') fputs("\\\\", f);
      else if (*p != '\r') fputc(*p, f);
    }
    fputc('\n', f);
  }
  int bad = ferror(f);
  if (fclose(f) != 0 || bad) { remove(tmp); return; }
  if (rename(tmp, r->history) != 0) remove(tmp);
}

/* add an entry, removing an earlier identical one, and save the bounded file at once so
** nothing is lost if the terminal goes away */
static void remember(Repl *r, const char *entry) {
  if (!*entry) return;
  HIST_ENTRY **list = history_list();
  for (int i = 0; list && list[i]; i++) {
    if (strcmp(list[i]->line, entry) == 0) {
      HIST_ENTRY *old = remove_history(i);
      if (old) free_history_entry(old);
      break;
    }
  }
  add_history(entry);
  if (r->history[0]) history_save(r);
}

/* ---------------------------------------------------------------- completion */

static char *generator(const char *text, int state) {
  (void)text;
  if (state == 0) next_candidate = 0;
  if (next_candidate >= ncandidates) return NULL;
  return strdup(candidates[next_candidate++]);
}

/* readline's completion callback: the candidates come from Lua through one protected call;
** an error there gives no candidates (and is printed), never a jump through readline */
static char **complete(const char *text, int start, int end) {
  (void)end;
  Repl *r = current;
  free_candidates();
  Call c = { .r = r, .fn = "complete", .nargs = 2, .arg = { text, rl_line_buffer },
             .len = { strlen(text), (size_t)start + strlen(text) }, .want = 3 };
  rl_attempted_completion_over = 1;
  if (!run(&c)) { free_candidates(); return NULL; }
  if (c.cands < 0)  /* nil: a file name (readline's and libedit's own completer) */
    return rl_completion_matches(text, rl_filename_completion_function);
  if (ncandidates == 0) return NULL;
#if !QM_USE_LIBEDIT
  rl_completion_append_character = '\0';
#endif
  return rl_completion_matches(text, generator);
}

/* After a dot-command that takes a file name, a word is the whole path, not the part after
** the last "/" or "-": readline's file-name completion then sees all of it. */
static char word_breaks[] = " \t\n\"'`@$><=;|&{(,+-*/%^~#[]";
static char file_breaks[] = " \t\n";

static char *breaks_for_line(void) {
  static const char *const file_cmds[] = { ".load", ".read", ".output", ".once", ".open", ".run", ".import" };
  const char *p = rl_line_buffer;
  while (*p == ' ' || *p == '\t') p++;
  for (size_t i = 0; i < sizeof file_cmds / sizeof file_cmds[0]; i++) {
    size_t n = strlen(file_cmds[i]);
    if (strncmp(p, file_cmds[i], n) == 0 && (p[n] == ' ' || p[n] == '\t')) return file_breaks;
  }
  return word_breaks;
}

static char *word_break_hook(void) {
#if !QM_USE_LIBEDIT
  /* in a file name, a quote opens a word that may hold spaces (.load 'Kvalitet 2026/k<TAB>');
  ** elsewhere quotes belong to Lua and SQL and only break words */
  static char quotes[] = "'\"";
  rl_completer_quote_characters = breaks_for_line() == file_breaks ? quotes : NULL;
#endif
#if QM_USE_LIBEDIT
  /* libedit calls the hook just before it reads rl_basic_word_break_characters, and takes the
  ** hook's answer as "special prefixes" instead */
  static char none[] = "";
  rl_basic_word_break_characters = breaks_for_line();
  return none;
#else
  return breaks_for_line();
#endif
}

/* ---------------------------------------------------------------- reading lines */

enum { LINE_OK, LINE_EOF, LINE_CANCELLED };
static char *got_line = NULL;
static int got = 0, got_eof = 0;

static void on_line(char *line) {
  got = 1;
  got_eof = line == NULL;
  got_line = line;
  rl_callback_handler_remove();
}

/* one line from the terminal; Ctrl-C while typing clears it (LINE_CANCELLED) */
static int read_line(const char *p, char **out) {
  got = got_eof = 0;
  got_line = NULL;
  rl_callback_handler_install(p, on_line);
  while (!got) {
    fd_set fds;
    FD_ZERO(&fds);
    FD_SET(0, &fds);
    int n = select(1, &fds, NULL, NULL, NULL);
    if (n < 0 && errno == EINTR) {
      if (!qmL_interrupted()) continue;
      if (qmL_terminating()) { rl_callback_handler_remove(); return LINE_EOF; }  /* SIGTERM, SIGHUP */
      qmL_clear_interrupt();
      /* ^C after the typed text, as a shell shows it, before the line editor lets go of the
      ** terminal: GNU readline then ends bracketed paste with a carriage return, and a ^C
      ** written after that landed on the prompt ("^C> half typed") */
#if !QM_USE_LIBEDIT
      rl_point = rl_end;
      rl_redisplay();
#endif
      fputs("^C", stdout);
      fflush(stdout);
#if !QM_USE_LIBEDIT
      rl_free_line_state();
      rl_callback_sigcleanup();
      rl_replace_line("", 0);
#endif
      rl_callback_handler_remove();
      fputs("\n", stdout);
      fflush(stdout);
      return LINE_CANCELLED;
    }
    if (n < 0) { rl_callback_handler_remove(); return LINE_EOF; }
    if (n > 0) rl_callback_read_char();
  }
  if (got_eof) return LINE_EOF;
  *out = got_line;
  return LINE_OK;
}

/* append line to the gathered input */
static char *append(char *buf, const char *line) {
  size_t a = buf ? strlen(buf) : 0, b = strlen(line);
  char *n = realloc(buf, a + b + 2);
  if (n == NULL) { free(buf); return NULL; }
  if (a) n[a++] = '\n';
  memcpy(n + a, line, b + 1);
  return n;
}

static void interactive(Repl *r) {
  char p[64];
  char *buf = NULL;
  history_path(r);
  using_history();
  stifle_history(HISTORY_MAX);
  if (r->history[0]) history_load(r);
  rl_readline_name = "qm";
#if !QM_USE_LIBEDIT
  rl_catch_signals = 0;
  rl_catch_sigwinch = 1;
#endif
  rl_attempted_completion_function = complete;
  rl_basic_word_break_characters = word_breaks;
  rl_completion_word_break_hook = word_break_hook;
  {
    char banner[2048];
    Call c = { .r = r, .fn = "banner", .want = 2, .buf = banner, .buflen = sizeof banner };
    if (run(&c)) fputs(banner, stdout);
  }
  for (;;) {
    char *line = NULL;
    int st = read_line(prompt(r, buf != NULL, p, sizeof p), &line);
    if (st == LINE_EOF) { fputs("\n", stdout); break; }
    if (st == LINE_CANCELLED) { free(buf); buf = NULL; continue; }
    buf = append(buf, line);
    free(line);
    if (buf == NULL) break;
    if (!input_complete(r, buf)) continue;
    remember(r, buf);
    execute(r, buf, 0);
    free(buf);
    buf = NULL;
    if (quitting(r) || qmL_terminating()) break;
  }
  free(buf);
  free_candidates();
}

/* stdin is not a terminal: read commands like `sqlite3 < file` */
static void scripted(Repl *r) {
  char *buf = NULL;
  char chunk[8192];
  char *line = NULL;
  size_t len = 0;
  long lineno = 0, first = 0;   /* the line being read; the line the gathered input began on */
  while (fgets(chunk, sizeof chunk, stdin) != NULL) {
    /* a line may be longer than the chunk: gather it */
    size_t n = strlen(chunk);
    char *grown = realloc(line, len + n + 1);
    if (grown == NULL) break;
    line = grown;
    memcpy(line + len, chunk, n + 1);
    len += n;
    if (n > 0 && chunk[n - 1] != '\n' && !feof(stdin)) continue;
    if (len > 0 && line[len - 1] == '\n') line[--len] = '\0';
    if (len > 0 && line[len - 1] == '\r') line[--len] = '\0';
    lineno++;
    if (buf == NULL) first = lineno;
    buf = append(buf, line);
    len = 0;
    if (buf == NULL) break;
    if (!input_complete(r, buf)) continue;
    execute(r, buf, first);
    free(buf);
    buf = NULL;
    if (quitting(r) || qmL_terminating()) break;
  }
  if (buf != NULL && !quitting(r)) {
    int blank = strspn(buf, " \t\n") == strlen(buf);
    if (!blank) {
      fprintf(stderr, "stdin:%ld: incomplete input at the end: %s\n", first, buf);
      r->failed = 1;
    }
  }
  free(buf);
  free(line);
}

int qmR_run(lua_State *L, int opts_idx) {
  Repl r;
  memset(&r, 0, sizeof r);
  r.L = L;
  r.host = qmH_of(L);
  if (r.host == NULL) return luaL_error(L, "the REPL needs a qm host");
  opts_idx = lua_absindex(L, opts_idx);
  /* still inside the caller's protected call: errors here end `qm repl` as any command's do */
  lua_getglobal(L, "require");
  lua_pushliteral(L, "qm.engine.repl");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "start");
  lua_pushvalue(L, opts_idx);
  int tty = isatty(0);
  lua_pushboolean(L, tty && isatty(1));
  lua_call(L, 2, 0);
  r.modref = luaL_ref(L, LUA_REGISTRYINDEX);
  current = &r;
  qmL_catch_sigint(1);
  if (tty) interactive(&r); else scripted(&r);
  qmL_catch_sigint(0);
  call0(&r, "close");
  current = NULL;
  luaL_unref(L, LUA_REGISTRYINDEX, r.modref);
  if (qmL_terminating()) return 128 + qmL_terminating();
  return tty ? QM_EXIT_OK : (r.failed ? QM_EXIT_MODEL : QM_EXIT_OK);
}

/* terminal.repl(opts): run the interactive shell in this state; returns its exit code */
static int l_repl(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushinteger(L, qmR_run(L, 1));
  return 1;
}

/* terminal.cputime() -> user, sys: the CPU seconds qm has used (.timer) */
static int l_cputime(lua_State *L) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0) memset(&ru, 0, sizeof ru);
  lua_pushnumber(L, (lua_Number)ru.ru_utime.tv_sec + (lua_Number)ru.ru_utime.tv_usec / 1e6);
  lua_pushnumber(L, (lua_Number)ru.ru_stime.tv_sec + (lua_Number)ru.ru_stime.tv_usec / 1e6);
  return 2;
}

int qmR_open_lib(lua_State *L) {
  static const luaL_Reg fns[] = { { "repl", l_repl }, { "cputime", l_cputime },
                                  { "sql_complete", l_sql_complete }, { NULL, NULL } };
  luaL_newlib(L, fns);
  return 1;
}
