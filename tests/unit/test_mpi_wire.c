/*
 * Unit tests of the bytes honeyscope-mpi's ranks exchange (mpi/wire.c),
 * without MPI: plans and file results survive the round trip, the files are
 * assigned largest first to the least-loaded rank, and received bytes are
 * never trusted: every truncation, random corruption and out-of-range value
 * (counts past the end, initiators, evidence kinds and lengths, ranks) is
 * refused without reading out of bounds.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../mpi/dist.h"
#include "../../src/common/xalloc.h"
#include "../../src/evidence/evidence.h"
#include "check.h"

static struct ip_addr ip(const char *text)
{
    struct ip_addr a;
    memset(&a, 0, sizeof(a));
    if (addr_parse(&a, text) != 0)
        abort();
    return a;
}

static void add_row(struct cube *cube, int64_t bin, const char *remote, uint16_t service,
                    uint8_t initiator, uint64_t packets_in)
{
    struct cube_key key;
    memset(&key, 0, sizeof(key));
    key.bin = bin;
    key.sensor = ip("192.0.2.10");
    key.remote = ip(remote);
    key.service = service;
    key.proto = 6;
    key.initiator = initiator;
    struct cube_counts *c = &cube_row_at(cube, cube_lookup(cube, &key))->counts;
    c->packets_in += packets_in;
    c->packets_out += 2;
    c->bytes_in += 40 * packets_in;
    c->bytes_out += 80;
    c->flows += 1;
    c->first_ns = bin * 1000000000 + 5;
    c->last_ns = bin * 1000000000 + 7;
}

/* A result with n rows, and evidence when asked. */
static void make_result(struct file_result *r, size_t n, bool evidence)
{
    memset(r, 0, sizeof(*r));
    r->cube = cube_new();
    input_stats_init(&r->stats);
    r->stats.files = 1;
    r->stats.packets = 1234;
    r->stats.bad[DECODE_TRUNCATED] = 3;
    r->stats.first_ns = -5; /* before 1970: signed values must survive */
    r->stats.last_ns = 1233446400000000000LL;
    r->stats.flows.flows = 17;
    r->stats.evidence_skipped = 5;
    r->stats.evidence_dropped = 20000;
    r->stats.unsupported_links[0].link_type = 147;
    r->stats.unsupported_links[0].packets = 9;
    r->stats.unsupported_link_count = 1;
    snprintf(r->stats.format, sizeof(r->stats.format), "pcap+gzip");
    r->stats.link_type = 1;
    for (size_t i = 0; i < n; i++)
        add_row(r->cube, 1233446400 + (int64_t)(i % 7) * 900, i % 2 ? "2001:db8::1" : "10.0.0.1",
                (uint16_t)(i + 1), (uint8_t)(i % 3), i + 1);
    if (evidence) {
        struct ip_addr remote = ip("10.0.0.1");
        evidence_table_add(cube_evidence(r->cube), 1233446400, &remote, 0, "example.com", 11, 4);
        evidence_table_add(cube_evidence(r->cube), 1233446400, &remote, 1, "x\xff y", 4, 1);
    }
}

static const struct cube_row *find_row(struct cube *cube, const struct cube_row *want)
{
    for (size_t i = 0; i < cube_row_count(cube); i++) {
        const struct cube_row *row = cube_row_at(cube, (uint32_t)i);
        if (memcmp(&row->key, &want->key, sizeof(want->key)) == 0)
            return row;
    }
    return NULL;
}

