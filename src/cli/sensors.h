/*
 * Settling the sensors of an ingest, shared by honeyscope and
 * honeyscope-mpi: a store keeps the sensors it was made with; the first
 * ingest takes the user's (--sensor) or detects them from the captures'
 * packets and writes them to the store.
 */
#ifndef HONEYSCOPE_CLI_SENSORS_H
#define HONEYSCOPE_CLI_SENSORS_H

#include <stdbool.h>
#include <stddef.h>

#include "../flow/flow.h"
#include "../store/store.h"

/*
 * Settles given: the store's sensors when it has some (given, if not empty,
 * must equal them), else given, else detected from the paths' packets; a
 * store without sensors gets them. Messages go to stderr (the detected
 * prefixes unless quiet). Returns 0, or -1 after a message.
 */
int settle_sensors(struct store *store, struct sensor_set *given, char **paths, size_t npaths,
                   bool quiet);

#endif
