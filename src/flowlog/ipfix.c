/*
 * IPFIX messages (RFC 7011) decoded by libfixbuf: the one file that
 * includes <fixbuf/public.h>.
 *
 * libfixbuf keeps each session's templates and transcodes every data
 * record into our internal template (struct ipfix_record): it reads
 * template and options template sets, withdrawals, variable-length,
 * reduced-size and enterprise-specific fields, and RFC 5103 reverse
 * elements (enterprise 29305), which its information model has.
 *
 * What stays ours, because libfixbuf does not offer it:
 *  - the message header and the set headers are read here, bounds-checked,
 *    and each set is handed to libfixbuf as a message of its own (the
 *    header repeated before it, fBufSetBuffer()). That way a data set
 *    whose template has not come is counted before libfixbuf would skip
 *    it with nothing but a log line, and templates past the bound are
 *    dropped as soon as their set is read;
 *  - the bound: libfixbuf keeps templates in GLib hash tables without
 *    limit; its new-template callback counts them, and a session holds at
 *    most NETFLOW_TEMPLATES_MAX (the caller bounds the sessions);
 *  - which fields a record has: libfixbuf writes zero for a field the
 *    exporter's template lacks, so the callback notes, once per template,
 *    which of ours it carries;
 *  - checking template records before libfixbuf sees them (a data template
 *    id, fields that fit, a record of at least one byte): libfixbuf leaks
 *    a template whose id it refuses, and would loop on a record of no
 *    bytes;
 *  - after an error inside a message, fBufRewind() (declared in libfixbuf's
 *    private.h, exported by the library): libfixbuf otherwise goes on
 *    reading the next buffer as the rest of the failed message.
 * libfixbuf's own log lines (GLib warnings on damaged input) are dropped:
 * what they report is counted in the stats.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fixbuf/public.h>
/* fBufRewind(): the one way to drop a half-read message after an error. */
#include <fixbuf/private.h>

#include "../common/xalloc.h"
#include "flowlog_int.h"

/*
 * The internal template, as a record libfixbuf writes: widest fields
 * first, so that the struct has no padding between them (libfixbuf packs
 * the fields in the order of the specs below).
 */
struct ipfix_record {
    uint8_t src6[16], dst6[16];
    uint64_t packet_delta, packet_total, octet_delta, octet_total;
    uint64_t start_ms, end_ms, start_us, end_us, start_ns, end_ns; /* us, ns: NTP format */
    uint64_t system_init_ms;
    uint64_t reverse_octet_delta, reverse_octet_total, reverse_packet_delta, reverse_packet_total;
    uint32_t src4, dst4; /* host order */
    uint32_t start_s, end_s, start_uptime, end_uptime;
    uint32_t sampling_interval, sampler_random_interval, sampling_packet_interval;
    uint16_t src_port, dst_port, tcp_flags, icmp_type_code4, icmp_type_code6, reverse_tcp_flags;
    uint8_t proto, icmp_type4, icmp_code4, icmp_type6, icmp_code6;
};

/* The fields of struct ipfix_record, in its order; FIELD_ names their index. */
enum ipfix_field {
    FIELD_SRC6,
    FIELD_DST6,
    FIELD_PACKET_DELTA,
    FIELD_PACKET_TOTAL,
    FIELD_OCTET_DELTA,
    FIELD_OCTET_TOTAL,
    FIELD_START_MS,
    FIELD_END_MS,
    FIELD_START_US,
    FIELD_END_US,
    FIELD_START_NS,
    FIELD_END_NS,
    FIELD_SYSTEM_INIT,
    FIELD_REVERSE_OCTET_DELTA,
    FIELD_REVERSE_OCTET_TOTAL,
    FIELD_REVERSE_PACKET_DELTA,
    FIELD_REVERSE_PACKET_TOTAL,
    FIELD_SRC4,
    FIELD_DST4,
    FIELD_START_S,
    FIELD_END_S,
    FIELD_START_UPTIME,
    FIELD_END_UPTIME,
    FIELD_SAMPLING_INTERVAL,
    FIELD_SAMPLER_RANDOM_INTERVAL,
    FIELD_SAMPLING_PACKET_INTERVAL,
    FIELD_SRC_PORT,
    FIELD_DST_PORT,
    FIELD_TCP_FLAGS,
    FIELD_ICMP_TYPE_CODE4,
    FIELD_ICMP_TYPE_CODE6,
    FIELD_REVERSE_TCP_FLAGS,
    FIELD_PROTO,
    FIELD_ICMP_TYPE4,
    FIELD_ICMP_CODE4,
    FIELD_ICMP_TYPE6,
    FIELD_ICMP_CODE6,
    FIELD_COUNT
};

