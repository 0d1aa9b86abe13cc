/*
 * seed_traffic.c: the conversations of the seed scenario, one function per
 * kind. What the infected sensor starts (spam over SMTP, DNS lookups, echo
 * sweeps, HTTP downloads), what scanners send it (SMB on open ports, SYNs to
 * closed ones, UDP probes, pings), and the LAN's own frames (ARP, a NetBIOS
 * broadcast between two other hosts). Each reserves its 5-tuple for the day
 * so no two flows of a day share one.
 */
#include <string.h>

#include "gen_int.h"

/* Reserves a 5-tuple for today; false when another flow already used it. */
static bool tuple_take(struct gen *g, uint32_t remote, uint8_t proto, uint16_t sport,
                       uint16_t rport)
{
    uint64_t key = (uint64_t)remote << 32 | (uint64_t)sport << 16 | rport;
    /* folding the protocol in can make two tuples share a key: that only
     * makes a free tuple look taken, never lets two flows share one */
    key = mix64(key ^ ((uint64_t)proto << 56)) | 1; /* never zero */
    return keyset_add(&g->tuples, key);
}

static uint16_t sensor_port(struct gen *g, uint32_t remote, uint8_t proto, uint16_t rport)
{
    for (unsigned tries = 0; tries < 70000; tries++) {
        uint16_t p = g->eph;
        g->eph = (uint16_t)(g->eph >= 65000 ? 1025 : g->eph + 1);
        if (tuple_take(g, remote, proto, p, rport))
            return p;
    }
    die("internal: no free port");
    return 0;
}

static uint16_t remote_port(struct gen *g, uint32_t remote, uint8_t proto, uint16_t sport)
{
    for (;;) {
        uint16_t p = (uint16_t)rng_range(&g->rng, 1025, 64999);
        if (tuple_take(g, remote, proto, sport, p))
            return p;
    }
}

static int64_t day_start_ns(const struct gen *g)
{
    return g->day * NS_PER_DAY;
}

/* A flow start between 00:05 and 23:55: with flows shorter than 200 s no
 * flow crosses midnight and no 5-tuple can be reused within 300 s of the
 * previous day. */
/*
 * Each draw is its own statement: the order in which C evaluates the
 * operands of one expression (or the arguments of one call) is unspecified,
 * and differs between compilers, which would make the output depend on them.
 */
int64_t rand_start(struct gen *g)
{
    int64_t seconds = rng_range(&g->rng, 300, 86100 - 1);
    int64_t micros = (int64_t)rng_below(&g->rng, 1000000);
    return day_start_ns(g) + US(seconds * INT64_C(1000000) + micros);
}

/* Starts flow f, which the sensor opens to remote's port rport from its next
 * ephemeral port free today. */
static void sensor_flow(struct gen *g, struct flow *f, uint32_t remote, uint8_t proto,
                        uint16_t rport, int64_t t0)
{
    struct raddr ra = ra4(remote);
    uint16_t sp = sensor_port(g, remote, proto, rport);
    flow_init(g, f, &ra, proto, sp, rport, INIT_SENSOR, 0, 0);
    f->t = t0;
}

