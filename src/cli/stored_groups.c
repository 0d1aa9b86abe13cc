/*
 * Groups kept in a store ('honeyscope prefixes add'): turned back into
 * --group options, so 'report --db S --group aws' needs no file. A stored
 * file's bytes are written to a private temporary file for the loaders,
 * which read files, and removed as soon as the group is made.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/xalloc.h"
#include "cli.h"
#include "stored_groups.h"

struct load_ctx {
    struct naming_args *naming;
    const char *verb;
    size_t specs;
};

/* Names the group and its snapshot after what the user stored, not the temporary file. */
static void set_source(struct naming_args *naming, const char *name, const char *spec,
                       const char *temporary)
{
    for (size_t i = 0; i < naming->group_count; i++) {
        struct group *g = &naming->groups[i];
        if (strcmp(g->name, name) != 0)
            continue;
        if (strstr(g->source, temporary)) {
            free(g->source);
            g->source = xstrdup(spec);
        }
        for (size_t j = 0; j < g->snapshots.count; j++)
            if (g->snapshots.v[j].source && strstr(g->snapshots.v[j].source, temporary)) {
                free(g->snapshots.v[j].source);
                g->snapshots.v[j].source = xstrdup(spec);
            }
    }
}

static int load_one(void *ctx, const struct stored_prefix_spec *spec)
{
    struct load_ctx *lc = ctx;
    int status;
    lc->specs++;
    if (!spec->file_suffix) {
        char *text = xmalloc(st_add(strlen(spec->name) + 2, strlen(spec->spec)));
        sprintf(text, "%s=%s", spec->name, spec->spec);
        bool taken = naming_option(lc->naming, lc->verb, OPT_NAMING_GROUP, text, &status);
        free(text);
        return taken && status < 0 ? 0 : -1;
    }
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof(path), "%s/honeyscope-prefixes-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return error("cannot make a temporary file in '%s': %s", dir ? dir : "/tmp",
                     strerror(errno));
    const char *p = spec->content;
    size_t left = spec->content_len;
    while (left) {
        ssize_t n = write(fd, p, left);
        if (n <= 0) {
            close(fd);
            unlink(path);
            return error("cannot write '%s': %s", path, strerror(errno));
        }
        p += n;
        left -= (size_t)n;
    }
    close(fd);
    char *text =
        xmalloc(st_add(st_add(strlen(spec->name), strlen(path)), strlen(spec->file_suffix) + 2));
    sprintf(text, "%s=%s%s", spec->name, path, spec->file_suffix);
    bool taken = naming_option(lc->naming, lc->verb, OPT_NAMING_GROUP, text, &status);
    free(text);
    unlink(path);
    if (!taken || status >= 0)
        return -1;
    set_source(lc->naming, spec->name, spec->spec, path);
    return 0;
}

int stored_group_load(struct naming_args *naming, struct store *store, const char *verb,
                      const char *name)
{
    struct load_ctx lc = {naming, verb, 0};
    char err[512];
    if (store_prefix_each(store, name, load_one, &lc, err, sizeof(err)) < 0)
        return error("group '%s': %s", name, err);
    if (lc.specs == 0)
        return error("the store holds no prefix set '%s' (see 'honeyscope prefixes list')", name);
    return 0;
}
