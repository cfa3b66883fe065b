/* SPDX-License-Identifier: Apache-2.0 */
/* The DICOMDIR of a CD (PS3.10 §7.2, PS3.3 F.3.2.2): which files of the archive it lists. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dicom/dicom.h"
#include "import_int.h"

#define TAG_DIRECTORY_RECORD_SEQUENCE DICOM_TAG(0x0004, 0x1220)
#define TAG_REFERENCED_FILE_ID DICOM_TAG(0x0004, 0x1500)

/* Folder depth of a path: its number of separators. */
static size_t depth(const char *name)
{
    size_t n = 0;
    for (const char *p = name; *p; p++)
        n += *p == '/' || *p == '\\';
    return n;
}

static const char *base_name(const char *name)
{
    const char *base = name;
    for (const char *p = name; *p; p++)
        if ((*p == '/' || *p == '\\') && p[1])
            base = p + 1;
    return base;
}

size_t dicomdir_find(const struct zip_listing *listing)
{
    size_t found = SIZE_MAX;
    for (size_t i = 0; i < listing->count; i++) {
        const struct zip_entry *z = &listing->entries[i];
        if (z->directory || z->refusal != ERR_NONE || strcasecmp(base_name(z->name), "DICOMDIR"))
            continue;
        if (found == SIZE_MAX || depth(z->name) < depth(listing->entries[found].name))
            found = i;
    }
    return found;
}

/* The path as compared: '\' as '/', no leading "./", no trailing '/'. */
static char *normalised(struct arena *arena, const char *path)
{
    while (path[0] == '.' && (path[1] == '/' || path[1] == '\\'))
        path += 2;
    char *copy = arena_strdup(arena, path);
    for (char *p = copy; *p; p++)
        if (*p == '\\')
            *p = '/';
    size_t n = strlen(copy);
    while (n && copy[n - 1] == '/')
        copy[--n] = '\0';
    return copy;
}

/* The ReferencedFileID's components joined by '/', or NULL when one of them could leave the
 * folder of the DICOMDIR (PS3.10 §8.5: components are 1-8 characters of the CS repertoire). */
static const char *file_id_path(struct arena *arena, const char *value, bool *outside)
{
    *outside = false;
    char *path = arena_strdup(arena, value);
    for (char *p = path; *p; p++)
        if (*p == '\\')
            *p = '/';
    for (const char *c = path;;) {
        size_t n = strcspn(c, "/");
        if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.') ||
            memchr(c, ':', n))
            *outside = true;
        if (!c[n])
            break;
        c += n + 1;
    }
    return path;
}

/* What a record is matched against: the entries' normalised names and the DICOMDIR's folder. */
struct dir_index {
    const struct zip_listing *listing;
    const char **names;
    const char *dir;
};

static size_t find_entry(struct arena *arena, const struct dir_index *x, const char *path)
{
    const char *wanted = x->dir[0] ? arena_printf(arena, "%s/%s", x->dir, path) : path;
    for (size_t i = 0; i < x->listing->count; i++)
        if (!x->listing->entries[i].directory && !strcasecmp(x->names[i], wanted))
            return i;
    return SIZE_MAX;
}

static void add_problem(struct arena *arena, struct dicomdir_plan *plan, size_t *cap,
                        const char *file_id, enum error_code code)
{
    if (plan->problem_count == *cap) {
        size_t next = *cap ? *cap * 2 : 16;
        struct dicomdir_problem *bigger = arena_alloc(arena, next * sizeof *bigger);
        if (plan->problem_count)
            memcpy(bigger, plan->problems, plan->problem_count * sizeof *bigger);
        plan->problems = bigger;
        *cap = next;
    }
    plan->problems[plan->problem_count++] = (struct dicomdir_problem){file_id, code};
}

/* One directory record: the file it references, if any. */
static void plan_record(struct arena *arena, const struct dicom_dataset *record,
                        const struct dir_index *x, struct dicomdir_plan *plan, size_t *cap)
{
    char *value = dicom_get_string(record, TAG_REFERENCED_FILE_ID, DICOM_ALL_VALUES);
    if (!value)
        return; /* a PATIENT, STUDY or SERIES record: no file of its own */
    bool outside;
    const char *path = file_id_path(arena, value, &outside);
    free(value);
    if (outside || zip_name_escapes(path)) {
        add_problem(arena, plan, cap, path, ERR_IMAGING_ENTRY_OUTSIDE);
        return;
    }
    size_t i = find_entry(arena, x, path);
    if (i == SIZE_MAX || x->listing->entries[i].refusal != ERR_NONE)
        add_problem(arena, plan, cap, path, ERR_IMAGING_DICOMDIR_MISSING_FILE);
    else
        plan->listed[i] = true;
}

bool dicomdir_read(struct error *err, struct arena *arena, const uint8_t *data, size_t len,
                   const struct zip_listing *listing, size_t dicomdir_index,
                   struct dicomdir_plan *plan)
{
    *plan = (struct dicomdir_plan){0};
    struct dicom_file *file = NULL;
    struct error parse = {0};
    if (!dicom_parse(&parse, data, len, NULL, &file))
        return error_set(err, ERR_IMAGING_DICOMDIR_INVALID, "%s", parse.detail);
    const struct dicom_element *seq = dicom_find(&file->dataset, TAG_DIRECTORY_RECORD_SEQUENCE);
    if (!seq || seq->vr != DICOM_VR_SQ) {
        dicom_free(file);
        return error_set(err, ERR_IMAGING_DICOMDIR_INVALID, "no Directory Record Sequence");
    }
    plan->listed = arena_alloc(arena, listing->count * sizeof *plan->listed);
    memset(plan->listed, 0, listing->count * sizeof *plan->listed);
    char *dir = normalised(arena, listing->entries[dicomdir_index].name);
    *(char *)base_name(dir) = '\0'; /* the folder of the DICOMDIR, with its trailing '/' */
    struct dir_index x = {listing, arena_alloc(arena, listing->count * sizeof(char *)),
                          normalised(arena, dir)};
    for (size_t i = 0; i < listing->count; i++)
        x.names[i] = normalised(arena, listing->entries[i].name);
    size_t cap = 0;
    for (size_t i = 0; i < dicom_item_count(seq); i++)
        plan_record(arena, dicom_item_at(seq, i), &x, plan, &cap);
    dicom_free(file);
    return true;
}