void gen_smtp(struct gen *g, const char *sender_domain, uint32_t mx, int64_t t0)
{
    struct rng *r = &g->rng;
    struct flow f;
    sensor_flow(g, &f, mx, P_TCP, 25, t0);
    int64_t rtt = rng_range(r, 20000, 280000);
    f.seq[DIR_OUT] = (uint32_t)rng_next(r);
    f.seq[DIR_IN] = (uint32_t)rng_next(r);
    tcp_send(g, &f, DIR_OUT, TH_SYN, NULL, 0, 0);
    if (rng_chance(r, 0.08)) { /* no MX listening: refused */
        f.seq[DIR_IN] = 0;
        tcp_send(g, &f, DIR_IN, TH_RST | TH_ACK, NULL, 0, rtt);
        flow_done(g, &f);
        return;
    }
    char mxname[48], rcpt[96], from[96], line[256];
    char user[24], fuser[24];
    rand_domain(r, mxname, sizeof mxname);
    rand_word(r, user, 3, 9);
    rand_word(r, fuser, 3, 9);
    snprintf(rcpt, sizeof rcpt, "%s@%s", user, mxname);
    snprintf(from, sizeof from, "%s@%s", fuser, sender_domain);

    tcp_send(g, &f, DIR_IN, TH_SYN | TH_ACK, NULL, 0, rtt);
    tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 200);
    snprintf(line, sizeof line, "220 mx.%s ESMTP Postfix\r\n", mxname);
    tcp_text(g, &f, DIR_IN, line, rtt / 2 + 3000);
    tcp_text(g, &f, DIR_OUT, "EHLO localhost\r\n", 400);
    snprintf(line, sizeof line,
             "250-mx.%s\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n250 DSN\r\n",
             mxname);
    tcp_text(g, &f, DIR_IN, line, rtt);
    snprintf(line, sizeof line, "MAIL FROM:<%s>\r\n", from);
    tcp_text(g, &f, DIR_OUT, line, 300);
    tcp_text(g, &f, DIR_IN, "250 2.1.0 Ok\r\n", rtt);
    snprintf(line, sizeof line, "RCPT TO:<%s>\r\n", rcpt);
    tcp_text(g, &f, DIR_OUT, line, 300);
    if (rng_chance(r, 0.12)) { /* unknown recipient: the bot gives up */
        tcp_text(g, &f, DIR_IN, "550 5.1.1 <recipient>: Recipient address rejected\r\n", rtt);
        tcp_text(g, &f, DIR_OUT, "QUIT\r\n", 300);
    } else {
        tcp_text(g, &f, DIR_IN, "250 2.1.5 Ok\r\n", rtt);
        tcp_text(g, &f, DIR_OUT, "DATA\r\n", 300);
        tcp_text(g, &f, DIR_IN, "354 End data with <CR><LF>.<CR><LF>\r\n", rtt);
        unsigned nseg = rng_range(r, 1, 2);
        for (unsigned s = 0; s < nseg; s++) {
            char body[640];
            size_t want = rng_range(r, 200, 600);
            int k = s == 0 ? snprintf(body, sizeof body,
                                      "From: <%s>\r\nTo: <%s>\r\nSubject: Re: your order\r\n"
                                      "Content-Type: text/html\r\n\r\n",
                                      from, rcpt)
                           : 0;
            size_t n = (size_t)k;
            static const char text[] = "Cheap meds online, best prices, visit us now! ";
            while (n < want) {
                size_t l = sizeof text - 1 < want - n ? sizeof text - 1 : want - n;
                memcpy(body + n, text, l);
                n += l;
            }
            if (s + 1 == nseg)
                memcpy(body + n - 5, "\r\n.\r\n", 5);
            tcp_send(g, &f, DIR_OUT, TH_PSH | TH_ACK, body, n, 500);
        }
        tcp_text(g, &f, DIR_IN, "250 2.0.0 Ok: queued as 3F2A81C4E\r\n", rtt);
        tcp_text(g, &f, DIR_OUT, "QUIT\r\n", 300);
    }
    tcp_text(g, &f, DIR_IN, "221 2.0.0 Bye\r\n", rtt);
    tcp_send(g, &f, DIR_OUT, TH_FIN | TH_ACK, NULL, 0, 300);
    tcp_send(g, &f, DIR_IN, TH_FIN | TH_ACK, NULL, 0, rtt);
    tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 200);
    flow_done(g, &f);
}

void gen_dns(struct gen *g, uint32_t ns, bool aws, int64_t t0)
{
    struct rng *r = &g->rng;
    struct flow f;
    sensor_flow(g, &f, ns, P_UDP, 53, t0);
    char name[64], dom[48];
    rand_domain(r, dom, sizeof dom);
    snprintf(name, sizeof name, "%s%s", rng_chance(r, 0.5) ? "mx." : "www.", dom);
    uint8_t msg[512];
    uint16_t id = (uint16_t)rng_next(r);
    size_t n = dns_message(msg, id, name, false, false, 0);
    udp_send(g, &f, DIR_OUT, msg, n, 0);
    if (!rng_chance(r, 0.05)) {
        uint32_t ans = aws ? aws_addr(r, g->day) : background_addr(r);
        n = dns_message(msg, id, name, true, rng_chance(r, 0.15), ans);
        udp_send(g, &f, DIR_IN, msg, n, rng_range(r, 20000, 250000));
    }
    flow_done(g, &f);
}

