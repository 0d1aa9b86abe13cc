/*
 * Unit tests of the evidence stage: real-looking SMTP, DNS, HTTP and TLS
 * payloads and the items they give; every truncation point of each of them
 * (a prefix may give fewer items, never different ones); crafted hostile
 * inputs (DNS pointer loops and forward pointers, oversized labels and names,
 * counts the bytes cannot hold, TLS lengths past their containers, lines
 * without an end); raw values kept as sent; and random mutations.
 *
 * Every payload is parsed from a heap copy of exactly its length, so that a
 * read one byte too far is caught by AddressSanitizer, and every item passes
 * the same checks as it is emitted (length, terminating NUL, no inner NUL).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/aggregate/aggregate_int.h"
#include "../../src/evidence/evidence.h"
#include "check.h"

enum { TCP = 6, UDP = 17 };

#define INIT EVIDENCE_SIDE_INITIATOR
#define RESP EVIDENCE_SIDE_RESPONDER
#define UNKN EVIDENCE_SIDE_UNKNOWN

/* ---- collecting items ------------------------------------------------------------ */

enum { MAX_ITEMS = 512 };

struct items {
    struct evidence_item item[MAX_ITEMS];
    size_t n;
    int bad; /* an item broke the contract */
};

static void collect(void *ctx, const struct evidence_item *item)
{
    struct items *it = ctx;
    if ((unsigned)item->kind >= EVIDENCE_KIND_COUNT || item->len > EVIDENCE_VALUE_MAX ||
        item->value[item->len] != '\0' || strlen(item->value) != item->len || item->count == 0 ||
        item->truncated > 1 || (item->truncated && item->len != EVIDENCE_VALUE_MAX))
        it->bad = 1;
    if (it->n < MAX_ITEMS)
        it->item[it->n++] = *item;
    else
        it->bad = 1;
}

/* Parses a heap copy of exactly len bytes of data into *it; returns what evidence_parse() did. */
static size_t parse(uint8_t proto, uint16_t service, enum evidence_side side, const void *data,
                    size_t len, struct items *it)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        abort();
    if (len)
        memcpy(copy, data, len);
    it->n = 0;
    it->bad = 0;
    size_t r = evidence_parse(proto, service, side, len ? copy : NULL, len, collect, it);
    free(copy);
    if (r != it->n)
        it->bad = 1;
    return r;
}

/* The index of the first item of kind with value, or -1. */
static int find(const struct items *it, enum evidence_kind kind, const char *value)
{
    for (size_t i = 0; i < it->n; i++)
        if (it->item[i].kind == kind && strcmp(it->item[i].value, value) == 0)
            return (int)i;
    return -1;
}

static size_t count_kind(const struct items *it, enum evidence_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < it->n; i++)
        n += it->item[i].kind == kind;
    return n;
}

/* Renders the items as "kind=value" lines, for whole-list comparisons. */
static const char *render(const struct items *it)
{
    static char buf[16384];
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < it->n && at < sizeof(buf); i++) {
        int k =
            snprintf(buf + at, sizeof(buf) - at, "%s=%s%s\n", evidence_kind_name(it->item[i].kind),
                     it->item[i].value, it->item[i].truncated ? "[cut]" : "");
        if (k < 0)
            break;
        at += (size_t)k;
    }
    return buf;
}

/* ---- truncation ------------------------------------------------------------------ */

/* The n-th space-separated field of s (into out), for http-response values. */
static void field(const char *s, int n, char *out, size_t outlen)
{
    while (n-- > 0) {
        const char *sp = strchr(s, ' ');
        s = sp ? sp + 1 : s + strlen(s);
    }
    size_t k = strcspn(s, " ");
    if (k >= outlen)
        k = outlen - 1;
    memcpy(out, s, k);
    out[k] = '\0';
}

/*
 * Whether an item a prefix gave is one the whole payload gives: the same
 * kind and value; for smtp-messages a count no larger; for http-response the
 * same fields, or '-' where the prefix ended before one.
 */
static int item_agrees(const struct evidence_item *part, const struct evidence_item *whole)
{
    if (part->kind != whole->kind)
        return 0;
    if (part->kind == EVIDENCE_SMTP_MESSAGES)
        return part->count <= whole->count;
    if (part->kind == EVIDENCE_HTTP_RESPONSE) {
        for (int f = 0; f < 3; f++) {
            char a[EVIDENCE_VALUE_MAX + 1], b[EVIDENCE_VALUE_MAX + 1];
            field(part->value, f, a, sizeof(a));
            field(whole->value, f, b, sizeof(b));
            if (strcmp(a, b) != 0 && strcmp(a, "-") != 0)
                return 0;
        }
        return 1;
    }
    return part->len == whole->len && part->truncated == whole->truncated &&
           memcmp(part->value, whole->value, part->len) == 0;
}

/*
 * Parses every prefix of data (lengths 0 to len): none may crash, break the
 * item contract, or give an item the whole payload does not give (each item
 * of the whole matches at most one of the prefix's). Returns the number of
 * prefixes that failed, 0 when all is well.
 */
static size_t check_prefixes(uint8_t proto, uint16_t service, enum evidence_side side,
                             const void *data, size_t len)
{
    static struct items whole, part;
    size_t failures = 0;
    parse(proto, service, side, data, len, &whole);
    if (whole.bad)
        return 1;
    for (size_t n = 0; n <= len; n++) {
        parse(proto, service, side, data, n, &part);
        int used[MAX_ITEMS] = {0};
        int ok = !part.bad;
        for (size_t i = 0; ok && i < part.n; i++) {
            ok = 0;
            for (size_t j = 0; j < whole.n; j++) {
                if (!used[j] && item_agrees(&part.item[i], &whole.item[j])) {
                    used[j] = 1;
                    ok = 1;
                    break;
                }
            }
            if (!ok)
                printf("    prefix %zu of %zu: unexpected %s=%s\n", n, len,
                       evidence_kind_name(part.item[i].kind), part.item[i].value);
        }
        failures += !ok;
    }
    return failures;
}

/* ---- building binary payloads ------------------------------------------------------ */

struct buf {
    uint8_t b[20480]; /* a TLS record of 16 KiB and its header, with room */
    size_t n;
};

static void put8(struct buf *p, unsigned v)
{
    p->b[p->n++] = (uint8_t)v;
}

static void put16(struct buf *p, unsigned v)
{
    put8(p, v >> 8 & 0xff);
    put8(p, v & 0xff);
}

static void put24(struct buf *p, unsigned v)
{
    put8(p, v >> 16 & 0xff);
    put16(p, v & 0xffff);
}

static void put32(struct buf *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p, v & 0xffff);
}

static void putn(struct buf *p, const void *src, size_t n)
{
    if (n == 0)
        return;
    memcpy(p->b + p->n, src, n);
    p->n += n;
}

static void puts_(struct buf *p, const char *s)
{
    putn(p, s, strlen(s));
}

static void set16(struct buf *p, size_t at, size_t v)
{
    p->b[at] = (uint8_t)(v >> 8);
    p->b[at + 1] = (uint8_t)v;
}

static void set24(struct buf *p, size_t at, size_t v)
{
    p->b[at] = (uint8_t)(v >> 16);
    set16(p, at + 1, v & 0xffff);
}

/* ---- DNS messages ---- */

/* Writes "www.example.com" as labels and the root label. */
static void dns_name(struct buf *p, const char *name)
{
    while (*name) {
        size_t k = strcspn(name, ".");
        put8(p, (unsigned)k);
        putn(p, name, k);
        name += k;
        if (*name == '.')
            name++;
    }
    put8(p, 0);
}

static void dns_ptr(struct buf *p, unsigned offset)
{
    put16(p, 0xc000 | offset);
}

static void dns_header(struct buf *p, unsigned id, unsigned flags, unsigned qd, unsigned an,
                       unsigned ns, unsigned ar)
{
    put16(p, id);
    put16(p, flags);
    put16(p, qd);
    put16(p, an);
    put16(p, ns);
    put16(p, ar);
}

/* Type, class, TTL and an RDATA length to fill in; returns the length's offset. */
static size_t dns_rr_head(struct buf *p, unsigned type, unsigned class)
{
    put16(p, type);
    put16(p, class);
    put32(p, 300);
    put16(p, 0);
    return p->n - 2;
}

static void dns_rr_end(struct buf *p, size_t at)
{
    set16(p, at, p->n - at - 2);
}

/* The EDNS(0) OPT record of a modern query (RFC 6891). */
static void dns_opt(struct buf *p)
{
    put8(p, 0);
    put16(p, 41);
    put16(p, 1232);
    put32(p, 0);
    put16(p, 0);
}

static void dns_query(struct buf *p, unsigned id, const char *name, unsigned type)
{
    dns_header(p, id, 0x0100, 1, 0, 0, 1);
    dns_name(p, name);
    put16(p, type);
    put16(p, 1);
    dns_opt(p);
}

/*
 * A response to "www.example.com A": a CNAME to web.example.net (the owner
 * a pointer to the question), its A and AAAA records (owner a pointer into
 * the CNAME's data), an NS in the authority section, an OPT record.
 */
