/*
 * honeyscope report: captures in, the seed analysis out.
 *
 * Reads every capture file into one cube (each file with its own flow
 * table), names the remote side by group, and renders the report. A file
 * that cannot be read, or breaks off, is named on stderr and in the report;
 * what was read from it still counts, and the exit status says something
 * failed.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../aggregate/aggregate.h"
#include "../attrib/attrib.h"
#include "../common/xalloc.h"
#include "../report/report.h"
#include "cli.h"

#define SENSOR_SAMPLE_PACKETS 100000

static const char report_usage[] =
    "usage: honeyscope report [options] CAPTURE...\n"
    "\n"
    "Reads packet captures (pcap or pcapng, plain, gzip or zstd, recognised from\n"
    "their bytes) and reports what the sensor exchanged with each group of\n"
    "remote networks: volume per bin in and out, what the sensor sent by\n"
    "category, replies versus unsolicited traffic received, the unsolicited\n"
    "port table with shares, and the sources.\n"
    "\n"
    "Naming the sides:\n"
    "  --sensor CIDR          a sensor address or prefix (repeatable; IPv4 or IPv6);\n"
    "                         without it the sensor is detected from the traffic\n"
    "  --group NAME=FILE      a group from a \"CIDR label\" list (repeatable)\n"
    "  --group NAME=AS1,AS2   a group of origin ASes (needs --pfx2as)\n"
    "  --group any            every remote address (the default without --group)\n"
    "  --pfx2as FILE          routing table snapshot, \"prefix/len<TAB>asn\" (gzip ok)\n"
    "\n"
    "Time:\n"
    "  --from YYYY-MM-DD      first day of the period (inclusive, in --tz)\n"
    "  --to YYYY-MM-DD        last day of the period (inclusive)\n"
    "  --bin day|hour         bin width (default day)\n"
    "  --tz +HH:MM            zone for days and times (default UTC)\n"
    "\n"
    "Output:\n"
    "  --metric packets|bytes|flows   what shares and rankings count (default packets)\n"
    "  --top N                sources listed per group (default 20)\n"
    "  --format text|json     (default text)\n"
    "  -o, --output FILE      write the report to FILE instead of stdout\n"
    "  -q, --quiet            no progress on stderr\n"
    "\n"
    "Limits:\n"
    "  --max-flows N          flows held at once per file (default 1000000); when\n"
    "                         full the least recently active is ended early\n"
    "\n"
    "Bytes are IP lengths as the wire carried them (IPv4 total length, IPv6\n"
    "payload length + 40), whatever the link type or snap length: comparable\n"
    "across sensors and with NetFlow tools. Counting rules: docs/semantics.md.\n"
    "\n"
    "Exit status: 0 success, 1 some input could not be read (the report covers\n"
    "what was read), 2 usage error.\n";

enum format {
    FORMAT_TEXT,
    FORMAT_JSON,
};

struct report_args {
    struct sensor_set sensors;
    struct group *groups;
    size_t group_count, group_alloc;
    const char *pfx2as;
    struct report_options options;
    const char *from, *to;
    enum format format;
    const char *output;
    bool quiet;
    struct flow_config flow;
};

enum {
    OPT_SENSOR = 256,
    OPT_GROUP,
    OPT_PFX2AS,
    OPT_FROM,
    OPT_TO,
    OPT_BIN,
    OPT_TZ,
    OPT_METRIC,
    OPT_TOP,
    OPT_FORMAT,
    OPT_MAX_FLOWS,
};

static const struct option report_options_long[] = {
    {"sensor", required_argument, NULL, OPT_SENSOR},
    {"group", required_argument, NULL, OPT_GROUP},
    {"pfx2as", required_argument, NULL, OPT_PFX2AS},
    {"from", required_argument, NULL, OPT_FROM},
    {"to", required_argument, NULL, OPT_TO},
    {"bin", required_argument, NULL, OPT_BIN},
    {"tz", required_argument, NULL, OPT_TZ},
    {"metric", required_argument, NULL, OPT_METRIC},
    {"top", required_argument, NULL, OPT_TOP},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"max-flows", required_argument, NULL, OPT_MAX_FLOWS},
    {"output", required_argument, NULL, 'o'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int add_group(struct report_args *args, const char *spec)
{
    char err[512];
    ALLOC_GROW(args->groups, args->group_count + 1, args->group_alloc);
    struct group *g = &args->groups[args->group_count];
    if (strcmp(spec, "any") == 0) {
        group_init_any(g);
    } else if (group_parse(g, spec, err, sizeof(err)) < 0) {
        error("%s", err);
        return -1;
    }
    args->group_count++;
    return 0;
}

/* Parses the options; returns -1 to go on, or the exit status to end with. */
static int parse_args(struct report_args *args, int argc, char **argv)
{
    uint64_t n;
    int c;

    while ((c = getopt_long(argc, argv, "o:qh", report_options_long, NULL)) != -1) {
        switch (c) {
        case OPT_SENSOR: {
            struct ip_prefix prefix;
            const char *why = "";
            if (prefix_parse(&prefix, optarg, &why) < 0)
                return usage_error("report", "--sensor '%s': %s", optarg, why);
            sensor_set_add(&args->sensors, &prefix);
            break;
        }
        case OPT_GROUP:
            if (add_group(args, optarg) < 0)
                return EXIT_USAGE;
            break;
        case OPT_PFX2AS:
            args->pfx2as = optarg;
            break;
        case OPT_FROM:
            args->from = optarg;
            break;
        case OPT_TO:
            args->to = optarg;
            break;
        case OPT_BIN:
            if (strcmp(optarg, "day") == 0)
                args->options.clock.width_s = 86400;
            else if (strcmp(optarg, "hour") == 0)
                args->options.clock.width_s = 3600;
            else
                return usage_error("report", "--bin takes day or hour, not '%s'", optarg);
            break;
        case OPT_TZ:
            if (parse_zone(optarg, &args->options.clock.offset_s) < 0)
                return usage_error("report", "--tz takes +HH:MM or -HH:MM, not '%s'", optarg);
            break;
        case OPT_METRIC:
            if (strcmp(optarg, "packets") == 0)
                args->options.metric = METRIC_PACKETS;
            else if (strcmp(optarg, "bytes") == 0)
                args->options.metric = METRIC_BYTES;
            else if (strcmp(optarg, "flows") == 0)
                args->options.metric = METRIC_FLOWS;
            else
                return usage_error("report", "--metric takes packets, bytes or flows, not '%s'",
                                   optarg);
            break;
        case OPT_TOP:
            if (parse_u64(optarg, 0, 1000000, &n) < 0)
                return usage_error("report", "--top takes a number, not '%s'", optarg);
            args->options.top = (size_t)n;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0)
                args->format = FORMAT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                args->format = FORMAT_JSON;
            else
                return usage_error("report", "--format takes text or json, not '%s'", optarg);
            break;
        case OPT_MAX_FLOWS:
            if (parse_u64(optarg, 16, 1000000000, &n) < 0)
                return usage_error("report", "--max-flows takes a number from 16, not '%s'",
                                   optarg);
            args->flow.max_flows = (size_t)n;
            break;
        case 'o':
            args->output = optarg;
            break;
        case 'q':
            args->quiet = true;
            break;
        case 'h':
            fputs(report_usage, stdout);
            return EXIT_OK;
        default:
            return usage_error("report", "unknown option");
        }
    }
    if (optind >= argc)
        return usage_error("report", "no capture files given");

    int64_t days;
    const int64_t offset = args->options.clock.offset_s;
    if (args->from) {
        if (parse_date(args->from, &days) < 0)
            return usage_error("report", "--from takes YYYY-MM-DD, not '%s'", args->from);
        args->options.has_from = true;
        args->options.from_s = days * 86400 - offset;
    }
    if (args->to) {
        if (parse_date(args->to, &days) < 0)
            return usage_error("report", "--to takes YYYY-MM-DD, not '%s'", args->to);
        args->options.has_to = true;
        args->options.to_s = (days + 1) * 86400 - offset;
    }
    if (args->options.has_from && args->options.has_to &&
        args->options.to_s <= args->options.from_s)
        return usage_error("report", "--to is before --from");
    return -1;
}

