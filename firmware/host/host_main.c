/* Host port: the firmware as a Linux program for the virtual lab (docs/LAB-LINK.md).
 * stdout = UART TX, stdin = UART RX, the TCP link = radio and Wi-Fi. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "../core/epv_node.h"
#include "host_config.h"
#include "host_link.h"
#include "host_timers.h"

typedef struct {
    host_timers_t timers;
    host_link_t link;
    epv_node_t node;
    int link_up;
} host_port_t;

static void log_line(host_port_t *p, char level, const char *tag, const char *text)
{
    printf("%c (%u) %s: %s\n", level, host_uptime_ms(&p->timers), tag, text);
    fflush(stdout);
}

static void emit(void *ctx, const epv_action_t *a)
{
    host_port_t *p = ctx;
    switch (a->kind) {
    case EPV_ACT_SEND:
        host_link_send_tx(&p->link, a->u.send.dest, a->u.send.frame, a->u.send.len);
        break;
    case EPV_ACT_SET_CHANNEL:
        host_link_send_channel(&p->link, a->u.channel);
        break;
    case EPV_ACT_TIMER_START:
        host_timers_start(&p->timers, a->u.timer.id, a->u.timer.ms);
        break;
    case EPV_ACT_TIMER_STOP:
        host_timers_stop(&p->timers, a->u.timer.id);
        break;
    case EPV_ACT_WIFI_JOIN:
        host_link_send_join(&p->link, a->u.join.ssid, a->u.join.ssid_len, a->u.join.password, a->u.join.password_len);
        break;
    case EPV_ACT_LOG:
        log_line(p, a->u.log.level, a->u.log.tag, a->u.log.text);
        break;
    case EPV_ACT_STORE_CREDS:
        log_line(p, 'W', "host_port", "no NVS in the host build: credentials not kept");
        break;
    }
}

static void random_bytes(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    while (len) {
        ssize_t n = getrandom(out, len, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            abort(); /* no entropy: never fall back to predictable nonces */
        }
        out += n;
        len -= (size_t)n;
    }
}

static void warn_line(void *ctx, const char *line)
{
    char msg[96];
    size_t kind = strcspn(line, " "); /* only the kind: an RX line may carry a compat password in hex */
    snprintf(msg, sizeof(msg), "malformed link line dropped: %.*s (%zu bytes)", (int)(kind > 32 ? 32 : kind), line,
             strlen(line));
    log_line(ctx, 'W', "lab_link", msg);
}

/* Only interrupts ppoll; the loop then exits normally and wipes its state. */
static void on_signal(int sig) { (void)sig; }

/* SIGTERM = power off: blocked except inside ppoll, so the loop sees it as EINTR and exits cleanly. */
static void setup_signals(sigset_t *wait_mask)
{
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, wait_mask);
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

static int usage(void)
{
    fprintf(stderr, "usage: espnow_prov_host --config PATH --mac aa:bb:cc:dd:ee:ff --link 127.0.0.1:PORT\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *config_path = NULL, *mac_arg = NULL, *link_arg = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--config")) {
            config_path = argv[i + 1];
        } else if (!strcmp(argv[i], "--mac")) {
            mac_arg = argv[i + 1];
        } else if (!strcmp(argv[i], "--link")) {
            link_arg = argv[i + 1];
        } else {
            return usage();
        }
    }
    if (!config_path || !mac_arg || !link_arg || argc % 2 == 0) {
        return usage();
    }
    static host_port_t port; /* one per process; the core itself has no statics */
    host_port_t *p = &port;
    host_timers_init(&p->timers);
    p->link.fd = -1;

    sigset_t wait_mask;
    setup_signals(&wait_mask);

    epv_config_t cfg;
    epv_config_defaults(&cfg);
    int line_no = 0;
    const char *why = NULL;
    log_line(p, 'I', "cpu_start", "ESP-NOW provisioning, host build " EPV_VERSION);
    epv_status_t loaded = host_config_load(config_path, &cfg, &line_no, &why);
    /* The file holds the Wi-Fi password and pair key: once read it has served its purpose, and removing it
     * here means a lab that dies without cleaning up (SIGKILL) leaves no secret on disk. */
    if (unlink(config_path) != 0 && errno != ENOENT) {
        log_line(p, 'W', "espnow_prov", "could not remove the config file after reading it");
    }
    if (loaded != EPV_OK) {
        char msg[160];
        snprintf(msg, sizeof(msg), "config error at line %d: %s", line_no, why);
        log_line(p, 'E', "espnow_prov", msg);
        epv_wipe(&cfg, sizeof(cfg));
        return 2;
    }
    char mac[18];
    if (epv_parse_mac(mac_arg, strlen(mac_arg), cfg.self_mac) != EPV_OK) {
        epv_wipe(&cfg, sizeof(cfg));
        return usage();
    }
    epv_fmt_mac(mac, cfg.self_mac); /* the link wants lowercase, whatever the argument's case */
    epv_env_t env = {.emit = emit, .emit_ctx = p, .random = random_bytes, .random_ctx = NULL};
    if (epv_node_init(&p->node, &cfg, &env, &why) != EPV_OK) {
        char msg[160];
        snprintf(msg, sizeof(msg), "invalid configuration: %s", why ? why : "?");
        log_line(p, 'E', "espnow_prov", msg);
        epv_wipe(&cfg, sizeof(cfg));
        return 2;
    }
    epv_wipe(&cfg, sizeof(cfg)); /* the node holds its own copy */
    if (host_link_connect(&p->link, link_arg) != 0) {
        log_line(p, 'E', "lab_link", "cannot connect to the lab link");
        return 1;
    }
    char hello[32];
    snprintf(hello, sizeof(hello), "HELLO %s", mac);
    host_link_send(&p->link, hello);
    epv_node_start(&p->node);

    for (;;) {
        struct pollfd fds[2] = {{.fd = p->link.fd, .events = POLLIN}, {.fd = 0, .events = POLLIN}};
        int next = host_timers_next_ms(&p->timers);
        struct timespec ts = {.tv_sec = next / 1000, .tv_nsec = (long)(next % 1000) * 1000000L};
        int r = ppoll(fds, 2, next < 0 ? NULL : &ts, &wait_mask);
        if (r < 0 && errno == EINTR) {
            log_line(p, 'I', "espnow_prov", "power off (signal)");
            break;
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (host_link_pump(&p->link, &p->node, warn_line, p) < 0) {
                log_line(p, 'W', "lab_link", "lab closed the link");
                break;
            }
        }
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            char buf[256];
            ssize_t n = read(0, buf, sizeof(buf)); /* UART RX: no console commands yet */
            if (n == 0 || (n < 0 && errno != EINTR)) {
                log_line(p, 'I', "espnow_prov", "stdin closed, exiting");
                break;
            }
        }
        for (int id; (id = host_timers_take_due(&p->timers)) >= 0;) {
            epv_node_on_timer(&p->node, (epv_timer_id_t)id);
        }
    }
    close(p->link.fd);
    epv_wipe(&p->node, sizeof(p->node));
    return 0;
}
