// SPDX-License-Identifier: Apache-2.0
// Vitals that alert, in the timeline (issue 17): the physician of あおば在宅クリニック has a home-care
// patient's タイムライン open; a nurse records SpO2 86 % on a visit; the alert appears without a
// reload, marked open, and once acknowledged (電話で指示) says who did what.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { tokyoDate } from './dates.mjs';
import { apiSession } from './server.mjs';

describe('home-care alerts in the timeline', { timeout: 180_000 }, () => {
  let server;
  let browser;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('an SpO2 of 86 % shows at once in the physician’s open timeline, then its acknowledgement', async () => {
    const nurse = await apiSession(server.baseUrl, 'vns.suzuki');
    const doctor = await apiSession(server.baseUrl, 'aoba.tanaka');
    const found = await nurse.get(`/api/patients?q=${encodeURIComponent('村上 信子')}`);
    const patient = found.items.find((p) => p.name === '村上 信子');
    assert.ok(patient, 'the nurse finds 村上 信子');

    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'aoba.tanaka');
    await page.goto(`/#/patients/${patient.id}/homecare/timeline`);
    await page.getByTestId('tl-live').waitFor({ state: 'attached' });
    await page.waitForFunction(() => document.querySelector('[data-testid="tl-live"]')?.dataset.state === 'open');
    await page.evaluate(() => (window.__notReloaded = true));

    const day = tokyoDate(-20);
    const rec = await nurse.post(`/api/patients/${patient.id}/homecare/records`, {
      kind: 'home_nursing',
      visit_start: `${day}T10:00:00+09:00`,
      visit_end: `${day}T10:40:00+09:00`,
      content: { observation: '呼吸が浅い', care_given: '酸素流量の確認', vitals: { spo2: 86 } },
    });
    const { items } = await doctor.get(`/api/patients/${patient.id}/homecare/alerts`);
    const alert = items.find((a) => a.record_id === rec.id);
    assert.ok(alert, 'the record raised an alert');

    const shown = page.locator(`[data-testid="tl-event-alert"][data-alert-id="${alert.id}"]`);
    await shown.waitFor();
    assert.equal(await shown.getAttribute('data-state'), 'open');
    assert.match(await shown.textContent(), /SpO2 86.*下限 90 を下回りました/);
    assert.match(await shown.getByTestId('tl-event-alert-state').textContent(), /未対応/);

    await doctor.post(`/api/patients/${patient.id}/homecare/alerts/${alert.id}/acknowledge`, { action: 'phone_instruction', note: '酸素流量を2Lへ' });
    await page.locator(`[data-testid="tl-event-alert"][data-alert-id="${alert.id}"][data-state="acknowledged"]`).waitFor();
    assert.match(
      await page.locator(`[data-testid="tl-event-alert"][data-alert-id="${alert.id}"]`).getByTestId('tl-event-alert-state').textContent(),
      /対応: 電話で指示（田中 誠・あおば在宅クリニック .*）「酸素流量を2Lへ」/,
    );
    assert.equal(await page.evaluate(() => window.__notReloaded), true);
    assertNoProblems(page);
    await page.context().close();
  });
});
