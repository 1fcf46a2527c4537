/*
 * The -incoming family through the C ABI: MigcfgIncoming (all-zero valid, fixed size), every
 * argument form, the combination rules, QEMU's messages and offsets, atomicity, the typed
 * read-back (channels, mode, local), parse flags, and the help listing against the schema.
 * Ends with "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static MigcfgIncoming inc;  /* all-zero: a fresh state */
static MigcfgIncoming saved;

static int32_t add(MigcfgIncoming *s, const char *arg, MigcfgError *err)
{
    return migcfg_incoming_add(s, arg, strlen(arg), err);
}

/* The argument is accepted. */
#define ADD_OK(arg) CHECK_RC(add(&inc, (arg), NULL), MIGCFG_OK)

/* A rejected argument: status, offset, message, and the state unchanged. */
static void reject_at(int line, const char *arg, int32_t code, size_t offset, const char *msg)
{
    MigcfgError err;
    memset(&err, 0x55, sizeof err);
    memcpy(&saved, &inc, sizeof inc);
    int32_t rc = add(&inc, arg, &err);
    CHECK_RC_AT(line, rc, code);
    CHECK_RC_AT(line, err.code, code);
    CHECK_U64_AT(line, err.offset, offset);
    CHECK_STR_AT(line, err.message, msg);
    CHECK_AT(line, memcmp(&saved, &inc, sizeof inc) == 0);
}
#define REJECT(arg, code, offset, msg) reject_at(__LINE__, (arg), (code), (offset), (msg))

static MigcfgChannel channel_of(uint32_t type)
{
    MigcfgChannel c;
    memset(&c, 0, sizeof c);
    CHECK_RC(migcfg_incoming_channel(&inc, type, &c), MIGCFG_OK);
    return c;
}

/* A MigcfgStr equals `want` and is followed by a NUL (usable as a C string). */
#define CHECK_CSTR(str, want)                                                             \
    do {                                                                                  \
        CHECK_MEM((str).s, (str).len, (want));                                            \
        if ((str).s)                                                                      \
            CHECK((str).s[(str).len] == 0);                                               \
    } while (0)

static void test_layout_and_zero_state(void)
{
    CHECK(sizeof(MigcfgIncoming) <= 16 * 1024);
    CHECK_U64(sizeof(MigcfgIncoming), MIGCFG_INCOMING_WORDS * 8);
    CHECK_U64(_Alignof(MigcfgIncoming), 8);
    /* All-zero (static) is a fresh state. */
    const MigcfgParams *p = migcfg_incoming_params(&inc);
    CHECK(p != NULL);
    CHECK_U64(migcfg_incoming_mode(&inc), MIGCFG_MODE_NORMAL);
    CHECK_STR(migcfg_incoming_mode_name(&inc), "normal");
    CHECK(!migcfg_incoming_local(&inc));
    CHECK(!migcfg_incoming_defer(&inc));
    CHECK(!migcfg_incoming_has_config(&inc));
    CHECK(!migcfg_incoming_has_channel(&inc, MIGCFG_CHANNEL_MAIN));
    CHECK(!migcfg_incoming_has_channel(&inc, MIGCFG_CHANNEL_CPR));
    uint64_t v = 0;
    CHECK_RC(migcfg_get_u64(p, MIGCFG_PARAM_MULTIFD_CHANNELS, &v), MIGCFG_OK);
    CHECK_U64(v, 2);
    /* The params pointer points into the state. */
    CHECK((const char *)p >= (const char *)&inc &&
          (const char *)p < (const char *)&inc + sizeof inc);
    /* Init on a used state. */
    static MigcfgIncoming other;
    memset(&other, 0xA5, sizeof other);
    migcfg_incoming_init(&other);
    CHECK(!migcfg_incoming_has_config(&other));
    CHECK(!migcfg_incoming_has_channel(&other, MIGCFG_CHANNEL_MAIN));
    CHECK_U64(migcfg_incoming_mode(&other), 0);
    CHECK_RC(add(&other, "config:mode=cpr-exec", NULL), MIGCFG_OK);
    CHECK_STR(migcfg_incoming_mode_name(&other), "cpr-exec");
}

