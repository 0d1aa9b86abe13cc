/*
 * --mask: finding the sensor's addresses in text, and telling which evidence
 * the sensor itself may have sent.
 *
 * A masked report is meant to be published without revealing the honeypot,
 * yet its evidence holds what the bot wrote (EHLO [192.0.2.10], a Host
 * header, a PTR query for 10.2.0.192.in-addr.arpa) and what the remote side
 * wrote back. mask_redact() scans a string for every written form of an
 * address (docs/semantics.md, "Masking", lists them), parses each candidate
 * and replaces those inside a sensor prefix with MASK_SENSOR. It errs on the
 * side of hiding: every 4-part IPv4 form is also tried in reverse byte
 * order, as PTR-style host names write it.
 *
 * Evidence rows do not record which side sent them; the sender index below
 * infers it from the kind (client or server side of its protocol) and the
 * initiators of the conversations with that remote that started in that bin.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../common/hash_index.h"
#include "../common/xalloc.h"
#include "report_int.h"

/* ---- parsing candidate tokens ------------------------------------------------ */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool ascii_prefix(const char *s, size_t left, const char *word)
{
    size_t n = strlen(word);
    if (n > left)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return false;
    }
    return true;
}

/*
 * Parses exactly s[0..n) as IPv6 text (RFC 4291 2.2: groups of 1 to 4 hex
 * digits, one "::", a dotted IPv4 tail) in any letter case. Returns 0, or -1.
 */
static int parse_v6(const char *s, size_t n, uint8_t out[16])
{
    uint16_t groups[8];
    size_t count = 0, gap = 8, i = 0;
    if (n >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 0;
        i = 2;
        if (n == 2)
            goto done;
    } else if (n && s[0] == ':') {
        return -1;
    }
    for (;;) {
        size_t start = i;
        unsigned v = 0;
        while (i < n && i - start < 4 && hex_digit_value(s[i]) >= 0)
            v = v << 4 | (unsigned)hex_digit_value(s[i++]);
        if (i < n && s[i] == '.') {
            /* a dotted IPv4 tail takes the last two groups */
            unsigned parts[4], k = 0;
            i = start;
            while (k < 4) {
                size_t d = i;
                unsigned p = 0;
                while (i < n && is_digit(s[i]) && i - d < 3)
                    p = p * 10 + (unsigned)(s[i++] - '0');
                if (i == d || p > 255)
                    return -1;
                parts[k++] = p;
                if (k < 4 && (i >= n || s[i++] != '.'))
                    return -1;
            }
            if (i != n || count > 6)
                return -1;
            groups[count++] = (uint16_t)(parts[0] << 8 | parts[1]);
            groups[count++] = (uint16_t)(parts[2] << 8 | parts[3]);
            break;
        }
        if (i == start || count == 8)
            return -1;
        groups[count++] = (uint16_t)v;
        if (i == n)
            break;
        if (s[i] != ':')
            return -1;
        i++;
        if (i < n && s[i] == ':') {
            if (gap != 8)
                return -1;
            gap = count;
            i++;
            if (i == n)
                break;
        } else if (i == n) {
            return -1;
        }
    }
done:
    if (gap == 8 ? count != 8 : count > 7)
        return -1;
    memset(out, 0, 16);
    size_t tail = count - (gap == 8 ? count : gap);
    for (size_t g = 0; g < count; g++) {
        size_t at = g < (gap == 8 ? count : gap) ? g : 8 - tail + (g - gap);
        out[2 * at] = (uint8_t)(groups[g] >> 8);
        out[2 * at + 1] = (uint8_t)groups[g];
    }
    return 0;
}

/* ---- membership -------------------------------------------------------------- */

static bool v4_in(const struct sensor_set *sensors, const uint8_t v4[4])
{
    struct ip_addr a;
    addr_from_v4(&a, v4);
    return sensor_set_contains(sensors, &a);
}

/* The IPv6 address, or an IPv4 address it carries (mapped, compatible, NAT64,
 * 6to4, Teredo), inside a sensor prefix. */
