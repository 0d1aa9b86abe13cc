/*
 * Unit tests of the evidence stage: TLS server names, ClientHellos split across
 * records, lengths past their containers, JA4 (the specification's example and
 * edge cases), and the bytes a TLS side asks for.
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

/* ---- TLS -------------------------------------------------------------------------- */

static void test_tls_sni(void)
{
    struct buf b = {{0}, 0};
    client_hello(&b, "www.example.com", 16384);
    struct items it;
    parse(TCP, 443, INIT, b.b, b.n, &it);
    CHECK(!it.bad);
    /* 3 suites, 4 extensions, h2; hashes of "1301,1302,c02f" and "000a,002b" (hashlib) */
    CHECK_STR(render(&it),
              "tls-sni=www.example.com\ntls-ja4=t13d0304h2_40b44b994229_b0ac53b37fa7\n");
    /* Any port; SMTPS on 465 is TLS from the first byte. */
    struct items other;
    parse(TCP, 465, INIT, b.b, b.n, &other);
    CHECK_STR(render(&other), render(&it));
    parse(TCP, 9001, UNKN, b.b, b.n, &other);
    CHECK_STR(render(&other), render(&it));
    /* Not on port 53, which is DNS whatever the bytes. */
    CHECK_U64(parse(TCP, 53, INIT, b.b, b.n, &other), 0);
    CHECK_U64(check_prefixes(TCP, 443, INIT, b.b, b.n), 0);
}

static void test_tls_split_records(void)
{
    for (size_t record = 1; record <= 64; record += 7) {
        struct buf b = {{0}, 0};
        client_hello(&b, "split.example.org", record);
        struct items it;
        parse(TCP, 443, INIT, b.b, b.n, &it);
        CHECK(!it.bad);
        CHECK_STR(render(&it),
                  "tls-sni=split.example.org\ntls-ja4=t13d0304h2_40b44b994229_b0ac53b37fa7\n");
        if (record == 8)
            CHECK_U64(check_prefixes(TCP, 443, INIT, b.b, b.n), 0);
    }
    /* A record of another type in between ends the handshake bytes. */
    struct buf b = {{0}, 0};
    client_hello(&b, "x.example", 40);
    struct buf c = {{0}, 0};
    putn(&c, b.b, 45);
    putn(&c, "\x15\x03\x03\x00\x02\x02\x28", 7); /* an alert */
    putn(&c, b.b + 45, b.n - 45);
    struct items it;
    CHECK_U64(parse(TCP, 443, INIT, c.b, c.n, &it), 0);
}

static void test_tls_raw_name(void)
{
    struct buf b = {{0}, 0};
    client_hello(&b, "<img src=x onerror=\"alert(1)\">\x1b[5m", 16384);
    struct items it;
    parse(TCP, 443, INIT, b.b, b.n, &it);
    CHECK_STR(render(&it), "tls-sni=<img src=x onerror=\"alert(1)\">\x1b[5m\n"
                           "tls-ja4=t13d0304h2_40b44b994229_b0ac53b37fa7\n");
}

/* Offsets in client_hello()'s output (one record) of the fields the next test breaks. */
enum {
    TLS_REC_LEN = 3,
    TLS_HS_LEN = 6,
    TLS_SID_LEN = 5 + 4 + 2 + 32,
    TLS_SUITES_LEN = TLS_SID_LEN + 1 + 32,
    TLS_COMP_LEN = TLS_SUITES_LEN + 2 + 6,
    TLS_EXT_LEN = TLS_COMP_LEN + 1 + 1,
    TLS_FIRST_EXT = TLS_EXT_LEN + 2,
    TLS_SNI_EXT = TLS_FIRST_EXT + 8,
};

/* The server names the hello gives with the field at `at` set to value (JA4 items are in *it). */
static size_t tls_broken(size_t at, unsigned width, unsigned value, struct items *it)
{
    struct buf b = {{0}, 0};
    client_hello(&b, "www.example.com", 16384);
    if (width == 1)
        b.b[at] = (uint8_t)value;
    else if (width == 2)
        set16(&b, at, value);
    else
        set24(&b, at, value);
    parse(TCP, 443, INIT, b.b, b.n, it);
    if (it->bad)
        return 999;
    return count_kind(it, EVIDENCE_TLS_SNI);
}

