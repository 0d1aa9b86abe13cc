/*
 * The distributed pass: rank 0 broadcasts the plan, every rank reads its
 * files with its own threads, and the results travel to rank 0.
 *
 * Messages (MPI_COMM_WORLD, bytes only):
 *   TAG_HEAD  rank k -> 0   a result follows: its length (u64)
 *   TAG_DATA  rank k -> 0   the result's bytes, in chunks of at most 64 MiB
 *   TAG_DONE  rank k -> 0   k is through: results sent, flags, its figures
 *   TAG_STOP  rank 0 -> k   stop reading: the pass has failed
 *   TAG_END   rank 0 -> k   every rank is through; whether STOP was sent, so
 *                           that each posted receive is matched or cancelled
 *                           before MPI_Finalize
 *
 * Each rank reads its files with aggregate_files() in a thread of its own,
 * which hands every result over to the main thread. Only the main thread
 * calls MPI (MPI_THREAD_FUNNELED), and it does little else: it polls every
 * millisecond, so that transfers move (a large message moves only while both
 * sides call into MPI) and rank 0 takes results as soon as they come. A rank
 * that waits sleeps between polls rather than spinning in a blocking call
 * (which is what Open MPI does), leaving its node's cores to the readers.
 */
#define _GNU_SOURCE /* sched_getaffinity() */
#include <errno.h>
#include <limits.h>
#include <mpi.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../src/cli/cli.h"
#include "../src/common/xalloc.h"
#include "dist.h"

enum {
    TAG_HEAD = 1,
    TAG_DATA,
    TAG_DONE,
    TAG_STOP,
    TAG_END,
};

#define CHUNK ((size_t)1 << 26)

/* DONE flags. */
enum {
    DONE_STOPPED = 1, /* stopped before every file was read */
    DONE_NO_PLAN = 2, /* the plan could not be read */
};

#define DONE_BYTES (8 + 4 + 4 + 8 + 8 + 8)

struct done {
    uint64_t results;
    uint32_t flags, threads;
    uint64_t packets, bytes, elapsed_ns;
};

static void done_encode(const struct done *d, uint8_t out[DONE_BYTES])
{
    const uint64_t v[] = {d->results, d->flags, d->threads, d->packets, d->bytes, d->elapsed_ns};
    const unsigned width[] = {8, 4, 4, 8, 8, 8};
    size_t at = 0;
    for (size_t i = 0; i < 6; i++)
        for (unsigned b = 0; b < width[i]; b++)
            out[at++] = (uint8_t)(v[i] >> (8 * b));
}

static void done_decode(struct done *d, const uint8_t in[DONE_BYTES])
{
    uint64_t v[6];
    const unsigned width[] = {8, 4, 4, 8, 8, 8};
    size_t at = 0;
    for (size_t i = 0; i < 6; i++) {
        v[i] = 0;
        for (unsigned b = 0; b < width[i]; b++)
            v[i] |= (uint64_t)in[at++] << (8 * b);
    }
    d->results = v[0];
    d->flags = (uint32_t)v[1];
    d->threads = (uint32_t)v[2];
    d->packets = v[3];
    d->bytes = v[4];
    d->elapsed_ns = v[5];
}

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/*
 * Polling intervals: a millisecond when merely waiting; 50 us while this
 * rank's own sends are under way, since most transports move a large message
 * one fragment per call into MPI on the sending side.
 */
#define NAP_IDLE_NS 1000000L
#define NAP_SENDING_NS 50000L

static void nap(long ns)
{
    struct timespec t = {0, ns};
    nanosleep(&t, NULL);
}

/* Waits for n requests to complete, politely. */
static void wait_all(int n, MPI_Request *requests, long nap_ns)
{
    for (;;) {
        int flag = 0;
        MPI_Testall(n, requests, &flag, MPI_STATUSES_IGNORE);
        if (flag)
            return;
        nap(nap_ns);
    }
}

