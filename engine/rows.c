/*
** rows.c — the "qm.rows" module (engine only): the rows of long report tables written from C.
** A writer formats each row into one buffer, cell by cell, with no Lua value made per cell,
** and hands the text to a sink (a Lua function) in pieces of about 64 kB. Rows come from
**   - a Lua row table (w:row) or a Lua iterator of them (w:drain): a report document's table;
**   - a C-level source that steps a prepared statement: rows.statement(stmt), whose cells are
**     its columns (by name), or rows.consensus(stmt, opts), which unpacks consensus_blob's
**     statistics per question and decides each question's flag — in C for the built-in
**     rules (opts.decide), else by calling the rule in Lua with a reused table.
** Formats: csv (RFC 4180, with the spreadsheet-formula guard of qm.reports.tables), markdown
** (escaped as md_escape does), fixed (printf-like byte widths: the statistik report's text),
** json (one object per row) and column (the table renderer's aligned text once it streams:
** cells escaped as its term() does, padded to the widths it chose, by display width). Number styles: "cell" (the document's: %.2f without trailing zeros),
** "exact" (the shortest text that reads back the same), "people" (%.4g), "json" (as
** qm.reports.json writes numbers) and "csv" (the document's CSV cell: unrounded, the shortest
** text that reads back the same, nothing for NaN or an infinity). Every style is the Lua renderer's, byte for byte; numbers
** already formatted are remembered by their bits (a panel's statistics repeat a lot), so the
** slow exact search runs once per distinct value. A writer given a report language's number
** words (decimal =, group =) writes the "cell" style as that language does (qm.reports.i18n:
** 64,9; 12.345 from five digits up; ∞), and the "people" style with its decimal mark, so a
** Danish table streams from C too.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "qm.h"
#include "sqlite_lua.h"
#include "rows.h"
#include "qm_limits.h"

#define WRITER_MT "qm.rows.writer"
#define SOURCE_MT "qm.rows.source"
#define FLUSH_AT 65536
#define MAX_COLS 256
#define CACHE_SETS 1024    /* remembered formatted numbers, per writer: 1024 sets of 4 (160 kB) */
#define CACHE_WAYS 4
#define CACHE_TEXT 30

/* ---------------------------------------------------------------- buffers */

typedef struct Buf {
  char *p;
  size_t n, cap;
} Buf;

/* the allocator refused: when that is the memory limit (--max-memory), the limit's own error
** (the command then stops as any code that reaches the limit does: exit 4, "raise it with
** --max-memory"), as the limits' hook raises it; else "not enough memory" */
static void refused(lua_State *L) {
  QmLimits *lim = qmL_of(L);
  if (lim != NULL && qmL_poll(lim)) {
    char why[320];
    qmL_stop(L);
    luaL_error(L, "%s", qmL_describe(lim, why, sizeof why));
  }
  luaL_error(L, "not enough memory for a report row");
}

/* grows b to hold `more` bytes beyond its length, with the state's (capped) allocator */
static void buf_need(lua_State *L, Buf *b, size_t more) {
  if (b->n + more <= b->cap) return;
  size_t cap = b->cap ? b->cap : 1024;
  while (cap < b->n + more) cap *= 2;
  void *ud;
  lua_Alloc alloc = lua_getallocf(L, &ud);
  char *p = alloc(ud, b->p, b->p ? b->cap : 0, cap);
  if (p == NULL) refused(L);
  b->p = p;
  b->cap = cap;
}

static void buf_free(lua_State *L, Buf *b) {
  if (b->p) {
    void *ud;
    lua_Alloc alloc = lua_getallocf(L, &ud);
    alloc(ud, b->p, b->cap, 0);
  }
  b->p = NULL;
  b->n = b->cap = 0;
}

static inline void put(lua_State *L, Buf *b, const char *s, size_t len) {
  if (len == 0) return;  /* an empty cell: the buffer (and s) may be NULL, which memcpy may not take */
  if (b->n + len > b->cap) buf_need(L, b, len);
  memcpy(b->p + b->n, s, len);
  b->n += len;
}

static inline void putc_(lua_State *L, Buf *b, char c) {
  if (b->n + 1 > b->cap) buf_need(L, b, 1);
  b->p[b->n++] = c;
}

static void put_spaces(lua_State *L, Buf *b, size_t n) {
  if (n == 0) return;
  buf_need(L, b, n);
  memset(b->p + b->n, ' ', n);
  b->n += n;
}

/* ---------------------------------------------------------------- cells */

enum { CELL_NIL, CELL_INT, CELL_FLOAT, CELL_TEXT, CELL_BOOL, CELL_JSON };

/* one cell's value, borrowed: text points into Lua's or SQLite's memory for the row */
typedef struct Cell {
  int kind;
  lua_Integer i;
  double d;
  const char *s;
  size_t len;
} Cell;

enum { NUM_CELL, NUM_EXACT, NUM_PEOPLE, NUM_JSON, NUM_CSV, NUM_STYLES };
static const char *const num_names[] = { "cell", "exact", "people", "json", "csv", NULL };

enum { FMT_CSV, FMT_MARKDOWN, FMT_FIXED, FMT_JSON, FMT_COLUMN };
static const char *const fmt_names[] = { "csv", "markdown", "fixed", "json", "column", NULL };

/* ---------------------------------------------------------------- numbers */

/* an integer in decimal, as %lld writes it; out has room for 21 bytes and a NUL */
static size_t itoa_(long long v, char *out) {
  if (v >= 0 && v < 100) {  /* most numbers of a report: counts, scores on 0-100 */
    if (v < 10) { out[0] = (char)('0' + v); out[1] = '\0'; return 1; }
    out[0] = (char)('0' + v / 10); out[1] = (char)('0' + v % 10); out[2] = '\0';
    return 2;
  }
  static const char pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";
  char tmp[24];
  size_t n = sizeof tmp;
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
  while (u >= 100) {
    unsigned d = (unsigned)(u % 100);
    u /= 100;
    tmp[--n] = pairs[2 * d + 1];
    tmp[--n] = pairs[2 * d];
  }
  if (u >= 10) { tmp[--n] = pairs[2 * u + 1]; tmp[--n] = pairs[2 * u]; }
  else tmp[--n] = (char)('0' + u);
  size_t len = 0;
  if (v < 0) out[len++] = '-';
  memcpy(out + len, tmp + n, sizeof tmp - n);
  len += sizeof tmp - n;
  out[len] = '\0';
  return len;
}

/* a whole number below 1e15 in size: written as an integer by every style (the %.2f of the
** cell style ends in .00 and loses it; -0 keeps its sign there) */
static inline int small_whole(double v) { return fabs(v) < 1e15 && (double)(long long)v == v; }

/* the document's cell: %.2f, then the Lua pattern "%.?0+$" removed (trailing zeros, and the
** point when nothing is left after it) */
static size_t num_cell(double v, char *out, size_t size) {
  int n = snprintf(out, size, "%.2f", v);
  size_t len = (size_t)n, z = len;
  while (z > 0 && out[z - 1] == '0') z--;
  if (z < len) {
    if (z > 0 && out[z - 1] == '.') z--;
    len = z;
  }
  out[len] = '\0';
  return len;
}

/* the shortest of %.15g, %.16g, %.17g that reads back as v (0 = none did) */
static size_t num_shortest(double v, char *out, size_t size, int last) {
  for (int prec = 15; prec <= last; prec++) {
    int n = snprintf(out, size, "%.*g", prec, v);
    if (strtod(out, NULL) == v) return (size_t)n;
  }
  return 0;
}

