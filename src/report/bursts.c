/*
 * Burst detection over a per-bin series (docs/semantics.md, "Bursts").
 *
 * A bin is a burst when its value stands far above what the bins before it
 * make usual: value >= min_volume and value > median + k * sigma. The history
 * of a bin is every earlier bin that is not a burst; median and sigma come
 * from the latest `window` bins of that history, so a burst is left out of
 * later baselines and the window reaches back past it instead of shrinking.
 * sigma is the median absolute deviation scaled to a normal's standard
 * deviation (x 1.4826), floored at sqrt(median) and at 1 — a Poisson count's
 * noise — so a perfectly flat baseline does not make every wiggle a burst.
 * Median and MAD ignore the few huge values that make a mean useless here.
 *
 * A bin is judged once its history holds min_history bins, whatever the
 * window: a window shorter than that uses its `window` latest bins, and a
 * burst never leaves the bins after it unjudged.
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

/* The usual level of values[0..m) and its robust spread, floored. */
static void baseline_of(double *scratch, size_t m, double *med, double *sigma)
{
    *med = median(scratch, m);
    for (size_t j = 0; j < m; j++)
        scratch[j] = fabs(scratch[j] - *med);
    double spread = 1.4826 * median(scratch, m);
    double floor_sigma = sqrt(*med) > 1 ? sqrt(*med) : 1;
    *sigma = spread > floor_sigma ? spread : floor_sigma;
}

size_t bursts_detect(const double *values, size_t n, const struct burst_params *p,
                     unsigned char *is_burst, double *baseline)
{
    size_t window = p->window ? p->window : 1;
    size_t min_history = p->min_history ? p->min_history : 1;
    double *scratch = xcalloc(window, sizeof(*scratch));
    /* The values of the bins that are not bursts, in order: the history. */
    double *history = xcalloc(n ? n : 1, sizeof(*history));
    size_t history_count = 0, found = 0;
    for (size_t i = 0; i < n; i++) {
        is_burst[i] = 0;
        baseline[i] = NAN;
        if (history_count >= min_history) {
            size_t m = history_count < window ? history_count : window;
            double med, sigma;
            memcpy(scratch, history + history_count - m, m * sizeof(*scratch));
            baseline_of(scratch, m, &med, &sigma);
            baseline[i] = med;
            if (values[i] >= (double)p->min_volume && values[i] > med + p->k * sigma) {
                is_burst[i] = 1;
                found++;
                continue;
            }
        }
        history[history_count++] = values[i];
    }
    free(scratch);
    free(history);
    return found;
}
