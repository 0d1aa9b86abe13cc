/*
 * The report as text for a terminal or a mail: one block per group, each
 * table with a title in the words of docs/semantics.md. Foreign strings go
 * through text_escape(), so a label cannot move the cursor or recolour the
 * screen.
 */
#include <inttypes.h>
#include <string.h>

#include "../capture/capture.h"
#include "report_int.h"

#define BAR_WIDTH 24

static void header(const struct report *r, FILE *out)
{
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
            fprintf(out, ": %s, %s, %" PRIu64 " packets", f->format,
                    capture_link_name(f->link_type), f->packets);
        if (f->error) {
            fprintf(out, "; FAILED: ");
            text_escape(out, f->error);
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
    fprintf(out, "flows    %" PRIu64 " started, %" PRIu64 " evicted early (table full)\n",
            st->flows.flows, st->flows.evicted);
    fprintf(out, "sensor   ");
    for (size_t i = 0; i < in->sensors->count; i++) {
        char text[PREFIX_TEXT_MAX];
        fprintf(out, "%s%s", i ? ", " : "", prefix_format(&in->sensors->prefixes[i], text));
    }
    fprintf(out, "%s\n", in->sensors->count ? "" : "(none)");
    if (in->sensor_detection) {
        fprintf(out, "         ");
        text_escape(out, in->sensor_detection);
        fprintf(out, "\n");
    }
    format_zone(r->options.clock.offset_s, zone, sizeof(zone));
    if (r->period_end > r->period_start) {
        format_bin(r, r->period_start, a, sizeof(a));
        format_bin(r, r->period_end - r->options.clock.width_s, b, sizeof(b));
        fprintf(out, "period   %s .. %s, by %s, UTC%s; shares of %s\n", a, b,
                r->options.clock.width_s >= 86400 ? "day" : "hour", zone,
                metric_name(r->options.metric));
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
        text_escape(out, g->source);
        fprintf(out, "\n");
        for (size_t i = 0; i < n && i < 20; i++) {
            const struct prefix_entry *e = prefix_set_entry(g->prefixes, i);
            char text[PREFIX_TEXT_MAX];
            fprintf(out, "   %-20s ", prefix_format(&e->prefix, text));
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
        text_escape(out, r->input->routing_source ? r->input->routing_source : "(no routing table)");
        fprintf(out, "\n");
    } else {
        fprintf(out, ": every remote address\n");
    }
    const struct totals *t = &gr->totals;
    fprintf(out,
            "totals   in %" PRIu64 " packets, %" PRIu64 " bytes; out %" PRIu64 " packets, %" PRIu64
            " bytes; %" PRIu64 " flows; %" PRIu64 " distinct sources\n",
            t->packets_in, t->bytes_in, t->packets_out, t->bytes_out, t->flows, t->sources);
}

static uint64_t point_value(const struct series_point *p, enum metric m, bool in)
{
    switch (m) {
    case METRIC_BYTES:
        return in ? p->bytes_in : p->bytes_out;
    case METRIC_FLOWS:
        return p->flows;
    default:
        return in ? p->packets_in : p->packets_out;
    }
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
        uint64_t vi = point_value(&gr->series[i], m, true), vo = point_value(&gr->series[i], m, false);
        if (vi > max)
            max = vi;
        if (vo > max)
            max = vo;
    }
    fprintf(out, "\n-- volume per %s (%s): in #, out =\n",
            r->options.clock.width_s >= 86400 ? "day" : "hour", metric_name(m));
    fprintf(out, "%-22s %10s %-*s %10s %-*s %7s %7s\n", "bin", "in", BAR_WIDTH, "", "out",
            BAR_WIDTH, "", "flows", "sources");
    for (size_t i = 0; i < gr->series_count; i++) {
        const struct series_point *p = &gr->series[i];
        char name[40];
        format_bin(r, p->bin, name, sizeof(name));
        fprintf(out, "%-22s %10" PRIu64 " ", name, point_value(p, m, true));
        bar(out, point_value(p, m, true), max, '#');
        fprintf(out, " %10" PRIu64 " ", point_value(p, m, false));
        bar(out, point_value(p, m, false), max, '=');
        fprintf(out, " %7" PRIu64 " %7" PRIu64 "\n", p->flows, p->sources);
    }
}

static void category_table(const struct group_report *gr, unsigned list, FILE *out)
{
    if (!gr->list_counts[list] && list >= LIST_IN_UNKNOWN)
        return;
    fprintf(out, "\n-- %s\n", list_titles[list]);
    if (!gr->list_counts[list]) {
        fprintf(out, "   (none)\n");
        return;
    }
    fprintf(out, "%-24s %12s %14s %10s %7s\n", "category", "packets", "bytes", "flows", "share");
    for (size_t i = 0; i < gr->list_counts[list]; i++) {
        const struct category_entry *e = &gr->lists[list][i];
        fprintf(out, "%-24s %12" PRIu64 " %14" PRIu64 " %10" PRIu64 " %6.1f%%\n", e->name,
                e->f.packets, e->f.bytes, e->f.flows, e->f.share);
    }
}

static void port_table(const struct group_report *gr, FILE *out)
{
    fprintf(out, "\n-- unsolicited inbound by port (share of all traffic received from the group)\n");
    if (!gr->port_count) {
        fprintf(out, "   (none)\n");
        return;
    }
    fprintf(out, "%-6s %6s %12s %14s %10s %7s\n", "proto", "port", "packets", "bytes", "flows",
            "share");
    for (size_t i = 0; i < gr->port_count; i++) {
        const struct port_entry *p = &gr->ports_in[i];
        fprintf(out, "%-6s %6u %12" PRIu64 " %14" PRIu64 " %10" PRIu64 " %6.1f%%\n",
                p->proto_name, p->port, p->f.packets, p->f.bytes, p->f.flows, p->f.share);
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
    fprintf(out, "%-39s %-19s %10s %8s %-25s %-25s %s\n", "address", "prefix", "packets_in",
            "flows", "first seen", "last seen", "ports (label)");
    for (size_t i = 0; i < gr->top_count; i++) {
        const struct source_entry *s = &gr->top[i];
        char addr[ADDR_TEXT_MAX], pfx[PREFIX_TEXT_MAX] = "-", first[40], last[40];
        if (s->prefix)
            prefix_format(&s->prefix->prefix, pfx);
        format_time(r, s->first_ns, first, sizeof(first));
        format_time(r, s->last_ns, last, sizeof(last));
        fprintf(out, "%-39s %-19s %10" PRIu64 " %8" PRIu64 " %-25s %-25s ",
                addr_format(&s->addr, addr), pfx, s->packets_in, s->flows, first, last);
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
        text_escape(out, u->snapshot->source);
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
        text_escape(out, mmdb_source_path(o->mmdb));
        fprintf(out, " (");
        text_escape(out, mmdb_source_type(o->mmdb));
        fprintf(out, ", built %s)\n",
                snapshot_day_format(mmdb_source_day(o->mmdb), day, sizeof(day)));
    }
    if (r->input->asnames_source) {
        fprintf(out, "asnames  ");
        text_escape(out, r->input->asnames_source);
        fprintf(out, " (%zu names)\n", as_names_count(o->names));
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
                as, e->sources, e->packets_in, e->packets_out, e->bytes_in, e->bytes_out,
                e->share);
        if (e->asn)
            text_escape(out, e->name[0] ? e->name : "(no name)");
        else
            fprintf(out, "(no AS known)");
        fprintf(out, "\n");
    }
}

int render_text(const struct report *r, FILE *out)
{
    header(r, out);
    naming_header(r, out);
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        group_header(r, gr, out);
        group_snapshots(r, gr, out);
        series(r, gr, out);
        for (unsigned l = 0; l < LIST_COUNT; l++)
            category_table(gr, l, out);
        port_table(gr, out);
        source_table(r, gr, out);
        as_table(r, gr, out);
    }
    return ferror(out) ? -1 : 0;
}
