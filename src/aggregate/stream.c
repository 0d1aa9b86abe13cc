/*
 * Many capture files as one stream, counted on every core.
 *
 * The files are merged by packet time, as one capture would have held them:
 * a file is opened when the stream's time reaches its first packet, and
 * the next packet is always the earliest among the open files (ties to the
 * file that started first). So rotated pieces of one capture read as the
 * whole, and the flows of the run carry from one file into the next: a
 * conversation that crosses a file boundary stays one flow, its initiator
 * kept. Flows end only by timeout, eviction or at the end of the input.
 *
 * One thread reads and decodes; it hands each packet to the worker its
 * remote address hashes to, so that every flow, cube row and evidence value
 * of a remote lives in one worker and the workers never share a key: their
 * cubes are added together at the end. One worker has a thread of its own
 * too: reading and decoding then overlap its counting, which on a flood of
 * new sources is most of the work. What a worker is handed is a copy of the
 * decoded packet and of its payload, in batches.
 *
 * For a store (aggregate_stream_files()) each file keeps its own rows: a
 * packet counts in the file it was read from; what a flow leaves when it
 * ends (its evidence, an expiry) counts in the file whose packet was being
 * counted then, or in the last file read for the flows the end of the input
 * ends. A file is handed to the caller once every worker is past its end:
 * the worker that finishes it last sorts its rows (config->row_order), and
 * a writer thread of its own hands it to the caller, so that reading and
 * counting go on while the store writes.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/capture.h"
#include "../common/hash.h"
#include "../common/xalloc.h"
#include "aggregate_int.h"

#define BATCH_BYTES (1u << 20)
#define BATCHES_QUEUED 4 /* per worker: the reader waits beyond that */

/*
 * Files open at once. Files of one sensor follow each other and overlap
 * little; files of many sensors over one period are open together, up to
 * this many: beyond it a file waits for one to close, and its packets come
 * late (they join their flows all the same, docs/semantics.md).
 */
#define OPEN_FILES_MAX 64

#define NO_FILE SIZE_MAX

/* One packet in a batch; its payload bytes follow, padded to 8. */
struct record {
    int64_t ts_ns;
    struct decoded_packet p; /* p.payload is set when the record is read */
    uint32_t kind;           /* enum direction, FILE_END or INPUT_END */
    uint32_t payload_len;
    uint64_t file; /* index into the paths given */
};

/* Records that are no packet: a file was read to its end (file)... */
#define FILE_END 0xfeu
/* ...or the input was (file: 1 when stopped early). */
#define INPUT_END 0xffu

struct batch {
    size_t used;
    unsigned char *bytes; /* BATCH_BYTES */
};

/* A file's parts from the workers, added up as they come (store mode). */
struct file_part {
    struct cube *cube;
    struct input_stats flows; /* flow and evidence counts */
    unsigned parts_left;
    /*
     * Each worker's rows sorted on its own thread, as runs of the cube's
     * rows; unsorted when a part's rows could not keep their order in it.
     */
    struct sorted_run *runs;
    size_t nruns;
    bool unsorted;
    const struct cube_row **sorted; /* the cube's rows, sorted once the parts are in */
};

static void free_runs(struct file_part *part)
{
    for (size_t i = 0; i < part->nruns; i++)
        free((void *)part->runs[i].index);
    free(part->runs);
    part->runs = NULL;
    part->nruns = 0;
}

/*
 * Files settled and waiting for the writer thread, which hands them to the
 * caller in the order they came. The reader waits while WRITER_WAITING are
 * there, so that no more files than that wait in memory beside the one
 * being written.
 */
#define WRITER_WAITING 1

struct writer {
    pthread_t thread;
    bool running;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    struct file_result *queue[WRITER_WAITING];
    size_t head, count;
    bool closed; /* nothing more will come */
};

struct stream;

struct worker {
    pthread_t thread;
    struct stream *stream;
    struct shard shard;
    struct cube *cube;        /* a report: every file's rows */
    struct input_stats stats; /* a report: flow and evidence counts */
    /* The queue of full batches, and the batch the reader fills. */
    struct batch queue[BATCHES_QUEUED];
    size_t head, count;
    bool done; /* the reader has nothing more */
    struct batch filling;
    pthread_mutex_t lock;
    pthread_cond_t changed;
};

