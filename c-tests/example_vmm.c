/*
 * example_vmm: the model of how a C VMM uses migcfg at the top of main().
 *
 * It walks argv the way QEMU's qemu_init() does (options are handled as they are met),
 * hands every -incoming argument to migcfg whole, and then does what QEMU does before the
 * migration object exists:
 *
 *   1. option walk      every -incoming goes to migcfg_incoming_add(); an error is printed
 *                       as "-incoming <arg>: <message>" and the VMM exits 1; config:help
 *                       prints the parameter listing and exits 0
 *   2. validate         QEMU's cross-option rules (-incoming vs -loadvm, -preconfig)
 *   3. early backends   a device backend reads `mode` and `local` long before any
 *                       migration object exists (in QEMU, CPR's incoming_mode global)
 *   4. cpr state        the cpr channel, consumed first (QEMU's cpr_state_load())
 *   5. migration object its defaults (machine compat, -global migration.*), the config
 *                       re-checked over them, then applied with the walk
 *   6. incoming         the main channel, or defer
 *
 *   example_vmm -M q35 -m 128 \
 *       -incoming 'config:multifd-channels=4,mode=cpr-transfer' \
 *       -incoming unix:/tmp/mig.sock \
 *       -incoming cpr,addr.transport=socket,addr.type=unix,addr.path=/tmp/cpr.sock \
 *       -global migration.downtime-limit=500
 *
 * This VMM is "QEMU 10.2": it targets that release (so `local` is refused as 10.2 would)
 * and accepts capabilities in the config (migcfg's extension, MIGCFG_PARSE_CAPABILITIES).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migcfg.h"

/* Caller-owned, fixed size, no allocation: lives in .bss (all-zero is a fresh state). */
static MigcfgIncoming incoming;

static const char *progname = "example_vmm";
static const char *loadvm;
static const char *machine = "q35";
static bool preconfig;

/* The release this VMM is. */
#define VMM_QEMU_MAJOR 10
#define VMM_QEMU_MINOR 2

/* -global migration.<parameter>=<value>, in command-line order. */
static const char *globals[16];
static int nglobals;

/* Options that take an argument, as in qemu-options.hx (a few of them). */
static const char *const options_with_arg[] = {
    "-M", "-machine", "-m", "-smp", "-cpu", "-name", "-accel", "-object", "-device",
    "-netdev", "-chardev", "-drive", "-global", "-monitor", "-qmp", "-loadvm", "-incoming",
};
static const char *const flag_options[] = {"-S", "-nographic", "-daemonize", "-preconfig"};

