/*
 * AS names: number -> "AMAZON-AES - Amazon.com, Inc., US", from a JSON
 * object (asnames.json, read with jansson) or from "ASN name" lines, plain
 * or gzip. Kept as one array sorted by number and searched by bisection.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "attrib_int.h"

struct as_name {
    uint32_t asn;
    char *name;
};

struct as_names {
    struct as_name *v;
    size_t count, alloc;
};

/* "14618" or "AS14618", len bytes; 0..4294967295 (0 is reserved, and named
 * in real tables, but never an origin). */
static int parse_asn_text(const char *s, size_t len, uint32_t *asn)
{
    return attrib_parse_asn(s, len, true, asn);
}

static void names_add(struct as_names *names, uint32_t asn, const char *name, size_t len)
{
    if (asn == 0)
        return;
    ALLOC_GROW(names->v, names->count + 1, names->alloc);
    struct as_name *n = &names->v[names->count++];
    n->asn = asn;
    n->name = xmalloc(len + 1);
    memcpy(n->name, name, len);
    n->name[len] = '\0';
}

static int load_json(struct as_names *names, const char *path, const char *data, size_t len,
                     char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        char quoted[512];
        attrib_err(err, errlen, "%s:%d:%d: %s", path, jerr.line, jerr.column,
                   attrib_quote(jerr.text, 160, quoted, sizeof(quoted)));
        return -1;
    }
    if (!json_is_object(root)) {
        attrib_err(err, errlen, "%s: want a JSON object {\"ASN\": \"name\"}", path);
        json_decref(root);
        return -1;
    }
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value)
    {
        uint32_t asn;
        if (parse_asn_text(key, strlen(key), &asn) < 0) {
            char quoted[192];
            attrib_err(err, errlen, "%s: key \"%s\" is not an AS number", path,
                       attrib_quote(key, 40, quoted, sizeof(quoted)));
            json_decref(root);
            return -1;
        }
        if (!json_is_string(value)) {
            attrib_err(err, errlen, "%s: the name of AS%u is not a string", path, asn);
            json_decref(root);
            return -1;
        }
        names_add(names, asn, json_string_value(value), json_string_length(value));
    }
    json_decref(root);
    return 0;
}

static int load_lines(struct as_names *names, const char *path, char *data, size_t len, char *err,
                      size_t errlen)
{
    unsigned long line_no = 0;
    size_t at = 0;
    while (at < len) {
        char *line = data + at;
        char *nl = memchr(line, '\n', len - at);
        size_t n = nl ? (size_t)(nl - line) : len - at;
        at += n + (nl ? 1 : 0);
        line_no++;
        while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
            n--;
        size_t i = 0;
        while (i < n && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i == n || line[i] == '#')
            continue;
        size_t num = i;
        while (i < n && line[i] != ' ' && line[i] != '\t')
            i++;
        uint32_t asn;
        if (parse_asn_text(line + num, i - num, &asn) < 0) {
            attrib_err(err, errlen, "%s:%lu: want \"ASN name\"", path, line_no);
            return -1;
        }
        while (i < n && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (memchr(line + i, '\0', n - i)) {
            attrib_err(err, errlen, "%s:%lu: line contains a NUL byte", path, line_no);
            return -1;
        }
        names_add(names, asn, line + i, n - i);
    }
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    const struct as_name *x = a, *y = b;
    return (x->asn > y->asn) - (x->asn < y->asn);
}

struct as_names *as_names_load(const char *path, char *err, size_t errlen)
{
    char *data;
    size_t len;
    if (attrib_read_file(path, &data, &len, err, errlen) < 0)
        return NULL;
    struct as_names *names = xcalloc(1, sizeof(*names));
    size_t i = 0;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    int rc = i < len && data[i] == '{' ? load_json(names, path, data, len, err, errlen)
                                       : load_lines(names, path, data, len, err, errlen);
    free(data);
    if (rc < 0) {
        as_names_free(names);
        return NULL;
    }
    if (names->count)
        qsort(names->v, names->count, sizeof(*names->v), name_cmp);
    /* A number given twice in a list file keeps one of its names. */
    size_t kept = 0;
    for (size_t j = 0; j < names->count; j++) {
        if (kept && names->v[kept - 1].asn == names->v[j].asn) {
            free(names->v[kept - 1].name);
            names->v[kept - 1] = names->v[j];
        } else {
            names->v[kept++] = names->v[j];
        }
    }
    names->count = kept;
    return names;
}

void as_names_free(struct as_names *names)
{
    if (!names)
        return;
    for (size_t i = 0; i < names->count; i++)
        free(names->v[i].name);
    free(names->v);
    free(names);
}

const char *as_names_get(const struct as_names *names, uint32_t asn)
{
    if (!names)
        return NULL;
    size_t lo = 0, hi = names->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (names->v[mid].asn < asn)
            lo = mid + 1;
        else if (names->v[mid].asn > asn)
            hi = mid;
        else
            return names->v[mid].name;
    }
    return NULL;
}

size_t as_names_count(const struct as_names *names)
{
    return names ? names->count : 0;
}
