/*
 * SMTP evidence (RFC 5321): what a client says in the envelope — its EHLO or
 * HELO name, the sender (MAIL FROM) and each recipient (RCPT TO), with their
 * domains — how many messages it sends (DATA; BDAT ... LAST, RFC 3030) and
 * their Subject headers; and on the server side the greeting and the reply
 * codes. A spam bot on an infected honeypot is the usual client here.
 *
 * Commands are lines ending in CRLF; a bare LF is accepted too, since bots
 * are not careful. An unterminated last line was cut by the end of the
 * buffer and is ignored.
 */
#include <string.h>

#include "evidence_int.h"

/* Whether line starts with verb (any case), followed by a space or its end. */
static int verb_is(const uint8_t *line, size_t n, const char *verb)
{
    size_t k = strlen(verb);
    return ev_starts_nocase(line, n, verb) && (n == k || line[k] == ' ' || line[k] == '\t');
}

/* Whether the line is nothing but verb and spaces ("DATA", "DATA  "). */
static int verb_alone(const uint8_t *line, size_t n, const char *verb)
{
    if (!verb_is(line, n, verb))
        return 0;
    const uint8_t *rest = line + strlen(verb);
    size_t left = n - strlen(verb);
    ev_trim(&rest, &left);
    return left == 0;
}

/*
 * The argument of "MAIL FROM:" or "RCPT TO:" in line, or NULL: after the
 * verb and the keyword (spaces tolerated around them, as bots write them).
 */
static const uint8_t *after_keyword(const uint8_t *line, size_t n, const char *verb,
                                    const char *keyword, size_t *argn)
{
    if (!verb_is(line, n, verb))
        return NULL;
    const uint8_t *s = line + strlen(verb);
    size_t left = n - strlen(verb);
    ev_trim(&s, &left);
    if (!ev_starts_nocase(s, left, keyword))
        return NULL;
    s += strlen(keyword);
    left -= strlen(keyword);
    ev_trim(&s, &left);
    *argn = left;
    return s;
}

/* The last '@' of the n bytes at s, or NULL. */
static const uint8_t *last_at(const uint8_t *s, size_t n)
{
    while (n > 0) {
        n--;
        if (s[n] == '@')
            return s + n;
    }
    return NULL;
}

/*
 * Emits the address of a path argument, "<a@b> SIZE=123" or a bare "a@b",
 * and its domain. A null path "<>" is the bounce sender: reported as "<>"
 * when null_ok, ignored otherwise.
 */
static void emit_path(const uint8_t *s, size_t n, enum evidence_kind kind,
                      enum evidence_kind domain_kind, int null_ok, struct ev_out *out)
{
    const uint8_t *addr = s;
    size_t alen = n;
    int bracketed = 0;
    if (n > 0 && s[0] == '<') {
        const uint8_t *gt = memchr(s + 1, '>', n - 1);
        addr = s + 1;
        alen = n - 1;
        if (gt) {
            alen = (size_t)(gt - addr);
            bracketed = 1;
        }
    }
    if (!bracketed) {
        /* Without brackets (or without the closing one), parameters follow a space. */
        for (size_t i = 0; i < alen; i++) {
            if (addr[i] == ' ' || addr[i] == '\t') {
                alen = i;
                break;
            }
        }
    }
    /* An obsolete source route "@relay1,@relay2:" precedes the mailbox (RFC 5321 C). */
    if (alen > 0 && addr[0] == '@') {
        const uint8_t *colon = memchr(addr, ':', alen);
        if (colon) {
            alen -= (size_t)(colon + 1 - addr);
            addr = colon + 1;
        }
    }
    if (alen == 0) {
        if (bracketed && null_ok)
            ev_emit(out, kind, (const uint8_t *)"<>", 2);
        return;
    }
    ev_emit(out, kind, addr, alen);
    const uint8_t *at = last_at(addr, alen);
    if (at) {
        size_t dlen = alen - (size_t)(at + 1 - addr);
        if (dlen > 0)
            ev_emit(out, domain_kind, at + 1, dlen);
    }
}

