/*
 * Writing a file's traffic and evidence rows fast: in the order of the
 * tables' keys, many rows to a statement, with statements kept for the
 * life of the store.
 *
 * traffic_row and evidence_row are WITHOUT ROWID tables whose keys begin
 * with file_id, so a new file's rows all go after every row stored. In key
 * order each row lands on the last leaf of the tree, which stays in the
 * page cache, and SQLite fills the pages it splits off at the right edge
 * to the brim: in the order the counting left them (a hash table's), the
 * rows fell all over the file's range of leaves, which outgrew the cache
 * and were left half full. Several rows to one INSERT pay the statement's
 * own cost (cursor, seek from the root, halt) once for all of them.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/hash_index.h"
#include "../common/sort.h"
#include "../common/xalloc.h"
#include "store_int.h"

/* SQLite's order of two BLOBs: their common length's bytes, then the shorter first. */
int store_blob_order(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c)
        return c;
    return (alen > blen) - (alen < blen);
}

/*
 * store_blob_order() of the stored addresses (4 bytes for IPv4, 16 for every
 * other), on 64-bit words: sorting a file's rows compares addresses more
 * than anything else, and memcmp() calls cost more than the compares.
 */
/* An address's first 8 stored bytes, zero-padded: their order is store_blob_order()'s, ties aside.
 */
static uint64_t addr_word(const struct ip_addr *addr)
{
    return addr_is_v4(addr) ? addr_be64(addr->b + 8) << 32 : addr_be64(addr->b);
}

static int addr_order(const struct ip_addr *a, const struct ip_addr *b)
{
    bool a4 = addr_is_v4(a), b4 = addr_is_v4(b);
    uint64_t x = addr_word(a), y = addr_word(b);
    /* An IPv4 address's 4 bytes fill x's high half: compare those alone against IPv6. */
    if (a4 != b4) {
        x >>= 32;
        y >>= 32;
        if (x != y)
            return x < y ? -1 : 1;
        return a4 ? -1 : 1;
    }
    if (x == y && !a4) {
        x = addr_be64(a->b + 8);
        y = addr_be64(b->b + 8);
    }
    return (x > y) - (x < y);
}

int store_row_order(const void *a, const void *b)
{
    const struct cube_key *x = &(*(const struct cube_row *const *)a)->key;
    const struct cube_key *y = &(*(const struct cube_row *const *)b)->key;
    int c;
    if (x->bin != y->bin)
        return x->bin < y->bin ? -1 : 1;
    /*
     * The store keys rows by the sensor's id, given to a file's sensors in
     * this order when they are new (store_write.c): the same order for the
     * first file, close to it later (a store rarely has more than one).
     */
    if ((c = addr_order(&x->sensor, &y->sensor)) || (c = addr_order(&x->remote, &y->remote)))
        return c;
    if (x->proto != y->proto)
        return x->proto < y->proto ? -1 : 1;
    if (x->initiator != y->initiator)
        return x->initiator < y->initiator ? -1 : 1;
    return (x->service > y->service) - (x->service < y->service);
}

/*
 * A row's place in store_row_order() as two words: hi the bin (counted from
 * the first, in bins) and the rank of the sensor among the rows' sensors,
 * lo the remote's first 8 bytes as stored. Rows of equal words (one remote's
 * protocols and services, or IPv6 remotes alike in their first half) are
 * ordered by store_row_order() itself.
 */
struct sort_entry {
    uint64_t hi, lo;
    const struct cube_row *row;
};

static bool entry_before(const struct sort_entry *x, const struct sort_entry *y)
{
    if (x->hi != y->hi)
        return x->hi < y->hi;
    if (x->lo != y->lo)
        return x->lo < y->lo;
    return store_row_order(&x->row, &y->row) < 0;
}

/*
 * A stable merge sort of the entries, with its compares inline: qsort()
 * moves 24-byte elements a byte count at a time and calls its comparator
 * through a pointer, which cost more than the compares themselves.
 */
#define SORT_RUN 24 /* entries sorted by insertion before the merges */

