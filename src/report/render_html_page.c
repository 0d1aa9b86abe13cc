/*
 * The HTML report's small writers and the values its sections share:
 * escaped text, numbers with thousands separators, table cells, the bin's
 * unit, the period, and a bin's volume and unsolicited traffic.
 */
#include <inttypes.h>
#include <stdio.h>

#include "render_html_int.h"
#include "report_int.h"

static const char *const activity_titles[ACTIVITY_COUNT] = {
    "spam (SMTP)", "DNS", "ICMP scan", "HTTP download", "other",
};

const char *page_activity_title(unsigned activity)
{
    return activity < ACTIVITY_COUNT ? activity_titles[activity] : "";
}

/* 1234567 as "1,234,567". */
const char *page_num(uint64_t v, char buf[32])
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

void page_esc(const struct page *p, const char *s)
{
    html_escape(p->out, s ? s : "");
}

void page_td_num(const struct page *p, uint64_t v)
{
    char buf[32];
    fprintf(p->out, "<td class=\"n\">%s</td>", page_num(v, buf));
}

void page_td_share(const struct page *p, double share)
{
    fprintf(p->out, "<td class=\"n\">%.1f%%</td>", share);
}

void page_td_index(const struct page *p, double v)
{
    fprintf(p->out, "<td class=\"n\">%.1f</td>", v);
}

/* A cell of foreign text: escaped, and allowed to break anywhere. */
void page_td_text(const struct page *p, const char *s)
{
    fputs("<td class=\"w\">", p->out);
    page_esc(p, s);
    fputs("</td>", p->out);
}

const char *page_bin_unit(const struct report *r)
{
    return bin_clock_unit_name(&r->options.clock);
}

/* "2009-02-01 – 2009-12-11", or "(empty)". */
void page_period_text(const struct report *r, char *buf, size_t len)
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
enum metric page_volume_metric(const struct report *r)
{
    return r->options.metric == METRIC_FLOWS ? METRIC_PACKETS : r->options.metric;
}

double page_volume(const struct series_point *pt, enum metric m, bool in)
{
    if (m == METRIC_BYTES)
        return (double)(in ? pt->bytes_in : pt->bytes_out);
    return (double)(in ? pt->packets_in : pt->packets_out);
}

/* What bursts are sought in: unsolicited inbound, in the report's metric. */
double page_unsolicited(const struct report *r, const struct series_point *pt)
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

double page_ratio_of(double v, double baseline)
{
    return baseline > 0 ? v / baseline : v;
}

void page_port_label(const struct port_entry *e, char *buf, size_t len)
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
