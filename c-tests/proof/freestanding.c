/* Proof 3, freestanding link (and, linked against the panic-never build, part of proof 2):
 * what firmware-style early init looks like. Built -ffreestanding -nostdlib -static with
 * its own _start (start.h) and memory builtins (mem.c), linked -Wl,--gc-sections against
 * the freestanding libmigcfg.a (cargo build --no-default-features). No libc at all.
 *
 *   freestanding TEXT   parse TEXT as config text into a static table; exit status is
 *                       minus the migcfg status (0 accepted, 6 a failed check, ...)
 *   freestanding        parse a known config, check what the getters read back, then run
 *                       the proof driver (every exported function, inputs up to 4 KiB);
 *                       exit 0 when everything holds */
#include "start.h"

static unsigned long failures;
#define PROOF_BIG 4096u
#include "driver.h"

static void proof_fail(const char *what, long value)
{
    (void)value;
    if (failures++ < 20) {
        proof_puts("freestanding: contract: ");
        proof_puts(what);
        proof_puts(" on input \"");
        proof_puts(proof_label);
        proof_puts("\"\n");
    }
}

static int proof_skip(const char *name, size_t size)
{
    (void)name;
    (void)size;
    return 0;
}

static MigcfgParams early; /* caller-owned, static, no heap anywhere */

int proof_main(int argc, char **argv)
{
    MigcfgError err;
    migcfg_params_init(&early);
    if (argc > 1) {
        int32_t r = migcfg_parse(&early, argv[1], proof_strlen(argv[1]), &err);
        if (r < 0) {
            proof_puts(err.message);
            proof_puts("\n");
        }
        return r < 0 ? -r : r;
    }

    static const char text[] = "multifd-channels=4,max-bandwidth=1G,mode=cpr-transfer";
    int32_t r = migcfg_parse(&early, text, sizeof text - 1, &err);
    uint64_t channels = 0, bw = 0;
    const char *mode = 0;
    size_t mode_len = 0;
    if (r != MIGCFG_OK ||
        migcfg_get_u64(&early, MIGCFG_PARAM_MULTIFD_CHANNELS, &channels) != MIGCFG_OK ||
        migcfg_get_u64(&early, MIGCFG_PARAM_MAX_BANDWIDTH, &bw) != MIGCFG_OK ||
        migcfg_get_str(&early, MIGCFG_PARAM_MODE, &mode, &mode_len) != MIGCFG_OK ||
        channels != 4 || bw != 1ull << 30 || mode_len != 12 ||
        !proof_mem_eq(mode, "cpr-transfer", 12)) {
        proof_puts("freestanding: the known config did not read back\n");
        return 20;
    }
    static const char bad[] = "multifd-channels=0";
    r = migcfg_parse(&early, bad, sizeof bad - 1, &err);
    if (r != MIGCFG_ERR_CHECK || err.code != r ||
        migcfg_get_u64(&early, MIGCFG_PARAM_MULTIFD_CHANNELS, &channels) != MIGCFG_OK ||
        channels != 4) {
        proof_puts("freestanding: a failed check was not reported, or changed the table\n");
        return 21;
    }
    proof_drive(0);
    if (failures) {
        return 22;
    }
    proof_puts("freestanding: known config read back, failed check reported, every exported "
               "function run: ok\n");
    return 0;
}
