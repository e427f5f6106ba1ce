/* ESP-IDF port of the core. Radio, Wi-Fi, IP and timer callbacks only copy their data into a queue;
 * the port task is the only code that touches the node, so the core needs no locks. Frames go out through
 * the core's link (epv_link.c: one in flight, a peer per exchange, refusals reported to the node), the
 * same code the lab's WebAssembly port runs. A join the driver refuses fails the node at once. */
#include "esp_port.h"

#include <string.h>
#include "esp_event.h"
#include "esp_idf_version.h"
#include "esp_log.h"
#include "esp_now.h"
#include "esp_random.h"
#include "esp_timer.h"
#include "esp_wifi.h"
#include "epv_config_kv.h"
#include "epv_link.h"
#include "nvs.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "freertos/task.h"

static const char *TAG = "espnow_port";

#define QUEUE_DEPTH 16
#define TASK_STACK 6144

typedef enum { EV_FRAME, EV_SEND_DONE, EV_TIMER, EV_WIFI_CONNECTED, EV_WIFI_DISCONNECTED, EV_GOT_IP, EV_JOIN_ERROR } ev_kind_t;

typedef struct {
    ev_kind_t kind;
    uint8_t mac[EPV_MAC_LEN]; /* frame source, send destination or BSSID */
    int8_t rssi;
    uint8_t channel;
    bool ok;
    int value; /* timer id, disconnect reason or esp_err_t of a refused join */
    uint8_t ip[4], mask[4], gw[4];
    uint16_t len;
    uint8_t data[EPV_FRAME_MAX];
} port_event_t;

/* The port's own state: callbacks without a user argument (ESP-NOW) need a file-level handle. */
typedef struct {
    QueueHandle_t queue;
    esp_timer_handle_t timers[EPV_TIMER_COUNT];
    bool armed[EPV_TIMER_COUNT];
    epv_node_t node;
    epv_link_t link;
    port_event_t ev; /* the event being handled: kept off the task stack */
} port_t;

static port_t s_port;

static void post(const port_event_t *ev)
{
    if (xQueueSend(s_port.queue, ev, 0) != pdTRUE) {
        ESP_LOGW(TAG, "event queue full, event %d dropped", (int)ev->kind);
    }
}

static void on_recv(const esp_now_recv_info_t *info, const uint8_t *data, int len)
{
    port_event_t ev = {.kind = EV_FRAME};
    if (!info || !data || len <= 0 || len > EPV_FRAME_MAX) {
        return;
    }
    memcpy(ev.mac, info->src_addr, EPV_MAC_LEN);
    ev.rssi = (int8_t)info->rx_ctrl->rssi;
    ev.channel = (uint8_t)info->rx_ctrl->channel;
    ev.len = (uint16_t)len;
    memcpy(ev.data, data, (size_t)len);
    post(&ev);
}

