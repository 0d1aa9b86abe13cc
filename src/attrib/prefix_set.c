/*
 * Longest-prefix match over the 128-bit mapped address space.
 *
 * IPv4 and IPv6 prefixes live in two tries of one node array, one per
 * family: in the mapped space ::/0 or ::ffff:0:0/96 would otherwise lie above
 * every IPv4 prefix and answer for IPv4 addresses no IPv4 prefix covers,
 * which is never what a list or a routing table meant.
 *
 * Each is a path-compressed binary trie: every node sits at some prefix length and
 * branches on the address bit right after it, so a lookup visits at most one
 * node per distinct length on the way down (never more than 129) and the
 * descent is a loop, not a recursion. Nodes live in one growing array and
 * refer to each other by index. The hot fields a lookup reads (length,
 * children, entry) are kept apart from the node keys, which a lookup reads
 * once at the end, so that a descent through a 600k-prefix table touches
 * 16-byte records and not 32-byte ones.
 *
 * IPv4 addresses, most of what a honeypot sees, are answered from a second
 * index beside the trie, in the manner of DIR-16-8-8 tables: a 65,536-slot
 * table by the first 16 bits whose slots either name the longest prefix for
 * that whole /16 or point to a 256-slot group for the next 8 bits, and so on
 * once more for the last 8. A lookup is two or three array reads instead of a
 * descent of some 25 nodes, which is what the routing-table sizes (600k
 * prefixes) need. The trie stays the authority: it holds every prefix, finds
 * the exact prefix to relabel, and answers IPv6.
 *
 * Entries are stored in fixed-size blocks that never move, so the pointer a
 * lookup returns stays valid while the set is still being filled.
 *
 * Labels are interned: a routing table gives "AS14618" to hundreds of
 * prefixes, and a list repeats its provider's name on every line, so each
 * distinct label is stored once, in chunks that never move (which is what
 * keeps entry labels valid while the set lives).
 */
#define _DEFAULT_SOURCE /* madvise() */
#include "attrib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../common/hash_index.h"
#include "../common/xalloc.h"

#define NO_ENTRY UINT32_MAX
/* Nodes 0 and 1 are the roots (length 0) of the IPv6 and the IPv4 trie; no
 * node ever points back at either, so 0 can mean "no child". */
#define ROOT_V6 0u
#define ROOT_V4 1u
#define NO_CHILD 0u
#define MAX_DEPTH 129

struct trie_node {
    uint32_t child[2];
    uint32_t entry; /* index into entries, or NO_ENTRY for a branch-only node */
    uint8_t len;
};

/* A node's prefix: the address bits, host bits zero, big-endian halves. */
struct trie_key {
    uint64_t hi, lo;
};

#define LABEL_CHUNK 65536
#define ENTRY_BLOCK_SHIFT 12
#define ENTRY_BLOCK (1u << ENTRY_BLOCK_SHIFT)
/* Entry indexes stay below this so that a v4 slot can hold index + 1. */
#define ENTRY_LIMIT 0x7ffffffeu

/*
 * A v4 slot is 0 (no prefix), entry index + 1, or V4_GROUP | group number.
 * The prefix length a slot stands for is read from its entry when needed,
 * which only insertion does.
 */
#define V4_GROUP 0x80000000u
#define V4_TOP_SLOTS 65536u
#define V4_GROUP_SLOTS 256u

struct v4_index {
    uint32_t *top;    /* V4_TOP_SLOTS, or NULL before the first IPv4 prefix */
    uint32_t *groups; /* group g is groups[g * 256 .. g * 256 + 255] */
    size_t group_count, group_alloc;
};

struct label_store {
    char **chunks; /* each chunk stays where it is once allocated */
    size_t chunk_count, chunk_alloc;
    size_t chunk_used, chunk_size; /* of the last chunk */
    const char **labels;           /* each distinct label once, in the chunks */
    size_t count, alloc;
    struct hash_index index; /* over labels; empty until the first label */
    const char *last;        /* the last label interned: tables repeat it line after line */
};

