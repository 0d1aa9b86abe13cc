/*
 * aggregate: the traffic cube, and the pass that fills it from captures.
 *
 * One cube row per (time bin, sensor address, remote address, protocol,
 * initiator, service) with packets and bytes each way, flows started and the
 * first and last packet time. Cubes merge by addition (and min/max for the
 * times), which is what lets threads, files and machines combine into one
 * answer.
 */
#ifndef HONEYSCOPE_AGGREGATE_H
#define HONEYSCOPE_AGGREGATE_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../capture/capture.h"
#include "../common/addr.h"
#include "../decode/decode.h"
#include "../flow/flow.h"
#include "../flowlog/flowlog.h"

struct cube_key {
    int64_t bin; /* UTC seconds at which the bin starts */
    struct ip_addr sensor, remote;
    uint16_t service;
    uint8_t proto;
    uint8_t initiator;
    uint8_t zero[4]; /* keeps the key free of padding for hashing */
};

struct cube_counts {
    uint64_t packets_in, packets_out;
    uint64_t bytes_in, bytes_out;
    uint64_t flows;            /* flows started in this bin */
    int64_t first_ns, last_ns; /* first and last packet of the row */
};

struct cube_row {
    struct cube_key key;
    struct cube_counts counts;
};

/* Calendar bins: a week or a month is not a fixed number of seconds. */
enum bin_unit {
    BIN_FIXED, /* width_s */
    BIN_WEEK,  /* ISO weeks, Monday to Sunday, of local days */
    BIN_MONTH, /* calendar months of local days */
};

/* How time is cut into bins, aligned in a fixed UTC offset. A zeroed unit
 * is BIN_FIXED; weeks and months are made of days (width_s 86400). */
struct bin_clock {
    int64_t width_s;  /* 3600 or 86400 */
    int64_t offset_s; /* zone offset east of UTC, e.g. +32400 for +09:00 */
    enum bin_unit unit;
};

/* The UTC second at which the bin holding unix_s starts. */
int64_t bin_clock_start(const struct bin_clock *clock, int64_t unix_s);

/* The whole second a nanosecond time falls in (rounded down, before 1970 too). */
static inline int64_t seconds_floor(int64_t ns)
{
    int64_t s = ns / 1000000000;
    return ns % 1000000000 < 0 ? s - 1 : s;
}
/* The UTC second at which the bin after the one holding unix_s starts. */
int64_t bin_clock_next(const struct bin_clock *clock, int64_t unix_s);
/* The number of the bin holding unix_s, counted from 1970 (hours, days, ISO
 * weeks or months): bins a and b are b - a bins apart. */
int64_t bin_clock_ordinal(const struct bin_clock *clock, int64_t unix_s);
/* "hour", "day", "week" or "month". */
const char *bin_clock_unit_name(const struct bin_clock *clock);

struct cube;
struct cube *cube_new(void);
/* A cube hashing under a known key, for tests that build colliding keys. */
struct cube *cube_new_seeded(uint64_t seed);
/* Whether the cube switched to SipHash (a probe run passed HASH_PROBE_LIMIT). */
bool cube_hash_strong(const struct cube *cube);
/* The longest probe run a lookup has walked, for tests. */
size_t cube_longest_probe(const struct cube *cube);
void cube_free(struct cube *cube);
/* Index of the row with key, created with zero counts when absent. */
uint32_t cube_lookup(struct cube *cube, const struct cube_key *key);
struct cube_row *cube_row_at(struct cube *cube, uint32_t index);
size_t cube_row_count(const struct cube *cube);
/* Adds every row of from into into; from's spilled runs move to into. */
void cube_merge(struct cube *into, struct cube *from);
/*
 * Adds from into into and frees from; into empty, it takes from's rows as
 * they are, which costs nothing (a report's threads hand their cubes over).
 */
