/*
 * The report as text for a terminal or a mail: one block per group, each
 * table with a title in the words of docs/semantics.md. Foreign strings go
 * through text_escape(), so a label cannot move the cursor or recolour the
 * screen.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "../capture/capture.h"
#include "report_int.h"

#define BAR_WIDTH 24

/* The sensor line: the names the report's view gives, "(none)" for none. */
static void sensor_line(const struct report *r, FILE *out)
{
    char text[PREFIX_TEXT_MAX];
    const char *name;
    size_t i = 0;
    fprintf(out, "sensor   ");
    for (; (name = report_sensor_name(r, i, text)); i++)
        fprintf(out, "%s%s", i ? ", " : "", name);
    fprintf(out, "%s\n", i ? "" : "(none)");
}

/* The header of a report whose view hides counts (and the sensor with them). */
static void header_without_counts(const struct report *r, FILE *out)
{
    char a[40], b[40], zone[16];
    fprintf(out, "honeyscope report (masked: counts are indexes or shares, sensor hidden)\n\n");
    fprintf(out, "inputs   %" PRIu64 " files\n", r->input->stats->files);
    sensor_line(r, out);
    format_zone(r->options.clock.offset_s, zone, sizeof(zone));
    if (r->period_end > r->period_start) {
        format_bin(r, r->period_start, a, sizeof(a));
        format_bin(r, report_period_last(r), b, sizeof(b));
        fprintf(out, "period   %s .. %s, UTC%s; shares of %s\n", a, b, zone,
                metric_name(r->options.metric));
    }
}

/*
 * Flow logs among the inputs: what they held, what was skipped, what a
 * capture covered, and which sections they cannot fill (docs/flows.md).
 */
static void flow_logs_note(const struct report_input *in, FILE *out)
{
    const struct input_stats *st = in->stats;
    size_t n = report_flow_files(in);
    if (!n)
        return;
    uint64_t skipped = 0;
    for (int i = 0; i < FLOWLOG_SKIP_COUNT; i++)
        skipped += st->flow_skipped[i];
    fprintf(out,
            "flow log %zu file%s of flows, %" PRIu64 " records; %" PRIu64
            " left out (a capture covers them); %" PRIu64 " lines skipped",
            n, n == 1 ? "" : "s", st->flow_records, st->flow_covered, skipped);
    for (int i = 0; i < FLOWLOG_SKIP_COUNT; i++)
        if (st->flow_skipped[i])
            fprintf(out, ", %" PRIu64 " %s", st->flow_skipped[i],
                    flowlog_skip_name((enum flowlog_skip)i));
    fprintf(out, "\n");
    if (st->export_datagrams)
        fprintf(out,
                "         collected: %" PRIu64 " export datagrams, %" PRIu64
                " skipped; lost (sequence gaps): %" PRIu64 " export packets, %" PRIu64
                " flow records\n",
                st->export_datagrams, st->export_skipped, st->export_lost_packets,
                st->export_lost_records);
    if (st->sampling_interval)
        fprintf(out,
                "         sampled: an exporter sampled 1 in %" PRIu64
                " packets; counts are as exported, not scaled\n",
                st->sampling_interval);
    fprintf(out, "         flows carry no payload: evidence and fingerprints come from "
                 "captures only\n");
}

static void header(const struct report *r, FILE *out)
{
    if (!r->shown.counts) {
        header_without_counts(r, out);
        return;
    }
    const struct report_input *in = r->input;
    const struct input_stats *st = in->stats;
    char a[40], b[40], zone[16];

    fprintf(out, "honeyscope report\n\n");
    fprintf(out, "inputs   %" PRIu64 " file%s, %" PRIu64 " packets", st->files,
            st->files == 1 ? "" : "s", st->packets);
    if (st->packets && st->first_ns <= st->last_ns) {
        format_time(r, st->first_ns, a, sizeof(a));
        format_time(r, st->last_ns, b, sizeof(b));
        fprintf(out, " from %s to %s", a, b);
    }
    fprintf(out, "\n");
    for (size_t i = 0; i < in->file_count; i++) {
        const struct report_file *f = &in->files[i];
        fprintf(out, "         ");
        text_escape(out, f->path);
        if (f->format[0])
            fprintf(out, ": %s, %s, %" PRIu64 " packets", f->format, report_file_link_name(f),
                    f->packets);
        if (f->error) {
            fprintf(out, "; FAILED: ");
            text_escape(out, f->error);
        }
        if (f->same_as) {
            fprintf(out, ": skipped: same content as ");
            text_escape(out, f->same_as);
        }
        if (f->overlaps_with) {
            fprintf(out, ": skipped: holds packets of ");
            text_escape(out, f->overlaps_with);
        }
        if (f->live) {
            fprintf(out, "; ");
            text_escape(out, f->live);
        }
        fprintf(out, "\n");
        if (i == 9 && in->file_count > 11) {
            fprintf(out, "         ... and %zu more files\n", in->file_count - 10);
            break;
        }
    }
    fprintf(out,
            "skipped  %" PRIu64 " truncated, %" PRIu64 " malformed, %" PRIu64
            " unsupported, %" PRIu64 " not IP; %" PRIu64 " not to or from the sensor\n",
            st->bad[DECODE_TRUNCATED], st->bad[DECODE_MALFORMED], st->bad[DECODE_UNSUPPORTED],
            st->bad[DECODE_NOT_IP], st->not_sensor);
    for (size_t i = 0; i < st->unsupported_link_count; i++)
        fprintf(out, "         link type %s (%d) not decoded: %" PRIu64 " packets\n",
                capture_link_name(st->unsupported_links[i].link_type),
                st->unsupported_links[i].link_type, st->unsupported_links[i].packets);
    if (st->live_captures)
        fprintf(out,
                "live     %" PRIu64 " capture%s; dropped by the kernel: %" PRIu64
                ", by the interface: %" PRIu64 "\n",
                st->live_captures, st->live_captures == 1 ? "" : "s", st->kernel_drops,
                st->interface_drops);
    fprintf(out, "flows    %" PRIu64 " started, %" PRIu64 " evicted early (table full)\n",
            st->flows.flows, st->flows.evicted);
    flow_logs_note(in, out);
    sensor_line(r, out);
    if (report_sensor_detection(r)) {
        fprintf(out, "         ");
        text_escape(out, report_sensor_detection(r));
        fprintf(out, "\n");
    }
    format_zone(r->options.clock.offset_s, zone, sizeof(zone));
    if (r->period_end > r->period_start) {
        format_bin(r, r->period_start, a, sizeof(a));
        format_bin(r, report_period_last(r), b, sizeof(b));
        fprintf(out, "period   %s .. %s, by %s, UTC%s; shares of %s\n", a, b,
                bin_clock_unit_name(&r->options.clock), zone, metric_name(r->options.metric));
    } else {
        fprintf(out, "period   (empty)\n");
    }
}

