/*
 * Private to the flowlog stage: what the file reader asks of the conn.log
 * parser to recognise a log from its first lines.
 */
#ifndef HONEYSCOPE_FLOWLOG_INT_H
#define HONEYSCOPE_FLOWLOG_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "flowlog.h"

/* Whether len bytes are well-formed UTF-8 without NUL (RFC 3629). */
bool flowlog_utf8_valid(const char *text, size_t len);
/* Whether the TSV header read so far names every field a record needs. */
bool zeek_state_complete(const struct zeek_state *state);
/* Whether a line is a JSON object with every key a record needs. */
bool zeek_json_is_conn(const char *line, size_t len);

#endif
