// SPDX-License-Identifier: Apache-2.0
// Warnings where they matter (issue 13, item 4): booking a contrast CT for 山田 花子 (iodine
// contrast allergy, eGFR 42) shows her allergy and the eGFR warning in the booking form, with
// the examining hospital's checklist; the ticked items travel with the booking to the hospital's
// card, which shows the same warnings.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { apiSession, findPatientId } from './server.mjs';

describe('safety before an examination', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let hanakoId;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
    hanakoId = await findPatientId(server.baseUrl, 'aoba.tanaka', '山田 花子', 'GH-000001');
  });

  test('a contrast CT for 山田 花子 warns of her contrast allergy and eGFR 42', async () => {
    const clinic = await openPage(browser, server.baseUrl);
    await loginAs(clinic, 'aoba.tanaka');
    await clinic.goto(`/#/patients/${hanakoId}/bookings`);
    await clinic.getByTestId('booking-new').click();
    const dialog = clinic.getByTestId('booking-dialog');
    await dialog.getByTestId('booking-hospital').locator('option', { hasText: 'みなみ総合病院' }).waitFor({ state: 'attached' });
    await dialog.getByTestId('booking-hospital').selectOption({ label: 'みなみ総合病院' });
    const slot = dialog.locator('[data-testid="booking-slot"]:not([data-loading])');
    await slot.locator('option[value]:not([value=""])').first().waitFor({ state: 'attached' });
    await slot.selectOption(await slot.locator('option[value]:not([value=""])').first().getAttribute('value'));
    // a plain CT: her allergies, no eGFR, no contrast checklist
    await dialog.getByTestId('booking-exam-input').fill('頭部単純CT');
    await dialog.getByTestId('booking-exam-input').blur();
    const safety = dialog.getByTestId('safety-summary');
    await safety.getByTestId('safety-allergy').filter({ hasText: 'ヨード造影剤' }).waitFor();
    assert.equal(await safety.getByTestId('safety-egfr').count(), 0);
    // a contrast CT: the eGFR with its date and the warning, and the hospital's checklist
    await dialog.getByTestId('booking-exam-input').fill('腹部造影CT');
    await dialog.getByTestId('booking-exam-input').blur();
    const egfr = dialog.locator('[data-testid="safety-egfr"][data-low="true"]');
    await egfr.waitFor();
    assert.match(await egfr.textContent(), /^eGFR 42\.\d mL\/min\/1\.73m²\(\d{4}年\d{1,2}月\d{1,2}日\) — 45未満: 造影剤の使用に注意$/);
    assert.match(await safety.textContent(), /アレルギー\(重篤\): ヨード造影剤\(血圧低下・嘔吐\)/);
    assert.match(await safety.textContent(), /禁忌: 腎機能低下\(eGFR 45未満\)/);
    const checklist = dialog.getByTestId('booking-checklist');
    await checklist.filter({ hasText: '妊娠の可能性' }).waitFor();
    assert.match(await checklist.textContent(), /妊娠の可能性.*絶食/);
    await checklist.locator('label', { hasText: '絶食' }).locator('input').check();
    await dialog.getByTestId('booking-question').fill('肝腫瘤の精査');
    await dialog.getByTestId('booking-submit').click();
    const card = clinic.getByTestId('booking-card').filter({ hasText: '腹部造影CT' });
    await card.waitFor();
    const bookingId = await card.getAttribute('data-booking-id');
    assert.match(await card.getByTestId('booking-checklist-answers').textContent(), /☐ 妊娠の可能性 — 未確認☑ 絶食/);

    // the hospital's card: the same warnings (her consent names the hospital) and the ticks
    const hospital = await openPage(browser, server.baseUrl);
    await loginAs(hospital, 'gh.renkei');
    await hospital.getByTestId('nav-equipment').click();
    const received = hospital.locator(`[data-testid="booking-card"][data-booking-id="${bookingId}"]`);
    await received.getByTestId('safety-egfr').waitFor();
    assert.match(await received.getByTestId('booking-card-safety').textContent(), /ヨード造影剤/);
    assert.match(await received.getByTestId('booking-checklist-answers').textContent(), /☑ 絶食/);
    assertNoProblems(clinic);
    assertNoProblems(hospital);
  });

  test("the hospital's admin sets the MRI checklist", async () => {
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'gh.admin');
    await page.getByTestId('nav-equipment').click();
    await page.getByTestId('checklist-open').click();
    const dialog = page.getByTestId('checklist-dialog');
    await dialog.getByTestId('checklist-kind').selectOption('mri');
    assert.equal(await dialog.getByTestId('checklist-items').inputValue(), 'ペースメーカー・体内金属');
    await dialog.getByTestId('checklist-items').fill('ペースメーカー・体内金属\n閉所恐怖症');
    await dialog.getByTestId('checklist-save').click();
    await dialog.waitFor({ state: 'detached' });
    const api = await apiSession(server.baseUrl, 'gh.admin');
    const lists = await api.get(`/api/equipment/checklists`);
    assert.deepEqual(lists.items.find((i) => i.kind === 'mri').items, ['ペースメーカー・体内金属', '閉所恐怖症']);
    assertNoProblems(page);
  });
});