static void group_header(const struct report *r, const struct group_report *gr, FILE *out)
{
    const struct group *g = gr->group;
    fprintf(out, "\n== group ");
    text_escape(out, g->name);
    if (g->kind == GROUP_PREFIXES) {
        size_t n = prefix_set_count(g->prefixes);
        fprintf(out, ": %zu prefix%s from ", n, n == 1 ? "" : "es");
        text_escape(out, report_path(r, group_prefixes_source(g)));
        if (g->snapshots.count > 1)
            fprintf(out, ", the latest of %zu files (each below)", g->snapshots.count);
        fprintf(out, "\n");
        /* The column as wide as the longest prefix shown: IPv6 ones run long. */
        int width = 20;
        for (size_t i = 0; i < n && i < 20; i++) {
            char text[PREFIX_TEXT_MAX];
            int len = (int)strlen(render_prefix(&prefix_set_entry(g->prefixes, i)->prefix, text));
            width = len > width ? len : width;
        }
        for (size_t i = 0; i < n && i < 20; i++) {
            const struct prefix_entry *e = prefix_set_entry(g->prefixes, i);
            char text[PREFIX_TEXT_MAX];
            fprintf(out, "   %-*s ", width, render_prefix(&e->prefix, text));
            text_escape(out, e->label);
            fprintf(out, "\n");
        }
        if (n > 20)
            fprintf(out, "   ... and %zu more\n", n - 20);
    } else if (g->kind == GROUP_ASNS) {
        fprintf(out, ": origin AS ");
        for (size_t i = 0; i < g->asn_count; i++)
            fprintf(out, "%s%" PRIu32, i ? ", " : "", g->asns[i]);
        fprintf(out, " in ");
        text_escape(out, r->input->routing_source ? report_path(r, r->input->routing_source)
                                                  : "(no routing table)");
        fprintf(out, "\n");
    } else {
        fprintf(out, ": every remote address\n");
    }
    const struct totals *t = &gr->totals;
    if (!r->shown.counts)
        return;
    fprintf(out,
            "totals   in %" PRIu64 " packets, %" PRIu64 " bytes; out %" PRIu64 " packets, %" PRIu64
            " bytes; %" PRIu64 " flows; %" PRIu64 " distinct sources\n",
            t->packets_in, t->bytes_in, t->packets_out, t->bytes_out, t->flows, t->sources);
}

static uint64_t point_value(const struct series_point *p, enum metric m, bool in)
{
    return metric_pick(m, in ? p->packets_in : p->packets_out, in ? p->bytes_in : p->bytes_out,
                       p->flows);
}

static void bar(FILE *out, uint64_t v, uint64_t max, char c)
{
    int n = max ? (int)((v * BAR_WIDTH + max - 1) / max) : 0;
    for (int i = 0; i < BAR_WIDTH; i++)
        fputc(i < n ? c : ' ', out);
}

