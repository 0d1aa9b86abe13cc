/*
 * The options that name the remote side, shared by the verbs that take them
 * (report, lookup): --group, --pfx2as, --mmdb, --asnames. A verb lists
 * NAMING_LONG_OPTIONS in its getopt table, hands every option to
 * naming_option(), and calls naming_finish() after the last one.
 */
#ifndef HONEYSCOPE_CLI_NAMING_H
#define HONEYSCOPE_CLI_NAMING_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "../attrib/attrib.h"

enum {
    OPT_NAMING_GROUP = 0x4000, /* apart from each verb's own option codes */
    OPT_NAMING_PFX2AS,
    OPT_NAMING_MMDB,
    OPT_NAMING_ASNAMES,
    OPT_NAMING_SNAPSHOT_RULE,
};

/* clang-format off */
#define NAMING_LONG_OPTIONS                                                                  \
    {"group", required_argument, NULL, OPT_NAMING_GROUP},                                   \
    {"pfx2as", required_argument, NULL, OPT_NAMING_PFX2AS},                                 \
    {"mmdb", required_argument, NULL, OPT_NAMING_MMDB},                                     \
    {"asnames", required_argument, NULL, OPT_NAMING_ASNAMES},                               \
    {"snapshot-rule", required_argument, NULL, OPT_NAMING_SNAPSHOT_RULE}
/* clang-format on */

/* The options' lines of a verb's --help. */
#define NAMING_USAGE                                                                               \
    "  --group NAME=FILE      a group from a \"CIDR label\" list or a provider's JSON\n"           \
    "                         (AWS ip-ranges.json, Google Cloud cloud.json, Azure Service\n"       \
    "                         Tags), recognised from its content (repeatable)\n"                   \
    "  --group NAME=FILE:service=EC2,region=eu-*   a provider's prefixes by label\n"               \
    "  --group NAME=FILE@YYYY-MM-DD   a dated snapshot; the same NAME again adds one\n"            \
    "  --group NAME=AS1,AS2   a group of origin ASes (needs --pfx2as or --mmdb)\n"                 \
    "  --pfx2as FILE[@YYYY-MM-DD]  routing table snapshot, \"prefix/len<TAB>asn\" (gzip\n"         \
    "                         ok; repeatable: each bin uses the latest at or before it)\n"         \
    "  --mmdb FILE            origin AS and organisation from a MaxMind DB (GeoLite2-ASN,\n"       \
    "                         DB-IP ASN Lite, GeoIP2-ISP), where --pfx2as has no route\n"          \
    "  --asnames FILE         AS names, {\"ASN\": \"name, CC\"} JSON or \"ASN name\" lines\n"      \
    "  --snapshot-rule before|nearest   which dated snapshot decides a bin: the one\n"             \
    "                         in force at the time (before, the default) or the one\n"             \
    "                         made nearest in time, before or after\n"                             \
    "  (syntax and rules: docs/naming.md)\n"

struct naming_args {
    struct group *groups;
    size_t group_count, group_alloc;
    struct snapshot_series routing; /* --pfx2as files by date */
    struct mmdb_source *mmdb;
    struct as_names *names;
    const char *asnames_path;
    char *asnames_path_owned;      /* asnames_path when it names a store's copy */
    enum snapshot_rule rule;       /* --snapshot-rule */
    struct origin_sources origins; /* points into the above after naming_finish() */
};

void naming_args_init(struct naming_args *args);
void naming_args_release(struct naming_args *args);
/*
 * Takes option opt (getopt_long's answer) with its argument when it is a
 * naming option: returns true, with *status -1 to go on or the exit status to
 * end with (the message printed, "honeyscope VERB: ..."). Returns false for
 * any other option.
 */
bool naming_option(struct naming_args *args, const char *verb, int opt, const char *arg,
                   int *status);
/*
 * Adds group (parsed by the caller; ownership passes) to the groups, as a
 * dated snapshot of the one of the same name when there is one. Returns -1
 * to go on, or the exit status to end with (the message printed).
 */
int naming_add_group(struct naming_args *args, const char *verb, struct group *group);
/*
 * The checks a group passes once all its files are in: a selection must keep
 * some prefix of some file. Returns 0, or -1 with the reason in err.
 */
int naming_group_check(const struct group *group, char *err, size_t errlen);
/*
 * After the options: adds the group "any" when none was given and add_any,
 * and checks every AS group has something to tell ASes. Returns -1 to go on,
 * or the exit status to end with.
 */
int naming_finish(struct naming_args *args, const char *verb, bool add_any);
/* The latest routing snapshot, or NULL; and its file. */
const struct prefix_set *naming_routing_latest(const struct naming_args *args);
const char *naming_routing_source(const struct naming_args *args);

#endif
