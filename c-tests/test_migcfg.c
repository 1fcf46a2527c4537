/*
 * Table-driven tests of the migcfg C API (include/migcfg.h), against the contract the
 * header states and QEMU's messages. Everything except the
 * migcfg_incoming_* / migcfg_help_* family, which test_incoming.c covers.
 *
 * Output: one "FAIL file:line: ..." line per failed check, then "N passed, N failed".
 * JSON input is exercised in its own table.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "migcfg.h"
#include "harness.h"

/* ---------------------------------------------------------------------------------------- */
/* Compile-time layout guarantees. */

_Static_assert(sizeof(MigcfgParams) <= 10240, "MigcfgParams at most 10 KiB");
_Static_assert(sizeof(MigcfgParams) == 8 * MIGCFG_PARAMS_WORDS, "MigcfgParams is its words");
_Static_assert(_Alignof(MigcfgParams) == _Alignof(uint64_t), "MigcfgParams aligned as u64");
_Static_assert(offsetof(MigcfgError, code) == 0, "MigcfgError.code first");
_Static_assert(offsetof(MigcfgError, offset) ==
                   (sizeof(int32_t) + _Alignof(size_t) - 1) / _Alignof(size_t) * _Alignof(size_t),
               "MigcfgError.offset follows code");
_Static_assert(offsetof(MigcfgError, message) == offsetof(MigcfgError, offset) + sizeof(size_t),
               "MigcfgError.message follows offset");
_Static_assert(sizeof(((MigcfgError *)0)->message) == MIGCFG_ERROR_MAX, "message size");
_Static_assert(MIGCFG_ERROR_MAX == 512, "MIGCFG_ERROR_MAX");
_Static_assert(MIGCFG_PARAM__COUNT == 32, "32 parameters");
_Static_assert(MIGCFG_PARAM_LOCAL == 31, "local is last");
_Static_assert(MIGCFG_CAP_COUNT == 22, "22 capabilities");
_Static_assert(MIGCFG_STRING_CAPACITY == 8192, "string arena");
_Static_assert(MIGCFG_EXEC_COMMAND_CAPACITY >= 64, "cpr-exec-command capacity");
_Static_assert(MIGCFG_BITMAP_NODE_CAPACITY >= 8, "bitmap node capacity");
_Static_assert(MIGCFG_BITMAP_CAPACITY >= 32, "bitmap capacity");
_Static_assert(MIGCFG_OK == 0 && MIGCFG_HELP == 1 && MIGCFG_ERR_NULL == -1 &&
                   MIGCFG_ERR_INVALID_ARG == -2 && MIGCFG_ERR_SYNTAX == -3 &&
                   MIGCFG_ERR_VALUE == -4 && MIGCFG_ERR_UNEXPECTED == -5 &&
                   MIGCFG_ERR_CHECK == -6 && MIGCFG_ERR_CAPACITY == -7 &&
                   MIGCFG_ERR_NOSPACE == -8 && MIGCFG_ERR_CHANNEL == -9 &&
                   MIGCFG_ERR_UNREPRESENTABLE == -10,
               "status codes");

/* ---------------------------------------------------------------------------------------- */
/* Schema facts: QEMU's migration parameters and capabilities. */

enum { K_U = 'u', K_B = 'b', K_S = 's', K_E = 'e', K_L = 'l', K_M = 'm' };

static const struct {
    const char *name;
    char kind;          /* u: integer/size, b: bool, s: string, e: enum, l: string list, m: mapping */
    uint64_t def;       /* default (u, b) */
    const char *sdef;   /* default (s, e) */
} PARAMS[MIGCFG_PARAM__COUNT] = {
    [MIGCFG_PARAM_ANNOUNCE_INITIAL] = {"announce-initial", K_U, 50, NULL},
    [MIGCFG_PARAM_ANNOUNCE_MAX] = {"announce-max", K_U, 550, NULL},
    [MIGCFG_PARAM_ANNOUNCE_ROUNDS] = {"announce-rounds", K_U, 5, NULL},
    [MIGCFG_PARAM_ANNOUNCE_STEP] = {"announce-step", K_U, 100, NULL},
    [MIGCFG_PARAM_THROTTLE_TRIGGER_THRESHOLD] = {"throttle-trigger-threshold", K_U, 50, NULL},
    [MIGCFG_PARAM_CPU_THROTTLE_INITIAL] = {"cpu-throttle-initial", K_U, 20, NULL},
    [MIGCFG_PARAM_CPU_THROTTLE_INCREMENT] = {"cpu-throttle-increment", K_U, 10, NULL},
    [MIGCFG_PARAM_CPU_THROTTLE_TAILSLOW] = {"cpu-throttle-tailslow", K_B, 0, NULL},
    [MIGCFG_PARAM_TLS_CREDS] = {"tls-creds", K_S, 0, ""},
    [MIGCFG_PARAM_TLS_HOSTNAME] = {"tls-hostname", K_S, 0, ""},
    [MIGCFG_PARAM_TLS_AUTHZ] = {"tls-authz", K_S, 0, ""},
    [MIGCFG_PARAM_MAX_BANDWIDTH] = {"max-bandwidth", K_U, 134217728, NULL},
    [MIGCFG_PARAM_AVAIL_SWITCHOVER_BANDWIDTH] = {"avail-switchover-bandwidth", K_U, 0, NULL},
    [MIGCFG_PARAM_DOWNTIME_LIMIT] = {"downtime-limit", K_U, 300, NULL},
    [MIGCFG_PARAM_X_CHECKPOINT_DELAY] = {"x-checkpoint-delay", K_U, 20000, NULL},
    [MIGCFG_PARAM_MULTIFD_CHANNELS] = {"multifd-channels", K_U, 2, NULL},
    [MIGCFG_PARAM_XBZRLE_CACHE_SIZE] = {"xbzrle-cache-size", K_U, 67108864, NULL},
    [MIGCFG_PARAM_MAX_POSTCOPY_BANDWIDTH] = {"max-postcopy-bandwidth", K_U, 0, NULL},
    [MIGCFG_PARAM_MAX_CPU_THROTTLE] = {"max-cpu-throttle", K_U, 99, NULL},
    [MIGCFG_PARAM_MULTIFD_COMPRESSION] = {"multifd-compression", K_E, 0, "none"},
    [MIGCFG_PARAM_MULTIFD_ZLIB_LEVEL] = {"multifd-zlib-level", K_U, 1, NULL},
    [MIGCFG_PARAM_MULTIFD_QATZIP_LEVEL] = {"multifd-qatzip-level", K_U, 1, NULL},
    [MIGCFG_PARAM_MULTIFD_ZSTD_LEVEL] = {"multifd-zstd-level", K_U, 1, NULL},
    [MIGCFG_PARAM_BLOCK_BITMAP_MAPPING] = {"block-bitmap-mapping", K_M, 0, NULL},
    [MIGCFG_PARAM_X_VCPU_DIRTY_LIMIT_PERIOD] = {"x-vcpu-dirty-limit-period", K_U, 1000, NULL},
    [MIGCFG_PARAM_VCPU_DIRTY_LIMIT] = {"vcpu-dirty-limit", K_U, 1, NULL},
    [MIGCFG_PARAM_MODE] = {"mode", K_E, 0, "normal"},
    [MIGCFG_PARAM_ZERO_PAGE_DETECTION] = {"zero-page-detection", K_E, 0, "multifd"},
    [MIGCFG_PARAM_DIRECT_IO] = {"direct-io", K_B, 0, NULL},
    [MIGCFG_PARAM_X_RDMA_CHUNK_SIZE] = {"x-rdma-chunk-size", K_U, 1048576, NULL},
    [MIGCFG_PARAM_CPR_EXEC_COMMAND] = {"cpr-exec-command", K_L, 0, NULL},
    [MIGCFG_PARAM_LOCAL] = {"local", K_B, 0, NULL},
};

static const struct {
    const char *name;
    uint64_t mask;
} CAPS[MIGCFG_CAP_COUNT] = {
    {"xbzrle", MIGCFG_CAP_XBZRLE},
    {"rdma-pin-all", MIGCFG_CAP_RDMA_PIN_ALL},
    {"auto-converge", MIGCFG_CAP_AUTO_CONVERGE},
    {"zero-blocks", MIGCFG_CAP_ZERO_BLOCKS},
    {"events", MIGCFG_CAP_EVENTS},
    {"postcopy-ram", MIGCFG_CAP_POSTCOPY_RAM},
    {"x-colo", MIGCFG_CAP_X_COLO},
    {"release-ram", MIGCFG_CAP_RELEASE_RAM},
    {"return-path", MIGCFG_CAP_RETURN_PATH},
    {"pause-before-switchover", MIGCFG_CAP_PAUSE_BEFORE_SWITCHOVER},
    {"multifd", MIGCFG_CAP_MULTIFD},
    {"dirty-bitmaps", MIGCFG_CAP_DIRTY_BITMAPS},
    {"postcopy-blocktime", MIGCFG_CAP_POSTCOPY_BLOCKTIME},
    {"late-block-activate", MIGCFG_CAP_LATE_BLOCK_ACTIVATE},
    {"x-ignore-shared", MIGCFG_CAP_X_IGNORE_SHARED},
    {"validate-uuid", MIGCFG_CAP_VALIDATE_UUID},
    {"background-snapshot", MIGCFG_CAP_BACKGROUND_SNAPSHOT},
    {"zero-copy-send", MIGCFG_CAP_ZERO_COPY_SEND},
    {"postcopy-preempt", MIGCFG_CAP_POSTCOPY_PREEMPT},
    {"switchover-ack", MIGCFG_CAP_SWITCHOVER_ACK},
    {"dirty-limit", MIGCFG_CAP_DIRTY_LIMIT},
    {"mapped-ram", MIGCFG_CAP_MAPPED_RAM},
};

/* ---------------------------------------------------------------------------------------- */
/* Helpers. */

#define SENT_U64 0x5A5A5A5A5A5A5A5AULL
#define SENT_SZ ((size_t)0x5A5A5A5A5A5A5A5AULL)
#define SENT_PTR ((const char *)(uintptr_t)0x5A5A5A5A5A5A5A50ULL)

/* Tables are ~9 KiB: keep the big ones static. */
static MigcfgParams g_p, g_q, g_zero;

static void err_fill(MigcfgError *e)
{
    memset(e, 0xAA, sizeof *e);
}

static bool err_untouched(const MigcfgError *e)
{
    const unsigned char *b = (const unsigned char *)e;
    for (size_t i = 0; i < sizeof *e; i++)
        if (b[i] != 0xAA)
            return false;
    return true;
}

static bool msg_terminated(const MigcfgError *e)
{
    return memchr(e->message, 0, sizeof e->message) != NULL;
}

/*
 * Parse `text` (len bytes) into p with flags, expecting success; checks that the error
 * struct is untouched. Returns true on success.
 */
static bool expect_ok_at(int line, MigcfgParams *p, const char *text, size_t len, uint32_t flags)
{
    MigcfgError e;
    err_fill(&e);
    int32_t rc = flags ? migcfg_parse_ex(p, text, len, flags, &e) : migcfg_parse(p, text, len, &e);
    char t[300];
    bool ok = h_result(__FILE__, line, rc == MIGCFG_OK, "parse %s: rc %d (%s), message \"%s\"",
                       h_show(t, sizeof t, text, len), rc,
                       migcfg_status_name(rc) ? migcfg_status_name(rc) : "?",
                       rc < 0 && msg_terminated(&e) ? e.message : "");
    if (ok)
        h_result(__FILE__, line, err_untouched(&e), "parse %s: error struct written on success",
                 h_show(t, sizeof t, text, len));
    return ok;
}
#define EXPECT_OK(p, s) expect_ok_at(__LINE__, (p), (s), strlen(s), 0)

/*
 * Parse `text` into p, expecting failure with `code`, `offset` (-1: not checked) and
 * `msg` (NULL: not checked). Checks the error struct and that p is byte-for-byte unchanged.
 */
static void expect_err_at(int line, MigcfgParams *p, const char *text, size_t len, uint32_t flags,
                          int32_t code, long offset, const char *msg)
{
    static MigcfgParams before;
    MigcfgError e;
    char t[300];
    memcpy(&before, p, sizeof before);
    err_fill(&e);
    int32_t rc = flags ? migcfg_parse_ex(p, text, len, flags, &e) : migcfg_parse(p, text, len, &e);
    h_show(t, sizeof t, text, len);
    char gs[64], ws[64];
    h_result(__FILE__, line, rc == code, "input %s: rc %s, expected %s (message \"%s\")", t,
             h_status(rc, gs, sizeof gs), h_status(code, ws, sizeof ws),
             rc < 0 && msg_terminated(&e) ? e.message : "");
    if (rc >= 0) {
        memcpy(p, &before, sizeof before);
        return;
    }
    CHECK_RC_AT(line, e.code, rc);
    if (!h_result(__FILE__, line, msg_terminated(&e), "input %s: message not NUL-terminated", t))
        return;
    if (offset >= 0)
        h_result(__FILE__, line, e.offset == (size_t)offset,
                 "input %s: offset %zu, expected %ld (message \"%s\")", t, e.offset, offset,
                 e.message);
    if (msg) {
        char g[600], w[600];
        h_result(__FILE__, line, strcmp(e.message, msg) == 0, "input %s: message %s, expected %s",
                 t, h_show(g, sizeof g, e.message, strlen(e.message)),
                 h_show(w, sizeof w, msg, strlen(msg)));
    }
    h_result(__FILE__, line, memcmp(&before, p, sizeof before) == 0,
             "input %s: failed parse changed the table", t);
    memcpy(p, &before, sizeof before); /* keep later checks meaningful */
}

/* Check the effective value of parameter `id` of p. */
static void expect_u64_at(int line, const MigcfgParams *p, uint32_t id, uint64_t want)
{
    uint64_t v = SENT_U64;
    int32_t rc = migcfg_get_u64(p, id, &v);
    h_result(__FILE__, line, rc == MIGCFG_OK && v == want, "get_u64(%s): rc %d, value %llu, expected %llu",
             migcfg_param_name(id), rc, (unsigned long long)v, (unsigned long long)want);
}

static void expect_bool_at(int line, const MigcfgParams *p, uint32_t id, bool want)
{
    bool v = !want;
    int32_t rc = migcfg_get_bool(p, id, &v);
    h_result(__FILE__, line, rc == MIGCFG_OK && v == want, "get_bool(%s): rc %d, value %d, expected %d",
             migcfg_param_name(id), rc, v, want);
}

static void expect_str_at(int line, const MigcfgParams *p, uint32_t id, const char *want)
{
    const char *s = SENT_PTR;
    size_t n = SENT_SZ;
    int32_t rc = migcfg_get_str(p, id, &s, &n);
    char g[400], w[400];
    bool ok = rc == MIGCFG_OK && n == strlen(want) && (n == 0 || memcmp(s, want, n) == 0);
    h_result(__FILE__, line, ok, "get_str(%s): rc %d, value %s, expected %s", migcfg_param_name(id),
             rc, rc == MIGCFG_OK ? h_show(g, sizeof g, s, n) : "-", h_show(w, sizeof w, want, strlen(want)));
}

/* ---------------------------------------------------------------------------------------- */

static void test_version_and_status(void)
{
    char want[64];
    snprintf(want, sizeof want, "%d.%d.%d", MIGCFG_VERSION_MAJOR, MIGCFG_VERSION_MINOR,
             MIGCFG_VERSION_PATCH);
    CHECK_STR(migcfg_version(), want);
    CHECK(migcfg_version() == migcfg_version()); /* static */

    static const char *const names[] = {
        "MIGCFG_ERR_UNREPRESENTABLE", "MIGCFG_ERR_CHANNEL", "MIGCFG_ERR_NOSPACE",
        "MIGCFG_ERR_CAPACITY",        "MIGCFG_ERR_CHECK",   "MIGCFG_ERR_UNEXPECTED",
        "MIGCFG_ERR_VALUE",           "MIGCFG_ERR_SYNTAX",  "MIGCFG_ERR_INVALID_ARG",
        "MIGCFG_ERR_NULL",            "MIGCFG_OK",          "MIGCFG_HELP",
    };
    for (int32_t c = -10; c <= 1; c++)
        CHECK_STR(migcfg_status_name(c), names[c + 10]);
    CHECK(migcfg_status_name(2) == NULL);
    CHECK(migcfg_status_name(-11) == NULL);
    CHECK(migcfg_status_name(INT32_MIN) == NULL);
    CHECK(migcfg_status_name(INT32_MAX) == NULL);
}

static void test_names(void)
{
    for (uint32_t id = 0; id < MIGCFG_PARAM__COUNT; id++) {
        const char *n = migcfg_param_name(id);
        CHECK_STR(n, PARAMS[id].name);
        if (!n)
            continue;
        uint32_t got = UINT32_MAX;
        CHECK_RC(migcfg_param_lookup(n, strlen(n), &got), MIGCFG_OK);
        CHECK_INT(got, id);
        CHECK(migcfg_param_name(id) == n); /* static storage */
    }
    CHECK(migcfg_param_name(MIGCFG_PARAM__COUNT) == NULL);
    CHECK(migcfg_param_name(UINT32_MAX) == NULL);
    CHECK(migcfg_param_name(MIGCFG_CAP_ID_BASE) == NULL);

    /* Lookups that must fail leave the out-param alone. */
    static const char *const bad[] = {"", "multifd_channels", "Multifd-Channels", "multifd-channel",
                                      "multifd-channelss", " mode", "mode ", "multifd",
                                      "block-bitmap-mapping.0", "x-checkpoint-delay\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint32_t got = 12345;
        CHECK_RC(migcfg_param_lookup(bad[i], strlen(bad[i]), &got), MIGCFG_ERR_INVALID_ARG);
        CHECK_INT(got, 12345);
    }
    /* The length counts, not a NUL. */
    uint32_t got = 12345;
    CHECK_RC(migcfg_param_lookup("modexyz", 4, &got), MIGCFG_OK);
    CHECK_INT(got, MIGCFG_PARAM_MODE);
    got = 12345;
    CHECK_RC(migcfg_param_lookup("mode\0", 5, &got), MIGCFG_ERR_INVALID_ARG);
    CHECK_INT(got, 12345);
    CHECK_RC(migcfg_param_lookup("local", 5, &got), MIGCFG_OK);
    CHECK_INT(got, MIGCFG_PARAM_LOCAL);

    for (uint32_t bit = 0; bit < MIGCFG_CAP_COUNT; bit++) {
        const char *n = migcfg_cap_name(bit);
        CHECK_STR(n, CAPS[bit].name);
        CHECK_U64(CAPS[bit].mask, 1ULL << bit);
        if (!n)
            continue;
        uint32_t b = UINT32_MAX;
        CHECK_RC(migcfg_cap_lookup(n, strlen(n), &b), MIGCFG_OK);
        CHECK_INT(b, bit);
    }
    CHECK(migcfg_cap_name(MIGCFG_CAP_COUNT) == NULL);
    CHECK(migcfg_cap_name(UINT32_MAX) == NULL);
    static const char *const badcap[] = {"", "Multifd", "multifd-channels", "xbzrle ", "postcopy_ram"};
    for (size_t i = 0; i < sizeof badcap / sizeof badcap[0]; i++) {
        uint32_t b = 12345;
        CHECK_RC(migcfg_cap_lookup(badcap[i], strlen(badcap[i]), &b), MIGCFG_ERR_INVALID_ARG);
        CHECK_INT(b, 12345);
    }
    uint32_t b = 12345;
    CHECK_RC(migcfg_cap_lookup("multifd-channels", 7, &b), MIGCFG_OK);
    CHECK_INT(b, 10);
}

