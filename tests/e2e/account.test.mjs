// SPDX-License-Identifier: Apache-2.0
// Account flows: switching organisation, first login with a forced password change, and
// two-factor enrolment followed by a login with a recovery code.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { totp } from './totp.mjs';

describe('account', { timeout: 180_000 }, () => {
  let server;
  let browser;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('a doctor with two memberships switches organisation', async () => {
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'multi.kobayashi');
    const select = page.getByTestId('org-switch');
    await select.waitFor();
    const options = await select.locator('option').evaluateAll((list) => list.map((o) => o.value));
    assert.equal(options.length, 2);
    const current = await select.inputValue();
    const target = options.find((value) => value !== current);
    await select.selectOption(target);
    await page.waitForFunction(
      (value) => document.querySelector('[data-testid="org-switch"]')?.value === value && !document.querySelector('[data-testid="org-switch"]')?.disabled,
      target,
    );
    assert.equal(await page.locator('header [data-testid="error"]').isVisible(), false);
    // The choice is the server's: it survives a reload.
    await page.reload();
    await page.getByTestId('org-switch').waitFor();
    assert.equal(await page.getByTestId('org-switch').inputValue(), target);
    assertNoProblems(page);
    await page.context().close();
  });

  test('a new user added by the org admin must change the password at first login', async () => {
    const admin = await openPage(browser, server.baseUrl);
    await loginAs(admin, 'gh.admin');
    await admin.getByTestId('nav-admin-users').click();
    await admin.getByTestId('user-new').locator('summary').click();
    await admin.getByTestId('user-login').fill('gh.e2e');
    await admin.getByTestId('user-name-input').fill('試験 看護師');
    await admin.getByTestId('user-kana').fill('シケン カンゴシ');
    await admin.getByTestId('user-profession').selectOption('nurse');
    await admin.getByTestId('user-initial-password').fill('first-password-e2e-2026');
    await admin.getByTestId('user-submit').click();
    await admin.getByTestId('user-row').filter({ hasText: 'gh.e2e' }).waitFor();
    assertNoProblems(admin);
    await admin.context().close();

    const page = await openPage(browser, server.baseUrl);
    await page.goto('/');
    await page.getByTestId('login-id').fill('gh.e2e');
    await page.getByTestId('login-password').fill('first-password-e2e-2026');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('password-change-form').waitFor();
    await page.getByTestId('password-current').fill('first-password-e2e-2026');
    await page.getByTestId('password-new').fill('short');
    await page.getByTestId('password-again').fill('short');
    await page.getByTestId('password-submit').click();
    await page.getByTestId('password-change-form').getByTestId('error').waitFor();
    await page.getByTestId('password-new').fill('sakura-namiki-e2e-2026');
    await page.getByTestId('password-again').fill('sakura-namiki-e2e-2026');
    await page.getByTestId('password-submit').click();
    await page.getByTestId('header').waitFor();
    assert.equal(await page.getByTestId('user-name').textContent(), '試験 看護師');
    assertNoProblems(page);
    await page.context().close();
  });

  test('two-factor enrolment, then a login with a recovery code', async () => {
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'vns.suzuki');
    await page.getByTestId('nav-account').click();
    await page.getByTestId('totp-enroll').click();
    const qr = page.getByTestId('totp-qr');
    await qr.waitFor();
    assert.match(await qr.getAttribute('src'), /^data:image\/svg\+xml;base64,/);
    assert.ok(await qr.evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR image renders');
    const secret = (await page.getByTestId('totp-secret').textContent()).replace(/\s/g, '');
    await page.getByTestId('totp-confirm-code').fill(totp(secret));
    await page.getByTestId('totp-confirm').click();
    const codes = page.getByTestId('recovery-codes').locator('li');
    await codes.first().waitFor();
    assert.equal(await codes.count(), 10);
    const recovery = (await codes.first().textContent()).trim();
    await page.getByTestId('logout').click();

    await page.getByTestId('login-id').fill('vns.suzuki');
    await page.getByTestId('login-password').fill('minami-demo-2026');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('totp-form').waitFor();
    await page.getByTestId('totp-form').getByRole('button', { name: 'リカバリーコードを使う' }).click();
    await page.getByTestId('recovery-code').fill(recovery);
    await page.getByTestId('totp-submit').click();
    await page.getByTestId('header').waitFor();
    assertNoProblems(page);
    await page.context().close();
  });

  test('a wrong two-factor code says so and stays on the page, logged in', async () => {
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'vns.ikeda');
    await page.getByTestId('nav-account').click();
    await page.getByTestId('totp-enroll').click();
    await page.getByTestId('totp-qr').waitFor();
    const secret = (await page.getByTestId('totp-secret').textContent()).replace(/\s/g, '');
    // a code the server accepts in no time step around now (it allows one step either side)
    const near = [-30_000, 0, 30_000].map((shift) => totp(secret, Date.now() + shift));
    const wrong = ['000000', '111111', '222222', '333333'].find((c) => !near.includes(c));
    await page.getByTestId('totp-confirm-code').fill(wrong);
    await page.getByTestId('totp-confirm').click();
    const error = page.getByTestId('account-totp').getByTestId('error');
    await error.waitFor();
    assert.match(await error.textContent(), /確認コードが正しくありません/);
    assert.equal(await page.getByTestId('login-form').count(), 0, 'not sent to the login screen');
    assert.equal(await page.getByTestId('user-name').count(), 1, 'still logged in');
    // the right code still works in the same form
    await page.getByTestId('totp-confirm-code').fill(totp(secret));
    await page.getByTestId('totp-confirm').click();
    await page.getByTestId('recovery-codes').locator('li').first().waitFor();
    await page.context().close();
  });
});
