/*
 * The scanners section of a group: which scanning tools the group's remotes
 * probed the sensor with in the period (their tags, decode/scanner.h, are
 * evidence rows "tool proto/port" counted per bin and remote), with the
 * distinct sources, probes, flows and probed ports of each.
 *
 * A source tagged with two tools counts once for each: the sources of the
 * tools need not add up to the group's. Distinct sources come from putting
 * each tool's remotes in address order (radix sorted, as a flood tags
 * millions of them) and port sums from a small table of (tool, proto, port);
 * both are bounded by the evidence table's rows.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/hash_index.h"
#include "../common/sort.h"
#include "../common/xalloc.h"
#include "../decode/scanner.h"
#include "report_int.h"

/* The remotes tagged with one tool, one per row (repeated across bins and ports). */
struct tool_sources {
    struct ip_addr *remotes;
    size_t count, alloc;
};

static const struct ip_addr *source_at(const void *ctx, size_t i)
{
    return &((const struct ip_addr *)ctx)[i];
}

/* Distinct addresses among the n at remotes. */
static uint64_t distinct_remotes(const struct ip_addr *remotes, size_t n)
{
    if (n == 0)
        return 0;
    uint32_t *order = xreallocarray(NULL, n, sizeof(*order));
    address_order(n, source_at, remotes, order);
    uint64_t distinct = 1;
    for (size_t i = 1; i < n; i++)
        distinct += !addr_equal(&remotes[order[i - 1]], &remotes[order[i]]);
    free(order);
    return distinct;
}

/* Probes summed per (tool, proto, port): ports are the sender's choice. */
struct tagged_port {
    uint32_t key; /* tool << 24 | proto << 16 | port */
    uint64_t packets;
};

struct port_table {
    struct tagged_port *v;
    size_t count, alloc;
    struct hash_index index;
};

static const void *port_key_of(const void *rows, uint32_t row, void *scratch, size_t *len)
{
    (void)scratch;
    *len = sizeof(uint32_t);
    return &((const struct tagged_port *)rows)[row].key;
}

static void port_table_add(struct port_table *t, unsigned tool, uint8_t proto, uint16_t port,
                           uint64_t packets)
{
    uint32_t key = (uint32_t)tool << 24 | (uint32_t)proto << 16 | port;
    uint32_t at = hash_index_find_or_add(&t->index, t->v, &key, sizeof(key), (uint32_t)t->count);
    if (at == t->count) {
        ALLOC_GROW(t->v, t->count + 1, t->alloc);
        t->v[t->count++] = (struct tagged_port){key, 0};
    }
    t->v[at].packets += packets;
}

static int port_count_cmp(const void *a, const void *b)
{
    const struct scanner_port *x = a, *y = b;
    if (x->packets != y->packets)
        return x->packets > y->packets ? -1 : 1;
    if (x->proto != y->proto)
        return x->proto < y->proto ? -1 : 1;
    return x->port < y->port ? -1 : x->port > y->port;
}

static int entry_cmp(const void *a, const void *b)
{
    const struct scanner_entry *x = a, *y = b;
    if (x->packets != y->packets)
        return x->packets > y->packets ? -1 : 1;
    return strcmp(x->tool, y->tool);
}

/*
 * Reads "tool proto/port" (pass.c writes it). Returns 0 and the parts, or -1
 * for a value of another shape (a store written by another version).
 */
