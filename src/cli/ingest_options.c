/*
 * The options shared by honeyscope ingest and honeyscope-mpi ingest
 * (ingest_options.h): one parser, so that the two verbs cannot drift apart.
 */
#include "ingest_options.h"

#include <stdint.h>
#include <string.h>

#include "cli.h"
#include "sensors.h"

void ingest_options_init(struct ingest_options *options, unsigned threads)
{
    memset(options, 0, sizeof(*options));
    sensor_set_init(&options->sensors);
    flow_config_default(&options->flow);
    options->flow.max_flows = 0; /* not given: what --memory holds (aggregate_plan_counting()) */
    options->threads = threads;
}

void ingest_options_release(struct ingest_options *options)
{
    sensor_set_release(&options->sensors);
}

bool ingest_option(struct ingest_options *options, const char *verb, int opt, const char *arg,
                   int *status)
{
    uint64_t n;
    *status = -1;
    switch (opt) {
    case OPT_INGEST_DB:
        options->db = arg;
        return true;
    case OPT_INGEST_SENSOR:
        *status = sensor_option(&options->sensors, verb, arg);
        return true;
    case OPT_INGEST_THREADS:
        if (parse_u64(arg, 1, 64, &n) < 0)
            *status = usage_error(verb, "--threads takes a number from 1 to 64");
        else
            options->threads = (unsigned)n;
        return true;
    case OPT_INGEST_MAX_FLOWS:
        if (parse_u64(arg, 16, 1000000000, &n) < 0)
            *status = usage_error(verb, "--max-flows takes a number from 16");
        else
            options->flow.max_flows = (size_t)n;
        return true;
    case 'q':
        options->quiet = true;
        return true;
    default:
        return false;
    }
}
