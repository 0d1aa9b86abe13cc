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
#include <string.h>

#include "evidence_int.h"

enum {
    CONTENT_HANDSHAKE = 22,
    HANDSHAKE_CLIENT_HELLO = 1,
    EXT_SERVER_NAME = 0,
    NAME_TYPE_HOST = 0,
    SESSION_ID_MAX = 32,
    /* Handshake bytes gathered from the records: more than a first flight holds. */
    HANDSHAKE_BUF = 8192,
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

/* The server_name extension's data: a list of (type, name); host names are reported. */
static void server_name(struct ev_cursor ext, struct ev_out *out)
{
    int cut;
    size_t list_n = ev_be16(&ext);
    struct ev_cursor list = ev_sub(&ext, list_n, &cut);
    if (ext.short_read || cut)
        return;
    while (list.left > 0) {
        uint8_t type = ev_u8(&list);
        size_t n = ev_be16(&list);
        struct ev_cursor name = ev_sub(&list, n, &cut);
        if (list.short_read || cut)
            return;
        if (type == NAME_TYPE_HOST && n > 0)
            ev_emit(out, EVIDENCE_TLS_SNI, name.p, name.left);
    }
}

static void client_hello(const uint8_t *hs, size_t len, struct ev_out *out)
{
    struct ev_cursor c = ev_cursor_make(hs, len);
    int cut;
    if (ev_u8(&c) != HANDSHAKE_CLIENT_HELLO)
        return;
    size_t body_n = ev_be24(&c);
    if (c.short_read)
        return;
    /* A ClientHello cut by the end of the data still gives the extensions it holds. */
    struct ev_cursor body = ev_sub(&c, body_n, &cut);
    ev_skip(&body, 2 + 32); /* legacy_version, random */
    size_t session_id_n = ev_u8(&body);
    if (session_id_n > SESSION_ID_MAX)
        return;
    ev_skip(&body, session_id_n);
    size_t suites_n = ev_be16(&body);
    if (suites_n < 2 || suites_n % 2 != 0)
        return;
    ev_skip(&body, suites_n);
    size_t compression_n = ev_u8(&body);
    if (compression_n < 1)
        return;
    ev_skip(&body, compression_n);
    size_t extensions_n = ev_be16(&body);
    if (body.short_read)
        return; /* cut, or a hello without extensions (SSL 3.0) */
    struct ev_cursor exts = ev_sub(&body, extensions_n, &cut);
    while (exts.left > 0) {
        uint16_t type = ev_be16(&exts);
        size_t n = ev_be16(&exts);
        struct ev_cursor ext = ev_sub(&exts, n, &cut);
        if (exts.short_read || cut)
            return; /* this extension is not all there, and nothing after it is */
        if (type == EXT_SERVER_NAME)
            server_name(ext, out);
    }
}

void ev_tls(const uint8_t *data, size_t len, struct ev_out *out)
{
    uint8_t hs[HANDSHAKE_BUF];
    size_t hs_n = 0;
    struct ev_cursor c = ev_cursor_make(data, len);
    while (c.left > 0 && hs_n < sizeof(hs)) {
        uint8_t type = ev_u8(&c);
        uint8_t major = ev_u8(&c);
        ev_u8(&c); /* minor: any, as record versions vary */
        size_t n = ev_be16(&c);
        if (c.short_read || type != CONTENT_HANDSHAKE || major != 3)
            break;
        int cut;
        struct ev_cursor fragment = ev_sub(&c, n, &cut);
        size_t take = fragment.left < sizeof(hs) - hs_n ? fragment.left : sizeof(hs) - hs_n;
        if (take > 0)
            memcpy(hs + hs_n, fragment.p, take);
        hs_n += take;
        if (cut)
            break;
    }
    client_hello(hs, hs_n, out);
}
