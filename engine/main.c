/*
** main.c — the `qm` command. Takes the two options that shape the Lua state itself
** (--max-memory, --timeout), creates the host and hands the rest of the command line to the
** stdlib's runner (stdlib/qm/runner.lua), which parses and dispatches it.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qm.h"
#include "host.h"
#include "repl.h"

/* a plain decimal number (digits, one optional point); strtod would also take "nan", "inf",
** hex and exponents, none of which is a size or a number of seconds */
static int parse_decimal(const char *s, double *out, const char **rest) {
  const char *p = s;
  int digits = 0, point = 0;
  for (; (*p >= '0' && *p <= '9') || (*p == '.' && !point); p++) {
    if (*p == '.') point = 1; else digits++;
  }
  if (digits == 0 || digits > 15) return -1;
  char buf[32];
  memcpy(buf, s, (size_t)(p - s));
  buf[p - s] = '\0';
  errno = 0;
  double v = strtod(buf, NULL);
  if (errno || !isfinite(v)) return -1;
  *out = v;
  *rest = p;
  return 0;
}

/* "512M", "2G", "100000K" or plain bytes, within QM_MIN_MAX_MEMORY..QM_MAX_MAX_MEMORY */
static int parse_size(const char *s, size_t *out) {
  const char *end;
  double v;
  if (parse_decimal(s, &v, &end) != 0) return -1;
  switch (*end) {
  case 'k': case 'K': v *= 1024; end++; break;
  case 'm': case 'M': v *= 1024 * 1024; end++; break;
  case 'g': case 'G': v *= 1024.0 * 1024 * 1024; end++; break;
  case 't': case 'T': v *= 1024.0 * 1024 * 1024 * 1024; end++; break;
  default: break;
  }
  if (*end == 'B' || *end == 'b') end++;
  if (*end != '\0' || v < (double)QM_MIN_MAX_MEMORY || v > (double)QM_MAX_MAX_MEMORY) return -1;
  *out = (size_t)v;
  return 0;
}

/* seconds: 0 (no limit) or up to QM_MAX_TIMEOUT */
static int parse_seconds(const char *s, double *out) {
  const char *end;
  double v;
  if (parse_decimal(s, &v, &end) != 0 || *end != '\0' || v > QM_MAX_TIMEOUT) return -1;
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
      fprintf(stderr, "qm: --max-memory %s: give a size from 1M to 1T, like 256M or 2G\n", v);
      return -1;
    }
    if (is_time && parse_seconds(v, timeout) != 0) {
      fprintf(stderr, "qm: --timeout %s: give seconds from 0 to %.0f, like 30 or 0.5 (0 = no limit)\n",
              v, QM_MAX_TIMEOUT);
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
  /* an error raised in a finalizer was reported: the exit says so too (host.h) */
  return qmH_exit(h, code);
}
