/*
 * Providers' published address ranges: AWS ip-ranges.json, Google Cloud
 * cloud.json and Azure Service Tags, read with jansson and recognised from
 * their content, and the selections that keep part of them
 * ("service=EC2,region=eu-*"). Also the entry point that tells a provider
 * file from a "CIDR label" list (docs/naming.md).
 *
 * A file is read into records (prefix, region, service, border group, tag),
 * one per appearance of a prefix: AWS lists a prefix once per service, Azure
 * once per tag. A prefix enters the set when one of its records matches the
 * selection, and its label names every record the file has for it, so that
 * "AMAZON eu-west-1 EC2+S3" says the block serves both whatever was selected.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../common/xalloc.h"
#include "attrib_int.h"

#define LABEL_BYTES 200
#define PEEK_BYTES 4096
#define SELECTION_TERMS_MAX 16

enum provider {
    PROVIDER_AWS,
    PROVIDER_GCP,
    PROVIDER_AZURE,
};

static const char *const provider_formats[] = {"aws", "gcp", "azure"};
static const char *const provider_titles[] = {
    "an AWS ip-ranges.json file",
    "a Google Cloud cloud.json file",
    "an Azure Service Tags file",
};
/* The first word of every label, and the service that only repeats it. */
static const char *const provider_words[] = {"AMAZON", "Google Cloud", "AZURE"};

/* ---- selections --------------------------------------------------------------- */

enum field { FIELD_REGION, FIELD_SERVICE, FIELD_BORDER, FIELD_TAG, FIELD_FAMILY, FIELD_COUNT };

#define ANY_PROVIDER (-1)

/* Keys, and the aliases one provider's files spell a field with (only there). */
static const struct {
    const char *key;
    enum field field;
    int provider; /* ANY_PROVIDER, or the only provider whose files know this key */
} selection_keys[] = {
    {"region", FIELD_REGION, ANY_PROVIDER},
    {"scope", FIELD_REGION, PROVIDER_GCP},
    {"service", FIELD_SERVICE, ANY_PROVIDER},
    {"border", FIELD_BORDER, ANY_PROVIDER},
    {"network_border_group", FIELD_BORDER, PROVIDER_AWS},
    {"tag", FIELD_TAG, ANY_PROVIDER},
    {"name", FIELD_TAG, PROVIDER_AZURE},
    {"family", FIELD_FAMILY, ANY_PROVIDER},
};

/* Which fields each provider's records have. */
static const bool provider_fields[3][FIELD_COUNT] = {
    [PROVIDER_AWS] = {true, true, true, false, true},
    [PROVIDER_GCP] = {true, true, false, false, true},
    [PROVIDER_AZURE] = {true, true, false, true, true},
};
static const char *const provider_keys[] = {
    "region, service, border (or network_border_group), family",
    "region (or scope), service, family",
    "tag (or name), region, service, family",
};

struct term {
    enum field field;
    int provider;    /* ANY_PROVIDER, or the one whose files know the key */
    const char *key; /* as written, for messages (points into text) */
    size_t key_len;
    const char *patterns; /* "a|b*", NUL-terminated in text */
};

struct selection {
    char *text; /* a copy, cut into terms */
    struct term terms[SELECTION_TERMS_MAX];
    size_t count;
};

static int field_of(const char *key, size_t len, enum field *field, int *provider)
{
    for (size_t i = 0; i < sizeof(selection_keys) / sizeof(selection_keys[0]); i++)
        if (strlen(selection_keys[i].key) == len && memcmp(selection_keys[i].key, key, len) == 0) {
            *field = selection_keys[i].field;
            *provider = selection_keys[i].provider;
            return 0;
        }
    return -1;
}