static void series(const struct report *r, const struct group_report *gr, FILE *out)
{
    enum metric m = r->options.metric == METRIC_FLOWS ? METRIC_PACKETS : r->options.metric;
    uint64_t max = 0;
    for (size_t i = 0; i < gr->series_count; i++) {
        uint64_t vi = point_value(&gr->series[i], m, true),
                 vo = point_value(&gr->series[i], m, false);
        if (vi > max)
            max = vi;
        if (vo > max)
            max = vo;
    }
    bool counts = r->shown.counts;
    fprintf(out, "\n-- volume per %s (%s%s): in #, out =; ! marks a burst of unsolicited traffic\n",
            bin_clock_unit_name(&r->options.clock), metric_name(m),
            !counts ? ", as an index: peak = 100" : "");
    fprintf(out, "%-22s %10s %-*s %10s %-*s %7s %7s\n", "bin", "in", BAR_WIDTH, "", "out",
            BAR_WIDTH, "", !counts ? "" : "flows", !counts ? "" : "sources");
    for (size_t i = 0; i < gr->series_count; i++) {
        const struct series_point *p = &gr->series[i];
        char name[40];
        uint64_t vi = point_value(p, m, true), vo = point_value(p, m, false);
        format_bin(r, p->bin, name, sizeof(name));
        if (!counts)
            fprintf(out, "%-22s %10.1f ", name, report_index((double)vi, (double)max));
        else
            fprintf(out, "%-22s %10" PRIu64 " ", name, vi);
        bar(out, vi, max, '#');
        if (!counts)
            fprintf(out, " %10.1f ", report_index((double)vo, (double)max));
        else
            fprintf(out, " %10" PRIu64 " ", vo);
        bar(out, vo, max, '=');
        if (!counts)
            fprintf(out, " %7s %7s", "", "");
        else
            fprintf(out, " %7" PRIu64 " %7" PRIu64, p->flows, p->sources);
        if (p->burst)
            fprintf(out, " ! x%.1f",
                    p->baseline > 0 ? (double)p->unsolicited_packets / p->baseline
                                    : (double)p->unsolicited_packets);
        fputc('\n', out);
    }
}

static void category_table(const struct report *r, const struct group_report *gr, unsigned list,
                           FILE *out)
{
    if (!gr->list_counts[list] && list >= LIST_IN_UNKNOWN)
        return;
    fprintf(out, "\n-- %s\n", list_titles[list]);
    if (!gr->list_counts[list]) {
        fprintf(out, "   (none)\n");
        return;
    }
    if (!r->shown.counts) {
        fprintf(out, "%-24s %7s\n", "category", "share");
        for (size_t i = 0; i < gr->list_counts[list]; i++)
            fprintf(out, "%-24s %6.1f%%\n", gr->lists[list][i].name, gr->lists[list][i].f.share);
        return;
    }
    fprintf(out, "%-24s %12s %14s %10s %7s\n", "category", "packets", "bytes", "flows", "share");
    for (size_t i = 0; i < gr->list_counts[list]; i++) {
        const struct category_entry *e = &gr->lists[list][i];
        fprintf(out, "%-24s %12" PRIu64 " %14" PRIu64 " %10" PRIu64 " %6.1f%%\n", e->name,
                e->f.packets, e->f.bytes, e->f.flows, e->f.share);
    }
}

static void port_table(const struct report *r, const struct group_report *gr, FILE *out)
{
    fprintf(out,
            "\n-- unsolicited inbound by port (share of all traffic received from the group)\n");
    if (!gr->port_count) {
        fprintf(out, "   (none)\n");
        return;
    }
    if (!r->shown.counts) {
        fprintf(out, "%-6s %6s %7s\n", "proto", "port", "share");
        for (size_t i = 0; i < gr->port_count; i++)
            fprintf(out, "%-6s %6u %6.1f%%\n", gr->ports_in[i].proto_name, gr->ports_in[i].port,
                    gr->ports_in[i].f.share);
        return;
    }
    fprintf(out, "%-6s %6s %12s %14s %10s %7s\n", "proto", "port", "packets", "bytes", "flows",
            "share");
    for (size_t i = 0; i < gr->port_count; i++) {
        const struct port_entry *p = &gr->ports_in[i];
        fprintf(out, "%-6s %6u %12" PRIu64 " %14" PRIu64 " %10" PRIu64 " %6.1f%%\n", p->proto_name,
                p->port, p->f.packets, p->f.bytes, p->f.flows, p->f.share);
    }
}

/* The widths of the top sources' text columns, from what they hold. */
struct source_widths {
    int addr, prefix, first, last;
};

static int wider(int width, const char *text)
{
    int len = (int)strlen(text);
    return len > width ? len : width;
}

/* A top source's address, prefix and first and last times as the table prints them. */
struct source_cells {
    char addr[ADDR_TEXT_MAX], prefix[PREFIX_TEXT_MAX], first[40], last[40];
};

static void source_cells(const struct report *r, const struct source_entry *s,
                         struct source_cells *c)
{
    render_addr(&s->addr, c->addr);
    snprintf(c->prefix, sizeof(c->prefix), "-");
    if (s->prefix)
        render_prefix(&s->prefix->prefix, c->prefix);
    format_time(r, s->first_ns, c->first, sizeof(c->first));
    format_time(r, s->last_ns, c->last, sizeof(c->last));
}

