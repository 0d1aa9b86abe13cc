/*
 * --by label|asn|country: each group's traffic split by the label of the
 * prefix that put a remote address in the group (an AWS region and its
 * services, an Azure tag, a list's label), by its origin AS, or by the
 * country its AS name ends with ("..., US"). Gathered remote by remote as
 * the rows pass: a remote counts under the key of its last bin in the group,
 * as its prefix and label do in the sources table.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/hash_index.h"
#include "../common/xalloc.h"
#include "report_int.h"

/* A key's unsolicited services, summed as they come; reduced at the end. */
struct by_service {
    uint8_t proto;
    uint16_t service;
    uint64_t packets;
};

struct by_acc {
    struct by_entry e;
    struct by_service *services;
    size_t service_count, service_alloc;
};

struct by_state {
    enum by_kind kind;
    struct by_acc *v;
    size_t count, alloc;
    struct hash_index index;
    struct by_acc *current; /* the key of the remote being added */
};

const char *by_kind_name(enum by_kind kind)
{
    static const char *const names[] = {"", "label", "asn", "country"};
    return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "";
}

static const void *acc_key_of(const void *rows, uint32_t row, void *scratch, size_t *len)
{
    const struct by_acc *a = &((const struct by_acc *)rows)[row];
    (void)scratch;
    *len = strlen(a->e.key);
    return a->e.key;
}

struct by_state *by_begin(const struct report *r)
{
    if (r->options.by == BY_NONE)
        return NULL;
    struct by_state *s = xcalloc(1, sizeof(*s));
    s->kind = r->options.by;
    hash_index_init(&s->index, acc_key_of, 0);
    return s;
}

/* The accumulator of key (made when absent). */
static struct by_acc *find(struct by_state *s, const char *key, uint32_t asn)
{
    uint32_t at = hash_index_find_or_add(&s->index, s->v, key, strlen(key), (uint32_t)s->count);
    if (at == s->count) {
        ALLOC_GROW(s->v, s->count + 1, s->alloc);
        struct by_acc *a = &s->v[s->count++];
        memset(a, 0, sizeof(*a));
        snprintf(a->e.key, sizeof(a->e.key), "%s", key);
        a->e.asn = asn;
    }
    return &s->v[at];
}

/* "Amazon.com, Inc., US" -> "US"; "" when the name ends otherwise. */
static void name_country(const char *name, char *cc, size_t len)
{
    size_t n = strlen(name);
    cc[0] = '\0';
    if (n >= 4 && name[n - 4] == ',' && name[n - 3] == ' ' && name[n - 2] >= 'A' &&
        name[n - 2] <= 'Z' && name[n - 1] >= 'A' && name[n - 1] <= 'Z')
        snprintf(cc, len, "%s", name + n - 2);
}

void by_remote(struct by_state *s, const struct report *r, const struct source_entry *src)
{
    char key[BY_KEY_MAX];
    uint32_t asn = 0;
    if (!s)
        return;
    if (s->kind == BY_LABEL) {
        snprintf(key, sizeof(key), "%s", src->prefix ? src->prefix->label : "");
    } else {
        /* The AS of its last packet, by the snapshot in force then. */
        int64_t at = src->last_ns == INT64_MIN ? r->period_start
                                               : src->last_ns / 1000000000 - (src->last_ns < 0);
        struct origin o;
        origin_lookup(&r->origins, &src->addr, at, &o);
        asn = o.asn;
        if (s->kind == BY_ASN && asn)
            snprintf(key, sizeof(key), "%u", (unsigned)asn);
        else if (s->kind == BY_ASN)
            key[0] = '\0'; /* no AS known */
        else
            name_country(o.name ? o.name : "", key, sizeof(key));
    }
    struct by_acc *a = find(s, key, asn);
    struct by_entry *e = &a->e;
    e->packets_in += src->packets_in;
    e->packets_out += src->packets_out;
    e->bytes_in += src->bytes_in;
    e->bytes_out += src->bytes_out;
    e->flows += src->flows;
    e->sources += src->packets_in != 0;
    if (s->kind == BY_ASN && asn && !e->name[0]) {
        const char *name = as_names_get(r->origins.names, asn);
        snprintf(e->name, sizeof(e->name), "%s", name ? name : "");
    }
    s->current = a;
}

