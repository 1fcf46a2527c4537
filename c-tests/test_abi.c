/*
 * ABI pins of include/migcfg.h: the size, alignment and field offsets of every public struct
 * (the same numbers ffi/src/abi.rs asserts at compile time in Rust), the values of the
 * append-only numbers, and the run-time guard migcfg_abi_check().
 *
 * A failed _Static_assert stops the build: a layout changed on one side of the ABI, or
 * cbindgen turned a struct opaque. Then raise MIGCFG_ABI_VERSION (or undo the change).
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "migcfg.h"
#include "harness.h"

#define PTR sizeof(void *)

/* Every target. */
_Static_assert(sizeof(MigcfgParams) == 8 * MIGCFG_PARAMS_WORDS, "MigcfgParams size");
_Static_assert(alignof(MigcfgParams) == alignof(uint64_t), "MigcfgParams alignment");
_Static_assert(sizeof(MigcfgParams) <= 10 * 1024, "MigcfgParams at most 10 KiB");
_Static_assert(sizeof(MigcfgParam) == sizeof(int), "MigcfgParam is a C enum");
_Static_assert(sizeof(MigcfgVisitFn) == PTR, "MigcfgVisitFn is a function pointer");

_Static_assert(offsetof(MigcfgError, code) == 0, "MigcfgError.code");
_Static_assert(offsetof(MigcfgError, offset) == PTR, "MigcfgError.offset");
_Static_assert(offsetof(MigcfgError, message) == 2 * PTR, "MigcfgError.message");
_Static_assert(offsetof(MigcfgError, length) == 2 * PTR + MIGCFG_ERROR_MAX, "MigcfgError.length");
_Static_assert(sizeof(MigcfgError) == 3 * PTR + MIGCFG_ERROR_MAX + 8, "MigcfgError size");
_Static_assert(alignof(MigcfgError) == PTR, "MigcfgError alignment");

_Static_assert(offsetof(MigcfgBitmapNode, node_name) == 0, "MigcfgBitmapNode.node_name");
_Static_assert(offsetof(MigcfgBitmapNode, node_name_len) == PTR, "MigcfgBitmapNode.node_name_len");
_Static_assert(offsetof(MigcfgBitmapNode, alias) == 2 * PTR, "MigcfgBitmapNode.alias");
_Static_assert(offsetof(MigcfgBitmapNode, alias_len) == 3 * PTR, "MigcfgBitmapNode.alias_len");
_Static_assert(offsetof(MigcfgBitmapNode, bitmaps) == 4 * PTR, "MigcfgBitmapNode.bitmaps");
_Static_assert(sizeof(MigcfgBitmapNode) == 5 * PTR, "MigcfgBitmapNode size");
_Static_assert(alignof(MigcfgBitmapNode) == PTR, "MigcfgBitmapNode alignment");

_Static_assert(offsetof(MigcfgBitmapAlias, name) == 0, "MigcfgBitmapAlias.name");
_Static_assert(offsetof(MigcfgBitmapAlias, name_len) == PTR, "MigcfgBitmapAlias.name_len");
_Static_assert(offsetof(MigcfgBitmapAlias, alias) == 2 * PTR, "MigcfgBitmapAlias.alias");
_Static_assert(offsetof(MigcfgBitmapAlias, alias_len) == 3 * PTR, "MigcfgBitmapAlias.alias_len");
_Static_assert(offsetof(MigcfgBitmapAlias, persistent) == 4 * PTR, "MigcfgBitmapAlias.persistent");
_Static_assert(sizeof(MigcfgBitmapAlias) == 5 * PTR, "MigcfgBitmapAlias size");
_Static_assert(alignof(MigcfgBitmapAlias) == PTR, "MigcfgBitmapAlias alignment");

_Static_assert(offsetof(MigcfgStr, s) == 0, "MigcfgStr.s");
_Static_assert(offsetof(MigcfgStr, len) == PTR, "MigcfgStr.len");
_Static_assert(sizeof(MigcfgStr) == 2 * PTR, "MigcfgStr size");
_Static_assert(alignof(MigcfgStr) == PTR, "MigcfgStr alignment");

/* 64-bit targets: the exact numbers (MigcfgValue's u64 aligns differently on 32-bit ones). */
#if UINTPTR_MAX == UINT64_MAX
_Static_assert(sizeof(MigcfgParams) == 9224, "MigcfgParams is 9224 bytes");
_Static_assert(sizeof(MigcfgError) == 544, "MigcfgError is 544 bytes");
_Static_assert(offsetof(MigcfgValue, type) == 0, "MigcfgValue.type");
_Static_assert(offsetof(MigcfgValue, b) == 4, "MigcfgValue.b");
_Static_assert(offsetof(MigcfgValue, u) == 8, "MigcfgValue.u");
_Static_assert(offsetof(MigcfgValue, s) == 16, "MigcfgValue.s");
_Static_assert(offsetof(MigcfgValue, len) == 24, "MigcfgValue.len");
_Static_assert(offsetof(MigcfgValue, items) == 32, "MigcfgValue.items");
_Static_assert(offsetof(MigcfgValue, nodes) == 40, "MigcfgValue.nodes");
_Static_assert(offsetof(MigcfgValue, count) == 48, "MigcfgValue.count");
_Static_assert(offsetof(MigcfgValue, bitmaps) == 56, "MigcfgValue.bitmaps");
_Static_assert(offsetof(MigcfgValue, nbitmaps) == 64, "MigcfgValue.nbitmaps");
_Static_assert(sizeof(MigcfgValue) == 72, "MigcfgValue size");
_Static_assert(alignof(MigcfgValue) == 8, "MigcfgValue alignment");
#endif

