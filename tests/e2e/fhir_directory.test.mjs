// SPDX-License-Identifier: Apache-2.0
// The facility directory as FHIR (issue 4): the Location, HealthcareService and Organization of
// every demo organisation with a directory profile, and their search Bundles, checked against
// the official R4 JSON schema (fhir_schema.mjs).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertValidR4, load as loadSchema } from './fhir_schema.mjs';
import { apiSession, startServer } from './server.mjs';

describe('directory FHIR views are valid R4', { timeout: 120_000 }, () => {
  let server;
  let session;

  before(async () => {
    loadSchema(); // seconds of compiling, done before any connection is open
    server = await startServer();
    session = await apiSession(server.baseUrl, 'gh.sato');
  });

  after(async () => {
    await server?.stop();
  });

  for (const type of ['Location', 'HealthcareService']) {
    test(`every ${type} and its search Bundle`, async () => {
      const bundle = await session.get(`/fhir/${type}?_count=200`);
      assertValidR4(bundle, `${type} search Bundle`);
      const ids = bundle.entry.map((e) => e.resource.id);
      assert.ok(ids.length >= 10, `only ${ids.length} ${type} resources`);
      for (const id of ids) {
        assertValidR4(await session.get(`/fhir/${type}/${id}`), `${type}/${id}`);
        if (type === 'Location') assertValidR4(await session.get(`/fhir/Organization/${id}`), `Organization/${id}`);
      }
    });
  }
});
