// SPDX-License-Identifier: Apache-2.0
// The R4 schema check of fhir_client.test.mjs, checked itself (no server needed): the committed
// schema is the one SOURCE.md names, it compiles in ajv, accepts valid R4 resources and rejects
// invalid ones with a message that names the offending element.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { SCHEMA_PATH, assertValidR4, schemaProblems } from './fhir_schema.mjs';

const JLAC10 = 'http://medis.or.jp/CodeSystem/master-JLAC10-17digits';
const PATIENT = 'Patient/7d9f2c1e-3b4a-4c5d-8e6f-0a1b2c3d4e5f';

function observation(overrides = {}) {
  return {
    resourceType: 'Observation',
    id: 'b6a5e4d3-c2b1-4a09-8f7e-6d5c4b3a2910',
    meta: { versionId: '2', lastUpdated: '2026-11-20T09:31:02.123+09:00' },
    extension: [
      {
        url: 'https://tsunagu.example.jp/fhir/StructureDefinition/source-organization',
        valueReference: { reference: 'Organization/00000000-0000-4000-8000-000000000001', display: 'みなみ総合病院' },
      },
    ],
    status: 'final',
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] },
    ],
    code: { coding: [{ system: JLAC10, code: '3D046000001906202', display: 'HbA1c(NGSP)' }] },
    subject: { reference: PATIENT },
    effectiveDateTime: '2026-11-20T09:30:00+09:00',
    valueQuantity: { value: 6.8, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
    ...overrides,
  };
}

const VALID = {
  Observation: observation(),
  AllergyIntolerance: {
    resourceType: 'AllergyIntolerance',
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
    },
    category: ['medication'],
    criticality: 'high',
    code: { text: 'ペニシリン系抗菌薬' },
    patient: { reference: PATIENT },
    recordedDate: '2026-11-20',
  },
  OperationOutcome: {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: 'value',
        diagnostics: 'Observation.status: 値が正しくありません',
        expression: ['Observation.status'],
      },
    ],
  },
  CapabilityStatement: {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-20',
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        resource: [
          {
            type: 'Observation',
            interaction: [{ code: 'read' }, { code: 'search-type' }],
            searchParam: [{ name: 'patient', type: 'reference' }],
          },
        ],
        interaction: [{ code: 'transaction' }],
      },
    ],
  },
  'search Bundle': {
    resourceType: 'Bundle',
    type: 'searchset',
    total: 1,
    link: [{ relation: 'self', url: 'http://127.0.0.1:8080/fhir/Observation?patient=x' }],
    entry: [
      {
        fullUrl: 'http://127.0.0.1:8080/fhir/Observation/b6a5e4d3-c2b1-4a09-8f7e-6d5c4b3a2910',
        resource: observation(),
        search: { mode: 'match' },
      },
    ],
  },
  'transaction Bundle': {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: 'urn:uuid:1f0e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
        resource: observation({ id: undefined, meta: undefined, hasMember: [{ reference: 'urn:uuid:2a3b4c5d-6e7f-4809-9a1b-2c3d4e5f6a7b' }] }),
        request: { method: 'POST', url: 'Observation' },
      },
    ],
  },
};

/** JSON round trip: drops the properties the overrides set to undefined, as a server would. */
const json = (value) => JSON.parse(JSON.stringify(value));

describe('the FHIR R4 JSON schema check', { timeout: 60_000 }, () => {
  test('the committed schema is the one SOURCE.md names', () => {
    const source = readFileSync(path.join(path.dirname(SCHEMA_PATH), 'SOURCE.md'), 'utf8');
    const sha256 = createHash('sha256').update(readFileSync(SCHEMA_PATH)).digest('hex');
    assert.ok(source.includes(sha256), `sha256 ${sha256} is not in SOURCE.md`);
  });

  for (const [name, resource] of Object.entries(VALID)) {
    test(`accepts a valid ${name}`, () => {
      assert.deepEqual(schemaProblems(json(resource)), []);
      assertValidR4(json(resource));
    });
  }

  const INVALID = [
    ['an unknown status code', observation({ status: 'done' }), /\/status must be equal to one of the allowed values/],
    ['a property R4 does not have', observation({ valueText: '6.8' }), /must NOT have additional properties.*valueText/],
    ['a dateTime without a time zone', observation({ effectiveDateTime: '2026-11-20T09:30:00' }), /\/effectiveDateTime must match pattern/],
    ['a number as a string', observation({ valueQuantity: { value: '6.8', unit: '%' } }), /\/valueQuantity\/value must be number/],
    ['a missing required element', observation({ code: undefined }), /must have required property 'code'/],
    ['a bad id', observation({ id: 'has spaces' }), /\/id must match pattern/],
    ['an empty object', observation({ code: {} }), /\/code is an empty object/],
    ['an empty array', observation({ category: [] }), /\/category is an empty array/],
    ['an unknown resource type', { resourceType: 'Observations', status: 'final' }, /unknown resourceType "Observations"/],
    [
      'an invalid resource inside a Bundle',
      { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: observation({ status: 'done' }) }] },
      /\/entry\/0\/resource:\/status must be equal to one of the allowed values/,
    ],
    [
      'an unknown issue severity',
      { resourceType: 'OperationOutcome', issue: [{ severity: 'oops', code: 'value' }] },
      /\/issue\/0\/severity must be equal to one of the allowed values/,
    ],
  ];
  for (const [name, resource, message] of INVALID) {
    test(`rejects ${name}`, () => {
      const problems = schemaProblems(json(resource));
      assert.ok(problems.length > 0, 'no problem found');
      assert.match(problems.join('\n'), message);
      assert.throws(() => assertValidR4(json(resource), 'the answer'), /the answer \(\w+\) is not valid FHIR R4 JSON/);
    });
  }
});