static void sort_entries(struct sort_entry *v, size_t n)
{
    for (size_t lo = 0; lo < n; lo += SORT_RUN) {
        size_t hi = lo + SORT_RUN < n ? lo + SORT_RUN : n;
        for (size_t i = lo + 1; i < hi; i++) {
            struct sort_entry e = v[i];
            size_t j = i;
            for (; j > lo && entry_before(&e, &v[j - 1]); j--)
                v[j] = v[j - 1];
            v[j] = e;
        }
    }
    if (n <= SORT_RUN)
        return;
    struct sort_entry *from = v, *to = xmalloc(st_mult(n, sizeof(*to)));
    for (size_t width = SORT_RUN; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi)
                to[o++] = entry_before(&from[b], &from[a]) ? from[b++] : from[a++];
            while (a < mid)
                to[o++] = from[a++];
            while (b < hi)
                to[o++] = from[b++];
        }
        struct sort_entry *swap = from;
        from = to;
        to = swap;
    }
    if (from != v) {
        memcpy(v, from, n * sizeof(*v));
        free(from);
    } else {
        free(to);
    }
}

static const void *sensor_key(const void *rows, uint32_t row, void *scratch, size_t *len)
{
    (void)scratch;
    *len = sizeof(struct ip_addr);
    return (const struct ip_addr *)rows + row;
}

/* A distinct sensor and where rank_sensors() first met it. */
struct found_sensor {
    struct ip_addr addr;
    uint32_t at;
};

static int found_sensor_order(const void *a, const void *b)
{
    return addr_order(&((const struct found_sensor *)a)->addr,
                      &((const struct found_sensor *)b)->addr);
}

/*
 * Each row's sensor's rank among the rows' distinct sensors in store order,
 * in sensor_of[]. Returns how many distinct sensors there are.
 */
static size_t rank_sensors(const struct cube_row *const *rows, size_t n, uint32_t *sensor_of)
{
    struct hash_index index;
    hash_index_init(&index, sensor_key, 16);
    struct ip_addr *sensors = NULL;
    size_t count = 0, alloc = 0;
    for (size_t i = 0; i < n; i++) {
        const struct ip_addr *sensor = &rows[i]->key.sensor;
        if (i && addr_equal(sensor, &rows[i - 1]->key.sensor)) {
            sensor_of[i] = sensor_of[i - 1];
            continue;
        }
        if (count == alloc) {
            alloc = alloc ? 2 * alloc : 16;
            sensors = xreallocarray(sensors, alloc, sizeof(*sensors));
        }
        uint32_t at =
            hash_index_find_or_add(&index, sensors, sensor, sizeof(*sensor), (uint32_t)count);
        if (at == count)
            sensors[count++] = *sensor;
        sensor_of[i] = at;
    }
    hash_index_release(&index);
    /* Ranks in store order: the few sensors are sorted, not the rows. */
    struct found_sensor *found = xmalloc(st_mult(count ? count : 1, sizeof(*found)));
    uint32_t *rank = xmalloc(st_mult(count ? count : 1, sizeof(*rank)));
    for (size_t i = 0; i < count; i++)
        found[i] = (struct found_sensor){sensors[i], (uint32_t)i};
    qsort(found, count, sizeof(*found), found_sensor_order);
    for (size_t r = 0; r < count; r++)
        rank[found[r].at] = (uint32_t)r;
    for (size_t i = 0; i < n; i++)
        sensor_of[i] = rank[sensor_of[i]];
    free(rank);
    free(found);
    free(sensors);
    return count;
}

/*
 * Whether the rows' bins are whole quarter hours spanning at most 2^32 of
 * them, which the fast sorts count from *bin_min; *bins is their span.
 */
static bool bins_countable(const struct cube_row *const *rows, size_t n, int64_t *bin_min,
                           uint64_t *bins)
{
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    bool whole = true;
    for (size_t i = 0; i < n; i++) {
        const struct cube_key *k = &rows[i]->key;
        whole &= k->bin % STORE_BIN_SECONDS == 0;
        lo = k->bin < lo ? k->bin : lo;
        hi = k->bin > hi ? k->bin : hi;
    }
    if (!whole || lo < -STORE_SECONDS_MAX || hi > STORE_SECONDS_MAX ||
        (hi - lo) / STORE_BIN_SECONDS > UINT32_MAX)
        return false;
    *bin_min = lo;
    *bins = (uint64_t)((hi - lo) / STORE_BIN_SECONDS) + 1;
    return true;
}

