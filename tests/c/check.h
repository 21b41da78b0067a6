/* Minimal assertion helpers for the C and C++ host tests. Each failed check prints its location;
 * check_summary() prints "N passed, N failed" and returns the process exit code. */
#ifndef TESS_CHECK_H
#define TESS_CHECK_H

#include <math.h>
#include <stdio.h>
#include "tessera.h"

static int check_passed_ = 0;
static int check_failed_ = 0;

static void check_record_(int ok, const char *what, const char *file, int line) {
    if (ok) {
        check_passed_++;
    } else {
        char msg[256];
        tess_last_error_message(msg, sizeof msg);
        check_failed_++;
        printf("FAIL %s:%d: %s (last error: %s)\n", file, line, what, msg);
    }
}

#define CHECK(cond) check_record_((cond) ? 1 : 0, #cond, __FILE__, __LINE__)
#define CHECK_STATUS(expr, expected) \
    do { \
        TessStatus got_ = (expr); \
        if (got_ != (TessStatus)(expected)) \
            printf("  status 0x%08x (%s), expected 0x%08x\n", (unsigned)got_, tess_status_str(got_), \
                   (unsigned)(expected)); \
        check_record_(got_ == (TessStatus)(expected), #expr " == " #expected, __FILE__, __LINE__); \
    } while (0)
#define CHECK_NEAR(a, b, tol) check_record_(fabs((double)(a) - (double)(b)) <= (tol), #a " ~ " #b, __FILE__, __LINE__)

/* The failure status for a detail bit, for use with CHECK_STATUS. */
#define FAILED_WITH(detail) (TESS_FAILURE | (detail))

static int check_summary(void) {
    printf("%d passed, %d failed\n", check_passed_, check_failed_);
    return check_failed_ == 0 ? 0 : 1;
}

#endif
