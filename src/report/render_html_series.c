/*
 * The HTML report's time charts of a group: volume each way (and the
 * compared period's), unsolicited traffic against its baseline with the
 * bursts, sources new and returning, the sensor's own activity lanes, and
 * the numbers per bin under them (summed into coarser rows when there are
 * too many), each bin with a hover title.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "render_html_int.h"
#include "report_int.h"

#define HOVER_MAX_BINS 2000 /* per-bin tooltips up to this many bins */
#define COMPARE_AXIS_H 40   /* room under a chart for the compared period's axis */
#define SERIES_ROWS_MAX 400 /* rows of the numbers per bin before they are summed */

/* Burst bins: a pale band up the plot and a mark above it. */
static void burst_bands(const struct page *p, const struct frame *f, const struct group_report *gr)
{
    double w = chart_bin_w(f), bw = w > 3 ? w : 3;
    for (size_t i = 0; i < gr->series_count && i < f->bins; i++) {
        if (!gr->series[i].burst)
            continue;
        double x = chart_x(f, i);
        fprintf(p->out,
                "<rect class=\"band\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\"/>"
                "<path class=\"bm\" d=\"M%.1f,%.1fl-4,-7h8z\"/>\n",
                x - bw / 2, f->top, bw, f->height, x, f->top);
    }
}

/* ---- per-bin hover titles ------------------------------------------------------ */

struct hover {
    const struct page *p;
    const struct group_report *gr, *cmp;
    double scale_volume, scale_sources, scale_unsolicited; /* counts hidden: index factors */
};

static void hover_values(const struct hover *h, size_t i, int what)
{
    const struct page *p = h->p;
    const struct report *r = p->r;
    const struct series_point *pt = &h->gr->series[i];
    enum metric m = page_volume_metric(r);
    char name[40], a[32], b[32];
    format_bin(r, pt->bin, name, sizeof(name));
    fputs(name, p->out);
    if (what == 0) {
        if (!p->counts)
            fprintf(p->out, ": received %.1f, sent %.1f (index)",
                    page_volume(pt, m, true) * h->scale_volume,
                    page_volume(pt, m, false) * h->scale_volume);
        else
            fprintf(p->out, ": received %s, sent %s %s",
                    page_num((uint64_t)page_volume(pt, m, true), a),
                    page_num((uint64_t)page_volume(pt, m, false), b), metric_name(m));
        if (h->cmp && i < h->cmp->series_count) {
            const struct series_point *c = &h->cmp->series[i];
            format_bin(p->r->compare, c->bin, name, sizeof(name));
            if (!p->counts)
                fprintf(p->out, "; compared (%s): received %.1f, sent %.1f", name,
                        page_volume(c, m, true) * h->scale_volume,
                        page_volume(c, m, false) * h->scale_volume);
            else
                fprintf(p->out, "; compared (%s): received %s, sent %s", name,
                        page_num((uint64_t)page_volume(c, m, true), a),
                        page_num((uint64_t)page_volume(c, m, false), b));
        }
    } else if (what == 1) {
        double v = page_unsolicited(r, pt);
        if (!p->counts)
            fprintf(p->out, ": unsolicited %.1f (index)", v * h->scale_unsolicited);
        else if (isnan(pt->baseline))
            fprintf(p->out, ": unsolicited %s %s, not judged (too little history)",
                    page_num((uint64_t)v, a), metric_name(r->options.metric));
        else
            fprintf(p->out, ": unsolicited %s %s, baseline %.1f", page_num((uint64_t)v, a),
                    metric_name(r->options.metric), pt->baseline);
    } else {
        if (!p->counts)
            fprintf(p->out, ": sources %.1f (index)", (double)pt->sources * h->scale_sources);
        else
            fprintf(p->out, ": %" PRIu64 " sources, %" PRIu64 " new, %" PRIu64 " returning",
                    pt->sources, pt->new_sources, pt->returning_sources);
    }
    if (pt->burst)
        fprintf(p->out, "; burst, %s%.1f the baseline", TIMES,
                page_ratio_of(page_unsolicited(r, pt), pt->baseline));
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
                f->left + (double)i * chart_bin_w(f), f->top, chart_bin_w(f), f->height);
        hover_values(h, i, what);
        fputs("</title></rect>\n", h->p->out);
    }
    fputs("</g>\n", h->p->out);
}

