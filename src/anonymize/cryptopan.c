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

/* Addresses remembered: a direct-mapped table, a slot per hash value. */
#define CACHE_SLOTS (1u << 16)

struct cache_slot {
    struct ip_addr in, out;
    bool used;
};

struct anonymizer {
    struct aes128_ctx aes;
    uint8_t pad[AES_BLOCK_SIZE];
    struct ip_prefix *keep;
    size_t keep_count, keep_alloc;
    struct hash_key cache_key; /* random: addresses come from packets */
    struct cache_slot *cache;
};

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

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
            int hi = hex_digit(bytes[2 * i]), lo = hex_digit(bytes[2 * i + 1]);
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
    return anon;
}

void anonymizer_free(struct anonymizer *anon)
{
    if (!anon)
        return;
    free(anon->keep);
    free(anon->cache);
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
 * The flips for the first bits bits of addr (bytes, network order): bit i
 * of the result is the first bit of AES(addr's first i bits, then the pad).
 */
static void flips(const struct anonymizer *anon, const uint8_t *addr, unsigned bits, uint8_t *out)
{
    uint8_t block[AES_BLOCK_SIZE], cipher[AES_BLOCK_SIZE];
    memset(out, 0, bits / 8);
    memcpy(block, anon->pad, sizeof(block));
    for (unsigned i = 0; i < bits; i++) {
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
    flips(anon, in, 32, f);
    for (int i = 0; i < 4; i++)
        out[i] = in[i] ^ f[i];
}

void anonymizer_map_v6(const struct anonymizer *anon, const uint8_t in[16], uint8_t out[16])
{
    uint8_t f[16];
    flips(anon, in, 128, f);
    for (int i = 0; i < 16; i++)
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
            anonymizer_map_v4(anon, addr->b + 12, out);
            addr_from_v4(addr, out);
        } else {
            anonymizer_map_v6(anon, addr->b, out);
            addr_from_v6(addr, out);
        }
    }
    slot->out = *addr;
}
