/*
** stats.c — the formulas behind qm's statistics, each written once: quantiles (inclusive,
** type 7), the mean and the two-pass sample variance, rwg in scale steps, the share within
** ±k of the median, and the modes with a rule for ties. Pure functions over sorted arrays
** of doubles; the SQL aggregates in sqlfuncs.c (median, rwg, consensus_stats, ...) all call
** these, so every output that reports a statistic computes it the same way.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "stats.h"

static const char *const tie_names[] = { "median", "lowest", "highest", "flag", NULL };

int qmStat_ties(const char *name, QmTies *out) {
  if (name == NULL) return -1;
  for (int i = 0; tie_names[i]; i++) {
    if (strcmp(name, tie_names[i]) == 0) { *out = (QmTies)i; return 0; }
  }
  return -1;
}

const char *qmStat_ties_name(QmTies t) {
  return (t >= QM_TIES_MEDIAN && t <= QM_TIES_FLAG) ? tie_names[t] : "?";
}

static int cmp_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

void qmStat_sort(double *v, int64_t n) {
  if (n <= 16) {  /* insertion sort: panels are small */
    for (int64_t i = 1; i < n; i++) {
      double x = v[i];
      int64_t j = i - 1;
      while (j >= 0 && v[j] > x) { v[j + 1] = v[j]; j--; }
      v[j + 1] = x;
    }
  } else {
    qsort(v, (size_t)n, sizeof(double), cmp_double);
  }
}

double qmStat_quantile(const double *v, int64_t n, double p) {
  if (n == 1) return v[0];
  double h = (double)(n - 1) * p / 100.0;
  int64_t lo = (int64_t)floor(h);
  if (lo >= n - 1) return v[n - 1];
  if (lo < 0) return v[0];
  double frac = h - (double)lo;
  /* no interpolation on an exact rank: 1 + 0 × (inf − 2) would be NaN */
  if (frac == 0 || v[lo] == v[lo + 1]) return v[lo];
  return v[lo] + frac * (v[lo + 1] - v[lo]);
}

/* Neumaier's compensated sum of v[i] - shift */
static double sum_minus(const double *v, int64_t n, double shift, int square) {
  double s = 0, c = 0;
  for (int64_t i = 0; i < n; i++) {
    double x = v[i] - shift;
    if (square) x = x * x;
    double t = s + x;
    if (fabs(s) >= fabs(x)) c += (s - t) + x;
    else c += (x - t) + s;
    s = t;
  }
  return s + c;
}

double qmStat_mean(const double *v, int64_t n) {
  double s = sum_minus(v, n, 0, 0);
  if (isfinite(s)) return s / (double)n;
  /* the sum overflowed (or a value is infinite): the mean of halves cannot overflow */
  double h = 0;
  for (int64_t i = 0; i < n; i++) h += v[i] / (double)n;
  return h;
}

/* Neumaier's step: adds x to the sum s with compensation c */
#define NEUMAIER(s, c, x) do { double t_ = (s) + (x); \
    if (fabs(s) >= fabs(x)) (c) += ((s) - t_) + (x); else (c) += ((x) - t_) + (s); (s) = t_; } while (0)

double qmStat_variance(const double *v, int64_t n, double mean) {
  if (n < 2 || !isfinite(mean)) return NAN;
  /* the squares and the deviations summed in one walk over v: two compensated sums, each
  ** the same sequence of operations as a pass of its own (the same result) */
  double ss = 0, ssc = 0, d = 0, dc = 0;
  for (int64_t i = 0; i < n; i++) {
    double x = v[i] - mean, x2 = x * x;
    NEUMAIER(ss, ssc, x2);
    NEUMAIER(d, dc, x);
  }
  ss += ssc;
  d += dc;  /* zero but for rounding: the correction term */
  double var = (ss - d * d / (double)n) / (double)(n - 1);
  return var < 0 ? 0 : var;
}

/* the length of the run of equal values starting at i */
static int64_t run_length(const double *v, int64_t n, int64_t i) {
  int64_t j = i + 1;
  while (j < n && v[j] == v[i]) j++;
  return j - i;
}

int64_t qmStat_next_mode(const double *v, int64_t n, int64_t top, int64_t *pos) {
  int64_t i = *pos;
  while (i < n) {
    int64_t len = run_length(v, n, i);
    if (len == top) { *pos = i + len; return i; }
    i += len;
  }
  *pos = n;
  return -1;
}

void qmStat_modes(const double *v, int64_t n, QmModes *out) {
  int64_t top = 0, count = 0;
  for (int64_t i = 0; i < n;) {
    int64_t len = run_length(v, n, i);
    if (len > top) { top = len; count = 1; }
    else if (len == top) count++;
    i += len;
  }
  out->top = top;
  out->count = count;
  /* the lowest, highest and middle mode(s) in one walk over the modes */
  int64_t pos = 0, k = 0, at;
  double lo_mid = NAN, hi_mid = NAN;
  out->lowest = out->highest = NAN;
  while ((at = qmStat_next_mode(v, n, top, &pos)) >= 0) {
    if (k == 0) out->lowest = v[at];
    out->highest = v[at];
    if (k == (count - 1) / 2) lo_mid = v[at];
    if (k == count / 2) hi_mid = v[at];
    k++;
  }
  out->middle = lo_mid == hi_mid ? lo_mid : lo_mid + (hi_mid - lo_mid) / 2;
}

int qmStat_mode(const QmModes *m, QmTies ties, double *out) {
  switch (ties) {
  case QM_TIES_LOWEST: *out = m->lowest; return 1;
  case QM_TIES_HIGHEST: *out = m->highest; return 1;
  case QM_TIES_FLAG:
    if (m->count > 1) { *out = NAN; return 0; }
    *out = m->lowest;
    return 1;
  case QM_TIES_MEDIAN:
  default: *out = m->middle; return 1;
  }
}

int64_t qmStat_within(const double *v, int64_t n, double center, double k) {
  double tol = 1e-9 * (fabs(center) > 1 ? fabs(center) : 1);
  int64_t inside = 0;
  for (int64_t i = 0; i < n; i++)
    if (fabs(v[i] - center) <= k + tol) inside++;
  return inside;
}

const char *qmStat_rwg(int64_t n, double var, double A, double step, double *out) {
  *out = NAN;
  if (isnan(A)) return "the scale has no countable set of answer options";
  if (n < 2) return "fewer than 2 scores";
  if (!isfinite(var)) return "undefined: a score is infinite";
  double s2 = var / (step * step);           /* the observed variance in scale steps */
  double eu = (A * A - 1.0) / 12.0;          /* the uniform null's variance, in steps */
  double r = 1.0 - s2 / eu;
  *out = r < 0 ? 0.0 : r;
  return NULL;
}
