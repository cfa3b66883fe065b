// SPDX-License-Identifier: Apache-2.0
// The language switch: Japanese by default, English on request, remembered across reloads,
// and sent to the server so its problem messages come back in English too.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { assertNoProblems, openPage, withServerAndBrowser } from './browser.mjs';
import { DEMO_PASSWORD } from './server.mjs';

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

describe('language switch', { timeout: 120_000 }, () => {
  let server;
  let browser;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('Japanese by default, English after the switch, kept after reload', async () => {
    const page = await openPage(browser, server.baseUrl);
    await page.goto('/');
    const submit = page.getByTestId('login-submit');
    assert.equal(await submit.textContent(), 'ログイン');
    assert.equal(await page.locator('html').getAttribute('lang'), 'ja');

    await page.getByTestId('lang-switch').click();
    await page.getByTestId('login-submit').filter({ hasText: 'Log in' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');

    // A wrong password: the server's problem detail is shown, in English.
    await page.getByTestId('login-id').fill('gh.renkei');
    await page.getByTestId('login-password').fill('not-the-password-1234');
    await page.getByTestId('login-submit').click();
    const error = page.getByTestId('error');
    await error.waitFor();
    assert.doesNotMatch(await error.textContent(), JAPANESE);

    await page.getByTestId('login-id').fill('gh.sato');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-patients').filter({ hasText: 'Patients' }).waitFor();
    assert.equal(await page.getByTestId('logout').textContent(), 'Log out');

    await page.reload();
    await page.getByTestId('nav-patients').filter({ hasText: 'Patients' }).waitFor();
    assert.equal(await page.getByTestId('search-submit').textContent(), 'Search');

    await page.getByTestId('lang-switch').click();
    await page.getByTestId('nav-patients').filter({ hasText: '患者検索' }).waitFor();
    assertNoProblems(page);
    await page.context().close();
  });
});
