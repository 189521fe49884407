#include "run_units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    enum run_quantity q;
    double per_base; /* us per unit, or MB/s per unit */
} units[] = {
    {"us", QTY_TIME, 1.0},        {"ms", QTY_TIME, 1e3},        {"s", QTY_TIME, 1e6},
    {"MB/s", QTY_BANDWIDTH, 1.0}, {"GB/s", QTY_BANDWIDTH, 1e3},
};

static int find(const char *unit)
{
    for (size_t i = 0; unit && i < sizeof(units) / sizeof(units[0]); i++)
        if (!strcmp(units[i].name, unit)) return (int)i;
    return -1;
}

enum run_quantity run_unit_quantity(const char *unit)
{
    int i = find(unit);
    return i < 0 ? QTY_UNKNOWN : units[i].q;
}

bool run_unit_lower_is_better(const char *unit)
{
    return run_unit_quantity(unit) == QTY_TIME;
}

double run_unit_convert(double v, const char *from, const char *to)
{
    int a = find(from), b = find(to);
    if (a < 0 || b < 0 || units[a].q != units[b].q) return NAN;
    return v * units[a].per_base / units[b].per_base;
}

const char *run_unit_common(enum run_quantity q)
{
    return q == QTY_TIME ? "us" : "MB/s";
}

void run_size_label(char *buf, size_t len, long long size)
{
    static const char suffix[] = {'G', 'M', 'K'};
    for (int i = 0; i < 3; i++) {
        long long unit = 1LL << (10 * (3 - i));
        if (size >= unit && size % unit == 0) {
            snprintf(buf, len, "%lld%c", size / unit, suffix[i]);
            return;
        }
    }
    snprintf(buf, len, "%lld", size);
}
