/*
 * Services and categories in words (docs/semantics.md, "Categories").
 *
 * A category is derived from who started a conversation and what it was
 * for; it is never stored, so a better rule here changes every report, past
 * and future, without touching the data.
 */
#include <stdio.h>

#include "../capture/capture.h"
#include "report_int.h"

static const char *const named_categories[] = {
    NULL, "spam-smtp", "dns", "icmp-scan", "http-download", "https", "irc",
};

unsigned category_named(uint8_t proto, uint16_t service)
{
    if (proto == PROTO_TCP) {
        switch (service) {
        case 25:
        case 465:
        case 587:
            return 1;
        case 53:
            return 2;
        case 80:
        case 8080:
            return 4;
        case 443:
            return 5;
        case 6697:
        case 7000:
            return 6;
        default:
            return service >= 6660 && service <= 6669 ? 6 : 0;
        }
    }
    if (proto == PROTO_UDP && service == 53)
        return 2;
    if ((proto == PROTO_ICMP && service == 8 << 8) ||
        (proto == PROTO_ICMPV6 && service == 128 << 8))
        return 3;
    return 0;
}

const char *category_named_text(unsigned named)
{
    return named < sizeof(named_categories) / sizeof(named_categories[0]) ? named_categories[named]
                                                                          : NULL;
}

const char *report_file_link_name(const struct report_file *file)
{
    if (flowlog_format_is_flows(file->format))
        return "flows";
    return capture_link_name(file->link_type);
}

size_t report_flow_files(const struct report_input *input)
{
    size_t n = 0;
    for (size_t i = 0; i < input->file_count; i++)
        n += flowlog_format_is_flows(input->files[i].format);
    return n;
}

void service_format(uint8_t proto, uint16_t service, char *buf, size_t len)
{
    switch (proto) {
    case PROTO_TCP:
        snprintf(buf, len, "tcp/%u", service);
        break;
    case PROTO_UDP:
        snprintf(buf, len, "udp/%u", service);
        break;
    case PROTO_ICMP:
    case PROTO_ICMPV6: {
        const char *name = proto == PROTO_ICMP ? "icmp" : "icmp6";
        unsigned type = service >> 8, code = service & 0xff;
        if (code)
            snprintf(buf, len, "%s/%u/%u", name, type, code);
        else
            snprintf(buf, len, "%s/%u", name, type);
        break;
    }
    default:
        snprintf(buf, len, "proto/%u", proto);
        break;
    }
}

/*
 * Backscatter by what the victim answered: the first packet of its flows
 * (a TCP SYN-ACK or RST), or the ICMP message, whose service is the type
 * and code (a reply's, its request's type).
 */
static void backscatter_format(enum initiator initiator, uint8_t proto, uint16_t service, char *buf,
                               size_t len)
{
    const char *kind = NULL;
    unsigned type = service >> 8;
    if (proto == PROTO_TCP)
        kind = initiator == INITIATOR_BACKSCATTER_RST ? "rst" : "syn-ack";
    else if (proto == PROTO_ICMP)
        kind = type == 3    ? "icmp-unreachable"
               : type == 11 ? "icmp-time-exceeded"
               : type == 8  ? "icmp-echo-reply"
                            : NULL;
    else if (proto == PROTO_ICMPV6)
        kind = type == 1     ? "icmp-unreachable"
               : type == 3   ? "icmp-time-exceeded"
               : type == 128 ? "icmp-echo-reply"
                             : NULL;
    if (kind) {
        snprintf(buf, len, "backscatter:%s", kind);
        return;
    }
    char text[24];
    service_format(proto, service, text, sizeof(text));
    snprintf(buf, len, "backscatter:%s", text);
}

uint16_t category_backscatter_service(uint8_t proto, uint16_t service)
{
    /* A kind per ICMP type; TCP's kind is its initiator. */
    return proto == PROTO_ICMP || proto == PROTO_ICMPV6 ? (uint16_t)(service & 0xff00) : 0;
}

void category_format(enum initiator initiator, uint8_t proto, uint16_t service, char *buf,
                     size_t len)
{
    char text[24];
    if (initiator_is_backscatter(initiator)) {
        backscatter_format(initiator, proto, service, buf, len);
        return;
    }
    if (initiator == INITIATOR_SENSOR) {
        unsigned named = category_named(proto, service);
        if (named) {
            snprintf(buf, len, "%s", named_categories[named]);
            return;
        }
    }
    service_format(proto, service, text, sizeof(text));
    if (initiator == INITIATOR_SENSOR)
        snprintf(buf, len, "%s", text);
    else
        snprintf(buf, len, "%s:%s", initiator == INITIATOR_REMOTE ? "scan" : "unknown", text);
}

bool category_probe_shape(uint8_t proto, uint16_t service, uint64_t packets_in, uint64_t flows)
{
    if ((proto == PROTO_ICMP && service >> 8 == 8) ||
        (proto == PROTO_ICMPV6 && service >> 8 == 128))
        return true;
    return flows > 0 && packets_in <= 2 * flows;
}

void category_format_unsolicited(bool probe, uint8_t proto, uint16_t service, char *buf, size_t len)
{
    char text[24];
    service_format(proto, service, text, sizeof(text));
    snprintf(buf, len, "%s:%s", probe ? "scan" : "unsolicited", text);
}
