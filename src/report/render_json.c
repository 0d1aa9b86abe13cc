/*
 * The report as JSON (docs/json.md), for programs and tests.
 *
 * Built as a jansson tree and dumped once: the report is small next to the
 * data it summarises. Every string goes through utf8_sanitize() first, since
 * JSON must be valid UTF-8 and labels or paths need not be.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/capture.h"
#include "report_int.h"

static json_t *jstr(const char *s)
{
    char buf[1024];
    if (!s)
        return json_null();
    utf8_sanitize(s, buf, sizeof(buf));
    return json_string(buf);
}

static json_t *jint(uint64_t v)
{
    return json_integer((json_int_t)v);
}

static json_t *jtime(const struct report *r, int64_t ns)
{
    char buf[40];
    format_time(r, ns, buf, sizeof(buf));
    return json_string(buf);
}

static json_t *jbin(const struct report *r, int64_t bin)
{
    char buf[40];
    format_bin(r, bin, buf, sizeof(buf));
    return json_string(buf);
}

static json_t *options_json(const struct report *r)
{
    char zone[16];
    format_zone(r->options.clock.offset_s, zone, sizeof(zone));
    json_t *o = json_object();
    json_object_set_new(o, "from",
                        r->period_end > r->period_start ? jbin(r, r->period_start) : json_null());
    json_object_set_new(
        o, "to", r->period_end > r->period_start ? jbin(r, report_period_last(r)) : json_null());
    json_object_set_new(o, "bin", json_string(bin_clock_unit_name(&r->options.clock)));
    json_object_set_new(o, "tz", json_string(zone));
    json_object_set_new(o, "metric", json_string(metric_name(r->options.metric)));
    json_object_set_new(o, "top", jint(r->options.top));
    json_object_set_new(o, "by",
                        r->options.by ? json_string(by_kind_name(r->options.by)) : json_null());
    return o;
}

/* --by: the group's keys, the --top first (docs/json.md). */
static void by_json(const struct report *r, const struct group_report *gr, json_t *o)
{
    if (!r->options.by)
        return;
    json_t *list = json_array();
    for (size_t i = 0; i < gr->by_count; i++) {
        const struct by_entry *e = &gr->by[i];
        json_t *j = json_object(), *ports = json_array();
        json_object_set_new(j, "key", jstr(e->key));
        json_object_set_new(j, "asn", e->asn ? jint(e->asn) : json_null());
        json_object_set_new(j, "name", e->name[0] ? jstr(e->name) : json_null());
        json_object_set_new(j, "packets_in", jint(e->packets_in));
        json_object_set_new(j, "packets_out", jint(e->packets_out));
        json_object_set_new(j, "bytes_in", jint(e->bytes_in));
        json_object_set_new(j, "bytes_out", jint(e->bytes_out));
        json_object_set_new(j, "flows", jint(e->flows));
        json_object_set_new(j, "sources", jint(e->sources));
        json_object_set_new(j, "share", json_real(e->share));
        for (size_t k = 0; k < e->port_count; k++)
            json_array_append_new(ports, json_string(e->ports[k]));
        json_object_set_new(j, "ports", ports);
        json_object_set_new(j, "ports_total", jint(e->ports_total));
        json_array_append_new(list, j);
    }
    json_object_set_new(o, "by", list);
    json_object_set_new(o, "by_distinct", jint(gr->by_total));
}

