/*
 * The capture files of a report: each read once, however often it is named
 * or copied (shared by honeyscope report and honeyscope-mpi report).
 */
#include "inputs.h"

#include <stdlib.h>

#include "../common/xalloc.h"
#include "../store/store.h"

char **capture_list_distinct(char **paths, size_t npaths, int *nread, struct report_file **files,
                             size_t *nfiles)
{
    struct file_identity *ids = xcalloc(npaths ? npaths : 1, sizeof(*ids));
    size_t *same_as = xcalloc(npaths ? npaths : 1, sizeof(*same_as));
    char **read = xcalloc(npaths ? npaths : 1, sizeof(*read));
    struct report_file *list = xcalloc(npaths ? npaths : 1, sizeof(*list));
    size_t n = 0;

    store_find_copies((const char *const *)paths, npaths, ids, same_as);
    for (size_t i = 0; i < npaths; i++)
        if (same_as[i] == STORE_NOT_A_COPY) {
            read[n] = paths[i];
            list[n++].path = xstrdup(ids[i].path[0] ? ids[i].path : paths[i]);
        }
    *nread = (int)n;
    for (size_t i = 0; i < npaths; i++)
        if (same_as[i] != STORE_NOT_A_COPY) {
            list[n].path = xstrdup(ids[i].path);
            list[n++].same_as = xstrdup(ids[same_as[i]].path);
        }
    free(ids);
    free(same_as);
    *files = list;
    *nfiles = n;
    return read;
}