/* An echo sweep: requests to consecutive addresses from base, one flow each;
 * a minority answer. */
void gen_sweep(struct gen *g, uint32_t base, unsigned count, bool aws, int64_t t0)
{
    struct rng *r = &g->rng;
    static const char ping[] = "abcdefghijklmnopqrstuvwabcdefghi"; /* Windows ping data */
    uint16_t id = (uint16_t)rng_range(r, 1, 65535);
    uint16_t seq = (uint16_t)rng_next(r);
    int64_t t = t0;
    uint32_t a = base;
    for (unsigned i = 0; i < count; i++, a++) {
        if ((a & 0xFF) == 0 || (a & 0xFF) == 255)
            continue;
        if (aws ? !is_aws(a, g->day) : !is_background_ok(a))
            break;
        if (!tuple_take(g, a, P_ICMP, id, 8 << 8))
            continue;
        struct flow f;
        struct raddr ra = ra4(a);
        flow_init(g, &f, &ra, P_ICMP, id, 8 << 8, INIT_SENSOR, 8, 0);
        f.t = t;
        icmp_send(g, &f, DIR_OUT, 8, 0, (uint32_t)id << 16 | seq, ping, sizeof ping - 1, 0);
        if (rng_chance(r, 0.2))
            icmp_send(g, &f, DIR_IN, 0, 0, (uint32_t)id << 16 | seq, ping, sizeof ping - 1,
                      rng_range(r, 20000, 250000));
        flow_done(g, &f);
        seq++;
        t += US(rng_range(r, 20000, 80000));
    }
}

void gen_http(struct gen *g, const struct http_host *h, int64_t t0)
{
    struct rng *r = &g->rng;
    struct flow f;
    sensor_flow(g, &f, h->addr, P_TCP, 80, t0);
    int64_t rtt = rng_range(r, 20000, 250000);
    f.seq[DIR_OUT] = (uint32_t)rng_next(r);
    f.seq[DIR_IN] = (uint32_t)rng_next(r);
    const char *path = h->path[rng_below(r, 3)];
    tcp_send(g, &f, DIR_OUT, TH_SYN, NULL, 0, 0);
    tcp_send(g, &f, DIR_IN, TH_SYN | TH_ACK, NULL, 0, rtt);
    tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 200);
    char req[256];
    snprintf(req, sizeof req,
             "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: Mozilla/4.0 (compatible; MSIE 6.0; "
             "Windows NT 5.1)\r\nAccept: */*\r\nConnection: close\r\n\r\n",
             path, h->name);
    tcp_text(g, &f, DIR_OUT, req, 300);
    size_t size = rng_range(r, 4000, 40000);
    uint8_t seg[1460];
    int k = snprintf((char *)seg, sizeof seg,
                     "HTTP/1.1 200 OK\r\nServer: Apache\r\nContent-Type: "
                     "application/octet-stream\r\nContent-Length: %zu\r\nConnection: close"
                     "\r\n\r\nMZ",
                     size);
    size_t left = size + (size_t)k - 2; /* headers, then the body starting "MZ" */
    size_t pos = (size_t)k;
    unsigned nseg = 0;
    while (left > 0) {
        size_t n = left < 1460 ? left : 1460;
        fill(r, seg + pos, n - pos);
        tcp_send(g, &f, DIR_IN, TH_ACK | (n == left ? TH_PSH : 0), seg, n,
                 nseg == 0 ? rtt : rng_range(r, 300, 3000));
        left -= n;
        pos = 0;
        if (++nseg % 2 == 0)
            tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 100);
    }
    tcp_send(g, &f, DIR_IN, TH_FIN | TH_ACK, NULL, 0, 500);
    tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 150);
    tcp_send(g, &f, DIR_OUT, TH_FIN | TH_ACK, NULL, 0, 2000);
    tcp_send(g, &f, DIR_IN, TH_ACK, NULL, 0, rtt);
    flow_done(g, &f);

    char url[160];
    snprintf(url, sizeof url, "http://%s%s", h->name, path);
    for (int i = 0; i < NGROUP; i++) {
        if (!f.member[i])
            continue;
        json_t *c = json_object_get(g->grp[i].urls, url);
        json_int_t v = c ? json_integer_value(c) : 0;
        json_object_set_new(g->grp[i].urls, url, json_integer(v + 1));
    }
}

