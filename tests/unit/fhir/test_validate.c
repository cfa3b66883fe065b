/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fhir/r4_types.h"
#include "fhir/validate.h"

/* Test resources are written with ' for " to stay readable; no value contains an apostrophe. */
static json_t *load(const char *text)
{
    char *copy = strdup(text);
    assert_non_null(copy);
    for (char *p = copy; *p; p++)
        if (*p == '\'')
            *p = '"';
    json_error_t jerr;
    json_t *json = json_loads(copy, JSON_REJECT_DUPLICATES, &jerr);
    if (!json)
        fail_msg("bad test JSON at %d: %s", jerr.position, jerr.text);
    free(copy);
    return json;
}

static void assert_valid(const char *text)
{
    json_t *json = load(text);
    struct error err = {0};
    if (!fhir_validate(&err, json))
        fail_msg("rejected: %s", err.detail);
    assert_int_equal(err.code, ERR_NONE);
    json_decref(json);
}

/** Expects a refusal with code and a detail of the form "<path>: <what>". */
static void assert_invalid(const char *text, enum error_code code, const char *path)
{
    json_t *json = load(text);
    struct error err = {0};
    assert_false(fhir_validate(&err, json));
    char expected[256];
    snprintf(expected, sizeof expected, "%s: ", path);
    if (err.code != code || strncmp(err.detail, expected, strlen(expected)) != 0)
        fail_msg("expected %s at %s, got %s: %s", error_code_name(code), path,
                 error_code_name(err.code), err.detail);
    json_decref(json);
}

#define JLAC10 "'http://medis.or.jp/CodeSystem/master-JLAC10-17digits'"
#define YJ "'http://capstandard.jp/iyaku.info/CodeSystem/YJ-code'"
#define MEDIS "'http://medis.or.jp/CodeSystem/master-disease-keyNumber'"
#define CLINICAL "'http://terminology.hl7.org/CodeSystem/condition-clinical'"

static const char observation[] =
    "{'resourceType':'Observation','id':'hba1c-1',"
    "'meta':{'lastUpdated':'2026-04-01T09:30:00+09:00',"
    "'profile':['http://jpfhir.jp/fhir/core/StructureDefinition/JP_Observation_LabResult']},"
    "'status':'final',"
    "'category':[{'coding':[{'system':'http://terminology.hl7.org/CodeSystem/"
    "observation-category','code':'laboratory'}]}],"
    "'code':{'coding':[{'system':" JLAC10 ",'code':'3D046000001920402','display':'HbA1c'}]},"
    "'subject':{'reference':'Patient/p1'},'effectiveDateTime':'2026-04-01T09:00:00+09:00',"
    "'valueQuantity':{'value':6.8,'unit':'%','system':'http://unitsofmeasure.org','code':'%'},"
    "'referenceRange':[{'low':{'value':4.6},'high':{'value':6.2},'text':'4.6-6.2'}]}";

