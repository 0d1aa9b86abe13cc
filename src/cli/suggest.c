/*
 * "Did you mean ...?": the nearest verb or option to a mistyped one, by
 * edit distance (optimal string alignment: swapped letters are one edit,
 * the commonest typing slip).
 */
#include "suggest.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "cli.h"

size_t suggest_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
        return SIZE_MAX;
    /* Three rows of the table: the one before last (for swaps), last, current. */
    size_t rows[3][SUGGEST_MAX_LEN + 1];
    size_t *before = rows[0], *last = rows[1], *row = rows[2];
    for (size_t j = 0; j <= lb; j++)
        last[j] = j;
    for (size_t i = 1; i <= la; i++) {
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = last[j - 1] + cost;
            if (last[j] + 1 < best)
                best = last[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                before[j - 2] + 1 < best)
                best = before[j - 2] + 1;
            row[j] = best;
        }
        size_t *t = before;
        before = last;
        last = row;
        row = t;
    }
    return last[lb];
}

const char *suggest_nearest(const char *word, const char *const *candidates, size_t count)
{
    size_t len = strlen(word);
    size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
    const char *best = NULL, *prefixed = NULL;
    size_t best_distance = SIZE_MAX, prefixes = 0;
    for (size_t i = 0; i < count; i++) {
        size_t d = suggest_distance(word, candidates[i]);
        if (d < best_distance) {
            best_distance = d;
            best = candidates[i];
        }
        if (len && strncmp(word, candidates[i], len) == 0) {
            prefixes++;
            prefixed = candidates[i];
        }
    }
    if (best && best_distance <= limit)
        return best;
    return prefixes == 1 ? prefixed : NULL;
}

/* The long options' names. */
static const char **option_names(const struct option *options, size_t *count)
{
    size_t n = 0;
    while (options[n].name)
        n++;
    const char **names = xcalloc(n ? n : 1, sizeof(*names));
    for (size_t i = 0; i < n; i++)
        names[i] = options[i].name;
    *count = n;
    return names;
}

int unknown_option(const char *verb, const struct option *options, char *const *argv)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    if (optopt != 0) {
        /* A known option without its value, or an unknown letter. */
        if (strncmp(arg, "--", 2) == 0)
            return usage_error(verb, "option '%s' needs a value", arg);
        for (size_t i = 0; options[i].name; i++)
            if (options[i].val == optopt && options[i].has_arg == required_argument)
                return usage_error(verb, "option '-%c' needs a value", optopt);
        if (isprint(optopt))
            return usage_error(verb, "unknown option '-%c'", optopt);
        return usage_error(verb, "unknown option '%s'", arg);
    }
    /* "--fromm=2009-01-01" is the option "fromm". */
    char name[SUGGEST_MAX_LEN + 1];
    const char *start = arg + strspn(arg, "-");
    size_t len = strcspn(start, "=");
    if (len > SUGGEST_MAX_LEN)
        return usage_error(verb, "unknown option '%s'", arg);
    memcpy(name, start, len);
    name[len] = '\0';

    size_t count, prefixes = 0;
    const char **names = option_names(options, &count);
    const char *first = NULL, *second = NULL;
    for (size_t i = 0; len && i < count; i++)
        if (strncmp(name, names[i], len) == 0) {
            if (++prefixes == 1)
                first = names[i];
            else if (prefixes == 2)
                second = names[i];
        }
    const char *nearest = suggest_nearest(name, names, count);
    free(names);
    if (prefixes > 1)
        return usage_error(verb, "option '--%s' is ambiguous: --%s, --%s%s", name, first, second,
                           prefixes > 2 ? ", ..." : "");
    if (nearest)
        return usage_error(verb, "unknown option '%s'; did you mean '--%s'?", arg, nearest);
    return usage_error(verb, "unknown option '%s'", arg);
}
