/*
 * The flow table: a seeded open-addressing hash of conversations, with an LRU
 * list that drives idle timeouts and eviction.
 *
 * Keys are hashed under a random key per table (common/hash.h): an attacker
 * who writes the packets cannot aim them at one bucket, and a probe run that
 * grows past HASH_PROBE_LIMIT anyway switches the table to SipHash. Flows live in one array and are
 * referred to by index; the hash index uses linear probing with backward-shift deletion, so there
 * are no tombstones to degrade probing after many expiries.
 *
 * Non-first fragments carry no ports: they take those of their datagram's
 * first fragment. One that comes before its first (Linux often sends the
 * last fragment first) is held in a small window until the first arrives,
 * and handed back through flow_table_released() to be counted in its flow.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/hash.h"
#include "../common/prefetch.h"
#include "../common/xalloc.h"
#include "flow.h"

#define NONE UINT32_MAX

_Static_assert(sizeof(struct flow_key) % 8 == 0, "flow keys compare a word at a time");
#define FRAGMENT_SLOTS 4096
/*
 * The window of fragments held for their first: at most FRAGMENT_HOLD at
 * once, each for at most FRAGMENT_HOLD_S seconds of capture time (Linux's
 * default reassembly timeout, ipfrag_time: a first fragment later than that
 * would not complete the datagram at its receiver either).
 */
#define FRAGMENT_HOLD 1024
#define FRAGMENT_HOLD_S 30

struct fragment_slot {
    struct ip_addr src, dst;
    uint32_t id;
    uint8_t proto, used;
    uint16_t src_port, dst_port;
};

/*
 * A held non-first fragment: what counting it needs (time, direction, IP
 * length), never its payload, and what finds its first (addresses, protocol,
 * identification). An entry is free, held (on the arrival list and its
 * bucket's chain) or ready (on the ready list, ports decided).
 */
struct held_fragment {
    struct ip_addr src, dst;
    int64_t ts_ns;
    uint32_t id, ip_bytes;
    uint32_t older, newer; /* arrival list while held; newer links the ready list */
    uint32_t chain;        /* next in the bucket's chain, or in the free list */
    uint16_t bucket;       /* the fragment_slot index of its datagram */
    uint16_t src_port, dst_port;
    uint8_t proto, dir;
    uint8_t matched; /* ready with its first's ports; else counted as unmatched */
    uint32_t tag;    /* the table's tag when it was held */
};

struct flow_table {
    struct flow_config config;
    int64_t idle_ns[4]; /* by timeout class: tcp, udp, icmp, other */
    struct flow *flows;
    uint32_t flow_alloc, flow_used, free_head;
    /*
     * Slots: flow index + 1 (0 = empty) in the low half, the low half of the
     * flow's hash in the high half, so that probing and backward shifts find
     * a slot's home and reject a mismatch without touching the flow itself.
     */
    uint64_t *index;
    size_t index_mask;
    /*
     * One LRU list per timeout class: each list is ordered by last activity
     * and shares one timeout, so its head is always the first to expire.
     */
    uint32_t lru_head[4], lru_tail[4];
    size_t live;
    struct flow_stats stats;
    size_t longest_probe;         /* the longest probe run a lookup walked, for tests */
    struct hash_key hash_key;     /* flows; may switch to SipHash */
    struct hash_key fragment_key; /* fragment slots and chains: bounded, never switched */
    struct fragment_slot *fragments;
    /* The window of held fragments (see struct held_fragment). */
    struct held_fragment *held;
    uint32_t *held_bucket; /* chain head per fragment slot, NONE when empty */
    uint32_t held_free, held_oldest, held_newest, ready_head, ready_tail;
    size_t held_count;
    void (*on_end)(void *ctx, struct flow *flow, enum flow_end why);
    void *on_end_ctx;
    uint32_t tag; /* given to fragments held from now on */
};

void flow_table_on_end(struct flow_table *table,
                       void (*end)(void *ctx, struct flow *flow, enum flow_end why), void *ctx)
{
    table->on_end = end;
    table->on_end_ctx = ctx;
}

void flow_table_each(struct flow_table *t, void (*fn)(void *ctx, struct flow *flow), void *ctx)
{
    for (unsigned k = 0; k < 4; k++)
        for (uint32_t i = t->lru_head[k]; i != NONE; i = t->flows[i].lru_next)
            fn(ctx, &t->flows[i]);
}

void flow_table_set_tag(struct flow_table *table, uint32_t tag)
{
    table->tag = tag;
}

