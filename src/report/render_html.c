/*
 * The report as one self-contained HTML page, for reading and for print.
 *
 * Everything is in the file: inline CSS (with print rules), and charts drawn
 * here as inline SVG — the volume per bin with bursts and the compared
 * period, the unsolicited traffic against its burst baseline, new and
 * returning sources, the sensor's own activity, and bar charts of shares.
 * No script, no font, image or stylesheet from elsewhere, so the page opens
 * the same offline, years later. Each chart has a table of its numbers below.
 *
 * Every string from a file, a packet or the command line goes through
 * html_escape(); attribute values are always quoted. Where the report's view
 * hides counts (report_shown) the page shows indexes (peak = 100) and shares
 * only, and the sensor as the view names it.
 */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../capture/capture.h"
#include "../common/xalloc.h"
#include "render_html_int.h"
#include "report_int.h"

#define FILES_SHOWN 12

/* The lists' headings (list_titles[] in words for a page). */
static const char *const list_headings[LIST_COUNT] = {
    "In conversations the sensor started",      "Replies to the sensor's own traffic",
    "Unsolicited (started by the remote side)", "Answers to unsolicited traffic",
    "Conversations of unknown initiator",       "Conversations of unknown initiator",
};

/* ---- small writers -------------------------------------------------------- */

/* ---- the page around the report ------------------------------------------- */

/* In parts: C11 compilers need only take string literals of 4095 bytes. */
static const char *const page_css[] = {
    ":root{--ink:#1c2228;--muted:#5d6670;--rule:#d8dde2;--soft:#eef1f4;--panel:#f5f7f9;"
    "--in:#2b6cb0;--out:#dd6b20;--cmp:#7b8794;--burst:#c53030;--new:#2f855a;--ret:#90cdf4;"
    "--a0:#c53030;--a1:#2b6cb0;--a2:#805ad5;--a3:#dd6b20;--a4:#718096}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;color:var(--ink);background:#fff;font:15px/1.5 system-ui,-apple-system,"
    "\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,\"Noto Sans\",\"Liberation Sans\","
    "\"DejaVu Sans\",sans-serif}\n"
    ".page{max-width:1040px;margin:0 auto;padding:36px 28px 72px}\n"
    "h1{font-size:28px;line-height:1.2;margin:0 0 4px;letter-spacing:-.01em}\n"
    "h2{font-size:23px;line-height:1.25;margin:0}\n"
    "h3{font-size:17px;margin:36px 0 10px;padding-bottom:5px;border-bottom:1px solid var(--rule)}\n"
    "h4{font-size:14px;margin:18px 0 6px}.cols>div>h4:first-child{margin-top:0}\n"
    ".lead{color:var(--muted);font-size:16px;margin:0 0 22px}\n"
    ".masked{display:inline-block;margin:0 0 18px;padding:4px 10px;border-radius:4px;"
    "background:#fff5d6;color:#6b4e00;font-size:13px}\n"
    "dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:3px 18px;margin:0 0 10px;"
    "font-size:14px}\n"
    "dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;overflow-wrap:anywhere}\n"
    "dl.meta .warning{color:var(--burst);font-weight:600}\n"
    "nav.toc{margin:18px 0 0;font-size:14px}nav.toc a{margin-right:14px;color:var(--in)}\n"
    "table{border-collapse:collapse;width:100%;font-size:13px;font-variant-numeric:tabular-nums}\n"
    "th,td{padding:3px 8px;text-align:left;vertical-align:top;border-bottom:1px solid "
    "var(--soft)}\n"
    "th{font-weight:600;color:var(--muted);border-bottom:1px solid var(--rule);white-space:nowrap;"
    "background:#fff}\n"
    "td.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,\"DejaVu Sans Mono\","
    "monospace;font-size:12px}\n"
    "td.w{overflow-wrap:anywhere;min-width:9em}table.narrow{width:auto;min-width:60%}\n"
    "td.n,th.n{text-align:right;white-space:nowrap}td.k{white-space:nowrap}\n"
    "td.mark{color:var(--burst);font-weight:700;text-align:center}\n"
    "tr.burst td{background:#fff5f5}\n"
    ".scroll{max-height:330px;overflow:auto;border:1px solid var(--rule);border-radius:6px}\n"
    ".scroll th{position:sticky;top:0}\n"
    "figure{margin:14px 0 10px}figcaption{font-size:14px;font-weight:600;margin:0 0 2px}\n"
    "figcaption span{font-weight:400;color:var(--muted)}\n"
    "svg.chart{display:block;width:100%;height:auto}svg.bars{max-width:600px}\n"
    "svg text{font-family:inherit;font-size:11px;fill:#4a5560}svg.bars text{font-size:12px}\n"
    "svg text.t{font-size:12px;fill:var(--muted)}svg text.v{fill:var(--ink)}\n"
    ".gl{stroke:#e8ebef;stroke-width:1}.ax{stroke:#9aa5b1;stroke-width:1}\n"
    ".l-in,.l-out,.l-cin,.l-cout,.l-base{fill:none;stroke-linejoin:round;stroke-linecap:round}\n"
    ".l-in{stroke:var(--in);stroke-width:1.5}.a-in{fill:var(--in);fill-opacity:.13}\n"
    ".l-out{stroke:var(--out);stroke-width:1.5}\n"
    ".l-cin{stroke:var(--in);stroke-opacity:.5;stroke-width:1.2;stroke-dasharray:5 3}\n"
    ".l-cout{stroke:var(--out);stroke-opacity:.5;stroke-width:1.2;stroke-dasharray:5 3}\n"
    ".l-base{stroke:#2d3748;stroke-width:1.2;stroke-dasharray:2 2}\n"
    ".band{fill:var(--burst);fill-opacity:.12}.bm{fill:var(--burst)}\n"
    ".c-un{fill:var(--in);fill-opacity:.7}.c-burst{fill:var(--burst)}\n"
    ".c-new{fill:var(--new)}.c-ret{fill:var(--ret)}.c-month{fill:var(--burst);fill-opacity:.8}\n"
    ".t0{fill:#2b6cb0}.t1{fill:#dd6b20}.t2{fill:#2f855a}.t3{fill:#805ad5}.t4{fill:#c53030}\n"
    ".h-out{fill:var(--out)}.h-in{fill:var(--in)}.h-cmp{fill:var(--cmp);fill-opacity:.55}\n"
    ".h-src{fill:var(--new)}.track{fill:var(--soft)}\n"
    ".act0{fill:var(--a0)}.act1{fill:var(--a1)}.act2{fill:var(--a2)}.act3{fill:var(--a3)}"
    ".act4{fill:var(--a4)}.lane{fill:#f7f8fa}\n",
    ".hit{fill:transparent}.hit:hover{fill:#1c2228;fill-opacity:.07}\n"
    "ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:2px 18px;margin:0 0 4px;"
    "padding:0;font-size:13px;color:var(--muted)}\n"
    ".sw{display:inline-block;width:16px;height:10px;margin-right:6px;border-radius:2px}\n"
    ".sw.dash{height:0;border-top:2px dashed;border-radius:0;vertical-align:middle}\n"
    ".sw.dot{height:0;border-top:2px dotted #2d3748;border-radius:0;vertical-align:middle}\n"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(118px,1fr));gap:10px;"
    "margin:16px 0 4px}\n"
    ".card{background:var(--panel);border-radius:8px;padding:9px 12px}\n"
    ".card b{display:block;font-size:20px;line-height:1.3;font-variant-numeric:tabular-nums}\n"
    ".card span{font-size:12px;color:var(--muted)}\n"
    ".cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:18px 32px}\n"
    ".cols>div{min-width:0}\n",
    ".b-in{fill:var(--in)}.b-out{fill:var(--out)}\n"
    ".b-cin,.b-cout{fill:none;stroke-width:1.2;stroke-dasharray:4 2}.b-cin{stroke:var(--in)}"
    ".b-cout{stroke:var(--out)}\n"
    ".bm-cmp{fill:#fff;stroke:var(--burst);stroke-width:1.5}\n"
    ".note{font-size:13px;color:var(--muted);margin:4px 0 8px}\n"
    "table.compact{width:auto}table.compact td{padding:1px 16px 1px 0;border:0}\n"
    "section.group,section.summary{margin-top:44px;padding-top:22px;border-top:3px solid "
    "var(--ink)}\n"
    ".sub{color:var(--muted);margin:2px 0 0;font-size:14px;overflow-wrap:anywhere}\n"
    "footer{margin-top:48px;font-size:12px;color:var(--muted)}.print-only{display:none}\n"
    "@media print{@page{size:A4;margin:14mm 12mm}body{font-size:10pt}"
    ".page{max-width:none;padding:0}.scroll{max-height:none;overflow:visible;border:0}"
    ".scroll th{position:static}section.group+section.group,section.summary+section.group"
    "{break-before:page;border-top:0}"
    ".bins{display:none}.print-only{display:block}"
    "figure,.card,tr,.cols>div{break-inside:avoid}h3,h4,figcaption{break-after:avoid}"
    "nav.toc{display:none}.hit:hover{fill:transparent}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n",
    NULL,
};

