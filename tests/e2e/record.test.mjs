// SPDX-License-Identifier: Apache-2.0
// The 記録 tab: a physician of みなみ総合病院 records an allergy and a lab result by hand for 山田 花子
// and sees both listed, each with the organisation that recorded it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TABLET, assertNoProblems, loginAs, openPage, searchPatients, withServerAndBrowser } from './browser.mjs';
import { tokyoDate } from './dates.mjs';

describe('clinical record tab', { timeout: 180_000 }, () => {
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
    assert.match(await page.getByTestId('tab-record').textContent(), /記録/);
    await page.getByTestId('record').waitFor();
  }

  /** Saves a form dialog; a refusal by the server fails the test with the message the dialog shows. */
  async function save(dialog, submitTestid) {
    const testid = await dialog.getAttribute('data-testid'); // before the dialog may close
    await dialog.getByTestId(submitTestid).click();
    const error = dialog.getByTestId('error');
    await dialog.page().waitForFunction(
      ([id]) => {
        const open = document.querySelector(`[data-testid="${id}"]`);
        const box = open?.querySelector('[data-testid="error"]');
        return !open || (box && !box.hidden && box.textContent !== '');
      },
      [testid],
    );
    if ((await dialog.count()) > 0) assert.fail(`saving failed: ${await error.textContent()}`);
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

  test('an allergy added by hand is listed, highlighted and attributed to みなみ総合病院', async () => {
    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await openRecord(page);
    await loaded(page, 'allergies');

    await page.getByTestId('add-allergy').click();
    const dialog = page.getByTestId('allergy-dialog');
    await dialog.waitFor();
    // The browser refuses an empty form before anything is sent.
    await dialog.getByTestId('allergy-submit').click();
    assert.equal(await dialog.getByTestId('allergy-substance').evaluate((el) => el.validity.valueMissing), true);

    await dialog.getByTestId('allergy-substance').fill('セフェム系抗菌薬(試験)');
    await dialog.getByTestId('allergy-category').selectOption('medication');
    await dialog.getByTestId('allergy-criticality').selectOption('high');
    await dialog.getByTestId('allergy-manifestation').fill('アナフィラキシー');
    // one severity scale (issue 13, item 14): criticality only, no reaction severity beside it
    assert.equal(await dialog.getByTestId('allergy-severity').count(), 0);
    await dialog.getByTestId('allergy-note').fill('2020年に救急搬送');
    await save(dialog, 'allergy-submit');

    const item = page.getByTestId('allergy').filter({ hasText: 'セフェム系抗菌薬(試験)' });
    await item.waitFor();
    assert.equal(await item.getAttribute('data-severe'), 'true');
    assert.match(await item.getByTestId('allergy-severe').textContent(), /重篤/);
    assert.match(await item.textContent(), /アナフィラキシー/);
    assert.match(await item.getByTestId('record-source').textContent(), /記録元: みなみ総合病院/);
    assert.match(await item.getByTestId('record-date').textContent(), /^\d{4}年\d{1,2}月\d{1,2}日$/);

    // The whole tab still fits a tablet.
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= TABLET.width, `page is ${width} px wide`);
    assertNoProblems(page);
    await page.context().close();
  });

  test('a lab value added by hand shows in the table with its flag against the range', async () => {
    const page = await openPage(browser, server.baseUrl);
    await openRecord(page);
    await loaded(page, 'labs');

    await page.getByTestId('add-lab').click();
    const dialog = page.getByTestId('lab-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('lab-test').selectOption('k');
    assert.equal(await dialog.getByTestId('lab-unit').textContent(), 'mmol/L');
    await dialog.getByTestId('lab-value-input').fill('5.6');
    await dialog.getByTestId('lab-date').fill(tokyoDate(-2));
    await save(dialog, 'lab-submit');

    const row = page.getByTestId('lab-table').locator('[data-testid="lab-row"][data-test-name="カリウム"]');
    await row.waitFor();
    assert.equal(await row.getByTestId('lab-value').textContent(), '5.6');
    assert.match(await row.textContent(), /mmol\/L/);
    assert.equal(await row.getAttribute('data-flag'), 'H');
    assert.match(await row.getByTestId('lab-flag').textContent(), /H/);
    assert.match(await row.getByTestId('record-source').textContent(), /みなみ総合病院/);

    // A second value makes a trend chart with both points.
    await page.getByTestId('add-lab').click();
    await dialog.waitFor();
    await dialog.getByTestId('lab-test').selectOption('k');
    await dialog.getByTestId('lab-value-input').fill('4.2');
    await dialog.getByTestId('lab-date').fill(tokyoDate(-1));
    await save(dialog, 'lab-submit');
    await page.waitForFunction(() => {
      const row = document.querySelector('[data-testid="lab-row"][data-test-name="カリウム"]');
      return row?.querySelector('[data-testid="lab-value"]')?.textContent === '4.2';
    });
    const chart = page.locator('[data-testid="lab-chart"][data-test-name="カリウム"]');
    await chart.waitFor();
    const description = await chart.locator('desc').textContent();
    assert.match(description, /5\.6/);
    assert.match(description, /4\.2/);
    assertNoProblems(page);
    await page.context().close();
  });

  test('the record offers only the forms the profession may submit (the write matrix)', async () => {
    const expected = {
      'gh.sato': ['add-condition', 'add-allergy', 'add-lab', 'add-medication'], // physician
      'gh.yamamoto': ['add-allergy', 'add-lab'], // nurse
      'gh.renkei': [], // medical social worker
    };
    for (const [login, offered] of Object.entries(expected)) {
      const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
      await openRecord(page, login); // the sections and their buttons are drawn before they load
      const shown = [];
      for (const testid of ['add-condition', 'add-allergy', 'add-lab', 'add-medication']) {
        if ((await page.getByTestId(testid).count()) > 0) shown.push(testid);
      }
      assert.deepEqual(shown, offered, login);
      assertNoProblems(page);
      await page.context().close();
    }
  });
});
