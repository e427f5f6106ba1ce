/* Between the initiator's two halves (epv_initiator.c: scan and exchange; epv_initiator_wifi.c: the join).
 * Not for other callers: they use epv_initiator.h. */
#ifndef EPV_INITIATOR_WIFI_H
#define EPV_INITIATOR_WIFI_H

#include "epv_initiator.h"

/* Stops every timer, wipes the credentials and reports `failed reason=<why>`. */
void epv_initiator_fail(epv_initiator_t *n, epv_fail_t why, int code, const char *detail);
/* One join attempt with the credentials held, under the Wi-Fi timer. */
void epv_initiator_join(epv_initiator_t *n);
/* EPV_TIMER_WIFI fired: no association, or no lease, in time. */
void epv_initiator_wifi_timeout(epv_initiator_t *n);

#endif
