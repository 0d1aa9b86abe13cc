/*
 * SSH evidence: the client's identification line and the HASSH fingerprints
 * of both sides' key exchange offers.
 *
 * RFC 4253 4.2: each side opens with "SSH-protoversion-softwareversion",
 * at most 255 bytes with its CR LF (a client sends nothing before it; a
 * server may send other lines first, which are not read here). RFC 4253 6
 * and 7.1: then binary packets, the first of them SSH_MSG_KEXINIT (uint32
 * packet_length, byte padding_length, payload, padding), whose payload
 * holds a 16-byte cookie and ten name-lists (RFC 4251 5: uint32 length and
 * the names, comma-separated).
 *
 * HASSH (Salesforce, github.com/salesforce/hassh): MD5 of the client's
 * kex_algorithms, encryption, MAC and compression name-lists, client to
 * server, joined by ';'; hasshServer the same of the server's lists, server
 * to client. The lists are hashed as sent.
 */
#include <string.h>

#include "../common/digest.h"
#include "evidence_int.h"

enum {
    BANNER_MAX = 255, /* with its CR LF (RFC 4253 4.2) */
    MSG_KEXINIT = 20,
    COOKIE_LEN = 16,
    /* RFC 4253 6.1: every implementation handles packets of 35000 bytes. */
    PACKET_MAX = 35000,
    NAME_LISTS = 10,
    /* Name-lists, in order (RFC 4253 7.1). */
    LIST_KEX = 0,
    LIST_ENC_C2S = 2,
    LIST_ENC_S2C = 3,
    LIST_MAC_C2S = 4,
    LIST_MAC_S2C = 5,
    LIST_CMP_C2S = 6,
    LIST_CMP_S2C = 7,
};

enum ev_sniff ev_ssh_sniff(const uint8_t *data, size_t len)
{
    static const char magic[] = "SSH-";
    for (size_t i = 0; i < 4; i++) {
        if (i == len)
            return EV_MAYBE;
        if (data[i] != (uint8_t)magic[i])
            return EV_NO;
    }
    return EV_YES;
}

/*
 * The KEXINIT that follows the identification line, whole: the name-lists
 * for HASSH (the client's or the server's, as is_server says) are hashed
 * and emitted. Anything malformed or cut gives nothing.
 */
static void kexinit(struct cursor c, int is_server, struct ev_out *out)
{
    int cut;
    size_t packet_n = rd_be32(&c);
    if (c.short_read || packet_n < 1 || packet_n > PACKET_MAX)
        return;
    struct cursor packet = cursor_sub(&c, packet_n, &cut);
    size_t padding_n = rd_u8(&packet);
    if (cut || padding_n >= packet.left)
        return;
    struct cursor payload = cursor_sub(&packet, packet.left - padding_n, &cut);
    if (rd_u8(&payload) != MSG_KEXINIT)
        return;
    cursor_skip(&payload, COOKIE_LEN);
    struct cursor lists[NAME_LISTS];
    for (size_t i = 0; i < NAME_LISTS; i++) {
        size_t n = rd_be32(&payload);
        lists[i] = cursor_sub(&payload, n, &cut);
        if (payload.short_read || cut)
            return;
    }
    static const size_t client[4] = {LIST_KEX, LIST_ENC_C2S, LIST_MAC_C2S, LIST_CMP_C2S};
    static const size_t server[4] = {LIST_KEX, LIST_ENC_S2C, LIST_MAC_S2C, LIST_CMP_S2C};
    const size_t *pick = is_server ? server : client;
    /* The four lists and three ';' fit: they were read from at most PACKET_MAX bytes. */
    uint8_t joined[PACKET_MAX];
    size_t at = 0;
    for (size_t i = 0; i < 4; i++) {
        if (i > 0)
            joined[at++] = ';';
        if (lists[pick[i]].left > 0)
            memcpy(joined + at, lists[pick[i]].p, lists[pick[i]].left);
        at += lists[pick[i]].left;
    }
    uint8_t digest[DIGEST_MD5_SIZE];
    char hex[2 * DIGEST_MD5_SIZE + 1];
    digest_md5(joined, at, digest);
    digest_hex(digest, DIGEST_MD5_SIZE, hex);
    ev_emit(out, is_server ? EVIDENCE_SSH_HASSH_SERVER : EVIDENCE_SSH_HASSH, (const uint8_t *)hex,
            2 * DIGEST_MD5_SIZE);
}

void ev_ssh(const uint8_t *data, size_t len, int is_server, struct ev_out *out)
{
    struct cursor c = cursor_make(data, len);
    const uint8_t *line;
    size_t n;
    size_t before = c.left;
    if (!ev_line(&c, &line, &n) || before - c.left > BANNER_MAX || ev_ssh_sniff(line, n) != EV_YES)
        return;
    if (!is_server)
        ev_emit(out, EVIDENCE_SSH_CLIENT, line, n);
    /* SSH 1 (RFC 4253 5: "SSH-1.x") has no KEXINIT; "SSH-1.99" means 2.0 too. */
    if ((n >= 8 && memcmp(line, "SSH-2.0-", 8) == 0) ||
        (n >= 9 && memcmp(line, "SSH-1.99-", 9) == 0))
        kexinit(c, is_server, out);
}
