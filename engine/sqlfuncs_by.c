/*
** sqlfuncs_by.c — "the value at a position in an order" as SQL aggregates, so a report can ask
** for a citizen's first, latest and previous score in one GROUP BY pass instead of sorting
** every row for window functions:
**   first_by(value, key1 [, key2])        the value of the row with the smallest key
**   last_by(value, key1 [, key2])         the value of the row with the largest key
**   nth_last_by(value, n, key1 [, key2])  the value n rows from the end (1 = last_by)
** key2 breaks ties of key1; rows still tied keep their arrival order (first_by keeps the
** earlier row, last_by the later one). Rows whose value or key1 is NULL are left out. Keys
** compare as SQLite orders values: numbers (integers and reals by value) before text (byte
** order) before blobs. The aggregate keeps at most n rows of its group, never all of them.
*/
#include <string.h>
#include "sqlfuncs.h"

#define MAX_NTH 32

typedef struct Kept {
  sqlite3_value *value, *k1, *k2;  /* copies (sqlite3_value_dup), owned by the accumulator */
} Kept;

typedef struct ByAcc {
  int n;          /* how many rows to keep: 1 for first_by/last_by, n for nth_last_by */
  int count;      /* rows kept so far (<= n) */
  int failed;     /* an error was reported: ignore further rows */
  Kept kept[MAX_NTH];  /* sorted: best first (smallest for first_by, largest otherwise) */
} ByAcc;

static int value_class(sqlite3_value *v) {
  switch (sqlite3_value_type(v)) {
  case SQLITE_NULL: return 0;
  case SQLITE_INTEGER: case SQLITE_FLOAT: return 1;
  case SQLITE_TEXT: return 2;
  default: return 3;
  }
}

static int compare_values(sqlite3_value *a, sqlite3_value *b) {
  int ca = value_class(a), cb = value_class(b);
  if (ca != cb) return ca < cb ? -1 : 1;
  if (ca == 0) return 0;
  if (ca == 1) {
    if (sqlite3_value_type(a) == SQLITE_INTEGER && sqlite3_value_type(b) == SQLITE_INTEGER) {
      sqlite3_int64 x = sqlite3_value_int64(a), y = sqlite3_value_int64(b);
      return x < y ? -1 : x > y;
    }
    double x = sqlite3_value_double(a), y = sqlite3_value_double(b);
    return x < y ? -1 : x > y;
  }
  const void *pa = ca == 2 ? (const void *)sqlite3_value_text(a) : sqlite3_value_blob(a);
  const void *pb = ca == 2 ? (const void *)sqlite3_value_text(b) : sqlite3_value_blob(b);
  int la = sqlite3_value_bytes(a), lb = sqlite3_value_bytes(b);
  int c = memcmp(pa, pb, (size_t)(la < lb ? la : lb));
  if (c != 0) return c < 0 ? -1 : 1;
  return la < lb ? -1 : la > lb;
}

/* order of (k1, k2) against a kept row; k2 may be NULL (no second key) */
static int compare_keys(sqlite3_value *k1, sqlite3_value *k2, const Kept *k) {
  int c = compare_values(k1, k->k1);
  if (c != 0 || k2 == NULL || k->k2 == NULL) return c;
  return compare_values(k2, k->k2);
}

static void kept_free(Kept *k) {
  sqlite3_value_free(k->value);
  sqlite3_value_free(k->k1);
  sqlite3_value_free(k->k2);
  memset(k, 0, sizeof *k);
}

static void acc_free(ByAcc *a) {
  for (int i = 0; i < a->count; i++) kept_free(&a->kept[i]);
  a->count = 0;
}

/* keep the row if it is among the a->n best; smallest = 1 for first_by */
static void keep_row(sqlite3_context *ctx, ByAcc *a, sqlite3_value *value, sqlite3_value *k1,
                     sqlite3_value *k2, int smallest) {
  /* the position the row takes: after every kept row it does not beat */
  int pos = a->count;
  while (pos > 0) {
    int c = compare_keys(k1, k2, &a->kept[pos - 1]);
    int beats = smallest ? c < 0 : c >= 0;  /* ties: first_by keeps the earlier, last_by the later */
    if (!beats) break;
    pos--;
  }
  if (pos >= a->n) return;
  Kept row = { sqlite3_value_dup(value), sqlite3_value_dup(k1), k2 ? sqlite3_value_dup(k2) : NULL };
  if (row.value == NULL || row.k1 == NULL || (k2 && row.k2 == NULL)) {
    kept_free(&row);
    a->failed = 1;
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if (a->count == a->n) kept_free(&a->kept[a->n - 1]);
  else a->count++;
  memmove(&a->kept[pos + 1], &a->kept[pos], (size_t)(a->count - 1 - pos) * sizeof(Kept));
  a->kept[pos] = row;
}

static void step_by(sqlite3_context *ctx, int argc, sqlite3_value **argv, int nth, int smallest) {
  ByAcc *a = sqlite3_aggregate_context(ctx, sizeof *a);
  if (a == NULL) { sqlite3_result_error_nomem(ctx); return; }
  if (a->failed) return;
  int first_key = nth ? 2 : 1;
  if (a->n == 0) {
    a->n = 1;
    if (nth) {
      sqlite3_int64 n = sqlite3_value_int64(argv[1]);
      if (sqlite3_value_numeric_type(argv[1]) != SQLITE_INTEGER || n < 1 || n > MAX_NTH) {
        sqlite3_result_error(ctx, "nth_last_by(): n must be a whole number from 1 to 32", -1);
        a->failed = 1;
        return;
      }
      a->n = (int)n;
    }
  }
  sqlite3_value *value = argv[0], *k1 = argv[first_key];
  sqlite3_value *k2 = argc > first_key + 1 ? argv[first_key + 1] : NULL;
  if (sqlite3_value_type(value) == SQLITE_NULL || sqlite3_value_type(k1) == SQLITE_NULL) return;
  keep_row(ctx, a, value, k1, k2, smallest);
}

static void step_first(sqlite3_context *ctx, int argc, sqlite3_value **argv) { step_by(ctx, argc, argv, 0, 1); }
static void step_last(sqlite3_context *ctx, int argc, sqlite3_value **argv) { step_by(ctx, argc, argv, 0, 0); }
static void step_nth_last(sqlite3_context *ctx, int argc, sqlite3_value **argv) { step_by(ctx, argc, argv, 1, 0); }

static void final_by(sqlite3_context *ctx) {
  ByAcc *a = sqlite3_aggregate_context(ctx, 0);
  if (a == NULL) { sqlite3_result_null(ctx); return; }
  if (!a->failed) {
    if (a->count == a->n) sqlite3_result_value(ctx, a->kept[a->n - 1].value);
    else sqlite3_result_null(ctx);
  }
  acc_free(a);
}

int qmSql_register_by(sqlite3 *db) {
  static const struct { const char *name; int nargs; void (*step)(sqlite3_context *, int, sqlite3_value **); } fns[] = {
    { "first_by", 2, step_first }, { "first_by", 3, step_first },
    { "last_by", 2, step_last }, { "last_by", 3, step_last },
    { "nth_last_by", 3, step_nth_last }, { "nth_last_by", 4, step_nth_last } };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    int rc = sqlite3_create_function_v2(db, fns[i].name, fns[i].nargs,
                                        SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                        NULL, NULL, fns[i].step, final_by, NULL);
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}
