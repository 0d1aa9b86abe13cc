/*
 * Sensor addresses: the set given by the user, and detection from traffic.
 *
 * A honeypot's address is in every packet of its capture; a telescope's
 * addresses are all inside one prefix. Detection therefore tries, from the
 * finest level to the coarsest (single addresses, then /24 or /64, then /16 or
 * /48), to cover at least 99 % of the sampled packets with a few prefixes,
 * each of which must itself cover at least 1 %. A busy scanner can cover a
 * large share of packets too, but never 99 % together with a handful of
 * others, so it is not mistaken for the sensor.
 *
 * Only an address a host can own may be the sensor: multicast, broadcast,
 * unspecified and link-local addresses are left out, and a packet with no
 * other address adds nothing to the sample. Nor does a packet sent to a
 * group (multicast or broadcast): it is what the link carries (a router's
 * mDNS, DHCP), not traffic between the sensor and a remote, and counting it
 * would make its sender a second sensor. Nothing depends on the order in
 * which files or packets arrive: counts are counts, and when two prefixes
 * cover the same packets (a capture of one conversation) a private-use one
 * wins (the monitored host behind its router, talking to the Internet), then
 * the one more files' first packets went to, then the lower address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "flow.h"

void sensor_set_init(struct sensor_set *set)
{
    memset(set, 0, sizeof(*set));
}

void sensor_set_release(struct sensor_set *set)
{
    free(set->prefixes);
    sensor_set_init(set);
}

void sensor_set_add(struct sensor_set *set, const struct ip_prefix *prefix)
{
    ALLOC_GROW(set->prefixes, set->count + 1, set->alloc);
    set->prefixes[set->count++] = *prefix;
}

bool sensor_set_contains(const struct sensor_set *set, const struct ip_addr *addr)
{
    for (size_t i = 0; i < set->count; i++)
        if (prefix_contains(&set->prefixes[i], addr))
            return true;
    return false;
}

bool sensor_set_equal(const struct sensor_set *a, const struct sensor_set *b)
{
    if (a->count != b->count)
        return false;
    for (size_t i = 0; i < a->count; i++) {
        bool found = false;
        for (size_t j = 0; j < b->count && !found; j++)
            found = a->prefixes[i].len == b->prefixes[j].len &&
                    addr_compare(&a->prefixes[i].addr, &b->prefixes[j].addr) == 0;
        if (!found)
            return false;
    }
    return true;
}

/* ---- detection ----------------------------------------------------------- */

enum {
    DETECT_MAX_PICKS = 8,
    DETECT_LEVELS = 3,
};

struct sensor_detector {
    struct ip_addr *addrs;             /* two per sampled packet: src, dst */
    uint8_t *usable;                   /* per address: whether it may be a sensor */
    size_t count, alloc, usable_alloc; /* in addresses */
    /* The destination of each file's first sampled packet, when usable: the
     * tie rule's votes. */
    struct ip_addr *firsts;
    size_t first_count, first_alloc;
    bool file_started; /* the next packet is the first of its file */
};

struct sensor_detector *sensor_detector_new(void)
{
    struct sensor_detector *d = xcalloc(1, sizeof(struct sensor_detector));
    d->file_started = true;
    return d;
}

void sensor_detector_free(struct sensor_detector *detector)
{
    if (!detector)
        return;
    free(detector->addrs);
    free(detector->usable);
    free(detector->firsts);
    free(detector);
}

void sensor_detector_next_file(struct sensor_detector *detector)
{
    detector->file_started = true;
}

/* Multicast, or the limited broadcast 255.255.255.255. */
static bool group_address(const struct ip_addr *addr)
{
    const uint8_t *b = addr->b;
    if (addr_is_v4(addr))
        return (b[12] >= 224 && b[12] <= 239) ||
               (b[12] == 255 && b[13] == 255 && b[14] == 255 && b[15] == 255);
    return b[0] == 0xff;
}