static size_t format_number(int style, double v, char *out, size_t size) {
  out[0] = '\0';
  if (v == v && small_whole(v) && !(v == 0 && signbit(v))) {
    size_t n = itoa_((long long)v, out);
    if (style == NUM_JSON) { memcpy(out + n, ".0", 3); n += 2; }
    return n;
  }
  switch (style) {
  case NUM_CELL:
    if (v != v) return 0;
    return num_cell(v, out, size);
  case NUM_EXACT: {  /* statistik's exact(): integral below 1e15 as an integer */
    if (v != v) return 0;
    if (v == floor(v) && fabs(v) < 1e15) return (size_t)snprintf(out, size, "%lld", (long long)v);
    size_t n = num_shortest(v, out, size, 17);
    return n ? n : (size_t)snprintf(out, size, "%.17g", v);
  }
  case NUM_PEOPLE:  /* statistik's num(): rounded for people */
    if (v != v) return 0;
    if (v == floor(v) && fabs(v) < 1e15) return (size_t)snprintf(out, size, "%lld", (long long)v);
    return (size_t)snprintf(out, size, "%.4g", v);
  case NUM_CSV: {  /* the document's CSV cell: unrounded, no text for NaN or an infinity */
    if (v != v || isinf(v)) return 0;
    if (v == floor(v) && fabs(v) < 9007199254740992.0) return (size_t)snprintf(out, size, "%lld", (long long)v);
    size_t n = num_shortest(v, out, size, 16);
    return n ? n : (size_t)snprintf(out, size, "%.17g", v);
  }
  case NUM_JSON: {  /* qm.reports.json's number() for a float */
    if (v != v || isinf(v)) return (size_t)snprintf(out, size, "null");
    if (v == floor(v) && fabs(v) < 9007199254740992.0) return (size_t)snprintf(out, size, "%.1f", v);
    size_t n = num_shortest(v, out, size, 16);
    return n ? n : (size_t)snprintf(out, size, "%.17g", v);
  }
  default: return 0;
  }
}

typedef struct CacheSlot {
  uint64_t bits;
  unsigned char style, len, used, turn;
  char text[CACHE_TEXT];
} CacheSlot;

/* ---------------------------------------------------------------- writer */

typedef struct Col {
  char key[64];         /* the row's key, or the source's field name */
  int num;              /* number style */
  int width, right;     /* text and fixed formats */
  int has_format;       /* the column spec has format(v, row) (document tables) */
  int field;            /* the source's field for key, once resolved (-1: none) */
} Col;

typedef struct Writer {
  int fmt;
  int ncols;
  Col cols[MAX_COLS];
  Buf buf, scratch;
  int prose;            /* column: line breaks and tabs in a cell read as spaces */
  int has_width;        /* column: a Lua width function for text with bytes >= 0x80 */
  int first;            /* the next line is the output's first: no `pre` before it */
  char pre[8], post[8], lead[8], yes[32], no[32];
  size_t pre_len, post_len, lead_len, yes_len, no_len;
  char decimal[8], group[8];  /* the language's decimal mark and thousands separator (cell style) */
  size_t decimal_len, group_len;
  int localized;        /* a language's numbers (decimal given) */
  char numbuf[512];     /* a number too long to remember */
  char locbuf[1024];    /* a number in the language's way */
  const void *src_resolved;  /* the source whose fields the columns were resolved against */
  CacheSlot *cache;
} Writer;

/* uservalues of a writer: 1 = sink, 2 = the columns table (format functions), 3 = width fn */

static Writer *check_writer(lua_State *L, int idx) {
  return luaL_checkudata(L, idx, WRITER_MT);
}

/* a number as text: remembered by its bits, formatted once */
static const char *number_text(lua_State *L, Writer *w, int style, double v, size_t *len) {
  char *big = w->numbuf;
  if (small_whole(v) && !(v == 0 && signbit(v))) {  /* the common case: no search */
    size_t n = itoa_((long long)v, big);
    if (style == NUM_JSON) { memcpy(big + n, ".0", 3); n += 2; }
    *len = n;
    return big;
  }
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  if (w->cache == NULL) {
    void *ud;
    lua_Alloc alloc = lua_getallocf(L, &ud);
    w->cache = alloc(ud, NULL, 0, sizeof(CacheSlot) * CACHE_SETS * CACHE_WAYS);
    if (w->cache == NULL) refused(L);
    memset(w->cache, 0, sizeof(CacheSlot) * CACHE_SETS * CACHE_WAYS);
  }
  uint64_t h = (bits ^ (bits >> 29) ^ ((uint64_t)style * 0x9E3779B97F4A7C15ULL)) * 0xBF58476D1CE4E5B9ULL;
  size_t set_no = (size_t)((h >> 40) % CACHE_SETS);
  CacheSlot *set = &w->cache[set_no * CACHE_WAYS];
  for (int k = 0; k < CACHE_WAYS; k++) {
    if (set[k].bits == bits && set[k].style == style && set[k].used) {
      *len = set[k].len;
      return set[k].text;
    }
  }
  /* a miss: the ways of a set are replaced in turn (way 0 keeps whose turn it is) */
  size_t n = format_number(style, v, big, sizeof w->numbuf);
  if (n < CACHE_TEXT) {
    CacheSlot *c = &set[set[0].turn % CACHE_WAYS];
    set[0].turn = (unsigned char)((set[0].turn + 1) % CACHE_WAYS);
    c->used = 1;
    c->bits = bits;
    c->style = (unsigned char)style;
    c->len = (unsigned char)n;
    memcpy(c->text, big, n + 1);
  }
  *len = n;
  return big;
}

static const char *int_text(lua_Integer i, char *out, size_t size, size_t *len) {
  (void)size;
  *len = itoa_((long long)i, out);
  return out;
}

/* a "cell" or "people" number as the report's language writes it (qm.reports.i18n's
** number()): "-0" is "0", infinities are ∞ and -∞, the integer part grouped by threes from
** five digits up, the language's decimal mark; text that is no plain number is kept */
static const char *localize(Writer *w, const char *s, size_t n, size_t *len) {
  if (n == 3 && memcmp(s, "inf", 3) == 0) { *len = 3; return "\xe2\x88\x9e"; }
  if (n == 4 && memcmp(s, "-inf", 4) == 0) { *len = 4; return "-\xe2\x88\x9e"; }
  if (n == 2 && memcmp(s, "-0", 2) == 0) { *len = 1; return "0"; }
  size_t i = s[0] == '-' ? 1 : 0, d = i;
  while (d < n && s[d] >= '0' && s[d] <= '9') d++;
  size_t ndig = d - i;
  if (ndig == 0 || (d < n && s[d] != '.')) { *len = n; return s; }
  size_t frac = d < n ? d + 1 : n;
  for (size_t k = frac; k < n; k++) if (s[k] < '0' || s[k] > '9') { *len = n; return s; }
  if ((ndig <= 4 || w->group_len == 0) && (d == n || (w->decimal_len == 1 && w->decimal[0] == '.'))) {
    *len = n;  /* nothing to change */
    return s;
  }
  size_t need = n + (ndig / 3) * w->group_len + w->decimal_len + 1;
  if (need > sizeof w->locbuf) { *len = n; return s; }
  char *o = w->locbuf;
  size_t m = 0;
  if (i) o[m++] = '-';
  for (size_t k = 0; k < ndig; k++) {
    if (k > 0 && ndig > 4 && (ndig - k) % 3 == 0) { memcpy(o + m, w->group, w->group_len); m += w->group_len; }
    o[m++] = s[i + k];
  }
  if (d < n) {
    memcpy(o + m, w->decimal, w->decimal_len);
    m += w->decimal_len;
    memcpy(o + m, s + frac, n - frac);
    m += n - frac;
  }
  o[m] = '\0';
  *len = m;
  return o;
}

/* ---------------------------------------------------------------- encodings */

/* qm.reports.document's csv_field: a formula-looking cell gets a leading ', a plain number
** stays as it is; quoted when it holds , " CR or LF */
static int number_pattern(const char *s, size_t len) {  /* ^ *[-+]?[%d.]+[eE]?[-+]?%d*$ */
  size_t i = 0;
  while (i < len && s[i] == ' ') i++;
  if (i < len && (s[i] == '-' || s[i] == '+')) i++;
  size_t d0 = i;
  while (i < len && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) i++;
  if (i == d0) return 0;
  if (i < len && (s[i] == 'e' || s[i] == 'E')) i++;
  if (i < len && (s[i] == '-' || s[i] == '+')) i++;
  while (i < len && s[i] >= '0' && s[i] <= '9') i++;
  return i == len;
}

