/*
 * Unit tests of the evidence stage: the capture buffers of the aggregate stage
 * (src/aggregate/capture_evidence.c): one per side, interleaved flows, the
 * long-buffer pool for SSH and JA4, ClientHellos across records.
 *
 * Helpers and sample payloads shared with the other test_evidence_*.c are
 * in evidence_fixture.h; every payload is parsed from a heap copy of exactly
 * its length, and every item is checked as it is emitted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/aggregate/aggregate_int.h"
#include "../../src/evidence/evidence.h"
#include "check.h"
#include "evidence_fixture.h"

/* ---- the capture buffers (src/aggregate/capture_evidence.c) ------------------------ */

/* A TCP port-80 flow the sensor started with remote 192.0.2.<host>. */
static void http_flow(struct flow *f, unsigned host, int64_t first_ns)
{
    memset(f, 0, sizeof(*f));
    f->key.proto = TCP;
    f->key.sensor.b[10] = f->key.sensor.b[11] = 0xff; /* ::ffff:198.51.100.7 */
    f->key.sensor.b[12] = 198;
    f->key.sensor.b[13] = 51;
    f->key.sensor.b[14] = 100;
    f->key.sensor.b[15] = 7;
    f->key.remote = f->key.sensor;
    f->key.remote.b[12] = 192;
    f->key.remote.b[13] = 0;
    f->key.remote.b[14] = 2;
    f->key.remote.b[15] = (uint8_t)host;
    f->key.sensor_port = (uint16_t)(40000 + host);
    f->key.remote_port = 80;
    f->service = 80;
    f->initiator = INITIATOR_SENSOR;
    f->first_ns = first_ns;
}

/* The count of (remote 192.0.2.<host>, kind, value) in table, 0 when absent. */
static uint64_t row_count(const struct evidence_table *t, unsigned host, enum evidence_kind kind,
                          const char *value)
{
    for (size_t i = 0; i < evidence_table_count(t); i++) {
        const struct evidence_row *r = evidence_table_at(t, i);
        if (r->remote.b[15] == host && r->kind == kind && strcmp(r->value, value) == 0)
            return r->count;
    }
    return 0;
}

/* Rows of kind for remote 192.0.2.<host>, summed over their counts. */
static uint64_t kind_total(const struct evidence_table *t, unsigned host, enum evidence_kind kind)
{
    uint64_t n = 0;
    for (size_t i = 0; i < evidence_table_count(t); i++) {
        const struct evidence_row *r = evidence_table_at(t, i);
        if (r->remote.b[15] == host && r->kind == kind)
            n += r->count;
    }
    return n;
}

/*
 * Sends side dir of flow f: an HTTP message of head followed by body bytes,
 * cut into packets of at most mtu bytes, each from a heap copy of its exact
 * length.
 */
static void send_side(struct evidence_capture *ec, struct flow *f, enum direction dir,
                      const char *head, size_t body, size_t mtu)
{
    size_t hn = strlen(head), n = hn + body;
    uint8_t *all = malloc(n);
    if (!all)
        abort();
    memcpy(all, head, hn);
    memset(all + hn, 'B', body);
    for (size_t at = 0; at < n; at += mtu) {
        size_t k = n - at < mtu ? n - at : mtu;
        uint8_t *pkt = malloc(k);
        if (!pkt)
            abort();
        memcpy(pkt, all + at, k);
        evidence_capture_packet(ec, f, dir, pkt, k);
        free(pkt);
    }
    free(all);
}

/*
 * One conversation after another, each response longer than its side's
 * buffer: a buffer that filled and was given back must start empty for the
 * next side that takes it, so each conversation is credited with its own
 * request and response, under its own remote, once.
 */