static json_t *inputs_json(const struct report *r)
{
    const struct report_input *in = r->input;
    const struct input_stats *st = in->stats;
    json_t *o = json_object(), *files = json_array(), *bad = json_object();
    json_t *links = json_array(), *flows = json_object();

    for (size_t i = 0; i < in->file_count; i++) {
        const struct report_file *f = &in->files[i];
        json_t *jf = json_object();
        json_object_set_new(jf, "path", jstr(report_capture_path(r, f->path)));
        json_object_set_new(jf, "format", f->format[0] ? json_string(f->format) : json_null());
        json_object_set_new(jf, "link_type",
                            f->format[0] && !flowlog_format_is_flows(f->format)
                                ? json_integer(f->link_type)
                                : json_null());
        json_object_set_new(jf, "link_name",
                            f->format[0] ? jstr(report_file_link_name(f)) : json_null());
        json_object_set_new(jf, "packets", jint(f->packets));
        char *message = report_path_message(r, f->error, f->path);
        json_object_set_new(jf, "error", jstr(message));
        free(message);
        json_object_set_new(jf, "same_as", jstr(report_capture_path(r, f->same_as)));
        json_object_set_new(jf, "overlaps_with", jstr(report_capture_path(r, f->overlaps_with)));
        if (f->live)
            json_object_set_new(jf, "live", json_string(f->live));
        json_array_append_new(files, jf);
    }
    json_object_set_new(o, "files", files);
    json_t *overlaps = json_array();
    for (size_t i = 0; i < in->overlap_count; i++) {
        const struct report_overlap *ov = &in->overlaps[i];
        json_t *jo = json_object();
        json_object_set_new(jo, "file", jstr(report_capture_path(r, ov->file)));
        json_object_set_new(jo, "overlaps_with", jstr(report_capture_path(r, ov->overlaps_with)));
        json_object_set_new(jo, "first", jtime(r, ov->first_ns));
        json_object_set_new(jo, "last", jtime(r, ov->last_ns));
        json_object_set_new(jo, "shared_share", json_real(ov->share));
        json_object_set_new(jo, "skipped", json_boolean(ov->skipped));
        json_array_append_new(overlaps, jo);
    }
    json_object_set_new(o, "overlaps", overlaps);
    json_object_set_new(o, "files_failed", jint(st->files_failed));
    json_object_set_new(o, "packets", jint(st->packets));
    json_object_set_new(bad, "truncated", jint(st->bad[DECODE_TRUNCATED]));
    json_object_set_new(bad, "malformed", jint(st->bad[DECODE_MALFORMED]));
    json_object_set_new(bad, "unsupported", jint(st->bad[DECODE_UNSUPPORTED]));
    json_object_set_new(bad, "not_ip", jint(st->bad[DECODE_NOT_IP]));
    json_object_set_new(o, "bad", bad);
    for (size_t i = 0; i < st->unsupported_link_count; i++) {
        json_t *l = json_object();
        json_object_set_new(l, "link_type", json_integer(st->unsupported_links[i].link_type));
        json_object_set_new(l, "link_name",
                            jstr(capture_link_name(st->unsupported_links[i].link_type)));
        json_object_set_new(l, "packets", jint(st->unsupported_links[i].packets));
        json_array_append_new(links, l);
    }
    json_object_set_new(o, "unsupported_links", links);
    json_object_set_new(o, "not_sensor", jint(st->not_sensor));
    if (st->live_captures) {
        json_t *live = json_object();
        json_object_set_new(live, "captures", jint(st->live_captures));
        json_object_set_new(live, "kernel_drops", jint(st->kernel_drops));
        json_object_set_new(live, "interface_drops", jint(st->interface_drops));
        json_object_set_new(o, "live", live);
    }
    json_object_set_new(o, "sensor_to_sensor", jint(st->sensor_to_sensor));
    json_object_set_new(flows, "started", jint(st->flows.flows));
    json_object_set_new(flows, "expired", jint(st->flows.expired));
    json_object_set_new(flows, "evicted", jint(st->flows.evicted));
    json_object_set_new(flows, "fragments_unmatched", jint(st->flows.fragments_unmatched));
    json_object_set_new(o, "flows", flows);
    json_t *evidence = json_object();
    json_object_set_new(evidence, "skipped", jint(st->evidence_skipped));
    json_object_set_new(evidence, "dropped", jint(st->evidence_dropped));
    json_object_set_new(o, "evidence", evidence);
    json_t *logs = json_object(), *skipped = json_object();
    json_object_set_new(logs, "files", jint(report_flow_files(in)));
    json_object_set_new(logs, "records", jint(st->flow_records));
    json_object_set_new(logs, "covered", jint(st->flow_covered));
    for (int i = 0; i < FLOWLOG_SKIP_COUNT; i++)
        json_object_set_new(skipped, flowlog_skip_name((enum flowlog_skip)i),
                            jint(st->flow_skipped[i]));
    json_object_set_new(logs, "skipped", skipped);
    json_object_set_new(o, "flow_logs", logs);
    json_t *exp = json_object();
    json_object_set_new(exp, "datagrams", jint(st->export_datagrams));
    json_object_set_new(exp, "lost_packets", jint(st->export_lost_packets));
    json_object_set_new(exp, "lost_records", jint(st->export_lost_records));
    json_object_set_new(exp, "skipped", jint(st->export_skipped));
    json_object_set_new(exp, "sampling_interval", jint(st->sampling_interval));
    json_object_set_new(o, "export", exp);
    bool any = st->packets && st->first_ns <= st->last_ns;
    json_object_set_new(o, "first", any ? jtime(r, st->first_ns) : json_null());
    json_object_set_new(o, "last", any ? jtime(r, st->last_ns) : json_null());
    return o;
}

static json_t *prefix_json(const struct prefix_entry *e)
{
    char text[PREFIX_TEXT_MAX];
    json_t *o = json_object();
    json_object_set_new(o, "prefix", json_string(render_prefix(&e->prefix, text)));
    json_object_set_new(o, "label", jstr(e->label));
    if (e->asn)
        json_object_set_new(o, "asn", jint(e->asn));
    return o;
}

static bool asn_selected(const struct group *g, uint32_t asn)
{
    for (size_t i = 0; i < g->asn_count; i++)
        if (g->asns[i] == asn)
            return true;
    return false;
}

static json_t *group_header_json(const struct report *r, const struct group *g, json_t *o)
{
    static const char *const kinds[] = {"any", "prefixes", "asns"};
    json_t *list = json_array();
    json_object_set_new(o, "name", jstr(g->name));
    json_object_set_new(o, "kind", json_string(kinds[g->kind]));
    json_object_set_new(o, "source", jstr(report_path(r, group_prefixes_source(g))));
    if (g->kind == GROUP_PREFIXES) {
        for (size_t i = 0; i < prefix_set_count(g->prefixes); i++)
            json_array_append_new(list, prefix_json(prefix_set_entry(g->prefixes, i)));
    } else if (g->kind == GROUP_ASNS) {
        json_t *asns = json_array();
        for (size_t i = 0; i < g->asn_count; i++)
            json_array_append_new(asns, jint(g->asns[i]));
        json_object_set_new(o, "asns", asns);
        const struct prefix_set *routing = r->input->routing;
        size_t n = routing ? prefix_set_count(routing) : 0;
        for (size_t i = 0; i < n; i++) {
            const struct prefix_entry *e = prefix_set_entry(routing, i);
            if (asn_selected(g, e->asn))
                json_array_append_new(list, prefix_json(e));
        }
    }
    json_object_set_new(o, "prefix_count", json_integer((json_int_t)json_array_size(list)));
    json_object_set_new(o, "prefixes", list);
    return o;
}

