/*
 * Tiny check harness shared by the migcfg C test programs (header-only).
 *
 *   CHECK(cond)                     CHECK_AT(line, cond)
 *   CHECK_INT(got, want)            CHECK_INT_AT(line, got, want)      (signed, 64-bit)
 *   CHECK_U64(got, want)            CHECK_U64_AT(line, got, want)
 *   CHECK_RC(got, want)             CHECK_RC_AT(line, got, want)       (migcfg status codes)
 *   CHECK_STR(got, want)            CHECK_STR_AT(line, got, want)      (NUL-terminated, NULL-safe)
 *   CHECK_MEM(p, n, want)           CHECK_MEM_AT(line, p, n, want)     (p/n bytes vs C string)
 *
 * The _AT forms take the line to report, so a table row can carry its own __LINE__.
 * Every failed check prints one line "FAIL file:line: details"; h_finish() prints the final
 * line "N passed, N failed" (counts of checks) and returns the exit status.
 *
 * Pending sections: checks between h_pending_begin() and h_pending_end() belong to one case
 * of a feature that is not implemented yet. If any of them fails, the whole case counts as one
 * "pending" (printed as a note, not a failure); if all pass, they count as passed checks.
 */
#ifndef MIGCFG_TEST_HARNESS_H
#define MIGCFG_TEST_HARNESS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#include "migcfg.h"

#define H_UNUSED __attribute__((unused))

static long h_pass, h_fail, h_pending;
static bool h_pend_active;
static long h_pend_pass, h_pend_fail;
static char h_pend_first[1024];

/* Printable, escaped, possibly shortened rendering of n bytes (for messages). */
H_UNUSED static const char *h_show(char *out, size_t cap, const char *p, size_t n)
{
    size_t o = 0;
    if (p == NULL) {
        snprintf(out, cap, "(null)");
        return out;
    }
    if (o + 1 < cap)
        out[o++] = '"';
    for (size_t i = 0; i < n && o + 8 < cap; i++) {
        unsigned char c = (unsigned char)p[i];
        if (i == 200 && n > 240) {
            o += (size_t)snprintf(out + o, cap - o, "...(%zu bytes)...", n - 220);
            i = n - 20;
            c = (unsigned char)p[i];
        }
        if (c == '"' || c == '\\')
            o += (size_t)snprintf(out + o, cap - o, "\\%c", c);
        else if (c >= 0x20 && c < 0x7f)
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
    }
    if (o + 1 < cap)
        out[o++] = '"';
    out[o < cap ? o : cap - 1] = 0;
    return out;
}

__attribute__((format(printf, 4, 5)))
H_UNUSED static bool h_result(const char *file, int line, bool ok, const char *fmt, ...)
{
    if (ok) {
        if (h_pend_active)
            h_pend_pass++;
        else
            h_pass++;
        return true;
    }
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (h_pend_active) {
        if (h_pend_fail++ == 0)
            snprintf(h_pend_first, sizeof h_pend_first, "%s:%d: %.900s", file, line, msg);
    } else {
        h_fail++;
        printf("FAIL %s:%d: %s\n", file, line, msg);
        fflush(stdout);
    }
    return false;
}

H_UNUSED static const char *h_status(long long rc, char *buf, size_t cap)
{
    const char *n = (rc >= INT32_MIN && rc <= INT32_MAX) ? migcfg_status_name((int32_t)rc) : NULL;
    if (n)
        snprintf(buf, cap, "%lld (%s)", rc, n);
    else
        snprintf(buf, cap, "%lld", rc);
    return buf;
}

#define CHECK_AT(line, cond) h_result(__FILE__, (line), (cond), "%s", #cond)
#define CHECK(cond) CHECK_AT(__LINE__, cond)

