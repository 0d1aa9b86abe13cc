/*
 * honeyscope-mpi: the ingest and report verbs over the ranks of an MPI job
 * (docs/mpi.md). Every rank runs this program with the same arguments; rank 0
 * reads them, talks to the user and writes the store or the report.
 */
#include <getopt.h>
#include <mpi.h>
#include <stdio.h>
#include <string.h>

#include "../src/cli/suggest.h"
#include "../src/common/version.h"
#include "dist.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: mpirun -np N honeyscope-mpi VERB [options] CAPTURE...\n"
                 "\n"
                 "honeyscope's ingest and report over the ranks of an MPI job: the capture\n"
                 "files are shared among the ranks by size, each rank reads its own with\n"
                 "its threads, and rank 0 writes the store or the report. The results equal\n"
                 "those of 'honeyscope VERB' on the same files.\n"
                 "\n"
                 "Verbs:\n"
                 "  ingest     read captures into a store, all of them in one transaction\n"
                 "  report     analyse captures: volume, categories, ports, sources\n"
                 "\n"
                 "'honeyscope-mpi VERB --help' describes a verb; docs/mpi.md tells how to run\n"
                 "it on a cluster. Exit status: 0 success, 1 failure, 2 usage error.\n");
}

static int run_verb(int argc, char **argv, int rank, int ranks)
{
    if (argc < 2) {
        if (rank == 0)
            usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        if (rank == 0)
            usage(stdout);
        return EXIT_OK;
    }
    opterr = 0; /* the verbs say what is wrong with an option (unknown_option) */
    if (strcmp(argv[1], "ingest") == 0)
        return dist_ingest(argc - 1, argv + 1, rank, ranks);
    if (strcmp(argv[1], "report") == 0)
        return dist_report(argc - 1, argv + 1, rank, ranks);
    if (rank == 0) {
        static const char *const verbs[] = {"ingest", "report"};
        const char *nearest = suggest_nearest(argv[1], verbs, sizeof(verbs) / sizeof(verbs[0]));
        if (nearest)
            fprintf(stderr, "honeyscope-mpi: '%s' is not a verb; did you mean '%s'?\n\n", argv[1],
                    nearest);
        else
            fprintf(stderr, "honeyscope-mpi: '%s' is not a verb\n\n", argv[1]);
        usage(stderr);
    }
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    int provided = 0, rank = 0, ranks = 1, status;
    program_name = "honeyscope-mpi";
    /* Before MPI_Init: asking the version needs no MPI runtime, nor mpirun. */
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("honeyscope-mpi %s\n", honeyscope_version());
        return EXIT_OK;
    }
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    if (provided < MPI_THREAD_FUNNELED) {
        /* Reader threads run beside MPI calls made by the main thread. */
        if (rank == 0)
            error("this MPI library does not allow threads (MPI_THREAD_FUNNELED)");
        status = EXIT_FAILED;
    } else {
        status = run_verb(argc, argv, rank, ranks);
    }
    fflush(stdout);
    MPI_Finalize();
    return status;
}
