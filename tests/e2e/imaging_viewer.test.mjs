// SPDX-License-Identifier: Apache-2.0
// The image viewer (issue 15): a physician of a clinic on 鈴木 正雄's care team opens the demo CT of
// みなみ総合病院 from his patient page and sees it drawn, with his name as the DICOM file records it;
// pages through it by keys, wheel and slider; a CT window preset, invert and reset change the
// pixels; a length, an angle and an ROI are measured in mm, degrees and HU; layouts and a prior study side by side
// scroll in step; on a 768×1024 touch tablet it works with fingers; and the first image of a
// 100-slice CT is drawn within the target (the figure is printed and reported in docs/benchmarks.md).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TABLET, assertNoProblems, launchBrowser, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { apiSession, findPatientId } from './server.mjs';
import { makeCtStudy, makeStudyOfSamples, panePixels, stowAs, summary, timeToFirstImage } from './viewer_helpers.mjs';

const CLINIC_USER = 'aoba.mori'; // あおば在宅クリニック, on his care team with consent
const HOSPITAL_USER = 'gh.sato'; // みなみ総合病院, where his images are taken

function pane(page, n = 0) {
  return page.locator(`[data-testid="viewer-pane"][data-pane="${n}"]`);
}

async function waitDrawn(page, n = 0) {
  await page.locator(`[data-testid="viewer-pane"][data-pane="${n}"][data-drawn]`).waitFor();
}

async function sliceText(page, n = 0) {
  return pane(page, n).getByTestId('viewer-slice').textContent();
}

async function waitSlice(page, text, n = 0) {
  await pane(page, n).getByTestId('viewer-slice').filter({ hasText: new RegExp(`^${text}$`) }).waitFor();
}

/** Drags with the mouse across the middle of pane n from (x0, y0) to (x1, y1), fractions of it. */
async function drag(page, n, [x0, y0], [x1, y1]) {
  const box = await pane(page, n).boundingBox();
  await page.mouse.move(box.x + box.width * x0, box.y + box.height * y0);
  await page.mouse.down();
  for (let step = 1; step <= 8; step++) {
    await page.mouse.move(box.x + box.width * (x0 + ((x1 - x0) * step) / 8), box.y + box.height * (y0 + ((y1 - y0) * step) / 8));
  }
  await page.mouse.up();
}

/** One finger dragged across element from (x0, y0) to (x1, y1), fractions of it (CDP touch events). */
async function touchDrag(page, element, [x0, y0], [x1, y1]) {
  const box = await element.boundingBox();
  const at = (fx, fy) => [{ x: box.x + box.width * fx, y: box.y + box.height * fy, id: 1 }];
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(x0, y0) });
  for (let step = 1; step <= 10; step++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(x0 + ((x1 - x0) * step) / 10, y0 + ((y1 - y0) * step) / 10) });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