static void put_csv(lua_State *L, Buf *b, const char *s, size_t len, int is_number) {
  if (is_number) { put(L, b, s, len); return; }  /* a finite number's text: nothing to guard or quote */
  int guard = 0;
  {
    size_t i = 0;
    while (i < len && s[i] == ' ') i++;
    if (i < len && i + 1 < len) {
      char f = s[i];
      if (f == '=' || f == '+' || f == '-' || f == '@' || f == '\t' || f == '\r') {
        guard = 1;
        if (number_pattern(s, len) && strlen(s) == len && lua_stringtonumber(L, s) != 0) {
          lua_pop(L, 1);
          guard = 0;
        }
      }
    }
  }
  int quote = 0;
  for (size_t i = 0; i < len && !quote; i++) quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
  if (quote) putc_(L, b, '"');
  if (guard) putc_(L, b, '\'');
  if (!quote) { put(L, b, s, len); return; }
  const char *p = s, *end = s + len;
  while (p < end) {
    const char *q = memchr(p, '"', (size_t)(end - p));
    if (q == NULL) { put(L, b, p, (size_t)(end - p)); break; }
    put(L, b, p, (size_t)(q + 1 - p));
    putc_(L, b, '"');
    p = q + 1;
  }
  putc_(L, b, '"');
}

static int is_control(unsigned char c) { return c < 9 || (c > 10 && c < 32) || c == 127; }

static void put_hex(lua_State *L, Buf *b, unsigned char c, int md) {
  char x[8];
  int n = snprintf(x, sizeof x, md ? "\\\\x%02x" : "\\x%02x", c);
  put(L, b, x, (size_t)n);
}

/* md_escape(s): sanitize, entities, backslash before | \ ` * _ [ ] ~, newline as <br> */
static void put_markdown(lua_State *L, Buf *b, const char *s, size_t len) {
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (is_control(c)) put_hex(L, b, c, 1);
    else if (c == '&') put(L, b, "&amp;", 5);
    else if (c == '<') put(L, b, "&lt;", 4);
    else if (c == '>') put(L, b, "&gt;", 4);
    else if (c == '\n') put(L, b, "<br>", 4);
    else if (c == '|' || c == '\\' || c == '`' || c == '*' || c == '_' || c == '[' || c == ']' || c == '~') {
      putc_(L, b, '\\');
      putc_(L, b, (char)c);
    } else putc_(L, b, (char)c);
  }
}

