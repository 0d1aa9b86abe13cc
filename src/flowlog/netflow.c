/*
 * NetFlow v5, NetFlow v9 and IPFIX export datagrams into flow records.
 *
 * Which decoder does what (docs/flows.md says why):
 *  - IPFIX (RFC 7011): libfixbuf (ipfix.c) keeps the templates and decodes
 *    the template and data records; this file reads the 16-byte message
 *    header first, bounds-checked, for the exporter's domain and its
 *    sequence number.
 *  - NetFlow v9 (RFC 3954, template and options template FlowSets 0 and
 *    1): our own decoder, here. libfixbuf translates v9 only in the UDP
 *    listener that owns its socket; fed from memory its v9 reader fails.
 *  - NetFlow v5: our own decoder, here (Cisco's fixed 48-byte records after
 *    a 24-byte header); libfixbuf has no v5.
 *
 * Every read of ours goes through a bounds-checked cursor; templates are
 * kept per exporter and observation domain (source id) with a bound on how
 * many, sequence numbers are followed per exporter and domain to count what
 * was lost, and the sampling an exporter announces is recorded, never
 * applied. Records are unidirectional: the caller pairs them
 * (netflow_pair()).
 */
#include <stdlib.h>
#include <string.h>

#include "../common/cursor.h"
#include "../common/xalloc.h"
#include "flowlog_int.h"

/* The cursor over the next n bytes of c, which skips them; empty and failed when c has fewer. */
static struct cursor rd_sub(struct cursor *c, size_t n)
{
    int cut;
    struct cursor sub = cursor_sub(c, n, &cut);
    if (cut || c->short_read)
        cursor_fail(&sub);
    return sub;
}

/* ---- exporters, templates ---------------------------------------------------------- */

struct template_field {
    uint16_t id; /* field type */
    uint16_t len;
};

struct template
{
    uint16_t id;
    uint16_t count;
    bool options;
    struct template_field fields[NETFLOW_TEMPLATE_FIELDS_MAX];
};

/* An exporter's observation domain (IPFIX) or source id (v9), or engine (v5). */
struct domain {
    struct ip_addr exporter;
    uint32_t id;
    uint8_t version;
    bool seen;                   /* a sequence number was seen */
    uint32_t next_sequence;      /* expected */
    uint32_t last_sequence;      /* IPFIX: the last one, for exporters that count inclusively */
    uint8_t counting;            /* IPFIX: 0 not known yet, 1 as RFC 7011, 2 inclusive */
    int64_t system_init_ms;      /* IPFIX: systemInitTimeMilliseconds, 0 unknown */
    struct template *templates;  /* v9 */
    size_t template_count;       /* v9 */
    struct ipfix_session *ipfix; /* IPFIX: libfixbuf's session, made at the first message */
};

struct netflow_collector {
    struct domain *domains;
    size_t domain_count;
    struct ipfix_model *ipfix_model;
    size_t ipfix_sessions;
    struct netflow_stats stats;
};

struct netflow_collector *netflow_collector_new(void)
{
    struct netflow_collector *c = xcalloc(1, sizeof(struct netflow_collector));
    c->ipfix_model = ipfix_model_new();
    return c;
}

void netflow_collector_free(struct netflow_collector *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->domain_count; i++) {
        free(c->domains[i].templates);
        ipfix_session_free(c->domains[i].ipfix);
    }
    free(c->domains);
    ipfix_model_free(c->ipfix_model);
    free(c);
}

const struct netflow_stats *netflow_collector_stats(const struct netflow_collector *c)
{
    return &c->stats;
}

void netflow_collector_reset_stats(struct netflow_collector *c)
{
    memset(&c->stats, 0, sizeof(c->stats));
}

static struct domain *find_domain(struct netflow_collector *c, const struct ip_addr *exporter,
                                  uint32_t id, uint8_t version)
{
    for (size_t i = 0; i < c->domain_count; i++) {
        struct domain *d = &c->domains[i];
        if (d->id == id && d->version == version && addr_equal(&d->exporter, exporter))
            return d;
    }
    if (c->domain_count == NETFLOW_DOMAINS_MAX)
        return NULL;
    c->domains = xreallocarray(c->domains, c->domain_count + 1, sizeof(*c->domains));
    struct domain *d = &c->domains[c->domain_count++];
    memset(d, 0, sizeof(*d));
    d->exporter = *exporter;
    d->id = id;
    d->version = version;
    return d;
}

