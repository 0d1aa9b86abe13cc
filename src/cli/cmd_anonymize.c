/*
 * honeyscope anonymize: captures, or a list of addresses, with every address
 * replaced prefix-preservingly (Crypto-PAn) under a key kept by the user, so
 * that data can be shared and still compared by prefix across files, runs
 * and sites that use the same key (docs/anonymize.md).
 */
#define _DEFAULT_SOURCE /* mkstemp() */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../anonymize/anonymize.h"
#include "../capture/capture.h"
#include "../common/xalloc.h"
#include "cli.h"
#include "suggest.h"

static const char anonymize_usage[] =
    "usage: honeyscope anonymize --key KEYFILE [options] IN.pcap OUT.pcap\n"
    "       honeyscope anonymize --key KEYFILE --addresses [options]\n"
    "\n"
    "Replaces IPv4 and IPv6 addresses with Crypto-PAn, which preserves prefixes:\n"
    "two addresses sharing their first k bits are replaced by two sharing exactly\n"
    "their first k bits. The same key gives the same replacement in every file\n"
    "and run. IPv6 addresses are mapped over their 128 bits.\n"
    "\n"
    "A capture is rewritten into OUT in the form IN came in (pcap, pcapng, gzip,\n"
    "zstd): source and destination of every IPv4/IPv6 header, and of the header\n"
    "an ICMP or ICMPv6 error quotes; IP, TCP, UDP, ICMP and ICMPv6 checksums are\n"
    "adjusted to the new addresses. OUT is written under a temporary name and\n"
    "renamed once complete. With --addresses, addresses are read from standard\n"
    "input, one a line, and written anonymised to standard output.\n"
    "\n"
    "  --key KEYFILE          32 bytes (AES-128 key, then pad: the reference\n"
    "                         implementation's key file) or 64 hexadecimal digits\n"
    "  --keep CIDR            leave the addresses of CIDR as they are, e.g. the\n"
    "                         sensor's (repeatable)\n"
    "  --strip-payload        cut every packet after its transport header\n"
    "  --keep-unparsed        write packets without a readable IP header unchanged\n"
    "                         (default: leave them out, counted; they may hold\n"
    "                         addresses, as ARP does)\n"
    "  --addresses            anonymise a list of addresses (stdin to stdout)\n"
    "  -q, --quiet            no summary on stderr\n"
    "\n"
    "Exit status: 0 success, 1 failure (unreadable key or input, a capture cut\n"
    "short, a line that is not an address; no output file is left), 2 usage error.\n";

/* Reads addresses from stdin, one a line, and writes them anonymised. */
static int anonymize_addresses(struct anonymizer *anon)
{
    char line[256];
    uint64_t number = 0;
    while (fgets(line, sizeof(line), stdin)) {
        number++;
        size_t n = strlen(line);
        if (n == sizeof(line) - 1 && line[n - 1] != '\n')
            return error("standard input, line %" PRIu64 ": longer than an address", number);
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' ||
                     line[n - 1] == '\t'))
            line[--n] = '\0';
        struct ip_addr addr;
        char text[ADDR_TEXT_MAX];
        if (addr_parse(&addr, line) < 0)
            return error("standard input, line %" PRIu64 ": not an IPv4 or IPv6 address", number);
        anonymizer_addr(anon, &addr);
        printf("%s\n", addr_format(&addr, text));
    }
    if (ferror(stdin))
        return error("cannot read standard input: %s", strerror(errno));
    if (fflush(stdout) != 0)
        return error("cannot write standard output: %s", strerror(errno));
    return 0;
}

struct rewrite_options {
    bool strip_payload, keep_unparsed, quiet;
};

/* Rewrites in_path into the temporary file tmp_path. Returns 0, or -1 after a message. */
static int rewrite_capture(struct anonymizer *anon, const char *in_path, const char *tmp_path,
                           const struct rewrite_options *opt, struct anonymize_counts *counts)
{
    char err[1024];
    struct capture_file *in = capture_open(in_path, err, sizeof(err));
    if (!in)
        return error("%s", err);
    int link_type = capture_link_type(in);
    struct capture_writer *out = capture_writer_open(tmp_path, capture_format(in), link_type,
                                                     capture_snaplen(in), err, sizeof(err));
    if (!out) {
        capture_close(in);
        return error("%s", err);
    }
    struct capture_packet cp;
    enum capture_status status;
    uint8_t *buf = NULL;
    size_t buf_size = 0;
    int ret = 0;
    while ((status = capture_next(in, &cp)) == CAPTURE_PACKET) {
        if (cp.caplen > buf_size) {
            buf_size = cp.caplen;
            free(buf);
            buf = xmalloc(buf_size);
        }
        memcpy(buf, cp.data, cp.caplen);
        size_t caplen = cp.caplen;
        if (!anonymizer_packet(anon, link_type, buf, &caplen, opt->strip_payload, counts) &&
            !opt->keep_unparsed)
            continue;
        cp.data = buf;
        cp.caplen = (uint32_t)caplen;
        if (capture_writer_put(out, &cp) < 0)
            break;
    }
    free(buf);
    if (status == CAPTURE_ERROR) {
        error("%s", capture_error(in));
        ret = -1;
    }
    capture_close(in);
    if (capture_writer_close(out, err, sizeof(err)) < 0) {
        error("%s", err);
        ret = -1;
    }
    return ret;
}

