/*
** check.h — a minimal unit-test harness for qm's C tests: CHECK(cond) records a failure with
** its line and goes on; TEST(name) functions run from main via RUN(name); DONE() prints the
** "N passed, N failed" line ctest's log shows and returns the exit code.
*/
#ifndef QM_CHECK_H
#define QM_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_passed = 0, check_failed = 0, check_current_failed = 0;

#define CHECK(cond) do { \
    if (!(cond)) { check_current_failed = 1; \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
  } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
    if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) { check_current_failed = 1; \
      fprintf(stderr, "%s:%d: expected \"%s\", got \"%s\"\n", __FILE__, __LINE__, \
              b_ ? b_ : "(null)", a_ ? a_ : "(null)"); } } while (0)
#define CHECK_NEAR(a, b, eps) do { double a_ = (a), b_ = (b); \
    if (!(fabs(a_ - b_) <= (eps))) { check_current_failed = 1; \
      fprintf(stderr, "%s:%d: expected %.12g, got %.12g\n", __FILE__, __LINE__, b_, a_); } } while (0)
#define TEST(name) static void name(void)
#define RUN(name) do { check_current_failed = 0; name(); \
    if (check_current_failed) { check_failed++; fprintf(stderr, "FAIL %s\n", #name); } \
    else { check_passed++; printf("ok   %s\n", #name); } } while (0)
#define DONE() (printf("%d passed, %d failed\n", check_passed, check_failed), check_failed ? 1 : 0)

#endif
