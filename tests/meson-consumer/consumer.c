/*
 * What a C VMM does with migcfg at the top of main(): check the ABI, parse the
 * `-incoming config:` text into a caller-owned table, read parameters back, and report a
 * rejected input in QEMU's words. argv[1] is the version pkg-config reported.
 */
#include <migcfg.h>

#include <stdio.h>
#include <string.h>

static MigcfgParams early; /* static: all-zero is a valid, empty table */

static int fail(const char *what)
{
    fprintf(stderr, "consumer: %s\n", what);
    return 1;
}

int main(int argc, char **argv)
{
    MigcfgError err;
    const char *text = "multifd-channels=4,max-bandwidth=1G,mode=cpr-transfer";
    uint64_t channels = 0, bandwidth = 0;
    const char *mode = NULL;
    size_t len = 0;

    if (MIGCFG_ABI_CHECK() != MIGCFG_OK)
        return fail("migcfg.h and libmigcfg.a disagree (migcfg_abi_check)");
    if (argc > 1 && strcmp(argv[1], migcfg_version()) != 0)
        return fail("pkg-config version differs from migcfg_version()");

    migcfg_params_init(&early);
    if (migcfg_parse(&early, text, strlen(text), &err) != MIGCFG_OK) {
        fprintf(stderr, "-incoming config:%s: %s\n", text, err.message);
        return 1;
    }
    if (migcfg_get_u64(&early, MIGCFG_PARAM_MULTIFD_CHANNELS, &channels) != MIGCFG_OK ||
        migcfg_get_u64(&early, MIGCFG_PARAM_MAX_BANDWIDTH, &bandwidth) != MIGCFG_OK ||
        migcfg_get_str(&early, MIGCFG_PARAM_MODE, &mode, &len) != MIGCFG_OK)
        return fail("a getter failed");
    if (channels != 4 || bandwidth != 1073741824u || len != 12 || memcmp(mode, "cpr-transfer", 12) != 0)
        return fail("wrong values");

    const char *bad = "multifd-channels=4,max-bandwidth=1Q";
    int rc = migcfg_parse(&early, bad, strlen(bad), &err);
    if (rc != MIGCFG_ERR_VALUE || err.code != rc)
        return fail("a bad size was not MIGCFG_ERR_VALUE");
    printf("migcfg %s: multifd-channels=%llu max-bandwidth=%llu mode=%.*s\n", migcfg_version(),
           (unsigned long long)channels, (unsigned long long)bandwidth, (int)len, mode);
    printf("-incoming config:%s: %s (%s at byte %zu)\n", bad, err.message,
           migcfg_status_name(rc), err.offset);
    return 0;
}
