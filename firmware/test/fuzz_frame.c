/* libFuzzer target: every decoder on arbitrary bytes, then a responder and an initiator fed the same
 * bytes as a received frame. Crashes, sanitizer reports and leaks are the findings. */
#include <stdint.h>
#include <string.h>
#include "../core/epv_node.h"

static void sink(void *ctx, const epv_action_t *a)
{
    (void)ctx;
    (void)a;
}

static void rnd(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    memset(out, 0x5a, len);
}

static void drive(epv_role_t role, epv_mode_t mode, const uint8_t *data, size_t size)
{
    static epv_node_t node; /* large; static keeps it off the fuzzer's stack */
    epv_config_t c;
    epv_config_defaults(&c);
    c.role = role;
    c.mode = mode;
    c.pair_key_set = true;
    epv_config_set_ssid(&c, "fuzz", 4);
    const uint8_t self[6] = {0x24, 0x0a, 0xc4, 0, 0, 1};
    memcpy(c.self_mac, role == EPV_ROLE_RESPONDER ? self : (const uint8_t[6]){0x24, 0x0a, 0xc4, 0, 0, 9}, 6);
    epv_env_t env = {.emit = sink, .random = rnd};
    if (epv_node_init(&node, &c, &env, NULL) != EPV_OK) {
        return;
    }
    epv_node_start(&node);
    uint8_t src[6] = {0};
    if (size >= EPV_HDR_LEN) {
        memcpy(src, data + 14, 6); /* header src, so the frame gets past the sender check */
    }
    epv_node_on_frame(&node, src, -50, 1, data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    epv_hdr_t h;
    const uint8_t *p = NULL;
    size_t plen = 0;
    if (epv_hdr_decode(data, size, &h, &p, &plen) == EPV_OK) {
        epv_compat_msg_t cm;
        epv_secure_msg_t sm;
        for (int layout = 0; layout < EPV_LAYOUT_COUNT; layout++) {
            (void)epv_compat_decode(p, plen, (epv_layout_t)layout, &cm);
        }
        (void)epv_secure_decode(p, plen, &sm);
    }
    epv_compat_msg_t raw;
    (void)epv_compat_decode(data, size, EPV_LAYOUT_IDF54, &raw);
    for (int mode = EPV_MODE_SECURE; mode <= EPV_MODE_ESPRESSIF_44; mode++) {
        drive(EPV_ROLE_RESPONDER, (epv_mode_t)mode, data, size);
        drive(EPV_ROLE_INITIATOR, (epv_mode_t)mode, data, size);
    }
    return 0;
}
