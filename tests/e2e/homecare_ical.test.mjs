// SPDX-License-Identifier: Apache-2.0
// The home-care schedule's iCalendar feed (RFC 5545) read by a parser we did not write: ical.js
// (npm, Mozilla's, as Thunderbird uses it). A nurse schedules visits, makes a private link, the
// feed parses with its time zone and folded lines intact, and a revoked link
// answers 404. Needs the server only (no browser).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRequire } from 'node:module';
import path from 'node:path';
import { apiSession, repoRoot, startServer } from './server.mjs';
import { tokyoDate } from './dates.mjs';

const require = createRequire(path.join(repoRoot, 'web', 'package.json'));
const ICAL = require('ical.js');

let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

test('a staff feed parses with ical.js, in Asia/Tokyo, and a revoked link is gone', async () => {
  const nurse = await apiSession(server.baseUrl, 'vns.suzuki');
  const found = await nurse.get(`/api/patients?q=${encodeURIComponent('佐藤 一郎')}`);
  const patient = found.items.find((p) => p.name === '佐藤 一郎');
  assert.ok(patient, JSON.stringify(found));
  const date = tokyoDate(3);
  const visit = await nurse.post(`/api/patients/${patient.id}/homecare/visits`, {
    kind: 'home_nursing',
    date,
    start: '10:00',
    end: '10:45',
    staff_user_id: nurse.me.user.id,
  });
  // a long Japanese name: folded (between UTF-8 sequences), read back whole
  const label = '鈴木 恵子の訪問予定(みなみ訪問看護ステーション)月・火・金 中央町と桜台の担当分をまとめたカレンダー';
  const link = await nurse.post('/api/homecare/ical-links', { label });
  assert.equal(link.url, `/api/homecare/ical/${link.token}.ics`);

  const answer = await fetch(`${server.baseUrl}${link.url}`); // no session
  assert.equal(answer.status, 200);
  assert.match(answer.headers.get('content-type'), /^text\/calendar/);
  const text = await answer.text();
  for (const line of text.split('\r\n').slice(0, -1)) {
    assert.ok(Buffer.byteLength(line) <= 75, `longer than 75 octets: ${line}`);
  }
  assert.ok(!/[^\r]\n/.test(text), 'every line ends in CRLF');

  const calendar = new ICAL.Component(ICAL.parse(text));
  assert.equal(calendar.getFirstPropertyValue('version'), '2.0');
  assert.equal(calendar.getFirstPropertyValue('x-wr-calname'), label);
  const zone = calendar.getFirstSubcomponent('vtimezone');
  assert.equal(zone.getFirstPropertyValue('tzid'), 'Asia/Tokyo');
  ICAL.TimezoneService.register(zone);
  const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
  const event = events.find((e) => e.uid === `${visit.id}@tsunagu`);
  assert.ok(event, `no event ${visit.id} in ${events.map((e) => e.uid)}`);
  assert.equal(event.summary, '訪問看護 佐藤 一郎');
  assert.equal(event.location, patient.address ?? 'みなみ市中央町3-8-15');
  assert.equal(event.startDate.zone.tzid, 'Asia/Tokyo');
  // 10:00 in Tokyo is 01:00 UTC of the same day
  assert.equal(event.startDate.toJSDate().toISOString(), `${date}T01:00:00.000Z`);
  assert.equal(event.endDate.toJSDate().toISOString(), `${date}T01:45:00.000Z`);
  assert.equal(event.component.getFirstPropertyValue('status'), 'CONFIRMED');
  assert.equal(new Set(events.map((e) => e.uid)).size, events.length, 'one UID per visit');

  await nurse.del(`/api/homecare/ical-links/${link.id}`);
  const gone = await fetch(`${server.baseUrl}${link.url}`);
  assert.equal(gone.status, 404);
  assert.equal((await gone.json()).code, 'homecare.ical_not_found');
});