/* Append-only numbers: a renumbering is an ABI break. */
_Static_assert(MIGCFG_ABI_VERSION == 1, "ABI version");
_Static_assert(MIGCFG_OK == 0 && MIGCFG_HELP == 1, "status");
_Static_assert(MIGCFG_ERR_NULL == -1 && MIGCFG_ERR_INVALID_ARG == -2, "status");
_Static_assert(MIGCFG_ERR_SYNTAX == -3 && MIGCFG_ERR_VALUE == -4, "status");
_Static_assert(MIGCFG_ERR_UNEXPECTED == -5 && MIGCFG_ERR_CHECK == -6, "status");
_Static_assert(MIGCFG_ERR_CAPACITY == -7 && MIGCFG_ERR_NOSPACE == -8, "status");
_Static_assert(MIGCFG_ERR_CHANNEL == -9 && MIGCFG_ERR_UNREPRESENTABLE == -10, "status");
_Static_assert(MIGCFG_PARAM_ANNOUNCE_INITIAL == 0 && MIGCFG_PARAM_MULTIFD_CHANNELS == 15, "ids");
_Static_assert(MIGCFG_PARAM_MODE == 26 && MIGCFG_PARAM_LOCAL == 31, "ids");
_Static_assert(MIGCFG_PARAM__COUNT >= 32, "ids are append-only");
_Static_assert(MIGCFG_ERROR_MAX == 512, "MIGCFG_ERROR_MAX");
_Static_assert(sizeof(MigcfgIncoming) == 8 * MIGCFG_INCOMING_WORDS, "MigcfgIncoming is its words");
_Static_assert(sizeof(MigcfgIncoming) <= 16384, "MigcfgIncoming at most 16 KiB");

int main(void)
{
    size_t incoming_size = sizeof(MigcfgIncoming);
    CHECK_RC(MIGCFG_ABI_CHECK(), MIGCFG_OK);
    CHECK_RC(migcfg_abi_check(MIGCFG_ABI_VERSION, sizeof(MigcfgParams), incoming_size), MIGCFG_OK);
    CHECK_RC(migcfg_abi_check(MIGCFG_ABI_VERSION + 1, sizeof(MigcfgParams), incoming_size),
             MIGCFG_ERR_INVALID_ARG);
    CHECK_RC(migcfg_abi_check(0, sizeof(MigcfgParams), incoming_size), MIGCFG_ERR_INVALID_ARG);
    CHECK_RC(migcfg_abi_check(MIGCFG_ABI_VERSION, sizeof(MigcfgParams) - 8, incoming_size),
             MIGCFG_ERR_INVALID_ARG);
    CHECK_RC(migcfg_abi_check(MIGCFG_ABI_VERSION, sizeof(MigcfgParams) + 8, incoming_size),
             MIGCFG_ERR_INVALID_ARG);
    CHECK_RC(migcfg_abi_check(MIGCFG_ABI_VERSION, sizeof(MigcfgParams), incoming_size + 8),
             MIGCFG_ERR_INVALID_ARG);

    /* The version macros and migcfg_version() agree. */
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", MIGCFG_VERSION_MAJOR, MIGCFG_VERSION_MINOR,
             MIGCFG_VERSION_PATCH);
    CHECK_STR(migcfg_version(), want);

    /* Every status has a name; a code that is none has none. */
    for (int32_t code = MIGCFG_ERR_UNREPRESENTABLE; code <= MIGCFG_HELP; code++)
        CHECK(migcfg_status_name(code) != NULL);
    CHECK(migcfg_status_name(1000) == NULL);
    CHECK(migcfg_status_name(INT32_MIN) == NULL);

    /* An all-zero table is a valid, initialised one (a static table needs no init call). */
    static MigcfgParams zero;
    MigcfgParams init;
    memset(&init, 0xa5, sizeof init);
    migcfg_params_init(&init);
    uint64_t a = 0, b = 1;
    CHECK_RC(migcfg_get_u64(&zero, MIGCFG_PARAM_MULTIFD_CHANNELS, &a), MIGCFG_OK);
    CHECK_RC(migcfg_get_u64(&init, MIGCFG_PARAM_MULTIFD_CHANNELS, &b), MIGCFG_OK);
    CHECK_U64(a, b);
    return h_finish();
}
