/*
 * The version of honeyscope, defined once for every binary (honeyscope,
 * honeyscope-mpi): --version prints it, the Makefile reads it for `make deb`,
 * and debian/changelog must carry the same number (debian/rules and
 * tests/cli/version.sh check that they agree).
 */
#ifndef HONEYSCOPE_VERSION_H
#define HONEYSCOPE_VERSION_H

#define HONEYSCOPE_VERSION "0.1.0"

/* HONEYSCOPE_VERSION as the library was built with it: a static string. */
const char *honeyscope_version(void);

#endif
