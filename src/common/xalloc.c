/* Allocation wrappers that abort on exhaustion; checked size arithmetic. */
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die_oom(size_t size)
{
    fprintf(stderr, "honeyscope: out of memory allocating %zu bytes\n", size);
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        die_oom(size);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        die_oom(st_mult(count, size));
    return p;
}

void *xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        die_oom(size);
    return p;
}

void *xreallocarray(void *ptr, size_t count, size_t size)
{
    return xrealloc(ptr, st_mult(count, size));
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);
    memcpy(p, s, n);
    return p;
}

size_t st_add(size_t a, size_t b)
{
    if (a > SIZE_MAX - b) {
        fprintf(stderr, "honeyscope: size overflow: %zu + %zu\n", a, b);
        abort();
    }
    return a + b;
}

size_t st_mult(size_t a, size_t b)
{
    if (b && a > SIZE_MAX / b) {
        fprintf(stderr, "honeyscope: size overflow: %zu * %zu\n", a, b);
        abort();
    }
    return a * b;
}