/* libfixbuf's names (IANA's, and RFC 5103's for the reverse ones) and our sizes. */
static fbInfoElementSpec_t record_spec[FIELD_COUNT + 1] = {
    {"sourceIPv6Address", 16, 0},
    {"destinationIPv6Address", 16, 0},
    {"packetDeltaCount", 8, 0},
    {"packetTotalCount", 8, 0},
    {"octetDeltaCount", 8, 0},
    {"octetTotalCount", 8, 0},
    {"flowStartMilliseconds", 8, 0},
    {"flowEndMilliseconds", 8, 0},
    {"flowStartMicroseconds", 8, 0},
    {"flowEndMicroseconds", 8, 0},
    {"flowStartNanoseconds", 8, 0},
    {"flowEndNanoseconds", 8, 0},
    {"systemInitTimeMilliseconds", 8, 0},
    {"reverseOctetDeltaCount", 8, 0},
    {"reverseOctetTotalCount", 8, 0},
    {"reversePacketDeltaCount", 8, 0},
    {"reversePacketTotalCount", 8, 0},
    {"sourceIPv4Address", 4, 0},
    {"destinationIPv4Address", 4, 0},
    {"flowStartSeconds", 4, 0},
    {"flowEndSeconds", 4, 0},
    {"flowStartSysUpTime", 4, 0},
    {"flowEndSysUpTime", 4, 0},
    {"samplingInterval", 4, 0},
    {"samplerRandomInterval", 4, 0},
    {"samplingPacketInterval", 4, 0},
    {"sourceTransportPort", 2, 0},
    {"destinationTransportPort", 2, 0},
    {"tcpControlBits", 2, 0},
    {"icmpTypeCodeIPv4", 2, 0},
    {"icmpTypeCodeIPv6", 2, 0},
    {"reverseTcpControlBits", 2, 0},
    {"protocolIdentifier", 1, 0},
    {"icmpTypeIPv4", 1, 0},
    {"icmpCodeIPv4", 1, 0},
    {"icmpTypeIPv6", 1, 0},
    {"icmpCodeIPv6", 1, 0},
    FB_IESPEC_NULL,
};

/* The specs' sizes add up to the struct's fields, with nothing between them. */
_Static_assert(offsetof(struct ipfix_record, icmp_code6) + 1 == 2 * 16 + 15 * 8 + 9 * 4 + 6 * 2 + 5,
               "struct ipfix_record must be packed as libfixbuf writes it");

struct ipfix_model {
    fbInfoModel_t *model;
    uint8_t message[16 + 65535]; /* a header and one set, as libfixbuf reads them */
};

/* What we know of one of an exporter's templates (libfixbuf's template context). */
struct template_info {
    uint64_t present; /* bit FIELD_x: the template carries that field */
    bool options;     /* an options template: sampling, the exporter's start */
    bool kept;        /* counted against the bound (a withdrawal or a refusal is not) */
};

struct ipfix_session {
    struct ipfix_model *model;
    fBuf_t *fbuf; /* owns session */
    fbSession_t *session;
    size_t templates;            /* kept now */
    struct netflow_stats *stats; /* of the message being read */
    uint16_t *drops;             /* template ids to remove once their set is read */
    size_t drop_count, drop_alloc;
};

