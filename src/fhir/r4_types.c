/* SPDX-License-Identifier: Apache-2.0 */
/* The R4 base definitions of the datatypes and resources tsunagu stores, as tables
 * (hl7.org/fhir/R4 datatypes.html, metadatatypes.html and each resource's page). Bindings are
 * only the `required`-strength ones. */
#include <stddef.h>
#include <string.h>

#include "fhir/r4_types.h"

#define M FHIR_MANY
#define P(n, k, lo, hi)                                                                            \
    {                                                                                              \
        n, k, lo, hi, NULL, NULL, NULL                                                             \
    }
#define T(n, t, lo, hi)                                                                            \
    {                                                                                              \
        n, FK_COMPLEX, lo, hi, &t, NULL, NULL                                                      \
    }
#define CODE(n, lo, hi, b)                                                                         \
    {                                                                                              \
        n, FK_CODE, lo, hi, NULL, &b, NULL                                                         \
    }
#define BOUND(n, t, lo, hi, b)                                                                     \
    {                                                                                              \
        n, FK_COMPLEX, lo, hi, &t, &b, NULL                                                        \
    }
#define CHOICE(n, lo, c)                                                                           \
    {                                                                                              \
        n, FK_CHOICE, lo, 1, NULL, NULL, c                                                         \
    }
#define CC(n, lo, hi) T(n, codeable_concept, lo, hi)
#define REF(n, lo, hi) T(n, reference, lo, hi)
#define END                                                                                        \
    {                                                                                              \
        NULL, FK_STRING, 0, 0, NULL, NULL, NULL                                                    \
    }
