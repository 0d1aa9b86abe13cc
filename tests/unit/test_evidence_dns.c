/*
 * Unit tests of the evidence stage: DNS queries and responses over UDP and TCP,
 * and crafted hostile names: pointer loops and forward pointers, the jump
 * limit, oversized labels and names, counts the bytes cannot hold.
 *
 * Helpers and sample payloads shared with the other test_evidence_*.c are
 * in evidence_fixture.h; every payload is parsed from a heap copy of exactly
 * its length, and every item is checked as it is emitted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/evidence/evidence.h"
#include "check.h"
#include "evidence_fixture.h"

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

int main(void)
{
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
    CHECK_EXIT();
}
