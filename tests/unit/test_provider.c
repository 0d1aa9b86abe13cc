/*
 * Unit tests of naming the remote side beyond plain lists: providers' JSON
 * files and selections, dated snapshots, groups over time, origin ASes from
 * routing snapshots and MaxMind databases, AS names. Synthetic files check
 * every rule and error message; the real files of ../shared/data (AWS at
 * three dates, Google Cloud, Azure, MaxMind's test databases with their
 * source JSON, RouteViews tables, AS names) are checked when present.
 */
#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../src/attrib/attrib.h"
#include "check.h"

/* ---- helpers -------------------------------------------------------------- */

static struct ip_addr ip(const char *text)
{
    struct ip_addr a;
    if (addr_parse(&a, text) < 0) {
        fprintf(stderr, "test_provider: bad address in a test: %s\n", text);
        abort();
    }
    return a;
}

static const char *work_dir(void)
{
    const char *dir = getenv("TEST_WORK");
    return dir && *dir ? dir : "/tmp";
}

/* Writes text to a new temporary file named ...suffix; path gets its name. */
static int write_temp(char path[512], const char *text)
{
    snprintf(path, 512, "%s/provider-XXXXXX", work_dir());
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)n;
    }
    close(fd);
    return 0;
}

/* A file of ../shared/data, or NULL when absent. */
static const char *shared_file(char buf[512], const char *name)
{
    const char *root = getenv("HONEYSCOPE_ROOT");
    if (root && *root)
        snprintf(buf, 512, "%s/../shared/data/%s", root, name);
    else
        snprintf(buf, 512, "../shared/data/%s", name);
    return access(buf, R_OK) == 0 ? buf : NULL;
}

