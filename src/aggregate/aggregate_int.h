/*
 * Private to the aggregate stage: the pool of first-payload buffers that
 * feeds the evidence parsers (capture_evidence.c).
 */
#ifndef HONEYSCOPE_AGGREGATE_INT_H
#define HONEYSCOPE_AGGREGATE_INT_H

#include "aggregate.h"

/* Bytes kept per direction of a conversation, and buffers per file. */
#define EVIDENCE_SIDE_BYTES 1024
#define EVIDENCE_BUFFERS 32768

struct evidence_capture {
    struct cube *cube;
    const struct bin_clock *clock;
    uint8_t *bytes;       /* allocated buffers of EVIDENCE_SIDE_BYTES each */
    uint16_t *lengths;    /* bytes held per buffer */
    uint32_t *free_slots; /* buffers given back (1-based) */
    size_t free_count, used, allocated, capacity;
    uint64_t skipped; /* conversation sides that found the pool spent */
};

void evidence_capture_init(struct evidence_capture *ec, struct cube *cube,
                           const struct bin_clock *clock, size_t buffers);
void evidence_capture_release(struct evidence_capture *ec);
/* Keeps (or, for UDP DNS, parses) one packet's payload of flow in direction dir. */
void evidence_capture_packet(struct evidence_capture *ec, struct flow *flow, enum direction dir,
                             const uint8_t *payload, size_t len);
/* The flow table's end hook: parses what the flow's buffers hold. */
void evidence_capture_end(void *ctx, struct flow *flow);

#endif
