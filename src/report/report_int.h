/*
 * Private to the report stage: the report model that report_build() fills and
 * every renderer reads. Figures are kept raw; renderers round.
 */
#ifndef HONEYSCOPE_REPORT_INT_H
#define HONEYSCOPE_REPORT_INT_H

#include "../common/hash_index.h"
#include "../evidence/evidence.h"
#include "report.h"

struct figures {
    uint64_t packets, bytes, flows;
    double share; /* percent, in the report's metric */
};

/* The lists of a group's breakdown, in the order they are shown. */
enum list_id {
    LIST_OUT,            /* sensor-initiated, sent by the sensor */
    LIST_IN_REPLIES,     /* sensor-initiated, received */
    LIST_IN_UNSOLICITED, /* remote-initiated, received */
    LIST_OUT_REPLIES,    /* remote-initiated, sent by the sensor */
    LIST_IN_UNKNOWN,
    LIST_OUT_UNKNOWN,
    LIST_COUNT
};

extern const char *const list_json_names[LIST_COUNT];
extern const char *const list_titles[LIST_COUNT];

struct category_entry {
    char name[32];     /* as shown: "scan:tcp/445" only for probes, else "unsolicited:..." */
    char category[32]; /* the name of earlier versions, kept in JSON and CSV: "scan:" for
                          every remote-started service; lists of two periods match by it */
    struct figures f;
};

struct port_entry {
    uint8_t proto;
    uint16_t port;
    char proto_name[8];
    struct figures f;
};

/* What the sensor itself started, for the sensor-state timeline. */
enum sensor_activity {
    ACTIVITY_SPAM,     /* spam-smtp */
    ACTIVITY_DNS,      /* dns */
    ACTIVITY_SCAN,     /* icmp-scan */
    ACTIVITY_DOWNLOAD, /* http-download */
    ACTIVITY_OTHER,    /* anything else it started */
    ACTIVITY_COUNT
};

extern const char *const activity_names[ACTIVITY_COUNT];

struct series_point {
    int64_t bin;
    uint64_t packets_in, packets_out, bytes_in, bytes_out, flows, sources;
    uint64_t remotes_out; /* remote addresses the sensor sent something to */
    /* Received in conversations the remote started: what bursts are sought in. */
    uint64_t unsolicited_packets, unsolicited_bytes, unsolicited_flows;
    /* Sources first seen in this bin, and seen before it. */
    uint64_t new_sources, returning_sources;
    /* Packets the sensor sent in conversations it started, by activity. */
    uint64_t activity[ACTIVITY_COUNT];
    unsigned char burst;
    double baseline; /* the burst detector's usual level before this bin; NAN: not
                        judged (too little history) */
};

/* Of a packet, byte and flow count, the one the metric names. */
static inline uint64_t metric_pick(enum metric m, uint64_t packets, uint64_t bytes, uint64_t flows)
{
    return m == METRIC_BYTES ? bytes : m == METRIC_FLOWS ? flows : packets;
}

/* A bin's unsolicited inbound traffic in the metric (what bursts are sought in). */
static inline uint64_t series_unsolicited(const struct series_point *p, enum metric m)
{
    return metric_pick(m, p->unsolicited_packets, p->unsolicited_bytes, p->unsolicited_flows);
}

struct burst_params {
    size_t window;       /* latest non-burst bins the baseline is taken from */
    double k;            /* how many robust deviations above the median */
    uint64_t min_volume; /* below this, never a burst */
    size_t min_history;  /* earlier non-burst bins needed before judging */
};

void burst_params_default(struct burst_params *params);
/*
 * Marks the bursts of values[0..n) in is_burst and writes each bin's baseline,
 * NAN for a bin with too little history to be judged (bursts.c explains the
 * method). Returns the number of bursts.
 */
size_t bursts_detect(const double *values, size_t n, const struct burst_params *params,
                     unsigned char *is_burst, double *baseline);

/* How long sources stayed, first packet to last. */
enum lifetime_bucket {
    LIFETIME_HOUR,  /* under an hour */
    LIFETIME_DAY,   /* under a day */
    LIFETIME_WEEK,  /* under a week */
    LIFETIME_MONTH, /* under 30 days */
    LIFETIME_LONGER,
    LIFETIME_COUNT
};

