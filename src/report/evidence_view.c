/*
 * The evidence section of a group: the most frequent spam recipients and
 * domains, DNS names, URLs, TLS server names, ... among the conversations
 * with the group's remotes in the period. Values stay as sent; renderers
 * escape them for where they land.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "report_int.h"

struct pick {
    uint8_t kind;
    const struct evidence_row *row;
};

static int pick_value_cmp(const void *a, const void *b)
{
    const struct pick *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    size_t n = x->row->len < y->row->len ? x->row->len : y->row->len;
    int c = memcmp(x->row->value, y->row->value, n);
    if (c)
        return c;
    return x->row->len < y->row->len ? -1 : x->row->len > y->row->len;
}

static int entry_count_cmp(const void *a, const void *b)
{
    const struct evidence_entry *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->value, y->value, n);
    return c ? c : (x->len < y->len ? -1 : x->len > y->len);
}

void evidence_view_build(const struct report *r, struct group_report *gr)
{
    struct evidence_table *table = cube_evidence(r->input->cube);
    size_t n = evidence_table_count(table), picked = 0;
    struct pick *picks = xcalloc(n ? n : 1, sizeof(*picks));
    struct group_match match;

    for (size_t i = 0; i < n; i++) {
        const struct evidence_row *row = evidence_table_at(table, i);
        int64_t bin = bin_clock_start(&r->options.clock, row->bin);
        if (bin < r->period_start || bin >= r->period_end || row->kind >= EVIDENCE_KIND_COUNT)
            continue;
        if (!group_match_at(gr->group, &r->origins, &row->remote, bin, &match))
            continue;
        picks[picked].kind = row->kind;
        picks[picked].row = row;
        picked++;
    }
    if (picked)
        qsort(picks, picked, sizeof(*picks), pick_value_cmp);

    /* Sum equal values per kind, then keep the most frequent. */
    struct evidence_entry *entries = xcalloc(picked ? picked : 1, sizeof(*entries));
    for (size_t i = 0; i < picked;) {
        unsigned kind = picks[i].kind;
        size_t distinct = 0;
        uint64_t total = 0;
        while (i < picked && picks[i].kind == kind) {
            struct evidence_entry *e = &entries[distinct++];
            e->value = picks[i].row->value;
            e->len = picks[i].row->len;
            e->count = 0;
            size_t j = i;
            while (j < picked && pick_value_cmp(&picks[i], &picks[j]) == 0)
                e->count += picks[j++].row->count;
            total += e->count;
            i = j;
        }
        qsort(entries, distinct, sizeof(*entries), entry_count_cmp);
        struct evidence_list *list = &gr->evidence[kind];
        list->distinct = distinct;
        list->total = total;
        list->count = distinct < EVIDENCE_TOP ? distinct : EVIDENCE_TOP;
        list->top = xcalloc(list->count ? list->count : 1, sizeof(*list->top));
        memcpy(list->top, entries, list->count * sizeof(*list->top));
    }
    free(entries);
    free(picks);
}

void evidence_view_release(struct group_report *gr)
{
    for (unsigned k = 0; k < EVIDENCE_KIND_COUNT; k++)
        free(gr->evidence[k].top);
}
