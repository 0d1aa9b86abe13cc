/*
 * A stable LSD radix sort of 64-bit values by their high 32 bits, two passes
 * of 16 bits: IPv4 addresses in the high half, an index in the low half.
 */
#include "sort.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void radix_sort_high32(uint64_t *v, size_t n)
{
    uint64_t *tmp = xcalloc(n ? n : 1, sizeof(*tmp));
    size_t *count = xcalloc(65536, sizeof(*count));
    for (unsigned shift = 32; shift < 64; shift += 16) {
        memset(count, 0, 65536 * sizeof(*count));
        for (size_t i = 0; i < n; i++)
            count[(v[i] >> shift) & 0xffff]++;
        size_t sum = 0;
        for (size_t d = 0; d < 65536; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[(v[i] >> shift) & 0xffff]++] = v[i];
        memcpy(v, tmp, n * sizeof(*v));
    }
    free(count);
    free(tmp);
}
