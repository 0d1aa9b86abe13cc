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
#include <string.h>

/* A probe run this long under the fast hash means the keys were chosen. */
#define HASH_PROBE_LIMIT 128

struct hash_key {
    uint64_t seed[2];
    unsigned char sip[16]; /* SipHash-2-4 key, used once strong is set */
    bool strong;
};

/*
 * Readies libsodium (its random numbers and hashes) once for the whole
 * program: every user of libsodium calls this first, and nothing else calls
 * sodium_init(). Aborts when the system has no source of randomness.
 */
void crypto_library_init(void);
/* A random key; the fast hash until hash_key_strengthen(). */
void hash_key_init(struct hash_key *key);
/* A known key, for tests that build colliding keys on purpose. */
void hash_key_init_fixed(struct hash_key *key, uint64_t seed);
/* Switches to SipHash under a fresh random key: rehash everything after. */
void hash_key_strengthen(struct hash_key *key);
/* The hash of len bytes. */
uint64_t hash_bytes(const struct hash_key *key, const void *bytes, size_t len);

/*
 * The rule every table of the tree follows: whether a probe run of probes
 * keys compared has passed HASH_PROBE_LIMIT under the fast hash (key: a
 * struct hash_key *), so that the table must switch to SipHash
 * (hash_key_strengthen) and rehash. A macro, not an inline function: the
 * flow table's lookup, run on every packet, compiled to more instructions
 * through the function (cachegrind), and compiles as before through this.
 */
#define HASH_PROBE_RUN_TOO_LONG(probes, key) ((probes) > HASH_PROBE_LIMIT && !(key)->strong)

/*
 * Whether two keys of size bytes (a multiple of 8, no padding) are equal,
 * a word at a time: the keys of the flow table and the cube are compared on
 * every packet, and a library memcmp call costs more than the comparison.
 */
static inline bool key_words_equal(const void *a, const void *b, size_t size)
{
    const unsigned char *x = a, *y = b;
    uint64_t diff = 0;
    for (size_t i = 0; i < size; i += 8) {
        uint64_t u, v;
        memcpy(&u, x + i, 8);
        memcpy(&v, y + i, 8);
        diff |= u ^ v;
    }
    return diff == 0;
}

#endif