void store_sort_pointers(const struct cube_row **rows, size_t n)
{
    if (n < 2)
        return;
    int64_t bin_min;
    uint64_t bins;
    /* Bins that are not whole quarter hours, or span more than 32 bits of them, take the long way.
     */
    if (!bins_countable(rows, n, &bin_min, &bins)) {
        qsort(rows, n, sizeof(*rows), store_row_order);
        return;
    }
    uint32_t *sensor_rank = xmalloc(st_mult(n, sizeof(*sensor_rank)));
    rank_sensors(rows, n, sensor_rank);
    struct sort_entry *entries = xmalloc(st_mult(n, sizeof(*entries)));
    for (size_t i = 0; i < n; i++) {
        const struct cube_key *k = &rows[i]->key;
        uint64_t bin = (uint64_t)((k->bin - bin_min) / STORE_BIN_SECONDS);
        entries[i].hi = bin << 32 | sensor_rank[i];
        entries[i].lo = addr_word(&k->remote);
        entries[i].row = rows[i];
    }
    free(sensor_rank);
    sort_entries(entries, n);
    for (size_t i = 0; i < n; i++)
        rows[i] = entries[i].row;
    free(entries);
}

void store_sort_spilled(const struct cube_row **rows, size_t n)
{
    int64_t bin_min;
    uint64_t bins;
    if (n < 2 || !bins_countable(rows, n, &bin_min, &bins)) {
        store_sort_pointers(rows, n);
        return;
    }
    uint32_t *rank = xmalloc(st_mult(n, sizeof(*rank)));
    /* n >= 2, so at least one sensor; the test says so again before the division. */
    uint64_t sensors = rank_sensors(rows, n, rank);
    if (sensors == 0 || bins > UINT32_MAX / sensors) {
        free(rank);
        store_sort_pointers(rows, n);
        return;
    }
    /* Each row's (bin, sensor) as one number below bins * sensors, sorted a byte at a time. */
    uint32_t *key = rank, *key_to = xmalloc(st_mult(n, sizeof(*key_to)));
    for (size_t i = 0; i < n; i++)
        key[i] = (uint32_t)((uint64_t)(rows[i]->key.bin - bin_min) / STORE_BIN_SECONDS * sensors +
                            rank[i]);
    const struct cube_row **rows_to = xmalloc(st_mult(n, sizeof(*rows_to)));
    const struct cube_row **from = rows;
    for (unsigned shift = 0; shift < 32 && (bins * sensors - 1) >> shift; shift += 8) {
        size_t at[256] = {0};
        for (size_t i = 0; i < n; i++)
            at[key[i] >> shift & 0xff]++;
        radix_starts(at, 256);
        for (size_t i = 0; i < n; i++) {
            size_t to = at[key[i] >> shift & 0xff]++;
            rows_to[to] = from[i];
            key_to[to] = key[i];
        }
        const struct cube_row **r = from;
        from = rows_to;
        rows_to = r;
        uint32_t *k = key;
        key = key_to;
        key_to = k;
    }
    if (from != rows)
        memcpy(rows, from, n * sizeof(*rows));
    /* A (bin, sensor) whose remotes are of both families: spill and store order differ there. */
    for (size_t start = 0, end; start < n; start = end) {
        bool v4 = addr_is_v4(&rows[start]->key.remote), mixed = false;
        for (end = start + 1; end < n && key[end] == key[start]; end++)
            mixed |= addr_is_v4(&rows[end]->key.remote) != v4;
        if (mixed)
            qsort(rows + start, end - start, sizeof(*rows), store_row_order);
    }
    free(key);
    free(key_to);
    free(from == rows ? rows_to : from);
}

const struct cube_row **store_sort_rows(struct cube *cube, size_t *count)
{
    size_t n = cube_row_count(cube);
    const struct cube_row **rows = xmalloc(st_mult(n ? n : 1, sizeof(*rows)));
    for (size_t i = 0; i < n; i++)
        rows[i] = cube_row_at(cube, (uint32_t)i);
    store_sort_pointers(rows, n);
    *count = n;
    return rows;
}

