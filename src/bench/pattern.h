/* pattern.h — validation pattern: every byte depends on the sending rank, the message
 * size, the iteration and its offset, and is never zero (so a buffer left cleared, a
 * stale iteration or a message from the wrong peer is caught). */
#ifndef BBD_PATTERN_H
#define BBD_PATTERN_H

#include <stddef.h>
#include <stdint.h>

uint8_t pattern_byte(int rank, size_t size, long iter, size_t offset);
void pattern_fill(void *buf, size_t n, int rank, size_t size, long iter);
/* The bytes at offsets from..from+n-1 of that pattern. */
void pattern_fill_from(void *buf, size_t n, int rank, size_t size, long iter, size_t from);
/* Number of bytes in buf[0..n-1] that differ from the pattern. */
size_t pattern_check(const void *buf, size_t n, int rank, size_t size, long iter);

#endif