static void source_widths_measure(const struct report *r, const struct group_report *gr,
                                  struct source_widths *w)
{
    w->addr = (int)strlen("address");
    w->prefix = (int)strlen("prefix");
    w->first = (int)strlen("first seen");
    w->last = (int)strlen("last seen");
    for (size_t i = 0; i < gr->top_count; i++) {
        struct source_cells c;
        source_cells(r, &gr->top[i], &c);
        w->addr = wider(w->addr, c.addr);
        w->prefix = wider(w->prefix, c.prefix);
        w->first = wider(w->first, c.first);
        w->last = wider(w->last, c.last);
    }
}
static void source_table(const struct report *r, const struct group_report *gr, FILE *out)
{
    fprintf(out, "\n-- sources: %" PRIu64 " distinct remote addresses sent to the sensor",
            gr->totals.sources);
    if (gr->top_count)
        fprintf(out, "; top %zu by %s in", gr->top_count, metric_name(r->options.metric));
    fprintf(out, "\n");
    if (!gr->top_count)
        return;
    struct source_widths w;
    source_widths_measure(r, gr, &w);
    fprintf(out, "%-*s %-*s %10s %8s %-*s %-*s %s\n", w.addr, "address", w.prefix, "prefix",
            "packets_in", "flows", w.first, "first seen", w.last, "last seen", "ports (label)");
    for (size_t i = 0; i < gr->top_count; i++) {
        const struct source_entry *s = &gr->top[i];
        struct source_cells c;
        source_cells(r, s, &c);
        fprintf(out, "%-*s %-*s %10" PRIu64 " %8" PRIu64 " %-*s %-*s ", w.addr, c.addr, w.prefix,
                c.prefix, s->packets_in, s->flows, w.first, c.first, w.last, c.last);
        for (size_t j = 0; j < s->service_count; j++)
            fprintf(out, "%s%s", j ? "," : "", s->services[j]);
        if (s->services_total > s->service_count)
            fprintf(out, ",+%zu", s->services_total - s->service_count);
        if (!s->service_count)
            fprintf(out, "-");
        if (s->prefix && s->prefix->label[0]) {
            fprintf(out, " (");
            text_escape(out, s->prefix->label);
            fprintf(out, ")");
        }
        fprintf(out, "\n");
    }
}

/* One line per snapshot: its file, its day, and the bins it decided. */
static void snapshot_lines(const struct report *r, const char *title,
                           const struct snapshot_use *uses, size_t n, FILE *out)
{
    for (size_t i = 0; i < n; i++) {
        const struct snapshot_use *u = &uses[i];
        char day[16], a[40], b[40];
        fprintf(out, "%-8s ", i == 0 ? title : "");
        text_escape(out, report_path(r, u->snapshot->source));
        fprintf(out, " (%s, %s, %zu prefixes): ", u->snapshot->format,
                snapshot_day_format(u->snapshot->day, day, sizeof(day)),
                prefix_set_count(u->snapshot->set));
        if (u->used) {
            format_bin(r, u->first_bin, a, sizeof(a));
            format_bin(r, u->last_bin, b, sizeof(b));
            fprintf(out, "%s .. %s\n", a, b);
        } else {
            fprintf(out, "no bin of the period\n");
        }
    }
}

/* Where AS numbers and names come from. */
static void naming_header(const struct report *r, FILE *out)
{
    const struct origin_sources *o = &r->origins;
    if (r->routing_snapshot_count)
        snapshot_lines(r, "routing", r->routing_snapshots, r->routing_snapshot_count, out);
    if (o->mmdb) {
        char day[16];
        fprintf(out, "mmdb     ");
        text_escape(out, report_path(r, mmdb_source_path(o->mmdb)));
        fprintf(out, " (");
        text_escape(out, mmdb_source_type(o->mmdb));
        fprintf(out, ", built %s)\n",
                snapshot_day_format(mmdb_source_day(o->mmdb), day, sizeof(day)));
    }
    if (r->input->asnames_source) {
        fprintf(out, "asnames  ");
        text_escape(out, report_path(r, r->input->asnames_source));
        fprintf(out, " (%zu names)\n", as_names_count(o->names));
    }
    double no_origin = report_no_origin_share(r);
    if (!isnan(no_origin))
        fprintf(out, "no AS    %.1f%% of the %s both ways had no origin AS known\n", no_origin,
                r->options.metric == METRIC_BYTES ? "bytes" : "packets");
    for (size_t i = 0; i < r->warning_count; i++) {
        fprintf(out, "WARNING  ");
        text_escape(out, r->warnings[i]);
        fputc('\n', out);
    }
}

/* A group's files when they are dated: which one decided which bins. */
static void group_snapshots(const struct report *r, const struct group_report *gr, FILE *out)
{
    if (gr->group->kind != GROUP_PREFIXES || gr->snapshot_count == 0 ||
        (gr->snapshot_count == 1 && gr->snapshots[0].snapshot->day == SNAPSHOT_UNDATED))
        return;
    snapshot_lines(r, "files", gr->snapshots, gr->snapshot_count, out);
}

/* The group's traffic by origin AS. */
static void as_table(const struct report *r, const struct group_report *gr, FILE *out)
{
    if (!gr->asns_top)
        return;
    fprintf(out, "\n-- top origin ASes: %zu distinct", gr->asn_count);
    if (gr->asn_top_count)
        fprintf(out, "; top %zu by %s, both ways", gr->asn_top_count,
                metric_name(r->options.metric));
    fprintf(out, "\n");
    if (!gr->asn_top_count)
        return;
    fprintf(out, "%-12s %8s %12s %12s %14s %14s %7s  %s\n", "AS", "sources", "packets_in",
            "packets_out", "bytes_in", "bytes_out", "share", "name");
    for (size_t i = 0; i < gr->asn_top_count; i++) {
        const struct as_entry *e = &gr->asns_top[i];
        char as[16];
        if (e->asn)
            snprintf(as, sizeof(as), "AS%" PRIu32, e->asn);
        else
            snprintf(as, sizeof(as), "-");
        fprintf(out,
                "%-12s %8" PRIu64 " %12" PRIu64 " %12" PRIu64 " %14" PRIu64 " %14" PRIu64
                " %6.1f%%  ",
                as, e->sources, e->packets_in, e->packets_out, e->bytes_in, e->bytes_out, e->share);
        if (e->asn)
            text_escape(out, e->name[0] ? e->name : "(no name)");
        else
            fprintf(out, "(no AS known)");
        fprintf(out, "\n");
    }
}