extern const char *const lifetime_names[LIFETIME_COUNT];

struct net_count {
    struct ip_prefix net;             /* a /24 (IPv4) or /48 (IPv6) */
    const struct prefix_entry *entry; /* or a labelled prefix of the group */
    uint64_t sources;
};

struct churn {
    uint64_t one_bin; /* sources seen in a single bin only */
    uint64_t lifetime[LIFETIME_COUNT];
    struct net_count *by_prefix; /* sources per labelled prefix, most first */
    size_t prefix_count;
    struct net_count *by_net; /* sources per /24 or /48, most first (top) */
    size_t net_count, net_total;
};

struct source_entry {
    struct ip_addr addr;
    const struct prefix_entry *prefix; /* NULL for the group "any" */
    uint64_t packets_in, packets_out, bytes_in, bytes_out, flows, flows_initiated;
    int64_t first_ns, last_ns;
    char services[5][16];  /* its top unsolicited services */
    size_t service_count;  /* shown */
    size_t services_total; /* distinct unsolicited services */
};

struct totals {
    uint64_t packets_in, packets_out, bytes_in, bytes_out, flows, sources;
    uint64_t remotes_out; /* remote addresses the sensor sent something to */
};

/*
 * Everything the sensor exchanged (summary.c), whichever group the remote is
 * in: what each group's share is taken of. sources_in counts the remote
 * addresses that sent the sensor something, sources_out those it sent to.
 */
struct summary_point {
    uint64_t packets_in, packets_out, bytes_in, bytes_out, flows, sources_in, sources_out;
};

/* One group's part of everything, and its share (percent; NAN when nothing
 * of that kind was exchanged at all). */
struct summary_part {
    struct summary_point part;
    double share[7]; /* in the order of summary_point's fields */
};

extern const char *const summary_field_names[7];
/* Field k (0..6, in the order of summary_field_names) of p. */
uint64_t summary_field(const struct summary_point *p, size_t k);

/* One AS of a group's "top origin ASes" (asview.c). */
struct as_entry {
    uint32_t asn;     /* 0: no AS known for those addresses */
    const char *name; /* "" when unknown */
    uint64_t packets_in, packets_out, bytes_in, bytes_out, flows, sources;
    double share; /* of the group's traffic both ways, in the metric */
};

/* Which bins of the period a snapshot decided (attribution.c). */
struct snapshot_use {
    const struct snapshot *snapshot;
    bool used;                   /* false: no bin of the period falls in its span */
    int64_t first_bin, last_bin; /* UTC seconds of the bins' starts */
};

/* The most frequent values of one kind of evidence for a group. */
struct evidence_entry {
    const char *value; /* as sent; in the cube's evidence table, or a copy the group owns */
    uint16_t len;
    uint64_t count;
};

struct evidence_list {
    struct evidence_entry *top;
    size_t count;    /* in top */
    size_t distinct; /* distinct values */
    uint64_t total;  /* sum of all counts */
};

#define EVIDENCE_TOP 10

#define BY_KEY_MAX 256
#define BY_PORTS 5

/* One key of a group's --by split (by.c). */
struct by_entry {
    char key[BY_KEY_MAX]; /* a label, an AS number, a country code; "" unknown */
    uint32_t asn;         /* BY_ASN: the AS (0 unknown) */
    char name[96];        /* BY_ASN: its name, "" unknown */
    uint64_t packets_in, packets_out, bytes_in, bytes_out, flows, sources;
    double share;             /* of the group's traffic both ways, in the metric */
    char ports[BY_PORTS][16]; /* its top unsolicited services */
    size_t port_count, ports_total;
};

/* One port a scanning tool probed: its probes there. */
struct scanner_port {
    uint8_t proto;
    uint16_t port;
    char proto_name[8];
    uint64_t packets;
    double share; /* percent of the tool's probes */
};

