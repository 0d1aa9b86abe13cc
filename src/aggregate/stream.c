/*
 * Many capture files as one stream, counted on every core.
 *
 * The files are read one after the other in time order (by their first
 * packet). One thread reads and decodes; it hands each packet to the worker
 * its remote address hashes to, so that every flow, cube row and evidence
 * value of a remote lives in one worker and the workers never share a key:
 * their cubes are added together at the end. With one worker the reading
 * thread counts too. What a worker is handed is a copy of the decoded packet
 * and of its payload, in batches. At the end of each file every worker ends
 * its flows, as the store does file by file (docs/semantics.md), so a report
 * from captures and one from their store agree.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/capture.h"
#include "../common/hash.h"
#include "../common/xalloc.h"
#include "aggregate_int.h"

#define BATCH_BYTES (1u << 20)
#define BATCHES_QUEUED 4 /* per worker: the reader waits beyond that */

/* One packet in a batch; its payload bytes follow, padded to 8. */
struct record {
    int64_t ts_ns;
    struct decoded_packet p; /* p.payload is set when the record is read */
    uint32_t dir;            /* enum direction, or FILE_END */
    uint32_t payload_len;
};

/* A record that is no packet: the file ended, its last packet at ts_ns. */
#define FILE_END 0xffu

struct batch {
    size_t used;
    unsigned char *bytes; /* BATCH_BYTES */
};

struct worker {
    pthread_t thread;
    struct shard shard;
    struct cube *cube;
    struct input_stats stats; /* flow and evidence counts */
    /* The queue of full batches, and the batch the reader fills. */
    struct batch queue[BATCHES_QUEUED];
    size_t head, count;
    bool done; /* the reader has nothing more */
    struct batch filling;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    const struct aggregate_config *config;
};

static size_t record_size(size_t payload_len)
{
    return (sizeof(struct record) + payload_len + 7) & ~(size_t)7;
}

