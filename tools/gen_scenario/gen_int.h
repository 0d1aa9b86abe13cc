/*
 * gen_int.h: what the files of gen_scenario share. The generator's state
 * (struct gen), the flow model whose tallies become truth.json, and the
 * helpers every scenario writes packets with. main.c says what the program
 * does and which file holds what.
 */
#ifndef GEN_SCENARIO_GEN_INT_H
#define GEN_SCENARIO_GEN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

/* ---- util.c: errors, memory, bytes, random numbers, dates, addresses ------- */

void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void *xrealloc(void *p, size_t n);
void *xcalloc(size_t n, size_t size);
void put16(uint8_t *p, unsigned v);
void put32(uint8_t *p, uint32_t v);
void le16(uint8_t *p, unsigned v);
void le32(uint8_t *p, uint32_t v);
uint32_t v4(unsigned a, unsigned b, unsigned c, unsigned d);

/* xoshiro256** seeded through splitmix64 */
struct rng {
    uint64_t s[4];
};

uint64_t splitmix64(uint64_t *x);
void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
uint64_t rng_below(struct rng *r, uint64_t n);
uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi);
double rng_unit(struct rng *r);
bool rng_chance(struct rng *r, double p);
unsigned stoch_round(struct rng *r, double x);

int64_t days_from_civil(int y, int m, int d);
void civil_from_days(int64_t z, int *y, int *m, int *d);
void day_text(int64_t day, char buf[16]);

#define NS_PER_S INT64_C(1000000000)
#define NS_PER_DAY (INT64_C(86400) * NS_PER_S)
#define MS(x) ((int64_t)(x)*INT64_C(1000000))
#define US(x) ((int64_t)(x)*INT64_C(1000))

struct raddr {
    bool v6;
    uint8_t b[16]; /* IPv4: first 4 bytes, network order */
};

struct raddr ra4(uint32_t a);
uint32_t ra4_get(const struct raddr *r);
struct raddr ra6(const char *text);
void ra_text(const struct raddr *r, char buf[48]);
bool ra_equal(const struct raddr *a, const struct raddr *b);
bool in_block(uint32_t a, uint32_t net, unsigned len);

uint64_t mix64(uint64_t x);

/* Set of non-zero 64-bit keys (IPv4 addresses, packed 5-tuples). */
struct keyset {
    uint64_t *slot;
    size_t cap, n;
};

bool keyset_add(struct keyset *s, uint64_t key);
void keyset_clear(struct keyset *s);
void keyset_free(struct keyset *s);

void write_text(const char *path, const char *text);
void make_dir(const char *path);

/* ---- aws_blocks.c: the seed scenario's group and remote addresses --------- */

extern const char AWS_LIST[];
void aws_blocks_announce(void);
bool is_aws(uint32_t a, int64_t day);
bool is_background_ok(uint32_t a);
uint32_t background_addr(struct rng *r);
uint32_t aws_addr(struct rng *r, int64_t day);

/* ---- writer.c: capture files ----------------------------------------------- */

enum fmt { FMT_PCAP, FMT_PCAP_NS, FMT_PCAP_GZ, FMT_PCAPNG };

#define LT_ETHER 1
#define LT_RAW 101
#define LT_SLL 113

struct pcap;
struct pcap_dumper;

struct writer {
    enum fmt fmt;
    int linktype;
    char name[64];
    char path[4096], tmp[4096];
    struct pcap *dead;
    struct pcap_dumper *dump;
    FILE *ng;
    uint64_t packets;
};

const char *fmt_name(enum fmt f);
void writer_open(struct writer *w, const char *dir, const char *name, enum fmt fmt, int linktype,
                 unsigned snaplen);
void writer_put(struct writer *w, int64_t ts_ns, const uint8_t *data, uint32_t caplen,
                uint32_t len);
void writer_close(struct writer *w);

/* ---- flow.c: flows, their truth tallies, the day's packet queue ------------ */

enum { DIR_IN = 0, DIR_OUT = 1 };
enum { INIT_UNKNOWN = 0, INIT_SENSOR = 1, INIT_REMOTE = 2 };
extern const char *const init_names[];

#define NGROUP 2 /* 0: the named group (aws or basic), 1: any remote */
#define MAX_CAT 128
#define MAX_V6 64

#define P_ICMP 1
#define P_TCP 6
#define P_UDP 17
#define P_ICMP6 58

struct cat_stat {
    char name[48];
    int init;
    uint64_t flows, pk[2], by[2];
};

struct port_stat {
    char name[24];
    uint64_t flows, pk, by;
};

struct day_stat {
    uint64_t pk[2], by[2], flows, sources;
};

struct group {
    const char *name;
    struct cat_stat cat[MAX_CAT];
    size_t ncat;
    struct port_stat port[MAX_CAT];
    size_t nport;
    struct day_stat *series;
    struct keyset src_all, src_day;              /* IPv4 sources */
    struct raddr v6_all[MAX_V6], v6_day[MAX_V6]; /* IPv6 sources (basic only) */
    size_t nv6_all, nv6_day;
    uint64_t flows, pk[2], by[2];
    json_t *urls; /* downloaded URL -> times */
};

struct pkt {
    int64_t ts;
    uint32_t order, off, caplen, len;
};

