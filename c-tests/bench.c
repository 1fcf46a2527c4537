/* C benchmark: init + migcfg_parse per iteration, through the C ABI,
 * on the three benchmark strings (QEMU's oracle times the same three: see
 * run-bench.sh of the oracle).
 *
 *   bench [N [RUNS]]        N iterations (default 1000000) per run, RUNS runs (default 5)
 *                           per string; prints every run's ns/parse and the median.
 *                           Run r runs r * 4096 / RUNS bytes deeper in the stack: where
 *                           the stack puts the library's frames has moved the time by up
 *                           to a fifth, so the runs cover the placements a caller may have
 *   bench callgrind I N     string I (0, 1, 2; 3 is a JSON bitmap mapping, not timed) N
 *                           times inside bench_one(), for
 *                           valgrind --tool=callgrind --toggle-collect=bench_one:
 *                           instructions per parse = total / N
 *
 * `make bench` at the top level builds the library and this program, and runs both modes.
 * Not part of CI (timing). Heap blocks per parse are 0: c-tests/proof/noheap.c proves it. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "migcfg.h"

static const char *const inputs[][2] = {
    {"S1", "multifd-channels=4"},
    {"S10", "multifd-channels=4,max-bandwidth=1G,mode=cpr-transfer,downtime-limit=300,"
            "multifd-compression=zstd,multifd-zstd-level=3,tls-creds=tls0,"
            "cpu-throttle-initial=20,xbzrle-cache-size=64M,zero-page-detection=multifd"},
    {"SJ", "{\"multifd-channels\": 4, \"max-bandwidth\": 1073741824, \"mode\": "
           "\"cpr-transfer\", \"downtime-limit\": 300, \"multifd-compression\": \"zstd\", "
           "\"multifd-zstd-level\": 3, \"tls-creds\": \"tls0\", \"cpu-throttle-initial\": 20, "
           "\"xbzrle-cache-size\": 67108864, \"zero-page-detection\": \"multifd\"}"},
    /* Only counted (callgrind): lists are read again from the text, so their cost is
     * watched apart from the three timed strings. */
    {"SB", "{\"block-bitmap-mapping\": [{\"node-name\": \"drive0\", \"alias\": \"n0\", "
           "\"bitmaps\": [{\"name\": \"bm0\", \"alias\": \"a0\", \"transform\": "
           "{\"persistent\": true}}, {\"name\": \"bm1\", \"alias\": \"a1\"}]}], "
           "\"multifd-channels\": 4}"},
};
#define TIMED 3

static MigcfgParams table;
static MigcfgError err;

__attribute__((noinline)) int32_t bench_one(const char *text, size_t len);
__attribute__((noinline)) int32_t bench_one(const char *text, size_t len)
{
    migcfg_params_init(&table);
    return migcfg_parse(&table, text, len, &err);
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

__attribute__((noinline)) static double timed(const char *t, size_t len, long n)
{
    double t0 = now_ns();
    for (long k = 0; k < n; k++) {
        (void)bench_one(t, len);
    }
    return (now_ns() - t0) / (double)n;
}

/* `timed`, `depth` bytes (a multiple of 64) further down the stack. */
__attribute__((noinline)) static double timed_at(const char *t, size_t len, long n, size_t depth)
{
    volatile char *pad = __builtin_alloca(depth + 1);
    pad[0] = 0;
    double ns = timed(t, len, n);
    pad[depth] = 0;
    return ns;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "callgrind") == 0) {
        int i = atoi(argv[2]);
        long n = atol(argv[3]);
        if (i < 0 || i > 3 || n <= 0) {
            return 2;
        }
        const char *t = inputs[i][1];
        size_t len = strlen(t);
        for (long k = 0; k < n; k++) {
            if (bench_one(t, len) != MIGCFG_OK) {
                return 1;
            }
        }
        return 0;
    }
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    if (n <= 0 || runs <= 0 || runs > 99) {
        fprintf(stderr, "usage: bench [N [RUNS]] | bench callgrind I N\n");
        return 2;
    }
    printf("migcfg %s: init + migcfg_parse, %ld iterations per run\n", migcfg_version(), n);
    for (int i = 0; i < TIMED; i++) {
        const char *t = inputs[i][1];
        size_t len = strlen(t);
        if (bench_one(t, len) != MIGCFG_OK) {
            printf("%s: rejected: %s\n", inputs[i][0], err.message);
            return 1;
        }
        for (long k = 0; k < n / 10; k++) { /* warm up */
            (void)bench_one(t, len);
        }
        double ns[99];
        for (int r = 0; r < runs; r++) {
            ns[r] = timed_at(t, len, n, (size_t)r * 4096 / (size_t)runs / 64 * 64);
        }
        printf("%-4s runs:", inputs[i][0]);
        for (int r = 0; r < runs; r++) {
            printf(" %.1f", ns[r]);
        }
        qsort(ns, (size_t)runs, sizeof ns[0], cmp);
        printf("  median %.1f ns/parse  (%s)\n", ns[runs / 2], t);
    }
    return 0;
}
