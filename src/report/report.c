/*
 * Building the report model from a cube.
 *
 * Cube rows are visited sorted by (remote address, bin), so that each remote
 * address is attributed to a group once, and distinct sources per bin are
 * counted without a set: a (remote, bin) pair is new exactly when it differs
 * from the previous row's. Breakdowns are gathered as (list, category) items
 * summed in a table. Work after the ordering follows what is shown: the top
 * sources are kept in a heap of --top entries, and sources per /24 are
 * counted as the address-ordered remotes pass, so a flood of ten million
 * sources sorts nothing but its addresses (by radix).
 */
#include <stdlib.h>
#include <string.h>

#include "../common/hash_index.h"
#include "../common/sort.h"
#include "../common/xalloc.h"
#include "report_int.h"

/*
 * The longest period a report enumerates: 11 years of hour bins, 273 years of
 * day bins. Every bin is a point of every series, and a JSON report holds
 * several kilobytes per bin while it is written (1.4 GB for 263,000 bins), so
 * a stored or captured time far from the others (a tampered store, a crafted
 * timestamp) must not make a report of hundreds of thousands of empty bins;
 * --from and --to narrow the period, a wider --bin shortens it.
 */
#define MAX_BINS 100000

const char *const list_json_names[LIST_COUNT] = {
    "out", "in_replies", "in_unsolicited", "out_replies", "in_unknown", "out_unknown",
};

const char *const list_titles[LIST_COUNT] = {
    "sent by the sensor in conversations it started",
    "received: replies to the sensor's own traffic",
    "received: unsolicited (started by the remote side)",
    "sent by the sensor in answer to unsolicited traffic",
    "received in conversations of unknown initiator",
    "sent in conversations of unknown initiator",
};

const char *const activity_names[ACTIVITY_COUNT] = {
    "spam-smtp", "dns", "icmp-scan", "http-download", "other",
};

const char *const lifetime_names[LIFETIME_COUNT] = {
    "under 1 hour", "under 1 day", "under 1 week", "under 30 days", "30 days or more",
};

const char *metric_name(enum metric metric)
{
    switch (metric) {
    case METRIC_BYTES:
        return "bytes";
    case METRIC_FLOWS:
        return "flows";
    default:
        return "packets";
    }
}

uint64_t figures_metric(const struct figures *f, enum metric metric)
{
    switch (metric) {
    case METRIC_BYTES:
        return f->bytes;
    case METRIC_FLOWS:
        return f->flows;
    default:
        return f->packets;
    }
}

/* ---- gathering ------------------------------------------------------------- */

struct item {
    uint8_t list;
    uint8_t named;
    uint8_t proto;
    uint8_t initiator;
    uint16_t service;
    struct figures f;
};

/*
 * Items summed by key as they are added: an array of distinct items and an
 * open-addressing index over it, so memory grows with the distinct
 * categories and ports, not with the rows. Keys hold attacker-chosen ports:
 * the index is keyed and watches its probe runs (hash_index.h).
 */
struct items {
    struct item *v;
    size_t count, alloc;
    struct hash_index index; /* empty until the first item */
};

static uint64_t item_key(const struct item *it)
{
    return (uint64_t)it->list << 40 | (uint64_t)it->named << 32 | (uint64_t)it->proto << 24 |
           (uint64_t)it->initiator << 16 | it->service;
}

static const void *item_key_of(const void *rows, uint32_t row, void *scratch, size_t *len)
{
    uint64_t key = item_key(&((const struct item *)rows)[row]);
    memcpy(scratch, &key, sizeof(key));
    *len = sizeof(key);
    return scratch;
}

/* Empties items, keeping the memory: cheap when few items were added. */
static void items_clear(struct items *items)
{
    if (items->index.slots)
        hash_index_clear(&items->index, items->v, (uint32_t)items->count);
    items->count = 0;
}

static void items_release(struct items *items)
{
    free(items->v);
    hash_index_release(&items->index);
    memset(items, 0, sizeof(*items));
}

static void item_add(struct items *items, unsigned list, enum initiator initiator, uint8_t proto,
                     uint16_t service, uint64_t packets, uint64_t bytes, uint64_t flows)
{
    struct item probe;
    memset(&probe, 0, sizeof(probe));
    probe.list = (uint8_t)list;
    probe.initiator = (uint8_t)initiator;
    probe.named = initiator == INITIATOR_SENSOR ? (uint8_t)category_named(proto, service) : 0;
    if (!probe.named) {
        probe.proto = proto;
        probe.service = service;
    }
    if (!items->index.slots)
        hash_index_init(&items->index, item_key_of, 0);
    uint64_t key = item_key(&probe);
    uint32_t at =
        hash_index_find_or_add(&items->index, items->v, &key, sizeof(key), (uint32_t)items->count);
    if (at == items->count) {
        ALLOC_GROW(items->v, items->count + 1, items->alloc);
        items->v[items->count++] = probe;
    }
    struct item *it = &items->v[at];
    it->f.packets += packets;
    it->f.bytes += bytes;
    it->f.flows += flows;
}

