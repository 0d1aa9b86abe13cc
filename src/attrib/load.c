/*
 * Reading prefix files into a prefix_set: "CIDR label" lists and ipasn
 * routing-table snapshots.
 *
 * Both go through zlib's gz* reader, which passes plain files through
 * unchanged, so either kind may be gzip-compressed. Lines are split here
 * rather than with gzgets so that an over-long line or a NUL byte is reported
 * as such instead of being silently cut.
 */
#include "attrib.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../common/xalloc.h"
#include "attrib_int.h"

/* Longest line accepted; a longer one is an error, not a truncation. */
#define LINE_MAX_BYTES 4096
#define READ_BUF_BYTES 65536

struct line_reader {
    gzFile gz;
    const char *path;
    char *buf; /* READ_BUF_BYTES + 1: room for a NUL after the last line */
    size_t start, end, scanned;
    unsigned long line_no;
    int eof;
};

static int reader_open(struct line_reader *r, const char *path, char *err, size_t errlen)
{
    memset(r, 0, sizeof(*r));
    r->path = path;
    r->gz = attrib_gzopen(path, err, errlen);
    if (!r->gz)
        return -1;
    gzbuffer(r->gz, 131072);
    r->buf = xmalloc(READ_BUF_BYTES + 1);
    return 0;
}

static void reader_close(struct line_reader *r)
{
    if (r->gz)
        gzclose(r->gz);
    free(r->buf);
}

/*
 * Next line, without its '\n' but NUL-terminated in place (the caller may
 * write into it). Returns 1 with *line and *len, 0 at the end of the file, or
 * -1 with err set.
 */
static int reader_next(struct line_reader *r, char **line, size_t *len, char *err, size_t errlen)
{
    for (;;) {
        char *nl = memchr(r->buf + r->scanned, '\n', r->end - r->scanned);
        if (nl || (r->eof && r->start < r->end)) {
            size_t stop = nl ? (size_t)(nl - r->buf) : r->end;
            r->line_no++;
            if (stop - r->start > LINE_MAX_BYTES) {
                attrib_err(err, errlen, "%s:%lu: line longer than %d bytes", r->path, r->line_no,
                           LINE_MAX_BYTES);
                return -1;
            }
            *line = r->buf + r->start;
            *len = stop - r->start;
            r->buf[stop] = '\0';
            r->start = r->scanned = nl ? stop + 1 : stop;
            return 1;
        }
        if (r->eof)
            return 0;
        r->scanned = r->end;
        if (r->end - r->start > LINE_MAX_BYTES) {
            attrib_err(err, errlen, "%s:%lu: line longer than %d bytes", r->path, r->line_no + 1,
                       LINE_MAX_BYTES);
            return -1;
        }
        /* Keep the partial line and refill behind it. */
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->scanned -= r->start;
        r->start = 0;
        int n = gzread(r->gz, r->buf + r->end, (unsigned)(READ_BUF_BYTES - r->end));
        if (n < 0) {
            int errnum;
            const char *msg = gzerror(r->gz, &errnum);
            attrib_err(err, errlen, "%s:%lu: read error: %s", r->path, r->line_no + 1,
                       errnum == Z_ERRNO ? strerror(errno) : msg);
            return -1;
        }
        if (n == 0) {
            /* zlib reports a gzip stream cut short only through gzerror. */
            int errnum;
            const char *msg = gzerror(r->gz, &errnum);
            if (errnum != Z_OK) {
                attrib_err(err, errlen, "%s:%lu: read error: %s", r->path, r->line_no + 1, msg);
                return -1;
            }
            r->eof = 1;
        }
        r->end += (size_t)n;
    }
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* ---- "CIDR label" lists --------------------------------------------------- */

/*
 * One list line (len bytes, writable, NUL at line[len]). Returns 0 (added or
 * nothing to add), or -1 with the reason in *why.
 */
static int list_line(struct prefix_set *set, char *line, size_t len, const char **why)
{
    size_t i = 0;
    while (i < len && is_space(line[i]))
        i++;
    if (i == len || line[i] == '#')
        return 0;
    if (memchr(line, '\0', len)) {
        *why = "line contains a NUL byte";
        return -1;
    }
    size_t cidr_end = i;
    while (cidr_end < len && !is_space(line[cidr_end]))
        cidr_end++;

    /* The label runs to the end of the line or to a '#' after whitespace. */
    size_t label = cidr_end;
    while (label < len && is_space(line[label]))
        label++;
    size_t label_end = label;
    while (label_end < len && !(line[label_end] == '#' && is_space(line[label_end - 1])))
        label_end++;
    while (label_end > label && is_space(line[label_end - 1]))
        label_end--;
    line[label_end] = '\0';
    line[cidr_end] = '\0';

    struct ip_prefix prefix;
    if (prefix_parse(&prefix, line + i, why) < 0)
        return -1;
    prefix_set_add(set, &prefix, line + label, 0);
    return 0;
}

int prefix_set_load_list(struct prefix_set *set, const char *path, char *err, size_t errlen)
{
    struct line_reader r;
    if (reader_open(&r, path, err, errlen) < 0)
        return -1;
    char *line;
    size_t len;
    int status;
    while ((status = reader_next(&r, &line, &len, err, errlen)) > 0) {
        const char *why = "not a prefix";
        if (list_line(set, line, len, &why) < 0) {
            attrib_err(err, errlen, "%s:%lu: %s", path, r.line_no, why);
            status = -1;
            break;
        }
    }
    reader_close(&r);
    return status < 0 ? -1 : 0;
}

/* ---- ipasn routing tables ------------------------------------------------- */

/* A plain decimal AS number, 1..4294967295, of len bytes. */
static int parse_asn(const char *text, size_t len, uint32_t *asn)
{
    return attrib_parse_asn(text, len, false, asn) < 0 || *asn == 0 ? -1 : 0;
}

static void format_as_label(char buf[16], uint32_t asn)
{
    char digits[10];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + asn % 10);
        asn /= 10;
    } while (asn);
    buf[0] = 'A';
    buf[1] = 'S';
    for (size_t i = 0; i < n; i++)
        buf[2 + i] = digits[n - 1 - i];
    buf[2 + n] = '\0';
}

