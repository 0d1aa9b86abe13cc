/*
 * Fuzz target for the bytes honeyscope-mpi's ranks exchange (mpi/wire.c):
 * byte 0 picks what the rest is, a plan (bit 0 clear; the world has
 * 1 + (byte 0 >> 1) % 8 ranks) or a file result (bit 0 set; bit 1: decoded
 * into a cube that already holds a row, as rank 0 merges).
 *
 * Checked: a refused input leaves an error and nothing decoded (a result
 * leaves the cube it was to be added to as it was); what decodes obeys the
 * limits the decoder promises (ranks, string lengths, link counts); and
 * encoding what was decoded gives bytes that decode again to the same
 * encoding (one round trip normalises: repeated keys add up, prefixes lose
 * their host bits).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../../mpi/dist.h"
#include "fuzz.h"

static void check_plan(const uint8_t *data, size_t size, unsigned ranks)
{
    struct dist_plan plan, again;
    struct wire_buf buf, buf2;
    char err[256] = "";
    if (wire_plan_decode(&plan, data, size, ranks, err, sizeof(err)) < 0) {
        FUZZ_CHECK(err[0] != '\0');
        FUZZ_CHECK(plan.file_count == 0 && plan.files == NULL && plan.sensors.count == 0);
        return;
    }
    FUZZ_CHECK(plan.verb == DIST_INGEST || plan.verb == DIST_REPORT);
    FUZZ_CHECK(plan.status >= -1 && plan.status <= 255);
    for (size_t i = 0; i < plan.file_count; i++) {
        FUZZ_CHECK(plan.files[i].rank < ranks);
        FUZZ_CHECK(plan.files[i].path[0] != '\0' && strlen(plan.files[i].path) <= 4095);
        FUZZ_CHECK(plan.files[i].size >= 0);
    }
    for (size_t i = 0; i < plan.sensors.count; i++)
        FUZZ_CHECK(plan.sensors.prefixes[i].len <= 128);
    wire_buf_init(&buf);
    wire_plan_encode(&plan, &buf);
    FUZZ_CHECK(wire_plan_decode(&again, buf.data, buf.len, ranks, err, sizeof(err)) == 0);
    FUZZ_CHECK(again.file_count == plan.file_count);
    wire_buf_init(&buf2);
    wire_plan_encode(&again, &buf2);
    FUZZ_CHECK(buf2.len == buf.len && memcmp(buf2.data, buf.data, buf.len) == 0);
    wire_buf_release(&buf2);
    wire_buf_release(&buf);
    dist_plan_release(&again);
    dist_plan_release(&plan);
}

/* A row an earlier result left in the cube a result is added to. */
static struct cube *cube_with_one_row(void)
{
    struct cube *cube = cube_new();
    struct cube_key key;
    memset(&key, 0, sizeof(key));
    key.bin = 1233446400;
    FUZZ_CHECK(addr_parse(&key.sensor, "192.0.2.10") == 0);
    FUZZ_CHECK(addr_parse(&key.remote, "198.51.100.7") == 0);
    key.service = 445;
    key.proto = 6;
    key.initiator = INITIATOR_REMOTE;
    struct cube_counts *c = &cube_row_at(cube, cube_lookup(cube, &key))->counts;
    c->packets_in = 3;
    c->flows = 1;
    c->first_ns = c->last_ns = key.bin * 1000000000;
    return cube;
}

/* Every count of the cube's rows added up, to see that a refusal added nothing. */
static uint64_t cube_total(struct cube *cube)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < cube_row_count(cube); i++) {
        const struct cube_counts *c = &cube_row_at(cube, (uint32_t)i)->counts;
        sum += c->packets_in + c->packets_out + c->bytes_in + c->bytes_out + c->flows;
    }
    return sum;
}

static void encode_decoded(const struct file_result *r, struct wire_buf *out)
{
    wire_buf_init(out);
    wire_result_encode(r, (uint32_t)r->index, out); /* decoded from 32 bits */
}

static void check_result(const uint8_t *data, size_t size, bool into_cube)
{
    struct file_result r, again;
    struct wire_buf buf, buf2;
    char err[256] = "";
    struct cube *into = into_cube ? cube_with_one_row() : NULL;
    size_t rows_before = into ? cube_row_count(into) : 0;
    uint64_t total_before = into ? cube_total(into) : 0;
    int ret = wire_result_decode(&r, data, size, into, err, sizeof(err));
    if (ret < 0) {
        FUZZ_CHECK(err[0] != '\0');
        FUZZ_CHECK(r.cube == NULL);
        if (into) {
            FUZZ_CHECK(cube_row_count(into) == rows_before);
            FUZZ_CHECK(cube_total(into) == total_before);
            FUZZ_CHECK(evidence_table_count(cube_evidence(into)) == 0);
        }
        cube_free(into);
        return;
    }
    FUZZ_CHECK(into ? r.cube == NULL : r.cube != NULL);
    FUZZ_CHECK(strlen(r.error) < sizeof(r.error));
    FUZZ_CHECK(r.status == 0 || r.error[0] != '\0');
    FUZZ_CHECK(r.stats.unsupported_link_count <= 8);
    FUZZ_CHECK(strlen(r.stats.format) < sizeof(r.stats.format));
    if (into) {
        FUZZ_CHECK(cube_row_count(into) >= rows_before);
        cube_free(into);
        return;
    }
    encode_decoded(&r, &buf);
    FUZZ_CHECK(wire_result_decode(&again, buf.data, buf.len, NULL, err, sizeof(err)) == 0);
    FUZZ_CHECK(cube_row_count(again.cube) == cube_row_count(r.cube));
    encode_decoded(&again, &buf2);
    FUZZ_CHECK(buf2.len == buf.len && memcmp(buf2.data, buf.data, buf.len) == 0);
    wire_buf_release(&buf2);
    wire_buf_release(&buf);
    cube_free(again.cube);
    cube_free(r.cube);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] & 1)
        check_result(data + 1, size - 1, (data[0] & 2) != 0);
    else
        check_plan(data + 1, size - 1, 1u + (unsigned)(data[0] >> 1) % 8u);
    return 0;
}