/* One scanning tool seen in a group's unsolicited traffic (scanner_view.c). */
struct scanner_entry {
    const char *tool;                 /* scanner_tool_name() */
    uint64_t sources, packets, flows; /* distinct remotes, probes, flows they opened */
    double share; /* percent of the packets received in conversations the sensor did not start */
    struct scanner_port *ports; /* most probed first */
    size_t port_count;
    uint64_t *per_bin; /* its probes in each bin of the period (the group's series_count) */
};

/* A victim's port in an attack's backscatter: for ICMP, the type. */
struct attack_port {
    uint8_t proto;
    uint16_t port;
    char proto_name[8];
    uint64_t packets;
};

/*
 * One attack on another host seen through its backscatter (attack_view.c):
 * the victim's minutes with backscatter, none 5 or more silent minutes
 * from the next (docs/semantics.md, "Backscatter").
 */
struct attack_entry {
    struct ip_addr victim;
    int64_t first_s, last_s; /* the start of its first minute, the end of its last */
    uint64_t packets, bytes;
    uint64_t peak_packets_per_minute;
    struct attack_port *ports; /* most packets first */
    size_t port_count;
};

struct group_report {
    const struct group *group;
    struct totals totals;
    /* Sources that look spoofed (docs/semantics.md, "Spoofing signs"), and what they sent. */
    uint64_t spoofed_likely;
    uint64_t spoofed_packets; /* their packets received in conversations they started */
    double spoofed_share;     /* percent of the group's unsolicited packets received */
    struct series_point *series;
    size_t series_count;
    struct category_entry *lists[LIST_COUNT];
    size_t list_counts[LIST_COUNT];
    struct port_entry *ports_in;
    size_t port_count;
    struct source_entry *top;
    size_t top_count;
    size_t burst_count;
    struct churn churn;
    struct evidence_list evidence[EVIDENCE_KIND_COUNT];
    struct scanner_entry *scanners; /* tools seen, most probes first */
    size_t scanner_count;
    struct attack_entry *attacks; /* the largest first, at most report_top_rows() */
    size_t attack_count, attack_total;
    uint64_t attack_victims, attack_packets; /* over all attack_total records */
    /* The same tools as a list of shares, for --compare: name = the tool. */
    struct category_entry *scanner_shares;
    char **evidence_owned; /* --mask: the redacted values the lists point to */
    size_t evidence_owned_count, evidence_owned_alloc;
    struct as_entry *asns_top; /* NULL when no source tells ASes */
    size_t asn_top_count, asn_count;
    /* The group's own files (GROUP_PREFIXES) or the routing snapshots
     * (GROUP_ASNS) over the period. */
    struct snapshot_use *snapshots;
    size_t snapshot_count;
    struct group_build *build; /* while the rows are fed (report.c); NULL after */
    struct by_entry *by;       /* --by: by_total keys, the first by_count shown */
    size_t by_count, by_total;
};

/*
 * The runs of consecutive bins of gr in which the sensor started traffic of
 * the activity: from *at, finds the next run, sets its first and last bins'
 * indexes, moves *at past it and returns true; false when none is left.
 */
bool activity_run_next(const struct group_report *gr, unsigned activity, size_t *at, size_t *first,
                       size_t *last);

/* The totals a comparison puts side by side (versus.c), in one order for every format. */
enum { VERSUS_TOTAL_COUNT = 7 };
struct versus_total {
    const char *key;   /* "packets_in": CSV and JSON */
    const char *label; /* "packets in": text */
    const char *words; /* "packets received": HTML */
    uint64_t value, compared;
};
void versus_totals(const struct group_report *a, const struct group_report *b,
                   struct versus_total rows[VERSUS_TOTAL_COUNT]);
/*
 * The attack records side by side: how many, their distinct victims and
 * their backscatter packets (docs/semantics.md, "Backscatter").
 */
enum { VERSUS_ATTACK_COUNT = 3 };
void versus_attacks(const struct group_report *a, const struct group_report *b,
                    struct versus_total rows[VERSUS_ATTACK_COUNT]);
/* Bursts per 30 bins of the group's period: comparable across periods of other lengths. */
double bursts_per_30_bins(const struct group_report *gr);

