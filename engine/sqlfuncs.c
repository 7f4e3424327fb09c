/*
** sqlfuncs.c — statistics as SQL aggregate functions, registered on every connection, so
** that work on many rows stays inside SQLite (one pass, nothing copied into Lua):
**   median(x)  percentile(x, p)  iqr(x)  stddev(x)  variance(x)  mode(x [, ties])  modes(x)
**   mode_outside(x)  rwg(x, A [, step])  pct_within_median(x, k)
**   consensus_stats(x, A, k [, step [, ties]])  -- all of a question's statistics, as JSON
**   consensus_blob(x, A, k [, step [, ties]])   -- the same packed for national passes
**   (first_by, last_by, nth_last_by: sqlfuncs_by.c)
** This file binds SQL to the formulas in stats.c (each written once) and checks arguments
** the same way for every function: p, A, k, step and ties must be the same in every row of
** a group. NULL scores are ignored; an aggregate over no values is NULL. Buffers come from
** sqlite3_malloc64, so SQLite's heap limit covers them. Definitions: docs/statistics.md.
*/
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sqlfuncs.h"
#include "stats.h"

#define INLINE_VALUES 32

/* the arguments after x, by meaning */
typedef enum { ARG_NONE = 0, ARG_P, ARG_A, ARG_K, ARG_STEP, ARG_TIES } ArgKind;

typedef struct Aggregate {
  const char *name;
  int nargs;
  ArgKind args[4];      /* the kinds of arguments 2.. */
  void (*final)(sqlite3_context *);
} Aggregate;

typedef struct Acc {
  sqlite3_int64 n;              /* values kept */
  sqlite3_int64 nulls;          /* NULL inputs seen ("don't know" answers) */
  int started;                  /* the arguments of the first row are known */
  int failed;                   /* an error was reported: ignore further rows */
  double p, A, k, step;         /* A = NaN: no countable set of answer options */
  QmTies ties;
  double *vals;                 /* inline or heap; NULL until the first value */
  sqlite3_int64 cap;
  int heap;
  double inline_vals[INLINE_VALUES];
} Acc;