/* ---- the time charts of a group --------------------------------------------- */

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
    if (!chart_bars_fit(f)) {
        chart_area(p, f, in, n, "a-in");
        if (nc) {
            chart_polyline(p, f, cin, nc, "l-cin");
            chart_polyline(p, f, cout, nc, "l-cout");
        }
        chart_polyline(p, f, out, n, "l-out");
        chart_polyline(p, f, in, n, "l-in");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        chart_bar(p, f, i, 0, in[i], "b-in");
        chart_bar(p, f, i, 1, out[i], "b-out");
        chart_bar_value(p, f, i, 0, in[i]);
        chart_bar_value(p, f, i, 1, out[i]);
    }
    for (size_t i = 0; i < nc; i++) {
        chart_bar(p, f, i, 0, cin[i], "b-cin");
        chart_bar(p, f, i, 1, cout[i], "b-cout");
    }
    fputc('\n', p->out);
}

static void volume_legend(const struct page *p, const struct group_report *gr,
                          const struct group_report *cmp)
{
    const struct report *r = p->r;
    char title[160], other[96], here[96];
    fputs("<ul class=\"legend\">", p->out);
    chart_legend_item(p, "\" style=\"background:var(--in)", "received from the group");
    chart_legend_item(p, "\" style=\"background:var(--out)", "sent by the sensor");
    if (cmp) {
        page_period_text(r->compare, other, sizeof(other));
        snprintf(title, sizeof(title), "the same, %s (aligned by %s; lower axis)", other,
                 page_bin_unit(r));
        chart_legend_item(p, " dash\" style=\"border-color:var(--cmp)", title);
    }
    if (gr->burst_count && cmp) {
        page_period_text(r, here, sizeof(here));
        snprintf(title, sizeof(title), "burst of unsolicited traffic, %s", here);
        chart_legend_item(p, "\" style=\"background:var(--burst)", title);
    } else if (gr->burst_count) {
        chart_legend_item(p, "\" style=\"background:var(--burst)", "burst of unsolicited traffic");
    }
    if (cmp && cmp->burst_count) {
        snprintf(title, sizeof(title), "burst of unsolicited traffic, %s", other);
        chart_legend_item(p, "\" style=\"background:#fff;border:1.5px solid var(--burst)", title);
    }
    fputs("</ul>\n", p->out);
}

