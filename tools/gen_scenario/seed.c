/*
 * seed.c: the seed scenario, a Windows honeypot talking with the AWS blocks
 * of the 2009 study (aws_blocks.c), 2008-02-01 to 2009-12-11. The calendar
 * drawn once (infection periods, burst days); each day's volume of each kind
 * of traffic, whose conversations seed_traffic.c writes; one file a month.
 */
#include <stdlib.h>
#include <string.h>

#include "gen_int.h"

/* ---- calendar and days ----------------------------------------------------- */

struct period {
    int64_t from, to;
};

#define MAX_PERIODS 16
#define MAX_BURSTS 32
#define POOL_MX 24
#define POOL_NS 8

struct seed_state {
    struct period inf[MAX_PERIODS];
    size_t ninf;
    int64_t burst[MAX_BURSTS];
    unsigned burst_factor[MAX_BURSTS];
    size_t nburst;
    /* scanner pools: EC2 addresses churn, so members are replaced often */
    uint32_t *aws_scan, *bg_scan;
    size_t naws_scan, nbg_scan;
    /* Rate corrections for the calendar drawn: the bot's daily activity is
     * divided among the infected days and the AWS scan rate among the
     * burst-weighted days, so the period's shares do not depend on how long
     * the infections and how strong the bursts happen to be. */
    double inf_norm, scan_norm;
    /* what the bot talks to during the current infection */
    int cur_inf;
    uint32_t aws_mx[POOL_MX], bg_mx[POOL_MX], aws_ns[POOL_NS], bg_ns[POOL_NS];
    struct http_host aws_http[2], bg_http;
    unsigned naws_http;
    char sender_domain[40];
};

static bool day_in(const struct period *p, size_t n, int64_t day, int *which)
{
    for (size_t i = 0; i < n; i++)
        if (day >= p[i].from && day <= p[i].to) {
            if (which)
                *which = (int)i;
            return true;
        }
    return false;
}

/* Infection periods: k per year, each 5-24 days, one per equal segment of
 * the year's part of the capture period so they never overlap. */
static void plan_infections(struct gen *g, struct seed_state *st, int64_t from, int64_t to,
                            unsigned k)
{
    int64_t seg = (to - from + 1) / k;
    for (unsigned i = 0; i < k; i++) {
        int64_t s0 = from + seg * i;
        unsigned len = rng_range(&g->cal, 5, 24);
        int64_t start = s0 + 3 + (int64_t)rng_below(&g->cal, (uint64_t)(seg - len - 6));
        st->inf[st->ninf].from = start;
        st->inf[st->ninf].to = start + len - 1;
        st->ninf++;
    }
}

/* Burst days: away from infections (whose own traffic would hide them), from
 * the period's ends and from each other. */
static void plan_bursts(struct gen *g, struct seed_state *st, int64_t from, int64_t to, unsigned k)
{
    for (unsigned i = 0; i < k;) {
        int64_t d = from + 2 + (int64_t)rng_below(&g->cal, (uint64_t)(to - from - 3));
        bool ok = true;
        for (int64_t e = d - 2; e <= d + 2; e++)
            if (day_in(st->inf, st->ninf, e, NULL))
                ok = false;
        for (size_t j = 0; j < st->nburst; j++)
            if (st->burst[j] >= d - 7 && st->burst[j] <= d + 7)
                ok = false;
        if (!ok)
            continue;
        st->burst[st->nburst] = d;
        st->burst_factor[st->nburst] = rng_range(&g->cal, 6, 15);
        st->nburst++;
        i++;
    }
}

static void pool_churn(struct gen *g, uint32_t *pool, size_t n, double p, bool aws)
{
    for (size_t i = 0; i < n; i++)
        if (!pool[i] || rng_chance(&g->rng, p))
            pool[i] = aws ? aws_addr(&g->rng, g->day) : background_addr(&g->rng);
}

/* Who the bot talks to during one infection: a few popular mail exchangers,
 * name servers and one or two malware hosts. */
