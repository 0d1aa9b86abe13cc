/*
 * What a report warns its reader of, beside the numbers: a dated snapshot
 * (a routing table, a provider's ranges, an mmdb) that decided bins far
 * from its own date, so that a 2026 file naming 2013 traffic or a 2008
 * table naming 2013 traffic cannot pass with one quiet header line; and
 * much of the traffic with no origin AS known. The CLI repeats them on
 * stderr; every format shows them in its header (docs/naming.md).
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "report_int.h"

/* Above this share of the traffic with no origin AS known, the report warns. */
#define NO_ORIGIN_WARN_SHARE 10.0

/* Lets gcc and clang check the format strings, as cli.h's PRINTF_LIKE does. */
#if defined(__GNUC__)
#define WARN_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define WARN_PRINTF(fmt, args)
#endif

static void warn(struct report *to, const char *fmt, ...) WARN_PRINTF(2, 3);

static void warn(struct report *to, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    to->warnings = xreallocarray(to->warnings, to->warning_count + 1, sizeof(*to->warnings));
    to->warnings[to->warning_count++] = xstrdup(text);
}

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

/* The end of the bin starting at bin_s: the next one's start, or the period's end. */
static int64_t bin_end(const struct report *r, int64_t bin_s)
{
    int64_t next = bin_clock_next(&r->options.clock, bin_s);
    return next < r->period_end ? next : r->period_end;
}

/*
 * Warns (into to) when the bins [first, last] that the file of day decided
 * reach further than the allowed age from that day. what names the file.
 */
static void check_age(struct report *to, const struct report *r, const char *what,
                      const char *source, int64_t day, int64_t first, int64_t last)
{
    uint32_t max_age =
        r->options.snapshot_max_age ? r->options.snapshot_max_age : SNAPSHOT_MAX_AGE_DEFAULT;
    if (day == SNAPSHOT_UNDATED)
        return;
    int64_t at = day * 86400;
    int64_t early = abs64(first - at), late = abs64(bin_end(r, last) - at);
    int64_t far_days = (early > late ? early : late) / 86400;
    if (far_days <= (int64_t)max_age)
        return;
    char date[16], a[40], b[40];
    snapshot_day_format(day, date, sizeof(date));
    format_bin(r, first, a, sizeof(a));
    format_bin(r, last, b, sizeof(b));
    warn(to,
         "%s%s '%s' of %s decided the bins %s .. %s, up to %" PRId64
         " days from its date (more than %" PRIu32 "; --snapshot-max-age)",
         to == r ? "" : "compared period: ", what, report_path(r, source), date, a, b, far_days,
         max_age);
}

static void check_uses(struct report *to, const struct report *r, const char *what,
                       const struct snapshot_use *uses, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (uses[i].used)
            check_age(to, r, what, uses[i].snapshot->source, uses[i].snapshot->day,
                      uses[i].first_bin, uses[i].last_bin);
}

double report_no_origin_share(const struct report *r)
{
    if (!origin_sources_any(&r->origins))
        return NAN;
    const struct summary_point *all = &r->everything, *none = &r->no_origin;
    uint64_t part = r->options.metric == METRIC_BYTES ? none->bytes_in + none->bytes_out
                                                      : none->packets_in + none->packets_out;
    uint64_t whole = r->options.metric == METRIC_BYTES ? all->bytes_in + all->bytes_out
                                                       : all->packets_in + all->packets_out;
    return whole ? 100.0 * (double)part / (double)whole : NAN;
}

