// SPDX-License-Identifier: Apache-2.0
// Finding a patient, and not finding one that is not yours to see.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoProblems, loginAs, openPage, searchPatients, withServerAndBrowser } from './browser.mjs';
import { findPatientId } from './server.mjs';

const HALF_WIDTH_KANA = 'ﾔﾏﾀﾞ ﾊﾅｺ';

describe('patient search and access', { timeout: 120_000 }, () => {
  let server;
  let browser;
  let hanakoId;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
    hanakoId = await findPatientId(server.baseUrl, 'gh.sato', '山田 花子', 'GH-000001');
  });

  test('a hospital physician finds 山田 花子 by half-width kana and opens her page', async () => {
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'gh.sato');
    await page.getByTestId('patient-search').waitFor();

    const results = await searchPatients(page, HALF_WIDTH_KANA);
    const row = results.getByTestId('patient-row').filter({ hasText: '山田 花子' }).filter({ hasText: 'GH-000001' });
    await row.waitFor();
    assert.match(await row.textContent(), /ヤマダ ハナコ/);

    await row.getByTestId('patient-link').click();
    await page.getByTestId('patient-header').waitFor();
    assert.equal(await page.getByTestId('patient-name').textContent(), '山田 花子');
    assert.equal(await page.getByTestId('patient-kana').textContent(), 'ヤマダ ハナコ');
    assert.match(await page.getByTestId('patient-local-ids').textContent(), /GH-000001/);
    assert.match(await page.getByTestId('patient-birth-date').textContent(), /1941年4月12日/);
    assert.ok(page.url().includes(`#/patients/${hanakoId}`), page.url());

    // The consent tab is open by default and shows the consent on record.
    await page.getByTestId('consent').first().waitFor();
    assertNoProblems(page);
    await page.context().close();
  });

  test('a pharmacist outside her care team neither finds nor opens 山田 花子', async () => {
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'ph.ito');
    await page.getByTestId('patient-search').waitFor();

    const results = await searchPatients(page, HALF_WIDTH_KANA);
    await results.getByTestId('patients-empty').waitFor();
    assert.equal(await results.getByTestId('patient-row').count(), 0);

    await page.goto(`/#/patients/${hanakoId}`);
    const notFound = page.getByTestId('patient-not-found');
    await notFound.waitFor();
    assert.match(await notFound.textContent(), /患者が見つからないか、閲覧する権限がありません/);
    assert.equal(await page.getByTestId('patient-header').count(), 0);
    const text = await page.locator('body').textContent();
    for (const secret of ['山田', 'ヤマダ', 'GH-000001', '1941', '桜台']) {
      assert.ok(!text.includes(secret), `page must not show ${secret}`);
    }
    assertNoProblems(page);
    await page.context().close();
  });
});
