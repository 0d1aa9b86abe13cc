/*
 * Tool tags from header fields (scanner.h). The rules are tried from the most
 * specific mark to the least, and the first that holds names the tool: a
 * masscan probe also has nmap's window and option, and is masscan's by its
 * identification field first.
 */
#include <string.h>

#include "scanner.h"

/* ZMap's packet.c: make_ip_header() sets ip_id = 54321, make_tcp_header() th_win = 65535. */
#define ZMAP_IP_ID 54321u
#define ZMAP_TCP_WINDOW 65535u
/*
 * masscan's templ-pkt.c: default_tcp_template "window fixed to 1024" for its
 * probes; tcp_create_packet() writes 1200 into the packets of its own TCP
 * stack (the RST it sends to close what it probed).
 */
#define MASSCAN_TCP_WINDOW 1024u
#define MASSCAN_STACK_WINDOW 1200u
/*
 * nmap's tcpip.cc build_tcp_raw(): th_win 1024 when none is asked for (until
 * June 2011, 1024 * (ttl % 4 + 1): 1024, 2048, 3072 or 4096); nmap.h
 * TCP_SYN_PROBE_OPTIONS, the MSS option of 1460 on every SYN probe.
 */
static int nmap_window(uint16_t window)
{
    return window == 1024 || window == 2048 || window == 3072 || window == 4096;
}
static const uint8_t nmap_syn_options[] = {0x02, 0x04, 0x05, 0xb4};
/* hping3's hping2.h: DEFAULT_SRCWINSIZE 512, and a bare 20-byte TCP header. */
#define HPING3_TCP_WINDOW 512u

static uint32_t v4_of(const struct ip_addr *addr)
{
    return (uint32_t)addr->b[12] << 24 | (uint32_t)addr->b[13] << 16 | (uint32_t)addr->b[14] << 8 |
           (uint32_t)addr->b[15];
}

static enum scanner_tool tcp_probe(const struct decoded_packet *p, int v4)
{
    if (v4) {
        uint32_t dst = v4_of(&p->dst);
        if (p->ip_id == ZMAP_IP_ID && p->tcp_window == ZMAP_TCP_WINDOW)
            return SCANNER_ZMAP;
        /*
         * masscan's template_set_target_ipv4(): ip_id = ip_them ^ port_them ^
         * seqno, the low 16 bits written, where ip_them is the target address
         * and seqno the SYN cookie in the sequence number.
         */
        uint16_t masscan_id = (uint16_t)((dst ^ p->dst_port ^ p->tcp_seq) & 0xffffu);
        if (p->ip_id == masscan_id &&
            (p->tcp_window == MASSCAN_TCP_WINDOW || p->tcp_window == MASSCAN_STACK_WINDOW))
            return SCANNER_MASSCAN;
        /* Mirai's scanner.c: tcph->seq = iph->daddr. */
        if (p->tcp_seq == dst)
            return SCANNER_MIRAI;
    }
    if (nmap_window(p->tcp_window) && (p->tcp_flags & TCP_SYN) && p->tcp_options_whole &&
        p->tcp_options_len == sizeof(nmap_syn_options) &&
        memcmp(p->tcp_options_head, nmap_syn_options, sizeof(nmap_syn_options)) == 0)
        return SCANNER_NMAP;
    /*
     * nmap's FIN, NULL and Xmas scans (-sF, -sN, -sX): the same window, and no
     * options, which nmap adds to SYN probes only.
     */
    if (nmap_window(p->tcp_window) && !(p->tcp_flags & (TCP_SYN | TCP_RST)) &&
        p->tcp_options_whole && p->tcp_options_len == 0)
        return SCANNER_NMAP;
    if (p->tcp_window == HPING3_TCP_WINDOW && p->tcp_options_whole && p->tcp_options_len == 0)
        return SCANNER_HPING3;
    return SCANNER_NONE;
}

enum scanner_tool scanner_tag(const struct decoded_packet *p)
{
    if (p->is_fragment)
        return SCANNER_NONE;
    switch (p->proto) {
    case PROTO_TCP:
        /* A probe opens or pokes; an ACK belongs to a conversation (or answers one). */
        if (p->tcp_flags & TCP_ACK)
            return SCANNER_NONE;
        return tcp_probe(p, addr_is_v4(&p->dst));
    case PROTO_UDP:
        /* IPv6 has no identification field: ip_id is 0 there. */
        return p->ip_id == ZMAP_IP_ID && addr_is_v4(&p->dst) ? SCANNER_ZMAP : SCANNER_NONE;
    case PROTO_ICMP:
        /* ICMP echo request: type 8, code 0 (dst_port is type << 8 | code). */
        return p->dst_port == 0x0800 && p->ip_id == ZMAP_IP_ID ? SCANNER_ZMAP : SCANNER_NONE;
    default:
        return SCANNER_NONE;
    }
}

const char *scanner_tool_name(enum scanner_tool tool)
{
    static const char *const names[SCANNER_TOOL_COUNT] = {
        [SCANNER_NONE] = "unknown", [SCANNER_ZMAP] = "zmap", [SCANNER_MASSCAN] = "masscan",
        [SCANNER_MIRAI] = "mirai",  [SCANNER_NMAP] = "nmap", [SCANNER_HPING3] = "hping3",
    };
    if ((unsigned)tool >= SCANNER_TOOL_COUNT)
        return "unknown";
    return names[tool];
}
