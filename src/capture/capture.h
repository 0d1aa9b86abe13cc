/*
 * capture: reading packet capture files.
 *
 * libpcap does the file formats (classic pcap in micro- or nanosecond
 * resolution, pcapng); this stage adds transparent gzip and zstd
 * decompression, recognised from the file's first bytes rather than its
 * name, and turns libpcap's failures into messages that name the file and the
 * byte offset where reading stopped; live capture from an interface, and
 * writing capture files. This is the only file set that includes <pcap.h>.
 */
#ifndef HONEYSCOPE_CAPTURE_H
#define HONEYSCOPE_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct capture_file;

struct capture_packet {
    int64_t ts_ns;       /* nanoseconds since 1970-01-01 UTC; saturated at the
                          * int64_t ends for times past 1677..2262 */
    uint32_t caplen;     /* bytes present in data */
    uint32_t wirelen;    /* bytes the packet had on the wire */
    const uint8_t *data; /* valid until the next capture_next() */
};

enum capture_status {
    CAPTURE_PACKET = 1, /* *packet holds the next packet */
    CAPTURE_END = 0,    /* clean end of file */
    CAPTURE_ERROR = -1, /* damaged or unreadable; see capture_error() */
};

/*
 * Opens path for reading. On failure returns NULL and writes a message naming
 * the file into err (errlen bytes).
 */
struct capture_file *capture_open(const char *path, char *err, size_t errlen);
enum capture_status capture_next(struct capture_file *file, struct capture_packet *packet);
/* The message for the last CAPTURE_ERROR, naming the file and byte offset. */
const char *capture_error(const struct capture_file *file);
/* The DLT_ link type of the file (libpcap numbering). */
int capture_link_type(const struct capture_file *file);
/* Short name of a link type, e.g. "EN10MB", or "DLT_<n>" for unknown ones. */
const char *capture_link_name(int link_type);
/* "pcap", "pcap-ns", "pcapng", each with "+gzip" or "+zstd" when compressed. */
const char *capture_format(const struct capture_file *file);
/* The snap length the file declares (0 when it declares none). */
uint32_t capture_snaplen(const struct capture_file *file);
void capture_close(struct capture_file *file);

/* ---- live capture (live.c) -------------------------------------------------- */

struct capture_live;

/*
 * Starts capturing on interface iface: promiscuous, immediate delivery (no
 * waiting for a buffer to fill), a kernel buffer of buffer_bytes, nanosecond
 * timestamps where the system gives them, and the BPF filter when not NULL.
 * Returns NULL with a message naming the interface in err: one that does not
 * exist, a missing permission (CAP_NET_RAW), a filter that does not compile.
 */
struct capture_live *capture_live_open(const char *iface, const char *filter, size_t buffer_bytes,
                                       char *err, size_t errlen);
/*
 * Waits up to timeout_ms for packets and hands each to each(ctx, packet)
 * (at most max_packets of them). Returns the packets handed, 0 on a timeout
 * or an interrupting signal, or -1 with capture_live_error().
 */
int capture_live_read(struct capture_live *live, int timeout_ms, int max_packets,
                      void (*each)(void *ctx, const struct capture_packet *packet), void *ctx);
int capture_live_link_type(const struct capture_live *live);
/* Packets dropped since the capture started, by the kernel and by the interface. */
int capture_live_drops(struct capture_live *live, uint64_t *kernel, uint64_t *interface);
const char *capture_live_error(const struct capture_live *live);
void capture_live_close(struct capture_live *live);

/* ---- writing (writer.c) ---------------------------------------------------- */

struct capture_writer;

/*
 * Creates path (truncating it) for packets of link_type, in format as
 * capture_format() names formats ("pcap", "pcap-ns" or "pcapng", each
 * optionally "+gzip" or "+zstd"), so that a rewritten capture keeps the form
 * it came in. Returns NULL with a message naming the file in err.
 */