/* Sequence numbers: what was skipped since the last datagram counts as lost. */
static void follow_sequence(struct netflow_collector *c, struct domain *d, uint32_t sequence,
                            uint32_t advance, uint64_t *lost)
{
    if (d->seen && sequence != d->next_sequence) {
        uint32_t gap = sequence - d->next_sequence;
        /* Half the space ahead is a gap; behind, a datagram late or repeated. */
        if (gap < UINT32_C(0x80000000))
            *lost += gap;
        else
            c->stats.late++;
    }
    if (!d->seen || sequence - d->next_sequence < UINT32_C(0x80000000))
        d->next_sequence = sequence + advance;
    d->seen = true;
}

/*
 * IPFIX sequence numbers count the data records sent before the message
 * (RFC 7011 3.1); some exporters (softflowd 1.1.0) count the message's own
 * too. Which one a domain follows shows in its second message: the
 * expected number is then made to fit.
 */
static void ipfix_sequence(struct netflow_collector *c, struct domain *d, uint32_t sequence,
                           uint32_t records)
{
    if (d->seen && d->counting == 0)
        d->counting = sequence == d->next_sequence             ? 1
                      : sequence - records == d->last_sequence ? 2
                                                               : 0;
    if (d->counting == 2) {
        d->next_sequence = d->last_sequence + records;
        d->last_sequence = sequence;
        follow_sequence(c, d, sequence, 0, &c->stats.lost_records);
        return;
    }
    d->last_sequence = sequence;
    follow_sequence(c, d, sequence, records, &c->stats.lost_records);
}

static struct template *find_template(struct domain *d, uint16_t id)
{
    for (size_t i = 0; i < d->template_count; i++)
        if (d->templates[i].id == id)
            return &d->templates[i];
    return NULL;
}

/* Keeps t (replacing one of its id); refused past NETFLOW_TEMPLATES_MAX per domain. */
static void keep_template(struct netflow_collector *c, struct domain *d, const struct template *t)
{
    struct template *old = find_template(d, t->id);
    if (old) {
        *old = *t;
        return;
    }
    if (d->template_count == NETFLOW_TEMPLATES_MAX) {
        c->stats.templates_refused++;
        return;
    }
    d->templates = xreallocarray(d->templates, d->template_count + 1, sizeof(*d->templates));
    d->templates[d->template_count++] = *t;
    c->stats.templates++;
}

/*
 * One template record (v9 FlowSet 0 or 1). Returns false when the set
 * cannot be read on.
 */
static bool read_template(struct netflow_collector *c, struct domain *d, struct cursor *set,
                          bool options)
{
    struct template t;
    memset(&t, 0, sizeof(t));
    t.options = options;
    t.id = (uint16_t)rd_be(set, 2);
    uint32_t count;
    if (options) {
        /* RFC 3954 6.1: scope and option lengths in bytes, 4 per field. */
        uint32_t scope_len = (uint32_t)rd_be(set, 2), option_len = (uint32_t)rd_be(set, 2);
        count = scope_len / 4 + option_len / 4;
    } else {
        count = (uint32_t)rd_be(set, 2);
    }
    if (set->short_read)
        return false;
    if (t.id < 256 || count > NETFLOW_TEMPLATE_FIELDS_MAX) {
        c->stats.templates_bad++;
        return false;
    }
    for (uint32_t i = 0; i < count; i++) {
        uint16_t id = (uint16_t)rd_be(set, 2);
        uint16_t len = (uint16_t)rd_be(set, 2);
        t.fields[i].id = id;
        t.fields[i].len = len;
    }
    if (set->short_read) {
        c->stats.templates_bad++;
        return false;
    }
    t.count = (uint16_t)count;
    keep_template(c, d, &t);
    return true;
}

/* ---- data records ------------------------------------------------------------------- */

/* NTP time (RFC 5905 era 0) in nanoseconds since 1970. */
int64_t netflow_ntp_ns(uint64_t ntp)
{
    int64_t secs = (int64_t)(ntp >> 32) - INT64_C(2208988800);
    return secs * 1000000000 + (int64_t)(((ntp & 0xffffffffu) * 1000000000) >> 32);
}

