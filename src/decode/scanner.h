/*
 * scanner: which scanning tool sent a probe, from the header fields the tool
 * writes the same way into every probe.
 *
 * Stateless scanners mark their probes so that they can recognise the
 * answers without remembering what they sent; those marks, and the fixed
 * values their packet templates carry, name the tool. Each rule below is
 * documented with its source in docs/semantics.md ("Scanning tools"). Only
 * probes are judged (a TCP segment without ACK, an ICMP echo request, a UDP
 * datagram): an answer or a conversation carries no tool's template.
 */
#ifndef HONEYSCOPE_SCANNER_H
#define HONEYSCOPE_SCANNER_H

#include "decode.h"

enum scanner_tool {
    SCANNER_NONE = 0,
    SCANNER_ZMAP,    /* IPv4 identification 54321; TCP window 65535 */
    SCANNER_MASSCAN, /* IPv4 identification = dst ^ dst port ^ seq; TCP window 1024 or 1200 */
    SCANNER_MIRAI,   /* TCP sequence number = IPv4 destination address */
    SCANNER_NMAP,    /* TCP window 1024 (to 2011: 1024..4096); SYN: options exactly MSS 1460;
                        FIN, NULL, Xmas: no options */
    SCANNER_HPING3,  /* TCP window 512, no options */
    SCANNER_TOOL_COUNT
};

/* The tool whose probe p is, or SCANNER_NONE. */
enum scanner_tool scanner_tag(const struct decoded_packet *p);
/* "zmap", "masscan", "mirai", "nmap", "hping3"; "unknown" for SCANNER_NONE and out of range. */
const char *scanner_tool_name(enum scanner_tool tool);

#endif