struct stream {
    const struct aggregate_config *config;
    struct worker *workers;
    unsigned nworkers;
    struct hash_key shard_key;
    const char *const *paths;
    size_t count;
    struct stream_file *files;
    size_t reading; /* the file whose packet is being delivered */
    bool stopped;   /* config->stop was raised: files not settled are not handed on */
    /* A store: each file handed to done once its parts are in. */
    int (*done)(void *ctx, struct file_result *result);
    void *ctx;
    _Atomic int done_status; /* the first nonzero return of done: stop */
    struct writer writer;
    pthread_mutex_t parts_lock;
    struct file_part *parts;
    size_t *ready, ready_count;
};

static size_t record_size(size_t payload_len)
{
    return (sizeof(struct record) + payload_len + 7) & ~(size_t)7;
}

/* ---- counting (in a worker) ---------------------------------------------------- */

static void worker_packet(struct worker *w, const struct decoded_packet *p, enum direction dir,
                          int64_t ts_ns, size_t file)
{
    if (w->shard.files && file != w->shard.file)
        shard_set_file(&w->shard, (uint32_t)file);
    shard_packet(&w->shard, w->stream->config, p, dir, ts_ns);
}

/*
 * The shard's settled hook: gives the worker's part of file to the stream.
 * Each part is sorted by the worker that counted it, side by side with the
 * others; the last part's worker merges the sorted runs, which costs a
 * fraction of sorting them all on one thread.
 */
static void hand_part(void *ctx, uint32_t file, struct shard_file *sf)
{
    struct worker *w = ctx;
    struct stream *s = w->stream;
    struct cube *cube = sf->cube;
    sf->cube = NULL;
    size_t nsorted = 0;
    uint32_t *order = NULL;
    /* Sorted here only when the rows can keep that order in the file's cube, which may spill. */
    pthread_mutex_lock(&s->parts_lock);
    struct file_part *part = &s->parts[file];
    bool keeps_order =
        cube && !part->unsorted &&
        (!part->cube || (!cube_spilled(part->cube) && cube_fits(part->cube, cube_row_count(cube))));
    pthread_mutex_unlock(&s->parts_lock);
    if (keeps_order)
        order = aggregate_sort_index(s->config, cube, &nsorted);
    pthread_mutex_lock(&s->parts_lock);
    size_t offset = 0;
    bool in_order = true;
    if (cube && !part->cube) {
        part->cube = cube;
    } else if (cube) {
        /* Workers hold disjoint remotes: adding their rows never meets a key twice. */
        offset = cube_row_count(part->cube);
        in_order = cube_absorb_disjoint(part->cube, cube);
    }
    if (order && in_order) {
        if (!part->runs)
            part->runs = xcalloc(s->nworkers, sizeof(*part->runs));
        part->runs[part->nruns++] = (struct sorted_run){order, nsorted, offset};
    } else {
        free(order);
        part->unsorted |= cube != NULL;
    }
    input_stats_merge(&part->flows, &sf->stats);
    bool last = --part->parts_left == 0;
    pthread_mutex_unlock(&s->parts_lock);
    if (!last)
        return;
    /* Every part is in and no other worker touches the file. */
    const struct cube_row **sorted = NULL;
    if (part->cube && !part->unsorted)
        sorted = aggregate_merge_sorted(s->config, part->cube, part->runs, part->nruns);
    if (part->cube && !sorted)
        sorted = aggregate_sort_rows(s->config, part->cube);
    pthread_mutex_lock(&s->parts_lock);
    free_runs(part);
    part->sorted = sorted;
    s->ready[s->ready_count++] = file;
    pthread_mutex_unlock(&s->parts_lock);
}

/* File was read to its end. */
static void worker_file_end(struct worker *w, size_t file)
{
    if (w->shard.files)
        shard_end_file(&w->shard, (uint32_t)file);
}

/*
 * The input was read: every flow ends, each file is settled. Stopped, the
 * files not settled yet are left for the next run to read whole.
 */
static void worker_input_end(struct worker *w, bool stopped)
{
    if (!stopped)
        shard_finish(&w->shard, w->stream->config, &w->stats);
    shard_release(&w->shard);
}

