/* Proof 6, untrusted input. Every entry point that takes text (header_fns.py checks that
 * each one is called here) gets:
 *   - text that ends exactly at a page boundary, with a PROT_NONE page right after it (no
 *     NUL, nothing readable past the end): every fixed input, every prefix of long valid
 *     keyval and JSON inputs, every generated shape at lengths 0..600, and zero-length text
 *     pointing at the inaccessible page itself;
 *   - NUL bytes inside: a NUL at every position of valid keyval and JSON text is
 *     MIGCFG_ERR_SYNTAX at that offset, the table unchanged;
 *   - bytes that are not UTF-8: keyval keeps them byte for byte, JSON rejects them;
 *   - 1 MiB inputs of every shape (commas, a.a.a, [[[[, long lists, ...), at the page
 *     boundary, each in a child process with a time limit: rejected or accepted cleanly
 *     (known status, error struct well formed, a rejected input leaves the table alone).
 *
 *   untrusted                   all of the above; shapes whose 1 MiB run times out are
 *                               listed on stdout as "slow: NAME" (and fail the run)
 *   untrusted shapes            the names of the shapes that apply
 *   untrusted precheck          only the 1 MiB shapes
 *   untrusted measure SIZE SHAPE...
 *                               for callgrind (run.sh): each shape at SIZE bytes, parsed
 *                               once inside proof_measured(), so
 *                               --toggle-collect=proof_measured --dump-after=proof_measured
 *                               gives the instructions of each parse
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "migcfg.h"
#include "proof_fns.h"
#include "inputs.h"

/* header_fns.py looks for CALL(fn, ...) of every text-taking function in this file. */
#define CALL(fn, ...) fn(__VA_ARGS__)

static unsigned long failures, checks;
static const char *cur_fn = "", *cur_what = "";
static size_t cur_len;

#define FAIL(...)                                                                              \
    do {                                                                                       \
        if (failures++ < 30) {                                                                 \
            fprintf(stderr, "untrusted: ");                                                    \
            fprintf(stderr, __VA_ARGS__);                                                      \
            fprintf(stderr, "\n");                                                             \
        }                                                                                      \
    } while (0)

/* ---- text at the end of a page ---- */

static long page;
static unsigned char *region; /* [region, guard) readable, guard PROT_NONE */
static unsigned char *guard;
static size_t region_size;

static void setup_region(size_t max)
{
    region_size = (max + (size_t)page - 1) / (size_t)page * (size_t)page;
    unsigned char *m = mmap(NULL, region_size + (size_t)page, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED || mprotect(m + region_size, (size_t)page, PROT_NONE) != 0) {
        perror("untrusted: mmap");
        exit(1);
    }
    region = m;
    guard = m + region_size;
}

/* Copy text so that its last byte is the last readable byte. */
static const char *at_edge(const void *text, size_t len)
{
    if (len > region_size) {
        fprintf(stderr, "untrusted: input of %zu bytes does not fit\n", len);
        exit(1);
    }
    memmove(guard - len, text, len);
    return (const char *)(guard - len);
}

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    char msg[300];
    int n = snprintf(msg, sizeof msg,
                     "untrusted: signal %d at %p (%s) in %s on %s (%zu bytes)\n", sig,
                     si->si_addr,
                     (unsigned char *)si->si_addr >= guard &&
                             (unsigned char *)si->si_addr < guard + page
                         ? "READ PAST THE END OF THE TEXT"
                         : "elsewhere",
                     cur_fn, cur_what, cur_len);
    if (n > 0) {
        (void)!write(2, msg, (size_t)n);
    }
    _exit(2);
}

/* ---- checks ---- */

static MigcfgParams tab, saved;
static MigcfgError err;
#if defined(PROOF_HAVE_migcfg_incoming_init)
static MigcfgIncoming inc, inc_saved;
#endif

static int known(int32_t r)
{
    return r >= MIGCFG_ERR_UNREPRESENTABLE && r <= MIGCFG_HELP;
}