static void selection_release(struct selection *sel)
{
    free(sel->text);
    memset(sel, 0, sizeof(*sel));
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether the n bytes at v are a family: "4", "6", "ipv4" or "ipv6" in any case.
 * The digit, always last, is what a record's family is matched with. */
static bool family_value(const char *v, size_t n)
{
    bool digit = n > 0 && (v[n - 1] == '4' || v[n - 1] == '6');
    return digit &&
           (n == 1 || (n == 4 && lower(v[0]) == 'i' && lower(v[1]) == 'p' && lower(v[2]) == 'v'));
}

static int selection_parse(struct selection *sel, const char *text, char *err, size_t errlen)
{
    memset(sel, 0, sizeof(*sel));
    if (!text || !*text)
        return 0;
    sel->text = xstrdup(text);
    char *p = sel->text;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        char *eq = strchr(p, '=');
        if (!eq || eq == p) {
            attrib_err(err, errlen, "selection '%s': want KEY=VALUE[|VALUE...], not '%s'", text, p);
            goto fail;
        }
        struct term *t = &sel->terms[sel->count];
        if (field_of(p, (size_t)(eq - p), &t->field, &t->provider) < 0) {
            attrib_err(err, errlen,
                       "selection '%s': unknown key '%.*s' (keys: region, service, border, "
                       "scope, tag, family)",
                       text, (int)(eq - p), p);
            goto fail;
        }
        t->key = p;
        t->key_len = (size_t)(eq - p);
        t->patterns = eq + 1;
        /* Every alternative needs some text. */
        const char *v = t->patterns;
        for (;;) {
            const char *bar = strchr(v, '|');
            size_t n = bar ? (size_t)(bar - v) : strlen(v);
            if (n == 0) {
                attrib_err(err, errlen, "selection '%s': empty value for '%.*s'", text,
                           (int)t->key_len, t->key);
                goto fail;
            }
            if (!bar)
                break;
            v = bar + 1;
        }
        if (t->field == FIELD_FAMILY) {
            for (v = t->patterns;;) {
                const char *bar = strchr(v, '|');
                size_t n = bar ? (size_t)(bar - v) : strlen(v);
                if (!family_value(v, n)) {
                    attrib_err(err, errlen,
                               "selection '%s': family takes 4, 6, ipv4 or ipv6, not '%.*s'", text,
                               (int)n, v);
                    goto fail;
                }
                if (!bar)
                    break;
                v = bar + 1;
            }
        }
        if (++sel->count == SELECTION_TERMS_MAX && comma) {
            attrib_err(err, errlen, "selection '%s': more than %d terms", text,
                       SELECTION_TERMS_MAX);
            goto fail;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
fail:
    selection_release(sel);
    return -1;
}

int provider_selection_check(const char *selection, char *err, size_t errlen)
{
    struct selection sel;
    if (selection_parse(&sel, selection, err, errlen) < 0)
        return -1;
    selection_release(&sel);
    return 0;
}

/* Whether s matches pattern (n bytes): case-insensitive, '*' any run. */
static bool glob_match(const char *pat, size_t n, const char *s)
{
    size_t pi = 0, star = SIZE_MAX;
    const char *mark = NULL;
    while (*s) {
        if (pi < n && pat[pi] == '*') {
            star = pi++;
            mark = s;
        } else if (pi < n && lower(pat[pi]) == lower(*s)) {
            pi++;
            s++;
        } else if (star != SIZE_MAX) {
            pi = star + 1;
            s = ++mark;
        } else {
            return false;
        }
    }
    while (pi < n && pat[pi] == '*')
        pi++;
    return pi == n;
}

static bool term_match(const struct term *t, const char *value)
{
    const char *v = t->patterns;
    for (;;) {
        const char *bar = strchr(v, '|');
        size_t n = bar ? (size_t)(bar - v) : strlen(v);
        /* family: "4" or "ipv4" against the record's "4" */
        if (t->field == FIELD_FAMILY ? v[n - 1] == value[0] : glob_match(v, n, value))
            return true;
        if (!bar)
            return false;
        v = bar + 1;
    }
}

/* ---- records ------------------------------------------------------------------ */

struct record {
    struct ip_prefix prefix;
    const char *field[FIELD_COUNT]; /* never NULL; FIELD_FAMILY "4" or "6" */
    size_t index;                   /* order in the file */
    bool selected;
};

struct records {
    struct record *v;
    size_t count, alloc;
};

static const char *str_field(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

/*
 * Adds a record for the prefix text at where (a JSON path for messages).
 * Returns 0, or -1 with the reason in err.
 */
static int record_add(struct records *recs, const char *path, const char *where, json_t *text,
                      const char *region, const char *service, const char *border, const char *tag,
                      char *err, size_t errlen)
{
    const char *s = json_string_value(text);
    if (!s) {
        attrib_err(err, errlen, "%s: %s: want a prefix string", path, where);
        return -1;
    }
    struct ip_prefix prefix;
    const char *why = "not a prefix";
    if (!strchr(s, '/') || prefix_parse(&prefix, s, &why) < 0) {
        if (!strchr(s, '/'))
            why = "missing prefix length";
        char quoted[256];
        attrib_err(err, errlen, "%s: %s \"%s\": %s", path, where,
                   attrib_quote(s, 60, quoted, sizeof(quoted)), why);
        return -1;
    }
    ALLOC_GROW(recs->v, recs->count + 1, recs->alloc);
    struct record *r = &recs->v[recs->count];
    memset(r, 0, sizeof(*r));
    r->prefix = prefix;
    r->field[FIELD_REGION] = region;
    r->field[FIELD_SERVICE] = service;
    r->field[FIELD_BORDER] = border;
    r->field[FIELD_TAG] = tag;
    r->field[FIELD_FAMILY] = addr_is_v4(&prefix.addr) && prefix.len >= 96 ? "4" : "6";
    r->index = recs->count++;
    return 0;
}

static int read_aws(json_t *root, struct records *recs, const char *path, char *err, size_t errlen)
{
    static const char *const lists[2] = {"prefixes", "ipv6_prefixes"};
    static const char *const keys[2] = {"ip_prefix", "ipv6_prefix"};
    for (int l = 0; l < 2; l++) {
        json_t *list = json_object_get(root, lists[l]);
        if (!list)
            continue;
        if (!json_is_array(list)) {
            attrib_err(err, errlen, "%s: \"%s\" is not an array", path, lists[l]);
            return -1;
        }
        size_t i;
        json_t *item;
        json_array_foreach(list, i, item)
        {
            char where[96];
            snprintf(where, sizeof(where), "%s[%zu].%s", lists[l], i, keys[l]);
            const char *region = str_field(item, "region");
            const char *border = str_field(item, "network_border_group");
            if (record_add(recs, path, where, json_object_get(item, keys[l]), region,
                           str_field(item, "service"), border[0] ? border : region, "", err,
                           errlen) < 0)
                return -1;
        }
    }
    return 0;
}

static int read_gcp(json_t *root, struct records *recs, const char *path, char *err, size_t errlen)
{
    json_t *list = json_object_get(root, "prefixes");
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        char where[96];
        const char *key = json_object_get(item, "ipv4Prefix") ? "ipv4Prefix" : "ipv6Prefix";
        snprintf(where, sizeof(where), "prefixes[%zu].%s", i, key);
        if (record_add(recs, path, where, json_object_get(item, key), str_field(item, "scope"),
                       str_field(item, "service"), "", "", err, errlen) < 0)
            return -1;
    }
    return 0;
}

static int read_azure(json_t *root, struct records *recs, const char *path, char *err,
                      size_t errlen)
{
    json_t *values = json_object_get(root, "values");
    size_t i;
    json_t *value;
    json_array_foreach(values, i, value)
    {
        json_t *props = json_object_get(value, "properties");
        json_t *list = json_object_get(props, "addressPrefixes");
        if (!json_is_array(list)) {
            attrib_err(err, errlen, "%s: values[%zu].properties.addressPrefixes: want an array",
                       path, i);
            return -1;
        }
        const char *tag = str_field(value, "name");
        const char *region = str_field(props, "region");
        const char *service = str_field(props, "systemService");
        size_t j;
        json_t *text;
        json_array_foreach(list, j, text)
        {
            char where[96];
            snprintf(where, sizeof(where), "values[%zu].properties.addressPrefixes[%zu]", i, j);
            if (record_add(recs, path, where, text, region, service, "", tag, err, errlen) < 0)
                return -1;
        }
    }
    return 0;
}

/* Which provider wrote root, from the fields only it has; -1 for none. */
static int provider_of(json_t *root)
{
    if (!json_is_object(root))
        return -1;
    json_t *prefixes = json_object_get(root, "prefixes");
    if (json_is_array(json_object_get(root, "values")) &&
        (json_object_get(root, "changeNumber") || json_object_get(root, "cloud")))
        return PROVIDER_AZURE;
    if (json_is_string(json_object_get(root, "createDate")) ||
        json_is_array(json_object_get(root, "ipv6_prefixes")))
        return PROVIDER_AWS;
    if (json_is_array(prefixes)) {
        json_t *first = json_array_get(prefixes, 0);
        if (json_object_get(first, "ip_prefix"))
            return PROVIDER_AWS;
        if (json_object_get(first, "ipv4Prefix") || json_object_get(first, "ipv6Prefix") ||
            json_is_string(json_object_get(root, "creationTime")))
            return PROVIDER_GCP;
    }
    return -1;
}

/* "2015-11-03-17-22-03" or "2025-07-24T19:16:28": the day, or undated. */
static int64_t day_of(const char *s)
{
    unsigned y, m, d;
    if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
        return SNAPSHOT_UNDATED;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return SNAPSHOT_UNDATED;
    y = (unsigned)((s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'));
    m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    return attrib_days(y, m, d);
}

/* ---- labels ------------------------------------------------------------------- */

struct label {
    char text[LABEL_BYTES];
    size_t used;
    size_t dropped; /* parts that did not fit */
};

/* Appends sep + part, unless part is empty or already among parts. */
static void label_part(struct label *l, char sep, const char *part, const char *start)
{
    if (!part[0])
        return;
    size_t n = strlen(part);
    /* Already there as a whole part after start? */
    for (const char *p = strstr(start, part); p; p = strstr(p + 1, part))
        if ((p == start || p[-1] == ' ' || p[-1] == '+') &&
            (p[n] == '\0' || p[n] == '+' || p[n] == ' '))
            return;
    if (l->used + n + 2 + 8 >= sizeof(l->text)) {
        l->dropped++;
        return;
    }
    if (l->used)
        l->text[l->used++] = sep;
    memcpy(l->text + l->used, part, n);
    l->used += n;
    l->text[l->used] = '\0';
}

/* The label of one prefix from all its records (n of them at recs). */
static void build_label(enum provider prov, const struct record *const *recs, size_t n,
                        struct label *l)
{
    memset(l, 0, sizeof(*l));
    label_part(l, ' ', provider_words[prov], l->text);
    for (int pass = 0; pass < 2; pass++) {
        enum field f =
            pass == 0 ? (prov == PROVIDER_AWS ? FIELD_BORDER : FIELD_REGION) : FIELD_SERVICE;
        size_t start = l->used;
        bool first = true;
        for (size_t i = 0; i < n; i++) {
            const char *v = recs[i]->field[f];
            if (!v[0] || (f == FIELD_SERVICE && strcmp(v, provider_words[prov]) == 0))
                continue;
            label_part(l, first ? ' ' : '+', v, l->text + start);
            if (l->used > start)
                first = false;
        }
    }
    if (l->dropped)
        snprintf(l->text + l->used, sizeof(l->text) - l->used, "+%zu more", l->dropped);
}

/* ---- loading ------------------------------------------------------------------ */

static int record_cmp(const void *a, const void *b)
{
    const struct record *x = *(const struct record *const *)a;
    const struct record *y = *(const struct record *const *)b;
    int c = addr_compare(&x->prefix.addr, &y->prefix.addr);
    if (c)
        return c;
    if (x->prefix.len != y->prefix.len)
        return x->prefix.len < y->prefix.len ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

struct chosen {
    size_t first; /* index of the prefix's first record, for the file's order */
    struct ip_prefix prefix;
    char label[LABEL_BYTES];
};

static int chosen_cmp(const void *a, const void *b)
{
    const struct chosen *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* Applies the selection and adds the chosen prefixes to set in file order.
 * Returns how many were added. */
static size_t add_selected(struct prefix_set *set, enum provider prov, struct records *recs,
                           const struct selection *sel)
{
    struct record **by = xcalloc(recs->count ? recs->count : 1, sizeof(*by));
    for (size_t i = 0; i < recs->count; i++) {
        struct record *r = &recs->v[i];
        r->selected = true;
        for (size_t t = 0; t < sel->count && r->selected; t++)
            r->selected = term_match(&sel->terms[t], r->field[sel->terms[t].field]);
        by[i] = r;
    }
    if (recs->count)
        qsort(by, recs->count, sizeof(*by), record_cmp);

    struct chosen *chosen = NULL;
    size_t nchosen = 0, alloc = 0;
    for (size_t i = 0; i < recs->count;) {
        size_t j = i;
        bool any = false;
        while (j < recs->count && by[j]->prefix.len == by[i]->prefix.len &&
               addr_compare(&by[j]->prefix.addr, &by[i]->prefix.addr) == 0) {
            any = any || by[j]->selected;
            j++;
        }
        if (any) {
            struct label l;
            build_label(prov, (const struct record *const *)&by[i], j - i, &l);
            ALLOC_GROW(chosen, nchosen + 1, alloc);
            chosen[nchosen].first = by[i]->index;
            chosen[nchosen].prefix = by[i]->prefix;
            memcpy(chosen[nchosen].label, l.text, sizeof(l.text));
            nchosen++;
        }
        i = j;
    }
    if (nchosen)
        qsort(chosen, nchosen, sizeof(*chosen), chosen_cmp);
    for (size_t i = 0; i < nchosen; i++)
        prefix_set_add(set, &chosen[i].prefix, chosen[i].label, 0);
    free(chosen);
    free(by);
    return nchosen;
}

static int load_provider(struct prefix_set *set, const char *path, const char *selection,
                         struct prefix_file_info *info, char *err, size_t errlen)
{
    struct selection sel;
    if (selection_parse(&sel, selection, err, errlen) < 0)
        return -1;
    char *data;
    size_t len;
    if (attrib_read_file(path, &data, &len, err, errlen) < 0) {
        selection_release(&sel);
        return -1;
    }
    json_error_t jerr;
    json_t *root = json_loadb(data, len, 0, &jerr);
    free(data);
    int rc = -1;
    struct records recs = {0};
    if (!root) {
        char quoted[512];
        attrib_err(err, errlen, "%s:%d:%d: bad JSON (byte %d): %s", path, jerr.line, jerr.column,
                   jerr.position, attrib_quote(jerr.text, 160, quoted, sizeof(quoted)));
        goto out;
    }
    int prov = provider_of(root);
    if (prov < 0) {
        attrib_err(err, errlen,
                   "%s: JSON, but not an AWS ip-ranges.json, a Google Cloud cloud.json or an "
                   "Azure Service Tags file",
                   path);
        goto out;
    }
    for (size_t t = 0; t < sel.count; t++)
        if (!provider_fields[prov][sel.terms[t].field] ||
            (sel.terms[t].provider != ANY_PROVIDER && sel.terms[t].provider != prov)) {
            attrib_err(err, errlen, "%s: %s has no '%.*s' (keys: %s)", path, provider_titles[prov],
                       (int)sel.terms[t].key_len, sel.terms[t].key, provider_keys[prov]);
            goto out;
        }
    int read = prov == PROVIDER_AWS   ? read_aws(root, &recs, path, err, errlen)
               : prov == PROVIDER_GCP ? read_gcp(root, &recs, path, err, errlen)
                                      : read_azure(root, &recs, path, err, errlen);
    if (read < 0)
        goto out;
    add_selected(set, (enum provider)prov, &recs, &sel);
    if (info) {
        info->format = provider_formats[prov];
        info->day = prov == PROVIDER_AWS   ? day_of(str_field(root, "createDate"))
                    : prov == PROVIDER_GCP ? day_of(str_field(root, "creationTime"))
                                           : SNAPSHOT_UNDATED;
    }
    rc = 0;
out:
    free(recs.v);
    json_decref(root);
    selection_release(&sel);
    return rc;
}

/* Whether the file's first non-space byte (after gunzip) is '{'. Returns 1, 0,
 * or -1 with err set when the file cannot be read. */
static int looks_like_json(const char *path, char *err, size_t errlen)
{
    char buf[PEEK_BYTES];
    gzFile gz = attrib_gzopen(path, err, errlen);
    if (!gz)
        return -1;
    int found = 0;
    for (;;) {
        int n = gzread(gz, buf, sizeof(buf));
        if (n <= 0)
            break;
        int i = 0;
        while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
            i++;
        if (i < n) {
            found = buf[i] == '{';
            break;
        }
    }
    gzclose(gz);
    return found;
}

int prefix_set_load_file(struct prefix_set *set, const char *path, const char *selection,
                         struct prefix_file_info *info, char *err, size_t errlen)
{
    if (info) {
        info->format = "list";
        info->day = SNAPSHOT_UNDATED;
    }
    int json = looks_like_json(path, err, errlen);
    if (json < 0)
        return -1;
    if (json)
        return load_provider(set, path, selection, info, err, errlen);
    if (selection && *selection) {
        attrib_err(err, errlen,
                   "%s: a \"CIDR label\" list takes no selection (':%s'); selections are for "
                   "AWS, Google Cloud and Azure JSON files",
                   path, selection);
        return -1;
    }
    return prefix_set_load_list(set, path, err, errlen);
}