static void test_tls_lengths_that_overflow(void)
{
    struct items it;
    /* The layout is what the offsets say: the SNI extension's type and length. */
    struct buf b = {{0}, 0};
    client_hello(&b, "www.example.com", 16384);
    CHECK_U64(b.b[TLS_SNI_EXT] << 8 | b.b[TLS_SNI_EXT + 1], 0);
    CHECK_U64(b.b[TLS_SNI_EXT + 2] << 8 | b.b[TLS_SNI_EXT + 3], 15 + 5);
    CHECK_U64(tls_broken(0, 1, 0x16, &it), 1);

    /* Record and handshake lengths past the data: the hello cut short still has its SNI. */
    CHECK_U64(tls_broken(TLS_REC_LEN, 2, 0xffff, &it), 1);
    CHECK_U64(tls_broken(TLS_HS_LEN, 3, 0xffffff, &it), 1);
    /* Shorter than the fields: the extensions are outside the hello. */
    CHECK_U64(tls_broken(TLS_HS_LEN, 3, 40, &it), 0);
    CHECK_U64(tls_broken(TLS_REC_LEN, 2, 30, &it), 0);
    /* Session id over 32, cipher suites past everything or odd, no compression method. */
    CHECK_U64(tls_broken(TLS_SID_LEN, 1, 33, &it), 0);
    CHECK_U64(tls_broken(TLS_SID_LEN, 1, 255, &it), 0);
    CHECK_U64(tls_broken(TLS_SUITES_LEN, 2, 0xffff, &it), 0);
    CHECK_U64(tls_broken(TLS_SUITES_LEN, 2, 0xfffe, &it), 0);
    CHECK_U64(tls_broken(TLS_SUITES_LEN, 2, 5, &it), 0);
    CHECK_U64(tls_broken(TLS_SUITES_LEN, 2, 0, &it), 0);
    CHECK_U64(tls_broken(TLS_COMP_LEN, 1, 0, &it), 0);
    CHECK_U64(tls_broken(TLS_COMP_LEN, 1, 255, &it), 0);
    /* Extensions' total past the end: each extension is still checked on its own. */
    CHECK_U64(tls_broken(TLS_EXT_LEN, 2, 0xffff, &it), 1);
    /* Extensions' total shorter than the SNI's end: the SNI is cut, not reported. */
    CHECK_U64(tls_broken(TLS_EXT_LEN, 2, 8 + 4 + 5, &it), 0);
    /* The first extension claims everything: nothing after it can be read. */
    CHECK_U64(tls_broken(TLS_FIRST_EXT + 2, 2, 0xffff, &it), 0);
    /* The server_name extension's length, list length and name length past their containers. */
    CHECK_U64(tls_broken(TLS_SNI_EXT + 2, 2, 0xffff, &it), 0);
    CHECK_U64(tls_broken(TLS_SNI_EXT + 2, 2, 3, &it), 0);
    CHECK_U64(tls_broken(TLS_SNI_EXT + 4, 2, 0xffff, &it), 0);
    CHECK_U64(tls_broken(TLS_SNI_EXT + 4, 2, 21, &it), 0);
    CHECK_U64(tls_broken(TLS_SNI_EXT + 7, 2, 0xffff, &it), 0);
    CHECK_U64(tls_broken(TLS_SNI_EXT + 7, 2, 16, &it), 0);
    /* A shorter name than the list holds: the name, then a cut entry. */
    CHECK_U64(tls_broken(TLS_SNI_EXT + 7, 2, 3, &it), 1);
    CHECK_STR(it.item[0].value, "www");
    /* Another name type is not a host name; an empty name is nothing. */
    CHECK_U64(tls_broken(TLS_SNI_EXT + 6, 1, 1, &it), 0);
    /* Not a ClientHello (a ServerHello), SSL 2 style, other versions. */
    CHECK_U64(tls_broken(5, 1, 2, &it), 0);
    CHECK_U64(tls_broken(1, 1, 2, &it), 0);
    CHECK_U64(tls_broken(2, 1, 5, &it), 0);
    CHECK_U64(tls_broken(2, 1, 0, &it), 1); /* SSL 3.0 record version */
    CHECK_U64(count_kind(&it, EVIDENCE_TLS_JA4), 1);

    /* A record longer than the data, with the hello whole inside: its JA4 stands. */
    tls_broken(TLS_REC_LEN, 2, 0xffff, &it);
    CHECK_U64(count_kind(&it, EVIDENCE_TLS_JA4), 1);
    /* JA4 wants the whole hello: none from one cut short, as its counts would be wrong. */
    tls_broken(TLS_HS_LEN, 3, 0xffffff, &it);
    CHECK_U64(count_kind(&it, EVIDENCE_TLS_JA4), 0);
    tls_broken(TLS_EXT_LEN, 2, 0xffff, &it);
    CHECK_U64(count_kind(&it, EVIDENCE_TLS_JA4), 0);
    tls_broken(TLS_FIRST_EXT + 2, 2, 0xffff, &it);
    CHECK_U64(count_kind(&it, EVIDENCE_TLS_JA4), 0);
    /* A broken server_name list is the name's loss; JA4 only asks whether the extension is there.
     */
    tls_broken(TLS_SNI_EXT + 4, 2, 0xffff, &it);
    CHECK_U64(count_kind(&it, EVIDENCE_TLS_JA4), 1);
}