static int64_t day_of(unsigned y, unsigned m, unsigned d)
{
    /* days_from_civil, independent of the code under test */
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The label of addr's longest match in set, or "-". */
static const char *label_at(const struct prefix_set *set, const char *addr)
{
    struct ip_addr a = ip(addr);
    const struct prefix_entry *e = prefix_set_lookup(set, &a);
    return e ? e->label : "-";
}

static const char *prefix_at(const struct prefix_set *set, const char *addr,
                             char buf[PREFIX_TEXT_MAX])
{
    struct ip_addr a = ip(addr);
    const struct prefix_entry *e = prefix_set_lookup(set, &a);
    return e ? prefix_format(&e->prefix, buf) : "-";
}

/* Loads text as a prefix file with selection; the set, or NULL with err. */
static struct prefix_set *load_text(const char *text, const char *selection,
                                    struct prefix_file_info *info, char *err, size_t errlen,
                                    char path[512])
{
    if (write_temp(path, text) < 0)
        return NULL;
    struct prefix_set *set = prefix_set_new();
    err[0] = '\0';
    if (prefix_set_load_file(set, path, selection, info, err, errlen) < 0) {
        prefix_set_free(set);
        return NULL;
    }
    return set;
}

/* Expects text (with selection) to fail with "PATH" + want. */
static int load_error_is(const char *text, const char *selection, const char *want)
{
    char path[512], err[1024], expect[1200];
    struct prefix_set *set = load_text(text, selection, NULL, err, sizeof(err), path);
    unlink(path);
    snprintf(expect, sizeof(expect), "%s%s", path, want);
    if (set || strcmp(err, expect) != 0) {
        fprintf(stderr, "load error: got \"%s\", want \"%s\"\n", err, expect);
        prefix_set_free(set);
        return 0;
    }
    return 1;
}

static const char aws_text[] =
    "{\n"
    "  \"syncToken\": \"1446568938\",\n"
    "  \"createDate\": \"2015-11-03-17-22-03\",\n"
    "  \"prefixes\": [\n"
    "    {\"ip_prefix\": \"23.20.0.0/14\", \"region\": \"us-east-1\", \"service\": \"AMAZON\"},\n"
    "    {\"ip_prefix\": \"27.0.0.0/22\", \"region\": \"ap-northeast-1\", \"service\": "
    "\"AMAZON\"},\n"
    "    {\"ip_prefix\": \"23.20.0.0/14\", \"region\": \"us-east-1\", \"service\": \"EC2\"},\n"
    "    {\"ip_prefix\": \"46.51.128.0/18\", \"region\": \"eu-west-1\", \"service\": \"EC2\"},\n"
    "    {\"ip_prefix\": \"46.51.128.0/18\", \"region\": \"eu-west-1\", \"service\": \"AMAZON\"},\n"
    "    {\"ip_prefix\": \"52.95.245.0/24\", \"region\": \"us-east-1\", \"service\": \"S3\","
    " \"network_border_group\": \"us-east-1\"},\n"
    "    {\"ip_prefix\": \"52.95.245.0/24\", \"region\": \"us-east-1\", \"service\": \"EC2\","
    " \"network_border_group\": \"us-east-1\"},\n"
    "    {\"ip_prefix\": \"15.181.0.0/20\", \"region\": \"us-west-2\", \"service\": \"EC2\","
    " \"network_border_group\": \"us-west-2-lax-1\"}\n"
    "  ],\n"
    "  \"ipv6_prefixes\": [\n"
    "    {\"ipv6_prefix\": \"2a05:d018::/36\", \"region\": \"eu-west-1\", \"service\": "
    "\"EC2\"},\n"
    "    {\"ipv6_prefix\": \"2600:9000::/28\", \"region\": \"GLOBAL\", \"service\": "
    "\"CLOUDFRONT\"}\n"
    "  ]\n"
    "}\n";

/* ---- selections ------------------------------------------------------------- */

static int selection_error_is(const char *selection, const char *want)
{
    char err[512] = "";
    int rc = provider_selection_check(selection, err, sizeof(err));
    if (rc != -1 || strcmp(err, want) != 0) {
        fprintf(stderr, "selection '%s': got %d \"%s\", want \"%s\"\n", selection, rc, err, want);
        return 0;
    }
    return 1;
}

static void test_selection_syntax(void)
{
    char err[256];
    CHECK(provider_selection_check("service=EC2", err, sizeof(err)) == 0);
    CHECK(provider_selection_check("service=EC2|S3,region=eu-*,family=6", err, sizeof(err)) == 0);
    CHECK(provider_selection_check("", err, sizeof(err)) == 0);
    CHECK(provider_selection_check(NULL, err, sizeof(err)) == 0);
    CHECK(selection_error_is("service", "selection 'service': want KEY=VALUE[|VALUE...], not "
                                        "'service'"));
    CHECK(selection_error_is("=EC2", "selection '=EC2': want KEY=VALUE[|VALUE...], not '=EC2'"));
    CHECK(selection_error_is("colour=red", "selection 'colour=red': unknown key 'colour' (keys: "
                                           "region, service, border, scope, tag, family)"));
    CHECK(selection_error_is("service=", "selection 'service=': empty value for 'service'"));
    CHECK(selection_error_is("service=EC2|", "selection 'service=EC2|': empty value for "
                                             "'service'"));
    CHECK(selection_error_is("service=EC2,", "selection 'service=EC2,': want "
                                             "KEY=VALUE[|VALUE...], not ''"));
    CHECK(selection_error_is("family=5", "selection 'family=5': family takes 4, 6, ipv4 or "
                                         "ipv6, not '5'"));
    CHECK(selection_error_is("family=ipv5", "selection 'family=ipv5': family takes 4, 6, ipv4 or "
                                            "ipv6, not 'ipv5'"));
    CHECK(selection_error_is("family=xpv6", "selection 'family=xpv6': family takes 4, 6, ipv4 or "
                                            "ipv6, not 'xpv6'"));
}

/* ---- AWS, Google Cloud, Azure (synthetic) ------------------------------------ */

static void test_aws_labels(void)
{
    char path[512], err[1024], buf[PREFIX_TEXT_MAX];
    struct prefix_file_info info;
    struct prefix_set *set = load_text(aws_text, NULL, &info, err, sizeof(err), path);
    CHECK(set != NULL);
    if (!set) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK_STR(info.format, "aws");
    CHECK(info.day == day_of(2015, 11, 3));
    CHECK_U64(prefix_set_count(set), 7);
    /* One entry per prefix, in the file's order, labelled from all its records. */
    CHECK_STR(prefix_format(&prefix_set_entry(set, 0)->prefix, buf), "23.20.0.0/14");
    CHECK_STR(prefix_set_entry(set, 0)->label, "AMAZON us-east-1 EC2");
    CHECK_STR(prefix_format(&prefix_set_entry(set, 1)->prefix, buf), "27.0.0.0/22");
    CHECK_STR(label_at(set, "27.0.1.1"), "AMAZON ap-northeast-1");
    CHECK_STR(label_at(set, "46.51.130.1"), "AMAZON eu-west-1 EC2");
    CHECK_STR(label_at(set, "52.95.245.7"), "AMAZON us-east-1 S3+EC2");
    /* A border group other than the region stands in for it. */
    CHECK_STR(label_at(set, "15.181.1.1"), "AMAZON us-west-2-lax-1 EC2");
    CHECK_STR(label_at(set, "2a05:d018:1::1"), "AMAZON eu-west-1 EC2");
    CHECK_STR(prefix_at(set, "2600:9000:1::1", buf), "2600:9000::/28");
    CHECK_STR(label_at(set, "2600:9000:1::1"), "AMAZON GLOBAL CLOUDFRONT");
    CHECK_STR(label_at(set, "8.8.8.8"), "-");
    prefix_set_free(set);
    unlink(path);
}

static size_t count_selected(const char *text, const char *selection)
{
    char path[512], err[1024];
    struct prefix_set *set = load_text(text, selection, NULL, err, sizeof(err), path);
    unlink(path);
    if (!set) {
        fprintf(stderr, "selection '%s': %s\n", selection, err);
        return (size_t)-1;
    }
    size_t n = prefix_set_count(set);
    prefix_set_free(set);
    return n;
}

static void test_aws_selection(void)
{
    CHECK_U64(count_selected(aws_text, "service=EC2"), 5);
    CHECK_U64(count_selected(aws_text, "service=ec2"), 5); /* any case */
    CHECK_U64(count_selected(aws_text, "service=AMAZON"), 3);
    CHECK_U64(count_selected(aws_text, "service=EC2,region=eu-west-1"), 2);
    CHECK_U64(count_selected(aws_text, "service=EC2,region=eu-west-1,family=4"), 1);
    CHECK_U64(count_selected(aws_text, "family=ipv6"), 2);
    CHECK_U64(count_selected(aws_text, "family=IPv6"), 2); /* values match in any case */
    CHECK_U64(count_selected(aws_text, "family=IPV4|ipv6"), 7);
    CHECK_U64(count_selected(aws_text, "region=us-*"), 3);
    CHECK_U64(count_selected(aws_text, "region=*-1,service=S3|CLOUDFRONT"), 1);
    CHECK_U64(count_selected(aws_text, "border=us-west-2-*"), 1);
    CHECK_U64(count_selected(aws_text, "network_border_group=us-east-1"), 2);
    CHECK_U64(count_selected(aws_text, "service=GAMELIFT"), 0);

    /* The label names every service of the prefix, whatever was selected. */
    char path[512], err[1024];
    struct prefix_set *set = load_text(aws_text, "service=S3", NULL, err, sizeof(err), path);
    unlink(path);
    CHECK(set != NULL);
    if (!set)
        return;
    CHECK_U64(prefix_set_count(set), 1);
    CHECK_STR(label_at(set, "52.95.245.1"), "AMAZON us-east-1 S3+EC2");
    CHECK_STR(label_at(set, "23.20.0.1"), "-");
    prefix_set_free(set);
}

static const char gcp_text[] =
    "{\"syncToken\": \"1753409788780\", \"creationTime\": \"2025-07-24T19:16:28.780563\",\n"
    " \"prefixes\": [{\"ipv4Prefix\": \"34.35.0.0/16\", \"service\": \"Google Cloud\", "
    "\"scope\": \"africa-south1\"},\n"
    "  {\"ipv6Prefix\": \"2600:1900:4010::/44\", \"service\": \"Google Cloud\", \"scope\": "
    "\"europe-west1\"},\n"
    "  {\"ipv4Prefix\": \"8.34.208.0/23\", \"service\": \"Google Cloud\", \"scope\": "
    "\"europe-west1\"}]}\n";

static const char azure_text[] =
    "{\"changeNumber\": 363, \"cloud\": \"Public\", \"values\": [\n"
    " {\"name\": \"AzureCloud\", \"id\": \"AzureCloud\", \"properties\": {\"region\": \"\", "
    "\"systemService\": \"\", \"addressPrefixes\": [\"13.64.0.0/11\", \"2603:1000::/24\"]}},\n"
    " {\"name\": \"AzureCloud.westeurope\", \"properties\": {\"region\": \"westeurope\", "
    "\"systemService\": \"\", \"addressPrefixes\": [\"13.69.0.0/17\"]}},\n"
    " {\"name\": \"Storage.WestEurope\", \"properties\": {\"region\": \"westeurope\", "
    "\"systemService\": \"AzureStorage\", \"addressPrefixes\": [\"13.69.40.16/28\", "
    "\"2603:1020:207::/48\"]}},\n"
    " {\"name\": \"Storage\", \"properties\": {\"region\": \"\", \"systemService\": "
    "\"AzureStorage\", \"addressPrefixes\": [\"13.69.40.16/28\"]}}\n"
    "]}\n";

static void test_gcp_azure(void)
{
    char path[512], err[1024], buf[PREFIX_TEXT_MAX];
    struct prefix_file_info info;
    struct prefix_set *set = load_text(gcp_text, NULL, &info, err, sizeof(err), path);
    unlink(path);
    CHECK(set != NULL);
    if (!set)
        return;
    CHECK_STR(info.format, "gcp");
    CHECK(info.day == day_of(2025, 7, 24));
    CHECK_U64(prefix_set_count(set), 3);
    CHECK_STR(label_at(set, "34.35.1.2"), "Google Cloud africa-south1");
    CHECK_STR(label_at(set, "2600:1900:4010::5"), "Google Cloud europe-west1");
    prefix_set_free(set);
    CHECK_U64(count_selected(gcp_text, "scope=europe-west1"), 2);
    CHECK_U64(count_selected(gcp_text, "region=europe-west1,family=4"), 1);

    set = load_text(azure_text, NULL, &info, err, sizeof(err), path);
    unlink(path);
    CHECK(set != NULL);
    if (!set)
        return;
    CHECK_STR(info.format, "azure");
    CHECK(info.day == SNAPSHOT_UNDATED);
    CHECK_U64(prefix_set_count(set), 5);
    CHECK_STR(label_at(set, "13.64.0.1"), "AZURE");
    CHECK_STR(label_at(set, "13.69.1.1"), "AZURE westeurope");
    CHECK_STR(prefix_at(set, "13.69.40.17", buf), "13.69.40.16/28");
    CHECK_STR(label_at(set, "13.69.40.17"), "AZURE westeurope AzureStorage");
    prefix_set_free(set);
    CHECK_U64(count_selected(azure_text, "tag=Storage.WestEurope"), 2);
    CHECK_U64(count_selected(azure_text, "tag=storage*"), 2);
    CHECK_U64(count_selected(azure_text, "service=AzureStorage,family=6"), 1);
    CHECK_U64(count_selected(azure_text, "region=westeurope"), 3);
}

/* ---- bad input ------------------------------------------------------------------ */

static void test_provider_errors(void)
{
    CHECK(load_error_is("{\"createDate\": \"2015-11-03\",\n \"prefixes\": [\n", NULL,
                        ":3:0: bad JSON (byte 44): ']' expected near end of file"));
    CHECK(load_error_is("{\"createDate\": \"x\", \"prefixes\": [{\"ip_prefix\": "
                        "\"10.0.0.1/8\"}]}",
                        NULL,
                        ": prefixes[0].ip_prefix \"10.0.0.1/8\": host bits set past the "
                        "prefix length"));
    CHECK(load_error_is("{\"createDate\": \"x\", \"prefixes\": [{\"ip_prefix\": \"10.0.0.0/8\"}, "
                        "{\"ip_prefix\": \"10.0.0.0/33\"}]}",
                        NULL, ": prefixes[1].ip_prefix \"10.0.0.0/33\": prefix length over 32"));
    CHECK(load_error_is("{\"createDate\": \"x\", \"prefixes\": [{\"ip_prefix\": \"10.0.0.0\"}]}",
                        NULL, ": prefixes[0].ip_prefix \"10.0.0.0\": missing prefix length"));
    CHECK(load_error_is("{\"createDate\": \"x\", \"prefixes\": [{\"ip_prefix\": 17}]}", NULL,
                        ": prefixes[0].ip_prefix: want a prefix string"));
    CHECK(load_error_is("{\"createDate\": \"x\", \"ipv6_prefixes\": [{\"ipv6_prefix\": "
                        "\"2001:db8::/129\"}]}",
                        NULL,
                        ": ipv6_prefixes[0].ipv6_prefix \"2001:db8::/129\": prefix length "
                        "over 128"));
    CHECK(load_error_is("{\"changeNumber\": 1, \"values\": [{\"name\": \"x\", \"properties\": "
                        "{}}]}",
                        NULL, ": values[0].properties.addressPrefixes: want an array"));
    CHECK(load_error_is("{\"hello\": \"world\"}", NULL,
                        ": JSON, but not an AWS ip-ranges.json, a Google Cloud cloud.json or an "
                        "Azure Service Tags file"));
    CHECK(load_error_is(aws_text, "tag=x",
                        ": an AWS ip-ranges.json file has no 'tag' (keys: region, service, "
                        "border (or network_border_group), family)"));
    /* An alias belongs to the provider whose files spell the field that way. */
    CHECK(load_error_is(aws_text, "scope=x",
                        ": an AWS ip-ranges.json file has no 'scope' (keys: region, service, "
                        "border (or network_border_group), family)"));
    CHECK(load_error_is(azure_text, "scope=x",
                        ": an Azure Service Tags file has no 'scope' (keys: tag (or name), "
                        "region, service, family)"));
    CHECK(load_error_is(gcp_text, "border=x",
                        ": a Google Cloud cloud.json file has no 'border' (keys: region (or "
                        "scope), service, family)"));
    CHECK(load_error_is("10.0.0.0/8 ten\n", "service=EC2",
                        ": a \"CIDR label\" list takes no selection (':service=EC2'); selections "
                        "are for AWS, Google Cloud and Azure JSON files"));
    /* A list is still a list, errors and all. */
    CHECK(load_error_is("10.0.0.0/8 ten\n10.0.0.1/8 bad\n", NULL,
                        ":2: host bits set past the prefix length"));
    char err[512];
    struct prefix_set *set = prefix_set_new();
    CHECK(prefix_set_load_file(set, "/nonexistent/x.json", NULL, NULL, err, sizeof(err)) == -1);
    CHECK_STR(err, "cannot open '/nonexistent/x.json': No such file or directory");
    prefix_set_free(set);
}

static void test_list_unchanged(void)
{
    char path[512], err[1024];
    struct prefix_file_info info;
    struct prefix_set *set = load_text("  # leading comment\n10.0.0.0/8 Ten #x\n2001:db8::/32\n",
                                       NULL, &info, err, sizeof(err), path);
    unlink(path);
    CHECK(set != NULL);
    if (!set)
        return;
    CHECK_STR(info.format, "list");
    CHECK(info.day == SNAPSHOT_UNDATED);
    CHECK_U64(prefix_set_count(set), 2);
    CHECK_STR(label_at(set, "10.1.1.1"), "Ten");
    CHECK_STR(label_at(set, "2001:db8::1"), "");
    prefix_set_free(set);
}

/* ---- the providers' real files ------------------------------------------------- */

struct aws_fact {
    const char *file;
    unsigned y, m, d;
    size_t prefixes, ec2;
    const char *v4_addr, *v4_prefix, *v4_label;
    const char *v6_addr, *v6_prefix, *v6_label;
};

static void test_shared_aws(void)
{
    static const struct aws_fact facts[] = {
        {"prefixes/aws-ip-ranges-2015-11-03.json", 2015, 11, 3, 320, 176, "23.20.1.1",
         "23.20.0.0/14", "AMAZON us-east-1 EC2", NULL, NULL, NULL},
        {"prefixes/aws-ip-ranges-2019-01-03.json", 2019, 1, 3, 1166, 406, "52.95.245.9",
         "52.95.245.0/24", "AMAZON us-east-1 EC2", "2a05:d07c:2000::1", "2a05:d07c:2000::/40",
         "AMAZON eu-west-3"},
        {"prefixes/aws-ip-ranges-2026-08-22.json", 2026, 8, 22, 11013, 4154, "3.5.140.1",
         "3.5.140.0/22", "AMAZON ap-northeast-2 S3+EC2", "2406:daba:f000::7", "2406:daba:f000::/40",
         "AMAZON ap-southeast-4 EC2"},
    };
    for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
        const struct aws_fact *f = &facts[i];
        char buf[512], err[1024], pfx[PREFIX_TEXT_MAX];
        const char *path = shared_file(buf, f->file);
        if (!path) {
            SKIP("../shared/data/prefixes absent");
            return;
        }
        struct prefix_set *set = prefix_set_new();
        struct prefix_file_info info;
        CHECK(prefix_set_load_file(set, path, NULL, &info, err, sizeof(err)) == 0);
        CHECK_STR(info.format, "aws");
        CHECK(info.day == day_of(f->y, f->m, f->d));
        CHECK_U64(prefix_set_count(set), f->prefixes);
        CHECK_STR(prefix_at(set, f->v4_addr, pfx), f->v4_prefix);
        CHECK_STR(label_at(set, f->v4_addr), f->v4_label);
        if (f->v6_addr) {
            CHECK_STR(prefix_at(set, f->v6_addr, pfx), f->v6_prefix);
            CHECK_STR(label_at(set, f->v6_addr), f->v6_label);
        }
        prefix_set_free(set);
        set = prefix_set_new();
        CHECK(prefix_set_load_file(set, path, "service=EC2", NULL, err, sizeof(err)) == 0);
        CHECK_U64(prefix_set_count(set), f->ec2);
        prefix_set_free(set);
    }
}

