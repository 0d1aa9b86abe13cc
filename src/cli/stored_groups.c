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

/* ---- naming files kept in the store ---------------------------------------- */

struct naming_ctx {
    struct naming_args *naming;
    const char *verb;
    int status; /* -1 to go on, else the exit status */
};

/* The file's name as stored: the spec without its "@DATE". */
static char *stored_file_name(const struct stored_prefix_spec *spec)
{
    size_t len = strlen(spec->spec) - (spec->file_suffix ? strlen(spec->file_suffix) : 0);
    char *file = xmalloc(len + 1);
    memcpy(file, spec->spec, len);
    file[len] = '\0';
    return file;
}

/*
 * Loads one stored routing snapshot, mmdb or AS-name file as the option of
 * the same name would, from a temporary copy, and names it as it was named
 * when stored.
 */
static int load_naming_row(void *ctx, const struct stored_prefix_spec *spec)
{
    struct naming_ctx *nc = ctx;
    char path[4096], err[1024], *arg;
    if (write_temporary(spec->content, spec->content_len, path, sizeof(path), err, sizeof(err)) <
        0) {
        nc->status = error("%s", err);
        return -1;
    }
    char *file = stored_file_name(spec);
    int opt = strcmp(spec->name, STORED_PFX2AS) == 0 ? OPT_NAMING_PFX2AS
              : strcmp(spec->name, STORED_MMDB) == 0 ? OPT_NAMING_MMDB
                                                     : OPT_NAMING_ASNAMES;
    /* Routing keeps its date as a suffix, as --pfx2as FILE@DATE. */
    arg = xmalloc(st_add(strlen(path), strlen(spec->file_suffix ? spec->file_suffix : "") + 1));
    sprintf(arg, "%s%s", path,
            opt == OPT_NAMING_PFX2AS && spec->file_suffix ? spec->file_suffix : "");
    int status;
    naming_option(nc->naming, nc->verb, opt, arg, &status);
    unlink(path);
    if (status < 0 && opt == OPT_NAMING_PFX2AS) {
        struct snapshot_series *routing = &nc->naming->routing;
        for (size_t i = 0; i < routing->count; i++)
            if (strcmp(routing->v[i].source, path) == 0) {
                free(routing->v[i].source);
                routing->v[i].source = xstrdup(file);
            }
    } else if (status < 0 && opt == OPT_NAMING_MMDB) {
        mmdb_source_rename(nc->naming->mmdb, file);
    } else if (status < 0) {
        free(nc->naming->asnames_path_owned);
        nc->naming->asnames_path_owned = xstrdup(file);
        nc->naming->asnames_path = nc->naming->asnames_path_owned;
    }
    free(arg);
    free(file);
    nc->status = status;
    return status < 0 ? 0 : -1;
}

int stored_naming_load(struct naming_args *naming, struct store *store, const char *verb)
{
    char err[1024];
    struct naming_ctx nc = {naming, verb, -1};
    const char *kinds[3] = {NULL, NULL, NULL};
    size_t n = 0;
    /* What the command line gives wins over what the store keeps. */
    if (!naming->routing.count)
        kinds[n++] = STORED_PFX2AS;
    if (!naming->mmdb)
        kinds[n++] = STORED_MMDB;
    if (!naming->names)
        kinds[n++] = STORED_ASNAMES;
    for (size_t i = 0; i < n && nc.status < 0; i++)
        if (store_prefix_each(store, kinds[i], load_naming_row, &nc, err, sizeof(err)) < 0 &&
            nc.status < 0)
            return error("%s", err);
    return nc.status;
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
