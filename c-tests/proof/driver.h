/* The proof driver: calls every exported function of migcfg.h over the proof inputs
 * (valid and invalid keyval, JSON, -incoming arguments, full lists, full string arena,
 * 1 MiB shapes), checking the C contract on the way. Freestanding C (no libc calls, no
 * heap, big buffers static), so one driver serves the no-heap test (hosted), the stack
 * test (run on a makecontext stack) and the freestanding and panic-never links.
 *
 * Every library call goes through CALL(fn, args...) or CALLV(fn, args...) (void
 * functions); the includer defines PROOF_BEFORE(name) / PROOF_AFTER(name) around each
 * call (the stack test paints and measures there) and proof_fail(). header_fns.py checks
 * that every function of the header appears here in a CALL. A function that is added to
 * the header must be added here, with real inputs, or the proof fails. */
#ifndef PROOF_DRIVER_H
#define PROOF_DRIVER_H

#include "migcfg.h"
#include "proof_fns.h"
#include "inputs.h"

#ifndef PROOF_BEFORE
#define PROOF_BEFORE(name) ((void)0)
#endif
#ifndef PROOF_AFTER
#define PROOF_AFTER(name) ((void)0)
#endif
#ifndef PROOF_BIG
#define PROOF_BIG (1u << 20) /* the largest generated input */
#endif

#define CALL(fn, ...)                                                                          \
    __extension__({                                                                            \
        PROOF_BEFORE(#fn);                                                                     \
        __typeof__(fn(__VA_ARGS__)) proof_r_ = fn(__VA_ARGS__);                                \
        PROOF_AFTER(#fn);                                                                      \
        proof_r_;                                                                              \
    })
#define CALLV(fn, ...)                                                                         \
    do {                                                                                       \
        PROOF_BEFORE(#fn);                                                                     \
        fn(__VA_ARGS__);                                                                       \
        PROOF_AFTER(#fn);                                                                      \
    } while (0)

/* Provided by the includer: a contract violation (what), on input `proof_label`. */
static void proof_fail(const char *what, long value);
/* Provided by the includer: whether to leave out generated shape `name` at `size` bytes
 * (diagnosis only: the hosted programs read PROOF_SKIP, "name:size,..."). */
static int proof_skip(const char *name, size_t size);

static const char *proof_label = "";
static unsigned long proof_calls;
static int proof_json_ok;

static MigcfgParams proof_p, proof_q, proof_r, proof_saved, proof_defaults;
static size_t proof_len;
static MigcfgError proof_err;
static char proof_out[1u << 17];
/* The capacity inputs need up to ~20 KiB whatever PROOF_BIG is. */
static char proof_in[(PROOF_BIG > 65536 ? PROOF_BIG : 65536) + 64];

static int proof_mem_eq(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return 0;
        }
    }
    return 1;
}

static void proof_copy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    for (size_t i = 0; i < n; i++) {
        d[i] = s[i];
    }
}

static void proof_fill(void *dst, unsigned char v, size_t n)
{
    volatile unsigned char *d = dst;
    for (size_t i = 0; i < n; i++) {
        d[i] = v;
    }
}

#define PROOF_CHECK(cond, what, value)                                                         \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            proof_fail(what, (long)(value));                                                   \
        }                                                                                      \
    } while (0)

static int proof_known_status(int32_t r)
{
    return r >= MIGCFG_ERR_UNREPRESENTABLE && r <= MIGCFG_HELP;
}

/* The error struct after a call that returned r on text of length len. */
static void proof_check_error(int32_t r, size_t len)
{
    PROOF_CHECK(proof_known_status(r), "unknown status", r);
    if (r < 0) {
        PROOF_CHECK(proof_err.code == r, "err.code differs from the return value", proof_err.code);
        PROOF_CHECK(proof_err.offset <= len, "err.offset beyond the text", proof_err.offset);
        size_t n = 0;
        while (n < MIGCFG_ERROR_MAX && proof_err.message[n]) {
            n++;
        }
        PROOF_CHECK(n < MIGCFG_ERROR_MAX, "err.message not NUL-terminated", n);
        PROOF_CHECK(n > 0, "err.message empty", r);
    }
}

static void proof_expect(int32_t r, int expect)
{
    switch (expect) {
    case EXPECT_ANY:
        break;
    case EXPECT_FAIL:
        PROOF_CHECK(r < 0, "accepted an input that must be rejected", r);
        break;
    case EXPECT_JSON_OK:
        if (proof_json_ok) {
            PROOF_CHECK(r == MIGCFG_OK, "rejected valid JSON", r);
        }
        break;
    default:
        PROOF_CHECK(r == expect, "unexpected status", r);
    }
}

/* ---- reading a table back ------------------------------------------------------------- */

static int32_t proof_visit(void *opaque, uint32_t id, const MigcfgValue *v)
{
    unsigned long *n = opaque;
    (*n)++;
    if (v == 0 || id > MIGCFG_CAP_ID_BASE + 64) {
        return 99;
    }
    return 0;
}

static int32_t proof_visit_stop(void *opaque, uint32_t id, const MigcfgValue *v)
{
    (void)opaque;
    (void)id;
    (void)v;
    return 7;
}

typedef int32_t (*proof_formatter)(const MigcfgParams *, char *, size_t, size_t *);
typedef int32_t (*proof_formatter_ex)(const MigcfgParams *, uint32_t, char *, size_t, size_t *);

/* The buffer rules of a formatter: size query, too small, exact, roomy. Returns the
 * status of the full write (text in proof_out). */