#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 5, 0)
static void on_sent(const esp_now_send_info_t *info, esp_now_send_status_t status)
{
    const uint8_t *mac = info ? info->des_addr : NULL;
#else
static void on_sent(const uint8_t *mac, esp_now_send_status_t status)
{
#endif
    port_event_t ev = {.kind = EV_SEND_DONE, .ok = status == ESP_NOW_SEND_SUCCESS};
    if (mac) {
        memcpy(ev.mac, mac, EPV_MAC_LEN);
    }
    post(&ev);
}

static void on_timer(void *arg)
{
    port_event_t ev = {.kind = EV_TIMER, .value = (int)(intptr_t)arg};
    post(&ev);
}

static void on_wifi_event(void *arg, esp_event_base_t base, int32_t id, void *data)
{
    (void)arg;
    port_event_t ev = {0};
    if (base == WIFI_EVENT && id == WIFI_EVENT_STA_CONNECTED) {
        const wifi_event_sta_connected_t *c = data;
        ev.kind = EV_WIFI_CONNECTED;
        memcpy(ev.mac, c->bssid, EPV_MAC_LEN);
        ev.channel = c->channel;
    } else if (base == WIFI_EVENT && id == WIFI_EVENT_STA_DISCONNECTED) {
        const wifi_event_sta_disconnected_t *d = data;
        ev.kind = EV_WIFI_DISCONNECTED;
        ev.value = d->reason;
    } else if (base == IP_EVENT && id == IP_EVENT_STA_GOT_IP) {
        const ip_event_got_ip_t *g = data;
        ev.kind = EV_GOT_IP;
        memcpy(ev.ip, &g->ip_info.ip.addr, 4); /* network order = dotted order */
        memcpy(ev.mask, &g->ip_info.netmask.addr, 4);
        memcpy(ev.gw, &g->ip_info.gw.addr, 4);
    } else {
        return;
    }
    post(&ev);
}

static epv_radio_err_t radio_err(esp_err_t err)
{
    switch (err) {
    case ESP_OK:
        return EPV_RADIO_OK;
    case ESP_ERR_ESPNOW_NOT_FOUND:
        return EPV_RADIO_NOT_FOUND;
    case ESP_ERR_ESPNOW_FULL:
        return EPV_RADIO_FULL;
    case ESP_ERR_ESPNOW_EXIST:
        return EPV_RADIO_EXIST;
    case ESP_ERR_ESPNOW_ARG:
        return EPV_RADIO_ARG;
    default:
        return EPV_RADIO_FAILED;
    }
}

static epv_radio_err_t add_peer(void *ctx, const uint8_t mac[EPV_MAC_LEN])
{
    (void)ctx;
    esp_now_peer_info_t peer = {.channel = 0, .ifidx = WIFI_IF_STA, .encrypt = false};
    memcpy(peer.peer_addr, mac, EPV_MAC_LEN);
    return radio_err(esp_now_add_peer(&peer));
}

static epv_radio_err_t del_peer(void *ctx, const uint8_t mac[EPV_MAC_LEN])
{
    (void)ctx;
    return radio_err(esp_now_del_peer(mac));
}

static epv_radio_err_t send_frame(void *ctx, const uint8_t mac[EPV_MAC_LEN], const uint8_t *frame, size_t len)
{
    (void)ctx;
    return radio_err(esp_now_send(mac, frame, len));
}

static void radio_warn(void *ctx, const char *what, const uint8_t mac[EPV_MAC_LEN], epv_radio_err_t err)
{
    (void)ctx;
    char m[18];
    epv_fmt_mac(m, mac);
    ESP_LOGW(TAG, "esp_now %s %s: %s", what, m, epv_radio_err_str(err));
}

static void join(const uint8_t *ssid, uint8_t ssid_len, const uint8_t *pw, uint8_t pw_len, const epv_ap_hint_t *hint)
{
    wifi_config_t wc;
    if (ssid_len > sizeof(wc.sta.ssid) || pw_len > sizeof(wc.sta.password)) {
        ESP_LOGE(TAG, "Wi-Fi join: credentials longer than wifi_sta_config_t holds");
        port_event_t ev = {.kind = EV_JOIN_ERROR, .value = ESP_ERR_INVALID_ARG};
        post(&ev);
        return;
    }
    memset(&wc, 0, sizeof(wc));
    memcpy(wc.sta.ssid, ssid, ssid_len);
    memcpy(wc.sta.password, pw, pw_len);
    wc.sta.bssid_set = hint->bssid_set;
    memcpy(wc.sta.bssid, hint->bssid, EPV_MAC_LEN);
    wc.sta.channel = hint->channel;
    esp_wifi_disconnect(); /* a previous attempt may still be running */
    esp_err_t err = esp_wifi_set_config(WIFI_IF_STA, &wc);
    if (err == ESP_OK) {
        err = esp_wifi_connect();
    }
    memset(&wc, 0, sizeof(wc));
    if (err != ESP_OK) {
        /* Told to the node through the queue: emit must not call back into it. */
        ESP_LOGE(TAG, "Wi-Fi join: %s", esp_err_to_name(err));
        port_event_t ev = {.kind = EV_JOIN_ERROR, .value = err};
        post(&ev);
    }
}

/* Keeps proven credentials and drops the pair key: nvs_erase_key marks the entry erased; its bytes stay in the
 * page until NVS reuses it (firmware/README.md says how to get rid of them for good). */
static void store_creds(const uint8_t *ssid, uint8_t ssid_len, const uint8_t *pw, uint8_t pw_len)
{
    char s[EPV_SSID_MAX + 1], p[EPV_PASSWORD_MAX + 1];
    if (ssid_len > EPV_SSID_MAX || pw_len > EPV_PASSWORD_MAX) {
        ESP_LOGE(TAG, "Not kept in NVS: credentials longer than the NVS strings hold");
        return;
    }
    memcpy(s, ssid, ssid_len);
    s[ssid_len] = '\0';
    memcpy(p, pw, pw_len);
    p[pw_len] = '\0';
    nvs_handle_t h;
    esp_err_t err = nvs_open(EPV_KV_NAMESPACE, NVS_READWRITE, &h);
    if (err == ESP_OK) {
        err = nvs_set_str(h, EPV_KV_SSID, s);
        if (err == ESP_OK) {
            err = nvs_set_str(h, EPV_KV_PASSWORD, p);
        }
        if (err == ESP_OK) {
            err = nvs_set_u8(h, EPV_KV_PROVISIONED, 1);
        }
        if (err == ESP_OK) {
            err = nvs_erase_key(h, EPV_KV_PAIR_KEY);
            err = err == ESP_ERR_NVS_NOT_FOUND ? ESP_OK : err;
        }
        if (err == ESP_OK) {
            err = nvs_commit(h);
        }
        nvs_close(h);
    }
    memset(p, 0, sizeof(p));
    if (err != ESP_OK) {
        ESP_LOGW(TAG, "could not keep the credentials in NVS (%s); the pair key stays there", esp_err_to_name(err));
    }
}

static void emit(void *ctx, const epv_action_t *a)
{
    (void)ctx;
    switch (a->kind) {
    case EPV_ACT_SEND:
        (void)epv_link_queue(&s_port.link, a->u.send.dest, a->u.send.frame, a->u.send.len);
        break;
    case EPV_ACT_SET_CHANNEL: {
        esp_err_t err = esp_wifi_set_channel(a->u.channel, WIFI_SECOND_CHAN_NONE);
        if (err != ESP_OK) {
            ESP_LOGW(TAG, "esp_wifi_set_channel(%u): %s", a->u.channel, esp_err_to_name(err));
        }
        break;
    }
    case EPV_ACT_TIMER_START:
        esp_timer_stop(s_port.timers[a->u.timer.id]); /* ESP_ERR_INVALID_STATE when idle: fine */
        s_port.armed[a->u.timer.id] = true;
        esp_timer_start_once(s_port.timers[a->u.timer.id], (uint64_t)a->u.timer.ms * 1000u);
        break;
    case EPV_ACT_TIMER_STOP:
        s_port.armed[a->u.timer.id] = false;
        esp_timer_stop(s_port.timers[a->u.timer.id]);
        break;
    case EPV_ACT_WIFI_JOIN:
        join(a->u.join.ssid, a->u.join.ssid_len, a->u.join.password, a->u.join.password_len, &a->u.join.hint);
        break;
    case EPV_ACT_LOG:
        if (a->u.log.level == 'E') {
            ESP_LOGE(a->u.log.tag, "%s", a->u.log.text);
        } else if (a->u.log.level == 'W') {
            ESP_LOGW(a->u.log.tag, "%s", a->u.log.text);
        } else if (a->u.log.level == 'D') {
            ESP_LOGD(a->u.log.tag, "%s", a->u.log.text);
        } else {
            ESP_LOGI(a->u.log.tag, "%s", a->u.log.text);
        }
        break;
    case EPV_ACT_STORE_CREDS:
        store_creds(a->u.join.ssid, a->u.join.ssid_len, a->u.join.password, a->u.join.password_len);
        break;
    }
}

static void random_bytes(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    esp_fill_random(out, len); /* hardware RNG; true random while the radio is on */
}

static void handle(const port_event_t *ev)
{
    epv_node_t *n = &s_port.node;
    switch (ev->kind) {
    case EV_FRAME:
        epv_node_on_frame(n, ev->mac, ev->rssi, ev->channel, ev->data, ev->len);
        break;
    case EV_SEND_DONE:
        epv_link_on_sent(&s_port.link, n, ev->mac, ev->ok);
        break;
    case EV_TIMER:
        /* a timer stopped or restarted after it fired leaves a stale event behind: drop it */
        if (ev->value >= 0 && ev->value < EPV_TIMER_COUNT && s_port.armed[ev->value] &&
            !esp_timer_is_active(s_port.timers[ev->value])) {
            s_port.armed[ev->value] = false;
            epv_node_on_timer(n, (epv_timer_id_t)ev->value);
        }
        break;
    case EV_WIFI_CONNECTED:
        epv_node_on_wifi_connected(n, ev->mac, ev->channel);
        break;
    case EV_WIFI_DISCONNECTED:
        epv_node_on_wifi_disconnected(n, ev->value);
        break;
    case EV_GOT_IP:
        epv_node_on_got_ip(n, ev->ip, ev->mask, ev->gw);
        break;
    case EV_JOIN_ERROR:
        epv_node_on_wifi_join_error(n, esp_err_to_name((esp_err_t)ev->value));
        break;
    }
    epv_link_pump(&s_port.link, n); /* whatever the node queued while handling the event */
}

static void port_task(void *arg)
{
    (void)arg;
    epv_node_start(&s_port.node);
    epv_link_pump(&s_port.link, &s_port.node);
    for (;;) {
        if (xQueueReceive(s_port.queue, &s_port.ev, portMAX_DELAY) == pdTRUE) {
            handle(&s_port.ev);
            memset(&s_port.ev, 0, sizeof(s_port.ev)); /* compat frames may carry the password */
        }
    }
}

esp_err_t esp_port_start(const epv_config_t *cfg)
{
    static const char *const names[EPV_TIMER_COUNT] = {"epv_beacon", "epv_window", "epv_dwell",
                                                       "epv_scan",   "epv_reply",  "epv_wifi"};
    const char *why = NULL;
    epv_env_t env = {.emit = emit, .emit_ctx = NULL, .random = random_bytes, .random_ctx = NULL};
    epv_radio_ops_t ops = {.add_peer = add_peer, .del_peer = del_peer, .send = send_frame, .warn = radio_warn};
    epv_link_init(&s_port.link, &ops);
    if (epv_node_init(&s_port.node, cfg, &env, &why) != EPV_OK) {
        ESP_LOGE("PROV_EVT", "failed reason=config detail=invalid_configuration");
        ESP_LOGE(TAG, "invalid configuration: %s", why ? why : "?");
        return ESP_ERR_INVALID_ARG;
    }
    s_port.queue = xQueueCreate(QUEUE_DEPTH, sizeof(port_event_t));
    if (!s_port.queue) {
        return ESP_ERR_NO_MEM;
    }
    for (int i = 0; i < EPV_TIMER_COUNT; i++) {
        esp_timer_create_args_t args = {.callback = on_timer, .arg = (void *)(intptr_t)i, .name = names[i]};
        ESP_ERROR_CHECK(esp_timer_create(&args, &s_port.timers[i]));
    }
    ESP_ERROR_CHECK(esp_event_handler_register(WIFI_EVENT, WIFI_EVENT_STA_CONNECTED, on_wifi_event, NULL));
    ESP_ERROR_CHECK(esp_event_handler_register(WIFI_EVENT, WIFI_EVENT_STA_DISCONNECTED, on_wifi_event, NULL));
    ESP_ERROR_CHECK(esp_event_handler_register(IP_EVENT, IP_EVENT_STA_GOT_IP, on_wifi_event, NULL));
    ESP_ERROR_CHECK(esp_now_register_recv_cb(on_recv));
    ESP_ERROR_CHECK(esp_now_register_send_cb(on_sent));
    if (xTaskCreate(port_task, "espnow_prov", TASK_STACK, NULL, 5, NULL) != pdPASS) {
        return ESP_ERR_NO_MEM;
    }
    return ESP_OK;
}
