/*
 * Unit tests of the evidence stage: HTTP requests and responses, keep-alive,
 * the ports and methods recognised, request lines without an end, raw values.
 *
 * Helpers and sample payloads shared with the other test_evidence_*.c are
 * in evidence_fixture.h; every payload is parsed from a heap copy of exactly
 * its length, and every item is checked as it is emitted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/evidence/evidence.h"
#include "check.h"
#include "evidence_fixture.h"

/* ---- HTTP ------------------------------------------------------------------------- */

static void test_http_request(void)
{
    struct items it;
    parse(TCP, 80, INIT, http_request, strlen(http_request), &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "http-request=GET /bins/x86.bin?arch=x86\n"
                           "http-host=203.0.113.5:8080\n"
                           "http-url=203.0.113.5:8080/bins/x86.bin?arch=x86\n"
                           "http-user-agent=Wget/1.12 (linux-gnu)\n");
    /* Any port, the method tells. */
    struct items other;
    parse(TCP, 4444, UNKN, http_request, strlen(http_request), &other);
    CHECK_STR(render(&other), render(&it));
    CHECK_U64(check_prefixes(TCP, 80, INIT, http_request, strlen(http_request)), 0);
    CHECK_U64(check_prefixes(TCP, 31337, INIT, http_request, strlen(http_request)), 0);
}

static void test_http_response(void)
{
    struct items it;
    parse(TCP, 80, RESP, http_response, sizeof(http_response) - 1, &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "http-response=200 application/octet-stream 123456\n");
    CHECK_U64(check_prefixes(TCP, 80, RESP, http_response, sizeof(http_response) - 1), 0);
    /* Headers cut short: what is known, '-' for the rest. */
    static const char cut[] = "HTTP/1.0 404 Not Found\r\nContent-Type: text/html; charset=utf-8\r\n"
                              "Content-Len";
    parse(TCP, 8080, RESP, cut, strlen(cut), &it);
    CHECK_STR(render(&it), "http-response=404 text/html -\n");
    /* A redirect: where it leads. */
    static const char redirect[] = "HTTP/1.1 302 Found\r\nLocation: http://dl.example.net/a.exe\r\n"
                                   "Content-Length: 0\r\n\r\n";
    parse(TCP, 80, RESP, redirect, strlen(redirect), &it);
    CHECK_STR(render(&it), "http-location=http://dl.example.net/a.exe\n"
                           "http-response=302 - 0\n");
    /* A type that cannot be shown counts as absent; only the media type itself is kept. */
    static const char nul[] = "HTTP/1.1 200 OK\r\nContent-Type: text/\0html\r\n"
                              "Content-Type: image/png\r\nContent-Length: 5\r\n\r\n";
    parse(TCP, 80, RESP, nul, sizeof(nul) - 1, &it);
    CHECK_STR(render(&it), "http-response=200 image/png 5\n");
    CHECK_U64(check_prefixes(TCP, 80, RESP, nul, sizeof(nul) - 1), 0);
    static const char spaced[] = "HTTP/1.1 200 OK\r\nContent-Type:  text/html garbage\r\n\r\n";
    parse(TCP, 80, RESP, spaced, strlen(spaced), &it);
    CHECK_STR(render(&it), "http-response=200 text/html -\n");
    /* A type too long to leave room for the length: shortened, the length still shows. */
    struct buf b = {{0}, 0};
    puts_(&b, "HTTP/1.1 200 OK\r\nContent-Type: application/");
    for (int i = 0; i < 300; i++)
        put8(&b, 'x');
    puts_(&b, "\r\nContent-Length: 123456789012345678\r\n\r\n");
    parse(TCP, 80, RESP, b.b, b.n, &it);
    CHECK_U64(it.n, 1);
    CHECK_U64(it.item[0].truncated, 0);
    CHECK_U64(it.item[0].len, 4 + 200 + 1 + 18);
    CHECK(strstr(it.item[0].value, "xxx 123456789012345678") != NULL);
    CHECK_U64(check_prefixes(TCP, 80, RESP, b.b, b.n), 0);
    /* Not a status line. */
    static const char bad[] = "HTTP/1.1 2x0 OK\r\n\r\n";
    CHECK_U64(parse(TCP, 80, RESP, bad, strlen(bad), &it), 0);
}