static void test_result_round_trip(void)
{
    struct file_result r, back;
    struct wire_buf buf;
    char err[256];
    make_result(&r, 50, true);
    r.status = -1;
    snprintf(r.error, sizeof(r.error), "'a.pcap': truncated at byte offset 4096");
    wire_buf_init(&buf);
    wire_result_encode(&r, 7, &buf);
    CHECK(wire_result_decode(&back, buf.data, buf.len, NULL, err, sizeof(err)) == 0);
    CHECK_U64(back.index, 7);
    CHECK(back.status == -1);
    CHECK_STR(back.error, r.error);
    CHECK_U64(back.stats.packets, 1234);
    CHECK_U64(back.stats.bad[DECODE_TRUNCATED], 3);
    CHECK_U64(back.stats.evidence_skipped, 5);
    CHECK_U64(back.stats.evidence_dropped, 20000);
    CHECK(back.stats.first_ns == -5);
    CHECK(back.stats.last_ns == r.stats.last_ns);
    CHECK_U64(back.stats.unsupported_link_count, 1);
    CHECK(back.stats.unsupported_links[0].link_type == 147);
    CHECK_STR(back.stats.format, "pcap+gzip");
    CHECK_U64(cube_row_count(back.cube), cube_row_count(r.cube));
    for (size_t i = 0; back.cube && i < cube_row_count(r.cube); i++) {
        const struct cube_row *want = cube_row_at(r.cube, (uint32_t)i);
        const struct cube_row *got = find_row(back.cube, want);
        CHECK(got != NULL);
        if (got)
            CHECK(memcmp(&got->counts, &want->counts, sizeof(want->counts)) == 0);
    }
    const struct evidence_table *t = back.cube ? cube_evidence(back.cube) : NULL;
    CHECK_U64(evidence_table_count(t), 2);
    if (evidence_table_count(t) == 2) {
        CHECK_STR(evidence_table_at(t, 0)->value, "example.com");
        CHECK_U64(evidence_table_at(t, 0)->count, 4);
        CHECK_U64(evidence_table_at(t, 1)->len, 4);
    }
    cube_free(back.cube);
    cube_free(r.cube);
    wire_buf_release(&buf);
}

/* Every prefix of a valid encoding is refused, without reading past it. */
static void test_result_truncations(void)
{
    struct file_result r, back;
    struct wire_buf buf;
    char err[256];
    make_result(&r, 5, true);
    wire_buf_init(&buf);
    wire_result_encode(&r, 1, &buf);
    for (size_t len = 0; len < buf.len; len++) {
        /* A copy of exactly len bytes, so ASan sees any read past it. */
        uint8_t *copy = xmalloc(len ? len : 1);
        memcpy(copy, buf.data, len);
        int rc = wire_result_decode(&back, copy, len, NULL, err, sizeof(err));
        free(copy);
        CHECK(rc < 0);
        CHECK(back.cube == NULL);
        if (rc == 0)
            cube_free(back.cube);
    }
    /* A trailing byte too much is refused as well. */
    uint8_t *longer = xmalloc(buf.len + 1);
    memcpy(longer, buf.data, buf.len);
    longer[buf.len] = 0;
    CHECK(wire_result_decode(&back, longer, buf.len + 1, NULL, err, sizeof(err)) < 0);
    free(longer);
    cube_free(r.cube);
    wire_buf_release(&buf);
}

/* Random corruption: decoding either refuses or yields a cube; it never crashes. */
static void test_result_corruption(void)
{
    struct file_result r, back;
    struct wire_buf buf;
    char err[256];
    uint32_t state = 12345;
    make_result(&r, 20, true);
    wire_buf_init(&buf);
    wire_result_encode(&r, 3, &buf);
    uint8_t *copy = xmalloc(buf.len);
    for (int round = 0; round < 3000; round++) {
        memcpy(copy, buf.data, buf.len);
        for (int k = 0; k < 1 + round % 4; k++) {
            state = state * 1103515245u + 12345u;
            size_t at = (state >> 8) % buf.len;
            state = state * 1103515245u + 12345u;
            copy[at] = (uint8_t)(state >> 16);
        }
        if (wire_result_decode(&back, copy, buf.len, NULL, err, sizeof(err)) == 0) {
            CHECK(back.cube != NULL);
            CHECK(strlen(back.error) < sizeof(back.error));
            CHECK(back.stats.unsupported_link_count <= 8);
            cube_free(back.cube);
        }
    }
    free(copy);
    cube_free(r.cube);
    wire_buf_release(&buf);
}

/* Where the row count and the first row start: from an empty and a one-row encoding. */
static void row_offsets(size_t *count_at, size_t *row_at)
{
    struct file_result r;
    struct wire_buf buf;
    make_result(&r, 0, false);
    wire_buf_init(&buf);
    wire_result_encode(&r, 0, &buf);
    *count_at = buf.len - 16; /* the row count, then the evidence count */
    *row_at = buf.len - 8;
    cube_free(r.cube);
    wire_buf_release(&buf);
}