static void test_capture_buffer_per_side(void)
{
    struct bin_clock clock = {86400, 0, BIN_FIXED};
    struct cube *cube = cube_new();
    struct evidence_capture ec;
    /* Few buffers, so that every conversation reuses one given back. */
    evidence_capture_init(&ec, cube, &clock, 3, 0, 0);
    enum { FLOWS = 40 };
    for (unsigned i = 1; i <= FLOWS; i++) {
        struct flow f;
        http_flow(&f, i, 1233446400LL * 1000000000 + (int64_t)i);
        char req[128], resp[256];
        snprintf(req, sizeof(req), "GET /file%u HTTP/1.1\r\nHost: h%u.example\r\n\r\n", i, i);
        /* Odd conversations: a long java-vm body; even: a short text/html page. */
        size_t body = i % 2 ? 1000 + 97 * i : 50 + i;
        snprintf(resp, sizeof(resp),
                 "HTTP/1.1 200 OK\r\nContent-Type: %s\r\n"
                 "Content-Length: %zu\r\n\r\n",
                 i % 2 ? "application/java-vm" : "text/html;charset=ISO-8859-1", body);
        send_side(&ec, &f, DIR_OUT, req, 0, 1448);
        send_side(&ec, &f, DIR_IN, resp, body, i % 3 ? 1448 : 300);
        /* More bytes after a side's buffer filled: ignored, not kept anywhere. */
        if (i % 2)
            send_side(&ec, &f, DIR_IN, "HTTP/1.1 500 Late\r\n\r\n", 2000, 700);
        evidence_capture_end(&ec, &f);
    }
    const struct evidence_table *t = cube_evidence(cube);
    for (unsigned i = 1; i <= FLOWS && !check_failed_; i++) {
        char want[128];
        snprintf(want, sizeof(want), "GET /file%u", i);
        CHECK_U64(row_count(t, i, EVIDENCE_HTTP_REQUEST, want), 1);
        CHECK_U64(kind_total(t, i, EVIDENCE_HTTP_REQUEST), 1);
        size_t body = i % 2 ? 1000 + 97 * i : 50 + i;
        snprintf(want, sizeof(want), "200 %s %zu", i % 2 ? "application/java-vm" : "text/html",
                 body);
        CHECK_U64(row_count(t, i, EVIDENCE_HTTP_RESPONSE, want), 1);
        CHECK_U64(kind_total(t, i, EVIDENCE_HTTP_RESPONSE), 1);
    }
    CHECK_U64(ec.skipped, 0);
    CHECK_U64(ec.pools[EVIDENCE_POOL_SHORT].used,
              2); /* two sides at a time, buffers given back and taken again */
    evidence_capture_release(&ec);
    cube_free(cube);
}

/*
 * Conversations interleaved, as in a capture, with a pool of three buffers:
 * a's long response fills and gives back its buffer while a's request is
 * still held; b's request takes it, b's long response takes the last one and
 * gives it back full; c's request takes that, and c's response finds the
 * pool spent. Each side's bytes stay in its own buffer and under its remote.
 */
