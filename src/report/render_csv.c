/*
 * The report as CSV (docs/csv.md), for spreadsheets and scripts.
 *
 * One table per section, each introduced by a line "# table: NAME" and a
 * header row, tables separated by an empty line; records end in CRLF as RFC
 * 4180 has it. Rows of per-group tables start with the group's name; with
 * --compare the same tables follow for the compared period, named
 * "compare_" + the table. Every string that comes from a file, a packet or
 * the command line goes through csv_escape(): quoted as needed, and never
 * readable as a formula. Counts the report's view hides (report_shown) are
 * left empty and series become indexes, as in the JSON report.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/capture.h"
#include "report_int.h"

struct csv {
    FILE *out;
    bool first_table;
    bool counts;  /* absolute counts shown (report_shown) */
    bool started; /* a cell is written on the current row */
};

/* ---- cells ------------------------------------------------------------------ */

static void sep(struct csv *c)
{
    if (c->started)
        fputc(',', c->out);
    c->started = true;
}

static void row_end(struct csv *c)
{
    fputs("\r\n", c->out);
    c->started = false;
}

/* A string from outside: a path, a label, a name, a message quoting them. */
static void c_str(struct csv *c, const char *s)
{
    sep(c);
    if (s)
        csv_escape(c->out, s);
}

/* A word the report makes itself (a bin, a zone, a category, an address):
 * never a comma or a quote in it, and a leading '-' or '+' is a sign. */
static void c_word(struct csv *c, const char *s)
{
    sep(c);
    fputs(s, c->out);
}

static void c_empty(struct csv *c)
{
    sep(c);
}

static void c_u64(struct csv *c, uint64_t v)
{
    sep(c);
    fprintf(c->out, "%" PRIu64, v);
}

/* An absolute count: left empty where the view hides counts. */
static void c_count(struct csv *c, uint64_t v)
{
    if (!c->counts)
        c_empty(c);
    else
        c_u64(c, v);
}

static void c_real(struct csv *c, double v)
{
    sep(c);
    fprintf(c->out, "%.10g", v);
}

static void c_bin(struct csv *c, const struct report *r, int64_t bin)
{
    char buf[40];
    format_bin(r, bin, buf, sizeof(buf));
    c_word(c, buf);
}

static void c_time(struct csv *c, const struct report *r, int64_t ns)
{
    char buf[40];
    format_time(r, ns, buf, sizeof(buf));
    c_word(c, buf);
}

/* "# table: NAME" (NAME is prefix + name) and the header row, columns
 * separated by commas; more columns may follow before row_end(). */
static void table_begin(struct csv *c, const char *prefix, const char *name, const char *columns)
{
    if (!c->first_table)
        fputs("\r\n", c->out);
    c->first_table = false;
    fprintf(c->out, "# table: %s%s\r\n%s", prefix, name, columns);
    c->started = true;
}

static void table(struct csv *c, const char *prefix, const char *name, const char *columns)
{
    table_begin(c, prefix, name, columns);
    row_end(c);
}

static double share_of(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0;
}

/* ---- the report as a whole --------------------------------------------------- */

static void report_table(struct csv *c, const struct report *r)
{
    static const char cols[] =
        "version,from,to,bin,tz,metric,top,sensor,sensor_detection,routing,compare_from,compare_to,"
        "burst_window,burst_k,burst_min,masked,mmdb,asnames,sensor_started,no_origin_as_share";
    const struct report_input *in = r->input;
    struct burst_params params;
    char zone[16], sensors[512] = "";

    burst_params_default(&params);
    table(c, "", "report", cols);
    c_u64(c, 1);
    if (r->period_end > r->period_start) {
        c_bin(c, r, r->period_start);
        c_bin(c, r, report_period_last(r));
    } else {
        c_empty(c);
        c_empty(c);
    }
    c_word(c, bin_clock_unit_name(&r->options.clock));
    format_zone(r->options.clock.offset_s, zone, sizeof(zone));
    c_word(c, zone);
    c_word(c, metric_name(r->options.metric));
    c_u64(c, r->options.top);
    char text[PREFIX_TEXT_MAX];
    const char *name;
    for (size_t i = 0; (name = report_sensor_name(r, i, text)); i++) {
        size_t used = strlen(sensors);
        snprintf(sensors + used, sizeof(sensors) - used, "%s%s", i ? " " : "", name);
    }
    c_word(c, sensors);
    c_str(c, report_sensor_detection(r));
    c_str(c, report_path(r, in->routing_source));
    if (r->compare && r->compare->period_end > r->compare->period_start) {
        c_bin(c, r->compare, r->compare->period_start);
        c_bin(c, r->compare, report_period_last(r->compare));
    } else {
        c_empty(c);
        c_empty(c);
    }
    c_u64(c, r->options.burst_window ? r->options.burst_window : params.window);
    c_real(c, r->options.burst_k > 0 ? r->options.burst_k : params.k);
    c_u64(c, r->options.burst_min ? r->options.burst_min : params.min_volume);
    c_u64(c, !c->counts); /* masked: 1 when the view hides counts */
    c_str(c, r->origins.mmdb ? report_path(r, mmdb_source_path(r->origins.mmdb)) : NULL);
    c_str(c, report_path(r, in->asnames_source));
    c_u64(c, r->sensor_started != 0);
    double no_origin = report_no_origin_share(r);
    if (isnan(no_origin))
        c_empty(c);
    else
        c_real(c, no_origin);
    row_end(c);
    table(c, "", "warnings", "message");
    for (size_t i = 0; i < r->warning_count; i++) {
        c_str(c, r->warnings[i]);
        row_end(c);
    }
}