static void dns_response(struct buf *p)
{
    size_t base = p->n;
    dns_header(p, 0x1234, 0x8180, 1, 3, 1, 1);
    dns_name(p, "www.example.com");
    put16(p, 1);
    put16(p, 1);
    dns_ptr(p, 12);
    size_t rd = dns_rr_head(p, 5, 1);
    size_t cname_at = p->n - base;
    dns_name(p, "web.example.net");
    dns_rr_end(p, rd);
    dns_ptr(p, (unsigned)cname_at);
    rd = dns_rr_head(p, 1, 1);
    putn(p, "\xc0\x00\x02\x01", 4);
    dns_rr_end(p, rd);
    dns_ptr(p, (unsigned)cname_at);
    rd = dns_rr_head(p, 28, 1);
    putn(p, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
    dns_rr_end(p, rd);
    dns_ptr(p, 12 + 4); /* "example.com" of the question */
    rd = dns_rr_head(p, 2, 1);
    dns_name(p, "ns1.example.com");
    dns_rr_end(p, rd);
    dns_opt(p);
}

/* ---- TLS ---- */

/*
 * A TLS 1.3 ClientHello (as a browser sends it) naming sni, in records of at
 * most record_max bytes. Extensions before and after server_name.
 */
static void client_hello(struct buf *p, const char *sni, size_t record_max)
{
    struct buf hs = {{0}, 0};
    put8(&hs, 1);
    put24(&hs, 0); /* length: below */
    put16(&hs, 0x0303);
    for (unsigned i = 0; i < 32; i++)
        put8(&hs, i * 7);
    put8(&hs, 32); /* session id */
    for (unsigned i = 0; i < 32; i++)
        put8(&hs, 0xa0 + i);
    put16(&hs, 6);
    put16(&hs, 0x1301);
    put16(&hs, 0x1302);
    put16(&hs, 0xc02f);
    put8(&hs, 1);
    put8(&hs, 0);
    size_t ext_len_at = hs.n;
    put16(&hs, 0);
    /* supported_groups */
    put16(&hs, 10);
    put16(&hs, 4);
    put16(&hs, 2);
    put16(&hs, 0x001d);
    /* server_name */
    size_t k = strlen(sni);
    put16(&hs, 0);
    put16(&hs, (unsigned)(k + 5));
    put16(&hs, (unsigned)(k + 3));
    put8(&hs, 0);
    put16(&hs, (unsigned)k);
    puts_(&hs, sni);
    /* ALPN: h2, http/1.1 */
    put16(&hs, 16);
    put16(&hs, 14);
    put16(&hs, 12);
    put8(&hs, 2);
    puts_(&hs, "h2");
    put8(&hs, 8);
    puts_(&hs, "http/1.1");
    /* supported_versions */
    put16(&hs, 43);
    put16(&hs, 3);
    put8(&hs, 2);
    put16(&hs, 0x0304);
    set16(&hs, ext_len_at, hs.n - ext_len_at - 2);
    set24(&hs, 1, hs.n - 4);

    for (size_t at = 0; at < hs.n; at += record_max) {
        size_t n = hs.n - at < record_max ? hs.n - at : record_max;
        put8(p, 22);
        put16(p, 0x0301);
        put16(p, (unsigned)n);
        putn(p, hs.b + at, n);
    }
}

/* ---- SMTP ------------------------------------------------------------------------- */

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

static void test_smtp_client_session(void)
{
    struct items it;
    parse(TCP, 25, INIT, smtp_session, strlen(smtp_session), &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "smtp-helo=pc-7f3a.example.net\n"
                           "smtp-mail-from=sales@pharma.example\n"
                           "smtp-mail-from-domain=pharma.example\n"
                           "smtp-rcpt-to=alice@mail.example.org\n"
                           "smtp-rcpt-to-domain=mail.example.org\n"
                           "smtp-rcpt-to=bob@other.example\n"
                           "smtp-rcpt-to-domain=other.example\n"
                           "smtp-subject=Cheap meds, 80% off\n"
                           "smtp-mail-from=<>\n"
                           "smtp-rcpt-to=carol@mail.example.org\n"
                           "smtp-rcpt-to-domain=mail.example.org\n"
                           "smtp-subject==?utf-8?B?w6l0w6k=?=\n"
                           "smtp-messages=\n");
    CHECK_U64(it.item[it.n - 1].count, 2);
    for (size_t i = 0; i + 1 < it.n; i++)
        CHECK_U64(it.item[i].count, 1);
    /* The same on the submission ports, and with the side unknown. */
    struct items other;
    parse(TCP, 587, INIT, smtp_session, strlen(smtp_session), &other);
    CHECK_STR(render(&other), render(&it));
    parse(TCP, 465, UNKN, smtp_session, strlen(smtp_session), &other);
    CHECK_U64(other.n, it.n);
    /* Not on other ports: an SMTP session there says nothing. */
    CHECK_U64(parse(TCP, 2525, INIT, smtp_session, strlen(smtp_session), &other), 0);
}

static void test_smtp_bare_lf_and_cut_line(void)
{
    static const char s[] = "HELO bot\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\r\n"
                            "RCPT TO:<cut@e.example>";
    struct items it;
    parse(TCP, 25, INIT, s, strlen(s), &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "smtp-helo=bot\n"
                           "smtp-mail-from=a@b.example\n"
                           "smtp-mail-from-domain=b.example\n"
                           "smtp-rcpt-to=c@d.example\n"
                           "smtp-rcpt-to-domain=d.example\n");
}

static void test_smtp_rcpt_without_brackets(void)
{
    static const char s[] = "HELO   spaced.example   \r\n"
                            "MAIL FROM:sender@x.example\r\n"
                            "RCPT TO:user@example.org\r\n"
                            "RCPT TO: <spaced@example.org> NOTIFY=NEVER\r\n"
                            "RCPT TO:plain@example.org ORCPT=rfc822;x@y\r\n"
                            "RCPT TO:<unclosed@example.org\r\n"
                            "RCPT TO:<@relay1.example,@relay2.example:routed@example.org>\r\n"
                            "RCPT TO:<postmaster>\r\n"
                            "RCPT TO:<>\r\n"
                            "RCPT TO:\r\n"
                            "RCPT TO:<trailing-at@>\r\n"
                            "RCPT TO:<\"odd@local\"@quoted.example>\r\n"
                            "RCPTTO:<no-space@example.org>\r\n"
                            "HELO\r\n";
    struct items it;
    parse(TCP, 25, INIT, s, strlen(s), &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "smtp-helo=spaced.example\n"
                           "smtp-mail-from=sender@x.example\n"
                           "smtp-mail-from-domain=x.example\n"
                           "smtp-rcpt-to=user@example.org\n"
                           "smtp-rcpt-to-domain=example.org\n"
                           "smtp-rcpt-to=spaced@example.org\n"
                           "smtp-rcpt-to-domain=example.org\n"
                           "smtp-rcpt-to=plain@example.org\n"
                           "smtp-rcpt-to-domain=example.org\n"
                           "smtp-rcpt-to=unclosed@example.org\n"
                           "smtp-rcpt-to-domain=example.org\n"
                           "smtp-rcpt-to=routed@example.org\n"
                           "smtp-rcpt-to-domain=example.org\n"
                           "smtp-rcpt-to=postmaster\n"
                           "smtp-rcpt-to=trailing-at@\n"
                           "smtp-rcpt-to=\"odd@local\"@quoted.example\n"
                           "smtp-rcpt-to-domain=quoted.example\n");
}

static void test_smtp_data_refused(void)
{
    /* No valid recipient: the server refuses DATA and the client goes on. */
    static const char s[] = "HELO bot\r\n"
                            "MAIL FROM:<a@b.example>\r\n"
                            "RCPT TO:<nobody@c.example>\r\n"
                            "DATA\r\n"
                            "RSET\r\n"
                            "MAIL FROM:<a@b.example>\r\n"
                            "RCPT TO:<second@d.example>\r\n"
                            "DATA\r\n"
                            "QUIT\r\n";
    struct items it;
    parse(TCP, 25, INIT, s, strlen(s), &it);
    CHECK(!it.bad);
    CHECK_U64(count_kind(&it, EVIDENCE_SMTP_MESSAGES), 0);
    CHECK(find(&it, EVIDENCE_SMTP_RCPT_TO, "second@d.example") >= 0);
    /* DATA as the last complete line: no message is known to follow yet. */
    static const char t[] = "HELO bot\r\nDATA\r\nSubj";
    parse(TCP, 25, INIT, t, strlen(t), &it);
    CHECK_U64(count_kind(&it, EVIDENCE_SMTP_MESSAGES), 0);
    static const char u[] = "HELO bot\r\nDATA\r\nSubject: hi\r\n";
    parse(TCP, 25, INIT, u, strlen(u), &it);
    CHECK(find(&it, EVIDENCE_SMTP_SUBJECT, "hi") >= 0);
    CHECK(find(&it, EVIDENCE_SMTP_MESSAGES, "") >= 0);
}

static void test_smtp_bdat(void)
{
    /* RFC 3030: the chunk follows the command line and is not commands. */
    static const char s[] = "EHLO bot\r\n"
                            "MAIL FROM:<a@b.example>\r\n"
                            "RCPT TO:<c@d.example>\r\n"
                            "BDAT 26\r\n"
                            "RCPT TO:<hidden@x.exa>\r\n\r\n"
                            "BDAT 0 LAST\r\n"
                            "MAIL FROM:<next@b.example>\r\n"
                            "BDAT 10000 LAST\r\n"
                            "RCPT TO:<inside-chunk@x.example>\r\n";
    struct items it;
    parse(TCP, 25, INIT, s, strlen(s), &it);
    CHECK(!it.bad);
    CHECK(find(&it, EVIDENCE_SMTP_RCPT_TO, "hidden@x.exa") < 0);
    CHECK(find(&it, EVIDENCE_SMTP_MAIL_FROM, "next@b.example") >= 0);
    CHECK(find(&it, EVIDENCE_SMTP_RCPT_TO, "inside-chunk@x.example") < 0);
    int m = find(&it, EVIDENCE_SMTP_MESSAGES, "");
    CHECK(m >= 0);
    if (m >= 0)
        CHECK_U64(it.item[m].count, 2);
    CHECK_U64(check_prefixes(TCP, 25, INIT, s, strlen(s)), 0);
}

static const char smtp_replies[] = "220 mx.example.org ESMTP Postfix (Debian/GNU)\r\n"
                                   "250-mx.example.org\r\n"
                                   "250-PIPELINING\r\n"
                                   "250 8BITMIME\r\n"
                                   "250 2.1.0 Ok\r\n"
                                   "550 5.1.1 <bob@other.example>: Recipient address rejected\r\n"
                                   "354 End data with <CR><LF>.<CR><LF>\r\n"
                                   "221 2.0.0 Bye\r\n"
                                   "250 cut";

static void test_smtp_server_replies(void)
{
    struct items it;
    parse(TCP, 25, RESP, smtp_replies, strlen(smtp_replies), &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "smtp-banner=mx.example.org ESMTP Postfix (Debian/GNU)\n"
                           "smtp-reply=220\n"
                           "smtp-reply=250\n"
                           "smtp-reply=250\n"
                           "smtp-reply=550\n"
                           "smtp-reply=354\n"
                           "smtp-reply=221\n");
    /* With the initiator unknown, the reply codes tell the server's side. */
    struct items unknown;
    parse(TCP, 25, UNKN, smtp_replies, strlen(smtp_replies), &unknown);
    CHECK_STR(render(&unknown), render(&it));
    /* A greeting spread over lines; replies stop at the first line that is not one. */
    static const char s[] = "220-first line\r\n220 second\r\n250 ok\r\nnot a reply\r\n250 late\r\n";
    parse(TCP, 25, RESP, s, strlen(s), &it);
    CHECK_STR(render(&it), "smtp-banner=first line\nsmtp-reply=220\nsmtp-reply=250\n");
    /* Replies given as the client's side are read as commands: nothing. */
    parse(TCP, 25, INIT, smtp_replies, strlen(smtp_replies), &it);
    CHECK_U64(it.n, 0);
}

static void test_smtp_starttls_sni(void)
{
    struct buf b = {{0}, 0};
    puts_(&b, "EHLO bot.example\r\nSTARTTLS\r\n");
    client_hello(&b, "mx.example.org", 16384);
    struct items it;
    parse(TCP, 587, INIT, b.b, b.n, &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "smtp-helo=bot.example\ntls-sni=mx.example.org\n"
                           "tls-ja4=t13d0304h2_40b44b994229_b0ac53b37fa7\n");
    CHECK_U64(check_prefixes(TCP, 587, INIT, b.b, b.n), 0);
}

static void test_smtp_truncation(void)
{
    CHECK_U64(check_prefixes(TCP, 25, INIT, smtp_session, strlen(smtp_session)), 0);
    CHECK_U64(check_prefixes(TCP, 25, UNKN, smtp_session, strlen(smtp_session)), 0);
    CHECK_U64(check_prefixes(TCP, 25, RESP, smtp_replies, strlen(smtp_replies)), 0);
    CHECK_U64(check_prefixes(TCP, 25, UNKN, smtp_replies, strlen(smtp_replies)), 0);
}

static void test_smtp_raw_values(void)
{
    static const char s[] = "HELO <script>alert(1)</script>\r\n"
                            "MAIL FROM:<\"'quoted'\"@x.example>\r\n"
                            "RCPT TO:<\x1b[2J\x1b]0;owned\x07@esc.example>\r\n"
                            "RCPT TO:<caf\xc3\xa9@\xff\xfe.example>\r\n"
                            "RCPT TO:<nul\0byte@x.example>\r\n"
                            "RCPT TO:<after-nul@x.example>\r\n";
    struct items it;
    parse(TCP, 25, INIT, s, sizeof(s) - 1, &it);
    CHECK(!it.bad);
    CHECK(find(&it, EVIDENCE_SMTP_HELO, "<script>alert(1)</script>") == 0);
    CHECK(find(&it, EVIDENCE_SMTP_MAIL_FROM, "\"'quoted'\"@x.example") >= 0);
    CHECK(find(&it, EVIDENCE_SMTP_RCPT_TO, "\x1b[2J\x1b]0;owned\x07@esc.example") >= 0);
    CHECK(find(&it, EVIDENCE_SMTP_RCPT_TO, "caf\xc3\xa9@\xff\xfe.example") >= 0);
    CHECK(find(&it, EVIDENCE_SMTP_RCPT_TO_DOMAIN, "\xff\xfe.example") >= 0);
    /* A NUL cannot be carried: that address is dropped (its domain is clean and stays). */
    CHECK(find(&it, EVIDENCE_SMTP_RCPT_TO, "nul") < 0);
    CHECK(find(&it, EVIDENCE_SMTP_RCPT_TO, "after-nul@x.example") >= 0);
    CHECK_U64(count_kind(&it, EVIDENCE_SMTP_RCPT_TO), 3);
}

static void test_smtp_long_value(void)
{
    struct buf b = {{0}, 0};
    puts_(&b, "RCPT TO:<");
    for (int i = 0; i < 300; i++)
        put8(&b, 'a' + i % 26);
    puts_(&b, "@long.example>\r\n");
    struct items it;
    parse(TCP, 25, INIT, b.b, b.n, &it);
    CHECK(!it.bad);
    CHECK_U64(it.n, 2);
    CHECK_U64(it.item[0].len, EVIDENCE_VALUE_MAX);
    CHECK_U64(it.item[0].truncated, 1);
    CHECK(memcmp(it.item[0].value, b.b + 9, EVIDENCE_VALUE_MAX) == 0);
    CHECK_STR(it.item[1].value, "long.example");
    CHECK_U64(it.item[1].truncated, 0);
}

/* ---- DNS -------------------------------------------------------------------------- */

static void test_dns_queries(void)
{
    struct buf b = {{0}, 0};
    struct items it;
    dns_query(&b, 1, "www.example.com", 1);
    parse(UDP, 53, INIT, b.b, b.n, &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "dns-query=www.example.com A\n");

    /* Several questions, other types and classes, the root. */
    b.n = 0;
    dns_header(&b, 2, 0x0100, 5, 0, 0, 0);
    dns_name(&b, "example.org");
    put16(&b, 15);
    put16(&b, 1);
    dns_name(&b, "version.bind");
    put16(&b, 16);
    put16(&b, 3);
    dns_name(&b, "");
    put16(&b, 2);
    put16(&b, 1);
    dns_ptr(&b, 12); /* example.org again, compressed */
    put16(&b, 28);
    put16(&b, 255);
    dns_name(&b, "x.example");
    put16(&b, 65280);
    put16(&b, 9);
    parse(UDP, 53, INIT, b.b, b.n, &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "dns-query=example.org MX\n"
                           "dns-query=version.bind TXT CH\n"
                           "dns-query=. NS\n"
                           "dns-query=example.org AAAA ANY\n"
                           "dns-query=x.example TYPE65280 CLASS9\n");
    CHECK_U64(check_prefixes(UDP, 53, INIT, b.b, b.n), 0);
    /* Over TCP, after the length prefix (RFC 1035 4.2.2). */
    struct buf t = {{0}, 0};
    put16(&t, (unsigned)b.n);
    putn(&t, b.b, b.n);
    struct items tcp;
    parse(TCP, 53, INIT, t.b, t.n, &tcp);
    CHECK_STR(render(&tcp), render(&it));
}

static void test_dns_response(void)
{
    struct buf b = {{0}, 0};
    struct items it;
    dns_response(&b);
    parse(UDP, 53, RESP, b.b, b.n, &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "dns-answer=www.example.com CNAME web.example.net\n"
                           "dns-answer=web.example.net A 192.0.2.1\n"
                           "dns-answer=web.example.net AAAA 2001:db8::1\n");
    CHECK_U64(check_prefixes(UDP, 53, RESP, b.b, b.n), 0);

    /* MX, NS and PTR answers; answers of other types are not reported. */
    b.n = 0;
    dns_header(&b, 3, 0x8180, 1, 4, 0, 0);
    dns_name(&b, "example.org");
    put16(&b, 15);
    put16(&b, 1);
    dns_ptr(&b, 12);
    size_t rd = dns_rr_head(&b, 15, 1);
    put16(&b, 10);
    dns_name(&b, "mx1.example.org");
    dns_rr_end(&b, rd);
    dns_ptr(&b, 12);
    rd = dns_rr_head(&b, 2, 1);
    put8(&b, 3);
    puts_(&b, "ns1");
    dns_ptr(&b, 12);
    dns_rr_end(&b, rd);
    dns_name(&b, "7.2.0.192.in-addr.arpa");
    rd = dns_rr_head(&b, 12, 1);
    dns_name(&b, "host.example.org");
    dns_rr_end(&b, rd);
    dns_ptr(&b, 12);
    rd = dns_rr_head(&b, 16, 1);
    puts_(&b, "\x0bv=spf1 -all");
    dns_rr_end(&b, rd);
    parse(UDP, 53, RESP, b.b, b.n, &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "dns-answer=example.org MX 10 mx1.example.org\n"
                           "dns-answer=example.org NS ns1.example.org\n"
                           "dns-answer=7.2.0.192.in-addr.arpa PTR host.example.org\n");
    CHECK_U64(check_prefixes(UDP, 53, RESP, b.b, b.n), 0);

    /* An error: the question's name and the rcode. */
    b.n = 0;
    dns_header(&b, 4, 0x8183, 1, 0, 0, 0);
    dns_name(&b, "nosuch.example");
    put16(&b, 1);
    put16(&b, 1);
    parse(UDP, 53, RESP, b.b, b.n, &it);
    CHECK_STR(render(&it), "dns-error=nosuch.example NXDOMAIN\n");
    b.b[3] = 0x85;
    parse(UDP, 53, RESP, b.b, b.n, &it);
    CHECK_STR(render(&it), "dns-error=nosuch.example REFUSED\n");
    b.b[3] = 0x8b;
    parse(UDP, 53, RESP, b.b, b.n, &it);
    CHECK_STR(render(&it), "dns-error=nosuch.example RCODE11\n");
}

static void test_dns_bad_rdata(void)
{
    /* An A record of 5 bytes, a CNAME whose name overruns its RDATA: neither reported. */
    struct buf b = {{0}, 0};
    dns_header(&b, 5, 0x8180, 1, 3, 0, 0);
    dns_name(&b, "a.example");
    put16(&b, 1);
    put16(&b, 1);
    dns_ptr(&b, 12);
    size_t rd = dns_rr_head(&b, 1, 1);
    putn(&b, "\x01\x02\x03\x04\x05", 5);
    dns_rr_end(&b, rd);
    dns_ptr(&b, 12);
    rd = dns_rr_head(&b, 5, 1);
    dns_name(&b, "b.example");
    dns_rr_end(&b, rd);
    b.b[rd + 1] = (uint8_t)(b.b[rd + 1] - 3); /* RDATA ends inside the name */
    b.n -= 3;
    put8(&b, 0); /* ...whose bytes run on */
    put8(&b, 0);
    put8(&b, 0);
    struct items it;
    parse(UDP, 53, RESP, b.b, b.n, &it);
    CHECK(!it.bad);
    CHECK_U64(it.n, 0);
}

static void test_dns_tcp_messages(void)
{
    struct buf q = {{0}, 0}, r = {{0}, 0}, t = {{0}, 0};
    dns_query(&q, 7, "first.example", 1);
    dns_response(&r);
    put16(&t, (unsigned)q.n);
    putn(&t, q.b, q.n);
    put16(&t, 0); /* an empty message is skipped */
    put16(&t, (unsigned)r.n);
    putn(&t, r.b, r.n);
    struct buf q2 = {{0}, 0};
    dns_query(&q2, 8, "second.example", 28);
    put16(&t, (unsigned)q2.n);
    putn(&t, q2.b, q2.n);
    struct items it;
    parse(TCP, 53, UNKN, t.b, t.n, &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "dns-query=first.example A\n"
                           "dns-answer=www.example.com CNAME web.example.net\n"
                           "dns-answer=web.example.net A 192.0.2.1\n"
                           "dns-answer=web.example.net AAAA 2001:db8::1\n"
                           "dns-query=second.example AAAA\n");
    CHECK_U64(check_prefixes(TCP, 53, UNKN, t.b, t.n), 0);
}

static void test_dns_udp_back_to_back(void)
{
    /* The flow stage may hand several datagrams' payloads joined. */
    struct buf b = {{0}, 0};
    dns_query(&b, 1, "one.example", 1);
    dns_query(&b, 2, "two.example", 15);
    dns_query(&b, 3, "three.example", 28);
    struct items it;
    parse(UDP, 53, INIT, b.b, b.n, &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "dns-query=one.example A\n"
                           "dns-query=two.example MX\n"
                           "dns-query=three.example AAAA\n");
    CHECK_U64(check_prefixes(UDP, 53, INIT, b.b, b.n), 0);
    /* Not DNS: other opcodes (UPDATE), no question. */
    b.n = 0;
    dns_header(&b, 1, 0x2800, 1, 0, 0, 0);
    dns_name(&b, "zone.example");
    put16(&b, 6);
    put16(&b, 1);
    parse(UDP, 53, INIT, b.b, b.n, &it);
    CHECK_U64(it.n, 0);
    b.n = 0;
    dns_header(&b, 1, 0x0100, 0, 0, 0, 0);
    parse(UDP, 53, INIT, b.b, b.n, &it);
    CHECK_U64(it.n, 0);
    /* DNS is port 53 only. */
    dns_query(&b, 1, "www.example.com", 1);
    CHECK_U64(parse(UDP, 5353, INIT, b.b, b.n, &it), 0);
}

/* A query for one question whose name is the bytes given; returns items. */
static size_t dns_crafted(const void *name, size_t name_n, unsigned qdcount, struct items *it)
{
    struct buf b = {{0}, 0};
    dns_header(&b, 9, 0x0100, qdcount, 0, 0, 0);
    putn(&b, name, name_n);
    put16(&b, 1);
    put16(&b, 1);
    return parse(UDP, 53, INIT, b.b, b.n, it);
}

static void test_dns_pointer_loops(void)
{
    struct items it;
    /* A pointer to itself (offset 12 is the name). */
    CHECK_U64(dns_crafted("\xc0\x0c", 2, 1, &it), 0);
    /* A label, then a pointer back to that label: a loop through one label. */
    CHECK_U64(dns_crafted("\x01"
                          "a\xc0\x0c",
                          4, 1, &it),
              0);
    /* Forward: a pointer to the label after it. */
    CHECK_U64(dns_crafted("\xc0\x0e\x01"
                          "a\x00",
                          5, 1, &it),
              0);
    /* Two names pointing at each other: the second's pointer goes back to the
       first, whose pointer goes forward to the second. */
    struct buf b = {{0}, 0};
    dns_header(&b, 9, 0x0100, 2, 0, 0, 0);
    put8(&b, 1);
    put8(&b, 'x');
    dns_ptr(&b, 22); /* forward, to the second name */
    put16(&b, 1);
    put16(&b, 1);
    put8(&b, 1);
    put8(&b, 'y');
    dns_ptr(&b, 12);
    put16(&b, 1);
    put16(&b, 1);
    parse(UDP, 53, INIT, b.b, b.n, &it);
    CHECK(!it.bad);
    CHECK_U64(it.n, 0);
    /* A pointer past the message, and one cut in half. */
    CHECK_U64(dns_crafted("\xff\xff", 2, 1, &it), 0);
    b.n = 0;
    dns_header(&b, 9, 0x0100, 1, 0, 0, 0);
    put8(&b, 0xc0);
    parse(UDP, 53, INIT, b.b, b.n, &it);
    CHECK_U64(it.n, 0);
}

static void test_dns_jump_limit(void)
{
    /*
     * Compression pointers count offsets in their own message and must go
     * back, so a chain of them is laid in a TXT record's RDATA (never read as
     * a name) and a later answer's owner enters it at its end: hops jumps in
     * all, each landing lower than the last. Up to 32 are followed.
     */
    for (unsigned hops = 1; hops <= 40; hops++) {
        struct buf b = {{0}, 0};
        dns_header(&b, 9, 0x8180, 1, 2, 0, 0);
        dns_name(&b, "q.example");
        put16(&b, 1);
        put16(&b, 1);
        /* First answer: a TXT record whose RDATA is a chain of pointers back to 12. */
        dns_ptr(&b, 12);
        size_t rd = dns_rr_head(&b, 16, 1);
        size_t prev = 12;
        for (unsigned i = 0; i + 1 < hops; i++) {
            size_t here = b.n;
            dns_ptr(&b, (unsigned)prev);
            prev = here;
        }
        dns_rr_end(&b, rd);
        /* Second answer: its owner is the chain's last pointer, an A record. */
        dns_ptr(&b, (unsigned)prev);
        rd = dns_rr_head(&b, 1, 1);
        putn(&b, "\xc6\x33\x64\x07", 4);
        dns_rr_end(&b, rd);
        struct items it;
        parse(UDP, 53, RESP, b.b, b.n, &it);
        CHECK(!it.bad);
        /* hops jumps in all: the owner's pointer and the hops - 1 of the chain. */
        if (hops <= 32)
            CHECK_STR(render(&it), "dns-answer=q.example A 198.51.100.7\n");
        else
            CHECK_U64(it.n, 0);
    }
}

static void test_dns_label_and_name_limits(void)
{
    struct items it;
    uint8_t name[600];
    /* A 63-byte label is fine; 64 is a reserved label type (0x40), refused. */
    name[0] = 63;
    memset(name + 1, 'a', 63);
    name[64] = 0;
    dns_crafted(name, 65, 1, &it);
    CHECK_U64(it.n, 1);
    CHECK_U64(it.item[0].len, 63 + 2);
    name[0] = 64;
    memset(name + 1, 'a', 64);
    name[65] = 0;
    CHECK_U64(dns_crafted(name, 66, 1, &it), 0);
    name[0] = 0x80; /* the other reserved type */
    CHECK_U64(dns_crafted(name, 66, 1, &it), 0);
    /* A name of exactly 255 bytes on the wire: 3 labels of 63, one of 61, the root. */
    size_t n = 0;
    for (int i = 0; i < 3; i++) {
        name[n++] = 63;
        memset(name + n, 'b', 63);
        n += 63;
    }
    name[n++] = 61;
    memset(name + n, 'c', 61);
    n += 61;
    name[n++] = 0;
    CHECK_U64(n, 255);
    dns_crafted(name, n, 1, &it);
    CHECK_U64(it.n, 1);
    CHECK_U64(it.item[0].len, 253 + 2); /* 253 characters and " A" */
    CHECK_U64(it.item[0].truncated, 0);
    /* One more byte is too long. */
    name[n - 1 - 62] = 62;
    memmove(name + n - 62 + 1, name + n - 62, 62);
    name[n - 62] = 'c';
    n++;
    name[n - 1] = 0;
    CHECK_U64(n, 256);
    CHECK_U64(dns_crafted(name, n, 1, &it), 0);
    /* A long name reached through pointers is limited the same way. */
    struct buf b = {{0}, 0};
    dns_header(&b, 9, 0x0100, 2, 0, 0, 0);
    for (int i = 0; i < 3; i++) {
        put8(&b, 63);
        for (int j = 0; j < 63; j++)
            put8(&b, 'd');
    }
    put8(&b, 0);
    put16(&b, 1);
    put16(&b, 1);
    put8(&b, 63);
    for (int j = 0; j < 63; j++)
        put8(&b, 'e');
    dns_ptr(&b, 12);
    put16(&b, 1);
    put16(&b, 1);
    parse(UDP, 53, INIT, b.b, b.n, &it);
    CHECK(!it.bad);
    CHECK_U64(it.n, 1); /* the first (193 bytes) only; the second would be 257 */
}

static void test_dns_counts_past_the_bytes(void)
{
    struct items it;
    /* qdcount 65535 with one question present: that one, and a quick stop. */
    CHECK_U64(dns_crafted("\x03www\x07"
                          "example\x03"
                          "com\x00",
                          17, 65535, &it),
              1);
    CHECK_STR(it.item[0].value, "www.example.com A");
    /* qdcount 65535, no bytes at all after the header. */
    struct buf b = {{0}, 0};
    dns_header(&b, 1, 0x0100, 65535, 65535, 65535, 65535);
    parse(UDP, 53, INIT, b.b, b.n, &it);
    CHECK_U64(it.n, 0);
    /* A response announcing 65535 answers and holding five. */
    b.n = 0;
    dns_response(&b);
    set16(&b, 6, 65535);
    parse(UDP, 53, RESP, b.b, b.n, &it);
    CHECK(!it.bad);
    CHECK_U64(it.n, 4); /* the NS and OPT records are read as answers: NS is reported too */
    /* An RDATA length past the end. */
    b.n = 0;
    dns_header(&b, 5, 0x8180, 1, 1, 0, 0);
    dns_name(&b, "a.example");
    put16(&b, 1);
    put16(&b, 1);
    dns_ptr(&b, 12);
    dns_rr_head(&b, 1, 1);
    set16(&b, b.n - 2, 65535);
    putn(&b, "\x01\x02\x03\x04", 4);
    parse(UDP, 53, RESP, b.b, b.n, &it);
    CHECK_U64(it.n, 0);
}

static void test_dns_raw_names(void)
{
    struct items it;
    /* Markup, quotes, escape sequences, a dot inside a label: kept as sent. */
    static const char n1[] = "\x08<script>\x03\"'`\x06\x1b[31m!\x03"
                             "a.b\x00";
    dns_crafted(n1, sizeof(n1) - 1, 1, &it);
    CHECK_U64(it.n, 1);
    CHECK_STR(it.item[0].value, "<script>.\"'`.\x1b[31m!.a.b A");
    /* A NUL inside a label: that question is not reported, the next one is. */
    struct buf b = {{0}, 0};
    dns_header(&b, 9, 0x0100, 2, 0, 0, 0);
    putn(&b,
         "\x03"
         "a\0b\x00",
         5);
    put16(&b, 1);
    put16(&b, 1);
    dns_name(&b, "clean.example");
    put16(&b, 1);
    put16(&b, 1);
    parse(UDP, 53, INIT, b.b, b.n, &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "dns-query=clean.example A\n");
}

/* ---- HTTP ------------------------------------------------------------------------- */

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

static void test_http_request(void)
{
    struct items it;
    parse(TCP, 80, INIT, http_request, strlen(http_request), &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "http-request=GET /bins/x86.bin?arch=x86\n"
                           "http-host=203.0.113.5:8080\n"
                           "http-url=203.0.113.5:8080/bins/x86.bin?arch=x86\n"
                           "http-user-agent=Wget/1.12 (linux-gnu)\n");
    /* Any port, the method tells. */
    struct items other;
    parse(TCP, 4444, UNKN, http_request, strlen(http_request), &other);
    CHECK_STR(render(&other), render(&it));
    CHECK_U64(check_prefixes(TCP, 80, INIT, http_request, strlen(http_request)), 0);
    CHECK_U64(check_prefixes(TCP, 31337, INIT, http_request, strlen(http_request)), 0);
}

static void test_http_response(void)
{
    struct items it;
    parse(TCP, 80, RESP, http_response, sizeof(http_response) - 1, &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "http-response=200 application/octet-stream 123456\n");
    CHECK_U64(check_prefixes(TCP, 80, RESP, http_response, sizeof(http_response) - 1), 0);
    /* Headers cut short: what is known, '-' for the rest. */
    static const char cut[] = "HTTP/1.0 404 Not Found\r\nContent-Type: text/html; charset=utf-8\r\n"
                              "Content-Len";
    parse(TCP, 8080, RESP, cut, strlen(cut), &it);
    CHECK_STR(render(&it), "http-response=404 text/html -\n");
    /* A redirect: where it leads. */
    static const char redirect[] = "HTTP/1.1 302 Found\r\nLocation: http://dl.example.net/a.exe\r\n"
                                   "Content-Length: 0\r\n\r\n";
    parse(TCP, 80, RESP, redirect, strlen(redirect), &it);
    CHECK_STR(render(&it), "http-location=http://dl.example.net/a.exe\n"
                           "http-response=302 - 0\n");
    /* A type that cannot be shown counts as absent; only the media type itself is kept. */
    static const char nul[] = "HTTP/1.1 200 OK\r\nContent-Type: text/\0html\r\n"
                              "Content-Type: image/png\r\nContent-Length: 5\r\n\r\n";
    parse(TCP, 80, RESP, nul, sizeof(nul) - 1, &it);
    CHECK_STR(render(&it), "http-response=200 image/png 5\n");
    CHECK_U64(check_prefixes(TCP, 80, RESP, nul, sizeof(nul) - 1), 0);
    static const char spaced[] = "HTTP/1.1 200 OK\r\nContent-Type:  text/html garbage\r\n\r\n";
    parse(TCP, 80, RESP, spaced, strlen(spaced), &it);
    CHECK_STR(render(&it), "http-response=200 text/html -\n");
    /* A type too long to leave room for the length: shortened, the length still shows. */
    struct buf b = {{0}, 0};
    puts_(&b, "HTTP/1.1 200 OK\r\nContent-Type: application/");
    for (int i = 0; i < 300; i++)
        put8(&b, 'x');
    puts_(&b, "\r\nContent-Length: 123456789012345678\r\n\r\n");
    parse(TCP, 80, RESP, b.b, b.n, &it);
    CHECK_U64(it.n, 1);
    CHECK_U64(it.item[0].truncated, 0);
    CHECK_U64(it.item[0].len, 4 + 200 + 1 + 18);
    CHECK(strstr(it.item[0].value, "xxx 123456789012345678") != NULL);
    CHECK_U64(check_prefixes(TCP, 80, RESP, b.b, b.n), 0);
    /* Not a status line. */
    static const char bad[] = "HTTP/1.1 2x0 OK\r\n\r\n";
    CHECK_U64(parse(TCP, 80, RESP, bad, strlen(bad), &it), 0);
}

static void test_http_keep_alive(void)
{
    static const char req[] =
        "GET /a HTTP/1.1\r\nHost: h.example\r\n\r\n"
        "POST /upload HTTP/1.1\r\nHost: h.example\r\nContent-Length: 29\r\n\r\n"
        "GET /not-a-request HTTP/1.1\r\n"
        "HEAD /b HTTP/1.1\r\nHost: other.example\r\n\r\n"
        "junk that is no request\r\n";
    struct items it;
    parse(TCP, 80, INIT, req, strlen(req), &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "http-request=GET /a\n"
                           "http-host=h.example\n"
                           "http-url=h.example/a\n"
                           "http-request=POST /upload\n"
                           "http-host=h.example\n"
                           "http-url=h.example/upload\n"
                           "http-request=HEAD /b\n"
                           "http-host=other.example\n"
                           "http-url=other.example/b\n");
    CHECK_U64(check_prefixes(TCP, 80, INIT, req, strlen(req)), 0);
    static const char resp[] =
        "HTTP/1.1 100 Continue\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n"
        "HTTP/"
        "HTTP/1.1 304 Not Modified\r\n\r\n"
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n0\r\n\r\n"
        "HTTP/1.1 500 Hidden behind the chunked body\r\n\r\n";
    parse(TCP, 80, RESP, resp, strlen(resp), &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "http-response=100 - -\n"
                           "http-response=200 text/plain 5\n"
                           "http-response=304 - -\n"
                           "http-response=200 - -\n");
    CHECK_U64(check_prefixes(TCP, 80, RESP, resp, strlen(resp)), 0);
}

static void test_http_absolute_form(void)
{
    static const char s[] = "GET http://www.example.com/proxy-check.txt HTTP/1.1\r\n"
                            "Host: www.example.com\r\n\r\n"
                            "CONNECT mail.example.com:25 HTTP/1.0\r\n\r\n"
                            "OPTIONS * HTTP/1.1\r\nHost: x.example\r\n\r\n";
    struct items it;
    parse(TCP, 3128, INIT, s, strlen(s), &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "http-request=GET http://www.example.com/proxy-check.txt\n"
                           "http-url=www.example.com/proxy-check.txt\n"
                           "http-host=www.example.com\n"
                           "http-request=CONNECT mail.example.com:25\n"
                           "http-request=OPTIONS *\n"
                           "http-host=x.example\n");
}

static void test_http_header_without_crlf(void)
{
    struct items it;
    /* The header line never ends: the request line is all there is. */
    static const char s[] = "GET /x HTTP/1.1\r\nHost: a.example";
    parse(TCP, 80, INIT, s, strlen(s), &it);
    CHECK_STR(render(&it), "http-request=GET /x\n");
    /* The request line itself never ends, and is short: nothing. */
    static const char t[] = "GET /only-this HTTP/1.1";
    CHECK_U64(parse(TCP, 80, INIT, t, strlen(t), &it), 0);
    /* Bare LF line ends; headers without a space after the colon, odd case. */
    static const char u[] = "GET /lf HTTP/1.0\nhOsT:lf.example\nuser-agent:\tcurl/7.1 \n\n";
    parse(TCP, 80, INIT, u, strlen(u), &it);
    CHECK_STR(render(&it), "http-request=GET /lf\n"
                           "http-host=lf.example\n"
                           "http-url=lf.example/lf\n"
                           "http-user-agent=curl/7.1\n");
    /* A field name with a space before the colon is no field (RFC 9112 5.1). */
    static const char v[] = "GET / HTTP/1.1\r\nHost : evil.example\r\nHost: good.example\r\n\r\n";
    parse(TCP, 80, INIT, v, strlen(v), &it);
    CHECK(find(&it, EVIDENCE_HTTP_HOST, "good.example") >= 0);
    CHECK_U64(count_kind(&it, EVIDENCE_HTTP_HOST), 1);
    /* HTTP/0.9: no version; a target with spaces keeps them. */
    static const char w[] = "GET /old\r\nGET /a b c HTTP/1.1\r\n\r\n";
    parse(TCP, 80, INIT, w, strlen(w), &it);
    CHECK_STR(render(&it), "http-request=GET /old\n");
    static const char x[] = "GET /a b c HTTP/1.1\r\n\r\n";
    parse(TCP, 80, INIT, x, strlen(x), &it);
    CHECK_STR(render(&it), "http-request=GET /a b c\n");
}

static void test_http_ports_and_methods(void)
{
    struct items it;
    static const char odd[] = "FOO /x HTTP/1.1\r\n\r\n";
    CHECK_U64(parse(TCP, 8888, INIT, odd, strlen(odd), &it), 0);
    parse(TCP, 80, INIT, odd, strlen(odd), &it);
    CHECK_STR(render(&it), "http-request=FOO /x\n");
    parse(TCP, 8080, INIT, odd, strlen(odd), &it);
    CHECK_STR(render(&it), "http-request=FOO /x\n");
    static const char dav[] = "PROPFIND /webdav/ HTTP/1.1\r\nHost: 192.0.2.10\r\n\r\n";
    parse(TCP, 8888, INIT, dav, strlen(dav), &it);
    CHECK(find(&it, EVIDENCE_HTTP_URL, "192.0.2.10/webdav/") >= 0);
    /* Lower-case "get" is no method (RFC 9110 9.1: case-sensitive). */
    static const char lower_[] = "get / HTTP/1.1\r\n\r\n";
    CHECK_U64(parse(TCP, 8888, INIT, lower_, strlen(lower_), &it), 0);
    /* Not on UDP. */
    CHECK_U64(parse(UDP, 80, INIT, http_request, strlen(http_request), &it), 0);
}

static void test_web_ports_other_protocols(void)
{
    struct items it;
    /* An SMTP client on a web port is SMTP, not an HTTP request "EHLO localhost". */
    static const char smtp[] = "EHLO localhost\r\nMAIL FROM:<a@example.com>\r\n"
                               "RCPT TO:<b@example.net>\r\nQUIT\r\n";
    parse(TCP, 80, INIT, smtp, strlen(smtp), &it);
    CHECK_STR(render(&it), "smtp-helo=localhost\n"
                           "smtp-mail-from=a@example.com\n"
                           "smtp-mail-from-domain=example.com\n"
                           "smtp-rcpt-to=b@example.net\n"
                           "smtp-rcpt-to-domain=example.net\n");
    parse(TCP, 8080, UNKN, smtp, strlen(smtp), &it);
    CHECK(find(&it, EVIDENCE_SMTP_HELO, "localhost") >= 0);
    CHECK_U64(count_kind(&it, EVIDENCE_HTTP_REQUEST), 0);
    /* Lower-case greeting, HELO; on a port that is neither web nor mail it says nothing. */
    static const char helo[] = "helo bot\r\n";
    parse(TCP, 8080, INIT, helo, strlen(helo), &it);
    CHECK_STR(render(&it), "smtp-helo=bot\n");
    CHECK_U64(parse(TCP, 4444, INIT, helo, strlen(helo), &it), 0);
    /* Near misses: no space after the verb, or a longer word, is no greeting. */
    static const char ehlox[] = "EHLOX a\r\n";
    CHECK_U64(parse(TCP, 80, INIT, ehlox, strlen(ehlox), &it), 0);
    /* Other line protocols on a web port: not HTTP, and no parser of their own here. */
    static const char *const others[] = {
        "USER anonymous\r\n",
        "NICK bot\r\nUSER bot 0 * :bot\r\n",
        "INVITE sip:100@192.0.2.1 SIP/2.0\r\n\r\n",
        "DESCRIBE rtsp://192.0.2.1/ RTSP/1.0\r\n\r\n",
        "OPTIONS rtsp://192.0.2.1/ RTSP/1.0\r\nCSeq: 1\r\n\r\n",
        "OPTIONS sip:100@192.0.2.1 SIP/2.0\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        CHECK_U64(parse(TCP, 80, INIT, others[i], strlen(others[i]), &it), 0);
        CHECK_U64(parse(TCP, 8080, UNKN, others[i], strlen(others[i]), &it), 0);
    }
    /* Near misses the other way: real requests with unknown methods still are HTTP. */
    static const char star[] = "FOO * HTTP/1.1\r\n\r\n";
    parse(TCP, 80, INIT, star, strlen(star), &it);
    CHECK_STR(render(&it), "http-request=FOO *\n");
    static const char absolute[] = "BAR HTTP://h.example/x HTTP/1.0\r\n\r\n";
    parse(TCP, 8080, INIT, absolute, strlen(absolute), &it);
    CHECK(find(&it, EVIDENCE_HTTP_URL, "h.example/x") >= 0);
    /* A known method is HTTP on any port while its line is incomplete, or ends in HTTP/. */
    static const char options[] = "OPTIONS * HTTP/1.1\r\n\r\n";
    parse(TCP, 8888, INIT, options, strlen(options), &it);
    CHECK_STR(render(&it), "http-request=OPTIONS *\n");
    /* Undecided while the target or greeting could still come. */
    CHECK(evidence_wanted(TCP, 80, (const uint8_t *)"FOO ", 4));
    CHECK(evidence_wanted(TCP, 80, (const uint8_t *)"FOO ht", 6));
    CHECK(!evidence_wanted(TCP, 80, (const uint8_t *)"FOO hx", 6));
    CHECK(!evidence_wanted(TCP, 80, (const uint8_t *)"FOO l", 5));
    CHECK(evidence_wanted(TCP, 80, (const uint8_t *)"ehl", 3));
    CHECK(evidence_wanted(TCP, 80, (const uint8_t *)"ehlo x", 6));
    CHECK(!evidence_wanted(TCP, 80, (const uint8_t *)"ehlx", 4));
    CHECK(!evidence_wanted(TCP, 4444, (const uint8_t *)"EHLO x", 6));
}

static void test_http_long_request_line(void)
{
    /* An exploit URI longer than a value: the same value cut or whole. */
    struct buf b = {{0}, 0};
    puts_(&b, "GET /cgi-bin/");
    for (int i = 0; i < 600; i++)
        put8(&b, 'A' + i % 26);
    size_t cut = b.n;
    puts_(&b, " HTTP/1.1\r\nHost: victim.example\r\n\r\n");
    struct items whole, part;
    parse(TCP, 80, UNKN, b.b, b.n, &whole);
    parse(TCP, 80, UNKN, b.b, cut - 100, &part);
    CHECK(!whole.bad && !part.bad);
    CHECK_U64(whole.item[0].len, EVIDENCE_VALUE_MAX);
    CHECK_U64(whole.item[0].truncated, 1);
    CHECK_U64(part.n, 1);
    CHECK(part.n == 1 && part.item[0].kind == EVIDENCE_HTTP_REQUEST &&
          strcmp(part.item[0].value, whole.item[0].value) == 0 && part.item[0].truncated);
    /* The url of the whole request is cut too. */
    CHECK_U64(whole.item[2].kind, EVIDENCE_HTTP_URL);
    CHECK_U64(whole.item[2].truncated, 1);
    CHECK_U64(check_prefixes(TCP, 80, UNKN, b.b, b.n), 0);
    /* A space inside the first 255 bytes: the line's end could still change the value. */
    b.n = 0;
    puts_(&b, "GET /x ");
    for (int i = 0; i < 600; i++)
        put8(&b, 'B');
    CHECK_U64(parse(TCP, 80, UNKN, b.b, b.n, &part), 0);
    CHECK_U64(check_prefixes(TCP, 80, UNKN, b.b, b.n), 0);
}

static void test_http_raw_values(void)
{
    static const char s[] = "GET /<script>alert(\"x\")</script> HTTP/1.1\r\n"
                            "Host: \"quoted\".example\r\n"
                            "User-Agent: () { :; }; echo \x1b[31mpwned\x1b[0m'\xe2\x80\xae\r\n\r\n";
    struct items it;
    parse(TCP, 80, UNKN, s, strlen(s), &it);
    CHECK(!it.bad);
    CHECK(find(&it, EVIDENCE_HTTP_REQUEST, "GET /<script>alert(\"x\")</script>") >= 0);
    CHECK(find(&it, EVIDENCE_HTTP_HOST, "\"quoted\".example") >= 0);
    CHECK(find(&it, EVIDENCE_HTTP_URL, "\"quoted\".example/<script>alert(\"x\")</script>") >= 0);
    CHECK(find(&it, EVIDENCE_HTTP_USER_AGENT,
               "() { :; }; echo \x1b[31mpwned\x1b[0m'\xe2\x80\xae") >= 0);
    /* A NUL in a header value: that header gives nothing. */
    static const char t[] = "GET / HTTP/1.1\r\nUser-Agent: a\0b\r\nHost: h.example\r\n\r\n";
    parse(TCP, 80, UNKN, t, sizeof(t) - 1, &it);
    CHECK(!it.bad);
    CHECK_U64(count_kind(&it, EVIDENCE_HTTP_USER_AGENT), 0);
    CHECK(find(&it, EVIDENCE_HTTP_HOST, "h.example") >= 0);
}

/* ---- TLS -------------------------------------------------------------------------- */

static void test_tls_sni(void)
{
    struct buf b = {{0}, 0};
    client_hello(&b, "www.example.com", 16384);
    struct items it;
    parse(TCP, 443, INIT, b.b, b.n, &it);
    CHECK(!it.bad);
    /* 3 suites, 4 extensions, h2; hashes of "1301,1302,c02f" and "000a,002b" (hashlib) */
    CHECK_STR(render(&it),
              "tls-sni=www.example.com\ntls-ja4=t13d0304h2_40b44b994229_b0ac53b37fa7\n");
    /* Any port; SMTPS on 465 is TLS from the first byte. */
    struct items other;
    parse(TCP, 465, INIT, b.b, b.n, &other);
    CHECK_STR(render(&other), render(&it));
    parse(TCP, 9001, UNKN, b.b, b.n, &other);
    CHECK_STR(render(&other), render(&it));
    /* Not on port 53, which is DNS whatever the bytes. */
    CHECK_U64(parse(TCP, 53, INIT, b.b, b.n, &other), 0);
    CHECK_U64(check_prefixes(TCP, 443, INIT, b.b, b.n), 0);
}

static void test_tls_split_records(void)
{
    for (size_t record = 1; record <= 64; record += 7) {
        struct buf b = {{0}, 0};
        client_hello(&b, "split.example.org", record);
        struct items it;
        parse(TCP, 443, INIT, b.b, b.n, &it);
        CHECK(!it.bad);
        CHECK_STR(render(&it),
                  "tls-sni=split.example.org\ntls-ja4=t13d0304h2_40b44b994229_b0ac53b37fa7\n");
        if (record == 8)
            CHECK_U64(check_prefixes(TCP, 443, INIT, b.b, b.n), 0);
    }
    /* A record of another type in between ends the handshake bytes. */
    struct buf b = {{0}, 0};
    client_hello(&b, "x.example", 40);
    struct buf c = {{0}, 0};
    putn(&c, b.b, 45);
    putn(&c, "\x15\x03\x03\x00\x02\x02\x28", 7); /* an alert */
    putn(&c, b.b + 45, b.n - 45);
    struct items it;
    CHECK_U64(parse(TCP, 443, INIT, c.b, c.n, &it), 0);
}

static void test_tls_raw_name(void)
{
    struct buf b = {{0}, 0};
    client_hello(&b, "<img src=x onerror=\"alert(1)\">\x1b[5m", 16384);
    struct items it;
    parse(TCP, 443, INIT, b.b, b.n, &it);
    CHECK_STR(render(&it), "tls-sni=<img src=x onerror=\"alert(1)\">\x1b[5m\n"
                           "tls-ja4=t13d0304h2_40b44b994229_b0ac53b37fa7\n");
}

/* Offsets in client_hello()'s output (one record) of the fields the next test breaks. */
enum {
    TLS_REC_LEN = 3,
    TLS_HS_LEN = 6,
    TLS_SID_LEN = 5 + 4 + 2 + 32,
    TLS_SUITES_LEN = TLS_SID_LEN + 1 + 32,
    TLS_COMP_LEN = TLS_SUITES_LEN + 2 + 6,
    TLS_EXT_LEN = TLS_COMP_LEN + 1 + 1,
    TLS_FIRST_EXT = TLS_EXT_LEN + 2,
    TLS_SNI_EXT = TLS_FIRST_EXT + 8,
};

/* The server names the hello gives with the field at `at` set to value (JA4 items are in *it). */
static size_t tls_broken(size_t at, unsigned width, unsigned value, struct items *it)
{
    struct buf b = {{0}, 0};
    client_hello(&b, "www.example.com", 16384);
    if (width == 1)
        b.b[at] = (uint8_t)value;
    else if (width == 2)
        set16(&b, at, value);
    else
        set24(&b, at, value);
    parse(TCP, 443, INIT, b.b, b.n, it);
    if (it->bad)
        return 999;
    return count_kind(it, EVIDENCE_TLS_SNI);
}

static void test_tls_lengths_that_overflow(void)
{
    struct items it;
    /* The layout is what the offsets say: the SNI extension's type and length. */
    struct buf b = {{0}, 0};
    client_hello(&b, "www.example.com", 16384);
    CHECK_U64(b.b[TLS_SNI_EXT] << 8 | b.b[TLS_SNI_EXT + 1], 0);
    CHECK_U64(b.b[TLS_SNI_EXT + 2] << 8 | b.b[TLS_SNI_EXT + 3], 15 + 5);
    CHECK_U64(tls_broken(0, 1, 0x16, &it), 1);

    /* Record and handshake lengths past the data: the hello cut short still has its SNI. */
    CHECK_U64(tls_broken(TLS_REC_LEN, 2, 0xffff, &it), 1);
    CHECK_U64(tls_broken(TLS_HS_LEN, 3, 0xffffff, &it), 1);
    /* Shorter than the fields: the extensions are outside the hello. */
    CHECK_U64(tls_broken(TLS_HS_LEN, 3, 40, &it), 0);
    CHECK_U64(tls_broken(TLS_REC_LEN, 2, 30, &it), 0);
    /* Session id over 32, cipher suites past everything or odd, no compression method. */
    CHECK_U64(tls_broken(TLS_SID_LEN, 1, 33, &it), 0);
    CHECK_U64(tls_broken(TLS_SID_LEN, 1, 255, &it), 0);
    CHECK_U64(tls_broken(TLS_SUITES_LEN, 2, 0xffff, &it), 0);
    CHECK_U64(tls_broken(TLS_SUITES_LEN, 2, 0xfffe, &it), 0);
    CHECK_U64(tls_broken(TLS_SUITES_LEN, 2, 5, &it), 0);
    CHECK_U64(tls_broken(TLS_SUITES_LEN, 2, 0, &it), 0);
    CHECK_U64(tls_broken(TLS_COMP_LEN, 1, 0, &it), 0);
    CHECK_U64(tls_broken(TLS_COMP_LEN, 1, 255, &it), 0);
    /* Extensions' total past the end: each extension is still checked on its own. */
    CHECK_U64(tls_broken(TLS_EXT_LEN, 2, 0xffff, &it), 1);
    /* Extensions' total shorter than the SNI's end: the SNI is cut, not reported. */
    CHECK_U64(tls_broken(TLS_EXT_LEN, 2, 8 + 4 + 5, &it), 0);
    /* The first extension claims everything: nothing after it can be read. */
    CHECK_U64(tls_broken(TLS_FIRST_EXT + 2, 2, 0xffff, &it), 0);
    /* The server_name extension's length, list length and name length past their containers. */
    CHECK_U64(tls_broken(TLS_SNI_EXT + 2, 2, 0xffff, &it), 0);
    CHECK_U64(tls_broken(TLS_SNI_EXT + 2, 2, 3, &it), 0);
    CHECK_U64(tls_broken(TLS_SNI_EXT + 4, 2, 0xffff, &it), 0);
    CHECK_U64(tls_broken(TLS_SNI_EXT + 4, 2, 21, &it), 0);
    CHECK_U64(tls_broken(TLS_SNI_EXT + 7, 2, 0xffff, &it), 0);
    CHECK_U64(tls_broken(TLS_SNI_EXT + 7, 2, 16, &it), 0);
    /* A shorter name than the list holds: the name, then a cut entry. */
    CHECK_U64(tls_broken(TLS_SNI_EXT + 7, 2, 3, &it), 1);
    CHECK_STR(it.item[0].value, "www");
    /* Another name type is not a host name; an empty name is nothing. */
    CHECK_U64(tls_broken(TLS_SNI_EXT + 6, 1, 1, &it), 0);
    /* Not a ClientHello (a ServerHello), SSL 2 style, other versions. */
    CHECK_U64(tls_broken(5, 1, 2, &it), 0);
    CHECK_U64(tls_broken(1, 1, 2, &it), 0);
    CHECK_U64(tls_broken(2, 1, 5, &it), 0);
    CHECK_U64(tls_broken(2, 1, 0, &it), 1); /* SSL 3.0 record version */
    CHECK_U64(count_kind(&it, EVIDENCE_TLS_JA4), 1);

    /* A record longer than the data, with the hello whole inside: its JA4 stands. */
    tls_broken(TLS_REC_LEN, 2, 0xffff, &it);
    CHECK_U64(count_kind(&it, EVIDENCE_TLS_JA4), 1);
    /* JA4 wants the whole hello: none from one cut short, as its counts would be wrong. */
    tls_broken(TLS_HS_LEN, 3, 0xffffff, &it);
    CHECK_U64(count_kind(&it, EVIDENCE_TLS_JA4), 0);
    tls_broken(TLS_EXT_LEN, 2, 0xffff, &it);
    CHECK_U64(count_kind(&it, EVIDENCE_TLS_JA4), 0);
    tls_broken(TLS_FIRST_EXT + 2, 2, 0xffff, &it);
    CHECK_U64(count_kind(&it, EVIDENCE_TLS_JA4), 0);
    /* A broken server_name list is the name's loss; JA4 only asks whether the extension is there.
     */
    tls_broken(TLS_SNI_EXT + 4, 2, 0xffff, &it);
    CHECK_U64(count_kind(&it, EVIDENCE_TLS_JA4), 1);
}

/* ---- JA4 -------------------------------------------------------------------------- */

/* Appends an extension of type with the n bytes at data. */
static void tls_ext(struct buf *e, unsigned type, const void *data, size_t n)
{
    put16(e, type);
    put16(e, (unsigned)n);
    putn(e, data, n);
}

/* An extension holding a list of two-byte values after a length of len_bytes (1 or 2). */
static void tls_ext_u16(struct buf *e, unsigned type, size_t len_bytes, const unsigned *v, size_t n)
{
    put16(e, type);
    put16(e, (unsigned)(len_bytes + 2 * n));
    if (len_bytes == 1)
        put8(e, (unsigned)(2 * n));
    else
        put16(e, (unsigned)(2 * n));
    for (size_t i = 0; i < n; i++)
        put16(e, v[i]);
}

/* An ALPN extension whose one value is the n bytes at value. */
static void tls_ext_alpn(struct buf *e, const void *value, size_t n)
{
    put16(e, 16);
    put16(e, (unsigned)(n + 3));
    put16(e, (unsigned)(n + 1));
    put8(e, (unsigned)n);
    putn(e, value, n);
}

/*
 * A ClientHello in one record: legacy_version, the cipher suites, and the
 * extension bytes in exts (none at all, not even their length, when exts is
 * NULL).
 */
static void tls_hello(struct buf *p, unsigned version, const unsigned *suites, size_t n,
                      const struct buf *exts)
{
    struct buf hs = {{0}, 0};
    put8(&hs, 1);
    put24(&hs, 0);
    put16(&hs, version);
    for (unsigned i = 0; i < 32; i++)
        put8(&hs, i);
    put8(&hs, 0); /* session id */
    put16(&hs, (unsigned)(2 * n));
    for (size_t i = 0; i < n; i++)
        put16(&hs, suites[i]);
    put8(&hs, 1);
    put8(&hs, 0);
    if (exts) {
        put16(&hs, (unsigned)exts->n);
        putn(&hs, exts->b, exts->n);
    }
    set24(&hs, 1, hs.n - 4);
    put8(p, 22);
    put16(p, 0x0301);
    put16(p, (unsigned)hs.n);
    putn(p, hs.b, hs.n);
}

/* The JA4 the bytes give (parsed on port 443, client side), or "" when none. */
static const char *ja4_of(const struct buf *b)
{
    static struct items it;
    parse(TCP, 443, INIT, b->b, b->n, &it);
    for (size_t i = 0; i < it.n; i++)
        if (it.item[i].kind == EVIDENCE_TLS_JA4)
            return it.item[i].value;
    return "";
}

/* The cipher suites of the specification's example, a GREASE value first (as Chrome sends). */
static const unsigned spec_suites[] = {0x2a2a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f,
                                       0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
                                       0x009c, 0x009d, 0x002f, 0x0035};

/*
 * The extensions of the specification's example in its order, with GREASE
 * extensions around them: sni and alpn say whether server_name and ALPN (h2)
 * are there, versions whether supported_versions is, sigs how many of the
 * example's signature algorithms signature_algorithms holds.
 */
static void spec_extensions(struct buf *e, int sni, int alpn, int versions, size_t sigs)
{
    static const unsigned order[] = {0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017,
                                     0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b,
                                     0xff01, 0x000b, 0x000a, 0x0015};
    static const unsigned sig[] = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601};
    static const unsigned version_list[] = {0x6a6a, 0x0304, 0x0303};
    tls_ext(e, 0x0a0a, "", 0);
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        unsigned t = order[i];
        if (t == 0x0000 && sni)
            tls_ext(e, t,
                    "\x00\x0e\x00\x00\x0b"
                    "example.com",
                    16);
        else if (t == 0x0010 && alpn)
            tls_ext_alpn(e, "h2", 2);
        else if (t == 0x000d)
            tls_ext_u16(e, t, 2, sig, sigs);
        else if (t == 0x002b && versions)
            tls_ext_u16(e, t, 1, version_list, 3);
        else if (t != 0x0000 && t != 0x0010 && t != 0x002b)
            tls_ext(e, t, "\x00", t == 0x0017 || t == 0x0023 ? 0 : 1);
    }
    tls_ext(e, 0xfafa, "\x00", 1);
}