struct prefix_set {
    struct trie_node *nodes;
    struct trie_key *keys;
    size_t node_count, node_alloc, key_alloc;
    struct prefix_entry **entry_blocks; /* ENTRY_BLOCK entries each */
    size_t entry_count, block_count, block_alloc;
    struct label_store labels;
    struct v4_index v4;
};

/* ---- big arrays ------------------------------------------------------------ */

#define HUGE_PAGE ((size_t)2 << 20)

/*
 * Grows a big array (the trie's nodes and keys, the IPv4 groups: tens of
 * megabytes for a full table) to hold need items, doubling. Past a few
 * huge pages the array is aligned to them and the kernel asked to back it
 * with huge pages where it can: a lookup reads one random slot, and a TLB
 * miss on every read would cost more than the read; loading, too, takes 512
 * times fewer page faults.
 */
static void *big_grow(void *items, size_t need, size_t *alloc, size_t item_size)
{
    if (need <= *alloc)
        return items;
    size_t count = *alloc < 16 ? 16 : *alloc * 2;
    if (count < need)
        count = need;
    size_t bytes = st_mult(count, item_size);
    if (bytes < 4 * HUGE_PAGE) {
        *alloc = count;
        return xreallocarray(items, count, item_size);
    }
    bytes = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *fresh = aligned_alloc(HUGE_PAGE, bytes);
    if (!fresh) {
        *alloc = count;
        return xreallocarray(items, count, item_size);
    }
#ifdef MADV_HUGEPAGE
    madvise(fresh, bytes, MADV_HUGEPAGE);
#endif
    memcpy(fresh, items, st_mult(*alloc, item_size));
    free(items);
    *alloc = bytes / item_size;
    return fresh;
}

/* ---- bits ----------------------------------------------------------------- */

static uint64_t load_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static struct trie_key key_of(const struct ip_addr *addr)
{
    struct trie_key k = {load_be64(addr->b), load_be64(addr->b + 8)};
    return k;
}

static unsigned clz64(uint64_t x) /* x != 0 */
{
#if defined(__GNUC__) || defined(__clang__)
    return (unsigned)__builtin_clzll(x);
#else
    unsigned n = 0;
    while (!(x & (UINT64_C(1) << 63))) {
        x <<= 1;
        n++;
    }
    return n;
#endif
}

/* How many leading bits a and b share (128 when equal). */
static unsigned common_len(const struct trie_key *a, const struct trie_key *b)
{
    uint64_t x = a->hi ^ b->hi;
    if (x)
        return clz64(x);
    x = a->lo ^ b->lo;
    if (x)
        return 64 + clz64(x);
    return 128;
}

/* Bit i (0 = most significant) of k; i < 128. */
static unsigned key_bit(const struct trie_key *k, unsigned i)
{
    if (i < 64)
        return (unsigned)(k->hi >> (63 - i)) & 1u;
    return (unsigned)(k->lo >> (127 - i)) & 1u;
}

/* Shifts by 64 are undefined, so lengths 0 and 64 are handled apart. */
static uint64_t mask64(unsigned len) /* len 0..64 */
{
    return len == 0 ? 0 : ~UINT64_C(0) << (64 - len);
}

static struct trie_key key_masked(struct trie_key k, unsigned len)
{
    k.hi &= mask64(len > 64 ? 64 : len);
    k.lo &= mask64(len > 64 ? len - 64 : 0);
    return k;
}

/* ---- labels --------------------------------------------------------------- */

static const void *label_key_of(const void *rows, uint32_t row, void *scratch, size_t *len)
{
    const char *label = ((const char *const *)rows)[row];
    (void)scratch;
    *len = strlen(label);
    return label;
}

static const char *label_copy(struct label_store *st, const char *s, size_t len)
{
    size_t need = st_add(len, 1);
    if (st->chunk_count == 0 || st->chunk_size - st->chunk_used < need) {
        size_t size = need > LABEL_CHUNK ? need : LABEL_CHUNK;
        ALLOC_GROW(st->chunks, st->chunk_count + 1, st->chunk_alloc);
        st->chunks[st->chunk_count++] = xmalloc(size);
        st->chunk_size = size;
        st->chunk_used = 0;
    }
    char *p = st->chunks[st->chunk_count - 1] + st->chunk_used;
    memcpy(p, s, len);
    p[len] = '\0';
    st->chunk_used += need;
    return p;
}

