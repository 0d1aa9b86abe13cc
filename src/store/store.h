/*
 * store: the SQLite store of a sensor's traffic (docs/store.md).
 *
 * Capture files ingested (identity, span, counts, status), the traffic cube
 * rows each file contributed, and the sensor addresses. One transaction per
 * capture file: an interrupted ingest loses nothing already committed, and a
 * file's contribution can be replaced or forgotten as a unit. Cube rows are
 * kept in quarter-hour bins (UTC), which nest in the hour and day bins of
 * every zone in use, so reports from the store match one-shot reports.
 * The only file set that includes <sqlite3.h>.
 */
#ifndef HONEYSCOPE_STORE_H
#define HONEYSCOPE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../aggregate/aggregate.h"
#include "../capture/capture.h"
#include "../flow/flow.h"

#define STORE_BIN_SECONDS 900
#define STORE_FINGERPRINT_LEN 32 /* hex digits */

/* An address as the store keeps it: 4 bytes for IPv4, 16 for IPv6 (docs/store.md). */
#define STORE_ADDR_MAX 16
/* Writes addr's bytes to out; returns how many (4 or 16). */
size_t store_addr_bytes(const struct ip_addr *addr, uint8_t out[STORE_ADDR_MAX]);
/* Reads len bytes back into addr; false unless len is 4 or 16. */
bool store_addr_from_bytes(struct ip_addr *addr, const void *bytes, size_t len);

struct store;

enum store_mode {
    STORE_READ,  /* never writes, not even the journal mode */
    STORE_WRITE, /* creates the store when the file is new or empty */
};

/*
 * Opens the store at path. Refuses, with a message in err, a file that is
 * not a honeyscope store, one made by a newer version, and (for STORE_WRITE)
 * one that cannot be written; such files are never modified.
 */
struct store *store_open(const char *path, enum store_mode mode, char *err, size_t errlen);
void store_close(struct store *store);

/* Who a capture file is: where, how big, when changed, and a content sample. */
struct file_identity {
    char path[4096]; /* absolute */
    int64_t size;
    int64_t mtime_ns;
    char fingerprint[STORE_FINGERPRINT_LEN + 1];
    /* Its packet sample, stored with it when not NULL (store_put_file). */
    const struct capture_sample *sample;
};

/*
 * Fills identity for path: its absolute path, size and mtime, and a
 * fingerprint (BLAKE2b of the size, the first and the last MiB). Returns 0,
 * or -1 with err.
 */
int store_identify(const char *path, struct file_identity *identity, char *err, size_t errlen);

/*
 * Whether b is the same capture as a: the same file (path), or a copy of it
 * (same fingerprint, then confirmed byte for byte while both can be read).
 */
bool store_same_capture(const struct file_identity *a, const struct file_identity *b);

#define STORE_NOT_A_COPY SIZE_MAX

/*
 * Identifies paths[0..count) into ids and finds the repeats: same_as[i] is
 * the index of the first earlier path holding the same capture, or
 * STORE_NOT_A_COPY. A file that cannot be identified gets an empty ids[i].path
 * and is never a copy (reading it will say why). threads files are
 * identified at once (1: one after the other).
 */
void store_find_copies(const char *const *paths, size_t count, struct file_identity *ids,
                       size_t *same_as, unsigned threads);

enum store_presence {
    STORE_ABSENT,    /* never ingested */
    STORE_SAME,      /* this path, same size and mtime: nothing to do */
    STORE_CHANGED,   /* this path, changed since: replace its contribution */
    STORE_DUPLICATE, /* another path with the same fingerprint */
};

/*
 * Whether the file is in the store. For STORE_CHANGED *file_id is the row to
 * replace; for STORE_DUPLICATE, other (othlen bytes) names the stored path.
 */
int store_presence(struct store *store, const struct file_identity *identity, int64_t *file_id,
                   char *other, size_t othlen, enum store_presence *presence);

/*
 * Stores one file's contribution in one transaction, replacing replace_id
 * when it is positive. error is NULL for a file read to its end. Returns 0, or
 * -1 with err (and the store as before).
 */
int store_put_file(struct store *store, const struct file_identity *identity,
                   const struct input_stats *stats, const char *error, const struct cube *cube,
                   const struct cube_row *const *sorted, int64_t replace_id, char *err,
                   size_t errlen);