const char *initiator_name(enum initiator initiator)
{
    switch (initiator) {
    case INITIATOR_SENSOR:
        return "sensor";
    case INITIATOR_REMOTE:
        return "remote";
    case INITIATOR_BACKSCATTER:
    case INITIATOR_BACKSCATTER_RST:
        return "backscatter";
    default:
        return "unknown";
    }
}

void flow_config_default(struct flow_config *config)
{
    config->max_flows = FLOW_TABLE_DEFAULT_FLOWS;
    config->tcp_idle_s = 300;
    config->udp_idle_s = 120;
    config->icmp_idle_s = 60;
    config->other_idle_s = 120;
}

struct flow_table *flow_table_new(const struct flow_config *config)
{
    struct flow_table *t = xcalloc(1, sizeof(*t));
    t->config = *config;
    if (!t->config.max_flows)
        t->config.max_flows = FLOW_TABLE_DEFAULT_FLOWS;
    if (t->config.max_flows < 16)
        t->config.max_flows = 16;
    if (t->config.max_flows > UINT32_MAX / 4)
        t->config.max_flows = UINT32_MAX / 4;
    t->idle_ns[0] = (int64_t)config->tcp_idle_s * 1000000000;
    t->idle_ns[1] = (int64_t)config->udp_idle_s * 1000000000;
    t->idle_ns[2] = (int64_t)config->icmp_idle_s * 1000000000;
    t->idle_ns[3] = (int64_t)config->other_idle_s * 1000000000;
    t->flow_alloc = 1024;
    if (t->flow_alloc > t->config.max_flows)
        t->flow_alloc = (uint32_t)t->config.max_flows;
    t->flows = xcalloc(t->flow_alloc, sizeof(*t->flows));
    t->index_mask = 2047;
    while (t->index_mask + 1 < 2 * (size_t)t->flow_alloc)
        t->index_mask = t->index_mask * 2 + 1;
    t->index = xcalloc(t->index_mask + 1, sizeof(*t->index));
    t->free_head = NONE;
    for (unsigned k = 0; k < 4; k++)
        t->lru_head[k] = t->lru_tail[k] = NONE;
    hash_key_init(&t->hash_key);
    hash_key_init(&t->fragment_key);
    t->fragments = xcalloc(FRAGMENT_SLOTS, sizeof(*t->fragments));
    t->held = xcalloc(FRAGMENT_HOLD + 1, sizeof(*t->held));
    t->held_bucket = xcalloc(FRAGMENT_SLOTS, sizeof(*t->held_bucket));
    for (size_t b = 0; b < FRAGMENT_SLOTS; b++)
        t->held_bucket[b] = NONE;
    for (uint32_t i = 0; i <= FRAGMENT_HOLD; i++)
        t->held[i].chain = i < FRAGMENT_HOLD ? i + 1 : NONE;
    t->held_free = 0;
    t->held_oldest = t->held_newest = t->ready_head = t->ready_tail = NONE;
    return t;
}

/*
 * The flows' array holds at most max_flows; the index is the power of two
 * at or past twice the flows allocated, so less than four slots a flow.
 */
size_t flow_table_bytes_per_flow(void)
{
    return sizeof(struct flow) + 4 * sizeof(uint64_t);
}

void flow_table_free(struct flow_table *table)
{
    if (!table)
        return;
    free(table->flows);
    free(table->index);
    free(table->fragments);
    free(table->held);
    free(table->held_bucket);
    free(table);
}

const struct flow_stats *flow_table_stats(const struct flow_table *table)
{
    return &table->stats;
}

size_t flow_table_count(const struct flow_table *table)
{
    return table->live;
}

struct flow_table *flow_table_new_seeded(const struct flow_config *config, uint64_t seed)
{
    struct flow_table *t = flow_table_new(config);
    hash_key_init_fixed(&t->hash_key, seed);
    return t;
}

bool flow_table_hash_strong(const struct flow_table *table)
{
    return table->hash_key.strong;
}

size_t flow_table_longest_probe(const struct flow_table *table)
{
    return table->longest_probe;
}

static unsigned timeout_class(uint8_t proto)
{
    switch (proto) {
    case PROTO_TCP:
        return 0;
    case PROTO_UDP:
        return 1;
    case PROTO_ICMP:
    case PROTO_ICMPV6:
        return 2;
    default:
        return 3;
    }
}

static int64_t idle_limit(const struct flow_table *t, uint8_t proto)
{
    return t->idle_ns[timeout_class(proto)];
}

/*
 * Whether more than limit (>= 0) nanoseconds passed from then to now. Times
 * come from capture files, may step backwards and may sit at either end of
 * int64_t, so their difference is taken in unsigned arithmetic, where it
 * cannot overflow, and only when it is positive.
 */