/* A header field line, "Name: value": a name without spaces, then a colon. */
static int is_header_line(const uint8_t *line, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (line[i] == ':')
            return i > 0;
        if (line[i] <= ' ' || line[i] == 0x7f)
            return 0;
    }
    return 0;
}

/*
 * Whether a line that should open a message is a command instead: the
 * server refused DATA (no valid recipient, say) and the client went on with
 * its session. No header line looks like this.
 */
static int is_command_not_header(const uint8_t *line, size_t n)
{
    static const char *const verbs[] = {"MAIL", "RCPT", "RSET", "QUIT", "NOOP", "HELO",
                                        "EHLO", "DATA", "BDAT", "VRFY", "AUTH", "STARTTLS"};
    if (is_header_line(line, n))
        return 0;
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
        if (verb_is(line, n, verbs[i]))
            return 1;
    return 0;
}

/* Parses the decimal digits of n bytes at s; -1 if none, or not only digits, or too large. */
static long long parse_size(const uint8_t *s, size_t n)
{
    long long v = 0;
    if (n == 0 || n > 15)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

enum smtp_state { IN_COMMANDS, IN_HEADERS, IN_BODY, STOPPED };

struct smtp_client {
    enum smtp_state state;
    int first_message_line; /* the line just after DATA */
    int subject_seen;
    uint32_t messages;
};

/* "BDAT <size> [LAST]": steps over the chunk, which follows the command line. */
static void bdat(struct smtp_client *s, const uint8_t *line, size_t n, struct cursor *c)
{
    const uint8_t *arg = line + 4;
    size_t left = n - 4;
    ev_trim(&arg, &left);
    size_t digits = 0;
    while (digits < left && arg[digits] >= '0' && arg[digits] <= '9')
        digits++;
    long long size = parse_size(arg, digits);
    if (size < 0) {
        s->state = STOPPED; /* the chunk's length is unknown: nothing after it can be read */
        return;
    }
    const uint8_t *rest = arg + digits;
    size_t rest_n = left - digits;
    ev_trim(&rest, &rest_n);
    if (rest_n == 4 && ev_starts_nocase(rest, rest_n, "LAST"))
        s->messages++;
    if ((unsigned long long)size > c->left) {
        s->state = STOPPED;
        return;
    }
    cursor_skip(c, (size_t)size);
}

static void command(struct smtp_client *s, const uint8_t *line, size_t n, struct cursor *c,
                    struct ev_out *out)
{
    const uint8_t *arg;
    size_t argn;
    if (verb_is(line, n, "EHLO") || verb_is(line, n, "HELO")) {
        arg = line + 4;
        argn = n - 4;
        ev_trim(&arg, &argn);
        if (argn > 0)
            ev_emit(out, EVIDENCE_SMTP_HELO, arg, argn);
    } else if ((arg = after_keyword(line, n, "MAIL", "FROM:", &argn)) != NULL) {
        emit_path(arg, argn, EVIDENCE_SMTP_MAIL_FROM, EVIDENCE_SMTP_MAIL_FROM_DOMAIN, 1, out);
    } else if ((arg = after_keyword(line, n, "RCPT", "TO:", &argn)) != NULL) {
        emit_path(arg, argn, EVIDENCE_SMTP_RCPT_TO, EVIDENCE_SMTP_RCPT_TO_DOMAIN, 0, out);
    } else if (verb_alone(line, n, "DATA")) {
        /* Counted once the next line shows a message follows (see client()). */
        s->state = IN_HEADERS;
        s->first_message_line = 1;
        s->subject_seen = 0;
    } else if (verb_is(line, n, "BDAT")) {
        bdat(s, line, n, c);
    } else if (verb_alone(line, n, "STARTTLS")) {
        /* What follows is a TLS handshake, whose ClientHello may name the server. */
        if (ev_tls_sniff(c->p, c->left) == EV_YES)
            ev_tls(c->p, c->left, out);
        s->state = STOPPED;
    }
}

/* A line of a message after DATA: its end, and the Subject header. */
static void message_line(struct smtp_client *s, const uint8_t *line, size_t n, struct ev_out *out)
{
    if (n == 1 && line[0] == '.') {
        s->state = IN_COMMANDS;
        return;
    }
    if (s->state != IN_HEADERS)
        return;
    if (n == 0) {
        s->state = IN_BODY;
        return;
    }
    if (!s->subject_seen && ev_starts_nocase(line, n, "Subject:")) {
        const uint8_t *v = line + 8;
        size_t vn = n - 8;
        ev_trim(&v, &vn);
        s->subject_seen = 1;
        if (vn > 0)
            ev_emit(out, EVIDENCE_SMTP_SUBJECT, v, vn);
    }
}

static void client(const uint8_t *data, size_t len, struct ev_out *out)
{
    struct smtp_client s = {IN_COMMANDS, 0, 0, 0};
    struct cursor c = cursor_make(data, len);
    const uint8_t *line;
    size_t n;
    while (s.state != STOPPED && ev_line(&c, &line, &n)) {
        if (s.state == IN_COMMANDS) {
            command(&s, line, n, &c, out);
            continue;
        }
        if (s.first_message_line) {
            s.first_message_line = 0;
            if (is_command_not_header(line, n)) {
                s.state = IN_COMMANDS;
                command(&s, line, n, &c, out);
                continue;
            }
            s.messages++;
        }
        message_line(&s, line, n, out);
    }
    if (s.messages > 0) {
        struct ev_value v;
        ev_value_init(&v, EVIDENCE_SMTP_MESSAGES);
        v.item.count = s.messages;
        ev_emit_value(out, &v);
    }
}

/*
 * Whether line is a reply line: a code (first digit 1-5, second 0-5, third
 * any digit), then a space, a '-' (more lines follow) or the end. *more is
 * set for '-'.
 */
static int reply_line(const uint8_t *line, size_t n, int *more)
{
    if (n < 3 || line[0] < '1' || line[0] > '5' || line[1] < '0' || line[1] > '5' ||
        line[2] < '0' || line[2] > '9')
        return 0;
    if (n > 3 && line[3] != ' ' && line[3] != '-')
        return 0;
    *more = n > 3 && line[3] == '-';
    return 1;
}

int ev_smtp_looks_server(const uint8_t *data, size_t len)
{
    struct cursor c = cursor_make(data, len);
    const uint8_t *line;
    size_t n;
    int more;
    return ev_line(&c, &line, &n) && reply_line(line, n, &more);
}

static void server(const uint8_t *data, size_t len, struct ev_out *out)
{
    struct cursor c = cursor_make(data, len);
    const uint8_t *line;
    size_t n;
    int more, first = 1;
    while (ev_line(&c, &line, &n) && reply_line(line, n, &more)) {
        if (first && line[0] == '2' && line[1] == '2' && line[2] == '0') {
            const uint8_t *text = line + 3;
            size_t tn = n - 3;
            if (tn > 0) { /* the separator */
                text++;
                tn--;
            }
            ev_trim(&text, &tn);
            if (tn > 0)
                ev_emit(out, EVIDENCE_SMTP_BANNER, text, tn);
        }
        first = 0;
        if (!more)
            ev_emit(out, EVIDENCE_SMTP_REPLY, line, 3);
    }
}

void ev_smtp(const uint8_t *data, size_t len, int is_server, struct ev_out *out)
{
    if (is_server)
        server(data, len, out);
    else
        client(data, len, out);
}

enum ev_sniff ev_smtp_client_sniff(const uint8_t *data, size_t len)
{
    /* A client's first command is its greeting (RFC 5321 4.1.1.1), in any case as bots write it. */
    static const char *const greetings[] = {"EHLO ", "HELO "};
    enum ev_sniff best = EV_NO;
    if (len == 0)
        return EV_MAYBE;
    for (size_t i = 0; i < sizeof(greetings) / sizeof(greetings[0]); i++) {
        const char *g = greetings[i];
        size_t k = strlen(g);
        if (len >= k) {
            if (ev_starts_nocase(data, len, g))
                return EV_YES;
            continue;
        }
        char head[sizeof("EHLO ")];
        memcpy(head, g, len);
        head[len] = '\0';
        if (ev_starts_nocase(data, len, head))
            best = EV_MAYBE;
    }
    return best;
}
