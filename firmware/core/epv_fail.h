/* Why a node gave up: one enum, its wire names, and nothing else. The names are what PROV_EVT `failed`
 * lines carry (`failed reason=<name> detail=<detail>`), and the extension's failure-reasons table is keyed
 * by them, so a new reason is one line here and one entry there. */
#ifndef EPV_FAIL_H
#define EPV_FAIL_H

/* X(enum suffix, wire name) */
#define EPV_FAIL_LIST(X)                                                                                   \
    X(INTERNAL, "internal")               /* a frame could not be built: a bug, never expected */          \
    X(SCAN_TIMEOUT, "scan_timeout")       /* initiator: no beacon heard before the scan timeout */         \
    X(NO_CREDENTIALS, "no_credentials")   /* initiator: every request went unanswered (or unverified) */   \
    X(WIFI_TIMEOUT, "wifi_timeout")       /* initiator: no association within the join timeout */          \
    X(DHCP_TIMEOUT, "dhcp_timeout")       /* initiator: associated, but no lease in time */                \
    X(WIFI_REASON, "wifi_reason")         /* initiator: the AP kept refusing; the wire name gets _<code> */ \
    X(WIFI_JOIN_ERROR, "wifi_join_error") /* initiator: the Wi-Fi driver refused to start the join */      \
    X(WINDOW_EXPIRED, "window_expired")   /* responder: the beacon window ended with no initiator served */

typedef enum {
#define EPV_FAIL_ENUM(id, name) EPV_FAIL_##id,
    EPV_FAIL_LIST(EPV_FAIL_ENUM)
#undef EPV_FAIL_ENUM
    EPV_FAIL_COUNT
} epv_fail_t;

/** The reason's wire name ("scan_timeout"). Never NULL; an out-of-range value gives "internal". */
const char *epv_fail_name(epv_fail_t why);

#endif