static void period_warnings(struct report *to, const struct report *r)
{
    char what[300];
    check_uses(to, r, "routing snapshot", r->routing_snapshots, r->routing_snapshot_count);
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        if (gr->group->kind != GROUP_PREFIXES)
            continue;
        char name[200];
        utf8_sanitize(gr->group->name, name, sizeof(name));
        snprintf(what, sizeof(what), "group '%s': prefix file", name);
        check_uses(to, r, what, gr->snapshots, gr->snapshot_count);
    }
    if (r->origins.mmdb && r->bin_count)
        check_age(to, r, "mmdb", mmdb_source_path(r->origins.mmdb),
                  mmdb_source_day(r->origins.mmdb), r->bins[0], r->bins[r->bin_count - 1]);
    double share = report_no_origin_share(r);
    if (!isnan(share) && share >= NO_ORIGIN_WARN_SHARE)
        warn(to, "%sno origin AS known for %.1f%% of the %s both ways",
             to == r ? "" : "compared period: ", share,
             r->options.metric == METRIC_BYTES ? "bytes" : "packets");
}

/* Captures holding the same packets: counted twice unless the later was skipped. */
static void overlap_warnings(struct report *r)
{
    for (size_t i = 0; i < r->input->overlap_count; i++) {
        const struct report_overlap *o = &r->input->overlaps[i];
        char a[48], b[48], names[600];
        format_time(r, o->first_ns, a, sizeof(a));
        format_time(r, o->last_ns, b, sizeof(b));
        /* A masked report names no capture (its header lists none). */
        if (r->shown.redact)
            snprintf(names, sizeof(names), "a capture holds packets of another");
        else
            snprintf(names, sizeof(names), "'%s' holds packets of '%s'", o->file, o->overlaps_with);
        warn(r, "%s (%.1f%% of its sampled packets; the two overlap from %s to %s): %s", names,
             o->share, a, b,
             o->skipped ? "the later skipped (--skip-overlapping)"
                        : "both counted (--skip-overlapping would read the earlier only)");
    }
}

/*
 * A flow table holds what its share of --memory holds (or --max-flows): a
 * conversation that outlived its place in a full table is counted again as
 * a new flow when it goes on. Said, with the way out.
 */
static void flow_warnings(struct report *r)
{
    const struct input_stats *st = r->input->stats;
    if (!st || !st->flows.evicted)
        return;
    char count[48] = ""; /* a masked report shows no count */
    if (r->shown.counts)
        snprintf(count, sizeof(count), "%" PRIu64 " ", st->flows.evicted);
    warn(r,
         "%sflows ended early, their table full (a share of --memory, or --max-flows): "
         "conversations that went on count as more flows; more --memory (or --max-flows) "
         "holds more",
         count);
}

/*
 * Evidence is bounded (parse buffers per counting thread, from --memory, and the memory of
 * the table that keeps it: one per counting thread, cube_set_evidence_bytes()):
 * past either bound its counts are lower bounds, and with more threads (each
 * its own table) the bound falls elsewhere. Said, not hidden.
 */
static void evidence_warnings(struct report *r)
{
    const struct input_stats *st = r->input->stats;
    if (!st)
        return;
    const char *lower = "evidence totals, distinct counts and top values are lower bounds";
    char count[48] = ""; /* a masked report shows no count */
    if (st->evidence_dropped) {
        if (r->shown.counts)
            snprintf(count, sizeof(count), ": %" PRIu64 " counted as", st->evidence_dropped);
        warn(r, "evidence past the memory of its table (a quarter of --memory)%s%s; %s", count,
             r->shown.counts ? " dropped, not kept" : " was dropped", lower);
    }
    if (st->evidence_skipped) {
        if (r->shown.counts)
            snprintf(count, sizeof(count), "%" PRIu64 " ", st->evidence_skipped);
        warn(r,
             "%sconversation sides not parsed for evidence (every parse buffer of their thread "
             "in use; more --memory gives more); %s",
             count, lower);
    }
}

void report_warnings_build(struct report *r)
{
    overlap_warnings(r);
    flow_warnings(r);
    evidence_warnings(r);
    period_warnings(r, r);
    if (r->compare)
        period_warnings(r, r->compare);
}

const char *const *report_warnings(const struct report *report, size_t *count)
{
    *count = report->warning_count;
    return (const char *const *)report->warnings;
}
