// SPDX-License-Identifier: Apache-2.0
// The /fhir API driven by a FHIR client we did not write (fhir-kit-client from npm), with every
// resource the server answers — CapabilityStatement, Bundles and each of their entries, created
// and updated resources, OperationOutcomes — checked against the official R4 JSON schema.
// Needs the server only (no browser).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { assertValidR4, load as loadSchema } from './fhir_schema.mjs';
import { tokyoDate } from './dates.mjs';
import { apiSession, findPatientId, repoRoot, startServer } from './server.mjs';

/** Imports an ESM-only package installed in web/node_modules (fhir-kit-client has no require). */
async function importFromWeb(name) {
  const dir = path.join(repoRoot, 'web', 'node_modules', name);
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const entry = pkg.exports?.['.']?.import ?? pkg.module ?? pkg.main;
  return import(pathToFileURL(path.join(dir, entry)).href);
}

const { Client } = await importFromWeb('fhir-kit-client');

const JLAC10 = 'http://medis.or.jp/CodeSystem/master-JLAC10-17digits';
const HBA1C = '3D046000001906202';
const GLUCOSE = '3D010000001926101';
const LDL = '3F077000002327101';
const UCUM = 'http://unitsofmeasure.org';
const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
const SOURCE_ORG_EXT = 'https://tsunagu.example.jp/fhir/StructureDefinition/source-organization';
const REPRESENTATION = { headers: { Prefer: 'return=representation' } };

/** Every answer of the server that was checked against the schema, for the final count. */
const checked = [];

/** Turns fhir-kit-client's HTTP error into one that says what the server answered. */
function describeHttpError(error) {
  const { status, data } = error.response;
  const { method, url } = error.config ?? {};
  return new Error(`HTTP ${status} from ${method} ${url}: ${JSON.stringify(data).slice(0, 2000)}`, {
    cause: error,
  });
}

/**
 * Wraps a fhir-kit-client Client so that every answer is schema-checked: a resolved answer must
 * be a valid R4 resource; an HTTP error must carry a valid OperationOutcome (docs/api/fhir.md),
 * which is left on error.outcome for the test.
 */
function checkingClient(client) {
  return new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      return async (...args) => {
        let answer;
        try {
          answer = await value.apply(target, args);
        } catch (error) {
          if (!error.response) {
            // No HTTP answer: connection refused or reset, timeout, …
            const cause = error.cause?.code ?? error.cause?.message ?? '';
            throw new Error(`${String(prop)}: ${error.message} ${cause}`.trim(), { cause: error });
          }
          const { data } = error.response;
          if (data?.resourceType !== 'OperationOutcome') {
            throw describeHttpError(error);
          }
          assertValidR4(data, `OperationOutcome of ${String(prop)} (HTTP ${error.response.status})`);
          checked.push('OperationOutcome');
          error.outcome = data;
          throw error;
        }
        assertValidR4(answer, `answer of ${String(prop)}`);
        checked.push(answer.resourceType);
        for (const entry of answer.entry ?? []) {
          if (entry.resource) checked.push(entry.resource.resourceType);
        }
        return answer;
      };
    },
  });
}

/** Expects the call to fail with one of `statuses`; returns the (schema-checked) OperationOutcome. */
async function expectOutcome(promise, statuses) {
  let error;
  try {
    const answer = await promise;
    assert.fail(`expected HTTP ${statuses.join('/')}, got ${JSON.stringify(answer).slice(0, 1000)}`);
  } catch (caught) {
    error = caught;
  }
  if (error instanceof assert.AssertionError) throw error;
  if (!error.response) throw error;
  assert.ok(statuses.includes(error.response.status), describeHttpError(error).message);
  assert.ok(error.outcome, 'the error carries an OperationOutcome');
  assert.ok(error.outcome.issue.length > 0);
  assert.ok(
    error.outcome.issue.some((i) => i.severity === 'error' || i.severity === 'fatal'),
    JSON.stringify(error.outcome),
  );
  return error.outcome;
}

function statusOf(answer) {
  return Client.httpFor(answer).response?.status;
}

