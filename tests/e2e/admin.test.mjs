// SPDX-License-Identifier: Apache-2.0
// Administration pages are shown to administrators only; the audit log shows patient reads.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { apiSession, findPatientId } from './server.mjs';

describe('administration', { timeout: 120_000 }, () => {
  let server;
  let browser;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('a physician sees no administration links or pages', async () => {
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'gh.sato');
    await page.getByTestId('nav-patients').waitFor();
    assert.equal(await page.locator('[data-testid^="nav-admin-"]').count(), 0);
    await page.goto('/#/admin/audit');
    await page.getByTestId('page-not-found').waitFor();
    assertNoProblems(page);
    await page.context().close();
  });

  test("an organisation admin finds a colleague's patient read in the audit log", async () => {
    const patientId = await findPatientId(server.baseUrl, 'gh.sato', '山田 花子', 'GH-000001');
    const sato = await apiSession(server.baseUrl, 'gh.sato');
    await sato.get(`/api/patients/${patientId}`);

    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'gh.admin');
    await page.getByTestId('nav-admin-audit').click();
    await page.getByTestId('audit-filters').waitFor();
    await page.getByTestId('audit-patient').fill(patientId);
    await page.getByTestId('audit-action').selectOption('R');
    await page.getByTestId('audit-search').click();
    const row = page.getByTestId('audit-row').filter({ hasText: 'gh.sato' }).first();
    await row.waitFor();
    assert.match(await row.textContent(), /佐藤 健一.*患者情報の参照.*山田 花子/);
    assertNoProblems(page);
    await page.context().close();
  });

  test("an organisation admin confirms an account the network office made", async () => {
    const office = await apiSession(server.baseUrl, 'jimukyoku');
    const me = await apiSession(server.baseUrl, 'gh.admin');
    const made = await office.post('/api/users', {
      login: 'gh.e2e.haken',
      name: '派遣 花子',
      profession: 'nurse',
      initial_password: 'hajimete-no-pass-e2e',
      memberships: [{ org_id: me.me.org_id, role: 'member' }],
    });
    assert.equal(made.memberships[0].pending, 'created');

    const page = await openPage(browser, server.baseUrl);
    page.on('dialog', (dialog) => void dialog.accept());
    await loginAs(page, 'gh.admin');
    await page.getByTestId('nav-admin-users').click();
    const row = page.locator('[data-testid="user-row"][data-login="gh.e2e.haken"]');
    assert.match(await row.textContent(), /確認待ち/);
    // no confirm button on rows that need none
    assert.equal(await page.locator('[data-testid="user-row"][data-login="gh.sato"] [data-testid="user-confirm"]').count(), 0);
    await row.getByTestId('user-confirm').click();
    await row.getByTestId('user-confirm').waitFor({ state: 'detached' });
    assert.doesNotMatch(await row.textContent(), /確認待ち/);
    const after = await me.get(`/api/users/${made.id}`);
    assert.equal(after.memberships[0].pending, null);
    assertNoProblems(page);
    await page.context().close();
  });

  test('the network office sees organisations and users but no patient search', async () => {
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'jimukyoku');
    await page.getByTestId('nav-admin-orgs').waitFor();
    assert.equal(await page.getByTestId('nav-patients').count(), 0);
    await page.getByTestId('nav-admin-orgs').click();
    await page.getByTestId('org-row').filter({ hasText: 'ひかり薬局' }).waitFor();
    await page.getByTestId('nav-admin-users').click();
    await page.getByTestId('user-row').filter({ hasText: 'ph.ito' }).waitFor();
    assertNoProblems(page);
    await page.context().close();
  });
});