static void count_batch(struct worker *w, const struct batch *b)
{
    for (size_t at = 0; at < b->used;) {
        struct record rec;
        memcpy(&rec, b->bytes + at, sizeof(rec));
        size_t size = record_size(rec.payload_len);
        if (rec.kind == FILE_END) {
            worker_file_end(w, (size_t)rec.file);
        } else if (rec.kind == INPUT_END) {
            worker_input_end(w, rec.file != 0);
        } else {
            rec.p.payload = b->bytes + at + sizeof(rec);
            rec.p.payload_len = rec.payload_len;
            worker_packet(w, &rec.p, (enum direction)rec.kind, rec.ts_ns, (size_t)rec.file);
        }
        at += size;
    }
}

static void *work(void *arg)
{
    struct worker *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->lock);
        while (!w->count && !w->done)
            pthread_cond_wait(&w->changed, &w->lock);
        if (!w->count) {
            pthread_mutex_unlock(&w->lock);
            break;
        }
        struct batch b = w->queue[w->head];
        pthread_mutex_unlock(&w->lock);
        count_batch(w, &b);
        pthread_mutex_lock(&w->lock);
        /* Its slot leaves the full ones: a spare for the reader to swap in. */
        w->queue[w->head].used = 0;
        w->head = (w->head + 1) % BATCHES_QUEUED;
        w->count--;
        pthread_cond_broadcast(&w->changed);
        pthread_mutex_unlock(&w->lock);
    }
    return NULL;
}

/* ---- handing over (in the reader) ----------------------------------------------- */

/*
 * Hands the reader's full batch to its worker and gives the reader an empty
 * one back. The batches of a worker circulate: its ring always holds
 * BATCHES_QUEUED of them, the full ones from head on, the rest spare, and
 * the reader swaps its filled batch for the spare after the full ones. The
 * worker reads the batch at head without the lock: the reader never touches
 * that slot while it is full.
 */
static void hand_over(struct worker *w)
{
    pthread_mutex_lock(&w->lock);
    while (w->count == BATCHES_QUEUED - 1)
        pthread_cond_wait(&w->changed, &w->lock);
    size_t slot = (w->head + w->count) % BATCHES_QUEUED;
    struct batch empty = w->queue[slot];
    w->queue[slot] = w->filling;
    w->count++;
    w->filling = empty;
    w->filling.used = 0;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
}

static void push(struct worker *w, const struct decoded_packet *p, uint32_t kind, int64_t ts_ns,
                 size_t file)
{
    size_t payload = p->payload_len > 65535 ? 65535 : p->payload_len;
    size_t need = record_size(payload);
    if (w->filling.used + need > BATCH_BYTES)
        hand_over(w);
    struct record rec;
    memset(&rec, 0, sizeof(rec));
    rec.ts_ns = ts_ns;
    rec.p = *p;
    rec.p.payload = NULL;
    rec.kind = kind;
    rec.payload_len = (uint32_t)payload;
    rec.file = file;
    unsigned char *at = w->filling.bytes + w->filling.used;
    memcpy(at, &rec, sizeof(rec));
    if (payload)
        memcpy(at + sizeof(rec), p->payload, payload);
    w->filling.used += need;
}

static void deliver(void *ctx, const struct decoded_packet *p, enum direction dir, int64_t ts_ns)
{
    struct stream *s = ctx;
    /* One worker takes every packet: no remote to hash on the reading thread. */
    size_t to = 0;
    if (s->nworkers > 1) {
        const struct ip_addr *remote = dir == DIR_IN ? &p->src : &p->dst;
        to = hash_bytes(&s->shard_key, remote, sizeof(*remote)) % s->nworkers;
    }
    push(&s->workers[to], p, (uint32_t)dir, ts_ns, s->reading);
}

/* Tells every worker that file was read. */
static void end_file(struct stream *s, size_t file)
{
    struct decoded_packet none;
    memset(&none, 0, sizeof(none));
    for (unsigned i = 0; i < s->nworkers; i++)
        push(&s->workers[i], &none, FILE_END, 0, file);
}

/* Tells every worker that the input was read (or stopped). */
static void end_input(struct stream *s)
{
    struct decoded_packet none;
    memset(&none, 0, sizeof(none));
    for (unsigned i = 0; i < s->nworkers; i++)
        push(&s->workers[i], &none, INPUT_END, 0, s->stopped);
}

