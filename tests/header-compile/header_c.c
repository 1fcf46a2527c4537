/*
 * include/migcfg.h compiles as strict C11 (see Makefile target header-compile): every
 * declaration is parsed and a few are used, so a header cbindgen got wrong fails here.
 */
#include "migcfg.h"

#include <string.h>

int migcfg_header_c_probe(const char *text);

static MigcfgParams table; /* complete type of fixed size */

static int32_t visit(void *opaque, uint32_t id, const MigcfgValue *value)
{
    size_t *n = (size_t *)opaque;
    (void)id;
    (void)value->type;
    (*n)++;
    return 0;
}

int migcfg_header_c_probe(const char *text)
{
    MigcfgError err;
    uint64_t channels = 0;
    bool direct_io = false;
    const char *mode = NULL;
    size_t mode_len = 0, n = 0;
    MigcfgVisitFn fn = visit;
    MigcfgParam id = MIGCFG_PARAM_MULTIFD_CHANNELS;

    if (MIGCFG_ABI_CHECK() != MIGCFG_OK)
        return 1;
    migcfg_params_init(&table);
    if (migcfg_parse(&table, text, strlen(text), &err) < 0)
        return err.code;
    if (migcfg_get_u64(&table, (uint32_t)id, &channels) != MIGCFG_OK ||
        migcfg_get_bool(&table, MIGCFG_PARAM_DIRECT_IO, &direct_io) != MIGCFG_OK ||
        migcfg_get_str(&table, MIGCFG_PARAM_MODE, &mode, &mode_len) != MIGCFG_OK)
        return 2;
    if (migcfg_params_foreach_set(&table, fn, &n) != MIGCFG_OK)
        return 3;
    return (int)(channels + n + mode_len + (direct_io ? 1u : 0u)) + (migcfg_version() == NULL);
}
