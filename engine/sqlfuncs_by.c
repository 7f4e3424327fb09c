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
** Kept values are copies held inside the accumulator (short text inline, longer text in a
** buffer that is reused as rows replace each other), so the common row costs no allocation:
** last_by sees every row of its group replace the one before.
*/
#include <string.h>
#include "sqlfuncs.h"

#define MAX_NTH 32
#define INLINE_KEPT 4     /* rows kept inside the accumulator; nth_last_by with n > 4 allocates */
#define INLINE_BYTES 24   /* text or blob up to this length is kept inline (dates, ids) */

/* a copy of one SQL value, owned by the accumulator */
typedef struct Val {
  int type;               /* SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT or SQLITE_BLOB */
  int len;                /* bytes of text or blob */
  unsigned subtype;
  union { sqlite3_int64 i; double d; } num;
  unsigned char *heap;    /* text or blob longer than INLINE_BYTES (capacity in cap) */
  int cap;
  unsigned char buf[INLINE_BYTES];
} Val;

typedef struct Kept {
  Val value, k1, k2;      /* k2.type == 0: no second key */
} Kept;

typedef struct ByAcc {
  int n;          /* how many rows to keep: 1 for first_by/last_by, n for nth_last_by */
  int count;      /* rows kept so far (<= n) */
  int failed;     /* an error was reported: ignore further rows */
  Kept *kept;     /* sorted, best first (smallest for first_by, largest otherwise): inline or heap */
  Kept inline_kept[INLINE_KEPT];
} ByAcc;

static int value_class(int type) {
  switch (type) {
  case SQLITE_NULL: return 0;
  case SQLITE_INTEGER: case SQLITE_FLOAT: return 1;
  case SQLITE_TEXT: return 2;
  default: return 3;
  }
}

static const unsigned char *val_bytes(const Val *v) { return v->heap ? v->heap : v->buf; }

/* an incoming value against a kept one, in SQLite's order */
static int compare_values(sqlite3_value *a, const Val *b) {
  int ta = sqlite3_value_type(a);
  int ca = value_class(ta), cb = value_class(b->type);
  if (ca != cb) return ca < cb ? -1 : 1;
  if (ca == 0) return 0;
  if (ca == 1) {
    if (ta == SQLITE_INTEGER && b->type == SQLITE_INTEGER) {
      sqlite3_int64 x = sqlite3_value_int64(a), y = b->num.i;
      return x < y ? -1 : x > y;
    }
    double x = sqlite3_value_double(a), y = b->type == SQLITE_INTEGER ? (double)b->num.i : b->num.d;
    return x < y ? -1 : x > y;
  }
  const void *pa = ca == 2 ? (const void *)sqlite3_value_text(a) : sqlite3_value_blob(a);
  int la = sqlite3_value_bytes(a), lb = b->len;
  int c = memcmp(pa, val_bytes(b), (size_t)(la < lb ? la : lb));
  if (c != 0) return c < 0 ? -1 : 1;
  return la < lb ? -1 : la > lb;
}

/* order of (k1, k2) against a kept row; k2 may be NULL (no second key) */
static int compare_keys(sqlite3_value *k1, sqlite3_value *k2, const Kept *k) {
  int c = compare_values(k1, &k->k1);
  if (c != 0 || k2 == NULL || k->k2.type == 0) return c;
  return compare_values(k2, &k->k2);
}

/* copy v into dst, reusing dst's buffer; -1 when out of memory */
static int val_set(Val *dst, sqlite3_value *v) {
  int type = sqlite3_value_type(v);
  dst->type = type;
  dst->subtype = sqlite3_value_subtype(v);
  dst->len = 0;
  if (type == SQLITE_INTEGER) { dst->num.i = sqlite3_value_int64(v); return 0; }
  if (type == SQLITE_FLOAT) { dst->num.d = sqlite3_value_double(v); return 0; }
  const void *p = type == SQLITE_TEXT ? (const void *)sqlite3_value_text(v) : sqlite3_value_blob(v);
  int len = sqlite3_value_bytes(v);
  if (p == NULL && len > 0) return -1;  /* the conversion ran out of memory */
  if (len > INLINE_BYTES) {
    if (dst->cap < len) {
      unsigned char *h = sqlite3_realloc(dst->heap, len);
      if (h == NULL) return -1;
      dst->heap = h;
      dst->cap = len;
    }
  } else if (dst->heap) {
    sqlite3_free(dst->heap);
    dst->heap = NULL;
    dst->cap = 0;
  }
  if (len > 0) memcpy(dst->heap ? dst->heap : dst->buf, p, (size_t)len);
  dst->len = len;
  return 0;
}