/* the length of the strict UTF-8 sequence at s (as Lua's utf8.len decodes: no overlong
** forms, surrogates or code points above U+10FFFF), 0 when it is not one */
static size_t utf8_seq(const unsigned char *s, size_t len) {
  unsigned char c = s[0];
  int extra = c >= 0xF8 ? -1 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : -1;
  if (extra < 0 || (size_t)extra >= len) return 0;
  uint32_t cp = c & (0x3Fu >> extra);
  for (int k = 1; k <= extra; k++) {
    if ((s[k] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[k] & 0x3Fu);
  }
  static const uint32_t least[] = { 0, 0x80, 0x800, 0x10000 };
  if (cp < least[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return (size_t)extra + 1;
}

/* the table renderer's term(): with prose, line breaks and tabs as spaces; then a line break
** as \n, other control characters and bytes that are not UTF-8 as \xNN; *ascii tells
** whether the result is ASCII (its display width is then its length) */
static void put_term(lua_State *L, Buf *b, const char *s, size_t len, int prose, int *ascii) {
  const unsigned char *u = (const unsigned char *)s;
  *ascii = 1;
  for (size_t i = 0; i < len;) {
    unsigned char c = u[i];
    if (c < 0x80) {
      if (prose && (c == '\n' || c == '\t')) putc_(L, b, ' ');
      else if (c == '\n') put(L, b, "\\n", 2);
      else if (c < 32 || c == 127) put_hex(L, b, c, 0);
      else putc_(L, b, (char)c);
      i++;
      continue;
    }
    size_t n = utf8_seq(u + i, len - i);
    if (n == 0) { put_hex(L, b, c, 0); i++; continue; }
    put(L, b, s + i, n);
    *ascii = 0;
    i += n;
  }
}

/* json.quote(s): " \ and control characters escaped */
static void put_json_string(lua_State *L, Buf *b, const char *s, size_t len) {
  putc_(L, b, '"');
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
    case '"': put(L, b, "\\\"", 2); break;
    case '\\': put(L, b, "\\\\", 2); break;
    case '\b': put(L, b, "\\b", 2); break;
    case '\f': put(L, b, "\\f", 2); break;
    case '\n': put(L, b, "\\n", 2); break;
    case '\r': put(L, b, "\\r", 2); break;
    case '\t': put(L, b, "\\t", 2); break;
    default:
      if (c < 32 || c == 127) {
        char x[8];
        int n = snprintf(x, sizeof x, "\\u%04x", c);
        put(L, b, x, (size_t)n);
      } else putc_(L, b, (char)c);
    }
  }
  putc_(L, b, '"');
}

/* ---------------------------------------------------------------- a cell into the line */

/* the cell's text for csv, markdown, text and fixed (numbers in the column's style) */
static const char *cell_text(lua_State *L, Writer *w, const Col *c, const Cell *v, char *tmp, size_t tmpsize,
                             size_t *len, int *is_number) {
  *is_number = 0;
  switch (v->kind) {
  case CELL_INT: {
    *is_number = 1;
    const char *t = int_text(v->i, tmp, tmpsize, len);
    return w->localized && (c->num == NUM_CELL || c->num == NUM_PEOPLE) ? localize(w, t, *len, len) : t;
  }
  case CELL_FLOAT: {
    *is_number = isfinite(v->d);
    const char *t = number_text(L, w, c->num, v->d, len);
    return w->localized && (c->num == NUM_CELL || c->num == NUM_PEOPLE) && *len > 0 ? localize(w, t, *len, len) : t;
  }
  case CELL_TEXT: case CELL_JSON: *len = v->len; return v->s;
  case CELL_BOOL:
    if (v->i) { *len = w->yes_len; return w->yes; }
    *len = w->no_len;
    return w->no;
  default: *len = 0; return "";
  }
}

/* writes cell number i of the line (separators included) */
static void put_cell(lua_State *L, Writer *w, int self, int i, const Cell *v) {
  const Col *c = &w->cols[i];
  Buf *b = &w->buf;
  char tmp[64];
  size_t len;
  int is_number;
  if (w->fmt == FMT_JSON) {
    putc_(L, b, i == 0 ? '{' : ',');
    put_json_string(L, b, c->key, strlen(c->key));
    putc_(L, b, ':');
    switch (v->kind) {
    case CELL_INT: int_text(v->i, tmp, sizeof tmp, &len); put(L, b, tmp, len); break;
    case CELL_FLOAT: { const char *t = number_text(L, w, NUM_JSON, v->d, &len); put(L, b, t, len); break; }
    case CELL_TEXT: put_json_string(L, b, v->s, v->len); break;
    case CELL_BOOL: if (v->i) put(L, b, "true", 4); else put(L, b, "false", 5); break;
    case CELL_JSON: put(L, b, v->s, v->len); break;
    default: put(L, b, "null", 4);
    }
    return;
  }
  const char *t = cell_text(L, w, c, v, tmp, sizeof tmp, &len, &is_number);
  switch (w->fmt) {
  case FMT_CSV:
    if (i > 0) putc_(L, b, ',');
    put_csv(L, b, t, len, is_number);
    break;
  case FMT_MARKDOWN:
    put(L, b, i == 0 ? "| " : " | ", i == 0 ? 2 : 3);
    put_markdown(L, b, t, len);
    break;
  case FMT_COLUMN: {
    if (i > 0) put(L, b, "  ", 2);
    int ascii;
    w->scratch.n = 0;
    put_term(L, &w->scratch, t, len, w->prose, &ascii);
    const char *cs = w->scratch.p ? w->scratch.p : "";
    size_t cw = w->scratch.n;
    if (!ascii && w->has_width) {  /* the renderer's own width: wide and zero-width characters */
      lua_getiuservalue(L, self, 3);
      lua_pushlstring(L, cs, w->scratch.n);
      lua_call(L, 1, 1);
      lua_Integer n = lua_tointeger(L, -1);
      lua_pop(L, 1);
      cw = n < 0 ? 0 : (size_t)n;
    }
    size_t gap = c->width > 0 && cw < (size_t)c->width ? (size_t)c->width - cw : 0;
    if (c->right) put_spaces(L, b, gap);
    put(L, b, cs, w->scratch.n);
    if (!c->right) put_spaces(L, b, gap);
    break;
  }
  case FMT_FIXED:
    if (i > 0) putc_(L, b, ' ');
    if (c->width > 0 && len < (size_t)c->width && c->right) put_spaces(L, b, (size_t)c->width - len);
    put(L, b, t, len);
    if (c->width > 0 && len < (size_t)c->width && !c->right) put_spaces(L, b, (size_t)c->width - len);
    break;
  default: break;
  }
}

static void line_start(lua_State *L, Writer *w) {
  if (!w->first) put(L, &w->buf, w->pre, w->pre_len);
  else put(L, &w->buf, w->lead, w->lead_len);
  w->first = 0;
}

static void line_end(lua_State *L, Writer *w, size_t start) {
  Buf *b = &w->buf;
  if (w->fmt == FMT_MARKDOWN) put(L, b, " |", 2);
  else if (w->fmt == FMT_JSON) putc_(L, b, '}');
  else if (w->fmt == FMT_COLUMN) {  /* the line's trailing white space trimmed, as %s+$ */
    while (b->n > start && (b->p[b->n - 1] == ' ' || (b->p[b->n - 1] >= '\t' && b->p[b->n - 1] <= '\r'))) b->n--;
  }
  put(L, b, w->post, w->post_len);
}

static void flush(lua_State *L, Writer *w, int self) {
  if (w->buf.n == 0) return;
  lua_getiuservalue(L, self, 1);
  lua_pushlstring(L, w->buf.p, w->buf.n);
  w->buf.n = 0;
  lua_call(L, 1, 0);
}

/* ---------------------------------------------------------------- Lua row tables */

/* the cell of value at the top of the stack (left there): as qm.reports.document's cell() */
static void cell_of_lua(lua_State *L, Cell *v) {
  memset(v, 0, sizeof *v);
  switch (lua_type(L, -1)) {
  case LUA_TNIL: v->kind = CELL_NIL; break;
  case LUA_TNUMBER:
    if (lua_isinteger(L, -1)) { v->kind = CELL_INT; v->i = lua_tointeger(L, -1); }
    else { v->kind = CELL_FLOAT; v->d = lua_tonumber(L, -1); }
    break;
  case LUA_TBOOLEAN: v->kind = CELL_BOOL; v->i = lua_toboolean(L, -1); break;
  case LUA_TSTRING: v->kind = CELL_TEXT; v->s = lua_tolstring(L, -1, &v->len); break;
  default: {
    int is_ud = lua_type(L, -1) == LUA_TUSERDATA;
    const char *s = luaL_tolstring(L, -1, &v->len);  /* tostring(v), left above the value */
    lua_replace(L, -2);
    if (is_ud && v->len == 4 && memcmp(s, "null", 4) == 0) { v->kind = CELL_NIL; v->len = 0; break; }
    v->kind = CELL_TEXT;
    v->s = s;
  }
  }
}

/* one row table (at index row) as a line */
static void write_lua_row(lua_State *L, Writer *w, int self, int row) {
  line_start(L, w);
  size_t start = w->buf.n;
  int top = lua_gettop(L);
  for (int i = 0; i < w->ncols; i++) {
    const Col *c = &w->cols[i];
    lua_getfield(L, row, c->key);
    if (c->has_format) {  /* v = col.format(v, row) */
      lua_getiuservalue(L, self, 2);
      lua_rawgeti(L, -1, i + 1);
      lua_getfield(L, -1, "format");
      lua_pushvalue(L, -4);
      lua_pushvalue(L, row);
      lua_call(L, 2, 1);
      lua_replace(L, -4);
      lua_pop(L, 2);
    }
    Cell v;
    cell_of_lua(L, &v);
    put_cell(L, w, self, i, &v);
    lua_settop(L, top);
  }
  line_end(L, w, start);
  if (w->buf.n >= FLUSH_AT) flush(L, w, self);
}

/* ---------------------------------------------------------------- sources */

enum { SRC_STATEMENT, SRC_CONSENSUS };

/* the consensus source's fields */
enum {
  F_ROUND, F_QUESTION, F_N, F_DONTKNOW, F_MEAN, F_MEDIAN, F_MODE, F_SD, F_VARIANCE, F_Q1, F_Q3, F_IQR,
  F_MIN, F_MAX, F_RANGE, F_K, F_WITHIN_K, F_A, F_RWG, F_FLAG, F_REASONS, F_MODE_OUTSIDE, F_N_MODES, F_STEP,
  F_COUNT
};
static const char *const consensus_fields[] = {
  "round", "question", "n", "dontknow", "mean", "median", "mode", "sd", "variance", "q1", "q3", "iqr",
  "min", "max", "range", "k", "within_k", "A", "rwg", "flag", "reasons", "mode_outside", "n_modes", "step", NULL };

/* the blob's doubles (docs/db.md, consensus_blob) */
enum { B_N, B_NULLS, B_MEAN, B_MEDIAN, B_SD, B_RWG, B_IQR, B_MIN, B_MAX, B_RANGE, B_OUTSIDE, B_WITHIN,
       B_MODE, B_NMODES, B_VARIANCE, B_Q1, B_Q3, B_COUNT };

/* the built-in rules the source decides in C (qm.rules.consensus: decide) */
enum { RULE_NONE, RULE_MEDIAN, RULE_MEAN, RULE_MODE, RULE_RWG, RULE_AGREEMENT };
static const char *const rule_names[] = { "none", "median", "mean", "mode_rule", "rwg", "percent_agreement", NULL };

/* reasons a statistic is missing, the keys sorted as qm.reports.json writes an object */
enum { R_MODE = 1, R_N = 2, R_RWG = 4, R_SD = 8, R_VARIANCE = 16 };

typedef struct Source {
  int kind;
  int done;
  sqlite3_stmt *st;           /* the statement, checked at each step (valid for that row) */
  int rows;                   /* rows read so far */
  lua_Integer flagged;        /* consensus: questions flagged so far */
  int fill;                   /* consensus: fill the Lua q for every question */
  /* consensus: the current question */
  double b[B_COUNT];
  int reasons;
  const char *why_sd, *why_rwg;
  int flag;
  int rule, has_limit, ties_flag;
  double limit;
  int flags_ref;              /* uservalue 2: the Lua rule's flags(q, question), q in uservalue 3 */
  char reasons_json[256];
  size_t reasons_len;
} Source;

/* uservalues of a source: 1 = the statement, 2 = flags function (consensus, Lua rules), 3 = q */

static Source *check_source(lua_State *L, int idx) {
  return luaL_checkudata(L, idx, SOURCE_MT);
}

static sqlite3_stmt *source_stmt(lua_State *L, int idx) {
  lua_getiuservalue(L, idx, 1);
  sqlite3_stmt *st = qmDb_tostmt(L, -1);
  lua_pop(L, 1);
  check_source(L, idx)->st = st;
  return st;
}

static int source_nfields(lua_State *L, Source *s, int idx) {
  if (s->kind == SRC_CONSENSUS) return F_COUNT;
  return sqlite3_column_count(source_stmt(L, idx));
}

static const char *source_field_name(lua_State *L, Source *s, int idx, int f) {
  if (s->kind == SRC_CONSENSUS) return consensus_fields[f];
  return sqlite3_column_name(source_stmt(L, idx), f);
}

/* a column of the statement as a cell */
static void cell_of_column(sqlite3_stmt *st, int i, Cell *v) {
  switch (sqlite3_column_type(st, i)) {
  case SQLITE_INTEGER: v->kind = CELL_INT; v->i = sqlite3_column_int64(st, i); break;
  case SQLITE_FLOAT: v->kind = CELL_FLOAT; v->d = sqlite3_column_double(st, i); break;
  case SQLITE_TEXT:
    v->kind = CELL_TEXT;
    v->s = (const char *)sqlite3_column_text(st, i);
    v->len = (size_t)sqlite3_column_bytes(st, i);
    if (v->s == NULL) { v->s = ""; v->len = 0; }
    break;
  case SQLITE_BLOB:
    v->kind = CELL_TEXT;
    v->s = sqlite3_column_blob(st, i);
    v->len = (size_t)sqlite3_column_bytes(st, i);
    if (v->s == NULL) { v->s = ""; v->len = 0; }
    break;
  default: v->kind = CELL_NIL;
  }
}

/* the consensus statement's columns: round, question, A, k, step, blob */
enum { C_ROUND, C_QUESTION, C_A, C_K, C_STEP, C_BLOB };

/* qm.eval.stats.mode_rule_allows(n) */
static double mode_rule_allows(double n) {
  if (n >= 8 && n <= 10) return 2;
  if (n >= 11 && n <= 13) return 3;
  return floor(n * 0.2);
}

/* reads the current row's blob; sets the reasons (as selfassess.each_question's fill did) */
static void consensus_read(lua_State *L, Source *s, sqlite3_stmt *st) {
  const unsigned char *blob = sqlite3_column_blob(st, C_BLOB);
  int bytes = sqlite3_column_bytes(st, C_BLOB);
  if (blob == NULL || bytes < (int)(B_COUNT * 8))
    luaL_error(L, "consensus statistics: the query did not give consensus_blob's statistics");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy(s->b, blob, sizeof s->b);  /* the blob is little-endian doubles */
#else
  for (int i = 0; i < B_COUNT; i++) {
    uint64_t bits = 0;
    for (int k = 0; k < 8; k++) bits |= (uint64_t)blob[i * 8 + k] << (8 * k);
    memcpy(&s->b[i], &bits, sizeof(double));
  }
#endif
  double n = s->b[B_N];
  s->reasons = 0;
  s->why_sd = s->why_rwg = NULL;
  if (n == 0) s->reasons |= R_N;
  if (s->b[B_SD] != s->b[B_SD] && n > 0) {
    s->reasons |= R_SD | R_VARIANCE;
    s->why_sd = n < 2 ? "fewer than 2 scores" : "undefined: a score is infinite";
  }
  if (s->b[B_RWG] != s->b[B_RWG]) {
    s->reasons |= R_RWG;
    /* the reasons in qmStat_rwg's order (engine/stats.c), as consensus_stats gives them */
    s->why_rwg = sqlite3_column_type(st, C_A) == SQLITE_NULL ? "the scale has no countable set of answer options"
               : n < 2 ? "fewer than 2 scores"
               : "undefined: a score is infinite";
  }
  if (s->b[B_MODE] != s->b[B_MODE] && n > 0) s->reasons |= R_MODE;
}

/* the flag of a built-in rule, decided in C: the same tests as qm.rules.consensus */
static int consensus_decide(const Source *s) {
  const double *b = s->b;
  double n = b[B_N];
  if (n == 0) return 1;
  switch (s->rule) {
  case RULE_MEDIAN: return s->has_limit && b[B_RANGE] > s->limit;
  case RULE_MEAN: return s->has_limit && b[B_SD] == b[B_SD] && b[B_SD] > s->limit;
  case RULE_MODE: return b[B_OUTSIDE] > mode_rule_allows(n) || (s->ties_flag && b[B_NMODES] > 1);
  case RULE_RWG: return b[B_RWG] != b[B_RWG] || b[B_RWG] < s->limit;
  case RULE_AGREEMENT: return b[B_WITHIN] < s->limit;  /* NaN (median undefined): not below */
  default: return 0;
  }
}

static void setnum(lua_State *L, int t, const char *k, double v, int nil_when_empty, double n) {
  if (nil_when_empty && n == 0) lua_pushnil(L);
  else lua_pushnumber(L, v);
  lua_setfield(L, t, k);
}

static void push_column_value(lua_State *L, sqlite3_stmt *st, int i) {
  switch (sqlite3_column_type(st, i)) {
  case SQLITE_INTEGER: lua_pushinteger(L, sqlite3_column_int64(st, i)); break;
  case SQLITE_FLOAT: lua_pushnumber(L, sqlite3_column_double(st, i)); break;
  case SQLITE_TEXT: lua_pushlstring(L, (const char *)sqlite3_column_text(st, i), (size_t)sqlite3_column_bytes(st, i)); break;
  default: lua_pushnil(L);
  }
}

/* fills q (at index q) with the question's statistics, as each_question's fill() did: nil
** for what is undefined, the reasons in a new table */
static void consensus_fill(lua_State *L, Source *s, sqlite3_stmt *st, int q) {
  const double *b = s->b;
  double n = b[B_N];
  push_column_value(L, st, C_A); lua_setfield(L, q, "A");
  if (sqlite3_column_type(st, C_STEP) == SQLITE_NULL) lua_pushinteger(L, 1); else push_column_value(L, st, C_STEP);
  lua_setfield(L, q, "step");
  push_column_value(L, st, C_K); lua_setfield(L, q, "k");
  lua_pushinteger(L, (lua_Integer)n); lua_setfield(L, q, "n");
  lua_pushinteger(L, (lua_Integer)b[B_NULLS]); lua_setfield(L, q, "dontknow");
  setnum(L, q, "mean", b[B_MEAN], 1, n);
  setnum(L, q, "median", b[B_MEDIAN], 1, n);
  if (b[B_SD] != b[B_SD]) { lua_pushnil(L); lua_setfield(L, q, "sd"); lua_pushnil(L); lua_setfield(L, q, "variance"); }
  else { setnum(L, q, "sd", b[B_SD], 0, n); setnum(L, q, "variance", b[B_VARIANCE], 0, n); }
  if (b[B_RWG] != b[B_RWG]) lua_pushnil(L); else lua_pushnumber(L, b[B_RWG]);
  lua_setfield(L, q, "rwg");
  setnum(L, q, "iqr", b[B_IQR], 1, n);
  setnum(L, q, "min", b[B_MIN], 1, n);
  setnum(L, q, "max", b[B_MAX], 1, n);
  setnum(L, q, "range", b[B_RANGE], 1, n);
  setnum(L, q, "mode_outside", b[B_OUTSIDE], 1, n);
  setnum(L, q, "within_k", b[B_WITHIN], 1, n);
  if (n == 0 || b[B_MODE] != b[B_MODE]) lua_pushnil(L); else lua_pushnumber(L, b[B_MODE]);
  lua_setfield(L, q, "mode");
  setnum(L, q, "n_modes", b[B_NMODES], 1, n);
  setnum(L, q, "q1", b[B_Q1], 1, n);
  setnum(L, q, "q3", b[B_Q3], 1, n);
  lua_createtable(L, 0, 4);
  if (s->reasons & R_N) { lua_pushliteral(L, "nobody scored it"); lua_setfield(L, -2, "n"); }
  if (s->reasons & R_SD) {
    lua_pushstring(L, s->why_sd); lua_setfield(L, -2, "sd");
    lua_pushstring(L, s->why_sd); lua_setfield(L, -2, "variance");
  }
  if (s->reasons & R_RWG) { lua_pushstring(L, s->why_rwg); lua_setfield(L, -2, "rwg"); }
  if (s->reasons & R_MODE) { lua_pushliteral(L, "the modes tie (ties = flag)"); lua_setfield(L, -2, "mode"); }
  lua_setfield(L, q, "reasons");
}

/* steps the source at idx to its next row: 1 = a row, 0 = done */
static int source_next(lua_State *L, Source *s, int idx) {
  if (s->done) return 0;
  lua_getiuservalue(L, idx, 1);
  s->st = qmDb_stepstmt(L, -1);
  lua_pop(L, 1);
  if (s->st == NULL) { s->done = 1; return 0; }
  s->rows++;
  if (s->kind == SRC_CONSENSUS) {
    sqlite3_stmt *st = s->st;
    consensus_read(L, s, st);
    if (s->fill) {
      lua_getiuservalue(L, idx, 3);  /* q */
      consensus_fill(L, s, st, lua_gettop(L));
      lua_pop(L, 1);
    }
    if (s->rule != RULE_NONE) s->flag = consensus_decide(s);
    else {
      lua_getiuservalue(L, idx, 3);  /* q */
      int q = lua_gettop(L);
      lua_getiuservalue(L, idx, 2);  /* flags(q, question) */
      lua_pushvalue(L, q);
      push_column_value(L, st, C_QUESTION);
      lua_call(L, 2, 1);
      s->flag = lua_toboolean(L, -1);
      lua_pop(L, 2);
    }
    if (s->flag) s->flagged++;
  }
  return 1;
}

/* the reasons as a JSON object, keys sorted (mode, n, rwg, sd, variance) */
static void reasons_json(Source *s) {
  char *p = s->reasons_json;
  size_t cap = sizeof s->reasons_json, n = 0;
  int first = 1;
#define ADD(key, why) do { int k_ = snprintf(p + n, cap - n, "%s\"%s\":\"%s\"", first ? "" : ",", key, why); \
    n += (size_t)k_; first = 0; } while (0)
  p[n++] = '{';
  if (s->reasons & R_MODE) ADD("mode", "the modes tie (ties = flag)");
  if (s->reasons & R_N) ADD("n", "nobody scored it");
  if (s->reasons & R_RWG) ADD("rwg", s->why_rwg);
  if (s->reasons & R_SD) { ADD("sd", s->why_sd); ADD("variance", s->why_sd); }
#undef ADD
  p[n++] = '}';
  p[n] = '\0';
  s->reasons_len = n;
}