/* Every getter on p gives the defaults and nothing is set. */
static void expect_defaults_at(int line, const MigcfgParams *p)
{
    for (uint32_t id = 0; id < MIGCFG_PARAM__COUNT; id++) {
        h_result(__FILE__, line, !migcfg_is_set(p, id), "%s set in a fresh table", PARAMS[id].name);
        size_t n = SENT_SZ;
        switch (PARAMS[id].kind) {
        case K_U:
            expect_u64_at(line, p, id, PARAMS[id].def);
            break;
        case K_B:
            expect_bool_at(line, p, id, PARAMS[id].def != 0);
            break;
        case K_S:
        case K_E:
            expect_str_at(line, p, id, PARAMS[id].sdef);
            break;
        case K_L:
        case K_M:
            CHECK_RC_AT(line, migcfg_get_list_len(p, id, &n), MIGCFG_OK);
            CHECK_U64_AT(line, n, 0);
            break;
        }
    }
    uint64_t on = SENT_U64, set = SENT_U64;
    CHECK_RC_AT(line, migcfg_get_caps(p, &on, &set), MIGCFG_OK);
    CHECK_U64_AT(line, on, 0);
    CHECK_U64_AT(line, set, 0);
    CHECK_U64_AT(line, migcfg_params_page_size(p), MIGCFG_DEFAULT_PAGE_SIZE);
}

static void test_init_and_zero(void)
{
    static MigcfgParams a;
    memset(&a, 0, sizeof a);
    expect_defaults_at(__LINE__, &a); /* all-zero is valid as is */
    migcfg_params_init(&a);
    CHECK(memcmp(&a, &g_zero, sizeof a) == 0); /* ... and equal to an initialised one */
    expect_defaults_at(__LINE__, &a);

    /* init resets a used table to the defaults. */
    migcfg_params_init(&a);
    EXPECT_OK(&a, "multifd-channels=4,tls-creds=abc,cpr-exec-command.0=x,mode=cpr-reboot");
    CHECK_RC(migcfg_params_set_page_size(&a, 16384), MIGCFG_OK);
    migcfg_params_init(&a);
    expect_defaults_at(__LINE__, &a);

    /* Formatting zero and initialised tables gives the same, empty, output. */
    char buf[64];
    size_t len = SENT_SZ;
    memset(&a, 0, sizeof a);
    CHECK_RC(migcfg_format_json(&a, buf, sizeof buf, &len), MIGCFG_OK);
    CHECK_STR(buf, "{}");
    CHECK_U64(len, 2);
    CHECK_RC(migcfg_format_keyval(&a, buf, sizeof buf, &len), MIGCFG_OK);
    CHECK_STR(buf, "");
    CHECK_U64(len, 0);

    /* A memcpy'd table works as the original. */
    migcfg_params_init(&a);
    EXPECT_OK(&a, "tls-creds=abc,multifd-channels=9");
    memcpy(&g_q, &a, sizeof a);
    memset(&a, 0xEE, sizeof a); /* the copy must not point into the original */
    expect_str_at(__LINE__, &g_q, MIGCFG_PARAM_TLS_CREDS, "abc");
    expect_u64_at(__LINE__, &g_q, MIGCFG_PARAM_MULTIFD_CHANNELS, 9);
}

/* ---------------------------------------------------------------------------------------- */
/* Keyval success: exact values read back through the getters. */

typedef struct {
    uint32_t id;
    char kind; /* u, b, s (string or enum name), n (list length); 0 ends */
    uint64_t u;
    const char *s;
} Exp;

typedef struct {
    int line;
    const char *text;
    Exp exp[8]; /* exactly the parameters the text sets */
} OkCase;

#define P(x) MIGCFG_PARAM_##x
static const OkCase OK_CASES[] = {
    {__LINE__, "", {{0}}},
    {__LINE__, "multifd-channels=4", {{P(MULTIFD_CHANNELS), 'u', 4, 0}}},
    {__LINE__, "multifd-channels=4,", {{P(MULTIFD_CHANNELS), 'u', 4, 0}}},
    {__LINE__, "multifd-channels=4,multifd-channels=8", {{P(MULTIFD_CHANNELS), 'u', 8, 0}}},
    {__LINE__, "multifd-channels=abc,multifd-channels=4", {{P(MULTIFD_CHANNELS), 'u', 4, 0}}},
    {__LINE__, "multifd-channels=255", {{P(MULTIFD_CHANNELS), 'u', 255, 0}}},
    {__LINE__, "multifd-channels=0x10", {{P(MULTIFD_CHANNELS), 'u', 16, 0}}},
    {__LINE__, "multifd-channels=0377", {{P(MULTIFD_CHANNELS), 'u', 255, 0}}},
    {__LINE__, "multifd-channels= 4", {{P(MULTIFD_CHANNELS), 'u', 4, 0}}},
    {__LINE__, "multifd-channels=+4", {{P(MULTIFD_CHANNELS), 'u', 4, 0}}},
    {__LINE__, "multifd-channels=-18446744073709551615", {{P(MULTIFD_CHANNELS), 'u', 1, 0}}},
    {__LINE__, "multifd-channels=4,max-bandwidth=1G,mode=cpr-transfer",
     {{P(MULTIFD_CHANNELS), 'u', 4, 0}, {P(MAX_BANDWIDTH), 'u', 1073741824, 0}, {P(MODE), 's', 0, "cpr-transfer"}}},
    {__LINE__, "max-bandwidth=1K", {{P(MAX_BANDWIDTH), 'u', 1024, 0}}},
    {__LINE__, "max-bandwidth=1k", {{P(MAX_BANDWIDTH), 'u', 1024, 0}}},
    {__LINE__, "max-bandwidth=1b", {{P(MAX_BANDWIDTH), 'u', 1, 0}}},
    {__LINE__, "max-bandwidth=1.5G", {{P(MAX_BANDWIDTH), 'u', 1610612736, 0}}},
    {__LINE__, "max-bandwidth=1T", {{P(MAX_BANDWIDTH), 'u', 1099511627776ULL, 0}}},
    {__LINE__, "max-bandwidth=1P", {{P(MAX_BANDWIDTH), 'u', 1125899906842624ULL, 0}}},
    {__LINE__, "max-bandwidth=1E", {{P(MAX_BANDWIDTH), 'u', 1152921504606846976ULL, 0}}},
    {__LINE__, "max-bandwidth=0x10", {{P(MAX_BANDWIDTH), 'u', 16, 0}}},
    {__LINE__, "max-bandwidth=0.5K", {{P(MAX_BANDWIDTH), 'u', 512, 0}}},
    {__LINE__, "max-bandwidth=010", {{P(MAX_BANDWIDTH), 'u', 10, 0}}},
    {__LINE__, "max-bandwidth=18446744073709551615", {{P(MAX_BANDWIDTH), 'u', UINT64_MAX, 0}}},
    {__LINE__, "max-postcopy-bandwidth=0.1G", {{P(MAX_POSTCOPY_BANDWIDTH), 'u', 107374182, 0}}},
    {__LINE__, "avail-switchover-bandwidth=16777215T", {{P(AVAIL_SWITCHOVER_BANDWIDTH), 'u', 18446742974197923840ULL, 0}}},
    {__LINE__, "announce-initial=1K", {{P(ANNOUNCE_INITIAL), 'u', 1024, 0}}},
    {__LINE__, "downtime-limit=0x10", {{P(DOWNTIME_LIMIT), 'u', 16, 0}}},
    {__LINE__, "downtime-limit=010", {{P(DOWNTIME_LIMIT), 'u', 8, 0}}},
    {__LINE__, "downtime-limit=2000000", {{P(DOWNTIME_LIMIT), 'u', 2000000, 0}}},
    {__LINE__, "vcpu-dirty-limit=-1", {{P(VCPU_DIRTY_LIMIT), 'u', UINT64_MAX, 0}}},
    {__LINE__, "x-checkpoint-delay=4294967295", {{P(X_CHECKPOINT_DELAY), 'u', 4294967295ULL, 0}}},
    {__LINE__, "xbzrle-cache-size=64M", {{P(XBZRLE_CACHE_SIZE), 'u', 67108864, 0}}},
    {__LINE__, "xbzrle-cache-size=4096", {{P(XBZRLE_CACHE_SIZE), 'u', 4096, 0}}},
    {__LINE__, "x-rdma-chunk-size=1048576", {{P(X_RDMA_CHUNK_SIZE), 'u', 1048576, 0}}},
    {__LINE__, "x-rdma-chunk-size=1073741824", {{P(X_RDMA_CHUNK_SIZE), 'u', 1073741824, 0}}},
    {__LINE__, "announce-initial=50,announce-max=550,announce-rounds=5,announce-step=100",
     {{P(ANNOUNCE_INITIAL), 'u', 50, 0}, {P(ANNOUNCE_MAX), 'u', 550, 0}, {P(ANNOUNCE_ROUNDS), 'u', 5, 0}, {P(ANNOUNCE_STEP), 'u', 100, 0}}},
    {__LINE__, "throttle-trigger-threshold=100,cpu-throttle-initial=20,cpu-throttle-increment=99,max-cpu-throttle=20",
     {{P(THROTTLE_TRIGGER_THRESHOLD), 'u', 100, 0}, {P(CPU_THROTTLE_INITIAL), 'u', 20, 0},
      {P(CPU_THROTTLE_INCREMENT), 'u', 99, 0}, {P(MAX_CPU_THROTTLE), 'u', 20, 0}}},
    {__LINE__, "multifd-zlib-level=0,multifd-qatzip-level=9,multifd-zstd-level=20",
     {{P(MULTIFD_ZLIB_LEVEL), 'u', 0, 0}, {P(MULTIFD_QATZIP_LEVEL), 'u', 9, 0}, {P(MULTIFD_ZSTD_LEVEL), 'u', 20, 0}}},
    {__LINE__, "x-vcpu-dirty-limit-period=500,vcpu-dirty-limit=1",
     {{P(X_VCPU_DIRTY_LIMIT_PERIOD), 'u', 500, 0}, {P(VCPU_DIRTY_LIMIT), 'u', 1, 0}}},
    {__LINE__, "cpu-throttle-tailslow=on", {{P(CPU_THROTTLE_TAILSLOW), 'b', 1, 0}}},
    {__LINE__, "cpu-throttle-tailslow=yes", {{P(CPU_THROTTLE_TAILSLOW), 'b', 1, 0}}},
    {__LINE__, "cpu-throttle-tailslow=true", {{P(CPU_THROTTLE_TAILSLOW), 'b', 1, 0}}},
    {__LINE__, "cpu-throttle-tailslow=y", {{P(CPU_THROTTLE_TAILSLOW), 'b', 1, 0}}},
    {__LINE__, "cpu-throttle-tailslow=off", {{P(CPU_THROTTLE_TAILSLOW), 'b', 0, 0}}},
    {__LINE__, "cpu-throttle-tailslow=no", {{P(CPU_THROTTLE_TAILSLOW), 'b', 0, 0}}},
    {__LINE__, "cpu-throttle-tailslow=false", {{P(CPU_THROTTLE_TAILSLOW), 'b', 0, 0}}},
    {__LINE__, "cpu-throttle-tailslow=n", {{P(CPU_THROTTLE_TAILSLOW), 'b', 0, 0}}},
    {__LINE__, "direct-io=on,local=on", {{P(DIRECT_IO), 'b', 1, 0}, {P(LOCAL), 'b', 1, 0}}},
    {__LINE__, "local=off", {{P(LOCAL), 'b', 0, 0}}},
    {__LINE__, "tls-creds=tls0,tls-hostname=my,,host", {{P(TLS_CREDS), 's', 0, "tls0"}, {P(TLS_HOSTNAME), 's', 0, "my,host"}}},
    {__LINE__, "tls-authz=a,,,,b", {{P(TLS_AUTHZ), 's', 0, "a,,b"}}},
    {__LINE__, "tls-creds=x,,", {{P(TLS_CREDS), 's', 0, "x,"}}},
    {__LINE__, "tls-creds=x,,,", {{P(TLS_CREDS), 's', 0, "x,"}}},
    {__LINE__, "tls-creds=,,id=bar", {{P(TLS_CREDS), 's', 0, ",id=bar"}}},
    {__LINE__, "tls-creds=", {{P(TLS_CREDS), 's', 0, ""}}},
    {__LINE__, "tls-creds= a b ", {{P(TLS_CREDS), 's', 0, " a b "}}},
    {__LINE__, "tls-creds=a=b", {{P(TLS_CREDS), 's', 0, "a=b"}}},
    {__LINE__, "tls-creds=x\\y", {{P(TLS_CREDS), 's', 0, "x\\y"}}},
    {__LINE__, "tls-hostname=h\xc3\xa9,tls-creds=\xe6\x97\xa5\xe6\x9c\xac",
     {{P(TLS_HOSTNAME), 's', 0, "h\xc3\xa9"}, {P(TLS_CREDS), 's', 0, "\xe6\x97\xa5\xe6\x9c\xac"}}},
    {__LINE__, "tls-creds=\xff\xfe", {{P(TLS_CREDS), 's', 0, "\xff\xfe"}}},
    {__LINE__, "mode=normal", {{P(MODE), 's', 0, "normal"}}},
    {__LINE__, "mode=cpr-reboot", {{P(MODE), 's', 0, "cpr-reboot"}}},
    {__LINE__, "mode=cpr-transfer", {{P(MODE), 's', 0, "cpr-transfer"}}},
    {__LINE__, "mode=cpr-exec", {{P(MODE), 's', 0, "cpr-exec"}}},
    {__LINE__, "multifd-compression=none", {{P(MULTIFD_COMPRESSION), 's', 0, "none"}}},
    {__LINE__, "multifd-compression=zlib", {{P(MULTIFD_COMPRESSION), 's', 0, "zlib"}}},
    {__LINE__, "multifd-compression=zstd", {{P(MULTIFD_COMPRESSION), 's', 0, "zstd"}}},
    {__LINE__, "multifd-compression=qatzip", {{P(MULTIFD_COMPRESSION), 's', 0, "qatzip"}}},
    {__LINE__, "multifd-compression=qpl", {{P(MULTIFD_COMPRESSION), 's', 0, "qpl"}}},
    {__LINE__, "multifd-compression=uadk", {{P(MULTIFD_COMPRESSION), 's', 0, "uadk"}}},
    {__LINE__, "zero-page-detection=none", {{P(ZERO_PAGE_DETECTION), 's', 0, "none"}}},
    {__LINE__, "zero-page-detection=legacy", {{P(ZERO_PAGE_DETECTION), 's', 0, "legacy"}}},
    {__LINE__, "zero-page-detection=multifd", {{P(ZERO_PAGE_DETECTION), 's', 0, "multifd"}}},
    {__LINE__, "cpr-exec-command.0=qemu,cpr-exec-command.1=-incoming", {{P(CPR_EXEC_COMMAND), 'n', 2, 0}}},
    {__LINE__, "cpr-exec-command.0=a,cpr-exec-command.0=b", {{P(CPR_EXEC_COMMAND), 'n', 1, 0}}},
    {__LINE__, "cpr-exec-command.1=b,cpr-exec-command.0=a", {{P(CPR_EXEC_COMMAND), 'n', 2, 0}}},
    {__LINE__, "cpr-exec-command.0=,cpr-exec-command.1=I", {{P(CPR_EXEC_COMMAND), 'n', 2, 0}}},
    {__LINE__, "direct-io=on,mode=cpr-transfer,multifd-compression=zlib,multifd-zlib-level=9,zero-page-detection=legacy,tls-creds=,max-bandwidth=1M",
     {{P(DIRECT_IO), 'b', 1, 0}, {P(MODE), 's', 0, "cpr-transfer"}, {P(MULTIFD_COMPRESSION), 's', 0, "zlib"},
      {P(MULTIFD_ZLIB_LEVEL), 'u', 9, 0}, {P(ZERO_PAGE_DETECTION), 's', 0, "legacy"}, {P(TLS_CREDS), 's', 0, ""},
      {P(MAX_BANDWIDTH), 'u', 1048576, 0}}},
    {__LINE__, "block-bitmap-mapping.0.node-name=drive0,block-bitmap-mapping.0.alias=node0,block-bitmap-mapping.0.bitmaps.0.name=bitmap0,block-bitmap-mapping.0.bitmaps.0.alias=bm0",
     {{P(BLOCK_BITMAP_MAPPING), 'n', 1, 0}}},
};

static void check_exps_at(int line, const MigcfgParams *p, const Exp *exp, size_t nexp)
{
    bool want_set[MIGCFG_PARAM__COUNT] = {0};
    for (size_t i = 0; i < nexp && exp[i].kind; i++) {
        const Exp *x = &exp[i];
        want_set[x->id] = true;
        size_t n = SENT_SZ;
        switch (x->kind) {
        case 'u':
            expect_u64_at(line, p, x->id, x->u);
            break;
        case 'b':
            expect_bool_at(line, p, x->id, x->u != 0);
            break;
        case 's':
            expect_str_at(line, p, x->id, x->s);
            break;
        case 'n':
            CHECK_RC_AT(line, migcfg_get_list_len(p, x->id, &n), MIGCFG_OK);
            CHECK_U64_AT(line, n, x->u);
            break;
        }
    }
    for (uint32_t id = 0; id < MIGCFG_PARAM__COUNT; id++)
        h_result(__FILE__, line, migcfg_is_set(p, id) == want_set[id], "is_set(%s) == %d, expected %d",
                 PARAMS[id].name, migcfg_is_set(p, id), want_set[id]);
}