static bool idle_longer(int64_t now, int64_t then, int64_t limit)
{
    return now > then && (uint64_t)now - (uint64_t)then > (uint64_t)limit;
}

/* ---- LRU list ------------------------------------------------------------ */

static void lru_unlink(struct flow_table *t, uint32_t i)
{
    struct flow *f = &t->flows[i];
    unsigned k = timeout_class(f->key.proto);
    if (f->lru_prev != NONE)
        t->flows[f->lru_prev].lru_next = f->lru_next;
    else
        t->lru_head[k] = f->lru_next;
    if (f->lru_next != NONE)
        t->flows[f->lru_next].lru_prev = f->lru_prev;
    else
        t->lru_tail[k] = f->lru_prev;
}

static void lru_append(struct flow_table *t, uint32_t i)
{
    struct flow *f = &t->flows[i];
    unsigned k = timeout_class(f->key.proto);
    f->lru_prev = t->lru_tail[k];
    f->lru_next = NONE;
    if (t->lru_tail[k] != NONE)
        t->flows[t->lru_tail[k]].lru_next = i;
    else
        t->lru_head[k] = i;
    t->lru_tail[k] = i;
}

/* The least recently active flow of all, or NONE. */
static uint32_t lru_oldest(const struct flow_table *t)
{
    uint32_t oldest = NONE;
    for (unsigned k = 0; k < 4; k++) {
        uint32_t i = t->lru_head[k];
        if (i != NONE && (oldest == NONE || t->flows[i].last_ns < t->flows[oldest].last_ns))
            oldest = i;
    }
    return oldest;
}

/* ---- hash index ------------------------------------------------------------ */

static uint64_t slot_value(uint32_t i, uint64_t hash)
{
    return hash << 32 | (uint64_t)(i + 1);
}

static uint32_t slot_flow(uint64_t slot)
{
    return (uint32_t)(slot & 0xffffffffu) - 1;
}

static size_t slot_home(uint64_t slot, size_t mask)
{
    return (size_t)(slot >> 32) & mask;
}

static void index_insert(struct flow_table *t, uint32_t i)
{
    size_t slot = t->flows[i].hash & t->index_mask;
    while (t->index[slot])
        slot = (slot + 1) & t->index_mask;
    t->index[slot] = slot_value(i, t->flows[i].hash);
}

static void index_remove(struct flow_table *t, uint32_t i)
{
    size_t mask = t->index_mask;
    size_t hole = t->flows[i].hash & mask;
    while (slot_flow(t->index[hole]) != i)
        hole = (hole + 1) & mask;
    /* Backward-shift: pull later members of the probe run into the hole. */
    for (size_t next = (hole + 1) & mask; t->index[next]; next = (next + 1) & mask) {
        size_t home = slot_home(t->index[next], mask);
        size_t dist_next = (next - home) & mask, dist_hole = (hole - home) & mask;
        if (dist_hole < dist_next) {
            t->index[hole] = t->index[next];
            hole = next;
        }
    }
    t->index[hole] = 0;
}

static void grow(struct flow_table *t)
{
    uint32_t alloc = t->flow_alloc * 2;
    if (alloc > t->config.max_flows)
        alloc = (uint32_t)t->config.max_flows;
    t->flows = xreallocarray(t->flows, alloc, sizeof(*t->flows));
    t->flow_alloc = alloc;
    size_t mask = t->index_mask;
    while (mask + 1 < 2 * (size_t)alloc)
        mask = mask * 2 + 1;
    if (mask != t->index_mask) {
        free(t->index);
        t->index_mask = mask;
        t->index = xcalloc(mask + 1, sizeof(*t->index));
        for (unsigned k = 0; k < 4; k++)
            for (uint32_t i = t->lru_head[k]; i != NONE; i = t->flows[i].lru_next)
                index_insert(t, i);
    }
}

static void remove_flow(struct flow_table *t, uint32_t i, enum flow_end why)
{
    if (t->on_end)
        t->on_end(t->on_end_ctx, &t->flows[i], why);
    index_remove(t, i);
    lru_unlink(t, i);
    t->flows[i].lru_next = t->free_head;
    t->free_head = i;
    t->live--;
}

static uint32_t take_slot(struct flow_table *t)
{
    if (t->free_head != NONE) {
        uint32_t i = t->free_head;
        t->free_head = t->flows[i].lru_next;
        return i;
    }
    if (t->flow_used == t->flow_alloc) {
        if (t->flow_alloc >= t->config.max_flows) {
            /* Full: end the least recently active flow early. */
            uint32_t victim = lru_oldest(t);
            remove_flow(t, victim, FLOW_END_EVICTED);
            t->stats.evicted++;
            t->free_head = t->flows[victim].lru_next;
            return victim;
        }
        grow(t);
    }
    return t->flow_used++;
}

