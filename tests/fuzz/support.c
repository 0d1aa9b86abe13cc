/*
 * Helpers shared by the fuzz targets (see fuzz.h): the in-memory file that
 * the path-taking targets read their input from, and the longest-prefix-match
 * check of a loaded prefix set.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

#include "../../src/attrib/attrib.h"

const char *fuzz_file(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];

    if (fd < 0) {
        fd = memfd_create("honeyscope-fuzz", 0);
        if (fd < 0) {
            fprintf(stderr, "memfd_create: %s\n", strerror(errno));
            abort();
        }
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) < 0) {
        fprintf(stderr, "ftruncate: %s\n", strerror(errno));
        abort();
    }
    size_t done = 0;
    while (done < size) {
        ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
        if (n <= 0) {
            fprintf(stderr, "pwrite: %s\n", n < 0 ? strerror(errno) : "no progress");
            abort();
        }
        done += (size_t)n;
    }
    return path;
}

/* The longest prefix of set containing addr, by trying every entry. */
static const struct prefix_entry *brute_lookup(const struct prefix_set *set,
                                               const struct ip_addr *addr)
{
    const struct prefix_entry *best = NULL;
    for (size_t i = 0; i < prefix_set_count(set); i++) {
        const struct prefix_entry *e = prefix_set_entry(set, i);
        if (prefix_contains(&e->prefix, addr) && (!best || e->prefix.len > best->prefix.len))
            best = e;
    }
    return best;
}

static void check_lookup(const struct prefix_set *set, const struct ip_addr *addr, bool brute)
{
    const struct prefix_entry *got = prefix_set_lookup(set, addr);
    if (got) {
        FUZZ_CHECK(prefix_contains(&got->prefix, addr));
        FUZZ_CHECK(got->label != NULL);
    }
    if (brute) {
        const struct prefix_entry *want = brute_lookup(set, addr);
        FUZZ_CHECK((got == NULL) == (want == NULL));
        if (got)
            FUZZ_CHECK(got->prefix.len == want->prefix.len);
    }
}

void fuzz_check_prefix_set(const struct prefix_set *set, const uint8_t *data, size_t size)
{
    static const char *const fixed[] = {
        "0.0.0.0",      "255.255.255.255", "10.1.2.3",   "192.0.2.10",
        "198.51.100.7", "203.0.113.1",     "::",         "::1",
        "2001:db8::10", "2001:db8:1::20",  "::ffff:0:0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    };
    size_t count = prefix_set_count(set);
    /* Every brute-force lookup costs one pass over the set: keep them few. */
    bool brute = count <= 4096;
    struct ip_addr addr;

    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        FUZZ_CHECK(addr_parse(&addr, fixed[i]) == 0);
        check_lookup(set, &addr, brute);
    }
    /* Addresses made of the input's own bytes, as IPv4 and as IPv6. */
    for (size_t off = 0; off + 16 <= size && off < 64; off += 16) {
        addr_from_v4(&addr, data + off);
        check_lookup(set, &addr, brute);
        addr_from_v6(&addr, data + off);
        check_lookup(set, &addr, brute);
    }
    /* Each prefix finds itself or a longer one, and so do its edges. */
    for (size_t i = 0; i < count && i < 256; i++) {
        const struct prefix_entry *e = prefix_set_entry(set, i);
        FUZZ_CHECK(e != NULL && e->label != NULL);
        const struct prefix_entry *got = prefix_set_lookup(set, &e->prefix.addr);
        FUZZ_CHECK(got != NULL && got->prefix.len >= e->prefix.len);
        FUZZ_CHECK(prefix_contains(&got->prefix, &e->prefix.addr));
        struct ip_addr last = e->prefix.addr;
        for (unsigned bit = e->prefix.len; bit < 128; bit++)
            last.b[bit >> 3] |= (uint8_t)(0x80u >> (bit & 7));
        check_lookup(set, &last, brute && i < 16);
    }
    FUZZ_CHECK(prefix_set_entry(set, count) == NULL);
}
