/*
 * The evidence stage's front: which parser a flow side goes to, and the
 * names of the kinds. The helpers the parsers share are in value.c, so that
 * the parsers do not call back into the file that calls them.
 */
#include <string.h>

#include "evidence_int.h"

enum { IPPROTO_TCP_ = 6, IPPROTO_UDP_ = 17 };

static const char *const kind_names[EVIDENCE_KIND_COUNT] = {
    [EVIDENCE_SMTP_HELO] = "smtp-helo",
    [EVIDENCE_SMTP_MAIL_FROM] = "smtp-mail-from",
    [EVIDENCE_SMTP_MAIL_FROM_DOMAIN] = "smtp-mail-from-domain",
    [EVIDENCE_SMTP_RCPT_TO] = "smtp-rcpt-to",
    [EVIDENCE_SMTP_RCPT_TO_DOMAIN] = "smtp-rcpt-to-domain",
    [EVIDENCE_SMTP_MESSAGES] = "smtp-messages",
    [EVIDENCE_SMTP_SUBJECT] = "smtp-subject",
    [EVIDENCE_SMTP_BANNER] = "smtp-banner",
    [EVIDENCE_SMTP_REPLY] = "smtp-reply",
    [EVIDENCE_DNS_QUERY] = "dns-query",
    [EVIDENCE_DNS_ANSWER] = "dns-answer",
    [EVIDENCE_DNS_ERROR] = "dns-error",
    [EVIDENCE_HTTP_REQUEST] = "http-request",
    [EVIDENCE_HTTP_HOST] = "http-host",
    [EVIDENCE_HTTP_USER_AGENT] = "http-user-agent",
    [EVIDENCE_HTTP_URL] = "http-url",
    [EVIDENCE_HTTP_RESPONSE] = "http-response",
    [EVIDENCE_HTTP_LOCATION] = "http-location",
    [EVIDENCE_TLS_SNI] = "tls-sni",
    [EVIDENCE_TLS_JA4] = "tls-ja4",
    [EVIDENCE_SSH_CLIENT] = "ssh-client",
    [EVIDENCE_SSH_HASSH] = "ssh-hassh",
    [EVIDENCE_SSH_HASSH_SERVER] = "ssh-hassh-server",
    [EVIDENCE_SCANNER_PACKETS] = "scanner-packets",
    [EVIDENCE_SCANNER_FLOWS] = "scanner-flows",
    [EVIDENCE_SYN_ACK_UNANSWERED] = "syn-ack-unanswered",
    [EVIDENCE_BACKSCATTER_PACKETS] = "backscatter-packets",
    [EVIDENCE_BACKSCATTER_BYTES] = "backscatter-bytes",
};

const char *evidence_kind_name(enum evidence_kind kind)
{
    if ((unsigned)kind >= EVIDENCE_KIND_COUNT || !kind_names[kind])
        return "unknown";
    return kind_names[kind];
}

/* ---- which parser ------------------------------------------------------------------ */

enum parser {
    PARSER_NONE,
    PARSER_DNS_UDP,
    PARSER_DNS_TCP,
    PARSER_SMTP,
    PARSER_HTTP,
    PARSER_TLS,
    PARSER_SSH
};

static int smtp_port(uint16_t service)
{
    return service == 25 || service == 465 || service == 587;
}

/*
 * The parser for a flow side. The port decides for DNS (any bytes to port 53
 * are read as DNS, even those that would pass for TLS); TLS, SSH and HTTP
 * are recognised by their first bytes on any TCP port, so that SMTPS on 465,
 * SSH on 2222 and HTTP on odd ports are read for what they are, and so is an
 * SMTP client's greeting; SMTP is also what is left on the mail ports.
 * *undecided is set when more bytes could change the answer.
 */
static enum parser pick(uint8_t proto, uint16_t service, const uint8_t *data, size_t len,
                        int *undecided)
{
    *undecided = 0;
    if (proto == IPPROTO_UDP_)
        return service == 53 ? PARSER_DNS_UDP : PARSER_NONE;
    if (proto != IPPROTO_TCP_)
        return PARSER_NONE;
    if (service == 53)
        return PARSER_DNS_TCP;
    enum ev_sniff tls = ev_tls_sniff(data, len);
    if (tls == EV_YES)
        return PARSER_TLS;
    enum ev_sniff ssh = ev_ssh_sniff(data, len);
    if (ssh == EV_YES)
        return PARSER_SSH;
    int web_port = service == 80 || service == 8080;
    enum ev_sniff http = ev_http_sniff(data, len, web_port);
    if (http == EV_YES)
        return PARSER_HTTP;
    /*
     * On the web ports, where any upper-case method would otherwise open an
     * HTTP request, an SMTP client's greeting is SMTP (a spam bot pointed at
     * port 80 is still one). Other ports keep to what the port says.
     */
    enum ev_sniff smtp = web_port ? ev_smtp_client_sniff(data, len) : EV_NO;
    if (smtp == EV_YES)
        return PARSER_SMTP;
    *undecided = tls == EV_MAYBE || ssh == EV_MAYBE || http == EV_MAYBE || smtp == EV_MAYBE;
    return smtp_port(service) ? PARSER_SMTP : PARSER_NONE;
}

size_t evidence_parse(uint8_t proto, uint16_t service, enum evidence_side side, const uint8_t *data,
                      size_t len, evidence_emit_fn *emit, void *ctx)
{
    struct ev_out out = {emit, ctx, 0};
    int undecided;
    if (!data)
        len = 0;
    switch (pick(proto, service, data, len, &undecided)) {
    case PARSER_DNS_UDP:
        ev_dns(data, len, 0, &out);
        break;
    case PARSER_DNS_TCP:
        ev_dns(data, len, 1, &out);
        break;
    case PARSER_TLS:
        ev_tls(data, len, &out);
        break;
    case PARSER_HTTP:
        ev_http(data, len, &out);
        break;
    case PARSER_SSH:
        /* Client and server are told apart by who opened the conversation, not guessed. */
        if (side != EVIDENCE_SIDE_UNKNOWN)
            ev_ssh(data, len, side == EVIDENCE_SIDE_RESPONDER, &out);
        break;
    case PARSER_SMTP: {
        int is_server = side == EVIDENCE_SIDE_RESPONDER ||
                        (side == EVIDENCE_SIDE_UNKNOWN && ev_smtp_looks_server(data, len));
        ev_smtp(data, len, is_server, &out);
        break;
    }
    case PARSER_NONE:
        break;
    }
    return out.items;
}

int evidence_wanted(uint8_t proto, uint16_t service, const uint8_t *data, size_t len)
{
    int undecided;
    if (!data)
        len = 0;
    return pick(proto, service, data, len, &undecided) != PARSER_NONE || undecided;
}

size_t evidence_bytes_wanted(uint8_t proto, uint16_t service, const uint8_t *data, size_t len)
{
    /* Port 53 is DNS whatever its bytes (pick()): its messages ask for nothing more. */
    if (proto != IPPROTO_TCP_ || service == 53)
        return 0;
    if (!data)
        len = 0;
    enum ev_sniff ssh = ev_ssh_sniff(data, len);
    if (ssh == EV_YES || (ssh == EV_MAYBE && (service == 22 || service == 2222)))
        return EVIDENCE_SSH_BYTES;
    if (ev_tls_sniff(data, len) == EV_YES) {
        size_t hello = ev_tls_hello_bytes(data, len);
        return hello < EVIDENCE_TLS_BYTES ? hello : EVIDENCE_TLS_BYTES;
    }
    return 0;
}
