#include "epv_creds.h"

#include <string.h>

epv_status_t epv_creds_set(epv_creds_t *c, const uint8_t *ssid, size_t ssid_len, const uint8_t *password,
                           size_t password_len)
{
    if (!c) {
        return EPV_ERR_ARG;
    }
    memset(c, 0, sizeof(*c));
    if (!ssid || ssid_len == 0 || ssid_len > EPV_SSID_MAX || (password_len && !password) ||
        password_len > EPV_PASSWORD_MAX) {
        return EPV_ERR_VALUE;
    }
    memcpy(c->ssid, ssid, ssid_len);
    c->ssid_len = (uint8_t)ssid_len;
    if (password_len) {
        memcpy(c->password, password, password_len);
    }
    c->password_len = (uint8_t)password_len;
    return EPV_OK;
}
