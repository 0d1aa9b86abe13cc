/* Tests --mask's redaction of sensor addresses in text (src/report/mask.c). */
#include <stdlib.h>

#include "../../src/report/report_int.h"
#include "check.h"

static struct sensor_set sensors;

static void sensors_set(const char *const *cidrs)
{
    sensor_set_release(&sensors);
    for (; *cidrs; cidrs++) {
        struct ip_prefix p;
        const char *why;
        if (prefix_parse(&p, *cidrs, &why) == 0)
            sensor_set_add(&sensors, &p);
        else
            printf("bad test prefix %s: %s\n", *cidrs, why);
    }
}

/* in, redacted; want NULL when nothing should change. */
static void check_redact(const char *in, const char *want, int line)
{
    char *got = mask_redact(&sensors, in, strlen(in));
    if (want ? !got || strcmp(got, want) != 0 : got != NULL) {
        if (!check_failed_)
            printf("FAIL %s: line %d: \"%s\" -> \"%s\", want \"%s\"\n", check_name_, line, in,
                   got ? got : "(unchanged)", want ? want : "(unchanged)");
        check_failed_ = 1;
    }
    free(got);
}

#define HIDDEN(in, want) check_redact(in, want, __LINE__)
#define KEPT(in) check_redact(in, NULL, __LINE__)

static const char *const host[] = {"192.0.2.10/32", "2001:db8:0:1::10/128", NULL};
static const char *const wide[] = {"192.0.2.0/24", "2001:db8:0:1::/64", NULL};

static void test_ipv4_forms(void)
{
    sensors_set(host);
    HIDDEN("192.0.2.10", "[sensor]");
    HIDDEN("EHLO [192.0.2.10]", "EHLO [sensor]");
    HIDDEN("bot@[192.0.2.10]", "bot@[sensor]");
    HIDDEN("http://192.0.2.10:8080/x", "http://[sensor]:8080/x");
    HIDDEN("192.0.2.10:80/?u=http://192.0.2.10/", "[sensor]:80/?u=http://[sensor]/");
    HIDDEN("at 192.000.002.010.", "at [sensor].");
    HIDDEN("id 3221225994 end", "id [sensor] end");
    HIDDEN("0xC000020A", "[sensor]");
    HIDDEN("c000020a.example", "[sensor].example");
    HIDDEN("192-0-2-10.example", "[sensor].example");
    HIDDEN("ip-192-0-2-10.ec2.internal", "ip-[sensor].ec2.internal");
    HIDDEN("host_192_0_2_10", "host_[sensor]");
    HIDDEN("10-2-0-192.static.example", "[sensor].static.example");
    HIDDEN("1.192.0.2.10", "1.[sensor]");
    HIDDEN("a 192.0.2.10, b 192.0.2.10", "a [sensor], b [sensor]");
}

static void test_ipv4_near_misses(void)
{
    sensors_set(host);
    KEPT("192.0.2.100");
    KEPT("192.0.2.1");
    KEPT("192.0.2.11");
    /* 1192 is no octet, but the address is still there to read: hidden. */
    HIDDEN("1192.0.2.10", "1[sensor]");
    HIDDEN("20a2001:db8:0:1::10", "20a[sensor]");
    /* names 7.6.5.10, but spells the sensor too */
    HIDDEN("192.0.2.10.5.6.7.in-addr.arpa", "[sensor].5.6.7.in-addr.arpa");
    KEPT("192.0.2.11.5.6.7.in-addr.arpa");
    KEPT("192-0-2-1");
    KEPT("192.0.2");
    KEPT("3221225995");
    KEPT("32212259940");
    KEPT("c000020b");
    KEPT("xc000020a"); /* a longer word */
    KEPT("11.2.0.192.in-addr.arpa");
    KEPT("version 10.2.0.19");
    KEPT("");
    sensors_set(wide);
    HIDDEN("192.0.2.100", "[sensor]");
    HIDDEN("192.0.2.1", "[sensor]");
    HIDDEN("11.2.0.192.in-addr.arpa", "[sensor]");
    KEPT("192.0.3.1");
    KEPT("192.0.1.255");
}