static void page_head(const struct page *p)
{
    const struct report *r = p->r;
    char period[96];
    page_period_text(r, period, sizeof(period));
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"honeyscope\">\n<title>honeyscope report: ",
          p->out);
    for (size_t g = 0; g < r->group_count; g++) {
        fputs(g ? ", " : "", p->out);
        page_esc(p, r->groups[g].group->name);
    }
    fprintf(p->out, ", %s</title>\n<style>\n", period);
    for (size_t i = 0; page_css[i]; i++)
        fputs(page_css[i], p->out);
    fputs("</style>\n</head>\n<body>\n<div class=\"page\">\n", p->out);
}

static void sensor_line(const struct page *p)
{
    char text[PREFIX_TEXT_MAX];
    const char *name, *detection = report_sensor_detection(p->r);
    size_t i = 0;
    for (; (name = report_sensor_name(p->r, i, text)); i++)
        fprintf(p->out, "%s%s", i ? ", " : "", name);
    if (!i)
        fputs("(none)", p->out);
    if (detection) {
        fputs("<br><span class=\"note\">", p->out);
        page_esc(p, detection);
        fputs("</span>", p->out);
    }
}

static void files_table(const struct page *p)
{
    const struct report_input *in = p->r->input;
    char buf[32], buf2[32];
    fputs("<table class=\"compact\">\n", p->out);
    for (size_t i = 0; i < in->file_count && i < FILES_SHOWN; i++) {
        const struct report_file *f = &in->files[i];
        fputs("<tr>", p->out);
        page_td_text(p, f->path);
        fputs("<td>", p->out);
        if (f->format[0])
            fprintf(p->out, "%s, %s, %s packets", f->format, report_file_link_name(f),
                    page_num(f->packets, buf));
        if (f->error) {
            fputs(f->format[0] ? "; " : "", p->out);
            fputs("<b>failed:</b> ", p->out);
            page_esc(p, f->error);
        }
        if (f->same_as) {
            fputs("skipped: same content as ", p->out);
            page_esc(p, f->same_as);
        }
        if (f->overlaps_with) {
            fputs("skipped: holds packets of ", p->out);
            page_esc(p, f->overlaps_with);
        }
        if (f->live) {
            fputs("; ", p->out);
            page_esc(p, f->live);
        }
        fputs("</td></tr>\n", p->out);
    }
    fputs("</table>\n", p->out);
    size_t flow_files = report_flow_files(in);
    if (flow_files) {
        const struct input_stats *st = in->stats;
        fprintf(p->out,
                "<p class=\"note\">%zu flow log%s, %s records (%s left out: a capture covers "
                "them). Flows carry no payload: evidence and fingerprints come from captures "
                "only.</p>\n",
                flow_files, flow_files == 1 ? "" : "s", page_num(st->flow_records, buf),
                page_num(st->flow_covered, buf2));
        if (st->export_datagrams)
            fprintf(p->out,
                    "<p class=\"note\">Collected: %s export datagrams; lost (sequence gaps) "
                    "%" PRIu64 " export packets and %" PRIu64 " flow records.</p>\n",
                    page_num(st->export_datagrams, buf), st->export_lost_packets,
                    st->export_lost_records);
        if (st->sampling_interval)
            fprintf(p->out,
                    "<p class=\"note\">An exporter sampled 1 in %" PRIu64
                    " packets: counts are as exported, not scaled.</p>\n",
                    st->sampling_interval);
    }
    if (in->file_count > FILES_SHOWN)
        fprintf(p->out,
                "<p class=\"note\">&hellip; and %zu more files (all are in the JSON and "
                "CSV reports)</p>\n",
                in->file_count - FILES_SHOWN);
}