/* libfixbuf warns through GLib about damaged input, which the stats count. */
static void drop_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
    (void)domain;
    (void)level;
    (void)message;
    (void)data;
}

static void quiet_fixbuf(void)
{
    g_log_set_handler(
        NULL, G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG,
        drop_log, NULL);
}

struct ipfix_model *ipfix_model_new(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, quiet_fixbuf);
    struct ipfix_model *m = xcalloc(1, sizeof(*m));
    /* IANA's elements, with RFC 5103's reverse ones (enterprise 29305). */
    m->model = fbInfoModelAlloc();
    return m;
}

void ipfix_model_free(struct ipfix_model *m)
{
    if (!m)
        return;
    fbInfoModelFree(m->model);
    free(m);
}

static void free_template_info(void *tmpl_ctx, void *app_ctx)
{
    struct template_info *info = tmpl_ctx;
    struct ipfix_session *s = app_ctx;
    if (info && info->kept)
        s->templates--;
    free(info);
}

/* A set holds at most 16,383 template records (4 bytes each): the list stays small. */
static void drop_later(struct ipfix_session *s, uint16_t tid)
{
    ALLOC_GROW(s->drops, s->drop_count + 1, s->drop_alloc);
    s->drops[s->drop_count++] = tid;
}

/*
 * libfixbuf has added a template to the session: count it against the
 * bound, or mark it to be removed (a withdrawal, RFC 7011 8.1, arrives as a
 * template without fields; one past the bound is refused).
 */
static void on_new_template(fbSession_t *session, uint16_t tid, fbTemplate_t *tmpl, void *app_ctx,
                            void **tmpl_ctx, fbTemplateCtxFree_fn *free_fn)
{
    (void)session;
    struct ipfix_session *s = app_ctx;
    struct template_info *info = xcalloc(1, sizeof(*info));
    *tmpl_ctx = info;
    *free_fn = free_template_info;
    if (fbTemplateCountElements(tmpl) == 0) {
        drop_later(s, tid);
        return;
    }
    if (s->templates >= NETFLOW_TEMPLATES_MAX) {
        s->stats->templates_refused++;
        drop_later(s, tid);
        return;
    }
    info->kept = true;
    s->templates++;
    s->stats->templates++;
    info->options = fbTemplateGetOptionsScope(tmpl) > 0;
    for (int i = 0; i < FIELD_COUNT; i++)
        if (fbTemplateContainsElementByName(tmpl, &record_spec[i]))
            info->present |= UINT64_C(1) << i;
}

struct ipfix_session *ipfix_session_new(struct ipfix_model *model)
{
    struct ipfix_session *s = xcalloc(1, sizeof(*s));
    s->model = model;
    s->session = fbSessionAlloc(model->model);
    fbSessionAddNewTemplateCallback(s->session, on_new_template, s);
    GError *err = NULL;
    fbTemplate_t *internal = fbTemplateAlloc(model->model);
    uint16_t tid = 0;
    if (fbTemplateAppendSpecArray(internal, record_spec, 0, &err))
        tid = fbSessionAddTemplate(s->session, TRUE, FB_TID_AUTO, internal, &err);
    else
        fbTemplateFreeUnused(internal);
    s->fbuf = fBufAllocForCollection(s->session, NULL);
    if (!tid || !fBufSetInternalTemplate(s->fbuf, tid, &err)) {
        /* Only a libfixbuf without the standard elements gets here. */
        fprintf(stderr, "honeyscope: libfixbuf: %s\n", err ? err->message : "no template");
        abort();
    }
    return s;
}

void ipfix_session_free(struct ipfix_session *s)
{
    if (!s)
        return;
    /* Frees the session and its templates, whose contexts count down in s. */
    fBufFree(s->fbuf);
    free(s->drops);
    free(s);
}

