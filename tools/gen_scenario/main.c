/*
 * gen_scenario: writes a deterministic set of honeypot packet captures and the
 * exact figures honeyscope must report for them (truth.json).
 *
 *   gen_scenario --scenario seed|basic --out DIR [--seed N] [--scale X]
 *   gen_scenario --scenario flood --out DIR [--seed N] [--sources N] [--packets P]
 *
 * The truth is the generator's own knowledge of every conversation it writes
 * (who started it, its service, its category as docs/semantics.md defines
 * them), tallied while each packet is emitted. Nothing is parsed back and no
 * code of src/ is used, so the figures check the pipeline independently.
 *
 * Model of scenario "seed" (the 2009 AWS study, with 2008 for comparison):
 *   - a Windows honeypot 192.0.2.10 on Ethernet, captured 2008-02-01 to
 *     2009-12-11, one capture file per calendar month in varied formats;
 *   - during a few infection periods the bot on the sensor sends spam (SMTP),
 *     resolves names on AWS-hosted DNS servers, sweeps AWS ranges with ICMP
 *     echo and downloads malware over HTTP; the remotes answer;
 *   - every day scanners inside AWS (whose addresses churn, as EC2 addresses
 *     change at every boot) and outside it probe the sensor: TCP 445 and 139
 *     get a short SMB exchange, closed ports a RST, UDP probes no answer,
 *     echo requests a reply; on a few burst days the AWS scan volume jumps;
 *   - ARP frames and LAN broadcasts between other hosts are mixed in.
 * Scenario "basic" is seventeen hand-placed flows (65 packets) covering every
 * link type (Ethernet with an 802.1Q frame, Linux SLL, raw IP), file format,
 * address family, flow-start rule (SYN, SYN+ACK first, mid-stream), an ICMP
 * error, an IPv4 fragment pair, a snap-length cut and the bad-packet classes.
 * Scenario "flood" is telescope scale: one day of a darknet /24 receiving
 * scans and a spoofed SYN flood from N sources, streamed to one file in
 * constant memory (see its section below).
 *
 * truth.json holds, beyond the report's figures, the calendar (infections,
 * bursts and their factors), the initiator counts, the URLs downloaded per
 * group and, for "basic", every flow's expected key, initiator and tallies.
 *
 * Constraints kept so the truth is unambiguous: no flow has an idle gap near
 * a timeout, lasts more than a few minutes, crosses a day or file boundary,
 * or shares its 5-tuple with another flow of the same day. Days are UTC.
 *
 * Output is byte-identical for identical arguments: one xoshiro256** stream
 * seeded from --seed drives everything (a second stream, independent of
 * --scale, draws the calendar: infection periods and burst days). Packets are
 * generated one day at a time, sorted by time and streamed to the file, so
 * memory is bounded by one day of traffic whatever the scale.
 *
 * The files, by concern, each calling only files listed before it (gen_int.h
 * declares what they share):
 *   util.c          errors, memory, byte stores, PRNG, calendar, addresses
 *   writer.c        capture files: pcap (us, ns), pcap+gzip, pcapng
 *   aws_blocks.c    the seed's AWS blocks; remote addresses in or out of them
 *   flow.c          flows, their categories and tallies; the day's queue
 *   packet.c        link, IP, TCP, UDP and ICMP headers; payloads
 *   seed_traffic.c  seed scenario: one function per kind of conversation
 *   seed.c          seed scenario: calendar, daily volumes, monthly files
 *   basic.c         basic scenario: the hand-placed flows
 *   truth.c         truth.json of the seed and basic scenarios
 *   flood.c         flood scenario: packets and truth in constant memory
 *   main.c          options, and the run of the seed and basic scenarios
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "gen_int.h"

/* ---- command line ---------------------------------------------------------- */

static void usage(FILE *to)
{
    fputs("usage: gen_scenario --scenario seed|basic --out DIR [--seed N] [--scale X]\n"
          "       gen_scenario --scenario flood --out DIR [--seed N] [--sources N] [--packets P]\n"
          "\n"
          "Writes deterministic honeypot captures to DIR with truth.json, the exact\n"
          "figures honeyscope must report for them, and DIR/groups/*.txt.\n"
          "  --scenario seed   2008-02-01..2009-12-11, one file per month, AWS study\n"
          "  --scenario basic  17 hand-checkable flows, every format and link type\n"
          "  --seed N          PRNG seed (default 1); same arguments, same bytes\n"
          "  --scale X         traffic volume factor for seed (default 1: ~60k packets;\n"
          "                    packet count grows linearly with X)\n"
          "  --scenario flood  one day of a darknet telescope (198.51.100.0/24 and\n"
          "                    2001:db8:64::/64): SYN scans and a spoofed SYN flood, some\n"
          "                    UDP and echo requests, one flow per packet, in flood.pcap\n"
          "  --sources N       distinct remote addresses of flood (default 1000000)\n"
          "  --packets P       packets of flood (default N); sources repeat in turn\n",
          to);
}

static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        fprintf(stderr, "gen_scenario: option '%s' needs a value\n", name);
        usage(stderr);
        exit(2);
    }
    return argv[++*i];
}

