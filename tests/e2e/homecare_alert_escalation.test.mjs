// SPDX-License-Identifier: Apache-2.0
// An alert reaches the doctor on call at once (issue 17, "Done when"): a nurse records SpO2 86 %
// on a tablet-sized page; the on-call doctor's open browser shows it without a reload (badge and
// banner) and he acknowledges it with what he did. In a second run nobody acknowledges, and once
// the clinic's five minutes have passed (the server's clock is moved, POST /api/test/clock) the
// backup doctor's open browser gets the escalation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TABLET, assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { apiSession, findPatientId } from './server.mjs';

const PATIENT = ['村上 信子', 'AB-0316'];

/** A shift of あおば在宅クリニック from a minute ago for two hours, started after any other. */
async function onCall(admin, primaryId, backupId) {
  const now = Date.now();
  await admin.post('/api/oncall/shifts', {
    starts_at: new Date(now - 60_000).toISOString(),
    ends_at: new Date(now + 2 * 3600_000).toISOString(),
    phone: '099-555-0199',
    primary_user_id: primaryId,
    backup_user_id: backupId,
  });
}

async function userId(baseUrl, login) {
  const session = await apiSession(baseUrl, login);
  return (await session.get('/api/me')).user.id;
}

/** The nurse, on a tablet, records a 訪問看護 visit with SpO2 86 % and saves it. */
async function nurseRecordsSpo2(browser, baseUrl, patientId, handover) {
  const nurse = await openPage(browser, baseUrl, { viewport: TABLET });
  await loginAs(nurse, 'vns.suzuki');
  await nurse.goto(`/#/patients/${patientId}/homecare/records`);
  await nurse.getByTestId('rec-new').click();
  await nurse.getByTestId('rec-kind').selectOption('home_nursing');
  await nurse.getByTestId('rec-form-nursing').waitFor();
  await nurse.getByTestId('rec-observation').fill('呼吸が浅く、口唇色やや不良。');
  await nurse.getByTestId('rec-care_given').fill('体位調整、酸素流量の確認。');
  await nurse.getByTestId('rec-vital-spo2').fill('86');
  await nurse.getByTestId('rec-vital-pulse').fill('104');
  await nurse.getByTestId('rec-handover').fill(handover);
  assert.ok((await nurse.evaluate(() => document.documentElement.scrollWidth)) <= TABLET.width);
  await nurse.getByTestId('rec-save').click();
  await nurse.locator('[data-testid="rec-view"][data-status="draft"]').waitFor();
  assertNoProblems(nurse);
  await nurse.context().close();
}

/** A doctor's browser, logged in and left on the patient list. */
async function doctorWaiting(browser, baseUrl, login) {
  const page = await openPage(browser, baseUrl);
  await loginAs(page, login);
  await page.locator('[data-testid="alert-watch"][data-state="open"]').waitFor({ state: 'attached' });
  await page.evaluate(() => (window.__notReloaded = true));
  return page;
}

async function alertOfRecord(api, patientId, handover) {
  const records = await api.get(`/api/patients/${patientId}/homecare/records`);
  const record = records.items.find((r) => r.handover === handover);
  assert.ok(record, 'the record was saved');
  const { items } = await api.get(`/api/patients/${patientId}/homecare/alerts`);
  const alert = items.find((a) => a.record_id === record.id);
  assert.ok(alert, 'the record raised an alert');
  return alert;
}

