/*
 * Bins of time: hours and days are fixed widths in the report's zone; ISO
 * weeks and calendar months are counted on the zone's local days, so a
 * month is 28 to 31 days and no code may divide by a bin's width in seconds.
 */
#include "aggregate.h"

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return a % b < 0 ? q - 1 : q;
}

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's
 * algorithms, "chrono-Compatible Low-Level Date Algorithms"). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

/* The local day of unix_s, counted from 1970-01-01. */
static int64_t local_day(const struct bin_clock *clock, int64_t unix_s)
{
    return floor_div(unix_s + clock->offset_s, 86400);
}

static int64_t day_start(const struct bin_clock *clock, int64_t day)
{
    return day * 86400 - clock->offset_s;
}

/* 1970-01-01 was a Thursday: day + 3 counts from a Monday. */
static int64_t iso_week(int64_t day)
{
    return floor_div(day + 3, 7);
}

int64_t bin_clock_ordinal(const struct bin_clock *clock, int64_t unix_s)
{
    int64_t y, m, d;
    switch (clock->unit) {
    case BIN_WEEK:
        return iso_week(local_day(clock, unix_s));
    case BIN_MONTH:
        civil_from_days(local_day(clock, unix_s), &y, &m, &d);
        return y * 12 + m - 1;
    default:
        return floor_div(unix_s + clock->offset_s, clock->width_s);
    }
}

int64_t bin_clock_start(const struct bin_clock *clock, int64_t unix_s)
{
    int64_t y, m, d, day;
    switch (clock->unit) {
    case BIN_WEEK:
        return day_start(clock, iso_week(local_day(clock, unix_s)) * 7 - 3);
    case BIN_MONTH:
        day = local_day(clock, unix_s);
        civil_from_days(day, &y, &m, &d);
        return day_start(clock, day - (d - 1));
    default:
        return bin_clock_ordinal(clock, unix_s) * clock->width_s - clock->offset_s;
    }
}

int64_t bin_clock_next(const struct bin_clock *clock, int64_t unix_s)
{
    int64_t y, m, d;
    switch (clock->unit) {
    case BIN_WEEK:
        return bin_clock_start(clock, unix_s) + 7 * 86400;
    case BIN_MONTH:
        civil_from_days(local_day(clock, unix_s), &y, &m, &d);
        return day_start(clock,
                         m == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, m + 1, 1));
    default:
        return bin_clock_start(clock, unix_s) + clock->width_s;
    }
}

const char *bin_clock_unit_name(const struct bin_clock *clock)
{
    switch (clock->unit) {
    case BIN_WEEK:
        return "week";
    case BIN_MONTH:
        return "month";
    default:
        return clock->width_s >= 86400 ? "day" : "hour";
    }
}