static void fail(sqlite3_context *ctx, Acc *a, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
static void fail(sqlite3_context *ctx, Acc *a, const char *fmt, ...) {
  char msg[320];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (a) a->failed = 1;
  sqlite3_result_error(ctx, msg, -1);
}

/* the value v as a number: 1 = number, 0 = NULL, -1 = other text */
static int number_of(sqlite3_value *v, double *out) {
  switch (sqlite3_value_numeric_type(v)) {
  case SQLITE_INTEGER: *out = (double)sqlite3_value_int64(v); return 1;
  case SQLITE_FLOAT: *out = sqlite3_value_double(v); return 1;
  case SQLITE_NULL: return 0;
  default: return -1;
  }
}

static const char *text_of(sqlite3_value *v) {
  const unsigned char *t = sqlite3_value_text(v);
  return t ? (const char *)t : "";
}

/* ---------------------------------------------------------------- arguments */

/* p of percentile(): a number 0 or 1..100, or text "N%" for any percentage (0.5% too) */
static int arg_p(sqlite3_context *ctx, Acc *a, const char *fn, sqlite3_value *v, double *out) {
  if (sqlite3_value_type(v) == SQLITE_TEXT) {
    const char *t = text_of(v);
    char *end = NULL;
    double p = strtod(t, &end);
    if (end != t && end && *end == '%' && end[1] == '\0' && p >= 0 && p <= 100) { *out = p; return 0; }
    fail(ctx, a, "%s(): p '%.40s' is not a percentage: give a number from 0 to 100, or text like '0.5%%'", fn, t);
    return -1;
  }
  double p;
  int r = number_of(v, &p);
  if (r == 0) { fail(ctx, a, "%s(): p must not be NULL (a percentage from 0 to 100)", fn); return -1; }
  if (r < 0 || !(p >= 0 && p <= 100)) {
    fail(ctx, a, "%s(): p must be between 0 and 100 (a percentage), not %s", fn, text_of(v));
    return -1;
  }
  if (p > 0 && p < 1) {
    fail(ctx, a, "%s(): p = %g is a percentage from 0 to 100, so %g would be the %gth percentile, not the %gth: "
         "write %g for that, or '%g%%' if you mean the %gth percentile", fn, p, p, p, p * 100, p * 100, p, p);
    return -1;
  }
  *out = p;
  return 0;
}

/* A: the number of answer options, a whole number >= 2; NULL = no countable set (rwg NULL) */
static int arg_A(sqlite3_context *ctx, Acc *a, const char *fn, sqlite3_value *v, double *out) {
  double A;
  int r = number_of(v, &A);
  if (r == 0) { *out = NAN; return 0; }
  if (r < 0 || !(A >= 2) || A != floor(A) || A > 1e9) {
    fail(ctx, a, "%s(): A, the number of answer options of the scale, must be a whole number of at least 2, not %s",
         fn, text_of(v));
    return -1;
  }
  *out = A;
  return 0;
}

/* k: the distance from the median that counts as agreement, in the scores' unit, >= 0 */
static int arg_k(sqlite3_context *ctx, Acc *a, const char *fn, sqlite3_value *v, double *out) {
  double k;
  int r = number_of(v, &k);
  if (r == 0) { fail(ctx, a, "%s(): k must not be NULL: give the distance from the median that counts as agreement, in the scores' unit", fn); return -1; }
  if (r < 0 || !(k >= 0) || !isfinite(k)) {
    fail(ctx, a, "%s(): k must be a number of at least 0 (in the scores' unit), not %s", fn, text_of(v));
    return -1;
  }
  *out = k;
  return 0;
}

static int arg_step(sqlite3_context *ctx, Acc *a, const char *fn, sqlite3_value *v, double *out) {
  double s;
  int r = number_of(v, &s);
  if (r <= 0 || !(s > 0) || !isfinite(s)) {
    fail(ctx, a, "%s(): step, the distance between two answer options in the scores' unit, must be a number above 0, not %s",
         fn, r == 0 ? "NULL" : text_of(v));
    return -1;
  }
  *out = s;
  return 0;
}

static int arg_ties(sqlite3_context *ctx, Acc *a, const char *fn, sqlite3_value *v, QmTies *out) {
  if (sqlite3_value_type(v) != SQLITE_TEXT || qmStat_ties(text_of(v), out) != 0) {
    fail(ctx, a, "%s(): ties must be 'median', 'lowest', 'highest' or 'flag', not %s", fn,
         sqlite3_value_type(v) == SQLITE_NULL ? "NULL" : text_of(v));
    return -1;
  }
  return 0;
}

static const char *arg_name(ArgKind k) {
  switch (k) {
  case ARG_P: return "p";
  case ARG_A: return "A";
  case ARG_K: return "k";
  case ARG_STEP: return "step";
  case ARG_TIES: return "ties";
  default: return "?";
  }
}

/* whether argument v repeats what the group's first row gave (checked then): the common
** case of every later row, decided without checking the value again */
static int repeats(const Acc *a, ArgKind kind, sqlite3_value *v) {
  double d, slot;
  switch (kind) {
  case ARG_A: slot = a->A; break;
  case ARG_K: slot = a->k; break;
  case ARG_STEP: slot = a->step; break;
  case ARG_TIES: {
    static const unsigned char tie_len[] = { 6, 6, 7, 4 };  /* median, lowest, highest, flag */
    if (sqlite3_value_type(v) != SQLITE_TEXT) return 0;
    size_t len = tie_len[a->ties];
    if ((size_t)sqlite3_value_bytes(v) != len) return 0;
    const char *t = (const char *)sqlite3_value_text(v);
    return t != NULL && memcmp(t, qmStat_ties_name(a->ties), len) == 0;
  }
  default: return 0;  /* p: text or a number, checked in full every row */
  }
  /* a number stored as one: compared without applying affinity (the common case) */
  switch (sqlite3_value_type(v)) {
  case SQLITE_INTEGER: return (double)sqlite3_value_int64(v) == slot;
  case SQLITE_FLOAT: return sqlite3_value_double(v) == slot;
  case SQLITE_NULL: return kind == ARG_A && isnan(slot);  /* NULL A: no countable set, as before */
  default: break;
  }
  int r = number_of(v, &d);
  if (r == 1) return d == slot;
  return 0;
}

/* reads the arguments after x; the first row sets them, later rows must repeat them */
static int read_args(sqlite3_context *ctx, Acc *a, const Aggregate *f, int argc, sqlite3_value **argv) {
  for (int i = 1; i < argc; i++) {
    ArgKind kind = f->args[i - 1];
    if (a->started && repeats(a, kind, argv[i])) continue;
    double d = 0, *slot = NULL;
    QmTies t = QM_TIES_MEDIAN;
    int rc = 0;
    switch (kind) {
    case ARG_P: rc = arg_p(ctx, a, f->name, argv[i], &d); slot = &a->p; break;
    case ARG_A: rc = arg_A(ctx, a, f->name, argv[i], &d); slot = &a->A; break;
    case ARG_K: rc = arg_k(ctx, a, f->name, argv[i], &d); slot = &a->k; break;
    case ARG_STEP: rc = arg_step(ctx, a, f->name, argv[i], &d); slot = &a->step; break;
    case ARG_TIES: rc = arg_ties(ctx, a, f->name, argv[i], &t); break;
    default: break;
    }
    if (rc != 0) return -1;
    if (!a->started) {
      if (slot) *slot = d;
      else a->ties = t;
      continue;
    }
    int same = slot ? ((isnan(d) && isnan(*slot)) || d == *slot) : t == a->ties;
    if (!same) {
      fail(ctx, a, "%s(): %s must be the same in every row of a group (it changes to %s)", f->name,
           arg_name(kind), sqlite3_value_type(argv[i]) == SQLITE_NULL ? "NULL" : text_of(argv[i]));
      return -1;
    }
  }
  return 0;
}

/* ---------------------------------------------------------------- values */

static int acc_push(sqlite3_context *ctx, Acc *a, double x) {
  if (a->vals == NULL) { a->vals = a->inline_vals; a->cap = INLINE_VALUES; }
  if (a->n == a->cap) {
    sqlite3_int64 cap = a->cap * 2;
    double *nv = a->heap ? sqlite3_realloc64(a->vals, (sqlite3_uint64)cap * sizeof(double))
                         : sqlite3_malloc64((sqlite3_uint64)cap * sizeof(double));
    if (nv == NULL) { a->failed = 1; sqlite3_result_error_nomem(ctx); return -1; }
    if (!a->heap) memcpy(nv, a->inline_vals, sizeof a->inline_vals);
    a->vals = nv;
    a->cap = cap;
    a->heap = 1;
  }
  a->vals[a->n++] = x;
  return 0;
}

static void acc_free(Acc *a) {
  if (a->heap) sqlite3_free(a->vals);
  a->vals = NULL;
  a->heap = 0;
  a->n = 0;
}

static void step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  const Aggregate *f = sqlite3_user_data(ctx);
  Acc *a = sqlite3_aggregate_context(ctx, sizeof(Acc));
  if (a == NULL) { sqlite3_result_error_nomem(ctx); return; }
  if (a->failed) return;
  if (!a->started) { a->A = NAN; a->step = 1; a->ties = QM_TIES_MEDIAN; }
  if (read_args(ctx, a, f, argc, argv) != 0) return;
  a->started = 1;
  double x;
  int r;
  switch (sqlite3_value_type(argv[0])) {  /* a stored number as it is; text through affinity */
  case SQLITE_INTEGER: x = (double)sqlite3_value_int64(argv[0]); r = 1; break;
  case SQLITE_FLOAT: x = sqlite3_value_double(argv[0]); r = 1; break;
  case SQLITE_NULL: x = 0; r = 0; break;
  default: r = number_of(argv[0], &x);
  }
  if (r < 0) {
    fail(ctx, a, "%s(): value '%.40s' is not a number", f->name, text_of(argv[0]));
    return;
  }
  if (r == 0 || isnan(x)) { a->nulls++; return; }
  acc_push(ctx, a, x);
}

