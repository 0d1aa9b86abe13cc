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
    CHECK(!burst[3] || bursts_detect(v, 30, &p, burst, base) == 1);
    CHECK(!burst[3]);
    CHECK_U64(bursts_detect(v, 0, &p, burst, base), 0);
}

int main(void)
{
    RUN(test_planted_bursts_found);
    RUN(test_noise_has_no_bursts);
    RUN(test_small_and_flat_series);
    CHECK_EXIT();
}
