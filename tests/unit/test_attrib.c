/*
 * Unit tests of the attrib stage: longest-prefix match, the list and ipasn
 * loaders (with their error messages), groups, and the real routing tables
 * of ../shared/data when they are present. Prints the load time and lookup
 * rate of the 2015 table to stderr.
 */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "../../src/attrib/attrib.h"
#include "check.h"

/* ---- helpers -------------------------------------------------------------- */

static struct ip_prefix pfx(const char *text)
{
    struct ip_prefix p;
    const char *why = NULL;
    memset(&p, 0, sizeof(p));
    if (prefix_parse(&p, text, &why) < 0) {
        fprintf(stderr, "test_attrib: bad prefix in a test: %s (%s)\n", text, why);
        abort();
    }
    return p;
}

static struct ip_addr ip(const char *text)
{
    struct ip_addr a;
    if (addr_parse(&a, text) < 0) {
        fprintf(stderr, "test_attrib: bad address in a test: %s\n", text);
        abort();
    }
    return a;
}

static void add(struct prefix_set *set, const char *prefix, const char *label)
{
    struct ip_prefix p = pfx(prefix);
    prefix_set_add(set, &p, label, 0);
}

/* The label of the longest match, or "-" when nothing matches. */
static const char *find(const struct prefix_set *set, const char *addr)
{
    struct ip_addr a = ip(addr);
    const struct prefix_entry *e = prefix_set_lookup(set, &a);
    return e ? e->label : "-";
}

/* The matching prefix in text, or "-". */
static const char *find_prefix(const struct prefix_set *set, const char *addr,
                               char buf[PREFIX_TEXT_MAX])
{
    struct ip_addr a = ip(addr);
    const struct prefix_entry *e = prefix_set_lookup(set, &a);
    if (!e)
        return "-";
    return prefix_format(&e->prefix, buf);
}

static const char *work_dir(void)
{
    const char *dir = getenv("TEST_WORK");
    return dir && *dir ? dir : "/tmp";
}

/* Writes len bytes to a new temporary file; returns its path in path. */
static int write_temp(char path[512], const char *data, size_t len)
{
    snprintf(path, 512, "%s/attrib-XXXXXX", work_dir());
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)n;
    }
    close(fd);
    return 0;
}

static int write_temp_str(char path[512], const char *text)
{
    return write_temp(path, text, strlen(text));
}

static int write_temp_gz(char path[512], const char *text)
{
    snprintf(path, 512, "%s/attrib-gz-XXXXXX", work_dir());
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    gzFile gz = gzopen(path, "wb");
    if (!gz)
        return -1;
    int n = gzwrite(gz, text, (unsigned)strlen(text));
    if (gzclose(gz) != Z_OK || n != (int)strlen(text))
        return -1;
    return 0;
}

/* Loads text as a list; returns the load status, the message in err. */
static int load_list_text(struct prefix_set *set, const char *text, char path[512], char *err,
                          size_t errlen)
{
    if (write_temp_str(path, text) < 0)
        return -2;
    err[0] = '\0';
    return prefix_set_load_list(set, path, err, errlen);
}

/* Expects list text to fail with "PATH:" + want. */
static int list_error_is(const char *text, const char *want)
{
    char path[512], err[1024], expect[1100];
    struct prefix_set *set = prefix_set_new();
    int rc = load_list_text(set, text, path, err, sizeof(err));
    prefix_set_free(set);
    unlink(path);
    snprintf(expect, sizeof(expect), "%s:%s", path, want);
    if (rc != -1 || strcmp(err, expect) != 0) {
        fprintf(stderr, "list error: got rc %d \"%s\", want \"%s\"\n", rc, err, expect);
        return 0;
    }
    return 1;
}

static int pfx2as_error_is(const char *text, const char *want)
{
    char path[512], err[1024], expect[1100];
    if (write_temp_str(path, text) < 0)
        return 0;
    struct prefix_set *set = prefix_set_new();
    int rc = prefix_set_load_pfx2as(set, path, err, sizeof(err));
    prefix_set_free(set);
    unlink(path);
    snprintf(expect, sizeof(expect), "%s:%s", path, want);
    if (rc != -1 || strcmp(err, expect) != 0) {
        fprintf(stderr, "pfx2as error: got rc %d \"%s\", want \"%s\"\n", rc, err, expect);
        return 0;
    }
    return 1;
}

/* The project's seed list: under $HONEYSCOPE_ROOT, or the cwd. */
static const char *seed_list(char buf[512])
{
    const char *root = getenv("HONEYSCOPE_ROOT");
    if (root && *root)
        snprintf(buf, 512, "%s/scenarios/aws-2009.txt", root);
    else
        snprintf(buf, 512, "scenarios/aws-2009.txt");
    return buf;
}

/* A file of ../shared/data, or NULL when the folder is absent. */
static const char *shared_file(char buf[512], const char *name)
{
    const char *root = getenv("HONEYSCOPE_ROOT");
    if (root && *root)
        snprintf(buf, 512, "%s/../shared/data/%s", root, name);
    else
        snprintf(buf, 512, "../shared/data/%s", name);
    return access(buf, R_OK) == 0 ? buf : NULL;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng(void) /* xorshift64* */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717u;
}

/* ---- longest-prefix match ------------------------------------------------- */

static void test_lpm_nesting(void)
{
    struct prefix_set *set = prefix_set_new();
    CHECK_STR(find(set, "10.1.2.3"), "-");
    add(set, "10.1.0.0/16", "sixteen");
    add(set, "10.0.0.0/8", "eight");
    add(set, "10.1.2.0/24", "twentyfour");
    CHECK_STR(find(set, "10.1.2.3"), "twentyfour");
    CHECK_STR(find(set, "10.1.2.255"), "twentyfour");
    CHECK_STR(find(set, "10.1.3.0"), "sixteen");
    CHECK_STR(find(set, "10.1.255.255"), "sixteen");
    CHECK_STR(find(set, "10.2.0.0"), "eight");
    CHECK_STR(find(set, "10.255.255.255"), "eight");
    CHECK_STR(find(set, "11.0.0.0"), "-");
    CHECK_STR(find(set, "9.255.255.255"), "-");
    CHECK_STR(find(set, "0.0.0.0"), "-");
    CHECK_U64(prefix_set_count(set), 3);
    CHECK_STR(prefix_set_entry(set, 0)->label, "sixteen");
    CHECK_STR(prefix_set_entry(set, 1)->label, "eight");
    CHECK_STR(prefix_set_entry(set, 2)->label, "twentyfour");
    CHECK(prefix_set_entry(set, 3) == NULL);
    char buf[PREFIX_TEXT_MAX];
    CHECK_STR(find_prefix(set, "10.1.2.3", buf), "10.1.2.0/24");
    CHECK_U64(prefix_set_entry(set, 1)->prefix.len, 104);
    prefix_set_free(set);
    prefix_set_free(NULL);
}