static void put_u64_at(uint8_t *p, uint64_t v)
{
    for (unsigned b = 0; b < 8; b++)
        p[b] = (uint8_t)(v >> (8 * b));
}

static void test_result_hostile_values(void)
{
    struct file_result r, back;
    struct wire_buf buf;
    char err[256];
    size_t count_at, row_at;
    row_offsets(&count_at, &row_at);

    /* A row count far past the bytes there: refused before any allocation. */
    make_result(&r, 1, false);
    wire_buf_init(&buf);
    wire_result_encode(&r, 0, &buf);
    put_u64_at(buf.data + count_at, UINT64_MAX / 2);
    CHECK(wire_result_decode(&back, buf.data, buf.len, NULL, err, sizeof(err)) < 0);

    /* An initiator past the last (backscatter RST). */
    buf.len = 0;
    wire_result_encode(&r, 0, &buf);
    buf.data[row_at + 8 + 16 + 16 + 2 + 1] = INITIATOR_COUNT;
    CHECK(wire_result_decode(&back, buf.data, buf.len, NULL, err, sizeof(err)) < 0);
    cube_free(r.cube);

    /* Evidence: a kind past the last, a length past the limit, a NUL inside. */
    make_result(&r, 0, false);
    struct ip_addr remote = ip("10.0.0.1");
    evidence_table_add(cube_evidence(r.cube), 0, &remote, 0, "abc", 3, 1);
    size_t kind_at = row_at + 8 + 8 + 16; /* after the row and evidence counts, bin, remote */
    buf.len = 0;
    wire_result_encode(&r, 0, &buf);
    CHECK(wire_result_decode(&back, buf.data, buf.len, NULL, err, sizeof(err)) == 0);
    cube_free(back.cube);
    buf.data[kind_at] = EVIDENCE_KIND_COUNT;
    CHECK(wire_result_decode(&back, buf.data, buf.len, NULL, err, sizeof(err)) < 0);
    buf.len = 0;
    wire_result_encode(&r, 0, &buf);
    buf.data[kind_at + 1] = 0xff; /* length 0x01ff: past EVIDENCE_VALUE_MAX */
    buf.data[kind_at + 2] = 0x01;
    CHECK(wire_result_decode(&back, buf.data, buf.len, NULL, err, sizeof(err)) < 0);
    buf.len = 0;
    wire_result_encode(&r, 0, &buf);
    buf.data[kind_at + 3 + 1] = '\0';
    CHECK(wire_result_decode(&back, buf.data, buf.len, NULL, err, sizeof(err)) < 0);

    /* A status this version never sends. */
    buf.len = 0;
    wire_result_encode(&r, 0, &buf);
    buf.data[12] = 7;
    CHECK(wire_result_decode(&back, buf.data, buf.len, NULL, err, sizeof(err)) < 0);
    cube_free(r.cube);
    wire_buf_release(&buf);
}

/* Decoded into a cube of the caller's: added to it; a malformed result adds nothing. */
static void test_result_into(void)
{
    struct file_result r, back;
    struct wire_buf buf;
    char err[256];
    make_result(&r, 10, true);
    wire_buf_init(&buf);
    wire_result_encode(&r, 2, &buf);
    struct cube *into = cube_new();
    CHECK(wire_result_decode(&back, buf.data, buf.len, into, err, sizeof(err)) == 0);
    CHECK(back.cube == NULL);
    CHECK(wire_result_decode(&back, buf.data, buf.len, into, err, sizeof(err)) == 0);
    CHECK_U64(cube_row_count(into), cube_row_count(r.cube));
    const struct cube_row *first = cube_row_at(r.cube, 0);
    const struct cube_row *twice = find_row(into, first);
    CHECK(twice != NULL);
    if (twice)
        CHECK_U64(twice->counts.packets_in, 2 * first->counts.packets_in);
    CHECK_U64(evidence_table_count(cube_evidence(into)), 2);
    CHECK_U64(evidence_table_at(cube_evidence(into), 0)->count, 8);
    cube_free(into);

    /* The last byte of the last evidence value made a NUL: the rows before it must not land. */
    into = cube_new();
    buf.data[buf.len - 9] = '\0';
    CHECK(wire_result_decode(&back, buf.data, buf.len, into, err, sizeof(err)) < 0);
    CHECK_U64(cube_row_count(into), 0);
    CHECK_U64(evidence_table_count(cube_evidence(into)), 0);
    cube_free(into);
    cube_free(r.cube);
    wire_buf_release(&buf);
}

