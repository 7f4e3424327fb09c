/*
** csv.c — the streaming CSV reader (csv.h): a byte-at-a-time state machine over a 64 KiB
** buffer, building one record at a time into a growing buffer capped at QM_CSV_MAX_RECORD,
** so memory stays flat whatever the file's size. The dialect (delimiter, byte order mark,
** CR LF) is settled before the first record; errors stop the reader with a message that
** names the line and field and says what to do.
*/
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "csv.h"

#define BUF_SIZE ((size_t)64 * 1024)

struct QmCsv {
  FILE *f;
  int owns;
  const unsigned char *buf;  /* the file buffer, or the string itself */
  unsigned char *own_buf;
  size_t buf_len, buf_pos;
  int eof, started, failed, ended_first;
  char delim;
  int bom, crlf;
  long line;                 /* the line the reading position is on */
  unsigned long long consumed;
  /* the current record: fields back to back in rec, each NUL-terminated */
  char *rec;
  size_t rec_len, rec_cap;
  size_t *off, *len;
  long *fline;
  int nf, fcap;
  long rec_line;
  /* the error */
  char err[320];
  long err_line;
  int err_field;
};

/* ---------------------------------------------------------------- input */

static int refill(QmCsv *r) {
  if (r->eof) return 0;
  if (r->f == NULL) { r->eof = 1; return 0; }
  size_t n = fread(r->own_buf, 1, BUF_SIZE, r->f);
  r->consumed += r->buf_pos;
  r->buf_pos = 0;
  r->buf_len = n;
  if (n == 0) {
    r->eof = 1;
    return 0;
  }
  return 1;
}

static inline int next_byte(QmCsv *r) {
  if (r->buf_pos >= r->buf_len && !refill(r)) return EOF;
  return r->buf[r->buf_pos++];
}

static inline int peek_byte(QmCsv *r) {
  if (r->buf_pos >= r->buf_len && !refill(r)) return EOF;
  return r->buf[r->buf_pos];
}

__attribute__((format(printf, 4, 5)))
static int fail(QmCsv *r, long line, int field, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->err, sizeof r->err, fmt, ap);
  va_end(ap);
  r->err_line = line;
  r->err_field = field;
  r->failed = 1;
  return -1;
}

/* ---------------------------------------------------------------- opening */

static QmCsv *new_reader(char delimiter) {
  QmCsv *r = calloc(1, sizeof *r);
  if (r == NULL) return NULL;
  r->delim = delimiter;
  r->line = 1;
  r->fcap = 16;
  r->rec_cap = 256;
  r->rec = malloc(r->rec_cap);
  r->off = malloc((size_t)r->fcap * sizeof *r->off);
  r->len = malloc((size_t)r->fcap * sizeof *r->len);
  r->fline = malloc((size_t)r->fcap * sizeof *r->fline);
  if (!r->rec || !r->off || !r->len || !r->fline) { qmCsv_close(r); return NULL; }
  return r;
}

QmCsv *qmCsv_open_file(FILE *f, int owns, char delimiter) {
  QmCsv *r = new_reader(delimiter);
  if (r == NULL) { if (owns && f) fclose(f); return NULL; }
  r->f = f;
  r->owns = owns;
  r->own_buf = malloc(BUF_SIZE);
  if (r->own_buf == NULL) { qmCsv_close(r); return NULL; }
  r->buf = r->own_buf;
  return r;
}

QmCsv *qmCsv_open_mem(const char *data, size_t len, char delimiter) {
  QmCsv *r = new_reader(delimiter);
  if (r == NULL) return NULL;
  r->buf = (const unsigned char *)data;
  r->buf_len = len;
  return r;
}

void qmCsv_close(QmCsv *r) {
  if (r == NULL) return;
  if (r->owns && r->f) fclose(r->f);
  free(r->own_buf);
  free(r->rec);
  free(r->off);
  free(r->len);
  free(r->fline);
  free(r);
}

