/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the pixel and render tests: pydicom's sample files (python3-pydicom) parsed with our
 * parser, and dcmtk's decompressors (dcmdrle, dcmdjpeg, dcmdjpls) as outside oracles. Include
 * after cmocka.h. */
#ifndef TSUNAGU_TEST_PIXELS_FIXTURE_H
#define TSUNAGU_TEST_PIXELS_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dicom/dicom.h"
#include "dicom/pixels.h"

#define PYDICOM_FILES "/usr/lib/python3/dist-packages/pydicom/data/test_files"

struct sample {
    uint8_t *bytes;
    size_t length;
    struct dicom_file *file;
    struct dicom_image img;
};

static __attribute__((unused)) uint8_t *read_whole(const char *path, size_t *length)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(size > 0 ? (size_t)size : 1);
    if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *length = (size_t)size;
    return buf;
}

/* Parses the bytes of s and reads its image; asserts both succeed. */
static __attribute__((unused)) void sample_parse(struct sample *s, const char *what)
{
    struct error err = {0};
    if (!dicom_parse(&err, s->bytes, s->length, NULL, &s->file))
        fail_msg("%s: parse: %s", what, err.detail);
    if (!dicom_image_read(&err, &s->file->dataset, &s->img))
        fail_msg("%s: image: %s", what, err.detail);
}

static __attribute__((unused)) void sample_open_path(struct sample *s, const char *path)
{
    memset(s, 0, sizeof *s);
    s->bytes = read_whole(path, &s->length);
    if (!s->bytes)
        fail_msg("cannot read %s", path);
    sample_parse(s, path);
}

/* A file of pydicom's test_files. */
static __attribute__((unused)) void sample_open(struct sample *s, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", PYDICOM_FILES, name);
    sample_open_path(s, path);
}

static __attribute__((unused)) void sample_close(struct sample *s)
{
    dicom_image_clear(&s->img);
    dicom_free(s->file);
    free(s->bytes);
    memset(s, 0, sizeof *s);
}

/* Runs a dcmtk tool on a pydicom sample into a temporary file and opens the result. */
static __attribute__((unused)) void sample_open_dcmtk(struct sample *s, const char *tool,
                                                      const char *options, const char *name)
{
    char dir[] = "/tmp/tsunagu-pixels-XXXXXX";
    if (!mkdtemp(dir))
        fail_msg("mkdtemp");
    char out[600], cmd[1600];
    snprintf(out, sizeof out, "%s/out.dcm", dir);
    snprintf(cmd, sizeof cmd, "%s %s '%s/%s' '%s' 2>/dev/null", tool, options, PYDICOM_FILES, name,
             out);
    if (system(cmd) != 0)
        fail_msg("%s failed", cmd);
    sample_open_path(s, out);
    unlink(out);
    rmdir(dir);
}

/* Runs a pydicom script with $PYDICOM and $OUT set and opens $OUT. */
static __attribute__((unused)) void sample_make(struct sample *s, const char *python)
{
    char dir[] = "/tmp/tsunagu-luts-XXXXXX";
    if (!mkdtemp(dir))
        fail_msg("mkdtemp");
    char script[600], out[600], cmd[2000];
    snprintf(script, sizeof script, "%s/make.py", dir);
    snprintf(out, sizeof out, "%s/out.dcm", dir);
    FILE *f = fopen(script, "w");
    assert_non_null(f);
    fprintf(f,
            "import os, pydicom\nfrom pydicom.dataset import Dataset\n"
            "from pydicom.sequence import Sequence\n"
            "T = os.environ['PYDICOM']\nOUT = os.environ['OUT']\n%s\n",
            python);
    fclose(f);
    setenv("PYDICOM", PYDICOM_FILES, 1);
    setenv("OUT", out, 1);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s'", script);
    if (system(cmd) != 0)
        fail_msg("the pydicom script failed:\n%s", python);
    sample_open_path(s, out);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static __attribute__((unused)) void decode_ok(const struct sample *s, uint32_t frame,
                                              struct dicom_pixels *px)
{
    struct error err = {0};
    if (!dicom_image_decode(&err, &s->img, frame, px))
        fail_msg("decode frame %u: %s", frame, err.detail);
}

/* The largest difference between two decoded frames of the same shape (asserted). */
static __attribute__((unused)) int64_t max_difference(const struct dicom_pixels *a,
                                                      const struct dicom_pixels *b)
{
    assert_int_equal(a->rows, b->rows);
    assert_int_equal(a->columns, b->columns);
    assert_int_equal(a->samples, b->samples);
    size_t n = (size_t)a->rows * a->columns * a->samples;
    int64_t worst = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t d = dicom_pixels_value(a, i) - dicom_pixels_value(b, i);
        d = d < 0 ? -d : d;
        worst = d > worst ? d : worst;
    }
    return worst;
}

#endif
