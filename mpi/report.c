/*
 * honeyscope-mpi report: captures in, the seed analysis out, the files read
 * by every rank and the cubes merged on rank 0.
 *
 * The options are those of 'honeyscope report' for captures (no --db: a
 * store is reported by 'honeyscope report --db'), and the result is the same
 * report byte for byte: the same sensor detection on the same sample, the
 * same cube (cubes merge by addition, in any order), the same report_build()
 * and renderers.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../src/cli/inputs.h"
#include "../src/cli/naming.h"
#include "../src/cli/report_view.h"
#include "../src/cli/suggest.h"
#include "../src/common/xalloc.h"
#include "../src/report/report.h"
#include "dist.h"

/* clang-format off */
static const char report_usage[] =
    "usage: mpirun -np N honeyscope-mpi report [options] CAPTURE...\n"
    "\n"
    "The report of 'honeyscope report' (see 'honeyscope report --help' and\n"
    "docs/semantics.md), with the capture files shared among the ranks of an MPI\n"
    "job by size; rank 0 merges the cubes and writes the report.\n"
    "\n"
    "Naming the sides:\n"
    "  --sensor CIDR          a sensor address or prefix (repeatable); without it\n"
    "                         rank 0 detects the sensor from the traffic\n"
    NAMING_USAGE
    "  --group any            every remote address (the default without --group)\n"
    "\n"
    "Time:\n"
    "  --from YYYY-MM-DD, --to YYYY-MM-DD   the period (inclusive, in --tz)\n"
    "  --bin hour|day|week|month  bin width (default day); weeks are ISO weeks\n"
    "                         (Monday to Sunday), months calendar months, both\n"
    "                         in --tz; a period cut mid-week or mid-month starts\n"
    "                         or ends with a shorter bin\n"
    "  --tz +HH:MM            zone for days and times (default UTC)\n"
    REPORT_VIEW_MAX_AGE_USAGE
    "\n"
    "Output:\n"
    "  --metric packets|bytes|flows   what shares and rankings count (default packets)\n"
    "  --top N|all            sources listed per group (default 20; 0 or all: every one)\n"
    REPORT_VIEW_BY_USAGE
    "  --compare FROM..TO     put a second period beside the first\n"
    "  --mask                 publish without absolute numbers or sensor addresses\n"
    "  --mask-keep-evidence   with --mask: show what the sensor sent, addresses hidden\n"
    "  --burst-window N, --burst-k K, --burst-min N   the burst detector\n"
    "  --format FORMAT        text (default), json, csv or html\n"
    "  -o, --output FILE      write the report to FILE (on rank 0) instead of stdout\n"
    "  -q, --quiet            no per-rank figures on stderr\n"
    "\n"
    "Input:\n"
    "  --threads N            files read at once per rank (default: the node's cores\n"
    "                         shared among the node's ranks)\n"
    "  --max-flows N          flows held at once per file (default 1000000)\n"
    "  --skip-overlapping     read no capture that holds packets of an earlier one\n"
    "\n"
    "Exit status: 0 success, 1 some input could not be read (the report covers\n"
    "what was read), the sensor could not be detected (the report says why) or a\n"
    "rank failed (no report), 2 usage error.\n";
/* clang-format on */

struct report_args {
    struct naming_args naming;
    struct report_options options;
    struct report_view_args common; /* the options shared with honeyscope report */
};