static void test_capture_buffers_interleaved(void)
{
    struct bin_clock clock = {86400, 0, BIN_FIXED};
    struct cube *cube = cube_new();
    struct evidence_capture ec;
    evidence_capture_init(&ec, cube, &clock, 3, 0, 0);
    struct flow a, b, c;
    int64_t t0 = 1233446400LL * 1000000000;
    http_flow(&a, 1, t0);
    http_flow(&b, 2, t0 + 1);
    http_flow(&c, 3, t0 + 2);
    send_side(&ec, &a, DIR_OUT, "GET /Exploit.class HTTP/1.1\r\nHost: a\r\n\r\n", 0, 1448);
    /* The request is held (its buffer not full) until a ends. */
    send_side(&ec, &a, DIR_IN,
              "HTTP/1.1 200 OK\r\nContent-Type: application/java-vm\r\n"
              "Content-Length: 1352\r\n\r\n",
              1352, 1448);
    send_side(&ec, &b, DIR_OUT, "GET /b HTTP/1.1\r\nHost: b\r\n\r\n", 0, 1448);
    send_side(&ec, &b, DIR_IN,
              "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n"
              "Content-Length: 3000\r\n\r\n",
              3000, 512);
    send_side(&ec, &c, DIR_OUT, "GET /c HTTP/1.1\r\nHost: c\r\n\r\n", 0, 1448);
    send_side(&ec, &c, DIR_IN, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", 5, 1448);
    evidence_capture_end(&ec, &b);
    evidence_capture_end(&ec, &a);
    evidence_capture_end(&ec, &c);
    const struct evidence_table *t = cube_evidence(cube);
    CHECK_U64(row_count(t, 1, EVIDENCE_HTTP_REQUEST, "GET /Exploit.class"), 1);
    CHECK_U64(row_count(t, 1, EVIDENCE_HTTP_RESPONSE, "200 application/java-vm 1352"), 1);
    CHECK_U64(row_count(t, 2, EVIDENCE_HTTP_REQUEST, "GET /b"), 1);
    CHECK_U64(row_count(t, 2, EVIDENCE_HTTP_RESPONSE, "404 text/html 3000"), 1);
    CHECK_U64(row_count(t, 3, EVIDENCE_HTTP_REQUEST, "GET /c"), 1);
    /* c's response came while a, b and c held all three buffers. */
    CHECK_U64(kind_total(t, 3, EVIDENCE_HTTP_RESPONSE), 0);
    CHECK_U64(ec.skipped, 1);
    for (unsigned h = 1; h <= 3; h++)
        CHECK_U64(kind_total(t, h, EVIDENCE_HTTP_REQUEST), 1);
    CHECK_U64(kind_total(t, 1, EVIDENCE_HTTP_RESPONSE) + kind_total(t, 2, EVIDENCE_HTTP_RESPONSE),
              2);
    evidence_capture_release(&ec);
    cube_free(cube);
}

/*
 * Banner and KEXINIT of 2.6 KiB through the capture buffers: whole in a
 * long buffer; with the long pool spent, a short buffer keeps the line only.
 */
static void test_capture_ssh_long_buffer(void)
{
    struct bin_clock clock = {86400, 0, BIN_FIXED};
    struct buf c = {{0}, 0};
    ssh_side(&c, "SSH-2.0-Cyberduck", cyberduck_lists);
    CHECK(c.n > EVIDENCE_SIDE_BYTES && c.n < EVIDENCE_LONG_SIDE_BYTES);
    for (size_t long_buffers = 0; long_buffers <= 1; long_buffers++) {
        struct cube *cube = cube_new();
        struct evidence_capture ec;
        evidence_capture_init(&ec, cube, &clock, 3, long_buffers, 0);
        struct flow f;
        http_flow(&f, 7, 1233446400LL * 1000000000);
        f.service = 22;
        f.key.sensor_port = 22;
        f.key.remote_port = 50000;
        f.initiator = INITIATOR_REMOTE; /* DIR_IN: the client's side */
        for (size_t at = 0; at < c.n; at += 500) {
            size_t n = c.n - at < 500 ? c.n - at : 500;
            evidence_capture_packet(&ec, &f, DIR_IN, c.b + at, n);
        }
        evidence_capture_end(&ec, &f);
        const struct evidence_table *t = cube_evidence(cube);
        CHECK_U64(row_count(t, 7, EVIDENCE_SSH_CLIENT, "SSH-2.0-Cyberduck"), 1);
        CHECK_U64(row_count(t, 7, EVIDENCE_SSH_HASSH, "8a8ae540028bf433cd68356c1b9e8d5b"),
                  long_buffers);
        CHECK_U64(ec.pools[EVIDENCE_POOL_LONG].used, long_buffers);
        CHECK_U64(ec.pools[EVIDENCE_POOL_SHORT].used, 1 - long_buffers);
        evidence_capture_release(&ec);
        cube_free(cube);
    }
}

/* A ClientHello of total bytes in one record, with server name a.example and padding. */
static void padded_hello(struct buf *b, size_t total)
{
    static const unsigned suites[] = {0x1301, 0x1302};
    static const uint8_t zeroes[EVIDENCE_TLS_BYTES];
    struct buf e = {{0}, 0};
    tls_ext(&e, 0,
            "\x00\x0c\x00\x00\x09"
            "a.example",
            14);
    b->n = 0;
    tls_hello(b, 0x0303, suites, 2, &e);
    size_t base = b->n + 4; /* with a padding extension's header */
    tls_ext(&e, 0x0015, zeroes, total - base);
    b->n = 0;
    tls_hello(b, 0x0303, suites, 2, &e);
}

/*
 * Feeds the n bytes at data as the client's side of a conversation to port
 * 443 of remote host, in segments of at most seg bytes; ends the flow only
 * when end is set.
 */
static void tls_client_side(struct evidence_capture *ec, struct flow *f, unsigned host,
                            const uint8_t *data, size_t n, size_t seg, int end)
{
    http_flow(f, host, 1233446400LL * 1000000000);
    f->service = 443;
    f->key.sensor_port = 443;
    f->key.remote_port = 50000;
    f->initiator = INITIATOR_REMOTE; /* DIR_IN: the client's side */
    for (size_t at = 0; at < n; at += seg)
        evidence_capture_packet(ec, f, DIR_IN, data + at, n - at < seg ? n - at : seg);
    if (end)
        evidence_capture_end(ec, f);
}

/*
 * A ClientHello longer than the 1024 bytes a side keeps takes a buffer as
 * long as its record announces, from the 4 KiB pool or, past 4 KiB, the pool
 * of whole records, and gives its JA4 as soon as its bytes are in: the
 * buffer goes back before the conversation ends. Up to 1024 bytes, an
 * ordinary buffer.
 */
static void test_capture_ja4_long_hello(void)
{
    struct bin_clock clock = {86400, 0, BIN_FIXED};
    static const struct {
        size_t total;
        int pool;
    } cases[] = {
        {EVIDENCE_SIDE_BYTES, EVIDENCE_POOL_SHORT},
        {EVIDENCE_SIDE_BYTES + 1, EVIDENCE_POOL_LONG},
        {1800, EVIDENCE_POOL_LONG},
        {EVIDENCE_LONG_SIDE_BYTES, EVIDENCE_POOL_LONG},
        {EVIDENCE_LONG_SIDE_BYTES + 1, EVIDENCE_POOL_RECORD},
        {EVIDENCE_TLS_BYTES, EVIDENCE_POOL_RECORD},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        static struct buf b;
        padded_hello(&b, cases[k].total);
        CHECK_U64(b.n, cases[k].total);
        char want[64];
        snprintf(want, sizeof(want), "%s", ja4_of(&b));
        CHECK(want[0] != '\0');
        struct cube *cube = cube_new();
        struct evidence_capture ec;
        evidence_capture_init(&ec, cube, &clock, 3, 3, 3);
        struct flow f;
        tls_client_side(&ec, &f, 9, b.b, b.n, 1448, 0);
        const struct evidence_table *t = cube_evidence(cube);
        /* Parsed with its last byte, the conversation still open. */
        CHECK_U64(row_count(t, 9, EVIDENCE_TLS_SNI, "a.example"), 1);
        CHECK_U64(row_count(t, 9, EVIDENCE_TLS_JA4, want), 1);
        for (int p = 0; p < EVIDENCE_POOLS; p++) {
            CHECK_U64(ec.pools[p].used, p == cases[k].pool);
            CHECK_U64(ec.pools[p].free_count, p == cases[k].pool);
        }
        /* Bytes after the hello (a client's next records) change nothing. */
        evidence_capture_packet(&ec, &f, DIR_IN, b.b, 100);
        evidence_capture_end(&ec, &f);
        CHECK_U64(kind_total(t, 9, EVIDENCE_TLS_JA4), 1);
        evidence_capture_release(&ec);
        cube_free(cube);
    }
}

/*
 * When the pool a hello needs is spent, the next shorter one serves: the
 * hello is cut there and gives its server name, not its JA4. With no long
 * buffers at all, a hello of 1025 bytes is cut at 1024.
 */
static void test_capture_ja4_pool_spent(void)
{
    struct bin_clock clock = {86400, 0, BIN_FIXED};
    static const struct {
        size_t total, long_buffers, record_buffers;
        int pool;
    } cases[] = {
        {EVIDENCE_SIDE_BYTES + 1, 0, 3, EVIDENCE_POOL_SHORT},
        {EVIDENCE_LONG_SIDE_BYTES + 1, 3, 0, EVIDENCE_POOL_LONG},
        {EVIDENCE_LONG_SIDE_BYTES + 1, 0, 0, EVIDENCE_POOL_SHORT},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        static struct buf b;
        padded_hello(&b, cases[k].total);
        struct cube *cube = cube_new();
        struct evidence_capture ec;
        evidence_capture_init(&ec, cube, &clock, 3, cases[k].long_buffers, cases[k].record_buffers);
        struct flow f;
        tls_client_side(&ec, &f, 9, b.b, b.n, 400, 1);
        const struct evidence_table *t = cube_evidence(cube);
        CHECK_U64(row_count(t, 9, EVIDENCE_TLS_SNI, "a.example"), 1);
        CHECK_U64(kind_total(t, 9, EVIDENCE_TLS_JA4), 0);
        for (int p = 0; p < EVIDENCE_POOLS; p++)
            CHECK_U64(ec.pools[p].used, p == cases[k].pool);
        CHECK_U64(ec.skipped, 0);
        evidence_capture_release(&ec);
        cube_free(cube);
    }
}

/*
 * A 1.8 KB hello in records of 1000 bytes, over two segments: the buffer
 * holds both records (and their headers) and gives the JA4 of the hello
 * sent in one record.
 */
static void test_capture_ja4_hello_in_records(void)
{
    struct bin_clock clock = {86400, 0, BIN_FIXED};
    static struct buf b, split;
    padded_hello(&b, 1800);
    char want[64];
    snprintf(want, sizeof(want), "%s", ja4_of(&b));
    split.n = 0;
    for (size_t at = 5; at < b.n; at += 1000) {
        size_t n = b.n - at < 1000 ? b.n - at : 1000;
        put8(&split, 22);
        put16(&split, 0x0301);
        put16(&split, (unsigned)n);
        putn(&split, b.b + at, n);
    }
    CHECK_U64(split.n, 1805);
    struct cube *cube = cube_new();
    struct evidence_capture ec;
    evidence_capture_init(&ec, cube, &clock, 3, 3, 3);
    struct flow f;
    tls_client_side(&ec, &f, 9, split.b, split.n, 1448, 0);
    const struct evidence_table *t = cube_evidence(cube);
    CHECK_U64(row_count(t, 9, EVIDENCE_TLS_JA4, want), 1);
    CHECK_U64(ec.pools[EVIDENCE_POOL_LONG].free_count, 1);
    evidence_capture_end(&ec, &f);
    evidence_capture_release(&ec);
    cube_free(cube);
}

int main(void)
{
    RUN(test_capture_buffer_per_side);
    RUN(test_capture_buffers_interleaved);
    RUN(test_capture_ssh_long_buffer);
    RUN(test_capture_ja4_long_hello);
    RUN(test_capture_ja4_pool_spent);
    RUN(test_capture_ja4_hello_in_records);
    CHECK_EXIT();
}
