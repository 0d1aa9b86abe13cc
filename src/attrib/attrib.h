/*
 * attrib: naming the remote side.
 *
 * A prefix_set is a longest-prefix-match table over IPv4 and IPv6 at once
 * (one binary trie over the 128-bit mapped space), each prefix carrying a
 * label and, when it came from a routing table, an origin AS. A group is a
 * named selection of remote addresses: every prefix of a "CIDR label" list,
 * or every prefix a routing snapshot gives to one of a set of AS numbers.
 * Attribution happens at report time over stored remote addresses, so a new
 * list never needs a re-ingest.
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
/* The longest prefix containing addr, or NULL. Valid while set lives. */
const struct prefix_entry *prefix_set_lookup(const struct prefix_set *set,
                                             const struct ip_addr *addr);
size_t prefix_set_count(const struct prefix_set *set);
/* The i-th prefix in the order added. */
const struct prefix_entry *prefix_set_entry(const struct prefix_set *set, size_t i);

/*
 * Loads a "CIDR label" list: one prefix per line, whitespace, optional free
 * text label; '#' starts a comment; blank lines are skipped. Returns 0, or -1
 * with "file:line: reason" in err.
 */
int prefix_set_load_list(struct prefix_set *set, const char *path, char *err, size_t errlen);

/*
 * Loads a routing-table snapshot in the ipasn format ("prefix/len<TAB>asn",
 * ';' comment lines), plain or gzip-compressed. Each prefix gets label
 * "AS<asn>". Returns 0, or -1 with "file:line: reason" in err.
 */
int prefix_set_load_pfx2as(struct prefix_set *set, const char *path, char *err, size_t errlen);

/* ---- groups --------------------------------------------------------------- */

enum group_kind {
    GROUP_ANY,      /* every remote address */
    GROUP_PREFIXES, /* the prefixes of a list */
    GROUP_ASNS,     /* the prefixes a routing table gives to some ASes */
};

struct group {
    char *name;
    enum group_kind kind;
    char *source;               /* the file or AS list the user gave */
    struct prefix_set *prefixes; /* GROUP_PREFIXES: owned */
    uint32_t *asns;             /* GROUP_ASNS: sorted */
    size_t asn_count;
};

struct group_match {
    const struct prefix_entry *entry; /* NULL for GROUP_ANY */
};

/*
 * Parses "NAME=FILE" or "NAME=AS14618,AS16509" (the latter needs routing, a
 * pfx2as set, at match time). Returns 0, or -1 with a message in err.
 */
int group_parse(struct group *group, const char *spec, char *err, size_t errlen);
void group_init_any(struct group *group);
void group_release(struct group *group);
/* Whether addr belongs to group; fills *match with the prefix that says so. */
bool group_match(const struct group *group, const struct prefix_set *routing,
                 const struct ip_addr *addr, struct group_match *match);

#endif