/* MPI_Bcast, politely: the other ranks may wait long while rank 0 prepares. */
static void bcast(void *data, int count, MPI_Datatype type)
{
    MPI_Request request;
    MPI_Ibcast(data, count, type, 0, MPI_COMM_WORLD, &request);
    wait_all(1, &request, NAP_IDLE_NS);
}

/* ---- the plan ------------------------------------------------------------------------- */

int dist_share_plan(struct dist_plan *plan, int rank, int ranks, char *err, size_t errlen)
{
    struct wire_buf buf;
    uint64_t len = 0;
    int status = plan->status;
    int ret = 0;

    wire_buf_init(&buf);
    if (rank == 0 && status < 0) {
        wire_plan_encode(plan, &buf);
        if (buf.len > WIRE_PLAN_MAX) {
            snprintf(err, errlen, "the plan is too large (%zu files)", plan->file_count);
            status = plan->status = EXIT_FAILED;
            ret = -1;
        }
        len = buf.len;
    }
    /* The status first: when rank 0 ends here, every rank ends with it. */
    bcast(&status, 1, MPI_INT);
    if (status >= 0) {
        if (rank != 0) {
            dist_plan_init(plan);
            plan->status = status > 255 ? EXIT_FAILED : status;
        }
        wire_buf_release(&buf);
        return ret;
    }
    bcast(&len, 1, MPI_UINT64_T);
    if (rank != 0) {
        if (len > WIRE_PLAN_MAX) {
            /* Cannot take part in the broadcast that follows: end the job. */
            fprintf(stderr, "honeyscope-mpi: rank %d: the plan from rank 0 claims %llu bytes\n",
                    rank, (unsigned long long)len);
            MPI_Abort(MPI_COMM_WORLD, EXIT_FAILED);
        }
        buf.data = xmalloc(len ? (size_t)len : 1);
        buf.alloc = buf.len = (size_t)len;
    }
    for (size_t at = 0; at < (size_t)len; at += CHUNK) {
        size_t part = (size_t)len - at < CHUNK ? (size_t)len - at : CHUNK;
        bcast(buf.data + at, (int)part, MPI_BYTE);
    }
    if (rank != 0)
        ret = wire_plan_decode(plan, buf.data, buf.len, (unsigned)ranks, err, errlen);
    wire_buf_release(&buf);
    return ret;
}

/*
 * The threads a rank uses: the plan's; otherwise the cores it may run on
 * (launchers bind ranks: Open MPI's mpirun binds each of up to 2 ranks to one
 * core, Slurm to --cpus-per-task), and at most its node's cores shared by the
 * node's ranks.
 */
static unsigned rank_threads(const struct dist_plan *plan)
{
    MPI_Comm node;
    int local = 1;
    /* Collective: every rank calls it, whatever the plan says. */
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &local);
    MPI_Comm_free(&node);
    if (plan->threads)
        return plan->threads;
    unsigned cores = default_threads();
    unsigned share = local > 0 ? cores / (unsigned)local : cores;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0 &&
        (unsigned)CPU_COUNT(&set) < share)
        share = (unsigned)CPU_COUNT(&set);
    return share ? share : 1;
}

/* This rank's files: their paths, and the plan index of each. */
static size_t my_files(const struct dist_plan *plan, int rank, const char ***paths, size_t **index)
{
    size_t n = 0;
    *paths = xcalloc(plan->file_count ? plan->file_count : 1, sizeof(**paths));
    *index = xcalloc(plan->file_count ? plan->file_count : 1, sizeof(**index));
    for (size_t i = 0; i < plan->file_count; i++)
        if (plan->files[i].rank == (uint32_t)rank) {
            (*paths)[n] = plan->files[i].path;
            (*index)[n++] = i;
        }
    return n;
}

/* ---- this rank's files, read in a thread of their own ------------------------------------ */

/* Results handed over and not yet taken, at most: memory stays bounded. */
#define READER_QUEUE 2

