/*
 * The keyed hashes behind the flow table, the cube and the report's indexes.
 *
 * The fast hash folds the 128-bit product of two key-masked words into 64
 * bits, sixteen bytes at a time (the construction of wyhash). It is not a cryptographic hash: with
 * the key known, colliding inputs are easy to write, which is why tables
 * watch their probe runs and switch to SipHash-2-4 (libsodium) when one
 * grows too long.
 */
#include "hash.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static uint64_t read64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

/*
 * The high and low halves of a * b, exclusive-ored. Every packet is hashed
 * two or three times, so where the compiler has a 128-bit integer (gcc and
 * clang on 64-bit targets) the product is one multiplication; elsewhere it is
 * put together from four 32-bit ones. Both give the same bits.
 */
#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 wide_product;

static uint64_t mum(uint64_t a, uint64_t b)
{
    wide_product r = (wide_product)a * b;
    return (uint64_t)(r >> 64) ^ (uint64_t)r;
}
#else
static uint64_t mum(uint64_t a, uint64_t b)
{
    uint64_t a_lo = (uint32_t)a, a_hi = a >> 32, b_lo = (uint32_t)b, b_hi = b >> 32;
    uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo, lo_hi = a_lo * b_hi, hi_hi = a_hi * b_hi;
    uint64_t cross = (lo_lo >> 32) + (uint32_t)hi_lo + lo_hi;
    uint64_t high = hi_hi + (hi_lo >> 32) + (cross >> 32);
    uint64_t low = cross << 32 | (uint32_t)lo_lo;
    return high ^ low;
}
#endif

static const uint64_t odd_constant = 0xe7037ed1a0b428dbu;

static uint64_t hash_fast(const uint64_t seed[2], const unsigned char *p, size_t len)
{
    uint64_t state = seed[0] ^ mum(len ^ seed[1], odd_constant);
    size_t left = len;
    for (; left >= 16; left -= 16, p += 16)
        state = mum(read64(p) ^ seed[1], read64(p + 8) ^ state);
    uint64_t a = 0, b = 0;
    if (left >= 8) {
        a = read64(p);
        memcpy(&b, p + 8, left - 8);
    } else {
        memcpy(&a, p, left);
    }
    return mum(seed[1] ^ len, mum(a ^ seed[1], b ^ state) ^ odd_constant);
}

void crypto_library_init(void)
{
    /* sodium_init() is thread-safe and returns 1 once it has run. */
    if (sodium_init() < 0)
        abort();
}

void hash_key_init(struct hash_key *key)
{
    crypto_library_init();
    randombytes_buf(key->seed, sizeof(key->seed));
    memset(key->sip, 0, sizeof(key->sip));
    key->strong = false;
}

void hash_key_init_fixed(struct hash_key *key, uint64_t seed)
{
    crypto_library_init();
    key->seed[0] = seed;
    key->seed[1] = seed * 0x9e3779b97f4a7c15u + 1;
    memset(key->sip, 0, sizeof(key->sip));
    key->strong = false;
}

void hash_key_strengthen(struct hash_key *key)
{
    crypto_library_init();
    randombytes_buf(key->sip, sizeof(key->sip));
    key->strong = true;
}

uint64_t hash_bytes(const struct hash_key *key, const void *bytes, size_t len)
{
    if (!key->strong)
        return hash_fast(key->seed, bytes, len);
    unsigned char out[crypto_shorthash_BYTES];
    crypto_shorthash(out, bytes, len, key->sip);
    return read64(out);
}