static bool in(const char *opt, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(opt, set[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* QEMU's case QEMU_OPTION_incoming: incoming_option_parse(optarg). */
static void incoming_option(const char *arg)
{
    MigcfgError err;
    int32_t rc = migcfg_incoming_add(&incoming, arg, strlen(arg), &err);
    if (rc == MIGCFG_HELP) {
        /* Like -device foo,help: print the listing and exit successfully. */
        size_t len = 0;
        migcfg_incoming_help_write(&incoming, NULL, 0, &len);
        char *text = malloc(len + 1);
        if (!text || migcfg_incoming_help_write(&incoming, text, len + 1, &len) != MIGCFG_OK) {
            exit(1);
        }
        fputs(text, stdout);
        free(text);
        exit(0);
    }
    if (rc < 0) {
        /* QEMU's wording, QEMU's format; err.offset points at the problem in `arg`. */
        fprintf(stderr, "-incoming %s: %s\n", arg, err.message);
        exit(1);
    }
}

static void str(const char *name, MigcfgStr s)
{
    if (s.s) {
        printf(" %s=%.*s", name, (int)s.len, s.s);
    }
}

static void opt(const char *name, int64_t v)
{
    if (v >= 0) {
        printf(" %s=%lld", name, (long long)v);
    }
}

static void print_channel(const char *label, uint32_t type)
{
    static const char *const transports[] = {"socket", "exec", "rdma", "file"};
    static const char *const sockets[] = {"inet", "unix", "vsock", "fd"};
    MigcfgChannel c;

    printf("%s channel:", label);
    if (type == MIGCFG_CHANNEL_MAIN && migcfg_incoming_defer(&incoming)) {
        printf(" defer (waits for migrate-incoming)\n");
        return;
    }
    if (migcfg_incoming_channel(&incoming, type, &c) != MIGCFG_OK) {
        printf(" none\n");
        return;
    }
    printf(" %s", c.transport < 4 ? transports[c.transport] : "?");
    if (c.transport == MIGCFG_TRANSPORT_SOCKET) {
        printf(" %s", c.socket_type < 4 ? sockets[c.socket_type] : "?");
    }
    str("host", c.host);
    str("port", c.port);
    str("path", c.path);
    str("cid", c.cid);
    str("fd", c.fd);
    str("filename", c.filename);
    if (c.transport == MIGCFG_TRANSPORT_FILE) {
        printf(" offset=%llu", (unsigned long long)c.offset);
    }
    opt("numeric", c.numeric);
    opt("to", c.to);
    opt("ipv4", c.ipv4);
    opt("ipv6", c.ipv6);
    opt("keep-alive", c.keep_alive);
    opt("keep-alive-count", c.keep_alive_count);
    opt("keep-alive-idle", c.keep_alive_idle);
    opt("keep-alive-interval", c.keep_alive_interval);
    opt("mptcp", c.mptcp);
    opt("abstract", c.unix_abstract);
    opt("tight", c.unix_tight);
    for (size_t i = 0; i < c.argc; i++) {
        const char *a;
        size_t n;
        if (migcfg_incoming_channel_arg(&incoming, type, i, &a, &n) == MIGCFG_OK) {
            /* Each argument is also NUL-terminated: usable as argv[i] directly. */
            printf(" argv[%zu]=%s", i, a);
        }
    }
    printf("\n");
}

/* A device backend created during machine setup, before the migration object: it only
 * needs to know whether its state (fds) arrives through CPR or a local migration. */
static void tap_backend_init(void)
{
    uint32_t mode = migcfg_incoming_mode(&incoming);
    bool local = migcfg_incoming_local(&incoming);
    printf("backend: migration mode %s%s\n", migcfg_incoming_mode_name(&incoming),
           local ? ", local" : "");
    if (mode == MIGCFG_MODE_CPR_TRANSFER || mode == MIGCFG_MODE_CPR_EXEC || local) {
        printf("backend: waiting for the tap fd from the source instead of opening it\n");
    }
}

/* The apply walk: one call per parameter (then capability) the config set, with a typed
 * value. A real VMM stores each into its MigrationParameters; this one keeps a migcfg table
 * as its "migration object" and sets it with the typed setters. */
static int apply_one(void *opaque, uint32_t id, const MigcfgValue *v)
{
    MigcfgParams *object = opaque;
    switch (v->type) {
    case MIGCFG_TYPE_BOOL:
        return migcfg_set_bool(object, id, v->b, NULL) == MIGCFG_OK ? 0 : 2;
    case MIGCFG_TYPE_UINT8:
    case MIGCFG_TYPE_UINT32:
    case MIGCFG_TYPE_UINT64:
    case MIGCFG_TYPE_SIZE:
        return migcfg_set_u64(object, id, v->u, NULL) == MIGCFG_OK ? 0 : 2;
    case MIGCFG_TYPE_STR:
    case MIGCFG_TYPE_ENUM: /* by name */
        return migcfg_set_str(object, id, v->s, v->len, NULL) == MIGCFG_OK ? 0 : 2;
    case MIGCFG_TYPE_CAPABILITY:
        return migcfg_set_cap(object, id - MIGCFG_CAP_ID_BASE, v->b) == MIGCFG_OK ? 0 : 2;
    default:
        /* Lists: a real VMM copies v->items / v->nodes and v->bitmaps. */
        printf("apply: %s has %zu element(s)\n", migcfg_param_name(id), v->count);
        return 0;
    }
}

int main(int argc, char **argv)
{
    if (argc > 0 && argv[0]) {
        progname = argv[0];
    }
    if (MIGCFG_ABI_CHECK() != MIGCFG_OK) {
        fprintf(stderr, "%s: migcfg library does not match migcfg.h\n", progname);
        return 1;
    }
    migcfg_incoming_init(&incoming);
    migcfg_incoming_target(&incoming, VMM_QEMU_MAJOR, VMM_QEMU_MINOR);
    migcfg_incoming_set_flags(&incoming, MIGCFG_PARSE_CAPABILITIES);

    /* 1. The option walk. */
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (in(opt, flag_options, sizeof flag_options / sizeof flag_options[0])) {
            preconfig |= strcmp(opt, "-preconfig") == 0;
            continue;
        }
        if (!in(opt, options_with_arg, sizeof options_with_arg / sizeof options_with_arg[0])) {
            fprintf(stderr, "%s: %s: invalid option\n", progname, opt);
            return 1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "%s: %s: requires an argument\n", progname, opt);
            return 1;
        }
        const char *arg = argv[++i];
        if (strcmp(opt, "-incoming") == 0) {
            incoming_option(arg);
        } else if (strcmp(opt, "-loadvm") == 0) {
            loadvm = arg;
        } else if (strcmp(opt, "-M") == 0 || strcmp(opt, "-machine") == 0) {
            machine = arg;
        } else if (strcmp(opt, "-global") == 0 && strncmp(arg, "migration.", 10) == 0) {
            if (nglobals == (int)(sizeof globals / sizeof globals[0])) {
                fprintf(stderr, "%s: too many -global migration options\n", progname);
                return 1;
            }
            globals[nglobals++] = arg + 10;
        }
        /* Everything else would be handled here too; this VMM only records it. */
    }

    /* 2. qemu_validate_options(). */
    bool main_incoming = migcfg_incoming_defer(&incoming) ||
                         migcfg_incoming_has_channel(&incoming, MIGCFG_CHANNEL_MAIN);
    if (main_incoming && loadvm) {
        fprintf(stderr, "%s: 'incoming' and 'loadvm' options are mutually exclusive\n",
                progname);
        return 1;
    }
    if (preconfig && main_incoming && !migcfg_incoming_defer(&incoming)) {
        fprintf(stderr, "%s: 'preconfig' supports '-incoming defer' only\n", progname);
        return 1;
    }

    /* 3. Machine and early backends: no migration object yet, but `mode` is known. */
    tap_backend_init();

    /* 4. cpr_state_load(): the cpr channel is read before devices are created. */
    print_channel("cpr", MIGCFG_CHANNEL_CPR);
    if (migcfg_incoming_mode(&incoming) == MIGCFG_MODE_CPR_TRANSFER &&
        !migcfg_incoming_has_channel(&incoming, MIGCFG_CHANNEL_CPR)) {
        printf("note: mode cpr-transfer without a cpr channel: no CPR state will be loaded\n");
    }

    /* 5. migration_object_init(): the object's defaults are the built-in ones, then machine
     * compat properties, then -global. The config is checked over them and applied on top. */
    static MigcfgParams defaults;
    MigcfgError err;
    migcfg_params_init(&defaults);
    migcfg_params_target(&defaults, VMM_QEMU_MAJOR, VMM_QEMU_MINOR);
    if (strstr(machine, "-8.2") || strstr(machine, "-8.1") || strstr(machine, "-8.0")) {
        /* hw_compat_8_2: old machine types detect zero pages the legacy way. */
        migcfg_set_str(&defaults, MIGCFG_PARAM_ZERO_PAGE_DETECTION, "legacy", 6, NULL);
    }
    for (int i = 0; i < nglobals; i++) {
        if (migcfg_parse(&defaults, globals[i], strlen(globals[i]), &err) < 0) {
            fprintf(stderr, "%s: -global migration.%s: %s\n", progname, globals[i], err.message);
            return 1;
        }
    }
    const MigcfgParams *config = migcfg_incoming_params(&incoming);
    if (migcfg_params_check(config, &defaults, &err) < 0) {
        fprintf(stderr, "%s: -incoming config: %s\n", progname, err.message);
        return 1;
    }
    /* The object starts from its defaults; the walk applies what the config set. */
    static MigcfgParams object;
    memcpy(&object, &defaults, sizeof object);
    int rc = migcfg_params_foreach_set(config, apply_one, &object);
    if (rc != MIGCFG_OK) {
        fprintf(stderr, "%s: applying the config failed (%d)\n", progname, rc);
        return 1;
    }
    size_t need = 0;
    uint32_t all = MIGCFG_FORMAT_ALL | MIGCFG_FORMAT_CAPABILITIES;
    migcfg_format_json_ex(&object, all, NULL, 0, &need);
    char *json = malloc(need + 1);
    if (!json || migcfg_format_json_ex(&object, all, json, need + 1, &need) != MIGCFG_OK) {
        return 1;
    }
    printf("parameters: %s\n", json);
    free(json);

    /* 6. qmp_x_exit_preconfig(): start listening on the main channel (or wait). */
    print_channel("main", MIGCFG_CHANNEL_MAIN);
    if (!main_incoming) {
        printf("no -incoming: the VM starts normally\n");
    }
    return 0;
}
