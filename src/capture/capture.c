/*
 * Capture files through libpcap, with decompression and precise errors.
 *
 * The one place that includes <pcap.h>. Timestamps are always asked for in
 * nanoseconds so that microsecond and nanosecond files read alike. When a
 * file is damaged, the error names the byte offset of the first record that
 * could not be read (in the decompressed bytes for compressed files), and
 * every packet before it has already been delivered.
 */
/* <pcap.h> uses the BSD type names u_char and u_int. */
#define _DEFAULT_SOURCE
#include "capture.h"

#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "capture_int.h"

enum file_format {
    FORMAT_PCAP,
    FORMAT_PCAP_NS,
    FORMAT_PCAPNG,
    FORMAT_UNKNOWN,
};

/*
 * libpcap reads a record's head and its bytes through stdio: its buffer of a
 * file's block (4 KiB) made a read() every few packets.
 */
#define CAPTURE_READ_BUFFER (128 * 1024)

struct capture_file {
    pcap_t *pcap;
    FILE *stream;
    char *read_buffer; /* the stream's, CAPTURE_READ_BUFFER bytes; freed once it is closed */
    char *path;
    enum file_format format;
    enum compression compression;
    int link_type;
    uint64_t records;      /* records delivered so far */
    uint64_t record_start; /* byte offset where the next record begins */
    char format_name[24];
    char error[PCAP_ERRBUF_SIZE + 256];
};

static enum file_format format_from_magic(const uint8_t m[4])
{
    uint32_t be = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
    switch (be) {
    case 0xa1b2c3d4:
    case 0xd4c3b2a1:
        return FORMAT_PCAP;
    case 0xa1b23c4d:
    case 0x4d3cb2a1:
        return FORMAT_PCAP_NS;
    case 0x0a0d0d0a:
        return FORMAT_PCAPNG;
    default:
        return FORMAT_UNKNOWN;
    }
}

/* Reads the first bytes of the decompressed stream to learn the format. */
static int sniff_format(const char *path, enum file_format *format, char *err, size_t errlen)
{
    enum compression kind;
    uint8_t magic[4];
    FILE *fp = stream_open(path, &kind, NULL, 0, err, errlen);
    if (!fp)
        return -1;
    size_t got = fread(magic, 1, sizeof(magic), fp);
    int read_errno = ferror(fp) ? errno : 0;
    fclose(fp);
    if (read_errno && got < sizeof(magic)) {
        /* A compressed file cut or corrupt within its first bytes is not empty. */
        if (kind != COMPRESSION_NONE)
            snprintf(err, errlen,
                     "'%s': damaged capture at byte offset 0 of the decompressed data: the "
                     "compressed data is corrupt or cut short",
                     path);
        else
            snprintf(err, errlen, "cannot read '%s': %s", path, strerror(read_errno));
        return -1;
    }
    if (got == 0) {
        snprintf(err, errlen, "'%s': empty file, not a capture", path);
        return -1;
    }
    *format = got == sizeof(magic) ? format_from_magic(magic) : FORMAT_UNKNOWN;
    if (*format == FORMAT_UNKNOWN) {
        snprintf(err, errlen,
                 "'%s': not a capture file (no pcap or pcapng header at byte offset 0)", path);
        return -1;
    }
    return 0;
}

struct capture_file *capture_open(const char *path, char *err, size_t errlen)
{
    static const char *const format_names[] = {"pcap", "pcap-ns", "pcapng", "?"};
    static const char *const compression_names[] = {"", "+gzip", "+zstd"};
    char pcap_err[PCAP_ERRBUF_SIZE] = "";
    enum file_format format;

    if (sniff_format(path, &format, err, errlen) < 0)
        return NULL;

    struct capture_file *file = xcalloc(1, sizeof(*file));
    file->format = format;
    file->read_buffer = xmalloc(CAPTURE_READ_BUFFER);
    file->stream =
        stream_open(path, &file->compression, file->read_buffer, CAPTURE_READ_BUFFER, err, errlen);
    if (!file->stream) {
        free(file->read_buffer);
        free(file);
        return NULL;
    }
    file->pcap = pcap_fopen_offline_with_tstamp_precision(file->stream, PCAP_TSTAMP_PRECISION_NANO,
                                                          pcap_err);
    if (!file->pcap) {
        /* Where libpcap stopped reading: in the header, or the blocks up to the first IDB. */
        off_t pos = ftello(file->stream);
        bool compressed = file->compression != COMPRESSION_NONE;
        snprintf(err, errlen,
                 "'%s': cannot read capture header (reading stopped at byte offset %" PRIu64
                 "%s): %s",
                 path, pos < 0 ? (uint64_t)0 : (uint64_t)pos,
                 compressed ? " of the decompressed data" : "",
                 compressed && strstr(pcap_err, "error reading")
                     ? "the compressed data is corrupt or cut short"
                     : pcap_err);
        fclose(file->stream);
        free(file->read_buffer);
        free(file);
        return NULL;
    }
    file->path = xstrdup(path);
    file->link_type = pcap_datalink(file->pcap);
    if (format == FORMAT_PCAPNG) {
        off_t pos = ftello(file->stream);
        file->record_start = pos < 0 ? 0 : (uint64_t)pos;
    } else {
        file->record_start = 24; /* the classic pcap file header */
    }
    snprintf(file->format_name, sizeof(file->format_name), "%s%s", format_names[format],
             compression_names[file->compression]);
    return file;
}