void cube_absorb(struct cube *into, struct cube *from);
/*
 * As cube_absorb(), for a from none of whose keys (nor evidence rows) are
 * into's, as the workers' cubes of one stream: rows are appended, not added.
 * Returns true when from's rows now follow into's earlier rows in from's
 * order (so an order of from's rows holds for them there), false when they
 * were added one by one.
 */
bool cube_absorb_disjoint(struct cube *into, struct cube *from);
/* Whether more rows would fit in the cube's memory (cube_absorb_disjoint() appends them). */
bool cube_fits(const struct cube *cube, size_t more);
/* Adds one row's counts to the row of its key. */
void cube_add_row(struct cube *cube, const struct cube_row *row);
/* Evidence its table did not keep, past its bound (evidence_table_dropped()). */
uint64_t cube_evidence_dropped(const struct cube *cube);

/*
 * Spilling: a cube given a budget keeps at most max_rows rows in memory;
 * before it takes one more, it writes its rows, sorted by remote address, as
 * a run to a temporary file in dir (unlinked at once, so nothing is left
 * behind however the process ends) and starts empty. Row indices given out
 * before a spill are void: the generation tells (flows cache their row with
 * it). When a run cannot be written (a full disk), the cube stops spilling,
 * keeps its rows in memory and says why in cube_error().
 */
void cube_set_budget(struct cube *cube, size_t max_rows, const char *dir);
/*
 * Adds the bytes of every run the cube or its evidence table spills from
 * memory to *meter (progress lines: another thread may read it); NULL stops.
 */
void cube_meter_spills(struct cube *cube, _Atomic uint64_t *meter);
/* The memory the cube's evidence table may take (0: CUBE_EVIDENCE_BYTES). */
void cube_set_evidence_bytes(struct cube *cube, uint64_t bytes);
uint32_t cube_generation(const struct cube *cube);
bool cube_spilled(const struct cube *cube);
const char *cube_error(const struct cube *cube);
struct cube_spill_stats {
    uint64_t runs, rows, bytes; /* written (a row may be written more than once) */
};
struct cube_spill_stats cube_spill_stats(const struct cube *cube);

/*
 * Reading a spilled cube: every run and the rows still in memory, merged,
 * as cubes of whole remotes in address order, about max_rows rows each.
 * cube_chunks_next() returns the next (owned by the reader, valid until the
 * next call) or NULL at the end, or NULL with *status -1 and err. With
 * read_ahead, a thread merges the next chunk while the reader works on the
 * current one (two chunks of about max_rows / 2 rows are alive then).
 */
struct cube_chunks;
struct cube_chunks *cube_chunks_open(struct cube *cube, size_t max_rows, bool read_ahead, char *err,
                                     size_t errlen);
/*
 * As cube_chunks_open(), each chunk's rows also sorted with sort_rows (on
 * the merging thread with read_ahead), for cube_chunks_sorted().
 */
struct cube_chunks *cube_chunks_open_sorted(struct cube *cube, size_t max_rows, bool read_ahead,
                                            void (*sort_rows)(const struct cube_row **rows,
                                                              size_t count),
                                            char *err, size_t errlen);
struct cube *cube_chunks_next(struct cube_chunks *chunks, int *status, char *err, size_t errlen);
/* The current chunk's rows in the order of cube_chunks_open_sorted()'s sort_rows, else NULL. */
const struct cube_row *const *cube_chunks_sorted(const struct cube_chunks *c);
void cube_chunks_close(struct cube_chunks *chunks);
/*
 * Whether the cube is such a chunk, untouched since: its rows are then in
 * address order of the remote, each remote's rows by bin, each key once.
 */
bool cube_in_address_order(const struct cube *cube);

/* ---- evidence: what the conversations were about ------------------------------- */

/*
 * The memory one counting cube's evidence table may take, its rows, index and
 * values together, unless the caller sets more (cube_set_evidence_bytes(),
 * from --memory); past it the table spills (evidence_table_set_spill()), or,
 * with nowhere to spill, new values are only counted (evidence_table_dropped()).
 * About 500,000 rows of the usual values.
 */