/* The cipher suites of the specification's example, a GREASE value first (as Chrome sends). */
static const unsigned spec_suites[] = {0x2a2a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f,
                                       0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
                                       0x009c, 0x009d, 0x002f, 0x0035};

/*
 * The extensions of the specification's example in its order, with GREASE
 * extensions around them: sni and alpn say whether server_name and ALPN (h2)
 * are there, versions whether supported_versions is, sigs how many of the
 * example's signature algorithms signature_algorithms holds.
 */
static void spec_extensions(struct buf *e, int sni, int alpn, int versions, size_t sigs)
{
    static const unsigned order[] = {0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017,
                                     0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b,
                                     0xff01, 0x000b, 0x000a, 0x0015};
    static const unsigned sig[] = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601};
    static const unsigned version_list[] = {0x6a6a, 0x0304, 0x0303};
    tls_ext(e, 0x0a0a, "", 0);
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        unsigned t = order[i];
        if (t == 0x0000 && sni)
            tls_ext(e, t,
                    "\x00\x0e\x00\x00\x0b"
                    "example.com",
                    16);
        else if (t == 0x0010 && alpn)
            tls_ext_alpn(e, "h2", 2);
        else if (t == 0x000d)
            tls_ext_u16(e, t, 2, sig, sigs);
        else if (t == 0x002b && versions)
            tls_ext_u16(e, t, 1, version_list, 3);
        else if (t != 0x0000 && t != 0x0010 && t != 0x002b)
            tls_ext(e, t, "\x00", t == 0x0017 || t == 0x0023 ? 0 : 1);
    }
    tls_ext(e, 0xfafa, "\x00", 1);
}

/*
 * The specification's worked example (technical_details/JA4.md): 15 suites,
 * 16 extensions, h2, its sorted lists hashing to 8daaf6152771 and
 * e5627efa2ab1; GREASE suites, extensions and versions left out.
 */
