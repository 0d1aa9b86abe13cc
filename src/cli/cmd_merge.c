/*
 * honeyscope merge: adds stores made on other machines (or by other runs)
 * into one. Files are matched by content fingerprint, so the same capture
 * ingested twice is counted once.
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "../store/store.h"
#include "cli.h"
#include "suggest.h"

static const char merge_usage[] =
    "usage: honeyscope merge OUT.db IN.db...\n"
    "\n"
    "Adds every capture file of each IN store, with its traffic, to OUT (created\n"
    "when missing), one transaction per file. A file OUT already holds (same\n"
    "content fingerprint) is skipped as a duplicate; one whose path OUT holds\n"
    "with other content is skipped as a conflict. All stores must have the same\n"
    "sensor addresses.\n"
    "\n"
    "Exit status: 0 success, 1 some store could not be merged or had conflicts,\n"
    "2 usage error.\n";

int cmd_merge(int argc, char **argv)
{
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (c == 'h') {
            fputs(merge_usage, stdout);
            return EXIT_OK;
        }
        return unknown_option("merge", options, argv);
    }
    if (argc - optind < 2)
        return usage_error("merge", "give OUT.db and at least one IN.db");

    char err[1024];
    const char *out_path = argv[optind];
    struct store *out = store_open(out_path, STORE_WRITE, err, sizeof(err));
    if (!out) {
        error("%s", err);
        return EXIT_FAILED;
    }
    int status = EXIT_OK;
    for (int i = optind + 1; i < argc; i++) {
        struct merge_counts counts;
        memset(&counts, 0, sizeof(counts));
        if (store_merge(out, argv[i], &counts, err, sizeof(err)) < 0) {
            error("%s", err);
            status = EXIT_FAILED;
        }
        fprintf(stderr,
                "honeyscope: '%s': %" PRIu64 " files added, %" PRIu64 " duplicates, %" PRIu64
                " conflicts\n",
                argv[i], counts.added, counts.duplicates, counts.conflicts);
        if (counts.conflicts)
            status = EXIT_FAILED;
    }
    store_close(out);
    return status;
}
