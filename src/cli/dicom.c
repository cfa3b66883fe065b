/* SPDX-License-Identifier: Apache-2.0 */
/* `tsunagu dicom dump FILE [--bulk-threshold N]`: a DICOM file as the DICOM JSON model. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "dicom/dicom.h"

static bool read_file(const char *path, uint8_t **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_error("dicom dump: cannot open %s: %s", path, strerror(errno));
        return false;
    }
    struct strbuf sb = {0};
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_append(&sb, buf, n);
    bool ok = !ferror(f);
    fclose(f);
    if (!ok) {
        cli_error("dicom dump: cannot read %s", path);
        strbuf_release(&sb);
        return false;
    }
    *len = sb.len;
    *data = (uint8_t *)strbuf_steal(&sb);
    return true;
}

/* The BulkDataURI of the dump: the file and the value's byte range in it. */
static bool bulk_uri(void *ctx, const struct dicom_dataset *ds, const struct dicom_element *el,
                     struct strbuf *uri)
{
    strbuf_printf(uri, "%s?offset=%zu&length=%zu", (const char *)ctx, el->value_offset,
                  el->value_length);
    return true;
}

static int dump(int argc, char **argv)
{
    const char *threshold = NULL;
    bool help = false;
    const struct cli_option options[] = {
        {"bulk-threshold", NULL, &threshold, NULL,
         "binary values longer than N bytes as BulkDataURI (default: all inline)"},
        {"help", NULL, NULL, &help, "this text"},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const char *path = argc > 0 && strncmp(argv[0], "--", 2) != 0 ? argv[0] : NULL;
    if (!cli_parse("dicom dump", path ? argc - 1 : argc, path ? argv + 1 : argv, options))
        return CLI_USAGE;
    if (help || !path) {
        printf("usage: tsunagu dicom dump FILE [--bulk-threshold N]\n");
        cli_print_options(options);
        return help ? CLI_OK : CLI_USAGE;
    }
    struct dicom_json_options jo = {0};
    if (threshold) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(threshold, &end, 10);
        if (errno || *end || !*threshold || threshold[0] == '-') {
            cli_error("dicom dump: --bulk-threshold must be a number of bytes");
            return CLI_USAGE;
        }
        jo.bulk_threshold = (size_t)n;
        jo.bulk_uri = bulk_uri;
        jo.ctx = (void *)path;
    }
    uint8_t *data;
    size_t len;
    if (!read_file(path, &data, &len))
        return CLI_FAIL;
    struct error err = {0};
    struct dicom_file *file;
    struct strbuf out = {0};
    int rc = CLI_OK;
    if (!dicom_parse(&err, data, len, NULL, &file) ||
        !dicom_to_json(&err, &file->dataset, &jo, &out)) {
        cli_error("dicom dump: %s: %s: %s", path, error_code_name(err.code), err.detail);
        rc = CLI_FAIL;
    } else {
        fwrite(out.buf, 1, out.len, stdout);
        fputc('\n', stdout);
    }
    if (rc == CLI_OK)
        dicom_free(file);
    strbuf_release(&out);
    free(data);
    return rc;
}

/* One JSON line per frame: its byte ranges in the file (the fragments' values when
 * encapsulated). Offsets of a deflated file refer to its inflated data set. */
static int frames(int argc, char **argv)
{
    if (argc != 1 || strncmp(argv[0], "--", 2) == 0) {
        fputs("usage: tsunagu dicom frames FILE\n", stderr);
        return CLI_USAGE;
    }
    uint8_t *data;
    size_t len;
    if (!read_file(argv[0], &data, &len))
        return CLI_FAIL;
    struct error err = {0};
    struct dicom_file *file;
    int rc = CLI_OK;
    if (!dicom_parse(&err, data, len, NULL, &file)) {
        cli_error("dicom frames: %s: %s: %s", argv[0], error_code_name(err.code), err.detail);
        free(data);
        return CLI_FAIL;
    }
    const struct dicom_element *px = dicom_find(&file->dataset, DICOM_TAG_PIXEL_DATA);
    for (size_t i = 0;; i++) {
        struct dicom_frame fr;
        if (!dicom_frame_locate(&err, &file->dataset, i, &fr)) {
            if (i == 0 || !strstr(err.detail, "does not exist")) {
                cli_error("dicom frames: %s: %s: %s", argv[0], error_code_name(err.code),
                          err.detail);
                rc = CLI_FAIL;
            }
            break;
        }
        printf("{\"frame\":%zu,\"ranges\":[", i + 1);
        if (!px->encapsulated)
            printf("[%zu,%zu]", fr.offset, fr.length);
        for (size_t k = 0; px->encapsulated && k < fr.fragment_count; k++) {
            const struct dicom_fragment *f = dicom_fragment_at(px, fr.first_fragment + k);
            printf("%s[%zu,%zu]", k ? "," : "", f->offset, f->length);
        }
        printf("]}\n");
    }
    dicom_free(file);
    free(data);
    return rc;
}

int cli_dicom(int argc, char **argv)
{
    if (argc > 0 && strcmp(argv[0], "dump") == 0)
        return dump(argc - 1, argv + 1);
    if (argc > 0 && strcmp(argv[0], "frames") == 0)
        return frames(argc - 1, argv + 1);
    fputs("usage: tsunagu dicom dump FILE [--bulk-threshold N]\n"
          "       tsunagu dicom frames FILE\n",
          argc > 0 ? stderr : stdout);
    return CLI_USAGE;
}
