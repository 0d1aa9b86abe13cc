/*
 * What a comparison with the --compare period shows, decided once for the
 * renderers: the totals side by side, the attack records and the rate of
 * bursts.
 */
#include "report_int.h"

void versus_totals(const struct group_report *a, const struct group_report *b,
                   struct versus_total rows[VERSUS_TOTAL_COUNT])
{
    const struct versus_total all[VERSUS_TOTAL_COUNT] = {
        {"packets_in", "packets in", "packets received", a->totals.packets_in,
         b->totals.packets_in},
        {"packets_out", "packets out", "packets sent", a->totals.packets_out,
         b->totals.packets_out},
        {"bytes_in", "bytes in", "bytes received", a->totals.bytes_in, b->totals.bytes_in},
        {"bytes_out", "bytes out", "bytes sent", a->totals.bytes_out, b->totals.bytes_out},
        {"flows", "flows", "flows", a->totals.flows, b->totals.flows},
        {"sources", "sources", "distinct sources", a->totals.sources, b->totals.sources},
        {"bursts", "bursts", "bursts", a->burst_count, b->burst_count},
    };
    for (size_t i = 0; i < VERSUS_TOTAL_COUNT; i++)
        rows[i] = all[i];
}

void versus_attacks(const struct group_report *a, const struct group_report *b,
                    struct versus_total rows[VERSUS_ATTACK_COUNT])
{
    const struct versus_total all[VERSUS_ATTACK_COUNT] = {
        {"attacks", "attacks", "attack records", a->attack_total, b->attack_total},
        {"attack_victims", "victims", "victims of attacks", a->attack_victims, b->attack_victims},
        {"attack_packets", "backscatter", "backscatter packets of attacks", a->attack_packets,
         b->attack_packets},
    };
    for (size_t i = 0; i < VERSUS_ATTACK_COUNT; i++)
        rows[i] = all[i];
}

double bursts_per_30_bins(const struct group_report *gr)
{
    return gr->series_count ? 30.0 * (double)gr->burst_count / (double)gr->series_count : 0.0;
}