/* the fields that are statistics of the blob: its index, and whether they are undefined
** (nil in Lua) when nobody scored the question; -1: not a blob statistic */
static const struct { signed char blob, empty_nan; } blob_field[F_COUNT] = {
  [F_ROUND] = { -1, 0 }, [F_QUESTION] = { -1, 0 }, [F_N] = { -1, 0 }, [F_DONTKNOW] = { -1, 0 },
  [F_MEAN] = { B_MEAN, 1 }, [F_MEDIAN] = { B_MEDIAN, 1 }, [F_MODE] = { B_MODE, 1 }, [F_SD] = { B_SD, 0 },
  [F_VARIANCE] = { -1, 0 }, [F_Q1] = { B_Q1, 1 }, [F_Q3] = { B_Q3, 1 }, [F_IQR] = { B_IQR, 1 },
  [F_MIN] = { B_MIN, 1 }, [F_MAX] = { B_MAX, 1 }, [F_RANGE] = { B_RANGE, 1 }, [F_K] = { -1, 0 },
  [F_WITHIN_K] = { B_WITHIN, 1 }, [F_A] = { -1, 0 }, [F_RWG] = { B_RWG, 0 }, [F_FLAG] = { -1, 0 },
  [F_REASONS] = { -1, 0 }, [F_MODE_OUTSIDE] = { B_OUTSIDE, 1 }, [F_N_MODES] = { B_NMODES, 1 }, [F_STEP] = { -1, 0 } };

