/*
** test_csv.c — the streaming CSV reader (csv.c) and its Lua binding (csv_lua.c): RFC 4180
** quoting, the dialect detected from the header (delimiter, BOM, CR LF), Excel's blank rows,
** lines of fields inside multi-line quotes, text that is not UTF-8 (Windows-1252, UTF-16)
** refused with the way to re-save it, unclosed quotes and over-long records stopping with a
** position, and a file far bigger than the reader's buffer read in constant memory.
*/
#include <stdlib.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include "check.h"
#include "csv.h"
#include "csv_lua.h"

/* read all of text; returns records read, or -1 on error; fields joined "a|b|c/..." */
static int read_all(const char *text, char delim, char *out, size_t cap) {
  QmCsv *r = qmCsv_open_mem(text, strlen(text), delim);
  int n = 0, st;
  out[0] = '\0';
  while ((st = qmCsv_next(r)) == 1) {
    for (int i = 0; i < qmCsv_count(r); i++) {
      strncat(out, qmCsv_field(r, i, NULL), cap - strlen(out) - 1);
      strncat(out, i + 1 < qmCsv_count(r) ? "|" : "/", cap - strlen(out) - 1);
    }
    n++;
  }
  qmCsv_close(r);
  return st < 0 ? -1 : n;
}

TEST(test_rfc4180_quotes_commas_and_doubled_quotes) {
  char out[512];
  CHECK(read_all("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n", 0, out, sizeof out) == 2);
  CHECK_STR(out, "a|b|c/1|x, y|say \"hi\"/");
}

TEST(test_delimiter_detected_from_header) {
  char out[256];
  QmCsv *r = qmCsv_open_mem("id;navn;score\n1;\"Hansen, Ole\";3\n", 31, 0);
  CHECK(qmCsv_next(r) == 1);
  CHECK(qmCsv_delimiter(r) == ';');
  CHECK(qmCsv_count(r) == 3);
  CHECK(qmCsv_next(r) == 1);
  CHECK_STR(qmCsv_field(r, 1, NULL), "Hansen, Ole");
  qmCsv_close(r);
  CHECK(read_all("a\tb\n1\t2,5\n", 0, out, sizeof out) == 2);
  CHECK_STR(out, "a|b/1|2,5/");
  /* a comma inside a quoted header name does not count */
  r = qmCsv_open_mem("\"x,y,z\";b\n1;2\n", 14, 0);
  CHECK(qmCsv_next(r) == 1);
  CHECK(qmCsv_delimiter(r) == ';');
  qmCsv_close(r);
  /* one column: comma */
  r = qmCsv_open_mem("id\n1\n", 5, 0);
  CHECK(qmCsv_next(r) == 1);
  CHECK(qmCsv_delimiter(r) == ',');
  qmCsv_close(r);
  /* a given delimiter is used, not detected */
  CHECK(read_all("a;b\n1;2\n", ',', out, sizeof out) == 2);
  CHECK_STR(out, "a;b/1;2/");
}

TEST(test_bom_and_crlf_are_dialect_not_data) {
  static const char text[] = "\xEF\xBB\xBFid;score\r\n1;65,0\r\n2;70\r\n";
  QmCsv *r = qmCsv_open_mem(text, sizeof text - 1, 0);
  CHECK(qmCsv_next(r) == 1);
  CHECK_STR(qmCsv_field(r, 0, NULL), "id");
  CHECK(qmCsv_bom(r) == 1);
  CHECK(qmCsv_crlf(r) == 1);
  CHECK(qmCsv_next(r) == 1);
  CHECK_STR(qmCsv_field(r, 1, NULL), "65,0");
  CHECK(qmCsv_line(r) == 2);
  CHECK(qmCsv_next(r) == 1);
  CHECK(qmCsv_line(r) == 3);
  CHECK(qmCsv_next(r) == 0);
  qmCsv_close(r);
  r = qmCsv_open_mem("a\nb\n", 4, 0);
  CHECK(qmCsv_next(r) == 1);
  CHECK(qmCsv_bom(r) == 0);
  CHECK(qmCsv_crlf(r) == 0);
  qmCsv_close(r);
}