/* ---- the writer (store mode) ------------------------------------------------------- */

static void free_result(struct file_result *r)
{
    free((void *)r->sorted);
    cube_free(r->cube);
    free(r);
}

/* Hands each result to done, in order, until the queue is closed and empty. */
static void *write_results(void *arg)
{
    struct stream *s = arg;
    struct writer *w = &s->writer;
    for (;;) {
        pthread_mutex_lock(&w->lock);
        while (!w->count && !w->closed)
            pthread_cond_wait(&w->changed, &w->lock);
        if (!w->count) {
            pthread_mutex_unlock(&w->lock);
            return NULL;
        }
        struct file_result *r = w->queue[w->head];
        w->head = (w->head + 1) % WRITER_WAITING;
        w->count--;
        pthread_cond_broadcast(&w->changed);
        pthread_mutex_unlock(&w->lock);
        /* After a refusal nothing more is handed on: the caller stops. */
        if (!atomic_load(&s->done_status))
            atomic_store(&s->done_status, s->done(s->ctx, r));
        free_result(r);
    }
}

static void writer_start(struct stream *s)
{
    struct writer *w = &s->writer;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->changed, NULL);
    w->running = pthread_create(&w->thread, NULL, write_results, s) == 0;
}

/* Gives r to the writer, waiting for room; without a writer thread, writes it here. */
static void writer_push(struct stream *s, struct file_result *r)
{
    struct writer *w = &s->writer;
    if (!w->running) {
        if (!atomic_load(&s->done_status))
            atomic_store(&s->done_status, s->done(s->ctx, r));
        free_result(r);
        return;
    }
    pthread_mutex_lock(&w->lock);
    while (w->count == WRITER_WAITING)
        pthread_cond_wait(&w->changed, &w->lock);
    w->queue[(w->head + w->count) % WRITER_WAITING] = r;
    w->count++;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
}

/* Waits until every result given was written. */
static void writer_stop(struct stream *s)
{
    struct writer *w = &s->writer;
    if (w->running) {
        pthread_mutex_lock(&w->lock);
        w->closed = true;
        pthread_cond_broadcast(&w->changed);
        pthread_mutex_unlock(&w->lock);
        pthread_join(w->thread, NULL);
    }
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->changed);
}

/* Hands the files whose parts are all in to the writer (store mode, in the reader's thread). */
static void deliver_ready(struct stream *s)
{
    if (!s->done)
        return;
    for (;;) {
        pthread_mutex_lock(&s->parts_lock);
        size_t file = s->ready_count ? s->ready[--s->ready_count] : NO_FILE;
        pthread_mutex_unlock(&s->parts_lock);
        if (file == NO_FILE)
            return;
        struct file_part *part = &s->parts[file];
        struct file_result *result = xcalloc(1, sizeof(*result));
        result->index = file;
        result->cube = part->cube ? part->cube : cube_new();
        result->sorted = part->sorted;
        part->cube = NULL;
        part->sorted = NULL;
        result->stats = s->files[file].stats;
        result->sample = s->files[file].sample;
        input_stats_merge(&result->stats, &part->flows);
        result->status = s->files[file].status;
        memcpy(result->error, s->files[file].error, sizeof(result->error));
        writer_push(s, result);
    }
}

/* ---- the order of the files ------------------------------------------------------ */

struct file_order {
    size_t index;
    int64_t first_ns; /* INT64_MAX when the file has no packet or cannot be read */
};

