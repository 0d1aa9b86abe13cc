/*
 * What a report may show: the one place where --mask decides what is hidden
 * and what stands in its place (docs/semantics.md, "Masking").
 *
 * report_build() settles the report's view once (report_shown_settle());
 * renderers then format what the accessors below give them and apply no
 * rule of their own: a count the view hides is left out, a sensor the view
 * hides is the word "masked", a capture path it hides is absent, and every
 * string or address they write passes through the escapers, which replace
 * the sensors' addresses the view names (escape.c, mask.c).
 */
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "report_int.h"

/* The sensor list of a masked report: one word in place of its prefixes. */
#define SENSORS_HIDDEN "masked"

void report_shown_settle(struct report *report)
{
    bool mask = report->options.mask;
    report->shown.counts = !mask;
    report->shown.redact = mask ? report->input->sensors : NULL;
}

const char *report_sensor_name(const struct report *report, size_t i, char buf[PREFIX_TEXT_MAX])
{
    const struct sensor_set *sensors = report->input->sensors;
    if (report->shown.redact)
        return i == 0 ? SENSORS_HIDDEN : NULL;
    return i < sensors->count ? render_prefix(&sensors->prefixes[i], buf) : NULL;
}

const char *report_sensor_detection(const struct report *report)
{
    /* the explanation names the address it found */
    return report->shown.redact ? NULL : report->input->sensor_detection;
}

const char *report_capture_path(const struct report *report, const char *path)
{
    /* a capture's path may name the sensor or its owner */
    return report->shown.redact ? NULL : path;
}

const char *report_path(const struct report *report, const char *path)
{
    if (!path || !report->shown.redact)
        return path;
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path + (slash ? strlen(path) : 0);
}

char *report_path_message(const struct report *report, const char *message, const char *path)
{
    if (!message)
        return NULL;
    const char *name = report_path(report, path);
    size_t path_len = path ? strlen(path) : 0, name_len = name ? strlen(name) : 0;
    if (!report->shown.redact || !path_len || name == path)
        return xstrdup(message);
    /* Each occurrence shrinks: the copy is never longer than the message. */
    char *out = xmalloc(strlen(message) + 1), *o = out;
    for (const char *m = message; *m;) {
        if (strncmp(m, path, path_len) == 0) {
            memcpy(o, name, name_len);
            o += name_len;
            m += path_len;
        } else {
            *o++ = *m++;
        }
    }
    *o = '\0';
    return out;
}

double report_index(double value, double peak)
{
    return peak > 0 ? 100.0 * value / peak : 0;
}