static int parse_value(const char *v, size_t len, unsigned *tool, uint8_t *proto, uint16_t *port)
{
    static const struct {
        const char *name;
        uint8_t proto;
    } protos[] = {{"tcp", 6}, {"udp", 17}, {"icmp", 1}, {"icmp6", 58}, {"proto", 0}};
    const char *sp = memchr(v, ' ', len);
    if (!sp)
        return -1;
    size_t tool_n = (size_t)(sp - v);
    *tool = SCANNER_NONE;
    *proto = 0;
    for (unsigned t = SCANNER_NONE + 1; t < SCANNER_TOOL_COUNT; t++) {
        const char *name = scanner_tool_name((enum scanner_tool)t);
        if (strlen(name) == tool_n && memcmp(name, v, tool_n) == 0)
            *tool = t;
    }
    const char *rest = sp + 1;
    size_t rest_n = len - tool_n - 1;
    const char *slash = memchr(rest, '/', rest_n);
    if (*tool == SCANNER_NONE || !slash)
        return -1;
    size_t proto_n = (size_t)(slash - rest);
    int found = 0;
    for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
        if (strlen(protos[i].name) == proto_n && memcmp(protos[i].name, rest, proto_n) == 0) {
            *proto = protos[i].proto;
            found = 1;
        }
    const char *digits = slash + 1;
    size_t digits_n = rest_n - proto_n - 1;
    if (!found || digits_n == 0 || digits_n > 5)
        return -1;
    unsigned long n = 0;
    for (size_t i = 0; i < digits_n; i++) {
        if (digits[i] < '0' || digits[i] > '9')
            return -1;
        n = n * 10 + (unsigned long)(digits[i] - '0');
    }
    if (n > 65535)
        return -1;
    if (*proto == 0) { /* "proto/47": another protocol, its number, no port */
        if (n > 255)
            return -1;
        *proto = (uint8_t)n;
        n = 0;
    }
    *port = (uint16_t)n;
    return 0;
}

static void proto_word(uint8_t proto, char *buf, size_t len)
{
    switch (proto) {
    case 6:
        snprintf(buf, len, "tcp");
        break;
    case 17:
        snprintf(buf, len, "udp");
        break;
    case 1:
        snprintf(buf, len, "icmp");
        break;
    case 58:
        snprintf(buf, len, "icmp6");
        break;
    default:
        snprintf(buf, len, "proto");
        break;
    }
}