/* ---- many rows to a statement ----------------------------------------------------- */

/* Rows of one INSERT: 64 of traffic_row's 14 columns are 896 parameters, far below
 * SQLite's limit (32,766), and the statement's own cost is under 2 % of its rows'. */
#define ROWS_PER_INSERT 64
#define ROW_COLUMNS_MAX 14

enum row_table { ROWS_TRAFFIC, ROWS_EVIDENCE };

static const struct row_sql {
    const char *head;   /* INSERT ... VALUES */
    const char *upsert; /* what a row of a key already there does (live captures) */
    size_t columns;
    size_t blob_column; /* the remote address, the one column that is no integer */
} row_sql[] = {
    [ROWS_TRAFFIC] =
        {
            "INSERT INTO traffic_row (file_id, bin, sensor_id, remote, proto, initiator,"
            " service, packets_in, packets_out, bytes_in, bytes_out, flows, first_off,"
            " last_off) VALUES ",
            " ON CONFLICT (file_id, bin, sensor_id, remote, proto, initiator, service) DO UPDATE"
            " SET packets_in = packets_in + excluded.packets_in,"
            " packets_out = packets_out + excluded.packets_out,"
            " bytes_in = bytes_in + excluded.bytes_in, bytes_out = bytes_out + excluded.bytes_out,"
            " flows = flows + excluded.flows, first_off = min(first_off, excluded.first_off),"
            " last_off = max(last_off, excluded.last_off)",
            14,
            3,
        },
    [ROWS_EVIDENCE] =
        {
            "INSERT INTO evidence_row (file_id, bin, remote, value_id, count) VALUES ",
            " ON CONFLICT (file_id, bin, remote, value_id) DO UPDATE SET"
            " count = count + excluded.count",
            5,
            2,
        },
};

/* One row waiting for its INSERT: the integer columns, and the blob's bytes. */
struct pending_row {
    int64_t value[ROW_COLUMNS_MAX];
    uint8_t blob[STORE_ADDR_MAX];
    size_t blob_len;
};

struct row_writer {
    struct store *store;
    const struct row_sql *sql;
    sqlite3_stmt *one, *many;
    struct pending_row pending[ROWS_PER_INSERT];
    size_t count;
};

/* "INSERT ... VALUES (?,...,?),...": rows rows for table (add: the upsert); the caller frees it. */
static char *rows_sql_text(const struct row_sql *sql, bool add, size_t rows)
{
    size_t row_len = 2 * sql->columns + 2; /* "(?,?,...,?)," */
    size_t len = strlen(sql->head) + rows * row_len + strlen(sql->upsert) + 1;
    char *text = xmalloc(len);
    char *at = text + strlen(strcpy(text, sql->head));
    for (size_t r = 0; r < rows; r++) {
        *at++ = r ? ',' : '(';
        if (r)
            *at++ = '(';
        for (size_t c = 0; c < sql->columns; c++) {
            *at++ = '?';
            *at++ = c + 1 < sql->columns ? ',' : ')';
        }
    }
    strcpy(at, add ? sql->upsert : "");
    return text;
}

/* The store's statement of rows rows for table (add: the upsert), made at its first use. */
static sqlite3_stmt *rows_statement(struct store *s, enum row_table table, bool add, size_t rows)
{
    sqlite3_stmt **slot = &s->row_inserts[table][add][rows > 1];
    if (!*slot) {
        char *text = rows_sql_text(&row_sql[table], add, rows);
        store_statement(s, slot, text);
        free(text);
    }
    return *slot;
}

static void row_writer_init(struct row_writer *w, struct store *s, enum row_table table, bool add)
{
    w->store = s;
    w->sql = &row_sql[table];
    w->one = rows_statement(s, table, add, 1);
    w->many = rows_statement(s, table, add, ROWS_PER_INSERT);
    w->count = 0;
}

static void bind_row(sqlite3_stmt *st, const struct row_sql *sql, int first,
                     const struct pending_row *row)
{
    for (size_t c = 0; c < sql->columns; c++) {
        int at = first + (int)c;
        if (c == sql->blob_column)
            sqlite3_bind_blob(st, at, row->blob, (int)row->blob_len, SQLITE_STATIC);
        else
            sqlite3_bind_int64(st, at, row->value[c]);
    }
}

