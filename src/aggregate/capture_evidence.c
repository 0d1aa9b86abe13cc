/*
 * Keeping the first payload bytes of conversations for the evidence parsers.
 *
 * Each direction of a TCP conversation that may carry evidence (SMTP, HTTP,
 * TLS, DNS over TCP) gets a buffer of its first EVIDENCE_SIDE_BYTES bytes,
 * parsed once when it is full or when the flow ends. UDP DNS messages are
 * parsed packet by packet, with no buffer. Buffers come from a fixed pool,
 * so memory stays bounded whatever the capture holds; conversations that
 * find the pool empty are counted and go without evidence. Segments are
 * taken in capture order: retransmitted or reordered segments are not
 * reassembled (docs/semantics.md).
 */
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "../evidence/evidence.h"
#include "aggregate_int.h"

enum {
    STATE_UNDECIDED = 0,
    STATE_COLLECTING = 1,
    STATE_DONE = 2,
};

void evidence_capture_init(struct evidence_capture *ec, struct cube *cube,
                           const struct bin_clock *clock, size_t buffers)
{
    memset(ec, 0, sizeof(*ec));
    ec->cube = cube;
    ec->clock = clock;
    ec->capacity = buffers;
}

void evidence_capture_release(struct evidence_capture *ec)
{
    free(ec->bytes);
    free(ec->lengths);
    free(ec->free_slots);
    memset(ec, 0, sizeof(*ec));
}

/*
 * An empty buffer (1-based), or 0 when the pool is spent. A buffer given back
 * still holds the length of the side it served: it is cleared here, as it
 * changes hands, so the new side starts at byte 0 instead of taking the
 * buffer as already full and parsing the previous side's bytes as its own.
 */
static uint32_t take_buffer(struct evidence_capture *ec)
{
    if (ec->free_count) {
        uint32_t slot = ec->free_slots[--ec->free_count];
        ec->lengths[slot - 1] = 0;
        return slot;
    }
    if (ec->used == ec->capacity)
        return 0;
    if (ec->used == ec->allocated) {
        size_t grow = ec->allocated ? ec->allocated * 2 : 64;
        if (grow > ec->capacity)
            grow = ec->capacity;
        ec->bytes = xreallocarray(ec->bytes, grow, EVIDENCE_SIDE_BYTES);
        ec->lengths = xreallocarray(ec->lengths, grow, sizeof(*ec->lengths));
        ec->free_slots = xreallocarray(ec->free_slots, grow, sizeof(*ec->free_slots));
        ec->allocated = grow;
    }
    uint32_t slot = (uint32_t)++ec->used;
    ec->lengths[slot - 1] = 0;
    return slot;
}

struct emit_ctx {
    struct evidence_capture *ec;
    int64_t bin;
    const struct ip_addr *remote;
};

static void emit(void *ctx, const struct evidence_item *item)
{
    struct emit_ctx *e = ctx;
    evidence_table_add(cube_evidence(e->ec->cube), e->bin, e->remote, item->kind, item->value,
                       item->len, item->count);
}

/* Who sent the bytes of direction dir, in the parsers' words. */
static enum evidence_side side_of(const struct flow *flow, enum direction dir)
{
    if (flow->initiator == INITIATOR_UNKNOWN)
        return EVIDENCE_SIDE_UNKNOWN;
    bool sensor_started = flow->initiator == INITIATOR_SENSOR;
    return (dir == DIR_OUT) == sensor_started ? EVIDENCE_SIDE_INITIATOR : EVIDENCE_SIDE_RESPONDER;
}

static void parse(struct evidence_capture *ec, const struct flow *flow, enum direction dir,
                  const uint8_t *data, size_t len)
{
    int64_t start_s = flow->first_ns / 1000000000 - (flow->first_ns % 1000000000 < 0);
    struct emit_ctx e = {ec, bin_clock_start(ec->clock, start_s), &flow->key.remote};
    evidence_parse(flow->key.proto, flow->service, side_of(flow, dir), data, len, emit, &e);
}

static void flush(struct evidence_capture *ec, struct flow *flow, enum direction dir)
{
    uint32_t slot = flow->evidence_slot[dir];
    if (slot) {
        parse(ec, flow, dir, ec->bytes + (size_t)(slot - 1) * EVIDENCE_SIDE_BYTES,
              ec->lengths[slot - 1]);
        ec->free_slots[ec->free_count++] = slot;
        flow->evidence_slot[dir] = 0;
    }
    flow->evidence_state[dir] = STATE_DONE;
}

void evidence_capture_packet(struct evidence_capture *ec, struct flow *flow, enum direction dir,
                             const uint8_t *payload, size_t len)
{
    if (len == 0 || flow->evidence_state[dir] == STATE_DONE)
        return;
    if (flow->key.proto == PROTO_UDP) {
        if (flow->key.sensor_port == 53 || flow->key.remote_port == 53)
            parse(ec, flow, dir, payload, len);
        else
            flow->evidence_state[dir] = STATE_DONE;
        return;
    }
    if (flow->key.proto != PROTO_TCP) {
        flow->evidence_state[dir] = STATE_DONE;
        return;
    }
    if (flow->evidence_state[dir] == STATE_UNDECIDED) {
        if (!evidence_wanted(flow->key.proto, flow->service, payload, len)) {
            flow->evidence_state[dir] = STATE_DONE;
            return;
        }
        uint32_t slot = take_buffer(ec);
        if (!slot) {
            ec->skipped++;
            flow->evidence_state[dir] = STATE_DONE;
            return;
        }
        flow->evidence_slot[dir] = slot;
        flow->evidence_state[dir] = STATE_COLLECTING;
    }
    uint32_t slot = flow->evidence_slot[dir];
    uint16_t *have = &ec->lengths[slot - 1];
    size_t room = EVIDENCE_SIDE_BYTES - *have;
    size_t take = len < room ? len : room;
    memcpy(ec->bytes + (size_t)(slot - 1) * EVIDENCE_SIDE_BYTES + *have, payload, take);
    *have = (uint16_t)(*have + take);
    if (*have == EVIDENCE_SIDE_BYTES)
        flush(ec, flow, dir);
}

void evidence_capture_end(void *ctx, struct flow *flow)
{
    struct evidence_capture *ec = ctx;
    for (unsigned dir = 0; dir < 2; dir++)
        if (flow->evidence_state[dir] == STATE_COLLECTING)
            flush(ec, flow, (enum direction)dir);
}
