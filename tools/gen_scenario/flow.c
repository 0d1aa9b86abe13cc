/*
 * flow.c: the generator's model of a conversation and the truth it tallies.
 * A flow knows its initiator, service and category as docs/semantics.md
 * defines them; every packet it emits is counted into its groups (totals,
 * days, categories, ports, sources). Packets of a day are queued here and
 * written in time order to the current capture file.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "gen_int.h"

const char *const init_names[] = {"unknown", "sensor", "remote"};

/* ---- truth tallies --------------------------------------------------------- */

static int group_cat(struct group *g, const char *name, int init)
{
    for (size_t i = 0; i < g->ncat; i++)
        if (strcmp(g->cat[i].name, name) == 0)
            return (int)i;
    if (g->ncat == MAX_CAT)
        die("too many categories");
    struct cat_stat *c = &g->cat[g->ncat];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->init = init;
    return (int)g->ncat++;
}

static int group_port(struct group *g, const char *name)
{
    for (size_t i = 0; i < g->nport; i++)
        if (strcmp(g->port[i].name, name) == 0)
            return (int)i;
    if (g->nport == MAX_CAT)
        die("too many ports");
    struct port_stat *p = &g->port[g->nport];
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    return (int)g->nport++;
}

/* Adds a v6 address to a small list; returns true when new. */
static bool v6list_add(struct raddr *list, size_t *n, const struct raddr *a)
{
    for (size_t i = 0; i < *n; i++)
        if (ra_equal(&list[i], a))
            return false;
    if (*n == MAX_V6)
        die("too many IPv6 sources");
    list[(*n)++] = *a;
    return true;
}

/* ---- the day's packet queue and the file it goes to ------------------------- */

static size_t day_index(const struct gen *g, int64_t ts)
{
    int64_t d = ts / NS_PER_DAY - g->day0;
    if (d < 0 || (size_t)d >= g->ndays || ts / NS_PER_DAY != g->day)
        die("internal: packet outside its day");
    return (size_t)d;
}

/* Queues one frame of the current day. */
void day_push(struct gen *g, int64_t ts, const uint8_t *frame, size_t caplen, size_t len)
{
    if (g->npk == g->pkcap) {
        g->pkcap = g->pkcap ? g->pkcap * 2 : 4096;
        g->pk = xrealloc(g->pk, g->pkcap * sizeof *g->pk);
    }
    if (g->dlen + caplen > g->dcap) {
        while (g->dlen + caplen > g->dcap)
            g->dcap = g->dcap ? g->dcap * 2 : (1u << 20);
        g->data = xrealloc(g->data, g->dcap);
    }
    if (g->dlen + caplen > UINT32_MAX)
        die("internal: one day of packets exceeds 4 GB");
    struct pkt *p = &g->pk[g->npk++];
    p->ts = ts;
    p->order = g->order++;
    p->off = (uint32_t)g->dlen;
    p->caplen = (uint32_t)caplen;
    p->len = (uint32_t)len;
    memcpy(g->data + g->dlen, frame, caplen);
    g->dlen += caplen;
}

