/*
 * Fuzz target for the store's packs (src/store/pack.c), traffic and
 * evidence, which a store copied from anywhere holds. Byte 0 picks the
 * form: bit 0 clear, the rest is a pack's columns before compression (the
 * target compresses them, so that mutations reach the column decoder rather
 * than break zstd's frame), a traffic pack's, or an evidence pack's when
 * bit 6 is set too; bit 0 set, the rest is a pack as stored, read as the
 * pack its first byte names (0x65 an evidence pack, any other a traffic
 * pack). Bit 6 is one the traffic seeds of byte 0 clear have almost never
 * set, so that they stay traffic packs.
 *
 * Checked: a refused pack says why (and an evidence pack leaves nothing
 * behind); every row decoded is one a pack can hold (initiator, counts,
 * whole seconds in range; an evidence pack's values, kinds and rows in
 * their order and limits); and what was decoded, packed again, decodes to
 * the same.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <zstd.h>

#include "../../src/store/store_int.h"
#include "fuzz.h"

#define TRAFFIC_PACK_MAGIC 0x68
#define EVIDENCE_PACK_MAGIC 0x65
#define FORM_STORED 0x01
#define FORM_EVIDENCE 0x40

struct rows {
    struct cube_row *rows;
    size_t count, alloc;
};

static int collect(void *ctx, const struct cube_row *row)
{
    struct rows *r = ctx;
    FUZZ_CHECK(r->count < PACK_MAX_ROWS);
    if (r->count == r->alloc) {
        r->alloc = r->alloc ? r->alloc * 2 : 64;
        r->rows = realloc(r->rows, r->alloc * sizeof(*r->rows));
        FUZZ_CHECK(r->rows != NULL);
    }
    FUZZ_CHECK(row->key.initiator < INITIATOR_COUNT);
    FUZZ_CHECK(row->key.bin % STORE_BIN_SECONDS == 0);
    FUZZ_CHECK(row->counts.packets_in <= INT64_MAX && row->counts.packets_out <= INT64_MAX &&
               row->counts.bytes_in <= INT64_MAX && row->counts.bytes_out <= INT64_MAX &&
               row->counts.flows <= INT64_MAX);
    FUZZ_CHECK(row->counts.first_ns % 1000000000 == 0 && row->counts.last_ns % 1000000000 == 0);
    r->rows[r->count++] = *row;
    return 0;
}

static void fuzz_traffic(const uint8_t *pack, size_t len)
{
    struct rows got = {0};
    const char *why = NULL;
    if (traffic_pack_decode(pack, len, collect, &got, &why) < 0) {
        FUZZ_CHECK(why != NULL);
    } else {
        FUZZ_CHECK(got.count > 0);
        const struct cube_row **order = malloc(got.count * sizeof(*order));
        FUZZ_CHECK(order != NULL);
        for (size_t i = 0; i < got.count; i++)
            order[i] = &got.rows[i];
        struct pack_buf again = {0};
        FUZZ_CHECK(traffic_pack_encode(order, got.count, &again) == 0);
        struct rows back = {0};
        FUZZ_CHECK(traffic_pack_decode(again.data, again.len, collect, &back, &why) == 0);
        FUZZ_CHECK(back.count == got.count);
        FUZZ_CHECK(memcmp(back.rows, got.rows, got.count * sizeof(*got.rows)) == 0);
        free(back.rows);
        free(again.data);
        free(order);
    }
    free(got.rows);
}

/*
 * The store's order of two remotes: by the bytes it keeps of each, as
 * SQLite orders BLOBs. Written apart from pack.c's, so that a wrong order
 * there shows.
 */
static int remote_order(const struct ip_addr *a, const struct ip_addr *b)
{
    uint8_t x[STORE_ADDR_MAX], y[STORE_ADDR_MAX];
    size_t xlen = store_addr_bytes(a, x), ylen = store_addr_bytes(b, y);
    int c = memcmp(x, y, xlen < ylen ? xlen : ylen);
    return c ? c : (xlen > ylen) - (xlen < ylen);
}

/*
 * The rules the encoder keeps: kinds named, distinct, each kind's values
 * together (indexed in the order kinds first come); values rising strictly
 * by (kind, length, bytes), none too long, their bytes within
 * EVIDENCE_PACK_MAX_VALUE_BYTES; rows rising strictly by (bin, remote,
 * value), each of a value of the pack, bins whole quarter hours in range,
 * counts at most INT64_MAX.
 */
