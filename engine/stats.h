/*
** stats.h — the formulas behind qm's statistics, each written once (stats.c): quantiles,
** mean and two-pass sample variance, rwg in scale steps, the share within ±k of the median,
** and the modes with a rule for ties. The SQL aggregates (sqlfuncs.c) call these; the
** conventions are documented in docs/statistics.md.
*/
#ifndef QM_STATS_H
#define QM_STATS_H

#include <stdint.h>

/* how a tie between several modes is resolved (docs/statistics.md) */
typedef enum {
  QM_TIES_MEDIAN = 0,  /* the median of the tied modes (the default: not biased either way) */
  QM_TIES_LOWEST,      /* the smallest tied mode */
  QM_TIES_HIGHEST,     /* the largest tied mode */
  QM_TIES_FLAG         /* no single mode: the caller reports the tie */
} QmTies;

/* the modes of a sorted array: how often the most frequent value occurs (top), how many
** values share that count (count), the lowest and highest of them and their median */
typedef struct {
  int64_t top;
  int64_t count;
  double lowest, highest, middle;
} QmModes;

/* the name of a tie rule -> 0 and *out, or -1 for an unknown name */
int qmStat_ties(const char *name, QmTies *out);
const char *qmStat_ties_name(QmTies t);

/* sorts ascending (values must not be NaN) */
void qmStat_sort(double *v, int64_t n);
/* the p-th percentile (0 <= p <= 100) of sorted values, inclusive method: linear
** interpolation between closest ranks (Hyndman & Fan type 7); n >= 1 */
double qmStat_quantile(const double *v, int64_t n, double p);
/* the mean, summed with Neumaier's compensation; n >= 1 */
double qmStat_mean(const double *v, int64_t n);
/* the sample variance (n - 1) by the corrected two-pass algorithm around mean; NaN when
** n < 2 or a value is not finite */
double qmStat_variance(const double *v, int64_t n, double mean);
/* the modes of sorted values; n >= 1 */
void qmStat_modes(const double *v, int64_t n, QmModes *out);
/* the index of the first value of the next mode at or after *pos (start with *pos = 0),
** or -1 when there is none; top from qmStat_modes */
int64_t qmStat_next_mode(const double *v, int64_t n, int64_t top, int64_t *pos);
/* the single mode by the tie rule -> 1 and *out, or 0 when the modes tie under QM_TIES_FLAG */
int qmStat_mode(const QmModes *m, QmTies ties, double *out);
/* how many sorted values lie within ±k of center (with a tolerance of
** 1e-9 × max(1, |center|) for decimal rounding) */
int64_t qmStat_within(const double *v, int64_t n, double center, double k);
/* rwg (James, Demaree & Wolf 1984) of n scores with sample variance var (in the scores'
** unit) on a scale of A answer options step apart: 1 − (var/step²) / ((A² − 1)/12),
** truncated to 0. Returns NULL and *out, or the reason rwg is undefined (*out = NaN):
** A NaN = the scale has no countable set of options. */
const char *qmStat_rwg(int64_t n, double var, double A, double step, double *out);

#endif
