/*
 * A tiny unit-test harness. Each test program runs its tests with RUN() and
 * prints one line per test: "PASS name", "FAIL name: file:line: what" or
 * "SKIP name: why". tests/run.sh counts those lines across all programs.
 */
#ifndef HONEYSCOPE_CHECK_H
#define HONEYSCOPE_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_failed_;
static const char *check_skip_;
static int check_total_failures_;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond) && !check_failed_) {                                                           \
            printf("FAIL %s: %s:%d: %s\n", check_name_, __FILE__, __LINE__, #cond);                \
            check_failed_ = 1;                                                                     \
        }                                                                                          \
    } while (0)

#define CHECK_U64(got, want)                                                                       \
    do {                                                                                           \
        uint64_t check_got_ = (uint64_t)(got), check_want_ = (uint64_t)(want);                     \
        if (check_got_ != check_want_ && !check_failed_) {                                         \
            printf("FAIL %s: %s:%d: %s is %" PRIu64 ", want %" PRIu64 "\n", check_name_, __FILE__, \
                   __LINE__, #got, check_got_, check_want_);                                       \
            check_failed_ = 1;                                                                     \
        }                                                                                          \
    } while (0)

#define CHECK_STR(got, want)                                                                       \
    do {                                                                                           \
        const char *check_got_ = (got), *check_want_ = (want);                                     \
        if ((!check_got_ || strcmp(check_got_, check_want_) != 0) && !check_failed_) {             \
            printf("FAIL %s: %s:%d: %s is \"%s\", want \"%s\"\n", check_name_, __FILE__, __LINE__, \
                   #got, check_got_ ? check_got_ : "(null)", check_want_);                         \
            check_failed_ = 1;                                                                     \
        }                                                                                          \
    } while (0)

/* Marks the running test skipped, with the reason. */
#define SKIP(why) (check_skip_ = (why))

static const char *check_name_ = "";

#define RUN(fn)                                                                                    \
    do {                                                                                           \
        check_name_ = #fn;                                                                         \
        check_failed_ = 0;                                                                         \
        check_skip_ = NULL;                                                                        \
        fn();                                                                                      \
        if (check_failed_)                                                                         \
            check_total_failures_++;                                                               \
        else if (check_skip_)                                                                      \
            printf("SKIP %s: %s\n", #fn, check_skip_);                                             \
        else                                                                                       \
            printf("PASS %s\n", #fn);                                                              \
        fflush(stdout);                                                                            \
    } while (0)

#define CHECK_EXIT() return check_total_failures_ ? 1 : 0

#endif