/*
 * What only some inputs have, as JSON's inputs.live, inputs.flow_logs and
 * inputs.export: each table only when the report read such an input.
 */
static void input_source_tables(struct csv *c, const struct report *r)
{
    const struct input_stats *st = r->input->stats;
    if (st->live_captures) {
        table(c, "", "live", "captures,kernel_drops,interface_drops");
        c_u64(c, st->live_captures);
        c_count(c, st->kernel_drops);
        c_count(c, st->interface_drops);
        row_end(c);
    }
    size_t flow_files = report_flow_files(r->input);
    if (flow_files || st->flow_records) {
        uint64_t skipped = 0;
        for (int i = 0; i < FLOWLOG_SKIP_COUNT; i++)
            skipped += st->flow_skipped[i];
        table(c, "", "flow_logs", "files,records,covered,skipped");
        c_u64(c, flow_files);
        c_count(c, st->flow_records);
        c_count(c, st->flow_covered);
        c_count(c, skipped);
        row_end(c);
    }
    if (st->export_datagrams) {
        table(c, "", "export", "datagrams,lost_packets,lost_records,skipped,sampling_interval");
        c_count(c, st->export_datagrams);
        c_count(c, st->export_lost_packets);
        c_count(c, st->export_lost_records);
        c_count(c, st->export_skipped);
        c_u64(c, st->sampling_interval);
        row_end(c);
    }
}

static void inputs_tables(struct csv *c, const struct report *r)
{
    static const char cols[] =
        "files,files_failed,packets,truncated,malformed,unsupported,not_ip,not_sensor,sensor_to_"
        "sensor,flows_started,flows_expired,flows_evicted,fragments_unmatched,first,last";
    static const char file_cols[] =
        "path,format,link_type,link_name,packets,error,same_as,overlaps_with";
    static const char link_cols[] = "link_type,link_name,packets";
    const struct input_stats *st = r->input->stats;

    table(c, "", "inputs", cols);
    c_count(c, st->files);
    c_count(c, st->files_failed);
    c_count(c, st->packets);
    c_count(c, st->bad[DECODE_TRUNCATED]);
    c_count(c, st->bad[DECODE_MALFORMED]);
    c_count(c, st->bad[DECODE_UNSUPPORTED]);
    c_count(c, st->bad[DECODE_NOT_IP]);
    c_count(c, st->not_sensor);
    c_count(c, st->sensor_to_sensor);
    c_count(c, st->flows.flows);
    c_count(c, st->flows.expired);
    c_count(c, st->flows.evicted);
    c_count(c, st->flows.fragments_unmatched);
    if (st->packets && st->first_ns <= st->last_ns) {
        c_time(c, r, st->first_ns);
        c_time(c, r, st->last_ns);
    } else {
        c_empty(c);
        c_empty(c);
    }
    row_end(c);

    table(c, "", "files", file_cols);
    for (size_t i = 0; i < r->input->file_count; i++) {
        const struct report_file *f = &r->input->files[i];
        c_str(c, report_capture_path(r, f->path));
        c_word(c, f->format);
        if (f->format[0]) {
            c_u64(c, (uint64_t)f->link_type);
            c_word(c, report_file_link_name(f));
        } else {
            c_empty(c);
            c_empty(c);
        }
        c_count(c, f->packets);
        char *message = report_path_message(r, f->error, f->path);
        c_str(c, message);
        free(message);
        c_str(c, report_capture_path(r, f->same_as));
        c_str(c, report_capture_path(r, f->overlaps_with));
        row_end(c);
    }

    table(c, "", "unsupported_links", link_cols);
    for (size_t i = 0; i < st->unsupported_link_count; i++) {
        c_u64(c, (uint64_t)st->unsupported_links[i].link_type);
        c_word(c, capture_link_name(st->unsupported_links[i].link_type));
        c_count(c, st->unsupported_links[i].packets);
        row_end(c);
    }
    input_source_tables(c, r);
}