/* the group's accumulator with sorted values, or NULL when the result is already set (NULL
** over no values, or an error) */
static Acc *final_acc(sqlite3_context *ctx) {
  Acc *a = sqlite3_aggregate_context(ctx, 0);
  if (a == NULL) { sqlite3_result_null(ctx); return NULL; }
  if (a->failed || a->n == 0) {
    if (!a->failed) sqlite3_result_null(ctx);
    acc_free(a);
    return NULL;
  }
  qmStat_sort(a->vals, a->n);
  return a;
}

/* values span more than a scale of A options step apart can: A or step is wrong. An
** infinite score is no sign of a wrong A or step: the statistics it reaches are null with
** the reason (docs/statistics.md) */
static int check_span(sqlite3_context *ctx, Acc *a, const char *fn) {
  if (isnan(a->A)) return 0;
  double span = a->vals[a->n - 1] - a->vals[0], most = (a->A - 1) * a->step;
  if (isinf(span)) return 0;
  if (!(span <= most * (1 + 1e-9))) {
    fail(ctx, a, "%s(): the scores span %g, more than a scale of %g answer options %g apart can (%g): "
         "give the scale's step in the scores' unit (on 0-100 in steps of 5: A = 21, step = 5)",
         fn, span, a->A, a->step, most);
    acc_free(a);
    return -1;
  }
  return 0;
}