static void page_header(const struct page *p)
{
    const struct report *r = p->r;
    const struct input_stats *st = r->input->stats;
    char period[96], zone[16], a[40], b[40], buf[32];

    page_period_text(r, period, sizeof(period));
    format_zone(r->options.clock.offset_s, zone, sizeof(zone));
    fputs("<header>\n<h1>What the sensor exchanged with ", p->out);
    for (size_t g = 0; g < r->group_count; g++) {
        fputs(g == 0 ? "" : g + 1 == r->group_count ? " and " : ", ", p->out);
        page_esc(p, r->groups[g].group->name);
    }
    fprintf(p->out, "</h1>\n<p class=\"lead\">%s, by %s (UTC%s); shares of %s</p>\n", period,
            page_bin_unit(r), zone, metric_name(r->options.metric));
    if (!p->counts)
        fputs("<p class=\"masked\">Masked for publication: volumes are indexes (the highest bin "
              "= 100) or shares; the sensor is hidden.</p>\n",
              p->out);
    fputs("<dl class=\"meta\">\n<dt>Period</dt><dd>", p->out);
    size_t bins = r->groups ? r->groups[0].series_count : (size_t)0;
    fprintf(p->out, "%s, %zu %s%s", period, bins, page_bin_unit(r), bins == 1 ? "" : "s");
    if (r->compare) {
        char other[96];
        page_period_text(r->compare, other, sizeof(other));
        fprintf(p->out, "; compared with %s", other);
    }
    fputs("</dd>\n<dt>Sensor</dt><dd>", p->out);
    sensor_line(p);
    fputs("</dd>\n<dt>Inputs</dt><dd>", p->out);
    if (!p->counts) {
        fprintf(p->out, "%" PRIu64 " capture file%s", st->files, st->files == 1 ? "" : "s");
    } else {
        fprintf(p->out, "%" PRIu64 " file%s, ", st->files, st->files == 1 ? "" : "s");
        fprintf(p->out, "%s packets", page_num(st->packets, buf));
        if (st->packets && st->first_ns <= st->last_ns) {
            format_time(r, st->first_ns, a, sizeof(a));
            format_time(r, st->last_ns, b, sizeof(b));
            fprintf(p->out, " from %s to %s", a, b);
        }
        if (st->files_failed)
            fprintf(p->out, "; <b>%" PRIu64 " could not be read to the end</b>", st->files_failed);
        files_table(p);
    }
    fputs("</dd>\n", p->out);
    if (p->counts) {
        fprintf(p->out,
                "<dt>Skipped</dt><dd>%" PRIu64 " truncated, %" PRIu64 " malformed, %" PRIu64
                " unsupported, %" PRIu64 " not IP; %" PRIu64 " not to or from the sensor</dd>\n",
                st->bad[DECODE_TRUNCATED], st->bad[DECODE_MALFORMED], st->bad[DECODE_UNSUPPORTED],
                st->bad[DECODE_NOT_IP], st->not_sensor);
        if (st->live_captures)
            fprintf(p->out,
                    "<dt>Live</dt><dd>%" PRIu64 " capture%s; dropped by the kernel: %" PRIu64
                    ", by the interface: %" PRIu64 "</dd>\n",
                    st->live_captures, st->live_captures == 1 ? "" : "s", st->kernel_drops,
                    st->interface_drops);
        fprintf(p->out, "<dt>Flows</dt><dd>%s started", page_num(st->flows.flows, buf));
        fprintf(p->out, ", %" PRIu64 " evicted early (table full)</dd>\n", st->flows.evicted);
    }
    if (r->input->routing_source) {
        fputs("<dt>Routing</dt><dd>", p->out);
        page_esc(p, report_path(r, r->input->routing_source));
        fputs("</dd>\n", p->out);
    }
    if (r->origins.mmdb) {
        fputs("<dt>AS database</dt><dd>", p->out);
        page_esc(p, report_path(r, mmdb_source_path(r->origins.mmdb)));
        fputs(" (", p->out);
        page_esc(p, mmdb_source_type(r->origins.mmdb));
        fputs(")</dd>\n", p->out);
    }
    if (r->input->asnames_source) {
        fputs("<dt>AS names</dt><dd>", p->out);
        page_esc(p, report_path(r, r->input->asnames_source));
        fputs("</dd>\n", p->out);
    }
    double no_origin = report_no_origin_share(r);
    if (!isnan(no_origin))
        fprintf(p->out, "<dt>No AS known</dt><dd>%.1f%% of the %s both ways</dd>\n", no_origin,
                r->options.metric == METRIC_BYTES ? "bytes" : "packets");
    for (size_t i = 0; i < r->warning_count; i++) {
        fputs("<dt class=\"warning\">Warning</dt><dd class=\"warning\">", p->out);
        page_esc(p, r->warnings[i]);
        fputs("</dd>\n", p->out);
    }
    fputs("</dl>\n", p->out);
    if (r->group_count > 1) {
        fputs("<nav class=\"toc\"><a href=\"#summary\">Summary</a> Groups: ", p->out);
        for (size_t g = 0; g < r->group_count; g++) {
            fprintf(p->out, "<a href=\"#group-%zu\">", g + 1);
            page_esc(p, r->groups[g].group->name);
            fputs("</a>", p->out);
        }
        fputs("</nav>\n", p->out);
    }
    fputs("</header>\n", p->out);
}

static void rows_left_note(const struct page *p, size_t n, const char *what)
{
    if (n > TABLE_ROWS_MAX)
        fprintf(p->out,
                "<p class=\"note\">The first %d of %zu %s; all are in the JSON and CSV "
                "reports.</p>\n",
                TABLE_ROWS_MAX, n, what);
}

static bool is_out_list(unsigned l)
{
    return l == LIST_OUT || l == LIST_OUT_REPLIES || l == LIST_OUT_UNKNOWN;
}

static void category_panel(const struct page *p, const struct group_report *gr, unsigned l)
{
    size_t n = gr->list_counts[l];
    fprintf(p->out, "<div>\n<h4>%s</h4>\n", list_headings[l]);
    if (!n) {
        fputs("<p class=\"note\">(none)</p>\n</div>\n", p->out);
        return;
    }
    struct hbar *bars = xcalloc(n, sizeof(*bars));
    for (size_t i = 0; i < n; i++) {
        snprintf(bars[i].label, sizeof(bars[i].label), "%s", gr->lists[l][i].name);
        bars[i].value = gr->lists[l][i].f.share;
        bars[i].value2 = -1;
    }
    chart_hbars(p, list_titles[l], bars, n, is_out_list(l) ? "h-out" : "h-in", false);
    free(bars);
    if (n > HBAR_ROWS)
        fprintf(p->out, "<p class=\"note\">The chart shows the first %d of %zu.</p>\n", HBAR_ROWS,
                n);
    fprintf(p->out, "<div%s><table>\n<thead><tr><th>category</th>",
            n > 12 ? " class=\"scroll\"" : "");
    if (p->counts)
        fputs("<th class=\"n\">packets</th><th class=\"n\">bytes</th><th class=\"n\">flows</th>",
              p->out);
    fputs("<th class=\"n\">share</th></tr></thead>\n<tbody>\n", p->out);
    for (size_t i = 0; i < n && i < TABLE_ROWS_MAX; i++) {
        const struct category_entry *e = &gr->lists[l][i];
        fputs("<tr>", p->out);
        page_td_text(p, e->name);
        if (p->counts) {
            page_td_num(p, e->f.packets);
            page_td_num(p, e->f.bytes);
            page_td_num(p, e->f.flows);
        }
        page_td_share(p, e->f.share);
        fputs("</tr>\n", p->out);
    }
    fputs("</tbody></table></div>\n", p->out);
    rows_left_note(p, n, "categories");
    fputs("</div>\n", p->out);
}