static void test_shared_gcp_azure(void)
{
    char buf[512], err[1024], pfx[PREFIX_TEXT_MAX];
    const char *path = shared_file(buf, "prefixes/gcp-cloud-2025-07-25.json");
    if (!path) {
        SKIP("../shared/data/prefixes absent");
        return;
    }
    struct prefix_set *set = prefix_set_new();
    struct prefix_file_info info;
    CHECK(prefix_set_load_file(set, path, NULL, &info, err, sizeof(err)) == 0);
    CHECK_STR(info.format, "gcp");
    CHECK(info.day == day_of(2025, 7, 24));
    CHECK_U64(prefix_set_count(set), 782);
    CHECK_STR(label_at(set, "34.35.200.1"), "Google Cloud africa-south1");
    CHECK_STR(prefix_at(set, "2600:1900:4010::1", pfx), "2600:1900:4010::/44");
    CHECK_STR(label_at(set, "2600:1900:4010::1"), "Google Cloud europe-west1");
    prefix_set_free(set);
    set = prefix_set_new();
    CHECK(prefix_set_load_file(set, path, "scope=europe-west1", NULL, err, sizeof(err)) == 0);
    CHECK_U64(prefix_set_count(set), 45);
    prefix_set_free(set);

    path = shared_file(buf, "prefixes/azure-servicetags-2025-07-25.json");
    if (!path)
        return;
    set = prefix_set_new();
    CHECK(prefix_set_load_file(set, path, NULL, &info, err, sizeof(err)) == 0);
    CHECK_STR(info.format, "azure");
    CHECK_U64(prefix_set_count(set), 50887);
    CHECK_STR(prefix_at(set, "4.145.74.53", pfx), "4.145.74.52/30");
    CHECK_STR(label_at(set, "4.145.74.53"), "AZURE southeastasia ActionGroup");
    prefix_set_free(set);
    set = prefix_set_new();
    CHECK(prefix_set_load_file(set, path, "tag=Storage.WestEurope", NULL, err, sizeof(err)) == 0);
    CHECK_U64(prefix_set_count(set), 96);
    CHECK_STR(label_at(set, "13.69.40.17"), "AZURE westeurope AzureStorage");
    CHECK_STR(prefix_at(set, "2603:1020:207::1", pfx), "2603:1020:207::/48");
    prefix_set_free(set);
}