static uint64_t first_present(uint64_t present, enum ipfix_field a, uint64_t va, enum ipfix_field b,
                              uint64_t vb)
{
    return present & (UINT64_C(1) << a) ? va : present & (UINT64_C(1) << b) ? vb : 0;
}

/* A time given in seconds, milliseconds or NTP micro- or nanoseconds, in ns since 1970. */
static bool record_time(uint64_t present, bool start, const struct ipfix_record *r, int64_t *ns)
{
    uint64_t ntp = start ? (present & UINT64_C(1) << FIELD_START_NS   ? r->start_ns
                            : present & UINT64_C(1) << FIELD_START_US ? r->start_us
                                                                      : 0)
                         : (present & UINT64_C(1) << FIELD_END_NS   ? r->end_ns
                            : present & UINT64_C(1) << FIELD_END_US ? r->end_us
                                                                    : 0);
    if ((ntp >> 32) >= UINT64_C(2208988800)) { /* NTP era 0, from 1970 on */
        *ns = netflow_ntp_ns(ntp);
        return true;
    }
    uint64_t ms = start ? r->start_ms : r->end_ms;
    if (present & UINT64_C(1) << (start ? FIELD_START_MS : FIELD_END_MS) &&
        ms <= (uint64_t)NETFLOW_TIME_MAX_MS) {
        *ns = (int64_t)ms * 1000000;
        return true;
    }
    if (present & UINT64_C(1) << (start ? FIELD_START_S : FIELD_END_S)) {
        *ns = (int64_t)(start ? r->start_s : r->end_s) * 1000000000;
        return true;
    }
    return false;
}

static void put_v4(uint8_t out[4], uint32_t host)
{
    out[0] = (uint8_t)(host >> 24);
    out[1] = (uint8_t)(host >> 16);
    out[2] = (uint8_t)(host >> 8);
    out[3] = (uint8_t)host;
}

/* The record libfixbuf transcoded, as the fields the exporter's template carries. */
static void record_fields(const struct ipfix_record *r, uint64_t present, struct export_fields *f)
{
#define HAS(field) ((present & (UINT64_C(1) << (field))) != 0)
    memset(f, 0, sizeof(*f));
    f->v4_src = HAS(FIELD_SRC4);
    f->v4_dst = HAS(FIELD_DST4);
    put_v4(f->src4, r->src4);
    put_v4(f->dst4, r->dst4);
    f->v6_src = HAS(FIELD_SRC6);
    f->v6_dst = HAS(FIELD_DST6);
    memcpy(f->src6, r->src6, 16);
    memcpy(f->dst6, r->dst6, 16);
    f->src_port = r->src_port;
    f->dst_port = r->dst_port;
    f->proto = r->proto;
    f->tcp_flags = r->tcp_flags;
    f->has_flags = HAS(FIELD_TCP_FLAGS);
    f->packets = first_present(present, FIELD_PACKET_DELTA, r->packet_delta, FIELD_PACKET_TOTAL,
                               r->packet_total);
    f->octets = first_present(present, FIELD_OCTET_DELTA, r->octet_delta, FIELD_OCTET_TOTAL,
                              r->octet_total);
    f->has_reverse = HAS(FIELD_REVERSE_OCTET_DELTA) || HAS(FIELD_REVERSE_OCTET_TOTAL) ||
                     HAS(FIELD_REVERSE_PACKET_DELTA) || HAS(FIELD_REVERSE_PACKET_TOTAL);
    f->reverse_packets = first_present(present, FIELD_REVERSE_PACKET_DELTA, r->reverse_packet_delta,
                                       FIELD_REVERSE_PACKET_TOTAL, r->reverse_packet_total);
    f->reverse_octets = first_present(present, FIELD_REVERSE_OCTET_DELTA, r->reverse_octet_delta,
                                      FIELD_REVERSE_OCTET_TOTAL, r->reverse_octet_total);
    f->reverse_tcp_flags = r->reverse_tcp_flags;
    f->has_reverse_flags = HAS(FIELD_REVERSE_TCP_FLAGS);
    f->has_icmp = HAS(FIELD_ICMP_TYPE_CODE4) || HAS(FIELD_ICMP_TYPE_CODE6);
    f->icmp_type_code = HAS(FIELD_ICMP_TYPE_CODE4) ? r->icmp_type_code4 : r->icmp_type_code6;
    f->has_icmp_type = HAS(FIELD_ICMP_TYPE4) || HAS(FIELD_ICMP_TYPE6);
    f->icmp_type = HAS(FIELD_ICMP_TYPE4) ? r->icmp_type4 : r->icmp_type6;
    f->icmp_code = HAS(FIELD_ICMP_TYPE4) ? r->icmp_code4 : r->icmp_code6;
    f->has_start = record_time(present, true, r, &f->start_ns);
    f->has_end = record_time(present, false, r, &f->end_ns);
    f->start_uptime = r->start_uptime;
    f->has_start_uptime = HAS(FIELD_START_UPTIME);
    f->end_uptime = r->end_uptime;
    f->has_end_uptime = HAS(FIELD_END_UPTIME);
    f->sampling = r->sampling_interval;
    if (r->sampler_random_interval > f->sampling)
        f->sampling = r->sampler_random_interval;
    if (r->sampling_packet_interval > f->sampling)
        f->sampling = r->sampling_packet_interval;
    f->system_init_ms = r->system_init_ms;
    f->has_system_init = HAS(FIELD_SYSTEM_INIT);
#undef HAS
}

