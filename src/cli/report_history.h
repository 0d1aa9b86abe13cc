/*
 * cli/report_history: the report's periods counted back from the data
 * (--last, --compare previous) and the filter of what is new (--new-only).
 */
#ifndef HONEYSCOPE_CLI_REPORT_HISTORY_H
#define HONEYSCOPE_CLI_REPORT_HISTORY_H

#include <stdint.h>

#include "../aggregate/aggregate.h"
#include "../store/history.h"

/*
 * The last days complete days (in the zone offset_s east of UTC) of data
 * whose latest packet came at last_ns: the data is taken to reach the end of
 * the quarter hour of that packet (the store's bin), and a day is complete
 * when the data reaches its end. Sets [*from_s, *to_s).
 */
void period_last_days(int64_t last_ns, unsigned days, int64_t offset_s, int64_t *from_s,
                      int64_t *to_s);

/*
 * --new-only: replaces *cube by a cube of what the store had never seen
 * before from_s: the rows whose remote address is new, or that a remote
 * started to a service (protocol and port) that is new; the evidence rows
 * whose value (of its kind) is new. The new cube has the budget max_rows in
 * tmp_dir. The cube must not have spilled. Returns 0, or -1 with err (and
 * *cube as it was).
 */
int cube_keep_new(struct cube **cube, struct store_history *history, int64_t from_s,
                  size_t max_rows, const char *tmp_dir, char *err, size_t errlen);

#endif
