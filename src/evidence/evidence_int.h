/*
 * Private to the evidence stage: the value builder every item is made with,
 * line splitting for the text protocols, and the parsers' entry points. The
 * parsers read through the bounds-checked cursor of common/cursor.h, as the
 * decode stage does.
 */
#ifndef HONEYSCOPE_EVIDENCE_INT_H
#define HONEYSCOPE_EVIDENCE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../common/cursor.h"
#include "evidence.h"

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
int ev_line(struct cursor *c, const uint8_t **line, size_t *n);

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
