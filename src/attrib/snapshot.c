/*
 * Dated snapshots of a prefix table, and the origin AS of an address from
 * routing snapshots, an mmdb and AS names.
 *
 * A series is short (a few files), kept sorted by day, and searched by
 * bisection; the report asks once per remote address and snapshot change,
 * not per packet.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "attrib_int.h"

void snapshot_series_init(struct snapshot_series *series)
{
    memset(series, 0, sizeof(*series));
}

void snapshot_series_release(struct snapshot_series *series)
{
    for (size_t i = 0; i < series->count; i++) {
        prefix_set_free(series->v[i].set);
        free(series->v[i].source);
    }
    free(series->v);
    memset(series, 0, sizeof(*series));
}

int snapshot_series_add(struct snapshot_series *series, struct prefix_set *set, const char *source,
                        const char *format, int64_t day, char *err, size_t errlen)
{
    char a[16];
    if (series->count && (day == SNAPSHOT_UNDATED || series->v[0].day == SNAPSHOT_UNDATED)) {
        const char *undated = day == SNAPSHOT_UNDATED ? source : series->v[0].source;
        attrib_err(err, errlen,
                   "'%s' has no date, and it is not the only file: date it as FILE@YYYY-MM-DD",
                   undated);
        prefix_set_free(set);
        return -1;
    }
    size_t at = series->count;
    while (at > 0 && series->v[at - 1].day > day)
        at--;
    if (at > 0 && series->v[at - 1].day == day) {
        snapshot_day_format(day, a, sizeof(a));
        attrib_err(err, errlen, "'%s' and '%s' are both snapshots of %s", series->v[at - 1].source,
                   source, a);
        prefix_set_free(set);
        return -1;
    }
    ALLOC_GROW(series->v, series->count + 1, series->alloc);
    memmove(&series->v[at + 1], &series->v[at], (series->count - at) * sizeof(*series->v));
    series->v[at].set = set;
    series->v[at].source = xstrdup(source);
    series->v[at].format = format ? format : "";
    series->v[at].day = day;
    series->count++;
    return 0;
}

/* Days to seconds without overflow for any day a snapshot can have. */
static int64_t day_start(int64_t day)
{
    return day * 86400;
}

/*
 * The first second of snapshot i's reign (i >= 1): its day's start, or under
 * the nearest rule the second halfway from the previous one's (rounded up,
 * so a time exactly between goes to the later table).
 */
static int64_t reign_start(const struct snapshot_series *series, size_t i)
{
    int64_t here = day_start(series->v[i].day);
    if (series->rule != SNAPSHOT_NEAREST)
        return here;
    int64_t before = day_start(series->v[i - 1].day);
    return before + (here - before + 1) / 2;
}

size_t snapshot_index(const struct snapshot_series *series, int64_t unix_s)
{
    if (series->count < 2)
        return 0;
    /* The last snapshot reigning from at or before unix_s; the first if none. */
    size_t lo = 0, hi = series->count; /* answer in [lo, hi) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (reign_start(series, mid) <= unix_s)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

const struct prefix_set *snapshot_for(const struct snapshot_series *series, int64_t unix_s)
{
    if (!series || series->count == 0)
        return NULL;
    return series->v[snapshot_index(series, unix_s)].set;
}

void snapshot_span(const struct snapshot_series *series, size_t i, int64_t *from_s, int64_t *to_s)
{
    *from_s = i == 0 ? INT64_MIN : reign_start(series, i);
    *to_s = i + 1 >= series->count ? INT64_MAX : reign_start(series, i + 1);
}

/* ---- origin ASes -------------------------------------------------------------- */

bool origin_sources_any(const struct origin_sources *sources)
{
    return sources && ((sources->routing && sources->routing->count) || sources->mmdb);
}

bool origin_lookup(const struct origin_sources *sources, const struct ip_addr *addr, int64_t unix_s,
                   struct origin *out)
{
    return origin_find(sources, addr, unix_s, out, true);
}

bool origin_find(const struct origin_sources *sources, const struct ip_addr *addr, int64_t unix_s,
                 struct origin *out, bool with_name)
{
    memset(out, 0, sizeof(*out));
    out->name = "";
    out->day = SNAPSHOT_UNDATED;
    if (!sources)
        return false;

    const struct prefix_entry *mm = NULL;
    bool mm_done = false;
    if (sources->routing && sources->routing->count) {
        size_t i = snapshot_index(sources->routing, unix_s);
        const struct snapshot *snap = &sources->routing->v[i];
        const struct prefix_entry *e = prefix_set_lookup(snap->set, addr);
        if (e && e->asn) {
            out->asn = e->asn;
            out->entry = e;
            out->source = snap->source;
            out->day = snap->day;
        }
    }
    if (!out->asn && sources->mmdb) {
        mm = mmdb_source_lookup(sources->mmdb, addr);
        mm_done = true;
        if (mm && mm->asn) {
            out->asn = mm->asn;
            out->entry = mm;
            out->source = mmdb_source_path(sources->mmdb);
            out->day = mmdb_source_day(sources->mmdb);
        }
    }
    if (!out->asn)
        return false;
    if (!with_name)
        return true;

    const char *name = sources->names ? as_names_get(sources->names, out->asn) : NULL;
    if (!name && sources->mmdb) {
        if (!mm_done)
            mm = mmdb_source_lookup(sources->mmdb, addr);
        if (mm && mm->asn == out->asn && mm->label[0])
            name = mm->label;
    }
    out->name = name ? name : "";
    return true;
}