static void check_evidence_rules(const struct evidence_pack *p)
{
    FUZZ_CHECK(p->value_count > 0 && p->value_count <= EVIDENCE_PACK_MAX_ROWS);
    FUZZ_CHECK(p->row_count > 0 && p->row_count <= EVIDENCE_PACK_MAX_ROWS);
    const char *kinds[EVIDENCE_PACK_MAX_KINDS];
    size_t kind_lens[EVIDENCE_PACK_MAX_KINDS], kind_count = 0, value_bytes = 0;
    for (size_t i = 0; i < p->value_count; i++) {
        const struct evidence_pack_value *v = &p->values[i], *before = &p->values[i ? i - 1 : 0];
        FUZZ_CHECK(v->kind_len > 0 && v->kind_len <= EVIDENCE_PACK_KIND_MAX);
        FUZZ_CHECK(v->len <= EVIDENCE_VALUE_MAX);
        value_bytes += v->len;
        bool same_kind =
            i && before->kind_len == v->kind_len && memcmp(before->kind, v->kind, v->kind_len) == 0;
        if (!same_kind) {
            for (size_t k = 0; k < kind_count; k++)
                FUZZ_CHECK(kind_lens[k] != v->kind_len || memcmp(kinds[k], v->kind, v->kind_len));
            FUZZ_CHECK(kind_count < EVIDENCE_PACK_MAX_KINDS);
            kinds[kind_count] = v->kind;
            kind_lens[kind_count++] = v->kind_len;
        } else {
            FUZZ_CHECK(before->len <= v->len);
            FUZZ_CHECK(before->len < v->len || memcmp(before->bytes, v->bytes, v->len) < 0);
        }
    }
    FUZZ_CHECK(value_bytes <= EVIDENCE_PACK_MAX_VALUE_BYTES);
    for (size_t i = 0; i < p->row_count; i++) {
        const struct evidence_pack_row *r = &p->rows[i], *before = &p->rows[i ? i - 1 : 0];
        FUZZ_CHECK(r->bin % STORE_BIN_SECONDS == 0 && r->bin >= -STORE_SECONDS_MAX &&
                   r->bin <= STORE_SECONDS_MAX);
        FUZZ_CHECK(r->value < p->value_count && r->count <= INT64_MAX);
        if (i) {
            int c = before->bin != r->bin ? (before->bin < r->bin ? -1 : 1)
                                          : remote_order(&before->remote, &r->remote);
            FUZZ_CHECK(c < 0 || (c == 0 && before->value < r->value));
        }
    }
}

static bool same_evidence(const struct evidence_pack *a, const struct evidence_pack *b)
{
    if (a->value_count != b->value_count || a->row_count != b->row_count)
        return false;
    for (size_t i = 0; i < a->value_count; i++) {
        const struct evidence_pack_value *x = &a->values[i], *y = &b->values[i];
        if (x->kind_len != y->kind_len || memcmp(x->kind, y->kind, x->kind_len) != 0 ||
            x->len != y->len || (x->len && memcmp(x->bytes, y->bytes, x->len) != 0))
            return false;
    }
    for (size_t i = 0; i < a->row_count; i++) {
        const struct evidence_pack_row *x = &a->rows[i], *y = &b->rows[i];
        if (x->bin != y->bin || memcmp(&x->remote, &y->remote, sizeof(x->remote)) != 0 ||
            x->value != y->value || x->count != y->count)
            return false;
    }
    return true;
}

static void fuzz_evidence(const uint8_t *pack, size_t len)
{
    struct evidence_pack got;
    const char *why = NULL;
    if (evidence_pack_decode(pack, len, &got, &why) < 0) {
        FUZZ_CHECK(why != NULL);
        FUZZ_CHECK(!got.raw && !got.values && !got.rows && !got.value_count && !got.row_count);
        return;
    }
    check_evidence_rules(&got);
    struct pack_buf again = {0};
    FUZZ_CHECK(evidence_pack_encode(got.values, got.value_count, got.rows, got.row_count, &again) ==
               0);
    struct evidence_pack back;
    FUZZ_CHECK(evidence_pack_decode(again.data, again.len, &back, &why) == 0);
    FUZZ_CHECK(same_evidence(&got, &back));
    evidence_pack_free(&back);
    free(again.data);
    evidence_pack_free(&got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *pack = data + 1;
    size_t len = size - 1;
    uint8_t *own = NULL;
    bool evidence;
    if (!(data[0] & FORM_STORED)) {
        evidence = data[0] & FORM_EVIDENCE;
        size_t cap = ZSTD_compressBound(len) + 2;
        own = malloc(cap);
        FUZZ_CHECK(own != NULL);
        own[0] = evidence ? EVIDENCE_PACK_MAGIC : TRAFFIC_PACK_MAGIC;
        own[1] = 1;
        size_t n = ZSTD_compress(own + 2, cap - 2, data + 1, len, 1);
        FUZZ_CHECK(!ZSTD_isError(n));
        pack = own;
        len = n + 2;
    } else {
        evidence = len > 0 && pack[0] == EVIDENCE_PACK_MAGIC;
    }
    if (evidence)
        fuzz_evidence(pack, len);
    else
        fuzz_traffic(pack, len);
    free(own);
    return 0;
}