/* The routing snapshots (group empty), after the groups' own files. */
static void snapshot_rows(struct csv *c, const struct report *r, const char *group,
                          const struct snapshot_use *uses, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct snapshot_use *u = &uses[i];
        char day[16];
        c_str(c, group);
        c_str(c, report_path(r, u->snapshot->source));
        c_word(c, u->snapshot->format);
        if (u->snapshot->day == SNAPSHOT_UNDATED)
            c_empty(c);
        else
            c_word(c, snapshot_day_format(u->snapshot->day, day, sizeof(day)));
        c_u64(c, prefix_set_count(u->snapshot->set));
        if (u->used) {
            c_bin(c, r, u->first_bin);
            c_bin(c, r, u->last_bin);
        } else {
            c_empty(c);
            c_empty(c);
        }
        row_end(c);
    }
}

/* ---- per group ---------------------------------------------------------------- */

static const char *const group_kinds[] = {"any", "prefixes", "asns"};

static bool asn_selected(const struct group *g, uint32_t asn)
{
    for (size_t i = 0; i < g->asn_count; i++)
        if (g->asns[i] == asn)
            return true;
    return false;
}

/* Writes a row per prefix the group stands for (as render_json lists them),
 * or only counts them when c is NULL; returns the count. */
static size_t group_prefixes(struct csv *c, const struct report *r, const struct group *g)
{
    const struct prefix_set *set = g->kind == GROUP_PREFIXES ? g->prefixes
                                   : g->kind == GROUP_ASNS   ? r->input->routing
                                                             : NULL;
    size_t n = set ? prefix_set_count(set) : 0, shown = 0;
    for (size_t i = 0; i < n; i++) {
        const struct prefix_entry *e = prefix_set_entry(set, i);
        char text[PREFIX_TEXT_MAX];
        if (g->kind == GROUP_ASNS && !asn_selected(g, e->asn))
            continue;
        shown++;
        if (!c)
            continue;
        c_str(c, g->name);
        c_word(c, render_prefix(&e->prefix, text));
        c_str(c, e->label);
        if (e->asn)
            c_u64(c, e->asn);
        else
            c_empty(c);
        row_end(c);
    }
    return shown;
}

static void groups_tables(struct csv *c, const struct report *r, const char *pre)
{
    static const char cols[] = "group,kind,source,prefix_count,packets_in,packets_out,bytes_in,"
                               "bytes_out,flows,sources,bursts";
    static const char prefix_cols[] = "group,prefix,label,asn";
    static const char snapshot_cols[] = "group,source,format,date,prefix_count,from,to";

    table(c, pre, "groups", cols);
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        const struct totals *t = &gr->totals;
        c_str(c, gr->group->name);
        c_word(c, group_kinds[gr->group->kind]);
        c_str(c, report_path(r, group_prefixes_source(gr->group)));
        c_u64(c, group_prefixes(NULL, r, gr->group));
        c_count(c, t->packets_in);
        c_count(c, t->packets_out);
        c_count(c, t->bytes_in);
        c_count(c, t->bytes_out);
        c_count(c, t->flows);
        c_count(c, t->sources);
        c_u64(c, gr->burst_count);
        row_end(c);
    }
    if (*pre)
        return; /* the compared period has the same prefixes and files */
    table(c, pre, "prefixes", prefix_cols);
    for (size_t g = 0; g < r->group_count; g++)
        group_prefixes(c, r, r->groups[g].group);
    table(c, pre, "snapshots", snapshot_cols);
    for (size_t g = 0; g < r->group_count; g++)
        snapshot_rows(c, r, r->groups[g].group->name, r->groups[g].snapshots,
                      r->groups[g].snapshot_count);
    snapshot_rows(c, r, NULL, r->routing_snapshots, r->routing_snapshot_count);
}

/* The series' columns, and how to read each from a point. */
enum series_col {
    SC_PACKETS_IN,
    SC_PACKETS_OUT,
    SC_BYTES_IN,
    SC_BYTES_OUT,
    SC_FLOWS,
    SC_SOURCES,
    SC_NEW,
    SC_RETURNING,
    SC_UNSOLICITED_PACKETS,
    SC_UNSOLICITED_BYTES,
    SC_UNSOLICITED_FLOWS,
    SC_ACTIVITY, /* then one per activity */
    SC_COUNT = SC_ACTIVITY + ACTIVITY_COUNT
};