static void valid_clinical_resources(void **state)
{
    (void)state;
    assert_valid(observation);
    assert_valid("{'resourceType':'Patient','id':'p1','identifier':[{'system':'urn:oid:1.2.392."
                 "100495.20.3.51.11311234567','value':'00012345'}],'active':true,"
                 "'name':[{'use':'official','text':'山田 花子','family':'山田','given':['花子'],"
                 "'extension':[{'url':'http://hl7.org/fhir/StructureDefinition/"
                 "iso21090-EN-representation','valueCode':'IDE'}]},"
                 "{'use':'official','text':'ヤマダ ハナコ','family':'ヤマダ','given':['ハナコ']}],"
                 "'telecom':[{'system':'phone','value':'0312345678','use':'home'}],"
                 "'gender':'female','birthDate':'1948-02-29','_birthDate':{'extension':[{'url':"
                 "'http://example.jp/precision','valueString':'day'}]},"
                 "'address':[{'text':'東京都千代田区1-1','postalCode':'100-0001','country':'JP'}],"
                 "'deceasedBoolean':false}");
    assert_valid(
        "{'resourceType':'Condition','clinicalStatus':{'coding':[{'system':" CLINICAL
        ",'code':'active'}]},'verificationStatus':{'coding':[{'system':'http://"
        "terminology.hl7.org/CodeSystem/condition-ver-status','code':'confirmed'}]},"
        "'code':{'coding':[{'system':" MEDIS ",'code':'20054321','display':'2型糖尿病'}]},"
        "'subject':{'reference':'Patient/p1'},'onsetDateTime':'2019-06',"
        "'recordedDate':'2019-06-10','note':[{'text':'食事療法中','authorString':'主治医'}]}");
    assert_valid("{'resourceType':'AllergyIntolerance','clinicalStatus':{'coding':[{'system':"
                 "'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical','code':"
                 "'active'}]},'type':'allergy','category':['medication'],'criticality':'high',"
                 "'code':{'text':'ペニシリン系'},'patient':{'reference':'Patient/p1'},"
                 "'reaction':[{'manifestation':[{'text':'蕁麻疹'}],'severity':'moderate'}]}");
    assert_valid(
        "{'resourceType':'MedicationRequest','status':'active','intent':'order',"
        "'medicationCodeableConcept':{'coding':[{'system':" YJ ",'code':'3962002F1036',"
        "'display':'メトホルミン塩酸塩錠250mg'}]},'subject':{'reference':'Patient/p1'},"
        "'authoredOn':'2026-03-01','dosageInstruction':[{'text':'1回1錠 1日2回 朝夕食後',"
        "'timing':{'repeat':{'frequency':2,'period':1,'periodUnit':'d','when':['PCM','PCV']}},"
        "'doseAndRate':[{'doseQuantity':{'value':1,'unit':'錠'}}]}],"
        "'dispenseRequest':{'expectedSupplyDuration':{'value':28,'unit':'日'}}}");
    assert_valid("{'resourceType':'MedicationStatement','status':'active','medicationReference':"
                 "{'reference':'#m1'},'subject':{'reference':'Patient/p1'},'contained':[{"
                 "'resourceType':'Binary','id':'m1','contentType':'text/plain','data':'5pyN6Jas'}],"
                 "'effectivePeriod':{'start':'2025-01-01'}}");
    assert_valid("{'resourceType':'DiagnosticReport','status':'final','code':{'text':'血液検査'},"
                 "'subject':{'reference':'Patient/p1'},'issued':'2026-04-01T10:00:00.000Z',"
                 "'result':[{'reference':'Observation/hba1c-1'}]}");
    assert_valid("{'resourceType':'Encounter','status':'finished','class':{'system':'http://"
                 "terminology.hl7.org/CodeSystem/v3-ActCode','code':'IMP'},'subject':{'reference':"
                 "'Patient/p1'},'period':{'start':'2026-02-01','end':'2026-02-14'},"
                 "'hospitalization':{'dischargeDisposition':{'text':'自宅'}}}");
    assert_valid("{'resourceType':'Flag','status':'active','code':{'text':'MRSA保菌'},"
                 "'subject':{'reference':'Patient/p1'}}");
}

