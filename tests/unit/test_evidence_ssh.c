/*
 * Unit tests of the evidence stage: SSH identification lines and HASSH
 * (Salesforce's published examples), malformed KEXINIT packets.
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

/* ---- SSH -------------------------------------------------------------------------- */

/* Salesforce's HASSH README: the OpenSSH 5.3 server lists (server to client), in the s2c places. */
static const char *const openssh53_server_lists[10] = {
    "diffie-hellman-group-exchange-sha256,diffie-hellman-group-exchange-sha1,"
    "diffie-hellman-group14-sha1,diffie-hellman-group1-sha1",
    "ssh-rsa,ssh-dss",
    "aes128-cbc",
    "aes128-ctr,aes192-ctr,aes256-ctr,arcfour256,arcfour128,aes128-cbc,3des-cbc,blowfish-cbc,"
    "cast128-cbc,aes192-cbc,aes256-cbc,arcfour,rijndael-cbc@lysator.liu.se",
    "hmac-sha1",
    "hmac-md5,hmac-sha1,umac-64@openssh.com,hmac-ripemd160,hmac-ripemd160@openssh.com,"
    "hmac-sha1-96,hmac-md5-96",
    "zlib",
    "none,zlib@openssh.com",
    "",
    "",
};

static void test_ssh_hassh(void)
{
    struct buf c = {{0}, 0}, s = {{0}, 0};
    ssh_side(&c, "SSH-2.0-Cyberduck/6.7.1.28683 (Mac OS X/10.13.6) (x86_64)", cyberduck_lists);
    ssh_side(&s, "SSH-2.0-OpenSSH_5.3", openssh53_server_lists);
    struct items it;
    parse(TCP, 22, INIT, c.b, c.n, &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "ssh-client=SSH-2.0-Cyberduck/6.7.1.28683 (Mac OS X/10.13.6) (x86_64)\n"
                           "ssh-hassh=8a8ae540028bf433cd68356c1b9e8d5b\n");
    /* The server's side: its hasshServer (MD5 by Python's hashlib), no client line. */
    parse(TCP, 22, RESP, s.b, s.n, &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "ssh-hassh-server=b1c6c0d56317555b85c7005a3de29325\n");
    /* Who opened the conversation unknown: nothing is guessed. */
    CHECK_U64(parse(TCP, 22, UNKN, c.b, c.n, &it), 0);
    /* Any TCP port; not port 53, which is DNS. */
    struct items other;
    parse(TCP, 2222, INIT, c.b, c.n, &it);
    parse(TCP, 443, INIT, c.b, c.n, &other);
    CHECK_STR(render(&other), render(&it));
    CHECK_U64(count_kind(&it, EVIDENCE_SSH_HASSH), 1);
    CHECK_U64(parse(TCP, 53, INIT, c.b, c.n, &other), 0);
    CHECK_U64(parse(UDP, 22, INIT, c.b, c.n, &other), 0);
    /* Every prefix: the line once it is whole, the HASSH once the packet is. */
    size_t early = 0,
           line_end = strlen("SSH-2.0-Cyberduck/6.7.1.28683 (Mac OS X/10.13.6) (x86_64)\r\n");
    for (size_t n = 0; n < c.n; n++) {
        parse(TCP, 22, INIT, c.b, n, &it);
        early += it.bad || count_kind(&it, EVIDENCE_SSH_HASSH) != 0 ||
                 count_kind(&it, EVIDENCE_SSH_CLIENT) != (n >= line_end);
    }
    CHECK_U64(early, 0);
    for (size_t n = 0; n < s.n; n++) {
        parse(TCP, 22, RESP, s.b, n, &it);
        early += it.bad || it.n != 0;
    }
    CHECK_U64(early, 0);
    CHECK_U64(check_prefixes(TCP, 22, INIT, c.b, c.n), 0);
    CHECK_U64(check_prefixes(TCP, 22, RESP, s.b, s.n), 0);
}

/* The client side of test_ssh_hassh with the byte at `at` set to value: the items it gives. */
static size_t ssh_broken(size_t at, unsigned width, uint32_t value, struct items *it)
{
    struct buf c = {{0}, 0};
    ssh_side(&c, "SSH-2.0-x", cyberduck_lists);
    if (width == 1)
        c.b[at] = (uint8_t)value;
    else
        for (unsigned i = 0; i < 4; i++)
            c.b[at + i] = (uint8_t)(value >> (24 - 8 * i));
    size_t n = parse(TCP, 22, INIT, c.b, c.n, it);
    return it->bad ? 999 : n;
}