/* Starts flow f, which a scanner at src opens to the sensor's port from a
 * source port free today. */
static void scan_flow(struct gen *g, struct flow *f, uint32_t src, uint8_t proto, uint16_t port,
                      int64_t t0)
{
    struct raddr ra = ra4(src);
    uint16_t rp = remote_port(g, src, proto, port);
    flow_init(g, f, &ra, proto, port, rp, INIT_REMOTE, 0, 0);
    f->t = t0;
}

/* n bytes of a NetBIOS session message carrying SMB (RFC 1002). */
static void smb_message(struct rng *r, uint8_t *buf, size_t n)
{
    fill(r, buf, n);
    buf[0] = 0;
    buf[1] = 0;
    put16(buf + 2, (unsigned)(n - 4));
    memcpy(buf + 4, "\xffSMB", 4);
}

/* An SMB probe of an open port (445, 139, 135): handshake, a few requests
 * each answered, then the scanner resets or closes. */
void gen_scan_open(struct gen *g, uint32_t src, uint16_t port, int64_t t0)
{
    struct rng *r = &g->rng;
    struct flow f;
    scan_flow(g, &f, src, P_TCP, port, t0);
    int64_t rtt = rng_range(r, 20000, 300000);
    f.seq[DIR_OUT] = (uint32_t)rng_next(r);
    f.seq[DIR_IN] = (uint32_t)rng_next(r);
    tcp_send(g, &f, DIR_IN, TH_SYN, NULL, 0, 0);
    tcp_send(g, &f, DIR_OUT, TH_SYN | TH_ACK, NULL, 0, 150);
    tcp_send(g, &f, DIR_IN, TH_ACK, NULL, 0, rtt);
    unsigned k = rng_range(r, 1, 3);
    uint8_t buf[1460];
    for (unsigned i = 0; i < k; i++) {
        size_t n;
        if (i == 0 && port == 139) { /* NetBIOS session request (RFC 1002) */
            n = 72;
            fill(r, buf, n);
            buf[0] = 0x81;
            buf[1] = 0;
            put16(buf + 2, 68);
        } else {
            n = i == 0 ? 137 : i == 1 ? rng_range(r, 140, 260) : rng_range(r, 400, 1400);
            smb_message(r, buf, n);
        }
        tcp_send(g, &f, DIR_IN, TH_PSH | TH_ACK, buf, n, i == 0 ? 400 : rtt);
        if (i == 0 && port == 139) {
            static const uint8_t positive[4] = {0x82, 0, 0, 0};
            tcp_send(g, &f, DIR_OUT, TH_PSH | TH_ACK, positive, 4, 300);
        } else {
            n = rng_range(r, 60, 180);
            smb_message(r, buf, n);
            tcp_send(g, &f, DIR_OUT, TH_PSH | TH_ACK, buf, n, 300);
        }
    }
    if (rng_chance(r, 0.5)) {
        tcp_send(g, &f, DIR_IN, TH_RST | TH_ACK, NULL, 0, rtt);
    } else {
        tcp_send(g, &f, DIR_IN, TH_FIN | TH_ACK, NULL, 0, rtt);
        tcp_send(g, &f, DIR_OUT, TH_FIN | TH_ACK, NULL, 0, 200);
        tcp_send(g, &f, DIR_IN, TH_ACK, NULL, 0, rtt);
    }
    flow_done(g, &f);
}

