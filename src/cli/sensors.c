/* The sensors of an ingest: the store's, the user's, or detected. */
#include <stdio.h>

#include "../aggregate/aggregate.h"
#include "../store/store.h"
#include "cli.h"
#include "sensors.h"

int sensor_option(struct sensor_set *set, const char *verb, const char *arg)
{
    struct ip_prefix prefix;
    const char *why = "";
    if (prefix_parse(&prefix, arg, &why) < 0)
        return usage_error(verb, "--sensor '%s': %s", arg, why);
    sensor_set_add(set, &prefix);
    return -1;
}

int settle_sensors(struct store *store, struct sensor_set *given, char **paths, size_t npaths,
                   bool quiet)
{
    struct sensor_set stored;
    char how[512], err[1024];
    sensor_set_init(&stored);
    if (store_get_sensors(store, &stored, how, sizeof(how), err, sizeof(err)) < 0) {
        sensor_set_release(&stored);
        return error("%s", err);
    }
    if (stored.count) {
        bool ok = given->count == 0 || sensor_set_equal(given, &stored);
        if (ok && given->count == 0) {
            for (size_t i = 0; i < stored.count; i++)
                sensor_set_add(given, &stored.prefixes[i]);
        }
        sensor_set_release(&stored);
        if (!ok)
            return error("the store was made with other sensor addresses; give the same "
                         "--sensor, or none, or use another store");
        return 0;
    }
    sensor_set_release(&stored);
    const char *source = "given";
    if (given->count == 0) {
        aggregate_detect_sensors((const char *const *)paths, npaths, given, how, sizeof(how));
        if (given->count == 0)
            return error("cannot tell the sensor: %s", how);
        if (!quiet)
            fprintf(stderr, "%s: sensor %s\n", program_name, how);
        source = how;
    }
    if (store_set_sensors(store, given, source, err, sizeof(err)) < 0)
        return error("%s", err);
    return 0;
}
