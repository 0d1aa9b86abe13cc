/*
 * HTTP/1.x evidence (RFC 9112): what a client asked for (request line, Host,
 * User-Agent, and the "host/path" they make together: what was downloaded
 * from where) and what a server gave back (status, Content-Type,
 * Content-Length, Location). A bot fetching its next stage, or a scanner
 * trying an exploit, leaves these.
 *
 * Lines end in CRLF; a bare LF is accepted (RFC 9112 2.2 allows it). A line
 * cut by the end of the buffer is ignored, with one exception: a request
 * line already longer than a value can hold (a long exploit URI) gives the
 * same value however it ends, so it is reported. Messages are read one after
 * another (keep-alive, pipelining) while each body's length is known.
 */
#include <string.h>

#include "evidence_int.h"

/* Methods recognised on any port (RFC 9110 9.3, RFC 4918 for WebDAV, RFC 5789). */
static const char *const methods[] = {
    "GET",      "POST",      "HEAD",  "PUT",  "DELETE", "OPTIONS", "CONNECT", "TRACE",  "PATCH",
    "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE",   "LOCK",    "UNLOCK",  "SEARCH",
};

enum {
    METHOD_TOKEN_MAX = 20,
    /* "200 " + type + " " + 18 digits stays within a value (real types are far shorter). */
    TYPE_SHOWN_MAX = 200,
};
_Static_assert(3 + 1 + TYPE_SHOWN_MAX + 1 + 18 <= EVIDENCE_VALUE_MAX, "response value fits");

/* How the bytes so far compare with prefix followed by a space, or by nothing (space = 0). */
static enum ev_sniff match_prefix(const uint8_t *data, size_t len, const char *prefix, int space)
{
    size_t k = strlen(prefix);
    size_t cmp = len < k ? len : k;
    if (memcmp(data, prefix, cmp) != 0)
        return EV_NO;
    if (len < k + (space ? 1u : 0u))
        return EV_MAYBE;
    return !space || data[k] == ' ' ? EV_YES : EV_NO;
}

/*
 * Whether the bytes after a method are a request target: origin form ("/"),
 * asterisk form ("*") or absolute form ("http://", "https://", any case).
 */
static enum ev_sniff target_sniff(const uint8_t *t, size_t n)
{
    static const char *const forms[] = {"http://", "https://"};
    if (n == 0)
        return EV_MAYBE;
    if (t[0] == '/' || t[0] == '*')
        return EV_YES;
    enum ev_sniff best = EV_NO;
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        size_t k = strlen(forms[i]);
        if (n >= k) {
            if (ev_starts_nocase(t, n, forms[i]))
                return EV_YES;
            continue;
        }
        /* Fewer bytes than the scheme: a prefix of it may still become one. */
        char head[sizeof("https://")];
        memcpy(head, forms[i], n);
        head[n] = '\0';
        if (ev_starts_nocase(t, n, head))
            best = EV_MAYBE;
    }
    return best;
}

/* Whether the bytes open a request or a status line, judged by the first word alone. */
static enum ev_sniff method_sniff(const uint8_t *data, size_t len, int any_method)
{
    enum ev_sniff best = EV_NO;
    if (len == 0)
        return EV_MAYBE;
    enum ev_sniff r = match_prefix(data, len, "HTTP/", 0);
    if (r == EV_YES)
        return EV_YES;
    if (r == EV_MAYBE)
        best = EV_MAYBE;
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        r = match_prefix(data, len, methods[i], 1);
        if (r == EV_YES)
            return EV_YES;
        if (r == EV_MAYBE)
            best = EV_MAYBE;
    }
    if (any_method) {
        /*
         * On the web ports, any upper-case token, a space and a request target
         * (RFC 9112 3.2: "/path", "*" or "http://...") opens a request. The
         * target is what tells "FOO /x" from the commands of line protocols
         * sent to a web port ("EHLO localhost", "USER anonymous", "INVITE
         * sip:..."), which are not HTTP and are read as themselves.
         */
        size_t i = 0;
        while (i < len && i < METHOD_TOKEN_MAX && data[i] >= 'A' && data[i] <= 'Z')
            i++;
        if (i > 0 && i < len && data[i] == ' ') {
            r = target_sniff(data + i + 1, len - i - 1);
            if (r == EV_YES)
                return EV_YES;
            if (r == EV_MAYBE)
                best = EV_MAYBE;
        }
        if (i == len && len <= METHOD_TOKEN_MAX)
            best = EV_MAYBE;
    }
    return best;
}

