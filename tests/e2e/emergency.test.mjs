// SPDX-License-Identifier: Apache-2.0
// Break-the-glass emergency access (issue 3): a physician of a hospital outside the care team
// finds the patient by name and birth date, states a reason and sees the patient page marked as
// emergency access; the care team's organisation sees the notification, and the hospital's
// administrator closes the review with a comment.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { TABLET, assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { apiSession, findPatientId } from './server.mjs';

// Set TSUNAGU_E2E_SCREENSHOTS=<dir> to keep pictures of the pages for a human to look at.
const SHOTS = process.env.TSUNAGU_E2E_SCREENSHOTS;
const WIDE = { width: 1366, height: 900 };

/** The review page at both widths: no sideways scroll on the tablet; a picture when asked. */
async function reviewPages(browser, baseUrl, name, check) {
  for (const [viewport, label] of [[TABLET, '768'], [WIDE, '1366']]) {
    const page = await openPage(browser, baseUrl, { viewport });
    await loginAs(page, 'uh.admin');
    await page.getByTestId('nav-admin-emergency').click();
    await check(page);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= viewport.width, `${name} at ${label}: the page is ${width} px wide`);
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, `${name}-${label}.png`), fullPage: true });
    }
    assertNoProblems(page);
    await page.context().close();
  }
}

