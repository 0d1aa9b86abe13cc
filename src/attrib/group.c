/*
 * Groups: the named selections of remote addresses a report is split by,
 * parsed from "NAME=FILE" or "NAME=AS14618,AS16509" and matched per address.
 */
#include "attrib.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "attrib_int.h"

#define GROUP_NAME_MAX 32

static int name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

static int valid_name(const char *name, size_t len)
{
    if (len == 0 || len > GROUP_NAME_MAX)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!name_char(name[i]))
            return 0;
    return 1;
}

/*
 * A value made only of digits, commas and "AS" is an AS list; anything else
 * names a file. A file that happens to look like an AS list ("AS1") can be
 * given as "./AS1".
 */
static int looks_like_asns(const char *value)
{
    if (!((*value >= '0' && *value <= '9') || *value == 'A' || *value == 'a'))
        return 0;
    for (const char *p = value; *p; p++)
        if (!((*p >= '0' && *p <= '9') || *p == ',' || *p == 'A' || *p == 'a' || *p == 'S' ||
              *p == 's'))
            return 0;
    return 1;
}

/* "AS14618", "as14618" or "14618", len bytes; 1..4294967295. */
static int parse_one_asn(const char *text, size_t len, uint32_t *asn)
{
    return attrib_parse_asn(text, len, true, asn) < 0 || *asn == 0 ? -1 : 0;
}

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int parse_asns(struct group *group, const char *value, char *err, size_t errlen)
{
    size_t alloc = 0;
    const char *p = value;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        uint32_t asn;
        if (parse_one_asn(p, len, &asn) < 0) {
            attrib_err(err, errlen, "group '%s': bad AS number '%.*s' (want AS<n> or <n>, n > 0)",
                       group->name, (int)(len > 64 ? 64 : len), p);
            return -1;
        }
        ALLOC_GROW(group->asns, group->asn_count + 1, alloc);
        group->asns[group->asn_count++] = asn;
        if (!comma)
            break;
        p = comma + 1;
    }
    qsort(group->asns, group->asn_count, sizeof(*group->asns), compare_u32);
    size_t kept = 1;
    for (size_t i = 1; i < group->asn_count; i++)
        if (group->asns[i] != group->asns[kept - 1])
            group->asns[kept++] = group->asns[i];
    group->asn_count = kept;
    return 0;
}

/*
 * Loads "FILE[@YYYY-MM-DD][:SELECTION]" as the group's one snapshot.
 * SELECTION is the text after the last ':' when it holds '='; the date is an
 * '@' followed by exactly YYYY-MM-DD at the end of what remains.
 */
static int load_prefix_file(struct group *group, const char *value, char *err, size_t errlen)
{
    char *file = xstrdup(value);
    const char *selection = NULL;
    char *colon = strrchr(file, ':');
    if (colon && strchr(colon + 1, '=')) {
        *colon = '\0';
        selection = colon + 1;
        char why[256];
        if (provider_selection_check(selection, why, sizeof(why)) < 0) {
            attrib_err(err, errlen, "group '%s': %s", group->name, why);
            free(file);
            return -1;
        }
    }
    int64_t day = SNAPSHOT_UNDATED;
    size_t len = strlen(file);
    char *at = strrchr(file, '@');
    if (at && len - (size_t)(at - file) == 11 && at[5] == '-' && at[8] == '-') {
        unsigned y, m, d;
        char tail;
        if (sscanf(at + 1, "%4u-%2u-%2u%c", &y, &m, &d, &tail) == 3)
            day = attrib_days(y, m, d);
        if (day == SNAPSHOT_UNDATED) {
            attrib_err(err, errlen, "group '%s': bad date '%s' (want FILE@YYYY-MM-DD)", group->name,
                       at + 1);
            free(file);
            return -1;
        }
        *at = '\0';
    }
    if (!*file) {
        attrib_err(err, errlen, "group '%s': no file before '%s'", group->name, value);
        free(file);
        return -1;
    }
    struct prefix_set *set = prefix_set_new();
    struct prefix_file_info info;
    if (prefix_set_load_file(set, file, selection, &info, err, errlen) < 0) {
        prefix_set_free(set);
        free(file);
        return -1;
    }
    if (day == SNAPSHOT_UNDATED)
        day = info.day;
    snapshot_series_add(&group->snapshots, set, file, info.format, day, NULL, 0);
    group->prefixes = set;
    free(file);
    return 0;
}

int group_parse(struct group *group, const char *spec, char *err, size_t errlen)
{
    memset(group, 0, sizeof(*group));
    const char *eq = strchr(spec, '=');
    if (!eq) {
        attrib_err(err, errlen, "bad group '%s': want NAME=FILE or NAME=AS<n>[,AS<n>...]", spec);
        return -1;
    }
    size_t name_len = (size_t)(eq - spec);
    if (!valid_name(spec, name_len)) {
        attrib_err(err, errlen, "bad group name '%.*s': want 1 to %d of A-Z a-z 0-9 '_' '.' '-'",
                   (int)(name_len > 64 ? 64 : name_len), spec, GROUP_NAME_MAX);
        return -1;
    }
    const char *value = eq + 1;
    group->name = xmalloc(name_len + 1);
    memcpy(group->name, spec, name_len);
    group->name[name_len] = '\0';
    if (!*value) {
        attrib_err(err, errlen, "group '%s': nothing after '='", group->name);
        group_release(group);
        return -1;
    }
    group->source = xstrdup(value);

    if (looks_like_asns(value)) {
        group->kind = GROUP_ASNS;
        if (parse_asns(group, value, err, errlen) < 0) {
            group_release(group);
            return -1;
        }
        return 0;
    }
    group->kind = GROUP_PREFIXES;
    if (load_prefix_file(group, value, err, errlen) < 0) {
        group_release(group);
        return -1;
    }
    return 0;
}