static bool v6_in(const struct sensor_set *sensors, const uint8_t b[16])
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const uint8_t zero[12] = {0};
    static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b};
    struct ip_addr a;
    addr_from_v6(&a, b);
    if (sensor_set_contains(sensors, &a))
        return true;
    if (memcmp(b, mapped, 12) == 0 || memcmp(b, zero, 12) == 0 || memcmp(b, nat64, 12) == 0)
        return v4_in(sensors, b + 12);
    if (b[0] == 0x20 && b[1] == 0x02)
        return v4_in(sensors, b + 2);
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
        uint8_t client[4] = {(uint8_t)~b[12], (uint8_t)~b[13], (uint8_t)~b[14], (uint8_t)~b[15]};
        return v4_in(sensors, b + 4) || v4_in(sensors, client);
    }
    return false;
}

/* Whether the prefix (of a reverse zone) and a sensor prefix share an address. */
static bool prefix_meets(const struct sensor_set *sensors, const struct ip_prefix *p)
{
    for (size_t i = 0; i < sensors->count; i++) {
        const struct ip_prefix *s = &sensors->prefixes[i];
        if (p->len >= s->len ? prefix_contains(s, &p->addr) : prefix_contains(p, &s->addr))
            return true;
    }
    return false;
}

/* ---- the forms ----------------------------------------------------------------- */

/*
 * A reverse DNS name ending at s + end ("in-addr.arpa" or "ip6.arpa" starts
 * there): walks back over its labels and returns where they start, or
 * SIZE_MAX when it names nothing inside a sensor prefix. A zone shorter than
 * an address (2.0.192.in-addr.arpa) counts when its prefix meets a sensor's.
 */
static size_t reverse_name(const struct sensor_set *sensors, const char *s, size_t end, bool v6)
{
    size_t start = end, labels = 0;
    uint8_t b[16] = {0};
    unsigned values[32];
    while (labels < (v6 ? 32u : 4u) && start >= 2 && s[start - 1] == '.') {
        size_t k = start - 1, digits = 0;
        unsigned v = 0, scale = 1;
        while (k > 0 && digits < (v6 ? 1u : 3u) &&
               (v6 ? hex_digit_value(s[k - 1]) >= 0 : is_digit(s[k - 1]))) {
            k--;
            digits++;
            v += (unsigned)hex_digit_value(s[k]) * scale;
            scale *= 10;
        }
        if (!digits || v > 255 || (k > 0 && (is_alnum(s[k - 1]) || s[k - 1] == '-')))
            break;
        values[labels++] = v;
        start = k;
    }
    if (!labels)
        return SIZE_MAX;
    /* values[] holds the labels nearest the suffix first: the address's first bytes */
    struct ip_prefix p;
    if (v6) {
        for (size_t i = 0; i < labels; i++)
            b[i / 2] |= (uint8_t)(values[i] << (i % 2 ? 0 : 4));
        addr_from_v6(&p.addr, b);
        p.len = (uint8_t)(4 * labels);
        if (labels == 32 && v6_in(sensors, b))
            return start;
    } else {
        for (size_t i = 0; i < labels; i++)
            b[i] = (uint8_t)values[i];
        addr_from_v4(&p.addr, b);
        p.len = (uint8_t)(96 + 8 * labels);
    }
    return prefix_meets(sensors, &p) ? start : SIZE_MAX;
}

/* a.b.c.d with '.', '-' or '_' between parts of 1 to 3 decimal digits (leading
 * zeros allowed), in either byte order. Returns the length, or 0. */
static size_t quad(const struct sensor_set *sensors, const char *s, size_t left)
{
    uint8_t v[4], r[4];
    size_t i = 0;
    char sep = 0;
    for (unsigned k = 0; k < 4; k++) {
        size_t d = i;
        unsigned p = 0;
        while (i < left && is_digit(s[i]) && i - d < 3)
            p = p * 10 + (unsigned)(s[i++] - '0');
        if (i == d || p > 255 || (i < left && is_digit(s[i])))
            return 0;
        v[k] = (uint8_t)p;
        r[3 - k] = (uint8_t)p;
        if (k == 3)
            break;
        if (i >= left || (sep ? s[i] != sep : !strchr(".-_", s[i])))
            return 0;
        sep = s[i++];
    }
    return v4_in(sensors, v) || v4_in(sensors, r) ? i : 0;
}

/* IPv6 text, or the same with '-' for ':' (ipv6-literal.net host names), with
 * an optional zone ("%eth0", "%25eth0" in a URL). Returns the length, or 0. */
