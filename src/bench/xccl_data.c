#include "xccl_data.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

double xccl_input(int rank, size_t i, long iter, int reduces)
{
    unsigned long long k =
        (unsigned long long)rank * 5u + (unsigned long long)i * 3u + (unsigned long long)iter;
    return 1.0 + (double)(k % (reduces ? 4u : 61u));
}

/* IEEE binary16 from a float, truncating (every value we store is exact in it). */
static uint16_t half_from_float(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof(u));
    uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
    int exp = (int)((u >> 23) & 0xff) - 127 + 15;
    uint32_t mant = u & 0x7fffffu;
    if (((u >> 23) & 0xff) == 0xff) return (uint16_t)(sign | 0x7c00u | (mant ? 0x200u : 0u));
    if (exp >= 31) return (uint16_t)(sign | 0x7c00u);
    if (exp <= 0) {
        if (exp < -10) return sign;
        mant |= 0x800000u;
        return (uint16_t)(sign | (mant >> (14 - exp)));
    }
    return (uint16_t)(sign | ((uint32_t)exp << 10) | (mant >> 13));
}

static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
    if (exp == 31) return (mant ? NAN : INFINITY) * (sign ? -1.0f : 1.0f);
    if (exp == 0) return (sign ? -1.0f : 1.0f) * ldexpf((float)mant, -24);
    uint32_t u = sign | ((exp - 15 + 127) << 23) | (mant << 13);
    float f;
    memcpy(&f, &u, sizeof(f));
    return f;
}

void xccl_store(enum xccl_dtype t, void *base, size_t i, double v)
{
    float f = (float)v;
    uint32_t u;
    uint16_t h;
    switch (t) {
    case XDT_FLOAT:
        memcpy((char *)base + 4 * i, &f, 4);
        break;
    case XDT_DOUBLE:
        memcpy((char *)base + 8 * i, &v, 8);
        break;
    case XDT_HALF:
        h = half_from_float(f);
        memcpy((char *)base + 2 * i, &h, 2);
        break;
    case XDT_BFLOAT16: /* the upper half of a float (exact for our small integers) */
        memcpy(&u, &f, 4);
        h = (uint16_t)(u >> 16);
        memcpy((char *)base + 2 * i, &h, 2);
        break;
    case XDT_UINT8:
    case XDT_COUNT:
        ((uint8_t *)base)[i] = (uint8_t)v;
        break;
    }
}

double xccl_load(enum xccl_dtype t, const void *base, size_t i)
{
    float f;
    double d;
    uint32_t u;
    uint16_t h;
    switch (t) {
    case XDT_FLOAT:
        memcpy(&f, (const char *)base + 4 * i, 4);
        return f;
    case XDT_DOUBLE:
        memcpy(&d, (const char *)base + 8 * i, 8);
        return d;
    case XDT_HALF:
        memcpy(&h, (const char *)base + 2 * i, 2);
        return half_to_float(h);
    case XDT_BFLOAT16:
        memcpy(&h, (const char *)base + 2 * i, 2);
        u = (uint32_t)h << 16;
        memcpy(&f, &u, 4);
        return f;
    case XDT_UINT8:
    case XDT_COUNT:
        break;
    }
    return ((const uint8_t *)base)[i];
}

double xccl_combine(enum xccl_redop op, double a, double b)
{
    switch (op) {
    case XOP_MAX:
        return a > b ? a : b;
    case XOP_MIN:
        return a < b ? a : b;
    case XOP_SUM:
    case XOP_COUNT:
        break;
    }
    return a + b;
}
