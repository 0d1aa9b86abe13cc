/*
 * flood.c: the flood scenario, streamed to one file in constant memory.
 *
 * A darknet telescope's day: 198.51.100.0/24 (and 2001:db8:64::/64) announced
 * but unused, receiving the Internet's background radiation and a spoofed SYN
 * flood. Every packet is inbound and unsolicited, and every packet is a flow
 * of its own, so the truth is known by construction rather than tallied in
 * tables that grow with the input: memory stays constant whatever --sources
 * and --packets.
 *
 * Packet i comes from source k = i mod N in round r = i / N. Source k's
 * address is a keyed permutation of k, so the N sources are distinct and
 * spread over the whole unicast space; its port (or echo id) is its own
 * offset plus r, so a source's flows never share a 5-tuple. Distinct sources
 * are therefore min(P, N), and flows are P. Packets are evenly spread over
 * the day, so about P / 288 flows are within the TCP idle timeout at once:
 * past some 40 M packets that exceeds the flows the report's default --memory
 * holds and flows are evicted early, which changes no count the truth holds.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "gen_int.h"

#define FLOOD_SENSOR4 "198.51.100.0/24"
#define FLOOD_SENSOR6 "2001:db8:64::/64"
#define FLOOD_FILE "flood.pcap"
#define FLOOD_V6_PERMILLE 5    /* IPv6 sources, per thousand */
#define FLOOD_MAX_ROUNDS 64512 /* distinct source ports from 1024 up */

/* What lands on a telescope, by weight: Telnet (Mirai and its heirs) first,
 * then SMB, SSH, web, RDP; some UDP amplification and service probes carrying
 * the payload a scanner sends; echo requests. */
struct flood_probe {
    uint8_t proto; /* P_TCP, P_UDP, P_ICMP (ICMPv6 for IPv6 sources) */
    uint16_t port; /* TCP/UDP destination port; ICMP: unused */
    unsigned weight;
    const char *payload; /* UDP payload, payload_len bytes */
    size_t payload_len;
};

/* A string literal's bytes and length, NULs included. */
#define PAYLOAD(s) s, sizeof s - 1

static const struct flood_probe FLOOD_PROBES[] = {
    {P_TCP, 23, 2400, NULL, 0},
    {P_TCP, 445, 1300, NULL, 0},
    {P_TCP, 22, 1000, NULL, 0},
    {P_TCP, 80, 800, NULL, 0},
    {P_TCP, 3389, 600, NULL, 0},
    {P_TCP, 8080, 450, NULL, 0},
    {P_TCP, 443, 300, NULL, 0},
    {P_TCP, 2323, 250, NULL, 0},
    {P_TCP, 5555, 200, NULL, 0},
    {P_TCP, 81, 150, NULL, 0},
    {P_TCP, 1433, 150, NULL, 0},
    {P_TCP, 3306, 120, NULL, 0},
    {P_TCP, 8443, 120, NULL, 0},
    {P_TCP, 5900, 110, NULL, 0},
    {P_TCP, 6379, 100, NULL, 0},
    {P_TCP, 7547, 100, NULL, 0},
    {P_TCP, 21, 90, NULL, 0},
    {P_TCP, 25, 80, NULL, 0},
    {P_TCP, 8000, 80, NULL, 0},
    {P_TCP, 37215, 70, NULL, 0},
    {P_TCP, 52869, 60, NULL, 0},
    {P_TCP, 5432, 50, NULL, 0},
    {P_TCP, 9200, 50, NULL, 0},
    {P_TCP, 135, 50, NULL, 0},
    {P_TCP, 139, 50, NULL, 0},
    {P_UDP, 5060, 250,
     PAYLOAD("OPTIONS sip:100@198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.99:5060\r\n"
             "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n")},
    {P_UDP, 1900, 100,
     PAYLOAD("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
             "MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n")},
    {P_UDP, 123, 120, PAYLOAD("\x17\x00\x03\x2a\x00\x00\x00\x00")}, /* NTP monlist */
    /* SNMPv1 get-request for sysDescr.0, community "public" (RFC 1157) */
    {P_UDP, 161, 80,
     PAYLOAD("\x30\x29\x02\x01\x00\x04\x06public\xa0\x1c\x02\x04\x12\x34\x56\x78\x02\x01"
             "\x00\x02\x01\x00\x30\x0e\x30\x0c\x06\x08\x2b\x06\x01\x02\x01\x01\x01\x00\x05\x00")},
    {P_UDP, 11211, 30, PAYLOAD("\x00\x01\x00\x00\x00\x01\x00\x00stats\r\n")},
    {P_UDP, 19, 30, PAYLOAD("\x01")}, /* chargen */
    {P_ICMP, 0, 300, NULL, 0},
};
#undef PAYLOAD
#define N_FLOOD_PROBES (sizeof FLOOD_PROBES / sizeof FLOOD_PROBES[0])

