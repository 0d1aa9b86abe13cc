/*
 * The capture files of a report: each read once, however often it is named
 * or copied, and the captures that hold packets of another found by their
 * packet samples (shared by honeyscope report, honeyscope ingest and
 * honeyscope-mpi report).
 */
#include "inputs.h"

#include <stdint.h>
#include <stdlib.h>

#include "../common/xalloc.h"
#include "../store/store.h"

struct capture_sample **capture_samples_take(const char *const *paths, size_t count)
{
    struct capture_sample **samples = xcalloc(count ? count : 1, sizeof(*samples));
    char err[1024];
    for (size_t i = 0; i < count; i++) {
        samples[i] = capture_sample_new();
        /* Not a capture (a flow log, a file gone): the pass says what it is. */
        if (capture_sample_file(paths[i], samples[i], err, sizeof(err)) < 0) {
            free(samples[i]);
            samples[i] = NULL;
        } else {
            samples[i] = capture_sample_shrink(samples[i]);
        }
    }
    return samples;
}

void capture_samples_free(struct capture_sample **samples, size_t count)
{
    for (size_t i = 0; samples && i < count; i++)
        free(samples[i]);
    free(samples);
}

struct sample_ref {
    const struct capture_sample *sample;
    size_t index;
};

static int compare_by_first(const void *pa, const void *pb)
{
    const struct sample_ref *a = pa, *b = pb;
    if (a->sample->first_ns != b->sample->first_ns)
        return a->sample->first_ns < b->sample->first_ns ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

size_t capture_overlaps_find(struct capture_sample *const *samples, size_t count, bool skip,
                             bool *skipped, struct input_overlap **found)
{
    struct sample_ref *order = xcalloc(count ? count : 1, sizeof(*order));
    size_t n = 0, nfound = 0, alloc = 0;
    *found = NULL;
    for (size_t i = 0; i < count; i++)
        if (samples[i] && samples[i]->count)
            order[n++] = (struct sample_ref){samples[i], i};
    qsort(order, n, sizeof(*order), compare_by_first);
    /*
     * A sweep in order of first packet: the earlier captures still open at
     * this one's first packet (their last packet is not before it) are the
     * only ones it can overlap, so rotated captures that follow each other
     * cost one comparison each, not one per pair.
     */
    size_t *open_ones = xcalloc(n ? n : 1, sizeof(*open_ones)), nopen = 0;
    for (size_t k = 0; k < n; k++) {
        size_t kept = 0;
        for (size_t a = 0; a < nopen; a++)
            if (order[open_ones[a]].sample->last_ns >= order[k].sample->first_ns)
                open_ones[kept++] = open_ones[a];
        nopen = kept;
        for (size_t a = 0; a < nopen && !(skip && skipped[order[k].index]); a++) {
            size_t m = open_ones[a];
            struct capture_overlap o;
            if (skip && skipped[order[m].index])
                continue;
            if (!capture_sample_overlap(order[m].sample, order[k].sample, &o))
                continue;
            ALLOC_GROW(*found, nfound + 1, alloc);
            (*found)[nfound++] = (struct input_overlap){order[k].index, order[m].index, o};
            if (skip)
                skipped[order[k].index] = true;
            break;
        }
        open_ones[nopen++] = k;
    }
    free(open_ones);
    free(order);
    return nfound;
}

char **capture_list_distinct(char **paths, size_t npaths, bool skip_overlapping, bool sample,
                             int *nread, struct report_file **files, size_t *nfiles,
                             struct report_overlap **overlaps, size_t *noverlaps)
{
    size_t slots = npaths ? npaths : 1;
    struct file_identity *ids = xcalloc(slots, sizeof(*ids));
    size_t *same_as = xcalloc(slots, sizeof(*same_as));
    char **distinct = xcalloc(slots, sizeof(*distinct));
    size_t *distinct_index = xcalloc(slots, sizeof(*distinct_index));
    bool *skipped = xcalloc(slots, sizeof(*skipped));
    char **read = xcalloc(slots, sizeof(*read));
    struct report_file *list = xcalloc(slots, sizeof(*list));
    size_t n = 0, ndistinct = 0;

    store_find_copies((const char *const *)paths, npaths, ids, same_as, 1);
    for (size_t i = 0; i < npaths; i++)
        if (same_as[i] == STORE_NOT_A_COPY) {
            distinct_index[ndistinct] = i;
            distinct[ndistinct++] = paths[i];
        }
    /* One capture cannot overlap another: sampling it would be a read for nothing. */
    struct input_overlap *found = NULL;
    size_t nfound = 0;
    if (ndistinct > 1 && (sample || skip_overlapping)) {
        struct capture_sample **samples =
            capture_samples_take((const char *const *)distinct, ndistinct);
        nfound = capture_overlaps_find(samples, ndistinct, skip_overlapping, skipped, &found);
        capture_samples_free(samples, ndistinct);
    }
#define LISTED_PATH(i) (ids[i].path[0] ? ids[i].path : paths[i])
    for (size_t d = 0; d < ndistinct; d++)
        if (!skipped[d]) {
            read[n] = distinct[d];
            list[n++].path = xstrdup(LISTED_PATH(distinct_index[d]));
        }
    *nread = (int)n;
    for (size_t f = 0; f < nfound; f++)
        if (skipped[found[f].later]) {
            list[n].path = xstrdup(LISTED_PATH(distinct_index[found[f].later]));
            list[n++].overlaps_with = xstrdup(LISTED_PATH(distinct_index[found[f].earlier]));
        }
    for (size_t i = 0; i < npaths; i++)
        if (same_as[i] != STORE_NOT_A_COPY) {
            list[n].path = xstrdup(ids[i].path);
            list[n++].same_as = xstrdup(ids[same_as[i]].path);
        }
    *overlaps = xcalloc(nfound ? nfound : 1, sizeof(**overlaps));
    for (size_t f = 0; f < nfound; f++)
        (*overlaps)[f] = (struct report_overlap){
            .file = xstrdup(LISTED_PATH(distinct_index[found[f].later])),
            .overlaps_with = xstrdup(LISTED_PATH(distinct_index[found[f].earlier])),
            .first_ns = found[f].overlap.first_ns,
            .last_ns = found[f].overlap.last_ns,
            .share = found[f].overlap.share,
            .skipped = skipped[found[f].later],
        };
#undef LISTED_PATH
    *noverlaps = nfound;
    free(found);
    free(ids);
    free(same_as);
    free(distinct);
    free(distinct_index);
    free(skipped);
    *files = list;
    *nfiles = n;
    return read;
}

void report_overlaps_free(struct report_overlap *overlaps, size_t count)
{
    for (size_t i = 0; overlaps && i < count; i++) {
        free((char *)overlaps[i].file);
        free((char *)overlaps[i].overlaps_with);
    }
    free(overlaps);
}

void capture_overlaps_of_samples(struct capture_sample *const *samples,
                                 const struct report_file *files, size_t count,
                                 struct report_overlap **overlaps, size_t *noverlaps)
{
    bool *skipped = xcalloc(count ? count : 1, sizeof(*skipped));
    struct input_overlap *found = NULL;
    size_t nfound = capture_overlaps_find(samples, count, false, skipped, &found);
    *overlaps = xcalloc(nfound ? nfound : 1, sizeof(**overlaps));
    for (size_t f = 0; f < nfound; f++)
        (*overlaps)[f] = (struct report_overlap){
            .file = xstrdup(files[found[f].later].path),
            .overlaps_with = xstrdup(files[found[f].earlier].path),
            .first_ns = found[f].overlap.first_ns,
            .last_ns = found[f].overlap.last_ns,
            .share = found[f].overlap.share,
            .skipped = false,
        };
    *noverlaps = nfound;
    free(found);
    free(skipped);
}