static void test_ja4_spec_example(void)
{
    struct buf e = {{0}, 0}, b = {{0}, 0};
    spec_extensions(&e, 1, 1, 1, 8);
    tls_hello(&b, 0x0303, spec_suites, 16, &e);
    CHECK_STR(ja4_of(&b), "t13d1516h2_8daaf6152771_e5627efa2ab1");
    struct items it;
    parse(TCP, 443, INIT, b.b, b.n, &it);
    CHECK(!it.bad);
    CHECK_STR(render(&it), "tls-sni=example.com\ntls-ja4=t13d1516h2_8daaf6152771_e5627efa2ab1\n");

    /* No SNI, no ALPN: "i", two extensions fewer, "00"; the hashes never held them. */
    struct buf e2 = {{0}, 0}, b2 = {{0}, 0};
    spec_extensions(&e2, 0, 0, 1, 8);
    tls_hello(&b2, 0x0303, spec_suites, 16, &e2);
    CHECK_STR(ja4_of(&b2), "t13i151400_8daaf6152771_e5627efa2ab1");

    /* signature_algorithms empty: no '_' after the extensions (the spec's 6d807ffa2a79). */
    struct buf e3 = {{0}, 0}, b3 = {{0}, 0};
    spec_extensions(&e3, 1, 1, 1, 0);
    tls_hello(&b3, 0x0303, spec_suites, 16, &e3);
    CHECK_STR(ja4_of(&b3), "t13d1516h2_8daaf6152771_6d807ffa2a79");

    /* No supported_versions: the hello's own version; one extension fewer (hashlib). */
    struct buf e4 = {{0}, 0}, b4 = {{0}, 0};
    spec_extensions(&e4, 1, 1, 0, 8);
    tls_hello(&b4, 0x0303, spec_suites, 16, &e4);
    CHECK_STR(ja4_of(&b4), "t12d1515h2_8daaf6152771_8d4582d59f63");
    tls_hello(&b4, 0x0301, spec_suites, 16, &e4);
    b4.n = 0;
    tls_hello(&b4, 0x0301, spec_suites, 16, &e4);
    CHECK_STR(ja4_of(&b4), "t10d1515h2_8daaf6152771_8d4582d59f63");
    b4.n = 0;
    tls_hello(&b4, 0x0300, spec_suites, 16, &e4);
    CHECK_STR(ja4_of(&b4), "ts3d1515h2_8daaf6152771_8d4582d59f63");
    b4.n = 0;
    tls_hello(&b4, 0x7f1c, spec_suites, 16, &e4);
    CHECK_STR(ja4_of(&b4), "t00d1515h2_8daaf6152771_8d4582d59f63");

    /* Every prefix: no JA4 until the hello is whole, and the same one then. */
    size_t failures = 0;
    for (size_t n = 0; n < b.n; n++) {
        struct buf cut = {{0}, 0};
        putn(&cut, b.b, n);
        failures += ja4_of(&cut)[0] != '\0';
    }
    CHECK_U64(failures, 0);
    CHECK_U64(check_prefixes(TCP, 443, INIT, b.b, b.n), 0);
}

/* The ALPN mark for a first value of n bytes, per the specification's examples. */
static const char *alpn_mark(const void *value, size_t n)
{
    static char mark[3];
    static const unsigned suites[] = {0x1301};
    struct buf e = {{0}, 0}, b = {{0}, 0};
    tls_ext_alpn(&e, value, n);
    tls_hello(&b, 0x0303, suites, 1, &e);
    const char *j = ja4_of(&b);
    if (strlen(j) != 36)
        return "none";
    memcpy(mark, j + 8, 2);
    mark[2] = '\0';
    return mark;
}

static void test_ja4_alpn(void)
{
    CHECK_STR(alpn_mark("h2", 2), "h2");
    CHECK_STR(alpn_mark("http/1.1", 8), "h1");
    CHECK_STR(alpn_mark("h3", 2), "h3");
    /* One character is first and last. */
    CHECK_STR(alpn_mark("x", 1), "xx");
    /* Not letters or digits at either end: the hex form's first and last digits. */
    CHECK_STR(alpn_mark("\xab", 1), "ab");
    CHECK_STR(alpn_mark("\x20", 1), "20");
    CHECK_STR(alpn_mark("\xab\xcd", 2), "ad");
    CHECK_STR(alpn_mark("\x20\x61", 2), "21");
    CHECK_STR(alpn_mark("\x30\xab", 2), "3b");
    CHECK_STR(alpn_mark("\x61\x20", 2), "60");
    CHECK_STR(alpn_mark("\x30\x31\xab\xcd", 4), "3d");
    CHECK_STR(alpn_mark("\x30\xab\xcd\x31", 4), "01");
    CHECK_STR(alpn_mark("\xba\xad", 2), "bd");
    /* An empty first value, or an empty list: "00". */
    CHECK_STR(alpn_mark("", 0), "00");
    static const unsigned suites[] = {0x1301};
    struct buf e = {{0}, 0}, b = {{0}, 0};
    tls_ext(&e, 16, "\x00\x00", 2);
    tls_hello(&b, 0x0303, suites, 1, &e);
    CHECK_STR(ja4_of(&b), "t12i010100_0f2cb44170f4_000000000000");
    /* A value running past its list: malformed, no JA4. */
    struct buf e2 = {{0}, 0}, b2 = {{0}, 0};
    tls_ext(&e2, 16, "\x00\x03\x05h2x", 5);
    tls_hello(&b2, 0x0303, suites, 1, &e2);
    CHECK_STR(ja4_of(&b2), "");
}

