/*
** main.c — the `qm` command. Takes the two options that shape the Lua state itself
** (--max-memory, --timeout), creates the host and hands the rest of the command line to the
** stdlib's runner (stdlib/qm/runner.lua), which parses and dispatches it.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qm.h"
#include "host.h"
#include "repl.h"

/* "512M", "2G", "100000K" or plain bytes */
static int parse_size(const char *s, size_t *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || v <= 0) return -1;
  switch (*end) {
  case 'k': case 'K': v *= 1024; end++; break;
  case 'm': case 'M': v *= 1024 * 1024; end++; break;
  case 'g': case 'G': v *= 1024.0 * 1024 * 1024; end++; break;
  default: break;
  }
  if (*end == 'B' || *end == 'b') end++;
  if (*end != '\0' || v < 1024 * 1024) return -1;
  *out = (size_t)v;
  return 0;
}

static int parse_seconds(const char *s, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || *end != '\0' || v < 0) return -1;
  *out = v;
  return 0;
}

/* Removes --max-memory/--timeout (both "--opt V" and "--opt=V") from argv, before any "--". */
static int take_limits(int *argc, char **argv, size_t *mem, double *timeout) {
  int out = 0;
  for (int i = 0; i < *argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) { while (i < *argc) argv[out++] = argv[i++]; break; }
    int is_mem = strncmp(a, "--max-memory", 12) == 0 && (a[12] == '\0' || a[12] == '=');
    int is_time = strncmp(a, "--timeout", 9) == 0 && (a[9] == '\0' || a[9] == '=');
    if (!is_mem && !is_time) { argv[out++] = argv[i]; continue; }
    const char *v = strchr(a, '=');
    if (v) v++;
    else if (i + 1 < *argc) v = argv[++i];
    else { fprintf(stderr, "qm: %s needs a value (see qm --help)\n", a); return -1; }
    if (is_mem && parse_size(v, mem) != 0) {
      fprintf(stderr, "qm: --max-memory %s: give a size of at least 1M, like 256M or 2G\n", v);
      return -1;
    }
    if (is_time && parse_seconds(v, timeout) != 0) {
      fprintf(stderr, "qm: --timeout %s: give seconds, like 30 or 0.5 (0 = no limit)\n", v);
      return -1;
    }
  }
  *argc = out;
  return 0;
}

int main(int argc, char **argv) {
  size_t max_memory = QM_DEFAULT_MAX_MEMORY;
  double timeout = QM_DEFAULT_TIMEOUT;
  int n = argc - 1;
  if (take_limits(&n, argv + 1, &max_memory, &timeout) != 0) return QM_EXIT_USAGE;
  QmHost *h = qmH_new(max_memory, timeout);
  if (h == NULL) {
    fprintf(stderr, "qm: cannot create the Lua state (out of memory?)\n");
    return QM_EXIT_LIMIT;
  }
  qmH_preload(h, "qm.terminal", qmR_open_lib);
  int code = qmH_main(h, n, argv + 1);
  qmH_exit(h);   /* databases closed; the memory is left to the system (host.h) */
  return code;
}