#define CODES(var, sys, ...)                                                                       \
    static const char *const var##_codes[] = {__VA_ARGS__, NULL};                                  \
    static const struct fhir_binding var = {sys, var##_codes}

#define TERM "http://terminology.hl7.org/CodeSystem/"

/* Datatypes and backbone elements refer to each other; declare them all first. */
static const struct fhir_struct extension, coding, codeable_concept, identifier, reference, period,
    quantity, human_name, contact_point, address, annotation, attachment, meta, narrative, range,
    ratio, timing, timing_repeat, dosage, dosage_dose_rate, signature, element;

/* ---- bindings ---- */
#include "r4_bindings.def"

/* ---- choice alternatives ---- */
static const struct fhir_element extension_value_x[] = {
    P("Base64Binary", FK_BASE64, 0, 1),
    P("Boolean", FK_BOOLEAN, 0, 1),
    P("Canonical", FK_URI, 0, 1),
    P("Code", FK_CODE, 0, 1),
    P("Date", FK_DATE, 0, 1),
    P("DateTime", FK_DATETIME, 0, 1),
    P("Decimal", FK_DECIMAL, 0, 1),
    P("Id", FK_ID, 0, 1),
    P("Instant", FK_INSTANT, 0, 1),
    P("Integer", FK_INTEGER, 0, 1),
    P("Markdown", FK_MARKDOWN, 0, 1),
    P("Oid", FK_URI, 0, 1),
    P("PositiveInt", FK_POSITIVE_INT, 0, 1),
    P("String", FK_STRING, 0, 1),
    P("Time", FK_TIME, 0, 1),
    P("UnsignedInt", FK_UNSIGNED_INT, 0, 1),
    P("Uri", FK_URI, 0, 1),
    P("Url", FK_URI, 0, 1),
    P("Uuid", FK_URI, 0, 1),
    T("Address", address, 0, 1),
    T("Age", quantity, 0, 1),
    T("Annotation", annotation, 0, 1),
    T("Attachment", attachment, 0, 1),
    CC("CodeableConcept", 0, 1),
    T("Coding", coding, 0, 1),
    T("ContactPoint", contact_point, 0, 1),
    T("Count", quantity, 0, 1),
    T("Distance", quantity, 0, 1),
    T("Duration", quantity, 0, 1),
    T("HumanName", human_name, 0, 1),
    T("Identifier", identifier, 0, 1),
    T("Money", quantity, 0, 1),
    T("Period", period, 0, 1),
    T("Quantity", quantity, 0, 1),
    T("Range", range, 0, 1),
    T("Ratio", ratio, 0, 1),
    REF("Reference", 0, 1),
    T("Timing", timing, 0, 1),
    T("Dosage", dosage, 0, 1),
    T("Meta", meta, 0, 1),
    END,
};
static const struct fhir_element observation_value_x[] = {
    T("Quantity", quantity, 0, 1),
    CC("CodeableConcept", 0, 1),
    P("String", FK_STRING, 0, 1),
    P("Boolean", FK_BOOLEAN, 0, 1),
    P("Integer", FK_INTEGER, 0, 1),
    T("Range", range, 0, 1),
    T("Ratio", ratio, 0, 1),
    P("Time", FK_TIME, 0, 1),
    P("DateTime", FK_DATETIME, 0, 1),
    T("Period", period, 0, 1),
    END,
};
static const struct fhir_element onset_x[] = {
    P("DateTime", FK_DATETIME, 0, 1), T("Age", quantity, 0, 1),     T("Period", period, 0, 1),
    T("Range", range, 0, 1),          P("String", FK_STRING, 0, 1), END,
};
static const struct fhir_element abatement_x[] = {
    P("DateTime", FK_DATETIME, 0, 1), T("Age", quantity, 0, 1),     T("Period", period, 0, 1),
    T("Range", range, 0, 1),          P("String", FK_STRING, 0, 1), END,
};
static const struct fhir_element cc_or_reference_x[] = {CC("CodeableConcept", 0, 1),
                                                        REF("Reference", 0, 1), END};
static const struct fhir_element boolean_or_cc_x[] = {P("Boolean", FK_BOOLEAN, 0, 1),
                                                      CC("CodeableConcept", 0, 1), END};
static const struct fhir_element boolean_or_reference_x[] = {P("Boolean", FK_BOOLEAN, 0, 1),
                                                             REF("Reference", 0, 1), END};
static const struct fhir_element boolean_or_datetime_x[] = {P("Boolean", FK_BOOLEAN, 0, 1),
                                                            P("DateTime", FK_DATETIME, 0, 1), END};
static const struct fhir_element boolean_or_integer_x[] = {P("Boolean", FK_BOOLEAN, 0, 1),
                                                           P("Integer", FK_INTEGER, 0, 1), END};
static const struct fhir_element datetime_or_period_x[] = {P("DateTime", FK_DATETIME, 0, 1),
                                                           T("Period", period, 0, 1), END};
static const struct fhir_element observation_effective_x[] = {
    P("DateTime", FK_DATETIME, 0, 1), T("Period", period, 0, 1), T("Timing", timing, 0, 1),
    P("Instant", FK_INSTANT, 0, 1), END};
static const struct fhir_element occurrence_x[] = {
    P("DateTime", FK_DATETIME, 0, 1), T("Period", period, 0, 1), T("Timing", timing, 0, 1), END};
static const struct fhir_element reference_or_string_x[] = {REF("Reference", 0, 1),
                                                            P("String", FK_STRING, 0, 1), END};
static const struct fhir_element string_attachment_reference_x[] = {
    P("String", FK_STRING, 0, 1), T("Attachment", attachment, 0, 1), REF("Reference", 0, 1), END};
static const struct fhir_element identifier_or_reference_x[] = {T("Identifier", identifier, 0, 1),
                                                                REF("Reference", 0, 1), END};
static const struct fhir_element attachment_or_reference_x[] = {T("Attachment", attachment, 0, 1),
                                                                REF("Reference", 0, 1), END};
static const struct fhir_element quantity_x[] = {
    T("Quantity", quantity, 0, 1), T("Ratio", ratio, 0, 1), T("Range", range, 0, 1), END};
static const struct fhir_element dose_x[] = {T("Range", range, 0, 1), T("Quantity", quantity, 0, 1),
                                             END};
static const struct fhir_element bounds_x[] = {
    T("Duration", quantity, 0, 1), T("Range", range, 0, 1), T("Period", period, 0, 1), END};
static const struct fhir_element scheduled_x[] = {
    T("Timing", timing, 0, 1), T("Period", period, 0, 1), P("String", FK_STRING, 0, 1), END};
static const struct fhir_element string_or_base64_x[] = {P("String", FK_STRING, 0, 1),
                                                         P("Base64Binary", FK_BASE64, 0, 1), END};

/* ---- common bases ---- */
const struct fhir_element fhir_datatype_base[] = {
    P("id", FK_STRING, 0, 1),
    T("extension", extension, 0, M),
    END,
};
const struct fhir_element fhir_backbone_extra[] = {
    T("modifierExtension", extension, 0, M),
    END,
};
const struct fhir_element fhir_resource_base[] = {
    P("id", FK_ID, 0, 1),
    T("meta", meta, 0, 1),
    P("implicitRules", FK_URI, 0, 1),
    P("language", FK_CODE, 0, 1),
    END,
};
const struct fhir_element fhir_domain_extra[] = {
    T("text", narrative, 0, 1),
    {"contained", FK_RESOURCE, 0, M, NULL, NULL, NULL},
    T("extension", extension, 0, M),
    T("modifierExtension", extension, 0, M),
    END,
};

/* ---- datatypes ---- */
static const struct fhir_element element_el[] = {END};
static const struct fhir_element extension_el[] = {
    P("url", FK_URI, 1, 1),
    CHOICE("value", 0, extension_value_x),
    END,
};
static const struct fhir_element coding_el[] = {
    P("system", FK_URI, 0, 1),     P("version", FK_STRING, 0, 1),       P("code", FK_CODE, 0, 1),
    P("display", FK_STRING, 0, 1), P("userSelected", FK_BOOLEAN, 0, 1), END,
};
static const struct fhir_element codeable_concept_el[] = {
    T("coding", coding, 0, M),
    P("text", FK_STRING, 0, 1),
    END,
};
static const struct fhir_element identifier_el[] = {
    CODE("use", 0, 1, identifier_use),
    CC("type", 0, 1),
    P("system", FK_URI, 0, 1),
    P("value", FK_STRING, 0, 1),
    T("period", period, 0, 1),
    REF("assigner", 0, 1),
    END,
};
static const struct fhir_element reference_el[] = {
    P("reference", FK_STRING, 0, 1),
    P("type", FK_URI, 0, 1),
    T("identifier", identifier, 0, 1),
    P("display", FK_STRING, 0, 1),
    END,
};
static const struct fhir_element period_el[] = {
    P("start", FK_DATETIME, 0, 1),
    P("end", FK_DATETIME, 0, 1),
    END,
};
static const struct fhir_element quantity_el[] = {
    P("value", FK_DECIMAL, 0, 1),
    CODE("comparator", 0, 1, quantity_comparator),
    P("unit", FK_STRING, 0, 1),
    P("system", FK_URI, 0, 1),
    P("code", FK_CODE, 0, 1),
    P("currency", FK_CODE, 0, 1), /* Money */
    END,
};
static const struct fhir_element human_name_el[] = {
    CODE("use", 0, 1, name_use),  P("text", FK_STRING, 0, 1),
    P("family", FK_STRING, 0, 1), P("given", FK_STRING, 0, M),
    P("prefix", FK_STRING, 0, M), P("suffix", FK_STRING, 0, M),
    T("period", period, 0, 1),    END,
};
static const struct fhir_element contact_point_el[] = {
    CODE("system", 0, 1, contact_point_system),
    P("value", FK_STRING, 0, 1),
    CODE("use", 0, 1, contact_point_use),
    P("rank", FK_POSITIVE_INT, 0, 1),
    T("period", period, 0, 1),
    END,
};
static const struct fhir_element address_el[] = {
    CODE("use", 0, 1, address_use),
    CODE("type", 0, 1, address_type),
    P("text", FK_STRING, 0, 1),
    P("line", FK_STRING, 0, M),
    P("city", FK_STRING, 0, 1),
    P("district", FK_STRING, 0, 1),
    P("state", FK_STRING, 0, 1),
    P("postalCode", FK_STRING, 0, 1),
    P("country", FK_STRING, 0, 1),
    T("period", period, 0, 1),
    END,
};
static const struct fhir_element annotation_el[] = {
    CHOICE("author", 0, reference_or_string_x),
    P("time", FK_DATETIME, 0, 1),
    P("text", FK_MARKDOWN, 1, 1),
    END,
};
static const struct fhir_element attachment_el[] = {
    P("contentType", FK_CODE, 0, 1), P("language", FK_CODE, 0, 1),     P("data", FK_BASE64, 0, 1),
    P("url", FK_URI, 0, 1),          P("size", FK_UNSIGNED_INT, 0, 1), P("hash", FK_BASE64, 0, 1),
    P("title", FK_STRING, 0, 1),     P("creation", FK_DATETIME, 0, 1), END,
};
static const struct fhir_element meta_el[] = {
    P("versionId", FK_ID, 0, 1),
    P("lastUpdated", FK_INSTANT, 0, 1),
    P("source", FK_URI, 0, 1),
    P("profile", FK_URI, 0, M),
    T("security", coding, 0, M),
    T("tag", coding, 0, M),
    END,
};
static const struct fhir_element narrative_el[] = {
    CODE("status", 1, 1, narrative_status),
    P("div", FK_XHTML, 1, 1),
    END,
};
static const struct fhir_element range_el[] = {
    T("low", quantity, 0, 1),
    T("high", quantity, 0, 1),
    END,
};
static const struct fhir_element ratio_el[] = {
    T("numerator", quantity, 0, 1),
    T("denominator", quantity, 0, 1),
    END,
};
static const struct fhir_element timing_repeat_el[] = {
    CHOICE("bounds", 0, bounds_x),           P("count", FK_POSITIVE_INT, 0, 1),
    P("countMax", FK_POSITIVE_INT, 0, 1),    P("duration", FK_DECIMAL, 0, 1),
    P("durationMax", FK_DECIMAL, 0, 1),      CODE("durationUnit", 0, 1, units_of_time),
    P("frequency", FK_POSITIVE_INT, 0, 1),   P("frequencyMax", FK_POSITIVE_INT, 0, 1),
    P("period", FK_DECIMAL, 0, 1),           P("periodMax", FK_DECIMAL, 0, 1),
    CODE("periodUnit", 0, 1, units_of_time), CODE("dayOfWeek", 0, M, days_of_week),
    P("timeOfDay", FK_TIME, 0, M),           CODE("when", 0, M, event_timing),
    P("offset", FK_UNSIGNED_INT, 0, 1),      END,
};
static const struct fhir_element timing_el[] = {
    P("event", FK_DATETIME, 0, M),
    T("repeat", timing_repeat, 0, 1),
    CC("code", 0, 1),
    END,
};
static const struct fhir_element dosage_dose_rate_el[] = {
    CC("type", 0, 1),
    CHOICE("dose", 0, dose_x),
    CHOICE("rate", 0, quantity_x),
    END,
};
static const struct fhir_element dosage_el[] = {
    P("sequence", FK_INTEGER, 0, 1),
    P("text", FK_STRING, 0, 1),
    CC("additionalInstruction", 0, M),
    P("patientInstruction", FK_STRING, 0, 1),
    T("timing", timing, 0, 1),
    CHOICE("asNeeded", 0, boolean_or_cc_x),
    CC("site", 0, 1),
    CC("route", 0, 1),
    CC("method", 0, 1),
    T("doseAndRate", dosage_dose_rate, 0, M),
    T("maxDosePerPeriod", ratio, 0, 1),
    T("maxDosePerAdministration", quantity, 0, 1),
    T("maxDosePerLifetime", quantity, 0, 1),
    END,
};

static const struct fhir_element signature_el[] = {
    T("type", coding, 1, M),
    P("when", FK_INSTANT, 1, 1),
    REF("who", 1, 1),
    REF("onBehalfOf", 0, 1),
    P("targetFormat", FK_CODE, 0, 1),
    P("sigFormat", FK_CODE, 0, 1),
    P("data", FK_BASE64, 0, 1),
    END,
};

static const struct fhir_struct element = {"Element", FB_DATATYPE, element_el};
static const struct fhir_struct signature = {"Signature", FB_DATATYPE, signature_el};
static const struct fhir_struct extension = {"Extension", FB_DATATYPE, extension_el};
static const struct fhir_struct coding = {"Coding", FB_DATATYPE, coding_el};
static const struct fhir_struct codeable_concept = {"CodeableConcept", FB_DATATYPE,
                                                    codeable_concept_el};
static const struct fhir_struct identifier = {"Identifier", FB_DATATYPE, identifier_el};
static const struct fhir_struct reference = {"Reference", FB_DATATYPE, reference_el};
static const struct fhir_struct period = {"Period", FB_DATATYPE, period_el};
static const struct fhir_struct quantity = {"Quantity", FB_DATATYPE, quantity_el};
static const struct fhir_struct human_name = {"HumanName", FB_DATATYPE, human_name_el};
static const struct fhir_struct contact_point = {"ContactPoint", FB_DATATYPE, contact_point_el};
static const struct fhir_struct address = {"Address", FB_DATATYPE, address_el};
static const struct fhir_struct annotation = {"Annotation", FB_DATATYPE, annotation_el};
static const struct fhir_struct attachment = {"Attachment", FB_DATATYPE, attachment_el};
static const struct fhir_struct meta = {"Meta", FB_DATATYPE, meta_el};
static const struct fhir_struct narrative = {"Narrative", FB_DATATYPE, narrative_el};
static const struct fhir_struct range = {"Range", FB_DATATYPE, range_el};
static const struct fhir_struct ratio = {"Ratio", FB_DATATYPE, ratio_el};
static const struct fhir_struct timing_repeat = {"Timing.repeat", FB_DATATYPE, timing_repeat_el};
static const struct fhir_struct timing = {"Timing", FB_BACKBONE, timing_el};
static const struct fhir_struct dosage_dose_rate = {"Dosage.doseAndRate", FB_DATATYPE,
                                                    dosage_dose_rate_el};
static const struct fhir_struct dosage = {"Dosage", FB_BACKBONE, dosage_el};

/** The structure of a primitive's `_name` companion (id and extensions only). */
const struct fhir_struct *const fhir_primitive_element = &element;

#define BACKBONE(var, path, ...)                                                                   \
    static const struct fhir_element var##_el[] = {__VA_ARGS__, END};                              \
    static const struct fhir_struct var = {path, FB_BACKBONE, var##_el}
#define RESOURCE(var, type, ...)                                                                   \
    static const struct fhir_element var##_el[] = {__VA_ARGS__, END};                              \
    static const struct fhir_struct var = {type, FB_DOMAIN, var##_el}

/* ---- resources: backbone elements first, then the resource ---- */
BACKBONE(patient_contact, "Patient.contact", CC("relationship", 0, M), T("name", human_name, 0, 1),
         T("telecom", contact_point, 0, M), T("address", address, 0, 1),
         CODE("gender", 0, 1, administrative_gender), REF("organization", 0, 1),
         T("period", period, 0, 1));
BACKBONE(patient_communication, "Patient.communication", CC("language", 1, 1),
         P("preferred", FK_BOOLEAN, 0, 1));
BACKBONE(patient_link, "Patient.link", REF("other", 1, 1), CODE("type", 1, 1, link_type));
RESOURCE(patient, "Patient", T("identifier", identifier, 0, M), P("active", FK_BOOLEAN, 0, 1),
         T("name", human_name, 0, M), T("telecom", contact_point, 0, M),
         CODE("gender", 0, 1, administrative_gender), P("birthDate", FK_DATE, 0, 1),
         CHOICE("deceased", 0, boolean_or_datetime_x), T("address", address, 0, M),
         CC("maritalStatus", 0, 1), CHOICE("multipleBirth", 0, boolean_or_integer_x),
         T("photo", attachment, 0, M), T("contact", patient_contact, 0, M),
         T("communication", patient_communication, 0, M), REF("generalPractitioner", 0, M),
         REF("managingOrganization", 0, 1), T("link", patient_link, 0, M));

BACKBONE(organization_contact, "Organization.contact", CC("purpose", 0, 1),
         T("name", human_name, 0, 1), T("telecom", contact_point, 0, M),
         T("address", address, 0, 1));
RESOURCE(organization, "Organization", T("identifier", identifier, 0, M),
         P("active", FK_BOOLEAN, 0, 1), CC("type", 0, M), P("name", FK_STRING, 0, 1),
         P("alias", FK_STRING, 0, M), T("telecom", contact_point, 0, M),
         T("address", address, 0, M), REF("partOf", 0, 1), T("contact", organization_contact, 0, M),
         REF("endpoint", 0, M));

BACKBONE(practitioner_qualification, "Practitioner.qualification",
         T("identifier", identifier, 0, M), CC("code", 1, 1), T("period", period, 0, 1),
         REF("issuer", 0, 1));
RESOURCE(practitioner, "Practitioner", T("identifier", identifier, 0, M),
         P("active", FK_BOOLEAN, 0, 1), T("name", human_name, 0, M),
         T("telecom", contact_point, 0, M), T("address", address, 0, M),
         CODE("gender", 0, 1, administrative_gender), P("birthDate", FK_DATE, 0, 1),
         T("photo", attachment, 0, M), T("qualification", practitioner_qualification, 0, M),
         CC("communication", 0, M));

BACKBONE(role_available_time, "PractitionerRole.availableTime",
         CODE("daysOfWeek", 0, M, days_of_week), P("allDay", FK_BOOLEAN, 0, 1),
         P("availableStartTime", FK_TIME, 0, 1), P("availableEndTime", FK_TIME, 0, 1));
BACKBONE(role_not_available, "PractitionerRole.notAvailable", P("description", FK_STRING, 1, 1),
         T("during", period, 0, 1));
RESOURCE(practitioner_role, "PractitionerRole", T("identifier", identifier, 0, M),
         P("active", FK_BOOLEAN, 0, 1), T("period", period, 0, 1), REF("practitioner", 0, 1),
         REF("organization", 0, 1), CC("code", 0, M), CC("specialty", 0, M), REF("location", 0, M),
         REF("healthcareService", 0, M), T("telecom", contact_point, 0, M),
         T("availableTime", role_available_time, 0, M), T("notAvailable", role_not_available, 0, M),
         P("availabilityExceptions", FK_STRING, 0, 1), REF("endpoint", 0, M));

BACKBONE(encounter_status_history, "Encounter.statusHistory",
         CODE("status", 1, 1, encounter_status), T("period", period, 1, 1));
BACKBONE(encounter_class_history, "Encounter.classHistory", T("class", coding, 1, 1),
         T("period", period, 1, 1));
BACKBONE(encounter_participant, "Encounter.participant", CC("type", 0, M),
         T("period", period, 0, 1), REF("individual", 0, 1));
BACKBONE(encounter_diagnosis, "Encounter.diagnosis", REF("condition", 1, 1), CC("use", 0, 1),
         P("rank", FK_POSITIVE_INT, 0, 1));
BACKBONE(encounter_hospitalization, "Encounter.hospitalization",
         T("preAdmissionIdentifier", identifier, 0, 1), REF("origin", 0, 1),
         CC("admitSource", 0, 1), CC("reAdmission", 0, 1), CC("dietPreference", 0, M),
         CC("specialCourtesy", 0, M), CC("specialArrangement", 0, M), REF("destination", 0, 1),
         CC("dischargeDisposition", 0, 1));
BACKBONE(encounter_location, "Encounter.location", REF("location", 1, 1),
         CODE("status", 0, 1, encounter_location_status), CC("physicalType", 0, 1),
         T("period", period, 0, 1));
RESOURCE(encounter, "Encounter", T("identifier", identifier, 0, M),
         CODE("status", 1, 1, encounter_status), T("statusHistory", encounter_status_history, 0, M),
         T("class", coding, 1, 1), T("classHistory", encounter_class_history, 0, M),
         CC("type", 0, M), CC("serviceType", 0, 1), CC("priority", 0, 1), REF("subject", 0, 1),
         REF("episodeOfCare", 0, M), REF("basedOn", 0, M),
         T("participant", encounter_participant, 0, M), REF("appointment", 0, M),
         T("period", period, 0, 1), T("length", quantity, 0, 1), CC("reasonCode", 0, M),
         REF("reasonReference", 0, M), T("diagnosis", encounter_diagnosis, 0, M),
         REF("account", 0, M), T("hospitalization", encounter_hospitalization, 0, 1),
         T("location", encounter_location, 0, M), REF("serviceProvider", 0, 1),
         REF("partOf", 0, 1));

BACKBONE(condition_stage, "Condition.stage", CC("summary", 0, 1), REF("assessment", 0, M),
         CC("type", 0, 1));
BACKBONE(condition_evidence, "Condition.evidence", CC("code", 0, M), REF("detail", 0, M));
RESOURCE(condition, "Condition", T("identifier", identifier, 0, M),
         BOUND("clinicalStatus", codeable_concept, 0, 1, condition_clinical),
         BOUND("verificationStatus", codeable_concept, 0, 1, condition_ver_status),
         CC("category", 0, M), CC("severity", 0, 1), CC("code", 0, 1), CC("bodySite", 0, M),
         REF("subject", 1, 1), REF("encounter", 0, 1), CHOICE("onset", 0, onset_x),
         CHOICE("abatement", 0, abatement_x), P("recordedDate", FK_DATETIME, 0, 1),
         REF("recorder", 0, 1), REF("asserter", 0, 1), T("stage", condition_stage, 0, M),
         T("evidence", condition_evidence, 0, M), T("note", annotation, 0, M));

BACKBONE(allergy_reaction, "AllergyIntolerance.reaction", CC("substance", 0, 1),
         CC("manifestation", 1, M), P("description", FK_STRING, 0, 1),
         P("onset", FK_DATETIME, 0, 1), CODE("severity", 0, 1, reaction_severity),
         CC("exposureRoute", 0, 1), T("note", annotation, 0, M));
RESOURCE(allergy_intolerance, "AllergyIntolerance", T("identifier", identifier, 0, M),
         BOUND("clinicalStatus", codeable_concept, 0, 1, allergy_clinical),
         BOUND("verificationStatus", codeable_concept, 0, 1, allergy_verification),
         CODE("type", 0, 1, allergy_type), CODE("category", 0, M, allergy_category),
         CODE("criticality", 0, 1, allergy_criticality), CC("code", 0, 1), REF("patient", 1, 1),
         REF("encounter", 0, 1), CHOICE("onset", 0, onset_x), P("recordedDate", FK_DATETIME, 0, 1),
         REF("recorder", 0, 1), REF("asserter", 0, 1), P("lastOccurrence", FK_DATETIME, 0, 1),
         T("note", annotation, 0, M), T("reaction", allergy_reaction, 0, M));

BACKBONE(medrequest_initial_fill, "MedicationRequest.dispenseRequest.initialFill",
         T("quantity", quantity, 0, 1), T("duration", quantity, 0, 1));
BACKBONE(medrequest_dispense, "MedicationRequest.dispenseRequest",
         T("initialFill", medrequest_initial_fill, 0, 1), T("dispenseInterval", quantity, 0, 1),
         T("validityPeriod", period, 0, 1), P("numberOfRepeatsAllowed", FK_UNSIGNED_INT, 0, 1),
         T("quantity", quantity, 0, 1), T("expectedSupplyDuration", quantity, 0, 1),
         REF("performer", 0, 1));
BACKBONE(medrequest_substitution, "MedicationRequest.substitution",
         CHOICE("allowed", 1, boolean_or_cc_x), CC("reason", 0, 1));
RESOURCE(medication_request, "MedicationRequest", T("identifier", identifier, 0, M),
         CODE("status", 1, 1, medrequest_status), CC("statusReason", 0, 1),
         CODE("intent", 1, 1, medrequest_intent), CC("category", 0, M),
         CODE("priority", 0, 1, request_priority), P("doNotPerform", FK_BOOLEAN, 0, 1),
         CHOICE("reported", 0, boolean_or_reference_x), CHOICE("medication", 1, cc_or_reference_x),
         REF("subject", 1, 1), REF("encounter", 0, 1), REF("supportingInformation", 0, M),
         P("authoredOn", FK_DATETIME, 0, 1), REF("requester", 0, 1), REF("performer", 0, 1),
         CC("performerType", 0, 1), REF("recorder", 0, 1), CC("reasonCode", 0, M),
         REF("reasonReference", 0, M), P("instantiatesCanonical", FK_URI, 0, M),
         P("instantiatesUri", FK_URI, 0, M), REF("basedOn", 0, M),
         T("groupIdentifier", identifier, 0, 1), CC("courseOfTherapyType", 0, 1),
         REF("insurance", 0, M), T("note", annotation, 0, M), T("dosageInstruction", dosage, 0, M),
         T("dispenseRequest", medrequest_dispense, 0, 1),
         T("substitution", medrequest_substitution, 0, 1), REF("priorPrescription", 0, 1),
         REF("detectedIssue", 0, M), REF("eventHistory", 0, M));

RESOURCE(medication_statement, "MedicationStatement", T("identifier", identifier, 0, M),
         REF("basedOn", 0, M), REF("partOf", 0, M), CODE("status", 1, 1, medstatement_status),
         CC("statusReason", 0, M), CC("category", 0, 1), CHOICE("medication", 1, cc_or_reference_x),
         REF("subject", 1, 1), REF("context", 0, 1), CHOICE("effective", 0, datetime_or_period_x),
         P("dateAsserted", FK_DATETIME, 0, 1), REF("informationSource", 0, 1),
         REF("derivedFrom", 0, M), CC("reasonCode", 0, M), REF("reasonReference", 0, M),
         T("note", annotation, 0, M), T("dosage", dosage, 0, M));

BACKBONE(observation_reference_range, "Observation.referenceRange", T("low", quantity, 0, 1),
         T("high", quantity, 0, 1), CC("type", 0, 1), CC("appliesTo", 0, M), T("age", range, 0, 1),
         P("text", FK_STRING, 0, 1));
BACKBONE(observation_component, "Observation.component", CC("code", 1, 1),
         CHOICE("value", 0, observation_value_x), CC("dataAbsentReason", 0, 1),
         CC("interpretation", 0, M), T("referenceRange", observation_reference_range, 0, M));
RESOURCE(observation, "Observation", T("identifier", identifier, 0, M), REF("basedOn", 0, M),
         REF("partOf", 0, M), CODE("status", 1, 1, observation_status), CC("category", 0, M),
         CC("code", 1, 1), REF("subject", 0, 1), REF("focus", 0, M), REF("encounter", 0, 1),
         CHOICE("effective", 0, observation_effective_x), P("issued", FK_INSTANT, 0, 1),
         REF("performer", 0, M), CHOICE("value", 0, observation_value_x),
         CC("dataAbsentReason", 0, 1), CC("interpretation", 0, M), T("note", annotation, 0, M),
         CC("bodySite", 0, 1), CC("method", 0, 1), REF("specimen", 0, 1), REF("device", 0, 1),
         T("referenceRange", observation_reference_range, 0, M), REF("hasMember", 0, M),
         REF("derivedFrom", 0, M), T("component", observation_component, 0, M));

BACKBONE(report_media, "DiagnosticReport.media", P("comment", FK_STRING, 0, 1), REF("link", 1, 1));
RESOURCE(diagnostic_report, "DiagnosticReport", T("identifier", identifier, 0, M),
         REF("basedOn", 0, M), CODE("status", 1, 1, report_status), CC("category", 0, M),
         CC("code", 1, 1), REF("subject", 0, 1), REF("encounter", 0, 1),
         CHOICE("effective", 0, datetime_or_period_x), P("issued", FK_INSTANT, 0, 1),
         REF("performer", 0, M), REF("resultsInterpreter", 0, M), REF("specimen", 0, M),
         REF("result", 0, M), REF("imagingStudy", 0, M), T("media", report_media, 0, M),
         P("conclusion", FK_STRING, 0, 1), CC("conclusionCode", 0, M),
         T("presentedForm", attachment, 0, M));

BACKBONE(docref_relates_to, "DocumentReference.relatesTo",
         CODE("code", 1, 1, document_relationship), REF("target", 1, 1));
BACKBONE(docref_content, "DocumentReference.content", T("attachment", attachment, 1, 1),
         T("format", coding, 0, 1));
BACKBONE(docref_context, "DocumentReference.context", REF("encounter", 0, M), CC("event", 0, M),
         T("period", period, 0, 1), CC("facilityType", 0, 1), CC("practiceSetting", 0, 1),
         REF("sourcePatientInfo", 0, 1), REF("related", 0, M));
RESOURCE(document_reference, "DocumentReference", T("masterIdentifier", identifier, 0, 1),
         T("identifier", identifier, 0, M), CODE("status", 1, 1, document_reference_status),
         CODE("docStatus", 0, 1, composition_status), CC("type", 0, 1), CC("category", 0, M),
         REF("subject", 0, 1), P("date", FK_INSTANT, 0, 1), REF("author", 0, M),
         REF("authenticator", 0, 1), REF("custodian", 0, 1),
         T("relatesTo", docref_relates_to, 0, M), P("description", FK_STRING, 0, 1),
         CC("securityLabel", 0, M), T("content", docref_content, 1, M),
         T("context", docref_context, 0, 1));

static const struct fhir_element binary_el[] = {
    P("contentType", FK_CODE, 1, 1),
    REF("securityContext", 0, 1),
    P("data", FK_BASE64, 0, 1),
    END,
};
static const struct fhir_struct binary = {"Binary", FB_RESOURCE, binary_el};

static const struct fhir_struct composition_section;
BACKBONE(composition_attester, "Composition.attester", CODE("mode", 1, 1, attestation_mode),
         P("time", FK_DATETIME, 0, 1), REF("party", 0, 1));
BACKBONE(composition_relates_to, "Composition.relatesTo", CODE("code", 1, 1, document_relationship),
         CHOICE("target", 1, identifier_or_reference_x));
BACKBONE(composition_event, "Composition.event", CC("code", 0, M), T("period", period, 0, 1),
         REF("detail", 0, M));
static const struct fhir_element composition_section_el[] = {
    P("title", FK_STRING, 0, 1),
    CC("code", 0, 1),
    REF("author", 0, M),
    REF("focus", 0, 1),
    T("text", narrative, 0, 1),
    CODE("mode", 0, 1, section_mode),
    CC("orderedBy", 0, 1),
    REF("entry", 0, M),
    CC("emptyReason", 0, 1),
    T("section", composition_section, 0, M),
    END,
};
static const struct fhir_struct composition_section = {"Composition.section", FB_BACKBONE,
                                                       composition_section_el};
RESOURCE(composition, "Composition", T("identifier", identifier, 0, 1),
         CODE("status", 1, 1, composition_status), CC("type", 1, 1), CC("category", 0, M),
         REF("subject", 0, 1), REF("encounter", 0, 1), P("date", FK_DATETIME, 1, 1),
         REF("author", 1, M), P("title", FK_STRING, 1, 1),
         CODE("confidentiality", 0, 1, confidentiality), T("attester", composition_attester, 0, M),
         REF("custodian", 0, 1), T("relatesTo", composition_relates_to, 0, M),
         T("event", composition_event, 0, M), T("section", composition_section, 0, M));

BACKBONE(bundle_link, "Bundle.link", P("relation", FK_STRING, 1, 1), P("url", FK_URI, 1, 1));
BACKBONE(bundle_search, "Bundle.entry.search", CODE("mode", 0, 1, search_entry_mode),
         P("score", FK_DECIMAL, 0, 1));
BACKBONE(bundle_request, "Bundle.entry.request", CODE("method", 1, 1, http_verb),
         P("url", FK_URI, 1, 1), P("ifNoneMatch", FK_STRING, 0, 1),
         P("ifModifiedSince", FK_INSTANT, 0, 1), P("ifMatch", FK_STRING, 0, 1),
         P("ifNoneExist", FK_STRING, 0, 1));
BACKBONE(bundle_response, "Bundle.entry.response", P("status", FK_STRING, 1, 1),
         P("location", FK_URI, 0, 1), P("etag", FK_STRING, 0, 1),
         P("lastModified", FK_INSTANT, 0, 1), {"outcome", FK_RESOURCE_ANY, 0, 1, NULL, NULL, NULL});
BACKBONE(bundle_entry, "Bundle.entry", T("link", bundle_link, 0, M), P("fullUrl", FK_URI, 0, 1),
         {"resource", FK_RESOURCE_ANY, 0, 1, NULL, NULL, NULL}, T("search", bundle_search, 0, 1),
         T("request", bundle_request, 0, 1), T("response", bundle_response, 0, 1));
static const struct fhir_element bundle_el[] = {
    T("identifier", identifier, 0, 1), CODE("type", 1, 1, bundle_type),
    P("timestamp", FK_INSTANT, 0, 1),  P("total", FK_UNSIGNED_INT, 0, 1),
    T("link", bundle_link, 0, M),      T("entry", bundle_entry, 0, M),
    T("signature", signature, 0, 1),   END,
};
static const struct fhir_struct bundle = {"Bundle", FB_RESOURCE, bundle_el};

RESOURCE(service_request, "ServiceRequest", T("identifier", identifier, 0, M),
         P("instantiatesCanonical", FK_URI, 0, M), P("instantiatesUri", FK_URI, 0, M),
         REF("basedOn", 0, M), REF("replaces", 0, M), T("requisition", identifier, 0, 1),
         CODE("status", 1, 1, request_status), CODE("intent", 1, 1, request_intent),
         CC("category", 0, M), CODE("priority", 0, 1, request_priority),
         P("doNotPerform", FK_BOOLEAN, 0, 1), CC("code", 0, 1), CC("orderDetail", 0, M),
         CHOICE("quantity", 0, quantity_x), REF("subject", 1, 1), REF("encounter", 0, 1),
         CHOICE("occurrence", 0, occurrence_x), CHOICE("asNeeded", 0, boolean_or_cc_x),
         P("authoredOn", FK_DATETIME, 0, 1), REF("requester", 0, 1), CC("performerType", 0, 1),
         REF("performer", 0, M), CC("locationCode", 0, M), REF("locationReference", 0, M),
         CC("reasonCode", 0, M), REF("reasonReference", 0, M), REF("insurance", 0, M),
         REF("supportingInfo", 0, M), REF("specimen", 0, M), CC("bodySite", 0, M),
         T("note", annotation, 0, M), P("patientInstruction", FK_STRING, 0, 1),
         REF("relevantHistory", 0, M));

BACKBONE(task_restriction, "Task.restriction", P("repetitions", FK_POSITIVE_INT, 0, 1),
         T("period", period, 0, 1), REF("recipient", 0, M));
BACKBONE(task_parameter, "Task.input", CC("type", 1, 1), CHOICE("value", 1, extension_value_x));
RESOURCE(task, "Task", T("identifier", identifier, 0, M), P("instantiatesCanonical", FK_URI, 0, 1),
         P("instantiatesUri", FK_URI, 0, 1), REF("basedOn", 0, M),
         T("groupIdentifier", identifier, 0, 1), REF("partOf", 0, M),
         CODE("status", 1, 1, task_status), CC("statusReason", 0, 1), CC("businessStatus", 0, 1),
         CODE("intent", 1, 1, task_intent), CODE("priority", 0, 1, request_priority),
         CC("code", 0, 1), P("description", FK_STRING, 0, 1), REF("focus", 0, 1), REF("for", 0, 1),
         REF("encounter", 0, 1), T("executionPeriod", period, 0, 1),
         P("authoredOn", FK_DATETIME, 0, 1), P("lastModified", FK_DATETIME, 0, 1),
         REF("requester", 0, 1), CC("performerType", 0, M), REF("owner", 0, 1),
         REF("location", 0, 1), CC("reasonCode", 0, 1), REF("reasonReference", 0, 1),
         REF("insurance", 0, M), T("note", annotation, 0, M), REF("relevantHistory", 0, M),
         T("restriction", task_restriction, 0, 1), T("input", task_parameter, 0, M),
         T("output", task_parameter, 0, M));

BACKBONE(appointment_participant, "Appointment.participant", CC("type", 0, M), REF("actor", 0, 1),
         CODE("required", 0, 1, participant_required), CODE("status", 1, 1, participation_status),
         T("period", period, 0, 1));
RESOURCE(appointment, "Appointment", T("identifier", identifier, 0, M),
         CODE("status", 1, 1, appointment_status), CC("cancelationReason", 0, 1),
         CC("serviceCategory", 0, M), CC("serviceType", 0, M), CC("specialty", 0, M),
         CC("appointmentType", 0, 1), CC("reasonCode", 0, M), REF("reasonReference", 0, M),
         P("priority", FK_UNSIGNED_INT, 0, 1), P("description", FK_STRING, 0, 1),
         REF("supportingInformation", 0, M), P("start", FK_INSTANT, 0, 1),
         P("end", FK_INSTANT, 0, 1), P("minutesDuration", FK_POSITIVE_INT, 0, 1), REF("slot", 0, M),
         P("created", FK_DATETIME, 0, 1), P("comment", FK_STRING, 0, 1),
         P("patientInstruction", FK_STRING, 0, 1), REF("basedOn", 0, M),
         T("participant", appointment_participant, 1, M), T("requestedPeriod", period, 0, M));

BACKBONE(care_plan_detail, "CarePlan.activity.detail", CODE("kind", 0, 1, care_plan_activity_kind),
         P("instantiatesCanonical", FK_URI, 0, M), P("instantiatesUri", FK_URI, 0, M),
         CC("code", 0, 1), CC("reasonCode", 0, M), REF("reasonReference", 0, M), REF("goal", 0, M),
         CODE("status", 1, 1, care_plan_activity_status), CC("statusReason", 0, 1),
         P("doNotPerform", FK_BOOLEAN, 0, 1), CHOICE("scheduled", 0, scheduled_x),
         REF("location", 0, 1), REF("performer", 0, M), CHOICE("product", 0, cc_or_reference_x),
         T("dailyAmount", quantity, 0, 1), T("quantity", quantity, 0, 1),
         P("description", FK_STRING, 0, 1));
BACKBONE(care_plan_activity, "CarePlan.activity", CC("outcomeCodeableConcept", 0, M),
         REF("outcomeReference", 0, M), T("progress", annotation, 0, M), REF("reference", 0, 1),
         T("detail", care_plan_detail, 0, 1));
RESOURCE(care_plan, "CarePlan", T("identifier", identifier, 0, M),
         P("instantiatesCanonical", FK_URI, 0, M), P("instantiatesUri", FK_URI, 0, M),
         REF("basedOn", 0, M), REF("replaces", 0, M), REF("partOf", 0, M),
         CODE("status", 1, 1, request_status), CODE("intent", 1, 1, care_plan_intent),
         CC("category", 0, M), P("title", FK_STRING, 0, 1), P("description", FK_STRING, 0, 1),
         REF("subject", 1, 1), REF("encounter", 0, 1), T("period", period, 0, 1),
         P("created", FK_DATETIME, 0, 1), REF("author", 0, 1), REF("contributor", 0, M),
         REF("careTeam", 0, M), REF("addresses", 0, M), REF("supportingInfo", 0, M),
         REF("goal", 0, M), T("activity", care_plan_activity, 0, M), T("note", annotation, 0, M));

BACKBONE(communication_payload, "Communication.payload",
         CHOICE("content", 1, string_attachment_reference_x));
RESOURCE(communication, "Communication", T("identifier", identifier, 0, M),
         P("instantiatesCanonical", FK_URI, 0, M), P("instantiatesUri", FK_URI, 0, M),
         REF("basedOn", 0, M), REF("partOf", 0, M), REF("inResponseTo", 0, M),
         CODE("status", 1, 1, communication_status), CC("statusReason", 0, 1), CC("category", 0, M),
         CODE("priority", 0, 1, request_priority), CC("medium", 0, M), REF("subject", 0, 1),
         CC("topic", 0, 1), REF("about", 0, M), REF("encounter", 0, 1),
         P("sent", FK_DATETIME, 0, 1), P("received", FK_DATETIME, 0, 1), REF("recipient", 0, M),
         REF("sender", 0, 1), CC("reasonCode", 0, M), REF("reasonReference", 0, M),
         T("payload", communication_payload, 0, M), T("note", annotation, 0, M));

RESOURCE(flag, "Flag", T("identifier", identifier, 0, M), CODE("status", 1, 1, flag_status),
         CC("category", 0, M), CC("code", 1, 1), REF("subject", 1, 1), T("period", period, 0, 1),
         REF("encounter", 0, 1), REF("author", 0, 1));

static const struct fhir_struct consent_provision;
BACKBONE(consent_policy, "Consent.policy", P("authority", FK_URI, 0, 1), P("uri", FK_URI, 0, 1));
BACKBONE(consent_verification, "Consent.verification", P("verified", FK_BOOLEAN, 1, 1),
         REF("verifiedWith", 0, 1), P("verificationDate", FK_DATETIME, 0, 1));
BACKBONE(consent_actor, "Consent.provision.actor", CC("role", 1, 1), REF("reference", 1, 1));
BACKBONE(consent_data, "Consent.provision.data", CODE("meaning", 1, 1, consent_data_meaning),
         REF("reference", 1, 1));
static const struct fhir_element consent_provision_el[] = {
    CODE("type", 0, 1, consent_provision_type),
    T("period", period, 0, 1),
    T("actor", consent_actor, 0, M),
    CC("action", 0, M),
    T("securityLabel", coding, 0, M),
    T("purpose", coding, 0, M),
    T("class", coding, 0, M),
    CC("code", 0, M),
    T("dataPeriod", period, 0, 1),
    T("data", consent_data, 0, M),
    T("provision", consent_provision, 0, M),
    END,
};
static const struct fhir_struct consent_provision = {"Consent.provision", FB_BACKBONE,
                                                     consent_provision_el};
RESOURCE(consent, "Consent", T("identifier", identifier, 0, M),
         CODE("status", 1, 1, consent_status), CC("scope", 1, 1), CC("category", 1, M),
         REF("patient", 0, 1), P("dateTime", FK_DATETIME, 0, 1), REF("performer", 0, M),
         REF("organization", 0, M), CHOICE("source", 0, attachment_or_reference_x),
         T("policy", consent_policy, 0, M), CC("policyRule", 0, 1),
         T("verification", consent_verification, 0, M), T("provision", consent_provision, 0, 1));

BACKBONE(audit_network, "AuditEvent.agent.network", P("address", FK_STRING, 0, 1),
         CODE("type", 0, 1, audit_network_type));
BACKBONE(audit_agent, "AuditEvent.agent", CC("type", 0, 1), CC("role", 0, M), REF("who", 0, 1),
         P("altId", FK_STRING, 0, 1), P("name", FK_STRING, 0, 1), P("requestor", FK_BOOLEAN, 1, 1),
         REF("location", 0, 1), P("policy", FK_URI, 0, M), T("media", coding, 0, 1),
         T("network", audit_network, 0, 1), CC("purposeOfUse", 0, M));
BACKBONE(audit_source, "AuditEvent.source", P("site", FK_STRING, 0, 1), REF("observer", 1, 1),
         T("type", coding, 0, M));
BACKBONE(audit_entity_detail, "AuditEvent.entity.detail", P("type", FK_STRING, 1, 1),
         CHOICE("value", 1, string_or_base64_x));
BACKBONE(audit_entity, "AuditEvent.entity", REF("what", 0, 1), T("type", coding, 0, 1),
         T("role", coding, 0, 1), T("lifecycle", coding, 0, 1), T("securityLabel", coding, 0, M),
         P("name", FK_STRING, 0, 1), P("description", FK_STRING, 0, 1), P("query", FK_BASE64, 0, 1),
         T("detail", audit_entity_detail, 0, M));
RESOURCE(audit_event, "AuditEvent", T("type", coding, 1, 1), T("subtype", coding, 0, M),
         CODE("action", 0, 1, audit_action), T("period", period, 0, 1),
         P("recorded", FK_INSTANT, 1, 1), CODE("outcome", 0, 1, audit_outcome),
         P("outcomeDesc", FK_STRING, 0, 1), CC("purposeOfEvent", 0, M),
         T("agent", audit_agent, 1, M), T("source", audit_source, 1, 1),
         T("entity", audit_entity, 0, M));

static const struct fhir_struct *const resources[] = {
    &patient,
    &organization,
    &practitioner,
    &practitioner_role,
    &encounter,
    &condition,
    &allergy_intolerance,
    &medication_request,
    &medication_statement,
    &observation,
    &diagnostic_report,
    &document_reference,
    &binary,
    &composition,
    &bundle,
    &service_request,
    &task,
    &appointment,
    &care_plan,
    &communication,
    &flag,
    &consent,
    &audit_event,
};

const struct fhir_struct *fhir_resource_struct(const char *type)
{
    if (!type)
        return NULL;
    for (size_t i = 0; i < sizeof resources / sizeof resources[0]; i++)
        if (strcmp(resources[i]->name, type) == 0)
            return resources[i];
    return NULL;
}
