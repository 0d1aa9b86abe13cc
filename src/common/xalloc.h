/*
 * Allocation that never returns NULL, and size arithmetic that never wraps.
 *
 * Out of memory is not a condition honeyscope can report usefully from deep
 * inside a stage, so these abort with a message instead (as git's wrapper.c
 * does). Sizes derived from file or packet contents go through the checked
 * helpers so that a crafted length cannot wrap an allocation size.
 */
#ifndef HONEYSCOPE_XALLOC_H
#define HONEYSCOPE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
/* xrealloc of count elements of size bytes, overflow-checked. */
void *xreallocarray(void *ptr, size_t count, size_t size);
char *xstrdup(const char *s);
size_t st_add(size_t a, size_t b);
size_t st_mult(size_t a, size_t b);

/* Grows *items (of *alloc elements of size bytes) to hold at least need. */
#define ALLOC_GROW(items, need, alloc)                                                             \
    do {                                                                                           \
        if ((need) > (alloc)) {                                                                    \
            size_t alloc_grow_new_ = (alloc) < 16 ? 16 : (alloc)*2;                                \
            if (alloc_grow_new_ < (need))                                                          \
                alloc_grow_new_ = (need);                                                          \
            (items) = xreallocarray((items), alloc_grow_new_, sizeof(*(items)));                   \
            (alloc) = alloc_grow_new_;                                                             \
        }                                                                                          \
    } while (0)

#endif