describe('image viewer', { timeout: 300_000 }, () => {
  let server;
  let browser;
  let suzukiId;
  let demoCt;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
    suzukiId = await findPatientId(server.baseUrl, CLINIC_USER, '鈴木 正雄', 'GH-000003');
    const clinic = await apiSession(server.baseUrl, CLINIC_USER);
    const studies = await clinic.get(`/api/patients/${suzukiId}/studies`);
    demoCt = studies.items.find((s) => s.modalities.includes('CT'));
    assert.ok(demoCt, JSON.stringify(studies));
  });

  test('a clinic physician opens the demo CT from the patient page: drawn, paged, windowed', async () => {
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, CLINIC_USER);
    await page.goto(`/#/patients/${suzukiId}/images`);
    const row = page.locator(`[data-testid="imaging-study"][data-study-uid="${demoCt.study_uid}"]`);
    await row.waitFor();
    const thumb = row.locator('img');
    await thumb.evaluate((img) => (img.complete ? null : new Promise((resolve) => img.addEventListener('load', resolve, { once: true }))));
    assert.ok((await thumb.evaluate((img) => img.naturalWidth)) > 0, 'the study thumbnail loaded');
    await row.getByTestId('imaging-study-view').click();
    await waitDrawn(page);
    assert.equal(new URL(page.url()).hash, `#/imaging/view/${demoCt.study_uid}`);

    const drawn = await panePixels(page, pane(page));
    assert.ok(drawn.lit > drawn.pixels * 0.2, `the image is drawn: ${drawn.lit} of ${drawn.pixels} pixels lit`);
    assert.match(await page.getByTestId('viewer').getAttribute('data-renderer'), /^(webgl|cpu)/);
    assert.equal(await pane(page).getByTestId('viewer-patient-name').textContent(), '鈴木 正雄');
    assert.equal(await page.getByTestId('viewer-series').count(), 1);
    assert.match(await page.getByTestId('viewer-series').textContent(), /3 枚/);
    assert.equal(await sliceText(page), '画像 1 / 3');

    // keys, then the wheel, page through the stack
    await pane(page).click();
    await page.keyboard.press('ArrowDown');
    await waitSlice(page, '画像 2 / 3');
    const box = await pane(page).boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 120);
    await waitSlice(page, '画像 3 / 3');
    await page.keyboard.press('Home');
    await waitSlice(page, '画像 1 / 3');
    // with ページ送り chosen, a drag down pages forward too
    await page.getByTestId('viewer-tool-scroll').click();
    await drag(page, 0, [0.5, 0.3], [0.5, 0.7]);
    await page.locator('[data-testid="viewer-pane"][data-pane="0"] [data-testid="viewer-slice"]:not(:text-is("画像 1 / 3"))').waitFor();
    await page.keyboard.press('Home');
    await waitSlice(page, '画像 1 / 3');

    // zoom and pan by drag, reset brings the first view back
    assert.equal(await pane(page).getByTestId('viewer-zoom').textContent(), '拡大率 1.00');
    await page.getByTestId('viewer-tool-zoom').click();
    await drag(page, 0, [0.5, 0.6], [0.5, 0.3]);
    await page.locator('[data-testid="viewer-pane"][data-pane="0"] [data-testid="viewer-zoom"]:not(:text-is("拡大率 1.00"))').waitFor();
    const zoomed = await panePixels(page, pane(page));
    await page.getByTestId('viewer-tool-pan').click();
    await drag(page, 0, [0.5, 0.5], [0.7, 0.6]);
    assert.notDeepEqual((await panePixels(page, pane(page))).grid, zoomed.grid, 'the pan moved the image');
    await page.getByTestId('viewer-reset').click();
    await pane(page).getByTestId('viewer-zoom').filter({ hasText: /^拡大率 1\.00$/ }).waitFor();
    await page.getByTestId('viewer-tool-windowLevel').click();

    // a CT preset changes the pixels and the overlay's window; invert changes them again; reset
    // goes back to the file's window
    const before = await panePixels(page, pane(page));
    const initialWindow = await pane(page).getByTestId('viewer-wl').textContent();
    await page.getByTestId('viewer-preset-lung').click();
    await pane(page).getByTestId('viewer-wl').filter({ hasText: 'WW 1500 / WL -600' }).waitFor();
    const lung = await panePixels(page, pane(page));
    assert.notDeepEqual(lung.grid, before.grid, 'the lung window changed the pixels');
    await page.getByTestId('viewer-preset-bone').click();
    await pane(page).getByTestId('viewer-wl').filter({ hasText: 'WW 2000 / WL 300' }).waitFor();
    await page.getByTestId('viewer-invert').click();
    const inverted = await panePixels(page, pane(page));
    assert.notDeepEqual(inverted.grid, lung.grid);
    await page.getByTestId('viewer-reset').click();
    await pane(page).getByTestId('viewer-wl').filter({ hasText: initialWindow }).waitFor();
    assertNoProblems(page);
    await page.context().close();
  });

  test('an organisation outside his care team opens the same URL and sees nothing of the study', async () => {
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'uh.fujita'); // みなみ大学附属医療センター: not on his team, no consent
    await page.goto(`/#/imaging/view/${demoCt.study_uid}`);
    const error = page.getByTestId('viewer-error');
    await error.waitFor();
    assert.equal(await error.textContent(), 'この検査は見つからないか、表示する権限がありません。');
    assert.equal(await page.getByTestId('viewer-pane').count(), 0);
    assert.equal(await page.locator('text=鈴木').count(), 0);
    await page.context().close();
  });

  test('a length is measured in mm, an angle in degrees and an ROI in HU', async () => {
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, CLINIC_USER);
    await page.goto(`/#/imaging/view/${demoCt.study_uid}`);
    await waitDrawn(page);
    await page.getByTestId('viewer-no-measurements').waitFor();

    await page.getByTestId('viewer-tool-length').click();
    await drag(page, 0, [0.3, 0.5], [0.7, 0.5]);
    const length = page.locator('[data-testid="viewer-measurement"][data-kind="length"]');
    await length.waitFor();
    const [, mm] = (await length.textContent()).match(/^距離 (\d+\.\d) mm/) ?? [];
    assert.ok(Number(mm) > 10, `a length in mm: ${await length.textContent()}`);

    await page.getByTestId('viewer-tool-roi').click();
    await drag(page, 0, [0.4, 0.4], [0.55, 0.55]);
    const roi = page.locator('[data-testid="viewer-measurement"][data-kind="roi"]');
    await roi.waitFor();
    assert.match(await roi.textContent(), /^ROI 平均 -?\d+\.\d HU・SD \d+\.\d（面積 \d+\.\d mm²）/);
    assert.equal(await page.getByTestId('viewer-measurement').count(), 2);

    // an angle: drag the first arm, then click the end of the second
    await page.getByTestId('viewer-tool-angle').click();
    await drag(page, 0, [0.3, 0.3], [0.5, 0.5]);
    const box = await pane(page).boundingBox();
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.3, { steps: 8 });
    await page.mouse.down();
    await page.mouse.up();
    const angle = page.locator('[data-testid="viewer-measurement"][data-kind="angle"]');
    await angle.waitFor();
    const [, degrees] = (await angle.textContent()).match(/^角度 (\d+\.\d)°/) ?? [];
    assert.ok(Number(degrees) > 45 && Number(degrees) < 135, `an angle in degrees: ${await angle.textContent()}`);

    await length.getByRole('button', { name: '削除' }).click();
    await page.locator('[data-testid="viewer-measurement"][data-kind="length"]').waitFor({ state: 'detached' });
    assertNoProblems(page);
    await page.context().close();
  });

  test('layouts, and a prior study side by side scrolling in step', async () => {
    const current = makeCtStudy({ count: 6, date: '20250301', description: '胸部CT（今回）' });
    const prior = makeCtStudy({ count: 6, date: '20240301', description: '胸部CT（前回）' });
    await stowAs(server.baseUrl, HOSPITAL_USER, [...current.files, ...prior.files]);

    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, CLINIC_USER);
    await page.goto(`/#/imaging/view/${current.study}?prior=${prior.study}`);
    await waitDrawn(page, 0);
    await waitDrawn(page, 1);
    assert.equal(await pane(page, 0).getAttribute('data-study'), current.study);
    assert.equal(await pane(page, 1).getAttribute('data-study'), prior.study);
    assert.equal(await page.getByTestId('viewer-layout-1x2').getAttribute('aria-pressed'), 'true');

    await pane(page, 0).click();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await waitSlice(page, '画像 3 / 6', 0);
    await waitSlice(page, '画像 3 / 6', 1);
    // unlinked, the prior stays where it is
    await page.getByTestId('viewer-linked').click();
    assert.equal(await page.getByTestId('viewer-linked').getAttribute('aria-pressed'), 'false');
    await pane(page, 0).click();
    await page.keyboard.press('ArrowDown');
    await waitSlice(page, '画像 4 / 6', 0);
    assert.equal(await sliceText(page, 1), '画像 3 / 6');

    await page.getByTestId('viewer-layout-2x2').click();
    for (const n of [0, 1, 2, 3]) await waitDrawn(page, n);
    assert.equal(await page.getByTestId('viewer-pane').count(), 4);
    await page.getByTestId('viewer-layout-1x1').click();
    await page.locator('[data-testid="viewer-pane"][data-pane="1"]').waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('viewer-pane').count(), 1);
    assertNoProblems(page);
    await page.context().close();
  });

  test('on a 768×1024 touch tablet: fits, the slider pages, a finger sets the window, presets by tap', async () => {
    const study = makeCtStudy({ count: 5, date: '20250401', description: '胸部CT（タブレット）' });
    await stowAs(server.baseUrl, HOSPITAL_USER, study.files);
    const page = await openPage(browser, server.baseUrl, { viewport: TABLET, hasTouch: true });
    await loginAs(page, CLINIC_USER);
    await page.goto(`/#/imaging/view/${study.study}`);
    await waitDrawn(page);
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= TABLET.width, 'no sideways scrolling');
    const viewport = await pane(page).boundingBox();
    assert.ok(viewport.width >= 700 && viewport.height >= 500, `the image gets the screen: ${JSON.stringify(viewport)}`);

    const slider = pane(page).getByTestId('viewer-slider');
    const track = await slider.boundingBox();
    assert.ok(track.height >= 24, `the slider is big enough for a finger: ${track.height} px`);
    await slider.tap({ position: { x: track.width - 4, y: track.height / 2 } });
    await waitSlice(page, '画像 5 / 5');
    await slider.tap({ position: { x: 4, y: track.height / 2 } });
    await waitSlice(page, '画像 1 / 5');

    const preset = page.getByTestId('viewer-preset-mediastinum');
    assert.ok((await preset.boundingBox()).height >= 40);
    await preset.tap();
    await pane(page).getByTestId('viewer-wl').filter({ hasText: 'WW 350 / WL 40' }).waitFor();

    // one finger dragged across the image changes the window (the default tool)
    await touchDrag(page, pane(page), [0.5, 0.5], [0.8, 0.3]);
    await page.waitForFunction(
      () => !/^WW 350 \/ WL 40$/.test(document.querySelector('[data-testid="viewer-pane"][data-pane="0"] [data-testid="viewer-wl"]')?.textContent ?? ''),
    );
    assertNoProblems(page);
    await page.context().close();
  });

  test('compressed images are decoded by the WebAssembly codecs in the worker, within the CSP', async () => {
    const samples = ['MR_small_jp2klossless.dcm', 'MR_small_jpeg_ls_lossless.dcm', 'MR_small_RLE.dcm'];
    const made = makeStudyOfSamples(samples);
    await stowAs(server.baseUrl, HOSPITAL_USER, made.files);
    const page = await openPage(browser, server.baseUrl);
    const wasm = [];
    page.on('response', (r) => {
      if (r.url().endsWith('.wasm')) wasm.push(`${r.status()} ${r.headers()['content-type']}`);
    });
    await loginAs(page, CLINIC_USER);
    await page.goto(`/#/imaging/view/${made.study}`);
    await waitDrawn(page);
    for (const [n, series] of made.series.entries()) {
      await page.locator(`[data-testid="viewer-series"][data-series-uid="${series}"]`).click();
      await page.locator(`[data-testid="viewer-pane"][data-series="${series}"][data-drawn]`).waitFor();
      const drawn = await panePixels(page, pane(page));
      assert.ok(drawn.lit > drawn.pixels * 0.1, `${samples[n]} drawn: ${drawn.lit} of ${drawn.pixels} pixels lit`);
    }
    // JPEG 2000 (OpenJPEG) and JPEG-LS (CharLS) codecs came from our origin as application/wasm
    assert.ok(wasm.length >= 2, `codecs fetched: ${JSON.stringify(wasm)}`);
    for (const answer of wasm) assert.equal(answer, '200 application/wasm');
    assertNoProblems(page);
    await page.context().close();
  });

  test('without WebGL (no GPU, no software rasterizer) Cornerstone draws on its CPU renderer', async () => {
    const noWebgl = await launchBrowser(['--disable-software-rasterizer']);
    try {
      const page = await openPage(noWebgl, server.baseUrl);
      await loginAs(page, CLINIC_USER);
      await page.goto(`/#/imaging/view/${demoCt.study_uid}`);
      await waitDrawn(page);
      assert.equal(await page.getByTestId('viewer').getAttribute('data-renderer'), 'cpu');
      const drawn = await panePixels(page, pane(page));
      assert.ok(drawn.lit > drawn.pixels * 0.2, `drawn on the CPU: ${drawn.lit} of ${drawn.pixels} pixels lit`);
      await page.getByTestId('viewer-preset-lung').click();
      await pane(page).getByTestId('viewer-wl').filter({ hasText: 'WW 1500 / WL -600' }).waitFor();
      assert.notDeepEqual((await panePixels(page, pane(page))).grid, drawn.grid);
      assertNoProblems(page);
    } finally {
      await noWebgl.close();
    }
  });

  test('the first image of a 100-slice CT is drawn, cold and warm, and the time it took is reported', async () => {
    const study = makeCtStudy({ count: 100, date: '20250501', description: '胸部CT 100枚' });
    await stowAs(server.baseUrl, HOSPITAL_USER, study.files);
    // cold: a new browser context, signed in, the viewer's code fetched with it (three times);
    // warm: the viewer opened again in the same page (five times). The figures are printed, not
    // judged: speed is judged by `make bench-viewer` on a release build (docs/benchmarks.md).
    const cold = [];
    const warm = [];
    let renderer = '';
    for (let round = 0; round < 3; round++) {
      const page = await openPage(browser, server.baseUrl);
      await loginAs(page, CLINIC_USER);
      cold.push(await timeToFirstImage(page, study.study));
      assert.equal(await sliceText(page), '画像 1 / 100');
      renderer = await page.getByTestId('viewer').getAttribute('data-renderer');
      for (let again = 0; round === 0 && again < 5; again++) {
        await page.evaluate(() => (location.hash = '#/patients'));
        await page.getByTestId('search-q').waitFor();
        warm.push(await timeToFirstImage(page, study.study));
      }
      assertNoProblems(page);
      await page.context().close();
    }
    const coldFigures = summary(cold);
    const warmFigures = summary(warm);
    console.log(
      `first image of a 100-slice CT: cold median ${coldFigures.median.toFixed(0)} ms (${cold.map((v) => v.toFixed(0)).join(', ')}), ` +
        `warm median ${warmFigures.median.toFixed(0)} ms (${warm.map((v) => v.toFixed(0)).join(', ')}), renderer ${renderer}`,
    );
    assert.equal(cold.length, 3);
    assert.equal(warm.length, 5);
  });
});
