/* Initiator, second half: joining the network with the credentials received (or kept from an earlier
 * boot), the retries and the timeouts of the join and of DHCP, and keeping the credentials that worked. */
#include "epv_initiator_wifi.h"

#include <stdio.h>
#include <string.h>

void epv_initiator_join(epv_initiator_t *n)
{
    n->wifi_attempts++;
    n->state = EPV_ISTATE_JOINING;
    epv_evt_begin(&n->out, "wifi_connecting");
    epv_evt_str(&n->out, "ssid", n->creds.ssid, n->creds.ssid_len);
    if (n->ap.bssid_set) {
        epv_evt_mac(&n->out, "bssid", n->ap.bssid);
    }
    if (n->ap.channel) {
        epv_evt_int(&n->out, "channel", n->ap.channel);
    }
    epv_evt_end(&n->out, 'I');
    epv_out_join(&n->out, &n->creds, &n->ap);
    epv_out_timer_start(&n->out, EPV_TIMER_WIFI, EPV_WIFI_TIMEOUT_MS);
}

void epv_initiator_wifi_timeout(epv_initiator_t *n)
{
    if (n->state == EPV_ISTATE_JOINING) {
        epv_initiator_fail(n, EPV_FAIL_WIFI_TIMEOUT, -1, "no_association");
    } else if (n->state == EPV_ISTATE_WAIT_IP) {
        epv_initiator_fail(n, EPV_FAIL_DHCP_TIMEOUT, -1, "no_lease");
    }
}

void epv_initiator_on_wifi_connected(epv_initiator_t *n, const uint8_t bssid[EPV_MAC_LEN], uint8_t channel)
{
    if (n->state != EPV_ISTATE_JOINING) {
        return;
    }
    n->state = EPV_ISTATE_WAIT_IP;
    n->channel = channel;
    epv_evt_begin(&n->out, "wifi_connected");
    epv_evt_mac(&n->out, "bssid", bssid);
    epv_evt_int(&n->out, "channel", channel);
    epv_evt_end(&n->out, 'I');
    epv_out_timer_start(&n->out, EPV_TIMER_WIFI, EPV_WIFI_TIMEOUT_MS);
}

void epv_initiator_on_wifi_disconnected(epv_initiator_t *n, int reason)
{
    if (n->state != EPV_ISTATE_JOINING && n->state != EPV_ISTATE_WAIT_IP && n->state != EPV_ISTATE_DONE) {
        return;
    }
    epv_out_timer_stop(&n->out, EPV_TIMER_WIFI);
    epv_evt_begin(&n->out, "wifi_disconnected");
    epv_evt_int(&n->out, "reason", reason);
    epv_evt_end(&n->out, 'W');
    if (n->state == EPV_ISTATE_DONE) {
        n->wifi_attempts = 0; /* lost a working link: start a fresh series of joins */
    }
    if (n->wifi_attempts < EPV_WIFI_ATTEMPTS) {
        epv_initiator_join(n);
        return;
    }
    char detail[24];
    snprintf(detail, sizeof(detail), "after_%u_attempts", n->wifi_attempts);
    epv_initiator_fail(n, EPV_FAIL_WIFI_REASON, reason < 0 ? 0 : reason, detail);
}

void epv_initiator_on_wifi_join_error(epv_initiator_t *n, const char *error_name)
{
    if (n->state != EPV_ISTATE_JOINING) {
        return;
    }
    /* The Wi-Fi driver refused the join itself (bad config, not started): no retry can do better, and
     * waiting for a connection that never starts would only hide why. */
    char detail[33];
    snprintf(detail, sizeof(detail), "%s", error_name && error_name[0] ? error_name : "unknown");
    epv_initiator_fail(n, EPV_FAIL_WIFI_JOIN_ERROR, -1, detail);
}

void epv_initiator_on_got_ip(epv_initiator_t *n, const uint8_t ip[4], const uint8_t mask[4], const uint8_t gw[4])
{
    if (n->state != EPV_ISTATE_WAIT_IP) {
        return;
    }
    epv_out_timer_stop(&n->out, EPV_TIMER_WIFI);
    n->state = EPV_ISTATE_DONE;
    epv_out_log(&n->out, 'I', "Provisioned: got IP %u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
    epv_evt_begin(&n->out, "got_ip");
    epv_evt_ip(&n->out, "ip", ip);
    epv_evt_ip(&n->out, "mask", mask);
    epv_evt_ip(&n->out, "gw", gw);
    epv_evt_end(&n->out, 'I');
    if (!n->stored) {
        /* Proven credentials are kept; the pair key, whose only use was getting them, goes: a provisioned
         * device that is captured later gives away no fleet's key. */
        n->stored = true;
        epv_out_log(&n->out, 'I', "Keeping the Wi-Fi credentials in NVS and erasing the pair key");
        epv_out_store_creds(&n->out, &n->creds);
    }
}