static void test_http_keep_alive(void)
{
    static const char req[] =
        "GET /a HTTP/1.1\r\nHost: h.example\r\n\r\n"
        "POST /upload HTTP/1.1\r\nHost: h.example\r\nContent-Length: 29\r\n\r\n"
        "GET /not-a-request HTTP/1.1\r\n"
        "HEAD /b HTTP/1.1\r\nHost: other.example\r\n\r\n"
        "junk that is no request\r\n";
    struct items it;
    parse(TCP, 80, INIT, req, strlen(req), &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "http-request=GET /a\n"
                           "http-host=h.example\n"
                           "http-url=h.example/a\n"
                           "http-request=POST /upload\n"
                           "http-host=h.example\n"
                           "http-url=h.example/upload\n"
                           "http-request=HEAD /b\n"
                           "http-host=other.example\n"
                           "http-url=other.example/b\n");
    CHECK_U64(check_prefixes(TCP, 80, INIT, req, strlen(req)), 0);
    static const char resp[] =
        "HTTP/1.1 100 Continue\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n"
        "HTTP/"
        "HTTP/1.1 304 Not Modified\r\n\r\n"
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n0\r\n\r\n"
        "HTTP/1.1 500 Hidden behind the chunked body\r\n\r\n";
    parse(TCP, 80, RESP, resp, strlen(resp), &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "http-response=100 - -\n"
                           "http-response=200 text/plain 5\n"
                           "http-response=304 - -\n"
                           "http-response=200 - -\n");
    CHECK_U64(check_prefixes(TCP, 80, RESP, resp, strlen(resp)), 0);
}

static void test_http_absolute_form(void)
{
    static const char s[] = "GET http://www.example.com/proxy-check.txt HTTP/1.1\r\n"
                            "Host: www.example.com\r\n\r\n"
                            "CONNECT mail.example.com:25 HTTP/1.0\r\n\r\n"
                            "OPTIONS * HTTP/1.1\r\nHost: x.example\r\n\r\n";
    struct items it;
    parse(TCP, 3128, INIT, s, strlen(s), &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "http-request=GET http://www.example.com/proxy-check.txt\n"
                           "http-url=www.example.com/proxy-check.txt\n"
                           "http-host=www.example.com\n"
                           "http-request=CONNECT mail.example.com:25\n"
                           "http-request=OPTIONS *\n"
                           "http-host=x.example\n");
}

static void test_http_header_without_crlf(void)
{
    struct items it;
    /* The header line never ends: the request line is all there is. */
    static const char s[] = "GET /x HTTP/1.1\r\nHost: a.example";
    parse(TCP, 80, INIT, s, strlen(s), &it);
    CHECK_STR(render(&it), "http-request=GET /x\n");
    /* The request line itself never ends, and is short: nothing. */
    static const char t[] = "GET /only-this HTTP/1.1";
    CHECK_U64(parse(TCP, 80, INIT, t, strlen(t), &it), 0);
    /* Bare LF line ends; headers without a space after the colon, odd case. */
    static const char u[] = "GET /lf HTTP/1.0\nhOsT:lf.example\nuser-agent:\tcurl/7.1 \n\n";
    parse(TCP, 80, INIT, u, strlen(u), &it);
    CHECK_STR(render(&it), "http-request=GET /lf\n"
                           "http-host=lf.example\n"
                           "http-url=lf.example/lf\n"
                           "http-user-agent=curl/7.1\n");
    /* A field name with a space before the colon is no field (RFC 9112 5.1). */
    static const char v[] = "GET / HTTP/1.1\r\nHost : evil.example\r\nHost: good.example\r\n\r\n";
    parse(TCP, 80, INIT, v, strlen(v), &it);
    CHECK(find(&it, EVIDENCE_HTTP_HOST, "good.example") >= 0);
    CHECK_U64(count_kind(&it, EVIDENCE_HTTP_HOST), 1);
    /* HTTP/0.9: no version; a target with spaces keeps them. */
    static const char w[] = "GET /old\r\nGET /a b c HTTP/1.1\r\n\r\n";
    parse(TCP, 80, INIT, w, strlen(w), &it);
    CHECK_STR(render(&it), "http-request=GET /old\n");
    static const char x[] = "GET /a b c HTTP/1.1\r\n\r\n";
    parse(TCP, 80, INIT, x, strlen(x), &it);
    CHECK_STR(render(&it), "http-request=GET /a b c\n");
}

static void test_http_ports_and_methods(void)
{
    struct items it;
    static const char odd[] = "FOO /x HTTP/1.1\r\n\r\n";
    CHECK_U64(parse(TCP, 8888, INIT, odd, strlen(odd), &it), 0);
    parse(TCP, 80, INIT, odd, strlen(odd), &it);
    CHECK_STR(render(&it), "http-request=FOO /x\n");
    parse(TCP, 8080, INIT, odd, strlen(odd), &it);
    CHECK_STR(render(&it), "http-request=FOO /x\n");
    static const char dav[] = "PROPFIND /webdav/ HTTP/1.1\r\nHost: 192.0.2.10\r\n\r\n";
    parse(TCP, 8888, INIT, dav, strlen(dav), &it);
    CHECK(find(&it, EVIDENCE_HTTP_URL, "192.0.2.10/webdav/") >= 0);
    /* Lower-case "get" is no method (RFC 9110 9.1: case-sensitive). */
    static const char lower_[] = "get / HTTP/1.1\r\n\r\n";
    CHECK_U64(parse(TCP, 8888, INIT, lower_, strlen(lower_), &it), 0);
    /* Not on UDP. */
    CHECK_U64(parse(UDP, 80, INIT, http_request, strlen(http_request), &it), 0);
}

