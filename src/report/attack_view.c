/*
 * The attacks section of a group: denial-of-service attacks on other hosts,
 * seen through their backscatter (docs/semantics.md, "Backscatter"). The
 * pass counts what each victim sent the sensor per minute and port, as
 * evidence rows "MINUTE proto/port" (packets and bytes); here a victim's
 * minutes are cut into attacks where 5 or more minutes passed without any,
 * the rule of Moore et al., "Inferring Internet Denial-of-Service Activity"
 * (ACM TOCS 24(2), 2006), whose flows end after 5 minutes without a packet.
 *
 * Rows come from the evidence table, which is bounded: so is this.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "report_int.h"

/* Attacks are cut where successive minutes with backscatter are further apart. */
#define ATTACK_GAP_S 300

struct minute_port {
    struct ip_addr victim;
    int64_t minute;
    uint8_t proto;
    uint16_t port;
    uint64_t packets, bytes;
};

static int minute_port_cmp(const void *a, const void *b)
{
    const struct minute_port *x = a, *y = b;
    int c = memcmp(&x->victim, &y->victim, sizeof(x->victim));
    if (c)
        return c;
    if (x->minute != y->minute)
        return x->minute < y->minute ? -1 : 1;
    if (x->proto != y->proto)
        return x->proto < y->proto ? -1 : 1;
    return x->port < y->port ? -1 : x->port > y->port;
}

static int attack_port_cmp(const void *a, const void *b)
{
    const struct attack_port *x = a, *y = b;
    if (x->packets != y->packets)
        return x->packets > y->packets ? -1 : 1;
    if (x->proto != y->proto)
        return x->proto < y->proto ? -1 : 1;
    return x->port < y->port ? -1 : x->port > y->port;
}

static int attack_cmp(const void *a, const void *b)
{
    const struct attack_entry *x = a, *y = b;
    if (x->packets != y->packets)
        return x->packets > y->packets ? -1 : 1;
    if (x->first_s != y->first_s)
        return x->first_s < y->first_s ? -1 : 1;
    return memcmp(&x->victim, &y->victim, sizeof(x->victim));
}

/*
 * Reads "MINUTE proto/port" (pass.c writes it). Returns 0 and the parts, or
 * -1 for a value of another shape (a store written by another version).
 */
static int parse_value(const char *v, size_t len, int64_t *minute, uint8_t *proto, uint16_t *port)
{
    static const struct {
        const char *name;
        uint8_t proto;
    } protos[] = {{"tcp", 6}, {"udp", 17}, {"icmp", 1}, {"icmp6", 58}};
    size_t i = 0;
    bool negative = len > 0 && v[0] == '-';
    i += negative;
    int64_t m = 0;
    size_t digits = 0;
    for (; i < len && v[i] >= '0' && v[i] <= '9' && digits < 18; i++, digits++)
        m = m * 10 + (v[i] - '0');
    if (!digits || i >= len || v[i] != ' ')
        return -1;
    *minute = negative ? -m : m;
    /* Its start and the end of the minute after it must be times in nanoseconds. */
    if (*minute < INT64_MIN / 1000000000 + 120 || *minute > INT64_MAX / 1000000000 - 120)
        return -1;
    const char *rest = v + i + 1;
    size_t rest_n = len - i - 1;
    const char *slash = memchr(rest, '/', rest_n);
    if (!slash)
        return -1;
    size_t proto_n = (size_t)(slash - rest);
    bool found = false;
    for (size_t k = 0; k < sizeof(protos) / sizeof(protos[0]); k++)
        if (strlen(protos[k].name) == proto_n && memcmp(protos[k].name, rest, proto_n) == 0) {
            *proto = protos[k].proto;
            found = true;
        }
    const char *num = slash + 1;
    size_t num_n = rest_n - proto_n - 1;
    if (!found || num_n == 0 || num_n > 5)
        return -1;
    unsigned long n = 0;
    for (size_t k = 0; k < num_n; k++) {
        if (num[k] < '0' || num[k] > '9')
            return -1;
        n = n * 10 + (unsigned long)(num[k] - '0');
    }
    if (n > 65535)
        return -1;
    *port = (uint16_t)n;
    return 0;
}

static void proto_word(uint8_t proto, char *buf, size_t len)
{
    snprintf(buf, len, "%s",
             proto == 6    ? "tcp"
             : proto == 17 ? "udp"
             : proto == 1  ? "icmp"
                           : "icmp6");
}

/* Adds packets on (proto, port) to the attack's ports. */
static void add_port(struct attack_entry *a, size_t *alloc, uint8_t proto, uint16_t port,
                     uint64_t packets)
{
    for (size_t i = 0; i < a->port_count; i++)
        if (a->ports[i].proto == proto && a->ports[i].port == port) {
            a->ports[i].packets += packets;
            return;
        }
    ALLOC_GROW(a->ports, a->port_count + 1, *alloc);
    struct attack_port *p = &a->ports[a->port_count++];
    memset(p, 0, sizeof(*p));
    p->proto = proto;
    p->port = port;
    p->packets = packets;
    proto_word(proto, p->proto_name, sizeof(p->proto_name));
}