static void test_keyval_ok(void)
{
    for (size_t i = 0; i < sizeof OK_CASES / sizeof OK_CASES[0]; i++) {
        const OkCase *c = &OK_CASES[i];
        migcfg_params_init(&g_p);
        if (!expect_ok_at(c->line, &g_p, c->text, strlen(c->text), 0))
            continue;
        check_exps_at(c->line, &g_p, c->exp, sizeof c->exp / sizeof c->exp[0]);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Keyval errors: exact code, offset and message; the table stays unchanged. */

typedef struct {
    int line;
    const char *text;
    int32_t code;
    long offset; /* -1: not checked */
    const char *msg;
} ErrCase;

#define SY MIGCFG_ERR_SYNTAX
#define VA MIGCFG_ERR_VALUE
#define UN MIGCFG_ERR_UNEXPECTED
#define CK MIGCFG_ERR_CHECK
static const ErrCase ERR_CASES[] = {
    /* values */
    {__LINE__, "multifd-channels=abc", VA, 17, "Parameter 'multifd-channels' expects integer"},
    {__LINE__, "multifd-channels=4,multifd-channels=abc", VA, 36, "Parameter 'multifd-channels' expects integer"},
    {__LINE__, "multifd-channels=256", VA, 17, "Parameter 'multifd-channels' expects uint8_t"},
    {__LINE__, "multifd-channels=-1", VA, 17, "Parameter 'multifd-channels' expects uint8_t"},
    {__LINE__, "multifd-channels=18446744073709551616", VA, 17, "Parameter 'multifd-channels' expects integer"},
    {__LINE__, "multifd-channels=4 ", VA, 17, "Parameter 'multifd-channels' expects integer"},
    {__LINE__, "multifd-channels=", VA, 17, "Parameter 'multifd-channels' expects integer"},
    {__LINE__, "multifd-channels=4,,", VA, 17, "Parameter 'multifd-channels' expects integer"},
    {__LINE__, "multifd-channels=08", VA, 17, "Parameter 'multifd-channels' expects integer"},
    {__LINE__, "x-checkpoint-delay=4294967296", VA, 19, "Parameter 'x-checkpoint-delay' expects uint32_t"},
    {__LINE__, "downtime-limit=18446744073709551616", VA, 15, "Parameter 'downtime-limit' expects integer"},
    {__LINE__, "max-bandwidth=16E", VA, 14, "Parameter 'max-bandwidth' expects size"},
    {__LINE__, "max-bandwidth=1e3", VA, 14, "Parameter 'max-bandwidth' expects size"},
    {__LINE__, "max-bandwidth=1.5", VA, 14, "Parameter 'max-bandwidth' expects size"},
    {__LINE__, "max-bandwidth=1 G", VA, 14, "Parameter 'max-bandwidth' expects size"},
    {__LINE__, "max-bandwidth=", VA, 14, "Parameter 'max-bandwidth' expects size"},
    {__LINE__, "max-bandwidth=-1", VA, 14, "Parameter 'max-bandwidth' expects size"},
    {__LINE__, "cpu-throttle-tailslow=On", VA, 22, "Parameter 'cpu-throttle-tailslow' expects 'on' or 'off'"},
    {__LINE__, "direct-io=1", VA, 10, "Parameter 'direct-io' expects 'on' or 'off'"},
    {__LINE__, "local=", VA, 6, "Parameter 'local' expects 'on' or 'off'"},
    {__LINE__, "mode=bogus", VA, 5, "Parameter 'mode' does not accept value 'bogus'"},
    {__LINE__, "mode=", VA, 5, "Parameter 'mode' does not accept value ''"},
    {__LINE__, "mode= normal", VA, 5, "Parameter 'mode' does not accept value ' normal'"},
    {__LINE__, "zero-page-detection=MULTIFD", VA, 20, "Parameter 'zero-page-detection' does not accept value 'MULTIFD'"},
    {__LINE__, "x-rdma-chunk-size=1M", VA, 18, "Parameter 'x-rdma-chunk-size' expects integer"},
    {__LINE__, "cpr-exec-command=a", VA, 17, "Invalid parameter type for 'cpr-exec-command', expected: array"},
    /* schema order decides between two bad values */
    {__LINE__, "multifd-channels=abc,announce-initial=x", VA, 38, "Parameter 'announce-initial' expects size"},
    /* unknown keys */
    {__LINE__, "foo=1", UN, 0, "Parameter 'foo' is unexpected"},
    {__LINE__, "multifd-channels=4,foo=1", UN, 19, "Parameter 'foo' is unexpected"},
    {__LINE__, "foo=1,multifd-channels=abc", VA, 23, "Parameter 'multifd-channels' expects integer"},
    {__LINE__, "multifd-channels=4,foo.bar=1,baz=2", UN, 29, "Parameter 'baz' is unexpected"}, /* QEMU's hash order */
    {__LINE__, "multifd_channels=4", UN, 0, "Parameter 'multifd_channels' is unexpected"},
    {__LINE__, "Multifd-Channels=4", UN, 0, "Parameter 'Multifd-Channels' is unexpected"},
    {__LINE__, "help=on", UN, 0, "Parameter 'help' is unexpected"},
    {__LINE__, "multifd=on", UN, 0, "Parameter 'multifd' is unexpected"},
    {__LINE__, "multifd-channels.x=4", UN, 0, "Parameters 'multifd-channels.*' are unexpected"},
    {__LINE__, "__com.redhat_foo=1", UN, 0, "Parameter '__com.redhat_foo' is unexpected"},
    /* syntax */
    {__LINE__, "a.b=1,a=2", SY, 6, "Parameters 'a.*' used inconsistently"},
    {__LINE__, "a.b=1,a=2,c!=3", SY, 6, "Parameters 'a.*' used inconsistently"},
    {__LINE__, "c!=3,a.b=1,a=2", SY, 0, "Invalid parameter 'c!'"},
    {__LINE__, "announce-initial=1,announce-initial.x=2", SY, 19, "Parameters 'announce-initial.*' used inconsistently"},
    /* a list-shape error found at list conversion (as in QEMU, whatever the input order):
     * at the first key of that list, like a missing element */
    {__LINE__, "cpr-exec-command.0=a,cpr-exec-command.x=b", SY, 0, "Parameters 'cpr-exec-command.*' used inconsistently"},
    {__LINE__, "cpr-exec-command.x=b,cpr-exec-command.0=a", SY, 0, "Parameters 'cpr-exec-command.*' used inconsistently"},
    {__LINE__, "help", SY, 0, "Help is not available for this option"},
    {__LINE__, "?", SY, 0, "Help is not available for this option"},
    {__LINE__, "help,multifd-channels=x", SY, 0, "Help is not available for this option"},
    /* "Expected '='": a syntax error points at the offending byte, the one where '=' is
     * missing */
    {__LINE__, "help,foo", SY, 8, "Expected '=' after parameter 'foo'"},
    {__LINE__, "tls-creds=a,b", SY, 13, "Expected '=' after parameter 'b'"},
    {__LINE__, "multifd-channels", SY, 16, "Expected '=' after parameter 'multifd-channels'"},
    {__LINE__, ",multifd-channels=4", SY, 0, "Invalid parameter ''"},
    {__LINE__, "=4", SY, 0, "Invalid parameter ''"},
    {__LINE__, ",", SY, 0, "Invalid parameter ''"},
    {__LINE__, "7up=val", SY, 0, "Invalid parameter '7up'"},
    {__LINE__, "key[0]=val", SY, 0, "Invalid parameter 'key[0]'"},
    {__LINE__, "multifd-channels=4,key.=1", SY, 19, "Invalid parameter 'key.'"},
    {__LINE__, "[{\"multifd-channels\": 4}]", SY, 0, "Invalid parameter '[{\"multifd-channels\": 4}]'"},
    /* lists */
    {__LINE__, "cpr-exec-command.1=b", SY, 0, "Parameter 'cpr-exec-command.0' missing"},
    {__LINE__, "cpr-exec-command.0=a,cpr-exec-command.2=b", SY, 0, "Parameter 'cpr-exec-command.1' missing"},
    {__LINE__, "foo.1=x", SY, 0, "Parameter 'foo.0' missing"},
    {__LINE__, "block-bitmap-mapping.0.node-name=drive0", VA, 0, "Parameter 'block-bitmap-mapping.0.alias' is missing"},
    /* checks (master wording) */
    {__LINE__, "multifd-channels=0", CK, 17, "Option multifd-channels expects a value between 1 and 255"},
    {__LINE__, "announce-step=0", CK, 14, "Option announce-step expects a value between 0 and 10000"},
    {__LINE__, "announce-initial=100001", CK, 17, "Option announce-initial expects a value between 0 and 100000"},
    {__LINE__, "throttle-trigger-threshold=0", CK, 27, "Option throttle-trigger-threshold expects an integer in the range of 1 to 100"},
    {__LINE__, "cpu-throttle-initial=100", CK, 21, "Option cpu-throttle-initial expects an integer in the range of 1 to 99"},
    {__LINE__, "cpu-throttle-initial=20,max-cpu-throttle=10", CK, 41, "Option max-cpu-throttle expects an integer in the range of cpu-throttle-initial to 99"},
    {__LINE__, "max-cpu-throttle=100", CK, 17, "Option max-cpu-throttle expects an integer in the range of cpu-throttle-initial to 99"},
    {__LINE__, "downtime-limit=-1", CK, 15, "Option downtime-limit expects an integer in the range of 0 to (2000 * 1000) ms"},
    {__LINE__, "downtime-limit=2000001", CK, 15, "Option downtime-limit expects an integer in the range of 0 to (2000 * 1000) ms"},
    {__LINE__, "xbzrle-cache-size=1000", CK, 18, "Option xbzrle-cache-size expects a power of two no less than the target page size"},
    {__LINE__, "xbzrle-cache-size=2048", CK, 18, "Option xbzrle-cache-size expects a power of two no less than the target page size"},
    {__LINE__, "multifd-zlib-level=10,multifd-zstd-level=1", CK, 19, "Option multifd-zlib-level expects a value between 0 and 9"},
    {__LINE__, "multifd-zstd-level=21", CK, 19, "Option multifd-zstd-level expects a value between 0 and 20"},
    {__LINE__, "multifd-qatzip-level=0", CK, 21, "Option multifd-qatzip-level expects a value between 1 and 9"},
    {__LINE__, "x-vcpu-dirty-limit-period=0", CK, 26, "Option x-vcpu-dirty-limit-period expects a value between 1 and 1000"},
    {__LINE__, "vcpu-dirty-limit=0", CK, 17, "Parameter 'vcpu-dirty-limit' must be greater than 1 MB/s"},
    {__LINE__, "x-rdma-chunk-size=1000", CK, 18, "Option x_rdma_chunk_size expects a power of 2 in the range 1MiB to 1024MiB"},
};

static void test_keyval_errors(void)
{
    for (size_t i = 0; i < sizeof ERR_CASES / sizeof ERR_CASES[0]; i++) {
        const ErrCase *c = &ERR_CASES[i];
        /* On a fresh table, and on one that already holds values (strings in the arena). */
        migcfg_params_init(&g_p);
        expect_err_at(c->line, &g_p, c->text, strlen(c->text), 0, c->code, c->offset, c->msg);
        migcfg_params_init(&g_p);
        if (EXPECT_OK(&g_p, "tls-creds=abc,multifd-channels=4,cpr-exec-command.0=x,cpr-exec-command.1=y"))
            expect_err_at(c->line, &g_p, c->text, strlen(c->text), 0, c->code, c->offset, c->msg);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Merge: a second parse keeps what the first set and replaces only what it sets itself. */

static void test_merge(void)
{
    migcfg_params_init(&g_p);
    EXPECT_OK(&g_p, "multifd-channels=4,tls-creds=abc,cpr-exec-command.0=a,cpr-exec-command.1=b");
    EXPECT_OK(&g_p, "mode=cpr-transfer,tls-hostname=host");
    Exp e1[] = {{P(MULTIFD_CHANNELS), 'u', 4, 0}, {P(TLS_CREDS), 's', 0, "abc"}, {P(CPR_EXEC_COMMAND), 'n', 2, 0},
                {P(MODE), 's', 0, "cpr-transfer"}, {P(TLS_HOSTNAME), 's', 0, "host"}};
    check_exps_at(__LINE__, &g_p, e1, sizeof e1 / sizeof e1[0]);
    /* A parameter set again takes the new value; a list is replaced as a whole. */
    EXPECT_OK(&g_p, "multifd-channels=8,tls-creds=,cpr-exec-command.0=c");
    Exp e2[] = {{P(MULTIFD_CHANNELS), 'u', 8, 0}, {P(TLS_CREDS), 's', 0, ""}, {P(CPR_EXEC_COMMAND), 'n', 1, 0},
                {P(MODE), 's', 0, "cpr-transfer"}, {P(TLS_HOSTNAME), 's', 0, "host"}};
    check_exps_at(__LINE__, &g_p, e2, sizeof e2 / sizeof e2[0]);
    const char *sp = SENT_PTR;
    size_t n = SENT_SZ;
    CHECK_RC(migcfg_get_list_str(&g_p, P(CPR_EXEC_COMMAND), 0, &sp, &n), MIGCFG_OK);
    CHECK_MEM(sp, n, "c");
    /* An empty parse changes nothing. */
    memcpy(&g_q, &g_p, sizeof g_q);
    EXPECT_OK(&g_p, "");
    CHECK(memcmp(&g_q, &g_p, sizeof g_q) == 0);

    /* The checks see the merged values; the offset of a failed check on a parameter the
     * text does not set is the end of the text. */
    migcfg_params_init(&g_p);
    EXPECT_OK(&g_p, "cpu-throttle-initial=60");
    expect_err_at(__LINE__, &g_p, "max-cpu-throttle=50", 19, 0, MIGCFG_ERR_CHECK, 17,
                  "Option max-cpu-throttle expects an integer in the range of cpu-throttle-initial to 99");
    migcfg_params_init(&g_p);
    EXPECT_OK(&g_p, "max-cpu-throttle=50");
    expect_err_at(__LINE__, &g_p, "cpu-throttle-initial=60", 23, 0, MIGCFG_ERR_CHECK, 23,
                  "Option max-cpu-throttle expects an integer in the range of cpu-throttle-initial to 99");
    EXPECT_OK(&g_p, "cpu-throttle-initial=60,max-cpu-throttle=60");
    expect_u64_at(__LINE__, &g_p, P(CPU_THROTTLE_INITIAL), 60);
    expect_u64_at(__LINE__, &g_p, P(MAX_CPU_THROTTLE), 60);

    /* Filling the string arena: many parses replacing a long string must keep working. */
    static char big[4100];
    memset(big, 'z', sizeof big);
    memcpy(big, "tls-creds=", 10);
    migcfg_params_init(&g_p);
    for (int i = 0; i < 20; i++) {
        big[sizeof big - 1] = (char)('a' + i);
        if (!expect_ok_at(__LINE__, &g_p, big, sizeof big, 0))
            break;
    }
    sp = SENT_PTR;
    n = SENT_SZ;
    CHECK_RC(migcfg_get_str(&g_p, P(TLS_CREDS), &sp, &n), MIGCFG_OK);
    CHECK_U64(n, sizeof big - 10);
    if (n == sizeof big - 10)
        CHECK(sp[n - 1] == 'a' + 19 && memcmp(sp, big + 10, n) == 0);
}

/* ---------------------------------------------------------------------------------------- */
/* NULL for every pointer argument: MIGCFG_ERR_NULL (false/NULL/0 where there is no status),
 * never a crash; a given error struct then holds the code. */

static int32_t visit_nop(void *op, uint32_t id, const MigcfgValue *v)
{
    (void)op;
    (void)id;
    (void)v;
    return 0;
}

static void expect_null_err_at(int line, int32_t rc, const MigcfgError *e)
{
    CHECK_RC_AT(line, rc, MIGCFG_ERR_NULL);
    CHECK_RC_AT(line, e->code, MIGCFG_ERR_NULL);
    CHECK_AT(line, msg_terminated(e));
}

static void test_null_args(void)
{
    MigcfgParams *p = &g_p;
    MigcfgError e;
    uint64_t u = SENT_U64;
    bool b = true;
    const char *sp = SENT_PTR;
    size_t n = SENT_SZ;
    uint32_t id = 777;
    char buf[32];
    MigcfgBitmapNode node;
    MigcfgBitmapAlias bm;

    migcfg_params_init(&g_p);
    EXPECT_OK(p, "multifd-channels=4,cpr-exec-command.0=a,block-bitmap-mapping.0.node-name=n,"
                 "block-bitmap-mapping.0.alias=a,block-bitmap-mapping.0.bitmaps.0.name=b,"
                 "block-bitmap-mapping.0.bitmaps.0.alias=c");
    memcpy(&g_q, p, sizeof g_q);

    migcfg_params_init(NULL); /* ignored */

    err_fill(&e);
    expect_null_err_at(__LINE__, migcfg_parse(NULL, "mode=normal", 11, &e), &e);
    err_fill(&e);
    expect_null_err_at(__LINE__, migcfg_parse(p, NULL, 0, &e), &e);
    err_fill(&e);
    expect_null_err_at(__LINE__, migcfg_parse(p, NULL, 11, &e), &e);
    CHECK_RC(migcfg_parse(NULL, NULL, 0, NULL), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_parse(p, "x", 1, NULL), MIGCFG_ERR_SYNTAX); /* err is optional */
    CHECK_RC(migcfg_parse(p, "multifd-channels=5", 18, NULL), MIGCFG_OK);
    expect_u64_at(__LINE__, p, P(MULTIFD_CHANNELS), 5);
    memcpy(p, &g_q, sizeof g_q);
    err_fill(&e);
    expect_null_err_at(__LINE__, migcfg_parse_ex(NULL, "mode=normal", 11, 0, &e), &e);
    err_fill(&e);
    expect_null_err_at(__LINE__, migcfg_parse_ex(p, NULL, 0, MIGCFG_PARSE_CAPABILITIES, &e), &e);
    CHECK_RC(migcfg_parse_ex(p, "x", 1, MIGCFG_PARSE_CAPABILITIES, NULL), MIGCFG_ERR_SYNTAX);
    CHECK(memcmp(p, &g_q, sizeof g_q) == 0);

    CHECK(!migcfg_is_set(NULL, P(MULTIFD_CHANNELS)));
    CHECK_RC(migcfg_get_u64(NULL, P(MULTIFD_CHANNELS), &u), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_get_u64(p, P(MULTIFD_CHANNELS), NULL), MIGCFG_ERR_NULL);
    CHECK_U64(u, SENT_U64);
    CHECK_RC(migcfg_get_bool(NULL, P(DIRECT_IO), &b), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_get_bool(p, P(DIRECT_IO), NULL), MIGCFG_ERR_NULL);
    CHECK(b == true);
    CHECK_RC(migcfg_get_str(NULL, P(MODE), &sp, &n), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_get_str(p, P(MODE), NULL, &n), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_get_str(p, P(MODE), &sp, NULL), MIGCFG_ERR_NULL);
    CHECK(sp == SENT_PTR && n == SENT_SZ);
    CHECK_RC(migcfg_get_list_len(NULL, P(CPR_EXEC_COMMAND), &n), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_get_list_len(p, P(CPR_EXEC_COMMAND), NULL), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_get_list_str(NULL, P(CPR_EXEC_COMMAND), 0, &sp, &n), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_get_list_str(p, P(CPR_EXEC_COMMAND), 0, NULL, &n), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_get_list_str(p, P(CPR_EXEC_COMMAND), 0, &sp, NULL), MIGCFG_ERR_NULL);
    CHECK(sp == SENT_PTR && n == SENT_SZ);
    memset(&node, 0x5A, sizeof node);
    memset(&bm, 0x5A, sizeof bm);
    CHECK_RC(migcfg_get_bitmap_node(NULL, 0, &node), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_get_bitmap_node(p, 0, NULL), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_get_bitmap(NULL, 0, 0, &bm), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_get_bitmap(p, 0, 0, NULL), MIGCFG_ERR_NULL);
    CHECK(node.bitmaps == SENT_SZ && bm.name_len == SENT_SZ);

    CHECK_RC(migcfg_params_set_page_size(NULL, 8192), MIGCFG_ERR_NULL);
    CHECK_U64(migcfg_params_page_size(NULL), 0);
    CHECK_RC(migcfg_params_target(NULL, 10, 2), MIGCFG_ERR_NULL);

    CHECK_RC(migcfg_param_lookup(NULL, 4, &id), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_param_lookup(NULL, 0, &id), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_param_lookup("mode", 4, NULL), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_cap_lookup(NULL, 7, &id), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_cap_lookup("multifd", 7, NULL), MIGCFG_ERR_NULL);
    CHECK_INT(id, 777);

    /* Formatters: p, len; buf NULL with cap != 0. */
    typedef int32_t (*Fmt)(const MigcfgParams *, char *, size_t, size_t *);
    static const Fmt fmts[] = {migcfg_format_json, migcfg_format_keyval, migcfg_format_caps_json};
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        memset(buf, 0x5A, sizeof buf);
        n = SENT_SZ;
        CHECK_RC(fmts[i](NULL, buf, sizeof buf, &n), MIGCFG_ERR_NULL);
        CHECK_RC(fmts[i](p, buf, sizeof buf, NULL), MIGCFG_ERR_NULL);
        CHECK_RC(fmts[i](p, NULL, sizeof buf, &n), MIGCFG_ERR_NULL);
        CHECK_RC(fmts[i](NULL, NULL, 0, NULL), MIGCFG_ERR_NULL);
        CHECK(n == SENT_SZ && (unsigned char)buf[0] == 0x5A);
    }
    CHECK_RC(migcfg_format_json_ex(NULL, 0, buf, sizeof buf, &n), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_format_json_ex(p, MIGCFG_FORMAT_ALL, buf, sizeof buf, NULL), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_format_json_ex(p, 0, NULL, 1, &n), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_format_keyval_ex(NULL, 0, buf, sizeof buf, &n), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_format_keyval_ex(p, 0, buf, sizeof buf, NULL), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_format_keyval_ex(p, 0, NULL, 1, &n), MIGCFG_ERR_NULL);
    CHECK(n == SENT_SZ && (unsigned char)buf[0] == 0x5A);

    CHECK_RC(migcfg_params_foreach_set(NULL, visit_nop, NULL), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_params_foreach_set(p, NULL, NULL), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_params_foreach_set(p, visit_nop, NULL), MIGCFG_OK); /* opaque may be NULL */

    err_fill(&e);
    expect_null_err_at(__LINE__, migcfg_params_check(NULL, p, &e), &e);
    CHECK_RC(migcfg_params_check(NULL, NULL, NULL), MIGCFG_ERR_NULL);

    err_fill(&e);
    expect_null_err_at(__LINE__, migcfg_set_u64(NULL, P(MULTIFD_CHANNELS), 4, &e), &e);
    err_fill(&e);
    expect_null_err_at(__LINE__, migcfg_set_bool(NULL, P(DIRECT_IO), true, &e), &e);
    err_fill(&e);
    expect_null_err_at(__LINE__, migcfg_set_str(NULL, P(TLS_CREDS), "x", 1, &e), &e);
    err_fill(&e);
    expect_null_err_at(__LINE__, migcfg_set_str(p, P(TLS_CREDS), NULL, 1, &e), &e);
    CHECK_RC(migcfg_set_u64(NULL, P(MULTIFD_CHANNELS), 4, NULL), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_set_str(p, P(TLS_CREDS), NULL, 0, NULL), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_set_cap(NULL, 0, true), MIGCFG_ERR_NULL);
    uint64_t on = SENT_U64, set = SENT_U64;
    CHECK_RC(migcfg_get_caps(NULL, &on, &set), MIGCFG_ERR_NULL);
    CHECK(on == SENT_U64 && set == SENT_U64);
    CHECK_RC(migcfg_get_caps(p, NULL, NULL), MIGCFG_OK); /* both optional */
    CHECK_RC(migcfg_get_caps(p, &on, NULL), MIGCFG_OK);
    CHECK_U64(on, 0);
    CHECK_RC(migcfg_get_caps(p, NULL, &set), MIGCFG_OK);
    CHECK_U64(set, 0);

    CHECK(memcmp(p, &g_q, sizeof g_q) == 0); /* nothing above changed the table */
}

/* ---------------------------------------------------------------------------------------- */
/* Text is pointer + length: no NUL needed, and bytes past len are never read. */

static void test_text_bounds(void)
{
    /* len shorter than the string */
    migcfg_params_init(&g_p);
    if (expect_ok_at(__LINE__, &g_p, "multifd-channels=42", 18, 0))
        expect_u64_at(__LINE__, &g_p, P(MULTIFD_CHANNELS), 4);
    migcfg_params_init(&g_p);
    if (expect_ok_at(__LINE__, &g_p, "tls-creds=abc,mode=bogus", 13, 0))
        expect_str_at(__LINE__, &g_p, P(TLS_CREDS), "abc");
    migcfg_params_init(&g_p);
    expect_err_at(__LINE__, &g_p, "multifd-channels=4", 16, 0, MIGCFG_ERR_SYNTAX, 16,
                  "Expected '=' after parameter 'multifd-channels'");
    migcfg_params_init(&g_p);
    expect_ok_at(__LINE__, &g_p, "multifd-channels=4", 0, 0);
    CHECK(!migcfg_is_set(&g_p, P(MULTIFD_CHANNELS)));
    uint32_t id = 777;
    CHECK_RC(migcfg_param_lookup("tls-credsXYZ", 9, &id), MIGCFG_OK);
    CHECK_INT(id, P(TLS_CREDS));

    /* Text that ends exactly at the end of a readable page followed by a PROT_NONE page. */
    long pg = sysconf(_SC_PAGESIZE);
    char *map = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!CHECK(map != MAP_FAILED))
        return;
    if (!CHECK(mprotect(map + pg, (size_t)pg, PROT_NONE) == 0)) {
        munmap(map, (size_t)pg * 2);
        return;
    }
    char *end = map + pg;
#define AT_END(s) (memcpy(end - strlen(s), (s), strlen(s)), (const char *)(end - strlen(s)))
    static const struct {
        int line;
        const char *text;
        int32_t code;
        long offset;
        const char *msg;
    } edge[] = {
        {__LINE__, "multifd-channels=7", MIGCFG_OK, 0, NULL},
        {__LINE__, "multifd-channels=7,", MIGCFG_OK, 0, NULL},
        {__LINE__, "tls-creds=x,,", MIGCFG_OK, 0, NULL},
        {__LINE__, "tls-creds=", MIGCFG_OK, 0, NULL},
        {__LINE__, "cpr-exec-command.0=a", MIGCFG_OK, 0, NULL},
        {__LINE__, "max-bandwidth=1.5G", MIGCFG_OK, 0, NULL},
        {__LINE__, "max-bandwidth=1", MIGCFG_OK, 0, NULL},
        {__LINE__, "max-bandwidth=0x", MIGCFG_ERR_VALUE, 14, "Parameter 'max-bandwidth' expects size"},
        {__LINE__, "max-bandwidth=1.", MIGCFG_OK, 0, NULL},
        {__LINE__, "downtime-limit=0x", MIGCFG_ERR_VALUE, 15, "Parameter 'downtime-limit' expects integer"},
        {__LINE__, "downtime-limit=-", MIGCFG_ERR_VALUE, 15, "Parameter 'downtime-limit' expects integer"},
        {__LINE__, "direct-io=o", MIGCFG_ERR_VALUE, 10, "Parameter 'direct-io' expects 'on' or 'off'"},
        {__LINE__, "mode=cpr-", MIGCFG_ERR_VALUE, 5, "Parameter 'mode' does not accept value 'cpr-'"},
        {__LINE__, "multifd-channels=abc", MIGCFG_ERR_VALUE, 17, "Parameter 'multifd-channels' expects integer"},
        {__LINE__, "multifd-channels", MIGCFG_ERR_SYNTAX, 16, "Expected '=' after parameter 'multifd-channels'"},
        {__LINE__, "a.", MIGCFG_ERR_SYNTAX, 0, "Invalid parameter 'a.'"},
        {__LINE__, "help", MIGCFG_ERR_SYNTAX, 0, "Help is not available for this option"},
        {__LINE__, "foo=", MIGCFG_ERR_UNEXPECTED, 0, "Parameter 'foo' is unexpected"},
        {__LINE__, "x", MIGCFG_ERR_SYNTAX, 1, "Expected '=' after parameter 'x'"},
        {__LINE__, ",", MIGCFG_ERR_SYNTAX, 0, "Invalid parameter ''"},
    };
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        const char *t = AT_END(edge[i].text);
        size_t len = strlen(edge[i].text);
        migcfg_params_init(&g_p);
        if (edge[i].code == MIGCFG_OK)
            expect_ok_at(edge[i].line, &g_p, t, len, 0);
        else
            expect_err_at(edge[i].line, &g_p, t, len, 0, edge[i].code, edge[i].offset, edge[i].msg);
        migcfg_params_init(&g_p);
        if (edge[i].code == MIGCFG_OK)
            expect_ok_at(edge[i].line, &g_p, t, len, MIGCFG_PARSE_CAPABILITIES);
    }
    migcfg_params_init(&g_p);
    if (expect_ok_at(__LINE__, &g_p, AT_END("multifd-channels=7"), 18, 0))
        expect_u64_at(__LINE__, &g_p, P(MULTIFD_CHANNELS), 7);
    migcfg_params_init(&g_p);
    if (expect_ok_at(__LINE__, &g_p, AT_END("multifd=on"), 10, MIGCFG_PARSE_CAPABILITIES)) {
        uint64_t on = 0;
        CHECK_RC(migcfg_get_caps(&g_p, &on, NULL), MIGCFG_OK);
        CHECK_U64(on, MIGCFG_CAP_MULTIFD);
    }
    /* JSON at the page end. */
    {
        migcfg_params_init(&g_p);
        expect_err_at(__LINE__, &g_p, AT_END("{"), 1, 0, MIGCFG_ERR_SYNTAX, -1, "JSON parse error, premature EOI");
        migcfg_params_init(&g_p);
        expect_err_at(__LINE__, &g_p, AT_END("{\"mode\": \"cpr-"), 14, 0, MIGCFG_ERR_SYNTAX, -1, NULL);
        migcfg_params_init(&g_p);
        expect_ok_at(__LINE__, &g_p, AT_END("{\"multifd-channels\": 7}"), 23, 0);
        expect_u64_at(__LINE__, &g_p, P(MULTIFD_CHANNELS), 7);
    }
    id = 777;
    CHECK_RC(migcfg_param_lookup(AT_END("local"), 5, &id), MIGCFG_OK);
    CHECK_INT(id, P(LOCAL));
    id = 777;
    CHECK_RC(migcfg_param_lookup(AT_END("loca"), 4, &id), MIGCFG_ERR_INVALID_ARG);
    CHECK_INT(id, 777);
    CHECK_RC(migcfg_cap_lookup(AT_END("mapped-ram"), 10, &id), MIGCFG_OK);
    CHECK_INT(id, 21);
    migcfg_params_init(&g_p);
    CHECK_RC(migcfg_set_str(&g_p, P(MODE), AT_END("cpr-exec"), 8, NULL), MIGCFG_OK);
    expect_str_at(__LINE__, &g_p, P(MODE), "cpr-exec");
    CHECK_RC(migcfg_set_str(&g_p, P(TLS_AUTHZ), AT_END("authz0"), 6, NULL), MIGCFG_OK);
    expect_str_at(__LINE__, &g_p, P(TLS_AUTHZ), "authz0");
#undef AT_END
    munmap(map, (size_t)pg * 2);
}

/* Lengths past MIGCFG_TEXT_MAX, up to ones no buffer can have ((size_t)-1, a NUL-terminated
 * convention taken for pointer + length): refused as a text one byte past the limit is, and
 * never a byte read past that one (a PROT_NONE page follows it); output buffers of any claimed
 * size are written only as far as the output goes. */
static void test_lengths_past_the_limit(void)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    size_t span = (size_t)MIGCFG_TEXT_MAX + 1;
    size_t room = (span + pg - 1) / pg * pg;
    char *map = mmap(NULL, room + pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (!CHECK(map != MAP_FAILED))
        return;
    if (!CHECK(mprotect(map + room, pg, PROT_NONE) == 0)) {
        munmap(map, room + pg);
        return;
    }
    /* The last span bytes before the guard page: zeros, but for a valid parameter name. */
    char *t = map + room - span;
    memcpy(t, "mode", 4);
    static const char long_text[] = "Text is longer than migcfg accepts (256 MiB)";
    static const char not_a_mode[] = "Parameter 'mode' does not accept value 'mode";
    static MigcfgParams before;
    static MigcfgIncoming inc;
    const size_t lens[] = {span, span + 1, (size_t)PTRDIFF_MAX, (size_t)PTRDIFF_MAX + 1, SIZE_MAX};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        size_t len = lens[i];
        MigcfgError e;
        migcfg_params_init(&g_p);
        CHECK_RC(migcfg_set_u64(&g_p, P(MULTIFD_CHANNELS), 9, NULL), MIGCFG_OK);
        memcpy(&before, &g_p, sizeof before);
        for (uint32_t flags = 0; flags <= MIGCFG_PARSE_CAPABILITIES; flags++) {
            err_fill(&e);
            CHECK_RC(flags ? migcfg_parse_ex(&g_p, t, len, flags, &e) : migcfg_parse(&g_p, t, len, &e),
                     MIGCFG_ERR_CAPACITY);
            CHECK_RC(e.code, MIGCFG_ERR_CAPACITY);
            CHECK_U64(e.offset, MIGCFG_TEXT_MAX);
            CHECK_STR(e.message, long_text);
            CHECK(memcmp(&before, &g_p, sizeof before) == 0);
        }
        CHECK_RC(migcfg_parse(&g_p, t, len, NULL), MIGCFG_ERR_CAPACITY);
        CHECK(memcmp(&before, &g_p, sizeof before) == 0);

        migcfg_incoming_init(&inc);
        err_fill(&e);
        CHECK_RC(migcfg_incoming_add(&inc, t, len, &e), MIGCFG_ERR_CAPACITY);
        CHECK_U64(e.offset, MIGCFG_TEXT_MAX);
        CHECK_STR(e.message, long_text);
        CHECK(!migcfg_incoming_has_config(&inc));

        uint32_t id = 777;
        CHECK_RC(migcfg_param_lookup(t, len, &id), MIGCFG_ERR_INVALID_ARG);
        CHECK_RC(migcfg_cap_lookup(t, len, &id), MIGCFG_ERR_INVALID_ARG);
        CHECK_INT(id, 777);

        /* An enum value: the message quotes it up to its room, then "...". */
        err_fill(&e);
        CHECK_RC(migcfg_set_str(&g_p, P(MODE), t, len, &e), MIGCFG_ERR_VALUE);
        CHECK_U64(e.length, MIGCFG_ERROR_MAX - 1);
        CHECK_MEM(e.message, strlen(not_a_mode), not_a_mode);
        CHECK_MEM(e.message + MIGCFG_ERROR_MAX - 4, 3, "...");
        CHECK(e.message[MIGCFG_ERROR_MAX - 1] == 0);
        err_fill(&e);
        CHECK_RC(migcfg_set_str(&g_p, P(TLS_CREDS), t, len, &e), MIGCFG_ERR_CAPACITY);
        CHECK_STR(e.message, "Parameter 'tls-creds' does not fit: the strings of a table share 8192 bytes");
        CHECK(memcmp(&before, &g_p, sizeof before) == 0);

        /* Output: the buffer's claimed size is the caller's word; only the output is written. */
        static char out[1 << 16], want[1 << 16];
        size_t n = SENT_SZ, wn = SENT_SZ;
        CHECK_RC(migcfg_format_keyval(&g_p, want, sizeof want, &wn), MIGCFG_OK);
        memset(out, 'Z', sizeof out);
        CHECK_RC(migcfg_format_keyval(&g_p, out, len, &n), MIGCFG_OK);
        CHECK_U64(n, wn);
        CHECK_STR(out, "multifd-channels=9");
        CHECK(out[n + 1] == 'Z');
        n = SENT_SZ;
        CHECK_RC(migcfg_format_json_ex(&g_p, 0, out, len, &n), MIGCFG_OK);
        CHECK_STR(out, "{\"multifd-channels\": 9}");
        CHECK_RC(migcfg_help_write(NULL, 0, &wn), MIGCFG_ERR_NOSPACE);
        if (CHECK(wn < sizeof out)) {
            n = SENT_SZ;
            CHECK_RC(migcfg_help_write(out, len, &n), MIGCFG_OK);
            CHECK_U64(n, wn);
            CHECK_U64(strlen(out), n);
        }
    }
    munmap(map, room + pg);
}

