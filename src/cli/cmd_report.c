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
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../aggregate/aggregate.h"
#include "../attrib/attrib.h"
#include "../common/xalloc.h"
#include "../report/report.h"
#include "../store/history.h"
#include "../store/store.h"
#include "cli.h"
#include "inputs.h"
#include "naming.h"
#include "report_history.h"
#include "report_view.h"
#include "stored_groups.h"
#include "suggest.h"
#include "walk.h"

/* In parts: C11 compilers need only take string literals of 4095 bytes. */
static const char *const report_usage[] = {
    "usage: honeyscope report [options] CAPTURE|DIR...\n"
    "       honeyscope report [options] --db STORE\n"
    "\n"
    "Reads packet captures (pcap or pcapng, plain, gzip or zstd) and Zeek\n"
    "conn.logs (TSV or JSON lines, plain or gzip), recognised from their bytes; a\n"
    "directory is walked recursively and its other files named on stderr as\n"
    "skipped. Reports what the sensor exchanged with each group of remote\n"
    "networks: volume per bin in and out, what the sensor sent by category,\n"
    "replies versus unsolicited traffic received, the unsolicited port table\n"
    "with shares, and the sources. A conn.log line is one flow, counted in the\n"
    "bin of its start; flow records inside a capture's span are left out (the\n"
    "capture has them); flows carry no evidence (docs/flows.md).\n"
    "\n"
    "Naming the sides:\n"
    "  --sensor CIDR          a sensor address or prefix (repeatable; IPv4 or IPv6);\n"
    "                         without it the sensor is detected from the traffic\n"
    "  --group any            every remote address (the default without --group)\n" NAMING_USAGE
    "\n"
    "Time:\n"
    "  --from YYYY-MM-DD      first day of the period (inclusive, in --tz)\n"
    "  --to YYYY-MM-DD        last day of the period (inclusive); captures found in\n"
    "                         a directory whose first packet comes after the period,\n"
    "                         or last modified before it, are not read\n"
    "  --bin hour|day|week|month  bin width (default day); weeks are ISO weeks\n"
    "                         (Monday to Sunday), months calendar months, both\n"
    "                         in --tz; a period cut mid-week or mid-month starts\n"
    "                         or ends with a shorter bin\n"
    "  --tz +HH:MM            zone for days and times (default UTC)\n" REPORT_VIEW_MAX_AGE_USAGE
    "  --last Nd              the last N complete days of the data (1d, 7d, 30d...)\n"
    "                         instead of --from/--to: the data reaches the end of\n"
    "                         the quarter hour of its latest packet\n"
    "\n",
    "Output:\n"
    "  --format FORMAT        text (default), json, csv (a table per section) or\n"
    "                         html (one self-contained page with charts)\n"
    "  -o, --output FILE      write the report to FILE instead of stdout\n"
    "  -q, --quiet            no progress on stderr\n"
    "  --metric packets|bytes|flows   what shares and rankings count (default packets)\n"
    "  --top N|all            top sources and origin ASes listed per group\n"
    "                         (default 20; 0 or all: every one)\n" REPORT_VIEW_BY_USAGE
    "  --compare FROM..TO     put a second period beside the first (dates as --from)\n"
    "  --compare previous     ... the same number of days just before the period\n"
    "  --new-only             with --db: only what the store never saw before the\n"
    "                         period: rows of new remote addresses or of services\n"
    "                         no remote had started before, evidence values new\n"
    "                         of their kind\n"
    "  --mask                 publish: counts become an index (peak = 100) or shares,\n"
    "                         sensor addresses are hidden, files are named without\n"
    "                         their directories, and what the sensor sent (its\n"
    "                         HELO name, queries, ...) is only counted\n"
    "  --mask-keep-evidence   with --mask: show what the sensor sent, addresses hidden\n"
    "  --anonymize KEYFILE    write every address (sources, sensors, prefixes, and\n"
    "                         those inside evidence, labels and paths) replaced by\n"
    "                         Crypto-PAn under KEYFILE, as 'honeyscope anonymize'\n"
    "                         does: prefixes preserved, the same in every report\n"
    "\n"
    "Bursts (bins where unsolicited traffic jumps; docs/semantics.md):\n"
    "  --burst-window N       the baseline is the median of the N latest earlier\n"
    "                         bins that are not bursts (default 28, from 3); a bin\n"
    "                         is judged once 7 earlier bins are not bursts\n"
    "  --burst-k K            robust deviations above the median (default 6)\n"
    "  --burst-min N          smallest volume that can be a burst (default 20)\n"
    "\n"
    "Input:\n"
    "  --db STORE             report from a store made by 'honeyscope ingest'\n"
    "                         instead of reading captures\n"
    "  --skip-overlapping     read no capture that holds packets of an earlier one\n"
    "                         (a capture and its own splits): it is listed as\n"
    "                         skipped; without it both count and the report warns\n"
    "  --threads N            threads counting (default: the cores); one more reads\n"
    "\n"
    "Limits:\n"
    "  --max-flows N          flows held at once per counting thread (default: what\n"
    "                         its share of --memory holds, at least 65536, which\n"
    "                         many threads under a small --memory pass; given, it\n"
    "                         is held beyond --memory); when full the least\n"
    "                         recently active is ended early, and the report says so\n"
    "  --memory SIZE          memory for the traffic rows, evidence, flows and parse\n"
    "                         buffers, e.g. 512M, 2G (default 128M); beyond it rows\n"
    "                         and evidence are spilled, sorted, to temporary files\n"
    "                         and merged: the report stays exact\n"
    "  --tmp-dir DIR          where spilled rows go (default $TMPDIR, else /tmp)\n"
    "\n"
    "Bytes are IP lengths as the wire carried them (IPv4 total length, IPv6\n"
    "payload length + 40), whatever the link type or snap length: comparable\n"
    "across sensors and with NetFlow tools. Counting rules: docs/semantics.md.\n"
    "\n"
    "Exit status: 0 success, 1 some input could not be read (the report covers\n"
    "what was read), 2 usage error.\n",
    NULL,
};

