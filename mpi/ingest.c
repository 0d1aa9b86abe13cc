/*
 * honeyscope-mpi ingest: capture files into a store, read by every rank,
 * written by rank 0 in one transaction for the whole batch.
 *
 * Rank 0 opens the store, opens the batch, settles the sensors, identifies
 * the files and skips those already stored (as honeyscope ingest does), then
 * shares the rest among the ranks. Each result is stored as it arrives, each
 * file a savepoint inside the batch; the batch is committed only when every
 * rank has sent every file. A rank that refuses a file (not the file rank 0
 * identified), sends something malformed, or dies, and a store that cannot be
 * written, leave the store as it was before the batch; running the same
 * command again does the whole batch.
 */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/cli/ingest_options.h"
#include "../src/cli/sensors.h"
#include "../src/cli/suggest.h"
#include "../src/common/xalloc.h"
#include "../src/store/store.h"
#include "dist.h"

static const char ingest_usage[] =
    "usage: mpirun -np N honeyscope-mpi ingest --db STORE [options] CAPTURE...\n"
    "\n"
    "Reads capture files into STORE (SQLite; created when missing) over the\n"
    "ranks of an MPI job: the files are shared among the ranks by size, rank 0\n"
    "writes the store. The whole batch is one transaction: a failure (a rank\n"
    "that dies or cannot see a file, a store that cannot be written) leaves the\n"
    "store as before, and running the command again completes it. Files already\n"
    "stored are skipped; changed files replace their old contribution.\n"
    "Report with 'honeyscope report --db STORE'.\n"
    "\n"
    "  --db STORE             the store (required; on rank 0's file system)\n"
    "  --sensor CIDR          sensor address or prefix (repeatable); a store keeps\n"
    "                         the sensors of its first ingest, detected when not given\n"
    "  --threads N            files read at once per rank (default: the node's cores\n"
    "                         shared among the node's ranks)\n"
    "  --max-flows N          flows held at once per file (default 1000000)\n"
    "  -q, --quiet            no per-file notes or per-rank figures on stderr\n"
    "\n"
    "Every rank must see the capture files under the same names (shared storage);\n"
    "a rank that sees another size or mtime than rank 0 refuses the file and the\n"
    "batch is rolled back.\n"
    "\n"
    "Exit status: 0 success, 1 some files were damaged (stored as failed, the rest\n"
    "committed) or the batch failed (nothing committed), 2 usage error.\n";

/* Parses the options; returns -1 to go on, or the exit status to end with. */
static int parse_args(struct ingest_options *args, int argc, char **argv)
{
    static const struct option options[] = {
        INGEST_LONG_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "qh", options, NULL)) != -1) {
        int status;
        if (ingest_option(args, "ingest", c, optarg, &status)) {
            if (status >= 0)
                return status;
            continue;
        }
        if (c == 'h') {
            fputs(ingest_usage, stdout);
            return EXIT_OK;
        }
        return unknown_option("ingest", options, argv);
    }
    if (!args->db)
        return usage_error("ingest", "--db STORE is required");
    if (optind >= argc)
        return usage_error("ingest", "no capture files given");
    return -1;
}

/*
 * Rank 0, while the batch is open: when the job ends early (mpirun or srun
 * send SIGTERM to every rank when one dies; SIGINT when the user presses
 * Ctrl-C), say so before going. Nothing of the batch was committed, and
 * SQLite undoes what was written at the next open.
 */
static void on_signal(int sig)
{
    static const char msg[] =
        "honeyscope-mpi: stopped by a signal (a rank died, or the job was cancelled): nothing of "
        "this batch was stored; run the same command again\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof(msg) - 1);
    (void)ignored;
    _exit(128 + sig);
}

static void catch_signals(bool on)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on ? on_signal : SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* Commits the batch with SIGINT and SIGTERM held, so that no message lies about it. */
static int commit(struct store *store, char *err, size_t errlen)
{
    sigset_t held, old;
    sigemptyset(&held);
    sigaddset(&held, SIGINT);
    sigaddset(&held, SIGTERM);
    sigprocmask(SIG_BLOCK, &held, &old);
    int ret = store_batch_commit(store, err, errlen);
    catch_signals(false); /* a signal held meanwhile now ends the process silently */
    sigprocmask(SIG_SETMASK, &old, NULL);
    return ret;
}

struct batch {
    struct store *store;
    const struct dist_plan *plan;
    struct file_identity *ids; /* per plan file */
    int64_t *replace;          /* per plan file */
    bool quiet;
    uint64_t stored, packets, damaged;
};

/* Rank 0: stores one file's result inside the batch. */
static int store_result(void *ctx, struct file_result *r)
{
    struct batch *b = ctx;
    char err[1024];
    if (r->status != 0) {
        error("%s", r->error);
        b->damaged++;
    }
    if (store_put_file(b->store, &b->ids[r->index], &r->stats, r->status ? r->error : NULL, r->cube,
                       r->sorted, b->replace[r->index], err, sizeof(err)) < 0) {
        error("%s", err);
        return 1;
    }
    b->stored++;
    b->packets += r->stats.packets;
    return 0;
}

/*
 * Rank 0 before the pass: store, batch, sensors, and the files to read.
 * Fills plan (status set when the command ends here) and batch.
 */
