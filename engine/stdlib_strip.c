/*
** stdlib_strip.c — takes the names of local variables out of a Lua 5.4 binary chunk (what
** lua_dump wrote), keeping everything else: code, constants, upvalues, nested functions, the
** source name, line numbers and upvalue names. Used by the build tool (cmake/embed_stdlib.c)
** on the stdlib's bytecode, and by the tests that check it; qm itself never calls it.
** Loading those names is a quarter of the work of loading the stdlib (measured: 9.6 M
** instructions for every module with them, 7.2 M without, 7.0 M with no debug info at all);
** without them an error inside the stdlib still says file:line and "global 'x'", only no
** longer "(local 'x')" (QM_STDLIB_PATH loads the source, with every name).
** The layout read and written is ldump.c's of Lua 5.4 (the header says how wide instructions,
** integers and floats are). A chunk this code does not understand is refused (the build then
** keeps the full chunk), and the build checks the result by loading it.
*/
#include <string.h>
#include "stdlib_strip.h"

typedef struct Strip {
  const unsigned char *p, *end;  /* what is left to read */
  unsigned char *out;            /* where the next kept byte goes */
  int bad;                       /* the chunk did not parse */
  size_t size_int, size_num, size_instr;
} Strip;

static int take(Strip *s, size_t n, int keep) {
  if (s->bad || (size_t)(s->end - s->p) < n) { s->bad = 1; return 0; }
  if (keep) memmove(s->out, s->p, n), s->out += n;
  s->p += n;
  return 1;
}

static unsigned byte(Strip *s, int keep) {
  const unsigned char *at = s->p;
  return take(s, 1, keep) ? *at : 0;
}

/* ldump.c's dumpSize: 7 bits a byte, most significant first, the last byte has bit 8 set */
static size_t size(Strip *s, int keep) {
  size_t x = 0;
  unsigned b;
  int n = 0;
  do {
    b = byte(s, keep);
    if (++n > 9) s->bad = 1;
    x = (x << 7) | (b & 0x7f);
  } while (!s->bad && (b & 0x80) == 0);
  return s->bad ? 0 : x;
}

static void str(Strip *s, int keep) {
  size_t n = size(s, keep);
  if (n > 0) take(s, n - 1, keep);
}

/* a count of 0 in ldump.c's encoding */
static void put_zero(Strip *s) {
  *s->out++ = 0x80;
}

static void func(Strip *s, int depth) {
  if (depth > 200) { s->bad = 1; return; }
  str(s, 1);                     /* source (NULL in nested functions) */
  size(s, 1);                       /* linedefined */
  size(s, 1);                       /* lastlinedefined */
  take(s, 3, 1);                    /* numparams, is_vararg, maxstacksize */
  size_t n = size(s, 1);            /* code */
  if (n > (size_t)(s->end - s->p) / s->size_instr) { s->bad = 1; return; }
  take(s, n * s->size_instr, 1);
  n = size(s, 1);                   /* constants */
  for (size_t i = 0; i < n && !s->bad; i++) {
    switch (byte(s, 1)) {
    case 0: case 1: case 17: break;                 /* nil, false, true */
    case 3: take(s, s->size_int, 1); break;         /* integer */
    case 19: take(s, s->size_num, 1); break;        /* float */
    case 4: case 20: str(s, 1); break;           /* short and long string */
    default: s->bad = 1;
    }
  }
  n = size(s, 1);                   /* upvalues: instack, idx, kind */
  if (n > (size_t)(s->end - s->p) / 3) { s->bad = 1; return; }
  take(s, n * 3, 1);
  n = size(s, 1);                   /* nested functions */
  for (size_t i = 0; i < n && !s->bad; i++) func(s, depth + 1);
  n = size(s, 1);                   /* line info: one byte an instruction */
  take(s, n, 1);
  n = size(s, 1);                   /* absolute line info: pc, line */
  for (size_t i = 0; i < n && !s->bad; i++) size(s, 1), size(s, 1);
  n = size(s, 0);                   /* local variables: name, startpc, endpc -- left out */
  for (size_t i = 0; i < n && !s->bad; i++) str(s, 0), size(s, 0), size(s, 0);
  if (!s->bad) put_zero(s);
  n = size(s, 1);                   /* upvalue names */
  for (size_t i = 0; i < n && !s->bad; i++) str(s, 1);
}

size_t qmE_strip_locals(const unsigned char *chunk, size_t len, unsigned char *out) {
  /* "\x1bLua", version 0x54, format 0, LUAC_DATA (6), three sizes, LUAC_INT, LUAC_NUM */
  static const unsigned char head[] = { 0x1b, 'L', 'u', 'a', 0x54, 0 };
  if (len < 15 || memcmp(chunk, head, sizeof head) != 0) return 0;
  Strip s = { chunk, chunk + len, out, 0, chunk[13], chunk[14], chunk[12] };
  if (s.size_instr == 0 || s.size_int == 0 || s.size_num == 0) return 0;
  take(&s, 15 + s.size_int + s.size_num, 1);
  byte(&s, 1);                      /* the main function's number of upvalues */
  func(&s, 0);
  if (s.bad || s.p != s.end) return 0;
  return (size_t)(s.out - out);
}
