/*
 * What the MPI verbs share below main.c: error messages in the program's
 * name and the sensor detection every rank runs alike. Apart from main.c,
 * which calls the verbs, so that the verbs do not call back into it.
 */
#include <stdarg.h>
#include <stdio.h>

#include "dist.h"

int dist_error(const char *fmt, ...)
{
    va_list ap;
    fputs("honeyscope-mpi: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

int dist_usage_error(const char *verb, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "honeyscope-mpi %s: ", verb);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'honeyscope-mpi %s --help'.\n", verb);
    return EXIT_USAGE;
}

size_t dist_detect_sensors(struct sensor_set *sensors, char *const *paths, size_t count, char *why,
                           size_t whylen)
{
    /* The same sample and rule as 'honeyscope', so that the ranks agree with it. */
    return aggregate_detect_sensors((const char *const *)paths, count, sensors, why, whylen);
}
