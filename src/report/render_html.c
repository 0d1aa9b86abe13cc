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
 * html_escape(); attribute values are always quoted. With --mask the page
 * shows indexes (peak = 100) and shares only, and hides the sensor.
 */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../capture/capture.h"
#include "../common/xalloc.h"
#include "report_int.h"

#define EN_DASH "\xe2\x80\x93"
#define TIMES "\xc3\x97"

/* Time charts share one geometry, so their x axes line up down the page. */
#define WIDE_W 960
#define PLOT_LEFT 104
#define PLOT_RIGHT 24
#define AXIS_BELOW 40
#define HOVER_MAX_BINS 2000 /* per-bin tooltips up to this many bins */
#define HBAR_ROWS 15        /* rows of a share bar chart */
#define FILES_SHOWN 12
/* A bin at least this wide (px) is drawn as bars: a line through one or two
 * bins is a point nobody sees. */
#define BAR_MIN_BIN_W 12.0
#define BAR_MAX_W 56.0
#define BAR_VALUES_MAX_BINS 4 /* bars this few carry their values */
#define COMPARE_AXIS_H 40     /* room under a chart for the compared period's axis */
/* Rows of a table on the page; the JSON and CSV reports have every row. */
#define TABLE_ROWS_MAX 100
#define SERIES_ROWS_MAX 400 /* rows of the numbers per bin before they are summed */

struct page {
    FILE *out;
    const struct report *r;
    bool mask;
};

static const char *const activity_titles[ACTIVITY_COUNT] = {
    "spam (SMTP)", "DNS", "ICMP scan", "HTTP download", "other",
};

/* The lists' headings (list_titles[] in words for a page). */
static const char *const list_headings[LIST_COUNT] = {
    "In conversations the sensor started",      "Replies to the sensor's own traffic",
    "Unsolicited (started by the remote side)", "Answers to unsolicited traffic",
    "Conversations of unknown initiator",       "Conversations of unknown initiator",
};

/* ---- small writers -------------------------------------------------------- */

static void esc(const struct page *p, const char *s)
{
    html_escape(p->out, s ? s : "");
}

/* 1234567 as "1,234,567". */
static const char *num(uint64_t v, char buf[32])
{
    char digits[24];
    int n = snprintf(digits, sizeof(digits), "%" PRIu64, v);
    size_t o = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

static void td_num(const struct page *p, uint64_t v)
{
    char buf[32];
    fprintf(p->out, "<td class=\"n\">%s</td>", num(v, buf));
}

static void td_share(const struct page *p, double share)
{
    fprintf(p->out, "<td class=\"n\">%.1f%%</td>", share);
}

static void td_index(const struct page *p, double v)
{
    fprintf(p->out, "<td class=\"n\">%.1f</td>", v);
}

/* A cell of foreign text: escaped, and allowed to break anywhere. */
static void td_text(const struct page *p, const char *s)
{
    fputs("<td class=\"w\">", p->out);
    esc(p, s);
    fputs("</td>", p->out);
}

static const char *bin_unit(const struct report *r)
{
    return bin_clock_unit_name(&r->options.clock);
}

/* "2009-02-01 – 2009-12-11", or "(empty)". */
static void period_text(const struct report *r, char *buf, size_t len)
{
    char a[40], b[40];
    if (r->period_end <= r->period_start) {
        snprintf(buf, len, "(empty)");
        return;
    }
    format_bin(r, r->period_start, a, sizeof(a));
    format_bin(r, report_period_last(r), b, sizeof(b));
    snprintf(buf, len, "%s " EN_DASH " %s", a, b);
}

/* The traffic of a bin each way in the metric (flows have no direction:
 * packets then, as the text report does). */
static enum metric volume_metric(const struct report *r)
{
    return r->options.metric == METRIC_FLOWS ? METRIC_PACKETS : r->options.metric;
}

static double volume(const struct series_point *pt, enum metric m, bool in)
{
    if (m == METRIC_BYTES)
        return (double)(in ? pt->bytes_in : pt->bytes_out);
    return (double)(in ? pt->packets_in : pt->packets_out);
}

/* What bursts are sought in: unsolicited inbound, in the report's metric. */
static double unsolicited(const struct report *r, const struct series_point *pt)
{
    switch (r->options.metric) {
    case METRIC_BYTES:
        return (double)pt->unsolicited_bytes;
    case METRIC_FLOWS:
        return (double)pt->unsolicited_flows;
    default:
        return (double)pt->unsolicited_packets;
    }
}

static double ratio_of(double v, double baseline)
{
    return baseline > 0 ? v / baseline : v;
}

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
    period_text(r, period, sizeof(period));
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"honeyscope\">\n<title>honeyscope report: ",
          p->out);
    for (size_t g = 0; g < r->group_count; g++) {
        fputs(g ? ", " : "", p->out);
        esc(p, r->groups[g].group->name);
    }
    fprintf(p->out, ", %s</title>\n<style>\n", period);
    for (size_t i = 0; page_css[i]; i++)
        fputs(page_css[i], p->out);
    fputs("</style>\n</head>\n<body>\n<div class=\"page\">\n", p->out);
}