/* ---- what a report may show (publish.c) ------------------------------------ */

/*
 * The report's view, settled once by report_build(): under --mask
 * (docs/semantics.md, "Masking") the sensor, capture paths, the directories
 * of other files and absolute counts are hidden. Renderers read it and the
 * accessors below; they apply no rule of their own.
 */
struct report_shown {
    /* Absolute counts. False: series are indexes (peak = 100, report_index()),
     * other counts are left out (null in JSON, empty in CSV, no column in
     * text and HTML); shares and ratios stay. */
    bool counts;
    /* The sensors whose addresses, in any written form, every string and
     * address the report writes hides (mask_redact()), or NULL. */
    const struct sensor_set *redact;
};

struct report {
    const struct report_input *input;
    struct report_options options;
    struct report *compare;           /* the --compare period, or NULL */
    int64_t period_start, period_end; /* UTC seconds, [start, end) */
    int64_t period_start_ordinal;     /* bin_clock_ordinal() of period_start, once */
    struct group_report *groups;
    size_t group_count;
    struct origin_sources origins;      /* what names origin ASes */
    struct snapshot_series routing_one; /* routing alone, as a series of one */
    struct snapshot routing_one_v;
    struct snapshot_use *routing_snapshots;
    size_t routing_snapshot_count;
    struct sender_index *senders; /* --mask without --mask-keep-evidence, else NULL */
    struct report_shown shown;
    /* Where each bin of the period starts: weeks and months vary in length,
     * and the first and last bins are cut to the period. */
    int64_t *bins;
    size_t bin_count;
    /* Nonzero when the sensor started something in the period (flows and
     * packets it sent in them, with any remote): zero for a passive sensor. */
    uint64_t sensor_started;
    struct summary_point everything; /* over the period */
    /* The part of everything whose remote no routing snapshot (the one
     * deciding its bin) nor the mmdb gave an origin AS; zero without them.
     * Its sources are not counted. */
    struct summary_point no_origin;
    /* What the reader is warned of (warnings.c): snapshots deciding bins far
     * from their date, much traffic of no known AS. */
    char **warnings;
    size_t warning_count;
    struct summary_point *everything_series; /* per bin */
    /* Remotes with a spoofing sign in the period, sorted (docs/semantics.md). */
    struct ip_addr *spoof_signs;
    size_t spoof_sign_count;
};

/* Adds the rows of cube, remote by remote (rows[starts[k] .. starts[k + 1])
 * are remote k's, by bin; row_bins[] their hour or day) to everything. */
void summary_feed(struct report *r, struct cube *cube, const uint32_t *rows, const uint32_t *starts,
                  size_t remotes, const int64_t *row_bins);
/* A group's part of everything over the period (bin == SIZE_MAX) or in bin. */
void summary_part_of(const struct report *r, const struct group_report *gr, size_t bin,
                     struct summary_part *out);
/* Everything over the period (bin == SIZE_MAX) or in bin. */
const struct summary_point *summary_everything(const struct report *r, size_t bin);
/* Fills r->warnings once the report is built (warnings.c). */
void report_warnings_build(struct report *r);
/* The no_origin share of everything both ways, in the report's metric
 * (packets for flows, which have no direction); NAN when nothing names ASes
 * or nothing was exchanged. */
double report_no_origin_share(const struct report *r);

/* The HTML report's --by section of a group (render_html_by.c). */
void render_html_by(const struct report *r, const struct group_report *gr, FILE *out);

/* The HTML report's summary section (render_html_summary.c). */
void render_html_summary(const struct report *r, FILE *out);

/*
 * The report bin of a cube row's bin (a store's quarter hour, a day...):
 * false when it falls outside the period; the first bin starts at the
 * period's start even when its week or month began before.
 */
bool report_bin_of(const struct report *r, int64_t row_bin, int64_t *bin);
/* The index in the series of the bin starting at bin (from report_bin_of). */
size_t report_bin_index(const struct report *r, int64_t bin);
/* What the period's end is named by: the start of its last hour or day bin,
 * or of its last day under week and month bins (the period's start when
 * empty). */
int64_t report_period_last(const struct report *r);