static void burst_table(const struct report *r, const struct group_report *gr, FILE *out)
{
    struct burst_params params;
    burst_params_default(&params);
    fprintf(out,
            "\n-- bursts: bins whose unsolicited traffic exceeds the median of the %zu latest "
            "earlier\n   bins that are not bursts by more than %.1f robust deviations (and %" PRIu64
            " %s): %zu found\n",
            r->options.burst_window ? r->options.burst_window : params.window,
            r->options.burst_k > 0 ? r->options.burst_k : params.k,
            r->options.burst_min ? r->options.burst_min : params.min_volume,
            metric_name(r->options.metric), gr->burst_count);
    char month[8] = "";
    size_t in_month = 0;
    for (size_t i = 0; i < gr->series_count; i++) {
        const struct series_point *p = &gr->series[i];
        if (!p->burst)
            continue;
        char bin[40];
        format_bin(r, p->bin, bin, sizeof(bin));
        uint64_t v = r->options.metric == METRIC_BYTES   ? p->unsolicited_bytes
                     : r->options.metric == METRIC_FLOWS ? p->unsolicited_flows
                                                         : p->unsolicited_packets;
        if (!r->shown.counts)
            fprintf(out, "   %-22s x%.1f the baseline\n", bin,
                    p->baseline > 0 ? (double)v / p->baseline : (double)v);
        else
            fprintf(out, "   %-22s %10" PRIu64 " against a baseline of %.1f (x%.1f)\n", bin, v,
                    p->baseline, p->baseline > 0 ? (double)v / p->baseline : (double)v);
    }
    /* Bursts per month, the study's question: are they getting more frequent? */
    fprintf(out, "   per month:");
    month[0] = '\0';
    in_month = 0;
    for (size_t i = 0; i <= gr->series_count; i++) {
        char bin[40] = "";
        if (i < gr->series_count)
            format_bin(r, gr->series[i].bin, bin, sizeof(bin));
        if (i == gr->series_count || strncmp(bin, month, 7) != 0) {
            if (month[0] && in_month)
                fprintf(out, " %s:%zu", month, in_month);
            memcpy(month, bin, 7);
            month[7] = '\0';
            in_month = 0;
        }
        if (i < gr->series_count && gr->series[i].burst)
            in_month++;
    }
    fprintf(out, "%s\n", gr->burst_count ? "" : " none");
}

/* When the sensor itself was active (infected), by what it did. */
static void sensor_activity(const struct report *r, const struct group_report *gr, FILE *out)
{
    fprintf(out, "\n-- the sensor's own traffic: %ss in which it started conversations\n",
            bin_clock_unit_name(&r->options.clock));
    for (unsigned a = 0; a < ACTIVITY_COUNT; a++) {
        size_t runs = 0, active = 0;
        for (size_t i = 0; i < gr->series_count; i++)
            active += gr->series[i].activity[a] != 0;
        if (!active)
            continue;
        fprintf(out, "   %-14s %zu bins:", activity_names[a], active);
        for (size_t at = 0, i, j; activity_run_next(gr, a, &at, &i, &j);) {
            char from[40], to[40];
            format_bin(r, gr->series[i].bin, from, sizeof(from));
            format_bin(r, gr->series[j].bin, to, sizeof(to));
            if (runs++ < 12)
                fprintf(out, i == j ? " %s" : " %s..%s", from, to);
        }
        if (runs > 12)
            fprintf(out, " (+%zu more)", runs - 12);
        fputc('\n', out);
    }
}

static void churn_table(const struct group_report *gr, FILE *out)
{
    const struct churn *c = &gr->churn;
    char text[PREFIX_TEXT_MAX];
    if (!gr->totals.sources)
        return;
    fprintf(
        out, "\n-- source churn: %" PRIu64 " sources, %" PRIu64 " seen in one bin only (%.1f%%)\n",
        gr->totals.sources, c->one_bin, 100.0 * (double)c->one_bin / (double)gr->totals.sources);
    fprintf(out, "   lifetime (first to last packet):");
    for (unsigned i = 0; i < LIFETIME_COUNT; i++)
        fprintf(out, "%s %s %" PRIu64, i ? "," : "", lifetime_names[i], c->lifetime[i]);
    fputc('\n', out);
    if (c->prefix_count) {
        fprintf(out, "   sources per prefix:");
        for (size_t i = 0; i < c->prefix_count && i < 10; i++) {
            fprintf(out, "%s %s %" PRIu64, i ? "," : "", render_prefix(&c->by_prefix[i].net, text),
                    c->by_prefix[i].sources);
        }
        fputc('\n', out);
    }
    fprintf(out, "   %zu distinct /24 (IPv6: /48) networks; most sources:", c->net_total);
    for (size_t i = 0; i < c->net_count && i < 10; i++)
        fprintf(out, "%s %s %" PRIu64, i ? "," : "", render_prefix(&c->by_net[i].net, text),
                c->by_net[i].sources);
    fputc('\n', out);
}

