/*
 * migcfg-fmt CONFIG: parse CONFIG (what follows "config:") as QEMU 10.2 with capabilities,
 * and print the QMP arguments that configure a QEMU the same way:
 *   line 1: migrate-set-parameters arguments (migcfg_format_json)
 *   line 2: migrate-set-capabilities arguments (migcfg_format_caps_json)
 * Exit 1 with the message when CONFIG is refused. Used by check.py for the source QEMU.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migcfg.h"

static MigcfgParams params;

static int print(int32_t (*fmt)(const MigcfgParams *, char *, size_t, size_t *))
{
    size_t len = 0;
    char *buf;

    fmt(&params, NULL, 0, &len);
    buf = malloc(len + 1);
    if (!buf || fmt(&params, buf, len + 1, &len) != MIGCFG_OK) {
        return 1;
    }
    printf("%s\n", buf);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    MigcfgError err;

    if (argc != 2) {
        fprintf(stderr, "usage: %s CONFIG\n", argv[0]);
        return 2;
    }
    migcfg_params_init(&params);
    migcfg_params_target(&params, 10, 2);
    if (migcfg_parse_ex(&params, argv[1], strlen(argv[1]), MIGCFG_PARSE_CAPABILITIES, &err) < 0) {
        fprintf(stderr, "config:%s: %s\n", argv[1], err.message);
        return 1;
    }
    return print(migcfg_format_json) || print(migcfg_format_caps_json);
}
