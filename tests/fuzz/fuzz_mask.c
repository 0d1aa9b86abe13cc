/*
 * Fuzz target for the --mask redaction (mask_redact): the first byte picks
 * the sensor prefixes, the rest is a string as a packet may carry it (an EHLO
 * name, a URL, a DNS name). Whatever the bytes, the redacted copy must be
 * NUL-terminated, must not spell a sensor address in its plain forms, and
 * must need no second pass (redacting it again finds nothing).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/report/report_int.h"
#include "fuzz.h"

static const char *const sensor_sets[][3] = {
    {"192.0.2.10/32", NULL, NULL},
    {"192.0.2.0/24", NULL, NULL},
    {"2001:db8:0:1::10/128", NULL, NULL},
    {"2001:db8:0:1::/64", "192.0.2.10/32", NULL},
    {"10.0.0.0/8", "fe80::/10", "::ffff:198.51.100.7/128"},
};

/* Plain forms of the /32 and /128 sensors that no redacted text may keep. */
static const char *const plain_forms[][2] = {
    {"192.0.2.10", NULL},
    {NULL, NULL},
    {"2001:db8:0:1::10", NULL},
    {"192.0.2.10", "2001:db8:0:1::10"},
    {NULL, NULL},
};

/* Whether c can be part of the same address text as its neighbour. */
static bool continues(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
           c == '.';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t pick = data[0] % (sizeof(sensor_sets) / sizeof(sensor_sets[0]));
    struct sensor_set sensors;
    sensor_set_init(&sensors);
    for (size_t i = 0; i < 3 && sensor_sets[pick][i]; i++) {
        struct ip_prefix prefix;
        const char *why = "";
        FUZZ_CHECK(prefix_parse(&prefix, sensor_sets[pick][i], &why) == 0);
        sensor_set_add(&sensors, &prefix);
    }
    /* Renderers hand over C strings: what follows a NUL is never shown. */
    const char *text = (const char *)data + 1;
    size_t len = strnlen(text, size - 1);
    char *out = mask_redact(&sensors, text, len);
    if (out) {
        size_t out_len = strlen(out);
        FUZZ_CHECK(strstr(out, MASK_SENSOR) != NULL);
        for (size_t i = 0; i < 2; i++) {
            const char *form = plain_forms[pick][i];
            /* A form that goes on into more of an address is another address. */
            for (const char *at = out; form && (at = strstr(at, form)); at++) {
                size_t n = strlen(form);
                FUZZ_CHECK((at > out && continues(at[-1])) || continues(at[n]));
            }
        }
        char *again = mask_redact(&sensors, out, out_len);
        FUZZ_CHECK(again == NULL);
        free(out);
    }
    sensor_set_release(&sensors);
    return 0;
}
