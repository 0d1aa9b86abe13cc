/*
 * Churn: what the group's sources look like together, gathered remote by
 * remote as the report passes them (lifetimes, one-bin sources, the largest
 * /24s and /48s, the labelled prefixes they came from).
 */
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "report_int.h"

/* Prefixes compare and hash as their bytes: an address (no padding, hash.h) and a length. */
_Static_assert(sizeof(struct ip_prefix) == sizeof(struct ip_addr) + 1, "padding in ip_prefix");

static const void *prefix_key_of(const void *rows, uint32_t row, void *scratch, size_t *len)
{
    (void)scratch;
    *len = sizeof(struct ip_prefix);
    return &((const struct net_count *)rows)[row].net;
}

void churn_state_init(struct churn_state *cs)
{
    memset(cs, 0, sizeof(*cs));
    top_init(&cs->top, sizeof(struct net_count), CHURN_TOP_NETS, net_sources_cmp);
    hash_index_init(&cs->prefix_index, prefix_key_of, 0);
}

void churn_state_release(struct churn_state *cs)
{
    free(cs->top.v);
    free(cs->nets6);
    free(cs->prefixes);
    hash_index_release(&cs->prefix_index);
    memset(cs, 0, sizeof(*cs));
}

static enum lifetime_bucket lifetime_of(int64_t ns)
{
    const int64_t hour = INT64_C(3600000000000);
    if (ns < hour)
        return LIFETIME_HOUR;
    if (ns < 24 * hour)
        return LIFETIME_DAY;
    if (ns < 7 * 24 * hour)
        return LIFETIME_WEEK;
    if (ns < 30 * 24 * hour)
        return LIFETIME_MONTH;
    return LIFETIME_LONGER;
}

static int net_addr_cmp(const void *a, const void *b)
{
    const struct net_count *x = a, *y = b;
    int c = addr_compare(&x->net.addr, &y->net.addr);
    if (c)
        return c;
    return x->net.len < y->net.len ? -1 : x->net.len > y->net.len;
}

/* Most sources first, then by net: a total order, so any way of choosing the top agrees. */
int net_sources_cmp(const void *a, const void *b)
{
    const struct net_count *x = a, *y = b;
    if (x->sources != y->sources)
        return x->sources > y->sources ? -1 : 1;
    return net_addr_cmp(a, b);
}

/* Offers one distinct net with its sources to the top list. */
static void churn_offer(struct churn_state *cs, const struct net_count *net)
{
    cs->net_total++;
    top_offer(&cs->top, net);
}

static void churn_end_run(struct churn_state *cs)
{
    if (cs->run.sources)
        churn_offer(cs, &cs->run);
    cs->run.sources = 0;
}

/* One more source in the labelled prefix p. */
static void churn_add_prefix(struct churn_state *cs, const struct prefix_entry *entry)
{
    uint32_t at = hash_index_find_or_add(&cs->prefix_index, cs->prefixes, &entry->prefix,
                                         sizeof(entry->prefix), (uint32_t)cs->prefix_count);
    if (at < cs->prefix_count) {
        cs->prefixes[at].sources++;
        return;
    }
    ALLOC_GROW(cs->prefixes, cs->prefix_count + 1, cs->prefix_alloc);
    struct net_count *n = &cs->prefixes[cs->prefix_count++];
    memset(n, 0, sizeof(*n));
    n->entry = entry;
    n->net = entry->prefix;
    n->sources = 1;
}

void churn_add(struct churn *churn, struct churn_state *cs, const struct source_entry *s,
               size_t active_bins)
{
    churn->one_bin += active_bins == 1;
    churn->lifetime[lifetime_of(s->last_ns - s->first_ns)]++;
    struct net_count n;
    memset(&n, 0, sizeof(n));
    n.net.addr = s->addr;
    n.net.len = addr_is_v4(&s->addr) ? 96 + 24 : 48;
    addr_mask(&n.net.addr, n.net.len);
    n.sources = 1;
    if (addr_is_v4(&s->addr)) {
        if (cs->run.sources && net_addr_cmp(&cs->run, &n) == 0) {
            cs->run.sources++;
        } else {
            churn_end_run(cs);
            cs->run = n;
        }
    } else {
        ALLOC_GROW(cs->nets6, cs->net6_count + 1, cs->net6_alloc);
        cs->nets6[cs->net6_count++] = n;
    }
    if (s->prefix)
        churn_add_prefix(cs, s->prefix);
}

void churn_finish(struct churn *churn, struct churn_state *cs)
{
    churn_end_run(cs);
    if (cs->net6_count) {
        qsort(cs->nets6, cs->net6_count, sizeof(*cs->nets6), net_addr_cmp);
        for (size_t i = 0; i < cs->net6_count; i++) {
            cs->run = cs->nets6[i];
            while (i + 1 < cs->net6_count && net_addr_cmp(&cs->nets6[i + 1], &cs->run) == 0)
                cs->run.sources += cs->nets6[++i].sources;
            churn_end_run(cs);
        }
    }
    free(cs->nets6);
    churn->net_total = cs->net_total;
    churn->by_net = top_take_sorted(&cs->top, &churn->net_count);
    if (cs->prefix_count)
        qsort(cs->prefixes, cs->prefix_count, sizeof(*cs->prefixes), net_sources_cmp);
    churn->prefix_count = cs->prefix_count;
    churn->by_prefix = cs->prefixes;
    hash_index_release(&cs->prefix_index);
    cs->nets6 = NULL;
    cs->prefixes = NULL; /* handed over to churn */
}