static void test_null_and_bad_arguments(void)
{
    MigcfgError err;
    migcfg_incoming_init(NULL); /* ignored */
    CHECK_RC(migcfg_incoming_add(NULL, "defer", 5, &err), MIGCFG_ERR_NULL);
    CHECK_RC(err.code, MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_incoming_add(&inc, NULL, 5, &err), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_incoming_add(&inc, NULL, 5, NULL), MIGCFG_ERR_NULL);
    CHECK(migcfg_incoming_params(NULL) == NULL);
    CHECK(migcfg_incoming_mode_name(NULL) == NULL);
    CHECK_U64(migcfg_incoming_mode(NULL), 0);
    CHECK(!migcfg_incoming_local(NULL));
    CHECK(!migcfg_incoming_defer(NULL));
    CHECK(!migcfg_incoming_has_config(NULL));
    CHECK(!migcfg_incoming_has_channel(NULL, 0));
    CHECK(!migcfg_incoming_has_channel(&inc, 2));
    MigcfgChannel c;
    CHECK_RC(migcfg_incoming_channel(NULL, 0, &c), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_incoming_channel(&inc, 0, NULL), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_incoming_channel(&inc, 7, &c), MIGCFG_ERR_INVALID_ARG);
    const char *s = NULL;
    size_t n = 0;
    CHECK_RC(migcfg_incoming_channel_arg(NULL, 0, 0, &s, &n), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_incoming_channel_arg(&inc, 0, 0, NULL, &n), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_incoming_channel_arg(&inc, 0, 0, &s, NULL), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_incoming_channel_arg(&inc, 9, 0, &s, &n), MIGCFG_ERR_INVALID_ARG);
    CHECK_RC(migcfg_incoming_set_flags(NULL, 0), MIGCFG_ERR_NULL);
    CHECK_RC(migcfg_incoming_set_flags(&inc, 0x80000000u), MIGCFG_ERR_INVALID_ARG);
    /* A NUL inside the argument. */
    CHECK_RC(migcfg_incoming_add(&inc, "tcp:a\0:1", 8, &err), MIGCFG_ERR_SYNTAX);
    CHECK_U64(err.offset, 5);
    CHECK_STR(err.message, "Text contains a NUL byte");
    /* Nothing was set by any of this. */
    CHECK(!migcfg_incoming_has_channel(&inc, MIGCFG_CHANNEL_MAIN));
}

static void test_config(void)
{
    migcfg_incoming_init(&inc);
    /* help anywhere: MIGCFG_HELP, nothing changes. */
    memcpy(&saved, &inc, sizeof inc);
    CHECK_RC(add(&inc, "config:help", NULL), MIGCFG_HELP);
    CHECK_RC(add(&inc, "config:?", NULL), MIGCFG_HELP);
    CHECK_RC(add(&inc, "config:multifd-channels=4,help", NULL), MIGCFG_HELP);
    CHECK(memcmp(&saved, &inc, sizeof inc) == 0);
    /* ...but the other items' syntax errors come first. */
    REJECT("config:help,foo", MIGCFG_ERR_SYNTAX, 15, "Expected '=' after parameter 'foo'");
    /* Offsets count from the start of the argument. */
    REJECT("config:multifd-channels=x", MIGCFG_ERR_VALUE, 24,
           "Parameter 'multifd-channels' expects integer");
    REJECT("config:multifd-channels=0", MIGCFG_ERR_CHECK, 24,
           "Option multifd-channels expects a value between 1 and 255");
    REJECT("config:foo=1", MIGCFG_ERR_UNEXPECTED, 7, "Parameter 'foo' is unexpected");
    CHECK(!migcfg_incoming_has_config(&inc));
    ADD_OK("config:multifd-channels=4,max-bandwidth=1G,mode=cpr-transfer,local=on");
    CHECK(migcfg_incoming_has_config(&inc));
    CHECK_U64(migcfg_incoming_mode(&inc), MIGCFG_MODE_CPR_TRANSFER);
    CHECK_STR(migcfg_incoming_mode_name(&inc), "cpr-transfer");
    CHECK(migcfg_incoming_local(&inc));
    uint64_t v = 0;
    CHECK_RC(migcfg_get_u64(migcfg_incoming_params(&inc), MIGCFG_PARAM_MAX_BANDWIDTH, &v),
             MIGCFG_OK);
    CHECK_U64(v, 1ull << 30);
    /* Only one config: also a second one that asks for help. */
    REJECT("config:multifd-channels=8", MIGCFG_ERR_CHANNEL, 0,
           "Only one '-incoming config:' is allowed");
    REJECT("config:help", MIGCFG_ERR_CHANNEL, 0, "Only one '-incoming config:' is allowed");
    /* The table formats as usual. */
    char buf[256];
    size_t len = 0;
    CHECK_RC(migcfg_format_keyval(migcfg_incoming_params(&inc), buf, sizeof buf, &len),
             MIGCFG_OK);
    CHECK_STR(buf, "max-bandwidth=1073741824,multifd-channels=4,mode=cpr-transfer,local=on");
}