/* ---- MaxMind DB ------------------------------------------------------------------ */

/*
 * Every network of MaxMind's test database source: its first and last
 * address answer with the network, its AS number and organisation.
 */
static void test_mmdb_source_json(void)
{
    char buf[512], buf2[512], err[1024];
    const char *db_path = shared_file(buf, "prefixes/GeoLite2-ASN-Test.mmdb");
    const char *json_path = shared_file(buf2, "prefixes/GeoLite2-ASN-Test.source.json");
    if (!db_path || !json_path) {
        SKIP("../shared/data/prefixes absent");
        return;
    }
    struct mmdb_source *db = mmdb_source_open(db_path, err, sizeof(err));
    CHECK(db != NULL);
    if (!db) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK_STR(mmdb_source_type(db), "GeoLite2-ASN");
    json_error_t jerr;
    json_t *root = json_load_file(json_path, 0, &jerr);
    CHECK(json_is_array(root));
    size_t i, checked = 0, bad = 0;
    json_t *item;
    json_array_foreach(root, i, item)
    {
        const char *net;
        json_t *rec;
        json_object_foreach(item, net, rec)
        {
            struct ip_prefix p;
            const char *why;
            if (prefix_parse(&p, net, &why) < 0) {
                bad++;
                continue;
            }
            uint32_t want_asn =
                (uint32_t)json_integer_value(json_object_get(rec, "autonomous_system_number"));
            const char *want_org =
                json_string_value(json_object_get(rec, "autonomous_system_organization"));
            struct ip_addr last = p.addr;
            for (unsigned b = p.len; b < 128; b++)
                last.b[b / 8] |= (uint8_t)(0x80u >> (b % 8));
            const struct ip_addr *probes[2] = {&p.addr, &last};
            for (int k = 0; k < 2; k++) {
                const struct prefix_entry *e = mmdb_source_lookup(db, probes[k]);
                char got[PREFIX_TEXT_MAX];
                /* The database may hold a network merged with its neighbours of
                 * equal data: the answer contains the source's network. */
                if (!e || e->asn != want_asn || strcmp(e->label, want_org ? want_org : "") != 0 ||
                    e->prefix.len > p.len || !prefix_contains(&e->prefix, &p.addr)) {
                    if (bad++ < 5)
                        fprintf(stderr, "mmdb %s: got %s AS%u '%s'\n", net,
                                e ? prefix_format(&e->prefix, got) : "-", e ? e->asn : 0,
                                e ? e->label : "");
                }
                checked++;
            }
        }
    }
    json_decref(root);
    CHECK_U64(checked, 2 * 720);
    CHECK_U64(bad, 0);
    /* Addresses the test database knows nothing of. */
    struct ip_addr a = ip("8.8.8.8");
    CHECK(mmdb_source_lookup(db, &a) == NULL);
    CHECK(mmdb_source_lookup(db, &a) == NULL); /* kept as "nothing" */
    a = ip("::1");
    CHECK(mmdb_source_lookup(db, &a) == NULL);
    /* A second answer in a network is the same entry. */
    a = ip("1.128.0.1");
    struct ip_addr b = ip("1.159.255.254");
    const struct prefix_entry *e1 = mmdb_source_lookup(db, &a), *e2 = mmdb_source_lookup(db, &b);
    CHECK(e1 != NULL && e1 == e2);
    if (e1)
        CHECK_U64(e1->asn, 1221);
    CHECK_U64(mmdb_source_errors(db), 0);
    mmdb_source_free(db);
}

