/*
 * Variable-length integers (7 bits a byte, low bits first, the high bit set
 * on every byte but the last) and zigzag for signed differences: the
 * store's packs and the spill runs write numbers this way.
 */
#ifndef HONEYSCOPE_COMMON_VARINT_H
#define HONEYSCOPE_COMMON_VARINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most bytes a 64-bit number takes. */
#define VARINT_MAX 10

/* Writes v at out (room for VARINT_MAX bytes); returns the bytes written. */
static inline size_t varint_put(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    for (; v >= 0x80; v >>= 7)
        out[n++] = (uint8_t)(v | 0x80);
    out[n++] = (uint8_t)v;
    return n;
}

/*
 * Reads a number from *p, never past end, and moves *p past it. False when
 * the bytes end first or the number does not fit 64 bits.
 */
static inline bool varint_get(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t value = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*p >= end)
            return false;
        uint8_t byte = *(*p)++;
        /* The tenth byte holds one bit: more would not fit 64. */
        if (shift == 63 && byte > 1)
            return false;
        value |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            *v = value;
            return true;
        }
    }
    return false;
}

/* A two's complement number (a signed value, or a difference taken modulo 2^64), small when near 0.
 */
static inline uint64_t zigzag_encode(uint64_t v)
{
    return (v << 1) ^ (0 - (v >> 63));
}

static inline uint64_t zigzag_decode(uint64_t u)
{
    return (u >> 1) ^ (0 - (u & 1));
}

/* The int64_t of a two's complement number, without implementation-defined conversion. */
static inline int64_t int64_from_bits(uint64_t u)
{
    return u <= INT64_MAX ? (int64_t)u : -(int64_t)(UINT64_MAX - u) - 1;
}

#endif
