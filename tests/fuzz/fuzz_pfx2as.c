/*
 * Fuzz target for the routing-table loader (prefix_set_load_pfx2as, ipasn
 * format): the input is the whole file, plain or gzip-compressed. Every
 * prefix loaded carries an AS number in 1..4294967295 and the label
 * "AS<number>", and lookups agree with a brute-force longest match.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../src/attrib/attrib.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    struct prefix_set *set = prefix_set_new();
    char err[512] = "";
    int ret = prefix_set_load_pfx2as(set, path, err, sizeof(err));
    FUZZ_CHECK(ret == 0 || ret == -1);
    if (ret < 0)
        FUZZ_CHECK(strstr(err, path) != NULL);
    for (size_t i = 0; i < prefix_set_count(set); i++) {
        const struct prefix_entry *e = prefix_set_entry(set, i);
        char label[16];
        FUZZ_CHECK(e->asn != 0);
        snprintf(label, sizeof(label), "AS%lu", (unsigned long)e->asn);
        FUZZ_CHECK(strcmp(e->label, label) == 0);
    }
    fuzz_check_prefix_set(set, data, size);
    prefix_set_free(set);
    return 0;
}