/*
 * The specification's worked example (technical_details/JA4.md): 15 suites,
 * 16 extensions, h2, its sorted lists hashing to 8daaf6152771 and
 * e5627efa2ab1; GREASE suites, extensions and versions left out.
 */
static void test_ja4_spec_example(void)
{
    struct buf e = {{0}, 0}, b = {{0}, 0};
    spec_extensions(&e, 1, 1, 1, 8);
    tls_hello(&b, 0x0303, spec_suites, 16, &e);
    CHECK_STR(ja4_of(&b), "t13d1516h2_8daaf6152771_e5627efa2ab1");
    struct items it;
    parse(TCP, 443, INIT, b.b, b.n, &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "tls-sni=example.com\ntls-ja4=t13d1516h2_8daaf6152771_e5627efa2ab1\n");

    /* No SNI, no ALPN: "i", two extensions fewer, "00"; the hashes never held them. */
    struct buf e2 = {{0}, 0}, b2 = {{0}, 0};
    spec_extensions(&e2, 0, 0, 1, 8);
    tls_hello(&b2, 0x0303, spec_suites, 16, &e2);
    CHECK_STR(ja4_of(&b2), "t13i151400_8daaf6152771_e5627efa2ab1");

    /* signature_algorithms empty: no '_' after the extensions (the spec's 6d807ffa2a79). */
    struct buf e3 = {{0}, 0}, b3 = {{0}, 0};
    spec_extensions(&e3, 1, 1, 1, 0);
    tls_hello(&b3, 0x0303, spec_suites, 16, &e3);
    CHECK_STR(ja4_of(&b3), "t13d1516h2_8daaf6152771_6d807ffa2a79");

    /* No supported_versions: the hello's own version; one extension fewer (hashlib). */
    struct buf e4 = {{0}, 0}, b4 = {{0}, 0};
    spec_extensions(&e4, 1, 1, 0, 8);
    tls_hello(&b4, 0x0303, spec_suites, 16, &e4);
    CHECK_STR(ja4_of(&b4), "t12d1515h2_8daaf6152771_8d4582d59f63");
    tls_hello(&b4, 0x0301, spec_suites, 16, &e4);
    b4.n = 0;
    tls_hello(&b4, 0x0301, spec_suites, 16, &e4);
    CHECK_STR(ja4_of(&b4), "t10d1515h2_8daaf6152771_8d4582d59f63");
    b4.n = 0;
    tls_hello(&b4, 0x0300, spec_suites, 16, &e4);
    CHECK_STR(ja4_of(&b4), "ts3d1515h2_8daaf6152771_8d4582d59f63");
    b4.n = 0;
    tls_hello(&b4, 0x7f1c, spec_suites, 16, &e4);
    CHECK_STR(ja4_of(&b4), "t00d1515h2_8daaf6152771_8d4582d59f63");

    /* Every prefix: no JA4 until the hello is whole, and the same one then. */
    size_t failures = 0;
    for (size_t n = 0; n < b.n; n++) {
        struct buf cut = {{0}, 0};
        putn(&cut, b.b, n);
        failures += ja4_of(&cut)[0] != '\0';
    }
    CHECK_U64(failures, 0);
    CHECK_U64(check_prefixes(TCP, 443, INIT, b.b, b.n), 0);
}