void scanner_view_build(const struct report *r, struct group_report *gr)
{
    _Static_assert(EVIDENCE_SCANNER_FLOWS == EVIDENCE_SCANNER_PACKETS + 1,
                   "the scanners' kinds are neighbours");
    struct evidence_cursor *cursor = evidence_cursor_open_kinds(
        r->input->cube ? cube_evidence(r->input->cube) : NULL,
        (struct evidence_kinds){EVIDENCE_SCANNER_PACKETS, EVIDENCE_SCANNER_FLOWS});
    const struct evidence_row *row;
    struct group_match match;
    uint64_t packets[SCANNER_TOOL_COUNT] = {0}, flows[SCANNER_TOOL_COUNT] = {0};
    size_t nbins = gr->series_count;
    uint64_t *per_bin = xcalloc((nbins ? nbins : 1) * SCANNER_TOOL_COUNT, sizeof(*per_bin));
    struct tool_sources sources[SCANNER_TOOL_COUNT];
    struct port_table ports;
    memset(sources, 0, sizeof(sources));
    memset(&ports, 0, sizeof(ports));
    hash_index_init(&ports.index, port_key_of, 0);
    /* The last value read: rows of one tool and port follow each other in a flood. */
    char last_value[EVIDENCE_VALUE_MAX + 1];
    size_t last_len = 0;
    int last_ok = -1;
    bool have_last = false;
    unsigned tool = SCANNER_NONE;
    uint8_t proto = 0;
    uint16_t port = 0;

    while (evidence_cursor_next(cursor, &row) > 0) {
        int64_t bin = bin_clock_start(&r->options.clock, row->bin);
        if (bin < r->period_start || bin >= r->period_end)
            continue;
        if (!have_last || row->len != last_len || memcmp(row->value, last_value, last_len) != 0) {
            last_ok = parse_value(row->value, row->len, &tool, &proto, &port);
            have_last = true;
            memcpy(last_value, row->value, row->len);
            last_len = row->len;
        }
        if (last_ok < 0)
            continue;
        if (!group_match_at(gr->group, &r->origins, &row->remote, bin, &match))
            continue;
        if (row->kind == EVIDENCE_SCANNER_FLOWS) {
            flows[tool] += row->count;
            continue;
        }
        packets[tool] += row->count;
        size_t at_bin = (size_t)((bin - r->period_start) / r->options.clock.width_s);
        if (at_bin < nbins)
            per_bin[at_bin * SCANNER_TOOL_COUNT + tool] += row->count;
        struct tool_sources *ts = &sources[tool];
        ALLOC_GROW(ts->remotes, ts->count + 1, ts->alloc);
        ts->remotes[ts->count++] = row->remote;
        port_table_add(&ports, tool, proto, port, row->count);
    }

    evidence_cursor_close(cursor);

    uint64_t distinct[SCANNER_TOOL_COUNT] = {0};
    for (unsigned t = 0; t < SCANNER_TOOL_COUNT; t++) {
        distinct[t] = distinct_remotes(sources[t].remotes, sources[t].count);
        free(sources[t].remotes);
    }

    /*
     * The share is of what the sensor received in conversations it did not
     * start: a FIN, NULL or Xmas probe opens no conversation the flow table
     * can credit to the remote (its initiator is unknown), yet it is a probe.
     */
    uint64_t unsolicited = 0;
    for (size_t i = 0; i < gr->list_counts[LIST_IN_UNSOLICITED]; i++)
        unsolicited += gr->lists[LIST_IN_UNSOLICITED][i].f.packets;
    for (size_t i = 0; i < gr->list_counts[LIST_IN_UNKNOWN]; i++)
        unsolicited += gr->lists[LIST_IN_UNKNOWN][i].f.packets;

    gr->scanners = xcalloc(SCANNER_TOOL_COUNT, sizeof(*gr->scanners));
    gr->scanner_count = 0;
    for (unsigned t = SCANNER_NONE + 1; t < SCANNER_TOOL_COUNT; t++) {
        if (!packets[t])
            continue;
        struct scanner_entry *e = &gr->scanners[gr->scanner_count++];
        e->tool = scanner_tool_name((enum scanner_tool)t);
        e->sources = distinct[t];
        e->packets = packets[t];
        e->flows = flows[t];
        e->share = unsolicited ? 100.0 * (double)packets[t] / (double)unsolicited : 0;
        e->per_bin = xcalloc(nbins ? nbins : 1, sizeof(*e->per_bin));
        for (size_t b = 0; b < nbins; b++)
            e->per_bin[b] = per_bin[b * SCANNER_TOOL_COUNT + t];
        if (e->share > 100.0)
            e->share = 100.0; /* probes of flows whose start the capture missed */
        for (size_t i = 0; i < ports.count; i++) {
            if (ports.v[i].key >> 24 != t)
                continue;
            e->ports = xreallocarray(e->ports, e->port_count + 1, sizeof(*e->ports));
            struct scanner_port *p = &e->ports[e->port_count++];
            p->proto = (uint8_t)(ports.v[i].key >> 16);
            p->port = (uint16_t)ports.v[i].key;
            p->packets = ports.v[i].packets;
            proto_word(p->proto, p->proto_name, sizeof(p->proto_name));
        }
        for (size_t i = 0; i < e->port_count; i++)
            e->ports[i].share = 100.0 * (double)e->ports[i].packets / (double)e->packets;
        /* Largest first, then by protocol and port: the order does not depend on the table's. */
        if (e->port_count)
            qsort(e->ports, e->port_count, sizeof(*e->ports), port_count_cmp);
    }
    free(ports.v);
    hash_index_release(&ports.index);
    free(per_bin);
    if (gr->scanner_count)
        qsort(gr->scanners, gr->scanner_count, sizeof(*gr->scanners), entry_cmp);
    gr->scanner_shares = xcalloc(SCANNER_TOOL_COUNT, sizeof(*gr->scanner_shares));
    for (size_t i = 0; i < gr->scanner_count; i++) {
        struct category_entry *c = &gr->scanner_shares[i];
        snprintf(c->name, sizeof(c->name), "%s", gr->scanners[i].tool);
        /* Lists of two periods match by category: a tool is its own. */
        snprintf(c->category, sizeof(c->category), "%s", gr->scanners[i].tool);
        c->f.packets = gr->scanners[i].packets;
        c->f.flows = gr->scanners[i].flows;
        c->f.share = gr->scanners[i].share;
    }
}

void scanner_view_release(struct group_report *gr)
{
    for (size_t i = 0; i < gr->scanner_count; i++) {
        free(gr->scanners[i].ports);
        free(gr->scanners[i].per_bin);
    }
    free(gr->scanners);
    free(gr->scanner_shares);
    gr->scanners = NULL;
    gr->scanner_shares = NULL;
    gr->scanner_count = 0;
}
