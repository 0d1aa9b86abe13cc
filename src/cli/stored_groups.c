/*
 * Groups kept in a store ('honeyscope prefixes add'): turned back into
 * --group options, so 'report --db S --group aws' needs no file. A stored
 * file's bytes are written to a private temporary file for the loaders,
 * which read files, and removed as soon as the group is made; every name the
 * user sees, in the group and in messages, is the one stored, never the
 * temporary file's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/xalloc.h"
#include "cli.h"
#include "stored_groups.h"

struct read_ctx {
    const char *name;
    struct group group; /* every specification read so far, merged */
    size_t specs;
    char *err;
    size_t errlen;
};

/* Replaces the first occurrence of from in text (size bytes) by to, cutting
 * what no longer fits. */
static void replace_text(char *text, size_t size, const char *from, const char *to)
{
    char *at = strstr(text, from);
    if (!at)
        return;
    char *tail = xstrdup(at + strlen(from));
    snprintf(at, size - (size_t)(at - text), "%s%s", to, tail);
    free(tail);
}

/* Names the group and its snapshots after what the user stored, not the temporary file. */
static void set_source(struct group *g, const char *spec, const char *temporary)
{
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

/* Writes len bytes to a new private temporary file; its name into path
 * (size bytes). Returns 0, or -1 with err. */
static int write_temporary(const void *bytes, size_t len, char *path, size_t size, char *err,
                           size_t errlen)
{
    const char *dir = default_tmp_dir();
    snprintf(path, size, "%s/honeyscope-prefixes-XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0) {
        snprintf(err, errlen, "cannot make a temporary file in '%s': %s", dir, strerror(errno));
        return -1;
    }
    const char *p = bytes;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n <= 0) {
            snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
            close(fd);
            unlink(path);
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    close(fd);
    return 0;
}

/* Parses one stored specification into g, its file read from the stored bytes. */
static int parse_stored(const struct stored_prefix_spec *spec, struct group *g, char *err,
                        size_t errlen)
{
    if (!spec->file_suffix) {
        char *text = xmalloc(st_add(strlen(spec->name) + 2, strlen(spec->spec)));
        sprintf(text, "%s=%s", spec->name, spec->spec);
        int rc = group_parse(g, text, err, errlen);
        free(text);
        return rc;
    }
    char path[4096];
    if (write_temporary(spec->content, spec->content_len, path, sizeof(path), err, errlen) < 0)
        return -1;
    char *text =
        xmalloc(st_add(st_add(strlen(spec->name), strlen(path)), strlen(spec->file_suffix) + 2));
    sprintf(text, "%s=%s%s", spec->name, path, spec->file_suffix);
    int rc = group_parse(g, text, err, errlen);
    free(text);
    unlink(path);
    if (rc < 0) {
        /* The file as the user named it when storing it: the spec without its suffix. */
        size_t file_len = strlen(spec->spec) - strlen(spec->file_suffix);
        char *file = xmalloc(file_len + 1);
        memcpy(file, spec->spec, file_len);
        file[file_len] = '\0';
        replace_text(err, errlen, path, file);
        free(file);
        return -1;
    }
    set_source(g, spec->spec, path);
    return 0;
}

static int read_one(void *ctx, const struct stored_prefix_spec *spec)
{
    struct read_ctx *rc = ctx;
    struct group g;
    if (parse_stored(spec, &g, rc->err, rc->errlen) < 0)
        return -1;
    if (rc->specs++ == 0) {
        rc->group = g;
        return 0;
    }
    return group_merge(&rc->group, &g, rc->err, rc->errlen);
}

int stored_group_read(struct store *store, const char *name, struct group *group, char *err,
                      size_t errlen)
{
    char why[1024];
    struct read_ctx rc = {.name = name, .err = why, .errlen = sizeof(why)};
    memset(group, 0, sizeof(*group));
    why[0] = '\0';
    if (store_prefix_each(store, name, read_one, &rc, err, errlen) < 0) {
        /* A failure of ours leaves err as the store's walk wrote it; say ours. */
        if (why[0])
            snprintf(err, errlen, "prefix set '%s' in the store: %s", name, why);
        group_release(&rc.group);
        return -1;
    }
    if (rc.specs == 0)
        return 0;
    *group = rc.group;
    return 1;
}

int stored_group_load(struct naming_args *naming, struct store *store, const char *verb,
                      const char *name)
{
    char err[1536];
    struct group g;
    int found = stored_group_read(store, name, &g, err, sizeof(err));
    if (found < 0)
        return error("%s", err);
    if (found == 0)
        return error("the store holds no prefix set '%s' (see 'honeyscope prefixes list')", name);
    return naming_add_group(naming, verb, &g) < 0 ? 0 : -1;
}