#define CUBE_EVIDENCE_BYTES (UINT64_C(48) << 20)
/*
 * The least --memory gives a table that spills (about 80,000 rows): below it
 * runs would be many and short. Spilling keeps the evidence exact, so the
 * table need not be larger to be right.
 */
#define EVIDENCE_SPILL_MIN_BYTES (UINT64_C(8) << 20)

struct evidence_row {
    int64_t bin; /* the bin in which the conversation started */
    struct ip_addr remote;
    uint8_t kind; /* enum evidence_kind (evidence/evidence.h) */
    uint16_t len;
    const char *value; /* len bytes as sent, NUL-terminated; owned by the table */
    uint64_t count;
};

/*
 * qsort() order of pointers to evidence rows by kind, then value (shorter
 * first): the rows of one value come together, whatever their bin or remote.
 */
int evidence_row_value_order(const void *a, const void *b);

struct evidence_table;
struct evidence_table *evidence_table_new(void);
/* The memory evidence_table_add() lets the table take (0: CUBE_EVIDENCE_BYTES). */
void evidence_table_set_bytes(struct evidence_table *table, uint64_t bytes);
/* The memory the table has allocated: rows, hashes, index and values. */
uint64_t evidence_table_bytes(const struct evidence_table *table);
/* A table hashing under a known key, for tests that build colliding values. */
struct evidence_table *evidence_table_new_seeded(uint64_t seed);
/* Whether the table switched to SipHash (a probe run passed HASH_PROBE_LIMIT). */
bool evidence_table_hash_strong(const struct evidence_table *table);
void evidence_table_free(struct evidence_table *table);
/* Adds count to the row of (bin, remote, kind, value), made when absent. */
void evidence_table_add(struct evidence_table *table, int64_t bin, const struct ip_addr *remote,
                        unsigned kind, const char *value, size_t len, uint64_t count);
/* One value for evidence_table_add_all(). */
struct evidence_addition {
    unsigned kind;
    const char *value;
    size_t len;
    uint64_t count;
};
/*
 * evidence_table_add() of each of adds[0..n), all of one remote and bin, in
 * that order: their index slots are asked for first, so that the waits on
 * memory of a parse's values overlap instead of following one another.
 */
void evidence_table_add_all(struct evidence_table *table, int64_t bin, const struct ip_addr *remote,
                            const struct evidence_addition *adds, size_t n);
/* As evidence_table_add() but never dropping: for rows already bounded once (loads, merges). */
void evidence_table_put(struct evidence_table *table, int64_t bin, const struct ip_addr *remote,
                        unsigned kind, const char *value, size_t len, uint64_t count);
size_t evidence_table_count(const struct evidence_table *table);
const struct evidence_row *evidence_table_at(const struct evidence_table *table, size_t i);
/* Counts of values not kept because the table was full and could not spill. */
uint64_t evidence_table_dropped(const struct evidence_table *table);
/* Adds from's rows to into's and moves from's runs to into. */
void evidence_table_merge(struct evidence_table *into, struct evidence_table *from);
/* Moves from's rows and values into into, which holds none of from's keys, and frees from. */
void evidence_table_absorb_disjoint(struct evidence_table *into, struct evidence_table *from);
/* The cube's evidence table (created on first use). */
struct evidence_table *cube_evidence(struct cube *cube);

/*
 * Spilling: a table given a directory writes its rows, past its memory, as a
 * run to a temporary file there (unlinked at once) and starts empty, rather
 * than dropping new values. When a run cannot be written (a full disk) or
 * read back, the table stops spilling, drops what evidence_table_add() brings
 * past its memory, and says why in evidence_table_error().
 */
