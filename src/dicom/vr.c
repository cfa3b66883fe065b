/* SPDX-License-Identifier: Apache-2.0 */
/* Value representations (PS3.5 §6.2). */
#include "dicom_int.h"

#include <string.h>

static const char VR_NAMES[] =
    "AEASATCSDADSDTFDFLISLOLTOBODOFOLOVOWPNSHSLSQSSSTSVTMUCUIULUNURUSUTUV";

const char *dicom_vr_name(enum dicom_vr vr)
{
    for (size_t i = 0; i + 1 < sizeof(VR_NAMES); i += 2)
        if (DICOM_VR_CODE(VR_NAMES[i], VR_NAMES[i + 1]) == (unsigned)vr) {
            static const char *const names[] = {
                "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT",
                "OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST",
                "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV"};
            return names[i / 2];
        }
    return "";
}

enum dicom_vr dicom_vr_from_chars(char a, char b)
{
    /* called for every explicit VR element: a switch the compiler turns into a table */
    switch (DICOM_VR_CODE((unsigned char)a, (unsigned char)b)) {
    case DICOM_VR_AE:
    case DICOM_VR_AS:
    case DICOM_VR_AT:
    case DICOM_VR_CS:
    case DICOM_VR_DA:
    case DICOM_VR_DS:
    case DICOM_VR_DT:
    case DICOM_VR_FD:
    case DICOM_VR_FL:
    case DICOM_VR_IS:
    case DICOM_VR_LO:
    case DICOM_VR_LT:
    case DICOM_VR_OB:
    case DICOM_VR_OD:
    case DICOM_VR_OF:
    case DICOM_VR_OL:
    case DICOM_VR_OV:
    case DICOM_VR_OW:
    case DICOM_VR_PN:
    case DICOM_VR_SH:
    case DICOM_VR_SL:
    case DICOM_VR_SQ:
    case DICOM_VR_SS:
    case DICOM_VR_ST:
    case DICOM_VR_SV:
    case DICOM_VR_TM:
    case DICOM_VR_UC:
    case DICOM_VR_UI:
    case DICOM_VR_UL:
    case DICOM_VR_UN:
    case DICOM_VR_UR:
    case DICOM_VR_US:
    case DICOM_VR_UT:
    case DICOM_VR_UV:
        return (enum dicom_vr)DICOM_VR_CODE((unsigned char)a, (unsigned char)b);
    default:
        return DICOM_VR_NONE;
    }
}

bool dicom_vr_is_string(enum dicom_vr vr)
{
    switch (vr) {
    case DICOM_VR_AE:
    case DICOM_VR_AS:
    case DICOM_VR_CS:
    case DICOM_VR_DA:
    case DICOM_VR_DS:
    case DICOM_VR_DT:
    case DICOM_VR_IS:
    case DICOM_VR_LO:
    case DICOM_VR_LT:
    case DICOM_VR_PN:
    case DICOM_VR_SH:
    case DICOM_VR_ST:
    case DICOM_VR_TM:
    case DICOM_VR_UC:
    case DICOM_VR_UI:
    case DICOM_VR_UR:
    case DICOM_VR_UT:
        return true;
    default:
        return false;
    }
}

bool dicom_vr_is_binary(enum dicom_vr vr)
{
    switch (vr) {
    case DICOM_VR_OB:
    case DICOM_VR_OD:
    case DICOM_VR_OF:
    case DICOM_VR_OL:
    case DICOM_VR_OV:
    case DICOM_VR_OW:
    case DICOM_VR_UN:
        return true;
    default:
        return false;
    }
}

/* VRs whose explicit encoding has 2 reserved bytes and a 32-bit length (PS3.5 §7.1.2). */
bool dicom_vr_long_length(enum dicom_vr vr)
{
    switch (vr) {
    case DICOM_VR_OB:
    case DICOM_VR_OD:
    case DICOM_VR_OF:
    case DICOM_VR_OL:
    case DICOM_VR_OV:
    case DICOM_VR_OW:
    case DICOM_VR_SQ:
    case DICOM_VR_SV:
    case DICOM_VR_UC:
    case DICOM_VR_UN:
    case DICOM_VR_UR:
    case DICOM_VR_UT:
    case DICOM_VR_UV:
        return true;
    default:
        return false;
    }
}
