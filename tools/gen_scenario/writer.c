/*
 * writer.c: capture files as sensors write them: classic pcap with micro- or
 * nanosecond timestamps through libpcap, the same gzip-compressed by zlib,
 * and pcapng written here (libpcap writes no pcapng). The only file of
 * gen_scenario that includes <pcap/pcap.h> and <zlib.h>.
 */
/* <pcap/pcap.h> uses the BSD types u_int and u_char, which glibc declares
 * only with its default feature set on top of _POSIX_C_SOURCE. */
#define _DEFAULT_SOURCE 1

#include <errno.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include <zlib.h>

#include "gen_int.h"

const char *fmt_name(enum fmt f)
{
    switch (f) {
    case FMT_PCAP:
        return "pcap";
    case FMT_PCAP_NS:
        return "pcap-ns";
    case FMT_PCAP_GZ:
        return "pcap+gzip";
    case FMT_PCAPNG:
        return "pcapng";
    }
    return "?";
}

static int dlt_of(int linktype)
{
    switch (linktype) {
    case LT_RAW:
        return DLT_RAW;
    case LT_SLL:
        return DLT_LINUX_SLL;
    default:
        return DLT_EN10MB;
    }
}

static void ng_write(struct writer *w, const void *p, size_t n)
{
    if (fwrite(p, 1, n, w->ng) != n)
        die("cannot write '%s': %s", w->path, strerror(errno));
}

/* pcapng (draft-ietf-opsawg-pcapng): one Section Header Block and one
 * Interface Description Block without options, so if_tsresol is the default
 * (microseconds). Little-endian whatever the host, for identical output. */
static void ng_begin(struct writer *w, unsigned snaplen)
{
    uint8_t shb[28], idb[20];
    le32(shb, 0x0A0D0D0A);
    le32(shb + 4, sizeof shb);
    le32(shb + 8, 0x1A2B3C4D);
    le16(shb + 12, 1);
    le16(shb + 14, 0);
    le32(shb + 16, 0xFFFFFFFFu); /* section length unknown: -1 */
    le32(shb + 20, 0xFFFFFFFFu);
    le32(shb + 24, sizeof shb);
    ng_write(w, shb, sizeof shb);
    le32(idb, 1);
    le32(idb + 4, sizeof idb);
    le16(idb + 8, (unsigned)w->linktype);
    le16(idb + 10, 0);
    le32(idb + 12, snaplen);
    le32(idb + 16, sizeof idb);
    ng_write(w, idb, sizeof idb);
}

static void ng_packet(struct writer *w, int64_t ts_ns, const uint8_t *data, uint32_t caplen,
                      uint32_t len)
{
    static const uint8_t zero[4];
    uint8_t h[28], t[4];
    uint64_t us = (uint64_t)(ts_ns / 1000);
    uint32_t padded = (caplen + 3) & ~3u;
    uint32_t total = 28 + padded + 4;
    le32(h, 6);
    le32(h + 4, total);
    le32(h + 8, 0);
    le32(h + 12, (uint32_t)(us >> 32));
    le32(h + 16, (uint32_t)us);
    le32(h + 20, caplen);
    le32(h + 24, len);
    ng_write(w, h, sizeof h);
    ng_write(w, data, caplen);
    ng_write(w, zero, padded - caplen);
    le32(t, total);
    ng_write(w, t, sizeof t);
}

void writer_open(struct writer *w, const char *dir, const char *name, enum fmt fmt, int linktype,
                 unsigned snaplen)
{
    memset(w, 0, sizeof *w);
    w->fmt = fmt;
    w->linktype = linktype;
    snprintf(w->name, sizeof w->name, "%s", name);
    snprintf(w->path, sizeof w->path, "%s/%s", dir, name);
    if (fmt == FMT_PCAPNG) {
        w->ng = fopen(w->path, "wb");
        if (!w->ng)
            die("cannot create '%s': %s", w->path, strerror(errno));
        ng_begin(w, snaplen);
        return;
    }
    /* gzip: libpcap writes a plain file first, zlib compresses it on close */
    const char *target = w->path;
    if (fmt == FMT_PCAP_GZ) {
        snprintf(w->tmp, sizeof w->tmp, "%s/.%s.tmp", dir, name);
        target = w->tmp;
    }
    w->dead = pcap_open_dead_with_tstamp_precision(
        dlt_of(linktype), (int)snaplen,
        fmt == FMT_PCAP_NS ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
    if (!w->dead)
        die("pcap_open_dead failed");
    w->dump = pcap_dump_open(w->dead, target);
    if (!w->dump)
        die("cannot create '%s': %s", target, pcap_geterr(w->dead));
}

void writer_put(struct writer *w, int64_t ts_ns, const uint8_t *data, uint32_t caplen, uint32_t len)
{
    w->packets++;
    if (w->ng) {
        ng_packet(w, ts_ns, data, caplen, len);
        return;
    }
    struct pcap_pkthdr h;
    memset(&h, 0, sizeof h);
    h.ts.tv_sec = (time_t)(ts_ns / NS_PER_S);
    /* with nanosecond precision libpcap writes tv_usec as nanoseconds */
    if (w->fmt == FMT_PCAP_NS)
        h.ts.tv_usec = (suseconds_t)(ts_ns % NS_PER_S);
    else
        h.ts.tv_usec = (suseconds_t)(ts_ns % NS_PER_S / 1000);
    h.caplen = caplen;
    h.len = len;
    pcap_dump((u_char *)w->dump, &h, data);
}

static void gzip_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    if (!in)
        die("cannot open '%s': %s", from, strerror(errno));
    gzFile out = gzopen(to, "wb6");
    if (!out)
        die("cannot create '%s'", to);
    static uint8_t buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (gzwrite(out, buf, (unsigned)n) != (int)n)
            die("cannot write '%s'", to);
    if (ferror(in))
        die("cannot read '%s'", from);
    fclose(in);
    if (gzclose(out) != Z_OK)
        die("cannot write '%s'", to);
    unlink(from);
}

void writer_close(struct writer *w)
{
    if (w->ng) {
        if (fclose(w->ng) != 0)
            die("cannot write '%s': %s", w->path, strerror(errno));
        w->ng = NULL;
        return;
    }
    if (pcap_dump_flush(w->dump) != 0)
        die("cannot write '%s'", w->fmt == FMT_PCAP_GZ ? w->tmp : w->path);
    pcap_dump_close(w->dump);
    pcap_close(w->dead);
    w->dump = NULL;
    w->dead = NULL;
    if (w->fmt == FMT_PCAP_GZ)
        gzip_file(w->tmp, w->path);
}
