// SPDX-License-Identifier: Apache-2.0
// The CD import (issue 14): a hospital physician opens a demo patient's 画像 tab, uploads the zip
// of a CD (with DICOMDIR, built here from pydicom's samples with new UIDs and the hospital's
// local id of the patient), watches the progress bar move, reads a result per file and the
// summary, and sees the study listed on the patient page. A CD of an unknown patient, imported on
// the 未照合の検査 page, waits there with its DICOM name shown as text (a <script> name runs
// nothing) until it is assigned to the patient through the patient search.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { findPatientId, repoRoot } from './server.mjs';

const PYTHON = process.env.TSUNAGU_PYTHON ?? '/usr/bin/python3';
const workDir = mkdtempSync(path.join(os.tmpdir(), 'tsunagu-e2e-cd-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

/**
 * Writes a CD zip with tests/api/import_helpers.py (pydicom) and returns its path and the
 * study's UID: count CT images of one study for patient_id named name.
 */
function makeCd(file, { count, patientId, name }) {
  const script = [
    'import sys',
    `sys.path.insert(0, ${JSON.stringify(path.join(repoRoot, 'tests', 'api'))})`,
    'import import_helpers as ih',
    `instances = ih.study(${count}, patient_id=${JSON.stringify(patientId)}, name=${JSON.stringify(name)})`,
    `open(${JSON.stringify(file)}, "wb").write(ih.cd_zip(instances, top="CDROM/"))`,
    'print(instances[0][1].StudyInstanceUID)',
  ].join('\n');
  const uid = execFileSync(PYTHON, ['-c', script], { encoding: 'utf8' }).trim();
  return { file, uid };
}

/** Writes the folder of a CD (DICOMDIR and PT000000/…, as pydicom's FileSet lays it out) of count
 *  MR images for patient_id, plus a file that is not DICOM; returns its path and the study's UID. */
function makeCdFolder(dir, { count, patientId }) {
  const script = [
    'import sys',
    `sys.path.insert(0, ${JSON.stringify(path.join(repoRoot, 'tests', 'api'))})`,
    'import import_helpers as ih',
    'from pydicom.fileset import FileSet',
    `instances = ih.study(${count}, sample="MR_small.dcm", patient_id=${JSON.stringify(patientId)})`,
    'fs = FileSet()',
    'for _data, ds in instances: fs.add(ds)',
    `fs.write(${JSON.stringify(dir)})`,
    `open(${JSON.stringify(path.join(dir, 'README.TXT'))}, "w").write("viewer: see VIEWER.EXE")`,
    'print(instances[0][1].StudyInstanceUID)',
  ].join('\n');
  const uid = execFileSync(PYTHON, ['-c', script], { encoding: 'utf8' }).trim();
  return { dir, uid };
}

/** Records every value the progress bar takes and every phase it shows (from now on). */
async function watchProgress(page) {
  await page.evaluate(() => {
    window.__progress = [];
    window.__phases = [];
    new MutationObserver(() => {
      const bar = document.querySelector('[data-testid="imaging-progress"]');
      const phase = document.querySelector('[data-testid="imaging-phase"]');
      if (bar && !bar.closest('[hidden]')) window.__progress.push(bar.hasAttribute('value') ? bar.value : null);
      if (phase?.textContent && window.__phases.at(-1) !== phase.textContent) window.__phases.push(phase.textContent);
    }).observe(document.body, { subtree: true, attributes: true, childList: true, characterData: true });
  });
}

/** Slows the page's uploads so that the progress bar is seen moving (Chrome DevTools Protocol). */
async function slowUploads(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 64 * 1024,
  });
}

