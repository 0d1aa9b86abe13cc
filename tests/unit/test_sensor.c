/*
 * Unit tests of the sensor addresses (src/flow/sensor.c): prefix membership
 * of a sensor set for IPv4 and IPv6, and detection of the sensor from a
 * sample of packet addresses: a honeypot with a heavy scanner, a telescope
 * prefix, a capture of one conversation, no packets, and a dual-stack
 * honeypot.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/common/addr.h"
#include "../../src/flow/flow.h"
#include "check.h"

static struct ip_addr ip(const char *text)
{
    struct ip_addr a;
    memset(&a, 0, sizeof(a));
    if (addr_parse(&a, text) != 0)
        abort();
    return a;
}

static struct ip_prefix prefix(const char *text)
{
    struct ip_prefix p;
    memset(&p, 0, sizeof(p));
    if (prefix_parse(&p, text, NULL) != 0)
        abort();
    return p;
}

static struct ip_addr v4n(uint32_t n)
{
    uint8_t b[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    struct ip_addr a;
    addr_from_v4(&a, b);
    return a;
}

/* A fixed pseudo-random sequence (xorshift64*), so every run sees the same sample. */
static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
    rng_state = seed ? seed : 1;
}

static uint32_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

/* A random remote IPv4 address outside 192.0.2.0/24 and 198.51.100.0/24. */
static struct ip_addr random_remote_v4(void)
{
    for (;;) {
        uint32_t n = rng();
        /* Unicast only: group and link-local addresses are never sensors. */
        if ((n >> 8) != 0xc00002u && (n >> 8) != 0xc63364u && (n >> 24) != 0 && (n >> 24) < 224 &&
            (n >> 16) != 0xa9feu)
            return v4n(n);
    }
}

/* Feeds one packet between sensor and remote, in a random direction. */
static void feed_pair(struct sensor_detector *d, const struct ip_addr *sensor,
                      const struct ip_addr *remote)
{
    if (rng() % 10 < 7)
        sensor_detector_feed(d, remote, sensor);
    else
        sensor_detector_feed(d, sensor, remote);
}

static const char *format(const struct ip_prefix *p, char buf[PREFIX_TEXT_MAX])
{
    return prefix_format(p, buf);
}

/* ---- sensor sets ---- */

static void test_set_contains(void)
{
    struct sensor_set set;
    sensor_set_init(&set);
    struct ip_addr a = ip("192.0.2.1");
    CHECK(!sensor_set_contains(&set, &a));

    struct ip_prefix p4 = prefix("192.0.2.0/24");
    struct ip_prefix p6 = prefix("2001:db8:1::/48");
    struct ip_prefix host = prefix("203.0.113.9");
    struct ip_prefix host6 = prefix("2001:db8:2::9/128");
    sensor_set_add(&set, &p4);
    sensor_set_add(&set, &p6);
    sensor_set_add(&set, &host);
    sensor_set_add(&set, &host6);
    CHECK_U64(set.count, 4);

    static const char *const inside[] = {
        "192.0.2.0",
        "192.0.2.1",
        "192.0.2.255",
        "203.0.113.9",
        "2001:db8:1::",
        "2001:db8:1::1",
        "2001:db8:1:ffff:ffff:ffff:ffff:ffff",
        "2001:db8:2::9",
    };
    static const char *const outside[] = {
        "192.0.1.255", "192.0.3.0",    "203.0.113.8",   "203.0.113.10",
        "2001:db8::1", "2001:db8:2::", "2001:db8:2::8", "2001:db8:0:ffff::1",
        "::c000:201",  "::",           "0.0.0.0",       "255.255.255.255",
    };
    char got[96], want[96];
    for (size_t i = 0; i < sizeof(inside) / sizeof(inside[0]); i++) {
        struct ip_addr x = ip(inside[i]);
        snprintf(got, sizeof(got), "%s %s", inside[i],
                 sensor_set_contains(&set, &x) ? "in" : "out");
        snprintf(want, sizeof(want), "%s in", inside[i]);
        CHECK_STR(got, want);
    }
    for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
        struct ip_addr x = ip(outside[i]);
        snprintf(got, sizeof(got), "%s %s", outside[i],
                 sensor_set_contains(&set, &x) ? "in" : "out");
        snprintf(want, sizeof(want), "%s out", outside[i]);
        CHECK_STR(got, want);
    }
    sensor_set_release(&set);
    CHECK_U64(set.count, 0);
    CHECK(set.prefixes == NULL);
    CHECK(!sensor_set_contains(&set, &a));
}

