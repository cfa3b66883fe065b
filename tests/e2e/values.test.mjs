// SPDX-License-Identifier: Apache-2.0
// Plausible values (issue 13): a value the server refuses for its range (core/plausible.h) is
// shown beside the field it names, not only in the form's error box, and nothing is saved.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TABLET, assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { apiSession, findPatientId } from './server.mjs';

describe('plausible values in forms', { timeout: 180_000 }, () => {
  let server;
  let browser;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('a phone number "abc" is refused beside the phone field of the patient form', async () => {
    const hanakoId = await findPatientId(server.baseUrl, 'gh.sato', '山田 花子', 'GH-000001');
    const sato = await apiSession(server.baseUrl, 'gh.sato');
    const before = await sato.get(`/api/patients/${hanakoId}`);
    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(page, 'gh.sato');
    await page.goto(`/#/patients/${hanakoId}`);
    await page.getByTestId('patient-edit').click();
    const form = page.getByTestId('edit-patient-form');
    await form.getByTestId('edit-phone').fill('abc');
    await form.getByTestId('edit-submit').click();
    const beside = form.locator('[data-testid="edit-phone"] + [data-testid="field-error"]');
    await beside.waitFor();
    assert.match(await beside.textContent(), /範囲外/);
    assert.equal(await form.getByTestId('edit-phone').getAttribute('aria-invalid'), 'true');
    assert.equal(await form.getByTestId('error').isHidden(), true, 'shown beside the field only');
    assert.equal((await sato.get(`/api/patients/${hanakoId}`)).phone, before.phone);
    // a plausible number saves, and the message goes
    await form.getByTestId('edit-phone').fill('099-555-0101');
    await form.getByTestId('edit-submit').click();
    await form.waitFor({ state: 'detached' });
    assert.equal((await sato.get(`/api/patients/${hanakoId}`)).phone, '099-555-0101');
    assertNoProblems(page);
  });

  test('more free beds than the ward has are refused beside that bed kind', async () => {
    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(page, 'gh.admin');
    await page.getByTestId('nav-directory').click();
    await page.getByTestId('dir-q').fill('みなみ総合');
    await page.getByTestId('dir-search').click();
    await page.getByTestId('dir-hit-name').filter({ hasText: 'みなみ総合病院' }).click();
    const form = page.getByTestId('dir-status-form');
    await form.getByTestId('dir-beds-general').fill('9999'); // みなみ総合病院 has 200 general beds
    await form.getByTestId('dir-status-save').click();
    const beside = form.locator('[data-testid="dir-beds-general"] + [data-testid="field-error"]');
    await beside.waitFor();
    assert.match(await beside.textContent(), /200/);
    assert.equal(await form.getByTestId('dir-beds-general').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByTestId('dir-saved').count(), 0);
    assertNoProblems(page);
  });
});
