/*
 * A tiny VMM main() showing early use of migcfg: the command line is walked the way
 * QEMU's qemu_init() walks it, every "-incoming config:..." goes to migcfg as it is met,
 * and a "backend" reads `mode` long before any migration object exists.
 *
 *   example_vmm -M q35 -incoming 'config:multifd-channels=4,mode=cpr-transfer' -incoming unix:/tmp/mig.sock
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migcfg.h"

/* Caller-owned, fixed size, no allocation: lives in .bss. */
static MigcfgParams early_params;

/* A device backend created before the migration object: it only needs `mode`. */
static void tap_backend_init(void)
{
    const char *mode;
    size_t len;
    if (migcfg_get_str(&early_params, MIGCFG_PARAM_MODE, &mode, &len) == MIGCFG_OK) {
        printf("backend: migration mode is %.*s\n", (int)len, mode);
    }
}

int main(int argc, char **argv)
{
    MigcfgError err;
    int channels = 0;
    int seen_config = 0;

    migcfg_params_init(&early_params);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-incoming") != 0 || i + 1 >= argc) {
            continue;
        }
        const char *arg = argv[++i];
        if (strncmp(arg, "config:", 7) == 0) {
            if (seen_config++) {
                fprintf(stderr, "-incoming %s: Only one '-incoming config:' is allowed\n", arg);
                return 1;
            }
            const char *text = arg + 7;
            if (migcfg_parse(&early_params, text, strlen(text), &err) < 0) {
                fprintf(stderr, "-incoming %s: %s\n", arg, err.message);
                return 1;
            }
        } else {
            printf("channel: %s\n", arg);
            channels++;
        }
    }

    tap_backend_init();

    /* What the migration object would start from: every effective value. */
    size_t need = 0;
    migcfg_format_json_ex(&early_params, MIGCFG_FORMAT_ALL, NULL, 0, &need);
    char *buf = malloc(need + 1);
    if (!buf || migcfg_format_json_ex(&early_params, MIGCFG_FORMAT_ALL, buf, need + 1, &need) != MIGCFG_OK) {
        return 1;
    }
    printf("parameters: %s\n", buf);
    free(buf);
    (void)channels;
    return 0;
}
