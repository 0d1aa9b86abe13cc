/*
 * Dispatch to the renderers: the format by its name, and a report rendered
 * in it with the escaping rules of --mask and --anonymize in force. Kept
 * apart from format.c, whose helpers the renderers call.
 */
#include <stdio.h>
#include <string.h>

#include "report_int.h"

int report_format_parse(const char *name, enum report_format *format)
{
    static const char *const names[] = {"text", "json", "csv", "html"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(name, names[i]) == 0) {
            *format = (enum report_format)i;
            return 0;
        }
    return -1;
}

static int render_format(const struct report *report, enum report_format format, FILE *out)
{
    switch (format) {
    case REPORT_JSON:
        return render_json(report, out);
    case REPORT_CSV:
        return render_csv(report, out);
    case REPORT_HTML:
        return render_html(report, out);
    default:
        return render_text(report, out);
    }
}

int report_render(const struct report *report, enum report_format format, FILE *out)
{
    /* Where the view hides the sensor, every foreign string the renderers
     * escape is redacted on its way out, whichever table or header it lands in. */
    escape_redact_sensors(report->shown.redact);
    escape_anonymize(report->options.anonymizer);
    int ret = render_format(report, format, out);
    escape_anonymize(NULL);
    escape_redact_sensors(NULL);
    return ret;
}
