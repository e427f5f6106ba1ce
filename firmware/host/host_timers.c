#define _POSIX_C_SOURCE 200809L
#include "host_timers.h"

#include <time.h>

uint64_t host_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void host_timers_init(host_timers_t *t)
{
    for (int i = 0; i < EPV_TIMER_COUNT; i++) {
        t->armed[i] = false;
        t->deadline[i] = 0;
    }
    t->start_ms = host_now_ms();
}

void host_timers_start(host_timers_t *t, epv_timer_id_t id, uint32_t ms)
{
    if ((unsigned)id < EPV_TIMER_COUNT) {
        t->armed[id] = true;
        t->deadline[id] = host_now_ms() + ms;
    }
}

void host_timers_stop(host_timers_t *t, epv_timer_id_t id)
{
    if ((unsigned)id < EPV_TIMER_COUNT) {
        t->armed[id] = false;
    }
}

int host_timers_next_ms(const host_timers_t *t)
{
    uint64_t now = host_now_ms();
    int best = -1;
    for (int i = 0; i < EPV_TIMER_COUNT; i++) {
        if (!t->armed[i]) {
            continue;
        }
        uint64_t left = t->deadline[i] > now ? t->deadline[i] - now : 0;
        if (left > 600000) {
            left = 600000;
        }
        if (best < 0 || (int)left < best) {
            best = (int)left;
        }
    }
    return best;
}

int host_timers_take_due(host_timers_t *t)
{
    uint64_t now = host_now_ms();
    int due = -1;
    for (int i = 0; i < EPV_TIMER_COUNT; i++) {
        if (t->armed[i] && t->deadline[i] <= now && (due < 0 || t->deadline[i] < t->deadline[due])) {
            due = i;
        }
    }
    if (due >= 0) {
        t->armed[due] = false;
    }
    return due;
}

uint32_t host_uptime_ms(const host_timers_t *t) { return (uint32_t)(host_now_ms() - t->start_ms); }
