/* Proof 4, bounded stack: the whole proof driver (every exported function over every input:
 * longest keys, deepest JSON, biggest lists, full string arena, 1 MiB inputs) runs on a
 * makecontext stack with a PROT_NONE guard page right below it. Before each library call
 * the free part of that stack is painted; after it, the lowest byte that is no longer paint
 * gives the call's depth (its return address included), measured from the stack pointer at
 * the call. The deepest figure per entry point is printed; over the budget (4096 bytes, or
 * PROOF_STACK_BUDGET) the test fails. A call that reaches the guard page is reported as
 * an overflow. x86-64 only (the paint and the stack pointer are read with inline asm).
 *
 * A callback the library calls (migcfg_params_foreach_set's visitor) runs on the same
 * stack and is counted in its caller's figure; the proof's visitors are tiny. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "watchdog.h"

#if !defined(__x86_64__)
#error "stack.c measures with x86-64 inline assembly"
#endif

#define STACK_SIZE (256u << 10)
#define PAINT 0xA5u
#define PAINT64 0xA5A5A5A5A5A5A5A5ull

static unsigned char *stk_lo, *stk_hi, *guard;
static unsigned char *dirty_lo; /* lowest byte a call may have written */
static volatile int on_stack;

struct figure {
    const char *fn;
    size_t depth;
    const char *label;
    size_t len;
    unsigned long calls;
};
static struct figure figures[128];
static size_t nfigures;

static const char *volatile current_fn = "";

static __attribute__((always_inline)) inline uintptr_t stack_paint(const char *name)
{
    uintptr_t sp;
    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
    current_fn = name;
    WATCH_BEFORE(name);
    if (on_stack) {
        uintptr_t lo = (uintptr_t)dirty_lo;
        if (sp > (uintptr_t)stk_lo + 32768 && sp - 32768 < lo) {
            lo = sp - 32768;
        }
        if (lo < (uintptr_t)stk_lo) {
            lo = (uintptr_t)stk_lo;
        }
        if (lo < sp) {
            void *d = (void *)lo;
            size_t c = sp - lo;
            __asm__ volatile("rep stosb" : "+D"(d), "+c"(c) : "a"(PAINT) : "memory");
        }
    }
    return sp;
}

static void record(const char *name, size_t depth);

static __attribute__((always_inline)) inline void stack_measure(const char *name, uintptr_t sp)
{
    WATCH_AFTER(name);
    if (!on_stack) {
        return;
    }
    const volatile uint64_t *w = (const volatile uint64_t *)stk_lo;
    while ((uintptr_t)w < sp && *w == PAINT64) {
        w++;
    }
    const volatile unsigned char *b = (const volatile unsigned char *)w;
    while ((uintptr_t)b < sp && *b == PAINT) {
        b++;
    }
    if ((unsigned char *)b < dirty_lo) {
        dirty_lo = (unsigned char *)b;
    }
    record(name, sp - (uintptr_t)b);
}

#define PROOF_BEFORE(name) uintptr_t proof_sp_ = stack_paint(name)
#define PROOF_AFTER(name) stack_measure(name, proof_sp_)
#include "driver.h"

static unsigned long failures;

static void proof_fail(const char *what, long value)
{
    if (failures++ < 20) {
        fprintf(stderr, "stack: contract: %s (%ld) in %s on input \"%.60s\" (%zu bytes)\n",
                what, value, current_fn, proof_label, proof_len);
    }
}

