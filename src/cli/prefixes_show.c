/*
 * honeyscope prefixes show FILE[:SELECTION]: what a prefix file holds, before
 * a group is made of it: its labels with their prefix counts and, for a
 * provider's file, the regions and services those labels name (AWS region
 * and services, Azure region and tags, Google Cloud scopes), so that a
 * selection or a --by label split need not guess their names.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../attrib/attrib.h"
#include "../common/xalloc.h"
#include "cli.h"
#include "naming.h"
#include "prefixes_show.h"

/* A label as read from a file: printable ASCII as is, other bytes as \\xNN,
 * so that a label cannot move a terminal's cursor. */
static void text_print(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x20 && *p < 0x7f && *p != '\\')
            fputc(*p, out);
        else
            fprintf(out, "\\x%02x", *p);
    }
}

struct tally {
    char *name;
    size_t v4, v6;
};

struct tallies {
    struct tally *v;
    size_t count, alloc;
};

/* Counts one prefix under name (len bytes), linear in the distinct names:
 * a provider file has a few hundred. */
static void tally_add(struct tallies *t, const char *name, size_t len, bool v6)
{
    size_t i;
    for (i = 0; i < t->count; i++)
        if (strlen(t->v[i].name) == len && memcmp(t->v[i].name, name, len) == 0)
            break;
    if (i == t->count) {
        ALLOC_GROW(t->v, t->count + 1, t->alloc);
        t->v[i].name = xmalloc(len + 1);
        memcpy(t->v[i].name, name, len);
        t->v[i].name[len] = '\0';
        t->v[i].v4 = t->v[i].v6 = 0;
        t->count++;
    }
    if (v6)
        t->v[i].v6++;
    else
        t->v[i].v4++;
}

static int tally_cmp(const void *a, const void *b)
{
    const struct tally *x = a, *y = b;
    size_t nx = x->v4 + x->v6, ny = y->v4 + y->v6;
    if (nx != ny)
        return nx > ny ? -1 : 1;
    return strcmp(x->name, y->name);
}

static void tallies_print(struct tallies *t, const char *title)
{
    if (!t->count)
        return;
    qsort(t->v, t->count, sizeof(*t->v), tally_cmp);
    printf("\n%s (%zu)\n%9s %9s  %s\n", title, t->count, "IPv4", "IPv6", "name");
    for (size_t i = 0; i < t->count; i++) {
        printf("%9zu %9zu  ", t->v[i].v4, t->v[i].v6);
        text_print(stdout, t->v[i].name[0] ? t->v[i].name : "(no label)");
        putchar('\n');
        free(t->v[i].name);
    }
    free(t->v);
    memset(t, 0, sizeof(*t));
}

/* Words the provider's labels start with (docs/naming.md, "Labels"). */
static size_t provider_words(const char *format)
{
    if (strcmp(format, "gcp") == 0)
        return 2; /* "Google Cloud" */
    if (strcmp(format, "aws") == 0 || strcmp(format, "azure") == 0)
        return 1; /* "AMAZON", "AZURE" */
    return 0;
}

/* The next space-separated word of *p (len in *len), or NULL at the end. */
static const char *next_word(const char **p, size_t *len)
{
    const char *s = *p;
    while (*s == ' ')
        s++;
    if (!*s)
        return NULL;
    const char *e = strchr(s, ' ');
    *len = e ? (size_t)(e - s) : strlen(s);
    *p = s + *len;
    return s;
}

static void show_snapshot(const struct snapshot *snap)
{
    struct tallies labels = {0}, regions = {0}, services = {0};
    size_t n = prefix_set_count(snap->set), v6 = 0;
    size_t skip = provider_words(snap->format);
    char day[16];

    for (size_t i = 0; i < n; i++) {
        const struct prefix_entry *e = prefix_set_entry(snap->set, i);
        bool is6 = !addr_is_v4(&e->prefix.addr);
        v6 += is6;
        tally_add(&labels, e->label, strlen(e->label), is6);
        if (!skip)
            continue;
        /* "AMAZON eu-west-1 S3+EC2": the provider, the region, the services. */
        const char *p = e->label, *w;
        size_t len = 0;
        for (size_t k = 0; k < skip; k++)
            next_word(&p, &len);
        if ((w = next_word(&p, &len)))
            tally_add(&regions, w, len, is6);
        while ((w = next_word(&p, &len))) {
            for (const char *s = w, *end = w + len; s < end;) {
                const char *plus = memchr(s, '+', (size_t)(end - s));
                size_t part = plus ? (size_t)(plus - s) : (size_t)(end - s);
                tally_add(&services, s, part, is6);
                s += part + 1;
            }
        }
    }
    text_print(stdout, snap->source);
    printf(": %s, %s, %zu prefixes (IPv4 %zu, IPv6 %zu)\n", snap->format,
           snapshot_day_format(snap->day, day, sizeof(day)), n, n - v6, v6);
    tallies_print(&labels, "labels");
    tallies_print(&regions, "regions");
    tallies_print(&services, "services");
}

int prefixes_show(const char *spec)
{
    char err[1536];
    struct group g;
    char *text = xmalloc(st_add(strlen(spec), 6));
    sprintf(text, "show=%s", spec);
    int parsed = group_parse(&g, text, err, sizeof(err));
    free(text);
    if (parsed < 0) {
        error("%s", err);
        return EXIT_FAILED;
    }
    if (g.kind != GROUP_PREFIXES) {
        group_release(&g);
        return usage_error("prefixes", "show takes FILE[:SELECTION], not AS numbers");
    }
    int status = EXIT_OK;
    if (naming_group_check(&g, err, sizeof(err)) < 0) {
        error("%s", err);
        status = EXIT_FAILED;
    }
    for (size_t s = 0; status == EXIT_OK && s < g.snapshots.count; s++)
        show_snapshot(&g.snapshots.v[s]);
    group_release(&g);
    return fflush(stdout) == 0 ? status : EXIT_FAILED;
}