static size_t six(const struct sensor_set *sensors, const char *s, size_t left)
{
    uint8_t b[16];
    char buf[64];
    size_t n = 0, colons = 0;
    bool dashed = false;
    while (n < left && n < sizeof(buf) &&
           (hex_digit_value(s[n]) >= 0 || s[n] == ':' || s[n] == '.'))
        colons += s[n++] == ':';
    if (colons < 2) {
        n = 0;
        while (n < left && n < sizeof(buf) && (hex_digit_value(s[n]) >= 0 || s[n] == '-'))
            colons += s[n++] == '-';
        dashed = true;
        if (colons < 2)
            return 0;
    }
    if (n >= sizeof(buf))
        return 0;
    for (size_t i = 0; i < n; i++)
        buf[i] = dashed && s[i] == '-' ? ':' : s[i];
    /*
     * The whole run, when it is an address. When it is none ("2001:db8::10:
     * c00.:.", "2001:db8::10c000:20a::1"), the longest address it begins
     * with: an address glued to more characters is still there to read. A
     * run that is another address as a whole is that address: its head is
     * not looked at (2001:db8::100 is not 2001:db8::10).
     */
    size_t m = n;
    while (m > 0 && (buf[m - 1] == '.' || buf[m - 1] == '-'))
        m--; /* the end of a sentence or a host name's next label */
    if (m >= 2 && parse_v6(buf, m, b) == 0) {
        if (!v6_in(sensors, b))
            return 0;
        n = m;
    } else {
        for (;; m--) {
            if (m < 2)
                return 0;
            if (buf[m - 1] == '.' || buf[m - 1] == '-')
                continue;
            if (parse_v6(buf, m, b) == 0 && v6_in(sensors, b))
                break;
        }
        n = m;
    }
    if (n < left && s[n] == '%') {
        n++;
        while (n < left && (is_alnum(s[n]) || s[n] == '_' || s[n] == '-' || s[n] == '.'))
            n++;
    }
    return n;
}

/* An IPv4 address as one number: 8 to 10 decimal digits, or 8 hex digits
 * (with or without 0x). Returns the length, or 0. */
static size_t integer(const struct sensor_set *sensors, const char *s, size_t left)
{
    size_t i = ascii_prefix(s, left, "0x") ? 2 : 0, n = 0;
    uint64_t v = 0;
    while (i + n < left && hex_digit_value(s[i + n]) >= 0 && n < 11)
        n++;
    uint64_t hex = 0;
    bool decimal = i == 0;
    for (size_t k = 0; k < n; k++) {
        hex = hex << 4 | (uint64_t)hex_digit_value(s[i + k]);
        decimal = decimal && is_digit(s[i + k]);
        v = v * 10 + (uint64_t)(s[i + k] - '0');
    }
    if (i + n < left && is_alnum(s[i + n]))
        return 0;
    uint8_t b[4];
    if (n == 8) {
        for (unsigned k = 0; k < 4; k++)
            b[k] = (uint8_t)(hex >> (24 - 8 * k));
        if (v4_in(sensors, b))
            return i + n;
    }
    if (decimal && n >= 8 && n <= 10 && v <= 0xffffffffu) {
        for (unsigned k = 0; k < 4; k++)
            b[k] = (uint8_t)(v >> (24 - 8 * k));
        if (v4_in(sensors, b))
            return n;
    }
    return 0;
}

/*
 * The length of a sensor address written at s + i, or 0. plain: only the
 * usual forms (dotted quad, IPv6 text), not addresses written as one number.
 */
static size_t form_at(const struct sensor_set *sensors, const char *s, size_t i, size_t len,
                      bool plain)
{
    char prev = i ? s[i - 1] : ' ';
    size_t n;
    /*
     * A form is looked for at every position, inside longer runs of digits
     * too ("20a2001:db8::10", "1192.0.2.10"): glued to other characters an
     * address is still readable, and hiding errs on the safe side.
     */
    if ((hex_digit_value(s[i]) >= 0 || s[i] == ':') && (n = six(sensors, s + i, len - i)))
        return n;
    if (is_digit(s[i]) && (n = quad(sensors, s + i, len - i)))
        return n;
    if (!plain && !is_alnum(prev) && hex_digit_value(s[i]) >= 0 &&
        (n = integer(sensors, s + i, len - i)))
        return n;
    return 0;
}