static void test_flags(void)
{
    migcfg_incoming_init(&inc);
    REJECT("config:multifd=on", MIGCFG_ERR_UNEXPECTED, 7, "Parameter 'multifd' is unexpected");
    CHECK_RC(migcfg_incoming_set_flags(&inc, MIGCFG_PARSE_CAPABILITIES), MIGCFG_OK);
    ADD_OK("config:multifd=on");
    migcfg_incoming_init(&inc); /* flags back to 0 */
    REJECT("config:multifd=on", MIGCFG_ERR_UNEXPECTED, 7, "Parameter 'multifd' is unexpected");
    CHECK_RC(migcfg_incoming_set_flags(&inc, MIGCFG_PARSE_REJECT_UNSTABLE), MIGCFG_OK);
    CHECK_RC(add(&inc, "config:x-checkpoint-delay=1", NULL), MIGCFG_ERR_UNEXPECTED);
    CHECK_RC(migcfg_incoming_set_flags(&inc, 0), MIGCFG_OK);
    ADD_OK("config:x-checkpoint-delay=1");
}

static void test_uri_forms(void)
{
    MigcfgChannel c;
    const char *s;
    size_t n;

    migcfg_incoming_init(&inc);
    ADD_OK("tcp:[::1]:4444,to=4450,ipv6=on,keep-alive-count=3");
    c = channel_of(MIGCFG_CHANNEL_MAIN);
    CHECK_U64(c.channel_type, MIGCFG_CHANNEL_MAIN);
    CHECK_U64(c.transport, MIGCFG_TRANSPORT_SOCKET);
    CHECK_U64(c.socket_type, MIGCFG_SOCKET_INET);
    CHECK_CSTR(c.host, "::1");
    CHECK_CSTR(c.port, "4444");
    CHECK_INT(c.to, 4450);
    CHECK_INT(c.ipv6, 1);
    CHECK_INT(c.ipv4, -1);
    CHECK_INT(c.numeric, -1);
    CHECK_INT(c.keep_alive_count, 3);
    CHECK_INT(c.keep_alive_idle, -1);
    CHECK(c.path.s == NULL && c.cid.s == NULL && c.fd.s == NULL && c.filename.s == NULL);
    CHECK_U64(c.argc, 0);

    ADD_OK("unix:/tmp/mig.sock");
    c = channel_of(MIGCFG_CHANNEL_MAIN);
    CHECK_U64(c.socket_type, MIGCFG_SOCKET_UNIX);
    CHECK_CSTR(c.path, "/tmp/mig.sock");
    CHECK(c.host.s == NULL);
    CHECK_INT(c.to, -1);
    CHECK_INT(c.unix_abstract, -1);

    ADD_OK("vsock:3:1234");
    c = channel_of(MIGCFG_CHANNEL_MAIN);
    CHECK_U64(c.socket_type, MIGCFG_SOCKET_VSOCK);
    CHECK_CSTR(c.cid, "3");
    CHECK_CSTR(c.port, "1234");

    ADD_OK("fd:migfd");
    c = channel_of(MIGCFG_CHANNEL_MAIN);
    CHECK_U64(c.socket_type, MIGCFG_SOCKET_FD);
    CHECK_CSTR(c.fd, "migfd");

    ADD_OK("file:/var/lib/mig,offset=1M");
    c = channel_of(MIGCFG_CHANNEL_MAIN);
    CHECK_U64(c.transport, MIGCFG_TRANSPORT_FILE);
    CHECK_U64(c.socket_type, 0);
    CHECK_CSTR(c.filename, "/var/lib/mig");
    CHECK_U64(c.offset, 1u << 20);

    ADD_OK("rdma:192.168.1.2:7777");
    c = channel_of(MIGCFG_CHANNEL_MAIN);
    CHECK_U64(c.transport, MIGCFG_TRANSPORT_RDMA);
    CHECK_CSTR(c.host, "192.168.1.2");
    CHECK_CSTR(c.port, "7777");

    ADD_OK("exec:gzip -dc < /tmp/state.gz");
    c = channel_of(MIGCFG_CHANNEL_MAIN);
    CHECK_U64(c.transport, MIGCFG_TRANSPORT_EXEC);
    CHECK_U64(c.argc, 3);
    const char *want[] = {"/bin/sh", "-c", "gzip -dc < /tmp/state.gz"};
    for (size_t i = 0; i < 3; i++) {
        CHECK_RC(migcfg_incoming_channel_arg(&inc, MIGCFG_CHANNEL_MAIN, i, &s, &n), MIGCFG_OK);
        CHECK_MEM(s, n, want[i]);
        CHECK(s[n] == 0);
    }
    CHECK_RC(migcfg_incoming_channel_arg(&inc, MIGCFG_CHANNEL_MAIN, 3, &s, &n),
             MIGCFG_ERR_INVALID_ARG);
    CHECK(!migcfg_incoming_has_channel(&inc, MIGCFG_CHANNEL_CPR));
}

