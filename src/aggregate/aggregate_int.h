/*
 * Private to the aggregate stage: the pool of first-payload buffers that
 * feeds the evidence parsers (capture_evidence.c), and the runs a cube over
 * its budget spills to (spill.c).
 */
#ifndef HONEYSCOPE_AGGREGATE_INT_H
#define HONEYSCOPE_AGGREGATE_INT_H

#include <stdbool.h>
#include <stdio.h>

#include "../capture/capture.h"
#include "../evidence/evidence.h"
#include "aggregate.h"

/*
 * Bytes kept per direction of a conversation, and buffers per file. Sides
 * whose first bytes announce more (evidence_bytes_wanted()) get longer
 * buffers from pools of their own: SSH, whose key exchange offer follows the
 * identification line and takes 1-2 KiB, and TLS ClientHellos past 1 KiB
 * (browsers offering post-quantum key shares send about 1.8 KB): 4 KiB, or,
 * for a hello longer than that, one whole TLS record of up to 16 KiB.
 */
#define EVIDENCE_SIDE_BYTES 1024
#define EVIDENCE_BUFFERS 32768
#define EVIDENCE_LONG_SIDE_BYTES 4096
#define EVIDENCE_LONG_BUFFERS 4096
#define EVIDENCE_RECORD_SIDE_BYTES EVIDENCE_TLS_BYTES
#define EVIDENCE_RECORD_BUFFERS 1024

/* Buffers of side_bytes each, allocated as needed up to capacity. */
struct evidence_pool {
    size_t side_bytes;
    uint8_t *bytes;
    uint16_t *lengths;    /* bytes held per buffer */
    uint16_t *limits;     /* bytes wanted per buffer, at most side_bytes: parsed when reached */
    uint32_t *free_slots; /* buffers given back (1-based) */
    size_t free_count, used, allocated, capacity;
};

enum { EVIDENCE_POOL_SHORT, EVIDENCE_POOL_LONG, EVIDENCE_POOL_RECORD, EVIDENCE_POOLS };

struct evidence_capture {
    struct cube *cube;
    const struct bin_clock *clock;
    struct evidence_pool pools[EVIDENCE_POOLS];
    uint64_t skipped; /* conversation sides that found the pool spent */
};

/*
 * buffers of EVIDENCE_SIDE_BYTES, long_buffers of EVIDENCE_LONG_SIDE_BYTES
 * and record_buffers of EVIDENCE_RECORD_SIDE_BYTES at most.
 */
void evidence_capture_init(struct evidence_capture *ec, struct cube *cube,
                           const struct bin_clock *clock, size_t buffers, size_t long_buffers,
                           size_t record_buffers);
void evidence_capture_release(struct evidence_capture *ec);
/* Keeps (or, for UDP DNS, parses) one packet's payload of flow in direction dir. */
void evidence_capture_packet(struct evidence_capture *ec, struct flow *flow, enum direction dir,
                             const uint8_t *payload, size_t len);
/* The flow table's end hook: parses what the flow's buffers hold. */
void evidence_capture_end(void *ctx, struct flow *flow);

/* ---- counting a stream of packets (pass.c) ---------------------------------- */

/* A file a store-mode shard counts apart. */
struct shard_file {
    struct cube *cube;        /* its rows (made on first use); the settled hook may take it */
    struct input_stats stats; /* its flow and evidence counts */
    uint64_t open;            /* flows it started still open, fragments of it still held */
    bool ended;               /* read to its end */
    bool settled;             /* handed on */
};

#define SHARD_NO_FILE UINT32_MAX

/*
 * What one stream of packets is counted with: its flows, their evidence, and
 * one cube (a report) or a cube per file (a store). Counting files apart, a
 * packet counts in its own file; a flow belongs to the file it started in,
 * whose rows take its evidence and its end, so that file is handed on (the
 * settled hook) only once it was read to its end and its last flow ended.
 */
struct shard {
    struct cube *cube; /* counted into now */
    struct flow_table *flows;
    struct evidence_capture evidence;
    const struct aggregate_config *config;
    struct shard_file *files; /* NULL: one cube */
    size_t file_count;
    uint32_t file; /* the file counted now, or SHARD_NO_FILE */
    void (*settled)(void *ctx, uint32_t file, struct shard_file *sf);
    void *settled_ctx;
    uint32_t *waiting; /* files read but not settled, oldest first */
    size_t waiting_count;
};

/* Files a shard lets wait for their flows to end before it moves the flows on. */
#define SHARD_WAITING_MAX 16

/* A cube to count into, bounded as config says: its rows (spilling) and its evidence. */
struct cube *cube_new_counting(const struct aggregate_config *config);
void shard_init(struct shard *shard, struct cube *cube, const struct aggregate_config *config);
/* A shard counting count files apart; settled(ctx, file, sf) hands each on. */
void shard_init_files(struct shard *shard, size_t count, const struct aggregate_config *config,
                      void (*settled)(void *ctx, uint32_t file, struct shard_file *sf), void *ctx);