/* The byte order mark, a UTF-16 file, and the delimiter: the most frequent of ; tab , outside
** quotes on the first non-blank line (as far as the first buffer reaches); ties go to ; then
** tab then , (a Danish header is likelier to hold a comma than a semicolon); none: comma. */
static int start(QmCsv *r) {
  r->started = 1;
  if (r->f && !refill(r) && ferror(r->f)) return fail(r, 1, 0, "cannot read the file");
  const unsigned char *b = r->buf;
  size_t n = r->buf_len;
  if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)))
    return fail(r, 1, 0, "the file is UTF-16 text (Excel's \"Unicode-tekst\"): save it as "
                "\"CSV UTF-8 (kommasepareret) (*.csv)\" instead");
  if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
    r->bom = 1;
    r->buf_pos = 3;
  }
  if (r->delim != 0) return 0;
  size_t i = r->buf_pos;
  while (i < n && (b[i] == '\r' || b[i] == '\n')) i++;
  int semi = 0, tab = 0, comma = 0, quoted = 0;
  for (; i < n; i++) {
    unsigned char c = b[i];
    if (c == '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c == '\n' || c == '\r') break;
    else if (c == ';') semi++;
    else if (c == '\t') tab++;
    else if (c == ',') comma++;
  }
  if (semi > 0 && semi >= tab && semi >= comma) r->delim = ';';
  else if (tab > 0 && tab >= comma) r->delim = '\t';
  else r->delim = ',';
  return 0;
}

/* ---------------------------------------------------------------- records */

static int grow_record(QmCsv *r) {
  if (r->rec_cap >= QM_CSV_MAX_RECORD) return 0;
  size_t cap = r->rec_cap * 2;
  if (cap > QM_CSV_MAX_RECORD) cap = QM_CSV_MAX_RECORD;
  char *p = realloc(r->rec, cap);
  if (p == NULL) return 0;
  r->rec = p;
  r->rec_cap = cap;
  return 1;
}

static inline int put(QmCsv *r, int c) {
  if (r->rec_len + 1 >= r->rec_cap && !grow_record(r)) {
    return fail(r, r->rec_line, 0, "the record starting here is longer than %u KiB (a quote that "
                "is never closed?)", (unsigned)(QM_CSV_MAX_RECORD / 1024));
  }
  r->rec[r->rec_len++] = (char)c;
  return 0;
}

static int begin_field(QmCsv *r) {
  if (r->nf >= QM_CSV_MAX_FIELDS)
    return fail(r, r->line, r->nf, "more than %d fields in one record", QM_CSV_MAX_FIELDS);
  if (r->nf == r->fcap) {
    int cap = r->fcap * 2;
    size_t *off = realloc(r->off, (size_t)cap * sizeof *off);
    if (off) r->off = off;
    size_t *len = realloc(r->len, (size_t)cap * sizeof *len);
    if (len) r->len = len;
    long *fl = realloc(r->fline, (size_t)cap * sizeof *fl);
    if (fl) r->fline = fl;
    if (!off || !len || !fl) return fail(r, r->line, 0, "not enough memory");
    r->fcap = cap;
  }
  r->off[r->nf] = r->rec_len;
  r->fline[r->nf] = r->line;
  return 0;
}

static int end_field(QmCsv *r) {
  if (put(r, '\0') < 0) return -1;
  r->len[r->nf] = r->rec_len - 1 - r->off[r->nf];
  r->nf++;
  return 0;
}

