/*
 * TLS evidence: the server name a client asks for in its ClientHello
 * (RFC 6066 3, server_name), the one name an encrypted session leaves in the
 * clear. Record layer per RFC 8446 5.1 (a ClientHello may be split over
 * several handshake records), ClientHello per RFC 8446 4.1.2 and RFC 5246
 * 7.4.1.2 (SSL 3.0 to TLS 1.3 share its layout up to the extensions).
 *
 * Every length is read through a cursor and checked against the bytes its
 * container holds; a field that runs past them ends the parse.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/digest.h"
#include "evidence_int.h"

enum {
    CONTENT_HANDSHAKE = 22,
    HANDSHAKE_CLIENT_HELLO = 1,
    EXT_SERVER_NAME = 0,
    NAME_TYPE_HOST = 0,
    SESSION_ID_MAX = 32,
    RECORD_HEADER = 5,
    HANDSHAKE_HEADER = 4,
    /*
     * Handshake bytes gathered from the records: what the longest record
     * holds (RFC 8446 5.1), as the capture stage keeps at most one such
     * record and its header of a side (EVIDENCE_TLS_BYTES).
     */
    HANDSHAKE_BUF = 16384,
};

enum ev_sniff ev_tls_sniff(const uint8_t *data, size_t len)
{
    /* A handshake record, versions 3.0 (SSL 3.0) to 3.4: content type, major, minor. */
    static const uint8_t max[3] = {CONTENT_HANDSHAKE, 3, 4};
    for (size_t i = 0; i < 3; i++) {
        if (i == len)
            return EV_MAYBE;
        if (i < 2 ? data[i] != max[i] : data[i] > max[i])
            return EV_NO;
    }
    return EV_YES;
}

size_t ev_tls_hello_bytes(const uint8_t *data, size_t len)
{
    struct cursor c = cursor_make(data, len);
    uint8_t type = rd_u8(&c);
    uint8_t major = rd_u8(&c);
    rd_u8(&c); /* minor */
    size_t record = rd_be16(&c);
    uint8_t handshake = rd_u8(&c);
    if (c.short_read || type != CONTENT_HANDSHAKE || major != 3 || record == 0 ||
        handshake != HANDSHAKE_CLIENT_HELLO)
        return 0;
    size_t hello = rd_be24(&c);
    if (c.short_read) /* its length is still to come: this record at least */
        return RECORD_HEADER + record;
    hello += HANDSHAKE_HEADER;
    if (hello <= record)
        return RECORD_HEADER + hello;
    /* Split over records: as many as it takes when each is as long as the first. */
    size_t records = hello / record + (hello % record != 0);
    return hello + records * RECORD_HEADER;
}

/* The server_name extension's data: a list of (type, name); host names are reported. */
static void server_name(struct cursor ext, struct ev_out *out)
{
    int cut;
    size_t list_n = rd_be16(&ext);
    struct cursor list = cursor_sub(&ext, list_n, &cut);
    if (ext.short_read || cut)
        return;
    while (list.left > 0) {
        uint8_t type = rd_u8(&list);
        size_t n = rd_be16(&list);
        struct cursor name = cursor_sub(&list, n, &cut);
        if (list.short_read || cut)
            return;
        if (type == NAME_TYPE_HOST && n > 0)
            ev_emit(out, EVIDENCE_TLS_SNI, name.p, name.left);
    }
}

/* ---- JA4 ------------------------------------------------------------------------ */

/*
 * JA4 of a ClientHello, per FoxIO's specification (technical_details/JA4.md
 * in github.com/FoxIO-LLC/ja4), the TLS-over-TCP client part:
 *
 *   t, the version (the highest of supported_versions if the extension is
 *   there, else the hello's legacy_version), d or i (server_name present or
 *   not), the cipher and extension counts (2 digits, at most 99), the first
 *   and last characters of the first ALPN value ("00" without one); then the
 *   first 12 hex digits of the SHA-256 of the sorted cipher list, and of the
 *   sorted extension list without server_name and ALPN, followed by "_" and
 *   the signature algorithms in their order when there are any. Lists are
 *   4-digit lower-case hex joined by commas; an empty list hashes to
 *   "000000000000". GREASE values (RFC 8701) are left out everywhere.
 */

enum {
    EXT_SIGNATURE_ALGORITHMS = 0x000d,
    EXT_ALPN = 0x0010,
    EXT_SUPPORTED_VERSIONS = 0x002b,
    /* Two-byte values a ClientHello of HANDSHAKE_BUF bytes can hold, at most. */
    JA4_LIST_MAX = HANDSHAKE_BUF / 2,
    JA4_COUNT_MAX = 99,
    JA4_HASH_HEX = 12,
};

struct ja4 {
    uint16_t legacy_version;
    int has_versions;         /* a supported_versions extension was seen */
    uint16_t highest_version; /* its highest value that is not GREASE, 0 if none */
    int has_sni;
    int has_alpn;
    char alpn[2];
    size_t extension_count; /* all but GREASE, server_name and ALPN included */
    size_t cipher_n, extension_n, signature_n;
    uint16_t ciphers[JA4_LIST_MAX];
    uint16_t extensions[JA4_LIST_MAX]; /* for the hash: without server_name and ALPN */
    uint16_t signatures[JA4_LIST_MAX];
};

/* RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa, reserved so that peers learn to ignore unknown values. */
static int grease(uint16_t v)
{
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

static int alnum(uint8_t b)
{
    return (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
}

/*
 * The first ALPN value's mark: its first and last bytes when both are ASCII
 * letters or digits, else the first and last digits of its hex form (0xAB
 * 0xCD gives "ad"); a one-byte value is both first and last. Returns 0 when
 * the extension is malformed.
 */
static int ja4_alpn(struct cursor ext, struct ja4 *j)
{
    static const char hex[] = "0123456789abcdef";
    int cut;
    size_t list_n = rd_be16(&ext);
    struct cursor list = cursor_sub(&ext, list_n, &cut);
    if (ext.short_read || cut)
        return 0;
    j->has_alpn = 1;
    j->alpn[0] = j->alpn[1] = '0';
    if (list.left == 0)
        return 1;
    size_t n = rd_u8(&list);
    struct cursor value = cursor_sub(&list, n, &cut);
    if (list.short_read || cut)
        return 0;
    if (n == 0)
        return 1;
    uint8_t first = value.p[0], last = value.p[n - 1];
    if (alnum(first) && alnum(last)) {
        j->alpn[0] = (char)first;
        j->alpn[1] = (char)last;
    } else {
        j->alpn[0] = hex[first >> 4];
        j->alpn[1] = hex[last & 15];
    }
    return 1;
}

/*
 * A list of two-byte values after a length of len_bytes (1 or 2), GREASE
 * left out, appended to out (room for max) at *n. Returns 0 when malformed.
 */
static int ja4_u16_list(struct cursor ext, size_t len_bytes, uint16_t *out, size_t max, size_t *n)
{
    int cut;
    size_t list_n = len_bytes == 1 ? rd_u8(&ext) : rd_be16(&ext);
    struct cursor list = cursor_sub(&ext, list_n, &cut);
    if (ext.short_read || cut || list_n % 2 != 0)
        return 0;
    while (list.left > 0) {
        uint16_t v = rd_be16(&list);
        if (!grease(v) && *n < max)
            out[(*n)++] = v;
    }
    return 1;
}

/* Reads one extension into j; returns 0 when its data is malformed. */
static int ja4_extension(uint16_t type, struct cursor ext, struct ja4 *j)
{
    if (grease(type))
        return 1;
    j->extension_count++;
    if (type == EXT_SERVER_NAME) {
        j->has_sni = 1;
        return 1;
    }
    if (type == EXT_ALPN)
        return j->has_alpn ? 1 : ja4_alpn(ext, j);
    if (j->extension_n < JA4_LIST_MAX)
        j->extensions[j->extension_n++] = type;
    if (type == EXT_SIGNATURE_ALGORITHMS && j->signature_n == 0)
        return ja4_u16_list(ext, 2, j->signatures, JA4_LIST_MAX, &j->signature_n);
    if (type == EXT_SUPPORTED_VERSIONS && !j->has_versions) {
        uint16_t versions[128]; /* a one-byte length holds at most 127 */
        size_t n = 0;
        j->has_versions = 1;
        if (!ja4_u16_list(ext, 1, versions, sizeof(versions) / sizeof(versions[0]), &n))
            return 0;
        for (size_t i = 0; i < n; i++)
            if (versions[i] > j->highest_version)
                j->highest_version = versions[i];
    }
    return 1;
}

static int u16_cmp(const void *a, const void *b)
{
    uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
    return (x > y) - (x < y);
}

/* Appends "xxxx,xxxx,..." for n values at *at in buf; returns the new end. */
static size_t hex_list(char *buf, size_t at, const uint16_t *v, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            buf[at++] = ',';
        for (unsigned shift = 16; shift > 0; shift -= 4)
            buf[at++] = hex[(v[i] >> (shift - 4)) & 15];
    }
    return at;
}

/* The first 12 hex digits of the SHA-256 of the n chars at s, or twelve zeroes when n is 0. */
static void hash12(const char *s, size_t n, char *out)
{
    if (n == 0) {
        memset(out, '0', JA4_HASH_HEX);
        return;
    }
    uint8_t digest[DIGEST_SHA256_SIZE];
    char hex[2 * DIGEST_SHA256_SIZE + 1];
    digest_sha256(s, n, digest);
    digest_hex(digest, DIGEST_SHA256_SIZE, hex);
    memcpy(out, hex, JA4_HASH_HEX);
}

static const char *version_mark(uint16_t v)
{
    switch (v) {
    case 0x0304:
        return "13";
    case 0x0303:
        return "12";
    case 0x0302:
        return "11";
    case 0x0301:
        return "10";
    case 0x0300:
        return "s3";
    case 0x0002:
        return "s2";
    default:
        return "00";
    }
}

static void ja4_emit(struct ja4 *j, struct ev_out *out)
{
    /* Each value is 4 hex digits and a comma or underscore. */
    char list[5 * 2 * JA4_LIST_MAX];
    char text[64];
    uint16_t version = j->has_versions ? j->highest_version : j->legacy_version;
    size_t ciphers = j->cipher_n < JA4_COUNT_MAX ? j->cipher_n : JA4_COUNT_MAX;
    size_t extensions = j->extension_count < JA4_COUNT_MAX ? j->extension_count : JA4_COUNT_MAX;
    int n = snprintf(text, sizeof(text), "t%s%c%02u%02u%c%c_", version_mark(version),
                     j->has_sni ? 'd' : 'i', (unsigned)ciphers, (unsigned)extensions,
                     j->has_alpn ? j->alpn[0] : '0', j->has_alpn ? j->alpn[1] : '0');
    size_t at = (size_t)n;

    qsort(j->ciphers, j->cipher_n, sizeof(j->ciphers[0]), u16_cmp);
    hash12(list, hex_list(list, 0, j->ciphers, j->cipher_n), text + at);
    at += JA4_HASH_HEX;
    text[at++] = '_';

    qsort(j->extensions, j->extension_n, sizeof(j->extensions[0]), u16_cmp);
    size_t list_n = hex_list(list, 0, j->extensions, j->extension_n);
    if (list_n > 0 && j->signature_n > 0) {
        list[list_n++] = '_';
        list_n = hex_list(list, list_n, j->signatures, j->signature_n);
    }
    hash12(list, list_n, text + at);
    at += JA4_HASH_HEX;
    ev_emit(out, EVIDENCE_TLS_JA4, (const uint8_t *)text, at);
}

/* ---- the ClientHello ------------------------------------------------------------ */

/*
 * Emits the server names of a ClientHello, even one cut by the end of the
 * data, and its JA4 when the whole hello is there and well-formed.
 */
static void client_hello(const uint8_t *hs, size_t len, struct ev_out *out)
{
    struct ja4 ja4; /* the lists are filled as far as they are read */
    struct ja4 *j = &ja4;
    struct cursor c = cursor_make(hs, len);
    int cut, hello_cut;
    if (rd_u8(&c) != HANDSHAKE_CLIENT_HELLO)
        return;
    size_t body_n = rd_be24(&c);
    if (c.short_read)
        return;
    memset(j, 0, offsetof(struct ja4, ciphers));
    /* A ClientHello cut by the end of the data still gives the extensions it holds. */
    struct cursor body = cursor_sub(&c, body_n, &hello_cut);
    j->legacy_version = rd_be16(&body);
    cursor_skip(&body, 32); /* random */
    size_t session_id_n = rd_u8(&body);
    if (session_id_n > SESSION_ID_MAX)
        return;
    cursor_skip(&body, session_id_n);
    size_t suites_n = rd_be16(&body);
    if (suites_n < 2 || suites_n % 2 != 0)
        return;
    struct cursor suites = cursor_sub(&body, suites_n, &cut);
    while (!cut && suites.left > 0) {
        uint16_t suite = rd_be16(&suites);
        if (!grease(suite) && j->cipher_n < JA4_LIST_MAX)
            j->ciphers[j->cipher_n++] = suite;
    }
    size_t compression_n = rd_u8(&body);
    if (compression_n < 1)
        return;
    cursor_skip(&body, compression_n);
    if (body.short_read)
        return;
    int well_formed = !hello_cut;
    /* SSL 3.0 and some old clients end the hello here, without extensions. */
    if (body.left > 0) {
        size_t extensions_n = rd_be16(&body);
        if (body.short_read)
            return;
        struct cursor exts = cursor_sub(&body, extensions_n, &cut);
        well_formed = well_formed && !cut;
        while (exts.left > 0) {
            uint16_t type = rd_be16(&exts);
            size_t n = rd_be16(&exts);
            struct cursor ext = cursor_sub(&exts, n, &cut);
            if (exts.short_read || cut)
                return; /* this extension is not all there, and nothing after it is */
            if (type == EXT_SERVER_NAME)
                server_name(ext, out);
            if (!ja4_extension(type, ext, j))
                well_formed = 0;
        }
    }
    if (well_formed)
        ja4_emit(j, out);
}

void ev_tls(const uint8_t *data, size_t len, struct ev_out *out)
{
    uint8_t hs[HANDSHAKE_BUF];
    size_t hs_n = 0;
    struct cursor c = cursor_make(data, len);
    while (c.left > 0 && hs_n < sizeof(hs)) {
        uint8_t type = rd_u8(&c);
        uint8_t major = rd_u8(&c);
        rd_u8(&c); /* minor: any, as record versions vary */
        size_t n = rd_be16(&c);
        if (c.short_read || type != CONTENT_HANDSHAKE || major != 3)
            break;
        int cut;
        struct cursor fragment = cursor_sub(&c, n, &cut);
        size_t take = fragment.left < sizeof(hs) - hs_n ? fragment.left : sizeof(hs) - hs_n;
        if (take > 0)
            memcpy(hs + hs_n, fragment.p, take);
        hs_n += take;
        if (cut)
            break;
    }
    client_hello(hs, hs_n, out);
}