static void field_value(struct export_fields *f, uint16_t id, struct cursor *v, size_t len)
{
    /* Addresses as bytes; every other field we use is an unsigned number of up to 8 bytes. */
    if ((id == 8 || id == 12) && len == 4) {
        memcpy(id == 8 ? f->src4 : f->dst4, v->p, 4);
        *(id == 8 ? &f->v4_src : &f->v4_dst) = true;
        return;
    }
    if ((id == 27 || id == 28) && len == 16) {
        memcpy(id == 27 ? f->src6 : f->dst6, v->p, 16);
        *(id == 27 ? &f->v6_src : &f->v6_dst) = true;
        return;
    }
    if (len == 0 || len > 8)
        return;
    struct cursor copy = *v;
    uint64_t n = rd_be(&copy, len);
    switch (id) {
    case 1:  /* octetDeltaCount */
    case 85: /* octetTotalCount */
        f->octets = n;
        break;
    case 2:  /* packetDeltaCount */
    case 86: /* packetTotalCount */
        f->packets = n;
        break;
    case 4:
        f->proto = n;
        break;
    case 6:
        f->tcp_flags = n;
        f->has_flags = true;
        break;
    case 7:
        f->src_port = n;
        break;
    case 11:
        f->dst_port = n;
        break;
    case 32:  /* icmpTypeCodeIPv4 */
    case 139: /* icmpTypeCodeIPv6 */
        f->icmp_type_code = n;
        f->has_icmp = true;
        break;
    case 176: /* icmpTypeIPv4 */
    case 178:
        f->icmp_type = n;
        f->has_icmp_type = true;
        break;
    case 177: /* icmpCodeIPv4 */
    case 179:
        f->icmp_code = n;
        break;
    case 21: /* flowEndSysUpTime */
        f->end_uptime = n;
        f->has_end_uptime = true;
        break;
    case 22:
        f->start_uptime = n;
        f->has_start_uptime = true;
        break;
    case 150: /* flowStartSeconds */
    case 151:
        *(id == 150 ? &f->start_ns : &f->end_ns) = (int64_t)(n & 0xffffffffu) * 1000000000;
        *(id == 150 ? &f->has_start : &f->has_end) = true;
        break;
    case 152: /* flowStartMilliseconds */
    case 153:
        if (n <= (uint64_t)NETFLOW_TIME_MAX_MS) {
            *(id == 152 ? &f->start_ns : &f->end_ns) = (int64_t)n * 1000000;
            *(id == 152 ? &f->has_start : &f->has_end) = true;
        }
        break;
    case 154: /* flowStartMicroseconds, NTP format */
    case 155:
    case 156: /* flowStartNanoseconds */
    case 157:
        if (len == 8 && (n >> 32) >= UINT64_C(2208988800)) {
            bool start = id == 154 || id == 156;
            *(start ? &f->start_ns : &f->end_ns) = netflow_ntp_ns(n);
            *(start ? &f->has_start : &f->has_end) = true;
        }
        break;
    case 34:  /* samplingInterval */
    case 50:  /* samplerRandomInterval */
    case 305: /* samplingPacketInterval */
        if (n > f->sampling)
            f->sampling = n;
        break;
    case 160: /* systemInitTimeMilliseconds */
        f->system_init_ms = n;
        f->has_system_init = true;
        break;
    default:
        break;
    }
}

/* Reads one data record of template t; false when the set ends inside it. */
static bool read_fields(const struct template *t, struct cursor *set, struct export_fields *f)
{
    memset(f, 0, sizeof(*f));
    for (uint16_t i = 0; i < t->count; i++) {
        size_t len = t->fields[i].len;
        struct cursor value = rd_sub(set, len);
        if (set->short_read)
            return false;
        field_value(f, t->fields[i].id, &value, len);
    }
    return true;
}

static int64_t uptime_to_ms(const struct export_time *when, uint64_t uptime)
{
    if (when->uptime_ms >= 0) /* v9, v5: uptime counters wrap at 2^32 ms */
        return when->export_ms - (int64_t)(uint32_t)((uint32_t)when->uptime_ms - (uint32_t)uptime);
    if (when->init_ms > 0)
        return when->init_ms + (int64_t)(uptime & 0xffffffffu);
    return when->export_ms;
}