static const char *label_intern(struct label_store *st, const char *s)
{
    if (!s || !*s)
        return "";
    if (st->last && strcmp(st->last, s) == 0)
        return st->last;
    size_t len = strlen(s);
    if (!st->index.slots)
        hash_index_init(&st->index, label_key_of, 0);
    uint32_t at = hash_index_find_or_add(&st->index, st->labels, s, len, (uint32_t)st->count);
    if (at == st->count) {
        ALLOC_GROW(st->labels, st->count + 1, st->alloc);
        st->labels[st->count++] = label_copy(st, s, len);
    }
    return st->last = st->labels[at];
}

static void label_store_release(struct label_store *st)
{
    for (size_t i = 0; i < st->chunk_count; i++)
        free(st->chunks[i]);
    free(st->chunks);
    free(st->labels);
    hash_index_release(&st->index);
}

/* ---- the trie ------------------------------------------------------------- */

static struct prefix_entry *entry_at(const struct prefix_set *set, size_t i)
{
    return &set->entry_blocks[i >> ENTRY_BLOCK_SHIFT][i & (ENTRY_BLOCK - 1)];
}

static uint32_t entry_new(struct prefix_set *set)
{
    if (set->entry_count >= ENTRY_LIMIT) {
        fprintf(stderr, "honeyscope: prefix table over %u prefixes\n", ENTRY_LIMIT);
        abort();
    }
    if (set->entry_count == set->block_count * ENTRY_BLOCK) {
        ALLOC_GROW(set->entry_blocks, set->block_count + 1, set->block_alloc);
        set->entry_blocks[set->block_count++] =
            xreallocarray(NULL, ENTRY_BLOCK, sizeof(struct prefix_entry));
    }
    return (uint32_t)set->entry_count++;
}

static uint32_t node_new(struct prefix_set *set, const struct trie_key *key, unsigned len)
{
    if (set->node_count >= UINT32_MAX - 1) {
        fprintf(stderr, "honeyscope: prefix table over %u nodes\n", UINT32_MAX - 1);
        abort();
    }
    set->nodes = big_grow(set->nodes, set->node_count + 1, &set->node_alloc, sizeof(*set->nodes));
    set->keys = big_grow(set->keys, set->node_count + 1, &set->key_alloc, sizeof(*set->keys));
    uint32_t i = (uint32_t)set->node_count++;
    set->nodes[i].child[0] = NO_CHILD;
    set->nodes[i].child[1] = NO_CHILD;
    set->nodes[i].entry = NO_ENTRY;
    set->nodes[i].len = (uint8_t)len;
    set->keys[i] = key_masked(*key, len);
    return i;
}

struct prefix_set *prefix_set_new(void)
{
    struct prefix_set *set = xcalloc(1, sizeof(*set));
    struct trie_key zero = {0, 0};
    node_new(set, &zero, 0); /* ROOT_V6 */
    node_new(set, &zero, 0); /* ROOT_V4 */
    return set;
}

void prefix_set_free(struct prefix_set *set)
{
    if (!set)
        return;
    free(set->nodes);
    free(set->keys);
    for (size_t i = 0; i < set->block_count; i++)
        free(set->entry_blocks[i]);
    free(set->entry_blocks);
    free(set->v4.top);
    free(set->v4.groups);
    label_store_release(&set->labels);
    free(set);
}

/* ---- the IPv4 index -------------------------------------------------------- */

/* The IPv4 prefix length a non-group slot stands for. */
static unsigned v4_slot_len(const struct prefix_set *set, uint32_t slot)
{
    return entry_at(set, slot - 1)->prefix.len - 96u;
}

/* Sets slot to value unless a longer prefix already holds it; into a group,
 * every slot of it (groups nest two deep at most). */
static void v4_fill(struct prefix_set *set, uint32_t *slot, uint32_t value, unsigned len);

static void v4_fill_group(struct prefix_set *set, uint32_t group, uint32_t value, unsigned len)
{
    for (uint32_t j = 0; j < V4_GROUP_SLOTS; j++)
        v4_fill(set, &set->v4.groups[(size_t)group * V4_GROUP_SLOTS + j], value, len);
}

