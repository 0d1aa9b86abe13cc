/*
 * Building the report model from a cube.
 *
 * Cube rows are visited sorted by (remote address, bin), so that each remote
 * address is attributed to a group once, and distinct sources per bin are
 * counted without a set: a (remote, bin) pair is new exactly when it differs
 * from the previous row's. Breakdowns are gathered as (list, category) items
 * and reduced by sorting, which keeps memory linear in the rows of the group.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "report_int.h"

#define MAX_BINS 1000000

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

struct items {
    struct item *v;
    size_t count, alloc;
};

static void item_add(struct items *items, unsigned list, enum initiator initiator, uint8_t proto,
                     uint16_t service, uint64_t packets, uint64_t bytes, uint64_t flows)
{
    ALLOC_GROW(items->v, items->count + 1, items->alloc);
    struct item *it = &items->v[items->count++];
    memset(it, 0, sizeof(*it));
    it->list = (uint8_t)list;
    it->initiator = (uint8_t)initiator;
    it->named = initiator == INITIATOR_SENSOR ? (uint8_t)category_named(proto, service) : 0;
    if (!it->named) {
        it->proto = proto;
        it->service = service;
    }
    it->f.packets = packets;
    it->f.bytes = bytes;
    it->f.flows = flows;
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

static bool item_same(const struct item *x, const struct item *y)
{
    return x->list == y->list && x->named == y->named && x->proto == y->proto &&
           x->service == y->service;
}

/* Sorts and sums items with the same key in place; returns the new count. */
static size_t reduce_items(struct item *v, size_t n)
{
    size_t out = 0;
    if (n == 0)
        return 0; /* v may be NULL, which qsort() must not see */
    qsort(v, n, sizeof(*v), item_cmp);
    for (size_t i = 0; i < n; i++) {
        if (out && item_same(&v[out - 1], &v[i])) {
            v[out - 1].f.packets += v[i].f.packets;
            v[out - 1].f.bytes += v[i].f.bytes;
            v[out - 1].f.flows += v[i].f.flows;
        } else {
            v[out++] = v[i];
        }
    }
    return out;
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
    switch (metric) {
    case METRIC_BYTES:
        return s->bytes_in;
    case METRIC_FLOWS:
        return s->flows;
    default:
        return s->packets_in;
    }
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
    switch (metric) {
    case METRIC_BYTES:
        return in ? t->bytes_in : t->bytes_out;
    case METRIC_FLOWS:
        return t->flows;
    default:
        return in ? t->packets_in : t->packets_out;
    }
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
static void finish_lists(struct group_report *gr, struct item *v, size_t n, struct item *ports,
                         size_t port_n, enum metric metric)
{
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
        e->f = it->f;
        e->f.share = share(figures_metric(&e->f, metric),
                           direction_total(&gr->totals, list_is_in(it->list), metric));
    }
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
        p->f.share = share(figures_metric(&p->f, metric),
                           direction_total(&gr->totals, true, metric));
    }
    if (gr->port_count)
        qsort(gr->ports_in, gr->port_count, sizeof(*gr->ports_in), port_cmp);
}

/* ---- per remote address ---------------------------------------------------- */

struct remote_state {
    struct source_entry source;
    struct items services; /* unsolicited services of this remote */
    int64_t last_counted_bin;
};

