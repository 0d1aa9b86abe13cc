/*
 * Fuzz target for AS-name files (as_names_load): the input is the whole
 * file, a JSON object {"14618": "name"} or "ASN name" lines, plain or
 * gzip-compressed.
 *
 * Checked: an error names the file; AS 0 never has a name; and what loads
 * agrees with the file read independently here (for uncompressed input):
 * every AS number the file names has a name, and the name it gives when it
 * names that AS once (a number given twice keeps one of its names).
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/attrib/attrib.h"
#include "fuzz.h"

/* "14618" or "AS14618" (either case) as the loader takes it; -1 otherwise. */
static int64_t asn_of(const char *s, size_t len)
{
    if (len >= 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's')) {
        s += 2;
        len -= 2;
    }
    if (len == 0 || len > 10)
        return -1;
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v <= UINT32_MAX ? v : -1;
}

struct named {
    uint32_t asn;
    const char *name; /* points into the input copy or the JSON tree */
    size_t len;
};

/* How many of the n entries name asn. */
static size_t times_named(const struct named *v, size_t n, uint32_t asn)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += v[i].asn == asn;
    return k;
}

static void check_entries(const struct as_names *names, const struct named *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (v[i].asn == 0)
            continue;
        const char *got = as_names_get(names, v[i].asn);
        FUZZ_CHECK(got != NULL);
        /* A NUL inside a JSON string ends the name where C strings end. */
        size_t want = strnlen(v[i].name, v[i].len);
        if (times_named(v, n, v[i].asn) == 1)
            FUZZ_CHECK(strlen(got) == want && memcmp(got, v[i].name, want) == 0);
    }
}

static void check_lines(const struct as_names *names, char *text, size_t len)
{
    struct named *v = calloc(len / 2 + 1, sizeof(*v));
    FUZZ_CHECK(v != NULL);
    size_t n = 0;
    for (size_t at = 0; at < len;) {
        char *line = text + at;
        char *nl = memchr(line, '\n', len - at);
        size_t end = nl ? (size_t)(nl - line) : len - at;
        at += end + (nl != NULL);
        while (end && (line[end - 1] == '\r' || line[end - 1] == ' ' || line[end - 1] == '\t'))
            end--;
        size_t i = 0;
        while (i < end && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i == end || line[i] == '#')
            continue;
        size_t num = i;
        while (i < end && line[i] != ' ' && line[i] != '\t')
            i++;
        int64_t asn = asn_of(line + num, i - num);
        FUZZ_CHECK(asn >= 0); /* the file loaded: every line was good */
        while (i < end && (line[i] == ' ' || line[i] == '\t'))
            i++;
        v[n++] = (struct named){(uint32_t)asn, line + i, end - i};
    }
    check_entries(names, v, n);
    free(v);
}

static void check_json(const struct as_names *names, const char *text, size_t len)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    FUZZ_CHECK(root != NULL && json_is_object(root));
    struct named *v = calloc(json_object_size(root) + 1, sizeof(*v));
    FUZZ_CHECK(v != NULL);
    size_t n = 0;
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value)
    {
        int64_t asn = asn_of(key, strlen(key));
        FUZZ_CHECK(asn >= 0 && json_is_string(value));
        v[n++] = (struct named){(uint32_t)asn, json_string_value(value), json_string_length(value)};
    }
    check_entries(names, v, n);
    free(v);
    json_decref(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    char err[1024] = "";
    struct as_names *names = as_names_load(path, err, sizeof(err));
    if (!names) {
        FUZZ_CHECK(strstr(err, path) != NULL);
        return 0;
    }
    FUZZ_CHECK(as_names_get(names, 0) == NULL);
    FUZZ_CHECK(as_names_count(names) <= size);
    bool gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    if (!gzip) {
        char *text = malloc(size + 1);
        FUZZ_CHECK(text != NULL);
        memcpy(text, data, size);
        text[size] = '\0';
        size_t i = 0;
        while (i < size &&
               (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
            i++;
        if (i < size && text[i] == '{')
            check_json(names, text, size);
        else
            check_lines(names, text, size);
        free(text);
    }
    as_names_free(names);
    return 0;
}