static void check_err(int32_t r, size_t len, const char *what)
{
    checks++;
    if (!known(r)) {
        FAIL("%s: unknown status %d on %s", cur_fn, r, what);
    }
    if (r < 0) {
        if (err.code != r || err.offset > len || memchr(err.message, 0, MIGCFG_ERROR_MAX) == 0) {
            FAIL("%s: bad error struct (code %d, offset %zu of %zu) on %s", cur_fn, err.code,
                 err.offset, len, what);
        }
    }
}

/* Parse text (already at the page edge) into a fresh table and into a full one. */
static int32_t parse_edge(const char *t, size_t len, uint32_t flags, const char *what)
{
    static const char base[] = ALL_KV;
    cur_len = len;
    cur_what = what;
    cur_fn = "migcfg_parse";
    migcfg_params_init(&tab);
    memcpy(&saved, &tab, sizeof tab);
    int32_t r = flags ? CALL(migcfg_parse_ex, &tab, t, len, flags, &err)
                      : CALL(migcfg_parse, &tab, t, len, &err);
    check_err(r, len, what);
    if (r < 0 && memcmp(&saved, &tab, sizeof tab) != 0) {
        FAIL("%s: rejected input changed the table: %s", cur_fn, what);
    }
    migcfg_params_init(&tab);
    (void)migcfg_parse(&tab, base, sizeof base - 1, &err);
    memcpy(&saved, &tab, sizeof tab);
    cur_fn = "migcfg_parse_ex";
    int32_t m = CALL(migcfg_parse_ex, &tab, t, len, flags | MIGCFG_PARSE_CAPABILITIES, &err);
    check_err(m, len, what);
    if (m < 0 && memcmp(&saved, &tab, sizeof tab) != 0) {
        FAIL("%s: rejected input changed the table (merge): %s", cur_fn, what);
    }
    return r;
}

static void incoming_edge(const char *t, size_t len, const char *what)
{
#if defined(PROOF_HAVE_migcfg_incoming_init)
    cur_len = len;
    cur_what = what;
    cur_fn = "migcfg_incoming_add";
    migcfg_incoming_init(&inc);
    memcpy(&inc_saved, &inc, sizeof inc);
    int32_t r = CALL(migcfg_incoming_add, &inc, t, len, &err);
    check_err(r, len, what);
    if (r < 0 && memcmp(&inc_saved, &inc, sizeof inc) != 0) {
        FAIL("%s: rejected argument changed the state: %s", cur_fn, what);
    }
#else
    (void)t;
    (void)len;
    (void)what;
#endif
}

/* Every text-taking entry point on one text at the page edge. */
static void all_edge(const void *text, size_t len, const char *what)
{
    const char *t = at_edge(text, len);
    (void)parse_edge(t, len, 0, what);
    (void)parse_edge(t, len, MIGCFG_PARSE_CAPABILITIES | MIGCFG_PARSE_REJECT_UNSTABLE, what);
    uint32_t id;
    cur_fn = "migcfg_param_lookup";
    (void)CALL(migcfg_param_lookup, t, len, &id);
    cur_fn = "migcfg_cap_lookup";
    (void)CALL(migcfg_cap_lookup, t, len, &id);
    cur_fn = "migcfg_set_str";
    for (uint32_t k = 0; k <= MIGCFG_PARAM__COUNT; k++) {
        migcfg_params_init(&tab);
        (void)CALL(migcfg_set_str, &tab, k, t, len, &err);
    }
    incoming_edge(t, len, what);
    if (len + 7 <= 4096) {
        static char pre[4200] = "config:";
        memcpy(pre + 7, text, len);
        incoming_edge(at_edge(pre, len + 7), len + 7, what);
    }
}