static void plan_partners(struct gen *g, struct seed_state *st)
{
    struct rng *r = &g->rng;
    for (int i = 0; i < POOL_MX; i++) {
        st->aws_mx[i] = aws_addr(r, g->day);
        st->bg_mx[i] = background_addr(r);
    }
    for (int i = 0; i < POOL_NS; i++) {
        st->aws_ns[i] = aws_addr(r, g->day);
        st->bg_ns[i] = background_addr(r);
    }
    st->naws_http = rng_range(r, 1, 2);
    for (unsigned i = 0; i < 3; i++) {
        struct http_host *h = i < 2 ? &st->aws_http[i] : &st->bg_http;
        h->addr = i < 2 ? aws_addr(r, g->day) : background_addr(r);
        char dom[32];
        rand_domain(r, dom, sizeof dom);
        snprintf(h->name, sizeof h->name, "dl.%s", dom);
        for (int j = 0; j < 3; j++) {
            char a[24], b[24];
            rand_word(r, a, 3, 8);
            rand_word(r, b, 4, 9);
            snprintf(h->path[j], sizeof h->path[j], "/%s/%s%u.exe", a, b, rng_range(r, 1, 99));
        }
    }
    rand_domain(r, st->sender_domain, sizeof st->sender_domain);
}

/* Daily rates at --scale 1, tuned so the AWS figures follow the seed: spam >
 * DNS > ICMP in the sensor's traffic, and of all packets received from AWS
 * TCP 445 ~8.0 %, 139 ~5.3 %, 1080 ~2.8 %, 9988 ~1.8 %. */
struct rates {
    double smb445, smb139, p1080, p9988, closed_other, udp, ping;
};
static const struct rates AWS_SCAN = {0.325, 0.215, 0.63, 0.404, 0.383, 0.128, 0.102};
static const struct rates BG_SCAN = {0.85, 0.425, 0.34, 0.255, 1.87, 0.425, 0.30};
/* rates of the bot's activity are for this many infected days in the period */
#define REF_INFECTED_DAYS 140.0
#define AWS_SMTP 5.95
#define AWS_DNS 26.35
#define AWS_ICMP 17.0
#define AWS_HTTP 0.425
#define BG_SMTP 3.4
#define BG_DNS 6.8
#define BG_ICMP 8.5
#define BG_HTTP 0.13
#define ARP_RATE 1.0
#define NOT_SENSOR_RATE 0.3

static const uint16_t AWS_OTHER_PORTS[] = {22, 80, 135, 1433, 3389, 5900, 8080, 2967, 4899, 23};
static const uint16_t BG_OTHER_PORTS[] = {22,   23,   80,   1433, 3389, 5900, 8080, 2967,
                                          4899, 1080, 9988, 3128, 5554, 6129, 1025, 42};
static const uint16_t BG_UDP_PORTS[] = {1434, 137, 1026, 1027, 5060};

/* A day's scanners of one side (AWS or not): a pool, and the chance that a
 * probe comes from a fresh address instead. */
struct scanners {
    const uint32_t *pool;
    size_t n;
    bool aws;
    double fresh;
};

static uint32_t pick_scanner(struct gen *g, const struct scanners *sc)
{
    if (rng_chance(&g->rng, sc->fresh))
        return sc->aws ? aws_addr(&g->rng, g->day) : background_addr(&g->rng);
    return sc->pool[rng_below(&g->rng, sc->n)];
}

enum probe { PROBE_OPEN, PROBE_CLOSED, PROBE_UDP, PROBE_PING };

/* One probe of the sensor's port at a random time of the day. The time is
 * drawn before the scanner: the order of draws is the output. */
static void probe_once(struct gen *g, const struct scanners *sc, enum probe kind, uint16_t port)
{
    int64_t start = rand_start(g);
    uint32_t src = pick_scanner(g, sc);
    switch (kind) {
    case PROBE_OPEN:
        gen_scan_open(g, src, port, start);
        break;
    case PROBE_CLOSED:
        gen_scan_closed(g, src, port, start);
        break;
    case PROBE_UDP:
        gen_scan_udp(g, src, port, start);
        break;
    case PROBE_PING:
        gen_ping_in(g, src, start);
        break;
    }
}

static void probe_times(struct gen *g, const struct scanners *sc, unsigned n, enum probe kind,
                        uint16_t port)
{
    while (n--)
        probe_once(g, sc, kind, port);
}

