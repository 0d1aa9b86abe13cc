/*
 * basic.c: the basic scenario, seventeen hand-placed flows (65 packets) in
 * five files that cover every link type (Ethernet with an 802.1Q frame,
 * Linux SLL, raw IP), file format, address family, flow-start rule (SYN,
 * SYN+ACK first, mid-stream), an ICMP error, an IPv4 fragment pair, a
 * snap-length cut and the bad-packet classes. truth.json lists every flow.
 */
#include <string.h>

#include "gen_int.h"

const char BASIC_LIST[] = "# Prefixes of the basic scenario.\n"
                          "198.51.100.0/24  net-a\n"
                          "2001:db8:1::/48  net-b v6\n";

/* Starts a hand-placed flow at t (seconds after the file's base time). */
static void basic_flow(struct gen *g, struct flow *f, const struct raddr *remote, uint8_t proto,
                       uint16_t sport, uint16_t rport, int init, unsigned type, int64_t t)
{
    flow_init(g, f, remote, proto, sport, rport, init, type, 0);
    f->t = t;
    f->seq[DIR_OUT] = (uint32_t)rng_next(&g->rng);
    f->seq[DIR_IN] = (uint32_t)rng_next(&g->rng);
}

static void basic_ether(struct gen *g, int64_t t)
{
    struct flow f;
    struct raddr a20 = ra4(v4(198, 51, 100, 20)), mx = ra4(v4(203, 0, 113, 5));
    struct raddr a30 = ra4(v4(198, 51, 100, 30)), a9 = ra4(v4(198, 51, 100, 9));
    struct raddr a50 = ra4(v4(198, 51, 100, 50));
    uint8_t smb[137];
    memset(smb, 0x42, sizeof smb);

    /* SMB scan, remote initiated; its first data segment is 802.1Q-tagged */
    basic_flow(g, &f, &a20, P_TCP, 445, 40001, INIT_REMOTE, 0, t);
    tcp_send(g, &f, DIR_IN, TH_SYN, NULL, 0, 0);
    tcp_send(g, &f, DIR_OUT, TH_SYN | TH_ACK, NULL, 0, 100);
    tcp_send(g, &f, DIR_IN, TH_ACK, NULL, 0, 50000);
    f.vlan = 10;
    tcp_send(g, &f, DIR_IN, TH_PSH | TH_ACK, smb, sizeof smb, 1000);
    f.vlan = 0;
    tcp_send(g, &f, DIR_OUT, TH_PSH | TH_ACK, smb, 89, 300);
    tcp_send(g, &f, DIR_IN, TH_FIN | TH_ACK, NULL, 0, 50000);
    tcp_send(g, &f, DIR_OUT, TH_FIN | TH_ACK, NULL, 0, 200);
    tcp_send(g, &f, DIR_IN, TH_ACK, NULL, 0, 50000);
    flow_done(g, &f);

    /* a short SMTP session initiated by the sensor (outside the group) */
    basic_flow(g, &f, &mx, P_TCP, 1100, 25, INIT_SENSOR, 0, t + MS(2000));
    tcp_send(g, &f, DIR_OUT, TH_SYN, NULL, 0, 0);
    tcp_send(g, &f, DIR_IN, TH_SYN | TH_ACK, NULL, 0, 80000);
    tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 200);
    tcp_text(g, &f, DIR_IN, "220 mx.example.net ESMTP\r\n", 40000);
    tcp_text(g, &f, DIR_OUT, "EHLO localhost\r\n", 300);
    tcp_text(g, &f, DIR_IN, "250 mx.example.net\r\n", 80000);
    tcp_text(g, &f, DIR_OUT, "QUIT\r\n", 300);
    tcp_text(g, &f, DIR_IN, "221 Bye\r\n", 80000);
    tcp_send(g, &f, DIR_OUT, TH_FIN | TH_ACK, NULL, 0, 300);
    tcp_send(g, &f, DIR_IN, TH_FIN | TH_ACK, NULL, 0, 80000);
    tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 200);
    flow_done(g, &f);

    /* first seen with its SYN+ACK: the SYN's sender, the sensor, started it */
    basic_flow(g, &f, &a30, P_TCP, 1101, 443, INIT_SENSOR, 0, t + MS(4000));
    f.seq[DIR_OUT]++; /* the SYN that was not captured */
    tcp_send(g, &f, DIR_IN, TH_SYN | TH_ACK, NULL, 0, 0);
    tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 200);
    memset(smb, 0x16, sizeof smb);
    tcp_send(g, &f, DIR_OUT, TH_PSH | TH_ACK, smb, 100, 300);
    tcp_send(g, &f, DIR_IN, TH_PSH | TH_ACK, smb, 120, 60000);
    tcp_send(g, &f, DIR_OUT, TH_RST | TH_ACK, NULL, 0, 500);
    flow_done(g, &f);

    /* first seen mid-stream: initiator unknown, service = the lower port */
    basic_flow(g, &f, &a9, P_TCP, 3389, 51000, INIT_UNKNOWN, 0, t + MS(6000));
    memset(smb, 0x03, sizeof smb);
    tcp_send(g, &f, DIR_IN, TH_PSH | TH_ACK, smb, 120, 0);
    tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 200);
    tcp_send(g, &f, DIR_IN, TH_PSH | TH_ACK, smb, 60, 30000);
    tcp_send(g, &f, DIR_OUT, TH_PSH | TH_ACK, smb, 90, 300);
    flow_done(g, &f);

    /* a remote pings the sensor twice (one flow: same echo id) */
    basic_flow(g, &f, &a50, P_ICMP, 0x0300, 8 << 8, INIT_REMOTE, 8, t + MS(8000));
    uint8_t data[56];
    memset(data, 0x61, sizeof data);
    for (uint32_t s = 1; s <= 2; s++) {
        icmp_send(g, &f, DIR_IN, 8, 0, 0x0300u << 16 | s, data, sizeof data, s == 1 ? 0 : 1000000);
        icmp_send(g, &f, DIR_OUT, 0, 0, 0x0300u << 16 | s, data, sizeof data, 150);
    }
    flow_done(g, &f);

    gen_arp(g, t + MS(9000));
    gen_not_sensor(g, t + MS(9500));
}

