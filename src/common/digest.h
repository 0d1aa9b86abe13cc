/*
 * digest: the cryptographic hashes that published fingerprints are defined
 * with (SHA-256 for JA4, MD5 for HASSH), from the libraries that implement
 * them: libsodium and nettle. Fingerprints are compared with other tools'
 * values, so these are the standard functions, never keyed or seeded.
 */
#ifndef HONEYSCOPE_DIGEST_H
#define HONEYSCOPE_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define DIGEST_SHA256_SIZE 32
#define DIGEST_MD5_SIZE 16

/* SHA-256 (FIPS 180-4) of the len bytes at data (data may be NULL when len is 0). */
void digest_sha256(const void *data, size_t len, uint8_t out[DIGEST_SHA256_SIZE]);
/* MD5 (RFC 1321) of the len bytes at data (data may be NULL when len is 0). */
void digest_md5(const void *data, size_t len, uint8_t out[DIGEST_MD5_SIZE]);
/*
 * Writes the first n bytes of bytes as 2n lower-case hex digits and a NUL
 * into out, which holds at least 2n + 1 chars.
 */
void digest_hex(const uint8_t *bytes, size_t n, char *out);

#endif