static void result_real(sqlite3_context *ctx, double v) {
  if (isnan(v)) sqlite3_result_null(ctx);
  else sqlite3_result_double(ctx, v);
}

/* whole numbers as integers (a mode of 3 scores is 3, not 3.0) */
static void result_number(sqlite3_context *ctx, double v) {
  if (v == floor(v) && fabs(v) < 9.0e15) sqlite3_result_int64(ctx, (sqlite3_int64)v);
  else result_real(ctx, v);
}

/* ---------------------------------------------------------------- final functions */

static void final_median(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  result_real(ctx, qmStat_quantile(a->vals, a->n, 50));
  acc_free(a);
}

static void final_percentile(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  result_real(ctx, qmStat_quantile(a->vals, a->n, a->p));
  acc_free(a);
}

static void final_iqr(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  result_real(ctx, qmStat_quantile(a->vals, a->n, 75) - qmStat_quantile(a->vals, a->n, 25));
  acc_free(a);
}

static void final_variance(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  result_real(ctx, qmStat_variance(a->vals, a->n, qmStat_mean(a->vals, a->n)));
  acc_free(a);
}

static void final_stddev(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  result_real(ctx, sqrt(qmStat_variance(a->vals, a->n, qmStat_mean(a->vals, a->n))));
  acc_free(a);
}

static void final_rwg(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  if (check_span(ctx, a, "rwg") != 0) return;
  double r;
  qmStat_rwg(a->n, qmStat_variance(a->vals, a->n, qmStat_mean(a->vals, a->n)), a->A, a->step, &r);
  result_real(ctx, r);
  acc_free(a);
}

static void final_mode(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  QmModes m;
  double mode;
  qmStat_modes(a->vals, a->n, &m);
  if (qmStat_mode(&m, a->ties, &mode)) result_number(ctx, mode);
  else sqlite3_result_null(ctx);  /* ties = 'flag' and the modes tie */
  acc_free(a);
}