/* Makes a record from the fields; false when it is no flow we can count. */
static bool make_flow(const struct export_fields *f, const struct export_time *when,
                      struct netflow_record *out)
{
    struct flow_record *r = &out->flow;
    memset(out, 0, sizeof(*out));
    if (f->v4_src && f->v4_dst) {
        addr_from_v4(&r->orig, f->src4);
        addr_from_v4(&r->resp, f->dst4);
    } else if (f->v6_src && f->v6_dst) {
        addr_from_v6(&r->orig, f->src6);
        addr_from_v6(&r->resp, f->dst6);
    } else {
        return false;
    }
    if (f->proto > 255 || f->src_port > 65535 || f->dst_port > 65535 ||
        f->packets > (UINT64_C(1) << 40) || f->octets > f->packets * 65535 ||
        (f->packets && f->octets < 20 * f->packets) || (!f->packets && f->octets))
        return false;
    if (f->has_reverse && (f->reverse_packets > (UINT64_C(1) << 40) ||
                           f->reverse_octets > f->reverse_packets * 65535 ||
                           f->reverse_octets < 20 * f->reverse_packets))
        return false;
    r->proto = (uint8_t)f->proto;
    r->orig_port = (uint16_t)f->src_port;
    r->resp_port = (uint16_t)f->dst_port;
    if (r->proto == 1 || r->proto == 58) {
        /* The type and code: their own fields, or the destination port (type * 256 + code). */
        uint64_t tc = f->has_icmp ? f->icmp_type_code : f->dst_port;
        if (f->has_icmp_type)
            tc = (f->icmp_type & 0xff) << 8 | (f->icmp_code & 0xff);
        r->orig_port = (uint16_t)((tc >> 8) & 0xff);
        r->resp_port = (uint16_t)(tc & 0xff);
    }
    r->orig_packets = f->packets;
    r->orig_bytes = f->octets;

    int64_t start = f->has_start          ? f->start_ns
                    : f->has_start_uptime ? uptime_to_ms(when, f->start_uptime) * 1000000
                                          : when->export_ms * 1000000;
    int64_t end = f->has_end          ? f->end_ns
                  : f->has_end_uptime ? uptime_to_ms(when, f->end_uptime) * 1000000
                                      : start;
    /* 1970..2200, as for logs; an end before the start is the start. */
    if (start < 0 || start > NETFLOW_TIME_MAX_MS * 1000000)
        return false;
    if (end < start || end > NETFLOW_TIME_MAX_MS * 1000000)
        end = start;
    r->start_ns = start;
    r->end_ns = end;
    out->tcp_flags = (uint8_t)f->tcp_flags;
    out->has_flags = f->has_flags;
    return true;
}

/*
 * The reverse half of an RFC 5103 biflow as a record of its own. Exporters do
 * not all put the initiator first (softflowd orders by address), so the two
 * halves are paired and judged like any two directions (netflow_pair()).
 */
static void emit_reverse(const struct export_fields *f, const struct netflow_record *forward,
                         netflow_emit emit, void *ctx)
{
    struct netflow_record rev = *forward;
    rev.flow.orig = forward->flow.resp;
    rev.flow.resp = forward->flow.orig;
    bool icmp = forward->flow.proto == 1 || forward->flow.proto == 58;
    if (!icmp) {
        rev.flow.orig_port = forward->flow.resp_port;
        rev.flow.resp_port = forward->flow.orig_port;
    }
    rev.flow.orig_packets = f->reverse_packets;
    rev.flow.orig_bytes = f->reverse_octets;
    rev.tcp_flags = (uint8_t)f->reverse_tcp_flags;
    rev.has_flags = f->has_reverse_flags;
    rev.reverse_half = true;
    emit(ctx, &rev);
}

/* Counts the sampling an exporter announces (largest seen), never applying it. */
static void note_sampling(struct netflow_stats *stats, uint64_t interval)
{
    if (interval > 1 && interval > stats->sampling_interval)
        stats->sampling_interval = interval > UINT32_MAX ? UINT32_MAX : (uint32_t)interval;
}