/* The ALPN mark for a first value of n bytes, per the specification's examples. */
static const char *alpn_mark(const void *value, size_t n)
{
    static char mark[3];
    static const unsigned suites[] = {0x1301};
    struct buf e = {{0}, 0}, b = {{0}, 0};
    tls_ext_alpn(&e, value, n);
    tls_hello(&b, 0x0303, suites, 1, &e);
    const char *j = ja4_of(&b);
    if (strlen(j) != 36)
        return "none";
    memcpy(mark, j + 8, 2);
    mark[2] = '\0';
    return mark;
}

static void test_ja4_alpn(void)
{
    CHECK_STR(alpn_mark("h2", 2), "h2");
    CHECK_STR(alpn_mark("http/1.1", 8), "h1");
    CHECK_STR(alpn_mark("h3", 2), "h3");
    /* One character is first and last. */
    CHECK_STR(alpn_mark("x", 1), "xx");
    /* Not letters or digits at either end: the hex form's first and last digits. */
    CHECK_STR(alpn_mark("\xab", 1), "ab");
    CHECK_STR(alpn_mark("\x20", 1), "20");
    CHECK_STR(alpn_mark("\xab\xcd", 2), "ad");
    CHECK_STR(alpn_mark("\x20\x61", 2), "21");
    CHECK_STR(alpn_mark("\x30\xab", 2), "3b");
    CHECK_STR(alpn_mark("\x61\x20", 2), "60");
    CHECK_STR(alpn_mark("\x30\x31\xab\xcd", 4), "3d");
    CHECK_STR(alpn_mark("\x30\xab\xcd\x31", 4), "01");
    CHECK_STR(alpn_mark("\xba\xad", 2), "bd");
    /* An empty first value, or an empty list: "00". */
    CHECK_STR(alpn_mark("", 0), "00");
    static const unsigned suites[] = {0x1301};
    struct buf e = {{0}, 0}, b = {{0}, 0};
    tls_ext(&e, 16, "\x00\x00", 2);
    tls_hello(&b, 0x0303, suites, 1, &e);
    CHECK_STR(ja4_of(&b), "t12i010100_0f2cb44170f4_000000000000");
    /* A value running past its list: malformed, no JA4. */
    struct buf e2 = {{0}, 0}, b2 = {{0}, 0};
    tls_ext(&e2, 16, "\x00\x03\x05h2x", 5);
    tls_hello(&b2, 0x0303, suites, 1, &e2);
    CHECK_STR(ja4_of(&b2), "");
}