/* What the conversations were about: values as sent, escaped for the terminal. */
static void evidence_table(const struct report *r, const struct group_report *gr, FILE *out)
{
    bool any = false;
    for (unsigned k = 0; k < EVIDENCE_KIND_COUNT && !any; k++)
        any = gr->evidence[k].distinct != 0;
    if (!any)
        return;
    fprintf(out, "\n-- evidence (first bytes of each conversation): most frequent values\n");
    for (unsigned k = 0; k < EVIDENCE_KIND_COUNT; k++) {
        const struct evidence_list *list = &gr->evidence[k];
        if (!list->distinct)
            continue;
        if (!r->shown.counts)
            fprintf(out, "   %s:\n", evidence_kind_name((enum evidence_kind)k));
        else
            fprintf(out, "   %s: %" PRIu64 " in all, %zu distinct\n",
                    evidence_kind_name((enum evidence_kind)k), list->total, list->distinct);
        if (list->distinct == 1 && list->top[0].len == 0)
            continue; /* a count with no value, such as messages sent */
        for (size_t i = 0; i < list->count; i++) {
            if (!r->shown.counts)
                fprintf(out, "      ");
            else
                fprintf(out, "   %8" PRIu64 "  ", list->top[i].count);
            text_escape(out, list->top[i].value);
            fputc('\n', out);
        }
    }
}

/* Ports a tool probed most, with their shares of its probes. */
enum { SCANNER_PORTS_SHOWN = 5 };

/* Which tools the unsolicited probes came from (docs/semantics.md, "Scanning tools"). */
static void scanner_table(const struct report *r, const struct group_report *gr, FILE *out)
{
    if (!gr->scanner_count)
        return;
    fprintf(out, "\n-- scanning tools, from header fields (share of packets received in "
                 "conversations the sensor did not start)\n");
    if (!r->shown.counts)
        fprintf(out, "%-8s %7s  %s\n", "tool", "share", "most probed ports");
    else
        fprintf(out, "%-8s %8s %12s %10s %7s  %s\n", "tool", "sources", "packets", "flows", "share",
                "most probed ports");
    for (size_t i = 0; i < gr->scanner_count; i++) {
        const struct scanner_entry *e = &gr->scanners[i];
        if (!r->shown.counts)
            fprintf(out, "%-8s %6.1f%% ", e->tool, e->share);
        else
            fprintf(out, "%-8s %8" PRIu64 " %12" PRIu64 " %10" PRIu64 " %6.1f%% ", e->tool,
                    e->sources, e->packets, e->flows, e->share);
        for (size_t j = 0; j < e->port_count && j < SCANNER_PORTS_SHOWN; j++)
            fprintf(out, "%s %s/%u %.1f%%", j ? "," : "", e->ports[j].proto_name, e->ports[j].port,
                    e->ports[j].share);
        if (e->port_count > SCANNER_PORTS_SHOWN)
            fprintf(out, ", %zu more", e->port_count - SCANNER_PORTS_SHOWN);
        fputc('\n', out);
    }
}

/* Attacks on others seen through their backscatter (docs/semantics.md, "Backscatter"). */
static void attack_table(const struct report *r, const struct group_report *gr, FILE *out)
{
    char addr[ADDR_TEXT_MAX], first[40], last[40];
    if (!gr->attack_count)
        return;
    fprintf(out, "\n-- attacks on others, from their backscatter (");
    if (!r->shown.counts)
        fprintf(out, "largest first)\n%-39s %-25s %-25s  %s\n", "victim", "first", "last", "ports");
    else
        fprintf(out, "%zu in all, largest first)\n%-39s %-25s %-25s %10s %12s %8s  %s\n",
                gr->attack_total, "victim", "first", "last", "packets", "bytes", "peak/min",
                "ports");
    for (size_t i = 0; i < gr->attack_count; i++) {
        const struct attack_entry *a = &gr->attacks[i];
        format_time(r, a->first_s * 1000000000, first, sizeof(first));
        format_time(r, a->last_s * 1000000000, last, sizeof(last));
        fprintf(out, "%-39s %-25s %-25s ", render_addr(&a->victim, addr), first, last);
        if (r->shown.counts)
            fprintf(out, "%10" PRIu64 " %12" PRIu64 " %8" PRIu64 " ", a->packets, a->bytes,
                    a->peak_packets_per_minute);
        for (size_t j = 0; j < a->port_count && j < SCANNER_PORTS_SHOWN; j++)
            fprintf(out, "%s %s/%u", j ? "," : "", a->ports[j].proto_name, a->ports[j].port);
        if (a->port_count > SCANNER_PORTS_SHOWN)
            fprintf(out, ", %zu more", a->port_count - SCANNER_PORTS_SHOWN);
        fputc('\n', out);
    }
    if (gr->attack_total > gr->attack_count)
        fprintf(out, "   ... %zu more\n", gr->attack_total - gr->attack_count);
}

/* Sources that look spoofed (docs/semantics.md, "Spoofing signs"), when there are any. */
static void spoofing_line(const struct report *r, const struct group_report *gr, FILE *out)
{
    if (!gr->spoofed_likely)
        return;
    fprintf(out, "\n-- spoofing signs: answered by the sensor, never past their first packet\n");
    if (!r->shown.counts)
        fprintf(out, "   sources that look spoofed sent %.1f%% of the unsolicited packets\n",
                gr->spoofed_share);
    else
        fprintf(out,
                "   %" PRIu64
                " sources look spoofed; they sent %.1f%% of the unsolicited packets\n",
                gr->spoofed_likely, gr->spoofed_share);
}