static void test_object_forms(void)
{
    MigcfgChannel c;
    const char *s;
    size_t n;

    migcfg_incoming_init(&inc);
    /* Keyval with the implied key channel-type. */
    ADD_OK("cpr,addr.transport=socket,addr.type=unix,addr.path=/run/cpr.sock,addr.abstract=on");
    c = channel_of(MIGCFG_CHANNEL_CPR);
    CHECK_U64(c.channel_type, MIGCFG_CHANNEL_CPR);
    CHECK_CSTR(c.path, "/run/cpr.sock");
    CHECK_INT(c.unix_abstract, 1);
    CHECK_INT(c.unix_tight, -1);
    CHECK(!migcfg_incoming_has_channel(&inc, MIGCFG_CHANNEL_MAIN));
    /* Explicit key, exec argv. */
    ADD_OK("channel-type=main,addr.transport=exec,addr.args.0=qemu-img,addr.args.1=a,,b");
    c = channel_of(MIGCFG_CHANNEL_MAIN);
    CHECK_U64(c.argc, 2);
    CHECK_RC(migcfg_incoming_channel_arg(&inc, MIGCFG_CHANNEL_MAIN, 1, &s, &n), MIGCFG_OK);
    CHECK_MEM(s, n, "a,b");
    /* JSON, single quotes and escapes. */
    ADD_OK("{'channel-type': 'main', 'addr': {'transport': 'socket', 'type': 'inet', "
           "'host': 'h\\u00e9', 'port': '1', 'numeric': true, 'to': 9}}");
    c = channel_of(MIGCFG_CHANNEL_MAIN);
    CHECK_CSTR(c.host, "h\xc3\xa9");
    CHECK_INT(c.numeric, 1);
    CHECK_INT(c.to, 9);
    ADD_OK("{\"channel-type\": \"cpr\", \"addr\": {\"transport\": \"file\", "
           "\"filename\": \"/f\", \"offset\": 4096}}");
    c = channel_of(MIGCFG_CHANNEL_CPR);
    CHECK_U64(c.transport, MIGCFG_TRANSPORT_FILE);
    CHECK_CSTR(c.filename, "/f");
    CHECK_U64(c.offset, 4096);
    CHECK(c.path.s == NULL); /* the earlier cpr channel was replaced */
}

