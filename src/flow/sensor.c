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
    struct ip_addr *addrs; /* two per sampled packet: src, dst */
    size_t count, alloc;   /* in addresses */
};

struct sensor_detector *sensor_detector_new(void)
{
    return xcalloc(1, sizeof(struct sensor_detector));
}

void sensor_detector_free(struct sensor_detector *detector)
{
    if (!detector)
        return;
    free(detector->addrs);
    free(detector);
}

void sensor_detector_feed(struct sensor_detector *detector, const struct ip_addr *src,
                          const struct ip_addr *dst)
{
    ALLOC_GROW(detector->addrs, detector->count + 2, detector->alloc);
    detector->addrs[detector->count++] = *src;
    detector->addrs[detector->count++] = *dst;
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

/*
 * The prefix covering the most uncovered packets at this level, by counting
 * sorted (prefix, packet) pairs. Returns its packet count.
 */
static size_t best_prefix(const struct candidate *cands, size_t n, const unsigned char *covered,
                          const struct ip_addr *first_dst, struct ip_prefix *best)
{
    size_t best_count = 0;
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
         * conversation): the sensor is then the one the first packet went to,
         * as a honeypot is usually contacted rather than contacting.
         */
        bool tie_won = count == best_count && count && prefix_contains(&cands[i].prefix, first_dst) &&
                       !prefix_contains(best, first_dst);
        if (count > best_count || tie_won) {
            best_count = count;
            *best = cands[i].prefix;
        }
        i = j;
    }
    return best_count;
}

static size_t try_level(const struct sensor_detector *d, unsigned level, struct ip_prefix *picks,
                        size_t *covered_total)
{
    size_t packets = d->count / 2;
    struct candidate *cands = xcalloc(d->count, sizeof(*cands));
    unsigned char *covered = xcalloc(packets, 1);
    size_t npicks = 0, covered_count = 0;

    for (size_t i = 0; i < d->count; i++) {
        cands[i].prefix.addr = d->addrs[i];
        cands[i].prefix.len = (uint8_t)level_len(level, &d->addrs[i]);
        addr_mask(&cands[i].prefix.addr, cands[i].prefix.len);
        cands[i].packet = i / 2;
    }
    qsort(cands, d->count, sizeof(*cands), candidate_cmp);

    while (npicks < DETECT_MAX_PICKS && covered_count * 100 < packets * 99) {
        struct ip_prefix best;
        memset(&best, 0, sizeof(best));
        size_t count = best_prefix(cands, d->count, covered, &d->addrs[1], &best);
        if (count * 100 < packets)
            break;
        picks[npicks++] = best;
        for (size_t i = 0; i < d->count; i++)
            if (!covered[i / 2] && prefix_contains(&best, &d->addrs[i])) {
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
                     " %s in %.1f%% of the %zu packets sampled from the start of the input",
                     n == 1 ? "is" : "are", 100.0 * (double)covered / (double)packets, packets);
        return n;
    }
    snprintf(why, whylen,
             "no few addresses or prefixes are in 99%% of the %zu packets sampled; give --sensor",
             packets);
    return 0;
}