describe('an alert to the doctor on call, and its escalation', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let patientId;
  let mori;
  let tanaka;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
    patientId = await findPatientId(server.baseUrl, 'vns.suzuki', ...PATIENT);
    mori = await userId(server.baseUrl, 'aoba.mori');
    tanaka = await userId(server.baseUrl, 'aoba.tanaka');
  });

  test('the on-call doctor’s open browser shows the alert at once, and he acknowledges it', async () => {
    const admin = await apiSession(server.baseUrl, 'aoba.tanaka');
    await onCall(admin, mori, tanaka);
    const doctor = await doctorWaiting(browser, server.baseUrl, 'aoba.mori');
    const handover = `SpO2 低下（e2e ${Date.now()}）`;
    await nurseRecordsSpo2(browser, server.baseUrl, patientId, handover);
    const alert = await alertOfRecord(admin, patientId, handover);

    const banner = doctor.locator(`[data-testid="alert-banner"][data-alert-id="${alert.id}"]`);
    await banner.waitFor();
    assert.equal(await banner.getAttribute('data-escalated'), 'false');
    assert.match(await banner.getByTestId('alert-banner-text').textContent(), /村上 信子さんのSpO2が 86 で、下限 90 を下回りました/);
    assert.equal(await doctor.getByTestId('alert-badge').getAttribute('data-count'), '1');
    await banner.getByTestId('alert-ack-action').selectOption('house_call');
    await banner.getByTestId('alert-ack-note').fill('30分後に臨時往診します');
    await banner.getByTestId('alert-ack-submit').click();
    await banner.waitFor({ state: 'detached' });
    await doctor.getByTestId('alert-badge').waitFor({ state: 'detached' });

    const { items } = await admin.get(`/api/patients/${patientId}/homecare/alerts`);
    const done = items.find((a) => a.id === alert.id);
    assert.equal(done.state, 'acknowledged');
    assert.equal(done.acknowledged.action, 'house_call');
    assert.equal(done.acknowledged.by.id, mori);
    assert.equal(done.acknowledged.note, '30分後に臨時往診します');
    assert.equal(await doctor.evaluate(() => window.__notReloaded), true);
    assertNoProblems(doctor);
    await doctor.context().close();
  });

  test('nobody acknowledges: after the clinic’s minutes the backup doctor’s browser gets the escalation', async () => {
    const admin = await apiSession(server.baseUrl, 'aoba.tanaka');
    // five minutes of the server's clock, moved below: no slow run reaches them in real time
    await admin.put('/api/homecare/alert-escalation', { escalate_after_minutes: 5 });
    await onCall(admin, mori, tanaka);
    const onCallDoctor = await doctorWaiting(browser, server.baseUrl, 'aoba.mori');
    const backupDoctor = await doctorWaiting(browser, server.baseUrl, 'aoba.tanaka');
    const handover = `SpO2 低下・未対応（e2e ${Date.now()}）`;
    await nurseRecordsSpo2(browser, server.baseUrl, patientId, handover);
    const alert = await alertOfRecord(admin, patientId, handover);
    await onCallDoctor.locator(`[data-testid="alert-banner"][data-alert-id="${alert.id}"]`).waitFor();
    const escalated = backupDoctor.locator(`[data-testid="alert-banner"][data-alert-id="${alert.id}"][data-escalated="true"]`);
    assert.equal(await escalated.count(), 0, 'not before the minutes have passed');

    const office = await apiSession(server.baseUrl, 'jimukyoku');
    await office.post('/api/test/clock', { advance_ms: 5 * 60_000 + 1_000 });
    await escalated.first().waitFor();
    assert.match(await escalated.first().getByTestId('alert-banner-text').textContent(), /エスカレーション.*バックアップ.*SpO2が 86/);
    assert.equal(await backupDoctor.evaluate(() => window.__notReloaded), true);

    // the banner leads to the patient's timeline, where the alert's life says who was told
    await escalated.first().getByTestId('alert-open-patient').click();
    const item = backupDoctor.locator(`[data-testid="tl-event-alert"][data-alert-id="${alert.id}"]`);
    await item.waitFor();
    assert.match(await item.getByTestId('tl-event-alert-steps').textContent(), /当番の 森 健太 に通知.*未対応のためバックアップの 田中 誠 に通知/);

    const { items } = await admin.get(`/api/patients/${patientId}/homecare/alerts`);
    const still = items.find((a) => a.id === alert.id);
    assert.equal(still.state, 'open');
    assert.equal(still.escalation_level, 1);
    assert.deepEqual(
      still.steps.map((s) => [s.step, s.detail.role ?? null]),
      [['raised', null], ['notified', null], ['escalated', 'backup']],
    );
    assertNoProblems(onCallDoctor);
    assertNoProblems(backupDoctor);
    await onCallDoctor.context().close();
    await backupDoctor.context().close();
  });
});