static void ports_section(const struct page *p, const struct group_report *gr)
{
    size_t n = gr->port_count;
    fputs("<h3>Unsolicited traffic by port</h3>\n<p class=\"note\">Traffic received in "
          "conversations the remote side started, by destination port (ICMP: type), as a "
          "share of all traffic received from the group.</p>\n",
          p->out);
    if (!n) {
        fputs("<p class=\"note\">(none)</p>\n", p->out);
        return;
    }
    struct hbar *bars = xcalloc(n, sizeof(*bars));
    for (size_t i = 0; i < n; i++) {
        page_port_label(&gr->ports_in[i], bars[i].label, sizeof(bars[i].label));
        bars[i].value = gr->ports_in[i].f.share;
        bars[i].value2 = -1;
    }
    fputs("<div class=\"cols\">\n<div>\n<figure>\n<figcaption>Share of all traffic received "
          "<span>(first ports)</span></figcaption>\n",
          p->out);
    chart_hbars(p, "unsolicited inbound by port, share of all traffic received", bars, n, "h-in",
                false);
    fputs("</figure>\n</div>\n<div>\n", p->out);
    free(bars);
    fprintf(p->out, "<div%s><table>\n<thead><tr><th>proto</th><th class=\"n\">port</th>",
            n > 14 ? " class=\"scroll\"" : "");
    if (p->counts)
        fputs("<th class=\"n\">packets</th><th class=\"n\">bytes</th><th class=\"n\">flows</th>",
              p->out);
    fputs("<th class=\"n\">share</th></tr></thead>\n<tbody>\n", p->out);
    for (size_t i = 0; i < n && i < TABLE_ROWS_MAX; i++) {
        const struct port_entry *e = &gr->ports_in[i];
        fprintf(p->out, "<tr><td>%s</td><td class=\"n\">%u</td>", e->proto_name, e->port);
        if (p->counts) {
            page_td_num(p, e->f.packets);
            page_td_num(p, e->f.bytes);
            page_td_num(p, e->f.flows);
        }
        page_td_share(p, e->f.share);
        fputs("</tr>\n", p->out);
    }
    fputs("</tbody></table></div>\n", p->out);
    rows_left_note(p, n, "ports");
    fputs("</div>\n</div>\n", p->out);
}

/* ---- bursts ---------------------------------------------------------------------- */

static void bursts_section(const struct page *p, const struct group_report *gr)
{
    const struct report *r = p->r;
    struct burst_params params;
    burst_params_default(&params);
    fprintf(p->out,
            "<h3>Bursts</h3>\n<p class=\"note\">A %s is a burst when its unsolicited traffic "
            "exceeds the median of the %zu latest earlier %ss that are not bursts by more than "
            "%.1f robust deviations (and reaches %" PRIu64 " %s); one with fewer than %zu such "
            "%ss before it is not judged. %zu found.</p>\n",
            page_bin_unit(r), r->options.burst_window ? r->options.burst_window : params.window,
            page_bin_unit(r), r->options.burst_k > 0 ? r->options.burst_k : params.k,
            r->options.burst_min ? r->options.burst_min : params.min_volume,
            metric_name(r->options.metric), params.min_history, page_bin_unit(r), gr->burst_count);
    if (!gr->burst_count)
        return;

    /* Bursts per month: are they becoming more frequent? */
    size_t months = 0;
    char(*names)[8] = xcalloc(gr->series_count + 1, sizeof(*names));
    double *counts = xcalloc(gr->series_count + 1, sizeof(double));
    for (size_t i = 0; i < gr->series_count; i++) {
        char bin[40];
        format_bin(r, gr->series[i].bin, bin, sizeof(bin));
        if (!months || strncmp(names[months - 1], bin, 7) != 0) {
            memcpy(names[months], bin, 7);
            names[months][7] = '\0';
            months++;
        }
        counts[months - 1] += gr->series[i].burst;
    }
    fputs("<div class=\"cols\">\n<div>\n<figure>\n<figcaption>Bursts per month</figcaption>\n",
          p->out);
    {
        const int w = 560, h = 170, left = 36, bottom = 34;
        double top_v, step;
        double most = chart_max_of(counts, months);
        chart_nice_scale(most < 4 ? 4 : most, true, &top_v, &step); /* a single burst is no wall */
        double pw = w - left - 8, ph = h - 8 - bottom, cw = pw / (double)months;
        chart_svg_begin(p, w, h, "bars", "bursts per month");
        for (double v = 0; v <= top_v + 1e-9; v += step) {
            double y = 8 + ph - v / top_v * ph;
            fprintf(p->out,
                    "<line class=\"%s\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
                    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
                    v > 0 ? "gl" : "ax", left, w - 8, y, y, left - 6, y + 4, v);
        }
        for (size_t i = 0; i < months; i++) {
            double x = left + cw * (double)i, bh = counts[i] / top_v * ph;
            int mon = atoi(names[i] + 5);
            if (counts[i] > 0)
                fprintf(p->out,
                        "<rect class=\"c-month\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                        "height=\"%.1f\"><title>%s: %g</title></rect>",
                        x + cw * 0.15, 8 + ph - bh, cw * 0.7, bh, names[i], counts[i]);
            if (cw >= 22 || mon % 3 == 1)
                fprintf(p->out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
                        x + cw / 2, 8 + ph + 15, chart_month_name(mon));
            if (i == 0 || mon == 1)
                fprintf(p->out, "<text class=\"t\" x=\"%.1f\" y=\"%.1f\">%.4s</text>", x + 2,
                        8 + ph + 30, names[i]);
            fputc('\n', p->out);
        }
        fputs("</svg>\n", p->out);
    }
    fputs("</figure>\n</div>\n<div>\n", p->out);
    free(names);
    free(counts);

    fprintf(p->out, "<div%s><table>\n<thead><tr><th>%s</th>",
            gr->burst_count > 12 ? " class=\"scroll\"" : "", page_bin_unit(r));
    if (p->counts)
        fputs("<th class=\"n\">unsolicited</th><th class=\"n\">baseline</th>", p->out);
    fputs("<th class=\"n\">ratio</th></tr></thead>\n<tbody>\n", p->out);
    for (size_t i = 0, shown = 0; i < gr->series_count && shown < TABLE_ROWS_MAX; i++) {
        const struct series_point *pt = &gr->series[i];
        char name[40];
        if (!pt->burst)
            continue;
        shown++;
        format_bin(r, pt->bin, name, sizeof(name));
        fprintf(p->out, "<tr><td>%s</td>", name);
        if (p->counts) {
            page_td_num(p, (uint64_t)page_unsolicited(r, pt));
            fprintf(p->out, "<td class=\"n\">%.1f</td>", pt->baseline);
        }
        fprintf(p->out, "<td class=\"n\">%s%.1f</td></tr>\n", TIMES,
                page_ratio_of(page_unsolicited(r, pt), pt->baseline));
    }
    fputs("</tbody></table></div>\n", p->out);
    rows_left_note(p, gr->burst_count, "bursts");
    fputs("</div>\n</div>\n", p->out);
}

/* ---- the sensor's own activity ------------------------------------------------ */

static void activity_section(const struct page *p, const struct group_report *gr)
{
    const struct report *r = p->r;
    fprintf(p->out,
            "<h3>The sensor's own traffic</h3>\n<p class=\"note\">What the sensor itself "
            "started (an infected honeypot sends spam, looks up names, scans, downloads) tells "
            "its state: the volume depends on it.</p>\n");
    html_activity_chart(p, gr);
    fprintf(p->out,
            "<table>\n<thead><tr><th>activity</th><th class=\"n\">active %ss</th>"
            "<th class=\"n\">periods</th><th>first</th><th>last</th>",
            page_bin_unit(r));
    if (p->counts)
        fputs("<th class=\"n\">packets sent</th>", p->out);
    fputs("</tr></thead>\n<tbody>\n", p->out);
    for (unsigned a = 0; a < ACTIVITY_COUNT; a++) {
        size_t active = 0, runs = 0, first = SIZE_MAX, last = 0;
        uint64_t packets = 0;
        for (size_t i = 0; i < gr->series_count; i++) {
            uint64_t v = gr->series[i].activity[a];
            if (!v)
                continue;
            active++;
            packets += v;
            if (i == 0 || !gr->series[i - 1].activity[a])
                runs++;
            if (first == SIZE_MAX)
                first = i;
            last = i;
        }
        fprintf(p->out, "<tr><td>%s</td>", page_activity_title(a));
        page_td_num(p, active);
        page_td_num(p, runs);
        if (active) {
            char a1[40], b1[40];
            format_bin(r, gr->series[first].bin, a1, sizeof(a1));
            format_bin(r, gr->series[last].bin, b1, sizeof(b1));
            fprintf(p->out, "<td>%s</td><td>%s</td>", a1, b1);
        } else {
            fputs("<td></td><td></td>", p->out);
        }
        if (p->counts)
            page_td_num(p, packets);
        fputs("</tr>\n", p->out);
    }
    fputs("</tbody></table>\n", p->out);
}