struct flow {
    struct raddr sensor, remote;
    uint8_t proto;
    uint16_t sport, rport; /* sensor and remote ports; ICMP: echo id in sport */
    int init;
    bool account; /* false for packets outside the analysis (not_sensor, ...) */
    bool lan;     /* a broadcast between two other hosts of the sensor's LAN */
    bool started;
    bool member[NGROUP];
    int cat[NGROUP], port[NGROUP];
    uint16_t vlan;
    uint32_t seq[2]; /* next TCP sequence number sent by each side */
    uint16_t win[2];
    uint8_t ttl[2];
    int64_t t; /* time of the last packet, ns */
    uint64_t pk[2], by[2];
    char service[24], category[48];
    unsigned icmp_type, icmp_code;
};

struct gen {
    int scenario; /* 0 seed, 1 basic */
    uint64_t seed;
    double scale;
    const char *dir;
    struct rng rng, cal;
    int64_t day0;
    size_t ndays;
    struct group grp[NGROUP];
    struct raddr sensor4, sensor6;
    /* the day being generated */
    int64_t day;
    struct pkt *pk;
    size_t npk, pkcap;
    uint8_t *data;
    size_t dlen, dcap;
    uint32_t order;
    struct keyset tuples; /* 5-tuples used today */
    /* the file being written */
    struct writer w;
    bool w_open;
    int linktype;
    unsigned snaplen;
    bool nano; /* add sub-microsecond digits to timestamps */
    uint16_t sensor_ipid;
    uint16_t eph; /* next ephemeral port of the sensor */
    unsigned vlan_left;
    /* top-level counts */
    uint64_t packets, not_sensor, not_ip, truncated, flows;
    uint64_t init_count[3];
    json_t *files, *flow_list;
    const char *file_name;
};

void day_push(struct gen *g, int64_t ts, const uint8_t *frame, size_t caplen, size_t len);
void day_flush(struct gen *g);
void day_begin(struct gen *g, int64_t day);
void file_open(struct gen *g, const char *name, enum fmt fmt, int linktype, unsigned snaplen);
void file_close(struct gen *g);
void flow_init(struct gen *g, struct flow *f, const struct raddr *remote, uint8_t proto,
               uint16_t sport, uint16_t rport, int init, unsigned icmp_type, unsigned icmp_code);
void account(struct gen *g, struct flow *f, int dir, uint64_t iplen, int64_t ts);
void flow_done(struct gen *g, const struct flow *f);

/* ---- packet.c: headers, checksums, packets of a flow, payloads ------------- */

extern const uint8_t MAC_SENSOR[6], MAC_GW[6], MAC_LAN[6], MAC_BCAST[6];

#define MAX_FRAME 2048

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

struct ip_extra {
    bool raw_frag; /* frag field and ipid given below */
    uint16_t frag, ipid;
    size_t optlen; /* IPv4 options (NOPs), multiple of 4 */
};

void l4_checksum(const struct raddr *src, const struct raddr *dst, uint8_t proto, uint8_t *l4,
                 size_t len, size_t off);
void ipv4_header(uint8_t *h, size_t optlen, uint32_t src, uint32_t dst, uint8_t proto, size_t total,
                 uint16_t id, uint16_t frag, uint8_t ttl);
void emit(struct gen *g, struct flow *f, int dir, const uint8_t *l4, size_t l4len,
          const struct ip_extra *x);
void tick(struct flow *f, int64_t us);
void tcp_send(struct gen *g, struct flow *f, int dir, unsigned flags, const void *data, size_t len,
              int64_t dt_us);
void tcp_text(struct gen *g, struct flow *f, int dir, const char *text, int64_t dt_us);
void udp_send(struct gen *g, struct flow *f, int dir, const void *data, size_t len, int64_t dt_us);
void icmp_send(struct gen *g, struct flow *f, int dir, unsigned type, unsigned code, uint32_t rest,
               const void *data, size_t len, int64_t dt_us);
void rand_word(struct rng *r, char *buf, unsigned lo, unsigned hi);
void rand_domain(struct rng *r, char *buf, size_t size);
size_t dns_message(uint8_t *p, uint16_t id, const char *name, bool response, bool nxdomain,
                   uint32_t answer);
void fill(struct rng *r, uint8_t *p, size_t n);

/* ---- seed_traffic.c: the conversations of the seed scenario ---------------- */

struct http_host {
    uint32_t addr;
    char name[40];
    char path[3][64];
};

int64_t rand_start(struct gen *g);
void gen_smtp(struct gen *g, const char *sender_domain, uint32_t mx, int64_t t0);
void gen_dns(struct gen *g, uint32_t ns, bool aws, int64_t t0);
void gen_sweep(struct gen *g, uint32_t base, unsigned count, bool aws, int64_t t0);
void gen_http(struct gen *g, const struct http_host *h, int64_t t0);
void gen_scan_open(struct gen *g, uint32_t src, uint16_t port, int64_t t0);
void gen_scan_closed(struct gen *g, uint32_t src, uint16_t port, int64_t t0);
void gen_scan_udp(struct gen *g, uint32_t src, uint16_t port, int64_t t0);
void gen_ping_in(struct gen *g, uint32_t src, int64_t t0);
void gen_arp(struct gen *g, int64_t t0);
void gen_not_sensor(struct gen *g, int64_t t0);

/* ---- seed.c, basic.c, flood.c, truth.c: the scenarios and their truth ----- */

void run_seed(struct gen *g, json_t *truth);

extern const char BASIC_LIST[];
void run_basic(struct gen *g);
void run_flood(const char *dir, uint64_t seed, uint64_t sources, uint64_t packets);
json_t *stat_obj(uint64_t pk, uint64_t by, uint64_t flows);
void truth_fill(struct gen *g, json_t *truth, const char *scenario, int64_t to);

#endif