static void volume_chart(const struct page *p, const struct group_report *gr,
                         const struct group_report *cmp, struct hover *h)
{
    const struct report *r = p->r;
    enum metric m = page_volume_metric(r);
    size_t n = gr->series_count, nc = cmp ? cmp->series_count : 0;
    size_t domain = n > nc ? n : nc;
    double *in = xcalloc(domain + 1, sizeof(double)), *out = xcalloc(domain + 1, sizeof(double));
    double *cin = xcalloc(domain + 1, sizeof(double)), *cout = xcalloc(domain + 1, sizeof(double));
    char title[160];
    struct frame f;

    for (size_t i = 0; i < n; i++) {
        in[i] = page_volume(&gr->series[i], m, true);
        out[i] = page_volume(&gr->series[i], m, false);
    }
    for (size_t i = 0; i < nc; i++) {
        cin[i] = page_volume(&cmp->series[i], m, true);
        cout[i] = page_volume(&cmp->series[i], m, false);
    }
    double peak = chart_max_of(in, n), o = chart_max_of(out, n), ci = chart_max_of(cin, nc),
           co = chart_max_of(cout, nc);
    peak = peak > o ? peak : o;
    peak = peak > ci ? peak : ci;
    peak = peak > co ? peak : co;
    h->scale_volume = report_index(1, peak); /* the index of one unit */
    if (!p->counts) {
        scale_all(in, n, h->scale_volume);
        scale_all(out, n, h->scale_volume);
        scale_all(cin, nc, h->scale_volume);
        scale_all(cout, nc, h->scale_volume);
        peak = peak > 0 ? 100 : 0;
    }

    fprintf(p->out,
            "<figure>\n<figcaption>Received and sent <span>(%s per %s%s)</span></figcaption>\n",
            metric_name(m), page_bin_unit(r), !p->counts ? "; index: the highest bin = 100" : "");
    volume_legend(p, gr, cmp);

    chart_frame(&f, WIDE_W, 300, domain, peak, p->counts);
    if (cmp)
        f.h += COMPARE_AXIS_H; /* the compared period's own axis under this one */
    snprintf(title, sizeof(title), "%s per %s, received and sent", metric_name(m),
             page_bin_unit(r));
    chart_svg_begin(p, f.w, f.h, NULL, title);
    snprintf(title, sizeof(title), !p->counts ? "index" : "%s per %s", metric_name(m),
             page_bin_unit(r));
    chart_y_axis(p, &f, title);
    if (!cmp)
        burst_bands(p, &f, gr);
    chart_time_axis(p, &f, r, n, 0, cmp ? "this period" : NULL);
    if (cmp)
        chart_time_axis(p, &f, r->compare, nc, COMPARE_AXIS_H, "compared");
    volume_marks(p, &f, in, out, n, cmp ? cin : NULL, cmp ? cout : NULL, nc);
    for (size_t i = 0; cmp && i < n; i++)
        if (gr->series[i].burst)
            chart_burst_marker(p, &f, i, in[i], "bm");
    for (size_t i = 0; cmp && i < nc; i++)
        if (cmp->series[i].burst)
            chart_burst_marker(p, &f, i, cin[i], "bm-cmp");
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
        v[i] = page_unsolicited(r, &gr->series[i]);
        base[i] = gr->series[i].baseline;
        burst[i] = gr->series[i].burst;
    }
    double peak = chart_max_of(v, n);
    h->scale_unsolicited = report_index(1, peak); /* the index of one unit */
    if (!p->counts) {
        scale_all(v, n, h->scale_unsolicited);
        scale_all(base, n, h->scale_unsolicited);
        peak = peak > 0 ? 100 : 0;
    }
    fprintf(p->out,
            "<figure>\n<figcaption>Unsolicited traffic received per %s, and bursts "
            "<span>(%s%s)</span></figcaption>\n<ul class=\"legend\">",
            page_bin_unit(r), metric_name(r->options.metric), !p->counts ? ", index" : "");
    chart_legend_item(p, "\" style=\"background:var(--in);opacity:.7", "unsolicited");
    chart_legend_item(p, " dot", "usual level (median of the earlier bins that are not bursts)");
    chart_legend_item(p, "\" style=\"background:var(--burst)", "burst");
    fputs("</ul>\n", p->out);
    chart_frame(&f, WIDE_W, 210, n, peak, p->counts);
    snprintf(title, sizeof(title), "unsolicited %s per %s with the burst baseline",
             metric_name(r->options.metric), page_bin_unit(r));
    chart_svg_begin(p, f.w, f.h, NULL, title);
    chart_y_axis(p, &f, !p->counts ? "index" : metric_name(r->options.metric));
    chart_time_axis(p, &f, r, n, 0, NULL);
    chart_columns(p, &f, NULL, v, n, "c-un", burst, "c-burst");
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
                fprintf(p->out, "M%.1f,%.1fh%.2f", f.left + (double)i * chart_bin_w(&f),
                        chart_y(&f, base[i]), (double)run * chart_bin_w(&f));
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
    h->scale_sources = report_index(1, peak); /* the index of one unit */
    if (!p->counts) {
        scale_all(fresh, n, h->scale_sources);
        scale_all(back, n, h->scale_sources);
        peak = peak > 0 ? 100 : 0;
    }
    fprintf(p->out,
            "<figure>\n<figcaption>Distinct sources per %s <span>(remote addresses that sent "
            "the sensor something%s)</span></figcaption>\n<ul class=\"legend\">",
            page_bin_unit(r), !p->counts ? "; index" : "");
    chart_legend_item(p, "\" style=\"background:var(--new)", "first seen in that bin");
    chart_legend_item(p, "\" style=\"background:var(--ret)", "seen before");
    fputs("</ul>\n", p->out);
    chart_frame(&f, WIDE_W, 190, n, peak, p->counts);
    chart_svg_begin(p, f.w, f.h, NULL, "distinct sources per bin, new and returning");
    chart_y_axis(p, &f, !p->counts ? "index" : "sources");
    chart_time_axis(p, &f, r, n, 0, NULL);
    chart_columns(p, &f, NULL, fresh, n, "c-new", NULL, NULL);
    chart_columns(p, &f, fresh, back, n, "c-ret", NULL, NULL);
    hover_rects(h, &f, 2);
    fputs("</svg>\n</figure>\n", p->out);
    free(fresh);
    free(back);
}

