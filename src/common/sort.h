/*
 * sort: address order for millions of addresses (the report's remotes, a
 * spilling cube's rows), where a comparison sort would cost more than
 * reading them.
 */
#ifndef HONEYSCOPE_SORT_H
#define HONEYSCOPE_SORT_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/*
 * Fills order with 0..n-1 sorted by address (addr_compare), equal addresses
 * in index order. addr_of(ctx, i) is address i. IPv4 addresses, the bulk of
 * a flood, are radix sorted; the others are compared; the two are merged.
 */
void address_order(size_t n, const struct ip_addr *(*addr_of)(const void *ctx, size_t i),
                   const void *ctx, uint32_t *order);

/* A radix sort's pass: turns the count of items of each digit into where they start. */
void radix_starts(size_t *count, size_t digits);

#endif