static void test_lpm_siblings(void)
{
    /* Branch nodes with no prefix of their own must not match. */
    struct prefix_set *set = prefix_set_new();
    add(set, "192.168.1.0/24", "one");
    add(set, "192.168.2.0/24", "two");
    add(set, "192.168.0.0/23", "zero-one");
    CHECK_STR(find(set, "192.168.1.7"), "one");
    CHECK_STR(find(set, "192.168.2.7"), "two");
    CHECK_STR(find(set, "192.168.0.7"), "zero-one");
    CHECK_STR(find(set, "192.168.3.7"), "-");
    CHECK_STR(find(set, "192.168.128.1"), "-");
    prefix_set_free(set);
}

static void test_lpm_edges(void)
{
    struct prefix_set *set = prefix_set_new();
    add(set, "198.51.100.7/32", "host4");
    add(set, "2001:db8::1/128", "host6");
    CHECK_STR(find(set, "198.51.100.7"), "host4");
    CHECK_STR(find(set, "198.51.100.6"), "-");
    CHECK_STR(find(set, "198.51.100.8"), "-");
    CHECK_STR(find(set, "2001:db8::1"), "host6");
    CHECK_STR(find(set, "2001:db8::"), "-");
    CHECK_STR(find(set, "2001:db8::3"), "-");

    add(set, "0.0.0.0/0", "all-v4");
    CHECK_STR(find(set, "8.8.8.8"), "all-v4");
    CHECK_STR(find(set, "255.255.255.255"), "all-v4");
    CHECK_STR(find(set, "198.51.100.7"), "host4");
    CHECK_STR(find(set, "2001:db8::2"), "-"); /* an IPv4 /0 is not all of IPv6 */

    add(set, "::/0", "everything");
    CHECK_STR(find(set, "2001:db8::2"), "everything");
    CHECK_STR(find(set, "::"), "everything");
    CHECK_STR(find(set, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), "everything");
    CHECK_STR(find(set, "8.8.8.8"), "all-v4");
    CHECK_STR(find(set, "2001:db8::1"), "host6");

    add(set, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", "top");
    add(set, "::/128", "bottom");
    CHECK_STR(find(set, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), "top");
    CHECK_STR(find(set, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"), "everything");
    CHECK_STR(find(set, "::"), "bottom");
    CHECK_STR(find(set, "::1"), "everything");
    CHECK_U64(prefix_set_entry(set, 2)->prefix.len, 96);
    CHECK_U64(prefix_set_entry(set, 3)->prefix.len, 0);
    prefix_set_free(set);

    /* Only a /0 in the set: the root itself carries the prefix, for its family alone. */
    set = prefix_set_new();
    add(set, "::/0", "root");
    CHECK_STR(find(set, "1.2.3.4"), "-");
    CHECK_STR(find(set, "0.0.0.0"), "-");
    CHECK_STR(find(set, "::"), "root");
    CHECK_STR(find(set, "::ffff:1.2.3.4"), "root");
    prefix_set_free(set);
    set = prefix_set_new();
    add(set, "0.0.0.0/0", "root4");
    CHECK_STR(find(set, "1.2.3.4"), "root4");
    CHECK_STR(find(set, "::"), "-");
    CHECK_STR(find(set, "::ffff:1.2.3.4"), "-");
    CHECK_STR(find(set, "::1.2.3.4"), "-");
    prefix_set_free(set);
}

static void test_lpm_families(void)
{
    struct prefix_set *set = prefix_set_new();
    add(set, "1.0.0.0/24", "v4");
    add(set, "100::/16", "v6"); /* same leading bits as 1.0.0.0 if unmapped */
    add(set, "::ffff:0:0/96", "mapped");
    add(set, "2a00:1018::/32", "v6-b");
    CHECK_STR(find(set, "1.0.0.1"), "v4");
    /* ::ffff:0:0/96 is IPv6: it holds the IPv6 addresses of that range as a
     * packet carries them, never the IPv4 addresses of the same bytes. */
    CHECK_STR(find(set, "1.0.1.1"), "-");
    CHECK_STR(find(set, "::ffff:1.0.1.1"), "mapped");
    CHECK_STR(find(set, "::ffff:1.0.0.1"), "mapped");
    CHECK_STR(find(set, "100::1"), "v6");
    CHECK_STR(find(set, "2a00:1018:1::"), "v6-b");
    CHECK_STR(find(set, "2a00:1019::"), "-");
    CHECK_STR(find(set, "::1.0.0.1"), "-"); /* IPv4-compatible is not mapped */
    prefix_set_free(set);

    /* Short IPv6 prefixes that share their leading bits with the mapped space. */
    static const char *const wide[] = {"::/0", "::/1", "::/8", "::/64", "::/80", "::ffff:0:0/96"};
    for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++) {
        set = prefix_set_new();
        add(set, wide[i], "wide");
        add(set, "192.0.2.0/24", "doc4");
        CHECK_STR(find(set, "8.8.8.8"), "-");
        CHECK_STR(find(set, "0.0.0.0"), "-");
        CHECK_STR(find(set, "255.255.255.255"), "-");
        CHECK_STR(find(set, "192.0.2.1"), "doc4");
        CHECK_STR(find(set, "::ffff:8.8.8.8"), "wide");
        CHECK_STR(find(set, "::ffff:192.0.2.1"), "wide");
        prefix_set_free(set);
    }

    /* An IPv4 prefix and the IPv6 prefix of the same bits are two entries. */
    set = prefix_set_new();
    add(set, "192.0.2.0/24", "four");
    add(set, "::ffff:192.0.2.0/120", "six");
    CHECK_U64(prefix_set_count(set), 2);
    CHECK_STR(find(set, "192.0.2.9"), "four");
    CHECK_STR(find(set, "::ffff:192.0.2.9"), "six");
    prefix_set_free(set);
}

/* The address representation keeps an IPv6 address inside ::ffff:0:0/96 apart
 * from the IPv4 address of the same 16 bytes, in every operation. */
static void test_addr_families(void)
{
    struct ip_addr v4 = ip("192.0.2.1"), v6 = ip("::ffff:192.0.2.1");
    char buf[ADDR_TEXT_MAX], pbuf[PREFIX_TEXT_MAX];
    CHECK(addr_is_v4(&v4));
    CHECK(!addr_is_v4(&v6));
    CHECK(memcmp(v4.b, v6.b, 16) == 0);
    CHECK(addr_compare(&v4, &v6) < 0);
    CHECK(addr_compare(&v6, &v4) > 0);
    CHECK_STR(addr_format(&v4, buf), "192.0.2.1");
    CHECK_STR(addr_format(&v6, buf), "::ffff:192.0.2.1");
    struct ip_addr back = ip(addr_format(&v6, buf));
    CHECK(addr_compare(&back, &v6) == 0);

    /* From packet bytes: the IPv6 header gives an IPv6 address. */
    struct ip_addr wire;
    addr_from_v6(&wire, v6.b);
    CHECK(addr_compare(&wire, &v6) == 0);
    CHECK(!addr_is_v4(&wire));

    /* Packed and unpacked, the flag survives; a flag without the head is refused. */
    uint8_t packed[ADDR_PACKED_BYTES];
    addr_pack(&v6, packed);
    CHECK(addr_unpack(&back, packed) == 0 && addr_compare(&back, &v6) == 0);
    addr_pack(&v4, packed);
    CHECK(addr_unpack(&back, packed) == 0 && addr_compare(&back, &v4) == 0);
    packed[16] = 2;
    CHECK(addr_unpack(&back, packed) < 0);
    struct ip_addr other = ip("2001:db8::1");
    addr_pack(&other, packed);
    packed[16] = 1;
    CHECK(addr_unpack(&back, packed) < 0);

    /* Prefixes: the family decides, not the bits. */
    struct ip_prefix all6 = pfx("::/0"), all4 = pfx("0.0.0.0/0"), mapped = pfx("::ffff:0:0/96");
    struct ip_prefix low6 = pfx("::/1");
    CHECK(!prefix_contains(&all6, &v4));
    CHECK(prefix_contains(&all6, &v6));
    CHECK(!prefix_contains(&low6, &v4));
    CHECK(prefix_contains(&low6, &v6));
    CHECK(!prefix_contains(&mapped, &v4));
    CHECK(prefix_contains(&mapped, &v6));
    CHECK(prefix_contains(&all4, &v4));
    CHECK(!prefix_contains(&all4, &v6));
    CHECK(!prefix_contains(&all4, &other));
    CHECK_STR(prefix_format(&mapped, pbuf), "::ffff:0.0.0.0/96");
    CHECK_U64(prefix_family_len(&mapped), 96);
    CHECK_STR(prefix_format(&all4, pbuf), "0.0.0.0/0");
    struct ip_prefix mapped24 = pfx("::ffff:192.0.2.0/120");
    CHECK_U64(prefix_family_len(&mapped24), 120);
    CHECK(prefix_contains(&mapped24, &v6));
    CHECK(!prefix_contains(&mapped24, &v4));
    const char *why = NULL;
    struct ip_prefix bad;
    CHECK(prefix_parse(&bad, "::ffff:192.0.2.0/24", &why) < 0);

    /* Masking an IPv6 mapped address below /96 leaves an ordinary IPv6 prefix. */
    struct ip_addr m = v6;
    addr_mask(&m, 48);
    struct ip_addr zero6 = ip("::");
    CHECK(addr_compare(&m, &zero6) == 0);
    m = v6;
    addr_mask(&m, 120);
    CHECK(!addr_is_v4(&m));
    CHECK_STR(addr_format(&m, buf), "::ffff:192.0.2.0");
}

static void test_relabel(void)
{
    struct prefix_set *set = prefix_set_new();
    add(set, "10.0.0.0/8", "first");
    add(set, "10.1.0.0/16", "inner");
    struct ip_addr a = ip("10.2.3.4");
    const struct prefix_entry *before = prefix_set_lookup(set, &a);
    struct ip_prefix p = pfx("10.0.0.0/8");
    prefix_set_add(set, &p, "second", 64500);
    CHECK_U64(prefix_set_count(set), 2);
    CHECK_STR(find(set, "10.2.3.4"), "second");
    CHECK(prefix_set_lookup(set, &a) == before);
    CHECK_U64(before->asn, 64500);
    CHECK_STR(prefix_set_entry(set, 0)->label, "second");
    prefix_set_add(set, &p, NULL, 0);
    CHECK_STR(find(set, "10.2.3.4"), "");
    CHECK_U64(prefix_set_count(set), 2);
    prefix_set_free(set);
}

static void test_labels_stable(void)
{
    /* Entries and labels must survive the growth of every array. */
    struct prefix_set *set = prefix_set_new();
    add(set, "10.0.0.0/8", "kept label");
    struct ip_addr a = ip("10.9.9.9");
    const struct prefix_entry *e = prefix_set_lookup(set, &a);
    const char *label = e->label;
    char text[64], name[32];
    for (unsigned i = 0; i < 50000; i++) {
        snprintf(text, sizeof(text), "%u.%u.%u.0/24", 20 + i / 65536 % 200, i / 256 % 256, i % 256);
        snprintf(name, sizeof(name), "AS%u", i % 1000);
        add(set, text, name);
    }
    CHECK(prefix_set_lookup(set, &a) == e);
    CHECK(e->label == label);
    CHECK_STR(e->label, "kept label");
    CHECK_U64(prefix_set_count(set), 50001);
    /* Equal labels are stored once. */
    CHECK(prefix_set_entry(set, 1)->label == prefix_set_entry(set, 1001)->label);
    CHECK_STR(prefix_set_entry(set, 1001)->label, "AS0");
    CHECK_STR(find(set, "20.1.2.3"), "AS258");
    prefix_set_free(set);
}

/* The trie against a linear scan, on random prefixes clustered so that they
 * nest, share branches and repeat. */
static void test_lpm_random(void)
{
    enum { N = 3000, Q = 20000 };
    static struct ip_prefix prefixes[N];
    static char labels[N][16];
    struct prefix_set *set = prefix_set_new();
    for (size_t i = 0; i < N; i++) {
        struct ip_prefix *p = &prefixes[i];
        uint64_t r = rng();
        memset(&p->addr, 0, sizeof(p->addr));
        if (r & 1) { /* IPv4 under 10/8 or 172.16/12 */
            uint8_t v4[4] = {(r & 2) ? 10 : 172, (uint8_t)(r >> 8 & 0x1f), (uint8_t)(r >> 16 & 3),
                             (uint8_t)(r >> 24)};
            addr_from_v4(&p->addr, v4);
            p->len = (uint8_t)(96 + 6 + rng() % 27);
        } else { /* IPv6 under 2001:db8::/32, varying the next 16 bits and 64 bits in */
            p->addr.b[0] = 0x20, p->addr.b[1] = 0x01, p->addr.b[2] = 0x0d, p->addr.b[3] = 0xb8;
            p->addr.b[4] = (uint8_t)(r >> 8 & 3);
            p->addr.b[5] = (uint8_t)(r >> 16);
            p->addr.b[8] = (uint8_t)(r >> 24 & 7);
            p->addr.b[15] = (uint8_t)(r >> 32);
            p->len = (uint8_t)(rng() % 129);
        }
        /* Now and then a prefix that holds all of IPv4, which the IPv4 index
         * must fall back on. */
        static const char *const covers[] = {"::/0",      "::/64",     "::/80",
                                             "0.0.0.0/0", "8.0.0.0/5", "0.0.0.0/1"};
        if (i % 500 == 250)
            *p = pfx(covers[i / 500 % 6]);
        addr_mask(&p->addr, p->len);
        snprintf(labels[i], sizeof(labels[i]), "L%zu", i);
        prefix_set_add(set, p, labels[i], (uint32_t)i);
    }
    int bad = 0;
    for (size_t q = 0; q < Q && !bad; q++) {
        /* Query near a stored prefix, with random low bits. */
        struct ip_addr a = prefixes[rng() % N].addr;
        uint64_t r = rng();
        unsigned from = 96 + (unsigned)(rng() % 32);
        if (!addr_is_v4(&a))
            from = (unsigned)(rng() % 128);
        if (q % 7 == 0) { /* anywhere in IPv4 */
            from = 96;
            addr_from_v4(&a, (const uint8_t[4]){0, 0, 0, 0});
        }
        for (unsigned bit = from; bit < 128; bit++)
            if (r >> (bit % 64) & 1)
                a.b[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
        /* Re-adding a prefix relabels it, so among equal prefixes the last
         * one's label is the expected answer. */
        int found = 0;
        size_t best_i = 0;
        for (size_t i = 0; i < N; i++)
            if (prefix_contains(&prefixes[i], &a) &&
                (!found || prefixes[i].len >= prefixes[best_i].len)) {
                found = 1;
                best_i = i;
            }
        const struct prefix_entry *got = prefix_set_lookup(set, &a);
        if (!found) {
            CHECK(got == NULL);
            bad = got != NULL;
            continue;
        }
        CHECK(got != NULL);
        if (!got) {
            bad = 1;
            continue;
        }
        CHECK_U64(got->prefix.len, prefixes[best_i].len);
        CHECK(addr_compare(&got->prefix.addr, &prefixes[best_i].addr) == 0);
        CHECK_STR(got->label, labels[best_i]);
        bad = check_failed_;
    }
    prefix_set_free(set);
}

/* ---- "CIDR label" lists --------------------------------------------------- */

static void test_list_seed(void)
{
    char path[512], err[512] = "";
    struct prefix_set *set = prefix_set_new();
    CHECK_U64(prefix_set_load_list(set, seed_list(path), err, sizeof(err)), 0);
    CHECK_STR(err, "");
    CHECK_U64(prefix_set_count(set), 6);
    if (prefix_set_count(set) != 6) {
        prefix_set_free(set);
        return;
    }
    CHECK_STR(find(set, "174.129.5.5"), "Amazon Execution Services");
    char buf[PREFIX_TEXT_MAX];
    CHECK_STR(find_prefix(set, "174.129.5.5", buf), "174.129.0.0/16");
    CHECK_STR(find(set, "79.125.1.1"), "Amazon EU AWS Dublin");
    CHECK_STR(find(set, "8.8.8.8"), "-");
    CHECK_STR(find(set, "204.236.255.255"), "Amazon Execution Services");
    CHECK_STR(find(set, "204.237.0.0"), "-");
    CHECK_U64(prefix_set_entry(set, 0)->asn, 0);
    /* Six lines, two distinct labels. */
    CHECK(prefix_set_entry(set, 0)->label == prefix_set_entry(set, 4)->label);
    prefix_set_free(set);
}

static void test_list_syntax(void)
{
    static const char text[] = "# a comment line\r\n"
                               "\r\n"
                               "   \t  \n"
                               "   # indented comment\n"
                               "10.0.0.0/8\tTen  Net   \r\n"
                               "10.1.0.0/16 Inner # trailing comment\n"
                               "10.2.0.0/16 C# and F#\n"
                               "10.3.0.0/16\n"
                               "10.4.0.0/16   # only a comment\n"
                               "192.0.2.1 a host\n"
                               "2001:db8::/32  Doc   six\n"
                               "::ffff:198.51.100.0/120 mapped form\n"
                               "203.0.113.0/24 last line without newline";
    char path[512], err[512];
    struct prefix_set *set = prefix_set_new();
    CHECK_U64(load_list_text(set, text, path, err, sizeof(err)), 0);
    CHECK_STR(err, "");
    CHECK_U64(prefix_set_count(set), 9);
    CHECK_STR(find(set, "10.9.9.9"), "Ten  Net");
    CHECK_STR(find(set, "10.1.9.9"), "Inner");
    CHECK_STR(find(set, "10.2.9.9"), "C# and F#");
    CHECK_STR(find(set, "10.3.9.9"), "");
    CHECK_STR(find(set, "10.4.9.9"), "");
    CHECK_STR(find(set, "192.0.2.1"), "a host");
    CHECK_STR(find(set, "192.0.2.2"), "-");
    CHECK_STR(find(set, "2001:db8:ffff::1"), "Doc   six");
    /* An IPv6 prefix, even inside ::ffff:0:0/96, holds IPv6 addresses only. */
    CHECK_STR(find(set, "198.51.100.77"), "-");
    CHECK_STR(find(set, "::ffff:198.51.100.77"), "mapped form");
    CHECK_STR(find(set, "203.0.113.9"), "last line without newline");
    char buf[PREFIX_TEXT_MAX];
    CHECK_STR(prefix_format(&prefix_set_entry(set, 5)->prefix, buf), "192.0.2.1/32");
    prefix_set_free(set);
    unlink(path);

    /* Compressed lists read the same. */
    set = prefix_set_new();
    CHECK(write_temp_gz(path, text) == 0);
    CHECK_U64(prefix_set_load_list(set, path, err, sizeof(err)), 0);
    CHECK_U64(prefix_set_count(set), 9);
    CHECK_STR(find(set, "10.2.9.9"), "C# and F#");
    prefix_set_free(set);
    unlink(path);

    /* An empty file is an empty list. */
    set = prefix_set_new();
    CHECK_U64(load_list_text(set, "", path, err, sizeof(err)), 0);
    CHECK_U64(prefix_set_count(set), 0);
    prefix_set_free(set);
    unlink(path);
}

static void test_list_errors(void)
{
    CHECK(list_error_is("10.0.0.0/8 ok\n10.0.0.1/8 host bits\n",
                        "2: host bits set past the prefix length"));
    CHECK(list_error_is("# x\n\n10.0.0.0/33\n", "3: prefix length over 32"));
    CHECK(list_error_is("2001:db8::/129 x\n", "1: prefix length over 128"));
    CHECK(list_error_is("amazon 10.0.0.0/8\n", "1: not an address"));
    CHECK(list_error_is("10.0.0.0/8x label\n", "1: prefix length is not a number"));
    CHECK(list_error_is("10.0.0.0/ label\n", "1: prefix length is not a number"));
    CHECK(list_error_is("10.0.0.0/8#c\n", "1: prefix length is not a number"));
    CHECK(list_error_is("/8\n", "1: not an address"));
    CHECK(list_error_is("300.0.0.0/8\n", "1: not an address"));
    CHECK(list_error_is("10.0.0.0/8 x\r\n2001:db8::1/64 x\r\n",
                        "2: host bits set past the prefix length"));
    CHECK(list_error_is("10.0.0.0/8 late\n\n\n\n\n10.0.0.0/-8\n",
                        "6: prefix length is not a number"));

    char path[512], err[512];
    static const char nul[] = "10.0.0.0/8 a\0b\n";
    struct prefix_set *set = prefix_set_new();
    CHECK(write_temp(path, nul, sizeof(nul) - 1) == 0);
    CHECK_U64((uint64_t)(prefix_set_load_list(set, path, err, sizeof(err)) + 1), 0);
    char want[600];
    snprintf(want, sizeof(want), "%s:1: line contains a NUL byte", path);
    CHECK_STR(err, want);
    unlink(path);

    /* A line longer than the reader's limit is refused, not cut. */
    size_t long_len = 10000;
    char *text = malloc(long_len + 32);
    CHECK(text != NULL);
    if (text) {
        strcpy(text, "10.0.0.0/8 ok\n10.1.0.0/16 ");
        size_t n = strlen(text);
        memset(text + n, 'x', long_len);
        strcpy(text + n + long_len, "\n");
        CHECK(list_error_is(text, "2: line longer than 4096 bytes"));
        free(text);
    }

    snprintf(path, sizeof(path), "%s/attrib-no-such-file", work_dir());
    CHECK_U64((uint64_t)(prefix_set_load_list(set, path, err, sizeof(err)) + 1), 0);
    snprintf(want, sizeof(want), "cannot open '%s': No such file or directory", path);
    CHECK_STR(err, want);
    /* A short error buffer truncates, never overflows. */
    char tiny[8];
    CHECK_U64((uint64_t)(prefix_set_load_list(set, path, tiny, sizeof(tiny)) + 1), 0);
    CHECK_STR(tiny, "cannot ");
    prefix_set_free(set);
}

/* ---- ipasn routing tables ------------------------------------------------- */

static const char pfx2as_text[] = "; IP-ASN32-DAT file\n"
                                  "; Prefixes-v4   : 4\n"
                                  "; \n"
                                  "67.202.0.0/18\t14618\n"
                                  "67.202.32.0/24\t64500\n"
                                  "79.125.0.0/18\t39111\n"
                                  "2a00:1018::/32\t31147\n"
                                  "10.0.0.0/8\t4294967295\r\n"
                                  "0.0.0.0/0\t1\n";

static void check_pfx2as_small(const struct prefix_set *set)
{
    CHECK_U64(prefix_set_count(set), 6);
    struct ip_addr a = ip("67.202.1.1");
    const struct prefix_entry *e = prefix_set_lookup(set, &a);
    CHECK(e != NULL);
    if (!e)
        return;
    CHECK_STR(e->label, "AS14618");
    CHECK_U64(e->asn, 14618);
    CHECK_STR(find(set, "67.202.32.1"), "AS64500");
    CHECK_STR(find(set, "79.125.63.255"), "AS39111");
    CHECK_STR(find(set, "2a00:1018::5"), "AS31147");
    CHECK_STR(find(set, "10.1.1.1"), "AS4294967295");
    CHECK_STR(find(set, "8.8.8.8"), "AS1");
    CHECK_STR(find(set, "2a00::"), "-");
}

static void test_pfx2as_plain(void)
{
    char path[512], err[512] = "";
    CHECK(write_temp_str(path, pfx2as_text) == 0);
    struct prefix_set *set = prefix_set_new();
    CHECK_U64(prefix_set_load_pfx2as(set, path, err, sizeof(err)), 0);
    CHECK_STR(err, "");
    check_pfx2as_small(set);
    prefix_set_free(set);
    unlink(path);
}

/* IPv6 routes never place IPv4 addresses, in a table, a dated series or the
 * mmdb fallback behind it. */
static void test_pfx2as_families(void)
{
    static const char text[] = "::/0\t64501\n"
                               "::/1\t64502\n"
                               "::ffff:0:0/96\t64503\n"
                               "192.0.2.0/24\t64504\n";
    char path[512], err[512] = "";
    CHECK(write_temp_str(path, text) == 0);
    struct prefix_set *set = prefix_set_new();
    CHECK_U64(prefix_set_load_pfx2as(set, path, err, sizeof(err)), 0);
    unlink(path);
    CHECK_STR(find(set, "192.0.2.1"), "AS64504");
    CHECK_STR(find(set, "8.8.8.8"), "-");
    CHECK_STR(find(set, "::ffff:8.8.8.8"), "AS64503");
    CHECK_STR(find(set, "2001:db8::1"), "AS64502");
    CHECK_STR(find(set, "8000::1"), "AS64501");

    struct snapshot_series routing;
    snapshot_series_init(&routing);
    CHECK(snapshot_series_add(&routing, set, "v6.dat", "pfx2as", SNAPSHOT_UNDATED, err,
                              sizeof(err)) == 0);
    struct origin_sources src = {&routing, NULL, NULL};
    struct origin o;
    struct ip_addr a = ip("8.8.8.8");
    CHECK(!origin_lookup(&src, &a, 0, &o));
    a = ip("::ffff:8.8.8.8");
    CHECK(origin_lookup(&src, &a, 0, &o) && o.asn == 64503);

    /* The mmdb answers where no route does, for IPv4 too: a short IPv6 network
     * it gave first must not stand for the IPv4 addresses asked after. */
    char buf[512];
    const char *db_path = shared_file(buf, "prefixes/GeoLite2-ASN-Test.mmdb");
    if (db_path) {
        src.mmdb = mmdb_source_open(db_path, err, sizeof(err));
        CHECK(src.mmdb != NULL);
        static const char *const v6_first[] = {"100::1", "8000::1", "::1", "::ffff:8.8.8.8"};
        for (size_t i = 0; i < sizeof(v6_first) / sizeof(v6_first[0]); i++) {
            a = ip(v6_first[i]);
            mmdb_source_lookup(src.mmdb, &a);
        }
        a = ip("1.128.0.1");
        CHECK(origin_lookup(&src, &a, 0, &o));
        CHECK_U64(o.asn, 1221);
        if (o.entry) {
            char pbuf[PREFIX_TEXT_MAX];
            CHECK(addr_is_v4(&o.entry->prefix.addr));
            CHECK(strchr(prefix_format(&o.entry->prefix, pbuf), ':') == NULL);
        }
        mmdb_source_free(src.mmdb);
    }
    snapshot_series_release(&routing);
}

static void test_pfx2as_gzip(void)
{
    char path[512], err[512] = "";
    CHECK(write_temp_gz(path, pfx2as_text) == 0);
    struct prefix_set *set = prefix_set_new();
    CHECK_U64(prefix_set_load_pfx2as(set, path, err, sizeof(err)), 0);
    CHECK_STR(err, "");
    check_pfx2as_small(set);
    prefix_set_free(set);
    unlink(path);

    /* A gzip file cut short is a read error, not a silently short table. */
    CHECK(write_temp_gz(path, pfx2as_text) == 0);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (!f)
        return;
    char bytes[4096];
    size_t n = fread(bytes, 1, sizeof(bytes), f);
    fclose(f);
    unlink(path);
    CHECK(write_temp(path, bytes, n - 12) == 0);
    set = prefix_set_new();
    CHECK_U64((uint64_t)(prefix_set_load_pfx2as(set, path, err, sizeof(err)) + 1), 0);
    char want[600];
    snprintf(want, sizeof(want), "%s:", path);
    CHECK(strncmp(err, want, strlen(want)) == 0);
    CHECK(strstr(err, "read error") != NULL);
    prefix_set_free(set);
    unlink(path);
}

static void test_pfx2as_errors(void)
{
    static const char as_reason[] = "AS number is not a decimal in 1..4294967295";
    char want[128];
    snprintf(want, sizeof(want), "2: %s", as_reason);
    CHECK(pfx2as_error_is("; c\n1.0.0.0/24\t{1,2}\n", want));
    CHECK(pfx2as_error_is("; c\n1.0.0.0/24\t1_2\n", want));
    CHECK(pfx2as_error_is("; c\n1.0.0.0/24\tAS15169\n", want));
    CHECK(pfx2as_error_is("; c\n1.0.0.0/24\t0\n", want));
    CHECK(pfx2as_error_is("; c\n1.0.0.0/24\t4294967296\n", want));
    CHECK(pfx2as_error_is("; c\n1.0.0.0/24\t\n", want));
    CHECK(pfx2as_error_is("; c\n1.0.0.0/24\t15169 \n", want));
    CHECK(pfx2as_error_is("; c\n1.0.0.0/24\t-1\n", want));
    CHECK(
        pfx2as_error_is("1.0.0.0/24\t15169\n1.0.0.0/24 15169\n", "2: expected prefix/len<TAB>asn"));
    CHECK(pfx2as_error_is("1.0.0.0\t15169\n", "1: missing prefix length"));
    CHECK(pfx2as_error_is("1.0.0.1/24\t15169\n", "1: host bits set past the prefix length"));
    CHECK(pfx2as_error_is("1.0.0.0/33\t15169\n", "1: prefix length over 32"));
    CHECK(pfx2as_error_is("2001:db8::/129\t15169\n", "1: prefix length over 128"));
    CHECK(pfx2as_error_is("x/8\t15169\n", "1: not an address"));
    CHECK(pfx2as_error_is("1.0.0.0/24\t15169\n\n", "2: empty line"));
    CHECK(pfx2as_error_is(" ; indented\n", "1: expected prefix/len<TAB>asn"));
}

/* ---- the real routing tables ---------------------------------------------- */

static struct prefix_set *load_shared(const char *name, const char **skip)
{
    char buf[512], err[1024];
    const char *path = shared_file(buf, name);
    if (!path) {
        *skip = "../shared/data/routing absent";
        return NULL;
    }
    struct prefix_set *set = prefix_set_new();
    if (prefix_set_load_pfx2as(set, path, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        prefix_set_free(set);
        return NULL;
    }
    return set;
}

static void expect_origin(const struct prefix_set *set, const char *addr, const char *prefix,
                          uint32_t asn)
{
    char buf[PREFIX_TEXT_MAX];
    struct ip_addr a = ip(addr);
    const struct prefix_entry *e = prefix_set_lookup(set, &a);
    CHECK(e != NULL);
    if (!e)
        return;
    CHECK_STR(prefix_format(&e->prefix, buf), prefix);
    CHECK_U64(e->asn, asn);
}

static void test_real_2008(void)
{
    const char *skip = NULL;
    struct prefix_set *set = load_shared("routing/ipasn_20080501_v12.dat.gz", &skip);
    if (skip) {
        SKIP(skip);
        return;
    }
    CHECK(set != NULL);
    if (!set)
        return;
    CHECK_U64(prefix_set_count(set), 270849);
    expect_origin(set, "67.202.0.1", "67.202.0.0/18", 14618);
    expect_origin(set, "67.202.63.255", "67.202.0.0/18", 14618);
    expect_origin(set, "72.44.32.9", "72.44.32.0/19", 14618);
    expect_origin(set, "75.101.200.1", "75.101.128.0/17", 14618);
    expect_origin(set, "79.125.1.1", "79.125.0.0/18", 39111);
    CHECK_STR(find(set, "67.202.64.1"), "AS32748");
    /* 174.129.0.0/16 is not routed yet in 2008, nor covered by anything. */
    struct ip_addr a = ip("174.129.5.5");
    CHECK(prefix_set_lookup(set, &a) == NULL);
    CHECK_STR(find(set, "174.129.0.0"), "-");
    prefix_set_free(set);
}

static void test_real_2014(void)
{
    const char *skip = NULL;
    struct prefix_set *set = load_shared("routing/ipasn_20140513.dat.gz", &skip);
    if (skip) {
        SKIP(skip);
        return;
    }
    CHECK(set != NULL);
    if (!set)
        return;
    CHECK_U64(prefix_set_count(set), 512621);
    expect_origin(set, "174.129.5.5", "174.129.0.0/16", 14618);
    CHECK_STR(find(set, "1.0.0.1"), "AS15169");
    prefix_set_free(set);
}

static void test_real_2015(void)
{
    const char *skip = NULL;
    double t0 = now_seconds();
    struct prefix_set *set = load_shared("routing/ipasn6_20151101.dat.gz", &skip);
    double load = now_seconds() - t0;
    if (skip) {
        SKIP(skip);
        return;
    }
    CHECK(set != NULL);
    if (!set)
        return;
    size_t v4 = 0, v6 = 0;
    for (size_t i = 0; i < prefix_set_count(set); i++) {
        if (addr_is_v4(&prefix_set_entry(set, i)->prefix.addr))
            v4++;
        else
            v6++;
    }
    CHECK_U64(v4, 606138);
    CHECK_U64(v6, 27693);
    /* Lines of the file: "2a00:1018::/32<TAB>31147", "2001:4860::/32<TAB>15169" and
     * "2001:4860:4805::/48<TAB>43515". */
    expect_origin(set, "2a00:1018:8000::1", "2a00:1018::/32", 31147);
    expect_origin(set, "2001:4860:4860::8888", "2001:4860::/32", 15169);
    expect_origin(set, "2001:4860:4805::1", "2001:4860:4805::/48", 43515);
    expect_origin(set, "1.0.4.1", "1.0.4.0/24", 56203);
    CHECK_STR(find(set, "fe80::1"), "-");

    /* Lookup rates: addresses inside the table's IPv4 and IPv6 prefixes (the
     * IPv6 ones each descend the trie to a leaf), then random IPv4 addresses. */
    enum { Q = 2000000 };
    struct ip_addr *queries = malloc(sizeof(*queries) * Q);
    CHECK(queries != NULL);
    if (!queries) {
        prefix_set_free(set);
        return;
    }
    double rate[3];
    size_t hits[3];
    for (int kind = 0; kind < 3; kind++) {
        size_t n = prefix_set_count(set);
        for (size_t q = 0; q < Q; q++) {
            if (kind == 2) {
                uint32_t r = (uint32_t)rng();
                uint8_t quad[4] = {(uint8_t)(r >> 24), (uint8_t)(r >> 16), (uint8_t)(r >> 8),
                                   (uint8_t)r};
                addr_from_v4(&queries[q], quad);
                continue;
            }
            const struct prefix_entry *e;
            do
                e = prefix_set_entry(set, rng() % n);
            while (addr_is_v4(&e->prefix.addr) != (kind == 0));
            queries[q] = e->prefix.addr;
            uint64_t r = rng();
            for (unsigned bit = e->prefix.len; bit < 128; bit++)
                if (r >> (bit % 64) & 1)
                    queries[q].b[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
        }
        hits[kind] = 0;
        double t1 = now_seconds();
        for (size_t q = 0; q < Q; q++)
            hits[kind] += prefix_set_lookup(set, &queries[q]) != NULL;
        rate[kind] = Q / (now_seconds() - t1);
    }
    CHECK_U64(hits[0], Q);
    CHECK_U64(hits[1], Q);
    fprintf(stderr,
            "ipasn6_20151101: %zu + %zu prefixes loaded in %.3f s; lookups: %.1f M/s inside "
            "IPv4 prefixes, %.1f M/s inside IPv6 prefixes, %.1f M/s random IPv4 (%.1f%% "
            "routed)\n",
            v4, v6, load, rate[0] / 1e6, rate[1] / 1e6, rate[2] / 1e6, 100.0 * (double)hits[2] / Q);
    free(queries);
    prefix_set_free(set);
}

/* ---- groups --------------------------------------------------------------- */

static void test_group_file(void)
{
    char seed[512], spec[600], err[512] = "";
    snprintf(spec, sizeof(spec), "aws=%s", seed_list(seed));
    struct group g;
    CHECK_U64(group_parse(&g, spec, err, sizeof(err)), 0);
    CHECK_STR(err, "");
    CHECK_STR(g.name, "aws");
    CHECK_U64(g.kind, GROUP_PREFIXES);
    CHECK_STR(g.source, seed);
    CHECK(g.prefixes != NULL);
    struct ip_addr a = ip("174.129.5.5");
    struct group_match m = {NULL};
    CHECK(group_match(&g, NULL, &a, &m));
    CHECK(m.entry != NULL);
    if (m.entry)
        CHECK_STR(m.entry->label, "Amazon Execution Services");
    a = ip("8.8.8.8");
    m.entry = (const struct prefix_entry *)&m;
    CHECK(!group_match(&g, NULL, &a, &m));
    CHECK(m.entry == NULL);
    CHECK(!group_match(&g, NULL, &a, NULL));
    group_release(&g);
    CHECK(g.name == NULL && g.prefixes == NULL);
    group_release(&g);
}

static void test_group_asns(void)
{
    char path[512], err[512] = "";
    CHECK(write_temp_str(path, pfx2as_text) == 0);
    struct prefix_set *routing = prefix_set_new();
    CHECK_U64(prefix_set_load_pfx2as(routing, path, err, sizeof(err)), 0);
    unlink(path);

    struct group g;
    CHECK_U64(group_parse(&g, "amazon=AS16509,AS14618,14618,as16509", err, sizeof(err)), 0);
    CHECK_STR(g.name, "amazon");
    CHECK_U64(g.kind, GROUP_ASNS);
    CHECK_STR(g.source, "AS16509,AS14618,14618,as16509");
    CHECK_U64(g.asn_count, 2);
    CHECK_U64(g.asns[0], 14618);
    CHECK_U64(g.asns[1], 16509);

    struct group_match m;
    struct ip_addr a = ip("67.202.1.1");
    CHECK(group_match(&g, routing, &a, &m));
    CHECK(m.entry != NULL);
    if (m.entry)
        CHECK_U64(m.entry->asn, 14618);
    /* The more specific route of another AS wins. */
    a = ip("67.202.32.1");
    CHECK(!group_match(&g, routing, &a, &m));
    CHECK(m.entry == NULL);
    a = ip("79.125.1.1");
    CHECK(!group_match(&g, routing, &a, &m));
    a = ip("67.202.1.1");
    CHECK(!group_match(&g, NULL, &a, &m));
    group_release(&g);

    CHECK_U64(group_parse(&g, "eu=39111", err, sizeof(err)), 0);
    CHECK_U64(g.asn_count, 1);
    a = ip("79.125.1.1");
    CHECK(group_match(&g, routing, &a, &m));
    group_release(&g);

    group_init_any(&g);
    CHECK_STR(g.name, "any");
    CHECK_U64(g.kind, GROUP_ANY);
    CHECK(group_match(&g, NULL, &a, &m));
    CHECK(m.entry == NULL);
    a = ip("2001:db8::1");
    CHECK(group_match(&g, routing, &a, &m));
    group_release(&g);
    prefix_set_free(routing);
}

static int group_error_is(const char *spec, const char *want)
{
    struct group g;
    char err[512] = "";
    int rc = group_parse(&g, spec, err, sizeof(err));
    int ok = rc == -1 && strcmp(err, want) == 0 && g.name == NULL && g.prefixes == NULL &&
             g.asns == NULL;
    if (!ok)
        fprintf(stderr, "group '%s': got rc %d \"%s\", want \"%s\"\n", spec, rc, err, want);
    group_release(&g);
    return ok;
}

static void test_group_errors(void)
{
    CHECK(group_error_is("aws", "bad group 'aws': want NAME=FILE or NAME=AS<n>[,AS<n>...]"));
    CHECK(group_error_is("=AS1", "bad group name '': want 1 to 32 of A-Z a-z 0-9 '_' '.' '-'"));
    CHECK(
        group_error_is("a b=AS1", "bad group name 'a b': want 1 to 32 of A-Z a-z 0-9 '_' '.' '-'"));
    CHECK(
        group_error_is("a/b=AS1", "bad group name 'a/b': want 1 to 32 of A-Z a-z 0-9 '_' '.' '-'"));
    CHECK(group_error_is("abcdefghijabcdefghijabcdefghijabc=AS1",
                         "bad group name 'abcdefghijabcdefghijabcdefghijabc': want 1 to 32 of "
                         "A-Z a-z 0-9 '_' '.' '-'"));
    CHECK(group_error_is("x=", "group 'x': nothing after '='"));
    CHECK(group_error_is("x=AS0", "group 'x': bad AS number 'AS0' (want AS<n> or <n>, n > 0)"));
    CHECK(group_error_is("x=AS1,,AS2", "group 'x': bad AS number '' (want AS<n> or <n>, n > 0)"));
    CHECK(group_error_is("x=AS1,", "group 'x': bad AS number '' (want AS<n> or <n>, n > 0)"));
    CHECK(group_error_is("x=AS", "group 'x': bad AS number 'AS' (want AS<n> or <n>, n > 0)"));
    CHECK(group_error_is("x=SA1", "cannot open 'SA1': No such file or directory"));
    CHECK(group_error_is("x=4294967296",
                         "group 'x': bad AS number '4294967296' (want AS<n> or <n>, n > 0)"));
    CHECK(group_error_is("x=/nonexistent/list.txt",
                         "cannot open '/nonexistent/list.txt': No such file or directory"));

    /* A name of exactly 32 characters is fine, and a bad list line is
     * reported with its file and line. */
    struct group g;
    char err[512];
    CHECK_U64(group_parse(&g, "abcdefghijabcdefghijabcdefghij.-=AS4294967295", err, sizeof(err)),
              0);
    CHECK_U64(g.asns[0], 4294967295u);
    group_release(&g);
    char path[512], spec[600], want[600];
    CHECK(write_temp_str(path, "10.0.0.0/8 ok\n10.0.0.1/8 bad\n") == 0);
    snprintf(spec, sizeof(spec), "bad=%s", path);
    snprintf(want, sizeof(want), "%s:2: host bits set past the prefix length", path);
    CHECK(group_error_is(spec, want));
    unlink(path);
}

/* Whether a's first len bits are b's, a bit at a time. */
static bool same_bits(const struct ip_addr *a, const struct ip_addr *b, unsigned len)
{
    for (unsigned i = 0; i < len; i++) {
        unsigned bit = 7 - i % 8;
        if (((a->b[i / 8] >> bit) & 1) != ((b->b[i / 8] >> bit) & 1))
            return false;
    }
    return true;
}

/*
 * prefix_contains() at every length 0 to 128, against the bits one by one:
 * addresses equal to the prefix up to one bit before, at and after its
 * length, in both families.
 */
static void test_prefix_contains_every_length(void)
{
    uint64_t x = 0x243f6a8885a308d3u;
    size_t checked = 0;
    for (unsigned len = 0; len <= 128; len++) {
        for (int round = 0; round < 40; round++) {
            struct ip_addr base;
            memset(&base, 0, sizeof(base));
            for (int i = 0; i < 16; i++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                base.b[i] = (uint8_t)x;
            }
            bool v4 = len >= 96 && round % 2 == 0;
            if (v4) {
                uint8_t q[4] = {base.b[12], base.b[13], base.b[14], base.b[15]};
                addr_from_v4(&base, q);
            } else if (addr_is_v4(&base)) {
                base.b[0] = 0x20;
            }
            struct ip_prefix prefix = {base, (uint8_t)len};
            addr_mask(&prefix.addr, len);
            for (int flip = -1; flip <= 2; flip++) {
                struct ip_addr a = base;
                int at = (int)len - 1 + flip; /* the bit before, at and after the length */
                if (flip >= 0 && at >= 0 && at < 128 && !(v4 && at < 96))
                    a.b[at / 8] ^= (uint8_t)(0x80u >> (at % 8));
                bool want =
                    addr_is_v4(&a) == addr_is_v4(&prefix.addr) && same_bits(&a, &prefix.addr, len);
                CHECK(prefix_contains(&prefix, &a) == want);
                checked++;
            }
        }
    }
    CHECK_U64(checked, 129 * 40 * 4);
}

int main(void)
{
    RUN(test_prefix_contains_every_length);
    RUN(test_lpm_nesting);
    RUN(test_lpm_siblings);
    RUN(test_lpm_edges);
    RUN(test_lpm_families);
    RUN(test_addr_families);
    RUN(test_relabel);
    RUN(test_labels_stable);
    RUN(test_lpm_random);
    RUN(test_list_seed);
    RUN(test_list_syntax);
    RUN(test_list_errors);
    RUN(test_pfx2as_plain);
    RUN(test_pfx2as_families);
    RUN(test_pfx2as_gzip);
    RUN(test_pfx2as_errors);
    RUN(test_real_2008);
    RUN(test_real_2014);
    RUN(test_real_2015);
    RUN(test_group_file);
    RUN(test_group_asns);
    RUN(test_group_errors);
    CHECK_EXIT();
}
