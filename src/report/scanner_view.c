/*
 * The scanners section of a group: which scanning tools the group's remotes
 * probed the sensor with in the period (their tags, decode/scanner.h, are
 * evidence rows "tool proto/port" counted per bin and remote), with the
 * distinct sources, probes, flows and probed ports of each.
 *
 * A source tagged with two tools counts once for each: the sources of the
 * tools need not add up to the group's. Distinct sources and port sums come
 * from sorting the period's rows, which are bounded by the evidence table.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "../decode/scanner.h"
#include "report_int.h"

struct tagged_source {
    uint8_t tool;
    struct ip_addr remote;
};

struct tagged_port {
    uint8_t tool, proto;
    uint16_t port;
    uint64_t packets;
};

static int source_cmp(const void *a, const void *b)
{
    const struct tagged_source *x = a, *y = b;
    if (x->tool != y->tool)
        return x->tool < y->tool ? -1 : 1;
    return memcmp(&x->remote, &y->remote, sizeof(x->remote));
}

static int port_key_cmp(const void *a, const void *b)
{
    const struct tagged_port *x = a, *y = b;
    if (x->tool != y->tool)
        return x->tool < y->tool ? -1 : 1;
    if (x->proto != y->proto)
        return x->proto < y->proto ? -1 : 1;
    return x->port < y->port ? -1 : x->port > y->port;
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
    struct evidence_table *table = r->input->cube ? cube_evidence(r->input->cube) : NULL;
    size_t n = evidence_table_count(table);
    struct group_match match;
    uint64_t packets[SCANNER_TOOL_COUNT] = {0}, flows[SCANNER_TOOL_COUNT] = {0};
    size_t nbins = gr->series_count;
    uint64_t *per_bin = xcalloc((nbins ? nbins : 1) * SCANNER_TOOL_COUNT, sizeof(*per_bin));
    struct tagged_source *sources = NULL;
    struct tagged_port *ports = NULL;
    size_t source_count = 0, source_alloc = 0, port_count = 0, port_alloc = 0;

    for (size_t i = 0; i < n; i++) {
        const struct evidence_row *row = evidence_table_at(table, i);
        if (row->kind != EVIDENCE_SCANNER_PACKETS && row->kind != EVIDENCE_SCANNER_FLOWS)
            continue;
        int64_t bin = bin_clock_start(&r->options.clock, row->bin);
        if (bin < r->period_start || bin >= r->period_end)
            continue;
        unsigned tool;
        uint8_t proto;
        uint16_t port;
        if (parse_value(row->value, row->len, &tool, &proto, &port) < 0)
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
        ALLOC_GROW(sources, source_count + 1, source_alloc);
        sources[source_count++] = (struct tagged_source){(uint8_t)tool, row->remote};
        ALLOC_GROW(ports, port_count + 1, port_alloc);
        ports[port_count++] = (struct tagged_port){(uint8_t)tool, proto, port, row->count};
    }

    uint64_t distinct[SCANNER_TOOL_COUNT] = {0};
    if (source_count)
        qsort(sources, source_count, sizeof(*sources), source_cmp);
    for (size_t i = 0; i < source_count; i++)
        if (i == 0 || source_cmp(&sources[i - 1], &sources[i]) != 0)
            distinct[sources[i].tool]++;
    free(sources);

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
    if (port_count)
        qsort(ports, port_count, sizeof(*ports), port_key_cmp);
    size_t at = 0;
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
        while (at < port_count && ports[at].tool < t)
            at++;
        for (; at < port_count && ports[at].tool == t; at++) {
            struct scanner_port *p = e->port_count ? &e->ports[e->port_count - 1] : NULL;
            if (p && p->proto == ports[at].proto && p->port == ports[at].port) {
                p->packets += ports[at].packets;
                continue;
            }
            e->ports = xreallocarray(e->ports, e->port_count + 1, sizeof(*e->ports));
            p = &e->ports[e->port_count++];
            p->proto = ports[at].proto;
            p->port = ports[at].port;
            p->packets = ports[at].packets;
            proto_word(p->proto, p->proto_name, sizeof(p->proto_name));
        }
        for (size_t i = 0; i < e->port_count; i++)
            e->ports[i].share = 100.0 * (double)e->ports[i].packets / (double)e->packets;
        if (e->port_count)
            qsort(e->ports, e->port_count, sizeof(*e->ports), port_count_cmp);
    }
    free(ports);
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