static int step_once(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Inserts the rows waiting: a full set in one statement, fewer one by one. */
static int row_writer_flush(struct row_writer *w)
{
    int ret = 0;
    if (!w->one || !w->many)
        ret = -1;
    else if (w->count == ROWS_PER_INSERT) {
        for (size_t r = 0; r < w->count; r++)
            bind_row(w->many, w->sql, (int)(r * w->sql->columns) + 1, &w->pending[r]);
        ret = step_once(w->many);
    } else {
        for (size_t r = 0; r < w->count && ret == 0; r++) {
            bind_row(w->one, w->sql, 1, &w->pending[r]);
            ret = step_once(w->one);
        }
    }
    w->count = 0;
    return ret;
}

/* The next row to fill in, after inserting the full set when there is one. */
static struct pending_row *row_writer_next(struct row_writer *w, int *status)
{
    if (w->count == ROWS_PER_INSERT && row_writer_flush(w) < 0)
        *status = -1;
    return &w->pending[w->count++];
}

/* ---- traffic rows ------------------------------------------------------------------ */

/* Rows of a cube that spilled are read back merged, a range of remotes at a time. */
#define STORE_CHUNK_ROWS 65536

static int write_traffic(struct row_writer *w, int64_t file_id, const struct cube_row *const *rows,
                         size_t n)
{
    int status = 0;
    for (size_t i = 0; i < n && status == 0; i++) {
        const struct cube_row *row = rows[i];
        const struct cube_counts *c = &row->counts;
        int64_t sensor;
        if (store_sensor_id(w->store, &row->key.sensor, &sensor) < 0)
            return -1;
        struct pending_row *p = row_writer_next(w, &status);
        const int64_t values[] = {
            file_id,
            row->key.bin,
            sensor,
            0, /* the remote: the blob */
            row->key.proto,
            row->key.initiator,
            row->key.service,
            (int64_t)c->packets_in,
            (int64_t)c->packets_out,
            (int64_t)c->bytes_in,
            (int64_t)c->bytes_out,
            (int64_t)c->flows,
            /* Seconds are what reports show: the store keeps no finer times. */
            store_floor_seconds(c->first_ns) - row->key.bin,
            store_floor_seconds(c->last_ns) - row->key.bin,
        };
        memcpy(p->value, values, sizeof(values));
        p->blob_len = store_addr_bytes(&row->key.remote, p->blob);
    }
    return status;
}

/* A chunk's rows (or a cube's that was not sorted), sorted here. */
static int write_cube(struct row_writer *w, int64_t file_id, struct cube *cube)
{
    size_t n;
    const struct cube_row **rows = store_sort_rows(cube, &n);
    int status = write_traffic(w, file_id, rows, n);
    free(rows);
    return status;
}

/* ---- traffic packs ---------------------------------------------------------------- */

/* Writes n rows (1..PACK_MAX_ROWS, in store_row_order()) as pack *seq of file_id. */
static int insert_pack(struct store *s, int64_t file_id, int64_t *seq,
                       const struct cube_row *const *rows, size_t n, char *err, size_t errlen)
{
    /* The views name a pack's sensors by their sensor_address ids. */
    for (size_t i = 0; i < n; i++) {
        int64_t id;
        prefetch_row(rows, i, n);
        if ((i == 0 || !addr_equal(&rows[i - 1]->key.sensor, &rows[i]->key.sensor)) &&
            store_sensor_id(s, &rows[i]->key.sensor, &id) < 0)
            return store_fail_db(s, "cannot store a capture file", err, errlen);
    }
    if (traffic_pack_encode(rows, n, &s->pack) < 0) {
        snprintf(err, errlen, "store '%s': cannot pack the traffic rows of a file", s->path);
        return -1;
    }
    sqlite3_stmt *st = store_statement(s, &s->insert_pack,
                                       "INSERT INTO traffic_pack (file_id, seq, bin_first,"
                                       " bin_last, rows, data) VALUES (?, ?, ?, ?, ?, ?)");
    if (!st)
        return store_fail_db(s, "cannot store a capture file", err, errlen);
    sqlite3_bind_int64(st, 1, file_id);
    sqlite3_bind_int64(st, 2, (*seq)++);
    sqlite3_bind_int64(st, 3, rows[0]->key.bin);
    sqlite3_bind_int64(st, 4, rows[n - 1]->key.bin);
    sqlite3_bind_int64(st, 5, (int64_t)n);
    sqlite3_bind_blob(st, 6, s->pack.data, (int)s->pack.len, SQLITE_STATIC);
    if (step_once(st) < 0)
        return store_fail_db(s, "cannot store a capture file", err, errlen);
    return 0;
}

static int write_packs(struct store *s, int64_t file_id, int64_t *seq,
                       const struct cube_row *const *rows, size_t n, char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i += PACK_MAX_ROWS)
        if (insert_pack(s, file_id, seq, rows + i, n - i < PACK_MAX_ROWS ? n - i : PACK_MAX_ROWS,
                        err, errlen) < 0)
            return -1;
    return 0;
}