static void test_web_ports_other_protocols(void)
{
    struct items it;
    /* An SMTP client on a web port is SMTP, not an HTTP request "EHLO localhost". */
    static const char smtp[] = "EHLO localhost\r\nMAIL FROM:<a@example.com>\r\n"
                               "RCPT TO:<b@example.net>\r\nQUIT\r\n";
    parse(TCP, 80, INIT, smtp, strlen(smtp), &it);
    CHECK_STR(render(&it), "smtp-helo=localhost\n"
                           "smtp-mail-from=a@example.com\n"
                           "smtp-mail-from-domain=example.com\n"
                           "smtp-rcpt-to=b@example.net\n"
                           "smtp-rcpt-to-domain=example.net\n");
    parse(TCP, 8080, UNKN, smtp, strlen(smtp), &it);
    CHECK(find(&it, EVIDENCE_SMTP_HELO, "localhost") >= 0);
    CHECK_U64(count_kind(&it, EVIDENCE_HTTP_REQUEST), 0);
    /* Lower-case greeting, HELO; on a port that is neither web nor mail it says nothing. */
    static const char helo[] = "helo bot\r\n";
    parse(TCP, 8080, INIT, helo, strlen(helo), &it);
    CHECK_STR(render(&it), "smtp-helo=bot\n");
    CHECK_U64(parse(TCP, 4444, INIT, helo, strlen(helo), &it), 0);
    /* Near misses: no space after the verb, or a longer word, is no greeting. */
    static const char ehlox[] = "EHLOX a\r\n";
    CHECK_U64(parse(TCP, 80, INIT, ehlox, strlen(ehlox), &it), 0);
    /* Other line protocols on a web port: not HTTP, and no parser of their own here. */
    static const char *const others[] = {
        "USER anonymous\r\n",
        "NICK bot\r\nUSER bot 0 * :bot\r\n",
        "INVITE sip:100@192.0.2.1 SIP/2.0\r\n\r\n",
        "DESCRIBE rtsp://192.0.2.1/ RTSP/1.0\r\n\r\n",
        "OPTIONS rtsp://192.0.2.1/ RTSP/1.0\r\nCSeq: 1\r\n\r\n",
        "OPTIONS sip:100@192.0.2.1 SIP/2.0\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        CHECK_U64(parse(TCP, 80, INIT, others[i], strlen(others[i]), &it), 0);
        CHECK_U64(parse(TCP, 8080, UNKN, others[i], strlen(others[i]), &it), 0);
    }
    /* Near misses the other way: real requests with unknown methods still are HTTP. */
    static const char star[] = "FOO * HTTP/1.1\r\n\r\n";
    parse(TCP, 80, INIT, star, strlen(star), &it);
    CHECK_STR(render(&it), "http-request=FOO *\n");
    static const char absolute[] = "BAR HTTP://h.example/x HTTP/1.0\r\n\r\n";
    parse(TCP, 8080, INIT, absolute, strlen(absolute), &it);
    CHECK(find(&it, EVIDENCE_HTTP_URL, "h.example/x") >= 0);
    /* A known method is HTTP on any port while its line is incomplete, or ends in HTTP/. */
    static const char options[] = "OPTIONS * HTTP/1.1\r\n\r\n";
    parse(TCP, 8888, INIT, options, strlen(options), &it);
    CHECK_STR(render(&it), "http-request=OPTIONS *\n");
    /* Undecided while the target or greeting could still come. */
    CHECK(evidence_wanted(TCP, 80, (const uint8_t *)"FOO ", 4));
    CHECK(evidence_wanted(TCP, 80, (const uint8_t *)"FOO ht", 6));
    CHECK(!evidence_wanted(TCP, 80, (const uint8_t *)"FOO hx", 6));
    CHECK(!evidence_wanted(TCP, 80, (const uint8_t *)"FOO l", 5));
    CHECK(evidence_wanted(TCP, 80, (const uint8_t *)"ehl", 3));
    CHECK(evidence_wanted(TCP, 80, (const uint8_t *)"ehlo x", 6));
    CHECK(!evidence_wanted(TCP, 80, (const uint8_t *)"ehlx", 4));
    CHECK(!evidence_wanted(TCP, 4444, (const uint8_t *)"EHLO x", 6));
}