static void expire_idle(struct flow_table *t, int64_t now)
{
    for (unsigned k = 0; k < 4; k++) {
        while (t->lru_head[k] != NONE &&
               idle_longer(now, t->flows[t->lru_head[k]].last_ns, t->idle_ns[k])) {
            remove_flow(t, t->lru_head[k], FLOW_END_EXPIRED);
            t->stats.expired++;
        }
    }
}

/* ---- who started it -------------------------------------------------------- */

enum icmp_role {
    ICMP_REQUEST,
    ICMP_REPLY,
    ICMP_ERROR,
};

/* RFC 792 / RFC 4443 (and RFC 4861 for neighbour discovery). */
static enum icmp_role icmp_role(uint8_t proto, uint8_t type, uint8_t *request_type)
{
    *request_type = type;
    if (proto == PROTO_ICMP) {
        switch (type) {
        case 0:
        case 14:
        case 16:
        case 18:
            *request_type = type == 0 ? 8 : (uint8_t)(type - 1);
            return ICMP_REPLY;
        case 3:
        case 4:
        case 5:
        case 11:
        case 12:
            return ICMP_ERROR;
        default:
            return ICMP_REQUEST;
        }
    }
    if (type == 129) {
        *request_type = 128;
        return ICMP_REPLY;
    }
    if (type >= 1 && type <= 4)
        return ICMP_ERROR;
    return ICMP_REQUEST;
}

static bool is_echo_family(uint8_t proto, uint8_t request_type)
{
    if (proto == PROTO_ICMP)
        return request_type == 8 || request_type == 13 || request_type == 15 || request_type == 17;
    return request_type == 128;
}

/* Fills the key from the packet; returns the sender's role for ICMP. */
static bool is_icmp(uint8_t proto)
{
    return proto == PROTO_ICMP || proto == PROTO_ICMPV6;
}

static void build_key(struct flow_key *key, const struct decoded_packet *p, enum direction dir,
                      bool has_header, uint16_t src_port, uint16_t dst_port, enum icmp_role *role)
{
    memset(key, 0, sizeof(*key));
    key->proto = p->proto;
    key->sensor = dir == DIR_OUT ? p->src : p->dst;
    key->remote = dir == DIR_OUT ? p->dst : p->src;
    *role = ICMP_REQUEST;
    if (is_icmp(p->proto) && has_header) {
        uint8_t request_type;
        *role = icmp_role(p->proto, (uint8_t)(dst_port >> 8), &request_type);
        uint8_t code = *role == ICMP_REPLY ? 0 : (uint8_t)(dst_port & 0xff);
        key->remote_port = (uint16_t)(request_type << 8 | code);
        key->sensor_port = is_echo_family(p->proto, request_type) ? src_port : 0;
        return;
    }
    key->sensor_port = dir == DIR_OUT ? src_port : dst_port;
    key->remote_port = dir == DIR_OUT ? dst_port : src_port;
}

uint16_t flow_icmp_service(uint8_t proto, uint8_t type, uint8_t code, bool *sender_started)
{
    uint8_t request_type;
    enum icmp_role role = icmp_role(proto, type, &request_type);
    *sender_started = role == ICMP_REQUEST;
    return (uint16_t)(request_type << 8 | (role == ICMP_REPLY ? 0 : code));
}

static void start_flow(struct flow *f, const struct decoded_packet *p, enum direction dir,
                       bool has_header, enum icmp_role role)
{
    enum initiator sender = dir == DIR_OUT ? INITIATOR_SENSOR : INITIATOR_REMOTE;
    enum initiator receiver = dir == DIR_OUT ? INITIATOR_REMOTE : INITIATOR_SENSOR;
    enum initiator who = sender;
    bool icmp = is_icmp(p->proto) && has_header;

    if (p->proto == PROTO_TCP && !p->is_fragment) {
        uint8_t syn_ack = p->tcp_flags & (TCP_SYN | TCP_ACK);
        if (syn_ack == TCP_SYN)
            who = sender;
        else if (syn_ack == (TCP_SYN | TCP_ACK))
            who = receiver;
        else
            who = INITIATOR_UNKNOWN;
    } else if (icmp && role != ICMP_REQUEST) {
        who = receiver;
    }
    f->initiator = (uint8_t)who;
    f->closed = 0;
    f->fin_seen = 0;
    if (icmp)
        f->service = f->key.remote_port;
    else if (who == INITIATOR_SENSOR)
        f->service = f->key.remote_port;
    else if (who == INITIATOR_REMOTE)
        f->service = f->key.sensor_port;
    else
        f->service =
            f->key.sensor_port < f->key.remote_port ? f->key.sensor_port : f->key.remote_port;
    f->cube_bin = INT64_MIN;
    f->cube_row = 0;
    f->evidence_slot[0] = f->evidence_slot[1] = 0;
    f->evidence_state[0] = f->evidence_state[1] = 0;
    f->handshake = 0;
    f->backscatter = 0;
    f->sensor_sent = 0;
    f->held = 0;
}