/* Text that lies inside the table the call changes (a string read back from it), even in part:
 * refused before anything is read, the table unchanged; the same text copied out is taken. */
static void test_text_inside_the_table(void)
{
    static const char inside[] = "Text lies inside the storage it would change";
    static struct {
        char before[16];
        MigcfgParams p;
    } w;
    static MigcfgParams before;
    MigcfgParams *p = &w.p;
    MigcfgError e;
    const char *s;
    size_t n;
    char copy[64];
    migcfg_params_init(p);
    if (!EXPECT_OK(p, "tls-creds=creds0,tls-hostname=host.example,tls-authz=multifd-channels=5,mode=cpr-exec"))
        return;
    memcpy(&before, p, sizeof before);
    CHECK_RC(migcfg_get_str(p, P(TLS_AUTHZ), &s, &n), MIGCFG_OK);
    CHECK_MEM(s, n, "multifd-channels=5");
    for (uint32_t flags = 0; flags <= MIGCFG_PARSE_CAPABILITIES; flags++) {
        err_fill(&e);
        CHECK_RC(flags ? migcfg_parse_ex(p, s, n, flags, &e) : migcfg_parse(p, s, n, &e), MIGCFG_ERR_INVALID_ARG);
        CHECK_RC(e.code, MIGCFG_ERR_INVALID_ARG);
        CHECK_U64(e.offset, 0);
        CHECK_STR(e.message, inside);
        CHECK(memcmp(&before, p, sizeof before) == 0);
    }
    /* Partly inside: the text starts before the table and runs into it. */
    memset(w.before, 'x', sizeof w.before);
    CHECK_RC(migcfg_parse(p, w.before + 8, 16, NULL), MIGCFG_ERR_INVALID_ARG);
    CHECK_RC(migcfg_set_str(p, P(TLS_CREDS), w.before + 8, 9, NULL), MIGCFG_ERR_INVALID_ARG);
    /* Ends where the table starts: outside. */
    CHECK_RC(migcfg_set_str(p, P(TLS_CREDS), w.before + 8, 8, NULL), MIGCFG_OK);
    expect_str_at(__LINE__, p, P(TLS_CREDS), "xxxxxxxx");
    memcpy(p, &before, sizeof before);
    CHECK_RC(migcfg_get_str(p, P(TLS_AUTHZ), &s, &n), MIGCFG_OK);
    memcpy(copy, s, n);
    CHECK_RC(migcfg_parse(p, copy, n, NULL), MIGCFG_OK);
    expect_u64_at(__LINE__, p, P(MULTIFD_CHANNELS), 5);

    /* Setters: every string into every string parameter, and an enum by a name read back. */
    static const uint32_t ids[] = {P(TLS_CREDS), P(TLS_HOSTNAME), P(TLS_AUTHZ)};
    static const char *const vals[] = {"creds0", "host.example", "multifd-channels=5"};
    for (size_t from = 0; from < 3; from++) {
        for (size_t to = 0; to < 3; to++) {
            memcpy(p, &before, sizeof before);
            CHECK_RC(migcfg_get_str(p, ids[from], &s, &n), MIGCFG_OK);
            err_fill(&e);
            CHECK_RC(migcfg_set_str(p, ids[to], s, n, &e), MIGCFG_ERR_INVALID_ARG);
            CHECK_STR(e.message, inside);
            CHECK(memcmp(&before, p, sizeof before) == 0);
            memcpy(copy, s, n);
            CHECK_RC(migcfg_set_str(p, ids[to], copy, n, NULL), MIGCFG_OK);
            for (size_t k = 0; k < 3; k++)
                expect_str_at(__LINE__, p, ids[k], vals[k == to ? from : k]);
        }
    }
    memcpy(p, &before, sizeof before);
    CHECK_RC(migcfg_get_str(p, P(MODE), &s, &n), MIGCFG_OK);
    if (CHECK(s < (const char *)p || s >= (const char *)(p + 1))) /* enum names are static */
        CHECK_RC(migcfg_set_str(p, P(MODE), s, n, NULL), MIGCFG_OK);
    /* Nothing is read from an empty text, wherever it points. */
    CHECK_RC(migcfg_get_str(p, P(TLS_HOSTNAME), &s, &n), MIGCFG_OK);
    CHECK_RC(migcfg_set_str(p, P(TLS_CREDS), s, 0, NULL), MIGCFG_OK);
    expect_str_at(__LINE__, p, P(TLS_CREDS), "");
    CHECK_RC(migcfg_parse(p, s, 0, NULL), MIGCFG_OK);
}

/* Any bytes are a valid table: one never initialised (random bytes, or random small numbers in
 * its header words) makes no function crash or hang, and every string it hands out lies inside
 * it. A parse or setter either fails or leaves a table that reads back consistently. */
static uint64_t rng_state;
static uint64_t rng(void)
{
    return h_rng(&rng_state);
}

static const MigcfgParams *walked;
static long walk_items;
static int32_t any_bytes_visit(void *opaque, uint32_t id, const MigcfgValue *v)
{
    (void)opaque;
    (void)id;
    walk_items++;
    bool ok = true;
    if (v->type == MIGCFG_TYPE_STR)
        ok = H_INSIDE(v->s, v->len, walked);
    else if (v->type == MIGCFG_TYPE_ENUM) /* a static name */
        ok = v->s != NULL && !H_INSIDE(v->s, v->len, walked);
    else if (v->type == MIGCFG_TYPE_STR_LIST)
        for (size_t i = 0; i < v->count; i++)
            ok = ok && H_INSIDE(v->items[i].s, v->items[i].len, walked);
    else if (v->type == MIGCFG_TYPE_BITMAP_MAPPING) {
        for (size_t i = 0; i < v->count; i++)
            ok = ok && H_INSIDE(v->nodes[i].node_name, v->nodes[i].node_name_len, walked) &&
                 H_INSIDE(v->nodes[i].alias, v->nodes[i].alias_len, walked);
        for (size_t i = 0; i < v->nbitmaps; i++)
            ok = ok && H_INSIDE(v->bitmaps[i].name, v->bitmaps[i].name_len, walked) &&
                 H_INSIDE(v->bitmaps[i].alias, v->bitmaps[i].alias_len, walked);
    }
    CHECK(ok);
    return 0;
}

