/*
 * Addresses as the store keeps them (src/store/store.c, version 7): 4 bytes
 * for IPv4, 16 for IPv6, read back to the same address, family included;
 * any other length is refused.
 */
#include "../../src/store/store.h"
#include "check.h"

/* text -> bytes -> address -> text, with the number of bytes kept. */
static void round_trip(const char *text, size_t want_len, const char *want_hex)
{
    struct ip_addr addr, back;
    uint8_t bytes[STORE_ADDR_MAX];
    char hex[2 * STORE_ADDR_MAX + 1], out[ADDR_TEXT_MAX];
    CHECK(addr_parse(&addr, text) == 0);
    size_t len = store_addr_bytes(&addr, bytes);
    CHECK_U64(len, want_len);
    for (size_t i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
    hex[2 * len] = '\0';
    CHECK_STR(hex, want_hex);
    CHECK(store_addr_from_bytes(&back, bytes, len));
    CHECK(addr_compare(&addr, &back) == 0);
    CHECK(addr_is_v4(&back) == addr_is_v4(&addr));
    CHECK_STR(addr_format(&back, out), text);
}

static void test_ipv4(void)
{
    round_trip("198.51.100.7", 4, "c6336407");
    round_trip("0.0.0.0", 4, "00000000");
    round_trip("255.255.255.255", 4, "ffffffff");
}

static void test_ipv6(void)
{
    round_trip("2001:db8::1", 16, "20010db8000000000000000000000001");
    round_trip("::", 16, "00000000000000000000000000000000");
    /* Seen in an IPv6 packet: stays IPv6, 16 bytes, apart from 1.2.3.4. */
    round_trip("::ffff:1.2.3.4", 16, "00000000000000000000ffff01020304");
}

static void test_other_lengths_refused(void)
{
    static const uint8_t bytes[17] = {0};
    struct ip_addr addr;
    size_t lens[] = {0, 1, 3, 5, 15, 17};
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
        CHECK(!store_addr_from_bytes(&addr, bytes, lens[i]));
}

int main(void)
{
    RUN(test_ipv4);
    RUN(test_ipv6);
    RUN(test_other_lengths_refused);
    CHECK_EXIT();
}
