/*
 * Writing capture files: classic pcap (micro- or nanosecond) and pcapng, each
 * plain, gzip or zstd, so that a capture rewritten (anonymised) keeps the
 * form it came in.
 *
 * The formats are written here rather than through pcap_dump(), which
 * writes classic pcap only: a pcapng file is written as one section header,
 * one interface (nanosecond timestamps) and enhanced packet blocks. Fields
 * are written in the machine's byte order, which the magic numbers declare
 * (pcap: the file header's magic; pcapng: the section's byte-order magic).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "../common/xalloc.h"
#include "capture.h"
#include "capture_int.h"

enum writer_format { WRITE_PCAP, WRITE_PCAP_NS, WRITE_PCAPNG };

struct capture_writer {
    FILE *fp;
    gzFile gz;
    ZSTD_CStream *zstd;
    void *zbuf;
    size_t zbuf_size;
    enum compression compression;
    enum writer_format format;
    char *path;
    bool failed;
    char error[512];
};

/* Block sizes are ours, small and fixed; packet lengths are at most 2^32 - 1. */
static void fail(struct capture_writer *w, const char *what)
{
    if (!w->failed)
        snprintf(w->error, sizeof(w->error), "cannot write '%s': %s", w->path, what);
    w->failed = true;
}

static void zstd_drain(struct capture_writer *w, ZSTD_inBuffer *in, ZSTD_EndDirective mode)
{
    for (;;) {
        ZSTD_outBuffer out = {w->zbuf, w->zbuf_size, 0};
        size_t left = ZSTD_compressStream2(w->zstd, &out, in, mode);
        if (ZSTD_isError(left)) {
            fail(w, ZSTD_getErrorName(left));
            return;
        }
        if (out.pos && fwrite(w->zbuf, 1, out.pos, w->fp) != out.pos) {
            fail(w, strerror(errno));
            return;
        }
        bool done = mode == ZSTD_e_continue ? in->pos == in->size : left == 0;
        if (done)
            return;
    }
}

static void put_bytes(struct capture_writer *w, const void *bytes, size_t n)
{
    if (w->failed || n == 0)
        return;
    switch (w->compression) {
    case COMPRESSION_NONE:
        if (fwrite(bytes, 1, n, w->fp) != n)
            fail(w, strerror(errno));
        break;
    case COMPRESSION_GZIP:
        /* gzwrite takes an unsigned length: packets are far below its limit. */
        if (gzwrite(w->gz, bytes, (unsigned)n) != (int)n) {
            int code;
            const char *msg = gzerror(w->gz, &code);
            fail(w, code == Z_ERRNO ? strerror(errno) : msg);
        }
        break;
    case COMPRESSION_ZSTD: {
        ZSTD_inBuffer in = {bytes, n, 0};
        zstd_drain(w, &in, ZSTD_e_continue);
        break;
    }
    }
}

static void put32(struct capture_writer *w, uint32_t v)
{
    put_bytes(w, &v, 4);
}

static void put16(struct capture_writer *w, uint16_t v)
{
    put_bytes(w, &v, 2);
}

/*
 * The link type as a file records it (LINKTYPE_): libpcap hands raw IP as
 * DLT_RAW, 12 or 14 depending on the system; files say 101.
 */
static uint32_t file_link_type(int link_type)
{
    if (link_type == 12 || link_type == 14)
        return 101;
    return (uint32_t)link_type;
}

static void write_header(struct capture_writer *w, int link_type, uint32_t snaplen)
{
    if (snaplen == 0)
        snaplen = 262144;
    if (w->format == WRITE_PCAPNG) {
        /* Section header block: byte-order magic, version 1.0, length unknown. */
        put32(w, 0x0a0d0d0a);
        put32(w, 28);
        put32(w, 0x1a2b3c4d);
        put16(w, 1);
        put16(w, 0);
        put32(w, 0xffffffffu);
        put32(w, 0xffffffffu);
        put32(w, 28);
        /* Interface description block: if_tsresol 9 (nanoseconds), end of options. */
        static const uint8_t tsresol[8] = {9, 0, 1, 0, 9, 0, 0, 0};
        put32(w, 1);
        put32(w, 32);
        put16(w, (uint16_t)file_link_type(link_type));
        put16(w, 0);
        put32(w, snaplen);
        put_bytes(w, tsresol, sizeof(tsresol));
        put32(w, 0); /* opt_endofopt */
        put32(w, 32);
        return;
    }
    put32(w, w->format == WRITE_PCAP_NS ? 0xa1b23c4d : 0xa1b2c3d4);
    put16(w, 2);
    put16(w, 4);
    put32(w, 0); /* thiszone */
    put32(w, 0); /* sigfigs */
    put32(w, snaplen);
    put32(w, file_link_type(link_type));
}

