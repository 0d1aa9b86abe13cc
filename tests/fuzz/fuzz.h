/*
 * Shared by the fuzz targets in tests/fuzz: the libFuzzer entry point's
 * prototype, a check that aborts (so that both libFuzzer and the replay
 * driver report a broken invariant as a crash), a way to hand an input to the
 * stages that read files by path, and the prefix set check of the loaders'
 * targets.
 */
#ifndef HONEYSCOPE_FUZZ_H
#define HONEYSCOPE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test; a violation is a finding. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/*
 * Writes data into an anonymous in-memory file (one per process, rewritten
 * for every input) and returns a path that opens it: the loaders and the
 * capture stage take paths, and a memfd leaves nothing behind when a run
 * crashes. Defined in support.c.
 */
const char *fuzz_file(const uint8_t *data, size_t size);

struct prefix_set;
/*
 * Checks a loaded prefix set: lookups of fixed addresses, of addresses made
 * of data's bytes and of each prefix's first and last address agree with a
 * brute-force longest match over every entry. Defined in support.c.
 */
void fuzz_check_prefix_set(const struct prefix_set *set, const uint8_t *data, size_t size);

#endif
