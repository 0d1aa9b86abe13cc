/*
 * sort: the radix sort behind address orders (the report's remotes, a
 * spilling cube's rows), where a comparison sort of millions of addresses
 * would cost more than reading them.
 */
#ifndef HONEYSCOPE_SORT_H
#define HONEYSCOPE_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Sorts v (n values) by bits 32..63, stably: the low half keeps an index along. */
void radix_sort_high32(uint64_t *v, size_t n);

#endif