static void read_everything(const MigcfgParams *p)
{
    static char out[1 << 16];
    size_t n;
    for (uint32_t id = 0; id <= MIGCFG_PARAM__COUNT; id++) {
        uint64_t u;
        bool b;
        const char *s = NULL;
        size_t len = 0, count = 0;
        (void)migcfg_is_set(p, id);
        (void)migcfg_get_u64(p, id, &u);
        (void)migcfg_get_bool(p, id, &b);
        bool is_enum = id == P(MULTIFD_COMPRESSION) || id == P(MODE) || id == P(ZERO_PAGE_DETECTION);
        if (migcfg_get_str(p, id, &s, &len) == MIGCFG_OK && !is_enum) /* enum names are static */
            CHECK(H_INSIDE(s, len, p));
        if (migcfg_get_list_len(p, id, &count) == MIGCFG_OK)
            for (size_t i = 0; i <= count && i <= MIGCFG_EXEC_COMMAND_CAPACITY; i++)
                if (migcfg_get_list_str(p, id, i, &s, &len) == MIGCFG_OK)
                    CHECK(H_INSIDE(s, len, p));
    }
    for (size_t i = 0; i <= MIGCFG_BITMAP_NODE_CAPACITY; i++) {
        MigcfgBitmapNode node;
        if (migcfg_get_bitmap_node(p, i, &node) == MIGCFG_OK) {
            CHECK(H_INSIDE(node.node_name, node.node_name_len, p) && H_INSIDE(node.alias, node.alias_len, p));
            for (size_t j = 0; j <= node.bitmaps && j <= MIGCFG_BITMAP_CAPACITY; j++) {
                MigcfgBitmapAlias bm;
                if (migcfg_get_bitmap(p, i, j, &bm) == MIGCFG_OK)
                    CHECK(H_INSIDE(bm.name, bm.name_len, p) && H_INSIDE(bm.alias, bm.alias_len, p));
            }
        }
    }
    uint64_t on, set;
    (void)migcfg_get_caps(p, &on, &set);
    (void)migcfg_params_page_size(p);
    for (uint32_t f = 0; f <= (MIGCFG_FORMAT_ALL | MIGCFG_FORMAT_CAPABILITIES); f++) {
        int32_t rc = migcfg_format_json_ex(p, f, out, sizeof out, &n);
        CHECK(rc == MIGCFG_OK || rc == MIGCFG_ERR_NOSPACE);
        rc = migcfg_format_keyval_ex(p, f, out, sizeof out, &n);
        CHECK(rc == MIGCFG_OK || rc == MIGCFG_ERR_NOSPACE || rc == MIGCFG_ERR_UNREPRESENTABLE);
    }
    (void)migcfg_format_caps_json(p, out, sizeof out, &n);
    walked = p;
    (void)migcfg_params_foreach_set(p, any_bytes_visit, NULL);
    MigcfgError e;
    (void)migcfg_params_check(p, NULL, &e);
    (void)migcfg_params_check(p, p, &e);
}

static void test_any_bytes(void)
{
    h_watch("test_any_bytes", 120); /* it takes well under a second */
    static MigcfgParams p, q, before;
    static const char *const texts[] = {
        "multifd-channels=4",
        "tls-creds=abc,cpr-exec-command.0=x,cpr-exec-command.1=yy",
        "{\"block-bitmap-mapping\": [{\"node-name\": \"n\", \"alias\": \"a\", \"bitmaps\": [{\"name\": \"b\", \"alias\": \"c\"}]}]}",
        "tls-hostname=,tls-authz=z,mode=cpr-exec",
    };
    rng_state = 0x9E3779B97F4A7C15ULL;
    walk_items = 0;
    for (int round = 0; round < 400; round++) {
        h_fill_random(&p, sizeof p, &rng_state);
        if (round % 3 == 1) {
            /* Header words small and plausible, so the arena and lists are walked deeply. */
            uint64_t *w = (uint64_t *)&p;
            for (size_t i = 3; i < 80; i++)
                w[i] = rng() % 3 ? (rng() & 0x1FFF) | ((rng() & 0x3F) << 16) : rng() % 70;
        } else if (round % 3 == 2) {
            /* A full table with some bytes, or 32-bit words, replaced by small numbers. */
            migcfg_params_init(&p);
            CHECK_RC(migcfg_parse(&p, texts[1], strlen(texts[1]), NULL), MIGCFG_OK);
            CHECK_RC(migcfg_parse(&p, texts[2], strlen(texts[2]), NULL), MIGCFG_OK);
            h_scribble(&p, sizeof p, 1 + round % 64, 9000, &rng_state);
        }
        read_everything(&p);
        for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
            memcpy(&q, &p, sizeof q);
            memcpy(&before, &p, sizeof before);
            int32_t rc = migcfg_parse_ex(&q, texts[t], strlen(texts[t]), (uint32_t)round & 3u, NULL);
            if (rc == MIGCFG_OK)
                read_everything(&q);
            else
                CHECK(memcmp(&q, &before, sizeof q) == 0);
        }
        memcpy(&q, &p, sizeof q);
        if (migcfg_set_str(&q, P(TLS_AUTHZ), "authz0", 6, NULL) == MIGCFG_OK) {
            expect_str_at(__LINE__, &q, P(TLS_AUTHZ), "authz0");
            read_everything(&q);
        }
        (void)migcfg_set_u64(&q, P(MULTIFD_CHANNELS), 3, NULL);
        (void)migcfg_set_cap(&q, 10, true);
        (void)migcfg_params_target(&q, 9, 2);
        read_everything(&q);
    }
    CHECK(walk_items > 0);
    alarm(0);
}

/* A NUL byte inside the text is a syntax error at its offset. */
static void test_nul_in_text(void)
{
    static const struct {
        int line;
        const char *text;
        size_t len;
        long offset;
    } cases[] = {
        {__LINE__, "tls-creds=a\0b", 13, 11},
        {__LINE__, "\0", 1, 0},
        {__LINE__, "multifd\0-channels=4", 19, 7},
        {__LINE__, "multifd-channels=4\0", 19, 18},
        {__LINE__, "multifd-channels=4,\0", 20, 19},
        {__LINE__, "tls-creds=a,,\0", 14, 13},
        {__LINE__, "mode=normal,tls-creds=\0x,foo=1", 30, 22},
        {__LINE__, "foo=1,\0", 7, 6},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        migcfg_params_init(&g_p);
        expect_err_at(cases[i].line, &g_p, cases[i].text, cases[i].len, 0, MIGCFG_ERR_SYNTAX,
                      cases[i].offset, NULL);
        EXPECT_OK(&g_p, "tls-creds=keep");
        expect_err_at(cases[i].line, &g_p, cases[i].text, cases[i].len, MIGCFG_PARSE_CAPABILITIES,
                      MIGCFG_ERR_SYNTAX, cases[i].offset, NULL);
    }
    /* and in names given to the lookups and setters */
    uint32_t id = 777;
    CHECK_RC(migcfg_param_lookup("mo\0de", 5, &id), MIGCFG_ERR_INVALID_ARG);
    CHECK_INT(id, 777);
    /* JSON */
    migcfg_params_init(&g_p);
    expect_err_at(__LINE__, &g_p, "{\"tls-creds\": \"a\0b\"}", 20, 0, MIGCFG_ERR_SYNTAX, 16, NULL);
}

/* ---------------------------------------------------------------------------------------- */
/* Bad ids, getters of the wrong type, list accessors. */

static void test_ids_and_types(void)
{
    migcfg_params_init(&g_p);
    EXPECT_OK(&g_p, "multifd-channels=4,direct-io=on,tls-creds=abc,mode=cpr-transfer,cpr-exec-command.0=a");
    static const uint32_t bad_ids[] = {MIGCFG_PARAM__COUNT, MIGCFG_PARAM__COUNT + 1, 100,
                                       MIGCFG_CAP_ID_BASE, MIGCFG_CAP_ID_BASE + 10, 0x80000000u, UINT32_MAX};
    for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
        uint32_t id = bad_ids[i];
        uint64_t u = SENT_U64;
        bool b = true;
        const char *sp = SENT_PTR;
        size_t n = SENT_SZ;
        MigcfgError e;
        CHECK(!migcfg_is_set(&g_p, id));
        CHECK_RC(migcfg_get_u64(&g_p, id, &u), MIGCFG_ERR_INVALID_ARG);
        CHECK_RC(migcfg_get_bool(&g_p, id, &b), MIGCFG_ERR_INVALID_ARG);
        CHECK_RC(migcfg_get_str(&g_p, id, &sp, &n), MIGCFG_ERR_INVALID_ARG);
        CHECK_RC(migcfg_get_list_len(&g_p, id, &n), MIGCFG_ERR_INVALID_ARG);
        CHECK_RC(migcfg_get_list_str(&g_p, id, 0, &sp, &n), MIGCFG_ERR_INVALID_ARG);
        CHECK(u == SENT_U64 && b && sp == SENT_PTR && n == SENT_SZ);
        CHECK(migcfg_param_name(id) == NULL);
        memcpy(&g_q, &g_p, sizeof g_q);
        err_fill(&e);
        CHECK_RC(migcfg_set_u64(&g_p, id, 1, &e), MIGCFG_ERR_INVALID_ARG);
        CHECK_RC(e.code, MIGCFG_ERR_INVALID_ARG);
        CHECK(msg_terminated(&e));
        err_fill(&e);
        CHECK_RC(migcfg_set_bool(&g_p, id, true, &e), MIGCFG_ERR_INVALID_ARG);
        CHECK_RC(e.code, MIGCFG_ERR_INVALID_ARG);
        err_fill(&e);
        CHECK_RC(migcfg_set_str(&g_p, id, "x", 1, &e), MIGCFG_ERR_INVALID_ARG);
        CHECK_RC(e.code, MIGCFG_ERR_INVALID_ARG);
        CHECK_RC(migcfg_set_cap(&g_p, id, true), MIGCFG_ERR_INVALID_ARG);
        CHECK(memcmp(&g_q, &g_p, sizeof g_q) == 0);
    }
    CHECK_RC(migcfg_set_cap(&g_p, MIGCFG_CAP_COUNT, true), MIGCFG_ERR_INVALID_ARG);

    /* Every getter of another type than the parameter's: INVALID_ARG, out-param untouched. */
    for (uint32_t id = 0; id < MIGCFG_PARAM__COUNT; id++) {
        char k = PARAMS[id].kind;
        uint64_t u = SENT_U64;
        bool b = true;
        const char *sp = SENT_PTR;
        size_t n = SENT_SZ;
        int32_t rc;
        rc = migcfg_get_u64(&g_p, id, &u);
        if (k != K_U) {
            CHECK_RC(rc, MIGCFG_ERR_INVALID_ARG);
            CHECK_U64(u, SENT_U64);
        } else {
            CHECK_RC(rc, MIGCFG_OK);
        }
        rc = migcfg_get_bool(&g_p, id, &b);
        if (k != K_B) {
            CHECK_RC(rc, MIGCFG_ERR_INVALID_ARG);
            CHECK(b == true);
        } else {
            CHECK_RC(rc, MIGCFG_OK);
        }
        rc = migcfg_get_str(&g_p, id, &sp, &n);
        if (k != K_S && k != K_E) {
            CHECK_RC(rc, MIGCFG_ERR_INVALID_ARG);
            CHECK(sp == SENT_PTR && n == SENT_SZ);
        } else {
            CHECK_RC(rc, MIGCFG_OK);
        }
        n = SENT_SZ;
        rc = migcfg_get_list_len(&g_p, id, &n);
        if (k != K_L && k != K_M) {
            CHECK_RC(rc, MIGCFG_ERR_INVALID_ARG);
            CHECK(n == SENT_SZ);
        } else {
            CHECK_RC(rc, MIGCFG_OK);
        }
        sp = SENT_PTR;
        n = SENT_SZ;
        rc = migcfg_get_list_str(&g_p, id, 0, &sp, &n);
        if (k != K_L) {
            CHECK_RC(rc, MIGCFG_ERR_INVALID_ARG);
            CHECK(sp == SENT_PTR && n == SENT_SZ);
        } else {
            CHECK_RC(rc, MIGCFG_OK);
        }
    }
    expect_str_at(__LINE__, &g_p, P(MODE), "cpr-transfer"); /* get_str on an enum: its name */
}

static void test_lists(void)
{
    const char *sp;
    size_t n;
    migcfg_params_init(&g_p);
    EXPECT_OK(&g_p, "cpr-exec-command.0=a,cpr-exec-command.1=b");
    n = SENT_SZ;
    CHECK_RC(migcfg_get_list_len(&g_p, P(CPR_EXEC_COMMAND), &n), MIGCFG_OK);
    CHECK_U64(n, 2);
    static const char *const want[] = {"a", "b"};
    for (size_t i = 0; i < 2; i++) {
        sp = SENT_PTR;
        n = SENT_SZ;
        CHECK_RC(migcfg_get_list_str(&g_p, P(CPR_EXEC_COMMAND), i, &sp, &n), MIGCFG_OK);
        CHECK_MEM(sp, n, want[i]);
    }
    sp = SENT_PTR;
    n = SENT_SZ;
    CHECK_RC(migcfg_get_list_str(&g_p, P(CPR_EXEC_COMMAND), 2, &sp, &n), MIGCFG_ERR_INVALID_ARG);
    CHECK_RC(migcfg_get_list_str(&g_p, P(CPR_EXEC_COMMAND), SIZE_MAX, &sp, &n), MIGCFG_ERR_INVALID_ARG);
    CHECK(sp == SENT_PTR && n == SENT_SZ);
    n = SENT_SZ;
    CHECK_RC(migcfg_get_list_len(&g_p, P(BLOCK_BITMAP_MAPPING), &n), MIGCFG_OK);
    CHECK_U64(n, 0);

    /* Elements with escaped commas, an empty element, 64 elements (the capacity). */
    migcfg_params_init(&g_p);
    EXPECT_OK(&g_p, "cpr-exec-command.0=,cpr-exec-command.1=a,,b,cpr-exec-command.2=-incoming");
    static const char *const want2[] = {"", "a,b", "-incoming"};
    for (size_t i = 0; i < 3; i++) {
        sp = SENT_PTR;
        n = SENT_SZ;
        CHECK_RC(migcfg_get_list_str(&g_p, P(CPR_EXEC_COMMAND), i, &sp, &n), MIGCFG_OK);
        CHECK_MEM(sp, n, want2[i]);
    }
    static char text[64 * 32];
    size_t o = 0;
    for (int i = MIGCFG_EXEC_COMMAND_CAPACITY - 1; i >= 0; i--)
        o += (size_t)snprintf(text + o, sizeof text - o, "%scpr-exec-command.%d=arg%d", o ? "," : "", i, i);
    migcfg_params_init(&g_p);
    if (expect_ok_at(__LINE__, &g_p, text, o, 0)) {
        n = SENT_SZ;
        CHECK_RC(migcfg_get_list_len(&g_p, P(CPR_EXEC_COMMAND), &n), MIGCFG_OK);
        CHECK_U64(n, MIGCFG_EXEC_COMMAND_CAPACITY);
        char w[16];
        snprintf(w, sizeof w, "arg%d", MIGCFG_EXEC_COMMAND_CAPACITY - 1);
        sp = SENT_PTR;
        n = SENT_SZ;
        CHECK_RC(migcfg_get_list_str(&g_p, P(CPR_EXEC_COMMAND), MIGCFG_EXEC_COMMAND_CAPACITY - 1, &sp, &n), MIGCFG_OK);
        CHECK_MEM(sp, n, w);
    }
    /* one more element than the capacity (QEMU would accept it) */
    o += (size_t)snprintf(text + o, sizeof text - o, ",cpr-exec-command.%d=x", MIGCFG_EXEC_COMMAND_CAPACITY);
    migcfg_params_init(&g_p);
    expect_err_at(__LINE__, &g_p, text, o, 0, MIGCFG_ERR_CAPACITY, -1, NULL);

    /* block-bitmap-mapping: node and bitmap accessors. */
    migcfg_params_init(&g_p);
    EXPECT_OK(&g_p, "block-bitmap-mapping.0.node-name=drive0,block-bitmap-mapping.0.alias=node0,"
                    "block-bitmap-mapping.0.bitmaps.0.name=bitmap0,block-bitmap-mapping.0.bitmaps.0.alias=bm0,"
                    "block-bitmap-mapping.0.bitmaps.0.transform.persistent=on");
    n = SENT_SZ;
    CHECK_RC(migcfg_get_list_len(&g_p, P(BLOCK_BITMAP_MAPPING), &n), MIGCFG_OK);
    CHECK_U64(n, 1);
    CHECK(migcfg_is_set(&g_p, P(BLOCK_BITMAP_MAPPING)));
    MigcfgBitmapNode node;
    memset(&node, 0x5A, sizeof node);
    if (CHECK_RC(migcfg_get_bitmap_node(&g_p, 0, &node), MIGCFG_OK)) {
        CHECK_MEM(node.node_name, node.node_name_len, "drive0");
        CHECK_MEM(node.alias, node.alias_len, "node0");
        CHECK_U64(node.bitmaps, 1);
    }
    MigcfgBitmapAlias bm;
    memset(&bm, 0x5A, sizeof bm);
    if (CHECK_RC(migcfg_get_bitmap(&g_p, 0, 0, &bm), MIGCFG_OK)) {
        CHECK_MEM(bm.name, bm.name_len, "bitmap0");
        CHECK_MEM(bm.alias, bm.alias_len, "bm0");
        CHECK_INT(bm.persistent, 2);
    }
    memset(&node, 0x5A, sizeof node);
    memset(&bm, 0x5A, sizeof bm);
    CHECK_RC(migcfg_get_bitmap_node(&g_p, 1, &node), MIGCFG_ERR_INVALID_ARG);
    CHECK_RC(migcfg_get_bitmap(&g_p, 0, 1, &bm), MIGCFG_ERR_INVALID_ARG);
    CHECK_RC(migcfg_get_bitmap(&g_p, 1, 0, &bm), MIGCFG_ERR_INVALID_ARG);
    CHECK_RC(migcfg_get_bitmap(&g_p, SIZE_MAX, SIZE_MAX, &bm), MIGCFG_ERR_INVALID_ARG);
    CHECK(node.bitmaps == SENT_SZ && bm.name_len == SENT_SZ);

    /* Two nodes, persistent off / no transform / transform without persistent. */
    migcfg_params_init(&g_p);
    EXPECT_OK(&g_p, "block-bitmap-mapping.0.node-name=n0,block-bitmap-mapping.0.alias=a0,"
                    "block-bitmap-mapping.0.bitmaps.0.name=b0,block-bitmap-mapping.0.bitmaps.0.alias=x0,"
                    "block-bitmap-mapping.0.bitmaps.0.transform.persistent=off,"
                    "block-bitmap-mapping.0.bitmaps.1.name=b1,block-bitmap-mapping.0.bitmaps.1.alias=x1,"
                    "block-bitmap-mapping.1.node-name=n1,block-bitmap-mapping.1.alias=a1,"
                    "block-bitmap-mapping.1.bitmaps.0.name=b2,block-bitmap-mapping.1.bitmaps.0.alias=x2");
    n = SENT_SZ;
    CHECK_RC(migcfg_get_list_len(&g_p, P(BLOCK_BITMAP_MAPPING), &n), MIGCFG_OK);
    CHECK_U64(n, 2);
    if (CHECK_RC(migcfg_get_bitmap_node(&g_p, 1, &node), MIGCFG_OK)) {
        CHECK_MEM(node.node_name, node.node_name_len, "n1");
        CHECK_MEM(node.alias, node.alias_len, "a1");
        CHECK_U64(node.bitmaps, 1);
    }
    if (CHECK_RC(migcfg_get_bitmap_node(&g_p, 0, &node), MIGCFG_OK))
        CHECK_U64(node.bitmaps, 2);
    if (CHECK_RC(migcfg_get_bitmap(&g_p, 0, 0, &bm), MIGCFG_OK))
        CHECK_INT(bm.persistent, 1);
    if (CHECK_RC(migcfg_get_bitmap(&g_p, 0, 1, &bm), MIGCFG_OK)) {
        CHECK_MEM(bm.name, bm.name_len, "b1");
        CHECK_INT(bm.persistent, -1);
    }
    if (CHECK_RC(migcfg_get_bitmap(&g_p, 1, 0, &bm), MIGCFG_OK)) {
        CHECK_MEM(bm.name, bm.name_len, "b2");
        CHECK_MEM(bm.alias, bm.alias_len, "x2");
    }
    /* A mapping check: the same node twice. */
    migcfg_params_init(&g_p);
    expect_err_at(__LINE__, &g_p,
                  "block-bitmap-mapping.0.node-name=drive0,block-bitmap-mapping.0.alias=node0,"
                  "block-bitmap-mapping.0.bitmaps.0.name=b,block-bitmap-mapping.0.bitmaps.0.alias=c,"
                  "block-bitmap-mapping.1.node-name=drive0,block-bitmap-mapping.1.alias=node1,"
                  "block-bitmap-mapping.1.bitmaps.0.name=b,block-bitmap-mapping.1.bitmaps.0.alias=c",
                  strlen("block-bitmap-mapping.0.node-name=drive0,block-bitmap-mapping.0.alias=node0,"
                         "block-bitmap-mapping.0.bitmaps.0.name=b,block-bitmap-mapping.0.bitmaps.0.alias=c,"
                         "block-bitmap-mapping.1.node-name=drive0,block-bitmap-mapping.1.alias=node1,"
                         "block-bitmap-mapping.1.bitmaps.0.name=b,block-bitmap-mapping.1.bitmaps.0.alias=c"),
                  0, MIGCFG_ERR_CHECK, -1,
                  "Invalid mapping given for block-bitmap-mapping: The node name 'drive0' is mapped twice");
}

