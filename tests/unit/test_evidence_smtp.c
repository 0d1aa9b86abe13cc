/*
 * Unit tests of the evidence stage: SMTP client sessions and server replies,
 * BDAT, STARTTLS, raw values and values cut at the maximum length.
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

/* ---- SMTP ------------------------------------------------------------------------- */

static void test_smtp_client_session(void)
{
    struct items it;
    parse(TCP, 25, INIT, smtp_session, strlen(smtp_session), &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "smtp-helo=pc-7f3a.example.net\n"
                           "smtp-mail-from=sales@pharma.example\n"
                           "smtp-mail-from-domain=pharma.example\n"
                           "smtp-rcpt-to=alice@mail.example.org\n"
                           "smtp-rcpt-to-domain=mail.example.org\n"
                           "smtp-rcpt-to=bob@other.example\n"
                           "smtp-rcpt-to-domain=other.example\n"
                           "smtp-subject=Cheap meds, 80% off\n"
                           "smtp-mail-from=<>\n"
                           "smtp-rcpt-to=carol@mail.example.org\n"
                           "smtp-rcpt-to-domain=mail.example.org\n"
                           "smtp-subject==?utf-8?B?w6l0w6k=?=\n"
                           "smtp-messages=\n");
    CHECK_U64(it.item[it.n - 1].count, 2);
    for (size_t i = 0; i + 1 < it.n; i++)
        CHECK_U64(it.item[i].count, 1);
    /* The same on the submission ports, and with the side unknown. */
    struct items other;
    parse(TCP, 587, INIT, smtp_session, strlen(smtp_session), &other);
    CHECK_STR(render(&other), render(&it));
    parse(TCP, 465, UNKN, smtp_session, strlen(smtp_session), &other);
    CHECK_U64(other.n, it.n);
    /* Not on other ports: an SMTP session there says nothing. */
    CHECK_U64(parse(TCP, 2525, INIT, smtp_session, strlen(smtp_session), &other), 0);
}

static void test_smtp_bare_lf_and_cut_line(void)
{
    static const char s[] = "HELO bot\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\r\n"
                            "RCPT TO:<cut@e.example>";
    struct items it;
    parse(TCP, 25, INIT, s, strlen(s), &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "smtp-helo=bot\n"
                           "smtp-mail-from=a@b.example\n"
                           "smtp-mail-from-domain=b.example\n"
                           "smtp-rcpt-to=c@d.example\n"
                           "smtp-rcpt-to-domain=d.example\n");
}

static void test_smtp_rcpt_without_brackets(void)
{
    static const char s[] = "HELO   spaced.example   \r\n"
                            "MAIL FROM:sender@x.example\r\n"
                            "RCPT TO:user@example.org\r\n"
                            "RCPT TO: <spaced@example.org> NOTIFY=NEVER\r\n"
                            "RCPT TO:plain@example.org ORCPT=rfc822;x@y\r\n"
                            "RCPT TO:<unclosed@example.org\r\n"
                            "RCPT TO:<@relay1.example,@relay2.example:routed@example.org>\r\n"
                            "RCPT TO:<postmaster>\r\n"
                            "RCPT TO:<>\r\n"
                            "RCPT TO:\r\n"
                            "RCPT TO:<trailing-at@>\r\n"
                            "RCPT TO:<\"odd@local\"@quoted.example>\r\n"
                            "RCPTTO:<no-space@example.org>\r\n"
                            "HELO\r\n";
    struct items it;
    parse(TCP, 25, INIT, s, strlen(s), &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "smtp-helo=spaced.example\n"
                           "smtp-mail-from=sender@x.example\n"
                           "smtp-mail-from-domain=x.example\n"
                           "smtp-rcpt-to=user@example.org\n"
                           "smtp-rcpt-to-domain=example.org\n"
                           "smtp-rcpt-to=spaced@example.org\n"
                           "smtp-rcpt-to-domain=example.org\n"
                           "smtp-rcpt-to=plain@example.org\n"
                           "smtp-rcpt-to-domain=example.org\n"
                           "smtp-rcpt-to=unclosed@example.org\n"
                           "smtp-rcpt-to-domain=example.org\n"
                           "smtp-rcpt-to=routed@example.org\n"
                           "smtp-rcpt-to-domain=example.org\n"
                           "smtp-rcpt-to=postmaster\n"
                           "smtp-rcpt-to=trailing-at@\n"
                           "smtp-rcpt-to=\"odd@local\"@quoted.example\n"
                           "smtp-rcpt-to-domain=quoted.example\n");
}