/* The period's rows of the group, one per (victim, minute, port), sorted. */
static struct minute_port *gather(const struct report *r, const struct group_report *gr,
                                  size_t *count)
{
    _Static_assert(EVIDENCE_BACKSCATTER_BYTES == EVIDENCE_BACKSCATTER_PACKETS + 1,
                   "backscatter's kinds are neighbours");
    struct evidence_cursor *cursor = evidence_cursor_open_kinds(
        r->input->cube ? cube_evidence(r->input->cube) : NULL,
        (struct evidence_kinds){EVIDENCE_BACKSCATTER_PACKETS, EVIDENCE_BACKSCATTER_BYTES});
    const struct evidence_row *row;
    size_t used = 0, alloc = 0;
    struct minute_port *v = NULL;
    struct group_match match;
    while (evidence_cursor_next(cursor, &row) > 0) {
        int64_t bin;
        if (!report_bin_of(r, row->bin, &bin))
            continue;
        struct minute_port m;
        memset(&m, 0, sizeof(m));
        if (parse_value(row->value, row->len, &m.minute, &m.proto, &m.port) < 0)
            continue;
        if (!group_match_at(gr->group, &r->origins, &row->remote, bin, &match))
            continue;
        m.victim = row->remote;
        if (row->kind == EVIDENCE_BACKSCATTER_PACKETS)
            m.packets = row->count;
        else
            m.bytes = row->count;
        ALLOC_GROW(v, used + 1, alloc);
        v[used++] = m;
    }
    evidence_cursor_close(cursor);
    if (used)
        qsort(v, used, sizeof(*v), minute_port_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < used; i++) {
        if (kept && minute_port_cmp(&v[kept - 1], &v[i]) == 0) {
            v[kept - 1].packets += v[i].packets;
            v[kept - 1].bytes += v[i].bytes;
        } else {
            v[kept++] = v[i];
        }
    }
    *count = kept;
    return v;
}

void attack_view_build(const struct report *r, struct group_report *gr)
{
    size_t n, alloc = 0, port_alloc = 0;
    struct minute_port *v = gather(r, gr, &n);
    struct attack_entry *attacks = NULL, *a = NULL;
    size_t count = 0;
    uint64_t minute_packets = 0;
    for (size_t i = 0; i < n; i++) {
        const struct minute_port *m = &v[i];
        bool same_victim = a && addr_equal(&a->victim, &m->victim);
        int64_t last_minute = a ? a->last_s - 60 : 0;
        if (!same_victim || m->minute - last_minute > ATTACK_GAP_S) {
            ALLOC_GROW(attacks, count + 1, alloc);
            a = &attacks[count++];
            memset(a, 0, sizeof(*a));
            a->victim = m->victim;
            a->first_s = m->minute;
            a->last_s = m->minute + 60;
            port_alloc = 0;
            minute_packets = 0;
        } else if (m->minute != last_minute) {
            minute_packets = 0;
        }
        a->last_s = m->minute + 60;
        a->packets += m->packets;
        a->bytes += m->bytes;
        minute_packets += m->packets;
        if (minute_packets > a->peak_packets_per_minute)
            a->peak_packets_per_minute = minute_packets;
        if (m->packets)
            add_port(a, &port_alloc, m->proto, m->port, m->packets);
    }
    free(v);
    /* Records come victim by victim: a victim starts where the one before differs. */
    gr->attack_victims = gr->attack_packets = 0;
    for (size_t i = 0; i < count; i++) {
        gr->attack_victims += i == 0 || !addr_equal(&attacks[i - 1].victim, &attacks[i].victim);
        gr->attack_packets += attacks[i].packets;
    }
    for (size_t i = 0; i < count; i++)
        if (attacks[i].port_count)
            qsort(attacks[i].ports, attacks[i].port_count, sizeof(*attacks[i].ports),
                  attack_port_cmp);
    if (count)
        qsort(attacks, count, sizeof(*attacks), attack_cmp);
    size_t shown = report_top_rows(r);
    if (shown > count)
        shown = count;
    for (size_t i = shown; i < count; i++)
        free(attacks[i].ports);
    gr->attacks = attacks;
    gr->attack_count = shown;
    gr->attack_total = count;
}

void attack_view_release(struct group_report *gr)
{
    for (size_t i = 0; i < gr->attack_count; i++)
        free(gr->attacks[i].ports);
    free(gr->attacks);
    gr->attacks = NULL;
    gr->attack_count = gr->attack_total = 0;
    gr->attack_victims = gr->attack_packets = 0;
}