static json_t *figures_json(const char *key, const char *name, const struct figures *f)
{
    json_t *o = json_object();
    json_object_set_new(o, key, jstr(name));
    json_object_set_new(o, "packets", jint(f->packets));
    json_object_set_new(o, "bytes", jint(f->bytes));
    json_object_set_new(o, "flows", jint(f->flows));
    json_object_set_new(o, "share", json_real(f->share));
    return o;
}

static json_t *source_json(const struct report *r, const struct source_entry *s)
{
    char addr[ADDR_TEXT_MAX], text[PREFIX_TEXT_MAX];
    json_t *o = json_object(), *ports = json_array();
    json_object_set_new(o, "address", json_string(render_addr(&s->addr, addr)));
    json_object_set_new(o, "prefix",
                        s->prefix ? json_string(render_prefix(&s->prefix->prefix, text))
                                  : json_null());
    json_object_set_new(o, "label", s->prefix ? jstr(s->prefix->label) : json_null());
    json_object_set_new(o, "packets_in", jint(s->packets_in));
    json_object_set_new(o, "packets_out", jint(s->packets_out));
    json_object_set_new(o, "bytes_in", jint(s->bytes_in));
    json_object_set_new(o, "bytes_out", jint(s->bytes_out));
    json_object_set_new(o, "flows", jint(s->flows));
    json_object_set_new(o, "flows_initiated", jint(s->flows_initiated));
    for (size_t i = 0; i < s->service_count; i++)
        json_array_append_new(ports, json_string(s->services[i]));
    json_object_set_new(o, "ports", ports);
    json_object_set_new(o, "ports_total", jint(s->services_total));
    json_object_set_new(o, "first_seen", jtime(r, s->first_ns));
    json_object_set_new(o, "last_seen", jtime(r, s->last_ns));
    return o;
}

static json_t *snapshots_json(const struct report *r, const struct snapshot_use *uses, size_t n)
{
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct snapshot_use *u = &uses[i];
        char day[16];
        json_t *o = json_object();
        json_object_set_new(o, "source", jstr(report_path(r, u->snapshot->source)));
        json_object_set_new(o, "format", json_string(u->snapshot->format));
        json_object_set_new(
            o, "date",
            u->snapshot->day == SNAPSHOT_UNDATED
                ? json_null()
                : json_string(snapshot_day_format(u->snapshot->day, day, sizeof(day))));
        json_object_set_new(o, "prefix_count", jint(prefix_set_count(u->snapshot->set)));
        json_object_set_new(o, "from", u->used ? jbin(r, u->first_bin) : json_null());
        json_object_set_new(o, "to", u->used ? jbin(r, u->last_bin) : json_null());
        json_array_append_new(list, o);
    }
    return list;
}

/* groups[].asns_top and asns_distinct; nothing when no source tells ASes. */
static void asview_json(const struct group_report *gr, json_t *o)
{
    json_t *list = json_array();
    for (size_t i = 0; gr->asns_top && i < gr->asn_top_count; i++) {
        const struct as_entry *e = &gr->asns_top[i];
        json_t *a = json_object();
        json_object_set_new(a, "asn", e->asn ? jint(e->asn) : json_null());
        json_object_set_new(a, "name", e->asn ? jstr(e->name) : json_null());
        json_object_set_new(a, "sources", jint(e->sources));
        json_object_set_new(a, "packets_in", jint(e->packets_in));
        json_object_set_new(a, "packets_out", jint(e->packets_out));
        json_object_set_new(a, "bytes_in", jint(e->bytes_in));
        json_object_set_new(a, "bytes_out", jint(e->bytes_out));
        json_object_set_new(a, "flows", jint(e->flows));
        json_object_set_new(a, "share", json_real(e->share));
        json_array_append_new(list, a);
    }
    json_object_set_new(o, "asns_distinct", gr->asns_top ? jint(gr->asn_count) : json_null());
    json_object_set_new(o, "asns_top", list);
}

static json_t *bursts_json(const struct report *r, const struct group_report *gr)
{
    struct burst_params params;
    json_t *o = json_object(), *bins = json_array(), *months = json_array();
    burst_params_default(&params);
    json_object_set_new(o, "method",
                        json_string("value > median + k * 1.4826 * MAD of the latest `window` "
                                    "earlier bins that are not bursts (noise floor "
                                    "sqrt(median)), value >= min_volume; judged once 7 "
                                    "earlier bins are not bursts"));
    json_object_set_new(o, "series", json_string("unsolicited inbound, in the report's metric"));
    json_object_set_new(o, "window",
                        jint(r->options.burst_window ? r->options.burst_window : params.window));
    json_object_set_new(o, "k", json_real(r->options.burst_k > 0 ? r->options.burst_k : params.k));
    json_object_set_new(o, "min_volume",
                        jint(r->options.burst_min ? r->options.burst_min : params.min_volume));
    json_object_set_new(o, "count", jint(gr->burst_count));
    char month[8] = "", bin[40];
    json_t *current = NULL;
    for (size_t i = 0; i < gr->series_count; i++) {
        const struct series_point *p = &gr->series[i];
        if (!p->burst)
            continue;
        uint64_t value = r->options.metric == METRIC_BYTES   ? p->unsolicited_bytes
                         : r->options.metric == METRIC_FLOWS ? p->unsolicited_flows
                                                             : p->unsolicited_packets;
        json_t *b = json_object();
        format_bin(r, p->bin, bin, sizeof(bin));
        json_object_set_new(b, "bin", json_string(bin));
        json_object_set_new(b, "value", jint(value));
        json_object_set_new(b, "baseline", json_real(p->baseline));
        json_object_set_new(
            b, "ratio", json_real(p->baseline > 0 ? (double)value / p->baseline : (double)value));
        json_array_append_new(bins, b);
        if (strncmp(month, bin, 7) != 0) {
            memcpy(month, bin, 7);
            month[7] = '\0';
            current = json_object();
            json_object_set_new(current, "month", json_string(month));
            json_object_set_new(current, "count", json_integer(0));
            json_array_append_new(months, current);
        }
        json_object_set_new(
            current, "count",
            json_integer(json_integer_value(json_object_get(current, "count")) + 1));
    }
    json_object_set_new(o, "bins", bins);
    json_object_set_new(o, "per_month", months);
    return o;
}

