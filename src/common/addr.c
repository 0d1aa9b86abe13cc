/* Address and prefix parsing, formatting and masking for both families. */
#include "addr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t v4_mapped_head[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static bool has_mapped_head(const uint8_t b[16])
{
    return memcmp(b, v4_mapped_head, 12) == 0;
}

void addr_from_v4(struct ip_addr *addr, const uint8_t v4[4])
{
    memset(addr, 0, sizeof(*addr));
    memcpy(addr->b, v4_mapped_head, 12);
    memcpy(addr->b + 12, v4, 4);
}

void addr_from_v6(struct ip_addr *addr, const uint8_t v6[16])
{
    memset(addr, 0, sizeof(*addr));
    memcpy(addr->b, v6, 16);
    addr->mapped_v6 = has_mapped_head(v6);
}

void addr_pack(const struct ip_addr *addr, uint8_t out[ADDR_PACKED_BYTES])
{
    memcpy(out, addr->b, 16);
    out[16] = addr->mapped_v6;
}

int addr_unpack(struct ip_addr *addr, const uint8_t in[ADDR_PACKED_BYTES])
{
    if (in[16] > 1 || (in[16] && !has_mapped_head(in)))
        return -1;
    memset(addr, 0, sizeof(*addr));
    memcpy(addr->b, in, 16);
    addr->mapped_v6 = in[16];
    return 0;
}

int addr_parse(struct ip_addr *addr, const char *text)
{
    uint8_t buf[16];
    if (strchr(text, ':')) {
        if (inet_pton(AF_INET6, text, buf) != 1)
            return -1;
        addr_from_v6(addr, buf);
        return 0;
    }
    if (inet_pton(AF_INET, text, buf) != 1)
        return -1;
    addr_from_v4(addr, buf);
    return 0;
}

char *addr_format(const struct ip_addr *addr, char buf[ADDR_TEXT_MAX])
{
    if (addr_is_v4(addr))
        inet_ntop(AF_INET, addr->b + 12, buf, ADDR_TEXT_MAX);
    else
        inet_ntop(AF_INET6, addr->b, buf, ADDR_TEXT_MAX);
    return buf;
}

void addr_mask(struct ip_addr *addr, unsigned len)
{
    for (unsigned i = 0; i < 16; i++) {
        unsigned first_bit = i * 8;
        if (len >= first_bit + 8)
            continue;
        if (len <= first_bit)
            addr->b[i] = 0;
        else
            addr->b[i] &= (uint8_t)(0xffu << (8 - (len - first_bit)));
    }
    /* An IPv6 prefix that no longer lies inside ::ffff:0:0/96 needs no flag. */
    if (!has_mapped_head(addr->b))
        addr->mapped_v6 = 0;
}

int prefix_parse(struct ip_prefix *prefix, const char *text, const char **why)
{
    char host[ADDR_TEXT_MAX];
    const char *slash = strchr(text, '/');
    size_t host_len = slash ? (size_t)(slash - text) : strlen(text);
    const char *reason = NULL;

    if (host_len == 0 || host_len >= sizeof(host)) {
        reason = "not an address";
        goto fail;
    }
    memcpy(host, text, host_len);
    host[host_len] = '\0';
    if (addr_parse(&prefix->addr, host) < 0) {
        reason = "not an address";
        goto fail;
    }

    unsigned width = addr_is_v4(&prefix->addr) ? 32 : 128;
    unsigned len = width;
    if (slash) {
        const char *digits = slash + 1;
        char *end;
        if (*digits < '0' || *digits > '9') {
            reason = "prefix length is not a number";
            goto fail;
        }
        unsigned long n = strtoul(digits, &end, 10);
        if (*end != '\0' || end - digits > 3) {
            reason = "prefix length is not a number";
            goto fail;
        }
        if (n > width) {
            reason = width == 32 ? "prefix length over 32" : "prefix length over 128";
            goto fail;
        }
        len = (unsigned)n;
    }
    prefix->len = (uint8_t)(len + 128 - width);

    struct ip_addr masked = prefix->addr;
    addr_mask(&masked, prefix->len);
    if (addr_compare(&masked, &prefix->addr) != 0) {
        reason = "host bits set past the prefix length";
        goto fail;
    }
    return 0;
fail:
    if (why)
        *why = reason;
    return -1;
}

unsigned prefix_family_len(const struct ip_prefix *prefix)
{
    if (addr_is_v4(&prefix->addr) && prefix->len >= 96)
        return prefix->len - 96u;
    return prefix->len;
}

char *prefix_format(const struct ip_prefix *prefix, char buf[PREFIX_TEXT_MAX])
{
    char host[ADDR_TEXT_MAX];
    size_t n;
    addr_format(&prefix->addr, host);
    n = strlen(host);
    memcpy(buf, host, n);
    buf[n++] = '/';
    unsigned len = prefix_family_len(prefix);
    if (len >= 100)
        buf[n++] = (char)('0' + len / 100);
    if (len >= 10)
        buf[n++] = (char)('0' + len / 10 % 10);
    buf[n++] = (char)('0' + len % 10);
    buf[n] = '\0';
    return buf;
}

bool prefix_contains(const struct ip_prefix *prefix, const struct ip_addr *addr)
{
    /* The 128-bit space holds both families: an IPv6 ::/0 or ::ffff:0:0/96
     * shares its leading bits with every IPv4 address, yet holds none. */
    if (addr_is_v4(&prefix->addr) != addr_is_v4(addr))
        return false;
    /* The first len bits, as two words: every packet asks this of every sensor. */
    unsigned len = prefix->len > 128 ? 128 : prefix->len;
    uint64_t high = len >= 64 ? UINT64_MAX : len ? ~(UINT64_MAX >> len) : 0;
    uint64_t low = len >= 128 ? UINT64_MAX : len > 64 ? ~(UINT64_MAX >> (len - 64)) : 0;
    return ((addr_be64(addr->b) ^ addr_be64(prefix->addr.b)) & high) == 0 &&
           ((addr_be64(addr->b + 8) ^ addr_be64(prefix->addr.b + 8)) & low) == 0;
}