enum ev_sniff ev_http_sniff(const uint8_t *data, size_t len, int any_method)
{
    enum ev_sniff r = method_sniff(data, len, any_method);
    if (r != EV_YES)
        return r;
    /*
     * RTSP (RFC 7826) and SIP (RFC 3261) borrow HTTP's methods and request
     * line ("OPTIONS rtsp://cam/ RTSP/1.0"): their version word says what
     * they are once the line is complete.
     */
    const uint8_t *lf = memchr(data, '\n', len);
    if (!lf)
        return EV_YES;
    size_t n = (size_t)(lf - data);
    if (n > 0 && data[n - 1] == '\r')
        n--;
    size_t start = n;
    while (start > 0 && data[start - 1] != ' ')
        start--;
    if (start == 0)
        return EV_YES;
    if (ev_starts_nocase(data + start, n - start, "RTSP/") ||
        ev_starts_nocase(data + start, n - start, "SIP/"))
        return EV_NO;
    return EV_YES;
}

/* ---- one message --------------------------------------------------------------- */

struct http_msg {
    int response;
    /* request */
    const uint8_t *target;
    size_t target_n;
    int url_done;
    int host_seen, agent_seen;
    /* response */
    const uint8_t *status;
    const uint8_t *type;
    size_t type_n;
    int location_seen;
    /* both */
    const uint8_t *length; /* the first Content-Length's value */
    size_t length_n;
    int lengths, chunked; /* how many Content-Length headers; any Transfer-Encoding */
};

/* The request target in absolute form ("http://host/path"): what follows "://", or NULL. */
static const uint8_t *absolute_form(const uint8_t *t, size_t n, size_t *rest)
{
    static const char *const schemes[] = {"http://", "https://"};
    for (size_t i = 0; i < 2; i++) {
        size_t k = strlen(schemes[i]);
        if (ev_starts_nocase(t, n, schemes[i]) && n > k) {
            *rest = n - k;
            return t + k;
        }
    }
    return NULL;
}

static void emit_url(struct http_msg *h, const uint8_t *host, size_t host_n, struct ev_out *out)
{
    struct ev_value v;
    ev_value_init(&v, EVIDENCE_HTTP_URL);
    ev_value_add(&v, host, host_n);
    ev_value_add(&v, h->target, h->target_n);
    ev_emit_value(out, &v);
    h->url_done = 1;
}

static void emit_request(const uint8_t *method, size_t method_n, const uint8_t *target,
                         size_t target_n, struct ev_out *out)
{
    struct ev_value v;
    ev_value_init(&v, EVIDENCE_HTTP_REQUEST);
    ev_value_add(&v, method, method_n);
    ev_value_str(&v, " ");
    ev_value_add(&v, target, target_n);
    ev_emit_value(out, &v);
}

/*
 * "METHOD SP target SP HTTP/x.y". The target runs to the last space before
 * the version, so a target with spaces in it is kept whole; without a
 * version (HTTP/0.9, or junk) it is the rest of the line. Returns 0 when the
 * line has no target.
 */
static int request_line(struct http_msg *h, const uint8_t *line, size_t n, struct ev_out *out)
{
    const uint8_t *sp = memchr(line, ' ', n);
    if (!sp || sp == line)
        return 0;
    size_t method_n = (size_t)(sp - line);
    const uint8_t *t = sp + 1;
    size_t tn = n - method_n - 1;
    for (size_t i = tn; i > 0; i--) {
        if (t[i - 1] == ' ') {
            if (ev_starts_nocase(t + i, tn - i, "HTTP/"))
                tn = i - 1;
            break;
        }
    }
    ev_trim(&t, &tn);
    if (tn == 0)
        return 0;
    emit_request(line, method_n, t, tn, out);
    h->target = t;
    h->target_n = tn;
    size_t rest;
    const uint8_t *authority = absolute_form(t, tn, &rest);
    if (authority) {
        /* The URL is in the target itself ("host/path"): a Host header would not change it. */
        h->target = authority;
        h->target_n = rest;
        emit_url(h, NULL, 0, out);
    }
    return 1;
}

