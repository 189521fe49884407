/* run_units.h — the units of stored figures, and sizes for people.
 *
 * A record's unit is its test's (us, MB/s with MB = 1e6 bytes, GB/s with GB = 1e9 bytes).
 * Figures are only ever compared within one quantity, converted to one unit first. */
#ifndef BBD_RUN_UNITS_H
#define BBD_RUN_UNITS_H

#include <stdbool.h>
#include <stddef.h>

enum run_quantity { QTY_TIME, QTY_BANDWIDTH, QTY_UNKNOWN };

enum run_quantity run_unit_quantity(const char *unit);
bool run_unit_lower_is_better(const char *unit);
/* v in unit `from` expressed in unit `to`; NAN when they measure different things. */
double run_unit_convert(double v, const char *from, const char *to);
/* The unit a bandwidth is compared in across tests (MB/s), or a time (us). */
const char *run_unit_common(enum run_quantity q);

/* "0", "512", "1K", "64K", "1M", "4M", "1G" (binary multiples); other sizes in bytes. */
void run_size_label(char *buf, size_t len, long long size);

#endif
