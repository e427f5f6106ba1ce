/* WebAssembly port: the firmware as the virtual lab runs it, in-process, one module instance per board.
 * The lab calls the exports below for each event (boot, timer, frame, send done, Wi-Fi) and executes
 * the node's actions through the imports of wasm_imports.h. Inputs travel through the io buffer, whose
 * layout each export documents; every length is checked against it. The instance is the board's memory,
 * so the port's state is one static per instance (the core itself has none). */
#include <stdio.h>
#include <string.h>

#include "../core/epv_crypto.h"
#include "../core/epv_config_kv.h"
#include "../core/epv_link.h"
#include "../core/epv_nvs.h"
#include "../core/epv_node.h"
#include "../core/epv_sdkconfig.h"
#include "wasm_imports.h"

#define WASM_EXPORT(name) __attribute__((export_name(name)))
#define IO_CAPACITY (16 * 1024)

typedef enum { BOOT_OK = 0, BOOT_CONFIG_ERROR = 2, BOOT_INVALID_CONFIG = 3, BOOT_BAD_ARGS = 4 } boot_status_t;

typedef struct {
    epv_node_t node;
    epv_link_t link;
    uint32_t nvs_offset; /* the board's NVS partition in flash (from its partition table) */
    int join_error;      /* a join the driver refused, told to the node after the call that asked for it */
    int running;
    uint8_t io[IO_CAPACITY];
} wasm_port_t;

static wasm_port_t port;

static void log_line(char level, const char *tag, const char *text)
{
    wasm_log(level, tag, strlen(tag), text, strlen(text));
}

static epv_radio_err_t radio_err(int esp_err)
{
    switch (esp_err) {
    case WASM_ESP_OK:
        return EPV_RADIO_OK;
    case WASM_ESP_ERR_ESPNOW_NOT_FOUND:
        return EPV_RADIO_NOT_FOUND;
    case WASM_ESP_ERR_ESPNOW_FULL:
        return EPV_RADIO_FULL;
    case WASM_ESP_ERR_ESPNOW_EXIST:
        return EPV_RADIO_EXIST;
    case WASM_ESP_ERR_ESPNOW_ARG:
        return EPV_RADIO_ARG;
    default:
        return EPV_RADIO_FAILED;
    }
}

static epv_radio_err_t add_peer(void *ctx, const uint8_t mac[EPV_MAC_LEN])
{
    (void)ctx;
    return radio_err(wasm_espnow_add_peer(mac));
}

static epv_radio_err_t del_peer(void *ctx, const uint8_t mac[EPV_MAC_LEN])
{
    (void)ctx;
    return radio_err(wasm_espnow_del_peer(mac));
}

static epv_radio_err_t send_frame(void *ctx, const uint8_t mac[EPV_MAC_LEN], const uint8_t *frame, size_t len)
{
    (void)ctx;
    return radio_err(wasm_espnow_send(mac, frame, len));
}

static void radio_warn(void *ctx, const char *what, const uint8_t mac[EPV_MAC_LEN], epv_radio_err_t err)
{
    (void)ctx;
    char line[96], m[18];
    epv_fmt_mac(m, mac);
    snprintf(line, sizeof(line), "esp_now %s %s: %s", what, m, epv_radio_err_str(err));
    log_line('W', "espnow_port", line);
}

static void emit(void *ctx, const epv_action_t *a)
{
    (void)ctx;
    switch (a->kind) {
    case EPV_ACT_SEND:
        (void)epv_link_queue(&port.link, a->u.send.dest, a->u.send.frame, a->u.send.len);
        break;
    case EPV_ACT_SET_CHANNEL:
        wasm_set_channel(a->u.channel);
        break;
    case EPV_ACT_TIMER_START:
        wasm_timer_start((uint32_t)a->u.timer.id, a->u.timer.ms);
        break;
    case EPV_ACT_TIMER_STOP:
        wasm_timer_stop((uint32_t)a->u.timer.id);
        break;
    case EPV_ACT_WIFI_JOIN:
        port.join_error = wasm_wifi_join(a->u.join.ssid, a->u.join.ssid_len, a->u.join.password, a->u.join.password_len);
        break;
    case EPV_ACT_LOG:
        log_line(a->u.log.level, a->u.log.tag, a->u.log.text);
        break;
    case EPV_ACT_STORE_CREDS:
        if (wasm_nvs_store_creds(a->u.join.ssid, a->u.join.ssid_len, a->u.join.password, a->u.join.password_len) != 0) {
            log_line('W', "espnow_port", "could not keep the credentials in NVS; the pair key stays there");
        }
        break;
    }
}

