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

/* The first of the report's bins that starts at or after s. */
static size_t first_bin_from(const struct report *r, int64_t s)
{
    size_t lo = 0, hi = r->bin_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->bins[mid] < s)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct snapshot_use *snapshot_uses(const struct report *r, const struct snapshot_series *series)
{
    if (!series || series->count == 0)
        return NULL;
    struct snapshot_use *uses = xcalloc(series->count, sizeof(*uses));
    for (size_t i = 0; i < series->count; i++) {
        int64_t from, to;
        snapshot_span(series, i, &from, &to);
        /* Bins [first, stop) start inside [from, to). */
        size_t first = first_bin_from(r, from);
        size_t stop = first_bin_from(r, to);
        uses[i].snapshot = &series->v[i];
        uses[i].used = first < stop;
        if (uses[i].used) {
            uses[i].first_bin = r->bins[first];
            uses[i].last_bin = r->bins[stop - 1];
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