static void remote_begin(struct remote_state *rs, const struct ip_addr *addr,
                         const struct prefix_entry *prefix)
{
    memset(&rs->source, 0, sizeof(rs->source));
    rs->source.addr = *addr;
    rs->source.prefix = prefix;
    rs->source.first_ns = INT64_MAX;
    rs->source.last_ns = INT64_MIN;
    rs->services.count = 0;
    rs->last_counted_bin = INT64_MIN;
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
static void remote_end(struct remote_state *rs, struct source_entry **sources, size_t *count,
                       size_t *alloc, enum metric metric)
{
    struct source_entry *s = &rs->source;
    if (s->packets_in == 0)
        return;
    size_t n = reduce_items(rs->services.v, rs->services.count);
    sort_metric = metric;
    if (n)
        qsort(rs->services.v, n, sizeof(*rs->services.v), service_item_cmp);
    s->services_total = n;
    s->service_count = n < 5 ? n : 5;
    for (size_t i = 0; i < s->service_count; i++)
        service_format(rs->services.v[i].proto, rs->services.v[i].service, s->services[i],
                       sizeof(s->services[i]));
    ALLOC_GROW(*sources, *count + 1, *alloc);
    (*sources)[(*count)++] = *s;
}

/* ---- building ----------------------------------------------------------------- */

static _Thread_local struct cube *sort_cube;
static _Thread_local const struct bin_clock *sort_clock;

/*
 * The report's bin of a cube row. A cube may be finer than the report (a
 * store keeps quarter hours); its bins nest in the report's as long as the
 * zone offset is a multiple of the cube's width, which the caller checks.
 */
static int64_t report_bin(const struct bin_clock *clock, const struct cube_row *row)
{
    return bin_clock_start(clock, row->key.bin);
}

static int row_cmp(const void *a, const void *b)
{
    const struct cube_row *x = cube_row_at(sort_cube, *(const uint32_t *)a);
    const struct cube_row *y = cube_row_at(sort_cube, *(const uint32_t *)b);
    int c = addr_compare(&x->key.remote, &y->key.remote);
    if (c)
        return c;
    int64_t xb = report_bin(sort_clock, x), yb = report_bin(sort_clock, y);
    if (xb != yb)
        return xb < yb ? -1 : 1;
    return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

static void add_row(struct report *r, struct group_report *gr, const struct cube_row *row,
                    int64_t bin, struct remote_state *rs, struct items *items, struct items *ports)
{
    const struct cube_key *k = &row->key;
    const struct cube_counts *c = &row->counts;
    struct series_point *pt = &gr->series[(bin - r->period_start) / r->options.clock.width_s];
    enum initiator initiator = (enum initiator)k->initiator;

    pt->packets_in += c->packets_in;
    pt->packets_out += c->packets_out;
    pt->bytes_in += c->bytes_in;
    pt->bytes_out += c->bytes_out;
    pt->flows += c->flows;
    if (c->packets_in && rs->last_counted_bin != bin) {
        pt->sources++;
        rs->last_counted_bin = bin;
    }
    gr->totals.packets_in += c->packets_in;
    gr->totals.packets_out += c->packets_out;
    gr->totals.bytes_in += c->bytes_in;
    gr->totals.bytes_out += c->bytes_out;
    gr->totals.flows += c->flows;

    unsigned in_list = initiator == INITIATOR_SENSOR   ? LIST_IN_REPLIES
                       : initiator == INITIATOR_REMOTE ? LIST_IN_UNSOLICITED
                                                       : LIST_IN_UNKNOWN;
    unsigned out_list = initiator == INITIATOR_SENSOR   ? LIST_OUT
                        : initiator == INITIATOR_REMOTE ? LIST_OUT_REPLIES
                                                        : LIST_OUT_UNKNOWN;
    item_add(items, in_list, initiator, k->proto, k->service, c->packets_in, c->bytes_in,
             c->flows);
    item_add(items, out_list, initiator, k->proto, k->service, c->packets_out, c->bytes_out,
             c->flows);

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

static void build_group(struct report *r, struct group_report *gr, const uint32_t *order,
                        size_t nrows)
{
    const struct report_input *in = r->input;
    struct items items = {0}, ports = {0};
    struct remote_state rs;
    struct source_entry *sources = NULL;
    size_t source_count = 0, source_alloc = 0;
    bool in_group = false;
    const struct ip_addr *current = NULL;

    memset(&rs, 0, sizeof(rs));
    for (size_t i = 0; i < nrows; i++) {
        const struct cube_row *row = cube_row_at(in->cube, order[i]);
        if (!current || addr_compare(current, &row->key.remote) != 0) {
            if (in_group)
                remote_end(&rs, &sources, &source_count, &source_alloc, r->options.metric);
            struct group_match match;
            current = &row->key.remote;
            in_group = group_match(gr->group, in->routing, current, &match);
            if (in_group)
                remote_begin(&rs, current, match.entry);
        }
        int64_t bin = report_bin(&r->options.clock, row);
        if (!in_group || bin < r->period_start || bin >= r->period_end)
            continue;
        add_row(r, gr, row, bin, &rs, &items, &ports);
    }
    if (in_group)
        remote_end(&rs, &sources, &source_count, &source_alloc, r->options.metric);
    free(rs.services.v);

    size_t n = reduce_items(items.v, items.count);
    size_t port_n = reduce_items(ports.v, ports.count);
    gr->totals.sources = source_count;
    finish_lists(gr, items.v, n, ports.v, port_n, r->options.metric);
    free(items.v);
    free(ports.v);

    sort_metric = r->options.metric;
    if (source_count)
        qsort(sources, source_count, sizeof(*sources), source_cmp);
    gr->top_count = source_count < r->options.top ? source_count : r->options.top;
    gr->top = sources;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return a % b < 0 ? q - 1 : q;
}

struct report *report_build(const struct report_input *input, const struct report_options *options,
                            char *err, size_t errlen)
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
        end = bin_clock_start(clock, floor_div(st->last_ns, 1000000000)) + clock->width_s;
    if (end < start)
        end = start;
    if ((end - start) / clock->width_s > MAX_BINS) {
        snprintf(err, errlen,
                 "the period spans more than %d bins; choose it with --from and --to", MAX_BINS);
        return NULL;
    }

    struct report *r = xcalloc(1, sizeof(*r));
    r->input = input;
    r->options = *options;
    r->period_start = start;
    r->period_end = end;
    size_t nbins = (size_t)((end - start) / clock->width_s);

    size_t nrows = cube_row_count(input->cube);
    uint32_t *order = xcalloc(nrows ? nrows : 1, sizeof(*order));
    for (size_t i = 0; i < nrows; i++)
        order[i] = (uint32_t)i;
    sort_cube = input->cube;
    sort_clock = &options->clock;
    if (nrows)
        qsort(order, nrows, sizeof(*order), row_cmp);

    r->group_count = input->group_count;
    r->groups = xcalloc(input->group_count ? input->group_count : 1, sizeof(*r->groups));
    for (size_t g = 0; g < input->group_count; g++) {
        struct group_report *gr = &r->groups[g];
        gr->group = &input->groups[g];
        gr->series_count = nbins;
        gr->series = xcalloc(nbins ? nbins : 1, sizeof(*gr->series));
        for (size_t b = 0; b < nbins; b++)
            gr->series[b].bin = start + (int64_t)b * clock->width_s;
        build_group(r, gr, order, nrows);
    }
    free(order);
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
    }
    free(report->groups);
    free(report);
}