static void record(const char *name, size_t depth)
{
    size_t i;
    for (i = 0; i < nfigures; i++) {
        if (figures[i].fn == name || strcmp(figures[i].fn, name) == 0) {
            break;
        }
    }
    if (i == nfigures) {
        if (nfigures == sizeof figures / sizeof figures[0]) {
            return;
        }
        figures[nfigures++] = (struct figure){name, 0, "", 0, 0};
    }
    figures[i].calls++;
    if (depth > figures[i].depth) {
        figures[i].depth = depth;
        figures[i].label = proof_label;
        figures[i].len = proof_len;
    }
}

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    unsigned char *a = si->si_addr;
    char msg[300];
    int n;
    if (a >= guard && a < guard + 4096 * 4) {
        n = snprintf(msg, sizeof msg,
                     "stack: OVERFLOW: %s hit the guard page below a %u KiB stack on input "
                     "\"%.50s\" (%zu bytes)\n",
                     current_fn, STACK_SIZE >> 10, proof_label, proof_len);
    } else {
        n = snprintf(msg, sizeof msg, "stack: signal %d at %p in %s on input \"%.50s\"\n", sig,
                     (void *)a, current_fn, proof_label);
    }
    if (n > 0) {
        (void)!write(2, msg, (size_t)n);
    }
    _exit(2);
}

static ucontext_t main_uc, drive_uc;

static void drive(void)
{
    on_stack = 1;
    proof_drive(1);
    on_stack = 0;
}

static int by_depth(const void *a, const void *b)
{
    const struct figure *x = a, *y = b;
    return x->depth < y->depth ? 1 : x->depth > y->depth ? -1 : strcmp(x->fn, y->fn);
}

int main(void)
{
    const char *env = getenv("PROOF_STACK_BUDGET");
    size_t budget = env ? (size_t)atol(env) : 4096;
    long page = sysconf(_SC_PAGESIZE);

    /* Signals (the SIGSEGV report, the watchdog) run on their own stack. */
    static unsigned char alt[64 << 10];
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt};
    sigaltstack(&ss, NULL);
    struct sigaction sa = {0};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);

    unsigned char *map = mmap(NULL, STACK_SIZE + (size_t)page, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED || mprotect(map, (size_t)page, PROT_NONE) != 0) {
        perror("stack: mmap");
        return 1;
    }
    guard = map;
    stk_lo = map + page;
    stk_hi = stk_lo + STACK_SIZE;
    memset(stk_lo, PAINT, STACK_SIZE);
    dirty_lo = stk_hi;

    watch_start((const char *volatile *)&proof_label, (volatile size_t *)&proof_len);
    getcontext(&drive_uc);
    drive_uc.uc_stack.ss_sp = stk_lo;
    drive_uc.uc_stack.ss_size = STACK_SIZE;
    drive_uc.uc_link = &main_uc;
    makecontext(&drive_uc, drive, 0);
    if (swapcontext(&main_uc, &drive_uc) != 0) {
        perror("stack: swapcontext");
        return 1;
    }

    qsort(figures, nfigures, sizeof figures[0], by_depth);
    int over = 0;
    printf("stack: deepest use per entry point (budget %zu bytes; %u KiB stack, guard page "
           "below)\n",
           budget, STACK_SIZE >> 10);
    for (size_t i = 0; i < nfigures; i++) {
        const struct figure *f = &figures[i];
        int bad = f->depth > budget;
        over |= bad;
        printf("  %-28s %6zu bytes  %s(%lu calls; deepest on \"%.40s\", %zu bytes)\n", f->fn,
               f->depth, bad ? "OVER BUDGET " : "", f->calls, f->label, f->len);
    }
    fflush(stdout);
    /* Every exported function must have been measured. */
    static const char *const names[] = {PROOF_FN_NAMES};
    int missing = 0;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        size_t i;
        for (i = 0; i < nfigures && strcmp(figures[i].fn, names[k]) != 0; i++) {
        }
        if (i == nfigures) {
            fprintf(stderr, "stack: %s was never measured\n", names[k]);
            missing = 1;
        }
    }
    fflush(stdout);
    if (failures) {
        fprintf(stderr, "stack: %lu contract failures\n", failures);
    }
    if (over) {
        fprintf(stderr, "stack: FAILED: over the %zu-byte budget\n", budget);
    }
    return over || missing || failures ? 1 : 0;
}