/*
 * Walks cube rows sorted by remote address and bin and tells, for each,
 * whether its remote belongs to the group at that bin and by which prefix.
 * The match is made once per remote address, and again only when the
 * snapshot deciding membership changes (dated groups), so an undated group
 * costs one LPM per remote address.
 */
struct member_cursor {
    const struct group *group;
    const struct origin_sources *origins;
    bool dated;
    bool started;
    struct ip_addr remote;
    size_t epoch;
    bool in;
    const struct prefix_entry *entry; /* the matching prefix, NULL for "any" */
};

void member_cursor_init(struct member_cursor *c, const struct group *group,
                        const struct origin_sources *origins);
/* Whether remote belongs to the group in the bin starting at bin_s; sets
 * *new_remote when remote differs from the previous call's. */
bool member_cursor_next(struct member_cursor *c, const struct ip_addr *remote, int64_t bin_s,
                        bool *new_remote);
/* How many top sources and origin ASes a group lists: --top, or every one for 0. */
size_t report_top_rows(const struct report *report);
/* The file a prefix group's listed prefixes (group->prefixes) come from: its
 * latest snapshot's, for a dated group of several files; else the group's
 * source. */
const char *group_prefixes_source(const struct group *group);
/* Which bins of the report's period each snapshot of series decided; returns
 * an array of series->count (NULL when empty) to free. */
struct snapshot_use *snapshot_uses(const struct report *r, const struct snapshot_series *series);
/*
 * A group's top origin ASes, gathered as the rows pass: asview_begin() (NULL
 * when nothing names ASes), asview_feed() with rows in (remote, bin) order,
 * continuing the address order of earlier calls, and asview_finish() (after
 * the group's totals are known), which fills gr and frees the state.
 * asview_free() gives up an unfinished one; both take NULL.
 */
struct asview_state;
struct asview_state *asview_begin(const struct report *r, const struct group_report *gr);
void asview_feed(struct asview_state *s, const struct report *r, struct cube *cube,
                 const uint32_t *order, size_t nrows);
void asview_finish(struct asview_state *s, const struct report *r, struct group_report *gr);
void asview_free(struct asview_state *s);

/*
 * --by, gathered remote by remote (by.c): by_begin() (NULL without --by),
 * by_remote() at the end of each remote of the group, then
 * by_service_add() for each of its unsolicited services, and by_finish()
 * once the group's totals are known, which fills gr and frees the state.
 * by_free() gives up an unfinished one; both take NULL.
 */
struct by_state;
struct by_state *by_begin(const struct report *r);
void by_remote(struct by_state *s, const struct report *r, const struct source_entry *src);
void by_service_add(struct by_state *s, uint8_t proto, uint16_t service, uint64_t packets);
void by_finish(struct by_state *s, const struct report *r, struct group_report *gr);
void by_free(struct by_state *s);
/* "label", "asn", "country" ("" for BY_NONE). */
const char *by_kind_name(enum by_kind kind);

/* Fills gr->evidence from the cube's evidence rows (evidence_view.c). */
void evidence_view_build(const struct report *report, struct group_report *gr);
void evidence_view_release(struct group_report *gr);

/*
 * Fills gr->scanners from the cube's scanner evidence rows (scanner_view.c),
 * once gr's lists are finished (shares are of its unsolicited packets).
 */
void scanner_view_build(const struct report *report, struct group_report *gr);
void scanner_view_release(struct group_report *gr);
/*
 * Fills gr->attacks from the cube's backscatter evidence rows (per victim,
 * minute and port): the attack records of docs/semantics.md.
 */
void attack_view_build(const struct report *report, struct group_report *gr);
void attack_view_release(struct group_report *gr);

/* ---- --mask (mask.c) ---------------------------------------------------------- */

/* What a sensor address becomes, and the one value that stands for all the
 * evidence the sensor may have sent. */
#define MASK_SENSOR "[sensor]"
#define MASK_WITHHELD "[sent by the sensor: withheld]"

