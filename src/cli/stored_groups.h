/* Groups kept in a store, turned back into --group options (stored_groups.c). */
#ifndef HONEYSCOPE_CLI_STORED_GROUPS_H
#define HONEYSCOPE_CLI_STORED_GROUPS_H

#include "../store/store.h"
#include "naming.h"

/* Adds the stored prefix set name to naming's groups. Returns 0, or -1 (said). */
int stored_group_load(struct naming_args *naming, struct store *store, const char *verb,
                      const char *name);

#endif