struct report_args {
    struct naming_args naming; /* --group, --pfx2as, --mmdb, --asnames */
    struct report_options options;
    struct report_view_args common; /* the options shared with honeyscope-mpi report;
                                       --compare also takes "previous" */
    const char *db;
    bool compare_previous;      /* --compare previous */
    unsigned last_days;         /* --last Nd; 0 when not given */
    bool new_only;              /* --new-only */
    const char **stored_groups; /* --group NAME: prefix sets kept in the store */
    size_t stored_group_count, stored_group_alloc;
    uint64_t memory;     /* --memory, bytes */
    const char *tmp_dir; /* --tmp-dir */
    size_t cube_rows;    /* rows each cube keeps in memory (from --memory) */
    struct evidence_buffer_counts evidence_buffers; /* each counting thread's (from --memory) */
    const char *anonymize_key;                      /* --anonymize KEYFILE */
};

enum {
    OPT_DB = 256,
    OPT_ANONYMIZE,
    OPT_MEMORY,
    OPT_TMP_DIR,
    OPT_LAST,
    OPT_NEW_ONLY,
};

static const struct option report_options_long[] = {
    NAMING_LONG_OPTIONS,
    REPORT_VIEW_LONG_OPTIONS,
    {"db", required_argument, NULL, OPT_DB},
    {"anonymize", required_argument, NULL, OPT_ANONYMIZE},
    {"memory", required_argument, NULL, OPT_MEMORY},
    {"tmp-dir", required_argument, NULL, OPT_TMP_DIR},
    {"last", required_argument, NULL, OPT_LAST},
    {"new-only", no_argument, NULL, OPT_NEW_ONLY},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* --compare previous: as many days as the period, just before it. */
static void compare_previous_period(struct report_options *options)
{
    options->has_compare = true;
    options->compare_to_s = options->from_s;
    options->compare_from_s = options->from_s - (options->to_s - options->from_s);
}

/*
 * --last: the period counted back from the latest packet, last_ns (and the
 * previous one for --compare previous). Returns 0, or -1 when there is no
 * packet to count from.
 */
static int settle_last_days(struct report_args *args, bool found, int64_t last_ns)
{
    if (!found)
        return error("--last %ud: no packet to count the days back from", args->last_days);
    struct report_options *o = &args->options;
    period_last_days(last_ns, args->last_days, o->clock.offset_s, &o->from_s, &o->to_s);
    o->has_from = o->has_to = true;
    if (args->compare_previous)
        compare_previous_period(o);
    return 0;
}

/* Seconds to nanoseconds, the ends of time kept as they are. */
static int64_t ns_of(int64_t s)
{
    if (s <= INT64_MIN / 1000000000)
        return INT64_MIN;
    if (s >= INT64_MAX / 1000000000)
        return INT64_MAX;
    return s * 1000000000;
}

/*
 * The store's overlapping captures whose common span meets [from_s, to_s),
 * as the report lists them (none skipped: both are stored).
 */
static void store_overlaps_listed(const struct store_overlap *stored, size_t count, int64_t from_s,
                                  int64_t to_s, struct report_overlap **overlaps,
                                  size_t *overlap_count)
{
    size_t n = 0;
    *overlaps = xcalloc(count ? count : 1, sizeof(**overlaps));
    for (size_t i = 0; i < count; i++) {
        const struct capture_overlap *o = &stored[i].overlap;
        if (o->last_ns / 1000000000 < from_s || o->first_ns / 1000000000 >= to_s)
            continue;
        (*overlaps)[n++] = (struct report_overlap){
            .file = xstrdup(stored[i].file),
            .overlaps_with = xstrdup(stored[i].overlaps_with),
            .first_ns = o->first_ns,
            .last_ns = o->last_ns,
            .share = o->share,
        };
    }
    *overlap_count = n;
}

/* Parses the options; returns -1 to go on, or the exit status to end with. */
static int parse_args(struct report_args *args, int argc, char **argv)
{
    uint64_t n;
    int c;

    while ((c = getopt_long(argc, argv, "o:qh", report_options_long, NULL)) != -1) {
        int naming_status;
        if (c == OPT_NAMING_GROUP && !strchr(optarg, '=') && strcmp(optarg, "any") != 0) {
            /* A set stored with 'honeyscope prefixes add': loaded once --db is known. */
            ALLOC_GROW(args->stored_groups, args->stored_group_count + 1, args->stored_group_alloc);
            args->stored_groups[args->stored_group_count++] = optarg;
            continue;
        }
        if (naming_option(&args->naming, "report", c, optarg, &naming_status) ||
            report_view_option(&args->options, &args->common, "report", c, optarg,
                               &naming_status)) {
            if (naming_status >= 0)
                return naming_status;
            continue;
        }
        switch (c) {
        case OPT_DB:
            args->db = optarg;
            break;
        case OPT_ANONYMIZE:
            args->anonymize_key = optarg;
            break;
        case OPT_MEMORY:
            if (parse_size(optarg, &args->memory) < 0 || args->memory < (UINT64_C(1) << 16))
                return usage_error("report",
                                   "--memory takes a size of 64K or more, e.g. 512M "
                                   "or 2G, not '%s'",
                                   optarg);
            break;
        case OPT_TMP_DIR:
            args->tmp_dir = optarg;
            break;
        case OPT_LAST: {
            size_t len = strlen(optarg);
            char digits[8];
            if (len < 2 || len - 1 >= sizeof(digits) || optarg[len - 1] != 'd')
                return usage_error("report", "--last takes a number of days, e.g. 7d, not '%s'",
                                   optarg);
            memcpy(digits, optarg, len - 1);
            digits[len - 1] = '\0';
            if (parse_u64(digits, 1, 3660, &n) < 0)
                return usage_error("report", "--last takes 1d to 3660d, not '%s'", optarg);
            args->last_days = (unsigned)n;
            break;
        }
        case OPT_NEW_ONLY:
            args->new_only = true;
            break;
        case 'h':
            for (size_t i = 0; report_usage[i]; i++)
                fputs(report_usage[i], stdout);
            return EXIT_OK;
        default:
            return unknown_option("report", report_options_long, argv);
        }
    }
    if (args->db && optind < argc)
        return usage_error("report", "give capture files or --db, not both");
    if (!args->db && optind >= argc)
        return usage_error("report", "no capture files given (or --db STORE)");
    if (args->db && args->options.clock.offset_s % STORE_BIN_SECONDS)
        return usage_error("report",
                           "a store keeps quarter hours: --tz must be a multiple of 15 minutes");

    int status = report_view_dates(&args->options, args->common.from, args->common.to, "report");
    if (status >= 0)
        return status;
    if (args->last_days && (args->common.from || args->common.to))
        return usage_error("report", "give --last or --from/--to, not both");
    if (args->common.skip_overlapping && args->db)
        return usage_error("report", "--skip-overlapping chooses among captures read now; in a "
                                     "store, 'honeyscope forget' the file that overlaps");
    if (args->new_only && !args->db)
        return usage_error("report", "--new-only compares with a store's history: give --db STORE");
    if (args->new_only && !args->common.from && !args->last_days)
        return usage_error("report", "--new-only needs a period that starts: --from or --last");
    if (args->new_only && args->common.compare)
        return usage_error("report", "--new-only and --compare do not go together");
    args->compare_previous = args->common.compare && strcmp(args->common.compare, "previous") == 0;
    if (args->compare_previous && !args->last_days && !(args->common.from && args->common.to))
        return usage_error("report", "--compare previous needs --last, or --from and --to");
    if (args->compare_previous && !args->last_days)
        compare_previous_period(&args->options);
    if (args->common.compare && !args->compare_previous)
        return report_view_compare(&args->options, args->common.compare, "report");
    return -1;
}

/*
 * The time a report looks at, for choosing the captures found in directories:
 * the period and the compared one, with the longest idle timeout on each side
 * (a conversation idle that long has ended before it reaches the period).
 */
static struct walk_period report_period(const struct report_args *args)
{
    const struct report_options *o = &args->options;
    const struct flow_config *f = &args->common.flow;
    struct walk_period period = {o->has_from, o->has_to, o->from_s, o->to_s, 0};
    uint32_t idle = f->tcp_idle_s;
    idle = f->udp_idle_s > idle ? f->udp_idle_s : idle;
    idle = f->icmp_idle_s > idle ? f->icmp_idle_s : idle;
    idle = f->other_idle_s > idle ? f->other_idle_s : idle;
    period.margin_s = idle;
    if (o->has_compare) {
        if (o->compare_from_s < period.from_s)
            period.from_s = o->compare_from_s;
        if (o->compare_to_s > period.to_s)
            period.to_s = o->compare_to_s;
    }
    return period;
}

static void detect_sensors(struct report_args *args, char **files, int nfiles, char *why,
                           size_t whylen)
{
    /* Errors are reported by the real pass; a bad file just adds no sample. */
    aggregate_detect_sensors((const char *const *)files, (size_t)nfiles, &args->common.sensors, why,
                             whylen);
}

static void read_tick(void *ctx)
{
    progress_tick(ctx);
}

static int compare_files(const void *a, const void *b)
{
    return strcmp(((const struct report_file *)a)->path, ((const struct report_file *)b)->path);
}

/* What a cube row costs while it is reported from a spilled cube (the chunk's
 * cube and its ordering): measured, rounded up. */
#define ROW_BYTES_REPORTED 280

/*
 * Shares --memory out: half for the rows being gathered, over every cube that
 * can be alive at once (one per thread counting, the merged one), a quarter
 * for the evidence tables of the threads counting (memory_evidence_bytes()),
 * and a quarter that serves twice: while captures are read, the threads'
 * flow tables and evidence buffers (unless --max-flows was given), and once
 * they are gone, the rows of a spilled cube read back at a time.
 */
static void plan_memory(struct report_args *args)
{
    uint64_t memory = args->memory ? args->memory : DEFAULT_MEMORY;
    args->cube_rows = memory_cube_rows(memory, (uint64_t)args->common.threads + 1);
    memory_plan_counting(memory, args->common.threads, &args->common.flow, &args->evidence_buffers);
    uint64_t chunk = memory / 4 / ROW_BYTES_REPORTED;
    args->options.chunk_rows = chunk ? (size_t)chunk : 1;
    args->options.chunk_read_ahead = true;
    if (!args->tmp_dir)
        args->tmp_dir = default_tmp_dir();
}

/* Says on stderr how much was spilled, when something was. */
static void say_spilled(const struct report_args *args, const struct cube *cube)
{
    struct cube_spill_stats st = cube_spill_stats(cube);
    if (args->common.quiet || !st.runs)
        return;
    fprintf(stderr,
            "honeyscope: beyond --memory: %" PRIu64 " spills of %" PRIu64 " rows (%" PRIu64
            " MiB) to '%s', merged back\n",
            st.runs, st.rows, st.bytes >> 20, args->tmp_dir);
}

/*
 * Reads every file into cube as one stream (args->common.threads counting); fills
 * the report's file list (files[0..npaths) are the paths read, in order).
 * Returns 1 when some file failed.
 */
static int read_captures(struct report_args *args, char **paths, int npaths, struct cube *cube,
                         struct input_stats *total, struct report_file *files, size_t nfiles,
                         struct report_overlap **overlaps, size_t *noverlaps)
{
    struct aggregate_config config;
    struct progress progress;
    struct stream_file *got = xcalloc(npaths ? (size_t)npaths : 1, sizeof(*got));
    int failed = 0;

    progress_start(&progress, args->common.quiet, (size_t)npaths);
    memset(&config, 0, sizeof(config));
    config.clock = args->options.clock;
    /* Rows are kept by day under week and month bins: a period may start mid-month. */
    config.clock.unit = BIN_FIXED;
    config.flow = args->common.flow;
    config.evidence_buffers = args->evidence_buffers;
    config.sensors = &args->common.sensors;
    config.packets_read = &progress.packets;
    config.spilled_bytes = &progress.spilled;
    cube_meter_spills(cube, &progress.spilled);
    config.files_read = &progress.files_done;
    config.tick = read_tick;
    config.tick_ctx = &progress;
    config.cube_max_rows = args->cube_rows;
    config.evidence_bytes = memory_evidence_bytes(args->memory, args->common.threads);
    config.tmp_dir = args->tmp_dir;
    /* Overlapping captures are found from samples taken in this read (with
     * --skip-overlapping they were sampled before, to leave some out). */
    config.sample_packets = !args->common.skip_overlapping && npaths > 1;
    aggregate_stream((const char *const *)paths, (size_t)npaths, &config, args->common.threads,
                     cube, got, total);
    progress_end(&progress);
    cube_meter_spills(cube, NULL);
    if (config.sample_packets) {
        struct capture_sample **samples = xcalloc((size_t)npaths, sizeof(*samples));
        for (int i = 0; i < npaths; i++)
            samples[i] = got[i].sample;
        report_overlaps_free(*overlaps, *noverlaps);
        capture_overlaps_of_samples(samples, files, (size_t)npaths, overlaps, noverlaps);
        for (int i = 0; i < npaths; i++)
            free(got[i].sample);
        free(samples);
    }
    for (int i = 0; i < npaths; i++) {
        struct report_file *f = &files[i];
        f->packets = got[i].stats.packets;
        f->link_type = got[i].stats.link_type;
        memcpy(f->format, got[i].stats.format, sizeof(f->format));
        if (got[i].status != 0) {
            error("%s", got[i].error);
            f->error = xstrdup(got[i].error);
            failed = 1;
        }
    }
    free(got);
    /* Files are listed by name, as a store lists them, whatever the order given. */
    qsort(files, nfiles, sizeof(*files), compare_files);
    return failed;
}

/*
 * Writes the report to stdout, or to -o FILE whole or not at all
 * (output_open()).
 */
static int write_report(const struct report_args *args, const struct report *report)
{
    struct output out;
    if (output_open(&out, args->common.output) < 0)
        return -1;
    int ret = report_render(report, args->common.format, out.fp);
    if (output_close(&out, ret == 0) < 0)
        return error("cannot write the report to '%s'",
                     args->common.output ? args->common.output : "stdout");
    return 0;
}

int cmd_report(int argc, char **argv)
{
    struct report_args args;
    char err[1024], why[512];
    int status;

    memset(&args, 0, sizeof(args));
    naming_args_init(&args.naming);
    args.options.clock.width_s = 86400;
    args.options.top = 20;
    report_view_args_init(&args.common, default_threads());

    status = parse_args(&args, argc, argv);
    if (status >= 0)
        goto out;
    status = EXIT_FAILED;

    if (args.anonymize_key) {
        uint8_t key[CRYPTOPAN_KEY_BYTES];
        if (cryptopan_key_load(args.anonymize_key, key, err, sizeof(err)) < 0) {
            error("%s", err);
            goto out;
        }
        args.options.anonymizer = anonymizer_new(key);
        memset(key, 0, sizeof(key));
    }
    if (args.stored_group_count && !args.db) {
        status = usage_error("report",
                             "--group %s names a stored prefix set: give --db STORE "
                             "(or NAME=FILE)",
                             args.stored_groups[0]);
        goto out;
    }
    if (args.db) {
        /* Stored prefix sets, and the naming files the command line does not give. */
        struct store *groups_store = store_open(args.db, STORE_READ, err, sizeof(err));
        if (!groups_store) {
            error("%s", err);
            goto out;
        }
        for (size_t i = 0; i < args.stored_group_count; i++)
            if (stored_group_load(&args.naming, groups_store, "report", args.stored_groups[i]) <
                0) {
                store_close(groups_store);
                goto out;
            }
        int loaded = stored_naming_load(&args.naming, groups_store, "report");
        store_close(groups_store);
        if (loaded >= 0) {
            status = loaded;
            goto out;
        }
    }
    status = naming_finish(&args.naming, "report", true);
    if (status >= 0)
        goto out;
    status = report_view_check(&args.options, &args.naming, "report");
    if (status >= 0)
        goto out;
    status = EXIT_FAILED;

    plan_memory(&args);
    struct cube *cube = cube_new();
    cube_set_budget(cube, args.cube_rows, args.tmp_dir);
    /* A store's evidence is loaded, not counted: it has the evidence quarter to itself. */
    cube_set_evidence_bytes(cube, memory_evidence_bytes(args.memory, 1));
    struct input_stats total;
    struct report_file *report_files = NULL;
    struct stored_file *stored = NULL;
    struct report_overlap *overlaps = NULL;
    size_t overlap_count = 0;
    struct store_overlap *store_overlaps_of = NULL;
    size_t stored_overlap_count = 0;
    size_t file_count = 0;
    const char *detection = NULL;
    struct walk_result walked = {NULL, 0, 0, 0, 0, 0};
    struct store_history *history = NULL;
    int failed = 0;
    input_stats_init(&total);

    if (args.db) {
        if (args.common.sensors.count) {
            status = usage_error("report", "a store reports on the sensors it was made with: "
                                           "drop --sensor");
            goto out_cube;
        }
        struct store *store = store_open(args.db, STORE_READ, err, sizeof(err));
        if (store && (args.last_days || args.new_only)) {
            bool found = false;
            int64_t last_ns = 0;
            history = store_history_open(args.db, err, sizeof(err));
            if (!history || (args.last_days && store_history_last_packet(history, &found, &last_ns,
                                                                         err, sizeof(err)) < 0)) {
                error("%s", err);
                store_close(store);
                goto out_cube;
            }
            if (args.last_days && settle_last_days(&args, found, last_ns) < 0) {
                store_close(store);
                goto out_cube;
            }
        }
        int64_t from = args.options.has_from ? args.options.from_s : INT64_MIN;
        int64_t to = args.options.has_to ? args.options.to_s : INT64_MAX;
        /* The compared period is read too, wherever it lies. */
        if (args.options.has_compare) {
            if (args.options.compare_from_s < from)
                from = args.options.compare_from_s;
            if (args.options.compare_to_s > to)
                to = args.options.compare_to_s;
        }
        if (!store ||
            store_get_sensors(store, &args.common.sensors, why, sizeof(why), err, sizeof(err)) <
                0 ||
            store_load(store, from, to, cube, &total, &stored, &file_count, err, sizeof(err)) < 0 ||
            store_overlaps(store, ns_of(from), ns_of(to), &store_overlaps_of, &stored_overlap_count,
                           err, sizeof(err)) < 0) {
            error("%s", err);
            store_close(store);
            goto out_cube;
        }
        store_close(store);
        if (strcmp(why, "given") != 0)
            detection = why;
        if (args.new_only && (cube_spilled(cube) || evidence_table_spilled(cube_evidence(cube)))) {
            error("--new-only needs the period's rows in memory: give more --memory");
            goto out_cube;
        }
        if (args.new_only && cube_keep_new(&cube, history, args.options.from_s, args.cube_rows,
                                           args.tmp_dir, err, sizeof(err)) < 0) {
            error("%s", err);
            goto out_cube;
        }
        report_files = xcalloc(file_count ? file_count : 1, sizeof(*report_files));
        for (size_t i = 0; i < file_count; i++) {
            report_files[i].path = stored[i].path;
            memcpy(report_files[i].format, stored[i].format, sizeof(report_files[i].format));
            report_files[i].link_type = stored[i].link_type;
            report_files[i].packets = stored[i].packets;
            report_files[i].error = stored[i].error ? xstrdup(stored[i].error) : NULL;
            report_files[i].live = stored[i].live;
        }
        store_overlaps_listed(store_overlaps_of, stored_overlap_count, from, to, &overlaps,
                              &overlap_count);
    } else {
        int nfiles = 0;
        struct walk_period period = report_period(&args);
        walk_inputs(argv + optind, (size_t)(argc - optind), &period, args.common.quiet, &walked);
        failed |= walked.unreadable != 0;
        char **files =
            capture_list_distinct(walked.paths, walked.count, args.common.skip_overlapping, false,
                                  &nfiles, &report_files, &file_count, &overlaps, &overlap_count);
        if (args.common.sensors.count == 0) {
            detect_sensors(&args, files, nfiles, why, sizeof(why));
            detection = why;
            if (args.common.sensors.count == 0) {
                /* Still read and list every file: the report says why it is empty. */
                error("cannot tell the sensor: %s", why);
                failed = 1;
            } else if (!args.common.quiet) {
                fprintf(stderr, "honeyscope: sensor %s\n", why);
            }
        }
        failed |= read_captures(&args, files, nfiles, cube, &total, report_files, file_count,
                                &overlaps, &overlap_count);
        free(files);
        /* The captures' own end: known once they are read. */
        if (args.last_days && settle_last_days(&args, total.packets > 0, total.last_ns) < 0)
            goto out_cube;
    }

    if (cube_error(cube)) {
        /* Rows could not be set aside: no report rather than a wrong one. */
        error("%s (choose another place with --tmp-dir, or more --memory)", cube_error(cube));
        status = EXIT_FAILED;
        goto out_cube;
    }
    say_spilled(&args, cube);
    struct report_input input = {
        .stats = &total,
        .files = report_files,
        .file_count = file_count,
        .sensors = &args.common.sensors,
        .sensor_detection = detection,
        .groups = args.naming.groups,
        .group_count = args.naming.group_count,
        .routing = naming_routing_latest(&args.naming),
        .routing_source = naming_routing_source(&args.naming),
        .cube = cube,
        .origins = &args.naming.origins,
        .asnames_source = args.naming.asnames_path,
        .overlaps = overlaps,
        .overlap_count = overlap_count,
    };
    struct report *report = report_view_build(&input, &args.options);
    if (report && cube_error(cube)) {
        /* Evidence set aside could not be read back: no report rather than a wrong one. */
        error("%s", cube_error(cube));
        report_free(report);
        report = NULL;
    }
    if (report && write_report(&args, report) == 0)
        status = failed ? EXIT_FAILED : EXIT_OK;
    report_free(report);
out_cube:
    for (size_t i = 0; report_files && i < file_count; i++) {
        free((char *)report_files[i].error);
        if (!args.db) {
            free((char *)report_files[i].path);
            free((char *)report_files[i].same_as);
            free((char *)report_files[i].overlaps_with);
        }
    }
    free(report_files);
    report_overlaps_free(overlaps, overlap_count);
    store_overlaps_free(store_overlaps_of, stored_overlap_count);
    walk_result_release(&walked);
    store_history_close(history);
    store_files_free(stored, stored ? file_count : 0);
    cube_free(cube);
out:
    anonymizer_free(args.options.anonymizer);
    naming_args_release(&args.naming);
    free(args.stored_groups);
    report_view_args_release(&args.common);
    return status;
}
