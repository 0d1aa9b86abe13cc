/*
 * Private to the flowlog stage: what the file reader asks of the conn.log
 * parser to recognise a log from its first lines, and what the export
 * decoders share: netflow.c (NetFlow v5 and v9, sequence numbers, records)
 * and ipfix.c (IPFIX through libfixbuf).
 */
#ifndef HONEYSCOPE_FLOWLOG_INT_H
#define HONEYSCOPE_FLOWLOG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flowlog.h"

/* Whether len bytes are well-formed UTF-8 without NUL (RFC 3629). */
bool flowlog_utf8_valid(const char *text, size_t len);
/* Whether the TSV header read so far names every field a record needs. */
bool zeek_state_complete(const struct zeek_state *state);
/* Whether a line is a JSON object with every key a record needs. */
bool zeek_json_is_conn(const char *line, size_t len);

/* ---- export datagrams ---------------------------------------------------------------- */

/* The latest time taken, in milliseconds (2200-01-01, as for logs): in nanoseconds it fits. */
#define NETFLOW_TIME_MAX_MS INT64_C(7258118400000)

/* What the fields of one data record said, whichever decoder read it. */
struct export_fields {
    bool v4_src, v4_dst, v6_src, v6_dst;
    uint8_t src4[4], dst4[4], src6[16], dst6[16];
    uint64_t src_port, dst_port, proto, tcp_flags, octets, packets;
    uint64_t reverse_octets, reverse_packets, reverse_tcp_flags; /* RFC 5103 biflows */
    bool has_reverse, has_reverse_flags;
    bool has_flags, has_icmp, has_icmp_type;
    uint64_t icmp_type_code, icmp_type, icmp_code;
    int64_t start_ns, end_ns; /* absolute */
    bool has_start, has_end;
    uint64_t start_uptime, end_uptime; /* relative to the exporter's uptime (ms) */
    bool has_start_uptime, has_end_uptime;
    uint64_t sampling;
    uint64_t system_init_ms;
    bool has_system_init;
};

/* Context of the datagram a record is in: its times, for relative ones. */
struct export_time {
    int64_t export_ms; /* the header's time */
    int64_t uptime_ms; /* v9: the exporter's uptime at export; -1 unknown */
    int64_t init_ms;   /* IPFIX: the exporter's start, 0 unknown */
};

/* NTP time (RFC 5905 era 0) in nanoseconds since 1970. */
int64_t netflow_ntp_ns(uint64_t ntp);

/*
 * One data record's fields: an options record gives the sampling and the
 * exporter's start (*system_init_ms), a flow record becomes one record for
 * emit, two for a biflow; what cannot be counted is counted in stats.
 */
void netflow_take_fields(struct netflow_stats *stats, int64_t *system_init_ms, bool options,
                         const struct export_fields *f, const struct export_time *when,
                         netflow_emit emit, void *ctx);

/* ---- IPFIX through libfixbuf (ipfix.c) -------------------------------------------------- */

/* What every IPFIX session shares: libfixbuf's information model. */
struct ipfix_model;
struct ipfix_model *ipfix_model_new(void);
void ipfix_model_free(struct ipfix_model *model);

/* One exporter's observation domain: its templates, kept by libfixbuf. */
struct ipfix_session;
struct ipfix_session *ipfix_session_new(struct ipfix_model *model);
/* Frees the session and every template it keeps; NULL is a no-op. */
void ipfix_session_free(struct ipfix_session *session);

/* The IPFIX message header (RFC 7011 3.1), read and checked by the caller. */
struct ipfix_header {
    uint32_t export_time, sequence, domain;
};

/*
 * Decodes the sets of one IPFIX message (len bytes after its header) in
 * session, calling emit for each flow record; *system_init_ms carries the
 * domain's systemInitTimeMilliseconds from its options records. At most
 * NETFLOW_TEMPLATES_MAX templates are kept in a session. Returns the data
 * records read (flow and options), for the sequence numbers.
 */
uint32_t ipfix_decode_sets(struct ipfix_session *session, const struct ipfix_header *header,
                           const uint8_t *sets, size_t len, struct netflow_stats *stats,
                           int64_t *system_init_ms, netflow_emit emit, void *ctx);

#endif
