/*
** xlsx_lua.c — the "qm.xlsx" module: spreadsheets written with libxlsxwriter, for the
** report renderer (stdlib/qm/reports/xlsx.lua). Engine-only (it writes files): the sandbox
** lists it as private. A workbook is a userdata ("qm.xlsx.workbook") owning libxlsxwriter's
** workbook and a small table of cell formats; a worksheet ("qm.xlsx.sheet") keeps its
** workbook alive through its user value and answers with an error once the workbook is
** closed. Closing writes the file; a workbook collected or closed by an error (__gc/__close)
** is freed without writing anything.
** libxlsxwriter is optional at build time (QM_HAVE_XLSX): without it the module exists,
** says `available = false` and names the Debian package to install. With it, the library is
** opened only when a workbook is made (below), so no other command pays for loading it.
*/
#include <math.h>
#include <string.h>
#include <lauxlib.h>
#include "qm.h"
#include "xlsx_lua.h"

#if QM_HAVE_XLSX
#include <dlfcn.h>
#include <xlsxwriter.h>

/* libxlsxwriter is opened when the first workbook is made (dlopen), not linked: with
** libcrypto, minizip and zlib behind it, loading it at every start cost each qm command about
** 1.2 ms (4.8 M instructions, more than all of `qm check`), and only --format xlsx uses it.
** QM_XLSX_SONAME is the library's name as the build found it (CMakeLists.txt). The functions
** qm calls, resolved once into `lx`: */
#define LXW_FUNCTIONS(X) \
  X(workbook_new_opt) X(workbook_add_format) X(workbook_add_worksheet) \
  X(workbook_validate_sheet_name) X(workbook_close) X(lxw_workbook_free) X(lxw_strerror) \
  X(format_set_bold) X(format_set_italic) X(format_set_text_wrap) X(format_set_bottom) \
  X(format_set_font_size) X(format_set_bg_color) X(format_set_num_format) X(format_set_align) \
  X(worksheet_write_string) X(worksheet_write_number) X(worksheet_write_datetime) \
  X(worksheet_write_blank) X(worksheet_freeze_panes) X(worksheet_set_column)

static struct {
#define X(fn) __typeof__(fn) *fn;
  LXW_FUNCTIONS(X)
#undef X
} lx;
static int lx_loaded = 0;