static void valid_directory_and_workflow_resources(void **state)
{
    (void)state;
    assert_valid("{'resourceType':'Organization','identifier':[{'system':'http://jpfhir.jp/fhir/"
                 "core/IdSystem/insurance-medical-institution-no','value':'1311234567'}],"
                 "'name':'つなぐ市民病院','type':[{'text':'病院'}]}");
    assert_valid("{'resourceType':'Practitioner','name':[{'family':'佐藤','given':['一郎']}],"
                 "'qualification':[{'code':{'text':'医師'}}]}");
    assert_valid("{'resourceType':'PractitionerRole','practitioner':{'reference':'Practitioner/1'},"
                 "'organization':{'reference':'Organization/1'},'availableTime':[{'daysOfWeek':"
                 "['mon','tue'],'availableStartTime':'09:00:00','availableEndTime':'17:00:00'}]}");
    assert_valid("{'resourceType':'ServiceRequest','status':'active','intent':'order',"
                 "'code':{'text':'腹部CT'},'subject':{'reference':'Patient/p1'},"
                 "'occurrenceDateTime':'2026-05-01T10:00:00+09:00'}");
    assert_valid("{'resourceType':'Task','status':'requested','intent':'order','for':{"
                 "'reference':'Patient/p1'},'input':[{'type':{'text':'紹介状'},"
                 "'valueReference':{'reference':'DocumentReference/d1'}}]}");
    assert_valid("{'resourceType':'Appointment','status':'booked','start':'2026-05-01T01:00:00Z',"
                 "'end':'2026-05-01T01:30:00Z','participant':[{'actor':{'reference':'Patient/p1'},"
                 "'status':'accepted'}]}");
    assert_valid("{'resourceType':'CarePlan','status':'active','intent':'plan','subject':"
                 "{'reference':'Patient/p1'},'activity':[{'detail':{'status':'in-progress',"
                 "'description':'訪問看護 週2回'}}]}");
    assert_valid("{'resourceType':'Communication','status':'completed','payload':[{"
                 "'contentString':'退院調整のご連絡'}],'sent':'2026-02-10T15:00:00+09:00'}");
    assert_valid("{'resourceType':'Consent','status':'active','scope':{'coding':[{'system':"
                 "'http://terminology.hl7.org/CodeSystem/consentscope','code':'patient-privacy'}]},"
                 "'category':[{'text':'地域医療連携'}],'patient':{'reference':'Patient/p1'},"
                 "'provision':{'type':'permit','provision':[{'type':'deny','actor':[{'role':{"
                 "'text':'薬局'},'reference':{'reference':'Organization/9'}}]}]}}");
    assert_valid("{'resourceType':'AuditEvent','type':{'code':'rest'},'action':'R','recorded':"
                 "'2026-04-01T00:00:00Z','outcome':'0','agent':[{'requestor':true,'who':{"
                 "'reference':'Practitioner/1'}}],'source':{'observer':{'display':'tsunagu'}}}");
}

static void valid_documents_and_bundles(void **state)
{
    (void)state;
    assert_valid("{'resourceType':'Binary','contentType':'application/pdf','data':'JVBERi0xLjQK'}");
    assert_valid("{'resourceType':'DocumentReference','status':'current','type':{'text':"
                 "'診療情報提供書'},'subject':{'reference':'Patient/p1'},'content':[{'attachment':"
                 "{'contentType':'application/pdf','url':'Binary/b1','size':1024}}]}");
    assert_valid("{'resourceType':'Composition','status':'final','type':{'text':'退院時サマリー'},"
                 "'date':'2026-02-14','author':[{'reference':'Practitioner/1'}],'title':"
                 "'退院時サマリー','text':{'status':'generated','div':'<div xmlns=\\'http://"
                 "www.w3.org/1999/xhtml\\'>要約</div>'},'section':[{'title':'入院経過',"
                 "'section':[{'title':'処方','entry':[{'reference':'MedicationRequest/1'}]}]}]}");
    char bundle[4096];
    snprintf(bundle, sizeof bundle,
             "{'resourceType':'Bundle','type':'transaction','entry':[{'fullUrl':'urn:uuid:"
             "0f7c3a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b','resource':%s,'request':{'method':'POST',"
             "'url':'Observation'}}]}",
             observation);
    assert_valid(bundle);
    assert_valid("{'resourceType':'Bundle','type':'searchset','total':1,'link':[{'relation':"
                 "'self','url':'http://localhost/fhir/Flag'}],'entry':[{'resource':{"
                 "'resourceType':'OperationOutcome','issue':[]},'search':{'mode':'outcome'}}]}");
}