static void test_smtp_data_refused(void)
{
    /* No valid recipient: the server refuses DATA and the client goes on. */
    static const char s[] = "HELO bot\r\n"
                            "MAIL FROM:<a@b.example>\r\n"
                            "RCPT TO:<nobody@c.example>\r\n"
                            "DATA\r\n"
                            "RSET\r\n"
                            "MAIL FROM:<a@b.example>\r\n"
                            "RCPT TO:<second@d.example>\r\n"
                            "DATA\r\n"
                            "QUIT\r\n";
    struct items it;
    parse(TCP, 25, INIT, s, strlen(s), &it);
    CHECK(!it.bad);
    CHECK_U64(count_kind(&it, EVIDENCE_SMTP_MESSAGES), 0);
    CHECK(find(&it, EVIDENCE_SMTP_RCPT_TO, "second@d.example") >= 0);
    /* DATA as the last complete line: no message is known to follow yet. */
    static const char t[] = "HELO bot\r\nDATA\r\nSubj";
    parse(TCP, 25, INIT, t, strlen(t), &it);
    CHECK_U64(count_kind(&it, EVIDENCE_SMTP_MESSAGES), 0);
    static const char u[] = "HELO bot\r\nDATA\r\nSubject: hi\r\n";
    parse(TCP, 25, INIT, u, strlen(u), &it);
    CHECK(find(&it, EVIDENCE_SMTP_SUBJECT, "hi") >= 0);
    CHECK(find(&it, EVIDENCE_SMTP_MESSAGES, "") >= 0);
}

static void test_smtp_bdat(void)
{
    /* RFC 3030: the chunk follows the command line and is not commands. */
    static const char s[] = "EHLO bot\r\n"
                            "MAIL FROM:<a@b.example>\r\n"
                            "RCPT TO:<c@d.example>\r\n"
                            "BDAT 26\r\n"
                            "RCPT TO:<hidden@x.exa>\r\n\r\n"
                            "BDAT 0 LAST\r\n"
                            "MAIL FROM:<next@b.example>\r\n"
                            "BDAT 10000 LAST\r\n"
                            "RCPT TO:<inside-chunk@x.example>\r\n";
    struct items it;
    parse(TCP, 25, INIT, s, strlen(s), &it);
    CHECK(!it.bad);
    CHECK(find(&it, EVIDENCE_SMTP_RCPT_TO, "hidden@x.exa") < 0);
    CHECK(find(&it, EVIDENCE_SMTP_MAIL_FROM, "next@b.example") >= 0);
    CHECK(find(&it, EVIDENCE_SMTP_RCPT_TO, "inside-chunk@x.example") < 0);
    int m = find(&it, EVIDENCE_SMTP_MESSAGES, "");
    CHECK(m >= 0);
    if (m >= 0)
        CHECK_U64(it.item[m].count, 2);
    CHECK_U64(check_prefixes(TCP, 25, INIT, s, strlen(s)), 0);
}

static void test_smtp_server_replies(void)
{
    struct items it;
    parse(TCP, 25, RESP, smtp_replies, strlen(smtp_replies), &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "smtp-banner=mx.example.org ESMTP Postfix (Debian/GNU)\n"
                           "smtp-reply=220\n"
                           "smtp-reply=250\n"
                           "smtp-reply=250\n"
                           "smtp-reply=550\n"
                           "smtp-reply=354\n"
                           "smtp-reply=221\n");
    /* With the initiator unknown, the reply codes tell the server's side. */
    struct items unknown;
    parse(TCP, 25, UNKN, smtp_replies, strlen(smtp_replies), &unknown);
    CHECK_STR(render(&unknown), render(&it));
    /* A greeting spread over lines; replies stop at the first line that is not one. */
    static const char s[] = "220-first line\r\n220 second\r\n250 ok\r\nnot a reply\r\n250 late\r\n";
    parse(TCP, 25, RESP, s, strlen(s), &it);
    CHECK_STR(render(&it), "smtp-banner=first line\nsmtp-reply=220\nsmtp-reply=250\n");
    /* Replies given as the client's side are read as commands: nothing. */
    parse(TCP, 25, INIT, smtp_replies, strlen(smtp_replies), &it);
    CHECK_U64(it.n, 0);
}