static void sensor_line(const struct page *p)
{
    const struct report_input *in = p->r->input;
    if (p->mask) {
        fputs("masked", p->out);
        return;
    }
    for (size_t i = 0; i < in->sensors->count; i++) {
        char text[PREFIX_TEXT_MAX];
        fprintf(p->out, "%s%s", i ? ", " : "", render_prefix(&in->sensors->prefixes[i], text));
    }
    if (!in->sensors->count)
        fputs("(none)", p->out);
    if (in->sensor_detection) {
        fputs("<br><span class=\"note\">", p->out);
        esc(p, in->sensor_detection);
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
        td_text(p, f->path);
        fputs("<td>", p->out);
        if (f->format[0])
            fprintf(p->out, "%s, %s, %s packets", f->format, report_file_link_name(f),
                    num(f->packets, buf));
        if (f->error) {
            fputs(f->format[0] ? "; " : "", p->out);
            fputs("<b>failed:</b> ", p->out);
            esc(p, f->error);
        }
        if (f->same_as) {
            fputs("skipped: same content as ", p->out);
            esc(p, f->same_as);
        }
        if (f->overlaps_with) {
            fputs("skipped: holds packets of ", p->out);
            esc(p, f->overlaps_with);
        }
        if (f->live) {
            fputs("; ", p->out);
            esc(p, f->live);
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
                flow_files, flow_files == 1 ? "" : "s", num(st->flow_records, buf),
                num(st->flow_covered, buf2));
        if (st->export_datagrams)
            fprintf(p->out,
                    "<p class=\"note\">Collected: %s export datagrams; lost (sequence gaps) "
                    "%" PRIu64 " export packets and %" PRIu64 " flow records.</p>\n",
                    num(st->export_datagrams, buf), st->export_lost_packets,
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

    period_text(r, period, sizeof(period));
    format_zone(r->options.clock.offset_s, zone, sizeof(zone));
    fputs("<header>\n<h1>What the sensor exchanged with ", p->out);
    for (size_t g = 0; g < r->group_count; g++) {
        fputs(g == 0 ? "" : g + 1 == r->group_count ? " and " : ", ", p->out);
        esc(p, r->groups[g].group->name);
    }
    fprintf(p->out, "</h1>\n<p class=\"lead\">%s, by %s (UTC%s); shares of %s</p>\n", period,
            bin_unit(r), zone, metric_name(r->options.metric));
    if (p->mask)
        fputs("<p class=\"masked\">Masked for publication: volumes are indexes (the highest bin "
              "= 100) or shares; the sensor is hidden.</p>\n",
              p->out);
    fputs("<dl class=\"meta\">\n<dt>Period</dt><dd>", p->out);
    size_t bins = r->groups ? r->groups[0].series_count : (size_t)0;
    fprintf(p->out, "%s, %zu %s%s", period, bins, bin_unit(r), bins == 1 ? "" : "s");
    if (r->compare) {
        char other[96];
        period_text(r->compare, other, sizeof(other));
        fprintf(p->out, "; compared with %s", other);
    }
    fputs("</dd>\n<dt>Sensor</dt><dd>", p->out);
    sensor_line(p);
    fputs("</dd>\n<dt>Inputs</dt><dd>", p->out);
    if (p->mask) {
        fprintf(p->out, "%" PRIu64 " capture file%s", st->files, st->files == 1 ? "" : "s");
    } else {
        fprintf(p->out, "%" PRIu64 " file%s, ", st->files, st->files == 1 ? "" : "s");
        fprintf(p->out, "%s packets", num(st->packets, buf));
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
    if (!p->mask) {
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
        fprintf(p->out, "<dt>Flows</dt><dd>%s started", num(st->flows.flows, buf));
        fprintf(p->out, ", %" PRIu64 " evicted early (table full)</dd>\n", st->flows.evicted);
    }
    if (r->input->routing_source) {
        fputs("<dt>Routing</dt><dd>", p->out);
        esc(p, report_path(r, r->input->routing_source));
        fputs("</dd>\n", p->out);
    }
    if (r->origins.mmdb) {
        fputs("<dt>AS database</dt><dd>", p->out);
        esc(p, report_path(r, mmdb_source_path(r->origins.mmdb)));
        fputs(" (", p->out);
        esc(p, mmdb_source_type(r->origins.mmdb));
        fputs(")</dd>\n", p->out);
    }
    if (r->input->asnames_source) {
        fputs("<dt>AS names</dt><dd>", p->out);
        esc(p, report_path(r, r->input->asnames_source));
        fputs("</dd>\n", p->out);
    }
    double no_origin = report_no_origin_share(r);
    if (!isnan(no_origin))
        fprintf(p->out, "<dt>No AS known</dt><dd>%.1f%% of the %s both ways</dd>\n", no_origin,
                r->options.metric == METRIC_BYTES ? "bytes" : "packets");
    for (size_t i = 0; i < r->warning_count; i++) {
        fputs("<dt class=\"warning\">Warning</dt><dd class=\"warning\">", p->out);
        esc(p, r->warnings[i]);
        fputs("</dd>\n", p->out);
    }
    fputs("</dl>\n", p->out);
    if (r->group_count > 1) {
        fputs("<nav class=\"toc\"><a href=\"#summary\">Summary</a> Groups: ", p->out);
        for (size_t g = 0; g < r->group_count; g++) {
            fprintf(p->out, "<a href=\"#group-%zu\">", g + 1);
            esc(p, r->groups[g].group->name);
            fputs("</a>", p->out);
        }
        fputs("</nav>\n", p->out);
    }
    fputs("</header>\n", p->out);
}

/* ---- chart geometry -------------------------------------------------------- */

struct frame {
    int w, h;                        /* the SVG's viewBox */
    double left, top, width, height; /* the plot area */
    size_t bins;                     /* x domain: bins 0..bins-1 */
    double ymax, ystep;
};

/* A round step and top for an axis from 0 to max, about five steps. */
static void nice_scale(double max, bool integers, double *top, double *step)
{
    if (!(max > 0))
        max = integers ? 4 : 1;
    /* max > 0 here, so raw > 0 (cppcheck takes max / 5 for integer division). */
    // cppcheck-suppress invalidFunctionArg
    double raw = max / 5, mag = pow(10, floor(log10(raw))), norm = raw / mag, s;
    if (norm <= 1)
        s = 1;
    else if (norm <= 2)
        s = 2;
    else if (norm <= 2.5 && (!integers || mag >= 10))
        s = 2.5;
    else if (norm <= 5)
        s = 5;
    else
        s = 10;
    s *= mag;
    if (integers && s < 1)
        s = 1;
    *step = s;
    *top = ceil(max / s - 1e-9) * s;
}

static void frame_init(struct frame *f, int w, int h, size_t bins, double max, bool integers)
{
    f->w = w;
    f->h = h;
    f->left = PLOT_LEFT;
    f->top = 10;
    f->width = w - PLOT_LEFT - PLOT_RIGHT;
    f->height = h - 10 - AXIS_BELOW;
    f->bins = bins ? bins : 1;
    nice_scale(max, integers, &f->ymax, &f->ystep);
}

static double bin_w(const struct frame *f)
{
    return f->width / (double)f->bins;
}

static double fx(const struct frame *f, size_t i) /* centre of bin i */
{
    return f->left + ((double)i + 0.5) * bin_w(f);
}

static double fy(const struct frame *f, double v)
{
    double t = f->ymax > 0 ? v / f->ymax : 0;
    if (t > 1)
        t = 1;
    return f->top + f->height - t * f->height;
}

static void svg_begin(const struct page *p, int w, int h, const char *cls, const char *label)
{
    fprintf(p->out, "<svg class=\"chart%s%s\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
            cls ? " " : "", cls ? cls : "", w, h);
    esc(p, label);
    fputs("\">\n", p->out);
}

/* Axis numbers: 1500, 15k, 2.5M. */
static void axis_number(double v, char *buf, size_t len)
{
    double a = fabs(v);
    if (a >= 1e9)
        snprintf(buf, len, "%gG", v / 1e9);
    else if (a >= 1e6)
        snprintf(buf, len, "%gM", v / 1e6);
    else if (a >= 1e4)
        snprintf(buf, len, "%gk", v / 1e3);
    else
        snprintf(buf, len, "%g", v);
}

static void y_axis(const struct page *p, const struct frame *f, const char *title)
{
    char buf[32];
    for (int i = 0;; i++) {
        double v = i * f->ystep;
        if (v > f->ymax + f->ystep * 1e-6)
            break;
        double y = fy(f, v);
        fprintf(p->out, "<line class=\"%s\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>",
                i ? "gl" : "ax", f->left, f->left + f->width, y, y);
        axis_number(v, buf, sizeof(buf));
        fprintf(p->out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", f->left - 8,
                y + 4, buf);
    }
    fprintf(p->out,
            "<text class=\"t\" transform=\"translate(%d %.1f) rotate(-90)\" "
            "text-anchor=\"middle\">",
            (int)f->left - 50, f->top + f->height / 2);
    esc(p, title);
    fputs("</text>\n", p->out);
}

/* ---- the time axis ---------------------------------------------------------- */

enum tick_level { TICK_YEAR, TICK_QUARTER, TICK_MONTH, TICK_WEEK, TICK_DAY, TICK_6H, TICK_3H };

static enum tick_level tick_level_for(double days)
{
    if (days > 1500)
        return TICK_YEAR;
    if (days > 500)
        return TICK_QUARTER;
    if (days > 80)
        return TICK_MONTH;
    if (days > 15)
        return TICK_WEEK;
    if (days > 3)
        return TICK_DAY;
    if (days > 1)
        return TICK_6H;
    return TICK_3H;
}

static bool is_tick(const struct tm *tm, enum tick_level level)
{
    bool midnight = tm->tm_hour == 0 && tm->tm_min == 0;
    switch (level) {
    case TICK_YEAR:
        return midnight && tm->tm_mday == 1 && tm->tm_mon == 0;
    case TICK_QUARTER:
        return midnight && tm->tm_mday == 1 && tm->tm_mon % 3 == 0;
    case TICK_MONTH:
        return midnight && tm->tm_mday == 1;
    case TICK_WEEK:
        return midnight && (tm->tm_mday - 1) % 7 == 0 && tm->tm_mday < 29;
    case TICK_DAY:
        return midnight;
    case TICK_6H:
        return tm->tm_min == 0 && tm->tm_hour % 6 == 0;
    default:
        return tm->tm_min == 0 && tm->tm_hour % 3 == 0;
    }
}

/*
 * A week or month bin rarely starts on the 1st of a month or a year: it
 * carries the tick when the month, quarter or year differs from the
 * previous bin's (key holds the previous one; LONG_MIN before the first).
 */
static bool calendar_tick(const struct tm *tm, enum tick_level level, long *key)
{
    long month = (long)tm->tm_year * 12 + tm->tm_mon;
    long here = level == TICK_YEAR      ? month / 12
                : level == TICK_QUARTER ? month / 3
                : level == TICK_MONTH   ? month
                                        : *key + 1; /* every week bin */
    bool first = *key == LONG_MIN;
    bool tick = !first && here != *key;
    *key = here;
    return tick || (first && is_tick(tm, level));
}

static const char *const month_names[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static void local_tm(const struct report *r, int64_t s, struct tm *tm)
{
    time_t t = (time_t)(s + r->options.clock.offset_s);
    if (!gmtime_r(&t, tm))
        memset(tm, 0, sizeof(*tm));
}

/* The context row under a tick row: the year, month or day the ticks sit in. */
static void axis_context(enum tick_level level, const struct tm *tm, char *buf, size_t len)
{
    switch (level) {
    case TICK_YEAR:
    case TICK_QUARTER:
    case TICK_MONTH:
        snprintf(buf, len, "%d", tm->tm_year + 1900);
        break;
    case TICK_WEEK:
    case TICK_DAY:
        snprintf(buf, len, "%s %d", month_names[tm->tm_mon], tm->tm_year + 1900);
        break;
    default:
        snprintf(buf, len, "%s %d, %d", month_names[tm->tm_mon], tm->tm_mday, tm->tm_year + 1900);
        break;
    }
}

/* The short label of a tick: a year, a month, a day of the month or an hour. */
static void axis_tick(enum tick_level level, const struct tm *tm, char *buf, size_t len)
{
    switch (level) {
    case TICK_YEAR:
        snprintf(buf, len, "%d", tm->tm_year + 1900);
        break;
    case TICK_QUARTER:
    case TICK_MONTH:
        snprintf(buf, len, "%s", month_names[tm->tm_mon]);
        break;
    case TICK_WEEK:
    case TICK_DAY:
        snprintf(buf, len, "%d", tm->tm_mday);
        break;
    default:
        snprintf(buf, len, "%02d:00", tm->tm_hour);
        break;
    }
}

/* About how wide a context label is, with the space it keeps from the next. */
static double context_width(const char *text)
{
    return 10.0 + 7.0 * (double)strlen(text);
}

static void context_label(const struct page *p, double x, double base, const char *text,
                          double *last, double *last_w)
{
    fprintf(p->out, "<text class=\"t\" x=\"%.1f\" y=\"%.1f\">%s</text>", x, base + 32, text);
    *last = x;
    *last_w = context_width(text);
}

/*
 * Ticks and labels for the period of r, its nbins bins from the left of the
 * plot, `below` px under the plot: one row of short labels (years, months,
 * days or hours) and, under it, the wider context (the year, the month, the
 * date) at the first bin and wherever it changes, so every year the axis
 * spans is named. lead, when not NULL, names the period in the margin.
 * Labels that would collide are left out.
 */
static void x_axis(const struct page *p, const struct frame *f, const struct report *r,
                   size_t nbins, double below, const char *lead)
{
    const int64_t width = r->options.clock.width_s;
    const enum bin_unit unit = r->options.clock.unit;
    double days = (double)(r->period_end - r->period_start) / 86400.0;
    enum tick_level level = tick_level_for(days);
    /* Day bins have no hours: a one-day chart reads "9" and "Mar 2018", not "00:00";
     * week and month bins have no finer ticks than themselves. */
    if (width >= 86400 && level > TICK_DAY)
        level = TICK_DAY;
    if (unit == BIN_WEEK && level > TICK_WEEK)
        level = TICK_WEEK;
    if (unit == BIN_MONTH && level > TICK_MONTH)
        level = TICK_MONTH;
    bool centred = width >= 86400 && (level == TICK_DAY || level == TICK_WEEK ||
                                      (unit == BIN_MONTH && level == TICK_MONTH));
    long previous_key = LONG_MIN;
    double last1 = -1e9, last2 = -1e9, last2_w = 0, base = f->top + f->height + below;
    size_t shown = nbins < f->bins ? nbins : f->bins;
    char context[32] = "", first_context[32] = "", row1[16], row2[32];
    int ticks = 0;

    fprintf(p->out, "<line class=\"ax\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
            f->left, below > 0 ? f->left + (double)shown * bin_w(f) : f->left + f->width, base,
            base);
    if (lead) { /* on the context row, clear of a tick label at the plot's edge */
        fprintf(p->out, "<text class=\"t\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", f->left - 8,
                base + 32);
        esc(p, lead);
        fputs("</text>\n", p->out);
    }
    for (size_t i = 0; i < shown; i++) {
        struct tm tm;
        local_tm(r, r->bins[i], &tm);
        bool tick =
            unit == BIN_FIXED ? is_tick(&tm, level) : calendar_tick(&tm, level, &previous_key);
        tick = tick || (i + 1 == nbins && ticks == 0);
        char here[32];
        axis_context(level, &tm, here, sizeof(here));
        /* The year names itself on a year tick; elsewhere it goes in the context row. */
        bool new_context = strcmp(here, context) != 0 && !(tick && level == TICK_YEAR);
        if (!tick && !(i == 0 && new_context))
            continue;
        double x = centred ? fx(f, i) : f->left + (double)i * bin_w(f);
        row1[0] = row2[0] = '\0';
        if (tick)
            axis_tick(level, &tm, row1, sizeof(row1));
        if (new_context)
            snprintf(row2, sizeof(row2), "%s", here);
        snprintf(context, sizeof(context), "%s", here);
        if (tick) {
            ticks++;
            fprintf(p->out, "<line class=\"ax\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>",
                    x, x, base, base + 4);
            bool room = x - last1 >= 8.0 + 6.5 * (double)strlen(row1);
            if (i && room && below == 0) /* a faint guide up the plot at each labelled tick */
                fprintf(p->out,
                        "<line class=\"gl\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>", x,
                        x, f->top, base);
            if (room) {
                fprintf(p->out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>", x,
                        base + 16, row1);
                last1 = x;
            }
        }
        double x2 = x - (centred ? bin_w(f) / 2 : 0);
        if (row2[0] && i == 0 && !tick) {
            /* The first bin's context gives way if the next one comes too soon. */
            snprintf(first_context, sizeof(first_context), "%s", row2);
            continue;
        }
        if (row2[0] && first_context[0]) {
            if (x2 - f->left >= context_width(first_context))
                context_label(p, f->left, base, first_context, &last2, &last2_w);
            first_context[0] = '\0';
        }
        if (row2[0] && x2 - last2 >= last2_w)
            context_label(p, x2, base, row2, &last2, &last2_w);
        fputc('\n', p->out);
    }
    if (first_context[0])
        context_label(p, f->left, base, first_context, &last2, &last2_w);
}

/* ---- chart marks ------------------------------------------------------------ */

static void polyline(const struct page *p, const struct frame *f, const double *v, size_t n,
                     const char *cls)
{
    if (!n)
        return;
    fprintf(p->out, "<polyline class=\"%s\" points=\"", cls);
    for (size_t i = 0; i < n && i < f->bins; i++)
        fprintf(p->out, "%s%.1f,%.1f", i ? " " : "", fx(f, i), fy(f, v[i]));
    fputs("\"/>\n", p->out);
}

static void area(const struct page *p, const struct frame *f, const double *v, size_t n,
                 const char *cls)
{
    if (!n)
        return;
    size_t m = n < f->bins ? n : f->bins;
    fprintf(p->out, "<path class=\"%s\" d=\"M%.1f,%.1f", cls, fx(f, 0), fy(f, 0));
    for (size_t i = 0; i < m; i++)
        fprintf(p->out, "L%.1f,%.1f", fx(f, i), fy(f, v[i]));
    fprintf(p->out, "L%.1f,%.1fZ\"/>\n", fx(f, m - 1), fy(f, 0));
}

/* Columns from lower[i] (NULL: 0) to lower[i] + v[i]; cls_of picks a class per bin. */
static void columns(const struct page *p, const struct frame *f, const double *lower,
                    const double *v, size_t n, const char *cls, const unsigned char *alt,
                    const char *alt_cls)
{
    double w = bin_w(f), gap = w > 4 ? w * 0.18 : w > 1.6 ? 0.4 : 0;
    /* A few bins make columns, not walls: no wider than the two bars of a bin. */
    if (w - gap > 2 * BAR_MAX_W)
        gap = w - 2 * BAR_MAX_W;
    for (size_t i = 0; i < n && i < f->bins; i++) {
        double lo = lower ? lower[i] : 0;
        if (!(v[i] > 0))
            continue;
        double y1 = fy(f, lo + v[i]), y0 = fy(f, lo);
        fprintf(p->out, "<rect class=\"%s\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>",
                alt && alt[i] ? alt_cls : cls, f->left + (double)i * w + gap / 2, y1,
                w - gap > 0.5 ? w - gap : 0.5, y0 - y1 > 0.6 ? y0 - y1 : 0.6);
    }
    fputc('\n', p->out);
}

/* Burst bins: a pale band up the plot and a mark above it. */
static void burst_bands(const struct page *p, const struct frame *f, const struct group_report *gr)
{
    double w = bin_w(f), bw = w > 3 ? w : 3;
    for (size_t i = 0; i < gr->series_count && i < f->bins; i++) {
        if (!gr->series[i].burst)
            continue;
        double x = fx(f, i);
        fprintf(p->out,
                "<rect class=\"band\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\"/>"
                "<path class=\"bm\" d=\"M%.1f,%.1fl-4,-7h8z\"/>\n",
                x - bw / 2, f->top, bw, f->height, x, f->top);
    }
}

/* Whether bins are wide enough to be drawn as bars. */
static bool bars_fit(const struct frame *f)
{
    return bin_w(f) >= BAR_MIN_BIN_W;
}

/* A bar's width: two share a bin, and one bin of a period stays a bar, not a wall. */
static double bar_w(const struct frame *f)
{
    double w = bin_w(f) * 0.4;
    return w < BAR_MAX_W ? w : BAR_MAX_W;
}

/* Where the bar of series 0 (left) or 1 (right) of bin i starts. */
static double bar_x(const struct frame *f, size_t i, int side)
{
    return fx(f, i) - bar_w(f) + side * bar_w(f);
}

/* One bar from 0 to v; at least a pixel high, so no bin with traffic looks empty. */
static void bar_rect(const struct page *p, const struct frame *f, size_t i, int side, double v,
                     const char *cls)
{
    if (!(v > 0))
        return;
    double y = fy(f, v), h = f->top + f->height - y;
    if (h < 1) {
        h = 1;
        y = f->top + f->height - 1;
    }
    fprintf(p->out, "<rect class=\"%s\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>",
            cls, bar_x(f, i, side), y, bar_w(f), h);
}

/* The value over a bar, when there are few enough bars to read them. */
static void bar_value(const struct page *p, const struct frame *f, size_t i, int side, double v)
{
    char buf[32];
    if (f->bins > BAR_VALUES_MAX_BINS || !(v > 0))
        return;
    if (p->mask)
        snprintf(buf, sizeof(buf), "%.1f", v);
    else
        num((uint64_t)v, buf);
    fprintf(p->out, "<text class=\"v\" x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">%s</text>",
            bar_x(f, i, side) + bar_w(f) / 2, fy(f, v) - 4, buf);
}

/*
 * A burst marker pointing down at the value it belongs to, at the x where
 * that period's received traffic is drawn: filled for this period, hollow
 * for the compared one, so neither sits on the other's spike.
 */
static void burst_marker(const struct page *p, const struct frame *f, size_t i, double v,
                         const char *cls)
{
    double x = bars_fit(f) ? bar_x(f, i, 0) + bar_w(f) / 2 : fx(f, i);
    fprintf(p->out, "<path class=\"%s\" d=\"M%.1f,%.1fl-4,-7h8z\"/>", cls, x, fy(f, v) - 2);
}

/* ---- per-bin hover titles ------------------------------------------------------ */

struct hover {
    const struct page *p;
    const struct group_report *gr, *cmp;
    double scale_volume, scale_sources, scale_unsolicited; /* mask: index factors */
};

static void hover_values(const struct hover *h, size_t i, int what)
{
    const struct page *p = h->p;
    const struct report *r = p->r;
    const struct series_point *pt = &h->gr->series[i];
    enum metric m = volume_metric(r);
    char name[40], a[32], b[32];
    format_bin(r, pt->bin, name, sizeof(name));
    fputs(name, p->out);
    if (what == 0) {
        if (p->mask)
            fprintf(p->out, ": received %.1f, sent %.1f (index)",
                    volume(pt, m, true) * h->scale_volume, volume(pt, m, false) * h->scale_volume);
        else
            fprintf(p->out, ": received %s, sent %s %s", num((uint64_t)volume(pt, m, true), a),
                    num((uint64_t)volume(pt, m, false), b), metric_name(m));
        if (h->cmp && i < h->cmp->series_count) {
            const struct series_point *c = &h->cmp->series[i];
            format_bin(p->r->compare, c->bin, name, sizeof(name));
            if (p->mask)
                fprintf(p->out, "; compared (%s): received %.1f, sent %.1f", name,
                        volume(c, m, true) * h->scale_volume,
                        volume(c, m, false) * h->scale_volume);
            else
                fprintf(p->out, "; compared (%s): received %s, sent %s", name,
                        num((uint64_t)volume(c, m, true), a),
                        num((uint64_t)volume(c, m, false), b));
        }
    } else if (what == 1) {
        double v = unsolicited(r, pt);
        if (p->mask)
            fprintf(p->out, ": unsolicited %.1f (index)", v * h->scale_unsolicited);
        else if (isnan(pt->baseline))
            fprintf(p->out, ": unsolicited %s %s, not judged (too little history)",
                    num((uint64_t)v, a), metric_name(r->options.metric));
        else
            fprintf(p->out, ": unsolicited %s %s, baseline %.1f", num((uint64_t)v, a),
                    metric_name(r->options.metric), pt->baseline);
    } else {
        if (p->mask)
            fprintf(p->out, ": sources %.1f (index)", (double)pt->sources * h->scale_sources);
        else
            fprintf(p->out, ": %" PRIu64 " sources, %" PRIu64 " new, %" PRIu64 " returning",
                    pt->sources, pt->new_sources, pt->returning_sources);
    }
    if (pt->burst)
        fprintf(p->out, "; burst, %s%.1f the baseline", TIMES,
                ratio_of(unsolicited(r, pt), pt->baseline));
}

static void hover_rects(const struct hover *h, const struct frame *f, int what)
{
    const struct group_report *gr = h->gr;
    if (gr->series_count > HOVER_MAX_BINS)
        return;
    fputs("<g>", h->p->out);
    for (size_t i = 0; i < gr->series_count && i < f->bins; i++) {
        fprintf(h->p->out,
                "<rect class=\"hit\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\"><title>",
                f->left + (double)i * bin_w(f), f->top, bin_w(f), f->height);
        hover_values(h, i, what);
        fputs("</title></rect>\n", h->p->out);
    }
    fputs("</g>\n", h->p->out);
}

/* ---- the time charts of a group --------------------------------------------- */

static void legend_item(const struct page *p, const char *swatch_style, const char *text)
{
    fprintf(p->out, "<li><span class=\"sw%s\"></span>", swatch_style);
    esc(p, text);
    fputs("</li>", p->out);
}

static double max_of(const double *v, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] > m)
            m = v[i];
    return m;
}

static void scale_all(double *v, size_t n, double k)
{
    for (size_t i = 0; i < n; i++)
        v[i] *= k;
}

/* The received and sent lines (or bars, when bins are wide) of both periods. */
static void volume_marks(const struct page *p, const struct frame *f, const double *in,
                         const double *out, size_t n, const double *cin, const double *cout,
                         size_t nc)
{
    if (!bars_fit(f)) {
        area(p, f, in, n, "a-in");
        if (nc) {
            polyline(p, f, cin, nc, "l-cin");
            polyline(p, f, cout, nc, "l-cout");
        }
        polyline(p, f, out, n, "l-out");
        polyline(p, f, in, n, "l-in");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        bar_rect(p, f, i, 0, in[i], "b-in");
        bar_rect(p, f, i, 1, out[i], "b-out");
        bar_value(p, f, i, 0, in[i]);
        bar_value(p, f, i, 1, out[i]);
    }
    for (size_t i = 0; i < nc; i++) {
        bar_rect(p, f, i, 0, cin[i], "b-cin");
        bar_rect(p, f, i, 1, cout[i], "b-cout");
    }
    fputc('\n', p->out);
}

static void volume_legend(const struct page *p, const struct group_report *gr,
                          const struct group_report *cmp)
{
    const struct report *r = p->r;
    char title[160], other[96], here[96];
    fputs("<ul class=\"legend\">", p->out);
    legend_item(p, "\" style=\"background:var(--in)", "received from the group");
    legend_item(p, "\" style=\"background:var(--out)", "sent by the sensor");
    if (cmp) {
        period_text(r->compare, other, sizeof(other));
        snprintf(title, sizeof(title), "the same, %s (aligned by %s; lower axis)", other,
                 bin_unit(r));
        legend_item(p, " dash\" style=\"border-color:var(--cmp)", title);
    }
    if (gr->burst_count && cmp) {
        period_text(r, here, sizeof(here));
        snprintf(title, sizeof(title), "burst of unsolicited traffic, %s", here);
        legend_item(p, "\" style=\"background:var(--burst)", title);
    } else if (gr->burst_count) {
        legend_item(p, "\" style=\"background:var(--burst)", "burst of unsolicited traffic");
    }
    if (cmp && cmp->burst_count) {
        snprintf(title, sizeof(title), "burst of unsolicited traffic, %s", other);
        legend_item(p, "\" style=\"background:#fff;border:1.5px solid var(--burst)", title);
    }
    fputs("</ul>\n", p->out);
}

static void volume_chart(const struct page *p, const struct group_report *gr,
                         const struct group_report *cmp, struct hover *h)
{
    const struct report *r = p->r;
    enum metric m = volume_metric(r);
    size_t n = gr->series_count, nc = cmp ? cmp->series_count : 0;
    size_t domain = n > nc ? n : nc;
    double *in = xcalloc(domain + 1, sizeof(double)), *out = xcalloc(domain + 1, sizeof(double));
    double *cin = xcalloc(domain + 1, sizeof(double)), *cout = xcalloc(domain + 1, sizeof(double));
    char title[160];
    struct frame f;

    for (size_t i = 0; i < n; i++) {
        in[i] = volume(&gr->series[i], m, true);
        out[i] = volume(&gr->series[i], m, false);
    }
    for (size_t i = 0; i < nc; i++) {
        cin[i] = volume(&cmp->series[i], m, true);
        cout[i] = volume(&cmp->series[i], m, false);
    }
    double peak = max_of(in, n), o = max_of(out, n), ci = max_of(cin, nc), co = max_of(cout, nc);
    peak = peak > o ? peak : o;
    peak = peak > ci ? peak : ci;
    peak = peak > co ? peak : co;
    h->scale_volume = peak > 0 ? 100.0 / peak : 0;
    if (p->mask) {
        scale_all(in, n, h->scale_volume);
        scale_all(out, n, h->scale_volume);
        scale_all(cin, nc, h->scale_volume);
        scale_all(cout, nc, h->scale_volume);
        peak = peak > 0 ? 100 : 0;
    }

    fprintf(p->out,
            "<figure>\n<figcaption>Received and sent <span>(%s per %s%s)</span></figcaption>\n",
            metric_name(m), bin_unit(r), p->mask ? "; index: the highest bin = 100" : "");
    volume_legend(p, gr, cmp);

    frame_init(&f, WIDE_W, 300, domain, peak, !p->mask);
    if (cmp)
        f.h += COMPARE_AXIS_H; /* the compared period's own axis under this one */
    snprintf(title, sizeof(title), "%s per %s, received and sent", metric_name(m), bin_unit(r));
    svg_begin(p, f.w, f.h, NULL, title);
    snprintf(title, sizeof(title), p->mask ? "index" : "%s per %s", metric_name(m), bin_unit(r));
    y_axis(p, &f, title);
    if (!cmp)
        burst_bands(p, &f, gr);
    x_axis(p, &f, r, n, 0, cmp ? "this period" : NULL);
    if (cmp)
        x_axis(p, &f, r->compare, nc, COMPARE_AXIS_H, "compared");
    volume_marks(p, &f, in, out, n, cmp ? cin : NULL, cmp ? cout : NULL, nc);
    for (size_t i = 0; cmp && i < n; i++)
        if (gr->series[i].burst)
            burst_marker(p, &f, i, in[i], "bm");
    for (size_t i = 0; cmp && i < nc; i++)
        if (cmp->series[i].burst)
            burst_marker(p, &f, i, cin[i], "bm-cmp");
    hover_rects(h, &f, 0);
    fputs("</svg>\n</figure>\n", p->out);
    free(in);
    free(out);
    free(cin);
    free(cout);
}

static void unsolicited_chart(const struct page *p, const struct group_report *gr, struct hover *h)
{
    const struct report *r = p->r;
    size_t n = gr->series_count;
    double *v = xcalloc(n + 1, sizeof(double)), *base = xcalloc(n + 1, sizeof(double));
    unsigned char *burst = xcalloc(n + 1, 1);
    char title[96];
    struct frame f;
    for (size_t i = 0; i < n; i++) {
        v[i] = unsolicited(r, &gr->series[i]);
        base[i] = gr->series[i].baseline;
        burst[i] = gr->series[i].burst;
    }
    double peak = max_of(v, n);
    h->scale_unsolicited = peak > 0 ? 100.0 / peak : 0;
    if (p->mask) {
        scale_all(v, n, h->scale_unsolicited);
        scale_all(base, n, h->scale_unsolicited);
        peak = peak > 0 ? 100 : 0;
    }
    fprintf(p->out,
            "<figure>\n<figcaption>Unsolicited traffic received per %s, and bursts "
            "<span>(%s%s)</span></figcaption>\n<ul class=\"legend\">",
            bin_unit(r), metric_name(r->options.metric), p->mask ? ", index" : "");
    legend_item(p, "\" style=\"background:var(--in);opacity:.7", "unsolicited");
    legend_item(p, " dot", "usual level (median of the earlier bins that are not bursts)");
    legend_item(p, "\" style=\"background:var(--burst)", "burst");
    fputs("</ul>\n", p->out);
    frame_init(&f, WIDE_W, 210, n, peak, !p->mask);
    snprintf(title, sizeof(title), "unsolicited %s per %s with the burst baseline",
             metric_name(r->options.metric), bin_unit(r));
    svg_begin(p, f.w, f.h, NULL, title);
    y_axis(p, &f, p->mask ? "index" : metric_name(r->options.metric));
    x_axis(p, &f, r, n, 0, NULL);
    columns(p, &f, NULL, v, n, "c-un", burst, "c-burst");
    /* The baseline as a step across each judged bin: visible for one bin too,
     * and absent where the detector had too little history to judge. */
    bool any_judged = false;
    for (size_t i = 0; i < n && !any_judged; i++)
        any_judged = !isnan(base[i]);
    if (any_judged) {
        fputs("<path class=\"l-base\" d=\"", p->out);
        for (size_t i = 0; i < n && i < f.bins;) {
            size_t run = 1; /* bins in a row at the same level: one step */
            while (i + run < n && i + run < f.bins && !isnan(base[i]) && base[i + run] == base[i])
                run++;
            if (!isnan(base[i]))
                fprintf(p->out, "M%.1f,%.1fh%.2f", f.left + (double)i * bin_w(&f), fy(&f, base[i]),
                        (double)run * bin_w(&f));
            i += run;
        }
        fputs("\"/>\n", p->out);
    }
    hover_rects(h, &f, 1);
    fputs("</svg>\n</figure>\n", p->out);
    free(v);
    free(base);
    free(burst);
}

static void sources_chart(const struct page *p, const struct group_report *gr, struct hover *h)
{
    const struct report *r = p->r;
    size_t n = gr->series_count;
    double *fresh = xcalloc(n + 1, sizeof(double)), *back = xcalloc(n + 1, sizeof(double));
    double peak = 0;
    struct frame f;
    for (size_t i = 0; i < n; i++) {
        fresh[i] = (double)gr->series[i].new_sources;
        back[i] = (double)gr->series[i].returning_sources;
        if ((double)gr->series[i].sources > peak)
            peak = (double)gr->series[i].sources;
    }
    h->scale_sources = peak > 0 ? 100.0 / peak : 0;
    if (p->mask) {
        scale_all(fresh, n, h->scale_sources);
        scale_all(back, n, h->scale_sources);
        peak = peak > 0 ? 100 : 0;
    }
    fprintf(p->out,
            "<figure>\n<figcaption>Distinct sources per %s <span>(remote addresses that sent "
            "the sensor something%s)</span></figcaption>\n<ul class=\"legend\">",
            bin_unit(r), p->mask ? "; index" : "");
    legend_item(p, "\" style=\"background:var(--new)", "first seen in that bin");
    legend_item(p, "\" style=\"background:var(--ret)", "seen before");
    fputs("</ul>\n", p->out);
    frame_init(&f, WIDE_W, 190, n, peak, !p->mask);
    svg_begin(p, f.w, f.h, NULL, "distinct sources per bin, new and returning");
    y_axis(p, &f, p->mask ? "index" : "sources");
    x_axis(p, &f, r, n, 0, NULL);
    columns(p, &f, NULL, fresh, n, "c-new", NULL, NULL);
    columns(p, &f, fresh, back, n, "c-ret", NULL, NULL);
    hover_rects(h, &f, 2);
    fputs("</svg>\n</figure>\n", p->out);
    free(fresh);
    free(back);
}

/* The sensor's own activity: one lane per kind, a cell per active bin,
 * darker for more traffic (log scale, per lane). */
static void activity_chart(const struct page *p, const struct group_report *gr)
{
    const struct report *r = p->r;
    const int lane = 20, lane_gap = 5;
    size_t n = gr->series_count;
    int h = 10 + ACTIVITY_COUNT * (lane + lane_gap) + AXIS_BELOW;
    struct frame f;
    frame_init(&f, WIDE_W, h, n, 1, false);
    fprintf(p->out,
            "<figure>\n<figcaption>The sensor's own activity <span>(%ss in which it started "
            "conversations with the group, by kind; darker: more packets)</span></figcaption>\n",
            bin_unit(r));
    svg_begin(p, f.w, f.h, NULL, "timeline of the sensor's own activity by kind");
    for (unsigned a = 0; a < ACTIVITY_COUNT; a++) {
        double y = f.top + a * (lane + lane_gap);
        uint64_t max = 0;
        for (size_t i = 0; i < n; i++)
            if (gr->series[i].activity[a] > max)
                max = gr->series[i].activity[a];
        fprintf(p->out,
                "<rect class=\"lane\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                f.left, y, f.width, lane, f.left - 8, y + lane / 2.0 + 4, activity_titles[a]);
        for (size_t i = 0; i < n; i++) {
            uint64_t v = gr->series[i].activity[a];
            if (!v)
                continue;
            double k = max > 1 ? log1p((double)v) / log1p((double)max) : 1;
            double w = bin_w(&f) > 1 ? bin_w(&f) : 1;
            char name[40], buf[32];
            format_bin(r, gr->series[i].bin, name, sizeof(name));
            fprintf(p->out,
                    "<rect class=\"act%u\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" "
                    "fill-opacity=\"%.2f\"><title>%s: %s",
                    a, f.left + (double)i * bin_w(&f), y, w, lane, 0.25 + 0.75 * k, name,
                    activity_titles[a]);
            if (!p->mask)
                fprintf(p->out, ", %s packets sent", num(v, buf));
            fputs("</title></rect>", p->out);
        }
        fputc('\n', p->out);
    }
    x_axis(p, &f, r, n, 0, NULL);
    fputs("</svg>\n</figure>\n", p->out);
}

/* One bin's row of the numbers table, its compared cells left to the caller. */
static void series_row(const struct page *p, const struct series_point *pt, const struct hover *h)
{
    const struct report *r = p->r;
    enum metric m = volume_metric(r);
    char name[40];
    format_bin(r, pt->bin, name, sizeof(name));
    fprintf(p->out, "<tr%s><td>%s</td>", pt->burst ? " class=\"burst\"" : "", name);
    if (p->mask) {
        td_index(p, volume(pt, m, true) * h->scale_volume);
        td_index(p, volume(pt, m, false) * h->scale_volume);
        td_index(p, (double)pt->sources * h->scale_sources);
        td_index(p, unsolicited(r, pt) * h->scale_unsolicited);
    } else {
        td_num(p, (uint64_t)volume(pt, m, true));
        td_num(p, (uint64_t)volume(pt, m, false));
        td_num(p, pt->flows);
        td_num(p, pt->sources);
        td_num(p, pt->new_sources);
        td_num(p, pt->returning_sources);
        td_num(p, (uint64_t)unsolicited(r, pt));
        if (isnan(pt->baseline))
            fputs("<td class=\"n\"></td>", p->out); /* not judged */
        else
            fprintf(p->out, "<td class=\"n\">%.1f</td>", pt->baseline);
    }
    if (pt->burst)
        fprintf(p->out, "<td class=\"mark\">%s%.1f</td>", TIMES,
                ratio_of(unsolicited(r, pt), pt->baseline));
    else
        fputs("<td></td>", p->out);
}

/*
 * How many leading characters of a bin's name ("2009-03-01T05:00+00:00") the
 * bins summed in one row share: 10 (a day), 7 (a month) or 4 (a year), the
 * finest that keeps the table within SERIES_ROWS_MAX rows.
 */
static size_t series_sum_key(const struct report *r, const struct group_report *gr)
{
    static const size_t keys[] = {10, 7, 4};
    for (size_t k = r->options.clock.width_s >= 86400; k < 3; k++) {
        size_t rows = 0;
        char last[40] = "", name[40];
        for (size_t i = 0; i < gr->series_count && rows <= SERIES_ROWS_MAX; i++) {
            format_bin(r, gr->series[i].bin, name, sizeof(name));
            name[keys[k]] = '\0';
            if (strcmp(name, last) != 0) {
                rows++;
                memcpy(last, name, sizeof(last));
            }
        }
        if (rows <= SERIES_ROWS_MAX)
            return keys[k];
    }
    return 4;
}

/* Sums of a run of bins, for a long period's table. */
struct bin_sum {
    size_t bins, bursts;
    double in, out, flows, unsolicited;
};

static void bin_sum_row(const struct page *p, const char *name, const struct bin_sum *sum,
                        const struct bin_sum *total)
{
    fprintf(p->out, "<tr><td>%s</td>", name);
    td_num(p, sum->bins);
    if (p->mask) {
        td_share(p, total->in > 0 ? 100.0 * sum->in / total->in : 0);
        td_share(p, total->out > 0 ? 100.0 * sum->out / total->out : 0);
        td_share(p, total->unsolicited > 0 ? 100.0 * sum->unsolicited / total->unsolicited : 0);
    } else {
        td_num(p, (uint64_t)sum->in);
        td_num(p, (uint64_t)sum->out);
        td_num(p, (uint64_t)sum->flows);
        td_num(p, (uint64_t)sum->unsolicited);
    }
    td_num(p, sum->bursts);
    fputs("</tr>\n", p->out);
}

/*
 * A long period's numbers, summed by day, month or year: a row per bin of
 * years of days would weigh more than the rest of the page. Every bin is in
 * the JSON and CSV reports.
 */
static void series_sums_table(const struct page *p, const struct group_report *gr)
{
    const struct report *r = p->r;
    enum metric m = volume_metric(r);
    size_t key = series_sum_key(r, gr);
    const char *unit = key == 10 ? "day" : key == 7 ? "month" : "year";
    struct bin_sum total = {0}, sum = {0};
    for (size_t i = 0; i < gr->series_count; i++) {
        total.in += volume(&gr->series[i], m, true);
        total.out += volume(&gr->series[i], m, false);
        total.unsolicited += unsolicited(r, &gr->series[i]);
    }
    fprintf(p->out,
            "<p class=\"note print-only\">The numbers per %s are in the JSON and CSV reports.</p>\n"
            "<div class=\"bins\">\n<h4>The numbers per %s</h4>\n<p class=\"note\">%zu %ss, summed "
            "by %s; each %s, with its distinct sources, is in the JSON and CSV reports.</p>\n"
            "<div class=\"scroll\"><table>\n<thead><tr><th>%s</th><th class=\"n\">%ss</th>"
            "<th class=\"n\">received%s</th><th class=\"n\">sent%s</th>",
            bin_unit(r), unit, gr->series_count, bin_unit(r), unit, bin_unit(r), unit, bin_unit(r),
            p->mask ? " (share)" : "", p->mask ? " (share)" : "");
    if (!p->mask)
        fputs("<th class=\"n\">flows</th>", p->out);
    fprintf(p->out,
            "<th class=\"n\">unsolicited%s</th><th class=\"n\">bursts</th></tr></thead>\n"
            "<tbody>\n",
            p->mask ? " (share)" : "");
    char current[40] = "", name[40] = "";
    for (size_t i = 0; i <= gr->series_count; i++) {
        if (i < gr->series_count) {
            format_bin(r, gr->series[i].bin, name, sizeof(name));
            name[key] = '\0';
        }
        if (i == gr->series_count || strcmp(name, current) != 0) {
            if (sum.bins)
                bin_sum_row(p, current, &sum, &total);
            memset(&sum, 0, sizeof(sum));
            memcpy(current, name, sizeof(current));
        }
        if (i == gr->series_count)
            break;
        const struct series_point *pt = &gr->series[i];
        sum.bins++;
        sum.bursts += pt->burst;
        sum.in += volume(pt, m, true);
        sum.out += volume(pt, m, false);
        sum.flows += (double)pt->flows;
        sum.unsolicited += unsolicited(r, pt);
    }
    fputs("</tbody></table></div>\n</div>\n", p->out);
}

/* The numbers behind the time charts, one row per bin (of the longer period
 * when compared), or summed when the period is long. */
static void series_table(const struct page *p, const struct group_report *gr,
                         const struct group_report *cmp, const struct hover *h)
{
    const struct report *r = p->r;
    enum metric m = volume_metric(r);
    size_t rows = gr->series_count;
    if (cmp && cmp->series_count > rows)
        rows = cmp->series_count;
    if (rows > SERIES_ROWS_MAX) {
        series_sums_table(p, gr);
        return;
    }
    /* On paper the charts stand alone: a year of days would fill pages. */
    fprintf(p->out,
            "<p class=\"note print-only\">The numbers per %s are in the JSON and CSV reports.</p>\n"
            "<div class=\"bins\">\n<h4>The numbers per %s</h4>\n<div class=\"scroll\"><table>\n"
            "<thead><tr><th>%s</th><th class=\"n\">received</th><th class=\"n\">sent</th>",
            bin_unit(r), bin_unit(r), bin_unit(r));
    if (!p->mask)
        fputs("<th class=\"n\">flows</th>", p->out);
    fputs("<th class=\"n\">sources</th>", p->out);
    if (!p->mask)
        fputs("<th class=\"n\">new</th><th class=\"n\">returning</th>", p->out);
    fputs("<th class=\"n\">unsolicited</th>", p->out);
    if (!p->mask)
        fputs("<th class=\"n\">baseline</th>", p->out);
    fputs("<th>burst</th>", p->out);
    if (cmp)
        fputs("<th>compared</th><th class=\"n\">received</th><th class=\"n\">sent</th>", p->out);
    fputs("</tr></thead>\n<tbody>\n", p->out);
    for (size_t i = 0; i < rows; i++) {
        if (i < gr->series_count) {
            series_row(p, &gr->series[i], h);
        } else {
            /* only the compared period, longer, has this bin */
            fprintf(p->out, "<tr><td></td><td></td><td></td>%s<td></td>%s<td></td><td></td>",
                    p->mask ? "" : "<td></td>", p->mask ? "" : "<td></td><td></td><td></td>");
        }
        if (cmp && i < cmp->series_count) {
            const struct series_point *c = &cmp->series[i];
            char name[40];
            format_bin(r->compare, c->bin, name, sizeof(name));
            fprintf(p->out, "<td>%s</td>", name);
            if (p->mask) {
                td_index(p, volume(c, m, true) * h->scale_volume);
                td_index(p, volume(c, m, false) * h->scale_volume);
            } else {
                td_num(p, (uint64_t)volume(c, m, true));
                td_num(p, (uint64_t)volume(c, m, false));
            }
        } else if (cmp) {
            fputs("<td></td><td></td><td></td>", p->out);
        }
        fputs("</tr>\n", p->out);
    }
    fputs("</tbody></table></div>\n</div>\n", p->out);
}

/* Under a table cut at TABLE_ROWS_MAX rows: how many more there are, and where. */
static void rows_left_note(const struct page *p, size_t n, const char *what)
{
    if (n > TABLE_ROWS_MAX)
        fprintf(p->out,
                "<p class=\"note\">The first %d of %zu %s; all are in the JSON and CSV "
                "reports.</p>\n",
                TABLE_ROWS_MAX, n, what);
}

/* ---- share bar charts -------------------------------------------------------- */

struct hbar {
    char label[40];
    double value, value2; /* value2: the compared period's, or < 0 */
};

/* Horizontal bars of shares (percent), each labelled with its value; two
 * bars a row when value2 is set. */
static void hbar_chart(const struct page *p, const char *aria, const struct hbar *bars, size_t n,
                       const char *cls, bool paired)
{
    const int w = 480, label_w = 150, value_w = 56;
    const double row = paired ? 32 : 24, bar = paired ? 12 : 15;
    double max = 0;
    if (n > HBAR_ROWS)
        n = HBAR_ROWS;
    for (size_t i = 0; i < n; i++) {
        if (bars[i].value > max)
            max = bars[i].value;
        if (paired && bars[i].value2 > max)
            max = bars[i].value2;
    }
    if (!(max > 0))
        max = 1;
    int h = (int)(row * (double)n) + 6;
    double x0 = label_w, span = w - label_w - value_w;
    svg_begin(p, w, h, "bars", aria);
    for (size_t i = 0; i < n; i++) {
        double y = 3 + row * (double)i;
        fprintf(p->out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", label_w - 8,
                y + (paired ? row / 2 - 1 : bar / 2) + 4);
        esc(p, bars[i].label);
        fputs("</text>", p->out);
        for (int k = 0; k < (paired ? 2 : 1); k++) {
            double v = k ? bars[i].value2 : bars[i].value;
            double by = y + (paired ? 2 + k * (bar + 2) : 0);
            double bw = v > 0 ? span * v / max : 0;
            fprintf(p->out,
                    "<rect class=\"track\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
                    x0, by, span, bar);
            fprintf(p->out,
                    "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
                    "<title>",
                    k ? "h-cmp" : cls, x0, by, bw > 0.5 || v <= 0 ? bw : 0.5, bar);
            esc(p, bars[i].label);
            fprintf(p->out, "%s: %.1f%%</title></rect>", k ? " (compared)" : "", v);
            fprintf(p->out, "<text class=\"v\" x=\"%.1f\" y=\"%.1f\">%.1f%%</text>", x0 + span + 6,
                    by + bar / 2 + 4, v);
        }
        fputc('\n', p->out);
    }
    fputs("</svg>\n", p->out);
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
    hbar_chart(p, list_titles[l], bars, n, is_out_list(l) ? "h-out" : "h-in", false);
    free(bars);
    if (n > HBAR_ROWS)
        fprintf(p->out, "<p class=\"note\">The chart shows the first %d of %zu.</p>\n", HBAR_ROWS,
                n);
    fprintf(p->out, "<div%s><table>\n<thead><tr><th>category</th>",
            n > 12 ? " class=\"scroll\"" : "");
    if (!p->mask)
        fputs("<th class=\"n\">packets</th><th class=\"n\">bytes</th><th class=\"n\">flows</th>",
              p->out);
    fputs("<th class=\"n\">share</th></tr></thead>\n<tbody>\n", p->out);
    for (size_t i = 0; i < n && i < TABLE_ROWS_MAX; i++) {
        const struct category_entry *e = &gr->lists[l][i];
        fputs("<tr>", p->out);
        td_text(p, e->name);
        if (!p->mask) {
            td_num(p, e->f.packets);
            td_num(p, e->f.bytes);
            td_num(p, e->f.flows);
        }
        td_share(p, e->f.share);
        fputs("</tr>\n", p->out);
    }
    fputs("</tbody></table></div>\n", p->out);
    rows_left_note(p, n, "categories");
    fputs("</div>\n", p->out);
}

static void port_label(const struct port_entry *e, char *buf, size_t len)
{
    char proto[8];
    size_t i;
    for (i = 0; e->proto_name[i] && i + 1 < sizeof(proto); i++)
        proto[i] =
            (char)(e->proto_name[i] >= 'a' && e->proto_name[i] <= 'z' ? e->proto_name[i] - 'a' + 'A'
                                                                      : e->proto_name[i]);
    proto[i] = '\0';
    if (e->proto == 6 || e->proto == 17)
        snprintf(buf, len, "%s %u", proto, e->port);
    else if (e->proto == 1 || e->proto == 58)
        snprintf(buf, len, "%s type %u", proto, e->port);
    else
        snprintf(buf, len, "%s", proto);
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
        port_label(&gr->ports_in[i], bars[i].label, sizeof(bars[i].label));
        bars[i].value = gr->ports_in[i].f.share;
        bars[i].value2 = -1;
    }
    fputs("<div class=\"cols\">\n<div>\n<figure>\n<figcaption>Share of all traffic received "
          "<span>(first ports)</span></figcaption>\n",
          p->out);
    hbar_chart(p, "unsolicited inbound by port, share of all traffic received", bars, n, "h-in",
               false);
    fputs("</figure>\n</div>\n<div>\n", p->out);
    free(bars);
    fprintf(p->out, "<div%s><table>\n<thead><tr><th>proto</th><th class=\"n\">port</th>",
            n > 14 ? " class=\"scroll\"" : "");
    if (!p->mask)
        fputs("<th class=\"n\">packets</th><th class=\"n\">bytes</th><th class=\"n\">flows</th>",
              p->out);
    fputs("<th class=\"n\">share</th></tr></thead>\n<tbody>\n", p->out);
    for (size_t i = 0; i < n && i < TABLE_ROWS_MAX; i++) {
        const struct port_entry *e = &gr->ports_in[i];
        fprintf(p->out, "<tr><td>%s</td><td class=\"n\">%u</td>", e->proto_name, e->port);
        if (!p->mask) {
            td_num(p, e->f.packets);
            td_num(p, e->f.bytes);
            td_num(p, e->f.flows);
        }
        td_share(p, e->f.share);
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
            bin_unit(r), r->options.burst_window ? r->options.burst_window : params.window,
            bin_unit(r), r->options.burst_k > 0 ? r->options.burst_k : params.k,
            r->options.burst_min ? r->options.burst_min : params.min_volume,
            metric_name(r->options.metric), params.min_history, bin_unit(r), gr->burst_count);
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
        double most = max_of(counts, months);
        nice_scale(most < 4 ? 4 : most, true, &top_v, &step); /* a single burst is no wall */
        double pw = w - left - 8, ph = h - 8 - bottom, cw = pw / (double)months;
        svg_begin(p, w, h, "bars", "bursts per month");
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
                        x + cw / 2, 8 + ph + 15, mon >= 1 && mon <= 12 ? month_names[mon - 1] : "");
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
            gr->burst_count > 12 ? " class=\"scroll\"" : "", bin_unit(r));
    if (!p->mask)
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
        if (!p->mask) {
            td_num(p, (uint64_t)unsolicited(r, pt));
            fprintf(p->out, "<td class=\"n\">%.1f</td>", pt->baseline);
        }
        fprintf(p->out, "<td class=\"n\">%s%.1f</td></tr>\n", TIMES,
                ratio_of(unsolicited(r, pt), pt->baseline));
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
    activity_chart(p, gr);
    fprintf(p->out,
            "<table>\n<thead><tr><th>activity</th><th class=\"n\">active %ss</th>"
            "<th class=\"n\">periods</th><th>first</th><th>last</th>",
            bin_unit(r));
    if (!p->mask)
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
        fprintf(p->out, "<tr><td>%s</td>", activity_titles[a]);
        td_num(p, active);
        td_num(p, runs);
        if (active) {
            char a1[40], b1[40];
            format_bin(r, gr->series[first].bin, a1, sizeof(a1));
            format_bin(r, gr->series[last].bin, b1, sizeof(b1));
            fprintf(p->out, "<td>%s</td><td>%s</td>", a1, b1);
        } else {
            fputs("<td></td><td></td>", p->out);
        }
        if (!p->mask)
            td_num(p, packets);
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
            if (!p->mask)
                fprintf(p->out, "<div>\n<h4>%s: %s</h4>\n</div>\n", evidence_title(k),
                        num(list->total, buf));
            continue;
        }
        fprintf(p->out, "<div>\n<h4>%s", evidence_title(k));
        if (!p->mask) {
            fprintf(p->out, " <span class=\"note\">(%s in all, ", num(list->total, buf));
            fprintf(p->out, "%s distinct)</span>", num(list->distinct, buf));
        }
        fputs("</h4>\n", p->out);
        fputs("<table>\n<thead><tr><th>value</th>", p->out);
        if (!p->mask)
            fputs("<th class=\"n\">count</th>", p->out);
        fputs("<th class=\"n\">share</th></tr></thead>\n<tbody>\n", p->out);
        for (size_t i = 0; i < list->count; i++) {
            fputs("<tr><td class=\"w mono\">", p->out);
            esc(p, list->top[i].value);
            fputs("</td>", p->out);
            if (!p->mask)
                td_num(p, list->top[i].count);
            td_share(p, share_of(list->top[i].count, list->total));
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
    if (!p->mask)
        fprintf(p->out,
                "%s sources look spoofed (answered by the sensor, never past their first "
                "packet); they sent ",
                num(gr->spoofed_likely, buf));
    else
        fputs("Sources that look spoofed (answered by the sensor, never past their first "
              "packet) sent ",
              p->out);
    fprintf(p->out, "%.1f%% of the unsolicited packets.</p>\n", gr->spoofed_share);
}