/* The bins in which the sensor itself started traffic, and their runs. */
static json_t *sensor_state_json(const struct report *r, const struct group_report *gr)
{
    json_t *o = json_object(), *bins = json_array(), *periods = json_object();
    char name[40];
    for (size_t i = 0; i < gr->series_count; i++) {
        const struct series_point *p = &gr->series[i];
        json_t *b = NULL;
        for (unsigned a = 0; a < ACTIVITY_COUNT; a++) {
            if (!p->activity[a])
                continue;
            if (!b) {
                b = json_object();
                format_bin(r, p->bin, name, sizeof(name));
                json_object_set_new(b, "bin", json_string(name));
            }
            json_object_set_new(b, activity_names[a], jint(p->activity[a]));
        }
        if (b)
            json_array_append_new(bins, b);
    }
    for (unsigned a = 0; a < ACTIVITY_COUNT; a++) {
        json_t *runs = json_array();
        for (size_t at = 0, i, j; activity_run_next(gr, a, &at, &i, &j);) {
            json_t *run = json_object();
            json_object_set_new(run, "from", jbin(r, gr->series[i].bin));
            json_object_set_new(run, "to", jbin(r, gr->series[j].bin));
            json_object_set_new(run, "bins", jint(j - i + 1));
            json_array_append_new(runs, run);
        }
        json_object_set_new(periods, activity_names[a], runs);
    }
    json_object_set_new(o, "bins", bins);
    json_object_set_new(o, "periods", periods);
    return o;
}

static json_t *churn_json(const struct group_report *gr)
{
    const struct churn *c = &gr->churn;
    json_t *o = json_object(), *life = json_object(), *nets = json_array(), *pfx = json_array();
    char text[PREFIX_TEXT_MAX];
    json_object_set_new(o, "one_bin", jint(c->one_bin));
    for (unsigned i = 0; i < LIFETIME_COUNT; i++)
        json_object_set_new(life, lifetime_names[i], jint(c->lifetime[i]));
    json_object_set_new(o, "lifetime", life);
    for (size_t i = 0; i < c->prefix_count; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "prefix", json_string(render_prefix(&c->by_prefix[i].net, text)));
        json_object_set_new(e, "label", jstr(c->by_prefix[i].entry->label));
        json_object_set_new(e, "sources", jint(c->by_prefix[i].sources));
        json_array_append_new(pfx, e);
    }
    json_object_set_new(o, "by_prefix", pfx);
    json_object_set_new(o, "nets", jint(c->net_total));
    for (size_t i = 0; i < c->net_count; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "net", json_string(render_prefix(&c->by_net[i].net, text)));
        json_object_set_new(e, "sources", jint(c->by_net[i].sources));
        json_array_append_new(nets, e);
    }
    json_object_set_new(o, "by_net", nets);
    return o;
}

/* groups[].evidence: kind -> {total, distinct, top: [{value, count}]}. */
static json_t *evidence_json(const struct group_report *gr)
{
    json_t *o = json_object();
    for (unsigned k = 0; k < EVIDENCE_KIND_COUNT; k++) {
        const struct evidence_list *list = &gr->evidence[k];
        if (!list->distinct)
            continue;
        json_t *e = json_object(), *top = json_array();
        json_object_set_new(e, "total", jint(list->total));
        json_object_set_new(e, "distinct", jint(list->distinct));
        for (size_t i = 0; i < list->count; i++) {
            json_t *v = json_object();
            json_object_set_new(v, "value", jstr(list->top[i].value));
            json_object_set_new(v, "count", jint(list->top[i].count));
            json_array_append_new(top, v);
        }
        json_object_set_new(e, "top", top);
        json_object_set_new(o, evidence_kind_name((enum evidence_kind)k), e);
    }
    return o;
}

/* groups[].scanners: [{tool, sources, packets, flows, share, ports: [{proto, port, packets,
 * share}]}]. */
static json_t *scanners_json(const struct group_report *gr)
{
    json_t *list = json_array();
    for (size_t i = 0; i < gr->scanner_count; i++) {
        const struct scanner_entry *e = &gr->scanners[i];
        json_t *o = json_object(), *ports = json_array();
        json_object_set_new(o, "tool", json_string(e->tool));
        json_object_set_new(o, "sources", jint(e->sources));
        json_object_set_new(o, "packets", jint(e->packets));
        json_object_set_new(o, "flows", jint(e->flows));
        json_object_set_new(o, "share", json_real(e->share));
        for (size_t j = 0; j < e->port_count; j++) {
            json_t *p = json_object();
            json_object_set_new(p, "proto", json_string(e->ports[j].proto_name));
            json_object_set_new(p, "port", jint(e->ports[j].port));
            json_object_set_new(p, "packets", jint(e->ports[j].packets));
            json_object_set_new(p, "share", json_real(e->ports[j].share));
            json_array_append_new(ports, p);
        }
        json_object_set_new(o, "ports", ports);
        json_array_append_new(list, o);
    }
    return list;
}

/*
 * groups[].attacks: [{victim, first, last, packets, bytes, peak_packets_per_minute,
 * ports: [{proto, port, packets}]}], the largest first; attacks_total counts them all.
 */
