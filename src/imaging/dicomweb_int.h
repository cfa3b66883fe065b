/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_IMAGING_DICOMWEB_INT_H
#define TSUNAGU_IMAGING_DICOMWEB_INT_H

/* What QIDO-RS and WADO-RS share: content negotiation (PS3.18 §8.7) and the URLs they name. */
#include <stdbool.h>

#include "http/request.h"

/** One media range of an Accept header (RFC 9110 §12.5.1), with the parameters DICOMweb uses. */
struct dicomweb_accept {
    char type[96]; /* "application/dicom", "multipart/related", the wildcard range … lower case */
    char related_type[96];    /* multipart/related's type parameter, "" when absent */
    char transfer_syntax[80]; /* transfer-syntax parameter, "" when absent, "*" for any */
    double q;
};

enum { DICOMWEB_ACCEPT_MAX = 16 };

/** Parses req's Accept header (absent: one range the wildcard range) into out (at most
 * DICOMWEB_ACCEPT_MAX, sorted by q, highest first; ranges with q=0 dropped); returns how many. */
int dicomweb_accept_parse(struct request *req, struct dicomweb_accept *out);

/** Whether media range a admits the media type type ("image/jpeg"): equal, "image/" + wildcard or
 *  the wildcard range. */
bool dicomweb_accept_admits(const struct dicomweb_accept *a, const char *type);

/** The base of the archive's URLs: the public URL + "/dicom-web" (in the request's arena). */
const char *dicomweb_base(struct request *req);

#endif
