/*
 * Burst detection over a per-bin series (docs/semantics.md, "Bursts").
 *
 * A bin is a burst when its value stands far above what the bins before it
 * make usual: value >= min_volume and value > median + k * sigma, where
 * median and sigma come from the trailing window of `window` bins before it
 * (bursts already found are left out of later baselines), and sigma is the
 * median absolute deviation scaled to a normal's standard deviation
 * (x 1.4826), floored at sqrt(median) and at 1 — a Poisson count's noise — so
 * a perfectly flat baseline does not make every wiggle a burst. Median and
 * MAD ignore the few huge values that make a mean useless here. A bin with
 * fewer than min_history bins of history is not judged.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "report_int.h"

void burst_params_default(struct burst_params *p)
{
    p->window = 28;
    p->k = 6.0;
    p->min_volume = 20;
    p->min_history = 7;
}

static int double_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), double_cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

size_t bursts_detect(const double *values, size_t n, const struct burst_params *p,
                     unsigned char *is_burst, double *baseline)
{
    size_t window = p->window ? p->window : 1;
    double *scratch = xcalloc(window, sizeof(*scratch));
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
        is_burst[i] = 0;
        baseline[i] = 0;
        size_t m = 0;
        for (size_t j = i; j > 0 && i - j < window; j--)
            if (!is_burst[j - 1])
                scratch[m++] = values[j - 1];
        if (m == 0)
            continue;
        double med = median(scratch, m);
        for (size_t j = 0; j < m; j++)
            scratch[j] = fabs(scratch[j] - med);
        double sigma = 1.4826 * median(scratch, m);
        double floor_sigma = sqrt(med) > 1 ? sqrt(med) : 1;
        if (sigma < floor_sigma)
            sigma = floor_sigma;
        baseline[i] = med;
        if (m >= p->min_history && values[i] >= (double)p->min_volume &&
            values[i] > med + p->k * sigma) {
            is_burst[i] = 1;
            found++;
        }
    }
    free(scratch);
    return found;
}