/* opens the library and resolves every function, or raises saying what is missing */
static void load_lxw(lua_State *L) {
  if (lx_loaded) return;
  void *lib = dlopen(QM_XLSX_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    const char *why = dlerror();
    luaL_error(L, "xlsx: cannot load %s, the libxlsxwriter qm was built with (%s): install it "
               "(Debian: the package libxlsxwriter-dev depends on)", QM_XLSX_SONAME, why ? why : "?");
  }
#define X(fn) \
  if ((*(void **)&lx.fn = dlsym(lib, #fn)) == NULL) { \
    dlclose(lib); \
    luaL_error(L, "xlsx: %s has no function %s (another version than qm was built with)", \
               QM_XLSX_SONAME, #fn); \
  }
  LXW_FUNCTIONS(X)
#undef X
  lx_loaded = 1;
}

static const char WB_MT[] = "qm.xlsx.workbook";
static const char WS_MT[] = "qm.xlsx.sheet";

#define MAX_FORMATS 64

typedef struct {
  lxw_workbook *wb;              /* NULL once closed or freed */
  lxw_format *fmt[MAX_FORMATS];  /* index 0 = no format */
  int nfmt;
} Workbook;

typedef struct {
  lxw_worksheet *ws;
} Sheet;

static Workbook *check_wb(lua_State *L, int i) {
  Workbook *w = luaL_checkudata(L, i, WB_MT);
  if (w->wb == NULL) luaL_error(L, "xlsx: the workbook is closed");
  return w;
}

/* the sheet and its workbook (which must still be open) */
static Sheet *check_ws(lua_State *L, int i, Workbook **wout) {
  Sheet *s = luaL_checkudata(L, i, WS_MT);
  lua_getiuservalue(L, i, 1);
  Workbook *w = lua_touserdata(L, -1);
  lua_pop(L, 1);
  if (w == NULL || w->wb == NULL) luaL_error(L, "xlsx: the workbook of this sheet is closed");
  if (wout) *wout = w;
  return s;
}

static lxw_format *format_arg(lua_State *L, Workbook *w, int i) {
  lua_Integer f = luaL_optinteger(L, i, 0);
  if (f < 0 || f >= w->nfmt) luaL_error(L, "xlsx: no format %d", (int)f);
  return w->fmt[f];
}

static lxw_row_t row_arg(lua_State *L, int i) {
  lua_Integer r = luaL_checkinteger(L, i);
  if (r < 0 || r >= LXW_ROW_MAX) luaL_error(L, "xlsx: row %d is outside a worksheet (at most %d rows)", (int)r, LXW_ROW_MAX);
  return (lxw_row_t)r;
}

static lxw_col_t col_arg(lua_State *L, int i) {
  lua_Integer c = luaL_checkinteger(L, i);
  if (c < 0 || c >= LXW_COL_MAX) luaL_error(L, "xlsx: column %d is outside a worksheet (at most %d columns)", (int)c, LXW_COL_MAX);
  return (lxw_col_t)c;
}

static int check_err(lua_State *L, lxw_error err, const char *what) {
  if (err != LXW_NO_ERROR) return luaL_error(L, "xlsx: %s: %s", what, lx.lxw_strerror(err));
  return 0;
}

/* ---------------------------------------------------------------- workbook */

/* xlsx.workbook(path) -> workbook (constant memory: rows go to temporary files as written) */
static int l_workbook(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  load_lxw(L);
  Workbook *w = lua_newuserdatauv(L, sizeof *w, 0);
  memset(w, 0, sizeof *w);
  luaL_setmetatable(L, WB_MT);
  lxw_workbook_options opts = { .constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_FALSE };
  w->wb = lx.workbook_new_opt(path, &opts);
  if (w->wb == NULL) return luaL_error(L, "xlsx: cannot create a workbook for %s", path);
  w->fmt[0] = NULL;
  w->nfmt = 1;
  return 1;
}

/* wb:format{ bold=, italic=, size=, num_format=, border_bottom=, bg=0xRRGGBB, wrap= } -> id */
static int l_format(lua_State *L) {
  Workbook *w = check_wb(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  if (w->nfmt >= MAX_FORMATS) return luaL_error(L, "xlsx: more than %d formats", MAX_FORMATS - 1);
  lxw_format *f = lx.workbook_add_format(w->wb);
  if (f == NULL) return luaL_error(L, "xlsx: out of memory");
  if (lua_getfield(L, 2, "bold") != LUA_TNIL && lua_toboolean(L, -1)) lx.format_set_bold(f);
  lua_pop(L, 1);
  if (lua_getfield(L, 2, "italic") != LUA_TNIL && lua_toboolean(L, -1)) lx.format_set_italic(f);
  lua_pop(L, 1);
  if (lua_getfield(L, 2, "wrap") != LUA_TNIL && lua_toboolean(L, -1)) lx.format_set_text_wrap(f);
  lua_pop(L, 1);
  if (lua_getfield(L, 2, "border_bottom") != LUA_TNIL && lua_toboolean(L, -1)) lx.format_set_bottom(f, LXW_BORDER_THIN);
  lua_pop(L, 1);
  if (lua_getfield(L, 2, "size") != LUA_TNIL) lx.format_set_font_size(f, luaL_checknumber(L, -1));
  lua_pop(L, 1);
  if (lua_getfield(L, 2, "bg") != LUA_TNIL) lx.format_set_bg_color(f, (lxw_color_t)luaL_checkinteger(L, -1));
  lua_pop(L, 1);
  if (lua_getfield(L, 2, "num_format") != LUA_TNIL) lx.format_set_num_format(f, luaL_checkstring(L, -1));
  lua_pop(L, 1);
  if (lua_getfield(L, 2, "align") != LUA_TNIL) {
    const char *a = luaL_checkstring(L, -1);
    if (strcmp(a, "right") == 0) lx.format_set_align(f, LXW_ALIGN_RIGHT);
    else if (strcmp(a, "left") == 0) lx.format_set_align(f, LXW_ALIGN_LEFT);
  }
  lua_pop(L, 1);
  w->fmt[w->nfmt] = f;
  lua_pushinteger(L, w->nfmt++);
  return 1;
}

/* wb:sheet(name) -> sheet; a name Excel refuses is an error saying why */
static int l_sheet(lua_State *L) {
  Workbook *w = check_wb(L, 1);
  const char *name = luaL_checkstring(L, 2);
  lxw_error err = lx.workbook_validate_sheet_name(w->wb, name);
  if (err != LXW_NO_ERROR) return luaL_error(L, "xlsx: sheet name \"%s\": %s", name, lx.lxw_strerror(err));
  Sheet *s = lua_newuserdatauv(L, sizeof *s, 1);
  s->ws = NULL;
  luaL_setmetatable(L, WS_MT);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 1);
  s->ws = lx.workbook_add_worksheet(w->wb, name);
  if (s->ws == NULL) return luaL_error(L, "xlsx: cannot add sheet \"%s\"", name);
  return 1;
}

/* wb:close(): writes the file; an error says why (the workbook is freed either way) */
static int l_close(lua_State *L) {
  Workbook *w = check_wb(L, 1);
  lxw_workbook *wb = w->wb;
  w->wb = NULL;
  lxw_error err = lx.workbook_close(wb);
  return check_err(L, err, "writing the workbook");
}

/* __gc/__close: free without writing */
static int l_discard(lua_State *L) {
  Workbook *w = luaL_checkudata(L, 1, WB_MT);
  if (w->wb != NULL) {
    lx.lxw_workbook_free(w->wb);
    w->wb = NULL;
  }
  return 0;
}

static int l_wb_tostring(lua_State *L) {
  Workbook *w = luaL_checkudata(L, 1, WB_MT);
  lua_pushstring(L, w->wb ? "xlsx workbook" : "xlsx workbook (closed)");
  return 1;
}

/* ---------------------------------------------------------------- sheet */

static int l_string(lua_State *L) {
  Workbook *w;
  Sheet *s = check_ws(L, 1, &w);
  lxw_row_t r = row_arg(L, 2);
  lxw_col_t c = col_arg(L, 3);
  size_t len;
  const char *str = luaL_checklstring(L, 4, &len);
  lxw_format *f = format_arg(L, w, 5);
  if (len == 0) return check_err(L, lx.worksheet_write_blank(s->ws, r, c, f), "writing a cell");
  if (strlen(str) != len) return luaL_error(L, "xlsx: a text with a zero byte cannot be written to a cell");
  return check_err(L, lx.worksheet_write_string(s->ws, r, c, str, f), "writing a cell");
}

static int l_number(lua_State *L) {
  Workbook *w;
  Sheet *s = check_ws(L, 1, &w);
  lxw_row_t r = row_arg(L, 2);
  lxw_col_t c = col_arg(L, 3);
  double v = luaL_checknumber(L, 4);
  lxw_format *f = format_arg(L, w, 5);
  if (!isfinite(v)) return check_err(L, lx.worksheet_write_blank(s->ws, r, c, f), "writing a cell");
  return check_err(L, lx.worksheet_write_number(s->ws, r, c, v, f), "writing a cell");
}

/* sheet:date(row, col, year, month, day, format): the format must have a date num_format */
static int l_date(lua_State *L) {
  Workbook *w;
  Sheet *s = check_ws(L, 1, &w);
  lxw_row_t r = row_arg(L, 2);
  lxw_col_t c = col_arg(L, 3);
  lxw_datetime dt;
  memset(&dt, 0, sizeof dt);
  dt.year = (int)luaL_checkinteger(L, 4);
  dt.month = (int)luaL_checkinteger(L, 5);
  dt.day = (int)luaL_checkinteger(L, 6);
  lxw_format *f = format_arg(L, w, 7);
  if (dt.year < 1900 || dt.year > 9999 || dt.month < 1 || dt.month > 12 || dt.day < 1 || dt.day > 31)
    return luaL_error(L, "xlsx: %d-%d-%d is not a date a spreadsheet can hold", dt.year, dt.month, dt.day);
  return check_err(L, lx.worksheet_write_datetime(s->ws, r, c, &dt, f), "writing a cell");
}

static int l_freeze(lua_State *L) {
  Sheet *s = check_ws(L, 1, NULL);
  lx.worksheet_freeze_panes(s->ws, row_arg(L, 2), col_arg(L, 3));
  return 0;
}

static int l_width(lua_State *L) {
  Sheet *s = check_ws(L, 1, NULL);
  lxw_col_t c = col_arg(L, 2);
  double width = luaL_checknumber(L, 3);
  return check_err(L, lx.worksheet_set_column(s->ws, c, c, width, NULL), "setting a column width");
}

static const luaL_Reg wb_methods[] = {
  { "format", l_format }, { "sheet", l_sheet }, { "close", l_close }, { NULL, NULL } };
static const luaL_Reg ws_methods[] = {
  { "string", l_string }, { "number", l_number }, { "date", l_date }, { "freeze", l_freeze },
  { "width", l_width }, { NULL, NULL } };

int qmX_open_lib(lua_State *L) {
  luaL_newmetatable(L, WB_MT);
  luaL_newlib(L, wb_methods);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, l_discard);
  lua_setfield(L, -2, "__gc");
  lua_pushcfunction(L, l_discard);
  lua_setfield(L, -2, "__close");
  lua_pushcfunction(L, l_wb_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pop(L, 1);
  luaL_newmetatable(L, WS_MT);
  luaL_newlib(L, ws_methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  lua_newtable(L);
  lua_pushboolean(L, 1);
  lua_setfield(L, -2, "available");
  lua_pushcfunction(L, l_workbook);
  lua_setfield(L, -2, "workbook");
  lua_pushinteger(L, LXW_ROW_MAX);
  lua_setfield(L, -2, "max_rows");
  lua_pushinteger(L, LXW_COL_MAX);
  lua_setfield(L, -2, "max_columns");
  lua_pushinteger(L, LXW_SHEETNAME_MAX);
  lua_setfield(L, -2, "max_sheet_name");
  lua_pushliteral(L, LXW_VERSION);
  lua_setfield(L, -2, "version");
  return 1;
}

#else  /* built without libxlsxwriter */

int qmX_open_lib(lua_State *L) {
  lua_newtable(L);
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "available");
  lua_pushliteral(L, "libxlsxwriter-dev");
  lua_setfield(L, -2, "package");
  return 1;
}

#endif