static int item_cmp(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    if (x->list != y->list)
        return x->list < y->list ? -1 : 1;
    if (x->named != y->named)
        return x->named < y->named ? -1 : 1;
    if (x->proto != y->proto)
        return x->proto < y->proto ? -1 : 1;
    if (x->service != y->service)
        return x->service < y->service ? -1 : 1;
    return 0;
}

/* Orders the (already distinct) items by key; returns their count. */
static size_t reduce_items(struct item *v, size_t n)
{
    if (n)
        qsort(v, n, sizeof(*v), item_cmp);
    return n;
}

static _Thread_local enum metric sort_metric;

static int category_cmp(const void *a, const void *b)
{
    const struct category_entry *x = a, *y = b;
    uint64_t mx = figures_metric(&x->f, sort_metric), my = figures_metric(&y->f, sort_metric);
    if (mx != my)
        return mx > my ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int port_cmp(const void *a, const void *b)
{
    const struct port_entry *x = a, *y = b;
    uint64_t mx = figures_metric(&x->f, sort_metric), my = figures_metric(&y->f, sort_metric);
    if (mx != my)
        return mx > my ? -1 : 1;
    if (x->proto != y->proto)
        return x->proto < y->proto ? -1 : 1;
    return x->port < y->port ? -1 : x->port > y->port;
}

static uint64_t source_metric(const struct source_entry *s, enum metric metric)
{
    return metric_pick(metric, s->packets_in, s->bytes_in, s->flows);
}

static int source_cmp(const void *a, const void *b)
{
    const struct source_entry *x = a, *y = b;
    uint64_t mx = source_metric(x, sort_metric), my = source_metric(y, sort_metric);
    if (mx != my)
        return mx > my ? -1 : 1;
    return addr_compare(&x->addr, &y->addr);
}

static double share(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static uint64_t direction_total(const struct totals *t, bool in, enum metric metric)
{
    return metric_pick(metric, in ? t->packets_in : t->packets_out, in ? t->bytes_in : t->bytes_out,
                       t->flows);
}

static bool list_is_in(unsigned list)
{
    return list == LIST_IN_REPLIES || list == LIST_IN_UNSOLICITED || list == LIST_IN_UNKNOWN;
}

static void port_proto_name(uint8_t proto, char *buf, size_t len)
{
    switch (proto) {
    case PROTO_TCP:
        snprintf(buf, len, "tcp");
        break;
    case PROTO_UDP:
        snprintf(buf, len, "udp");
        break;
    case PROTO_ICMP:
        snprintf(buf, len, "icmp");
        break;
    case PROTO_ICMPV6:
        snprintf(buf, len, "icmp6");
        break;
    default:
        snprintf(buf, len, "ip%u", proto);
        break;
    }
}

/* Turns reduced items into the category lists and the port table. */
static int item_service_cmp(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    if (x->proto != y->proto)
        return x->proto < y->proto ? -1 : 1;
    return x->service < y->service ? -1 : x->service > y->service;
}

/*
 * The shown name of a remote-started entry: its service's traffic received
 * unsolicited (in, sorted by service) decides whether it has a probe's
 * shape, for the replies as for the received.
 */
static void unsolicited_name(struct category_entry *e, const struct item *it, const struct item *in,
                             size_t in_n)
{
    const struct item *u = in_n ? bsearch(it, in, in_n, sizeof(*in), item_service_cmp) : NULL;
    bool probe = u && category_probe_shape(it->proto, it->service, u->f.packets, u->f.flows);
    category_format_unsolicited(probe, it->proto, it->service, e->name, sizeof(e->name));
}

static void finish_lists(struct group_report *gr, struct item *v, size_t n, struct item *ports,
                         size_t port_n, enum metric metric)
{
    struct item *in = xcalloc(n ? n : 1, sizeof(*in));
    size_t in_n = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].list == LIST_IN_UNSOLICITED)
            in[in_n++] = v[i];
    if (in_n)
        qsort(in, in_n, sizeof(*in), item_service_cmp);
    for (size_t i = 0; i < n; i++) {
        const struct item *it = &v[i];
        if (it->f.packets == 0)
            continue;
        struct category_entry *e;
        size_t *count = &gr->list_counts[it->list];
        gr->lists[it->list] = xreallocarray(gr->lists[it->list], *count + 1, sizeof(*e));
        e = &gr->lists[it->list][(*count)++];
        if (it->named)
            snprintf(e->name, sizeof(e->name), "%s", category_named_text(it->named));
        else
            category_format((enum initiator)it->initiator, it->proto, it->service, e->name,
                            sizeof(e->name));
        memcpy(e->category, e->name, sizeof(e->category));
        if (it->initiator == INITIATOR_REMOTE)
            unsolicited_name(e, it, in, in_n);
        e->f = it->f;
        e->f.share = share(figures_metric(&e->f, metric),
                           direction_total(&gr->totals, list_is_in(it->list), metric));
    }
    free(in);
    sort_metric = metric;
    for (unsigned l = 0; l < LIST_COUNT; l++)
        if (gr->list_counts[l])
            qsort(gr->lists[l], gr->list_counts[l], sizeof(*gr->lists[l]), category_cmp);

    gr->ports_in = port_n ? xcalloc(port_n, sizeof(*gr->ports_in)) : NULL;
    for (size_t i = 0; i < port_n; i++) {
        struct port_entry *p = &gr->ports_in[gr->port_count++];
        p->proto = ports[i].proto;
        p->port = ports[i].service;
        port_proto_name(p->proto, p->proto_name, sizeof(p->proto_name));
        p->f = ports[i].f;
        p->f.share =
            share(figures_metric(&p->f, metric), direction_total(&gr->totals, true, metric));
    }
    if (gr->port_count)
        qsort(gr->ports_in, gr->port_count, sizeof(*gr->ports_in), port_cmp);
}