static uint64_t series_value(const struct series_point *p, unsigned col)
{
    switch (col) {
    case SC_PACKETS_IN:
        return p->packets_in;
    case SC_PACKETS_OUT:
        return p->packets_out;
    case SC_BYTES_IN:
        return p->bytes_in;
    case SC_BYTES_OUT:
        return p->bytes_out;
    case SC_FLOWS:
        return p->flows;
    case SC_SOURCES:
        return p->sources;
    case SC_NEW:
        return p->new_sources;
    case SC_RETURNING:
        return p->returning_sources;
    case SC_UNSOLICITED_PACKETS:
        return p->unsolicited_packets;
    case SC_UNSOLICITED_BYTES:
        return p->unsolicited_bytes;
    case SC_UNSOLICITED_FLOWS:
        return p->unsolicited_flows;
    default:
        return p->activity[col - SC_ACTIVITY];
    }
}

static void series_table(struct csv *c, const struct report *r, const char *pre)
{
    table_begin(c, pre, "series",
                "group,bin,packets_in,packets_out,bytes_in,bytes_out,flows,sources,new_sources,"
                "returning_sources,unsolicited_packets,unsolicited_bytes,unsolicited_flows");
    /* "sensor_spam_smtp", ...: the sensor's own packets by activity */
    for (unsigned a = 0; a < ACTIVITY_COUNT; a++) {
        fputs(",sensor_", c->out);
        for (const char *q = activity_names[a]; *q; q++)
            fputc(*q == '-' ? '_' : *q, c->out);
    }
    fputs(",burst,baseline", c->out);
    row_end(c);
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        uint64_t peak[SC_COUNT] = {0};
        for (size_t i = 0; i < gr->series_count; i++)
            for (unsigned k = 0; k < SC_COUNT; k++)
                if (series_value(&gr->series[i], k) > peak[k])
                    peak[k] = series_value(&gr->series[i], k);
        /* The baseline is in the unit of the series bursts are sought in. */
        uint64_t base_peak = 0;
        for (size_t i = 0; i < gr->series_count; i++)
            if (series_unsolicited(&gr->series[i], r->options.metric) > base_peak)
                base_peak = series_unsolicited(&gr->series[i], r->options.metric);
        for (size_t i = 0; i < gr->series_count; i++) {
            const struct series_point *p = &gr->series[i];
            c_str(c, gr->group->name);
            c_bin(c, r, p->bin);
            for (unsigned k = 0; k < SC_COUNT; k++) {
                uint64_t v = series_value(p, k);
                if (!c->counts)
                    c_real(c, report_index((double)v, (double)peak[k]));
                else
                    c_u64(c, v);
            }
            c_u64(c, p->burst ? 1 : 0);
            if (isnan(p->baseline)) /* not judged: no usual level is known */
                c_empty(c);
            else if (!c->counts)
                c_real(c, report_index(p->baseline, (double)base_peak));
            else
                c_real(c, p->baseline);
            row_end(c);
        }
    }
}

static void figures_cells(struct csv *c, const struct figures *f)
{
    c_count(c, f->packets);
    c_count(c, f->bytes);
    c_count(c, f->flows);
    c_real(c, f->share);
}

static void list_tables(struct csv *c, const struct report *r, const char *pre)
{
    static const char cols[] = "group,category,packets,bytes,flows,share,name";
    for (unsigned l = 0; l < LIST_COUNT; l++) {
        table(c, pre, list_json_names[l], cols);
        for (size_t g = 0; g < r->group_count; g++) {
            const struct group_report *gr = &r->groups[g];
            for (size_t i = 0; i < gr->list_counts[l]; i++) {
                c_str(c, gr->group->name);
                c_word(c, gr->lists[l][i].category);
                figures_cells(c, &gr->lists[l][i].f);
                c_word(c, gr->lists[l][i].name);
                row_end(c);
            }
        }
    }
}

static void ports_table(struct csv *c, const struct report *r, const char *pre)
{
    static const char cols[] = "group,proto,port,packets,bytes,flows,share";
    table(c, pre, "ports_in", cols);
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        for (size_t i = 0; i < gr->port_count; i++) {
            const struct port_entry *p = &gr->ports_in[i];
            c_str(c, gr->group->name);
            c_word(c, p->proto_name);
            c_u64(c, p->port);
            figures_cells(c, &p->f);
            row_end(c);
        }
    }
}