TEST(test_blank_lines_and_excel_empty_rows_are_skipped) {
  char out[256];
  CHECK(read_all("a;b\n\n1;2\n;\n;;\r\n3;4", 0, out, sizeof out) == 3);
  CHECK_STR(out, "a|b/1|2/3|4/");
  /* a lone CR ends a line (old Mac exports) */
  CHECK(read_all("a,b\r1,2\r", 0, out, sizeof out) == 2);
  CHECK_STR(out, "a|b/1|2/");
}

TEST(test_empty_input_has_no_records) {
  char out[16];
  CHECK(read_all("", 0, out, sizeof out) == 0);
  CHECK(read_all("\xEF\xBB\xBF", 0, out, sizeof out) == 0);
  CHECK(read_all("\r\n\r\n", 0, out, sizeof out) == 0);
}

TEST(test_multiline_quoted_field_keeps_lines_of_later_fields) {
  static const char text[] = "id,comment,score\n1,\"first\r\nsecond\nthird\",5\n2,x,6\n";
  QmCsv *r = qmCsv_open_mem(text, sizeof text - 1, 0);
  CHECK(qmCsv_next(r) == 1);
  CHECK(qmCsv_next(r) == 1);
  CHECK(qmCsv_line(r) == 2);
  CHECK_STR(qmCsv_field(r, 1, NULL), "first\nsecond\nthird");  /* CR LF inside quotes -> LF */
  CHECK(qmCsv_field_line(r, 0) == 2);
  CHECK(qmCsv_field_line(r, 2) == 4);
  CHECK(qmCsv_next(r) == 1);
  CHECK(qmCsv_line(r) == 5);
  qmCsv_close(r);
}

TEST(test_empty_last_field_and_quoted_empty) {
  char out[128];
  CHECK(read_all("a,b,c\n1,,\n\"\",2,\n", 0, out, sizeof out) == 3);
  CHECK_STR(out, "a|b|c/1||/|2|/");
}

TEST(test_quote_inside_unquoted_field_is_text) {
  char out[128];
  CHECK(read_all("a;b\n5\" skærm;x\n", 0, out, sizeof out) == 2);
  CHECK_STR(out, "a|b/5\" skærm|x/");
}

TEST(test_unclosed_quote_names_its_line_and_field) {
  static const char text[] = "a,b\n1,2\n3,\"open\n4,5\n";
  QmCsv *r = qmCsv_open_mem(text, sizeof text - 1, 0);
  CHECK(qmCsv_next(r) == 1);
  CHECK(qmCsv_next(r) == 1);
  CHECK(qmCsv_next(r) == -1);
  CHECK(qmCsv_error_line(r) == 3);
  CHECK(qmCsv_error_field(r) == 2);
  CHECK(strstr(qmCsv_error(r), "never closed") != NULL);
  CHECK(qmCsv_next(r) == -1);  /* stays failed */
  qmCsv_close(r);
}

TEST(test_text_after_closing_quote_is_an_error) {
  static const char text[] = "a,b\n\"x\"y,2\n";
  QmCsv *r = qmCsv_open_mem(text, sizeof text - 1, 0);
  CHECK(qmCsv_next(r) == 1);
  CHECK(qmCsv_next(r) == -1);
  CHECK(qmCsv_error_line(r) == 2);
  CHECK(qmCsv_error_field(r) == 1);
  CHECK(strstr(qmCsv_error(r), "closing quote") != NULL);
  qmCsv_close(r);
  /* spaces after the closing quote are allowed */
  char out[64];
  CHECK(read_all("a,b\n\"x\"  ,2\n", 0, out, sizeof out) == 2);
  CHECK_STR(out, "a|b/x|2/");
}

