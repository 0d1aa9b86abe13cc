/*
 * Replays fuzz inputs without libFuzzer: links with one target's
 * LLVMFuzzerTestOneInput() and runs it over every file named on the command
 * line and every regular file in the directories named (not recursively), so
 * that any compiler and any build (plain, ASan+UBSan) can check a corpus.
 * A broken invariant or a sanitizer finding aborts; otherwise it prints how
 * many inputs it ran and exits 0. Exit status 2 for unreadable arguments.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Reads a whole file into a buffer of exactly its size. */
static int run_file(const char *path, unsigned long *runs)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "replay: cannot open '%s': %s\n", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    if (!buf)
        abort();
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf)
                abort();
        }
    }
    int failed = ferror(fp);
    fclose(fp);
    if (failed) {
        fprintf(stderr, "replay: cannot read '%s'\n", path);
        free(buf);
        return -1;
    }
    /* An exact-size copy, so that a read past the input is caught. */
    uint8_t *input = malloc(n ? n : 1);
    if (!input)
        abort();
    memcpy(input, buf, n);
    free(buf);
    if (getenv("REPLAY_VERBOSE"))
        fprintf(stderr, "replay: %s\n", path);
    LLVMFuzzerTestOneInput(input, n);
    free(input);
    (*runs)++;
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs the directory's regular files in name order, so runs are repeatable. */
static int run_dir(const char *dir, unsigned long *runs)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "replay: cannot open '%s': %s\n", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t count = 0, alloc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (count == alloc) {
            alloc = alloc ? alloc * 2 : 64;
            names = realloc(names, alloc * sizeof(*names));
            if (!names)
                abort();
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        names[count] = malloc(len);
        if (!names[count])
            abort();
        snprintf(names[count], len, "%s/%s", dir, e->d_name);
        count++;
    }
    closedir(d);
    if (count)
        qsort(names, count, sizeof(*names), compare_names);
    int status = 0;
    for (size_t i = 0; i < count; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode) && run_file(names[i], runs) < 0)
            status = -1;
        free(names[i]);
    }
    free(names);
    return status;
}

int main(int argc, char **argv)
{
    unsigned long runs = 0;
    int status = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS-DIR-OR-FILE...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) < 0) {
            fprintf(stderr, "replay: cannot open '%s': %s\n", argv[i], strerror(errno));
            status = 2;
        } else if (S_ISDIR(st.st_mode) ? run_dir(argv[i], &runs) < 0
                                       : run_file(argv[i], &runs) < 0) {
            status = 2;
        }
    }
    printf("replayed %lu inputs\n", runs);
    return status;
}
