/*
 * The SVG chart kit of the HTML report: plot geometry, round axis scales,
 * the calendar-aware time axis, lines, areas, columns, paired bars and
 * share bars. It knows bins and numbers, not what a group is.
 */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "render_html_int.h"
#include "report_int.h"

#define PLOT_LEFT 104
#define PLOT_RIGHT 24
/* A bin at least this wide (px) is drawn as bars: a line through one or two
 * bins is a point nobody sees. */
#define BAR_MIN_BIN_W 12.0
#define BAR_MAX_W 56.0
#define BAR_VALUES_MAX_BINS 4 /* bars this few carry their values */

/* ---- chart geometry -------------------------------------------------------- */

/* A round step and top for an axis from 0 to max, about five steps. */
void chart_nice_scale(double max, bool integers, double *top, double *step)
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

void chart_frame(struct frame *f, int w, int h, size_t bins, double max, bool integers)
{
    f->w = w;
    f->h = h;
    f->left = PLOT_LEFT;
    f->top = 10;
    f->width = w - PLOT_LEFT - PLOT_RIGHT;
    f->height = h - 10 - AXIS_BELOW;
    f->bins = bins ? bins : 1;
    chart_nice_scale(max, integers, &f->ymax, &f->ystep);
}

double chart_bin_w(const struct frame *f)
{
    return f->width / (double)f->bins;
}

double chart_x(const struct frame *f, size_t i) /* centre of bin i */
{
    return f->left + ((double)i + 0.5) * chart_bin_w(f);
}

double chart_y(const struct frame *f, double v)
{
    double t = f->ymax > 0 ? v / f->ymax : 0;
    if (t > 1)
        t = 1;
    return f->top + f->height - t * f->height;
}