/* ---- evidence ------------------------------------------------------------------ */

static double share_of(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0;
}

static const char *evidence_title(unsigned kind)
{
    switch ((enum evidence_kind)kind) {
    case EVIDENCE_SMTP_HELO:
        return "SMTP: names given in HELO/EHLO";
    case EVIDENCE_SMTP_MAIL_FROM:
        return "SMTP: senders (MAIL FROM)";
    case EVIDENCE_SMTP_MAIL_FROM_DOMAIN:
        return "SMTP: sender domains";
    case EVIDENCE_SMTP_RCPT_TO:
        return "SMTP: recipients (RCPT TO)";
    case EVIDENCE_SMTP_RCPT_TO_DOMAIN:
        return "SMTP: recipient domains";
    case EVIDENCE_SMTP_MESSAGES:
        return "SMTP: messages sent";
    case EVIDENCE_SMTP_SUBJECT:
        return "SMTP: subjects";
    case EVIDENCE_SMTP_BANNER:
        return "SMTP: server greetings";
    case EVIDENCE_SMTP_REPLY:
        return "SMTP: reply codes";
    case EVIDENCE_DNS_QUERY:
        return "DNS: names looked up";
    case EVIDENCE_DNS_ANSWER:
        return "DNS: answers";
    case EVIDENCE_DNS_ERROR:
        return "DNS: errors";
    case EVIDENCE_HTTP_REQUEST:
        return "HTTP: requests";
    case EVIDENCE_HTTP_HOST:
        return "HTTP: hosts";
    case EVIDENCE_HTTP_USER_AGENT:
        return "HTTP: user agents";
    case EVIDENCE_HTTP_URL:
        return "HTTP: what was fetched, from where";
    case EVIDENCE_HTTP_RESPONSE:
        return "HTTP: responses (status, type, length)";
    case EVIDENCE_HTTP_LOCATION:
        return "HTTP: redirects (Location)";
    case EVIDENCE_TLS_SNI:
        return "TLS: server names";
    case EVIDENCE_TLS_JA4:
        return "TLS: client fingerprints (JA4)";
    case EVIDENCE_SSH_CLIENT:
        return "SSH: client versions";
    case EVIDENCE_SSH_HASSH:
        return "SSH: client fingerprints (HASSH)";
    case EVIDENCE_SSH_HASSH_SERVER:
        return "SSH: server fingerprints (hasshServer)";
    default:
        return evidence_kind_name((enum evidence_kind)kind);
    }
}

/* The most frequent values of each kind of evidence, as sent (escaped). */
static void evidence_section(const struct page *p, const struct group_report *gr)
{
    bool any = false;
    char buf[32];
    for (unsigned k = 0; k < EVIDENCE_KIND_COUNT && !any; k++)
        any = gr->evidence[k].distinct != 0;
    if (!any)
        return;
    fputs("<h3>What the conversations were about</h3>\n<p class=\"note\">The most frequent "
          "values read from the first bytes of each conversation, as they were sent.</p>\n"
          "<div class=\"cols\">\n",
          p->out);
    for (unsigned k = 0; k < EVIDENCE_KIND_COUNT; k++) {
        const struct evidence_list *list = &gr->evidence[k];
        if (!list->distinct)
            continue;
        if (list->distinct == 1 && list->top[0].len == 0) {
            /* a count with no value, such as messages sent */
            if (p->counts)
                fprintf(p->out, "<div>\n<h4>%s: %s</h4>\n</div>\n", evidence_title(k),
                        page_num(list->total, buf));
            continue;
        }
        fprintf(p->out, "<div>\n<h4>%s", evidence_title(k));
        if (p->counts) {
            fprintf(p->out, " <span class=\"note\">(%s in all, ", page_num(list->total, buf));
            fprintf(p->out, "%s distinct)</span>", page_num(list->distinct, buf));
        }
        fputs("</h4>\n", p->out);
        fputs("<table>\n<thead><tr><th>value</th>", p->out);
        if (p->counts)
            fputs("<th class=\"n\">count</th>", p->out);
        fputs("<th class=\"n\">share</th></tr></thead>\n<tbody>\n", p->out);
        for (size_t i = 0; i < list->count; i++) {
            fputs("<tr><td class=\"w mono\">", p->out);
            page_esc(p, list->top[i].value);
            fputs("</td>", p->out);
            if (p->counts)
                page_td_num(p, list->top[i].count);
            page_td_share(p, share_of(list->top[i].count, list->total));
            fputs("</tr>\n", p->out);
        }
        fputs("</tbody></table>\n</div>\n", p->out);
    }
    fputs("</div>\n", p->out);
}

/* Sources that look spoofed (docs/semantics.md, "Spoofing signs"), when there are any. */
static void spoofing_note(const struct page *p, const struct group_report *gr)
{
    char buf[32];
    if (!gr->spoofed_likely)
        return;
    fputs("<h3>Spoofing signs</h3>\n<p>", p->out);
    if (p->counts)
        fprintf(p->out,
                "%s sources look spoofed (answered by the sensor, never past their first "
                "packet); they sent ",
                page_num(gr->spoofed_likely, buf));
    else
        fputs("Sources that look spoofed (answered by the sensor, never past their first "
              "packet) sent ",
              p->out);
    fprintf(p->out, "%.1f%% of the unsolicited packets.</p>\n", gr->spoofed_share);
}

/* The tools' probes per bin, stacked, most probes at the bottom (indexes when counts are hidden).
 */