int group_merge(struct group *into, struct group *from, char *err, size_t errlen)
{
    int rc = 0;
    if (into->kind != GROUP_PREFIXES || from->kind != GROUP_PREFIXES) {
        attrib_err(err, errlen,
                   "group '%s' given twice: only groups of prefix files can be given again, as "
                   "dated snapshots",
                   into->name);
        rc = -1;
    }
    /* Check every file first, so that a failure leaves into as it was. */
    for (size_t i = 0; rc == 0 && i < from->snapshots.count; i++) {
        const struct snapshot *f = &from->snapshots.v[i];
        for (size_t j = 0; j < into->snapshots.count; j++) {
            const struct snapshot *t = &into->snapshots.v[j];
            if (f->day == SNAPSHOT_UNDATED || t->day == SNAPSHOT_UNDATED) {
                attrib_err(err, errlen,
                           "group '%s' given twice: '%s' has no date (write FILE@YYYY-MM-DD)",
                           into->name, f->day == SNAPSHOT_UNDATED ? f->source : t->source);
                rc = -1;
                break;
            }
            if (f->day == t->day) {
                char day[16];
                snapshot_day_format(f->day, day, sizeof(day));
                attrib_err(err, errlen, "group '%s': '%s' and '%s' are both snapshots of %s",
                           into->name, t->source, f->source, day);
                rc = -1;
                break;
            }
        }
    }
    for (size_t i = 0; rc == 0 && i < from->snapshots.count; i++) {
        struct snapshot *f = &from->snapshots.v[i];
        /* Checked above: this cannot fail. */
        snapshot_series_add(&into->snapshots, f->set, f->source, f->format, f->day, NULL, 0);
        f->set = NULL;
    }
    if (rc == 0 && into->snapshots.count)
        into->prefixes = into->snapshots.v[into->snapshots.count - 1].set;
    group_release(from);
    return rc;
}

#define GROUP_ANY_NAME "any"

bool group_name_builtin(const char *name)
{
    return strcmp(name, GROUP_ANY_NAME) == 0;
}

void group_init_any(struct group *group)
{
    memset(group, 0, sizeof(*group));
    group->name = xstrdup(GROUP_ANY_NAME);
    group->kind = GROUP_ANY;
    group->source = xstrdup("");
}

void group_release(struct group *group)
{
    free(group->name);
    free(group->source);
    snapshot_series_release(&group->snapshots); /* frees prefixes */
    free(group->asns);
    memset(group, 0, sizeof(*group));
}

bool group_match(const struct group *group, const struct prefix_set *routing,
                 const struct ip_addr *addr, struct group_match *match)
{
    const struct prefix_entry *entry = NULL;
    bool hit = false;

    switch (group->kind) {
    case GROUP_ANY:
        hit = true;
        break;
    case GROUP_PREFIXES:
        entry = group->prefixes ? prefix_set_lookup(group->prefixes, addr) : NULL;
        hit = entry != NULL;
        break;
    case GROUP_ASNS:
        /* The most specific route decides: a customer's /24 announced by its
         * own AS inside a provider's block belongs to the customer. */
        entry = routing ? prefix_set_lookup(routing, addr) : NULL;
        hit = entry && group->asn_count &&
              bsearch(&entry->asn, group->asns, group->asn_count, sizeof(*group->asns),
                      compare_u32) != NULL;
        if (!hit)
            entry = NULL;
        break;
    }
    if (match)
        match->entry = entry;
    return hit;
}

bool group_match_at(const struct group *group, const struct origin_sources *sources,
                    const struct ip_addr *addr, int64_t unix_s, struct group_match *match)
{
    const struct prefix_entry *entry = NULL;
    bool hit = false;

    switch (group->kind) {
    case GROUP_ANY:
        hit = true;
        break;
    case GROUP_PREFIXES: {
        const struct prefix_set *set =
            group->snapshots.count ? snapshot_for(&group->snapshots, unix_s) : group->prefixes;
        entry = set ? prefix_set_lookup(set, addr) : NULL;
        hit = entry != NULL;
        break;
    }
    case GROUP_ASNS: {
        struct origin origin;
        if (origin_find(sources, addr, unix_s, &origin, false) && group->asn_count &&
            bsearch(&origin.asn, group->asns, group->asn_count, sizeof(*group->asns),
                    compare_u32) != NULL) {
            hit = true;
            entry = origin.entry;
        }
        break;
    }
    }
    if (match)
        match->entry = entry;
    return hit;
}

bool group_dated(const struct group *group, const struct origin_sources *sources)
{
    switch (group->kind) {
    case GROUP_PREFIXES:
        return group->snapshots.count > 1;
    case GROUP_ASNS:
        return sources && sources->routing && sources->routing->count > 1;
    default:
        return false;
    }
}

size_t group_epoch(const struct group *group, const struct origin_sources *sources, int64_t unix_s)
{
    if (!group_dated(group, sources))
        return 0;
    if (group->kind == GROUP_PREFIXES)
        return snapshot_index(&group->snapshots, unix_s);
    return snapshot_index(sources->routing, unix_s);
}