/* The tools' probes per bin, stacked, most probes at the bottom (an index under --mask). */
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
    double scale = p->mask && peak > 0 ? 100.0 / peak : 1;
    fprintf(p->out,
            "<figure>\n<figcaption>Probes per %s by tool <span>(%s)</span></figcaption>\n"
            "<ul class=\"legend\">",
            bin_unit(p->r), p->mask ? "index, peak = 100" : "packets");
    for (size_t t = 0; t < tools; t++) {
        snprintf(style, sizeof(style), "\" style=\"background:%s", colours[t]);
        legend_item(p, style, gr->scanners[t].tool);
    }
    fputs("</ul>\n", p->out);
    frame_init(&f, WIDE_W, 170, n, peak * scale, !p->mask);
    svg_begin(p, f.w, f.h, NULL, "probes per bin by scanning tool");
    y_axis(p, &f, p->mask ? "index" : "probes");
    x_axis(p, &f, p->r, n, 0, NULL);
    for (size_t t = 0; t < tools; t++) {
        for (size_t b = 0; b < n; b++)
            v[b] = (double)gr->scanners[t].per_bin[b] * scale;
        snprintf(cls, sizeof(cls), "t%zu", t);
        columns(p, &f, lower, v, n, cls, NULL, NULL);
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
    if (!p->mask)
        fputs("<th class=\"n\">sources</th><th class=\"n\">packets</th>"
              "<th class=\"n\">flows</th>",
              p->out);
    fputs("<th class=\"n\">share</th><th>most probed ports</th></tr></thead>\n<tbody>\n", p->out);
    for (size_t i = 0; i < gr->scanner_count; i++) {
        const struct scanner_entry *e = &gr->scanners[i];
        fputs("<tr><td class=\"mono\">", p->out);
        esc(p, e->tool);
        fputs("</td>", p->out);
        if (!p->mask) {
            td_num(p, e->sources);
            td_num(p, e->packets);
            td_num(p, e->flows);
        }
        td_share(p, e->share);
        fputs("<td class=\"w mono\">", p->out);
        for (size_t j = 0; j < e->port_count && j < 5; j++) {
            snprintf(buf, sizeof(buf), "%s%s/%u", j ? ", " : "", e->ports[j].proto_name,
                     e->ports[j].port);
            esc(p, buf);
        }
        if (e->port_count > 5)
            fprintf(p->out, ", %zu more", e->port_count - 5);
        fputs("</td></tr>\n", p->out);
    }
    fputs("</tbody></table>\n", p->out);
    scanner_chart(p, gr);
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
    hbar_chart(p, "source lifetimes, share of sources", bars, LIFETIME_COUNT, "h-src", false);
    fputs("<table>\n<thead><tr><th>lifetime</th>", p->out);
    if (!p->mask)
        fputs("<th class=\"n\">sources</th>", p->out);
    fputs("<th class=\"n\">share</th></tr></thead>\n<tbody>\n", p->out);
    for (unsigned i = 0; i < LIFETIME_COUNT; i++) {
        fprintf(p->out, "<tr><td>%s</td>", lifetime_names[i]);
        if (!p->mask)
            td_num(p, c->lifetime[i]);
        td_share(p, bars[i].value);
        fputs("</tr>\n", p->out);
    }
    fprintf(p->out, "<tr><td>seen in one %s only</td>", bin_unit(p->r));
    if (!p->mask)
        td_num(p, c->one_bin);
    td_share(p, share_of(c->one_bin, total));
    fputs("</tr>\n</tbody></table>\n</div>\n<div>\n", p->out);

    if (c->prefix_count) {
        fprintf(p->out,
                "<h4>Sources per prefix</h4>\n<div%s><table>\n<thead><tr><th>prefix</th>"
                "<th>label</th>",
                c->prefix_count > 10 ? " class=\"scroll\"" : "");
        if (!p->mask)
            fputs("<th class=\"n\">sources</th>", p->out);
        fputs("<th class=\"n\">share</th></tr></thead>\n<tbody>\n", p->out);
        for (size_t i = 0; i < c->prefix_count && i < TABLE_ROWS_MAX; i++) {
            const struct net_count *e = &c->by_prefix[i];
            fprintf(p->out, "<tr><td class=\"k\">%s</td>", render_prefix(&e->net, text));
            td_text(p, e->entry ? e->entry->label : "");
            if (!p->mask)
                td_num(p, e->sources);
            td_share(p, share_of(e->sources, total));
            fputs("</tr>\n", p->out);
        }
        fputs("</tbody></table></div>\n", p->out);
        rows_left_note(p, c->prefix_count, "prefixes");
    }
    fprintf(p->out, "<h4>Networks (/24, IPv6 /48) with the most sources</h4>\n");
    if (!p->mask)
        fprintf(p->out, "<p class=\"note\">%s distinct networks.</p>\n", num(c->net_total, buf));
    fputs("<table>\n<thead><tr><th>network</th>", p->out);
    if (!p->mask)
        fputs("<th class=\"n\">sources</th>", p->out);
    fputs("<th class=\"n\">share</th></tr></thead>\n<tbody>\n", p->out);
    for (size_t i = 0; i < c->net_count && i < 10; i++) {
        fprintf(p->out, "<tr><td class=\"k\">%s</td>", render_prefix(&c->by_net[i].net, text));
        if (!p->mask)
            td_num(p, c->by_net[i].sources);
        td_share(p, share_of(c->by_net[i].sources, total));
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
    if (!gr->top_count || p->mask)
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
        enum metric m = volume_metric(r);
        if (s->prefix)
            render_prefix(&s->prefix->prefix, pfx);
        short_time(r, s->first_ns, first, sizeof(first));
        short_time(r, s->last_ns, last, sizeof(last));
        fprintf(p->out,
                "<tr><td class=\"n\">%zu</td><td class=\"k\">%s</td><td class=\"k\">%s</td>", i + 1,
                render_addr(&s->addr, addr), pfx);
        td_text(p, s->prefix ? s->prefix->label : "");
        td_num(p, m == METRIC_BYTES ? s->bytes_in : s->packets_in);
        td_num(p, m == METRIC_BYTES ? s->bytes_out : s->packets_out);
        td_num(p, s->flows);
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
    if (!p->mask)
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
        td_text(p, e->asn ? (e->name[0] ? e->name : "(no name)") : "(no AS known)");
        if (!p->mask) {
            td_num(p, e->sources);
            td_num(p, volume_metric(p->r) == METRIC_BYTES ? e->bytes_in : e->packets_in);
            td_num(p, volume_metric(p->r) == METRIC_BYTES ? e->bytes_out : e->packets_out);
        }
        td_share(p, e->share);
        fputs("</tr>\n", p->out);
    }
    fputs("</tbody></table>\n", p->out);
}