/* A file's rows in packs: a cube that spilled is read back a chunk at a time, each sorted. */
static int insert_packed(struct store *s, int64_t file_id, struct cube *cube,
                         const struct cube_row *const *sorted, char *err, size_t errlen)
{
    int64_t seq = 0;
    size_t n;
    if (!cube_spilled(cube)) {
        const struct cube_row **own = sorted ? NULL : store_sort_rows(cube, &n);
        int status =
            write_packs(s, file_id, &seq, sorted ? sorted : own, cube_row_count(cube), err, errlen);
        free(own);
        return status;
    }
    int status;
    /* Read ahead: the runs are merged and sorted on a thread of their own while a chunk is packed
     * here. */
    struct cube_chunks *chunks =
        cube_chunks_open_sorted(cube, STORE_CHUNK_ROWS, true, store_sort_spilled, err, errlen);
    struct cube *chunk;
    status = chunks ? 0 : -1;
    while (status == 0 && (chunk = cube_chunks_next(chunks, &status, err, errlen)))
        status = write_packs(s, file_id, &seq, cube_chunks_sorted(chunks), cube_row_count(chunk),
                             err, errlen);
    cube_chunks_close(chunks);
    return status;
}

int store_insert_traffic(struct store *s, int64_t file_id, struct cube *cube,
                         const struct cube_row *const *sorted, bool add, char *err, size_t errlen)
{
    if (!add)
        return insert_packed(s, file_id, cube, sorted, err, errlen);
    struct row_writer w;
    int status;
    row_writer_init(&w, s, ROWS_TRAFFIC, add);
    if (!w.one || !w.many)
        return store_fail_db(s, "cannot store a capture file", err, errlen);
    if (!cube_spilled(cube)) {
        status = sorted ? write_traffic(&w, file_id, sorted, cube_row_count(cube))
                        : write_cube(&w, file_id, cube);
    } else {
        struct cube_chunks *chunks = cube_chunks_open(cube, STORE_CHUNK_ROWS, false, err, errlen);
        struct cube *chunk;
        status = chunks ? 0 : -1;
        while (status == 0 && (chunk = cube_chunks_next(chunks, &status, err, errlen)))
            if (write_cube(&w, file_id, chunk) < 0)
                status = store_fail_db(s, "cannot store a capture file", err, errlen);
        cube_chunks_close(chunks);
        if (status < 0)
            return -1;
    }
    if (status < 0 || row_writer_flush(&w) < 0)
        return store_fail_db(s, "cannot store a capture file", err, errlen);
    return 0;
}

/* ---- evidence rows ----------------------------------------------------------------- */

/* An evidence row as stored, its value by id: sorted by evidence_row's key. */
struct stored_evidence {
    int64_t bin, value_id, count;
    uint8_t remote[STORE_ADDR_MAX];
    size_t remote_len;
};

static int evidence_order(const void *a, const void *b)
{
    const struct stored_evidence *x = a, *y = b;
    int c;
    if (x->bin != y->bin)
        return x->bin < y->bin ? -1 : 1;
    if ((c = store_blob_order(x->remote, x->remote_len, y->remote, y->remote_len)))
        return c;
    return (x->value_id > y->value_id) - (x->value_id < y->value_id);
}

/* Rows an insert of evidence gathers and sorts at a time: its memory stays this, however many. */
#define EVIDENCE_INSERT_CHUNK 65536