/* A count of at least 1; false after saying why. */
static bool parse_count(const char *v, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || end == v || *end || n == 0 || v[0] == '-') {
        fprintf(stderr, "gen_scenario: bad count '%s'\n", v);
        return false;
    }
    *out = n;
    return true;
}

int main(int argc, char **argv)
{
    const char *scenario = NULL, *out = NULL;
    uint64_t seed = 1, sources = 0, packets = 0;
    double scale = 1;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if ((v = opt_value(argc, argv, &i, "--scenario"))) {
            scenario = v;
        } else if ((v = opt_value(argc, argv, &i, "--out"))) {
            out = v;
        } else if ((v = opt_value(argc, argv, &i, "--seed"))) {
            char *end;
            errno = 0;
            seed = strtoull(v, &end, 10);
            if (errno || end == v || *end) {
                fprintf(stderr, "gen_scenario: bad seed '%s'\n", v);
                return 2;
            }
        } else if ((v = opt_value(argc, argv, &i, "--sources"))) {
            if (!parse_count(v, &sources))
                return 2;
        } else if ((v = opt_value(argc, argv, &i, "--packets"))) {
            if (!parse_count(v, &packets))
                return 2;
        } else if ((v = opt_value(argc, argv, &i, "--scale"))) {
            char *end;
            scale = strtod(v, &end);
            if (end == v || *end || !(scale > 0) || scale > 100000) {
                fprintf(stderr, "gen_scenario: bad scale '%s'\n", v);
                return 2;
            }
        } else {
            fprintf(stderr, "gen_scenario: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (!scenario || !out ||
        (strcmp(scenario, "seed") != 0 && strcmp(scenario, "basic") != 0 &&
         strcmp(scenario, "flood") != 0)) {
        usage(stderr);
        return 2;
    }
    if (strcmp(scenario, "flood") == 0) {
        run_flood(out, seed, sources ? sources : 1000000, packets);
        return 0;
    }
    if (sources || packets) {
        fputs("gen_scenario: --sources and --packets apply to --scenario flood only\n", stderr);
        return 2;
    }

    static struct gen g; /* large: keep it off the stack */
    g.scenario = strcmp(scenario, "seed") == 0 ? 0 : 1;
    g.seed = seed;
    g.scale = scale;
    g.dir = out;
    rng_seed(&g.rng, seed);
    rng_seed(&g.cal, seed ^ 0xCA1E0DA5u);
    aws_blocks_announce();
    g.sensor4 = ra4(v4(192, 0, 2, 10));
    g.sensor6 = ra6("2001:db8::10");
    g.sensor_ipid = (uint16_t)rng_next(&g.rng);
    g.eph = 1025;
    int64_t to;
    if (g.scenario == 0) {
        g.day0 = days_from_civil(2008, 2, 1);
        to = days_from_civil(2009, 12, 11);
    } else {
        g.day0 = days_from_civil(2009, 3, 10);
        to = g.day0;
    }
    g.ndays = (size_t)(to - g.day0 + 1);
    for (int i = 0; i < NGROUP; i++) {
        g.grp[i].name = i == 1 ? "any" : g.scenario == 0 ? "aws" : "basic";
        g.grp[i].series = xcalloc(g.ndays, sizeof *g.grp[i].series);
        g.grp[i].urls = json_object();
    }
    g.files = json_array();

    make_dir(out);
    char path[4096];
    snprintf(path, sizeof path, "%s/groups", out);
    make_dir(path);
    snprintf(path, sizeof path, "%s/groups/aws-2009.txt", out);
    write_text(path, AWS_LIST);
    if (g.scenario == 1) {
        snprintf(path, sizeof path, "%s/groups/basic.txt", out);
        write_text(path, BASIC_LIST);
    }

    fprintf(stderr, "gen_scenario: scenario %s, seed %" PRIu64 ", scale %g -> %s\n", scenario, seed,
            scale, out);
    json_t *truth = json_object();
    if (g.scenario == 0)
        run_seed(&g, truth);
    else
        run_basic(&g);

    truth_fill(&g, truth, scenario, to);

    snprintf(path, sizeof path, "%s/truth.json", out);
    if (json_dump_file(truth, path, JSON_INDENT(1) | JSON_SORT_KEYS) != 0)
        die("cannot write '%s'", path);
    fprintf(stderr,
            "gen_scenario: %" PRIu64 " packets, %" PRIu64 " flows; %s: %" PRIu64 " in / %" PRIu64
            " out packets, %zu sources\n",
            g.packets, g.flows, g.grp[0].name, g.grp[0].pk[DIR_IN], g.grp[0].pk[DIR_OUT],
            g.grp[0].src_all.n + g.grp[0].nv6_all);

    json_decref(truth);
    for (int i = 0; i < NGROUP; i++) {
        free(g.grp[i].series);
        keyset_free(&g.grp[i].src_all);
        keyset_free(&g.grp[i].src_day);
        json_decref(g.grp[i].urls);
    }
    keyset_free(&g.tuples);
    free(g.pk);
    free(g.data);
    return 0;
}
