/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_DICOM_DIMSE_H
#define TSUNAGU_DICOM_DIMSE_H

/*
 * DIMSE command sets (PS3.7 §9.3, §E): group 0000 in implicit VR little endian. Parsing of the
 * requests an SCP receives (C-ECHO-RQ, C-STORE-RQ and any other command, to answer it), writing
 * of its responses. Bytes in, structures out.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errors.h"
#include "core/strbuf.h"

/** Command Field values (PS3.7 §E.1). */
#define DIMSE_C_STORE_RQ 0x0001
#define DIMSE_C_STORE_RSP 0x8001
#define DIMSE_C_ECHO_RQ 0x0030
#define DIMSE_C_ECHO_RSP 0x8030
/** Command Data Set Type: no data set follows (PS3.7 §E.1, any other value: one follows). */
#define DIMSE_NO_DATA_SET 0x0101

/** Status codes (PS3.7 Annex C, PS3.4 §B.2.3). */
#define DIMSE_SUCCESS 0x0000
#define DIMSE_UNRECOGNIZED_OPERATION 0x0211
#define DIMSE_OUT_OF_RESOURCES 0xA700
#define DIMSE_DATA_SET_MISMATCH 0xA900
#define DIMSE_CANNOT_UNDERSTAND 0xC000
#define DIMSE_PROCESSING_FAILURE 0x0110

/** The fields of a command set an SCP uses. */
struct dimse_command {
    uint16_t command_field;
    uint16_t message_id;
    uint16_t message_id_responded; /* responses */
    uint16_t priority;
    uint16_t data_set_type;
    uint16_t status; /* responses */
    char affected_sop_class[65];
    char affected_sop_instance[65];
    char move_originator_ae[17];
    uint16_t move_originator_id;
    bool has_move_originator;
};

/**
 * Parses a command set (implicit VR LE, group 0000 only, ascending tags, every length checked;
 * the group length, if present, must match). Needs Command Field and Command Data Set Type; a
 * C-STORE-RQ also needs Message ID and the affected SOP class and instance UIDs.
 */
bool dimse_command_parse(struct error *err, const uint8_t *data, size_t len,
                         struct dimse_command *out);

/** Appends the command set of a response (C-ECHO-RSP or C-STORE-RSP) to request rq with status:
 *  group length, affected SOP class (and instance, for C-STORE), command field, message id
 *  being responded to, no data set, status. An error_comment (0000,0902; at most 64 bytes kept)
 *  is added to a failure status when not NULL. */
void dimse_response_write(const struct dimse_command *rq, uint16_t status,
                          const char *error_comment, struct strbuf *out);

/** What dimse_part10_wrap writes in the File Meta (PS3.10 §7.1). */
struct dimse_part10_meta {
    const char *transfer_syntax; /* the accepted presentation context's */
    const char *sop_class_uid;   /* Affected SOP Class/Instance UID of the C-STORE-RQ */
    const char *sop_instance_uid;
    const char *implementation_class_uid;
    const char *implementation_version; /* at most 16 characters */
    const char *source_ae;              /* (0002,0016) the calling AE title, or NULL */
};

/**
 * Appends a Part 10 file: preamble, "DICM", the File Meta Information (group length, version,
 * media storage SOP class and instance, transfer syntax, implementation class and version,
 * source AE) and then the received data set bytes unchanged. The data set is not parsed here:
 * whoever stores the file parses it once.
 */
void dimse_part10_wrap(const struct dimse_part10_meta *meta, const uint8_t *dataset, size_t len,
                       struct strbuf *out);

#endif