/* Writes rows[0..n) in the index's order. */
static int insert_evidence_chunk(struct row_writer *w, int64_t file_id,
                                 struct stored_evidence *rows, size_t n)
{
    int status = 0;
    qsort(rows, n, sizeof(*rows), evidence_order);
    for (size_t i = 0; i < n && status == 0; i++) {
        struct pending_row *p = row_writer_next(w, &status);
        const int64_t values[] = {file_id, rows[i].bin, 0, rows[i].value_id, rows[i].count};
        memcpy(p->value, values, sizeof(values));
        memcpy(p->blob, rows[i].remote, rows[i].remote_len);
        p->blob_len = rows[i].remote_len;
    }
    return status;
}

/* ---- evidence packs ------------------------------------------------------------------------- */

/* The pack being gathered: its values (their bytes copied: a cursor's stay only until the next row)
 * and rows. */
struct evidence_packer {
    struct store *store;
    int64_t file_id, seq;
    struct evidence_pack_value *values;
    size_t value_count;
    char *bytes; /* the values' bytes, EVIDENCE_PACK_MAX_VALUE_BYTES at most */
    size_t bytes_len;
    struct evidence_pack_row *rows;
    size_t row_count;
};

static int pack_row_order(const void *a, const void *b)
{
    return evidence_pack_row_order(a, b);
}

/* Writes the pack gathered, in evidence_pack's key order, and starts the next. */
static int flush_evidence_pack(struct evidence_packer *p)
{
    if (p->row_count == 0)
        return 0;
    struct store *s = p->store;
    qsort(p->rows, p->row_count, sizeof(*p->rows), pack_row_order);
    if (evidence_pack_encode(p->values, p->value_count, p->rows, p->row_count, &s->pack) < 0)
        return -1;
    sqlite3_stmt *st = store_statement(s, &s->insert_evidence_pack,
                                       "INSERT INTO evidence_pack (file_id, seq, bin_first,"
                                       " bin_last, rows, data) VALUES (?, ?, ?, ?, ?, ?)");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, p->file_id);
    sqlite3_bind_int64(st, 2, p->seq++);
    sqlite3_bind_int64(st, 3, p->rows[0].bin);
    sqlite3_bind_int64(st, 4, p->rows[p->row_count - 1].bin);
    sqlite3_bind_int64(st, 5, (int64_t)p->row_count);
    sqlite3_bind_blob(st, 6, s->pack.data, (int)s->pack.len, SQLITE_STATIC);
    if (step_once(st) < 0)
        return -1;
    p->value_count = p->bytes_len = p->row_count = 0;
    return 0;
}

/*
 * A file's evidence in packs: the rows come value by value (spill order),
 * so each value is taken once into the pack being gathered, which is
 * written when its rows or its values' bytes are full.
 */
static int insert_evidence_packs(struct store *s, int64_t file_id, struct evidence_table *table)
{
    struct evidence_packer p = {.store = s, .file_id = file_id};
    p.values = xmalloc(EVIDENCE_PACK_MAX_ROWS * sizeof(*p.values));
    p.rows = xmalloc(EVIDENCE_PACK_MAX_ROWS * sizeof(*p.rows));
    p.bytes = xmalloc(EVIDENCE_PACK_MAX_VALUE_BYTES);
    struct evidence_cursor *cursor = evidence_cursor_open(table, true);
    const struct evidence_row *row;
    int status = 0, more;
    unsigned last_kind = 0;
    while (status == 0 && (more = evidence_cursor_next(cursor, &row)) > 0) {
        struct evidence_pack_value *last = p.value_count ? &p.values[p.value_count - 1] : NULL;
        bool same = last && row->kind == last_kind && row->len == last->len &&
                    memcmp(row->value, last->bytes, row->len) == 0;
        if (p.row_count == EVIDENCE_PACK_MAX_ROWS ||
            (!same && p.bytes_len + row->len > EVIDENCE_PACK_MAX_VALUE_BYTES)) {
            if ((status = flush_evidence_pack(&p)) < 0)
                break;
            same = false;
        }
        if (!same) {
            const char *kind = evidence_kind_name((enum evidence_kind)row->kind);
            struct evidence_pack_value *v = &p.values[p.value_count++];
            memcpy(p.bytes + p.bytes_len, row->value, row->len);
            v->kind = kind;
            v->kind_len = strlen(kind);
            v->bytes = (const uint8_t *)p.bytes + p.bytes_len;
            v->len = row->len;
            p.bytes_len += row->len;
            last_kind = row->kind;
        }
        struct evidence_pack_row *r = &p.rows[p.row_count++];
        r->bin = row->bin;
        r->remote = row->remote;
        r->value = (uint32_t)(p.value_count - 1);
        r->count = row->count;
    }
    evidence_cursor_close(cursor);
    if (status == 0 && more < 0)
        status = -1; /* a run not read back: evidence_table_error() says why */
    if (status == 0)
        status = flush_evidence_pack(&p);
    free(p.values);
    free(p.rows);
    free(p.bytes);
    return status;
}

