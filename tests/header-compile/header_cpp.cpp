// include/migcfg.h compiles as strict C++17 and its extern "C" guards make the functions
// link from C++ (see Makefile target header-compile: this program is linked and run).
#include "migcfg.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <type_traits>

static_assert(std::is_trivially_copyable<MigcfgParams>::value, "memcpy-safe");
static_assert(std::is_standard_layout<MigcfgError>::value, "C layout");
static_assert(sizeof(MigcfgParams) == 8 * MIGCFG_PARAMS_WORDS, "size");

namespace {

MigcfgParams table; // zero-initialised static storage is a valid table

int32_t count(void *opaque, uint32_t, const MigcfgValue *)
{
    ++*static_cast<size_t *>(opaque);
    return 0;
}

} // namespace

int main()
{
    if (MIGCFG_ABI_CHECK() != MIGCFG_OK) {
        std::puts("header and library disagree");
        return 1;
    }
    const char text[] = "multifd-channels=4,mode=cpr-transfer";
    MigcfgError err;
    migcfg_params_init(&table);
    if (migcfg_parse(&table, text, std::strlen(text), &err) != MIGCFG_OK) {
        std::printf("parse: %s\n", err.message);
        return 1;
    }
    uint64_t channels = 0;
    const char *mode = nullptr;
    size_t len = 0, n = 0;
    if (migcfg_get_u64(&table, MIGCFG_PARAM_MULTIFD_CHANNELS, &channels) != MIGCFG_OK ||
        migcfg_get_str(&table, MIGCFG_PARAM_MODE, &mode, &len) != MIGCFG_OK ||
        migcfg_params_foreach_set(&table, count, &n) != MIGCFG_OK) {
        std::puts("getter failed");
        return 1;
    }
    if (channels != 4 || n != 2 || std::string(mode, len) != "cpr-transfer") {
        std::puts("wrong values");
        return 1;
    }
    const int rc = migcfg_parse(&table, "multifd-channels=0", 18, &err);
    std::printf("C++: multifd-channels=%llu mode=%.*s; bad input: %s (%s)\n",
                static_cast<unsigned long long>(channels), static_cast<int>(len), mode,
                err.message, migcfg_status_name(rc));
    return rc == MIGCFG_ERR_CHECK ? 0 : 1;
}