/* a number as the shortest text that reads back as the same double ("70", "0.1", "72.5") */
static void append_number(sqlite3_str *s, double v) {
  char buf[40];
  if (v == floor(v) && fabs(v) < 9.0e15) {
    snprintf(buf, sizeof buf, "%lld", (long long)v);
  } else {
    for (int prec = 15; prec <= 17; prec++) {
      snprintf(buf, sizeof buf, "%.*g", prec, v);
      if (strtod(buf, NULL) == v) break;
    }
  }
  sqlite3_str_appendall(s, buf);
}

static void final_modes(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  QmModes m;
  qmStat_modes(a->vals, a->n, &m);
  sqlite3_str *s = sqlite3_str_new(NULL);
  int64_t pos = 0, at;
  for (int first = 1; (at = qmStat_next_mode(a->vals, a->n, m.top, &pos)) >= 0; first = 0) {
    if (!first) sqlite3_str_appendchar(s, 1, ',');
    append_number(s, a->vals[at]);
  }
  int len = sqlite3_str_length(s);
  char *text = sqlite3_str_finish(s);
  if (text == NULL) sqlite3_result_error_nomem(ctx);
  else sqlite3_result_text(ctx, text, len, sqlite3_free);
  acc_free(a);
}

static void final_mode_outside(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  QmModes m;
  qmStat_modes(a->vals, a->n, &m);
  sqlite3_result_int64(ctx, a->n - m.top);
  acc_free(a);
}

static void final_pct_within_median(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  double med = qmStat_quantile(a->vals, a->n, 50);
  if (isnan(med)) sqlite3_result_null(ctx);
  else sqlite3_result_double(ctx, (double)qmStat_within(a->vals, a->n, med, a->k) / (double)a->n);
  acc_free(a);
}

/* ---------------------------------------------------------------- all of a panel at once */

/* every statistic of one panel; NaN where undefined, with the reason in why_* */
typedef struct Panel {
  double n, nulls, mean, median, sd, variance, rwg, q1, q3, iqr, min, max, range;
  double mode_outside, within_k, mode, n_modes;
  const char *why_sd, *why_rwg, *why_mode;
  QmModes modes;
} Panel;

static void panel_of(const Acc *a, Panel *p) {
  const double *v = a->vals;
  int64_t n = a->n;
  memset(p, 0, sizeof *p);
  p->n = (double)n;
  p->nulls = (double)a->nulls;
  p->mean = qmStat_mean(v, n);
  p->median = qmStat_quantile(v, n, 50);
  p->variance = qmStat_variance(v, n, p->mean);
  p->sd = sqrt(p->variance);
  p->why_sd = n < 2 ? "fewer than 2 scores" : isnan(p->variance) ? "undefined: a score is infinite" : NULL;
  p->why_rwg = qmStat_rwg(n, p->variance, a->A, a->step, &p->rwg);
  p->q1 = qmStat_quantile(v, n, 25);
  p->q3 = qmStat_quantile(v, n, 75);
  p->iqr = p->q3 - p->q1;
  p->min = v[0];
  p->max = v[n - 1];
  p->range = p->max - p->min;
  qmStat_modes(v, n, &p->modes);
  p->mode_outside = (double)(n - p->modes.top);
  p->n_modes = (double)p->modes.count;
  if (!qmStat_mode(&p->modes, a->ties, &p->mode)) p->why_mode = "the modes tie (ties = flag)";
  p->within_k = isnan(p->median) ? NAN : (double)qmStat_within(v, n, p->median, a->k) / (double)n;
}

/* "key":number, or "key":null with the reason noted in reasons */
static void json_num(sqlite3_str *s, sqlite3_str *reasons, const char *key, double v, const char *why) {
  sqlite3_str_appendf(s, ",\"%s\":", key);
  if (isfinite(v)) { append_number(s, v); return; }
  sqlite3_str_appendall(s, "null");
  if (!why) why = isnan(v) ? "undefined: the scores include infinite values" : "not finite: a score is infinite";
  sqlite3_str_appendf(reasons, "%s\"%s\":\"%s\"", sqlite3_str_length(reasons) ? "," : "", key, why);
}