static void sources_table(struct csv *c, const struct report *r, const char *pre)
{
    static const char cols[] =
        "group,rank,address,prefix,label,packets_in,packets_out,bytes_in,bytes_out,flows,flows_"
        "initiated,ports,ports_total,first_seen,last_seen";
    table(c, pre, "sources_top", cols);
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        for (size_t i = 0; i < gr->top_count; i++) {
            const struct source_entry *s = &gr->top[i];
            char addr[ADDR_TEXT_MAX], pfx[PREFIX_TEXT_MAX], ports[5 * 17 + 1] = "";
            c_str(c, gr->group->name);
            c_u64(c, i + 1);
            c_word(c, render_addr(&s->addr, addr));
            if (s->prefix)
                c_word(c, render_prefix(&s->prefix->prefix, pfx));
            else
                c_empty(c);
            c_str(c, s->prefix ? s->prefix->label : NULL);
            c_count(c, s->packets_in);
            c_count(c, s->packets_out);
            c_count(c, s->bytes_in);
            c_count(c, s->bytes_out);
            c_count(c, s->flows);
            c_count(c, s->flows_initiated);
            for (size_t j = 0; j < s->service_count; j++) {
                size_t used = strlen(ports);
                snprintf(ports + used, sizeof(ports) - used, "%s%s", j ? " " : "", s->services[j]);
            }
            c_word(c, ports);
            c_count(c, s->services_total);
            c_time(c, r, s->first_ns);
            c_time(c, r, s->last_ns);
            row_end(c);
        }
    }
}

static void asns_table(struct csv *c, const struct report *r, const char *pre)
{
    static const char cols[] =
        "group,asn,name,sources,packets_in,packets_out,bytes_in,bytes_out,flows,share";
    table(c, pre, "asns_top", cols);
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        for (size_t i = 0; gr->asns_top && i < gr->asn_top_count; i++) {
            const struct as_entry *e = &gr->asns_top[i];
            c_str(c, gr->group->name);
            if (e->asn) {
                c_u64(c, e->asn);
                c_str(c, e->name);
            } else {
                c_empty(c);
                c_empty(c);
            }
            c_count(c, e->sources);
            c_count(c, e->packets_in);
            c_count(c, e->packets_out);
            c_count(c, e->bytes_in);
            c_count(c, e->bytes_out);
            c_count(c, e->flows);
            c_real(c, e->share);
            row_end(c);
        }
    }
}

static void bursts_table(struct csv *c, const struct report *r, const char *pre)
{
    static const char cols[] = "group,bin,value,baseline,ratio";
    table(c, pre, "bursts", cols);
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        for (size_t i = 0; i < gr->series_count; i++) {
            const struct series_point *p = &gr->series[i];
            if (!p->burst)
                continue;
            uint64_t v = series_unsolicited(p, r->options.metric);
            c_str(c, gr->group->name);
            c_bin(c, r, p->bin);
            c_count(c, v);
            if (!c->counts)
                c_empty(c);
            else
                c_real(c, p->baseline);
            c_real(c, p->baseline > 0 ? (double)v / p->baseline : (double)v);
            row_end(c);
        }
    }
}

/* Runs of consecutive bins in which the sensor started traffic, per activity. */
static void sensor_periods_table(struct csv *c, const struct report *r, const char *pre)
{
    static const char cols[] = "group,activity,from,to,bins";
    table(c, pre, "sensor_periods", cols);
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        for (unsigned a = 0; a < ACTIVITY_COUNT; a++) {
            for (size_t at = 0, i, j; activity_run_next(gr, a, &at, &i, &j);) {
                c_str(c, gr->group->name);
                c_word(c, activity_names[a]);
                c_bin(c, r, gr->series[i].bin);
                c_bin(c, r, gr->series[j].bin);
                c_u64(c, j - i + 1);
                row_end(c);
            }
        }
    }
}

static void churn_tables(struct csv *c, const struct report *r, const char *pre)
{
    static const char cols[] = "group,sources,one_bin,one_bin_share,nets";
    static const char life_cols[] = "group,lifetime,sources,share";
    static const char prefix_cols[] = "group,prefix,label,sources,share";
    static const char net_cols[] = "group,net,sources,share";
    char text[PREFIX_TEXT_MAX];

    table(c, pre, "churn", cols);
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        c_str(c, gr->group->name);
        c_count(c, gr->totals.sources);
        c_count(c, gr->churn.one_bin);
        c_real(c, share_of(gr->churn.one_bin, gr->totals.sources));
        c_count(c, gr->churn.net_total);
        row_end(c);
    }
    table(c, pre, "lifetimes", life_cols);
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        for (unsigned i = 0; i < LIFETIME_COUNT; i++) {
            c_str(c, gr->group->name);
            c_word(c, lifetime_names[i]);
            c_count(c, gr->churn.lifetime[i]);
            c_real(c, share_of(gr->churn.lifetime[i], gr->totals.sources));
            row_end(c);
        }
    }
    table(c, pre, "sources_by_prefix", prefix_cols);
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        for (size_t i = 0; i < gr->churn.prefix_count; i++) {
            const struct net_count *e = &gr->churn.by_prefix[i];
            c_str(c, gr->group->name);
            c_word(c, render_prefix(&e->net, text));
            c_str(c, e->entry ? e->entry->label : NULL);
            c_count(c, e->sources);
            c_real(c, share_of(e->sources, gr->totals.sources));
            row_end(c);
        }
    }
    table(c, pre, "sources_by_net", net_cols);
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        for (size_t i = 0; i < gr->churn.net_count; i++) {
            const struct net_count *e = &gr->churn.by_net[i];
            c_str(c, gr->group->name);
            c_word(c, render_prefix(&e->net, text));
            c_count(c, e->sources);
            c_real(c, share_of(e->sources, gr->totals.sources));
            row_end(c);
        }
    }
}

