/*
 * Zeek conn.log lines into flow records.
 *
 * Two forms (https://docs.zeek.org/en/master/logs/conn.html):
 *  - TSV: '#' header lines (#separator, #unset_field, #fields ...) and one
 *    record per line, fields in the order #fields names them. A file may
 *    hold several headers (logs concatenated): each #fields line applies to
 *    the lines after it.
 *  - JSON lines: one object per line, keys "ts", "id.orig_h", ... (or an
 *    "id" object holding "orig_h", ...).
 *
 * Everything is checked: a line with too few fields, an unset required
 * field, a value out of range or inconsistent (IP bytes below 20 a packet,
 * bytes without packets), bytes that are not UTF-8 (Zeek escapes what is
 * not printable, so raw invalid bytes mean damage) is counted by why and
 * skipped.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "flowlog_int.h"

/* The fields a record is made of, and the optional ones that refine it. */
enum zeek_field {
    F_TS,
    F_ORIG_H,
    F_ORIG_P,
    F_RESP_H,
    F_RESP_P,
    F_PROTO,
    F_ORIG_PKTS,
    F_ORIG_IP_BYTES,
    F_RESP_PKTS,
    F_RESP_IP_BYTES,
    F_REQUIRED, /* the fields above are required */
    F_DURATION = F_REQUIRED,
    F_HISTORY,
    F_CONN_STATE,
    F_COUNT
};

static const char *const field_names[F_COUNT] = {
    "ts",       "id.orig_h", "id.orig_p",     "id.resp_h", "id.resp_p",
    "proto",    "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes",
    "duration", "history",   "conn_state",
};

/* Above these a count is no real flow's: the line is damaged. */
#define PACKETS_MAX (UINT64_C(1) << 40)
#define DURATION_MAX_S (366 * 86400 * 10)
/* ts between 1970 and 2200: int64_t nanoseconds hold it with room for the duration. */
#define TS_MAX_S INT64_C(7258118400)

struct zeek_state {
    bool json;
    bool has_fields;
    char separator;
    char unset[32];
    int column[F_COUNT]; /* index of each field in the TSV line, -1 when absent */
    int columns;         /* fields #fields names */
};

const char *flowlog_skip_name(enum flowlog_skip why)
{
    static const char *const names[FLOWLOG_SKIP_COUNT] = {
        "short", "unset", "value", "protocol", "utf8", "long", "header",
    };
    return (unsigned)why < FLOWLOG_SKIP_COUNT ? names[why] : "?";
}

struct zeek_state *zeek_state_new(bool json)
{
    struct zeek_state *s = xcalloc(1, sizeof(*s));
    s->json = json;
    s->separator = '\t';
    snprintf(s->unset, sizeof(s->unset), "-");
    for (int i = 0; i < F_COUNT; i++)
        s->column[i] = -1;
    return s;
}

void zeek_state_free(struct zeek_state *state)
{
    free(state);
}

