/*
 * Asking for memory before it is read. Loops that walk rows in an order
 * other than the one they lie in (sorted pointers into a table, hash slots
 * of the next packets) wait on memory for most of their time unless they
 * ask a few places ahead. Standard C has no way to say so: without GCC's
 * builtin this does nothing, and only speed depends on it.
 */
#ifndef HONEYSCOPE_COMMON_PREFETCH_H
#define HONEYSCOPE_COMMON_PREFETCH_H

/*
 * How many places ahead a loop over rows asks for a row: far enough that a
 * miss is over when the loop gets there, near enough that the line is
 * still cached. A loop that reaches a value through its row asks for the
 * row twice as far ahead and for the value at this distance.
 */
enum { PREFETCH_ROWS_AHEAD = 8 };

#if defined(__GNUC__) || defined(__clang__)
#define memory_prefetch(address) __builtin_prefetch(address)
#else
#define memory_prefetch(address) ((void)(address))
#endif

#endif