/*
 * The common ipasn prefix, "a.b.c.d/len" in canonical form (no leading
 * zeros, host bits clear), parsed without the general parser: most of a
 * table's load time would otherwise go to inet_pton() and strtoull().
 * Returns 0, or -1 to leave the text to prefix_parse(), which accepts or
 * words the error exactly as for any other line.
 */
static int fast_v4_prefix(const char *s, size_t n, struct ip_prefix *prefix)
{
    uint8_t quad[4];
    size_t i = 0;
    for (int octet = 0; octet < 4; octet++) {
        unsigned x = 0, digits = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 4) {
            x = x * 10 + (unsigned)(s[i] - '0');
            i++;
            digits++;
        }
        if (digits == 0 || digits > 3 || x > 255 || (digits > 1 && s[i - digits] == '0'))
            return -1;
        quad[octet] = (uint8_t)x;
        if (i >= n || s[i] != (octet < 3 ? '.' : '/'))
            return -1;
        i++;
    }
    unsigned len = 0, digits = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 3) {
        len = len * 10 + (unsigned)(s[i] - '0');
        i++;
        digits++;
    }
    if (i != n || digits == 0 || len > 32 || (digits > 1 && s[i - digits] == '0'))
        return -1;
    uint32_t v =
        (uint32_t)quad[0] << 24 | (uint32_t)quad[1] << 16 | (uint32_t)quad[2] << 8 | quad[3];
    uint32_t host = len == 0 ? UINT32_MAX : len == 32 ? 0 : UINT32_MAX >> len;
    if (v & host)
        return -1;
    addr_from_v4(&prefix->addr, quad);
    prefix->len = (uint8_t)(96 + len);
    return 0;
}

/* One ipasn line (len bytes, writable, NUL at line[len]). */
static int pfx2as_line(struct prefix_set *set, char *line, size_t len, const char **why)
{
    if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
    if (len > 0 && line[0] == ';')
        return 0;
    if (len == 0) {
        *why = "empty line";
        return -1;
    }
    if (memchr(line, '\0', len)) {
        *why = "line contains a NUL byte";
        return -1;
    }
    char *tab = memchr(line, '\t', len);
    if (!tab) {
        *why = "expected prefix/len<TAB>asn";
        return -1;
    }
    *tab = '\0';
    struct ip_prefix prefix;
    if (fast_v4_prefix(line, (size_t)(tab - line), &prefix) < 0) {
        if (!strchr(line, '/')) {
            *why = "missing prefix length";
            return -1;
        }
        if (prefix_parse(&prefix, line, why) < 0)
            return -1;
    }
    uint32_t asn;
    const char *as_text = tab + 1;
    if (parse_asn(as_text, len - (size_t)(as_text - line), &asn) < 0) {
        *why = "AS number is not a decimal in 1..4294967295";
        return -1;
    }
    char label[16];
    format_as_label(label, asn);
    prefix_set_add(set, &prefix, label, asn);
    return 0;
}

/*
 * The snapshot day from an ipasn header line such as "; Original file :
 * rib.20080501.0644.bz2": the first run of exactly 8 digits that is a date.
 */
static int64_t header_day(const char *line, size_t len)
{
    const char *tag = "Original file";
    if (len < 14 || !strstr(line, tag))
        return SNAPSHOT_UNDATED;
    for (size_t i = 0; i + 8 <= len; i++) {
        if (line[i] < '0' || line[i] > '9' || (i > 0 && line[i - 1] >= '0' && line[i - 1] <= '9'))
            continue;
        size_t n = 0;
        while (i + n < len && line[i + n] >= '0' && line[i + n] <= '9')
            n++;
        if (n != 8)
            continue;
        const char *d = line + i;
        unsigned y =
            (unsigned)((d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0'));
        unsigned m = (unsigned)((d[4] - '0') * 10 + (d[5] - '0'));
        unsigned day = (unsigned)((d[6] - '0') * 10 + (d[7] - '0'));
        int64_t days = attrib_days(y, m, day);
        if (days != SNAPSHOT_UNDATED)
            return days;
    }
    return SNAPSHOT_UNDATED;
}

int prefix_set_load_pfx2as_info(struct prefix_set *set, const char *path,
                                struct prefix_file_info *info, char *err, size_t errlen)
{
    struct line_reader r;
    if (info) {
        info->format = "pfx2as";
        info->day = SNAPSHOT_UNDATED;
    }
    if (reader_open(&r, path, err, errlen) < 0)
        return -1;
    char *line;
    size_t len;
    int status;
    while ((status = reader_next(&r, &line, &len, err, errlen)) > 0) {
        const char *why = "bad line";
        if (len > 0 && line[0] == ';' && info && info->day == SNAPSHOT_UNDATED)
            info->day = header_day(line, len);
        if (pfx2as_line(set, line, len, &why) < 0) {
            attrib_err(err, errlen, "%s:%lu: %s", path, r.line_no, why);
            status = -1;
            break;
        }
    }
    reader_close(&r);
    return status < 0 ? -1 : 0;
}

int prefix_set_load_pfx2as(struct prefix_set *set, const char *path, char *err, size_t errlen)
{
    return prefix_set_load_pfx2as_info(set, path, NULL, err, errlen);
}