describe('CD import', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let hanakoId;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
    hanakoId = await findPatientId(server.baseUrl, 'gh.sato', '山田 花子', 'GH-000001');
  });

  test('upload a CD zip on the patient page: progress, a result per file, the summary, the study listed', async () => {
    const cd = makeCd(path.join(workDir, 'hanako-cd.zip'), { count: 3, patientId: 'GH-000001', name: 'Yamada^Hanako' });
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'gh.sato');
    await page.goto(`/#/patients/${hanakoId}/images`);
    await page.getByTestId('imaging-upload').waitFor();
    await page.locator('[data-testid="imaging-study-list"]:not(:has([data-testid="loading"]))').waitFor();
    assert.equal(await page.locator(`[data-testid="imaging-study"][data-study-uid="${cd.uid}"]`).count(), 0);

    await watchProgress(page);
    await slowUploads(page);
    await page.getByTestId('imaging-zip-input').setInputFiles(cd.file);
    await page.getByTestId('imaging-progress').waitFor();
    const summary = page.getByTestId('imaging-summary');
    await summary.waitFor();
    assert.match(await summary.textContent(), /保存 3 件・重複 0 件・失敗 0 件・対象外 0 件（DICOMDIR に従って読み込みました）/);
    const progress = await page.evaluate(() => window.__progress);
    const moving = progress.filter((v) => typeof v === 'number' && v > 0 && v < 1);
    assert.ok(moving.length > 0, `the bar moved between 0 and 1: ${JSON.stringify(progress)}`);
    assert.equal(await page.getByTestId('imaging-progress').evaluate((bar) => bar.value), 1);
    assert.deepEqual(await page.evaluate(() => window.__phases), ['送信しています…', 'サーバーで取り込んでいます…', '取り込みが終わりました。']);

    const rows = page.getByTestId('imaging-result-row');
    assert.equal(await rows.count(), 3);
    for (const status of await rows.evaluateAll((els) => els.map((el) => el.dataset.status))) assert.equal(status, 'stored');
    assert.match(await rows.first().textContent(), /^CDROM\/PT000000\/ST000000\/SE000000\/IM00000\d保存/);

    const study = page.locator(`[data-testid="imaging-study"][data-study-uid="${cd.uid}"]`);
    await study.waitFor();
    const cells = await study.locator('td:not(.study-thumb)').allTextContents();
    assert.equal(cells[1], 'CT');
    assert.equal(cells[2], '頭部CT');
    assert.equal(cells[3], 'みなみ総合病院');
    assert.deepEqual(cells.slice(4), ['1', '3', '画像を表示']);
    assert.match(cells[0], /^\d{4}年\d{1,2}月\d{1,2}日$/);

    // the same CD again, dropped on the panel: every file a duplicate, nothing new listed
    const bytes = readFileSync(cd.file).toString('base64');
    const dataTransfer = await page.evaluateHandle((b64) => {
      const data = new DataTransfer();
      const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      data.items.add(new File([raw], 'hanako-cd.zip', { type: 'application/zip' }));
      return data;
    }, bytes);
    await page.getByTestId('imaging-drop').dispatchEvent('drop', { dataTransfer });
    await page.getByTestId('imaging-summary').filter({ hasText: '重複 3 件' }).waitFor();
    assert.equal(await page.locator(`[data-testid="imaging-study"][data-study-uid="${cd.uid}"]`).count(), 1);
    assertNoProblems(page);
  });

  test('choose the folder of a CD: packed in the browser, read by its DICOMDIR', async () => {
    const cd = makeCdFolder(path.join(workDir, 'MRI_CD'), { count: 2, patientId: 'GH-000001' });
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'gh.sato');
    await page.goto(`/#/patients/${hanakoId}/images`);
    await page.getByTestId('imaging-upload').waitFor();
    await page.getByTestId('imaging-folder-input').setInputFiles(cd.dir);
    const summary = page.getByTestId('imaging-summary');
    await summary.waitFor();
    assert.match(await summary.textContent(), /^保存 2 件・重複 0 件・失敗 0 件・対象外 1 件（DICOMDIR に従って読み込みました）$/);
    const skipped = page.locator('[data-testid="imaging-result-row"][data-status="skipped"]');
    assert.match(await skipped.textContent(), /^MRI_CD\/README\.TXT対象外DICOMDIR に記載のないファイルのため、読み込みませんでした。$/);
    const study = page.locator(`[data-testid="imaging-study"][data-study-uid="${cd.uid}"]`);
    await study.waitFor();
    assert.equal((await study.locator('td:not(.study-thumb)').allTextContents())[1], 'MR');
    assertNoProblems(page);
  });

  test('a CD of an unknown patient waits unmatched, its name shown as text, until assigned', async () => {
    const name = '<script>window.__xss=1</script>^Taro';
    const cd = makeCd(path.join(workDir, 'unknown-cd.zip'), { count: 1, patientId: 'CD-7781', name });
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'gh.sato');
    await page.goto('/#/patients');
    await page.getByTestId('imaging-unmatched-open').click();
    await page.getByTestId('imaging-upload').waitFor();

    // a zip bomb first: refused with its reason, nothing listed
    const bomb = path.join(workDir, 'bomb.zip');
    execFileSync(PYTHON, ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(path.join(repoRoot, 'tests', 'api'))}); import import_helpers as ih; open(${JSON.stringify(bomb)}, "wb").write(ih.bomb(size=32 * 1024 * 1024))`]);
    await page.getByTestId('imaging-zip-input').setInputFiles(bomb);
    const error = page.getByTestId('imaging-upload').getByTestId('error');
    await error.waitFor();
    assert.match(await error.textContent(), /^展開後のサイズかファイル数が上限を超えるため、取り込みを中止しました（何も保存していません）。/);
    assert.equal(await page.getByTestId('imaging-summary').count(), 0);

    await page.getByTestId('imaging-zip-input').setInputFiles(cd.file);
    await page.getByTestId('imaging-summary-waiting').waitFor();
    assert.equal(await error.isHidden(), true);
    assert.equal(await page.getByTestId('imaging-result-row').getAttribute('data-code'), 'imaging.queued');

    const row = page.locator(`[data-testid="queue-study"][data-study-uid="${cd.uid}"]`);
    await row.waitFor();
    assert.equal(await row.getByTestId('queue-patient-name').textContent(), name);
    assert.equal(await page.evaluate(() => window.__xss), undefined);

    await row.getByTestId('queue-assign').click();
    const dialog = page.getByTestId('assign-dialog');
    await dialog.getByTestId('assign-query').fill('山田 花子');
    await dialog.getByTestId('assign-search').click();
    const hanako = dialog.getByTestId('assign-hit').filter({ hasText: 'GH-000001' });
    await hanako.getByTestId('assign-pick').click();
    await page.getByTestId('notice').filter({ hasText: '検査を患者に割り当てました。' }).waitFor();
    assert.equal(await row.count(), 0);

    // another unknown CD: rejected with a reason, it leaves the queue
    const other = makeCd(path.join(workDir, 'other-cd.zip'), { count: 1, patientId: 'CD-9902', name: 'Unknown^Person' });
    await page.getByTestId('imaging-zip-input').setInputFiles(other.file);
    const otherRow = page.locator(`[data-testid="queue-study"][data-study-uid="${other.uid}"]`);
    await otherRow.waitFor();
    await otherRow.getByTestId('queue-reject').click();
    await page.getByTestId('reject-submit').click();
    assert.equal(await page.getByTestId('reject-reason').evaluate((el) => el.validity.valueMissing), true);
    await page.getByTestId('reject-reason').fill('他院の患者の画像が誤って含まれていたため');
    await page.getByTestId('reject-submit').click();
    await page.getByTestId('notice').filter({ hasText: '検査を却下しました。' }).waitFor();
    assert.equal(await otherRow.count(), 0);

    await page.goto(`/#/patients/${hanakoId}/images`);
    await page.locator(`[data-testid="imaging-study"][data-study-uid="${cd.uid}"]`).waitFor();
    assert.equal(await page.locator(`[data-testid="imaging-study"][data-study-uid="${other.uid}"]`).count(), 0);
    assertNoProblems(page);
  });
});
