/*
 * Helpers shared by the attrib loaders: messages, whole files through zlib
 * (plain or gzip alike), and calendar days for snapshot dates.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../common/xalloc.h"
#include "attrib_int.h"

void attrib_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

char *attrib_quote(const char *s, size_t max, char *buf, size_t len)
{
    size_t used = 0;
    for (size_t i = 0; i < max && s[i] && used + 5 < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f)
            buf[used++] = (char)c;
        else
            used += (size_t)snprintf(buf + used, len - used, "\\x%02x", c);
    }
    buf[used] = '\0';
    return buf;
}

gzFile attrib_gzopen(const char *path, char *err, size_t errlen)
{
    errno = 0;
    gzFile gz = gzopen(path, "rb");
    if (!gz)
        attrib_err(err, errlen, "cannot open '%s': %s", path,
                   errno ? strerror(errno) : "out of memory");
    return gz;
}

int attrib_read_file(const char *path, char **data, size_t *len, char *err, size_t errlen)
{
    *data = NULL;
    *len = 0;
    gzFile gz = attrib_gzopen(path, err, errlen);
    if (!gz)
        return -1;
    gzbuffer(gz, 131072);
    size_t used = 0, alloc = 65536;
    char *buf = xmalloc(alloc + 1);
    for (;;) {
        if (used == alloc) {
            if (alloc >= ATTRIB_FILE_MAX) {
                attrib_err(err, errlen, "%s: larger than %zu bytes", path, ATTRIB_FILE_MAX);
                goto fail;
            }
            alloc *= 2;
            buf = xrealloc(buf, alloc + 1);
        }
        size_t want = alloc - used;
        if (want > (1u << 30))
            want = 1u << 30;
        int n = gzread(gz, buf + used, (unsigned)want);
        int errnum = Z_OK;
        const char *msg = n <= 0 ? gzerror(gz, &errnum) : NULL;
        if (n < 0 || (n == 0 && errnum != Z_OK)) {
            attrib_err(err, errlen, "%s: read error at byte %zu: %s", path, used,
                       errnum == Z_ERRNO ? strerror(errno) : msg);
            goto fail;
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    gzclose(gz);
    buf[used] = '\0';
    *data = buf;
    *len = used;
    return 0;
fail:
    gzclose(gz);
    free(buf);
    return -1;
}

int64_t attrib_days(unsigned year, unsigned month, unsigned day)
{
    static const unsigned month_days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 ||
        day > month_days[month - 1])
        return SNAPSHOT_UNDATED;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month == 2 && day == 29 && !leap)
        return SNAPSHOT_UNDATED;
    /* Howard Hinnant's days_from_civil. */
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = y / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (month + (month > 2 ? (unsigned)-3 : 9)) + 2) / 5 + day - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

char *snapshot_day_format(int64_t days, char *buf, size_t len)
{
    if (days == SNAPSHOT_UNDATED) {
        snprintf(buf, len, "undated");
        return buf;
    }
    /* Howard Hinnant's civil_from_days. */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    snprintf(buf, len, "%04lld-%02u-%02u", (long long)(y + (m <= 2)), m, d);
    return buf;
}

int attrib_parse_asn(const char *text, size_t len, bool as_prefix, uint32_t *asn)
{
    if (as_prefix && len >= 2 && (text[0] == 'A' || text[0] == 'a') &&
        (text[1] == 'S' || text[1] == 's')) {
        text += 2;
        len -= 2;
    }
    if (len == 0 || len > 10)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(text[i] - '0');
    }
    if (v > UINT32_MAX)
        return -1;
    *asn = (uint32_t)v;
    return 0;
}