static void test_set_whole_v4_space(void)
{
    struct sensor_set set;
    sensor_set_init(&set);
    struct ip_prefix all4 = prefix("0.0.0.0/0");
    sensor_set_add(&set, &all4);
    struct ip_addr a = ip("198.51.100.7"), b = ip("255.255.255.255"), c = ip("2001:db8::1");
    CHECK(sensor_set_contains(&set, &a));
    CHECK(sensor_set_contains(&set, &b));
    CHECK(!sensor_set_contains(&set, &c));
    sensor_set_release(&set);
}

static void test_set_many_prefixes(void)
{
    struct sensor_set set;
    sensor_set_init(&set);
    for (uint32_t i = 0; i < 1000; i++) {
        struct ip_prefix p;
        p.addr = v4n(0x0a000000u + (i << 8));
        p.len = 96 + 24;
        sensor_set_add(&set, &p);
    }
    CHECK_U64(set.count, 1000);
    struct ip_addr in = v4n(0x0a000000u + (999u << 8) + 200), out = v4n(0x0a000000u + (1000u << 8));
    CHECK(sensor_set_contains(&set, &in));
    CHECK(!sensor_set_contains(&set, &out));
    sensor_set_release(&set);
}

/* ---- detection ---- */

struct detected {
    size_t n;
    struct sensor_set set;
    char why[512];
};

static void finish(struct sensor_detector *d, struct detected *out)
{
    sensor_set_init(&out->set);
    memset(out->why, 0, sizeof(out->why));
    out->n = sensor_detector_finish(d, &out->set, out->why, sizeof(out->why));
    sensor_detector_free(d);
}

static void test_detect_honeypot(void)
{
    rng_seed(1);
    struct ip_addr sensor = ip("192.0.2.10");
    struct ip_addr remotes[500];
    for (size_t i = 0; i < 500; i++)
        remotes[i] = random_remote_v4();
    struct sensor_detector *d = sensor_detector_new();
    for (unsigned i = 0; i < 10000; i++) {
        /* remotes[0] scans hard: 40 % of all packets. */
        const struct ip_addr *r = i % 5 < 2 ? &remotes[0] : &remotes[1 + rng() % 499];
        feed_pair(d, &sensor, r);
    }
    CHECK_U64(sensor_detector_packets(d), 10000);
    struct detected got;
    finish(d, &got);
    char text[PREFIX_TEXT_MAX];
    CHECK_U64(got.n, 1);
    CHECK_U64(got.set.count, 1);
    if (got.set.count == 1) {
        CHECK_STR(format(&got.set.prefixes[0], text), "192.0.2.10/32");
        CHECK_U64(got.set.prefixes[0].len, 128);
    }
    CHECK(sensor_set_contains(&got.set, &sensor));
    CHECK(!sensor_set_contains(&got.set, &remotes[0]));
    CHECK(strstr(got.why, "192.0.2.10/32") != NULL);
    sensor_set_release(&got.set);
}

/* Half a percent of packets without the sensor (broadcasts, noise) change nothing. */
static void test_detect_honeypot_with_noise(void)
{
    rng_seed(2);
    struct ip_addr sensor = ip("192.0.2.10");
    struct sensor_detector *d = sensor_detector_new();
    for (unsigned i = 0; i < 20000; i++) {
        struct ip_addr r = random_remote_v4();
        if (i % 200 == 199) {
            struct ip_addr other = random_remote_v4();
            sensor_detector_feed(d, &r, &other);
        } else {
            feed_pair(d, &sensor, &r);
        }
    }
    struct detected got;
    finish(d, &got);
    char text[PREFIX_TEXT_MAX];
    CHECK_U64(got.n, 1);
    if (got.set.count == 1)
        CHECK_STR(format(&got.set.prefixes[0], text), "192.0.2.10/32");
    sensor_set_release(&got.set);
}

