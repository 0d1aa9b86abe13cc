/*
 * cursor: the bounds-checked reader of untrusted bytes (packets, payloads,
 * MPI messages). Every parser of such bytes reads through one.
 *
 * A read past the end returns zeroes and sets short_read instead of reading
 * on, so a parser can read a whole header and test once; once a read has
 * failed, later reads fail too. Lengths are always compared with what is
 * left (n > left), never by forming p + n, which can overflow. Network
 * formats are big-endian (rd_be*); the MPI wire format is little-endian
 * (rd_le*).
 */
#ifndef HONEYSCOPE_CURSOR_H
#define HONEYSCOPE_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
    const uint8_t *p;
    size_t left;
    int short_read; /* sticky: some read or skip ran past the end */
};

static inline struct cursor cursor_make(const uint8_t *data, size_t len)
{
    struct cursor c = {data, len, 0};
    return c;
}

/* Ends the window after n bytes, so that trailing bytes (padding) stay out. */
static inline void cursor_limit(struct cursor *c, size_t n)
{
    if (n < c->left)
        c->left = n;
}

/* Consumes everything: once a read has failed, later reads fail too. */
static inline void cursor_fail(struct cursor *c)
{
    c->p += c->left;
    c->left = 0;
    c->short_read = 1;
}

/* The next n bytes, stepped over; NULL (and a short read) when fewer are left. */
static inline const uint8_t *cursor_take(struct cursor *c, size_t n)
{
    if (n > c->left) {
        cursor_fail(c);
        return NULL;
    }
    const uint8_t *p = c->p;
    c->p += n;
    c->left -= n;
    return p;
}

static inline void cursor_skip(struct cursor *c, size_t n)
{
    (void)cursor_take(c, n);
}

/* The next byte without consuming it; 0 (and a short read) at the end. */
static inline uint8_t cursor_peek_u8(struct cursor *c)
{
    if (c->left < 1) {
        c->short_read = 1;
        return 0;
    }
    return c->p[0];
}

/* n bytes (at most 8) as a big- or little-endian number; 0 on a short read. */
static inline uint64_t rd_be(struct cursor *c, size_t n)
{
    const uint8_t *p = cursor_take(c, n);
    uint64_t v = 0;
    for (size_t i = 0; p && i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static inline uint64_t rd_le(struct cursor *c, size_t n)
{
    const uint8_t *p = cursor_take(c, n);
    uint64_t v = 0;
    for (size_t i = 0; p && i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The reads of every packet header, written out: they run for every packet. */
static inline uint8_t rd_u8(struct cursor *c)
{
    if (c->left < 1) {
        cursor_fail(c);
        return 0;
    }
    uint8_t v = c->p[0];
    c->p += 1;
    c->left -= 1;
    return v;
}

static inline uint16_t rd_be16(struct cursor *c)
{
    if (c->left < 2) {
        cursor_fail(c);
        return 0;
    }
    uint16_t v = (uint16_t)(c->p[0] << 8 | c->p[1]);
    c->p += 2;
    c->left -= 2;
    return v;
}

static inline uint32_t rd_be24(struct cursor *c)
{
    return (uint32_t)rd_be(c, 3);
}

static inline uint32_t rd_be32(struct cursor *c)
{
    if (c->left < 4) {
        cursor_fail(c);
        return 0;
    }
    uint32_t v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 | (uint32_t)c->p[2] << 8 |
                 (uint32_t)c->p[3];
    c->p += 4;
    c->left -= 4;
    return v;
}

/* Copies n bytes out, or zeroes dst on a short read. */
static inline void rd_bytes(struct cursor *c, uint8_t *dst, size_t n)
{
    const uint8_t *p = cursor_take(c, n);
    if (p)
        memcpy(dst, p, n);
    else
        memset(dst, 0, n);
}

/*
 * Splits off the next n bytes as a cursor of their own and steps over them.
 * When fewer are left, the sub-cursor gets what there is, *cut is set and c
 * is used up, so that a caller can still read the part of a record that the
 * end of the data cut off.
 */
static inline struct cursor cursor_sub(struct cursor *c, size_t n, int *cut)
{
    struct cursor s = {c->p, n, 0};
    *cut = n > c->left;
    if (*cut) {
        s.left = c->left;
        cursor_fail(c);
        return s;
    }
    c->p += n;
    c->left -= n;
    return s;
}

#endif
