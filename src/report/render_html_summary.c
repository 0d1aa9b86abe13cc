/*
 * The HTML report's summary across groups: a table of each group's part of
 * everything the sensor received and sent, with its shares, and a chart of
 * those shares bin by bin (one line per group, received and sent side by
 * side). Where the report's view hides counts they go and the shares stay.
 * Kept apart from render_html.c, which holds the per-group sections.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "report_int.h"

#define CHART_W 470.0
#define CHART_H 190.0
#define PLOT_LEFT 46.0
#define PLOT_TOP 12.0
#define PLOT_W (CHART_W - PLOT_LEFT - 12.0)
#define PLOT_H (CHART_H - PLOT_TOP - 40.0)
#define LINE_COLOURS 5 /* the page's --a0 .. --a4 */

static void count_cell(FILE *out, uint64_t v)
{
    fprintf(out, "<td class=\"n\">%" PRIu64 "</td>", v);
}

static void share_cell(FILE *out, double share)
{
    if (isnan(share))
        fputs("<td class=\"n\">&ndash;</td>", out);
    else
        fprintf(out, "<td class=\"n\">%.1f%%</td>", share);
}

static void summary_table(const struct report *r, FILE *out, size_t in)
{
    static const char *const titles[5] = {"in", "out", "flows", "sources in", "sources out"};
    const size_t fields[5] = {in, in + 1, 4, 5, 6};
    bool with_counts = r->shown.counts;
    struct summary_part part;

    fputs("<table class=\"narrow\">\n<tr><th>group</th>", out);
    for (size_t k = 0; k < 5; k++) {
        if (with_counts)
            fprintf(out, "<th class=\"n\">%s%s</th>", k < 2 ? (in ? "bytes " : "packets ") : "",
                    titles[k]);
        fprintf(out, "<th class=\"n\">%sshare</th>", !with_counts ? titles[k] : "");
    }
    fputs("</tr>\n", out);
    for (size_t g = 0; g <= r->group_count; g++) {
        const struct summary_point *counts;
        fputs("<tr><td class=\"w\">", out);
        if (g < r->group_count) {
            summary_part_of(r, &r->groups[g], SIZE_MAX, &part);
            counts = &part.part;
            html_escape(out, r->groups[g].group->name);
        } else {
            counts = summary_everything(r, SIZE_MAX);
            for (size_t k = 0; k < 7; k++)
                part.share[k] = summary_field(counts, k) ? 100.0 : NAN;
            fputs("<i>everything</i>", out);
        }
        fputs("</td>", out);
        for (size_t k = 0; k < 5; k++) {
            if (with_counts)
                count_cell(out, summary_field(counts, fields[k]));
            share_cell(out, part.share[fields[k]]);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
}

/*
 * The chart draws at most CHART_POINTS points: a long period's bins are
 * taken CHART_POINTS at a time, each point the share over its run of bins
 * (the group's sum over everything's), so the page stays small and the
 * shares stay true.
 */
#define CHART_POINTS 400

struct share_points {
    double v[CHART_POINTS];
    size_t n, step;
};

static void share_points(const struct report *r, const struct group_report *gr, size_t field,
                         struct share_points *sp)
{
    sp->step = (r->bin_count + CHART_POINTS - 1) / CHART_POINTS;
    if (sp->step == 0)
        sp->step = 1;
    sp->n = 0;
    for (size_t b = 0; b < r->bin_count; b += sp->step) {
        uint64_t part = 0, whole = 0;
        for (size_t k = b; k < b + sp->step && k < r->bin_count; k++) {
            struct summary_part sum;
            summary_part_of(r, gr, k, &sum);
            part += summary_field(&sum.part, field);
            whole += summary_field(summary_everything(r, k), field);
        }
        sp->v[sp->n++] = whole ? 100.0 * (double)part / (double)whole : NAN;
    }
}

static double plot_x(size_t i, size_t n)
{
    if (n <= 1)
        return PLOT_LEFT + PLOT_W / 2;
    return PLOT_LEFT + PLOT_W * (double)i / (double)(n - 1);
}

/* One chart: each group's share of what the sensor received (field in) or sent. */
static void share_chart(const struct report *r, FILE *out, size_t field, const char *what)
{
    struct share_points *sp = xcalloc(r->group_count ? r->group_count : 1, sizeof(*sp));
    double top = 0;
    for (size_t g = 0; g < r->group_count; g++) {
        share_points(r, &r->groups[g], field, &sp[g]);
        for (size_t i = 0; i < sp[g].n; i++)
            if (!isnan(sp[g].v[i]) && sp[g].v[i] > top)
                top = sp[g].v[i];
    }
    size_t n = r->group_count ? sp[0].n : 0, step = r->group_count ? sp[0].step : 1;
    /* The scale ends at the next multiple of 10 %, so small shares are not flattened. */
    top = top <= 0 ? 10 : ceil(top / 10) * 10;
    if (top > 100)
        top = 100;
    fprintf(out, "<div><figure><figcaption>Share of what the sensor %s <span>per %s", what,
            bin_clock_unit_name(&r->options.clock));
    if (step > 1)
        fprintf(out, ", %zu at a time", step);
    fprintf(out,
            "</span></figcaption>\n<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
            "aria-label=\"each group's share of what the sensor %s, per %s\">\n",
            CHART_W, CHART_H, what, bin_clock_unit_name(&r->options.clock));
    for (int t = 0; t <= 2; t++) {
        double y = PLOT_TOP + PLOT_H - PLOT_H * t / 2.0;
        fprintf(out,
                "<line class=\"gl\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.0f%%</text>\n",
                PLOT_LEFT, PLOT_LEFT + PLOT_W, y, y, PLOT_LEFT - 6, y + 4, top * t / 2.0);
    }
    /* The first, middle and last points name the time axis by their first bin. */
    size_t marks[3] = {0, n / 2, n ? n - 1 : 0};
    for (size_t i = 0; i < 3 && n; i++) {
        char name[40];
        if (i && marks[i] == marks[i - 1])
            continue;
        format_bin(r, r->bins[marks[i] * step], name, sizeof(name));
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>\n",
                plot_x(marks[i], n), PLOT_TOP + PLOT_H + 18,
                i == 0   ? "start"
                : i == 2 ? "end"
                         : "middle",
                name);
    }
    for (size_t g = 0; g < r->group_count; g++) {
        fprintf(out,
                "<polyline fill=\"none\" stroke=\"var(--a%zu)\" stroke-width=\"1.5\" "
                "points=\"",
                g % LINE_COLOURS);
        for (size_t i = 0; i < sp[g].n; i++) {
            double v = isnan(sp[g].v[i]) ? 0 : sp[g].v[i];
            fprintf(out, "%s%.1f,%.1f", i ? " " : "", plot_x(i, n),
                    PLOT_TOP + PLOT_H - PLOT_H * (v > top ? top : v) / top);
        }
        fputs("\"/>\n", out);
    }
    fputs("</svg></figure></div>\n", out);
    free(sp);
}

void render_html_summary(const struct report *r, FILE *out)
{
    enum metric m = r->options.metric == METRIC_FLOWS ? METRIC_PACKETS : r->options.metric;
    size_t in = m == METRIC_BYTES ? 2 : 0;
    if (!r->group_count)
        return;
    fputs("<section class=\"summary\" id=\"summary\">\n<h2>Summary</h2>\n<p class=\"sub\">Each "
          "group's part of everything the sensor received and sent, whichever group the remote "
          "side is in",
          out);
    fprintf(out, "; shares of %s</p>\n", metric_name(m));
    summary_table(r, out, in);
    fputs("<ul class=\"legend\">", out);
    for (size_t g = 0; g < r->group_count; g++) {
        fprintf(out, "<li><span class=\"sw\" style=\"background:var(--a%zu)\"></span>",
                g % LINE_COLOURS);
        html_escape(out, r->groups[g].group->name);
        fputs("</li>", out);
    }
    fputs("</ul>\n<div class=\"cols\">\n", out);
    share_chart(r, out, in, "received");
    share_chart(r, out, in + 1, "sent");
    fputs("</div>\n</section>\n", out);
}
