/*
 * Crypto-PAn over IPv4 and IPv6, its key file, the --keep prefixes and a
 * cache of mapped addresses.
 *
 * The construction follows the reference implementation (panonymizer.cpp
 * of the authors' distribution): the pad is AES(key[16..31]) under the key
 * key[0..15]; for bit i (0 = most significant) the AES input is the
 * address's first i bits followed by the pad's remaining bits, and the first
 * bit of the output flips bit i. IPv6 runs the same loop over all 128 bits
 * of the block, which is what the IPv6 extensions in use (yacryptopan,
 * libtrace, pktanon) do: their published IPv6 vectors are in the tests.
 */
#include "anonymize.h"

#include <errno.h>
#include <nettle/aes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/hash.h"
#include "../common/xalloc.h"

/* Addresses remembered: a direct-mapped table, a slot per hash value (10 MiB). */
#define CACHE_SLOTS (1u << 18)

struct cache_slot {
    struct ip_addr in, out;
    bool used;
};

/*
 * The flips of an address's first bits depend only on the bits before them:
 * the flips of the first 24 bits (IPv4) or 64 bits (IPv6) are remembered by
 * those bits, so a new address in a known /24 or /64 costs 8 or 64 AES
 * blocks instead of 32 or 128 (a scan or flood of one block costs little).
 */
#define HEAD_SLOTS (1u << 14)
#define HEAD_BITS_V4 24
#define HEAD_BITS_V6 64

struct head_slot {
    uint8_t head[8], flips[8];
    uint8_t family; /* 0 unused, 4, 6 */
};

struct anonymizer {
    struct aes128_ctx aes;
    uint8_t pad[AES_BLOCK_SIZE];
    struct ip_prefix *keep;
    size_t keep_count, keep_alloc;
    struct hash_key cache_key; /* random: addresses come from packets */
    struct cache_slot *cache;
    struct head_slot *heads;
};

int cryptopan_key_load(const char *path, uint8_t key[CRYPTOPAN_KEY_BYTES], char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "cannot read key file '%s': %s", path, strerror(errno));
        return -1;
    }
    /* One byte more than the longest form, to tell a longer file. */
    uint8_t bytes[2 * CRYPTOPAN_KEY_BYTES + 3];
    size_t n = fread(bytes, 1, sizeof(bytes), fp);
    int failed = ferror(fp);
    fclose(fp);
    if (failed) {
        snprintf(err, errlen, "cannot read key file '%s'", path);
        return -1;
    }
    if (n == CRYPTOPAN_KEY_BYTES) {
        memcpy(key, bytes, CRYPTOPAN_KEY_BYTES);
        return 0;
    }
    size_t digits = n;
    if (digits && bytes[digits - 1] == '\n')
        digits--;
    if (digits && bytes[digits - 1] == '\r')
        digits--;
    if (digits == 2 * CRYPTOPAN_KEY_BYTES) {
        for (size_t i = 0; i < CRYPTOPAN_KEY_BYTES; i++) {
            int hi = hex_digit_value(bytes[2 * i]), lo = hex_digit_value(bytes[2 * i + 1]);
            if (hi < 0 || lo < 0) {
                snprintf(err, errlen,
                         "key file '%s': 64 characters but not hexadecimal digits (at %zu)", path,
                         2 * i + (hi < 0 ? 0 : 1));
                return -1;
            }
            key[i] = (uint8_t)(hi << 4 | lo);
        }
        return 0;
    }
    snprintf(err, errlen,
             "key file '%s': %s%zu bytes; a key is 32 bytes (AES key, then pad) or 64 "
             "hexadecimal digits",
             path, n == sizeof(bytes) ? "more than " : "", n == sizeof(bytes) ? n - 1 : n);
    return -1;
}

struct anonymizer *anonymizer_new(const uint8_t key[CRYPTOPAN_KEY_BYTES])
{
    struct anonymizer *anon = xcalloc(1, sizeof(*anon));
    aes128_set_encrypt_key(&anon->aes, key);
    aes128_encrypt(&anon->aes, AES_BLOCK_SIZE, anon->pad, key + 16);
    hash_key_init(&anon->cache_key);
    anon->cache = xcalloc(CACHE_SLOTS, sizeof(*anon->cache));
    anon->heads = xcalloc(HEAD_SLOTS, sizeof(*anon->heads));
    return anon;
}

