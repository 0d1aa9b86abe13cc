/*
 * The evidence section of a group: the most frequent spam recipients and
 * domains, DNS names, URLs, TLS server names, ... among the conversations
 * with the group's remotes in the period. Values stay as sent; renderers
 * escape them for where they land.
 *
 * Under --mask the values are what may be published: every sensor address
 * in them redacted (mask_redact), and what the sensor may have sent itself
 * (its HELO name, its queries, its server's banner: names that point at it
 * without an address) summed into one MASK_WITHHELD value per kind, unless
 * --mask-keep-evidence. Both happen before equal values are summed, so
 * counts and shares stay those of the unmasked report.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "report_int.h"

struct pick {
    uint8_t kind;
    uint16_t len;
    const char *value; /* the row's, or a masked one */
    uint64_t count;
};

static int pick_value_cmp(const void *a, const void *b)
{
    const struct pick *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->value, y->value, n);
    if (c)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
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

/* What --mask lets p show of row: withheld when the sensor may have sent it
 * (a value-less count, such as messages sent, has nothing to withhold), else
 * the value with the sensor's addresses redacted. */
static void mask_value(const struct report *r, struct group_report *gr,
                       const struct evidence_row *row, struct pick *p)
{
    if (r->senders && row->len && sender_index_maybe_sensor(r->senders, row)) {
        p->value = MASK_WITHHELD;
        p->len = (uint16_t)strlen(MASK_WITHHELD);
        return;
    }
    char *masked = mask_redact(r->input->sensors, row->value, row->len);
    if (!masked)
        return;
    /* at most 255 bytes, each address (2 bytes or more) growing to 8: fits 16 bits */
    size_t len = strlen(masked);
    ALLOC_GROW(gr->evidence_owned, gr->evidence_owned_count + 1, gr->evidence_owned_alloc);
    gr->evidence_owned[gr->evidence_owned_count++] = masked;
    p->value = masked;
    p->len = (uint16_t)len;
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
        struct pick *p = &picks[picked++];
        p->kind = row->kind;
        p->value = row->value;
        p->len = row->len;
        p->count = row->count;
        if (r->options.mask)
            mask_value(r, gr, row, p);
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
            e->value = picks[i].value;
            e->len = picks[i].len;
            e->count = 0;
            size_t j = i;
            while (j < picked && pick_value_cmp(&picks[i], &picks[j]) == 0)
                e->count += picks[j++].count;
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
    for (size_t i = 0; i < gr->evidence_owned_count; i++)
        free(gr->evidence_owned[i]);
    free(gr->evidence_owned);
}
