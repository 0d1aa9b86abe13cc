/* Tests the escapers of the report's formats: text, CSV and HTML. */
#include <stdlib.h>

#include "../../src/report/report_int.h"
#include "check.h"

/* What an escaper writes for s, in a buffer the caller frees. */
static char *escaped(void (*escape)(FILE *, const char *), const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    escape(f, s);
    fclose(f);
    return buf;
}

#define CHECK_ESCAPED(fn, in, want)                                                                \
    do {                                                                                           \
        char *got_ = escaped(fn, in);                                                              \
        CHECK_STR(got_, want);                                                                     \
        free(got_);                                                                                \
    } while (0)

static void test_csv_plain_and_quoted(void)
{
    CHECK_ESCAPED(csv_escape, "", "");
    CHECK_ESCAPED(csv_escape, "Amazon EU AWS Dublin", "Amazon EU AWS Dublin");
    CHECK_ESCAPED(csv_escape, "a,b", "\"a,b\"");
    CHECK_ESCAPED(csv_escape, "say \"hi\"", "\"say \"\"hi\"\"\"");
    /* Line breaks never reach the cell raw. */
    CHECK_ESCAPED(csv_escape, "two\r\nlines", "\"two\\x0d\\x0alines\"");
    CHECK_ESCAPED(csv_escape, "tab\there", "tab\\x09here");
}

static void test_csv_no_formula(void)
{
    CHECK_ESCAPED(csv_escape, "=1+1", "'=1+1");
    CHECK_ESCAPED(csv_escape, "+cmd", "'+cmd");
    CHECK_ESCAPED(csv_escape, "-2+3", "'-2+3");
    CHECK_ESCAPED(csv_escape, "@SUM(1)", "'@SUM(1)");
    CHECK_ESCAPED(csv_escape, "\tx", "'\\x09x");
    CHECK_ESCAPED(csv_escape, "\rx", "\"'\\x0dx\"");
    CHECK_ESCAPED(csv_escape, "=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"");
    CHECK_ESCAPED(csv_escape, "a=b", "a=b");
}

static void test_csv_bytes(void)
{
    CHECK_ESCAPED(csv_escape, "\x1b[31mred", "\\x1b[31mred");
    CHECK_ESCAPED(csv_escape, "bad\xff", "bad\\xff");
    CHECK_ESCAPED(csv_escape, "caf\xc3\xa9", "caf\xc3\xa9");
}

/* Bytes of any kind, NUL among them, as printable UTF-8 (honeyscope sql's text). */
static void test_printable_bytes(void)
{
    static const struct {
        const char *in;
        size_t len;
        const char *want;
    } cases[] = {
        {"", 0, ""},
        {"plain", 5, "plain"},
        {"a\0b", 3, "a\\x00b"},
        {"\x1b]0;t\x07", 6, "\\x1b]0;t\\x07"},
        {"caf\xc3\xa9", 5, "caf\xc3\xa9"},
        {"bad\xff\xfe", 5, "bad\\xff\\xfe"},
        {"\xc3", 1, "\\xc3"},                     /* a sequence cut short */
        {"\xe2\x80\xaex", 4, "\\xe2\\x80\\xaex"}, /* U+202E, a bidi override */
        {"\xc2\x9b", 2, "\\xc2\\x9b"},            /* U+009B, the 8-bit CSI */
        {"\n\r\t\x7f", 4, "\\x0a\\x0d\\x09\\x7f"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = escape_printable(cases[i].in, cases[i].len);
        CHECK_STR(got, cases[i].want);
        free(got);
    }
}

static void test_html(void)
{
    CHECK_ESCAPED(html_escape, "<script>alert(1)</script>",
                  "&lt;script&gt;alert(1)&lt;/script&gt;");
    CHECK_ESCAPED(html_escape, "\"onmouseover='x'", "&quot;onmouseover=&#39;x&#39;");
    CHECK_ESCAPED(html_escape, "a & b", "a &amp; b");
    CHECK_ESCAPED(html_escape, "\x1b]0;title\x07", "\\x1b]0;title\\x07");
    CHECK_ESCAPED(html_escape, "\xc3\x28 \xe2\x80\xae", "\\xc3( \\xe2\\x80\\xae");
    CHECK_ESCAPED(html_escape, "\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac");
}

/* Under --mask, addresses and prefixes whose text spells a sensor's are "[sensor]". */
static void test_addresses_redacted(void)
{
    struct sensor_set sensors;
    struct ip_prefix sensor;
    const char *why = "";
    sensor_set_init(&sensors);
    CHECK(prefix_parse(&sensor, "192.0.2.10/32", &why) == 0);
    sensor_set_add(&sensors, &sensor);

    static const char *const spelled[] = {"192.0.2.10", "2002:c000:20a::1", "64:ff9b::c000:20a",
                                          "::ffff:192.0.2.10", "10.2.0.192"};
    char buf[ADDR_TEXT_MAX], pbuf[PREFIX_TEXT_MAX];
    struct ip_addr a;
    struct ip_prefix p;
    escape_redact_sensors(&sensors);
    for (size_t i = 0; i < sizeof(spelled) / sizeof(spelled[0]); i++) {
        CHECK(addr_parse(&a, spelled[i]) == 0);
        CHECK_STR(render_addr(&a, buf), "[sensor]");
    }
    CHECK(addr_parse(&a, "192.0.2.100") == 0);
    CHECK_STR(render_addr(&a, buf), "192.0.2.100");
    CHECK(prefix_parse(&p, "2002:c000:20a::/48", &why) == 0);
    CHECK_STR(render_prefix(&p, pbuf), "[sensor]/48");
    CHECK(prefix_parse(&p, "192.0.2.0/24", &why) == 0);
    CHECK_STR(render_prefix(&p, pbuf), "192.0.2.0/24");
    escape_redact_sensors(NULL);
    CHECK(addr_parse(&a, "2002:c000:20a::1") == 0);
    CHECK_STR(render_addr(&a, buf), "2002:c000:20a::1");
    sensor_set_release(&sensors);
}

int main(void)
{
    RUN(test_csv_plain_and_quoted);
    RUN(test_csv_no_formula);
    RUN(test_csv_bytes);
    RUN(test_printable_bytes);
    RUN(test_html);
    RUN(test_addresses_redacted);
    CHECK_EXIT();
}