/* ---- this period against the compared one ------------------------------------- */

static double list_share(const struct category_entry *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].category, name) == 0)
            return v[i].f.share;
    return 0;
}

static double port_share(const struct group_report *gr, const struct port_entry *e)
{
    for (size_t i = 0; i < gr->port_count; i++)
        if (gr->ports_in[i].proto == e->proto && gr->ports_in[i].port == e->port)
            return gr->ports_in[i].f.share;
    return 0;
}

/* Shares of the entries of av (this period) and bv (the compared one), side by side. */
static void versus_list_chart(const struct page *p, const char *title,
                              const struct category_entry *av, size_t na,
                              const struct category_entry *bv, size_t nb, const char *cls)
{
    size_t n = 0;
    struct hbar *bars = xcalloc(na + nb + 1, sizeof(*bars));
    for (size_t i = 0; i < na; i++, n++) {
        snprintf(bars[n].label, sizeof(bars[n].label), "%s", av[i].name);
        bars[n].value = av[i].f.share;
        bars[n].value2 = list_share(bv, nb, av[i].category);
    }
    for (size_t i = 0; i < nb; i++) {
        if (list_share(av, na, bv[i].category) > 0 || strcmp(bv[i].name, "") == 0)
            continue;
        snprintf(bars[n].label, sizeof(bars[n].label), "%s", bv[i].name);
        bars[n].value = 0;
        bars[n].value2 = bv[i].f.share;
        n++;
    }
    fputs("<div>\n<h4>", p->out);
    esc(p, title);
    fputs("</h4>\n", p->out);
    if (n)
        hbar_chart(p, title, bars, n, cls, true);
    else
        fputs("<p class=\"note\">(none)</p>\n", p->out);
    fputs("</div>\n", p->out);
    free(bars);
}