static void test_ssh_malformed(void)
{
    struct items it;
    enum { PACKET = 11, PADDING = 15, TYPE = 16, FIRST_LIST = 33 };
    CHECK_U64(ssh_broken(0, 1, 'S', &it), 2);
    /* Packet lengths past the data, past RFC 4253's 35000, zero; padding past the packet. */
    CHECK_U64(ssh_broken(PACKET, 4, 0xffffffff, &it), 1);
    CHECK_U64(ssh_broken(PACKET, 4, 35001, &it), 1);
    CHECK_U64(ssh_broken(PACKET, 4, 0, &it), 1);
    CHECK_U64(ssh_broken(PADDING, 1, 255, &it), 1);
    /* Not a KEXINIT. */
    CHECK_U64(ssh_broken(TYPE, 1, 21, &it), 1);
    /* A name-list past its packet, or past everything. */
    CHECK_U64(ssh_broken(FIRST_LIST, 4, 0xffffffff, &it), 1);
    CHECK_U64(ssh_broken(FIRST_LIST, 4, 0x10000, &it), 1);
    CHECK_STR(it.item[0].value, "SSH-2.0-x");
    /* An identification line of more than 255 bytes, or a NUL in it. */
    struct buf c = {{0}, 0};
    puts_(&c, "SSH-2.0-");
    for (int i = 0; i < 250; i++)
        put8(&c, 'a');
    puts_(&c, "\r\n");
    CHECK_U64(parse(TCP, 22, INIT, c.b, c.n, &it), 0);
    c.n = 0;
    ssh_side(&c, "SSH-2.0-nul", cyberduck_lists);
    c.b[9] = 0;
    CHECK_U64(parse(TCP, 22, INIT, c.b, c.n, &it), 1);
    CHECK_STR(render(&it), "ssh-hassh=8a8ae540028bf433cd68356c1b9e8d5b\n");
    /* SSH 1 has no KEXINIT: the line only; SSH-1.99 speaks 2.0. */
    c.n = 0;
    ssh_side(&c, "SSH-1.5-1.2.26", cyberduck_lists);
    parse(TCP, 22, INIT, c.b, c.n, &it);
    CHECK_STR(render(&it), "ssh-client=SSH-1.5-1.2.26\n");
    c.n = 0;
    ssh_side(&c, "SSH-1.99-x", cyberduck_lists);
    CHECK_U64(parse(TCP, 22, INIT, c.b, c.n, &it), 2);
    /* Attacker text in the line is kept as sent. */
    c.n = 0;
    puts_(&c, "SSH-2.0-<script>alert(1)</script>\x1b[2J,=cmd|' /C calc'!A0\r\n");
    parse(TCP, 22, INIT, c.b, c.n, &it);
    CHECK_STR(render(&it),
              "ssh-client=SSH-2.0-<script>alert(1)</script>\x1b[2J,=cmd|' /C calc'!A0\n");
}

static void test_ssh_wants_long(void)
{
    CHECK_U64(evidence_bytes_wanted(TCP, 4444, (const uint8_t *)"SSH-2.0-x\r\n", 11),
              EVIDENCE_SSH_BYTES);
    CHECK_U64(evidence_bytes_wanted(TCP, 22, (const uint8_t *)"SS", 2), EVIDENCE_SSH_BYTES);
    CHECK_U64(evidence_bytes_wanted(TCP, 4444, (const uint8_t *)"SS", 2), 0);
    CHECK_U64(evidence_bytes_wanted(TCP, 22, (const uint8_t *)"GET /", 5), 0);
    CHECK_U64(evidence_bytes_wanted(UDP, 22, (const uint8_t *)"SSH-2.0-x\r\n", 11), 0);
    CHECK(evidence_wanted(TCP, 4444, (const uint8_t *)"SSH-", 4));
    CHECK(evidence_wanted(TCP, 4444, (const uint8_t *)"SS", 2));
    CHECK(!evidence_wanted(TCP, 4444, (const uint8_t *)"SSX", 3));
}

int main(void)
{
    RUN(test_ssh_hassh);
    RUN(test_ssh_malformed);
    RUN(test_ssh_wants_long);
    CHECK_EXIT();
}