/* RFC 3629: well-formed UTF-8, no overlong forms, no surrogates, no NUL. */
bool flowlog_utf8_valid(const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        size_t n;
        uint32_t cp;
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (n > len - i - 1)
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (p[i + k] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

/* ---- values ------------------------------------------------------------------ */

/* A decimal count of at most max. */
static bool parse_count(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0 || len > 20)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

/* Seconds with an optional fraction ("928.943457"), 0..max_s, as nanoseconds. */
static bool parse_seconds(const char *s, size_t len, int64_t max_s, int64_t *ns)
{
    size_t dot = 0;
    while (dot < len && s[dot] != '.')
        dot++;
    uint64_t whole;
    if (!parse_count(s, dot, (uint64_t)max_s, &whole))
        return false;
    int64_t frac = 0, scale = 100000000;
    if (dot < len) {
        if (dot + 1 == len)
            return false;
        for (size_t i = dot + 1; i < len; i++) {
            if (s[i] < '0' || s[i] > '9')
                return false;
            frac += (s[i] - '0') * scale; /* digits past the ninth add 0 */
            scale /= 10;
        }
    }
    *ns = (int64_t)whole * 1000000000 + frac;
    return true;
}

static bool parse_address(const char *s, size_t len, struct ip_addr *addr)
{
    char text[64];
    if (len == 0 || len >= sizeof(text))
        return false;
    memcpy(text, s, len);
    text[len] = '\0';
    return addr_parse(addr, text) == 0;
}

static bool text_is(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(s, word, len) == 0;
}

/* Zeek names the transport, not its number; -1 for unknown_transport, -2 for junk. */
static int parse_proto(const char *s, size_t len, bool v6)
{
    if (text_is(s, len, "tcp"))
        return 6;
    if (text_is(s, len, "udp"))
        return 17;
    if (text_is(s, len, "icmp"))
        return v6 ? 58 : 1;
    if (text_is(s, len, "unknown_transport"))
        return -1;
    return -2;
}

/*
 * Who sent the first packet. Zeek's history records each event's first
 * occurrence in order, upper case for the originator, lower case for the
 * responder ('^': Zeek flipped the two, the letters then follow the flipped
 * roles). A capture decides a TCP flow's initiator by its first packet: a
 * SYN's sender, a SYN-ACK's receiver, otherwise unknown; any other
 * protocol's first sender. conn_state stands in when history is unset.
 */
static uint8_t opener_from(uint8_t proto, const char *history, size_t hlen, const char *state,
                           size_t slen)
{
    size_t i = 0;
    while (i < hlen && history[i] == '^')
        i++;
    if (proto != 6) {
        if (i < hlen && history[i] >= 'a' && history[i] <= 'z')
            return FLOW_OPENED_BY_RESP;
        return FLOW_OPENED_BY_ORIG;
    }
    if (i < hlen) {
        switch (history[i]) {
        case 'S': /* SYN without ACK */
        case 'Q': /* SYN with FIN or RST */
        case 'h': /* the responder's SYN-ACK first: the originator had started */
            return FLOW_OPENED_BY_ORIG;
        case 's':
        case 'q':
        case 'H':
            return FLOW_OPENED_BY_RESP;
        default:
            return FLOW_OPENED_BY_UNKNOWN;
        }
    }
    static const char *const attempts[] = {"S0",   "S1",   "S2",     "S3", "SF",  "REJ",
                                           "RSTO", "RSTR", "RSTOS0", "SH", "SHR", "RSTRH"};
    for (size_t k = 0; k < sizeof(attempts) / sizeof(attempts[0]); k++)
        if (text_is(state, slen, attempts[k]))
            return FLOW_OPENED_BY_ORIG;
    return FLOW_OPENED_BY_UNKNOWN; /* OTH: no SYN seen; or no state at all */
}

/* The values of one line, as text: the same checks whatever the form. */
struct raw_field {
    const char *s;
    size_t len;
    bool present, unset;
};

/* Builds a record from the fields' text; returns 1, or -1 with *why. */
static int make_record(const struct raw_field *f, struct flow_record *r, enum flowlog_skip *why)
{
    for (int i = 0; i < F_REQUIRED; i++) {
        if (!f[i].present) {
            *why = FLOWLOG_SKIP_SHORT;
            return -1;
        }
        if (f[i].unset) {
            *why = FLOWLOG_SKIP_UNSET;
            return -1;
        }
    }
    memset(r, 0, sizeof(*r));
    *why = FLOWLOG_SKIP_VALUE;
    uint64_t orig_port, resp_port, duration_ns = 0;
    if (!parse_seconds(f[F_TS].s, f[F_TS].len, TS_MAX_S, &r->start_ns) ||
        !parse_address(f[F_ORIG_H].s, f[F_ORIG_H].len, &r->orig) ||
        !parse_address(f[F_RESP_H].s, f[F_RESP_H].len, &r->resp) ||
        !parse_count(f[F_ORIG_P].s, f[F_ORIG_P].len, 65535, &orig_port) ||
        !parse_count(f[F_RESP_P].s, f[F_RESP_P].len, 65535, &resp_port) ||
        !parse_count(f[F_ORIG_PKTS].s, f[F_ORIG_PKTS].len, PACKETS_MAX, &r->orig_packets) ||
        !parse_count(f[F_RESP_PKTS].s, f[F_RESP_PKTS].len, PACKETS_MAX, &r->resp_packets) ||
        !parse_count(f[F_ORIG_IP_BYTES].s, f[F_ORIG_IP_BYTES].len, PACKETS_MAX * 65535,
                     &r->orig_bytes) ||
        !parse_count(f[F_RESP_IP_BYTES].s, f[F_RESP_IP_BYTES].len, PACKETS_MAX * 65535,
                     &r->resp_bytes))
        return -1;
    if (addr_is_v4(&r->orig) != addr_is_v4(&r->resp))
        return -1;
    if (f[F_DURATION].present && !f[F_DURATION].unset) {
        int64_t d;
        if (!parse_seconds(f[F_DURATION].s, f[F_DURATION].len, DURATION_MAX_S, &d))
            return -1;
        duration_ns = (uint64_t)d;
    }
    r->end_ns = r->start_ns + (int64_t)duration_ns;
    /* An IP packet is 20 bytes at least (IPv4 header; IPv6 has 40) and 65,535 at most. */
    if (r->orig_bytes < 20 * r->orig_packets || r->orig_bytes > 65535 * r->orig_packets ||
        r->resp_bytes < 20 * r->resp_packets || r->resp_bytes > 65535 * r->resp_packets)
        return -1;
    int proto = parse_proto(f[F_PROTO].s, f[F_PROTO].len, !addr_is_v4(&r->orig));
    if (proto == -1) {
        *why = FLOWLOG_SKIP_PROTOCOL;
        return -1;
    }
    if (proto < 0)
        return -1;
    r->proto = (uint8_t)proto;
    if ((proto == 1 || proto == 58) && (orig_port > 255 || resp_port > 255))
        return -1;
    r->orig_port = (uint16_t)orig_port;
    r->resp_port = (uint16_t)resp_port;
    static const char none[] = "";
    const struct raw_field *h = &f[F_HISTORY], *st = &f[F_CONN_STATE];
    bool has_h = h->present && !h->unset, has_st = st->present && !st->unset;
    r->opener = opener_from(r->proto, has_h ? h->s : none, has_h ? h->len : 0,
                            has_st ? st->s : none, has_st ? st->len : 0);
    return 1;
}

/* ---- TSV ------------------------------------------------------------------------ */

/* A header value: "\x09" escapes as Zeek writes them, the rest as it is. */
static size_t unescape(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n + 1 < cap; i++) {
        unsigned v;
        char hex[3] = {0};
        if (s[i] == '\\' && len - i >= 4 && s[i + 1] == 'x') {
            hex[0] = s[i + 2];
            hex[1] = s[i + 3];
            if (sscanf(hex, "%2x", &v) == 1) {
                out[n++] = (char)v;
                i += 3;
                continue;
            }
        }
        out[n++] = s[i];
    }
    out[n] = '\0';
    return n;
}

/* One '#' line: #separator, #unset_field and #fields change how records read. */
static void tsv_header(struct zeek_state *s, const char *line, size_t len)
{
    char value[64];
    if (len > 11 && memcmp(line, "#separator ", 11) == 0) {
        if (unescape(line + 11, len - 11, value, sizeof(value)) == 1)
            s->separator = value[0];
        return;
    }
    size_t at = 1;
    while (at < len && line[at] != s->separator)
        at++;
    const char *key = line + 1, *rest = at < len ? line + at + 1 : line + len;
    size_t key_len = at - 1, rest_len = at < len ? len - at - 1 : 0;
    if (text_is(key, key_len, "unset_field")) {
        if (rest_len && rest_len < sizeof(s->unset)) {
            memcpy(s->unset, rest, rest_len);
            s->unset[rest_len] = '\0';
        }
    } else if (text_is(key, key_len, "fields")) {
        for (int i = 0; i < F_COUNT; i++)
            s->column[i] = -1;
        int column = 0;
        size_t start = 0;
        for (size_t i = 0; i <= rest_len; i++) {
            if (i < rest_len && rest[i] != s->separator)
                continue;
            for (int k = 0; k < F_COUNT; k++)
                if (s->column[k] < 0 && text_is(rest + start, i - start, field_names[k]))
                    s->column[k] = column;
            column++;
            start = i + 1;
            if (column > 4096)
                break;
        }
        s->columns = column;
        s->has_fields = true;
    }
}

static int tsv_line(struct zeek_state *s, const char *line, size_t len, struct flow_record *r,
                    enum flowlog_skip *why)
{
    if (line[0] == '#') {
        tsv_header(s, line, len);
        return 0;
    }
    if (!s->has_fields) {
        *why = FLOWLOG_SKIP_HEADER;
        return -1;
    }
    struct raw_field f[F_COUNT];
    memset(f, 0, sizeof(f));
    int column = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && line[i] != s->separator)
            continue;
        for (int k = 0; k < F_COUNT; k++)
            if (s->column[k] == column) {
                f[k].s = line + start;
                f[k].len = i - start;
                f[k].present = true;
                f[k].unset = text_is(f[k].s, f[k].len, s->unset);
            }
        column++;
        start = i + 1;
    }
    if (column < s->columns) {
        *why = FLOWLOG_SKIP_SHORT;
        return -1;
    }
    return make_record(f, r, why);
}

