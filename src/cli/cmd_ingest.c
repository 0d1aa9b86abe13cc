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
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../aggregate/aggregate.h"
#include "../capture/capture.h"
#include "../common/xalloc.h"
#include "../store/store.h"
#include "cli.h"
#include "collect.h"
#include "ingest_options.h"
#include "inputs.h"
#include "live.h"
#include "sensors.h"
#include "suggest.h"
#include "walk.h"
#include "watch.h"

static const char ingest_usage[] =
    "usage: honeyscope ingest --db STORE [options] CAPTURE|DIR...\n"
    "       honeyscope ingest --db STORE --live IFACE [options]\n"
    "\n"
    "Reads capture files, and Zeek conn.logs (flows: docs/flows.md), into STORE\n"
    "(SQLite; created when missing), one transaction per file. Files already\n"
    "stored are skipped; changed files replace their old contribution. Report\n"
    "with 'honeyscope report --db STORE'. A directory is walked recursively\n"
    "(symbolic links followed, each directory once); its files are taken when\n"
    "their bytes are a capture or a conn.log, others are named on stderr as\n"
    "skipped. Flow records that start inside a stored capture's span are left\n"
    "out: the capture has that traffic.\n"
    "\n"
    "  --db STORE             the store (required)\n"
    "  --sensor CIDR          sensor address or prefix (repeatable); a store keeps\n"
    "                         the sensors of its first ingest, detected when not given\n"
    "  --threads N            threads counting (default: the cores); one reads,\n"
    "                         one more writes the store, and one big file uses\n"
    "                         them all\n"
    "  --max-flows N          flows held at once per thread (default: what its\n"
    "                         share of --memory holds, at least 65536, which many\n"
    "                         threads under a small --memory pass; given, it is\n"
    "                         held beyond --memory)\n"
    "  --memory SIZE          memory for the traffic rows, evidence, flows and parse\n"
    "                         buffers, e.g. 512M, 2G (default 128M); beyond it rows\n"
    "                         and evidence spill, sorted, to temporary files and\n"
    "                         are merged back when the file is stored\n"
    "  --tmp-dir DIR          where spilled rows go (default $TMPDIR, else /tmp)\n"
    "  --watch DIR            after the files given (DIR itself when none), keep\n"
    "                         watching DIR and the directories below it: a capture\n"
    "                         is stored when its writer closes it or it is moved\n"
    "                         in, until SIGINT or SIGTERM\n"
    "  --collect HOST:PORT    instead of files, receive NetFlow v5, v9 and IPFIX\n"
    "                         export datagrams over UDP (e.g. 0.0.0.0:4739) and\n"
    "                         store them until SIGINT or SIGTERM (docs/flows.md);\n"
    "                         needs --sensor or a store that has its sensors\n"
    "  --collect-from CIDR    with --collect: read only exporters in CIDR\n"
    "                         (repeatable); others are counted and dropped\n"
    "  --live IFACE           capture from interface IFACE instead of files, until\n"
    "                         SIGINT or SIGTERM (needs CAP_NET_RAW); the store\n"
    "                         lists it as live:IFACE@START\n"
    "  --filter BPF           with --live: capture only what the filter passes\n"
    "                         (tcpdump syntax, e.g. 'not port 22')\n"
    "  --commit-every SECONDS\n"
    "                         with --collect or --live: store what came every\n"
    "                         SECONDS (default 60), and at SIGINT or SIGTERM;\n"
    "                         --live commits sooner when 200,000 rows wait, and\n"
    "                         open flows carry over\n"
    "  --skip-overlapping     store no capture that holds packets of one stored\n"
    "                         before or of an earlier one of the run (a capture\n"
    "                         and its own splits); without it both are stored and\n"
    "                         the overlap is named on stderr and in reports\n"
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
    char **paths; /* as given, for messages */
    struct file_identity *ids;
    int64_t *replace;
    struct progress *progress;
    bool quiet;
    uint64_t stored, packets, failed, interrupted;
    struct cube_spill_stats spilled; /* of the files stored */
    int store_failed;
    /*
     * Held by store_result(), which runs in the stream's writer thread, while
     * the reading thread's progress lines wait or are left out.
     */
    pthread_mutex_t lock;
};

