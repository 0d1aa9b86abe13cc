/*
 * The version as a function, so that a program linked with the library
 * reports the library's version even when built apart from it.
 */
#include "version.h"

const char *honeyscope_version(void)
{
    return HONEYSCOPE_VERSION;
}