/* ---- fragments ------------------------------------------------------------- */

/* The fragment slot of p's datagram (addresses, protocol, identification). */
static uint16_t fragment_bucket(const struct flow_table *t, const struct decoded_packet *p)
{
    struct {
        struct ip_addr src, dst;
        uint32_t id;
        uint32_t proto;
    } k;
    memset(&k, 0, sizeof(k));
    k.src = p->src;
    k.dst = p->dst;
    k.id = p->frag_id;
    k.proto = p->proto;
    return (uint16_t)(hash_bytes(&t->fragment_key, &k, sizeof(k)) % FRAGMENT_SLOTS);
}

/* Remembers a first fragment's ports for the rest of its datagram. */
static void remember_first(struct flow_table *t, const struct decoded_packet *p, uint16_t bucket)
{
    struct fragment_slot *s = &t->fragments[bucket];
    s->src = p->src;
    s->dst = p->dst;
    s->id = p->frag_id;
    s->proto = p->proto;
    s->used = 1;
    s->src_port = p->src_port;
    s->dst_port = p->dst_port;
}

/* The first fragment seen of p's datagram, or NULL. */
static const struct fragment_slot *first_of(const struct flow_table *t,
                                            const struct decoded_packet *p, uint16_t bucket)
{
    const struct fragment_slot *s = &t->fragments[bucket];
    if (s->used && s->id == p->frag_id && s->proto == p->proto && addr_equal(&s->src, &p->src) &&
        addr_equal(&s->dst, &p->dst))
        return s;
    return NULL;
}

/* Takes held fragment i off the arrival list and its bucket's chain. */
static void unhold(struct flow_table *t, uint32_t i)
{
    struct held_fragment *h = &t->held[i];
    if (h->older != NONE)
        t->held[h->older].newer = h->newer;
    else
        t->held_oldest = h->newer;
    if (h->newer != NONE)
        t->held[h->newer].older = h->older;
    else
        t->held_newest = h->older;
    uint32_t *link = &t->held_bucket[h->bucket];
    while (*link != i)
        link = &t->held[*link].chain;
    *link = h->chain;
    t->held_count--;
}

/* Moves held fragment i to the ready list: with its first's ports, or unmatched. */
static void make_ready(struct flow_table *t, uint32_t i, const struct fragment_slot *first)
{
    unhold(t, i);
    struct held_fragment *h = &t->held[i];
    h->matched = first != NULL;
    h->src_port = first ? first->src_port : 0;
    h->dst_port = first ? first->dst_port : 0;
    h->newer = NONE;
    if (t->ready_tail != NONE)
        t->held[t->ready_tail].newer = i;
    else
        t->ready_head = i;
    t->ready_tail = i;
}

/* Readies the held fragments that waited longer than the window allows. */
static void age_out_held(struct flow_table *t, int64_t now)
{
    while (t->held_oldest != NONE &&
           idle_longer(now, t->held[t->held_oldest].ts_ns, (int64_t)FRAGMENT_HOLD_S * 1000000000))
        make_ready(t, t->held_oldest, NULL);
}

/*
 * Holds non-first fragment p until its first arrives. When the window is
 * full the oldest held fragment is readied as unmatched to make room: it
 * keeps its entry until handed back, so the pool has one entry more than
 * the window. Returns false, holding nothing, when the pool is spent because
 * the caller has not drained the ready list: p is then unmatched at once.
 */
static bool hold(struct flow_table *t, const struct decoded_packet *p, enum direction dir,
                 int64_t ts_ns, uint16_t bucket)
{
    if (t->held_count == FRAGMENT_HOLD)
        make_ready(t, t->held_oldest, NULL);
    uint32_t i = t->held_free;
    if (i == NONE)
        return false;
    struct held_fragment *h = &t->held[i];
    t->held_free = h->chain;
    h->src = p->src;
    h->dst = p->dst;
    h->ts_ns = ts_ns;
    h->id = p->frag_id;
    h->ip_bytes = p->ip_bytes;
    h->proto = p->proto;
    h->dir = (uint8_t)dir;
    h->tag = t->tag;
    h->bucket = bucket;
    h->chain = t->held_bucket[bucket];
    t->held_bucket[bucket] = i;
    h->older = t->held_newest;
    h->newer = NONE;
    if (t->held_newest != NONE)
        t->held[t->held_newest].newer = i;
    else
        t->held_oldest = i;
    t->held_newest = i;
    t->held_count++;
    return true;
}