/* "2009-02-01T00:00:50Z": an overlap's ends, as ingest names them. */
static void utc_time(int64_t ns, char *buf, size_t len)
{
    time_t t = (time_t)(ns / 1000000000 - (ns % 1000000000 < 0));
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void say_overlap(const char *later, const char *earlier, const struct capture_overlap *o,
                        bool skipped)
{
    char a[32], b[32];
    utc_time(o->first_ns, a, sizeof(a));
    utc_time(o->last_ns, b, sizeof(b));
    fprintf(stderr,
            "honeyscope: warning: '%s' holds packets of '%s' (%.1f%% of its sampled packets; the "
            "two overlap from %s to %s): %s\n",
            later, earlier, o->share, a, b,
            skipped ? "skipped (--skip-overlapping)"
                    : "both stored (--skip-overlapping would store the earlier only)");
}

static int store_file(struct ingest_job *job, struct file_result *r);

static int store_result(void *ctx, struct file_result *r)
{
    struct ingest_job *job = ctx;
    pthread_mutex_lock(&job->lock);
    int ret = store_file(job, r);
    pthread_mutex_unlock(&job->lock);
    return ret;
}

static int store_file(struct ingest_job *job, struct file_result *r)
{
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
    if (r->sample) {
        /* Sampled in this read: whatever is stored (earlier files of the run too) came first. */
        struct capture_overlap o;
        bool found = false;
        char other[4096];
        job->ids[r->index].sample = r->sample;
        if (store_find_overlap(job->store, r->sample, job->ids[r->index].path, other, sizeof(other),
                               &o, &found, err, sizeof(err)) < 0)
            error("%s", err);
        else if (found)
            say_overlap(job->paths[r->index], other, &o, false);
    }
    if (store_put_file(job->store, &job->ids[r->index], &r->stats, r->status ? r->error : NULL,
                       r->cube, r->sorted, job->replace[r->index], err, sizeof(err)) < 0) {
        if (job->progress->on)
            fputc('\n', stderr);
        error("%s", err);
        job->store_failed = 1;
        return 1; /* a store that cannot be written: stop, keep what is committed */
    }
    job->stored++;
    job->packets += r->stats.packets;
    struct cube_spill_stats spilled = cube_spill_stats(r->cube);
    job->spilled.runs += spilled.runs;
    job->spilled.rows += spilled.rows;
    job->spilled.bytes += spilled.bytes;
    if (r->stats.evidence_dropped || r->stats.evidence_skipped) {
        /* Said as the file is stored, as report says it (capture_file keeps the counts). */
        if (job->progress->on)
            fputc('\n', stderr);
        fprintf(
            stderr,
            "%s: warning: '%s': evidence stored incomplete: %" PRIu64
            " counted past the memory of its table (more --memory keeps more), not kept; %" PRIu64
            " conversation sides not parsed (every parse buffer in use)\n",
            program_name, job->paths[r->index], r->stats.evidence_dropped,
            r->stats.evidence_skipped);
    }
    progress_tick(job->progress);
    return 0;
}

/* A progress line from the reading thread; none while a file is stored, which draws its own. */
static void ingest_tick(void *ctx)
{
    struct ingest_job *job = ctx;
    if (pthread_mutex_trylock(&job->lock) != 0)
        return;
    progress_tick(job->progress);
    pthread_mutex_unlock(&job->lock);
}

/*
 * Flow logs stored before captures of the same time share traffic with
 * them: says so, with the remedy (docs/flows.md).
 */
static void warn_overlapped(struct store *store, bool quiet)
{
    uint64_t n = 0;
    char err[1024];
    if (store_flow_logs_overlapped(store, &n, err, sizeof(err)) < 0)
        error("%s", err);
    else if (n && !quiet)
        fprintf(stderr,
                "honeyscope: %" PRIu64 " flow log%s stored before captures of the same time: "
                "the traffic they share counts twice until they are forgotten and ingested "
                "again\n",
                n, n == 1 ? " was" : "s were");
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
    bool skip_overlapping; /* --skip-overlapping */
};

/*
 * The captures of work[0..*nwork) that hold packets of one stored before or
 * of an earlier one of the run (capture_overlaps_find()'s rule), each named
 * on stderr; with --skip-overlapping they leave the work. Each file left is
 * given its sample to store (samples[i], freed by the caller). Returns how
 * many were skipped.
 */
static uint64_t find_overlapping(const struct ingest_setup *setup, char **work,
                                 struct file_identity *work_ids, int64_t *work_replace,
                                 size_t *nwork, struct capture_sample **samples)
{
    size_t n = *nwork;
    bool *skipped = xcalloc(n ? n : 1, sizeof(*skipped));
    char other[4096], err[1024];
    uint64_t count = 0;
    /* Whatever is stored came first. */
    for (size_t i = 0; i < n; i++) {
        struct capture_overlap o;
        bool found = false;
        if (!samples[i])
            continue;
        if (store_find_overlap(setup->store, samples[i], work_ids[i].path, other, sizeof(other), &o,
                               &found, err, sizeof(err)) < 0) {
            error("%s", err);
            continue;
        }
        if (!found)
            continue;
        skipped[i] = setup->skip_overlapping;
        say_overlap(work[i], other, &o, skipped[i]);
    }
    struct input_overlap *found;
    size_t nfound = capture_overlaps_find(samples, n, setup->skip_overlapping, skipped, &found);
    for (size_t f = 0; f < nfound; f++)
        say_overlap(work[found[f].later], work[found[f].earlier], &found[f].overlap,
                    skipped[found[f].later]);
    free(found);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (skipped[i]) {
            count++;
            continue;
        }
        work[kept] = work[i];
        work_ids[kept] = work_ids[i];
        work_ids[kept].sample = samples[i];
        work_replace[kept] = work_replace[i];
        kept++;
    }
    *nwork = kept;
    free(skipped);
    return count;
}

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
    store_find_copies((const char *const *)paths, npaths, ids, same_as, setup->threads);
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

    /*
     * Holding packets of another capture is only known from the packets: with
     * --skip-overlapping a sampling read first, to leave the later ones out;
     * otherwise the samples are taken as the files are counted, and each
     * file is compared with what is stored when it is stored.
     */
    size_t sampled = setup->skip_overlapping ? nwork : 0;
    struct capture_sample **samples =
        setup->skip_overlapping ? capture_samples_take((const char *const *)work, nwork) : NULL;
    uint64_t overlapping =
        samples ? find_overlapping(setup, work, work_ids, work_replace, &nwork, samples) : 0;

    struct progress progress;
    struct aggregate_config config;
    struct ingest_job job = {.store = setup->store,
                             .paths = work,
                             .ids = work_ids,
                             .replace = work_replace,
                             .progress = &progress,
                             .quiet = quiet,
                             .lock = PTHREAD_MUTEX_INITIALIZER};
    memset(&config, 0, sizeof(config));
    config.clock.width_s = STORE_BIN_SECONDS;
    config.clock.offset_s = 0;
    config.flow = setup->flow;
    config.sensors = setup->sensors;
    config.sample_packets = !setup->skip_overlapping;
    config.packets_read = &progress.packets;
    config.spilled_bytes = &progress.spilled;
    config.stop = &stop_signal;
    config.tick = ingest_tick;
    config.tick_ctx = &job;
    /*
     * Each thread's file being counted, and each file settled: one waits for
     * the writer thread while it stores another, so one thread has three.
     */
    uint64_t cubes = 2 * (uint64_t)setup->threads < 3 ? 3 : 2 * (uint64_t)setup->threads;
    config.cube_max_rows = memory_cube_rows(setup->memory, cubes);
    config.evidence_bytes = memory_evidence_bytes(setup->memory, cubes);
    memory_plan_counting(setup->memory, setup->threads, &config.flow, &config.evidence_buffers);
    config.tmp_dir = setup->tmp_dir;
    /* Rows reach the store sorted in its key order, by the threads that counted them. */
    config.row_order = store_row_order;
    config.sort_rows = store_sort_pointers;
    /* Flow records in the span of a capture already stored are that capture's traffic. */
    struct time_spans covered;
    time_spans_init(&covered);
    if (store_capture_spans(setup->store, &covered, err, sizeof(err)) < 0) {
        error("%s", err);
        unreadable++;
    }
    config.covered = &covered;
    progress_start(&progress, quiet, nwork);
    aggregate_stream_files((const char *const *)work, nwork, &config, setup->threads, store_result,
                           &job);
    progress_end(&progress);
    pthread_mutex_destroy(&job.lock);
    time_spans_release(&covered);
    warn_overlapped(setup->store, quiet);

    if (!quiet)
        fprintf(stderr,
                "honeyscope: stored %" PRIu64 " file%s (%" PRIu64 " packets), %" PRIu64
                " already stored, %" PRIu64 " failed",
                job.stored, job.stored == 1 ? "" : "s", job.packets, skipped,
                job.failed + unreadable);
    if (!quiet)
        fprintf(stderr, overlapping ? ", %" PRIu64 " overlapping skipped\n" : "\n", overlapping);
    if (!quiet && job.spilled.runs)
        fprintf(stderr,
                "honeyscope: beyond --memory: %" PRIu64 " spills of %" PRIu64 " rows (%" PRIu64
                " MiB) to '%s', merged back as each file was stored\n",
                job.spilled.runs, job.spilled.rows, job.spilled.bytes >> 20, setup->tmp_dir);
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
    capture_samples_free(samples, sampled);
    return status;
}

