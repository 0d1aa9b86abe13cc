/*
 * truth.c: truth.json for the seed and basic scenarios, from the tallies
 * flow.c kept while the packets were written: per group the totals, the
 * daily series, the report's lists by direction and initiator, the inbound
 * ports, the distinct sources and the URLs downloaded.
 */
#include "gen_int.h"

json_t *stat_obj(uint64_t pk, uint64_t by, uint64_t flows)
{
    json_t *o = json_object();
    json_object_set_new(o, "packets", json_integer((json_int_t)pk));
    json_object_set_new(o, "bytes", json_integer((json_int_t)by));
    json_object_set_new(o, "flows", json_integer((json_int_t)flows));
    return o;
}

static json_t *group_json(const struct gen *g, const struct group *gr)
{
    json_t *o = json_object();
    uint64_t distinct = gr->src_all.n + gr->nv6_all;
    json_t *tot = json_object();
    json_object_set_new(tot, "packets_in", json_integer((json_int_t)gr->pk[DIR_IN]));
    json_object_set_new(tot, "packets_out", json_integer((json_int_t)gr->pk[DIR_OUT]));
    json_object_set_new(tot, "bytes_in", json_integer((json_int_t)gr->by[DIR_IN]));
    json_object_set_new(tot, "bytes_out", json_integer((json_int_t)gr->by[DIR_OUT]));
    json_object_set_new(tot, "flows", json_integer((json_int_t)gr->flows));
    json_object_set_new(tot, "sources", json_integer((json_int_t)distinct));
    json_object_set_new(o, "totals", tot);

    json_t *series = json_array();
    for (size_t i = 0; i < g->ndays; i++) {
        const struct day_stat *d = &gr->series[i];
        char bin[16];
        day_text(g->day0 + (int64_t)i, bin);
        json_t *e = json_object();
        json_object_set_new(e, "bin", json_string(bin));
        json_object_set_new(e, "packets_in", json_integer((json_int_t)d->pk[DIR_IN]));
        json_object_set_new(e, "packets_out", json_integer((json_int_t)d->pk[DIR_OUT]));
        json_object_set_new(e, "bytes_in", json_integer((json_int_t)d->by[DIR_IN]));
        json_object_set_new(e, "bytes_out", json_integer((json_int_t)d->by[DIR_OUT]));
        json_object_set_new(e, "flows", json_integer((json_int_t)d->flows));
        json_object_set_new(e, "sources", json_integer((json_int_t)d->sources));
        json_array_append_new(series, e);
    }
    json_object_set_new(o, "series", series);

    /* the lists of the report: direction x initiator */
    static const struct {
        const char *name;
        int init, dir;
    } lists[] = {
        {"out", INIT_SENSOR, DIR_OUT},        {"out_replies", INIT_REMOTE, DIR_OUT},
        {"in_replies", INIT_SENSOR, DIR_IN},  {"in_unsolicited", INIT_REMOTE, DIR_IN},
        {"in_unknown", INIT_UNKNOWN, DIR_IN}, {"out_unknown", INIT_UNKNOWN, DIR_OUT},
    };
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        json_t *lo = json_object();
        for (size_t i = 0; i < gr->ncat; i++) {
            const struct cat_stat *c = &gr->cat[i];
            int dir = lists[l].dir;
            if (c->init == lists[l].init && c->pk[dir] > 0)
                json_object_set_new(lo, c->name, stat_obj(c->pk[dir], c->by[dir], c->flows));
        }
        json_object_set_new(o, lists[l].name, lo);
    }
    json_t *ports = json_object();
    for (size_t i = 0; i < gr->nport; i++)
        if (gr->port[i].pk > 0)
            json_object_set_new(ports, gr->port[i].name,
                                stat_obj(gr->port[i].pk, gr->port[i].by, gr->port[i].flows));
    json_object_set_new(o, "ports_in", ports);
    json_t *src = json_object();
    json_object_set_new(src, "distinct", json_integer((json_int_t)distinct));
    json_object_set_new(o, "sources", src);
    json_object_set_new(o, "http_urls", json_incref(gr->urls));
    return o;
}

/* The top level of truth.json for the seed and basic scenarios, once the
 * scenario ran: what was asked, the files, the counts, every group. The
 * lists of files and flows pass from g to truth. */
void truth_fill(struct gen *g, json_t *truth, const char *scenario, int64_t to)
{
    char from[16], till[16];
    day_text(g->day0, from);
    day_text(to, till);
    json_object_set_new(truth, "scenario", json_string(scenario));
    json_object_set_new(truth, "seed", json_integer((json_int_t)g->seed));
    json_object_set_new(truth, "scale", json_real(g->scale));
    json_t *sensor = json_array();
    json_array_append_new(sensor, json_string("192.0.2.10"));
    if (g->scenario == 1)
        json_array_append_new(sensor, json_string("2001:db8::10"));
    json_object_set_new(truth, "sensor", sensor);
    json_t *period = json_object();
    json_object_set_new(period, "from", json_string(from));
    json_object_set_new(period, "to", json_string(till));
    json_object_set_new(truth, "period", period);
    json_object_set_new(truth, "files", g->files);
    json_object_set_new(truth, "packets", json_integer((json_int_t)g->packets));
    json_object_set_new(truth, "not_sensor", json_integer((json_int_t)g->not_sensor));
    json_object_set_new(truth, "not_ip", json_integer((json_int_t)g->not_ip));
    json_object_set_new(truth, "truncated", json_integer((json_int_t)g->truncated));
    json_object_set_new(truth, "malformed", json_integer(0));
    json_object_set_new(truth, "sensor_to_sensor", json_integer(0));
    json_object_set_new(truth, "flows", json_integer((json_int_t)g->flows));
    json_t *inits = json_object();
    for (int i = 0; i < 3; i++)
        json_object_set_new(inits, init_names[i], json_integer((json_int_t)g->init_count[i]));
    json_object_set_new(truth, "initiators", inits);
    if (g->flow_list)
        json_object_set_new(truth, "flow_list", g->flow_list);
    json_t *groups = json_object();
    for (int i = 0; i < NGROUP; i++)
        json_object_set_new(groups, g->grp[i].name, group_json(g, &g->grp[i]));
    json_object_set_new(truth, "groups", groups);
    g->files = NULL;
    g->flow_list = NULL;
}