size_t qmCsv_utf8_valid(const unsigned char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    unsigned char c = s[i];
    if (c < 0x80) { i++; continue; }
    size_t need;
    unsigned min;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { need = 2; cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { need = 3; cp = c & 0x07; min = 0x10000; }
    else return i;
    for (size_t k = 1; k <= need; k++) {
      if (i + k >= len || (s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += need + 1;
  }
  return len;
}

/* what a byte that is not UTF-8 would be in Windows-1252, for the message */
static const char *cp1252_name(unsigned char c) {
  switch (c) {
  case 0xE6: return "\xc3\xa6"; case 0xF8: return "\xc3\xb8"; case 0xE5: return "\xc3\xa5";
  case 0xC6: return "\xc3\x86"; case 0xD8: return "\xc3\x98"; case 0xC5: return "\xc3\x85";
  case 0xE9: return "\xc3\xa9"; case 0xE4: return "\xc3\xa4"; case 0xF6: return "\xc3\xb6";
  case 0xFC: return "\xc3\xbc"; case 0x96: return "\xe2\x80\x93"; case 0x80: return "\xe2\x82\xac";
  default: return NULL;
  }
}

static int check_text(QmCsv *r) {
  for (int i = 0; i < r->nf; i++) {
    const unsigned char *s = (const unsigned char *)r->rec + r->off[i];
    size_t n = r->len[i];
    if (memchr(s, '\0', n) != NULL)
      return fail(r, r->fline[i], i + 1, "the file holds a NUL byte: it is not text (or it is "
                  "UTF-16): save it as \"CSV UTF-8 (kommasepareret) (*.csv)\"");
    size_t ok = qmCsv_utf8_valid(s, n);
    if (ok == n) continue;
    long line = r->fline[i];
    for (size_t k = 0; k < ok; k++) if (s[k] == '\n') line++;
    const char *as = cp1252_name(s[ok]);
    if (as != NULL)
      return fail(r, line, i + 1, "the text is not UTF-8: byte 0x%02X is \"%s\" in Windows-1252, which "
                  "Excel writes for \"CSV (semikolonsepareret)\"; in Excel use Gem som (Save As) with the "
                  "file type \"CSV UTF-8 (kommasepareret) (*.csv)\"", s[ok], as);
    return fail(r, line, i + 1, "the text is not UTF-8 (byte 0x%02X): save the file as UTF-8 (in Excel: "
                "Gem som (Save As), file type \"CSV UTF-8 (kommasepareret) (*.csv)\")", s[ok]);
  }
  return 0;
}

/* one record into r->rec; 1, 0 at the end, -1 on error */
static int read_record(QmCsv *r) {
  const int delim = (unsigned char)r->delim;
  r->rec_len = 0;
  r->nf = 0;
  r->rec_line = r->line;
  int c = next_byte(r);
  if (c == EOF) {
    if (r->f && ferror(r->f)) return fail(r, r->line, 0, "cannot read the file");
    return 0;
  }
  for (;;) {
    if (begin_field(r) < 0) return -1;
    if (c == '"') {
      long qline = r->line;
      for (;;) {
        c = next_byte(r);
        if (c == EOF)
          return fail(r, qline, r->nf + 1, "a quoted field starts here and is never closed");
        if (c == '"') {
          if (peek_byte(r) == '"') { next_byte(r); if (put(r, '"') < 0) return -1; continue; }
          break;
        }
        if (c == '\r') {
          if (peek_byte(r) == '\n') next_byte(r);
          c = '\n';
        }
        if (c == '\n') r->line++;
        if (put(r, c) < 0) return -1;
      }
      c = next_byte(r);
      while (c == ' ' && delim != ' ') c = next_byte(r);
      if (c != delim && c != '\n' && c != '\r' && c != EOF)
        return fail(r, r->line, r->nf + 1, "text after the closing quote of a quoted field (a quote "
                    "inside a quoted field is written twice: \"\")");
    } else {
      while (c != delim && c != '\n' && c != '\r' && c != EOF) {
        if (put(r, c) < 0) return -1;
        c = next_byte(r);
      }
    }
    if (end_field(r) < 0) return -1;
    if (c == delim) { c = next_byte(r); continue; }
    break;
  }
  /* the record's end: CR LF, LF, a lone CR, or the end of the input */
  int lf = 0;
  if (c == '\r') {
    lf = peek_byte(r) == '\n';
    if (lf) next_byte(r);
  }
  if (!r->ended_first) { r->crlf = c == '\r' && lf; r->ended_first = 1; }
  if (c == '\r' || c == '\n') r->line++;
  if (r->f && c == EOF && ferror(r->f)) return fail(r, r->line, 0, "cannot read the file");
  return 1;
}

int qmCsv_next(QmCsv *r) {
  if (r->failed) return -1;
  if (!r->started && start(r) < 0) return -1;
  for (;;) {
    int st = read_record(r);
    if (st <= 0) return st;
    int blank = 1;
    for (int i = 0; i < r->nf && blank; i++) if (r->len[i] > 0) blank = 0;
    if (blank) continue;
    if (check_text(r) < 0) return -1;
    return 1;
  }
}

/* ---------------------------------------------------------------- access */

int qmCsv_count(const QmCsv *r) { return r->nf; }

const char *qmCsv_field(const QmCsv *r, int i, size_t *len) {
  if (i < 0 || i >= r->nf) { if (len) *len = 0; return NULL; }
  if (len) *len = r->len[i];
  return r->rec + r->off[i];
}

long qmCsv_field_line(const QmCsv *r, int i) {
  return (i >= 0 && i < r->nf) ? r->fline[i] : r->rec_line;
}

long qmCsv_line(const QmCsv *r) { return r->rec_line; }
char qmCsv_delimiter(const QmCsv *r) { return r->delim; }
int qmCsv_bom(const QmCsv *r) { return r->bom; }
int qmCsv_crlf(const QmCsv *r) { return r->crlf; }
unsigned long long qmCsv_bytes(const QmCsv *r) { return r->consumed + r->buf_pos; }
const char *qmCsv_error(const QmCsv *r) { return r->failed ? r->err : NULL; }
long qmCsv_error_line(const QmCsv *r) { return r->err_line; }
int qmCsv_error_field(const QmCsv *r) { return r->err_field; }