static void basic_ipv6(struct gen *g, int64_t t)
{
    struct flow f;
    struct raddr b20 = ra6("2001:db8:1::20"), b53 = ra6("2001:db8:1::53");
    struct raddr o1 = ra6("2001:db8:2::1"), b99 = ra6("2001:db8:1::99");
    uint8_t data[32];
    memset(data, 0x61, sizeof data);

    /* SYN to a closed port over IPv6 */
    basic_flow(g, &f, &b20, P_TCP, 22, 40100, INIT_REMOTE, 0, t);
    f.seq[DIR_OUT] = 0;
    tcp_send(g, &f, DIR_IN, TH_SYN, NULL, 0, 0);
    tcp_send(g, &f, DIR_OUT, TH_RST | TH_ACK, NULL, 0, 100);
    flow_done(g, &f);

    /* DNS over IPv6 to a name server in net-b */
    basic_flow(g, &f, &b53, P_UDP, 1200, 53, INIT_SENSOR, 0, t + MS(1000));
    uint8_t msg[512];
    size_t n = dns_message(msg, 0x1234, "www.example.com", false, false, 0);
    udp_send(g, &f, DIR_OUT, msg, n, 0);
    n = dns_message(msg, 0x1234, "www.example.com", true, false, v4(198, 51, 100, 80));
    udp_send(g, &f, DIR_IN, msg, n, 30000);
    flow_done(g, &f);

    /* ICMPv6 echo by the sensor, outside the group */
    basic_flow(g, &f, &o1, P_ICMP6, 0x0001, 128 << 8, INIT_SENSOR, 128, t + MS(2000));
    icmp_send(g, &f, DIR_OUT, 128, 0, 0x00010001u, data, sizeof data, 0);
    icmp_send(g, &f, DIR_IN, 129, 0, 0x00010001u, data, sizeof data, 40000);
    flow_done(g, &f);

    /* ICMPv6 echo from net-b to the sensor */
    basic_flow(g, &f, &b99, P_ICMP6, 0x0777, 128 << 8, INIT_REMOTE, 128, t + MS(3000));
    icmp_send(g, &f, DIR_IN, 128, 0, 0x07770001u, data, sizeof data, 0);
    icmp_send(g, &f, DIR_OUT, 129, 0, 0x07770001u, data, sizeof data, 100);
    flow_done(g, &f);
}

