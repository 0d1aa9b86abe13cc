/*
 * Private to the attrib stage: helpers the loaders share (messages, reading
 * a whole file through zlib, calendar days).
 */
#ifndef HONEYSCOPE_ATTRIB_INT_H
#define HONEYSCOPE_ATTRIB_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "attrib.h"

#if defined(__GNUC__) || defined(__clang__)
#define ATTRIB_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ATTRIB_PRINTF(f, a)
/* origin_lookup(), without the name when with_name is false (the cheaper
 * question group membership asks). */
bool origin_find(const struct origin_sources *sources, const struct ip_addr *addr, int64_t unix_s,
                 struct origin *out, bool with_name);

#endif

/* snprintf into err when err is not NULL. */
void attrib_err(char *err, size_t errlen, const char *fmt, ...) ATTRIB_PRINTF(3, 4);

/* Copies at most max bytes of s into buf (len bytes) for a message:
 * printable ASCII as is, other bytes as \xNN, so that text lifted from a
 * file cannot drive the terminal that shows the error. Returns buf. */
char *attrib_quote(const char *s, size_t max, char *buf, size_t len);

/* Files read whole (JSON) are refused past this size. */
#define ATTRIB_FILE_MAX ((size_t)1 << 30)

/*
 * Reads the whole of path, gunzipped when gzip-compressed, into *data (NUL
 * after the last byte; free() it). Returns 0, or -1 with "cannot open 'path':
 * reason" or "path: read error: reason" in err.
 */
/* Opens path for reading through zlib (plain or gzip), or sets err and returns NULL. */
gzFile attrib_gzopen(const char *path, char *err, size_t errlen);
int attrib_read_file(const char *path, char **data, size_t *len, char *err, size_t errlen);

/* Days since 1970-01-01 of a valid Gregorian date, or SNAPSHOT_UNDATED when
 * the date is not one (month 13, February 30, before 1970). */
int64_t attrib_days(unsigned year, unsigned month, unsigned day);

/*
 * An AS number of len bytes: plain decimal, or after "AS" (any case) when
 * as_prefix is set; 0..4294967295. Returns 0, or -1 when it is not one. The
 * callers refuse 0 where an origin is meant.
 */
int attrib_parse_asn(const char *text, size_t len, bool as_prefix, uint32_t *asn);

/* origin_lookup(), without the name when with_name is false (the cheaper
 * question group membership asks). */
bool origin_find(const struct origin_sources *sources, const struct ip_addr *addr, int64_t unix_s,
                 struct origin *out, bool with_name);

#endif
