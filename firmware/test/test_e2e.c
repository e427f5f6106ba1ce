/* Both state machines on an in-process fake air with virtual time: frames reach radios on the same
 * channel after 2 ms, an AP accepts "myssid"/"mypassword", and every Nth frame may be lost. */
#include <stdlib.h>
#include "epv_test.h"

#define SIM_QUEUE 64

typedef struct sim sim_t;

typedef struct {
    sim_t *sim;
    int idx;
    epv_node_t node;
    uint8_t mac[EPV_MAC_LEN];
    uint8_t channel;
    bool armed[EPV_TIMER_COUNT];
    uint64_t deadline[EPV_TIMER_COUNT];
    int got_ip, creds_received, creds_sent, auth_rejected, failed, joins, stored;
} sim_node_t;

typedef enum { EV_FRAME, EV_WIFI_OK, EV_WIFI_BAD, EV_GOT_IP } ev_kind_t;

typedef struct {
    bool used;
    uint64_t at;
    int to;
    ev_kind_t kind;
    uint8_t src[EPV_MAC_LEN];
    uint8_t channel;
    size_t len;
    uint8_t frame[EPV_FRAME_MAX];
} sim_ev_t;

struct sim {
    sim_node_t n[2];
    sim_ev_t q[SIM_QUEUE];
    uint64_t now;
    uint32_t rng;
    int loss_pct; /* share of frames the air drops, decided by its own generator */
    uint32_t loss_rng;
    int frames;
    int leaks; /* frames carrying the password or key bytes */
    bool secure;
};

static void enqueue(sim_t *s, int to, ev_kind_t kind, uint64_t delay, const epv_action_t *a, uint8_t channel,
                    const uint8_t *src)
{
    for (int i = 0; i < SIM_QUEUE; i++) {
        if (!s->q[i].used) {
            sim_ev_t *e = &s->q[i];
            e->used = true;
            e->at = s->now + delay;
            e->to = to;
            e->kind = kind;
            e->channel = channel;
            if (a) {
                e->len = a->u.send.len;
                memcpy(e->frame, a->u.send.frame, a->u.send.len);
            }
            if (src) {
                memcpy(e->src, src, EPV_MAC_LEN);
            }
            return;
        }
    }
}

static bool contains(const uint8_t *hay, size_t n, const void *needle, size_t m)
{
    for (size_t i = 0; i + m <= n; i++) {
        if (!memcmp(hay + i, needle, m)) {
            return true;
        }
    }
    return false;
}

static void sim_emit(void *ctx, const epv_action_t *a)
{
    sim_node_t *me = ctx;
    sim_t *s = me->sim;
    sim_node_t *other = &s->n[1 - me->idx];
    switch (a->kind) {
    case EPV_ACT_SEND:
        s->frames++;
        if (s->secure && (contains(a->u.send.frame, a->u.send.len, "mypassword", 10) ||
                          contains(a->u.send.frame, a->u.send.len, TEST_KEY, 8))) {
            s->leaks++;
        }
        s->loss_rng = s->loss_rng * 1664525u + 1013904223u;
        if ((int)((s->loss_rng >> 8) % 100) < s->loss_pct) {
            break;
        }
        if (other->channel == me->channel &&
            (epv_mac_is_broadcast(a->u.send.dest) || epv_mac_equal(a->u.send.dest, other->mac))) {
            enqueue(s, other->idx, EV_FRAME, 2, a, me->channel, me->mac);
        }
        break;
    case EPV_ACT_SET_CHANNEL:
        me->channel = a->u.channel;
        break;
    case EPV_ACT_TIMER_START:
        me->armed[a->u.timer.id] = true;
        me->deadline[a->u.timer.id] = s->now + a->u.timer.ms;
        break;
    case EPV_ACT_TIMER_STOP:
        me->armed[a->u.timer.id] = false;
        break;
    case EPV_ACT_WIFI_JOIN: {
        bool ok = a->u.join.ssid_len == 6 && !memcmp(a->u.join.ssid, "myssid", 6) && a->u.join.password_len == 10 &&
                  !memcmp(a->u.join.password, "mypassword", 10);
        me->joins++;
        enqueue(s, me->idx, ok ? EV_WIFI_OK : EV_WIFI_BAD, 30, NULL, 0, NULL);
        break;
    }
    case EPV_ACT_STORE_CREDS:
        me->stored += a->u.join.ssid_len == 6 && !memcmp(a->u.join.ssid, "myssid", 6);
        break;
    case EPV_ACT_LOG:
        if (a->u.log.tag == (const char *)EPV_TAG_EVT || !strcmp(a->u.log.tag, EPV_TAG_EVT)) {
            const char *t = a->u.log.text;
            me->got_ip += !strncmp(t, "got_ip ", 7);
            me->creds_received += !strncmp(t, "credentials_received ", 21);
            me->creds_sent += !strncmp(t, "credentials_sent ", 17);
            me->auth_rejected += !strncmp(t, "auth_rejected ", 14);
            me->failed += !strncmp(t, "failed ", 7);
            if (getenv("EPV_SIM_TRACE")) {
                fprintf(stderr, "  [%llu] %s %s\n", (unsigned long long)s->now, me->idx ? "I" : "R", t);
            }
        }
        break;
    }
}

static void sim_random(void *ctx, uint8_t *out, size_t len)
{
    sim_t *s = ((sim_node_t *)ctx)->sim;
    for (size_t i = 0; i < len; i++) {
        s->rng = s->rng * 1103515245u + 12345u;
        out[i] = (uint8_t)(s->rng >> 16);
    }
}

