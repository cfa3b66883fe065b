// SPDX-License-Identifier: Apache-2.0
// Correcting the record (issue 13, items 5 and 13): a physician of みなみ総合病院 corrects a problem,
// stops a prescription and withdraws an allergy entered in error — each with a reason, the
// withdrawn one struck through and never hidden; another organisation is offered none of this. A
// discharge summary without a PDF is shown from its Composition, section by section, in Japanese.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { TABLET, assertNoProblems, loginAs, openPage, searchPatients, withServerAndBrowser } from './browser.mjs';
import { tokyoDate, tokyoDateParts } from './dates.mjs';
import { apiSession, findPatientId } from './server.mjs';

// Set TSUNAGU_E2E_SCREENSHOTS=<dir> to keep pictures of the pages for a human to look at.
const SHOTS = process.env.TSUNAGU_E2E_SCREENSHOTS;
const DESKTOP = { width: 1366, height: 900 };

describe('correcting the record', { timeout: 240_000 }, () => {
  let server;
  let browser;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  async function openRecord(page, login = 'gh.sato') {
    await loginAs(page, login);
    const results = await searchPatients(page, 'やまだ はなこ');
    await results.getByTestId('patient-row').filter({ hasText: 'GH-000001' }).getByTestId('patient-link').click();
    await page.getByTestId('patient-header').waitFor();
    await page.getByTestId('tab-record').click();
    await page.getByTestId('record').waitFor();
  }

  /** Waits until a section has finished loading (its list, its empty note or its error). */
  async function loaded(page, section) {
    const body = page.getByTestId(`record-${section}-body`);
    await body.locator(':scope > *').first().waitFor();
    await page.waitForFunction(
      (testid) => !document.querySelector(`[data-testid="${testid}"] [data-testid="loading"]`),
      `record-${section}-body`,
    );
    return body;
  }

  /** Saves a form dialog; a refusal by the server fails the test with the message it shows. */
  async function save(dialog, submitTestid) {
    const testid = await dialog.getAttribute('data-testid');
    await dialog.getByTestId(submitTestid).click();
    await dialog.page().waitForFunction(
      ([id]) => {
        const open = document.querySelector(`[data-testid="${id}"]`);
        const box = open?.querySelector('[data-testid="error"]');
        return !open || (box && !box.hidden && box.textContent !== '');
      },
      [testid],
    );
    if ((await dialog.count()) > 0) assert.fail(`saving failed: ${await dialog.getByTestId('error').textContent()}`);
  }

  async function noSidewaysScroll(page) {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    const viewport = page.viewportSize().width;
    assert.ok(width <= viewport, `page is ${width} px wide in a ${viewport} px window`);
  }

  /** A picture of the window with `focus` scrolled to its top (set TSUNAGU_E2E_SCREENSHOTS). */
  async function shot(page, name, focus) {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await focus.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: path.join(SHOTS, name) });
  }

  test('a problem is corrected, a prescription stopped and an allergy withdrawn, each with its reason', async () => {
    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await openRecord(page);
    await loaded(page, 'conditions');

    // A problem recorded with the wrong name, corrected with a reason.
    await page.getByTestId('add-condition').click();
    let dialog = page.getByTestId('condition-dialog');
    await dialog.getByTestId('condition-name-input').fill('高血圧(訂正前の表記)');
    await save(dialog, 'condition-submit');
    const condition = page.getByTestId('condition').filter({ hasText: '高血圧(訂正前の表記)' });
    await condition.getByTestId('entry-correct').click();
    dialog = page.getByTestId('correct-dialog');
    assert.equal(await dialog.getByTestId('correct-condition-name').inputValue(), '高血圧(訂正前の表記)');
    await dialog.getByTestId('correct-condition-name').fill('本態性高血圧症(訂正後)');
    // no reason, no correction
    await dialog.getByTestId('correct-submit').click();
    assert.equal(await dialog.getByTestId('correct-reason').evaluate((el) => el.validity.valueMissing), true);
    await dialog.getByTestId('correct-reason').fill('病名の表記を修正');
    await save(dialog, 'correct-submit');
    await page.getByTestId('condition').filter({ hasText: '本態性高血圧症(訂正後)' }).waitFor();
    assert.equal(await page.getByTestId('condition').filter({ hasText: '訂正前の表記' }).count(), 0);

    // A prescription, stopped with a date and a reason: it leaves the current list.
    await loaded(page, 'medications');
    await page.getByTestId('add-medication').click();
    dialog = page.getByTestId('medication-dialog');
    await dialog.getByTestId('medication-drug').fill('テスト錠5mg(中止試験)');
    await dialog.getByTestId('medication-dose').fill('1回1錠 1日1回 朝食後');
    await dialog.getByTestId('medication-start').fill(tokyoDate(-20));
    await save(dialog, 'medication-submit');
    const current = page.getByTestId('medications-current').getByTestId('medication').filter({ hasText: 'テスト錠5mg(中止試験)' });
    await current.getByTestId('entry-stop').click();
    dialog = page.getByTestId('stop-dialog');
    await dialog.getByTestId('stop-date').fill(tokyoDate(-2));
    await dialog.getByTestId('stop-reason').fill('ふらつきが出たため');
    await save(dialog, 'stop-submit');
    await page.getByTestId('medications-past').waitFor();
    assert.equal(await current.count(), 0);
    await page.getByTestId('medications-past').locator('summary').click();
    const past = page.getByTestId('medications-past').getByTestId('medication').filter({ hasText: 'テスト錠5mg(中止試験)' });
    const stoppedOn = tokyoDateParts(tokyoDate(-2)).japanese;
    assert.match(await past.getByTestId('medication-stopped').textContent(), new RegExp(`${stoppedOn}に中止.*ふらつきが出たため`));
    assert.match(await past.textContent(), /中止/);

    // An allergy entered in error: withdrawn, struck through with the reason, no longer a warning.
    await page.getByTestId('add-allergy').click();
    dialog = page.getByTestId('allergy-dialog');
    await dialog.getByTestId('allergy-substance').fill('テスト物質(取り消し試験)');
    await dialog.getByTestId('allergy-category').selectOption('medication');
    await dialog.getByTestId('allergy-criticality').selectOption('high');
    await save(dialog, 'allergy-submit');
    let allergy = page.getByTestId('allergy').filter({ hasText: 'テスト物質(取り消し試験)' });
    assert.equal(await allergy.getAttribute('data-severe'), 'true');
    await allergy.getByTestId('entry-withdraw').click();
    dialog = page.getByTestId('withdraw-dialog');
    await dialog.getByTestId('withdraw-reason').fill('別の患者の記録と取り違えたため');
    await save(dialog, 'withdraw-submit');
    const fold = page.getByTestId('allergies-withdrawn');
    await fold.waitFor();
    await fold.locator('summary').click();
    allergy = fold.getByTestId('allergy').filter({ hasText: 'テスト物質(取り消し試験)' });
    assert.equal(await allergy.getAttribute('data-severe'), 'false');
    assert.match(await allergy.getAttribute('class'), /\bwithdrawn\b/);
    const decoration = await allergy.getByTestId('allergy-name').evaluate((el) => getComputedStyle(el).textDecorationLine);
    assert.equal(decoration, 'line-through');
    assert.match(await allergy.getByTestId('withdrawn-reason').textContent(), /入力誤りとして取り消し.*別の患者の記録と取り違えたため/);
    assert.equal(await allergy.getByTestId('record-actions').count(), 0);
    assert.equal(await page.getByTestId('allergies').getByText('テスト物質(取り消し試験)').count(), 0);

    await noSidewaysScroll(page);
    await shot(page, 'record-tab-768.png', page.getByTestId('record-allergies'));
    await shot(page, 'record-medications-768.png', page.getByTestId('record-medications'));
    await page.setViewportSize(DESKTOP);
    await noSidewaysScroll(page);
    await shot(page, 'record-tab-1366.png', page.getByTestId('record-allergies'));
    await shot(page, 'record-medications-1366.png', page.getByTestId('record-medications'));
    assertNoProblems(page);
    await page.context().close();

    // Another organisation on the team reads the same entries and is offered no change.
    const other = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await openRecord(other, 'aoba.tanaka');
    await loaded(other, 'conditions');
    const seen = other.getByTestId('condition').filter({ hasText: '本態性高血圧症(訂正後)' });
    await seen.waitFor();
    assert.equal(await seen.getByTestId('record-actions').count(), 0);
    assertNoProblems(other);
    await other.context().close();
  });

  test('a discharge summary without a PDF shows its sections in Japanese', async () => {
    for (const viewport of [TABLET, DESKTOP]) {
      const page = await openPage(browser, server.baseUrl, { viewport });
      await openRecord(page);
      await loaded(page, 'documents');
      const summary = page.getByTestId('document').filter({ hasText: '慢性心不全の急性増悪' });
      assert.match(await summary.getByTestId('document-type').textContent(), /退院時サマリー/);
      await summary.getByTestId('doc-open').click();
      const viewer = page.getByTestId('doc-viewer');
      await viewer.getByTestId('doc-section').first().waitFor();
      assert.equal(await viewer.getByTestId('doc-frame').count(), 0);
      const titles = await viewer.getByTestId('doc-section-title').allTextContents();
      for (const title of ['入院時診断', '入院経過', '退院時処方', '今後の方針']) {
        assert.ok(titles.includes(title), `section ${title} in ${titles.join(', ')}`);
      }
      const plan = viewer.getByTestId('doc-section').filter({ has: page.getByText('今後の方針', { exact: true }) });
      assert.match(await plan.getByTestId('doc-section-text').textContent(), /訪問診療.*体重測定/);
      // The narrative is shown as text: no markup of its own reaches the page.
      assert.equal(await viewer.locator('.doc-section-text *').count(), 0);
      await noSidewaysScroll(page);
      await shot(page, `document-${viewport.width}.png`, viewer);
      assertNoProblems(page);
      await page.context().close();
    }
  });

  test('a narrative is shown as text: its markup and scripts never reach the page', async () => {
    const patient = await findPatientId(server.baseUrl, 'gh.sato', '山田 花子', 'GH-000001');
    const api = await apiSession(server.baseUrl, 'gh.sato');
    const hostile =
      '<div xmlns="http://www.w3.org/1999/xhtml"><p>第一段落(表示試験)</p>' +
      '<img src="/nowhere.png" onerror="window.__narrativeRan = 1"/>' +
      '<script>window.__narrativeRan = 2</script><p>第二段落<b>太字</b></p></div>';
    const composition = await api.post('/fhir/Composition', {
      resourceType: 'Composition',
      status: 'final',
      type: { coding: [{ system: 'http://loinc.org', code: '11506-3' }], text: '経過記録' },
      subject: { reference: `Patient/${patient}` },
      date: `${tokyoDate(-1)}T10:00:00+09:00`,
      author: [{ display: 'みなみ総合病院' }],
      title: '経過記録(表示試験)',
      section: [{ title: '経過', text: { status: 'generated', div: hostile } }],
    });
    await api.post('/fhir/DocumentReference', {
      resourceType: 'DocumentReference',
      status: 'current',
      type: { coding: [{ system: 'http://loinc.org', code: '11506-3' }], text: '経過記録(表示試験)' },
      subject: { reference: `Patient/${patient}` },
      date: `${tokyoDate(-1)}T10:00:00+09:00`,
      content: [{ attachment: { contentType: 'application/fhir+json', url: `Composition/${composition.id}` } }],
    });
    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await openRecord(page);
    await loaded(page, 'documents');
    await page.getByTestId('document').filter({ hasText: '経過記録(表示試験)' }).getByTestId('doc-open').click();
    const text = page.getByTestId('doc-viewer').getByTestId('doc-section-text');
    await text.waitFor();
    assert.equal(await text.evaluate((el) => el.innerText), '第一段落(表示試験)\n第二段落太字');
    assert.equal(await page.getByTestId('doc-viewer').locator('img, script, b').count(), 0);
    assert.equal(await page.evaluate(() => window.__narrativeRan), undefined);
    assertNoProblems(page);
    await page.context().close();
  });
});
