/*
 * The options shared by honeyscope report and honeyscope-mpi report
 * (report_view.h): one parser, so that the two verbs cannot drift apart.
 */
#include "report_view.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sensors.h"

void report_view_args_init(struct report_view_args *args, unsigned threads)
{
    memset(args, 0, sizeof(*args));
    sensor_set_init(&args->sensors);
    flow_config_default(&args->flow);
    args->flow.max_flows = 0; /* not given: what --memory holds (aggregate_plan_counting()) */
    args->threads = threads;
}

void report_view_args_release(struct report_view_args *args)
{
    sensor_set_release(&args->sensors);
}

bool report_view_option(struct report_options *options, struct report_view_args *args,
                        const char *verb, int opt, const char *arg, int *status)
{
    uint64_t n;
    *status = -1;
    switch (opt) {
    case OPT_VIEW_BIN:
        /* Weeks and months are counted in days: their lengths vary. */
        options->clock.width_s = strcmp(arg, "hour") == 0 ? 3600 : 86400;
        if (strcmp(arg, "week") == 0)
            options->clock.unit = BIN_WEEK;
        else if (strcmp(arg, "month") == 0)
            options->clock.unit = BIN_MONTH;
        else if (strcmp(arg, "day") == 0 || strcmp(arg, "hour") == 0)
            options->clock.unit = BIN_FIXED;
        else
            *status = usage_error(verb, "--bin takes hour, day, week or month, not '%s'", arg);
        return true;
    case OPT_VIEW_TZ:
        if (parse_zone(arg, &options->clock.offset_s) < 0)
            *status = usage_error(verb, "--tz takes +HH:MM or -HH:MM, not '%s'", arg);
        return true;
    case OPT_VIEW_METRIC:
        if (strcmp(arg, "packets") == 0)
            options->metric = METRIC_PACKETS;
        else if (strcmp(arg, "bytes") == 0)
            options->metric = METRIC_BYTES;
        else if (strcmp(arg, "flows") == 0)
            options->metric = METRIC_FLOWS;
        else
            *status = usage_error(verb, "--metric takes packets, bytes or flows, not '%s'", arg);
        return true;
    case OPT_VIEW_TOP:
        /* 0 and "all" both list every source: a top of none is no question. */
        if (strcmp(arg, "all") == 0)
            options->top = 0;
        else if (parse_u64(arg, 0, 1000000, &n) < 0)
            *status = usage_error(verb, "--top takes a number or 'all', not '%s'", arg);
        else
            options->top = (size_t)n;
        return true;
    case OPT_VIEW_MASK:
        options->mask = true;
        return true;
    case OPT_VIEW_MASK_KEEP_EVIDENCE:
        options->mask_keep_evidence = true;
        return true;
    case OPT_VIEW_BURST_WINDOW:
        if (parse_u64(arg, 3, 100000, &n) < 0)
            *status = usage_error(
                verb, "--burst-window takes a number of bins from 3 to 100000, not '%s'", arg);
        else
            options->burst_window = (size_t)n;
        return true;
    case OPT_VIEW_BURST_K: {
        char *end;
        double k = strtod(arg, &end);
        if (*end || !(k > 0 && k < 1000))
            *status = usage_error(verb, "--burst-k takes a positive number, not '%s'", arg);
        else
            options->burst_k = k;
        return true;
    }
    case OPT_VIEW_BURST_MIN:
        if (parse_u64(arg, 1, UINT64_MAX / 2, &n) < 0)
            *status = usage_error(verb, "--burst-min takes a positive number, not '%s'", arg);
        else
            options->burst_min = n;
        return true;
    case OPT_VIEW_BY:
        if (strcmp(arg, "label") == 0)
            options->by = BY_LABEL;
        else if (strcmp(arg, "asn") == 0)
            options->by = BY_ASN;
        else if (strcmp(arg, "country") == 0)
            options->by = BY_COUNTRY;
        else
            *status = usage_error(verb, "--by takes label, asn or country, not '%s'", arg);
        return true;
    case OPT_VIEW_SNAPSHOT_MAX_AGE:
        if (parse_u64(arg, 1, 100000, &n) < 0)
            *status = usage_error(
                verb, "--snapshot-max-age takes a number of days from 1, not '%s'", arg);
        else
            options->snapshot_max_age = (uint32_t)n;
        return true;
    case OPT_VIEW_FROM:
        args->from = arg;
        return true;
    case OPT_VIEW_TO:
        args->to = arg;
        return true;
    case OPT_VIEW_COMPARE:
        args->compare = arg;
        return true;
    case OPT_VIEW_FORMAT:
        if (report_format_parse(arg, &args->format) < 0)
            *status = usage_error(verb, "--format takes text, json, csv or html, not '%s'", arg);
        return true;
    case OPT_VIEW_MAX_FLOWS:
        if (parse_u64(arg, 16, 1000000000, &n) < 0)
            *status = usage_error(verb, "--max-flows takes a number from 16, not '%s'", arg);
        else
            args->flow.max_flows = (size_t)n;
        return true;
    case OPT_VIEW_THREADS:
        if (parse_u64(arg, 1, 64, &n) < 0)
            *status = usage_error(verb, "--threads takes a number from 1 to 64, not '%s'", arg);
        else
            args->threads = (unsigned)n;
        return true;
    case OPT_VIEW_SENSOR:
        *status = sensor_option(&args->sensors, verb, arg);
        return true;
    case OPT_VIEW_SKIP_OVERLAPPING:
        args->skip_overlapping = true;
        return true;
    case 'o':
        args->output = arg;
        return true;
    case 'q':
        args->quiet = true;
        return true;
    default:
        return false;
    }
}