static void make_plan(struct dist_plan *plan)
{
    struct ip_prefix prefix;
    const char *why;
    dist_plan_init(plan);
    plan->verb = DIST_INGEST;
    plan->check_identity = true;
    plan->threads = 2;
    plan->clock.width_s = 900;
    flow_config_default(&plan->flow);
    if (prefix_parse(&prefix, "192.0.2.10/32", &why) < 0)
        abort();
    sensor_set_add(&plan->sensors, &prefix);
    if (prefix_parse(&prefix, "2001:db8::/64", &why) < 0)
        abort();
    sensor_set_add(&plan->sensors, &prefix);
    const int64_t sizes[] = {10, 90, 80, 10, 10, 0};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        char path[32];
        snprintf(path, sizeof(path), "dir/f%zu.pcap", i);
        dist_plan_add(plan, path, sizes[i], 1000 + (int64_t)i);
    }
}

static void test_plan_assign(void)
{
    struct dist_plan plan;
    make_plan(&plan);
    dist_plan_assign(&plan, 2);
    /*
     * Loads count size + 1: 90 -> rank 0 (91), 80 -> 1 (81), the first 10 -> 1 (92), the
     * next -> 0 (102), the last -> 1 (103), the empty file -> 0 (103).
     */
    const uint32_t want[] = {1, 0, 1, 0, 1, 0};
    for (size_t i = 0; i < plan.file_count; i++)
        CHECK_U64(plan.files[i].rank, want[i]);
    dist_plan_assign(&plan, 1);
    for (size_t i = 0; i < plan.file_count; i++)
        CHECK_U64(plan.files[i].rank, 0);
    dist_plan_release(&plan);
}

static void test_plan_round_trip(void)
{
    struct dist_plan plan, back;
    struct wire_buf buf;
    char err[256];
    make_plan(&plan);
    dist_plan_assign(&plan, 3);
    wire_buf_init(&buf);
    wire_plan_encode(&plan, &buf);
    CHECK(wire_plan_decode(&back, buf.data, buf.len, 3, err, sizeof(err)) == 0);
    CHECK(back.status == -1);
    CHECK_U64(back.verb, DIST_INGEST);
    CHECK(back.check_identity);
    CHECK_U64(back.threads, 2);
    CHECK_U64(back.clock.width_s, 900);
    CHECK_U64(back.flow.max_flows, plan.flow.max_flows);
    CHECK_U64(back.flow.tcp_idle_s, plan.flow.tcp_idle_s);
    CHECK_U64(back.sensors.count, 2);
    CHECK_U64(back.file_count, plan.file_count);
    for (size_t i = 0; i < back.file_count && i < plan.file_count; i++) {
        CHECK_STR(back.files[i].path, plan.files[i].path);
        CHECK_U64(back.files[i].size, plan.files[i].size);
        CHECK_U64(back.files[i].mtime_ns, plan.files[i].mtime_ns);
        CHECK_U64(back.files[i].rank, plan.files[i].rank);
    }
    dist_plan_release(&back);
    /* A world too small for the ranks named is refused. */
    CHECK(wire_plan_decode(&back, buf.data, buf.len, 2, err, sizeof(err)) < 0);
    for (size_t len = 0; len < buf.len; len++) {
        uint8_t *copy = xmalloc(len ? len : 1);
        memcpy(copy, buf.data, len);
        CHECK(wire_plan_decode(&back, copy, len, 3, err, sizeof(err)) < 0);
        free(copy);
    }
    dist_plan_release(&plan);
    wire_buf_release(&buf);
}

int main(void)
{
    RUN(test_result_round_trip);
    RUN(test_result_truncations);
    RUN(test_result_corruption);
    RUN(test_result_hostile_values);
    RUN(test_result_into);
    RUN(test_plan_assign);
    RUN(test_plan_round_trip);
    CHECK_EXIT();
}
