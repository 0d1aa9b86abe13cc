/*
 * honeyscope: what did my sensor exchange with those networks, how much,
 * when, and why. The verb table; each verb lives in its own cmd_*.c and
 * parses its own options.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "suggest.h"

#include "../common/version.h"

struct verb {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct verb verbs[] = {
    {"report", cmd_report, "analyse captures or a store: volume, categories, ports, sources"},
    {"ingest", cmd_ingest, "read captures into a store, incrementally and crash-safely"},
    {"forget", cmd_forget, "remove capture files' contributions from a store"},
    {"merge", cmd_merge, "add stores from other machines into one"},
    {"sql", cmd_sql, "run SQL on a store, read-only, with address functions"},
    {"prefixes", cmd_prefixes, "keep named prefix sets in a store: add, list, remove"},
    {"lookup", cmd_lookup, "name addresses: groups, prefixes, labels, origin AS"},
    {"anonymize", cmd_anonymize, "replace addresses in captures, prefix-preservingly"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: honeyscope VERB [options] [args]\n\n"
                 "What did the sensor exchange with those networks, how much, when, and why.\n\n"
                 "Verbs:\n");
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
        fprintf(out, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
    fprintf(out, "\n'honeyscope VERB --help' describes a verb. Exit status: 0 success,\n"
                 "1 failure, 2 usage error.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("honeyscope %s\n", HONEYSCOPE_VERSION);
        return EXIT_OK;
    }
    const char *names[sizeof(verbs) / sizeof(verbs[0])];
    opterr = 0; /* the verbs say what is wrong with an option (unknown_option) */
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
        if (strcmp(argv[1], verbs[i].name) == 0)
            return verbs[i].run(argc - 1, argv + 1);
        names[i] = verbs[i].name;
    }
    const char *nearest = suggest_nearest(argv[1], names, sizeof(names) / sizeof(names[0]));
    if (nearest)
        fprintf(stderr, "honeyscope: '%s' is not a verb; did you mean '%s'?\n\n", argv[1], nearest);
    else
        fprintf(stderr, "honeyscope: '%s' is not a verb\n\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
