/*
 * honeyscope lookup's output: for each address, its origin AS and every
 * group it is in, as text (one block per address) or as one JSON object
 * streamed address by address, so that a long list from stdin never waits
 * in memory. Foreign strings go through text_escape() / utf8_sanitize().
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>

#include "report_int.h"

static json_t *jtext(const char *s)
{
    char buf[1024];
    if (!s)
        return json_null();
    utf8_sanitize(s, buf, sizeof(buf));
    return json_string(buf);
}

static json_t *jday(int64_t day)
{
    char buf[16];
    return day == SNAPSHOT_UNDATED ? json_null()
                                   : json_string(snapshot_day_format(day, buf, sizeof(buf)));
}

void render_lookup_begin(FILE *out, bool json, const char *at)
{
    if (!json)
        return;
    json_t *a = jtext(at);
    char *text = json_dumps(a, JSON_ENCODE_ANY);
    fprintf(out, "{\"version\": 1, \"at\": %s, \"addresses\": [", text ? text : "null");
    free(text);
    json_decref(a);
}

/* "(file, 2014-05-13)" */
static void text_source(FILE *out, const char *source, int64_t day)
{
    char buf[16];
    fprintf(out, " (");
    text_escape(out, source);
    fprintf(out, ", %s)", snapshot_day_format(day, buf, sizeof(buf)));
}

static void lookup_text(FILE *out, const struct lookup_answer *a)
{
    char pfx[PREFIX_TEXT_MAX];
    text_escape(out, a->text);
    if (a->error) {
        fprintf(out, ": %s\n", a->error);
        return;
    }
    fprintf(out, "\n");
    if (a->has_origin) {
        fprintf(out, "  as     AS%" PRIu32 " %s ", a->origin.asn,
                prefix_format(&a->origin.entry->prefix, pfx));
        text_escape(out, a->origin.name[0] ? a->origin.name : "(no name)");
        text_source(out, a->origin.source, a->origin.day);
        fprintf(out, "\n");
    } else {
        fprintf(out, "  as     (none known)\n");
    }
    for (size_t i = 0; i < a->group_count; i++) {
        const struct lookup_group *g = &a->groups[i];
        fprintf(out, "  group  ");
        text_escape(out, g->group->name);
        if (g->entry) {
            fprintf(out, " %s", prefix_format(&g->entry->prefix, pfx));
            if (g->entry->label[0]) {
                fprintf(out, " ");
                text_escape(out, g->entry->label);
            }
        }
        if (g->source)
            text_source(out, g->source, g->day);
        fprintf(out, "\n");
    }
    if (a->group_count == 0)
        fprintf(out, "  group  (none)\n");
}

static json_t *lookup_json(const struct lookup_answer *a)
{
    char pfx[PREFIX_TEXT_MAX];
    json_t *o = json_object();
    json_object_set_new(o, "address", jtext(a->text));
    if (a->error) {
        json_object_set_new(o, "error", json_string(a->error));
        return o;
    }
    bool has = a->has_origin;
    json_object_set_new(o, "asn", has ? json_integer(a->origin.asn) : json_null());
    json_object_set_new(o, "as_name",
                        has && a->origin.name[0] ? jtext(a->origin.name) : json_null());
    json_object_set_new(o, "as_prefix",
                        has ? json_string(prefix_format(&a->origin.entry->prefix, pfx))
                            : json_null());
    json_object_set_new(o, "as_source", has ? jtext(a->origin.source) : json_null());
    json_object_set_new(o, "as_date", has ? jday(a->origin.day) : json_null());
    json_t *groups = json_array();
    for (size_t i = 0; i < a->group_count; i++) {
        const struct lookup_group *g = &a->groups[i];
        json_t *jg = json_object();
        json_object_set_new(jg, "name", jtext(g->group->name));
        json_object_set_new(jg, "prefix",
                            g->entry ? json_string(prefix_format(&g->entry->prefix, pfx))
                                     : json_null());
        json_object_set_new(jg, "label", g->entry ? jtext(g->entry->label) : json_null());
        if (g->entry && g->entry->asn)
            json_object_set_new(jg, "asn", json_integer(g->entry->asn));
        json_object_set_new(jg, "source", jtext(g->source));
        json_object_set_new(jg, "date", jday(g->day));
        json_array_append_new(groups, jg);
    }
    json_object_set_new(o, "groups", groups);
    return o;
}

void render_lookup_one(FILE *out, bool json, const struct lookup_answer *a, bool first)
{
    if (!json) {
        lookup_text(out, a);
        return;
    }
    json_t *o = lookup_json(a);
    char *text = json_dumps(o, JSON_COMPACT);
    fprintf(out, "%s\n  %s", first ? "" : ",", text ? text : "{}");
    free(text);
    json_decref(o);
}

int render_lookup_end(FILE *out, bool json)
{
    if (json)
        fprintf(out, "\n]}\n");
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
