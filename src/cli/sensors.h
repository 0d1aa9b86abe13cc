/*
 * The sensors as the user gives them (--sensor), and settling the sensors of
 * an ingest, shared by honeyscope and honeyscope-mpi: a store keeps the
 * sensors it was made with; the first ingest takes the user's (--sensor) or
 * detects them from the captures' packets and writes them to the store.
 */
#ifndef HONEYSCOPE_CLI_SENSORS_H
#define HONEYSCOPE_CLI_SENSORS_H

#include <stdbool.h>
#include <stddef.h>

#include "../flow/flow.h"
#include "../store/store.h"

/*
 * --sensor CIDR: adds the prefix arg to set. Returns -1 to go on, or the exit
 * status of a usage error (the message printed, in verb's name).
 */
int sensor_option(struct sensor_set *set, const char *verb, const char *arg);

/*
 * Settles given: the store's sensors when it has some (given, if not empty,
 * must equal them), else given, else detected from the paths' packets; a
 * store without sensors gets them. Messages go to stderr (the detected
 * prefixes unless quiet). Returns 0, or -1 after a message.
 */
int settle_sensors(struct store *store, struct sensor_set *given, char **paths, size_t npaths,
                   bool quiet);

#endif