/* The sensor's own activity: one lane per kind, a cell per active bin,
 * darker for more traffic (log scale, per lane). */
void html_activity_chart(const struct page *p, const struct group_report *gr)
{
    const struct report *r = p->r;
    const int lane = 20, lane_gap = 5;
    size_t n = gr->series_count;
    int h = 10 + ACTIVITY_COUNT * (lane + lane_gap) + AXIS_BELOW;
    struct frame f;
    chart_frame(&f, WIDE_W, h, n, 1, false);
    fprintf(p->out,
            "<figure>\n<figcaption>The sensor's own activity <span>(%ss in which it started "
            "conversations with the group, by kind; darker: more packets)</span></figcaption>\n",
            page_bin_unit(r));
    chart_svg_begin(p, f.w, f.h, NULL, "timeline of the sensor's own activity by kind");
    for (unsigned a = 0; a < ACTIVITY_COUNT; a++) {
        double y = f.top + a * (lane + lane_gap);
        uint64_t max = 0;
        for (size_t i = 0; i < n; i++)
            if (gr->series[i].activity[a] > max)
                max = gr->series[i].activity[a];
        fprintf(p->out,
                "<rect class=\"lane\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                f.left, y, f.width, lane, f.left - 8, y + lane / 2.0 + 4, page_activity_title(a));
        for (size_t i = 0; i < n; i++) {
            uint64_t v = gr->series[i].activity[a];
            if (!v)
                continue;
            double k = max > 1 ? log1p((double)v) / log1p((double)max) : 1;
            double w = chart_bin_w(&f) > 1 ? chart_bin_w(&f) : 1;
            char name[40], buf[32];
            format_bin(r, gr->series[i].bin, name, sizeof(name));
            fprintf(p->out,
                    "<rect class=\"act%u\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" "
                    "fill-opacity=\"%.2f\"><title>%s: %s",
                    a, f.left + (double)i * chart_bin_w(&f), y, w, lane, 0.25 + 0.75 * k, name,
                    page_activity_title(a));
            if (p->counts)
                fprintf(p->out, ", %s packets sent", page_num(v, buf));
            fputs("</title></rect>", p->out);
        }
        fputc('\n', p->out);
    }
    chart_time_axis(p, &f, r, n, 0, NULL);
    fputs("</svg>\n</figure>\n", p->out);
}

/* One bin's row of the numbers table, its compared cells left to the caller. */
static void series_row(const struct page *p, const struct series_point *pt, const struct hover *h)
{
    const struct report *r = p->r;
    enum metric m = page_volume_metric(r);
    char name[40];
    format_bin(r, pt->bin, name, sizeof(name));
    fprintf(p->out, "<tr%s><td>%s</td>", pt->burst ? " class=\"burst\"" : "", name);
    if (!p->counts) {
        page_td_index(p, page_volume(pt, m, true) * h->scale_volume);
        page_td_index(p, page_volume(pt, m, false) * h->scale_volume);
        page_td_index(p, (double)pt->sources * h->scale_sources);
        page_td_index(p, page_unsolicited(r, pt) * h->scale_unsolicited);
    } else {
        page_td_num(p, (uint64_t)page_volume(pt, m, true));
        page_td_num(p, (uint64_t)page_volume(pt, m, false));
        page_td_num(p, pt->flows);
        page_td_num(p, pt->sources);
        page_td_num(p, pt->new_sources);
        page_td_num(p, pt->returning_sources);
        page_td_num(p, (uint64_t)page_unsolicited(r, pt));
        if (isnan(pt->baseline))
            fputs("<td class=\"n\"></td>", p->out); /* not judged */
        else
            fprintf(p->out, "<td class=\"n\">%.1f</td>", pt->baseline);
    }
    if (pt->burst)
        fprintf(p->out, "<td class=\"mark\">%s%.1f</td>", TIMES,
                page_ratio_of(page_unsolicited(r, pt), pt->baseline));
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
    page_td_num(p, sum->bins);
    if (!p->counts) {
        page_td_share(p, total->in > 0 ? 100.0 * sum->in / total->in : 0);
        page_td_share(p, total->out > 0 ? 100.0 * sum->out / total->out : 0);
        page_td_share(p,
                      total->unsolicited > 0 ? 100.0 * sum->unsolicited / total->unsolicited : 0);
    } else {
        page_td_num(p, (uint64_t)sum->in);
        page_td_num(p, (uint64_t)sum->out);
        page_td_num(p, (uint64_t)sum->flows);
        page_td_num(p, (uint64_t)sum->unsolicited);
    }
    page_td_num(p, sum->bursts);
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
    enum metric m = page_volume_metric(r);
    size_t key = series_sum_key(r, gr);
    const char *unit = key == 10 ? "day" : key == 7 ? "month" : "year";
    struct bin_sum total = {0}, sum = {0};
    for (size_t i = 0; i < gr->series_count; i++) {
        total.in += page_volume(&gr->series[i], m, true);
        total.out += page_volume(&gr->series[i], m, false);
        total.unsolicited += page_unsolicited(r, &gr->series[i]);
    }
    fprintf(p->out,
            "<p class=\"note print-only\">The numbers per %s are in the JSON and CSV reports.</p>\n"
            "<div class=\"bins\">\n<h4>The numbers per %s</h4>\n<p class=\"note\">%zu %ss, summed "
            "by %s; each %s, with its distinct sources, is in the JSON and CSV reports.</p>\n"
            "<div class=\"scroll\"><table>\n<thead><tr><th>%s</th><th class=\"n\">%ss</th>"
            "<th class=\"n\">received%s</th><th class=\"n\">sent%s</th>",
            page_bin_unit(r), unit, gr->series_count, page_bin_unit(r), unit, page_bin_unit(r),
            unit, page_bin_unit(r), !p->counts ? " (share)" : "", !p->counts ? " (share)" : "");
    if (p->counts)
        fputs("<th class=\"n\">flows</th>", p->out);
    fprintf(p->out,
            "<th class=\"n\">unsolicited%s</th><th class=\"n\">bursts</th></tr></thead>\n"
            "<tbody>\n",
            !p->counts ? " (share)" : "");
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
        sum.in += page_volume(pt, m, true);
        sum.out += page_volume(pt, m, false);
        sum.flows += (double)pt->flows;
        sum.unsolicited += page_unsolicited(r, pt);
    }
    fputs("</tbody></table></div>\n</div>\n", p->out);
}

