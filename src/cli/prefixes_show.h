/*
 * honeyscope prefixes show: a prefix file's labels, regions and services.
 */
#ifndef HONEYSCOPE_CLI_PREFIXES_SHOW_H
#define HONEYSCOPE_CLI_PREFIXES_SHOW_H

/*
 * Loads spec (FILE[@YYYY-MM-DD][:SELECTION], as after NAME= in --group) and
 * prints its labels, regions and services with their prefix counts on
 * stdout. Returns the exit status (the message printed).
 */
int prefixes_show(const char *spec);

#endif