static void versus_list(const char *title, const struct category_entry *a, size_t na,
                        const struct category_entry *b, size_t nb, FILE *out)
{
    if (!na && !nb)
        return;
    fprintf(out, "   %s\n   %-24s %8s %8s %8s\n", title, "category", "share", "compared", "points");
    for (size_t i = 0; i < na; i++) {
        double other = 0;
        for (size_t j = 0; j < nb; j++)
            if (strcmp(a[i].category, b[j].category) == 0)
                other = b[j].f.share;
        fprintf(out, "   %-24s %7.1f%% %7.1f%% %+8.1f\n", a[i].name, a[i].f.share, other,
                a[i].f.share - other);
    }
    for (size_t j = 0; j < nb; j++) {
        bool seen = false;
        for (size_t i = 0; i < na && !seen; i++)
            seen = strcmp(a[i].category, b[j].category) == 0;
        if (!seen)
            fprintf(out, "   %-24s %7.1f%% %7.1f%% %+8.1f\n", b[j].name, 0.0, b[j].f.share,
                    -b[j].f.share);
    }
}

/* This period beside the --compare one: ratios and share differences. */
static void versus_tables(const struct report *r, const struct group_report *a,
                          const struct group_report *b, FILE *out)
{
    char from[40] = "", to[40] = "";
    const struct report *c = r->compare;
    if (c->period_end > c->period_start) {
        format_bin(c, c->period_start, from, sizeof(from));
        format_bin(c, report_period_last(c), to, sizeof(to));
    }
    fprintf(out, "\n-- compared with %s .. %s\n", from, to);
    if (r->shown.counts) {
        fprintf(out, "   %-14s %14s %14s %8s\n", "", "this period", "compared", "ratio");
        struct versus_total rows[VERSUS_TOTAL_COUNT];
        versus_totals(a, b, rows);
        /* A ratio to nothing has no value: "-", as JSON and CSV say null. */
        for (size_t i = 0; i < VERSUS_TOTAL_COUNT; i++)
            if (rows[i].compared)
                fprintf(out, "   %-14s %14" PRIu64 " %14" PRIu64 " %8.2f\n", rows[i].label,
                        rows[i].value, rows[i].compared,
                        (double)rows[i].value / (double)rows[i].compared);
            else
                fprintf(out, "   %-14s %14" PRIu64 " %14" PRIu64 " %8s\n", rows[i].label,
                        rows[i].value, rows[i].compared, "-");
    }
    if (a->attack_total || b->attack_total) {
        struct versus_total rows[VERSUS_ATTACK_COUNT];
        versus_attacks(a, b, rows);
        fprintf(out, "   attacks seen through backscatter (ratio: this period over the other)\n");
        for (size_t i = 0; i < VERSUS_ATTACK_COUNT; i++) {
            char ratio_text[16] = "-";
            if (rows[i].compared)
                snprintf(ratio_text, sizeof(ratio_text), "%.2f",
                         (double)rows[i].value / (double)rows[i].compared);
            if (!r->shown.counts)
                fprintf(out, "   %-14s %14s %14s %8s\n", rows[i].label, "", "", ratio_text);
            else
                fprintf(out, "   %-14s %14" PRIu64 " %14" PRIu64 " %8s\n", rows[i].label,
                        rows[i].value, rows[i].compared, ratio_text);
        }
    }
    fprintf(out, "   bursts per 30 bins: %.2f against %.2f\n", bursts_per_30_bins(a),
            bursts_per_30_bins(b));
    versus_list("sent by the sensor (conversations it started)", a->lists[LIST_OUT],
                a->list_counts[LIST_OUT], b->lists[LIST_OUT], b->list_counts[LIST_OUT], out);
    versus_list("received unsolicited", a->lists[LIST_IN_UNSOLICITED],
                a->list_counts[LIST_IN_UNSOLICITED], b->lists[LIST_IN_UNSOLICITED],
                b->list_counts[LIST_IN_UNSOLICITED], out);
    versus_list("scanning tools (share of packets received in conversations the sensor did not "
                "start)",
                a->scanner_shares, a->scanner_count, b->scanner_shares, b->scanner_count, out);
}

/* A share in width columns after a space: "56.3%", or "-" when there was nothing. */
/* --by: the group split by label, AS or country. */
static void by_table(const struct report *r, const struct group_report *gr, FILE *out)
{
    if (!r->options.by)
        return;
    bool counts = r->shown.counts;
    fprintf(out, "\n-- by %s: %zu distinct%s (share of the group's %s both ways)\n",
            by_kind_name(r->options.by), gr->by_total,
            gr->by_count < gr->by_total ? ", the first shown" : "", metric_name(r->options.metric));
    if (!counts)
        fprintf(out, "%7s  %-40s %s\n", "share", "key", "top unsolicited services");
    else
        fprintf(out, "%12s %12s %9s %8s %7s  %-40s %s\n", "packets in", "packets out", "flows",
                "sources", "share", "key", "top unsolicited services");
    for (size_t i = 0; i < gr->by_count; i++) {
        const struct by_entry *e = &gr->by[i];
        if (counts)
            fprintf(out, "%12" PRIu64 " %12" PRIu64 " %9" PRIu64 " %8" PRIu64 " ", e->packets_in,
                    e->packets_out, e->flows, e->sources);
        fprintf(out, "%6.1f%%  ", e->share);
        int width = 40 - (int)strlen(e->key[0] ? e->key : "(none)");
        text_escape(out, e->key[0] ? e->key : "(none)");
        if (e->name[0]) {
            fputc(' ', out);
            text_escape(out, e->name);
            width -= 1 + (int)strlen(e->name);
        }
        fprintf(out, "%*s", width > 0 ? width : 0, "");
        for (size_t k = 0; k < e->port_count; k++)
            fprintf(out, " %s", e->ports[k]);
        fputc('\n', out);
    }
}

