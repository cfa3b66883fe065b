// SPDX-License-Identifier: Apache-2.0
// The facility directory (issue 4): the bed board of one user follows, without a reload, a change
// of free ICU/HCU beds that another organisation's admin saves on its page; the facility search
// sorts by distance from the current organisation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TABLET, assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';

describe('facility directory', { timeout: 180_000 }, () => {
  let server;
  let browser;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('a status change shows on another user\'s board without a reload', async () => {
    const watcher = await openPage(browser, server.baseUrl, { viewport: TABLET });
    // keep every EventSource the page opens, to see how many it holds
    await watcher.addInitScript(() => {
      const Original = window.EventSource;
      window.__sources = [];
      window.EventSource = class extends Original {
        constructor(...args) {
          super(...args);
          window.__sources.push(this);
        }
      };
    });
    await loginAs(watcher, 'ph.ito');
    await watcher.getByTestId('nav-board').click();
    const row = watcher.getByTestId('board-row').filter({ hasText: 'みなみ総合病院' });
    const icu = row.getByTestId('board-beds-icu_hcu');
    await icu.waitFor();
    assert.equal((await icu.textContent()).trim(), '1');
    // the stream is open before the change is made
    await watcher.locator('[data-testid="board-live"][data-state="open"]').waitFor();
    const marker = await watcher.evaluate(() => {
      window.__noReload = 'still here';
      return window.__noReload;
    });

    const editor = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(editor, 'gh.admin');
    await editor.getByTestId('nav-directory').click();
    await editor.getByTestId('dir-q').fill('みなみ総合');
    await editor.getByTestId('dir-search').click();
    await editor.getByTestId('dir-hit-name').filter({ hasText: 'みなみ総合病院' }).click();
    const form = editor.getByTestId('dir-status-form');
    await form.getByTestId('dir-beds-icu_hcu').fill('4');
    await form.getByTestId('dir-status-save').click();
    await editor.getByTestId('dir-saved').waitFor();
    assert.match(await editor.getByTestId('dir-status-beds').textContent(), /ICU.*4/);
    assert.ok((await editor.getByTestId('dir-history-item').count()) >= 2);

    // the watcher's row follows in place
    await watcher
      .locator('[data-testid="board-row"][data-updated="true"]')
      .filter({ hasText: 'みなみ総合病院' })
      .getByTestId('board-beds-icu_hcu')
      .filter({ hasText: /^4$/ })
      .waitFor();
    assert.equal(await watcher.evaluate(() => window.__noReload), marker);
    // the other kinds are unchanged (only the kind changed was sent)
    assert.equal((await row.getByTestId('board-beds-general').textContent()).trim(), '8');

    // the page holds one stream (GET /api/events, every topic), shared by the board and the
    // alert watch over every page: leaving the board leaves it open, and nothing breaks on the
    // next page
    await watcher.getByTestId('nav-directory').click();
    await watcher.getByTestId('dir-results').waitFor();
    assert.deepEqual(
      await watcher.evaluate(() => window.__sources.filter((source) => source.readyState !== 2).map((source) => new URL(source.url).pathname + new URL(source.url).search)),
      ['/api/events'],
      'one stream for the page',
    );
    assertNoProblems(watcher);
    assertNoProblems(editor);
    await watcher.context().close();
    await editor.context().close();
  });

  test('search sorted by distance from the current organisation by default', async () => {
    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(page, 'gh.sato');
    await page.getByTestId('nav-directory').click();
    // nothing chosen: the first results are already nearest first
    await page.locator('[data-testid="dir-results"][data-loaded]').waitFor();
    assert.equal(await page.getByTestId('dir-near').inputValue(), 'org');
    await page.locator('[data-testid="dir-results"][data-loaded*="near_org"]').waitFor();
    const distances = (await page.getByTestId('dir-hit-distance').allTextContents()).map((text) => {
      assert.match(text, /^\d+\.\d km$/);
      return Number.parseFloat(text);
    });
    assert.ok(distances.length >= 5);
    assert.equal(distances[0], 0);
    assert.deepEqual(distances, [...distances].sort((a, b) => a - b));
    const first = page.getByTestId('dir-hit').first();
    assert.match(await first.textContent(), /みなみ総合病院/);
    assert.match(await first.getByTestId('freshness').textContent(), /更新: (たった今|\d+分前)/);
    // a stale report carries the words, not only a colour
    await page.getByTestId('dir-hit').filter({ hasText: 'みなみ療養病院' }).getByText('古い情報').waitFor();
    assertNoProblems(page);
    await page.context().close();
  });

  test('the board sorts by a column, by its header or the select', async () => {
    const page = await openPage(browser, server.baseUrl, { viewport: { width: 1366, height: 900 } });
    await loginAs(page, 'gh.sato');
    await page.getByTestId('nav-board').click();
    const rows = page.getByTestId('board-row');
    await rows.first().waitFor();
    const general = async () =>
      rows.evaluateAll((trs) =>
        trs.map((tr) => tr.querySelector('[data-testid="board-beds-general"]')?.textContent ?? null),
      );
    const names = async () => rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('th a').textContent));

    await page.getByTestId('board-sort-beds-general').click();
    const most = await general();
    const reported = most.filter((v) => v !== null && v !== '—').map(Number);
    assert.ok(reported.length >= 2, `general beds reported by ${reported.length}`);
    assert.deepEqual(most.slice(0, reported.length).map(Number), [...reported].sort((a, b) => b - a));
    assert.ok(most.slice(reported.length).every((v) => v === null || v === '—'), 'the others come last');
    assert.equal(await page.locator('th[aria-sort="ascending"], th[aria-sort="descending"]').count(), 1);

    // again: the other way round, those without a figure still last
    await page.getByTestId('board-sort-beds-general').click();
    const least = await general();
    assert.deepEqual(least.slice(0, reported.length).map(Number), [...reported].sort((a, b) => a - b));

    await page.getByTestId('board-sort-name').click();
    const byName = await names();
    assert.equal(byName.length, most.length);
    assert.equal(byName[0], 'あおば在宅クリニック', 'kana order: アオバ… first');
    assert.equal(await page.locator('th[aria-sort="ascending"]').textContent(), '施設');

    // the select does the same where the headers are hidden (tablet cards)
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.getByTestId('board-sort').selectOption('beds:icu_hcu');
    const icu = await rows.evaluateAll((trs) =>
      trs.map((tr) => tr.querySelector('[data-testid="board-beds-icu_hcu"]')?.textContent ?? null),
    );
    const icuReported = icu.filter((v) => v !== null && v !== '—').map(Number);
    assert.deepEqual(icu.slice(0, icuReported.length).map(Number), [...icuReported].sort((a, b) => b - a));
    assertNoProblems(page);
    await page.context().close();
  });

  test('organisations that report no beds show no bed figures', async () => {
    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(page, 'gh.sato');
    await page.getByTestId('nav-board').click();
    const hospital = page.getByTestId('board-row').filter({ hasText: 'みなみ総合病院' });
    await hospital.getByTestId('board-beds-general').waitFor();
    for (const name of ['ひかり薬局', 'みなみ居宅介護支援事業所', 'みなみ市地域包括支援センター', 'みなみ市役所']) {
      const row = page.getByTestId('board-row').filter({ hasText: name });
      assert.equal(await row.count(), 1, name);
      assert.equal(await row.locator('[data-testid^="board-beds-"]').count(), 0, `${name}: no bed cells`);
      assert.equal(await row.getByTestId('board-emergency').count(), 0, `${name}: no emergency`);
      const text = await row.textContent();
      assert.doesNotMatch(text, /未報告|古い情報|—/, `${name}: nothing marked missing in "${text}"`);
    }
    // a recovery hospital shows its own kinds of beds only
    const rehab = page.getByTestId('board-row').filter({ hasText: 'みなみリハビリテーション病院' });
    assert.equal(await rehab.getByTestId('board-beds-recovery_rehab').count(), 1);
    assert.equal(await rehab.getByTestId('board-beds-icu_hcu').count(), 0);

    await page.getByTestId('nav-directory').click();
    await page.locator('[data-testid="dir-results"][data-loaded]').waitFor();
    const pharmacy = page.getByTestId('dir-hit').filter({ hasText: 'ひかり薬局' });
    await pharmacy.waitFor();
    assert.equal(await pharmacy.getByTestId('dir-hit-beds').count(), 0);
    assert.doesNotMatch(await pharmacy.textContent(), /未報告|古い情報/);
    const gh = page.getByTestId('dir-hit').filter({ hasText: 'みなみ総合病院' });
    assert.equal(await gh.getByTestId('dir-hit-beds').count(), 1);
    assertNoProblems(page);
    await page.context().close();
  });
});