/** The resources of a searchset Bundle that matched (not _include'd ones). */
function matches(bundle) {
  assert.equal(bundle.resourceType, 'Bundle');
  assert.equal(bundle.type, 'searchset');
  return (bundle.entry ?? []).filter((e) => (e.search?.mode ?? 'match') === 'match').map((e) => e.resource);
}

function hasCode(resource, system, code) {
  return (resource.code?.coding ?? []).some((c) => c.system === system && c.code === code);
}

function labObservation(patientId, code, display, value, unit, effective) {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: 'laboratory', display: 'Laboratory' }] }],
    code: { coding: [{ system: JLAC10, code, display }], text: display },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: effective,
    valueQuantity: { value, unit, system: UCUM, code: unit },
  };
}

describe('FHIR R4 API with fhir-kit-client', { timeout: 120_000 }, () => {
  let server;
  let fhir;
  let patientId;
  let orgId;
  const examined = `${tokyoDate(-7)}T09:30:00+09:00`; // a week ago, whatever the date

  /** A new HbA1c Observation of the demo patient (version 1, value 6.8). */
  async function createHbA1c() {
    const body = labObservation(patientId, HBA1C, 'HbA1c(NGSP)', 6.8, '%', examined);
    return fhir.create({ resourceType: 'Observation', body, options: REPRESENTATION });
  }

  before(async () => {
    loadSchema(); // seconds of compiling, done before any connection is open
    server = await startServer();
    // A client library cannot log in: an organisation administrator makes an API token for a
    // physician of みなみ総合病院, as an integration would be set up.
    const admin = await apiSession(server.baseUrl, 'gh.admin');
    const users = await admin.get('/api/users');
    const sato = users.items.find((u) => u.login === 'gh.sato');
    assert.ok(sato, JSON.stringify(users));
    const created = await admin.post('/api/tokens', { name: 'fhir-kit-client e2e', user_id: sato.id });
    orgId = created.org_id;
    patientId = await findPatientId(server.baseUrl, 'gh.sato', '山田 花子', 'GH-000001');
    fhir = checkingClient(
      new Client({
        baseUrl: `${server.baseUrl}/fhir`,
        bearerToken: created.token,
        customHeaders: { 'Accept-Language': 'en' },
      }),
    );
  });

  after(async () => {
    await server?.stop();
  });

  test('the CapabilityStatement is R4 4.0.1 and offers Observation search', async () => {
    const cs = await fhir.capabilityStatement();
    assert.equal(cs.resourceType, 'CapabilityStatement');
    assert.equal(cs.fhirVersion, '4.0.1');
    assert.equal(cs.kind, 'instance');
    assert.ok(cs.format.some((f) => /json/.test(f)), JSON.stringify(cs.format));
    const rest = cs.rest.find((r) => r.mode === 'server');
    assert.ok(rest, 'a rest entry in server mode');
    const observation = rest.resource.find((r) => r.type === 'Observation');
    assert.ok(observation, 'Observation is listed');
    const interactions = observation.interaction.map((i) => i.code);
    for (const code of ['read', 'create', 'update', 'search-type']) {
      assert.ok(interactions.includes(code), `Observation ${code} in ${interactions}`);
    }
    const params = (observation.searchParam ?? []).map((p) => p.name);
    for (const name of ['patient', 'code']) assert.ok(params.includes(name), `${name} in ${params}`);
    const system = (rest.interaction ?? []).map((i) => i.code);
    assert.ok(system.includes('transaction'), `transaction in ${system}`);
  });

  test('the Patient of GH-000001 is the regional patient', async () => {
    const bundle = await fhir.search({ resourceType: 'Patient', searchParams: { identifier: 'GH-000001' } });
    const ids = matches(bundle).map((p) => p.id);
    assert.deepEqual(ids, [patientId]);
    const patient = await fhir.read({ resourceType: 'Patient', id: patientId });
    assert.equal(patient.id, patientId);
    assert.ok(patient.identifier.some((i) => i.value === 'GH-000001'), JSON.stringify(patient.identifier));
  });

  test('creates an AllergyIntolerance', async () => {
    const body = {
      resourceType: 'AllergyIntolerance',
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
      },
      verificationStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed' }],
      },
      type: 'allergy',
      category: ['medication'],
      criticality: 'high',
      code: { text: 'ペニシリン系抗菌薬' },
      patient: { reference: `Patient/${patientId}` },
      recordedDate: tokyoDate(-7),
      reaction: [{ manifestation: [{ text: '全身の蕁麻疹' }], severity: 'moderate' }],
    };
    const created = await fhir.create({ resourceType: 'AllergyIntolerance', body, options: REPRESENTATION });
    assert.equal(statusOf(created), 201);
    assert.ok(created.id);
    assert.equal(created.meta.versionId, '1');
    assert.ok(created.meta.lastUpdated);
    assert.equal(created.patient.reference, `Patient/${patientId}`);
    assert.equal(created.code.text, 'ペニシリン系抗菌薬');
    const source = created.meta.extension?.find((e) => e.url === SOURCE_ORG_EXT);
    assert.equal(source?.valueReference?.reference, `Organization/${orgId}`, JSON.stringify(created.meta));

    const read = await fhir.read({ resourceType: 'AllergyIntolerance', id: created.id });
    assert.deepEqual(read, created);
  });

  test('creates an HbA1c Observation and finds it by patient and code', async () => {
    const hba1c = await createHbA1c();
    assert.equal(statusOf(hba1c), 201);
    assert.equal(hba1c.meta.versionId, '1');
    assert.equal(hba1c.valueQuantity.value, 6.8);
    assert.ok(hasCode(hba1c, JLAC10, HBA1C));

    const bundle = await fhir.search({
      resourceType: 'Observation',
      searchParams: { patient: patientId, code: `${JLAC10}|${HBA1C}` },
    });
    const found = matches(bundle);
    assert.ok(found.some((o) => o.id === hba1c.id), JSON.stringify(bundle).slice(0, 2000));
    for (const o of found) {
      assert.ok(hasCode(o, JLAC10, HBA1C), `search by code returned ${JSON.stringify(o.code)}`);
      assert.equal(o.subject.reference, `Patient/${patientId}`);
    }
    if (bundle.total !== undefined) assert.equal(bundle.total, found.length);
  });

  test('updates the Observation to version 2 and keeps version 1', async () => {
    const hba1c = await createHbA1c();
    // a correction of the record says why (docs/api/fhir.md, "Correcting the record")
    const reason = {
      url: 'https://tsunagu.example.jp/fhir/StructureDefinition/change-reason',
      valueString: '転記誤りの訂正',
    };
    const body = {
      ...hba1c,
      meta: { ...hba1c.meta, extension: [reason] },
      valueQuantity: { ...hba1c.valueQuantity, value: 7.1 },
    };
    const updated = await fhir.update({
      resourceType: 'Observation',
      id: hba1c.id,
      body,
      options: { headers: { 'If-Match': 'W/"1"', Prefer: 'return=representation' } },
    });
    assert.equal(statusOf(updated), 200);
    assert.equal(updated.id, hba1c.id);
    assert.equal(updated.meta.versionId, '2');
    assert.equal(updated.valueQuantity.value, 7.1);

    const current = await fhir.read({ resourceType: 'Observation', id: hba1c.id });
    assert.equal(current.meta.versionId, '2');
    const first = await fhir.vread({ resourceType: 'Observation', id: hba1c.id, version: '1' });
    assert.equal(first.valueQuantity.value, 6.8);

    // Writing on top of version 1 again is a conflict, answered with an OperationOutcome.
    await expectOutcome(
      fhir.update({ resourceType: 'Observation', id: hba1c.id, body, options: { headers: { 'If-Match': 'W/"1"' } } }),
      [409, 412],
    );
  });

  test('a transaction creates two Observations, one referring to the other by urn:uuid', async () => {
    const glucoseUrn = `urn:uuid:${randomUUID()}`;
    const panelUrn = `urn:uuid:${randomUUID()}`;
    const glucose = labObservation(patientId, GLUCOSE, 'グルコース', 126, 'mg/dL', examined);
    const panel = {
      ...labObservation(patientId, HBA1C, 'HbA1c(NGSP)', 6.9, '%', examined),
      hasMember: [{ reference: glucoseUrn }],
    };
    const answer = await fhir.transaction({
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { fullUrl: panelUrn, resource: panel, request: { method: 'POST', url: 'Observation' } },
          { fullUrl: glucoseUrn, resource: glucose, request: { method: 'POST', url: 'Observation' } },
        ],
      },
    });
    assert.equal(answer.resourceType, 'Bundle');
    assert.equal(answer.type, 'transaction-response');
    assert.equal(answer.entry.length, 2);
    const ids = answer.entry.map((entry) => {
      assert.match(entry.response.status, /^201/);
      const match = /^Observation\/([^/]+)\/_history\/1$/.exec(entry.response.location ?? '');
      assert.ok(match, `location ${entry.response.location}`);
      return match[1];
    });
    const [panelId, glucoseId] = ids;

    const storedPanel = await fhir.read({ resourceType: 'Observation', id: panelId });
    assert.deepEqual(
      storedPanel.hasMember.map((r) => r.reference),
      [`Observation/${glucoseId}`],
    );
    const storedGlucose = await fhir.read({ resourceType: 'Observation', id: glucoseId });
    assert.ok(hasCode(storedGlucose, JLAC10, GLUCOSE));
    assert.equal(storedGlucose.valueQuantity.value, 126);
  });

  test('a transaction with one invalid entry changes nothing', async () => {
    const byLdl = { patient: patientId, code: `${JLAC10}|${LDL}` };
    const beforehand = await fhir.search({ resourceType: 'Observation', searchParams: byLdl });
    const before = matches(beforehand).map((r) => r.id).sort();

    const valid = labObservation(patientId, LDL, 'LDLコレステロール', 142, 'mg/dL', '2026-11-20T09:30:00+09:00');
    const invalid = { ...valid, status: 'not-a-status' };
    await expectOutcome(
      fhir.transaction({
        body: {
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [
            { fullUrl: `urn:uuid:${randomUUID()}`, resource: valid, request: { method: 'POST', url: 'Observation' } },
            { fullUrl: `urn:uuid:${randomUUID()}`, resource: invalid, request: { method: 'POST', url: 'Observation' } },
          ],
        },
      }),
      [400, 422],
    );

    const afterwards = await fhir.search({ resourceType: 'Observation', searchParams: byLdl });
    assert.deepEqual(matches(afterwards).map((r) => r.id).sort(), before,
      'nothing of the failed transaction was stored');
    assert.equal(afterwards.total, beforehand.total);
  });

  test('an unknown id is a 404 with an OperationOutcome', async () => {
    await expectOutcome(fhir.read({ resourceType: 'Observation', id: randomUUID() }), [404]);
  });

  test('the document Bundle of a discharge summary and the whole record are valid R4', async () => {
    const found = await fhir.search({
      resourceType: 'Composition',
      searchParams: { patient: patientId, type: 'http://loinc.org|18842-5' },
    });
    const [composition] = matches(found);
    assert.ok(composition, 'the demo patient has a discharge summary');
    const doc = await fhir.operation({ name: '$document', resourceType: 'Composition', id: composition.id, method: 'get' });
    assert.equal(doc.type, 'document');
    assert.equal(doc.entry[0].resource.id, composition.id);
    const everything = await fhir.operation({ name: '$everything', resourceType: 'Patient', id: patientId, method: 'get' });
    assert.ok(everything.entry.length > 50);
  });

  test('every answer is checked against the R4 schema, errors as OperationOutcome', async () => {
    checked.length = 0;
    await fhir.capabilityStatement();
    await fhir.read({ resourceType: 'Patient', id: patientId });
    const allergies = await fhir.search({ resourceType: 'AllergyIntolerance', searchParams: { patient: patientId } });
    await fhir.read({ resourceType: 'AllergyIntolerance', id: matches(allergies)[0].id });
    await fhir.read({ resourceType: 'Observation', id: (await createHbA1c()).id });
    await expectOutcome(fhir.read({ resourceType: 'Observation', id: randomUUID() }), [404]);
    const kinds = new Set(checked);
    for (const kind of ['CapabilityStatement', 'Bundle', 'Patient', 'AllergyIntolerance', 'Observation', 'OperationOutcome']) {
      assert.ok(kinds.has(kind), `${kind} among the checked answers ${[...kinds]}`);
    }
  });
});
