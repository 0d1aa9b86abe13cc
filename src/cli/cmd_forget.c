/*
 * honeyscope forget: removes capture files' contributions from a store, each
 * in its own transaction, e.g. a capture found to be from the wrong sensor.
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "../store/store.h"
#include "cli.h"

static const char forget_usage[] =
    "usage: honeyscope forget --db STORE FILE...\n"
    "\n"
    "Removes what each capture FILE contributed to STORE (its traffic rows and its\n"
    "record). FILE is named as it was ingested; it need not exist any more.\n"
    "\n"
    "Exit status: 0 success, 1 some FILE was not in the store or could not be\n"
    "removed, 2 usage error.\n";

int cmd_forget(int argc, char **argv)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 'h':
            fputs(forget_usage, stdout);
            return EXIT_OK;
        default:
            return usage_error("forget", "unknown option");
        }
    }
    if (!db || optind >= argc)
        return usage_error("forget", db ? "no files given" : "--db STORE is required");

    char err[1024];
    struct store *store = store_open(db, STORE_WRITE, err, sizeof(err));
    if (!store) {
        error("%s", err);
        return EXIT_FAILED;
    }
    int status = EXIT_OK;
    for (int i = optind; i < argc; i++) {
        uint64_t packets = 0;
        int found = store_forget(store, argv[i], &packets, err, sizeof(err));
        if (found < 0) {
            error("%s", err);
            status = EXIT_FAILED;
        } else if (found == 0) {
            error("'%s' is not in the store", argv[i]);
            status = EXIT_FAILED;
        } else {
            fprintf(stderr, "honeyscope: forgot '%s' (%" PRIu64 " packets)\n", argv[i], packets);
        }
    }
    store_close(store);
    return status;
}