void evidence_table_set_spill(struct evidence_table *table, const char *dir);
/* As cube_meter_spills(), for the runs the table spills from memory. */
void evidence_table_meter_spills(struct evidence_table *table, _Atomic uint64_t *meter);
bool evidence_table_spilled(const struct evidence_table *table);
const char *evidence_table_error(const struct evidence_table *table);
struct cube_spill_stats evidence_table_spill_stats(const struct evidence_table *table);

/*
 * Reading every row of a table: the rows in memory as they lie, or in spill
 * order (kind and value, then remote and bin) when asked or once the table
 * spilled, its runs and rows merged with equal keys added up. Rows and
 * values are valid until the next call, or as long as the table when
 * evidence_cursor_values_stable(). next returns 1 with *row, 0 at the end,
 * -1 when a run could not be read back (evidence_table_error()). A NULL
 * table reads as empty.
 */
struct evidence_cursor;
struct evidence_cursor *evidence_cursor_open(struct evidence_table *table, bool in_spill_order);

/* Kinds first..last of enum evidence_kind (evidence/evidence.h). */
struct evidence_kinds {
    unsigned first, last;
};
#define EVIDENCE_KINDS_ALL ((struct evidence_kinds){0, 255})

/*
 * As evidence_cursor_open() (not asked for spill order), for the rows of
 * kinds alone: a spilled table reads only their part of each run, a table
 * in memory passes over the other rows.
 */
struct evidence_cursor *evidence_cursor_open_kinds(struct evidence_table *table,
                                                   struct evidence_kinds kinds);
int evidence_cursor_next(struct evidence_cursor *cursor, const struct evidence_row **row);
bool evidence_cursor_values_stable(const struct evidence_cursor *cursor);
void evidence_cursor_close(struct evidence_cursor *cursor);

/* ---- filling a cube from capture files ------------------------------------ */

struct input_stats {
    uint64_t files, files_failed;
    uint64_t packets;                  /* records read */
    uint64_t bad[DECODE_RESULT_COUNT]; /* by class; bad[DECODE_OK] unused */
    uint64_t not_sensor;               /* neither side is a sensor */
    uint64_t sensor_to_sensor;         /* both sides are sensors */
    int64_t first_ns, last_ns;         /* span of the packets read */
    struct flow_stats flows;
    uint64_t evidence_skipped; /* conversation sides not parsed: buffers spent */
    uint64_t evidence_dropped; /* evidence counted past the table's bound, not kept */
    /* Link types that were not decoded, with their packet counts. */
    struct unsupported_link {
        int link_type;
        uint64_t packets;
    } unsupported_links[8];
    size_t unsupported_link_count;
    /*
     * Flow logs (docs/flows.md): records counted, lines skipped by why (enum
     * flowlog_skip), and records left out because a capture of the same run
     * or store covers their start.
     */
    uint64_t flow_records;
    uint64_t flow_skipped[FLOWLOG_SKIP_COUNT];
    uint64_t flow_covered;
    /*
     * Collected flows (ingest --collect): export datagrams read, what their
     * sequence numbers say was lost (v9 counts export packets, v5 and IPFIX
     * flow records), datagrams, sets and records skipped (malformed, unknown
     * template, refused sender...), and the largest sampling interval an
     * exporter announced (recorded, never applied).
     */
    uint64_t export_datagrams, export_lost_packets, export_lost_records, export_skipped;
    uint64_t sampling_interval;
    /* Live captures (ingest --live): how many, and the packets libpcap says were lost. */
    uint64_t live_captures;
    uint64_t kernel_drops;    /* no room in the kernel's buffer (pcap_stats ps_drop) */
    uint64_t interface_drops; /* dropped by the interface or its driver (ps_ifdrop) */
    /* For the stats of a single file: its format and link type. */
    char format[24];
    int link_type;
};

void input_stats_init(struct input_stats *stats);
void input_stats_merge(struct input_stats *into, const struct input_stats *from);

/*
 * Buffers a counting thread keeps for the first bytes of conversations'
 * sides until they are parsed: short ones, long ones (SSH key exchanges,
 * long TLS hellos) and whole TLS records. 0: the defaults (32,768, 4,096
 * and 1,024 buffers: 64 MiB when all are in use).
 */
