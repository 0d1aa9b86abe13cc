/*
 * flow: who is the sensor, and which conversation a packet belongs to.
 *
 * A flow is keyed by (sensor address, remote address, protocol, sensor port,
 * remote port), so both directions of a conversation land in one entry. The
 * first packets decide the initiator (the side that started it) and the
 * service (the responder's port, or the ICMP request type and code). The
 * table is a seeded hash (a crafted capture cannot aim collisions at it) with
 * an LRU list for idle timeouts and for eviction when it is full: memory is
 * bounded by max_flows, never by the capture.
 */
#ifndef HONEYSCOPE_FLOW_H
#define HONEYSCOPE_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/addr.h"
#include "../decode/decode.h"

enum direction {
    DIR_IN = 0,  /* received by the sensor */
    DIR_OUT = 1, /* sent by the sensor */
};

enum initiator {
    INITIATOR_UNKNOWN = 0, /* started before the capture, or cannot tell */
    INITIATOR_SENSOR = 1,  /* the sensor's own traffic */
    INITIATOR_REMOTE = 2,  /* unsolicited: scans, attacks */
    /*
     * Backscatter (docs/semantics.md): neither side started it; a third
     * party forged the sensor's address, and the remote, its victim,
     * answered. The victim's first answer names the kind: a SYN-ACK (or,
     * for ICMP, the reply or error the service names), or a RST.
     */
    INITIATOR_BACKSCATTER = 3,
    INITIATOR_BACKSCATTER_RST = 4,
};

#define INITIATOR_COUNT 5

/* Whether a flow of initiator is backscatter. */
static inline bool initiator_is_backscatter(unsigned initiator)
{
    return initiator == INITIATOR_BACKSCATTER || initiator == INITIATOR_BACKSCATTER_RST;
}

const char *initiator_name(enum initiator initiator);

/*
 * The service of an ICMP or ICMPv6 message of type and code as a flow keeps
 * it (type << 8 | code; for a reply its request's type, code 0), and whether
 * its sender started the conversation (a request) rather than answered one
 * (a reply or an error): for flows known from records, not packets.
 */
uint16_t flow_icmp_service(uint8_t proto, uint8_t type, uint8_t code, bool *sender_started);

/* ---- sensor addresses ---------------------------------------------------- */

struct sensor_set {
    struct ip_prefix *prefixes;
    size_t count, alloc;
};

void sensor_set_init(struct sensor_set *set);
void sensor_set_release(struct sensor_set *set);
void sensor_set_add(struct sensor_set *set, const struct ip_prefix *prefix);
bool sensor_set_contains(const struct sensor_set *set, const struct ip_addr *addr);
/* Whether a and b hold the same prefixes, in any order. */
bool sensor_set_equal(const struct sensor_set *a, const struct sensor_set *b);

/*
 * Sensor detection: feed the addresses of a sample of packets, then ask for
 * the set. The sensor of a honeypot or telescope is the address present in
 * (nearly) every packet; detection picks addresses greedily by the packets
 * they cover until 99 % are covered, and explains its choice in why. The
 * answer does not depend on the order of the packets or of the files
 * (docs/semantics.md).
 */
struct sensor_detector;
struct sensor_detector *sensor_detector_new(void);
void sensor_detector_free(struct sensor_detector *detector);
/* Whether addr may be a sensor's: not multicast, broadcast, unspecified or link-local. */
bool sensor_address_possible(const struct ip_addr *addr);
/* The packets fed from now on are another file's; its first one is a tie vote. */
void sensor_detector_next_file(struct sensor_detector *detector);
/* A packet's addresses; one sent to a multicast or broadcast address is left out. */
void sensor_detector_feed(struct sensor_detector *detector, const struct ip_addr *src,
                          const struct ip_addr *dst);
uint64_t sensor_detector_packets(const struct sensor_detector *detector);
/* Fills set; writes a one-line explanation into why. Returns addresses found. */
size_t sensor_detector_finish(struct sensor_detector *detector, struct sensor_set *set, char *why,
                              size_t whylen);

/* ---- flow table ------------------------------------------------------------ */

struct flow_key {
    struct ip_addr sensor, remote;
    uint16_t sensor_port, remote_port; /* ICMP: echo id, type << 8 | code */
    uint8_t proto;
    uint8_t zero[3]; /* keeps the key free of padding for hashing */
};

/* Fields ordered largest first: a flow is 120 bytes, and there may be millions. */
struct flow {
    struct flow_key key;
    int64_t first_ns, last_ns;
    /*
     * Owned by the aggregate stage: the cube row of the flow's current bin,
     * valid while the cube's generation is cube_gen (a spill empties it);
     * or, while held is set, the flow's counts held until the flow stage
     * tells whose it is (all in the bin of first_ns).
     */
    union {
        struct {
            int64_t cube_bin;
            uint32_t cube_row, cube_gen;
        };
        struct {
            uint32_t held_bytes_in, held_bytes_out;
            uint16_t held_packets_in, held_packets_out;
        };
    };
    /* Owned by the aggregate stage: first payload bytes kept per direction. */
    uint32_t evidence_slot[2];
    /* Owned by the aggregate stage: the file the flow started in (a store). */
    uint32_t file;
    /*
     * Set by the flow stage when the flow began as backscatter may (an
     * inbound SYN-ACK, RST, ICMP reply or error that answers nothing the
     * sensor sent): the initiator it takes if it ends so; cleared, for
     * good, when the sensor continues it or an error answers the sensor.
     */
    uint8_t backscatter;
    uint8_t sensor_sent; /* the sensor sent a packet in it */
    uint8_t held;        /* owned by the aggregate stage: see the union above */
    /* Table internals. */
    uint64_t hash;
    uint32_t lru_prev, lru_next;
    uint16_t service;  /* responder's port; ICMP: type << 8 | code */
    uint8_t initiator; /* enum initiator */
    uint8_t closed;    /* TCP: RST seen, or FIN from both sides */
    uint8_t fin_seen;  /* bit DIR_IN / DIR_OUT */
    uint8_t evidence_state[2];
    /* Owned by the aggregate stage: how far a TCP handshake the remote opened went. */
    uint8_t handshake;
};

