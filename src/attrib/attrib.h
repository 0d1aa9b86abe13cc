/*
 * attrib: naming the remote side.
 *
 * A prefix_set is a longest-prefix-match table over IPv4 and IPv6 at once
 * (a binary trie per family over the 128-bit mapped space: a prefix answers
 * only for addresses of its own family), each prefix carrying a
 * label and, when it came from a routing table, an origin AS. A group is a
 * named selection of remote addresses: every prefix of a "CIDR label" list,
 * or of a provider's published ranges (AWS, Google Cloud, Azure) selected by
 * label, or every prefix a routing snapshot gives to one of a set of AS
 * numbers. Tables may come as dated snapshots, each in force from its day;
 * origin ASes come from routing snapshots or a MaxMind DB, AS names from a
 * names file. Attribution happens at report time over stored remote
 * addresses, so a new list never needs a re-ingest. (docs/naming.md)
 */
#ifndef HONEYSCOPE_ATTRIB_H
#define HONEYSCOPE_ATTRIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/addr.h"

struct prefix_entry {
    struct ip_prefix prefix;
    const char *label; /* never NULL; "" when the list gave none */
    uint32_t asn;      /* origin AS from a routing table; 0 when unknown */
};

struct prefix_set;

struct prefix_set *prefix_set_new(void);
void prefix_set_free(struct prefix_set *set);
/* Adds (or relabels) a prefix; label is copied and may be NULL. */
void prefix_set_add(struct prefix_set *set, const struct ip_prefix *prefix, const char *label,
                    uint32_t asn);
/* The longest prefix containing addr, or NULL. Valid while set lives (later
 * adds never move it; re-adding its prefix changes its label and asn). */
const struct prefix_entry *prefix_set_lookup(const struct prefix_set *set,
                                             const struct ip_addr *addr);
size_t prefix_set_count(const struct prefix_set *set);
/* The i-th prefix in the order added (a relabel keeps the first place), or
 * NULL when i >= prefix_set_count(). */
const struct prefix_entry *prefix_set_entry(const struct prefix_set *set, size_t i);

/*
 * Loads a "CIDR label" list: one prefix per line, whitespace, optional free
 * text label; '#' starts a comment; blank lines are skipped. Returns 0, or -1
 * with "file:line: reason" in err.
 *
 * The label is the rest of the line with surrounding whitespace trimmed; a
 * '#' ends it only after whitespace ("Foo #x" is "Foo", "C#" stays "C#").
 * CRLF line endings and gzip-compressed files are accepted; lines over 4096
 * bytes are an error. On error the lines before the bad one stay added.
 */
int prefix_set_load_list(struct prefix_set *set, const char *path, char *err, size_t errlen);

/*
 * Loads a routing-table snapshot in the ipasn format ("prefix/len<TAB>asn",
 * ';' comment lines), plain or gzip-compressed. Each prefix gets label
 * "AS<asn>". Returns 0, or -1 with "file:line: reason" in err.
 *
 * Strict: asn is plain decimal in 1..4294967295 (AS sets such as "{1,2}" or
 * multi-origin "1_2" are errors), the prefix needs its "/len", and a blank
 * line is an error. On error the lines before the bad one stay added.
 */
int prefix_set_load_pfx2as(struct prefix_set *set, const char *path, char *err, size_t errlen);

/* ---- what a file says about itself ---------------------------------------- */

/* A snapshot's day when nothing tells it. */
#define SNAPSHOT_UNDATED INT64_MIN

struct prefix_file_info {
    const char *format; /* "list", "pfx2as", "aws", "gcp" or "azure" (static) */
    int64_t day;        /* days since 1970-01-01 from the file's own content, or
                         * SNAPSHOT_UNDATED */
};

/*
 * prefix_set_load_pfx2as(), and the snapshot date from the ipasn header
 * ("; Original file : rib.20080501.0644.bz2": the first 8 digits that make a
 * date) into info, which may be NULL.
 */
int prefix_set_load_pfx2as_info(struct prefix_set *set, const char *path,
                                struct prefix_file_info *info, char *err, size_t errlen);

/*
 * Loads a prefix file recognised from its content (gzip or not): JSON (its
 * first non-space byte is '{') as a provider's published ranges, anything
 * else as a "CIDR label" list. selection (NULL or "" for everything) keeps
 * only the provider's prefixes that match it, e.g. "service=EC2,region=eu-*"
 * (docs/naming.md); a list takes no selection. Fills info (may be NULL).
 * Returns 0, or -1 with "file: where: reason" in err.
 *
 * Providers: AWS ip-ranges.json (prefixes, ipv6_prefixes; keys region,
 * service, border), Google Cloud cloud.json (keys region or scope, service)
 * and Azure Service Tags (keys tag, region, service); every format has key
 * family (4 or 6). Each prefix is labelled from every record the file has
 * for it, e.g. "AMAZON eu-west-1 EC2+S3".
 */
