// SPDX-License-Identifier: Apache-2.0
// Withdrawing the only consent (issue 13, item 6): the page says what withdrawal will do before it
// is confirmed, and afterwards the registering organisation still finds the patient, with the
// demographics and the consent tab only.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoProblems, loginAs, openPage, searchPatients, withServerAndBrowser } from './browser.mjs';
import { tokyoDate } from './dates.mjs';
import { apiSession } from './server.mjs';

describe('withdrawing the only consent', { timeout: 180_000 }, () => {
  let server;
  let browser;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('the warning says what withdrawal does, and the registering organisation keeps the patient', async () => {
    const sato = await apiSession(server.baseUrl, 'gh.sato');
    const patient = await sato.post('/api/patients', {
      name: '孤立 試子',
      name_kana: 'コリツ タメコ',
      sex: 'female',
      birth_date: '1944-02-03',
      local_id: 'GH-E2E-ORPHAN',
      consent: { method: 'written', consented_on: tokyoDate(), scope: 'all' },
    });

    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'gh.sato');
    await page.goto(`/#/patients/${patient.id}/consents`);
    const consent = page.getByTestId('consent').first();
    await consent.waitFor();
    await consent.getByTestId('withdraw-open').click();
    const effect = consent.getByTestId('withdraw-effect');
    await effect.waitFor();
    const said = await effect.textContent();
    assert.match(said, /最後の有効な同意/);
    assert.match(said, /みなみ総合病院/);
    assert.match(said, /見られなくなります/);
    assert.match(said, /基本情報と同意タブのみ/);
    await consent.getByTestId('withdraw-reason').fill('本人の申し出により撤回');
    await consent.getByTestId('withdraw-confirm').click();
    await page.locator('[data-testid="consent"][data-status="withdrawn"]').waitFor();

    // found again by search; the page shows the demographics and the consent tab only
    await page.goto('/#/patients');
    const results = await searchPatients(page, 'こりつ');
    await results.getByTestId('patient-row').filter({ hasText: 'GH-E2E-ORPHAN' }).getByTestId('patient-link').click();
    await page.getByTestId('patient-demographics-only').waitFor();
    assert.equal(await page.getByTestId('patient-name').textContent(), '孤立 試子');
    assert.equal(await page.getByTestId('tab-consents').count(), 1);
    assert.equal(await page.getByTestId('tab-record').count(), 0);
    assert.equal(await page.getByTestId('tab-team').count(), 0);
    await page.getByTestId('consent-new').waitFor();
    assertNoProblems(page);
    await page.context().close();
  });
});