static void test_detect_telescope(void)
{
    rng_seed(3);
    struct sensor_detector *d = sensor_detector_new();
    struct ip_addr remotes[3000];
    for (size_t i = 0; i < 3000; i++)
        remotes[i] = random_remote_v4();
    for (unsigned i = 0; i < 10000; i++) {
        struct ip_addr dst = v4n(0xc6336400u | (rng() & 0xff)); /* 198.51.100.x */
        sensor_detector_feed(d, &remotes[rng() % 3000], &dst);
    }
    struct detected got;
    finish(d, &got);
    char text[PREFIX_TEXT_MAX];
    CHECK_U64(got.n, 1);
    CHECK_U64(got.set.count, 1);
    if (got.set.count == 1) {
        CHECK_STR(format(&got.set.prefixes[0], text), "198.51.100.0/24");
        CHECK_U64(got.set.prefixes[0].len, 120);
        CHECK_U64(prefix_family_len(&got.set.prefixes[0]), 24);
    }
    struct ip_addr low = ip("198.51.100.0"), high = ip("198.51.100.255"), next = ip("198.51.101.0");
    CHECK(sensor_set_contains(&got.set, &low));
    CHECK(sensor_set_contains(&got.set, &high));
    CHECK(!sensor_set_contains(&got.set, &next));
    CHECK(strstr(got.why, "198.51.100.0/24") != NULL);
    sensor_set_release(&got.set);
}

static void test_detect_telescope_v6(void)
{
    rng_seed(4);
    struct sensor_detector *d = sensor_detector_new();
    for (unsigned i = 0; i < 5000; i++) {
        uint8_t dst[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 5, 0, 6};
        uint8_t src[16] = {0x24, 0x00};
        for (int k = 8; k < 16; k++)
            dst[k] = (uint8_t)rng();
        for (int k = 2; k < 16; k++)
            src[k] = (uint8_t)rng();
        struct ip_addr a, b;
        addr_from_v6(&a, src);
        addr_from_v6(&b, dst);
        sensor_detector_feed(d, &a, &b);
    }
    struct detected got;
    finish(d, &got);
    char text[PREFIX_TEXT_MAX];
    CHECK_U64(got.n, 1);
    if (got.set.count == 1)
        CHECK_STR(format(&got.set.prefixes[0], text), "2001:db8:5:6::/64");
    sensor_set_release(&got.set);
}

/* Every packet between a and b, the first from a to b: b is the sensor. */
static void check_two_party(const char *a_text, const char *b_text, uint64_t seed)
{
    rng_seed(seed);
    struct ip_addr a = ip(a_text), b = ip(b_text);
    struct sensor_detector *d = sensor_detector_new();
    sensor_detector_feed(d, &a, &b);
    for (unsigned i = 1; i < 1000; i++) {
        if (rng() % 2)
            sensor_detector_feed(d, &a, &b);
        else
            sensor_detector_feed(d, &b, &a);
    }
    struct detected got;
    finish(d, &got);
    CHECK_U64(got.n, 1);
    CHECK_U64(got.set.count, 1);
    CHECK(sensor_set_contains(&got.set, &b));
    CHECK(!sensor_set_contains(&got.set, &a));
    sensor_set_release(&got.set);
}

static void test_detect_two_party(void)
{
    check_two_party("10.0.0.1", "10.0.0.2", 5);
    check_two_party("10.0.0.2", "10.0.0.1", 6);
    check_two_party("203.0.113.5", "192.0.2.10", 7);
    check_two_party("192.0.2.10", "203.0.113.5", 8);
    check_two_party("2001:db8::1", "2001:db8::2", 9);
    check_two_party("2001:db8::2", "2001:db8::1", 10);
}

static void test_detect_nothing(void)
{
    struct sensor_detector *d = sensor_detector_new();
    CHECK_U64(sensor_detector_packets(d), 0);
    struct detected got;
    finish(d, &got);
    CHECK_U64(got.n, 0);
    CHECK_U64(got.set.count, 0);
    CHECK(got.why[0] != '\0');
    CHECK(strstr(got.why, "--sensor") != NULL);
    sensor_set_release(&got.set);
    sensor_detector_free(NULL);
}

/* Random pairs: no few addresses or prefixes cover the sample. */
static void test_detect_no_sensor(void)
{
    rng_seed(11);
    struct sensor_detector *d = sensor_detector_new();
    for (unsigned i = 0; i < 5000; i++) {
        struct ip_addr a = random_remote_v4(), b = random_remote_v4();
        sensor_detector_feed(d, &a, &b);
    }
    struct detected got;
    finish(d, &got);
    CHECK_U64(got.n, 0);
    CHECK_U64(got.set.count, 0);
    CHECK(strstr(got.why, "--sensor") != NULL);
    sensor_set_release(&got.set);
}