bool sensor_address_possible(const struct ip_addr *addr)
{
    const uint8_t *b = addr->b;
    if (addr_is_v4(addr)) {
        const uint8_t *v4 = b + 12;
        if (v4[0] == 0) /* 0.0.0.0/8: "this network", unspecified */
            return false;
        if (v4[0] >= 224 && v4[0] <= 239) /* 224.0.0.0/4: multicast */
            return false;
        if (v4[0] == 169 && v4[1] == 254) /* 169.254.0.0/16: link-local */
            return false;
        return !(v4[0] == 255 && v4[1] == 255 && v4[2] == 255 && v4[3] == 255);
    }
    if (b[0] == 0xff) /* ff00::/8: multicast */
        return false;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) /* fe80::/10: link-local */
        return false;
    static const uint8_t zero[16];
    return addr->mapped_v6 || memcmp(b, zero, 16) != 0; /* :: unspecified */
}

void sensor_detector_feed(struct sensor_detector *d, const struct ip_addr *src,
                          const struct ip_addr *dst)
{
    if (group_address(dst))
        return; /* link chatter, see above */
    bool src_ok = sensor_address_possible(src);
    bool dst_ok = sensor_address_possible(dst);
    if (!src_ok && !dst_ok)
        return; /* says nothing about the sensor */
    if (d->file_started) {
        d->file_started = false;
        if (dst_ok) {
            ALLOC_GROW(d->firsts, d->first_count + 1, d->first_alloc);
            d->firsts[d->first_count++] = *dst;
        }
    }
    ALLOC_GROW(d->addrs, d->count + 2, d->alloc);
    ALLOC_GROW(d->usable, d->count + 2, d->usable_alloc);
    d->addrs[d->count] = *src;
    d->usable[d->count++] = src_ok;
    d->addrs[d->count] = *dst;
    d->usable[d->count++] = dst_ok;
}

uint64_t sensor_detector_packets(const struct sensor_detector *detector)
{
    return detector->count / 2;
}

/* Prefix length (128-bit space) of detection level for an address. */
static unsigned level_len(unsigned level, const struct ip_addr *addr)
{
    static const unsigned v4[DETECT_LEVELS] = {128, 96 + 24, 96 + 16};
    static const unsigned v6[DETECT_LEVELS] = {128, 64, 48};
    return addr_is_v4(addr) ? v4[level] : v6[level];
}

struct candidate {
    struct ip_prefix prefix;
    size_t packet;
};

static int candidate_cmp(const void *a, const void *b)
{
    const struct candidate *x = a, *y = b;
    int c = addr_compare(&x->prefix.addr, &y->prefix.addr);
    if (c)
        return c;
    if (x->prefix.len != y->prefix.len)
        return x->prefix.len < y->prefix.len ? -1 : 1;
    return x->packet < y->packet ? -1 : x->packet > y->packet;
}

static int addr_cmp(const void *a, const void *b)
{
    return addr_compare(a, b);
}

/* Private-use space (RFC 1918, RFC 6598, RFC 4193): where a monitored host
 * sits behind its router rather than a remote. */
static bool private_use(const struct ip_prefix *prefix)
{
    const uint8_t *b = prefix->addr.b;
    if (addr_is_v4(&prefix->addr))
        return b[12] == 10 || (b[12] == 172 && (b[13] & 0xf0) == 16) ||
               (b[12] == 192 && b[13] == 168) || (b[12] == 100 && (b[13] & 0xc0) == 64);
    return (b[0] & 0xfe) == 0xfc;
}

