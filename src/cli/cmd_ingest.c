/*
 * honeyscope ingest: capture files into a store, incrementally and safely.
 *
 * A file already stored (same path, size and mtime) is skipped; a changed one
 * replaces its old contribution; a copy of a stored file under another name
 * is recognised by its fingerprint. Each file is committed in its own
 * transaction as soon as it is read, so Ctrl-C, SIGTERM or a crash costs only
 * the files still being read; the next ingest picks them up.
 *
 * The files of one ingest are read as one stream, merged by packet time, so
 * a conversation that crosses from one file into the next stays one flow,
 * as in a report from the captures (docs/store.md).
 */
#define _DEFAULT_SOURCE /* realpath() */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../aggregate/aggregate.h"
#include "../capture/capture.h"
#include "../common/xalloc.h"
#include "../store/store.h"
#include "cli.h"
#include "live.h"
#include "suggest.h"
#include "walk.h"
#include "watch.h"

static const char ingest_usage[] =
    "usage: honeyscope ingest --db STORE [options] CAPTURE|DIR...\n"
    "       honeyscope ingest --db STORE --live IFACE [options]\n"
    "\n"
    "Reads capture files into STORE (SQLite; created when missing), one\n"
    "transaction per file. Files already stored are skipped; changed files\n"
    "replace their old contribution. Report with 'honeyscope report --db STORE'.\n"
    "A directory is walked recursively (symbolic links followed, each directory\n"
    "once); its files are taken when their bytes are a capture, others are\n"
    "named on stderr as skipped.\n"
    "\n"
    "  --db STORE             the store (required)\n"
    "  --sensor CIDR          sensor address or prefix (repeatable); a store keeps\n"
    "                         the sensors of its first ingest, detected when not given\n"
    "  --threads N            threads counting (default: the cores); one reads,\n"
    "                         and one big file uses them all\n"
    "  --max-flows N          flows held at once per thread (default 1000000)\n"
    "  --memory SIZE          memory for the traffic rows, e.g. 512M, 2G (default\n"
    "                         512M); beyond it rows spill, sorted, to temporary\n"
    "                         files and are merged back when the file is stored\n"
    "  --tmp-dir DIR          where spilled rows go (default $TMPDIR, else /tmp)\n"
    "  --watch DIR            after the files given (DIR itself when none), keep\n"
    "                         watching DIR and the directories below it: a capture\n"
    "                         is stored when its writer closes it or it is moved\n"
    "                         in, until SIGINT or SIGTERM\n"
    "  --live IFACE           capture from interface IFACE instead of files, until\n"
    "                         SIGINT or SIGTERM (needs CAP_NET_RAW); the store\n"
    "                         lists it as live:IFACE@START\n"
    "  --filter BPF           with --live: capture only what the filter passes\n"
    "                         (tcpdump syntax, e.g. 'not port 22')\n"
    "  --commit-every S       with --live: commit every S seconds (default 60), or\n"
    "                         sooner when 200,000 rows wait; open flows carry over\n"
    "  -q, --quiet            no progress or per-file notes on stderr\n"
    "\n"
    "Exit status: 0 success, 1 some files could not be read or stored (the rest\n"
    "are), or the interface cannot be captured on, 2 usage error, 130/143\n"
    "interrupted by SIGINT/SIGTERM after committing the files already read (the\n"
    "way --watch ends). --live ends with 0 on SIGINT/SIGTERM, all it captured\n"
    "committed.\n";

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

struct ingest_job {
    struct store *store;
    struct file_identity *ids;
    int64_t *replace;
    struct progress *progress;
    bool quiet;
    uint64_t stored, packets, failed, interrupted;
    int store_failed;
};

static int store_result(void *ctx, struct file_result *r)
{
    struct ingest_job *job = ctx;
    char err[1024];
    job->progress->files_done++;
    if (r->status == AGGREGATE_INTERRUPTED) {
        job->interrupted++;
        return 0;
    }
    if (r->status != 0) {
        if (job->progress->on)
            fputc('\n', stderr);
        error("%s", r->error);
        job->failed++;
    }
    if (cube_error(r->cube)) {
        /* Rows could not be set aside: nothing of the file rather than part of it. */
        error("'%s' not stored: %s (choose another place with --tmp-dir, or more --memory)",
              job->ids[r->index].path, cube_error(r->cube));
        job->failed++;
        return 0;
    }
    if (store_put_file(job->store, &job->ids[r->index], &r->stats, r->status ? r->error : NULL,
                       r->cube, job->replace[r->index], err, sizeof(err)) < 0) {
        if (job->progress->on)
            fputc('\n', stderr);
        error("%s", err);
        job->store_failed = 1;
        return 1; /* a store that cannot be written: stop, keep what is committed */
    }
    job->stored++;
    job->packets += r->stats.packets;
    progress_tick(job->progress);
    return 0;
}