/* "HTTP/x.y SP 3DIGIT ...": returns 0 unless the status code is there. */
static int status_line(struct http_msg *h, const uint8_t *line, size_t n)
{
    const uint8_t *sp = memchr(line, ' ', n);
    if (!sp)
        return 0;
    size_t left = n - (size_t)(sp + 1 - line);
    const uint8_t *code = sp + 1;
    if (left < 3 || (left > 3 && code[3] != ' '))
        return 0;
    for (size_t i = 0; i < 3; i++)
        if (code[i] < '0' || code[i] > '9')
            return 0;
    h->status = code;
    return 1;
}

/* Whether the n bytes at s are the decimal digits of a length we can skip. */
static int valid_length(const uint8_t *s, size_t n)
{
    if (n == 0 || n > 18)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static size_t length_value(const uint8_t *s, size_t n)
{
    unsigned long long v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (unsigned)(s[i] - '0');
    return v > SIZE_MAX ? SIZE_MAX : (size_t)v;
}

static void header(struct http_msg *h, const uint8_t *line, size_t n, struct ev_out *out)
{
    const uint8_t *colon = memchr(line, ':', n);
    if (!colon || colon == line)
        return;
    size_t name_n = (size_t)(colon - line);
    /* RFC 9112 5.1: no whitespace between a field name and its colon (nor folded lines). */
    for (size_t i = 0; i < name_n; i++)
        if (line[i] == ' ' || line[i] == '\t')
            return;
    const uint8_t *v = colon + 1;
    size_t vn = n - name_n - 1;
    ev_trim(&v, &vn);

    if (name_n == 14 && ev_starts_nocase(line, name_n, "Content-Length")) {
        /* The first is reported; a second makes the body's end unknowable (skip_body). */
        if (h->lengths++ == 0) {
            h->length = v;
            h->length_n = vn;
        }
    } else if (name_n == 17 && ev_starts_nocase(line, name_n, "Transfer-Encoding")) {
        h->chunked = 1;
    } else if (!h->response && name_n == 4 && ev_starts_nocase(line, name_n, "Host")) {
        if (h->host_seen++ || vn == 0)
            return;
        ev_emit(out, EVIDENCE_HTTP_HOST, v, vn);
        if (!h->url_done && h->target_n > 0 && h->target[0] == '/')
            emit_url(h, v, vn, out);
    } else if (!h->response && name_n == 10 && ev_starts_nocase(line, name_n, "User-Agent")) {
        if (h->agent_seen++ == 0 && vn > 0)
            ev_emit(out, EVIDENCE_HTTP_USER_AGENT, v, vn);
    } else if (h->response && name_n == 12 && ev_starts_nocase(line, name_n, "Content-Type")) {
        /*
         * The media type alone, "type/subtype" (RFC 9110 8.3.1: tokens, no
         * spaces), so that the response value keeps its three fields, and
         * at most TYPE_SHOWN_MAX bytes of it, so that the value is never cut
         * and its length field always shows. One that cannot be shown (a
         * NUL) counts as absent rather than spoiling the whole response item.
         */
        if (h->type)
            return;
        size_t k = 0;
        while (k < vn && v[k] != ';' && v[k] != ' ' && v[k] != '\t')
            k++;
        if (k > TYPE_SHOWN_MAX)
            k = TYPE_SHOWN_MAX;
        if (k > 0 && !memchr(v, 0, k)) {
            h->type = v;
            h->type_n = k;
        }
    } else if (h->response && name_n == 8 && ev_starts_nocase(line, name_n, "Location")) {
        if (h->location_seen++ == 0 && vn > 0)
            ev_emit(out, EVIDENCE_HTTP_LOCATION, v, vn);
    }
}

/* "200 application/octet-stream 123456", with '-' for a field not seen. */
static void emit_response(const struct http_msg *h, struct ev_out *out)
{
    struct ev_value v;
    ev_value_init(&v, EVIDENCE_HTTP_RESPONSE);
    ev_value_add(&v, h->status, 3);
    ev_value_str(&v, " ");
    if (h->type)
        ev_value_add(&v, h->type, h->type_n);
    else
        ev_value_str(&v, "-");
    ev_value_str(&v, " ");
    if (h->length && valid_length(h->length, h->length_n))
        ev_value_add(&v, h->length, h->length_n);
    else
        ev_value_str(&v, "-");
    ev_emit_value(out, &v);
}

/*
 * The request line cut by the end of the buffer: reported when what is there
 * already fills a value, and no space has ended the target inside it, so the
 * rest of the line could not change the value.
 */
static void long_request_line(const uint8_t *p, size_t n, struct ev_out *out)
{
    const uint8_t *sp = p ? memchr(p, ' ', n) : NULL;
    if (!sp || sp == p || ev_starts_nocase(p, n, "HTTP/")) /* no method, or a status line */
        return;
    size_t method_n = (size_t)(sp - p);
    const uint8_t *t = sp + 1;
    size_t tn = n - method_n - 1;
    /* Spaces before the target: the target's end is not settled by what follows them. */
    if (tn == 0 || *t == ' ' || *t == '\t')
        return;
    size_t need = EVIDENCE_VALUE_MAX - method_n; /* the value's bytes after "METHOD " + 1 */
    if (method_n >= EVIDENCE_VALUE_MAX || tn < need)
        return;
    /* A CR last in the buffer may be the line's end, the LF not yet come: then nothing is cut. */
    if (tn == need && t[need - 1] == '\r')
        return;
    for (size_t i = 0; i < need; i++)
        if (t[i] == ' ' || t[i] == '\t')
            return;
    emit_request(p, method_n, t, need, out);
}

/* Steps over a message body; returns 1 when the next message can follow it. */
static int skip_body(const struct http_msg *h, struct cursor *c)
{
    if (h->response) {
        unsigned code = (unsigned)(h->status[0] - '0') * 100 + (unsigned)(h->status[1] - '0') * 10 +
                        (unsigned)(h->status[2] - '0');
        if (code < 200 || code == 204 || code == 304)
            return 1; /* RFC 9112 6.3: no body */
    }
    if (h->chunked || h->lengths > 1)
        return 0;
    if (h->lengths == 0)
        return !h->response; /* a request without a length has no body; a response runs to the close
                              */
    if (!valid_length(h->length, h->length_n))
        return 0;
    size_t n = length_value(h->length, h->length_n);
    if (n > c->left)
        return 0;
    cursor_skip(c, n);
    return 1;
}

/* Reads one message at c; returns 1 when the cursor stands at the next one. */
static int message(struct cursor *c, struct ev_out *out)
{
    struct http_msg h;
    const uint8_t *line;
    size_t n;

    memset(&h, 0, sizeof(h));
    if (!ev_line(c, &line, &n)) {
        long_request_line(c->p, c->left, out);
        return 0;
    }
    h.response = ev_starts_nocase(line, n, "HTTP/");
    if (h.response ? !status_line(&h, line, n) : !request_line(&h, line, n, out))
        return 0;
    for (;;) {
        if (!ev_line(c, &line, &n)) {
            /* Headers cut short: what came of them is still worth a response item. */
            if (h.response)
                emit_response(&h, out);
            return 0;
        }
        if (n == 0)
            break;
        header(&h, line, n, out);
    }
    if (h.response)
        emit_response(&h, out);
    return skip_body(&h, c);
}

void ev_http(const uint8_t *data, size_t len, struct ev_out *out)
{
    struct cursor c = cursor_make(data, len);
    /* The first message was recognised by the caller; later ones must be as plain. */
    if (!message(&c, out))
        return;
    while (c.left > 0 && ev_http_sniff(c.p, c.left, 0) == EV_YES)
        if (!message(&c, out))
            return;
}