/* Readies the held fragments of the datagram whose first fragment is first. */
static void release_held_of(struct flow_table *t, const struct fragment_slot *first,
                            uint16_t bucket)
{
    uint32_t i = t->held_bucket[bucket];
    while (i != NONE) {
        const struct held_fragment *h = &t->held[i];
        uint32_t next = h->chain;
        if (h->id == first->id && h->proto == first->proto && addr_equal(&h->src, &first->src) &&
            addr_equal(&h->dst, &first->dst))
            make_ready(t, i, first);
        i = next;
    }
}

void flow_table_release_held(struct flow_table *t)
{
    while (t->held_oldest != NONE)
        make_ready(t, t->held_oldest, NULL);
}

/* ---- the per-packet entry point -------------------------------------------- */

/* Keys were built to collide: SipHash under a fresh key from now on. */
/*
 * The hash of a flow key. Both ends IPv4 (most flows) hash their 13 bytes
 * that can differ, packed: sensor, remote, sensor port, remote port,
 * protocol; other keys hash whole.
 */
static uint64_t key_hash(const struct hash_key *hash_key, const struct flow_key *key)
{
    if (addr_is_v4(&key->sensor) && addr_is_v4(&key->remote)) {
        unsigned char packed[13];
        memcpy(packed, key->sensor.b + 12, 4);
        memcpy(packed + 4, key->remote.b + 12, 4);
        memcpy(packed + 8, &key->sensor_port, 2);
        memcpy(packed + 10, &key->remote_port, 2);
        packed[12] = key->proto;
        return hash_bytes(hash_key, packed, sizeof(packed));
    }
    return hash_bytes(hash_key, key, sizeof(*key));
}

static void strengthen(struct flow_table *t)
{
    hash_key_strengthen(&t->hash_key);
    memset(t->index, 0, (t->index_mask + 1) * sizeof(*t->index));
    for (unsigned k = 0; k < 4; k++)
        for (uint32_t i = t->lru_head[k]; i != NONE; i = t->flows[i].lru_next) {
            t->flows[i].hash = key_hash(&t->hash_key, &t->flows[i].key);
            index_insert(t, i);
        }
}

/* The flow of key, or NONE; *hash is key's (after a switch to SipHash, the new one). */
static uint32_t find(struct flow_table *t, const struct flow_key *key, uint64_t *hash)
{
    size_t probes = 0;
    uint32_t found = NONE;
    *hash = key_hash(&t->hash_key, key);
    uint32_t tag = (uint32_t)*hash;
    for (size_t slot = *hash & t->index_mask; t->index[slot]; slot = (slot + 1) & t->index_mask) {
        uint32_t i = slot_flow(t->index[slot]);
        if ((uint32_t)(t->index[slot] >> 32) == tag && t->flows[i].hash == *hash &&
            key_words_equal(&t->flows[i].key, key, sizeof(*key))) {
            found = i;
            break;
        }
        if (HASH_PROBE_RUN_TOO_LONG(++probes, &t->hash_key)) {
            strengthen(t);
            return find(t, key, hash);
        }
    }
    if (probes > t->longest_probe)
        t->longest_probe = probes;
    return found;
}

/* ---- backscatter (docs/semantics.md) ---------------------------------------- */

/*
 * Whether the ICMP error p answers something the sensor sent: its quote
 * cannot be read, quotes another sender than the sensor, or quotes a
 * conversation in which the sensor sent a packet. Only a quote of a packet
 * sent to the error's own sender is looked up: a router's error about
 * another address (time exceeded on a traceroute) concerns a conversation
 * that another thread may hold, so it is taken as an answer, whatever the
 * number of threads.
 */
static bool error_answers_sensor(struct flow_table *t, const struct decoded_packet *p)
{
    if (!p->quoted || !addr_equal(&p->quoted_src, &p->dst))
        return true;
    if (!addr_equal(&p->quoted_dst, &p->src))
        return true;
    struct decoded_packet sent;
    memset(&sent, 0, sizeof(sent));
    sent.src = p->quoted_src;
    sent.dst = p->quoted_dst;
    sent.proto = p->quoted_proto;
    struct flow_key key;
    enum icmp_role role;
    build_key(&key, &sent, DIR_OUT, true, p->quoted_src_port, p->quoted_dst_port, &role);
    uint64_t hash;
    uint32_t i = find(t, &key, &hash);
    return i != NONE && t->flows[i].sensor_sent;
}