static void test_smtp_starttls_sni(void)
{
    struct buf b = {{0}, 0};
    puts_(&b, "EHLO bot.example\r\nSTARTTLS\r\n");
    client_hello(&b, "mx.example.org", 16384);
    struct items it;
    parse(TCP, 587, INIT, b.b, b.n, &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "smtp-helo=bot.example\ntls-sni=mx.example.org\n"
                           "tls-ja4=t13d0304h2_40b44b994229_b0ac53b37fa7\n");
    CHECK_U64(check_prefixes(TCP, 587, INIT, b.b, b.n), 0);
}

static void test_smtp_truncation(void)
{
    CHECK_U64(check_prefixes(TCP, 25, INIT, smtp_session, strlen(smtp_session)), 0);
    CHECK_U64(check_prefixes(TCP, 25, UNKN, smtp_session, strlen(smtp_session)), 0);
    CHECK_U64(check_prefixes(TCP, 25, RESP, smtp_replies, strlen(smtp_replies)), 0);
    CHECK_U64(check_prefixes(TCP, 25, UNKN, smtp_replies, strlen(smtp_replies)), 0);
}

static void test_smtp_raw_values(void)
{
    static const char s[] = "HELO <script>alert(1)</script>\r\n"
                            "MAIL FROM:<\"'quoted'\"@x.example>\r\n"
                            "RCPT TO:<\x1b[2J\x1b]0;owned\x07@esc.example>\r\n"
                            "RCPT TO:<caf\xc3\xa9@\xff\xfe.example>\r\n"
                            "RCPT TO:<nul\0byte@x.example>\r\n"
                            "RCPT TO:<after-nul@x.example>\r\n";
    struct items it;
    parse(TCP, 25, INIT, s, sizeof(s) - 1, &it);
    CHECK(!it.bad);
    CHECK(find(&it, EVIDENCE_SMTP_HELO, "<script>alert(1)</script>") == 0);
    CHECK(find(&it, EVIDENCE_SMTP_MAIL_FROM, "\"'quoted'\"@x.example") >= 0);
    CHECK(find(&it, EVIDENCE_SMTP_RCPT_TO, "\x1b[2J\x1b]0;owned\x07@esc.example") >= 0);
    CHECK(find(&it, EVIDENCE_SMTP_RCPT_TO, "caf\xc3\xa9@\xff\xfe.example") >= 0);
    CHECK(find(&it, EVIDENCE_SMTP_RCPT_TO_DOMAIN, "\xff\xfe.example") >= 0);
    /* A NUL cannot be carried: that address is dropped (its domain is clean and stays). */
    CHECK(find(&it, EVIDENCE_SMTP_RCPT_TO, "nul") < 0);
    CHECK(find(&it, EVIDENCE_SMTP_RCPT_TO, "after-nul@x.example") >= 0);
    CHECK_U64(count_kind(&it, EVIDENCE_SMTP_RCPT_TO), 3);
}

static void test_smtp_long_value(void)
{
    struct buf b = {{0}, 0};
    puts_(&b, "RCPT TO:<");
    for (int i = 0; i < 300; i++)
        put8(&b, 'a' + i % 26);
    puts_(&b, "@long.example>\r\n");
    struct items it;
    parse(TCP, 25, INIT, b.b, b.n, &it);
    CHECK(!it.bad);
    CHECK_U64(it.n, 2);
    CHECK_U64(it.item[0].len, EVIDENCE_VALUE_MAX);
    CHECK_U64(it.item[0].truncated, 1);
    CHECK(memcmp(it.item[0].value, b.b + 9, EVIDENCE_VALUE_MAX) == 0);
    CHECK_STR(it.item[1].value, "long.example");
    CHECK_U64(it.item[1].truncated, 0);
}

int main(void)
{
    RUN(test_smtp_client_session);
    RUN(test_smtp_bare_lf_and_cut_line);
    RUN(test_smtp_rcpt_without_brackets);
    RUN(test_smtp_data_refused);
    RUN(test_smtp_bdat);
    RUN(test_smtp_server_replies);
    RUN(test_smtp_starttls_sni);
    RUN(test_smtp_truncation);
    RUN(test_smtp_raw_values);
    RUN(test_smtp_long_value);
    CHECK_EXIT();
}