static void random_bytes(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    wasm_random(out, len);
}

static epv_status_t nvs_read(void *ctx, size_t offset, uint8_t *dst, size_t len)
{
    const uint32_t *base = ctx;
    return wasm_flash_read(*base + (uint32_t)offset, dst, len) == 0 ? EPV_OK : EPV_ERR_ARG;
}

/* Per-board values from the NVS partition over the menuconfig ones, as the ESP-IDF port does. */
static epv_status_t apply_nvs(epv_config_t *cfg, uint32_t nvs_offset, uint32_t nvs_size, char *msg, size_t cap)
{
    if (nvs_size == 0) {
        return EPV_OK;
    }
    epv_nvs_t nvs;
    port.nvs_offset = nvs_offset;
    if (epv_nvs_init_read(&nvs, nvs_read, &port.nvs_offset, nvs_size) != EPV_OK) {
        snprintf(msg, cap, "config error: NVS partition of %u bytes is not a whole number of pages", (unsigned)nvs_size);
        return EPV_ERR_VALUE;
    }
    epv_nvs_view_t view = {.nvs = &nvs, .ns = EPV_KV_NAMESPACE};
    epv_kv_t kv;
    epv_nvs_kv(&kv, &view);
    const char *key = NULL, *why = NULL;
    unsigned applied = 0;
    if (epv_config_apply_kv(cfg, &kv, &key, &why, &applied) != EPV_OK) {
        snprintf(msg, cap, "config error in NVS key %s: %s", key ? key : "?", why ? why : "?");
        return EPV_ERR_VALUE;
    }
    if (applied) {
        snprintf(msg, cap, "%u settings from NVS namespace %s override menuconfig", applied, EPV_KV_NAMESPACE);
        log_line('I', EPV_TAG_PROV, msg);
    }
    return EPV_OK;
}

/* The constant names of the driver's refusals the lab produces (esp_err.h / esp_wifi.h). */
static const char *wifi_err_name(int err)
{
    switch (err) {
    case 0x3002:
        return "ESP_ERR_WIFI_NOT_STARTED";
    case 0x3006:
        return "ESP_ERR_WIFI_STATE";
    case 0x300A:
        return "ESP_ERR_WIFI_SSID";
    case 0x300B:
        return "ESP_ERR_WIFI_PASSWORD";
    default:
        return "ESP_FAIL";
    }
}

/* After every event the node handled (never from inside emit): what it queued goes out, and a join the
 * driver refused reaches it, as the ESP-IDF port posts both to its own queue. */
static void after_event(void)
{
    while (port.running && port.join_error) {
        int err = port.join_error;
        port.join_error = 0;
        epv_node_on_wifi_join_error(&port.node, wifi_err_name(err));
    }
    epv_link_pump(&port.link, &port.node);
}

/** Where the lab writes each call's input. */
WASM_EXPORT("epv_io_buffer") uint8_t *epv_io_buffer(void) { return port.io; }
WASM_EXPORT("epv_io_capacity") uint32_t epv_io_capacity(void) { return IO_CAPACITY; }

/**
 * Starts the app. io: MAC (6 bytes), then config_len bytes of sdkconfig text (the menuconfig values the app
 * image carries); nvs_offset / nvs_size: the board's NVS partition (size 0: none), whose namespace
 * espnow_prov overrides them. A config the core refuses is logged ("config error at line N: ...", "config
 * error in NVS key K: ..." or "invalid configuration: ...") and the app stops there, as the ESP-IDF port
 * stops at boot. Returns a boot_status_t.
 */