struct reader {
    pthread_t thread;
    const char **paths;
    size_t count;
    unsigned threads;
    struct aggregate_config config;
    _Atomic uint64_t packets;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    struct file_result *queue[READER_QUEUE];
    size_t queued;
    bool finished;
    volatile sig_atomic_t stop; /* config.stop: the readers give up mid-file */
};

/* aggregate_files()'s callback, in the reader thread: hands r over, waiting for room. */
static int hand_over(void *ctx, struct file_result *r)
{
    struct reader *rd = ctx;
    struct file_result *copy = xmalloc(sizeof(*copy));
    *copy = *r;
    r->cube = NULL; /* the copy's now */
    pthread_mutex_lock(&rd->lock);
    while (rd->queued == READER_QUEUE && !rd->stop)
        pthread_cond_wait(&rd->changed, &rd->lock);
    bool stopped = rd->stop;
    if (!stopped) {
        rd->queue[rd->queued++] = copy;
        pthread_cond_broadcast(&rd->changed);
    }
    pthread_mutex_unlock(&rd->lock);
    if (stopped) {
        cube_free(copy->cube);
        free(copy);
    }
    return stopped;
}

static void *read_files(void *arg)
{
    struct reader *rd = arg;
    aggregate_files(rd->paths, rd->count, &rd->config, rd->threads, hand_over, NULL, rd);
    pthread_mutex_lock(&rd->lock);
    rd->finished = true;
    pthread_mutex_unlock(&rd->lock);
    return NULL;
}

static void reader_start(struct reader *rd, const struct dist_plan *plan, const char **paths,
                         size_t count, unsigned threads)
{
    memset(rd, 0, sizeof(*rd));
    rd->paths = paths;
    rd->count = count;
    rd->threads = threads;
    memset(&rd->config, 0, sizeof(rd->config));
    rd->config.clock = plan->clock;
    rd->config.flow = plan->flow;
    rd->config.sensors = &plan->sensors;
    rd->config.stop = &rd->stop;
    rd->config.packets_read = &rd->packets;
    /* Rows stay in memory (the wire sends them from there); evidence past its table spills. */
    rd->config.tmp_dir = default_tmp_dir();
    atomic_init(&rd->packets, 0);
    pthread_mutex_init(&rd->lock, NULL);
    pthread_cond_init(&rd->changed, NULL);
    if (pthread_create(&rd->thread, NULL, read_files, rd) != 0) {
        /* Like running out of memory: nothing sensible to go on with. */
        fprintf(stderr, "honeyscope-mpi: cannot start a thread\n");
        MPI_Abort(MPI_COMM_WORLD, EXIT_FAILED);
    }
}

/* The next result (the caller frees it with free_result), or NULL; *over when no more come. */
static struct file_result *reader_take(struct reader *rd, bool *over)
{
    struct file_result *r = NULL;
    pthread_mutex_lock(&rd->lock);
    if (rd->queued) {
        r = rd->queue[0];
        memmove(rd->queue, rd->queue + 1, (rd->queued - 1) * sizeof(rd->queue[0]));
        rd->queued--;
        pthread_cond_broadcast(&rd->changed);
    }
    *over = !r && rd->finished;
    pthread_mutex_unlock(&rd->lock);
    return r;
}

static void reader_stop(struct reader *rd)
{
    pthread_mutex_lock(&rd->lock);
    rd->stop = 1;
    pthread_cond_broadcast(&rd->changed);
    pthread_mutex_unlock(&rd->lock);
}

static void free_result(struct file_result *r)
{
    cube_free(r->cube);
    free(r);
}

static void reader_join(struct reader *rd)
{
    pthread_join(rd->thread, NULL);
    for (size_t i = 0; i < rd->queued; i++)
        free_result(rd->queue[i]);
    rd->queued = 0;
    pthread_mutex_destroy(&rd->lock);
    pthread_cond_destroy(&rd->changed);
}

