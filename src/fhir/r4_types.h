/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_FHIR_R4_TYPES_H
#define TSUNAGU_FHIR_R4_TYPES_H

/* The R4 base definitions tsunagu validates against, as data (FHIR R4 §2.24 datatypes and the
 * resource pages). Private to fhir/. */

enum fhir_kind {
    FK_BOOLEAN,
    FK_INTEGER,
    FK_POSITIVE_INT,
    FK_UNSIGNED_INT,
    FK_DECIMAL,
    FK_STRING,
    FK_MARKDOWN,
    FK_CODE,
    FK_ID,
    FK_URI,
    FK_BASE64,
    FK_DATE,
    FK_DATETIME,
    FK_INSTANT,
    FK_TIME,
    FK_XHTML,
    FK_COMPLEX,      /* a datatype or backbone element: see fhir_element.type */
    FK_RESOURCE,     /* a resource of a known type (contained) */
    FK_RESOURCE_ANY, /* a resource; validated if its type is known (Bundle entries) */
    FK_CHOICE,       /* name[x]: see fhir_element.choices */
};

/** Which common elements a structure has besides its own. */
enum fhir_base {
    FB_DATATYPE, /* id, extension */
    FB_BACKBONE, /* id, extension, modifierExtension */
    FB_RESOURCE, /* id, meta, implicitRules, language */
    FB_DOMAIN,   /* Resource + text, contained, extension, modifierExtension */
};

/** A `required`-strength binding: the codes allowed and, for CodeableConcept, their system. */
struct fhir_binding {
    const char *system;
    const char *const *codes; /* NULL-terminated */
};

struct fhir_struct;

/** One element; tables end with an entry whose name is NULL. */
struct fhir_element {
    const char *name; /* for a choice's alternatives, the type suffix ("Quantity") */
    enum fhir_kind kind;
    unsigned char min;
    unsigned char max; /* 1 or FHIR_MANY */
    const struct fhir_struct *type;
    const struct fhir_binding *binding;
    const struct fhir_element *choices;
};

#define FHIR_MANY 255

struct fhir_struct {
    const char *name;
    enum fhir_base base;
    const struct fhir_element *elements;
};

/** The element tables of the common bases (shared by every structure). */
extern const struct fhir_element fhir_datatype_base[];
extern const struct fhir_element fhir_backbone_extra[];
extern const struct fhir_element fhir_resource_base[];
extern const struct fhir_element fhir_domain_extra[];

/** The structure of a primitive's `_name` companion: id and extension only. */
extern const struct fhir_struct *const fhir_primitive_element;

/** The definition of a resource type tsunagu stores, or NULL. */
const struct fhir_struct *fhir_resource_struct(const char *type);

#endif