WASM_EXPORT("epv_boot") int epv_boot(uint32_t config_len, uint32_t nvs_offset, uint32_t nvs_size)
{
    if (port.running || config_len > IO_CAPACITY - EPV_MAC_LEN) {
        return BOOT_BAD_ARGS;
    }
    log_line('I', "cpu_start", "ESP-NOW provisioning, wasm build " EPV_VERSION);
    epv_config_t cfg;
    epv_config_defaults(&cfg);
    memcpy(cfg.self_mac, port.io, EPV_MAC_LEN);
    int line_no = 0;
    const char *why = NULL;
    char msg[160];
    epv_status_t st = epv_sdkconfig_parse((const char *)port.io + EPV_MAC_LEN, config_len, &cfg, &line_no, &why);
    epv_wipe(port.io, sizeof(port.io)); /* held the Wi-Fi password and the pair key */
    if (st != EPV_OK) {
        snprintf(msg, sizeof(msg), "config error at line %d: %s", line_no, why ? why : "?");
        log_line('E', EPV_TAG_PROV, msg);
        epv_wipe(&cfg, sizeof(cfg));
        return BOOT_CONFIG_ERROR;
    }
    if (apply_nvs(&cfg, nvs_offset, nvs_size, msg, sizeof(msg)) != EPV_OK) {
        log_line('E', EPV_TAG_PROV, msg);
        epv_wipe(&cfg, sizeof(cfg));
        return BOOT_CONFIG_ERROR;
    }
    epv_env_t env = {.emit = emit, .emit_ctx = NULL, .random = random_bytes, .random_ctx = NULL};
    epv_radio_ops_t ops = {.add_peer = add_peer, .del_peer = del_peer, .send = send_frame, .warn = radio_warn};
    epv_link_init(&port.link, &ops);
    st = epv_node_init(&port.node, &cfg, &env, &why);
    epv_wipe(&cfg, sizeof(cfg)); /* the node holds its own copy */
    if (st != EPV_OK) {
        snprintf(msg, sizeof(msg), "invalid configuration: %s", why ? why : epv_status_str(st));
        log_line('E', EPV_TAG_PROV, msg);
        return BOOT_INVALID_CONFIG;
    }
    port.running = 1;
    epv_node_start(&port.node);
    after_event();
    return BOOT_OK;
}

WASM_EXPORT("epv_on_timer") void epv_on_timer(uint32_t id)
{
    if (port.running && id < EPV_TIMER_COUNT) {
        epv_node_on_timer(&port.node, (epv_timer_id_t)id);
        after_event();
    }
}

/** io: source MAC (6 bytes), then len bytes of the frame. */
WASM_EXPORT("epv_on_frame") void epv_on_frame(int32_t rssi, uint32_t channel, uint32_t len)
{
    if (!port.running || len > EPV_FRAME_MAX || channel < 1 || channel > 14 || rssi < -128 || rssi > 127) {
        return;
    }
    epv_node_on_frame(&port.node, port.io, (int)rssi, (uint8_t)channel, port.io + EPV_MAC_LEN, len);
    epv_wipe(port.io, EPV_MAC_LEN + len); /* a compat-mode WIFI frame carries the password in clear */
    after_event();
}

/** io: destination MAC (6 bytes). The send callback of the frame in flight. */
WASM_EXPORT("epv_on_send_done") void epv_on_send_done(uint32_t ok)
{
    if (port.running) {
        uint8_t dest[EPV_MAC_LEN];
        memcpy(dest, port.io, EPV_MAC_LEN);
        epv_link_on_sent(&port.link, &port.node, dest, ok != 0);
        after_event();
    }
}

/** io: BSSID (6 bytes). */
WASM_EXPORT("epv_on_wifi_connected") void epv_on_wifi_connected(uint32_t channel)
{
    if (port.running && channel >= 1 && channel <= 14) {
        epv_node_on_wifi_connected(&port.node, port.io, (uint8_t)channel);
        after_event();
    }
}

WASM_EXPORT("epv_on_wifi_disconnected") void epv_on_wifi_disconnected(uint32_t reason)
{
    if (port.running && reason <= 65535) {
        epv_node_on_wifi_disconnected(&port.node, (int)reason);
        after_event();
    }
}

/** io: IP, netmask, gateway (4 bytes each, dotted order). */
WASM_EXPORT("epv_on_got_ip") void epv_on_got_ip(void)
{
    if (port.running) {
        epv_node_on_got_ip(&port.node, port.io, port.io + 4, port.io + 8);
        after_event();
    }
}

/** Power off: nothing of the credentials stays in the instance's memory. */
WASM_EXPORT("epv_power_off") void epv_power_off(void)
{
    port.running = 0;
    epv_wipe(&port, sizeof(port));
}