static void gen_scans(struct gen *g, const struct rates *rt, double mult, double norm,
                      const uint32_t *pool, size_t npool, bool aws)
{
    double s = g->scale * mult * (0.75 + 0.5 * rng_unit(&g->rng));
    if (aws)
        s *= norm;
    struct scanners sc = {pool, npool, aws, aws ? 0.25 : 0.5};
    probe_times(g, &sc, stoch_round(&g->rng, rt->smb445 * s), PROBE_OPEN, 445);
    probe_times(g, &sc, stoch_round(&g->rng, rt->smb139 * s), PROBE_OPEN, 139);
    probe_times(g, &sc, stoch_round(&g->rng, rt->p1080 * s), PROBE_CLOSED, 1080);
    probe_times(g, &sc, stoch_round(&g->rng, rt->p9988 * s), PROBE_CLOSED, 9988);
    unsigned n = stoch_round(&g->rng, rt->closed_other * s);
    while (n--) {
        const uint16_t *ports = aws ? AWS_OTHER_PORTS : BG_OTHER_PORTS;
        size_t np = aws ? sizeof AWS_OTHER_PORTS / 2 : sizeof BG_OTHER_PORTS / 2;
        uint16_t port = ports[rng_below(&g->rng, np)];
        bool open = port == 135 && rng_chance(&g->rng, 0.5);
        probe_once(g, &sc, open ? PROBE_OPEN : PROBE_CLOSED, port);
    }
    n = stoch_round(&g->rng, rt->udp * s);
    while (n--) {
        uint16_t port = aws ? 1434 : BG_UDP_PORTS[rng_below(&g->rng, sizeof BG_UDP_PORTS / 2)];
        probe_once(g, &sc, PROBE_UDP, port);
    }
    probe_times(g, &sc, stoch_round(&g->rng, rt->ping * s), PROBE_PING, 0);
}

static void gen_infected_day(struct gen *g, struct seed_state *st)
{
    struct rng *r = &g->rng;
    double s = g->scale * st->inf_norm * (0.75 + 0.5 * rng_unit(r));
    unsigned n;
    n = stoch_round(r, AWS_SMTP * s);
    while (n--) {
        uint32_t mx = rng_chance(r, 0.7) ? st->aws_mx[rng_below(r, POOL_MX)] : aws_addr(r, g->day);
        gen_smtp(g, st->sender_domain, mx, rand_start(g));
    }
    n = stoch_round(r, BG_SMTP * s);
    while (n--) {
        uint32_t mx = rng_chance(r, 0.7) ? st->bg_mx[rng_below(r, POOL_MX)] : background_addr(r);
        gen_smtp(g, st->sender_domain, mx, rand_start(g));
    }
    n = stoch_round(r, AWS_DNS * s);
    while (n--) {
        int64_t start = rand_start(g);
        gen_dns(g, st->aws_ns[rng_below(r, POOL_NS)], true, start);
    }
    n = stoch_round(r, BG_DNS * s);
    while (n--) {
        int64_t start = rand_start(g);
        gen_dns(g, st->bg_ns[rng_below(r, POOL_NS)], false, start);
    }
    /* sweeps of up to 50 consecutive addresses each */
    for (int aws = 1; aws >= 0; aws--) {
        n = stoch_round(r, (aws ? AWS_ICMP : BG_ICMP) * s);
        while (n > 0) {
            unsigned k = n < 50 ? n : rng_range(r, 20, 50);
            uint32_t base = aws ? aws_addr(r, g->day) : background_addr(r);
            gen_sweep(g, base, k, aws != 0, rand_start(g));
            n -= k;
        }
    }
    n = stoch_round(r, AWS_HTTP * s);
    while (n--) {
        int64_t start = rand_start(g);
        gen_http(g, &st->aws_http[rng_below(r, st->naws_http)], start);
    }
    n = stoch_round(r, BG_HTTP * s);
    while (n--)
        gen_http(g, &st->bg_http, rand_start(g));
}

static void seed_day(struct gen *g, struct seed_state *st)
{
    struct rng *r = &g->rng;
    int inf;
    bool infected = day_in(st->inf, st->ninf, g->day, &inf);
    if (infected && inf != st->cur_inf) {
        st->cur_inf = inf;
        plan_partners(g, st);
    }
    double mult = 1;
    for (size_t i = 0; i < st->nburst; i++)
        if (st->burst[i] == g->day)
            mult = st->burst_factor[i];

    pool_churn(g, st->aws_scan, st->naws_scan, 0.25, true);
    pool_churn(g, st->bg_scan, st->nbg_scan, 0.3, false);
    if (infected)
        gen_infected_day(g, st);
    if (mult > 1) {
        /* a burst: the usual scanners plus a few new hosts hammering away */
        uint32_t burst_src[4];
        for (int i = 0; i < 4; i++)
            burst_src[i] = aws_addr(r, g->day);
        gen_scans(g, &AWS_SCAN, 1, st->scan_norm, st->aws_scan, st->naws_scan, true);
        gen_scans(g, &AWS_SCAN, mult - 1, st->scan_norm, burst_src, 4, true);
    } else {
        gen_scans(g, &AWS_SCAN, 1, st->scan_norm, st->aws_scan, st->naws_scan, true);
    }
    gen_scans(g, &BG_SCAN, 1, 1, st->bg_scan, st->nbg_scan, false);
    unsigned n = stoch_round(r, ARP_RATE * g->scale);
    while (n--)
        gen_arp(g, rand_start(g));
    n = stoch_round(r, NOT_SENSOR_RATE * g->scale);
    while (n--)
        gen_not_sensor(g, rand_start(g));
}

