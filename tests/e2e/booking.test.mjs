// SPDX-License-Identifier: Apache-2.0
// Shared-equipment booking (共同利用, issue 5): a clinic user books a CT slot of みなみ総合病院 for a
// patient from the patient page (a double click books once); a physician of the hospital looks
// through the slots day by day, finds the booking in the 受付 list of the 共同利用 page, confirms
// it and reports the result; the clinic's open patient page shows the report without a reload.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { apiSession, findPatientId } from './server.mjs';

describe('shared-equipment booking', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let hanakoId;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
    hanakoId = await findPatientId(server.baseUrl, 'aoba.tanaka', '山田 花子', 'GH-000001');
  });

  test('book from the patient page, confirm and report at the hospital, the clinic sees it live', async () => {
    const clinic = await openPage(browser, server.baseUrl);
    await loginAs(clinic, 'aoba.tanaka');
    await clinic.goto(`/#/patients/${hanakoId}/bookings`);
    await clinic.getByTestId('bookings-empty-patient').waitFor();
    await clinic.locator('[data-testid="booking-live"][data-state="open"]').waitFor();

    await clinic.getByTestId('booking-new').click();
    const dialog = clinic.getByTestId('booking-dialog');
    await dialog.getByTestId('booking-hospital').locator('option', { hasText: 'みなみ総合病院' }).waitFor({ state: 'attached' });
    await dialog.getByTestId('booking-hospital').selectOption({ label: 'みなみ総合病院' });
    // the free slots of that hospital only, once loaded, of the first day with free slots
    const slot = dialog.locator('[data-testid="booking-slot"]:not([data-loading])');
    await slot.locator('option[value]:not([value=""])').first().waitFor({ state: 'attached' });
    const day = dialog.locator('[data-testid="day-tab"][aria-pressed="true"]');
    assert.match(await day.textContent(), /^\d+\/\d+\([月火水木金]\)空き\d+枠$/);
    for (const label of await slot.locator('option[value]:not([value=""])').allTextContents()) {
      assert.match(label, /^\d\d:\d\d–\d\d:\d\d みなみ総合病院$/);
    }
    const slotId = await slot.locator('option[value]:not([value=""])').first().getAttribute('value');
    await slot.selectOption(slotId);
    assert.match(await dialog.getByTestId('booking-preparation').textContent(), /前処置・持参物: .*絶食/);
    await dialog.getByTestId('booking-exam-input').fill('頭部単純CT');
    await dialog.getByTestId('booking-question').fill('転倒後の頭痛。慢性硬膜下血腫の除外');
    await dialog.getByTestId('booking-notes').fill('抗凝固薬内服中');
    await dialog.getByTestId('booking-submit').dblclick();

    const card = clinic.getByTestId('booking-card');
    await card.and(clinic.locator('[data-status="requested"]')).waitFor();
    const bookingId = await card.getAttribute('data-booking-id');
    assert.equal(await card.getByTestId('booking-exam').textContent(), '頭部単純CT');
    const api = await apiSession(server.baseUrl, 'aoba.tanaka');
    const mine = await api.get(`/api/patients/${hanakoId}/bookings`);
    assert.deepEqual(mine.items.map((b) => b.id), [bookingId], 'the double click booked once');
    assert.equal(mine.items[0].slot.id, slotId);
    await clinic.evaluate(() => {
      window.__noReload = 'still here';
    });

    // the hospital: 受付 on the 共同利用 page
    const hospital = await openPage(browser, server.baseUrl);
    await loginAs(hospital, 'gh.sato');
    await hospital.getByTestId('nav-equipment').click();
    // the slots of one day at a time; another day's button shows other slots
    const shown = hospital.getByTestId('slot-day');
    await shown.waitFor();
    const firstDay = await shown.getAttribute('data-day');
    const shownSlots = () => shown.getByTestId('slot').evaluateAll((els) => els.map((el) => el.dataset.slotId));
    const before = await shownSlots();
    const other = hospital.locator('[data-testid="day-tab"]:not([disabled]):not([aria-pressed="true"])').first();
    const otherDay = await other.getAttribute('data-day');
    assert.notEqual(otherDay, firstDay);
    await other.click();
    await hospital.locator(`[data-testid="slot-day"][data-day="${otherDay}"]`).waitFor();
    const after = await shownSlots();
    assert.ok(after.length > 0 && after.every((id) => !before.includes(id)), 'the other day shows other slots');
    await shown.evaluate((el) => {
      el.dataset.stale = 'yes';
    });
    const received = hospital.locator(`[data-testid="booking-card"][data-booking-id="${bookingId}"]`);
    await received.waitFor();
    assert.equal(await received.getByTestId('booking-patient').textContent(), '山田 花子');
    await received.getByTestId('booking-confirm').click();
    await hospital.getByTestId('booking-confirm-note').fill('検査15分前に地域連携室へお越しください');
    await hospital.getByTestId('booking-step-submit').click();
    await hospital.locator(`[data-testid="booking-card"][data-booking-id="${bookingId}"][data-status="confirmed"]`).waitFor();
    await clinic.locator(`[data-testid="booking-card"][data-status="confirmed"]`).waitFor();
    // the live refresh on the confirmation redraws the slots and stays on the chosen day
    await hospital.locator('[data-testid="slot-day"]:not([data-stale])').waitFor();
    assert.equal(await shown.getAttribute('data-day'), otherDay);

    await received.getByTestId('booking-report').click();
    // the slot is days ahead: a report before its day asks why (issue 13, item 8)
    await hospital.getByTestId('booking-report-early').waitFor();
    await hospital.getByTestId('booking-early-reason').fill('撮影を前倒しで実施');
    await hospital.getByTestId('booking-findings').fill('右前頭部に厚さ8mmの三日月状高吸収域。正中偏位なし。');
    await hospital.getByTestId('booking-impression').fill('右慢性硬膜下血腫(少量)');
    await hospital.getByTestId('booking-step-submit').click();
    await hospital.locator(`[data-testid="booking-card"][data-booking-id="${bookingId}"][data-status="reported"]`).waitFor();

    // the clinic's page follows without a reload
    const reported = clinic.locator('[data-testid="booking-card"][data-status="reported"]');
    await reported.waitFor();
    assert.match(await reported.getByTestId('booking-impression-text').textContent(), /右慢性硬膜下血腫\(少量\)/);
    assert.match(await reported.getByTestId('booking-findings-text').textContent(), /三日月状高吸収域/);
    assert.equal(await clinic.evaluate(() => window.__noReload), 'still here');
    // and the notification says so
    await clinic.getByTestId('nav-notifications').click();
    await clinic.getByTestId('notification').filter({ hasText: '結果を報告しました' }).waitFor();

    assertNoProblems(clinic);
    assertNoProblems(hospital);
    await clinic.context().close();
    await hospital.context().close();
  });
});