static void bundle_invariants(void **state)
{
    (void)state;
    assert_valid("{'resourceType':'Bundle','type':'document','identifier':{'system':"
                 "'urn:ietf:rfc:3986','value':'urn:uuid:6a0e1c52-3b4d-4e8f-9a1b-2c3d4e5f6a7b'},"
                 "'timestamp':'2026-02-14T17:00:00+09:00','entry':[{'fullUrl':'urn:uuid:1',"
                 "'resource':{'resourceType':'Composition','status':'final','type':{'text':"
                 "'退院時サマリー'},'date':'2026-02-14','author':[{'display':'佐藤 一郎'}],"
                 "'title':'退院時サマリー'}},{'fullUrl':'urn:uuid:2','resource':{'resourceType':"
                 "'Patient','name':[{'text':'山田 花子'}]}}],'signature':{'type':[{'system':"
                 "'urn:iso-astm:E1762-95:2013','code':'1.2.840.10065.1.12.1.1'}],'when':"
                 "'2026-02-14T17:05:00+09:00','who':{'reference':'Practitioner/1'},"
                 "'data':'TUlJQ2R6Q0NBZCtnQXdJQkFnSUI='}}");
    assert_invalid("{'resourceType':'Bundle','type':'transaction','entry':[{'resource':{"
                   "'resourceType':'Patient','active':true}}]}",
                   ERR_FHIR_INVALID, "Bundle.entry[0]");
    assert_invalid("{'resourceType':'Bundle','type':'searchset','entry':[{'resource':{"
                   "'resourceType':'Patient','active':true},'request':{'method':'GET','url':"
                   "'Patient'}}]}",
                   ERR_FHIR_INVALID, "Bundle.entry[0]");
    assert_invalid("{'resourceType':'Bundle','type':'collection','total':3}", ERR_FHIR_INVALID,
                   "Bundle");
    assert_invalid("{'resourceType':'Bundle','type':'document','identifier':{'system':'urn:x',"
                   "'value':'1'},'timestamp':'2026-02-14T17:00:00Z','entry':[{'resource':{"
                   "'resourceType':'Patient','active':true}}]}",
                   ERR_FHIR_INVALID, "Bundle");
    assert_invalid("{'resourceType':'Bundle','type':'batch-response','entry':[{'resource':{"
                   "'resourceType':'Patient','active':true}}]}",
                   ERR_FHIR_INVALID, "Bundle.entry[0]");
}

static void primitive_extensions(void **state)
{
    (void)state;
    // R4 §2.6.2.3: repeating primitives pair with a `_name` array; null fills the gaps
    assert_valid("{'resourceType':'Patient','name':[{'given':[null,'花子'],'_given':[{"
                 "'extension':[{'url':'http://hl7.org/fhir/StructureDefinition/"
                 "data-absent-reason','valueCode':'masked'}]},null]}]}");
    assert_valid("{'resourceType':'Patient','_gender':{'extension':[{'url':'http://hl7.org/fhir/"
                 "StructureDefinition/data-absent-reason','valueCode':'asked-declined'}]}}");
    assert_valid("{'resourceType':'Observation','_status':{'extension':[{'url':'http://hl7.org/"
                 "fhir/StructureDefinition/data-absent-reason','valueCode':'unknown'}]},"
                 "'code':{'text':'x'}}");
    assert_invalid("{'resourceType':'Patient','name':[{'given':[null,'花子']}]}", ERR_FHIR_TYPE,
                   "Patient.name[0].given[0]");
    assert_invalid("{'resourceType':'Patient','name':[{'given':['花子'],'_given':[{'id':'a'},"
                   "null]}]}",
                   ERR_FHIR_CARDINALITY, "Patient.name[0].given");
    assert_invalid("{'resourceType':'Patient','name':[{'given':[null],'_given':[null]}]}",
                   ERR_FHIR_TYPE, "Patient.name[0].given[0]");
    assert_invalid("{'resourceType':'Patient','_gender':{'url':'x'}}", ERR_FHIR_UNKNOWN_ELEMENT,
                   "Patient._gender.url");
}

