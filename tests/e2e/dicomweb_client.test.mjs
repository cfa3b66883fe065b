// SPDX-License-Identifier: Apache-2.0
// /dicom-web driven by a DICOMweb client we did not write (dicomweb-client from npm, as OHIF and
// Slim use it): it stores (STOW-RS), searches (QIDO-RS) and retrieves (WADO-RS) with an API
// token. The library is written for browsers (XMLHttpRequest); under Node it runs on the small
// XMLHttpRequest below, made of Node's own fetch, so no other package is needed.
// Needs the server only (no browser); the instances are made by pydicom (tests/api helpers).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { apiSession, repoRoot, startServer } from './server.mjs';

const require = createRequire(path.join(repoRoot, 'web', 'package.json'));
const { api } = require('dicomweb-client');

/** The part of XMLHttpRequest dicomweb-client uses, on fetch. */
class FetchXMLHttpRequest {
  constructor() {
    this.readyState = 0;
    this.status = 0;
    this.responseType = '';
    this.response = null;
    this.requestHeaders = {};
    this.responseHeaders = new Headers();
  }

  open(method, url) {
    this.method = method;
    this.url = url;
    this.readyState = 1;
  }

  setRequestHeader(name, value) {
    this.requestHeaders[name] = value;
  }

  getResponseHeader(name) {
    return this.responseHeaders.get(name);
  }

  getAllResponseHeaders() {
    return [...this.responseHeaders].map(([k, v]) => `${k}: ${v}\r\n`).join('');
  }

  send(body) {
    fetch(this.url, { method: this.method, headers: this.requestHeaders, body })
      .then(async (answer) => {
        this.status = answer.status;
        this.responseHeaders = answer.headers;
        const bytes = await answer.arrayBuffer();
        if (this.responseType === 'arraybuffer') this.response = bytes;
        else {
          const text = new TextDecoder().decode(bytes);
          this.response = this.responseType === 'json' && text ? JSON.parse(text) : text;
        }
      })
      .catch(() => (this.status = 0))
      .finally(() => {
        this.readyState = 4;
        this.onreadystatechange?.();
        this.onloadend?.();
      });
  }
}
globalThis.XMLHttpRequest = FetchXMLHttpRequest;

/** Part 10 instances of 山田 花子 (her local id at みなみ総合病院) made by pydicom: a CT series of two
 *  and an RLE multi-frame image, in one new study. Returns { study, files: [Buffer] }. */
function makeInstances() {
  const script = `
import base64, json, sys
sys.path.insert(0, ${JSON.stringify(path.join(repoRoot, 'tests', 'api'))})
from dicomweb_helpers import make_instance, uid
st, ct, ot = uid(), uid(), uid()
name = "Yamada^Hanako=山田^花子=やまだ^はなこ"
files = [make_instance("CT_small.dcm", st, ct, "GH-000001", name, date="20240301", instance_number=n)
         for n in (1, 2)]
files.append(make_instance("SC_rgb_rle_2frame.dcm", st, ot, "GH-000001", name, date="20240301",
                           series_number=2))
print(json.dumps({"study": st, "files": [base64.b64encode(f).decode() for f in files]}))
`;
  const out = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' }));
  return { study: out.study, files: out.files.map((b) => Buffer.from(b, 'base64')) };
}

const tag = (item, t) => item[t]?.Value?.[0];
let server;
let client;
let made;

before(async () => {
  server = await startServer();
  // A client library cannot log in: an organisation administrator makes an API token for a
  // physician of みなみ総合病院, and the client sends it as a bearer token.
  const admin = await apiSession(server.baseUrl, 'gh.admin');
  const users = await admin.get('/api/users');
  const sato = users.items.find((u) => u.login === 'gh.sato');
  assert.ok(sato, JSON.stringify(users));
  const created = await admin.post('/api/tokens', { name: 'dicomweb-client e2e', user_id: sato.id });
  client = new api.DICOMwebClient({
    url: `${server.baseUrl}/dicom-web`,
    headers: { Authorization: `Bearer ${created.token}` },
  });
  made = makeInstances();
});

after(async () => {
  await server?.stop();
});

test('dicomweb-client stores, searches and retrieves a study', async () => {
  const stored = await client.storeInstances({
    datasets: made.files.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
  });
  assert.ok(stored, 'STOW-RS answered');

  const studies = await client.searchForStudies({ queryParams: { PatientID: 'GH-000001', StudyDate: '20240301' } });
  assert.deepEqual(studies.map((s) => tag(s, '0020000D')), [made.study]);
  assert.equal(tag(studies[0], '00201208'), 3);
  assert.deepEqual(tag(studies[0], '00100010'), {
    Alphabetic: 'Yamada^Hanako',
    Ideographic: '山田^花子',
    Phonetic: 'やまだ^はなこ',
  });
  const fuzzy = await client.searchForStudies({ queryParams: { PatientName: 'ﾔﾏﾀﾞ', fuzzymatching: 'true' } });
  assert.ok(fuzzy.some((s) => tag(s, '0020000D') === made.study));

  const series = await client.searchForSeries({ studyInstanceUID: made.study });
  assert.deepEqual(series.map((s) => tag(s, '00080060')).sort(), ['CT', 'OT']);
  const ct = series.find((s) => tag(s, '00080060') === 'CT');
  const instances = await client.searchForInstances({
    studyInstanceUID: made.study,
    seriesInstanceUID: tag(ct, '0020000E'),
  });
  assert.equal(instances.length, 2);

  // WADO-RS: the study as stored, byte for byte
  const retrieved = await client.retrieveStudy({ studyInstanceUID: made.study });
  const got = retrieved.map((b) => Buffer.from(b).toString('base64')).sort();
  assert.deepEqual(got, made.files.map((b) => b.toString('base64')).sort());

  const metadata = await client.retrieveStudyMetadata({ studyInstanceUID: made.study });
  assert.equal(metadata.length, 3);
  assert.ok(metadata.every((m) => tag(m, '0020000D') === made.study));

  const sop = tag(instances[0], '00080018');
  const ids = { studyInstanceUID: made.study, seriesInstanceUID: tag(ct, '0020000E'), sopInstanceUID: sop };
  const [frame] = await client.retrieveInstanceFrames({ ...ids, frameNumbers: [1] });
  assert.equal(frame.byteLength, 128 * 128 * 2);
  const rendered = await client.retrieveInstanceRendered({ ...ids, mediaTypes: [{ mediaType: 'image/png' }] });
  const png = new Uint8Array(Array.isArray(rendered) ? rendered[0] : rendered);
  assert.deepEqual([...png.slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
});