static void test_combination_rules(void)
{
    migcfg_incoming_init(&inc);
    ADD_OK("defer");
    CHECK(migcfg_incoming_defer(&inc));
    CHECK(!migcfg_incoming_has_channel(&inc, MIGCFG_CHANNEL_MAIN));
    MigcfgChannel c;
    memset(&c, 0x5A, sizeof c);
    MigcfgChannel untouched = c;
    CHECK_RC(migcfg_incoming_channel(&inc, MIGCFG_CHANNEL_MAIN, &c), MIGCFG_ERR_INVALID_ARG);
    CHECK(memcmp(&c, &untouched, sizeof c) == 0);
    ADD_OK("tcp:0:4444");                     /* a URI replaces defer */
    CHECK(!migcfg_incoming_defer(&inc));
    CHECK(migcfg_incoming_has_channel(&inc, MIGCFG_CHANNEL_MAIN));
    ADD_OK("defer");                          /* defer replaces a channel */
    CHECK(migcfg_incoming_defer(&inc));
    CHECK(!migcfg_incoming_has_channel(&inc, MIGCFG_CHANNEL_MAIN));
    ADD_OK("cpr,addr.transport=socket,addr.type=fd,addr.str=7");
    CHECK(migcfg_incoming_defer(&inc));       /* cpr leaves main alone */
    ADD_OK("main,addr.transport=socket,addr.type=unix,addr.path=/m");
    CHECK(!migcfg_incoming_defer(&inc));
    c = channel_of(MIGCFG_CHANNEL_MAIN);
    CHECK_CSTR(c.path, "/m");
    c = channel_of(MIGCFG_CHANNEL_CPR);
    CHECK_CSTR(c.fd, "7");
    ADD_OK("config:mode=cpr-transfer");       /* config beside channels */
    ADD_OK("unix:/n");                        /* a URI always targets main */
    c = channel_of(MIGCFG_CHANNEL_MAIN);
    CHECK_CSTR(c.path, "/n");
    c = channel_of(MIGCFG_CHANNEL_CPR);
    CHECK_CSTR(c.fd, "7");
    CHECK_U64(migcfg_incoming_mode(&inc), MIGCFG_MODE_CPR_TRANSFER);
    /* inet ids are remembered for the whole command line, as QEMU's inet_opts does. */
    ADD_OK("tcp:h:1,id=m0");
    REJECT("rdma:h:2,id=m0", MIGCFG_ERR_CHANNEL, 12, "Duplicate ID 'm0' for InetSocketAddress");
}

static void test_errors(void)
{
    migcfg_incoming_init(&inc);
    ADD_OK("tcp:h:1");
    REJECT("bogus:x", MIGCFG_ERR_CHANNEL, 0, "unknown migration protocol: bogus:x");
    REJECT("TCP:h:1", MIGCFG_ERR_CHANNEL, 0, "unknown migration protocol: TCP:h:1");
    REJECT("tcp:h:1,foo=1", MIGCFG_ERR_CHANNEL, 8, "Invalid parameter 'foo'");
    REJECT("tcp:h:1,to=x", MIGCFG_ERR_CHANNEL, 11, "Parameter 'to' expects a number");
    REJECT("tcp:h:1,to=99999999999999999999", MIGCFG_ERR_CHANNEL, 11,
           "Value '99999999999999999999' is too large for parameter 'to'");
    REJECT("tcp:h:1,ipv4=1", MIGCFG_ERR_CHANNEL, 13, "Parameter 'ipv4' expects 'on' or 'off'");
    REJECT("tcp:h:1,id=9", MIGCFG_ERR_CHANNEL, 11, "Parameter 'id' expects an identifier");
    REJECT("tcp:h:", MIGCFG_ERR_CHANNEL, 4, "error parsing address 'h:'");
    REJECT("tcp:[::1]", MIGCFG_ERR_CHANNEL, 4, "error parsing IPv6 address '[::1]'");
    REJECT("unix:", MIGCFG_ERR_CHANNEL, 5, "invalid Unix socket address");
    REJECT("fd:", MIGCFG_ERR_CHANNEL, 3, "invalid file descriptor address");
    REJECT("vsock:1", MIGCFG_ERR_CHANNEL, 6, "error parsing address '1'");
    REJECT("vsock:1:2,x", MIGCFG_ERR_CHANNEL, 9, "trailing characters in address '1:2,x'");
    REJECT("file:/a,offset=x", MIGCFG_ERR_CHANNEL, 15,
           "file URI has bad offset x: Invalid argument");
    REJECT("file:/a,offset=-1", MIGCFG_ERR_CHANNEL, 15,
           "file URI has bad offset -1: Numerical result out of range");
    REJECT("", MIGCFG_ERR_CHANNEL, 0, "Parameter 'channel-type' is missing");
    REJECT("help", MIGCFG_ERR_CHANNEL, 0, "Help is not available for this option");
    REJECT("main", MIGCFG_ERR_CHANNEL, 0, "Parameter 'addr' is missing");
    REJECT("Main", MIGCFG_ERR_CHANNEL, 0, "Parameter 'channel-type' does not accept value 'Main'");
    REJECT("main,addr=x", MIGCFG_ERR_CHANNEL, 10,
           "Invalid parameter type for 'addr', expected: object");
    REJECT("main,addr.transport=socket", MIGCFG_ERR_CHANNEL, 5, "Parameter 'addr.type' is missing");
    REJECT("main,addr.transport=socket,addr.type=inet,addr.host=h,addr.port=1,addr.to=70000",
           MIGCFG_ERR_CHANNEL, 74, "Parameter 'to' expects uint16_t");
    REJECT("main,addr.transport=socket,addr.type=inet,addr.host=h,addr.port=1,addr.x=1",
           MIGCFG_ERR_CHANNEL, 66, "Parameter 'addr.x' is unexpected");
    REJECT("main,addr.transport=exec,addr.args.1=a", MIGCFG_ERR_CHANNEL, 25,
           "Parameter 'addr.args.0' missing");
    REJECT("main,addr.transport=exec,addr.args.0=a,addr.args.0.x=b", MIGCFG_ERR_CHANNEL, 39,
           "Parameters 'addr.args.0.*' used inconsistently");
    REJECT("main,addr.transport=file,addr.filename=f,addr.offset=x", MIGCFG_ERR_CHANNEL, 53,
           "Parameter 'addr.offset' expects integer");
    REJECT("{\"channel-type\": \"main\", \"addr\": {\"transport\": \"exec\", \"args\": [\"a\", 1]}}",
           MIGCFG_ERR_CHANNEL, 69, "Invalid parameter type for 'addr.args[1]', expected: string");
    REJECT("{\"channel-type\": \"main\", \"addr\": {\"transport\": \"file\", \"filename\": \"f\", "
           "\"offset\": 1.5}}",
           MIGCFG_ERR_CHANNEL, 82, "Parameter 'addr.offset' expects uint64");
    REJECT("{\"a\": 1, \"a\": 2}", MIGCFG_ERR_CHANNEL, 9, "JSON parse error, duplicate key");
    REJECT("{\"a\" 1, \"b\": @}", MIGCFG_ERR_CHANNEL, 13, "JSON parse error, stray '@'");
    REJECT("{\"a\": 1} x", MIGCFG_ERR_CHANNEL, 9, "Expecting at most one JSON value");
    REJECT("{", MIGCFG_ERR_CHANNEL, 1, "JSON parse error, premature EOI");
    REJECT("{\"a\": \"\\ud800\"}", MIGCFG_ERR_CHANNEL, 7,
           "JSON parse error, \\ud800 is not a valid Unicode character");
    /* Capacities. */
    static char big[8192];
    snprintf(big, sizeof big, "unix:/%0*d", (int)MIGCFG_CHANNEL_STRING_CAPACITY, 0);
    CHECK_RC(add(&inc, big, NULL), MIGCFG_ERR_CAPACITY);
    /* The main channel is still the first one. */
    MigcfgChannel c = channel_of(MIGCFG_CHANNEL_MAIN);
    CHECK_CSTR(c.host, "h");
}