static int pkt_cmp(const void *a, const void *b)
{
    const struct pkt *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Writes the queued frames in time order (ties in generation order). */
void day_flush(struct gen *g)
{
    qsort(g->pk, g->npk, sizeof *g->pk, pkt_cmp);
    for (size_t i = 0; i < g->npk; i++) {
        const struct pkt *p = &g->pk[i];
        writer_put(&g->w, p->ts, g->data + p->off, p->caplen, p->len);
    }
    g->packets += g->npk;
    g->npk = 0;
    g->dlen = 0;
    g->order = 0;
}

void day_begin(struct gen *g, int64_t day)
{
    g->day = day;
    keyset_clear(&g->tuples);
    for (int i = 0; i < NGROUP; i++) {
        keyset_clear(&g->grp[i].src_day);
        g->grp[i].nv6_day = 0;
    }
}

void file_open(struct gen *g, const char *name, enum fmt fmt, int linktype, unsigned snaplen)
{
    writer_open(&g->w, g->dir, name, fmt, linktype, snaplen);
    g->w_open = true;
    g->linktype = linktype;
    g->snaplen = snaplen;
    g->nano = fmt == FMT_PCAP_NS;
    g->file_name = g->w.name;
}

void file_close(struct gen *g)
{
    writer_close(&g->w);
    g->w_open = false;
    json_t *f = json_object();
    json_object_set_new(f, "name", json_string(g->w.name));
    json_object_set_new(f, "format", json_string(fmt_name(g->w.fmt)));
    json_object_set_new(f, "linktype", json_integer(g->w.linktype));
    json_object_set_new(f, "packets", json_integer((json_int_t)g->w.packets));
    json_array_append_new(g->files, f);
    fprintf(stderr, "  %-28s %-9s %10" PRIu64 " packets\n", g->w.name, fmt_name(g->w.fmt),
            g->w.packets);
}

/* ---- flows and their categories (docs/semantics.md) ------------------------ */

static bool group_member(const struct gen *g, int i, const struct raddr *a)
{
    if (i == 1)
        return true;
    if (g->scenario == 0)
        return !a->v6 && is_aws(ra4_get(a), g->day);
    if (!a->v6)
        return in_block(ra4_get(a), v4(198, 51, 100, 0), 24);
    static const uint8_t net_b[6] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01};
    return memcmp(a->b, net_b, 6) == 0;
}

/*
 * Starts a flow: who initiated it and, for TCP/UDP, the ports; for ICMP the
 * request (or error) type and code. Computes the service (the responder's
 * port; the lower port when the initiator is unknown) and the category.
 */
void flow_init(struct gen *g, struct flow *f, const struct raddr *remote, uint8_t proto,
               uint16_t sport, uint16_t rport, int init, unsigned icmp_type, unsigned icmp_code)
{
    memset(f, 0, sizeof *f);
    f->remote = *remote;
    f->sensor = remote->v6 ? g->sensor6 : g->sensor4;
    f->proto = proto;
    f->sport = sport;
    f->rport = rport;
    f->init = init;
    f->account = true;
    f->icmp_type = icmp_type;
    f->icmp_code = icmp_code;
    f->win[DIR_OUT] = 64240;
    f->win[DIR_IN] = (uint16_t)rng_range(&g->rng, 5840, 65535);
    f->ttl[DIR_OUT] = 128;
    f->ttl[DIR_IN] = (uint8_t)rng_range(&g->rng, 40, 118);
    if (g->vlan_left > 0 && !remote->v6) {
        f->vlan = 10;
        g->vlan_left--;
    }

    char port_key[24];
    if (proto == P_TCP || proto == P_UDP) {
        unsigned svc = init == INIT_SENSOR   ? rport
                       : init == INIT_REMOTE ? sport
                                             : (sport < rport ? sport : rport);
        snprintf(f->service, sizeof f->service, "%s/%u", proto == P_TCP ? "tcp" : "udp", svc);
        snprintf(port_key, sizeof port_key, "%s", f->service);
    } else if (proto == P_ICMP || proto == P_ICMP6) {
        const char *fam = proto == P_ICMP ? "icmp" : "icmp6";
        if (icmp_code)
            snprintf(f->service, sizeof f->service, "%s/%u/%u", fam, icmp_type, icmp_code);
        else
            snprintf(f->service, sizeof f->service, "%s/%u", fam, icmp_type);
        snprintf(port_key, sizeof port_key, "%s/%u", fam, icmp_type);
    } else {
        snprintf(f->service, sizeof f->service, "proto/%u", proto);
        snprintf(port_key, sizeof port_key, "%s", f->service);
    }

    if (init == INIT_SENSOR) {
        unsigned p = rport;
        const char *c = f->service;
        if (proto == P_TCP && (p == 25 || p == 465 || p == 587))
            c = "spam-smtp";
        else if ((proto == P_TCP || proto == P_UDP) && p == 53)
            c = "dns";
        else if ((proto == P_ICMP && icmp_type == 8 && icmp_code == 0) ||
                 (proto == P_ICMP6 && icmp_type == 128 && icmp_code == 0))
            c = "icmp-scan";
        else if (proto == P_TCP && (p == 80 || p == 8080))
            c = "http-download";
        else if (proto == P_TCP && p == 443)
            c = "https";
        else if (proto == P_TCP && ((p >= 6660 && p <= 6669) || p == 6697 || p == 7000))
            c = "irc";
        snprintf(f->category, sizeof f->category, "%s", c);
    } else {
        snprintf(f->category, sizeof f->category, "%s:%s", init == INIT_REMOTE ? "scan" : "unknown",
                 f->service);
    }

    for (int i = 0; i < NGROUP; i++) {
        f->member[i] = group_member(g, i, remote);
        f->cat[i] = f->member[i] ? group_cat(&g->grp[i], f->category, init) : -1;
        f->port[i] = f->member[i] && init == INIT_REMOTE ? group_port(&g->grp[i], port_key) : -1;
    }
}

