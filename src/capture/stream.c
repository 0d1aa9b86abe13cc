/*
 * Decompressing stdio streams for capture files.
 *
 * libpcap reads capture files from a FILE *. Honeypot archives are usually
 * gzip- or zstd-compressed, and their names do not always say so; rather than
 * decompress to a temporary file, a stdio stream is built on top of zlib or
 * libzstd with fopencookie(), and libpcap reads through it unaware.
 */
#define _GNU_SOURCE
#include "capture_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <zlib.h>
#include <zstd.h>

#include "../common/xalloc.h"

struct zstd_source {
    FILE *raw;
    ZSTD_DStream *stream;
    ZSTD_inBuffer in;
    void *in_buf;
    size_t in_cap;
    int finished_frame; /* the last frame ended exactly at the input's end */
    int failed;
};

struct cookie {
    enum compression kind;
    gzFile gz;
    struct zstd_source *zstd;
    int64_t position; /* decompressed bytes handed to stdio so far */
};

static ssize_t gzip_read(struct cookie *c, char *buf, size_t size)
{
    unsigned chunk = size > (1u << 30) ? 1u << 30 : (unsigned)size;
    int n = gzread(c->gz, buf, chunk);
    int status = Z_OK;
    if (n == 0)
        gzerror(c->gz, &status); /* a missing trailer is an error, not an end */
    if (n < 0 || status != Z_OK) {
        errno = EIO;
        return -1;
    }
    return n;
}

static ssize_t zstd_read(struct cookie *c, char *buf, size_t size)
{
    struct zstd_source *z = c->zstd;
    ZSTD_outBuffer out = {buf, size, 0};

    while (out.pos == 0 && !z->failed) {
        if (z->in.pos == z->in.size) {
            size_t got = fread(z->in_buf, 1, z->in_cap, z->raw);
            if (got == 0) {
                if (!z->finished_frame) {
                    /* Input ended inside a frame: a truncated file. */
                    errno = EIO;
                    return -1;
                }
                return 0;
            }
            z->in.src = z->in_buf;
            z->in.size = got;
            z->in.pos = 0;
        }
        size_t ret = ZSTD_decompressStream(z->stream, &out, &z->in);
        if (ZSTD_isError(ret)) {
            z->failed = 1;
            errno = EIO;
            return -1;
        }
        z->finished_frame = ret == 0;
    }
    return (ssize_t)out.pos;
}

static ssize_t cookie_read(void *cookie, char *buf, size_t size)
{
    struct cookie *c = cookie;
    ssize_t n = c->kind == COMPRESSION_GZIP ? gzip_read(c, buf, size) : zstd_read(c, buf, size);
    if (n > 0)
        c->position += n;
    return n;
}

/* Only position queries are supported: decompressed streams do not seek. */
static int cookie_seek(void *cookie, off64_t *offset, int whence)
{
    struct cookie *c = cookie;
    if ((whence == SEEK_CUR && *offset == 0) || (whence == SEEK_SET && *offset == c->position)) {
        *offset = c->position;
        return 0;
    }
    errno = ESPIPE;
    return -1;
}

static int cookie_close(void *cookie)
{
    struct cookie *c = cookie;
    if (c->gz)
        gzclose(c->gz);
    if (c->zstd) {
        ZSTD_freeDStream(c->zstd->stream);
        fclose(c->zstd->raw);
        free(c->zstd->in_buf);
        free(c->zstd);
    }
    free(c);
    return 0;
}

static FILE *open_cookie(struct cookie *c, const char *path, char *err, size_t errlen)
{
    cookie_io_functions_t io = {cookie_read, NULL, cookie_seek, cookie_close};
    FILE *fp = fopencookie(c, "rb", io);
    if (!fp) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        cookie_close(c);
    }
    return fp;
}

static FILE *open_gzip(const char *path, char *err, size_t errlen)
{
    struct cookie *c = xcalloc(1, sizeof(*c));
    c->kind = COMPRESSION_GZIP;
    c->gz = gzopen(path, "rb");
    if (!c->gz) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        free(c);
        return NULL;
    }
    gzbuffer(c->gz, 256 * 1024);
    return open_cookie(c, path, err, errlen);
}

static FILE *open_zstd(FILE *raw, const char *path, char *err, size_t errlen)
{
    struct cookie *c = xcalloc(1, sizeof(*c));
    struct zstd_source *z = xcalloc(1, sizeof(*z));
    c->kind = COMPRESSION_ZSTD;
    c->zstd = z;
    z->raw = raw;
    z->stream = ZSTD_createDStream();
    z->in_cap = ZSTD_DStreamInSize();
    z->in_buf = xmalloc(z->in_cap);
    if (!z->stream || ZSTD_isError(ZSTD_initDStream(z->stream))) {
        snprintf(err, errlen, "cannot open '%s': zstd decoder failed to start", path);
        cookie_close(c);
        return NULL;
    }
    return open_cookie(c, path, err, errlen);
}

FILE *stream_open(const char *path, enum compression *kind, char *read_buffer, size_t buffer_len,
                  char *err, size_t errlen)
{
    static const uint8_t gzip_magic[2] = {0x1f, 0x8b};
    static const uint8_t zstd_magic[4] = {0x28, 0xb5, 0x2f, 0xfd};
    uint8_t head[4] = {0};

    FILE *raw = fopen(path, "rb");
    if (!raw) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    if (read_buffer) {
        setvbuf(raw, read_buffer, _IOFBF, buffer_len);
        /* Read once from start to end: the kernel may read further ahead. */
        (void)posix_fadvise(fileno(raw), 0, 0, POSIX_FADV_SEQUENTIAL);
    }
    size_t got = fread(head, 1, sizeof(head), raw);
    if (ferror(raw) || fseek(raw, 0, SEEK_SET) != 0) {
        snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
        fclose(raw);
        return NULL;
    }
    if (got >= 2 && memcmp(head, gzip_magic, 2) == 0) {
        fclose(raw);
        *kind = COMPRESSION_GZIP;
        return open_gzip(path, err, errlen);
    }
    if (got >= 4 && memcmp(head, zstd_magic, 4) == 0) {
        *kind = COMPRESSION_ZSTD;
        return open_zstd(raw, path, err, errlen);
    }
    *kind = COMPRESSION_NONE;
    return raw;
}
