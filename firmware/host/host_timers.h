/* One-shot timers over CLOCK_MONOTONIC, polled by the main loop. */
#ifndef HOST_TIMERS_H
#define HOST_TIMERS_H

#include <stdbool.h>
#include <stdint.h>
#include "../core/epv_action.h"

typedef struct {
    uint64_t start_ms; /* program start, the origin of log timestamps */
    uint64_t deadline[EPV_TIMER_COUNT];
    bool armed[EPV_TIMER_COUNT];
} host_timers_t;

uint64_t host_now_ms(void);
void host_timers_init(host_timers_t *t);
void host_timers_start(host_timers_t *t, epv_timer_id_t id, uint32_t ms);
void host_timers_stop(host_timers_t *t, epv_timer_id_t id);
/** Milliseconds until the next deadline (0 if due), or -1 when nothing is armed. */
int host_timers_next_ms(const host_timers_t *t);
/** Disarms and returns one due timer, or -1. */
int host_timers_take_due(host_timers_t *t);
/** Milliseconds since program start, for log lines. */
uint32_t host_uptime_ms(const host_timers_t *t);

#endif
