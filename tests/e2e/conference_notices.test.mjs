// SPDX-License-Identifier: Apache-2.0
// The inbox says in words what a case conference sent (issue 17): the pharmacy on 佐藤 一郎's team
// reads that the demo's サービス担当者会議 was scheduled and its minutes shared, and the action item
// assigned to its pharmacist with its due date.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';

describe('conference notices', { timeout: 180_000 }, () => {
  let server;
  let browser;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('the demo conference’s notices read as sentences', async () => {
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'ph.yoshida');
    await page.goto('/#/notifications');
    const notices = page.locator('[data-testid="notification"][data-kind="conference"]');
    await notices.first().waitFor();
    const texts = await notices.allTextContents();
    assert.ok(texts.some((s) => s.includes('佐藤 一郎さんのサービス担当者会議の議事録が共有されました。')), texts.join('\n'));
    assert.ok(texts.some((s) => /佐藤 一郎さんのサービス担当者会議で担当する対応事項があります（期限 \d{4}-\d{2}-\d{2}）。/.test(s)), texts.join('\n'));
    assert.ok(!texts.some((s) => s.includes('conference')), 'no raw kind is shown');
    assertNoProblems(page);
    await page.context().close();
  });
});
