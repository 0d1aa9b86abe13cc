/*
 * flowlog: flow records from sensors that keep no packets.
 *
 * A Zeek conn.log (its TSV form with the #fields header, or JSON lines;
 * plain or gzip) is recognised from its content, as a capture is, and read
 * line by line into flow records: who originated, the responder's port,
 * packets and IP bytes each way, when it started and ended, and who sent the
 * first packet as far as Zeek's history and conn_state tell (docs/flows.md).
 * A line that is no valid record is counted by why and skipped; nothing in
 * a log is trusted. Records enter the pipeline at the flow stage: the
 * aggregate stage counts them into the same cube as packets.
 */
#ifndef HONEYSCOPE_FLOWLOG_H
#define HONEYSCOPE_FLOWLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/addr.h"

/* Who sent a flow's first packet, as the log tells. */
enum flow_opener {
    FLOW_OPENED_BY_UNKNOWN = 0, /* a capture would not have known either (no SYN seen) */
    FLOW_OPENED_BY_ORIG = 1,
    FLOW_OPENED_BY_RESP = 2,
};

struct flow_record {
    int64_t start_ns, end_ns; /* nanoseconds since 1970-01-01 UTC; end_ns >= start_ns */
    struct ip_addr orig, resp;
    uint16_t orig_port, resp_port;     /* ICMP: type and code of the first message */
    uint8_t proto;                     /* IP protocol number */
    uint8_t opener;                    /* enum flow_opener */
    uint64_t orig_packets, orig_bytes; /* sent by the originator; bytes as IP lengths */
    uint64_t resp_packets, resp_bytes;
};

/* Why a line was skipped. */
enum flowlog_skip {
    FLOWLOG_SKIP_SHORT,    /* fewer fields than the header names, or a required one missing */
    FLOWLOG_SKIP_UNSET,    /* a required field unset ('-' or null) */
    FLOWLOG_SKIP_VALUE,    /* a value that does not parse, is out of range or inconsistent */
    FLOWLOG_SKIP_PROTOCOL, /* a transport Zeek did not name (unknown_transport) */
    FLOWLOG_SKIP_UTF8,     /* bytes that are not UTF-8 */
    FLOWLOG_SKIP_LONG,     /* longer than FLOWLOG_LINE_MAX */
    FLOWLOG_SKIP_HEADER,   /* a TSV record before any #fields line */
    FLOWLOG_SKIP_COUNT
};

/* The longest line read; a longer one is skipped whole. */
#define FLOWLOG_LINE_MAX 65536

/* "short", "unset", "value", "protocol", "utf8", "long", "header". */
const char *flowlog_skip_name(enum flowlog_skip why);

struct flowlog_file;

/*
 * Opens path when its content is a Zeek conn.log (gzip or not). Returns NULL
 * with a message naming the file in err when it cannot be read or is no
 * conn.log.
 */
struct flowlog_file *flowlog_open(const char *path, char *err, size_t errlen);
/* The next record: 1 with *record filled, 0 at the end, -1 on a read error (flowlog_error()). */
int flowlog_next(struct flowlog_file *file, struct flow_record *record);
/* The message of the last -1, naming the file and the line. */
const char *flowlog_error(const struct flowlog_file *file);
/* "zeek-conn" or "zeek-conn-json", with "+gzip" when compressed. */
const char *flowlog_format(const struct flowlog_file *file);
/* Lines skipped so far, by enum flowlog_skip. */
const uint64_t *flowlog_skipped(const struct flowlog_file *file);
/* Lines read so far (records, skipped, headers and blank ones). */
uint64_t flowlog_lines(const struct flowlog_file *file);
void flowlog_close(struct flowlog_file *file);

/* Whether an input's format (as flowlog_format() or a store gives it) is flow records. */
bool flowlog_format_is_flows(const char *format);

/* ---- NetFlow v5, v9 (netflow.c) and IPFIX (ipfix.c, libfixbuf) export datagrams ---- */

/* One direction of a flow as an exporter sends it: orig sent everything. */
struct netflow_record {
    struct flow_record flow; /* resp_packets and resp_bytes are 0 */
    uint8_t tcp_flags;       /* ORed over the flow's packets */
    bool has_flags;
    bool reverse_half; /* the reverse direction of an RFC 5103 biflow */
};

/* Bounds: a flood of templates or exporters costs no more than this. */
#define NETFLOW_DOMAINS_MAX 1024        /* exporter and observation domain pairs */
#define NETFLOW_IPFIX_SESSIONS_MAX 256  /* of them IPFIX ones: libfixbuf's buffers, 88 KiB each */
#define NETFLOW_TEMPLATES_MAX 64        /* templates kept per domain */
#define NETFLOW_TEMPLATE_FIELDS_MAX 128 /* fields a template may have */

struct netflow_stats {
    uint64_t datagrams;         /* read */
    uint64_t records;           /* flow records decoded */
    uint64_t records_bad;       /* records with no addresses or impossible counts */
    uint64_t malformed;         /* datagrams or sets with wrong lengths: the rest skipped */
    uint64_t unsupported;       /* datagrams of another version */
    uint64_t unknown_template;  /* data sets whose template was not (yet) seen */
    uint64_t templates;         /* templates received and kept */
    uint64_t templates_bad;     /* templates that cannot be (no fields, too many) */
    uint64_t templates_refused; /* past NETFLOW_TEMPLATES_MAX for their domain */
    uint64_t exporters_refused; /* past NETFLOW_DOMAINS_MAX or NETFLOW_IPFIX_SESSIONS_MAX */
    uint64_t lost_packets;      /* NetFlow v9: export packets the sequence skipped */
    uint64_t lost_records;      /* v5 and IPFIX: flow records the sequence skipped */
    uint64_t late;              /* datagrams behind the sequence: late or repeated */
    uint32_t sampling_interval; /* the largest "1 in N" an exporter announced; 0 none */
};

typedef void (*netflow_emit)(void *ctx, const struct netflow_record *record);
typedef void (*flowlog_emit)(void *ctx, const struct flow_record *record);

struct netflow_collector;
struct netflow_collector *netflow_collector_new(void);
void netflow_collector_free(struct netflow_collector *collector);
/*
 * Decodes one export datagram of len bytes from exporter, calling emit for
 * each flow record; what cannot be read is counted in the stats.
 */
void netflow_decode(struct netflow_collector *collector, const struct ip_addr *exporter,
                    const uint8_t *data, size_t len, netflow_emit emit, void *ctx);
const struct netflow_stats *netflow_collector_stats(const struct netflow_collector *collector);
/* Zeroes the counts (templates and sequence numbers are kept): a new interval. */
void netflow_collector_reset_stats(struct netflow_collector *collector);
/*
 * Joins the two directions of each conversation among records (sorting
 * them) and calls emit with each flow, its opener decided as docs/flows.md
 * says; a direction without its reverse is a flow of its own.
 */
void netflow_pair(struct netflow_record *records, size_t count, flowlog_emit emit, void *ctx);

/*
 * Parses one conn.log line of len bytes (no newline) as the reader does, for
 * tests and fuzzing: state carries the TSV header between lines. Returns 1
 * for a record, 0 for a header, comment or blank line, -1 for a skipped line
 * with *why set.
 */
struct zeek_state;
struct zeek_state *zeek_state_new(bool json);
void zeek_state_free(struct zeek_state *state);
int zeek_parse_line(struct zeek_state *state, const char *line, size_t len,
                    struct flow_record *record, enum flowlog_skip *why);

#endif