static void detect_sensors(struct report_args *args, char **files, int nfiles, char *why,
                           size_t whylen)
{
    struct sensor_detector *detector = sensor_detector_new();
    char err[512];
    for (int i = 0; i < nfiles; i++) {
        uint64_t left = SENSOR_SAMPLE_PACKETS - sensor_detector_packets(detector);
        if (left == 0)
            break;
        /* Errors are reported by the real pass; a bad file just adds no sample. */
        aggregate_sample_addresses(detector, files[i], left, err, sizeof(err));
    }
    sensor_detector_finish(detector, &args->sensors, why, whylen);
    sensor_detector_free(detector);
}

struct progress {
    bool on;
    struct timespec start;
    int file, files;
    uint64_t packets_before;
};

static void show_progress(void *ctx, uint64_t packets)
{
    struct progress *p = ctx;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double secs = (double)(now.tv_sec - p->start.tv_sec) +
                  (double)(now.tv_nsec - p->start.tv_nsec) / 1e9;
    uint64_t total = p->packets_before + packets;
    fprintf(stderr, "\rfile %d/%d, %" PRIu64 " packets, %.2f M packets/s   ", p->file, p->files,
            total, secs > 0 ? (double)total / secs / 1e6 : 0.0);
}

static int read_captures(struct report_args *args, char **files, int nfiles, struct cube *cube,
                         struct input_stats *total, struct report_file *report_files)
{
    struct aggregate_config config;
    struct progress progress = {.on = progress_wanted(args->quiet), .files = nfiles};
    int failed = 0;