/* ---- per remote address ---------------------------------------------------- */

struct remote_state {
    struct source_entry source;
    struct items services; /* unsolicited services of this remote */
    int64_t last_counted_bin;
    int64_t last_out_bin; /* the latest bin in which the sensor sent it something */
    size_t active_bins;   /* bins in which it sent the sensor something */
    /*
     * Against the spoofing signs (docs/semantics.md): more than one packet
     * in a TCP conversation it opened, or an answer to the sensor's traffic.
     */
    bool spoof_denied;
    uint64_t unsolicited_packets;
};

/*
 * Reads one cube row for what speaks against a spoofed source. Rows add up
 * the conversations of one (bin, service): more packets received than
 * conversations opened means some conversation went past its first packet
 * (or ran into the next bin, which is no single packet either).
 */
static void spoof_denials(struct remote_state *rs, const struct cube_key *k,
                          const struct cube_counts *c)
{
    if (k->initiator == INITIATOR_REMOTE) {
        rs->unsolicited_packets += c->packets_in;
        if (k->proto == PROTO_TCP && c->packets_in > c->flows)
            rs->spoof_denied = true;
    } else if (k->initiator == INITIATOR_SENSOR && c->packets_in > 0) {
        rs->spoof_denied = true; /* it answered the sensor */
    }
}

static int addr_cmp(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(struct ip_addr));
}

/* The remotes with a sign (a SYN-ACK left unanswered) in the period, sorted and once each. */
static void gather_spoof_signs(struct report *r)
{
    struct evidence_cursor *cursor = evidence_cursor_open_kinds(
        r->input->cube ? cube_evidence(r->input->cube) : NULL,
        (struct evidence_kinds){EVIDENCE_SYN_ACK_UNANSWERED, EVIDENCE_SYN_ACK_UNANSWERED});
    const struct evidence_row *row;
    size_t count = 0, alloc = 0;
    struct ip_addr *v = NULL;
    while (evidence_cursor_next(cursor, &row) > 0) {
        int64_t bin = bin_clock_start(&r->options.clock, row->bin);
        if (bin < r->period_start || bin >= r->period_end)
            continue;
        ALLOC_GROW(v, count + 1, alloc);
        v[count++] = row->remote;
    }
    evidence_cursor_close(cursor);
    if (count)
        qsort(v, count, sizeof(*v), addr_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < count; i++)
        if (kept == 0 || addr_cmp(&v[kept - 1], &v[i]) != 0)
            v[kept++] = v[i];
    r->spoof_signs = v;
    r->spoof_sign_count = kept;
}

static bool has_spoof_sign(const struct report *r, const struct ip_addr *addr)
{
    return r->spoof_sign_count &&
           bsearch(addr, r->spoof_signs, r->spoof_sign_count, sizeof(*addr), addr_cmp);
}

static void remote_begin(struct remote_state *rs, const struct ip_addr *addr,
                         const struct prefix_entry *prefix)
{
    memset(&rs->source, 0, sizeof(rs->source));
    rs->source.addr = *addr;
    rs->source.prefix = prefix;
    rs->source.first_ns = INT64_MAX;
    rs->source.last_ns = INT64_MIN;
    items_clear(&rs->services);
    rs->last_counted_bin = INT64_MIN;
    rs->last_out_bin = INT64_MIN;
    rs->active_bins = 0;
    rs->spoof_denied = false;
    rs->unsolicited_packets = 0;
}

static int service_item_cmp(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    uint64_t mx = figures_metric(&x->f, sort_metric), my = figures_metric(&y->f, sort_metric);
    if (mx != my)
        return mx > my ? -1 : 1;
    return item_cmp(a, b);
}

/* Files the finished remote as a source when it sent the sensor anything. */
static void remote_end(struct remote_state *rs, struct top_heap *top, uint64_t *sources,
                       enum metric metric, struct churn *churn, struct churn_state *cs)
{
    struct source_entry *s = &rs->source;
    if (s->packets_in == 0)
        return;
    churn_add(churn, cs, &rs->source, rs->active_bins);
    ++*sources;
    sort_metric = metric;
    if (!top_wants(top, s))
        return; /* its services are only shown for the top sources */
    size_t n = reduce_items(rs->services.v, rs->services.count);
    if (n)
        qsort(rs->services.v, n, sizeof(*rs->services.v), service_item_cmp);
    s->services_total = n;
    s->service_count = n < 5 ? n : 5;
    for (size_t i = 0; i < s->service_count; i++)
        service_format(rs->services.v[i].proto, rs->services.v[i].service, s->services[i],
                       sizeof(s->services[i]));
    top_offer(top, s);
}

