/*
 * cli/ingest_options: the options of an ingest shared by 'honeyscope ingest'
 * and 'honeyscope-mpi ingest' so that both take them alike: --db, --sensor,
 * --threads, --max-flows and -q/--quiet. A verb lists INGEST_LONG_OPTIONS in
 * its getopt table ("q" among its short options) and hands every option to
 * ingest_option() before its own.
 */
#ifndef HONEYSCOPE_CLI_INGEST_OPTIONS_H
#define HONEYSCOPE_CLI_INGEST_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>

#include "../flow/flow.h"

enum {
    OPT_INGEST_DB = 0x4200, /* apart from each verb's own, the naming and the report codes */
    OPT_INGEST_SENSOR,
    OPT_INGEST_THREADS,
    OPT_INGEST_MAX_FLOWS,
};

/* clang-format off */
#define INGEST_LONG_OPTIONS                                                                  \
    {"db", required_argument, NULL, OPT_INGEST_DB},                                         \
    {"sensor", required_argument, NULL, OPT_INGEST_SENSOR},                                 \
    {"threads", required_argument, NULL, OPT_INGEST_THREADS},                               \
    {"max-flows", required_argument, NULL, OPT_INGEST_MAX_FLOWS},                           \
    {"quiet", no_argument, NULL, 'q'}
/* clang-format on */

struct ingest_options {
    const char *db;            /* --db STORE; NULL when not given */
    struct sensor_set sensors; /* --sensor, repeatable */
    struct flow_config flow;   /* --max-flows */
    unsigned threads;          /* --threads */
    bool quiet;                /* -q, --quiet */
};

/* Every option at its default, threads as the verb counts them by default. */
void ingest_options_init(struct ingest_options *options, unsigned threads);
void ingest_options_release(struct ingest_options *options);

/*
 * Takes option opt (getopt_long's answer) with its argument into options
 * when it is one of these: returns true, with *status -1 to go on or the exit
 * status to end with (the message printed). Returns false for any other.
 */
bool ingest_option(struct ingest_options *options, const char *verb, int opt, const char *arg,
                   int *status);

#endif
