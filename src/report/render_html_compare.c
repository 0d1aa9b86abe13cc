/*
 * The HTML report's comparison of a group's period with the compared one:
 * the cards side by side and the categories and ports as paired bars.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "render_html_int.h"
#include "report_int.h"

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
    page_esc(p, title);
    fputs("</h4>\n", p->out);
    if (n)
        chart_hbars(p, title, bars, n, cls, true);
    else
        fputs("<p class=\"note\">(none)</p>\n", p->out);
    fputs("</div>\n", p->out);
    free(bars);
}

void html_versus_section(const struct page *p, const struct group_report *a,
                         const struct group_report *b)
{
    const struct report *r = p->r;
    char other[96], here[96];
    page_period_text(r->compare, other, sizeof(other));
    page_period_text(r, here, sizeof(here));
    fputs("<h3>Compared with ", p->out);
    fputs(other, p->out);
    fputs("</h3>\n<table class=\"narrow\">\n<thead><tr><th></th>", p->out);
    if (p->counts)
        fprintf(p->out, "<th class=\"n\">%s</th><th class=\"n\">%s</th>", here, other);
    fputs("<th class=\"n\">ratio</th></tr></thead>\n<tbody>\n", p->out);
    struct versus_total rows[VERSUS_TOTAL_COUNT];
    versus_totals(a, b, rows);
    for (size_t i = 0; i < VERSUS_TOTAL_COUNT; i++) {
        fprintf(p->out, "<tr><td>%s</td>", rows[i].words);
        if (p->counts) {
            page_td_num(p, rows[i].value);
            page_td_num(p, rows[i].compared);
        }
        if (rows[i].compared)
            fprintf(p->out, "<td class=\"n\">%.2f</td></tr>\n",
                    (double)rows[i].value / (double)rows[i].compared);
        else
            fputs("<td class=\"n\">&ndash;</td></tr>\n", p->out);
    }
    struct versus_total attacks[VERSUS_ATTACK_COUNT];
    versus_attacks(a, b, attacks);
    for (size_t i = 0; i < VERSUS_ATTACK_COUNT; i++) {
        fprintf(p->out, "<tr><td>%s</td>", attacks[i].words);
        if (p->counts) {
            page_td_num(p, attacks[i].value);
            page_td_num(p, attacks[i].compared);
        }
        if (attacks[i].compared)
            fprintf(p->out, "<td class=\"n\">%.2f</td></tr>\n",
                    (double)attacks[i].value / (double)attacks[i].compared);
        else
            fputs("<td class=\"n\">&ndash;</td></tr>\n", p->out);
    }
    double pa = bursts_per_30_bins(a);
    double pb = bursts_per_30_bins(b);
    fprintf(p->out, "<tr><td>bursts per 30 %ss</td>", page_bin_unit(r));
    if (p->counts)
        fprintf(p->out, "<td class=\"n\">%.2f</td><td class=\"n\">%.2f</td>", pa, pb);
    if (pb > 0)
        fprintf(p->out, "<td class=\"n\">%.2f</td></tr>\n", pa / pb);
    else
        fputs("<td class=\"n\">&ndash;</td></tr>\n", p->out);
    fputs("</tbody></table>\n", p->out);

    fputs("<h4>Shares, this period against the compared one</h4>\n"
          "<ul class=\"legend\">",
          p->out);
    chart_legend_item(
        p, "\" style=\"background:linear-gradient(90deg,var(--out) 50%,var(--in) 50%)", here);
    chart_legend_item(p, "\" style=\"background:var(--cmp);opacity:.55", other);
    fputs("</ul>\n<div class=\"cols\">\n", p->out);
    versus_list_chart(p, "Sent by the sensor in conversations it started", a->lists[LIST_OUT],
                      a->list_counts[LIST_OUT], b->lists[LIST_OUT], b->list_counts[LIST_OUT],
                      "h-out");
    {
        size_t n = 0;
        struct hbar *bars = xcalloc(a->port_count + b->port_count + 1, sizeof(*bars));
        for (size_t i = 0; i < a->port_count; i++, n++) {
            page_port_label(&a->ports_in[i], bars[n].label, sizeof(bars[n].label));
            bars[n].value = a->ports_in[i].f.share;
            bars[n].value2 = port_share(b, &a->ports_in[i]);
        }
        for (size_t i = 0; i < b->port_count; i++) {
            if (port_share(a, &b->ports_in[i]) > 0)
                continue;
            page_port_label(&b->ports_in[i], bars[n].label, sizeof(bars[n].label));
            bars[n].value = 0;
            bars[n].value2 = b->ports_in[i].f.share;
            n++;
        }
        fputs("<div>\n<h4>Unsolicited by port (share of all received)</h4>\n", p->out);
        if (n)
            chart_hbars(p, "unsolicited by port, both periods", bars, n, "h-in", true);
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
