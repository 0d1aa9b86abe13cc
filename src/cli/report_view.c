/*
 * The analysis options shared by honeyscope report and honeyscope-mpi report
 * (report_view.h): one parser, so that the two verbs cannot drift apart.
 */
#include "report_view.h"

#include <stdint.h>
#include <string.h>

#include "cli.h"

bool report_view_option(struct report_options *options, const char *verb, int opt, const char *arg,
                        int *status)
{
    uint64_t n;
    *status = -1;
    switch (opt) {
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