void chart_svg_begin(const struct page *p, int w, int h, const char *cls, const char *label)
{
    fprintf(p->out, "<svg class=\"chart%s%s\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
            cls ? " " : "", cls ? cls : "", w, h);
    page_esc(p, label);
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

void chart_y_axis(const struct page *p, const struct frame *f, const char *title)
{
    char buf[32];
    for (int i = 0;; i++) {
        double v = i * f->ystep;
        if (v > f->ymax + f->ystep * 1e-6)
            break;
        double y = chart_y(f, v);
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
    page_esc(p, title);
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

const char *chart_month_name(int month)
{
    return month >= 1 && month <= 12 ? month_names[month - 1] : "";
}

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
void chart_time_axis(const struct page *p, const struct frame *f, const struct report *r,
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
            f->left, below > 0 ? f->left + (double)shown * chart_bin_w(f) : f->left + f->width,
            base, base);
    if (lead) { /* on the context row, clear of a tick label at the plot's edge */
        fprintf(p->out, "<text class=\"t\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", f->left - 8,
                base + 32);
        page_esc(p, lead);
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
        double x = centred ? chart_x(f, i) : f->left + (double)i * chart_bin_w(f);
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
        double x2 = x - (centred ? chart_bin_w(f) / 2 : 0);
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

void chart_polyline(const struct page *p, const struct frame *f, const double *v, size_t n,
                    const char *cls)
{
    if (!n)
        return;
    fprintf(p->out, "<polyline class=\"%s\" points=\"", cls);
    for (size_t i = 0; i < n && i < f->bins; i++)
        fprintf(p->out, "%s%.1f,%.1f", i ? " " : "", chart_x(f, i), chart_y(f, v[i]));
    fputs("\"/>\n", p->out);
}

void chart_area(const struct page *p, const struct frame *f, const double *v, size_t n,
                const char *cls)
{
    if (!n)
        return;
    size_t m = n < f->bins ? n : f->bins;
    fprintf(p->out, "<path class=\"%s\" d=\"M%.1f,%.1f", cls, chart_x(f, 0), chart_y(f, 0));
    for (size_t i = 0; i < m; i++)
        fprintf(p->out, "L%.1f,%.1f", chart_x(f, i), chart_y(f, v[i]));
    fprintf(p->out, "L%.1f,%.1fZ\"/>\n", chart_x(f, m - 1), chart_y(f, 0));
}

/* Columns from lower[i] (NULL: 0) to lower[i] + v[i]; cls_of picks a class per bin. */
void chart_columns(const struct page *p, const struct frame *f, const double *lower,
                   const double *v, size_t n, const char *cls, const unsigned char *alt,
                   const char *alt_cls)
{
    double w = chart_bin_w(f), gap = w > 4 ? w * 0.18 : w > 1.6 ? 0.4 : 0;
    /* A few bins make columns, not walls: no wider than the two bars of a bin. */
    if (w - gap > 2 * BAR_MAX_W)
        gap = w - 2 * BAR_MAX_W;
    for (size_t i = 0; i < n && i < f->bins; i++) {
        double lo = lower ? lower[i] : 0;
        if (!(v[i] > 0))
            continue;
        double y1 = chart_y(f, lo + v[i]), y0 = chart_y(f, lo);
        fprintf(p->out, "<rect class=\"%s\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>",
                alt && alt[i] ? alt_cls : cls, f->left + (double)i * w + gap / 2, y1,
                w - gap > 0.5 ? w - gap : 0.5, y0 - y1 > 0.6 ? y0 - y1 : 0.6);
    }
    fputc('\n', p->out);
}

/* Whether bins are wide enough to be drawn as bars. */
bool chart_bars_fit(const struct frame *f)
{
    return chart_bin_w(f) >= BAR_MIN_BIN_W;
}

/* A bar's width: two share a bin, and one bin of a period stays a bar, not a wall. */
double chart_bar_w(const struct frame *f)
{
    double w = chart_bin_w(f) * 0.4;
    return w < BAR_MAX_W ? w : BAR_MAX_W;
}

/* Where the bar of series 0 (left) or 1 (right) of bin i starts. */
double chart_bar_x(const struct frame *f, size_t i, int side)
{
    return chart_x(f, i) - chart_bar_w(f) + side * chart_bar_w(f);
}

/* One bar from 0 to v; at least a pixel high, so no bin with traffic looks empty. */
void chart_bar(const struct page *p, const struct frame *f, size_t i, int side, double v,
               const char *cls)
{
    if (!(v > 0))
        return;
    double y = chart_y(f, v), h = f->top + f->height - y;
    if (h < 1) {
        h = 1;
        y = f->top + f->height - 1;
    }
    fprintf(p->out, "<rect class=\"%s\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>",
            cls, chart_bar_x(f, i, side), y, chart_bar_w(f), h);
}

/* The value over a bar, when there are few enough bars to read them. */
void chart_bar_value(const struct page *p, const struct frame *f, size_t i, int side, double v)
{
    char buf[32];
    if (f->bins > BAR_VALUES_MAX_BINS || !(v > 0))
        return;
    if (!p->counts)
        snprintf(buf, sizeof(buf), "%.1f", v);
    else
        page_num((uint64_t)v, buf);
    fprintf(p->out, "<text class=\"v\" x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">%s</text>",
            chart_bar_x(f, i, side) + chart_bar_w(f) / 2, chart_y(f, v) - 4, buf);
}

/*
 * A burst marker pointing down at the value it belongs to, at the x where
 * that period's received traffic is drawn: filled for this period, hollow
 * for the compared one, so neither sits on the other's spike.
 */
void chart_burst_marker(const struct page *p, const struct frame *f, size_t i, double v,
                        const char *cls)
{
    double x = chart_bars_fit(f) ? chart_bar_x(f, i, 0) + chart_bar_w(f) / 2 : chart_x(f, i);
    fprintf(p->out, "<path class=\"%s\" d=\"M%.1f,%.1fl-4,-7h8z\"/>", cls, x, chart_y(f, v) - 2);
}

/* ---- share bar charts -------------------------------------------------------- */

/* Horizontal bars of shares (percent), each labelled with its value; two
 * bars a row when value2 is set. */
void chart_hbars(const struct page *p, const char *aria, const struct hbar *bars, size_t n,
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
    chart_svg_begin(p, w, h, "bars", aria);
    for (size_t i = 0; i < n; i++) {
        double y = 3 + row * (double)i;
        fprintf(p->out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", label_w - 8,
                y + (paired ? row / 2 - 1 : bar / 2) + 4);
        page_esc(p, bars[i].label);
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
            page_esc(p, bars[i].label);
            fprintf(p->out, "%s: %.1f%%</title></rect>", k ? " (compared)" : "", v);
            fprintf(p->out, "<text class=\"v\" x=\"%.1f\" y=\"%.1f\">%.1f%%</text>", x0 + span + 6,
                    by + bar / 2 + 4, v);
        }
        fputc('\n', p->out);
    }
    fputs("</svg>\n", p->out);
}

void chart_legend_item(const struct page *p, const char *swatch_style, const char *text)
{
    fprintf(p->out, "<li><span class=\"sw%s\"></span>", swatch_style);
    page_esc(p, text);
    fputs("</li>", p->out);
}

double chart_max_of(const double *v, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] > m)
            m = v[i];
    return m;
}