/* the consensus source's field f as a cell */
static void consensus_cell(Source *s, sqlite3_stmt *st, int f, Cell *v) {
  const double *b = s->b;
  if (blob_field[f].blob >= 0) {
    double d = blob_field[f].empty_nan && b[B_N] == 0 ? NAN : b[blob_field[f].blob];
    /* NaN: nil in Lua, so empty in text and null in JSON */
    v->kind = d == d ? CELL_FLOAT : CELL_NIL;
    v->d = d;
    return;
  }
  switch (f) {
  case F_ROUND: cell_of_column(st, C_ROUND, v); return;
  case F_QUESTION: cell_of_column(st, C_QUESTION, v); return;
  case F_N: v->kind = CELL_INT; v->i = (lua_Integer)b[B_N]; return;
  case F_DONTKNOW: v->kind = CELL_INT; v->i = (lua_Integer)b[B_NULLS]; return;
  case F_VARIANCE:
    v->d = b[B_SD] != b[B_SD] ? NAN : b[B_VARIANCE];
    v->kind = v->d == v->d ? CELL_FLOAT : CELL_NIL;
    return;
  case F_K: cell_of_column(st, C_K, v); return;
  case F_A: cell_of_column(st, C_A, v); return;
  case F_FLAG: v->kind = CELL_BOOL; v->i = s->flag; return;
  case F_REASONS: reasons_json(s); v->kind = CELL_JSON; v->s = s->reasons_json; v->len = s->reasons_len; return;
  case F_STEP: cell_of_column(st, C_STEP, v); return;
  default: v->kind = CELL_NIL; return;
  }
}

/* a field of the row the source stands on (after source_next) */
static void source_cell(Source *s, int f, Cell *v) {
  sqlite3_stmt *st = s->st;
  if (f < 0) { memset(v, 0, sizeof *v); return; }
  if (s->kind == SRC_CONSENSUS) consensus_cell(s, st, f, v);
  else cell_of_column(st, f, v);
}

/* the source's field for every column of w, by name (-1: the rows have no such field) */
static void resolve(lua_State *L, Writer *w, Source *s, int sidx) {
  if (w->src_resolved == s) return;
  int nf = source_nfields(L, s, sidx);
  for (int i = 0; i < w->ncols; i++) {
    w->cols[i].field = -1;
    for (int f = 0; f < nf; f++) {
      const char *name = source_field_name(L, s, sidx, f);
      if (name && strcmp(name, w->cols[i].key) == 0) { w->cols[i].field = f; break; }
    }
  }
  w->src_resolved = s;
}

/* the rest of a source's rows, each as a line; the number of lines */
static lua_Integer drain_source(lua_State *L, Writer *w, int self, Source *s, int sidx) {
  resolve(L, w, s, sidx);
  for (int i = 0; i < w->ncols; i++) {
    if (w->cols[i].has_format)
      return luaL_error(L, "a column with a format function needs rows as Lua tables (column %s)", w->cols[i].key);
  }
  lua_Integer lines = 0;
  /* CSV of the consensus source (the national statistics): the statistics go from the blob
  ** into the line without a cell in between, the same text as put_cell writes */
  int fast = w->fmt == FMT_CSV && s->kind == SRC_CONSENSUS;
  while (source_next(L, s, sidx)) {
    line_start(L, w);
    size_t start = w->buf.n;
    for (int i = 0; i < w->ncols; i++) {
      int f = w->cols[i].field;
      if (fast && f >= 0 && (blob_field[f].blob >= 0 || f == F_N || f == F_DONTKNOW)) {
        Buf *b = &w->buf;
        if (b->n + 40 > b->cap) buf_need(L, b, 40);
        if (i > 0) b->p[b->n++] = ',';
        if (f == F_N || f == F_DONTKNOW) {
          b->n += itoa_((long long)s->b[f == F_N ? B_N : B_NULLS], b->p + b->n);
          continue;
        }
        double d = blob_field[f].empty_nan && s->b[B_N] == 0 ? NAN : s->b[blob_field[f].blob];
        if (d != d) continue;  /* undefined: an empty field */
        if (small_whole(d) && !(d == 0 && signbit(d))) { b->n += itoa_((long long)d, b->p + b->n); continue; }
        size_t len;
        const char *t = number_text(L, w, w->cols[i].num, d, &len);
        put(L, b, t, len);
        continue;
      }
      Cell v;
      source_cell(s, f, &v);
      put_cell(L, w, self, i, &v);
    }
    line_end(L, w, start);
    lines++;
    if (w->buf.n >= FLUSH_AT) flush(L, w, self);
  }
  return lines;
}

/* ---------------------------------------------------------------- Lua API: writer */

static void copy_opt(lua_State *L, int t, const char *key, char *out, size_t size, size_t *len, const char *dflt) {
  lua_getfield(L, t, key);
  size_t n;
  const char *s = lua_isnil(L, -1) ? dflt : luaL_checklstring(L, -1, &n);
  n = strlen(s);
  if (n >= size) luaL_error(L, "rows.writer: %s is too long", key);
  memcpy(out, s, n + 1);
  if (len) *len = n;
  lua_pop(L, 1);
}