int store_insert_evidence(struct store *s, int64_t file_id, struct cube *cube, bool add)
{
    struct evidence_table *table = cube_evidence(cube);
    if (evidence_table_count(table) == 0 && !evidence_table_spilled(table))
        return 0;
    /* A live capture's commits add onto its rows: those stay loose, where an upsert finds them. */
    if (!add)
        return insert_evidence_packs(s, file_id, table);
    if (!s->value_ids.find && store_value_ids_open(s->db, &s->value_ids) < 0)
        return -1;
    /*
     * A value's id costs a hash and a lookup; a file's rows repeat few values
     * (a flood's 31,874 rows hold 52), so the rows are read value by value
     * (spill order) and each value is looked up once. They are written a
     * chunk at a time, each in the index's order: a spilled table's rows
     * need not all be in memory at once.
     */
    struct evidence_cursor *cursor = evidence_cursor_open(table, true);
    const struct evidence_row *row;
    struct stored_evidence *rows = xmalloc(EVIDENCE_INSERT_CHUNK * sizeof(*rows));
    size_t n = 0;
    int status = 0, more = 0;
    int64_t value_id = 0;
    bool have_value = false;
    unsigned last_kind = 0;
    uint16_t last_len = 0;
    char last_value[EVIDENCE_VALUE_MAX + 1];
    struct row_writer w;
    row_writer_init(&w, s, ROWS_EVIDENCE, add);
    while (status == 0 && (more = evidence_cursor_next(cursor, &row)) > 0) {
        if (!have_value || row->kind != last_kind || row->len != last_len ||
            memcmp(row->value, last_value, row->len) != 0) {
            status = store_evidence_value_id(&s->value_ids, s->kind_ids[row->kind], row->value,
                                             row->len, &value_id);
            have_value = true;
            last_kind = row->kind;
            last_len = row->len;
            memcpy(last_value, row->value, row->len);
        }
        rows[n].bin = row->bin;
        rows[n].count = (int64_t)row->count;
        rows[n].remote_len = store_addr_bytes(&row->remote, rows[n].remote);
        rows[n].value_id = value_id;
        if (++n == EVIDENCE_INSERT_CHUNK && status == 0) {
            status = insert_evidence_chunk(&w, file_id, rows, n);
            n = 0;
        }
    }
    evidence_cursor_close(cursor);
    if (status == 0 && more < 0)
        status = -1; /* a run not read back: evidence_table_error() says why */
    if (status == 0)
        status = insert_evidence_chunk(&w, file_id, rows, n);
    if (status == 0)
        status = row_writer_flush(&w);
    free(rows);
    return status;
}

void store_rows_release(struct store *s)
{
    for (size_t t = 0; t < 2; t++)
        for (size_t a = 0; a < 2; a++)
            for (size_t m = 0; m < 2; m++) {
                sqlite3_finalize(s->row_inserts[t][a][m]);
                s->row_inserts[t][a][m] = NULL;
            }
    store_value_ids_close(&s->value_ids);
    s->value_ids.find = s->value_ids.add = NULL;
    sqlite3_finalize(s->insert_pack);
    sqlite3_finalize(s->insert_evidence_pack);
    s->insert_pack = s->insert_evidence_pack = NULL;
    free(s->pack.data);
    memset(&s->pack, 0, sizeof(s->pack));
}