static void put_be16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, v >> 16);
    put_be16(p + 2, v & 0xffff);
}

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

/*
 * The length of the template record at body (len bytes left in its set),
 * checked as RFC 7011 3.4.1 and 3.4.2 describe it; 0 when it is not one
 * libfixbuf should read: an id below 256 (a withdrawal of all templates,
 * set 2 or 3 with no fields, is not followed), more fields than
 * NETFLOW_TEMPLATE_FIELDS_MAX, fields past the set, data records of no
 * bytes. A withdrawal (a data template id without fields) is one.
 */
static size_t template_record_len(const uint8_t *body, size_t len, bool options, bool *bad)
{
    uint32_t tid = be16(body), count = be16(body + 2);
    size_t at = 4, record_min = 0;
    *bad = false;
    if (count == 0)
        return tid >= 256 ? at : 0;
    if (tid < 256 || count > NETFLOW_TEMPLATE_FIELDS_MAX)
        goto bad;
    if (options) {
        if (len - at < 2 || be16(body + at) == 0) /* the scope count */
            goto bad;
        at += 2;
    }
    for (uint32_t i = 0; i < count; i++) {
        if (len - at < 4)
            goto bad;
        uint32_t id = be16(body + at), field_len = be16(body + at + 2);
        at += 4;
        if (id & 0x8000) { /* an enterprise number follows */
            if (len - at < 4)
                goto bad;
            at += 4;
        }
        record_min += field_len == 65535 ? 1 : field_len; /* variable length: 1 byte or more */
    }
    if (record_min == 0)
        goto bad;
    return at;
bad:
    *bad = true;
    return 0;
}

/* How many bytes of a template set's body (after its header) libfixbuf may read. */
static size_t template_set_prefix(const uint8_t *body, size_t len, bool options,
                                  struct netflow_stats *stats)
{
    size_t at = 0;
    /* Fewer bytes than a record header: padding (RFC 7011 3.3.1). */
    while (len - at >= 4) {
        bool bad;
        size_t n = template_record_len(body + at, len - at, options, &bad);
        if (!n) {
            stats->templates_bad += bad;
            break;
        }
        at += n;
    }
    return at;
}

/* Whether libfixbuf's error only says that the message is read. */
static bool end_of_message(const GError *err)
{
    return g_error_matches(err, FB_ERROR_DOMAIN, FB_ERROR_EOM) ||
           g_error_matches(err, FB_ERROR_DOMAIN, FB_ERROR_BUFSZ);
}

