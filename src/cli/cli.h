/*
 * cli: the honeyscope command and its verbs. Only this stage talks to the
 * user (stdout, stderr, exit codes); the stages below return statuses.
 */
#ifndef HONEYSCOPE_CLI_H
#define HONEYSCOPE_CLI_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* Exit statuses (POSIX conventions, as documented in --help). */
enum {
    EXIT_OK = 0,
    EXIT_FAILED = 1, /* the work failed, or some inputs could not be read */
    EXIT_USAGE = 2,  /* the command line is wrong */
};

int cmd_report(int argc, char **argv);
int cmd_lookup(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_forget(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_prefixes(int argc, char **argv);
int cmd_anonymize(int argc, char **argv);
int cmd_sql(int argc, char **argv);

/* Lets gcc and clang check the format strings of the message functions. */
#if defined(__GNUC__)
#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PRINTF_LIKE(fmt, args)
#endif

/* The program the messages name: "honeyscope", or "honeyscope-mpi" (set by its main). */
extern const char *program_name;

/* Prints program_name, ": " and the message to stderr; returns -1. */
int error(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Like error(), then returns EXIT_USAGE with a hint to --help. */
int usage_error(const char *verb, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* "YYYY-MM-DD" -> days since 1970-01-01. Returns 0, or -1. */
int parse_date(const char *text, int64_t *days);
/* "+09:00", "-0530", "UTC", "Z" -> seconds east of UTC. Returns 0, or -1. */
int parse_zone(const char *text, int64_t *offset_s);
/* A decimal number in [min, max]. Returns 0, or -1. */
int parse_u64(const char *text, uint64_t min, uint64_t max, uint64_t *value);
/* A size: "512M", "2G", "64k", "1GiB", or bytes. Returns 0, or -1. */
int parse_size(const char *text, uint64_t *bytes);

/*
 * --memory when not given. Measured on the bench (1.9 GB file, 10 M-source
 * flood, seed set): 128M ran 10-25 % faster than 512M, spilling more but
 * probing tables that fit the caches, at under a third of the peak.
 */
#define DEFAULT_MEMORY (UINT64_C(128) << 20)
/*
 * The rows each of cubes cubes alive at once may keep before spilling, from
 * --memory (0 for the default): half of it goes to the rows being gathered.
 */
size_t memory_cube_rows(uint64_t memory, uint64_t cubes);
/* The memory each of the tables counting evidence at once (tables of them) may take before
 * it spills: a quarter of --memory (memory, 0 for the default) shared, never less than
 * EVIDENCE_SPILL_MIN_BYTES. */
uint64_t memory_evidence_bytes(uint64_t memory, uint64_t tables);
/*
 * Each of threads counting threads' flow table (flow->max_flows, unless
 * --max-flows gave it) and evidence buffers, from the last quarter of
 * --memory (memory, 0 for the default): aggregate_plan_counting().
 */
struct flow_config;
struct evidence_buffer_counts;
void memory_plan_counting(uint64_t memory, uint64_t threads, struct flow_config *flow,
                          struct evidence_buffer_counts *buffers);
/* Where spilled rows go without --tmp-dir: $TMPDIR, else /tmp. */
const char *default_tmp_dir(void);

/* Where a verb's results go (cli/output.c). */
struct output {
    FILE *fp;
    const char *path; /* -o FILE; NULL: stdout */
    bool replacing;   /* fp is a temporary file, renamed to path when all is written */
};

/*
 * Opens stdout (path NULL), a device or a pipe as it is, or a temporary file
 * beside path that output_close() renames to it: an error or a signal
 * (SIGINT, SIGTERM) midway never leaves a partial file, nor spoils a file
 * already there. Returns 0, or -1 with a message printed.
 */
int output_open(struct output *out, const char *path);
/*
 * Finishes the output; ok false (the work failed midway) throws a temporary
 * file away. Returns 0, or -1 when it could not be written (no message).
 */
int output_close(struct output *out, bool ok);

/* Whether progress lines belong on stderr (a terminal, and not --quiet). */
bool progress_wanted(bool quiet);

/* A progress line for work over many files (cli/progress.c). */
struct progress {
    bool on;
    struct timespec start;
    size_t files, files_done;
    _Atomic uint64_t packets; /* given to the readers as aggregate_config.packets_read */
    _Atomic uint64_t spilled; /* aggregate_config.spilled_bytes: said once above 0 */
};

void progress_start(struct progress *progress, bool quiet, size_t files);
/* Redraws the line; takes a struct progress * (fits aggregate_files' tick). */
void progress_tick(void *progress);
void progress_end(struct progress *progress);

/* The worker threads to use when --threads is not given: the cores online. */
unsigned default_threads(void);

#endif