static void test_help(void)
{
    size_t need = 0, len = 0;
    CHECK_RC(migcfg_help_write(NULL, 0, &need), MIGCFG_ERR_NOSPACE);
    CHECK(need > 1000);
    CHECK_RC(migcfg_help_write(NULL, 16, &len), MIGCFG_ERR_NULL);
    char small[8];
    CHECK_RC(migcfg_help_write(small, sizeof small, NULL), MIGCFG_ERR_NULL);
    len = 0;
    CHECK_RC(migcfg_help_write(small, sizeof small, &len), MIGCFG_ERR_NOSPACE);
    CHECK_U64(len, need);
    char *buf = malloc(need + 1);
    CHECK(buf != NULL);
    if (!buf)
        return;
    memset(buf, 'X', need + 1);
    CHECK_RC(migcfg_help_write(buf, need, &len), MIGCFG_ERR_NOSPACE); /* no room for NUL */
    CHECK_RC(migcfg_help_write(buf, need + 1, &len), MIGCFG_OK);
    CHECK_U64(len, need);
    CHECK(buf[need] == 0);
    CHECK_U64(strlen(buf), need);
    /* A line per parameter of the schema (as the library names them), in QEMU's style. */
    int lines = 0;
    for (const char *p = buf; *p; p++)
        lines += *p == '\n';
    /* Title, parameters, empty line, capability title, capabilities (the newest release's:
     * zero-blocks is gone since 11.0). */
    CHECK_INT(lines, MIGCFG_PARAM__COUNT + 1 + 2 + MIGCFG_CAP_COUNT - 1);
    for (uint32_t bit = 0; bit < MIGCFG_CAP_COUNT; bit++) {
        char head[96];
        snprintf(head, sizeof head, "\n  %s=<bool>", migcfg_cap_name(bit));
        CHECK_AT(__LINE__, (strstr(buf, head) != NULL) == (strcmp(migcfg_cap_name(bit), "zero-blocks") != 0));
    }
    /* For a 10.2 VMM: what 10.2 has (zero-blocks, no local nor x-rdma-chunk-size). */
    {
        static MigcfgIncoming inc102;
        static char h102[16384];
        size_t n102 = 0;
        migcfg_incoming_init(&inc102);
        CHECK_RC(migcfg_incoming_target(&inc102, 10, 2), MIGCFG_OK);
        CHECK_RC(migcfg_incoming_help_write(&inc102, h102, sizeof h102, &n102), MIGCFG_OK);
        CHECK(strstr(h102, "\n  zero-blocks=<bool>") != NULL);
        CHECK(strstr(h102, "\n  local=") == NULL && strstr(h102, "\n  x-rdma-chunk-size=") == NULL);
        CHECK(strstr(h102, "\n  multifd-channels=<uint8>") != NULL);
        CHECK_RC(migcfg_incoming_help_write(NULL, h102, sizeof h102, &n102), MIGCFG_ERR_NULL);
        CHECK_RC(migcfg_incoming_target(NULL, 10, 2), MIGCFG_ERR_NULL);
        CHECK_RC(migcfg_incoming_target(&inc102, 0, 1), MIGCFG_ERR_INVALID_ARG);
    }
    for (uint32_t id = 0; id < MIGCFG_PARAM__COUNT; id++) {
        char head[96];
        snprintf(head, sizeof head, "\n  %s=<", migcfg_param_name(id));
        const char *line = strstr(buf, head);
        CHECK_AT(__LINE__, line != NULL);
        if (line) {
            const char *end = strchr(line + 1, '\n');
            const char *dash = strstr(line, " - ");
            const char *dflt = strstr(line, "(default: ");
            CHECK(end && dash && dflt && dash < end && dflt < end && end[-1] == ')');
        }
    }
    CHECK(strstr(buf, "  multifd-channels=<uint8>") != NULL);
    CHECK(strstr(buf, " - Number of parallel multifd channels (default: 2, 1..255)\n") != NULL);
    CHECK(strstr(buf, "(default: normal, one of: normal cpr-reboot cpr-transfer cpr-exec)") !=
          NULL);
    free(buf);
}

