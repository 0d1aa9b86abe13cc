/*
 * The summary across groups: everything the sensor received and sent in the
 * period, whichever group the remote side is in, and each group's share of
 * it, in total and bin by bin. "AWS sent 2.0 % of everything the sensor
 * received" is a share, so it stays under --mask.
 */
#include <math.h>
#include <stdint.h>

#include "report_int.h"

const char *const summary_field_names[7] = {
    "packets_in", "packets_out", "bytes_in", "bytes_out", "flows", "sources_in", "sources_out",
};

uint64_t summary_field(const struct summary_point *p, size_t k)
{
    switch (k) {
    case 0:
        return p->packets_in;
    case 1:
        return p->packets_out;
    case 2:
        return p->bytes_in;
    case 3:
        return p->bytes_out;
    case 4:
        return p->flows;
    case 5:
        return p->sources_in;
    default:
        return p->sources_out;
    }
}

static void point_add(struct summary_point *p, const struct cube_counts *c)
{
    p->packets_in += c->packets_in;
    p->packets_out += c->packets_out;
    p->bytes_in += c->bytes_in;
    p->bytes_out += c->bytes_out;
    p->flows += c->flows;
}

/*
 * Whether the routing snapshots (the one deciding the bin) or the mmdb know
 * the origin AS of remote: looked up again only when the snapshot changes.
 */
struct origin_cache {
    bool valid, known;
    size_t epoch;
};

static bool origin_known(const struct report *r, struct origin_cache *c,
                         const struct ip_addr *remote, int64_t bin)
{
    const struct snapshot_series *routing = r->origins.routing;
    size_t epoch = routing && routing->count > 1 ? snapshot_index(routing, bin) : 0;
    if (!c->valid || c->epoch != epoch) {
        struct origin o;
        c->known = origin_lookup(&r->origins, remote, bin, &o);
        c->epoch = epoch;
        c->valid = true;
    }
    return c->known;
}

void summary_feed(struct report *r, struct cube *cube, const uint32_t *rows, const uint32_t *starts,
                  size_t remotes, const int64_t *row_bins)
{
    bool origins = origin_sources_any(&r->origins);
    for (size_t k = 0; k < remotes; k++) {
        int64_t last_in = INT64_MIN, last_out = INT64_MIN;
        bool sent = false, received = false;
        struct origin_cache cache = {false, false, 0};
        for (uint32_t i = starts[k]; i < starts[k + 1]; i++) {
            const struct cube_row *row = cube_row_at(cube, rows[i]);
            int64_t bin;
            if (!report_bin_of(r, row_bins[rows[i]], &bin))
                continue;
            struct summary_point *p = &r->everything_series[report_bin_index(r, bin)];
            point_add(p, &row->counts);
            point_add(&r->everything, &row->counts);
            if (origins && !origin_known(r, &cache, &row->key.remote, bin))
                point_add(&r->no_origin, &row->counts);
            if (row->key.initiator == INITIATOR_SENSOR)
                r->sensor_started += row->counts.flows + row->counts.packets_out;
            /* A remote's rows come by bin: it is counted once per bin each way. */
            if (row->counts.packets_in && last_in != bin) {
                p->sources_in++;
                last_in = bin;
                received = true;
            }
            if (row->counts.packets_out && last_out != bin) {
                p->sources_out++;
                last_out = bin;
                sent = true;
            }
        }
        r->everything.sources_in += received;
        r->everything.sources_out += sent;
    }
}

const struct summary_point *summary_everything(const struct report *r, size_t bin)
{
    return bin == SIZE_MAX ? &r->everything : &r->everything_series[bin];
}

static double share(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : NAN;
}

void summary_part_of(const struct report *r, const struct group_report *gr, size_t bin,
                     struct summary_part *out)
{
    struct summary_point *p = &out->part;
    if (bin == SIZE_MAX) {
        const struct totals *t = &gr->totals;
        *p = (struct summary_point){t->packets_in, t->packets_out, t->bytes_in,   t->bytes_out,
                                    t->flows,      t->sources,     t->remotes_out};
    } else {
        const struct series_point *s = &gr->series[bin];
        *p = (struct summary_point){s->packets_in, s->packets_out, s->bytes_in,   s->bytes_out,
                                    s->flows,      s->sources,     s->remotes_out};
    }
    const struct summary_point *all = summary_everything(r, bin);
    out->share[0] = share(p->packets_in, all->packets_in);
    out->share[1] = share(p->packets_out, all->packets_out);
    out->share[2] = share(p->bytes_in, all->bytes_in);
    out->share[3] = share(p->bytes_out, all->bytes_out);
    out->share[4] = share(p->flows, all->flows);
    out->share[5] = share(p->sources_in, all->sources_in);
    out->share[6] = share(p->sources_out, all->sources_out);
}
