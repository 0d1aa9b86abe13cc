/*
 * The HTML report's --by section of a group: its traffic split by label,
 * origin AS or country, as bars of each key's share and a table (counts
 * only where the report's view shows counts). Kept apart from render_html.c, which holds the rest
 * of the group's sections.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report_int.h"

#define BY_BARS 20 /* keys drawn as bars; the table lists the --top */
#define BAR_LABEL_W 280.0
#define BAR_W 300.0
#define BAR_H 18.0

static void key_text(FILE *out, const struct by_entry *e)
{
    html_escape(out, e->key[0] ? e->key : "(none)");
    if (e->name[0]) {
        fputc(' ', out);
        html_escape(out, e->name);
    }
}

static void bars(const struct report *r, const struct group_report *gr, FILE *out)
{
    size_t n = gr->by_count < BY_BARS ? gr->by_count : BY_BARS;
    double top = 0;
    for (size_t i = 0; i < n; i++)
        top = gr->by[i].share > top ? gr->by[i].share : top;
    if (!n || top <= 0)
        return;
    fprintf(out,
            "<figure><figcaption>Share of the group's %s both ways, by %s</figcaption>\n"
            "<svg class=\"chart bars\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
            "aria-label=\"the group's traffic by %s\">\n",
            metric_name(r->options.metric), by_kind_name(r->options.by), BAR_LABEL_W + BAR_W + 60,
            BAR_H * (double)n + 4, by_kind_name(r->options.by));
    for (size_t i = 0; i < n; i++) {
        const struct by_entry *e = &gr->by[i];
        double y = BAR_H * (double)i + 2, w = BAR_W * e->share / top;
        fprintf(out, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">", BAR_LABEL_W - 6,
                y + BAR_H - 5);
        /* Long labels are cut for the chart; the table has them whole. */
        char cut[48];
        utf8_sanitize(e->key[0] ? e->key : "(none)", cut, sizeof(cut));
        html_escape(out, cut);
        fprintf(out,
                "</text><rect class=\"b-in\" x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>"
                "<text x=\"%.1f\" y=\"%.1f\">%.1f%%</text>\n",
                BAR_LABEL_W, y, w > 0.5 ? w : 0.5, BAR_H - 4, BAR_LABEL_W + w + 4, y + BAR_H - 5,
                e->share);
    }
    fputs("</svg></figure>\n", out);
}

void render_html_by(const struct report *r, const struct group_report *gr, FILE *out)
{
    bool counts = r->shown.counts;
    if (!r->options.by)
        return;
    fprintf(out, "<h3>By %s</h3>\n<p class=\"note\">%zu distinct", by_kind_name(r->options.by),
            gr->by_total);
    if (gr->by_count < gr->by_total)
        fprintf(out, "; the first %zu are listed, all with --top 0", gr->by_count);
    fputs(".</p>\n", out);
    bars(r, gr, out);
    fputs("<div class=\"scroll\"><table>\n<thead><tr><th>key</th>", out);
    if (counts)
        fputs("<th class=\"n\">packets in</th><th class=\"n\">packets out</th>"
              "<th class=\"n\">flows</th><th class=\"n\">sources</th>",
              out);
    fputs("<th class=\"n\">share</th><th>top unsolicited services</th></tr></thead>\n<tbody>\n",
          out);
    for (size_t i = 0; i < gr->by_count; i++) {
        const struct by_entry *e = &gr->by[i];
        fputs("<tr><td class=\"w\">", out);
        key_text(out, e);
        fputs("</td>", out);
        if (counts)
            fprintf(out,
                    "<td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64
                    "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td>",
                    e->packets_in, e->packets_out, e->flows, e->sources);
        fprintf(out, "<td class=\"n\">%.1f%%</td><td>", e->share);
        for (size_t k = 0; k < e->port_count; k++)
            fprintf(out, "%s%s", k ? " " : "", e->ports[k]);
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody></table></div>\n", out);
}
