/* Groups kept in a store, turned back into --group options (stored_groups.c). */
#ifndef HONEYSCOPE_CLI_STORED_GROUPS_H
#define HONEYSCOPE_CLI_STORED_GROUPS_H

#include <stddef.h>

#include "../attrib/attrib.h"
#include "../store/store.h"
#include "naming.h"

/* Routing snapshots, an mmdb and AS names kept in a store ('prefixes add
 * --pfx2as/--mmdb/--asnames'): prefix-set rows under names no group can
 * have. */
#define STORED_PFX2AS "@pfx2as"
#define STORED_MMDB "@mmdb"
#define STORED_ASNAMES "@asnames"

/*
 * Loads into naming the naming files the store keeps, of each kind the
 * command line gave none of (--pfx2as, --mmdb, --asnames). Returns -1 to go
 * on, or the exit status to end with (the message printed).
 */
int stored_naming_load(struct naming_args *naming, struct store *store, const char *verb);

/*
 * Reads the stored prefix set name into *group, every specification stored
 * under it merged as --group merges a name given again, each named as it was
 * stored. Returns 1 (the caller releases group), 0 when the store holds no
 * such set, or -1 with err naming the set and the stored file.
 */
int stored_group_read(struct store *store, const char *name, struct group *group, char *err,
                      size_t errlen);
/* Adds the stored prefix set name to naming's groups. Returns 0, or -1 (said). */
int stored_group_load(struct naming_args *naming, struct store *store, const char *verb,
                      const char *name);

#endif
