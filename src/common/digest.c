/*
 * The fingerprint hashes, each from its library: SHA-256 from libsodium
 * (already the source of the tables' keyed hashes) and MD5 from nettle
 * (already the source of Crypto-PAn's AES).
 */
#include <nettle/md5.h>
#include <sodium.h>

#include "digest.h"
#include "hash.h"

void digest_sha256(const void *data, size_t len, uint8_t out[DIGEST_SHA256_SIZE])
{
    static const uint8_t nothing[1];
    crypto_library_init(); /* libsodium's one start (hash.h) */
    crypto_hash_sha256(out, len ? data : nothing, (unsigned long long)len);
}

void digest_md5(const void *data, size_t len, uint8_t out[DIGEST_MD5_SIZE])
{
    static const uint8_t nothing[1];
    struct md5_ctx ctx;
    md5_init(&ctx);
    md5_update(&ctx, len, len ? data : nothing);
    md5_digest(&ctx, DIGEST_MD5_SIZE, out);
}

void digest_hex(const uint8_t *bytes, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[bytes[i] >> 4];
        out[2 * i + 1] = hex[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}
