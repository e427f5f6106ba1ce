#include <ctype.h>
#include <stdlib.h>
#include "epv_test.h"

#ifndef FIXTURE_DIR
#define FIXTURE_DIR "../../test/fixtures/frames"
#endif

const uint8_t MAC_R[EPV_MAC_LEN] = {0x24, 0x0a, 0xc4, 0x00, 0x00, 0x01};
const uint8_t MAC_I[EPV_MAC_LEN] = {0x24, 0x0a, 0xc4, 0x00, 0x00, 0x02};
const uint8_t TEST_KEY[EPV_PAIR_KEY_LEN] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa,
                                            0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
                                            0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

static void rec_emit(void *ctx, const epv_action_t *a)
{
    recorder_t *r = ctx;
    if (r->count < REC_MAX) {
        r->acts[r->count++] = *a;
    }
}

static void rec_random(void *ctx, uint8_t *out, size_t len)
{
    recorder_t *r = ctx;
    for (size_t i = 0; i < len; i++) {
        out[i] = r->rng_next++;
    }
}

void rec_init(recorder_t *r, epv_env_t *env)
{
    memset(r, 0, sizeof(*r));
    r->rng_next = 1;
    env->emit = rec_emit;
    env->emit_ctx = r;
    env->random = rec_random;
    env->random_ctx = r;
}

void rec_clear(recorder_t *r) { r->count = 0; }

int rec_find(const recorder_t *r, int from, epv_action_kind_t kind, const char *needle)
{
    for (int i = from; i < r->count; i++) {
        if (r->acts[i].kind != kind) {
            continue;
        }
        if (!needle || (kind == EPV_ACT_LOG && strstr(r->acts[i].u.log.text, needle))) {
            return i;
        }
    }
    return -1;
}

int rec_count(const recorder_t *r, epv_action_kind_t kind, const char *needle)
{
    int n = 0;
    for (int i = 0; (i = rec_find(r, i, kind, needle)) >= 0; i++) {
        n++;
    }
    return n;
}

const epv_action_t *rec_last_send(const recorder_t *r)
{
    for (int i = r->count - 1; i >= 0; i--) {
        if (r->acts[i].kind == EPV_ACT_SEND) {
            return &r->acts[i];
        }
    }
    return NULL;
}

void test_config(epv_config_t *c, epv_role_t role, epv_mode_t mode)
{
    epv_config_defaults(c);
    c->role = role;
    c->mode = mode;
    memcpy(c->self_mac, role == EPV_ROLE_RESPONDER ? MAC_R : MAC_I, EPV_MAC_LEN);
    epv_config_set_ssid(c, "myssid", 6);
    epv_config_set_password(c, "mypassword", 10);
    memcpy(c->pair_key, TEST_KEY, sizeof(TEST_KEY));
    c->pair_key_set = true;
    c->channel = role == EPV_ROLE_RESPONDER ? 6 : 0;
    c->beacon_window_ms = 30000;
    c->scan_timeout_ms = 10000;
    epv_config_set_id(c->device_name, role == EPV_ROLE_RESPONDER ? "responder" : "initiator", 9);
}

size_t test_frame(uint8_t *out, const uint8_t src[EPV_MAC_LEN], const uint8_t dest[EPV_MAC_LEN], uint16_t magic,
                  uint8_t channel, const uint8_t *payload, size_t len)
{
    epv_hdr_t h;
    memset(&h, 0, sizeof(h));
    h.type = EPV_TYPE_PROV;
    h.version = EPV_HDR_VERSION;
    h.size = (uint8_t)len;
    h.magic = magic;
    h.channel = channel;
    h.broadcast = epv_mac_is_broadcast(dest);
    h.filter_adjacent_channel = true;
    memcpy(h.src, src, EPV_MAC_LEN);
    memcpy(h.dest, dest, EPV_MAC_LEN);
    if (epv_hdr_encode(&h, out, EPV_FRAME_MAX) != EPV_OK) {
        return 0;
    }
    memcpy(out + EPV_HDR_LEN, payload, len);
    return EPV_HDR_LEN + len;
}

int load_fixture(const char *name, uint8_t *out, size_t cap)
{
    char path[512];
    const char *dir = getenv("EPV_FIXTURES");
    snprintf(path, sizeof(path), "%s/%s", dir ? dir : FIXTURE_DIR, name);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "  cannot open fixture %s\n", path);
        return -1;
    }
    char line[1024];
    size_t n = 0;
    int hi = -1;
    while (fgets(line, sizeof(line), f)) {
        if (line[0] == '#') {
            continue;
        }
        for (char *p = line; *p; p++) {
            if (isspace((unsigned char)*p)) {
                continue;
            }
            if (!isxdigit((unsigned char)*p) || n >= cap) {
                fclose(f);
                return -1;
            }
            int v = isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10);
            if (hi < 0) {
                hi = v;
            } else {
                out[n++] = (uint8_t)(hi << 4 | v);
                hi = -1;
            }
        }
    }
    fclose(f);
    return hi < 0 ? (int)n : -1;
}

void hex_dump_line(FILE *f, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%02x", b[i]);
        if (i % 32 == 31 || i + 1 == n) {
            fputc('\n', f);
        }
    }
}