int prefix_set_load_file(struct prefix_set *set, const char *path, const char *selection,
                         struct prefix_file_info *info, char *err, size_t errlen);
/* Checks a selection's syntax (not its keys, which depend on the format).
 * Returns 0, or -1 with the reason in err. */
int provider_selection_check(const char *selection, char *err, size_t errlen);

/* ---- dated snapshots -------------------------------------------------------- */

/*
 * Several versions of one table (routing snapshots, a provider's ranges at
 * several dates). Under SNAPSHOT_BEFORE each is in force from the start of
 * its day (UTC) until the next one's; under SNAPSHOT_NEAREST from halfway
 * between its day and the previous one's to halfway to the next. The
 * earliest also answers for any time before it. A series of one answers for
 * all time, dated or not.
 */
enum snapshot_rule {
    SNAPSHOT_BEFORE,  /* the table in force at the time (the default) */
    SNAPSHOT_NEAREST, /* the table made nearest in time, before or after */
};

struct snapshot {
    struct prefix_set *set; /* owned by the series */
    char *source;           /* the file as the user gave it */
    const char *format;     /* as struct prefix_file_info */
    int64_t day;            /* days since 1970-01-01, or SNAPSHOT_UNDATED */
};

struct snapshot_series {
    struct snapshot *v; /* earliest first */
    size_t count, alloc;
    enum snapshot_rule rule; /* zeroed: SNAPSHOT_BEFORE */
};

/* "YYYY-MM-DD" of a snapshot day, or "undated", into buf; returns buf. */
char *snapshot_day_format(int64_t day, char *buf, size_t len);
void snapshot_series_init(struct snapshot_series *series);
/* Frees every snapshot's set and source; the series may be released again. */
void snapshot_series_release(struct snapshot_series *series);
/*
 * Adds set (ownership passes to the series, even on failure) in date order.
 * Returns 0, or -1 with a message in err when the series would hold two
 * snapshots of one day, or an undated snapshot beside another.
 */
int snapshot_series_add(struct snapshot_series *series, struct prefix_set *set, const char *source,
                        const char *format, int64_t day, char *err, size_t errlen);
/* The index of the snapshot in force at unix_s under the series' rule (the
 * latest dated at or before it, else the earliest; or the nearest in time);
 * 0 for an empty series. */
size_t snapshot_index(const struct snapshot_series *series, int64_t unix_s);
/* The set in force at unix_s, or NULL for an empty series. */
const struct prefix_set *snapshot_for(const struct snapshot_series *series, int64_t unix_s);
/* The UTC seconds [*from_s, *to_s) in which snapshot i is in force;
 * INT64_MIN and INT64_MAX stand for no bound. */
void snapshot_span(const struct snapshot_series *series, size_t i, int64_t *from_s, int64_t *to_s);

/* ---- MaxMind DB ------------------------------------------------------------- */

/*
 * An AS database in the MaxMind DB format: GeoLite2-ASN, DB-IP ASN Lite,
 * GeoIP2-ISP (autonomous_system_number, autonomous_system_organization, isp,
 * organization) or ipinfo's layout ("asn": "AS15169", "name"/"as_name").
 */
struct mmdb_source;

/* Opens path. Returns the database, or NULL with "path: reason" in err. */
struct mmdb_source *mmdb_source_open(const char *path, char *err, size_t errlen);
void mmdb_source_free(struct mmdb_source *db);
/*
 * The database's network holding addr, labelled with the organisation ("" when
 * it names none), asn its AS (0 when none); NULL when the
 * database says nothing of addr. Answers are kept, so the entry stays valid
 * while db lives and a second lookup in the network costs an LPM.
 */
const struct prefix_entry *mmdb_source_lookup(struct mmdb_source *db, const struct ip_addr *addr);
const char *mmdb_source_path(const struct mmdb_source *db);
/* Names the database by path from now on (a copy opened from elsewhere, such
 * as a store's). */
void mmdb_source_rename(struct mmdb_source *db, const char *path);
/* The database type from its metadata, e.g. "GeoLite2-ASN". */
const char *mmdb_source_type(const struct mmdb_source *db);
/* The build day (days since 1970-01-01, UTC). */
int64_t mmdb_source_day(const struct mmdb_source *db);
/* Lookups the database could not answer because its data is damaged. */
uint64_t mmdb_source_errors(const struct mmdb_source *db);

/* ---- AS names --------------------------------------------------------------- */

struct as_names;

/*
 * Loads AS names: a JSON object {"14618": "AMAZON-AES - Amazon.com, Inc., US"}
 * (as asnames.json), or lines "14618 AMAZON-AES - Amazon.com, Inc., US";
 * gzip ok. Returns the table, or NULL with "path:line: reason" in err.
 */
struct as_names *as_names_load(const char *path, char *err, size_t errlen);
void as_names_free(struct as_names *names);
/* The name of asn, or NULL. */
const char *as_names_get(const struct as_names *names, uint32_t asn);
size_t as_names_count(const struct as_names *names);