/*
 * Hands one set (set_len bytes at set, its 4-byte header included) to
 * libfixbuf as a message of its own and reads the records it gives.
 * Returns the data records read.
 */
static uint32_t feed_set(struct ipfix_session *s, const struct ipfix_header *h, const uint8_t *set,
                         size_t set_len, int64_t *system_init_ms, netflow_emit emit, void *ctx)
{
    uint8_t *m = s->model->message;
    put_be16(m, 10);
    put_be16(m + 2, (uint32_t)(16 + set_len));
    put_be32(m + 4, h->export_time);
    put_be32(m + 8, h->sequence); /* libfixbuf checks it only to log */
    put_be32(m + 12, h->domain);
    memcpy(m + 16, set, set_len);
    put_be16(m + 18, (uint32_t)set_len); /* a template set may have been cut short */
    fBufSetBuffer(s->fbuf, m, 16 + set_len);
    uint32_t records = 0;
    for (;;) {
        struct ipfix_record r;
        size_t len = sizeof(r);
        GError *err = NULL;
        if (!fBufNext(s->fbuf, (uint8_t *)&r, &len, &err)) {
            if (!end_of_message(err)) {
                s->stats->malformed++;
                fBufRewind(s->fbuf);
            }
            g_clear_error(&err);
            break;
        }
        records++;
        uint16_t tid = 0;
        fbTemplate_t *tmpl = fBufGetCollectionTemplate(s->fbuf, &tid);
        const struct template_info *info = tmpl ? fbTemplateGetContext(tmpl) : NULL;
        if (!info || !info->kept)
            continue;
        struct export_fields f;
        record_fields(&r, info->present, &f);
        struct export_time when = {(int64_t)h->export_time * 1000, -1, *system_init_ms};
        netflow_take_fields(s->stats, system_init_ms, info->options, &f, &when, emit, ctx);
    }
    return records;
}

/* Removes the withdrawn and the refused templates of the set just read. */
static void drop_templates(struct ipfix_session *s)
{
    for (size_t i = 0; i < s->drop_count; i++) {
        GError *err = NULL;
        if (!fbSessionRemoveTemplate(s->session, FALSE, s->drops[i], &err))
            g_clear_error(&err);
    }
    s->drop_count = 0;
}

uint32_t ipfix_decode_sets(struct ipfix_session *s, const struct ipfix_header *header,
                           const uint8_t *sets, size_t len, struct netflow_stats *stats,
                           int64_t *system_init_ms, netflow_emit emit, void *ctx)
{
    s->stats = stats;
    uint32_t records = 0;
    size_t at = 0;
    while (len - at > 0) {
        /* RFC 7011 3.3.2: a set header is an id and a length, the header included. */
        if (len - at < 4) {
            stats->malformed++;
            break;
        }
        uint16_t set_id = (uint16_t)(sets[at] << 8 | sets[at + 1]);
        size_t set_len = (size_t)(sets[at + 2] << 8 | sets[at + 3]);
        if (set_len < 4 || set_len > len - at) {
            stats->malformed++;
            break;
        }
        const uint8_t *set = sets + at;
        at += set_len;
        if (set_id == 2 || set_id == 3) {
            size_t body = template_set_prefix(set + 4, set_len - 4, set_id == 3, stats);
            if (body) {
                feed_set(s, header, set, 4 + body, system_init_ms, emit, ctx);
                drop_templates(s);
            }
        } else if (set_id >= 256) {
            GError *err = NULL;
            if (!fbSessionGetTemplate(s->session, FALSE, set_id, &err)) {
                g_clear_error(&err);
                stats->unknown_template++;
                continue;
            }
            records += feed_set(s, header, set, set_len, system_init_ms, emit, ctx);
        }
        /* Sets 0, 1 and 4 to 255 are not IPFIX's (RFC 7011 3.3.2): skipped. */
    }
    s->stats = NULL;
    return records;
}
