/* Times, bins and zones in ISO 8601, in the zone the report was asked for. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/xalloc.h"
#include "report_int.h"

void format_zone(int64_t offset_s, char *buf, size_t len)
{
    int64_t a = offset_s < 0 ? -offset_s : offset_s;
    unsigned hours = (unsigned)(a / 3600 % 24), minutes = (unsigned)(a / 60 % 60);
    snprintf(buf, len, "%c%02u:%02u", offset_s < 0 ? '-' : '+', hours, minutes);
}

static int civil(int64_t local_s, struct tm *tm)
{
    time_t t = (time_t)local_s;
    return gmtime_r(&t, tm) ? 0 : -1;
}

void format_bin(const struct report *report, int64_t bin_s, char *buf, size_t len)
{
    const struct bin_clock *clock = &report->options.clock;
    struct tm tm;
    char zone[16];
    if (civil(bin_s + clock->offset_s, &tm) < 0) {
        snprintf(buf, len, "%" PRId64, bin_s);
        return;
    }
    if (clock->width_s >= 86400) {
        snprintf(buf, len, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
        return;
    }
    format_zone(clock->offset_s, zone, sizeof(zone));
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d%s", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, zone);
}

void format_time(const struct report *report, int64_t ns, char *buf, size_t len)
{
    int64_t s = ns / 1000000000 - (ns % 1000000000 < 0);
    struct tm tm;
    char zone[16];
    if (civil(s + report->options.clock.offset_s, &tm) < 0) {
        snprintf(buf, len, "%" PRId64, s);
        return;
    }
    format_zone(report->options.clock.offset_s, zone, sizeof(zone));
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%s", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, zone);
}

const char *report_path(const struct report *report, const char *path)
{
    if (!path || !report->options.mask)
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
    if (!report->options.mask || !path_len || name == path)
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