/* ---------------------------------------------------------------------------------------- */
/* Formatters. */

typedef int32_t (*FmtFn)(const MigcfgParams *, char *, size_t, size_t *);

static int32_t fmt_json_all(const MigcfgParams *p, char *b, size_t c, size_t *l)
{
    return migcfg_format_json_ex(p, MIGCFG_FORMAT_ALL, b, c, l);
}
static int32_t fmt_keyval_all(const MigcfgParams *p, char *b, size_t c, size_t *l)
{
    return migcfg_format_keyval_ex(p, MIGCFG_FORMAT_ALL, b, c, l);
}
static int32_t fmt_json_ex0(const MigcfgParams *p, char *b, size_t c, size_t *l)
{
    return migcfg_format_json_ex(p, 0, b, c, l);
}
static int32_t fmt_keyval_ex0(const MigcfgParams *p, char *b, size_t c, size_t *l)
{
    return migcfg_format_keyval_ex(p, 0, b, c, l);
}

/* Format p with f into out (cap bytes); returns the status. */
static int32_t fmt_into(FmtFn f, const MigcfgParams *p, char *out, size_t cap, size_t *len)
{
    *len = SENT_SZ;
    return f(p, out, cap, len);
}

/*
 * The buffer rules of a formatter whose full output is `want`: size query, cap == needed
 * (NOSPACE, untouched), cap == needed + 1 (OK, NUL-terminated, nothing past it written).
 */
static void expect_format_at(int line, const char *what, FmtFn f, const MigcfgParams *p, const char *want)
{
    static char buf[65536];
    size_t need = strlen(want), len = SENT_SZ;
    char g[400], w[400];

    int32_t rc = f(p, NULL, 0, &len);
    h_result(__FILE__, line, rc == MIGCFG_ERR_NOSPACE && len == need,
             "%s size query: rc %d, len %zu, expected NOSPACE and %zu", what, rc, len, need);
    if (rc != MIGCFG_ERR_NOSPACE || len != need) {
        /* still show what it wrote */
        memset(buf, 0, sizeof buf);
        len = SENT_SZ;
        rc = f(p, buf, sizeof buf - 1, &len);
        h_result(__FILE__, line, false, "%s: rc %d, output %s, expected %s", what, rc,
                 h_show(g, sizeof g, buf, strnlen(buf, sizeof buf)), h_show(w, sizeof w, want, need));
        return;
    }
    for (size_t cap = 0; cap <= need; cap += (need > 40 && cap + 1 < need - 2 && cap > 2) ? need / 7 : 1) {
        memset(buf, 0x5A, need + 16);
        len = SENT_SZ;
        rc = f(p, buf, cap, &len);
        bool untouched = true;
        for (size_t i = 0; i < need + 16; i++)
            untouched &= (unsigned char)buf[i] == 0x5A;
        h_result(__FILE__, line, rc == MIGCFG_ERR_NOSPACE && len == need && untouched,
                 "%s cap %zu of %zu: rc %d, len %zu, buffer %s", what, cap, need, rc, len,
                 untouched ? "untouched" : "written");
        if (cap == need)
            break;
        if (cap + need / 7 > need && cap < need) {
            cap = need - 1; /* make sure cap == need is tried */
        }
    }
    memset(buf, 0x5A, need + 16);
    len = SENT_SZ;
    rc = f(p, buf, need + 1, &len);
    bool tail = true;
    for (size_t i = need + 1; i < need + 16; i++)
        tail &= (unsigned char)buf[i] == 0x5A;
    h_result(__FILE__, line, rc == MIGCFG_OK && len == need && buf[need] == 0 && memcmp(buf, want, need) == 0 && tail,
             "%s cap needed+1: rc %d, len %zu (want %zu), output %s, expected %s%s", what, rc, len, need,
             h_show(g, sizeof g, buf, need), h_show(w, sizeof w, want, need), tail ? "" : ", wrote past cap");
    memset(buf, 0x5A, need + 16);
    len = SENT_SZ;
    rc = f(p, buf, need + 10, &len);
    h_result(__FILE__, line, rc == MIGCFG_OK && len == need && buf[need] == 0 && memcmp(buf, want, need) == 0,
             "%s big buffer: rc %d, len %zu", what, rc, len);
}

static void test_formatters(void)
{
    migcfg_params_init(&g_p);
    EXPECT_OK(&g_p, "mode=cpr-transfer,multifd-channels=4");
    expect_format_at(__LINE__, "json", migcfg_format_json, &g_p, "{\"multifd-channels\": 4, \"mode\": \"cpr-transfer\"}");
    expect_format_at(__LINE__, "json_ex", fmt_json_ex0, &g_p, "{\"multifd-channels\": 4, \"mode\": \"cpr-transfer\"}");
    expect_format_at(__LINE__, "keyval", migcfg_format_keyval, &g_p, "multifd-channels=4,mode=cpr-transfer");
    expect_format_at(__LINE__, "keyval_ex", fmt_keyval_ex0, &g_p, "multifd-channels=4,mode=cpr-transfer");

    migcfg_params_init(&g_p);
    expect_format_at(__LINE__, "json", migcfg_format_json, &g_p, "{}");
    expect_format_at(__LINE__, "keyval", migcfg_format_keyval, &g_p, "");
    expect_format_at(__LINE__, "caps", migcfg_format_caps_json, &g_p, "{\"capabilities\": []}");

    static const struct {
        int line;
        const char *text, *json, *keyval;
    } cases[] = {
        {__LINE__, "tls-hostname=my,,host,cpr-exec-command.0=a,cpr-exec-command.1=b,direct-io=on,max-bandwidth=1K",
         "{\"tls-hostname\": \"my,host\", \"max-bandwidth\": 1024, \"direct-io\": true, \"cpr-exec-command\": [\"a\", \"b\"]}",
         "tls-hostname=my,,host,max-bandwidth=1024,direct-io=on,cpr-exec-command.0=a,cpr-exec-command.1=b"},
        {__LINE__, "local=off,cpu-throttle-tailslow=on,x-checkpoint-delay=0x10,downtime-limit=010",
         "{\"cpu-throttle-tailslow\": true, \"downtime-limit\": 8, \"x-checkpoint-delay\": 16, \"local\": false}",
         "cpu-throttle-tailslow=on,downtime-limit=8,x-checkpoint-delay=16,local=off"},
        {__LINE__, "max-bandwidth=18446744073709551615,tls-creds=",
         "{\"tls-creds\": \"\", \"max-bandwidth\": 18446744073709551615}",
         "tls-creds=,max-bandwidth=18446744073709551615"},
        {__LINE__, "block-bitmap-mapping.0.node-name=drive0,block-bitmap-mapping.0.alias=node0,block-bitmap-mapping.0.bitmaps.0.name=bitmap0,block-bitmap-mapping.0.bitmaps.0.alias=bm0,block-bitmap-mapping.0.bitmaps.0.transform.persistent=on",
         "{\"block-bitmap-mapping\": [{\"node-name\": \"drive0\", \"alias\": \"node0\", \"bitmaps\": [{\"name\": \"bitmap0\", \"alias\": \"bm0\", \"transform\": {\"persistent\": true}}]}]}",
         "block-bitmap-mapping.0.node-name=drive0,block-bitmap-mapping.0.alias=node0,block-bitmap-mapping.0.bitmaps.0.name=bitmap0,block-bitmap-mapping.0.bitmaps.0.alias=bm0,block-bitmap-mapping.0.bitmaps.0.transform.persistent=on"},
        {__LINE__, "tls-hostname=h\xc3\xa9,tls-creds=\xe6\x97\xa5\xe6\x9c\xac",
         "{\"tls-creds\": \"\\u65E5\\u672C\", \"tls-hostname\": \"h\\u00E9\"}",
         "tls-creds=\xe6\x97\xa5\xe6\x9c\xac,tls-hostname=h\xc3\xa9"},
        {__LINE__, "tls-creds=a\"b\\c\td\ne/f\x7f\x01",
         "{\"tls-creds\": \"a\\\"b\\\\c\\td\\ne/f\\u007F\\u0001\"}",
         "tls-creds=a\"b\\c\td\ne/f\x7f\x01"},
        {__LINE__, "tls-authz=\xf0\x9f\x98\x80",
         "{\"tls-authz\": \"\\uD83D\\uDE00\"}",
         "tls-authz=\xf0\x9f\x98\x80"},
        {__LINE__, "tls-creds=\xff\xfe",
         "{\"tls-creds\": \"\\uFFFD\\uFFFD\"}",
         "tls-creds=\xff\xfe"},
        {__LINE__, "mode=cpr-exec,zero-page-detection=none,multifd-compression=zstd",
         "{\"multifd-compression\": \"zstd\", \"mode\": \"cpr-exec\", \"zero-page-detection\": \"none\"}",
         "multifd-compression=zstd,mode=cpr-exec,zero-page-detection=none"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        migcfg_params_init(&g_p);
        if (!expect_ok_at(cases[i].line, &g_p, cases[i].text, strlen(cases[i].text), 0))
            continue;
        expect_format_at(cases[i].line, "json", migcfg_format_json, &g_p, cases[i].json);
        expect_format_at(cases[i].line, "keyval", migcfg_format_keyval, &g_p, cases[i].keyval);
    }

    /* Keyval round trip: format, parse into a fresh table, format again: the same text
     * (and the same JSON, and the same values). */
    static const char *const rt[] = {
        "mode=cpr-transfer,multifd-channels=4",
        "tls-creds=a,,b,tls-hostname=,tls-authz=x=y,,,,",
        "cpr-exec-command.0=qemu,cpr-exec-command.1=-incoming,cpr-exec-command.2=a,,b,cpr-exec-command.3=",
        "block-bitmap-mapping.0.node-name=n0,block-bitmap-mapping.0.alias=a0,"
        "block-bitmap-mapping.0.bitmaps.0.name=b0,block-bitmap-mapping.0.bitmaps.0.alias=x0,"
        "block-bitmap-mapping.0.bitmaps.0.transform.persistent=off,"
        "block-bitmap-mapping.0.bitmaps.1.name=b,,1,block-bitmap-mapping.0.bitmaps.1.alias=x1,"
        "block-bitmap-mapping.1.node-name=n1,block-bitmap-mapping.1.alias=a1,"
        "block-bitmap-mapping.1.bitmaps.0.name=b2,block-bitmap-mapping.1.bitmaps.0.alias=x2",
        "max-bandwidth=1.5G,xbzrle-cache-size=8192,announce-initial=0,avail-switchover-bandwidth=0x10",
        "direct-io=off,local=on,cpu-throttle-tailslow=yes",
        "tls-creds=\xff\xfe\x01,tls-hostname=h\xc3\xa9",
        "announce-initial=1,announce-max=2,announce-rounds=3,announce-step=4,throttle-trigger-threshold=5,"
        "cpu-throttle-initial=6,cpu-throttle-increment=7,cpu-throttle-tailslow=on,tls-creds=c,tls-hostname=h,"
        "tls-authz=a,max-bandwidth=8,avail-switchover-bandwidth=9,downtime-limit=10,x-checkpoint-delay=11,"
        "multifd-channels=12,xbzrle-cache-size=16384,max-postcopy-bandwidth=13,max-cpu-throttle=14,"
        "multifd-compression=zlib,multifd-zlib-level=2,multifd-qatzip-level=3,multifd-zstd-level=4,"
        "block-bitmap-mapping.0.node-name=n,block-bitmap-mapping.0.alias=a,"
        "block-bitmap-mapping.0.bitmaps.0.name=b,block-bitmap-mapping.0.bitmaps.0.alias=c,"
        "x-vcpu-dirty-limit-period=15,vcpu-dirty-limit=16,mode=cpr-reboot,zero-page-detection=legacy,"
        "direct-io=on,x-rdma-chunk-size=2097152,cpr-exec-command.0=x,local=on",
    };
    static char k1[16384], k2[16384], j1[16384], j2[16384];
    for (size_t i = 0; i < sizeof rt / sizeof rt[0]; i++) {
        size_t l1, l2, lj1, lj2;
        migcfg_params_init(&g_p);
        if (!expect_ok_at(__LINE__, &g_p, rt[i], strlen(rt[i]), 0))
            continue;
        if (!CHECK_RC(fmt_into(migcfg_format_keyval, &g_p, k1, sizeof k1, &l1), MIGCFG_OK))
            continue;
        CHECK_RC(fmt_into(migcfg_format_json, &g_p, j1, sizeof j1, &lj1), MIGCFG_OK);
        migcfg_params_init(&g_q);
        if (!expect_ok_at(__LINE__, &g_q, k1, l1, 0))
            continue;
        CHECK_RC(fmt_into(migcfg_format_keyval, &g_q, k2, sizeof k2, &l2), MIGCFG_OK);
        CHECK_MEM(k2, l2, k1);
        CHECK_RC(fmt_into(migcfg_format_json, &g_q, j2, sizeof j2, &lj2), MIGCFG_OK);
        CHECK_MEM(j2, lj2, j1);
        for (uint32_t id = 0; id < MIGCFG_PARAM__COUNT; id++)
            CHECK(migcfg_is_set(&g_p, id) == migcfg_is_set(&g_q, id));
        if (i == sizeof rt / sizeof rt[0] - 1)
            for (uint32_t id = 0; id < MIGCFG_PARAM__COUNT; id++)
                h_result(__FILE__, __LINE__, migcfg_is_set(&g_q, id), "%s not set after the full round trip",
                         PARAMS[id].name);
    }

    /* MIGCFG_FORMAT_ALL lists every parameter, in schema order, with its effective value. */
    static char all[16384];
    size_t la = 0;
    migcfg_params_init(&g_p);
    EXPECT_OK(&g_p, "multifd-channels=4");
    if (CHECK_RC(fmt_into(fmt_json_all, &g_p, all, sizeof all, &la), MIGCFG_OK)) {
        const char *prev = all;
        for (uint32_t id = 0; id < MIGCFG_PARAM__COUNT; id++) {
            char key[64];
            snprintf(key, sizeof key, "\"%s\": ", PARAMS[id].name);
            const char *at = strstr(all, key);
            if (id == P(BLOCK_BITMAP_MAPPING)) {
                /* As QEMU's query-migrate-parameters: an unset block-bitmap-mapping has no
                 * value and is left out (core/src/format.rs FormatFlags::all). */
                h_result(__FILE__, __LINE__, at == NULL, "FORMAT_ALL json: unset %s listed", key);
                continue;
            }
            h_result(__FILE__, __LINE__, at != NULL && at >= prev, "FORMAT_ALL json: %s %s", key,
                     at ? "out of order" : "missing");
            if (at)
                prev = at;
        }
        CHECK(strstr(all, "\"multifd-channels\": 4,") != NULL);
        CHECK(strstr(all, "\"max-bandwidth\": 134217728,") != NULL);
        CHECK(strstr(all, "\"mode\": \"normal\",") != NULL);
        CHECK(strstr(all, "\"local\": false}") != NULL);
        CHECK(strncmp(all, "{\"announce-initial\": 50, \"announce-max\": 550,", 45) == 0);
        expect_format_at(__LINE__, "json ALL", fmt_json_all, &g_p, all);
    }
    /* keyval ALL: every parameter that has a keyval form; the empty lists have none. */
    int32_t rc = fmt_into(fmt_keyval_all, &g_p, all, sizeof all, &la);
    if (rc == MIGCFG_OK) {
        const char *prev = all;
        for (uint32_t id = 0; id < MIGCFG_PARAM__COUNT; id++) {
            if (PARAMS[id].kind == K_L || PARAMS[id].kind == K_M)
                continue;
            char key[64];
            snprintf(key, sizeof key, "%s%s=", id ? "," : "", PARAMS[id].name);
            const char *at = id ? strstr(all, key) : (strncmp(all, key, strlen(key)) == 0 ? all : NULL);
            h_result(__FILE__, __LINE__, at != NULL && at >= prev, "FORMAT_ALL keyval: %s %s", key,
                     at ? "out of order" : "missing");
            if (at)
                prev = at;
        }
    } else {
        CHECK_RC(rc, MIGCFG_ERR_UNREPRESENTABLE);
    }
    /* with the lists set, keyval ALL has every parameter and parses back */
    EXPECT_OK(&g_p, "cpr-exec-command.0=a,block-bitmap-mapping.0.node-name=n,block-bitmap-mapping.0.alias=a,"
                    "block-bitmap-mapping.0.bitmaps.0.name=b,block-bitmap-mapping.0.bitmaps.0.alias=c");
    if (CHECK_RC(fmt_into(fmt_json_all, &g_p, all, sizeof all, &la), MIGCFG_OK)) {
        for (uint32_t id = 0; id < MIGCFG_PARAM__COUNT; id++) {
            char key[64];
            snprintf(key, sizeof key, "\"%s\": ", PARAMS[id].name);
            h_result(__FILE__, __LINE__, strstr(all, key) != NULL, "FORMAT_ALL json: %s missing", key);
        }
    }
    if (CHECK_RC(fmt_into(fmt_keyval_all, &g_p, all, sizeof all, &la), MIGCFG_OK)) {
        for (uint32_t id = 0; id < MIGCFG_PARAM__COUNT; id++) {
            char key[64];
            snprintf(key, sizeof key, "%s%s", id ? "," : "", PARAMS[id].name);
            h_result(__FILE__, __LINE__, strstr(all, key) != NULL, "FORMAT_ALL keyval: %s missing", key);
        }
        migcfg_params_init(&g_q);
        if (expect_ok_at(__LINE__, &g_q, all, la, 0))
            for (uint32_t id = 0; id < MIGCFG_PARAM__COUNT; id++)
                CHECK(migcfg_is_set(&g_q, id));
        expect_format_at(__LINE__, "keyval ALL", fmt_keyval_all, &g_p, all);
    }

    /* Unknown flag bits. */
    static const uint32_t badflags[] = {4, 8, 0x80000000u, MIGCFG_FORMAT_ALL | 0x100};
    for (size_t i = 0; i < sizeof badflags / sizeof badflags[0]; i++) {
        char b[64];
        size_t n = SENT_SZ;
        memset(b, 0x5A, sizeof b);
        CHECK_RC(migcfg_format_json_ex(&g_p, badflags[i], b, sizeof b, &n), MIGCFG_ERR_INVALID_ARG);
        CHECK_RC(migcfg_format_keyval_ex(&g_p, badflags[i], b, sizeof b, &n), MIGCFG_ERR_INVALID_ARG);
        CHECK_RC(migcfg_format_json_ex(&g_p, badflags[i], NULL, 0, &n), MIGCFG_ERR_INVALID_ARG);
        CHECK(n == SENT_SZ && (unsigned char)b[0] == 0x5A);
    }
}

/* A table with no keyval form. (Keyval text cannot build one; JSON can: see the JSON table.) */

/* ---------------------------------------------------------------------------------------- */
/* parse_ex flags, page size, long messages. */

static void test_parse_flags(void)
{
    static const uint32_t bad[] = {4, 8, 0x80000000u, MIGCFG_PARSE_CAPABILITIES | 0x10, UINT32_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        migcfg_params_init(&g_p);
        EXPECT_OK(&g_p, "tls-creds=keep");
        expect_err_at(__LINE__, &g_p, "multifd-channels=4", 18, bad[i], MIGCFG_ERR_INVALID_ARG, -1, NULL);
        expect_err_at(__LINE__, &g_p, "", 0, bad[i], MIGCFG_ERR_INVALID_ARG, -1, NULL);
    }
    /* flags 0 is exactly migcfg_parse */
    migcfg_params_init(&g_p);
    MigcfgError e;
    err_fill(&e);
    CHECK_RC(migcfg_parse_ex(&g_p, "multifd-channels=4", 18, 0, &e), MIGCFG_OK);
    CHECK(err_untouched(&e));
    expect_err_at(__LINE__, &g_p, "foo=1", 5, 0, MIGCFG_ERR_UNEXPECTED, 0, "Parameter 'foo' is unexpected");
}

static void test_page_size(void)
{
    migcfg_params_init(&g_p);
    CHECK_U64(migcfg_params_page_size(&g_p), 4096);
    CHECK_RC(migcfg_params_set_page_size(&g_p, 8192), MIGCFG_OK);
    CHECK_U64(migcfg_params_page_size(&g_p), 8192);
    expect_err_at(__LINE__, &g_p, "xbzrle-cache-size=4096", 22, 0, MIGCFG_ERR_CHECK, 18,
                  "Option xbzrle-cache-size expects a power of two no less than the target page size");
    if (EXPECT_OK(&g_p, "xbzrle-cache-size=8192"))
        expect_u64_at(__LINE__, &g_p, P(XBZRLE_CACHE_SIZE), 8192);
    CHECK_U64(migcfg_params_page_size(&g_p), 8192); /* a parse keeps it */
    CHECK_RC(migcfg_params_set_page_size(&g_p, 0), MIGCFG_OK);
    CHECK_U64(migcfg_params_page_size(&g_p), 4096); /* 0: the default */
    migcfg_params_init(&g_p);
    if (EXPECT_OK(&g_p, "xbzrle-cache-size=4096"))
        expect_u64_at(__LINE__, &g_p, P(XBZRLE_CACHE_SIZE), 4096);
    CHECK_RC(migcfg_params_set_page_size(&g_p, 65536), MIGCFG_OK);
    /* the check over the table's value: an unrelated parse now fails on xbzrle-cache-size,
     * which the text does not set (offset: the end of the text) */
    expect_err_at(__LINE__, &g_p, "multifd-channels=4", 18, 0, MIGCFG_ERR_CHECK, 18,
                  "Option xbzrle-cache-size expects a power of two no less than the target page size");
    /* the page size is part of the table: memcpy carries it */
    memcpy(&g_q, &g_p, sizeof g_q);
    CHECK_U64(migcfg_params_page_size(&g_q), 65536);
}

static void test_long_messages(void)
{
    static char text[1200];
    MigcfgError e;
    const char *prefix = "Parameter 'mode' does not accept value '";
    size_t pl = strlen(prefix); /* 40 */

    /* mode= + 600 x: cut to 511 bytes ending in "..." */
    memcpy(text, "mode=", 5);
    memset(text + 5, 'x', 600);
    migcfg_params_init(&g_p);
    expect_err_at(__LINE__, &g_p, text, 605, 0, MIGCFG_ERR_VALUE, 5, NULL);
    err_fill(&e);
    if (CHECK_RC(migcfg_parse(&g_p, text, 605, &e), MIGCFG_ERR_VALUE) && CHECK(msg_terminated(&e))) {
        size_t ml = strlen(e.message);
        CHECK_U64(ml, MIGCFG_ERROR_MAX - 1);
        CHECK(ml >= 3 && strcmp(e.message + ml - 3, "...") == 0);
        CHECK(strncmp(e.message, prefix, pl) == 0);
        bool xs = true;
        for (size_t i = pl; i + 3 < ml; i++)
            xs &= e.message[i] == 'x';
        CHECK(xs);
    }
    /* exactly 511 bytes: not cut ("...'" + 470 x + "'") */
    memset(text + 5, 'x', 470);
    err_fill(&e);
    if (CHECK_RC(migcfg_parse(&g_p, text, 5 + 470, &e), MIGCFG_ERR_VALUE) && CHECK(msg_terminated(&e))) {
        CHECK_U64(strlen(e.message), 511);
        CHECK(e.message[510] == '\'' && e.message[509] == 'x');
    }
    /* 512 bytes: cut */
    err_fill(&e);
    if (CHECK_RC(migcfg_parse(&g_p, text, 5 + 471, &e), MIGCFG_ERR_VALUE) && CHECK(msg_terminated(&e))) {
        CHECK_U64(strlen(e.message), 511);
        CHECK(strcmp(e.message + 508, "...") == 0);
    }
    /* cut at a UTF-8 boundary: "x" then 2-byte characters, so byte 508 is mid-character */
    memcpy(text + 5, "x", 1);
    for (size_t i = 0; i < 300; i++)
        memcpy(text + 6 + 2 * i, "\xc3\xa9", 2);
    err_fill(&e);
    if (CHECK_RC(migcfg_parse(&g_p, text, 606, &e), MIGCFG_ERR_VALUE) && CHECK(msg_terminated(&e))) {
        size_t ml = strlen(e.message);
        CHECK(ml <= 511 && ml >= 509);
        CHECK(ml >= 3 && strcmp(e.message + ml - 3, "...") == 0);
        /* what precedes "..." ends with a complete character */
        size_t body = ml - 3;
        CHECK(body > pl + 1 && (body - pl - 1) % 2 == 0);
        CHECK(strncmp(e.message, prefix, pl) == 0);
    }
    /* a long unknown key in a keyval error ("Parameter '<127 a>' is unexpected" fits) */
    memset(text, 'a', 127);
    memcpy(text + 127, "=1", 2);
    migcfg_params_init(&g_p);
    err_fill(&e);
    if (CHECK_RC(migcfg_parse(&g_p, text, 129, &e), MIGCFG_ERR_UNEXPECTED))
        CHECK_U64(strlen(e.message), strlen("Parameter '' is unexpected") + 127);
    memset(text, 'a', 128);
    memcpy(text + 128, "=1", 2);
    char want[200];
    snprintf(want, sizeof want, "Parameter '%.128s' is too long", text);
    expect_err_at(__LINE__, &g_p, text, 130, 0, MIGCFG_ERR_SYNTAX, 0, want);
    memcpy(text + 128, ".b=1", 4);
    snprintf(want, sizeof want, "Parameter fragment '%.128s' is too long", text);
    expect_err_at(__LINE__, &g_p, text, 132, 0, MIGCFG_ERR_SYNTAX, 0, want);
}

/* ---------------------------------------------------------------------------------------- */
/* Capabilities, release targeting, unstable policy. */

static void test_capabilities(void)
{
    uint64_t on, set;
    migcfg_params_init(&g_p);
    if (expect_ok_at(__LINE__, &g_p, "multifd=on,events=off", 21, MIGCFG_PARSE_CAPABILITIES)) {
        on = set = SENT_U64;
        CHECK_RC(migcfg_get_caps(&g_p, &on, &set), MIGCFG_OK);
        CHECK_U64(on, MIGCFG_CAP_MULTIFD);
        CHECK_U64(set, MIGCFG_CAP_MULTIFD | MIGCFG_CAP_EVENTS);
        expect_format_at(__LINE__, "caps", migcfg_format_caps_json, &g_p,
                         "{\"capabilities\": [{\"capability\": \"events\", \"state\": false}, "
                         "{\"capability\": \"multifd\", \"state\": true}]}");
        /* Parameters are unaffected, and the parameter formatters leave capabilities out:
         * they write "the parameters that were set" (include/migcfg.h) so that QEMU's
         * migrate-set-parameters accepts the JSON (master has no capability members), and
         * that parsing the keyval output always gives back an equal table. */
        for (uint32_t id = 0; id < MIGCFG_PARAM__COUNT; id++)
            CHECK(!migcfg_is_set(&g_p, id));
        expect_format_at(__LINE__, "json", migcfg_format_json, &g_p, "{}");
        expect_format_at(__LINE__, "keyval", migcfg_format_keyval, &g_p, "");
        static char kv[256];
        size_t kl;
        if (CHECK_RC(fmt_into(migcfg_format_keyval, &g_p, kv, sizeof kv, &kl), MIGCFG_OK)) {
            migcfg_params_init(&g_q);
            expect_ok_at(__LINE__, &g_q, kv, kl, 0); /* keyval output parses back, flags 0 */
        }
    }
    /* merged with parameters; a later parse without the flag keeps them */
    if (expect_ok_at(__LINE__, &g_p, "multifd-channels=4,return-path=on,switchover-ack=on", 51, MIGCFG_PARSE_CAPABILITIES)) {
        CHECK_RC(migcfg_get_caps(&g_p, &on, &set), MIGCFG_OK);
        CHECK_U64(on, MIGCFG_CAP_MULTIFD | MIGCFG_CAP_RETURN_PATH | MIGCFG_CAP_SWITCHOVER_ACK);
        CHECK_U64(set, MIGCFG_CAP_MULTIFD | MIGCFG_CAP_EVENTS | MIGCFG_CAP_RETURN_PATH | MIGCFG_CAP_SWITCHOVER_ACK);
        expect_u64_at(__LINE__, &g_p, P(MULTIFD_CHANNELS), 4);
    }
    EXPECT_OK(&g_p, "mode=cpr-transfer");
    CHECK_RC(migcfg_get_caps(&g_p, &on, NULL), MIGCFG_OK);
    CHECK_U64(on, MIGCFG_CAP_MULTIFD | MIGCFG_CAP_RETURN_PATH | MIGCFG_CAP_SWITCHOVER_ACK);

    /* without the flag a capability is an unknown parameter, as in QEMU */
    migcfg_params_init(&g_p);
    expect_err_at(__LINE__, &g_p, "multifd=on,events=off", 21, 0, MIGCFG_ERR_UNEXPECTED, 0,
                  "Parameter 'multifd' is unexpected");
    expect_err_at(__LINE__, &g_p, "multifd-channels=4,xbzrle=on", 28, 0, MIGCFG_ERR_UNEXPECTED, 19,
                  "Parameter 'xbzrle' is unexpected");
    /* capability values are bools */
    expect_err_at(__LINE__, &g_p, "multifd=1", 9, MIGCFG_PARSE_CAPABILITIES, MIGCFG_ERR_VALUE, 8,
                  "Parameter 'multifd' expects 'on' or 'off'");
    /* capability checks */
    expect_err_at(__LINE__, &g_p, "multifd=on,xbzrle=on", 20, MIGCFG_PARSE_CAPABILITIES, MIGCFG_ERR_CHECK, -1,
                  "Multifd is not compatible with xbzrle");
    expect_err_at(__LINE__, &g_p, "switchover-ack=on", 17, MIGCFG_PARSE_CAPABILITIES, MIGCFG_ERR_CHECK, -1,
                  "Capability 'switchover-ack' requires capability 'return-path'");
    expect_err_at(__LINE__, &g_p, "postcopy-preempt=on", 19, MIGCFG_PARSE_CAPABILITIES, MIGCFG_ERR_CHECK, -1,
                  "Postcopy preempt requires postcopy-ram");
    /* zero-blocks was removed for 11.0 */
    expect_err_at(__LINE__, &g_p, "zero-blocks=on", 14, MIGCFG_PARSE_CAPABILITIES, MIGCFG_ERR_UNEXPECTED, 0,
                  "Parameter 'zero-blocks' is unexpected");

    /* set_cap / get_caps */
    migcfg_params_init(&g_p);
    CHECK_RC(migcfg_set_cap(&g_p, 10, true), MIGCFG_OK);
    CHECK_RC(migcfg_set_cap(&g_p, 0, false), MIGCFG_OK);
    CHECK_RC(migcfg_get_caps(&g_p, &on, &set), MIGCFG_OK);
    CHECK_U64(on, MIGCFG_CAP_MULTIFD);
    CHECK_U64(set, MIGCFG_CAP_MULTIFD | MIGCFG_CAP_XBZRLE);
    expect_format_at(__LINE__, "caps", migcfg_format_caps_json, &g_p,
                     "{\"capabilities\": [{\"capability\": \"xbzrle\", \"state\": false}, "
                     "{\"capability\": \"multifd\", \"state\": true}]}");

    /* unstable policy */
    migcfg_params_init(&g_p);
    expect_err_at(__LINE__, &g_p, "x-checkpoint-delay=100", 22, MIGCFG_PARSE_REJECT_UNSTABLE, MIGCFG_ERR_UNEXPECTED, 0,
                  "Unstable parameter x-checkpoint-delay disabled by policy");
    expect_err_at(__LINE__, &g_p, "multifd-channels=4,x-vcpu-dirty-limit-period=5", 46, MIGCFG_PARSE_REJECT_UNSTABLE,
                  MIGCFG_ERR_UNEXPECTED, 19, "Unstable parameter x-vcpu-dirty-limit-period disabled by policy");
    expect_err_at(__LINE__, &g_p, "x-colo=on", 9, MIGCFG_PARSE_REJECT_UNSTABLE | MIGCFG_PARSE_CAPABILITIES,
                  MIGCFG_ERR_UNEXPECTED, 0, "Unstable parameter x-colo disabled by policy");
    if (expect_ok_at(__LINE__, &g_p, "multifd-channels=4", 18, MIGCFG_PARSE_REJECT_UNSTABLE))
        expect_u64_at(__LINE__, &g_p, P(MULTIFD_CHANNELS), 4);
    if (expect_ok_at(__LINE__, &g_p, "x-checkpoint-delay=100", 22, 0))
        expect_u64_at(__LINE__, &g_p, P(X_CHECKPOINT_DELAY), 100);
}

static void test_target(void)
{
    migcfg_params_init(&g_p);
    CHECK_RC(migcfg_params_target(&g_p, 10, 2), MIGCFG_OK);
    expect_err_at(__LINE__, &g_p, "local=on", 8, 0, MIGCFG_ERR_UNEXPECTED, 0, "Parameter 'local' is unexpected");
    expect_err_at(__LINE__, &g_p, "multifd-channels=4,x-rdma-chunk-size=1048576", 44, 0, MIGCFG_ERR_UNEXPECTED, 19,
                  "Parameter 'x-rdma-chunk-size' is unexpected");
    if (expect_ok_at(__LINE__, &g_p, "zero-blocks=on", 14, MIGCFG_PARSE_CAPABILITIES)) {
        uint64_t on = 0;
        CHECK_RC(migcfg_get_caps(&g_p, &on, NULL), MIGCFG_OK);
        CHECK_U64(on, MIGCFG_CAP_ZERO_BLOCKS);
    }
    if (EXPECT_OK(&g_p, "multifd-channels=4"))
        expect_u64_at(__LINE__, &g_p, P(MULTIFD_CHANNELS), 4);
    /* init goes back to the newest release */
    migcfg_params_init(&g_p);
    if (EXPECT_OK(&g_p, "local=on"))
        expect_bool_at(__LINE__, &g_p, P(LOCAL), true);
}

/* ---------------------------------------------------------------------------------------- */
/* The apply walk. */

typedef struct {
    uint32_t id, type;
    bool b;
    uint64_t u;
    char s[64];
    size_t count, nbitmaps;
    char first[64], last[64];  /* list: first and last element; mapping: first node / bitmap */
    int32_t persistent;
} Rec;

typedef struct {
    Rec r[64];
    int n;
    int stop_at;    /* 1-based call number that stops the walk, 0: never */
    int32_t stop_rc;
} Walk;

static void copy_str(char *dst, size_t cap, const char *s, size_t n)
{
    if (!s) {
        snprintf(dst, cap, "(null)");
        return;
    }
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, s, n);
    dst[n] = 0;
}