TEST(test_windows_1252_is_refused_with_how_to_save_as_utf8) {
  /* "Ærø" and "Søren" as Excel's CSV (semikolonsepareret) writes them */
  static const char text[] = "id;navn\r\n1;Anders\r\n2;S\xF8ren\r\n";
  QmCsv *r = qmCsv_open_mem(text, sizeof text - 1, 0);
  CHECK(qmCsv_next(r) == 1);
  CHECK(qmCsv_next(r) == 1);
  CHECK(qmCsv_next(r) == -1);
  CHECK(qmCsv_error_line(r) == 3);
  CHECK(qmCsv_error_field(r) == 2);
  CHECK(strstr(qmCsv_error(r), "not UTF-8") != NULL);
  CHECK(strstr(qmCsv_error(r), "Windows-1252") != NULL);
  CHECK(strstr(qmCsv_error(r), "\xc3\xb8") != NULL);   /* names the letter: ø */
  CHECK(strstr(qmCsv_error(r), "CSV UTF-8") != NULL);
  qmCsv_close(r);
}

TEST(test_utf16_and_nul_bytes_are_refused) {
  static const char u16[] = "\xFF\xFEi\0d\0\n\0";
  QmCsv *r = qmCsv_open_mem(u16, sizeof u16 - 1, 0);
  CHECK(qmCsv_next(r) == -1);
  CHECK(strstr(qmCsv_error(r), "UTF-16") != NULL);
  qmCsv_close(r);
  static const char nul[] = "a,b\n1,x\0y\n";
  r = qmCsv_open_mem(nul, sizeof nul - 1, 0);
  CHECK(qmCsv_next(r) == 1);
  CHECK(qmCsv_next(r) == -1);
  CHECK(strstr(qmCsv_error(r), "NUL") != NULL);
  qmCsv_close(r);
}

TEST(test_utf8_validator) {
  CHECK(qmCsv_utf8_valid((const unsigned char *)"abc", 3) == 3);
  CHECK(qmCsv_utf8_valid((const unsigned char *)"\xc3\xa6\xc3\xb8\xc3\xa5", 6) == 6);
  CHECK(qmCsv_utf8_valid((const unsigned char *)"a\xc3", 2) == 1);           /* cut short */
  CHECK(qmCsv_utf8_valid((const unsigned char *)"\xc0\xaf", 2) == 0);        /* overlong */
  CHECK(qmCsv_utf8_valid((const unsigned char *)"\xed\xa0\x80", 3) == 0);    /* surrogate */
  CHECK(qmCsv_utf8_valid((const unsigned char *)"\xf4\x90\x80\x80", 4) == 0); /* > U+10FFFF */
  CHECK(qmCsv_utf8_valid((const unsigned char *)"\xf0\x9f\x99\x82", 4) == 4);
}

TEST(test_overlong_record_stops_instead_of_growing) {
  size_t n = QM_CSV_MAX_RECORD + 100;
  char *text = malloc(n + 8);
  memcpy(text, "a\n\"", 3);
  memset(text + 3, 'x', n);
  text[n + 3] = '\0';
  QmCsv *r = qmCsv_open_mem(text, n + 3, 0);
  CHECK(qmCsv_next(r) == 1);
  CHECK(qmCsv_next(r) == -1);
  CHECK(strstr(qmCsv_error(r), "longer than") != NULL);
  CHECK(qmCsv_error_line(r) == 2);
  qmCsv_close(r);
  free(text);
}

/* a file of many buffers' worth, read back field by field */
TEST(test_file_bigger_than_the_buffer) {
  FILE *f = tmpfile();
  CHECK(f != NULL);
  if (f == NULL) return;
  fputs("\xEF\xBB\xBFround;participant;question;score\r\n", f);
  for (int i = 0; i < 50000; i++) fprintf(f, "r%d;P%d;\"q;%d\";%d,5\r\n", i / 400, i % 10, i % 40, i % 100);
  rewind(f);
  QmCsv *r = qmCsv_open_file(f, 1, 0);
  CHECK(qmCsv_next(r) == 1);
  CHECK(qmCsv_delimiter(r) == ';');
  long rows = 0, bad = 0;
  while (qmCsv_next(r) == 1) {
    char want[32];
    snprintf(want, sizeof want, "q;%ld", rows % 40);
    if (qmCsv_count(r) != 4 || strcmp(qmCsv_field(r, 2, NULL), want) != 0 || qmCsv_line(r) != rows + 2) bad++;
    rows++;
  }
  CHECK(qmCsv_error(r) == NULL);
  CHECK(rows == 50000);
  CHECK(bad == 0);
  CHECK(qmCsv_bytes(r) > 64 * 1024);
  qmCsv_close(r);
}

