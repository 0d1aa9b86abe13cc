/*
 * Private to the decode stage: the link-layer entry point that link.c gives
 * decode.c. Every header decoder reads through the bounds-checked cursor of
 * common/cursor.h, the only thing that touches packet bytes.
 */
#ifndef HONEYSCOPE_DECODE_INT_H
#define HONEYSCOPE_DECODE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../common/cursor.h"
#include "decode.h"

/*
 * Steps c over the link-layer header of link_type (DLT_ numbering). On
 * DECODE_OK, c starts at the IP header and *ip_version is 4 or 6 as the link
 * header says, or 0 when only the IP header's own version field can tell.
 */
enum decode_result link_decode(int link_type, struct cursor *c, unsigned *ip_version);

#endif
