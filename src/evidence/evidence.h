/*
 * evidence: what the first payload bytes of a conversation say.
 *
 * The report's categories (spam-smtp, dns, http-download, https) say what
 * kind of traffic a flow was; the evidence says what it was about: the spam
 * recipients and their domains, the names looked up and the addresses
 * returned, the URLs fetched and what came back, the TLS server names.
 *
 * The flow stage keeps the first bytes of each side of a conversation (the
 * payloads of consecutive packets, concatenated in order) and hands each side
 * to evidence_parse() once (or, for UDP, each datagram). Every byte is
 * attacker-controlled: the parsers read through bounds-checked cursors,
 * allocate nothing and emit only items whose bytes are all present (a line
 * cut at the end of the buffer is ignored, a DNS record cut short is not
 * reported).
 *
 * Values keep the bytes as sent, whatever they are (markup, quotes, escape
 * sequences, invalid UTF-8, letter case), except NUL: an item whose value
 * would hold a NUL byte is not emitted (in a value made of several fields,
 * such as http-response, that field counts as absent instead). Escaping is
 * the renderer's job.
 */
#ifndef HONEYSCOPE_EVIDENCE_H
#define HONEYSCOPE_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

/* Longest value kept; longer ones are cut to this many bytes (and marked). */
#define EVIDENCE_VALUE_MAX 255

enum evidence_kind {
    /* SMTP (RFC 5321), client side */
    EVIDENCE_SMTP_HELO,             /* "mx.example.com": the EHLO/HELO argument */
    EVIDENCE_SMTP_MAIL_FROM,        /* "a@example.com", "<>" for the null sender */
    EVIDENCE_SMTP_MAIL_FROM_DOMAIN, /* "example.com": after the address's last '@' */
    EVIDENCE_SMTP_RCPT_TO,          /* one per RCPT TO command */
    EVIDENCE_SMTP_RCPT_TO_DOMAIN,
    EVIDENCE_SMTP_MESSAGES, /* value "", count = messages sent (DATA, BDAT LAST) */
    EVIDENCE_SMTP_SUBJECT,  /* a message's Subject header, as sent (maybe MIME-encoded) */
    /* SMTP, server side */
    EVIDENCE_SMTP_BANNER, /* the text of the server's 220 greeting */
    EVIDENCE_SMTP_REPLY,  /* "250", "550": one per reply */
    /* DNS (RFC 1035) */
    EVIDENCE_DNS_QUERY,  /* "www.example.com A": each question of a query */
    EVIDENCE_DNS_ANSWER, /* "www.example.com A 192.0.2.1", also AAAA, CNAME, MX, NS, PTR */
    EVIDENCE_DNS_ERROR,  /* "www.example.com NXDOMAIN": a response with a non-zero rcode */
    /* HTTP/1.x (RFC 9112) */
    EVIDENCE_HTTP_REQUEST,    /* "GET /path?query" */
    EVIDENCE_HTTP_HOST,       /* the Host header */
    EVIDENCE_HTTP_USER_AGENT, /* the User-Agent header */
    EVIDENCE_HTTP_URL,        /* "host/path": what was fetched, from where */
    EVIDENCE_HTTP_RESPONSE,   /* "200 application/octet-stream 123456", '-' for what is absent */
    EVIDENCE_HTTP_LOCATION,   /* a response's Location header (where a redirect leads) */
    /* TLS (RFC 8446, RFC 6066) */
    EVIDENCE_TLS_SNI, /* the server name of a ClientHello */
    /* "t13d1516h2_8daaf6152771_e5627efa2ab1": FoxIO's JA4 of a whole ClientHello over TCP */
    EVIDENCE_TLS_JA4,
    /* SSH (RFC 4253) */
    EVIDENCE_SSH_CLIENT, /* "SSH-2.0-OpenSSH_9.2p1": the client's identification line */
    /* Salesforce's HASSH: MD5 of the client's "kex;enc_c2s;mac_c2s;cmp_c2s" name-lists */
    EVIDENCE_SSH_HASSH,
    /* and hasshServer: MD5 of the server's "kex;enc_s2c;mac_s2c;cmp_s2c" */
    EVIDENCE_SSH_HASSH_SERVER,
    /*
     * Scanning tools, from header fields rather than payloads (decode/scanner.h):
     * "zmap tcp/80", the tool and the probed service; count = the probes of the
     * remote in the bin, or the flows they opened.
     */
    EVIDENCE_SCANNER_PACKETS,
    EVIDENCE_SCANNER_FLOWS,
    /*
     * A spoofing sign (docs/semantics.md): a TCP conversation the remote
     * opened, which the sensor answered with a SYN-ACK and the remote left
     * at its first packet. Value "", count = such conversations.
     */
    EVIDENCE_SYN_ACK_UNANSWERED,
    /*
     * Backscatter (docs/semantics.md), per minute for its attack records:
     * "MINUTE proto/port", the UTC second the minute starts and the
     * victim's port (for ICMP, the type); count = the packets, or the
     * bytes, the victim sent the sensor in that minute.
     */
    EVIDENCE_BACKSCATTER_PACKETS,
    EVIDENCE_BACKSCATTER_BYTES,
    EVIDENCE_KIND_COUNT
};