/* ---------------------------------------------------------------- the Lua binding */

static lua_State *new_state(void) {
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  luaL_requiref(L, "qm.csv", qmCsv_open_lib, 0);
  lua_setglobal(L, "csv");
  return L;
}

static const char *run(lua_State *L, const char *code) {
  if (luaL_dostring(L, code) != LUA_OK) return lua_tostring(L, -1);
  return lua_tostring(L, -1);
}

TEST(test_lua_reader_header_read_and_reused_table) {
  lua_State *L = new_state();
  const char *res = run(L,
    "local r = csv.reader('\\239\\187\\191 id ; navn \\r\\n1;\"Ærø; by\"\\r\\n\\r\\n2;x;extra\\r\\n', { name = 'f.csv' })\n"
    "local h = r:header()\n"
    "local t = {}\n"
    "local a, la = r:read(t)\n"
    "local s1 = table.concat(a, '|') .. '@' .. la\n"
    "local b, lb = r:read(t)\n"
    "local s2 = table.concat(b, '|') .. '@' .. lb .. '#' .. #b\n"
    "local d = r:dialect()\n"
    "assert(r:read(t) == nil)\n"
    "return table.concat(h, '|') .. ' ' .. s1 .. ' ' .. s2 .. ' ' .. d.delimiter .. tostring(d.bom) .. tostring(d.crlf) .. ' ' .. tostring(a == b)");
  CHECK_STR(res, "id|navn 1|Ærø; by@2 2|x|extra@4#3 ;truetrue true");
  lua_close(L);
}

TEST(test_lua_reader_errors_are_values_with_positions) {
  lua_State *L = new_state();
  const char *res = run(L,
    "local r = csv.reader('a;b\\n1;S\\248ren\\n', { name = 'data.csv' })\n"
    "r:header()\n"
    "local ok, msg = r:read()\n"
    "return tostring(ok) .. ' ' .. msg");
  CHECK(res != NULL && strncmp(res, "false data.csv:2:2: the text is not UTF-8", 41) == 0);
  res = run(L, "local r = csv.reader('', { name = 'e.csv' }); return tostring(r:header()) .. tostring(r:read())");
  CHECK_STR(res, "nilnil");
  res = run(L, "local r = csv.reader('x\\n1\\n'); r:close(); return select(2, pcall(r.read, r))");
  CHECK(res != NULL && strstr(res, "closed") != NULL);
  res = run(L, "return select(2, pcall(csv.reader, 'x', { delimiter = '|' }))");
  CHECK(res != NULL && strstr(res, "delimiter must be") != NULL);
  lua_close(L);
}

int main(void) {
  RUN(test_rfc4180_quotes_commas_and_doubled_quotes);
  RUN(test_delimiter_detected_from_header);
  RUN(test_bom_and_crlf_are_dialect_not_data);
  RUN(test_blank_lines_and_excel_empty_rows_are_skipped);
  RUN(test_empty_input_has_no_records);
  RUN(test_multiline_quoted_field_keeps_lines_of_later_fields);
  RUN(test_empty_last_field_and_quoted_empty);
  RUN(test_quote_inside_unquoted_field_is_text);
  RUN(test_unclosed_quote_names_its_line_and_field);
  RUN(test_text_after_closing_quote_is_an_error);
  RUN(test_windows_1252_is_refused_with_how_to_save_as_utf8);
  RUN(test_utf16_and_nul_bytes_are_refused);
  RUN(test_utf8_validator);
  RUN(test_overlong_record_stops_instead_of_growing);
  RUN(test_file_bigger_than_the_buffer);
  RUN(test_lua_reader_header_read_and_reused_table);
  RUN(test_lua_reader_errors_are_values_with_positions);
  return DONE();
}