static void test_mmdb_isp(void)
{
    char buf[512], err[1024];
    const char *db_path = shared_file(buf, "prefixes/GeoIP2-ISP-Test.mmdb");
    if (!db_path) {
        SKIP("../shared/data/prefixes absent");
        return;
    }
    struct mmdb_source *db = mmdb_source_open(db_path, err, sizeof(err));
    CHECK(db != NULL);
    if (!db)
        return;
    CHECK_STR(mmdb_source_type(db), "GeoIP2-ISP");
    struct ip_addr a = ip("1.128.0.1");
    const struct prefix_entry *e = mmdb_source_lookup(db, &a);
    CHECK(e != NULL);
    if (e) {
        CHECK_U64(e->asn, 1221);
        CHECK(strstr(e->label, "Telstra") != NULL);
    }
    mmdb_source_free(db);
}

static void test_mmdb_errors(void)
{
    char path[512], err[1024], want[1100];
    CHECK(write_temp(path, "this is not a MaxMind database\n") == 0);
    CHECK(mmdb_source_open(path, err, sizeof(err)) == NULL);
    snprintf(want, sizeof(want), "%s: not a usable MaxMind DB file: ", path);
    CHECK(strncmp(err, want, strlen(want)) == 0);
    unlink(path);
    CHECK(mmdb_source_open("/nonexistent/x.mmdb", err, sizeof(err)) == NULL);
    CHECK(strncmp(err, "cannot open '/nonexistent/x.mmdb': ", 35) == 0);
    mmdb_source_free(NULL);
}

/* ---- AS names --------------------------------------------------------------------- */

