// SPDX-License-Identifier: Apache-2.0
// The vitals of home-care visit records in the 記録 tab: a nurse of みなみ訪問看護ステーション records
// two visits of 佐藤 一郎 with their vitals (through the API, as the tablet would); the physician of
// あおば在宅クリニック opens the patient's 記録 tab and finds them under バイタルサイン, the latest
// value in the table and a trend chart, apart from the laboratory results.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { apiSession } from './server.mjs';

/** RFC 3339 in Tokyo time, hoursAgo hours before now (the server's clock is the suite's). */
function tokyoIso(hoursAgo) {
  const at = new Date(Date.now() - hoursAgo * 3600_000 + 9 * 3600_000);
  return `${at.toISOString().slice(0, 19)}+09:00`;
}

describe('home-care vitals in the record', { timeout: 180_000 }, () => {
  let server;
  let browser;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('a visit record’s vitals show in the 記録 tab with a trend', async () => {
    const nurse = await apiSession(server.baseUrl, 'vns.suzuki');
    const found = await nurse.get(`/api/patients?q=${encodeURIComponent('佐藤 一郎')}`);
    const patient = found.items.find((p) => p.name === '佐藤 一郎');
    assert.ok(patient, 'the nurse finds 佐藤 一郎');
    for (const [hoursAgo, spo2, weight] of [
      [5, 91, 61.2],
      [2, 93, 61.8],
    ]) {
      await nurse.post(`/api/patients/${patient.id}/homecare/records`, {
        kind: 'home_nursing',
        visit_start: tokyoIso(hoursAgo + 0.5),
        visit_end: tokyoIso(hoursAgo),
        content: { observation: '呼吸状態を観察', care_given: '吸引', vitals: { spo2, weight } },
        handover: '',
      });
    }

    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'aoba.tanaka');
    await page.goto(`/#/patients/${patient.id}/record`);
    await page.getByTestId('vital-heading').waitFor();
    const spo2Row = page.getByTestId('vital-table').locator('[data-testid="lab-row"][data-test-name="SpO2"]');
    assert.equal(await spo2Row.getByTestId('lab-value').textContent(), '93');
    const weightRow = page.getByTestId('vital-table').locator('[data-testid="lab-row"][data-test-name="体重"]');
    assert.equal(await weightRow.getByTestId('lab-value').textContent(), '61.8');
    const captions = await page.getByTestId('vital-charts').locator('figcaption').allTextContents();
    assert.ok(captions.some((c) => c.startsWith('SpO2')), `charts: ${captions.join(', ')}`);
    // vitals are not laboratory results
    assert.equal(await page.getByTestId('lab-table').locator('[data-test-name="SpO2"]').count(), 0);
    assertNoProblems(page);
    await page.context().close();
  });
});