static int file_order_cmp(const void *a, const void *b)
{
    const struct file_order *x = a, *y = b;
    if (x->first_ns != y->first_ns)
        return x->first_ns < y->first_ns ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int64_t first_packet_time(const char *path)
{
    char err[512];
    struct capture_packet cp;
    struct capture_file *file = capture_open(path, err, sizeof(err));
    int64_t t = INT64_MAX;
    if (file && capture_next(file, &cp) == CAPTURE_PACKET)
        t = cp.ts_ns;
    capture_close(file);
    return t;
}

/* ---- merging the files by packet time -------------------------------------------- */

struct open_file {
    struct capture_file *file;
    struct file_reader reader;
    struct capture_packet next; /* its packet to deliver next */
    size_t rank;                /* its place in time order: breaks ties */
    size_t index;
};

struct merge {
    struct open_file *heap[OPEN_FILES_MAX];
    size_t count;
};

static bool before(const struct open_file *a, const struct open_file *b)
{
    if (a->next.ts_ns != b->next.ts_ns)
        return a->next.ts_ns < b->next.ts_ns;
    return a->rank < b->rank;
}

static void sift_down(struct merge *m, size_t i)
{
    for (;;) {
        size_t least = i, l = 2 * i + 1, r = l + 1;
        if (l < m->count && before(m->heap[l], m->heap[least]))
            least = l;
        if (r < m->count && before(m->heap[r], m->heap[least]))
            least = r;
        if (least == i)
            return;
        struct open_file *t = m->heap[i];
        m->heap[i] = m->heap[least];
        m->heap[least] = t;
        i = least;
    }
}

static void sift_up(struct merge *m, size_t i)
{
    while (i && before(m->heap[i], m->heap[(i - 1) / 2])) {
        struct open_file *t = m->heap[i];
        m->heap[i] = m->heap[(i - 1) / 2];
        m->heap[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

/* A file is read (to its end, an error, or a stop): tells the workers. */
static void close_file(struct stream *s, struct open_file *of, enum capture_status status,
                       bool stopped)
{
    struct stream_file *f = &s->files[of->index];
    file_reader_finish(&of->reader, s->config);
    if (f->sample) /* kept until every file is read: only as large as it is */
        f->sample = capture_sample_shrink(f->sample);
    if (stopped && status == CAPTURE_PACKET) {
        snprintf(f->error, sizeof(f->error), "'%s': interrupted", s->paths[of->index]);
        f->status = AGGREGATE_INTERRUPTED;
    } else if (status == CAPTURE_ERROR) {
        snprintf(f->error, sizeof(f->error), "%s", capture_error(of->file));
        f->stats.files_failed++;
        f->status = -1;
    }
    capture_close(of->file);
    end_file(s, of->index);
    if (s->config->files_read)
        ++*s->config->files_read;
    if (s->config->tick)
        s->config->tick(s->config->tick_ctx);
    free(of);
}

/* Opens the file index (rank in time order); it joins the merge with its first packet. */
static void open_file(struct stream *s, struct merge *m, size_t index, size_t rank)
{
    struct stream_file *f = &s->files[index];
    f->stats.files++;
    struct capture_file *file = capture_open(s->paths[index], f->error, sizeof(f->error));
    if (!file) {
        f->stats.files_failed++;
        f->status = -1;
        end_file(s, index);
        if (s->config->files_read)
            ++*s->config->files_read;
        return;
    }
    struct open_file *of = xcalloc(1, sizeof(*of));
    of->file = file;
    of->rank = rank;
    of->index = index;
    file_reader_start(&of->reader, file, &f->stats);
    if (s->config->sample_packets) {
        f->sample = capture_sample_new();
        of->reader.sample = f->sample;
    }
    enum capture_status status = capture_next(file, &of->next);
    if (status != CAPTURE_PACKET) {
        close_file(s, of, status, false);
        return;
    }
    m->heap[m->count++] = of;
    sift_up(m, m->count - 1);
}

/* Reads every file, merged by packet time, into the workers. */
static void read_merged(struct stream *s, const struct file_order *order, size_t ordered)
{
    struct merge m;
    memset(&m, 0, sizeof(m));
    size_t next = 0;
    while (!s->stopped) {
        /* Opens the files whose first packet is due. */
        while (next < ordered && m.count < OPEN_FILES_MAX &&
               (!m.count || order[next].first_ns <= m.heap[0]->next.ts_ns)) {
            open_file(s, &m, order[next].index, next);
            next++;
            deliver_ready(s);
        }
        if (!m.count) {
            if (next == ordered)
                break;
            continue;
        }
        struct open_file *of = m.heap[0];
        s->reading = of->index;
        s->stopped = !file_reader_packet(&of->reader, s->config, &of->next, deliver, s);
        if ((of->reader.stats->packets & 0xffff) == 0)
            deliver_ready(s);
        s->stopped |= atomic_load(&s->done_status) != 0;
        enum capture_status status = capture_next(of->file, &of->next);
        if (status == CAPTURE_PACKET) {
            sift_down(&m, 0);
            continue;
        }
        m.heap[0] = m.heap[--m.count];
        sift_down(&m, 0);
        close_file(s, of, status, false);
        deliver_ready(s);
    }
    /* Stopped: the files open are incomplete; those not opened are not read. */
    while (m.count) {
        struct open_file *of = m.heap[--m.count];
        close_file(s, of, CAPTURE_PACKET, true);
    }
    end_input(s);
}

/* ---- flow logs, after the captures ---------------------------------------------------- */

/*
 * Reads the flow logs of the run, each whole, into cube (a report) or into a
 * cube of its own handed to done (a store). Their records start flows of
 * their own, so they need no merging by time; what the captures of the run
 * (and, for a store, those stored before) cover is left out.
 */
static void read_flowlogs(struct stream *s, struct cube *cube, const bool *flowlog)
{
    const struct aggregate_config *config = s->config;
    struct time_spans covered;
    time_spans_init(&covered);
    for (size_t i = 0; config->covered && i < config->covered->count; i++)
        time_spans_add(&covered, config->covered->span[i][0], config->covered->span[i][1]);
    for (size_t i = 0; i < s->count; i++)
        if (!flowlog[i] && s->files[i].stats.packets)
            time_spans_add(&covered, s->files[i].stats.first_ns, s->files[i].stats.last_ns);
    time_spans_seal(&covered);
    for (size_t i = 0; i < s->count; i++) {
        if (!flowlog[i])
            continue;
        if (s->stopped || atomic_load(&s->done_status) || (config->stop && *config->stop))
            break;
        struct stream_file *f = &s->files[i];
        struct cube *into = cube;
        if (s->done)
            into = cube_new_counting(config);
        f->status = aggregate_flowlog(into, config, s->paths[i], &covered, &f->stats, f->error,
                                      sizeof(f->error));
        if (config->files_read)
            ++*config->files_read;
        if (config->packets_read)
            atomic_fetch_add(config->packets_read, f->stats.packets);
        if (config->tick)
            config->tick(config->tick_ctx);
        if (!s->done)
            continue;
        struct file_result *result = xcalloc(1, sizeof(*result));
        result->index = i;
        result->cube = into;
        result->sorted = aggregate_sort_rows(config, into);
        result->stats = f->stats;
        result->status = f->status;
        memcpy(result->error, f->error, sizeof(result->error));
        writer_push(s, result);
    }
    time_spans_release(&covered);
}

/* ---- the stream -------------------------------------------------------------------- */

static void start_workers(struct stream *s)
{
    const struct aggregate_config *config = s->config;
    s->workers = xcalloc(s->nworkers, sizeof(*s->workers));
    for (unsigned i = 0; i < s->nworkers; i++) {
        struct worker *w = &s->workers[i];
        w->stream = s;
        input_stats_init(&w->stats);
        if (s->done) {
            shard_init_files(&w->shard, s->count, config, hand_part, w);
        } else {
            w->cube = cube_new_counting(config);
            shard_init(&w->shard, w->cube, config);
        }
        for (size_t b = 0; b < BATCHES_QUEUED; b++)
            w->queue[b].bytes = xmalloc(BATCH_BYTES);
        w->filling.bytes = xmalloc(BATCH_BYTES);
        pthread_mutex_init(&w->lock, NULL);
        pthread_cond_init(&w->changed, NULL);
        if (pthread_create(&w->thread, NULL, work, w) != 0)
            abort();
    }
}

static void stop_workers(struct stream *s, struct cube *cube, struct input_stats *total)
{
    for (unsigned i = 0; i < s->nworkers; i++) {
        struct worker *w = &s->workers[i];
        if (w->filling.used)
            hand_over(w);
        pthread_mutex_lock(&w->lock);
        w->done = true;
        pthread_cond_broadcast(&w->changed);
        pthread_mutex_unlock(&w->lock);
    }
    for (unsigned i = 0; i < s->nworkers; i++) {
        struct worker *w = &s->workers[i];
        pthread_join(w->thread, NULL);
        for (size_t b = 0; b < BATCHES_QUEUED; b++)
            free(w->queue[b].bytes);
        free(w->filling.bytes);
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->changed);
        if (total)
            input_stats_merge(total, &w->stats);
    }
    if (cube) {
        /*
         * Workers hold disjoint remotes: adding their cubes never meets a key
         * twice. The biggest is taken as it is, the others added to it.
         */
        unsigned biggest = 0;
        for (unsigned i = 1; i < s->nworkers; i++)
            if (cube_row_count(s->workers[i].cube) > cube_row_count(s->workers[biggest].cube))
                biggest = i;
        cube_absorb_disjoint(cube, s->workers[biggest].cube);
        for (unsigned i = 0; i < s->nworkers; i++)
            if (i != biggest)
                cube_absorb_disjoint(cube, s->workers[i].cube);
    }
    free(s->workers);
}

/* Reads paths into cube (a report) or file by file to done (a store). */
static int run_stream(const char *const *paths, size_t count, const struct aggregate_config *config,
                      unsigned workers, struct cube *cube, struct stream_file *files,
                      struct input_stats *total, int (*done)(void *, struct file_result *),
                      void *ctx)
{
    struct stream s;
    memset(&s, 0, sizeof(s));
    atomic_init(&s.done_status, 0);
    s.config = config;
    s.paths = paths;
    s.count = count;
    s.files = files;
    s.nworkers = workers ? workers : 1;
    s.done = done;
    s.ctx = ctx;
    hash_key_init(&s.shard_key);
    pthread_mutex_init(&s.parts_lock, NULL);
    if (done) {
        s.parts = xcalloc(count ? count : 1, sizeof(*s.parts));
        s.ready = xcalloc(count ? count : 1, sizeof(*s.ready));
        for (size_t i = 0; i < count; i++) {
            input_stats_init(&s.parts[i].flows);
            s.parts[i].parts_left = s.nworkers;
        }
    }

    /* Captures are merged by time; flow logs are read after them (read_flowlogs()). */
    struct file_order *order = xcalloc(count ? count : 1, sizeof(*order));
    bool *flowlog = xcalloc(count ? count : 1, sizeof(*flowlog));
    size_t ordered = 0;
    for (size_t i = 0; i < count; i++) {
        input_stats_init(&files[i].stats);
        files[i].status = 0;
        files[i].error[0] = '\0';
        files[i].sample = NULL;
        int64_t first_ns = first_packet_time(paths[i]);
        if (first_ns == INT64_MAX && aggregate_is_flowlog(paths[i])) {
            flowlog[i] = true;
            continue;
        }
        order[ordered].index = i;
        order[ordered++].first_ns = first_ns;
    }
    qsort(order, ordered, sizeof(*order), file_order_cmp);

    if (done)
        writer_start(&s);
    start_workers(&s);
    read_merged(&s, order, ordered);
    stop_workers(&s, cube, total);
    deliver_ready(&s);
    read_flowlogs(&s, cube, flowlog);
    if (done)
        writer_stop(&s);
    free(flowlog);

    int failed = 0;
    for (size_t i = 0; i < count; i++) {
        failed |= files[i].status != 0;
        if (total)
            input_stats_merge(total, &files[i].stats);
    }
    for (size_t i = 0; done && i < count; i++) {
        cube_free(s.parts[i].cube);
        free_runs(&s.parts[i]);
        free((void *)s.parts[i].sorted);
    }
    free(s.parts);
    free(s.ready);
    free(order);
    pthread_mutex_destroy(&s.parts_lock);
    if (done)
        return atomic_load(&s.done_status);
    return failed ? -1 : 0;
}

int aggregate_stream(const char *const *paths, size_t count, const struct aggregate_config *config,
                     unsigned workers, struct cube *cube, struct stream_file *files,
                     struct input_stats *total)
{
    return run_stream(paths, count, config, workers, cube, files, total, NULL, NULL);
}

int aggregate_stream_files(const char *const *paths, size_t count,
                           const struct aggregate_config *config, unsigned workers,
                           int (*done)(void *ctx, struct file_result *result), void *ctx)
{
    struct stream_file *files = xcalloc(count ? count : 1, sizeof(*files));
    int ret = run_stream(paths, count, config, workers, NULL, files, NULL, done, ctx);
    for (size_t i = 0; i < count; i++)
        free(files[i].sample);
    free(files);
    return ret;
}
