/*
 * Periods counted back from the data, and what is new against a store's
 * history: "what changed since yesterday" for a report run every morning.
 */
#include "report_history.h"

#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "../store/store.h"

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

void period_last_days(int64_t last_ns, unsigned days, int64_t offset_s, int64_t *from_s,
                      int64_t *to_s)
{
    int64_t reach = (floor_div(last_ns, 1000000000) / STORE_BIN_SECONDS + 1) * STORE_BIN_SECONDS;
    *to_s = floor_div(reach + offset_s, 86400) * 86400 - offset_s;
    *from_s = *to_s - (int64_t)days * 86400;
}

static int compare_addrs(const void *a, const void *b)
{
    return addr_compare(a, b);
}

static int compare_services(const void *a, const void *b)
{
    const struct history_service *x = a, *y = b;
    if (x->proto != y->proto)
        return x->proto < y->proto ? -1 : 1;
    return x->service < y->service ? -1 : x->service > y->service;
}

/* Sorts and drops repeats; returns the count left. */
static size_t sort_unique(void *items, size_t count, size_t size,
                          int (*compare)(const void *, const void *))
{
    char *base = items;
    size_t n = 0;
    qsort(items, count, size, compare);
    for (size_t i = 0; i < count; i++)
        if (n == 0 || compare(base + (n - 1) * size, base + i * size) != 0)
            memmove(base + n++ * size, base + i * size, size);
    return n;
}

/* Whether key, found among the sorted items, is marked seen. */
static bool was_seen(const void *key, const void *items, size_t count, size_t size,
                     int (*compare)(const void *, const void *), const bool *seen)
{
    const char *hit = bsearch(key, items, count, size, compare);
    return hit && seen[(size_t)(hit - (const char *)items) / size];
}

int cube_keep_new(struct cube **cube, struct store_history *history, int64_t from_s,
                  size_t max_rows, const char *tmp_dir, char *err, size_t errlen)
{
    struct cube *old = *cube;
    size_t rows = cube_row_count(old);
    struct evidence_table *evidence = cube_evidence(old);
    size_t values_count = evidence_table_count(evidence);
    struct ip_addr *remotes = xcalloc(rows ? rows : 1, sizeof(*remotes));
    struct history_service *services = xcalloc(rows ? rows : 1, sizeof(*services));
    const struct evidence_row **values = xcalloc(values_count ? values_count : 1, sizeof(*values));
    size_t nremotes = 0, nservices = 0, nvalues = 0;

    for (size_t i = 0; i < rows; i++) {
        const struct cube_key *key = &cube_row_at(old, (uint32_t)i)->key;
        remotes[nremotes++] = key->remote;
        if (key->initiator == INITIATOR_REMOTE)
            services[nservices++] = (struct history_service){key->proto, key->service};
    }
    for (size_t i = 0; i < values_count; i++)
        values[nvalues++] = evidence_table_at(evidence, i);
    nremotes = sort_unique(remotes, nremotes, sizeof(*remotes), compare_addrs);
    nservices = sort_unique(services, nservices, sizeof(*services), compare_services);
    nvalues = sort_unique(values, nvalues, sizeof(*values), evidence_row_value_order);

    bool *remote_seen = xcalloc(nremotes + 1, sizeof(bool));
    bool *service_seen = xcalloc(nservices + 1, sizeof(bool));
    bool *value_seen = xcalloc(nvalues + 1, sizeof(bool));
    int status = -1;
    if (store_history_remotes_seen(history, from_s, remotes, nremotes, remote_seen, err, errlen) <
            0 ||
        store_history_services_seen(history, from_s, services, nservices, service_seen, err,
                                    errlen) < 0 ||
        store_history_evidence_seen(history, from_s, values, nvalues, value_seen, err, errlen) < 0)
        goto out;

    struct cube *fresh = cube_new();
    cube_set_budget(fresh, max_rows, tmp_dir);
    for (size_t i = 0; i < rows; i++) {
        const struct cube_row *row = cube_row_at(old, (uint32_t)i);
        struct history_service service = {row->key.proto, row->key.service};
        bool new_remote = !was_seen(&row->key.remote, remotes, nremotes, sizeof(*remotes),
                                    compare_addrs, remote_seen);
        bool new_service = row->key.initiator == INITIATOR_REMOTE &&
                           !was_seen(&service, services, nservices, sizeof(*services),
                                     compare_services, service_seen);
        if (new_remote || new_service)
            cube_add_row(fresh, row);
    }
    struct evidence_table *fresh_evidence = cube_evidence(fresh);
    for (size_t i = 0; i < values_count; i++) {
        const struct evidence_row *row = evidence_table_at(evidence, i);
        if (!was_seen(&row, values, nvalues, sizeof(*values), evidence_row_value_order, value_seen))
            evidence_table_put(fresh_evidence, row->bin, &row->remote, row->kind, row->value,
                               row->len, row->count);
    }
    cube_free(old);
    *cube = fresh;
    status = 0;
out:
    free(remotes);
    free(services);
    free(values);
    free(remote_seen);
    free(service_seen);
    free(value_seen);
    return status;
}
