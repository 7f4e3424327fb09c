/*
** sqlfuncs.c — statistics as SQL aggregate functions in C, registered on every connection,
** so that work on many rows stays inside SQLite (one pass, nothing copied into Lua):
**   median(x)  percentile(x, p)  iqr(x)  stddev(x)  variance(x)  mode(x)  modes(x)
**   rwg(x, A)  pct_within_median(x, k)  mode_outside(x)
**   consensus_stats(x, A, k)  -- all of a question's consensus statistics from one sort
**   (first_by, last_by, nth_last_by: sqlfuncs_by.c)
** NULLs are ignored; an aggregate over no values is NULL. Definitions are in docs/db.md.
** Functions that need every value (median, ...) buffer the values of one group only; the
** first 32 live inside the aggregate context, so small panels never allocate.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sqlfuncs.h"

#define INLINE_VALUES 32

typedef struct Acc {
  sqlite3_int64 n;
  double mean, m2;              /* Welford's running mean and sum of squared deviations */
  double param;                 /* p, A or k: the second argument, from the first row */
  double param2;                /* k of consensus_stats: the third argument */
  sqlite3_int64 nulls;          /* NULL inputs seen ("don't know" answers) */
  int have_param;
  double *vals;                 /* inline or heap; NULL until the first value */
  sqlite3_int64 cap;
  int heap;
  double inline_vals[INLINE_VALUES];
} Acc;

/* the value at argv[0] as a number: 1 = number, 0 = NULL; errors for other text */
static int number_arg(sqlite3_context *ctx, sqlite3_value *v, double *out, const char *fname) {
  switch (sqlite3_value_numeric_type(v)) {
  case SQLITE_INTEGER: *out = (double)sqlite3_value_int64(v); return 1;
  case SQLITE_FLOAT: *out = sqlite3_value_double(v); return 1;
  case SQLITE_NULL: return 0;
  default: {
    char msg[160];
    snprintf(msg, sizeof msg, "%s(): value '%.40s' is not a number", fname,
             (const char *)sqlite3_value_text(v));
    sqlite3_result_error(ctx, msg, -1);
    return -1;
  }
  }
}

static int acc_push(sqlite3_context *ctx, Acc *a, double x, int keep) {
  a->n++;
  double d = x - a->mean;
  a->mean += d / (double)a->n;
  a->m2 += d * (x - a->mean);
  if (!keep) return 0;
  if (a->vals == NULL) { a->vals = a->inline_vals; a->cap = INLINE_VALUES; }
  if (a->n > a->cap) {
    sqlite3_int64 cap = a->cap * 2;
    double *nv = a->heap ? sqlite3_realloc64(a->vals, (sqlite3_uint64)cap * sizeof(double))
                         : sqlite3_malloc64((sqlite3_uint64)cap * sizeof(double));
    if (nv == NULL) { sqlite3_result_error_nomem(ctx); a->n--; return -1; }
    if (!a->heap) memcpy(nv, a->inline_vals, sizeof a->inline_vals);
    a->vals = nv;
    a->cap = cap;
    a->heap = 1;
  }
  a->vals[a->n - 1] = x;
  return 0;
}

static void acc_free(Acc *a) {
  if (a->heap) sqlite3_free(a->vals);
  a->vals = NULL;
  a->heap = 0;
}

static int cmp_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

static void sort_values(Acc *a) {
  if (a->n <= 16) {  /* insertion sort: panels are small */
    for (sqlite3_int64 i = 1; i < a->n; i++) {
      double v = a->vals[i];
      sqlite3_int64 j = i - 1;
      while (j >= 0 && a->vals[j] > v) { a->vals[j + 1] = a->vals[j]; j--; }
      a->vals[j + 1] = v;
    }
  } else {
    qsort(a->vals, (size_t)a->n, sizeof(double), cmp_double);
  }
}