static void versus_section(const struct page *p, const struct group_report *a,
                           const struct group_report *b)
{
    const struct report *r = p->r;
    char other[96], here[96];
    period_text(r->compare, other, sizeof(other));
    period_text(r, here, sizeof(here));
    fputs("<h3>Compared with ", p->out);
    fputs(other, p->out);
    fputs("</h3>\n<table class=\"narrow\">\n<thead><tr><th></th>", p->out);
    if (!p->mask)
        fprintf(p->out, "<th class=\"n\">%s</th><th class=\"n\">%s</th>", here, other);
    fputs("<th class=\"n\">ratio</th></tr></thead>\n<tbody>\n", p->out);
    const struct {
        const char *name;
        uint64_t x, y;
    } rows[] = {
        {"packets received", a->totals.packets_in, b->totals.packets_in},
        {"packets sent", a->totals.packets_out, b->totals.packets_out},
        {"bytes received", a->totals.bytes_in, b->totals.bytes_in},
        {"bytes sent", a->totals.bytes_out, b->totals.bytes_out},
        {"flows", a->totals.flows, b->totals.flows},
        {"distinct sources", a->totals.sources, b->totals.sources},
        {"bursts", a->burst_count, b->burst_count},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        fprintf(p->out, "<tr><td>%s</td>", rows[i].name);
        if (!p->mask) {
            td_num(p, rows[i].x);
            td_num(p, rows[i].y);
        }
        if (rows[i].y)
            fprintf(p->out, "<td class=\"n\">%.2f</td></tr>\n",
                    (double)rows[i].x / (double)rows[i].y);
        else
            fputs("<td class=\"n\">&ndash;</td></tr>\n", p->out);
    }
    double pa = a->series_count ? 30.0 * (double)a->burst_count / (double)a->series_count : 0;
    double pb = b->series_count ? 30.0 * (double)b->burst_count / (double)b->series_count : 0;
    fprintf(p->out, "<tr><td>bursts per 30 %ss</td>", bin_unit(r));
    if (!p->mask)
        fprintf(p->out, "<td class=\"n\">%.2f</td><td class=\"n\">%.2f</td>", pa, pb);
    if (pb > 0)
        fprintf(p->out, "<td class=\"n\">%.2f</td></tr>\n", pa / pb);
    else
        fputs("<td class=\"n\">&ndash;</td></tr>\n", p->out);
    fputs("</tbody></table>\n", p->out);

    fputs("<h4>Shares, this period against the compared one</h4>\n"
          "<ul class=\"legend\">",
          p->out);
    legend_item(p, "\" style=\"background:linear-gradient(90deg,var(--out) 50%,var(--in) 50%)",
                here);
    legend_item(p, "\" style=\"background:var(--cmp);opacity:.55", other);
    fputs("</ul>\n<div class=\"cols\">\n", p->out);
    versus_list_chart(p, "Sent by the sensor in conversations it started", a->lists[LIST_OUT],
                      a->list_counts[LIST_OUT], b->lists[LIST_OUT], b->list_counts[LIST_OUT],
                      "h-out");
    {
        size_t n = 0;
        struct hbar *bars = xcalloc(a->port_count + b->port_count + 1, sizeof(*bars));
        for (size_t i = 0; i < a->port_count; i++, n++) {
            port_label(&a->ports_in[i], bars[n].label, sizeof(bars[n].label));
            bars[n].value = a->ports_in[i].f.share;
            bars[n].value2 = port_share(b, &a->ports_in[i]);
        }
        for (size_t i = 0; i < b->port_count; i++) {
            if (port_share(a, &b->ports_in[i]) > 0)
                continue;
            port_label(&b->ports_in[i], bars[n].label, sizeof(bars[n].label));
            bars[n].value = 0;
            bars[n].value2 = b->ports_in[i].f.share;
            n++;
        }
        fputs("<div>\n<h4>Unsolicited by port (share of all received)</h4>\n", p->out);
        if (n)
            hbar_chart(p, "unsolicited by port, both periods", bars, n, "h-in", true);
        else
            fputs("<p class=\"note\">(none)</p>\n", p->out);
        fputs("</div>\n", p->out);
        free(bars);
    }
    if (a->scanner_count || b->scanner_count)
        versus_list_chart(p, "Scanning tools (share of what the remotes started or sent unasked)",
                          a->scanner_shares, a->scanner_count, b->scanner_shares, b->scanner_count,
                          "h-in");
    fputs("</div>\n", p->out);
}