/* ---- JSON ------------------------------------------------------------------------ */

/*
 * A JSON value as the text the TSV form would hold: integers exactly, reals
 * to the microsecond (Zeek's resolution).
 */
struct json_text {
    char buf[64];
};

static void json_field(json_t *obj, json_t *id, const char *name, struct raw_field *f,
                       struct json_text *t)
{
    json_t *v = json_object_get(obj, name);
    if (!v && id && strncmp(name, "id.", 3) == 0)
        v = json_object_get(id, name + 3);
    if (!v)
        return;
    f->present = true;
    if (json_is_null(v)) {
        f->unset = true;
        return;
    }
    if (json_is_string(v)) {
        f->s = json_string_value(v);
        f->len = json_string_length(v);
        return;
    }
    int n = -1;
    if (json_is_integer(v) && json_integer_value(v) >= 0)
        n = snprintf(t->buf, sizeof(t->buf), "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        n = snprintf(t->buf, sizeof(t->buf), "%.6f", json_real_value(v));
    /* Anything else (an array, a negative number) fails to parse as a value. */
    if (n < 0 || (size_t)n >= sizeof(t->buf))
        n = snprintf(t->buf, sizeof(t->buf), "?");
    f->s = t->buf;
    f->len = (size_t)n;
}

static int json_line(const char *line, size_t len, struct flow_record *r, enum flowlog_skip *why)
{
    json_error_t error;
    json_t *obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &error);
    if (!obj || !json_is_object(obj)) {
        *why = json_error_code(&error) == json_error_invalid_utf8 ? FLOWLOG_SKIP_UTF8
                                                                  : FLOWLOG_SKIP_VALUE;
        json_decref(obj);
        return -1;
    }
    struct raw_field f[F_COUNT];
    struct json_text text[F_COUNT];
    memset(f, 0, sizeof(f));
    json_t *id = json_object_get(obj, "id");
    if (!json_is_object(id))
        id = NULL;
    for (int k = 0; k < F_COUNT; k++)
        json_field(obj, id, field_names[k], &f[k], &text[k]);
    int ret = make_record(f, r, why);
    json_decref(obj);
    return ret;
}