static void test_asnames(void)
{
    char path[512], err[1024], want[1100];
    CHECK(write_temp(path, " {\"14618\": \"AMAZON-AES - Amazon.com, Inc., US\", \"0\": "
                           "\"-Reserved AS-, ZZ\", \"AS16509\": \"AMAZON-02\"}") == 0);
    struct as_names *names = as_names_load(path, err, sizeof(err));
    unlink(path);
    CHECK(names != NULL);
    if (!names)
        return;
    CHECK_U64(as_names_count(names), 2);
    CHECK_STR(as_names_get(names, 14618), "AMAZON-AES - Amazon.com, Inc., US");
    CHECK_STR(as_names_get(names, 16509), "AMAZON-02");
    CHECK(as_names_get(names, 1) == NULL);
    CHECK(as_names_get(NULL, 1) == NULL);
    as_names_free(names);

    CHECK(write_temp(path, "# asn names\n15169 GOOGLE, US\r\n\nAS3 MIT-GATEWAYS, US\n") == 0);
    names = as_names_load(path, err, sizeof(err));
    unlink(path);
    CHECK(names != NULL);
    if (names) {
        CHECK_U64(as_names_count(names), 2);
        CHECK_STR(as_names_get(names, 15169), "GOOGLE, US");
        CHECK_STR(as_names_get(names, 3), "MIT-GATEWAYS, US");
    }
    as_names_free(names);

    CHECK(write_temp(path, "{\"14618\": \"x\",\n \"x1\": \"y\"}") == 0);
    CHECK(as_names_load(path, err, sizeof(err)) == NULL);
    snprintf(want, sizeof(want), "%s: key \"x1\" is not an AS number", path);
    CHECK_STR(err, want);
    unlink(path);
    CHECK(write_temp(path, "{\"14618\": \"x\",\n \"1\": }") == 0);
    CHECK(as_names_load(path, err, sizeof(err)) == NULL);
    snprintf(want, sizeof(want), "%s:2:7: ", path);
    CHECK(strncmp(err, want, strlen(want)) == 0);
    unlink(path);
    CHECK(write_temp(path, "15169 GOOGLE\nGOOGLE 15169\n") == 0);
    CHECK(as_names_load(path, err, sizeof(err)) == NULL);
    snprintf(want, sizeof(want), "%s:2: want \"ASN name\"", path);
    CHECK_STR(err, want);
    unlink(path);

    char buf[512];
    const char *shared = shared_file(buf, "routing/asnames.json.gz");
    if (!shared)
        return;
    names = as_names_load(shared, err, sizeof(err));
    CHECK(names != NULL);
    if (names) {
        CHECK_U64(as_names_count(names), 77585);
        CHECK_STR(as_names_get(names, 14618), "AMAZON-AES - Amazon.com, Inc., US");
        CHECK_STR(as_names_get(names, 39111), "ADSI-AS Amazon Data Services Ireland Ltd, IE");
    }
    as_names_free(names);
}

/* ---- dated snapshots ------------------------------------------------------------ */

static void test_series(void)
{
    struct snapshot_series s;
    char err[512], day[16];
    snapshot_series_init(&s);
    CHECK(snapshot_for(&s, 0) == NULL);
    CHECK_U64(snapshot_index(&s, 0), 0);
    int64_t d2008 = day_of(2008, 5, 1), d2014 = day_of(2014, 5, 13), d2009 = day_of(2009, 6, 1);
    struct prefix_set *a = prefix_set_new(), *b = prefix_set_new(), *c = prefix_set_new();
    CHECK(snapshot_series_add(&s, b, "b", "pfx2as", d2014, err, sizeof(err)) == 0);
    CHECK(snapshot_series_add(&s, a, "a", "pfx2as", d2008, err, sizeof(err)) == 0);
    CHECK(snapshot_series_add(&s, c, "c", "pfx2as", d2009, err, sizeof(err)) == 0);
    CHECK_U64(s.count, 3);
    CHECK_STR(s.v[0].source, "a");
    CHECK_STR(s.v[1].source, "c");
    CHECK_STR(s.v[2].source, "b");
    /* Before the first: the first; at a snapshot's day: that snapshot. */
    CHECK(snapshot_for(&s, 0) == a);
    CHECK(snapshot_for(&s, d2008 * 86400 - 1) == a);
    CHECK(snapshot_for(&s, d2008 * 86400) == a);
    CHECK(snapshot_for(&s, d2009 * 86400 - 1) == a);
    CHECK(snapshot_for(&s, d2009 * 86400) == c);
    CHECK(snapshot_for(&s, d2014 * 86400 + 5) == b);
    CHECK(snapshot_for(&s, INT64_MAX) == b);
    CHECK(snapshot_for(&s, INT64_MIN) == a);
    int64_t from, to;
    snapshot_span(&s, 0, &from, &to);
    CHECK(from == INT64_MIN && to == d2009 * 86400);
    snapshot_span(&s, 1, &from, &to);
    CHECK(from == d2009 * 86400 && to == d2014 * 86400);
    snapshot_span(&s, 2, &from, &to);
    CHECK(from == d2014 * 86400 && to == INT64_MAX);

    CHECK(snapshot_series_add(&s, prefix_set_new(), "d", "pfx2as", d2009, err, sizeof(err)) == -1);
    CHECK_STR(err, "'c' and 'd' are both snapshots of 2009-06-01");
    CHECK(snapshot_series_add(&s, prefix_set_new(), "e", "list", SNAPSHOT_UNDATED, err,
                              sizeof(err)) == -1);
    CHECK_STR(err, "'e' has no date, and it is not the only file: date it as FILE@YYYY-MM-DD");
    CHECK_U64(s.count, 3);
    CHECK_STR(snapshot_day_format(d2014, day, sizeof(day)), "2014-05-13");
    CHECK_STR(snapshot_day_format(SNAPSHOT_UNDATED, day, sizeof(day)), "undated");
    snapshot_series_release(&s);
    snapshot_series_release(&s);

    /* One undated snapshot answers for all time. */
    struct prefix_set *u = prefix_set_new();
    CHECK(snapshot_series_add(&s, u, "u", "list", SNAPSHOT_UNDATED, err, sizeof(err)) == 0);
    CHECK(snapshot_for(&s, 0) == u && snapshot_for(&s, INT64_MAX) == u);
    CHECK(snapshot_series_add(&s, prefix_set_new(), "v", "list", d2008, err, sizeof(err)) == -1);
    CHECK_STR(err, "'u' has no date, and it is not the only file: date it as FILE@YYYY-MM-DD");
    snapshot_series_release(&s);
}

