/*
 * What the MPI verbs share below main.c: the sensor detection every rank
 * runs alike. Apart from main.c, which calls the verbs, so that the verbs
 * do not call back into it. Messages are the CLI's (error(), usage_error()),
 * in the name main.c sets.
 */
#include <stdio.h>

#include "dist.h"

size_t dist_detect_sensors(struct sensor_set *sensors, char *const *paths, size_t count, char *why,
                           size_t whylen)
{
    /* The same sample and rule as 'honeyscope', so that the ranks agree with it. */
    return aggregate_detect_sensors((const char *const *)paths, count, sensors, why, whylen);
}
