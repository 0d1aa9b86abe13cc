/*
 * pcap_loop: the benchmark baseline, a bare libpcap read loop.
 *
 * Opens each capture with pcap_open_offline (classic pcap or pcapng, as
 * libpcap recognises them), calls pcap_next_ex until the end, and counts
 * packets and captured bytes. Nothing is decoded: this is the speed at which
 * libpcap alone hands packets to a program, the ceiling for any tool built on
 * it.
 *
 * Usage: pcap_loop FILE...
 * Prints "FILE PACKETS BYTES" per file, then "total PACKETS BYTES".
 * Exit status: 0 success, 1 a file could not be opened or broke off, 2 usage.
 */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

/* Reads one capture to its end; returns 0, or -1 after naming the error. */
static int read_capture(const char *path, uint64_t *packets, uint64_t *bytes)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    struct pcap_pkthdr *hdr;
    const u_char *data;
    volatile u_char sink = 0;
    int ret;

    pcap_t *p = pcap_open_offline(path, errbuf);
    if (!p) {
        fprintf(stderr, "pcap_loop: cannot open '%s': %s\n", path, errbuf);
        return -1;
    }
    while ((ret = pcap_next_ex(p, &hdr, &data)) == 1) {
        (*packets)++;
        *bytes += hdr->caplen;
        /* Touch the packet, as any consumer must, so the data is really read. */
        if (hdr->caplen > 0)
            sink ^= data[0];
    }
    if (ret == PCAP_ERROR) {
        fprintf(stderr, "pcap_loop: error reading '%s': %s\n", path, pcap_geterr(p));
        pcap_close(p);
        return -1;
    }
    (void)sink;
    pcap_close(p);
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t total_packets = 0, total_bytes = 0;
    int status = 0;

    if (argc < 2) {
        fputs("usage: pcap_loop FILE...\n", stderr);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        uint64_t packets = 0, bytes = 0;
        if (read_capture(argv[i], &packets, &bytes) < 0)
            status = 1;
        printf("%s %" PRIu64 " %" PRIu64 "\n", argv[i], packets, bytes);
        total_packets += packets;
        total_bytes += bytes;
    }
    printf("total %" PRIu64 " %" PRIu64 "\n", total_packets, total_bytes);
    return status;
}