/* An argument that lies inside the state it would change (a string read back from it) is
 * refused, the state unchanged; the same text copied out is taken. */
static void test_text_inside_the_state(void)
{
    migcfg_incoming_init(&inc);
    ADD_OK("config:tls-creds=tcp:localhost:4444");
    const char *s = NULL;
    size_t n = 0;
    CHECK_RC(migcfg_get_str(migcfg_incoming_params(&inc), MIGCFG_PARAM_TLS_CREDS, &s, &n), MIGCFG_OK);
    CHECK_MEM(s, n, "tcp:localhost:4444");
    MigcfgError err;
    memset(&err, 0x55, sizeof err);
    memcpy(&saved, &inc, sizeof inc);
    CHECK_RC(migcfg_incoming_add(&inc, s, n, &err), MIGCFG_ERR_INVALID_ARG);
    CHECK_RC(err.code, MIGCFG_ERR_INVALID_ARG);
    CHECK_U64(err.offset, 0);
    CHECK_STR(err.message, "Text lies inside the storage it would change");
    CHECK(memcmp(&saved, &inc, sizeof inc) == 0);
    char copy[32];
    memcpy(copy, s, n);
    CHECK_RC(migcfg_incoming_add(&inc, copy, n, NULL), MIGCFG_OK);
    MigcfgChannel c = channel_of(MIGCFG_CHANNEL_MAIN);
    CHECK_CSTR(c.host, "localhost");
    migcfg_incoming_init(&inc);
}

/* Any bytes are a valid state: one never initialised makes no function crash or hang, and
 * every string it hands out lies inside it. */
static long any_channels, any_args;

