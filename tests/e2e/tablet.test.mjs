// SPDX-License-Identifier: Apache-2.0
// The patient page on a tablet (768×1024): no sideways scrolling, touch-sized controls.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { TABLET, assertNoProblems, loginAs, openPage, searchPatients, withServerAndBrowser } from './browser.mjs';

// Set TSUNAGU_E2E_SCREENSHOTS=<dir> to keep a picture of the page for a human to look at.
const SHOTS = process.env.TSUNAGU_E2E_SCREENSHOTS;

describe('tablet layout', { timeout: 120_000 }, () => {
  let server;
  let browser;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('the patient page fits 768 px and has big touch targets', async () => {
    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(page, 'gh.sato');
    const results = await searchPatients(page, 'やまだ はなこ');
    await results.getByTestId('patient-row').filter({ hasText: 'GH-000001' }).getByTestId('patient-link').click();
    await page.getByTestId('consent').first().waitFor();

    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= TABLET.width, `page is ${width} px wide`);
    for (const testid of ['tab-consents', 'tab-team', 'tab-record', 'logout', 'lang-switch']) {
      const box = await page.getByTestId(testid).boundingBox();
      assert.ok(box && box.height >= 44, `${testid} is ${box?.height} px high`);
    }
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, 'patient-tablet.png'), fullPage: true });
    }

    // The 画像 tab: the studies and the CD upload, its buttons big enough for a finger.
    await page.getByTestId('tab-images').click();
    await page.getByTestId('imaging-upload').waitFor();
    for (const testid of ['imaging-choose-zip', 'imaging-choose-folder']) {
      const box = await page.getByTestId(testid).boundingBox();
      assert.ok(box && box.height >= 44, `${testid} is ${box?.height} px high`);
    }
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= TABLET.width);

    // The 在宅 tab: its sections, big enough for a finger, and no sideways scrolling.
    await page.getByTestId('tab-homecare').click();
    for (const testid of ['homecare-section-schedule', 'homecare-section-records', 'homecare-section-timeline', 'homecare-section-report']) {
      const box = await page.getByTestId(testid).boundingBox();
      assert.ok(box && box.height >= 44, `${testid} is ${box?.height} px high`);
    }
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= TABLET.width);
    assertNoProblems(page);
    await page.context().close();
  });
});
