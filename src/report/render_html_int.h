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

struct report;

#define AXIS_BELOW 40
#define HBAR_ROWS 15 /* rows of a share bar chart */

struct page {
    FILE *out;
    const struct report *r;
    bool mask;
};

/* Writes s (NULL: nothing) escaped for HTML text and attributes. */
void page_esc(const struct page *p, const char *s);
/* 1234567 as "1,234,567" in buf; returns buf. */
const char *page_num(uint64_t v, char buf[32]);

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

#endif