/* rows.writer{ format =, columns = { {key =, number =, width =, right =, format = fn}, ... },
**   sink = fn(text), pre = <before every line but the output's first>, lead = <before the
**   first>, post = <after every line>, first = <the next line is the output's first>, yes =,
**   no = <booleans>, decimal =, group = <the "cell" and "people" styles' decimal mark and
**   thousands separator: a report language's (qm.reports.i18n)>, prose = <column: line
**   breaks as spaces>, width = fn(text) <column: the display width of text with bytes >= 0x80> } */
static int l_writer(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  Writer *w = lua_newuserdatauv(L, sizeof *w, 3);
  memset(w, 0, sizeof *w);
  luaL_setmetatable(L, WRITER_MT);
  int self = lua_gettop(L);
  lua_getfield(L, 1, "format");
  w->fmt = luaL_checkoption(L, -1, NULL, fmt_names);
  lua_pop(L, 1);
  lua_getfield(L, 1, "sink");
  luaL_argexpected(L, lua_isfunction(L, -1), 1, "a sink function");
  lua_setiuservalue(L, self, 1);
  lua_getfield(L, 1, "columns");
  luaL_argexpected(L, lua_istable(L, -1), 1, "columns");
  int cols = lua_gettop(L);
  int n = (int)luaL_len(L, cols);
  if (n > MAX_COLS) return luaL_error(L, "rows.writer: at most %d columns", MAX_COLS);
  w->ncols = n;
  for (int i = 0; i < n; i++) {
    Col *c = &w->cols[i];
    lua_rawgeti(L, cols, i + 1);
    int ct = lua_gettop(L);
    luaL_argexpected(L, lua_istable(L, ct), 1, "a column table");
    lua_getfield(L, ct, "key");
    const char *key = lua_tostring(L, -1);  /* document keys may be numbers (key = 2) */
    if (key == NULL || strlen(key) >= sizeof c->key) return luaL_error(L, "rows.writer: column %d needs a short key", i + 1);
    if (lua_type(L, -1) != LUA_TSTRING) return luaL_error(L, "rows.writer: column %d's key must be text", i + 1);
    strcpy(c->key, key);
    lua_pop(L, 1);
    lua_getfield(L, ct, "number");
    c->num = lua_isnil(L, -1) ? NUM_CELL : luaL_checkoption(L, -1, NULL, num_names);
    lua_pop(L, 1);
    lua_getfield(L, ct, "width");
    c->width = (int)luaL_optinteger(L, -1, 0);
    lua_pop(L, 1);
    lua_getfield(L, ct, "right");
    c->right = lua_toboolean(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, ct, "format");
    c->has_format = !lua_isnil(L, -1);
    lua_pop(L, 2);
    c->field = -1;
  }
  lua_setiuservalue(L, self, 2);
  lua_getfield(L, 1, "width");
  w->has_width = !lua_isnil(L, -1);
  lua_setiuservalue(L, self, 3);
  lua_getfield(L, 1, "prose");
  w->prose = lua_toboolean(L, -1);
  lua_pop(L, 1);
  copy_opt(L, 1, "pre", w->pre, sizeof w->pre, &w->pre_len, "");
  copy_opt(L, 1, "post", w->post, sizeof w->post, &w->post_len, "");
  copy_opt(L, 1, "lead", w->lead, sizeof w->lead, &w->lead_len, "");
  copy_opt(L, 1, "yes", w->yes, sizeof w->yes, &w->yes_len, "yes");
  copy_opt(L, 1, "no", w->no, sizeof w->no, &w->no_len, "no");
  copy_opt(L, 1, "decimal", w->decimal, sizeof w->decimal, &w->decimal_len, ".");
  copy_opt(L, 1, "group", w->group, sizeof w->group, &w->group_len, "");
  lua_getfield(L, 1, "decimal");
  w->localized = !lua_isnil(L, -1);  /* a report language: its way with -0 and infinities too */
  lua_pop(L, 1);
  lua_getfield(L, 1, "first");
  w->first = lua_isnil(L, -1) ? 1 : lua_toboolean(L, -1);
  lua_pop(L, 1);
  lua_settop(L, self);
  return 1;
}

/* w:row(t): one row table as a line */
static int w_row(lua_State *L) {
  Writer *w = check_writer(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  write_lua_row(L, w, 1, 2);
  return 0;
}

/* w:drain(source) or w:drain(iterator, state, control): every (remaining) row as a line,
** then the text handed to the sink; returns the number of lines */
static int w_drain(lua_State *L) {
  Writer *w = check_writer(L, 1);
  lua_Integer lines = 0;
  if (luaL_testudata(L, 2, SOURCE_MT)) {
    lines = drain_source(L, w, 1, check_source(L, 2), 2);
  } else {
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 4);
    for (;;) {
      lua_pushvalue(L, 2);
      lua_pushvalue(L, 3);
      lua_pushvalue(L, 4);
      lua_call(L, 2, 1);
      if (lua_isnil(L, -1)) { lua_pop(L, 1); break; }
      if (!lua_istable(L, -1)) return luaL_error(L, "a report table's row must be a table, not %s", luaL_typename(L, -1));
      lua_replace(L, 4);  /* the control variable: this row */
      write_lua_row(L, w, 1, 4);
      lines++;
    }
  }
  flush(L, w, 1);
  lua_pushinteger(L, lines);
  return 1;
}

static int w_flush(lua_State *L) {
  Writer *w = check_writer(L, 1);
  flush(L, w, 1);
  return 0;
}

/* w:first(b): whether the next line is the output's first (no `pre` before it) */
static int w_first(lua_State *L) {
  Writer *w = check_writer(L, 1);
  if (!lua_isnone(L, 2)) w->first = lua_toboolean(L, 2);
  lua_pushboolean(L, w->first);
  return 1;
}

static int w_gc(lua_State *L) {
  Writer *w = check_writer(L, 1);
  buf_free(L, &w->buf);
  buf_free(L, &w->scratch);
  if (w->cache) {
    void *ud;
    lua_Alloc alloc = lua_getallocf(L, &ud);
    alloc(ud, w->cache, sizeof(CacheSlot) * CACHE_SETS * CACHE_WAYS, 0);
    w->cache = NULL;
  }
  return 0;
}

/* ---------------------------------------------------------------- Lua API: sources */

static Source *new_source(lua_State *L, int kind) {
  Source *s = lua_newuserdatauv(L, sizeof *s, 3);
  memset(s, 0, sizeof *s);
  s->kind = kind;
  luaL_setmetatable(L, SOURCE_MT);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 1);
  return s;
}

/* rows.statement(stmt): a bound statement's rows; a writer takes their cells by column name */
static int l_statement(lua_State *L) {
  qmDb_tostmt(L, 1);
  new_source(L, SRC_STATEMENT);
  return 1;
}

