/*
 * What the evidence stage's unit tests (tests/unit/test_evidence_*.c) share:
 * the items a payload gives, parsed from a heap copy of exactly its length
 * (so that AddressSanitizer catches a read one byte too far) and checked
 * against the item contract as they are emitted; the prefix check; builders
 * of binary payloads; and the sample payloads several of the tests parse.
 * The helpers are defined in evidence_fixture.c, linked into each test.
 */
#ifndef HONEYSCOPE_EVIDENCE_FIXTURE_H
#define HONEYSCOPE_EVIDENCE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "../../src/evidence/evidence.h"

enum { TCP = 6, UDP = 17 };

#define INIT EVIDENCE_SIDE_INITIATOR
#define RESP EVIDENCE_SIDE_RESPONDER
#define UNKN EVIDENCE_SIDE_UNKNOWN

enum { MAX_ITEMS = 512 };

struct items {
    struct evidence_item item[MAX_ITEMS];
    size_t n;
    int bad; /* an item broke the contract */
};

struct buf {
    uint8_t b[20480]; /* a TLS record of 16 KiB and its header, with room */
    size_t n;
};

/* ---- defined in evidence_fixture.c: items, prefixes, payload builders ---- */

void collect(void *ctx, const struct evidence_item *item);
size_t parse(uint8_t proto, uint16_t service, enum evidence_side side, const void *data, size_t len,
             struct items *it);
int find(const struct items *it, enum evidence_kind kind, const char *value);
size_t count_kind(const struct items *it, enum evidence_kind kind);
const char *render(const struct items *it);
void field(const char *s, int n, char *out, size_t outlen);
size_t check_prefixes(uint8_t proto, uint16_t service, enum evidence_side side, const void *data,
                      size_t len);
void put8(struct buf *p, unsigned v);
void put16(struct buf *p, unsigned v);
void putn(struct buf *p, const void *src, size_t n);
void puts_(struct buf *p, const char *s);
void set16(struct buf *p, size_t at, size_t v);
void set24(struct buf *p, size_t at, size_t v);
void dns_name(struct buf *p, const char *name);
void dns_ptr(struct buf *p, unsigned offset);
void dns_header(struct buf *p, unsigned id, unsigned flags, unsigned qd, unsigned an, unsigned ns,
                unsigned ar);
size_t dns_rr_head(struct buf *p, unsigned type, unsigned class);
void dns_rr_end(struct buf *p, size_t at);
void dns_query(struct buf *p, unsigned id, const char *name, unsigned type);
void dns_response(struct buf *p);
void client_hello(struct buf *p, const char *sni, size_t record_max);
void tls_ext(struct buf *e, unsigned type, const void *data, size_t n);
void tls_ext_u16(struct buf *e, unsigned type, size_t len_bytes, const unsigned *v, size_t n);
void tls_ext_alpn(struct buf *e, const void *value, size_t n);
void tls_hello(struct buf *p, unsigned version, const unsigned *suites, size_t n,
               const struct buf *exts);
const char *ja4_of(const struct buf *b);
void ssh_side(struct buf *p, const char *banner, const char *const lists[10]);

/* Salesforce's HASSH README: the Cyberduck 6.7.1 client's lists, hassh 8a8ae540... */
extern const char *const cyberduck_lists[10];

/*
 * Sample payloads of the protocol tests, which the mutation test starts from
 * too. Arrays here (not extern) because tests take their sizeof: the HTTP
 * response holds NUL bytes.
 */
static const char smtp_session[] = "EHLO pc-7f3a.example.net\r\n"
                                   "MAIL FROM:<sales@pharma.example> SIZE=1234\r\n"
                                   "RCPT TO:<alice@mail.example.org>\r\n"
                                   "RCPT TO:<bob@other.example>\r\n"
                                   "DATA\r\n"
                                   "From: \"Sales\" <sales@pharma.example>\r\n"
                                   "Subject: Cheap meds, 80% off\r\n"
                                   "Subject: a second one is ignored\r\n"
                                   "\r\n"
                                   "Hello,\r\n"
                                   "RCPT TO:<in-the-body@example.com>\r\n"
                                   "..leading dot\r\n"
                                   ".\r\n"
                                   "RSET\r\n"
                                   "MAIL FROM:<>\r\n"
                                   "rcpt to:<carol@mail.example.org>\r\n"
                                   "DATA\r\n"
                                   "Subject: =?utf-8?B?w6l0w6k=?=\r\n"
                                   "\r\n"
                                   "body\r\n"
                                   ".\r\n"
                                   "QUIT\r\n";

static const char smtp_replies[] = "220 mx.example.org ESMTP Postfix (Debian/GNU)\r\n"
                                   "250-mx.example.org\r\n"
                                   "250-PIPELINING\r\n"
                                   "250 8BITMIME\r\n"
                                   "250 2.1.0 Ok\r\n"
                                   "550 5.1.1 <bob@other.example>: Recipient address rejected\r\n"
                                   "354 End data with <CR><LF>.<CR><LF>\r\n"
                                   "221 2.0.0 Bye\r\n"
                                   "250 cut";

static const char http_request[] = "GET /bins/x86.bin?arch=x86 HTTP/1.1\r\n"
                                   "Host: 203.0.113.5:8080\r\n"
                                   "User-Agent: Wget/1.12 (linux-gnu)\r\n"
                                   "Accept: */*\r\n"
                                   "Connection: Keep-Alive\r\n"
                                   "\r\n";

static const char http_response[] = "HTTP/1.1 200 OK\r\n"
                                    "Server: nginx\r\n"
                                    "Content-Type: application/octet-stream\r\n"
                                    "Content-Length: 123456\r\n"
                                    "\r\n"
                                    "\x7f"
                                    "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0";

#endif