static void scanner_chart(const struct page *p, const struct group_report *gr)
{
    static const char *const colours[] = {"#2b6cb0", "#dd6b20", "#2f855a", "#805ad5", "#c53030"};
    size_t n = gr->series_count, tools = gr->scanner_count < 5 ? gr->scanner_count : 5;
    double *lower = xcalloc(n + 1, sizeof(double)), *v = xcalloc(n + 1, sizeof(double));
    double peak = 0;
    char cls[8], style[64];
    struct frame f;
    for (size_t b = 0; b < n; b++) {
        double sum = 0;
        for (size_t t = 0; t < tools; t++)
            sum += (double)gr->scanners[t].per_bin[b];
        if (sum > peak)
            peak = sum;
    }
    double scale = !p->counts && peak > 0 ? report_index(1, peak) : 1;
    fprintf(p->out,
            "<figure>\n<figcaption>Probes per %s by tool <span>(%s)</span></figcaption>\n"
            "<ul class=\"legend\">",
            page_bin_unit(p->r), !p->counts ? "index, peak = 100" : "packets");
    for (size_t t = 0; t < tools; t++) {
        snprintf(style, sizeof(style), "\" style=\"background:%s", colours[t]);
        chart_legend_item(p, style, gr->scanners[t].tool);
    }
    fputs("</ul>\n", p->out);
    chart_frame(&f, WIDE_W, 170, n, peak * scale, p->counts);
    chart_svg_begin(p, f.w, f.h, NULL, "probes per bin by scanning tool");
    chart_y_axis(p, &f, !p->counts ? "index" : "probes");
    chart_time_axis(p, &f, p->r, n, 0, NULL);
    for (size_t t = 0; t < tools; t++) {
        for (size_t b = 0; b < n; b++)
            v[b] = (double)gr->scanners[t].per_bin[b] * scale;
        snprintf(cls, sizeof(cls), "t%zu", t);
        chart_columns(p, &f, lower, v, n, cls, NULL, NULL);
        for (size_t b = 0; b < n; b++)
            lower[b] += v[b];
    }
    fputs("</svg>\n</figure>\n", p->out);
    free(lower);
    free(v);
}

/* Which tools the unsolicited probes came from, and the ports each probed most. */
static void scanner_section(const struct page *p, const struct group_report *gr)
{
    char buf[32];
    spoofing_note(p, gr);
    if (!gr->scanner_count)
        return;
    fputs("<h3>Scanning tools</h3>\n<p class=\"note\">Probes named by the marks their tools "
          "leave in IP and TCP header fields; share of the packets received in conversations the "
          "sensor did not start. A "
          "source seen with two tools counts for both.</p>\n",
          p->out);
    fputs("<table>\n<thead><tr><th>tool</th>", p->out);
    if (p->counts)
        fputs("<th class=\"n\">sources</th><th class=\"n\">packets</th>"
              "<th class=\"n\">flows</th>",
              p->out);
    fputs("<th class=\"n\">share</th><th>most probed ports</th></tr></thead>\n<tbody>\n", p->out);
    for (size_t i = 0; i < gr->scanner_count; i++) {
        const struct scanner_entry *e = &gr->scanners[i];
        fputs("<tr><td class=\"mono\">", p->out);
        page_esc(p, e->tool);
        fputs("</td>", p->out);
        if (p->counts) {
            page_td_num(p, e->sources);
            page_td_num(p, e->packets);
            page_td_num(p, e->flows);
        }
        page_td_share(p, e->share);
        fputs("<td class=\"w mono\">", p->out);
        for (size_t j = 0; j < e->port_count && j < 5; j++) {
            snprintf(buf, sizeof(buf), "%s%s/%u", j ? ", " : "", e->ports[j].proto_name,
                     e->ports[j].port);
            page_esc(p, buf);
        }
        if (e->port_count > 5)
            fprintf(p->out, ", %zu more", e->port_count - 5);
        fputs("</td></tr>\n", p->out);
    }
    fputs("</tbody></table>\n", p->out);
    scanner_chart(p, gr);
}

/* Attacks on others, seen through their backscatter (docs/semantics.md, "Backscatter"). */
static void attack_section(const struct page *p, const struct report *r,
                           const struct group_report *gr)
{
    char buf[40], addr[ADDR_TEXT_MAX];
    if (!gr->attack_count)
        return;
    fputs("<h3>Attacks on others (backscatter)</h3>\n<p class=\"note\">Answers of hosts under "
          "attack to packets forged with the sensor's address: SYN-ACKs, RSTs, ICMP errors and "
          "replies that answer nothing the sensor sent. A victim's attack ends after 5 minutes "
          "without any; times to the minute.",
          p->out);
    if (p->counts)
        fprintf(p->out, " %zu in all, the largest first.", gr->attack_total);
    fputs("</p>\n<table>\n<thead><tr><th>victim</th><th>first</th><th>last</th>", p->out);
    if (p->counts)
        fputs("<th class=\"n\">packets</th><th class=\"n\">bytes</th>"
              "<th class=\"n\">peak per minute</th>",
              p->out);
    fputs("<th>ports</th></tr></thead>\n<tbody>\n", p->out);
    for (size_t i = 0; i < gr->attack_count && i < 100; i++) {
        const struct attack_entry *a = &gr->attacks[i];
        fputs("<tr><td class=\"mono\">", p->out);
        page_esc(p, render_addr(&a->victim, addr));
        fputs("</td><td>", p->out);
        format_time(r, a->first_s * 1000000000, buf, sizeof(buf));
        page_esc(p, buf);
        fputs("</td><td>", p->out);
        format_time(r, a->last_s * 1000000000, buf, sizeof(buf));
        page_esc(p, buf);
        fputs("</td>", p->out);
        if (p->counts) {
            page_td_num(p, a->packets);
            page_td_num(p, a->bytes);
            page_td_num(p, a->peak_packets_per_minute);
        }
        fputs("<td class=\"w mono\">", p->out);
        for (size_t j = 0; j < a->port_count && j < 5; j++) {
            snprintf(buf, sizeof(buf), "%s%s/%u", j ? ", " : "", a->ports[j].proto_name,
                     a->ports[j].port);
            page_esc(p, buf);
        }
        if (a->port_count > 5)
            fprintf(p->out, ", %zu more", a->port_count - 5);
        fputs("</td></tr>\n", p->out);
    }
    fputs("</tbody></table>\n", p->out);
}

/* ---- sources ------------------------------------------------------------------ */