/*
 * The initiator a flow starting with p takes if it ends as backscatter, or
 * 0: an inbound SYN-ACK, RST, ICMP reply, or ICMP error quoting a packet
 * the sensor never sent.
 */
static enum initiator backscatter_candidate(struct flow_table *t, const struct decoded_packet *p,
                                            enum direction dir, bool has_header,
                                            enum icmp_role role)
{
    if (dir != DIR_IN || !has_header || p->is_fragment)
        return 0;
    if (p->proto == PROTO_TCP) {
        uint8_t flags = p->tcp_flags & (TCP_SYN | TCP_ACK | TCP_RST);
        if (flags == (TCP_SYN | TCP_ACK))
            return INITIATOR_BACKSCATTER;
        /*
         * A closed port's answer to a SYN: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
         * (RFC 9293 section 3.10.7.1). A RST with a sequence number ends a
         * conversation, maybe one begun before the capture.
         */
        return flags == (TCP_RST | TCP_ACK) && p->tcp_seq == 0 ? INITIATOR_BACKSCATTER_RST : 0;
    }
    if (!is_icmp(p->proto) || role == ICMP_REQUEST)
        return 0;
    if (role == ICMP_ERROR && error_answers_sensor(t, p))
        return 0;
    return INITIATOR_BACKSCATTER;
}

/*
 * Whether p, in a flow that may be backscatter, shows it is not: the sensor
 * sent it (but a RST: a host's stack answers a SYN-ACK it did not ask for
 * with one, RFC 9293 section 3.10.7.1), the remote sent TCP that is no
 * SYN-ACK or RST, or data (a capture that holds one direction only), or it
 * is an error answering the sensor.
 */
static bool answers_backscatter(struct flow_table *t, const struct decoded_packet *p,
                                enum direction dir, bool has_header, enum icmp_role role)
{
    if (dir == DIR_OUT)
        return p->proto != PROTO_TCP || p->is_fragment || !(p->tcp_flags & TCP_RST);
    /* A victim repeats its SYN-ACK or resets; anything else is a conversation going on. */
    if (p->proto == PROTO_TCP)
        return p->is_fragment || p->payload_len ||
               !(p->tcp_flags & TCP_RST ||
                 (p->tcp_flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK));
    return has_header && is_icmp(p->proto) && role == ICMP_ERROR && error_answers_sensor(t, p);
}

