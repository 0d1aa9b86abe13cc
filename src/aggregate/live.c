/*
 * A live capture counted in pieces: decode -> flow -> cube as for a file,
 * with one flow table that lives as long as the capture, and a cube that is
 * handed over at every commit and replaced by an empty one.
 *
 * A flow caches the cube row of its current bin together with the cube's
 * generation; every cube has a generation of its own, so after a hand-over
 * each flow looks its row up again in the new cube. A flow counts as started
 * in the piece of its first packet; its evidence (parsed when it ends)
 * counts in the piece during which it ends.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "aggregate_int.h"

struct aggregate_live {
    const struct aggregate_config *config;
    struct shard shard;
    struct cube *cube;
    int link_type;
    bool supported;
    struct input_stats stats;      /* this piece's packet counts */
    struct flow_stats flows_given; /* the flow table's counts at the last hand-over */
    uint64_t evidence_skipped_given;
    char format[24];
};

static void start_piece(struct aggregate_live *live)
{
    input_stats_init(&live->stats);
    live->stats.link_type = live->link_type;
    snprintf(live->stats.format, sizeof(live->stats.format), "%s", live->format);
}

struct aggregate_live *aggregate_live_new(const struct aggregate_config *config, int link_type,
                                          const char *format)
{
    struct aggregate_live *live = xcalloc(1, sizeof(*live));
    live->config = config;
    live->link_type = link_type;
    live->supported = decode_link_supported(link_type);
    snprintf(live->format, sizeof(live->format), "%s", format);
    live->cube = cube_new_counting(config);
    shard_init(&live->shard, live->cube, config);
    start_piece(live);
    return live;
}

static void count_packet(void *ctx, const struct decoded_packet *p, enum direction dir,
                         int64_t ts_ns)
{
    struct aggregate_live *live = ctx;
    shard_packet(&live->shard, live->config, p, dir, ts_ns);
}

void aggregate_live_packet(struct aggregate_live *live, const struct capture_packet *cp)
{
    struct input_stats *stats = &live->stats;
    stats->packets++;
    if (cp->ts_ns < stats->first_ns)
        stats->first_ns = cp->ts_ns;
    if (cp->ts_ns > stats->last_ns)
        stats->last_ns = cp->ts_ns;
    if (!live->supported) {
        count_unsupported(stats, live->link_type, 1);
        return;
    }
    struct decoded_packet p;
    enum decode_result result =
        decode_packet(live->link_type, cp->data, cp->caplen, cp->wirelen, &p);
    if (result != DECODE_OK) {
        stats->bad[result]++;
        return;
    }
    enum direction dir;
    if (packet_direction(live->config, &p, stats, &dir))
        count_packet(live, &p, dir, cp->ts_ns);
}

size_t aggregate_live_rows(const struct aggregate_live *live)
{
    return cube_row_count(live->cube);
}

struct cube *aggregate_live_take(struct aggregate_live *live, bool end, struct input_stats *stats)
{
    struct cube *piece = live->cube;
    struct input_stats flow_counts;
    input_stats_init(&flow_counts);
    if (end) {
        /* Ends every flow into this piece; the shard is spent after. */
        shard_finish(&live->shard, live->config, &flow_counts);
        flow_counts.flows.flows -= live->flows_given.flows;
        flow_counts.flows.expired -= live->flows_given.expired;
        flow_counts.flows.evicted -= live->flows_given.evicted;
        flow_counts.flows.fragments_unmatched -= live->flows_given.fragments_unmatched;
        flow_counts.evidence_skipped -= live->evidence_skipped_given;
        live->cube = NULL;
    } else {
        const struct flow_stats *fs = flow_table_stats(live->shard.flows);
        flow_counts.flows.flows = fs->flows - live->flows_given.flows;
        flow_counts.flows.expired = fs->expired - live->flows_given.expired;
        flow_counts.flows.evicted = fs->evicted - live->flows_given.evicted;
        flow_counts.flows.fragments_unmatched =
            fs->fragments_unmatched - live->flows_given.fragments_unmatched;
        flow_counts.evidence_skipped = live->shard.evidence.skipped - live->evidence_skipped_given;
        flow_counts.evidence_dropped = cube_evidence_dropped(piece);
        live->flows_given = *fs;
        live->evidence_skipped_given = live->shard.evidence.skipped;
        /* Open flows find their rows again in the new cube (its own generation). */
        live->cube = cube_new_counting(live->config);
        live->shard.cube = live->cube;
        live->shard.evidence.cube = live->cube;
    }
    *stats = live->stats;
    input_stats_merge(stats, &flow_counts);
    start_piece(live);
    return piece;
}

void aggregate_live_free(struct aggregate_live *live)
{
    if (!live)
        return;
    shard_release(&live->shard);
    cube_free(live->cube);
    free(live);
}