/* ---- origin ASes -------------------------------------------------------------- */

/* Everything that names an address's origin AS; any part may be absent. */
struct origin_sources {
    const struct snapshot_series *routing; /* pfx2as snapshots */
    struct mmdb_source *mmdb;
    const struct as_names *names;
};

struct origin {
    uint32_t asn;                     /* 0 when unknown */
    const struct prefix_entry *entry; /* the route or mmdb network; NULL when unknown */
    const char *name;                 /* the AS name, "" when unknown */
    const char *source;               /* the file that gave the AS; NULL when unknown */
    int64_t day;                      /* that file's day, or SNAPSHOT_UNDATED */
};

/*
 * The origin AS of addr at unix_s: the most specific route of the routing
 * snapshot in force, else the mmdb's network. The name comes from the AS
 * names, else from the mmdb when it gives the same AS. Returns whether an AS
 * was found; *out is filled either way.
 */
bool origin_lookup(const struct origin_sources *sources, const struct ip_addr *addr, int64_t unix_s,
                   struct origin *out);
/* Whether sources can tell an AS at all. */
bool origin_sources_any(const struct origin_sources *sources);

/* ---- groups --------------------------------------------------------------- */

enum group_kind {
    GROUP_ANY,      /* every remote address */
    GROUP_PREFIXES, /* the prefixes of a list */
    GROUP_ASNS,     /* the prefixes a routing table gives to some ASes */
};

struct group {
    char *name;
    enum group_kind kind;
    char *source;                /* the file or AS list the user gave */
    struct prefix_set *prefixes; /* GROUP_PREFIXES: the latest snapshot's set */
    uint32_t *asns;              /* GROUP_ASNS: sorted */
    size_t asn_count;
    /* GROUP_PREFIXES: every file given for the group, by date; owns the
     * sets (prefixes is the last of them). */
    struct snapshot_series snapshots;
};

struct group_match {
    const struct prefix_entry *entry; /* NULL for GROUP_ANY */
};

/*
 * Parses "NAME=FILE[@YYYY-MM-DD][:SELECTION]" or "NAME=AS14618,AS16509" (the
 * latter needs routing, a pfx2as set or an mmdb, at match time). Returns 0,
 * or -1 with a message in err.
 *
 * NAME is 1-32 of A-Z a-z 0-9 '_' '.' '-'. A value made only of digits, commas
 * and "AS" (either case) is an AS list, "AS14618" and "14618" alike, stored
 * sorted without duplicates; any other value is a prefix file, loaded now
 * with prefix_set_load_file() (write "./AS1" for a file that looks like an AS
 * list). "@YYYY-MM-DD" dates the file as a snapshot, overriding the date the
 * file itself gives; ":SELECTION" (the text after the last ':' when it holds
 * '=') selects a provider file's prefixes. On success the group owns copies
 * of everything, its file as the one snapshot of group->snapshots; on failure
 * it is left released.
 */
int group_parse(struct group *group, const char *spec, char *err, size_t errlen);
/*
 * Adds the snapshots of from, a group of the same name parsed later, to into
 * (both GROUP_PREFIXES), and releases from. Returns 0, or -1 with a message
 * in err (into is then unchanged and from released): a group given twice
 * needs a date on every file, one file per day.
 */
int group_merge(struct group *into, struct group *from, char *err, size_t errlen);
/* The implicit group of every remote address: name "any", source "". */
void group_init_any(struct group *group);
/* Whether name is a built-in group's ("any"), which a set of that name would
 * only be shadowed by. */
bool group_name_builtin(const char *name);
/* Frees what the group owns and zeroes it; a released group can be released
 * again. */
void group_release(struct group *group);
/*
 * Whether addr belongs to group; fills *match (which may be NULL) with the
 * prefix that says so, NULL for GROUP_ANY or no match. For GROUP_ASNS the
 * most specific route in routing decides; with no routing nothing matches.
 * A dated group answers from its latest snapshot.
 */
bool group_match(const struct group *group, const struct prefix_set *routing,
                 const struct ip_addr *addr, struct group_match *match);
/*
 * group_match() at a time: the group's snapshot in force at unix_s decides,
 * and for GROUP_ASNS the origin AS there (origin_lookup(): the routing
 * snapshot in force, else the mmdb). sources may be NULL.
 */
bool group_match_at(const struct group *group, const struct origin_sources *sources,
                    const struct ip_addr *addr, int64_t unix_s, struct group_match *match);
/*
 * A number that changes exactly when the snapshot deciding membership of the
 * group changes with time: equal epochs at two times mean equal answers for
 * every address. Constant (0) for a group that does not depend on time.
 */
size_t group_epoch(const struct group *group, const struct origin_sources *sources, int64_t unix_s);
/* Whether group_epoch() can change with time. */
bool group_dated(const struct group *group, const struct origin_sources *sources);

#endif