/* Reserved and special-purpose IPv4 ranges (RFC 6890), ascending and disjoint;
 * the sources are drawn from everything else. 198.51.100.0/24 is the
 * telescope itself. */
static const struct {
    uint32_t net;
    unsigned len;
} FLOOD_RESERVED[] = {
    {0x00000000u, 8},  {0x0A000000u, 8},  {0x64400000u, 10}, {0x7F000000u, 8},  {0xA9FE0000u, 16},
    {0xAC100000u, 12}, {0xC0000000u, 24}, {0xC0000200u, 24}, {0xC0586300u, 24}, {0xC0A80000u, 16},
    {0xC6120000u, 15}, {0xC6336400u, 24}, {0xCB007100u, 24}, {0xE0000000u, 3},
};
#define N_FLOOD_RESERVED (sizeof FLOOD_RESERVED / sizeof FLOOD_RESERVED[0])

/* The IPv6 sources' /12s: the five registries' main allocations. */
static const uint16_t FLOOD_V6_NETS[] = {0x2400, 0x2600, 0x2800, 0x2a00, 0x2c00};

struct flood {
    struct rng rng;
    uint64_t sources, packets, rounds;
    uint64_t key[4], key_v6, key_port, key_net6;
    /* usable IPv4 space as intervals [lo, lo + size), rank of each first address */
    uint64_t iv_lo[N_FLOOD_RESERVED + 1], iv_rank[N_FLOOD_RESERVED + 1];
    size_t niv;
    uint64_t usable;
    unsigned weight_total;
    /* tallies: per probe and family (0 IPv4, 1 IPv6) */
    uint64_t pk[N_FLOOD_PROBES][2], by[N_FLOOD_PROBES][2];
    uint64_t bytes, src4, src6;
    int64_t first, last;
};

static void flood_space(struct flood *fl)
{
    uint64_t next = 0;
    fl->niv = 0;
    fl->usable = 0;
    for (size_t i = 0; i < N_FLOOD_RESERVED; i++) {
        uint64_t net = FLOOD_RESERVED[i].net;
        if (net > next) {
            fl->iv_lo[fl->niv] = next;
            fl->iv_rank[fl->niv++] = fl->usable;
            fl->usable += net - next;
        }
        next = net + (UINT64_C(1) << (32 - FLOOD_RESERVED[i].len));
    }
    if (next < (UINT64_C(1) << 32)) {
        fl->iv_lo[fl->niv] = next;
        fl->iv_rank[fl->niv++] = fl->usable;
        fl->usable += (UINT64_C(1) << 32) - next;
    }
}

/* A keyed bijection of [0, 2^32): four Feistel rounds on 16-bit halves. */
static uint32_t flood_feistel(const struct flood *fl, uint32_t x)
{
    uint32_t l = x >> 16, r = x & 0xFFFF;
    for (int i = 0; i < 4; i++) {
        uint32_t t = l ^ (uint32_t)(mix64(r ^ fl->key[i]) & 0xFFFF);
        l = r;
        r = t;
    }
    return l << 16 | r;
}

/* Source k's IPv4 address: k permuted over the usable ranks (cycle walking
 * keeps the permutation inside [0, usable)), the rank mapped past the
 * reserved ranges. Distinct k, distinct addresses. */
static uint32_t flood_addr4(const struct flood *fl, uint64_t k)
{
    uint32_t x = (uint32_t)k;
    do
        x = flood_feistel(fl, x);
    while (x >= fl->usable);
    size_t lo = 0, hi = fl->niv - 1;
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        if (fl->iv_rank[mid] <= x)
            lo = mid;
        else
            hi = mid - 1;
    }
    return (uint32_t)(fl->iv_lo[lo] + (x - fl->iv_rank[lo]));
}

/* Source k's IPv6 address: a registry /12, a network drawn from k, and an
 * interface id that is a bijection of k (mix64 is invertible). */