int report_view_check(const struct report_options *options, const struct naming_args *naming,
                      const char *verb)
{
    if (options->by == BY_ASN && !origin_sources_any(&naming->origins))
        return usage_error(verb, "--by asn needs origin ASes: give --pfx2as or --mmdb");
    if (options->by == BY_COUNTRY && !naming->names)
        return usage_error(verb, "--by country reads the country from AS names "
                                 "(\"name, CC\"): give --asnames and --pfx2as or --mmdb");
    if (options->by == BY_COUNTRY && !origin_sources_any(&naming->origins))
        return usage_error(verb, "--by country needs origin ASes: give --pfx2as or --mmdb");
    return -1;
}

int report_view_dates(struct report_options *o, const char *from, const char *to, const char *verb)
{
    int64_t days;
    if (from) {
        if (parse_date(from, &days) < 0)
            return usage_error(verb, "--from takes YYYY-MM-DD, not '%s'", from);
        o->has_from = true;
        o->from_s = days * 86400 - o->clock.offset_s;
    }
    if (to) {
        if (parse_date(to, &days) < 0)
            return usage_error(verb, "--to takes YYYY-MM-DD, not '%s'", to);
        o->has_to = true;
        o->to_s = (days + 1) * 86400 - o->clock.offset_s;
    }
    if (o->has_from && o->has_to && o->to_s <= o->from_s)
        return usage_error(verb, "--to is before --from");
    return -1;
}

struct report *report_view_build(const struct report_input *input,
                                 const struct report_options *options)
{
    char err[1024];
    struct report *report = report_build(input, options, err, sizeof(err));
    size_t warning_count = 0;
    const char *const *warnings = report ? report_warnings(report, &warning_count) : NULL;
    for (size_t i = 0; i < warning_count; i++)
        fprintf(stderr, "%s: warning: %s\n", program_name, warnings[i]);
    if (!report)
        error("%s", err);
    return report;
}

int report_view_compare(struct report_options *o, const char *compare, const char *verb)
{
    char from[16], to[16];
    int64_t first, last;
    const char *dots = strstr(compare, "..");
    size_t len = dots ? (size_t)(dots - compare) : 0;
    if (!dots || len >= sizeof(from) || strlen(dots + 2) >= sizeof(to))
        return usage_error(verb, "--compare takes FROM..TO, e.g. 2008-02-01..2008-12-11");
    memcpy(from, compare, len);
    from[len] = '\0';
    snprintf(to, sizeof(to), "%s", dots + 2);
    if (parse_date(from, &first) < 0 || parse_date(to, &last) < 0 || last < first)
        return usage_error(verb, "--compare takes FROM..TO with FROM <= TO, not '%s'", compare);
    o->has_compare = true;
    o->compare_from_s = first * 86400 - o->clock.offset_s;
    o->compare_to_s = (last + 1) * 86400 - o->clock.offset_s;
    return -1;
}
