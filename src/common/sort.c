/*
 * Address order: a stable LSD radix sort of the IPv4 addresses (the address
 * in the high half of a 64-bit value, its index in the low half, three passes
 * of 11 bits), a comparison sort of the rest, and a merge.
 */
#include "sort.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/*
 * Digits of 11 bits, three passes over the 32-bit address: 2,048 buckets
 * keep every pass's scattered writes within the caches, where 16-bit digits
 * (65,536 buckets) miss on nearly every one.
 */
#define RADIX_BITS 11
#define RADIX_BUCKETS (1u << RADIX_BITS)

void radix_starts(size_t *count, size_t digits)
{
    size_t sum = 0;
    for (size_t d = 0; d < digits; d++) {
        size_t c = count[d];
        count[d] = sum;
        sum += c;
    }
}

static void radix_sort_high32(uint64_t *v, size_t n)
{
    uint64_t *tmp = xcalloc(n ? n : 1, sizeof(*tmp));
    size_t *count = xcalloc(RADIX_BUCKETS, sizeof(*count));
    uint64_t *from = v, *to = tmp;
    for (unsigned shift = 32; shift < 64; shift += RADIX_BITS) {
        memset(count, 0, RADIX_BUCKETS * sizeof(*count));
        for (size_t i = 0; i < n; i++)
            count[(from[i] >> shift) & (RADIX_BUCKETS - 1)]++;
        radix_starts(count, RADIX_BUCKETS);
        for (size_t i = 0; i < n; i++)
            to[count[(from[i] >> shift) & (RADIX_BUCKETS - 1)]++] = from[i];
        uint64_t *swap = from;
        from = to;
        to = swap;
    }
    if (from != v)
        memcpy(v, from, n * sizeof(*v));
    free(count);
    free(tmp);
}

static _Thread_local const struct ip_addr *(*order_addr_of)(const void *ctx, size_t i);
static _Thread_local const void *order_ctx;

static int index_addr_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    int c = addr_compare(order_addr_of(order_ctx, x), order_addr_of(order_ctx, y));
    return c ? c : (x > y) - (x < y);
}

/* Where a non-IPv4 address lies against ::ffff:0:0/96: before (-1), inside (0), after (1). */
static int v4_range_side(const struct ip_addr *a)
{
    if (addr_be64(a->b) != 0)
        return 1;
    uint64_t low = addr_be64(a->b + 8) >> 32;
    return low < 0xffff ? -1 : low > 0xffff;
}

void address_order(size_t n, const struct ip_addr *(*addr_of)(const void *ctx, size_t i),
                   const void *ctx, uint32_t *order)
{
    uint64_t *v4 = xcalloc(n ? n : 1, sizeof(*v4));
    uint32_t *v6 = xcalloc(n ? n : 1, sizeof(*v6));
    size_t n4 = 0, n6 = 0;
    for (size_t i = 0; i < n; i++) {
        const struct ip_addr *a = addr_of(ctx, i);
        if (addr_is_v4(a))
            v4[n4++] = (uint64_t)a->b[12] << 56 | (uint64_t)a->b[13] << 48 |
                       (uint64_t)a->b[14] << 40 | (uint64_t)a->b[15] << 32 | i;
        else
            v6[n6++] = (uint32_t)i;
    }
    radix_sort_high32(v4, n4);
    order_addr_of = addr_of;
    order_ctx = ctx;
    if (n6)
        qsort(v6, n6, sizeof(*v6), index_addr_cmp);
    /*
     * IPv4 addresses all lie in ::ffff:0:0/96, so the other addresses (in
     * address order already) fall before that range, inside it (the IPv6
     * forms of IPv4 addresses, each just after its IPv4 twin) or after it.
     * Only those inside are compared with the IPv4 ones, and then by the
     * 32 bits the radix keys hold: the rows are not touched again.
     */
    size_t k = 0, i4 = 0, i6 = 0;
    while (i6 < n6 && v4_range_side(addr_of(ctx, v6[i6])) < 0)
        order[k++] = v6[i6++];
    for (;;) {
        bool inside = i6 < n6 && v4_range_side(addr_of(ctx, v6[i6])) == 0;
        if (i4 == n4 && !inside)
            break;
        bool take4 = !inside ||
                     (i4 < n4 && (uint32_t)(v4[i4] >> 32) <=
                                     addr_be64(addr_of(ctx, v6[i6])->b + 8) % (UINT64_C(1) << 32));
        order[k++] = take4 ? (uint32_t)v4[i4++] : v6[i6++];
    }
    while (i6 < n6)
        order[k++] = v6[i6++];
    free(v4);
    free(v6);
}