/* Widens [*a, *b) over the brackets of an address literal: "[...]", "[IPv6:...]". */
static void widen(const char *s, size_t len, size_t *a, size_t *b)
{
    if (*b >= len || s[*b] != ']')
        return;
    if (*a >= 1 && s[*a - 1] == '[') {
        (*a)--;
        (*b)++;
    } else if (*a >= 6 && s[*a - 6] == '[' && ascii_prefix(s + *a - 5, 5, "ipv6:")) {
        *a -= 6;
        (*b)++;
    }
}

struct span {
    size_t a, b;
};

/*
 * What a form found becomes: written into out (at most REPLACEMENT_MAX bytes)
 * from the form's text (len bytes at form, brackets included); returns the
 * bytes written.
 */
#define REPLACEMENT_MAX (ADDR_TEXT_MAX + 8)
typedef size_t (*replace_form)(void *ctx, const char *form, size_t len, char *out);

static size_t sensor_mark(void *ctx, const char *form, size_t len, char *out)
{
    (void)ctx;
    (void)form;
    (void)len;
    memcpy(out, MASK_SENSOR, strlen(MASK_SENSOR));
    return strlen(MASK_SENSOR);
}

/*
 * One pass of mask_redact(): the forms found in s as it is, each replaced by
 * what replace writes. plain: dotted quads and IPv6 text only.
 */
static char *redact_once(const struct sensor_set *sensors, const char *s, size_t len, bool plain,
                         replace_form replace, void *ctx)
{
    struct span *spans = NULL;
    size_t count = 0, alloc = 0;
    if (!sensors || !sensors->count)
        return NULL;
    for (size_t i = 0; i < len;) {
        size_t a = i, b = 0;
        if (!plain && (ascii_prefix(s + i, len - i, "in-addr.arpa") ||
                       ascii_prefix(s + i, len - i, "ip6.arpa"))) {
            bool v6 = s[i + 2] == '6';
            size_t start = reverse_name(sensors, s, i, v6);
            if (start != SIZE_MAX) {
                /* the whole name replaces what was found among its labels */
                a = start;
                for (; count && spans[count - 1].b > start; count--)
                    if (spans[count - 1].a < a)
                        a = spans[count - 1].a;
                b = i + (v6 ? 8 : 12);
            }
        }
        if (!b) {
            size_t n = form_at(sensors, s, i, len, plain);
            if (n)
                b = i + n;
        }
        if (!b) {
            i++;
            continue;
        }
        widen(s, len, &a, &b);
        ALLOC_GROW(spans, count + 1, alloc);
        spans[count].a = a;
        spans[count].b = b;
        count++;
        i = b;
    }
    if (!count)
        return NULL;
    size_t out_len = len + count * REPLACEMENT_MAX + 1, o = 0, from = 0;
    char *out = xmalloc(out_len);
    for (size_t k = 0; k < count; k++) {
        memcpy(out + o, s + from, spans[k].a - from);
        o += spans[k].a - from;
        o += replace(ctx, s + spans[k].a, spans[k].b - spans[k].a, out + o);
        from = spans[k].b;
    }
    memcpy(out + o, s + from, len - from);
    o += len - from;
    out[o] = '\0';
    free(spans);
    return out;
}

char *mask_redact(const struct sensor_set *sensors, const char *s, size_t len)
{
    /*
     * A form inside a longer token that is no address (two "::" in one
     * run) leaves, once redacted, a head that can itself be a sensor
     * address ("2001:db8:0:1::[sensor]"): redact again until nothing is
     * found. Each pass turns a run of address characters into one "[sensor]",
     * so the passes end.
     */
    char *out = redact_once(sensors, s, len, false, sensor_mark, NULL);
    for (char *next;
         out && (next = redact_once(sensors, out, strlen(out), false, sensor_mark, NULL));) {
        free(out);
        out = next;
    }
    return out;
}

/* ---- --anonymize: every address written in a string ------------------------- */