static void test_http_long_request_line(void)
{
    /* An exploit URI longer than a value: the same value cut or whole. */
    struct buf b = {{0}, 0};
    puts_(&b, "GET /cgi-bin/");
    for (int i = 0; i < 600; i++)
        put8(&b, 'A' + i % 26);
    size_t cut = b.n;
    puts_(&b, " HTTP/1.1\r\nHost: victim.example\r\n\r\n");
    struct items whole, part;
    parse(TCP, 80, UNKN, b.b, b.n, &whole);
    parse(TCP, 80, UNKN, b.b, cut - 100, &part);
    CHECK(!whole.bad && !part.bad);
    CHECK_U64(whole.item[0].len, EVIDENCE_VALUE_MAX);
    CHECK_U64(whole.item[0].truncated, 1);
    CHECK_U64(part.n, 1);
    CHECK(part.n == 1 && part.item[0].kind == EVIDENCE_HTTP_REQUEST &&
          strcmp(part.item[0].value, whole.item[0].value) == 0 && part.item[0].truncated);
    /* The url of the whole request is cut too. */
    CHECK_U64(whole.item[2].kind, EVIDENCE_HTTP_URL);
    CHECK_U64(whole.item[2].truncated, 1);
    CHECK_U64(check_prefixes(TCP, 80, UNKN, b.b, b.n), 0);
    /* A space inside the first 255 bytes: the line's end could still change the value. */
    b.n = 0;
    puts_(&b, "GET /x ");
    for (int i = 0; i < 600; i++)
        put8(&b, 'B');
    CHECK_U64(parse(TCP, 80, UNKN, b.b, b.n, &part), 0);
    CHECK_U64(check_prefixes(TCP, 80, UNKN, b.b, b.n), 0);
    /*
     * A line of exactly a value's length (no version): whole, it is not cut;
     * cut after its CR, the LF not yet come, it must not be called cut either.
     */
    b.n = 0;
    puts_(&b, "GET /");
    while (b.n < EVIDENCE_VALUE_MAX)
        put8(&b, 'C');
    puts_(&b, "\r\n");
    parse(TCP, 80, UNKN, b.b, b.n, &whole);
    CHECK(whole.n == 1 && whole.item[0].len == EVIDENCE_VALUE_MAX && !whole.item[0].truncated);
    CHECK_U64(parse(TCP, 80, UNKN, b.b, b.n - 1, &part), 0);
    CHECK_U64(check_prefixes(TCP, 80, UNKN, b.b, b.n), 0);
}

static void test_http_raw_values(void)
{
    static const char s[] = "GET /<script>alert(\"x\")</script> HTTP/1.1\r\n"
                            "Host: \"quoted\".example\r\n"
                            "User-Agent: () { :; }; echo \x1b[31mpwned\x1b[0m'\xe2\x80\xae\r\n\r\n";
    struct items it;
    parse(TCP, 80, UNKN, s, strlen(s), &it);
    CHECK(!it.bad);
    CHECK(find(&it, EVIDENCE_HTTP_REQUEST, "GET /<script>alert(\"x\")</script>") >= 0);
    CHECK(find(&it, EVIDENCE_HTTP_HOST, "\"quoted\".example") >= 0);
    CHECK(find(&it, EVIDENCE_HTTP_URL, "\"quoted\".example/<script>alert(\"x\")</script>") >= 0);
    CHECK(find(&it, EVIDENCE_HTTP_USER_AGENT,
               "() { :; }; echo \x1b[31mpwned\x1b[0m'\xe2\x80\xae") >= 0);
    /* A NUL in a header value: that header gives nothing. */
    static const char t[] = "GET / HTTP/1.1\r\nUser-Agent: a\0b\r\nHost: h.example\r\n\r\n";
    parse(TCP, 80, UNKN, t, sizeof(t) - 1, &it);
    CHECK(!it.bad);
    CHECK_U64(count_kind(&it, EVIDENCE_HTTP_USER_AGENT), 0);
    CHECK(find(&it, EVIDENCE_HTTP_HOST, "h.example") >= 0);
}

int main(void)
{
    RUN(test_http_request);
    RUN(test_http_response);
    RUN(test_http_keep_alive);
    RUN(test_http_absolute_form);
    RUN(test_http_header_without_crlf);
    RUN(test_http_ports_and_methods);
    RUN(test_web_ports_other_protocols);
    RUN(test_http_long_request_line);
    RUN(test_http_raw_values);
    CHECK_EXIT();
}
