// SPDX-License-Identifier: Apache-2.0
// Home-care notifications in the inbox: an urgent post on 佐藤 一郎's team timeline by the nurse and
// a visit the nurse cancels reach the home-care clinic's inbox in plain Japanese, each leading to
// its section of the patient's 在宅 tab.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { tokyoDate } from './dates.mjs';
import { apiSession } from './server.mjs';

describe('home-care notifications', { timeout: 180_000 }, () => {
  let server;
  let browser;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('an urgent post and a cancelled visit are told in the inbox and lead to the 在宅 tab', async () => {
    const nurse = await apiSession(server.baseUrl, 'vns.suzuki');
    const found = await nurse.get(`/api/patients?q=${encodeURIComponent('佐藤 一郎')}`);
    const patient = found.items.find((p) => p.name === '佐藤 一郎');
    assert.ok(patient, 'the nurse finds 佐藤 一郎');
    const base = `/api/patients/${patient.id}/homecare`;
    const post = await nurse.post(`${base}/posts`, { category: 'consult', urgency: 'urgent', text: '夕方から37.8℃の発熱があります' });
    const visit = await nurse.post(`${base}/visits`, { kind: 'home_nursing', date: tokyoDate(12), start: '09:00', end: '09:40' });
    await nurse.post(`${base}/visits/${visit.id}/cancel`, { reason: '家族の都合' });

    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'aoba.tanaka');
    await page.goto('/#/notifications');
    const urgent = page.getByTestId('notification').filter({ has: page.locator(`a[href$="/homecare/timeline"]`) }).filter({ hasText: '【至急】' });
    await urgent.first().waitFor();
    const urgentText = await urgent.first().textContent();
    assert.match(urgentText, /【至急】みなみ訪問看護ステーション（.+）が佐藤 一郎さんのタイムラインに相談を投稿しました。/);
    const cancelled = page.getByTestId('notification').filter({ hasText: '訪問を中止しました' });
    await cancelled.first().waitFor();
    assert.match(await cancelled.first().textContent(), /佐藤 一郎さんの訪問を中止しました。 理由: 家族の都合/);

    await urgent.first().getByTestId('notification-link').click();
    await page.waitForURL((url) => url.hash === `#/patients/${patient.id}/homecare/timeline`);
    await page.getByTestId('homecare-panel').waitFor();
    assert.equal(await page.getByTestId('homecare-panel').getAttribute('data-section'), 'timeline');
    assert.ok(post.id);
    assertNoProblems(page);
    await page.context().close();
  });
});