static void sim_setup(sim_t *s, epv_mode_t mode, const uint8_t *init_key, int loss_pct)
{
    memset(s, 0, sizeof(*s));
    s->rng = 12345;
    s->loss_pct = loss_pct;
    s->loss_rng = 777;
    s->secure = mode == EPV_MODE_SECURE;
    for (int i = 0; i < 2; i++) {
        sim_node_t *n = &s->n[i];
        epv_config_t c;
        test_config(&c, i == 0 ? EPV_ROLE_RESPONDER : EPV_ROLE_INITIATOR, mode);
        if (i == 1 && init_key) {
            memcpy(c.pair_key, init_key, EPV_PAIR_KEY_LEN);
        }
        n->sim = s;
        n->idx = i;
        memcpy(n->mac, c.self_mac, EPV_MAC_LEN);
        epv_env_t env = {.emit = sim_emit, .emit_ctx = n, .random = sim_random, .random_ctx = n};
        CHECK_EQ(epv_node_init(&n->node, &c, &env, NULL), EPV_OK);
    }
    epv_node_start(&s->n[0].node);
    epv_node_start(&s->n[1].node);
}

/* Runs until the initiator got an IP or failed, or `limit_ms` of virtual time passed. */
static void sim_run(sim_t *s, uint64_t limit_ms)
{
    static const uint8_t bssid[6] = {2, 0, 0, 0, 0x0a, 1};
    static const uint8_t ip[4] = {192, 168, 4, 2}, mask[4] = {255, 255, 255, 0}, gw[4] = {192, 168, 4, 1};
    while (s->now < limit_ms && !s->n[1].got_ip && !s->n[1].failed) {
        uint64_t best = UINT64_MAX;
        int kind = -1, who = -1, which = -1;
        for (int i = 0; i < SIM_QUEUE; i++) {
            if (s->q[i].used && s->q[i].at < best) {
                best = s->q[i].at, kind = 0, which = i;
            }
        }
        for (int n = 0; n < 2; n++) {
            for (int t = 0; t < EPV_TIMER_COUNT; t++) {
                if (s->n[n].armed[t] && s->n[n].deadline[t] < best) {
                    best = s->n[n].deadline[t], kind = 1, who = n, which = t;
                }
            }
        }
        if (kind < 0) {
            break;
        }
        s->now = best;
        if (kind == 1) {
            s->n[who].armed[which] = false;
            epv_node_on_timer(&s->n[who].node, (epv_timer_id_t)which);
            continue;
        }
        sim_ev_t e = s->q[which];
        s->q[which].used = false;
        sim_node_t *n = &s->n[e.to];
        if (e.kind == EV_FRAME) {
            if (n->channel == e.channel) { /* it may have hopped away meanwhile */
                epv_node_on_frame(&n->node, e.src, -45, e.channel, e.frame, e.len);
            }
        } else if (e.kind == EV_WIFI_OK) {
            n->channel = 6;
            epv_node_on_wifi_connected(&n->node, bssid, 6);
            enqueue(s, e.to, EV_GOT_IP, 20, NULL, 0, NULL);
        } else if (e.kind == EV_WIFI_BAD) {
            epv_node_on_wifi_disconnected(&n->node, 15);
        } else {
            epv_node_on_got_ip(&n->node, ip, mask, gw);
        }
    }
}

static sim_t sim;

static void provision(epv_mode_t mode, int loss_pct)
{
    sim_setup(&sim, mode, NULL, loss_pct);
    sim_run(&sim, 60000);
    CHECK_EQ(sim.n[1].got_ip, 1);
    CHECK_EQ(sim.n[1].stored, 1); /* proven credentials kept, the pair key erased, once */
    CHECK_EQ(sim.n[0].stored, 0);
    CHECK_EQ(sim.n[1].creds_received, 1);
    CHECK(sim.n[0].creds_sent >= 1);
    CHECK_EQ(sim.n[1].failed, 0);
    CHECK_EQ(sim.leaks, 0);
    CHECK(loss_pct || sim.now < 3000); /* a 1.4 s channel sweep at most, then one round trip */
}

void test_e2e_secure(void) { provision(EPV_MODE_SECURE, 0); }
void test_e2e_compat_44(void) { provision(EPV_MODE_ESPRESSIF_44, 0); }
void test_e2e_compat_53(void) { provision(EPV_MODE_ESPRESSIF_53, 0); }
void test_e2e_compat_54(void) { provision(EPV_MODE_ESPRESSIF_54, 0); }
void test_e2e_lossy_air(void)
{
    for (int seed = 0; seed < 8; seed++) { /* 20 % loss, eight different loss patterns */
        sim_setup(&sim, EPV_MODE_SECURE, NULL, 20);
        sim.loss_rng = (uint32_t)seed * 7919u + 1u;
        sim_run(&sim, 60000);
        CHECK_EQ(sim.n[1].got_ip, 1);
        CHECK_EQ(sim.leaks, 0);
    }
}

void test_e2e_wrong_key(void)
{
    uint8_t wrong[EPV_PAIR_KEY_LEN];
    memset(wrong, 0x42, sizeof(wrong));
    sim_setup(&sim, EPV_MODE_SECURE, wrong, 0);
    sim_run(&sim, 60000);
    CHECK_EQ(sim.n[1].got_ip, 0);
    CHECK_EQ(sim.n[1].creds_received, 0);
    CHECK_EQ(sim.n[1].joins, 0);
    CHECK_EQ(sim.n[1].failed, 1);
    CHECK_EQ(sim.n[0].creds_sent, 0);
    CHECK_EQ(sim.n[0].auth_rejected, EPV_REQUEST_ATTEMPTS);
}
