/*
 * What every evidence parser shares: the value builder items are made with
 * (cut at EVIDENCE_VALUE_MAX, spoilt by a NUL), emission, and line
 * splitting and trimming for the text protocols.
 */
#include <string.h>

#include "evidence_int.h"

/* ---- values ------------------------------------------------------------------- */

void ev_value_init(struct ev_value *v, enum evidence_kind kind)
{
    v->item.kind = kind;
    v->item.count = 1;
    v->item.len = 0;
    v->item.truncated = 0;
    v->item.value[0] = '\0';
    v->has_nul = 0;
}

void ev_value_add(struct ev_value *v, const uint8_t *bytes, size_t n)
{
    if (n == 0)
        return;
    size_t room = EVIDENCE_VALUE_MAX - v->item.len;
    if (n > room) {
        n = room;
        v->item.truncated = 1;
    }
    /* Only the bytes kept count: what lies past the cut is not part of the value. */
    if (n > 0 && memchr(bytes, 0, n))
        v->has_nul = 1;
    memcpy(v->item.value + v->item.len, bytes, n);
    v->item.len = (uint16_t)(v->item.len + n);
    v->item.value[v->item.len] = '\0';
}

void ev_value_str(struct ev_value *v, const char *s)
{
    ev_value_add(v, (const uint8_t *)s, strlen(s));
}

void ev_emit_value(struct ev_out *out, struct ev_value *v)
{
    if (v->has_nul)
        return;
    out->emit(out->ctx, &v->item);
    out->items++;
}

void ev_emit(struct ev_out *out, enum evidence_kind kind, const uint8_t *bytes, size_t n)
{
    struct ev_value v;
    ev_value_init(&v, kind);
    ev_value_add(&v, bytes, n);
    ev_emit_value(out, &v);
}

/* ---- lines ---------------------------------------------------------------------- */

int ev_line(struct cursor *c, const uint8_t **line, size_t *n)
{
    const uint8_t *lf = c->left ? memchr(c->p, '\n', c->left) : NULL;
    if (!lf)
        return 0;
    size_t len = (size_t)(lf - c->p);
    *line = c->p;
    *n = len > 0 && c->p[len - 1] == '\r' ? len - 1 : len;
    cursor_skip(c, len + 1);
    return 1;
}

static uint8_t lower(uint8_t b)
{
    return b >= 'A' && b <= 'Z' ? (uint8_t)(b + ('a' - 'A')) : b;
}

int ev_starts_nocase(const uint8_t *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    if (k > n)
        return 0;
    for (size_t i = 0; i < k; i++)
        if (lower(s[i]) != lower((uint8_t)prefix[i]))
            return 0;
    return 1;
}

void ev_trim(const uint8_t **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}