static const struct option long_options[] = {
    NAMING_LONG_OPTIONS,
    REPORT_VIEW_LONG_OPTIONS,
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Parses the options; returns -1 to go on, or the exit status to end with. */
static int parse_args(struct report_args *args, int argc, char **argv)
{
    int c;
    while ((c = getopt_long(argc, argv, "o:qh", long_options, NULL)) != -1) {
        int status;
        if (naming_option(&args->naming, "report", c, optarg, &status) ||
            report_view_option(&args->options, &args->common, "report", c, optarg, &status)) {
            if (status >= 0)
                return status;
            continue;
        }
        if (c == 'h') {
            fputs(report_usage, stdout);
            return EXIT_OK;
        }
        return unknown_option("report", long_options, argv);
    }
    if (optind >= argc)
        return usage_error("report", "no capture files given");
    const struct report_view_args *in = &args->common;
    int status = report_view_dates(&args->options, in->from, in->to, "report");
    if (status < 0 && in->compare)
        status = report_view_compare(&args->options, in->compare, "report");
    if (status < 0)
        status = naming_finish(&args->naming, "report", true);
    if (status >= 0)
        return status;
    return report_view_check(&args->options, &args->naming, "report");
}

struct merge {
    struct cube *cube;
    struct input_stats total;
    struct report_file *files; /* per plan file, in the order given */
    int failed;
};

/* Rank 0: adds one file's result to the report's cube. */
static int merge_result(void *ctx, struct file_result *r)
{
    struct merge *m = ctx;
    struct report_file *f = &m->files[r->index];
    f->packets = r->stats.packets;
    f->link_type = r->stats.link_type;
    memcpy(f->format, r->stats.format, sizeof(f->format));
    if (r->status != 0) {
        error("%s", r->error);
        f->error = xstrdup(r->error);
        m->failed = 1;
    }
    if (r->cube) /* otherwise already in m->cube: decoded straight into it */
        cube_merge(m->cube, r->cube);
    input_stats_merge(&m->total, &r->stats);
    return 0;
}

static int compare_files(const void *a, const void *b)
{
    return strcmp(((const struct report_file *)a)->path, ((const struct report_file *)b)->path);
}

static int write_report(const struct report_args *args, const struct report *report)
{
    FILE *out = stdout;
    if (args->common.output) {
        out = fopen(args->common.output, "w");
        if (!out)
            return error("cannot open '%s' for writing: %s", args->common.output, strerror(errno));
    }
    int ret = report_render(report, args->common.format, out);
    if (fflush(out) != 0)
        ret = -1;
    if (args->common.output && fclose(out) != 0)
        ret = -1;
    if (ret < 0)
        return error("cannot write the report to '%s'",
                     args->common.output ? args->common.output : "stdout");
    return 0;
}

/* Rank 0 after the pass: the report from the merged cube. */
static int build_and_write(struct report_args *args, struct merge *m, size_t nfiles,
                           const struct report_overlap *overlaps, size_t overlap_count,
                           const char *detection)
{
    /* Files are listed by name, as honeyscope report lists them. */
    qsort(m->files, nfiles, sizeof(*m->files), compare_files);
    struct report_input input = {
        .stats = &m->total,
        .files = m->files,
        .file_count = nfiles,
        .sensors = &args->common.sensors,
        .sensor_detection = detection,
        .groups = args->naming.groups,
        .group_count = args->naming.group_count,
        .routing = naming_routing_latest(&args->naming),
        .routing_source = naming_routing_source(&args->naming),
        .cube = m->cube,
        .origins = &args->naming.origins,
        .asnames_source = args->naming.asnames_path,
        .overlaps = overlaps,
        .overlap_count = overlap_count,
    };
    struct report *report = report_view_build(&input, &args->options);
    int status = EXIT_FAILED;
    if (report && write_report(args, report) == 0)
        status = m->failed ? EXIT_FAILED : EXIT_OK;
    report_free(report);
    return status;
}

int dist_report(int argc, char **argv, int rank, int ranks)
{
    struct report_args args;
    struct dist_plan plan;
    struct merge m;
    char err[1024], why[512];
    const char *detection = NULL;
    bool undetected = false;
    char **paths = NULL;
    size_t npaths = 0, nfiles = 0, overlap_count = 0;
    struct report_overlap *overlaps = NULL;

    memset(&args, 0, sizeof(args));
    memset(&m, 0, sizeof(m));
    naming_args_init(&args.naming);
    args.options.clock.width_s = 86400;
    args.options.top = 20;
    report_view_args_init(&args.common, 0); /* threads: the node's cores among its ranks */
    dist_plan_init(&plan);

    if (rank == 0) {
        plan.status = parse_args(&args, argc, argv);
        if (plan.status < 0) {
            int nread = 0;
            paths = capture_list_distinct(argv + optind, (size_t)(argc - optind),
                                          args.common.skip_overlapping, true, &nread, &m.files,
                                          &nfiles, &overlaps, &overlap_count);
            npaths = (size_t)nread;
        }
        if (plan.status < 0 && args.common.sensors.count == 0) {
            detection = why;
            if (dist_detect_sensors(&args.common.sensors, paths, npaths, why, sizeof(why)) == 0) {
                /* As honeyscope report: every file is still read and listed, and the
                 * report says why it is empty; the exit status says it failed. */
                error("cannot tell the sensor: %s", why);
                undetected = true;
            } else if (!args.common.quiet) {
                fprintf(stderr, "honeyscope-mpi: sensor %s\n", why);
            }
        }
        plan.verb = DIST_REPORT;
        plan.threads = args.common.threads;
        plan.clock = args.options.clock;
        plan.clock.unit = BIN_FIXED; /* rows by day under week and month bins */
        plan.flow = args.common.flow;
        for (size_t i = 0; i < args.common.sensors.count; i++)
            sensor_set_add(&plan.sensors, &args.common.sensors.prefixes[i]);
        for (size_t i = 0; plan.status < 0 && i < npaths; i++) {
            struct stat st;
            /* A file that cannot be seen costs nothing; the pass reports it. */
            int64_t size = stat(paths[i], &st) == 0 ? (int64_t)st.st_size : 0;
            dist_plan_add(&plan, paths[i], size, 0);
        }
        dist_plan_assign(&plan, (unsigned)ranks);
    }
    if (dist_share_plan(&plan, rank, ranks, err, sizeof(err)) < 0)
        error("rank %d: %s", rank, err);
    int status = plan.status;
    if (status >= 0)
        goto out;

    if (rank == 0) {
        m.cube = cube_new();
        input_stats_init(&m.total);
        m.failed = undetected;
    }
    int ran =
        dist_run(&plan, rank, ranks, merge_result, &m, m.cube, args.common.quiet, err, sizeof(err));
    if (rank != 0) {
        status = EXIT_OK; /* rank 0 says what went wrong, and ends with the status */
    } else if (ran < 0) {
        error("%s", err);
        error("no report: a rank failed");
        status = EXIT_FAILED;
    } else {
        status = build_and_write(&args, &m, nfiles, overlaps, overlap_count, detection);
    }
out:
    for (size_t i = 0; m.files && i < nfiles; i++) {
        free((char *)m.files[i].error);
        free((char *)m.files[i].path);
        free((char *)m.files[i].same_as);
        free((char *)m.files[i].overlaps_with);
    }
    free(m.files);
    report_overlaps_free(overlaps, overlap_count);
    free(paths);
    cube_free(m.cube);
    dist_plan_release(&plan);
    naming_args_release(&args.naming);
    report_view_args_release(&args.common);
    return status;
}