static void test_detect_dual_stack(void)
{
    rng_seed(12);
    struct ip_addr s4 = ip("192.0.2.10"), s6 = ip("2001:db8::10");
    struct sensor_detector *d = sensor_detector_new();
    for (unsigned i = 0; i < 10000; i++) {
        if (i % 5 < 3) {
            struct ip_addr r = random_remote_v4();
            feed_pair(d, &s4, &r);
        } else {
            uint8_t b[16] = {0x2a, 0x02};
            for (int k = 2; k < 16; k++)
                b[k] = (uint8_t)rng();
            struct ip_addr r;
            addr_from_v6(&r, b);
            feed_pair(d, &s6, &r);
        }
    }
    struct detected got;
    finish(d, &got);
    char text[PREFIX_TEXT_MAX];
    CHECK_U64(got.n, 2);
    CHECK_U64(got.set.count, 2);
    if (got.set.count == 2) {
        CHECK_STR(format(&got.set.prefixes[0], text), "192.0.2.10/32");
        CHECK_STR(format(&got.set.prefixes[1], text), "2001:db8::10/128");
    }
    CHECK(sensor_set_contains(&got.set, &s4));
    CHECK(sensor_set_contains(&got.set, &s6));
    CHECK(strstr(got.why, "192.0.2.10/32") != NULL);
    CHECK(strstr(got.why, "2001:db8::10/128") != NULL);
    sensor_set_release(&got.set);
}

/* A short explanation buffer truncates the text, never the result. */
static void test_detect_short_why(void)
{
    rng_seed(13);
    struct ip_addr sensor = ip("192.0.2.10");
    struct sensor_detector *d = sensor_detector_new();
    for (unsigned i = 0; i < 100; i++) {
        struct ip_addr r = random_remote_v4();
        feed_pair(d, &sensor, &r);
    }
    struct sensor_set set;
    sensor_set_init(&set);
    char why[8];
    memset(why, 'x', sizeof(why));
    size_t n = sensor_detector_finish(d, &set, why, sizeof(why));
    sensor_detector_free(d);
    CHECK_U64(n, 1);
    CHECK_U64(set.count, 1);
    CHECK_U64(strlen(why), sizeof(why) - 1);
    sensor_set_release(&set);
}

/* An IPv6 sensor prefix holds no IPv4 address, however short, and back. */
static void test_set_families(void)
{
    struct sensor_set set;
    sensor_set_init(&set);
    struct ip_prefix all6 = prefix("::/0");
    sensor_set_add(&set, &all6);
    struct ip_addr v4 = ip("192.0.2.1"), mapped = ip("::ffff:192.0.2.1"), v6 = ip("2001:db8::1");
    CHECK(!sensor_set_contains(&set, &v4));
    CHECK(sensor_set_contains(&set, &mapped));
    CHECK(sensor_set_contains(&set, &v6));
    sensor_set_release(&set);

    struct ip_prefix all4 = prefix("0.0.0.0/0");
    sensor_set_add(&set, &all4);
    CHECK(sensor_set_contains(&set, &v4));
    CHECK(!sensor_set_contains(&set, &mapped));
    CHECK(!sensor_set_contains(&set, &v6));
    sensor_set_release(&set);
}

static void test_address_possible(void)
{
    static const char *const never[] = {
        "0.0.0.0", "0.1.2.3", "255.255.255.255",   "224.0.0.251", "239.255.255.250", "169.254.1.1",
        "::",      "ff02::1", "ff02::1:ff8e:c3d1", "fe80::1",     "febf::1",
    };
    static const char *const may[] = {"192.0.2.10",  "10.0.0.1",       "223.255.255.254",
                                      "169.253.1.1", "2001:db8::1",    "fec0::1",
                                      "::1",         "::ffff:0.0.0.0", "::ffff:192.0.2.1"};
    for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
        struct ip_addr a = ip(never[i]);
        if (sensor_address_possible(&a))
            fprintf(stderr, "test_sensor: %s may be a sensor\n", never[i]);
        CHECK(!sensor_address_possible(&a));
    }
    for (size_t i = 0; i < sizeof(may) / sizeof(may[0]); i++) {
        struct ip_addr a = ip(may[i]);
        CHECK(sensor_address_possible(&a));
    }
}

/* A LAN capture: the host's traffic with remotes, plus what its link carries
 * (DHCP discovery, neighbour solicitation, mDNS): only the host is detected. */
