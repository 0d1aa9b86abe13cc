/*
 * Escaping strings for the place they land in.
 *
 * Labels, paths and (later) strings lifted from packets can hold anything an
 * attacker chose: terminal escape sequences, invalid UTF-8, markup. Each
 * output format gets its own escaper here, and renderers never print a
 * foreign string any other way.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "report_int.h"

/* The sensors whose addresses a masked report hides (escape_redact_sensors). */
static _Thread_local const struct sensor_set *redact_sensors;

void escape_redact_sensors(const struct sensor_set *sensors)
{
    redact_sensors = sensors;
}

/* The key --anonymize rewrites addresses with while a report is written. */
static _Thread_local struct anonymizer *render_anonymizer;

void escape_anonymize(struct anonymizer *anon)
{
    render_anonymizer = anon;
}

/*
 * Whether the address or prefix text in buf (size bytes) spells a sensor's
 * address while a masked report is written, and if so buf redacted: a remote
 * can (the other sensor of two, a 6to4 or NAT64 address carrying it, its
 * bytes reversed), and an address table is as public as any string.
 */
static bool redact_in_place(char *buf, size_t size)
{
    char *redacted = redact_sensors ? mask_redact(redact_sensors, buf, strlen(buf)) : NULL;
    if (!redacted)
        return false;
    /* should the text grow past buf ("::" becomes "[sensor]"), all of it goes */
    snprintf(buf, size, "%s", strlen(redacted) < size ? redacted : MASK_SENSOR);
    free(redacted);
    return true;
}

char *render_addr(const struct ip_addr *addr, char buf[ADDR_TEXT_MAX])
{
    struct ip_addr shown = *addr;
    if (redact_in_place(addr_format(addr, buf), ADDR_TEXT_MAX))
        return buf;
    if (render_anonymizer)
        anonymizer_addr(render_anonymizer, &shown);
    return addr_format(&shown, buf);
}

/* A prefix's image: its address anonymised, cut to its length again (prefixes are preserved). */
char *render_prefix(const struct ip_prefix *prefix, char buf[PREFIX_TEXT_MAX])
{
    struct ip_prefix shown = *prefix;
    if (redact_in_place(prefix_format(prefix, buf), PREFIX_TEXT_MAX))
        return buf;
    if (render_anonymizer) {
        anonymizer_addr(render_anonymizer, &shown.addr);
        addr_mask(&shown.addr, shown.len);
    }
    return prefix_format(&shown, buf);
}

/*
 * s, or its redacted copy in *own (to free) while a masked report is
 * written, with its addresses anonymised under --anonymize.
 */
static const char *redacted(const char *s, char **own)
{
    *own = redact_sensors ? mask_redact(redact_sensors, s, strlen(s)) : NULL;
    if (render_anonymizer) {
        const char *from = *own ? *own : s;
        char *anonymized = anonymize_text(render_anonymizer, from, strlen(from));
        if (anonymized) {
            free(*own);
            *own = anonymized;
        }
    }
    return *own ? *own : s;
}

/* Length of the valid, printable UTF-8 sequence at s, or 0. */
static size_t utf8_printable(const unsigned char *s, size_t left)
{
    size_t n;
    uint32_t cp;
    if (s[0] < 0x80)
        return s[0] >= 0x20 && s[0] != 0x7f ? 1 : 0;
    if ((s[0] & 0xe0) == 0xc0) {
        n = 2;
        cp = s[0] & 0x1fu;
    } else if ((s[0] & 0xf0) == 0xe0) {
        n = 3;
        cp = s[0] & 0x0fu;
    } else if ((s[0] & 0xf8) == 0xf0) {
        n = 4;
        cp = s[0] & 0x07u;
    } else {
        return 0;
    }
    if (n > left)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    static const uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_len[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    if (cp >= 0x80 && cp <= 0x9f) /* C1 controls, e.g. the 8-bit CSI */
        return 0;
    if (cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
        (cp >= 0x2066 && cp <= 0x2069)) /* line separators, bidi overrides */
        return 0;
    return n;
}

void text_escape(FILE *out, const char *s)
{
    char *own;
    s = redacted(s, &own);
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    while (left) {
        size_t n = utf8_printable(p, left);
        if (n) {
            fwrite(p, 1, n, out);
        } else {
            fprintf(out, "\\x%02x", *p);
            n = 1;
        }
        p += n;
        left -= n;
    }
    free(own);
}

char *escape_printable(const void *bytes, size_t len)
{
    const unsigned char *p = bytes;
    /* Every byte may become "\xNN": four times the bytes, and the NUL. */
    char *out = xmalloc(len * 4 + 1);
    size_t used = 0;
    while (len) {
        size_t n = utf8_printable(p, len);
        if (n) {
            memcpy(out + used, p, n);
            used += n;
        } else {
            used += (size_t)snprintf(out + used, 5, "\\x%02x", *p);
            n = 1;
        }
        p += n;
        len -= n;
    }
    out[used] = '\0';
    return out;
}

size_t utf8_sanitize(const char *s, char *buf, size_t len)
{
    char *own;
    s = redacted(s, &own);
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s), used = 0;
    while (left && used + 5 < len) {
        size_t n = utf8_printable(p, left);
        if (n) {
            memcpy(buf + used, p, n);
            used += n;
        } else {
            used += (size_t)snprintf(buf + used, len - used, "\\x%02x", *p);
            n = 1;
        }
        p += n;
        left -= n;
    }
    buf[used] = '\0';
    free(own);
    return used;
}

/* Whether s is a CSV cell a spreadsheet would read as a formula: it starts with
 * '=', '+', '-', '@', TAB or CR (OWASP, "CSV Injection"). */
static bool csv_formula_like(const char *s)
{
    return s[0] && strchr("=+-@\t\r", s[0]) != NULL;
}

void csv_escape(FILE *out, const char *s)
{
    char *own;
    s = redacted(s, &own);
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    /* Control bytes (TAB, CR, LF, ESC) are written as "\xNN" below and so
     * never reach the cell raw; the quotes follow RFC 4180 on the value. */
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        fputc('"', out);
    if (csv_formula_like(s))
        fputc('\'', out);
    while (left) {
        size_t n = utf8_printable(p, left);
        if (n == 1 && *p == '"') {
            fputs("\"\"", out);
        } else if (n) {
            fwrite(p, 1, n, out);
        } else {
            fprintf(out, "\\x%02x", *p);
            n = 1;
        }
        p += n;
        left -= n;
    }
    if (quote)
        fputc('"', out);
    free(own);
}

void html_escape(FILE *out, const char *s)
{
    char *own;
    s = redacted(s, &own);
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    while (left) {
        size_t n = utf8_printable(p, left);
        if (n == 1) {
            switch (*p) {
            case '&':
                fputs("&amp;", out);
                break;
            case '<':
                fputs("&lt;", out);
                break;
            case '>':
                fputs("&gt;", out);
                break;
            case '"':
                fputs("&quot;", out);
                break;
            case '\'':
                fputs("&#39;", out);
                break;
            default:
                fputc(*p, out);
            }
        } else if (n) {
            fwrite(p, 1, n, out);
        } else {
            fprintf(out, "\\x%02x", *p);
            n = 1;
        }
        p += n;
        left -= n;
    }
    free(own);
}