struct evidence_buffer_counts {
    size_t sides, long_sides, record_sides;
};

/*
 * Shares bytes, one counting thread's part of a memory budget, between its
 * flow table (three quarters, each flow with its index slots;
 * flow->max_flows is set when it is 0, i.e. not given) and its evidence
 * buffers (a quarter, at most the defaults). Each has a floor that small
 * budgets still get (65,536 flows, 3 MiB of buffers: about 13 MiB).
 */
void aggregate_plan_counting(uint64_t bytes, struct flow_config *flow,
                             struct evidence_buffer_counts *buffers);

struct aggregate_config {
    struct bin_clock clock;
    struct flow_config flow;
    /* Each counting thread's evidence buffers (aggregate_plan_counting()). */
    struct evidence_buffer_counts evidence_buffers;
    const struct sensor_set *sensors;
    /*
     * Take each capture's packet sample (capture_sample_add()) as it is read,
     * into stream_file.sample / file_result.sample: overlapping captures are
     * then found without a read of their own (aggregate_stream() and
     * aggregate_stream_files() only).
     */
    bool sample_packets;
    /* Packets read, added to every 2^16 packets for progress lines; may be NULL. */
    _Atomic uint64_t *packets_read;
    /* Bytes spilled from memory to tmp_dir so far (cube_meter_spills()); may be NULL. */
    _Atomic uint64_t *spilled_bytes;
    /* Set (by a signal handler) to stop early; may be NULL. */
    volatile sig_atomic_t *stop;
    /* Files read to their end, counted by aggregate_stream() for progress lines; may be NULL. */
    size_t *files_read;
    /* Called about every 65,536 packets and after each file (progress lines); may be NULL. */
    void (*tick)(void *ctx);
    void *tick_ctx;
    /* Spans covered by captures stored before (a store); may be NULL. */
    const struct time_spans *covered;
    /* Rows each file's cube keeps in memory before it spills to tmp_dir; 0: no limit. */
    size_t cube_max_rows;
    /* Where rows and evidence past their memory spill; NULL: evidence is dropped there. */
    const char *tmp_dir;
    /* Memory each counting cube's evidence table may take; 0: CUBE_EVIDENCE_BYTES. */
    uint64_t evidence_bytes;
    /*
     * When set, each file's rows are sorted with it (a qsort() comparator of
     * const struct cube_row pointers, such as store_row_order()) by the
     * thread that finished counting the file, into file_result.sorted, so
     * that the thread that takes the results (a store's writer) need not
     * (aggregate_files() and aggregate_stream_files(); not for a cube that
     * spilled).
     */
    int (*row_order)(const void *a, const void *b);
    /* Sorts row pointers in row_order, faster than qsort() (store_sort_pointers()); may be NULL. */
    void (*sort_rows)(const struct cube_row **rows, size_t count);
};

/* aggregate_capture()'s return when config->stop was raised mid-file. */
#define AGGREGATE_INTERRUPTED (-2)

/*
 * Reads one capture file into cube, counting into stats, with a flow table
 * of its own (a flow that spans two files is split in two: the streams
 * below carry flows across files). Returns 0, or
 * -1 with a message naming the file (and byte offset) in err; what was read
 * before a failure stays in cube and stats. Returns AGGREGATE_INTERRUPTED
 * when asked to stop: the file is then incomplete.
 */
int aggregate_capture(struct cube *cube, const struct aggregate_config *config, const char *path,
                      struct input_stats *stats, char *err, size_t errlen);

/*
 * Feeds up to max_packets packets of path, from its start, into detector as
 * one file (for sensor detection before the real pass). Returns 0, or -1
 * with err.
 */
int aggregate_sample_addresses(struct sensor_detector *detector, const char *path,
                               uint64_t max_packets, char *err, size_t errlen);