#define CHECK_INT_AT(line, got, want)                                                     \
    __extension__({                                                                       \
        long long g_ = (long long)(got), w_ = (long long)(want);                          \
        h_result(__FILE__, (line), g_ == w_, "%s == %lld, expected %lld", #got, g_, w_);  \
    })
#define CHECK_INT(got, want) CHECK_INT_AT(__LINE__, got, want)

#define CHECK_U64_AT(line, got, want)                                                     \
    __extension__({                                                                       \
        unsigned long long g_ = (unsigned long long)(got), w_ = (unsigned long long)(want); \
        h_result(__FILE__, (line), g_ == w_, "%s == %llu, expected %llu", #got, g_, w_);  \
    })
#define CHECK_U64(got, want) CHECK_U64_AT(__LINE__, got, want)

#define CHECK_RC_AT(line, got, want)                                                      \
    __extension__({                                                                       \
        long long g_ = (long long)(got), w_ = (long long)(want);                          \
        char gb_[64], wb_[64];                                                            \
        h_result(__FILE__, (line), g_ == w_, "%s == %s, expected %s", #got,               \
                 h_status(g_, gb_, sizeof gb_), h_status(w_, wb_, sizeof wb_));           \
    })
#define CHECK_RC(got, want) CHECK_RC_AT(__LINE__, got, want)

#define CHECK_MEM_AT(line, ptr, n, want)                                                  \
    __extension__({                                                                       \
        const char *p_ = (const char *)(ptr), *w_ = (want);                               \
        size_t n_ = (size_t)(n);                                                          \
        bool ok_ = (p_ == NULL && w_ == NULL) ||                                          \
                   (p_ != NULL && w_ != NULL && n_ == strlen(w_) && memcmp(p_, w_, n_) == 0); \
        char gb_[400], wb_[400];                                                          \
        h_result(__FILE__, (line), ok_, "%s == %s, expected %s", #ptr,                    \
                 h_show(gb_, sizeof gb_, p_, n_), h_show(wb_, sizeof wb_, w_, w_ ? strlen(w_) : 0)); \
    })
#define CHECK_MEM(ptr, n, want) CHECK_MEM_AT(__LINE__, ptr, n, want)

#define CHECK_STR_AT(line, got, want)                                                     \
    __extension__({                                                                       \
        const char *s_ = (got);                                                           \
        CHECK_MEM_AT(line, s_, s_ ? strlen(s_) : 0, want);                                \
    })
#define CHECK_STR(got, want) CHECK_STR_AT(__LINE__, got, want)

H_UNUSED static void h_pending_begin(void)
{
    h_pend_active = true;
    h_pend_pass = h_pend_fail = 0;
    h_pend_first[0] = 0;
}

/* Ends a pending case; returns true when every check in it passed. */
H_UNUSED static bool h_pending_end(const char *file, int line, const char *label)
{
    h_pend_active = false;
    if (h_pend_fail == 0) {
        h_pass += h_pend_pass;
        return true;
    }
    h_pending++;
    printf("PENDING %s:%d: %s: %ld of %ld checks fail; first: %s\n", file, line, label,
           h_pend_fail, h_pend_fail + h_pend_pass, h_pend_first);
    return false;
}

H_UNUSED static int h_finish(void)
{
    if (h_pending)
        printf("note: %ld pending case(s) not counted as failures (feature not implemented yet)\n",
               h_pending);
    printf("%ld passed, %ld failed\n", h_pass, h_fail);
    fflush(stdout);
    return h_fail == 0 ? 0 : 1;
}

/* Whether n bytes at ptr lie inside *obj (an empty string lies anywhere). */
#define H_INSIDE(ptr, n, obj)                                                                    \
    ((n) == 0 || ((const char *)(ptr) >= (const char *)(obj) &&                                  \
                  (const char *)(ptr) + (n) <= (const char *)((obj) + 1)))

/* A liveness guard, not a timer of speed: a test that has not returned within `seconds` ends
 * the program with a failure naming it (a loop bounded by a count read from storage?). */
static const char *h_watched = "";
H_UNUSED static void h_watch_fired(int sig)
{
    (void)sig;
    (void)!write(2, "FAIL ", 5);
    (void)!write(2, h_watched, strlen(h_watched));
    static const char msg[] = ": no return within the watchdog's time (a loop bounded by a count "
                              "read from the storage?)\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(1);
}
H_UNUSED static void h_watch(const char *test, unsigned seconds)
{
    h_watched = test;
    signal(SIGALRM, h_watch_fired);
    alarm(seconds);
}

/* Any-bytes tests: a xorshift generator, and storage filled with it or partly overwritten. */
H_UNUSED static uint64_t h_rng(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* Every byte of obj random. */
H_UNUSED static void h_fill_random(void *obj, size_t size, uint64_t *state)
{
    unsigned char *b = obj;
    for (size_t i = 0; i < size; i++)
        b[i] = (unsigned char)h_rng(state);
}

/* `count` overwrites at random places: a random byte, or an aligned 32-bit word below `below`
 * (a count or offset that looks plausible). */
H_UNUSED static void h_scribble(void *obj, size_t size, int count, uint32_t below, uint64_t *state)
{
    unsigned char *b = obj;
    for (int k = 0; k < count; k++) {
        uint64_t x = h_rng(state);
        size_t at = (size_t)(x >> 20) % (size - 4);
        uint32_t w = (uint32_t)(x >> 8) % below;
        if (x & 1)
            b[at] = (unsigned char)(x >> 8);
        else
            memcpy(b + (at & ~(size_t)3), &w, 4);
    }
}

#endif /* MIGCFG_TEST_HARNESS_H */
