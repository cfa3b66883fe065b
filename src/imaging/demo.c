/* SPDX-License-Identifier: Apache-2.0 */
/* The demo region's images: studies of demo patients at みなみ総合病院 (CT of 鈴木 正雄, whose
 * name the files carry in ISO 2022 IR 87; MR of 佐藤 一郎; chest X-ray (CR) of 高橋 悦子), made
 * from pydicom's sample files with new UIDs by scripts/gen_demo_dicom.py and embedded in the
 * program (the .dcm files of src/imaging/demo/). They are stored as the hospital's PACS would send
 * them, through imaging_store_instance, and link through the hospital's local ids. The demo also
 * registers the AE titles of the two hospitals, so that a modality simulator (storescu) can send
 * to `tsunagu serve --dicom-port`. */
#include <stdio.h>
#include <string.h>

#include "core/embedded.h"
#include "demo/demo.h"
#include "demo/demo_clinical.h"
#include "imaging_int.h"
#include "scp.h"

extern const struct embedded_file imaging_demo_files[];
extern const int imaging_demo_files_count;

static const struct {
    const char *aet, *org_code, *description;
} demo_aes[] = {
    {"MINAMI-GH", "minami-gh", "みなみ総合病院 PACS"},
    {"MINAMI-UH", "minami-uh", "みなみ大学附属医療センター PACS"},
};

static bool register_aes(struct error *err, struct op *op)
{
    for (size_t i = 0; i < sizeof demo_aes / sizeof demo_aes[0]; i++) {
        char org[UUID_STR_LEN];
        bool added;
        demo_clinical_uuid(org, "org", demo_aes[i].org_code);
        struct imaging_ae ae = {demo_aes[i].aet, org, demo_aes[i].description, ""};
        if (!imaging_ae_insert(err, op->conn, &ae, op->now_ms, &added))
            return false;
    }
    return true;
}

bool imaging_demo_load(struct error *err, struct op *op)
{
    if (!register_aes(err, op))
        return false;
    demo_act(op, "cli", "minami-gh", op->now_ms);
    snprintf(op->principal.login, sizeof op->principal.login, "dicom:%s", demo_aes[0].aet);
    for (int i = 0; i < imaging_demo_files_count; i++) {
        const struct embedded_file *f = &imaging_demo_files[i];
        struct imaging_stored out = {0};
        if (!imaging_store_instance(err, op, f->data, f->len, &out))
            return err->code != ERR_NONE ? false
                                         : error_set(err, ERR_INTERNAL, "demo image %s refused: %s",
                                                     f->name, out.reason ? out.reason : "?");
        if (out.outcome != IMAGING_STORED || out.waiting)
            return error_set(err, ERR_INTERNAL, "demo image %s did not link to its patient",
                             f->name);
    }
    return true;
}