static void extension_and_reference_invariants(void **state)
{
    (void)state;
    assert_valid("{'resourceType':'Patient','extension':[{'url':'http://example.jp/ext',"
                 "'extension':[{'url':'part','valueString':'a'}]}]}");
    // R4 ext-1: a value or nested extensions, not both and not neither
    assert_invalid("{'resourceType':'Patient','extension':[{'url':'http://example.jp/ext'}]}",
                   ERR_FHIR_INVALID, "Patient.extension[0]");
    assert_invalid("{'resourceType':'Patient','extension':[{'url':'http://example.jp/ext',"
                   "'valueString':'a','extension':[{'url':'part','valueString':'b'}]}]}",
                   ERR_FHIR_INVALID, "Patient.extension[0]");
    assert_invalid("{'resourceType':'Patient','modifierExtension':[{'url':'u','valueFoo':1}]}",
                   ERR_FHIR_UNKNOWN_ELEMENT, "Patient.modifierExtension[0].valueFoo");
    // R4 ref-1: "#id" names a contained resource of the same container
    assert_invalid("{'resourceType':'Flag','status':'active','code':{'text':'x'},'subject':{"
                   "'reference':'#nobody'}}",
                   ERR_FHIR_INVALID, "Flag.subject.reference");
    assert_valid("{'resourceType':'Bundle','type':'collection','entry':[{'resource':{"
                 "'resourceType':'Flag','status':'active','code':{'text':'x'},'subject':{"
                 "'reference':'#p'},'contained':[{'resourceType':'Patient','id':'p',"
                 "'managingOrganization':{'reference':'#'}}]}}]}");
    assert_invalid("{'resourceType':'Bundle','type':'collection','entry':[{'resource':{"
                   "'resourceType':'Patient','id':'p','contained':[{'resourceType':'Patient',"
                   "'id':'q'}]}},{'resource':{'resourceType':'Flag','status':'active','code':{"
                   "'text':'x'},'subject':{'reference':'#q'}}}]}",
                   ERR_FHIR_INVALID, "Bundle.entry[1].resource.subject.reference");
}

static void unknown_elements_refused(void **state)
{
    (void)state;
    assert_invalid("{'resourceType':'Flag','status':'active','code':{'text':'x'},'subject':"
                   "{'reference':'Patient/p1'},'colour':'red'}",
                   ERR_FHIR_UNKNOWN_ELEMENT, "Flag.colour");
    assert_invalid("{'resourceType':'Observation','status':'final','code':{'coding':[{'system':"
                   "'a'},{'sytem':'b'}]}}",
                   ERR_FHIR_UNKNOWN_ELEMENT, "Observation.code.coding[1].sytem");
    assert_invalid("{'resourceType':'Observation','status':'final','code':{'text':'x'},"
                   "'valueMoney':{'value':1}}",
                   ERR_FHIR_UNKNOWN_ELEMENT, "Observation.valueMoney");
    assert_invalid("{'resourceType':'Flag','status':'active','code':{'text':'x'},'subject':"
                   "{'reference':'Patient/p1'},'_code':{}}",
                   ERR_FHIR_UNKNOWN_ELEMENT, "Flag._code");
}

static void wrong_json_types_refused(void **state)
{
    (void)state;
    assert_invalid("{'resourceType':'Observation','status':'final','code':{'coding':[{'system':"
                   "'a'},{'system':7}]}}",
                   ERR_FHIR_TYPE, "Observation.code.coding[1].system");
    assert_invalid("{'resourceType':'Patient','active':'yes'}", ERR_FHIR_TYPE, "Patient.active");
    assert_invalid("{'resourceType':'Patient','name':['山田']}", ERR_FHIR_TYPE, "Patient.name[0]");
    assert_invalid("{'resourceType':'Appointment','status':'booked','minutesDuration':1.5,"
                   "'participant':[{'status':'accepted'}]}",
                   ERR_FHIR_TYPE, "Appointment.minutesDuration");
    assert_invalid("{'resourceType':'Appointment','status':'booked','minutesDuration':0,"
                   "'participant':[{'status':'accepted'}]}",
                   ERR_FHIR_FORMAT, "Appointment.minutesDuration");
}

static void bad_primitive_formats_refused(void **state)
{
    (void)state;
    assert_invalid("{'resourceType':'Patient','birthDate':'2026-13-40'}", ERR_FHIR_FORMAT,
                   "Patient.birthDate");
    assert_invalid("{'resourceType':'Patient','birthDate':'2025-02-29'}", ERR_FHIR_FORMAT,
                   "Patient.birthDate");
    assert_invalid("{'resourceType':'Patient','id':'has space'}", ERR_FHIR_FORMAT, "Patient.id");
    assert_invalid("{'resourceType':'Patient','meta':{'lastUpdated':'2026-04-01'}}",
                   ERR_FHIR_FORMAT, "Patient.meta.lastUpdated");
    assert_invalid("{'resourceType':'Flag','status':'active','code':{'text':'x'},'subject':"
                   "{'reference':'Patient/p1'},'period':{'start':'2026-04-01T09:00:00'}}",
                   ERR_FHIR_FORMAT, "Flag.period.start");
    assert_invalid("{'resourceType':'Patient','name':[{'given':['  ']}]}", ERR_FHIR_FORMAT,
                   "Patient.name[0].given[0]");
    assert_invalid("{'resourceType':'Binary','contentType':'application/pdf','data':'@@'}",
                   ERR_FHIR_FORMAT, "Binary.data");
}

