/*
 * Many capture files over several threads.
 *
 * Files are the unit of work: a worker takes the next file, reads it into a
 * cube of its own, and posts the result; the calling thread consumes results
 * as they come (merging cubes, or writing them to the store). Workers wait
 * when as many results as there are workers are already waiting, so memory
 * stays bounded by the thread count, not the number of files.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/xalloc.h"
#include "aggregate.h"
#include "aggregate_int.h"

struct pool {
    const char *const *paths;
    size_t count;
    const struct aggregate_config *config;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    size_t next;                /* next file to take */
    struct file_result **ready; /* finished, not yet consumed */
    size_t ready_count;
    size_t limit; /* results allowed to wait */
    bool cancelled;
};

static void *worker(void *arg)
{
    struct pool *pool = arg;
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        while (!pool->cancelled && pool->ready_count >= pool->limit)
            pthread_cond_wait(&pool->changed, &pool->lock);
        if (pool->cancelled || pool->next == pool->count ||
            (pool->config->stop && *pool->config->stop)) {
            pthread_mutex_unlock(&pool->lock);
            return NULL;
        }
        size_t index = pool->next++;
        pthread_mutex_unlock(&pool->lock);

        struct file_result *r = xcalloc(1, sizeof(*r));
        r->index = index;
        r->cube = cube_new_counting(pool->config);
        input_stats_init(&r->stats);
        const char *path = pool->paths[index];
        r->status =
            aggregate_capture(r->cube, pool->config, path, &r->stats, r->error, sizeof(r->error));
        /* Not a capture: a flow log, each on its own (captures of the store cover it). */
        if (r->status == -1 && r->stats.packets == 0 && aggregate_is_flowlog(path)) {
            input_stats_init(&r->stats);
            r->error[0] = '\0';
            r->status = aggregate_flowlog(r->cube, pool->config, path, pool->config->covered,
                                          &r->stats, r->error, sizeof(r->error));
        }

        /* Sorted here, in parallel, rather than by the one thread that takes the results. */
        r->sorted = aggregate_sort_rows(pool->config, r->cube);

        pthread_mutex_lock(&pool->lock);
        pool->ready[pool->ready_count++] = r;
        pthread_cond_broadcast(&pool->changed);
        pthread_mutex_unlock(&pool->lock);
    }
}

static void free_result(struct file_result *r)
{
    free((void *)r->sorted);
    cube_free(r->cube);
    free(r);
}

int aggregate_files(const char *const *paths, size_t count, const struct aggregate_config *config,
                    unsigned threads, int (*done)(void *ctx, struct file_result *result),
                    void (*tick)(void *ctx), void *ctx)
{
    struct pool pool;
    memset(&pool, 0, sizeof(pool));
    pool.paths = paths;
    pool.count = count;
    pool.config = config;
    if (threads == 0)
        threads = 1;
    if (threads > count)
        threads = count ? (unsigned)count : 1;
    pool.limit = threads;
    pool.ready = xcalloc(count ? count : 1, sizeof(*pool.ready));
    pthread_mutex_init(&pool.lock, NULL);
    pthread_cond_init(&pool.changed, NULL);

    pthread_t *tids = xcalloc(threads, sizeof(*tids));
    unsigned started = 0;
    for (unsigned i = 0; i < threads && count; i++)
        if (pthread_create(&tids[started], NULL, worker, &pool) == 0)
            started++;

    int ret = 0;
    size_t consumed = 0;
    pthread_mutex_lock(&pool.lock);
    while (consumed < count && !pool.cancelled && started) {
        if (pool.ready_count == 0) {
            /* Everyone is gone and nothing waits: stopped early. */
            if (pool.next == count || (config->stop && *config->stop)) {
                bool busy = pool.next > consumed + pool.ready_count;
                if (!busy)
                    break;
            }
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += 500000000;
            if (until.tv_nsec >= 1000000000) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000;
            }
            pthread_cond_timedwait(&pool.changed, &pool.lock, &until);
            if (pool.ready_count == 0) {
                if (tick) {
                    pthread_mutex_unlock(&pool.lock);
                    tick(ctx);
                    pthread_mutex_lock(&pool.lock);
                }
                continue;
            }
        }
        struct file_result *r = pool.ready[--pool.ready_count];
        pthread_cond_broadcast(&pool.changed);
        pthread_mutex_unlock(&pool.lock);
        consumed++;
        ret = done(ctx, r);
        free_result(r);
        pthread_mutex_lock(&pool.lock);
        if (ret)
            pool.cancelled = true;
    }
    pool.cancelled = true;
    pthread_cond_broadcast(&pool.changed);
    pthread_mutex_unlock(&pool.lock);

    for (unsigned i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    /* Results finished after a stop are dropped unseen. */
    for (size_t i = 0; i < pool.ready_count; i++)
        free_result(pool.ready[i]);
    free(tids);
    free(pool.ready);
    pthread_mutex_destroy(&pool.lock);
    pthread_cond_destroy(&pool.changed);
    return ret;
}