/* rows.consensus(stmt, { decide = { rule =, limit =, ties = } | nil, flags = fn, q = {},
** fill = bool }): the statement gives round, question, A, k, step and consensus_blob(...)
** per question. With decide, a built-in rule's flag is decided in C; otherwise flags(q,
** question) is called with q filled as selfassess.each_question documents (with fill, q is
** filled for every question either way) */
static int l_consensus(lua_State *L) {
  qmDb_tostmt(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  Source *s = new_source(L, SRC_CONSENSUS);
  int self = lua_gettop(L);
  if (lua_getfield(L, 2, "decide") == LUA_TTABLE) {
    int d = lua_gettop(L);
    lua_getfield(L, d, "rule");
    s->rule = luaL_checkoption(L, -1, NULL, rule_names);
    lua_getfield(L, d, "limit");
    s->has_limit = !lua_isnil(L, -1);
    s->limit = s->has_limit ? luaL_checknumber(L, -1) : 0;
    lua_getfield(L, d, "ties");
    s->ties_flag = lua_isstring(L, -1) && strcmp(lua_tostring(L, -1), "flag") == 0;
    lua_pop(L, 3);
    if ((s->rule == RULE_RWG || s->rule == RULE_AGREEMENT) && !s->has_limit)
      return luaL_error(L, "rows.consensus: the %s rule needs its limit", rule_names[s->rule]);
  }
  lua_pop(L, 1);
  if (s->rule == RULE_NONE) {
    lua_getfield(L, 2, "flags");
    luaL_argexpected(L, lua_isfunction(L, -1), 2, "decide or a flags function");
    lua_setiuservalue(L, self, 2);
  }
  lua_getfield(L, 2, "q");
  if (!lua_istable(L, -1)) { lua_pop(L, 1); lua_newtable(L); }
  lua_setiuservalue(L, self, 3);
  lua_getfield(L, 2, "fill");
  s->fill = s->rule == RULE_NONE || lua_toboolean(L, -1);
  lua_pop(L, 1);
  lua_settop(L, self);
  return 1;
}

/* src:next(): the next question; round, question and its flag (the Lua q, when the rule is
** called in Lua, holds its statistics), or nothing at the end */
static int src_next(lua_State *L) {
  Source *s = check_source(L, 1);
  if (s->kind != SRC_CONSENSUS) return luaL_error(L, "src:next() is for the consensus source; use src:each()");
  if (!source_next(L, s, 1)) return 0;
  sqlite3_stmt *st = source_stmt(L, 1);
  push_column_value(L, st, C_ROUND);
  push_column_value(L, st, C_QUESTION);
  lua_pushboolean(L, s->flag);
  return 3;
}

/* src:count(): questions and flagged questions of the rest of the rows */
static int src_count(lua_State *L) {
  Source *s = check_source(L, 1);
  lua_Integer n = 0, flagged = 0;
  while (source_next(L, s, 1)) {
    n++;
    if (s->kind == SRC_CONSENSUS && s->flag) flagged++;
  }
  /* the statement is done: finalized now, not when the source is collected */
  lua_pushinteger(L, n);
  lua_pushinteger(L, flagged);
  return 2;
}

/* src:count_rounds(fn): the rest of the consensus source's questions counted per round:
** fn(round, questions, flagged) once per round, in the statement's order (rounds together);
** returns the questions and flagged questions in all */
static int src_count_rounds(lua_State *L) {
  Source *s = check_source(L, 1);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  if (s->kind != SRC_CONSENSUS) return luaL_error(L, "src:count_rounds() is for the consensus source");
  lua_Integer n = 0, flagged = 0, rn = 0, rf = 0;
  int has_round = 0;
  lua_pushnil(L);  /* the current round's id, as a Lua string */
  int round_idx = lua_gettop(L);
  while (source_next(L, s, 1)) {
    size_t len;
    const char *id = (const char *)sqlite3_column_text(s->st, C_ROUND);
    len = (size_t)sqlite3_column_bytes(s->st, C_ROUND);
    if (id == NULL) { id = ""; len = 0; }
    size_t plen;
    const char *cur = has_round ? lua_tolstring(L, round_idx, &plen) : NULL;
    if (!has_round || plen != len || memcmp(cur, id, len) != 0) {
      if (has_round) {
        lua_pushvalue(L, 2);
        lua_pushvalue(L, round_idx);
        lua_pushinteger(L, rn);
        lua_pushinteger(L, rf);
        lua_call(L, 3, 0);
      }
      lua_pushlstring(L, id, len);
      lua_replace(L, round_idx);
      has_round = 1;
      rn = rf = 0;
    }
    n++, rn++;
    if (s->flag) flagged++, rf++;
  }
  if (has_round) {
    lua_pushvalue(L, 2);
    lua_pushvalue(L, round_idx);
    lua_pushinteger(L, rn);
    lua_pushinteger(L, rf);
    lua_call(L, 3, 0);
  }
  lua_pushinteger(L, n);
  lua_pushinteger(L, flagged);
  return 2;
}

/* the row at the source's position as a Lua table keyed by field name */
static void push_source_row(lua_State *L, Source *s, int idx) {
  int nf = source_nfields(L, s, idx);
  sqlite3_stmt *st = source_stmt(L, idx);
  lua_createtable(L, 0, nf);
  for (int f = 0; f < nf; f++) {
    if (s->kind == SRC_STATEMENT) {
      if (sqlite3_column_type(st, f) == SQLITE_NULL) qm_pushnull(L);
      else push_column_value(L, st, f);
    } else {
      if (f == F_REASONS) continue;
      Cell v;
      consensus_cell(s, st, f, &v);
      switch (v.kind) {
      case CELL_INT: lua_pushinteger(L, v.i); break;
      case CELL_FLOAT: lua_pushnumber(L, v.d); break;
      case CELL_TEXT: lua_pushlstring(L, v.s, v.len); break;
      case CELL_BOOL: lua_pushboolean(L, (int)v.i); break;
      default: continue;
      }
    }
    lua_setfield(L, -2, source_field_name(L, s, idx, f));
  }
}

static int src_each_next(lua_State *L) {
  Source *s = check_source(L, lua_upvalueindex(1));
  lua_pushvalue(L, lua_upvalueindex(1));
  int idx = lua_gettop(L);
  if (!source_next(L, s, idx)) return 0;
  push_source_row(L, s, idx);
  return 1;
}

/* src:each(): an iterator of the (remaining) rows as tables, like db:query's (SQL NULL is
** db.null); the source itself is the to-be-closed value */
static int src_each(lua_State *L) {
  check_source(L, 1);
  lua_pushvalue(L, 1);
  lua_pushcclosure(L, src_each_next, 1);
  lua_pushnil(L);
  lua_pushnil(L);
  lua_pushvalue(L, 1);
  return 4;
}

/* src:close(): the statement finalized (also when a loop over src:each() is left) */
static int src_close(lua_State *L) {
  Source *s = check_source(L, 1);
  s->done = 1;
  lua_getiuservalue(L, 1, 1);
  if (luaL_testudata(L, -1, "qm.stmt")) {
    lua_getfield(L, -1, "close");
    lua_pushvalue(L, -2);
    lua_call(L, 1, 0);
  }
  return 0;
}

static int src_rows(lua_State *L) {
  lua_pushinteger(L, check_source(L, 1)->rows);
  return 1;
}

/* src:flagged(): the consensus source's questions flagged so far */
static int src_flagged(lua_State *L) {
  lua_pushinteger(L, check_source(L, 1)->flagged);
  return 1;
}

/* rows.number(style, v): one number as the writer writes it (tests, and Lua code that must
** agree with the writer) */
static int l_number(lua_State *L) {
  int style = luaL_checkoption(L, 1, NULL, num_names);
  if (lua_isinteger(L, 2)) { lua_pushfstring(L, "%I", lua_tointeger(L, 2)); return 1; }
  char out[512];
  size_t n = format_number(style, luaL_checknumber(L, 2), out, sizeof out);
  lua_pushlstring(L, out, n);
  return 1;
}

int qmRows_open_lib(lua_State *L) {
  static const luaL_Reg writer_methods[] = {
    { "row", w_row }, { "drain", w_drain }, { "flush", w_flush }, { "first", w_first }, { NULL, NULL } };
  static const luaL_Reg source_methods[] = {
    { "next", src_next }, { "count", src_count }, { "each", src_each }, { "close", src_close },
    { "rows", src_rows }, { "flagged", src_flagged }, { "count_rounds", src_count_rounds }, { NULL, NULL } };
  if (luaL_newmetatable(L, WRITER_MT)) {
    luaL_newlib(L, writer_methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, w_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushliteral(L, "rows writer");
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
  if (luaL_newmetatable(L, SOURCE_MT)) {
    luaL_newlib(L, source_methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, src_close);
    lua_setfield(L, -2, "__close");
    lua_pushliteral(L, "rows source");
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
  static const luaL_Reg fns[] = {
    { "writer", l_writer }, { "statement", l_statement }, { "consensus", l_consensus },
    { "number", l_number }, { NULL, NULL } };
  luaL_newlib(L, fns);
  return 1;
}
