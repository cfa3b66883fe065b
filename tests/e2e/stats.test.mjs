// SPDX-License-Identifier: Apache-2.0
// Referral figures (実績, issue 5): an admin of みなみ総合病院 opens 実績, sees the charts and the
// table of the demo history (the numbers of the API), enters this month's 初診患者数 and the
// month's 紹介率 appears in the table and the chart.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { apiSession } from './server.mjs';

const percent = (value) => (value === null ? '—' : `${value.toFixed(1)}%`);

describe('referral figures', { timeout: 180_000 }, () => {
  let server;
  let browser;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('an admin sees the demo figures and enters first visits', async () => {
    const api = await apiSession(server.baseUrl, 'gh.admin');
    const stats = await api.get('/api/referral-stats');
    assert.equal(stats.months.length, 12);
    assert.ok(stats.months.reduce((n, m) => n + m.received, 0) > 0, 'the demo has a history');

    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'gh.admin');
    await page.getByTestId('nav-stats').click();
    await page.getByTestId('stats-table').waitFor();
    assert.match(await page.getByTestId('stats-org-name').textContent(), /^みなみ総合病院 /);

    // the bar chart: four bars a month; the table: the numbers of the API
    const bars = page.getByTestId('stats-counts-chart').locator('rect.bar');
    assert.equal(await bars.count(), 12 * 4);
    for (const m of stats.months) {
      const row = page.locator(`[data-testid="stats-row"][data-month="${m.month}"]`);
      const cell = (name) => row.locator(`[data-field="${name}"]`).textContent();
      assert.equal(await cell('received'), String(m.received), m.month);
      assert.equal(await cell('reverse_sent'), String(m.reverse_sent), m.month);
      assert.equal(await cell('referral_rate'), percent(m.referral_rate), m.month);
      const bar = page.locator(`[data-testid="stats-counts-chart"] rect.bar.s1[data-month="${m.month}"]`);
      assert.equal(await bar.getAttribute('data-value'), String(m.received));
    }
    assert.ok((await page.getByTestId('stats-referring-row').count()) >= 1);
    assert.match(await page.getByTestId('stats-definitions').textContent(), /初診患者数/);
    const csv = await page.getByTestId('stats-csv').getAttribute('href');
    assert.match(csv, /^\/api\/referral-stats\.csv\?org_id=[0-9a-f-]+&from=\d{4}-\d{2}&to=\d{4}-\d{2}$/);

    // this month has no first visits yet: no rate; the form offers this month
    const current = stats.months[stats.months.length - 1];
    assert.equal(current.first_visits, null);
    const row = page.locator(`[data-testid="stats-row"][data-month="${current.month}"]`);
    assert.equal(await row.locator('[data-field="referral_rate"]').textContent(), '—');
    assert.equal(await page.getByTestId('stats-fv-month').inputValue(), current.month);
    await page.getByTestId('stats-fv-count').fill('10');
    await page.getByTestId('stats-fv-save').click();
    await page.getByTestId('stats-fv-saved').waitFor();
    const rate = current.referred_patients * 10; // of 10 first visits
    await row.locator('[data-field="referral_rate"]').filter({ hasText: percent(rate) }).waitFor();
    assert.equal(await row.locator('[data-field="first_visits"]').textContent(), '10');
    const point = page.locator(`[data-testid="stats-rates-chart"] .point.s1[data-month="${current.month}"]`);
    assert.equal(await point.getAttribute('data-value'), String(rate));
    assertNoProblems(page);
    await page.context().close();
  });
});