/* ---- building ----------------------------------------------------------------- */

/*
 * The bin a cube row is sorted and filtered by: the report's hour or day. A
 * cube may be finer than the report (a store keeps quarter hours); its bins
 * nest in the report's as long as the zone offset is a multiple of the
 * cube's width, which the caller checks. Weeks and months are made of days,
 * so a period cut mid-month still takes only its own days.
 */
static int64_t row_day_or_hour(const struct bin_clock *clock, int64_t row_bin)
{
    struct bin_clock fixed = *clock;
    fixed.unit = BIN_FIXED;
    return bin_clock_start(&fixed, row_bin);
}

static int64_t report_bin(const struct bin_clock *clock, const struct cube_row *row)
{
    return row_day_or_hour(clock, row->key.bin);
}

bool report_bin_of(const struct report *r, int64_t row_bin, int64_t *bin)
{
    int64_t base = row_day_or_hour(&r->options.clock, row_bin);
    if (base < r->period_start || base >= r->period_end)
        return false;
    int64_t start = bin_clock_start(&r->options.clock, base);
    *bin = start < r->period_start ? r->period_start : start;
    return true;
}

size_t report_bin_index(const struct report *r, int64_t bin)
{
    const struct bin_clock *clock = &r->options.clock;
    return (size_t)(bin_clock_ordinal(clock, bin) - r->period_start_ordinal);
}

int64_t report_period_last(const struct report *r)
{
    if (!r->bin_count)
        return r->period_start;
    if (r->options.clock.unit != BIN_FIXED)
        return r->period_end - 86400;
    return r->bins[r->bin_count - 1];
}

/*
 * Cube rows grouped by remote address, and by report bin within each remote:
 * remote r owns rows[starts[r] .. starts[r + 1]), and bins[i] is the report
 * bin of row i. Grouping is a counting sort over dense remote ids (found
 * through a seeded hash, as the addresses are the attacker's), so it stays
 * linear in the rows.
 */
struct row_order {
    uint32_t *rows;
    uint32_t *starts;
    size_t remotes;
    int64_t *bins;
};

static _Thread_local const int64_t *sort_bins;