/* A temporary name beside out_path (the same file system, so rename() is atomic). */
static int temporary_beside(const char *out_path, char **tmp_path)
{
    size_t n = strlen(out_path);
    *tmp_path = xmalloc(n + sizeof(".tmp.XXXXXX"));
    memcpy(*tmp_path, out_path, n);
    memcpy(*tmp_path + n, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
    int fd = mkstemp(*tmp_path);
    if (fd < 0)
        return error("cannot create a file beside '%s': %s", out_path, strerror(errno));
    close(fd);
    return 0;
}

int cmd_anonymize(int argc, char **argv)
{
    static const struct option options[] = {
        {"key", required_argument, NULL, 'k'},     {"keep", required_argument, NULL, 'K'},
        {"strip-payload", no_argument, NULL, 'S'}, {"keep-unparsed", no_argument, NULL, 'U'},
        {"addresses", no_argument, NULL, 'a'},     {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    const char *key_path = NULL;
    struct ip_prefix *keep = NULL;
    size_t keep_count = 0, keep_alloc = 0;
    struct rewrite_options opt = {false, false, false};
    bool addresses = false;
    int c;
    while ((c = getopt_long(argc, argv, "qh", options, NULL)) != -1) {
        switch (c) {
        case 'k':
            key_path = optarg;
            break;
        case 'K': {
            const char *why = "";
            struct ip_prefix prefix;
            if (prefix_parse(&prefix, optarg, &why) < 0) {
                free(keep);
                return usage_error("anonymize", "--keep '%s': %s", optarg, why);
            }
            ALLOC_GROW(keep, keep_count + 1, keep_alloc);
            keep[keep_count++] = prefix;
            break;
        }
        case 'S':
            opt.strip_payload = true;
            break;
        case 'U':
            opt.keep_unparsed = true;
            break;
        case 'a':
            addresses = true;
            break;
        case 'q':
            opt.quiet = true;
            break;
        case 'h':
            free(keep);
            fputs(anonymize_usage, stdout);
            return EXIT_OK;
        default:
            free(keep);
            return unknown_option("anonymize", options, argv);
        }
    }
    int operands = argc - optind;
    const char *problem = NULL;
    if (!key_path)
        problem = "--key KEYFILE is required";
    else if (addresses && operands != 0)
        problem = "--addresses reads standard input: give no file";
    else if (!addresses && operands != 2)
        problem = "give IN.pcap and OUT.pcap (or --addresses)";
    else if (addresses && (opt.strip_payload || opt.keep_unparsed))
        problem = "--strip-payload and --keep-unparsed are for captures, not --addresses";
    if (problem) {
        free(keep);
        return usage_error("anonymize", "%s", problem);
    }

    uint8_t key[CRYPTOPAN_KEY_BYTES];
    char err[1024];
    if (cryptopan_key_load(key_path, key, err, sizeof(err)) < 0) {
        free(keep);
        error("%s", err);
        return EXIT_FAILED;
    }
    struct anonymizer *anon = anonymizer_new(key);
    memset(key, 0, sizeof(key));
    for (size_t i = 0; i < keep_count; i++)
        anonymizer_keep(anon, &keep[i]);
    free(keep);

    int status = EXIT_OK;
    if (addresses) {
        status = anonymize_addresses(anon) < 0 ? EXIT_FAILED : EXIT_OK;
        anonymizer_free(anon);
        return status;
    }
    const char *in_path = argv[optind], *out_path = argv[optind + 1];
    char *tmp_path = NULL;
    struct anonymize_counts counts;
    memset(&counts, 0, sizeof(counts));
    if (temporary_beside(out_path, &tmp_path) < 0 ||
        rewrite_capture(anon, in_path, tmp_path, &opt, &counts) < 0) {
        status = EXIT_FAILED;
    } else if (rename(tmp_path, out_path) != 0) {
        error("cannot rename '%s' to '%s': %s", tmp_path, out_path, strerror(errno));
        status = EXIT_FAILED;
    }
    if (status != EXIT_OK && tmp_path)
        unlink(tmp_path);
    free(tmp_path);
    anonymizer_free(anon);
    if (status == EXIT_OK && !opt.quiet)
        fprintf(stderr,
                "honeyscope: '%s': %" PRIu64 " packets, %" PRIu64 " rewritten (%" PRIu64
                " ICMP errors' quoted headers), %" PRIu64 " without a readable IP header %s\n",
                out_path, counts.packets, counts.rewritten, counts.quoted, counts.unparsed,
                opt.keep_unparsed ? "written unchanged" : "left out");
    return status;
}
