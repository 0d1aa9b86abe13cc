/*
 * What the HTML report's files share: the page being written and the SVG
 * chart kit (render_html_chart.c) its sections draw with. Charts are plain
 * SVG written as the page is, one plot geometry for every time chart so their
 * x axes line up down the page.
 */
#ifndef HONEYSCOPE_RENDER_HTML_INT_H
#define HONEYSCOPE_RENDER_HTML_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"

struct group_report;
struct port_entry;
struct series_point;

#define AXIS_BELOW 40
#define HBAR_ROWS 15 /* rows of a share bar chart */

struct page {
    FILE *out;
    const struct report *r;
    bool counts; /* absolute counts shown (report_shown) */
};

/* Writes s (NULL: nothing) escaped for HTML text and attributes. */
void page_esc(const struct page *p, const char *s);
/* 1234567 as "1,234,567" in buf; returns buf. */
const char *page_num(uint64_t v, char buf[32]);

#define EN_DASH "\xe2\x80\x93"
#define TIMES "\xc3\x97"
/* Time charts share one geometry, so their x axes line up down the page. */
#define WIDE_W 960
/* Rows of a table on the page; the JSON and CSV reports have every row. */
#define TABLE_ROWS_MAX 100

/* "spam (SMTP)", "DNS", ...: the sensor's activity kinds in words. */
const char *page_activity_title(unsigned activity);
void page_td_num(const struct page *p, uint64_t v);
void page_td_share(const struct page *p, double share);
void page_td_index(const struct page *p, double v);
/* A cell of foreign text: escaped, and allowed to break anywhere. */
void page_td_text(const struct page *p, const char *s);
const char *page_bin_unit(const struct report *r);
/* "2009-02-01 – 2009-12-11", or "(empty)". */
void page_period_text(const struct report *r, char *buf, size_t len);
/* The traffic of a bin each way in the metric (flows have no direction: packets). */
enum metric page_volume_metric(const struct report *r);
double page_volume(const struct series_point *pt, enum metric m, bool in);
/* What bursts are sought in: unsolicited inbound, in the report's metric. */
double page_unsolicited(const struct report *r, const struct series_point *pt);
double page_ratio_of(double v, double baseline);
/* "TCP 80", "ICMP type 8", "GRE". */
void page_port_label(const struct port_entry *e, char *buf, size_t len);

/* The plot of a time chart: bins along x, 0..ymax up y. */
struct frame {
    int w, h;                        /* the SVG's viewBox */
    double left, top, width, height; /* the plot area */
    size_t bins;                     /* x domain: bins 0..bins-1 */
    double ymax, ystep;
};

struct hbar {
    char label[40];
    double value, value2; /* value2: the compared period's, or < 0 */
};

/* A round step and top for an axis from 0 to max, about five steps. */
void chart_nice_scale(double max, bool integers, double *top, double *step);
/* "Jan" for 1 .. "Dec" for 12; "" otherwise. */
const char *chart_month_name(int month);
/* A plot w x h px for bins bins up to max (rounded up to a round number). */
void chart_frame(struct frame *f, int w, int h, size_t bins, double max, bool integers);
double chart_bin_w(const struct frame *f);
double chart_x(const struct frame *f, size_t i); /* centre of bin i */
double chart_y(const struct frame *f, double v);
/* Opens <svg class="chart cls"> with label as its accessible name. */
void chart_svg_begin(const struct page *p, int w, int h, const char *cls, const char *label);
void chart_y_axis(const struct page *p, const struct frame *f, const char *title);
/*
 * Ticks and labels for the period of r, its nbins bins from the left of the
 * plot, `below` px under the plot; lead, when not NULL, names the period in
 * the margin.
 */
void chart_time_axis(const struct page *p, const struct frame *f, const struct report *r,
                     size_t nbins, double below, const char *lead);
void chart_polyline(const struct page *p, const struct frame *f, const double *v, size_t n,
                    const char *cls);
void chart_area(const struct page *p, const struct frame *f, const double *v, size_t n,
                const char *cls);
/* Columns from lower[i] (NULL: 0) to lower[i] + v[i]; alt[i] set picks alt_cls for bin i. */
void chart_columns(const struct page *p, const struct frame *f, const double *lower,
                   const double *v, size_t n, const char *cls, const unsigned char *alt,
                   const char *alt_cls);
/* Whether bins are wide enough to be drawn as two bars each (this period, the compared). */
bool chart_bars_fit(const struct frame *f);
double chart_bar_w(const struct frame *f);
double chart_bar_x(const struct frame *f, size_t i, int side);
void chart_bar(const struct page *p, const struct frame *f, size_t i, int side, double v,
               const char *cls);
void chart_bar_value(const struct page *p, const struct frame *f, size_t i, int side, double v);
void chart_burst_marker(const struct page *p, const struct frame *f, size_t i, double v,
                        const char *cls);
/* Horizontal bars of shares (percent), at most HBAR_ROWS; two a row when paired. */
void chart_hbars(const struct page *p, const char *aria, const struct hbar *bars, size_t n,
                 const char *cls, bool paired);
void chart_legend_item(const struct page *p, const char *swatch_style, const char *text);
double chart_max_of(const double *v, size_t n);

/* The group's time charts and numbers per bin (render_html_series.c). */
void html_series_section(const struct page *p, const struct group_report *gr,
                         const struct group_report *cmp);
/* The lanes of the sensor's own activity per bin. */
void html_activity_chart(const struct page *p, const struct group_report *gr);
/* The group's period against the compared one (render_html_compare.c). */
void html_versus_section(const struct page *p, const struct group_report *a,
                         const struct group_report *b);

#endif