void netflow_take_fields(struct netflow_stats *stats, int64_t *system_init_ms, bool options,
                         const struct export_fields *f, const struct export_time *when,
                         netflow_emit emit, void *ctx)
{
    note_sampling(stats, f->sampling);
    if (options) {
        if (f->has_system_init && f->system_init_ms <= (uint64_t)NETFLOW_TIME_MAX_MS)
            *system_init_ms = (int64_t)f->system_init_ms;
        return;
    }
    struct netflow_record rec;
    if (!make_flow(f, when, &rec)) {
        stats->records_bad++;
        return;
    }
    /* A biflow half without packets is no traffic (softflowd sends such halves). */
    if (!f->has_reverse || f->packets) {
        stats->records++;
        emit(ctx, &rec);
    }
    if (f->has_reverse && f->reverse_packets) {
        stats->records++;
        emit_reverse(f, &rec, emit, ctx);
    }
}

/* The records of one v9 data FlowSet. */
static void read_data(struct netflow_collector *c, struct domain *d, const struct template *t,
                      struct cursor *set, const struct export_time *when, netflow_emit emit,
                      void *ctx)
{
    size_t min = 0;
    for (uint16_t i = 0; i < t->count; i++)
        min += t->fields[i].len;
    if (min == 0) {
        c->stats.templates_bad++;
        return;
    }
    /* What is left shorter than a record is padding (RFC 3954 5.3). */
    while (set->left >= min) {
        struct export_fields f;
        if (!read_fields(t, set, &f)) {
            c->stats.malformed++;
            break;
        }
        netflow_take_fields(&c->stats, &d->system_init_ms, t->options, &f, when, emit, ctx);
    }
}

/* ---- the three formats -------------------------------------------------------------- */

/* NetFlow v5: header 24 bytes, then count records of 48 bytes. */
static void decode_v5(struct netflow_collector *c, const struct ip_addr *exporter,
                      struct cursor *in, netflow_emit emit, void *ctx)
{
    uint32_t count = (uint32_t)rd_be(in, 2);
    uint32_t uptime = (uint32_t)rd_be(in, 4);
    uint32_t secs = (uint32_t)rd_be(in, 4), nsecs = (uint32_t)rd_be(in, 4);
    uint32_t sequence = (uint32_t)rd_be(in, 4);
    uint32_t engine = (uint32_t)rd_be(in, 2);
    uint32_t sampling = (uint32_t)rd_be(in, 2);
    if (in->short_read || count == 0 || count > 30 || in->left != (size_t)count * 48) {
        c->stats.malformed++;
        return;
    }
    struct domain *d = find_domain(c, exporter, engine, 5);
    if (!d) {
        c->stats.exporters_refused++;
        return;
    }
    follow_sequence(c, d, sequence, count, &c->stats.lost_records);
    note_sampling(&c->stats, sampling & 0x3fff);
    struct export_time when = {(int64_t)secs * 1000 + nsecs / 1000000, uptime, 0};
    for (uint32_t i = 0; i < count; i++) {
        struct export_fields f;
        memset(&f, 0, sizeof(f));
        memcpy(f.src4, in->p, 4);
        memcpy(f.dst4, in->p + 4, 4);
        f.v4_src = f.v4_dst = true;
        cursor_skip(in, 12); /* addresses, next hop */
        cursor_skip(in, 4);  /* interfaces */
        f.packets = rd_be(in, 4);
        f.octets = rd_be(in, 4);
        f.start_uptime = rd_be(in, 4);
        f.end_uptime = rd_be(in, 4);
        f.has_start_uptime = f.has_end_uptime = true;
        f.src_port = rd_be(in, 2);
        f.dst_port = rd_be(in, 2);
        cursor_skip(in, 1);
        f.tcp_flags = rd_be(in, 1);
        f.has_flags = true;
        f.proto = rd_be(in, 1);
        cursor_skip(in, 9); /* tos, AS numbers, masks, padding */
        struct netflow_record rec;
        if (!make_flow(&f, &when, &rec)) {
            c->stats.records_bad++;
            continue;
        }
        c->stats.records++;
        emit(ctx, &rec);
    }
}