    config.clock = args->options.clock;
    config.flow = args->flow;
    config.sensors = &args->sensors;
    config.progress = progress.on ? show_progress : NULL;
    config.progress_ctx = &progress;
    clock_gettime(CLOCK_MONOTONIC, &progress.start);

    for (int i = 0; i < nfiles; i++) {
        struct input_stats stats;
        char err[1024];
        input_stats_init(&stats);
        progress.file = i + 1;
        int ret = aggregate_capture(cube, &config, files[i], &stats, err, sizeof(err));
        progress.packets_before += stats.packets;
        report_files[i].path = files[i];
        report_files[i].packets = stats.packets;
        report_files[i].link_type = stats.link_type;
        memcpy(report_files[i].format, stats.format, sizeof(report_files[i].format));
        if (ret < 0) {
            if (progress.on)
                fputc('\n', stderr);
            error("%s", err);
            report_files[i].error = xstrdup(err);
            failed = 1;
        }
        input_stats_merge(total, &stats);
    }
    if (progress.on)
        fputc('\n', stderr);
    return failed;
}

static int write_report(const struct report_args *args, const struct report *report)
{
    FILE *out = stdout;
    if (args->output) {
        out = fopen(args->output, "w");
        if (!out)
            return error("cannot open '%s' for writing: %s", args->output, strerror(errno));
    }
    int ret = args->format == FORMAT_JSON ? render_json(report, out) : render_text(report, out);
    if (fflush(out) != 0)
        ret = -1;
    if (args->output && fclose(out) != 0)
        ret = -1;
    if (ret < 0)
        return error("cannot write the report to '%s'", args->output ? args->output : "stdout");
    return 0;
}

int cmd_report(int argc, char **argv)
{
    struct report_args args;
    struct prefix_set *routing = NULL;
    char err[1024], why[512];
    int status;

    memset(&args, 0, sizeof(args));
    sensor_set_init(&args.sensors);
    args.options.clock.width_s = 86400;
    args.options.top = 20;
    flow_config_default(&args.flow);

    status = parse_args(&args, argc, argv);
    if (status >= 0)
        goto out;
    status = EXIT_FAILED;
    char **files = argv + optind;
    int nfiles = argc - optind;

    if (args.group_count == 0)
        add_group(&args, "any");
    if (args.pfx2as) {
        routing = prefix_set_new();
        if (prefix_set_load_pfx2as(routing, args.pfx2as, err, sizeof(err)) < 0) {
            error("%s", err);
            goto out;
        }
    }
    for (size_t i = 0; i < args.group_count; i++)
        if (args.groups[i].kind == GROUP_ASNS && !routing) {
            status = usage_error("report", "group '%s' names ASes: give --pfx2as",
                                 args.groups[i].name);
            goto out;
        }

    bool detected = args.sensors.count == 0;
    if (detected) {
        detect_sensors(&args, files, nfiles, why, sizeof(why));
        if (args.sensors.count == 0) {
            error("cannot tell the sensor: %s", why);
            goto out;
        }
        if (!args.quiet)
            fprintf(stderr, "honeyscope: sensor %s\n", why);
    }

    struct cube *cube = cube_new();
    struct input_stats total;
    struct report_file *report_files = xcalloc((size_t)nfiles, sizeof(*report_files));
    input_stats_init(&total);
    int failed = read_captures(&args, files, nfiles, cube, &total, report_files);

    struct report_input input = {
        .stats = &total,
        .files = report_files,
        .file_count = (size_t)nfiles,
        .sensors = &args.sensors,
        .sensor_detection = detected ? why : NULL,
        .groups = args.groups,
        .group_count = args.group_count,
        .routing = routing,
        .routing_source = args.pfx2as,
        .cube = cube,
    };
    struct report *report = report_build(&input, &args.options, err, sizeof(err));
    if (!report)
        error("%s", err);
    else if (write_report(&args, report) == 0)
        status = failed ? EXIT_FAILED : EXIT_OK;
    report_free(report);
    for (int i = 0; i < nfiles; i++)
        free((char *)report_files[i].error);
    free(report_files);
    cube_free(cube);
out:
    for (size_t i = 0; i < args.group_count; i++)
        group_release(&args.groups[i]);
    free(args.groups);
    prefix_set_free(routing);
    sensor_set_release(&args.sensors);
    return status;
}