static void test_ja4_edges(void)
{
    /* No extensions at all (SSL 3.0 style): zero counts and twelve zeroes. */
    static const unsigned three[] = {0x1301, 0x1302, 0xc02f};
    struct buf b = {{0}, 0};
    tls_hello(&b, 0x0303, three, 3, NULL);
    CHECK_STR(ja4_of(&b), "t12i030000_40b44b994229_000000000000");
    /* Only GREASE suites: none counted, twelve zeroes. */
    static const unsigned grease_only[] = {0x0a0a, 0xfafa};
    b.n = 0;
    tls_hello(&b, 0x0303, grease_only, 2, NULL);
    CHECK_STR(ja4_of(&b), "t12i000000_000000000000_000000000000");
    /* More than 99 suites or extensions: "99". */
    unsigned many[120];
    for (unsigned i = 0; i < 120; i++)
        many[i] = i + 1;
    b.n = 0;
    tls_hello(&b, 0x0303, many, 120, NULL);
    CHECK_STR(ja4_of(&b), "t12i990000_0f8860b09f90_000000000000");
    struct buf e = {{0}, 0};
    for (unsigned i = 0; i < 120; i++)
        tls_ext(&e, 0x1000 + i, "", 0);
    b.n = 0;
    tls_hello(&b, 0x0303, three, 3, &e);
    CHECK(strncmp(ja4_of(&b), "t12i039900_40b44b994229_", 24) == 0);
    /* supported_versions only GREASE: unknown version "00". */
    static const unsigned grease_version[] = {0x1a1a};
    struct buf e2 = {{0}, 0};
    tls_ext_u16(&e2, 0x002b, 1, grease_version, 1);
    b.n = 0;
    tls_hello(&b, 0x0303, three, 3, &e2);
    CHECK(strncmp(ja4_of(&b), "t00i030100_", 11) == 0);
    /* supported_versions with an odd list length, or past its extension: malformed. */
    struct buf e3 = {{0}, 0};
    tls_ext(&e3, 0x002b, "\x03\x03\x04\x03", 4);
    b.n = 0;
    tls_hello(&b, 0x0303, three, 3, &e3);
    CHECK_STR(ja4_of(&b), "");
    struct buf e4 = {{0}, 0};
    tls_ext(&e4, 0x002b, "\x04\x03\x04", 3);
    b.n = 0;
    tls_hello(&b, 0x0303, three, 3, &e4);
    CHECK_STR(ja4_of(&b), "");
    /* signature_algorithms with GREASE in it: left out, as everywhere. */
    static const unsigned sigs_grease[] = {0x0403, 0x0a0a, 0x0804};
    static const unsigned sigs[] = {0x0403, 0x0804};
    struct buf e5 = {{0}, 0}, e6 = {{0}, 0}, b6 = {{0}, 0};
    tls_ext_u16(&e5, 0x000d, 2, sigs_grease, 3);
    tls_ext_u16(&e6, 0x000d, 2, sigs, 2);
    b.n = 0;
    tls_hello(&b, 0x0303, three, 3, &e5);
    tls_hello(&b6, 0x0303, three, 3, &e6);
    CHECK(ja4_of(&b)[0] != '\0');
    CHECK_STR(ja4_of(&b), ja4_of(&b6));
    /* The hello split over records of 7 bytes gives the same JA4 as in one record. */
    struct buf whole = {{0}, 0}, split = {{0}, 0}, ee = {{0}, 0};
    spec_extensions(&ee, 1, 1, 1, 8);
    tls_hello(&whole, 0x0303, spec_suites, 16, &ee);
    for (size_t at = 5; at < whole.n; at += 7) {
        size_t n = whole.n - at < 7 ? whole.n - at : 7;
        put8(&split, 22);
        put16(&split, 0x0303);
        put16(&split, (unsigned)n);
        putn(&split, whole.b + at, n);
    }
    CHECK_STR(ja4_of(&split), "t13d1516h2_8daaf6152771_e5627efa2ab1");
}