static void page_edges(void)
{
    /* Zero bytes, pointing at the inaccessible page itself. */
    (void)parse_edge((const char *)guard, 0, 0, "empty text at the guard page");
    all_edge("", 0, "empty text at the guard page");
    for (size_t i = 0; i < PROOF_FIXED_COUNT; i++) {
        const struct proof_input *in = &proof_fixed[i];
        all_edge(in->text, in->len ? in->len : strlen(in->text), in->text);
    }
    for (size_t i = 0; i < PROOF_INCOMING_COUNT; i++) {
        const struct proof_input *in = &proof_incoming[i];
        size_t len = in->len ? in->len : strlen(in->text);
        incoming_edge(at_edge(in->text, len), len, in->text);
    }
    /* Every prefix of long inputs: the text ends at every point of the grammar. */
    static const char *const longs[] = {
        ALL_KV,
        TEN_JSON,
        BBM0B ",block-bitmap-mapping.0.bitmaps.0.transform.persistent=on,tls-creds=a,,b",
        "{\"block-bitmap-mapping\": [{\"node-name\": \"a\", \"alias\": \"b\", \"bitmaps\": "
        "[{\"name\": \"n\", \"alias\": \"m\", \"transform\": {\"persistent\": true}}]}], "
        "'tls-creds': 'x\\u00e9\\ud83d\\ude00\\n', \"cpr-exec-command\": [\"a\", \"b\"], "
        "\"max-bandwidth\": -0, \"tls-authz\": null}",
        "multifd=on,postcopy-ram=off,multifd-channels=0x10,max-bandwidth=1.5k",
    };
    for (size_t k = 0; k < sizeof longs / sizeof longs[0]; k++) {
        size_t n = strlen(longs[k]);
        for (size_t len = 0; len <= n; len++) {
            all_edge(longs[k], len, longs[k]);
        }
    }
    for (size_t k = 0; k < PROOF_INCOMING_COUNT; k++) {
        const struct proof_input *in = &proof_incoming[k];
        size_t n = in->len ? in->len : strlen(in->text);
        for (size_t len = 0; len <= n; len++) {
            incoming_edge(at_edge(in->text, len), len, in->text);
        }
    }
    /* Every shape at every length up to 600. */
    static char buf[700];
    for (size_t i = 0; i < PROOF_SHAPE_COUNT; i++) {
        for (size_t n = 0; n <= 600; n++) {
            size_t len = proof_shape_fill(&proof_shapes[i], buf, n);
            if (proof_shapes[i].incoming_only) {
                incoming_edge(at_edge(buf, len), len, proof_shapes[i].name);
            } else {
                all_edge(buf, len, proof_shapes[i].name);
            }
        }
    }
}

/* ---- NUL bytes inside ---- */

static void nul_inside(void)
{
    MigcfgParams probe;
    migcfg_params_init(&probe);
    int json = migcfg_parse(&probe, "{}", 2, &err) == MIGCFG_OK;
    static const char *const valid[] = {"multifd-channels=4,tls-creds=abc,mode=cpr-transfer",
                                        TEN, ALL_KV, TEN_JSON};
    static char buf[4096];
    for (size_t k = 0; k < sizeof valid / sizeof valid[0]; k++) {
        size_t n = strlen(valid[k]);
        int is_json = valid[k][0] == '{';
        if (is_json && !json) {
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            memcpy(buf, valid[k], n);
            buf[i] = 0;
            const char *t = at_edge(buf, n);
            int32_t r = parse_edge(t, n, 0, "a NUL inside valid text");
            if (r != MIGCFG_ERR_SYNTAX || err.offset != i) {
                /* parse_edge's last call is the merge; run the fresh parse again. */
                migcfg_params_init(&tab);
                r = migcfg_parse(&tab, t, n, &err);
                if (r != MIGCFG_ERR_SYNTAX || err.offset != i) {
                    FAIL("a NUL at offset %zu of \"%.40s...\": status %d offset %zu (want %d at "
                         "%zu): %s",
                         i, valid[k], r, err.offset, MIGCFG_ERR_SYNTAX, i, err.message);
                }
            }
        }
    }
    /* The lookups: a NUL makes no name. */
    uint32_t id;
    if (migcfg_param_lookup("mode\0", 5, &id) == MIGCFG_OK ||
        migcfg_param_lookup("mo\0de", 5, &id) == MIGCFG_OK ||
        migcfg_cap_lookup("multifd\0", 8, &id) == MIGCFG_OK) {
        FAIL("a lookup accepted a name with a NUL inside");
    }
#if defined(PROOF_HAVE_migcfg_incoming_init)
    static const char arg[] = "config:multifd-channels=4,tls-creds=abc";
    for (size_t i = 0; i < sizeof arg - 1; i++) {
        memcpy(buf, arg, sizeof arg - 1);
        buf[i] = 0;
        migcfg_incoming_init(&inc);
        int32_t r = migcfg_incoming_add(&inc, at_edge(buf, sizeof arg - 1), sizeof arg - 1, &err);
        if (r >= 0) {
            FAIL("-incoming accepted a NUL at offset %zu", i);
        }
    }
#endif
}

