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

#include "../common/hash_index.h"
#include "../common/xalloc.h"
#include "report_int.h"

struct pick {
    uint8_t kind;
    uint16_t len;
    const char *value; /* the row's, or a masked one */
    uint64_t count;
};

static int entry_count_cmp(const void *a, const void *b)
{
    const struct evidence_entry *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->value, y->value, n);
    return c ? c : (x->len < y->len ? -1 : x->len > y->len);
}

/*
 * Equal values summed in an index per kind (hash_index.h: the values come
 * from packets), rather than every row sorted: a long period holds hundreds
 * of thousands.
 */
struct sums {
    struct evidence_entry *entries;
    uint8_t *kinds;
    size_t count, alloc;
    struct hash_index index[EVIDENCE_KIND_COUNT];
    /* Values read from a spilled table last only until the next row: copies, in chunks. */
    bool copy;
    char **chunks;
    size_t chunk_count, chunk_alloc, chunk_used;
};

#define COPY_CHUNK (64 * 1024)

static const char *sums_copy(struct sums *s, const char *value, size_t len)
{
    if (s->chunk_count == 0 || len + 1 > COPY_CHUNK - s->chunk_used) {
        ALLOC_GROW(s->chunks, s->chunk_count + 1, s->chunk_alloc);
        s->chunks[s->chunk_count++] = xmalloc(COPY_CHUNK);
        s->chunk_used = 0;
    }
    char *p = s->chunks[s->chunk_count - 1] + s->chunk_used;
    memcpy(p, value, len);
    p[len] = '\0';
    s->chunk_used += len + 1;
    return p;
}

static const void *entry_key_of(const void *rows, uint32_t row, void *scratch, size_t *len)
{
    const struct evidence_entry *e = &((const struct evidence_entry *)rows)[row];
    (void)scratch;
    *len = e->len;
    return e->value;
}

static void sums_add(struct sums *s, const struct pick *p)
{
    uint32_t at = hash_index_find_or_add(&s->index[p->kind], s->entries, p->value, p->len,
                                         (uint32_t)s->count);
    if (at < s->count) {
        s->entries[at].count += p->count;
        return;
    }
    if (s->count == s->alloc) {
        s->alloc = s->alloc ? 2 * s->alloc : 1024;
        s->entries = xreallocarray(s->entries, s->alloc, sizeof(*s->entries));
        s->kinds = xreallocarray(s->kinds, s->alloc, sizeof(*s->kinds));
    }
    const char *value = s->copy ? sums_copy(s, p->value, p->len) : p->value;
    s->entries[s->count] = (struct evidence_entry){value, p->len, p->count};
    s->kinds[s->count] = p->kind;
    s->count++;
}

/* Keeps e among the EVIDENCE_TOP first by entry_count_cmp in list->top (sorted). */
static void top_keep(struct evidence_list *list, const struct evidence_entry *e)
{
    size_t n = list->count;
    if (n == EVIDENCE_TOP && entry_count_cmp(e, &list->top[n - 1]) >= 0)
        return;
    size_t at = n < EVIDENCE_TOP ? n : n - 1;
    while (at > 0 && entry_count_cmp(e, &list->top[at - 1]) < 0) {
        list->top[at] = list->top[at - 1];
        at--;
    }
    list->top[at] = *e;
    if (n < EVIDENCE_TOP)
        list->count++;
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
    char *masked = mask_redact(r->shown.redact, row->value, row->len);
    if (!masked)
        return;
    /* at most 255 bytes, each address (2 bytes or more) growing to 8: fits 16 bits */
    size_t len = strlen(masked);
    ALLOC_GROW(gr->evidence_owned, gr->evidence_owned_count + 1, gr->evidence_owned_alloc);
    gr->evidence_owned[gr->evidence_owned_count++] = masked;
    p->value = masked;
    p->len = (uint16_t)len;
}

/* Whether row counts in the group's evidence section for the period. */
static bool row_counts(const struct report *r, const struct group_report *gr,
                       const struct evidence_row *row, struct group_match *match)
{
    int64_t bin;
    if (!report_bin_of(r, row->bin, &bin) || row->kind >= EVIDENCE_KIND_COUNT)
        return false;
    /* Tool tags, spoofing signs and backscatter have sections of their own. */
    if (row->kind == EVIDENCE_SCANNER_PACKETS || row->kind == EVIDENCE_SCANNER_FLOWS ||
        row->kind == EVIDENCE_SYN_ACK_UNANSWERED || row->kind == EVIDENCE_BACKSCATTER_PACKETS ||
        row->kind == EVIDENCE_BACKSCATTER_BYTES)
        return false;
    return group_match_at(gr->group, &r->origins, &row->remote, bin, match);
}

/*
 * As top_keep(), for a value that lasts only until the next row: an entry
 * that makes the list gets a buffer of the group's own, the one of the entry
 * it pushes out when the list is full, so the list never holds more than
 * EVIDENCE_TOP buffers. Buffers hold a value's most (EVIDENCE_VALUE_MAX
 * bytes) or more: a value under --mask grows as addresses become [sensor],
 * and gets one of its own length.
 */
