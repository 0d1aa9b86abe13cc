/*
 * Fuzz target for the decode stage: one packet of any link type.
 *
 * Input: byte 0 picks a link type (every supported one and a few that are
 * not), byte 1 how the record's lengths relate (wire length equal to, longer
 * than, shorter than or absurdly past the captured length), the rest is the
 * captured packet. The packet is decoded from a heap copy of exactly its
 * length, so a read one byte past it is caught by AddressSanitizer, and the
 * result is checked for consistency.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/decode/decode.h"
#include "../../src/decode/scanner.h"
#include "fuzz.h"

/*
 * DLT_ numbers: every type decode_link_supported() accepts, then unsupported
 * ones (802.11, radiotap, USB, DOCSIS, a negative and a huge value).
 */
static const int link_types[] = {0,   1,   9,   12,  14,  50,  51,  101, 104, 108, 113,      192,
                                 204, 205, 228, 229, 276, 105, 127, 189, 143, -1,  INT32_MAX};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    int link_type = link_types[data[0] % (sizeof(link_types) / sizeof(link_types[0]))];
    unsigned mode = data[1] & 3u, param = data[1] >> 2;
    size_t caplen = size - 2;

    uint32_t wirelen = (uint32_t)caplen;
    switch (mode) {
    case 1: /* cut by a snap length */
        wirelen = (uint32_t)caplen + param * 97u;
        break;
    case 2: /* a corrupt record: fewer bytes on the wire than captured */
        wirelen = param;
        break;
    case 3:
        wirelen = UINT32_MAX - param;
        break;
    default:
        break;
    }

    /* An exact-size copy: libFuzzer's buffer is exact too, but be explicit. */
    uint8_t *packet = malloc(caplen ? caplen : 1);
    FUZZ_CHECK(packet != NULL);
    if (caplen)
        memcpy(packet, data + 2, caplen);

    struct decoded_packet out;
    memset(&out, 0xa5, sizeof(out));
    enum decode_result r = decode_packet(link_type, packet, caplen, wirelen, &out);
    FUZZ_CHECK((unsigned)r < DECODE_RESULT_COUNT);
    FUZZ_CHECK(strcmp(decode_result_name(r), "unknown") != 0);
    if (!decode_link_supported(link_type))
        FUZZ_CHECK(r == DECODE_UNSUPPORTED);

    if (r == DECODE_OK) {
        /* The payload lies inside the captured bytes. */
        FUZZ_CHECK(out.payload != NULL);
        FUZZ_CHECK(out.payload >= packet && out.payload <= packet + caplen);
        FUZZ_CHECK(out.payload_len <= (size_t)(packet + caplen - out.payload));
        /* An IP length is at least a header long and never exceeds the frame. */
        FUZZ_CHECK(out.ip_bytes >= 20);
        uint32_t wire = wirelen < caplen ? (uint32_t)caplen : wirelen;
        FUZZ_CHECK(out.ip_bytes <= wire);
        FUZZ_CHECK(out.is_fragment <= 1 && out.first_fragment <= 1);
        FUZZ_CHECK(!(out.is_fragment && out.first_fragment));
        if (out.is_fragment)
            FUZZ_CHECK(out.src_port == 0 && out.dst_port == 0 && out.tcp_flags == 0);
        if (out.proto != PROTO_TCP)
            FUZZ_CHECK(out.tcp_flags == 0);
        /* TCP options: at most 40 bytes, known only when all were captured. */
        FUZZ_CHECK(out.tcp_options_whole <= 1 && out.tcp_options_len <= 40);
        if (out.proto != PROTO_TCP || out.is_fragment)
            FUZZ_CHECK(!out.tcp_options_whole);
        /* Tags are read from the decoded fields alone; a fragment is never a probe. */
        enum scanner_tool tool = scanner_tag(&out);
        FUZZ_CHECK((unsigned)tool < SCANNER_TOOL_COUNT);
        FUZZ_CHECK(strcmp(scanner_tool_name(tool), "") != 0);
        if (out.is_fragment)
            FUZZ_CHECK(tool == SCANNER_NONE);
        /* Touch every payload byte: an out-of-bounds pointer shows here. */
        unsigned sum = 0;
        for (size_t i = 0; i < out.payload_len; i++)
            sum += out.payload[i];
        (void)sum;

        /* Decoding is a pure function of its input. */
        struct decoded_packet again;
        FUZZ_CHECK(decode_packet(link_type, packet, caplen, wirelen, &again) == DECODE_OK);
        FUZZ_CHECK(memcmp(&again.src, &out.src, sizeof(out.src)) == 0);
        FUZZ_CHECK(memcmp(&again.dst, &out.dst, sizeof(out.dst)) == 0);
        FUZZ_CHECK(again.ip_bytes == out.ip_bytes && again.proto == out.proto);
        FUZZ_CHECK(again.src_port == out.src_port && again.dst_port == out.dst_port);
    }
    free(packet);
    return 0;
}
