/*
 * Unit tests of the evidence stage: kind names, which flows are wanted, and
 * random mutations of the sample payloads on every port, which must never crash
 * nor break the item contract.
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

int main(void)
{
    RUN(test_kind_names);
    RUN(test_wanted);
    RUN(test_mutations_never_crash);
    CHECK_EXIT();
}
