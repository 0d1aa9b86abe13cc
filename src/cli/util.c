/* Shared pieces of the verbs: messages, dates, zones, numbers. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../aggregate/aggregate.h"
#include "cli.h"

const char *program_name = "honeyscope";

int error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", program_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

int usage_error(const char *verb, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s %s: ", program_name, verb);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s %s --help'.\n", program_name, verb);
    return EXIT_USAGE;
}

/* Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int parse_date(const char *text, int64_t *days)
{
    static const unsigned month_days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned y, m, d;
    char tail;
    if (strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return -1;
    if (sscanf(text, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3)
        return -1;
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > month_days[m - 1])
        return -1;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        return -1;
    *days = days_from_civil(y, m, d);
    return 0;
}

int parse_zone(const char *text, int64_t *offset_s)
{
    unsigned h, m;
    if (strcmp(text, "UTC") == 0 || strcmp(text, "Z") == 0) {
        *offset_s = 0;
        return 0;
    }
    if (text[0] != '+' && text[0] != '-')
        return -1;
    size_t len = strlen(text);
    if (len == 6 && text[3] == ':' && sscanf(text + 1, "%2u:%2u", &h, &m) == 2)
        ;
    else if (len == 5 && strspn(text + 1, "0123456789") == 4 &&
             sscanf(text + 1, "%2u%2u", &h, &m) == 2)
        ;
    else if (len == 3 && strspn(text + 1, "0123456789") == 2 && sscanf(text + 1, "%2u", &h) == 1)
        m = 0;
    else
        return -1;
    if (h > 14 || m > 59)
        return -1;
    *offset_s = (int64_t)(h * 3600 + m * 60) * (text[0] == '-' ? -1 : 1);
    return 0;
}

int parse_u64(const char *text, uint64_t min, uint64_t max, uint64_t *value)
{
    char *end;
    if (*text < '0' || *text > '9')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *value = v;
    return 0;
}

int parse_size(const char *text, uint64_t *bytes)
{
    char *end;
    if (*text < '0' || *text > '9')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    /* A unit letter, then nothing, "B" or "iB": 512M, 512MB, 512MiB are the same. */
    static const char units[] = "KMGT";
    const char *letter = *end ? strchr(units, toupper((unsigned char)*end)) : NULL;
    if (*end && !letter)
        return -1;
    const char *rest = letter ? end + 1 : end;
    if (*rest && strcmp(rest, "B") != 0 && strcmp(rest, "iB") != 0)
        return -1;
    uint64_t unit = letter ? UINT64_C(1) << (10 * (letter - units + 1)) : 1;
    if (errno || v > UINT64_MAX / unit)
        return -1;
    *bytes = v * unit;
    return 0;
}

/* What a cube row costs while rows are gathered (the row, its hash, its index
 * slots at half load, room to grow): measured, rounded up. */
#define ROW_BYTES_GATHERED 200

size_t memory_cube_rows(uint64_t memory, uint64_t cubes)
{
    uint64_t rows = (memory ? memory : DEFAULT_MEMORY) / 2 / ROW_BYTES_GATHERED / cubes;
    return rows ? (size_t)rows : 1;
}

uint64_t memory_evidence_bytes(uint64_t memory, uint64_t tables)
{
    uint64_t bytes = (memory ? memory : DEFAULT_MEMORY) / 4 / (tables ? tables : 1);
    return bytes < EVIDENCE_SPILL_MIN_BYTES ? EVIDENCE_SPILL_MIN_BYTES : bytes;
}

void memory_plan_counting(uint64_t memory, uint64_t threads, struct flow_config *flow,
                          struct evidence_buffer_counts *buffers)
{
    aggregate_plan_counting((memory ? memory : DEFAULT_MEMORY) / 4 / (threads ? threads : 1), flow,
                            buffers);
}

const char *default_tmp_dir(void)
{
    const char *env = getenv("TMPDIR");
    return env && *env ? env : "/tmp";
}

unsigned default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

bool progress_wanted(bool quiet)
{
    return !quiet && isatty(STDERR_FILENO);
}
