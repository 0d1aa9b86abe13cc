/*
 * Keeping the first payload bytes of conversations for the evidence parsers.
 *
 * Each direction of a TCP conversation that may carry evidence (SMTP, HTTP,
 * TLS, SSH, DNS over TCP) gets a buffer of its first EVIDENCE_SIDE_BYTES
 * bytes, parsed once when it is full or when the flow ends. Sides whose
 * first bytes announce more (SSH, a long TLS ClientHello) get a longer
 * buffer from a smaller pool of its own, parsed as soon as it holds what was
 * announced, so that it goes back to the pool without waiting for the flow's
 * end. UDP DNS messages are
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
    STATE_COLLECTING = 1, /* in a buffer of the short pool */
    STATE_DONE = 2,
    STATE_COLLECTING_LONG = 3,   /* in a buffer of the long pool */
    STATE_COLLECTING_RECORD = 4, /* in a buffer of the record pool */
};

void evidence_capture_init(struct evidence_capture *ec, struct cube *cube,
                           const struct bin_clock *clock, size_t buffers, size_t long_buffers,
                           size_t record_buffers)
{
    memset(ec, 0, sizeof(*ec));
    ec->cube = cube;
    ec->clock = clock;
    ec->pools[EVIDENCE_POOL_SHORT].side_bytes = EVIDENCE_SIDE_BYTES;
    ec->pools[EVIDENCE_POOL_SHORT].capacity = buffers;
    ec->pools[EVIDENCE_POOL_LONG].side_bytes = EVIDENCE_LONG_SIDE_BYTES;
    ec->pools[EVIDENCE_POOL_LONG].capacity = long_buffers;
    ec->pools[EVIDENCE_POOL_RECORD].side_bytes = EVIDENCE_RECORD_SIDE_BYTES;
    ec->pools[EVIDENCE_POOL_RECORD].capacity = record_buffers;
}

void evidence_capture_release(struct evidence_capture *ec)
{
    for (size_t i = 0; i < EVIDENCE_POOLS; i++) {
        free(ec->pools[i].bytes);
        free(ec->pools[i].lengths);
        free(ec->pools[i].limits);
        free(ec->pools[i].free_slots);
    }
    memset(ec, 0, sizeof(*ec));
}

/*
 * An empty buffer (1-based) that is parsed once it holds limit bytes (at most
 * the pool's side_bytes), or 0 when the pool is spent. A buffer given back
 * still holds the length of the side it served: it is cleared here, as it
 * changes hands, so the new side starts at byte 0 instead of taking the
 * buffer as already full and parsing the previous side's bytes as its own.
 */
static uint32_t take_buffer(struct evidence_pool *pool, size_t limit)
{
    uint32_t slot;
    if (pool->free_count) {
        slot = pool->free_slots[--pool->free_count];
        pool->lengths[slot - 1] = 0;
        pool->limits[slot - 1] = (uint16_t)limit;
        return slot;
    }
    if (pool->used == pool->capacity)
        return 0;
    if (pool->used == pool->allocated) {
        size_t grow = pool->allocated ? pool->allocated * 2 : 64;
        if (grow > pool->capacity)
            grow = pool->capacity;
        pool->bytes = xreallocarray(pool->bytes, grow, pool->side_bytes);
        pool->lengths = xreallocarray(pool->lengths, grow, sizeof(*pool->lengths));
        pool->limits = xreallocarray(pool->limits, grow, sizeof(*pool->limits));
        pool->free_slots = xreallocarray(pool->free_slots, grow, sizeof(*pool->free_slots));
        pool->allocated = grow;
    }
    slot = (uint32_t)++pool->used;
    pool->lengths[slot - 1] = 0;
    pool->limits[slot - 1] = (uint16_t)limit;
    return slot;
}

/* A parse's values go to the table a few at a time (evidence_table_add_all()). */
#define EMIT_BATCH 8

struct emit_ctx {
    struct evidence_capture *ec;
    int64_t bin;
    const struct ip_addr *remote;
    size_t pending;
    struct evidence_addition adds[EMIT_BATCH];
    char values[EMIT_BATCH][EVIDENCE_VALUE_MAX + 1]; /* an item is only valid during emit() */
};

static void emit_flush(struct emit_ctx *e)
{
    if (e->pending)
        evidence_table_add_all(cube_evidence(e->ec->cube), e->bin, e->remote, e->adds, e->pending);
    e->pending = 0;
}