/* Packets sampled for sensor detection, shared equally among the files... */
#define AGGREGATE_SENSOR_SAMPLE 100000
/* ...but never fewer than this many from each (many small rotated files). */
#define AGGREGATE_SENSOR_SAMPLE_MIN 10

/*
 * Detects the sensor addresses of paths into sensors, from the first
 * packets of every file (an equal share of AGGREGATE_SENSOR_SAMPLE each).
 * The answer is the same whatever the order of paths (docs/semantics.md).
 * Files that cannot be read add nothing: the pass reports them. Returns
 * the prefixes added (0 when detection failed), with why explaining.
 */
size_t aggregate_detect_sensors(const char *const *paths, size_t count, struct sensor_set *sensors,
                                char *why, size_t whylen);

/* ---- flow logs --------------------------------------------------------------------- */

/*
 * Time the captures of a run or a store cover, each from its first to its
 * last packet: a flow record starting inside is the same traffic seen twice
 * and is not counted (docs/flows.md).
 */
struct time_spans {
    int64_t (*span)[2]; /* [from_ns, to_ns], sorted and disjoint once sealed */
    size_t count, alloc;
};

void time_spans_init(struct time_spans *spans);
void time_spans_release(struct time_spans *spans);
void time_spans_add(struct time_spans *spans, int64_t from_ns, int64_t to_ns);
/* Sorts and joins the spans; call before time_spans_contain(). */
void time_spans_seal(struct time_spans *spans);
bool time_spans_contain(const struct time_spans *spans, int64_t ns);

/* Whether path is a flow log (a Zeek conn.log) rather than a capture. */
bool aggregate_is_flowlog(const char *path);

/*
 * Reads one flow log into cube: each record one flow, counted whole in the
 * bin of its start (docs/flows.md), unless covered holds its start (may be
 * NULL). Fills stats as aggregate_capture() does (packets: those the
 * records carried). Returns 0, -1 with err (what was read before counts) or
 * AGGREGATE_INTERRUPTED.
 */
int aggregate_flowlog(struct cube *cube, const struct aggregate_config *config, const char *path,
                      const struct time_spans *covered, struct input_stats *stats, char *err,
                      size_t errlen);

/*
 * Counts one flow record into cube as aggregate_flowlog() does (a collector
 * hands its records one by one).
 */
void aggregate_flow_record(struct cube *cube, const struct aggregate_config *config,
                           const struct flow_record *record, const struct time_spans *covered,
                           struct input_stats *stats);

/* ---- many files, several threads ---------------------------------------------- */

/* One file's result, handed to the caller's thread. */
struct file_result {
    size_t index;      /* into the paths given */
    struct cube *cube; /* the file's own cube; the callback may keep it (set NULL) */
    struct input_stats stats;
    /* Its packet sample with config->sample_packets, else NULL; valid during the call. */
    const struct capture_sample *sample;
    /* With config->row_order: the cube's rows in that order, else NULL; valid during the call. */
    const struct cube_row *const *sorted;
    int status; /* as aggregate_capture() returned */
    char error[1024];
};

/*
 * The cube's rows in config->row_order, or NULL when there is none or the
 * cube spilled (its rows are not all in memory). The caller frees the array.
 */
const struct cube_row **aggregate_sort_rows(const struct aggregate_config *config,
                                            struct cube *cube);

/* As aggregate_sort_rows(), as the rows' indices; *count of them. */
uint32_t *aggregate_sort_index(const struct aggregate_config *config, struct cube *cube,
                               size_t *count);

/* Rows offset.. offset + count of a cube, in the order index gives (relative to offset). */
struct sorted_run {
    const uint32_t *index;
    size_t count, offset;
};

/*
 * The cube's rows in config->row_order, merged from runs that each hold a
 * stretch of them in that order (the workers' parts of one file, sorted on
 * their own threads); the runs must cover the cube's rows from the first,
 * in order. NULL when they do not, or as aggregate_sort_rows().
 */