/* NetFlow v9 (RFC 3954): a 20-byte header, then FlowSets. */
static void decode_v9(struct netflow_collector *c, const struct ip_addr *exporter,
                      struct cursor *in, netflow_emit emit, void *ctx)
{
    struct export_time when = {0, -1, 0};
    cursor_skip(in, 2); /* count: records, templates included; FlowSets are read by length */
    when.uptime_ms = (int64_t)rd_be(in, 4);
    when.export_ms = (int64_t)rd_be(in, 4) * 1000;
    uint32_t sequence = (uint32_t)rd_be(in, 4);
    uint32_t source_id = (uint32_t)rd_be(in, 4);
    if (in->short_read) {
        c->stats.malformed++;
        return;
    }
    struct domain *d = find_domain(c, exporter, source_id, 9);
    if (!d) {
        c->stats.exporters_refused++;
        return;
    }
    while (in->left) {
        uint16_t set_id = (uint16_t)rd_be(in, 2);
        uint16_t set_len = (uint16_t)rd_be(in, 2);
        if (in->short_read || set_len < 4 || set_len - 4u > in->left) {
            c->stats.malformed++;
            break;
        }
        struct cursor set = rd_sub(in, set_len - 4u);
        if (set_id == 0 || set_id == 1) {
            /* Padding after the last template: fewer bytes than a header. */
            while (set.left >= 4 && read_template(c, d, &set, set_id == 1))
                ;
        } else if (set_id >= 256) {
            const struct template *t = find_template(d, set_id);
            if (!t) {
                c->stats.unknown_template++;
                continue;
            }
            read_data(c, d, t, &set, &when, emit, ctx);
        }
    }
    /* v9 sequence numbers count export packets (RFC 3954 5.1). */
    follow_sequence(c, d, sequence, 1, &c->stats.lost_packets);
}

/*
 * IPFIX (RFC 7011): the 16-byte message header is read here, for the domain
 * and the sequence number; libfixbuf decodes the sets (ipfix.c).
 */
static void decode_ipfix(struct netflow_collector *c, const struct ip_addr *exporter,
                         struct cursor *in, netflow_emit emit, void *ctx)
{
    struct ipfix_header header;
    uint32_t length = (uint32_t)rd_be(in, 2);
    header.export_time = (uint32_t)rd_be(in, 4);
    header.sequence = (uint32_t)rd_be(in, 4);
    header.domain = (uint32_t)rd_be(in, 4);
    /* RFC 7011 3.1: the length covers the message, header included. */
    if (in->short_read || length != in->left + 16) {
        c->stats.malformed++;
        return;
    }
    struct domain *d = find_domain(c, exporter, header.domain, 10);
    if (!d) {
        c->stats.exporters_refused++;
        return;
    }
    if (!d->ipfix) {
        /* libfixbuf's buffers make a session cost far more than a domain of ours. */
        if (c->ipfix_sessions == NETFLOW_IPFIX_SESSIONS_MAX) {
            c->stats.exporters_refused++;
            return;
        }
        d->ipfix = ipfix_session_new(c->ipfix_model);
        c->ipfix_sessions++;
    }
    uint32_t data_records = ipfix_decode_sets(d->ipfix, &header, in->p, in->left, &c->stats,
                                              &d->system_init_ms, emit, ctx);
    /* IPFIX sequence numbers count data records (RFC 7011 3.1). */
    ipfix_sequence(c, d, header.sequence, data_records);
}

void netflow_decode(struct netflow_collector *c, const struct ip_addr *exporter,
                    const uint8_t *data, size_t len, netflow_emit emit, void *ctx)
{
    struct cursor in = cursor_make(data, len);
    c->stats.datagrams++;
    uint32_t version = (uint32_t)rd_be(&in, 2);
    if (in.short_read) {
        c->stats.malformed++;
        return;
    }
    switch (version) {
    case 5:
        decode_v5(c, exporter, &in, emit, ctx);
        break;
    case 9:
        decode_v9(c, exporter, &in, emit, ctx);
        break;
    case 10:
        decode_ipfix(c, exporter, &in, emit, ctx);
        break;
    default:
        c->stats.unsupported++;
        break;
    }
}

/* ---- pairing the two directions --------------------------------------------------- */

/* Orders records by conversation (lower address and port first), then by start. */
static void conversation_key(const struct flow_record *r, struct ip_addr *a, struct ip_addr *b,
                             uint16_t *pa, uint16_t *pb)
{
    int cmp = addr_compare(&r->orig, &r->resp);
    bool swap = cmp > 0 || (cmp == 0 && r->orig_port > r->resp_port);
    bool icmp = r->proto == 1 || r->proto == 58;
    *a = swap ? r->resp : r->orig;
    *b = swap ? r->orig : r->resp;
    *pa = icmp ? 0 : swap ? r->resp_port : r->orig_port;
    *pb = icmp ? 0 : swap ? r->orig_port : r->resp_port;
}

