/*
 * Reading a flow log file: plain or gzip (zlib reads both), line by line
 * with a bounded buffer, recognised as a Zeek conn.log from its first lines.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../common/xalloc.h"
#include "flowlog_int.h"

#define READ_BYTES (1u << 16)
/* Header lines looked through for #fields before a file is judged no conn.log. */
#define HEADER_LINES_MAX 64

struct flowlog_file {
    gzFile gz;
    char *path;
    struct zeek_state *state;
    char format[24];
    char *buf; /* FLOWLOG_LINE_MAX + READ_BYTES */
    size_t start, end;
    bool eof, failed;
    bool skipping; /* the rest of a line too long to hold */
    uint64_t lines;
    uint64_t skipped[FLOWLOG_SKIP_COUNT];
    char error[1024];
};

bool flowlog_format_is_flows(const char *format)
{
    return format && (strncmp(format, "zeek-", 5) == 0 || strcmp(format, "ipfix") == 0 ||
                      strncmp(format, "netflow", 7) == 0);
}

/* Fills the buffer; false at the end of the file or on an error (file->failed). */
static bool fill(struct flowlog_file *f)
{
    if (f->eof)
        return false;
    if (f->start) {
        memmove(f->buf, f->buf + f->start, f->end - f->start);
        f->end -= f->start;
        f->start = 0;
    }
    size_t room = FLOWLOG_LINE_MAX + READ_BYTES - f->end;
    if (room > READ_BYTES)
        room = READ_BYTES;
    int n = gzread(f->gz, f->buf + f->end, (unsigned)room);
    if (n < 0 || (n == 0 && !gzeof(f->gz))) {
        int code;
        const char *why = gzerror(f->gz, &code);
        snprintf(f->error, sizeof(f->error), "'%s': line %" PRIu64 ": %s", f->path, f->lines + 1,
                 code == Z_ERRNO ? strerror(errno) : why);
        f->failed = true;
        f->eof = true;
        return false;
    }
    if (n == 0) {
        f->eof = true;
        /* A damaged gzip stream ends early: zlib says so only through gzerror(). */
        int code;
        const char *why = gzerror(f->gz, &code);
        if (code != Z_OK) {
            snprintf(f->error, sizeof(f->error), "'%s': line %" PRIu64 ": %s", f->path,
                     f->lines + 1, why);
            f->failed = true;
        }
        return false;
    }
    f->end += (size_t)n;
    return true;
}

/*
 * The next line (without its newline) in *line, *len; a line too long to
 * hold comes as *len FLOWLOG_LINE_MAX + 1 (its start only). Returns false
 * at the end.
 */
static bool next_line(struct flowlog_file *f, const char **line, size_t *len)
{
    for (;;) {
        char *nl = f->end > f->start ? memchr(f->buf + f->start, '\n', f->end - f->start) : NULL;
        if (nl) {
            size_t n = (size_t)(nl - (f->buf + f->start));
            *line = f->buf + f->start;
            *len = n;
            f->start += n + 1;
            if (f->skipping) {
                f->skipping = false;
                continue;
            }
            f->lines++;
            return true;
        }
        if (f->end - f->start > FLOWLOG_LINE_MAX) {
            /* Too long: the line counts once, its rest is passed over. */
            *line = f->buf + f->start;
            *len = FLOWLOG_LINE_MAX + 1;
            f->start = f->end;
            if (f->skipping)
                continue;
            f->skipping = true;
            f->lines++;
            return true;
        }
        if (!fill(f)) {
            if (f->end == f->start)
                return false;
            /* The last line, without a newline. */
            *line = f->buf + f->start;
            *len = f->end - f->start;
            f->start = f->end;
            if (f->skipping) {
                f->skipping = false;
                return false;
            }
            f->lines++;
            return true;
        }
    }
}

/* Reads the first lines to tell whether this is a conn.log, and which form. */
static bool recognise(struct flowlog_file *f)
{
    const char *line;
    size_t len;
    if (!next_line(f, &line, &len) || len > FLOWLOG_LINE_MAX)
        return false;
    if (len >= 11 && memcmp(line, "#separator ", 11) == 0) {
        f->state = zeek_state_new(false);
        struct flow_record r;
        enum flowlog_skip why;
        zeek_parse_line(f->state, line, len, &r, &why);
        for (int i = 0; i < HEADER_LINES_MAX && !zeek_state_complete(f->state); i++) {
            if (!next_line(f, &line, &len) || len > FLOWLOG_LINE_MAX || len == 0 || line[0] != '#')
                return false;
            zeek_parse_line(f->state, line, len, &r, &why);
        }
        if (!zeek_state_complete(f->state))
            return false;
        snprintf(f->format, sizeof(f->format), "zeek-conn");
        return true;
    }
    if (len && line[0] == '{' && zeek_json_is_conn(line, len)) {
        f->state = zeek_state_new(true);
        snprintf(f->format, sizeof(f->format), "zeek-conn-json");
        /* The first record is read again as a record. */
        f->start = 0;
        f->lines = 0;
        return true;
    }
    return false;
}

struct flowlog_file *flowlog_open(const char *path, char *err, size_t errlen)
{
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        snprintf(err, errlen, "cannot open '%s': %s", path, errno ? strerror(errno) : "no memory");
        return NULL;
    }
    gzbuffer(gz, READ_BYTES);
    struct flowlog_file *f = xcalloc(1, sizeof(*f));
    f->gz = gz;
    f->path = xstrdup(path);
    f->buf = xmalloc(FLOWLOG_LINE_MAX + READ_BYTES);
    /*
     * The first line must stay in the buffer to be read again (JSON): fill
     * once, and only recognise what the first READ_BYTES hold.
     */
    bool ok = fill(f) && memchr(f->buf, '\n', f->end);
    bool compressed = !gzdirect(gz);
    ok = ok && recognise(f);
    if (!ok) {
        snprintf(err, errlen, "'%s': not a Zeek conn.log%s", path,
                 f->failed ? " (cannot read it whole)" : "");
        flowlog_close(f);
        return NULL;
    }
    if (compressed)
        snprintf(f->format + strlen(f->format), sizeof(f->format) - strlen(f->format), "+gzip");
    return f;
}

int flowlog_next(struct flowlog_file *f, struct flow_record *record)
{
    const char *line;
    size_t len;
    while (next_line(f, &line, &len)) {
        enum flowlog_skip why;
        int got = zeek_parse_line(f->state, line, len, record, &why);
        if (got == 1)
            return 1;
        if (got < 0)
            f->skipped[why]++;
    }
    return f->failed ? -1 : 0;
}

const char *flowlog_error(const struct flowlog_file *file)
{
    return file->error;
}

const char *flowlog_format(const struct flowlog_file *file)
{
    return file->format;
}

const uint64_t *flowlog_skipped(const struct flowlog_file *file)
{
    return file->skipped;
}

uint64_t flowlog_lines(const struct flowlog_file *file)
{
    return file->lines;
}

void flowlog_close(struct flowlog_file *file)
{
    if (!file)
        return;
    gzclose(file->gz);
    zeek_state_free(file->state);
    free(file->buf);
    free(file->path);
    free(file);
}
