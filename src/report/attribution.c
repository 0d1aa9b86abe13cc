/*
 * Attribution over the report's rows: which remote addresses belong to a
 * group bin by bin when its files (or the routing table) are dated
 * snapshots, and which bins of the period each snapshot decided.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "report_int.h"

void member_cursor_init(struct member_cursor *c, const struct group *group,
                        const struct origin_sources *origins)
{
    memset(c, 0, sizeof(*c));
    c->group = group;
    c->origins = origins;
    c->dated = group_dated(group, origins);
}

bool member_cursor_next(struct member_cursor *c, const struct ip_addr *remote, int64_t bin_s,
                        bool *new_remote)
{
    bool fresh = !c->started || !addr_equal(&c->remote, remote);
    *new_remote = fresh;
    size_t epoch = c->dated ? group_epoch(c->group, c->origins, bin_s) : 0;
    if (fresh || epoch != c->epoch) {
        struct group_match match;
        c->started = true;
        c->remote = *remote;
        c->epoch = epoch;
        c->in = group_match_at(c->group, c->origins, remote, bin_s, &match);
        c->entry = match.entry;
    }
    return c->in;
}

/* ceil(a / b) for b > 0 and a >= 0. */
static int64_t ceil_div(int64_t a, int64_t b)
{
    return a / b + (a % b != 0);
}

struct snapshot_use *snapshot_uses(const struct report *r, const struct snapshot_series *series)
{
    if (!series || series->count == 0)
        return NULL;
    struct snapshot_use *uses = xcalloc(series->count, sizeof(*uses));
    const int64_t start = r->period_start, end = r->period_end, w = r->options.clock.width_s;
    const int64_t nbins = end > start ? (end - start) / w : 0;
    for (size_t i = 0; i < series->count; i++) {
        int64_t from, to;
        snapshot_span(series, i, &from, &to);
        /* Bins k in [first, stop) start inside [from, to). */
        int64_t first = from <= start ? 0 : ceil_div(from - start, w);
        int64_t stop = to >= end ? nbins : to <= start ? 0 : ceil_div(to - start, w);
        if (first > nbins)
            first = nbins;
        uses[i].snapshot = &series->v[i];
        uses[i].used = first < stop;
        if (uses[i].used) {
            uses[i].first_bin = start + first * w;
            uses[i].last_bin = start + (stop - 1) * w;
        }
    }
    return uses;
}

const char *group_prefixes_source(const struct group *group)
{
    const struct snapshot_series *series = &group->snapshots;
    if (group->kind == GROUP_PREFIXES && series->count)
        return series->v[series->count - 1].source;
    return group->source;
}
