/* Wi-Fi credentials as the nodes hold them: one struct and one length-checked way to fill it. */
#ifndef EPV_CREDS_H
#define EPV_CREDS_H

#include <stddef.h>
#include <stdint.h>
#include "epv_compat.h" /* EPV_SSID_MAX, EPV_PASSWORD_MAX: the wifi_sta_config_t field sizes */
#include "epv_status.h"

typedef struct {
    uint8_t ssid[EPV_SSID_MAX + 1];
    uint8_t ssid_len;
    uint8_t password[EPV_PASSWORD_MAX + 1];
    uint8_t password_len;
} epv_creds_t;

/** Zeroes c, then copies both fields; EPV_ERR_VALUE (c left zeroed) for an SSID of 0 or more than
 * EPV_SSID_MAX bytes, or a password over EPV_PASSWORD_MAX. */
epv_status_t epv_creds_set(epv_creds_t *c, const uint8_t *ssid, size_t ssid_len, const uint8_t *password,
                           size_t password_len);

#endif
