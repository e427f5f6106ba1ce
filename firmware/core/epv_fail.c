#include "epv_fail.h"

static const char *const NAMES[EPV_FAIL_COUNT] = {
#define EPV_FAIL_NAME(id, name) [EPV_FAIL_##id] = name,
    EPV_FAIL_LIST(EPV_FAIL_NAME)
#undef EPV_FAIL_NAME
};

const char *epv_fail_name(epv_fail_t why)
{
    return (unsigned)why < EPV_FAIL_COUNT ? NAMES[why] : NAMES[EPV_FAIL_INTERNAL];
}
