// SPDX-License-Identifier: Apache-2.0
// Home care at the bedside (issue 16): a nurse on a tablet fills a 訪問看護 record, loses the
// connection and submits (the draft stays in the browser, marked 未送信), comes back online and it
// is sent once; the physician's timeline, open the whole time, shows it without a reload. Also an
// impossible vital refused beside its field with nothing stored, and the timeline's posts: a
// mention, a reply in the thread, read receipts per person.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { TABLET, assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { tokyoDate, tokyoDateParts } from './dates.mjs';
import { apiSession, findPatientId } from './server.mjs';

// 佐藤 一郎: his home-care team has あおば在宅クリニック and みなみ訪問看護ステーション, with consent
const PATIENT = ['佐藤 一郎', 'GH-000002'];

/** The current user's drafts of visit records kept in the page's localStorage. */
function localDrafts(page) {
  return page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tsunagu.homecare.record-draft.')).map((k) => JSON.parse(localStorage.getItem(k))));
}

/** The patient's visit records (every page) holding this hand-over text, as the server has them. */
async function recordsWithHandover(session, patientId, handover) {
  const found = [];
  let cursor = '';
  for (let page = 0; page < 20; page++) {
    const answer = await session.get(`/api/patients/${patientId}/homecare/records?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    found.push(...answer.items.filter((r) => r.handover === handover));
    if (!answer.next_cursor) break;
    cursor = answer.next_cursor;
  }
  return found;
}

/** Each control is big enough for a finger (44 px). */
async function assertTouchSized(page, testids) {
  for (const testid of testids) {
    const box = await page.getByTestId(testid).first().boundingBox();
    assert.ok(box && box.height >= 44, `${testid} is ${box?.height} px high`);
  }
}

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A small PNG of one colour (what a tablet camera would send, smaller). */
function png(width, height) {
  const chunk = (kind, payload) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(payload.length);
    const body = Buffer.concat([Buffer.from(kind, 'latin1'), payload]);
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc32(body));
    return Buffer.concat([head, body, tail]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0xc0)]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Opens a section of the patient's 在宅 tab and waits for it. */
async function openSection(page, patientId, section, ready) {
  await page.goto(`/#/patients/${patientId}/homecare/${section}`);
  await page.getByTestId(ready).first().waitFor();
}

async function newNursingRecord(page, patientId) {
  await openSection(page, patientId, 'records', 'rec-new');
  await page.getByTestId('rec-new').click();
  await page.getByTestId('rec-form').waitFor();
  await page.getByTestId('rec-kind').selectOption('home_nursing');
  await page.getByTestId('rec-form-nursing').waitFor();
}

describe('home-care visit records and timeline', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let patientId;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
    patientId = await findPatientId(server.baseUrl, 'vns.suzuki', ...PATIENT);
  });

  test('a record filled offline is sent once when the connection returns; the physician sees it live', async () => {
    const handover = `夕方から下肢の浮腫が増強。利尿薬の調整をご検討ください（e2e ${Date.now()}）`;
    const nurseApi = await apiSession(server.baseUrl, 'vns.suzuki');

    // the physician's timeline is open before the nurse submits, with a post half typed
    const doctor = await openPage(browser, server.baseUrl);
    await loginAs(doctor, 'aoba.tanaka');
    await openSection(doctor, patientId, 'timeline', 'tl-list');
    await doctor.locator('[data-testid="tl-live"][data-state="open"]').waitFor({ state: 'attached' });
    await doctor.evaluate(() => {
      window.__notReloaded = true;
    });
    await doctor.getByTestId('tl-text').fill('書きかけのコメント');

    // the nurse fills a 訪問看護 record on a tablet
    const nurse = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(nurse, 'vns.suzuki');
    await newNursingRecord(nurse, patientId);
    await nurse.getByTestId('rec-observation').fill('下肢浮腫 2+、呼吸苦なし。');
    await nurse.getByTestId('rec-care_given').fill('体重測定、下肢挙上、服薬確認。');
    await nurse.getByTestId('rec-vital-bp_systolic').fill('132');
    await nurse.getByTestId('rec-vital-bp_diastolic').fill('78');
    await nurse.getByTestId('rec-vital-pulse').fill('84');
    await nurse.getByTestId('rec-vital-spo2').fill('95');
    await nurse.getByTestId('rec-vital-temperature').fill('36.6');
    await nurse.getByTestId('rec-vital-weight').fill('60.8');
    await nurse.getByTestId('rec-vital-jcs').selectOption('0');
    await nurse.getByTestId('rec-handover').fill(handover);
    // every change is kept in the browser
    const kept = await localDrafts(nurse);
    assert.equal(kept.length, 1);
    assert.equal(kept[0].state, 'editing');
    assert.deepEqual(kept[0].values.handover, [handover]);
    const width = await nurse.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= TABLET.width, `the form is ${width} px wide`);
    await assertTouchSized(nurse, ['rec-kind', 'rec-visit-start', 'rec-vital-spo2', 'rec-vital-jcs', 'rec-save', 'rec-save-sign', 'rec-back']);

    // the connection drops; the nurse submits: the draft stays, marked 未送信
    await nurse.context().setOffline(true);
    await nurse.getByTestId('rec-save-sign').click();
    await nurse.getByTestId('rec-unsent-banner').filter({ hasText: '未送信' }).waitFor();
    await nurse.locator('[data-testid="rec-form"][data-state="unsent"][data-sending="false"]').waitFor();
    const unsent = await localDrafts(nurse);
    assert.equal(unsent.length, 1);
    assert.equal(unsent[0].state, 'unsent');
    assert.ok(unsent[0].key, 'an Idempotency-Key is kept with the draft');
    assert.equal(unsent[0].body.content.vitals.spo2, 95);
    assert.equal((await recordsWithHandover(nurseApi, patientId, handover)).length, 0, 'nothing reached the server');
    // 再送信 while still offline changes nothing: still unsent, same key
    await nurse.getByTestId('rec-resend').click();
    await nurse.getByTestId('rec-unsent-error').waitFor();
    assert.equal((await localDrafts(nurse))[0].key, unsent[0].key);

    // back online: sent by itself, once, and signed; the record opens
    await nurse.context().setOffline(false);
    const view = nurse.locator('[data-testid="rec-view"][data-status="signed"]');
    await view.waitFor();
    assert.match(await view.getByTestId('rec-view-handover').textContent(), /下肢の浮腫/);
    assert.equal(await view.getByTestId('rec-view-vital-spo2').textContent(), '95 %');
    assert.deepEqual(await localDrafts(nurse), [], 'the draft is deleted once the server stored it');

    // the physician's timeline shows it without a reload, and what was typed is still there
    const item = doctor.getByTestId('tl-event-record').filter({ hasText: handover });
    await item.waitFor();
    assert.match(await item.getByTestId('tl-event-vitals').textContent(), /SpO2 95%/);
    assert.equal(await doctor.evaluate(() => window.__notReloaded), true, 'the page was not reloaded');
    assert.equal(await doctor.getByTestId('tl-text').inputValue(), '書きかけのコメント');

    // exactly one record on the server for that draft
    const stored = await recordsWithHandover(nurseApi, patientId, handover);
    assert.equal(stored.length, 1, JSON.stringify(stored));
    assert.equal(stored[0].kind, 'home_nursing');
    assert.equal(stored[0].status, 'signed');

    // the item leads to the record in the 訪問記録 section
    await item.getByTestId('tl-event-record-open').click();
    await doctor.locator(`[data-testid="rec-view"][data-record-id="${stored[0].id}"]`).waitFor();

    assertNoProblems(nurse);
    assertNoProblems(doctor);
    await nurse.context().close();
    await doctor.context().close();
  });

  test('an impossible SpO2 is refused beside its field and nothing is stored', async () => {
    const handover = `SpO2 の入力誤り（e2e ${Date.now()}）`;
    const nurseApi = await apiSession(server.baseUrl, 'vns.suzuki');
    const nurse = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(nurse, 'vns.suzuki');
    await newNursingRecord(nurse, patientId);
    await nurse.getByTestId('rec-vital-spo2').fill('140');
    await nurse.getByTestId('rec-handover').fill(handover);
    await nurse.getByTestId('rec-save').click();

    const spo2 = nurse.locator('[data-testid="rec-vital-spo2"][aria-invalid="true"]');
    await spo2.waitFor();
    const message = nurse.locator('[data-testid="rec-vital-spo2"] + [data-testid="field-error"]');
    assert.match(await message.textContent(), /SpO2|酸素|範囲|値/);
    // the draft stays in the form (and in the browser) to be put right
    await nurse.locator('[data-testid="rec-form"][data-state="editing"]').waitFor();
    const drafts = await localDrafts(nurse);
    assert.equal(drafts.length, 1);
    assert.equal(drafts[0].problem.field, 'content.vitals.spo2');
    assert.equal((await recordsWithHandover(nurseApi, patientId, handover)).length, 0);

    // corrected, it goes
    await nurse.getByTestId('rec-vital-spo2').fill('97');
    await nurse.getByTestId('rec-save').click();
    await nurse.locator('[data-testid="rec-view"][data-status="draft"]').waitFor();
    assert.equal((await recordsWithHandover(nurseApi, patientId, handover)).length, 1);
    assertNoProblems(nurse);
    await nurse.context().close();
  });

  test('a post with a mention, a reply in its thread, read receipts per person', async () => {
    const text = `浮腫の増悪について相談です（e2e ${Date.now()}）`;
    const doctorApi = await apiSession(server.baseUrl, 'aoba.tanaka');
    const katoApi = await apiSession(server.baseUrl, 'vns.kato');
    const doctorId = doctorApi.me.user.id;
    const nurseId = (await apiSession(server.baseUrl, 'vns.suzuki')).me.user.id;

    const nurse = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(nurse, 'vns.suzuki');
    await openSection(nurse, patientId, 'timeline', 'tl-compose');
    await nurse.locator('[data-testid="tl-live"][data-state="open"]').waitFor({ state: 'attached' });
    await nurse.getByTestId('tl-category-select').first().selectOption('consult');
    await nurse.getByTestId('tl-compose').getByTestId('tl-urgent').check();
    await nurse.getByTestId('tl-text').fill(text);
    await nurse.getByTestId('tl-compose').getByTestId('tl-mentions-toggle').click();
    await nurse.getByTestId('tl-compose').locator(`[data-testid="tl-mention-user"][data-user-id="${doctorId}"]`).check();
    assert.equal(await nurse.getByTestId('tl-photos').getAttribute('accept'), 'image/*');
    assert.equal(await nurse.getByTestId('tl-photos').getAttribute('capture'), 'environment');
    await assertTouchSized(nurse, ['tl-category-select', 'tl-mentions-toggle', 'tl-submit', 'tl-reply-open']);
    assert.ok((await nurse.evaluate(() => document.documentElement.scrollWidth)) <= TABLET.width);
    await nurse.getByTestId('tl-photos').setInputFiles({ name: 'sacrum.png', mimeType: 'image/png', buffer: png(40, 30) });
    await nurse.getByTestId('tl-photo-preview').waitFor();
    await nurse.getByTestId('tl-submit').click();

    const thread = nurse.getByTestId('tl-post').filter({ hasText: text });
    await thread.waitFor();
    // once the post and its photo are stored, the box is empty again
    await nurse.waitForFunction(() => document.querySelector('[data-testid="tl-text"]')?.value === '');
    assert.match(await thread.getByTestId('tl-mentions').first().textContent(), /@田中 誠/);
    await thread.getByTestId('tl-urgent-badge').first().waitFor();
    // the photo as the server keeps it (re-encoded as JPEG), shown from the server
    const photo = thread.getByTestId('tl-photo').first();
    await photo.waitFor();
    await nurse.waitForFunction((el) => el.complete && el.naturalWidth === 40, await photo.elementHandle());
    assert.match(await thread.getByTestId('tl-category').first().textContent(), /相談/);

    // the physician opens the timeline: the post is marked read as it is shown; he replies
    const doctor = await openPage(browser, server.baseUrl);
    await loginAs(doctor, 'aoba.tanaka');
    await openSection(doctor, patientId, 'timeline', 'tl-list');
    const seen = doctor.getByTestId('tl-post').filter({ hasText: text });
    await seen.scrollIntoViewIfNeeded();
    await seen.locator('[data-testid="tl-post-main"][data-unread="false"]').waitFor();
    await seen.getByTestId('tl-reply-open').click();
    await seen.getByTestId('tl-reply-text').fill('明日の訪問診療で確認します。');
    await seen.getByTestId('tl-reply-submit').click();
    await seen.getByTestId('tl-reply').filter({ hasText: '明日の訪問診療で確認します。' }).waitFor();

    // the nurse's page, open the whole time, shows the reply in the thread and who has read
    await thread.getByTestId('tl-reply').filter({ hasText: '明日の訪問診療で確認します。' }).waitFor();
    const main = thread.getByTestId('tl-post-main');
    await main.getByTestId('tl-receipts-summary').click();
    await main.locator(`[data-testid="tl-read-person"][data-user-id="${doctorId}"][data-read="true"]`).waitFor();
    await main.locator(`[data-testid="tl-read-person"][data-user-id="${nurseId}"][data-read="true"]`).waitFor();
    await main.locator(`[data-testid="tl-read-person"][data-user-id="${katoApi.me.user.id}"][data-read="false"]`).waitFor();
    const orgs = await main.getByTestId('tl-read-org').allTextContents();
    assert.ok(orgs.some((line) => line.includes('あおば在宅クリニック')), orgs.join(' | '));

    // the server agrees
    const posts = await doctorApi.get(`/api/patients/${patientId}/homecare/posts`);
    const stored = posts.items.filter((p) => p.text === text);
    assert.equal(stored.length, 1);
    assert.equal(stored[0].replies.length, 1);
    assert.equal(stored[0].mentions[0].user.id, doctorId);
    assert.ok(stored[0].read.people.some((p) => p.user.id === doctorId));
    assert.equal(stored[0].attachments.length, 1);
    assert.equal(stored[0].attachments[0].media_type, 'image/jpeg');

    // a visit scheduled by the clinic appears in the nurse's stream as it happens
    const date = tokyoDate(2);
    await doctorApi.post(`/api/patients/${patientId}/homecare/visits`, { kind: 'house_call', date, start: '15:10', end: '15:40' });
    const change = nurse.locator('[data-testid="tl-event-schedule"][data-what="created"]').filter({ hasText: `${tokyoDateParts(date).japanese} 15:10–15:40` });
    await change.waitFor();
    assert.match(await change.textContent(), /往診/);

    // the stream narrowed to one type of item
    await nurse.getByTestId('tl-filter').selectOption('schedule_change');
    await nurse.locator('[data-testid="tl-list"] [data-testid="tl-post"]').first().waitFor({ state: 'detached' });
    await change.waitFor();
    await nurse.getByTestId('tl-filter').selectOption('post');
    await thread.waitFor();
    assert.equal(await nurse.getByTestId('tl-event-schedule').count(), 0);

    assertNoProblems(nurse);
    assertNoProblems(doctor);
    await nurse.context().close();
    await doctor.context().close();
  });

  test('a therapist scores the Barthel Index, signs, and corrects with a reason; the first version stays readable', async () => {
    const handover = `歩行器での屋内歩行が安定（e2e ${Date.now()}）`;
    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(page, 'vns.ikeda');
    await openSection(page, patientId, 'records', 'rec-new');
    await page.getByTestId('rec-new').click();
    await page.getByTestId('rec-kind').selectOption('home_rehab');
    await page.getByTestId('rec-form-rehab').waitFor();
    // each item offers only its own scores
    const scores = (item) => page.getByTestId(`rec-adl-${item}`).locator('option').evaluateAll((list) => list.map((o) => o.value).filter(Boolean));
    assert.deepEqual(await scores('transfers'), ['0', '5', '10', '15']);
    assert.deepEqual(await scores('grooming'), ['0', '5']);
    assert.deepEqual(await scores('feeding'), ['0', '5', '10']);
    const adl = { feeding: '10', transfers: '15', grooming: '5', toilet_use: '10', bathing: '0', mobility: '10', stairs: '5', dressing: '10', bowels: '10', bladder: '5' };
    for (const [item, score] of Object.entries(adl)) await page.getByTestId(`rec-adl-${item}`).selectOption(score);
    assert.equal(await page.getByTestId('rec-adl-total').textContent(), '80 / 100');
    await page.getByTestId('rec-function').fill('下肢筋力 MMT 4。');
    await page.getByTestId('rec-goals').fill('屋外歩行の自立。');
    await page.getByTestId('rec-handover').fill(handover);
    await page.getByTestId('rec-save').click();

    const draft = page.locator('[data-testid="rec-view"][data-status="draft"]');
    await draft.waitFor();
    assert.equal(await draft.getByTestId('rec-view-adl-total').textContent(), '80 / 100');
    await page.getByTestId('rec-sign').click();
    await page.locator('[data-testid="rec-view"][data-status="signed"][data-version="1"]').waitFor();

    // a correction starts from the record; without a reason it is refused beside the reason
    await page.getByTestId('rec-correct').click();
    await page.getByTestId('rec-reason').waitFor();
    assert.equal(await page.getByTestId('rec-adl-stairs').inputValue(), '5');
    assert.equal(await page.getByTestId('rec-handover').inputValue(), handover);
    await page.getByTestId('rec-adl-stairs').selectOption('10');
    assert.equal(await page.getByTestId('rec-adl-total').textContent(), '85 / 100');
    await page.getByTestId('rec-save').click();
    await page.locator('[data-testid="rec-reason"][aria-invalid="true"] + [data-testid="field-error"]').waitFor();
    await page.getByTestId('rec-reason').fill('階段昇降の評価を誤記（見守りで可能）');
    await page.getByTestId('rec-save').click();

    const corrected = page.locator('[data-testid="rec-view"][data-version="2"][data-status="draft"]');
    await corrected.waitFor();
    assert.equal(await corrected.getByTestId('rec-view-adl-total').first().textContent(), '85 / 100');
    assert.match(await corrected.getByTestId('rec-view-reason').textContent(), /階段昇降/);
    const first = corrected.locator('[data-testid="rec-version"][data-version="1"]');
    await first.getByTestId('rec-version-show').click();
    assert.equal(await first.getByTestId('rec-view-adl-total').textContent(), '80 / 100');
    const second = corrected.locator('[data-testid="rec-version"][data-version="2"]');
    assert.match(await second.getByTestId('rec-version-reason').textContent(), /階段昇降/);
    assert.deepEqual(await localDrafts(page), []);
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= TABLET.width);
    assertNoProblems(page);
    await page.context().close();
  });

  test('an answer lost on the way back: the draft waits in the list, is sent again with its key, and is stored once', async () => {
    const handover = `答えが届かなかった記録（e2e ${Date.now()}）`;
    const nurseApi = await apiSession(server.baseUrl, 'vns.suzuki');
    const nurse = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(nurse, 'vns.suzuki');
    await newNursingRecord(nurse, patientId);
    await nurse.getByTestId('rec-vital-pulse').fill('88');
    await nurse.getByTestId('rec-handover').fill(handover);

    // the server stores the record, but its answer never reaches the tablet; later tries do
    // not get through at all (poor reception)
    const keys = [];
    await nurse.route('**/homecare/records', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key']);
      if (keys.length === 1) await route.fetch();
      return route.abort('internetdisconnected');
    });
    await nurse.getByTestId('rec-save').click();
    await nurse.getByTestId('rec-unsent-banner').filter({ hasText: '未送信' }).waitFor();
    assert.equal((await recordsWithHandover(nurseApi, patientId, handover)).length, 1);

    // the section lists it at the top, marked 未送信 (opening it tried once more)
    const tried = nurse.waitForRequest((request) => request.method() === 'POST' && request.url().endsWith('/homecare/records'));
    await nurse.getByTestId('homecare-section-records').click();
    await tried;
    const waiting = nurse.locator('[data-testid="rec-draft"][data-state="unsent"]');
    await waiting.waitFor();
    await nurse.getByTestId('rec-unsent-banner').filter({ hasText: '未送信' }).waitFor();
    const [kept] = await localDrafts(nurse);
    assert.equal(kept.key, keys[0]);
    assert.deepEqual(new Set(keys), new Set([kept.key]));
    await nurse.unroute('**/homecare/records');

    // 再送信: the same key; the server answers with the record it stored, nothing more
    const resent = nurse.waitForRequest((request) => request.method() === 'POST' && request.url().endsWith('/homecare/records'));
    await waiting.getByTestId('rec-draft-resend').click();
    assert.equal((await resent).headers()['idempotency-key'], keys[0]);
    await nurse.getByTestId('rec-drafts').waitFor({ state: 'detached' });
    assert.deepEqual(await localDrafts(nurse), []);
    const stored = await recordsWithHandover(nurseApi, patientId, handover);
    assert.equal(stored.length, 1, JSON.stringify(stored));
    await nurse.locator(`[data-testid="rec-row"][data-record-id="${stored[0].id}"]`).waitFor();
    assertNoProblems(nurse);
    await nurse.context().close();
  });
});