static json_t *attacks_json(const struct report *r, const struct group_report *gr)
{
    json_t *list = json_array();
    char addr[ADDR_TEXT_MAX];
    for (size_t i = 0; i < gr->attack_count; i++) {
        const struct attack_entry *a = &gr->attacks[i];
        json_t *o = json_object(), *ports = json_array();
        json_object_set_new(o, "victim", json_string(render_addr(&a->victim, addr)));
        json_object_set_new(o, "first", jtime(r, a->first_s * 1000000000));
        json_object_set_new(o, "last", jtime(r, a->last_s * 1000000000));
        json_object_set_new(o, "packets", jint(a->packets));
        json_object_set_new(o, "bytes", jint(a->bytes));
        json_object_set_new(o, "peak_packets_per_minute", jint(a->peak_packets_per_minute));
        for (size_t j = 0; j < a->port_count; j++) {
            json_t *p = json_object();
            json_object_set_new(p, "proto", json_string(a->ports[j].proto_name));
            json_object_set_new(p, "port", jint(a->ports[j].port));
            json_object_set_new(p, "packets", jint(a->ports[j].packets));
            json_array_append_new(ports, p);
        }
        json_object_set_new(o, "ports", ports);
        json_array_append_new(list, o);
    }
    return list;
}

static json_t *group_json(const struct report *r, const struct group_report *gr)
{
    json_t *o = json_object(), *totals = json_object(), *series = json_array();
    group_header_json(r, gr->group, o);

    json_object_set_new(totals, "packets_in", jint(gr->totals.packets_in));
    json_object_set_new(totals, "packets_out", jint(gr->totals.packets_out));
    json_object_set_new(totals, "bytes_in", jint(gr->totals.bytes_in));
    json_object_set_new(totals, "bytes_out", jint(gr->totals.bytes_out));
    json_object_set_new(totals, "flows", jint(gr->totals.flows));
    json_object_set_new(totals, "sources", jint(gr->totals.sources));
    json_object_set_new(o, "totals", totals);
    by_json(r, gr, o);

    for (size_t i = 0; i < gr->series_count; i++) {
        const struct series_point *p = &gr->series[i];
        json_t *jp = json_object();
        json_object_set_new(jp, "bin", jbin(r, p->bin));
        json_object_set_new(jp, "packets_in", jint(p->packets_in));
        json_object_set_new(jp, "packets_out", jint(p->packets_out));
        json_object_set_new(jp, "bytes_in", jint(p->bytes_in));
        json_object_set_new(jp, "bytes_out", jint(p->bytes_out));
        json_object_set_new(jp, "flows", jint(p->flows));
        json_object_set_new(jp, "sources", jint(p->sources));
        json_object_set_new(jp, "unsolicited_packets", jint(p->unsolicited_packets));
        json_object_set_new(jp, "unsolicited_bytes", jint(p->unsolicited_bytes));
        json_object_set_new(jp, "unsolicited_flows", jint(p->unsolicited_flows));
        json_object_set_new(jp, "new_sources", jint(p->new_sources));
        json_object_set_new(jp, "returning_sources", jint(p->returning_sources));
        json_object_set_new(jp, "burst", json_boolean(p->burst));
        json_array_append_new(series, jp);
    }
    json_object_set_new(o, "series", series);

    for (unsigned l = 0; l < LIST_COUNT; l++) {
        json_t *list = json_array();
        for (size_t i = 0; i < gr->list_counts[l]; i++) {
            const struct category_entry *e = &gr->lists[l][i];
            json_t *entry = figures_json("category", e->category, &e->f);
            json_object_set_new(entry, "name", json_string(e->name));
            json_array_append_new(list, entry);
        }
        json_object_set_new(o, list_json_names[l], list);
    }

    json_t *ports = json_array();
    for (size_t i = 0; i < gr->port_count; i++) {
        const struct port_entry *p = &gr->ports_in[i];
        json_t *jp = figures_json("proto", p->proto_name, &p->f);
        json_object_set_new(jp, "port", jint(p->port));
        json_array_append_new(ports, jp);
    }
    json_object_set_new(o, "ports_in", ports);

    json_t *sources = json_object(), *top = json_array();
    json_object_set_new(sources, "distinct", jint(gr->totals.sources));
    json_object_set_new(sources, "spoofed_likely", jint(gr->spoofed_likely));
    json_object_set_new(sources, "spoofed_likely_share", json_real(gr->spoofed_share));
    for (size_t i = 0; i < gr->top_count; i++)
        json_array_append_new(top, source_json(r, &gr->top[i]));
    json_object_set_new(sources, "top", top);
    json_object_set_new(o, "sources", sources);
    json_object_set_new(o, "snapshots", snapshots_json(r, gr->snapshots, gr->snapshot_count));
    asview_json(gr, o);
    json_object_set_new(o, "bursts", bursts_json(r, gr));
    json_object_set_new(o, "sensor_state", sensor_state_json(r, gr));
    json_object_set_new(o, "churn", churn_json(gr));
    json_object_set_new(o, "evidence", evidence_json(gr));
    json_object_set_new(o, "scanners", scanners_json(gr));
    json_object_set_new(o, "attacks", attacks_json(r, gr));
    json_object_set_new(o, "attacks_total", jint(gr->attack_total));
    return o;
}

/* ---- the summary across groups (summary.c) --------------------------------- */

static void null_all_integers(json_t *o);

static json_t *jshare(double share)
{
    return isnan(share) ? json_null() : json_real(share);
}

