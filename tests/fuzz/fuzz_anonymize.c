/*
 * Fuzz target for the anonymize stage: rewriting one packet of any link type.
 *
 * Input: byte 0 picks a link type (as fuzz_decode), byte 1 the options (bit
 * 0 strips payloads, bit 1 keeps every address), the rest is the captured
 * packet, rewritten in a heap copy of exactly its length so that a read or
 * write one byte past it is caught by AddressSanitizer. Checked: the capture
 * only ever shrinks, and only when stripping; a packet left unparsed is left
 * unchanged; anonymising never changes what the decode stage makes of a
 * packet apart from its addresses (class, protocol, ports, IP length); and
 * with every address kept the bytes stay as they were.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/anonymize/anonymize.h"
#include "../../src/decode/decode.h"
#include "fuzz.h"

static const int link_types[] = {0,   1,   9,   12,  14,  50,  51,  101, 104, 108, 113,      192,
                                 204, 205, 228, 229, 276, 105, 127, 189, 143, -1,  INT32_MAX};

static struct anonymizer *anon, *keep_all;

static void setup(void)
{
    uint8_t key[CRYPTOPAN_KEY_BYTES];
    for (int i = 0; i < CRYPTOPAN_KEY_BYTES; i++)
        key[i] = (uint8_t)(i * 37 + 11);
    anon = anonymizer_new(key);
    keep_all = anonymizer_new(key);
    struct ip_prefix all;
    const char *why;
    FUZZ_CHECK(prefix_parse(&all, "0.0.0.0/0", &why) == 0);
    anonymizer_keep(keep_all, &all);
    FUZZ_CHECK(prefix_parse(&all, "::/0", &why) == 0);
    anonymizer_keep(keep_all, &all);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!anon)
        setup();
    if (size < 2)
        return 0;
    int link_type = link_types[data[0] % (sizeof(link_types) / sizeof(link_types[0]))];
    bool strip = data[1] & 1u, keep = data[1] & 2u;
    size_t len = size - 2;
    uint8_t *packet = malloc(len ? len : 1);
    FUZZ_CHECK(packet != NULL);
    if (len)
        memcpy(packet, data + 2, len);

    struct decoded_packet before, after;
    enum decode_result r0 = decode_packet(link_type, packet, len, (uint32_t)len, &before);
    struct anonymize_counts counts;
    memset(&counts, 0, sizeof(counts));
    size_t caplen = len;
    bool rewritten =
        anonymizer_packet(keep ? keep_all : anon, link_type, packet, &caplen, strip, &counts);
    FUZZ_CHECK(caplen <= len);
    FUZZ_CHECK(strip || caplen == len);
    FUZZ_CHECK(counts.packets == 1 && counts.rewritten + counts.unparsed == 1);
    FUZZ_CHECK(rewritten == (counts.rewritten == 1));
    if (!rewritten || (keep && !strip))
        FUZZ_CHECK(len == 0 || memcmp(packet, data + 2, len) == 0);
    if (!strip) {
        enum decode_result r1 = decode_packet(link_type, packet, len, (uint32_t)len, &after);
        FUZZ_CHECK(r0 == r1);
        if (r0 == DECODE_OK) {
            FUZZ_CHECK(before.proto == after.proto && before.ip_bytes == after.ip_bytes);
            FUZZ_CHECK(before.src_port == after.src_port && before.dst_port == after.dst_port);
            FUZZ_CHECK(before.payload_len == after.payload_len);
            FUZZ_CHECK(addr_is_v4(&before.src) == addr_is_v4(&after.src));
        }
    }
    free(packet);
    return 0;
}
