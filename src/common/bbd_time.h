/* bbd_time.h — the clocks every part uses: a monotonic clock for durations, and UTC
 * wall-clock time in ISO 8601 for records and the results store. */
#ifndef BBD_TIME_H
#define BBD_TIME_H

#include <stddef.h>

/* Seconds on CLOCK_MONOTONIC (only differences mean anything). */
double bbd_monotonic_s(void);
/* "2026-11-24T04:10:00Z" for now; len >= 21. */
void bbd_utc_iso(char *buf, size_t len);
/* "20261124T041000Z" for now (run ids, file names); len >= 17. */
void bbd_utc_compact(char *buf, size_t len);

#endif