static void v4_fill(struct prefix_set *set, uint32_t *slot, uint32_t value, unsigned len)
{
    if (*slot & V4_GROUP)
        v4_fill_group(set, *slot & ~V4_GROUP, value, len);
    else if (*slot == 0 || v4_slot_len(set, *slot) <= len)
        *slot = value;
}

/*
 * The group below the slot at top (index into v4.top) or, when in_group, at
 * v4.groups[at]; made, holding the slot's old answer everywhere, if the slot
 * had none. Returns the group number.
 */
static uint32_t v4_group_below(struct prefix_set *set, bool in_group, size_t at)
{
    uint32_t old = in_group ? set->v4.groups[at] : set->v4.top[at];
    if (old & V4_GROUP)
        return old & ~V4_GROUP;
    if (set->v4.group_count >= V4_GROUP - 1) {
        fprintf(stderr, "honeyscope: IPv4 prefix index full\n");
        abort();
    }
    set->v4.groups = big_grow(set->v4.groups, (set->v4.group_count + 1) * V4_GROUP_SLOTS,
                              &set->v4.group_alloc, sizeof(*set->v4.groups));
    uint32_t g = (uint32_t)set->v4.group_count++;
    for (uint32_t j = 0; j < V4_GROUP_SLOTS; j++)
        set->v4.groups[(size_t)g * V4_GROUP_SLOTS + j] = old;
    if (in_group)
        set->v4.groups[at] = V4_GROUP | g;
    else
        set->v4.top[at] = V4_GROUP | g;
    return g;
}

/* Makes the IPv4 index answer with entry e (a new IPv4 prefix, len 96..128)
 * wherever e is now the longest match. */
static void v4_index_add(struct prefix_set *set, const struct trie_key *key, unsigned len,
                         uint32_t e)
{
    if (!set->v4.top)
        set->v4.top = xcalloc(V4_TOP_SLOTS, sizeof(*set->v4.top));

    const uint32_t v = (uint32_t)key->lo;
    const unsigned v4len = len - 96;
    const uint32_t value = e + 1;
    if (v4len <= 16) {
        uint32_t first = v >> 16, count = UINT32_C(1) << (16 - v4len);
        for (uint32_t i = first; i < first + count; i++)
            v4_fill(set, &set->v4.top[i], value, v4len);
        return;
    }
    uint32_t g = v4_group_below(set, false, v >> 16);
    size_t base = (size_t)g * V4_GROUP_SLOTS;
    if (v4len <= 24) {
        uint32_t first = v >> 8 & 0xff, count = UINT32_C(1) << (24 - v4len);
        for (uint32_t j = first; j < first + count; j++)
            v4_fill(set, &set->v4.groups[base + j], value, v4len);
        return;
    }
    g = v4_group_below(set, true, base + (v >> 8 & 0xff));
    base = (size_t)g * V4_GROUP_SLOTS;
    uint32_t first = v & 0xff, count = UINT32_C(1) << (32 - v4len);
    for (uint32_t k = first; k < first + count; k++)
        v4_fill(set, &set->v4.groups[base + k], value, v4len);
}

static const struct prefix_entry *v4_lookup(const struct prefix_set *set, uint32_t v)
{
    uint32_t slot = set->v4.top ? set->v4.top[v >> 16] : 0;
    if (slot & V4_GROUP) {
        slot = set->v4.groups[(size_t)(slot & ~V4_GROUP) * V4_GROUP_SLOTS + (v >> 8 & 0xff)];
        if (slot & V4_GROUP)
            slot = set->v4.groups[(size_t)(slot & ~V4_GROUP) * V4_GROUP_SLOTS + (v & 0xff)];
    }
    return slot ? entry_at(set, slot - 1) : NULL;
}

/* ---- the trie, continued ---------------------------------------------------- */

