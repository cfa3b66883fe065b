// SPDX-License-Identifier: Apache-2.0
// Consent and care team drive access: a pharmacy added to the team with a consent can see the
// patient; withdrawing that consent takes the access away again.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoProblems, loginAs, openPage, searchPatients, withServerAndBrowser } from './browser.mjs';
import { tokyoDate } from './dates.mjs';
import { apiSession, findPatientId } from './server.mjs';

describe('consent and care team', { timeout: 180_000 }, () => {
  let server;
  let browser;
  let hanakoId;
  let pharmacy;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
    hanakoId = await findPatientId(server.baseUrl, 'gh.sato', '山田 花子', 'GH-000001');
    const sato = await apiSession(server.baseUrl, 'gh.sato');
    pharmacy = (await sato.get('/api/orgs')).items.find((o) => o.code === 'hikari-pharmacy');
    assert.ok(pharmacy, 'demo pharmacy hikari-pharmacy exists');
  });

  async function pharmacistSees(query = '山田花子', localId = 'GH-000001') {
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'ph.ito');
    const results = await searchPatients(page, query);
    await results.locator('[data-testid="patient-row"], [data-testid="patients-empty"]').first().waitFor();
    const seen = (await results.getByTestId('patient-row').filter({ hasText: localId }).count()) > 0;
    assertNoProblems(page);
    await page.context().close();
    return seen;
  }

  test('adding the pharmacy to the team and recording its consent opens access', async () => {
    assert.equal(await pharmacistSees(), false);

    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'gh.sato');
    await page.goto(`/#/patients/${hanakoId}/team`);
    await page.getByTestId('team-table').waitFor();
    await page.getByTestId('team-new').locator('summary').click();
    await page.getByTestId('team-org').selectOption(pharmacy.id);
    await page.getByTestId('team-role').fill('訪問薬剤管理指導');
    await page.getByTestId('team-add').click();
    const member = page.getByTestId('team-member').filter({ hasText: pharmacy.name });
    await member.waitFor();
    assert.match(await member.textContent(), /同意なし/);

    await page.getByTestId('tab-consents').click();
    await page.getByTestId('consent-new').locator('summary').click();
    const checklist = page.getByTestId('org-checklist');
    await checklist.locator('input[type="checkbox"]:checked').first().uncheck();
    await checklist.locator(`input[value="${pharmacy.id}"]`).check();
    await page.getByTestId('consent-submit').click();
    await page.getByTestId('consent').filter({ hasText: pharmacy.name }).waitFor();
    assertNoProblems(page);
    await page.context().close();

    assert.equal(await pharmacistSees(), true);
  });

  test('withdrawing a consent closes access again and stays in the history', async () => {
    // a patient of its own, whose consent already lists the pharmacy on her team (set up through
    // the API, as the test above does through the page)
    const sato = await apiSession(server.baseUrl, 'gh.sato');
    const today = tokyoDate();
    const patient = await sato.post('/api/patients', {
      name: '撤回 試子',
      name_kana: 'テッカイ タメコ',
      sex: 'female',
      birth_date: '1948-05-06',
      local_id: 'GH-E2E-WD1',
      consent: { method: 'written', consented_on: today, scope: 'all' },
    });
    await sato.post(`/api/patients/${patient.id}/team`, { org_id: pharmacy.id, role: '訪問薬剤管理指導' });
    await sato.post(`/api/patients/${patient.id}/consents`, {
      org_ids: [sato.me.org_id, pharmacy.id],
      scope: 'all',
      method: 'written',
      consented_on: today,
    });
    assert.equal(await pharmacistSees('撤回試子', 'GH-E2E-WD1'), true);

    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'gh.sato');
    await page.goto(`/#/patients/${patient.id}/consents`);
    const consent = page.getByTestId('consent').filter({ hasText: pharmacy.name });
    await consent.waitFor();
    await consent.getByTestId('withdraw-open').click();
    await consent.getByTestId('withdraw-reason').fill('薬局の変更を希望されたため');
    await consent.getByTestId('withdraw-confirm').click();
    const withdrawn = page.locator('[data-testid="consent"][data-status="withdrawn"]').filter({ hasText: pharmacy.name });
    await withdrawn.waitFor();
    assert.match(await withdrawn.textContent(), /薬局の変更を希望されたため/);
    assertNoProblems(page);
    await page.context().close();

    assert.equal(await pharmacistSees('撤回試子', 'GH-E2E-WD1'), false);
  });
});
