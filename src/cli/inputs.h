/*
 * cli/inputs: the capture files a report reads, named once each.
 */
#ifndef HONEYSCOPE_CLI_INPUTS_H
#define HONEYSCOPE_CLI_INPUTS_H

#include <stddef.h>

#include "../report/report.h"

/*
 * The captures to read among the paths given: each file once, however often
 * it is named or copied. Returns the paths to read (*nread of them; free the
 * array), and the report's file list (*files, *nfiles): first the files to
 * read, in the same order, then the repeats with same_as set. Paths are made
 * absolute where the file can be found, as the store keeps them. Free each
 * file's path and same_as, then *files.
 */
char **capture_list_distinct(char **paths, size_t npaths, int *nread, struct report_file **files,
                             size_t *nfiles);

#endif
