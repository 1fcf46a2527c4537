/*
 * migcfg inside QEMU: -incoming config:<text> parsed by libmigcfg while qemu_init() walks
 * the command line, read early by CPR, re-checked and applied when the migration object is
 * created. Written for migcfg (integration/qemu); QEMU's code is not copied here, only
 * called. apply.py adds this file to QEMU's build and the three calls to QEMU's code.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qapi/error.h"
#include "qapi/util.h"
#include "qapi/visitor.h"
#include "qapi/qobject-output-visitor.h"
#include "qapi/qapi-commands-migration.h"
#include "qapi/qapi-visit-migration.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include "exec/target_page.h"

#include "migcfg.h"
#include "migcfg-qemu.h"

/* The QEMU release this tree is: parameters it does not have (local) are unexpected. */
#define MIGCFG_QEMU_MAJOR 10
#define MIGCFG_QEMU_MINOR 2

/* Every -incoming argument of the command line (caller-owned, fixed size, in .bss). */
static MigcfgIncoming migcfg_incoming;
static bool migcfg_started;     /* migcfg_incoming is initialised */
static const char *migcfg_arg;  /* the -incoming config:... argument, for messages */
static bool migcfg_applied;     /* the migration object exists and has the config */

static const MigcfgParams *migcfg_qemu_params(void)
{
    if (!migcfg_started) {
        migcfg_started = true;
        migcfg_incoming_init(&migcfg_incoming);
        migcfg_incoming_set_flags(&migcfg_incoming, MIGCFG_PARSE_CAPABILITIES);
        /* This QEMU's release: members it lacks (local, x-rdma-chunk-size) are refused. */
        migcfg_incoming_target(&migcfg_incoming, MIGCFG_QEMU_MAJOR, MIGCFG_QEMU_MINOR);
    }
    return migcfg_incoming_params(&migcfg_incoming);
}

/* config:help: migcfg's listing on stdout, then exit 0. */
static void G_NORETURN migcfg_qemu_help(void)
{
    size_t len = 0;
    char *buf;

    migcfg_incoming_help_write(&migcfg_incoming, NULL, 0, &len);
    buf = g_malloc(len + 1);
    if (migcfg_incoming_help_write(&migcfg_incoming, buf, len + 1, &len) != MIGCFG_OK) {
        exit(1);
    }
    fwrite(buf, 1, len, stdout);
    exit(0);
}

bool migcfg_qemu_incoming(const char *arg)
{
    MigcfgError err;
    int32_t rc;
    /* channel_diff.py: MIGCFG_QEMU_CHANNELS=qemu or =migcfg has one parser alone judge
     * channels (as default, both do: migcfg first, then QEMU keeps what migcfg accepted). */
    const char *only = getenv("MIGCFG_QEMU_CHANNELS");
    bool channel = !g_str_has_prefix(arg, "config:");

    if (channel && only && !strcmp(only, "qemu")) {
        return false;
    }
    migcfg_qemu_params();
    rc = migcfg_incoming_add(&migcfg_incoming, arg, strlen(arg), &err);
    if (rc == MIGCFG_HELP) {
        migcfg_qemu_help();
    }
    if (rc < 0) {
        /* qemu_init() has the option as error location: "-incoming <arg>: " comes first */
        error_report("%s", err.message);
        exit(1);
    }
    if (channel) {
        /* a channel, URI or defer: QEMU parses and keeps it, as before */
        return only && !strcmp(only, "migcfg");
    }
    migcfg_arg = arg;
    return true;
}

bool migcfg_qemu_early_mode(int *mode)
{
    int m;

    if (migcfg_applied || !migcfg_arg ||
        !migcfg_is_set(migcfg_qemu_params(), MIGCFG_PARAM_MODE)) {
        return false;
    }
    m = qapi_enum_parse(&MigMode_lookup, migcfg_incoming_mode_name(&migcfg_incoming), -1, NULL);
    if (m < 0) {
        return false;
    }
    *mode = m;
    return true;
}

static void G_NORETURN migcfg_qemu_fail(const char *message)
{
    error_report("-incoming %s: %s", migcfg_arg, message);
    exit(1);
}

