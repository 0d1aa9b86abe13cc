/*
 * The naming options shared by report and lookup (naming.h): groups, dated
 * routing snapshots, an mmdb and AS names, loaded as they are parsed so that
 * an error names the option that caused it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "cli.h"
#include "naming.h"

void naming_args_init(struct naming_args *args)
{
    memset(args, 0, sizeof(*args));
    snapshot_series_init(&args->routing);
}

void naming_args_release(struct naming_args *args)
{
    for (size_t i = 0; i < args->group_count; i++)
        group_release(&args->groups[i]);
    free(args->groups);
    snapshot_series_release(&args->routing);
    mmdb_source_free(args->mmdb);
    as_names_free(args->names);
    free(args->asnames_path_owned);
    memset(args, 0, sizeof(*args));
}

static struct group *find_group(struct naming_args *args, const char *name)
{
    for (size_t i = 0; i < args->group_count; i++)
        if (strcmp(args->groups[i].name, name) == 0)
            return &args->groups[i];
    return NULL;
}

int naming_add_group(struct naming_args *args, const char *verb, struct group *group)
{
    char err[1024];
    struct group *same = find_group(args, group->name);
    if (same) {
        if (group_merge(same, group, err, sizeof(err)) < 0)
            return usage_error(verb, "%s", err);
        return -1;
    }
    ALLOC_GROW(args->groups, args->group_count + 1, args->group_alloc);
    args->groups[args->group_count++] = *group;
    memset(group, 0, sizeof(*group));
    return -1;
}

static int add_group(struct naming_args *args, const char *verb, const char *spec)
{
    char err[1024];
    struct group g;
    if (group_name_builtin(spec)) {
        group_init_any(&g);
    } else if (group_parse(&g, spec, err, sizeof(err)) < 0) {
        error("%s", err);
        return EXIT_USAGE;
    }
    return naming_add_group(args, verb, &g);
}

/* "FILE" or "FILE@YYYY-MM-DD". */
static int add_pfx2as(struct naming_args *args, const char *verb, const char *arg)
{
    char err[1024];
    char *path = xstrdup(arg);
    int64_t day = SNAPSHOT_UNDATED;
    char *at = strrchr(path, '@');
    if (at && strlen(at) == 11) {
        int64_t days;
        if (parse_date(at + 1, &days) < 0) {
            free(path);
            return usage_error(verb, "--pfx2as '%s': bad date (want FILE@YYYY-MM-DD)", arg);
        }
        day = days;
        *at = '\0';
    }
    struct prefix_set *set = prefix_set_new();
    struct prefix_file_info info;
    if (prefix_set_load_pfx2as_info(set, path, &info, err, sizeof(err)) < 0) {
        error("%s", err);
        prefix_set_free(set);
        free(path);
        return EXIT_FAILED;
    }
    if (day == SNAPSHOT_UNDATED)
        day = info.day;
    int rc = snapshot_series_add(&args->routing, set, path, info.format, day, err, sizeof(err));
    free(path);
    if (rc < 0) {
        error("--pfx2as: %s", err);
        return EXIT_USAGE;
    }
    return -1;
}

bool naming_option(struct naming_args *args, const char *verb, int opt, const char *arg,
                   int *status)
{
    char err[1024];
    *status = -1;
    switch (opt) {
    case OPT_NAMING_GROUP:
        *status = add_group(args, verb, arg);
        return true;
    case OPT_NAMING_PFX2AS:
        *status = add_pfx2as(args, verb, arg);
        return true;
    case OPT_NAMING_MMDB:
        if (args->mmdb) {
            *status = usage_error(verb, "--mmdb given twice");
            return true;
        }
        args->mmdb = mmdb_source_open(arg, err, sizeof(err));
        if (!args->mmdb) {
            error("%s", err);
            *status = EXIT_FAILED;
        }
        return true;
    case OPT_NAMING_SNAPSHOT_RULE:
        if (strcmp(arg, "before") == 0)
            args->rule = SNAPSHOT_BEFORE;
        else if (strcmp(arg, "nearest") == 0)
            args->rule = SNAPSHOT_NEAREST;
        else
            *status = usage_error(verb, "--snapshot-rule takes before or nearest, not '%s'", arg);
        return true;
    case OPT_NAMING_ASNAMES:
        if (args->names) {
            *status = usage_error(verb, "--asnames given twice");
            return true;
        }
        args->names = as_names_load(arg, err, sizeof(err));
        args->asnames_path = arg;
        if (!args->names) {
            error("%s", err);
            *status = EXIT_FAILED;
        }
        return true;
    default:
        return false;
    }
}

/* Whether a group's value holds a selection (":KEY=..."). */
static bool has_selection(const struct group *g)
{
    const char *colon = g->source ? strrchr(g->source, ':') : NULL;
    return colon && strchr(colon, '=');
}

int naming_group_check(const struct group *group, char *err, size_t errlen)
{
    if (group->kind != GROUP_PREFIXES || !has_selection(group))
        return 0;
    size_t total = 0;
    for (size_t s = 0; s < group->snapshots.count; s++)
        total += prefix_set_count(group->snapshots.v[s].set);
    if (total > 0)
        return 0;
    snprintf(err, errlen, "group '%s': no prefix matches '%s'", group->name,
             strrchr(group->source, ':') + 1);
    return -1;
}

int naming_finish(struct naming_args *args, const char *verb, bool add_any)
{
    char err[1024];
    args->routing.rule = args->rule;
    args->origins.routing = &args->routing;
    args->origins.mmdb = args->mmdb;
    args->origins.names = args->names;
    if (args->group_count == 0 && add_any) {
        int status = add_group(args, verb, "any");
        if (status >= 0)
            return status;
    }
    for (size_t i = 0; i < args->group_count; i++)
        args->groups[i].snapshots.rule = args->rule;
    for (size_t i = 0; i < args->group_count; i++) {
        const struct group *g = &args->groups[i];
        if (g->kind == GROUP_ASNS && !origin_sources_any(&args->origins))
            return usage_error(verb, "group '%s' names ASes: give --pfx2as or --mmdb", g->name);
        if (naming_group_check(g, err, sizeof(err)) < 0)
            return usage_error(verb, "%s", err);
    }
    return -1;
}

const struct prefix_set *naming_routing_latest(const struct naming_args *args)
{
    return args->routing.count ? args->routing.v[args->routing.count - 1].set : NULL;
}

const char *naming_routing_source(const struct naming_args *args)
{
    return args->routing.count ? args->routing.v[args->routing.count - 1].source : NULL;
}