/* ---- one group ---------------------------------------------------------------------- */

static void card(const struct page *p, const char *value, const char *what)
{
    fprintf(p->out, "<div class=\"card\"><b>%s</b><span>", value);
    esc(p, what);
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
        td_text(p, report_path(p->r, u->snapshot->source));
        fprintf(p->out, "<td>%s</td>", snapshot_day_format(u->snapshot->day, day, sizeof(day)));
        td_num(p, prefix_set_count(u->snapshot->set));
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
    esc(p, g->name);
    fputs("</h2>\n<p class=\"sub\">", p->out);
    if (g->kind == GROUP_PREFIXES) {
        size_t n = prefix_set_count(g->prefixes);
        fprintf(p->out, "%zu prefix%s from ", n, n == 1 ? "" : "es");
        esc(p, report_path(r, group_prefixes_source(g)));
        if (g->snapshots.count > 1)
            fprintf(p->out, ", the latest of %zu files", g->snapshots.count);
    } else if (g->kind == GROUP_ASNS) {
        fputs("origin AS ", p->out);
        for (size_t i = 0; i < g->asn_count; i++)
            fprintf(p->out, "%s%" PRIu32, i ? ", " : "", g->asns[i]);
        fputs(" in ", p->out);
        esc(p, r->input->routing_source ? report_path(r, r->input->routing_source)
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
            td_text(p, e->label);
            fputs("</tr>\n", p->out);
        }
        fputs("</table>\n", p->out);
        if (n > 12)
            fprintf(p->out, "<p class=\"note\">&hellip; and %zu more prefixes</p>\n", n - 12);
    }
    if (g->kind == GROUP_PREFIXES && gr->snapshot_count > 1)
        group_files(p, gr);

    fputs("<div class=\"cards\">\n", p->out);
    if (!p->mask) {
        enum metric m = volume_metric(r);
        snprintf(what, sizeof(what), "%s received", metric_name(m));
        card(p, num(m == METRIC_BYTES ? t->bytes_in : t->packets_in, buf), what);
        snprintf(what, sizeof(what), "%s sent", metric_name(m));
        card(p, num(m == METRIC_BYTES ? t->bytes_out : t->packets_out, buf), what);
        card(p, num(t->flows, buf), "flows");
        card(p, num(t->sources, buf), "distinct sources");
    }
    snprintf(buf, sizeof(buf), "%.1f%%", list_total_share(gr, LIST_IN_REPLIES));
    card(p, buf, "of received: replies to the sensor");
    snprintf(buf, sizeof(buf), "%.1f%%", list_total_share(gr, LIST_IN_UNSOLICITED));
    card(p, buf, "of received: unsolicited");
    snprintf(buf, sizeof(buf), "%zu", gr->burst_count);
    snprintf(what, sizeof(what), "burst %ss", bin_unit(r));
    card(p, buf, what);
    fputs("</div>\n", p->out);
}

static void group_section(const struct page *p, const struct group_report *gr, size_t index)
{
    const struct report *r = p->r;
    const struct group_report *cmp =
        r->compare && index < r->compare->group_count ? &r->compare->groups[index] : NULL;
    struct hover h = {p, gr, cmp, 0, 0, 0};

    group_head(p, gr, index);

    fprintf(p->out, "<h3>Volume per %s</h3>\n", bin_unit(r));
    volume_chart(p, gr, cmp, &h);
    unsolicited_chart(p, gr, &h);
    sources_chart(p, gr, &h);
    series_table(p, gr, cmp, &h);

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
    evidence_section(p, gr);

    fputs("<h3>Sources</h3>\n", p->out);
    if (!p->mask) {
        char buf[32];
        fprintf(p->out,
                "<p class=\"note\">%s distinct remote addresses of the group sent the "
                "sensor something.</p>\n",
                num(gr->totals.sources, buf));
    }
    churn_section(p, gr);
    top_sources(p, gr);
    as_section(p, gr);
    if (cmp)
        versus_section(p, gr, cmp);
    fputs("</section>\n", p->out);
}

int render_html(const struct report *r, FILE *out)
{
    struct page p = {out, r, r->options.mask};
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
