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
    struct prefix_set *prefixes; /* GROUP_PREFIXES: owned */
    uint32_t *asns;              /* GROUP_ASNS: sorted */
    size_t asn_count;
};

struct group_match {
    const struct prefix_entry *entry; /* NULL for GROUP_ANY */
};

/*
 * Parses "NAME=FILE" or "NAME=AS14618,AS16509" (the latter needs routing, a
 * pfx2as set, at match time). Returns 0, or -1 with a message in err.
 *
 * NAME is 1-32 of A-Z a-z 0-9 '_' '.' '-'. A value made only of digits, commas
 * and "AS" (either case) is an AS list, "AS14618" and "14618" alike, stored
 * sorted without duplicates; any other value is a list file, loaded now (write
 * "./AS1" for a file that looks like an AS list). On success the group owns
 * copies of everything; on failure it is left released.
 */
int group_parse(struct group *group, const char *spec, char *err, size_t errlen);
/* The implicit group of every remote address: name "any", source "". */
void group_init_any(struct group *group);
/* Frees what the group owns and zeroes it; a released group can be released
 * again. */
void group_release(struct group *group);
/*
 * Whether addr belongs to group; fills *match (which may be NULL) with the
 * prefix that says so, NULL for GROUP_ANY or no match. For GROUP_ASNS the
 * most specific route in routing decides; with no routing nothing matches.
 */
bool group_match(const struct group *group, const struct prefix_set *routing,
                 const struct ip_addr *addr, struct group_match *match);

#endif