describe('emergency access', { timeout: 180_000 }, () => {
  let server;
  let browser;
  let hanakoId;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
    hanakoId = await findPatientId(server.baseUrl, 'gh.sato', '山田 花子', 'GH-000001');
  });

  test('search, reason, banner; the team is notified; the admin reviews', async () => {
    // the home-care clinic's unread notifications before: whatever else the server holds
    const aoba = await apiSession(server.baseUrl, 'aoba.tanaka');
    const unreadBefore = (await aoba.get('/api/notifications')).unread;

    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'uh.fujita');
    await page.getByTestId('emergency-open').click();
    await page.getByTestId('emergency-name').fill('やまだ はなこ');
    await page.getByTestId('emergency-birth-date').fill('1941-04-12');
    await page.getByTestId('emergency-search').click();
    const candidate = page.locator(`[data-testid="emergency-candidate"][data-patient-id="${hanakoId}"]`);
    await candidate.getByTestId('emergency-select').click();

    const dialog = page.getByTestId('emergency-reason-dialog');
    assert.match(await dialog.getByTestId('emergency-warning').textContent(), /記録され.*通知/);
    // no reason: the browser refuses to send the form and nothing opens
    await dialog.getByTestId('emergency-confirm').click();
    assert.equal(await dialog.isVisible(), true);
    await dialog.getByTestId('emergency-reason').fill('意識障害で救急搬送、服薬確認のため');
    await dialog.getByTestId('emergency-confirm').click();

    const banner = page.getByTestId('emergency-banner');
    await banner.waitFor();
    assert.match(await banner.textContent(), /緊急アクセス中 — 残り (23:59|24:00)（理由: 意識障害で救急搬送、服薬確認のため）/);
    assert.equal(await page.getByTestId('patient-name').textContent(), '山田 花子');
    // only the emergency view: no consent or team tabs, no editing
    assert.equal(await page.getByTestId('tab-consents').count(), 0);
    assert.equal(await page.getByTestId('tab-team').count(), 0);
    assert.equal(await page.getByTestId('patient-edit').count(), 0);
    await page.getByTestId('tab-record').waitFor();
    // the record tab shows the emergency view read-only: allergies yes, lab results said to be
    // outside it (not an empty list), no forms
    await page.getByTestId('tab-record').click();
    await page.getByTestId('allergy').first().waitFor();
    await page.getByTestId('record-emergency-not-shown').waitFor();
    for (const add of ['add-allergy', 'add-condition', 'add-lab', 'add-medication']) {
      assert.equal(await page.getByTestId(add).count(), 0, add);
    }
    assertNoProblems(page);
    await page.context().close();

    // the care team's home-care clinic sees the notification in the header and the list
    const tanaka = await openPage(browser, server.baseUrl);
    await loginAs(tanaka, 'aoba.tanaka');
    const link = tanaka.getByTestId('nav-notifications');
    await tanaka.locator(`[data-testid="nav-notifications"][data-unread="${unreadBefore + 1}"]`).waitFor();
    await link.click();
    const note = tanaka.getByTestId('notification').filter({ hasText: '意識障害で救急搬送、服薬確認のため' });
    assert.match(await note.textContent(), /藤田 真理.*山田 花子.*意識障害で救急搬送/);
    await note.getByTestId('notification-read').click();
    await tanaka
      .locator('[data-testid="notification"][data-read="true"]')
      .filter({ hasText: '意識障害で救急搬送、服薬確認のため' })
      .waitFor();
    assertNoProblems(tanaka);
    await tanaka.context().close();

    // the hospital's administrator closes the review once the access has ended
    const fujita = await apiSession(server.baseUrl, 'uh.fujita');
    const grant = (await fujita.get('/api/emergency/active')).items.find((g) => g.patient.id === hanakoId);
    assert.ok(grant, 'the grant just opened is in force');
    await fujita.post(`/api/emergency/${grant.id}/end`);
    const admin = await openPage(browser, server.baseUrl);
    await loginAs(admin, 'uh.admin');
    await admin.getByTestId('nav-admin-emergency').click();
    const row = admin.locator(`[data-testid="review-row"][data-grant-id="${grant.id}"]`);
    await row.getByTestId('review-comment').fill('救急外来での利用、妥当');
    await row.getByTestId('review-close').click();
    await row.waitFor({ state: 'detached' }); // no longer among the open reviews
    await admin.getByTestId('reviews-closed').click();
    assert.match(await admin.locator(`[data-testid="review-row"][data-grant-id="${grant.id}"]`).textContent(), /救急外来での利用、妥当/);
    assertNoProblems(admin);
    await admin.context().close();
  });

  test('ending the access lands on search; the review waits for the end, then shows what was opened', async () => {
    // issue 13, item 12
    const api = await apiSession(server.baseUrl, 'uh.fujita');
    const grant = await api.post(`/api/patients/${hanakoId}/emergency`, { reason: '救急搬送、服薬の確認' });
    const rowOf = (page) => page.locator(`[data-testid="review-row"][data-grant-id="${grant.id}"]`);
    await reviewPages(browser, server.baseUrl, 'emergency-review-running', async (page) => {
      const row = rowOf(page);
      assert.match(await row.getByTestId('review-running').textContent(), /終了または期限切れ.*後に確認できます/);
      assert.equal(await row.getByTestId('review-comment').count(), 0);
    });

    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'uh.fujita');
    await page.goto(`/#/patients/${hanakoId}`);
    await page.getByTestId('emergency-banner').waitFor();
    await page.getByTestId('tab-record').click();
    await page.getByTestId('allergy').first().waitFor();
    page.on('dialog', (dialog) => void dialog.accept());
    await page.getByTestId('emergency-end').click();
    await page.getByTestId('patient-search').waitFor();
    assert.equal(new URL(page.url()).hash, '#/patients');
    assert.equal(await page.getByTestId('emergency-banner').count(), 0);
    assertNoProblems(page);
    await page.context().close();

    await reviewPages(browser, server.baseUrl, 'emergency-review-ended', async (page) => {
      const row = rowOf(page);
      await row.getByTestId('review-comment').waitFor();
      assert.equal(await row.getByTestId('review-running').count(), 0);
      const details = page.locator(`[data-testid="review-opened"][data-grant-id="${grant.id}"]`);
      await details.locator('summary').click();
      await details.getByTestId('review-opened-item').first().waitFor();
      const opened = await details.getByTestId('review-opened-item').allTextContents();
      assert.ok(opened.some((text) => text.includes('患者情報の参照')), opened.join(' / '));
      assert.ok(opened.some((text) => text.includes('アレルギー')), opened.join(' / '));
    });
  });
});