/* Flows a table holds at most when its config says 0 and nothing planned it from a budget. */
#define FLOW_TABLE_DEFAULT_FLOWS 1000000

struct flow_config {
    size_t max_flows; /* 0: FLOW_TABLE_DEFAULT_FLOWS */
    uint32_t tcp_idle_s, udp_idle_s, icmp_idle_s, other_idle_s;
};

/* Timeouts and size used when the user gives none (see docs). */
void flow_config_default(struct flow_config *config);

struct flow_stats {
    uint64_t flows;   /* flows started */
    uint64_t expired; /* ended by idle timeout */
    uint64_t evicted; /* ended early because the table was full */
    /*
     * Non-first fragments counted without their first's ports: the first was
     * not seen in the file, came more than 30 s after them, or came when the
     * window of fragments held for their first had had to let them go.
     */
    uint64_t fragments_unmatched;
};

struct flow_table;
struct flow_table *flow_table_new(const struct flow_config *config);
/* The most memory one flow of max_flows takes in a table, its index slots included. */
size_t flow_table_bytes_per_flow(void);
void flow_table_free(struct flow_table *table);

/*
 * Finds or starts the flow of packet, which travelled in direction dir at
 * ts_ns. *started is set when this packet began a new flow. The returned
 * pointer is valid until the next call.
 *
 * Returns NULL for a non-first fragment whose first has not been seen yet:
 * the table holds what counting it needs (not its payload) until its first
 * arrives, it waited 30 s, the window is full or the file ends, and then
 * hands it back through flow_table_released(). After every call, drain
 * flow_table_released() before the next update.
 */
struct flow *flow_table_update(struct flow_table *table, const struct decoded_packet *packet,
                               enum direction dir, int64_t ts_ns, bool *started);

/* A held fragment handed back: count it at its own time, direction and length. */
struct flow_fragment {
    int64_t ts_ns;
    uint32_t ip_bytes;
    uint32_t tag; /* the table's tag when it was held (flow_table_set_tag()) */
    uint8_t dir;  /* enum direction */
};

/*
 * The next held fragment ready to be counted, or NULL when there is none:
 * fills *fragment and returns its flow, that of its first fragment (the
 * ports of the first) or, when it is counted as unmatched, a flow with ports
 * 0. *started is set when it began that flow. The returned pointer is valid
 * until the next call.
 */
struct flow *flow_table_released(struct flow_table *table, struct flow_fragment *fragment,
                                 bool *started);
/* Readies every held fragment as unmatched (the end of a file); drain them next. */
void flow_table_release_held(struct flow_table *table);
/* Fragments held for their first right now. */
size_t flow_table_held(const struct flow_table *table);

const struct flow_stats *flow_table_stats(const struct flow_table *table);

/* Why a flow left the table. */
enum flow_end {
    FLOW_END_EXPIRED,  /* idle past its timeout (counted as expired) */
    FLOW_END_EVICTED,  /* the table was full (counted as evicted) */
    FLOW_END_REPLACED, /* a new conversation on the same ports, before the timeout */
    FLOW_END_INPUT,    /* the end of the input (counted as expired) */
    FLOW_END_DROPPED,  /* flow_table_end_all() */
};

/* Calls end(ctx, flow, why) for each flow as it leaves the table. */
void flow_table_on_end(struct flow_table *table,
                       void (*end)(void *ctx, struct flow *flow, enum flow_end why), void *ctx);
/* Calls fn(ctx, flow) for every flow in the table; fn must not end flows. */
void flow_table_each(struct flow_table *table, void (*fn)(void *ctx, struct flow *flow), void *ctx);
/*
 * Tags the fragments held from now on with tag (0 at first), handed back
 * in struct flow_fragment: a caller reading several files tells by it which
 * file a fragment came from.
 */
void flow_table_set_tag(struct flow_table *table, uint32_t tag);
/*
 * Ends every flow still in the table (at the end of a file, after
 * flow_table_release_held() and draining flow_table_released()).
 */
void flow_table_end_all(struct flow_table *table);
/*
 * As flow_table_end_all() at the end of the input: the flows still open
 * count as expired, as they would have had no packet of theirs come later.
 * So "expired" does not depend on where the input was cut into files, runs
 * or threads (only a conversation that crosses a cut is seen twice).
 */
void flow_table_end_input(struct flow_table *table);
size_t flow_table_count(const struct flow_table *table);
/* A table hashing under a known key, for tests that build colliding keys. */
struct flow_table *flow_table_new_seeded(const struct flow_config *config, uint64_t seed);
/* Whether the table switched to SipHash (a probe run passed HASH_PROBE_LIMIT). */
bool flow_table_hash_strong(const struct flow_table *table);
/* The longest probe run a lookup has walked, for tests. */
size_t flow_table_longest_probe(const struct flow_table *table);

#endif
