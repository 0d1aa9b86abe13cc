/*
 * Private to the decode stage: the bounds-checked cursor every header decoder
 * reads through, and the link-layer entry point that link.c gives decode.c.
 *
 * The cursor is the only thing that touches packet bytes. A read past the end
 * returns zeroes and sets short_read instead of reading on, so a decoder can
 * read a whole header and test once. Lengths are always compared with what is
 * left (n > left), never by forming p + n, which can overflow.
 */
#ifndef HONEYSCOPE_DECODE_INT_H
#define HONEYSCOPE_DECODE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode.h"

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
    if (n > c->left) {
        memset(dst, 0, n);
        cursor_fail(c);
        return;
    }
    memcpy(dst, c->p, n);
    c->p += n;
    c->left -= n;
}

static inline void skip(struct cursor *c, size_t n)
{
    if (n > c->left) {
        cursor_fail(c);
        return;
    }
    c->p += n;
    c->left -= n;
}

/* The next byte without consuming it; 0 (and a short read) at the end. */
static inline uint8_t peek_u8(struct cursor *c)
{
    if (c->left < 1) {
        c->short_read = 1;
        return 0;
    }
    return c->p[0];
}

/*
 * Steps c over the link-layer header of link_type (DLT_ numbering). On
 * DECODE_OK, c starts at the IP header and *ip_version is 4 or 6 as the link
 * header says, or 0 when only the IP header's own version field can tell.
 */
enum decode_result link_decode(int link_type, struct cursor *c, unsigned *ip_version);

#endif
