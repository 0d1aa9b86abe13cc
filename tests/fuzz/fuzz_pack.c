/*
 * Fuzz target for the store's traffic packs (src/store/pack.c), which a
 * store copied from anywhere holds. Byte 0 picks the form: bit 0 clear, the
 * rest is a pack's columns before compression (the target compresses them,
 * so that mutations reach the column decoder rather than break zstd's
 * frame); bit 0 set, the rest is a pack as stored.
 *
 * Checked: a refused pack says why; every row decoded is one a pack can
 * hold (initiator, counts, whole seconds in range); and the rows decoded,
 * packed again, decode to the same rows.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <zstd.h>

#include "../../src/store/store_int.h"
#include "fuzz.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *pack = data + 1;
    size_t len = size - 1;
    uint8_t *own = NULL;
    if (!(data[0] & 1)) {
        size_t cap = ZSTD_compressBound(len) + 2;
        own = malloc(cap);
        FUZZ_CHECK(own != NULL);
        own[0] = 0x68;
        own[1] = 1;
        size_t n = ZSTD_compress(own + 2, cap - 2, data + 1, len, 1);
        FUZZ_CHECK(!ZSTD_isError(n));
        pack = own;
        len = n + 2;
    }
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
    free(own);
    return 0;
}
