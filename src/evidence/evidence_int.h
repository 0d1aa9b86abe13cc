/*
 * Private to the evidence stage: the bounds-checked cursor the parsers read
 * through, the value builder every item is made with, line splitting for the
 * text protocols, and the parsers' entry points.
 *
 * As in the decode stage, a read past the end returns zeroes and sets a
 * sticky flag instead of reading on, and lengths are compared with what is
 * left (n > left), never by forming p + n, which can overflow.
 */
#ifndef HONEYSCOPE_EVIDENCE_INT_H
#define HONEYSCOPE_EVIDENCE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "evidence.h"

/* ---- cursor ---------------------------------------------------------------- */

struct ev_cursor {
    const uint8_t *p;
    size_t left;
    int short_read; /* sticky: some read or skip ran past the end */
};

static inline struct ev_cursor ev_cursor_make(const uint8_t *data, size_t len)
{
    struct ev_cursor c = {data, len, 0};
    return c;
}

static inline void ev_fail(struct ev_cursor *c)
{
    c->p += c->left;
    c->left = 0;
    c->short_read = 1;
}

static inline uint8_t ev_u8(struct ev_cursor *c)
{
    if (c->left < 1) {
        ev_fail(c);
        return 0;
    }
    uint8_t v = c->p[0];
    c->p += 1;
    c->left -= 1;
    return v;
}

static inline uint16_t ev_be16(struct ev_cursor *c)
{
    if (c->left < 2) {
        ev_fail(c);
        return 0;
    }
    uint16_t v = (uint16_t)(c->p[0] << 8 | c->p[1]);
    c->p += 2;
    c->left -= 2;
    return v;
}

static inline uint32_t ev_be24(struct ev_cursor *c)
{
    if (c->left < 3) {
        ev_fail(c);
        return 0;
    }
    uint32_t v = (uint32_t)c->p[0] << 16 | (uint32_t)c->p[1] << 8 | (uint32_t)c->p[2];
    c->p += 3;
    c->left -= 3;
    return v;
}

static inline uint32_t ev_be32(struct ev_cursor *c)
{
    if (c->left < 4) {
        ev_fail(c);
        return 0;
    }
    uint32_t v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 | (uint32_t)c->p[2] << 8 |
                 (uint32_t)c->p[3];
    c->p += 4;
    c->left -= 4;
    return v;
}

static inline void ev_skip(struct ev_cursor *c, size_t n)
{
    if (n > c->left) {
        ev_fail(c);
        return;
    }
    c->p += n;
    c->left -= n;
}

/*
 * Splits off the next n bytes as a cursor of their own and steps over them.
 * When fewer are left, the sub-cursor gets what there is, *cut is set and c
 * is used up, so that a caller can still read the part of a record that the
 * end of the data cut off.
 */
static inline struct ev_cursor ev_sub(struct ev_cursor *c, size_t n, int *cut)
{
    struct ev_cursor s = {c->p, n, 0};
    *cut = n > c->left;
    if (*cut) {
        s.left = c->left;
        ev_fail(c);
        return s;
    }
    c->p += n;
    c->left -= n;
    return s;
}

/* ---- values and their emission --------------------------------------------- */

/* A value being assembled, cut at EVIDENCE_VALUE_MAX; a NUL byte spoils it. */
struct ev_value {
    struct evidence_item item;
    int has_nul;
};

void ev_value_init(struct ev_value *v, enum evidence_kind kind);
void ev_value_add(struct ev_value *v, const uint8_t *bytes, size_t n);
void ev_value_str(struct ev_value *v, const char *s);

struct ev_out {
    evidence_emit_fn *emit;
    void *ctx;
    size_t items;
};

/* Hands v to the caller unless it holds a NUL byte. */
void ev_emit_value(struct ev_out *out, struct ev_value *v);
/* Emits kind with the n bytes at bytes as its value. */
void ev_emit(struct ev_out *out, enum evidence_kind kind, const uint8_t *bytes, size_t n);

/* ---- text lines -------------------------------------------------------------- */

/*
 * Takes the next line from c: *line and *n get its bytes without the LF and
 * a CR before it. Returns 1, or 0 (and consumes nothing) when no LF is left:
 * an unterminated last line is cut by the end of the buffer, not finished.
 */
int ev_line(struct ev_cursor *c, const uint8_t **line, size_t *n);

/* Whether the n bytes at s start with prefix, ignoring ASCII case. */
int ev_starts_nocase(const uint8_t *s, size_t n, const char *prefix);
/* Drops leading and trailing spaces and tabs from [*s, *s + *n). */
void ev_trim(const uint8_t **s, size_t *n);

/* ---- the parsers ------------------------------------------------------------- */

/* RFC 5321 client commands, or server replies (is_server). */
void ev_smtp(const uint8_t *data, size_t len, int is_server, struct ev_out *out);
/* Whether the first complete line reads like an SMTP reply ("250 ok"). */
int ev_smtp_looks_server(const uint8_t *data, size_t len);
/* RFC 1035 messages: back to back (UDP), or each after a 2-byte length (TCP). */
void ev_dns(const uint8_t *data, size_t len, int tcp, struct ev_out *out);
/* RFC 9112 requests or responses, one after another while bodies have known lengths. */
void ev_http(const uint8_t *data, size_t len, struct ev_out *out);
/* RFC 8446 records carrying a ClientHello: its server names and its JA4. */
void ev_tls(const uint8_t *data, size_t len, struct ev_out *out);
/*
 * RFC 4253 identification line and KEXINIT of one side: the client's line
 * and HASSH, or the server's hasshServer (is_server).
 */
void ev_ssh(const uint8_t *data, size_t len, int is_server, struct ev_out *out);

/* Sniffing results: the bytes so far match, cannot match, or are too few to tell. */
enum ev_sniff { EV_NO = 0, EV_YES, EV_MAYBE };
enum ev_sniff ev_http_sniff(const uint8_t *data, size_t len, int any_method);
enum ev_sniff ev_tls_sniff(const uint8_t *data, size_t len);
/*
 * The bytes of the records that carry the ClientHello the first len bytes
 * open (a handshake record header and the hello's type at least), from the
 * lengths announced; 0 when the bytes do not open one, or too few are there.
 */
size_t ev_tls_hello_bytes(const uint8_t *data, size_t len);
/* Whether the bytes open with an SSH identification line ("SSH-"). */
enum ev_sniff ev_ssh_sniff(const uint8_t *data, size_t len);
/* Whether the bytes open with an SMTP client's greeting, "EHLO name" or "HELO name". */
enum ev_sniff ev_smtp_client_sniff(const uint8_t *data, size_t len);

#endif