static struct raddr flood_addr6(const struct flood *fl, uint64_t k)
{
    struct raddr a;
    memset(&a, 0, sizeof a);
    a.v6 = true;
    uint64_t net = mix64(k ^ fl->key_net6);
    uint64_t hi = (uint64_t)FLOOD_V6_NETS[net % 5] << 48 | ((net >> 8) & UINT64_C(0xFFFFFFFFFFFF));
    uint64_t iid = mix64(k ^ fl->key_v6);
    for (int i = 0; i < 8; i++) {
        a.b[i] = (uint8_t)(hi >> (56 - 8 * i));
        a.b[8 + i] = (uint8_t)(iid >> (56 - 8 * i));
    }
    return a;
}

static bool flood_is_v6(const struct flood *fl, uint64_t k)
{
    return mix64(k ^ fl->key_v6 ^ fl->key_port) % 1000 < FLOOD_V6_PERMILLE;
}

static size_t flood_pick(struct flood *fl)
{
    unsigned x = (unsigned)rng_below(&fl->rng, fl->weight_total);
    for (size_t i = 0; i < N_FLOOD_PROBES; i++) {
        if (x < FLOOD_PROBES[i].weight)
            return i;
        x -= FLOOD_PROBES[i].weight;
    }
    return N_FLOOD_PROBES - 1;
}

/* TCP SYN options as three scanner families send them: none (masscan,
 * Mirai), MSS only (zmap), and a Linux stack's MSS, SACK, timestamps and
 * window scale. Returns the options' length. */
static size_t flood_syn_options(struct flood *fl, uint8_t *o)
{
    unsigned v = (unsigned)rng_below(&fl->rng, 20);
    if (v < 9)
        return 0;
    o[0] = 2;
    o[1] = 4;
    put16(o + 2, 1460);
    if (v < 16)
        return 4;
    o[4] = 4;
    o[5] = 2;
    o[6] = 8;
    o[7] = 10;
    put32(o + 8, (uint32_t)rng_next(&fl->rng));
    put32(o + 12, 0);
    o[16] = 1;
    o[17] = 3;
    o[18] = 3;
    o[19] = 7;
    return 20;
}