static json_t *summary_counts_json(const struct summary_point *p, json_t *o)
{
    for (size_t k = 0; k < 7; k++)
        json_object_set_new(o, summary_field_names[k], jint(summary_field(p, k)));
    return o;
}

static json_t *summary_part_json(const struct summary_part *part, json_t *o)
{
    json_t *share = json_object();
    summary_counts_json(&part->part, o);
    for (size_t k = 0; k < 7; k++)
        json_object_set_new(share, summary_field_names[k], jshare(part->share[k]));
    json_object_set_new(o, "share", share);
    return o;
}

/*
 * "summary": everything the sensor received and sent, and each group's part
 * of it with its shares, over the period and per bin (docs/json.md).
 */
static json_t *summary_json(const struct report *r)
{
    json_t *o = json_object(), *all = json_object(), *all_series = json_array(),
           *groups = json_array();
    summary_counts_json(summary_everything(r, SIZE_MAX), all);
    for (size_t b = 0; b < r->bin_count; b++) {
        json_t *p = json_object();
        json_object_set_new(p, "bin", jbin(r, r->bins[b]));
        json_array_append_new(all_series, summary_counts_json(summary_everything(r, b), p));
    }
    json_object_set_new(all, "series", all_series);
    json_object_set_new(o, "everything", all);
    for (size_t g = 0; g < r->group_count; g++) {
        const struct group_report *gr = &r->groups[g];
        struct summary_part part;
        json_t *e = json_object(), *series = json_array();
        json_object_set_new(e, "name", json_string(gr->group->name));
        summary_part_of(r, gr, SIZE_MAX, &part);
        summary_part_json(&part, e);
        for (size_t b = 0; b < r->bin_count; b++) {
            json_t *p = json_object();
            json_object_set_new(p, "bin", jbin(r, r->bins[b]));
            summary_part_of(r, gr, b, &part);
            json_array_append_new(series, summary_part_json(&part, p));
        }
        json_object_set_new(e, "series", series);
        json_array_append_new(groups, e);
    }
    json_object_set_new(o, "groups", groups);
    return o;
}

/* The traffic of no known origin AS, or null when nothing names ASes. */
static json_t *no_origin_json(const struct report *r)
{
    double share = report_no_origin_share(r);
    if (!origin_sources_any(&r->origins))
        return json_null();
    const struct summary_point *p = &r->no_origin;
    json_t *o = json_object();
    json_object_set_new(o, "packets_in", jint(p->packets_in));
    json_object_set_new(o, "packets_out", jint(p->packets_out));
    json_object_set_new(o, "bytes_in", jint(p->bytes_in));
    json_object_set_new(o, "bytes_out", jint(p->bytes_out));
    json_object_set_new(o, "flows", jint(p->flows));
    json_object_set_new(o, "share", jshare(share));
    return o;
}

/* Counts hidden: the counts go, the shares stay. */
static void summary_without_counts(json_t *summary)
{
    size_t i, j;
    json_t *g, *p;
    json_t *all = json_object_get(summary, "everything");
    null_all_integers(all);
    json_array_foreach(json_object_get(all, "series"), i, p) null_all_integers(p);
    json_array_foreach(json_object_get(summary, "groups"), i, g)
    {
        null_all_integers(g);
        json_array_foreach(json_object_get(g, "series"), j, p) null_all_integers(p);
    }
}

static json_t *ratio(uint64_t a, uint64_t b)
{
    return b ? json_real((double)a / (double)b) : json_null();
}

/* Share differences of one list, in points: this period's first, then the other's. */
/* Entries named under key ("category", "tool") with their shares in both periods. */
static json_t *versus_list(const char *key, const struct category_entry *a, size_t na,
                           const struct category_entry *b, size_t nb)
{
    json_t *list = json_array();
    for (size_t pass = 0; pass < 2; pass++) {
        const struct category_entry *v = pass ? b : a, *w = pass ? a : b;
        size_t nv = pass ? nb : na, nw = pass ? na : nb;
        for (size_t i = 0; i < nv; i++) {
            double other = 0;
            bool seen = false;
            for (size_t j = 0; j < nw && !seen; j++)
                if (strcmp(v[i].category, w[j].category) == 0) {
                    other = w[j].f.share;
                    seen = true;
                }
            if (pass && seen)
                continue; /* listed in the first pass */
            double share = pass ? other : v[i].f.share, share_compare = pass ? v[i].f.share : other;
            json_t *e = json_object();
            if (strcmp(key, "category") == 0) {
                json_object_set_new(e, "category", jstr(v[i].category));
                json_object_set_new(e, "name", jstr(v[i].name));
            } else {
                json_object_set_new(e, key, jstr(v[i].name));
            }
            json_object_set_new(e, "share", json_real(share));
            json_object_set_new(e, "share_compare", json_real(share_compare));
            json_object_set_new(e, "points", json_real(share - share_compare));
            json_array_append_new(list, e);
        }
    }
    return list;
}

static json_t *versus_ports(const struct group_report *a, const struct group_report *b)
{
    json_t *list = json_array();
    for (size_t pass = 0; pass < 2; pass++) {
        const struct group_report *v = pass ? b : a, *w = pass ? a : b;
        for (size_t i = 0; i < v->port_count; i++) {
            const struct port_entry *p = &v->ports_in[i];
            double other = 0;
            bool seen = false;
            for (size_t j = 0; j < w->port_count && !seen; j++)
                if (w->ports_in[j].proto == p->proto && w->ports_in[j].port == p->port) {
                    other = w->ports_in[j].f.share;
                    seen = true;
                }
            if (pass && seen)
                continue;
            double share = pass ? other : p->f.share, share_compare = pass ? p->f.share : other;
            json_t *e = json_object();
            json_object_set_new(e, "proto", json_string(p->proto_name));
            json_object_set_new(e, "port", jint(p->port));
            json_object_set_new(e, "share", json_real(share));
            json_object_set_new(e, "share_compare", json_real(share_compare));
            json_object_set_new(e, "points", json_real(share - share_compare));
            json_array_append_new(list, e);
        }
    }
    return list;
}