static int record_cmp(const void *x, const void *y)
{
    const struct netflow_record *r = x, *s = y;
    struct ip_addr ra, rb, sa, sb;
    uint16_t rpa, rpb, spa, spb;
    conversation_key(&r->flow, &ra, &rb, &rpa, &rpb);
    conversation_key(&s->flow, &sa, &sb, &spa, &spb);
    int c = addr_compare(&ra, &sa);
    if (!c)
        c = addr_compare(&rb, &sb);
    if (!c)
        c = rpa != spa ? (rpa < spa ? -1 : 1) : rpb != spb ? (rpb < spb ? -1 : 1) : 0;
    if (!c)
        c = r->flow.proto != s->flow.proto ? (r->flow.proto < s->flow.proto ? -1 : 1) : 0;
    if (!c && r->flow.start_ns != s->flow.start_ns)
        c = r->flow.start_ns < s->flow.start_ns ? -1 : 1;
    return c;
}

static bool reverse_of(const struct flow_record *a, const struct flow_record *b)
{
    bool icmp = a->proto == 1 || a->proto == 58;
    return a->proto == b->proto && addr_equal(&a->orig, &b->resp) &&
           addr_equal(&a->resp, &b->orig) &&
           (icmp || (a->orig_port == b->resp_port && a->resp_port == b->orig_port));
}

/*
 * Who opened a conversation known from one direction (first) and maybe the
 * other: as a capture decides from the first packet (docs/flows.md). TCP
 * flags are ORed over a record: a SYN in the first direction's record is
 * its sender's opening; without one the conversation began before.
 */
static uint8_t opener_of(const struct netflow_record *first)
{
    if (first->flow.proto != 6)
        return FLOW_OPENED_BY_ORIG;
    if (first->has_flags && (first->tcp_flags & 0x02))
        return FLOW_OPENED_BY_ORIG;
    return FLOW_OPENED_BY_UNKNOWN;
}

/*
 * How much a port looks like a service: well-known ports most, then any port
 * below the ephemeral range (32768 on, where systems pick client ports).
 */
static int service_rank(uint16_t port)
{
    return port < 1024 ? 2 : port < 32768 ? 1 : 0;
}

/*
 * Whether a (of the pair a, b) came first. Exporters that track both
 * directions as one flow stamp both with the flow's start (softflowd does):
 * then the side sending from the port that looks less like a service is
 * taken for the client, and from equal looks the higher port (docs/flows.md).
 */
static bool first_of_pair(const struct netflow_record *x, const struct netflow_record *y)
{
    const struct flow_record *a = &x->flow, *b = &y->flow;
    if (a->start_ns != b->start_ns)
        return a->start_ns < b->start_ns;
    /* ICMP: the type is the forward half's; its sender is the one it names. */
    if ((a->proto == 1 || a->proto == 58) && x->reverse_half != y->reverse_half)
        return !x->reverse_half;
    int ra = service_rank(a->orig_port), rb = service_rank(b->orig_port);
    if (ra != rb)
        return ra < rb;
    return a->orig_port > b->orig_port;
}

void netflow_pair(struct netflow_record *records, size_t count, flowlog_emit emit, void *ctx)
{
    if (!count)
        return;
    qsort(records, count, sizeof(*records), record_cmp);
    for (size_t i = 0; i < count; i++) {
        struct netflow_record *a = &records[i];
        struct flow_record r = a->flow;
        r.opener = opener_of(a);
        if (i + 1 < count && reverse_of(&a->flow, &records[i + 1].flow)) {
            struct netflow_record *b = &records[++i];
            const struct netflow_record *first = first_of_pair(a, b) ? a : b;
            const struct netflow_record *second = first == a ? b : a;
            r = first->flow;
            r.resp_packets = second->flow.orig_packets;
            r.resp_bytes = second->flow.orig_bytes;
            if (second->flow.end_ns > r.end_ns)
                r.end_ns = second->flow.end_ns;
            r.opener = opener_of(first);
        }
        emit(ctx, &r);
    }
}
