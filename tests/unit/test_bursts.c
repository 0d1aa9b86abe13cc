/* Tests the burst detector on series with planted bursts and on plain noise. */
#include <math.h>
#include <stdlib.h>

#include "../../src/report/report_int.h"
#include "check.h"

/* A deterministic Poisson-like noise around mean (xorshift, Knuth's method). */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static double next_uniform(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

static double poisson(double mean)
{
    double limit = exp(-mean), p = 1;
    int k = 0;
    do {
        k++;
        p *= next_uniform();
    } while (p > limit);
    return k - 1;
}

static void test_planted_bursts_found(void)
{
    enum { N = 400 };
    double v[N], base[N];
    unsigned char burst[N];
    struct burst_params p;
    burst_params_default(&p);
    for (size_t i = 0; i < N; i++)
        v[i] = poisson(30);
    const size_t planted[] = {40, 41, 120, 250, 399};
    for (size_t i = 0; i < sizeof(planted) / sizeof(planted[0]); i++)
        v[planted[i]] = 30 * (6 + (double)i);
    size_t n = bursts_detect(v, N, &p, burst, base);
    CHECK_U64(n, sizeof(planted) / sizeof(planted[0]));
    for (size_t i = 0; i < sizeof(planted) / sizeof(planted[0]); i++)
        CHECK(burst[planted[i]]);
    /* The second day of a two-day burst is judged against a clean baseline. */
    CHECK(base[41] < 40);
}

static void test_noise_has_no_bursts(void)
{
    enum { N = 2000 };
    double v[N], base[N];
    unsigned char burst[N];
    struct burst_params p;
    burst_params_default(&p);
    for (double mean = 2; mean <= 2000; mean *= 3) {
        for (size_t i = 0; i < N; i++)
            v[i] = poisson(mean > 500 ? 500 : mean) * (mean > 500 ? mean / 500 : 1);
        CHECK_U64(bursts_detect(v, N, &p, burst, base), 0);
    }
}

static void test_small_and_flat_series(void)
{
    double v[30] = {0}, base[30];
    unsigned char burst[30];
    struct burst_params p;
    burst_params_default(&p);
    /* All zero, then a jump below min_volume: not a burst. */
    v[20] = (double)p.min_volume - 1;
    CHECK_U64(bursts_detect(v, 30, &p, burst, base), 0);
    /* At min_volume above a zero baseline: a burst. */
    v[20] = (double)p.min_volume;
    CHECK_U64(bursts_detect(v, 30, &p, burst, base), 1);
    /* Too little history: the first bins are never judged. */
    v[3] = 1000;
    CHECK_U64(bursts_detect(v, 30, &p, burst, base), 1);
    CHECK(!burst[3]);
    CHECK(isnan(base[3]));
    CHECK_U64(bursts_detect(v, 0, &p, burst, base), 0);
}

/* A flat series of 10 a day with spikes of 1000 on the given days (1-based). */
static void flat_with_spikes(double *v, size_t n, const size_t *days, size_t count)
{
    for (size_t i = 0; i < n; i++)
        v[i] = 10;
    for (size_t i = 0; i < count; i++)
        v[days[i] - 1] = 1000;
}

/* The seventh earlier bin that is not a burst makes a bin judged; not the sixth. */
static void test_judged_from_seven_bins_of_history(void)
{
    double v[20], base[20];
    unsigned char burst[20];
    struct burst_params p;
    burst_params_default(&p);
    const size_t day7[] = {7}, day8[] = {8};
    flat_with_spikes(v, 20, day7, 1);
    CHECK_U64(bursts_detect(v, 20, &p, burst, base), 0);
    for (size_t i = 0; i < 7; i++)
        CHECK(isnan(base[i]));
    CHECK(base[7] == 10);
    flat_with_spikes(v, 20, day8, 1);
    CHECK_U64(bursts_detect(v, 20, &p, burst, base), 1);
    CHECK(burst[7]);
    CHECK(base[7] == 10);
}

/* Windows shorter than the history needed still find bursts (3 to 6 were blind). */
static void test_short_windows_find_bursts(void)
{
    double v[20], base[20];
    unsigned char burst[20];
    struct burst_params p;
    const size_t day14[] = {14};
    flat_with_spikes(v, 20, day14, 1);
    for (size_t window = 3; window <= 7; window++) {
        burst_params_default(&p);
        p.window = window;
        CHECK_U64(bursts_detect(v, 20, &p, burst, base), 1);
        CHECK(burst[13]);
        CHECK(base[13] == 10);
    }
}

/* A burst leaves the detector judging the next bins, against a baseline without it. */
static void test_burst_does_not_blind(void)
{
    double v[20], base[20];
    unsigned char burst[20];
    struct burst_params p;
    burst_params_default(&p);
    p.window = 7;
    p.k = 3;
    const size_t days[] = {11, 14};
    flat_with_spikes(v, 20, days, 2);
    CHECK_U64(bursts_detect(v, 20, &p, burst, base), 2);
    CHECK(burst[10]);
    CHECK(burst[13]);
    for (size_t i = 11; i < 20; i++)
        CHECK(base[i] == 10);
    /* Two days in a row: the second is judged against the days before the first. */
    const size_t pair[] = {11, 12};
    flat_with_spikes(v, 20, pair, 2);
    CHECK_U64(bursts_detect(v, 20, &p, burst, base), 2);
    CHECK(burst[11]);
    CHECK(base[11] == 10);
}

/* As docs/semantics.md says: a lasting jump stands above the level before it. */
static void test_lasting_jump_is_a_run_of_bursts(void)
{
    double v[30], base[30];
    unsigned char burst[30];
    struct burst_params p;
    burst_params_default(&p);
    for (size_t i = 0; i < 30; i++)
        v[i] = i < 20 ? 10 : 1000;
    CHECK_U64(bursts_detect(v, 30, &p, burst, base), 10);
    CHECK(burst[20] && burst[29]);
    CHECK(base[29] == 10);
}

int main(void)
{
    RUN(test_planted_bursts_found);
    RUN(test_noise_has_no_bursts);
    RUN(test_small_and_flat_series);
    RUN(test_judged_from_seven_bins_of_history);
    RUN(test_short_windows_find_bursts);
    RUN(test_burst_does_not_blind);
    RUN(test_lasting_jump_is_a_run_of_bursts);
    CHECK_EXIT();
}