/* groups[].versus: this period against the --compare period. */
static json_t *versus_json(const struct group_report *a, const struct group_report *b)
{
    json_t *o = json_object(), *totals = json_object(), *bursts = json_object();
    struct versus_total rows[VERSUS_TOTAL_COUNT];
    versus_totals(a, b, rows);
    for (size_t i = 0; i < VERSUS_TOTAL_COUNT; i++)
        if (strcmp(rows[i].key, "bursts") != 0) /* bursts have an object of their own */
            json_object_set_new(totals, rows[i].key, ratio(rows[i].value, rows[i].compared));
    json_object_set_new(o, "ratios", totals);
    for (unsigned l = 0; l < LIST_COUNT; l++)
        json_object_set_new(o, list_json_names[l],
                            versus_list("category", a->lists[l], a->list_counts[l], b->lists[l],
                                        b->list_counts[l]));
    json_object_set_new(o, "ports_in", versus_ports(a, b));
    json_object_set_new(o, "scanners",
                        versus_list("tool", a->scanner_shares, a->scanner_count, b->scanner_shares,
                                    b->scanner_count));
    json_t *attacks = json_object(), *attack_ratios = json_object();
    struct versus_total attack_rows[VERSUS_ATTACK_COUNT];
    versus_attacks(a, b, attack_rows);
    static const char *const attack_keys[VERSUS_ATTACK_COUNT][2] = {
        {"count", "count_compare"}, {"victims", "victims_compare"}, {"packets", "packets_compare"}};
    for (size_t i = 0; i < VERSUS_ATTACK_COUNT; i++) {
        json_object_set_new(attacks, attack_keys[i][0], jint(attack_rows[i].value));
        json_object_set_new(attacks, attack_keys[i][1], jint(attack_rows[i].compared));
        json_object_set_new(attack_ratios, attack_keys[i][0],
                            ratio(attack_rows[i].value, attack_rows[i].compared));
    }
    json_object_set_new(attacks, "ratios", attack_ratios);
    json_object_set_new(o, "attacks", attacks);
    json_object_set_new(bursts, "count", jint(a->burst_count));
    json_object_set_new(bursts, "count_compare", jint(b->burst_count));
    /* Per 30 bins, so periods of different lengths compare. */
    json_object_set_new(bursts, "per_30_bins", json_real(bursts_per_30_bins(a)));
    json_object_set_new(bursts, "per_30_bins_compare", json_real(bursts_per_30_bins(b)));
    json_object_set_new(o, "bursts", bursts);
    return o;
}

/* ---- counts hidden by the report's view (report_shown) ------------------------ */

static void null_fields(json_t *o, const char *const *keys)
{
    for (; *keys; keys++)
        if (json_object_get(o, *keys))
            json_object_set_new(o, *keys, json_null());
}

static void null_all_integers(json_t *o)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        if (json_is_integer(v))
            json_object_set_new(o, key, json_null());
    }
}

/* Every count of a series becomes an index: its peak over the series is 100. */
static void index_series(json_t *series)
{
    static const char *const keys[] = {
        "packets_in",
        "packets_out",
        "bytes_in",
        "bytes_out",
        "flows",
        "sources",
        "unsolicited_packets",
        "unsolicited_bytes",
        "unsolicited_flows",
        "new_sources",
        "returning_sources",
        NULL,
    };
    for (const char *const *k = keys; *k; k++) {
        json_int_t peak = 0;
        size_t i;
        json_t *p;
        json_array_foreach(series, i, p)
        {
            json_int_t v = json_integer_value(json_object_get(p, *k));
            if (v > peak)
                peak = v;
        }
        json_array_foreach(series, i, p)
        {
            json_int_t v = json_integer_value(json_object_get(p, *k));
            json_object_set_new(p, *k, json_real(report_index((double)v, (double)peak)));
        }
    }
}