static void read_state(const MigcfgIncoming *st)
{
    static char out[1 << 16];
    size_t n;
    (void)migcfg_incoming_has_config(st);
    (void)migcfg_incoming_defer(st);
    (void)migcfg_incoming_local(st);
    CHECK(migcfg_incoming_mode(st) < 4);
    CHECK(migcfg_incoming_mode_name(st) != NULL);
    (void)migcfg_incoming_help_write(st, out, sizeof out, &n);
    const MigcfgParams *p = migcfg_incoming_params(st);
    CHECK(p != NULL);
    for (uint32_t id = 0; id < MIGCFG_PARAM__COUNT; id++) {
        const char *s;
        size_t len;
        uint64_t u;
        (void)migcfg_get_u64(p, id, &u);
        if (migcfg_get_str(p, id, &s, &len) == MIGCFG_OK && id != MIGCFG_PARAM_MODE &&
            id != MIGCFG_PARAM_MULTIFD_COMPRESSION && id != MIGCFG_PARAM_ZERO_PAGE_DETECTION)
            CHECK(H_INSIDE(s, len, st));
    }
    (void)migcfg_format_json_ex(p, MIGCFG_FORMAT_ALL, out, sizeof out, &n);
    for (uint32_t t = 0; t <= 2; t++) {
        (void)migcfg_incoming_has_channel(st, t);
        MigcfgChannel c;
        if (migcfg_incoming_channel(st, t, &c) != MIGCFG_OK)
            continue;
        any_channels++;
        const MigcfgStr strs[] = {c.host, c.port, c.path, c.cid, c.fd, c.filename};
        for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
            CHECK(strs[i].s == NULL || H_INSIDE(strs[i].s, strs[i].len, st));
        for (size_t i = 0; i <= c.argc && i <= MIGCFG_CHANNEL_ARGS_CAPACITY; i++) {
            const char *s;
            size_t len;
            if (migcfg_incoming_channel_arg(st, t, i, &s, &len) == MIGCFG_OK) {
                any_args++;
                CHECK(H_INSIDE(s, len, st));
            }
        }
    }
}

static void test_any_bytes(void)
{
    static MigcfgIncoming st, before;
    static const char *const args[] = {
        "config:multifd-channels=4,tls-creds=x",
        "tcp:localhost:4444",
        "exec:cat /tmp/x",
        "cpr,addr.transport=socket,addr.type=unix,addr.path=/c",
        "defer",
    };
    uint64_t x = 0x2545F4914F6CDD1DULL;
    h_watch("test_any_bytes", 120); /* it takes well under a second */
    for (int round = 0; round < 300; round++) {
        if (round % 2 == 0) {
            h_fill_random(&st, sizeof st, &x);
        } else {
            /* A full state with some of its bytes, or words, replaced by small numbers:
             * counts and offsets that look plausible, and flags still valid. */
            migcfg_incoming_init(&st);
            CHECK_RC(add(&st, "config:tls-creds=abc,cpr-exec-command.0=q", NULL), MIGCFG_OK);
            CHECK_RC(add(&st, "exec:cat /tmp/x", NULL), MIGCFG_OK);
            CHECK_RC(add(&st, "cpr,addr.transport=socket,addr.type=inet,addr.host=h,addr.port=1", NULL), MIGCFG_OK);
            h_scribble(&st, sizeof st, 1 + round % 64, 5000, &x);
        }
        read_state(&st);
        memcpy(&before, &st, sizeof st);
        for (size_t a = 0; a < sizeof args / sizeof args[0]; a++) {
            int32_t rc = add(&st, args[a], NULL);
            if (rc == MIGCFG_OK)
                read_state(&st);
            else
                CHECK(memcmp(&st, &before, sizeof st) == 0);
            memcpy(&before, &st, sizeof st);
        }
        (void)migcfg_incoming_set_flags(&st, MIGCFG_PARSE_CAPABILITIES);
        (void)migcfg_incoming_target(&st, 9, 2);
        read_state(&st);
    }
    /* Garbage states that claim channels and exec arguments were read, not only refused. */
    printf("any bytes: %ld channel reads, %ld exec argument reads\n", any_channels, any_args);
    CHECK(any_channels > 0 && any_args > 0);
    alarm(0);
}

int main(void)
{
    test_layout_and_zero_state();
    test_null_and_bad_arguments();
    test_config();
    test_flags();
    test_uri_forms();
    test_object_forms();
    test_combination_rules();
    test_errors();
    test_help();
    test_text_inside_the_state();
    test_any_bytes();
    return h_finish();
}
