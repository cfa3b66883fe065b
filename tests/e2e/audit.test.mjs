// SPDX-License-Identifier: Apache-2.0
// The audit for people (issue 13, item 9): names and Japanese words instead of ids and codes,
// the patients a search listed on one line, a patient found by name, the CSV export; and the
// patient page's access history, where the care team sees another hospital's emergency access.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { TABLET, assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { apiSession, findPatientId } from './server.mjs';

// Set TSUNAGU_E2E_SCREENSHOTS=<dir> to keep pictures of the pages for a human to look at.
const SHOTS = process.env.TSUNAGU_E2E_SCREENSHOTS;
const WIDE = { width: 1366, height: 900 };
const VIEWPORTS = [
  [TABLET, '768'],
  [WIDE, '1366'],
];

async function fits(page, viewport, name, label) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= viewport.width, `${name} at ${label}: the page is ${width} px wide`);
  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${label}.png`), fullPage: true });
  }
}

describe('audit views', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let hanakoId;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
    hanakoId = await findPatientId(server.baseUrl, 'gh.sato', '山田 花子', 'GH-000001');
    // what the access history shows: another hospital's emergency access
    const fujita = await apiSession(server.baseUrl, 'uh.fujita');
    await fujita.post(`/api/patients/${hanakoId}/emergency`, { reason: '意識障害で救急搬送' });
    await fujita.get(`/api/patients/${hanakoId}`);
  });

  test('the audit page shows names and Japanese words, groups a search, finds a patient by name', async () => {
    const sato = await apiSession(server.baseUrl, 'gh.sato');
    for (const [viewport, label] of VIEWPORTS) {
      const page = await openPage(browser, server.baseUrl, { viewport });
      await loginAs(page, 'gh.admin');
      // the newest records: a search that lists several patients and a read
      await sato.get(`/api/patients?q=${encodeURIComponent('やま')}`);
      await sato.get(`/api/patients/${hanakoId}`);
      await page.getByTestId('nav-admin-audit').click();
      await page.getByTestId('audit-table').waitFor();
      const read = page.getByTestId('audit-row').filter({ hasText: '患者情報の参照' }).filter({ hasText: '山田 花子' }).first();
      assert.match(await read.textContent(), /みなみ総合病院.*患者情報の参照.*山田 花子.*ヤマダ ハナコ.*成功/);
      // no codes or English where people read: the event, the outcome
      for (const text of await page.getByTestId('audit-event').allTextContents()) {
        assert.doesNotMatch(text, /[a-z]_[a-z]|^[CRUDE] /, text);
      }
      for (const text of await page.getByTestId('audit-outcome').allTextContents()) {
        assert.match(text, /成功|失敗/);
      }
      // the search's listed patients: one line that unfolds
      const group = page.getByTestId('audit-group').filter({ hasText: '佐藤 健一' }).filter({ hasText: '患者の検索' }).first();
      assert.match(await group.getByTestId('audit-group-count').textContent(), /^\d+人の患者を一覧に表示$/);
      const hiddenBefore = await page.locator('tr.audit-member:visible').count();
      await group.getByTestId('audit-group-toggle').click();
      assert.ok((await page.locator('tr.audit-member:visible').count()) > hiddenBefore);
      await fits(page, viewport, 'audit', label);

      // a patient by name, without an id
      await page.getByTestId('audit-patient').fill('やまだ はなこ');
      await page.getByTestId('audit-search').click();
      await page.locator('[data-testid="audit-export"][href*="patient="]').waitFor();
      const rows = page.getByTestId('audit-row');
      await rows.first().waitFor();
      for (const text of await page.getByTestId('audit-patient-link').allTextContents()) {
        assert.match(text, /山田 花子/);
      }
      const href = await page.getByTestId('audit-export').getAttribute('href');
      assert.match(href, /^\/api\/audit\.csv\?.*patient=/);
      assertNoProblems(page);
      await page.context().close();
    }
  });

  test("the care team sees who opened the patient's record, emergency access included", async () => {
    for (const [viewport, label] of VIEWPORTS) {
      const page = await openPage(browser, server.baseUrl, { viewport });
      await loginAs(page, 'gh.admin');
      await page.goto(`/#/patients/${hanakoId}/access`);
      const row = page.locator('[data-testid="access-row"][data-emergency="true"]').filter({ hasText: '藤田 真理' }).first();
      await row.waitFor();
      assert.match(await row.textContent(), /みなみ大学附属医療センター.*藤田 真理.*医師.*緊急アクセス/);
      await fits(page, viewport, 'access-history', label);
      assertNoProblems(page);
      await page.context().close();
    }
  });
});
