/* epv_link: the ESP-NOW send discipline the ESP-IDF and lab ports share (one frame in flight, peers
 * registered per frame, refusals reported to the node). A fake radio holds a 20-entry peer table. */
#include "../core/epv_link.h"
#include "epv_test.h"

#define FAKE_PEERS 20

typedef struct {
    uint8_t peers[FAKE_PEERS][EPV_MAC_LEN];
    int npeers;
    int sends;
    uint8_t last_dest[EPV_MAC_LEN];
    epv_radio_err_t fail_send; /* returned by send when not OK */
    int warns;
} fake_radio_t;

static int find(fake_radio_t *r, const uint8_t mac[EPV_MAC_LEN])
{
    for (int i = 0; i < r->npeers; i++) {
        if (!memcmp(r->peers[i], mac, EPV_MAC_LEN)) {
            return i;
        }
    }
    return -1;
}

static epv_radio_err_t fake_add(void *ctx, const uint8_t mac[EPV_MAC_LEN])
{
    fake_radio_t *r = ctx;
    if (find(r, mac) >= 0) {
        return EPV_RADIO_EXIST;
    }
    if (r->npeers == FAKE_PEERS) {
        return EPV_RADIO_FULL;
    }
    memcpy(r->peers[r->npeers++], mac, EPV_MAC_LEN);
    return EPV_RADIO_OK;
}

static epv_radio_err_t fake_del(void *ctx, const uint8_t mac[EPV_MAC_LEN])
{
    fake_radio_t *r = ctx;
    int i = find(r, mac);
    if (i < 0) {
        return EPV_RADIO_NOT_FOUND;
    }
    memcpy(r->peers[i], r->peers[--r->npeers], EPV_MAC_LEN);
    return EPV_RADIO_OK;
}

static epv_radio_err_t fake_send(void *ctx, const uint8_t mac[EPV_MAC_LEN], const uint8_t *frame, size_t len)
{
    fake_radio_t *r = ctx;
    (void)frame;
    (void)len;
    if (r->fail_send != EPV_RADIO_OK) {
        return r->fail_send;
    }
    if (find(r, mac) < 0) {
        return EPV_RADIO_NOT_FOUND;
    }
    r->sends++;
    memcpy(r->last_dest, mac, EPV_MAC_LEN);
    return EPV_RADIO_OK;
}

static void fake_warn(void *ctx, const char *what, const uint8_t mac[EPV_MAC_LEN], epv_radio_err_t err)
{
    (void)what;
    (void)mac;
    (void)err;
    ((fake_radio_t *)ctx)->warns++;
}

static void link_with(epv_link_t *l, fake_radio_t *r)
{
    memset(r, 0, sizeof(*r));
    epv_radio_ops_t ops = {.add_peer = fake_add, .del_peer = fake_del, .send = fake_send, .warn = fake_warn, .ctx = r};
    epv_link_init(l, &ops);
}

static const uint8_t BCAST[EPV_MAC_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

void test_link_paces_and_frees_peers(void)
{
    static epv_link_t l;
    fake_radio_t r;
    link_with(&l, &r);
    uint8_t frame[30] = {1};
    /* 40 different initiators answered one after the other: twice the peer table, never full. */
    for (int i = 0; i < 40; i++) {
        uint8_t mac[EPV_MAC_LEN] = {0x24, 0x0a, 0xc4, 0x10, 0x00, (uint8_t)i};
        CHECK_EQ(epv_link_queue(&l, mac, frame, sizeof(frame)), EPV_OK);
        epv_link_pump(&l, NULL);
        CHECK_EQ(r.sends, i + 1);
        CHECK(r.npeers == 1 && !memcmp(r.peers[0], mac, EPV_MAC_LEN));
        epv_link_on_sent(&l, NULL, mac, true);
        CHECK_EQ(r.npeers, 0); /* removed once its frame is done */
    }
    /* Two queued frames: the second waits for the first's callback. */
    CHECK_EQ(epv_link_queue(&l, BCAST, frame, 10), EPV_OK);
    CHECK_EQ(epv_link_queue(&l, MAC_I, frame, 10), EPV_OK);
    epv_link_pump(&l, NULL);
    CHECK_EQ(r.sends, 41);
    CHECK_EQ(epv_link_pending(&l), 2);
    epv_link_pump(&l, NULL);
    CHECK_EQ(r.sends, 41); /* still in flight */
    epv_link_on_sent(&l, NULL, MAC_I, true); /* not the frame in flight: ignored */
    CHECK_EQ(epv_link_pending(&l), 2);
    epv_link_on_sent(&l, NULL, BCAST, true);
    epv_link_pump(&l, NULL);
    CHECK_EQ(r.sends, 42);
    CHECK(!memcmp(r.last_dest, MAC_I, EPV_MAC_LEN));
    CHECK(find(&r, BCAST) >= 0); /* the broadcast peer stays for the next beacon */
    epv_link_on_sent(&l, NULL, MAC_I, false);
    CHECK_EQ(r.npeers, 1);
    CHECK_EQ(epv_link_pending(&l), 0);
}

void test_link_refusals_reach_the_node(void)
{
    static epv_link_t l;
    static epv_node_t n;
    fake_radio_t r;
    recorder_t rec;
    epv_env_t env;
    epv_config_t c;
    const char *why = NULL;
    link_with(&l, &r);
    rec_init(&rec, &env);
    test_config(&c, EPV_ROLE_RESPONDER, EPV_MODE_SECURE);
    CHECK_EQ(epv_node_init(&n, &c, &env, &why), EPV_OK);
    uint8_t frame[20] = {0};
    /* A full peer table (taken by someone else): the frame fails at once and the node hears it. */
    for (int i = 0; i < FAKE_PEERS; i++) {
        uint8_t mac[EPV_MAC_LEN] = {0x02, 0, 0, 0, 0, (uint8_t)i};
        fake_add(&r, mac);
    }
    CHECK_EQ(epv_link_queue(&l, MAC_I, frame, sizeof(frame)), EPV_OK);
    epv_link_pump(&l, &n);
    CHECK_EQ(r.sends, 0);
    CHECK_EQ(r.warns, 1);
    CHECK_EQ(epv_link_pending(&l), 0);
    /* A send the radio refuses: the peer registered for it is removed again. */
    r.npeers = 0;
    r.fail_send = EPV_RADIO_FAILED;
    CHECK_EQ(epv_link_queue(&l, MAC_I, frame, sizeof(frame)), EPV_OK);
    epv_link_pump(&l, &n);
    CHECK_EQ(r.npeers, 0);
    CHECK_EQ(r.warns, 2);
    /* The queue holds EPV_LINK_QUEUE_LEN frames; one more is refused and counted, not lost silently. */
    r.fail_send = EPV_RADIO_OK;
    for (int i = 0; i < EPV_LINK_QUEUE_LEN; i++) {
        CHECK_EQ(epv_link_queue(&l, BCAST, frame, sizeof(frame)), EPV_OK);
    }
    CHECK_EQ(epv_link_queue(&l, BCAST, frame, sizeof(frame)), EPV_ERR_OVERFLOW);
    CHECK_EQ(l.dropped, 1);
    CHECK_EQ(epv_link_queue(&l, BCAST, frame, 0), EPV_ERR_ARG);
    CHECK_EQ(epv_link_queue(&l, BCAST, frame, EPV_FRAME_MAX + 1), EPV_ERR_ARG);
}
