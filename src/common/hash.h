/*
 * hash: the keyed hash of every table whose keys come from packets.
 *
 * Keys (addresses, ports) are the attacker's, so each table hashes under a
 * random key of its own. The hash is a fast multiply-fold over 64-bit words
 * while the table behaves; a table that sees a probe run longer than
 * HASH_PROBE_LIMIT (keys built to collide) switches to SipHash-2-4 under a
 * fresh key and rehashes, which bounds the work an attacker can force.
 */
#ifndef HONEYSCOPE_HASH_H
#define HONEYSCOPE_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A probe run this long under the fast hash means the keys were chosen. */
#define HASH_PROBE_LIMIT 128

struct hash_key {
    uint64_t seed[2];
    unsigned char sip[16]; /* SipHash-2-4 key, used once strong is set */
    bool strong;
};

/* A random key; the fast hash until hash_key_strengthen(). */
void hash_key_init(struct hash_key *key);
/* A known key, for tests that build colliding keys on purpose. */
void hash_key_init_fixed(struct hash_key *key, uint64_t seed);
/* Switches to SipHash under a fresh random key: rehash everything after. */
void hash_key_strengthen(struct hash_key *key);
/* The hash of len bytes. */
uint64_t hash_bytes(const struct hash_key *key, const void *bytes, size_t len);

#endif