static void churn_section(const struct page *p, const struct group_report *gr)
{
    const struct churn *c = &gr->churn;
    uint64_t total = gr->totals.sources;
    char buf[32], text[PREFIX_TEXT_MAX];
    if (!total)
        return;
    fputs("<div class=\"cols\">\n<div>\n<h4>How long sources stayed "
          "<span class=\"note\">(first packet to last)</span></h4>\n",
          p->out);
    struct hbar bars[LIFETIME_COUNT];
    for (unsigned i = 0; i < LIFETIME_COUNT; i++) {
        // cppcheck-suppress legacyUninitvar ; the label is being written, not read
        snprintf(bars[i].label, sizeof(bars[i].label), "%s", lifetime_names[i]);
        bars[i].value = share_of(c->lifetime[i], total);
        bars[i].value2 = -1;
    }
    chart_hbars(p, "source lifetimes, share of sources", bars, LIFETIME_COUNT, "h-src", false);
    fputs("<table>\n<thead><tr><th>lifetime</th>", p->out);
    if (p->counts)
        fputs("<th class=\"n\">sources</th>", p->out);
    fputs("<th class=\"n\">share</th></tr></thead>\n<tbody>\n", p->out);
    for (unsigned i = 0; i < LIFETIME_COUNT; i++) {
        fprintf(p->out, "<tr><td>%s</td>", lifetime_names[i]);
        if (p->counts)
            page_td_num(p, c->lifetime[i]);
        page_td_share(p, bars[i].value);
        fputs("</tr>\n", p->out);
    }
    fprintf(p->out, "<tr><td>seen in one %s only</td>", page_bin_unit(p->r));
    if (p->counts)
        page_td_num(p, c->one_bin);
    page_td_share(p, share_of(c->one_bin, total));
    fputs("</tr>\n</tbody></table>\n</div>\n<div>\n", p->out);

    if (c->prefix_count) {
        fprintf(p->out,
                "<h4>Sources per prefix</h4>\n<div%s><table>\n<thead><tr><th>prefix</th>"
                "<th>label</th>",
                c->prefix_count > 10 ? " class=\"scroll\"" : "");
        if (p->counts)
            fputs("<th class=\"n\">sources</th>", p->out);
        fputs("<th class=\"n\">share</th></tr></thead>\n<tbody>\n", p->out);
        for (size_t i = 0; i < c->prefix_count && i < TABLE_ROWS_MAX; i++) {
            const struct net_count *e = &c->by_prefix[i];
            fprintf(p->out, "<tr><td class=\"k\">%s</td>", render_prefix(&e->net, text));
            page_td_text(p, e->entry ? e->entry->label : "");
            if (p->counts)
                page_td_num(p, e->sources);
            page_td_share(p, share_of(e->sources, total));
            fputs("</tr>\n", p->out);
        }
        fputs("</tbody></table></div>\n", p->out);
        rows_left_note(p, c->prefix_count, "prefixes");
    }
    fprintf(p->out, "<h4>Networks (/24, IPv6 /48) with the most sources</h4>\n");
    if (p->counts)
        fprintf(p->out, "<p class=\"note\">%s distinct networks.</p>\n",
                page_num(c->net_total, buf));
    fputs("<table>\n<thead><tr><th>network</th>", p->out);
    if (p->counts)
        fputs("<th class=\"n\">sources</th>", p->out);
    fputs("<th class=\"n\">share</th></tr></thead>\n<tbody>\n", p->out);
    for (size_t i = 0; i < c->net_count && i < 10; i++) {
        fprintf(p->out, "<tr><td class=\"k\">%s</td>", render_prefix(&c->by_net[i].net, text));
        if (p->counts)
            page_td_num(p, c->by_net[i].sources);
        page_td_share(p, share_of(c->by_net[i].sources, total));
        fputs("</tr>\n", p->out);
    }
    fputs("</tbody></table>\n</div>\n</div>\n", p->out);
}

/* "2009-06-01 12:52": the zone is in the page's header. */
static void short_time(const struct report *r, int64_t ns, char *buf, size_t len)
{
    format_time(r, ns, buf, len);
    if (strlen(buf) >= 16) {
        buf[10] = ' ';
        buf[16] = '\0';
    }
}

static void top_sources(const struct page *p, const struct group_report *gr)
{
    const struct report *r = p->r;
    if (!gr->top_count || !p->counts)
        return;
    fprintf(p->out,
            "<h4>Top %zu sources <span class=\"note\">(by %s received)</span></h4>\n"
            "<div class=\"scroll\"><table>\n<thead><tr><th class=\"n\">#</th><th>address</th>"
            "<th>prefix</th><th>label</th><th class=\"n\">received</th><th class=\"n\">sent</th>"
            "<th class=\"n\">flows</th><th>unsolicited ports</th><th>first seen</th>"
            "<th>last seen</th></tr></thead>\n<tbody>\n",
            gr->top_count, metric_name(r->options.metric));
    for (size_t i = 0; i < gr->top_count && i < TABLE_ROWS_MAX; i++) {
        const struct source_entry *s = &gr->top[i];
        char addr[ADDR_TEXT_MAX], pfx[PREFIX_TEXT_MAX] = "", first[40], last[40];
        enum metric m = page_volume_metric(r);
        if (s->prefix)
            render_prefix(&s->prefix->prefix, pfx);
        short_time(r, s->first_ns, first, sizeof(first));
        short_time(r, s->last_ns, last, sizeof(last));
        fprintf(p->out,
                "<tr><td class=\"n\">%zu</td><td class=\"k\">%s</td><td class=\"k\">%s</td>", i + 1,
                render_addr(&s->addr, addr), pfx);
        page_td_text(p, s->prefix ? s->prefix->label : "");
        page_td_num(p, m == METRIC_BYTES ? s->bytes_in : s->packets_in);
        page_td_num(p, m == METRIC_BYTES ? s->bytes_out : s->packets_out);
        page_td_num(p, s->flows);
        fputs("<td>", p->out);
        for (size_t j = 0; j < s->service_count; j++)
            fprintf(p->out, "%s%s", j ? ", " : "", s->services[j]);
        if (s->services_total > s->service_count)
            fprintf(p->out, " +%zu", s->services_total - s->service_count);
        fprintf(p->out, "</td><td class=\"k\">%s</td><td class=\"k\">%s</td></tr>\n", first, last);
    }
    fputs("</tbody></table></div>\n", p->out);
    rows_left_note(p, gr->top_count, "sources");
}

static void as_section(const struct page *p, const struct group_report *gr)
{
    if (!gr->asns_top || !gr->asn_top_count)
        return;
    fprintf(p->out,
            "<h3>Origin ASes</h3>\n<p class=\"note\">%zu distinct; the first by %s, "
            "both ways.</p>\n<table>\n<thead><tr><th>AS</th><th>name</th>",
            gr->asn_count, metric_name(p->r->options.metric));
    if (p->counts)
        fputs("<th class=\"n\">sources</th><th class=\"n\">received</th>"
              "<th class=\"n\">sent</th>",
              p->out);
    fputs("<th class=\"n\">share</th></tr></thead>\n<tbody>\n", p->out);
    for (size_t i = 0; i < gr->asn_top_count; i++) {
        const struct as_entry *e = &gr->asns_top[i];
        if (e->asn)
            fprintf(p->out, "<tr><td>AS%" PRIu32 "</td>", e->asn);
        else
            fputs("<tr><td>&ndash;</td>", p->out);
        page_td_text(p, e->asn ? (e->name[0] ? e->name : "(no name)") : "(no AS known)");
        if (p->counts) {
            page_td_num(p, e->sources);
            page_td_num(p, page_volume_metric(p->r) == METRIC_BYTES ? e->bytes_in : e->packets_in);
            page_td_num(p,
                        page_volume_metric(p->r) == METRIC_BYTES ? e->bytes_out : e->packets_out);
        }
        page_td_share(p, e->share);
        fputs("</tr>\n", p->out);
    }
    fputs("</tbody></table>\n", p->out);
}

/* ---- one group ---------------------------------------------------------------------- */

static void card(const struct page *p, const char *value, const char *what)
{
    fprintf(p->out, "<div class=\"card\"><b>%s</b><span>", value);
    page_esc(p, what);
    fputs("</span></div>\n", p->out);
}

static double list_total_share(const struct group_report *gr, unsigned l)
{
    double s = 0;
    for (size_t i = 0; i < gr->list_counts[l]; i++)
        s += gr->lists[l][i].f.share;
    return s;
}

/* A dated group's files, each by its own name, date and prefixes, and the
 * bins it decided. */