#define PROOF_FORMAT(fn, ...)                                                                  \
    __extension__({                                                                            \
        size_t need_ = 0, len_ = 0;                                                            \
        int32_t q_ = CALL(fn, __VA_ARGS__ __VA_OPT__(, ) 0, 0, &need_);                                      \
        int32_t full_ = q_;                                                                    \
        PROOF_CHECK(q_ == MIGCFG_ERR_NOSPACE || q_ == MIGCFG_ERR_UNREPRESENTABLE ||            \
                        q_ == MIGCFG_ERR_INVALID_ARG,                                          \
                    #fn ": size query", q_);                                                   \
        if (q_ != MIGCFG_ERR_INVALID_ARG) {                                                    \
            PROOF_CHECK(CALL(fn, __VA_ARGS__ __VA_OPT__(, ) proof_out, 16, 0) ==               \
                            MIGCFG_ERR_NULL,                                                   \
                        #fn ": NULL len", 0);                                                  \
            PROOF_CHECK(CALL(fn, __VA_ARGS__ __VA_OPT__(, ) 0, 16, &len_) == MIGCFG_ERR_NULL,  \
                        #fn ": NULL buffer with a capacity", 0);                               \
        }                                                                                      \
        if (q_ == MIGCFG_ERR_NOSPACE && need_ < sizeof(proof_out)) {                           \
            len_ = 0;                                                                          \
            int32_t s_ = CALL(fn, __VA_ARGS__ __VA_OPT__(, ) proof_out, need_, &len_);                       \
            PROOF_CHECK(s_ == MIGCFG_ERR_NOSPACE && len_ == need_, #fn ": one byte short",     \
                        s_);                                                                   \
            proof_out[need_] = 'X';                                                            \
            full_ = CALL(fn, __VA_ARGS__ __VA_OPT__(, ) proof_out, need_ + 1, &len_);                        \
            PROOF_CHECK(full_ == MIGCFG_OK && len_ == need_ && proof_out[need_] == 0,          \
                        #fn ": exact buffer", full_);                                          \
            (void)CALL(fn, __VA_ARGS__ __VA_OPT__(, ) proof_out, sizeof(proof_out), &len_);                  \
        }                                                                                      \
        if (q_ == MIGCFG_ERR_NOSPACE && need_ >= sizeof(proof_out)) {                          \
            proof_fail(#fn ": output larger than the proof's buffer", (long)need_);            \
        }                                                                                      \
        full_;                                                                                 \
    })

/* checked: the table came from a successful parse (so its output must parse back). */
static void proof_read_table(const MigcfgParams *p, int checked)
{
    for (uint32_t id = 0; id <= MIGCFG_PARAM__COUNT + 1; id++) {
        uint64_t u = 0;
        bool b = false;
        const char *s = 0;
        size_t len = 0, n = 0;
        (void)CALL(migcfg_is_set, p, id);
        (void)CALL(migcfg_get_u64, p, id, &u);
        (void)CALL(migcfg_get_bool, p, id, &b);
        (void)CALL(migcfg_get_str, p, id, &s, &len);
        if (CALL(migcfg_get_list_len, p, id, &n) == MIGCFG_OK) {
            for (size_t i = 0; i <= n && i <= MIGCFG_EXEC_COMMAND_CAPACITY; i++) {
                (void)CALL(migcfg_get_list_str, p, id, i, &s, &len);
            }
        }
    }
    (void)CALL(migcfg_get_u64, p, 0xFFFFFFFFu, (uint64_t *)0);
    (void)CALL(migcfg_get_str, p, MIGCFG_PARAM_TLS_CREDS, (const char **)0, (size_t *)0);
    for (size_t i = 0; i <= MIGCFG_BITMAP_NODE_CAPACITY; i++) {
        MigcfgBitmapNode node;
        if (CALL(migcfg_get_bitmap_node, p, i, &node) == MIGCFG_OK) {
            for (size_t j = 0; j <= node.bitmaps && j <= MIGCFG_BITMAP_CAPACITY; j++) {
                MigcfgBitmapAlias a;
                (void)CALL(migcfg_get_bitmap, p, i, j, &a);
            }
        }
    }
    {
        uint64_t on = 0, set = 0;
        (void)CALL(migcfg_get_caps, p, &on, &set);
        (void)CALL(migcfg_get_caps, p, (uint64_t *)0, (uint64_t *)0);
        unsigned long visits = 0;
        int32_t r = CALL(migcfg_params_foreach_set, p, proof_visit, &visits);
        PROOF_CHECK(r == MIGCFG_OK, "foreach_set did not complete", r);
        r = CALL(migcfg_params_foreach_set, p, proof_visit_stop, (void *)0);
        PROOF_CHECK(r == 7 || r == MIGCFG_OK, "foreach_set did not return the callback's value",
                    r);
        PROOF_CHECK(CALL(migcfg_params_foreach_set, p, (MigcfgVisitFn)0, (void *)0) ==
                        MIGCFG_ERR_NULL,
                    "foreach_set NULL callback", 0);
    }
    (void)CALL(migcfg_params_page_size, p);
    (void)CALL(migcfg_params_check, p, (const MigcfgParams *)0, &proof_err);
    (void)CALL(migcfg_params_check, p, &proof_defaults, &proof_err);
    (void)CALL(migcfg_params_check, p, &proof_defaults, (MigcfgError *)0);

    (void)PROOF_FORMAT(migcfg_format_json, p);
    (void)PROOF_FORMAT(migcfg_format_json_ex, p, MIGCFG_FORMAT_ALL);
    (void)PROOF_FORMAT(migcfg_format_json_ex, p, 0x40);
    (void)PROOF_FORMAT(migcfg_format_caps_json, p);
    (void)PROOF_FORMAT(migcfg_format_keyval_ex, p, MIGCFG_FORMAT_ALL);
    (void)PROOF_FORMAT(migcfg_format_keyval_ex, p, 0x40);
#if defined(MIGCFG_FORMAT_CAPABILITIES)
    (void)PROOF_FORMAT(migcfg_format_json_ex, p, MIGCFG_FORMAT_CAPABILITIES);
    (void)PROOF_FORMAT(migcfg_format_json_ex, p, MIGCFG_FORMAT_ALL | MIGCFG_FORMAT_CAPABILITIES);
    (void)PROOF_FORMAT(migcfg_format_keyval_ex, p, MIGCFG_FORMAT_ALL | MIGCFG_FORMAT_CAPABILITIES);
    if (PROOF_FORMAT(migcfg_format_keyval_ex, p, MIGCFG_FORMAT_CAPABILITIES) == MIGCFG_OK &&
        checked) {
        size_t len = 0;
        while (proof_out[len]) {
            len++;
        }
        CALLV(migcfg_params_init, &proof_r);
        int32_t r = CALL(migcfg_parse_ex, &proof_r, proof_out, len, MIGCFG_PARSE_CAPABILITIES,
                         &proof_err);
        PROOF_CHECK(r == MIGCFG_OK, "keyval output with capabilities does not parse back", r);
    }
#endif
    int32_t kv = PROOF_FORMAT(migcfg_format_keyval, p);
    if (kv == MIGCFG_OK && checked) {
        /* What keyval output says parses back (equality is the fuzzers' job). */
        size_t len = 0;
        while (proof_out[len]) {
            len++;
        }
        CALLV(migcfg_params_init, &proof_r);
        int32_t r = CALL(migcfg_parse, &proof_r, proof_out, len, &proof_err);
        PROOF_CHECK(r == MIGCFG_OK, "keyval output does not parse back", r);
    }
}

/* ---- parsing -------------------------------------------------------------------------- */

/* Parse text into a fresh table and into one that already holds values; check atomicity
 * and the error struct; read the table back after a success. */
static int32_t proof_parse(const char *text, size_t len, uint32_t flags, int expect, int read)
{
    int32_t r;
    proof_len = len;
    CALLV(migcfg_params_init, &proof_p);
    proof_copy(&proof_saved, &proof_p, sizeof proof_p);
    if (flags == 0) {
        r = CALL(migcfg_parse, &proof_p, text, len, &proof_err);
    } else {
        r = CALL(migcfg_parse_ex, &proof_p, text, len, flags, &proof_err);
    }
    proof_calls++;
    proof_check_error(r, len);
    proof_expect(r, expect);
    if (r < 0) {
        PROOF_CHECK(proof_mem_eq(&proof_saved, &proof_p, sizeof proof_p),
                    "a rejected input changed the table", r);
    } else if (read) {
        proof_read_table(&proof_p, 1);
    }
    /* Merge over a table that holds strings, lists, the mapping and capabilities. */
    static const char base[] = ALL_KV ",multifd=on";
    CALLV(migcfg_params_init, &proof_q);
    int32_t b = CALL(migcfg_parse_ex, &proof_q, base, sizeof base - 1,
                     MIGCFG_PARSE_CAPABILITIES, &proof_err);
    PROOF_CHECK(b == MIGCFG_OK, "the merge base does not parse", b);
    proof_copy(&proof_saved, &proof_q, sizeof proof_q);
    int32_t m = CALL(migcfg_parse_ex, &proof_q, text, len, flags | MIGCFG_PARSE_CAPABILITIES,
                     (MigcfgError *)0);
    PROOF_CHECK(proof_known_status(m), "unknown status (merge)", m);
    if (m < 0) {
        PROOF_CHECK(proof_mem_eq(&proof_saved, &proof_q, sizeof proof_q),
                    "a rejected input changed the table (merge)", m);
    } else if (read) {
        proof_read_table(&proof_q, 1);
    }
    return r;
}

#if defined(PROOF_HAVE_migcfg_incoming_init)
static MigcfgIncoming proof_inc, proof_inc_saved;

/* Everything that reads an -incoming state back. */
static void proof_read_incoming(const MigcfgIncoming *inc)
{
    const MigcfgParams *p = CALL(migcfg_incoming_params, inc);
    PROOF_CHECK(p != 0, "migcfg_incoming_params gave NULL", 0);
    if (p) {
        proof_read_table(p, 1);
    }
#if defined(PROOF_HAVE_migcfg_incoming_has_config)
    (void)CALL(migcfg_incoming_has_config, inc);
#endif
#if defined(PROOF_HAVE_migcfg_incoming_defer)
    (void)CALL(migcfg_incoming_defer, inc);
#endif
#if defined(PROOF_HAVE_migcfg_incoming_mode)
    (void)CALL(migcfg_incoming_mode, inc);
#endif
#if defined(PROOF_HAVE_migcfg_incoming_mode_name)
    PROOF_CHECK(CALL(migcfg_incoming_mode_name, inc) != 0, "migcfg_incoming_mode_name gave NULL",
                0);
#endif
#if defined(PROOF_HAVE_migcfg_incoming_local)
    (void)CALL(migcfg_incoming_local, inc);
#endif
#if defined(PROOF_HAVE_migcfg_incoming_channel)
    for (uint32_t ct = 0; ct <= 2; ct++) {
#if defined(PROOF_HAVE_migcfg_incoming_has_channel)
        (void)CALL(migcfg_incoming_has_channel, inc, ct);
#endif
        MigcfgChannel ch;
        size_t argc = 0;
        if (CALL(migcfg_incoming_channel, inc, ct, &ch) == MIGCFG_OK) {
            argc = ch.argc;
        }
#if defined(PROOF_HAVE_migcfg_incoming_channel_arg)
        for (size_t i = 0; i <= argc && i <= MIGCFG_CHANNEL_ARGS_CAPACITY; i++) {
            const char *a = 0;
            size_t alen = 0;
            (void)CALL(migcfg_incoming_channel_arg, inc, ct, i, &a, &alen);
        }
        PROOF_CHECK(CALL(migcfg_incoming_channel_arg, inc, ct, 0, (const char **)0,
                         (size_t *)0) < 0,
                    "migcfg_incoming_channel_arg with NULL out-pointers", 0);
#endif
    }
    PROOF_CHECK(CALL(migcfg_incoming_channel, inc, MIGCFG_CHANNEL_MAIN, (MigcfgChannel *)0) < 0,
                "migcfg_incoming_channel with a NULL out-pointer", 0);
#endif
}

static int32_t proof_incoming_add(const char *text, size_t len, int expect, int read)
{
    proof_len = len;
    CALLV(migcfg_incoming_init, &proof_inc);
    proof_copy(&proof_inc_saved, &proof_inc, sizeof proof_inc);
    int32_t r = CALL(migcfg_incoming_add, &proof_inc, text, len, &proof_err);
    proof_calls++;
    proof_check_error(r, len);
    proof_expect(r, expect);
    if (r < 0) {
        PROOF_CHECK(proof_mem_eq(&proof_inc_saved, &proof_inc, sizeof proof_inc),
                    "a rejected -incoming argument changed the state", r);
    }
    if (read) {
        proof_read_incoming(&proof_inc);
#if defined(PROOF_HAVE_migcfg_incoming_set_flags)
        /* With flags, and a bad flag. */
        CALLV(migcfg_incoming_init, &proof_inc);
        PROOF_CHECK(CALL(migcfg_incoming_set_flags, &proof_inc, 0x80000000u) ==
                        MIGCFG_ERR_INVALID_ARG,
                    "migcfg_incoming_set_flags accepts an unknown bit", 0);
        PROOF_CHECK(CALL(migcfg_incoming_set_flags, &proof_inc,
                         MIGCFG_PARSE_CAPABILITIES | MIGCFG_PARSE_REJECT_UNSTABLE) == MIGCFG_OK,
                    "migcfg_incoming_set_flags", 0);
        if (CALL(migcfg_incoming_add, &proof_inc, text, len, &proof_err) >= 0) {
            proof_read_incoming(&proof_inc);
        }
#endif
#if defined(PROOF_HAVE_migcfg_incoming_target)
        /* As a QEMU 10.2, then its help listing. */
        CALLV(migcfg_incoming_init, &proof_inc);
        PROOF_CHECK(CALL(migcfg_incoming_target, &proof_inc, 10, 2) == MIGCFG_OK,
                    "migcfg_incoming_target", 0);
        PROOF_CHECK(CALL(migcfg_incoming_target, &proof_inc, 0, 0) == MIGCFG_ERR_INVALID_ARG,
                    "migcfg_incoming_target accepts release 0.0", 0);
        if (CALL(migcfg_incoming_add, &proof_inc, text, len, &proof_err) >= 0) {
            proof_read_incoming(&proof_inc);
        }
#endif
#if defined(PROOF_HAVE_migcfg_incoming_help_write)
        {
            size_t need = 0;
            PROOF_CHECK(CALL(migcfg_incoming_help_write, &proof_inc, (char *)0, 0, &need) ==
                            MIGCFG_ERR_NOSPACE,
                        "migcfg_incoming_help_write size query", 0);
            if (need < sizeof proof_out) {
                PROOF_CHECK(CALL(migcfg_incoming_help_write, &proof_inc, proof_out,
                                 sizeof proof_out, &need) == MIGCFG_OK,
                            "migcfg_incoming_help_write", 0);
            }
        }
#endif
        /* A second argument on top of the first. */
        static const char second[] = "tcp:localhost:4444";
        (void)CALL(migcfg_incoming_add, &proof_inc, second, sizeof second - 1, &proof_err);
        (void)CALL(migcfg_incoming_add, &proof_inc, text, len, (MigcfgError *)0);
    }
    return r;
}
#endif

static void proof_shape_run(const struct proof_shape *sh, size_t n, int read)
{
    size_t len = proof_shape_fill(sh, proof_in, n);
    if (sh->incoming_only) {
#if defined(PROOF_HAVE_migcfg_incoming_init)
        (void)proof_incoming_add(proof_in, len, EXPECT_ANY, read);
#endif
        return;
    }
    (void)proof_parse(proof_in, len, 0, EXPECT_ANY, read);
    (void)proof_parse(proof_in, len, MIGCFG_PARSE_CAPABILITIES | MIGCFG_PARSE_REJECT_UNSTABLE,
                      EXPECT_ANY, 0);
#if defined(PROOF_HAVE_migcfg_incoming_init)
    /* The same text as an -incoming config: argument. */
    static const char pre[] = "config:";
    if (len + sizeof pre - 1 <= sizeof proof_in) {
        for (size_t i = len; i > 0; i--) {
            proof_in[i - 1 + sizeof pre - 1] = proof_in[i - 1];
        }
        proof_copy(proof_in, pre, sizeof pre - 1);
        (void)proof_incoming_add(proof_in, len + sizeof pre - 1, EXPECT_ANY, read);
    }
#endif
}

/* Inputs at the capacities: 64 list elements, the whole mapping, the whole string arena. */
static void proof_capacities(void)
{
    size_t len = 0;
    char *b = proof_in;
#define PUT(s)                                                                                 \
    do {                                                                                       \
        const char *s_ = (s);                                                                  \
        while (*s_) {                                                                          \
            b[len++] = *s_++;                                                                  \
        }                                                                                      \
    } while (0)
#define PUTN(v)                                                                                \
    do {                                                                                       \
        unsigned v_ = (v);                                                                     \
        char d_[12];                                                                           \
        int k_ = 0;                                                                            \
        do {                                                                                   \
            d_[k_++] = (char)('0' + v_ % 10);                                                  \
            v_ /= 10;                                                                          \
        } while (v_);                                                                          \
        while (k_) {                                                                           \
            b[len++] = d_[--k_];                                                               \
        }                                                                                      \
    } while (0)
    /* cpr-exec-command: 64 elements of 100 bytes with commas, then one too many. */
    for (unsigned i = 0; i < MIGCFG_EXEC_COMMAND_CAPACITY; i++) {
        PUT("cpr-exec-command.");
        PUTN(i);
        PUT("=");
        for (int k = 0; k < 40; k++) {
            PUT(k % 8 ? "a" : ",,");
        }
        PUT(",");
    }
    proof_label = "64 cpr-exec-command elements";
    (void)proof_parse(proof_in, len, 0, MIGCFG_OK, 1);
    PUT("cpr-exec-command.64=a");
    proof_label = "65 cpr-exec-command elements";
    (void)proof_parse(proof_in, len, 0, MIGCFG_ERR_CAPACITY, 0);

    /* block-bitmap-mapping: 8 nodes, 32 bitmaps, long names, every transform form. */
    len = 0;
    for (unsigned i = 0; i < MIGCFG_BITMAP_NODE_CAPACITY; i++) {
        PUT("block-bitmap-mapping.");
        PUTN(i);
        PUT(".node-name=node-with-a-long-name-");
        PUTN(i);
        PUT(",block-bitmap-mapping.");
        PUTN(i);
        PUT(".alias=alias");
        PUTN(i);
        PUT(",");
        for (unsigned j = 0; j < MIGCFG_BITMAP_CAPACITY / MIGCFG_BITMAP_NODE_CAPACITY; j++) {
            static const char *const tf[] = {"", ".transform.persistent=on",
                                             ".transform.persistent=off", ""};
            PUT("block-bitmap-mapping.");
            PUTN(i);
            PUT(".bitmaps.");
            PUTN(j);
            PUT(".name=bitmap-name-");
            PUTN(j);
            PUT(",block-bitmap-mapping.");
            PUTN(i);
            PUT(".bitmaps.");
            PUTN(j);
            PUT(".alias=ba");
            PUTN(j);
            PUT(",");
            if (*tf[j]) {
                PUT("block-bitmap-mapping.");
                PUTN(i);
                PUT(".bitmaps.");
                PUTN(j);
                PUT(tf[j]);
                PUT(",");
            }
        }
    }
    proof_label = "full block-bitmap-mapping";
    (void)proof_parse(proof_in, len, 0, MIGCFG_OK, 1);
    PUT("block-bitmap-mapping.0.bitmaps.4.name=x,block-bitmap-mapping.0.bitmaps.4.alias=y");
    proof_label = "33 bitmaps";
    (void)proof_parse(proof_in, len, 0, EXPECT_FAIL, 0);

    /* The string arena: 8192 bytes in one string (escaped commas, non-ASCII), then 8193. */
    len = 0;
    PUT("tls-creds=");
    for (int k = 0; k < MIGCFG_STRING_CAPACITY; k++) {
        b[len++] = (char)(k % 97 == 0 ? 0xe9 : k % 13 == 0 ? ',' : 'a' + k % 26);
        if (b[len - 1] == ',') {
            b[len++] = ',';
        }
    }
    proof_label = "8192-byte string";
    (void)proof_parse(proof_in, len, 0, MIGCFG_OK, 1);
    PUT("z");
    proof_label = "8193-byte string";
    (void)proof_parse(proof_in, len, 0, MIGCFG_ERR_CAPACITY, 0);

    /* The arena over several strings and the exec list together. */
    len = 0;
    PUT("tls-creds=");
    for (int k = 0; k < 4000; k++) {
        PUT("\\");
    }
    PUT(",tls-hostname=");
    for (int k = 0; k < 4000; k++) {
        PUT("\x01");
    }
    for (unsigned i = 0; i < MIGCFG_EXEC_COMMAND_CAPACITY; i++) {
        PUT(",cpr-exec-command.");
        PUTN(i);
        PUT("=abc");
    }
    proof_label = "arena shared by strings and a list";
    (void)proof_parse(proof_in, len, 0, EXPECT_ANY, 1);

    /* JSON at the capacities (whatever the JSON front end makes of them). */
    len = 0;
    PUT("{\"cpr-exec-command\": [");
    for (unsigned i = 0; i < MIGCFG_EXEC_COMMAND_CAPACITY; i++) {
        PUT(i ? ", \"" : "\"");
        for (int k = 0; k < 100; k++) {
            PUT(k % 10 ? "a" : "\\u00e9");
        }
        PUT("\"");
    }
    PUT("], \"tls-creds\": \"");
    for (int k = 0; k < 250; k++) { /* 64 * 110 + 250 * 4 bytes: within the arena */
        PUT("\\ud83d\\ude00");
    }
    PUT("\"}");
    proof_label = "JSON: 64 elements and a long string";
    (void)proof_parse(proof_in, len, 0, EXPECT_JSON_OK, 1);

    len = 0;
    PUT("{\"block-bitmap-mapping\": [");
    for (unsigned i = 0; i < MIGCFG_BITMAP_NODE_CAPACITY; i++) {
        PUT(i ? ", {\"node-name\": \"n" : "{\"node-name\": \"n");
        PUTN(i);
        PUT("\", \"alias\": \"a");
        PUTN(i);
        PUT("\", \"bitmaps\": [");
        for (unsigned j = 0; j < MIGCFG_BITMAP_CAPACITY / MIGCFG_BITMAP_NODE_CAPACITY; j++) {
            PUT(j ? ", {\"name\": \"b" : "{\"name\": \"b");
            PUTN(j);
            PUT("\", \"alias\": \"c");
            PUTN(j);
            PUT(j % 2 ? "\", \"transform\": {\"persistent\": false}}" : "\"}");
        }
        PUT("]}");
    }
    PUT("]}");
    proof_label = "JSON: full block-bitmap-mapping";
    (void)proof_parse(proof_in, len, 0, EXPECT_JSON_OK, 1);
#undef PUT
#undef PUTN
}

/* ---- everything else ------------------------------------------------------------------ */

#if defined(PROOF_HAVE_TYPE_MigcfgIncoming)
#define PROOF_SIZEOF_INCOMING sizeof(MigcfgIncoming)
#else
#define PROOF_SIZEOF_INCOMING 0
#endif

static void proof_static_functions(void)
{
    proof_label = "names, lookups, versions";
    PROOF_CHECK(CALL(migcfg_version) != 0, "migcfg_version gave NULL", 0);
#if defined(PROOF_HAVE_migcfg_abi_check)
    /* As the header says to call it. */
    PROOF_CHECK(MIGCFG_ABI_CHECK() == MIGCFG_OK, "MIGCFG_ABI_CHECK() fails with this header", 0);
    PROOF_CHECK(CALL(migcfg_abi_check, MIGCFG_ABI_VERSION + 1, sizeof(MigcfgParams), 0) ==
                    MIGCFG_ERR_INVALID_ARG,
                "migcfg_abi_check accepts another ABI version", 0);
    PROOF_CHECK(CALL(migcfg_abi_check, MIGCFG_ABI_VERSION, sizeof(MigcfgParams) - 8, 0) ==
                    MIGCFG_ERR_INVALID_ARG,
                "migcfg_abi_check accepts another table size", 0);
    (void)CALL(migcfg_abi_check, MIGCFG_ABI_VERSION, sizeof(MigcfgParams), PROOF_SIZEOF_INCOMING);
    (void)CALL(migcfg_abi_check, 0xFFFFFFFFu, (size_t)-1, (size_t)-1);
#endif
    for (int32_t c = -20; c <= 20; c++) {
        const char *s = CALL(migcfg_status_name, c);
        PROOF_CHECK((s != 0) == proof_known_status(c), "migcfg_status_name", c);
    }
    for (uint32_t id = 0; id <= MIGCFG_PARAM__COUNT + 1; id++) {
        const char *name = CALL(migcfg_param_name, id);
        PROOF_CHECK((name != 0) == (id < MIGCFG_PARAM__COUNT), "migcfg_param_name", id);
        if (name) {
            uint32_t got = 0xFFFF;
            int32_t r = CALL(migcfg_param_lookup, name, proof_strlen(name), &got);
            PROOF_CHECK(r == MIGCFG_OK && got == id, "migcfg_param_lookup of a name", id);
            r = CALL(migcfg_param_lookup, name, proof_strlen(name) - 1, &got);
            PROOF_CHECK(r == MIGCFG_ERR_INVALID_ARG, "migcfg_param_lookup of a prefix", id);
        }
    }
    (void)CALL(migcfg_param_name, 0xFFFFFFFFu);
    {
        uint32_t id;
        PROOF_CHECK(CALL(migcfg_param_lookup, (const char *)0, 3, &id) == MIGCFG_ERR_NULL,
                    "migcfg_param_lookup NULL name", 0);
        PROOF_CHECK(CALL(migcfg_param_lookup, "mode", 4, (uint32_t *)0) == MIGCFG_ERR_NULL,
                    "migcfg_param_lookup NULL id", 0);
        (void)CALL(migcfg_param_lookup, "", 0, &id);
        (void)CALL(migcfg_param_lookup, "mode\0", 5, &id);
        (void)CALL(migcfg_param_lookup, "\xff\xfe", 2, &id);
    }
    for (uint32_t bit = 0; bit <= 64; bit++) {
        const char *name = CALL(migcfg_cap_name, bit);
        PROOF_CHECK((name != 0) == (bit < MIGCFG_CAP_COUNT), "migcfg_cap_name", bit);
        if (name) {
            uint32_t got = 0xFFFF;
            int32_t r = CALL(migcfg_cap_lookup, name, proof_strlen(name), &got);
            PROOF_CHECK(r == MIGCFG_OK && got == bit, "migcfg_cap_lookup of a name", bit);
        }
    }
    {
        uint32_t bit;
        (void)CALL(migcfg_cap_lookup, "nope", 4, &bit);
        PROOF_CHECK(CALL(migcfg_cap_lookup, (const char *)0, 0, &bit) == MIGCFG_ERR_NULL,
                    "migcfg_cap_lookup NULL", 0);
    }

    /* NULL tables everywhere. */
    proof_label = "NULL pointers";
    {
        uint64_t u;
        bool b;
        const char *s;
        size_t n;
        MigcfgBitmapNode node;
        MigcfgBitmapAlias a;
        CALLV(migcfg_params_init, (MigcfgParams *)0);
        PROOF_CHECK(CALL(migcfg_parse, (MigcfgParams *)0, "a=1", 3, &proof_err) ==
                        MIGCFG_ERR_NULL,
                    "parse NULL table", 0);
        PROOF_CHECK(proof_err.code == MIGCFG_ERR_NULL, "err.code of a NULL table", 0);
        PROOF_CHECK(CALL(migcfg_parse, &proof_p, (const char *)0, 3, &proof_err) ==
                        MIGCFG_ERR_NULL,
                    "parse NULL text", 0);
        PROOF_CHECK(CALL(migcfg_parse_ex, &proof_p, (const char *)0, 0, 0, (MigcfgError *)0) ==
                        MIGCFG_ERR_NULL,
                    "parse_ex NULL text", 0);
        PROOF_CHECK(!CALL(migcfg_is_set, (const MigcfgParams *)0, 0), "is_set NULL", 0);
        PROOF_CHECK(CALL(migcfg_get_u64, (const MigcfgParams *)0, 0, &u) == MIGCFG_ERR_NULL,
                    "get_u64 NULL", 0);
        PROOF_CHECK(CALL(migcfg_get_bool, (const MigcfgParams *)0, 7, &b) == MIGCFG_ERR_NULL,
                    "get_bool NULL", 0);
        PROOF_CHECK(CALL(migcfg_get_str, (const MigcfgParams *)0, 8, &s, &n) == MIGCFG_ERR_NULL,
                    "get_str NULL", 0);
        PROOF_CHECK(CALL(migcfg_get_list_len, (const MigcfgParams *)0, 30, &n) ==
                        MIGCFG_ERR_NULL,
                    "get_list_len NULL", 0);
        PROOF_CHECK(CALL(migcfg_get_list_str, (const MigcfgParams *)0, 30, 0, &s, &n) ==
                        MIGCFG_ERR_NULL,
                    "get_list_str NULL", 0);
        PROOF_CHECK(CALL(migcfg_get_bitmap_node, (const MigcfgParams *)0, 0, &node) ==
                        MIGCFG_ERR_NULL,
                    "get_bitmap_node NULL", 0);
        PROOF_CHECK(CALL(migcfg_get_bitmap, (const MigcfgParams *)0, 0, 0, &a) ==
                        MIGCFG_ERR_NULL,
                    "get_bitmap NULL", 0);
        PROOF_CHECK(CALL(migcfg_params_set_page_size, (MigcfgParams *)0, 4096) ==
                        MIGCFG_ERR_NULL,
                    "set_page_size NULL", 0);
        PROOF_CHECK(CALL(migcfg_params_page_size, (const MigcfgParams *)0) == 0,
                    "page_size NULL", 0);
        PROOF_CHECK(CALL(migcfg_format_json, (const MigcfgParams *)0, proof_out, 16, &n) ==
                        MIGCFG_ERR_NULL,
                    "format_json NULL", 0);
        PROOF_CHECK(CALL(migcfg_format_keyval, (const MigcfgParams *)0, proof_out, 16, &n) ==
                        MIGCFG_ERR_NULL,
                    "format_keyval NULL", 0);
        PROOF_CHECK(CALL(migcfg_format_caps_json, (const MigcfgParams *)0, proof_out, 16, &n) ==
                        MIGCFG_ERR_NULL,
                    "format_caps_json NULL", 0);
        PROOF_CHECK(CALL(migcfg_params_foreach_set, (const MigcfgParams *)0, proof_visit,
                         (void *)0) == MIGCFG_ERR_NULL,
                    "foreach_set NULL", 0);
        PROOF_CHECK(CALL(migcfg_params_check, (const MigcfgParams *)0,
                         (const MigcfgParams *)0, &proof_err) == MIGCFG_ERR_NULL,
                    "params_check NULL", 0);
        PROOF_CHECK(CALL(migcfg_params_target, (MigcfgParams *)0, 10, 2) == MIGCFG_ERR_NULL,
                    "params_target NULL", 0);
        PROOF_CHECK(CALL(migcfg_set_u64, (MigcfgParams *)0, 15, 4, &proof_err) ==
                        MIGCFG_ERR_NULL,
                    "set_u64 NULL", 0);
        PROOF_CHECK(CALL(migcfg_set_bool, (MigcfgParams *)0, 7, true, &proof_err) ==
                        MIGCFG_ERR_NULL,
                    "set_bool NULL", 0);
        PROOF_CHECK(CALL(migcfg_set_str, (MigcfgParams *)0, 8, "x", 1, &proof_err) ==
                        MIGCFG_ERR_NULL,
                    "set_str NULL", 0);
        PROOF_CHECK(CALL(migcfg_set_str, &proof_p, 8, (const char *)0, 1, &proof_err) ==
                        MIGCFG_ERR_NULL,
                    "set_str NULL text", 0);
        PROOF_CHECK(CALL(migcfg_set_cap, (MigcfgParams *)0, 0, true) == MIGCFG_ERR_NULL,
                    "set_cap NULL", 0);
        PROOF_CHECK(CALL(migcfg_get_caps, (const MigcfgParams *)0, &u, &u) == MIGCFG_ERR_NULL,
                    "get_caps NULL", 0);
#if defined(PROOF_HAVE_migcfg_incoming_init)
        CALLV(migcfg_incoming_init, (MigcfgIncoming *)0);
        PROOF_CHECK(CALL(migcfg_incoming_add, (MigcfgIncoming *)0, "defer", 5, &proof_err) ==
                        MIGCFG_ERR_NULL,
                    "incoming_add NULL", 0);
        PROOF_CHECK(CALL(migcfg_incoming_params, (const MigcfgIncoming *)0) == 0,
                    "incoming_params NULL", 0);
#endif
#if defined(PROOF_HAVE_migcfg_incoming_set_flags)
        PROOF_CHECK(CALL(migcfg_incoming_set_flags, (MigcfgIncoming *)0, 0) == MIGCFG_ERR_NULL,
                    "incoming_set_flags NULL", 0);
#endif
#if defined(PROOF_HAVE_migcfg_incoming_channel)
        {
            MigcfgChannel ch;
            PROOF_CHECK(CALL(migcfg_incoming_channel, (const MigcfgIncoming *)0, 0, &ch) < 0,
                        "incoming_channel NULL", 0);
        }
#endif
#if defined(PROOF_HAVE_migcfg_incoming_channel_arg)
        PROOF_CHECK(CALL(migcfg_incoming_channel_arg, (const MigcfgIncoming *)0, 0, 0, &s, &n) <
                        0,
                    "incoming_channel_arg NULL", 0);
#endif
#if defined(PROOF_HAVE_migcfg_incoming_mode_name)
        PROOF_CHECK(CALL(migcfg_incoming_mode_name, (const MigcfgIncoming *)0) == 0,
                    "incoming_mode_name NULL", 0);
#endif
#if defined(PROOF_HAVE_migcfg_incoming_mode)
        (void)CALL(migcfg_incoming_mode, (const MigcfgIncoming *)0);
#endif
#if defined(PROOF_HAVE_migcfg_incoming_has_config)
        PROOF_CHECK(!CALL(migcfg_incoming_has_config, (const MigcfgIncoming *)0),
                    "incoming_has_config NULL", 0);
#endif
#if defined(PROOF_HAVE_migcfg_incoming_defer)
        PROOF_CHECK(!CALL(migcfg_incoming_defer, (const MigcfgIncoming *)0), "incoming_defer NULL",
                    0);
#endif
#if defined(PROOF_HAVE_migcfg_incoming_has_channel)
        PROOF_CHECK(!CALL(migcfg_incoming_has_channel, (const MigcfgIncoming *)0, 0),
                    "incoming_has_channel NULL", 0);
#endif
#if defined(PROOF_HAVE_migcfg_incoming_local)
        PROOF_CHECK(!CALL(migcfg_incoming_local, (const MigcfgIncoming *)0), "incoming_local NULL",
                    0);
#endif
#if defined(PROOF_HAVE_migcfg_help_write)
        PROOF_CHECK(CALL(migcfg_help_write, proof_out, 16, (size_t *)0) == MIGCFG_ERR_NULL,
                    "help_write NULL len", 0);
#endif
#if defined(PROOF_HAVE_migcfg_incoming_help_write)
        PROOF_CHECK(CALL(migcfg_incoming_help_write, (const MigcfgIncoming *)0, proof_out, 16,
                         (size_t *)0) == MIGCFG_ERR_NULL,
                    "incoming_help_write NULL", 0);
#endif
#if defined(PROOF_HAVE_migcfg_incoming_target)
        PROOF_CHECK(CALL(migcfg_incoming_target, (MigcfgIncoming *)0, 10, 2) == MIGCFG_ERR_NULL,
                    "incoming_target NULL", 0);
#endif
    }
}

/* The setters: build a defaults table, set every id with good and bad values. */
static void proof_setters(void)
{
    proof_label = "setters";
    static const char *const strs[] = {"", "x", "tls0", "cpr-exec", "normal", "zstd",
                                       "legacy", "bogus", "\xff\xfe", "a,b"};
    CALLV(migcfg_params_init, &proof_defaults);
    for (uint32_t id = 0; id <= MIGCFG_PARAM__COUNT + 1; id++) {
        static const uint64_t vals[] = {0, 1, 2, 20, 99, 100, 255, 256, 4096, 1u << 20,
                                        0xFFFFFFFFull, 0xFFFFFFFFFFFFFFFFull};
        for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
            CALLV(migcfg_params_init, &proof_q);
            (void)CALL(migcfg_set_u64, &proof_q, id, vals[i], &proof_err);
            (void)CALL(migcfg_set_u64, &proof_q, id, vals[i], (MigcfgError *)0);
        }
        (void)CALL(migcfg_set_bool, &proof_q, id, true, &proof_err);
        (void)CALL(migcfg_set_bool, &proof_q, id, false, &proof_err);
        for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
            (void)CALL(migcfg_set_str, &proof_q, id, strs[i], proof_strlen(strs[i]), &proof_err);
        }
        (void)CALL(migcfg_params_check, &proof_q, &proof_defaults, &proof_err);
    }
    /* A string that fills the arena, then one that does not fit. */
    proof_fill(proof_in, 'd', MIGCFG_STRING_CAPACITY + 1);
    CALLV(migcfg_params_init, &proof_q);
    (void)CALL(migcfg_set_str, &proof_q, MIGCFG_PARAM_TLS_CREDS, proof_in,
               (size_t)MIGCFG_STRING_CAPACITY, &proof_err);
    (void)CALL(migcfg_set_str, &proof_q, MIGCFG_PARAM_TLS_HOSTNAME, proof_in, 1, &proof_err);
    (void)CALL(migcfg_set_str, &proof_q, MIGCFG_PARAM_TLS_CREDS, proof_in,
               (size_t)MIGCFG_STRING_CAPACITY + 1, &proof_err);
    proof_read_table(&proof_q, 0);
    for (uint32_t bit = 0; bit <= 64; bit++) {
        (void)CALL(migcfg_set_cap, &proof_q, bit, bit % 2 == 0);
    }
    proof_read_table(&proof_q, 0);
    static const uint32_t sizes[] = {0, 1, 4096, 16384, 65536, 3, 0xFFFFFFFFu};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        (void)CALL(migcfg_params_set_page_size, &proof_q, sizes[i]);
        (void)CALL(migcfg_params_page_size, &proof_q);
        (void)CALL(migcfg_params_check, &proof_q, (const MigcfgParams *)0, &proof_err);
    }
    static const uint32_t rel[][2] = {{10, 2}, {11, 0}, {11, 1}, {9, 0}, {0, 0}, {99, 99}};
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        CALLV(migcfg_params_init, &proof_q);
        (void)CALL(migcfg_params_target, &proof_q, rel[i][0], rel[i][1]);
        static const char t[] = "local=on,x-rdma-chunk-size=2M,zero-blocks=on";
        (void)CALL(migcfg_parse_ex, &proof_q, t, sizeof t - 1, MIGCFG_PARSE_CAPABILITIES,
                   &proof_err);
        (void)CALL(migcfg_parse, &proof_q, t, 8, &proof_err);
    }
    /* A defaults table for the checks over defaults. */
    CALLV(migcfg_params_init, &proof_defaults);
    (void)CALL(migcfg_set_u64, &proof_defaults, MIGCFG_PARAM_CPU_THROTTLE_INITIAL, 30,
               &proof_err);
    (void)CALL(migcfg_set_str, &proof_defaults, MIGCFG_PARAM_ZERO_PAGE_DETECTION, "legacy", 6,
               &proof_err);
}

#if defined(PROOF_HAVE_migcfg_help_write)
static void proof_help(void)
{
    proof_label = "help";
    (void)PROOF_FORMAT(migcfg_help_write);
}
#endif

/* Runs everything. `big`: include the generated shapes up to 1 MiB. */
static void proof_drive(int big)
{
    proof_label = "JSON support probe";
    CALLV(migcfg_params_init, &proof_p);
    proof_json_ok = CALL(migcfg_parse, &proof_p, "{}", 2, &proof_err) == MIGCFG_OK;

    proof_static_functions();
    proof_setters();
    for (size_t i = 0; i < PROOF_FIXED_COUNT; i++) {
        const struct proof_input *in = &proof_fixed[i];
        proof_label = in->text;
        (void)proof_parse(in->text, in->len ? in->len : proof_strlen(in->text), in->flags,
                          in->expect, 1);
    }
#if defined(PROOF_HAVE_migcfg_incoming_init)
    for (size_t i = 0; i < PROOF_INCOMING_COUNT; i++) {
        const struct proof_input *in = &proof_incoming[i];
        proof_label = in->text;
        (void)proof_incoming_add(in->text, in->len ? in->len : proof_strlen(in->text),
                                 in->expect, 1);
    }
#endif
#if defined(PROOF_HAVE_migcfg_help_write)
    proof_help();
#endif
    proof_capacities();
    static const size_t sizes[] = {1, 7, 100, 4096, 65536, PROOF_BIG};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        if (!big && sizes[s] > 4096) {
            break;
        }
        for (size_t i = 0; i < PROOF_SHAPE_COUNT; i++) {
            if (proof_skip(proof_shapes[i].name, sizes[s])) {
                continue;
            }
            proof_label = proof_shapes[i].name;
            proof_shape_run(&proof_shapes[i], sizes[s], sizes[s] <= 4096);
        }
    }
}

#endif
