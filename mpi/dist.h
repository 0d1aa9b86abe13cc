/*
 * dist: honeyscope over MPI (build/honeyscope-mpi, docs/mpi.md).
 *
 * Rank 0 reads the command line, settles the sensors and makes a plan: which
 * rank reads which capture file (largest first, each to the least-loaded
 * rank). Every rank reads its files with aggregate_files() and its own
 * threads; the other ranks send each file's result (identity, counts, error,
 * cube rows and evidence rows) to rank 0 as a byte buffer, which rank 0 checks
 * field by field as untrusted input before it stores or merges it.
 *
 * wire.c is plain C (tested without MPI); run.c is the only file that talks
 * to MPI about files; main.c, ingest.c and report.c are the verbs.
 */
#ifndef HONEYSCOPE_DIST_H
#define HONEYSCOPE_DIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../src/aggregate/aggregate.h"
#include "../src/cli/cli.h"
#include "../src/flow/flow.h"

/* ---- byte buffers ----------------------------------------------------------------- */

/* A growing buffer that values are appended to, little-endian. */
struct wire_buf {
    uint8_t *data;
    size_t len, alloc;
};

void wire_buf_init(struct wire_buf *buf);
void wire_buf_release(struct wire_buf *buf);

/* A cursor over received bytes: reads past the end set bad and yield zeros. */
struct wire_reader {
    const uint8_t *p;
    size_t left;
    bool bad;
};

/* The largest plan and the largest file result one rank accepts from another. */
#define WIRE_PLAN_MAX ((uint64_t)1 << 30)
#define WIRE_RESULT_MAX ((uint64_t)1 << 36)

/* ---- the plan: who reads what, with which settings ------------------------------ */

enum dist_verb {
    DIST_INGEST = 1,
    DIST_REPORT = 2,
};

struct dist_file {
    char *path;       /* as given on the command line */
    int64_t size;     /* bytes, for balancing (and, for ingest, the identity) */
    int64_t mtime_ns; /* ingest: the identity rank 0 stored; otherwise 0 */
    uint32_t rank;    /* the rank that reads it */
};

struct dist_plan {
    int status;          /* -1: go on; otherwise every rank ends with this status */
    uint8_t verb;        /* enum dist_verb */
    bool check_identity; /* a rank refuses a file whose size or mtime differ */
    uint32_t threads;    /* per rank; 0: the node's cores shared by its ranks */
    struct bin_clock clock;
    struct flow_config flow;
    struct sensor_set sensors;
    struct dist_file *files;
    size_t file_count, file_alloc;
};

void dist_plan_init(struct dist_plan *plan);
void dist_plan_release(struct dist_plan *plan);
/* Adds a file (path copied) to the plan, for rank 0 to assign. */
void dist_plan_add(struct dist_plan *plan, const char *path, int64_t size, int64_t mtime_ns);
/*
 * Assigns every file to one of ranks ranks: largest first (ties by the
 * order given), each to the rank with the fewest bytes so far (ties to the
 * lowest rank). The same plan always gives the same assignment.
 */
void dist_plan_assign(struct dist_plan *plan, unsigned ranks);

void wire_plan_encode(const struct dist_plan *plan, struct wire_buf *out);
/*
 * Decodes a plan for a world of ranks ranks into plan (initialised here).
 * Returns 0, or -1 with a message in err (and plan released).
 */
int wire_plan_decode(struct dist_plan *plan, const uint8_t *data, size_t len, unsigned ranks,
                     char *err, size_t errlen);

/* ---- one file's result -------------------------------------------------------------- */

/*
 * A file_result status besides aggregate_capture()'s: the rank did not read
 * the file because it is not the file rank 0 identified (error says why).
 */
#define DIST_REFUSED (-3)

/* Appends r (its cube's rows and evidence rows too) as the result of plan file file. */
void wire_result_encode(const struct file_result *r, uint32_t file, struct wire_buf *out);
/*
 * Decodes a result into r (r->index the plan file). Every field is checked,
 * all of them before any row reaches a cube, and a count is never trusted
 * beyond the bytes that remain. The rows and evidence rows go to a new cube
 * in r->cube (free it with cube_free), or, when into is given, are added to
 * into (as cube_merge() would) and r->cube is NULL. Returns 0, or -1 with err,
 * r->cube NULL and into untouched.
 */
int wire_result_decode(struct file_result *r, const uint8_t *data, size_t len, struct cube *into,
                       char *err, size_t errlen);

/* ---- the distributed pass (run.c) --------------------------------------------------- */

/*
 * Rank 0's consumer of results, called in rank 0's main thread for each file
 * of the plan, whichever rank read it; r->index is the plan's file index and
 * the callback may keep r->cube (set it to NULL). r->cube is NULL for a
 * result already added to dist_run()'s merge_into. A nonzero return stops
 * every rank (the pass then fails).
 */
typedef int (*dist_consume_fn)(void *ctx, struct file_result *r);

/*
 * Runs the plan on every rank. Returns 0 on rank 0 when every file's result
 * was consumed; -1 with a message in err when a rank refused a file, sent
 * something malformed, stopped early, or consume() failed. On the other
 * ranks, returns 0 once their results are sent (-1 with err when sending
 * was cut short). Every rank must call it with the same plan. When
 * merge_into is given, rank 0 decodes the other ranks' results straight into
 * it (saving a cube per file and a merge). Unless quiet,
 * rank 0 prints one line per rank on stderr: files, bytes, packets, seconds.
 */
int dist_run(const struct dist_plan *plan, int rank, int ranks, dist_consume_fn consume, void *ctx,
             struct cube *merge_into, bool quiet, char *err, size_t errlen);

/*
 * Broadcasts rank 0's plan to every rank; on the others, plan is filled
 * (initialised here). Returns 0, or -1 with err when the plan could not be
 * read (the rank then still takes part in dist_run with an empty plan).
 */
int dist_share_plan(struct dist_plan *plan, int rank, int ranks, char *err, size_t errlen);

/* ---- the verbs ------------------------------------------------------------------------ */

/* Each runs on every rank with the same argv; returns the rank's exit status. */
int dist_ingest(int argc, char **argv, int rank, int ranks);
int dist_report(int argc, char **argv, int rank, int ranks);

/*
 * Detects the sensor from a sample of the files' packets, as honeyscope does
 * (the same files in the same order give the same answer). Returns the number
 * of prefixes found; why explains the choice.
 */
size_t dist_detect_sensors(struct sensor_set *sensors, char *const *paths, size_t count, char *why,
                           size_t whylen);

#endif