/* A SYN to a closed port, answered by RST-ACK. */
void gen_scan_closed(struct gen *g, uint32_t src, uint16_t port, int64_t t0)
{
    struct flow f;
    scan_flow(g, &f, src, P_TCP, port, t0);
    f.seq[DIR_IN] = (uint32_t)rng_next(&g->rng);
    f.seq[DIR_OUT] = 0;
    tcp_send(g, &f, DIR_IN, TH_SYN, NULL, 0, 0);
    tcp_send(g, &f, DIR_OUT, TH_RST | TH_ACK, NULL, 0, 120);
    flow_done(g, &f);
}

/* A UDP probe without answer (1434: the Slammer datagram is 376 bytes). */
void gen_scan_udp(struct gen *g, uint32_t src, uint16_t port, int64_t t0)
{
    struct flow f;
    scan_flow(g, &f, src, P_UDP, port, t0);
    uint8_t buf[400];
    size_t n = port == 1434 ? 376 : port == 137 ? 50 : rng_range(&g->rng, 40, 300);
    fill(&g->rng, buf, n);
    if (port == 1434)
        buf[0] = 0x04;
    udp_send(g, &f, DIR_IN, buf, n, 0);
    flow_done(g, &f);
}

/* A remote ping of the sensor: 1-3 echo requests, each answered. */
void gen_ping_in(struct gen *g, uint32_t src, int64_t t0)
{
    struct rng *r = &g->rng;
    uint16_t id;
    do
        id = (uint16_t)rng_range(r, 1, 65535);
    while (!tuple_take(g, src, P_ICMP, id, 8 << 8));
    struct flow f;
    struct raddr ra = ra4(src);
    flow_init(g, &f, &ra, P_ICMP, id, 8 << 8, INIT_REMOTE, 8, 0);
    f.t = t0;
    uint8_t data[56];
    fill(r, data, sizeof data);
    unsigned n = rng_range(r, 1, 3);
    for (unsigned i = 0; i < n; i++) {
        icmp_send(g, &f, DIR_IN, 8, 0, (uint32_t)id << 16 | (i + 1), data, sizeof data,
                  i == 0 ? 0 : 1000000);
        icmp_send(g, &f, DIR_OUT, 0, 0, (uint32_t)id << 16 | (i + 1), data, sizeof data, 150);
    }
    flow_done(g, &f);
}

/* ARP who-has from the gateway and the sensor's reply (RFC 826): not IP. */
void gen_arp(struct gen *g, int64_t t0)
{
    uint8_t fr[60];
    memset(fr, 0, sizeof fr);
    for (int reply = 0; reply < 2; reply++) {
        const uint8_t *smac = reply ? MAC_SENSOR : MAC_GW;
        memcpy(fr, reply ? MAC_GW : MAC_BCAST, 6);
        memcpy(fr + 6, smac, 6);
        put16(fr + 12, 0x0806);
        put16(fr + 14, 1);
        put16(fr + 16, 0x0800);
        fr[18] = 6;
        fr[19] = 4;
        put16(fr + 20, reply ? 2 : 1);
        memcpy(fr + 22, smac, 6);
        put32(fr + 28, reply ? v4(192, 0, 2, 10) : v4(192, 0, 2, 1));
        if (reply)
            memcpy(fr + 32, MAC_GW, 6);
        else
            memset(fr + 32, 0, 6);
        put32(fr + 38, reply ? v4(192, 0, 2, 1) : v4(192, 0, 2, 10));
        /* the request arrives padded to 60 bytes; the reply leaves unpadded */
        size_t n = reply ? 42 : 60;
        day_push(g, t0 + MS(reply), fr, n, n);
        g->not_ip++;
    }
}

/* A NetBIOS name broadcast between two other LAN hosts: not the sensor's. */
void gen_not_sensor(struct gen *g, int64_t t0)
{
    struct flow f;
    memset(&f, 0, sizeof f);
    f.sensor = ra4(v4(192, 0, 2, 255));
    f.remote = ra4(v4(192, 0, 2, 20));
    f.lan = true;
    f.proto = P_UDP;
    f.sport = 137;
    f.rport = 137;
    f.ttl[DIR_IN] = 128;
    f.t = t0;
    uint8_t buf[50];
    fill(&g->rng, buf, sizeof buf);
    udp_send(g, &f, DIR_IN, buf, sizeof buf, 0);
    g->not_sensor++;
}
