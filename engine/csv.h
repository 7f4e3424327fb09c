/*
** csv.h — a streaming CSV reader: one record at a time from a file or a string, in constant
** memory (a 64 KiB read buffer and one record, at most QM_CSV_MAX_RECORD bytes). RFC 4180
** quoting; the delimiter (, ; or tab) detected from the header line; a UTF-8 byte order mark
** skipped; CRLF, LF or CR line ends; every field checked to be UTF-8 (text that is not, such
** as Excel's Windows-1252 "CSV (semikolonsepareret)", is refused with the way to re-save it).
** Each field remembers the line it starts on, for "file:line:column" messages.
*/
#ifndef QM_CSV_H
#define QM_CSV_H

#include <stddef.h>
#include <stdio.h>

#define QM_CSV_MAX_RECORD ((size_t)1024 * 1024)  /* bytes of one record's fields */
#define QM_CSV_MAX_FIELDS 4096                   /* fields in one record */

typedef struct QmCsv QmCsv;

/* A reader over the open file f (closed by qmCsv_close when `owns` is set) or over the
** `len` bytes at `data` (not copied: they must outlive the reader). `delimiter` is ',', ';'
** or '\t', or 0 to detect it from the first line. NULL when memory runs out. */
QmCsv *qmCsv_open_file(FILE *f, int owns, char delimiter);
QmCsv *qmCsv_open_mem(const char *data, size_t len, char delimiter);
void qmCsv_close(QmCsv *r);

/* Read the next record: 1 = a record, 0 = end of the input, -1 = an error (qmCsv_error).
** Records whose fields are all empty (blank lines, ";;;" rows Excel writes) are skipped.
** After an error every further call returns -1. */
int qmCsv_next(QmCsv *r);

/* The current record: number of fields, field i (0-based; NUL-terminated, its length in
** *len when len is not NULL), the line field i starts on, the line the record starts on. */
int qmCsv_count(const QmCsv *r);
const char *qmCsv_field(const QmCsv *r, int i, size_t *len);
long qmCsv_field_line(const QmCsv *r, int i);
long qmCsv_line(const QmCsv *r);

/* The dialect, known once the first record is read: the delimiter, whether the input began
** with a UTF-8 byte order mark, whether its first line ended with CR LF. */
char qmCsv_delimiter(const QmCsv *r);
int qmCsv_bom(const QmCsv *r);
int qmCsv_crlf(const QmCsv *r);
/* Bytes consumed so far. */
unsigned long long qmCsv_bytes(const QmCsv *r);

/* After -1: the message (no position), the line and the 1-based field it is about (0 when
** it is about no particular field). */
const char *qmCsv_error(const QmCsv *r);
long qmCsv_error_line(const QmCsv *r);
int qmCsv_error_field(const QmCsv *r);

/* The length of the valid UTF-8 prefix of s[0..len) (len when all of it is valid). */
size_t qmCsv_utf8_valid(const unsigned char *s, size_t len);

#endif