static void test_ja4_edges(void)
{
    /* No extensions at all (SSL 3.0 style): zero counts and twelve zeroes. */
    static const unsigned three[] = {0x1301, 0x1302, 0xc02f};
    struct buf b = {{0}, 0};
    tls_hello(&b, 0x0303, three, 3, NULL);
    CHECK_STR(ja4_of(&b), "t12i030000_40b44b994229_000000000000");
    /* Only GREASE suites: none counted, twelve zeroes. */
    static const unsigned grease_only[] = {0x0a0a, 0xfafa};
    b.n = 0;
    tls_hello(&b, 0x0303, grease_only, 2, NULL);
    CHECK_STR(ja4_of(&b), "t12i000000_000000000000_000000000000");
    /* More than 99 suites or extensions: "99". */
    unsigned many[120];
    for (unsigned i = 0; i < 120; i++)
        many[i] = i + 1;
    b.n = 0;
    tls_hello(&b, 0x0303, many, 120, NULL);
    CHECK_STR(ja4_of(&b), "t12i990000_0f8860b09f90_000000000000");
    struct buf e = {{0}, 0};
    for (unsigned i = 0; i < 120; i++)
        tls_ext(&e, 0x1000 + i, "", 0);
    b.n = 0;
    tls_hello(&b, 0x0303, three, 3, &e);
    CHECK(strncmp(ja4_of(&b), "t12i039900_40b44b994229_", 24) == 0);
    /* supported_versions only GREASE: unknown version "00". */
    static const unsigned grease_version[] = {0x1a1a};
    struct buf e2 = {{0}, 0};
    tls_ext_u16(&e2, 0x002b, 1, grease_version, 1);
    b.n = 0;
    tls_hello(&b, 0x0303, three, 3, &e2);
    CHECK(strncmp(ja4_of(&b), "t00i030100_", 11) == 0);
    /* supported_versions with an odd list length, or past its extension: malformed. */
    struct buf e3 = {{0}, 0};
    tls_ext(&e3, 0x002b, "\x03\x03\x04\x03", 4);
    b.n = 0;
    tls_hello(&b, 0x0303, three, 3, &e3);
    CHECK_STR(ja4_of(&b), "");
    struct buf e4 = {{0}, 0};
    tls_ext(&e4, 0x002b, "\x04\x03\x04", 3);
    b.n = 0;
    tls_hello(&b, 0x0303, three, 3, &e4);
    CHECK_STR(ja4_of(&b), "");
    /* signature_algorithms with GREASE in it: left out, as everywhere. */
    static const unsigned sigs_grease[] = {0x0403, 0x0a0a, 0x0804};
    static const unsigned sigs[] = {0x0403, 0x0804};
    struct buf e5 = {{0}, 0}, e6 = {{0}, 0}, b6 = {{0}, 0};
    tls_ext_u16(&e5, 0x000d, 2, sigs_grease, 3);
    tls_ext_u16(&e6, 0x000d, 2, sigs, 2);
    b.n = 0;
    tls_hello(&b, 0x0303, three, 3, &e5);
    tls_hello(&b6, 0x0303, three, 3, &e6);
    CHECK(ja4_of(&b)[0] != '\0');
    CHECK_STR(ja4_of(&b), ja4_of(&b6));
    /* The hello split over records of 7 bytes gives the same JA4 as in one record. */
    struct buf whole = {{0}, 0}, split = {{0}, 0}, ee = {{0}, 0};
    spec_extensions(&ee, 1, 1, 1, 8);
    tls_hello(&whole, 0x0303, spec_suites, 16, &ee);
    for (size_t at = 5; at < whole.n; at += 7) {
        size_t n = whole.n - at < 7 ? whole.n - at : 7;
        put8(&split, 22);
        put16(&split, 0x0303);
        put16(&split, (unsigned)n);
        putn(&split, whole.b + at, n);
    }
    CHECK_STR(ja4_of(&split), "t13d1516h2_8daaf6152771_e5627efa2ab1");
}