void anonymizer_free(struct anonymizer *anon)
{
    if (!anon)
        return;
    free(anon->keep);
    free(anon->cache);
    free(anon->heads);
    /* The key schedule is the secret: leave none of it in freed memory. */
    volatile uint8_t *p = (volatile uint8_t *)anon;
    for (size_t i = 0; i < sizeof(*anon); i++)
        p[i] = 0;
    free(anon);
}

void anonymizer_keep(struct anonymizer *anon, const struct ip_prefix *prefix)
{
    ALLOC_GROW(anon->keep, anon->keep_count + 1, anon->keep_alloc);
    anon->keep[anon->keep_count++] = *prefix;
}

/*
 * The flips for bits from..bits-1 of addr (bytes, network order; from a
 * multiple of 8, the bytes before it in out already filled): bit i of the
 * result is the first bit of AES(addr's first i bits, then the pad).
 */
static void flips_from(const struct anonymizer *anon, const uint8_t *addr, unsigned from,
                       unsigned bits, uint8_t *out)
{
    uint8_t block[AES_BLOCK_SIZE], cipher[AES_BLOCK_SIZE];
    memset(out + from / 8, 0, (bits - from) / 8);
    memcpy(block, anon->pad, sizeof(block));
    memcpy(block, addr, from / 8);
    for (unsigned i = from; i < bits; i++) {
        aes128_encrypt(&anon->aes, AES_BLOCK_SIZE, cipher, block);
        out[i / 8] |= (uint8_t)((cipher[0] >> 7) << (7 - i % 8));
        /* The next block takes one more bit of the address in place of the pad's. */
        uint8_t mask = (uint8_t)(0x80u >> (i % 8));
        block[i / 8] = (uint8_t)((block[i / 8] & ~mask) | (addr[i / 8] & mask));
    }
}

void anonymizer_map_v4(const struct anonymizer *anon, const uint8_t in[4], uint8_t out[4])
{
    uint8_t f[4];
    flips_from(anon, in, 0, 32, f);
    for (int i = 0; i < 4; i++)
        out[i] = in[i] ^ f[i];
}

void anonymizer_map_v6(const struct anonymizer *anon, const uint8_t in[16], uint8_t out[16])
{
    uint8_t f[16];
    flips_from(anon, in, 0, 128, f);
    for (int i = 0; i < 16; i++)
        out[i] = in[i] ^ f[i];
}

/* As anonymizer_map_v4/v6, the flips of the address's head looked up first. */
static void map_cached(struct anonymizer *anon, const uint8_t *in, unsigned bits, uint8_t *out)
{
    unsigned head_bits = bits == 32 ? HEAD_BITS_V4 : HEAD_BITS_V6;
    uint8_t family = bits == 32 ? 4 : 6;
    struct head_slot *slot =
        &anon->heads[hash_bytes(&anon->cache_key, in, head_bits / 8) & (HEAD_SLOTS - 1)];
    uint8_t f[16];
    if (slot->family == family && memcmp(slot->head, in, head_bits / 8) == 0) {
        memcpy(f, slot->flips, head_bits / 8);
        flips_from(anon, in, head_bits, bits, f);
    } else {
        flips_from(anon, in, 0, bits, f);
        slot->family = family;
        memcpy(slot->head, in, head_bits / 8);
        memcpy(slot->flips, f, head_bits / 8);
    }
    for (unsigned i = 0; i < bits / 8; i++)
        out[i] = in[i] ^ f[i];
}

static bool kept(const struct anonymizer *anon, const struct ip_addr *addr)
{
    for (size_t i = 0; i < anon->keep_count; i++)
        if (prefix_contains(&anon->keep[i], addr))
            return true;
    return false;
}

void anonymizer_addr(struct anonymizer *anon, struct ip_addr *addr)
{
    struct cache_slot *slot =
        &anon->cache[hash_bytes(&anon->cache_key, addr, sizeof(*addr)) & (CACHE_SLOTS - 1)];
    if (slot->used && addr_equal(&slot->in, addr)) {
        *addr = slot->out;
        return;
    }
    slot->in = *addr;
    slot->used = true;
    if (!kept(anon, addr)) {
        uint8_t out[16];
        if (addr_is_v4(addr)) {
            map_cached(anon, addr->b + 12, 32, out);
            addr_from_v4(addr, out);
        } else {
            map_cached(anon, addr->b, 128, out);
            addr_from_v6(addr, out);
        }
    }
    slot->out = *addr;
}