/*
 * A record's time in nanoseconds, saturated at the ends of what int64_t holds
 * (1677..2262). A pcapng timestamp is 64 bits in units the file chooses, plus
 * an offset the file chooses too: libpcap hands on seconds far past that
 * range, and the fraction (nanoseconds here) is not always below one second.
 */
static int64_t record_time_ns(int64_t sec, int64_t frac_ns)
{
    /* Room for a fraction of up to 8 s, so that neither step can overflow. */
    const int64_t limit_s = INT64_MAX / 1000000000 - 8;
    if (frac_ns < 0)
        frac_ns = 0;
    else if (frac_ns > INT64_C(8000000000))
        frac_ns = INT64_C(8000000000);
    if (sec > limit_s)
        return INT64_MAX;
    if (sec < -limit_s)
        return INT64_MIN;
    return sec * 1000000000 + frac_ns;
}

/*
 * A record's seconds. Classic pcap stores them as an unsigned 32-bit count
 * (good until 2106), but libpcap reads the field as signed into tv_sec, so
 * from 2038-01-19T03:14:08 on they would come back negative, in 1901..1969:
 * taking the low 32 bits again gives the count the file holds. pcapng
 * timestamps are 64-bit and pass through as they are.
 */
static int64_t record_seconds(const struct capture_file *file, const struct pcap_pkthdr *header)
{
    if (file->format == FORMAT_PCAPNG)
        return (int64_t)header->ts.tv_sec;
    return (int64_t)(uint32_t)header->ts.tv_sec;
}

enum capture_status capture_next(struct capture_file *file, struct capture_packet *packet)
{
    struct pcap_pkthdr *header;
    const u_char *data;

    int ret = pcap_next_ex(file->pcap, &header, &data);
    if (ret == 1 && header->ts.tv_sec == 0 && header->ts.tv_usec == 0 && header->caplen == 0 &&
        header->len == 0) {
        /*
         * No packet is zero bytes long at the epoch: a zero-filled or sparse
         * region (a capture preallocated, cut by a crash, or crafted), which
         * would otherwise be read as millions of empty records.
         */
        snprintf(file->error, sizeof(file->error),
                 "'%s': damaged capture at byte offset %" PRIu64 "%s (after %" PRIu64
                 " good records): a record header of zeros (a zero-filled region, not a packet)",
                 file->path, file->record_start,
                 file->compression != COMPRESSION_NONE ? " of the decompressed data" : "",
                 file->records);
        return CAPTURE_ERROR;
    }
    if (ret == 1) {
        packet->ts_ns = record_time_ns(record_seconds(file, header), (int64_t)header->ts.tv_usec);
        packet->caplen = header->caplen;
        packet->wirelen = header->len;
        packet->data = data;
        file->records++;
        if (file->format == FORMAT_PCAPNG) {
            off_t pos = ftello(file->stream);
            file->record_start = pos < 0 ? 0 : (uint64_t)pos;
        } else {
            file->record_start += 16 + (uint64_t)header->caplen;
        }
        return CAPTURE_PACKET;
    }
    if (ret == PCAP_ERROR_BREAK)
        return CAPTURE_END;
    const char *why = pcap_geterr(file->pcap);
    bool stream_failed = file->compression != COMPRESSION_NONE && strstr(why, "error reading");
    snprintf(file->error, sizeof(file->error),
             "'%s': damaged capture at byte offset %" PRIu64 "%s (after %" PRIu64
             " good records): %s",
             file->path, file->record_start,
             file->compression != COMPRESSION_NONE ? " of the decompressed data" : "",
             file->records, stream_failed ? "the compressed data is corrupt or cut short" : why);
    return CAPTURE_ERROR;
}

const char *capture_error(const struct capture_file *file)
{
    return file->error;
}

int capture_link_type(const struct capture_file *file)
{
    return file->link_type;
}

const char *capture_link_name(int link_type)
{
    static _Thread_local char unknown[32];
    const char *name = pcap_datalink_val_to_name(link_type);
    if (name)
        return name;
    snprintf(unknown, sizeof(unknown), "DLT_%d", link_type);
    return unknown;
}

const char *capture_format(const struct capture_file *file)
{
    return file->format_name;
}

uint32_t capture_snaplen(const struct capture_file *file)
{
    int snaplen = pcap_snapshot(file->pcap);
    return snaplen > 0 ? (uint32_t)snaplen : 0;
}

void capture_close(struct capture_file *file)
{
    if (!file)
        return;
    pcap_close(file->pcap); /* closes the stream too */
    free(file->read_buffer);
    free(file->path);
    free(file);
}
