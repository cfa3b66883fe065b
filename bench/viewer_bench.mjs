// SPDX-License-Identifier: Apache-2.0
// The work of bench/viewer.sh: the first image of a 100-slice CT in the viewer, cold and warm.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { launchBrowser, loginAs, openPage } from '../tests/e2e/browser.mjs';
import { apiSession, findPatientId, startServer } from '../tests/e2e/server.mjs';
import { makeCtStudy, stowAs, summary, timeToFirstImage } from '../tests/e2e/viewer_helpers.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const SLICES = Number(process.env.BENCH_SLICES ?? 100);

function row(label, values) {
  const s = summary(values);
  return `| ${label} | ${s.n} | ${s.median.toFixed(0)} | ${s.p95.toFixed(0)} | ${s.min.toFixed(0)} | ${s.max.toFixed(0)} |`;
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const study = makeCtStudy({ count: SLICES, date: '20250501', description: `胸部CT ${SLICES}枚` });
  await stowAs(server.baseUrl, 'gh.sato', study.files);
  // the clinic physician sees it (his care team with consent)
  const clinic = await apiSession(server.baseUrl, 'aoba.mori');
  const suzuki = await findPatientId(server.baseUrl, 'aoba.mori', '鈴木 正雄', 'GH-000003');
  const listed = await clinic.get(`/api/patients/${suzuki}/studies`);
  if (!listed.items.some((s) => s.study_uid === study.study)) throw new Error('the clinic does not see the study');

  const cold = [];
  const warm = [];
  let renderer = '';
  for (let round = 0; round < ROUNDS; round++) {
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'aoba.mori');
    cold.push(await timeToFirstImage(page, study.study));
    renderer = await page.getByTestId('viewer').getAttribute('data-renderer');
    await page.evaluate(() => (location.hash = '#/patients'));
    await page.getByTestId('search-q').waitFor();
    warm.push(await timeToFirstImage(page, study.study));
    await page.context().close();
  }
  const chromium = execFileSync(process.env.TSUNAGU_CHROMIUM ?? '/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  console.log(`First image of a ${SLICES}-slice CT in the viewer, ${ROUNDS} rounds (ms)`);
  console.log(`machine: ${os.cpus().length} vCPU ${os.cpus()[0]?.model ?? ''}, ${chromium}, renderer: ${renderer}`);
  console.log('');
  console.log('| open | n | median | p95 | min | max |');
  console.log('|---|---|---|---|---|---|');
  console.log(row('cold (new context: code, metadata, frame)', cold));
  console.log(row('warm (same page, opened again)', warm));
} finally {
  await browser.close();
  await server.stop();
}
