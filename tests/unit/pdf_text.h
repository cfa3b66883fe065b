/* SPDX-License-Identifier: Apache-2.0 */
/* For the unit tests of a PDF (the referral letter, the nursing report): its text as pdftotext
 * (poppler-utils, a reader we did not write) reads it. Include after cmocka.h, in one test file
 * per program. */
#ifndef TSUNAGU_TESTS_UNIT_PDF_TEXT_H
#define TSUNAGU_TESTS_UNIT_PDF_TEXT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PDFTOTEXT "/usr/bin/pdftotext"

/* Drops white space (ASCII, U+3000, line breaks): pdftotext puts spaces only where it sees a
 * wide enough gap and breaks lines between blocks. */
static void squeeze(char *s)
{
    char *out = s;
    while (*s) {
        if (*s == ' ' || *s == '\n' || *s == '\f')
            s++;
        else if (strncmp(s, "\u3000", 3) == 0)
            s += 3;
        else
            *out++ = *s++;
    }
    *out = '\0';
}

/* The text of a PDF as pdftotext sees it, without spaces (malloc'd), and its page count. Fails
 * the test when pdftotext is absent (scripts/deps.sh test installs poppler-utils). */
static char *pdf_text(const unsigned char *pdf, size_t len, int *pages)
{
    if (access(PDFTOTEXT, X_OK) != 0)
        fail_msg("%s is missing: run scripts/deps.sh test (poppler-utils)", PDFTOTEXT);
    char path[] = "/tmp/tsunagu-pdf-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, pdf, len), (ssize_t)len);
    close(fd);
    char cmd[128];
    snprintf(cmd, sizeof cmd, PDFTOTEXT " -enc UTF-8 %s - 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, n = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    for (size_t got; (got = fread(out + n, 1, cap - n - 1, p)) > 0;) {
        n += got;
        if (cap - n < 4096) {
            cap *= 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
    }
    out[n] = '\0';
    assert_int_equal(pclose(p), 0);
    if (getenv("TSUNAGU_KEEP_PDF")) /* to look at the pages: pdftoppm -png <path> page */
        fprintf(stderr, "kept %s\n", path);
    else
        unlink(path);
    *pages = 0;
    for (const char *c = out; *c; c++)
        *pages += *c == '\f'; /* pdftotext ends every page with a form feed */
    squeeze(out);
    return out;
}

/* Fails unless the text has s (compared without spaces). */
static void assert_has(const char *text, const char *s)
{
    char *want = strdup(s);
    assert_non_null(want);
    squeeze(want);
    if (!strstr(text, want))
        fail_msg("pdftotext output lacks \"%s\"", s);
    free(want);
}

#endif