static void emit(void *ctx, const struct evidence_item *item)
{
    struct emit_ctx *e = ctx;
    size_t len = item->len > EVIDENCE_VALUE_MAX ? EVIDENCE_VALUE_MAX : item->len;
    memcpy(e->values[e->pending], item->value, len);
    e->adds[e->pending] =
        (struct evidence_addition){item->kind, e->values[e->pending], len, item->count};
    if (++e->pending == EMIT_BATCH)
        emit_flush(e);
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
    struct emit_ctx e;
    e.ec = ec;
    e.bin = bin_clock_start(ec->clock, start_s);
    e.remote = &flow->key.remote;
    e.pending = 0;
    evidence_parse(flow->key.proto, flow->service, side_of(flow, dir), data, len, emit, &e);
    emit_flush(&e);
}

static int collecting(uint8_t state)
{
    return state == STATE_COLLECTING || state == STATE_COLLECTING_LONG ||
           state == STATE_COLLECTING_RECORD;
}

static struct evidence_pool *pool_of(struct evidence_capture *ec, uint8_t state)
{
    if (state == STATE_COLLECTING_RECORD)
        return &ec->pools[EVIDENCE_POOL_RECORD];
    return &ec->pools[state == STATE_COLLECTING_LONG ? EVIDENCE_POOL_LONG : EVIDENCE_POOL_SHORT];
}

/*
 * Gives the side a buffer: from the pool that holds the bytes its parser
 * wants, else from the next shorter one that has a buffer left (a hello cut
 * there still gives its server name). Returns 0 when every pool is spent.
 */
static int take_side_buffer(struct evidence_capture *ec, struct flow *flow, enum direction dir,
                            size_t wanted)
{
    static const uint8_t states[EVIDENCE_POOLS] = {
        [EVIDENCE_POOL_SHORT] = STATE_COLLECTING,
        [EVIDENCE_POOL_LONG] = STATE_COLLECTING_LONG,
        [EVIDENCE_POOL_RECORD] = STATE_COLLECTING_RECORD,
    };
    size_t first = EVIDENCE_POOL_SHORT;
    if (wanted > EVIDENCE_LONG_SIDE_BYTES)
        first = EVIDENCE_POOL_RECORD;
    else if (wanted > EVIDENCE_SIDE_BYTES)
        first = EVIDENCE_POOL_LONG;
    for (size_t i = first + 1; i-- > 0;) {
        struct evidence_pool *pool = &ec->pools[i];
        /*
         * A long buffer is parsed once it holds what was announced; a short
         * one keeps what comes until it is full, as it always has.
         */
        size_t limit = pool->side_bytes;
        if (i != EVIDENCE_POOL_SHORT && wanted < limit)
            limit = wanted;
        uint32_t slot = take_buffer(pool, limit);
        if (slot) {
            flow->evidence_slot[dir] = slot;
            flow->evidence_state[dir] = states[i];
            return 1;
        }
    }
    return 0;
}

static void flush(struct evidence_capture *ec, struct flow *flow, enum direction dir)
{
    uint32_t slot = flow->evidence_slot[dir];
    if (slot) {
        struct evidence_pool *pool = pool_of(ec, flow->evidence_state[dir]);
        parse(ec, flow, dir, pool->bytes + (size_t)(slot - 1) * pool->side_bytes,
              pool->lengths[slot - 1]);
        pool->free_slots[pool->free_count++] = slot;
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
        size_t wanted = evidence_bytes_wanted(flow->key.proto, flow->service, payload, len);
        if (!take_side_buffer(ec, flow, dir, wanted)) {
            ec->skipped++;
            flow->evidence_state[dir] = STATE_DONE;
            return;
        }
    }
    struct evidence_pool *pool = pool_of(ec, flow->evidence_state[dir]);
    uint32_t slot = flow->evidence_slot[dir];
    uint16_t *have = &pool->lengths[slot - 1];
    size_t room = pool->limits[slot - 1] - *have;
    size_t take = len < room ? len : room;
    memcpy(pool->bytes + (size_t)(slot - 1) * pool->side_bytes + *have, payload, take);
    *have = (uint16_t)(*have + take);
    if (*have == pool->limits[slot - 1])
        flush(ec, flow, dir);
}

void evidence_capture_end(void *ctx, struct flow *flow)
{
    struct evidence_capture *ec = ctx;
    for (unsigned dir = 0; dir < 2; dir++)
        if (collecting(flow->evidence_state[dir]))
            flush(ec, flow, (enum direction)dir);
}