static int32_t walk_cb(void *op, uint32_t id, const MigcfgValue *v)
{
    Walk *w = op;
    if (w->n >= 64)
        return 99;
    Rec *r = &w->r[w->n++];
    memset(r, 0, sizeof *r);
    r->id = id;
    r->type = v->type;
    r->b = v->b;
    r->u = v->u;
    r->count = v->count;
    r->nbitmaps = v->nbitmaps;
    r->persistent = -5;
    if (v->type == MIGCFG_TYPE_STR || v->type == MIGCFG_TYPE_ENUM)
        copy_str(r->s, sizeof r->s, v->s, v->len);
    if (v->type == MIGCFG_TYPE_STR_LIST && v->count > 0 && v->items) {
        copy_str(r->first, sizeof r->first, v->items[0].s, v->items[0].len);
        copy_str(r->last, sizeof r->last, v->items[v->count - 1].s, v->items[v->count - 1].len);
    }
    if (v->type == MIGCFG_TYPE_BITMAP_MAPPING && v->count > 0 && v->nodes) {
        copy_str(r->first, sizeof r->first, v->nodes[0].node_name, v->nodes[0].node_name_len);
        if (v->nbitmaps > 0 && v->bitmaps) {
            copy_str(r->last, sizeof r->last, v->bitmaps[v->nbitmaps - 1].name, v->bitmaps[v->nbitmaps - 1].name_len);
            r->persistent = v->bitmaps[v->nbitmaps - 1].persistent;
        }
    }
    if (w->stop_at && w->n == w->stop_at)
        return w->stop_rc;
    return 0;
}

static void test_foreach(void)
{
    static Walk w;
    migcfg_params_init(&g_p);
    memset(&w, 0, sizeof w);
    CHECK_RC(migcfg_params_foreach_set(&g_p, walk_cb, &w), MIGCFG_OK);
    CHECK_INT(w.n, 0);

    const char *text =
        "cpr-exec-command.0=qemu,cpr-exec-command.1=-incoming,cpr-exec-command.2=defer,"
        "direct-io=on,mode=cpr-transfer,multifd-channels=4,x-checkpoint-delay=100,downtime-limit=500,"
        "max-bandwidth=1G,tls-creds=abc,multifd=on,events=off,"
        "block-bitmap-mapping.0.node-name=drive0,block-bitmap-mapping.0.alias=node0,"
        "block-bitmap-mapping.0.bitmaps.0.name=bitmap0,block-bitmap-mapping.0.bitmaps.0.alias=bm0,"
        "block-bitmap-mapping.0.bitmaps.0.transform.persistent=on";
    if (!expect_ok_at(__LINE__, &g_p, text, strlen(text), MIGCFG_PARSE_CAPABILITIES))
        return;
    static const struct {
        uint32_t id, type;
        uint64_t u;
        bool b;
        const char *s;
    } want[] = {
        {P(TLS_CREDS), MIGCFG_TYPE_STR, 0, 0, "abc"},
        {P(MAX_BANDWIDTH), MIGCFG_TYPE_SIZE, 1073741824, 0, NULL},
        {P(DOWNTIME_LIMIT), MIGCFG_TYPE_UINT64, 500, 0, NULL},
        {P(X_CHECKPOINT_DELAY), MIGCFG_TYPE_UINT32, 100, 0, NULL},
        {P(MULTIFD_CHANNELS), MIGCFG_TYPE_UINT8, 4, 0, NULL},
        {P(BLOCK_BITMAP_MAPPING), MIGCFG_TYPE_BITMAP_MAPPING, 0, 0, NULL},
        {P(MODE), MIGCFG_TYPE_ENUM, 2, 0, "cpr-transfer"},
        {P(DIRECT_IO), MIGCFG_TYPE_BOOL, 0, true, NULL},
        {P(CPR_EXEC_COMMAND), MIGCFG_TYPE_STR_LIST, 0, 0, NULL},
        {MIGCFG_CAP_ID_BASE + 4, MIGCFG_TYPE_CAPABILITY, 0, false, NULL},  /* events */
        {MIGCFG_CAP_ID_BASE + 10, MIGCFG_TYPE_CAPABILITY, 0, true, NULL},  /* multifd */
    };
    const int nw = (int)(sizeof want / sizeof want[0]);
    memset(&w, 0, sizeof w);
    CHECK_RC(migcfg_params_foreach_set(&g_p, walk_cb, &w), MIGCFG_OK);
    CHECK_INT(w.n, nw);
    for (int i = 0; i < nw && i < w.n; i++) {
        const Rec *r = &w.r[i];
        int line = __LINE__;
        h_result(__FILE__, line, r->id == want[i].id && r->type == want[i].type,
                 "walk #%d: id %u type %u, expected id %u type %u", i, r->id, r->type, want[i].id, want[i].type);
        switch (want[i].type) {
        case MIGCFG_TYPE_STR:
            CHECK_STR(r->s, want[i].s);
            break;
        case MIGCFG_TYPE_ENUM:
            CHECK_STR(r->s, want[i].s);
            CHECK_U64(r->u, want[i].u);
            break;
        case MIGCFG_TYPE_BOOL:
        case MIGCFG_TYPE_CAPABILITY:
            CHECK_INT(r->b, want[i].b);
            break;
        case MIGCFG_TYPE_STR_LIST:
            CHECK_U64(r->count, 3);
            CHECK_STR(r->first, "qemu");
            CHECK_STR(r->last, "defer");
            break;
        case MIGCFG_TYPE_BITMAP_MAPPING:
            CHECK_U64(r->count, 1);
            CHECK_U64(r->nbitmaps, 1);
            CHECK_STR(r->first, "drive0");
            CHECK_STR(r->last, "bitmap0");
            CHECK_INT(r->persistent, 2);
            break;
        default:
            CHECK_U64(r->u, want[i].u);
        }
    }
    /* a non-zero return stops the walk and is returned as is */
    memset(&w, 0, sizeof w);
    w.stop_at = 3;
    w.stop_rc = 7;
    CHECK_RC(migcfg_params_foreach_set(&g_p, walk_cb, &w), 7);
    CHECK_INT(w.n, 3);
    memset(&w, 0, sizeof w);
    w.stop_at = 1;
    w.stop_rc = 1;
    CHECK_RC(migcfg_params_foreach_set(&g_p, walk_cb, &w), 1);
    CHECK_INT(w.n, 1);
    memset(&w, 0, sizeof w);
    w.stop_at = nw;
    w.stop_rc = 12345;
    CHECK_RC(migcfg_params_foreach_set(&g_p, walk_cb, &w), 12345);
    CHECK_INT(w.n, nw);
    memset(&w, 0, sizeof w);
    w.stop_at = 2;
    w.stop_rc = -3;
    CHECK_RC(migcfg_params_foreach_set(&g_p, walk_cb, &w), -3);
    CHECK_INT(w.n, 2);
}

