/*
 * Private to the capture stage: opening a file as a stdio stream that
 * decompresses gzip or zstd on the fly, so that libpcap (which reads from a
 * FILE *) never needs to know.
 */
#ifndef HONEYSCOPE_CAPTURE_INT_H
#define HONEYSCOPE_CAPTURE_INT_H

#include <stddef.h>
#include <stdio.h>

enum compression {
    COMPRESSION_NONE,
    COMPRESSION_GZIP,
    COMPRESSION_ZSTD,
};

/*
 * Opens path and returns a stream of its decompressed bytes, the compression
 * being recognised from the first bytes. *kind says which. ftello() on the
 * stream gives the offset in the decompressed bytes. Returns NULL with a
 * message in err on failure. read_buffer (buffer_len bytes, or NULL for
 * stdio's own) buffers reading the file, and must outlive the stream.
 */
FILE *stream_open(const char *path, enum compression *kind, char *read_buffer, size_t buffer_len,
                  char *err, size_t errlen);

#endif
