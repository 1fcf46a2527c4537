/* Proof 1, no heap: this program defines the whole malloc family itself (malloc, calloc,
 * realloc, free, posix_memalign, aligned_alloc, memalign, valloc, pvalloc), so every call
 * any code in the process makes lands here, the Rust library's included (it is linked into
 * this executable, and the executable's definitions win over libc's). While the driver runs
 * a library function the calls are counted, per function; the driver calls every exported
 * function over the whole input set (valid and invalid keyval, JSON, -incoming arguments,
 * lists and strings at their capacities, 1 MiB inputs). Expected: zero calls.
 *
 * Linked against the default (std) libmigcfg.a, the shipped one: std is where a heap could
 * come from. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "watchdog.h"

static const char *volatile current_fn = "";
#define PROOF_BEFORE(name) ((void)(current_fn = (name), WATCH_BEFORE(name)))
#define PROOF_AFTER(name) WATCH_AFTER(name)
#include "driver.h"

/* ---- the interposed allocator: a bump arena for libc's own use outside the driver ---- */

static _Alignas(64) unsigned char arena[8u << 20];
static size_t arena_used;
static volatile int armed;
static unsigned long heap_calls;
static const char *heap_fn[64];
static const char *heap_kind[64];
static const char *heap_input[64];

static void note(const char *kind)
{
    if (!armed) {
        return;
    }
    if (heap_calls < 64) {
        heap_fn[heap_calls] = current_fn;
        heap_kind[heap_calls] = kind;
        heap_input[heap_calls] = proof_label;
    }
    heap_calls++;
}

static void *bump(size_t size, size_t align)
{
    if (align < 16) {
        align = 16;
    }
    size_t start = (arena_used + sizeof(size_t) + align - 1) & ~(align - 1);
    if (size > sizeof arena || start + size > sizeof arena) {
        errno = ENOMEM;
        return NULL;
    }
    ((size_t *)(arena + start))[-1] = size;
    arena_used = start + size;
    return arena + start;
}

void *malloc(size_t size)
{
    note("malloc");
    return bump(size, 16);
}

void *calloc(size_t n, size_t size)
{
    note("calloc");
    if (size && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    return bump(n * size, 16); /* the arena is zero and never reused */
}

void *realloc(void *old, size_t size)
{
    note("realloc");
    void *p = bump(size, 16);
    if (p && old) {
        size_t was = ((size_t *)old)[-1];
        memcpy(p, old, was < size ? was : size);
    }
    return p;
}

void free(void *p)
{
    if (p) {
        note("free");
    }
}

int posix_memalign(void **out, size_t align, size_t size)
{
    note("posix_memalign");
    void *p = bump(size, align);
    if (!p) {
        return ENOMEM;
    }
    *out = p;
    return 0;
}

void *aligned_alloc(size_t align, size_t size)
{
    note("aligned_alloc");
    return bump(size, align);
}

void *memalign(size_t align, size_t size)
{
    note("memalign");
    return bump(size, align);
}

void *valloc(size_t size)
{
    note("valloc");
    return bump(size, 4096);
}

void *pvalloc(size_t size)
{
    note("pvalloc");
    return bump((size + 4095) & ~(size_t)4095, 4096);
}

/* ---- driver hooks ---- */

static unsigned long failures;

static void proof_fail(const char *what, long value)
{
    armed = 0;
    if (failures++ < 20) {
        fprintf(stderr, "noheap: contract: %s (%ld) in %s on input \"%.60s\" (%zu bytes)\n",
                what, value, current_fn, proof_label, proof_len);
    }
    armed = 1;
}

int main(void)
{
    /* Make sure the interposition is live: libc's own allocation must come here. */
    armed = 1;
    current_fn = "(self-test)";
    void *(*volatile m)(size_t) = malloc;
    void (*volatile f)(void *) = free;
    f(m(1));
    char *(*volatile dup)(const char *) = strdup; /* libc's own malloc call */
    f(dup("x"));
    armed = 0;
    if (heap_calls != 4) {
        fprintf(stderr, "noheap: the malloc interposition is not live\n");
        return 1;
    }
    heap_calls = 0;

    watch_start((const char *volatile *)&proof_label, (volatile size_t *)&proof_len);
    armed = 1;
    proof_drive(1);
    armed = 0;

    printf("noheap: %lu parses/adds, every exported function (%d) called; heap calls: %lu\n",
           proof_calls, PROOF_FN_COUNT, heap_calls);
    for (unsigned long i = 0; i < heap_calls && i < 64; i++) {
        fprintf(stderr, "noheap: %s from %s on input \"%.60s\"\n", heap_kind[i], heap_fn[i],
                heap_input[i]);
    }
    if (failures) {
        fprintf(stderr, "noheap: %lu contract failures\n", failures);
    }
    return heap_calls || failures ? 1 : 0;
}