/* Tallies one packet of flow f: the flow counts in the day of its first
 * packet, packets and bytes in the day of each packet. */
void account(struct gen *g, struct flow *f, int dir, uint64_t iplen, int64_t ts)
{
    size_t d = day_index(g, ts);
    if (!f->started) {
        f->started = true;
        g->flows++;
        g->init_count[f->init]++;
        for (int i = 0; i < NGROUP; i++) {
            if (!f->member[i])
                continue;
            struct group *gr = &g->grp[i];
            gr->flows++;
            gr->series[d].flows++;
            gr->cat[f->cat[i]].flows++;
            if (f->port[i] >= 0)
                gr->port[f->port[i]].flows++;
        }
    }
    f->pk[dir]++;
    f->by[dir] += iplen;
    for (int i = 0; i < NGROUP; i++) {
        if (!f->member[i])
            continue;
        struct group *gr = &g->grp[i];
        gr->pk[dir]++;
        gr->by[dir] += iplen;
        gr->series[d].pk[dir]++;
        gr->series[d].by[dir] += iplen;
        gr->cat[f->cat[i]].pk[dir]++;
        gr->cat[f->cat[i]].by[dir] += iplen;
        if (dir != DIR_IN)
            continue;
        if (f->port[i] >= 0) {
            gr->port[f->port[i]].pk++;
            gr->port[f->port[i]].by += iplen;
        }
        if (f->remote.v6) {
            if (v6list_add(gr->v6_day, &gr->nv6_day, &f->remote))
                gr->series[d].sources++;
            v6list_add(gr->v6_all, &gr->nv6_all, &f->remote);
        } else {
            uint64_t key = ra4_get(&f->remote);
            if (keyset_add(&gr->src_day, key))
                gr->series[d].sources++;
            keyset_add(&gr->src_all, key);
        }
    }
}

/* Records the per-flow expectations (basic scenario only). */
void flow_done(struct gen *g, const struct flow *f)
{
    if (!g->flow_list || !f->account)
        return;
    char ra[48];
    ra_text(&f->remote, ra);
    json_t *o = json_object();
    json_object_set_new(o, "file", json_string(g->file_name));
    json_object_set_new(o, "remote", json_string(ra));
    json_object_set_new(o, "proto", json_integer(f->proto));
    if (f->proto == P_TCP || f->proto == P_UDP) {
        json_object_set_new(o, "sensor_port", json_integer(f->sport));
        json_object_set_new(o, "remote_port", json_integer(f->rport));
    }
    json_object_set_new(o, "initiator", json_string(init_names[f->init]));
    json_object_set_new(o, "service", json_string(f->service));
    json_object_set_new(o, "category", json_string(f->category));
    json_object_set_new(o, "packets_in", json_integer((json_int_t)f->pk[DIR_IN]));
    json_object_set_new(o, "packets_out", json_integer((json_int_t)f->pk[DIR_OUT]));
    json_object_set_new(o, "bytes_in", json_integer((json_int_t)f->by[DIR_IN]));
    json_object_set_new(o, "bytes_out", json_integer((json_int_t)f->by[DIR_OUT]));
    json_object_set_new(o, "in_group", json_boolean(f->member[0]));
    json_array_append_new(g->flow_list, o);
}