static void group_without_counts(json_t *g)
{
    static const char *const counts[] = {"packets", "bytes", "flows", NULL};
    static const char *const burst_counts[] = {"value", "baseline", NULL};
    size_t i, j;
    json_t *e, *list;
    const char *key;
    index_series(json_object_get(g, "series"));
    null_all_integers(json_object_get(g, "totals"));
    json_object_foreach(g, key, list)
    {
        if (json_is_array(list) && strcmp(key, "series") != 0)
            json_array_foreach(list, i, e) if (json_is_object(e)) null_fields(e, counts);
    }
    json_t *sources = json_object_get(g, "sources");
    json_object_set_new(sources, "distinct", json_null());
    json_object_set_new(sources, "spoofed_likely", json_null());
    json_array_foreach(json_object_get(sources, "top"), i, e) null_all_integers(e);
    json_array_foreach(json_object_get(json_object_get(g, "bursts"), "bins"), i, e)
        null_fields(e, burst_counts);
    json_t *state = json_object_get(json_object_get(g, "sensor_state"), "bins");
    json_array_foreach(state, i, e) null_all_integers(e);
    json_t *churn = json_object_get(g, "churn");
    null_all_integers(churn);
    null_all_integers(json_object_get(churn, "lifetime"));
    json_array_foreach(json_object_get(churn, "by_prefix"), j, e) null_all_integers(e);
    json_array_foreach(json_object_get(churn, "by_net"), j, e) null_all_integers(e);
    json_array_foreach(json_object_get(g, "asns_top"), j, e) null_all_integers(e);
    json_array_foreach(json_object_get(g, "by"), j, e)
    {
        json_t *asn = json_object_get(e, "asn");
        json_incref(asn); /* an AS number is a name, not a count */
        null_all_integers(e);
        json_object_set_new(e, "asn", asn);
    }
    if (json_object_get(g, "by_distinct"))
        json_object_set_new(g, "by_distinct", json_null());
    static const char *const attack_counts[] = {"peak_packets_per_minute", NULL};
    json_array_foreach(json_object_get(g, "attacks"), j, e)
    {
        null_fields(e, attack_counts);
        json_array_foreach(json_object_get(e, "ports"), i, list) null_fields(list, counts);
    }
    json_object_set_new(g, "attacks_total", json_null());
    null_all_integers(json_object_get(json_object_get(g, "versus"), "attacks"));
    json_array_foreach(json_object_get(g, "scanners"), j, e)
    {
        json_object_set_new(e, "sources", json_null());
        json_array_foreach(json_object_get(e, "ports"), i, list) null_fields(list, counts);
    }
    json_object_foreach(json_object_get(g, "evidence"), key, e)
    {
        null_all_integers(e);
        json_array_foreach(json_object_get(e, "top"), j, list) null_all_integers(list);
    }
}

/*
 * Counts hidden by the report's view: absolute numbers go, shapes and
 * shares stay, as the study published them. Series become indexes (peak =
 * 100), other counts null, shares and ratios are kept.
 */
static void json_without_counts(json_t *root)
{
    size_t i;
    json_t *g, *f;
    json_t *inputs = json_object_get(root, "inputs");
    null_all_integers(inputs);
    null_all_integers(json_object_get(inputs, "bad"));
    null_all_integers(json_object_get(inputs, "flows"));
    null_all_integers(json_object_get(inputs, "evidence"));
    json_array_foreach(json_object_get(inputs, "files"), i, f)
        null_fields(f, (const char *const[]){"packets", NULL});
    json_array_foreach(json_object_get(root, "groups"), i, g) group_without_counts(g);
    json_t *cmp = json_object_get(root, "compare");
    summary_without_counts(json_object_get(root, "summary"));
    if (json_is_object(json_object_get(root, "no_origin_as")))
        null_all_integers(json_object_get(root, "no_origin_as"));
    summary_without_counts(json_object_get(cmp, "summary"));
    json_array_foreach(json_object_get(cmp, "groups"), i, g) group_without_counts(g);
}

int render_json(const struct report *r, FILE *out)
{
    json_t *root = json_object(), *sensors = json_array(), *groups = json_array();
    json_object_set_new(root, "version", json_integer(1));
    json_object_set_new(root, "options", options_json(r));
    json_object_set_new(root, "inputs", inputs_json(r));
    char text[PREFIX_TEXT_MAX];
    const char *name;
    for (size_t i = 0; (name = report_sensor_name(r, i, text)); i++)
        json_array_append_new(sensors, json_string(name));
    json_object_set_new(root, "sensor", sensors);
    json_object_set_new(root, "sensor_detection", jstr(report_sensor_detection(r)));
    json_object_set_new(root, "routing", jstr(report_path(r, r->input->routing_source)));
    json_object_set_new(root, "routing_snapshots",
                        snapshots_json(r, r->routing_snapshots, r->routing_snapshot_count));
    if (r->origins.mmdb) {
        char day[16];
        json_t *m = json_object();
        json_object_set_new(m, "path", jstr(report_path(r, mmdb_source_path(r->origins.mmdb))));
        json_object_set_new(m, "type", jstr(mmdb_source_type(r->origins.mmdb)));
        json_object_set_new(
            m, "date",
            json_string(snapshot_day_format(mmdb_source_day(r->origins.mmdb), day, sizeof(day))));
        json_object_set_new(root, "mmdb", m);
    } else {
        json_object_set_new(root, "mmdb", json_null());
    }
    json_object_set_new(root, "asnames", jstr(report_path(r, r->input->asnames_source)));
    json_object_set_new(root, "sensor_started", json_boolean(r->sensor_started != 0));
    json_t *warnings = json_array();
    for (size_t i = 0; i < r->warning_count; i++)
        json_array_append_new(warnings, jstr(r->warnings[i]));
    json_object_set_new(root, "warnings", warnings);
    json_object_set_new(root, "no_origin_as", no_origin_json(r));
    json_object_set_new(root, "summary", summary_json(r));
    for (size_t g = 0; g < r->group_count; g++)
        json_array_append_new(groups, group_json(r, &r->groups[g]));
    json_object_set_new(root, "groups", groups);
    if (r->compare) {
        json_t *cmp = json_object(), *cgroups = json_array();
        json_object_set_new(cmp, "options", options_json(r->compare));
        for (size_t g = 0; g < r->compare->group_count; g++) {
            json_array_append_new(cgroups, group_json(r->compare, &r->compare->groups[g]));
            json_object_set_new(json_array_get(groups, g), "versus",
                                versus_json(&r->groups[g], &r->compare->groups[g]));
        }
        json_object_set_new(cmp, "groups", cgroups);
        json_object_set_new(cmp, "summary", summary_json(r->compare));
        json_object_set_new(root, "compare", cmp);
    }
    if (!r->shown.counts)
        json_without_counts(root);

    int ret = json_dumpf(root, out, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
    fputc('\n', out);
    json_decref(root);
    return ret == 0 && !ferror(out) ? 0 : -1;
}