static void test_reverse_names(void)
{
    sensors_set(host);
    HIDDEN("10.2.0.192.in-addr.arpa PTR", "[sensor] PTR");
    HIDDEN("10.2.0.192.IN-ADDR.ARPA", "[sensor]");
    HIDDEN("x.10.2.0.192.in-addr.arpa", "x.[sensor]");
    /* a zone holding the sensor's address names its network */
    HIDDEN("2.0.192.in-addr.arpa SOA", "[sensor] SOA");
    HIDDEN("0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa NXDOMAIN",
           "[sensor] NXDOMAIN");
    HIDDEN("0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.IP6.ARPA", "[sensor]");
    HIDDEN("1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", "[sensor]"); /* the sensor's /64 */
    KEPT("1.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
    KEPT("2.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
    KEPT("1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"); /* 2001:db8:1::/48 */
    /* the IPv4-mapped address of the sensor, written as nibbles */
    HIDDEN("a.0.2.0.0.0.0.c.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa", "[sensor]");
}

static void test_ipv6_forms(void)
{
    sensors_set(host);
    HIDDEN("2001:db8:0:1::10", "[sensor]");
    HIDDEN("2001:DB8:0:1::10", "[sensor]");
    HIDDEN("2001:0db8:0000:0001:0000:0000:0000:0010", "[sensor]");
    HIDDEN("2001:db8:0:1:0:0:0:10.", "[sensor].");
    HIDDEN("[2001:db8:0:1::10]:8080", "[sensor]:8080");
    HIDDEN("http://[2001:db8:0:1::10%25eth0]/z", "http://[sensor]/z");
    HIDDEN("bot (2001:db8:0:1::10%eth0)", "bot ([sensor])");
    HIDDEN("EHLO [IPv6:2001:db8:0:1::10]", "EHLO [sensor]");
    HIDDEN("bot@[ipv6:2001:DB8:0:1:0:0:0:10]", "bot@[sensor]");
    HIDDEN("2001:db8:0:1:0:0:0.0.0.16", "[sensor]");
    HIDDEN("x@2001-db8-0-1--10.ipv6-literal.net", "x@[sensor].ipv6-literal.net");
    HIDDEN("ip6-2001-db8-0-1--10.example", "ip6-[sensor].example");
    /* the IPv4 sensor inside IPv6 */
    HIDDEN("[::ffff:192.0.2.10]:8080", "[sensor]:8080");
    HIDDEN("::FFFF:c000:20a", "[sensor]");
    HIDDEN("64:ff9b::192.0.2.10", "[sensor]");
    HIDDEN("2002:c000:20a::1", "[sensor]");
    HIDDEN("::192.0.2.10", "[sensor]");
    HIDDEN("2001:0:4136:e378:8000:63bf:3fff:fdf5", "[sensor]"); /* Teredo: the client, inverted */
}

static void test_ipv6_near_misses(void)
{
    sensors_set(host);
    KEPT("2001:db8:0:1::abcd");
    KEPT("2001:db8:0:1::1");
    KEPT("2001:db8:0:1::100");
    KEPT("2001:db8:0:2::10");
    /* No address as a whole (a group of five digits), but one is there to read. */
    HIDDEN("12001:db8:0:1::10:", "1[sensor]:");
    HIDDEN("::2001:db8:0:1::10:c00.:.", "::[sensor]:c00.:.");
    HIDDEN("2001:db8:0:1::10c000:20a::1", "[sensor]c000:20a::1");
    KEPT("2001:db8:0:1::10c"); /* another address as a whole */
    KEPT("::ffff:192.0.2.11");
    KEPT("fe80::10%eth0");
    KEPT("a:b");
    KEPT("::");
    sensors_set(wide);
    HIDDEN("2001:db8:0:1::abcd", "[sensor]");
    HIDDEN("2001:db8:0:1:ffff:ffff:ffff:ffff", "[sensor]");
    KEPT("2001:db8:0:2::10");
    KEPT("2001:db8::1");
}

static void test_no_sensors(void)
{
    sensor_set_release(&sensors);
    KEPT("192.0.2.10");
    CHECK(mask_redact(NULL, "192.0.2.10", 10) == NULL);
}

/* Bytes that are not text must not throw the scanner off, nor make it read past len. */
static void test_odd_bytes(void)
{
    sensors_set(host);
    HIDDEN("\xff\x1b[31m192.0.2.10\x1b[0m", "\xff\x1b[31m[sensor]\x1b[0m");
    char *got = mask_redact(&sensors, "192.0.2.10", 9); /* "192.0.2.1" */
    CHECK(got == NULL);
    free(got);
    got = mask_redact(&sensors, "in-addr.arpa", 12);
    CHECK(got == NULL);
    free(got);
    got = mask_redact(&sensors, ".in-addr.arpa", 13);
    CHECK(got == NULL);
    free(got);
}

int main(void)
{
    sensor_set_init(&sensors);
    RUN(test_ipv4_forms);
    RUN(test_ipv4_near_misses);
    RUN(test_reverse_names);
    RUN(test_ipv6_forms);
    RUN(test_ipv6_near_misses);
    RUN(test_no_sensors);
    RUN(test_odd_bytes);
    sensor_set_release(&sensors);
    CHECK_EXIT();
}
