/*
 * AS databases in the MaxMind DB format, through libmaxminddb: the one file
 * that includes <maxminddb.h>.
 *
 * Each answer is the database's network holding the address, kept in a
 * prefix set: networks of an mmdb search tree never overlap, so a later
 * address inside a network already answered is found there by one LPM, and
 * the entry handed out stays valid while the database is open. Networks the
 * database has no data for are kept too (asn 0, empty label) and answered as
 * NULL.
 */
#include <errno.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../common/xalloc.h"
#include "attrib_int.h"

#define MMDB_LABEL_MAX 256

struct mmdb_source {
    MMDB_s db;
    char *path;
    struct prefix_set *answers;
    uint64_t errors;
};

struct mmdb_source *mmdb_source_open(const char *path, char *err, size_t errlen)
{
    struct mmdb_source *src = xcalloc(1, sizeof(*src));
    errno = 0;
    int status = MMDB_open(path, MMDB_MODE_MMAP, &src->db);
    if (status != MMDB_SUCCESS) {
        if (status == MMDB_FILE_OPEN_ERROR || status == MMDB_IO_ERROR)
            attrib_err(err, errlen, "cannot open '%s': %s", path,
                       errno ? strerror(errno) : MMDB_strerror(status));
        else
            attrib_err(err, errlen, "%s: not a usable MaxMind DB file: %s", path,
                       MMDB_strerror(status));
        free(src);
        return NULL;
    }
    src->path = xstrdup(path);
    src->answers = prefix_set_new();
    return src;
}

void mmdb_source_rename(struct mmdb_source *src, const char *path)
{
    free(src->path);
    src->path = xstrdup(path);
}

void mmdb_source_free(struct mmdb_source *src)
{
    if (!src)
        return;
    MMDB_close(&src->db);
    prefix_set_free(src->answers);
    free(src->path);
    free(src);
}

const char *mmdb_source_path(const struct mmdb_source *src)
{
    return src->path;
}

const char *mmdb_source_type(const struct mmdb_source *src)
{
    return src->db.metadata.database_type ? src->db.metadata.database_type : "";
}

int64_t mmdb_source_day(const struct mmdb_source *src)
{
    return (int64_t)(src->db.metadata.build_epoch / 86400);
}

uint64_t mmdb_source_errors(const struct mmdb_source *src)
{
    return src->errors;
}

/* A string field of the record, copied into buf (len bytes); "" when absent. */
static void get_string(MMDB_entry_s *entry, const char *key, char *buf, size_t len)
{
    MMDB_entry_data_s data;
    buf[0] = '\0';
    if (MMDB_get_value(entry, &data, key, NULL) != MMDB_SUCCESS || !data.has_data ||
        data.type != MMDB_DATA_TYPE_UTF8_STRING)
        return;
    size_t n = data.data_size < len - 1 ? data.data_size : len - 1;
    memcpy(buf, data.utf8_string, n);
    buf[n] = '\0';
    /* A NUL inside the string would cut it anyway; keep what precedes. */
}

/* "AS15169", "15169" or a number field; 0 when none. */
static uint32_t get_asn(MMDB_entry_s *entry, const char *key)
{
    MMDB_entry_data_s data;
    if (MMDB_get_value(entry, &data, key, NULL) != MMDB_SUCCESS || !data.has_data)
        return 0;
    switch (data.type) {
    case MMDB_DATA_TYPE_UINT16:
        return data.uint16;
    case MMDB_DATA_TYPE_UINT32:
        return data.uint32;
    case MMDB_DATA_TYPE_UINT64:
        return data.uint64 <= UINT32_MAX ? (uint32_t)data.uint64 : 0;
    case MMDB_DATA_TYPE_INT32:
        return data.int32 > 0 ? (uint32_t)data.int32 : 0;
    case MMDB_DATA_TYPE_UTF8_STRING: {
        const char *s = data.utf8_string;
        size_t n = data.data_size;
        if (n >= 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's')) {
            s += 2;
            n -= 2;
        }
        if (n == 0 || n > 10)
            return 0;
        uint64_t v = 0;
        for (size_t i = 0; i < n; i++) {
            if (s[i] < '0' || s[i] > '9')
                return 0;
            v = v * 10 + (uint64_t)(s[i] - '0');
        }
        return v <= UINT32_MAX ? (uint32_t)v : 0;
    }
    default:
        return 0;
    }
}

/* Appends part to label unless empty or already there. */
static void label_append(char *label, size_t len, const char *part)
{
    if (!part[0] || strstr(label, part))
        return;
    size_t used = strlen(label);
    if (used)
        snprintf(label + used, len - used, " / %s", part);
    else
        snprintf(label, len, "%s", part);
}

static void record_read(MMDB_entry_s *entry, uint32_t *asn, char *label, size_t len)
{
    char part[MMDB_LABEL_MAX];
    *asn = get_asn(entry, "autonomous_system_number");
    if (!*asn)
        *asn = get_asn(entry, "asn"); /* ipinfo */
    label[0] = '\0';
    static const char *const keys[] = {"autonomous_system_organization", "isp", "organization",
                                       "as_name", "name"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        get_string(entry, keys[i], part, sizeof(part));
        label_append(label, len, part);
    }
}

const struct prefix_entry *mmdb_source_lookup(struct mmdb_source *src, const struct ip_addr *addr)
{
    const struct prefix_entry *known = prefix_set_lookup(src->answers, addr);
    if (known)
        return known->asn || known->label[0] ? known : NULL;

    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    const struct sockaddr *sa;
    bool v4 = addr_is_v4(addr);
    if (v4) {
        memset(&sin, 0, sizeof(sin));
        sin.sin_family = AF_INET;
        memcpy(&sin.sin_addr, addr->b + 12, 4);
        sa = (const struct sockaddr *)&sin;
    } else {
        memset(&sin6, 0, sizeof(sin6));
        sin6.sin6_family = AF_INET6;
        memcpy(&sin6.sin6_addr, addr->b, 16);
        sa = (const struct sockaddr *)&sin6;
    }
    int mmdb_error = MMDB_SUCCESS;
    MMDB_lookup_result_s result = MMDB_lookup_sockaddr(&src->db, sa, &mmdb_error);
    if (mmdb_error != MMDB_SUCCESS) {
        /* An IPv6 address in an IPv4-only database, or damaged data. */
        if (mmdb_error != MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
            src->errors++;
        return NULL;
    }

    uint32_t asn = 0;
    char label[MMDB_LABEL_MAX * 2];
    label[0] = '\0';
    if (result.found_entry)
        record_read(&result.entry, &asn, label, sizeof(label));

    /* The network: the netmask counts from the family's first bit (an IPv4
     * lookup starts at the IPv4 part of an IPv6 tree). */
    struct ip_prefix net;
    net.addr = *addr;
    unsigned bits = result.netmask;
    if (v4) {
        if (src->db.metadata.ip_version == 6)
            bits = bits >= 96 ? bits - 96 : 0;
        net.len = (uint8_t)(96 + (bits > 32 ? 32 : bits));
    } else {
        net.len = (uint8_t)(bits > 128 ? 128 : bits);
    }
    addr_mask(&net.addr, net.len);
    prefix_set_add(src->answers, &net, label, asn);
    const struct prefix_entry *e = prefix_set_lookup(src->answers, addr);
    return e && (e->asn || e->label[0]) ? e : NULL;
}