static void test_pfx2as_dates(void)
{
    static const struct {
        const char *file;
        unsigned y, m, d;
    } files[] = {
        {"routing/ipasn_20080501_v12.dat.gz", 2008, 5, 1},
        {"routing/ipasn_20140513.dat.gz", 2014, 5, 13},
        {"routing/ipasn6_20151101.dat.gz", 2015, 11, 1},
    };
    char path[512], err[1024];
    struct prefix_file_info info;
    CHECK(write_temp(path, "; IP-ASN-DAT file\n; Original file : data/rib.20140513.0600.bz2\n"
                           "1.0.0.0/24\t15169\n") == 0);
    struct prefix_set *set = prefix_set_new();
    CHECK(prefix_set_load_pfx2as_info(set, path, &info, err, sizeof(err)) == 0);
    CHECK_STR(info.format, "pfx2as");
    CHECK(info.day == day_of(2014, 5, 13));
    prefix_set_free(set);
    unlink(path);
    CHECK(write_temp(path, "; Original file : rib.99999999.bz2\n1.0.0.0/24\t15169\n") == 0);
    set = prefix_set_new();
    CHECK(prefix_set_load_pfx2as_info(set, path, &info, err, sizeof(err)) == 0);
    CHECK(info.day == SNAPSHOT_UNDATED);
    prefix_set_free(set);
    unlink(path);

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char buf[512];
        const char *shared = shared_file(buf, files[i].file);
        if (!shared) {
            SKIP("../shared/data/routing absent");
            return;
        }
        set = prefix_set_new();
        CHECK(prefix_set_load_pfx2as_info(set, shared, &info, err, sizeof(err)) == 0);
        CHECK(info.day == day_of(files[i].y, files[i].m, files[i].d));
        prefix_set_free(set);
    }
}

/* ---- groups over time --------------------------------------------------------------- */

static void test_group_dated(void)
{
    char p1[512], p2[512], spec[1200], err[1024];
    CHECK(write_temp(p1, "10.0.0.0/8 old\n") == 0);
    CHECK(write_temp(p2, "10.0.0.0/8 new\n192.0.2.0/24 added\n") == 0);
    struct group g, h;
    snprintf(spec, sizeof(spec), "net=%s@2009-06-01", p2);
    CHECK(group_parse(&g, spec, err, sizeof(err)) == 0);
    snprintf(spec, sizeof(spec), "net=%s@2008-05-01", p1);
    CHECK(group_parse(&h, spec, err, sizeof(err)) == 0);
    CHECK(group_merge(&g, &h, err, sizeof(err)) == 0);
    CHECK(h.name == NULL);
    CHECK_U64(g.snapshots.count, 2);
    CHECK_STR(g.snapshots.v[0].source, p1);
    CHECK(g.snapshots.v[0].day == day_of(2008, 5, 1));
    CHECK(g.prefixes == g.snapshots.v[1].set);
    CHECK(group_dated(&g, NULL));

    int64_t before = day_of(2009, 5, 31) * 86400, after = day_of(2009, 6, 1) * 86400;
    struct group_match m;
    struct ip_addr a = ip("192.0.2.7"), b = ip("10.1.2.3");
    CHECK(!group_match_at(&g, NULL, &a, before, &m));
    CHECK(group_match_at(&g, NULL, &a, after, &m));
    CHECK(group_match_at(&g, NULL, &b, before, &m) && strcmp(m.entry->label, "old") == 0);
    CHECK(group_match_at(&g, NULL, &b, after, &m) && strcmp(m.entry->label, "new") == 0);
    CHECK(group_epoch(&g, NULL, before) != group_epoch(&g, NULL, after));
    CHECK(group_epoch(&g, NULL, after) == group_epoch(&g, NULL, INT64_MAX));
    /* Without a time, the latest snapshot answers. */
    CHECK(group_match(&g, NULL, &a, &m));

    /* Same day twice, or a file without a date: refused, g unchanged. */
    snprintf(spec, sizeof(spec), "net=%s@2008-05-01", p2);
    CHECK(group_parse(&h, spec, err, sizeof(err)) == 0);
    CHECK(group_merge(&g, &h, err, sizeof(err)) == -1);
    char want[1200];
    snprintf(want, sizeof(want), "group 'net': '%s' and '%s' are both snapshots of 2008-05-01", p1,
             p2);
    CHECK_STR(err, want);
    snprintf(spec, sizeof(spec), "net=%s", p2);
    CHECK(group_parse(&h, spec, err, sizeof(err)) == 0);
    CHECK(group_merge(&g, &h, err, sizeof(err)) == -1);
    snprintf(want, sizeof(want),
             "group 'net' given twice: '%s' has no date (write FILE@YYYY-MM-DD)", p2);
    CHECK_STR(err, want);
    CHECK_U64(g.snapshots.count, 2);
    CHECK(group_parse(&h, "net=AS1", err, sizeof(err)) == 0);
    CHECK(group_merge(&g, &h, err, sizeof(err)) == -1);
    CHECK_STR(err, "group 'net' given twice: only groups of prefix files can be given again, as "
                   "dated snapshots");
    group_release(&g);

    /* Bad dates and selections in the spec. */
    snprintf(spec, sizeof(spec), "x=%s@2009-02-30", p1);
    CHECK(group_parse(&g, spec, err, sizeof(err)) == -1);
    CHECK_STR(err, "group 'x': bad date '2009-02-30' (want FILE@YYYY-MM-DD)");
    snprintf(spec, sizeof(spec), "x=%s:colour=red", p1);
    CHECK(group_parse(&g, spec, err, sizeof(err)) == -1);
    CHECK_STR(err, "group 'x': selection 'colour=red': unknown key 'colour' (keys: region, "
                   "service, border, scope, tag, family)");
    CHECK(group_parse(&g, "x=@2009-01-01", err, sizeof(err)) == -1);
    CHECK_STR(err, "group 'x': no file before '@2009-01-01'");
    unlink(p1);
    unlink(p2);

    /* A provider file with a selection, dated by its own createDate. */
    CHECK(write_temp(p1, aws_text) == 0);
    snprintf(spec, sizeof(spec), "ec2=%s:service=EC2,region=eu-west-1", p1);
    CHECK(group_parse(&g, spec, err, sizeof(err)) == 0);
    CHECK_U64(prefix_set_count(g.prefixes), 2);
    CHECK(g.snapshots.v[0].day == day_of(2015, 11, 3));
    CHECK_STR(g.snapshots.v[0].format, "aws");
    CHECK_STR(g.snapshots.v[0].source, p1);
    a = ip("46.51.128.1");
    CHECK(group_match(&g, NULL, &a, &m) && strcmp(m.entry->label, "AMAZON eu-west-1 EC2") == 0);
    group_release(&g);
    unlink(p1);
}

/* ---- origin ASes ---------------------------------------------------------------------- */