/*
 * Copies s (len bytes) with every written form of an address inside a sensor
 * prefix replaced by MASK_SENSOR (the forms: docs/semantics.md, "Masking").
 * Returns a NUL-terminated copy for the caller to free(), or NULL when s
 * names no sensor address (or sensors is NULL or empty).
 */
char *mask_redact(const struct sensor_set *sensors, const char *s, size_t len);

/*
 * Evidence rows do not say which side sent them: the sender index tells,
 * from the cube's conversations, whether the sensor may have.
 * sender_index_new() makes an empty one for the values of evidence (only
 * their remotes and bins are kept), sender_index_add() reads a cube's rows (a
 * whole cube, or a range of remotes at a time), sender_index_finish() makes
 * it ready to ask; sender_index_free(NULL) does nothing.
 */
struct sender_index;
struct sender_index *sender_index_new(struct evidence_table *evidence);
void sender_index_add(struct sender_index *index, struct cube *cube);
void sender_index_finish(struct sender_index *index);
void sender_index_free(struct sender_index *index);
/* False only when the remote side must have sent the row's value: the kind's
 * sender (client or server of its protocol) is the remote in every
 * conversation with that remote, of that protocol, started in that bin. */
bool sender_index_maybe_sensor(const struct sender_index *index, const struct evidence_row *row);

/* What an address form --anonymize cannot read back as an address becomes. */
#define ANONYMIZED_FORM "[address]"

/*
 * Copies s (len bytes) with every IPv4 dotted quad and IPv6 address text in
 * it anonymised (brackets kept), and forms it cannot read back as one
 * address (dashed quads) replaced by ANONYMIZED_FORM. Returns a copy for the
 * caller to free(), or NULL when s holds no address.
 */
char *anonymize_text(struct anonymizer *anon, const char *s, size_t len);

/*
 * While a report with --anonymize is rendered, the escapers below also
 * anonymise the addresses in what they write, and render_addr() and
 * render_prefix() write addresses anonymised. NULL ends it.
 */
void escape_anonymize(struct anonymizer *anon);
/*
 * addr_format() and prefix_format() as the report being rendered writes them:
 * redacted (escape_redact_sensors) when the text spells a sensor address,
 * else anonymised under --anonymize.
 */
char *render_addr(const struct ip_addr *addr, char buf[ADDR_TEXT_MAX]);
char *render_prefix(const struct ip_prefix *prefix, char buf[PREFIX_TEXT_MAX]);

/*
 * While a masked report is rendered, the escapers below also redact what
 * they write (mask_redact), and render_addr() and render_prefix() what they
 * format, so that group names, labels, paths and remote addresses that spell
 * a sensor address are hidden in every format. NULL ends it.
 */
void escape_redact_sensors(const struct sensor_set *sensors);

/* Settles report->shown from its options (report_build() calls it). */
void report_shown_settle(struct report *report);
/*
 * The i-th name of the sensor list the report shows, NULL past the last: the
 * sensor prefixes (in buf), or the one word "masked" when they are hidden.
 */
const char *report_sensor_name(const struct report *report, size_t i, char buf[PREFIX_TEXT_MAX]);
/* How the sensor was detected, or NULL when not detected or hidden. */
const char *report_sensor_detection(const struct report *report);
/* A capture's path as the report shows it: NULL when paths are hidden. */
const char *report_capture_path(const struct report *report, const char *path);
/*
 * Another local file's path as the report shows it: when paths are hidden
 * only its name, without the directories (which may name the analyst, the
 * sensor or its owner); the path as given otherwise. Points into path; NULL
 * stays NULL.
 */
const char *report_path(const struct report *report, const char *path);
/*
 * message (about the file path) as the report shows it: when paths are
 * hidden, every occurrence of path becomes its name alone. Returns a copy to
 * free().
 */
char *report_path_message(const struct report *report, const char *message, const char *path);
/* value as an index of peak (peak = 100; 0 when peak is 0). */
double report_index(double value, double peak);

