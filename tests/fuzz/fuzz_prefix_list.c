/*
 * Fuzz target for the "CIDR label" list loader (prefix_set_load_list): the
 * input is the whole file, plain or gzip-compressed. Whether it loads or
 * stops at a bad line, the error must name a line, and the prefixes added so
 * far must answer lookups as a brute-force longest match does.
 */
#include <stdint.h>
#include <string.h>

#include "../../src/attrib/attrib.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    struct prefix_set *set = prefix_set_new();
    char err[512] = "";
    int ret = prefix_set_load_list(set, path, err, sizeof(err));
    FUZZ_CHECK(ret == 0 || ret == -1);
    if (ret < 0)
        FUZZ_CHECK(strstr(err, path) != NULL);
    fuzz_check_prefix_set(set, data, size);
    prefix_set_free(set);
    return 0;
}