/* Writes packet i at ts_ns and tallies it. */
static void flood_packet(struct flood *fl, struct writer *w, uint64_t i, int64_t ts_ns)
{
    static const uint16_t windows[] = {1024, 5840, 14600, 29200, 64240, 65535};
    uint64_t k = i % fl->sources, r = i / fl->sources;
    bool v6 = flood_is_v6(fl, k);
    if (r == 0) {
        if (v6)
            fl->src6++;
        else
            fl->src4++;
    }
    size_t pi = flood_pick(fl);
    const struct flood_probe *pr = &FLOOD_PROBES[pi];
    struct raddr src, dst;
    if (v6) {
        src = flood_addr6(fl, k);
        dst = ra6("2001:db8:64::");
        put16(dst.b + 14, (unsigned)rng_range(&fl->rng, 1, 0xFFFF));
    } else {
        src = ra4(flood_addr4(fl, k));
        dst = ra4(v4(198, 51, 100, rng_range(&fl->rng, 1, 254)));
    }
    /* the source's own port offset plus the round: a fresh 5-tuple each time */
    uint64_t own = mix64(k ^ fl->key_port) % FLOOD_MAX_ROUNDS;
    uint16_t sport = (uint16_t)(1024 + (own + r) % FLOOD_MAX_ROUNDS);
    uint8_t ttl = (uint8_t)rng_range(&fl->rng, 30, 250);

    uint8_t fr[256];
    size_t ip = 14, l4 = ip + (v6 ? 40 : 20), l4len;
    uint8_t proto = pr->proto == P_ICMP && v6 ? P_ICMP6 : pr->proto;
    if (proto == P_TCP) {
        size_t optlen = flood_syn_options(fl, fr + l4 + 20);
        put16(fr + l4, sport);
        put16(fr + l4 + 2, pr->port);
        put32(fr + l4 + 4, (uint32_t)rng_next(&fl->rng));
        put32(fr + l4 + 8, 0);
        fr[l4 + 12] = (uint8_t)((5 + optlen / 4) << 4);
        fr[l4 + 13] = TH_SYN;
        put16(fr + l4 + 14, windows[rng_below(&fl->rng, sizeof windows / sizeof windows[0])]);
        put16(fr + l4 + 18, 0);
        l4len = 20 + optlen;
        l4_checksum(&src, &dst, proto, fr + l4, l4len, 16);
    } else if (proto == P_UDP) {
        put16(fr + l4, sport);
        put16(fr + l4 + 2, pr->port);
        put16(fr + l4 + 4, (unsigned)(8 + pr->payload_len));
        memcpy(fr + l4 + 8, pr->payload, pr->payload_len);
        l4len = 8 + pr->payload_len;
        l4_checksum(&src, &dst, proto, fr + l4, l4len, 6);
    } else {
        /* echo request, id from the source and round; bare (zmap) or ping's 56 bytes */
        size_t n = rng_chance(&fl->rng, 0.5) ? 56 : 0;
        fr[l4] = proto == P_ICMP ? 8 : 128;
        fr[l4 + 1] = 0;
        put16(fr + l4 + 4, (unsigned)((own + r) & 0xFFFF));
        put16(fr + l4 + 6, (unsigned)(r & 0xFFFF));
        for (size_t j = 0; j < n; j++)
            fr[l4 + 8 + j] = (uint8_t)(0x10 + j);
        l4len = 8 + n;
        l4_checksum(&src, &dst, proto, fr + l4, l4len, 2);
    }

    memcpy(fr, MAC_SENSOR, 6);
    memcpy(fr + 6, MAC_GW, 6);
    size_t iplen;
    if (v6) {
        put16(fr + 12, 0x86DD);
        fr[ip] = 0x60;
        fr[ip + 1] = fr[ip + 2] = fr[ip + 3] = 0;
        put16(fr + ip + 4, (unsigned)l4len);
        fr[ip + 6] = proto;
        fr[ip + 7] = ttl;
        memcpy(fr + ip + 8, src.b, 16);
        memcpy(fr + ip + 24, dst.b, 16);
        iplen = 40 + l4len;
    } else {
        put16(fr + 12, 0x0800);
        iplen = 20 + l4len;
        ipv4_header(fr + ip, 0, ra4_get(&src), ra4_get(&dst), proto, iplen,
                    (uint16_t)rng_next(&fl->rng), 0, ttl);
    }
    size_t n = l4 + l4len;
    /* received frames arrive padded to Ethernet's 60-byte minimum */
    if (n < 60) {
        memset(fr + n, 0, 60 - n);
        n = 60;
    }
    writer_put(w, ts_ns, fr, (uint32_t)n, (uint32_t)n);

    fl->pk[pi][v6]++;
    fl->by[pi][v6] += iplen;
    fl->bytes += iplen;
    if (i == 0)
        fl->first = ts_ns;
    fl->last = ts_ns;
}

/* "2024-03-12T00:00:00+00:00", as the report writes times (whole seconds). */
static void ts_text(int64_t ns, char buf[32])
{
    int64_t s = ns / NS_PER_S, sod = s % 86400;
    int y, m, d;
    civil_from_days(s / 86400, &y, &m, &d);
    snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02d+00:00", y, m, d, (int)(sod / 3600),
             (int)(sod / 60 % 60), (int)(sod % 60));
}

static const char *flood_key(const struct flood_probe *pr, int v6, char buf[24])
{
    if (pr->proto == P_ICMP)
        snprintf(buf, 24, "%s", v6 ? "icmp6/128" : "icmp/8");
    else
        snprintf(buf, 24, "%s/%u", pr->proto == P_TCP ? "tcp" : "udp", pr->port);
    return buf;
}

/* Adds packets and bytes (one flow per packet) under name in obj. */
static void flood_add(json_t *obj, const char *name, uint64_t pk, uint64_t by)
{
    json_t *o = json_object_get(obj, name);
    if (o) {
        pk += (uint64_t)json_integer_value(json_object_get(o, "packets"));
        by += (uint64_t)json_integer_value(json_object_get(o, "bytes"));
    }
    json_object_set_new(obj, name, stat_obj(pk, by, pk));
}

static int top_cmp(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    json_int_t px = json_integer_value(json_object_get(x, "packets"));
    json_int_t py = json_integer_value(json_object_get(y, "packets"));
    if (px != py)
        return px > py ? -1 : 1;
    return strcmp(json_string_value(json_object_get(x, "port")),
                  json_string_value(json_object_get(y, "port")));
}