static void missing_required_refused(void **state)
{
    (void)state;
    assert_invalid("{'resourceType':'Observation','code':{'text':'x'}}", ERR_FHIR_REQUIRED,
                   "Observation.status");
    assert_invalid("{'resourceType':'Observation','status':'final'}", ERR_FHIR_REQUIRED,
                   "Observation.code");
    assert_invalid("{'resourceType':'MedicationRequest','status':'active','intent':'order',"
                   "'subject':{'reference':'Patient/p1'}}",
                   ERR_FHIR_REQUIRED, "MedicationRequest.medication[x]");
    assert_invalid("{'resourceType':'Patient','extension':[{'valueString':'x'}]}",
                   ERR_FHIR_REQUIRED, "Patient.extension[0].url");
}

static void cardinality_refused(void **state)
{
    (void)state;
    assert_invalid("{'resourceType':'Observation','status':'final','code':[{'text':'x'}]}",
                   ERR_FHIR_CARDINALITY, "Observation.code");
    assert_invalid("{'resourceType':'Patient','identifier':{'value':'1'}}", ERR_FHIR_CARDINALITY,
                   "Patient.identifier");
    assert_invalid("{'resourceType':'Patient','identifier':[]}", ERR_FHIR_CARDINALITY,
                   "Patient.identifier");
    // R4 ele-1: every element has a value or children
    assert_invalid("{'resourceType':'Patient','maritalStatus':{}}", ERR_FHIR_INVALID,
                   "Patient.maritalStatus");
    assert_invalid("{'resourceType':'Observation','status':'final','code':{'text':'x'},"
                   "'valueString':'陽性','valueBoolean':true}",
                   ERR_FHIR_CARDINALITY, "Observation.value[x]");
}

static void required_bindings_refused(void **state)
{
    (void)state;
    assert_invalid("{'resourceType':'Observation','status':'done','code':{'text':'x'}}",
                   ERR_FHIR_CODE, "Observation.status");
    assert_invalid("{'resourceType':'Patient','gender':'F'}", ERR_FHIR_CODE, "Patient.gender");
    assert_invalid("{'resourceType':'Patient','telecom':[{'system':'phone','use':'mobile'},"
                   "{'system':'line','value':'x'}]}",
                   ERR_FHIR_CODE, "Patient.telecom[1].system");
    assert_invalid("{'resourceType':'MedicationStatement','status':'active','medicationReference':"
                   "{'reference':'Medication/1'},'subject':{'reference':'Patient/p1'},'dosage':[{"
                   "'timing':{'repeat':{'when':['PCM','AFTER_MEALS']}}}]}",
                   ERR_FHIR_CODE, "MedicationStatement.dosage[0].timing.repeat.when[1]");
    assert_invalid("{'resourceType':'AllergyIntolerance','criticality':'medium','patient':"
                   "{'reference':'Patient/p1'}}",
                   ERR_FHIR_CODE, "AllergyIntolerance.criticality");
    assert_invalid("{'resourceType':'Condition','subject':{'reference':'Patient/p1'},"
                   "'clinicalStatus':{'coding':[{'system':" CLINICAL ",'code':'cured'}]}}",
                   ERR_FHIR_CODE, "Condition.clinicalStatus.coding[0].code");
    assert_invalid("{'resourceType':'Condition','subject':{'reference':'Patient/p1'},"
                   "'clinicalStatus':{'text':'active'}}",
                   ERR_FHIR_CODE, "Condition.clinicalStatus");
    assert_invalid("{'resourceType':'MedicationRequest','status':'active','intent':'wish',"
                   "'medicationReference':{'reference':'Medication/1'},'subject':{'reference':"
                   "'Patient/p1'}}",
                   ERR_FHIR_CODE, "MedicationRequest.intent");
}