/* An address form found: its anonymised text (brackets kept), or ANONYMIZED_FORM. */
static size_t anonymized_form(void *ctx, const char *form, size_t len, char *out)
{
    struct anonymizer *anon = ctx;
    size_t head = 0, tail = 0;
    if (len >= 2 && form[0] == '[' && form[len - 1] == ']') {
        head = len > 7 && ascii_prefix(form + 1, len - 2, "ipv6:") ? 6 : 1;
        tail = 1;
    }
    char text[ADDR_TEXT_MAX];
    struct ip_addr addr;
    size_t n = len - head - tail;
    if (n < sizeof(text)) {
        memcpy(text, form + head, n);
        text[n] = '\0';
    }
    if (n >= sizeof(text) || addr_parse(&addr, text) < 0) {
        memcpy(out, ANONYMIZED_FORM, strlen(ANONYMIZED_FORM));
        return strlen(ANONYMIZED_FORM);
    }
    anonymizer_addr(anon, &addr);
    addr_format(&addr, text);
    size_t o = head;
    memcpy(out, form, head);
    memcpy(out + o, text, strlen(text));
    o += strlen(text);
    memcpy(out + o, form + len - tail, tail);
    return o + tail;
}

char *anonymize_text(struct anonymizer *anon, const char *s, size_t len)
{
    struct sensor_set every;
    struct ip_prefix all;
    const char *why;
    sensor_set_init(&every);
    prefix_parse(&all, "0.0.0.0/0", &why);
    sensor_set_add(&every, &all);
    prefix_parse(&all, "::/0", &why);
    sensor_set_add(&every, &all);
    /* One pass: what it writes are addresses again. */
    char *out = redact_once(&every, s, len, true, anonymized_form, anon);
    sensor_set_release(&every);
    return out;
}

/* ---- who sent a piece of evidence --------------------------------------------- */

/* The protocols whose parsers a conversation's bytes may reach (evidence.c, pick()). */
enum talk {
    TALK_DNS,  /* service 53, TCP or UDP */
    TALK_SMTP, /* TCP 25, 465, 587 */
    TALK_TCP,  /* HTTP and TLS: any TCP service */
};

struct sender_entry {
    int64_t bin;
    struct ip_addr remote;
    uint16_t bits; /* 1 << (talk * 3 + initiator) for each conversation started */
};

struct sender_index {
    struct sender_entry *v;
    size_t count, alloc;
    /* The (bin, remote) pairs evidence was kept for: only their
     * conversations are looked up, so a flood costs no memory here. */
    struct sender_key *keys;
    size_t key_count, key_alloc;
    struct hash_index key_index;
};

struct sender_key {
    int64_t bin;
    struct ip_addr remote;
    uint8_t pad[4]; /* keeps the key free of padding for hashing */
};

static int sender_cmp(const void *a, const void *b)
{
    const struct sender_entry *x = a, *y = b;
    int c = addr_compare(&x->remote, &y->remote);
    if (c)
        return c;
    return x->bin < y->bin ? -1 : x->bin > y->bin;
}

static uint16_t talk_bits(const struct cube_key *k)
{
    uint16_t bits = 0, one = (uint16_t)(1u << (k->initiator % 3));
    if (initiator_is_backscatter(k->initiator))
        return 0; /* no evidence is kept of backscatter */
    if (k->proto == PROTO_TCP) {
        bits |= (uint16_t)(one << (3 * TALK_TCP));
        if (k->service == 25 || k->service == 465 || k->service == 587)
            bits |= (uint16_t)(one << (3 * TALK_SMTP));
    }
    if ((k->proto == PROTO_TCP || k->proto == PROTO_UDP) && k->service == 53)
        bits |= (uint16_t)(one << (3 * TALK_DNS));
    return bits;
}

static const void *sender_key_of(const void *rows, uint32_t row, void *scratch, size_t *len)
{
    (void)scratch;
    *len = sizeof(struct sender_key);
    return &((const struct sender_key *)rows)[row];
}

static struct sender_key sender_key_make(int64_t bin, const struct ip_addr *remote)
{
    struct sender_key k;
    memset(&k, 0, sizeof(k));
    k.bin = bin;
    k.remote = *remote;
    return k;
}

