/*
 * IPv4 and IPv6 addresses and prefixes in one representation.
 *
 * Every address is 16 bytes; an IPv4 address is stored IPv4-mapped
 * (::ffff:a.b.c.d) so that one trie, one hash and one comparison serve both
 * families. Prefix lengths are always counted in the 128-bit space internally;
 * the text forms use the family's own length (/24, not /120).
 */
#ifndef HONEYSCOPE_ADDR_H
#define HONEYSCOPE_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ip_addr {
    uint8_t b[16];
};

struct ip_prefix {
    struct ip_addr addr; /* host bits are zero */
    uint8_t len;         /* 0..128, in the 128-bit space */
};

/* Longest text form of an address ("ffff:...:255.255.255.255") plus NUL. */
#define ADDR_TEXT_MAX 48
/* An address, '/', up to three digits, NUL. */
#define PREFIX_TEXT_MAX (ADDR_TEXT_MAX + 4)

void addr_from_v4(struct ip_addr *addr, const uint8_t v4[4]);
void addr_from_v6(struct ip_addr *addr, const uint8_t v6[16]);
bool addr_is_v4(const struct ip_addr *addr);
int addr_compare(const struct ip_addr *a, const struct ip_addr *b);

/* Parses dotted-quad IPv4 or any RFC 4291 IPv6 text. Returns 0, or -1. */
int addr_parse(struct ip_addr *addr, const char *text);
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
bool prefix_contains(const struct ip_prefix *prefix, const struct ip_addr *addr);
/* Zeroes every bit past len; len in the 128-bit space. */
void addr_mask(struct ip_addr *addr, unsigned len);
/* Bit i (0 = most significant) of the address. */
static inline unsigned addr_bit(const struct ip_addr *addr, unsigned i)
{
    return (addr->b[i >> 3] >> (7 - (i & 7))) & 1u;
}

#endif