void by_service_add(struct by_state *s, uint8_t proto, uint16_t service, uint64_t packets)
{
    if (!s || !s->current || !packets)
        return;
    struct by_acc *a = s->current;
    ALLOC_GROW(a->services, a->service_count + 1, a->service_alloc);
    a->services[a->service_count++] = (struct by_service){proto, service, packets};
}

static int service_key_cmp(const void *x, const void *y)
{
    const struct by_service *a = x, *b = y;
    if (a->proto != b->proto)
        return a->proto < b->proto ? -1 : 1;
    return a->service < b->service ? -1 : a->service > b->service;
}

static int service_packets_cmp(const void *x, const void *y)
{
    const struct by_service *a = x, *b = y;
    if (a->packets != b->packets)
        return a->packets > b->packets ? -1 : 1;
    return service_key_cmp(x, y);
}

/* The key's top unsolicited services, by packets received. */
static void finish_services(struct by_acc *a)
{
    size_t n = 0;
    if (a->service_count) {
        qsort(a->services, a->service_count, sizeof(*a->services), service_key_cmp);
        for (size_t i = 0; i < a->service_count; i++) {
            if (n && service_key_cmp(&a->services[n - 1], &a->services[i]) == 0)
                a->services[n - 1].packets += a->services[i].packets;
            else
                a->services[n++] = a->services[i];
        }
        qsort(a->services, n, sizeof(*a->services), service_packets_cmp);
    }
    a->e.ports_total = n;
    a->e.port_count = n < BY_PORTS ? n : BY_PORTS;
    for (size_t i = 0; i < a->e.port_count; i++)
        service_format(a->services[i].proto, a->services[i].service, a->e.ports[i],
                       sizeof(a->e.ports[i]));
    free(a->services);
}

static enum metric by_sort_metric;

static uint64_t both_ways(const struct by_entry *e, enum metric m)
{
    return metric_pick(m, e->packets_in + e->packets_out, e->bytes_in + e->bytes_out, e->flows);
}

static int entry_cmp(const void *x, const void *y)
{
    const struct by_entry *a = x, *b = y;
    uint64_t va = both_ways(a, by_sort_metric), vb = both_ways(b, by_sort_metric);
    if (va != vb)
        return va > vb ? -1 : 1;
    return strcmp(a->key, b->key);
}

void by_finish(struct by_state *s, const struct report *r, struct group_report *gr)
{
    if (!s)
        return;
    enum metric m = r->options.metric;
    struct totals t = gr->totals;
    struct by_entry whole = {.packets_in = t.packets_in,
                             .packets_out = t.packets_out,
                             .bytes_in = t.bytes_in,
                             .bytes_out = t.bytes_out,
                             .flows = t.flows};
    uint64_t total = both_ways(&whole, m);
    gr->by = xcalloc(s->count ? s->count : 1, sizeof(*gr->by));
    for (size_t i = 0; i < s->count; i++) {
        finish_services(&s->v[i]);
        gr->by[i] = s->v[i].e;
        gr->by[i].share = total ? 100.0 * (double)both_ways(&gr->by[i], m) / (double)total : 0;
    }
    gr->by_total = s->count;
    by_sort_metric = m;
    if (s->count)
        qsort(gr->by, s->count, sizeof(*gr->by), entry_cmp);
    size_t top = report_top_rows(r);
    gr->by_count = s->count < top ? s->count : top;
    free(s->v);
    s->v = NULL;
    s->count = 0;
    by_free(s);
}

void by_free(struct by_state *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->count; i++)
        free(s->v[i].services);
    free(s->v);
    hash_index_release(&s->index);
    free(s);
}