static void basic_sll(struct gen *g, int64_t t)
{
    struct flow f;
    struct raddr a60 = ra4(v4(198, 51, 100, 60)), n44 = ra4(v4(203, 0, 113, 44));
    struct raddr a70 = ra4(v4(198, 51, 100, 70));
    uint8_t buf[600];

    /* a SIP probe and the sensor's answer */
    basic_flow(g, &f, &a60, P_UDP, 5060, 5062, INIT_REMOTE, 0, t);
    int k = snprintf((char *)buf, sizeof buf,
                     "OPTIONS sip:100@192.0.2.10 SIP/2.0\r\nVia: SIP/2.0/UDP "
                     "198.51.100.60:5062\r\nFrom: <sip:100@198.51.100.60>\r\nTo: "
                     "<sip:100@192.0.2.10>\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\n\r\n");
    udp_send(g, &f, DIR_IN, buf, (size_t)k, 0);
    k = snprintf((char *)buf, sizeof buf,
                 "SIP/2.0 404 Not Found\r\nVia: SIP/2.0/UDP 198.51.100.60:5062\r\nCall-ID: "
                 "1\r\nCSeq: 1 OPTIONS\r\n\r\n");
    udp_send(g, &f, DIR_OUT, buf, (size_t)k, 500);
    flow_done(g, &f);

    /* the sensor's NTP query draws a port unreachable: two flows, both
     * initiated by the sensor (the error's receiver initiates the ICMP one) */
    basic_flow(g, &f, &n44, P_UDP, 1300, 123, INIT_SENSOR, 0, t + MS(1000));
    uint8_t ntp[48];
    memset(ntp, 0, sizeof ntp);
    ntp[0] = 0x1b;
    udp_send(g, &f, DIR_OUT, ntp, sizeof ntp, 0);
    uint16_t ipid = (uint16_t)(g->sensor_ipid - 1);
    flow_done(g, &f);
    /* the error quotes the offending IP header and 8 bytes of its UDP header */
    uint8_t quote[28];
    ipv4_header(quote, 0, v4(192, 0, 2, 10), v4(203, 0, 113, 44), P_UDP, 20 + 8 + sizeof ntp, ipid,
                0, 128);
    put16(quote + 20, 1300);
    put16(quote + 22, 123);
    put16(quote + 24, 8 + sizeof ntp);
    put16(quote + 26, 0);
    flow_init(g, &f, &n44, P_ICMP, 0, 3 << 8 | 3, INIT_SENSOR, 3, 3);
    f.t = t + MS(1000);
    icmp_send(g, &f, DIR_IN, 3, 3, 0, quote, sizeof quote, 60000);
    flow_done(g, &f);

    /* one UDP datagram (to 1434) in two IPv4 fragments: both in one flow */
    basic_flow(g, &f, &a70, P_UDP, 1434, 40200, INIT_REMOTE, 0, t + MS(2000));
    uint8_t dg[8 + 376];
    put16(dg, 40200);
    put16(dg + 2, 1434);
    put16(dg + 4, sizeof dg);
    memset(dg + 8, 0x01, 376);
    dg[8] = 0x04;
    l4_checksum(&f.remote, &f.sensor, P_UDP, dg, sizeof dg, 6);
    struct ip_extra x;
    memset(&x, 0, sizeof x);
    x.raw_frag = true;
    x.ipid = 0x4242;
    x.frag = 0x2000; /* MF, offset 0: UDP header and the first 200 bytes */
    emit(g, &f, DIR_IN, dg, 208, &x);
    x.frag = 208 / 8; /* last fragment at byte 208 */
    tick(&f, 100);
    emit(g, &f, DIR_IN, dg + 208, sizeof dg - 208, &x);
    flow_done(g, &f);
}

static void basic_raw(struct gen *g, int64_t t)
{
    struct flow f;
    struct raddr a80 = ra4(v4(198, 51, 100, 80)), b33 = ra6("2001:db8:1::33");
    uint8_t body[1460];
    memset(body, 0x5a, sizeof body);
    body[0] = 'M';
    body[1] = 'Z';

    basic_flow(g, &f, &a80, P_TCP, 1400, 80, INIT_SENSOR, 0, t);
    tcp_send(g, &f, DIR_OUT, TH_SYN, NULL, 0, 0);
    tcp_send(g, &f, DIR_IN, TH_SYN | TH_ACK, NULL, 0, 50000);
    tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 200);
    tcp_text(g, &f, DIR_OUT, "GET /files/setup.exe HTTP/1.1\r\nHost: dl.example.org\r\n\r\n", 300);
    char hdr[128];
    int k = snprintf(hdr, sizeof hdr, "HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n");
    uint8_t seg[1460];
    memcpy(seg, hdr, (size_t)k);
    memcpy(seg + k, body, 1460 - (size_t)k);
    tcp_send(g, &f, DIR_IN, TH_ACK, seg, 1460, 50000);
    tcp_send(g, &f, DIR_IN, TH_PSH | TH_ACK, body, 2000 - (1460 - (size_t)k), 1000);
    tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 200);
    tcp_send(g, &f, DIR_IN, TH_FIN | TH_ACK, NULL, 0, 500);
    tcp_send(g, &f, DIR_OUT, TH_FIN | TH_ACK, NULL, 0, 300);
    tcp_send(g, &f, DIR_IN, TH_ACK, NULL, 0, 50000);
    flow_done(g, &f);

    basic_flow(g, &f, &b33, P_UDP, 161, 40300, INIT_REMOTE, 0, t + MS(1000));
    /* SNMPv1 get-request for sysDescr.0 with community "public" (RFC 1157) */
    static const uint8_t snmp[] = {0x30, 0x29, 0x02, 0x01, 0x00, 0x04, 0x06, 'p',  'u',  'b',  'l',
                                   'i',  'c',  0xa0, 0x1c, 0x02, 0x04, 0x12, 0x34, 0x56, 0x78, 0x02,
                                   0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08,
                                   0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00};
    udp_send(g, &f, DIR_IN, snmp, sizeof snmp, 0);
    flow_done(g, &f);
}