/* Values read from packets: the most attacker-controlled strings of all. */
static void evidence_tables(struct csv *c, const struct report *r, const char *pre)
{
    static const char kind_cols[] = "group,kind,total,distinct";
    static const char cols[] = "group,kind,rank,value,count,share";
    table(c, pre, "evidence_kinds", kind_cols);
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        for (unsigned k = 0; k < EVIDENCE_KIND_COUNT; k++) {
            const struct evidence_list *list = &gr->evidence[k];
            if (!list->distinct)
                continue;
            c_str(c, gr->group->name);
            c_word(c, evidence_kind_name((enum evidence_kind)k));
            c_count(c, list->total);
            c_count(c, list->distinct);
            row_end(c);
        }
    }
    table(c, pre, "evidence", cols);
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        for (unsigned k = 0; k < EVIDENCE_KIND_COUNT; k++) {
            const struct evidence_list *list = &gr->evidence[k];
            for (size_t i = 0; i < list->count; i++) {
                c_str(c, gr->group->name);
                c_word(c, evidence_kind_name((enum evidence_kind)k));
                c_u64(c, i + 1);
                c_str(c, list->top[i].value);
                c_count(c, list->top[i].count);
                c_real(c, share_of(list->top[i].count, list->total));
                row_end(c);
            }
        }
    }
}

/* Scanning tools seen, and the ports each probed (docs/semantics.md, "Scanning tools"). */
static void scanner_tables(struct csv *c, const struct report *r, const char *pre)
{
    table(c, pre, "scanners", "group,tool,sources,packets,flows,share");
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        for (size_t i = 0; i < gr->scanner_count; i++) {
            const struct scanner_entry *e = &gr->scanners[i];
            c_str(c, gr->group->name);
            c_word(c, e->tool);
            c_count(c, e->sources);
            c_count(c, e->packets);
            c_count(c, e->flows);
            c_real(c, e->share);
            row_end(c);
        }
    }
    table(c, pre, "spoofing", "group,spoofed_likely,share");
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        c_str(c, gr->group->name);
        c_count(c, gr->spoofed_likely);
        c_real(c, gr->spoofed_share);
        row_end(c);
    }
    table(c, pre, "scanner_ports", "group,tool,proto,port,packets,share");
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        for (size_t i = 0; i < gr->scanner_count; i++) {
            const struct scanner_entry *e = &gr->scanners[i];
            for (size_t j = 0; j < e->port_count; j++) {
                c_str(c, gr->group->name);
                c_word(c, e->tool);
                c_word(c, e->ports[j].proto_name);
                c_u64(c, e->ports[j].port);
                c_count(c, e->ports[j].packets);
                c_real(c, e->ports[j].share);
                row_end(c);
            }
        }
    }
}

/* Attacks on others, from their backscatter (docs/semantics.md, "Backscatter"). */
static void attack_tables(struct csv *c, const struct report *r, const char *pre)
{
    char addr[ADDR_TEXT_MAX];
    table(c, pre, "attacks", "group,rank,victim,first,last,packets,bytes,peak_packets_per_minute");
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        for (size_t i = 0; i < gr->attack_count; i++) {
            const struct attack_entry *a = &gr->attacks[i];
            c_str(c, gr->group->name);
            c_u64(c, i + 1);
            c_word(c, render_addr(&a->victim, addr));
            c_time(c, r, a->first_s * 1000000000);
            c_time(c, r, a->last_s * 1000000000);
            c_count(c, a->packets);
            c_count(c, a->bytes);
            c_count(c, a->peak_packets_per_minute);
            row_end(c);
        }
    }
    table(c, pre, "attack_ports", "group,rank,proto,port,packets");
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        for (size_t i = 0; i < gr->attack_count; i++) {
            const struct attack_entry *a = &gr->attacks[i];
            for (size_t j = 0; j < a->port_count; j++) {
                c_str(c, gr->group->name);
                c_u64(c, i + 1);
                c_word(c, a->ports[j].proto_name);
                c_u64(c, a->ports[j].port);
                c_count(c, a->ports[j].packets);
                row_end(c);
            }
        }
    }
}