static void top_keep_copy(struct group_report *gr, struct evidence_list *list,
                          const struct evidence_entry *e)
{
    size_t n = list->count;
    if (n == EVIDENCE_TOP && entry_count_cmp(e, &list->top[n - 1]) >= 0)
        return;
    char *buf;
    if (n == EVIDENCE_TOP && e->len <= EVIDENCE_VALUE_MAX) {
        /* One of ours (below), of EVIDENCE_VALUE_MAX + 1 bytes or more: the entry pushed out
         * no longer needs it. */
        buf = (char *)(uintptr_t)list->top[n - 1].value;
    } else {
        size_t size = e->len > EVIDENCE_VALUE_MAX ? (size_t)e->len + 1 : EVIDENCE_VALUE_MAX + 1;
        buf = xmalloc(size);
        ALLOC_GROW(gr->evidence_owned, gr->evidence_owned_count + 1, gr->evidence_owned_alloc);
        gr->evidence_owned[gr->evidence_owned_count++] = buf;
    }
    memmove(buf, e->value, e->len);
    buf[e->len] = '\0';
    struct evidence_entry copy = {buf, e->len, e->count};
    if (n == EVIDENCE_TOP)
        list->count--; /* the last goes; its buffer is copy's */
    top_keep(list, &copy);
}

/*
 * A spilled table reads in spill order, every row of one value together:
 * each value is summed as its rows go by and leaves only the top lists
 * behind, so a flood of distinct values costs no memory here. Not under
 * --mask, whose redaction makes distinct values equal.
 */
static void build_in_value_order(const struct report *r, struct group_report *gr,
                                 struct evidence_cursor *cursor)
{
    const struct evidence_row *row;
    struct group_match match;
    struct evidence_entry current = {NULL, 0, 0};
    char value[EVIDENCE_VALUE_MAX + 1];
    unsigned kind = 0;
    bool have = false;
    for (;;) {
        bool more = evidence_cursor_next(cursor, &row) > 0;
        if (more && !row_counts(r, gr, row, &match))
            continue;
        if (have && (!more || row->kind != kind || row->len != current.len ||
                     memcmp(row->value, value, row->len) != 0)) {
            struct evidence_list *list = &gr->evidence[kind];
            list->distinct++;
            list->total += current.count;
            top_keep_copy(gr, list, &current);
            have = false;
        }
        if (!more)
            return;
        if (!have) {
            kind = row->kind;
            memcpy(value, row->value, row->len);
            current = (struct evidence_entry){value, row->len, 0};
            have = true;
        }
        current.count += row->count;
    }
}

void evidence_view_build(const struct report *r, struct group_report *gr)
{
    /* The kinds with sections of their own come last: the lists read the kinds before them. */
    _Static_assert(EVIDENCE_SCANNER_PACKETS < EVIDENCE_SCANNER_FLOWS &&
                       EVIDENCE_SCANNER_FLOWS < EVIDENCE_SYN_ACK_UNANSWERED &&
                       EVIDENCE_SYN_ACK_UNANSWERED < EVIDENCE_BACKSCATTER_PACKETS &&
                       EVIDENCE_BACKSCATTER_PACKETS < EVIDENCE_BACKSCATTER_BYTES &&
                       EVIDENCE_BACKSCATTER_BYTES + 1 == EVIDENCE_KIND_COUNT,
                   "the kinds with sections of their own come last");
    struct evidence_cursor *cursor = evidence_cursor_open_kinds(
        cube_evidence(r->input->cube), (struct evidence_kinds){0, EVIDENCE_SCANNER_PACKETS - 1});
    for (unsigned kind = 0; kind < EVIDENCE_KIND_COUNT; kind++)
        gr->evidence[kind].top = xcalloc(EVIDENCE_TOP, sizeof(*gr->evidence[kind].top));
    if (!evidence_cursor_values_stable(cursor) && !r->shown.redact) {
        build_in_value_order(r, gr, cursor);
        evidence_cursor_close(cursor);
        return;
    }

    const struct evidence_row *row;
    struct sums sums;
    struct group_match match;
    memset(&sums, 0, sizeof(sums));
    sums.copy = !evidence_cursor_values_stable(cursor);
    for (unsigned kind = 0; kind < EVIDENCE_KIND_COUNT; kind++)
        hash_index_init(&sums.index[kind], entry_key_of, 0);
    while (evidence_cursor_next(cursor, &row) > 0) {
        if (!row_counts(r, gr, row, &match))
            continue;
        struct pick p = {row->kind, row->len, row->value, row->count};
        if (r->shown.redact)
            mask_value(r, gr, row, &p);
        sums_add(&sums, &p);
    }
    evidence_cursor_close(cursor);

    /* Per kind: how many distinct values, their total, the most frequent. */
    for (size_t i = 0; i < sums.count; i++) {
        struct evidence_list *list = &gr->evidence[sums.kinds[i]];
        list->distinct++;
        list->total += sums.entries[i].count;
        if (sums.copy)
            top_keep_copy(gr, list, &sums.entries[i]);
        else
            top_keep(list, &sums.entries[i]);
    }
    for (size_t i = 0; i < sums.chunk_count; i++)
        free(sums.chunks[i]);
    free(sums.chunks);
    free(sums.entries);
    free(sums.kinds);
    for (unsigned kind = 0; kind < EVIDENCE_KIND_COUNT; kind++)
        hash_index_release(&sums.index[kind]);
}

void evidence_view_release(struct group_report *gr)
{
    for (unsigned k = 0; k < EVIDENCE_KIND_COUNT; k++)
        free(gr->evidence[k].top);
    for (size_t i = 0; i < gr->evidence_owned_count; i++)
        free(gr->evidence_owned[i]);
    free(gr->evidence_owned);
}