/* ---- SSH -------------------------------------------------------------------------- */

/* Salesforce's HASSH README: the Cyberduck 6.7.1 client's lists, hassh 8a8ae540... */
static const char *const cyberduck_lists[10] = {
    "curve25519-sha256@libssh.org,diffie-hellman-group-exchange-sha256,ecdh-sha2-nistp521,"
    "ecdh-sha2-nistp384,ecdh-sha2-nistp256,diffie-hellman-group-exchange-sha1,"
    "diffie-hellman-group1-sha1,diffie-hellman-group14-sha1,diffie-hellman-group14-sha256,"
    "diffie-hellman-group15-sha512,diffie-hellman-group16-sha512,diffie-hellman-group17-sha512,"
    "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256@ssh.com,"
    "diffie-hellman-group15-sha256,diffie-hellman-group15-sha256@ssh.com,"
    "diffie-hellman-group15-sha384@ssh.com,diffie-hellman-group16-sha256,"
    "diffie-hellman-group16-sha384@ssh.com,diffie-hellman-group16-sha512@ssh.com,"
    "diffie-hellman-group18-sha512@ssh.com",
    "ssh-rsa,ssh-dss",
    "aes128-cbc,aes128-ctr,aes192-cbc,aes192-ctr,aes256-cbc,aes256-ctr,blowfish-cbc,blowfish-ctr,"
    "cast128-cbc,cast128-ctr,idea-cbc,idea-ctr,serpent128-cbc,serpent128-ctr,serpent192-cbc,"
    "serpent192-ctr,serpent256-cbc,serpent256-ctr,3des-cbc,3des-ctr,twofish128-cbc,"
    "twofish128-ctr,twofish192-cbc,twofish192-ctr,twofish256-cbc,twofish256-ctr,twofish-cbc,"
    "arcfour,arcfour128,arcfour256",
    "aes256-ctr",
    "hmac-sha1,hmac-sha1-96,hmac-md5,hmac-md5-96,hmac-sha2-256,hmac-sha2-512",
    "hmac-sha2-512",
    "zlib@openssh.com,zlib,none",
    "none",
    "",
    "",
};

/* The same README's OpenSSH 5.3 server lists (server to client), in the s2c places. */
static const char *const openssh53_server_lists[10] = {
    "diffie-hellman-group-exchange-sha256,diffie-hellman-group-exchange-sha1,"
    "diffie-hellman-group14-sha1,diffie-hellman-group1-sha1",
    "ssh-rsa,ssh-dss",
    "aes128-cbc",
    "aes128-ctr,aes192-ctr,aes256-ctr,arcfour256,arcfour128,aes128-cbc,3des-cbc,blowfish-cbc,"
    "cast128-cbc,aes192-cbc,aes256-cbc,arcfour,rijndael-cbc@lysator.liu.se",
    "hmac-sha1",
    "hmac-md5,hmac-sha1,umac-64@openssh.com,hmac-ripemd160,hmac-ripemd160@openssh.com,"
    "hmac-sha1-96,hmac-md5-96",
    "zlib",
    "none,zlib@openssh.com",
    "",
    "",
};

/* An identification line (with CR LF) and a KEXINIT packet of the ten lists. */
static void ssh_side(struct buf *p, const char *banner, const char *const lists[10])
{
    puts_(p, banner);
    puts_(p, "\r\n");
    struct buf payload = {{0}, 0};
    put8(&payload, 20);
    for (unsigned i = 0; i < 16; i++)
        put8(&payload, 0x40 + i);
    for (unsigned i = 0; i < 10; i++) {
        put32(&payload, (uint32_t)strlen(lists[i]));
        puts_(&payload, lists[i]);
    }
    put8(&payload, 0);  /* first_kex_packet_follows */
    put32(&payload, 0); /* reserved */
    size_t padding = 8 - (5 + payload.n) % 8;
    if (padding < 4)
        padding += 8;
    put32(p, (uint32_t)(1 + payload.n + padding));
    put8(p, (unsigned)padding);
    putn(p, payload.b, payload.n);
    for (size_t i = 0; i < padding; i++)
        put8(p, 0);
}

static void test_ssh_hassh(void)
{
    struct buf c = {{0}, 0}, s = {{0}, 0};
    ssh_side(&c, "SSH-2.0-Cyberduck/6.7.1.28683 (Mac OS X/10.13.6) (x86_64)", cyberduck_lists);
    ssh_side(&s, "SSH-2.0-OpenSSH_5.3", openssh53_server_lists);
    struct items it;
    parse(TCP, 22, INIT, c.b, c.n, &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "ssh-client=SSH-2.0-Cyberduck/6.7.1.28683 (Mac OS X/10.13.6) (x86_64)\n"
                           "ssh-hassh=8a8ae540028bf433cd68356c1b9e8d5b\n");
    /* The server's side: its hasshServer (MD5 by Python's hashlib), no client line. */
    parse(TCP, 22, RESP, s.b, s.n, &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "ssh-hassh-server=b1c6c0d56317555b85c7005a3de29325\n");
    /* Who opened the conversation unknown: nothing is guessed. */
    CHECK_U64(parse(TCP, 22, UNKN, c.b, c.n, &it), 0);
    /* Any TCP port; not port 53, which is DNS. */
    struct items other;
    parse(TCP, 2222, INIT, c.b, c.n, &it);
    parse(TCP, 443, INIT, c.b, c.n, &other);
    CHECK_STR(render(&other), render(&it));
    CHECK_U64(count_kind(&it, EVIDENCE_SSH_HASSH), 1);
    CHECK_U64(parse(TCP, 53, INIT, c.b, c.n, &other), 0);
    CHECK_U64(parse(UDP, 22, INIT, c.b, c.n, &other), 0);
    /* Every prefix: the line once it is whole, the HASSH once the packet is. */
    size_t early = 0,
           line_end = strlen("SSH-2.0-Cyberduck/6.7.1.28683 (Mac OS X/10.13.6) (x86_64)\r\n");
    for (size_t n = 0; n < c.n; n++) {
        parse(TCP, 22, INIT, c.b, n, &it);
        early += it.bad || count_kind(&it, EVIDENCE_SSH_HASSH) != 0 ||
                 count_kind(&it, EVIDENCE_SSH_CLIENT) != (n >= line_end);
    }
    CHECK_U64(early, 0);
    for (size_t n = 0; n < s.n; n++) {
        parse(TCP, 22, RESP, s.b, n, &it);
        early += it.bad || it.n != 0;
    }
    CHECK_U64(early, 0);
    CHECK_U64(check_prefixes(TCP, 22, INIT, c.b, c.n), 0);
    CHECK_U64(check_prefixes(TCP, 22, RESP, s.b, s.n), 0);
}

/* The client side of test_ssh_hassh with the byte at `at` set to value: the items it gives. */
static size_t ssh_broken(size_t at, unsigned width, uint32_t value, struct items *it)
{
    struct buf c = {{0}, 0};
    ssh_side(&c, "SSH-2.0-x", cyberduck_lists);
    if (width == 1)
        c.b[at] = (uint8_t)value;
    else
        for (unsigned i = 0; i < 4; i++)
            c.b[at + i] = (uint8_t)(value >> (24 - 8 * i));
    size_t n = parse(TCP, 22, INIT, c.b, c.n, it);
    return it->bad ? 999 : n;
}

static void test_ssh_malformed(void)
{
    struct items it;
    enum { PACKET = 11, PADDING = 15, TYPE = 16, FIRST_LIST = 33 };
    CHECK_U64(ssh_broken(0, 1, 'S', &it), 2);
    /* Packet lengths past the data, past RFC 4253's 35000, zero; padding past the packet. */
    CHECK_U64(ssh_broken(PACKET, 4, 0xffffffff, &it), 1);
    CHECK_U64(ssh_broken(PACKET, 4, 35001, &it), 1);
    CHECK_U64(ssh_broken(PACKET, 4, 0, &it), 1);
    CHECK_U64(ssh_broken(PADDING, 1, 255, &it), 1);
    /* Not a KEXINIT. */
    CHECK_U64(ssh_broken(TYPE, 1, 21, &it), 1);
    /* A name-list past its packet, or past everything. */
    CHECK_U64(ssh_broken(FIRST_LIST, 4, 0xffffffff, &it), 1);
    CHECK_U64(ssh_broken(FIRST_LIST, 4, 0x10000, &it), 1);
    CHECK_STR(it.item[0].value, "SSH-2.0-x");
    /* An identification line of more than 255 bytes, or a NUL in it. */
    struct buf c = {{0}, 0};
    puts_(&c, "SSH-2.0-");
    for (int i = 0; i < 250; i++)
        put8(&c, 'a');
    puts_(&c, "\r\n");
    CHECK_U64(parse(TCP, 22, INIT, c.b, c.n, &it), 0);
    c.n = 0;
    ssh_side(&c, "SSH-2.0-nul", cyberduck_lists);
    c.b[9] = 0;
    CHECK_U64(parse(TCP, 22, INIT, c.b, c.n, &it), 1);
    CHECK_STR(render(&it), "ssh-hassh=8a8ae540028bf433cd68356c1b9e8d5b\n");
    /* SSH 1 has no KEXINIT: the line only; SSH-1.99 speaks 2.0. */
    c.n = 0;
    ssh_side(&c, "SSH-1.5-1.2.26", cyberduck_lists);
    parse(TCP, 22, INIT, c.b, c.n, &it);
    CHECK_STR(render(&it), "ssh-client=SSH-1.5-1.2.26\n");
    c.n = 0;
    ssh_side(&c, "SSH-1.99-x", cyberduck_lists);
    CHECK_U64(parse(TCP, 22, INIT, c.b, c.n, &it), 2);
    /* Attacker text in the line is kept as sent. */
    c.n = 0;
    puts_(&c, "SSH-2.0-<script>alert(1)</script>\x1b[2J,=cmd|' /C calc'!A0\r\n");
    parse(TCP, 22, INIT, c.b, c.n, &it);
    CHECK_STR(render(&it),
              "ssh-client=SSH-2.0-<script>alert(1)</script>\x1b[2J,=cmd|' /C calc'!A0\n");
}