/* Every per-group table of one period; pre names the compared period's. */
/* --by: one row per group and key, the --top first. */
static void by_table(struct csv *c, const struct report *r, const char *pre)
{
    if (!r->options.by)
        return;
    table(c, pre, "by",
          "group,by,key,asn,name,packets_in,packets_out,bytes_in,bytes_out,flows,sources,share,"
          "ports,ports_total");
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        for (size_t i = 0; i < gr->by_count; i++) {
            const struct by_entry *e = &gr->by[i];
            char ports[BY_PORTS * 17] = "";
            for (size_t k = 0; k < e->port_count; k++) {
                size_t used = strlen(ports);
                snprintf(ports + used, sizeof(ports) - used, "%s%s", k ? " " : "", e->ports[k]);
            }
            c_str(c, gr->group->name);
            c_word(c, by_kind_name(r->options.by));
            c_str(c, e->key);
            if (e->asn)
                c_u64(c, e->asn);
            else
                c_empty(c);
            c_str(c, e->name);
            c_count(c, e->packets_in);
            c_count(c, e->packets_out);
            c_count(c, e->bytes_in);
            c_count(c, e->bytes_out);
            c_count(c, e->flows);
            c_count(c, e->sources);
            c_real(c, e->share);
            c_word(c, ports);
            c_count(c, e->ports_total);
            row_end(c);
        }
    }
}

static void group_tables(struct csv *c, const struct report *r, const char *pre)
{
    groups_tables(c, r, pre);
    series_table(c, r, pre);
    list_tables(c, r, pre);
    ports_table(c, r, pre);
    sources_table(c, r, pre);
    asns_table(c, r, pre);
    by_table(c, r, pre);
    bursts_table(c, r, pre);
    sensor_periods_table(c, r, pre);
    churn_tables(c, r, pre);
    evidence_tables(c, r, pre);
    scanner_tables(c, r, pre);
    attack_tables(c, r, pre);
}

/* ---- this period against the compared one ------------------------------------ */

static void versus_row(struct csv *c, const char *group, const char *list, const char *key,
                       double share, double share_compare)
{
    c_str(c, group);
    c_word(c, list);
    c_word(c, key);
    c_real(c, share);
    c_real(c, share_compare);
    c_real(c, share - share_compare);
    row_end(c);
}

static const struct category_entry *find_category(const struct category_entry *v, size_t n,
                                                  const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].category, name) == 0)
            return &v[i];
    return NULL;
}

static const struct port_entry *find_port(const struct group_report *gr, const struct port_entry *p)
{
    for (size_t i = 0; i < gr->port_count; i++)
        if (gr->ports_in[i].proto == p->proto && gr->ports_in[i].port == p->port)
            return &gr->ports_in[i];
    return NULL;
}