struct capture_writer *capture_writer_open(const char *path, const char *format, int link_type,
                                           uint32_t snaplen, char *err, size_t errlen)
{
    struct capture_writer w;
    memset(&w, 0, sizeof(w));
    size_t base = strcspn(format, "+");
    const char *suffix = format + base;
    if (base == 4 && strncmp(format, "pcap", 4) == 0)
        w.format = WRITE_PCAP;
    else if (base == 7 && strncmp(format, "pcap-ns", 7) == 0)
        w.format = WRITE_PCAP_NS;
    else if (base == 6 && strncmp(format, "pcapng", 6) == 0)
        w.format = WRITE_PCAPNG;
    else {
        snprintf(err, errlen, "cannot write '%s': unknown capture format '%s'", path, format);
        return NULL;
    }
    if (strcmp(suffix, "") == 0)
        w.compression = COMPRESSION_NONE;
    else if (strcmp(suffix, "+gzip") == 0)
        w.compression = COMPRESSION_GZIP;
    else if (strcmp(suffix, "+zstd") == 0)
        w.compression = COMPRESSION_ZSTD;
    else {
        snprintf(err, errlen, "cannot write '%s': unknown compression '%s'", path, suffix);
        return NULL;
    }
    w.fp = fopen(path, "wb");
    if (!w.fp) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        return NULL;
    }
    if (w.compression == COMPRESSION_GZIP) {
        /* gzdopen takes its own descriptor: the FILE keeps ours for fsync. */
        int fd = dup(fileno(w.fp));
        w.gz = fd < 0 ? NULL : gzdopen(fd, "wb6");
        if (!w.gz) {
            snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
            fclose(w.fp);
            return NULL;
        }
    } else if (w.compression == COMPRESSION_ZSTD) {
        w.zstd = ZSTD_createCStream();
        w.zbuf_size = ZSTD_CStreamOutSize();
        w.zbuf = xmalloc(w.zbuf_size);
        ZSTD_CCtx_setParameter(w.zstd, ZSTD_c_compressionLevel, 3);
    }
    struct capture_writer *writer = xmalloc(sizeof(*writer));
    *writer = w;
    writer->path = xstrdup(path);
    write_header(writer, link_type, snaplen);
    return writer;
}

int capture_writer_put(struct capture_writer *w, const struct capture_packet *packet)
{
    static const uint8_t zeros[4] = {0};
    /* Floor division: a time before 1970 keeps its fraction positive. */
    int64_t sec = packet->ts_ns / 1000000000, frac = packet->ts_ns % 1000000000;
    if (frac < 0) {
        sec--;
        frac += 1000000000;
    }
    if (w->format == WRITE_PCAPNG) {
        uint64_t ts = packet->ts_ns < 0 ? 0 : (uint64_t)packet->ts_ns;
        uint32_t padded = (packet->caplen + 3u) & ~3u;
        put32(w, 6);
        put32(w, 32 + padded);
        put32(w, 0); /* interface */
        put32(w, (uint32_t)(ts >> 32));
        put32(w, (uint32_t)ts);
        put32(w, packet->caplen);
        put32(w, packet->wirelen);
        put_bytes(w, packet->data, packet->caplen);
        put_bytes(w, zeros, padded - packet->caplen);
        put32(w, 32 + padded);
    } else {
        put32(w, (uint32_t)sec);
        put32(w, (uint32_t)(w->format == WRITE_PCAP_NS ? frac : frac / 1000));
        put32(w, packet->caplen);
        put32(w, packet->wirelen);
        put_bytes(w, packet->data, packet->caplen);
    }
    return w->failed ? -1 : 0;
}

int capture_writer_close(struct capture_writer *w, char *err, size_t errlen)
{
    if (w->compression == COMPRESSION_GZIP) {
        int code = gzclose(w->gz);
        if (code != Z_OK)
            fail(w, code == Z_ERRNO ? strerror(errno) : "compression failed");
    } else if (w->compression == COMPRESSION_ZSTD) {
        ZSTD_inBuffer in = {NULL, 0, 0};
        zstd_drain(w, &in, ZSTD_e_end);
        ZSTD_freeCStream(w->zstd);
        free(w->zbuf);
    }
    if (fflush(w->fp) != 0 || fsync(fileno(w->fp)) != 0)
        fail(w, strerror(errno));
    if (fclose(w->fp) != 0)
        fail(w, strerror(errno));
    int ret = 0;
    if (w->failed) {
        snprintf(err, errlen, "%s", w->error);
        ret = -1;
    }
    free(w->path);
    free(w);
    return ret;
}