struct sender_index *sender_index_new(struct evidence_table *evidence)
{
    struct sender_index *x = xcalloc(1, sizeof(*x));
    struct evidence_cursor *cursor = evidence_cursor_open(evidence, false);
    const struct evidence_row *row;
    hash_index_init(&x->key_index, sender_key_of, evidence_table_count(evidence));
    while (evidence_cursor_next(cursor, &row) > 0) {
        struct sender_key k = sender_key_make(row->bin, &row->remote);
        if (hash_index_find_or_add(&x->key_index, x->keys, &k, sizeof(k), (uint32_t)x->key_count) ==
            x->key_count) {
            ALLOC_GROW(x->keys, x->key_count + 1, x->key_alloc);
            x->keys[x->key_count++] = k;
        }
    }
    evidence_cursor_close(cursor);
    return x;
}

void sender_index_add(struct sender_index *x, struct cube *cube)
{
    size_t n = cube_row_count(cube);
    for (size_t i = 0; i < n; i++) {
        const struct cube_row *row = cube_row_at(cube, (uint32_t)i);
        uint16_t bits = talk_bits(&row->key);
        if (!row->counts.flows || !bits)
            continue;
        struct sender_key k = sender_key_make(row->key.bin, &row->key.remote);
        if (hash_index_find(&x->key_index, x->keys, &k, sizeof(k)) == HASH_INDEX_NONE)
            continue; /* no evidence to judge for this conversation's remote and bin */
        ALLOC_GROW(x->v, x->count + 1, x->alloc);
        x->v[x->count].bin = row->key.bin;
        x->v[x->count].remote = row->key.remote;
        x->v[x->count].bits = bits;
        x->count++;
    }
}

void sender_index_finish(struct sender_index *x)
{
    if (x->count)
        qsort(x->v, x->count, sizeof(*x->v), sender_cmp);
    size_t out = 0;
    for (size_t i = 0; i < x->count; i++) {
        if (out && sender_cmp(&x->v[out - 1], &x->v[i]) == 0)
            x->v[out - 1].bits |= x->v[i].bits;
        else
            x->v[out++] = x->v[i];
    }
    x->count = out;
}

void sender_index_free(struct sender_index *x)
{
    if (!x)
        return;
    free(x->keys);
    hash_index_release(&x->key_index);
    free(x->v);
    free(x);
}

bool sender_index_maybe_sensor(const struct sender_index *x, const struct evidence_row *row)
{
    enum talk talk;
    bool client;
    switch (row->kind) {
    case EVIDENCE_SMTP_BANNER:
    case EVIDENCE_SMTP_REPLY:
        talk = TALK_SMTP;
        client = false;
        break;
    case EVIDENCE_DNS_QUERY:
        talk = TALK_DNS;
        client = true;
        break;
    case EVIDENCE_DNS_ANSWER:
    case EVIDENCE_DNS_ERROR:
        /* the server's words, about the name the client asked for: one of
         * the two is the sensor, whoever started the conversation */
        return true;
    case EVIDENCE_HTTP_RESPONSE:
    case EVIDENCE_HTTP_LOCATION:
        talk = TALK_TCP;
        client = false;
        break;
    case EVIDENCE_HTTP_REQUEST:
    case EVIDENCE_HTTP_HOST:
    case EVIDENCE_HTTP_USER_AGENT:
    case EVIDENCE_HTTP_URL:
    case EVIDENCE_TLS_SNI:
    case EVIDENCE_TLS_JA4:
    case EVIDENCE_SSH_CLIENT:
    case EVIDENCE_SSH_HASSH:
        talk = TALK_TCP;
        client = true;
        break;
    case EVIDENCE_SSH_HASSH_SERVER:
        talk = TALK_TCP;
        client = false;
        break;
    default: /* the SMTP client's commands and message */
        talk = TALK_SMTP;
        client = true;
        break;
    }
    struct sender_entry key = {.bin = row->bin, .remote = row->remote};
    const struct sender_entry *e =
        x ? bsearch(&key, x->v, x->count, sizeof(*x->v), sender_cmp) : NULL;
    if (!e)
        return true; /* no conversation to judge by: hide rather than guess */
    unsigned bits = e->bits >> (3 * talk) & 7u;
    if (!bits || bits & 1u << INITIATOR_UNKNOWN)
        return true;
    /* the client is the side that started the conversation */
    return bits & 1u << (client ? INITIATOR_SENSOR : INITIATOR_REMOTE);
}
