// SPDX-License-Identifier: Apache-2.0
// Words and numbers (issue 13, item 14): condition statuses in the words of Japanese practice
// (継続, not FHIR's 活動中), one severity scale, 最終更新 on the bed board, lab values with the
// precision of the test (HbA1c 7.0 %) and m², round chart ticks, 実績 months as 2026年1月 and
// medians in days and hours, and a referral notification that names the patient.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoProblems, loginAs, openPage, searchPatients, withServerAndBrowser } from './browser.mjs';
import { apiSession, findPatientId } from './server.mjs';

/** Whether labels (numbers) are evenly spaced round ticks: 1, 2, 2.5 or 5 times a power of ten. */
function roundTicks(labels) {
  const values = labels.map(Number);
  if (values.length < 2 || values.some(Number.isNaN)) return false;
  const step = values[1] - values[0];
  const mantissa = step / 10 ** Math.floor(Math.log10(step));
  const even = values.every((v, i) => i === 0 || Math.abs(v - values[i - 1] - step) < 1e-9);
  return even && [1, 2, 2.5, 5].some((m) => Math.abs(mantissa - m) < 1e-9);
}

describe('words and numbers', { timeout: 240_000 }, () => {
  let server;
  let browser;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('the record tab: 継続, HbA1c with one decimal, m², round ticks, one severity scale', async () => {
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'gh.sato');
    const results = await searchPatients(page, 'やまだ はなこ');
    await results.getByTestId('patient-row').filter({ hasText: 'GH-000001' }).getByTestId('patient-link').click();
    await page.getByTestId('tab-record').click();
    const record = page.getByTestId('record');
    await record.getByTestId('condition').first().waitFor();
    await record.getByTestId('lab-row').first().waitFor();
    const text = await record.textContent();
    assert.match(text, /継続/);
    assert.doesNotMatch(text, /活動中|非活動/);
    const hba1c = record.getByTestId('lab-row').filter({ hasText: 'HbA1c' });
    assert.match(await hba1c.getByTestId('lab-value').textContent(), /^\d+\.\d$/);
    assert.match(await hba1c.textContent(), /\d+\.\d %/);
    assert.match(await hba1c.textContent(), /4\.9–6\.0 %/); // its reference range alike
    const egfr = record.getByTestId('lab-row').filter({ hasText: 'eGFR' });
    assert.match(await egfr.textContent(), /mL\/min\/1\.73m²/);
    assert.doesNotMatch(text, /m2\b/);
    const chart = page.locator('[data-testid="lab-chart"][data-test-name^="HbA1c"]');
    const labels = await chart.locator('.axis text').allTextContents();
    const ticks = labels.filter((l) => /^-?\d+(\.\d+)?$/.test(l));
    assert.ok(roundTicks(ticks), `ticks ${ticks.join(', ')}`);
    await page.getByTestId('add-allergy').click();
    const dialog = page.getByTestId('allergy-dialog');
    await dialog.getByTestId('allergy-criticality').waitFor();
    assert.equal(await dialog.getByTestId('allergy-severity').count(), 0);
    assertNoProblems(page);
    await page.context().close();
  });

  test('最終更新 on the board; 実績 months and medians; a notification names the patient', async () => {
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'gh.admin');
    await page.getByTestId('nav-board').click();
    await page.getByTestId('board-row').first().waitFor();
    assert.match(await page.getByTestId('board').locator('thead').textContent(), /最終更新/);
    assert.doesNotMatch(await page.getByTestId('board').locator('thead').textContent(), /鮮度/);

    await page.getByTestId('nav-stats').click();
    await page.getByTestId('stats-table').waitFor();
    const months = await page.locator('[data-testid="stats-row"] th').allTextContents();
    assert.ok(months.length === 12 && months.every((m) => /^\d{4}年\d{1,2}月$/.test(m)), months.join(' '));
    const medians = await page.locator('[data-testid="stats-row"] [data-field^="sent_to"], [data-testid="stats-row"] [data-field="seen_to_replied"]').allTextContents();
    assert.ok(medians.every((m) => /^(—|\d+分|\d+(\.\d)?時間|\d+日(\d+時間)?)$/.test(m)), medians.join(' '));
    assert.ok(medians.some((m) => m !== '—'), 'the demo has medians');
    for (const id of ['stats-counts-chart', 'stats-rates-chart']) {
      const labels = await page.getByTestId(id).locator('.axis text').allTextContents();
      const ticks = labels.filter((l) => /^\d+(\.\d+)?$/.test(l));
      assert.ok(roundTicks(ticks), `${id} ticks ${ticks.join(', ')}`);
    }
    assertNoProblems(page);

    // a referral of 山田 花子: the receiving hospital's notification names her first
    const hanako = await findPatientId(server.baseUrl, 'gh.sato', '山田 花子', 'GH-000001');
    const sato = await apiSession(server.baseUrl, 'gh.sato');
    const uh = (await sato.get('/api/directory/search?q=みなみ大学')).items[0].id;
    await sato.post(`/api/patients/${hanako}/referrals`, {
      to_org_id: uh, to_department: 'cardiology', urgency: 'routine', purpose: 'workup',
      letter: { purpose_text: '労作時胸痛の精査をお願いします。' },
    });
    const receiver = await openPage(browser, server.baseUrl);
    await loginAs(receiver, 'uh.admin');
    await receiver.getByTestId('nav-notifications').click();
    const note = receiver.getByTestId('notification').filter({ hasText: '労' }).or(receiver.getByTestId('notification').filter({ hasText: '紹介' })).first();
    await note.waitFor();
    assert.match(await note.textContent(), /^.*山田 花子 さんの紹介(状)?\(みなみ総合病院 → .*\):.*\(操作: /);
    assertNoProblems(receiver);
  });
});