/* The numbers behind the time charts, one row per bin (of the longer period
 * when compared), or summed when the period is long. */
static void series_table(const struct page *p, const struct group_report *gr,
                         const struct group_report *cmp, const struct hover *h)
{
    const struct report *r = p->r;
    enum metric m = page_volume_metric(r);
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
            page_bin_unit(r), page_bin_unit(r), page_bin_unit(r));
    if (p->counts)
        fputs("<th class=\"n\">flows</th>", p->out);
    fputs("<th class=\"n\">sources</th>", p->out);
    if (p->counts)
        fputs("<th class=\"n\">new</th><th class=\"n\">returning</th>", p->out);
    fputs("<th class=\"n\">unsolicited</th>", p->out);
    if (p->counts)
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
                    !p->counts ? "" : "<td></td>", !p->counts ? "" : "<td></td><td></td><td></td>");
        }
        if (cmp && i < cmp->series_count) {
            const struct series_point *c = &cmp->series[i];
            char name[40];
            format_bin(r->compare, c->bin, name, sizeof(name));
            fprintf(p->out, "<td>%s</td>", name);
            if (!p->counts) {
                page_td_index(p, page_volume(c, m, true) * h->scale_volume);
                page_td_index(p, page_volume(c, m, false) * h->scale_volume);
            } else {
                page_td_num(p, (uint64_t)page_volume(c, m, true));
                page_td_num(p, (uint64_t)page_volume(c, m, false));
            }
        } else if (cmp) {
            fputs("<td></td><td></td><td></td>", p->out);
        }
        fputs("</tr>\n", p->out);
    }
    fputs("</tbody></table></div>\n</div>\n", p->out);
}

/* Under a table cut at TABLE_ROWS_MAX rows: how many more there are, and where. */
/* The group's time charts and its numbers per bin, under "Volume per BIN". */
void html_series_section(const struct page *p, const struct group_report *gr,
                         const struct group_report *cmp)
{
    struct hover h = {p, gr, cmp, 0, 0, 0};
    fprintf(p->out, "<h3>Volume per %s</h3>\n", page_bin_unit(p->r));
    volume_chart(p, gr, cmp, &h);
    unsolicited_chart(p, gr, &h);
    sources_chart(p, gr, &h);
    series_table(p, gr, cmp, &h);
}