/* linear interpolation between closest ranks (numpy's default, Python's
** statistics.quantiles(method="inclusive")); values must be sorted */
static double quantile_sorted(const double *v, sqlite3_int64 n, double p) {
  if (n == 1) return v[0];
  double h = (double)(n - 1) * p / 100.0;
  sqlite3_int64 lo = (sqlite3_int64)floor(h);
  if (lo >= n - 1) return v[n - 1];
  return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

/* ---------------------------------------------------------------- step functions */

static void step_keep(sqlite3_context *ctx, int argc, sqlite3_value **argv, int keep) {
  Acc *a = sqlite3_aggregate_context(ctx, sizeof(Acc));
  if (a == NULL) { sqlite3_result_error_nomem(ctx); return; }
  double x;
  int r = number_arg(ctx, argv[0], &x, (const char *)sqlite3_user_data(ctx));
  if (r == 0) a->nulls++;
  if (r <= 0) return;
  if (argc > 1 && !a->have_param) {
    double p;
    int pr = number_arg(ctx, argv[1], &p, (const char *)sqlite3_user_data(ctx));
    if (pr < 0) return;
    if (pr == 0) {
      char msg[96];
      snprintf(msg, sizeof msg, "%s(): the second argument must not be NULL", (const char *)sqlite3_user_data(ctx));
      sqlite3_result_error(ctx, msg, -1);
      return;
    }
    a->param = p;
    a->have_param = 1;
    if (argc > 2 && number_arg(ctx, argv[2], &p, (const char *)sqlite3_user_data(ctx)) > 0) a->param2 = p;
  }
  acc_push(ctx, a, x, keep);
}

static void step_values(sqlite3_context *ctx, int argc, sqlite3_value **argv) { step_keep(ctx, argc, argv, 1); }
static void step_moments(sqlite3_context *ctx, int argc, sqlite3_value **argv) { step_keep(ctx, argc, argv, 0); }

/* ---------------------------------------------------------------- final functions */

static Acc *final_acc(sqlite3_context *ctx) {
  Acc *a = sqlite3_aggregate_context(ctx, 0);
  if (a == NULL || a->n == 0) { if (a) acc_free(a); sqlite3_result_null(ctx); return NULL; }
  return a;
}

static void final_median(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  sort_values(a);
  sqlite3_result_double(ctx, quantile_sorted(a->vals, a->n, 50));
  acc_free(a);
}

static void final_percentile(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  if (a->param < 0 || a->param > 100) {
    sqlite3_result_error(ctx, "percentile(): p must be between 0 and 100", -1);
  } else {
    sort_values(a);
    sqlite3_result_double(ctx, quantile_sorted(a->vals, a->n, a->param));
  }
  acc_free(a);
}

static void final_iqr(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  sort_values(a);
  sqlite3_result_double(ctx, quantile_sorted(a->vals, a->n, 75) - quantile_sorted(a->vals, a->n, 25));
  acc_free(a);
}

static void final_variance(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  if (a->n < 2) sqlite3_result_null(ctx);
  else sqlite3_result_double(ctx, a->m2 / (double)(a->n - 1));
}

static void final_stddev(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  if (a->n < 2) sqlite3_result_null(ctx);
  else sqlite3_result_double(ctx, sqrt(a->m2 / (double)(a->n - 1)));
}

/* rwg = 1 - s²/σ²_EU with σ²_EU = (A² - 1)/12, truncated to 0 (James, Demaree & Wolf 1984) */
static void final_rwg(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  if (a->param < 2) { sqlite3_result_error(ctx, "rwg(): A, the number of response options, must be at least 2", -1); return; }
  if (a->n < 2) { sqlite3_result_null(ctx); return; }
  double s2 = a->m2 / (double)(a->n - 1);
  double eu = (a->param * a->param - 1.0) / 12.0;
  double r = 1.0 - s2 / eu;
  sqlite3_result_double(ctx, r < 0 ? 0.0 : r);
}

/* the most frequent count among sorted values, and the smallest value with it */
static sqlite3_int64 top_count(const Acc *a, double *mode) {
  sqlite3_int64 best = 0, run = 0;
  for (sqlite3_int64 i = 0; i < a->n; i++) {
    run = (i > 0 && a->vals[i] == a->vals[i - 1]) ? run + 1 : 1;
    if (run > best) { best = run; *mode = a->vals[i]; }
  }
  return best;
}

static void result_number(sqlite3_context *ctx, double v) {
  if (v == floor(v) && fabs(v) < 9.0e15) sqlite3_result_int64(ctx, (sqlite3_int64)v);
  else sqlite3_result_double(ctx, v);
}

static void final_mode(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  sort_values(a);
  double mode = 0;
  top_count(a, &mode);
  result_number(ctx, mode);
  acc_free(a);
}

static void final_modes(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  sort_values(a);
  double mode = 0;
  sqlite3_int64 best = top_count(a, &mode), run = 0;
  sqlite3_str *s = sqlite3_str_new(NULL);
  int first = 1;
  for (sqlite3_int64 i = 0; i < a->n; i++) {
    run = (i > 0 && a->vals[i] == a->vals[i - 1]) ? run + 1 : 1;
    if (run != best) continue;
    double v = a->vals[i];
    if (v == floor(v) && fabs(v) < 9.0e15) sqlite3_str_appendf(s, "%s%lld", first ? "" : ",", (long long)v);
    else sqlite3_str_appendf(s, "%s%!.15g", first ? "" : ",", v);
    first = 0;
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
  sort_values(a);
  double mode = 0;
  sqlite3_result_int64(ctx, a->n - top_count(a, &mode));
  acc_free(a);
}

static void final_pct_within_median(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  sort_values(a);
  double med = quantile_sorted(a->vals, a->n, 50), k = a->param;
  sqlite3_int64 inside = 0;
  for (sqlite3_int64 i = 0; i < a->n; i++)
    if (fabs(a->vals[i] - med) <= k + 1e-9) inside++;
  sqlite3_result_double(ctx, (double)inside / (double)a->n);
  acc_free(a);
}

/* consensus_stats(x, A, k) -> JSON text {"n":..,"mean":..,"median":..,"sd":..,"iqr":..,
** "min":..,"max":..,"range":..,"rwg":..,"modes":[..],"mode_outside":..,"within_k":..}:
** one sort per question instead of one per statistic. sd and rwg are null below 2 values. */
static void final_consensus(sqlite3_context *ctx) {
  Acc *a = final_acc(ctx);
  if (!a) return;
  sort_values(a);
  sqlite3_int64 n = a->n;
  double med = quantile_sorted(a->vals, n, 50);
  double iqr = quantile_sorted(a->vals, n, 75) - quantile_sorted(a->vals, n, 25);
  double mode = 0;
  sqlite3_int64 best = top_count(a, &mode), run = 0, inside = 0;
  sqlite3_str *s = sqlite3_str_new(NULL);
  sqlite3_str_appendf(s, "{\"n\":%lld,\"mean\":%!.15g,\"median\":%!.15g,", (long long)n, a->mean, med);
  if (n >= 2) {
    double s2 = a->m2 / (double)(n - 1);
    double eu = (a->param * a->param - 1.0) / 12.0;
    double r = eu > 0 ? 1.0 - s2 / eu : 0.0;
    sqlite3_str_appendf(s, "\"sd\":%!.15g,\"rwg\":%!.15g,", sqrt(s2), r < 0 ? 0.0 : r);
  } else {
    sqlite3_str_appendall(s, "\"sd\":null,\"rwg\":null,");
  }
  sqlite3_str_appendf(s, "\"iqr\":%!.15g,\"min\":%!.15g,\"max\":%!.15g,\"range\":%!.15g,\"modes\":[",
                      iqr, a->vals[0], a->vals[n - 1], a->vals[n - 1] - a->vals[0]);
  int first = 1;
  for (sqlite3_int64 i = 0; i < n; i++) {
    run = (i > 0 && a->vals[i] == a->vals[i - 1]) ? run + 1 : 1;
    if (fabs(a->vals[i] - med) <= a->param2 + 1e-9) inside++;
    if (run != best) continue;
    sqlite3_str_appendf(s, "%s%!.15g", first ? "" : ",", a->vals[i]);
    first = 0;
  }
  sqlite3_str_appendf(s, "],\"mode_outside\":%lld,\"within_k\":%!.15g}", (long long)(n - best),
                      (double)inside / (double)n);
  int len = sqlite3_str_length(s);
  char *text = sqlite3_str_finish(s);
  if (text == NULL) sqlite3_result_error_nomem(ctx);
  else sqlite3_result_text(ctx, text, len, sqlite3_free);
  acc_free(a);
}

/* consensus_blob(x, A, k) -> the statistics of consensus_stats packed for speed as 12
** little-endian doubles: n, nulls (the NULL inputs: "don't know"), mean, median, sd, rwg,
** iqr, min, max, range, mode_outside, within_k (NaN where undefined: no values, or sd and
** rwg below 2 values). Lua reads it with string.unpack("<dddddddddddd"). NULL only when the
** group had no rows at all. */
static void final_consensus_blob(sqlite3_context *ctx) {
  Acc *a = sqlite3_aggregate_context(ctx, 0);
  if (a == NULL) { sqlite3_result_null(ctx); return; }
  sqlite3_int64 n = a->n;
  double v[12];
  for (int i = 0; i < 12; i++) v[i] = NAN;
  v[0] = (double)n;
  v[1] = (double)a->nulls;
  if (n > 0) {
    sort_values(a);
    double med = quantile_sorted(a->vals, n, 50), mode = 0;
    sqlite3_int64 best = top_count(a, &mode), inside = 0;
    for (sqlite3_int64 i = 0; i < n; i++) if (fabs(a->vals[i] - med) <= a->param2 + 1e-9) inside++;
    v[2] = a->mean; v[3] = med;
    if (n >= 2) {
      double s2 = a->m2 / (double)(n - 1), eu = (a->param * a->param - 1.0) / 12.0;
      double r = eu > 0 ? 1.0 - s2 / eu : 0.0;
      v[4] = sqrt(s2); v[5] = r < 0 ? 0.0 : r;
    }
    v[6] = quantile_sorted(a->vals, n, 75) - quantile_sorted(a->vals, n, 25);
    v[7] = a->vals[0]; v[8] = a->vals[n - 1]; v[9] = v[8] - v[7];
    v[10] = (double)(n - best); v[11] = (double)inside / (double)n;
  }
  unsigned char out[sizeof v];
  for (int i = 0; i < 12; i++) {
    uint64_t bits;
    memcpy(&bits, &v[i], sizeof bits);
    for (int b = 0; b < 8; b++) out[i * 8 + b] = (unsigned char)(bits >> (8 * b));
  }
  sqlite3_result_blob(ctx, out, (int)sizeof out, SQLITE_TRANSIENT);
  acc_free(a);
}

/* ---------------------------------------------------------------- registration */

typedef struct {
  const char *name;
  int nargs;
  void (*step)(sqlite3_context *, int, sqlite3_value **);
  void (*final)(sqlite3_context *);
} Aggregate;

/* the vocabulary, as data: docs/db.md lists the same */
static const Aggregate aggregates[] = {
  { "median", 1, step_values, final_median },
  { "percentile", 2, step_values, final_percentile },
  { "iqr", 1, step_values, final_iqr },
  { "variance", 1, step_moments, final_variance },
  { "stddev", 1, step_moments, final_stddev },
  { "mode", 1, step_values, final_mode },
  { "modes", 1, step_values, final_modes },
  { "mode_outside", 1, step_values, final_mode_outside },
  { "rwg", 2, step_moments, final_rwg },
  { "pct_within_median", 2, step_values, final_pct_within_median },
  { "consensus_stats", 3, step_values, final_consensus },
  { "consensus_blob", 3, step_values, final_consensus_blob },
  { NULL, 0, NULL, NULL } };

int qmSql_register(sqlite3 *db) {
  for (const Aggregate *f = aggregates; f->name; f++) {
    int rc = sqlite3_create_function_v2(db, f->name, f->nargs,
                                        SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                        (void *)f->name, NULL, f->step, f->final, NULL);
    if (rc != SQLITE_OK) return rc;
  }
  return qmSql_register_by(db);
}

int qmSql_register_auto(sqlite3 *db, const char **err, const void *api) {
  (void)err;
  (void)api;
  return qmSql_register(db);
}
