#include "qemu/osdep.h"
#include "qemu/cutils.h"
/*
 * QEMU's own number readers of the -incoming URIs, one answer per input line:
 * "z <text>" asks qemu_strtosz (file: offsets), "u <text>" qemu_strtou64 base 0 (inet
 * numbers). Prints "OK <value>", "ERANGE" or "EINVAL". Built against a QEMU build tree
 * (numbers.py says how); numbers.py turns its answers into core/tests/data/numbers.txt.
 */
int main(void) {
    char line[65536];
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strlen(line);
        if (n && line[n-1] == '\n') line[--n] = 0;
        uint64_t v = 0; int r;
        if (line[0] == 'z') r = qemu_strtosz(line + 2, NULL, &v);
        else r = qemu_strtou64(line + 2, NULL, 0, &v);
        if (r == 0) printf("OK %" PRIu64 "\n", v);
        else printf("%s\n", r == -ERANGE ? "ERANGE" : r == -EINVAL ? "EINVAL" : "OTHER");
    }
    return 0;
}