/*
 * The order of the store's traffic keys, for qsort() of const struct
 * cube_row pointers: rows sorted with it (store_sort_rows()) are written in
 * key order, which is what makes writing fast (store_rows.c). Sorting can
 * be done before the store is reached, in the thread that counted the file
 * (aggregate_config.row_order), and the result given to store_put_file() as
 * sorted (NULL: sorted there).
 */
int store_row_order(const void *a, const void *b);
/* Sorts n row pointers in store_row_order(), faster than qsort() with it
 * (aggregate_config.sort_rows). */
void store_sort_pointers(const struct cube_row **rows, size_t n);
/*
 * As store_sort_pointers(), for rows that come in spill order (a spilled
 * cube's chunks, cube_chunks_open()): a stable sort on bin and sensor alone
 * then gives store order, in a few linear passes.
 */
void store_sort_spilled(const struct cube_row **rows, size_t n);
/* The cube's rows in store_row_order(), *count of them; the caller frees the array. */
const struct cube_row **store_sort_rows(struct cube *cube, size_t *count);

/*
 * A batch: one transaction around many store_put_file() and
 * store_set_sensors() calls, so that all of them land or none do (used by
 * honeyscope-mpi ingest, docs/mpi.md). Inside a batch each call is a
 * savepoint that undoes itself when it fails; store_batch_commit() makes the
 * batch durable, store_batch_rollback() (or closing the store, or the process
 * dying) leaves the store as before store_batch_begin(). The write lock is
 * held from begin to commit: other writers wait. Each returns 0, or -1 with
 * err (a failed commit rolls the batch back).
 */
int store_batch_begin(struct store *store, char *err, size_t errlen);
int store_batch_commit(struct store *store, char *err, size_t errlen);
void store_batch_rollback(struct store *store);

/* A live capture as the store keeps it (ingest --live). */
struct live_capture_info {
    const char *interface;
    const char *filter; /* NULL: none */
    int64_t started_ns;
};

/*
 * Stores one commit of a live capture in one transaction. At the first
 * (*file_id 0) the capture gets its capture_file row, named
 * "live:IFACE@START" (UTC), and *file_id is set; later commits add their
 * counts and rows to it (rows of one key add up). kernel_drops and
 * interface_drops are what this commit's period lost; stopped marks the
 * capture's end. Returns 0, or -1 with err (and the store as before).
 */
int store_put_live(struct store *store, const struct live_capture_info *info, int64_t *file_id,
                   const struct input_stats *stats, struct cube *cube, uint64_t kernel_drops,
                   uint64_t interface_drops, bool stopped, char *err, size_t errlen);

/* Removes a file's contribution. Returns 1 when found, 0 when not, -1 on error. */
int store_forget(struct store *store, const char *path, uint64_t *packets, char *err,
                 size_t errlen);

/* The sensor set the store was made with (empty when none yet), and how. */
int store_get_sensors(struct store *store, struct sensor_set *sensors, char *how, size_t howlen,
                      char *err, size_t errlen);
int store_set_sensors(struct store *store, const struct sensor_set *sensors, const char *how,
                      char *err, size_t errlen);

/* A stored capture file, as the report lists it. */
struct stored_file {
    char *path;
    char format[24];
    int link_type;
    uint64_t packets;
    char *error; /* NULL when read to its end */
    char *live;  /* a live capture: interface, start, last commit; else NULL */
};

/*
 * Adds the rows with bins in [from_s, to_s) to cube, the counts of every file
 * to stats (what the evidence bounds left out: only of the files with packets
 * in the period), and lists the files (by path; free with store_files_free).
 */
int store_load(struct store *store, int64_t from_s, int64_t to_s, struct cube *cube,
               struct input_stats *stats, struct stored_file **files, size_t *file_count, char *err,
               size_t errlen);
void store_files_free(struct stored_file *files, size_t count);

/*
 * Adds the span (first to last packet) of every capture stored, flow logs
 * left out, to spans and seals them: flow records inside are not counted
 * (docs/flows.md). Returns 0, or -1 with err.
 */
int store_capture_spans(struct store *store, struct time_spans *spans, char *err, size_t errlen);
/*
 * Counts the flow logs stored before a capture whose span overlaps theirs:
 * what they share with it counts twice until they are forgotten and
 * ingested again. Returns 0, or -1 with err.
 */