int zeek_parse_line(struct zeek_state *state, const char *line, size_t len,
                    struct flow_record *record, enum flowlog_skip *why)
{
    while (len && (line[len - 1] == '\r'))
        len--;
    if (len == 0)
        return 0;
    if (len > FLOWLOG_LINE_MAX) {
        *why = FLOWLOG_SKIP_LONG;
        return -1;
    }
    if (!flowlog_utf8_valid(line, len)) {
        *why = FLOWLOG_SKIP_UTF8;
        return -1;
    }
    if (state->json)
        return line[0] == '#' ? 0 : json_line(line, len, record, why);
    return tsv_line(state, line, len, record, why);
}

/* Whether the TSV header so far names every required field. */
bool zeek_state_complete(const struct zeek_state *state)
{
    if (!state->has_fields)
        return false;
    for (int i = 0; i < F_REQUIRED; i++)
        if (state->column[i] < 0)
            return false;
    return true;
}

/* Whether a JSON line is an object holding the required keys (recognition). */
bool zeek_json_is_conn(const char *line, size_t len)
{
    json_t *obj = json_loadb(line, len, 0, NULL);
    bool yes = json_is_object(obj);
    json_t *id = yes ? json_object_get(obj, "id") : NULL;
    for (int i = 0; yes && i < F_REQUIRED; i++)
        yes = json_object_get(obj, field_names[i]) != NULL ||
              (json_is_object(id) && strncmp(field_names[i], "id.", 3) == 0 &&
               json_object_get(id, field_names[i] + 3) != NULL);
    json_decref(obj);
    return yes;
}