const struct cube_row **aggregate_merge_sorted(const struct aggregate_config *config,
                                               struct cube *cube, const struct sorted_run *runs,
                                               size_t nruns);

/*
 * Reads files with threads worker threads, each file into its own cube, and
 * calls done(ctx, result) in the calling thread for each file as it finishes
 * (in completion order). A nonzero return from done stops the work. While
 * waiting, tick(ctx) is called about twice a second when given (for progress
 * lines). Returns 0, or the first nonzero return of done.
 */
int aggregate_files(const char *const *paths, size_t count, const struct aggregate_config *config,
                    unsigned threads, int (*done)(void *ctx, struct file_result *result),
                    void (*tick)(void *ctx), void *ctx);

/* ---- one stream over every core ------------------------------------------------ */

/* One file as the stream read it. */
struct stream_file {
    struct input_stats stats; /* its packets, format, link type, what was skipped */
    /* With config->sample_packets, its packet sample (NULL for a flow log or
     * a file that did not open); the caller of aggregate_stream() frees it. */
    struct capture_sample *sample;
    int status; /* 0, or -1 with error */
    char error[1024];
};

/*
 * Reads the files as one stream into cube: merged by packet time (a file
 * opened when the stream reaches its first packet, ties to the file that
 * started first), so the flows of the run carry from one file into the next
 * and rotated pieces of a capture count as the whole. One thread reads and
 * decodes; workers threads count, each the remotes whose hash falls to it,
 * so one file uses every core and the result does not depend on workers.
 * files[i] gets the counts of paths[i]; total gets everything, the flow and
 * evidence counts included. Returns 0, or -1 when some file failed (what
 * was read of it still counts).
 */
int aggregate_stream(const char *const *paths, size_t count, const struct aggregate_config *config,
                     unsigned workers, struct cube *cube, struct stream_file *files,
                     struct input_stats *total);

/*
 * As aggregate_stream(), the flows carried from file to file, but each file
 * counted into its own cube, handed to done(ctx, result) once every worker
 * is past its end (a store keeps files apart), one file at a time in the
 * order they were settled, by a writer thread of the stream's own, so that
 * reading goes on while done writes (done need not be reentrant, but must
 * not touch what the calling thread's config->tick does without a lock). A
 * packet counts in its file; what a flow leaves when it ends (evidence, an
 * expiry) counts in the file being counted then, the flows the input's end
 * ends in the last file read. When config->stop is raised the open files
 * come with status AGGREGATE_INTERRUPTED and the rest are not read. Returns
 * 0, or the first nonzero return of done (which stops the reading).
 */
int aggregate_stream_files(const char *const *paths, size_t count,
                           const struct aggregate_config *config, unsigned workers,
                           int (*done)(void *ctx, struct file_result *result), void *ctx);

/* ---- a live capture: counted as it comes, handed over in pieces ---------------- */

struct capture_packet;
struct aggregate_live;

/*
 * Counts packets of link type link_type as a capture file's would be
 * counted (one flow table, one thread: a live interface is read as it
 * comes), into pieces that aggregate_live_take() hands over, so that a
 * store can commit them while the capture goes on. Flows still open at a
 * hand-over stay open: their later packets count in the next piece, their
 * evidence in the piece during which they end.
 */
struct aggregate_live *aggregate_live_new(const struct aggregate_config *config, int link_type,
                                          const char *format);
void aggregate_live_packet(struct aggregate_live *live, const struct capture_packet *packet);
/* Rows counted since the last piece. */
size_t aggregate_live_rows(const struct aggregate_live *live);
/*
 * Hands over what was counted since the last call: the rows (the caller
 * frees the cube) and the counts into *stats. With end, every flow ends
 * first (the input's end: their evidence joins this piece).
 */
struct cube *aggregate_live_take(struct aggregate_live *live, bool end, struct input_stats *stats);
void aggregate_live_free(struct aggregate_live *live);

#endif
