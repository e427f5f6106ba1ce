/* libFuzzer target: lab-to-program link lines (host_link_dispatch) into a running initiator node.
 * The lab is trusted, but a parser bug there would still corrupt the firmware's memory. */
#include <stdint.h>
#include <string.h>
#include "../core/epv_node.h"
#include "../host/host_link.h"

static void sink(void *ctx, const epv_action_t *a)
{
    (void)ctx;
    (void)a;
}

static void rnd(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    memset(out, 0x33, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static epv_node_t node;
    static char line[HOST_LINE_MAX + 1];
    epv_config_t c;
    epv_config_defaults(&c);
    c.role = EPV_ROLE_INITIATOR;
    c.mode = size && (data[0] & 1) ? EPV_MODE_ESPRESSIF_54 : EPV_MODE_SECURE;
    c.pair_key_set = true;
    epv_env_t env = {.emit = sink, .random = rnd};
    if (epv_node_init(&node, &c, &env, NULL) != EPV_OK) {
        return 0;
    }
    epv_node_start(&node);
    size_t n = size < HOST_LINE_MAX ? size : HOST_LINE_MAX;
    memcpy(line, data, n);
    line[n] = '\0';
    (void)host_link_dispatch(line, &node);
    return 0;
}