struct capture_writer *capture_writer_open(const char *path, const char *format, int link_type,
                                           uint32_t snaplen, char *err, size_t errlen);
/* Appends one packet (caplen bytes of data). Returns 0, or -1 (see capture_writer_close). */
int capture_writer_put(struct capture_writer *writer, const struct capture_packet *packet);
/*
 * Finishes the file (compressed streams flushed, the file synced) and frees
 * writer. Returns 0, or -1 with a message in err when any write failed.
 */
int capture_writer_close(struct capture_writer *writer, char *err, size_t errlen);

/* ---- packet samples: do two captures hold the same packets? (sample.c) ------- */

/*
 * A bounded, content-defined sample of a capture's packets, to tell files
 * that hold some of the same packets (a capture and its own splits, a
 * rotation written twice) from files that only share a time span (two
 * sensors, two interfaces). Each packet's fingerprint is SipHash-2-4, under
 * a key fixed in the code so that samples compare across runs and stores,
 * of its capture time in microseconds, its length on the wire and its first
 * CAPTURE_SAMPLE_BYTES bytes. A packet is in the sample when the low level
 * bits of its fingerprint are 0; level starts at 0 (every packet) and rises
 * by one whenever the sample would pass CAPTURE_SAMPLE_MAX, so the sample is
 * the same rule applied to every file, whatever its size, and never holds
 * more than CAPTURE_SAMPLE_MAX fingerprints.
 */
#define CAPTURE_SAMPLE_MAX 1024
#define CAPTURE_SAMPLE_BYTES 128

struct capture_sample {
    int64_t first_ns, last_ns; /* span of the packets read; first > last when none */
    uint64_t packets;          /* packets read */
    unsigned level;            /* fingerprints kept have their low level bits 0 */
    size_t count;
    uint64_t fingerprints[]; /* ascending, each once, after _finish() */
};

/* A sample with room for CAPTURE_SAMPLE_MAX fingerprints, initialised; free() it. */
struct capture_sample *capture_sample_new(void);
/* A finished sample with room for its own fingerprints only: many are kept at once. */
struct capture_sample *capture_sample_shrink(struct capture_sample *sample);
void capture_sample_init(struct capture_sample *sample);
void capture_sample_add(struct capture_sample *sample, const struct capture_packet *packet);
/* Sorts the fingerprints and keeps each once: call before comparing or storing. */
void capture_sample_finish(struct capture_sample *sample);
/*
 * Samples the capture at path into sample (initialised here). Returns 0, or
 * -1 with err when the file is no capture libpcap can open (a flow log); a
 * capture damaged part-way is sampled up to the damage.
 */
int capture_sample_file(const char *path, struct capture_sample *sample, char *err, size_t errlen);

/* Two captures' overlap: when their spans meet and they share packets. */
struct capture_overlap {
    int64_t first_ns, last_ns; /* where the two spans meet */
    uint64_t shared;           /* fingerprints of later found in earlier, at the common level */
    uint64_t sampled;          /* later's fingerprints at the common level */
    double share;              /* shared over sampled, in percent */
};

/*
 * Whether later holds packets of earlier: their spans meet and some of
 * later's sampled packets are in earlier's sample, compared at the higher of
 * the two levels (both samples then follow the same rule). Fills overlap.
 */
bool capture_sample_overlap(const struct capture_sample *earlier,
                            const struct capture_sample *later, struct capture_overlap *overlap);
/*
 * Restores a sample from stored fingerprints (little-endian, 8 bytes each,
 * len bytes) and its level and span. Returns 0, or -1 when the bytes are not
 * such a sample: a length not a multiple of 8 or past the bound, fingerprints
 * not ascending or not of the level.
 */
int capture_sample_decode(struct capture_sample *sample, const void *bytes, size_t len,
                          unsigned level, int64_t first_ns, int64_t last_ns);
/* Writes the fingerprints as capture_sample_decode() reads them (8 * count bytes). */
void capture_sample_encode(const struct capture_sample *sample, unsigned char *out);

#endif