static void ingest_tick(void *ctx)
{
    progress_tick(((struct ingest_job *)ctx)->progress);
}

/* Settles the sensors: the store's, the user's, or detected. Returns 0 or -1. */
static int settle_sensors(struct store *store, struct sensor_set *given, char **paths,
                          size_t npaths, bool quiet)
{
    struct sensor_set stored;
    char how[512], err[1024];
    sensor_set_init(&stored);
    if (store_get_sensors(store, &stored, how, sizeof(how), err, sizeof(err)) < 0) {
        sensor_set_release(&stored);
        return error("%s", err);
    }
    if (stored.count) {
        bool ok = given->count == 0 || sensor_set_equal(given, &stored);
        if (ok && given->count == 0) {
            for (size_t i = 0; i < stored.count; i++)
                sensor_set_add(given, &stored.prefixes[i]);
        }
        sensor_set_release(&stored);
        if (!ok)
            return error("the store was made with other sensor addresses; give the same "
                         "--sensor, or none, or use another store");
        return 0;
    }
    sensor_set_release(&stored);
    const char *source = "given";
    if (given->count == 0) {
        aggregate_detect_sensors((const char *const *)paths, npaths, given, how, sizeof(how));
        if (given->count == 0)
            return error("cannot tell the sensor: %s", how);
        if (!quiet)
            fprintf(stderr, "honeyscope: sensor %s\n", how);
        source = how;
    }
    if (store_set_sensors(store, given, source, err, sizeof(err)) < 0)
        return error("%s", err);
    return 0;
}

/* What every batch of one ingest is read with. */
struct ingest_setup {
    struct store *store;
    struct sensor_set *sensors;
    struct flow_config flow;
    unsigned threads;
    uint64_t memory;
    const char *tmp_dir;
    bool quiet;
};

/*
 * Reads paths into the store as one run (files continue each other), after
 * unreadable files were already counted. Returns the exit status.
 */
static int ingest_batch(const struct ingest_setup *setup, char **paths, size_t npaths,
                        uint64_t unreadable)
{
    bool quiet = setup->quiet;
    char err[1024];
    int status;
    /* Decide, file by file, what there is to do. */
    size_t slots = npaths ? npaths : 1;
    struct file_identity *ids = xcalloc(slots, sizeof(*ids));
    int64_t *replace = xcalloc(slots, sizeof(*replace));
    char **work = xcalloc(slots, sizeof(*work));
    struct file_identity *work_ids = xcalloc(slots, sizeof(*work_ids));
    int64_t *work_replace = xcalloc(slots, sizeof(*work_replace));
    size_t *same_as = xcalloc(slots, sizeof(*same_as));
    size_t nwork = 0;
    uint64_t skipped = 0;
    store_find_copies((const char *const *)paths, npaths, ids, same_as);
    for (size_t i = 0; i < npaths; i++) {
        enum store_presence presence;
        char other[4096];
        if (!ids[i].path[0] && store_identify(paths[i], &ids[i], err, sizeof(err)) < 0) {
            error("%s", err);
            unreadable++;
            continue;
        }
        if (same_as[i] != STORE_NOT_A_COPY) {
            skipped++;
            if (!quiet)
                fprintf(stderr, "honeyscope: '%s' has the same content as '%s': read once\n",
                        paths[i], paths[same_as[i]]);
            continue;
        }
        if (store_presence(setup->store, &ids[i], &replace[i], other, sizeof(other), &presence) <
            0) {
            error("cannot look up '%s' in the store", paths[i]);
            unreadable++;
            continue;
        }
        if (presence == STORE_SAME || presence == STORE_DUPLICATE) {
            skipped++;
            if (!quiet && presence == STORE_SAME)
                fprintf(stderr, "honeyscope: '%s' is already stored\n", paths[i]);
            else if (!quiet)
                fprintf(stderr, "honeyscope: '%s' has the same content as '%s', already stored\n",
                        paths[i], other);
            continue;
        }
        if (!quiet && presence == STORE_CHANGED)
            fprintf(stderr, "honeyscope: '%s' changed since it was stored: replacing it\n",
                    paths[i]);
        work[nwork] = paths[i];
        work_ids[nwork] = ids[i];
        work_replace[nwork] = presence == STORE_CHANGED ? replace[i] : 0;
        nwork++;
    }

    struct progress progress;
    struct aggregate_config config;
    struct ingest_job job = {setup->store, work_ids, work_replace, &progress, quiet, 0, 0, 0, 0, 0};
    memset(&config, 0, sizeof(config));
    config.clock.width_s = STORE_BIN_SECONDS;
    config.clock.offset_s = 0;
    config.flow = setup->flow;
    config.sensors = setup->sensors;
    config.packets_read = &progress.packets;
    config.stop = &stop_signal;
    config.tick = ingest_tick;
    config.tick_ctx = &job;
    /* Each thread's file being counted and each file waiting to be stored. */
    config.cube_max_rows = memory_cube_rows(setup->memory, 2 * (uint64_t)setup->threads);
    config.tmp_dir = setup->tmp_dir;
    progress_start(&progress, quiet, nwork);
    aggregate_stream_files((const char *const *)work, nwork, &config, setup->threads, store_result,
                           &job);
    progress_end(&progress);

    if (!quiet)
        fprintf(stderr,
                "honeyscope: stored %" PRIu64 " file%s (%" PRIu64 " packets), %" PRIu64
                " already stored, %" PRIu64 " failed\n",
                job.stored, job.stored == 1 ? "" : "s", job.packets, skipped,
                job.failed + unreadable);
    if (stop_signal) {
        error("interrupted: %" PRIu64 " files stored, %zu left for the next ingest", job.stored,
              nwork - (size_t)job.stored);
        status = 128 + stop_signal;
    } else if (job.store_failed || job.failed || unreadable) {
        status = EXIT_FAILED;
    } else {
        status = EXIT_OK;
    }
    free(ids);
    free(same_as);
    free(replace);
    free(work);
    free(work_ids);
    free(work_replace);
    return status;
}

