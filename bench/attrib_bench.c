/*
 * attrib_bench: how fast the attribution stage loads a routing table and
 * answers longest-prefix matches. Prints, never asserts:
 *
 *   build/bench/attrib_bench [ipasn-file]
 *
 * (default ../shared/data/routing/ipasn6_20151101.dat.gz, the largest table
 * of the reference data: 606k IPv4 + 28k IPv6 prefixes). Load time is the
 * best of three; lookup rates are for addresses inside random IPv4 and IPv6
 * prefixes of the table, for random IPv4 addresses, and for a honeypot-like
 * stream where addresses repeat (each drawn from 10,000 sources).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/attrib/attrib.h"

#define QUERIES 4000000

static double now(void)
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

/* An address inside a random prefix of the wanted family. */
static struct ip_addr inside(const struct prefix_set *set, bool v4)
{
    size_t n = prefix_set_count(set);
    const struct prefix_entry *e;
    do
        e = prefix_set_entry(set, rng() % n);
    while (addr_is_v4(&e->prefix.addr) != v4);
    struct ip_addr a = e->prefix.addr;
    uint64_t r = rng();
    for (unsigned bit = e->prefix.len; bit < 128; bit++)
        if (r >> (bit % 64) & 1)
            a.b[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
    return a;
}

static struct ip_addr random_v4(void)
{
    uint32_t r = (uint32_t)rng();
    uint8_t quad[4] = {(uint8_t)(r >> 24), (uint8_t)(r >> 16), (uint8_t)(r >> 8), (uint8_t)r};
    struct ip_addr a;
    addr_from_v4(&a, quad);
    return a;
}

/* Lookups per second over q, and how many found a prefix (and read it). */
static double rate(const struct prefix_set *set, const struct ip_addr *q, size_t n, size_t *hits)
{
    double best = 0;
    for (int run = 0; run < 3; run++) {
        size_t h = 0;
        uint64_t asn_sum = 0;
        double t0 = now();
        for (size_t i = 0; i < n; i++) {
            const struct prefix_entry *e = prefix_set_lookup(set, &q[i]);
            if (e) {
                h++;
                asn_sum += e->asn;
            }
        }
        double r = (double)n / (now() - t0);
        if (r > best)
            best = r;
        *hits = h + (asn_sum == 1); /* keeps the reads */
    }
    return best;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "../shared/data/routing/ipasn6_20151101.dat.gz";
    char err[1024];
    struct prefix_set *set = NULL;
    double load = 1e9;
    for (int run = 0; run < 3; run++) {
        prefix_set_free(set);
        set = prefix_set_new();
        double t0 = now();
        if (prefix_set_load_pfx2as(set, path, err, sizeof(err)) < 0) {
            fprintf(stderr, "attrib_bench: %s\n", err);
            prefix_set_free(set);
            return 1;
        }
        double t = now() - t0;
        if (t < load)
            load = t;
    }
    size_t v4 = 0, v6 = 0;
    for (size_t i = 0; i < prefix_set_count(set); i++) {
        if (addr_is_v4(&prefix_set_entry(set, i)->prefix.addr))
            v4++;
        else
            v6++;
    }
    printf("table      %s: %zu IPv4 + %zu IPv6 prefixes\n", path, v4, v6);
    printf("load       %.3f s (best of 3)\n", load);

    struct ip_addr *q = malloc(sizeof(*q) * QUERIES);
    struct ip_addr *pool = malloc(sizeof(*pool) * 10000);
    if (!q || !pool)
        return 1;
    static const char *const names[] = {"inside IPv4 prefixes", "inside IPv6 prefixes",
                                        "random IPv4", "10k repeating sources"};
    for (int kind = 0; kind < 4; kind++) {
        if ((kind == 0 && v4 == 0) || (kind == 1 && v6 == 0))
            continue;
        if (kind == 3)
            for (size_t i = 0; i < 10000; i++)
                pool[i] = i % 4 ? random_v4() : inside(set, true);
        for (size_t i = 0; i < QUERIES; i++)
            q[i] = kind == 0   ? inside(set, true)
                   : kind == 1 ? inside(set, false)
                   : kind == 2 ? random_v4()
                               : pool[rng() % 10000];
        size_t hits;
        double r = rate(set, q, QUERIES, &hits);
        printf("lookups    %5.1f M/s  %-24s (%.1f%% found)\n", r / 1e6, names[kind],
               100.0 * (double)hits / QUERIES);
    }
    free(q);
    free(pool);
    prefix_set_free(set);
    return 0;
}