/* Whether this packet ends the flow it matched and begins another. */
static bool starts_over(const struct flow_table *t, const struct flow *f,
                        const struct decoded_packet *p, int64_t ts_ns)
{
    if (idle_longer(ts_ns, f->last_ns, idle_limit(t, f->key.proto)))
        return true;
    return f->closed && p->proto == PROTO_TCP && !p->is_fragment &&
           (p->tcp_flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
}

/*
 * Finds or starts the flow of p, whose ports (its own, or its first
 * fragment's) are given: has_header is false for a fragment counted without
 * its first. A flow is idle from its latest packet: one stamped earlier (a
 * held fragment, a clock stepping back, captures merged out of order) joins
 * it without moving its last activity back.
 */
static struct flow *lookup(struct flow_table *t, const struct decoded_packet *p, enum direction dir,
                           int64_t ts_ns, bool has_header, uint16_t src_port, uint16_t dst_port,
                           bool *started)
{
    struct flow_key key;
    enum icmp_role role;

    build_key(&key, p, dir, has_header, src_port, dst_port, &role);
    uint64_t hash;
    uint32_t i = find(t, &key, &hash);

    if (i != NONE && starts_over(t, &t->flows[i], p, ts_ns)) {
        bool idle = idle_longer(ts_ns, t->flows[i].last_ns, idle_limit(t, key.proto));
        t->stats.expired += idle;
        remove_flow(t, i, idle ? FLOW_END_EXPIRED : FLOW_END_REPLACED);
        i = NONE;
    }
    *started = i == NONE;
    if (i == NONE) {
        expire_idle(t, ts_ns);
        i = take_slot(t);
        struct flow *f = &t->flows[i];
        f->key = key;
        f->hash = hash;
        f->first_ns = ts_ns;
        f->last_ns = ts_ns;
        start_flow(f, p, dir, has_header, role);
        index_insert(t, i);
        t->live++;
        t->stats.flows++;
        /*
         * Under a flood every packet ends the oldest flow, whose struct and
         * index slot were last touched long ago. Each class's oldest now
         * has its slot asked for, and the flow after it its struct, so the
         * next new flows find both near.
         */
        for (unsigned k = 0; k < 4; k++) {
            if (t->lru_head[k] == NONE)
                continue;
            const struct flow *oldest = &t->flows[t->lru_head[k]];
            memory_prefetch(&t->index[oldest->hash & t->index_mask]);
            if (oldest->lru_next != NONE) {
                memory_prefetch(&t->flows[oldest->lru_next]);
                memory_prefetch((const char *)&t->flows[oldest->lru_next] + 64);
            }
        }
    } else {
        lru_unlink(t, i);
    }
    struct flow *f = &t->flows[i];
    if (ts_ns > f->last_ns)
        f->last_ns = ts_ns;
    lru_append(t, i);
    /* After the flow is indexed: the quote's lookup may rehash the table. */
    if (*started)
        f->backscatter = (uint8_t)backscatter_candidate(t, p, dir, has_header, role);
    else if (f->backscatter && answers_backscatter(t, p, dir, has_header, role))
        f->backscatter = 0;
    f->sensor_sent |= dir == DIR_OUT;

    if (p->proto == PROTO_TCP && !p->is_fragment) {
        if (p->tcp_flags & TCP_RST)
            f->closed = 1;
        if (p->tcp_flags & TCP_FIN) {
            f->fin_seen |= (uint8_t)(1u << dir);
            if (f->fin_seen == 3)
                f->closed = 1;
        }
    }
    return f;
}

struct flow *flow_table_update(struct flow_table *t, const struct decoded_packet *p,
                               enum direction dir, int64_t ts_ns, bool *started)
{
    age_out_held(t, ts_ns);
    if (p->first_fragment) {
        uint16_t bucket = fragment_bucket(t, p);
        remember_first(t, p, bucket);
        struct flow *f = lookup(t, p, dir, ts_ns, true, p->src_port, p->dst_port, started);
        /* Only lists change here: f stays valid for the caller. */
        if (t->held_bucket[bucket] != NONE)
            release_held_of(t, &t->fragments[bucket], bucket);
        return f;
    }
    if (p->is_fragment) {
        uint16_t bucket = fragment_bucket(t, p);
        const struct fragment_slot *first = first_of(t, p, bucket);
        if (first)
            return lookup(t, p, dir, ts_ns, true, first->src_port, first->dst_port, started);
        if (hold(t, p, dir, ts_ns, bucket)) {
            *started = false;
            return NULL;
        }
        /*
         * Without its first it has no transport header at all: its zero
         * ports must not be read as ICMP type 0.
         */
        t->stats.fragments_unmatched++;
        return lookup(t, p, dir, ts_ns, false, 0, 0, started);
    }
    return lookup(t, p, dir, ts_ns, true, p->src_port, p->dst_port, started);
}

struct flow *flow_table_released(struct flow_table *t, struct flow_fragment *fragment,
                                 bool *started)
{
    uint32_t i = t->ready_head;
    if (i == NONE)
        return NULL;
    struct held_fragment *h = &t->held[i];
    t->ready_head = h->newer;
    if (t->ready_head == NONE)
        t->ready_tail = NONE;
    struct decoded_packet p;
    memset(&p, 0, sizeof(p));
    p.src = h->src;
    p.dst = h->dst;
    p.proto = h->proto;
    p.is_fragment = 1;
    p.frag_id = h->id;
    p.ip_bytes = h->ip_bytes;
    fragment->ts_ns = h->ts_ns;
    fragment->ip_bytes = h->ip_bytes;
    fragment->dir = h->dir;
    fragment->tag = h->tag;
    bool matched = h->matched;
    uint16_t src_port = h->src_port, dst_port = h->dst_port;
    h->chain = t->held_free;
    t->held_free = i;
    if (!matched)
        t->stats.fragments_unmatched++;
    return lookup(t, &p, (enum direction)fragment->dir, fragment->ts_ns, matched, src_port,
                  dst_port, started);
}

size_t flow_table_held(const struct flow_table *table)
{
    return table->held_count;
}

static void end_every_flow(struct flow_table *t, enum flow_end why)
{
    for (unsigned k = 0; k < 4; k++)
        while (t->lru_head[k] != NONE)
            remove_flow(t, t->lru_head[k], why);
}

void flow_table_end_input(struct flow_table *t)
{
    t->stats.expired += t->live;
    end_every_flow(t, FLOW_END_INPUT);
}

void flow_table_end_all(struct flow_table *t)
{
    end_every_flow(t, FLOW_END_DROPPED);
}