/* ---------------------------------------------------------------------------------------- */
/* Re-check over the VMM's defaults; setters. */

static void test_check_and_setters(void)
{
    static MigcfgParams d;
    MigcfgError e;
    migcfg_params_init(&d);
    err_fill(&e);
    CHECK_RC(migcfg_set_u64(&d, P(CPU_THROTTLE_INITIAL), 60, &e), MIGCFG_OK);
    CHECK(err_untouched(&e));
    CHECK(migcfg_is_set(&d, P(CPU_THROTTLE_INITIAL)));
    expect_u64_at(__LINE__, &d, P(CPU_THROTTLE_INITIAL), 60);
    CHECK_RC(migcfg_set_bool(&d, P(DIRECT_IO), true, &e), MIGCFG_OK);
    expect_bool_at(__LINE__, &d, P(DIRECT_IO), true);
    CHECK_RC(migcfg_set_str(&d, P(MODE), "cpr-reboot", 10, &e), MIGCFG_OK);
    expect_str_at(__LINE__, &d, P(MODE), "cpr-reboot");
    CHECK_RC(migcfg_set_str(&d, P(TLS_CREDS), "tls0,x", 6, &e), MIGCFG_OK);
    expect_str_at(__LINE__, &d, P(TLS_CREDS), "tls0,x");
    CHECK_RC(migcfg_set_str(&d, P(TLS_HOSTNAME), "", 0, &e), MIGCFG_OK);
    CHECK(migcfg_is_set(&d, P(TLS_HOSTNAME)));
    CHECK_RC(migcfg_set_u64(&d, P(MAX_BANDWIDTH), UINT64_MAX, &e), MIGCFG_OK);
    expect_u64_at(__LINE__, &d, P(MAX_BANDWIDTH), UINT64_MAX);
    CHECK(err_untouched(&e));

    migcfg_params_init(&g_p);
    EXPECT_OK(&g_p, "max-cpu-throttle=50"); /* fine over the built-in default 20 */
    err_fill(&e);
    CHECK_RC(migcfg_params_check(&g_p, NULL, &e), MIGCFG_OK);
    CHECK(err_untouched(&e));
    err_fill(&e);
    if (CHECK_RC(migcfg_params_check(&g_p, &d, &e), MIGCFG_ERR_CHECK)) {
        CHECK_RC(e.code, MIGCFG_ERR_CHECK);
        CHECK_U64(e.offset, 0);
        CHECK_STR(e.message, "Option max-cpu-throttle expects an integer in the range of cpu-throttle-initial to 99");
    }
    CHECK_RC(migcfg_params_check(&g_p, &d, NULL), MIGCFG_ERR_CHECK);
    /* what p sets wins over the defaults */
    EXPECT_OK(&g_p, "cpu-throttle-initial=30");
    err_fill(&e);
    CHECK_RC(migcfg_params_check(&g_p, &d, &e), MIGCFG_OK);
    CHECK(err_untouched(&e));
    /* a bad default alone fails the check */
    static MigcfgParams d2;
    migcfg_params_init(&d2);
    CHECK_RC(migcfg_set_u64(&d2, P(MULTIFD_CHANNELS), 0, NULL), MIGCFG_OK); /* no checks in setters */
    migcfg_params_init(&g_p);
    err_fill(&e);
    if (CHECK_RC(migcfg_params_check(&g_p, &d2, &e), MIGCFG_ERR_CHECK))
        CHECK_STR(e.message, "Option multifd-channels expects a value between 1 and 255");
    CHECK_RC(migcfg_params_check(&d2, NULL, NULL), MIGCFG_ERR_CHECK);
    /* the empty table over the built-in defaults */
    CHECK_RC(migcfg_params_check(&g_p, NULL, NULL), MIGCFG_OK);
    CHECK_RC(migcfg_params_check(&g_zero, &g_zero, NULL), MIGCFG_OK);
    /* capability checks over the defaults' capabilities */
    migcfg_params_init(&d2);
    CHECK_RC(migcfg_set_cap(&d2, 0, true), MIGCFG_OK); /* xbzrle */
    migcfg_params_init(&g_p);
    CHECK_RC(migcfg_set_cap(&g_p, 10, true), MIGCFG_OK); /* multifd */
    err_fill(&e);
    if (CHECK_RC(migcfg_params_check(&g_p, &d2, &e), MIGCFG_ERR_CHECK))
        CHECK_STR(e.message, "Multifd is not compatible with xbzrle");

    /* setter errors: the table is unchanged */
    static const struct {
        int line;
        char fn;
        uint32_t id;
        uint64_t u;
        const char *s;
        int32_t code;
        const char *msg;
    } bad[] = {
        {__LINE__, 'u', P(MULTIFD_CHANNELS), 256, NULL, MIGCFG_ERR_VALUE, "Parameter 'multifd-channels' expects uint8_t"},
        {__LINE__, 'u', P(MAX_CPU_THROTTLE), UINT64_MAX, NULL, MIGCFG_ERR_VALUE, "Parameter 'max-cpu-throttle' expects uint8_t"},
        {__LINE__, 'u', P(X_CHECKPOINT_DELAY), 4294967296ULL, NULL, MIGCFG_ERR_VALUE, "Parameter 'x-checkpoint-delay' expects uint32_t"},
        {__LINE__, 'u', P(DIRECT_IO), 1, NULL, MIGCFG_ERR_INVALID_ARG, NULL},
        {__LINE__, 'u', P(TLS_CREDS), 1, NULL, MIGCFG_ERR_INVALID_ARG, NULL},
        {__LINE__, 'u', P(MODE), 1, NULL, MIGCFG_ERR_INVALID_ARG, NULL},
        {__LINE__, 'u', P(CPR_EXEC_COMMAND), 1, NULL, MIGCFG_ERR_INVALID_ARG, NULL},
        {__LINE__, 'b', P(MULTIFD_CHANNELS), 1, NULL, MIGCFG_ERR_INVALID_ARG, NULL},
        {__LINE__, 'b', P(MODE), 1, NULL, MIGCFG_ERR_INVALID_ARG, NULL},
        {__LINE__, 's', P(MULTIFD_CHANNELS), 0, "4", MIGCFG_ERR_INVALID_ARG, NULL},
        {__LINE__, 's', P(DIRECT_IO), 0, "on", MIGCFG_ERR_INVALID_ARG, NULL},
        {__LINE__, 's', P(CPR_EXEC_COMMAND), 0, "a", MIGCFG_ERR_INVALID_ARG, NULL},
        {__LINE__, 's', P(BLOCK_BITMAP_MAPPING), 0, "a", MIGCFG_ERR_INVALID_ARG, NULL},
        {__LINE__, 's', P(MODE), 0, "bogus", MIGCFG_ERR_VALUE, "Parameter 'mode' does not accept value 'bogus'"},
        {__LINE__, 's', P(MODE), 0, "", MIGCFG_ERR_VALUE, "Parameter 'mode' does not accept value ''"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        migcfg_params_init(&g_p);
        EXPECT_OK(&g_p, "tls-creds=keep,multifd-channels=4");
        memcpy(&g_q, &g_p, sizeof g_q);
        err_fill(&e);
        int32_t rc = bad[i].fn == 'u' ? migcfg_set_u64(&g_p, bad[i].id, bad[i].u, &e)
                   : bad[i].fn == 'b' ? migcfg_set_bool(&g_p, bad[i].id, true, &e)
                                      : migcfg_set_str(&g_p, bad[i].id, bad[i].s, strlen(bad[i].s), &e);
        if (!CHECK_RC_AT(bad[i].line, rc, bad[i].code))
            continue;
        CHECK_RC_AT(bad[i].line, e.code, bad[i].code);
        CHECK_AT(bad[i].line, msg_terminated(&e));
        if (bad[i].msg && msg_terminated(&e))
            CHECK_STR_AT(bad[i].line, e.message, bad[i].msg);
        h_result(__FILE__, bad[i].line, memcmp(&g_q, &g_p, sizeof g_q) == 0, "failed setter changed the table");
    }
    /* a setter's string is copied: changing the source afterwards does not matter */
    char src[8] = "zlib";
    migcfg_params_init(&g_p);
    CHECK_RC(migcfg_set_str(&g_p, P(MULTIFD_COMPRESSION), src, 4, NULL), MIGCFG_OK);
    CHECK_RC(migcfg_set_str(&g_p, P(TLS_AUTHZ), src, 3, NULL), MIGCFG_OK);
    memcpy(src, "XXXX", 4);
    expect_str_at(__LINE__, &g_p, P(MULTIFD_COMPRESSION), "zlib");
    expect_str_at(__LINE__, &g_p, P(TLS_AUTHZ), "zli");
    /* set values show up in the formatters */
    CHECK_RC(migcfg_set_u64(&g_p, P(MULTIFD_CHANNELS), 8, NULL), MIGCFG_OK);
    CHECK_RC(migcfg_set_bool(&g_p, P(LOCAL), true, NULL), MIGCFG_OK);
    expect_format_at(__LINE__, "json", migcfg_format_json, &g_p,
                     "{\"tls-authz\": \"zli\", \"multifd-channels\": 8, \"multifd-compression\": \"zlib\", \"local\": true}");
}

/* ---------------------------------------------------------------------------------------- */
/*
 * JSON input: QEMU's dialect, strict typing, exact messages and offsets.
 */

typedef struct {
    int line;
    const char *text;
    int32_t code;          /* MIGCFG_OK: success, then exp is checked */
    long offset;           /* -1: not checked */
    const char *msg;       /* NULL: not checked */
    Exp exp[4];
    const char *json;      /* expected migcfg_format_json output after success, NULL: skip */
} JsonCase;

static const JsonCase JSON_CASES[] = {
    {__LINE__, "{\"multifd-channels\": 4, \"mode\": \"cpr-transfer\"}", MIGCFG_OK, 0, NULL,
     {{P(MULTIFD_CHANNELS), 'u', 4, 0}, {P(MODE), 's', 0, "cpr-transfer"}}, "{\"multifd-channels\": 4, \"mode\": \"cpr-transfer\"}"},
    {__LINE__, "{}", MIGCFG_OK, 0, NULL, {{0}}, "{}"},
    {__LINE__, " {\"multifd-channels\": 4} ", MIGCFG_ERR_SYNTAX, -1, NULL, {{0}}, NULL}, /* does not start with '{': keyval */
    {__LINE__, "{'multifd-channels': 4}", MIGCFG_OK, 0, NULL, {{P(MULTIFD_CHANNELS), 'u', 4, 0}}, NULL},
    {__LINE__, "{\"max-bandwidth\": -1}", MIGCFG_OK, 0, NULL, {{P(MAX_BANDWIDTH), 'u', UINT64_MAX, 0}}, "{\"max-bandwidth\": 18446744073709551615}"},
    {__LINE__, "{\"direct-io\": true, \"tls-creds\": null}", MIGCFG_OK, 0, NULL,
     {{P(DIRECT_IO), 'b', 1, 0}, {P(TLS_CREDS), 's', 0, ""}}, "{\"tls-creds\": \"\", \"direct-io\": true}"},
    {__LINE__, "{\"tls-hostname\": \"h\\u00e9\\n\\\"q\\\"\", \"tls-creds\": \"x/y\"}", MIGCFG_OK, 0, NULL,
     {{P(TLS_HOSTNAME), 's', 0, "h\xc3\xa9\n\"q\""}, {P(TLS_CREDS), 's', 0, "x/y"}},
     "{\"tls-creds\": \"x/y\", \"tls-hostname\": \"h\\u00E9\\n\\\"q\\\"\"}"},
    {__LINE__, "{\"cpr-exec-command\": [\"qemu\", \"-incoming\", \"defer\"]}", MIGCFG_OK, 0, NULL,
     {{P(CPR_EXEC_COMMAND), 'n', 3, 0}}, "{\"cpr-exec-command\": [\"qemu\", \"-incoming\", \"defer\"]}"},
    {__LINE__, "{\"cpr-exec-command\": []}", MIGCFG_OK, 0, NULL, {{P(CPR_EXEC_COMMAND), 'n', 0, 0}}, "{\"cpr-exec-command\": []}"},
    {__LINE__, "{\"block-bitmap-mapping\": [{\"node-name\": \"drive0\", \"alias\": \"node0\", \"bitmaps\": [{\"name\": \"bitmap0\", \"alias\": \"bm0\", \"transform\": {\"persistent\": true}}]}]}",
     MIGCFG_OK, 0, NULL, {{P(BLOCK_BITMAP_MAPPING), 'n', 1, 0}},
     "{\"block-bitmap-mapping\": [{\"node-name\": \"drive0\", \"alias\": \"node0\", \"bitmaps\": [{\"name\": \"bitmap0\", \"alias\": \"bm0\", \"transform\": {\"persistent\": true}}]}]}"},
    {__LINE__, "{\"multifd-channels\": \"4\"}", MIGCFG_ERR_VALUE, 21, "Parameter 'multifd-channels' expects uint64", {{0}}, NULL},
    {__LINE__, "{\"multifd-channels\": 4.0}", MIGCFG_ERR_VALUE, 21, "Parameter 'multifd-channels' expects uint64", {{0}}, NULL},
    {__LINE__, "{\"multifd-channels\": 256}", MIGCFG_ERR_VALUE, 21, "Parameter 'multifd-channels' expects uint8_t", {{0}}, NULL},
    {__LINE__, "{\"multifd-channels\": 0}", MIGCFG_ERR_CHECK, 21, "Option multifd-channels expects a value between 1 and 255", {{0}}, NULL},
    {__LINE__, "{\"direct-io\": \"on\"}", MIGCFG_ERR_VALUE, 14, "Invalid parameter type for 'direct-io', expected: boolean", {{0}}, NULL},
    {__LINE__, "{\"mode\": 1}", MIGCFG_ERR_VALUE, 9, "Invalid parameter type for 'mode', expected: string", {{0}}, NULL},
    {__LINE__, "{\"cpr-exec-command\": \"a\"}", MIGCFG_ERR_VALUE, 21, "Invalid parameter type for 'cpr-exec-command', expected: array", {{0}}, NULL},
    {__LINE__, "{\"foo\": 1}", MIGCFG_ERR_UNEXPECTED, 1, "Parameter 'foo' is unexpected", {{0}}, NULL},
    {__LINE__, "{\"multifd-channels\": 4, \"multifd-channels\": 8}", MIGCFG_ERR_SYNTAX, -1, "JSON parse error, duplicate key", {{0}}, NULL},
    {__LINE__, "{\"multifd-channels\": 4} {\"mode\": \"normal\"}", MIGCFG_ERR_SYNTAX, -1, "Expecting at most one JSON value", {{0}}, NULL},
    {__LINE__, "{\"multifd-channels\": 4,}", MIGCFG_ERR_SYNTAX, -1, "JSON parse error, expecting value", {{0}}, NULL},
    {__LINE__, "{", MIGCFG_ERR_SYNTAX, -1, "JSON parse error, premature EOI", {{0}}, NULL},
    {__LINE__, "{\"multifd\": true}", MIGCFG_ERR_UNEXPECTED, 1, "Parameter 'multifd' is unexpected", {{0}}, NULL},
};

static void test_json(void)
{
    for (size_t i = 0; i < sizeof JSON_CASES / sizeof JSON_CASES[0]; i++) {
        const JsonCase *c = &JSON_CASES[i];
        migcfg_params_init(&g_p);
        if (c->code == MIGCFG_OK) {
            if (expect_ok_at(c->line, &g_p, c->text, strlen(c->text), 0)) {
                check_exps_at(c->line, &g_p, c->exp, sizeof c->exp / sizeof c->exp[0]);
                if (c->json)
                    expect_format_at(c->line, "json", migcfg_format_json, &g_p, c->json);
            }
        } else {
            expect_err_at(c->line, &g_p, c->text, strlen(c->text), 0, c->code, c->offset, c->msg);
        }
    }

    /* Empty list: no keyval form. */
    migcfg_params_init(&g_p);
    if (EXPECT_OK(&g_p, "{\"cpr-exec-command\": []}")) {
        char b[64];
        size_t n = SENT_SZ;
        memset(b, 0x5A, sizeof b);
        CHECK_RC(migcfg_format_keyval(&g_p, b, sizeof b, &n), MIGCFG_ERR_UNREPRESENTABLE);
        CHECK_RC(migcfg_format_keyval(&g_p, NULL, 0, &n), MIGCFG_ERR_UNREPRESENTABLE);
        CHECK(n == SENT_SZ && (unsigned char)b[0] == 0x5A);
    }

    /* JSON round trip: format JSON, parse it into a fresh table: same JSON and keyval. */
    migcfg_params_init(&g_p);
    const char *kv = "tls-creds=a,,b,max-bandwidth=1G,mode=cpr-exec,direct-io=on,cpr-exec-command.0=x,"
                     "block-bitmap-mapping.0.node-name=n,block-bitmap-mapping.0.alias=a,"
                     "block-bitmap-mapping.0.bitmaps.0.name=b,block-bitmap-mapping.0.bitmaps.0.alias=c,"
                     "tls-hostname=h\xc3\xa9\x01";
    static char j1[4096], j2[4096], k1[4096], k2[4096];
    size_t lj1, lj2, lk1, lk2;
    if (EXPECT_OK(&g_p, kv) && CHECK_RC(fmt_into(migcfg_format_json, &g_p, j1, sizeof j1, &lj1), MIGCFG_OK)) {
        migcfg_params_init(&g_q);
        if (expect_ok_at(__LINE__, &g_q, j1, lj1, 0)) {
            CHECK_RC(fmt_into(migcfg_format_json, &g_q, j2, sizeof j2, &lj2), MIGCFG_OK);
            CHECK_MEM(j2, lj2, j1);
            CHECK_RC(fmt_into(migcfg_format_keyval, &g_p, k1, sizeof k1, &lk1), MIGCFG_OK);
            CHECK_RC(fmt_into(migcfg_format_keyval, &g_q, k2, sizeof k2, &lk2), MIGCFG_OK);
            CHECK_MEM(k2, lk2, k1);
        }
    }
}

/* ---------------------------------------------------------------------------------------- */

int main(void)
{
    test_version_and_status();
    test_names();
    test_init_and_zero();
    test_keyval_ok();
    test_keyval_errors();
    test_merge();
    test_null_args();
    test_text_bounds();
    test_lengths_past_the_limit();
    test_text_inside_the_table();
    test_any_bytes();
    test_nul_in_text();
    test_ids_and_types();
    test_lists();
    test_formatters();
    test_parse_flags();
    test_page_size();
    test_long_messages();
    test_capabilities();
    test_target();
    test_foreach();
    test_check_and_setters();
    test_json();
    return h_finish();
}