int store_flow_logs_overlapped(struct store *store, uint64_t *count, char *err, size_t errlen);

/*
 * The first stored capture, other than path, whose span meets the sample's
 * and which holds some of its packets (capture_sample_overlap()): *found,
 * its path in other and the overlap. Captures stored without a sample (by
 * a version before 5) are never found. Returns 0, or -1 with err.
 */
int store_find_overlap(struct store *store, const struct capture_sample *sample, const char *path,
                       char *other, size_t othlen, struct capture_overlap *overlap, bool *found,
                       char *err, size_t errlen);

/* Two stored captures holding the same packets: file, the later, and the earlier. */
struct store_overlap {
    char *file, *overlaps_with;
    struct capture_overlap overlap;
};

/*
 * Among the stored captures whose span meets [from_ns, to_ns], every one that
 * holds packets of one before it in time (by first packet, then as stored),
 * each with the first such. Free with store_overlaps_free(). Returns 0, or -1
 * with err (a damaged sample among them is refused).
 */
int store_overlaps(struct store *store, int64_t from_ns, int64_t to_ns, struct store_overlap **list,
                   size_t *count, char *err, size_t errlen);
void store_overlaps_free(struct store_overlap *list, size_t count);

struct merge_counts {
    uint64_t added, duplicates, conflicts;
};

/*
 * Adds every capture file of the store at in_path (with its rows) to store,
 * one transaction per file; a file whose fingerprint is already present is a
 * duplicate and skipped, and one whose path is present with another content
 * is a conflict and skipped. Returns 0, or -1 with err.
 */
int store_merge(struct store *store, const char *in_path, struct merge_counts *counts, char *err,
                size_t errlen);

/* ---- named prefix sets ------------------------------------------------------ */

/*
 * A named prefix set kept in the store, so that reports from the store need no
 * file: a group's specification (what follows NAME= in --group) with the
 * bytes of the file it names, one row per file (several for dated
 * snapshots). file_suffix is what followed the file name (@DATE, :SELECTION);
 * for an AS list, spec is the list and content is empty.
 */
struct stored_prefix_spec {
    const char *name;
    const char *spec;        /* as the user gave it */
    const char *file_suffix; /* NULL for an AS list */
    const void *content;
    size_t content_len;
};

/* Adds one specification to set name. Returns 0, or -1 with err. */
int store_prefix_add(struct store *store, const struct stored_prefix_spec *spec, char *err,
                     size_t errlen);
/* Calls fn for each specification, of set name or of every set (name NULL). */
int store_prefix_each(struct store *store, const char *name,
                      int (*fn)(void *ctx, const struct stored_prefix_spec *spec), void *ctx,
                      char *err, size_t errlen);
/* Removes set name; returns the specifications removed, or -1 with err. */
int store_prefix_remove(struct store *store, const char *name, char *err, size_t errlen);

/* ---- the user's own SQL (honeyscope sql) ------------------------------------ */

/* One value of a row a query gives. */
struct store_value {
    enum {
        STORE_VALUE_NULL,
        STORE_VALUE_INTEGER,
        STORE_VALUE_REAL,
        STORE_VALUE_TEXT,
        STORE_VALUE_BLOB,
    } type;
    int64_t integer;
    /* TEXT, BLOB: the len bytes as stored (any bytes, NUL among them); REAL: its text. */
    const unsigned char *bytes;
    size_t len;
};

/* Where a query's results go; each returns 0, or -1 to stop (a write failed). */
struct store_query_sink {
    void *ctx;
    /* A statement that gives rows starts: its column names. */
    int (*columns)(void *ctx, size_t count, const char *const *names);
    int (*row)(void *ctx, size_t count, const struct store_value *values);
    /* Its rows are over. */
    int (*end)(void *ctx);
};

/*
 * Runs sql, one statement after another, each statement's rows handed to
 * sink. Open the store with STORE_READ: nothing the SQL says can change it.
 * Every connection to a store knows ip_text(ADDRESS), ip_bytes(TEXT) and
 * ip_in(ADDRESS, PREFIX) (docs/store.md). Returns 0, or -1 with err naming
 * the statement and its line (the rows given before it stand).
 */
int store_query(struct store *store, const char *sql, const struct store_query_sink *sink,
                char *err, size_t errlen);

#endif
