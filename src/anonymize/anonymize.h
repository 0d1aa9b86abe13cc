/*
 * anonymize: prefix-preserving address anonymisation (Crypto-PAn), for
 * captures and reports that leave the sensor's operators.
 *
 * Crypto-PAn (Xu, Fan, Ammar, Moon, "Prefix-preserving IP address
 * anonymization", ICNP 2002) maps an address bit by bit: bit i of the
 * result is bit i of the address flipped by the first bit of AES-128 over
 * the address's first i bits followed by a secret pad. Two addresses that
 * share a k-bit prefix map to two that share exactly a k-bit prefix; the
 * same key gives the same mapping in every file and every run. IPv6 uses
 * the same construction over 128 bits (as yacryptopan, libtrace and pktanon
 * do). The key is the reference implementation's 32 bytes: the AES key,
 * then the bytes whose encryption is the pad.
 *
 * This is the only stage that includes <nettle/aes.h>.
 */
#ifndef HONEYSCOPE_ANONYMIZE_H
#define HONEYSCOPE_ANONYMIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/addr.h"

#define CRYPTOPAN_KEY_BYTES 32

/*
 * Reads a key file: exactly 32 bytes, or 64 hexadecimal digits (an ending
 * newline allowed). Returns 0, or -1 with a message naming the file in err.
 */
int cryptopan_key_load(const char *path, uint8_t key[CRYPTOPAN_KEY_BYTES], char *err,
                       size_t errlen);

struct anonymizer;

/* An anonymiser under key; anonymizer_free() frees it (NULL is a no-op). */
struct anonymizer *anonymizer_new(const uint8_t key[CRYPTOPAN_KEY_BYTES]);
void anonymizer_free(struct anonymizer *anon);
/* Leaves the addresses of prefix as they are (repeatable: a sensor, a lab net). */
void anonymizer_keep(struct anonymizer *anon, const struct ip_prefix *prefix);

/* Crypto-PAn itself, without --keep or cache: 4 or 16 bytes in network order. */
void anonymizer_map_v4(const struct anonymizer *anon, const uint8_t in[4], uint8_t out[4]);
void anonymizer_map_v6(const struct anonymizer *anon, const uint8_t in[16], uint8_t out[16]);

/*
 * Anonymises addr in place (IPv4 over 32 bits, IPv6 over 128), unless a
 * kept prefix holds it. Results are cached: an address costs 32 (IPv4) or
 * 128 (IPv6) AES blocks the first time only.
 */
void anonymizer_addr(struct anonymizer *anon, struct ip_addr *addr);

/* What anonymizer_packet() did, summed over a capture. */
struct anonymize_counts {
    uint64_t packets;     /* seen */
    uint64_t rewritten;   /* some address replaced (or all of them kept) */
    uint64_t unparsed;    /* no IP header found: written unchanged */
    uint64_t quoted;      /* ICMP errors whose quoted header was rewritten too */
    uint64_t payload_cut; /* payload bytes removed by strip_payload */
};

/*
 * Rewrites, in place, the IPv4/IPv6 source and destination of one packet of
 * link type link_type (caplen bytes captured), and those of the header an
 * ICMP or ICMPv6 error quotes, and fixes the IPv4, TCP, UDP, ICMP and
 * ICMPv6 checksums that cover them (when the captured bytes hold the whole
 * segment; otherwise adjusts them incrementally, RFC 1624). With
 * strip_payload, the transport payload is cut off the capture: *caplen
 * shrinks, the lengths on the wire stay. A packet whose IP header cannot be
 * found or read is left as it is and counted as unparsed. Returns true
 * when the packet's addresses were handled.
 */
bool anonymizer_packet(struct anonymizer *anon, int link_type, uint8_t *data, size_t *caplen,
                       bool strip_payload, struct anonymize_counts *counts);

#endif