/* The packets from now on are file's (files apart). */
void shard_set_file(struct shard *shard, uint32_t file);
/* File was read to its end (files apart): settled once its flows end. */
void shard_end_file(struct shard *shard, uint32_t file);
/* Counts one packet to or from the sensor, going in direction dir. */
void shard_packet(struct shard *shard, const struct aggregate_config *config,
                  const struct decoded_packet *p, enum direction dir, int64_t ts_ns);
/*
 * Ends every flow (their evidence parsed) at the end of the input, and
 * frees the flows; one cube: adds the flow counts to stats. Files apart:
 * every file read to its end is settled.
 */
void shard_finish(struct shard *shard, const struct aggregate_config *config,
                  struct input_stats *stats);
/* Frees what shard_finish() leaves, the files' rows not handed on; or, not
 * finished (a stopped run), everything. */
void shard_release(struct shard *shard);
/* Whether p goes to or from a sensor (then *dir); otherwise counts it in stats. */
bool packet_direction(const struct aggregate_config *config, const struct decoded_packet *p,
                      struct input_stats *stats, enum direction *dir);
/* Counts packets of a link type that is not decoded. */
void count_unsupported(struct input_stats *stats, int link_type, uint64_t packets);
/* Where a file's packets to or from a sensor go. */
typedef void (*packet_sink)(void *ctx, const struct decoded_packet *p, enum direction dir,
                            int64_t ts_ns);

/* One capture file being read packet by packet (a stream reads several at once). */
struct file_reader {
    struct capture_file *file;
    struct input_stats *stats; /* the file's own: format, link type, span, what was skipped */
    int link_type;
    bool supported;
    uint64_t unsupported;
    struct capture_sample *sample; /* set after file_reader_start() to sample the packets */
};

void file_reader_start(struct file_reader *r, struct capture_file *file, struct input_stats *stats);
/*
 * Counts one packet of r's file and hands it to deliver when it goes to or
 * from a sensor. Returns false when config->stop asks to stop (looked at
 * every 65,536 packets of the file, with the progress tick).
 */
bool file_reader_packet(struct file_reader *r, const struct aggregate_config *config,
                        const struct capture_packet *cp, packet_sink deliver, void *ctx);
/* The file is read (to its end, to an error, or stopped): counts what is left. */
void file_reader_finish(struct file_reader *r, const struct aggregate_config *config);

/*
 * Reads file's packets through a file_reader. Returns the capture's status
 * at the end: CAPTURE_PACKET when config->stop ended it early.
 */
enum capture_status read_capture(struct capture_file *file, const struct aggregate_config *config,
                                 struct input_stats *stats, packet_sink deliver, void *ctx);

/* ---- flow logs (flows.c) ----------------------------------------------------- */

/*
 * As aggregate_sample_addresses() for a flow log: one sample per record, up
 * to max_records. Returns 0, or -1 with err when path is no flow log either.
 */
int flowlog_sample_addresses(struct sensor_detector *detector, const char *path,
                             uint64_t max_records, char *err, size_t errlen);

/* ---- merging sorted sources (spill.c) ----------------------------------------- */

/*
 * A tournament of sorted sources by their current rows, a tree of losers:
 * node n of 1..count-1 holds the source that lost the match there, winner
 * the source whose row is next, and source i plays from leaf count + i. A
 * new row of the winner plays its way up once, one comparison a level, where
 * a heap compares two children a level. A source at its end loses every
 * match. before(ctx, a, b) says whether source a's row comes before b's.
 */
typedef bool tournament_before(const void *ctx, size_t a, size_t b);

struct tournament {
    size_t *loser;
    bool *ended; /* set by the caller as sources end */
    size_t count, winner;
};

/* count sources (at least one), none ended yet. */
void tournament_init(struct tournament *t, size_t count);
/* Plays every match: call once the sources' first rows (or ends) are known. */
void tournament_start(struct tournament *t, tournament_before *before, const void *ctx);
void tournament_release(struct tournament *t);

static inline bool tournament_match(const struct tournament *t, tournament_before *before,
                                    const void *ctx, size_t a, size_t b)
{
    if (t->ended[a] || t->ended[b])
        return !t->ended[a];
    return before(ctx, a, b);
}

/* The winner's row changed (or it ended): it plays from its leaf up. */
static inline void tournament_replay(struct tournament *t, tournament_before *before,
                                     const void *ctx)
{
    size_t run = t->winner;
    for (size_t node = (t->count + run) / 2; node >= 1; node /= 2) {
        if (tournament_match(t, before, ctx, t->loser[node], run)) {
            size_t beaten = run;
            run = t->loser[node];
            t->loser[node] = beaten;
        }
    }
    t->winner = run;
}

/* ---- runs (spill.c) -------------------------------------------------------- */

#define RUN_BUFFER (1 << 16)
/* Rows of a run in one block, encoded (spill.c) and read back together. */
#define RUN_BLOCK_ROWS 512
/* A block's head: its encoded bytes and its rows, 4 bytes each. */
#define RUN_BLOCK_HEAD 8

struct evidence_run; /* what an evidence run adds (evidence_spill.c) */

