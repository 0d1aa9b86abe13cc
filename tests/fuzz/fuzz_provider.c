/*
 * Fuzz target for providers' published ranges (AWS ip-ranges.json, Google
 * Cloud cloud.json, Azure Service Tags), read by prefix_set_load_file() as a
 * group's file is: byte 0 picks a selection (none, valid ones for each
 * layout, ones a layout does not know, malformed ones), the rest is the
 * file, plain or gzip-compressed (a file that is not JSON goes to the list
 * loader, as it would from --group).
 *
 * Checked: an error names the file (or the selection, when that is what is
 * wrong); a provider's labels start with its name and fit the label buffer;
 * a family selection keeps only that family; a prefix's label does not
 * depend on the selection (it names every record the file has for it), and
 * the selected prefixes are among those of the whole file; group_parse()
 * with the same selection loads the same set and matches as it does; lookups
 * agree with a brute-force longest match.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../src/attrib/attrib.h"
#include "fuzz.h"

static const char *const selections[] = {
    NULL,
    "service=EC2",
    "region=eu-*|us-east-1",
    "border=us-east-1-*",
    "network_border_group=eu-west-1",
    "service=AMAZON,region=us-*,family=4",
    "family=6",
    "family=ipv4",
    "scope=asia*",
    "service=Google Cloud",
    "tag=AzureCloud*",
    "name=Storage.*|Sql",
    "tag=ActionGroup,region=,family=4",
    "region=",
    "foo=bar",
    "service",
    "family=5",
    "region=*,service=*,border=*,family=4|6",
};
#define SELECTION_COUNT (sizeof(selections) / sizeof(selections[0]))

static bool is_provider(const char *format)
{
    return strcmp(format, "aws") == 0 || strcmp(format, "gcp") == 0 || strcmp(format, "azure") == 0;
}

static const char *provider_word(const char *format)
{
    return strcmp(format, "aws") == 0   ? "AMAZON"
           : strcmp(format, "gcp") == 0 ? "Google Cloud"
                                        : "AZURE";
}

/* The entry of set with exactly prefix p, or NULL. */
static const struct prefix_entry *find_exact(const struct prefix_set *set,
                                             const struct ip_prefix *p)
{
    for (size_t i = 0; i < prefix_set_count(set); i++) {
        const struct prefix_entry *e = prefix_set_entry(set, i);
        if (e->prefix.len == p->len && memcmp(e->prefix.addr.b, p->addr.b, 16) == 0 &&
            e->prefix.addr.mapped_v6 == p->addr.mapped_v6)
            return e;
    }
    return NULL;
}

/* The group of the same file and selection loads what the loader loaded. */
static void check_group(const char *path, const char *selection, int loaded,
                        const struct prefix_set *set, const uint8_t *data, size_t size)
{
    char spec[256], err[1024] = "";
    struct group group;
    snprintf(spec, sizeof(spec), "g=%s%s%s", path, selection ? ":" : "",
             selection ? selection : "");
    int ret = group_parse(&group, spec, err, sizeof(err));
    FUZZ_CHECK(ret == loaded);
    if (ret < 0) {
        FUZZ_CHECK(err[0] != '\0');
        return;
    }
    FUZZ_CHECK(group.kind == GROUP_PREFIXES && group.prefixes != NULL);
    FUZZ_CHECK(prefix_set_count(group.prefixes) == prefix_set_count(set));
    for (size_t off = 0; off + 16 <= size && off < 64; off += 16) {
        struct ip_addr addr;
        struct group_match match;
        addr_from_v4(&addr, data + off);
        bool in = group_match(&group, NULL, &addr, &match);
        FUZZ_CHECK(in == (prefix_set_lookup(set, &addr) != NULL));
        FUZZ_CHECK(!in || (match.entry && prefix_contains(&match.entry->prefix, &addr)));
        addr_from_v6(&addr, data + off);
        FUZZ_CHECK(group_match(&group, NULL, &addr, NULL) ==
                   (prefix_set_lookup(set, &addr) != NULL));
    }
    group_release(&group);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *selection = selections[data[0] % SELECTION_COUNT];
    const char *path = fuzz_file(data + 1, size - 1);
    struct prefix_set *set = prefix_set_new();
    struct prefix_file_info info = {NULL, 0};
    char err[1024] = "";
    int ret = prefix_set_load_file(set, path, selection, &info, err, sizeof(err));
    FUZZ_CHECK(ret == 0 || ret == -1);
    if (ret < 0) {
        char why[512];
        bool bad_selection = provider_selection_check(selection, why, sizeof(why)) < 0;
        FUZZ_CHECK(strstr(err, bad_selection ? selection : path) != NULL);
    } else {
        FUZZ_CHECK(info.format != NULL);
        /* A list takes no selection: the loader refuses it rather than ignore it. */
        FUZZ_CHECK(is_provider(info.format) || !selection);
    }
    if (ret == 0 && is_provider(info.format)) {
        const char *word = provider_word(info.format);
        bool only4 = selection && strstr(selection, "family=4") && !strstr(selection, "|6");
        bool only6 = selection && strstr(selection, "family=6");
        for (size_t i = 0; i < prefix_set_count(set); i++) {
            const struct prefix_entry *e = prefix_set_entry(set, i);
            bool v4 = addr_is_v4(&e->prefix.addr) && e->prefix.len >= 96;
            FUZZ_CHECK(strncmp(e->label, word, strlen(word)) == 0);
            FUZZ_CHECK(strlen(e->label) < 200);
            FUZZ_CHECK(e->asn == 0);
            FUZZ_CHECK(!only4 || v4);
            FUZZ_CHECK(!only6 || !v4);
        }
        /* The whole file: a superset, with the same label for every prefix. */
        if (selection && prefix_set_count(set) <= 512) {
            struct prefix_set *all = prefix_set_new();
            struct prefix_file_info all_info;
            FUZZ_CHECK(prefix_set_load_file(all, path, NULL, &all_info, err, sizeof(err)) == 0);
            FUZZ_CHECK(strcmp(all_info.format, info.format) == 0 && all_info.day == info.day);
            FUZZ_CHECK(prefix_set_count(all) >= prefix_set_count(set));
            for (size_t i = 0; i < prefix_set_count(set); i++) {
                const struct prefix_entry *e = prefix_set_entry(set, i);
                const struct prefix_entry *whole = find_exact(all, &e->prefix);
                FUZZ_CHECK(whole != NULL);
                FUZZ_CHECK(strcmp(whole->label, e->label) == 0);
            }
            prefix_set_free(all);
        }
    }
    check_group(path, selection, ret, set, data, size);
    fuzz_check_prefix_set(set, data, size);
    prefix_set_free(set);
    return 0;
}