/* consensus_stats(x, A, k [, step [, ties]]) -> JSON text (docs/statistics.md):
** {"n","mean","median","mode","modes":[..],"mode_outside","sd","variance","q1","q3","iqr",
**  "min","max","range","within_k","rwg","k","A","step","ties","reasons":{key: why null}} */
static void final_consensus(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  if (check_span(ctx, a, "consensus_stats") != 0) return;
  Panel p;
  panel_of(a, &p);
  sqlite3_str *s = sqlite3_str_new(NULL), *why = sqlite3_str_new(NULL);
  sqlite3_str_appendf(s, "{\"n\":%lld", (long long)a->n);
  json_num(s, why, "mean", p.mean, NULL);
  json_num(s, why, "median", p.median, NULL);
  json_num(s, why, "mode", p.mode, p.why_mode);
  sqlite3_str_appendall(s, ",\"modes\":[");
  int64_t pos = 0, at;
  int infinite_mode = 0;
  for (int first = 1; (at = qmStat_next_mode(a->vals, a->n, p.modes.top, &pos)) >= 0; first = 0) {
    if (!first) sqlite3_str_appendchar(s, 1, ',');
    if (isfinite(a->vals[at])) append_number(s, a->vals[at]);
    else { sqlite3_str_appendall(s, "null"); infinite_mode = 1; }
  }
  if (infinite_mode)   /* the null in the list gets its reason like every other null */
    sqlite3_str_appendf(why, "%s\"modes\":\"a mode is infinite: null in JSON\"", sqlite3_str_length(why) ? "," : "");
  sqlite3_str_appendf(s, "],\"mode_outside\":%lld", (long long)p.mode_outside);
  json_num(s, why, "sd", p.sd, p.why_sd);
  json_num(s, why, "variance", p.variance, p.why_sd);
  json_num(s, why, "q1", p.q1, NULL);
  json_num(s, why, "q3", p.q3, NULL);
  json_num(s, why, "iqr", p.iqr, NULL);
  json_num(s, why, "min", p.min, NULL);
  json_num(s, why, "max", p.max, NULL);
  json_num(s, why, "range", p.range, NULL);
  json_num(s, why, "within_k", p.within_k, NULL);
  json_num(s, why, "rwg", p.rwg, p.why_rwg);
  json_num(s, why, "k", a->k, NULL);
  if (isnan(a->A)) sqlite3_str_appendall(s, ",\"A\":null");
  else json_num(s, why, "A", a->A, NULL);
  json_num(s, why, "step", a->step, NULL);
  sqlite3_str_appendf(s, ",\"ties\":\"%s\",\"reasons\":{", qmStat_ties_name(a->ties));
  int wlen = sqlite3_str_length(why);
  char *wtext = sqlite3_str_finish(why);
  if (wtext) { sqlite3_str_append(s, wtext, wlen); sqlite3_free(wtext); }
  sqlite3_str_appendall(s, "}}");
  int len = sqlite3_str_length(s);
  char *text = sqlite3_str_finish(s);
  if (text == NULL || (wlen > 0 && wtext == NULL)) { sqlite3_free(text); sqlite3_result_error_nomem(ctx); }
  else sqlite3_result_text(ctx, text, len, sqlite3_free);
  acc_free(a);
}

