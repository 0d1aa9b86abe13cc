/*
 * cli/walk: the capture files behind the paths a user names. A file is taken
 * as named; a directory is walked, recursively, and keeps only the files
 * whose bytes are a capture, optionally only those that can hold packets of
 * a period.
 */
#ifndef HONEYSCOPE_CLI_WALK_H
#define HONEYSCOPE_CLI_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The time that matters, for choosing files found in directories. */
struct walk_period {
    bool has_from, has_to;
    int64_t from_s, to_s; /* [from_s, to_s), UTC seconds */
    /*
     * How far outside the period a file's packets still matter: the longest
     * idle timeout, past which no conversation carries on into the period.
     */
    int64_t margin_s;
};

struct walk_result {
    char **paths; /* the files to read, each owned by the result */
    size_t count, alloc;
    size_t foreign;    /* files in directories that are not captures: skipped */
    size_t unreadable; /* files or directories that could not be read: skipped */
    size_t outside;    /* captures in directories outside the period: not read */
};

/*
 * Expands args[0..count): a path that is not a directory is kept as given
 * (reading it will say what is wrong); a directory is walked recursively,
 * following symbolic links but entering each directory and taking each
 * file once (loops end there), in name order. A file found in a directory
 * is kept when the capture stage can open it; otherwise it is named once on
 * stderr with the reason: unreadable ones always, foreign ones unless
 * quiet. With a period, a capture found in a directory is left unread when
 * its first packet comes after the period, or when it was last modified
 * before it (a capture is last written after its last packet; a file
 * modified before its own first packet is not judged by that). At most one
 * directory is open at a time. Free with walk_result_release().
 */
void walk_inputs(char *const *args, size_t count, const struct walk_period *period, bool quiet,
                 struct walk_result *result);
void walk_result_release(struct walk_result *result);

#endif
