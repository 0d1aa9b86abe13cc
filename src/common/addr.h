/*
 * IPv4 and IPv6 addresses and prefixes in one representation.
 *
 * Every address is 16 bytes; an IPv4 address is stored IPv4-mapped
 * (::ffff:a.b.c.d) so that one trie, one hash and one comparison serve both
 * families. Prefix lengths are always counted in the 128-bit space internally;
 * the text forms use the family's own length (/24, not /120).
 *
 * The families never mix: an IPv6 prefix holds only IPv6 addresses and an
 * IPv4 prefix only IPv4 ones, so ::/0 does not swallow 0.0.0.0/0. An IPv6
 * packet may carry an address inside ::ffff:0:0/96 on the wire: that is an
 * IPv6 address, written as such (::ffff:1.2.3.4) and matched by IPv6
 * prefixes, and the mapped_v6 flag keeps it apart from the IPv4 address of
 * the same 16 bytes.
 */
#ifndef HONEYSCOPE_ADDR_H
#define HONEYSCOPE_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct ip_addr {
    uint8_t b[16];
    /*
     * 1 for an IPv6 address inside ::ffff:0:0/96, 0 for every other address:
     * the one bit the 16 bytes cannot hold. Kept canonical (only ever 1 with
     * the mapped head in b) so that addresses compare and hash as bytes.
     */
    uint8_t mapped_v6;
    uint8_t zero[3]; /* always zero: no padding inside the keys that embed addresses */
};

/* Bytes of an address in a portable binary form (addr_pack, addr_unpack). */
#define ADDR_PACKED_BYTES 17

struct ip_prefix {
    struct ip_addr addr; /* host bits are zero */
    uint8_t len;         /* 0..128, in the 128-bit space */
};

/* Longest text form of an address ("ffff:...:255.255.255.255") plus NUL. */
#define ADDR_TEXT_MAX 48
/* An address, '/', up to three digits, NUL. */
#define PREFIX_TEXT_MAX (ADDR_TEXT_MAX + 4)

void addr_from_v4(struct ip_addr *addr, const uint8_t v4[4]);
/* An IPv6 address as a packet or text gives it; one in ::ffff:0:0/96 stays IPv6. */
void addr_from_v6(struct ip_addr *addr, const uint8_t v6[16]);
/* Eight bytes read as a big-endian number (compilers make it one load and a swap). */
static inline uint64_t addr_be64(const uint8_t *p)
{
    return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
           (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
           (uint64_t)p[6] << 8 | (uint64_t)p[7];
}

/* Whether addr is IPv4 (held as ::ffff:a.b.c.d, the family flag clear). */
static inline bool addr_is_v4(const struct ip_addr *addr)
{
    return !addr->mapped_v6 && addr_be64(addr->b) == 0 && addr_be64(addr->b + 8) >> 32 == 0xffff;
}

/*
 * Orders by the 16 bytes, an IPv4 address before the IPv6 address of the
 * same bytes. Inline: sorting and merging millions of rows compares
 * addresses more than anything else.
 */
static inline int addr_compare(const struct ip_addr *a, const struct ip_addr *b)
{
    uint64_t x = addr_be64(a->b), y = addr_be64(b->b);
    if (x == y) {
        x = addr_be64(a->b + 8);
        y = addr_be64(b->b + 8);
    }
    if (x != y)
        return x < y ? -1 : 1;
    return (int)a->mapped_v6 - (int)b->mapped_v6;
}

/* Whether a and b are one address (the struct is canonical: no stray bytes). */
static inline bool addr_equal(const struct ip_addr *a, const struct ip_addr *b)
{
    return memcmp(a, b, sizeof(*a)) == 0;
}
/* Writes the 16 bytes and the family flag (ADDR_PACKED_BYTES) for a wire or a file. */
void addr_pack(const struct ip_addr *addr, uint8_t out[ADDR_PACKED_BYTES]);
/* Reads what addr_pack() wrote. Returns 0, or -1 when the flag is not canonical. */
int addr_unpack(struct ip_addr *addr, const uint8_t in[ADDR_PACKED_BYTES]);

/* Parses dotted-quad IPv4 or any RFC 4291 IPv6 text. Returns 0, or -1. */
int addr_parse(struct ip_addr *addr, const char *text);
/* The value of a hexadecimal digit ('0'-'9', 'a'-'f', 'A'-'F'), or -1. */
static inline int hex_digit_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
/* Writes the address in its family's usual text form; returns buf. */
char *addr_format(const struct ip_addr *addr, char buf[ADDR_TEXT_MAX]);

/*
 * Parses "a.b.c.d/len" or "v6/len" (a bare address is a host prefix).
 * Rejects lengths past the family's width and set host bits, with a reason
 * in *why. Returns 0, or -1.
 */
int prefix_parse(struct ip_prefix *prefix, const char *text, const char **why);
char *prefix_format(const struct ip_prefix *prefix, char buf[PREFIX_TEXT_MAX]);
/* The prefix length as the family counts it (24 for an IPv4 /24). */
unsigned prefix_family_len(const struct ip_prefix *prefix);
/* Whether the prefix holds addr; never across families (::/0 holds no IPv4 address). */
bool prefix_contains(const struct ip_prefix *prefix, const struct ip_addr *addr);
/*
 * Zeroes every bit past len; len in the 128-bit space. Below /96 the mapped
 * head is gone and the result is an IPv6 prefix's address whatever the input.
 */
void addr_mask(struct ip_addr *addr, unsigned len);
/* Bit i (0 = most significant) of the address. */
static inline unsigned addr_bit(const struct ip_addr *addr, unsigned i)
{
    return (addr->b[i >> 3] >> (7 - (i & 7))) & 1u;
}

#endif