static void test_ssh_wants_long(void)
{
    CHECK_U64(evidence_bytes_wanted(TCP, 4444, (const uint8_t *)"SSH-2.0-x\r\n", 11),
              EVIDENCE_SSH_BYTES);
    CHECK_U64(evidence_bytes_wanted(TCP, 22, (const uint8_t *)"SS", 2), EVIDENCE_SSH_BYTES);
    CHECK_U64(evidence_bytes_wanted(TCP, 4444, (const uint8_t *)"SS", 2), 0);
    CHECK_U64(evidence_bytes_wanted(TCP, 22, (const uint8_t *)"GET /", 5), 0);
    CHECK_U64(evidence_bytes_wanted(UDP, 22, (const uint8_t *)"SSH-2.0-x\r\n", 11), 0);
    CHECK(evidence_wanted(TCP, 4444, (const uint8_t *)"SSH-", 4));
    CHECK(evidence_wanted(TCP, 4444, (const uint8_t *)"SS", 2));
    CHECK(!evidence_wanted(TCP, 4444, (const uint8_t *)"SSX", 3));
}

/*
 * The bytes a TLS side asks for: the records of its ClientHello as their
 * headers announce them, from its first 6 bytes on, and at most a whole
 * record of 16 KiB with its header.
 */
static void test_tls_bytes_wanted(void)
{
    static const unsigned suites[] = {0x1301, 0x1302};
    struct buf e = {{0}, 0}, b = {{0}, 0}, split = {{0}, 0};
    static const uint8_t zeroes[1800];
    tls_ext(&e, 0x0015, zeroes, sizeof(zeroes));
    tls_hello(&b, 0x0303, suites, 2, &e);
    CHECK_U64(evidence_bytes_wanted(TCP, 443, b.b, b.n), b.n);
    CHECK_U64(evidence_bytes_wanted(TCP, 4444, b.b, 9), b.n);
    /* Before the hello's length comes: its record at least, the same here. */
    CHECK_U64(evidence_bytes_wanted(TCP, 443, b.b, 6), b.n);
    CHECK_U64(evidence_bytes_wanted(TCP, 443, b.b, 5), 0);
    /* Records of 700 bytes: the hello's bytes and a header for each of its three records. */
    for (size_t at = 5; at < b.n; at += 700) {
        size_t n = b.n - at < 700 ? b.n - at : 700;
        put8(&split, 22);
        put16(&split, 0x0301);
        put16(&split, (unsigned)n);
        putn(&split, b.b + at, n);
    }
    CHECK_U64(split.n, b.n + 2 * 5);
    CHECK_U64(evidence_bytes_wanted(TCP, 443, split.b, 9), split.n);
    /* Not a ClientHello (a ServerHello), an empty record: nothing asked. */
    static const uint8_t server_hello[] = {22, 3, 3, 0, 50, 2, 0, 0, 46};
    static const uint8_t empty[] = {22, 3, 1, 0, 0, 1, 0, 0, 0};
    CHECK_U64(evidence_bytes_wanted(TCP, 443, server_hello, sizeof(server_hello)), 0);
    CHECK_U64(evidence_bytes_wanted(TCP, 443, empty, sizeof(empty)), 0);
    /* Announcing more than a record holds: the largest record and its header. */
    static const uint8_t huge[] = {22, 3, 1, 0x40, 0, 1, 0xff, 0xff, 0xff};
    CHECK_U64(evidence_bytes_wanted(TCP, 443, huge, sizeof(huge)), EVIDENCE_TLS_BYTES);
    static const uint8_t tiny_records[] = {22, 3, 1, 0, 1, 1, 0x01, 0x00, 0x00};
    CHECK_U64(evidence_bytes_wanted(TCP, 443, tiny_records, sizeof(tiny_records)),
              EVIDENCE_TLS_BYTES);
    /* DNS over TCP on port 53 is DNS, whatever its bytes: it asks for nothing more; nor UDP. */
    CHECK_U64(evidence_bytes_wanted(TCP, 53, b.b, b.n), 0);
    CHECK_U64(evidence_bytes_wanted(UDP, 443, b.b, b.n), 0);
}

/* ---- API ---------------------------------------------------------------------------- */

static void test_kind_names(void)
{
    for (int i = 0; i < EVIDENCE_KIND_COUNT; i++) {
        const char *a = evidence_kind_name((enum evidence_kind)i);
        CHECK(a != NULL && strcmp(a, "unknown") != 0);
        for (int j = 0; j < i; j++)
            CHECK(strcmp(a, evidence_kind_name((enum evidence_kind)j)) != 0);
    }
    CHECK_STR(evidence_kind_name(EVIDENCE_SMTP_RCPT_TO), "smtp-rcpt-to");
    CHECK_STR(evidence_kind_name(EVIDENCE_DNS_QUERY), "dns-query");
    CHECK_STR(evidence_kind_name(EVIDENCE_HTTP_REQUEST), "http-request");
    CHECK_STR(evidence_kind_name(EVIDENCE_TLS_SNI), "tls-sni");
    CHECK_STR(evidence_kind_name(EVIDENCE_KIND_COUNT), "unknown");
    CHECK_STR(evidence_kind_name((enum evidence_kind) - 1), "unknown");
}

static void test_wanted(void)
{
    CHECK(evidence_wanted(UDP, 53, NULL, 0));
    CHECK(!evidence_wanted(UDP, 123, NULL, 0));
    CHECK(!evidence_wanted(1, 0x0800, NULL, 0));
    CHECK(evidence_wanted(TCP, 25, (const uint8_t *)"\x00\x01", 2));
    CHECK(evidence_wanted(TCP, 53, NULL, 0));
    /* Other TCP ports: until the first bytes tell. */
    CHECK(evidence_wanted(TCP, 4444, NULL, 0));
    CHECK(evidence_wanted(TCP, 4444, (const uint8_t *)"GE", 2));
    CHECK(evidence_wanted(TCP, 4444, (const uint8_t *)"GET /", 5));
    CHECK(evidence_wanted(TCP, 4444, (const uint8_t *)"HTTP/1.1 200", 12));
    CHECK(evidence_wanted(TCP, 4444, (const uint8_t *)"\x16", 1));
    CHECK(evidence_wanted(TCP, 4444, (const uint8_t *)"\x16\x03\x01\x02\x00", 5));
    CHECK(!evidence_wanted(TCP, 4444, (const uint8_t *)"\x16\x03\x09", 3));
    CHECK(!evidence_wanted(TCP, 4444, (const uint8_t *)"GEX", 3));
    CHECK(!evidence_wanted(TCP, 445, (const uint8_t *)"\x00\x00\x00\x85\xffSMB", 8));
    CHECK(!evidence_wanted(TCP, 4444, (const uint8_t *)"FOO /", 5));
    CHECK(evidence_wanted(TCP, 80, (const uint8_t *)"FOO /", 5));
    CHECK(evidence_wanted(TCP, 8080, (const uint8_t *)"FOOBAR", 6));
    CHECK(!evidence_wanted(TCP, 8080, (const uint8_t *)"foo", 3));
    /* Method tokens of up to 20 letters: undecided until the space, or the 21st letter. */
    static const char token[] = "ABCDEFGHIJKLMNOPQRST /";
    CHECK(evidence_wanted(TCP, 8080, (const uint8_t *)token, 20));
    CHECK(evidence_wanted(TCP, 8080, (const uint8_t *)token, 22));
    CHECK(!evidence_wanted(TCP, 8080, (const uint8_t *)"ABCDEFGHIJKLMNOPQRSTU", 21));
    /* Nothing from nothing. */
    struct items it;
    CHECK_U64(parse(TCP, 80, INIT, "", 0, &it), 0);
    CHECK_U64(evidence_parse(TCP, 25, INIT, NULL, 0, collect, &it), 0);
    CHECK_U64(evidence_parse(UDP, 53, INIT, NULL, 0, collect, &it), 0);
}

/* ---- mutations -------------------------------------------------------------------- */

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

static void test_mutations_never_crash(void)
{
    struct buf seeds[8];
    memset(seeds, 0, sizeof(seeds));
    size_t n = 0;
    puts_(&seeds[n++], smtp_session);
    puts_(&seeds[n++], smtp_replies);
    puts_(&seeds[n++], http_request);
    putn(&seeds[n++], http_response, sizeof(http_response) - 1);
    dns_response(&seeds[n++]);
    dns_query(&seeds[n++], 1, "www.example.com", 1);
    client_hello(&seeds[n++], "www.example.com", 50);
    struct buf *t = &seeds[n++];
    put16(t, (unsigned)seeds[4].n);
    putn(t, seeds[4].b, seeds[4].n);

    static const struct {
        uint8_t proto;
        uint16_t service;
    } ports[] = {{TCP, 25}, {TCP, 80}, {TCP, 443}, {TCP, 53}, {UDP, 53}, {TCP, 4444}};
    struct items it;
    int bad = 0;
    for (int round = 0; round < 3000; round++) {
        struct buf m = seeds[rng() % n];
        unsigned edits = 1 + rng() % 8;
        for (unsigned e = 0; e < edits && m.n > 0; e++) {
            size_t at = rng() % m.n;
            switch (rng() % 4) {
            case 0:
                m.b[at] = (uint8_t)rng();
                break;
            case 1:
                m.b[at] ^= (uint8_t)(1u << (rng() % 8));
                break;
            case 2:
                m.b[at] = (uint8_t)(rng() % 2 ? 0xff : 0x00);
                break;
            default:
                m.n = at; /* cut */
                break;
            }
        }
        for (size_t p = 0; p < sizeof(ports) / sizeof(ports[0]); p++) {
            parse(ports[p].proto, ports[p].service, (enum evidence_side)(round % 3), m.b, m.n, &it);
            bad |= it.bad;
        }
    }
    CHECK(!bad);
}

/* ---- the capture buffers (src/aggregate/capture_evidence.c) ------------------------ */

/* A TCP port-80 flow the sensor started with remote 192.0.2.<host>. */
static void http_flow(struct flow *f, unsigned host, int64_t first_ns)
{
    memset(f, 0, sizeof(*f));
    f->key.proto = TCP;
    f->key.sensor.b[10] = f->key.sensor.b[11] = 0xff; /* ::ffff:198.51.100.7 */
    f->key.sensor.b[12] = 198;
    f->key.sensor.b[13] = 51;
    f->key.sensor.b[14] = 100;
    f->key.sensor.b[15] = 7;
    f->key.remote = f->key.sensor;
    f->key.remote.b[12] = 192;
    f->key.remote.b[13] = 0;
    f->key.remote.b[14] = 2;
    f->key.remote.b[15] = (uint8_t)host;
    f->key.sensor_port = (uint16_t)(40000 + host);
    f->key.remote_port = 80;
    f->service = 80;
    f->initiator = INITIATOR_SENSOR;
    f->first_ns = first_ns;
}

/* The count of (remote 192.0.2.<host>, kind, value) in table, 0 when absent. */
static uint64_t row_count(const struct evidence_table *t, unsigned host, enum evidence_kind kind,
                          const char *value)
{
    for (size_t i = 0; i < evidence_table_count(t); i++) {
        const struct evidence_row *r = evidence_table_at(t, i);
        if (r->remote.b[15] == host && r->kind == kind && strcmp(r->value, value) == 0)
            return r->count;
    }
    return 0;
}

/* Rows of kind for remote 192.0.2.<host>, summed over their counts. */
static uint64_t kind_total(const struct evidence_table *t, unsigned host, enum evidence_kind kind)
{
    uint64_t n = 0;
    for (size_t i = 0; i < evidence_table_count(t); i++) {
        const struct evidence_row *r = evidence_table_at(t, i);
        if (r->remote.b[15] == host && r->kind == kind)
            n += r->count;
    }
    return n;
}

/*
 * Sends side dir of flow f: an HTTP message of head followed by body bytes,
 * cut into packets of at most mtu bytes, each from a heap copy of its exact
 * length.
 */
static void send_side(struct evidence_capture *ec, struct flow *f, enum direction dir,
                      const char *head, size_t body, size_t mtu)
{
    size_t hn = strlen(head), n = hn + body;
    uint8_t *all = malloc(n);
    if (!all)
        abort();
    memcpy(all, head, hn);
    memset(all + hn, 'B', body);
    for (size_t at = 0; at < n; at += mtu) {
        size_t k = n - at < mtu ? n - at : mtu;
        uint8_t *pkt = malloc(k);
        if (!pkt)
            abort();
        memcpy(pkt, all + at, k);
        evidence_capture_packet(ec, f, dir, pkt, k);
        free(pkt);
    }
    free(all);
}

/*
 * One conversation after another, each response longer than its side's
 * buffer: a buffer that filled and was given back must start empty for the
 * next side that takes it, so each conversation is credited with its own
 * request and response, under its own remote, once.
 */
static void test_capture_buffer_per_side(void)
{
    struct bin_clock clock = {86400, 0, BIN_FIXED};
    struct cube *cube = cube_new();
    struct evidence_capture ec;
    /* Few buffers, so that every conversation reuses one given back. */
    evidence_capture_init(&ec, cube, &clock, 3, 0, 0);
    enum { FLOWS = 40 };
    for (unsigned i = 1; i <= FLOWS; i++) {
        struct flow f;
        http_flow(&f, i, 1233446400LL * 1000000000 + (int64_t)i);
        char req[128], resp[256];
        snprintf(req, sizeof(req), "GET /file%u HTTP/1.1\r\nHost: h%u.example\r\n\r\n", i, i);
        /* Odd conversations: a long java-vm body; even: a short text/html page. */
        size_t body = i % 2 ? 1000 + 97 * i : 50 + i;
        snprintf(resp, sizeof(resp),
                 "HTTP/1.1 200 OK\r\nContent-Type: %s\r\n"
                 "Content-Length: %zu\r\n\r\n",
                 i % 2 ? "application/java-vm" : "text/html;charset=ISO-8859-1", body);
        send_side(&ec, &f, DIR_OUT, req, 0, 1448);
        send_side(&ec, &f, DIR_IN, resp, body, i % 3 ? 1448 : 300);
        /* More bytes after a side's buffer filled: ignored, not kept anywhere. */
        if (i % 2)
            send_side(&ec, &f, DIR_IN, "HTTP/1.1 500 Late\r\n\r\n", 2000, 700);
        evidence_capture_end(&ec, &f);
    }
    const struct evidence_table *t = cube_evidence(cube);
    for (unsigned i = 1; i <= FLOWS && !check_failed_; i++) {
        char want[128];
        snprintf(want, sizeof(want), "GET /file%u", i);
        CHECK_U64(row_count(t, i, EVIDENCE_HTTP_REQUEST, want), 1);
        CHECK_U64(kind_total(t, i, EVIDENCE_HTTP_REQUEST), 1);
        size_t body = i % 2 ? 1000 + 97 * i : 50 + i;
        snprintf(want, sizeof(want), "200 %s %zu", i % 2 ? "application/java-vm" : "text/html",
                 body);
        CHECK_U64(row_count(t, i, EVIDENCE_HTTP_RESPONSE, want), 1);
        CHECK_U64(kind_total(t, i, EVIDENCE_HTTP_RESPONSE), 1);
    }
    CHECK_U64(ec.skipped, 0);
    CHECK_U64(ec.pools[EVIDENCE_POOL_SHORT].used,
              2); /* two sides at a time, buffers given back and taken again */
    evidence_capture_release(&ec);
    cube_free(cube);
}