struct watch_job {
    const struct ingest_setup *setup;
    int status; /* the worst so far: 1 once a file failed */
};

/*
 * watch_directory()'s hand-over: the captures among paths, as one ingest.
 * Files that are not captures (a sensor's logs beside its captures) are
 * passed over with a note, as in a directory named on the command line.
 */
static int ingest_watched(void *ctx, char **paths, size_t count)
{
    struct watch_job *job = ctx;
    char **captures = xcalloc(count, sizeof(*captures));
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        char err[1024];
        struct capture_file *file = capture_open(paths[i], err, sizeof(err));
        if (file)
            captures[n++] = paths[i];
        else if (!job->setup->quiet)
            fprintf(stderr, "honeyscope: skipped: %s\n", err);
        capture_close(file);
    }
    if (n) {
        int status = ingest_batch(job->setup, captures, n, 0);
        if (status == EXIT_FAILED)
            job->status = EXIT_FAILED;
    }
    free(captures);
    return 0;
}

/*
 * Ingests what appears in dir until SIGINT or SIGTERM, each wake-up's files
 * as one run. Returns the exit status.
 */
static int watch_and_ingest(const struct ingest_setup *setup, const char *dir, const char *db,
                            int status)
{
    char store_path[PATH_MAX], err[1024];
    struct watch_job job = {setup, status == EXIT_OK ? EXIT_OK : EXIT_FAILED};
    if (!realpath(db, store_path))
        store_path[0] = '\0';
    if (!setup->quiet)
        fprintf(stderr, "honeyscope: watching '%s' for captures (Ctrl-C to stop)\n", dir);
    if (watch_directory(dir, store_path[0] ? store_path : NULL, &stop_signal, ingest_watched, &job,
                        err, sizeof(err)) < 0) {
        error("%s", err);
        return EXIT_FAILED;
    }
    return stop_signal ? 128 + stop_signal : job.status;
}

/* ingest --live: the store, its sensors, then the capture. Returns the exit status. */
static int ingest_live_into(const char *db, struct sensor_set *sensors, struct flow_config flow,
                            const char *interface, const char *filter, unsigned commit_every,
                            uint64_t memory, const char *tmp_dir, bool quiet)
{
    char err[1024], how[512];
    struct store *store = store_open(db, STORE_WRITE, err, sizeof(err));
    if (!store) {
        sensor_set_release(sensors);
        error("%s", err);
        return EXIT_FAILED;
    }
    int status = EXIT_FAILED;
    struct sensor_set stored;
    sensor_set_init(&stored);
    /* Detection samples files: a live capture on a new store is told its sensors. */
    if (sensors->count == 0 &&
        (store_get_sensors(store, &stored, how, sizeof(how), err, sizeof(err)) < 0 ||
         stored.count == 0)) {
        error("--live on a store without sensor addresses: give --sensor CIDR");
    } else if (settle_sensors(store, sensors, NULL, 0, quiet) == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal; /* no SA_RESTART: the wait for packets ends at once */
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        struct live_setup setup = {store,     sensors, flow,
                                   interface, filter,  commit_every ? commit_every : 60,
                                   memory,    tmp_dir, quiet};
        status = ingest_live(&setup, &stop_signal);
    }
    sensor_set_release(&stored);
    store_close(store);
    sensor_set_release(sensors);
    return status;
}

