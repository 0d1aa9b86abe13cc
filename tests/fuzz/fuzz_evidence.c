/*
 * Fuzz target for the evidence parsers (evidence_parse, evidence_wanted,
 * evidence_bytes_wanted):
 * the first payload bytes of one side of a conversation, DNS, HTTP/1.x, TLS
 * (server names, JA4), SSH (client line, HASSH) or SMTP, all
 * attacker-controlled.
 *
 * Input: byte 0 picks the protocol and service (low 4 bits, from services[])
 * and the side that sent the bytes (bits 4-5); the rest is the payload. Each
 * item must be well-formed; the same bytes must give the same items; the
 * items of a prefix of the payload (cut where the capture stage might stop
 * keeping bytes) must all be found among the whole payload's; and a side
 * that evidence_wanted() gives up on must yield nothing, then or later.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/evidence/evidence.h"
#include "fuzz.h"

static const struct {
    uint8_t proto;
    uint16_t service;
} services[16] = {
    {6, 25},   {6, 465},  {6, 587}, {6, 80},   {6, 8080}, {6, 443}, {6, 53},   {17, 53},
    {6, 4444}, {6, 3128}, {6, 22},  {6, 2222}, {6, 443},  {17, 53}, {17, 123}, {1, 0x0800},
};
static const enum evidence_side sides[4] = {EVIDENCE_SIDE_INITIATOR, EVIDENCE_SIDE_RESPONDER,
                                            EVIDENCE_SIDE_UNKNOWN, EVIDENCE_SIDE_UNKNOWN};

/* More items than this from one input are not compared item by item. */
enum { MAX_ITEMS = 4096 };

struct items {
    struct evidence_item *item; /* MAX_ITEMS */
    size_t n;                   /* items emitted (may exceed MAX_ITEMS) */
    size_t bytes;               /* the payload's length */
};

static void collect(void *ctx, const struct evidence_item *item)
{
    struct items *it = ctx;
    FUZZ_CHECK((unsigned)item->kind < EVIDENCE_KIND_COUNT);
    FUZZ_CHECK(strcmp(evidence_kind_name(item->kind), "unknown") != 0);
    FUZZ_CHECK(item->len <= EVIDENCE_VALUE_MAX);
    FUZZ_CHECK(item->value[item->len] == '\0');
    FUZZ_CHECK(strlen(item->value) == item->len);
    FUZZ_CHECK(item->count >= 1);
    FUZZ_CHECK(item->truncated <= 1);
    if (item->truncated)
        FUZZ_CHECK(item->len == EVIDENCE_VALUE_MAX);
    if (item->kind != EVIDENCE_SMTP_MESSAGES)
        FUZZ_CHECK(item->count == 1);
    /* Every item stands for some bytes: a parser must not loop on its input. */
    FUZZ_CHECK(it->n < it->bytes / 4 + 1);
    if (it->n < MAX_ITEMS)
        it->item[it->n] = *item;
    it->n++;
}

/* Parses len bytes of data from a heap copy of exactly that size. */
static void parse(uint8_t proto, uint16_t service, enum evidence_side side, const uint8_t *data,
                  size_t len, struct items *it)
{
    uint8_t *copy = malloc(len ? len : 1);
    FUZZ_CHECK(copy != NULL);
    if (len)
        memcpy(copy, data, len);
    it->n = 0;
    it->bytes = len;
    size_t r = evidence_parse(proto, service, side, len ? copy : NULL, len, collect, it);
    FUZZ_CHECK(r == it->n);
    /*
     * What evidence_wanted() turns away yields nothing, and asks for no bytes;
     * what is asked for stays within the longest buffer.
     */
    size_t asked = evidence_bytes_wanted(proto, service, len ? copy : NULL, len);
    FUZZ_CHECK(asked <= EVIDENCE_TLS_BYTES);
    if (!evidence_wanted(proto, service, copy, len))
        FUZZ_CHECK(r == 0 && asked == 0);
    free(copy);
}

/* The n-th space-separated field of s; its length in *len. */
static const char *field(const char *s, int n, size_t *len)
{
    while (n-- > 0) {
        const char *sp = strchr(s, ' ');
        s = sp ? sp + 1 : s + strlen(s);
    }
    *len = strcspn(s, " ");
    return s;
}

/*
 * Whether an item found in a prefix of the payload agrees with one found in
 * the whole: the same value, except what more bytes may complete (a message
 * count that grows, an HTTP response field still '-').
 */
static int agrees(const struct evidence_item *part, const struct evidence_item *whole)
{
    if (part->kind != whole->kind)
        return 0;
    if (part->kind == EVIDENCE_SMTP_MESSAGES)
        return part->count <= whole->count;
    if (part->kind == EVIDENCE_HTTP_RESPONSE) {
        for (int f = 0; f < 3; f++) {
            size_t an, bn;
            const char *a = field(part->value, f, &an);
            const char *b = field(whole->value, f, &bn);
            if (an == bn && memcmp(a, b, an) == 0)
                continue;
            if (an != 1 || a[0] != '-')
                return 0;
        }
        return 1;
    }
    return part->len == whole->len && part->truncated == whole->truncated &&
           memcmp(part->value, whole->value, part->len) == 0;
}

/* Each item of the prefix's parse matches a distinct item of the whole's. */
static void check_prefix(const struct items *part, const struct items *whole)
{
    static unsigned char used[MAX_ITEMS];
    memset(used, 0, whole->n);
    for (size_t i = 0; i < part->n; i++) {
        int found = 0;
        for (size_t j = 0; j < whole->n && !found; j++) {
            if (!used[j] && agrees(&part->item[i], &whole->item[j])) {
                used[j] = 1;
                found = 1;
            }
        }
        if (!found)
            fprintf(stderr, "prefix gave %s=\"%s\", which the whole does not\n",
                    evidence_kind_name(part->item[i].kind), part->item[i].value);
        FUZZ_CHECK(found);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct evidence_item whole_items[MAX_ITEMS], part_items[MAX_ITEMS];
    if (size < 1)
        return 0;
    uint8_t proto = services[data[0] & 15u].proto;
    uint16_t service = services[data[0] & 15u].service;
    enum evidence_side side = sides[data[0] >> 4 & 3u];
    const uint8_t *payload = data + 1;
    size_t len = size - 1;

    struct items whole = {whole_items, 0, 0}, part = {part_items, 0, 0};
    parse(proto, service, side, payload, len, &whole);
    if (whole.n > MAX_ITEMS)
        return 0;

    /* The same bytes give the same items. */
    parse(proto, service, side, payload, len, &part);
    FUZZ_CHECK(part.n == whole.n);
    for (size_t i = 0; i < whole.n; i++)
        FUZZ_CHECK(agrees(&part.item[i], &whole.item[i]) &&
                   part.item[i].count == whole.item[i].count);

    /* Prefixes: all but the last byte, half, and a cut chosen by the bytes. */
    size_t cuts[3] = {len ? len - 1 : 0, len / 2, 0};
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len && i < 64; i++)
        h = (h ^ payload[i]) * 16777619u;
    cuts[2] = len ? h % len : 0;
    int wanted = evidence_wanted(proto, service, payload, len);
    for (size_t c = 0; c < 3; c++) {
        parse(proto, service, side, payload, cuts[c], &part);
        check_prefix(&part, &whole);
        /* Once turned away, more bytes do not make a side wanted again. */
        if (!evidence_wanted(proto, service, payload, cuts[c]))
            FUZZ_CHECK(!wanted);
    }
    return 0;
}