/* ---- collecting (--collect) ---------------------------------------------------------- */

struct collect_job {
    const struct ingest_setup *setup;
    const char *listen;
    uint64_t intervals, records, serial;
    int status;
};

struct interval_count {
    struct cube *cube;
    const struct aggregate_config *config;
    const struct time_spans *covered;
    struct input_stats *stats;
};

static void count_flow(void *ctx, const struct flow_record *record)
{
    struct interval_count *ic = ctx;
    aggregate_flow_record(ic->cube, ic->config, record, ic->covered, ic->stats);
}

/* The collector's hand-over: the interval's flows, paired, as one stored "file". */
static int store_interval(void *ctx, const struct collect_interval *in)
{
    struct collect_job *job = ctx;
    const struct ingest_setup *setup = job->setup;
    char err[1024];
    struct aggregate_config config;
    memset(&config, 0, sizeof(config));
    config.clock.width_s = STORE_BIN_SECONDS;
    config.flow = setup->flow;
    config.sensors = setup->sensors;
    struct time_spans covered;
    time_spans_init(&covered);
    if (store_capture_spans(setup->store, &covered, err, sizeof(err)) < 0) {
        error("%s", err);
        job->status = EXIT_FAILED;
    }
    struct input_stats stats;
    input_stats_init(&stats);
    stats.files = 1;
    static const char *const formats[8] = {"netflow", "netflow-v5", "netflow-v9", "netflow",
                                           "ipfix",   "netflow",    "netflow",    "netflow"};
    snprintf(stats.format, sizeof(stats.format), "%s", formats[in->versions & 7]);
    const struct netflow_stats *ns = &in->stats;
    stats.export_datagrams = ns->datagrams + in->refused;
    stats.export_lost_packets = ns->lost_packets;
    stats.export_lost_records = ns->lost_records;
    stats.export_skipped = in->refused + ns->malformed + ns->unsupported + ns->unknown_template +
                           ns->records_bad + ns->templates_bad + ns->templates_refused +
                           ns->exporters_refused;
    stats.sampling_interval = ns->sampling_interval;
    struct cube *cube = cube_new();
    struct interval_count ic = {cube, &config, &covered, &stats};
    /* Pairing sorts the records: a copy, as the interval is the collector's. */
    struct netflow_record *records = xcalloc(in->count ? in->count : 1, sizeof(*records));
    if (in->count)
        memcpy(records, in->records, in->count * sizeof(*records));
    netflow_pair(records, in->count, count_flow, &ic);
    free(records);
    time_spans_release(&covered);

    struct file_identity id;
    memset(&id, 0, sizeof(id));
    time_t start = (time_t)(in->start_ns / 1000000000);
    struct tm tm;
    char when[32];
    gmtime_r(&start, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    /* One name per interval: where it was received and when it began. */
    snprintf(id.path, sizeof(id.path), "udp://%s/%s.%09" PRId64, job->listen, when,
             in->start_ns % 1000000000);
    id.size = (int64_t)in->stats.datagrams;
    id.mtime_ns = in->end_ns;
    snprintf(id.fingerprint, sizeof(id.fingerprint), "%016" PRIx64 "%016" PRIx64,
             (uint64_t)in->start_ns, (uint64_t)getpid() << 32 | (job->serial++ & 0xffffffffu));
    int ret = 0;
    if (store_put_file(setup->store, &id, &stats, NULL, cube, NULL, 0, err, sizeof(err)) < 0) {
        error("%s", err);
        job->status = EXIT_FAILED;
        ret = 1;
    } else {
        job->intervals++;
        job->records += stats.flow_records;
        if (!setup->quiet)
            fprintf(stderr,
                    "honeyscope: stored %s: %" PRIu64 " datagrams, %" PRIu64 " flows, %" PRIu64
                    " skipped, lost %" PRIu64 " export packets and %" PRIu64 " records%s\n",
                    id.path, stats.export_datagrams, stats.flows.flows, stats.export_skipped,
                    stats.export_lost_packets, stats.export_lost_records,
                    stats.sampling_interval ? " (sampled)" : "");
    }
    cube_free(cube);
    return ret;
}

static int collect_and_ingest(const struct ingest_setup *setup, const char *listen,
                              const struct sensor_set *from, unsigned commit_every)
{
    char err[1024];
    struct collect_job job = {setup, listen, 0, 0, 0, EXIT_OK};
    struct collect_config config = {listen, from, commit_every, &stop_signal, setup->quiet};
    if (collect_flows(&config, store_interval, &job, err, sizeof(err)) < 0) {
        error("%s", err);
        return EXIT_FAILED;
    }
    return stop_signal && job.status == EXIT_OK ? 128 + stop_signal : job.status;
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
        if (file || aggregate_is_flowlog(paths[i]))
            captures[n++] = paths[i];
        else if (!job->setup->quiet)
            fprintf(stderr, "honeyscope: skipped: %s, nor a Zeek conn.log\n", err);
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
        INGEST_LONG_OPTIONS,
        {"memory", required_argument, NULL, 'M'},
        {"tmp-dir", required_argument, NULL, 'T'},
        {"watch", required_argument, NULL, 'W'},
        {"collect", required_argument, NULL, 'C'},
        {"collect-from", required_argument, NULL, 'F'},
        {"commit-every", required_argument, NULL, 'E'},
        {"live", required_argument, NULL, 'L'},
        {"filter", required_argument, NULL, 'B'},
        {"skip-overlapping", no_argument, NULL, 'O'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *live = NULL, *filter = NULL;
    struct ingest_options in;
    uint64_t memory = 0;
    const char *tmp_dir = default_tmp_dir();
    const char *watch = NULL, *collect = NULL;
    struct sensor_set collect_from;
    unsigned commit_every = 0; /* not given: 60 */
    bool skip_overlapping = false;
    uint64_t n;
    int c, status = EXIT_FAILED;

    ingest_options_init(&in, default_threads());
    sensor_set_init(&collect_from);
    while ((c = getopt_long(argc, argv, "qh", options, NULL)) != -1) {
        int shared_status;
        if (ingest_option(&in, "ingest", c, optarg, &shared_status)) {
            if (shared_status >= 0) {
                ingest_options_release(&in);
                sensor_set_release(&collect_from);
                return shared_status;
            }
            continue;
        }
        switch (c) {
        case 'M':
            if (parse_size(optarg, &memory) < 0 || memory < (UINT64_C(1) << 16)) {
                ingest_options_release(&in);
                sensor_set_release(&collect_from);
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
        case 'C':
            collect = optarg;
            break;
        case 'F': {
            struct ip_prefix prefix;
            const char *why = "";
            if (prefix_parse(&prefix, optarg, &why) < 0) {
                ingest_options_release(&in);
                sensor_set_release(&collect_from);
                return usage_error("ingest", "--collect-from '%s': %s", optarg, why);
            }
            sensor_set_add(&collect_from, &prefix);
            break;
        }
        case 'E':
            if (parse_u64(optarg, 1, 86400, &n) < 0) {
                ingest_options_release(&in);
                sensor_set_release(&collect_from);
                return usage_error("ingest", "--commit-every takes seconds from 1 to 86400");
            }
            commit_every = (unsigned)n;
            break;
        case 'O':
            skip_overlapping = true;
            break;
        case 'L':
            live = optarg;
            break;
        case 'B':
            filter = optarg;
            break;
        case 'h':
            ingest_options_release(&in);
            sensor_set_release(&collect_from);
            fputs(ingest_usage, stdout);
            return EXIT_OK;
        default:
            ingest_options_release(&in);
            sensor_set_release(&collect_from);
            return unknown_option("ingest", options, argv);
        }
    }
    const char *problem = NULL;
    if (live && collect)
        problem = "--live and --collect do not go together";
    else if (live && optind < argc)
        problem = "--live reads an interface: give no capture files";
    else if (live && watch)
        problem = "--live and --watch do not go together";
    else if (live && !live[0])
        problem = "--live takes an interface name";
    else if (filter && !live)
        problem = "--filter goes with --live";
    else if (collect && (watch || optind < argc))
        problem = "--collect takes no files and no --watch";
    else if (collect_from.count && !collect)
        problem = "--collect-from goes with --collect";
    else if (commit_every && !collect && !live)
        problem = "--commit-every goes with --collect or --live";
    if (problem) {
        ingest_options_release(&in);
        sensor_set_release(&collect_from);
        return usage_error("ingest", "%s", problem);
    }
    if (in.db && live) {
        sensor_set_release(&collect_from);
        return ingest_live_into(in.db, &in.sensors, in.flow, live, filter, commit_every, memory,
                                tmp_dir, in.quiet);
    }
    if (!commit_every)
        commit_every = 60;
    if (!in.db || (optind >= argc && !watch && !collect)) {
        ingest_options_release(&in);
        sensor_set_release(&collect_from);
        return usage_error("ingest", in.db ? "no capture files given" : "--db STORE is required");
    }
    char watch_dir[PATH_MAX];
    if (watch && !realpath(watch, watch_dir)) {
        ingest_options_release(&in);
        sensor_set_release(&collect_from);
        return usage_error("ingest", "--watch '%s': %s", watch, strerror(errno));
    }
    struct walk_result walked;
    if (watch && optind >= argc) {
        char *dir_only[] = {watch_dir};
        walk_inputs(dir_only, 1, NULL, in.quiet, &walked);
    } else {
        walk_inputs(argv + optind, (size_t)(argc - optind), NULL, in.quiet, &walked);
    }
    char **paths = walked.paths;
    size_t npaths = walked.count;
    char err[1024];

    struct store *store = store_open(in.db, STORE_WRITE, err, sizeof(err));
    if (!store) {
        ingest_options_release(&in);
        sensor_set_release(&collect_from);
        walk_result_release(&walked);
        error("%s", err);
        return EXIT_FAILED;
    }
    if (collect && !in.sensors.count) {
        char how[512];
        if (store_get_sensors(store, &in.sensors, how, sizeof(how), err, sizeof(err)) < 0) {
            error("%s", err);
            goto out;
        }
        if (!in.sensors.count) {
            error("--collect needs --sensor (flows arrive one by one: nothing to detect from)");
            goto out;
        }
    }
    if (settle_sensors(store, &in.sensors, paths, npaths, in.quiet) < 0)
        goto out;

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    struct ingest_setup setup = {store,  &in.sensors, in.flow,  in.threads,
                                 memory, tmp_dir,     in.quiet, skip_overlapping};
    if (collect) {
        status = collect_and_ingest(&setup, collect, &collect_from, commit_every);
        goto out;
    }
    status = ingest_batch(&setup, paths, npaths, walked.unreadable);
    if (watch && !stop_signal)
        status = watch_and_ingest(&setup, watch_dir, in.db, status);
out:
    store_close(store);
    ingest_options_release(&in);
    sensor_set_release(&collect_from);
    walk_result_release(&walked);
    return status;
}
