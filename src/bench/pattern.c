#include "pattern.h"

static uint32_t pattern_seed(int rank, size_t size, long iter)
{
    /* FNV-1a over the three inputs: cheap, and nearby inputs give distant seeds. */
    uint64_t v[3] = {(uint64_t)rank, (uint64_t)size, (uint64_t)iter};
    uint32_t h = 2166136261u;
    for (int i = 0; i < 3; i++)
        for (int b = 0; b < 8; b++) {
            h ^= (uint8_t)(v[i] >> (8 * b));
            h *= 16777619u;
        }
    return h;
}

static inline uint8_t byte_at(uint32_t seed, size_t offset)
{
    /* 1..251: never zero; 251 is prime so the period is not a power of two. */
    return (uint8_t)(1u + (seed + (uint32_t)offset * 31u) % 251u);
}

uint8_t pattern_byte(int rank, size_t size, long iter, size_t offset)
{
    return byte_at(pattern_seed(rank, size, iter), offset);
}

void pattern_fill_from(void *buf, size_t n, int rank, size_t size, long iter, size_t from)
{
    uint8_t *p = buf;
    uint32_t seed = pattern_seed(rank, size, iter);
    for (size_t i = 0; i < n; i++)
        p[i] = byte_at(seed, from + i);
}

void pattern_fill(void *buf, size_t n, int rank, size_t size, long iter)
{
    pattern_fill_from(buf, n, rank, size, iter, 0);
}

size_t pattern_check(const void *buf, size_t n, int rank, size_t size, long iter)
{
    const uint8_t *p = buf;
    uint32_t seed = pattern_seed(rank, size, iter);
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += p[i] != byte_at(seed, i);
    return bad;
}
