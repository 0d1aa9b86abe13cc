/*
 * Helpers shared by the evidence stage's unit tests (test_evidence_*.c, see
 * evidence_fixture.h): collecting and comparing the items a payload gives,
 * parsing every prefix of a payload, and building DNS, TLS and SSH payloads.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence_fixture.h"

/* ---- collecting items ------------------------------------------------------------ */

void collect(void *ctx, const struct evidence_item *item)
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
size_t parse(uint8_t proto, uint16_t service, enum evidence_side side, const void *data, size_t len,
             struct items *it)
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
int find(const struct items *it, enum evidence_kind kind, const char *value)
{
    for (size_t i = 0; i < it->n; i++)
        if (it->item[i].kind == kind && strcmp(it->item[i].value, value) == 0)
            return (int)i;
    return -1;
}

size_t count_kind(const struct items *it, enum evidence_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < it->n; i++)
        n += it->item[i].kind == kind;
    return n;
}

/* Renders the items as "kind=value" lines, for whole-list comparisons. */
const char *render(const struct items *it)
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
void field(const char *s, int n, char *out, size_t outlen)
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
size_t check_prefixes(uint8_t proto, uint16_t service, enum evidence_side side, const void *data,
                      size_t len)
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

void put8(struct buf *p, unsigned v)
{
    p->b[p->n++] = (uint8_t)v;
}

void put16(struct buf *p, unsigned v)
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

void putn(struct buf *p, const void *src, size_t n)
{
    if (n == 0)
        return;
    memcpy(p->b + p->n, src, n);
    p->n += n;
}

void puts_(struct buf *p, const char *s)
{
    putn(p, s, strlen(s));
}

void set16(struct buf *p, size_t at, size_t v)
{
    p->b[at] = (uint8_t)(v >> 8);
    p->b[at + 1] = (uint8_t)v;
}

void set24(struct buf *p, size_t at, size_t v)
{
    p->b[at] = (uint8_t)(v >> 16);
    set16(p, at + 1, v & 0xffff);
}

/* ---- DNS messages ---- */

/* Writes "www.example.com" as labels and the root label. */
void dns_name(struct buf *p, const char *name)
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

void dns_ptr(struct buf *p, unsigned offset)
{
    put16(p, 0xc000 | offset);
}

void dns_header(struct buf *p, unsigned id, unsigned flags, unsigned qd, unsigned an, unsigned ns,
                unsigned ar)
{
    put16(p, id);
    put16(p, flags);
    put16(p, qd);
    put16(p, an);
    put16(p, ns);
    put16(p, ar);
}

/* Type, class, TTL and an RDATA length to fill in; returns the length's offset. */
size_t dns_rr_head(struct buf *p, unsigned type, unsigned class)
{
    put16(p, type);
    put16(p, class);
    put32(p, 300);
    put16(p, 0);
    return p->n - 2;
}

void dns_rr_end(struct buf *p, size_t at)
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

void dns_query(struct buf *p, unsigned id, const char *name, unsigned type)
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
void dns_response(struct buf *p)
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
void client_hello(struct buf *p, const char *sni, size_t record_max)
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

/* ---- JA4 -------------------------------------------------------------------------- */

/* Appends an extension of type with the n bytes at data. */
void tls_ext(struct buf *e, unsigned type, const void *data, size_t n)
{
    put16(e, type);
    put16(e, (unsigned)n);
    putn(e, data, n);
}

/* An extension holding a list of two-byte values after a length of len_bytes (1 or 2). */
void tls_ext_u16(struct buf *e, unsigned type, size_t len_bytes, const unsigned *v, size_t n)
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
void tls_ext_alpn(struct buf *e, const void *value, size_t n)
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
void tls_hello(struct buf *p, unsigned version, const unsigned *suites, size_t n,
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
const char *ja4_of(const struct buf *b)
{
    static struct items it;
    parse(TCP, 443, INIT, b->b, b->n, &it);
    for (size_t i = 0; i < it.n; i++)
        if (it.item[i].kind == EVIDENCE_TLS_JA4)
            return it.item[i].value;
    return "";
}

/* Salesforce's HASSH README: the Cyberduck 6.7.1 client's lists, hassh 8a8ae540... */
const char *const cyberduck_lists[10] = {
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

/* An identification line (with CR LF) and a KEXINIT packet of the ten lists. */
void ssh_side(struct buf *p, const char *banner, const char *const lists[10])
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