static void rank_line(bool quiet, int rank, const struct done *d, size_t files)
{
    if (quiet)
        return;
    double secs = (double)d->elapsed_ns / 1e9;
    fprintf(stderr,
            "honeyscope-mpi: rank %d: %zu file%s, %.1f MB, %llu packets in %.2f s "
            "(%.2f M packets/s, %u thread%s)\n",
            rank, files, files == 1 ? "" : "s", (double)d->bytes / 1e6,
            (unsigned long long)d->packets, secs, secs > 0 ? (double)d->packets / secs / 1e6 : 0.0,
            d->threads, d->threads == 1 ? "" : "s");
}

/* ---- rank 0 ------------------------------------------------------------------------------ */

struct collector {
    const struct dist_plan *plan;
    int ranks;
    bool quiet;
    dist_consume_fn consume;
    void *ctx;
    struct cube *merge_into;
    size_t *local_index;  /* rank 0's own files: local index -> plan index */
    bool *seen;           /* per plan file */
    uint64_t *expected;   /* per rank: files assigned */
    uint64_t *received;   /* per rank: results received */
    bool *through;        /* per rank: DONE received */
    size_t waiting;       /* ranks not yet through */
    uint64_t own_packets; /* packets rank 0 read itself */
    /* What taking the other ranks' results cost rank 0's main thread. */
    uint64_t result_bytes, receive_ns, decode_ns, consume_ns;
    bool failed;
    bool stop_sent;
    MPI_Request *stops;
    uint8_t stop_byte;
    char err[1024];
};

static void PRINTF_LIKE(2, 3) fail_pass(struct collector *c, const char *fmt, ...)
{
    if (c->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof(c->err), fmt, ap);
    va_end(ap);
    c->failed = true;
    for (int k = 1; k < c->ranks; k++)
        MPI_Isend(&c->stop_byte, 1, MPI_BYTE, k, TAG_STOP, MPI_COMM_WORLD, &c->stops[k]);
    c->stop_sent = true;
}

/* Hands one result to the consumer, or records why it cannot be. */
static void take_result(struct collector *c, struct file_result *r, int from)
{
    const struct dist_file *f = &c->plan->files[r->index];
    c->seen[r->index] = true;
    if (c->failed)
        return;
    if (r->status == DIST_REFUSED) {
        fail_pass(c, "rank %d refused '%s': %s", from, f->path, r->error);
        return;
    }
    if (r->status == AGGREGATE_INTERRUPTED) {
        fail_pass(c, "rank %d was interrupted while reading '%s'", from, f->path);
        return;
    }
    if (c->consume(c->ctx, r) != 0)
        fail_pass(c, "the results could not be kept (see above)");
}