static void resource_types(void **state)
{
    (void)state;
    assert_true(fhir_type_known("Patient"));
    assert_true(fhir_type_known("AuditEvent"));
    assert_false(fhir_type_known("Medication"));
    assert_false(fhir_type_known(NULL));
    json_t *json = load("{'resourceType':'Spaceship'}");
    struct error err = {0};
    assert_false(fhir_validate(&err, json));
    assert_int_equal(err.code, ERR_FHIR_UNKNOWN_TYPE);
    json_decref(json);
    json = json_array();
    error_clear(&err);
    assert_false(fhir_validate(&err, json));
    assert_int_equal(err.code, ERR_FHIR_INVALID);
    json_decref(json);
    assert_invalid("{'resourceType':'Patient','contained':[{'resourceType':'Spaceship'}]}",
                   ERR_FHIR_UNKNOWN_TYPE, "Patient.contained[0]");
}

static void nested_resources_validated(void **state)
{
    (void)state;
    assert_invalid("{'resourceType':'Patient','contained':[{'resourceType':'Observation',"
                   "'code':{'text':'x'}}]}",
                   ERR_FHIR_REQUIRED, "Patient.contained[0].status");
    assert_invalid(
        "{'resourceType':'Bundle','type':'batch','entry':[{'resource':{"
        "'resourceType':'Flag','status':'on','code':{'text':'x'},'subject':{'display':'a'}}}]}",
        ERR_FHIR_CODE, "Bundle.entry[0].resource.status");
    assert_invalid("{'resourceType':'Bundle','type':'document2'}", ERR_FHIR_CODE, "Bundle.type");
    // R4 dom-2: no contained resources inside a contained resource
    assert_invalid("{'resourceType':'Patient','contained':[{'resourceType':'Patient',"
                   "'contained':[{'resourceType':'Patient'}]}]}",
                   ERR_FHIR_INVALID, "Patient.contained[0]");
}

static void deep_nesting_refused(void **state)
{
    (void)state;
    // Composition.section nests without limit in R4; the walker stops at FHIR_DEPTH_MAX.
    char text[8192] = "{'resourceType':'Composition','status':'final','type':{'text':'x'},"
                      "'date':'2026','author':[{'display':'a'}],'title':'t','section':";
    for (int i = 0; i < 40; i++)
        strcat(text, "[{'title':'s','section':");
    strcat(text, "[{'title':'leaf'}]");
    for (int i = 0; i < 40; i++)
        strcat(text, "}]");
    strcat(text, "}");
    json_t *json = load(text);
    struct error err = {0};
    assert_false(fhir_validate(&err, json));
    assert_int_equal(err.code, ERR_FHIR_TOO_COMPLEX);
    assert_non_null(strstr(err.detail, "Composition.section[0].section[0]"));
    json_decref(json);
}

static const char *const stored_types[] = {
    "Patient",
    "Organization",
    "Practitioner",
    "PractitionerRole",
    "Encounter",
    "Condition",
    "AllergyIntolerance",
    "MedicationRequest",
    "MedicationStatement",
    "Observation",
    "DiagnosticReport",
    "DocumentReference",
    "Binary",
    "Composition",
    "Bundle",
    "ServiceRequest",
    "Task",
    "Appointment",
    "CarePlan",
    "Communication",
    "Flag",
    "Consent",
    "AuditEvent",
};

static void check_table(const struct fhir_element *table, unsigned depth);

static void check_element(const struct fhir_element *e, unsigned depth)
{
    if (e->min > 1 || (e->max != 1 && e->max != FHIR_MANY) || (e->kind == FK_COMPLEX) != !!e->type)
        fail_msg("bad table entry %s", e->name);
    if (e->binding)
        assert_non_null(e->binding->codes[0]);
    if (e->kind == FK_CHOICE) {
        assert_non_null(e->choices);
        for (const struct fhir_element *c = e->choices; c->name; c++)
            if (c->name[0] < 'A' || c->name[0] > 'Z' || c->kind == FK_CHOICE)
                fail_msg("bad choice %s%s", e->name, c->name);
        check_table(e->choices, depth + 1);
    }
    if (e->type && depth < 6) // recursive structures (sections, provisions) end somewhere
        check_table(e->type->elements, depth + 1);
}

