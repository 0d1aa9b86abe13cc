/*
 * The "top origin ASes" of a group: its traffic by the origin AS of each
 * remote address, as the routing snapshot in force at each bin (or the mmdb)
 * says, with the AS names.
 *
 * Rows come sorted by remote and bin, so the AS is looked up once per remote
 * address and snapshot; (remote, AS) runs are gathered as items and reduced
 * by sorting, as report.c does for categories.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "report_int.h"

#define COUNTED_MAX 8 /* distinct ASes one address can have over the period */

struct as_items {
    struct as_entry *v;
    size_t count, alloc;
};

static int asn_cmp(const void *a, const void *b)
{
    const struct as_entry *x = a, *y = b;
    return (x->asn > y->asn) - (x->asn < y->asn);
}

static _Thread_local enum metric as_sort_metric;

static uint64_t as_metric(const struct as_entry *e, enum metric metric)
{
    return metric_pick(metric, e->packets_in + e->packets_out, e->bytes_in + e->bytes_out,
                       e->flows);
}

static int as_rank_cmp(const void *a, const void *b)
{
    const struct as_entry *x = a, *y = b;
    uint64_t mx = as_metric(x, as_sort_metric), my = as_metric(y, as_sort_metric);
    if (mx != my)
        return mx > my ? -1 : 1;
    return asn_cmp(a, b);
}

/* Reduces items with the same AS; returns the new count. */
static size_t reduce(struct as_entry *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof(*v), asn_cmp);
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        if (out && v[out - 1].asn == v[i].asn) {
            struct as_entry *e = &v[out - 1];
            e->packets_in += v[i].packets_in;
            e->packets_out += v[i].packets_out;
            e->bytes_in += v[i].bytes_in;
            e->bytes_out += v[i].bytes_out;
            e->flows += v[i].flows;
            e->sources += v[i].sources;
            if (!e->name[0])
                e->name = v[i].name;
        } else {
            v[out++] = v[i];
        }
    }
    return out;
}

/* What asview_feed() carries from one range of remotes to the next. */
struct asview_state {
    struct member_cursor mc;
    struct as_items items;
    struct as_entry cur; /* the (remote, AS) run being summed */
    bool have_cur;
    uint32_t counted[COUNTED_MAX]; /* ASes this remote was counted a source of */
    size_t ncounted;
    size_t epoch;
};

struct asview_state *asview_begin(const struct report *r, const struct group_report *gr)
{
    if (!origin_sources_any(&r->origins))
        return NULL;
    struct asview_state *s = xcalloc(1, sizeof(*s));
    member_cursor_init(&s->mc, gr->group, &r->origins);
    return s;
}

static void end_run(struct asview_state *s)
{
    if (s->have_cur) {
        ALLOC_GROW(s->items.v, s->items.count + 1, s->items.alloc);
        s->items.v[s->items.count++] = s->cur;
    }
    s->have_cur = false;
}

void asview_feed(struct asview_state *s, const struct report *r, struct cube *cube,
                 const uint32_t *order, size_t nrows)
{
    if (!s)
        return;
    const struct origin_sources *origins = &r->origins;
    const struct snapshot_series *routing = origins->routing;
    const bool routing_dated = routing && routing->count > 1;
    for (size_t i = 0; i < nrows; i++) {
        const struct cube_row *row = cube_row_at(cube, order[i]);
        int64_t bin;
        bool in_period = report_bin_of(r, row->key.bin, &bin);
        bool new_remote;
        bool member = member_cursor_next(&s->mc, &row->key.remote, in_period ? bin : row->key.bin,
                                         &new_remote);
        if (new_remote) {
            end_run(s);
            s->ncounted = 0;
        }
        if (!member || !in_period)
            continue;
        size_t e = routing_dated ? snapshot_index(routing, bin) : 0;
        if (!s->have_cur || e != s->epoch) {
            struct origin o;
            origin_lookup(origins, &row->key.remote, bin, &o);
            if (s->have_cur && o.asn != s->cur.asn)
                end_run(s);
            if (!s->have_cur) {
                memset(&s->cur, 0, sizeof(s->cur));
                s->cur.asn = o.asn;
                s->cur.name = o.name;
                s->have_cur = true;
            }
            s->epoch = e;
        }
        const struct cube_counts *c = &row->counts;
        s->cur.packets_in += c->packets_in;
        s->cur.packets_out += c->packets_out;
        s->cur.bytes_in += c->bytes_in;
        s->cur.bytes_out += c->bytes_out;
        s->cur.flows += c->flows;
        if (c->packets_in) {
            bool seen = false;
            for (size_t k = 0; k < s->ncounted; k++)
                seen = seen || s->counted[k] == s->cur.asn;
            if (!seen) {
                s->cur.sources++;
                if (s->ncounted < COUNTED_MAX)
                    s->counted[s->ncounted++] = s->cur.asn;
            }
        }
    }
}

void asview_free(struct asview_state *s)
{
    if (!s)
        return;
    free(s->items.v);
    free(s);
}

void asview_finish(struct asview_state *s, const struct report *r, struct group_report *gr)
{
    if (!s)
        return;
    end_run(s);
    struct as_items items = s->items;
    free(s);
    size_t n = reduce(items.v, items.count);
    uint64_t whole = 0;
    switch (r->options.metric) {
    case METRIC_BYTES:
        whole = gr->totals.bytes_in + gr->totals.bytes_out;
        break;
    case METRIC_FLOWS:
        whole = gr->totals.flows;
        break;
    default:
        whole = gr->totals.packets_in + gr->totals.packets_out;
        break;
    }
    for (size_t i = 0; i < n; i++)
        items.v[i].share =
            whole ? 100.0 * (double)as_metric(&items.v[i], r->options.metric) / (double)whole : 0.0;
    as_sort_metric = r->options.metric;
    if (n)
        qsort(items.v, n, sizeof(*items.v), as_rank_cmp);
    gr->asn_count = n;
    for (size_t i = 0; i < n; i++)
        if (items.v[i].asn == 0)
            gr->asn_count--; /* "no AS known" is not an AS */
    gr->asn_top_count = n < report_top_rows(r) ? n : report_top_rows(r);
    gr->asns_top = items.v ? items.v : xcalloc(1, sizeof(*gr->asns_top));
}