/* Which side of the conversation sent the bytes. */
enum evidence_side {
    EVIDENCE_SIDE_UNKNOWN = 0, /* the initiator is unknown: judged from the bytes */
    EVIDENCE_SIDE_INITIATOR,   /* the side that opened the conversation (the client) */
    EVIDENCE_SIDE_RESPONDER,   /* the side that answered (the server) */
};

struct evidence_item {
    enum evidence_kind kind;
    uint32_t count;    /* what the item counts for: 1, or the messages of EVIDENCE_SMTP_MESSAGES */
    uint16_t len;      /* bytes in value, without the terminating NUL */
    uint8_t truncated; /* the value was longer and is cut to EVIDENCE_VALUE_MAX bytes */
    char value[EVIDENCE_VALUE_MAX + 1]; /* NUL-terminated; any byte but NUL */
};

/* Receives each item; item is only valid during the call. */
typedef void evidence_emit_fn(void *ctx, const struct evidence_item *item);

/*
 * Parses the first len bytes that one side of a flow sent: proto is the IP
 * protocol (6 TCP, 17 UDP), service the flow's service port (see
 * docs/semantics.md), side who sent them. The protocol is chosen by the
 * service and by the bytes themselves: DNS on port 53 (UDP: one datagram,
 * or several whole ones back to back; TCP: messages after their 2-byte
 * lengths), else a TLS ClientHello, an SSH identification line and
 * KEXINIT, or HTTP/1.x messages on any TCP port,
 * else SMTP on ports 25, 465 and 587, and on ports 80 and 8080 after a
 * client's greeting (EHLO, HELO). On ports 80 and 8080 any
 * upper-case method opens an HTTP request when a request target ("/", "*",
 * "http://") follows it; a request line ending in an RTSP or SIP version is
 * not HTTP. The side matters to SMTP (commands or replies; judged from the
 * first line when unknown) and to SSH (the client's line and HASSH, or the
 * server's hasshServer; nothing when unknown): the other protocols tell
 * requests from responses by their bytes.
 * Calls emit(ctx, item) for each item, in the order found; returns how many.
 * data may be NULL when len is 0.
 */
size_t evidence_parse(uint8_t proto, uint16_t service, enum evidence_side side, const uint8_t *data,
                      size_t len, evidence_emit_fn *emit, void *ctx);

/*
 * Whether a side of a flow whose first len bytes (len may be 0) are data can
 * yield evidence: 1 when it can, or when more bytes are needed to tell; 0
 * when it cannot, and the caller need not keep its bytes (more bytes would
 * not change that).
 */
int evidence_wanted(uint8_t proto, uint16_t service, const uint8_t *data, size_t len);

/* The most bytes evidence_bytes_wanted() asks for an SSH side, and for a TLS side. */
#define EVIDENCE_SSH_BYTES 4096
#define EVIDENCE_TLS_BYTES (5 + 16384)

/*
 * How many of a side's first bytes its parser needs, as far as its first len
 * bytes (data) tell, or 0 when they tell nothing and whatever the caller
 * keeps will do (always for UDP and for TCP port 53, which is DNS):
 * - SSH, by its bytes ("SSH-") or, while too few bytes tell, by the service
 *   port (22, 2222): EVIDENCE_SSH_BYTES, as the KEXINIT that follows the
 *   identification line takes 1-2 KiB;
 * - a TLS handshake record opening a ClientHello (at least its 6 first
 *   bytes there): the bytes of the records that carry the whole hello, from
 *   the lengths its record and handshake headers announce (when the hello
 *   spans several records, taking the others to be as long as the first),
 *   at most EVIDENCE_TLS_BYTES, the largest record (RFC 8446 5.1) with its
 *   header. A hello longer than that gets cut.
 */
size_t evidence_bytes_wanted(uint8_t proto, uint16_t service, const uint8_t *data, size_t len);

/* "smtp-rcpt-to", "dns-query", "http-url", "tls-sni", ...; "unknown" when out of range. */
const char *evidence_kind_name(enum evidence_kind kind);

#endif