/* A file with a 64-byte snap length: whole packets keep their IP length in
 * the figures; one SYN whose IPv4 options push the TCP header past the snap
 * length is truncated and never analysed. */
static void basic_snap(struct gen *g, int64_t t)
{
    struct flow f;
    struct raddr a53 = ra4(v4(198, 51, 100, 53)), a90 = ra4(v4(198, 51, 100, 90));
    struct raddr o50 = ra4(v4(203, 0, 113, 50));

    basic_flow(g, &f, &a53, P_UDP, 1500, 53, INIT_SENSOR, 0, t);
    uint8_t msg[512];
    const char *name = "a-rather-long-host-name-for-the-snap-length.example.com";
    size_t n = dns_message(msg, 0x5151, name, false, false, 0);
    udp_send(g, &f, DIR_OUT, msg, n, 0);
    n = dns_message(msg, 0x5151, name, true, false, v4(198, 51, 100, 91));
    udp_send(g, &f, DIR_IN, msg, n, 30000);
    flow_done(g, &f);

    basic_flow(g, &f, &a90, P_ICMP, 0x0200, 8 << 8, INIT_SENSOR, 8, t + MS(1000));
    uint8_t big[1000];
    memset(big, 0x77, sizeof big);
    icmp_send(g, &f, DIR_OUT, 8, 0, 0x02000001u, big, sizeof big, 0);
    icmp_send(g, &f, DIR_IN, 0, 0, 0x02000001u, big, sizeof big, 30000);
    flow_done(g, &f);

    basic_flow(g, &f, &o50, P_TCP, 80, 40400, INIT_REMOTE, 0, t + MS(2000));
    f.account = false;
    uint8_t syn[20];
    memset(syn, 0, sizeof syn);
    put16(syn, 40400);
    put16(syn + 2, 80);
    put32(syn + 4, 12345);
    syn[12] = 5 << 4;
    syn[13] = TH_SYN;
    put16(syn + 14, 8192);
    l4_checksum(&f.remote, &f.sensor, P_TCP, syn, sizeof syn, 16);
    struct ip_extra x;
    memset(&x, 0, sizeof x);
    x.optlen = 12;
    emit(g, &f, DIR_IN, syn, sizeof syn, &x);
    g->truncated++;
}

/* The five files, ten minutes apart from 10:00 UTC. */
void run_basic(struct gen *g)
{
    static const struct {
        const char *name;
        enum fmt fmt;
        int linktype;
        unsigned snaplen;
        void (*write)(struct gen *g, int64_t t);
    } files[] = {
        {"basic-ether.pcap", FMT_PCAP, LT_ETHER, 65535, basic_ether},
        {"basic-ipv6.pcap", FMT_PCAP_NS, LT_ETHER, 65535, basic_ipv6},
        {"basic-sll.pcap.gz", FMT_PCAP_GZ, LT_SLL, 65535, basic_sll},
        {"basic-raw.pcapng", FMT_PCAPNG, LT_RAW, 65535, basic_raw},
        {"basic-snap.pcap", FMT_PCAP, LT_ETHER, 64, basic_snap},
    };
    int64_t base = g->day0 * NS_PER_DAY + INT64_C(36000) * NS_PER_S;
    day_begin(g, g->day0);
    g->flow_list = json_array();
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        file_open(g, files[i].name, files[i].fmt, files[i].linktype, files[i].snaplen);
        files[i].write(g, base + MS(600000) * (int64_t)i);
        day_flush(g);
        file_close(g);
    }
}