/*
 * The bytes a TLS side asks for: the records of its ClientHello as their
 * headers announce them, from its first 6 bytes on, and at most a whole
 * record of 16 KiB with its header.
 */
static void test_tls_bytes_wanted(void)
{
    static const unsigned suites[] = {0x1301, 0x1302};
    struct buf e = {{0}, 0}, b = {{0}, 0}, split = {{0}, 0};
    static const uint8_t zeroes[1800];
    tls_ext(&e, 0x0015, zeroes, sizeof(zeroes));
    tls_hello(&b, 0x0303, suites, 2, &e);
    CHECK_U64(evidence_bytes_wanted(TCP, 443, b.b, b.n), b.n);
    CHECK_U64(evidence_bytes_wanted(TCP, 4444, b.b, 9), b.n);
    /* Before the hello's length comes: its record at least, the same here. */
    CHECK_U64(evidence_bytes_wanted(TCP, 443, b.b, 6), b.n);
    CHECK_U64(evidence_bytes_wanted(TCP, 443, b.b, 5), 0);
    /* Records of 700 bytes: the hello's bytes and a header for each of its three records. */
    for (size_t at = 5; at < b.n; at += 700) {
        size_t n = b.n - at < 700 ? b.n - at : 700;
        put8(&split, 22);
        put16(&split, 0x0301);
        put16(&split, (unsigned)n);
        putn(&split, b.b + at, n);
    }
    CHECK_U64(split.n, b.n + 2 * 5);
    CHECK_U64(evidence_bytes_wanted(TCP, 443, split.b, 9), split.n);
    /* Not a ClientHello (a ServerHello), an empty record: nothing asked. */
    static const uint8_t server_hello[] = {22, 3, 3, 0, 50, 2, 0, 0, 46};
    static const uint8_t empty[] = {22, 3, 1, 0, 0, 1, 0, 0, 0};
    CHECK_U64(evidence_bytes_wanted(TCP, 443, server_hello, sizeof(server_hello)), 0);
    CHECK_U64(evidence_bytes_wanted(TCP, 443, empty, sizeof(empty)), 0);
    /* Announcing more than a record holds: the largest record and its header. */
    static const uint8_t huge[] = {22, 3, 1, 0x40, 0, 1, 0xff, 0xff, 0xff};
    CHECK_U64(evidence_bytes_wanted(TCP, 443, huge, sizeof(huge)), EVIDENCE_TLS_BYTES);
    static const uint8_t tiny_records[] = {22, 3, 1, 0, 1, 1, 0x01, 0x00, 0x00};
    CHECK_U64(evidence_bytes_wanted(TCP, 443, tiny_records, sizeof(tiny_records)),
              EVIDENCE_TLS_BYTES);
    /* DNS over TCP on port 53 is DNS, whatever its bytes: it asks for nothing more; nor UDP. */
    CHECK_U64(evidence_bytes_wanted(TCP, 53, b.b, b.n), 0);
    CHECK_U64(evidence_bytes_wanted(UDP, 443, b.b, b.n), 0);
}

int main(void)
{
    RUN(test_tls_sni);
    RUN(test_tls_split_records);
    RUN(test_tls_raw_name);
    RUN(test_tls_lengths_that_overflow);
    RUN(test_ja4_spec_example);
    RUN(test_ja4_alpn);
    RUN(test_ja4_edges);
    RUN(test_tls_bytes_wanted);
    CHECK_EXIT();
}