int cmd_ingest(int argc, char **argv)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},
        {"sensor", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 't'},
        {"max-flows", required_argument, NULL, 'm'},
        {"memory", required_argument, NULL, 'M'},
        {"tmp-dir", required_argument, NULL, 'T'},
        {"watch", required_argument, NULL, 'W'},
        {"quiet", no_argument, NULL, 'q'},
        {"live", required_argument, NULL, 'L'},
        {"filter", required_argument, NULL, 'F'},
        {"commit-every", required_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *live = NULL, *filter = NULL;
    unsigned commit_every = 0;
    const char *db = NULL;
    struct sensor_set sensors;
    struct flow_config flow;
    unsigned threads = default_threads();
    uint64_t memory = 0;
    const char *tmp_dir = default_tmp_dir();
    const char *watch = NULL;
    bool quiet = false;
    uint64_t n;
    int c, status = EXIT_FAILED;

    sensor_set_init(&sensors);
    flow_config_default(&flow);
    while ((c = getopt_long(argc, argv, "qh", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 's': {
            struct ip_prefix prefix;
            const char *why = "";
            if (prefix_parse(&prefix, optarg, &why) < 0) {
                sensor_set_release(&sensors);
                return usage_error("ingest", "--sensor '%s': %s", optarg, why);
            }
            sensor_set_add(&sensors, &prefix);
            break;
        }
        case 't':
            if (parse_u64(optarg, 1, 64, &n) < 0) {
                sensor_set_release(&sensors);
                return usage_error("ingest", "--threads takes a number from 1 to 64");
            }
            threads = (unsigned)n;
            break;
        case 'm':
            if (parse_u64(optarg, 16, 1000000000, &n) < 0) {
                sensor_set_release(&sensors);
                return usage_error("ingest", "--max-flows takes a number from 16");
            }
            flow.max_flows = (size_t)n;
            break;
        case 'M':
            if (parse_size(optarg, &memory) < 0 || memory < (UINT64_C(1) << 16)) {
                sensor_set_release(&sensors);
                return usage_error("ingest",
                                   "--memory takes a size of 64K or more, e.g. 512M "
                                   "or 2G, not '%s'",
                                   optarg);
            }
            break;
        case 'T':
            tmp_dir = optarg;
            break;
        case 'W':
            watch = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case 'L':
            live = optarg;
            break;
        case 'F':
            filter = optarg;
            break;
        case 'C':
            if (parse_u64(optarg, 1, 86400, &n) < 0) {
                sensor_set_release(&sensors);
                return usage_error("ingest", "--commit-every takes seconds, from 1 to 86400");
            }
            commit_every = (unsigned)n;
            break;
        case 'h':
            sensor_set_release(&sensors);
            fputs(ingest_usage, stdout);
            return EXIT_OK;
        default:
            sensor_set_release(&sensors);
            return unknown_option("ingest", options, argv);
        }
    }
    const char *live_problem = NULL;
    if (live && optind < argc)
        live_problem = "--live reads an interface: give no capture files";
    else if (live && watch)
        live_problem = "--live and --watch do not go together";
    else if (!live && (filter || commit_every))
        live_problem = "--filter and --commit-every go with --live";
    else if (live && !live[0])
        live_problem = "--live takes an interface name";
    if (live_problem) {
        sensor_set_release(&sensors);
        return usage_error("ingest", "%s", live_problem);
    }
    if (db && live)
        return ingest_live_into(db, &sensors, flow, live, filter, commit_every, memory, tmp_dir,
                                quiet);
    if (!db || (optind >= argc && !watch)) {
        sensor_set_release(&sensors);
        return usage_error("ingest", db ? "no capture files given" : "--db STORE is required");
    }
    char watch_dir[PATH_MAX];
    if (watch && !realpath(watch, watch_dir)) {
        sensor_set_release(&sensors);
        return usage_error("ingest", "--watch '%s': %s", watch, strerror(errno));
    }
    struct walk_result walked;
    if (watch && optind >= argc) {
        char *dir_only[] = {watch_dir};
        walk_inputs(dir_only, 1, NULL, quiet, &walked);
    } else {
        walk_inputs(argv + optind, (size_t)(argc - optind), NULL, quiet, &walked);
    }
    char **paths = walked.paths;
    size_t npaths = walked.count;
    char err[1024];

    struct store *store = store_open(db, STORE_WRITE, err, sizeof(err));
    if (!store) {
        sensor_set_release(&sensors);
        walk_result_release(&walked);
        error("%s", err);
        return EXIT_FAILED;
    }
    if (settle_sensors(store, &sensors, paths, npaths, quiet) < 0)
        goto out;

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    struct ingest_setup setup = {store, &sensors, flow, threads, memory, tmp_dir, quiet};
    status = ingest_batch(&setup, paths, npaths, walked.unreadable);
    if (watch && !stop_signal)
        status = watch_and_ingest(&setup, watch_dir, db, status);
out:
    store_close(store);
    sensor_set_release(&sensors);
    walk_result_release(&walked);
    return status;
}