/* Receives the result announced by the TAG_HEAD message st describes. */
static void receive_result(struct collector *c, const MPI_Status *st)
{
    int from = st->MPI_SOURCE, count;
    uint8_t head[8];
    MPI_Get_count(st, MPI_BYTE, &count);
    if (count != (int)sizeof(head)) {
        /* Not a header this version sends: the job cannot go on reliably. */
        fprintf(stderr, "honeyscope-mpi: rank %d sent a malformed result header\n", from);
        MPI_Abort(MPI_COMM_WORLD, EXIT_FAILED);
    }
    MPI_Recv(head, 8, MPI_BYTE, from, TAG_HEAD, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    uint64_t len = 0;
    for (unsigned b = 0; b < 8; b++)
        len |= (uint64_t)head[b] << (8 * b);
    if (len > WIRE_RESULT_MAX || len > SIZE_MAX) {
        fprintf(stderr, "honeyscope-mpi: rank %d announced a result of %llu bytes\n", from,
                (unsigned long long)len);
        MPI_Abort(MPI_COMM_WORLD, EXIT_FAILED);
    }
    uint64_t t0 = now_ns();
    uint8_t *data = xmalloc(len ? (size_t)len : 1);
    bool short_chunk = false;
    for (size_t at = 0; at < (size_t)len; at += CHUNK) {
        size_t part = (size_t)len - at < CHUNK ? (size_t)len - at : CHUNK;
        MPI_Status cs;
        int got;
        MPI_Recv(data + at, (int)part, MPI_BYTE, from, TAG_DATA, MPI_COMM_WORLD, &cs);
        MPI_Get_count(&cs, MPI_BYTE, &got);
        if (got != (int)part) {
            short_chunk = true;
            break;
        }
    }
    if (short_chunk) {
        fprintf(stderr, "honeyscope-mpi: rank %d sent fewer bytes than it announced\n", from);
        MPI_Abort(MPI_COMM_WORLD, EXIT_FAILED);
    }

    struct file_result r;
    char why[256];
    uint64_t t1 = now_ns();
    /* Rows go straight to the merged cube only when the result will be taken. */
    int ok = wire_result_decode(&r, data, (size_t)len, c->failed ? NULL : c->merge_into, why,
                                sizeof(why));
    free(data);
    uint64_t t2 = now_ns();
    c->result_bytes += len;
    c->receive_ns += t1 - t0;
    c->decode_ns += t2 - t1;
    if (ok < 0) {
        fail_pass(c, "rank %d sent a malformed result: %s", from, why);
    } else if (r.index >= c->plan->file_count || c->plan->files[r.index].rank != (uint32_t)from ||
               c->seen[r.index]) {
        fail_pass(c, "rank %d sent a result for a file it was not given", from);
    } else {
        c->received[from]++;
        take_result(c, &r, from);
        c->consume_ns += now_ns() - t2;
    }
    cube_free(r.cube);
}

static void receive_done(struct collector *c, const MPI_Status *st)
{
    int from = st->MPI_SOURCE, count;
    uint8_t bytes[DONE_BYTES];
    struct done d;
    MPI_Get_count(st, MPI_BYTE, &count);
    if (count != DONE_BYTES || c->through[from]) {
        fprintf(stderr, "honeyscope-mpi: rank %d sent a malformed end message\n", from);
        MPI_Abort(MPI_COMM_WORLD, EXIT_FAILED);
    }
    MPI_Recv(bytes, DONE_BYTES, MPI_BYTE, from, TAG_DONE, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    done_decode(&d, bytes);
    c->through[from] = true;
    c->waiting--;
    if (d.flags & DONE_NO_PLAN)
        fail_pass(c, "rank %d could not read the plan", from);
    else if (d.results != c->received[from] || d.results != c->expected[from])
        fail_pass(c, "rank %d stopped after %llu of its %llu files", from,
                  (unsigned long long)c->received[from], (unsigned long long)c->expected[from]);
    else if (!c->failed)
        rank_line(c->quiet, from, &d, (size_t)c->expected[from]);
}

static void handle(struct collector *c, const MPI_Status *st)
{
    if (st->MPI_TAG == TAG_HEAD) {
        receive_result(c, st);
    } else if (st->MPI_TAG == TAG_DONE) {
        receive_done(c, st);
    } else {
        fprintf(stderr, "honeyscope-mpi: rank %d sent an unexpected message (tag %d)\n",
                st->MPI_SOURCE, st->MPI_TAG);
        MPI_Abort(MPI_COMM_WORLD, EXIT_FAILED);
    }
}

/* Takes one message when there is one; returns whether there was. */
static bool poll_ranks(struct collector *c)
{
    int flag;
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
    if (flag)
        handle(c, &st);
    return flag;
}

static void take_own(struct collector *c, struct file_result *r)
{
    r->index = c->local_index[r->index];
    c->own_packets += r->stats.packets;
    if (!c->failed && r->status != AGGREGATE_INTERRUPTED)
        take_result(c, r, 0);
    else
        c->seen[r->index] = true;
}

static int run_rank0(const struct dist_plan *plan, int ranks, dist_consume_fn consume, void *ctx,
                     struct cube *merge_into, bool quiet, char *err, size_t errlen)
{
    struct collector c;
    memset(&c, 0, sizeof(c));
    c.plan = plan;
    c.ranks = ranks;
    c.quiet = quiet;
    c.consume = consume;
    c.ctx = ctx;
    c.merge_into = merge_into;
    c.seen = xcalloc(plan->file_count + 1, sizeof(*c.seen));
    c.expected = xcalloc((size_t)ranks, sizeof(*c.expected));
    c.received = xcalloc((size_t)ranks, sizeof(*c.received));
    c.through = xcalloc((size_t)ranks, sizeof(*c.through));
    c.stops = xcalloc((size_t)ranks, sizeof(*c.stops));
    for (int k = 0; k < ranks; k++)
        c.stops[k] = MPI_REQUEST_NULL;
    for (size_t i = 0; i < plan->file_count; i++)
        c.expected[plan->files[i].rank]++;
    c.waiting = (size_t)ranks - 1;

    unsigned threads = rank_threads(plan);
    const char **paths;
    size_t n = my_files(plan, 0, &paths, &c.local_index);
    uint64_t start = now_ns(), bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += (uint64_t)plan->files[c.local_index[i]].size;
    struct reader rd;
    reader_start(&rd, plan, paths, n, threads);

    /* Own results and the other ranks' as they come, until all are in. */
    bool own_over = false;
    while (!own_over || c.waiting > 0) {
        bool busy = poll_ranks(&c);
        if (!own_over) {
            struct file_result *r = reader_take(&rd, &own_over);
            if (r) {
                take_own(&c, r);
                free_result(r);
                busy = true;
            } else if (own_over && !c.failed) {
                struct done mine = {n, 0, threads, c.own_packets, bytes, now_ns() - start};
                rank_line(quiet, 0, &mine, n);
            }
        }
        if (c.failed)
            reader_stop(&rd);
        if (!busy)
            nap(NAP_IDLE_NS);
    }
    reader_join(&rd);
    if (!quiet && !c.failed && ranks > 1)
        fprintf(stderr,
                "honeyscope-mpi: rank 0 took %.1f MB of results from the other ranks: "
                "%.2f s receiving, %.2f s checking and decoding, %.2f s %s\n",
                (double)c.result_bytes / 1e6, (double)c.receive_ns / 1e9, (double)c.decode_ns / 1e9,
                (double)c.consume_ns / 1e9, plan->verb == DIST_INGEST ? "storing" : "merging");
    for (size_t i = 0; i < plan->file_count && !c.failed; i++)
        if (!c.seen[i])
            fail_pass(&c, "no result came for '%s'", plan->files[i].path);

    /* Tells every rank whether a STOP is on its way, so each can match it. */
    uint8_t stop_sent = c.stop_sent;
    for (int k = 1; k < ranks; k++)
        MPI_Send(&stop_sent, 1, MPI_BYTE, k, TAG_END, MPI_COMM_WORLD);
    wait_all(ranks, c.stops, NAP_IDLE_NS);

    int ret = 0;
    if (c.failed) {
        snprintf(err, errlen, "%s", c.err);
        ret = -1;
    }
    free(paths);
    free(c.local_index);
    free(c.seen);
    free(c.expected);
    free(c.received);
    free(c.through);
    free(c.stops);
    return ret;
}

/* ---- the other ranks ----------------------------------------------------------------------- */

/*
 * A result on its way to rank 0. Rank 0 takes results only between its own
 * files and store writes, so sends are left to complete on their own while
 * this rank's readers go on; the bytes stay put (one allocation each) until
 * then. At most PENDING_MAX bytes wait before the rank waits for rank 0.
 */
struct outgoing {
    struct wire_buf buf;
    uint8_t head[8];
    MPI_Request *requests;
    int count;
};

#define PENDING_MAX ((size_t)1 << 30)

struct sender {
    const struct dist_plan *plan;
    int rank;
    size_t *local_index;
    uint64_t results, packets;
    MPI_Request stop_request;
    uint8_t stop_byte;
    bool stop_seen;
    struct reader *reader;
    struct outgoing **out;
    size_t out_count, out_alloc, out_bytes;
};

/* Frees the results rank 0 has taken; with wait, waits for all of them. */
static void reap(struct sender *s, bool wait)
{
    size_t kept = 0;
    for (size_t i = 0; i < s->out_count; i++) {
        struct outgoing *o = s->out[i];
        int flag = 1;
        if (wait)
            wait_all(o->count, o->requests, NAP_SENDING_NS);
        else
            MPI_Testall(o->count, o->requests, &flag, MPI_STATUSES_IGNORE);
        if (!flag) {
            s->out[kept++] = o;
            continue;
        }
        s->out_bytes -= o->buf.len;
        wire_buf_release(&o->buf);
        free(o->requests);
        free(o);
    }
    s->out_count = kept;
}

/* Moves the sends along, and looks for STOP from rank 0. */
static void sender_tick(struct sender *s)
{
    int flag = 0;
    reap(s, false);
    if (s->stop_seen)
        return;
    MPI_Test(&s->stop_request, &flag, MPI_STATUS_IGNORE);
    if (flag) {
        s->stop_seen = true;
        reader_stop(s->reader);
    }
}

static void send_result(struct sender *s, const struct file_result *r, uint32_t file)
{
    reap(s, s->out_bytes > PENDING_MAX);
    struct outgoing *o = xcalloc(1, sizeof(*o));
    wire_buf_init(&o->buf);
    wire_result_encode(r, file, &o->buf);
    for (unsigned b = 0; b < 8; b++)
        o->head[b] = (uint8_t)((uint64_t)o->buf.len >> (8 * b));
    size_t chunks = (o->buf.len + CHUNK - 1) / CHUNK;
    o->count = (int)chunks + 1;
    o->requests = xcalloc(chunks + 1, sizeof(*o->requests));
    MPI_Isend(o->head, 8, MPI_BYTE, 0, TAG_HEAD, MPI_COMM_WORLD, &o->requests[0]);
    for (size_t i = 0; i < chunks; i++) {
        size_t at = i * CHUNK, part = o->buf.len - at < CHUNK ? o->buf.len - at : CHUNK;
        MPI_Isend(o->buf.data + at, (int)part, MPI_BYTE, 0, TAG_DATA, MPI_COMM_WORLD,
                  &o->requests[i + 1]);
    }
    ALLOC_GROW(s->out, s->out_count + 1, s->out_alloc);
    s->out[s->out_count++] = o;
    s->out_bytes += o->buf.len;
    s->results++;
}

/*
 * Ingest: a file is read only when it is the one rank 0 identified (same
 * size and mtime). Anything else means the ranks do not see the same storage,
 * or the file changed since: refuse it, and the pass fails.
 */
static bool refuse_if_other(struct sender *s, const char *path, const struct dist_file *f,
                            uint32_t file)
{
    struct stat st;
    struct file_result r;
    char node[MPI_MAX_PROCESSOR_NAME];
    int node_len;
    int64_t mtime_ns = 0;
    bool same = false;

    if (!s->plan->check_identity)
        return false;
    bool exists = stat(path, &st) == 0;
    int why = errno;
    if (exists) {
        mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
        same = (int64_t)st.st_size == f->size && mtime_ns == f->mtime_ns;
    }
    if (same)
        return false;
    memset(&r, 0, sizeof(r));
    input_stats_init(&r.stats);
    r.status = DIST_REFUSED;
    MPI_Get_processor_name(node, &node_len);
    if (!exists)
        snprintf(r.error, sizeof(r.error), "on %s it cannot be opened (%s): is the storage shared?",
                 node, strerror(why));
    else
        snprintf(r.error, sizeof(r.error),
                 "on %s it has %lld bytes and mtime %lld ns where rank 0 saw %lld and %lld: "
                 "is the storage shared, or did the file change?",
                 node, (long long)st.st_size, (long long)mtime_ns, (long long)f->size,
                 (long long)f->mtime_ns);
    send_result(s, &r, file);
    return true;
}

static int run_sender(const struct dist_plan *plan, int rank, bool plan_ok, char *err,
                      size_t errlen)
{
    struct sender s;
    memset(&s, 0, sizeof(s));
    s.plan = plan;
    s.rank = rank;
    MPI_Irecv(&s.stop_byte, 1, MPI_BYTE, 0, TAG_STOP, MPI_COMM_WORLD, &s.stop_request);

    unsigned threads = rank_threads(plan);
    const char **all;
    size_t *all_index;
    size_t n = my_files(plan, rank, &all, &all_index);
    /* The files to read: those not refused. */
    const char **paths = xcalloc(n ? n : 1, sizeof(*paths));
    s.local_index = xcalloc(n ? n : 1, sizeof(*s.local_index));
    size_t nread = 0;
    uint64_t bytes = 0, start = now_ns();
    for (size_t i = 0; i < n; i++) {
        const struct dist_file *f = &plan->files[all_index[i]];
        if (refuse_if_other(&s, all[i], f, (uint32_t)all_index[i]))
            continue;
        paths[nread] = all[i];
        s.local_index[nread++] = all_index[i];
        bytes += (uint64_t)f->size;
    }
    struct reader rd;
    s.reader = &rd;
    reader_start(&rd, plan, paths, nread, threads);
    for (;;) {
        bool over;
        sender_tick(&s);
        struct file_result *r = reader_take(&rd, &over);
        if (r) {
            if (!s.stop_seen && r->status != AGGREGATE_INTERRUPTED) {
                s.packets += r->stats.packets;
                send_result(&s, r, (uint32_t)s.local_index[r->index]);
            }
            free_result(r);
            continue;
        }
        if (over)
            break;
        nap(s.out_count ? NAP_SENDING_NS : NAP_IDLE_NS);
    }
    reader_join(&rd);
    reap(&s, true);

    struct done d = {s.results, 0, threads, s.packets, bytes, now_ns() - start};
    if (!plan_ok)
        d.flags |= DONE_NO_PLAN;
    if (s.results != n)
        d.flags |= DONE_STOPPED;
    uint8_t out[DONE_BYTES];
    done_encode(&d, out);
    MPI_Send(out, DONE_BYTES, MPI_BYTE, 0, TAG_DONE, MPI_COMM_WORLD);

    uint8_t stop_sent = 0;
    MPI_Request end;
    MPI_Irecv(&stop_sent, 1, MPI_BYTE, 0, TAG_END, MPI_COMM_WORLD, &end);
    wait_all(1, &end, NAP_IDLE_NS);
    if (stop_sent) {
        MPI_Wait(&s.stop_request, MPI_STATUS_IGNORE);
    } else {
        MPI_Cancel(&s.stop_request);
        MPI_Wait(&s.stop_request, MPI_STATUS_IGNORE);
    }
    free(s.out);
    free(all);
    free(all_index);
    free(paths);
    free(s.local_index);
    if (s.results != n || s.stop_seen) {
        snprintf(err, errlen, "rank %d stopped: rank 0 ended the pass", rank);
        return -1;
    }
    return 0;
}

int dist_run(const struct dist_plan *plan, int rank, int ranks, dist_consume_fn consume, void *ctx,
             struct cube *merge_into, bool quiet, char *err, size_t errlen)
{
    if (rank == 0)
        return run_rank0(plan, ranks, consume, ctx, merge_into, quiet, err, errlen);
    return run_sender(plan, rank, plan->verb != 0, err, errlen);
}