static int bin_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (sort_bins[x] != sort_bins[y])
        return sort_bins[x] < sort_bins[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

struct remotes {
    struct cube *cube;
    const uint32_t *first_row; /* one row of each remote */
};

static const struct ip_addr *remote_addr(const void *ctx, size_t id)
{
    const struct remotes *r = ctx;
    return &cube_row_at(r->cube, r->first_row[id])->key.remote;
}

/*
 * The rank of each remote (id: first_row[id] is one of its rows) in address
 * order. Returns rank[id] (free it).
 */
static uint32_t *rank_remotes(struct cube *cube, const uint32_t *first_row, size_t remotes)
{
    struct remotes ctx = {cube, first_row};
    uint32_t *order = xcalloc(remotes ? remotes : 1, sizeof(*order));
    uint32_t *rank = xcalloc(remotes ? remotes : 1, sizeof(*rank));
    address_order(remotes, remote_addr, &ctx, order);
    for (uint32_t r = 0; r < remotes; r++)
        rank[order[r]] = r;
    free(order);
    return rank;
}

static const void *remote_key_of(const void *rows, uint32_t row, void *scratch, size_t *len)
{
    (void)scratch;
    *len = sizeof(struct ip_addr);
    return remote_addr(rows, row);
}

/*
 * Numbers the remotes of the cube's rows: ids[row] is its remote's number,
 * first_row[number] one of its rows. Returns how many remotes.
 */
static size_t number_remotes(struct cube *cube, uint32_t *first_row, uint32_t *ids)
{
    size_t n = cube_row_count(cube), remotes = 0;
    struct remotes ctx = {cube, first_row};
    struct hash_index index;
    hash_index_init(&index, remote_key_of, n);
    for (size_t i = 0; i < n; i++) {
        const struct cube_row *row = cube_row_at(cube, (uint32_t)i);
        ids[i] = hash_index_find_or_add(&index, &ctx, &row->key.remote, sizeof(row->key.remote),
                                        (uint32_t)remotes);
        if (ids[i] == remotes)
            first_row[remotes++] = (uint32_t)i;
    }
    hash_index_release(&index);
    return remotes;
}

/* A chunk of a spilled cube is in order already: its remotes are its runs of rows. */
static void order_rows_in_order(struct cube *cube, const struct bin_clock *clock,
                                struct row_order *o)
{
    size_t n = cube_row_count(cube);
    o->bins = xcalloc(n ? n : 1, sizeof(*o->bins));
    o->rows = xcalloc(n ? n : 1, sizeof(*o->rows));
    o->starts = xcalloc(n + 1, sizeof(*o->starts));
    o->remotes = 0;
    for (size_t i = 0; i < n; i++) {
        const struct cube_row *row = cube_row_at(cube, (uint32_t)i);
        o->bins[i] = report_bin(clock, row);
        o->rows[i] = (uint32_t)i;
        if (i == 0 ||
            !addr_equal(&row->key.remote, &cube_row_at(cube, (uint32_t)i - 1)->key.remote))
            o->starts[o->remotes++] = (uint32_t)i;
    }
    o->starts[o->remotes] = (uint32_t)n;
}

static void order_rows(struct cube *cube, const struct bin_clock *clock, struct row_order *o)
{
    if (cube_in_address_order(cube)) {
        order_rows_in_order(cube, clock, o);
        return;
    }
    size_t n = cube_row_count(cube);
    uint32_t *first_row = xcalloc(n ? n : 1, sizeof(*first_row));
    uint32_t *ids = xcalloc(n ? n : 1, sizeof(*ids));
    o->bins = xcalloc(n ? n : 1, sizeof(*o->bins));
    for (size_t i = 0; i < n; i++)
        o->bins[i] = report_bin(clock, cube_row_at(cube, (uint32_t)i));
    o->remotes = number_remotes(cube, first_row, ids);
    /* Remote ids become ranks in address order. */
    uint32_t *rank = rank_remotes(cube, first_row, o->remotes);
    for (size_t i = 0; i < n; i++)
        ids[i] = rank[ids[i]];
    free(rank);
    o->starts = xcalloc(o->remotes + 1, sizeof(*o->starts));
    for (size_t i = 0; i < n; i++)
        o->starts[ids[i] + 1]++;
    for (size_t r = 0; r < o->remotes; r++)
        o->starts[r + 1] += o->starts[r];
    o->rows = xcalloc(n ? n : 1, sizeof(*o->rows));
    uint32_t *fill = first_row; /* reused: next free place per remote */
    memcpy(fill, o->starts, o->remotes * sizeof(*fill));
    for (size_t i = 0; i < n; i++)
        o->rows[fill[ids[i]]++] = (uint32_t)i;
    sort_bins = o->bins;
    for (size_t r = 0; r < o->remotes; r++)
        if (o->starts[r + 1] - o->starts[r] > 1)
            qsort(o->rows + o->starts[r], o->starts[r + 1] - o->starts[r], sizeof(*o->rows),
                  bin_cmp);
    free(first_row);
    free(ids);
}

static void row_order_release(struct row_order *o)
{
    free(o->rows);
    free(o->starts);
    free(o->bins);
}

static void add_row(struct report *r, struct group_report *gr, const struct cube_row *row,
                    int64_t bin, struct remote_state *rs, struct items *items, struct items *ports)
{
    const struct cube_key *k = &row->key;
    const struct cube_counts *c = &row->counts;
    struct series_point *pt = &gr->series[report_bin_index(r, bin)];
    enum initiator initiator = (enum initiator)k->initiator;

    pt->packets_in += c->packets_in;
    pt->packets_out += c->packets_out;
    pt->bytes_in += c->bytes_in;
    pt->bytes_out += c->bytes_out;
    pt->flows += c->flows;
    if (c->packets_in && rs->last_counted_bin != bin) {
        pt->sources++;
        if (rs->active_bins++)
            pt->returning_sources++;
        else
            pt->new_sources++;
        rs->last_counted_bin = bin;
    }
    if (c->packets_out && rs->last_out_bin != bin) {
        pt->remotes_out++;
        rs->last_out_bin = bin;
    }
    if (initiator == INITIATOR_REMOTE) {
        pt->unsolicited_packets += c->packets_in;
        pt->unsolicited_bytes += c->bytes_in;
        pt->unsolicited_flows += c->flows;
    } else if (initiator == INITIATOR_SENSOR) {
        static const enum sensor_activity by_named[] = {
            ACTIVITY_OTHER,    ACTIVITY_SPAM,  ACTIVITY_DNS,   ACTIVITY_SCAN,
            ACTIVITY_DOWNLOAD, ACTIVITY_OTHER, ACTIVITY_OTHER,
        };
        unsigned named = category_named(k->proto, k->service);
        pt->activity[named < 7 ? by_named[named] : ACTIVITY_OTHER] += c->packets_out;
    }
    gr->totals.packets_in += c->packets_in;
    gr->totals.packets_out += c->packets_out;
    gr->totals.bytes_in += c->bytes_in;
    gr->totals.bytes_out += c->bytes_out;
    gr->totals.flows += c->flows;

    /*
     * Backscatter is unsolicited (the sensor asked for none of it), listed
     * by kind; what the sensor sent in it (its stack's RSTs) answers it.
     */
    bool backscatter = initiator_is_backscatter(initiator);
    unsigned in_list = initiator == INITIATOR_SENSOR                  ? LIST_IN_REPLIES
                       : initiator == INITIATOR_REMOTE || backscatter ? LIST_IN_UNSOLICITED
                                                                      : LIST_IN_UNKNOWN;
    unsigned out_list = initiator == INITIATOR_SENSOR                  ? LIST_OUT
                        : initiator == INITIATOR_REMOTE || backscatter ? LIST_OUT_REPLIES
                                                                       : LIST_OUT_UNKNOWN;
    uint16_t service =
        backscatter ? category_backscatter_service(k->proto, k->service) : k->service;
    item_add(items, in_list, initiator, k->proto, service, c->packets_in, c->bytes_in, c->flows);
    item_add(items, out_list, initiator, k->proto, service, c->packets_out, c->bytes_out, c->flows);

    spoof_denials(rs, k, c);
    struct source_entry *s = &rs->source;
    s->packets_in += c->packets_in;
    s->packets_out += c->packets_out;
    s->bytes_in += c->bytes_in;
    s->bytes_out += c->bytes_out;
    s->flows += c->flows;
    if (c->first_ns < s->first_ns)
        s->first_ns = c->first_ns;
    if (c->last_ns > s->last_ns)
        s->last_ns = c->last_ns;
    if (initiator == INITIATOR_REMOTE) {
        s->flows_initiated += c->flows;
        if (c->packets_in) {
            /* Ports are keyed by ICMP type alone; services keep the code. */
            uint16_t port = k->proto == PROTO_ICMP || k->proto == PROTO_ICMPV6
                                ? (uint16_t)(k->service >> 8)
                                : k->service;
            item_add(ports, 0, INITIATOR_REMOTE, k->proto, port, c->packets_in, c->bytes_in,
                     c->flows);
            item_add(&rs->services, 0, INITIATOR_REMOTE, k->proto, k->service, c->packets_in,
                     c->bytes_in, c->flows);
        }
    }
}

/* Bursts of unsolicited traffic: days when the attack volume jumps. */
static void find_bursts(struct report *r, struct group_report *gr)
{
    struct burst_params params;
    size_t n = gr->series_count;
    burst_params_default(&params);
    if (r->options.burst_window)
        params.window = r->options.burst_window;
    if (r->options.burst_k > 0)
        params.k = r->options.burst_k;
    if (r->options.burst_min)
        params.min_volume = r->options.burst_min;
    double *values = xcalloc(n ? n : 1, sizeof(*values));
    double *baseline = xcalloc(n ? n : 1, sizeof(*baseline));
    unsigned char *flags = xcalloc(n ? n : 1, 1);
    for (size_t i = 0; i < n; i++)
        values[i] = (double)series_unsolicited(&gr->series[i], r->options.metric);
    gr->burst_count = bursts_detect(values, n, &params, flags, baseline);
    for (size_t i = 0; i < n; i++) {
        gr->series[i].burst = flags[i];
        gr->series[i].baseline = baseline[i];
    }
    free(values);
    free(baseline);
    free(flags);
}

/* A group being built: what is gathered while the rows pass, remote by remote. */
struct group_build {
    struct items items, ports;
    struct remote_state rs;
    bool in_group;
    struct top_heap top; /* the --top sources */
    uint64_t sources;    /* every source of the group */
    struct churn_state cs;
    /* A dated group may take a remote in some bins and not others. */
    struct member_cursor mc;
    struct asview_state *asview;
    struct by_state *by;
};

/* Frees an unfinished build (a report given up before it was finished). */
static void group_build_free(struct group_build *b)
{
    if (!b)
        return;
    items_release(&b->items);
    items_release(&b->ports);
    items_release(&b->rs.services);
    free(b->top.v);
    churn_state_release(&b->cs);
    asview_free(b->asview);
    by_free(b->by);
    free(b);
}

size_t report_top_rows(const struct report *r)
{
    return r->options.top ? r->options.top : SIZE_MAX;
}

static void build_group_begin(struct report *r, struct group_report *gr)
{
    struct group_build *b = xcalloc(1, sizeof(*b));
    top_init(&b->top, sizeof(struct source_entry), report_top_rows(r), source_cmp);
    churn_state_init(&b->cs);
    member_cursor_init(&b->mc, gr->group, &r->origins);
    b->asview = asview_begin(r, gr);
    b->by = by_begin(r);
    gr->build = b;
}

/*
 * Adds the rows of order (a range of whole remotes, in address order, each
 * remote's rows by bin) to the group. Successive calls must continue the
 * address order.
 */
static void build_group_feed(struct report *r, struct group_report *gr, struct cube *cube,
                             const struct row_order *order)
{
    struct group_build *b = gr->build;
    for (size_t remote = 0; remote < order->remotes; remote++) {
        const uint32_t *rows = order->rows + order->starts[remote];
        size_t nrows = order->starts[remote + 1] - order->starts[remote];
        const struct ip_addr *addr = &cube_row_at(cube, rows[0])->key.remote;
        struct group_match match;
        b->in_group = false;
        if (!b->mc.dated) {
            b->in_group = group_match_at(gr->group, &r->origins, addr, 0, &match);
            if (!b->in_group)
                continue;
            remote_begin(&b->rs, addr, match.entry);
        }
        for (size_t i = 0; i < nrows; i++) {
            int64_t bin;
            if (!report_bin_of(r, order->bins[rows[i]], &bin))
                continue;
            bool fresh;
            if (b->mc.dated) {
                if (!member_cursor_next(&b->mc, addr, bin, &fresh))
                    continue;
                if (!b->in_group)
                    remote_begin(&b->rs, addr, b->mc.entry);
                b->in_group = true;
                b->rs.source.prefix = b->mc.entry; /* the latest match */
            }
            add_row(r, gr, cube_row_at(cube, rows[i]), bin, &b->rs, &b->items, &b->ports);
        }
        if (b->in_group && b->rs.source.packets_out)
            gr->totals.remotes_out++;
        if (b->in_group && b->by) {
            by_remote(b->by, r, &b->rs.source);
            for (size_t i = 0; i < b->rs.services.count; i++) {
                const struct item *it = &b->rs.services.v[i];
                by_service_add(b->by, it->proto, it->service, it->f.packets);
            }
        }
        if (b->in_group) {
            if (b->rs.source.packets_in && !b->rs.spoof_denied && has_spoof_sign(r, addr)) {
                gr->spoofed_likely++;
                gr->spoofed_packets += b->rs.unsolicited_packets;
            }
            remote_end(&b->rs, &b->top, &b->sources, r->options.metric, &gr->churn, &b->cs);
        }
    }
    asview_feed(b->asview, r, cube, order->rows, order->starts[order->remotes]);
}

static void build_group_finish(struct report *r, struct group_report *gr)
{
    struct group_build *b = gr->build;
    items_release(&b->rs.services);
    churn_finish(&gr->churn, &b->cs);
    find_bursts(r, gr);
    evidence_view_build(r, gr);

    size_t n = reduce_items(b->items.v, b->items.count);
    size_t port_n = reduce_items(b->ports.v, b->ports.count);
    gr->totals.sources = b->sources;
    finish_lists(gr, b->items.v, n, b->ports.v, port_n, r->options.metric);
    scanner_view_build(r, gr);
    attack_view_build(r, gr);
    uint64_t unsolicited = 0;
    for (size_t i = 0; i < gr->list_counts[LIST_IN_UNSOLICITED]; i++)
        unsolicited += gr->lists[LIST_IN_UNSOLICITED][i].f.packets;
    gr->spoofed_share = unsolicited ? 100.0 * (double)gr->spoofed_packets / (double)unsolicited : 0;
    items_release(&b->items);
    items_release(&b->ports);

    sort_metric = r->options.metric;
    gr->top = top_take_sorted(&b->top, &gr->top_count);
    asview_finish(b->asview, r, gr);
    b->asview = NULL;
    by_finish(b->by, r, gr);
    b->by = NULL;
    free(b);
    gr->build = NULL;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return a % b < 0 ? q - 1 : q;
}

/*
 * A report ready to be fed rows: its period, groups and series. Returns NULL
 * with a message in err (period too long).
 */
static struct report *report_begin(const struct report_input *input,
                                   const struct report_options *options, char *err, size_t errlen)
{
    const struct input_stats *st = input->stats;
    const struct bin_clock *clock = &options->clock;
    int64_t start = 0, end = 0;

    if (options->has_from)
        start = options->from_s;
    else if (st->packets && st->first_ns <= st->last_ns)
        start = bin_clock_start(clock, floor_div(st->first_ns, 1000000000));
    if (options->has_to)
        end = options->to_s;
    else if (st->packets && st->first_ns <= st->last_ns)
        end = bin_clock_next(clock, floor_div(st->last_ns, 1000000000));
    if (end < start)
        end = start;
    if (end > start &&
        bin_clock_ordinal(clock, end - 1) - bin_clock_ordinal(clock, start) >= MAX_BINS) {
        snprintf(err, errlen,
                 "the period spans more than %d bins; choose it with --from and --to, or a wider "
                 "--bin",
                 MAX_BINS);
        return NULL;
    }

    struct report *r = xcalloc(1, sizeof(*r));
    r->input = input;
    r->options = *options;
    report_shown_settle(r);
    r->period_start = start;
    r->period_start_ordinal = bin_clock_ordinal(clock, start);
    r->period_end = end;
    size_t nbins =
        end > start
            ? (size_t)(bin_clock_ordinal(clock, end - 1) - bin_clock_ordinal(clock, start) + 1)
            : 0;
    r->bins = xcalloc(nbins ? nbins : 1, sizeof(*r->bins));
    r->bin_count = nbins;
    for (size_t b = 0; b < nbins; b++)
        r->bins[b] = b ? bin_clock_next(clock, r->bins[b - 1]) : start;
    r->everything_series = xcalloc(nbins ? nbins : 1, sizeof(*r->everything_series));
    if (options->mask && !options->mask_keep_evidence)
        r->senders = sender_index_new(input->cube ? cube_evidence(input->cube) : NULL);
    gather_spoof_signs(r);

    if (input->origins) {
        r->origins = *input->origins;
    } else if (input->routing) {
        /* routing alone: a series of one, not owned by the report */
        r->routing_one_v.set = (struct prefix_set *)input->routing;
        r->routing_one_v.source = (char *)(input->routing_source ? input->routing_source : "");
        r->routing_one_v.format = "pfx2as";
        r->routing_one_v.day = SNAPSHOT_UNDATED;
        r->routing_one.v = &r->routing_one_v;
        r->routing_one.count = 1;
        r->origins.routing = &r->routing_one;
    }
    r->routing_snapshots = snapshot_uses(r, r->origins.routing);
    r->routing_snapshot_count = r->routing_snapshots ? r->origins.routing->count : 0;

    r->group_count = input->group_count;
    r->groups = xcalloc(input->group_count ? input->group_count : 1, sizeof(*r->groups));
    for (size_t g = 0; g < input->group_count; g++) {
        struct group_report *gr = &r->groups[g];
        gr->group = &input->groups[g];
        gr->series_count = nbins;
        gr->series = xcalloc(nbins ? nbins : 1, sizeof(*gr->series));
        for (size_t b = 0; b < nbins; b++)
            gr->series[b].bin = r->bins[b];
        build_group_begin(r, gr);
    }
    if (options->has_compare) {
        struct report_options other = *options;
        other.has_compare = false;
        other.has_from = other.has_to = true;
        other.from_s = options->compare_from_s;
        other.to_s = options->compare_to_s;
        r->compare = report_begin(input, &other, err, errlen);
        if (!r->compare) {
            report_free(r);
            return NULL;
        }
    }
    return r;
}

/* Feeds the rows of cube (a range of whole remotes, after those fed before) to r. */
static void report_feed(struct report *r, struct cube *cube)
{
    struct row_order order;
    order_rows(cube, &r->options.clock, &order);
    for (struct report *x = r; x; x = x->compare) {
        if (x->senders)
            sender_index_add(x->senders, cube);
        for (size_t g = 0; g < x->group_count; g++)
            build_group_feed(x, &x->groups[g], cube, &order);
        summary_feed(x, cube, order.rows, order.starts, order.remotes, order.bins);
    }
    row_order_release(&order);
}

static void report_finish(struct report *r)
{
    for (struct report *x = r; x; x = x->compare) {
        if (x->senders)
            sender_index_finish(x->senders);
        for (size_t g = 0; g < x->group_count; g++) {
            struct group_report *gr = &x->groups[g];
            build_group_finish(x, gr);
            const struct snapshot_series *files =
                gr->group->kind == GROUP_PREFIXES ? &gr->group->snapshots
                : gr->group->kind == GROUP_ASNS   ? x->origins.routing
                                                  : NULL;
            gr->snapshots = snapshot_uses(x, files);
            gr->snapshot_count = gr->snapshots ? files->count : 0;
        }
    }
}

struct report *report_build(const struct report_input *input, const struct report_options *options,
                            char *err, size_t errlen)
{
    struct report *r = report_begin(input, options, err, errlen);
    if (!r)
        return NULL;
    if (!cube_spilled(input->cube)) {
        report_feed(r, input->cube);
    } else {
        /* Rows beyond memory: fed a range of remotes at a time, in address order. */
        struct cube_chunks *chunks = cube_chunks_open(input->cube, options->chunk_rows,
                                                      options->chunk_read_ahead, err, errlen);
        struct cube *chunk;
        int status = chunks ? 0 : -1;
        while (status == 0 && (chunk = cube_chunks_next(chunks, &status, err, errlen)))
            report_feed(r, chunk);
        cube_chunks_close(chunks);
        if (status < 0) {
            report_free(r);
            return NULL;
        }
    }
    report_finish(r);
    report_warnings_build(r);
    return r;
}

void report_free(struct report *report)
{
    if (!report)
        return;
    for (size_t g = 0; g < report->group_count; g++) {
        struct group_report *gr = &report->groups[g];
        free(gr->series);
        for (unsigned l = 0; l < LIST_COUNT; l++)
            free(gr->lists[l]);
        free(gr->ports_in);
        free(gr->top);
        free(gr->asns_top);
        free(gr->by);
        free(gr->snapshots);
        free(gr->churn.by_net);
        free(gr->churn.by_prefix);
        evidence_view_release(gr);
        scanner_view_release(gr);
        attack_view_release(gr);
        group_build_free(gr->build);
    }
    report_free(report->compare);
    sender_index_free(report->senders);
    free(report->spoof_signs);
    free(report->routing_snapshots);
    free(report->groups);
    free(report->bins);
    free(report->everything_series);
    for (size_t i = 0; i < report->warning_count; i++)
        free(report->warnings[i]);
    free(report->warnings);
    free(report);
}

bool activity_run_next(const struct group_report *gr, unsigned activity, size_t *at, size_t *first,
                       size_t *last)
{
    size_t i = *at;
    while (i < gr->series_count && !gr->series[i].activity[activity])
        i++;
    if (i >= gr->series_count) {
        *at = i;
        return false;
    }
    size_t j = i;
    while (j + 1 < gr->series_count && gr->series[j + 1].activity[activity])
        j++;
    *first = i;
    *last = j;
    *at = j + 1;
    return true;
}
