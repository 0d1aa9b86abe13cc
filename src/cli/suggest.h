/*
 * cli/suggest: "did you mean ...?" for a mistyped verb or option, by edit
 * distance (adjacent letters swapped count as one edit).
 */
#ifndef HONEYSCOPE_CLI_SUGGEST_H
#define HONEYSCOPE_CLI_SUGGEST_H

#include <getopt.h>
#include <stddef.h>

/*
 * The edit distance between a and b (insertions, deletions, substitutions
 * and swaps of adjacent characters), or SIZE_MAX when either is longer than
 * SUGGEST_MAX_LEN characters.
 */
#define SUGGEST_MAX_LEN 64
size_t suggest_distance(const char *a, const char *b);

/*
 * The candidate nearest to word, or NULL when none is near enough to be what
 * was meant: within one edit for words of up to three characters, two up to
 * six, three beyond; or the only candidate that word begins. Ties go to the
 * earlier candidate. The result points into candidates.
 */
const char *suggest_nearest(const char *word, const char *const *candidates, size_t count);

/*
 * For a verb's getopt_long() loop when it returns '?' (with opterr 0): says
 * on stderr what was wrong with the option at argv[optind - 1] (unknown,
 * ambiguous, or missing its value) and names the nearest long option of
 * options when there is one. Returns EXIT_USAGE.
 */
int unknown_option(const char *verb, const struct option *options, char *const *argv);

#endif
