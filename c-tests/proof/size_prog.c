/* Proof 5 (size) and proof 2 (panic-never): a freestanding program whose only content is a
 * table of the addresses of every exported function (keep_all.c, generated from the
 * header), so the link keeps every function and all it can reach; the baseline links
 * keep_none.c, a table of the same size of NULLs. The difference in text + rodata is what
 * the library adds to a C program. Built -ffreestanding -nostdlib -static
 * -Wl,--gc-sections. */
#ifdef PROOF_HOSTED
/* The same program for a hosted link (the default library's figures, for scale). */
int proof_main(int argc, char **argv);
int main(int argc, char **argv) { return proof_main(argc, argv); }
#else
#include "start.h"
#endif

typedef void (*proof_fp)(void);
extern proof_fp const proof_keep[];
extern unsigned long const proof_keep_count;

int proof_main(int argc, char **argv)
{
    (void)argv;
    /* Read the table so it (and through it, every function) is kept. */
    unsigned long live = 0;
    for (unsigned long i = 0; i < proof_keep_count; i++) {
        live += *(proof_fp const volatile *)&proof_keep[i] != 0;
    }
    return argc > 1000 ? (int)live : 0;
}
