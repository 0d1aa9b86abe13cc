/*
 * store/history: what a store saw before a time, for "what is new" reports
 * (report --last, --new-only). A read-only connection of its own, opened
 * after store_open() has vouched for the file, so it needs nothing of
 * store.c's internals.
 */
#ifndef HONEYSCOPE_STORE_HISTORY_H
#define HONEYSCOPE_STORE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../aggregate/aggregate.h"
#include "../common/addr.h"

struct store_history;

/* Opens the store at path read-only. Returns NULL with err on failure. */
struct store_history *store_history_open(const char *path, char *err, size_t errlen);
/* Closes it; NULL is a no-op. */
void store_history_close(struct store_history *history);

/*
 * The time of the latest packet of the stored captures: *found is false
 * when the store holds no packet. Returns 0, or -1 with err.
 */
int store_history_last_packet(struct store_history *history, bool *found, int64_t *last_ns,
                              char *err, size_t errlen);

/*
 * For each of remotes[0..count) (distinct), sets seen[i] when the store has
 * traffic with that remote address in a bin before before_s. Returns 0, or
 * -1 with err.
 */
int store_history_remotes_seen(struct store_history *history, int64_t before_s,
                               const struct ip_addr *remotes, size_t count, bool *seen, char *err,
                               size_t errlen);

/* A service a remote started conversations with: protocol and responder's port. */
struct history_service {
    uint8_t proto;
    uint16_t service;
};

/*
 * For each of services[0..count) (distinct), sets seen[i] when the store has
 * remote-initiated traffic to it in a bin before before_s. Returns 0, or -1.
 */
int store_history_services_seen(struct store_history *history, int64_t before_s,
                                const struct history_service *services, size_t count, bool *seen,
                                char *err, size_t errlen);

/*
 * For each evidence value rows[i] (kind and bytes; distinct), sets seen[i]
 * when the store has the same kind and value in a bin before before_s,
 * whichever remote sent it. Returns 0, or -1 with err.
 */
int store_history_evidence_seen(struct store_history *history, int64_t before_s,
                                const struct evidence_row *const *rows, size_t count, bool *seen,
                                char *err, size_t errlen);

#endif