static void prepare(struct ingest_options *args, char **paths, size_t npaths,
                    struct dist_plan *plan, struct batch *b, uint64_t *skipped,
                    uint64_t *unreadable)
{
    char err[1024];
    b->store = store_open(args->db, STORE_WRITE, err, sizeof(err));
    if (!b->store || store_batch_begin(b->store, err, sizeof(err)) < 0) {
        error("%s", err);
        plan->status = EXIT_FAILED;
        return;
    }
    catch_signals(true);
    if (settle_sensors(b->store, &args->sensors, paths, npaths, args->quiet) < 0) {
        plan->status = EXIT_FAILED;
        return;
    }
    b->ids = xcalloc(npaths ? npaths : 1, sizeof(*b->ids));
    b->replace = xcalloc(npaths ? npaths : 1, sizeof(*b->replace));
    struct file_identity *given = xcalloc(npaths ? npaths : 1, sizeof(*given));
    size_t *same_as = xcalloc(npaths ? npaths : 1, sizeof(*same_as));
    store_find_copies((const char *const *)paths, npaths, given, same_as, 1);
    for (size_t i = 0; i < npaths; i++) {
        struct file_identity id = given[i];
        enum store_presence presence;
        int64_t replace = 0;
        char other[4096];
        if (!id.path[0] && store_identify(paths[i], &id, err, sizeof(err)) < 0) {
            error("%s", err);
            (*unreadable)++;
            continue;
        }
        if (same_as[i] != STORE_NOT_A_COPY) {
            if (!args->quiet)
                fprintf(stderr, "honeyscope-mpi: '%s' has the same content as '%s': read once\n",
                        paths[i], paths[same_as[i]]);
            (*skipped)++;
            continue;
        }
        if (store_presence(b->store, &id, &replace, other, sizeof(other), &presence) < 0) {
            error("cannot look up '%s' in the store", paths[i]);
            (*unreadable)++;
            continue;
        }
        if (presence == STORE_SAME || presence == STORE_DUPLICATE) {
            (*skipped)++;
            if (!args->quiet && presence == STORE_SAME)
                fprintf(stderr, "honeyscope-mpi: '%s' is already stored\n", paths[i]);
            else if (!args->quiet)
                fprintf(stderr,
                        "honeyscope-mpi: '%s' has the same content as '%s', already stored\n",
                        paths[i], other);
            continue;
        }
        if (!args->quiet && presence == STORE_CHANGED)
            fprintf(stderr, "honeyscope-mpi: '%s' changed since it was stored: replacing it\n",
                    paths[i]);
        b->ids[plan->file_count] = id;
        b->replace[plan->file_count] = presence == STORE_CHANGED ? replace : 0;
        dist_plan_add(plan, paths[i], id.size, id.mtime_ns);
    }
    free(given);
    free(same_as);
}

int dist_ingest(int argc, char **argv, int rank, int ranks)
{
    struct ingest_options args;
    struct dist_plan plan;
    struct batch b;
    uint64_t skipped = 0, unreadable = 0;
    char err[1024];

    dist_plan_init(&plan);
    memset(&b, 0, sizeof(b));
    ingest_options_init(&args, 0); /* threads: the node's cores among its ranks */
    if (rank == 0) {
        plan.status = parse_args(&args, argc, argv);
        if (plan.status < 0) {
            char **paths = argv + optind;
            size_t npaths = (size_t)(argc - optind);
            prepare(&args, paths, npaths, &plan, &b, &skipped, &unreadable);
        }
        plan.verb = DIST_INGEST;
        plan.check_identity = true;
        plan.threads = args.threads;
        plan.clock.width_s = STORE_BIN_SECONDS;
        plan.clock.offset_s = 0;
        plan.flow = args.flow;
        for (size_t i = 0; i < args.sensors.count; i++)
            sensor_set_add(&plan.sensors, &args.sensors.prefixes[i]);
        dist_plan_assign(&plan, (unsigned)ranks);
    }
    int shared = dist_share_plan(&plan, rank, ranks, err, sizeof(err));
    if (shared < 0)
        error("rank %d: %s", rank, err);
    int status = plan.status;
    if (status >= 0)
        goto out;

    b.plan = &plan;
    b.quiet = args.quiet;
    int ran = dist_run(&plan, rank, ranks, store_result, &b, NULL, args.quiet, err, sizeof(err));
    if (rank != 0) {
        status = EXIT_OK; /* rank 0 says what went wrong, and ends with the status */
        goto out;
    }
    if (ran < 0) {
        catch_signals(false);
        store_batch_rollback(b.store);
        error("%s", err);
        error("nothing was stored: the store is as it was before this ingest; run it again");
        status = EXIT_FAILED;
        goto out;
    }
    if (commit(b.store, err, sizeof(err)) < 0) {
        error("%s", err);
        error("nothing was stored: the store is as it was before this ingest");
        status = EXIT_FAILED;
        goto out;
    }
    if (!args.quiet)
        fprintf(stderr,
                "honeyscope-mpi: stored %" PRIu64 " file%s (%" PRIu64 " packets) from %d rank%s, "
                "%" PRIu64 " already stored, %" PRIu64 " failed\n",
                b.stored, b.stored == 1 ? "" : "s", b.packets, ranks, ranks == 1 ? "" : "s",
                skipped, b.damaged + unreadable);
    status = b.damaged || unreadable ? EXIT_FAILED : EXIT_OK;
out:
    catch_signals(false);
    if (b.store)
        store_batch_rollback(b.store); /* no-op once committed */
    store_close(b.store);
    free(b.ids);
    free(b.replace);
    dist_plan_release(&plan);
    ingest_options_release(&args);
    return status;
}
