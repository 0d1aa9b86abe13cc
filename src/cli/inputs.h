/*
 * cli/inputs: the capture files a report reads, named once each, and the
 * captures among them that hold packets of another (docs/semantics.md,
 * "Overlapping captures").
 */
#ifndef HONEYSCOPE_CLI_INPUTS_H
#define HONEYSCOPE_CLI_INPUTS_H

#include <stdbool.h>
#include <stddef.h>

#include "../capture/capture.h"
#include "../report/report.h"

/*
 * Packet samples of paths[0..count): samples[i] is NULL for a file that is
 * no capture (a flow log) or cannot be opened. Free with
 * capture_samples_free().
 */
struct capture_sample **capture_samples_take(const char *const *paths, size_t count);
void capture_samples_free(struct capture_sample **samples, size_t count);

/* A capture of the inputs holding packets of an earlier one. */
struct input_overlap {
    size_t later, earlier; /* indexes into the samples */
    struct capture_overlap overlap;
};

/*
 * The one rule for inputs: files are taken in order of their first packet
 * (ties: in the order given), and each is checked against those before it;
 * a file holding packets of one is listed once, with the first such. With
 * skip, a file so listed is marked in skipped[] and is not itself checked
 * against later (its packets are not read). Returns how many were found,
 * into *found (free it).
 */
size_t capture_overlaps_find(struct capture_sample *const *samples, size_t count, bool skip,
                             bool *skipped, struct input_overlap **found);

/*
 * The captures to read among the paths given: each file once, however often
 * it is named or copied, and with skip_overlapping none that holds packets of
 * an earlier one. Returns the paths to read (*nread of them; free the array),
 * and the report's file list (*files, *nfiles): first the files to read, in
 * the same order, then the overlapping files skipped (overlaps_with set),
 * then the repeats (same_as set). Paths are made absolute where the file can
 * be found, as the store keeps them. Free each file's path, same_as and
 * overlaps_with, then *files. The overlaps found (*overlaps, *noverlaps; free
 * with report_overlaps_free()) name the files as the list does. Without
 * sample (and without skip_overlapping, which needs it) the captures are not
 * sampled here: the caller finds overlaps from the samples its read takes
 * (capture_overlaps_of_samples()), which spares a read of every file.
 */
char **capture_list_distinct(char **paths, size_t npaths, bool skip_overlapping, bool sample,
                             int *nread, struct report_file **files, size_t *nfiles,
                             struct report_overlap **overlaps, size_t *noverlaps);
/*
 * The overlaps among captures read with their samples taken in the same pass
 * (aggregate_config.sample_packets): samples[i] is the sample of the file
 * listed as files[i] (NULL for none). Fills *overlaps and *noverlaps as
 * capture_list_distinct() does, none skipped.
 */
void capture_overlaps_of_samples(struct capture_sample *const *samples,
                                 const struct report_file *files, size_t count,
                                 struct report_overlap **overlaps, size_t *noverlaps);
void report_overlaps_free(struct report_overlap *overlaps, size_t count);

#endif