static void node_set_entry(struct prefix_set *set, uint32_t node, const struct ip_prefix *prefix,
                           const char *label, uint32_t asn)
{
    const char *interned = label_intern(&set->labels, label);
    uint32_t e = set->nodes[node].entry;
    if (e == NO_ENTRY) {
        e = entry_new(set);
        entry_at(set, e)->prefix = *prefix;
        entry_at(set, e)->label = interned;
        entry_at(set, e)->asn = asn;
        set->nodes[node].entry = e;
        if (addr_is_v4(&prefix->addr))
            v4_index_add(set, &set->keys[node], prefix->len, e);
        return;
    }
    entry_at(set, e)->label = interned;
    entry_at(set, e)->asn = asn;
}

void prefix_set_add(struct prefix_set *set, const struct ip_prefix *prefix, const char *label,
                    uint32_t asn)
{
    struct ip_prefix p = *prefix;
    if (p.len > 128)
        p.len = 128;
    addr_mask(&p.addr, p.len);
    const struct trie_key key = key_of(&p.addr);
    const unsigned len = p.len;

    /* Invariant: node i's prefix contains p, so i's length is at most len.
     * An IPv4 prefix is at least /96 long, so never lands on its root. */
    uint32_t i = addr_is_v4(&p.addr) ? ROOT_V4 : ROOT_V6;
    for (;;) {
        if (set->nodes[i].len == len) {
            node_set_entry(set, i, &p, label, asn);
            return;
        }
        unsigned b = key_bit(&key, set->nodes[i].len);
        uint32_t c = set->nodes[i].child[b];
        if (c == NO_CHILD) {
            uint32_t leaf = node_new(set, &key, len);
            set->nodes[i].child[b] = leaf;
            node_set_entry(set, leaf, &p, label, asn);
            return;
        }
        unsigned shared = common_len(&key, &set->keys[c]);
        if (shared > len)
            shared = len;
        if (shared >= set->nodes[c].len) {
            i = c;
            continue;
        }
        /* p and c part ways above c: p becomes c's parent, or both hang from
         * a new branch node at the length where they differ. */
        uint32_t top = node_new(set, &key, shared);
        set->nodes[top].child[key_bit(&set->keys[c], shared)] = c;
        set->nodes[i].child[b] = top;
        if (shared == len) {
            node_set_entry(set, top, &p, label, asn);
            return;
        }
        uint32_t leaf = node_new(set, &key, len);
        set->nodes[top].child[key_bit(&key, shared)] = leaf;
        node_set_entry(set, leaf, &p, label, asn);
        return;
    }
}

const struct prefix_entry *prefix_set_lookup(const struct prefix_set *set,
                                             const struct ip_addr *addr)
{
    /* IPv4: straight to the IPv4 index; IPv6 (mapped ones too) to its trie. */
    if (addr_is_v4(addr))
        return v4_lookup(set, (uint32_t)addr->b[12] << 24 | (uint32_t)addr->b[13] << 16 |
                                  (uint32_t)addr->b[14] << 8 | addr->b[15]);
    const struct trie_key key = key_of(addr);

    uint32_t found[MAX_DEPTH];
    unsigned nfound = 0;

    /*
     * Descend by the address bits alone, collecting the nodes that carry a
     * prefix. Every collected node is an ancestor of the last one, so its
     * prefix is a prefix of the last one's: one comparison against the last
     * key says how many leading bits the address really shares with the whole
     * path, and the answer is the deepest collected node within that.
     */
    uint32_t i = ROOT_V6;
    for (;;) {
        const struct trie_node *n = &set->nodes[i];
        if (n->entry != NO_ENTRY)
            found[nfound++] = i;
        if (n->len >= 128)
            break;
        i = n->child[key_bit(&key, n->len)];
        if (i == NO_CHILD)
            break;
    }
    if (nfound == 0)
        return NULL;
    unsigned shared = common_len(&key, &set->keys[found[nfound - 1]]);
    while (nfound > 0) {
        const struct trie_node *n = &set->nodes[found[--nfound]];
        if (n->len <= shared)
            return entry_at(set, n->entry);
    }
    return NULL;
}

size_t prefix_set_count(const struct prefix_set *set)
{
    return set->entry_count;
}

const struct prefix_entry *prefix_set_entry(const struct prefix_set *set, size_t i)
{
    return i < set->entry_count ? entry_at(set, i) : NULL;
}
