/* Times, bins and zones in ISO 8601, in the zone the report was asked for. */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

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