static void count_batch(struct worker *w, const struct batch *b)
{
    for (size_t at = 0; at < b->used;) {
        struct record rec;
        memcpy(&rec, b->bytes + at, sizeof(rec));
        at += record_size(rec.payload_len);
        if (rec.dir == FILE_END) {
            shard_finish(&w->shard, w->config, rec.ts_ns, &w->stats);
            shard_init(&w->shard, w->cube, w->config);
            continue;
        }
        rec.p.payload = b->bytes + at - record_size(rec.payload_len) + sizeof(rec);
        rec.p.payload_len = rec.payload_len;
        shard_packet(&w->shard, w->config, &rec.p, (enum direction)rec.dir, rec.ts_ns);
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
    shard_finish(&w->shard, w->config, INT64_MIN, &w->stats); /* empty: every file ended */
    return NULL;
}

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

static void push(struct worker *w, const struct decoded_packet *p, uint32_t dir, int64_t ts_ns)
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
    rec.dir = dir;
    rec.payload_len = (uint32_t)payload;
    unsigned char *at = w->filling.bytes + w->filling.used;
    memcpy(at, &rec, sizeof(rec));
    if (payload)
        memcpy(at + sizeof(rec), p->payload, payload);
    w->filling.used += need;
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

/* ---- reading ----------------------------------------------------------------------- */

struct reader {
    const struct aggregate_config *config;
    struct worker *workers;
    unsigned nworkers;
    struct shard inline_shard; /* one worker: counted as read */
    struct hash_key shard_key;
};

static void dispatch(struct reader *rd, const struct decoded_packet *p, enum direction dir,
                     int64_t ts_ns)
{
    if (rd->nworkers <= 1) {
        shard_packet(&rd->inline_shard, rd->config, p, dir, ts_ns);
        return;
    }
    const struct ip_addr *remote = dir == DIR_IN ? &p->src : &p->dst;
    uint64_t h = hash_bytes(&rd->shard_key, remote, sizeof(*remote));
    push(&rd->workers[h % rd->nworkers], p, (uint32_t)dir, ts_ns);
}

/* Every worker ends its flows: the file ended, its last packet at last_ns. */
static void end_file(struct reader *rd, int64_t last_ns, struct input_stats *stats)
{
    if (rd->nworkers <= 1) {
        shard_finish(&rd->inline_shard, rd->config, last_ns, stats);
        shard_init(&rd->inline_shard, rd->inline_shard.cube, rd->config);
        return;
    }
    struct decoded_packet none;
    memset(&none, 0, sizeof(none));
    for (unsigned i = 0; i < rd->nworkers; i++)
        push(&rd->workers[i], &none, FILE_END, last_ns);
}

/* Reads one file into the stream; its own counts go to f. */
static void deliver(void *ctx, const struct decoded_packet *p, enum direction dir, int64_t ts_ns)
{
    dispatch(ctx, p, dir, ts_ns);
}

/* Reads one file into the stream; its own counts go to f. */
static void read_file(struct reader *rd, const char *path, struct stream_file *f)
{
    struct input_stats *stats = &f->stats;
    struct capture_file *file = capture_open(path, f->error, sizeof(f->error));
    stats->files++;
    if (!file) {
        stats->files_failed++;
        f->status = -1;
        return;
    }
    if (read_capture(file, rd->config, stats, deliver, rd) == CAPTURE_ERROR) {
        snprintf(f->error, sizeof(f->error), "%s", capture_error(file));
        stats->files_failed++;
        f->status = -1;
    }
    capture_close(file);
}

int aggregate_stream(const char *const *paths, size_t count, const struct aggregate_config *config,
                     unsigned workers, struct cube *cube, struct stream_file *files,
                     struct input_stats *total)
{
    struct reader rd;
    memset(&rd, 0, sizeof(rd));
    rd.config = config;
    rd.nworkers = workers ? workers : 1;
    hash_key_init(&rd.shard_key);

    struct file_order *order = xcalloc(count ? count : 1, sizeof(*order));
    for (size_t i = 0; i < count; i++) {
        order[i].index = i;
        order[i].first_ns = first_packet_time(paths[i]);
        input_stats_init(&files[i].stats);
        files[i].status = 0;
        files[i].error[0] = '\0';
    }
    qsort(order, count, sizeof(*order), file_order_cmp);

    if (rd.nworkers == 1) {
        shard_init(&rd.inline_shard, cube, config);
    } else {
        rd.workers = xcalloc(rd.nworkers, sizeof(*rd.workers));
        for (unsigned i = 0; i < rd.nworkers; i++) {
            struct worker *w = &rd.workers[i];
            w->config = config;
            w->cube = cube_new();
            if (config->cube_max_rows)
                cube_set_budget(w->cube, config->cube_max_rows, config->tmp_dir);
            input_stats_init(&w->stats);
            shard_init(&w->shard, w->cube, config);
            for (size_t b = 0; b < BATCHES_QUEUED; b++)
                w->queue[b].bytes = xmalloc(BATCH_BYTES);
            w->filling.bytes = xmalloc(BATCH_BYTES);
            pthread_mutex_init(&w->lock, NULL);
            pthread_cond_init(&w->changed, NULL);
            if (pthread_create(&w->thread, NULL, work, w) != 0)
                abort();
        }
    }

    int failed = 0;
    for (size_t k = 0; k < count; k++) {
        struct stream_file *f = &files[order[k].index];
        read_file(&rd, paths[order[k].index], f);
        end_file(&rd, f->stats.last_ns, total);
        if (config->files_read)
            ++*config->files_read;
        if (config->tick)
            config->tick(config->tick_ctx);
        failed |= f->status != 0;
        input_stats_merge(total, &f->stats);
    }

    if (rd.nworkers == 1) {
        shard_finish(&rd.inline_shard, config, INT64_MIN, total);
    } else {
        for (unsigned i = 0; i < rd.nworkers; i++) {
            struct worker *w = &rd.workers[i];
            if (w->filling.used)
                hand_over(w);
            pthread_mutex_lock(&w->lock);
            w->done = true;
            pthread_cond_broadcast(&w->changed);
            pthread_mutex_unlock(&w->lock);
        }
        for (unsigned i = 0; i < rd.nworkers; i++) {
            struct worker *w = &rd.workers[i];
            pthread_join(w->thread, NULL);
            input_stats_merge(total, &w->stats);
            /* Workers hold disjoint remotes: adding their cubes never meets a key twice. */
            cube_merge(cube, w->cube);
            cube_free(w->cube);
            for (size_t b = 0; b < BATCHES_QUEUED; b++)
                free(w->queue[b].bytes);
            free(w->filling.bytes);
            pthread_mutex_destroy(&w->lock);
            pthread_cond_destroy(&w->changed);
        }
        free(rd.workers);
    }
    free(order);
    return failed ? -1 : 0;
}
