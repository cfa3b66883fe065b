/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_DICOM_UL_H
#define TSUNAGU_DICOM_UL_H

/*
 * The DICOM upper layer protocol (PS3.8 §9): parsing and writing the PDUs an SCP sees and sends.
 * Bytes in, structures out: no sockets, no store. Every length field is checked against the
 * bytes that hold it before use; anything malformed is ERR_DICOM_INVALID with a detail naming
 * the byte offset in the PDU body and the item.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errors.h"
#include "core/strbuf.h"

/** PDU types (PS3.8 §9.3.1, Table 9-11). */
enum ul_pdu_type {
    UL_PDU_ASSOCIATE_RQ = 0x01,
    UL_PDU_ASSOCIATE_AC = 0x02,
    UL_PDU_ASSOCIATE_RJ = 0x03,
    UL_PDU_P_DATA_TF = 0x04,
    UL_PDU_RELEASE_RQ = 0x05,
    UL_PDU_RELEASE_RP = 0x06,
    UL_PDU_ABORT = 0x07,
};

/** Bytes of a PDU header: type, reserved, 32-bit big-endian length. */
#define UL_PDU_HEADER_LENGTH 6
/** Presentation context ids are odd numbers 1..255 (PS3.8 §9.3.2.2). */
#define UL_MAX_CONTEXTS 128
/** Transfer syntaxes kept per proposed context; further ones are ignored. */
#define UL_MAX_TRANSFER_SYNTAXES 16
/** The DICOM application context name (PS3.7 Annex A.2.1). */
#define UL_APPLICATION_CONTEXT "1.2.840.10008.3.1.1.1"

/** Presentation context results (PS3.8 §9.3.3.2). */
enum ul_context_result {
    UL_CONTEXT_ACCEPTED = 0,
    UL_CONTEXT_USER_REJECTED = 1,
    UL_CONTEXT_NO_REASON = 2,
    UL_CONTEXT_ABSTRACT_SYNTAX_NOT_SUPPORTED = 3,
    UL_CONTEXT_TRANSFER_SYNTAXES_NOT_SUPPORTED = 4,
};

/** One presentation context: as proposed (RQ), and the answer (AC). */
struct ul_context {
    uint8_t id;
    char abstract_syntax[65];
    char transfer_syntaxes[UL_MAX_TRANSFER_SYNTAXES][65];
    int transfer_syntax_count;
    /* the answer, filled by the SCP before ul_associate_ac_write */
    enum ul_context_result result;
    char accepted_transfer_syntax[65];
};

/** An A-ASSOCIATE-RQ as parsed, and (the SCP filling the results) the AC written from it. */
struct ul_associate {
    uint16_t protocol_version;
    char called_ae[17];  /* trailing spaces removed */
    char calling_ae[17]; /* trailing spaces removed */
    char application_context[65];
    struct ul_context contexts[UL_MAX_CONTEXTS];
    int context_count;
    uint32_t max_pdu_length; /* the requestor's receive limit (0: none) */
    char implementation_class_uid[65];
    char implementation_version[17];
};

/**
 * Checks a PDU header (6 bytes): a known type, reserved byte ignored, and a body length of at
 * most max_length (and at least the fixed part of its type). Sets *type and *length.
 */
bool ul_pdu_header_parse(struct error *err, const uint8_t header[UL_PDU_HEADER_LENGTH],
                         uint32_t max_length, enum ul_pdu_type *type, uint32_t *length);

/**
 * Parses the body (after the 6-byte header) of an A-ASSOCIATE-RQ (PS3.8 §9.3.2): AE titles, the
 * application context, the presentation contexts (each one abstract syntax and at least one
 * transfer syntax; ids odd and unique) and the user information (maximum length, implementation
 * class UID and version; other sub-items skipped). Every item's length is checked.
 */
bool ul_associate_rq_parse(struct error *err, const uint8_t *body, size_t len,
                           struct ul_associate *out);

/** Appends a whole A-ASSOCIATE-AC PDU answering rq (its contexts' results filled in) that
 *  announces max_pdu_length as this side's receive limit. */
void ul_associate_ac_write(const struct ul_associate *rq, uint32_t max_pdu_length,
                           const char *implementation_class_uid, const char *implementation_version,
                           struct strbuf *out);

/** A-ASSOCIATE-RJ result, source and reason (PS3.8 §9.3.4). */
#define UL_RJ_PERMANENT 1
#define UL_RJ_TRANSIENT 2
#define UL_RJ_SOURCE_USER 1
#define UL_RJ_SOURCE_ACSE 2
#define UL_RJ_SOURCE_PRESENTATION 3
#define UL_RJ_NO_REASON 1
#define UL_RJ_APPLICATION_CONTEXT 2
#define UL_RJ_CALLING_AE 3
#define UL_RJ_CALLED_AE 7
#define UL_RJ_PROTOCOL_VERSION 2 /* source ACSE */
#define UL_RJ_CONGESTION 2       /* source presentation, transient */

/** Writes the 10 bytes of an A-ASSOCIATE-RJ PDU. */
void ul_associate_rj_write(uint8_t out[10], uint8_t result, uint8_t source, uint8_t reason);
/** Writes the 10 bytes of an A-RELEASE-RP PDU. */
void ul_release_rp_write(uint8_t out[10]);
/** Writes the 10 bytes of an A-ABORT PDU (source 0: service user, 2: provider). */
void ul_abort_write(uint8_t out[10], uint8_t source, uint8_t reason);
/** A-ABORT reasons when the provider aborts (PS3.8 §9.3.8). */
#define UL_ABORT_UNRECOGNIZED_PDU 1
#define UL_ABORT_UNEXPECTED_PDU 2
#define UL_ABORT_INVALID_PARAMETER 6

/** One presentation data value (PS3.8 §9.3.5.1, Annex E.2). */
struct ul_pdv {
    uint8_t context_id;
    bool command; /* message control header bit 0: a command, else a data set fragment */
    bool last;    /* bit 1: the last fragment of its command or data set */
    const uint8_t *data;
    size_t len;
};

/**
 * The next PDV of a P-DATA-TF body from *pos (start at 0): false with *pos == len when there is
 * none left (err unset), false with err set when the item is malformed (a length below 2 or past
 * the body, reserved control bits set).
 */
bool ul_pdata_next(struct error *err, const uint8_t *body, size_t len, size_t *pos,
                   struct ul_pdv *out);

/** Appends a P-DATA-TF PDU holding one PDV (context id, command or data, last flag). */
void ul_pdata_write(struct strbuf *out, uint8_t context_id, bool command, bool last,
                    const uint8_t *data, size_t len);

#endif