/* ISO 8601 name of the bin starting at bin_s, in the report's zone. */
void format_bin(const struct report *report, int64_t bin_s, char *buf, size_t len);
/* ISO 8601 date-time (seconds) of ns in the report's zone. */
void format_time(const struct report *report, int64_t ns, char *buf, size_t len);
/* "+09:00", "+00:00". */
void format_zone(int64_t offset_s, char *buf, size_t len);
/* The named category of sensor-initiated traffic (1..), or 0: "the service". */
unsigned category_named(uint8_t proto, uint16_t service);
/*
 * Whether the remote-started traffic of a service has the shape of probing
 * (docs/semantics.md, "Categories"): ICMP echo requests, or conversations
 * in which the remote sent at most two packets each on average (a SYN and
 * its retry, one datagram). packets_in and flows are the group's, received
 * in conversations the remote started.
 */
bool category_probe_shape(uint8_t proto, uint16_t service, uint64_t packets_in, uint64_t flows);
/*
 * The service backscatter of proto and service is listed under: one entry
 * per kind (docs/semantics.md), whatever the victim's port.
 */
uint16_t category_backscatter_service(uint8_t proto, uint16_t service);
/* "scan:tcp/445" for a probe, else "unsolicited:tcp/445". */
void category_format_unsolicited(bool probe, uint8_t proto, uint16_t service, char *buf,
                                 size_t len);
const char *category_named_text(unsigned named);
/* Writes s for a terminal: printable UTF-8 as is, anything else as \xNN. */
void text_escape(FILE *out, const char *s);
/* Copies s into buf (len bytes) as valid, printable UTF-8, other bytes as \xNN. */
size_t utf8_sanitize(const char *s, char *buf, size_t len);
/* Writes s for HTML text or a quoted attribute value: as utf8_sanitize()
 * would, with & < > " ' as character references. */
void html_escape(FILE *out, const char *s);
uint64_t figures_metric(const struct figures *f, enum metric metric);

/* ---- report building's pieces (top_heap.c, churn.c) ------------------------- */

/*
 * The cap best of what is offered (best first by cmp), kept as it comes: a
 * heap whose root is the worst kept, so the cost follows what is shown, not
 * what is offered (the top sources, the top /24s of a flood).
 */
struct top_heap {
    unsigned char *v; /* count elements of size bytes, then a spare for swaps */
    size_t size, count, alloc, cap;
    int (*cmp)(const void *, const void *);
};

void top_init(struct top_heap *h, size_t size, size_t cap, int (*cmp)(const void *, const void *));
/* Whether e would be kept: there is room, or it ranks before the worst kept. */
bool top_wants(const struct top_heap *h, const void *e);
void top_offer(struct top_heap *h, const void *e);
/* The kept elements best first, handed over (free them; NULL when none): the heap is emptied. */
void *top_take_sorted(struct top_heap *h, size_t *count);

#define CHURN_TOP_NETS 20

/*
 * What the group's sources look like together, gathered remote by remote.
 * Remotes come in address order, so the sources of one IPv4 /24 arrive in
 * one run and are counted as they pass; IPv6 /48s (where the mapped and
 * unmapped ::/48 can meet twice) are gathered and summed by sorting, and
 * labelled prefixes, bounded by the group's lists, are summed by a table.
 * Only the CHURN_TOP_NETS largest nets are kept.
 */
struct churn_state {
    struct net_count run; /* the IPv4 /24 being counted; sources 0 = none */
    struct top_heap top;  /* the CHURN_TOP_NETS largest nets */
    uint64_t net_total;
    struct net_count *nets6; /* IPv6 /48s, one entry per source until summed */
    size_t net6_count, net6_alloc;
    struct net_count *prefixes; /* distinct labelled prefixes */
    size_t prefix_count, prefix_alloc;
    struct hash_index prefix_index; /* over prefixes: they come from the remotes */
};

void churn_state_init(struct churn_state *cs);
void churn_state_release(struct churn_state *cs);
/* Counts one finished source (active_bins: the bins it sent something in). */
void churn_add(struct churn *churn, struct churn_state *cs, const struct source_entry *s,
               size_t active_bins);
/* Fills churn from what was gathered, handing it over: cs is left empty. */
void churn_finish(struct churn *churn, struct churn_state *cs);
/* Most sources first, then by net: a total order. */
int net_sources_cmp(const void *a, const void *b);

#endif
