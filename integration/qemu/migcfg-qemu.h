/*
 * migcfg inside QEMU: the three entry points QEMU's code calls (see apply.py for where).
 * Written for migcfg; compiled into qemu-system-* by the meson lines apply.py adds.
 */
#ifndef MIGCFG_QEMU_H
#define MIGCFG_QEMU_H

#include <stdbool.h>

/*
 * qemu_init(), case QEMU_OPTION_incoming: every -incoming argument goes through migcfg
 * first. A bad argument exits with status 1 and "-incoming <arg>: <message>"; config:help
 * prints the listing and exits 0. Returns true when the argument was the config (QEMU has
 * nothing more to do with it), false for a channel, which QEMU then parses as before.
 */
bool migcfg_qemu_incoming(const char *arg);

/*
 * CPR's incoming mode (cpr_get_incoming_mode): the mode the config set, while the
 * migration object does not exist yet (afterwards it is in the object's parameters).
 * Returns false when the config set no mode or the object exists; else stores a MigMode.
 */
bool migcfg_qemu_early_mode(int *mode);

/*
 * migration_object_init(), once the object exists (compat properties and -global applied)
 * and before QEMU checks it: re-check the config over the object's real values, then
 * apply its parameters and capabilities on top. A failure exits with status 1.
 */
void migcfg_qemu_apply(void);

#endif