static void group_files(const struct page *p, const struct group_report *gr)
{
    fputs("<table class=\"compact\" style=\"margin-top:6px\">\n<thead><tr><th>file</th>"
          "<th>in force from</th><th class=\"n\">prefixes</th><th>bins it decided</th></tr>"
          "</thead>\n<tbody>\n",
          p->out);
    for (size_t i = 0; i < gr->snapshot_count; i++) {
        const struct snapshot_use *u = &gr->snapshots[i];
        char day[16], a[40], b[40];
        fputs("<tr>", p->out);
        page_td_text(p, report_path(p->r, u->snapshot->source));
        fprintf(p->out, "<td>%s</td>", snapshot_day_format(u->snapshot->day, day, sizeof(day)));
        page_td_num(p, prefix_set_count(u->snapshot->set));
        if (u->used) {
            format_bin(p->r, u->first_bin, a, sizeof(a));
            format_bin(p->r, u->last_bin, b, sizeof(b));
            fprintf(p->out, "<td>%s " EN_DASH " %s</td></tr>\n", a, b);
        } else {
            fputs("<td>none of the period</td></tr>\n", p->out);
        }
    }
    fputs("</tbody></table>\n", p->out);
}

static void group_head(const struct page *p, const struct group_report *gr, size_t index)
{
    const struct report *r = p->r;
    const struct group *g = gr->group;
    const struct totals *t = &gr->totals;
    char buf[48], what[64];

    fprintf(p->out, "<section class=\"group\" id=\"group-%zu\">\n<h2>", index + 1);
    page_esc(p, g->name);
    fputs("</h2>\n<p class=\"sub\">", p->out);
    if (g->kind == GROUP_PREFIXES) {
        size_t n = prefix_set_count(g->prefixes);
        fprintf(p->out, "%zu prefix%s from ", n, n == 1 ? "" : "es");
        page_esc(p, report_path(r, group_prefixes_source(g)));
        if (g->snapshots.count > 1)
            fprintf(p->out, ", the latest of %zu files", g->snapshots.count);
    } else if (g->kind == GROUP_ASNS) {
        fputs("origin AS ", p->out);
        for (size_t i = 0; i < g->asn_count; i++)
            fprintf(p->out, "%s%" PRIu32, i ? ", " : "", g->asns[i]);
        fputs(" in ", p->out);
        page_esc(p, r->input->routing_source ? report_path(r, r->input->routing_source)
                                             : "(no routing table)");
    } else {
        fputs("every remote address", p->out);
    }
    fputs("</p>\n", p->out);
    if (g->kind == GROUP_PREFIXES && prefix_set_count(g->prefixes)) {
        size_t n = prefix_set_count(g->prefixes);
        fputs("<table class=\"compact\" style=\"margin-top:6px\">\n", p->out);
        for (size_t i = 0; i < n && i < 12; i++) {
            const struct prefix_entry *e = prefix_set_entry(g->prefixes, i);
            char text[PREFIX_TEXT_MAX];
            fprintf(p->out, "<tr><td>%s</td>", render_prefix(&e->prefix, text));
            page_td_text(p, e->label);
            fputs("</tr>\n", p->out);
        }
        fputs("</table>\n", p->out);
        if (n > 12)
            fprintf(p->out, "<p class=\"note\">&hellip; and %zu more prefixes</p>\n", n - 12);
    }
    if (g->kind == GROUP_PREFIXES && gr->snapshot_count > 1)
        group_files(p, gr);

    fputs("<div class=\"cards\">\n", p->out);
    if (p->counts) {
        enum metric m = page_volume_metric(r);
        snprintf(what, sizeof(what), "%s received", metric_name(m));
        card(p, page_num(m == METRIC_BYTES ? t->bytes_in : t->packets_in, buf), what);
        snprintf(what, sizeof(what), "%s sent", metric_name(m));
        card(p, page_num(m == METRIC_BYTES ? t->bytes_out : t->packets_out, buf), what);
        card(p, page_num(t->flows, buf), "flows");
        card(p, page_num(t->sources, buf), "distinct sources");
    }
    snprintf(buf, sizeof(buf), "%.1f%%", list_total_share(gr, LIST_IN_REPLIES));
    card(p, buf, "of received: replies to the sensor");
    snprintf(buf, sizeof(buf), "%.1f%%", list_total_share(gr, LIST_IN_UNSOLICITED));
    card(p, buf, "of received: unsolicited");
    snprintf(buf, sizeof(buf), "%zu", gr->burst_count);
    snprintf(what, sizeof(what), "burst %ss", page_bin_unit(r));
    card(p, buf, what);
    fputs("</div>\n", p->out);
}

static void group_section(const struct page *p, const struct group_report *gr, size_t index)
{
    const struct report *r = p->r;
    const struct group_report *cmp =
        r->compare && index < r->compare->group_count ? &r->compare->groups[index] : NULL;

    group_head(p, gr, index);
    html_series_section(p, gr, cmp);

    if (!r->sensor_started) /* a passive sensor: its own sections in one line */
        fputs("<p class=\"note\" id=\"passive\">The sensor started nothing in this period (a "
              "passive sensor): nothing of its own sent, no replies to it.</p>\n",
              p->out);
    fputs("<h3>What the sensor sent</h3>\n<div class=\"cols\">\n", p->out);
    if (r->sensor_started)
        category_panel(p, gr, LIST_OUT);
    category_panel(p, gr, LIST_OUT_REPLIES);
    if (gr->list_counts[LIST_OUT_UNKNOWN])
        category_panel(p, gr, LIST_OUT_UNKNOWN);
    fputs("</div>\n<h3>What came back</h3>\n<div class=\"cols\">\n", p->out);
    if (r->sensor_started)
        category_panel(p, gr, LIST_IN_REPLIES);
    category_panel(p, gr, LIST_IN_UNSOLICITED);
    if (gr->list_counts[LIST_IN_UNKNOWN])
        category_panel(p, gr, LIST_IN_UNKNOWN);
    fputs("</div>\n", p->out);

    ports_section(p, gr);
    render_html_by(r, gr, p->out);
    bursts_section(p, gr);
    if (r->sensor_started)
        activity_section(p, gr);
    scanner_section(p, gr);
    attack_section(p, r, gr);
    evidence_section(p, gr);

    fputs("<h3>Sources</h3>\n", p->out);
    if (p->counts) {
        char buf[32];
        fprintf(p->out,
                "<p class=\"note\">%s distinct remote addresses of the group sent the "
                "sensor something.</p>\n",
                page_num(gr->totals.sources, buf));
    }
    churn_section(p, gr);
    top_sources(p, gr);
    as_section(p, gr);
    if (cmp)
        html_versus_section(p, gr, cmp);
    fputs("</section>\n", p->out);
}

int render_html(const struct report *r, FILE *out)
{
    struct page p = {out, r, r->shown.counts};
    page_head(&p);
    page_header(&p);
    fputs("<main>\n", out);
    render_html_summary(r, out);
    for (size_t g = 0; g < r->group_count; g++)
        group_section(&p, &r->groups[g], g);
    fputs("</main>\n<footer>Made by honeyscope. Counting rules: docs/semantics.md; every number "
          "of this page is also in the JSON and CSV reports.</footer>\n</div>\n</body>\n</html>\n",
          out);
    return ferror(out) ? -1 : 0;
}
