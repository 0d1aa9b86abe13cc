/*
 * ingest --live: packets from an interface, through the same decode, flow
 * and aggregate stages as a capture file's, committed to the store in
 * pieces. A piece holds what was counted since the last commit; flows still
 * open stay open across commits (their packets count in the piece they came
 * in, their evidence in the piece during which they end). Each commit is one
 * transaction: kill -9 loses only what came since the last one.
 */
#define _DEFAULT_SOURCE
#include "live.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../aggregate/aggregate.h"
#include "../capture/capture.h"
#include "../store/store.h"
#include "cli.h"

/* The kernel's buffer: about a second of a busy 1 Gb/s link. */
#define LIVE_BUFFER_BYTES (64u << 20)
/* Rows waiting past this commit early, whatever the clock says. */
#define LIVE_COMMIT_ROWS 200000
/* Packets handled between looks at the clock and the stop flag. */
#define LIVE_READ_BATCH 4096

struct live_job {
    const struct live_setup *setup;
    struct capture_live *capture;
    struct aggregate_live *counting;
    struct live_capture_info info;
    int64_t file_id;
    uint64_t kernel_committed, interface_committed; /* drop totals at the last commit */
    uint64_t packets, commits;
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void count_packet(void *ctx, const struct capture_packet *packet)
{
    aggregate_live_packet(ctx, packet);
}

/* Commits what was counted since the last commit; end: the last one. Returns 0 or -1. */
static int commit(struct live_job *job, bool end)
{
    char err[1024];
    uint64_t kernel = job->kernel_committed, interface = job->interface_committed;
    if (capture_live_drops(job->capture, &kernel, &interface) < 0 && !job->setup->quiet)
        fprintf(stderr, "honeyscope: %s\n", capture_live_error(job->capture));
    struct input_stats stats;
    struct cube *piece = aggregate_live_take(job->counting, end, &stats);
    int ret = 0;
    if (cube_error(piece)) {
        ret = error("live capture on '%s': rows could not be set aside: %s (choose another "
                    "place with --tmp-dir, or more --memory)",
                    job->info.interface, cube_error(piece));
    } else if (store_put_live(job->setup->store, &job->info, &job->file_id, &stats, piece,
                              kernel - job->kernel_committed, interface - job->interface_committed,
                              end, err, sizeof(err)) < 0) {
        ret = error("%s", err);
    }
    cube_free(piece);
    if (ret < 0)
        return -1;
    job->commits++;
    job->packets += stats.packets;
    if (!job->setup->quiet && (end || kernel > job->kernel_committed))
        fprintf(stderr,
                "honeyscope: '%s': %" PRIu64 " packets in %" PRIu64 " commits; dropped by the "
                "kernel: %" PRIu64 "\n",
                job->info.interface, job->packets, job->commits, kernel);
    job->kernel_committed = kernel;
    job->interface_committed = interface;
    return 0;
}

int ingest_live(const struct live_setup *setup, volatile sig_atomic_t *stop)
{
    char err[1024];
    struct live_job job;
    memset(&job, 0, sizeof(job));
    job.setup = setup;
    job.info.interface = setup->interface;
    job.info.filter = setup->filter;
    job.capture =
        capture_live_open(setup->interface, setup->filter, LIVE_BUFFER_BYTES, err, sizeof(err));
    if (!job.capture) {
        error("%s", err);
        return EXIT_FAILED;
    }
    job.info.started_ns = now_ns();

    struct aggregate_config config;
    memset(&config, 0, sizeof(config));
    config.clock.width_s = STORE_BIN_SECONDS;
    config.flow = setup->flow;
    config.sensors = setup->sensors;
    config.cube_max_rows = memory_cube_rows(setup->memory, 2);
    config.evidence_bytes = memory_evidence_bytes(setup->memory, 2);
    memory_plan_counting(setup->memory, 1, &config.flow, &config.evidence_buffers);
    config.tmp_dir = setup->tmp_dir;
    job.counting = aggregate_live_new(&config, capture_live_link_type(job.capture), "live");

    int status = EXIT_OK;
    /* The capture is in the store's list from its start. */
    if (commit(&job, false) < 0)
        status = EXIT_FAILED;
    else if (!setup->quiet)
        fprintf(stderr,
                "honeyscope: capturing on '%s' (%s), committing every %u s (Ctrl-C to stop)\n",
                setup->interface, capture_link_name(capture_live_link_type(job.capture)),
                setup->commit_every);
    double next_commit = monotonic_s() + setup->commit_every;
    while (status == EXIT_OK && !*stop) {
        int n = capture_live_read(job.capture, 250, LIVE_READ_BATCH, count_packet, job.counting);
        if (n < 0) {
            error("'%s': %s", setup->interface, capture_live_error(job.capture));
            status = EXIT_FAILED;
            break;
        }
        if (monotonic_s() >= next_commit || aggregate_live_rows(job.counting) >= LIVE_COMMIT_ROWS) {
            if (commit(&job, false) < 0)
                status = EXIT_FAILED;
            next_commit = monotonic_s() + setup->commit_every;
        }
    }
    /* Stopping: what the kernel holds already was captured; take it, then end every flow. */
    for (int i = 0; status == EXIT_OK && i < 1024; i++)
        if (capture_live_read(job.capture, 0, LIVE_READ_BATCH, count_packet, job.counting) <= 0)
            break;
    if (job.commits && commit(&job, true) < 0)
        status = EXIT_FAILED;
    aggregate_live_free(job.counting);
    capture_live_close(job.capture);
    return status;
}
