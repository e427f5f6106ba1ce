/* The node's frame gate, before any role sees a frame: foreign, adjacent-channel, own, malformed and
 * encrypted frames are dropped. */
#include "epv_test.h"

static recorder_t rec;
static epv_node_t node;
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void start(epv_mode_t mode)
{
    epv_config_t c;
    epv_env_t env;
    rec_init(&rec, &env);
    test_config(&c, EPV_ROLE_INITIATOR, mode);
    CHECK_EQ(epv_node_init(&node, &c, &env, NULL), EPV_OK);
    epv_node_start(&node);
}

void test_node_drops_foreign_frames(void)
{
    start(EPV_MODE_ESPRESSIF_54);
    uint8_t p[EPV_PAYLOAD_MAX], f[EPV_FRAME_MAX];
    size_t n = 0;
    epv_compat_beacon_t b = {"x", "y"};
    epv_compat_encode_beacon(&b, p, sizeof(p), &n);
    size_t fl = test_frame(f, MAC_R, BCAST, 5, 6, p, n);
    epv_node_on_frame(&node, MAC_I, -40, 6, f, fl);     /* radio sender differs from header src */
    epv_node_on_frame(&node, MAC_R, -40, 7, f, fl);     /* heard on an adjacent channel */
    fl = test_frame(f, MAC_I, BCAST, 6, 6, p, n);
    epv_node_on_frame(&node, MAC_I, -40, 6, f, fl);     /* our own frame */
    fl = test_frame(f, MAC_R, BCAST, 7, 6, p, n);
    f[0] = 0x21;                                        /* type 1 (FORWARD) */
    epv_node_on_frame(&node, MAC_R, -40, 6, f, fl);
    epv_node_on_frame(&node, MAC_R, -40, 6, f, 0);
    epv_node_on_frame(&node, MAC_R, -40, 6, NULL, 30);
    CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "responder_found"), 0);
    /* the header's security bit (Espressif's esp-now encryption): dropped, with one hint however many come */
    f[0] = 0x23;
    for (uint16_t magic = 8; magic <= 10; magic++) {
        fl = test_frame(f, MAC_R, BCAST, magic, 6, p, n);
        f[4] |= 1u << 6;
        epv_node_on_frame(&node, MAC_R, -40, 6, f, fl);
    }
    CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "responder_found"), 0);
    CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "security bit set"), 1);
    f[4] &= (uint8_t)~(1u << 6);
    epv_node_on_frame(&node, MAC_R, -40, 6, f, fl);
    CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "responder_found"), 1);
}