static const char routing_2008[] = "; Original file : rib.20080501.0644.bz2\n"
                                   "67.202.0.0/18\t14618\n"
                                   "79.125.0.0/18\t39111\n";
static const char routing_2014[] = "; Original file : rib.20140513.0600.bz2\n"
                                   "67.202.0.0/18\t14618\n"
                                   "174.129.0.0/16\t14618\n";

static int add_routing(struct snapshot_series *s, const char *text, char path[512])
{
    char err[512];
    struct prefix_file_info info;
    if (write_temp(path, text) < 0)
        return -1;
    struct prefix_set *set = prefix_set_new();
    if (prefix_set_load_pfx2as_info(set, path, &info, err, sizeof(err)) < 0) {
        prefix_set_free(set);
        return -1;
    }
    return snapshot_series_add(s, set, path, info.format, info.day, err, sizeof(err));
}

static void test_origin(void)
{
    struct snapshot_series routing;
    char p1[512], p2[512], err[512];
    snapshot_series_init(&routing);
    CHECK(add_routing(&routing, routing_2014, p2) == 0);
    CHECK(add_routing(&routing, routing_2008, p1) == 0);
    struct origin_sources src = {&routing, NULL, NULL};
    struct origin o;
    struct ip_addr a = ip("174.129.5.5");
    int64_t in2009 = day_of(2009, 3, 1) * 86400, in2014 = day_of(2014, 5, 13) * 86400;
    CHECK(!origin_lookup(&src, &a, in2009, &o));
    CHECK(o.asn == 0 && o.entry == NULL && strcmp(o.name, "") == 0);
    CHECK(origin_lookup(&src, &a, in2014, &o));
    CHECK_U64(o.asn, 14618);
    CHECK_STR(o.source, p2);
    CHECK(o.day == day_of(2014, 5, 13));
    a = ip("79.125.1.1");
    CHECK(origin_lookup(&src, &a, 0, &o) && o.asn == 39111); /* before any: the first */
    CHECK(!origin_lookup(&src, &a, in2014, &o));

    /* AS groups follow the snapshot in force. */
    struct group g;
    CHECK(group_parse(&g, "amazon=AS14618", err, sizeof(err)) == 0);
    CHECK(group_dated(&g, &src));
    a = ip("174.129.5.5");
    CHECK(!group_match_at(&g, &src, &a, in2009, NULL));
    CHECK(group_match_at(&g, &src, &a, in2014, NULL));
    CHECK(group_epoch(&g, &src, in2009) != group_epoch(&g, &src, in2014));
    group_release(&g);

    /* Names: --asnames first, else the mmdb's organisation for the same AS. */
    char names_path[512];
    CHECK(write_temp(names_path, "14618 AMAZON-AES\n") == 0);
    struct as_names *names = as_names_load(names_path, err, sizeof(err));
    unlink(names_path);
    src.names = names;
    CHECK(origin_lookup(&src, &a, in2014, &o));
    CHECK_STR(o.name, "AMAZON-AES");
    as_names_free(names);
    src.names = NULL;

    char buf[512];
    const char *db_path = shared_file(buf, "prefixes/GeoLite2-ASN-Test.mmdb");
    if (db_path) {
        src.mmdb = mmdb_source_open(db_path, err, sizeof(err));
        CHECK(src.mmdb != NULL);
        /* No route: the mmdb answers, with its organisation. */
        a = ip("1.128.0.1");
        CHECK(origin_lookup(&src, &a, in2014, &o));
        CHECK_U64(o.asn, 1221);
        CHECK_STR(o.name, "Telstra Pty Ltd");
        CHECK_STR(o.source, db_path);
        struct group t;
        CHECK(group_parse(&t, "telstra=AS1221", err, sizeof(err)) == 0);
        CHECK(group_match_at(&t, &src, &a, in2014, NULL));
        group_release(&t);
        mmdb_source_free(src.mmdb);
    }
    snapshot_series_release(&routing);
    unlink(p1);
    unlink(p2);
}

/* The real tables: 174.129.0.0/16 is not routed in 2008, AS14618's in 2014. */
static void test_origin_shared(void)
{
    char b1[512], b2[512], err[1024];
    const char *p2008 = shared_file(b1, "routing/ipasn_20080501_v12.dat.gz");
    const char *p2014 = shared_file(b2, "routing/ipasn_20140513.dat.gz");
    if (!p2008 || !p2014) {
        SKIP("../shared/data/routing absent");
        return;
    }
    struct snapshot_series routing;
    snapshot_series_init(&routing);
    const char *paths[2] = {p2008, p2014};
    for (int i = 0; i < 2; i++) {
        struct prefix_set *set = prefix_set_new();
        struct prefix_file_info info;
        CHECK(prefix_set_load_pfx2as_info(set, paths[i], &info, err, sizeof(err)) == 0);
        CHECK(snapshot_series_add(&routing, set, paths[i], info.format, info.day, err,
                                  sizeof(err)) == 0);
    }
    struct origin_sources src = {&routing, NULL, NULL};
    struct origin o;
    struct ip_addr a = ip("174.129.5.5");
    CHECK(!origin_lookup(&src, &a, day_of(2009, 12, 1) * 86400, &o));
    CHECK(!origin_lookup(&src, &a, day_of(2014, 5, 12) * 86400, &o));
    CHECK(origin_lookup(&src, &a, day_of(2014, 5, 13) * 86400, &o) && o.asn == 14618);
    a = ip("79.125.1.1");
    CHECK(origin_lookup(&src, &a, day_of(2009, 1, 1) * 86400, &o) && o.asn == 39111);
    snapshot_series_release(&routing);
}

int main(void)
{
    RUN(test_selection_syntax);
    RUN(test_aws_labels);
    RUN(test_aws_selection);
    RUN(test_gcp_azure);
    RUN(test_provider_errors);
    RUN(test_list_unchanged);
    RUN(test_shared_aws);
    RUN(test_shared_gcp_azure);
    RUN(test_mmdb_source_json);
    RUN(test_mmdb_isp);
    RUN(test_mmdb_errors);
    RUN(test_asnames);
    RUN(test_series);
    RUN(test_pfx2as_dates);
    RUN(test_group_dated);
    RUN(test_origin);
    RUN(test_origin_shared);
    CHECK_EXIT();
}