static void val_free(Val *v) {
  sqlite3_free(v->heap);
  v->heap = NULL;
  v->cap = 0;
}

static void val_result(sqlite3_context *ctx, const Val *v) {
  switch (v->type) {
  case SQLITE_INTEGER: sqlite3_result_int64(ctx, v->num.i); break;
  case SQLITE_FLOAT: sqlite3_result_double(ctx, v->num.d); break;
  case SQLITE_TEXT: sqlite3_result_text(ctx, (const char *)val_bytes(v), v->len, SQLITE_TRANSIENT); break;
  case SQLITE_BLOB: sqlite3_result_blob(ctx, val_bytes(v), v->len, SQLITE_TRANSIENT); break;
  default: sqlite3_result_null(ctx); return;
  }
  if (v->subtype) sqlite3_result_subtype(ctx, v->subtype);
}

static void kept_free(Kept *k) {
  val_free(&k->value);
  val_free(&k->k1);
  val_free(&k->k2);
}

static void acc_free(ByAcc *a) {
  if (a->kept == NULL) return;
  /* every slot up to n may hold a buffer: a dropped row's slot is reused, not emptied */
  for (int i = 0; i < a->n; i++) kept_free(&a->kept[i]);
  if (a->kept != a->inline_kept) sqlite3_free(a->kept);
  a->kept = NULL;
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
  /* the slot the row goes in: the next free one, or the dropped last row's (its buffers reused) */
  Kept slot = a->kept[a->count == a->n ? a->n - 1 : a->count];
  if (a->count < a->n) a->count++;
  memmove(&a->kept[pos + 1], &a->kept[pos], (size_t)(a->count - 1 - pos) * sizeof(Kept));
  a->kept[pos] = slot;
  Kept *k = &a->kept[pos];
  int rc = val_set(&k->value, value);
  if (rc == 0) rc = val_set(&k->k1, k1);
  if (rc == 0) {
    if (k2) rc = val_set(&k->k2, k2);
    else k->k2.type = 0;
  }
  if (rc != 0) {
    a->failed = 1;
    sqlite3_result_error_nomem(ctx);
  }
}

static void step_by(sqlite3_context *ctx, int argc, sqlite3_value **argv, int nth, int smallest) {
  ByAcc *a = sqlite3_aggregate_context(ctx, sizeof *a);
  if (a == NULL) { sqlite3_result_error_nomem(ctx); return; }
  if (a->failed) return;
  int first_key = nth ? 2 : 1;
  if (a->n == 0) {
    int n = 1;
    if (nth) {
      sqlite3_int64 want = sqlite3_value_int64(argv[1]);
      if (sqlite3_value_numeric_type(argv[1]) != SQLITE_INTEGER || want < 1 || want > MAX_NTH) {
        sqlite3_result_error(ctx, "nth_last_by(): n must be a whole number from 1 to 32", -1);
        a->failed = 1;
        return;
      }
      n = (int)want;
    }
    if (n <= INLINE_KEPT) a->kept = a->inline_kept;
    else {
      a->kept = sqlite3_malloc64((sqlite3_uint64)n * sizeof(Kept));
      if (a->kept == NULL) { a->failed = 1; sqlite3_result_error_nomem(ctx); return; }
      memset(a->kept, 0, (size_t)n * sizeof(Kept));
    }
    a->n = n;
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
    if (a->count == a->n && a->n > 0) val_result(ctx, &a->kept[a->n - 1].value);
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