static void test_detect_never_group(void)
{
    rng_seed(21);
    struct ip_addr host = ip("192.168.2.16"), router = ip("192.168.2.1");
    struct ip_addr zero = ip("0.0.0.0"), bcast = ip("255.255.255.255"), mdns = ip("224.0.0.251");
    struct ip_addr unspec6 = ip("::"), ll = ip("fe80::d2:4591:568e:c3d1"),
                   solicited = ip("ff02::1:ff8e:c3d1");
    struct ip_addr all_routers = ip("ff02::2"), ll_router = ip("fe80::1");
    struct sensor_detector *d = sensor_detector_new();
    for (unsigned i = 0; i < 3000; i++) {
        switch (i % 10) {
        case 0:
            sensor_detector_feed(d, &zero, &bcast);
            break;
        case 1:
            sensor_detector_feed(d, &unspec6, &solicited);
            break;
        case 2:
            sensor_detector_feed(d, &ll, &all_routers);
            break;
        case 3:
            sensor_detector_feed(d, &router, &mdns);
            break;
        case 4:
            sensor_detector_feed(d, &ll_router, &ll);
            break;
        default: {
            struct ip_addr r = random_remote_v4();
            feed_pair(d, &host, &r);
        }
        }
    }
    CHECK_U64(sensor_detector_packets(d), 1500);
    struct detected got;
    finish(d, &got);
    char text[PREFIX_TEXT_MAX];
    CHECK_U64(got.n, 1);
    if (got.set.count == 1)
        CHECK_STR(format(&got.set.prefixes[0], text), "192.168.2.16/32");
    sensor_set_release(&got.set);
}

/* Feeds one file: n packets of one conversation, the first from a to b. */
static void feed_conversation(struct sensor_detector *d, const char *a_text, const char *b_text,
                              unsigned n, uint64_t seed)
{
    struct ip_addr a = ip(a_text), b = ip(b_text);
    rng_seed(seed);
    sensor_detector_next_file(d);
    sensor_detector_feed(d, &a, &b);
    for (unsigned i = 1; i < n; i++) {
        if (rng() % 2)
            sensor_detector_feed(d, &a, &b);
        else
            sensor_detector_feed(d, &b, &a);
    }
}

/* Two one-conversation files, in either order: the same answer. The first is
 * an attack on a honeypot (the first packet to it), the second an infected
 * client behind its router calling its controller (the first packet from it). */
static void test_detect_order_independent(void)
{
    struct detected one, two;
    struct sensor_detector *d = sensor_detector_new();
    feed_conversation(d, "98.114.205.102", "192.150.11.111", 348, 31);
    feed_conversation(d, "10.12.29.101", "82.118.225.196", 74, 32);
    finish(d, &one);
    d = sensor_detector_new();
    feed_conversation(d, "10.12.29.101", "82.118.225.196", 74, 32);
    feed_conversation(d, "98.114.205.102", "192.150.11.111", 348, 31);
    finish(d, &two);
    CHECK_U64(one.n, 2);
    CHECK(sensor_set_equal(&one.set, &two.set));
    struct ip_addr honeypot = ip("192.150.11.111"), client = ip("10.12.29.101");
    struct ip_addr attacker = ip("98.114.205.102"), controller = ip("82.118.225.196");
    CHECK(sensor_set_contains(&one.set, &honeypot));
    CHECK(sensor_set_contains(&one.set, &client));
    CHECK(!sensor_set_contains(&one.set, &attacker));
    CHECK(!sensor_set_contains(&one.set, &controller));
    sensor_set_release(&one.set);
    sensor_set_release(&two.set);

    /* Two public parties in two files, first packets to b: b in either order. */
    d = sensor_detector_new();
    feed_conversation(d, "203.0.113.5", "198.51.100.9", 100, 33);
    feed_conversation(d, "203.0.113.5", "198.51.100.9", 100, 34);
    finish(d, &one);
    CHECK_U64(one.n, 1);
    struct ip_addr b = ip("198.51.100.9");
    CHECK(sensor_set_contains(&one.set, &b));
    sensor_set_release(&one.set);
}

int main(void)
{
    RUN(test_set_contains);
    RUN(test_set_whole_v4_space);
    RUN(test_set_many_prefixes);
    RUN(test_detect_honeypot);
    RUN(test_detect_honeypot_with_noise);
    RUN(test_detect_telescope);
    RUN(test_detect_telescope_v6);
    RUN(test_detect_two_party);
    RUN(test_detect_nothing);
    RUN(test_detect_no_sensor);
    RUN(test_detect_dual_stack);
    RUN(test_detect_short_why);
    RUN(test_set_families);
    RUN(test_address_possible);
    RUN(test_detect_never_group);
    RUN(test_detect_order_independent);
    CHECK_EXIT();
}