/* The object's effective values (defaults, compat properties, -global) as a migcfg table. */
static void migcfg_qemu_defaults(MigcfgParams *d)
{
    MigrationParameters *mp = qmp_query_migrate_parameters(&error_abort);
    MigrationCapabilityStatusList *caps, *c;
    QObject *obj = NULL;
    Visitor *v = qobject_output_visitor_new(&obj);
    QDict *dict;
    const QDictEntry *e;

    visit_type_MigrationParameters(v, NULL, &mp, &error_abort);
    visit_complete(v, &obj);
    visit_free(v);
    qapi_free_MigrationParameters(mp);
    dict = qobject_to(QDict, obj);
    for (e = qdict_first(dict); e; e = qdict_next(dict, e)) {
        const char *key = qdict_entry_key(e);
        QObject *val = qdict_entry_value(e);
        MigcfgError err;
        uint32_t id;
        uint64_t u;
        const char *s;
        int32_t rc = MIGCFG_OK;

        if (migcfg_param_lookup(key, strlen(key), &id) != MIGCFG_OK) {
            continue;
        }
        switch (qobject_type(val)) {
        case QTYPE_QNUM:
            if (qnum_get_try_uint(qobject_to(QNum, val), &u)) {
                rc = migcfg_set_u64(d, id, u, &err);
            }
            break;
        case QTYPE_QBOOL:
            rc = migcfg_set_bool(d, id, qbool_get_bool(qobject_to(QBool, val)), &err);
            break;
        case QTYPE_QSTRING:
            s = qstring_get_str(qobject_to(QString, val));
            rc = migcfg_set_str(d, id, s, strlen(s), &err);
            break;
        default:
            /* Lists (block-bitmap-mapping, cpr-exec-command): no check reads them
             * together with another parameter, and QEMU checks them again below. */
            break;
        }
        if (rc < 0) {
            warn_report("migcfg: %s of the migration object: %s", key, err.message);
        }
    }
    qobject_unref(obj);

    caps = qmp_query_migrate_capabilities(&error_abort);
    for (c = caps; c; c = c->next) {
        const char *name = MigrationCapability_str(c->value->capability);
        uint32_t bit;

        if (migcfg_cap_lookup(name, strlen(name), &bit) == MIGCFG_OK) {
            migcfg_set_cap(d, bit, c->value->state);
        }
    }
    qapi_free_MigrationCapabilityStatusList(caps);
}

typedef int32_t MigcfgFormatFn(const MigcfgParams *p, char *buf, size_t cap, size_t *len);
typedef void QmpMarshalFn(QDict *args, QObject **ret, Error **errp);

/* Run one QMP command (its marshaller, as the monitor would) on migcfg's formatted arguments. */
static void migcfg_qemu_qmp(const MigcfgParams *p, MigcfgFormatFn *fmt, QmpMarshalFn *cmd)
{
    size_t len = 0;
    g_autofree char *json = NULL;
    QObject *args, *ret = NULL;
    Error *err = NULL;

    fmt(p, NULL, 0, &len);
    json = g_malloc(len + 1);
    if (fmt(p, json, len + 1, &len) != MIGCFG_OK) {
        migcfg_qemu_fail("cannot format the configuration");
    }
    args = qobject_from_json(json, &err);
    if (args) {
        cmd(qobject_to(QDict, args), &ret, &err);
    }
    qobject_unref(args);
    qobject_unref(ret);
    if (err) {
        migcfg_qemu_fail(error_get_pretty(err));
    }
}

void migcfg_qemu_apply(void)
{
    MigcfgParams *p, *defaults;
    MigcfgError err;
    uint64_t caps_set = 0;

    if (!migcfg_arg) {
        migcfg_applied = true;
        return;
    }
    /* The config as parsed, with this target's page size, over the object's values. */
    p = g_memdup2(migcfg_qemu_params(), sizeof(*p));
    defaults = g_new(MigcfgParams, 1);
    migcfg_params_init(defaults);
    migcfg_params_set_page_size(p, qemu_target_page_size());
    migcfg_params_set_page_size(defaults, qemu_target_page_size());
    migcfg_qemu_defaults(defaults);
    if (migcfg_params_check(p, defaults, &err) < 0) {
        migcfg_qemu_fail(err.message);
    }

    /* Parameters, then capabilities (QEMU's capability checks read the parameters). */
    migcfg_qemu_qmp(p, migcfg_format_json, qmp_marshal_migrate_set_parameters);
    migcfg_get_caps(p, NULL, &caps_set);
    if (caps_set) {
        migcfg_qemu_qmp(p, migcfg_format_caps_json, qmp_marshal_migrate_set_capabilities);
    }
    g_free(defaults);
    g_free(p);
    migcfg_applied = true;
}