/* ---- bytes that are not UTF-8 ---- */

static void not_utf8(void)
{
    MigcfgParams probe;
    migcfg_params_init(&probe);
    int json = migcfg_parse(&probe, "{}", 2, &err) == MIGCFG_OK;
    static const char *const bad[] = {
        "\xff",         "\xfe\xff",     "\x80",         "\xbf",     "\xc0\xaf",
        "\xc1\xbf",     "\xe0\x80\xaf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf0\x80\x80\xaf",
        "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xe2\x82", "\xc3",  "a\xc3(b",
        "\xf0\x9f\x98", "\xef\xbf\xbe\xff",
    };
    static char buf[256];
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        /* keyval keeps the bytes as QEMU does */
        int n = snprintf(buf, sizeof buf, "tls-creds=%s,cpr-exec-command.0=%s", bad[k], bad[k]);
        migcfg_params_init(&tab);
        int32_t r = migcfg_parse(&tab, at_edge(buf, (size_t)n), (size_t)n, &err);
        const char *s = 0;
        size_t len = 0;
        if (r != MIGCFG_OK || migcfg_get_str(&tab, MIGCFG_PARAM_TLS_CREDS, &s, &len) != MIGCFG_OK ||
            len != strlen(bad[k]) || memcmp(s, bad[k], len) != 0 ||
            migcfg_get_list_str(&tab, MIGCFG_PARAM_CPR_EXEC_COMMAND, 0, &s, &len) != MIGCFG_OK ||
            len != strlen(bad[k]) || memcmp(s, bad[k], len) != 0) {
            FAIL("keyval did not keep non-UTF-8 bytes #%zu: status %d", k, r);
        }
        /* a key that is not UTF-8 is simply an unknown or invalid key */
        n = snprintf(buf, sizeof buf, "%s=1", bad[k]);
        all_edge(buf, (size_t)n, "non-UTF-8 key");
        /* JSON rejects them, in strings, keys and outside */
        static const char *const forms[] = {"{\"tls-creds\": \"%s\"}", "{\"%s\": 1}",
                                            "{\"cpr-exec-command\": [\"%s\"]}", "{%s}",
                                            "{'tls-creds': '%s'}"};
        for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
            n = snprintf(buf, sizeof buf, forms[f], bad[k]);
            migcfg_params_init(&tab);
            r = migcfg_parse(&tab, at_edge(buf, (size_t)n), (size_t)n, &err);
            if (r >= 0) {
                FAIL("JSON accepted non-UTF-8 bytes: %s", buf);
            } else if (json && f == 0 && r != MIGCFG_ERR_SYNTAX) {
                FAIL("JSON: non-UTF-8 bytes in a string gave status %d, not a syntax error: %s",
                     r, err.message);
            }
        }
    }
    if (!json) {
        printf("untrusted: JSON is not supported yet: its non-UTF-8 checks only saw rejections\n");
    }
}

/* ---- 1 MiB shapes, each in a child with a time limit ---- */

#define BIG (1u << 20)
static char bigbuf[BIG + 64];

static int one_big(const struct proof_shape *sh)
{
    size_t len = proof_shape_fill(sh, bigbuf, BIG);
    const char *t = at_edge(bigbuf, len);
    if (sh->incoming_only) {
        incoming_edge(t, len, sh->name);
        return 0;
    }
    (void)parse_edge(t, len, 0, sh->name);
    (void)parse_edge(t, len, MIGCFG_PARSE_CAPABILITIES, sh->name);
    uint32_t id;
    (void)migcfg_param_lookup(t, len, &id);
    migcfg_params_init(&tab);
    (void)migcfg_set_str(&tab, MIGCFG_PARAM_TLS_CREDS, t, len, &err);
    return 0;
}

