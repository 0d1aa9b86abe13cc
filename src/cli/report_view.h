/*
 * cli/report_view: the options of a report from captures, shared by
 * 'honeyscope report' and 'honeyscope-mpi report' so that both take them
 * alike: the analysis's (--bin, --tz, --metric, --top, --mask,
 * --mask-keep-evidence, the burst options, --by, --snapshot-max-age), the
 * period and the compared one (--from, --to, --compare), the sensor
 * (--sensor), how captures are read (--max-flows, --threads,
 * --skip-overlapping) and where the report goes (--format, -o/--output,
 * -q/--quiet). A verb lists REPORT_VIEW_LONG_OPTIONS in its getopt table
 * ("o:q" among its short options), hands every option to
 * report_view_option(), settles the dates with report_view_dates() and
 * report_view_compare() after every option, and calls report_view_check()
 * once the naming options are settled. Each verb keeps its own --help text.
 */
#ifndef HONEYSCOPE_CLI_REPORT_VIEW_H
#define HONEYSCOPE_CLI_REPORT_VIEW_H

#include <getopt.h>
#include <stdbool.h>

#include "../report/report.h"
#include "naming.h"

enum {
    OPT_VIEW_BY = 0x4100, /* apart from each verb's own and the naming codes */
    OPT_VIEW_SNAPSHOT_MAX_AGE,
    OPT_VIEW_BIN,
    OPT_VIEW_TZ,
    OPT_VIEW_METRIC,
    OPT_VIEW_TOP,
    OPT_VIEW_MASK,
    OPT_VIEW_MASK_KEEP_EVIDENCE,
    OPT_VIEW_BURST_WINDOW,
    OPT_VIEW_BURST_K,
    OPT_VIEW_BURST_MIN,
    OPT_VIEW_FROM,
    OPT_VIEW_TO,
    OPT_VIEW_FORMAT,
    OPT_VIEW_MAX_FLOWS,
    OPT_VIEW_THREADS,
    OPT_VIEW_COMPARE,
    OPT_VIEW_SENSOR,
    OPT_VIEW_SKIP_OVERLAPPING,
};

/* clang-format off */
#define REPORT_VIEW_LONG_OPTIONS                                                             \
    {"bin", required_argument, NULL, OPT_VIEW_BIN},                                         \
    {"tz", required_argument, NULL, OPT_VIEW_TZ},                                           \
    {"metric", required_argument, NULL, OPT_VIEW_METRIC},                                   \
    {"top", required_argument, NULL, OPT_VIEW_TOP},                                         \
    {"mask", no_argument, NULL, OPT_VIEW_MASK},                                             \
    {"mask-keep-evidence", no_argument, NULL, OPT_VIEW_MASK_KEEP_EVIDENCE},                 \
    {"burst-window", required_argument, NULL, OPT_VIEW_BURST_WINDOW},                       \
    {"burst-k", required_argument, NULL, OPT_VIEW_BURST_K},                                 \
    {"burst-min", required_argument, NULL, OPT_VIEW_BURST_MIN},                             \
    {"by", required_argument, NULL, OPT_VIEW_BY},                                           \
    {"snapshot-max-age", required_argument, NULL, OPT_VIEW_SNAPSHOT_MAX_AGE},               \
    {"from", required_argument, NULL, OPT_VIEW_FROM},                                       \
    {"to", required_argument, NULL, OPT_VIEW_TO},                                           \
    {"format", required_argument, NULL, OPT_VIEW_FORMAT},                                   \
    {"max-flows", required_argument, NULL, OPT_VIEW_MAX_FLOWS},                             \
    {"threads", required_argument, NULL, OPT_VIEW_THREADS},                                 \
    {"compare", required_argument, NULL, OPT_VIEW_COMPARE},                                 \
    {"sensor", required_argument, NULL, OPT_VIEW_SENSOR},                                   \
    {"skip-overlapping", no_argument, NULL, OPT_VIEW_SKIP_OVERLAPPING},                     \
    {"output", required_argument, NULL, 'o'},                                               \
    {"quiet", no_argument, NULL, 'q'}
/* clang-format on */

/*
 * What the shared options give beyond the analysis's struct report_options:
 * --from, --to and --compare as given (read once --tz is known, by
 * report_view_dates() and report_view_compare()), the sensors, how the
 * captures are read and where the report goes.
 */
struct report_view_args {
    const char *from, *to, *compare; /* NULL when not given */
    struct sensor_set sensors;       /* --sensor, repeatable; empty: detect */
    struct flow_config flow;         /* --max-flows */
    unsigned threads;
    bool skip_overlapping;
    enum report_format format;
    const char *output; /* -o FILE; NULL: stdout */
    bool quiet;
};

/* Every option at its default, threads as the verb counts them by default. */
void report_view_args_init(struct report_view_args *args, unsigned threads);
void report_view_args_release(struct report_view_args *args);

/* The options' lines of a verb's --help. */
#define REPORT_VIEW_BY_USAGE                                                                       \
    "  --by label|asn|country  split each group's traffic by the label of its\n"                   \
    "                         prefixes (AWS region and services, Azure tag, a list's\n"            \
    "                         label), by origin AS, or by the country of the AS\n"                 \
    "                         name (needs --asnames)\n"
#define REPORT_VIEW_MAX_AGE_USAGE                                                                  \
    "  --snapshot-max-age DAYS  warn when a dated snapshot (routing table, prefix\n"               \
    "                         file, mmdb) decides bins further than DAYS from its\n"               \
    "                         date (default 180)\n"

/*
 * Takes option opt (getopt_long's answer) with its argument into options or
 * args when it is one of these: returns true, with *status -1 to go on or
 * the exit status to end with (the message printed). Returns false for any
 * other.
 */
bool report_view_option(struct report_options *options, struct report_view_args *args,
                        const char *verb, int opt, const char *arg, int *status);
/*
 * After naming_finish(): whether the naming options give what --by needs.
 * Returns -1 to go on, or the exit status to end with (the message printed).
 */
int report_view_check(const struct report_options *options, const struct naming_args *naming,
                      const char *verb);

/*
 * After every option (--tz may come last): --from and --to (YYYY-MM-DD,
 * NULL when not given) into the period, and --compare FROM..TO into the
 * compared one. Each returns -1 to go on, or the exit status to end with.
 */
int report_view_dates(struct report_options *o, const char *from, const char *to, const char *verb);
int report_view_compare(struct report_options *o, const char *compare, const char *verb);

/*
 * report_build() as both verbs run it: its warnings said on stderr in the
 * program's name, its error when it fails. Returns the report (the caller
 * report_free()s it), or NULL after the message.
 */
struct report *report_view_build(const struct report_input *input,
                                 const struct report_options *options);

#endif
