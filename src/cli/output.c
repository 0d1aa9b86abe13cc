/*
 * Where a verb's results go: stdout, or -o FILE written whole or not at all.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* The temporary file being written, for the signal handler. */
static char partial_path[4096];

static void remove_partial(int sig)
{
    if (partial_path[0])
        unlink(partial_path);
    signal(sig, SIG_DFL);
    raise(sig);
}

int output_open(struct output *out, const char *path)
{
    memset(out, 0, sizeof(*out));
    out->path = path;
    out->fp = stdout;
    if (!path)
        return 0;
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* A device or a pipe (-o /dev/stdout) is written as it is. */
        out->fp = fopen(path, "w");
        if (!out->fp)
            return error("cannot open '%s' for writing: %s", path, strerror(errno));
        return 0;
    }
    int n = snprintf(partial_path, sizeof(partial_path), "%s.partial-XXXXXX", path);
    int fd = n > 0 && (size_t)n < sizeof(partial_path) ? mkstemp(partial_path) : -1;
    if (fd < 0 || !(out->fp = fdopen(fd, "w"))) {
        int saved = errno;
        if (fd >= 0) {
            close(fd);
            unlink(partial_path);
        }
        partial_path[0] = '\0';
        out->fp = NULL;
        return error("cannot open '%s' for writing: %s", path, strerror(saved));
    }
    out->replacing = true;
    signal(SIGINT, remove_partial);
    signal(SIGTERM, remove_partial);
    return 0;
}

int output_close(struct output *out, bool ok)
{
    if (!out->fp)
        return -1;
    if (fflush(out->fp) != 0)
        ok = false;
    if (out->fp != stdout && fclose(out->fp) != 0)
        ok = false;
    out->fp = NULL;
    if (out->replacing) {
        /* The umask decides, as for a file fopen() makes. */
        mode_t mask = umask(0);
        umask(mask);
        if (ok && (chmod(partial_path, 0666 & ~mask) != 0 || rename(partial_path, out->path) != 0))
            ok = false;
        if (!ok)
            unlink(partial_path);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        partial_path[0] = '\0';
    }
    return ok ? 0 : -1;
}