static json_t *flood_truth(const struct flood *fl, uint64_t seed)
{
    json_t *ports = json_object(), *scans = json_object();
    for (size_t i = 0; i < N_FLOOD_PROBES; i++)
        for (int v6 = 0; v6 < 2; v6++) {
            if (!fl->pk[i][v6])
                continue;
            char key[24], cat[32];
            flood_key(&FLOOD_PROBES[i], v6, key);
            snprintf(cat, sizeof cat, "scan:%s", key);
            flood_add(ports, key, fl->pk[i][v6], fl->by[i][v6]);
            flood_add(scans, cat, fl->pk[i][v6], fl->by[i][v6]);
        }
    size_t nports = json_object_size(ports), j = 0;
    json_t **top = xcalloc(nports, sizeof *top);
    const char *name;
    json_t *v;
    json_object_foreach(ports, name, v)
    {
        top[j] = json_object();
        json_object_set_new(top[j], "port", json_string(name));
        json_object_set(top[j], "packets", json_object_get(v, "packets"));
        j++;
    }
    qsort(top, nports, sizeof *top, top_cmp);
    json_t *toplist = json_array();
    for (j = 0; j < nports; j++)
        json_array_append_new(toplist, top[j]);
    free(top);

    uint64_t distinct = fl->src4 + fl->src6, packets6 = 0;
    for (size_t i = 0; i < N_FLOOD_PROBES; i++)
        packets6 += fl->pk[i][1];
    char day[16], first[32], last[32];
    day_text(fl->first / NS_PER_DAY, day);
    ts_text(fl->first, first);
    ts_text(fl->last, last);

    json_t *tot = json_object();
    json_object_set_new(tot, "packets_in", json_integer((json_int_t)fl->packets));
    json_object_set_new(tot, "packets_out", json_integer(0));
    json_object_set_new(tot, "bytes_in", json_integer((json_int_t)fl->bytes));
    json_object_set_new(tot, "bytes_out", json_integer(0));
    json_object_set_new(tot, "flows", json_integer((json_int_t)fl->packets));
    json_object_set_new(tot, "sources", json_integer((json_int_t)distinct));
    json_t *bin = json_deep_copy(tot);
    json_object_set_new(bin, "bin", json_string(day));
    json_t *series = json_array();
    json_array_append_new(series, bin);
    json_t *src = json_object();
    json_object_set_new(src, "distinct", json_integer((json_int_t)distinct));
    json_object_set_new(src, "ipv4", json_integer((json_int_t)fl->src4));
    json_object_set_new(src, "ipv6", json_integer((json_int_t)fl->src6));

    json_t *any = json_object();
    json_object_set_new(any, "totals", tot);
    json_object_set_new(any, "series", series);
    json_object_set_new(any, "out", json_object());
    json_object_set_new(any, "out_replies", json_object());
    json_object_set_new(any, "in_replies", json_object());
    json_object_set_new(any, "in_unsolicited", scans);
    json_object_set_new(any, "ports_in", ports);
    json_object_set_new(any, "sources", src);
    json_t *groups = json_object();
    json_object_set_new(groups, "any", any);

    json_t *t = json_object();
    json_object_set_new(t, "scenario", json_string("flood"));
    json_object_set_new(t, "seed", json_integer((json_int_t)seed));
    json_object_set_new(t, "sources_asked", json_integer((json_int_t)fl->sources));
    json_t *sensor = json_array();
    json_array_append_new(sensor, json_string(FLOOD_SENSOR4));
    json_array_append_new(sensor, json_string(FLOOD_SENSOR6));
    json_object_set_new(t, "sensor", sensor);
    json_t *period = json_object();
    json_object_set_new(period, "from", json_string(day));
    json_object_set_new(period, "to", json_string(day));
    json_object_set_new(t, "period", period);
    json_object_set_new(t, "first", json_string(first));
    json_object_set_new(t, "last", json_string(last));
    json_object_set_new(t, "first_ns", json_integer((json_int_t)fl->first));
    json_object_set_new(t, "last_ns", json_integer((json_int_t)fl->last));
    json_t *files = json_array(), *f = json_object();
    json_object_set_new(f, "name", json_string(FLOOD_FILE));
    json_object_set_new(f, "format", json_string("pcap"));
    json_object_set_new(f, "linktype", json_integer(LT_ETHER));
    json_object_set_new(f, "packets", json_integer((json_int_t)fl->packets));
    json_array_append_new(files, f);
    json_object_set_new(t, "files", files);
    json_object_set_new(t, "packets", json_integer((json_int_t)fl->packets));
    json_object_set_new(t, "bytes", json_integer((json_int_t)fl->bytes));
    json_object_set_new(t, "packets_ipv6", json_integer((json_int_t)packets6));
    json_object_set_new(t, "not_sensor", json_integer(0));
    json_object_set_new(t, "not_ip", json_integer(0));
    json_object_set_new(t, "truncated", json_integer(0));
    json_object_set_new(t, "malformed", json_integer(0));
    json_object_set_new(t, "sensor_to_sensor", json_integer(0));
    json_object_set_new(t, "flows", json_integer((json_int_t)fl->packets));
    json_t *inits = json_object();
    json_object_set_new(inits, "unknown", json_integer(0));
    json_object_set_new(inits, "sensor", json_integer(0));
    json_object_set_new(inits, "remote", json_integer((json_int_t)fl->packets));
    json_object_set_new(t, "initiators", inits);
    json_object_set_new(t, "top_ports", toplist);
    json_object_set_new(t, "groups", groups);
    return t;
}