static void share_cell(FILE *out, double share, int width)
{
    char text[16];
    if (isnan(share))
        snprintf(text, sizeof(text), "-");
    else
        snprintf(text, sizeof(text), "%.1f%%", share);
    fprintf(out, " %*s", width, text);
}

/*
 * Each group's part of everything the sensor received and sent: counts (where
 * the report's view shows them) and shares, over the period and bin by bin. Groups are
 * numbered in the per-bin table, as their names may be long.
 */
static void summary(const struct report *r, FILE *out)
{
    enum metric m = r->options.metric == METRIC_FLOWS ? METRIC_PACKETS : r->options.metric;
    size_t in = m == METRIC_BYTES ? 2 : 0; /* summary_point fields: packets or bytes */
    bool with_counts = r->shown.counts;
    struct summary_part part;
    const struct summary_point *all = summary_everything(r, SIZE_MAX);

    if (!r->group_count)
        return;
    fprintf(out, "\n== summary: each group's share of everything the sensor received and sent\n");
    const size_t fields[5] = {in, in + 1, 4, 5, 6};
    static const int widths[5] = {12, 12, 9, 10, 11};
    const char *titles[5] = {m == METRIC_BYTES ? "bytes in" : "packets in",
                             m == METRIC_BYTES ? "bytes out" : "packets out", "flows", "sources in",
                             "sources out"};
    fprintf(out, "%-4s %-24s", "", "group");
    for (size_t k = 0; k < 5; k++) {
        if (!with_counts)
            fprintf(out, " %*s", widths[k], titles[k]);
        else
            fprintf(out, " %*s %7s", widths[k], titles[k], "share");
    }
    fputc('\n', out);
    for (size_t g = 0; g <= r->group_count; g++) {
        const struct summary_point *counts;
        if (g < r->group_count) {
            const char *name = r->groups[g].group->name;
            summary_part_of(r, &r->groups[g], SIZE_MAX, &part);
            counts = &part.part;
            fprintf(out, "%-4zu ", g + 1);
            text_escape(out, name);
            /* A long name keeps its line; the figures go under it. */
            if (strlen(name) > 24)
                fprintf(out, "\n%-29s", "");
            else
                fprintf(out, "%-*s", (int)(24 - strlen(name)), "");
        } else {
            counts = all;
            for (size_t k = 0; k < 7; k++)
                part.share[k] = summary_field(counts, k) ? 100.0 : NAN;
            fprintf(out, "%-4s %-24s", "", "(everything)");
        }
        for (size_t k = 0; k < 5; k++) {
            if (!with_counts) {
                share_cell(out, part.share[fields[k]], widths[k]);
                continue;
            }
            fprintf(out, " %*" PRIu64, widths[k], summary_field(counts, fields[k]));
            share_cell(out, part.share[fields[k]], 7);
        }
        fputc('\n', out);
    }
    fprintf(out, "\n-- share of everything received (in) and sent (out) per %s, in %s\n%-22s",
            bin_clock_unit_name(&r->options.clock), metric_name(m), "bin");
    for (size_t g = 0; g < r->group_count; g++)
        fprintf(out, " %4zu in %4zu out", g + 1, g + 1);
    fputc('\n', out);
    for (size_t b = 0; b < r->bin_count; b++) {
        char name[40];
        format_bin(r, r->bins[b], name, sizeof(name));
        fprintf(out, "%-22s", name);
        for (size_t g = 0; g < r->group_count; g++) {
            summary_part_of(r, &r->groups[g], b, &part);
            share_cell(out, part.share[in], 7);
            share_cell(out, part.share[in + 1], 8);
        }
        fputc('\n', out);
    }
}

int render_text(const struct report *r, FILE *out)
{
    header(r, out);
    naming_header(r, out);
    summary(r, out);
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        group_header(r, gr, out);
        group_snapshots(r, gr, out);
        series(r, gr, out);
        if (!r->sensor_started)
            fprintf(out, "\n-- the sensor started nothing in this period (a passive sensor): "
                         "nothing of its own sent, no replies to it\n");
        for (unsigned l = 0; l < LIST_COUNT; l++)
            if (r->sensor_started || (l != LIST_OUT && l != LIST_IN_REPLIES))
                category_table(r, gr, l, out);
        port_table(r, gr, out);
        by_table(r, gr, out);
        scanner_table(r, gr, out);
        spoofing_line(r, gr, out);
        attack_table(r, gr, out);
        if (r->shown.counts) {
            source_table(r, gr, out);
            as_table(r, gr, out);
        }
        burst_table(r, gr, out);
        if (r->sensor_started)
            sensor_activity(r, gr, out);
        evidence_table(r, gr, out);
        if (r->shown.counts)
            churn_table(gr, out);
        if (r->compare)
            versus_tables(r, gr, &r->compare->groups[g], out);
    }
    return ferror(out) ? -1 : 0;
}