void run_seed(struct gen *g, json_t *truth)
{
    struct seed_state st;
    memset(&st, 0, sizeof st);
    st.cur_inf = -1;
    int64_t end08 = days_from_civil(2008, 12, 31);
    int64_t first09 = days_from_civil(2009, 1, 1);
    int64_t last = g->day0 + (int64_t)g->ndays - 1;
    plan_infections(g, &st, g->day0, end08, 4);
    plan_infections(g, &st, first09, last, 5);
    plan_bursts(g, &st, g->day0, end08, 4);
    plan_bursts(g, &st, first09, last, 6);
    double infected = 0, burst_extra = 0;
    for (size_t i = 0; i < st.ninf; i++)
        infected += (double)(st.inf[i].to - st.inf[i].from + 1);
    for (size_t i = 0; i < st.nburst; i++)
        burst_extra += st.burst_factor[i] - 1;
    st.inf_norm = REF_INFECTED_DAYS / infected;
    st.scan_norm = (double)g->ndays / ((double)g->ndays + burst_extra);

    st.naws_scan = (size_t)(6 * g->scale) + 3;
    st.nbg_scan = (size_t)(20 * g->scale) + 5;
    st.aws_scan = xcalloc(st.naws_scan, sizeof *st.aws_scan);
    st.bg_scan = xcalloc(st.nbg_scan, sizeof *st.bg_scan);

    int cur_month = -1;
    for (size_t i = 0; i < g->ndays; i++) {
        int64_t day = g->day0 + (int64_t)i;
        int y, m, d;
        civil_from_days(day, &y, &m, &d);
        day_begin(g, day);
        if (m != cur_month) {
            if (g->w_open)
                file_close(g);
            cur_month = m;
            char name[64];
            enum fmt fmt = y == 2008               ? FMT_PCAP_GZ
                           : (y == 2009 && m == 6) ? FMT_PCAP_NS
                           : (y == 2009 && m == 9) ? FMT_PCAPNG
                                                   : FMT_PCAP;
            /* the pcapng month keeps a .pcap name, as misnamed captures do */
            snprintf(name, sizeof name, "honeypot-%04d-%02d.pcap%s", y, m,
                     fmt == FMT_PCAP_GZ ? ".gz" : "");
            file_open(g, name, fmt, LT_ETHER, 65535);
            g->vlan_left = (y == 2008 && m == 7) ? 8 : 0;
        }
        seed_day(g, &st);
        day_flush(g);
    }
    file_close(g);

    json_t *inf = json_array();
    for (size_t i = 0; i < st.ninf; i++) {
        char a[16], b[16];
        day_text(st.inf[i].from, a);
        day_text(st.inf[i].to, b);
        json_t *o = json_object();
        json_object_set_new(o, "from", json_string(a));
        json_object_set_new(o, "to", json_string(b));
        json_array_append_new(inf, o);
    }
    json_object_set_new(truth, "infections", inf);
    /* bursts in date order */
    for (size_t i = 1; i < st.nburst; i++)
        for (size_t j = i; j > 0 && st.burst[j - 1] > st.burst[j]; j--) {
            int64_t t = st.burst[j];
            st.burst[j] = st.burst[j - 1];
            st.burst[j - 1] = t;
            unsigned u = st.burst_factor[j];
            st.burst_factor[j] = st.burst_factor[j - 1];
            st.burst_factor[j - 1] = u;
        }
    json_t *bursts = json_array(), *factors = json_object();
    for (size_t i = 0; i < st.nburst; i++) {
        char a[16];
        day_text(st.burst[i], a);
        json_array_append_new(bursts, json_string(a));
        json_object_set_new(factors, a, json_integer(st.burst_factor[i]));
    }
    json_object_set_new(truth, "bursts", bursts);
    json_object_set_new(truth, "burst_factors", factors);
    free(st.aws_scan);
    free(st.bg_scan);
}