static void check_table(const struct fhir_element *table, unsigned depth)
{
    for (const struct fhir_element *e = table; e->name; e++) {
        for (const struct fhir_element *other = e + 1; other->name; other++)
            if (strcmp(e->name, other->name) == 0)
                fail_msg("duplicate element %s", e->name);
        check_element(e, depth);
    }
}

/** The tables themselves: well formed, no duplicates, no clash with the common elements. */
static void tables_well_formed(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof stored_types / sizeof stored_types[0]; i++) {
        const struct fhir_struct *s = fhir_resource_struct(stored_types[i]);
        assert_non_null(s);
        assert_string_equal(s->name, stored_types[i]);
        assert_true(fhir_type_known(stored_types[i]));
        check_table(s->elements, 0);
        for (const struct fhir_element *e = s->elements; e->name; e++)
            for (const struct fhir_element *base = fhir_domain_extra; base->name; base++)
                if (strcmp(e->name, base->name) == 0 || strcmp(e->name, "meta") == 0)
                    fail_msg("%s.%s repeats a common element", s->name, e->name);
    }
}

static void required_elements_per_type(void **state)
{
    (void)state;
    assert_invalid("{'resourceType':'Composition','status':'final','type':{'text':'x'},'date':"
                   "'2026','author':[{'display':'a'}]}",
                   ERR_FHIR_REQUIRED, "Composition.title");
    assert_invalid("{'resourceType':'DocumentReference','status':'current'}", ERR_FHIR_REQUIRED,
                   "DocumentReference.content");
    assert_invalid("{'resourceType':'AuditEvent','type':{'code':'rest'},'recorded':"
                   "'2026-04-01T00:00:00Z','agent':[{'requestor':false}]}",
                   ERR_FHIR_REQUIRED, "AuditEvent.source");
    assert_invalid("{'resourceType':'Binary'}", ERR_FHIR_REQUIRED, "Binary.contentType");
    assert_invalid("{'resourceType':'Binary','contentType':'text/plain','text':{'status':"
                   "'empty','div':'<div/>'}}",
                   ERR_FHIR_UNKNOWN_ELEMENT, "Binary.text");
    assert_invalid("{'resourceType':'Encounter','status':'finished'}", ERR_FHIR_REQUIRED,
                   "Encounter.class");
    assert_invalid("{'resourceType':'Appointment','status':'booked'}", ERR_FHIR_REQUIRED,
                   "Appointment.participant");
    assert_invalid("{'resourceType':'Consent','status':'active','scope':{'text':'x'}}",
                   ERR_FHIR_REQUIRED, "Consent.category");
    assert_invalid("{'resourceType':'Task','status':'ready','intent':'order','input':[{'type':"
                   "{'text':'x'}}]}",
                   ERR_FHIR_REQUIRED, "Task.input[0].value[x]");
    assert_invalid("{'resourceType':'Communication','status':'completed','payload':[{"
                   "'contentString':'a','contentAttachment':{'title':'b'}}]}",
                   ERR_FHIR_CARDINALITY, "Communication.payload[0].content[x]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_clinical_resources),
        cmocka_unit_test(valid_directory_and_workflow_resources),
        cmocka_unit_test(valid_documents_and_bundles),
        cmocka_unit_test(bundle_invariants),
        cmocka_unit_test(primitive_extensions),
        cmocka_unit_test(extension_and_reference_invariants),
        cmocka_unit_test(unknown_elements_refused),
        cmocka_unit_test(wrong_json_types_refused),
        cmocka_unit_test(bad_primitive_formats_refused),
        cmocka_unit_test(missing_required_refused),
        cmocka_unit_test(cardinality_refused),
        cmocka_unit_test(required_bindings_refused),
        cmocka_unit_test(resource_types),
        cmocka_unit_test(nested_resources_validated),
        cmocka_unit_test(deep_nesting_refused),
        cmocka_unit_test(tables_well_formed),
        cmocka_unit_test(required_elements_per_type),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