/*
 * Conversations interleaved, as in a capture, with a pool of three buffers:
 * a's long response fills and gives back its buffer while a's request is
 * still held; b's request takes it, b's long response takes the last one and
 * gives it back full; c's request takes that, and c's response finds the
 * pool spent. Each side's bytes stay in its own buffer and under its remote.
 */
static void test_capture_buffers_interleaved(void)
{
    struct bin_clock clock = {86400, 0, BIN_FIXED};
    struct cube *cube = cube_new();
    struct evidence_capture ec;
    evidence_capture_init(&ec, cube, &clock, 3, 0, 0);
    struct flow a, b, c;
    int64_t t0 = 1233446400LL * 1000000000;
    http_flow(&a, 1, t0);
    http_flow(&b, 2, t0 + 1);
    http_flow(&c, 3, t0 + 2);
    send_side(&ec, &a, DIR_OUT, "GET /Exploit.class HTTP/1.1\r\nHost: a\r\n\r\n", 0, 1448);
    /* The request is held (its buffer not full) until a ends. */
    send_side(&ec, &a, DIR_IN,
              "HTTP/1.1 200 OK\r\nContent-Type: application/java-vm\r\n"
              "Content-Length: 1352\r\n\r\n",
              1352, 1448);
    send_side(&ec, &b, DIR_OUT, "GET /b HTTP/1.1\r\nHost: b\r\n\r\n", 0, 1448);
    send_side(&ec, &b, DIR_IN,
              "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n"
              "Content-Length: 3000\r\n\r\n",
              3000, 512);
    send_side(&ec, &c, DIR_OUT, "GET /c HTTP/1.1\r\nHost: c\r\n\r\n", 0, 1448);
    send_side(&ec, &c, DIR_IN, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", 5, 1448);
    evidence_capture_end(&ec, &b);
    evidence_capture_end(&ec, &a);
    evidence_capture_end(&ec, &c);
    const struct evidence_table *t = cube_evidence(cube);
    CHECK_U64(row_count(t, 1, EVIDENCE_HTTP_REQUEST, "GET /Exploit.class"), 1);
    CHECK_U64(row_count(t, 1, EVIDENCE_HTTP_RESPONSE, "200 application/java-vm 1352"), 1);
    CHECK_U64(row_count(t, 2, EVIDENCE_HTTP_REQUEST, "GET /b"), 1);
    CHECK_U64(row_count(t, 2, EVIDENCE_HTTP_RESPONSE, "404 text/html 3000"), 1);
    CHECK_U64(row_count(t, 3, EVIDENCE_HTTP_REQUEST, "GET /c"), 1);
    /* c's response came while a, b and c held all three buffers. */
    CHECK_U64(kind_total(t, 3, EVIDENCE_HTTP_RESPONSE), 0);
    CHECK_U64(ec.skipped, 1);
    for (unsigned h = 1; h <= 3; h++)
        CHECK_U64(kind_total(t, h, EVIDENCE_HTTP_REQUEST), 1);
    CHECK_U64(kind_total(t, 1, EVIDENCE_HTTP_RESPONSE) + kind_total(t, 2, EVIDENCE_HTTP_RESPONSE),
              2);
    evidence_capture_release(&ec);
    cube_free(cube);
}

/*
 * Banner and KEXINIT of 2.6 KiB through the capture buffers: whole in a
 * long buffer; with the long pool spent, a short buffer keeps the line only.
 */
static void test_capture_ssh_long_buffer(void)
{
    struct bin_clock clock = {86400, 0, BIN_FIXED};
    struct buf c = {{0}, 0};
    ssh_side(&c, "SSH-2.0-Cyberduck", cyberduck_lists);
    CHECK(c.n > EVIDENCE_SIDE_BYTES && c.n < EVIDENCE_LONG_SIDE_BYTES);
    for (size_t long_buffers = 0; long_buffers <= 1; long_buffers++) {
        struct cube *cube = cube_new();
        struct evidence_capture ec;
        evidence_capture_init(&ec, cube, &clock, 3, long_buffers, 0);
        struct flow f;
        http_flow(&f, 7, 1233446400LL * 1000000000);
        f.service = 22;
        f.key.sensor_port = 22;
        f.key.remote_port = 50000;
        f.initiator = INITIATOR_REMOTE; /* DIR_IN: the client's side */
        for (size_t at = 0; at < c.n; at += 500) {
            size_t n = c.n - at < 500 ? c.n - at : 500;
            evidence_capture_packet(&ec, &f, DIR_IN, c.b + at, n);
        }
        evidence_capture_end(&ec, &f);
        const struct evidence_table *t = cube_evidence(cube);
        CHECK_U64(row_count(t, 7, EVIDENCE_SSH_CLIENT, "SSH-2.0-Cyberduck"), 1);
        CHECK_U64(row_count(t, 7, EVIDENCE_SSH_HASSH, "8a8ae540028bf433cd68356c1b9e8d5b"),
                  long_buffers);
        CHECK_U64(ec.pools[EVIDENCE_POOL_LONG].used, long_buffers);
        CHECK_U64(ec.pools[EVIDENCE_POOL_SHORT].used, 1 - long_buffers);
        evidence_capture_release(&ec);
        cube_free(cube);
    }
}

/* A ClientHello of total bytes in one record, with server name a.example and padding. */
static void padded_hello(struct buf *b, size_t total)
{
    static const unsigned suites[] = {0x1301, 0x1302};
    static const uint8_t zeroes[EVIDENCE_TLS_BYTES];
    struct buf e = {{0}, 0};
    tls_ext(&e, 0,
            "\x00\x0c\x00\x00\x09"
            "a.example",
            14);
    b->n = 0;
    tls_hello(b, 0x0303, suites, 2, &e);
    size_t base = b->n + 4; /* with a padding extension's header */
    tls_ext(&e, 0x0015, zeroes, total - base);
    b->n = 0;
    tls_hello(b, 0x0303, suites, 2, &e);
}

/*
 * Feeds the n bytes at data as the client's side of a conversation to port
 * 443 of remote host, in segments of at most seg bytes; ends the flow only
 * when end is set.
 */
static void tls_client_side(struct evidence_capture *ec, struct flow *f, unsigned host,
                            const uint8_t *data, size_t n, size_t seg, int end)
{
    http_flow(f, host, 1233446400LL * 1000000000);
    f->service = 443;
    f->key.sensor_port = 443;
    f->key.remote_port = 50000;
    f->initiator = INITIATOR_REMOTE; /* DIR_IN: the client's side */
    for (size_t at = 0; at < n; at += seg)
        evidence_capture_packet(ec, f, DIR_IN, data + at, n - at < seg ? n - at : seg);
    if (end)
        evidence_capture_end(ec, f);
}

/*
 * A ClientHello longer than the 1024 bytes a side keeps takes a buffer as
 * long as its record announces, from the 4 KiB pool or, past 4 KiB, the pool
 * of whole records, and gives its JA4 as soon as its bytes are in: the
 * buffer goes back before the conversation ends. Up to 1024 bytes, an
 * ordinary buffer.
 */
static void test_capture_ja4_long_hello(void)
{
    struct bin_clock clock = {86400, 0, BIN_FIXED};
    static const struct {
        size_t total;
        int pool;
    } cases[] = {
        {EVIDENCE_SIDE_BYTES, EVIDENCE_POOL_SHORT},
        {EVIDENCE_SIDE_BYTES + 1, EVIDENCE_POOL_LONG},
        {1800, EVIDENCE_POOL_LONG},
        {EVIDENCE_LONG_SIDE_BYTES, EVIDENCE_POOL_LONG},
        {EVIDENCE_LONG_SIDE_BYTES + 1, EVIDENCE_POOL_RECORD},
        {EVIDENCE_TLS_BYTES, EVIDENCE_POOL_RECORD},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        static struct buf b;
        padded_hello(&b, cases[k].total);
        CHECK_U64(b.n, cases[k].total);
        char want[64];
        snprintf(want, sizeof(want), "%s", ja4_of(&b));
        CHECK(want[0] != '\0');
        struct cube *cube = cube_new();
        struct evidence_capture ec;
        evidence_capture_init(&ec, cube, &clock, 3, 3, 3);
        struct flow f;
        tls_client_side(&ec, &f, 9, b.b, b.n, 1448, 0);
        const struct evidence_table *t = cube_evidence(cube);
        /* Parsed with its last byte, the conversation still open. */
        CHECK_U64(row_count(t, 9, EVIDENCE_TLS_SNI, "a.example"), 1);
        CHECK_U64(row_count(t, 9, EVIDENCE_TLS_JA4, want), 1);
        for (int p = 0; p < EVIDENCE_POOLS; p++) {
            CHECK_U64(ec.pools[p].used, p == cases[k].pool);
            CHECK_U64(ec.pools[p].free_count, p == cases[k].pool);
        }
        /* Bytes after the hello (a client's next records) change nothing. */
        evidence_capture_packet(&ec, &f, DIR_IN, b.b, 100);
        evidence_capture_end(&ec, &f);
        CHECK_U64(kind_total(t, 9, EVIDENCE_TLS_JA4), 1);
        evidence_capture_release(&ec);
        cube_free(cube);
    }
}

/*
 * When the pool a hello needs is spent, the next shorter one serves: the
 * hello is cut there and gives its server name, not its JA4. With no long
 * buffers at all, a hello of 1025 bytes is cut at 1024.
 */
static void test_capture_ja4_pool_spent(void)
{
    struct bin_clock clock = {86400, 0, BIN_FIXED};
    static const struct {
        size_t total, long_buffers, record_buffers;
        int pool;
    } cases[] = {
        {EVIDENCE_SIDE_BYTES + 1, 0, 3, EVIDENCE_POOL_SHORT},
        {EVIDENCE_LONG_SIDE_BYTES + 1, 3, 0, EVIDENCE_POOL_LONG},
        {EVIDENCE_LONG_SIDE_BYTES + 1, 0, 0, EVIDENCE_POOL_SHORT},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        static struct buf b;
        padded_hello(&b, cases[k].total);
        struct cube *cube = cube_new();
        struct evidence_capture ec;
        evidence_capture_init(&ec, cube, &clock, 3, cases[k].long_buffers, cases[k].record_buffers);
        struct flow f;
        tls_client_side(&ec, &f, 9, b.b, b.n, 400, 1);
        const struct evidence_table *t = cube_evidence(cube);
        CHECK_U64(row_count(t, 9, EVIDENCE_TLS_SNI, "a.example"), 1);
        CHECK_U64(kind_total(t, 9, EVIDENCE_TLS_JA4), 0);
        for (int p = 0; p < EVIDENCE_POOLS; p++)
            CHECK_U64(ec.pools[p].used, p == cases[k].pool);
        CHECK_U64(ec.skipped, 0);
        evidence_capture_release(&ec);
        cube_free(cube);
    }
}

/*
 * A 1.8 KB hello in records of 1000 bytes, over two segments: the buffer
 * holds both records (and their headers) and gives the JA4 of the hello
 * sent in one record.
 */
static void test_capture_ja4_hello_in_records(void)
{
    struct bin_clock clock = {86400, 0, BIN_FIXED};
    static struct buf b, split;
    padded_hello(&b, 1800);
    char want[64];
    snprintf(want, sizeof(want), "%s", ja4_of(&b));
    split.n = 0;
    for (size_t at = 5; at < b.n; at += 1000) {
        size_t n = b.n - at < 1000 ? b.n - at : 1000;
        put8(&split, 22);
        put16(&split, 0x0301);
        put16(&split, (unsigned)n);
        putn(&split, b.b + at, n);
    }
    CHECK_U64(split.n, 1805);
    struct cube *cube = cube_new();
    struct evidence_capture ec;
    evidence_capture_init(&ec, cube, &clock, 3, 3, 3);
    struct flow f;
    tls_client_side(&ec, &f, 9, split.b, split.n, 1448, 0);
    const struct evidence_table *t = cube_evidence(cube);
    CHECK_U64(row_count(t, 9, EVIDENCE_TLS_JA4, want), 1);
    CHECK_U64(ec.pools[EVIDENCE_POOL_LONG].free_count, 1);
    evidence_capture_end(&ec, &f);
    evidence_capture_release(&ec);
    cube_free(cube);
}

int main(void)
{
    RUN(test_smtp_client_session);
    RUN(test_smtp_bare_lf_and_cut_line);
    RUN(test_smtp_rcpt_without_brackets);
    RUN(test_smtp_data_refused);
    RUN(test_smtp_bdat);
    RUN(test_smtp_server_replies);
    RUN(test_smtp_starttls_sni);
    RUN(test_smtp_truncation);
    RUN(test_smtp_raw_values);
    RUN(test_smtp_long_value);
    RUN(test_dns_queries);
    RUN(test_dns_response);
    RUN(test_dns_bad_rdata);
    RUN(test_dns_tcp_messages);
    RUN(test_dns_udp_back_to_back);
    RUN(test_dns_pointer_loops);
    RUN(test_dns_jump_limit);
    RUN(test_dns_label_and_name_limits);
    RUN(test_dns_counts_past_the_bytes);
    RUN(test_dns_raw_names);
    RUN(test_http_request);
    RUN(test_http_response);
    RUN(test_http_keep_alive);
    RUN(test_http_absolute_form);
    RUN(test_http_header_without_crlf);
    RUN(test_http_ports_and_methods);
    RUN(test_web_ports_other_protocols);
    RUN(test_http_long_request_line);
    RUN(test_http_raw_values);
    RUN(test_tls_sni);
    RUN(test_tls_split_records);
    RUN(test_tls_raw_name);
    RUN(test_tls_lengths_that_overflow);
    RUN(test_ja4_spec_example);
    RUN(test_ja4_alpn);
    RUN(test_ja4_edges);
    RUN(test_ssh_hassh);
    RUN(test_ssh_malformed);
    RUN(test_ssh_wants_long);
    RUN(test_tls_bytes_wanted);
    RUN(test_kind_names);
    RUN(test_wanted);
    RUN(test_mutations_never_crash);
    RUN(test_capture_buffer_per_side);
    RUN(test_capture_buffers_interleaved);
    RUN(test_capture_ssh_long_buffer);
    RUN(test_capture_ja4_long_hello);
    RUN(test_capture_ja4_pool_spent);
    RUN(test_capture_ja4_hello_in_records);
    CHECK_EXIT();
}