/* How many files' first packets went into prefix; firsts sorted. */
static size_t votes(const struct sensor_detector *d, const struct ip_prefix *prefix)
{
    /* The addresses inside a prefix are one run of the sorted list, from the
     * first at or after the prefix's own address. */
    size_t lo = 0, hi = d->first_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (addr_compare(&d->firsts[mid], &prefix->addr) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t n = 0;
    for (size_t i = lo; i < d->first_count; i++) {
        struct ip_addr masked = d->firsts[i];
        addr_mask(&masked, prefix->len);
        if (memcmp(masked.b, prefix->addr.b, 16) != 0)
            break;
        n += prefix_contains(prefix, &d->firsts[i]);
    }
    return n;
}

/*
 * The prefix covering the most uncovered packets at this level, by counting
 * sorted (prefix, packet) pairs. Returns its packet count.
 */
static size_t best_prefix(const struct sensor_detector *d, const struct candidate *cands, size_t n,
                          const unsigned char *covered, struct ip_prefix *best)
{
    size_t best_count = 0, best_votes = 0;
    bool best_private = false;
    for (size_t i = 0; i < n;) {
        size_t j = i, count = 0, last_packet = (size_t)-1;
        while (j < n && cands[j].prefix.len == cands[i].prefix.len &&
               addr_compare(&cands[j].prefix.addr, &cands[i].prefix.addr) == 0) {
            if (!covered[cands[j].packet] && cands[j].packet != last_packet)
                count++;
            last_packet = cands[j].packet;
            j++;
        }
        /*
         * Two addresses can cover every packet (a capture of one
         * conversation): the sensor is then a private-use address rather
         * than a public one, else the one more files' first packets went to,
         * as a honeypot is usually contacted rather than contacting; on a
         * draw the lower prefix, which is already best.
         */
        if (count > best_count) {
            best_count = count;
            best_private = private_use(&cands[i].prefix);
            best_votes = votes(d, &cands[i].prefix);
            *best = cands[i].prefix;
        } else if (count == best_count && count) {
            bool priv = private_use(&cands[i].prefix);
            size_t v = priv || !best_private ? votes(d, &cands[i].prefix) : 0;
            if ((priv && !best_private) || (priv == best_private && v > best_votes)) {
                best_private = priv;
                best_votes = v;
                *best = cands[i].prefix;
            }
        }
        i = j;
    }
    return best_count;
}

static size_t try_level(const struct sensor_detector *d, unsigned level, struct ip_prefix *picks,
                        size_t *covered_total)
{
    size_t packets = d->count / 2;
    struct candidate *cands = xcalloc(d->count ? d->count : 1, sizeof(*cands));
    unsigned char *covered = xcalloc(packets ? packets : 1, 1);
    size_t ncands = 0, npicks = 0, covered_count = 0;

    for (size_t i = 0; i < d->count; i++) {
        if (!d->usable[i])
            continue;
        struct candidate *c = &cands[ncands++];
        c->prefix.addr = d->addrs[i];
        c->prefix.len = (uint8_t)level_len(level, &d->addrs[i]);
        addr_mask(&c->prefix.addr, c->prefix.len);
        c->packet = i / 2;
    }
    qsort(cands, ncands, sizeof(*cands), candidate_cmp);

    while (npicks < DETECT_MAX_PICKS && covered_count * 100 < packets * 99) {
        struct ip_prefix best;
        memset(&best, 0, sizeof(best));
        size_t count = best_prefix(d, cands, ncands, covered, &best);
        if (count == 0 || count * 100 < packets)
            break;
        picks[npicks++] = best;
        for (size_t i = 0; i < d->count; i++)
            if (d->usable[i] && !covered[i / 2] && prefix_contains(&best, &d->addrs[i])) {
                covered[i / 2] = 1;
                covered_count++;
            }
    }
    free(cands);
    free(covered);
    *covered_total = covered_count;
    return covered_count * 100 >= packets * 99 ? npicks : 0;
}

size_t sensor_detector_finish(struct sensor_detector *detector, struct sensor_set *set, char *why,
                              size_t whylen)
{
    size_t packets = detector->count / 2;
    struct ip_prefix picks[DETECT_MAX_PICKS];

    if (packets == 0) {
        snprintf(why, whylen, "no IP packets to detect the sensor from; give --sensor");
        return 0;
    }
    if (detector->first_count > 1) /* none: no array to sort (no first packet could name it) */
        qsort(detector->firsts, detector->first_count, sizeof(*detector->firsts), addr_cmp);
    for (unsigned level = 0; level < DETECT_LEVELS; level++) {
        size_t covered;
        size_t n = try_level(detector, level, picks, &covered);
        if (n == 0)
            continue;
        size_t used = (size_t)snprintf(why, whylen, "detected: ");
        for (size_t i = 0; i < n; i++) {
            char text[PREFIX_TEXT_MAX];
            sensor_set_add(set, &picks[i]);
            if (used < whylen)
                used += (size_t)snprintf(why + used, whylen - used, "%s%s", i ? ", " : "",
                                         prefix_format(&picks[i], text));
        }
        if (used < whylen)
            snprintf(why + used, whylen - used,
                     " %s in %.1f%% of the %zu packets sampled from the start of each file",
                     n == 1 ? "is" : "are", 100.0 * (double)covered / (double)packets, packets);
        return n;
    }
    snprintf(why, whylen,
             "no few addresses or prefixes are in 99%% of the %zu packets sampled; give --sensor",
             packets);
    return 0;
}