static void versus_tables(struct csv *c, const struct report *r)
{
    static const char total_cols[] = "group,measure,value,value_compare,ratio";
    static const char cols[] = "group,list,key,share,share_compare,points";
    const struct report *o = r->compare;

    table(c, "", "versus_totals", total_cols);
    for (size_t g = 0; g < r->group_count && g < o->group_count; g++) {
        const struct group_report *a = &r->groups[g], *b = &o->groups[g];
        struct versus_total rows[VERSUS_TOTAL_COUNT];
        versus_totals(a, b, rows);
        for (size_t i = 0; i < VERSUS_TOTAL_COUNT; i++) {
            c_str(c, a->group->name);
            c_word(c, rows[i].key);
            if (!c->counts && i + 1 < VERSUS_TOTAL_COUNT) {
                c_empty(c);
                c_empty(c);
            } else {
                c_u64(c, rows[i].value);
                c_u64(c, rows[i].compared);
            }
            if (rows[i].compared)
                c_real(c, (double)rows[i].value / (double)rows[i].compared);
            else
                c_empty(c);
            row_end(c);
        }
        struct versus_total attacks[VERSUS_ATTACK_COUNT];
        versus_attacks(a, b, attacks);
        for (size_t i = 0; i < VERSUS_ATTACK_COUNT; i++) {
            c_str(c, a->group->name);
            c_word(c, attacks[i].key);
            if (!c->counts) {
                c_empty(c);
                c_empty(c);
            } else {
                c_u64(c, attacks[i].value);
                c_u64(c, attacks[i].compared);
            }
            if (attacks[i].compared)
                c_real(c, (double)attacks[i].value / (double)attacks[i].compared);
            else
                c_empty(c);
            row_end(c);
        }
        double pa = bursts_per_30_bins(a);
        double pb = bursts_per_30_bins(b);
        c_str(c, a->group->name);
        c_word(c, "bursts_per_30_bins");
        c_real(c, pa);
        c_real(c, pb);
        if (pb > 0)
            c_real(c, pa / pb);
        else
            c_empty(c);
        row_end(c);
    }

    table(c, "", "versus", cols);
    for (size_t g = 0; g < r->group_count && g < o->group_count; g++) {
        const struct group_report *a = &r->groups[g], *b = &o->groups[g];
        const char *name = a->group->name;
        for (unsigned l = 0; l < LIST_COUNT; l++) {
            for (size_t i = 0; i < a->list_counts[l]; i++) {
                const struct category_entry *e = &a->lists[l][i];
                const struct category_entry *f =
                    find_category(b->lists[l], b->list_counts[l], e->category);
                versus_row(c, name, list_json_names[l], e->category, e->f.share,
                           f ? f->f.share : 0);
            }
            for (size_t i = 0; i < b->list_counts[l]; i++) {
                const struct category_entry *e = &b->lists[l][i];
                if (!find_category(a->lists[l], a->list_counts[l], e->category))
                    versus_row(c, name, list_json_names[l], e->category, 0, e->f.share);
            }
        }
        for (size_t i = 0; i < a->scanner_count; i++) {
            const struct category_entry *e = &a->scanner_shares[i];
            const struct category_entry *f =
                find_category(b->scanner_shares, b->scanner_count, e->name);
            versus_row(c, name, "scanners", e->name, e->f.share, f ? f->f.share : 0);
        }
        for (size_t i = 0; i < b->scanner_count; i++) {
            const struct category_entry *e = &b->scanner_shares[i];
            if (!find_category(a->scanner_shares, a->scanner_count, e->name))
                versus_row(c, name, "scanners", e->name, 0, e->f.share);
        }
        for (size_t pass = 0; pass < 2; pass++) {
            const struct group_report *v = pass ? b : a, *w = pass ? a : b;
            for (size_t i = 0; i < v->port_count; i++) {
                const struct port_entry *p = &v->ports_in[i], *q = find_port(w, p);
                char key[24];
                if (pass && q)
                    continue;
                snprintf(key, sizeof(key), "%s/%u", p->proto_name, p->port);
                double share = pass ? 0 : p->f.share, other = pass ? p->f.share
                                                              : q  ? q->f.share
                                                                   : 0;
                versus_row(c, name, "ports_in", key, share, other);
            }
        }
    }
}

/* ---- the summary across groups -------------------------------------------- */

static const char summary_columns[] =
    "packets_in,packets_out,bytes_in,bytes_out,flows,sources_in,sources_out";

static void summary_counts(struct csv *c, const struct summary_point *p)
{
    for (size_t k = 0; k < 7; k++)
        c_count(c, summary_field(p, k));
}

static void summary_part_row(struct csv *c, const struct report *r, const struct group_report *gr,
                             size_t bin)
{
    struct summary_part part;
    summary_part_of(r, gr, bin, &part);
    c_str(c, gr->group->name);
    if (bin == SIZE_MAX)
        c_empty(c);
    else
        c_bin(c, r, r->bins[bin]);
    summary_counts(c, &part.part);
    for (size_t k = 0; k < 7; k++) {
        if (isnan(part.share[k]))
            c_empty(c);
        else
            c_real(c, part.share[k]);
    }
    row_end(c);
}

/*
 * summary_everything: what the sensor received and sent, the period (bin
 * empty) then each bin; summary: each group's part of it and its shares,
 * likewise.
 */
static void summary_tables(struct csv *c, const struct report *r, const char *pre)
{
    table_begin(c, pre, "summary_everything", "bin,");
    fputs(summary_columns, c->out);
    row_end(c);
    for (size_t b = 0; b <= r->bin_count; b++) {
        size_t bin = b == 0 ? SIZE_MAX : b - 1;
        if (bin == SIZE_MAX)
            c_empty(c);
        else
            c_bin(c, r, r->bins[bin]);
        summary_counts(c, summary_everything(r, bin));
        row_end(c);
    }
    table_begin(c, pre, "summary", "group,bin,");
    fputs(summary_columns, c->out);
    for (size_t k = 0; k < 7; k++)
        fprintf(c->out, ",share_%s", summary_field_names[k]);
    row_end(c);
    for (size_t g = 0; g < r->group_count; g++)
        for (size_t b = 0; b <= r->bin_count; b++)
            summary_part_row(c, r, &r->groups[g], b == 0 ? SIZE_MAX : b - 1);
}

int render_csv(const struct report *r, FILE *out)
{
    struct csv c = {out, true, r->shown.counts, false};
    report_table(&c, r);
    inputs_tables(&c, r);
    summary_tables(&c, r, "");
    group_tables(&c, r, "");
    if (r->compare) {
        summary_tables(&c, r->compare, "compare_");
        group_tables(&c, r->compare, "compare_");
        versus_tables(&c, r);
    }
    return ferror(out) ? -1 : 0;
}