static void big_shapes(void)
{
    const char *env = getenv("PROOF_BIG_SECONDS");
    int secs = env ? atoi(env) : 4;
    for (size_t i = 0; i < PROOF_SHAPE_COUNT; i++) {
#if !defined(PROOF_HAVE_migcfg_incoming_init)
        if (proof_shapes[i].incoming_only) {
            continue;
        }
#endif
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            failures = 0;
            alarm((unsigned)secs);
            one_big(&proof_shapes[i]);
            fflush(NULL);
            _exit(failures ? 1 : 0);
        }
        int st = 0;
        waitpid(pid, &st, 0);
        if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM) {
            printf("slow: %s\n", proof_shapes[i].name);
            FAIL("1 MiB of shape %s took more than %d s: super-linear", proof_shapes[i].name,
                 secs);
        } else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            failures++;
            fprintf(stderr, "untrusted: 1 MiB of shape %s failed (status 0x%x)\n",
                    proof_shapes[i].name, st);
        }
    }
}

/* ---- callgrind mode ---- */

__attribute__((noinline)) int32_t proof_measured(const struct proof_shape *sh, const char *t,
                                                 size_t len);
__attribute__((noinline)) int32_t proof_measured(const struct proof_shape *sh, const char *t,
                                                 size_t len)
{
    __asm__ volatile("" ::: "memory");
#if defined(PROOF_HAVE_migcfg_incoming_init)
    if (sh->incoming_only) {
        return migcfg_incoming_add(&inc, t, len, &err);
    }
#endif
    (void)sh;
    return migcfg_parse(&tab, t, len, &err);
}

static int measure(size_t size, int n, char **names)
{
    for (int k = 0; k < n; k++) {
        const struct proof_shape *sh = NULL;
        for (size_t i = 0; i < PROOF_SHAPE_COUNT; i++) {
            if (strcmp(proof_shapes[i].name, names[k]) == 0) {
                sh = &proof_shapes[i];
            }
        }
        if (!sh) {
            fprintf(stderr, "untrusted: no shape %s\n", names[k]);
            return 1;
        }
        size_t len = proof_shape_fill(sh, bigbuf, size);
        const char *t = at_edge(bigbuf, len);
        migcfg_params_init(&tab);
#if defined(PROOF_HAVE_migcfg_incoming_init)
        migcfg_incoming_init(&inc);
#endif
        int32_t r = proof_measured(sh, t, len);
        printf("measured %s %zu %zu %d\n", sh->name, size, len, r);
    }
    return 0;
}

int main(int argc, char **argv)
{
    page = sysconf(_SC_PAGESIZE);
    setup_region(BIG + 8192);
    static unsigned char alt[64 << 10];
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt};
    sigaltstack(&ss, NULL);
    struct sigaction sa = {0};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);

    if (argc >= 3 && strcmp(argv[1], "measure") == 0) {
        return measure((size_t)strtoul(argv[2], NULL, 0), argc - 3, argv + 3);
    }
    if (argc == 2 && strcmp(argv[1], "shapes") == 0) {
        for (size_t i = 0; i < PROOF_SHAPE_COUNT; i++) {
#if !defined(PROOF_HAVE_migcfg_incoming_init)
            if (proof_shapes[i].incoming_only) {
                continue;
            }
#endif
            printf("%s\n", proof_shapes[i].name);
        }
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "precheck") == 0) {
        big_shapes();
        return failures ? 1 : 0;
    }
    page_edges();
    printf("untrusted: page-boundary inputs done (%lu checked calls)\n", checks);
    nul_inside();
    not_utf8();
    printf("untrusted: NUL and non-UTF-8 inputs done\n");
    big_shapes();
    printf("untrusted: %zu shapes of 1 MiB done\n", (size_t)PROOF_SHAPE_COUNT);
    if (failures) {
        fprintf(stderr, "untrusted: %lu failures\n", failures);
        return 1;
    }
    printf("untrusted: ok (%lu checked calls)\n", checks);
    return 0;
}
