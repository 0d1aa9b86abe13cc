/*
 * A bounded best-of list: the cap best of what is offered, kept as it comes
 * in a heap whose root is the worst kept, so the cost follows what is shown,
 * not what is offered (the top sources, the top /24s of a flood).
 */
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "report_int.h"

void top_init(struct top_heap *h, size_t size, size_t cap, int (*cmp)(const void *, const void *))
{
    memset(h, 0, sizeof(*h));
    h->size = size;
    h->cap = cap;
    h->cmp = cmp;
}

static void *top_at(const struct top_heap *h, size_t i)
{
    return h->v + i * h->size;
}

static void top_swap(struct top_heap *h, size_t a, size_t b)
{
    void *spare = top_at(h, h->alloc);
    memcpy(spare, top_at(h, a), h->size);
    memcpy(top_at(h, a), top_at(h, b), h->size);
    memcpy(top_at(h, b), spare, h->size);
}

/* Whether e would be kept: there is room, or it ranks before the worst kept. */
bool top_wants(const struct top_heap *h, const void *e)
{
    return h->count < h->cap || (h->count && h->cmp(e, top_at(h, 0)) < 0);
}

void top_offer(struct top_heap *h, const void *e)
{
    if (!top_wants(h, e))
        return;
    size_t i = 0;
    if (h->count < h->cap) {
        if (h->count == h->alloc) {
            size_t alloc = h->alloc ? 2 * h->alloc : 16;
            h->alloc = alloc < h->cap ? alloc : h->cap;
            h->v = xreallocarray(h->v, h->alloc + 1, h->size);
        }
        i = h->count++;
        memcpy(top_at(h, i), e, h->size);
        for (; i && h->cmp(top_at(h, (i - 1) / 2), top_at(h, i)) < 0; i = (i - 1) / 2)
            top_swap(h, i, (i - 1) / 2);
        return;
    }
    memcpy(top_at(h, 0), e, h->size);
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->count && h->cmp(top_at(h, l), top_at(h, m)) > 0)
            m = l;
        if (r < h->count && h->cmp(top_at(h, r), top_at(h, m)) > 0)
            m = r;
        if (m == i)
            return;
        top_swap(h, i, m);
        i = m;
    }
}

/* The kept elements best first, handed over (free them; NULL when none): the heap is emptied. */
void *top_take_sorted(struct top_heap *h, size_t *count)
{
    void *v = h->v;
    *count = h->count;
    if (h->count)
        qsort(v, h->count, h->size, h->cmp);
    h->v = NULL;
    h->count = h->alloc = 0;
    return v;
}