/* The flood scenario: DIR/flood.pcap and DIR/truth.json. sources >= 1,
 * packets >= 1 (0: as many as sources). */
void run_flood(const char *dir, uint64_t seed, uint64_t sources, uint64_t packets)
{
    static struct flood fl; /* the tallies are large for the stack */
    memset(&fl, 0, sizeof fl);
    fl.sources = sources;
    fl.packets = packets ? packets : sources;
    rng_seed(&fl.rng, seed);
    uint64_t s = seed ^ UINT64_C(0xF100D5EED);
    for (int i = 0; i < 4; i++)
        fl.key[i] = splitmix64(&s);
    fl.key_v6 = splitmix64(&s);
    fl.key_port = splitmix64(&s);
    fl.key_net6 = splitmix64(&s);
    flood_space(&fl);
    for (size_t i = 0; i < N_FLOOD_PROBES; i++)
        fl.weight_total += FLOOD_PROBES[i].weight;
    /* Beyond these, two sources would share an address or a source reuse a
     * 5-tuple, and the counts would no longer be known by construction. */
    if (fl.sources > fl.usable)
        die("--sources %" PRIu64 " exceeds the %" PRIu64 " usable IPv4 addresses", fl.sources,
            fl.usable);
    fl.rounds = (fl.packets - 1) / fl.sources + 1;
    if (fl.rounds > FLOOD_MAX_ROUNDS)
        die("--packets %" PRIu64 " is more than %d per source", fl.packets, FLOOD_MAX_ROUNDS);

    /* one UTC day, packets evenly spaced with jitter within their slot, so
     * times increase and the last packet falls before midnight */
    const int64_t day_us = INT64_C(86400000000);
    int64_t start_us = days_from_civil(2024, 3, 12) * (day_us);
    uint64_t step = (uint64_t)day_us / fl.packets, rem = (uint64_t)day_us % fl.packets;
    if (step == 0)
        die("--packets %" PRIu64 " is more than one a microsecond over a day", fl.packets);

    make_dir(dir);
    struct writer w;
    writer_open(&w, dir, FLOOD_FILE, FMT_PCAP, LT_ETHER, 65535);
    fprintf(stderr,
            "gen_scenario: scenario flood, seed %" PRIu64 ", %" PRIu64 " sources, %" PRIu64
            " packets -> %s\n",
            seed, fl.sources, fl.packets, dir);
    uint64_t slot = 0, acc = 0;
    for (uint64_t i = 0; i < fl.packets; i++) {
        uint64_t jitter = step > 1 ? rng_below(&fl.rng, step) : 0;
        int64_t ts_us = start_us + (int64_t)(slot + jitter);
        flood_packet(&fl, &w, i, ts_us * 1000);
        slot += step;
        acc += rem;
        if (acc >= fl.packets) {
            acc -= fl.packets;
            slot++;
        }
    }
    writer_close(&w);

    json_t *truth = flood_truth(&fl, seed);
    char path[4096];
    snprintf(path, sizeof path, "%s/truth.json", dir);
    if (json_dump_file(truth, path, JSON_INDENT(1) | JSON_SORT_KEYS) != 0)
        die("cannot write '%s'", path);
    json_decref(truth);
    fprintf(stderr,
            "gen_scenario: %" PRIu64 " packets, %" PRIu64 " bytes, %" PRIu64 " flows, %" PRIu64
            " sources (%" PRIu64 " IPv6)\n",
            fl.packets, fl.bytes, fl.packets, fl.src4 + fl.src6, fl.src6);
}