/* Rows in spill order in an unlinked temporary file, in encoded blocks. */
struct run {
    FILE *fp;
    uint64_t rows, read;
    uint64_t bytes; /* written */
    unsigned level; /* 0 for a spill; one more than the runs it merged */
    /* Rows are encoded into block (after its head), which is written when full. */
    uint8_t *block;
    size_t block_len, block_rows;
    struct cube_key last_key; /* a cube's run: the block's row before, which the next is encoded
                                 against */
    struct evidence_run *evidence; /* an evidence run's own (one allocation), or NULL */
    /* Reading a cube's run back: rows[batch_next..batch_len) of the batch are not yet merged. */
    struct cube_row *batch;
    size_t batch_len, batch_next;
};

/* What reading an encoded row needs: the block's bytes and the position in them. */
struct block_reader {
    const uint8_t *at, *end;
};

/* The order of rows in a run: remote address first, then the rest of the key. */
int spill_cmp(const struct cube_key *a, const struct cube_key *b);
/* Adds from's counts into into's (sums, earliest first, latest last). */
void counts_add(struct cube_counts *into, const struct cube_counts *from);

/* A new, empty run in dir: a cube's rows (run_write()), or evidence_run_create()'s. */
struct run *run_create(const char *dir, char *err, size_t errlen);
/* Each returns 0, or -1 with err (a full disk, say). */
int run_write(struct run *run, const struct cube_row *rows, size_t count, const char *dir,
              char *err, size_t errlen);
/* Writes the block being filled (block_len bytes, block_rows rows) and starts an empty one. */
int run_write_block(struct run *run, const char *dir, char *err, size_t errlen);
/* Writes what is left and readies the run for reading, its buffers freed. */
int run_finish_writing(struct run *run, const char *dir, char *err, size_t errlen);
/* Frees what reading took (reading again takes it anew): a merge of the run ended. */
void run_release_buffers(struct run *run);
/*
 * Reads the next block's bytes into run->block (run->block_len of them) and
 * returns its rows, or -1 with err: a block of more rows than rows_left, or
 * more than a block holds, is damage.
 */
long run_read_block(struct run *run, uint64_t rows_left, char *err, size_t errlen);
/* An address in 4 bytes (v4) or 16 and the mapped flag; returns the bytes written. */
size_t spill_put_addr(uint8_t *out, const struct ip_addr *a, bool v4);
/* Reads what spill_put_addr() wrote; false when r holds too few bytes or a bad flag. */
bool spill_get_addr(struct block_reader *r, struct ip_addr *a, bool v4);
void run_free(struct run *run);

/* Rows of several runs merged in spill order, equal keys added up. */
struct run_merge;
struct run_merge *run_merge_open(struct run **runs, size_t count, char *err, size_t errlen);
/* The next row: returns 0, 1 when no rows are left, -1 with err. */
int run_merge_next(struct run_merge *merge, struct cube_row *row, char *err, size_t errlen);
void run_merge_close(struct run_merge *merge);

/* ---- evidence runs (evidence_spill.c) ----------------------------------------- */

/* The order of evidence rows in a run: kind and value first, then remote and bin. */
int evidence_spill_order(const struct evidence_row *a, const struct evidence_row *b);
/* A new, empty run in dir for evidence rows. Returns NULL with err. */
struct run *evidence_run_create(const char *dir, char *err, size_t errlen);
/* Appends row, which comes after every row before it in spill order. Returns 0, or -1 with err. */
int evidence_run_write(struct run *run, const struct evidence_row *row, const char *dir, char *err,
                       size_t errlen);
/* Writes what is left and readies the run for reading. Returns 0, or -1 with err. */
int evidence_run_finish(struct run *run, const char *dir, char *err, size_t errlen);

/* A row of a table in memory, with the first of its spill order in one integer. */
struct evidence_sorted {
    uint64_t prefix;
    const struct evidence_row *row;
};

/*
 * The rows of kinds of runs and rows[0..row_count) (in spill order too)
 * merged in spill order, equal keys added up.
 */
struct evidence_merge;
struct evidence_merge *evidence_merge_open(struct run **runs, size_t run_count,
                                           const struct evidence_sorted *rows, size_t row_count,
                                           struct evidence_kinds kinds, char *err, size_t errlen);
/* 1 with *row (valid until the next call), 0 when no rows are left, -1 with err. */
int evidence_merge_next(struct evidence_merge *merge, const struct evidence_row **row, char *err,
                        size_t errlen);
void evidence_merge_close(struct evidence_merge *merge);

/*
 * Counts one packet of flow (dir, ip_bytes, at ts_ns; started: it opened a
 * conversation) into the cube row of its bin, cached in the flow until the
 * bin or the cube's generation changes. pass.c calls it for every packet;
 * the flow fuzz target calls it too, so that it checks the shipped code.
 */
void aggregate_account(struct cube *cube, const struct bin_clock *clock, struct flow *flow,
                       bool started, enum direction dir, uint32_t ip_bytes, int64_t ts_ns);

#endif