/* consensus_blob(x, A, k [, step [, ties]]) -> the statistics packed for speed as 17
** little-endian doubles: n, nulls, mean, median, sd, rwg, iqr, min, max, range, mode_outside,
** within_k, mode, n_modes, variance, q1, q3 (NaN where undefined; every statistic NaN when
** no score is left). Lua reads it with string.unpack("<" .. ("d"):rep(17)). NULL only when
** the group had no rows at all. */
#define BLOB_DOUBLES 17
static void final_consensus_blob(sqlite3_context *ctx) {
  Acc *a = sqlite3_aggregate_context(ctx, 0);
  if (a == NULL) { sqlite3_result_null(ctx); return; }
  if (a->failed) { acc_free(a); return; }
  double v[BLOB_DOUBLES];
  for (int i = 0; i < BLOB_DOUBLES; i++) v[i] = NAN;
  v[0] = (double)a->n;
  v[1] = (double)a->nulls;
  if (a->n > 0) {
    qmStat_sort(a->vals, a->n);
    if (check_span(ctx, a, "consensus_blob") != 0) return;
    Panel p;
    panel_of(a, &p);
    double src[BLOB_DOUBLES] = { p.n, p.nulls, p.mean, p.median, p.sd, p.rwg, p.iqr, p.min, p.max, p.range,
                                 p.mode_outside, p.within_k, p.mode, p.n_modes, p.variance, p.q1, p.q3 };
    memcpy(v, src, sizeof v);
  }
  unsigned char out[sizeof v];
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy(out, v, sizeof out);  /* the host's doubles are the blob's */
#else
  for (int i = 0; i < BLOB_DOUBLES; i++) {
    uint64_t bits;
    memcpy(&bits, &v[i], sizeof bits);
    for (int b = 0; b < 8; b++) out[i * 8 + b] = (unsigned char)(bits >> (8 * b));
  }
#endif
  sqlite3_result_blob(ctx, out, (int)sizeof out, SQLITE_TRANSIENT);
  acc_free(a);
}

/* ---------------------------------------------------------------- registration */

/* the vocabulary, as data: docs/statistics.md lists the same */
static const Aggregate aggregates[] = {
  { "median", 1, { ARG_NONE }, final_median },
  { "percentile", 2, { ARG_P }, final_percentile },
  { "iqr", 1, { ARG_NONE }, final_iqr },
  { "variance", 1, { ARG_NONE }, final_variance },
  { "stddev", 1, { ARG_NONE }, final_stddev },
  { "mode", 1, { ARG_NONE }, final_mode },
  { "mode", 2, { ARG_TIES }, final_mode },
  { "modes", 1, { ARG_NONE }, final_modes },
  { "mode_outside", 1, { ARG_NONE }, final_mode_outside },
  { "rwg", 2, { ARG_A }, final_rwg },
  { "rwg", 3, { ARG_A, ARG_STEP }, final_rwg },
  { "pct_within_median", 2, { ARG_K }, final_pct_within_median },
  { "consensus_stats", 3, { ARG_A, ARG_K }, final_consensus },
  { "consensus_stats", 4, { ARG_A, ARG_K, ARG_STEP }, final_consensus },
  { "consensus_stats", 5, { ARG_A, ARG_K, ARG_STEP, ARG_TIES }, final_consensus },
  { "consensus_blob", 3, { ARG_A, ARG_K }, final_consensus_blob },
  { "consensus_blob", 4, { ARG_A, ARG_K, ARG_STEP }, final_consensus_blob },
  { "consensus_blob", 5, { ARG_A, ARG_K, ARG_STEP, ARG_TIES }, final_consensus_blob },
  { NULL, 0, { ARG_NONE }, NULL } };

int qmSql_register(sqlite3 *db) {
  for (const Aggregate *f = aggregates; f->name; f++) {
    int rc = sqlite3_create_function_v2(db, f->name, f->nargs,
                                        SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                        (void *)f, NULL, step, f->final, NULL);
    if (rc != SQLITE_OK) return rc;
  }
  return qmSql_register_by(db);
}

int qmSql_register_auto(sqlite3 *db, const char **err, const void *api) {
  (void)err;
  (void)api;
  return qmSql_register(db);
}
